"""The HTTP ingest API served for real (aiohttp on loopback) in front of a real broker process."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiokafka import AIOKafkaConsumer
from fastavro import schemaless_reader
from fastavro.schema import fingerprint, load_schema, to_parsing_canonical_form
from prometheus_client import REGISTRY

from connectors.auth import TenantAuth, sign, twilio_signature
from connectors.events import SAMPLE_CALLS
from connectors.ingest import REQUESTS, SHUTDOWN_FLUSH_S, create_app
from connectors.openapi import OPENAPI
from connectors.publisher import CallPublisher
from schemas.codec import SingleObjectCodec
from streams.broker import EmbeddedBroker, free_port
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.e2e.test_cli import callstream
from tests.integration.test_pipeline import read_topic

pytestmark = pytest.mark.integration
CODEC = SingleObjectCodec()
#: aiohttp's app keeps its producer alive after the test's broker stops; without this, librdkafka's
#: threads print "Connect ... failed" until the interpreter exits (delivery is asserted by the tests).
QUIET = {"log_level": 0}
SAMPLE = json.loads(SAMPLE_CALLS.read_text().splitlines()[0])  # tenant "demo"


@pytest.fixture(scope="module")
def broker() -> EmbeddedBroker:
    with EmbeddedBroker() as b:
        yield b


def call(call_id: str, **extra: Any) -> dict[str, Any]:
    return {**SAMPLE, "call_id": call_id, **extra}


async def serve_and(
    settings: Settings, bootstrap: str, requests: list[tuple[dict, bytes]]
) -> list[tuple[int, dict]]:
    """Start the API on loopback, send ``requests`` (headers, body) in order, return (status, json)."""
    auth = TenantAuth({"demo": "t-demo", "other": "t-other"}, {"other": "s3cret"})
    app = create_app(CallPublisher(settings, bootstrap, CODEC, settings.ingest_max_queued, QUIET), auth)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    out = []
    try:
        async with aiohttp.ClientSession() as session:
            for headers, body in requests:
                async with session.post(
                    f"http://127.0.0.1:{port}/v1/calls", headers=headers, data=body
                ) as resp:
                    out.append((resp.status, await resp.json()))
            async with session.get(f"http://127.0.0.1:{port}/openapi.json") as resp:
                out.append((resp.status, await resp.json()))
    finally:
        await runner.cleanup()
    return out


def test_ingest_answers_every_request_with_a_reason(broker: EmbeddedBroker, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, topic_prefix="ingest.", ingest_max_body_bytes=4096, ingest_max_batch=3
    )
    ensure_topics(settings, broker.bootstrap)
    bearer = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}
    batch = json.dumps([call("in-1"), call("in-2")]).encode()
    other_body = json.dumps(call("in-3", tenant="other")).encode()
    before = {s: REQUESTS.labels(s)._value.get() for s in ("202", "400", "401", "403", "413")}
    requests = [
        (bearer, batch),  # 202
        (bearer, json.dumps(call("in-1")).encode()),  # a retry: 202 again, idempotent by call id
        ({}, batch),  # 401 no token
        ({"Authorization": "Bearer nope"}, batch),  # 401 unknown token
        (bearer, other_body),  # 403 another tenant's call
        ({"Authorization": "Bearer t-other"}, other_body),  # 401 tenant "other" must sign
        (
            {"Authorization": "Bearer t-other", "X-Callstream-Signature": sign("wrong", other_body)},
            other_body,
        ),
        (
            {"Authorization": "Bearer t-other", "X-Callstream-Signature": sign("s3cret", other_body)},
            other_body,
        ),
        (bearer, json.dumps([call("bad", started_at="soon"), {"call_id": ""}]).encode()),  # 400, field paths
        (bearer, b"{not json"),  # 400
        (bearer, json.dumps([call(f"x{i}") for i in range(4)]).encode()),  # 413 batch
        (bearer, b" " * 5000),  # 413 body
    ]
    answers = asyncio.run(serve_and(settings, broker.bootstrap, requests))
    statuses = [status for status, _ in answers[:-1]]
    assert statuses == [202, 202, 401, 401, 403, 401, 401, 202, 400, 400, 413, 413]
    assert answers[0][1] == {"accepted": ["in-1", "in-2"]}
    problems = answers[8][1]["errors"]
    assert problems[0]["index"] == 0 and any(p.startswith("started_at:") for p in problems[0]["problems"])
    assert problems[1]["index"] == 1 and any(p.startswith("agent.id") for p in problems[1]["problems"])
    assert answers[-1] == (200, OPENAPI)
    after = {s: REQUESTS.labels(s)._value.get() for s in before}
    assert {s: after[s] - before[s] for s in before} == {"202": 3, "400": 2, "401": 4, "403": 1, "413": 2}

    # What the API acknowledged is on the topic, readable by an independent consumer.
    messages = read_topic(broker.bootstrap, settings.topic("calls.completed"), 4)
    got = sorted((m.key().decode(), CODEC.decode("CallCompleted", m.value())["tenant"]) for m in messages)
    assert got == [("in-1", "demo"), ("in-1", "demo"), ("in-2", "demo"), ("in-3", "other")]


def test_a_relative_recording_path_is_refused_saying_what_to_send(
    broker: EmbeddedBroker, tmp_path: Path
) -> None:
    """An integrator's first POST named its recording as in a calls file, `rec/call-a.wav`: it got a
    202 and the call became a transcribe dead letter naming a folder of the installed package. Over
    HTTP there is no calls file to read it from, so it is a 400 that says what to send; a bundled
    sample (`samples/...`, as in connectors/samples/calls.jsonl) is still accepted."""
    settings = Settings(data_dir=tmp_path, topic_prefix="ingest-rel.")
    ensure_topics(settings, broker.bootstrap)
    bearer = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}
    requests = [
        (bearer, json.dumps(call("rel-1", recording_uri="rec/call-a.wav")).encode()),
        (bearer, json.dumps(call("rel-2", recording_uri="samples/../events.py")).encode()),
        (bearer, json.dumps(call("rel-ok")).encode()),
        (bearer, json.dumps(call("abs-ok", recording_uri="file:///var/spool/x.wav")).encode()),
    ]
    answers = asyncio.run(serve_and(settings, broker.bootstrap, requests))
    assert [status for status, _ in answers[:-1]] == [400, 400, 202, 202]
    (problem,) = answers[0][1]["errors"][0]["problems"]
    assert problem.startswith("recording_uri: 'rec/call-a.wav' is a relative path")
    assert "file:///abs/path.wav" in problem and "CALLSTREAM_RECORDING_ROOTS" in problem
    assert answers[1][1]["errors"][0]["problems"][0].startswith("recording_uri: 'samples/../events.py'")
    letters = read_topic(broker.bootstrap, settings.topic("calls.dlq"), 2)
    assert sorted(m.key().decode() for m in letters) == ["rel-1", "rel-2"]


def warnings_counted(kind: str) -> float:
    return REGISTRY.get_sample_value("callstream_ingest_warnings_total", {"kind": kind}) or 0.0


def test_doubtful_calls_are_accepted_with_their_warnings_in_the_answer(
    broker: EmbeddedBroker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A misspelt optional field was dropped in silence (no queue, so the wrong scorecard); the call is
    still accepted (producers must not break), and the 202 says what was doubtful, per call; the
    operator, who never sees the 202, gets a log line per call and a counter by kind. A null tenant
    is the token's, with a warning, as `publish` takes 'default' (it was a 400)."""
    settings = Settings(data_dir=tmp_path, topic_prefix="ingest-warn.")
    ensure_topics(settings, broker.bootstrap)
    bearer = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}
    misspelt = {k: v for k, v in call("w-1", qeue="sales").items() if k != "queue"}
    batch = [
        call("w-0"),
        misspelt,
        call("w-2", started_at="2026-11-20T10:00:00", agent={"id": "a", "nmae": "X"}),
        call("w-3", tenant=None),
    ]
    kinds = ("unknown_field", "naive_time", "null_default")
    before = {kind: warnings_counted(kind) for kind in kinds}
    with caplog.at_level(logging.WARNING, logger="connectors.ingest"):
        answers = asyncio.run(serve_and(settings, broker.bootstrap, [(bearer, json.dumps(batch).encode())]))
    assert answers[0] == (
        202,
        {
            "accepted": ["w-0", "w-1", "w-2", "w-3"],
            "warnings": [
                {
                    "index": 1,
                    "call_id": "w-1",
                    "warnings": ["unknown field 'qeue' dropped (did you mean 'queue'?)"],
                },
                {
                    "index": 2,
                    "call_id": "w-2",
                    "warnings": [
                        "unknown field 'agent.nmae' dropped (did you mean 'agent.name'?)",
                        "started_at: '2026-11-20T10:00:00' has no time zone; taken as UTC",
                    ],
                },
                {"index": 3, "call_id": "w-3", "warnings": ["tenant: null taken as 'demo'"]},
            ],
        },
    )
    messages = read_topic(broker.bootstrap, settings.topic("calls.completed"), 4)
    records = {m.key().decode(): CODEC.decode("CallCompleted", m.value()) for m in messages}
    assert {call_id: r["queue"] for call_id, r in records.items()} == {
        "w-0": SAMPLE["queue"],
        "w-1": None,
        "w-2": SAMPLE["queue"],
        "w-3": SAMPLE["queue"],
    }
    assert records["w-3"]["tenant"] == "demo"
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert logged == [
        "ingest: call w-1 from tenant demo accepted with warnings: "
        "unknown field 'qeue' dropped (did you mean 'queue'?)",
        "ingest: call w-2 from tenant demo accepted with warnings: "
        "unknown field 'agent.nmae' dropped (did you mean 'agent.name'?); "
        "started_at: '2026-11-20T10:00:00' has no time zone; taken as UTC",
        "ingest: call w-3 from tenant demo accepted with warnings: tenant: null taken as 'demo'",
    ]
    # by kind, never by the sender's field names
    assert {kind: warnings_counted(kind) - before[kind] for kind in kinds} == {
        "unknown_field": 2,
        "naive_time": 1,
        "null_default": 1,
    }


