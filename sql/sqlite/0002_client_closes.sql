-- Close requests for clients held by another node. atmosphere.js sends the close request as a separate
-- HTTP request, which a load balancer may route to a node other than the one holding the client; that
-- node records it here, and every node reads it from the change feed and releases the client if it has it.
CREATE TABLE client_closes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_id TEXT    NOT NULL,
    closed_at   INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_client_closes_version ON client_closes (version);
CREATE INDEX ix_client_closes_closed_at ON client_closes (closed_at);

CREATE TRIGGER client_closes_version_on_insert AFTER INSERT ON client_closes
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE client_closes SET version = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
