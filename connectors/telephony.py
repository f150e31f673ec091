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
import re
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
#: Dialplan variables kept from VarSet events for the mapping (e.g. CALLSTREAM_DIRECTION), under the
#: key manager.conf ``channelvars`` gives them; other VarSets (FreePBX sets hundreds) are not kept.
MAPPED_VARIABLE_PREFIX = "CALLSTREAM_"
UNIQUEID_EPOCH = re.compile(r"(?:^|-)([0-9]{9,11})\.[0-9]+$")  # ast_channel_internal_set_uniqueid
MAX_CALL_SECONDS = 24 * 3600  # a Uniqueid epoch further back than this is no call's start


def event_time(event: dict[str, str], now: float) -> float:
    """The event's ``Timestamp`` (manager.conf ``timestampevents = yes``), else when it arrived."""
    try:
        return float(event["Timestamp"])
    except (KeyError, ValueError):
        return now


@dataclass
class AmiCall:
    """What the AMI said so far about one call: every channel sharing its ``Linkedid``.

    Times are exact only for what was seen happen: ``started`` when the first channel's Newchannel
    was seen (``start_seen``), ``answered`` when the call's first Up state was a change to Up (a
    Newstate, or an Up Newchannel). A connector started (or reconnected) mid-call first sees
    channels already Up: ``answer_missed``, and :meth:`start_estimate` falls back to the creation
    time Asterisk writes into the first channel's Uniqueid."""

    linkedid: str
    started: float
    last_seen: float
    live: set[str] = field(default_factory=set)
    snapshots: dict[str, dict[str, str]] = field(default_factory=dict)  # Uniqueid -> latest headers
    aliases: set[str] = field(default_factory=set)  # Linkedids merged into this call
    answered: float | None = None
    answer_missed: bool = False  # first seen Up without the change to Up: answered earlier, unknown when
    start_seen: bool = False
    ended: float | None = None
    recording: str | None = None
    recording_channel: str | None = None  # Uniqueid whose events carried the file name: MixMonitor's
    #: Further files of the same call (file -> Uniqueid), e.g. the consultation call of an attended
    #: transfer that merged into this one: reported, not dropped (the call has one recording).
    extra_recordings: dict[str, str] = field(default_factory=dict)
    recording_started: bool = False  # MixMonitorStart seen (its file name may still be unknown)
    peer: str | None = None  # Uniqueid of the first other channel that was Up: the party reached

    @property
    def up(self) -> bool:
        return self.answered is not None or self.answer_missed

    def absorb(self, other: AmiCall) -> None:
        self.live |= other.live
        self.snapshots = {**other.snapshots, **self.snapshots}
        self.aliases |= other.aliases | {other.linkedid}
        if other.started < self.started:
            self.started, self.start_seen = other.started, other.start_seen
        self.answered = min((t for t in (self.answered, other.answered) if t is not None), default=None)
        self.answer_missed |= other.answer_missed
        if self.recording is None:
            self.recording, self.recording_channel = other.recording, other.recording_channel
        elif other.recording is not None:
            self.add_recording(other.recording, other.recording_channel or other.linkedid)
        for filename, uniqueid in other.extra_recordings.items():
            self.add_recording(filename, uniqueid)
        self.recording_started |= other.recording_started
        self.peer = self.peer or other.peer

    def add_recording(self, filename: str, uniqueid: str) -> None:
        if self.recording is None:
            self.recording, self.recording_channel = filename, uniqueid
        elif filename != self.recording:
            self.extra_recordings.setdefault(filename, uniqueid)

    def start_estimate(self) -> float | None:
        """When the call began: seen, else the epoch in the first channel's Uniqueid
        (``[systemname-]<epoch>.<sequence>``) when it is plausible; None when unknown."""
        if self.start_seen:
            return self.started
        match = UNIQUEID_EPOCH.search(self.linkedid)
        if match is not None and 0 <= self.started - int(match.group(1)) <= MAX_CALL_SECONDS:
            return float(match.group(1))
        return None

    def record(self) -> dict[str, str]:
        """The flat record ``asterisk-ami-hangup.yaml`` maps: the first channel's headers at its
        hangup (the one whose Uniqueid is the Linkedid), the recording and the call's times."""
        first = self.snapshots.get(self.linkedid) or next(iter(self.snapshots.values()), {})
        # Asterisk writes "<unknown>" for an empty caller id; drop it so mapping defaults apply.
        out = {key: value for key, value in first.items() if value != "<unknown>"}
        start = self.start_estimate()
        start = self.started if start is None else start
        out |= {"Event": "Hangup", "Linkedid": self.linkedid, "StartTimestamp": f"{start:.6f}"}
        if self.answered is not None and not self.answer_missed:
            out["AnswerTimestamp"] = f"{self.answered:.6f}"
        if self.ended is not None:
            out["HangupTimestamp"] = f"{self.ended:.6f}"
        if self.recording:
            out["MixMonitorFilename"] = self.recording
        for header, uniqueid in (("MixMonitorChannel", self.recording_channel), ("DestChannel", self.peer)):
            name = self.snapshots.get(uniqueid or "", {}).get("Channel")
            if name:
                out[header] = name
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
        before = snapshot.get("ChannelState")
        snapshot.update((key, event[key]) for key in CHANNEL_HEADERS if key in event)
        snapshot.update((key, value) for key, value in event.items() if key.startswith("ChanVariable("))
        name = event.get("Event")
        if name == "Newchannel" and uniqueid == call.linkedid and not call.start_seen:
            call.started, call.start_seen = at, True
        if event.get("ChannelState") == STATE_UP:
            if not call.up:
                # The change to Up is a Newstate (or a channel created Up); any other event showing
                # Up first means the answer happened before this connector was listening.
                if name in ("Newstate", "Newchannel") or before not in (None, STATE_UP):
                    call.answered = at
                else:
                    call.answer_missed = True
            if call.peer is None and uniqueid != call.linkedid:
                call.peer = uniqueid
        filename = event.get(f"ChanVariable({RECORDING_VARIABLE})")
        if name == "VarSet":
            variable = event.get("Variable", "").lstrip("_")  # __NAME: inherited by later channels
            if variable == RECORDING_VARIABLE:
                filename = event.get("Value")
            elif variable.startswith(MAPPED_VARIABLE_PREFIX):
                snapshot[f"ChanVariable({variable})"] = event.get("Value", "")
        if filename:
            call.add_recording(filename, uniqueid)
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
    it (dedupe by call id). Two kinds of call wait ``cdr_grace`` seconds for a ``Cdr`` (which
    cdr_manager sends right after the hangup) before the channel events decide: an answered call
    without a known recording (then reported to ``on_problem``), and a call whose answer this client
    did not see (started or reconnected mid-call: the Cdr has its exact times; without one it is
    published from its Uniqueid's creation time, or reported when even that is unknown; never with
    a start time that is merely when the client first heard of it).
    """

    username: str = ""
    secret: str = ""
    hangup_mapping: WebhookMapping = field(default_factory=lambda: load_mapping("asterisk-ami-hangup"))
    cdr_grace: float = 5.0
    clock: Callable[[], float] = time.time
    tracker: AmiCallTracker = field(default_factory=AmiCallTracker)
    published: BoundedSet = field(default_factory=lambda: BoundedSet(100_000))
    #: call id -> (the grace timer, what to do when no Cdr completes the call)
    _pending: dict[str, tuple[asyncio.Task[None], Callable[[], Awaitable[None]]]] = field(
        default_factory=dict, init=False, repr=False
    )

    async def run(self) -> None:
        try:
            await super().run()
        finally:
            # Stopping must not lose a call or a problem that was waiting for a Cdr: settle it now.
            for call_id in list(self._pending):
                task, fallback = self._pending.pop(call_id)
                task.cancel()
                if call_id not in self.published:
                    await fallback()

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
        if not call.up:
            log.debug("AMI call %s was never answered: nothing to publish", call.linkedid)
            return
        for filename, uniqueid in call.extra_recordings.items():
            await self._report_extra_recording(call, filename, uniqueid)
        if call.linkedid in self.published:
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
            record = call.record()
            await self._unless_cdr(call.linkedid, lambda: self.on_problem(record, why))
            return
        if call.answer_missed:
            await self._unless_cdr(call.linkedid, lambda: self._publish_partial(call))
            return
        await self._complete(self.hangup_mapping, call.record())

    async def _report_extra_recording(self, call: AmiCall, filename: str, uniqueid: str) -> None:
        """A second file in one call: a Cdr whose party A is its channel publishes it as that call;
        without one it is dead-lettered, never dropped. Its record has that channel's Uniqueid as
        its id, so that a replay of the letter is not taken for the call itself."""
        if uniqueid in self.published:
            return
        extra = call.record() | {
            "Linkedid": uniqueid, "LinkedTo": call.linkedid, "MixMonitorFilename": filename,
            "MixMonitorChannel": call.snapshots.get(uniqueid, {}).get("Channel", ""),
        }  # fmt: skip
        why = (
            f"AMI call {call.linkedid} had a second MixMonitor recording, {filename} (channel {uniqueid}; "
            f"a transfer merged two calls?): the call is published with {call.recording} only"
        )
        await self._unless_cdr(uniqueid, lambda: self.on_problem(extra, why))

    async def _publish_partial(self, call: AmiCall) -> None:
        """A call whose answer was not seen and no Cdr came: its creation time (from the Uniqueid)
        as its start, or a problem when that is unknown too."""
        if call.start_estimate() is None:
            why = (
                f"AMI call {call.linkedid} was already answered when this client first saw it (started "
                "or reconnected mid-call), no Cdr came and its Uniqueid holds no start time: its times "
                "are unknown (enable cdr_manager for exact times)"
            )
            await self.on_problem(call.record(), why)
            return
        log.info("AMI call %s: answer not seen and no Cdr; start taken from its Uniqueid", call.linkedid)
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

    async def _unless_cdr(self, call_id: str, fallback: Callable[[], Awaitable[None]]) -> None:
        """``fallback()`` after ``cdr_grace`` seconds, unless a Cdr publishes ``call_id`` first."""
        if self.cdr_grace <= 0:
            await fallback()
            return

        async def later() -> None:
            await asyncio.sleep(self.cdr_grace)
            if self._pending.pop(call_id, None) is not None and call_id not in self.published:
                await fallback()

        previous = self._pending.pop(call_id, None)
        if previous is not None:
            previous[0].cancel()
        self._pending[call_id] = (asyncio.create_task(later()), fallback)


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
                              call_id=call_id, tenant=tenant)  # fmt: skip
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
