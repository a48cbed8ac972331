-- Version 8: audit sequence numbers are plain row ids. The audit is append
-- only, so the next row id (the highest one plus one) is the number
-- AUTOINCREMENT gave, and a commit no longer writes AUTOINCREMENT's
-- sqlite_sequence page: one WAL frame of eight fewer with every booking.
-- SQLite cannot drop AUTOINCREMENT in place, so the rows are copied, numbers
-- and all.
CREATE TABLE audit_numbered (
  seq      INTEGER PRIMARY KEY,
  at_s     INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  subject  TEXT NOT NULL,
  "before" TEXT NOT NULL,
  "after"  TEXT NOT NULL
);
INSERT INTO audit_numbered (seq, at_s, actor, action, subject, "before", "after")
  SELECT seq, at_s, actor, action, subject, "before", "after" FROM audit ORDER BY seq;
DROP TABLE audit;
ALTER TABLE audit_numbered RENAME TO audit;
