"""Records published to a stand-alone `callstream worker`'s embedded broker survive a clean restart:
the first worker (no stage reads them) stops on SIGINT and keeps them in the data directory, the
next one restores them and carries every call into ClickHouse. Real `callstream worker` processes,
their own Tansu broker, real chDB."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from pathlib import Path

import pytest

from streams.bench import make_payloads, produce
from streams.broker import free_port
from streams.lag import consumer_lag
from streams.spool import SPOOL_NAME
from tests.e2e.test_crash_recovery import SOURCES, committed, start_worker, stored, wait_until

pytestmark = pytest.mark.e2e

CALLS = 20


def stop(worker: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGINT) -> int:
    worker.send_signal(sig)
    return worker.wait(90)


def test_calls_published_to_a_stand_alone_worker_survive_its_restart(tmp_path: Path) -> None:
    data_dir, port = tmp_path / "data", free_port()
    bootstrap = f"127.0.0.1:{port}"
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"

    first = start_worker(data_dir, bootstrap, first_log, "sink", embedded=True)
    try:
        wait_until(lambda: "worker: stages" in first_log.read_text(), 120, "the start", first, first_log)
        assert "in memory" in first_log.read_text()  # the start line says what a crash would cost
        asyncio.run(produce(bootstrap, "calls.transcribed", make_payloads(CALLS, "spool-")))
        assert stop(first) == 0, first_log.read_text()[-3000:]
    finally:
        if first.poll() is None:
            first.kill()
    said = first_log.read_text()
    assert f"kept {CALLS} unprocessed record(s) (calls.transcribed {CALLS})" in said, said[-3000:]
    assert (data_dir / SPOOL_NAME).exists()

    second = start_worker(data_dir, bootstrap, second_log, "filter,compress,score,sink", embedded=True)
    try:

        def drained() -> bool:
            lag = consumer_lag(bootstrap, "callstream", SOURCES)
            return sum(lag.values()) == 0 and committed(bootstrap, "callstream", "calls.scored") >= CALLS

        wait_until(lambda: "worker: stages" in second_log.read_text(), 120, "the start", second, second_log)
        wait_until(drained, 240, "the restored calls to reach the sink", second, second_log)
        time.sleep(2)  # the sink's last flush
        assert stop(second, signal.SIGTERM) == 0, second_log.read_text()[-3000:]
    finally:
        if second.poll() is None:
            second.kill()
    assert f"restored {CALLS} record(s)" in second_log.read_text()
    assert not (data_dir / SPOOL_NAME).exists()  # all processed: nothing left to keep
    distinct, final, letters = stored(data_dir, tmp_path, prefix="spool-")
    assert (distinct, final, letters) == (CALLS, CALLS, 0)


def test_a_forced_stop_still_keeps_what_the_embedded_broker_holds(tmp_path: Path) -> None:
    """A second signal (or a stop over its time limit, e.g. while a long call is transcribed) ends the
    worker without a clean stop: the embedded broker dies with it, so the spool is written first."""
    data_dir, port = tmp_path / "data", free_port()
    bootstrap = f"127.0.0.1:{port}"
    log = tmp_path / "worker.log"
    worker = start_worker(data_dir, bootstrap, log, "sink", embedded=True)
    try:
        wait_until(lambda: "worker: stages" in log.read_text(), 120, "the start", worker, log)
        asyncio.run(produce(bootstrap, "calls.transcribed", make_payloads(CALLS, "forced-")))
        worker.send_signal(signal.SIGINT)
        worker.send_signal(signal.SIGTERM)  # another signal at once: the exit is forced
        assert worker.wait(90) == 1, log.read_text()[-3000:]
    finally:
        if worker.poll() is None:
            worker.kill()
    said = log.read_text()
    assert "exiting without a clean stop" in said, said[-3000:]
    assert f"kept {CALLS} unprocessed record(s) (calls.transcribed {CALLS})" in said, said[-3000:]
    assert (data_dir / SPOOL_NAME).exists()
