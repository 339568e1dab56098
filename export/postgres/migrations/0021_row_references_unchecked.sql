-- The references a run writes once per row of customer data are no longer
-- checked by the server: records to the runs that first read and last
-- changed them, record versions, sightings and problems to their run,
-- contact points to their card. Every check was a lookup and a lock of
-- the row referred to, queued for the commit: a nightly run of 20,000 rows
-- into a store of a million made about 90,000 of them (0.65 s of its
-- 0.66 s commit), and a first import of a million rows about 5.5 million.
-- crmkit writes these columns only from the run it is recording and the
-- cards it writes with them, and deletes them together (runs undo,
-- forget); the contract tests check after every run, undo and forget that
-- none refers to a row that is not there (export.Tables.Dangling). The
-- references of the run log and decisions (aliases, versions of aliases,
-- decisions and the model, review pairs, tombstones, runs.undone_by), a
-- few rows a run, stay checked.
ALTER TABLE records DROP CONSTRAINT IF EXISTS records_run_fk;
ALTER TABLE records DROP CONSTRAINT IF EXISTS records_first_run_fk;
ALTER TABLE record_versions DROP CONSTRAINT IF EXISTS record_versions_run_fk;
ALTER TABLE sightings DROP CONSTRAINT IF EXISTS sightings_run_fk;
ALTER TABLE problems DROP CONSTRAINT IF EXISTS problems_run_fk;
ALTER TABLE contact_points DROP CONSTRAINT IF EXISTS contact_points_card_fk;
