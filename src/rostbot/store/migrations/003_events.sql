-- Meetings: focus groups and breakfast meetings, who coordinates them, bookings with a
-- waitlist, and the outbox of messages the bot sends on its own (invitations, notices,
-- reminders). No column holds a Telegram id, a name or a chat handle in clear.
-- Times are UTC, written as 'YYYY-MM-DDTHH:MM:SSZ' so that they compare as text.

-- People who redeemed a one-time coordinator code (ROSTBOT_COORDINATORS stays in the
-- configuration and is never written here).
CREATE TABLE coordinators (
    pseudonym   TEXT PRIMARY KEY,          -- same keyed pseudonym as respondents
    added_on    TEXT NOT NULL
);

CREATE TABLE coordinator_codes (
    code_hash    TEXT PRIMARY KEY,         -- SHA-256 of the code; the code is printed once
    created_on   TEXT NOT NULL,
    redeemed_on  TEXT
);

CREATE TABLE series (
    series_id   TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('fixed', 'recurring')),
    rule        TEXT NOT NULL,             -- how the dates were made, e.g. 'weekly:1' or 'monthly:+1TU'
    created_on  TEXT NOT NULL
);

CREATE TABLE events (
    event_id    TEXT PRIMARY KEY,          -- short random id, used by the CLI and in buttons
    kind        TEXT NOT NULL CHECK (kind IN ('focus_group', 'breakfast')),
    series_id   TEXT REFERENCES series (series_id),
    session     INTEGER,                   -- 1, 2, 3 ... within its series
    details     TEXT NOT NULL,             -- JSON: titles, descriptions, agenda, place, who leads
    languages   TEXT NOT NULL,             -- 'sv', 'da' or 'sv,da'
    tz          TEXT NOT NULL CHECK (tz IN ('Europe/Stockholm', 'Europe/Copenhagen')),
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity > 0),
    status      TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    sequence    INTEGER NOT NULL DEFAULT 0, -- iCalendar SEQUENCE: bumps on every move and cancel
    created_on  TEXT NOT NULL
);
CREATE INDEX events_by_start ON events (status, starts_at);
CREATE INDEX events_by_series ON events (series_id, session);

-- One row per person per event. A fixed group has one row per session, all changed together.
CREATE TABLE bookings (
    event_id    TEXT NOT NULL REFERENCES events (event_id),
    pseudonym   TEXT NOT NULL REFERENCES respondents (pseudonym) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('booked', 'waitlisted', 'cancelled')),
    number      INTEGER NOT NULL,          -- 1, 2, 3 ... per event: how coordinators name a row
    queue       INTEGER NOT NULL,          -- order on the waitlist (lower is first)
    revision    INTEGER NOT NULL DEFAULT 0, -- bumps on every change; added to SEQUENCE in .ics files
    alias       BLOB,                      -- encrypted: a name the person chose (may be real)
    needs       BLOB,                      -- encrypted: one line on access or diet; gone after the event
    attended    INTEGER,                   -- NULL not marked, 1 came, 0 did not come
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (event_id, pseudonym),
    UNIQUE (event_id, number)
);
CREATE INDEX bookings_by_person ON bookings (pseudonym);

-- Messages the bot sends without being written to: one row per person, event, kind (and
-- version), so a restart never sends twice what was sent and never forgets what was not.
-- Reminders are rows here with a due time; the scheduler is rebuilt from them at start-up.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    dedupe_key  TEXT NOT NULL UNIQUE,
    pseudonym   TEXT NOT NULL REFERENCES respondents (pseudonym) ON DELETE CASCADE,
    event_id    TEXT NOT NULL REFERENCES events (event_id),
    kind        TEXT NOT NULL,             -- invitation, promoted, moved, cancelled, reminder, feedback
    payload     TEXT NOT NULL DEFAULT '{}', -- JSON without personal data, e.g. {"sequence": 2}
    due_at      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'waiting'
                CHECK (status IN ('waiting', 'sending', 'sent', 'dropped')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    message_id  INTEGER,                   -- Telegram's id of the message, once accepted
    done_at     TEXT
);
CREATE INDEX outbox_due ON outbox (status, due_at);
CREATE INDEX outbox_by_person ON outbox (pseudonym);
