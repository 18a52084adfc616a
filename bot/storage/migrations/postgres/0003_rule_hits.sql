-- PostgreSQL twin of ../0003_rule_hits.sql.
ALTER TABLE message_scores ADD COLUMN rules TEXT NOT NULL DEFAULT '{}';
