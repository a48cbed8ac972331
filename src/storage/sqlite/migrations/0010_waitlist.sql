-- Version 10: the waiting list (scheduler::join_waitlist): a client waits for
-- a free start of a service in a range; an offer is a hold (`offer_id`).
CREATE TABLE waitlist (
  id            TEXT NOT NULL PRIMARY KEY,
  client_id     TEXT NOT NULL REFERENCES clients (id),
  service_id    TEXT NOT NULL REFERENCES services (id),
  resource_id   TEXT NOT NULL,
  location_id   TEXT NOT NULL,
  from_s        INTEGER NOT NULL,
  to_s          INTEGER NOT NULL,
  seats         INTEGER NOT NULL CHECK (seats >= 1),
  offer_ttl_min INTEGER NOT NULL CHECK (offer_ttl_min >= 1),
  status        TEXT NOT NULL,
  offer_id      TEXT NOT NULL,
  notified      INTEGER NOT NULL CHECK (notified = 0 OR notified = 1),
  created_s     INTEGER NOT NULL,
  updated_s     INTEGER NOT NULL,
  CHECK (to_s > from_s)
);
CREATE INDEX waitlist_open ON waitlist (created_s, id) WHERE status = 'waiting' OR status = 'offered';
CREATE INDEX waitlist_client ON waitlist (client_id, created_s);
