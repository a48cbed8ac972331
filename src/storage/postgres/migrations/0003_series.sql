-- Version 3: the rules of recurring series, for RRULE in iCalendar exports.
CREATE TABLE series (
  id           text COLLATE "C" PRIMARY KEY,
  resource_id  text COLLATE "C" NOT NULL REFERENCES resources (id),
  rrule        text NOT NULL,
  first_start  timestamptz NOT NULL,
  except_dates jsonb NOT NULL -- ["YYYY-MM-DD"]
);
