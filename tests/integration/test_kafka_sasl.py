"""CALLSTREAM_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT (mechanism PLAIN) against a real broker.

The embedded Tansu cannot be given SASL users here (see test_kafka_security.py), so a small proxy in
front of it does the broker's half of SASL/PLAIN. It speaks just enough of the Kafka protocol (request
framing and headers, ApiVersions, SaslHandshake, SaslAuthenticate) to authenticate each connection
against one user, refuses anything else before that, and then relays bytes unchanged.

Tansu advertises the proxy's address, so every connection (bootstrap and per-broker) of topic setup,
the publisher, the lag check and the Faust app's aiokafka clients is authenticated, and the proxy
records who authenticated so the test proves it happened.
"""

from __future__ import annotations

import asyncio
import gc
import hmac
import logging
import os
import struct
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import faust
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError
from confluent_kafka.admin import AdminClient
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

from connectors.events import SAMPLE_CALLS, read_jsonl
from connectors.publisher import CallPublisher, PublishError
from schemas.codec import SingleObjectCodec
from streams.app import create_faust_app
from streams.lag import consumer_lag
from streams.settings import Settings, load_settings
from streams.topics import COMPLETED, TopicSetupError, ensure_topics
from tests.integration.test_kafka_security import RelayProxy, hidden_broker

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("clean_env")]  # no CALLSTREAM_* leaks

USER, PASSWORD = "callstream-it", "sasl-pw-0k"
CHECK_CLIENT = "tansu-check"

SASL_HANDSHAKE, API_VERSIONS, SASL_AUTHENTICATE = 17, 18, 36
#: Versions the proxy implements; the ApiVersions response clients see advertises exactly these.
PROXY_VERSIONS = {SASL_HANDSHAKE: (0, 1), SASL_AUTHENTICATE: (0, 2)}
#: First flexible version (compact types, tagged fields) of the APIs the proxy parses; SaslHandshake
#: has none. ApiVersions responses always use response header v0, whatever the request version.
FLEXIBLE_FROM = {API_VERSIONS: 3, SASL_AUTHENTICATE: 2}
UNSUPPORTED_SASL_MECHANISM, SASL_AUTHENTICATION_FAILED = 33, 58
MAX_PRE_AUTH_FRAME = 1 << 20


class Refused(Exception):
    """The client broke the pre-authentication protocol: the proxy closes the connection."""


@dataclass
class Session:
    """One client connection's SASL exchange, as the proxy saw it."""

    client_id: str | None = None
    #: client_software_name of an ApiVersions v3+ request (librdkafka sends it; aiokafka uses v0).
    software: str | None = None
    mechanism: str | None = None
    user: str | None = None
    handshake_version: int | None = None
    authenticate_version: int | None = None
    outcome: str = "open"  # authenticated, failed, refused: <why>, closed


def read_uvarint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def uvarint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def skip_tagged_fields(buf: bytes, pos: int) -> int:
    count, pos = read_uvarint(buf, pos)
    for _ in range(count):
        _tag, pos = read_uvarint(buf, pos)
        size, pos = read_uvarint(buf, pos)
        pos += size
    return pos


@dataclass
class RequestHeader:
    api_key: int
    api_version: int
    correlation_id: int
    client_id: str | None
    body: int  # offset of the request body in the frame

    @property
    def flexible(self) -> bool:
        return self.api_version >= FLEXIBLE_FROM.get(self.api_key, 1 << 15)


def parse_header(frame: bytes) -> RequestHeader:
    """Request header v1 (v2 for flexible versions: the same plus tagged fields)."""
    api_key, api_version, correlation_id, size = struct.unpack_from(">hhih", frame)
    pos = 10 + max(size, 0)
    client_id = frame[10:pos].decode() if size >= 0 else None
    header = RequestHeader(api_key, api_version, correlation_id, client_id, pos)
    if header.flexible:
        header.body = skip_tagged_fields(frame, pos)
    return header


def advertise_sasl(response: bytes, version: int) -> bytes:
    """An ApiVersions response with the proxy's SaslHandshake/SaslAuthenticate versions in place of
    the broker's (added if missing); every other byte is kept."""
    (error,) = struct.unpack_from(">h", response, 4)
    if error:  # e.g. UNSUPPORTED_VERSION: the client retries with an older version
        return response
    flexible, pos = version >= FLEXIBLE_FROM[API_VERSIONS], 6
    if flexible:
        count, pos = read_uvarint(response, pos)
        count -= 1
    else:
        (count,) = struct.unpack_from(">i", response, pos)
        pos += 4
    entries: dict[int, bytes] = {}
    for _ in range(count):
        start, (key,) = pos, struct.unpack_from(">h", response, pos)
        pos = skip_tagged_fields(response, pos + 6) if flexible else pos + 6
        entries[key] = response[start:pos]
    for key, (low, high) in PROXY_VERSIONS.items():
        entries[key] = struct.pack(">hhh", key, low, high) + (b"\0" if flexible else b"")
    size = uvarint(len(entries) + 1) if flexible else struct.pack(">i", len(entries))
    return response[:6] + size + b"".join(entries.values()) + response[pos:]


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    (size,) = struct.unpack(">i", await reader.readexactly(4))
    if not 0 <= size <= MAX_PRE_AUTH_FRAME:
        raise Refused(f"frame of {size} bytes")
    return await reader.readexactly(size)


