-- Messages the bot could not record while the database was locked and its record queue
-- was full: their ids and why, written once storage returns, so nothing vanishes silently.
-- No text is kept; `forget` deletes a member's rows with their scores.
CREATE TABLE skipped_messages (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    author_id   INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL
);
CREATE INDEX skipped_messages_author ON skipped_messages (guild_id, author_id);
