"""The CLI as a user runs it: `callstream demo`, `demo --calls`, `publish`, `query`, in fresh
processes, each starting its own broker process and chDB engine."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from connectors.events import SAMPLE_CALLS, SAMPLES_DIR
from schemas.codec import SingleObjectCodec
from streams.broker import EmbeddedBroker, free_port
from streams.demo import CANCEL_WAIT_S, Interrupt, Interrupted
from streams.lag import consumer_lag
from streams.topics import ALL
from tests.cli_env import cli_env
from tests.integration.test_pipeline import read_topic

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
CODEC = SingleObjectCodec()


def callstream(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None, timeout=600
):
    full_env = cli_env({"CALLSTREAM_METRICS_PORT": "0", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        cwd=cwd,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def brokers_on(bootstrap: str) -> list[str]:
    """Broker processes still listening on ``bootstrap`` (other tests may run brokers of their own)."""
    out = subprocess.run(["pgrep", "-af", f"tansu.*{bootstrap}"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "pgrep" not in line]


def spawn(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """A long-running ``callstream`` process (output and errors on one text pipe), to signal later."""
    return subprocess.Popen(
        [sys.executable, "-m", "streams.cli", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def query_json(sql: str, cwd: Path) -> list[dict]:
    result = callstream("query", sql, "--format", "json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_demo_twice_on_bundled_samples(tmp_path: Path) -> None:
    first = callstream("demo", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    sample_ids = [
        json.loads(line)["call_id"] for line in SAMPLE_CALLS.read_text().splitlines() if line.strip()
    ]
    for call_id in sample_ids:
        assert call_id in first.stdout
    assert "DEAD LETTER" not in first.stdout
    # No LLM configured: the baseline scorer fills every criterion and the table names it.
    lines = {line.split()[0]: line for line in first.stdout.splitlines() if line.strip()}
    # Each call by its queue's scorecard: the sales calls by the default card, the support calls by
    # the packaged support card (no sale probability for a call that sells nothing).
    assert "7/7 default (baseline)" in lines["sample-en-sale"]
    assert "6/6 support (baseline)" in lines["sample-en-complaint"]
    assert "  critical: legal_threat" in lines["sample-en-complaint"]  # the customer threatens to sue
    assert lines["sample-en-sale"].rstrip().endswith(" -")  # no alert: the column says so
    assert (tmp_path / ".callstream" / "clickhouse").is_dir()
    bootstrap = re.search(r"Kafka (127\.0\.0\.1:\d+)", first.stderr).group(1)
    assert brokers_on(bootstrap) == [], "the demo left a broker process behind"

    rows = query_json(
        "SELECT call_id, language, words, price_mentions, agent_talk_s FROM calls FINAL", tmp_path
    )
    by_id = {row["call_id"]: row for row in rows}
    assert set(by_id) == set(sample_ids)
    assert by_id["sample-ru-sale"]["language"] == "ru"
    assert by_id["sample-en-sale"]["price_mentions"] >= 2
    assert by_id["sample-en-mono"]["agent_talk_s"] is None
    assert all(row["words"] > 10 for row in rows)

    def totals() -> dict:
        return query_json(
            "SELECT (SELECT count() FROM calls FINAL) AS calls,"
            " (SELECT count() FROM call_segments FINAL) AS segs,"
            " (SELECT count() FROM call_criteria FINAL) AS crit",
            tmp_path,
        )[0]

    counts = totals()
    second = callstream("demo", cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert totals() == counts, "a second run over the same events added rows"


def test_demo_with_own_calls_file(tmp_path: Path) -> None:
    audio = tmp_path / "rec"
    audio.mkdir()
    shutil.copy(SAMPLES_DIR / "sample-en-complaint.wav", audio / "complaint.wav")
    (audio / "zero.wav").write_bytes(b"")
    base = json.loads(SAMPLE_CALLS.read_text().splitlines()[1])
    good = dict(base, call_id="own-good", recording_uri=(audio / "complaint.wav").as_uri())
    zero = dict(base, call_id="own-zero", recording_uri=(audio / "zero.wav").as_uri())
    big = dict(good, call_id="own-big", crm={"notes": "x" * 400_000})  # over CALLSTREAM_EVENT_MAX_BYTES
    calls = tmp_path / "my.jsonl"
    calls.write_text("\n".join([json.dumps(good), json.dumps(zero), "{not json}", json.dumps(big)]) + "\n")

    result = callstream("demo", "--calls", str(calls), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{calls}:3: invalid JSON" in result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "DEAD LETTER" not in lines["own-good"]
    assert "DEAD LETTER at transcribe: EmptyRecording" in lines["own-zero"]
    assert "DEAD LETTER at publish" in lines[f"{calls}:3"]
    # a line too large to publish is a bad line too, not the end of the run
    assert re.search(rf"{calls}:4: event is \d+ bytes, over CALLSTREAM_EVENT_MAX_BYTES", result.stderr)
    assert "DEAD LETTER at publish" in lines["own-big"], result.stdout
    assert "published 2 call(s), 2 bad line(s)" in result.stderr
    alerts = query_json("SELECT rule, severity FROM alerts FINAL WHERE call_id = 'own-good'", tmp_path)
    assert {"rule": "legal_threat", "severity": "critical"} in alerts

    # the same events again: this run's outcome printed, and no row twice (a dead letter's payload
    # differs on every publish: its receipt time)
    again = callstream("demo", "--calls", str(calls), cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "DEAD LETTER at transcribe: EmptyRecording" in again.stdout, again.stdout
    counts = query_json(
        "SELECT (SELECT count() FROM calls FINAL WHERE call_id = 'own-good') AS calls, "
        "(SELECT count() FROM dead_letters FINAL WHERE call_id = 'own-zero') AS zero, "
        "(SELECT count() FROM dead_letters FINAL WHERE stage = 'publish') AS bad_lines",
        tmp_path,
    )
    assert counts == [{"calls": 1, "zero": 1, "bad_lines": 2}], counts


def test_demo_calls_rerun_prints_this_runs_outcome(tmp_path: Path) -> None:
    """A percent-encoded file URI under configured roots is allowed, and a second run over the same
    data dir prints its own outcome, not the first run's dead letter."""
    audio = tmp_path / "my rec"
    audio.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    base = json.loads(SAMPLE_CALLS.read_text().splitlines()[1])
    call = dict(base, call_id="own-late", recording_uri=(audio / "late.wav").as_uri())
    assert "%20" in call["recording_uri"]
    calls = tmp_path / "late.jsonl"
    calls.write_text(json.dumps(call) + "\n")
    env = {"CALLSTREAM_RECORDING_ROOTS": str(other)}

    first = callstream("demo", "--calls", str(calls), cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "DEAD LETTER at transcribe: RecordingNotFound" in first.stdout, first.stdout

    shutil.copy(SAMPLES_DIR / "sample-en-complaint.wav", audio / "late.wav")
    second = callstream("demo", "--calls", str(calls), cwd=tmp_path, env=env)
    assert second.returncode == 0, second.stderr[-3000:]
    line = next(line for line in second.stdout.splitlines() if line.startswith("own-late"))
    assert "DEAD LETTER" not in line and "(baseline)" in line, second.stdout


def test_publish_reports_bad_lines_and_publishes_good_ones(tmp_path: Path) -> None:
    good = SAMPLE_CALLS.read_text().splitlines()[0]
    bad_type = json.dumps(dict(json.loads(good), call_id="x", started_at="yesterday"))
    text = "\n".join([good, "[1, 2]", bad_type, ""])
    with EmbeddedBroker() as broker:
        result = callstream(
            "publish", "-", cwd=tmp_path, stdin=text, env={"CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap}
        )
        assert result.returncode == 1
        assert "stdin:2: expected a JSON object" in result.stderr
        assert "stdin:3: started_at: not an ISO-8601 timestamp" in result.stderr
        assert "published 1 call(s); 2 bad line(s)" in result.stderr
        published = read_topic(broker.bootstrap, "calls.completed", 1)
        assert [m.key() for m in published] == [b"sample-en-sale"]
        assert CODEC.decode("CallCompleted", published[0].value())["agent"]["id"] == "a-102"
        letters = [
            CODEC.decode("DeadLetter", m.value()) for m in read_topic(broker.bootstrap, "calls.dlq", 2)
        ]
        assert sorted((d["stage"], d["offset"]) for d in letters) == [("publish", 2), ("publish", 3)]


def test_invalid_configuration_is_a_clear_error(tmp_path: Path) -> None:
    result = callstream("demo", cwd=tmp_path, env={"CALLSTREAM_PARTITIONS": "many"})
    assert result.returncode != 0
    assert "CALLSTREAM_PARTITIONS" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_check_names_a_misspelt_variable_once_as_refused(tmp_path: Path) -> None:
    """`config --check` said "ignoring unknown setting(s): CALLSTREAM_PARTITONS" and then, for the
    same name, "unknown setting(s)" with exit 2: the first line contradicted the verdict. Without
    --check (a worker starting) the name is still only warned about."""
    env = {"CALLSTREAM_PARTITONS": "8"}
    checked = callstream("config", "--check", cwd=tmp_path, env=env)
    assert checked.returncode == 2
    assert checked.stderr.splitlines() == [
        "callstream: unknown setting(s): CALLSTREAM_PARTITONS (environment): "
        "did you mean CALLSTREAM_PARTITIONS?"
    ]
    shown = callstream("config", cwd=tmp_path, env=env)
    assert (
        shown.returncode == 0
        and "callstream: ignoring unknown setting(s): CALLSTREAM_PARTITONS" in shown.stderr
    )


#: The demo's table header: printed only when the demo ran to the end.
TABLE_HEADER = "customer talk"


def interrupt_demo(tmp_path: Path, marker: str, after_s: float, signals: int = 1) -> tuple[int, str, str]:
    """Run ``callstream demo``, send SIGINT ``after_s`` after the line starting with ``marker`` (and
    again 0.2 s later for ``signals=2``); return its exit code, output and broker address."""
    demo = spawn("demo", cwd=tmp_path, env=cli_env())
    lines: list[str] = []
    try:
        assert demo.stdout is not None
        bootstrap = None
        for line in demo.stdout:
            lines.append(line)
            if found := re.match(r"stack: Kafka (\S+),", line):
                bootstrap = found.group(1)
            if line.startswith(marker):
                break
        assert bootstrap, "".join(lines)
        time.sleep(after_s)
        for _ in range(signals):
            demo.send_signal(signal.SIGINT)
            time.sleep(0.2)
        # Generous for a loaded CI machine; a demo that ignores the Ctrl-C still fails below (exit 0).
        out, _ = demo.communicate(timeout=240)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    return demo.returncode, "".join(lines) + out, bootstrap


@pytest.mark.parametrize(
    ("marker", "after_s"),
    [("stack: Kafka ", 0.0), ("stack: Kafka ", 1.5), ("stack: Kafka ", 4.0), ("published ", 0.0)],
)
def test_demo_interrupted_while_starting_exits_and_stops_its_broker(
    tmp_path: Path, marker: str, after_s: float
) -> None:
    """Ctrl-C soon after the broker is up (the worker being prepared or Faust starting, which on a
    loaded machine once swallowed it) or once the calls are published."""
    code, out, bootstrap = interrupt_demo(tmp_path, marker, after_s)
    assert code == 130, out[-3000:]
    assert TABLE_HEADER not in out, "the demo ran to the end despite the Ctrl-C"
    assert brokers_on(bootstrap) == []


def test_demo_second_ctrl_c_exits_at_once_and_stops_its_broker(tmp_path: Path) -> None:
    code, out, bootstrap = interrupt_demo(tmp_path, "published ", 0.0, signals=2)
    assert code == 130, out[-3000:]
    assert TABLE_HEADER not in out
    assert brokers_on(bootstrap) == []


def test_interrupt_stops_a_wait_that_swallows_its_cancellation() -> None:
    """What Faust's start-up may do with a Ctrl-C's cancellation (catch it and go on) no longer keeps
    the demo waiting: it gives up after CANCEL_WAIT_S; a second Ctrl-C raises KeyboardInterrupt."""

    async def swallowing() -> str:
        for _ in range(2):
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(60)
        return "ran to the end"

    async def main(interrupt: Interrupt) -> str:
        interrupt.bind()
        interrupt.graceful = True
        asyncio.get_running_loop().call_later(0.2, os.kill, os.getpid(), signal.SIGINT)
        return await interrupt.race(swallowing())

    before = signal.getsignal(signal.SIGINT)  # SIG_IGN when the suite runs as a background job
    with Interrupt() as interrupt:
        started = time.monotonic()
        with pytest.raises(Interrupted):
            asyncio.run(main(interrupt))
        interrupt.graceful = False  # as run_demo does once the loop is gone
        assert time.monotonic() - started < CANCEL_WAIT_S + 5
        assert interrupt.signum == signal.SIGINT
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
    assert signal.getsignal(signal.SIGINT) is before


def test_worker_runs_until_sigint_and_leaves_nothing_behind(tmp_path: Path) -> None:
    port = free_port()
    env = cli_env({"CALLSTREAM_EMBEDDED_BROKER_PORT": str(port), "CALLSTREAM_METRICS_PORT": "0"})
    worker = spawn("worker", cwd=tmp_path, env=env)
    try:
        # librdkafka may log a line first ("...|BGQUEUE|... Purging 1 unserved events ...")
        first = [worker.stdout.readline() for _ in range(1)]
        while "callstream worker: stages" not in first[-1] and first[-1] and len(first) < 20:
            first.append(worker.stdout.readline())
        assert "callstream worker: stages" in first[-1], first
        mono = [line for line in SAMPLE_CALLS.read_text().splitlines() if "sample-en-mono" in line]
        published = callstream(
            "publish",
            "-",
            cwd=tmp_path,
            stdin=mono[0],
            env={"CALLSTREAM_KAFKA_BOOTSTRAP": f"127.0.0.1:{port}"},
        )
        assert published.returncode == 0, published.stderr
        lag = {"calls.completed": 1}
        for _ in range(120):  # the worker's group commits every record of every topic it reads
            lag = consumer_lag(f"127.0.0.1:{port}", "callstream", [spec.name for spec in ALL])
            if not any(lag.values()) and sum(1 for _ in lag) == len(ALL):
                break
            time.sleep(1)
        assert not any(lag.values()), lag
    finally:
        worker.send_signal(signal.SIGINT)
        out, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, out[-3000:]
    assert brokers_on(f"127.0.0.1:{port}") == []
    rows = query_json("SELECT call_id, layout FROM calls FINAL", tmp_path)
    assert rows == [{"call_id": "sample-en-mono", "layout": "mono"}]


def test_second_signal_while_the_worker_runs_stops_the_broker_and_exits_now(monkeypatch) -> None:
    """Unwinding after a second Ctrl-C could hang (asyncio.run waits for tasks Faust's stop keeps
    waiting in); the demo stops the broker and exits with 128 + signal instead."""
    import streams.demo

    def exit_now(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(streams.demo.os, "_exit", exit_now)
    stopped: list[str] = []
    interrupt = Interrupt()
    interrupt.on_force.append(lambda: stopped.append("broker"))
    interrupt.graceful = True
    interrupt._on_signal(signal.SIGINT, None)  # first: recorded, the worker is asked to stop
    assert interrupt.signum == signal.SIGINT and stopped == []
    interrupt._on_signal(signal.SIGINT, None)  # the same signal at once: timeout(1)'s echo, ignored
    assert stopped == []
    interrupt._first.at -= 2.0  # a second Ctrl-C comes later than the echo window
    with pytest.raises(SystemExit) as exited:
        interrupt._on_signal(signal.SIGINT, None)
    assert exited.value.code == 130 and stopped == ["broker"]
