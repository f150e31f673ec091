"""Every ClickHouse query of every Grafana dashboard (panels and template variables) runs on the
real schema (chDB, all migrations) against realistic rows, and answers something."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from tests import bi_data
from tests.deploy_checks import (
    ALL,
    DASHBOARDS,
    all_values,
    datasource_type,
    expand_grafana_sql,
    load_dashboard,
    panels,
)
from tests.factories import make_call_score

pytestmark = pytest.mark.integration

# Template variable values a user would pick (agent-2 has fatal failures and alerts; the queues are
# the sales queue and the two support queues, whose calls the support scorecard judges; the sales
# scorecard here: tests that look at another card or at "All" say so).
VARIABLES = {
    "tenant": ["acme"],
    "queue": ["sales", "support", "service"],
    "agent": ["agent-2"],
    "scorecard": ["default"],
    "severity": ["critical", "warning"],
}
# The Scorecard choices checked: each card of the data set and "All".
CHOICES = ["default", "support", ALL]


def clickhouse_queries() -> list[tuple[str, str]]:
    out = []
    for path in DASHBOARDS:
        board = load_dashboard(path)
        for var in board.get("templating", {}).get("list", []):
            if (var.get("datasource") or {}).get("type") == "grafana-clickhouse-datasource":
                out.append((f"{path.stem}: variable {var['name']}", var["query"]))
        for panel in panels(board):
            for target in panel.get("targets", []):
                if datasource_type(panel, target) == "grafana-clickhouse-datasource":
                    out.append((f"{path.stem}: {panel['title']} [{target['refId']}]", target["rawSql"]))
    return out


QUERIES = clickhouse_queries()
#: Each dashboard's custom "All" values (the `scorecard` variable's), by dashboard name.
ALL_VALUES = {path.stem: all_values(load_dashboard(path)) for path in DASHBOARDS}
#: Panels named for one scorecard's criteria ("Sales: ...", "Support: ...") and the card of the data
#: set that asks them: with another card chosen they are empty.
SCOPED = {"Sales:": "default", "Support:": "support"}


@pytest.fixture(scope="module")
def db(bi_db):
    """The BI data set, plus another tenant's calls on its own card (bi_data.tenant_calls: its fatal
    and price criteria have other ids than the packaged cards')."""
    client, data = bi_db
    bi_data.write_scores(client, tenant_scores(data))
    return bi_db


def tenant_scores(data) -> dict[str, dict]:
    return bi_data.tenant_calls(data.now)


#: The other tenant's dashboard choices (its one agent, its sales queue).
TENANT_VARIABLES = {
    **VARIABLES,
    "tenant": [bi_data.OTHER_TENANT],
    "queue": ["sales"],
    "agent": [bi_data.TENANT_AGENT[0]],
}


def test_every_dashboard_has_clickhouse_queries():
    assert {p.stem for p in DASHBOARDS} >= {"qa-overview", "agent-scorecard", "alerts", "pipeline-health"}
    assert len(QUERIES) >= 30


@pytest.mark.parametrize("scorecard", CHOICES)
@pytest.mark.parametrize("name,sql", QUERIES, ids=[n for n, _ in QUERIES])
def test_dashboard_query_runs_on_the_real_schema(db, name, sql, scorecard):
    """Every query runs for every choice of the Scorecard variable, "All" included (sent as its custom
    allValue, unquoted), and answers, except a panel named for another card's criteria: empty. (On
    "support" it need not answer: agent-2 has no support calls, and no support call failed fatally.)"""
    client, data = db
    dashboard, title = name.split(": ", 1)
    expanded = expand_grafana_sql(
        sql,
        {**VARIABLES, "scorecard": [scorecard]},
        data.now - timedelta(days=14),
        data.now + timedelta(minutes=5),
        ALL_VALUES[dashboard],
    )
    assert "$" not in expanded, f"unexpanded macro or variable in {name}: {expanded}"
    result = client.query(expanded)
    other_card = any(title.startswith(p) and card != scorecard != ALL for p, card in SCOPED.items())
    if other_card:
        assert not result.result_rows, f"{name} shows calls of another card than {scorecard}"
    elif scorecard != "support":
        assert result.result_rows, f"{name} returned no rows on realistic data ({scorecard})"


def test_time_series_panels_return_a_time_column_first(db):
    client, data = db
    for path in DASHBOARDS:
        for panel in panels(load_dashboard(path)):
            for target in panel.get("targets", []):
                if datasource_type(panel, target) != "grafana-clickhouse-datasource":
                    continue
                if target.get("queryType") != "timeseries":
                    continue
                sql = expand_grafana_sql(
                    target["rawSql"],
                    {**VARIABLES, "scorecard": [ALL]},  # every panel answers
                    data.now - timedelta(days=14),
                    data.now + timedelta(minutes=5),
                    ALL_VALUES[path.stem],
                )
                result = client.query(sql)
                assert result.column_names[0] == "time", f"{path.stem}: {panel['title']}"
                assert "DateTime" in result.column_types[0].name, f"{path.stem}: {panel['title']}"


