"""Consumer-lag gauge and the worker's health endpoint (streams/observability.py), without a broker."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from prometheus_client import REGISTRY

from streams.app import Runtime
from streams.observability import Health, LagReporter, agent_topics, serve_health
from streams.settings import Settings


def gauge(topic: str) -> float | None:
    return REGISTRY.get_sample_value("callstream_consumer_lag", {"topic": topic})


def failures() -> float:
    return REGISTRY.get_sample_value("callstream_lag_check_failures_total") or 0.0


def test_lag_check_sets_the_gauge_per_topic():
    calls = []

    def fake_lag(bootstrap, group, topics, timeout):
        calls.append((bootstrap, group, tuple(topics), timeout))
        return {"unit.calls.completed": 7, "unit.calls.dlq": 0}

    reporter = LagReporter(
        "b:9092", "callstream-text", ["unit.calls.dlq", "unit.calls.completed"], 30, lag_fn=fake_lag
    )
    assert reporter.check_once() == {"unit.calls.completed": 7, "unit.calls.dlq": 0}
    assert calls == [("b:9092", "callstream-text", ("unit.calls.completed", "unit.calls.dlq"), 10.0)]
    assert gauge("unit.calls.completed") == 7
    assert gauge("unit.calls.dlq") == 0
    assert reporter.last_error is None and reporter.last_checked is not None


def test_a_failed_lag_check_is_counted_and_never_raised():
    def broken(*args, **kwargs):
        raise RuntimeError("broker down")

    before = failures()
    reporter = LagReporter("b:9092", "g", ["unit.fail"], 5, lag_fn=broken)
    assert reporter.check_once() == {}
    assert failures() == before + 1
    assert reporter.last_error == "RuntimeError: broker down"


def test_a_broker_unreachable_for_a_while_drops_the_lag_and_fails_readiness():
    """A worker whose broker is gone makes no progress: its last lag must not stay on the dashboards
    as if current, and /readyz says why it is not ready. One failed check changes neither (a slow
    answer must not reset the lag alerts' ``for:`` clocks); /healthz stays 200 (a restart does not
    bring a broker back)."""
    up = {"ok": True}

    def flaky(*args, **kwargs):
        if not up["ok"]:
            raise ConnectionError("broker down")
        return {"unit.unreachable": 42}

    reporter = LagReporter("b", "g", ["unit.unreachable"], 15, lag_fn=flaky)
    health = Health(["filter"])
    health.lag = reporter
    health.beat()
    assert reporter.check_once() == {"unit.unreachable": 42}
    checked = REGISTRY.get_sample_value("callstream_consumer_lag_checked_timestamp_seconds")
    assert checked == pytest.approx(time.time(), abs=5)

    up["ok"] = False
    reporter.check_once()
    assert gauge("unit.unreachable") == 42  # one failure: kept
    assert health.report("/readyz")[0] == 200
    assert not reporter.unreachable(time.monotonic() + 44)  # 3 intervals of 15 s, at least 60 s
    assert reporter.unreachable(time.monotonic() + 61)

    reporter.failing_since = time.monotonic() - 61  # the broker has been gone a minute
    reporter.check_once()
    assert gauge("unit.unreachable") is None
    status, body = health.report("/readyz")
    assert (status, body["status"]) == (503, "broker unreachable")
    assert body["lag_error"] == "ConnectionError: broker down" and body["consumer_lag"] == {}
    assert health.report("/healthz")[0] == 200

    up["ok"] = True  # back: the gauge, readiness and the failure streak recover at the next check
    reporter.check_once()
    assert gauge("unit.unreachable") == 42
    assert health.report("/readyz")[0] == 200 and reporter.failing_since is None


def test_the_reporter_thread_checks_periodically_and_stops():
    seen = threading.Event()
    count = 0

    def fake_lag(bootstrap, group, topics, timeout):
        nonlocal count
        count += 1
        if count >= 3:
            seen.set()
        return {"unit.periodic": count}

    reporter = LagReporter("b", "g", ["unit.periodic"], 0.05, lag_fn=fake_lag).start()
    try:
        assert seen.wait(5), "the lag thread did not check three times"
    finally:
        reporter.stop()
    after = count
    time.sleep(0.2)
    assert count == after  # stopped
    assert gauge("unit.periodic") == after


def test_interval_zero_disables_the_reporter():
    reporter = LagReporter("b", "g", ["t"], 0, lag_fn=lambda *a, **k: pytest.fail("must not run")).start()
    assert reporter._thread is None
    reporter.stop()


def test_agent_topics_are_the_topics_the_workers_agents_read():
    rt = Runtime(Settings(topic_prefix="dev."), "127.0.0.1:1")
    try:
        rt.register(["filter", "compress"])  # stages that open no ClickHouse (one chDB path per process)
        assert agent_topics(rt.app) == ["dev.calls.filtered", "dev.calls.transcribed"]
    finally:
        rt.close()


def test_health_states():
    health = Health(["filter"], stale_after=0.2)
    assert health.report("/healthz")[0] == 200  # starting (models loading) is alive
    status, body = health.report("/readyz")
    assert (status, body["status"]) == (503, "starting")
    health.beat()
    assert health.report("/healthz")[0] == 200
    assert health.report("/readyz") == (200, health.report("/readyz")[1])
    time.sleep(0.3)  # the event loop stopped beating
    status, body = health.report("/healthz")
    assert (status, body["status"]) == (503, "event loop stalled")
    assert health.report("/readyz")[0] == 503


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}") if exc.code != 404 else {}


def test_health_endpoint_over_http():
    health = Health(["transcribe"])
    health.lag = LagReporter("b", "g", ["calls.completed"], 10, lag_fn=lambda *a, **k: {"calls.completed": 3})
    health.lag.check_once()
    server = serve_health(health, 0, host="127.0.0.1")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert get(f"{base}/healthz")[0] == 200
        assert get(f"{base}/readyz")[0] == 503
        health.beat()
        status, body = get(f"{base}/readyz")
        assert status == 200
        assert body["stages"] == ["transcribe"] and body["consumer_lag"] == {"calls.completed": 3}
        assert get(f"{base}/nope")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_a_second_signal_or_a_stop_that_hangs_ends_the_worker(monkeypatch):
    """mode ignores every signal after the first, so a stop stuck during start-up left a worker that
    SIGINT and SIGTERM could not end (seen in CI on a loaded machine)."""
    import signal
    import time

    import faust

    from streams import worker

    exits: list[str] = []
    monkeypatch.setattr(worker, "force_exit", exits.append)

    def first_signal(self, sig):  # what mode does: remember the stop, start it
        self._signal_stop_time = 1.0

    monkeypatch.setattr(faust.Worker, "_schedule_shutdown", first_signal)
    w = object.__new__(worker.Worker)
    w._signal_stop_time = None
    w.shutdown_timeout_s = 0.05
    w._schedule_shutdown(signal.SIGTERM)
    time.sleep(0.5)
    assert exits == ["stop not done 0.05 s after SIGTERM"]
    w._schedule_shutdown(signal.SIGINT)
    assert exits[-1] == "SIGINT again while stopping"


def test_health_endpoint_binds_the_metrics_address(monkeypatch):
    """/healthz has no login: loopback unless CALLSTREAM_METRICS_HOST opens it (it bound 0.0.0.0)."""
    health = Health(["filter"])
    server = serve_health(health, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.shutdown()
        server.server_close()

    import types

    from streams import observability
    from streams.settings import Settings

    bound: list[str] = []

    def fake_serve(health, port, host="127.0.0.1"):
        bound.append(host)
        return serve_health(health, 0, host)

    monkeypatch.setattr(observability, "serve_health", fake_serve)
    monkeypatch.setattr(LagReporter, "start", lambda self: None)
    monkeypatch.setattr(LagReporter, "stop", lambda self: None)
    settings = Settings(health_port=18081, metrics_host="0.0.0.0", stages=["filter"])
    rt = types.SimpleNamespace(settings=settings, app=types.SimpleNamespace(task=lambda fn: fn, agents={}))
    with observability.observe(rt, "127.0.0.1:9092"):
        pass
    assert bound == ["0.0.0.0"]


def test_a_health_port_in_use_names_the_setting_to_change(monkeypatch, caplog):
    """A second worker on one machine found the port taken: the warning says which variable frees it."""
    import errno
    import types

    from streams import observability

    def taken(health, port, host="127.0.0.1"):
        raise OSError(errno.EADDRINUSE, "Address already in use")

    monkeypatch.setattr(observability, "serve_health", taken)
    monkeypatch.setattr(LagReporter, "start", lambda self: None)
    monkeypatch.setattr(LagReporter, "stop", lambda self: None)
    rt = types.SimpleNamespace(
        settings=Settings(health_port=18081, stages=["filter"]),
        app=types.SimpleNamespace(task=lambda fn: fn, agents={}),
    )
    with (
        caplog.at_level("WARNING", logger="streams.observability"),
        observability.observe(rt, "127.0.0.1:9092"),
    ):
        pass
    assert (
        "health endpoint not started on port 18081: Address already in use; set CALLSTREAM_HEALTH_PORT"
        in (caplog.text)
    )


def test_end_to_end_latency_counts_from_the_events_acceptance_when_later_than_the_calls_end():
    from datetime import UTC, datetime, timedelta

    from streams.agents.sink import end_to_end_seconds

    ended = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC).timestamp()
    imported = {"ended_at": ended, "received_at": datetime.fromtimestamp(now - 90, UTC)}
    assert end_to_end_seconds(imported, now) == pytest.approx(90)  # a backfill: not four days late
    live = {"ended_at": datetime.fromtimestamp(now - 40, UTC), "received_at": ended - timedelta(days=1)}
    assert end_to_end_seconds(live, now) == pytest.approx(40)  # acceptance before the end (clock skew)
    assert end_to_end_seconds({"ended_at": datetime.fromtimestamp(now + 5, UTC)}, now) == 0.0


def test_log_lines_escape_control_characters_from_input(capsys):
    """A call id with a line break forged a CRITICAL line in the log (security review); producers
    writing to the topics directly skip the ingest API's checks, so every line is escaped."""
    import logging

    from streams.worker import EscapingFormatter

    handler = logging.StreamHandler()
    handler.setFormatter(EscapingFormatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("unit.escaping")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        forged = "evil\n2026-11-24 06:00:00,000 CRITICAL streams.auth: admin login accepted\x1b[31m"
        logger.warning("dead letter for %s", forged)
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("call %s failed", "c\r1")
    finally:
        logger.removeHandler(handler)
    err = capsys.readouterr().err
    first, second, *trace = err.splitlines()
    assert first == (
        "WARNING unit.escaping: dead letter for evil\\n2026-11-24 06:00:00,000 CRITICAL streams.auth: "
        "admin login accepted\\x1b[31m"
    )
    assert second == "ERROR unit.escaping: call c\\r1 failed"
    assert trace[0] == "Traceback (most recent call last):"  # a traceback keeps its lines
