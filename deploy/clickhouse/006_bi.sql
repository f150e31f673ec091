-- BI layer (issue 7): ready-made views for BI tools, Grafana and `callstream query`.
-- Example questions and their SQL: docs/bi.md. Every view here and every query there is run on
-- chDB by tests/integration/test_bi.py against rows the sink writes.
--
-- Why plain views over `FINAL`, not insert-fed materialized views
-- ---------------------------------------------------------------
-- The sink is at-least-once and idempotent only *after* deduplication: `calls`, `call_criteria`
-- and `alerts` are ReplacingMergeTree(_version) tables keyed by call, so a replayed or retried
-- batch, and a call scored again (new scorecard version, new model, a fixed transcript) leave two
-- physical rows until a merge, and `FINAL` (or argMax by _version) shows the newest one only.
-- A materialized view fires on every *inserted block*, before any deduplication by key:
--   * an aggregating MV (SummingMergeTree / AggregatingMergeTree with sum, count, avg) adds a
--     replayed call twice and can never subtract the old score of a re-scored call, so agent-day
--     averages and counts drift upwards with every replay, silently and permanently, and
--   * the exceptions are aggregates that are idempotent per call (uniqExact(call_id),
--     argMax(value, _version) keyed by call): they fix counts but not averages, sums or shares,
--     which are most of what a scorecard reports.
-- Refreshable materialized views (REFRESH EVERY ... AS SELECT ... FINAL) would be correct, but
-- they need an Atomic/Replicated database and chDB's default database (the embedded stack) is
-- not one, so the same migration could not run on both.
-- So every BI object below is a plain view that reads `FINAL`: exact under replays and
-- re-scoring, always current (no refresh lag, no backfill when a view is added or changed), and
-- still fast: `calls` has one row per call, parts are partitioned by month of started_at (a call
-- never changes partition, so FINAL merges within a partition), and BI filters by tenant and time.
-- When a tenant grows past hundreds of millions of calls, add a refreshable MV on a ClickHouse
-- server (docs/bi.md, "Scaling") reading these same views.
--
-- Re-aggregating: views expose additive columns (calls, scored, sum_*), so coarser rollups are
-- exact: sum(sum_total) / sum(scored_calls), never avg(avg_total).
-- Every statement is idempotent (IF NOT EXISTS) and ends with `;` at line end.

-- One row per call with its criteria pivoted into maps: scores['politeness'],
-- labels['deal_stage']. The base of per-call BI questions ("price named but no close").
CREATE VIEW IF NOT EXISTS bi_call_scores AS
SELECT
    c.call_id                          AS call_id,
    c.tenant                           AS tenant,
    c.started_at                       AS started_at,
    toDate(c.started_at)               AS day,
    c.agent_id                         AS agent_id,
    c.agent_name                       AS agent_name,
    ifNull(c.queue, '')                AS queue,
    c.direction                        AS direction,
    c.language                         AS language,
    c.duration_s                       AS duration_s,
    c.scorecard_id                     AS scorecard_id,
    c.scorecard_version                AS scorecard_version,
    c.scorer                           AS scorer,
    c.total                            AS total,
    c.fatal_failed                     AS fatal_failed,
    c.price_mentions                   AS price_mentions,
    c.keyword_hits                     AS keyword_hits,
    c.agent_talk_ratio                 AS agent_talk_ratio,
    c.silence_share                    AS silence_share,
    c.interruptions                    AS interruptions,
    c.cost_usd                         AS cost_usd,
    c.summary                          AS summary,
    ifNull(k.scores, map())            AS scores,
    ifNull(k.labels, map())            AS labels,
    ifNull(k.pending, [])              AS pending
FROM calls AS c FINAL
LEFT JOIN
(
    SELECT
        tenant,
        call_id,
        mapFromArrays(
            groupArrayIf(criterion_id, status = 'scored' AND value IS NOT NULL),
            groupArrayIf(assumeNotNull(value), status = 'scored' AND value IS NOT NULL)
        ) AS scores,
        mapFromArrays(
            groupArrayIf(criterion_id, status = 'scored' AND label IS NOT NULL),
            groupArrayIf(assumeNotNull(label), status = 'scored' AND label IS NOT NULL)
        ) AS labels,
        groupArrayIf(criterion_id, status != 'scored') AS pending
    FROM call_criteria FINAL
    GROUP BY tenant, call_id
) AS k ON k.tenant = c.tenant AND k.call_id = c.call_id;

