-- Version 7: the waiting list (scheduler::join_waitlist): a client waits for
-- a free start of a service in a range; an offer is a hold (`offer_id`).
CREATE TABLE waitlist (
  id            text COLLATE "C" PRIMARY KEY,
  client_id     text COLLATE "C" NOT NULL REFERENCES clients (id),
  service_id    text COLLATE "C" NOT NULL REFERENCES services (id),
  resource_id   text NOT NULL,
  location_id   text NOT NULL,
  from_at       timestamptz NOT NULL,
  to_at         timestamptz NOT NULL,
  seats         integer NOT NULL CHECK (seats >= 1),
  offer_ttl_min integer NOT NULL CHECK (offer_ttl_min >= 1),
  status        text NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'lapsed', 'expired', 'left')),
  offer_id      text NOT NULL,
  notified      boolean NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  CHECK (to_at > from_at)
);
CREATE INDEX waitlist_open ON waitlist (created_at, id) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_client ON waitlist (client_id, created_at);
