"""The integrator's path end to end: a signed Twilio recording callback → ingest API → broker →
every stage (the recording fetched over http from the "Twilio" server) → a scored row in ClickHouse."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.parse
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from connectors.auth import TenantAuth, twilio_signature
from connectors.events import SAMPLES_DIR
from connectors.ingest import create_app
from connectors.publisher import CallPublisher
from streams.app import Runtime
from streams.broker import EmbeddedBroker, free_port
from streams.demo import process
from streams.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

TIMELINE = SAMPLES_DIR / "sample-en-sale.timeline.json"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_twilio_callback_ends_as_a_scored_call(tmp_path: Path, chdb_dsn: str, chdb_client) -> None:
    # The "Twilio" media server: serves RE…wav like api.twilio.com serves recordings.
    media = tmp_path / "media"
    media.mkdir()
    (media / "RE77.wav").write_bytes((SAMPLES_DIR / "sample-en-sale.wav").read_bytes())
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(media)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    recording_url = f"http://127.0.0.1:{server.server_address[1]}/RE77"
    form = {
        "AccountSid": "AC1",
        "CallSid": "CA-e2e-77",
        "RecordingSid": "RE77",
        "RecordingUrl": recording_url,
        "RecordingStatus": "completed",
        "RecordingDuration": str(round(json.loads(TIMELINE.read_text())["duration"])),
        "RecordingChannels": "2",
        "RecordingStartTime": "Fri, 20 Nov 2026 10:00:00 +0000",
        "From": "+15550002222",
        "To": "+15550001111",
    }
    settings = Settings(
        data_dir=tmp_path / "data",
        clickhouse_dsn=chdb_dsn,
        topic_prefix="twilio-e2e.",
        partitions=2,
        metrics_port=0,
        recording_http_hosts=["127.0.0.1"],
        recording_http_allow_private=True,  # the test's "Twilio" lives on loopback
    )

    def feed(rt: Runtime) -> None:
        async def post() -> int:
            app = create_app(
                CallPublisher(settings, rt.bootstrap, rt.codec), TenantAuth({}, {"acme": "twilio-token"})
            )
            runner = web.AppRunner(app)
            await runner.setup()
            port = free_port()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            try:
                url = f"http://127.0.0.1:{port}/v1/webhooks/twilio?tenant=acme"
                signature = twilio_signature("twilio-token", url, {k: [v] for k, v in form.items()})
                async with aiohttp.ClientSession() as session:
                    body = urllib.parse.urlencode(form)
                    headers = {
                        "X-Twilio-Signature": signature,
                        "Content-Type": "application/x-www-form-urlencoded",
                    }
                    async with session.post(url, data=body, headers=headers) as resp:
                        return resp.status
            finally:
                await runner.cleanup()

        assert asyncio.run(post()) == 202

    with EmbeddedBroker() as broker:
        outcome = asyncio.run(
            process(settings, broker.bootstrap, feed, ["CA-e2e-77"], timeout=240, progress=None)
        )
    server.shutdown()
    assert outcome.complete and "CA-e2e-77" in outcome.done, outcome.dead
    row = chdb_client.query(
        "SELECT tenant, source, layout, price_mentions, scorer FROM calls FINAL WHERE call_id = 'CA-e2e-77'"
    ).result_rows
    assert row == [("acme", "twilio", "stereo", 2, "baseline")]
    text = " ".join(
        r[0]
        for r in chdb_client.query(
            "SELECT text FROM call_segments FINAL WHERE call_id = 'CA-e2e-77' AND role = 'agent'"
        ).result_rows
    ).lower()
    assert "contract" in text
