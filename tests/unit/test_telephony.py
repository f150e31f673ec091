"""AMI and ESL clients against in-test TCP servers that replay the PBXs' real protocol exchanges."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from connectors.events import call_from_json
from connectors.telephony import ami_client, esl_client

AMI_BANNER = b"Asterisk Call Manager/7.0.3\r\n"
AMI_LOGIN_OK = b"Response: Success\r\nActionID: callstream-login\r\nMessage: Authentication accepted\r\n\r\n"
AMI_LOGIN_BAD = b"Response: Error\r\nActionID: callstream-login\r\nMessage: Authentication failed\r\n\r\n"


def ami_cdr(uniqueid: str, disposition: str = "ANSWERED") -> bytes:
    fields = {
        "Event": "Cdr",
        "Privilege": "cdr,all",
        "AccountCode": "",
        "Source": "+15550101",
        "Destination": "201",
        "DestinationContext": "from-queue",
        "CallerID": '"Alice" <+15550101>',
        "Channel": "PJSIP/trunk-00000001",
        "DestinationChannel": "PJSIP/201-00000002",
        "LastApplication": "Dial",
        "LastData": "PJSIP/201",
        "StartTime": "2026-11-20 10:00:00",
        "AnswerTime": "2026-11-20 10:00:04" if disposition == "ANSWERED" else "",
        "EndTime": "2026-11-20 10:00:40",
        "Duration": "40",
        "BillableSeconds": "36" if disposition == "ANSWERED" else "0",
        "Disposition": disposition,
        "AMAFlags": "DOCUMENTATION",
        "UniqueID": uniqueid,
        "UserField": "",
    }
    return "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode() + b"\r\n"


async def collect(client: Any, calls: list, until: int, timeout: float = 10.0) -> None:
    task = asyncio.create_task(client.run())
    try:
        async with asyncio.timeout(timeout):
            while len(calls) < until:
                await asyncio.sleep(0.02)
    finally:
        task.cancel()


async def serve_pbx(
    pbx: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
    make_client: Callable[[int, Callable, Callable], Any],
    until: int,
    hold: float = 0.0,
) -> tuple[list, list]:
    """(calls, (event, why) problems) of ``make_client(port, on_call, on_problem)`` run against the
    fake PBX ``pbx`` on loopback until ``until`` calls came, and ``hold`` seconds more."""
    server = await asyncio.start_server(pbx, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    calls: list = []
    problems: list = []

    async def on_call(call: dict) -> None:
        calls.append(call_from_json({**call, "tenant": "acme"}))

    async def on_problem(event: dict, why: str) -> None:
        problems.append((event, why))

    async with server:
        await collect(make_client(port, on_call, on_problem), calls, until)
        await asyncio.sleep(hold)
    return calls, problems


def test_ami_client_logs_in_maps_cdr_events_and_reconnects() -> None:
    connections: list[bytes] = []

    async def pbx(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(AMI_BANNER)
        login = await reader.readuntil(b"\r\n\r\n")
        connections.append(login)
        writer.write(
            AMI_LOGIN_OK + b"Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n"
        )
        if len(connections) == 1:  # first connection: two CDRs, then the PBX restarts
            writer.write(ami_cdr("1763632800.42") + ami_cdr("1763632801.43", "NO ANSWER"))
        else:
            writer.write(ami_cdr("1763632900.44"))
        await writer.drain()
        writer.close()

    def client(port: int, on_call: Callable, on_problem: Callable) -> Any:
        return ami_client("127.0.0.1", port, "callstream", "s3cret", on_call, on_problem)

    calls, problems = asyncio.run(serve_pbx(pbx, client, 2))
    assert [c["call_id"] for c in calls] == ["1763632800.42", "1763632900.44"]  # NO ANSWER ignored
    assert b"Username: callstream\r\nSecret: s3cret\r\n" in connections[0]
    assert len(connections) >= 2, "the client did not reconnect"
    call = calls[0]
    assert call["source"] == "asterisk" and call["agent"]["id"] == "201" and call["queue"] == "from-queue"
    assert call["started_at"].isoformat() == "2026-11-20T10:00:04+00:00"
    assert call["recording_uri"] == "file:///var/spool/asterisk/monitor/1763632800.42.wav"
    assert call["audio"]["channels"] == {"0": "customer", "1": "agent"}
    assert problems == []


def test_ami_login_refused_is_retried_not_crashed() -> None:
    attempts = 0

    async def pbx(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal attempts
        attempts += 1
        writer.write(AMI_BANNER)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(AMI_LOGIN_BAD)
        await writer.drain()
        writer.close()

    async def main() -> None:
        server = await asyncio.start_server(pbx, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = ami_client("127.0.0.1", port, "x", "wrong", None, None)  # type: ignore[arg-type]
        client.max_backoff = 0.1
        async with server:
            task = asyncio.create_task(client.run())
            await asyncio.sleep(1.5)
            assert not task.done()
            task.cancel()

    asyncio.run(main())
    assert attempts >= 2


def esl_event(fields: dict[str, str]) -> bytes:
    body = "".join(f"{k}: {quote(v)}\n" for k, v in fields.items()) + "\n"
    return f"Content-Length: {len(body.encode())}\nContent-Type: text/event-plain\n\n{body}".encode()


def test_esl_client_authenticates_subscribes_and_maps_hangups() -> None:
    commands: list[str] = []
    hangup = {
        "Event-Name": "CHANNEL_HANGUP_COMPLETE",
        "Unique-ID": "6f1a3c2e-0b9d-4c1e-9a77-1f2e3d4c5b6a",
        "Call-Direction": "inbound",
        "Caller-Caller-ID-Number": "+15550202",
        "Caller-Destination-Number": "1001",
        "Hangup-Cause": "NORMAL_CLEARING",
        "variable_answer_epoch": "1795300000",
        "variable_end_epoch": "1795300061",
        "variable_billsec": "61",
        "variable_record_file": "/var/lib/freeswitch/recordings/6f1a3c2e.wav",
    }
    unanswered = {**hangup, "Unique-ID": "no-answer", "variable_billsec": "0"}

    async def pbx(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"Content-Type: auth/request\n\n")
        for reply in (b"+OK accepted", b"+OK event listener enabled plain"):
            commands.append((await reader.readuntil(b"\n\n")).decode().strip())
            writer.write(b"Content-Type: command/reply\nReply-Text: " + reply + b"\n\n")
        writer.write(esl_event(unanswered) + esl_event(hangup))
        await writer.drain()
        await asyncio.sleep(5)

    async def main() -> list:
        server = await asyncio.start_server(pbx, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        calls: list = []

        async def on_call(call: dict) -> None:
            calls.append(call_from_json({**call, "tenant": "acme"}))

        async def on_problem(event: dict, why: str) -> None:
            raise AssertionError(why)

        async with server:
            await collect(esl_client("127.0.0.1", port, "ClueCon", on_call, on_problem), calls, 1)
        return calls

    [call] = asyncio.run(main())
    assert commands == ["auth ClueCon", "event plain CHANNEL_HANGUP_COMPLETE"]
    assert call["call_id"] == "6f1a3c2e-0b9d-4c1e-9a77-1f2e3d4c5b6a" and call["source"] == "freeswitch"
    assert (call["ended_at"] - call["started_at"]).total_seconds() == 61
    assert call["recording_uri"] == "file:///var/lib/freeswitch/recordings/6f1a3c2e.wav"
    assert call["agent"]["id"] == "1001" and call["customer"]["number"] == "+15550202"


# --- Asterisk without cdr_manager: channel events, MixMonitor, Hangup ---------------------------
# Transcripts as Asterisk 16.17+/18/20 writes them (asterisk/asterisk sources):
# - main/manager.c __manager_event_sessions_va: "Event", "Privilege" ("call,all"), then "Timestamp"
#   when manager.conf has timestampevents = yes, then the event's own headers;
# - main/manager_channels.c ast_manager_build_channel_state_string_prefix: the channel snapshot
#   (Channel ... Linkedid; "<unknown>" for an empty caller id), which Newchannel/Newstate/Hangup
#   carry (channel_state_change; Hangup adds Cause and Cause-txt) and MixMonitorStart/Stop carry
#   alone (publish_basic_channel_event);
# - main/stasis_channels.c varset_to_ami: VarSet (class dialplan) = snapshot + Variable + Value;
# - apps/app_mixmonitor.c mixmonitor_exec: sets MIXMONITOR_FILENAME (absolute path under
#   /var/spool/asterisk/monitor) before it publishes MixMonitorStart.
T0 = 1795168800.0  # 2026-11-20 10:00:00 UTC
STATES = {"0": "Down", "4": "Ring", "5": "Ringing", "6": "Up"}


def channel(name: str, uniqueid: str, linkedid: str, number: str, caller: str, **over: str) -> dict:
    """A channel snapshot in the order Asterisk writes it."""
    snap = {
        "Channel": name,
        "ChannelState": "0",
        "ChannelStateDesc": "Down",
        "CallerIDNum": number,
        "CallerIDName": caller,
        "ConnectedLineNum": "<unknown>",
        "ConnectedLineName": "<unknown>",
        "Language": "en",
        "AccountCode": "",
        "Context": "from-trunk",
        "Exten": "5550100",
        "Priority": "1",
        "Uniqueid": uniqueid,
        "Linkedid": linkedid,
    }
    snap.update(over)
    snap["ChannelStateDesc"] = STATES[snap["ChannelState"]]
    return snap


def ami_event(name: str, snap: dict, at: float | None, privilege: str = "call,all", **extra: str) -> bytes:
    fields = {"Event": name, "Privilege": privilege}
    if at is not None:
        fields["Timestamp"] = f"{T0 + at:.6f}"
    lines = [f"{k}: {v}" for k, v in {**fields, **snap, **extra}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def recorded_call(uid: str = "1763632800.42", ts: bool = True) -> tuple[list[bytes], list[bytes]]:
    """An inbound call answered by extension 201 and recorded by MixMonitor in the dialplan:
    (events up to the bridged conversation, the two Hangups)."""
    epoch, seq = uid.split(".")
    agent_uid = f"{epoch}.{int(seq) + 1}"  # Asterisk's Uniqueid: <epoch>.<sequence>
    trunk = channel("PJSIP/trunk-00000001", uid, uid, "+15550101", "Alice", ChannelState="4")
    agent = channel(
        "PJSIP/201-00000002", agent_uid, uid, "201", "Bob", ConnectedLineNum="+15550101",
        ConnectedLineName="Alice", Context="from-internal", Exten="s",
    )  # fmt: skip
    wav = f"/var/spool/asterisk/monitor/2026/11/20/in-5550100-+15550101-20261120-100000-{uid}.wav"

    def t(seconds: float) -> float | None:
        return seconds if ts else None

    up = {"ChannelState": "6", "ChannelStateDesc": "Up"}
    trunk_up = {**trunk, **up, "ConnectedLineNum": "201", "ConnectedLineName": "Bob", "Priority": "3"}
    mixmonitor = {"Variable": "MIXMONITOR_FILENAME", "Value": wav}
    bye = {"Cause": "16", "Cause-txt": "Normal Clearing"}
    talk = [
        ami_event("Newchannel", trunk, t(0.0)),
        ami_event("VarSet", {**trunk, "Priority": "2"}, t(0.01), "dialplan,all", **mixmonitor),
        ami_event("MixMonitorStart", {**trunk, "Priority": "2"}, t(0.01)),
        ami_event("Newchannel", agent, t(0.5)),
        ami_event("Newstate", {**agent, "ChannelState": "5", "ChannelStateDesc": "Ringing"}, t(0.6)),
        ami_event("Newstate", {**agent, **up}, t(4.0)),
        ami_event("Newstate", trunk_up, t(4.0)),
    ]
    hangups = [
        ami_event("Hangup", {**agent, **up}, t(40.0), **bye),
        ami_event("Hangup", trunk_up, t(40.1), **bye),
    ]
    return talk, hangups


def answered_unrecorded(uid: str, mixmonitor_started: bool = False) -> list[bytes]:
    """An IVR call: answered, no recording file name on the AMI, caller hangs up."""
    ivr = channel("PJSIP/trunk-00000007", uid, uid, "+15550303", "Carol", ChannelState="4", Context="ivr")
    up = {**ivr, "ChannelState": "6", "ChannelStateDesc": "Up", "Priority": "2"}
    out = [ami_event("Newchannel", ivr, None), ami_event("Newstate", up, None)]
    if mixmonitor_started:  # the AMI user lacks read=dialplan: MixMonitorStart but no VarSet
        out.append(ami_event("MixMonitorStart", up, None))
    return [*out, ami_event("Hangup", up, None, **{"Cause": "16", "Cause-txt": "Normal Clearing"})]


def unanswered(uid: str) -> list[bytes]:
    ring = channel("PJSIP/trunk-00000009", uid, uid, "+15550404", "Dave", ChannelState="4")
    no_answer = {"Cause": "19", "Cause-txt": "No user responding"}
    return [ami_event("Newchannel", ring, None), ami_event("Hangup", ring, None, **no_answer)]


async def run_ami(sessions: list[bytes], until: int, grace: float = 0.2, hold: float = 1.0) -> tuple:
    """Serve ``sessions[i]`` on the i-th connection (then close it; the last one stays open),
    run the client until ``until`` calls were published plus ``hold`` seconds; (calls, problems, logins)."""
    logins: list[bytes] = []

    async def pbx(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(AMI_BANNER)
        logins.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(AMI_LOGIN_OK + sessions[min(len(logins), len(sessions)) - 1])
        await writer.drain()
        if len(logins) < len(sessions):
            writer.close()
        else:
            await asyncio.sleep(30)

    clients: list = []

    def make_client(port: int, on_call: Callable, on_problem: Callable) -> Any:
        client = ami_client("127.0.0.1", port, "callstream", "s3cret", on_call, on_problem)
        client.cdr_grace = grace
        client.max_backoff = 0.2
        clients.append(client)
        return client

    # ``hold``: later events (duplicates, problems after the grace) land too
    calls, problems = await serve_pbx(pbx, make_client, until, hold)
    return calls, problems, logins, clients[0]


def test_ami_hangup_of_last_channel_publishes_recorded_call_once_across_reconnect() -> None:
    talk, hangups = recorded_call()
    dedupe_cdr = ami_cdr("1763632800.42")  # cdr_manager also on: arrives after the Hangups
    other = unanswered("1763632850.60")
    # The PBX connection drops mid-call: the call's state survives the reconnect.
    sessions = [b"".join(talk), b"".join(hangups) + dedupe_cdr + b"".join(other)]
    calls, problems, logins, client = asyncio.run(run_ami(sessions, 1))
    assert len(logins) == 2 and b"Events: cdr,call,dialplan\r\n" in logins[0]
    [call] = calls
    assert call["call_id"] == "1763632800.42" and call["source"] == "asterisk"
    assert call["recording_uri"] == (
        "file:///var/spool/asterisk/monitor/2026/11/20/in-5550100-+15550101-20261120-100000-1763632800.42.wav"
    )
    assert call["started_at"].timestamp() == T0 + 4.0  # answered, from the Timestamp headers
    assert call["ended_at"].timestamp() == T0 + 40.1
    assert call["agent"]["id"] == "201" and call["customer"]["number"] == "+15550101"
    assert call["queue"] == "from-trunk" and call["crm"]["hangup_cause"] == "Normal Clearing"
    assert call["audio"]["channels"] == {"0": "customer", "1": "agent"}
    assert problems == []  # the duplicate Cdr is ignored; the unanswered call is not a problem
    assert not client.tracker.calls  # finished calls leave no state behind


def test_ami_cdr_first_then_hangup_is_not_published_twice() -> None:
    talk, hangups = recorded_call("1763632800.70", ts=False)
    sessions = [b"".join(talk) + ami_cdr("1763632800.70") + b"".join(hangups)]
    calls, problems, _, _ = asyncio.run(run_ami(sessions, 1))
    assert [c["call_id"] for c in calls] == ["1763632800.70"] and problems == []
    # The Cdr won: its recording guess, the call id shared with the Hangup path.
    assert calls[0]["recording_uri"] == "file:///var/spool/asterisk/monitor/1763632800.70.wav"


def test_ami_answered_call_without_recording_is_a_problem_unless_a_cdr_completes_it() -> None:
    sessions = [
        b"".join(answered_unrecorded("1763633000.1"))  # no MixMonitor at all
        + b"".join(answered_unrecorded("1763633000.2", mixmonitor_started=True))
        + b"".join(answered_unrecorded("1763633000.3"))
        + ami_cdr("1763633000.3")  # cdr_manager within the grace period: the Cdr publishes it
        + b"".join(unanswered("1763633000.4"))
    ]
    calls, problems, _, _ = asyncio.run(run_ami(sessions, 1, grace=0.3, hold=1.0))
    assert [c["call_id"] for c in calls] == ["1763633000.3"]
    reasons = {event["Linkedid"]: why for event, why in problems}
    assert sorted(reasons) == ["1763633000.1", "1763633000.2"]
    assert "no MixMonitor recording is known" in reasons["1763633000.1"]
    assert "no VarSet MIXMONITOR_FILENAME" in reasons["1763633000.1"]
    assert "read=dialplan" in reasons["1763633000.2"]
    event = dict(problems[0][0])
    assert event["Cause-txt"] == "Normal Clearing" and event["CallerIDNum"] == "+15550303"


def test_ami_recording_from_channelvars_and_stop_reports_pending_problems() -> None:
    """manager.conf ``channelvars = MIXMONITOR_FILENAME``: the file name rides on call events."""
    uid = "1763633100.5"
    snap = channel("PJSIP/trunk-0000000a", uid, uid, "+15550505", "Erin", ChannelState="6")
    wav = "ChanVariable: MIXMONITOR_FILENAME=/var/spool/asterisk/monitor/" + uid + ".wav\r\n"
    other = "ChanVariable: CDR(userfield)=vip\r\n"
    hangup = ami_event("Hangup", snap, None, **{"Cause": "16", "Cause-txt": "Normal Clearing"})
    hangup = hangup[:-2] + (wav + other + "\r\n").encode()
    answer = ami_event("Newstate", snap, None)  # seen answered: published at once, no Cdr awaited
    sessions = [b"".join(answered_unrecorded("1763633100.6")) + answer + hangup]
    # A long grace: the unrecorded call is still waiting for a Cdr when the client stops.
    calls, problems, _, _ = asyncio.run(run_ami(sessions, 1, grace=60.0, hold=0.2))
    assert [c["recording_uri"] for c in calls] == [f"file:///var/spool/asterisk/monitor/{uid}.wav"]
    assert [event["Linkedid"] for event, _ in problems] == ["1763633100.6"]


def test_tracker_merges_relinked_channels_and_evicts_stale_calls() -> None:
    from connectors.telephony import AmiCallTracker, parse_ami

    def ev(raw: bytes) -> dict:
        return parse_ami(raw.decode())

    tracker = AmiCallTracker(max_calls=2, max_idle=100.0)
    a = channel("PJSIP/trunk-1", "100.1", "100.1", "+1555", "A", ChannelState="6")
    b = channel("Local/201@agents-1;2", "100.9", "100.9", "201", "B", ChannelState="6")
    assert tracker.observe(ev(ami_event("Newchannel", a, None)), 0.0) is None
    assert tracker.observe(ev(ami_event("Newchannel", b, None)), 0.0) is None
    varset = ami_event("VarSet", b, None, "dialplan,all", Variable="MIXMONITOR_FILENAME", Value="/r/b.wav")
    tracker.observe(ev(varset), 0.0)
    # A bridge re-links b to the older call (ast_bridge_channel_update_linkedids): one call now.
    relinked = {**b, "Linkedid": "100.1"}
    assert tracker.observe(ev(ami_event("BridgeEnter", relinked, None)), 1.0) is None
    assert list(tracker.calls) == ["100.1"]
    # A late event still carrying the old Linkedid lands in the merged call.
    assert tracker.observe(ev(ami_event("Newstate", b, None)), 1.0) is None
    assert list(tracker.calls) == ["100.1"]
    assert tracker.observe(ev(ami_event("Hangup", relinked, None, Cause="16")), 2.0) is None
    done = tracker.observe(ev(ami_event("Hangup", a, None, Cause="16")), 3.0)
    assert done is not None and done.linkedid == "100.1" and done.recording == "/r/b.wav"
    assert done.record()["CallerIDNum"] == "+1555" and "ConnectedLineNum" not in done.record()
    assert not tracker.calls and not tracker._channel_call and not tracker._alias
    # Events about a channel that already hung up do not revive it.
    assert tracker.observe(ev(ami_event("Newstate", a, None)), 3.0) is None and not tracker.calls

    for i in range(3):  # bounded: the oldest of three live calls is evicted at once
        c = channel(f"PJSIP/x-{i}", f"200.{i}", f"200.{i}", "1", "x")
        tracker.observe(ev(ami_event("Newchannel", c, None)), 10.0 + i)
    assert [c.linkedid for c in tracker.evict(12.0)] == ["200.0"]
    assert [c.linkedid for c in tracker.evict(111.5)] == ["200.1"]  # idle for more than 100 s
    assert list(tracker.calls) == ["200.2"]


# --- input that used to end `callstream connect` (found by a red team) -------------------------------


def test_ami_bad_input_and_a_broker_outage_never_end_the_client() -> None:
    """A header line over 64 KiB, a Cdr whose mapping fails inside JMESPath (no UniqueID) and a
    broker that refuses the first publish each ended run() with a traceback; AMI replays nothing."""
    connections: list[int] = []

    async def pbx(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(AMI_BANNER)
        await reader.readuntil(b"\r\n\r\n")
        connections.append(1)
        writer.write(AMI_LOGIN_OK)
        if len(connections) == 1:
            writer.write(b"Event: VarSet\r\nValue: " + b"x" * 100_000 + b"\r\n\r\n")  # a CURL result
            no_id = ami_cdr("1763632800.40").replace(b"UniqueID: 1763632800.40\r\n", b"")
            writer.write(no_id + ami_cdr("1763632800.41"))
        else:
            writer.write(b"Event: VarSet\r\nValue: " + b"y" * 2_000_000 + b"\r\n\r\n")  # over any limit
        await writer.drain()
        await asyncio.sleep(0.3)
        writer.close()

    async def main() -> tuple[list, list]:
        server = await asyncio.start_server(pbx, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        calls: list = []
        problems: list = []
        refused: list = []

        async def on_call(call: dict) -> None:
            if not refused:
                refused.append(call["call_id"])
                raise RuntimeError("broker did not acknowledge")
            calls.append(call)

        async def on_problem(event: dict, why: str) -> None:
            problems.append(why)

        async with server:
            client = ami_client("127.0.0.1", port, "callstream", "s3cret", on_call, on_problem)
            task = asyncio.create_task(client.run())
            try:
                async with asyncio.timeout(15):
                    while not calls or len(connections) < 2:
                        await asyncio.sleep(0.05)
            finally:
                task.cancel()
        return calls, problems

    calls, problems = asyncio.run(main())
    assert [c["call_id"] for c in calls] == ["1763632800.41"]  # retried after the refusal
    assert len(problems) == 1 and problems[0].startswith("recording_uri: "), problems  # no UniqueID
    assert len(connections) >= 2  # the 2 MB line: a reconnect, not a crash


def test_esl_content_length_that_is_no_length_reconnects() -> None:
    async def main() -> list:
        from connectors.telephony import EslClient, ProtocolError  # noqa: F401

        reader = asyncio.StreamReader()
        reader.feed_data(b"Content-Type: text/event-plain\nContent-Length: abc\n\n")
        client = esl_client("127.0.0.1", 1, "ClueCon", None, None)  # type: ignore[arg-type]
        try:
            await client.next_event(reader)
        except ProtocolError as exc:
            return [str(exc)]
        return []

    assert asyncio.run(main()) == ["ESL Content-Length 'abc' is no body length"]


# --- direction, agent/customer and the stereo channels (found by a red team) -------------------------
# MixMonitor D (or r()/t() merged by sox -M) and FreeSWITCH RECORD_STEREO both put the audio READ from
# the recording channel on the left: the voice of that channel's own party. The dialplan records on
# the channel it runs on, the caller's: the customer on an inbound call, the agent on an outbound one.
AGENT_LEFT = {"0": "agent", "1": "customer"}
CUSTOMER_LEFT = {"0": "customer", "1": "agent"}


def _cdr(**over: str) -> dict:
    from connectors.telephony import parse_ami

    return {**parse_ami(ami_cdr("1763632800.50").decode()), **over}


def test_ami_cdr_direction_from_the_channels() -> None:
    """An outbound call used to publish the dialled number as the agent and the agent as the customer,
    with the customer's channel role on the agent's voice."""
    from connectors.mapping import load_mapping

    mapping = load_mapping("asterisk-ami")

    def mapped(**over: str) -> tuple:
        call = call_from_json({**mapping.apply(_cdr(**over)), "tenant": "acme"})
        return call["direction"], call["agent"]["id"], call["customer"]["number"], call["audio"]["channels"]

    # Inbound to a queue: party B is the member's Local channel, Destination the queue's number.
    queue = {"Destination": "400", "DestinationChannel": "Local/201@from-queue-00000003;1"}
    assert mapped(**queue) == ("inbound", "201", "+15550101", CUSTOMER_LEFT)
    # Outbound: party A is extension 201's phone; the outbound route set the trunk's caller id.
    outbound = {
        "Channel": "PJSIP/201-00000005", "DestinationChannel": "PJSIP/trunk-00000006",
        "Source": "+15550100", "Destination": "5551234", "DestinationContext": "from-internal",
    }  # fmt: skip
    assert mapped(**outbound) == ("outbound", "201", "5551234", AGENT_LEFT)
    internal = {**outbound, "Source": "201", "Destination": "202", "DestinationChannel": "PJSIP/202-00000006"}
    assert mapped(**internal) == ("internal", "201", "202", AGENT_LEFT)
    # Phones whose names the pattern does not know: the dialplan says it through cdr_manager [mappings].
    named = {**outbound, "Channel": "PJSIP/alice-00000005", "Source": "alice"}
    assert mapped(**named)[0] == "inbound"
    assert mapped(**named, CallstreamDirection="outbound") == ("outbound", "alice", "5551234", AGENT_LEFT)


def _tracked(events: list[bytes]) -> dict:
    """The CallCompleted the channel-event path publishes for ``events`` (one call)."""
    from connectors.mapping import load_mapping
    from connectors.telephony import AmiCallTracker, parse_ami

    tracker = AmiCallTracker()
    done = [tracker.observe(parse_ami(raw.decode()), T0 + 100) for raw in events]
    [call] = [c for c in done if c is not None]
    return call_from_json({**load_mapping("asterisk-ami-hangup").apply(call.record()), "tenant": "acme"})


def outbound_call(uid: str = "1795168800.60", override: str | None = None) -> list[bytes]:
    """Extension 201 dials 5551234 through the trunk; MixMonitor runs on 201's channel (the one that
    runs the outbound route), and the route sets the trunk's caller id on it."""
    epoch, seq = uid.split(".")
    trunk_uid = f"{epoch}.{int(seq) + 1}"
    phone = channel("PJSIP/201-00000010", uid, uid, "201", "Bob", ChannelState="4", Context="from-internal")
    trunk = channel("PJSIP/trunk-00000011", trunk_uid, uid, "5551234", "", Context="from-internal")
    wav = {"Variable": "MIXMONITOR_FILENAME", "Value": f"/var/spool/asterisk/monitor/out-{uid}.wav"}
    up = {"ChannelState": "6"}
    phone_up = {**phone, **up, "CallerIDNum": "+15550100", "ConnectedLineNum": "5551234"}
    events = [ami_event("Newchannel", phone, 0.0), ami_event("VarSet", phone, 0.1, "dialplan,all", **wav)]
    if override:
        direction = {"Variable": "__CALLSTREAM_DIRECTION", "Value": override}
        events.append(ami_event("VarSet", phone, 0.1, "dialplan,all", **direction))
    return [
        *events,
        ami_event("Newchannel", trunk, 0.2),
        ami_event("Newstate", {**trunk, **up}, 5.0),
        ami_event("Newstate", phone_up, 5.0),
        ami_event("Hangup", phone_up, 60.0, Cause="16"),
        ami_event("Hangup", {**trunk, **up, "ConnectedLineNum": "+15550100"}, 60.1, Cause="16"),
    ]


