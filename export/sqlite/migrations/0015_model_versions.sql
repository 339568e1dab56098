-- The match model a run replaced (crmkit train, a run that brings a new
-- source), so that undoing the run puts it back.
CREATE TABLE model_versions (
    run_id    INTEGER PRIMARY KEY,   -- the run that replaced it
    params    TEXT    NOT NULL,
    records   INTEGER NOT NULL,
    model_run INTEGER NOT NULL       -- the run that had estimated it
);
