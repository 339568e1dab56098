-- The match model (Fellegi–Sunter parameters) a store's runs score with:
-- estimated once, by the first run or by crmkit train, so that nightly
-- runs never shift the weights under the customers already merged.
CREATE TABLE match_model (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    params  TEXT    NOT NULL,           -- JSON: lambda, m and u per field and level, term frequencies
    records INTEGER NOT NULL,           -- how many records it was estimated from
    run_id  INTEGER NOT NULL            -- the run that estimated it
);
-- Records gain birth-date block keys: crmkit writes every record's keys
-- anew right after this migration.
