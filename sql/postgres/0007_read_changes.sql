-- The change feed's read on PostgreSQL: the rows Store/ChangeFeed.cs reads on SQLite (the same statement,
-- each kind limited in version order on its own), in a function whose query is planned once per connection.
-- PostgreSQL re-planned the statement for most reads (1.1-1.6 ms, where the execution takes 0.3-1 ms): its
-- cost estimate for a plan that fits every watermark stays above the plan for the watermark at hand, so
-- it never settles on the generic plan, which is the right one here (every branch reads its version index
-- in order, whatever the watermark). plan_cache_mode applies only while the function runs.

CREATE FUNCTION read_changes(after BIGINT, max_rows INTEGER)
RETURNS TABLE (version BIGINT, kind INTEGER, tracker_id BIGINT, user_id BIGINT, source_id BIGINT, blocked BOOLEAN,
               item_kind TEXT, item_key TEXT, payload TEXT, occurred_at BIGINT)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT * FROM (
        SELECT * FROM (
            SELECT st.version, 1, st.tracker_id, t.user_id, t.source_id, src.blocked, CAST(NULL AS TEXT), CAST(NULL AS TEXT), st.state, CAST(NULL AS BIGINT)
              FROM tracker_states st JOIN trackers t ON t.id = st.tracker_id JOIN sources src ON src.id = t.source_id
             WHERE st.version > after AND NOT t.corrupted ORDER BY st.version LIMIT max_rows) states
        UNION ALL
        SELECT * FROM (
            SELECT r.version, 2, r.tracker_id, t.user_id, t.source_id, src.blocked, r.kind, r.item_key, r.item, CAST(NULL AS BIGINT)
              FROM tracker_readings r JOIN trackers t ON t.id = r.tracker_id JOIN sources src ON src.id = t.source_id
             WHERE r.version > after AND NOT t.corrupted ORDER BY r.version LIMIT max_rows) readings
        UNION ALL
        SELECT * FROM (
            SELECT e.version, 3, e.tracker_id, t.user_id, t.source_id, src.blocked, CAST(NULL AS TEXT), CAST(NULL AS TEXT), e.event, e.occurred_at
              FROM lifecycle_events e JOIN trackers t ON t.id = e.tracker_id JOIN sources src ON src.id = t.source_id
             WHERE e.version > after ORDER BY e.version LIMIT max_rows) lifecycle
        UNION ALL
        SELECT * FROM (
            SELECT s.version, 4, s.id, s.user_id, CAST(NULL AS BIGINT), FALSE, CAST(NULL AS TEXT), CAST(NULL AS TEXT), s.end_reason, s.ended_at
              FROM sessions s
             WHERE s.version > after ORDER BY s.version LIMIT max_rows) ended
        UNION ALL
        SELECT * FROM (
            SELECT c.version, 5, c.id, CAST(0 AS BIGINT), CAST(NULL AS BIGINT), FALSE, CAST(NULL AS TEXT), c.address, c.tracking_id, c.closed_at
              FROM client_closes c
             WHERE c.version > after ORDER BY c.version LIMIT max_rows) closes
    ) changes
    ORDER BY 1
    LIMIT max_rows;
END
$$;