def test_a_batch_says_repeated_ids_names_bad_calls_and_refuses_what_is_not_json(
    broker: EmbeddedBroker, tmp_path: Path
) -> None:
    """A new user's trial: a call id twice in one batch was accepted in silence (the later call
    replaces the earlier, as `publish` warns); a 400 named the bad call by index only; a form or
    text body (curl -d) was read as JSON and accepted; the 413 did not say which setting or what to
    do; "language": "en-US" passed unsaid."""
    settings = Settings(data_dir=tmp_path, topic_prefix="ingest-batch.", ingest_max_body_bytes=4096)
    ensure_topics(settings, broker.bootstrap)
    bearer = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}
    one = json.dumps(call("ct-1")).encode()
    requests = [
        (bearer, json.dumps([call("x-dup"), call("x-other", language="en-US"), call("x-dup")]).encode()),
        (bearer, json.dumps([call("ok-1"), call("bad-1", started_at="soon"), {"queue": "x"}]).encode()),
        ({"Authorization": "Bearer t-demo", "Content-Type": "text/plain"}, one),
        ({"Authorization": "Bearer t-demo", "Content-Type": "application/x-www-form-urlencoded"}, one),
        ({"Authorization": "Bearer t-demo", "Content-Type": "application/vnd.acme+json"}, one),
        ({"Authorization": "Bearer t-demo", "Content-Type": "application/json; charset=utf-8"}, one),
        (bearer, b" " * 5000),
    ]
    answers = asyncio.run(serve_and(settings, broker.bootstrap, requests))
    assert [status for status, _ in answers[:-1]] == [202, 400, 415, 415, 202, 202, 413]
    assert answers[0][1] == {
        "accepted": ["x-dup", "x-other", "x-dup"],
        "warnings": [
            {
                "index": 1,
                "call_id": "x-other",
                "warnings": [
                    "language: 'en-US' is not an ISO-639-1 code (did you mean 'en'?); taken as 'en'"
                ],
            },
            {
                "index": 2,
                "call_id": "x-dup",
                "warnings": ["call_id x-dup already at index 0; the later call replaces it"],
            },
        ],
    }
    errors = answers[1][1]["errors"]
    assert [(e["index"], e.get("call_id")) for e in errors] == [(1, "bad-1"), (2, None)]
    assert answers[2][1]["error"].startswith("Content-Type 'text/plain' is not JSON: send the call(s) as")
    assert "-H 'Content-Type: application/json'" in answers[3][1]["error"]
    assert answers[6][1]["error"] == (
        "body larger than 4096 bytes (CALLSTREAM_INGEST_MAX_BODY_BYTES): "
        "split the batch into smaller requests, or raise the limit for a single call this large"
    )
    published = read_topic(broker.bootstrap, settings.topic("calls.completed"), 5)
    languages = {m.key().decode(): CODEC.decode("CallCompleted", m.value())["language"] for m in published}
    assert languages["x-other"] == "en"  # the primary subtag: what Whisper takes as a hint
    # a refused body is a dead letter as a 400's is: found by the call id it names
    letters = read_topic(broker.bootstrap, settings.topic("calls.dlq"), 4)
    decoded = [CODEC.decode("DeadLetter", m.value()) for m in letters]
    refused_types = [d for d in decoded if d["error_message"].startswith("Content-Type")]
    assert len(refused_types) == 2 and all(d["tenant"] == "demo" for d in refused_types)


