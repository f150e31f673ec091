"""ClickHouse reads behind the live supervisor page (:mod:`streams.web`).

Every function here is synchronous and takes the client: the web server runs them in the runtime's
ClickHouse thread (chDB is single-threaded and one process per data path, so the page must read
through the worker that owns it). Results are plain JSON-ready dicts: datetimes become ISO-8601
UTC strings and NaN/inf become ``None`` (JSON has neither).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clickhouse_connect.driver.client import Client

from processors.alerts import SEVERITIES
from processors.rows import TABLE_COLUMNS

#: Columns of a call in the live list (the drill-down reads the whole row).
CALL_COLUMNS = (
    "call_id",
    "tenant",
    "queue",
    "agent_id",
    "agent_name",
    "direction",
    "started_at",
    "duration_s",
    "language",
    "scorer",
    "total",
    "fatal_failed",
    "scored_at",
    # an event that disagrees with its recording (layout, channel map, times, a swapped map), then
    # the scorer's doubts: the row shows a marker, the drill-down the texts
    "warnings",
)
#: What the supervisor sees of an alert: the sink's columns up to ``suppressed`` (true: raised within
#: its rule's cool-down, stored but not notified), without the routing and bookkeeping that follow.
ALERT_COLUMNS = tuple(TABLE_COLUMNS["alerts"][: TABLE_COLUMNS["alerts"].index("suppressed") + 1])
#: Columns of ``calls`` the drill-down leaves out: bookkeeping, and the customer's number hash
#: (a supervisor has no use for it; it is a join key for BI only).
HIDDEN_CALL_COLUMNS = frozenset({"_version", "customer_number_hash"})
#: Upper bound of rows one poll of the live stream reads, so a backlog cannot stall the page.
POLL_LIMIT = 1000


@dataclass(frozen=True)
class Scope:
    """The tenants one login may see (``None``: every tenant). Every query here takes one as a
    required argument, so a new route cannot read past it by forgetting a filter."""

    tenants: frozenset[str] | None

    def allows(self, tenant: str | None) -> bool:
        return self.tenants is None or tenant in self.tenants


#: No restriction: a login without a tenant list, the page without login (loopback), and the live
#: feed's shared poll (each page's stream is narrowed to its scope when the rows are handed out).
EVERY_TENANT = Scope(None)


def _in_scope(scope: Scope, params: dict[str, Any]) -> str:
    """The SQL condition keeping ``scope``'s rows (``tenant`` column), its values bound in ``params``."""
    if not isinstance(scope, Scope):  # a Filters or a tenant string in its place must not mean "all"
        raise TypeError(f"expected a Scope, got {type(scope).__name__}")
    if scope.tenants is None:
        return "1"
    if not scope.tenants:
        return "0"
    params["scope"] = sorted(scope.tenants)
    return "tenant IN %(scope)s"


@dataclass(frozen=True)
class Filters:
    """What a supervisor narrowed the page to; ``None`` means any."""

    queue: str | None = None
    agent: str | None = None
    tenant: str | None = None

    def matches(self, row: dict[str, Any]) -> bool:
        """Whether a call or (queue/agent-decorated) alert row passes, for the live stream."""
        return (
            (self.queue is None or row.get("queue") == self.queue)
            and (self.agent is None or row.get("agent_id") == self.agent)
            and (self.tenant is None or row.get("tenant") == self.tenant)
        )


def jsonable(value: Any) -> Any:
    """A ClickHouse value as JSON can carry it (datetimes are UTC in every callstream table)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _dicts(client: Client, sql: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
    result = client.query(sql, parameters=parameters)
    names = result.column_names
    return [
        {name: jsonable(value) for name, value in zip(names, row, strict=True)} for row in result.result_rows
    ]


def _where(filters: Filters, scope: Scope, queue_clause: str) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    clauses = [_in_scope(scope, params)]
    if filters.queue is not None:
        clauses.append(queue_clause)
        params["queue"] = filters.queue
    if filters.agent is not None:
        clauses.append("agent_id = %(agent)s")
        params["agent"] = filters.agent
    if filters.tenant is not None:
        clauses.append("tenant = %(tenant)s")
        params["tenant"] = filters.tenant
    return " AND ".join(clauses), params


def _call_where(filters: Filters, scope: Scope) -> tuple[str, dict[str, Any]]:
    return _where(filters, scope, "queue = %(queue)s")


def _alert_where(filters: Filters, scope: Scope) -> tuple[str, dict[str, Any]]:
    # Alerts carry agent and tenant but not the queue: the queue comes from the call (of the same
    # tenant: two tenants may use the same call id).
    return _where(
        filters, scope, "(tenant, call_id) IN (SELECT tenant, call_id FROM calls WHERE queue = %(queue)s)"
    )


def alerts_by_call(
    client: Client, scope: Scope, calls: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Each (tenant, call_id)'s alerts (id, rule, severity), for the badges of the call list."""
    keys = sorted(set(calls))
    if not keys:
        return {}
    params: dict[str, Any] = {"keys": keys}
    rows = _dicts(
        client,
        "SELECT tenant, call_id, alert_id, rule, severity FROM alerts FINAL "
        f"WHERE (tenant, call_id) IN %(keys)s AND {_in_scope(scope, params)} ORDER BY created_at",
        params,
    )
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault((row.pop("tenant"), row.pop("call_id")), []).append(row)
    return out


