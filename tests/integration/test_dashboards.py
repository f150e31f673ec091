"""Every ClickHouse query of every Grafana dashboard (panels and template variables) runs on the
real schema (chDB, all migrations) against realistic rows, and answers something."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.deploy_checks import DASHBOARDS, datasource_type, expand_grafana_sql, load_dashboard, panels

pytestmark = pytest.mark.integration

# Template variable values a user would pick (agent-2 has fatal failures and alerts; the queues are
# the sales queue and the two support queues, whose calls the support scorecard judges).
VARIABLES = {
    "tenant": ["acme"],
    "queue": ["sales", "support", "service"],
    "agent": ["agent-2"],
    "severity": ["critical", "warning"],
}


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


@pytest.fixture(scope="module")
def db(bi_db):
    return bi_db


def test_every_dashboard_has_clickhouse_queries():
    assert {p.stem for p in DASHBOARDS} >= {"qa-overview", "agent-scorecard", "alerts", "pipeline-health"}
    assert len(QUERIES) >= 30


@pytest.mark.parametrize("name,sql", QUERIES, ids=[n for n, _ in QUERIES])
def test_dashboard_query_runs_on_the_real_schema(db, name, sql):
    client, data = db
    expanded = expand_grafana_sql(
        sql, VARIABLES, data.now - timedelta(days=14), data.now + timedelta(minutes=5)
    )
    assert "$" not in expanded, f"unexpanded macro or variable in {name}: {expanded}"
    result = client.query(expanded)
    assert result.result_rows, f"{name} returned no rows on realistic data"


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
                    VARIABLES,
                    data.now - timedelta(days=14),
                    data.now + timedelta(minutes=5),
                )
                result = client.query(sql)
                assert result.column_names[0] == "time", f"{path.stem}: {panel['title']}"
                assert "DateTime" in result.column_types[0].name, f"{path.stem}: {panel['title']}"


def panel_rows(db, dashboard: str, title: str, variables: dict[str, list[str]] = VARIABLES) -> list[dict]:
    client, data = db
    [path] = [p for p in DASHBOARDS if p.stem == dashboard]
    [panel] = [p for p in panels(load_dashboard(path)) if p["title"] == title]
    [target] = panel["targets"]
    sql = expand_grafana_sql(
        target["rawSql"], variables, data.now - timedelta(days=14), data.now + timedelta(minutes=5)
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

    got = panel_rows(db, "qa-overview", "Support: issue resolution share by queue")
    assert {r["queue"] for r in got} == {"support", "service"}  # not the sales queue
    for r in got:
        mine = [
            s
            for s in support
            if call(s)["queue"] == r["queue"] and call(s)["started_at"].date() == r["time"].date()
        ]
        resolved = sum(label(s, "issue_resolved") == "resolved" for s in mine) / len(mine)
        escalated = sum(label(s, "issue_resolved") == "escalated" for s in mine) / len(mine)
        assert r["resolved_share"] == pytest.approx(round(resolved, 2)), r
        assert r["escalated_share"] == pytest.approx(round(escalated, 2)), r
    got = {
        r["agent_id"]: r["identity_verified_share"]
        for r in panel_rows(db, "qa-overview", "Support: identity check rate by agent")
    }
    expected = {}
    for agent in {call(s)["agent"]["id"] for s in support}:
        mine = [label(s, "identity_verified") for s in support if call(s)["agent"]["id"] == agent]
        expected[agent] = round(mine.count("yes") / len(mine), 2)
    assert got == pytest.approx(expected)
    assert next(iter(got)) == "agent-3"  # lowest first: the sales agent's one support call was unchecked
    sales_only = {**VARIABLES, "queue": ["sales"]}
    assert not panel_rows(db, "qa-overview", "Support: identity check rate by agent", sales_only)


def test_worst_agents_panel_keeps_an_agents_scorecards_apart(db):
    """agent-3 covered a support call: its total on the support card is not blended into its sales one."""
    _, data = db
    got = panel_rows(db, "qa-overview", "Worst agents")
    assert {r["scorecard_id"] for r in got if r["agent_id"] == "agent-3"} == {"default", "support"}
    for r in got:
        mine = [
            s
            for s in data.calls.values()
            if s["compressed"]["filtered"]["transcript"]["call"]["agent"]["id"] == r["agent_id"]
            and s["scorecard_id"] == r["scorecard_id"]
        ]
        assert r["total_calls"] == len(mine), r
