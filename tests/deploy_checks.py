"""Helpers for the deploy/ tests: the metrics callstream really exports, PromQL parsing, Grafana
dashboards and their macros."""

from __future__ import annotations

import contextlib
import importlib
import json
import pkgutil
import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import promql_parser
from prometheus_client import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))

# Series Prometheus itself adds for every scrape target.
BUILTIN_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
# Labels the scrape adds (target labels; the Kubernetes job keeps pod and namespace).
TARGET_LABELS = {"job", "instance", "pod", "namespace", "service", "stage_group"}
# Modules that define callstream metrics besides streams/metrics.py (imported to register them).
_METRIC_MODULES = ("streams.metrics", "connectors.ingest", "streams.notifiers", "streams.web")


@cache
def known_metrics() -> dict[str, frozenset[str]]:
    """Every series name the worker and ingest processes export → the label names it carries."""
    import streams.agents

    for name in _METRIC_MODULES:
        with contextlib.suppress(ImportError):  # modules of features not in this checkout
            importlib.import_module(name)
    for module in pkgutil.iter_modules(streams.agents.__path__):
        importlib.import_module(f"streams.agents.{module.name}")
    out: dict[str, frozenset[str]] = {}
    for collector, names in REGISTRY._collector_to_names.items():  # series names incl. _bucket/_sum/_count
        labels = set(getattr(collector, "_labelnames", ()))
        for series in names:
            out[series] = frozenset(labels | ({"le"} if series.endswith("_bucket") else set()))
    for series in BUILTIN_SERIES:
        out[series] = frozenset()
    return out


def grafana_promql(expr: str) -> str:
    """A dashboard expression with Grafana's interval variables replaced, ready to parse."""
    return re.sub(r"\$__(rate_interval|interval|range)\b", "5m", expr)


def promql_selectors(expr: str) -> list[tuple[str, list[str]]]:
    """(metric name, label names matched) of every vector selector; raises on a syntax error."""
    found: list[tuple[str, list[str]]] = []

    def visit(node: Any) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            found.append((node.name or "", [m.name for m in node.matchers.matchers]))
        return True

    promql_parser.walk(promql_parser.parse(expr), visit)
    return found


def promql_problems(expr: str) -> list[str]:
    """Unknown metric names and labels in ``expr`` (empty: every selector names a real series)."""
    known = known_metrics()
    problems = []
    selectors = promql_selectors(expr)
    if not selectors:
        problems.append(f"no metric in {expr!r}")
    for name, labels in selectors:
        if name not in known:
            problems.append(f"unknown metric {name!r} in {expr!r}")
            continue
        unknown = set(labels) - known[name] - TARGET_LABELS - {"__name__"}
        if unknown:
            problems.append(f"{name} has no label(s) {sorted(unknown)} in {expr!r}")
    return problems


# --- Grafana ------------------------------------------------------------------------------------------


def load_dashboard(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, including those nested in rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


#: The value Grafana gives a variable set to "All" (in ``current`` and the URL): never sent as such; a
#: variable with a custom ``allValue`` sends that, unformatted, whatever the format asked for.
ALL = "$__all"


def all_values(dashboard: dict[str, Any]) -> dict[str, str]:
    """The custom ``allValue`` of each variable of ``dashboard`` that offers "All" with one."""
    return {
        var["name"]: var["allValue"]
        for var in dashboard.get("templating", {}).get("list", [])
        if var.get("includeAll") and var.get("allValue")
    }


def datasource_type(panel: dict[str, Any], target: dict[str, Any]) -> str:
    return (target.get("datasource") or panel.get("datasource") or {}).get("type", "")


def expand_grafana_sql(
    sql: str,
    variables: dict[str, list[str]],
    start: datetime,
    end: datetime,
    all_values: dict[str, str] | None = None,
) -> str:
    """Expand the ClickHouse plugin's macros and template variables as Grafana would send them.

    A variable whose values are ``[ALL]`` is "All": Grafana sends its custom ``allValue`` (from
    ``all_values``) as it is, for every format (its templateSrv skips formatting a custom all value).
    A variable without one would send all its options: list them instead.
    """
    t0, t1 = int(start.timestamp()), int(end.timestamp())
    interval_s = max(1, (t1 - t0) // 100)

    def macro(name: str, fn: Any) -> None:
        nonlocal sql
        sql = re.sub(rf"\$__{name}\(([^()]*)\)", lambda m: fn(m.group(1).strip()), sql)

    macro(
        "timeFilter_ms",
        lambda c: (
            f"{c} >= fromUnixTimestamp64Milli({t0 * 1000}) AND {c} <= fromUnixTimestamp64Milli({t1 * 1000})"
        ),
    )
    macro("timeFilter", lambda c: f"{c} >= toDateTime({t0}) AND {c} <= toDateTime({t1})")
    macro("dateFilter", lambda c: f"{c} >= toDate({t0}) AND {c} <= toDate({t1})")
    macro("dateTimeFilter", lambda c: f"{c} >= toDateTime({t0}) AND {c} <= toDateTime({t1})")
    macro("timeInterval", lambda c: f"toStartOfInterval(toDateTime({c}), INTERVAL {interval_s} second)")
    macro(
        "timeInterval_ms", lambda c: f"toStartOfInterval(toDateTime64({c}, 3), INTERVAL {interval_s} second)"
    )
    sql = sql.replace("$__fromTime_ms", f"fromUnixTimestamp64Milli({t0 * 1000})")
    sql = sql.replace("$__toTime_ms", f"fromUnixTimestamp64Milli({t1 * 1000})")
    sql = sql.replace("$__fromTime", f"toDateTime({t0})").replace("$__toTime", f"toDateTime({t1})")
    sql = sql.replace("$__interval_s", str(interval_s))
    for name, values in variables.items():
        used = re.search(rf"\$\{{{name}(:\w+)?\}}|\${name}\b", sql)
        if values == [ALL] and used:
            if name not in (all_values or {}):
                raise ValueError(f"variable {name!r} has no custom allValue: list its values instead")
            raw = (all_values or {})[name].replace("\\", "\\\\")  # a literal replacement for re.sub
            sql = re.sub(rf"\$\{{{name}(:\w+)?\}}", raw, sql)
            sql = re.sub(rf"\${name}\b", raw, sql)
        if values == [ALL]:
            continue
        quoted = ",".join("'" + v.replace("'", "\\'") + "'" for v in values)
        sql = sql.replace(f"${{{name}:singlequote}}", quoted).replace(f"${{{name}:sqlstring}}", quoted)
        sql = sql.replace(f"${{{name}}}", values[0])
        sql = re.sub(rf"\${name}\b", values[0], sql)
    return sql
