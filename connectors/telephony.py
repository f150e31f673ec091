"""Event-socket clients for on-premises PBXs: Asterisk AMI and FreeSWITCH ESL.

Both speak line-based TCP protocols of ``Key: Value`` headers separated by blank lines. The client
logs in, subscribes to call-end events, turns each into a CallCompleted through the source's YAML
mapping (``connectors/mappings/asterisk-ami.yaml``, ``freeswitch-esl.yaml``) and hands it to
``on_call``; it reconnects with exponential backoff whenever the connection drops.

Asterisk without ``cdr_manager`` has no single call-end event, so :class:`AmiCallTracker` assembles
one from channel events: channels are grouped by ``Linkedid``, the recording comes from MixMonitor
(``VarSet MIXMONITOR_FILENAME``), and the ``Hangup`` of the last channel completes the call, mapped
by ``asterisk-ami-hangup.yaml``. Whichever of that and a ``Cdr`` completes a call first wins.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
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
    """One message: lines up to a blank line (AMI, ESL headers). A line over the reader's limit is a
    :class:`ProtocolError` (the client reconnects), not a crash."""
    lines = []
    while True:
        try:
            raw = await reader.readline()
        except (ValueError, asyncio.LimitOverrunError) as exc:  # a line over the stream's limit
            raise ProtocolError(f"a line over {STREAM_LIMIT} bytes from the PBX: {exc}") from exc
        if not raw:
            raise ConnectionError("connection closed by the PBX")
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line:
            if lines:
                return "\n".join(lines)
            continue
        lines.append(line)


#: Longest line read from a PBX (AMI header, ESL header): a dialplan variable can hold a whole
#: CURL result; asyncio's default is 64 KiB.
STREAM_LIMIT = 1024 * 1024


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
                reader, writer = await asyncio.open_connection(self.host, self.port, limit=STREAM_LIMIT)
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
            except (OSError, ConnectionError, ProtocolError, asyncio.IncompleteReadError) as exc:
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
            await self.deliver(call)

    async def deliver(self, call: dict[str, Any]) -> None:
        """``on_call(call)``, retried with backoff while the broker does not acknowledge: AMI and ESL
        never replay an event, so giving up (or crashing) loses the call. Meanwhile the socket is
        not read, and TCP holds the PBX's next events back."""
        delay = 0.5
        while True:
            try:
                await self.on_call(call)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # PublishError, Backpressure, a broker outage
                log.error("%s: call %s not published (%s); retrying in %.1fs", type(self).__name__,
                          call.get("call_id"), exc, delay)  # fmt: skip
                await asyncio.sleep(delay)
                delay = min(self.max_backoff, delay * 2)

    async def login(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def next_event(self, reader: asyncio.StreamReader) -> dict[str, str]:
        raise NotImplementedError


def parse_ami(block: str) -> dict[str, str]:
    """AMI headers, keeping each ``ChanVariable: NAME=value`` line (manager.conf ``channelvars``) as
    its own ``ChanVariable(NAME)`` key: an event carries several and they must not overwrite each other."""
    headers = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "ChanVariable":
            name, _, value = value.partition("=")
            key = f"ChanVariable({name})"
        headers[key] = value
    return headers


class BoundedSet:
    """Remembers the last ``size`` keys (insertion order): dedupe state that cannot grow forever."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._keys: dict[str, None] = {}

    def add(self, key: str) -> None:
        self._keys.pop(key, None)
        self._keys[key] = None
        while len(self._keys) > self.size:
            del self._keys[next(iter(self._keys))]

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)


# Headers of an AMI channel snapshot (asterisk main/manager_channels.c,
# ast_manager_build_channel_state_string_prefix) plus the Hangup event's own.
CHANNEL_HEADERS = (
    "Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName", "ConnectedLineNum",
    "ConnectedLineName", "Language", "AccountCode", "Context", "Exten", "Priority", "Uniqueid",
    "Linkedid", "Tenantid", "Cause", "Cause-txt", "TechCause",
)  # fmt: skip
STATE_UP = "6"  # AST_STATE_UP: the channel was answered
RECORDING_VARIABLE = "MIXMONITOR_FILENAME"  # set by MixMonitor (app and AMI action) to the file it writes


def event_time(event: dict[str, str], now: float) -> float:
    """The event's ``Timestamp`` (manager.conf ``timestampevents = yes``), else when it arrived."""
    try:
        return float(event["Timestamp"])
    except (KeyError, ValueError):
        return now


@dataclass
class AmiCall:
    """What the AMI said so far about one call: every channel sharing its ``Linkedid``."""

    linkedid: str
    started: float
    last_seen: float
    live: set[str] = field(default_factory=set)
    snapshots: dict[str, dict[str, str]] = field(default_factory=dict)  # Uniqueid -> latest headers
    aliases: set[str] = field(default_factory=set)  # Linkedids merged into this call
    answered: float | None = None
    ended: float | None = None
    recording: str | None = None
    recording_started: bool = False  # MixMonitorStart seen (its file name may still be unknown)

    def absorb(self, other: AmiCall) -> None:
        self.live |= other.live
        self.snapshots = {**other.snapshots, **self.snapshots}
        self.aliases |= other.aliases | {other.linkedid}
        self.started = min(self.started, other.started)
        self.answered = min((t for t in (self.answered, other.answered) if t is not None), default=None)
        self.recording = self.recording or other.recording
        self.recording_started |= other.recording_started

    def record(self) -> dict[str, str]:
        """The flat record ``asterisk-ami-hangup.yaml`` maps: the first channel's headers at its
        hangup (the one whose Uniqueid is the Linkedid), the recording and the call's times."""
        first = self.snapshots.get(self.linkedid) or next(iter(self.snapshots.values()), {})
        # Asterisk writes "<unknown>" for an empty caller id; drop it so mapping defaults apply.
        out = {key: value for key, value in first.items() if value != "<unknown>"}
        out |= {"Event": "Hangup", "Linkedid": self.linkedid, "StartTimestamp": f"{self.started:.6f}"}
        if self.answered is not None:
            out["AnswerTimestamp"] = f"{self.answered:.6f}"
        if self.ended is not None:
            out["HangupTimestamp"] = f"{self.ended:.6f}"
        if self.recording:
            out["MixMonitorFilename"] = self.recording
        return out


class AmiCallTracker:
    """Correlates AMI channel events into calls until a call's last channel hangs up.

    Channels are grouped by ``Linkedid``; when a bridge re-links a channel to an older call
    (``ast_bridge_channel_update_linkedids``) the two calls merge. State is bounded: at most
    ``max_calls`` calls, and a call silent for ``max_idle`` seconds (its Hangup was missed, e.g.
    while disconnected) is evicted; :meth:`evict` returns what it dropped.
    """

    def __init__(self, max_calls: int = 50_000, max_idle: float = 12 * 3600) -> None:
        self.max_calls = max_calls
        self.max_idle = max_idle
        self.calls: OrderedDict[str, AmiCall] = OrderedDict()  # least recently active first
        self._channel_call: dict[str, str] = {}  # live Uniqueid -> Linkedid of its call
        self._alias: dict[str, str] = {}  # merged-away Linkedid -> Linkedid of the call it joined
        self._gone = BoundedSet(4 * max_calls)  # hung-up Uniqueids: late events must not revive them

    def observe(self, event: dict[str, str], now: float) -> AmiCall | None:
        """Account for one event; the finished call when it was the Hangup of the call's last channel."""
        uniqueid, linkedid = event.get("Uniqueid", ""), event.get("Linkedid", "")
        if not uniqueid or not linkedid or uniqueid == "none" or uniqueid in self._gone:
            return None
        at = event_time(event, now)
        call = self._call_for(uniqueid, self._alias.get(linkedid, linkedid), at)
        call.last_seen = now
        self.calls.move_to_end(call.linkedid)
        snapshot = call.snapshots.setdefault(uniqueid, {})
        snapshot.update((key, event[key]) for key in CHANNEL_HEADERS if key in event)
        if event.get("ChannelState") == STATE_UP and call.answered is None:
            call.answered = at
        name = event.get("Event")
        filename = event.get(f"ChanVariable({RECORDING_VARIABLE})")
        if name == "VarSet" and event.get("Variable") == RECORDING_VARIABLE:
            filename = event.get("Value")
        if filename and call.recording is None:
            call.recording = filename
        if name == "MixMonitorStart":
            call.recording_started = True
        if name != "Hangup":
            call.live.add(uniqueid)
            return None
        call.live.discard(uniqueid)
        self._channel_call.pop(uniqueid, None)
        self._gone.add(uniqueid)
        call.ended = at
        if call.live:
            return None
        self._forget(call)
        return call

    def evict(self, now: float) -> list[AmiCall]:
        """Drop the least recently active calls beyond ``max_calls`` or idle for ``max_idle``."""
        dropped = []
        while self.calls:
            call = next(iter(self.calls.values()))
            if len(self.calls) <= self.max_calls and now - call.last_seen <= self.max_idle:
                break
            self._forget(call)
            dropped.append(call)
        return dropped

    def _call_for(self, uniqueid: str, linkedid: str, at: float) -> AmiCall:
        call = self.calls.get(linkedid)
        previous = self._channel_call.get(uniqueid)
        if previous is not None and previous != linkedid and previous in self.calls:
            # A bridge re-linked this channel: its old call and the new one are the same call.
            old = self.calls.pop(previous)
            if call is None:
                old.aliases.add(old.linkedid)
                old.linkedid = linkedid
                call = self.calls[linkedid] = old
            else:
                call.absorb(old)
            for alias in call.aliases:
                self._alias[alias] = linkedid
            for channel in call.live:
                self._channel_call[channel] = linkedid
        if call is None:
            call = self.calls[linkedid] = AmiCall(linkedid, started=at, last_seen=at)
        self._channel_call[uniqueid] = linkedid
        return call

    def _forget(self, call: AmiCall) -> None:
        self.calls.pop(call.linkedid, None)
        for channel in call.live:
            self._channel_call.pop(channel, None)
        for alias in call.aliases:
            self._alias.pop(alias, None)


@dataclass
class AmiClient(PbxClient):
    """Asterisk Manager Interface: ``Action: Login``, then ``Cdr`` events (cdr_manager) and the
    channel events :class:`AmiCallTracker` turns into calls (Hangup, VarSet, MixMonitorStart...).

    A call is published once, by the first of its ``Cdr`` and its last ``Hangup`` that completes
    it (dedupe by call id). An answered call that hung up without a known recording waits
    ``cdr_grace`` seconds for a ``Cdr`` (which cdr_manager sends right after the hangup) before it is
    reported to ``on_problem``.
    """

    username: str = ""
    secret: str = ""
    hangup_mapping: WebhookMapping = field(default_factory=lambda: load_mapping("asterisk-ami-hangup"))
    cdr_grace: float = 5.0
    clock: Callable[[], float] = time.time
    tracker: AmiCallTracker = field(default_factory=AmiCallTracker)
    published: BoundedSet = field(default_factory=lambda: BoundedSet(100_000))
    _pending: dict[str, tuple[asyncio.Task[None], dict[str, str], str]] = field(
        default_factory=dict, init=False, repr=False
    )

    async def run(self) -> None:
        try:
            await super().run()
        finally:
            # Stopping must not lose a problem that was waiting for a Cdr: report it now.
            for call_id in list(self._pending):
                task, record, why = self._pending.pop(call_id)
                task.cancel()
                await self.on_problem(record, why)

    async def login(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        banner = (await reader.readline()).decode(errors="replace")
        if not banner.startswith("Asterisk Call Manager"):
            raise ProtocolError(f"not an Asterisk AMI: {banner.strip()!r}")
        # cdr: Cdr events; call: Newchannel/Newstate/Hangup/MixMonitor*; dialplan: VarSet.
        writer.write(
            f"Action: Login\r\nActionID: callstream-login\r\nUsername: {self.username}\r\n"
            f"Secret: {self.secret}\r\nEvents: cdr,call,dialplan\r\n\r\n".encode()
        )
        await writer.drain()
        reply = parse_headers(await read_block(reader))
        if reply.get("Response") != "Success":
            raise ProtocolError(f"AMI login refused: {reply.get('Message', reply)}")

    async def next_event(self, reader: asyncio.StreamReader) -> dict[str, str]:
        while True:
            message = parse_ami(await read_block(reader))
            if "Event" in message:
                return message

    async def dispatch(self, event: dict[str, str]) -> None:
        if event.get("Event") == "Cdr":
            await self._complete(self.mapping, event)
            return
        now = self.clock()
        finished = self.tracker.observe(event, now)
        for lost in self.tracker.evict(now):
            if lost.recording and lost.linkedid not in self.published:
                why = (
                    f"AMI call {lost.linkedid} had a recording but no Hangup of its last channel "
                    f"within {self.tracker.max_idle:.0f}s or {self.tracker.max_calls} newer calls "
                    "(missed while disconnected?); its state was dropped"
                )
                await self.on_problem(lost.record(), why)
        if finished is not None:
            await self._finish(finished)

    async def _finish(self, call: AmiCall) -> None:
        if call.linkedid in self.published:
            return
        if call.answered is None:
            log.debug("AMI call %s was never answered: nothing to publish", call.linkedid)
            return
        if call.recording is None:
            why = f"AMI call {call.linkedid} was answered and hung up, but no MixMonitor recording is known"
            if call.recording_started:
                why += (
                    " (MixMonitorStart was seen without its file name: give the AMI user read=dialplan "
                    f"for VarSet, or set channelvars = {RECORDING_VARIABLE} in manager.conf)"
                )
            else:
                why += f" (no VarSet {RECORDING_VARIABLE}: was MixMonitor started on any of its channels?)"
            await self._report_unless_cdr(call.linkedid, call.record(), why)
            return
        await self._complete(self.hangup_mapping, call.record())

    async def _complete(self, mapping: WebhookMapping, payload: dict[str, str]) -> None:
        try:
            call = mapping.apply(payload)
        except MappingError as exc:
            await self.on_problem(payload, str(exc))
            return
        if call is None:
            return
        call_id = str(call.get("call_id") or "")
        if call_id in self.published:
            log.debug("AMI call %s already published: %s ignored", call_id, payload.get("Event"))
            return
        pending = self._pending.pop(call_id, None)
        if pending is not None:
            pending[0].cancel()
        await self.deliver(call)
        self.published.add(call_id)

    async def _report_unless_cdr(self, call_id: str, record: dict[str, str], why: str) -> None:
        if self.cdr_grace <= 0:
            await self.on_problem(record, why)
            return

        async def later() -> None:
            await asyncio.sleep(self.cdr_grace)
            if self._pending.pop(call_id, None) is not None and call_id not in self.published:
                await self.on_problem(record, why)

        previous = self._pending.pop(call_id, None)
        if previous is not None:
            previous[0].cancel()
        self._pending[call_id] = (asyncio.create_task(later()), record, why)


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
            raw_length = headers.get("Content-Length", "0")
            if not raw_length.isdigit() or int(raw_length) > STREAM_LIMIT * 16:
                raise ProtocolError(f"ESL Content-Length {raw_length[:20]!r} is no body length")
            length = int(raw_length)
            body = (await reader.readexactly(length)).decode("utf-8", errors="replace") if length else ""
            if headers.get("Content-Type") == "text/event-plain":
                # Event bodies are url-encoded header lines.
                return {key: unquote(value) for key, value in parse_headers(body).items()}


def ami_client(
    host: str,
    port: int,
    username: str,
    secret: str,
    on_call: OnCall,
    on_problem: OnProblem,
    tz: tzinfo = UTC,
) -> AmiClient:
    """``tz``: the PBX's time zone, for the Cdr event's naive local times (cdr_manager writes them
    in the PBX's time zone; the channel-event path uses epoch times and needs none)."""
    mapping = dataclasses.replace(load_mapping("asterisk-ami"), tz=tz)
    return AmiClient(host, port, mapping, on_call, on_problem, username=username, secret=secret)


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
        call_id = event.get("Linkedid") or event.get("UniqueID") or event.get("Unique-ID")
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