def panel_rows(db, dashboard: str, title: str, variables: dict[str, list[str]] = VARIABLES) -> list[dict]:
    return panel_rows_of(db, dashboard, title, None, variables)


def panel_rows_of(
    db, dashboard: str, title: str, ref_id: str | None, variables: dict[str, list[str]] = VARIABLES
) -> list[dict]:
    """The rows of a panel's query (its only one, or the one of ``ref_id``)."""
    client, data = db
    [path] = [p for p in DASHBOARDS if p.stem == dashboard]
    [panel] = [p for p in panels(load_dashboard(path)) if p["title"] == title]
    [target] = [t for t in panel["targets"] if ref_id is None or t["refId"] == ref_id]
    sql = expand_grafana_sql(
        target["rawSql"],
        variables,
        data.now - timedelta(days=14),
        data.now + timedelta(minutes=5),
        ALL_VALUES[dashboard],
    )
    result = client.query(sql)
    return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]


def test_support_panels_show_the_support_scorecards_answers(db):
    _, data = db
    support = [s for s in data.calls.values() if s["scorecard_id"] == "support"]

    def call(score: dict) -> dict:
        return score["compressed"]["filtered"]["transcript"]["call"]

    def label(score: dict, criterion: str) -> str:
        return next(c["label"] for c in score["criteria"] if c["id"] == criterion)

    every_card = {**VARIABLES, "scorecard": [ALL]}
    got = panel_rows(db, "qa-overview", "Support: issue resolution share by queue", every_card)
    assert {r["queue"] for r in got} == {"support", "service"}  # not the sales queue
    for r in got:
        mine = [
            s
            for s in support
            if call(s)["queue"] == r["queue"]
            and call(s)["started_at"].date() == r["time"].date()
            and (s["scorecard_version"], s["scorer"]) == (r["scorecard_version"], r["scorer"])
        ]
        resolved = sum(label(s, "issue_resolved") == "resolved" for s in mine) / len(mine)
        escalated = sum(label(s, "issue_resolved") == "escalated" for s in mine) / len(mine)
        assert r["resolved_share"] == pytest.approx(round(resolved, 2)), r
        assert r["escalated_share"] == pytest.approx(round(escalated, 2)), r
    got = {
        (r["agent_id"], r["scorecard_version"], r["scorer"]): r["identity_verified_share"]
        for r in panel_rows(db, "qa-overview", "Support: identity check rate by agent", every_card)
    }
    expected = {}
    for key in {(call(s)["agent"]["id"], s["scorecard_version"], s["scorer"]) for s in support}:
        mine = [
            label(s, "identity_verified")
            for s in support
            if (call(s)["agent"]["id"], s["scorecard_version"], s["scorer"]) == key
        ]
        expected[key] = round(mine.count("yes") / len(mine), 2)
    assert got == pytest.approx(expected)
    assert {scorer for _, _, scorer in got} == {"llm", "baseline"}  # the scorers' answers kept apart
    assert next(iter(got))[0] == "agent-3"  # lowest first: the sales agent's one support call was unchecked
    sales_only = {**every_card, "queue": ["sales"]}
    assert not panel_rows(db, "qa-overview", "Support: identity check rate by agent", sales_only)
    on_support = {**VARIABLES, "scorecard": ["support"]}
    assert panel_rows(db, "qa-overview", "Support: identity check rate by agent", on_support) == panel_rows(
        db, "qa-overview", "Support: identity check rate by agent", every_card
    )
    assert not panel_rows(db, "qa-overview", "Support: identity check rate by agent", VARIABLES)  # default


def _agent(score: dict) -> str:
    return score["compressed"]["filtered"]["transcript"]["call"]["agent"]["id"]


def _avg_total(scores: list[dict]) -> float | None:
    totals = [s["total"] for s in scores if s["total"] is not None]
    return sum(totals) / len(totals) if totals else None


def _value(score: dict, criterion: str) -> float:
    return next(c["value"] for c in score["criteria"] if c["id"] == criterion)


