-- Sums that read 0 where nothing was measured, and alert counts a queue could not filter:
--
-- bi_agent_day.interruptions_total was sum(ifNull(interruptions, 0)): 0 on a row of mono calls, which
-- have no interruptions (NULL, never 0: a mono recording cannot tell the speakers apart). It is now
-- the sum over the calls that have the metric, NULL where no call of the row has it (the other talk
-- columns already were: agent_talk_s and customer_talk_s NULL, the averages avg_agent_talk_ratio and
-- avg_silence_share skip NULLs, talk_time_calls 0).
--
-- bi_agent_day.cost_usd_total and scoring_costs.cost_usd_total were sum(ifNull(cost_usd, 0)): 0 for
-- LLM calls with no GPU price configured (cost not known), next to scoring_costs.cost_usd_per_call
-- NULL. They now read costs as 017 made bi_call_costs / bi_costs_daily read them: a call scored
-- without an LLM (scorer != 'llm') costs 0, an LLM call with no price has no known cost (NULL), and a
-- row with no call of known cost has a NULL total. scoring_costs.cost_usd_per_call averages the same
-- costs: 0 for the baseline and rules scorers (it was NULL), NULL for an LLM with no price.
--
-- bi_alert_counts gains `queue` (the alert's, migration 005; '' for alerts stored before it), last,
-- and one row per queue, so a dashboard filtered by queue counts that queue's alerts.
--
-- interruptions_total and both cost_usd_total become Nullable: a refreshable snapshot of these views
-- created before this migration keeps non-Nullable columns, which store NULL as 0 (create it again,
-- docs/bi.md "Scaling").
--
-- Plain views (006_bi.sql says why): rows stored before this migration read the new way at once, no
-- backfill. Idempotent (CREATE OR REPLACE VIEW); each view keeps its columns, in their order, and
-- adds the new ones last.

-- bi_agent_day as in 017, with interruptions_total and cost_usd_total NULL where not known.
CREATE OR REPLACE VIEW bi_agent_day AS
SELECT
    toDate(c.started_at)                                 AS day,
    c.tenant                                             AS tenant,
    ifNull(c.queue, '')                                  AS queue,
    c.agent_id                                           AS agent_id,
    argMax(c.agent_name, c.started_at)                   AS agent_name,
    c.scorecard_id                                       AS scorecard_id,
    c.scorecard_version                                  AS scorecard_version,
    c.scorer                                             AS scorer,
    count()                                              AS calls,
    sum(c.duration_s)                                    AS talk_s,
    countIf(c.total IS NOT NULL)                         AS scored_calls,
    sum(ifNull(c.total, 0))                              AS sum_total,
    avg(c.total)                                         AS avg_total,
    min(c.total)                                         AS min_total,
    sum(c.fatal_failed)                                  AS fatal_failed_calls,
    sum(c.fatal_failed) / count()                        AS fatal_rate,
    avg(c.agent_talk_ratio)                              AS avg_agent_talk_ratio,
    avg(c.silence_share)                                 AS avg_silence_share,
    sum(c.interruptions)                                 AS interruptions_total,
    if(max(p.asked) = 1, sum(p.named), NULL)             AS price_named_calls,
    sum(if(c.scorer = 'llm', c.cost_usd, ifNull(c.cost_usd, 0))) AS cost_usd_total,
    sum(c.duration_s)                                    AS duration_s,
    sumIf(c.agent_talk_s, c.customer_talk_s IS NOT NULL) AS agent_talk_s,
    sumIf(c.customer_talk_s, c.agent_talk_s IS NOT NULL) AS customer_talk_s,
    countIf(c.agent_talk_s IS NOT NULL AND c.customer_talk_s IS NOT NULL) AS talk_time_calls
FROM calls AS c FINAL
LEFT JOIN
(
    SELECT tenant, call_id, toUInt8(1) AS asked, max(toUInt8(status = 'scored' AND ifNull(label, '') = 'yes')) AS named
    FROM call_criteria FINAL
    WHERE rule = 'price_named'
    GROUP BY tenant, call_id
) AS p ON p.tenant = c.tenant AND p.call_id = c.call_id
GROUP BY day, tenant, queue, agent_id, scorecard_id, scorecard_version, scorer;

-- scoring_costs as in 004, its costs read as bi_call_costs reads them (0 without an LLM, NULL unpriced).
CREATE OR REPLACE VIEW scoring_costs AS
SELECT
    toDate(scored_at)                   AS day,
    tenant,
    scorer,
    ifNull(model_id, '')                AS model_id,
    ifNull(prompt_version, '')          AS prompt_version,
    count()                             AS calls,
    sum(ifNull(llm_tokens_in, 0))       AS tokens_in,
    sum(ifNull(llm_tokens_out, 0))      AS tokens_out,
    avg(llm_tokens_in)                  AS tokens_in_per_call,
    avg(llm_latency_s)                  AS avg_llm_latency_s,
    quantile(0.95)(llm_latency_s)       AS p95_llm_latency_s,
    sum(if(scorer = 'llm', cost_usd, ifNull(cost_usd, 0))) AS cost_usd_total,
    avg(if(scorer = 'llm', cost_usd, ifNull(cost_usd, 0))) AS cost_usd_per_call,
    avg(tokens_before)                  AS transcript_tokens_per_call,
    avg(tokens_after)                   AS compressed_tokens_per_call
FROM calls FINAL
GROUP BY day, tenant, scorer, model_id, prompt_version;

-- bi_alert_counts as in 006, plus the alert's queue.
CREATE OR REPLACE VIEW bi_alert_counts AS
SELECT
    toStartOfHour(created_at)           AS hour,
    tenant,
    rule,
    severity,
    ifNull(agent_id, '')                AS agent_id,
    count()                             AS alerts,
    countIf(suppressed)                 AS suppressed_alerts,
    uniqExact(call_id)                  AS calls,
    ifNull(queue, '')                   AS queue
FROM alerts FINAL
GROUP BY hour, tenant, rule, severity, agent_id, queue;
