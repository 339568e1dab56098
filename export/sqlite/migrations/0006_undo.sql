-- Exact undo of a run: which run undid it, and the decisions each run
-- replaced (records and aliases have their versions since 0005).
ALTER TABLE runs ADD COLUMN undone_by INTEGER NOT NULL DEFAULT 0;
CREATE TABLE decision_versions (
    run_id       INTEGER NOT NULL,
    a_source     TEXT    NOT NULL,
    a_key        TEXT    NOT NULL,
    b_source     TEXT    NOT NULL,
    b_key        TEXT    NOT NULL,
    existed      INTEGER NOT NULL,          -- 1: the decision before the run; 0: the run added it
    same         INTEGER NOT NULL DEFAULT 0,
    decision_run INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, a_source, a_key, b_source, b_key)
);

-- Every input row and the source record it was read as, for the latest
-- run that read its file: two rows with the same content share a record,
-- and each row is still answerable (crmkit export rows).
CREATE TABLE sightings (
    file       TEXT    NOT NULL,
    row_num    INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    source_key TEXT    NOT NULL,
    run_id     INTEGER NOT NULL,
    PRIMARY KEY (file, row_num, source, source_key)   -- a 1C element may hold several records
);
CREATE INDEX sightings_run_id ON sightings (run_id);
