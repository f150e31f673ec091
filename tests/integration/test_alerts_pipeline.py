"""Alerts end to end on a real broker process and a real chDB engine.

A rule-breaking call (the customer threatens a lawyer) raises an alert that reaches an in-test
webhook within seconds of being scored and is stored in ClickHouse. The same agent breaking the same
rule again inside the cool-down is stored as suppressed and not notified, also after a worker
restart (the cool-down table is restored from its changelog). A channel that refuses the alert
(Slack answering 404) makes a dead letter at stage ``notify`` with the reason.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from datetime import UTC
from pathlib import Path

import pytest
from confluent_kafka import Producer

from connectors.events import SAMPLE_CALLS, call_from_json
from schemas.codec import SingleObjectCodec
from streams.app import Runtime
from streams.broker import EmbeddedBroker
from streams.demo import Outcome, process
from streams.settings import Settings
from streams.topics import COMPLETED
from tests.notify_servers import http_server

pytestmark = pytest.mark.integration

CODEC = SingleObjectCodec()
SECRET = "webhook-secret"
HOOK, SLACK = "/hooks/callstream", "/services/T0/B0/slack"


@pytest.fixture(scope="module")
def broker() -> EmbeddedBroker:
    with EmbeddedBroker() as b:
        yield b


def complaint(call_id: str) -> dict:
    """The sample complaint ("... I will cancel, and talk to my lawyer.", agent a-103) renamed."""
    raw = next(json.loads(line) for line in SAMPLE_CALLS.read_text().splitlines() if "complaint" in line)
    raw["call_id"] = call_id
    return call_from_json(raw)


def run(settings: Settings, bootstrap: str, calls: list[dict]) -> Outcome:
    def feed(rt: Runtime) -> None:
        producer = Producer({"bootstrap.servers": rt.bootstrap, "acks": "all"})
        for call in calls:
            producer.produce(
                settings.topic(COMPLETED.name),
                key=call["call_id"].encode(),
                value=CODEC.encode("CallCompleted", call),
            )
        assert producer.flush(30) == 0

    ids = [c["call_id"] for c in calls]
    outcome = asyncio.run(process(settings, bootstrap, feed, ids, timeout=240, progress=None))
    assert outcome.complete and set(outcome.done) == set(ids), outcome.dead
    return outcome


def test_rule_breaking_call_reaches_webhook_and_clickhouse_with_cooldown(
    broker, chdb_dsn, chdb_client, tmp_path: Path
) -> None:
    prefix = f"alerts-{uuid.uuid4().hex[:8]}."
    first, second, later = (complaint(f"{prefix}{name}") for name in ("first", "second", "later"))
    with http_server(routes={SLACK: (404, {}, b"no_service")}) as server:
        settings = Settings(
            data_dir=tmp_path / "data",
            clickhouse_dsn=chdb_dsn,
            topic_prefix=prefix,
            partitions=2,
            metrics_port=0,
            notify_webhook_url=f"{server.url}{HOOK}",
            notify_webhook_secret=SECRET,
            notify_slack_webhook_url=f"{server.url}{SLACK}",
            notify_backoff=0.05,
        )
        run(settings, broker.bootstrap, [first, second])
        received = server.wait_for(2, timeout=5, path=HOOK)
        # A new worker on the same topics: the cool-down state comes back from the changelog.
        run(settings, broker.bootstrap, [later])
        after_restart = server.wait_for(3, timeout=3, path=HOOK)
        slack = server.wait_for(2, timeout=1, path=SLACK)

    # ClickHouse: every call raised legal_threat; only the first one outside a cool-down.
    ids = [first["call_id"], second["call_id"], later["call_id"]]
    rows = chdb_client.query(
        "SELECT call_id, alert_id, severity, suppressed, agent_id, agent_name, queue"
        " FROM alerts FINAL WHERE call_id IN %(ids)s AND rule = 'legal_threat' ORDER BY created_at",
        parameters={"ids": ids},
    ).result_rows
    assert len(rows) == 3
    notified = rows[0]
    assert notified[0] in (first["call_id"], second["call_id"])
    assert notified[1] == f"{notified[0]}:legal_threat@demo"  # a named tenant: its id says so
    assert [r[3] for r in rows] == [False, True, True]
    assert rows[2][0] == later["call_id"], "suppressed after the restart too"
    assert notified[2] == "critical"
    assert notified[4:7] == ("a-103", "Emily Carter", "support")

    # The webhook got each unsuppressed alert once (legal_threat and cancellation_risk of the
    # first call), signed, within seconds of the call being scored; nothing after the restart.
    assert len(after_restart) == len(received) == 2
    bodies = [json.loads(r.body) for r in received]
    assert {b["alert"]["call_id"] for b in bodies} == {notified[0]}, "a suppressed alert was notified"
    assert sorted(b["alert"]["rule"] for b in bodies) == ["cancellation_risk", "legal_threat"]
    request, body = next(
        (r, b) for r, b in zip(received, bodies, strict=True) if b["alert"]["rule"] == "legal_threat"
    )
    assert body["event"] == "alert" and body["alert"]["suppressed"] is False
    assert body["alert"]["severity"] == "critical" and "Emily Carter" in body["alert"]["message"]
    # the worker quotes what its count counted, from the dictionaries it loaded at start
    assert (
        'rules.customer_keyword_hits.legal = 1 (>= 1), the customer said "lawyer";'
        in body["alert"]["message"]
    )
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Callstream-Signature"] == expected
    assert request.headers["X-Callstream-Alert-Id"] == notified[1]
    scored_at = chdb_client.query(
        "SELECT scored_at FROM calls FINAL WHERE call_id = %(id)s", parameters={"id": notified[0]}
    ).result_rows[0][0]
    scored_at = scored_at if scored_at.tzinfo else scored_at.replace(tzinfo=UTC)
    latency = request.at - scored_at.timestamp()
    assert 0 <= latency < 10, f"alert reached the webhook {latency:.1f}s after scoring"

    # Slack refused both (404: permanent, tried once each): dead letters at stage notify, with why.
    assert len(slack) == 2
    letters = chdb_client.query(
        "SELECT call_id, error_class, error_message, attempts FROM dead_letters FINAL"
        " WHERE stage = 'notify' AND call_id IN %(ids)s",
        parameters={"ids": ids},
    ).result_rows
    assert len(letters) == 2 and {row[0] for row in letters} == {notified[0]}
    for _, error_class, message, attempts in letters:
        assert error_class == "NotifyFailed" and attempts == 1
        assert "slack: HTTP 404: no_service" in message
