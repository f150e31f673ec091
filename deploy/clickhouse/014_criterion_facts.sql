-- What BI needs to read a scorecard it does not know by its criterion ids (CallScore's Criterion
-- fatal, fatal_failed and rule, filled by processors/scorecard.py describe_criteria):
--   fatal         the card marks the criterion fatal (a failing value zeroes the call's total);
--   fatal_failed  the criterion failed the call (calls.fatal_failed = 1 says some criterion did);
--   rule          what computed a source=rule criterion (price_named, price_mentions, keyword:<name>,
--                 agent_keyword:<name>); '' for llm criteria.
-- Before this, dashboards found fatal failures by the id `politeness` and sales cards by the ids
-- `price_named` / `deal_stage`: a tenant card with another fatal criterion, or the price_named rule
-- under another id, was missed.
--
-- Rows written before this migration (or by a sink older than it) have no facts: the defaults are
-- computed on read from what the packaged cards said then, the same guess processors/rows.py makes
-- for a CallScore written before the fields: politeness is the one fatal criterion and fails below
-- 30 (both packaged cards), and a rule criterion's rule is its id (a card's `rule:` defaults to it).
-- A tenant card's other fatal criteria, or a rule under another id, show only from rows written
-- after this migration (score the calls again to fill older ones).
--
-- Additive and idempotent (ADD COLUMN IF NOT EXISTS, CREATE OR REPLACE VIEW over plain views:
-- 006_bi.sql says why they are plain).

ALTER TABLE call_criteria ADD COLUMN IF NOT EXISTS fatal UInt8 DEFAULT criterion_id = 'politeness' AFTER reasoning;
ALTER TABLE call_criteria ADD COLUMN IF NOT EXISTS fatal_failed UInt8 DEFAULT criterion_id = 'politeness' AND status = 'scored' AND ifNull(value, 100) < 30 AFTER fatal;
ALTER TABLE call_criteria ADD COLUMN IF NOT EXISTS rule LowCardinality(String) DEFAULT if(source = 'rule', criterion_id, '') AFTER fatal_failed;

-- bi_call_scores as in 006, plus rule_labels (the scored labels of rule criteria by their rule:
-- rule_labels['price_named'] whatever the card calls that criterion) and fatal_failures (the ids of
-- the criteria that failed the call).
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
    ifNull(k.fatal_failures, [])       AS fatal_failures
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
        groupArrayIf(criterion_id, fatal_failed = 1) AS fatal_failures
    FROM call_criteria FINAL
    GROUP BY tenant, call_id
) AS k ON k.tenant = c.tenant AND k.call_id = c.call_id;

-- bi_agent_day as in 013, with price_named_calls counted from the criterion computed by the
-- price_named rule, whatever its id (013: the criterion with the id `price_named`); NULL still
-- means the call's card asks no such thing. Same columns, in the same order.
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
    SELECT tenant, call_id, toUInt8(1) AS asked, max(toUInt8(status = 'scored' AND ifNull(label, '') = 'yes')) AS named
    FROM call_criteria FINAL
    WHERE rule = 'price_named'
    GROUP BY tenant, call_id
) AS p ON p.tenant = c.tenant AND p.call_id = c.call_id
GROUP BY day, tenant, queue, agent_id, scorecard_id, scorecard_version, scorer;
