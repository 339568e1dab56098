-- A key a changed record loses is no longer deleted from record_keys at
-- once: record_keys_dropped notes it, lookups pass over what it notes, and
-- the merge of the recent keys (export.mergeKeys) deletes it from
-- record_keys in the same sorted pass. Deleted at once, a nightly run's
-- dropped keys changed 19,000 pages of record_keys and its index by record
-- on a store of a million, a third of all it wrote.
CREATE TABLE record_keys_dropped (
    key INTEGER NOT NULL,                   -- export.KeyHash, as in record_keys
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
CREATE INDEX record_keys_dropped_seq ON record_keys_dropped (seq);
DROP VIEW record_key_index;
CREATE VIEW record_key_index AS
SELECT key, seq FROM record_keys k WHERE NOT EXISTS (SELECT 1 FROM record_keys_dropped d WHERE d.key = k.key AND d.seq = k.seq)
UNION ALL SELECT key, seq FROM record_keys_recent;
