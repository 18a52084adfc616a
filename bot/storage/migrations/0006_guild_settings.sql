-- What each server's admins set from Discord (/vigil setup, /vigil shadow), on top of the
-- policy files: NULL means the file decides. One row per server; a restart keeps them.
-- review_notice_at: when the server's admins were told it has no review channel (once).
CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    review_channel    INTEGER,
    mod_log_channel   INTEGER,
    appeals_channel   INTEGER,
    shadow_mode       INTEGER CHECK (shadow_mode IN (0, 1)),
    set_by            INTEGER,
    set_at            TEXT,
    review_notice_at  TEXT
);
