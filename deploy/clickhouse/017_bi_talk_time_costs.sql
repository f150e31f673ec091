-- Two BI columns said something other than what an analyst reads in them:
--
-- bi_agent_day.talk_s was, and stays, sum(calls.duration_s): the length of the agent's calls, silence
-- and hold included, not anyone's talk time. It is kept as it was (a deprecated name) rather than
-- redefined, so a dashboard built on it keeps its numbers: redefining it as agent + customer talk
-- would make the history of such a panel drop at the upgrade with nothing on it saying why, and would
-- silently leave out mono calls, which have no per-speaker talk times. New columns say what they are:
--   duration_s       the same sum as talk_s (the calls' length): use it instead of talk_s;
--   agent_talk_s     the agent's talk time, summed over the calls that have one (stereo calls);
--   customer_talk_s  the customer's, the same way;
--   talk_time_calls  how many calls have both talk times: a mono call has none (NULL, never 0), and
--                    the sums skip it, so read the sums next to this count (NULL sums where no call
--                    of the row has talk times).
--
-- bi_costs_daily showed cost_usd_total 0 but cost_usd_per_call NULL for calls scored without an LLM:
-- calls.cost_usd is NULL both for them (the baseline and rules scorers run no model: they cost
-- nothing) and for LLM calls with no GPU price configured (cost not known), and only the first is a
-- known cost. bi_call_costs.cost_usd now tells them apart: 0 for a call its scorer scored without an
-- LLM (scorer != 'llm'), NULL only for an LLM call with no price, so
--   baseline / rules rows   priced_calls = calls, cost_usd_total 0, cost_usd_per_call 0, per audio
--                           hour 0;
--   LLM rows with no price  priced_calls 0, cost_usd_total, cost_usd_per_call and per audio hour
--                           NULL (not known: before, cost_usd_total read 0);
--   priced LLM rows         as before, except that cost_usd_per_audio_hour now divides by the audio
--                           of the priced calls (priced_audio_hours, a new last column), as
--                           cost_usd_per_call divides by priced_calls: calls with no price no longer
--                           thin it out.
-- cost_usd_total becomes Nullable (a refreshable snapshot of the view created before this migration
-- keeps a non-Nullable column: create it again, docs/bi.md "Scaling").
--
-- Plain views (006_bi.sql says why): rows stored before this migration read the new way at once, no
-- backfill. Idempotent (CREATE OR REPLACE VIEW); each view keeps its columns, in their order, and
-- adds the new ones last.

-- bi_agent_day as in 014, plus duration_s, agent_talk_s, customer_talk_s and talk_time_calls.
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
    sum(ifNull(c.interruptions, 0))                      AS interruptions_total,
    if(max(p.asked) = 1, sum(p.named), NULL)             AS price_named_calls,
    sum(ifNull(c.cost_usd, 0))                           AS cost_usd_total,
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

-- bi_call_costs as in 006, with cost_usd 0 (not NULL) for a call scored without an LLM.
CREATE OR REPLACE VIEW bi_call_costs AS
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
    if(scorer = 'llm', cost_usd, ifNull(cost_usd, 0))   AS cost_usd,
    if(scorer = 'llm', cost_usd, ifNull(cost_usd, 0)) / nullIf(duration_s / 60, 0) AS cost_usd_per_audio_minute
FROM calls FINAL;

-- bi_costs_daily as in 006 over the new bi_call_costs: cost columns NULL where no call of the row
-- has a known cost, per call and per audio hour over the calls with a known cost; plus
-- priced_audio_hours.
CREATE OR REPLACE VIEW bi_costs_daily AS
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
    sum(cost_usd)                                       AS cost_usd_total,
    sum(cost_usd) / nullIf(countIf(cost_usd IS NOT NULL), 0) AS cost_usd_per_call,
    sum(cost_usd) / nullIf(sumIf(duration_s, cost_usd IS NOT NULL) / 3600, 0) AS cost_usd_per_audio_hour,
    sumIf(duration_s, cost_usd IS NOT NULL) / 3600      AS priced_audio_hours
FROM bi_call_costs
GROUP BY day, tenant, queue, scorer, model_id;