def test_ami_channel_events_direction_and_which_channel_recorded() -> None:
    talk, hangups = recorded_call("1795168800.42")
    call = _tracked(talk + hangups)  # inbound, MixMonitor on the caller's (trunk) channel
    assert (call["direction"], call["agent"]["id"], call["customer"]["number"]) == (
        "inbound",
        "201",
        "+15550101",
    )
    assert call["audio"]["channels"] == CUSTOMER_LEFT
    call = _tracked(outbound_call())
    assert (call["direction"], call["agent"]["id"], call["customer"]["number"]) == (
        "outbound",
        "201",
        "5551234",
    )
    assert call["audio"]["channels"] == AGENT_LEFT
    assert call["started_at"].timestamp() == T0 + 5.0 and call["ended_at"].timestamp() == T0 + 60.1
    # MixMonitor started on the agent's channel (Dial's b()/U() handler): the agent's voice is read there.
    agent = channel("PJSIP/201-00000002", "1795168800.43", "1795168800.42", "201", "Bob", ChannelState="6")
    wav = {"Variable": "MIXMONITOR_FILENAME", "Value": "/var/spool/asterisk/monitor/x.wav"}
    moved = [raw for raw in talk if b"Event: VarSet" not in raw]
    call = _tracked([*moved, ami_event("VarSet", agent, 4.1, "dialplan,all", **wav), *hangups])
    assert call["direction"] == "inbound" and call["audio"]["channels"] == AGENT_LEFT
    # The dialplan's word wins where names cannot tell (VarSet of __CALLSTREAM_DIRECTION).
    call = _tracked(outbound_call(override="internal"))
    assert call["direction"] == "internal" and call["audio"]["channels"] == AGENT_LEFT


