-- Version 6: the catalog's version, one more after every write of a catalog table,
-- whoever writes it; a store keeps what it read at one version
-- (storage/common/catalog_cache.hpp).
CREATE TABLE catalog_version (
  only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
  n        INTEGER NOT NULL
);
INSERT INTO catalog_version (only_row, n) VALUES (1, 0);
CREATE TRIGGER locations_insert_changes_catalog AFTER INSERT ON locations
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER locations_update_changes_catalog AFTER UPDATE ON locations
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER locations_delete_changes_catalog AFTER DELETE ON locations
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER resources_insert_changes_catalog AFTER INSERT ON resources
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER resources_update_changes_catalog AFTER UPDATE ON resources
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER resources_delete_changes_catalog AFTER DELETE ON resources
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER resource_schedules_insert_changes_catalog AFTER INSERT ON resource_schedules
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER resource_schedules_update_changes_catalog AFTER UPDATE ON resource_schedules
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER resource_schedules_delete_changes_catalog AFTER DELETE ON resource_schedules
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER services_insert_changes_catalog AFTER INSERT ON services
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER services_update_changes_catalog AFTER UPDATE ON services
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER services_delete_changes_catalog AFTER DELETE ON services
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER service_locations_insert_changes_catalog AFTER INSERT ON service_locations
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER service_locations_update_changes_catalog AFTER UPDATE ON service_locations
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER service_locations_delete_changes_catalog AFTER DELETE ON service_locations
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER links_insert_changes_catalog AFTER INSERT ON links
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER links_update_changes_catalog AFTER UPDATE ON links
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER links_delete_changes_catalog AFTER DELETE ON links
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER settings_insert_changes_catalog AFTER INSERT ON settings
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER settings_update_changes_catalog AFTER UPDATE ON settings
  BEGIN UPDATE catalog_version SET n = n + 1; END;
CREATE TRIGGER settings_delete_changes_catalog AFTER DELETE ON settings
  BEGIN UPDATE catalog_version SET n = n + 1; END;
