"""Property-based fuzzing of the ingest API from its own OpenAPI document (schemathesis): whatever
a client sends, the server answers with a documented status and never a 5xx it did not document."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from connectors.auth import TenantAuth
from connectors.ingest import create_app
from connectors.openapi import OPENAPI
from connectors.publisher import CallPublisher
from schemas.codec import SingleObjectCodec
from streams.broker import EmbeddedBroker, free_port
from streams.settings import Settings
from streams.topics import ensure_topics

pytestmark = pytest.mark.integration
schema = schemathesis.openapi.from_dict(OPENAPI)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real API on loopback (its own thread and loop) in front of a real broker."""
    with EmbeddedBroker() as broker:
        settings = Settings(data_dir=Path(tmp_path_factory.mktemp("fuzz")), topic_prefix="fuzz.")
        ensure_topics(settings, broker.bootstrap)
        app = create_app(
            CallPublisher(settings, broker.bootstrap, SingleObjectCodec()), TenantAuth({"fuzz": "t"})
        )
        port = free_port()
        loop = asyncio.new_event_loop()
        runner = web.AppRunner(app)
        started = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
            started.set()
            loop.run_forever()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        assert started.wait(10)
        yield f"http://127.0.0.1:{port}"
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@schema.parametrize()
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_ingest_api_conforms_to_its_openapi_document(case: schemathesis.Case, base_url: str) -> None:
    # Positive-data acceptance is left out: the API also enforces rules JSON Schema cannot express
    # (ended_at after started_at, parseable timestamps), answered with a documented 400.
    case.call_and_validate(
        base_url=base_url, headers={"Authorization": "Bearer t"}, excluded_checks=[positive_data_acceptance]
    )
