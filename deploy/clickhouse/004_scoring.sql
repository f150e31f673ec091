-- LLM scoring (issue 5): scorecard totals, fatal failures, LLM latency and cost per call, and views
-- that summarise them for BI and `callstream query`. Additive only (ADD COLUMN IF NOT EXISTS with
-- defaults), so rows written before this migration read as "no total, not failed, no LLM".
--
-- cost_usd = llm_latency_s × CALLSTREAM_GPU_PRICE_PER_HOUR / 3600 / CALLSTREAM_LLM_GPU_CONCURRENCY
-- (the call's share of the GPU hour, assuming that many requests share the GPU at this latency).

ALTER TABLE calls ADD COLUMN IF NOT EXISTS total Nullable(Float64) AFTER llm_tokens_out;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS fatal_failed UInt8 DEFAULT 0 AFTER total;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS llm_latency_s Nullable(Float64) AFTER fatal_failed;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS cost_usd Nullable(Float64) AFTER llm_latency_s;

-- Per day, tenant, scorer and model: calls, tokens, LLM latency and cost.
CREATE VIEW IF NOT EXISTS scoring_costs AS
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
    sum(ifNull(cost_usd, 0))            AS cost_usd_total,
    avg(cost_usd)                       AS cost_usd_per_call,
    avg(tokens_before)                  AS transcript_tokens_per_call,
    avg(tokens_after)                   AS compressed_tokens_per_call
FROM calls FINAL
GROUP BY day, tenant, scorer, model_id, prompt_version;

-- Per agent and scorecard version: average total and fatal failures (QA dashboards).
CREATE VIEW IF NOT EXISTS agent_scores AS
SELECT
    tenant,
    agent_id,
    any(agent_name)          AS agent_name,
    scorecard_id,
    scorecard_version,
    scorer,
    count()                  AS calls,
    avg(total)               AS avg_total,
    sum(fatal_failed)        AS fatal_failed_calls,
    min(started_at)          AS first_call,
    max(started_at)          AS last_call
FROM calls FINAL
GROUP BY tenant, agent_id, scorecard_id, scorecard_version, scorer;