@pytest.mark.parametrize("scorecard", CHOICES)
def test_worst_agents_panel_keeps_an_agents_scorecards_versions_and_scorers_apart(db, scorecard):
    """agent-3 covered a support call: its total on the support card is not blended into its sales one,
    nor the LLM's totals into the baseline scorer's. As docs/bi.md "Worst agents this week", a row is
    listed with at least 3 scored calls: agent-3's one support call, and the baseline scorer's one day
    (2 calls an agent), are too few."""
    _, data = db
    got = panel_rows(db, "qa-overview", "Worst agents", {**VARIABLES, "scorecard": [scorecard]})
    groups: dict[tuple[str, str, str, str], list[dict]] = {}
    for s in data.calls.values():
        if scorecard in (ALL, s["scorecard_id"]):
            key = (_agent(s), s["scorecard_id"], s["scorecard_version"], s["scorer"])
            groups.setdefault(key, []).append(s)
    listed = {k for k, ss in groups.items() if sum(s["total"] is not None for s in ss) >= 3}
    assert listed != set(groups)  # the threshold leaves rows out
    assert {(r["agent_id"], r["scorecard_id"], r["scorecard_version"], r["scorer"]) for r in got} == listed
    sales = {"default"} if scorecard in ("default", ALL) else set()
    assert {r["scorecard_id"] for r in got if r["agent_id"] == "agent-3"} == sales  # not its support call
    assert {r["scorer"] for r in got} <= {"llm"}
    for r in got:
        mine = groups[(r["agent_id"], r["scorecard_id"], r["scorecard_version"], r["scorer"])]
        assert r["total_calls"] == len(mine), r
        assert r["avg_total"] == pytest.approx(_avg_total(mine), abs=0.051), r
    assert [(r["avg_total"], r["agent_id"]) for r in got] == sorted(
        (r["avg_total"], r["agent_id"]) for r in got
    )


def test_critical_alerts_panel_counts_the_chosen_queues_alerts(db):
    """The critical alerts (agent-2's fatal failures, sales calls) count under the sales queue, and not
    with only the support queues chosen."""
    _, data = db
    critical = [a for a in data.alerts if a["severity"] == "critical"]
    assert critical and {a["queue"] for a in critical} == {"sales"}
    assert panel_rows(db, "qa-overview", "Critical alerts") == [{"alerts": len(critical)}]
    sales = panel_rows(db, "qa-overview", "Critical alerts", {**VARIABLES, "queue": ["sales"]})
    assert sales == [{"alerts": len(critical)}]
    support = panel_rows(db, "qa-overview", "Critical alerts", {**VARIABLES, "queue": ["support", "service"]})
    assert support == [{"alerts": 0}]


def _by_card_version_and_scorer(scores: list[dict]) -> dict[tuple[str, str, str], list[dict]]:
    out: dict[tuple[str, str, str], list[dict]] = {}
    for s in scores:
        out.setdefault((s["scorecard_id"], s["scorecard_version"], s["scorer"]), []).append(s)
    return out


def _label(card: str, version: str, scorer: str) -> str:
    """A stat panel's name for one scorecard, version and scorer (its card_version_scorer column)."""
    return f"{card} v{version} / {scorer}"


@pytest.mark.parametrize("scorecard", CHOICES)
def test_agent_scorecard_shows_one_scorecard_per_version_and_scorer(db, scorecard):
    """agent-3 works on both cards: its average total, the team's and its criteria are those of the
    chosen card only, per scorecard version and scorer (politeness of the two cards is not blended);
    with "All", each card's values are shown apart, the same as when that card is chosen."""
    _, data = db
    variables = {**VARIABLES, "agent": ["agent-3"], "scorecard": [scorecard]}
    cards = {"default", "support"} if scorecard == ALL else {scorecard}
    card = [s for s in data.calls.values() if s["scorecard_id"] in cards]
    mine = [s for s in card if _agent(s) == "agent-3"]
    assert {s["scorecard_id"] for s in mine} == cards
    got = {
        r["card_version_scorer"]: r["avg_total"]
        for r in panel_rows(db, "agent-scorecard", "Average total", variables)
    }
    expected = {_label(*key): _avg_total(ss) for key, ss in _by_card_version_and_scorer(mine).items()}
    assert got == pytest.approx(expected, abs=0.051)
    got = {
        r["card_version_scorer"]: r["team_avg_total"]
        for r in panel_rows(db, "agent-scorecard", "Team average total", variables)
    }
    expected = {_label(*key): _avg_total(ss) for key, ss in _by_card_version_and_scorer(card).items()}
    assert got == pytest.approx(expected, abs=0.051)
    rows = panel_rows(db, "agent-scorecard", "Agent vs team, per criterion", variables)
    politeness = {
        (r["scorecard_id"], r["scorecard_version"], r["scorer"]): r
        for r in rows
        if r["criterion_id"] == "politeness"
    }
    assert set(politeness) == set(_by_card_version_and_scorer(mine))
    for key, ss in _by_card_version_and_scorer(mine).items():
        agent = sum(_value(s, "politeness") for s in ss) / len(ss)
        team_scores = _by_card_version_and_scorer(card)[key]
        team = sum(_value(s, "politeness") for s in team_scores) / len(team_scores)
        assert politeness[key]["agent_avg"] == pytest.approx(agent, abs=0.0051), key
        assert politeness[key]["team_avg"] == pytest.approx(team, abs=0.0051), key
    criteria = {(r["scorecard_id"], r["criterion_id"]) for r in rows}
    assert {c for c, criterion in criteria if criterion == "issue_resolved"} == cards & {"support"}
    assert {c for c, criterion in criteria if criterion == "deal_stage"} == cards & {"default"}
    series = panel_rows(db, "agent-scorecard", "Criteria per day", variables)
    assert {r["scorecard_id"] for r in series} == cards
    for r in series:
        ss = [
            s
            for s in mine
            if (s["scorecard_id"], s["scorecard_version"], s["scorer"])
            == (r["scorecard_id"], r["scorecard_version"], r["scorer"])
            and s["compressed"]["filtered"]["transcript"]["call"]["started_at"].date() == r["time"].date()
        ]
        assert r["value"] == pytest.approx(sum(_value(s, r["criterion_id"]) for s in ss) / len(ss), abs=0.051)
    assert {(r["scorecard_id"], r["criterion_id"]) for r in series} <= criteria
    calls = panel_rows(db, "agent-scorecard", "Calls", variables)
    assert calls == [{"calls": len(mine)}]


