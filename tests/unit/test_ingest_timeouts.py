"""The ingest API against a client that stalls mid-body: a 408 in bounded time, not a held socket."""

from __future__ import annotations

import asyncio
import json
import time

from aiohttp import web

from connectors.auth import TenantAuth
from connectors.ingest import create_app
from connectors.publisher import CallPublisher
from schemas.codec import SingleObjectCodec
from streams.broker import free_port
from streams.settings import Settings


async def _stalled_post(path: str) -> tuple[bytes, float]:
    settings = Settings(ingest_read_timeout_s=0.5)
    # nothing is published: the body never arrives, so the producer never connects
    app = create_app(
        CallPublisher(settings, "127.0.0.1:1", SingleObjectCodec(), config={"log_level": 0}),
        TenantAuth({"demo": "t"}, {}),
    )
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n"
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"call_id": '.encode()
        )
        await writer.drain()
        started = time.monotonic()
        answer = await asyncio.wait_for(reader.read(4096), timeout=10)
        writer.close()
        await writer.wait_closed()
        return answer, time.monotonic() - started
    finally:
        await runner.cleanup()


def test_a_body_that_stalls_gets_408_within_the_read_timeout() -> None:
    for path in ("/v1/calls", "/v1/webhooks/twilio"):
        answer, _ = asyncio.run(_stalled_post(path))
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408"), head
        assert "not received within 0.5 s" in json.loads(body)["error"]
