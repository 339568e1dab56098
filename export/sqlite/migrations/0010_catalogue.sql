-- Two views for readers that want no joins: customers (one row per
-- customer with its contacts and organisation) and customer_sources (each
-- customer's source records). PostgreSQL's twin also comments every table
-- and column in its catalogue; SQLite has no catalogue comments.
CREATE TABLE IF NOT EXISTS store_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE VIEW customers AS
SELECT c.personal_id, c.kind, c.name, c.last_name, c.first_name, c.middle_name, c.org_name, c.legal_form,
       c.inn, c.kpp, c.address, c.city, c.org_id, o.name AS organization,
       CASE WHEN c.revenue = '' THEN NULL ELSE CAST(c.revenue AS REAL) END AS revenue, c.abc_class,
       (SELECT group_concat(v, '; ') FROM (SELECT p.value || CASE WHEN p.extension <> '' THEN ' доб. ' || p.extension ELSE '' END AS v
          FROM contact_points p WHERE p.personal_id = c.personal_id AND p.type = 'phone' ORDER BY p.ord)) AS phones,
       (SELECT group_concat(v, '; ') FROM (SELECT p.value AS v FROM contact_points p WHERE p.personal_id = c.personal_id AND p.type = 'email' ORDER BY p.ord)) AS emails,
       (SELECT count(*) FROM records r WHERE r.personal_id = c.personal_id) AS source_records
FROM cards c LEFT JOIN cards o ON o.personal_id = c.org_id AND c.org_id <> '';

CREATE VIEW customer_sources AS
SELECT r.personal_id, r.source, r.source_key, r.file, r.row_num, r.first_run, r.run_id AS content_run
FROM records r;
