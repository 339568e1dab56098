-- The match model a run replaced (crmkit train, a run that brings a new
-- source), so that undoing the run puts it back.
CREATE TABLE model_versions (
    run_id    BIGINT PRIMARY KEY,
    params    JSONB  NOT NULL,
    records   BIGINT NOT NULL,
    model_run BIGINT NOT NULL
);
ALTER TABLE model_versions ADD CONSTRAINT model_versions_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
COMMENT ON TABLE model_versions IS 'The match model a run replaced, for runs undo to put back. / Модель, которую заменил запуск (для отмены).';
COMMENT ON COLUMN model_versions.run_id IS 'The run that replaced it. / Запуск, заменивший модель.';
COMMENT ON COLUMN model_versions.params IS 'JSON: m, u, λ and term frequencies. / JSON: параметры модели.';
COMMENT ON COLUMN model_versions.records IS 'Records it was estimated from. / Число записей при оценке.';
COMMENT ON COLUMN model_versions.model_run IS 'The run that had estimated it. / Запуск, оценивший модель.';