def esl_leg(**over: str) -> dict[str, str]:
    """A CHANNEL_HANGUP_COMPLETE (trimmed) of an answered leg."""
    return {
        "Event-Name": "CHANNEL_HANGUP_COMPLETE", "Unique-ID": "a-leg", "Call-Direction": "inbound",
        "Caller-Caller-ID-Number": "+15550202", "Caller-Destination-Number": "5550100",
        "Hangup-Cause": "NORMAL_CLEARING", "variable_answer_epoch": "1795300000",
        "variable_end_epoch": "1795300061", "variable_billsec": "61",
        "variable_record_file": "/var/lib/freeswitch/recordings/a-leg.wav", **over,
    }  # fmt: skip


def test_esl_direction_and_roles_follow_the_far_end_of_the_recording_leg() -> None:
    """Call-Direction is the leg's direction seen from FreeSWITCH: an agent's outbound call arrives
    from the phone, so its A-leg is "inbound". The mapping published it as an inbound call with the
    dialled number as the agent, and left every call with the default agent-left channels."""
    from connectors.mapping import load_mapping

    mapping = load_mapping("freeswitch-esl")

    def mapped(**over: str) -> tuple:
        call = call_from_json({**mapping.apply(esl_leg(**over)), "tenant": "acme"})
        return call["direction"], call["agent"]["id"], call["customer"]["number"], call["audio"]["channels"]

    # A carrier's caller bridged to user/1001: the A-leg records, its read stream is the customer.
    carrier = {"variable_sip_gateway": "carrier", "variable_dialed_user": "1001"}
    assert mapped(**carrier) == ("inbound", "1001", "+15550202", CUSTOMER_LEFT)
    assert mapped(**carrier, variable_RECORD_STEREO_SWAP="true")[3] == AGENT_LEFT
    # Extension 1001 (a directory user) dials out: its A-leg's far end is the agent.
    phone = {
        "Caller-Caller-ID-Number": "1001",
        "Caller-Destination-Number": "5551234",
        "variable_user_name": "1001",
    }
    assert mapped(**phone) == ("outbound", "1001", "5551234", AGENT_LEFT)
    assert mapped(**phone, variable_dialed_user="1002")[:3] == ("internal", "1001", "5551234")
    # A dialer's originated leg to the customer, bridged to user/1001 afterwards.
    dialer = {
        "Call-Direction": "outbound", "Caller-Caller-ID-Number": "5550100",
        "Caller-Destination-Number": "5551234", "variable_sip_gateway_name": "carrier",
        "variable_dialed_user": "1001", "Other-Type": "originatee",
    }  # fmt: skip
    assert mapped(**dialer) == ("outbound", "1001", "5551234", CUSTOMER_LEFT)
    # Phones FreeSWITCH did not authenticate: the dialplan sets callstream_direction on the leg.
    unauthenticated = {"Caller-Caller-ID-Number": "1001", "Caller-Destination-Number": "5551234"}
    assert mapped(**unauthenticated)[0] == "inbound"
    assert mapped(**unauthenticated, variable_callstream_direction="outbound") == (
        "outbound", "1001", "5551234", AGENT_LEFT,
    )  # fmt: skip


