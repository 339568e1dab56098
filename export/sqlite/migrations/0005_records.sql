-- Records are the truth: every source record the store has seen, with its
-- cleaned content, match keys and the customer it belongs to. Links and
-- match keys of cards are folded into them; cards are built from records.
CREATE TABLE records (
    seq         INTEGER PRIMARY KEY,        -- order of first sighting
    source      TEXT    NOT NULL,
    source_key  TEXT    NOT NULL,
    personal_id TEXT    NOT NULL,           -- the customer
    first_id    TEXT    NOT NULL,           -- the personal ID it was first given
    component   TEXT    NOT NULL,           -- its match component (the personal ID of its oldest customer)
    file        TEXT    NOT NULL,           -- last sighting
    row_num     INTEGER NOT NULL,
    data        TEXT    NOT NULL,           -- JSON: the cleaned record
    run_id      INTEGER NOT NULL,           -- the run that wrote its content
    ord         INTEGER NOT NULL,           -- its place among that run's records
    first_run   INTEGER NOT NULL,
    UNIQUE (source, source_key)
);
CREATE INDEX records_personal_id ON records (personal_id);
CREATE INDEX records_component ON records (component);
CREATE INDEX records_file ON records (file, row_num);

CREATE TABLE record_keys (
    key TEXT    NOT NULL,                   -- block and reference keys: "inn:…", "phone:…", "name:…", "ref:…"
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
);
CREATE INDEX record_keys_seq ON record_keys (seq);

-- What each run replaced, so that it can be undone exactly: the row before
-- the run (existed = 1) or that the run added it (existed = 0).
CREATE TABLE record_versions (
    run_id      INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    existed     INTEGER NOT NULL,
    source      TEXT    NOT NULL DEFAULT '',
    source_key  TEXT    NOT NULL DEFAULT '',
    personal_id TEXT    NOT NULL DEFAULT '',
    first_id    TEXT    NOT NULL DEFAULT '',
    component   TEXT    NOT NULL DEFAULT '',
    file        TEXT    NOT NULL DEFAULT '',
    row_num     INTEGER NOT NULL DEFAULT 0,
    data        TEXT    NOT NULL DEFAULT '',
    data_run    INTEGER NOT NULL DEFAULT 0,
    ord         INTEGER NOT NULL DEFAULT 0,
    first_run   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE alias_versions (
    run_id      INTEGER NOT NULL,
    alias_id    TEXT    NOT NULL,
    existed     INTEGER NOT NULL,
    personal_id TEXT    NOT NULL DEFAULT '',
    alias_run   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, alias_id)
);

-- A store written before records were kept: each link becomes a record
-- bound to its card by a legacy key (one customer until its records are
-- read again); the first record of a card carries the card's values.
INSERT INTO records (source, source_key, personal_id, first_id, component, file, row_num, data, run_id, ord, first_run)
SELECT l.source, l.source_key, l.personal_id, l.personal_id, l.personal_id, l.file, l.row_num,
    CASE WHEN l.n = 1 THEN json_object(
        'kind', c.kind,
        'fields', json_object('name', c.name, 'last_name', c.last_name, 'first_name', c.first_name, 'middle_name', c.middle_name,
            'org_name', c.org_name, 'legal_form', c.legal_form, 'inn', c.inn, 'kpp', c.kpp, 'address', c.address, 'city', c.city,
            'revenue', c.revenue),
        'phones', json((SELECT json_group_array(json_object('e164', p.value, 'ext', p.extension)) FROM contact_points p
            WHERE p.personal_id = l.personal_id AND p.type = 'phone')),
        'emails', json((SELECT json_group_array(p.value) FROM contact_points p WHERE p.personal_id = l.personal_id AND p.type = 'email')),
        'match_keys', CASE WHEN c.inn <> '' THEN json_array('legacy:' || l.personal_id, 'inn:' || c.inn) ELSE json_array('legacy:' || l.personal_id) END)
    ELSE json_object('kind', COALESCE(c.kind, ''), 'match_keys', json_array('legacy:' || l.personal_id)) END,
    l.last_run, 0, l.first_run
FROM (SELECT *, row_number() OVER (PARTITION BY personal_id ORDER BY source, source_key) AS n FROM links) l
LEFT JOIN cards c ON c.personal_id = l.personal_id
ORDER BY l.first_run, l.file, l.row_num;
-- Their keys are written by crmkit right after this migration (export.Reindex).

DROP TABLE links;
DROP TABLE match_keys;

-- Cards are built from records: what changed them is in record_versions.
DROP INDEX cards_created_run;
DROP INDEX cards_updated_run;
ALTER TABLE cards DROP COLUMN created_run;
ALTER TABLE cards DROP COLUMN updated_run;

CREATE TABLE contact_points_new (
    personal_id TEXT    NOT NULL,
    ord         INTEGER NOT NULL,           -- the card's order: most trusted source first
    type        TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    extension   TEXT    NOT NULL DEFAULT '',
    source      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (personal_id, ord)
);
INSERT INTO contact_points_new (personal_id, ord, type, value, extension, source)
SELECT personal_id, row_number() OVER (PARTITION BY personal_id ORDER BY id), type, value, extension, source FROM contact_points;
DROP TABLE contact_points;
ALTER TABLE contact_points_new RENAME TO contact_points;
