-- Version 4: archived locations, resources and services are never offered or booked
-- again.
ALTER TABLE locations ADD COLUMN archived boolean NOT NULL DEFAULT false;
ALTER TABLE resources ADD COLUMN archived boolean NOT NULL DEFAULT false;
ALTER TABLE services ADD COLUMN archived boolean NOT NULL DEFAULT false;
