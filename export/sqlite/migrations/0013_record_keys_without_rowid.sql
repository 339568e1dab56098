-- record_keys is an index and nothing else: kept WITHOUT ROWID, its
-- primary key (key, seq) is the table itself, so that a run's keys go into
-- two B-trees instead of three (the table, its key and its seq index), and
-- the store is a third smaller for them.
CREATE TABLE record_keys_by_key (
    key TEXT    NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
INSERT INTO record_keys_by_key (key, seq) SELECT key, seq FROM record_keys ORDER BY key, seq;
DROP TABLE record_keys;
ALTER TABLE record_keys_by_key RENAME TO record_keys;
CREATE INDEX record_keys_seq ON record_keys (seq);
