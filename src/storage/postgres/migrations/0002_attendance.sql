-- Version 2: attendance, marked once a booking's start has passed.
ALTER TABLE bookings ADD COLUMN attendance text NOT NULL DEFAULT 'unmarked'
  CHECK (attendance IN ('unmarked', 'attended', 'no_show'));
