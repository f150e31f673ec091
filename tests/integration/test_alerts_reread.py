"""An alert read again is not notified again, on a real broker and chDB.

A worker that crashes (or loses its partitions) after notifying but before committing its offset reads
the same alerts again. Simulated exactly: after a worker run notified a rule-breaking call's two
alerts and stopped, the group's committed offsets on ``calls.alerts`` are set back to the start (what
a crash right before the commit leaves), and a second worker run drains the topic again. The channels
each alert reached are in the notify stage's windowed table, restored from its changelog, so the
webhook is not called again; without that table it got both alerts twice.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

from streams.settings import Settings
from streams.topics import ALERTS
from tests.integration.test_alerts_pipeline import HOOK, broker, complaint, run  # noqa: F401 (fixture)
from tests.notify_servers import http_server

pytestmark = pytest.mark.integration


class _AsFaust(RoundRobinPartitionAssignor):
    """Joins the group under the protocol name of Faust's assignor: the broker keeps an emptied group's
    protocol and refuses a member that speaks another."""

    name = "faust"


async def _rewind(bootstrap: str, group: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        partition_assignment_strategy=(_AsFaust,),
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + 60
        while not consumer.assignment() and time.monotonic() < deadline:
            await consumer.getmany(timeout_ms=200)  # joins the group
        parts = consumer.assignment()
        assert parts, "never assigned"
        before = sum([max(0, await consumer.committed(tp) or 0) for tp in parts])
        await consumer.commit({tp: 0 for tp in parts})
        assert [await consumer.committed(tp) for tp in parts] == [0] * len(parts)
        return before
    finally:
        await consumer.stop()


def rewind(bootstrap: str, group: str, topic: str) -> int:
    """Set ``group``'s committed offsets on ``topic`` to 0 as a member of the group (the broker takes
    commits from members only); the offsets it had committed, summed."""
    return asyncio.run(_rewind(bootstrap, group, topic))


def test_alerts_read_again_after_a_lost_commit_are_not_notified_again(
    broker,  # noqa: F811
    chdb_dsn,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:8]
    prefix = f"reread-{tag}."
    first, later = complaint(f"{prefix}first"), complaint(f"{prefix}later")
    later["agent"] = {"id": "a-other", "name": "Other Agent"}  # its own alerts, no cool-down in common
    with http_server() as server:
        settings = Settings(
            data_dir=tmp_path / "data",
            clickhouse_dsn=chdb_dsn,
            topic_prefix=prefix,
            app_id=f"reread-{tag}",
            partitions=2,
            metrics_port=0,
            notify_webhook_url=f"{server.url}{HOOK}",
            notify_backoff=0.05,
        )
        run(settings, broker.bootstrap, [first])
        assert len(server.wait_for(2, timeout=5, path=HOOK)) == 2
        # The crash before the commit: the group will read every alert again.
        committed = rewind(broker.bootstrap, settings.app_id, settings.topic(ALERTS.name))
        # legal_threat and cancellation_risk (notified) and identity_not_verified (info: stored only)
        assert committed == 3, "the alerts of the first call had been committed"
        run(settings, broker.bootstrap, [later])
        posts = server.wait_for(5, timeout=3, path=HOOK)
    sent = sorted((b["alert"]["call_id"], b["alert"]["rule"]) for b in (json.loads(p.body) for p in posts))
    assert sent == sorted(
        (call, rule)
        for call in (first["call_id"], later["call_id"])
        for rule in ("cancellation_risk", "legal_threat")
    ), "an alert read again was notified again"