-- Agent-day scorecard: per day, tenant, queue, agent and scorecard version (scores of different
-- versions or scorers are never averaged together).
CREATE VIEW IF NOT EXISTS bi_agent_day AS
SELECT
    toDate(started_at)                                   AS day,
    tenant,
    ifNull(queue, '')                                    AS queue,
    agent_id,
    argMax(agent_name, started_at)                       AS agent_name,
    scorecard_id,
    scorecard_version,
    scorer,
    count()                                              AS calls,
    sum(duration_s)                                      AS talk_s,
    countIf(total IS NOT NULL)                           AS scored_calls,
    sum(ifNull(total, 0))                                AS sum_total,
    avg(total)                                           AS avg_total,
    min(total)                                           AS min_total,
    sum(fatal_failed)                                    AS fatal_failed_calls,
    sum(fatal_failed) / count()                          AS fatal_rate,
    avg(agent_talk_ratio)                                AS avg_agent_talk_ratio,
    avg(silence_share)                                   AS avg_silence_share,
    sum(ifNull(interruptions, 0))                        AS interruptions_total,
    countIf(price_mentions > 0)                          AS price_named_calls,
    sum(ifNull(cost_usd, 0))                             AS cost_usd_total
FROM calls FINAL
GROUP BY day, tenant, queue, agent_id, scorecard_id, scorecard_version, scorer;

-- Agent-day per criterion: the scorecard's columns (avg politeness, objection handling, ...).
-- avg_value: mean of scored values (score 0-100, count, yes_no 1/0); yes_share: share of "yes"
-- among scored yes_no answers; labels: category answers counted (deal_stage -> closing: 3).
CREATE VIEW IF NOT EXISTS bi_agent_day_criteria AS
SELECT
    toDate(started_at)                                           AS day,
    tenant,
    ifNull(queue, '')                                            AS queue,
    agent_id,
    scorecard_id,
    scorecard_version,
    scorer,
    criterion_id,
    any(kind)                                                    AS kind,
    count()                                                      AS calls,
    countIf(status = 'scored')                                   AS scored,
    sumIf(ifNull(value, 0), status = 'scored')                   AS sum_value,
    avgOrNullIf(value, status = 'scored' AND value IS NOT NULL)  AS avg_value,
    countIf(status = 'scored' AND label = 'yes')                 AS yes_count,
    countIf(status = 'scored' AND label = 'yes') / nullIf(countIf(status = 'scored' AND label IN ('yes', 'no')), 0) AS yes_share,
    sumMapIf(map(ifNull(label, ''), toUInt64(1)), status = 'scored' AND label IS NOT NULL) AS labels
FROM call_criteria FINAL
GROUP BY day, tenant, queue, agent_id, scorecard_id, scorecard_version, scorer, criterion_id;

-- Criteria trends per hour: how each criterion moves through the day / week, per queue.
CREATE VIEW IF NOT EXISTS bi_criteria_hourly AS
SELECT
    toStartOfHour(started_at)                                    AS hour,
    tenant,
    ifNull(queue, '')                                            AS queue,
    scorecard_id,
    scorecard_version,
    scorer,
    criterion_id,
    any(kind)                                                    AS kind,
    count()                                                      AS calls,
    countIf(status = 'scored')                                   AS scored,
    countIf(status != 'scored')                                  AS pending,
    sumIf(ifNull(value, 0), status = 'scored')                   AS sum_value,
    avgOrNullIf(value, status = 'scored' AND value IS NOT NULL)  AS avg_value,
    minOrNullIf(value, status = 'scored' AND value IS NOT NULL)  AS min_value,
    maxOrNullIf(value, status = 'scored' AND value IS NOT NULL)  AS max_value,
    countIf(status = 'scored' AND label = 'yes')                 AS yes_count,
    countIf(status = 'scored' AND label = 'yes') / nullIf(countIf(status = 'scored' AND label IN ('yes', 'no')), 0) AS yes_share,
    sumMapIf(map(ifNull(label, ''), toUInt64(1)), status = 'scored' AND label IS NOT NULL) AS labels
