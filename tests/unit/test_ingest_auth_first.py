"""The ingest API authenticates before it says anything else, and a dead letter the broker cannot take
never changes the answer.

Found by an acceptance tester: ``/v1/webhooks/vonage`` with no token and a broken body answered 400
"body is not json", ``/v1/webhooks/avaya`` with no token 404 "no mapping for source 'avaya'" (the
mapping names, to anyone), the AMI/ESL mappings were served as webhooks, and ``"tenant": null`` was
a 403 naming a Python repr. No broker listens here (port 1): nothing in these requests is published.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from connectors.auth import TenantAuth
from connectors.events import SAMPLE_CALLS
from connectors.ingest import create_app
from connectors.mapping import MappingError, load_mapping, load_webhook_mapping, parse_mapping
from connectors.publisher import CallPublisher
from schemas.codec import SingleObjectCodec
from streams.settings import Settings

SAMPLE = json.loads(SAMPLE_CALLS.read_text().splitlines()[0])  # tenant "demo"
TOKEN = {"Authorization": "Bearer t"}


async def post_all(requests: list[tuple[str, dict, bytes]], **config: Any) -> list[tuple[int, dict]]:
    config = {"log_level": 0, "message.timeout.ms": 500, **config}
    publisher = CallPublisher(Settings(), "127.0.0.1:1", SingleObjectCodec(), config=config)
    answers = []
    async with TestClient(TestServer(create_app(publisher, TenantAuth({"demo": "t"}, {})))) as client:
        for path, headers, body in requests:
            async with client.post(path, headers=headers, data=body) as resp:
                answers.append((resp.status, await resp.json()))
    return answers


def test_webhooks_answer_401_before_parsing_the_body_or_looking_up_the_mapping() -> None:
    answers = asyncio.run(
        post_all(
            [
                ("/v1/webhooks/vonage", {}, b"{oops"),
                ("/v1/webhooks/avaya", {}, b"{}"),
                ("/v1/webhooks/avaya", {"Authorization": "Bearer nope"}, b"{}"),
                ("/v1/webhooks/twilio", {}, b"\xff\xfe not utf-8"),  # its signature cannot be checked
                ("/v1/webhooks/avaya", TOKEN, b"{}"),
                ("/v1/webhooks/vonage", TOKEN, b"{oops"),
            ]
        )
    )
    assert [status for status, _ in answers] == [401, 401, 401, 401, 404, 400]
    assert not any("avaya" in body["error"] or "json" in body["error"] for _, body in answers[:4])
    assert answers[4][1]["error"] == "no mapping for source 'avaya'"


def test_socket_mappings_are_not_webhooks() -> None:
    """AMI and ESL events come from `callstream connect`; a webhook sender posting one is no PBX."""
    names = ("asterisk-ami", "asterisk-ami-hangup", "freeswitch-esl")
    answers = asyncio.run(post_all([(f"/v1/webhooks/{name}", TOKEN, b"{}") for name in names]))
    assert answers == [(404, {"error": f"no mapping for source {name!r}"}) for name in names]
    for name in names:
        assert load_mapping(name).transport == "socket"  # connect still loads them
        with pytest.raises(KeyError):
            load_webhook_mapping(name)
    assert {load_webhook_mapping(n).transport for n in ("twilio", "vonage", "freeswitch-json-cdr")} == {
        "webhook"
    }
    with pytest.raises(MappingError, match="transport must be one of"):
        parse_mapping({"transport": "carrier-pigeon", "fields": {"call_id": "id"}}, "x.yaml")


def test_a_non_string_tenant_is_a_400_with_its_field_path() -> None:
    """Not a 403 naming a Python repr (7 != 'demo'); null is the token's tenant, as in
    tests/integration/test_ingest.py."""
    bodies = [{**SAMPLE, "tenant": 7}, [SAMPLE, {**SAMPLE, "call_id": "n", "tenant": [7]}]]
    answers = asyncio.run(post_all([("/v1/calls", TOKEN, json.dumps(b).encode()) for b in bodies]))
    assert [status for status, _ in answers] == [400, 400]
    assert answers[0][1]["errors"] == [
        {
            "index": 0,
            "call_id": "sample-en-sale",  # a batch's bad call is found by its id too, not only its place
            "problems": ["tenant: must be a string (leave it out for the token's tenant), got int"],
        }
    ]
    assert [(e["index"], e["call_id"]) for e in answers[1][1]["errors"]] == [(1, "n")]
    assert "7" not in answers[0][1]["error"]


def test_a_dead_letter_the_broker_cannot_take_still_answers_the_400(caplog: pytest.LogCaptureFixture) -> None:
    bad = json.dumps({**SAMPLE, "call_id": "bad", "started_at": "soon"}).encode()
    with caplog.at_level(logging.WARNING, logger="connectors.ingest"):
        # a queue of one: the second letter finds it full (and must not stall the event loop waiting)
        answers = asyncio.run(
            post_all([("/v1/calls", TOKEN, bad)] * 2, **{"queue.buffering.max.messages": 1})
        )
    assert [status for status, _ in answers] == [400, 400]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("dead letter bad not sent: Backpressure" in e for e in errors), errors
    assert any("dead letter bad not taken by the broker" in e for e in errors), errors  # the first, timed out
    # the publisher's own "broker ... unreachable" line is callstream.kafka's: only the refusals here
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name == "connectors.ingest"
    ]
    assert len(warnings) == 3 and "bad: started_at" in warnings[0]
    # the stop, with the broker unreachable, says it waits the short grace for the queued records
    assert warnings[-1] == (
        "ingest: stopping while the broker is unreachable (127.0.0.1:1: Connection refused): "
        "waiting 2 s for queued records"
    )


def test_the_refusal_log_line_escapes_what_the_request_sent(caplog: pytest.LogCaptureFixture) -> None:
    """Security audit L3: a call id with a line break (refused by validation) was logged raw, so the
    rest of it read as a log line of its own ("... CRITICAL streams.auth: admin login accepted")."""
    forged = "evil\n2026-11-24 06:00:00,000 CRITICAL streams.auth: admin login accepted\x1b[2J"
    bodies = [
        {"call_id": forged, "agent": {"id": "a1"}, "recording_uri": "x.wav"},
        {**SAMPLE, "call_id": "c1", "crm": {"k\r\nFORGED": [1]}},
    ]
    with caplog.at_level(logging.WARNING, logger="connectors.ingest"):
        answers = asyncio.run(post_all([("/v1/calls", TOKEN, json.dumps(b).encode()) for b in bodies]))
    assert [status for status, _ in answers] == [400, 400]
    logged = [r.getMessage() for r in caplog.records if r.name == "connectors.ingest"]
    refusals = [m for m in logged if "refused with 400" in m]
    assert len(refusals) == 2
    for message in logged:
        assert not any(ch in message for ch in "\n\r\x1b"), message
    assert r"evil\n2026-11-24 06:00:00,000 CRITICAL" in refusals[0] and r"\x1b[2J" in refusals[0]
    assert r"crm.k\r\nFORGED" in refusals[1]


def test_a_refused_batch_is_logged_call_by_call(caplog: pytest.LogCaptureFixture) -> None:
    """A new user's trial: the 400 log line ran every call's problems together ("...; ended_at:
    required; q: recording_uri: ..."), the first call unlabelled. Each is its index and id now."""
    body = json.dumps([{"cal_id": "z", "agent": {"id": "a"}}, {"call_id": "q"}]).encode()
    with caplog.at_level(logging.WARNING, logger="connectors.ingest"):
        [(status, _)] = asyncio.run(post_all([("/v1/calls", TOKEN, body)]))
    assert status == 400
    [line] = [r.getMessage() for r in caplog.records if "refused with 400" in r.getMessage()]
    reasons = line.split("sent to the dead-letter topic: ", 1)[1].split(" | ")
    assert [r.split(":", 1)[0] for r in reasons] == ["#0 ingest", "#1 q"]
    assert "call_id: required string (found 'cal_id': did you mean 'call_id'?)" in reasons[0]
    assert reasons[1].startswith("#1 q: ") and "recording_uri" in reasons[1]
