-- crmkit store, SQLite engine. Keep in step with export/postgres/migrations.
CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    started_at    TEXT    NOT NULL,
    finished_at   TEXT    NOT NULL DEFAULT '',
    command       TEXT    NOT NULL,
    files         TEXT    NOT NULL,           -- JSON: [{path, sha256, records}]
    records       INTEGER NOT NULL DEFAULT 0,
    problems      INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    cards_created INTEGER NOT NULL DEFAULT 0,
    cards_updated INTEGER NOT NULL DEFAULT 0,
    cards_merged  INTEGER NOT NULL DEFAULT 0,
    links_created INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE cards (
    personal_id TEXT PRIMARY KEY,
    kind        TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT '',
    last_name   TEXT NOT NULL DEFAULT '',
    first_name  TEXT NOT NULL DEFAULT '',
    middle_name TEXT NOT NULL DEFAULT '',
    org_name    TEXT NOT NULL DEFAULT '',
    legal_form  TEXT NOT NULL DEFAULT '',
    inn         TEXT NOT NULL DEFAULT '',
    kpp         TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    created_run INTEGER NOT NULL,
    updated_run INTEGER NOT NULL
);
CREATE INDEX cards_created_run ON cards (created_run);
CREATE INDEX cards_updated_run ON cards (updated_run);

CREATE TABLE contact_points (
    id          INTEGER PRIMARY KEY,
    personal_id TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    extension   TEXT    NOT NULL DEFAULT '',
    source      TEXT    NOT NULL DEFAULT '',
    run_id      INTEGER NOT NULL,
    UNIQUE (personal_id, type, value, extension)
);

CREATE TABLE match_keys (
    key         TEXT NOT NULL,
    personal_id TEXT NOT NULL,
    PRIMARY KEY (key, personal_id)
);
CREATE INDEX match_keys_personal_id ON match_keys (personal_id);

CREATE TABLE links (
    source      TEXT    NOT NULL,
    source_key  TEXT    NOT NULL,
    personal_id TEXT    NOT NULL,
    file        TEXT    NOT NULL,
    row_num     INTEGER NOT NULL,
    first_run   INTEGER NOT NULL,
    last_run    INTEGER NOT NULL,
    PRIMARY KEY (source, source_key)
);
CREATE INDEX links_personal_id ON links (personal_id);
CREATE INDEX links_first_run ON links (first_run);

CREATE TABLE aliases (
    alias_id    TEXT PRIMARY KEY,
    personal_id TEXT    NOT NULL,
    run_id      INTEGER NOT NULL
);

CREATE TABLE problems (
    id       INTEGER PRIMARY KEY,
    run_id   INTEGER NOT NULL,
    file     TEXT    NOT NULL,
    row_num  INTEGER NOT NULL,
    field    TEXT    NOT NULL,
    code     TEXT    NOT NULL,
    severity TEXT    NOT NULL,
    message  TEXT    NOT NULL
);
CREATE INDEX problems_run_id ON problems (run_id);
