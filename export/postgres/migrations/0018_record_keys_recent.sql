-- The keys a run adds go into record_keys_recent, a small table, and are
-- merged into record_keys in one sorted pass when it has grown (a twentieth
-- of the store's records' keys; export.mergeKeys): a nightly run's keys fall
-- all over the big index, so that written there at once they changed most
-- of its pages every night. record_key_index is both, which is what runs read.
CREATE TABLE record_keys_recent (
    key BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (key, seq)
);
CREATE INDEX record_keys_recent_seq ON record_keys_recent (seq);
ALTER TABLE record_keys_recent ADD CONSTRAINT record_keys_recent_record_fk FOREIGN KEY (seq) REFERENCES records (seq) DEFERRABLE INITIALLY DEFERRED;
CREATE VIEW record_key_index AS
SELECT key, seq FROM record_keys UNION ALL SELECT key, seq FROM record_keys_recent;
COMMENT ON TABLE record_keys_recent IS 'The keys of the latest runs, merged into record_keys when they grow. / Ключи последних запусков, сливаются в record_keys.';
COMMENT ON COLUMN record_keys_recent.key IS 'A 64-bit hash of a block key, as in record_keys. / Хэш ключа блокировки.';
COMMENT ON COLUMN record_keys_recent.seq IS 'The record holding it (records.seq). / Запись, которой принадлежит ключ.';
COMMENT ON VIEW record_key_index IS 'Every record''s keys: record_keys and record_keys_recent. / Все ключи записей.';
COMMENT ON COLUMN record_key_index.key IS 'A 64-bit hash of a block key. / Хэш ключа блокировки.';
COMMENT ON COLUMN record_key_index.seq IS 'The record holding it (records.seq). / Запись, которой принадлежит ключ.';