def test_qa_overview_politeness_per_day_keeps_scorecards_and_scorers_apart(db):
    _, data = db
    for scorecard in CHOICES:
        variables = {**VARIABLES, "scorecard": [scorecard]}
        rows = panel_rows_of(db, "qa-overview", "Average total and politeness per day", "B", variables)
        assert {r["scorer"] for r in rows} == {"llm", "baseline"}
        cards = {"default", "support"} if scorecard == ALL else {scorecard}
        assert {r["scorecard_id"] for r in rows} == cards
        for r in rows:
            ss = [
                s
                for s in data.calls.values()
                if (s["scorecard_id"], s["scorecard_version"], s["scorer"])
                == (r["scorecard_id"], r["scorecard_version"], r["scorer"])
                and s["compressed"]["filtered"]["transcript"]["call"]["started_at"].date() == r["time"].date()
            ]
            assert r["criterion_id"] == "politeness", r  # the packaged cards' one fatal score criterion
            expected = sum(_value(s, "politeness") for s in ss) / len(ss)
            assert r["politeness"] == pytest.approx(expected, abs=0.051), (scorecard, r)


def test_recent_calls_show_each_calls_own_scorecard_answers(db):
    rows = panel_rows(
        db, "agent-scorecard", "Recent calls", {**VARIABLES, "agent": ["agent-3"], "scorecard": [ALL]}
    )
    assert {r["scorecard_id"] for r in rows} == {"default", "support"}
    for card in ("default", "support"):
        chosen = {**VARIABLES, "agent": ["agent-3"], "scorecard": [card]}
        assert panel_rows(db, "agent-scorecard", "Recent calls", chosen) == [
            r for r in rows if r["scorecard_id"] == card
        ]
    for r in rows:
        assert ("issue_resolved: " in r["answers"]) == (r["scorecard_id"] == "support"), r
        assert ("deal_stage: " in r["answers"]) == (r["scorecard_id"] == "default"), r
        # answers in criterion order by name, so two runs of the panel (or two calls) read alike
        names = [part.split(": ")[0] for part in r["answers"].split(", ")]
        assert names == sorted(names), r


def clickhouse_panel_queries() -> list[tuple[str, str, str]]:
    """(dashboard, panel title [refId], SQL) of every ClickHouse panel query."""
    out = []
    for path in DASHBOARDS:
        for panel in panels(load_dashboard(path)):
            for target in panel.get("targets", []):
                if datasource_type(panel, target) == "grafana-clickhouse-datasource":
                    out.append((path.stem, f"{panel['title']} [{target['refId']}]", target["rawSql"]))
    return out


# A panel averages scores when it reads totals or criterion values (the views' sums and averages), or
# shares of a criterion's answers (a yes_no criterion's yes share, a category's label counts).
AVERAGES_SCORES = re.compile(
    r"\b(sum_total|sum_value|avg_total|avg_value|min_value|max_value|yes_count|yes_share)\b"
    r"|avg\(\s*(total|value)\b|sum\(labels\[|ARRAY JOIN mapKeys\(labels\)"
)


