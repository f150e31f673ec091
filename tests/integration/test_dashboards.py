"""Every ClickHouse query of every Grafana dashboard (panels and template variables) runs on the
real schema (chDB, all migrations) against realistic rows, and answers something."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.deploy_checks import DASHBOARDS, datasource_type, expand_grafana_sql, load_dashboard, panels

pytestmark = pytest.mark.integration

# Template variable values a user would pick (agent-2 has fatal failures and alerts).
VARIABLES = {
    "tenant": ["acme"],
    "queue": ["sales"],
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
