-- Devices that report to the device listener themselves (OsmAnd, Traccar Client), and the connection
-- status that follows them.
--
-- tracker_states.reported_at: when the device listener last stored a point of this tracker (ms, the
-- server's receive time); NULL for trackers whose state comes only from other writers, which the
-- connection-status sweep leaves alone. tracker_states.swept_status: the status the sweep wrote for the
-- current silence ('idle', then 'offline'); a point sets it back to NULL. The sweep writes a transition
-- only onto the state version it read, so with several nodes a transition is written once.
-- reported_at has no index: every point moves it (an index would be rewritten per point), and the sweep
-- reads all reporting trackers anyway.
ALTER TABLE tracker_states ADD COLUMN reported_at INTEGER NULL;
ALTER TABLE tracker_states ADD COLUMN swept_status TEXT NULL CHECK (swept_status IN ('idle', 'offline'));

-- Per-tracker silences (ms) after which the sweep marks the tracker idle / offline; NULL: the
-- server's Devices:IdleAfter / Devices:OfflineAfter.
ALTER TABLE trackers ADD COLUMN idle_after INTEGER NULL;
ALTER TABLE trackers ADD COLUMN offline_after INTEGER NULL;

-- Ids that reported to the device listener without a tracker, for the operator (GET /admin/devices/unknown).
CREATE TABLE unknown_devices (
    device_id    TEXT    PRIMARY KEY,
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    requests     INTEGER NOT NULL,
    last_address TEXT    NOT NULL
);
CREATE INDEX ix_unknown_devices_last_seen ON unknown_devices (last_seen);
