-- PostgreSQL twin of ../0005_exactly_once.sql. On PostgreSQL the single-instance lease is
-- an advisory lock held by the running process (bot.storage.pg_lease); this table then
-- only says who holds it.
ALTER TABLE cases ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX cases_one_per_message_grounds ON cases (guild_id, dedupe_key)
    WHERE dedupe_key IS NOT NULL;

CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    pid         BIGINT NOT NULL,
    host        TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    renewed_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