@pytest.mark.parametrize("scorecard", CHOICES)
@pytest.mark.parametrize(
    "dashboard,title,sql",
    clickhouse_panel_queries(),
    ids=[f"{d}: {t}" for d, t, _ in clickhouse_panel_queries()],
)
def test_panels_never_average_scores_across_scorecards_versions_or_scorers(dashboard, title, sql, scorecard):
    """docs/bi.md: totals and criteria of different scorecards, scorecard versions or scorers are never
    averaged together. A panel that averages them, as Grafana sends it for a choice of the dashboard's
    `scorecard` variable ("All" included), shows one scorecard (the one chosen, or a card it names) or
    groups by scorecard_id, and groups by scorecard_version and scorer."""
    if not AVERAGES_SCORES.search(sql):
        return
    variables = {**VARIABLES, "scorecard": [scorecard]}
    now = datetime.now(UTC)
    sent = expand_grafana_sql(sql, variables, now - timedelta(days=1), now, ALL_VALUES[dashboard])
    assert "GROUP BY" in sent, f"{dashboard}: {title} averages scores over every scorecard version and scorer"
    group_by = re.split(r"\b(ORDER BY|HAVING|LIMIT)\b", sent[sent.rindex("GROUP BY") :])[0]
    # a card named, or the one chosen: `scorecard_id = 'x'`, `'x' IN ('<all value>', scorecard_id)`
    card = r"'([A-Za-z0-9._-]+)'"
    one_card = re.search(rf"scorecard_id = {card}|{card} IN \('[^']*', (\w+\.)?scorecard_id\)", sent)
    assert one_card or "scorecard_id" in group_by, f"{dashboard}: {title} averages several scorecards"
    assert "scorecard_version" in group_by and "scorer" in group_by, f"{dashboard}: {title}"
    if "${scorecard}" in sql or "$scorecard" in sql:
        [path] = [p for p in DASHBOARDS if p.stem == dashboard]
        names = {v["name"] for v in load_dashboard(path)["templating"]["list"]}
        assert "scorecard" in names, f"{dashboard} has no scorecard variable"


def test_the_no_blending_check_sees_a_panel_blend_cards_under_all():
    """The check above fails a panel that filters by the chosen card only (`scorecard_id = '${scorecard}'`,
    with "All": a filter on the all value) or that, with "All", does not group by scorecard_id."""
    only_chosen = (
        "SELECT round(sum(sum_total) / nullIf(sum(scored_calls), 0), 1) AS t FROM bi_agent_day "
        "WHERE '${scorecard}' IN ('*', scorecard_id) GROUP BY scorecard_version, scorer"
    )
    test_panels_never_average_scores_across_scorecards_versions_or_scorers(
        "qa-overview", "x", only_chosen, "default"
    )
    with pytest.raises(AssertionError, match="averages several scorecards"):
        test_panels_never_average_scores_across_scorecards_versions_or_scorers(
            "qa-overview", "x", only_chosen, ALL
        )
    split = only_chosen.replace("GROUP BY scorecard_version", "GROUP BY scorecard_id, scorecard_version")
    test_panels_never_average_scores_across_scorecards_versions_or_scorers("qa-overview", "x", split, ALL)
    equals = only_chosen.replace("'${scorecard}' IN ('*', scorecard_id)", "scorecard_id = '${scorecard}'")
    test_panels_never_average_scores_across_scorecards_versions_or_scorers(
        "qa-overview", "x", equals, "support"
    )
    with pytest.raises(AssertionError, match="averages several scorecards"):
        test_panels_never_average_scores_across_scorecards_versions_or_scorers(
            "qa-overview", "x", equals, ALL
        )


def test_sales_panels_show_only_cards_that_ask_their_criteria(db):
    """The panels named "Sales: ..." list and count only calls of a card that asks deal_stage (and
    price_named): with "All" the support card's calls, money amounts named or not, are left out, and
    each card, version and scorer's stage shares add up to one apart."""
    _, data = db
    every_card = {**VARIABLES, "scorecard": [ALL]}
    listed = panel_rows(db, "qa-overview", "Sales: price named, no close", every_card)
    assert listed and {r["scorecard_id"] for r in listed} == {"default"}
    expected = {
        s["call_id"]
        for s in data.calls.values()
        if s["scorecard_id"] == "default"
        and s["rules"]["price_mentions"] > 0
        and next(c["label"] for c in s["criteria"] if c["id"] == "deal_stage") != "closing"
    }
    assert {r["call_id"] for r in listed} == expected
    assert any(s["scorecard_id"] == "support" and s["rules"]["price_mentions"] for s in data.calls.values())
    stages = panel_rows(db, "qa-overview", "Sales: deal stage reached", every_card)
    assert {r["scorecard_id"] for r in stages} == {"default"}
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for r in stages:
        groups.setdefault((r["scorecard_id"], r["scorecard_version"], r["scorer"]), []).append(r)
    assert {scorer for _, _, scorer in groups} == {"llm", "baseline"}
    for key, rs in groups.items():
        assert sum(r["share"] for r in rs) == pytest.approx(1.0), key
        for r in rs:
            n = sum(
                next(c["label"] for c in s["criteria"] if c["id"] == "deal_stage") == r["stage"]
                for s in data.calls.values()
                if (s["scorecard_id"], s["scorecard_version"], s["scorer"]) == key
            )
            assert r["calls"] == n, r
    on_support = {**VARIABLES, "scorecard": ["support"]}
    assert not panel_rows(db, "qa-overview", "Sales: deal stage reached", on_support)
    assert not panel_rows(db, "qa-overview", "Sales: price named, no close", on_support)


