"""A DSN's scheme picks the transport: clickhouse-connect reads a DSN's host, port, user and database
but not its scheme, so ``https://host:port/db`` went out as plain HTTP (operator trial)."""

from __future__ import annotations

import socket
import threading

import pytest

from streams.clickhouse import ClickHouseUnavailable, _open, tls_of


def first_bytes_sent(dsn_for: str) -> bytes:
    """The first bytes a client opening ``dsn_for`` (``{port}`` filled in) sends to a local socket that
    answers nothing and closes."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    got: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        conn.settimeout(5)
        try:
            got.append(conn.recv(16))
        finally:
            conn.close()
            server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with pytest.raises(ClickHouseUnavailable):
        _open(dsn_for.format(port=port))
    thread.join(10)
    return got[0] if got else b""


@pytest.mark.parametrize("scheme", ["https", "clickhouses"])
def test_a_tls_scheme_starts_a_tls_handshake(scheme: str) -> None:
    sent = first_bytes_sent(f"{scheme}://u:p@127.0.0.1:{{port}}/db?connect_timeout=5")
    assert sent[:1] == b"\x16", sent  # a TLS record of type handshake (ClientHello), not "GET /?..."


@pytest.mark.parametrize("scheme", ["http", "clickhouse"])
def test_a_plain_scheme_speaks_http(scheme: str) -> None:
    sent = first_bytes_sent(f"{scheme}://u:p@127.0.0.1:{{port}}/db?connect_timeout=5")
    assert sent[:4] in (b"GET ", b"POST"), sent


def test_tls_defaults_to_port_8443() -> None:
    from clickhouse_connect.driver import _parse_connection_params

    dsn = "https://u:p@ch.example.com/db"
    args = tls_of(dsn)
    host, _, _, port, database, interface = _parse_connection_params(
        None, None, None, None, None, args["interface"], args["secure"], dsn, {}
    )
    assert (host, port, database, interface) == ("ch.example.com", 8443, "db", "https")
    assert tls_of("chdb:///tmp/x") == {} and tls_of("http://h/db") == {}
