-- Interviews: a third kind of meeting, offered as slots (one person each), with two
-- consents of their own: "may we contact you about an interview" and "may we quote you,
-- without your name, in seminar material". SQLite cannot change a CHECK in place, so the
-- tables whose CHECK names the kinds are rebuilt as 001 and 003 made them, keeping every
-- row and id. The migration runs with foreign keys off (as SQLite's documented way to
-- rebuild a table asks) and is checked with foreign_key_check before it commits.

CREATE TABLE consents_rebuilt (
    id            INTEGER PRIMARY KEY,
    pseudonym     TEXT NOT NULL REFERENCES respondents (pseudonym) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('participation', 'contact', 'interview', 'quote')),
    flow_id       TEXT,
    flow_version  INTEGER,
    text_hash     TEXT NOT NULL,           -- which wording was agreed to
    lang          TEXT NOT NULL,
    choices       TEXT NOT NULL,           -- JSON, e.g. {"age_confirmed": 13}
    given_at      TEXT NOT NULL,
    withdrawn_at  TEXT
);
INSERT INTO consents_rebuilt (id, pseudonym, kind, flow_id, flow_version, text_hash, lang,
        choices, given_at, withdrawn_at)
    SELECT id, pseudonym, kind, flow_id, flow_version, text_hash, lang, choices, given_at,
        withdrawn_at
    FROM consents ORDER BY id;
DROP TABLE consents;
ALTER TABLE consents_rebuilt RENAME TO consents;
CREATE INDEX consents_by_person ON consents (pseudonym);

-- 'slots': an interview offer, whose sessions are times of one person each; a person
-- books one of them.
CREATE TABLE series_rebuilt (
    series_id   TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('fixed', 'recurring', 'slots')),
    rule        TEXT NOT NULL,             -- how the dates were made, e.g. 'weekly:1', 'slots:list'
    created_on  TEXT NOT NULL
);
INSERT INTO series_rebuilt (series_id, kind, rule, created_on)
    SELECT series_id, kind, rule, created_on FROM series;
DROP TABLE series;
ALTER TABLE series_rebuilt RENAME TO series;

CREATE TABLE events_rebuilt (
    event_id    TEXT PRIMARY KEY,          -- short random id, used by the CLI and in buttons
    kind        TEXT NOT NULL CHECK (kind IN ('focus_group', 'breakfast', 'interview')),
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
INSERT INTO events_rebuilt (event_id, kind, series_id, session, details, languages, tz,
        starts_at, ends_at, capacity, status, sequence, created_on)
    SELECT event_id, kind, series_id, session, details, languages, tz, starts_at, ends_at,
        capacity, status, sequence, created_on
    FROM events;
DROP TABLE events;
ALTER TABLE events_rebuilt RENAME TO events;
CREATE INDEX events_by_start ON events (status, starts_at);
CREATE INDEX events_by_series ON events (series_id, session);

-- A phone interview needs a number to call: the person types it after booking. Encrypted
-- with the server secret like the alias, and deleted (set to NULL) once the interview is
-- over or cancelled, as the needs line is.
ALTER TABLE bookings ADD COLUMN reach BLOB;

-- People who found every time of an interview offer taken and asked to hear when one
-- becomes free. When a time is freed, the first person waiting is told (an outbox row)
-- and leaves the list; the time is anyone's who presses first.
CREATE TABLE slot_waitlist (
    series_id   TEXT NOT NULL REFERENCES series (series_id),
    pseudonym   TEXT NOT NULL REFERENCES respondents (pseudonym) ON DELETE CASCADE,
    queue       INTEGER NOT NULL,          -- order (lower is first)
    added_at    TEXT NOT NULL,
    PRIMARY KEY (series_id, pseudonym)
);
