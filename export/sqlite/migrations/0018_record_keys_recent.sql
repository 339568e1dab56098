-- The keys a run adds go into record_keys_recent, a small table, and are
-- merged into record_keys in one sorted pass when it has grown (a twentieth
-- of the store's records' keys; export.mergeKeys): a nightly run's keys fall
-- all over the big index, so that written there at once they changed most
-- of its pages every night (28,000 of 45,000 pages of a store of a million
-- for 20,000 rows). record_key_index is both, which is what runs read.
CREATE TABLE record_keys_recent (
    key INTEGER NOT NULL,                   -- export.KeyHash of the key, as in record_keys
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
CREATE INDEX record_keys_recent_seq ON record_keys_recent (seq);
CREATE VIEW record_key_index AS
SELECT key, seq FROM record_keys UNION ALL SELECT key, seq FROM record_keys_recent;
