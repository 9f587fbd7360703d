-- A state write in one round trip, for the writes whose trackers' states the server already has
-- (Store/OneStatementWrite, Store/WrittenStates): the server merges them in memory onto the states it last
-- committed, and calls this function outside a transaction block, so that the call is the transaction. A write
-- in a transaction of its own took three round trips: the lock statement, the UPDATE, the COMMIT; most of a
-- node's commit, and of a change's way to another node's viewers, was their wait.
--
-- It locks as that transaction does (the live trackers, then their state rows, each in id order, so the two
-- kinds of writers cannot deadlock) and writes only if every tracker still has the owner, source and blocked
-- flag, and every row the version, that the server merged with (owner_ids, source_ids, blocked_flags, expected): another
-- writer's change since, a tracker gone, corrupted or without its row, and it writes nothing and returns NULL;
-- the server then writes in a transaction of its own, reading what it does not know. Otherwise it takes the
-- versions as reserve_change_versions does, sends the server's chunks of the rows to the other nodes
-- (Store/CarriedChanges, each behind 'c' and the version before the block; while the notification queue is
-- under a tenth full) before the UPDATE's trigger announces how far the versions go, writes the rows as the
-- server's UPDATE does (StateRowWriter), and returns the block's first version.
CREATE FUNCTION write_states(ids BIGINT[], states BYTEA[], reported_ats BIGINT[], expected BIGINT[],
                             owner_ids BIGINT[], source_ids BIGINT[], blocked_flags BOOLEAN[], carried TEXT[])
RETURNS BIGINT
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    n INTEGER := cardinality(ids);
    locked INTEGER;
    base BIGINT;
BEGIN
    WITH live AS MATERIALIZED (
        SELECT t.id
          FROM trackers t JOIN sources src ON src.id = t.source_id
          JOIN unnest(ids, owner_ids, source_ids, blocked_flags) AS e(id, user_id, source_id, blocked) ON e.id = t.id
         WHERE NOT t.corrupted AND t.user_id = e.user_id AND t.source_id = e.source_id AND src.blocked = e.blocked
         ORDER BY t.id FOR NO KEY UPDATE OF t),
    locked_rows AS MATERIALIZED (
        SELECT st.tracker_id
          FROM tracker_states st JOIN unnest(ids, expected) AS e(id, version) ON st.tracker_id = e.id
         WHERE st.version = e.version AND st.tracker_id IN (SELECT id FROM live)
         ORDER BY st.tracker_id FOR UPDATE OF st)
    SELECT count(*) INTO locked FROM locked_rows;
    IF locked <> n THEN
        RETURN NULL;
    END IF;

    base := reserve_change_versions(n) - n;
    PERFORM pg_notify('trackerevents_changes', 'c' || base || c.chunk)
       FROM unnest(carried) WITH ORDINALITY AS c(chunk, ordinal)
      WHERE pg_notification_queue_usage() < 0.1
      ORDER BY c.ordinal;
    UPDATE tracker_states AS st
       SET state = convert_from(u.state, 'UTF8'), version = base + u.ordinal,
           reported_at = COALESCE(u.reported_at, st.reported_at),
           swept_status = CASE WHEN u.reported_at IS NULL THEN st.swept_status END
      FROM unnest(ids, states, reported_ats) WITH ORDINALITY AS u(id, state, reported_at, ordinal)
     WHERE st.tracker_id = u.id;
    RETURN base + 1;
END
$$;