def frame(payload: bytes) -> bytes:
    return struct.pack(">i", len(payload)) + payload


class SaslPlainProxy(RelayProxy):
    """Authenticates SASL/PLAIN on ``127.0.0.1:port`` for one user, then relays to ``target_port``."""

    def __init__(self, port: int, target_port: int, user: str, password: str) -> None:
        super().__init__(port, target_port)
        self.user, self.password = user.encode(), password.encode()
        self.sessions: list[Session] = []

    def outcomes(self) -> list[tuple[str | None, str | None, str]]:
        return [(s.client_id, s.software, s.outcome) for s in self.sessions]

    async def _answer(
        self,
        session: Session,
        request: bytes,
        writer: asyncio.StreamWriter,
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    ) -> bool | None:
        """Answer one pre-authentication request: True once authenticated, False to close the
        connection, None to wait for the next request."""
        header = parse_header(request)
        session.client_id = header.client_id
        correlation = struct.pack(">i", header.correlation_id)
        if header.api_key == API_VERSIONS:
            if header.api_version >= 3:  # client_software_name: compact string
                size, pos = read_uvarint(request, header.body)
                session.software = request[pos : pos + size - 1].decode()
            upstream[1].write(frame(request))
            response = await read_frame(upstream[0])
            writer.write(frame(advertise_sasl(response, header.api_version)))
            return None
        if header.api_key == SASL_HANDSHAKE and header.api_version <= 1:
            if session.handshake_version is not None:
                raise Refused("second SaslHandshake")
            (size,) = struct.unpack_from(">h", request, header.body)
            session.mechanism = request[header.body + 2 : header.body + 2 + size].decode()
            session.handshake_version = header.api_version
            error = 0 if session.mechanism == "PLAIN" else UNSUPPORTED_SASL_MECHANISM
            writer.write(frame(correlation + struct.pack(">hih5s", error, 1, 5, b"PLAIN")))
            if error:
                session.outcome = f"refused: mechanism {session.mechanism}"
                return False
            if header.api_version == 0:
                # Raw SASL tokens would follow; neither librdkafka nor aiokafka sends them when
                # the broker offers SaslHandshake v1.
                session.outcome = "refused: SaslHandshake v0 (raw tokens) not implemented"
                return False
            return None
        if header.api_key == SASL_AUTHENTICATE and header.api_version <= 2:
            if session.handshake_version != 1:
                raise Refused("SaslAuthenticate without SaslHandshake v1")
            session.authenticate_version = header.api_version
            if header.flexible:
                size, pos = read_uvarint(request, header.body)
                size -= 1
            else:
                (size,) = struct.unpack_from(">i", request, header.body)
                pos = header.body + 4
            authzid, user, password = [*request[pos : pos + size].split(b"\0"), b"", b""][:3]
            session.user = user.decode(errors="replace")
            ok = (
                authzid in (b"", user)
                and hmac.compare_digest(user, self.user)
                and hmac.compare_digest(password, self.password)
            )
            message = None if ok else f"Authentication failed: invalid credentials for {session.user}"
            body = self._authenticate_response(header, 0 if ok else SASL_AUTHENTICATION_FAILED, message)
            writer.write(frame(correlation + body))
            session.outcome = "authenticated" if ok else "failed"
            return ok
        session.outcome = f"refused: api_key {header.api_key} v{header.api_version} before SASL"
        return False

    @staticmethod
    def _authenticate_response(header: RequestHeader, error: int, message: str | None) -> bytes:
        text = message.encode() if message is not None else None
        if header.flexible:  # response header v1 (tagged fields); compact nullable string and bytes
            body = b"\0" + struct.pack(">h", error)
            body += uvarint(0) if text is None else uvarint(len(text) + 1) + text
            return body + uvarint(1) + struct.pack(">q", 0) + b"\0"
        body = struct.pack(">h", error)
        body += struct.pack(">h", -1) if text is None else struct.pack(">h", len(text)) + text
        body += struct.pack(">i", 0)
        return body + (struct.pack(">q", 0) if header.api_version >= 1 else b"")

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session()
        self.sessions.append(session)
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            upstream = await asyncio.open_connection("127.0.0.1", self.target_port)
            while (
                verdict := await self._answer(session, await read_frame(reader), writer, upstream)
            ) is None:
                await writer.drain()
            await writer.drain()  # the last answer (an error too) reaches the client before the close
            if verdict:
                await asyncio.gather(self._relay(reader, upstream[1]), self._relay(upstream[0], writer))
        except Refused as exc:
            session.outcome = f"refused: {exc}"
        except (OSError, asyncio.IncompleteReadError, struct.error, IndexError, UnicodeDecodeError):
            if session.outcome == "open":
                session.outcome = "closed"
        except asyncio.CancelledError:
            pass  # the proxy stops; nothing awaits this connection's task
        finally:
            writer.close()
            if upstream is not None:
                upstream[1].close()


