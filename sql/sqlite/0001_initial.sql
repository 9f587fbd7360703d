-- TrackerEvents schema, SQLite dialect.
-- Times are INTEGER milliseconds since the Unix epoch (UTC); booleans are INTEGER 0/1.
-- Every change that subscribers must see (tracker state, sensor readings, lifecycle events, ended
-- sessions) gets a version from the single change_counter row, assigned by the triggers below in the
-- same transaction as the change. SQLite has one writer at a time, so version order is commit order
-- and a reader that remembers the highest version it has seen never misses a change. The triggers fire
-- for any writer, so a row written with plain SQL by another program is versioned like our own.

CREATE TABLE change_counter (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TABLE server_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    login         TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NULL,              -- PasswordHasher<T> (PBKDF2); NULL = API keys only
    time_zone     TEXT    NOT NULL,
    blocked       INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    token_hash   TEXT    NOT NULL UNIQUE,    -- lowercase hex SHA-256 of the 32-hex hash; the hash itself is never stored
    kind         TEXT    NOT NULL CHECK (kind IN ('session', 'api_key')),
    title        TEXT    NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at   INTEGER NULL,               -- NULL for API keys
    ended_at     INTEGER NULL,
    end_reason   TEXT    NULL,
    version      INTEGER NOT NULL DEFAULT 0  -- set when the session ends
);
CREATE INDEX ix_sessions_user ON sessions (user_id);
CREATE INDEX ix_sessions_version ON sessions (version);

CREATE TABLE sources (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id         TEXT    NOT NULL UNIQUE,
    model             TEXT    NOT NULL,
    phone             TEXT    NULL,
    blocked           INTEGER NOT NULL DEFAULT 0,
    tariff_id         INTEGER NOT NULL DEFAULT 1,
    status_listing_id INTEGER NULL,
    creation_date     TEXT    NOT NULL,      -- yyyy-MM-dd
    tariff_end_date   TEXT    NULL           -- yyyy-MM-dd
);

CREATE TABLE trackers (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    source_id        INTEGER NOT NULL REFERENCES sources (id),
    label            TEXT    NOT NULL,
    group_id         INTEGER NOT NULL DEFAULT 0,
    clone            INTEGER NOT NULL DEFAULT 0,
    corrupted        INTEGER NOT NULL DEFAULT 0,
    avatar_file_name TEXT    NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX ix_trackers_user ON trackers (user_id);
CREATE INDEX ix_trackers_source ON trackers (source_id);

-- Tracker ids and source ids come from different ranges, so code that mixes them up fails visibly.
INSERT INTO sqlite_sequence (name, seq) VALUES ('trackers', 10000), ('sources', 200000);

-- The current state of each tracker: the full state object as canonical JSON (dates ISO 8601 UTC).
CREATE TABLE tracker_states (
    tracker_id INTEGER PRIMARY KEY REFERENCES trackers (id),
    state      TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_tracker_states_version ON tracker_states (version);

-- The current sensor readings: one row per tracker and item (input sensor, state field, virtual
-- sensor, counter), so that a change feed reader sees exactly the items that changed.
CREATE TABLE tracker_readings (
    tracker_id INTEGER NOT NULL REFERENCES trackers (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('input', 'state', 'virtual_sensor', 'counter')),
    item_key   TEXT    NOT NULL,
    item       TEXT    NOT NULL,             -- canonical JSON of the item
    version    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tracker_id, kind, item_key)
);
CREATE INDEX ix_tracker_readings_version ON tracker_readings (version);

CREATE TABLE lifecycle_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tracker_id  INTEGER NOT NULL REFERENCES trackers (id),
    event       TEXT    NOT NULL CHECK (event IN ('block', 'unblock', 'corrupt')),
    occurred_at INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_lifecycle_events_version ON lifecycle_events (version);

-- Versioning triggers. Each one bumps the counter and stamps the changed row with the new value.
CREATE TRIGGER tracker_states_version_on_insert AFTER INSERT ON tracker_states
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE tracker_states SET version = (SELECT value FROM change_counter WHERE id = 1)
     WHERE tracker_id = NEW.tracker_id;
END;

CREATE TRIGGER tracker_states_version_on_update AFTER UPDATE OF state ON tracker_states
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE tracker_states SET version = (SELECT value FROM change_counter WHERE id = 1)
     WHERE tracker_id = NEW.tracker_id;
END;

CREATE TRIGGER tracker_readings_version_on_insert AFTER INSERT ON tracker_readings
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE tracker_readings SET version = (SELECT value FROM change_counter WHERE id = 1)
     WHERE tracker_id = NEW.tracker_id AND kind = NEW.kind AND item_key = NEW.item_key;
END;

CREATE TRIGGER tracker_readings_version_on_update AFTER UPDATE OF item ON tracker_readings
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE tracker_readings SET version = (SELECT value FROM change_counter WHERE id = 1)
     WHERE tracker_id = NEW.tracker_id AND kind = NEW.kind AND item_key = NEW.item_key;
END;

CREATE TRIGGER lifecycle_events_version_on_insert AFTER INSERT ON lifecycle_events
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE lifecycle_events SET version = (SELECT value FROM change_counter WHERE id = 1)
     WHERE id = NEW.id;
END;

CREATE TRIGGER sessions_version_on_end AFTER UPDATE OF ended_at ON sessions
WHEN NEW.ended_at IS NOT NULL AND OLD.ended_at IS NULL
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE sessions SET version = (SELECT value FROM change_counter WHERE id = 1)
     WHERE id = NEW.id;
END;

-- Lifecycle events follow the flags, whoever flips them.
CREATE TRIGGER sources_blocked_lifecycle AFTER UPDATE OF blocked ON sources
WHEN NEW.blocked <> OLD.blocked
BEGIN
    INSERT INTO lifecycle_events (tracker_id, event, occurred_at)
    SELECT t.id,
           CASE WHEN NEW.blocked THEN 'block' ELSE 'unblock' END,
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
      FROM trackers t
     WHERE t.source_id = NEW.id AND NOT t.corrupted;
END;

CREATE TRIGGER trackers_corrupted_lifecycle AFTER UPDATE OF corrupted ON trackers
WHEN NEW.corrupted AND NOT OLD.corrupted
BEGIN
    INSERT INTO lifecycle_events (tracker_id, event, occurred_at)
    VALUES (NEW.id, 'corrupt', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
