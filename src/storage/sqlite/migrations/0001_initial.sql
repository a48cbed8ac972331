-- Version 1: the tables and indexes of a new database.
CREATE TABLE locations (
  id   TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE resources (
  id        TEXT NOT NULL PRIMARY KEY,
  name      TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  time_off  TEXT NOT NULL -- JSON [{"start", "end"}]
);
CREATE TABLE resource_schedules (
  resource_id TEXT NOT NULL REFERENCES resources (id),
  location_id TEXT NOT NULL REFERENCES locations (id),
  position    INTEGER NOT NULL, -- order within resource_record::schedules
  schedule    TEXT NOT NULL,    -- JSON location_schedule
  PRIMARY KEY (resource_id, location_id)
);
CREATE TABLE services (
  id      TEXT NOT NULL PRIMARY KEY,
  service TEXT NOT NULL, -- JSON rules, SPEC §8 names
  name    TEXT NOT NULL
);
CREATE TABLE service_locations (
  service_id  TEXT NOT NULL REFERENCES services (id),
  location_id TEXT NOT NULL REFERENCES locations (id),
  position    INTEGER NOT NULL,
  PRIMARY KEY (service_id, location_id)
);
CREATE TABLE links (
  resource_id TEXT NOT NULL REFERENCES resources (id),
  service_id  TEXT NOT NULL REFERENCES services (id),
  PRIMARY KEY (resource_id, service_id)
);
CREATE INDEX links_service ON links (service_id, resource_id);
CREATE TABLE clients (
  id   TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE client_identities (
  network     TEXT NOT NULL CHECK (network IN ('telegram', 'whatsapp', 'vk', 'other')),
  external_id TEXT NOT NULL,
  client_id   TEXT NOT NULL REFERENCES clients (id),
  position    INTEGER NOT NULL,
  UNIQUE (network, external_id)
);
CREATE INDEX client_identities_client ON client_identities (client_id, position);
CREATE TABLE settings (
  key   TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL -- JSON
);
CREATE TABLE bookings (
  id                TEXT NOT NULL PRIMARY KEY,
  resource_id       TEXT NOT NULL REFERENCES resources (id),
  service_id        TEXT NOT NULL REFERENCES services (id),
  location_id       TEXT NOT NULL,
  client_id         TEXT NOT NULL,
  start_s           INTEGER NOT NULL,
  end_s             INTEGER NOT NULL,
  seats             INTEGER NOT NULL CHECK (seats >= 1),
  status            TEXT NOT NULL CHECK (status IN ('confirmed', 'held', 'cancelled')),
  expires_s         INTEGER,
  hold_token        TEXT NOT NULL,
  buffer_before_min INTEGER NOT NULL CHECK (buffer_before_min >= 0),
  buffer_after_min  INTEGER NOT NULL CHECK (buffer_after_min >= 0),
  idempotency_key   TEXT NOT NULL,
  series            TEXT NOT NULL,
  cancel_reason     TEXT NOT NULL,
  created_s         INTEGER NOT NULL,
  updated_s         INTEGER NOT NULL,
  CHECK (end_s > start_s)
);
CREATE INDEX bookings_resource_start ON bookings (resource_id, start_s);
-- bookings_of_resource: the padded end bounds the scan on the side where history grows.
CREATE INDEX bookings_resource_padded_end ON bookings (resource_id, end_s + buffer_after_min * 60);
CREATE INDEX bookings_client_start ON bookings (client_id, start_s);
CREATE INDEX bookings_confirmed_start ON bookings (start_s) WHERE status = 'confirmed';
CREATE UNIQUE INDEX bookings_idempotency_key ON bookings (idempotency_key) WHERE idempotency_key <> '';
CREATE UNIQUE INDEX bookings_hold_token ON bookings (hold_token) WHERE hold_token <> '';
CREATE TABLE reminders (
  booking_id TEXT NOT NULL REFERENCES bookings (id),
  offset_min INTEGER NOT NULL,
  PRIMARY KEY (booking_id, offset_min)
);
CREATE TABLE audit (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  at_s     INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  subject  TEXT NOT NULL,
  "before" TEXT NOT NULL,
  "after"  TEXT NOT NULL
);