def _failed(scores: dict[str, dict]) -> set[tuple[str, str]]:
    """(call, criterion) of each criterion that failed its call, as the scorecard code judged it."""
    return {(call_id, c["id"]) for call_id, s in scores.items() for c in s["criteria"] if c["fatal_failed"]}


@pytest.mark.parametrize("scorecard", [ALL, bi_data.TENANT_CARD["id"]])
def test_fatal_failures_panel_shows_whichever_criteria_a_card_marks_fatal(db, scorecard):
    """The tenant's card has no politeness: its calls that failed on courtesy (an LLM score) or on the
    disclaimer (a rule) are listed with the criterion that failed them, and only it; the packaged
    cards' calls still show their politeness failures."""
    _, data = db
    scores = tenant_scores(data)
    got = panel_rows(
        db, "agent-scorecard", "Fatal failures with reasoning", {**TENANT_VARIABLES, "scorecard": [scorecard]}
    )
    expected = _failed(scores)
    assert {(r["call_id"], r["criterion_id"]) for r in got} == expected
    assert {criterion for _, criterion in expected} == {"courtesy", "disclaimer_read"}  # not politeness
    assert len({call for call, _ in expected}) == len(expected)  # each call failed on one criterion
    assert {call for call, s in scores.items() if s["fatal_failed"]} == {call for call, _ in expected}
    for r in got:
        criterion = next(c for c in scores[r["call_id"]]["criteria"] if c["id"] == r["criterion_id"])
        assert (r["value"], r["label"], r["reasoning"]) == (
            criterion["value"],
            criterion["label"],
            criterion["reasoning"],
        )
    on_default = {**TENANT_VARIABLES, "scorecard": ["default"]}
    assert not panel_rows(db, "agent-scorecard", "Fatal failures with reasoning", on_default)
    packaged = panel_rows(
        db, "agent-scorecard", "Fatal failures with reasoning", {**VARIABLES, "scorecard": [ALL]}
    )
    mine = {call_id: s for call_id, s in data.calls.items() if _agent(s) == "agent-2"}
    assert {(r["call_id"], r["criterion_id"]) for r in packaged} == _failed(mine) != set()
    assert {r["criterion_id"] for r in packaged} == {"politeness"}


def test_sales_panel_finds_the_price_rule_under_a_tenant_cards_own_id(db):
    """The tenant's card asks "price named" as `quote_given` (rule price_named): its priced calls that
    did not close are listed; bi_agent_day counts them as price named, and the support card's still
    not at all."""
    client, data = db
    scores = tenant_scores(data)

    def answer(s: dict, criterion: str) -> str:
        return next(c["label"] for c in s["criteria"] if c["id"] == criterion)

    expected = {
        call_id: answer(s, "pipeline_stage")
        for call_id, s in scores.items()
        if answer(s, "quote_given") == "yes" and answer(s, "pipeline_stage") != "closing"
    }
    assert expected and not any(c["id"] == "price_named" for s in scores.values() for c in s["criteria"])
    for scorecard in (ALL, bi_data.TENANT_CARD["id"]):
        listed = panel_rows(
            db, "qa-overview", "Sales: price named, no close", {**TENANT_VARIABLES, "scorecard": [scorecard]}
        )
        assert {r["call_id"]: r["deal_stage"] for r in listed} == expected, scorecard
        assert {r["scorecard_id"] for r in listed} == {bi_data.TENANT_CARD["id"]}
        assert {r["call_id"]: r["sale_probability"] for r in listed} == {
            call_id: _value(scores[call_id], "win_chance") for call_id in expected
        }  # the card's `role: sale_probability` criterion, under its own id
    result = client.query(
        f"SELECT sum(price_named_calls), sum(calls) FROM bi_agent_day WHERE tenant = '{bi_data.OTHER_TENANT}'"
    )
    assert result.result_rows == [
        (sum(answer(s, "quote_given") == "yes" for s in scores.values()), len(scores))
    ]
    result = client.query(
        "SELECT countIf(price_named_calls IS NOT NULL) FROM bi_agent_day WHERE scorecard_id = 'support'"
    )
    assert result.result_rows == [(0,)]


