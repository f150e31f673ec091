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