Answer = tuple[int, dict, str | None]  # status, JSON body, Retry-After


async def serve_demo_tenant(
    settings: Settings, broker: EmbeddedBroker
) -> tuple[CallPublisher, web.AppRunner, Callable[[aiohttp.ClientSession, str], Awaitable[Answer]]]:
    """Serve the API on a free port for tenant ``demo`` (token ``t-demo``): its publisher, the runner
    (clean it up: that is the stop) and ``post(session, call_id)``, which POSTs a valid call."""
    auth = TenantAuth({"demo": "t-demo"}, {})
    publisher = CallPublisher(settings, broker.bootstrap, CODEC, settings.ingest_max_queued)
    runner = web.AppRunner(create_app(publisher, auth))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    bearer = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}

    async def post(session: aiohttp.ClientSession, call_id: str) -> Answer:
        body = json.dumps(call(call_id)).encode()
        async with session.post(f"http://127.0.0.1:{port}/v1/calls", headers=bearer, data=body) as resp:
            return resp.status, await resp.json(), resp.headers.get("Retry-After")

    return publisher, runner, post


async def post_while_down(settings: Settings, broker: EmbeddedBroker, wait_for: Any) -> tuple[Answer, Answer]:
    """Serve the API, stop ``broker``, ``wait_for(publisher)``, POST a call (the answer while it is
    down), start it again on its port and POST until a 202 (the answer once it is back)."""
    publisher, runner, post = await serve_demo_tenant(settings, broker)
    try:
        async with aiohttp.ClientSession() as session:
            assert (await post(session, "up-1"))[0] == 202
            broker.stop()
            await wait_for(publisher)
            down = await post(session, "down-1")
            broker.start()
            ensure_topics(settings, broker.bootstrap)
            back = await post(session, "back-1")
            for attempt in range(60):  # librdkafka reconnects with a backoff of up to 10 s
                if back[0] == 202:
                    break
                await asyncio.sleep(1)
                back = await post(session, f"back-{attempt + 2}")
    finally:
        await runner.cleanup()
    return down, back


