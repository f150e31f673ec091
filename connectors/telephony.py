"""Event-socket clients for on-premises PBXs: Asterisk AMI and FreeSWITCH ESL.

Both speak line-based TCP protocols of ``Key: Value`` headers separated by blank lines. The client
logs in, subscribes to call-end events, turns each into a CallCompleted through the source's YAML
mapping (``connectors/mappings/asterisk-ami.yaml``, ``freeswitch-esl.yaml``) and hands it to
``on_call``; it reconnects with exponential backoff whenever the connection drops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from connectors.mapping import MappingError, WebhookMapping, load_mapping

log = logging.getLogger(__name__)

OnCall = Callable[[dict[str, Any]], Awaitable[None]]
OnProblem = Callable[[dict[str, str], str], Awaitable[None]]


class ProtocolError(ConnectionError):
    """The PBX refused the login or spoke something else."""


def parse_headers(block: str) -> dict[str, str]:
    """``Key: Value`` lines → dict (the first colon splits; later duplicates win)."""
    headers = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip()] = value.strip()
    return headers


async def read_block(reader: asyncio.StreamReader) -> str:
    """One message: lines up to a blank line (AMI, ESL headers)."""
    lines = []
    while True:
        raw = await reader.readline()
        if not raw:
            raise ConnectionError("connection closed by the PBX")
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line:
            if lines:
                return "\n".join(lines)
            continue
        lines.append(line)


@dataclass
class PbxClient:
    """Shared connect/reconnect loop; subclasses implement the protocol."""

    host: str
    port: int
    mapping: WebhookMapping
    on_call: OnCall
    on_problem: OnProblem
    max_backoff: float = 30.0
    connected: asyncio.Event | None = None

    async def run(self) -> None:
        """Connect, serve events, and reconnect with backoff until cancelled."""
        delay = 0.5
        while True:
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
                try:
                    await self.login(reader, writer)
                    log.info("%s connected to %s:%d", type(self).__name__, self.host, self.port)
                    if self.connected is not None:
                        self.connected.set()
                    delay = 0.5
                    while True:
                        await self.dispatch(await self.next_event(reader))
                finally:
                    writer.close()
            except asyncio.CancelledError:
                raise
            except (OSError, ConnectionError) as exc:
                if self.connected is not None:
                    self.connected.clear()
                log.warning("%s: %s; reconnecting in %.1fs", type(self).__name__, exc, delay)
                await asyncio.sleep(delay)
                delay = min(self.max_backoff, delay * 2)

    async def dispatch(self, event: dict[str, str]) -> None:
        try:
            call = self.mapping.apply(event)
        except MappingError as exc:
            await self.on_problem(event, str(exc))
            return
        if call is not None:
            await self.on_call(call)

    async def login(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def next_event(self, reader: asyncio.StreamReader) -> dict[str, str]:
        raise NotImplementedError


@dataclass
class AmiClient(PbxClient):
    """Asterisk Manager Interface: ``Action: Login``, then ``Cdr`` events (cdr_manager enabled)."""

    username: str = ""
    secret: str = ""

    async def login(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        banner = (await reader.readline()).decode(errors="replace")
        if not banner.startswith("Asterisk Call Manager"):
            raise ProtocolError(f"not an Asterisk AMI: {banner.strip()!r}")
        writer.write(
            f"Action: Login\r\nActionID: callstream-login\r\nUsername: {self.username}\r\n"
            f"Secret: {self.secret}\r\nEvents: cdr,call\r\n\r\n".encode()
        )
        await writer.drain()
        reply = parse_headers(await read_block(reader))
        if reply.get("Response") != "Success":
            raise ProtocolError(f"AMI login refused: {reply.get('Message', reply)}")

    async def next_event(self, reader: asyncio.StreamReader) -> dict[str, str]:
        while True:
            message = parse_headers(await read_block(reader))
            if "Event" in message:
                return message


@dataclass
class EslClient(PbxClient):
    """FreeSWITCH event socket (inbound mode): ``auth``, then ``event plain CHANNEL_HANGUP_COMPLETE``."""

    password: str = "ClueCon"

    async def login(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = parse_headers(await read_block(reader))
        if request.get("Content-Type") != "auth/request":
            raise ProtocolError(f"not a FreeSWITCH event socket: {request}")
        for command in (f"auth {self.password}", "event plain CHANNEL_HANGUP_COMPLETE"):
            writer.write(f"{command}\n\n".encode())
            await writer.drain()
            reply = parse_headers(await read_block(reader))
            if not reply.get("Reply-Text", "").startswith("+OK"):
                raise ProtocolError(f"ESL {command.split()[0]} refused: {reply.get('Reply-Text', reply)}")

    async def next_event(self, reader: asyncio.StreamReader) -> dict[str, str]:
        while True:
            headers = parse_headers(await read_block(reader))
            length = int(headers.get("Content-Length", "0"))
            body = (await reader.readexactly(length)).decode("utf-8", errors="replace") if length else ""
            if headers.get("Content-Type") == "text/event-plain":
                # Event bodies are url-encoded header lines.
                return {key: unquote(value) for key, value in parse_headers(body).items()}


def ami_client(
    host: str, port: int, username: str, secret: str, on_call: OnCall, on_problem: OnProblem
) -> AmiClient:
    return AmiClient(
        host, port, load_mapping("asterisk-ami"), on_call, on_problem, username=username, secret=secret
    )


def esl_client(host: str, port: int, password: str, on_call: OnCall, on_problem: OnProblem) -> EslClient:
    return EslClient(host, port, load_mapping("freeswitch-esl"), on_call, on_problem, password=password)


async def forward_to_kafka(
    make_client: Callable[[OnCall, OnProblem], PbxClient], publisher: Any, tenant: str, enricher: Any = None
) -> None:
    """Run a PBX client, publishing each call (acknowledged by the broker) and dead-lettering events
    that cannot be mapped or validated. ``publisher`` is a :class:`connectors.publisher.CallPublisher`;
    ``enricher`` an optional :class:`connectors.crm.CrmEnricher`."""
    import json
    import threading

    import httpx

    from connectors.events import call_from_json
    from schemas.validation import InvalidCall

    stop = threading.Event()

    def serve_reports() -> None:
        while not stop.is_set():
            publisher.poll(0.05)

    async def on_problem(event: dict[str, str], why: str) -> None:
        call_id = event.get("UniqueID") or event.get("Unique-ID")
        publisher.dead_letter(source=f"pbx:{tenant}", lineno=0, payload=json.dumps(event).encode(), error=why,
                              call_id=call_id)  # fmt: skip
        log.warning("unmappable PBX event %s: %s", call_id, why)

    http = httpx.AsyncClient()

    async def on_call(call: dict[str, Any]) -> None:
        if enricher is not None:
            call = await enricher.enrich(call, http)
        try:
            record = call_from_json({**call, "tenant": tenant})
        except InvalidCall as exc:
            await on_problem({k: str(v) for k, v in call.items()}, str(exc))
            return
        await publisher.publish_acked([record])
        log.info("published call %s", record["call_id"])

    thread = threading.Thread(target=serve_reports, name="callstream-pbx-delivery", daemon=True)
    thread.start()
    try:
        await make_client(on_call, on_problem).run()
    finally:
        stop.set()
        await http.aclose()
        publisher.flush(30)
