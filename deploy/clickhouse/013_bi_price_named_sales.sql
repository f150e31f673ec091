-- bi_agent_day.price_named_calls counted every call with a money amount (`price_mentions > 0`), so a
-- support call that only refunded $49 or disputed a late fee counted as "price named". Stored data
-- cannot tell a price from a refund: price_mentions (processors/rules.py, the `calls` column and the
-- `price_mentions` criterion of every card) counts money amounts of any kind, and only the transcript
-- says what an amount was for. What does tell is the scorecard: a card that asks `price_named` (the
-- sales `default` card) judges its calls' amounts as prices; the support card asks no such thing (its
-- amounts are charges, refunds and credits).
-- So price_named_calls is now the calls whose `price_named` criterion answered yes, and NULL (no
-- such question, not zero prices) for a scorecard without that criterion.
--
-- bi_agent_day stays a plain view (006_bi.sql says why): replacing it changes no stored row, and
-- calls written before this migration are counted the new way at once (their call_criteria rows
-- carry the price_named answers), with no backfill. Same columns, in the same order, as before.

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
    sum(ifNull(c.cost_usd, 0))                           AS cost_usd_total
FROM calls AS c FINAL
LEFT JOIN
(
    SELECT tenant, call_id, toUInt8(1) AS asked, toUInt8(status = 'scored' AND ifNull(label, '') = 'yes') AS named
    FROM call_criteria FINAL
    WHERE criterion_id = 'price_named'
) AS p ON p.tenant = c.tenant AND p.call_id = c.call_id
GROUP BY day, tenant, queue, agent_id, scorecard_id, scorecard_version, scorer;
