-- Version 1: the tables, indexes and triggers of a new database.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE locations (
  id   text COLLATE "C" PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE resources (
  id        text COLLATE "C" PRIMARY KEY,
  name      text NOT NULL,
  time_zone text NOT NULL,
  time_off  jsonb NOT NULL -- [{"start", "end"}]
);
CREATE TABLE resource_schedules (
  resource_id text COLLATE "C" NOT NULL REFERENCES resources (id),
  location_id text COLLATE "C" NOT NULL REFERENCES locations (id),
  position    integer NOT NULL, -- order within resource_record::schedules
  schedule    jsonb NOT NULL,   -- location_schedule
  PRIMARY KEY (resource_id, location_id)
);
CREATE TABLE services (
  id    text COLLATE "C" PRIMARY KEY,
  rules jsonb NOT NULL, -- SPEC §8 names
  name  text NOT NULL
);
CREATE TABLE service_locations (
  service_id  text COLLATE "C" NOT NULL REFERENCES services (id),
  location_id text COLLATE "C" NOT NULL REFERENCES locations (id),
  position    integer NOT NULL,
  PRIMARY KEY (service_id, location_id)
);
CREATE TABLE links (
  resource_id text COLLATE "C" NOT NULL REFERENCES resources (id),
  service_id  text COLLATE "C" NOT NULL REFERENCES services (id),
  PRIMARY KEY (resource_id, service_id)
);
CREATE INDEX links_service ON links (service_id, resource_id);
CREATE TABLE clients (
  id   text COLLATE "C" PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE client_identities (
  network     text NOT NULL CHECK (network IN ('telegram', 'whatsapp', 'vk', 'other')),
  external_id text NOT NULL,
  client_id   text COLLATE "C" NOT NULL REFERENCES clients (id),
  position    integer NOT NULL,
  PRIMARY KEY (network, external_id)
);
CREATE INDEX client_identities_client ON client_identities (client_id, position);
CREATE TABLE settings (
  key   text PRIMARY KEY,
  value jsonb NOT NULL
);
CREATE TABLE bookings (
  id                text COLLATE "C" PRIMARY KEY,
  resource_id       text COLLATE "C" NOT NULL REFERENCES resources (id),
  service_id        text COLLATE "C" NOT NULL REFERENCES services (id),
  location_id       text NOT NULL,
  client_id         text COLLATE "C" NOT NULL,
  start_at          timestamptz NOT NULL,
  end_at            timestamptz NOT NULL,
  padded_start      timestamptz NOT NULL,
  padded_end        timestamptz NOT NULL,
  seats             integer NOT NULL CHECK (seats >= 1),
  status            text NOT NULL CHECK (status IN ('confirmed', 'held', 'cancelled')),
  expires_at        timestamptz,
  hold_token        text NOT NULL,
  buffer_before_min integer NOT NULL CHECK (buffer_before_min >= 0),
  buffer_after_min  integer NOT NULL CHECK (buffer_after_min >= 0),
  idempotency_key   text NOT NULL,
  series            text NOT NULL,
  cancel_reason     text NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  -- The service's capacity when the booking was made (set by a trigger):
  -- above 1 the booking is a seat of a group class.
  capacity          integer NOT NULL DEFAULT 1,
  -- A hold whose expiry had passed when an overlapping booking was written:
  -- it blocks nothing any more.
  lapsed            boolean NOT NULL DEFAULT false,
  CHECK (end_at > start_at),
  CHECK (padded_start = start_at - buffer_before_min * interval '1 minute'
         AND padded_end = end_at + buffer_after_min * interval '1 minute'),
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist
    (resource_id WITH =, tstzrange(padded_start, padded_end) WITH &&)
    WHERE (status <> 'cancelled' AND NOT lapsed AND capacity <= 1)
);
CREATE INDEX bookings_resource_padded_end ON bookings (resource_id, padded_end);
CREATE INDEX bookings_client_start ON bookings (client_id, start_at);
CREATE INDEX bookings_confirmed_start ON bookings (start_at) WHERE status = 'confirmed';
CREATE UNIQUE INDEX bookings_idempotency_key ON bookings (idempotency_key) WHERE idempotency_key <> '';
CREATE UNIQUE INDEX bookings_hold_token ON bookings (hold_token) WHERE hold_token <> '';

-- Seats taken per group slot; only the trigger below writes it.
CREATE TABLE seat_counts (
  resource_id text COLLATE "C" NOT NULL,
  service_id  text COLLATE "C" NOT NULL,
  start_at    timestamptz NOT NULL,
  seats_taken integer NOT NULL CHECK (seats_taken >= 0),
  PRIMARY KEY (resource_id, service_id, start_at)
);

CREATE FUNCTION slotcraft_booking_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.capacity := COALESCE((SELECT (rules ->> 'capacity')::integer FROM services WHERE id = NEW.service_id), 1);
  RETURN NEW;
END $$;
CREATE TRIGGER bookings_capacity BEFORE INSERT OR UPDATE OF service_id ON bookings
  FOR EACH ROW EXECUTE FUNCTION slotcraft_booking_capacity();

-- Keeps seat_counts; the upsert locks the slot's row, so concurrent writers
-- of one slot add their seats one after the other and the last seat is sold once.
CREATE FUNCTION slotcraft_count_seats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  taken integer;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.capacity > 1 AND OLD.status <> 'cancelled' AND NOT OLD.lapsed THEN
    UPDATE seat_counts SET seats_taken = seats_taken - OLD.seats
     WHERE resource_id = OLD.resource_id AND service_id = OLD.service_id AND start_at = OLD.start_at;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.capacity > 1 AND NEW.status <> 'cancelled' AND NOT NEW.lapsed THEN
    INSERT INTO seat_counts AS c (resource_id, service_id, start_at, seats_taken)
         VALUES (NEW.resource_id, NEW.service_id, NEW.start_at, NEW.seats)
    ON CONFLICT (resource_id, service_id, start_at) DO UPDATE SET seats_taken = c.seats_taken + EXCLUDED.seats_taken
    RETURNING seats_taken INTO taken;
    IF taken > NEW.capacity THEN
      RAISE EXCEPTION 'slot % of service % at % has % seats; % would be taken',
                      NEW.resource_id, NEW.service_id, NEW.start_at, NEW.capacity, taken
        USING ERRCODE = 'SC409';
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER bookings_seats AFTER INSERT OR UPDATE OR DELETE ON bookings
  FOR EACH ROW EXECUTE FUNCTION slotcraft_count_seats();

CREATE TABLE reminders (
  booking_id text COLLATE "C" NOT NULL REFERENCES bookings (id),
  offset_min integer NOT NULL,
  PRIMARY KEY (booking_id, offset_min)
);
CREATE TABLE audit (
  seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at       timestamptz NOT NULL,
  actor    text NOT NULL,
  action   text NOT NULL,
  subject  text NOT NULL,
  "before" text NOT NULL,
  "after"  text NOT NULL
);
