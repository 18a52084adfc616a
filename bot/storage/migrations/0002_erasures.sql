-- Data erasure requests honoured (``/vigil forget``, ``python -m bot forget``): who erased
-- whose data, when, and how much. Never the erased text. Append-only, like case_events:
-- it is the proof that a request was carried out.
CREATE TABLE erasures (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    actor_id  INTEGER,                                    -- NULL: the command line
    source    TEXT    NOT NULL,                           -- discord | cli
    at        TEXT    NOT NULL,
    counts    TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX erasures_member ON erasures (guild_id, user_id, at);
CREATE TRIGGER erasures_append_only_update BEFORE UPDATE ON erasures
BEGIN SELECT RAISE(ABORT, 'erasures is append-only'); END;
CREATE TRIGGER erasures_append_only_delete BEFORE DELETE ON erasures
BEGIN SELECT RAISE(ABORT, 'erasures is append-only'); END;