@dataclass
class Broker:
    bootstrap: str  # the SASL proxy
    proxy: SaslPlainProxy


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A SASL_PLAINTEXT-only broker: Tansu on a hidden port, advertised as the proxy."""
    log = tmp_path_factory.mktemp("broker") / "broker.log"
    with hidden_broker(log) as (inner, outer), SaslPlainProxy(outer, inner, USER, PASSWORD) as proxy:
        yield Broker(f"127.0.0.1:{outer}", proxy)


def sasl_settings(bootstrap: str, password: str = PASSWORD, **extra: object) -> Settings:
    for name in [n for n in os.environ if n.startswith("CALLSTREAM_")]:
        os.environ.pop(name)  # restored by the monkeypatch fixture of each test
    tag = uuid.uuid4().hex[:6]
    return load_settings(
        kafka_bootstrap=bootstrap,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="PLAIN",
        kafka_sasl_username=USER,
        kafka_sasl_password=password,
        app_id=f"sasl-{tag}",
        topic_prefix=f"sasl{tag}.",
        partitions=1,
        **extra,
    )


def sample_calls() -> list[dict]:
    lines = list(read_jsonl(SAMPLE_CALLS.read_text().splitlines()))
    calls = [line.record for line in lines if line.record is not None]
    assert calls and len(calls) == len(lines)
    return calls


def topic_exists(bootstrap: str, topic: str) -> bool:
    """Whether the broker has ``topic``, asked with the right credentials."""
    config = sasl_settings(bootstrap).kafka_client_config()
    admin = AdminClient({"bootstrap.servers": bootstrap, "client.id": CHECK_CLIENT, **config})
    metadata = admin.list_topics(timeout=10).topics
    return topic in metadata and not metadata[topic].error


def sessions_since(proxy: SaslPlainProxy, first: int) -> list[Session]:
    return [s for s in proxy.sessions[first:] if s.client_id != CHECK_CLIENT]


def test_clients_authenticate_with_sasl_plain(sasl_broker: Broker) -> None:
    bootstrap, proxy = sasl_broker.bootstrap, sasl_broker.proxy
    first = len(proxy.sessions)
    settings = sasl_settings(bootstrap)
    assert COMPLETED.name in {
        n.removeprefix(settings.topic_prefix) for n in ensure_topics(settings, bootstrap)
    }

    codec = SingleObjectCodec()
    calls = sample_calls()
    publisher = CallPublisher(settings, bootstrap, codec)
    for call in calls:  # one record per batch: Tansu's high watermark is the last batch's base + 1
        publisher.publish(call)
        publisher.flush(30)
    assert publisher.delivered == len(calls)

    topic = settings.topic(COMPLETED.name)
    security = settings.kafka_client_config()
    assert consumer_lag(bootstrap, settings.app_id, [topic], security=security) == {topic: len(calls)}

    async def run_agent() -> list[str]:
        """A Faust agent reads every call and its group commits them, all over SASL."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)  # as streams.worker.prepare does
        app = create_faust_app(settings, bootstrap)  # in the loop: Faust binds to the running loop
        source = app.topic(
            topic, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
        )
        seen: list[str] = []

        @app.agent(source)
        async def completed(stream: faust.StreamT[bytes]) -> None:
            async for value in stream:
                seen.append(codec.decode(COMPLETED.record, value, topic)["call_id"])

        loop = asyncio.get_running_loop()
        await app.start()
        try:
            deadline = time.monotonic() + 40
            while len(seen) < len(calls) or await loop.run_in_executor(
                None, lambda: consumer_lag(bootstrap, settings.app_id, [topic], security=security)
            ) != {topic: 0}:
                assert time.monotonic() < deadline, (seen, proxy.outcomes()[first:])
                await asyncio.sleep(0.5)
        finally:
            await asyncio.wait_for(app.stop(), 15)
        return seen

    assert sorted(asyncio.run(run_agent())) == sorted(c["call_id"] for c in calls)

    sessions = sessions_since(proxy, first)
    assert not [s for s in sessions if s.outcome.startswith(("refused", "failed"))], proxy.outcomes()[first:]
    done = [s for s in sessions if s.outcome == "authenticated"]
    assert all((s.mechanism, s.user, s.handshake_version) == ("PLAIN", USER, 1) for s in done)
    librdkafka = {s.client_id for s in done if s.software == "confluent-kafka-python"}
    aiokafka = {s.client_id for s in done if s.software is None}  # ApiVersions v0: no software name
    assert f"{settings.app_id}-publisher" in librdkafka, proxy.outcomes()[first:]
    assert any(c and c.startswith("callstream-lag-") for c in librdkafka), proxy.outcomes()[first:]
    assert any(c and c.startswith("faust-") for c in aiokafka), proxy.outcomes()[first:]


