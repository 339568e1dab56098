-- record_keys is found by key only: a run deletes the keys its changed
-- records lost by (key, seq), and undo and forget work out the keys of the
-- records they touch from the records themselves (export.recordKeys). The
-- index by record was kept up by every key written: 6,500 full-page images
-- (49 MB of WAL) of a nightly run into a store of a million, and one more
-- sorted index of ten million entries (85 MB) built by a first import.
DROP INDEX IF EXISTS record_keys_seq;
