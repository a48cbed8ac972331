-- Version 9: SPEC §10. The booking of a pool member (a room booked with a
-- master) names the booking it was made with (`group_id`) and its pool
-- (`pool_id`); every booking written before has neither.
ALTER TABLE bookings ADD COLUMN group_id TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN pool_id TEXT NOT NULL DEFAULT '';
CREATE INDEX bookings_group ON bookings (group_id) WHERE group_id <> '';
