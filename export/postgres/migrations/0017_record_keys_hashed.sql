-- record_keys holds a 64-bit hash of each key (export.KeyHash), not its
-- text: "name:иванов иван петрович" took ~50 bytes an entry, the hash 8,
-- and the index by key and the index by record are a third of their size.
-- A nightly run's keys go to places all over the index by key, so that
-- most of its pages were written again each night. The keys are written
-- anew by crmkit right after this migration (export.Reindex): the hash is
-- worked out in Go.
DROP TABLE record_keys;
CREATE TABLE record_keys (
    key BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (key, seq)
);
CREATE INDEX record_keys_seq ON record_keys (seq);
ALTER TABLE record_keys ADD CONSTRAINT record_keys_record_fk FOREIGN KEY (seq) REFERENCES records (seq) DEFERRABLE INITIALLY DEFERRED;
COMMENT ON TABLE record_keys IS 'Index of the keys records are blocked on (INN, phone, e-mail, name keys). / Индекс ключей, по которым ищутся кандидаты в дубли.';
COMMENT ON COLUMN record_keys.key IS 'A 64-bit hash of a block key ("inn:…", "phone:…", "email:…", "name:…", "ref:…"). / Хэш ключа блокировки.';
COMMENT ON COLUMN record_keys.seq IS 'The record holding it (records.seq). / Запись, которой принадлежит ключ.';
DELETE FROM store_state WHERE name = 'keys_version';