def test_a_broker_that_goes_away_is_said_once_and_answered_quickly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """A new user's trial: with the broker gone, librdkafka printed a raw `%3|...|FAIL|...` line on
    stderr every few dozen ms, between requests too, and each POST waited 30 s for its 503. Now its
    lines go through logging, a failure is one WARNING per state change, and a POST while the broker
    is known to be down gets its 503 with the reason as soon as the short grace is over."""

    async def retried_a_few_times(publisher: CallPublisher) -> None:
        for _ in range(600):  # until librdkafka has retried (and failed) a few times
            failures = [r for r in caplog.records if r.getMessage().startswith("FAIL ")]
            if publisher.unreachable is not None and len(failures) >= 3:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"librdkafka did not report the broker down: {caplog.text}")

    settings = Settings(data_dir=tmp_path, topic_prefix="ingest-down.")
    with EmbeddedBroker() as broker, caplog.at_level(logging.DEBUG, logger="callstream.kafka"):
        ensure_topics(settings, broker.bootstrap)
        down, back = asyncio.run(post_while_down(settings, broker, retried_a_few_times))
    address = broker.bootstrap
    status, answer, retry_after = down
    assert status == 503 and retry_after == "10"
    assert answer["error"] == (
        "the broker did not acknowledge the call(s): 1 record(s) not acknowledged within 2 s: "
        f"broker {address}: Connection refused; retry later (resending is safe)"
    )
    assert back[0] == 202
    said = [
        r.getMessage() for r in caplog.records if r.name == "callstream.kafka" and r.levelno >= logging.INFO
    ]
    assert said == [
        f"broker {address} unreachable: Connection refused (retrying)",
        f"broker {address} reachable again",
    ]
    assert "|FAIL|" not in capfd.readouterr().err  # nothing raw from librdkafka on stderr