def test_esl_answered_leg_without_recording_is_reported_not_its_b_legs() -> None:
    """An answered call without variable_record_file used to vanish in the `when` filter. Now the leg
    that ran the dialplan is dead-lettered; the B-legs of bridges (no dialplan, no record_file of
    their own) are not, and a B-leg that only inherited an exported record_file is no second call."""
    recorded = esl_leg(variable_dialed_user="1001")
    del recorded["variable_record_file"]
    b_leg = {
        **recorded, "Unique-ID": "b-leg", "Call-Direction": "outbound", "Caller-Destination-Number": "1001",
        "variable_originating_leg_uuid": "a-leg", "Other-Type": "originator",
    }  # fmt: skip
    ivr = {**recorded, "Unique-ID": "ivr-leg"}  # answered by FreeSWITCH, no recording configured
    cc_agent = {**b_leg, "Unique-ID": "cc-agent"}  # mod_callcenter: originated, then uuid_bridge'd
    del cc_agent["variable_originating_leg_uuid"]
    exported = {**b_leg, "Unique-ID": "b-leg-exported", "variable_record_file": "/r/a-leg2.wav"}
    a_leg = esl_leg(**{"Unique-ID": "a-leg2", "variable_record_file": "/r/a-leg2.wav"})
    legs = [b_leg, recorded | {"variable_record_file": "/r/a-leg.wav"}, ivr, cc_agent, exported, a_leg]

    async def pbx(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"Content-Type: auth/request\n\n")
        for _ in range(2):
            await reader.readuntil(b"\n\n")
            writer.write(b"Content-Type: command/reply\nReply-Text: +OK\n\n")
        writer.write(b"".join(esl_event(leg) for leg in legs))
        await writer.drain()
        await asyncio.sleep(5)

    def client(port: int, on_call: Callable, on_problem: Callable) -> Any:
        return esl_client("127.0.0.1", port, "ClueCon", on_call, on_problem)

    calls, problems = asyncio.run(serve_pbx(pbx, client, 2, hold=0.3))
    assert [c["call_id"] for c in calls] == ["a-leg", "a-leg2"]
    assert [event["Unique-ID"] for event, _ in problems] == ["ivr-leg"]
    assert "without record_file" in problems[0][1]


