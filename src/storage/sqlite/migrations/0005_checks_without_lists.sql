-- Version 5: the same CHECKs without lists of three or more values, which SQLite tests
-- through a temporary b-tree built for every row written (a third of a
-- booking's time, docs/performance.md). An equivalent CHECK may be edited in
-- place (https://www.sqlite.org/lang_altertable.html#otheralter; migrate()
-- then bumps the schema version); text that does not match is left as it was.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(replace(sql,
    'CHECK (status IN (''confirmed'', ''held'', ''cancelled''))',
    'CHECK (status = ''confirmed'' OR status = ''held'' OR status = ''cancelled'')'),
    'CHECK (attendance IN (''unmarked'', ''attended'', ''no_show''))',
    'CHECK (attendance = ''unmarked'' OR attendance = ''attended'' OR attendance = ''no_show'')')
  WHERE type = 'table' AND name = 'bookings';
UPDATE sqlite_master SET sql = replace(sql,
    'CHECK (network IN (''telegram'', ''whatsapp'', ''vk'', ''other''))',
    'CHECK (network = ''telegram'' OR network = ''whatsapp'' OR network = ''vk'' OR network = ''other'')')
  WHERE type = 'table' AND name = 'client_identities';
PRAGMA writable_schema = RESET;
