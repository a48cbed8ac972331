-- Version 2: attendance, marked once a booking's start has passed.
ALTER TABLE bookings ADD COLUMN attendance TEXT NOT NULL DEFAULT 'unmarked'
  CHECK (attendance IN ('unmarked', 'attended', 'no_show'));
