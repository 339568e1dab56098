-- What a column may hold, said to the server: a kind, a contact type, a
-- severity, a flag are one of their values, so that a reader (a CRM, a BI
-- tool, a DBA's own SQL) can rely on them and a bad write fails loudly.
-- SQLite keeps its own rules in the code that writes it.
ALTER TABLE cards ADD CONSTRAINT cards_kind_check CHECK (kind IN ('', 'person', 'organization', 'contact_person'));
ALTER TABLE cards ADD CONSTRAINT cards_abc_class_check CHECK (abc_class IN ('', 'A', 'B', 'C'));
ALTER TABLE contact_points ADD CONSTRAINT contact_points_type_check CHECK (type IN ('phone', 'email'));
ALTER TABLE problems ADD CONSTRAINT problems_severity_check CHECK (severity IN ('error', 'warning'));
ALTER TABLE decisions ADD CONSTRAINT decisions_same_check CHECK (same IN (0, 1));
ALTER TABLE record_versions ADD CONSTRAINT record_versions_existed_check CHECK (existed IN (0, 1));
ALTER TABLE alias_versions ADD CONSTRAINT alias_versions_existed_check CHECK (existed IN (0, 1));
ALTER TABLE decision_versions ADD CONSTRAINT decision_versions_existed_check CHECK (existed IN (0, 1));

-- Which table refers to which. Rows a run writes on both sides are checked
-- when it commits (DEFERRABLE INITIALLY DEFERRED).
ALTER TABLE records ADD CONSTRAINT records_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE records ADD CONSTRAINT records_first_run_fk FOREIGN KEY (first_run) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE record_keys ADD CONSTRAINT record_keys_record_fk FOREIGN KEY (seq) REFERENCES records (seq) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE record_versions ADD CONSTRAINT record_versions_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE alias_versions ADD CONSTRAINT alias_versions_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE decision_versions ADD CONSTRAINT decision_versions_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE contact_points ADD CONSTRAINT contact_points_card_fk FOREIGN KEY (personal_id) REFERENCES cards (personal_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE aliases ADD CONSTRAINT aliases_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE decisions ADD CONSTRAINT decisions_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE problems ADD CONSTRAINT problems_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE review_pairs ADD CONSTRAINT review_pairs_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE sightings ADD CONSTRAINT sightings_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE match_model ADD CONSTRAINT match_model_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE tombstones ADD CONSTRAINT tombstones_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED;