def test_a_wrong_password_is_refused_and_nothing_is_published(
    sasl_broker: Broker, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    bootstrap, proxy = sasl_broker.bootstrap, sasl_broker.proxy
    first = len(proxy.sessions)
    settings = sasl_settings(bootstrap, password="not-the-password")
    # The errors name the cause (librdkafka reports it only through error_cb) and the settings to check.
    with pytest.raises(TopicSetupError, match="cannot reach Kafka") as setup:
        ensure_topics(settings, bootstrap, timeout=3)
    assert "authentication failed: " in str(setup.value) and "CALLSTREAM_KAFKA_SASL_PASSWORD" in str(
        setup.value
    )
    assert "not-the-password" not in str(setup.value)

    publisher = CallPublisher(settings, bootstrap, SingleObjectCodec())
    publisher.publish(sample_calls()[0])
    with (
        caplog.at_level(logging.DEBUG, logger="callstream.kafka"),
        pytest.raises(PublishError, match="not acknowledged") as published,
    ):
        publisher.flush(3)
    assert "authentication failed: " in str(published.value)
    assert publisher.delivered == 0

    # librdkafka's own log line says it too, without the password: through logging (callstream.kafka),
    # not as a raw line on stderr
    assert "SASL authentication error: Authentication failed: invalid credentials" in caplog.text
    stderr = capfd.readouterr().err
    assert "|FAIL|" not in stderr
    assert "not-the-password" not in stderr and "not-the-password" not in caplog.text

    # The Faust app's aiokafka clients: a failed bootstrap, with the broker's message in the log.
    auth = credentials_to_aiokafka_auth(settings.faust_broker_credentials())

    async def start_producer() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **auth)
        try:
            await producer.start()
        finally:
            await producer.stop()

    with pytest.raises(KafkaConnectionError, match="Unable to bootstrap"):
        asyncio.run(start_producer())
    assert "SaslAuthenticationFailed: Authentication failed: invalid credentials" in caplog.text

    # Nothing reached Tansu: not even the topic exists.
    assert not topic_exists(bootstrap, settings.topic(COMPLETED.name))
    sessions = sessions_since(proxy, first)
    assert not [s for s in sessions if s.outcome == "authenticated" or s.outcome.startswith("refused")]
    failed = {(s.client_id, s.software) for s in sessions if s.outcome == "failed"}
    assert (f"{settings.app_id}-publisher", "confluent-kafka-python") in failed
    assert any(software is None for _, software in failed)  # aiokafka
    assert {s.user for s in sessions if s.outcome == "failed"} == {USER}
    publisher._producer.purge()  # its queued record's delivery callback holds the publisher
    publisher._producer.poll(0)
    del publisher, setup, published  # their tracebacks hold the clients too
    gc.collect()  # librdkafka clients kept alive (ensure_topics' traceback) retry until destroyed


def test_topic_setup_error_names_the_authentication_failure(sasl_broker: Broker) -> None:
    settings = sasl_settings(sasl_broker.bootstrap, password="not-the-password")
    with pytest.raises(TopicSetupError, match=r"(?i)authentication"):
        ensure_topics(settings, sasl_broker.bootstrap, timeout=3)


def test_requests_before_authentication_are_refused(sasl_broker: Broker) -> None:
    """A PLAINTEXT client gets nothing past the proxy: its Metadata request closes the connection."""
    bootstrap, proxy = sasl_broker.bootstrap, sasl_broker.proxy
    first = len(proxy.sessions)
    for name in [n for n in os.environ if n.startswith("CALLSTREAM_")]:
        os.environ.pop(name)
    settings = load_settings(kafka_bootstrap=bootstrap, topic_prefix=f"plain{uuid.uuid4().hex[:6]}.")
    with pytest.raises(TopicSetupError, match="cannot reach Kafka"):
        ensure_topics(settings, bootstrap, timeout=3)
    assert not topic_exists(bootstrap, settings.topic(COMPLETED.name))
    refused = {s.outcome for s in sessions_since(proxy, first)}
    assert any(o.startswith("refused: api_key 3 ") for o in refused), proxy.outcomes()[first:]
