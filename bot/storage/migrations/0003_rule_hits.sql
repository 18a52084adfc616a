-- Which rules fired on a scored message, and the labels each counted under
-- ({"bands": ["toxicity"], "threats": ["threat"]}). Calibration reads the bands' labels
-- only, so a rule hit (threat wording with a threat score of 0.00) never skews a label's
-- advice. Rows scored before this migration have '{}' and fall back to their labels.
ALTER TABLE message_scores ADD COLUMN rules TEXT NOT NULL DEFAULT '{}';
