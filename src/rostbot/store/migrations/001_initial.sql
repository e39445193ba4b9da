-- The respondent's journey: invitations, respondents, consents, flow runs, sealed answers.
-- No column holds an answer, a Telegram id or a name in clear.

CREATE TABLE invitations (
    code_hash   TEXT PRIMARY KEY,          -- SHA-256 of the code; the code itself is printed once
    flow_id     TEXT NOT NULL,
    unit        TEXT NOT NULL,
    provider    TEXT,
    batch_id    TEXT NOT NULL,
    created_on  TEXT NOT NULL,             -- date only
    used_on     TEXT                       -- set when someone consents with it
);

CREATE TABLE respondents (
    pseudonym       TEXT PRIMARY KEY,      -- HMAC of the Telegram user id with the server secret
    lang            TEXT NOT NULL CHECK (lang IN ('sv', 'da')),
    created_on      TEXT NOT NULL,
    withdrawn_on    TEXT,
    contact_handle  BLOB                   -- encrypted chat id; only with contact consent
);

CREATE TABLE consents (
    id            INTEGER PRIMARY KEY,
    pseudonym     TEXT NOT NULL REFERENCES respondents (pseudonym) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('participation', 'contact')),
    flow_id       TEXT,
    flow_version  INTEGER,
    text_hash     TEXT NOT NULL,           -- which wording was agreed to
    lang          TEXT NOT NULL,
    choices       TEXT NOT NULL,           -- JSON, e.g. {"age_confirmed": 13}
    given_at      TEXT NOT NULL,
    withdrawn_at  TEXT
);
CREATE INDEX consents_by_person ON consents (pseudonym);

-- Someone who said no: only what stops the bot asking again.
CREATE TABLE declines (
    pseudonym  TEXT NOT NULL,
    flow_id    TEXT NOT NULL,
    PRIMARY KEY (pseudonym, flow_id)
);

CREATE TABLE runs (
    run_id           TEXT PRIMARY KEY,
    response_id      TEXT NOT NULL UNIQUE,  -- what sealed answers carry; random
    pseudonym        TEXT NOT NULL REFERENCES respondents (pseudonym) ON DELETE CASCADE,
    invitation_hash  TEXT,
    flow_id          TEXT NOT NULL,
    flow_version     INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'finished', 'stopped')),
    state            BLOB NOT NULL,         -- engine state, encrypted at rest
    step             INTEGER NOT NULL DEFAULT 0,  -- bumps on every change; buttons carry it
    started_on       TEXT NOT NULL,
    updated_on       TEXT NOT NULL
);
CREATE INDEX runs_by_person ON runs (pseudonym, status);

CREATE TABLE sealed_answers (
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
-- One waiting answer per question of a response. An answer already exported may be
-- followed by a changed one (the person went back); the newer record supersedes it.
CREATE UNIQUE INDEX sealed_answers_one_waiting
    ON sealed_answers (response_id, question_id) WHERE exported_on IS NULL;
CREATE INDEX sealed_answers_queue ON sealed_answers (exported_on, key_id);

-- Update ids already acted on, so a re-delivered update never stores twice.
CREATE TABLE handled_updates (
    update_id   INTEGER PRIMARY KEY,
    handled_on  TEXT NOT NULL
);
