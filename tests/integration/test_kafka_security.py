"""CALLSTREAM_KAFKA_SECURITY_PROTOCOL=SSL against a real broker: the embedded Tansu broker behind a
TLS-terminating proxy (this Tansu build serves no TLS itself; SASL is tested in test_kafka_sasl.py,
through a proxy that speaks the SASL exchange, as Tansu users cannot be created here).

The broker advertises the proxy's address, so every connection (bootstrap and per-broker) is TLS,
verified against the test CA: topic setup, the publisher, the lag check and the Faust app's aiokafka
clients all go through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import pytest
from aiokafka import AIOKafkaConsumer
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

from connectors.events import SAMPLE_CALLS, read_jsonl
from connectors.publisher import CallPublisher
from schemas.codec import SingleObjectCodec
from streams.app import create_faust_app
from streams.broker import broker_binary, free_port
from streams.lag import consumer_lag
from streams.settings import Settings, load_settings
from streams.topics import COMPLETED, TopicSetupError, ensure_topics
from tests.unit.test_kafka_security import make_tls_files

pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("clean_env")]  # clean_env: tests/conftest.py


class RelayProxy:
    """Accepts connections on ``127.0.0.1:port`` (TLS with ``context``) and relays them to
    ``target_port``, in a thread of its own; subclasses override :meth:`_serve` to speak first."""

    def __init__(self, port: int, target_port: int, context: ssl.SSLContext | None = None) -> None:
        self.port, self.target_port, self.context = port, target_port, context
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self._relay(reader, up_writer), self._relay(up_reader, writer))

    def __enter__(self) -> Self:
        self.thread.start()
        start = asyncio.start_server(self._serve, "127.0.0.1", self.port, ssl=self.context)
        self.server = asyncio.run_coroutine_threadsafe(start, self.loop).result(10)
        return self

    async def _stop(self) -> None:
        assert self.server is not None
        self.server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def tls_proxy(port: int, target_port: int, cert: Path, key: Path) -> RelayProxy:
    """Accepts TLS on ``127.0.0.1:port`` and relays the plaintext to ``target_port``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return RelayProxy(port, target_port, context)


@contextlib.contextmanager
def hidden_broker(log: Path) -> Iterator[tuple[int, int]]:
    """(inner, outer) ports: Tansu listens on ``inner`` and advertises ``outer``, where the caller's
    proxy goes, so every client connection (bootstrap and per-broker) passes the proxy."""
    inner, outer = free_port(), free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [broker_binary(), "broker", "--listener-url", f"tcp://127.0.0.1:{inner}",
             "--advertised-listener-url", f"tcp://127.0.0.1:{outer}", "--storage-engine", "memory://tansu/"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", inner), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
                time.sleep(0.05)
        yield inner, outer
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_broker(tls: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bootstrap address of a TLS-only broker (Tansu on a hidden port, advertised as the proxy)."""
    log = tmp_path_factory.mktemp("broker") / "broker.log"
    with hidden_broker(log) as (inner, outer), tls_proxy(outer, inner, tls["cert"], tls["key"]):
        yield f"127.0.0.1:{outer}"


def ssl_settings(bootstrap: str, cafile: Path, **extra: object) -> Settings:
    for name in [n for n in os.environ if n.startswith("CALLSTREAM_")]:
        os.environ.pop(name)  # restored by the monkeypatch fixture of each test
    return load_settings(
        kafka_bootstrap=bootstrap,
        kafka_security_protocol="SSL",
        kafka_ssl_cafile=cafile,
        topic_prefix=f"tls{uuid.uuid4().hex[:6]}.",
        partitions=1,
        **extra,
    )


def test_clients_work_over_tls(tls_broker: str, tls: dict[str, Path]) -> None:
    settings = ssl_settings(tls_broker, tls["ca"])
    assert COMPLETED.name in {
        n.removeprefix(settings.topic_prefix) for n in ensure_topics(settings, tls_broker)
    }

    codec = SingleObjectCodec()
    publisher = CallPublisher(settings, tls_broker, codec)
    call = next(read_jsonl(SAMPLE_CALLS.read_text().splitlines())).record
    assert call is not None
    publisher.publish(call)
    publisher.flush(30)
    assert publisher.delivered == 1

    topic = settings.topic(COMPLETED.name)
    lag = consumer_lag(tls_broker, "tls-group", [topic], security=settings.kafka_client_config())
    assert lag == {topic: 1}

    # The Faust app's credentials, as faust hands them to its aiokafka clients.
    app = create_faust_app(settings, tls_broker)
    auth = credentials_to_aiokafka_auth(app.conf.broker_credentials, app.conf.ssl_context)

    async def consume() -> bytes:
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=tls_broker, auto_offset_reset="earliest", group_id=None, **auth
        )
        await consumer.start()
        try:
            record = await asyncio.wait_for(consumer.getone(), 30)
        finally:
            await consumer.stop()
        assert record.value is not None
        return record.value

    assert codec.decode(COMPLETED.record, asyncio.run(consume()), topic)["call_id"] == call["call_id"]


def test_a_broker_certificate_from_another_ca_is_refused(
    tls_broker: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = make_tls_files(tmp_path_factory.mktemp("other-ca"))
    settings = ssl_settings(tls_broker, other["ca"])
    with pytest.raises(TopicSetupError, match="cannot reach Kafka"):
        ensure_topics(settings, tls_broker, timeout=5)
