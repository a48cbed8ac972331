-- Version 3: the rules of recurring series, for RRULE in iCalendar exports.
CREATE TABLE series (
  id            TEXT NOT NULL PRIMARY KEY,
  resource_id   TEXT NOT NULL REFERENCES resources (id),
  rrule         TEXT NOT NULL,
  first_start_s INTEGER NOT NULL,
  except_dates  TEXT NOT NULL -- JSON ["YYYY-MM-DD"]
);
