-- Tags (tag/list, tag/create) and the trackers they are bound to (tracker/tags/set; tag_bindings in
-- tracker/list and tracker/read). Not versioned: no event carries them.
CREATE TABLE tags (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    name             TEXT    NOT NULL,
    color            TEXT    NOT NULL,       -- 3-byte RGB hex, e.g. FF0000
    avatar_file_name TEXT    NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX ix_tags_user ON tags (user_id);

-- A tag is bound to a tracker at most once, and an ordinal (1 to 5) is used once per tracker.
CREATE TABLE tracker_tags (
    tracker_id INTEGER NOT NULL REFERENCES trackers (id),
    tag_id     INTEGER NOT NULL REFERENCES tags (id),
    ordinal    INTEGER NOT NULL,
    PRIMARY KEY (tracker_id, tag_id),
    UNIQUE (tracker_id, ordinal)
);
CREATE INDEX ix_tracker_tags_tag ON tracker_tags (tag_id);
