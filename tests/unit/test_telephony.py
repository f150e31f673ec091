"""AMI and ESL clients against in-test TCP servers that replay the PBXs' real protocol exchanges."""

from __future__ import annotations

import asyncio
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

    async def main() -> tuple[list, list]:
        server = await asyncio.start_server(pbx, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        calls: list = []
        problems: list = []

        async def on_call(call: dict) -> None:
            calls.append(call_from_json({**call, "tenant": "acme"}))

        async def on_problem(event: dict, why: str) -> None:
            problems.append(why)

        async with server:
            await collect(
                ami_client("127.0.0.1", port, "callstream", "s3cret", on_call, on_problem), calls, 2
            )
        return calls, problems

    calls, problems = asyncio.run(main())
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

    server = await asyncio.start_server(pbx, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    calls: list = []
    problems: list = []

    async def on_call(call: dict) -> None:
        calls.append(call_from_json({**call, "tenant": "acme"}))

    async def on_problem(event: dict, why: str) -> None:
        problems.append((event, why))

    client = ami_client("127.0.0.1", port, "callstream", "s3cret", on_call, on_problem)
    client.cdr_grace = grace
    client.max_backoff = 0.2
    async with server:
        await collect(client, calls, until)
        await asyncio.sleep(hold)  # later events (duplicates, problems after the grace) land too
    return calls, problems, logins, client


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
    sessions = [b"".join(answered_unrecorded("1763633100.6")) + hangup]
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
