-- record_keys holds a 64-bit hash of each key (export.KeyHash), not its
-- text: "name:иванов иван петрович" took ~50 bytes an entry, the hash 8,
-- and the index by key and the index by record are a third of their size.
-- A nightly run's keys go to places all over the index by key, so that
-- most of its pages were written again each night (two thirds of a run
-- into a store of a million went to writing record_keys). The keys are
-- written anew by crmkit right after this migration (export.Reindex): the
-- hash is worked out in Go.
DROP TABLE record_keys;
CREATE TABLE record_keys (
    key INTEGER NOT NULL,                   -- KeyHash of "inn:…", "phone:…", "name:…", "ref:…"
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
CREATE INDEX record_keys_seq ON record_keys (seq);
DELETE FROM store_state WHERE name = 'keys_version';
