"""A worker killed with SIGKILL in the middle of a stream, then restarted: every call reaches
ClickHouse exactly once (at-least-once processing, offsets committed after the writes they cover,
an idempotent sink). Real broker process, real `callstream worker` processes, real chDB."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, TopicPartition

from streams.bench import make_payloads, produce, stop_workers
from streams.broker import EmbeddedBroker
from streams.lag import consumer_lag
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.cli_env import cli_env
from tests.e2e.test_cli import callstream

pytestmark = pytest.mark.e2e

#: Enough that the first sink commit is seen with much of the stream still to go: with 300 a fast
#: run on a busy CI machine scored every call before the poll saw that commit
CALLS = 600
LONG = 900  # the rebalance test: still streaming once a second worker has joined
STAGES = "filter,compress,score,sink"
SOURCES = ["calls.transcribed", "calls.filtered", "calls.compressed", "calls.scored"]


def committed(bootstrap: str, group: str, topic: str) -> int:
    """Offsets ``group`` committed on ``topic``, summed over its partitions."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        done = consumer.committed([TopicPartition(topic, p) for p in parts], timeout=10)
        return sum(max(0, tp.offset) for tp in done)
    finally:
        consumer.close()


def start_worker(
    data_dir: Path, bootstrap: str, log: Path, stages: str = STAGES, *, embedded: bool = False
) -> subprocess.Popen[bytes]:
    """A `callstream worker` on ``bootstrap``; ``embedded``: its own embedded broker on that port."""
    where = {"CALLSTREAM_EMBEDDED_BROKER_PORT": bootstrap.rsplit(":", 1)[1]} if embedded else {}
    env = cli_env(
        {
            **(where or {"CALLSTREAM_KAFKA_BOOTSTRAP": bootstrap}),
            "CALLSTREAM_STAGES": stages,
            "CALLSTREAM_DATA_DIR": str(data_dir),
            "CALLSTREAM_METRICS_PORT": "0",
            "CALLSTREAM_HEALTH_PORT": "0",
            "CALLSTREAM_WEB_PORT": "0",
            # small sink batches: the first commit comes early, with most of the stream still to go (with
            # the default 500 a fast run scored all 300 calls before the first one-second flush)
            "CALLSTREAM_SINK_BATCH_SIZE": "20",
        }
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def wait_until(predicate, timeout: float, what: str, worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if worker.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.returncode}) while waiting for {what}:\n"
                                 + log.read_text(errors="replace")[-3000:])  # fmt: skip
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n" + log.read_text(errors="replace")[-3000:])
        time.sleep(0.2)


def stored(data_dir: Path, cwd: Path, prefix: str = "crash-") -> tuple[int, int, int]:
    """(distinct calls, rows of ``calls FINAL``, dead letters) in the chDB under ``data_dir``, read
    through the CLI: one process holds one chDB engine (pytest's may hold another)."""
    result = callstream(
        "query",
        "SELECT uniqExact(call_id) AS distinct_calls,"
        f" (SELECT count() FROM calls FINAL WHERE call_id LIKE '{prefix}%') AS final_rows,"
        f" (SELECT count() FROM dead_letters) AS letters FROM calls WHERE call_id LIKE '{prefix}%'",
        "--format",
        "json",
        cwd=cwd,
        env={"CALLSTREAM_DATA_DIR": str(data_dir)},
    )
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout.splitlines()[0])
    return int(row["distinct_calls"]), int(row["final_rows"]), int(row["letters"])


def test_a_worker_killed_mid_stream_loses_and_duplicates_no_call(tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "worker.log"
    with EmbeddedBroker() as broker:
        settings = Settings(kafka_bootstrap=broker.bootstrap, data_dir=data_dir)
        ensure_topics(settings, broker.bootstrap)
        asyncio.run(produce(broker.bootstrap, "calls.transcribed", make_payloads(CALLS, "crash-")))
        group = settings.app_id

        worker = start_worker(data_dir, broker.bootstrap, log)
        try:
            # SIGKILL once the sink committed a first write and much of the stream is still on its way
            def first_commit() -> bool:
                return committed(broker.bootstrap, group, "calls.scored") > 0

            wait_until(first_commit, 240, "a first sink commit", worker, log)
            at_kill = committed(broker.bootstrap, group, "calls.scored")
            worker.send_signal(signal.SIGKILL)
            worker.wait(30)
            assert at_kill < CALLS, "the stream was over before the kill: nothing to recover"

            def drained() -> bool:
                lag = consumer_lag(broker.bootstrap, group, SOURCES)
                return sum(lag.values()) == 0 and committed(broker.bootstrap, group, "calls.scored") >= CALLS

            for _ in range(3):  # the restarted worker resumes from the committed offsets
                worker = start_worker(data_dir, broker.bootstrap, log)
                wait_until(drained, 240, "the restarted worker to drain every topic", worker, log)
                time.sleep(2)  # a last flush in flight is written before the stop
                worker.send_signal(signal.SIGTERM)
                worker.wait(60)
                distinct, final, letters = stored(data_dir, tmp_path)
                if distinct == CALLS:
                    break
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(30)
    assert distinct == CALLS, f"{CALLS - distinct} call(s) lost after the crash"
    assert final == CALLS, "a call counted twice after the restart"
    assert letters == 0


def test_a_text_worker_killed_while_another_runs_hands_its_partitions_over(tmp_path: Path) -> None:
    """Two text workers share the consumer group; one is SIGKILLed mid-stream: after the group
    rebalances, the survivor processes the dead one's partitions from their committed offsets."""
    data_dir, log = tmp_path / "data", tmp_path / "worker.log"
    text = "filter,compress,score"
    with EmbeddedBroker() as broker:
        settings = Settings(kafka_bootstrap=broker.bootstrap, data_dir=data_dir)
        ensure_topics(settings, broker.bootstrap)
        group = settings.app_id
        sink = start_worker(data_dir, broker.bootstrap, log, "sink")
        victim = start_worker(tmp_path / "w1", broker.bootstrap, log, text)
        workers = [sink, victim]
        try:
            asyncio.run(produce(broker.bootstrap, "calls.transcribed", make_payloads(LONG, "crash-")))

            def scoring() -> bool:
                return committed(broker.bootstrap, group, "calls.compressed") > 0

            # the victim alone owns every text partition and is scoring when a second worker joins;
            # then the victim dies, and the survivor must take its partitions over (a rebalance)
            wait_until(scoring, 240, "the victim's first score commit", victim, log)
            survivor = start_worker(tmp_path / "w2", broker.bootstrap, log, text)
            workers.append(survivor)
            time.sleep(4)  # its join: the group rebalances, the two share the text partitions
            victim.send_signal(signal.SIGKILL)
            victim.wait(30)
            assert committed(broker.bootstrap, group, "calls.scored") < LONG, "nothing left to hand over"

            def drained() -> bool:
                lag = consumer_lag(broker.bootstrap, group, SOURCES)
                return sum(lag.values()) == 0 and committed(broker.bootstrap, group, "calls.scored") >= LONG

            wait_until(drained, 300, "the survivor to take the dead worker's partitions over", survivor, log)
            time.sleep(2)
        finally:
            stop_workers(workers)
    distinct, final, letters = stored(data_dir, tmp_path)
    assert distinct == LONG, f"{LONG - distinct} call(s) lost after the rebalance"
    assert final == LONG and letters == 0
