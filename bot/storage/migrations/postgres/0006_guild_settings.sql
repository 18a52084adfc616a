-- PostgreSQL twin of ../0006_guild_settings.sql.
CREATE TABLE guild_settings (
    guild_id          BIGINT PRIMARY KEY,
    review_channel    BIGINT,
    mod_log_channel   BIGINT,
    appeals_channel   BIGINT,
    shadow_mode       BIGINT CHECK (shadow_mode IN (0, 1)),
    set_by            BIGINT,
    set_at            TEXT,
    review_notice_at  TEXT
);
