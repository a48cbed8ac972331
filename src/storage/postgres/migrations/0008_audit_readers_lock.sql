-- Version 8: writers of the audit log no longer take turns. Sequence numbers
-- come from the identity as each writer appends, so they may commit out of
-- order; a reader locks the table first (SHARE, which waits for the writers
-- still running) and so never reads past a number that is yet to commit. A
-- build before this version pages the log without that lock and could skip
-- an entry: it refuses this version, as it refuses every newer schema.
COMMENT ON TABLE audit IS 'slotcraft audit log: read it after LOCK TABLE audit IN SHARE MODE, as the first statement of a REPEATABLE READ transaction or any statement of a READ COMMITTED one';
