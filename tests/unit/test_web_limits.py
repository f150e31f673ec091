"""The live stream's limits on a real aiohttp server, without ClickHouse: a page that stops reading
is dropped after the write timeout, and streams over CALLSTREAM_WEB_MAX_STREAMS get a JSON 503."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import ClientResponse, ClientSession
from aiohttp import web as aioweb
from aiohttp.test_utils import TestClient, TestServer

from streams import supervisor, web
from streams.settings import Settings

#: Generous: how long a test waits for the server to act; the timeouts under test are far shorter.
PATIENCE = 30.0


class QuietClickHouse:
    """A ClickHouse with no new rows: events are put on the pages' queues by the tests themselves."""

    async def __call__(self, fn: Any, *args: Any) -> Any:
        if fn is supervisor.server_now_ms:
            return 1_800_000_000_000
        if fn is web._poll:
            return [], []
        raise AssertionError(fn)


def serve(settings: Settings, body: Callable[[TestClient, aioweb.Application], Awaitable[None]]) -> None:
    async def main() -> None:
        app = web.create_app(settings, QuietClickHouse())  # type: ignore[arg-type]
        async with TestClient(TestServer(app)) as http:
            await body(http, app)

    asyncio.run(main())


async def until(condition: Callable[[], bool]) -> None:
    deadline = asyncio.get_running_loop().time() + PATIENCE
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "the server did not act in time"
        await asyncio.sleep(0.05)


async def open_stream(http: TestClient) -> ClientResponse:
    response = await http.get("/api/stream")
    assert response.status == 200, await response.text()
    assert await response.content.readuntil(b"\n\n") == b"retry: 2000\nevent: ready\ndata: {}\n\n"
    return response


def test_a_page_that_stops_reading_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    async def body(http: TestClient, app: aioweb.Application) -> None:
        loop = asyncio.get_running_loop()
        # A client that sends its request and never reads: small buffers so they fill quickly.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        try:
            await loop.sock_connect(sock, (http.server.host, http.server.port))
            await loop.sock_sendall(sock, b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            feed = app[web.FEED]
            await until(lambda: len(feed.subscribers) == 1)
            [page] = feed.subscribers
            row = {"call_id": "c-1", "tenant": "acme", "summary": "x" * 65_536}
            for _ in range(400):  # ~26 MB: more than any socket buffer holds
                page.queue.put_nowait(("call", row))
            await until(lambda: not feed.subscribers and app[web.SLOTS].open == 0)
        finally:
            sock.close()

    with caplog.at_level(logging.INFO, logger="streams.web"):
        serve(Settings(web_stream_write_timeout=0.2, web_poll_seconds=0.2), body)
    [dropped] = [r.getMessage() for r in caplog.records if "dropped the stream" in r.getMessage()]
    assert "127.0.0.1" in dropped and "CALLSTREAM_WEB_STREAM_WRITE_TIMEOUT" in dropped


def test_streams_over_the_cap_get_503_with_retry_after() -> None:
    async def body(http: TestClient, app: aioweb.Application) -> None:
        first, second = await open_stream(http), await open_stream(http)
        refused = await http.get("/api/stream")
        assert refused.status == 503 and refused.content_type == "application/json"
        assert refused.headers["Retry-After"] == str(web.STREAM_RETRY_AFTER)
        assert "CALLSTREAM_WEB_MAX_STREAMS" in (await refused.json())["error"]
        # A stream that ends gives its slot back.
        feed = app[web.FEED]
        next(iter(feed.subscribers)).queue.put_nowait(None)
        await until(lambda: app[web.SLOTS].open == 1)
        third = await open_stream(http)
        for response in (first, second, third):
            response.close()

    serve(Settings(web_max_streams=2, web_poll_seconds=0.2), body)


def test_a_closed_page_frees_its_slot_before_the_next_heartbeat() -> None:
    """On the server the worker runs (not aiohttp's TestServer, which cancels handlers itself)."""

    async def main() -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = web.WebServer(
            Settings(web_port=port, web_max_streams=1, web_poll_seconds=0.2), QuietClickHouse()
        )
        assert await server.start() is not None
        try:
            app = server.app
            async with ClientSession() as session:
                response = await session.get(f"{server.url}api/stream")
                assert await response.content.readuntil(b"\n\n") == b"retry: 2000\nevent: ready\ndata: {}\n\n"
                assert app[web.SLOTS].open == 1
                response.close()  # the page is closed: no event is due, so no write notices it
            loop = asyncio.get_running_loop()
            deadline = loop.time() + web.HEARTBEAT_SECONDS / 3
            while app[web.SLOTS].open or app[web.FEED].subscribers:
                assert loop.time() < deadline, "a closed page held its stream slot until the heartbeat"
                await asyncio.sleep(0.05)
        finally:
            await server.stop()

    asyncio.run(main())
