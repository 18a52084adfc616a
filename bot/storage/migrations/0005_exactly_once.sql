-- Exactly once (issue 11 item 1).
--
-- One case per message and grounds: `dedupe_key` is a digest of the case kind, the labels
-- and rules that fired and the message text (not the action, which escalation may change,
-- nor the reason's wording), set for cases opened on a message. A second process, or a
-- retry, recording the same decision finds the first case instead of opening another.
-- Cases from before this migration keep NULL and are not constrained.
ALTER TABLE cases ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX cases_one_per_message_grounds ON cases (guild_id, dedupe_key)
    WHERE dedupe_key IS NOT NULL;

-- Which process may act on Discord for this database (later: per shard range). A holder
-- renews its row well before `expires_at`; another process acquires it only once expired.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    host        TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    renewed_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
