"""Consumer lag, health and end-to-end latency on a real broker: the lag reporter against
uncommitted records, and a real `callstream worker` process."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from confluent_kafka import Producer

from schemas.codec import SingleObjectCodec
from streams.broker import EmbeddedBroker, free_port
from streams.observability import LagReporter
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.cli_env import cli_env
from tests.factories import make_call_score

pytestmark = pytest.mark.integration


def test_lag_reporter_counts_records_a_group_has_not_committed(tmp_path: Path) -> None:
    with EmbeddedBroker(log_file=tmp_path / "broker.log") as broker:
        settings = Settings(partitions=2, topic_prefix="lag.")
        ensure_topics(settings, broker.bootstrap)
        producer = Producer({"bootstrap.servers": broker.bootstrap})
        for i in range(5):  # one record per batch: Tansu's watermarks count batches of several records short
            producer.produce("lag.calls.completed", key=f"call-{i}".encode(), value=b"x")
            assert producer.flush(30) == 0
        reporter = LagReporter(
            broker.bootstrap, "nobody-consumed", ["lag.calls.completed", "lag.calls.dlq"], 5
        )
        assert reporter.check_once() == {"lag.calls.completed": 5, "lag.calls.dlq": 0}


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


def _metric(exported: str, prefix: str) -> float | None:
    for line in exported.splitlines():
        if line.startswith(prefix + " ") or line.startswith(prefix + "{"):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_sink_worker_serves_health_lag_and_end_to_end_latency(tmp_path: Path) -> None:
    """A real `callstream worker --stages sink`: /readyz, callstream_consumer_lag{topic} and the
    end-to-end histogram (call end → row in ClickHouse) for a call published to calls.scored."""
    health_port, metrics_port, broker_port = free_port(), free_port(), free_port()
    env = cli_env(
        {
            "CALLSTREAM_EMBEDDED_BROKER_PORT": str(broker_port),
            "CALLSTREAM_METRICS_PORT": str(metrics_port),
            "CALLSTREAM_HEALTH_PORT": str(health_port),
            "CALLSTREAM_LAG_INTERVAL": "1",
            "CALLSTREAM_WEB_PORT": "0",
            "CALLSTREAM_PROGRESS_INTERVAL_S": "1",
        }
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "worker", "--stages", "sink"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
    try:
        ready, body = 0, ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and ready != 200:
            ready, body = _get(f"http://127.0.0.1:{health_port}/readyz")
            time.sleep(0.5)
        assert ready == 200, body
        assert json.loads(body)["stages"] == ["sink"]
        assert _get(f"http://127.0.0.1:{health_port}/healthz")[0] == 200

        ended = datetime.now(UTC) - timedelta(seconds=20)
        score = make_call_score("obs-e2e-1", started_at=ended - timedelta(seconds=42.5))
        producer = Producer({"bootstrap.servers": f"127.0.0.1:{broker_port}"})
        producer.produce(
            "calls.scored", key=b"obs-e2e-1", value=SingleObjectCodec().encode("CallScore", score)
        )
        assert producer.flush(30) == 0

        count = lag = None
        exported = ""
        while time.monotonic() < deadline + 60:
            _, exported = _get(metrics_url)
            count = _metric(exported, "callstream_end_to_end_seconds_count")
            lag = _metric(exported, 'callstream_consumer_lag{topic="calls.scored"}')
            if count and lag == 0:
                break
            time.sleep(0.5)
        assert count == 1, exported[-2000:]
        latency = _metric(exported, "callstream_end_to_end_seconds_sum")
        # the event accepted 2 s after the call's end (the factory's received_at) → row written, wall clock
        assert latency is not None and 18 <= latency < 120
        assert lag == 0  # committed after the write
        assert _metric(exported, 'callstream_sink_rows_total{table="calls"}') == 1
    finally:
        worker.send_signal(signal.SIGINT)
        out, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, out[-3000:]
    # The progress lines on stderr (default log level) tell the same numbers as /metrics; an idle
    # second writes none (the worker ran for many seconds at a one-second interval).
    progress = [line for line in out.splitlines() if "streams.progress: " in line]
    assert progress, out[-3000:]
    assert len(progress) <= 5, progress
    summed = {
        what: sum(int(n) for line in progress for n in re.findall(pattern, line))
        for what, pattern in {
            "in": r"sink (\d+) in/",
            "out": r"sink \d+ in/(\d+) out/",
            "calls": r"; (\d+) calls?, \d+ dead letters? written",
        }.items()
    }
    assert summed == {"in": 1, "out": 1, "calls": 1}, progress
    assert "1 call, 0 dead letters since start" in progress[-1], progress
