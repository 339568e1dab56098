-- Review pairs of each run and the decisions people made on them.
CREATE TABLE review_pairs (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL,
    score       REAL    NOT NULL,
    explanation TEXT    NOT NULL,
    a           TEXT    NOT NULL, -- JSON RecordView
    b           TEXT    NOT NULL
);
CREATE INDEX review_pairs_run_id ON review_pairs (run_id);

CREATE TABLE decisions (
    a_source TEXT    NOT NULL,
    a_key    TEXT    NOT NULL,
    b_source TEXT    NOT NULL,
    b_key    TEXT    NOT NULL,
    same     INTEGER NOT NULL, -- 1 must-link, 0 cannot-link
    run_id   INTEGER NOT NULL,
    PRIMARY KEY (a_source, a_key, b_source, b_key)
);
