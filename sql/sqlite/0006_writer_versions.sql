-- The server's own state writes stamp their rows' versions themselves: one update of change_counter per
-- transaction takes a block of versions for all its rows (StateRowWriter), and each row is written once, with
-- its state and its version. The trigger wrote every row a second time and the counter once per row: two of
-- the three B-tree writes of a state. It stays for every other writer (plain SQL, the connection-status
-- sweep, another program): it fires when a write of the state leaves the version as it was.
DROP TRIGGER tracker_states_version_on_update;

CREATE TRIGGER tracker_states_version_on_update AFTER UPDATE OF state ON tracker_states
WHEN NEW.version = OLD.version
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE tracker_states SET version = (SELECT value FROM change_counter WHERE id = 1)
     WHERE tracker_id = NEW.tracker_id;
END;
