-- Column types that say what a column holds: personal IDs are uuid (crmkit
-- issues UUIDv7), times timestamptz, revenue numeric(18,2), JSON documents
-- jsonb, flags boolean. "None" is NULL, no longer '' or 0: a contact
-- person's organisation, a card's revenue, a run not finished or not
-- undone, the columns of a version row that records an addition. Column
-- comments survive ALTER TYPE; the views that read the columns are made
-- again. Keep in step with export/sqlite/migrations (SQLite keeps its own
-- affinities: text, integers 0/1; it gains the same NULLs).
-- A personal ID that is not a UUID stops the migration here ("invalid
-- input syntax for type uuid"): crmkit never wrote one.
DROP VIEW customers;
DROP VIEW customer_sources;

-- Constraints on the old types go; the foreign key between two columns
-- changing type is made again below.
ALTER TABLE decisions DROP CONSTRAINT decisions_same_check;
ALTER TABLE record_versions DROP CONSTRAINT record_versions_existed_check;
ALTER TABLE alias_versions DROP CONSTRAINT alias_versions_existed_check;
ALTER TABLE decision_versions DROP CONSTRAINT decision_versions_existed_check;
ALTER TABLE contact_points DROP CONSTRAINT contact_points_card_fk;

ALTER TABLE runs
    ALTER COLUMN started_at TYPE timestamptz USING CAST(started_at AS timestamptz),
    ALTER COLUMN finished_at DROP DEFAULT,
    ALTER COLUMN finished_at DROP NOT NULL,
    ALTER COLUMN finished_at TYPE timestamptz USING CAST(NULLIF(finished_at, '') AS timestamptz),
    ALTER COLUMN files TYPE jsonb USING CAST(files AS jsonb),
    ALTER COLUMN undone_by DROP DEFAULT,
    ALTER COLUMN undone_by DROP NOT NULL,
    ALTER COLUMN undone_by TYPE BIGINT USING NULLIF(undone_by, 0);
ALTER TABLE runs ADD CONSTRAINT runs_undone_by_fk FOREIGN KEY (undone_by) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE cards
    ALTER COLUMN personal_id TYPE uuid USING CAST(personal_id AS uuid),
    ALTER COLUMN org_id DROP DEFAULT,
    ALTER COLUMN org_id DROP NOT NULL,
    ALTER COLUMN org_id TYPE uuid USING CAST(NULLIF(org_id, '') AS uuid),
    ALTER COLUMN revenue DROP DEFAULT,
    ALTER COLUMN revenue DROP NOT NULL,
    ALTER COLUMN revenue TYPE NUMERIC(18, 2) USING CAST(NULLIF(revenue, '') AS NUMERIC(18, 2));
ALTER TABLE contact_points ALTER COLUMN personal_id TYPE uuid USING CAST(personal_id AS uuid);
ALTER TABLE contact_points ADD CONSTRAINT contact_points_card_fk FOREIGN KEY (personal_id) REFERENCES cards (personal_id) DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE aliases
    ALTER COLUMN alias_id TYPE uuid USING CAST(alias_id AS uuid),
    ALTER COLUMN personal_id TYPE uuid USING CAST(personal_id AS uuid);
ALTER TABLE alias_versions
    ALTER COLUMN alias_id TYPE uuid USING CAST(alias_id AS uuid),
    ALTER COLUMN existed TYPE BOOLEAN USING existed = 1,
    ALTER COLUMN personal_id DROP DEFAULT,
    ALTER COLUMN personal_id DROP NOT NULL,
    ALTER COLUMN personal_id TYPE uuid USING CAST(NULLIF(personal_id, '') AS uuid);

ALTER TABLE records
    ALTER COLUMN personal_id TYPE uuid USING CAST(personal_id AS uuid),
    ALTER COLUMN first_id TYPE uuid USING CAST(first_id AS uuid),
    ALTER COLUMN component TYPE uuid USING CAST(component AS uuid),
    ALTER COLUMN data TYPE jsonb USING CAST(data AS jsonb);
ALTER TABLE record_versions
    ALTER COLUMN existed TYPE BOOLEAN USING existed = 1,
    ALTER COLUMN personal_id DROP DEFAULT,
    ALTER COLUMN personal_id DROP NOT NULL,
    ALTER COLUMN personal_id TYPE uuid USING CAST(NULLIF(personal_id, '') AS uuid),
    ALTER COLUMN first_id DROP DEFAULT,
    ALTER COLUMN first_id DROP NOT NULL,
    ALTER COLUMN first_id TYPE uuid USING CAST(NULLIF(first_id, '') AS uuid),
    ALTER COLUMN component DROP DEFAULT,
    ALTER COLUMN component DROP NOT NULL,
    ALTER COLUMN component TYPE uuid USING CAST(NULLIF(component, '') AS uuid),
    ALTER COLUMN data DROP DEFAULT,
    ALTER COLUMN data DROP NOT NULL,
    ALTER COLUMN data TYPE jsonb USING CAST(NULLIF(data, '') AS jsonb);

ALTER TABLE decisions ALTER COLUMN same TYPE BOOLEAN USING same = 1;
ALTER TABLE decision_versions
    ALTER COLUMN existed TYPE BOOLEAN USING existed = 1,
    ALTER COLUMN same DROP DEFAULT,
    ALTER COLUMN same TYPE BOOLEAN USING same = 1,
    ALTER COLUMN same SET DEFAULT FALSE;

ALTER TABLE review_pairs
    ALTER COLUMN a TYPE jsonb USING CAST(a AS jsonb),
    ALTER COLUMN b TYPE jsonb USING CAST(b AS jsonb);
ALTER TABLE match_model ALTER COLUMN params TYPE jsonb USING CAST(params AS jsonb);
ALTER TABLE tombstones
    ALTER COLUMN personal_id TYPE uuid USING CAST(personal_id AS uuid),
    ALTER COLUMN forgotten_at TYPE timestamptz USING CAST(forgotten_at AS timestamptz);
ALTER TABLE schema_migrations ALTER COLUMN applied_at TYPE timestamptz USING CAST(applied_at AS timestamptz);

CREATE VIEW customers AS
SELECT c.personal_id, c.kind, c.name, c.last_name, c.first_name, c.middle_name, c.org_name, c.legal_form,
       c.inn, c.kpp, c.address, c.city, c.org_id, o.name AS organization, c.revenue, c.abc_class,
       (SELECT string_agg(p.value || CASE WHEN p.extension <> '' THEN ' доб. ' || p.extension ELSE '' END, '; ' ORDER BY p.ord)
          FROM contact_points p WHERE p.personal_id = c.personal_id AND p.type = 'phone') AS phones,
       (SELECT string_agg(p.value, '; ' ORDER BY p.ord) FROM contact_points p WHERE p.personal_id = c.personal_id AND p.type = 'email') AS emails,
       (SELECT count(*) FROM records r WHERE r.personal_id = c.personal_id) AS source_records
FROM cards c LEFT JOIN cards o ON o.personal_id = c.org_id;

CREATE VIEW customer_sources AS
SELECT r.personal_id, r.source, r.source_key, r.file, r.row_num, r.first_run, r.run_id AS content_run
FROM records r;

COMMENT ON VIEW customers IS 'One row per customer: the card with its phones, e-mails, organisation, revenue and ABC class. / Одна строка на клиента: карточка с телефонами, e-mail, организацией, выручкой и классом ABC.';
COMMENT ON VIEW customer_sources IS 'Each customer''s source records: where each came from. / Исходные записи каждого клиента: откуда каждая.';

-- Comments that named the old representation.
COMMENT ON COLUMN runs.started_at IS 'When it started. / Время начала.';
COMMENT ON COLUMN runs.finished_at IS 'When it committed; NULL while running. / Время завершения; NULL, пока идёт.';
COMMENT ON COLUMN runs.undone_by IS 'The run that undid this one (runs.id); NULL if none. / Запуск, отменивший этот; NULL, если не отменён.';
COMMENT ON COLUMN cards.org_id IS 'A contact person''s organisation (cards.personal_id); NULL if none. / Организация контактного лица; NULL, если нет.';
COMMENT ON COLUMN cards.revenue IS 'Revenue summed over its source records; NULL when none gave any. / Выручка по всем исходным записям; NULL, если не указана.';
COMMENT ON COLUMN record_versions.existed IS 'true: the row as it was before the run; false: the run added the record (the other columns are NULL or empty). / true — строка до запуска; false — запуск добавил запись.';
COMMENT ON COLUMN alias_versions.existed IS 'true: the row before the run; false: added by the run. / true — строка до запуска; false — добавлена запуском.';
COMMENT ON COLUMN decisions.same IS 'true: one customer; false: different customers. / true — один клиент; false — разные.';
COMMENT ON COLUMN decision_versions.existed IS 'true: the row before the run; false: added by the run. / true — строка до запуска; false — добавлена.';
COMMENT ON COLUMN tombstones.forgotten_at IS 'When it was forgotten. / Когда удалена.';
