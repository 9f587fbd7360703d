-- The server's own state writes stamp their rows' versions themselves, as on SQLite
-- (sql/sqlite/0006_writer_versions.sql): one call of reserve_change_versions per transaction takes the
-- version lock once and a block of versions for all its rows (StateRowWriter), and each row is written with
-- its state and its version. The trigger took the lock and a version per row. It stays for every other
-- writer (plain SQL, the connection-status sweep, another program): it fires when a write of the state
-- leaves the version as it was.
--
-- The lock is the same transaction-level lock as next_change_version's, so versions still become visible
-- in version order (0001_initial.sql). A rolled-back block leaves a gap, as a rolled-back nextval does.

CREATE FUNCTION reserve_change_versions(n BIGINT) RETURNS BIGINT
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    last BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(6085043992613250418);
    last := nextval('change_version') + n - 1;
    IF n > 1 THEN
        PERFORM setval('change_version', last);
    END IF;
    RETURN last;
END
$$;

DROP TRIGGER tracker_states_version_on_update ON tracker_states;
CREATE TRIGGER tracker_states_version_on_update BEFORE UPDATE OF state ON tracker_states
    FOR EACH ROW WHEN (NEW.version = OLD.version) EXECUTE FUNCTION set_change_version();

-- A notification now says how far the versions go: the sequence's last value, which is at least every
-- version the notifying transaction took (it holds the version lock, and versions are only taken under
-- it). A node whose watermark is already there (it committed the change itself and handed it to its own
-- dispatcher) need not read the feed. Readers treat any other payload as "look now".
CREATE OR REPLACE FUNCTION notify_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('trackerevents_changes', (SELECT last_value FROM change_version)::TEXT);
    RETURN NULL;
END
$$;
