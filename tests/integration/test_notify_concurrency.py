"""One channel in backoff does not hold the other channels' next alerts, on a real broker.

The notify stage runs alone on its topics. Three alerts are published at once; the webhook receiver
is down (it answers every request 503, so each alert is tried 1 + CALLSTREAM_NOTIFY_RETRIES times
with backoff) while Slack's receiver is up. Alerts are delivered several at a time
(``CALLSTREAM_NOTIFY_CONCURRENCY``), so Slack has all three before the webhook's retries of the first
one are over, and the webhook's retries of the three alerts overlap instead of following each other.
One at a time, Slack got the second alert only after the first's last webhook try. Each alert still
ends as its own dead letter naming its alert id, rule and call.

The assertions compare the receivers' own timestamps with the retry schedule (orders of events), not
wall-clock thresholds: a slow machine stretches both alike.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from streams.bench import agents_assigned
from streams.lag import consumer_lag
from streams.settings import Settings
from streams.topics import ALERTS, DLQ
from streams.worker import prepare
from tests.factories import make_alert
from tests.integration.test_alerts_pipeline import broker  # noqa: F401 (fixture)
from tests.notify_servers import HttpCapture, http_server

pytestmark = pytest.mark.integration

HOOK, SLACK = "/hook", "/slack"
RETRIES = 3  # tries at about 0, 1, 3 and 7 s (backoff 1 s, doubling)
COMMIT_INTERVAL_S = 1.0  # streams.app: broker_commit_interval


def alerts(prefix: str) -> list[dict[str, Any]]:
    """Three critical alerts of three calls and agents (no cool-down in common)."""
    out = []
    for i in range(3):
        alert = {**make_alert(f"{prefix}call-{i}", rule="legal_threat"), "severity": "critical"}
        message = f"Legal threat: agent Agent {i}, call {alert['call_id']}"  # Slack shows only this
        out.append({**alert, "agent_id": f"agent-{i}", "agent_name": f"Agent {i}", "message": message})
    return out


@dataclass
class Run:
    letters: list[dict[str, Any]]
    #: calls.alerts records the group had not committed while the alerts were in webhook backoff,
    #: a few commit intervals after Slack had them all, and when (epoch s) that was looked at.
    lag_in_backoff: int
    looked_at: float
    #: The same once every alert was dead-lettered.
    lag_after: int


async def _lag(settings: Settings, bootstrap: str) -> int:
    topic = settings.topic(ALERTS.name)
    lag = await asyncio.to_thread(consumer_lag, bootstrap, settings.app_id, [topic])
    return lag[topic]


async def _publish_and_wait(
    settings: Settings, bootstrap: str, batch: list[dict[str, Any]], server: HttpCapture
) -> Run:
    """Run the notify stage, publish ``batch`` in one go, wait until every alert is dead-lettered."""
    rt = prepare(settings, bootstrap, ["notify"])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    consumer = AIOKafkaConsumer(
        settings.topic(DLQ.name), bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await producer.start()
    await consumer.start()
    letters: list[dict] = []
    try:
        await rt.app.start()
        await agents_assigned(rt, settings.partitions)
        topic = settings.topic(ALERTS.name)
        sent = [
            await producer.send(
                topic,
                key=alert["call_id"].encode(),
                value=rt.codec.encode(ALERTS.record, alert, topic),
            )
            for alert in batch
        ]
        await asyncio.gather(*sent)
        clock = asyncio.get_running_loop().time
        deadline = clock() + 120
        while len([r for r in server.requests if r.path == SLACK]) < len(batch) and clock() < deadline:
            await asyncio.sleep(0.05)
        # Faust commits every second: had an alert been acked before its delivery ended, its offset
        # would be committed by now.
        await asyncio.sleep(3 * COMMIT_INTERVAL_S)
        looked_at = time.time()
        lag_in_backoff = await _lag(settings, bootstrap)
        while len(letters) < len(batch) and clock() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                letters.extend(rt.codec.decode(DLQ.record, r.value, r.topic) for r in records)
        lag_after = await _lag(settings, bootstrap)
        while lag_after and clock() < deadline:
            await asyncio.sleep(0.5)
            lag_after = await _lag(settings, bootstrap)
        return Run(letters, lag_in_backoff, looked_at, lag_after)
    finally:
        await consumer.stop()
        await producer.stop()
        await rt.app.stop()
        rt.close()


def test_a_channel_in_backoff_does_not_hold_the_next_alerts(broker, tmp_path: Path) -> None:  # noqa: F811
    tag = uuid.uuid4().hex[:8]
    prefix = f"notifyconc-{tag}."
    batch = alerts(prefix)
    down = (503, {}, b"service unavailable")
    with http_server(routes={HOOK: down}) as server:
        settings = Settings(
            _env_file=None,
            data_dir=tmp_path / "data",
            topic_prefix=prefix,
            app_id=f"notifyconc-{tag}",
            partitions=2,
            metrics_port=0,
            notify_webhook_url=f"{server.url}{HOOK}",
            notify_slack_webhook_url=f"{server.url}{SLACK}",
            notify_retries=RETRIES,
            notify_backoff=1.0,
            notify_concurrency=4,
        )
        run = asyncio.run(_publish_and_wait(settings, broker.bootstrap, batch, server))
        requests = list(server.requests)

    ids = [a["alert_id"] for a in batch]
    slack = [r for r in requests if r.path == SLACK]
    # each Slack text ends in its alert's reference, "_ref <alert_id>_"
    assert sorted(r.json()["text"].rsplit("\n_ref ", 1)[1].removesuffix("_") for r in slack) == sorted(ids)
    tries = {
        i: [r.at for r in requests if r.path == HOOK and r.headers["X-Callstream-Alert-Id"] == i] for i in ids
    }
    assert all(len(t) == 1 + RETRIES for t in tries.values()), tries
    # The alert whose webhook retries ended first: every Slack delivery came before that end, and
    # every alert's first webhook try too (their backoffs overlapped, not one after another).
    first_done = min(t[-1] for t in tries.values())
    assert max(r.at for r in slack) < first_done, "Slack waited for the webhook's retries"
    assert max(t[0] for t in tries.values()) < first_done, "the webhook's retries ran one alert at a time"

    # At-least-once: nothing was committed while the alerts were in backoff; all of it once they ended.
    assert run.looked_at < first_done, "looked too late: the retries were over"
    assert run.lag_in_backoff == len(batch), "an alert was acknowledged before its delivery ended"
    assert run.lag_after == 0

    # One dead letter per alert, each saying which alert, rule and call.
    assert len(run.letters) == len(batch)
    by_call = {letter["call_id"]: letter for letter in run.letters}
    for alert in batch:
        letter = by_call[alert["call_id"]]
        assert letter["stage"] == "notify" and letter["error_class"] == "NotifyFailed"
        named = f"alert {alert['alert_id']} (rule legal_threat, call {alert['call_id']}): "
        assert letter["error_message"].startswith(f"{named}1 of 2 channel(s) failed:"), letter[
            "error_message"
        ]
        assert letter["attempts"] == 1 + RETRIES