def call_facts(
    client: Client, scope: Scope, calls: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Queue and agent name per (tenant, call_id), to show (and filter) alerts by them."""
    keys = sorted(set(calls))
    if not keys:
        return {}
    params: dict[str, Any] = {"keys": keys}
    rows = _dicts(
        client,
        "SELECT tenant, call_id, any(queue) AS queue, any(agent_name) AS agent_name FROM calls "
        f"WHERE (tenant, call_id) IN %(keys)s AND {_in_scope(scope, params)} GROUP BY tenant, call_id",
        params,
    )
    return {(row.pop("tenant"), row.pop("call_id")): row for row in rows}


#: How a notify dead letter names its alert: its message starts ``alert <alert_id> (rule ...``
#: (``streams.agents.notify.NotifyFailed``, pinned by its tests). No backslash: the pattern travels
#: as a bound string literal.
LETTER_ALERT_ID = "^alert (.+?) [(]rule "


def delivery_failures(
    client: Client, scope: Scope, alerts: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """(tenant, alert_id) → the newest notify dead letter's reason, for alerts a channel gave up on
    and nobody has replayed (``dlq replay``) or dismissed (``dlq dismiss``) since.

    The notify stage keeps which channels took an alert in a Faust table only its workers hold; what
    reaches ClickHouse is its dead letter (every failed delivery makes one), so that is what the page
    reads: a supervisor must not take an alert no one was paged for as notified. A replay that fails
    again makes a newer letter, which marks the alert again."""
    keys = sorted(set(alerts))
    if not keys:
        return {}
    params: dict[str, Any] = {"keys": keys, "pattern": LETTER_ALERT_ID}
    # the newest letter per alert, with its key in the audit tables; an audit row at or after its
    # failure handled it (a LEFT JOIN without a match reads the epoch)
    newest = ", ".join(f"argMax({c}, failed_at) AS {c}" for c in _LETTER_KEY)
    on = " AND ".join(f"{{t}}.{c} = l.{c}" for c in _LETTER_KEY)
    handled = " ".join(
        f"LEFT JOIN (SELECT {', '.join(_LETTER_KEY)}, max({at}) AS at FROM {table} WHERE stage = 'notify' "
        f"GROUP BY {', '.join(_LETTER_KEY)}) AS {alias} ON {on.format(t=alias)}"
        for table, at, alias in (
            ("dead_letter_replays", "replayed_at", "r"),
            ("dead_letter_dismissals", "dismissed_at", "x"),
        )
    )
    rows = _dicts(
        client,
        "SELECT l.tenant AS tenant, l.alert_id AS alert_id, l.error AS error FROM ("
        "SELECT tenant, alert_id, argMax(error_message, failed_at) AS error, max(failed_at) AS failed, "
        f"{newest} "
        "FROM (SELECT tenant, extract(error_message, %(pattern)s) AS alert_id, error_message, failed_at, "
        f"{', '.join(_LETTER_KEY)} FROM dead_letters WHERE stage = 'notify' AND {_in_scope(scope, params)}) "
        f"WHERE (tenant, alert_id) IN %(keys)s GROUP BY tenant, alert_id) AS l {handled} "
        "WHERE r.at < l.failed AND x.at < l.failed",
        params,
    )
    return {(row["tenant"], row["alert_id"]): row["error"] for row in rows}


#: A dead letter's key in ``dead_letters`` and in the replay and dismissal audit tables.
_LETTER_KEY = ("topic", "partition", "offset", "stage", "payload_hash")


def with_delivery(client: Client, scope: Scope, alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``delivery_failed`` to each alert: why its notification failed, or ``None``."""
    failed = delivery_failures(client, scope, ((a["tenant"], a["alert_id"]) for a in alerts))
    for alert in alerts:
        alert["delivery_failed"] = failed.get((alert["tenant"], alert["alert_id"]))
    return alerts


def recent_calls(client: Client, scope: Scope, filters: Filters, limit: int) -> list[dict[str, Any]]:
    """The most recently scored calls of ``scope``, with their alerts."""
    where, params = _call_where(filters, scope)
    calls = _dicts(
        client,
        f"SELECT {', '.join(CALL_COLUMNS)} FROM calls FINAL WHERE {where} "
        "ORDER BY scored_at DESC, call_id LIMIT %(limit)s",
        {**params, "limit": limit},
    )
    alerts = alerts_by_call(client, scope, ((c["tenant"], c["call_id"]) for c in calls))
    for call in calls:
        call["alerts"] = alerts.get((call["tenant"], call["call_id"]), [])
    return calls


def decorate_alerts(client: Client, scope: Scope, alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the call's queue and agent name to each alert (``None`` while the call has no row), and
    whether its delivery failed."""
    with_delivery(client, scope, alerts)
    facts = call_facts(client, scope, ((a["tenant"], a["call_id"]) for a in alerts))
    for alert in alerts:
        fact = facts.get((alert["tenant"], alert["call_id"]), {})
        alert["queue"] = fact.get("queue")
        alert["agent_name"] = fact.get("agent_name")
    return alerts


def recent_alerts(
    client: Client,
    scope: Scope,
    filters: Filters,
    limit: int,
    severities: Sequence[str] | None = None,
    min_severity: str | None = None,
) -> list[dict[str, Any]]:
    """The newest alerts of ``scope``, with the queue and agent name of their call; only
    ``severities`` when given, only ``min_severity`` and above when given (a severity callstream does
    not know counts as critical, as the notify stage ranks it)."""
    where, params = _alert_where(filters, scope)
    if severities is not None:
        where += " AND severity IN %(severities)s"
        params["severities"] = list(severities)
    if min_severity is not None:
        below = SEVERITIES[: SEVERITIES.index(min_severity)]
        if below:
            where += " AND severity NOT IN %(below)s"
            params["below"] = list(below)
    alerts = _dicts(
        client,
        f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts FINAL WHERE {where} "
        "ORDER BY created_at DESC, alert_id LIMIT %(limit)s",
        {**params, "limit": limit},
    )
    return decorate_alerts(client, scope, alerts)


def choices(client: Client, scope: Scope) -> dict[str, Any]:
    """Queues, agents and tenants seen in ``scope``, for the page's filter menus."""
    params: dict[str, Any] = {}
    where = _in_scope(scope, params)
    queues = [
        row["queue"]
        for row in _dicts(
            client,
            f"SELECT DISTINCT queue FROM calls WHERE queue IS NOT NULL AND {where} ORDER BY queue LIMIT 1000",
            params,
        )
    ]
    agents = _dicts(
        client,
        # per tenant: two tenants' "agent-7" are two people, listed (and filtered) apart
        f"SELECT tenant, agent_id, anyLast(agent_name) AS agent_name FROM calls WHERE {where} "
        "GROUP BY tenant, agent_id ORDER BY agent_name, agent_id, tenant LIMIT 5000",
        params,
    )
    tenants = [
        row["tenant"]
        for row in _dicts(
            client, f"SELECT DISTINCT tenant FROM calls WHERE {where} ORDER BY tenant LIMIT 1000", params
        )
    ]
    return {"queues": queues, "agents": agents, "tenants": tenants}


class AmbiguousCall(LookupError):
    """A call id asked for without a tenant that several tenants of the scope have."""

    def __init__(self, call_id: str, tenants: list[str]) -> None:
        super().__init__(
            f"call {call_id!r} exists in tenants {', '.join(tenants)}: ask for one with ?tenant="
        )
        self.call_id, self.tenants = call_id, tenants


def _which_tenant(client: Client, scope: Scope, call_id: str, tenant: str | None) -> str | None:
    """``tenant``, or the one tenant of ``scope`` with that call id; ``None``: none has it.
    :class:`AmbiguousCall` when several do (answering one of them would be a guess)."""
    if tenant is not None:
        return tenant
    params: dict[str, Any] = {"id": call_id}
    rows = client.query(
        f"SELECT DISTINCT tenant FROM calls WHERE call_id = %(id)s AND {_in_scope(scope, params)} "
        "ORDER BY tenant LIMIT 100",
        parameters=params,
    ).result_rows
    if len(rows) > 1:
        raise AmbiguousCall(call_id, [row[0] for row in rows])
    return rows[0][0] if rows else None


def _one_call(call_id: str, tenant: str | None, scope: Scope) -> tuple[str, dict[str, Any]]:
    """WHERE clause and parameters finding a call by id (and tenant, when given) within ``scope``:
    outside it the call reads as missing, so its existence is not revealed."""
    params: dict[str, Any] = {"id": call_id}
    where = f"call_id = %(id)s AND {_in_scope(scope, params)}"
    if tenant is not None:
        where += " AND tenant = %(tenant)s"
        params["tenant"] = tenant
    return where, params


def call_detail(
    client: Client, scope: Scope, call_id: str, tenant: str | None = None
) -> dict[str, Any] | None:
    """Everything the drill-down shows: the call row, every segment (kept or dropped, with the
    reason), the criteria with reasoning and the call's alerts. ``None``: no such call in ``scope``;
    :class:`AmbiguousCall`: no ``tenant`` given and several tenants have the id."""
    tenant = _which_tenant(client, scope, call_id, tenant)
    if tenant is None:
        return None
    where, params = _one_call(call_id, tenant, scope)
    calls = _dicts(client, f"SELECT * FROM calls FINAL WHERE {where} ORDER BY tenant LIMIT 1", params)
    if not calls:
        return None
    call = {k: v for k, v in calls[0].items() if k not in HIDDEN_CALL_COLUMNS}
    params = {"id": call_id, "tenant": call["tenant"]}
    segments = _dicts(
        client,
        # in time order: the speech stage's guard drops are numbered after the dialogue
        "SELECT idx, channel, role, start, `end`, text, avg_logprob, no_speech_prob, vad_speech, kept, "
        "drop_reason FROM call_segments FINAL WHERE tenant = %(tenant)s AND call_id = %(id)s "
        "ORDER BY start, idx",
        params,
    )
    for seg in segments:
        seg["kept"] = bool(seg["kept"])
    criteria = _dicts(
        client,
        "SELECT criterion_id, title, kind, source, status, value, label, reasoning FROM call_criteria "
        "FINAL WHERE tenant = %(tenant)s AND call_id = %(id)s ORDER BY source, criterion_id",
        params,
    )
    alerts = _dicts(
        client,
        f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts FINAL WHERE tenant = %(tenant)s "
        "AND call_id = %(id)s ORDER BY created_at",
        params,
    )
    with_delivery(client, scope, alerts)
    return {"call": call, "segments": segments, "criteria": criteria, "alerts": alerts}


def recording_uri(
    client: Client, scope: Scope, call_id: str, tenant: str | None = None
) -> tuple[str, str] | None:
    """The call's (``recording_uri``, tenant) within ``scope`` (the player asks for it on every
    range request: kept light; the page's player always names the tenant)."""
    tenant = _which_tenant(client, scope, call_id, tenant)
    if tenant is None:
        return None
    where, params = _one_call(call_id, tenant, scope)
    rows = client.query(
        f"SELECT recording_uri, tenant FROM calls FINAL WHERE {where} ORDER BY tenant LIMIT 1",
        parameters=params,
    ).result_rows
    return (rows[0][0], rows[0][1]) if rows else None


def server_now_ms(client: Client) -> int:
    """ClickHouse's clock (ms): the live stream's first watermark, immune to worker clock skew."""
    return int(client.command("SELECT toUnixTimestamp64Milli(now64(3))"))


def calls_inserted_since(client: Client, scope: Scope, since_ms: int) -> list[dict[str, Any]]:
    """Call rows of ``scope`` written after ``since_ms`` (server time), oldest first; no FINAL, so
    a replayed call can come twice: the caller de-duplicates."""
    params: dict[str, Any] = {"since": since_ms, "limit": POLL_LIMIT}
    return _dicts(
        client,
        f"SELECT {', '.join(CALL_COLUMNS)}, toUnixTimestamp64Milli(inserted_at) AS inserted_ms, "
        "_version FROM calls WHERE inserted_at > fromUnixTimestamp64Milli(%(since)s, 'UTC') "
        f"AND {_in_scope(scope, params)} ORDER BY inserted_at LIMIT %(limit)s",
        params,
    )


def alerts_created_since(client: Client, scope: Scope, since_ms: int) -> list[dict[str, Any]]:
    """Alert rows of ``scope`` created after ``since_ms``, oldest first, as they stand now (FINAL: an
    alert re-sent unsuppressed replaces its suppressed row under the same id and version) and with
    ``delivery_failed``. ``alerts`` has no insert time: the caller looks back far enough to cover the
    sink's delay and compares each alert with what it sent before."""
    params: dict[str, Any] = {"since": since_ms, "limit": POLL_LIMIT}
    alerts = _dicts(
        client,
        f"SELECT {', '.join(ALERT_COLUMNS)}, toUnixTimestamp64Milli(created_at) AS created_ms "
        "FROM alerts FINAL WHERE created_at > fromUnixTimestamp64Milli(%(since)s, 'UTC') "
        f"AND {_in_scope(scope, params)} ORDER BY created_at LIMIT %(limit)s",
        params,
    )
    return with_delivery(client, scope, alerts)