def test_a_stop_with_the_broker_down_says_so_and_waits_only_the_short_grace(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A new user's trial: stopped (SIGTERM) while the broker was down, ingest waited 30 s for its
    queued records in silence. Now it says so and waits the short grace (UNREACHABLE_WAIT_S)."""
    settings = Settings(data_dir=tmp_path, topic_prefix="ingest-stop.")

    async def serve_and_stop(broker: EmbeddedBroker) -> float:
        publisher, runner, post = await serve_demo_tenant(settings, broker)
        try:
            broker.stop()
            for _ in range(600):
                if publisher.unreachable is not None:
                    break
                await asyncio.sleep(0.1)
            async with aiohttp.ClientSession() as session:
                assert (await post(session, "stop-1"))[0] == 503  # queued, not acknowledged
        finally:
            started = time.monotonic()
            await runner.cleanup()
        return time.monotonic() - started

    with EmbeddedBroker() as broker, caplog.at_level(logging.WARNING, logger="connectors.ingest"):
        ensure_topics(settings, broker.bootstrap)
        stopping = asyncio.run(serve_and_stop(broker))
    assert f"ingest: stopping while the broker is unreachable ({broker.bootstrap}: " in caplog.text
    assert "waiting 2 s for queued records" in caplog.text
    assert stopping < SHUTDOWN_FLUSH_S / 2, stopping  # the short grace, not the 30 s (a wide margin)


def test_checked_in_openapi_document_is_current() -> None:
    checked_in = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text())
    assert checked_in == OPENAPI


TWILIO_FORM = {
    "AccountSid": "AC0123",
    "CallSid": "CA9f1e",
    "RecordingSid": "RE5a2b",
    "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC0123/Recordings/RE5a2b",
    "RecordingStatus": "completed",
    "RecordingDuration": "37",
    "RecordingChannels": "2",
    "RecordingStartTime": "Fri, 20 Nov 2026 10:00:00 +0000",
    "RecordingSource": "DialVerb",
    "From": "+15550002222",
    "To": "+15550001111",
}


async def webhooks(
    settings: Settings, bootstrap: str, requests: list[tuple[str, dict, bytes]]
) -> list[tuple]:
    auth = TenantAuth({"demo": "t-demo"}, {"twilio-tenant": "twilio-auth-token"})
    app = create_app(CallPublisher(settings, bootstrap, CODEC, config=QUIET), auth)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    out = []
    try:
        async with aiohttp.ClientSession() as session:
            for path, headers, body in requests:
                url = f"http://127.0.0.1:{port}{path}"
                if headers.pop("sign-twilio", None):
                    form = {k: [v] for k, v in urllib.parse.parse_qsl(body.decode())}
                    headers["X-Twilio-Signature"] = twilio_signature("twilio-auth-token", url, form)
                async with session.post(url, headers=headers, data=body) as resp:
                    out.append((resp.status, await resp.json()))
    finally:
        await runner.cleanup()
    return out


def test_mapped_webhooks(broker: EmbeddedBroker, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, topic_prefix="hooks.")
    ensure_topics(settings, broker.bootstrap)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    twilio_body = urllib.parse.urlencode(TWILIO_FORM).encode()
    in_progress = urllib.parse.urlencode({**TWILIO_FORM, "RecordingStatus": "in-progress"}).encode()
    bad_time = urllib.parse.urlencode({**TWILIO_FORM, "RecordingStartTime": "yesterday"}).encode()
    vonage = json.dumps(
        {
            "start_time": "2026-11-20T10:00:00Z",
            "end_time": "2026-11-20T10:01:00Z",
            "recording_url": "https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
            "recording_uuid": "e5a0c8f1",
            "conversation_uuid": "CON-ddddaaaa-bbbb",
            "size": 12222,
            "timestamp": "2026-11-20T10:01:01.000Z",
        }
    ).encode()
    answers = asyncio.run(
        webhooks(
            settings,
            broker.bootstrap,
            [
                ("/v1/webhooks/twilio?tenant=twilio-tenant", {**form, "sign-twilio": True}, twilio_body),
                (
                    "/v1/webhooks/twilio?tenant=twilio-tenant",
                    {**form, "X-Twilio-Signature": "AAAA"},
                    twilio_body,
                ),
                ("/v1/webhooks/twilio?tenant=nobody", {**form, "sign-twilio": True}, twilio_body),
                ("/v1/webhooks/twilio?tenant=twilio-tenant", {**form, "sign-twilio": True}, in_progress),
                ("/v1/webhooks/twilio?tenant=twilio-tenant", {**form, "sign-twilio": True}, bad_time),
                ("/v1/webhooks/vonage", {"Authorization": "Bearer t-demo"}, vonage),
                ("/v1/webhooks/vonage", {}, vonage),
                ("/v1/webhooks/no-such-pbx", {"Authorization": "Bearer t-demo"}, vonage),
            ],
        )
    )
    assert [status for status, _ in answers] == [202, 401, 401, 200, 400, 202, 401, 404]
    assert answers[0][1] == {"accepted": ["CA9f1e"]}
    assert "RecordingStartTime" in answers[4][1]["error"] or "started_at" in answers[4][1]["error"]
    messages = read_topic(broker.bootstrap, settings.topic("calls.completed"), 2)
    calls = {m.key().decode(): CODEC.decode("CallCompleted", m.value()) for m in messages}
    twilio = calls["CA9f1e"]
    assert twilio["tenant"] == "twilio-tenant" and twilio["source"] == "twilio"
    assert twilio["audio"]["layout"] == "stereo"
    assert twilio["recording_uri"].endswith("RE5a2b.wav")
    assert (twilio["ended_at"] - twilio["started_at"]).total_seconds() == 37
    assert twilio["customer"]["number"] == "+15550002222" and twilio["customer"]["number_hash"]
    assert calls["CON-ddddaaaa-bbbb"]["tenant"] == "demo"
    assert calls["CON-ddddaaaa-bbbb"]["audio"]["layout"] == "mono"


def test_an_independent_client_reads_what_ingest_published(broker: EmbeddedBroker, tmp_path: Path) -> None:
    """aiokafka (a Kafka client independent of the librdkafka producer behind ingest) reads the
    topic, and the bytes decode with the documented schema file and single-object framing alone.
    Debian's kcat does the same in tests/integration/test_kcat.py."""
    settings = Settings(data_dir=tmp_path, topic_prefix="indep.")
    ensure_topics(settings, broker.bootstrap)
    body = json.dumps([call("indep-1"), call("indep-2")]).encode()
    headers = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}
    [(status, _), _openapi] = asyncio.run(serve_and(settings, broker.bootstrap, [(headers, body)]))
    assert status == 202

    async def consume() -> list[tuple[bytes, bytes]]:
        consumer = AIOKafkaConsumer(
            settings.topic("calls.completed"),
            bootstrap_servers=broker.bootstrap,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            batches = await consumer.getmany(timeout_ms=10_000)
            while sum(len(b) for b in batches.values()) < 2:
                more = await consumer.getmany(timeout_ms=10_000)
                if not more:
                    break
                for tp, records in more.items():
                    batches.setdefault(tp, []).extend(records)
            return [(r.key, r.value) for records in batches.values() for r in records]
        finally:
            await consumer.stop()

    messages = asyncio.run(consume())
    schema_file = Path(__file__).resolve().parents[2] / "schemas"
    schema = load_schema(schema_file / "callstream.CallCompleted.avsc", _write_hint=False)
    decoded = {}
    for key, raw in messages:
        assert raw[:2] == b"\xc3\x01"  # Avro single-object marker, then the schema fingerprint
        assert raw[2:10].hex() == fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO")
        decoded[key.decode()] = schemaless_reader(io.BytesIO(raw[10:]), schema)
    assert sorted(decoded) == ["indep-1", "indep-2"]
    assert decoded["indep-1"]["tenant"] == "demo" and decoded["indep-1"]["agent"]["id"] == "a-102"


def test_calls_through_the_api_are_enriched_from_the_crm(broker: EmbeddedBroker, tmp_path: Path) -> None:
    """The enricher was given to the app and never called: the README promises CRM fields on calls
    that come through the ingest API."""
    from connectors.crm import CrmEnricher

    settings = Settings(data_dir=tmp_path, topic_prefix="ingest-crm.")
    ensure_topics(settings, broker.bootstrap)

    async def lookup(request: web.Request) -> web.Response:
        if request.query.get("phone") == "+15550101":
            return web.json_response({"contact": {"uid": "c-17", "full_name": "Alice Smith"}})
        return web.json_response({}, status=404)

    async def main() -> int:
        crm = web.Application()
        crm.router.add_get("/lookup", lookup)
        crm_runner = web.AppRunner(crm)
        await crm_runner.setup()
        crm_port = free_port()
        await web.TCPSite(crm_runner, "127.0.0.1", crm_port).start()
        fields = {"customer_id": "contact.uid", "customer_name": "contact.full_name"}
        enricher = CrmEnricher("generic", f"http://127.0.0.1:{crm_port}/lookup", fields=fields)
        auth = TenantAuth({"demo": "t-demo"}, {})
        app = create_app(CallPublisher(settings, broker.bootstrap, CODEC, config=QUIET), auth, enricher)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            body = json.dumps(call("crm-1", customer={"number": "+15550101"})).encode()
            headers = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}
            async with (
                aiohttp.ClientSession() as session,
                session.post(f"http://127.0.0.1:{port}/v1/calls", headers=headers, data=body) as resp,
            ):
                return resp.status
        finally:
            await runner.cleanup()
            await crm_runner.cleanup()

    assert asyncio.run(main()) == 202
    [message] = read_topic(broker.bootstrap, settings.topic("calls.completed"), 1)
    crm = CODEC.decode("CallCompleted", message.value())["crm"]
    assert crm["enrichment"] == "ok" and crm.get("customer_name") == "Alice Smith"