def _tenant_variables(scorecard: str) -> dict[str, list[str]]:
    return {**TENANT_VARIABLES, "scorecard": [scorecard]}


@pytest.mark.parametrize("scorecard", [ALL, bi_data.TENANT_CARD["id"]])
def test_deal_stage_panel_finds_a_tenant_cards_stage_under_its_own_id(db, scorecard):
    """The tenant's card asks the deal stage as `pipeline_stage` (a category criterion of a card with
    a price_named rule criterion): "Sales: deal stage reached" counts its calls per stage, shares of
    its own card; with the packaged `default` card chosen it is empty."""
    _, data = db
    scores = tenant_scores(data)
    stages = [next(c["label"] for c in s["criteria"] if c["id"] == "pipeline_stage") for s in scores.values()]
    assert not any(c["id"] == "deal_stage" for s in scores.values() for c in s["criteria"])
    got = panel_rows(db, "qa-overview", "Sales: deal stage reached", _tenant_variables(scorecard))
    assert {r["scorecard_id"] for r in got} == {bi_data.TENANT_CARD["id"]}
    assert {r["stage"]: r["calls"] for r in got} == {stage: stages.count(stage) for stage in stages}
    assert sum(r["share"] for r in got) == pytest.approx(1.0)
    assert not panel_rows(db, "qa-overview", "Sales: deal stage reached", _tenant_variables("default"))


@pytest.mark.parametrize("scorecard", [ALL, bi_data.TENANT_CARD["id"]])
def test_politeness_panels_read_a_tenant_cards_politeness_role(db, scorecard):
    """The tenant's card has no `politeness`: the criterion it declares `role: politeness` (`courtesy`)
    is the politeness of "Average total and politeness per day" and of "Recent calls", not its other
    fatal score criterion (`compliance`, below courtesy on some calls), nor its other score criterion
    (`rapport`, not fatal), nor its fatal rule criterion (`disclaimer_read`, yes/no)."""
    _, data = db
    scores = tenant_scores(data)
    rows = panel_rows_of(
        db, "qa-overview", "Average total and politeness per day", "B", _tenant_variables(scorecard)
    )
    courtesy = [_value(s, "courtesy") for s in scores.values()]  # all on one day, one version, one scorer
    assert [(r["scorecard_id"], r["criterion_id"], r["politeness"]) for r in rows] == [
        (bi_data.TENANT_CARD["id"], "courtesy", pytest.approx(sum(courtesy) / len(courtesy), abs=0.051))
    ]
    assert sum(courtesy) / len(courtesy) != pytest.approx(
        sum(_value(s, "rapport") for s in scores.values()) / len(scores), abs=0.051
    )
    recent = panel_rows(db, "agent-scorecard", "Recent calls", _tenant_variables(scorecard))
    assert {r["call_id"]: r["politeness"] for r in recent} == {
        call_id: _value(s, "courtesy") for call_id, s in scores.items()
    }
    fatal_scores = [c for c in bi_data.TENANT_CARD["criteria"] if c["type"] == "score" and c.get("fatal")]
    assert {c["id"] for c in fatal_scores} == {"courtesy", "compliance"}  # 015's guess: both
    assert any(_value(s, "compliance") < _value(s, "courtesy") for s in scores.values())
    assert all("pipeline_stage: " in r["answers"] for r in recent)


def test_recent_calls_show_the_packaged_cards_politeness(db):
    """The packaged cards' calls show their `politeness` value, each on its own card."""
    _, data = db
    recent = panel_rows(
        db, "agent-scorecard", "Recent calls", {**VARIABLES, "agent": ["agent-3"], "scorecard": [ALL]}
    )
    assert {r["scorecard_id"] for r in recent} == {"default", "support"}
    assert {r["call_id"]: r["politeness"] for r in recent} == {
        r["call_id"]: _value(data.calls[r["call_id"]], "politeness") for r in recent
    }


def _warnings(score: dict) -> list[str]:
    """calls.warnings of a call as the sink writes it: the transcript's, then the scorer's."""
    return [*score["compressed"]["filtered"]["transcript"]["warnings"], *score.get("warnings", [])]


