"""The ingest API against a client that stalls mid-body: a 408 in bounded time, not a held socket;
and a client without credentials gets its 401 without its body being waited for."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiohttp import web

from connectors.auth import TenantAuth
from connectors.ingest import create_app
from connectors.publisher import CallPublisher
from schemas.codec import SingleObjectCodec
from streams.broker import free_port
from streams.settings import Settings


async def _stalled_post(path: str, headers: str = "Authorization: Bearer t\r\n") -> tuple[bytes, float]:
    settings = Settings(ingest_read_timeout_s=0.5)
    # nothing is published: the body never arrives, so the producer never connects
    app = create_app(
        CallPublisher(settings, "127.0.0.1:1", SingleObjectCodec(), config={"log_level": 0}),
        TenantAuth({"demo": "t", "signs": "t-signs"}, {"tw": "twilio-token", "signs": "s"}),
    )
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}"
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
    for path, headers in [
        ("/v1/calls", "Authorization: Bearer t\r\n"),
        ("/v1/calls", "Authorization: Bearer t-signs\r\nX-Callstream-Signature: sha256=00\r\n"),
        ("/v1/webhooks/twilio?tenant=tw", "X-Twilio-Signature: c2lnbmVk\r\n"),
    ]:
        answer, _ = asyncio.run(_stalled_post(path, headers))
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408"), (path, head)
        assert "not received within 0.5 s" in json.loads(body)["error"]


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/v1/calls", ""),
        ("/v1/calls", "Authorization: Bearer wrong\r\n"),
        ("/v1/calls", "Authorization: Bearer t-signs\r\n"),  # its tenant must sign: no header, no body
        ("/v1/webhooks/vonage", "Authorization: Bearer wrong\r\n"),
        ("/v1/webhooks/twilio?tenant=nobody", "X-Twilio-Signature: c2lnbmVk\r\n"),
        ("/v1/webhooks/twilio?tenant=tw", ""),
    ],
)
def test_credentials_are_checked_before_the_body_is_read(path: str, headers: str) -> None:
    """Security audit L2: a wrong token's body (up to 1 MB, for up to the read timeout) was read and
    held before the token was checked. Now the 401 comes at once, with the body still unsent."""
    answer, waited = asyncio.run(_stalled_post(path, headers))
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 401"), head
    assert waited < 0.4  # not after the 0.5 s read timeout
    assert "not received" not in json.loads(body)["error"]
