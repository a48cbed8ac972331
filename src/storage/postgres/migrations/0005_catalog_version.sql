-- Version 5: the catalog's version, one more after every statement that writes a catalog
-- table, whoever runs it; a store keeps what it read at one version
-- (storage/common/catalog_cache.hpp).
CREATE TABLE catalog_version (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  n        bigint NOT NULL
);
INSERT INTO catalog_version (n) VALUES (0);
CREATE FUNCTION slotcraft_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalog_version SET n = n + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER locations_change_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations
  FOR EACH STATEMENT EXECUTE FUNCTION slotcraft_catalog_changed();
CREATE TRIGGER resources_change_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON resources
  FOR EACH STATEMENT EXECUTE FUNCTION slotcraft_catalog_changed();
CREATE TRIGGER resource_schedules_change_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON resource_schedules
  FOR EACH STATEMENT EXECUTE FUNCTION slotcraft_catalog_changed();
CREATE TRIGGER services_change_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON services
  FOR EACH STATEMENT EXECUTE FUNCTION slotcraft_catalog_changed();
CREATE TRIGGER service_locations_change_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_locations
  FOR EACH STATEMENT EXECUTE FUNCTION slotcraft_catalog_changed();
CREATE TRIGGER links_change_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON links
  FOR EACH STATEMENT EXECUTE FUNCTION slotcraft_catalog_changed();
CREATE TRIGGER settings_change_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
  FOR EACH STATEMENT EXECUTE FUNCTION slotcraft_catalog_changed();
