-- A customer forgotten (crmkit forget) leaves a tombstone per source
-- record: which source key was theirs, so that a later import of it is
-- reported (record.forgotten) instead of bringing the customer back. It
-- holds no personal values: the personal ID, the key, the run, when, and
-- the reason given.
CREATE TABLE tombstones (
    source       TEXT    NOT NULL,
    source_key   TEXT    NOT NULL,
    personal_id  TEXT    NOT NULL,           -- the customer the record belonged to
    run_id       INTEGER NOT NULL,           -- the forget run
    forgotten_at TEXT    NOT NULL,
    reason       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (source, source_key)
);
CREATE INDEX tombstones_personal_id ON tombstones (personal_id);
CREATE INDEX tombstones_run_id ON tombstones (run_id);
