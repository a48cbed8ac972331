-- Version 9: a series keeps the idempotency key it was booked with, so the
-- key is one request's, whichever of book and book_recurring used it first.
-- A series booked before keeps the key its occurrences were given:
-- `<key>@<start>`, the start spelled YYYY-MM-DDTHH:MM:SSZ (21 characters with the @).
ALTER TABLE series ADD COLUMN idempotency_key text NOT NULL DEFAULT '';
UPDATE series SET idempotency_key = coalesce((
  SELECT left(b.idempotency_key, -21) FROM bookings b
  WHERE b.series = series.id AND length(b.idempotency_key) > 21
    AND substr(b.idempotency_key, length(b.idempotency_key) - 20, 1) = '@'
  ORDER BY b.created_at, b.id LIMIT 1), '');
-- A key the old code let two series take stays with one of them.
UPDATE series SET idempotency_key = '' WHERE idempotency_key <> '' AND EXISTS (
  SELECT 1 FROM series other WHERE other.idempotency_key = series.idempotency_key AND other.id < series.id);
CREATE UNIQUE INDEX series_idempotency_key ON series (idempotency_key) WHERE idempotency_key <> '';
