-- A client is named by its tracking id and the address it connects from: a close request names both, and
-- the node holding the client releases it only when both match (a tracking id alone closes nothing).
ALTER TABLE client_closes ADD COLUMN address TEXT NULL;
