-- Cases: one numbered record per moderation decision, per guild.
CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    number           INTEGER NOT NULL,
    kind             TEXT    NOT NULL DEFAULT 'message',  -- message | manual | campaign | pile_on | raid
    target_id        INTEGER NOT NULL,
    target_name      TEXT    NOT NULL DEFAULT '',
    moderator_id     INTEGER,                             -- NULL: automod
    action           TEXT    NOT NULL,
    duration_minutes INTEGER,
    reason           TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL,
    labels           TEXT    NOT NULL DEFAULT '[]',
    scores           TEXT    NOT NULL DEFAULT '{}',
    model_version    TEXT,
    policy_version   TEXT,
    channel_id       INTEGER,
    message_id       INTEGER,
    excerpt          TEXT    NOT NULL DEFAULT '',
    jump_url         TEXT,
    strike           INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    UNIQUE (guild_id, number)
);
CREATE INDEX cases_target ON cases (guild_id, target_id, created_at);
CREATE INDEX cases_status ON cases (status);

-- Append-only history of every case.
CREATE TABLE case_events (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases (id),
    at        TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    actor_id  INTEGER,
    detail    TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);
CREATE TRIGGER case_events_append_only_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_append_only_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;

CREATE TABLE appeals (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    member_id     INTEGER NOT NULL,
    text          TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open',        -- open | granted | denied
    moderator_id  INTEGER,
    decision_note TEXT,
    created_at    TEXT    NOT NULL,
    decided_at    TEXT
);
-- One open appeal per case.
CREATE UNIQUE INDEX appeals_one_open ON appeals (case_id) WHERE status = 'open';
CREATE INDEX appeals_member ON appeals (member_id, created_at);

-- Every scored message: shadow mode, calibration and review feedback.
CREATE TABLE message_scores (
    message_id      INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    author_id       INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    scores          TEXT    NOT NULL,
    stance          TEXT,
    labels          TEXT    NOT NULL DEFAULT '[]',
    action          TEXT    NOT NULL,
    band            TEXT    NOT NULL,
    evasion         REAL    NOT NULL DEFAULT 0,
    model_version   TEXT,
    policy_version  TEXT,
    review_decision TEXT                                  -- set by a moderator: keep | remove | ...
);
CREATE INDEX message_scores_author ON message_scores (guild_id, author_id, created_at);

CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL,                         -- campaign | pile_on | raid
    score       REAL    NOT NULL,
    accounts    TEXT    NOT NULL,
    message_ids TEXT    NOT NULL,
    evidence    TEXT    NOT NULL DEFAULT '{}',
    case_id     INTEGER REFERENCES cases (id),
    created_at  TEXT    NOT NULL
);
