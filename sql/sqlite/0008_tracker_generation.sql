-- A counter of changes to what a state write needs to know of its trackers: the owner, the data source,
-- the corrupted flag (trackers) and the blocked flag (sources). The server keeps those of the trackers it
-- writes in memory (Store/TrackerOwners) and uses them only while this counter stays where it was when
-- they were read, so that a write reads one table (the states' versions) instead of three: each of the
-- three was a random page per tracker. The triggers fire for every writer, the server and other
-- programs alike; a new tracker changes nothing known (its id is simply not known yet).
CREATE TABLE tracker_generation (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);

INSERT INTO tracker_generation (id, value) VALUES (1, 0);

CREATE TRIGGER trackers_generation_on_update AFTER UPDATE OF id, user_id, source_id, corrupted ON trackers
BEGIN
    UPDATE tracker_generation SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER trackers_generation_on_delete AFTER DELETE ON trackers
BEGIN
    UPDATE tracker_generation SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER sources_generation_on_update AFTER UPDATE OF id, blocked ON sources
BEGIN
    UPDATE tracker_generation SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER sources_generation_on_delete AFTER DELETE ON sources
BEGIN
    UPDATE tracker_generation SET value = value + 1 WHERE id = 1;
END;
