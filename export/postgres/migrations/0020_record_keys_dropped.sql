-- A key a changed record loses is no longer deleted from record_keys at
-- once: record_keys_dropped notes it, lookups pass over what it notes, and
-- the merge of the recent keys (export.mergeKeys) deletes it from
-- record_keys in the same sorted pass. Deleted at once, a nightly run's
-- dropped keys changed pages all over record_keys and its index by record.
CREATE TABLE record_keys_dropped (
    key BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (key, seq)
);
CREATE INDEX record_keys_dropped_seq ON record_keys_dropped (seq);
ALTER TABLE record_keys_dropped ADD CONSTRAINT record_keys_dropped_record_fk FOREIGN KEY (seq) REFERENCES records (seq) DEFERRABLE INITIALLY DEFERRED;
DROP VIEW record_key_index;
CREATE VIEW record_key_index AS
SELECT key, seq FROM record_keys k WHERE NOT EXISTS (SELECT 1 FROM record_keys_dropped d WHERE d.key = k.key AND d.seq = k.seq)
UNION ALL SELECT key, seq FROM record_keys_recent;
COMMENT ON TABLE record_keys_dropped IS 'Keys of record_keys that their records lost, deleted there when the recent keys are merged. / Ключи, которые записи потеряли (удаляются при слиянии).';
COMMENT ON COLUMN record_keys_dropped.key IS 'A 64-bit hash of a block key, as in record_keys. / Хэш ключа блокировки.';
COMMENT ON COLUMN record_keys_dropped.seq IS 'The record that lost it (records.seq). / Запись, потерявшая ключ.';
COMMENT ON VIEW record_key_index IS 'Every record''s keys: record_keys less record_keys_dropped, and record_keys_recent. / Все ключи записей.';
COMMENT ON COLUMN record_key_index.key IS 'A 64-bit hash of a block key. / Хэш ключа блокировки.';
COMMENT ON COLUMN record_key_index.seq IS 'The record holding it (records.seq). / Запись, которой принадлежит ключ.';
