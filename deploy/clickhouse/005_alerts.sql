-- Alerts: cool-down and context columns (issue 7).
-- suppressed: raised within its rule's cool-down after a notified alert of the same agent and rule;
-- kept for BI (how often an agent trips a rule) but not sent to notifiers.
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS suppressed Bool DEFAULT false AFTER created_at;
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS queue Nullable(String) AFTER suppressed;
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS agent_name Nullable(String) AFTER queue;
