"""What the ingest API refuses reaches ``calls.dlq`` (a real broker), as publish and connect do.

A FreeSWITCH CDR without answer_epoch, a Vonage callback without recording_url or a bad
``/v1/calls`` body got its 400 and nothing else: no dead letter and no log line, so a sender
that drops the answer (FreeSWITCH does) lost the call without a trace (found by an acceptance
tester). Unauthenticated requests are answered only: anyone could fill the topic.
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
from connectors.publisher import CallPublisher
from schemas.codec import SingleObjectCodec
from streams.broker import EmbeddedBroker
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.integration.test_ingest import QUIET
from tests.integration.test_pipeline import read_topic
from tests.unit.test_freeswitch_json_cdr import cdr

pytestmark = pytest.mark.integration
CODEC = SingleObjectCodec()
SAMPLE = json.loads(SAMPLE_CALLS.read_text().splitlines()[0])  # tenant "demo"
BEARER = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}
VONAGE = {
    "start_time": "2026-11-20T10:00:00Z",
    "end_time": "2026-11-20T10:01:00Z",
    "conversation_uuid": "CON-no-recording",
}


def call(call_id: str, **extra: Any) -> dict[str, Any]:
    return {**SAMPLE, "call_id": call_id, **extra}


async def post_all(settings: Settings, bootstrap: str, requests: list[tuple[str, dict, bytes]]) -> list:
    auth = TenantAuth({"demo": "t-demo", "other": "t-other"}, {})
    app = create_app(CallPublisher(settings, bootstrap, CODEC, config=QUIET), auth)
    answers = []
    async with TestClient(TestServer(app)) as client:  # aiohttp on loopback; shutdown flushes
        for path, headers, body in requests:
            async with client.post(path, headers=headers, data=body) as resp:
                answers.append((resp.status, await resp.json()))
    return answers


def test_refused_payloads_of_authenticated_requests_go_to_the_dead_letter_topic(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path, topic_prefix="ingest-dlq.", ingest_max_body_bytes=4_000_000)
    no_answer = cdr()
    del no_answer["variables"]["answer_epoch"]
    unrecorded = cdr(uuid="fs-unrecorded")
    del unrecorded["variables"]["record_file"]
    bad_one = json.dumps(call("bad-1", started_at="soon")).encode()
    big = json.dumps(call("big", crm={"notes": "x" * 1_100_000})).encode()
    refused = [
        ("/v1/webhooks/freeswitch-json-cdr?uuid=a-leg", BEARER, json.dumps(no_answer).encode()),
        ("/v1/webhooks/freeswitch-json-cdr?uuid=x", BEARER, json.dumps(unrecorded).encode()),
        ("/v1/webhooks/vonage", BEARER, json.dumps(VONAGE).encode()),
        ("/v1/calls", BEARER, bad_one),
        ("/v1/calls", BEARER, json.dumps([call("fine-1"), call("bad-2", agent={})]).encode()),
        ("/v1/calls", BEARER, b"{not json"),
        ("/v1/calls", BEARER, json.dumps(call("int-tenant", tenant=7)).encode()),
        ("/v1/calls", BEARER, big),
        ("/v1/calls", BEARER, json.dumps([call("mine"), call("theirs", tenant="other")]).encode()),  # 403
    ]
    unauthenticated = [
        ("/v1/calls", {}, bad_one),  # 401
        ("/v1/calls", {"Authorization": "Bearer nope"}, bad_one),  # 401
        ("/v1/webhooks/vonage", {}, json.dumps(VONAGE).encode()),  # 401
    ]
    with EmbeddedBroker() as broker:
        ensure_topics(settings, broker.bootstrap)
        with caplog.at_level(logging.WARNING, logger="connectors.ingest"):
            answers = asyncio.run(post_all(settings, broker.bootstrap, refused + unauthenticated))
        statuses = [status for status, _ in answers]
        assert statuses == [400, 400, 400, 400, 400, 400, 400, 413, 403, 401, 401, 401], answers
        assert answers[0][1]["errors"] == [
            {"index": 0, "call_id": "a-leg", "problems": ["started_at: required"]}
        ]
        int_tenant = answers[6][1]["errors"][0]["problems"]
        assert int_tenant == ["tenant: must be a string (leave it out for the token's tenant), got int"]

        dlq = read_topic(broker.bootstrap, settings.topic("calls.dlq"), len(refused) + 1, timeout=10)
        letters = [CODEC.decode("DeadLetter", m.value()) for m in dlq]
        assert len(letters) == len(refused)  # one per refused payload, none for the unauthenticated
        by_id = {letter["call_id"]: letter for letter in letters}
        assert {letter["stage"] for letter in letters} == {"ingest"}
        assert {letter["tenant"] for letter in letters} == {"demo"}  # the token's, also for "{not json"

        fs = by_id["a-leg"]  # the event's own call id, so BI finds it beside the call
        assert fs["topic"] == "/v1/webhooks/freeswitch-json-cdr" and fs["payload"] == refused[0][2]
        assert "started_at: required" in fs["error_message"] and fs["key"] == b"a-leg"
        assert "without record_file" in by_id["fs-unrecorded"]["error_message"]  # the mapping's problem
        assert "recording_uri" in by_id["CON-no-recording"]["error_message"]
        assert by_id["bad-1"]["payload"] == bad_one and "started_at" in by_id["bad-1"]["error_message"]
        batch = by_id["bad-2"]  # only the bad call of the batch, at its index
        assert batch["offset"] == 1 and json.loads(batch["payload"])["call_id"] == "bad-2"
        [unnamed] = [letter for letter in letters if letter["call_id"].startswith("ingest:calls:")]
        assert unnamed["payload"] == b"{not json" and "not JSON" in unnamed["error_message"]
        assert "tenant: must be a string" in by_id["int-tenant"]["error_message"]
        assert by_id["big"]["payload"] == b"" and "payload left out" in by_id["big"]["error_message"]
        assert "message.max.bytes" in by_id["big"]["error_message"]
        theirs = by_id["theirs"]  # only the other tenant's call, under the token's tenant
        assert theirs["offset"] == 1 and theirs["tenant"] == "demo" and "mine" not in by_id
        assert "for tenant 'other'; this token is for 'demo'" in theirs["error_message"]

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == len(refused)  # one line per refused request
    assert any("freeswitch-json-cdr" in w and "a-leg: started_at: required" in w for w in warnings)
