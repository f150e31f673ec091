-- A scorecard criterion may say what it means for BI (`role:` politeness, objection_handling,
-- sale_probability or deal_stage; at most one criterion per role on a card), and CallScore's
-- Criterion.role carries it: call_criteria.role. Migration 015 guessed politeness (the card's fatal
-- score criterion) and the deal stage (a sales card's category criterion); a card whose fatal score
-- criterion is no politeness (a compliance score) was shown as politeness. The views now read the
-- role, and fall back to 015's guess for a card that declares no criterion with that role (a tenant
-- card written before roles, rows stored before this migration).
--
-- Rows written before this migration read the role the packaged cards declare, by their ids (both
-- name each role criterion as its role: politeness; on `default` also objection_handling,
-- sale_probability, deal_stage); a tenant card's rows read none: the same guess processors/rows.py
-- makes for a CallScore written before the field.
--
-- Additive and idempotent (ADD COLUMN IF NOT EXISTS, CREATE OR REPLACE VIEW over plain views:
-- 006_bi.sql says why they are plain); every view keeps its columns, in their order, and adds the new
-- ones last.

ALTER TABLE call_criteria ADD COLUMN IF NOT EXISTS role LowCardinality(String) DEFAULT if(scorecard_id IN ('default', 'support') AND criterion_id IN ('politeness', 'objection_handling', 'sale_probability', 'deal_stage'), toString(criterion_id), '') AFTER rule;

-- One row per scorecard version and criterion (as stored with its calls): `declared` is the card's
-- role of the criterion ('' for none), `role` what BI reads it as: the declared role, else 015's guess
-- where the card version declares no criterion with that role:
--   politeness  a score criterion the card marks fatal (several: each);
--   deal_stage  the first category criterion by id of a sales card (one with a criterion computed by
--               the price_named rule).
-- A card is the same for every tenant and call of a version, so the role is the card's, not the
-- call's (a criterion that declares its role in some rows of a version declares it for all of them).
CREATE OR REPLACE VIEW bi_card_roles AS
SELECT
    scorecard_id,
    scorecard_version,
    criterion_id,
    kind,
    fatal,
    rule,
    declared,
    multiIf(
        declared != '', declared,
        kind = 'score' AND fatal = 1 AND has_politeness = 0, 'politeness',
        kind = 'category' AND sales = 1 AND has_deal_stage = 0 AND criterion_id = first_category, 'deal_stage',
        ''
    ) AS role
FROM
(
    SELECT
        scorecard_id,
        scorecard_version,
        criterion_id,
        kind,
        fatal,
        rule,
        declared,
        max(declared = 'politeness') OVER card                 AS has_politeness,
        max(declared = 'deal_stage') OVER card                 AS has_deal_stage,
        max(rule = 'price_named') OVER card                    AS sales,
        min(if(kind = 'category', criterion_id, '~')) OVER card AS first_category
    FROM
    (
        SELECT
            scorecard_id,
            scorecard_version,
            toString(criterion_id) AS criterion_id,
            toString(any(kind))    AS kind,
            max(fatal)             AS fatal,
            toString(any(rule))    AS rule,
            toString(max(role))    AS declared
        FROM call_criteria
        GROUP BY scorecard_id, scorecard_version, criterion_id
    )
    WINDOW card AS (PARTITION BY scorecard_id, scorecard_version)
);

-- bi_call_scores as in 015 (fatal_score and deal_stage kept; deal_stage now by role), plus the call's
-- value of its card's role criteria, NULL when the card has none or it was not scored (never 0: an
-- average over the support card's calls is not pulled down by a sale_probability they are not asked):
--   politeness          role politeness (by 015's guess: the lowest fatal score where a card has several);
--   objection_handling, sale_probability   their roles (a card declares them or has none).
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
    k.deal_stage                       AS deal_stage,
    k.politeness                       AS politeness,
    k.objection_handling               AS objection_handling,
    k.sale_probability                 AS sale_probability
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
        argMinIf(label, criterion_id, bi_role = 'deal_stage' AND status = 'scored' AND label IS NOT NULL) AS deal_stage,
        minOrNullIf(value, bi_role = 'politeness' AND status = 'scored' AND value IS NOT NULL) AS politeness,
        minOrNullIf(value, bi_role = 'objection_handling' AND status = 'scored' AND value IS NOT NULL) AS objection_handling,
        minOrNullIf(value, bi_role = 'sale_probability' AND status = 'scored' AND value IS NOT NULL) AS sale_probability
    FROM
    (
        SELECT
            cc.tenant AS tenant, cc.call_id AS call_id, toString(cc.criterion_id) AS criterion_id,
            cc.kind AS kind, cc.status AS status, cc.value AS value, cc.label AS label, cc.rule AS rule,
            cc.fatal AS fatal, cc.fatal_failed AS fatal_failed, r.role AS bi_role
        FROM call_criteria AS cc FINAL
        LEFT JOIN bi_card_roles AS r
            ON r.scorecard_id = cc.scorecard_id AND r.scorecard_version = cc.scorecard_version
            AND r.criterion_id = toString(cc.criterion_id)
    )
    GROUP BY tenant, call_id
) AS k ON k.tenant = c.tenant AND k.call_id = c.call_id;

-- bi_agent_day_criteria and bi_criteria_hourly as in 015, plus `role`: what BI reads the criterion
-- as (bi_card_roles: the card's role, else 015's guess; '' for none). `role = 'politeness'` is the
-- politeness of any card, `role = 'objection_handling'` its objection handling, whatever their ids.
CREATE OR REPLACE VIEW bi_agent_day_criteria AS
SELECT d.*, ifNull(r.role, '') AS role
FROM
(
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
    GROUP BY day, tenant, queue, agent_id, scorecard_id, scorecard_version, scorer, criterion_id
) AS d
LEFT JOIN bi_card_roles AS r
    ON r.scorecard_id = d.scorecard_id AND r.scorecard_version = d.scorecard_version
    AND r.criterion_id = toString(d.criterion_id);

CREATE OR REPLACE VIEW bi_criteria_hourly AS
SELECT h.*, ifNull(r.role, '') AS role
FROM
(
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
    GROUP BY hour, tenant, queue, scorecard_id, scorecard_version, scorer, criterion_id
) AS h
LEFT JOIN bi_card_roles AS r
    ON r.scorecard_id = h.scorecard_id AND r.scorecard_version = h.scorecard_version
    AND r.criterion_id = toString(h.criterion_id);
