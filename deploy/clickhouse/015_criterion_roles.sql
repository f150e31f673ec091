-- Dashboards found a call's politeness and deal stage by the packaged cards' ids (`politeness`,
-- `deal_stage`), so a tenant card that calls them otherwise showed nothing. Neither is computed by a
-- rule (both are LLM criteria on both packaged cards: rule = ''), so they are found by what the card
-- says of them (call_criteria columns of 001 and 014), never by their ids:
--   politeness   a `score` criterion the card marks fatal (kind = 'score' AND fatal = 1): on both
--                packaged cards that is politeness, and only it; on a tenant card its own (courtesy).
--   deal stage   the `category` criterion of a sales card, one with a criterion computed by the
--                price_named rule (the `default` card: deal_stage; the `support` card asks no price,
--                so its issue_resolved is no deal stage).
-- Rows written before migration 014 read fatal and rule as the packaged cards say (014's defaults),
-- so the packaged cards' calls are found as before with no backfill.
--
-- Additive and idempotent (CREATE OR REPLACE VIEW over plain views: 006_bi.sql says why they are
-- plain); every view keeps its columns, in their order, and adds the new ones last.

-- bi_call_scores as in 014, plus
--   fatal_score  the call's value of its card's fatal score criterion (politeness); the lowest where
--                a card marks several; NULL when the card has none or it was not scored;
--   deal_stage   the call's answer to its sales card's category criterion (the first by id where a
--                card has several); NULL on a card that asks no price (support) or when not scored.
CREATE OR REPLACE VIEW bi_call_scores AS
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
    ifNull(k.pending, [])              AS pending,
    ifNull(k.rule_labels, map())       AS rule_labels,
    ifNull(k.fatal_failures, [])       AS fatal_failures,
    k.fatal_score                      AS fatal_score,
    k.deal_stage                       AS deal_stage
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
        groupArrayIf(criterion_id, status != 'scored') AS pending,
        mapFromArrays(
            groupArrayIf(toString(rule), status = 'scored' AND label IS NOT NULL AND rule != ''),
            groupArrayIf(assumeNotNull(label), status = 'scored' AND label IS NOT NULL AND rule != '')
        ) AS rule_labels,
        groupArrayIf(criterion_id, fatal_failed = 1) AS fatal_failures,
        minOrNullIf(value, kind = 'score' AND fatal = 1 AND status = 'scored' AND value IS NOT NULL) AS fatal_score,
        if(
            countIf(rule = 'price_named') > 0,
            argMinIf(label, toString(criterion_id), kind = 'category' AND status = 'scored' AND label IS NOT NULL),
            NULL
        ) AS deal_stage
    FROM call_criteria FINAL
    GROUP BY tenant, call_id
) AS k ON k.tenant = c.tenant AND k.call_id = c.call_id;

-- bi_agent_day_criteria and bi_criteria_hourly as in 006, plus each criterion's `fatal` (1: the card
-- marks it fatal) and `rule` ('' for LLM criteria), so a query picks a card's criteria by what they
-- are: `kind = 'score' AND fatal = 1` is politeness on the packaged cards, `rule = 'price_named'` the
-- price question. Both are the card's, the same on every call of a scorecard version (max / any).
CREATE OR REPLACE VIEW bi_agent_day_criteria AS
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
    sumMapIf(map(ifNull(label, ''), toUInt64(1)), status = 'scored' AND label IS NOT NULL) AS labels,
    max(fatal)                                                   AS fatal,
    any(rule)                                                    AS rule
FROM call_criteria FINAL
GROUP BY day, tenant, queue, agent_id, scorecard_id, scorecard_version, scorer, criterion_id;

CREATE OR REPLACE VIEW bi_criteria_hourly AS
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
    sumMapIf(map(ifNull(label, ''), toUInt64(1)), status = 'scored' AND label IS NOT NULL) AS labels,
    max(fatal)                                                   AS fatal,
    any(rule)                                                    AS rule
FROM call_criteria FINAL
GROUP BY hour, tenant, queue, scorecard_id, scorecard_version, scorer, criterion_id;
