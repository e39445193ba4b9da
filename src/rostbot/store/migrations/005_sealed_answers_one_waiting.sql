-- Databases made by the first release hold sealed_answers with UNIQUE (response_id,
-- question_id): an answer changed after the earlier one was exported could not be stored.
-- Rebuild the table as 001_initial.sql defines it now (one waiting answer per question),
-- keeping every row and its rowid, the order the export reads the queue in.
CREATE TABLE sealed_answers_rebuilt (
    record_id     TEXT PRIMARY KEY,
    response_id   TEXT NOT NULL,
    question_id   TEXT NOT NULL,
    flow_id       TEXT NOT NULL,
    flow_version  INTEGER NOT NULL,
    key_id        TEXT NOT NULL,
    sealed        BLOB NOT NULL,            -- HPKE enc || ciphertext, see docs/record-format.md
    sealed_on     TEXT NOT NULL,
    exported_on   TEXT
);
INSERT INTO sealed_answers_rebuilt (rowid, record_id, response_id, question_id, flow_id,
        flow_version, key_id, sealed, sealed_on, exported_on)
    SELECT rowid, record_id, response_id, question_id, flow_id, flow_version, key_id, sealed,
        sealed_on, exported_on
    FROM sealed_answers ORDER BY rowid;
DROP TABLE sealed_answers;
ALTER TABLE sealed_answers_rebuilt RENAME TO sealed_answers;
CREATE UNIQUE INDEX sealed_answers_one_waiting
    ON sealed_answers (response_id, question_id) WHERE exported_on IS NULL;
CREATE INDEX sealed_answers_queue ON sealed_answers (exported_on, key_id);
