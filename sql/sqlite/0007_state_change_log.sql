-- The change feed finds changed states through an append-only log instead of an index on
-- tracker_states.version. Every state write moved its row's entry in that index: the old entry was
-- deleted where it lay, anywhere in the index, so a commit of 100 states dirtied ~100 index pages that the
-- commit then wrote to the write-ahead log. A log entry is appended at the end of state_changes instead (a
-- commit of 100 states adds about one page), and entries whose state has moved on are deleted later, in
-- bulk and in version order, by the server (SqliteChangeLogPruner), off the write path.
--
-- One entry per version a state row took, whoever wrote it: the trigger below logs every change of
-- tracker_states.version (the server's own writes stamp the version themselves; the versioning triggers of
-- 0001/0006 stamp it for every other writer). The feed reads the entries after its watermark and joins each
-- to its tracker's row at that version: an entry whose state has moved on finds no row and is skipped, as
-- the row is read at its newer entry. So a state appears once, at its latest version, as before.
CREATE TABLE state_changes (
    version    INTEGER PRIMARY KEY,
    tracker_id INTEGER NOT NULL
);

INSERT OR REPLACE INTO state_changes (version, tracker_id)
SELECT version, tracker_id FROM tracker_states WHERE version > 0 ORDER BY version;

DROP INDEX ix_tracker_states_version;

CREATE TRIGGER tracker_states_version_logged AFTER UPDATE OF version ON tracker_states
WHEN NEW.version IS NOT OLD.version
BEGIN
    INSERT OR REPLACE INTO state_changes (version, tracker_id) VALUES (NEW.version, NEW.tracker_id);
END;
