-- Which messages are in a respondent's private chat with the bot, so that the bot can
-- delete them when the person asks (/clear). Only Telegram's message numbers, which are
-- small counters local to that one chat, with when each was sent; encrypted at rest
-- (server secret, purpose 'chat-messages:<pseudonym>'). Nothing older than 48 hours is
-- kept: Telegram lets a bot delete messages only within 48 hours.
CREATE TABLE chat_messages (
    pseudonym   TEXT PRIMARY KEY REFERENCES respondents (pseudonym) ON DELETE CASCADE,
    ids         BLOB NOT NULL,             -- encrypted JSON [[message_id, unix_time], ...]
    updated_at  TEXT NOT NULL              -- UTC, for the sweep of rows nobody uses any more
);