@pytest.mark.parametrize("scorecard", CHOICES)
def test_calls_with_warnings_lists_each_calls_warnings_in_order(db, scorecard):
    """The table lists the calls of the chosen card (All: every card) with warnings, each once, its
    warnings joined in calls.warnings' order (the transcribe stage's before the scorer's) and the kind
    of each; calls without warnings are not listed."""
    _, data = db
    got = panel_rows(db, "qa-overview", "Calls with warnings", {**VARIABLES, "scorecard": [scorecard]})
    expected = {
        call_id: s
        for call_id, s in data.calls.items()
        if _warnings(s) and scorecard in (ALL, s["scorecard_id"])
    }
    assert {r["call_id"] for r in got} == set(expected) != set()
    for r in got:
        score = expected[r["call_id"]]
        call = score["compressed"]["filtered"]["transcript"]["call"]
        assert r["warnings"] == " | ".join(_warnings(score)), r
        assert (r["tenant"], r["queue"], r["agent"], r["source"]) == (
            "acme",
            call["queue"],
            call["agent"]["name"],
            call["source"],
        )
        assert r["time"].replace(tzinfo=UTC) == call["started_at"]
    kinds = {r["call_id"]: r["kinds"] for r in got}
    if scorecard != "support":
        assert kinds[bi_data.CHANNEL_MAP_CALL] == "channel_map_incomplete, transcript_cut"
    if scorecard != "default":
        assert kinds[bi_data.DURATION_CALL] == "duration_mismatch"
        assert kinds[bi_data.SWAPPED_CALL] == "channels_swapped"
    assert [r["time"] for r in got] == sorted((r["time"] for r in got), reverse=True)


def test_calls_with_warnings_per_day_counts_calls_by_kind(db):
    """Each call counts once per day under each kind of its warnings."""
    _, data = db
    got = panel_rows(
        db, "qa-overview", "Calls with warnings per day by kind", {**VARIABLES, "scorecard": [ALL]}
    )
    expected = [
        (bi_data.CHANNEL_MAP_CALL, "channel_map_incomplete"),
        (bi_data.CHANNEL_MAP_CALL, "transcript_cut"),
        (bi_data.DURATION_CALL, "duration_mismatch"),
        (bi_data.SWAPPED_CALL, "channels_swapped"),
    ]
    counts: dict[tuple, int] = {}
    for call_id, kind in expected:
        day = data.calls[call_id]["compressed"]["filtered"]["transcript"]["call"]["started_at"].date()
        counts[(day, kind)] = counts.get((day, kind), 0) + 1
    assert {(r["time"].date(), r["kind"]): r["calls"] for r in got} == counts
    sales = panel_rows(
        db, "qa-overview", "Calls with warnings per day by kind", {**VARIABLES, "queue": ["sales"]}
    )
    assert {r["kind"] for r in sales} == {"channel_map_incomplete", "transcript_cut"}


def _panel_rows_on(
    client, now: datetime, dashboard: str, title: str, variables: dict[str, list[str]]
) -> list[dict]:
    """A panel's rows on a database of its own (calls written by the test)."""
    return panel_rows((client, SimpleNamespace(now=now)), dashboard, title, variables)


def test_fatal_rate_panel_divides_by_the_scored_calls(isolated_chdb):
    """Calls with no total (no kept speech: not judged) are no passes: of two judged calls one failed
    fatally, whatever the number of calls not judged next to them."""
    now = datetime.now(UTC)
    scores = {}
    for i, (total, fatal) in enumerate([(0.0, True), (80.0, False), (None, False), (None, False)]):
        score = make_call_score(f"fatal-rate-{i}", started_at=now - timedelta(hours=2, minutes=-i))
        score.update(total=total, fatal_failed=fatal, scored_at=now - timedelta(hours=1))
        scores[score["call_id"]] = score
    bi_data.write_scores(isolated_chdb, scores)
    got = _panel_rows_on(isolated_chdb, now, "qa-overview", "Fatal rate", {**VARIABLES, "scorecard": [ALL]})
    assert got == [{"scorecard_id": "sales-default", "fatal_rate": 0.5}]


def test_agent_talk_ratio_panel_weighs_the_calls_with_a_talk_ratio(isolated_chdb):
    """A day of one stereo and two mono calls (no talk ratio) weighs one call, not three, next to a
    day of two stereo calls: as docs/bi.md "Agents who talk too much"."""
    now = datetime.now(UTC)
    scores = bi_data.talk_ratio_calls(now)
    bi_data.write_scores(isolated_chdb, scores)
    measured = [r for r in (s["rules"]["agent_talk_ratio"] for s in scores.values()) if r is not None]
    variables = {**VARIABLES, "agent": ["agent-1"], "scorecard": [ALL]}
    got = _panel_rows_on(isolated_chdb, now, "agent-scorecard", "Agent talk ratio", variables)
    assert got == [{"talk_ratio": pytest.approx(round(sum(measured) / len(measured), 2))}]
    assert got[0]["talk_ratio"] == pytest.approx(0.53)
