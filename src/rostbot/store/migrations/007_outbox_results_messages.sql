-- "You said, we did": a coordinator's message to the people who answered a flow and may be
-- contacted goes through the outbox like an invitation, but belongs to no meeting. Rebuild
-- the outbox as 003_events.sql made it, with event_id optional (NULL for such a message;
-- the dedupe key 'results:<message id>:<pseudonym>' sends each message once per person).
-- Every row and its id are kept, so nothing waiting is sent twice or lost.
CREATE TABLE outbox_rebuilt (
    id          INTEGER PRIMARY KEY,
    dedupe_key  TEXT NOT NULL UNIQUE,
    pseudonym   TEXT NOT NULL REFERENCES respondents (pseudonym) ON DELETE CASCADE,
    event_id    TEXT REFERENCES events (event_id),  -- NULL: a results message
    kind        TEXT NOT NULL,             -- invitation, promoted, moved, cancelled, reminder, feedback, results
    payload     TEXT NOT NULL DEFAULT '{}', -- JSON without personal data, e.g. {"sequence": 2}
    due_at      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'waiting'
                CHECK (status IN ('waiting', 'sending', 'sent', 'dropped')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    message_id  INTEGER,                   -- Telegram's id of the message, once accepted
    done_at     TEXT
);
INSERT INTO outbox_rebuilt (id, dedupe_key, pseudonym, event_id, kind, payload, due_at, status,
        attempts, message_id, done_at)
    SELECT id, dedupe_key, pseudonym, event_id, kind, payload, due_at, status, attempts,
        message_id, done_at
    FROM outbox ORDER BY id;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, due_at);
CREATE INDEX outbox_by_person ON outbox (pseudonym);

-- The messages themselves: texts written for everyone who answered a flow, no personal
-- data. Who a message went to is the outbox rows with its dedupe key (pseudonyms only).
CREATE TABLE results_messages (
    message_id  TEXT PRIMARY KEY,          -- SHA-256 of flow and texts, shortened: the same
                                           -- texts for the same flow are the same message
    flow_id     TEXT NOT NULL,
    text_sv     TEXT,
    text_da     TEXT,
    created_at  TEXT NOT NULL
);
