"""streams.metrics.serve: /metrics listens on the address it is given."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from typing import Any

import pytest

from streams import metrics


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_metrics_bind_where_told(monkeypatch: pytest.MonkeyPatch) -> None:
    servers: list[Any] = []

    def start(port: int, host: str) -> Any:
        servers.append(real_start(port, host))
        return servers[-1]

    real_start = metrics.start_server
    monkeypatch.setattr(metrics, "start_server", start)
    port = free_port()
    assert metrics.serve(port, "127.0.0.1") == port
    [server] = servers
    try:
        assert server.server_address[:2] == ("127.0.0.1", port)  # not 0.0.0.0: loopback only
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            assert b"callstream_records_in_total" in response.read()
    finally:
        server.shutdown()
        server.server_close()


def held_open(port: int, count: int) -> list[socket.socket]:
    """``count`` connections that send half a request and then nothing (a slow-loris client)."""
    conns = []
    for _ in range(count):
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        conn.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        conns.append(conn)
    return conns


def closed_by_server(conn: socket.socket, within: float) -> bool:
    conn.settimeout(within)
    try:
        return conn.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:  # reset
        return True


@pytest.mark.parametrize("endpoint", ["metrics", "health"])
def test_idle_connections_hold_no_more_than_the_bound_of_the_workers_threads(
    monkeypatch: pytest.MonkeyPatch, endpoint: str
) -> None:
    """Neither endpoint has a login, and each connection held a thread of the worker for as long as
    the client liked: a security review held 200 of them. Now at most ENDPOINT_MAX_CONNECTIONS are
    served at once (the rest are closed at once) and one that sends nothing is dropped."""
    monkeypatch.setattr(metrics, "ENDPOINT_MAX_CONNECTIONS", 4)
    monkeypatch.setattr(metrics.BoundedThreads, "max_connections", 4)
    monkeypatch.setattr(metrics._QuietHandler, "timeout", 1.0)
    if endpoint == "metrics":
        server = metrics.start_server(0, "127.0.0.1")
    else:
        from streams.observability import Health, serve_health

        monkeypatch.setattr(metrics, "ENDPOINT_IDLE_TIMEOUT_S", 1.0)
        server = serve_health(Health(["filter"]), 0)
    port = server.server_address[1]
    before = threading.active_count()
    try:
        conns = held_open(port, 12)
        time.sleep(0.3)
        assert threading.active_count() - before <= 4
        # over the bound: closed at once; within it: dropped once idle for the timeout
        assert all(closed_by_server(c, 5.0) for c in conns)
        path = "/metrics" if endpoint == "metrics" else "/healthz"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            assert response.status == 200  # served again once the idle ones are gone
    finally:
        for conn in conns:
            conn.close()
        server.shutdown()
        server.server_close()


def test_metrics_host_in_use_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert metrics.serve(port, "127.0.0.1") == 0
    assert f"127.0.0.1:{port}" in caplog.text
    # `ingest` beside a worker: the message names the setting that gives this process another port
    assert "Address already in use; set CALLSTREAM_METRICS_PORT to a free port" in caplog.text


def test_metrics_off() -> None:
    assert metrics.serve(0, "127.0.0.1") == 0


def test_a_workers_stage_series_exist_at_0_from_the_start() -> None:
    """An operator trial: callstream_retries_total and the like appeared only at their first event, so
    rate()/increase() missed that event and alerts saw nothing. A fresh process (its own registry)
    shows what init_stages creates."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from prometheus_client import generate_latest\n"
        "from streams import metrics\n"
        "metrics.init_stages(['transcribe', 'compress', 'sink'])\n"
        "print(generate_latest().decode())\n"
    )
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root}
    text = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=root
    ).stdout
    for series in (
        'callstream_retries_total{stage="transcribe"} 0.0',
        'callstream_records_in_total{stage="sink"} 0.0',
        'callstream_records_out_total{stage="compress"} 0.0',
        'callstream_stage_seconds_count{stage="transcribe"} 0.0',
        'callstream_tokens_total{when="after"} 0.0',
        'callstream_sink_superseded_calls_total{outcome="refused"} 0.0',  # an alert's increase()
    ):
        assert series in text.splitlines(), series
    assert 'stage="filter"' not in text  # only this worker's stages
    # a failure class is not known in advance: no made-up error="none" series
    assert "callstream_records_failed_total{" not in text
