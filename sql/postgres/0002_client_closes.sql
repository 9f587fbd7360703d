-- Close requests for clients held by another node. atmosphere.js sends the close request as a separate
-- HTTP request, which a load balancer may route to a node other than the one holding the client; that
-- node records it here, and every node reads it from the change feed and releases the client if it has it.
CREATE TABLE client_closes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tracking_id TEXT   NOT NULL,
    closed_at   BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ix_client_closes_version ON client_closes (version);
CREATE INDEX ix_client_closes_closed_at ON client_closes (closed_at);

CREATE TRIGGER client_closes_version_on_insert BEFORE INSERT ON client_closes
    FOR EACH ROW EXECUTE FUNCTION set_change_version();
CREATE TRIGGER client_closes_notify AFTER INSERT ON client_closes
    FOR EACH STATEMENT EXECUTE FUNCTION notify_changes();