FROM call_criteria FINAL
GROUP BY hour, tenant, queue, scorecard_id, scorecard_version, scorer, criterion_id;

-- Keyword dictionary hits per day (entries of processors/dictionaries: cancel, legal, ...):
-- hits = phrase occurrences, calls = calls with at least one hit.
CREATE VIEW IF NOT EXISTS bi_keyword_hits_daily AS
SELECT
    toDate(started_at)                  AS day,
    tenant,
    ifNull(queue, '')                   AS queue,
    keyword,
    sum(n)                              AS hits,
    count()                             AS calls,
    uniqExact(agent_id)                 AS agents
FROM
(
    SELECT tenant, queue, started_at, agent_id, kw.1 AS keyword, kw.2 AS n
    FROM calls FINAL
    ARRAY JOIN arrayZip(mapKeys(keyword_hits), mapValues(keyword_hits)) AS kw
    WHERE n > 0
)
GROUP BY day, tenant, queue, keyword;

-- Supervisor alerts per hour, rule, severity and agent (alerts are deduplicated by alert_id).
-- suppressed_alerts: raised within the rule's cool-down (005_alerts.sql), stored but not notified.
CREATE VIEW IF NOT EXISTS bi_alert_counts AS
SELECT
    toStartOfHour(created_at)           AS hour,
    tenant,
    rule,
    severity,
    ifNull(agent_id, '')                AS agent_id,
    count()                             AS alerts,
    countIf(suppressed)                 AS suppressed_alerts,
    uniqExact(call_id)                  AS calls
FROM alerts FINAL
GROUP BY hour, tenant, rule, severity, agent_id;

-- Cost per call: LLM tokens, latency and GPU cost next to the audio it scored.
-- cost_usd is NULL for calls without a priced LLM (baseline scorer, no GPU price configured).
CREATE VIEW IF NOT EXISTS bi_call_costs AS
SELECT
    call_id,
    tenant,
    toDate(started_at)                                  AS day,
    started_at,
    agent_id,
    ifNull(queue, '')                                   AS queue,
    scorer,
    ifNull(model_id, '')                                AS model_id,
    ifNull(prompt_version, '')                          AS prompt_version,
    duration_s,
    duration_s / 60                                     AS audio_minutes,
    tokens_before,
    tokens_after,
    tokens_after / nullIf(tokens_before, 0)             AS compression_ratio,
    llm_tokens_in,
    llm_tokens_out,
    llm_latency_s,
    cost_usd,
    cost_usd / nullIf(duration_s / 60, 0)               AS cost_usd_per_audio_minute
FROM calls FINAL;

-- Cost per day, tenant, queue and model: totals and cost per call / per audio hour.
CREATE VIEW IF NOT EXISTS bi_costs_daily AS
SELECT
    day,
    tenant,
    queue,
    scorer,
    model_id,
    count()                                             AS calls,
    sum(duration_s) / 3600                              AS audio_hours,
    sum(ifNull(llm_tokens_in, 0))                       AS llm_tokens_in,
    sum(ifNull(llm_tokens_out, 0))                      AS llm_tokens_out,
    countIf(cost_usd IS NOT NULL)                       AS priced_calls,
    sum(ifNull(cost_usd, 0))                            AS cost_usd_total,
    sum(ifNull(cost_usd, 0)) / nullIf(countIf(cost_usd IS NOT NULL), 0) AS cost_usd_per_call,
    sum(ifNull(cost_usd, 0)) / nullIf(sum(duration_s) / 3600, 0) AS cost_usd_per_audio_hour
FROM bi_call_costs
GROUP BY day, tenant, queue, scorer, model_id;

-- Dead letters per hour, stage and error class: what the pipeline could not process.
CREATE VIEW IF NOT EXISTS bi_dead_letters_hourly AS
SELECT
    toStartOfHour(failed_at)            AS hour,
    stage,
    topic,
    error_class,
    count()                             AS dead_letters,
    uniqExact(call_id)                  AS calls,
    any(error_message)                  AS example_error
FROM dead_letters FINAL
GROUP BY hour, stage, topic, error_class;
