-- contact_points is kept WITHOUT ROWID: its primary key (personal_id, ord)
-- is the table itself, so that a card's contact points are written into one
-- B-tree instead of two (the table and its key): on a nightly run into a
-- store of a million, 11,400 of the 77,000 pages it changed were theirs.
-- (SQLite only, as 0013 for record_keys: PostgreSQL keeps its heap.)
DROP VIEW customers;
CREATE TABLE contact_points_new (
    personal_id TEXT    NOT NULL,
    ord         INTEGER NOT NULL,           -- the card's order: most trusted source first
    type        TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    extension   TEXT    NOT NULL DEFAULT '',
    source      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (personal_id, ord)
) WITHOUT ROWID;
INSERT INTO contact_points_new (personal_id, ord, type, value, extension, source)
SELECT personal_id, ord, type, value, extension, source FROM contact_points ORDER BY personal_id, ord;
DROP TABLE contact_points;
ALTER TABLE contact_points_new RENAME TO contact_points;

CREATE VIEW customers AS
SELECT c.personal_id, c.kind, c.name, c.last_name, c.first_name, c.middle_name, c.org_name, c.legal_form,
       c.inn, c.kpp, c.address, c.city, c.org_id, o.name AS organization,
       CAST(c.revenue AS REAL) AS revenue, c.abc_class,
       (SELECT group_concat(v, '; ') FROM (SELECT p.value || CASE WHEN p.extension <> '' THEN ' доб. ' || p.extension ELSE '' END AS v
          FROM contact_points p WHERE p.personal_id = c.personal_id AND p.type = 'phone' ORDER BY p.ord)) AS phones,
       (SELECT group_concat(v, '; ') FROM (SELECT p.value AS v FROM contact_points p WHERE p.personal_id = c.personal_id AND p.type = 'email' ORDER BY p.ord)) AS emails,
       (SELECT count(*) FROM records r WHERE r.personal_id = c.personal_id) AS source_records
FROM cards c LEFT JOIN cards o ON o.personal_id = c.org_id;
