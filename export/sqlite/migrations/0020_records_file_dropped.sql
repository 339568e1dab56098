-- No query reads records by file (the rows of a file are answered from
-- sightings); the index by (file, row_num) was kept up by every run that
-- changed a record: 10,000 entries rewritten by a nightly run into a store
-- of a million, and one more sorted index built by a first import.
DROP INDEX IF EXISTS records_file;