# --- a connector that starts mid-call (found by a red team) ------------------------------------------


def mid_call(uid: str, ts: bool = True) -> list[bytes]:
    """Only the Hangups of an inbound call answered at T0+4 (the talk happened before the client
    connected); manager.conf channelvars = MIXMONITOR_FILENAME names the recording on them."""
    epoch, _, seq = uid.rpartition(".")
    agent_uid = f"{epoch}.{int(seq) + 1}" if epoch.isdigit() else f"{uid}-b"
    up = {"ChannelState": "6"}
    trunk = channel("PJSIP/trunk-00000021", uid, uid, "+15550101", "Alice", ConnectedLineNum="201", **up)
    agent = channel(
        "PJSIP/201-00000022",
        agent_uid,
        uid,
        "201",
        "Bob",
        ConnectedLineNum="+15550101",
        Context="from-internal",
        **up,
    )
    wav = f"ChanVariable: MIXMONITOR_FILENAME=/var/spool/asterisk/monitor/{uid}.wav\r\n\r\n".encode()
    hangups = [
        ami_event("Hangup", agent, 40.0 if ts else None, Cause="16"),
        ami_event("Hangup", trunk, 40.1 if ts else None, Cause="16"),
    ]
    hangups[1] = hangups[1][:-2] + wav
    return hangups


