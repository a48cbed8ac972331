-- Version 7: bookings_of_resource reads bookings_resource_padded_end (named
-- in the query), and that index also serves the foreign key to resources, so
-- bookings_resource_start only cost a page written with every booking.
DROP INDEX bookings_resource_start;
