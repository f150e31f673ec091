"""streams.metrics.serve: /metrics listens on the address it is given."""

from __future__ import annotations

import socket
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

    def start(port: int, addr: str = "0.0.0.0") -> tuple[Any, Any]:
        server, thread = real_start(port, addr=addr)
        servers.append(server)
        return server, thread

    real_start = metrics.start_http_server
    monkeypatch.setattr(metrics, "start_http_server", start)
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


def test_metrics_host_in_use_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert metrics.serve(port, "127.0.0.1") == 0
    assert f"127.0.0.1:{port}" in caplog.text


def test_metrics_off() -> None:
    assert metrics.serve(0, "127.0.0.1") == 0