def test_ami_call_first_seen_mid_call_is_never_published_with_zero_duration() -> None:
    """A client that connects mid-call first sees channels already Up: it used to take that moment as
    the answer (duration ~0). Now it waits for the Cdr's exact times, else takes the start from the
    Uniqueid (<epoch>.<sequence>), else reports the call."""
    with_cdr = f"{int(T0)}.11"  # created at T0 (2026-11-20 10:00:00): what ami_cdr's times say too
    without_cdr = f"{int(T0)}.21"
    unknown = "pbx-call-7"  # no epoch: the start is nowhere
    sessions = [
        b"".join(mid_call(with_cdr)) + ami_cdr(with_cdr) + b"".join(mid_call(without_cdr) + mid_call(unknown))
    ]
    calls, problems, _, _ = asyncio.run(run_ami(sessions, 2, grace=0.3, hold=1.0))
    by_id = {c["call_id"]: c for c in calls}
    assert sorted(by_id) == sorted([with_cdr, without_cdr])
    cdr_call = by_id[with_cdr]  # the Cdr's exact answer time
    assert cdr_call["started_at"].timestamp() == T0 + 4 and cdr_call["ended_at"].timestamp() == T0 + 40
    estimated = by_id[without_cdr]  # the channel's creation: includes the ringing, but is no 0
    assert estimated["started_at"].timestamp() == T0 and estimated["ended_at"].timestamp() == T0 + 40.1
    assert estimated["recording_uri"] == f"file:///var/spool/asterisk/monitor/{without_cdr}.wav"
    [(event, why)] = problems
    assert event["Linkedid"] == unknown and "times are unknown" in why


