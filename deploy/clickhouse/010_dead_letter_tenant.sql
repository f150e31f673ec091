-- Dead letters carry the tenant their record named (DeadLetter.tenant): a call that failed before
-- the sink has no `calls` row to join for it, so BI could not count a tenant's failed calls.
-- '' where no tenant could be read (undecodable bytes) and in rows written before this migration.
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS tenant LowCardinality(String) DEFAULT '' AFTER stage;

CREATE OR REPLACE VIEW bi_dead_letters_hourly AS
SELECT
    toStartOfHour(failed_at)            AS hour,
    tenant,
    stage,
    topic,
    error_class,
    count()                             AS dead_letters,
    uniqExact(call_id)                  AS calls,
    any(error_message)                  AS example_error
FROM dead_letters FINAL
GROUP BY hour, tenant, stage, topic, error_class;
