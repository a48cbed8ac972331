-- Version 6: SPEC §10. The booking of a pool member (a room booked with a
-- master) names the booking it was made with (`group_id`) and its pool
-- (`pool_id`); every booking written before has neither. The overlap
-- constraint protects a member as it protects a person; seats are counted on
-- the main booking only (a group class that two masters hold in one room at
-- once fills each master's seats, not the room's).
ALTER TABLE bookings ADD COLUMN group_id text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN pool_id text NOT NULL DEFAULT '';
CREATE INDEX bookings_group ON bookings (group_id) WHERE group_id <> '';

CREATE OR REPLACE FUNCTION slotcraft_count_seats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  taken integer;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.capacity > 1 AND OLD.status <> 'cancelled' AND NOT OLD.lapsed
     AND OLD.group_id = '' THEN
    UPDATE seat_counts SET seats_taken = seats_taken - OLD.seats
     WHERE resource_id = OLD.resource_id AND service_id = OLD.service_id AND start_at = OLD.start_at;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.capacity > 1 AND NEW.status <> 'cancelled' AND NOT NEW.lapsed
     AND NEW.group_id = '' THEN
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