def test_a_call_over_the_size_limit_is_a_bad_line_and_a_413(broker: EmbeddedBroker, tmp_path: Path) -> None:
    """A record over librdkafka's message.max.bytes (1 MB by default) raised KafkaException
    MSG_SIZE_TOO_LARGE from produce(): a traceback from `callstream publish` (the calls read before it
    never sent) and a 500 from the API (found by a red team)."""
    big = call("big", crm={"notes": "x" * 1_100_000})
    too_large = r"record is \d+ bytes, over the producer's limit of 1000000 bytes \(message\.max\.bytes\)"

    settings = Settings(
        data_dir=tmp_path, topic_prefix="limits.", ingest_max_body_bytes=4_000_000, event_max_bytes=4_000_000
    )
    ensure_topics(settings, broker.bootstrap)
    bearer = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}
    requests = [(bearer, json.dumps(big).encode()), (bearer, json.dumps([call("fits"), big]).encode())]
    (one, one_body), (batch, batch_body), _ = asyncio.run(serve_and(settings, broker.bootstrap, requests))
    assert (one, batch) == (413, 413)
    assert re.search(too_large, one_body["error"]) and one_body["errors"][0]["index"] == 0
    [refused] = batch_body["errors"]
    assert refused["index"] == 1 and re.search(too_large, refused["problems"][0])
    assert "calls 0-0 of the batch were sent" in batch_body["error"]

    lines = tmp_path / "calls.jsonl"
    invalid = call("bad-times", ended_at="2000-01-01T00:00:00Z")  # before it started
    lines.write_text("\n".join(json.dumps(c) for c in (call("ok-1"), big, call("ok-2"), invalid)) + "\n")
    env = {
        "CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap,
        "CALLSTREAM_TOPIC_PREFIX": "cli-limits.",
        "CALLSTREAM_EVENT_MAX_BYTES": "4000000",  # the producer's own limit is what is tested here
    }
    dry = callstream("publish", "--dry-run", str(lines), cwd=tmp_path, env=env)
    assert dry.returncode == 1, dry.stderr  # what a real publish will find, found without a broker
    assert re.search(rf"calls\.jsonl:2: {too_large}", dry.stderr), dry.stderr
    assert "dry run: 2 valid call(s), 2 bad line(s)" in dry.stderr
    result = callstream("publish", str(lines), cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr
    assert re.search(rf"calls\.jsonl:2: {too_large}", result.stderr), result.stderr
    assert "published 2 call(s); 2 bad line(s)" in result.stderr and "Traceback" not in result.stderr
    published = read_topic(broker.bootstrap, "cli-limits.calls.completed", 2)
    assert sorted(m.key().decode() for m in published) == ["ok-1", "ok-2"]
    letters = {
        letter["offset"]: letter
        for letter in (
            CODEC.decode("DeadLetter", m.value())
            for m in read_topic(broker.bootstrap, "cli-limits.calls.dlq", 2)
        )
    }
    letter = letters[2]
    assert letter["call_id"] == "big" and letter["payload"] == b""
    assert "payload left out" in letter["error_message"]
    # a line that names its call but fails validation is found by that call too
    assert letters[4]["call_id"] == "bad-times" and "ended_at" in letters[4]["error_message"]


def test_an_event_without_room_for_the_transcript_is_a_413_naming_the_setting(
    broker: EmbeddedBroker, tmp_path: Path
) -> None:
    """Every stage's record carries the event and adds its transcript: an event under the broker's
    1 MB but over CALLSTREAM_EVENT_MAX_BYTES (256 KiB) would be dead-lettered at a later stage, after
    its transcription (operator review); the API refuses it with a reason, the calls before it go."""
    settings = Settings(data_dir=tmp_path, topic_prefix="event-limit.")
    ensure_topics(settings, broker.bootstrap)
    big = call("crm-dump", crm={"notes": "x" * 400_000})
    bearer = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}
    [(status, body), _] = asyncio.run(
        serve_and(settings, broker.bootstrap, [(bearer, json.dumps([call("fits"), big]).encode())])
    )
    assert status == 413, body
    [refused] = body["errors"]
    assert refused["index"] == 1
    assert re.search(
        r"event is \d+ bytes, over CALLSTREAM_EVENT_MAX_BYTES \(262144\)", refused["problems"][0]
    )
    [sent] = read_topic(broker.bootstrap, settings.topic("calls.completed"), 1)
    assert sent.key() == b"fits"
    [letter] = (
        CODEC.decode("DeadLetter", m.value())
        for m in read_topic(broker.bootstrap, settings.topic("calls.dlq"), 1)
    )
    assert letter["call_id"] == "crm-dump" and "CALLSTREAM_EVENT_MAX_BYTES" in letter["error_message"]