def test_ami_attended_transfer_keeps_the_consultation_recording() -> None:
    """Agent 201 puts the customer on hold, calls 202 (recorded as an internal call) and completes the
    transfer: the bridge re-links 202 to the customer's call, the two calls merge, and the
    consultation call's file used to vanish. The call is published once with its own file; the other
    file is dead-lettered under the consultation call's id (a Cdr for that id would publish it)."""
    customer, first, consult, target = "1795168800.1", "1795168800.2", "1795168830.3", "1795168830.4"
    up = {"ChannelState": "6"}
    trunk = channel("PJSIP/trunk-00000001", customer, customer, "+15550101", "Alice", **up)
    agent = channel("PJSIP/201-00000002", first, customer, "201", "Bob", Context="from-internal", **up)
    agent2 = channel("PJSIP/201-00000003", consult, consult, "201", "Bob", Context="from-internal", **up)
    other = channel("PJSIP/202-00000004", target, consult, "202", "Carl", Context="from-internal", **up)

    def wav(snap: dict, name: str, at: float) -> bytes:
        value = f"/var/spool/asterisk/monitor/{name}.wav"
        return ami_event("VarSet", snap, at, "dialplan,all", Variable="MIXMONITOR_FILENAME", Value=value)

    ring = {"ChannelState": "4"}
    events = [
        ami_event("Newchannel", {**trunk, **ring}, 0.0), wav(trunk, "in", 0.1),
        ami_event("Newchannel", {**agent, **ring}, 0.5), ami_event("Newstate", agent, 4.0),
        ami_event("Newchannel", {**agent2, **ring}, 30.0), wav(agent2, "internal", 30.1),
        ami_event("Newchannel", {**other, **ring}, 30.5), ami_event("Newstate", other, 33.0),
        ami_event("Hangup", agent, 50.0, Cause="16"), ami_event("Hangup", agent2, 50.0, Cause="16"),
        ami_event("BridgeEnter", {**other, "Linkedid": customer}, 50.1),
        ami_event("Hangup", {**other, "Linkedid": customer}, 90.0, Cause="16"),
        ami_event("Hangup", trunk, 90.1, Cause="16"),
    ]  # fmt: skip
    calls, problems, _, _ = asyncio.run(run_ami([b"".join(events)], 1, grace=0.2, hold=0.8))
    [call] = calls
    assert call["call_id"] == customer and call["recording_uri"].endswith("/in.wav")
    [(event, why)] = problems
    assert event["Linkedid"] == consult and event["MixMonitorFilename"].endswith("/internal.wav")
    assert "second MixMonitor recording" in why
