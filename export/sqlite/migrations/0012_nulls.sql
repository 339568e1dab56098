-- "None" is NULL, no longer '' or 0, as in PostgreSQL's 0012 (which also
-- gives its columns their own types; SQLite keeps its affinities: text for
-- IDs, times, money and JSON, integers 0/1 for flags): a run not finished
-- or not undone, a contact person's organisation, a card's revenue.
-- SQLite cannot drop a NOT NULL: runs and cards are made again, column for
-- column, and the views over cards with them.
-- Keep in step with export/postgres/migrations.
DROP VIEW customers;
DROP VIEW customer_sources;

CREATE TABLE runs_new (
    id            INTEGER PRIMARY KEY,
    started_at    TEXT    NOT NULL,
    finished_at   TEXT,                       -- NULL while running
    command       TEXT    NOT NULL,
    files         TEXT    NOT NULL,           -- JSON: [{path, sha256, records}]
    records       INTEGER NOT NULL DEFAULT 0,
    problems      INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    cards_created INTEGER NOT NULL DEFAULT 0,
    cards_updated INTEGER NOT NULL DEFAULT 0,
    cards_merged  INTEGER NOT NULL DEFAULT 0,
    links_created INTEGER NOT NULL DEFAULT 0,
    undone_by     INTEGER REFERENCES runs (id) -- NULL: not undone
);
INSERT INTO runs_new (id, started_at, finished_at, command, files, records, problems, duplicates,
    cards_created, cards_updated, cards_merged, links_created, undone_by)
SELECT id, started_at, NULLIF(finished_at, ''), command, files, records, problems, duplicates,
    cards_created, cards_updated, cards_merged, links_created, NULLIF(undone_by, 0) FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;

CREATE TABLE cards_new (
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
    org_id      TEXT,                       -- NULL: no organisation
    revenue     TEXT,                       -- decimal; NULL: none given
    abc_class   TEXT NOT NULL DEFAULT ''
);
INSERT INTO cards_new (personal_id, kind, name, last_name, first_name, middle_name, org_name, legal_form, inn, kpp,
    address, city, org_id, revenue, abc_class)
SELECT personal_id, kind, name, last_name, first_name, middle_name, org_name, legal_form, inn, kpp,
    address, city, NULLIF(org_id, ''), NULLIF(revenue, ''), abc_class FROM cards;
DROP TABLE cards;
ALTER TABLE cards_new RENAME TO cards;

CREATE VIEW customers AS
SELECT c.personal_id, c.kind, c.name, c.last_name, c.first_name, c.middle_name, c.org_name, c.legal_form,
       c.inn, c.kpp, c.address, c.city, c.org_id, o.name AS organization,
       CAST(c.revenue AS REAL) AS revenue, c.abc_class,
       (SELECT group_concat(v, '; ') FROM (SELECT p.value || CASE WHEN p.extension <> '' THEN ' доб. ' || p.extension ELSE '' END AS v
          FROM contact_points p WHERE p.personal_id = c.personal_id AND p.type = 'phone' ORDER BY p.ord)) AS phones,
       (SELECT group_concat(v, '; ') FROM (SELECT p.value AS v FROM contact_points p WHERE p.personal_id = c.personal_id AND p.type = 'email' ORDER BY p.ord)) AS emails,
       (SELECT count(*) FROM records r WHERE r.personal_id = c.personal_id) AS source_records
FROM cards c LEFT JOIN cards o ON o.personal_id = c.org_id;

CREATE VIEW customer_sources AS
SELECT r.personal_id, r.source, r.source_key, r.file, r.row_num, r.first_run, r.run_id AS content_run
FROM records r;
