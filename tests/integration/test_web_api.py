"""The live supervisor page's HTTP API (aiohttp test server) on a real chDB engine with rows written
by the real sink code: lists and filters, the drill-down, recordings, the SSE stream, login."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import socket
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from clickhouse_connect.driver.client import Client

from connectors.events import SAMPLES_DIR
from processors.rows import alert_row, dead_letter_row, score_rows
from streams.agents.notify import Notify
from streams.notifiers import notifiers_from_settings
from streams.settings import Settings
from streams.sink import ClickHouseSink
from streams.stage import dead_letter
from streams.web import Reader, create_app, runtime_reader
from tests.factories import make_alert, make_call_score

pytestmark = pytest.mark.integration

_offsets = iter(range(10**9))


def scored(
    call_id: str,
    *,
    tenant: str = "acme",
    queue: str | None = "sales",
    agent: tuple[str, str] = ("agent-7", "Dana Smith"),
    recording_uri: str | None = None,
    minutes: int = 0,
    now: bool = False,
) -> dict[str, Any]:
    score = make_call_score(call_id, tenant=tenant)
    call = score["compressed"]["filtered"]["transcript"]["call"]
    call["queue"] = queue
    call["agent"] = {"id": agent[0], "name": agent[1]}
    if recording_uri is not None:
        call["recording_uri"] = recording_uri
    score["scored_at"] = datetime.now(UTC) if now else score["scored_at"] + timedelta(minutes=minutes)
    return score


def write(client: Client, scores: list[dict] = (), alerts: list[dict] = ()) -> None:
    """Rows exactly as the sink agent writes them."""
    sink = ClickHouseSink(client)
    for score in scores:
        version = int(score["scored_at"].timestamp() * 1000)
        sink.add_rows(score_rows(score, version), topic="calls.scored", partition=0, offset=next(_offsets))
    for alert in alerts:
        version = int(alert["created_at"].timestamp() * 1000)
        sink.add_rows(
            {"alerts": [alert_row(alert, version)]}, topic="calls.alerts", partition=0, offset=next(_offsets)
        )
    sink.flush()


def alert_for(
    score: dict[str, Any], rule: str = "legal_threat", severity: str = "critical"
) -> dict[str, Any]:
    call = score["compressed"]["filtered"]["transcript"]["call"]
    alert = make_alert(score["call_id"], tenant=call["tenant"], rule=rule)
    alert.update(severity=severity, agent_id=call["agent"]["id"], created_at=score["scored_at"])
    return alert


def serve(
    client: Client,
    body: Callable[[TestClient], Awaitable[Any]],
    settings: Settings | None = None,
    reader: Reader | None = None,
) -> Any:
    """Run ``body`` against the page's app on a loopback test server; chDB used from one thread."""

    async def main() -> Any:
        with ThreadPoolExecutor(max_workers=1) as executor:
            app = create_app(
                settings or Settings(web_poll_seconds=0.2), reader or Reader(lambda: client, executor)
            )
            async with TestClient(TestServer(app)) as http:
                return await body(http)

    return asyncio.run(main())


async def get_json(http: TestClient, url: str, status: int = 200, **kwargs: Any) -> Any:
    response = await http.get(url, **kwargs)
    assert response.status == status, await response.text()
    return await response.json()


def test_lists_filter_by_queue_agent_and_tenant(isolated_chdb: Client) -> None:
    a = scored("c-sales-dana", minutes=1)
    b = scored("c-support-omar", queue="support", agent=("agent-9", "Omar Reyes"), minutes=2)
    c = scored("c-other-tenant", tenant="globex", queue="support", minutes=3)
    write(isolated_chdb, [a, b, c], [alert_for(b), alert_for(b, "cancellation_risk", "warning")])

    async def body(http: TestClient) -> None:
        calls = (await get_json(http, "/api/calls"))["calls"]
        assert [x["call_id"] for x in calls] == ["c-other-tenant", "c-support-omar", "c-sales-dana"]
        omar = calls[1]
        assert omar["agent_name"] == "Omar Reyes" and omar["queue"] == "support"
        assert sorted(x["rule"] for x in omar["alerts"]) == ["cancellation_risk", "legal_threat"]
        assert omar["scored_at"].endswith("Z") and omar["started_at"] == "2025-03-14T09:30:00.250Z"

        support = (await get_json(http, "/api/calls?queue=support"))["calls"]
        assert {x["call_id"] for x in support} == {"c-support-omar", "c-other-tenant"}
        by_agent = (await get_json(http, "/api/calls?agent=agent-9"))["calls"]
        assert [x["call_id"] for x in by_agent] == ["c-support-omar"]
        by_tenant = (await get_json(http, "/api/calls?tenant=globex&queue=support"))["calls"]
        assert [x["call_id"] for x in by_tenant] == ["c-other-tenant"]
        assert len((await get_json(http, "/api/calls?limit=1"))["calls"]) == 1
        await get_json(http, "/api/calls?limit=lots", status=400)
        assert len((await get_json(http, "/api/alerts?limit=500"))["alerts"]) == 2

        alerts = (await get_json(http, "/api/alerts?queue=support"))["alerts"]
        assert {x["rule"] for x in alerts} == {"legal_threat", "cancellation_risk"}
        assert all(x["queue"] == "support" and x["agent_name"] == "Omar Reyes" for x in alerts)
        assert (await get_json(http, "/api/alerts?queue=sales"))["alerts"] == []
        assert len((await get_json(http, "/api/alerts?agent=agent-9"))["alerts"]) == 2

        choices = await get_json(http, "/api/filters")
        assert choices["queues"] == ["sales", "support"]
        assert choices["tenants"] == ["acme", "globex"]
        assert {"tenant": "acme", "agent_id": "agent-9", "agent_name": "Omar Reyes"} in choices["agents"]

    serve(isolated_chdb, body)


def test_a_limit_out_of_range_or_an_unknown_parameter_is_a_400_that_says_what_is_known(
    isolated_chdb: Client,
) -> None:
    async def body(http: TestClient) -> None:
        for path in ("/api/calls", "/api/alerts"):
            for limit in (0, -3, 501, 100000):
                error = (await get_json(http, f"{path}?limit={limit}", status=400))["error"]
                assert error == f"limit must be from 1 to 500 (got {limit})", path
        for path, unknown, known in (
            ("/api/calls?before=2026-01-01", "before", "tenant, queue, agent, limit"),
            ("/api/calls?offset=100&limit=5", "offset", "tenant, queue, agent, limit"),
            ("/api/alerts?sevrity=critical", "sevrity", "severity, min_severity, limit"),
            ("/api/stream?limit=5", "limit", "tenant, queue, agent"),
            ("/api/calls/x?queue=sales", "queue", "takes tenant"),
            ("/api/filters?tenant=acme", "tenant", "no query parameters"),
        ):
            error = (await get_json(http, path, status=400))["error"]
            assert f"unknown query parameter(s) {unknown}:" in error and known in error, path
        error = (await get_json(http, "/api/alerts?severity=urgent", status=400))["error"]
        assert error == "unknown severity 'urgent': one of info, warning, critical"

    serve(isolated_chdb, body)


def test_alerts_filter_by_severity(isolated_chdb: Client) -> None:
    score = scored("c-sev")
    write(
        isolated_chdb,
        [score],
        [alert_for(score, "r-info", "info"), alert_for(score, "r-warn", "warning"), alert_for(score)],
    )

    async def body(http: TestClient) -> None:
        async def rules(query: str) -> set[str]:
            return {a["rule"] for a in (await get_json(http, f"/api/alerts?{query}"))["alerts"]}

        assert await rules("") == {"r-info", "r-warn", "legal_threat"}  # the API's default: every one
        assert await rules("severity=critical") == {"legal_threat"}
        assert await rules("severity=info,warning") == {"r-info", "r-warn"}
        assert await rules("min_severity=warning") == {"r-warn", "legal_threat"}
        assert await rules("min_severity=info") == {"r-info", "r-warn", "legal_threat"}

    serve(isolated_chdb, body)


def test_a_supervisor_sees_which_alerts_were_not_notified(isolated_chdb: Client) -> None:
    first = scored("c-first", minutes=1)
    again = scored("c-again", minutes=2)
    quiet = alert_for(again)
    quiet["suppressed"] = True  # the same agent and rule within the cool-down: stored, not sent
    write(isolated_chdb, [first, again], [alert_for(first), quiet])

    async def body(http: TestClient) -> None:
        alerts = (await get_json(http, "/api/alerts"))["alerts"]
        assert {x["call_id"]: x["suppressed"] for x in alerts} == {"c-first": False, "c-again": True}
        detail = await get_json(http, "/api/calls/c-again?tenant=acme")
        assert [x["suppressed"] for x in detail["alerts"]] == [True]

    serve(isolated_chdb, body)


def test_drill_down_has_dialogue_drops_scores_rules_and_alerts(isolated_chdb: Client) -> None:
    score = scored("call/with:odd id")  # ids come from PBXs: slashes and colons must round-trip
    doubt = "recording is mono but the event declares stereo: ...; send layout 'mono' or the stereo file"
    score["compressed"]["filtered"]["transcript"]["warnings"] = [doubt]
    score["warnings"] = ["transcript cut to fit the model's context (4096 tokens): 3 of 9 lines cut"]
    write(isolated_chdb, [score], [alert_for(score)])

    async def body(http: TestClient) -> None:
        detail = await get_json(http, "/api/calls/call%2Fwith%3Aodd%20id?tenant=acme")
        call = detail["call"]
        assert call["call_id"] == "call/with:odd id" and call["agent_name"] == "Dana Smith"
        assert "customer_number_hash" not in call and "_version" not in call
        assert call["keyword_hits"] == {"contract": 1, "quote": 1}
        assert call["dropped"] == {"past_end": 1, "filler": 1}
        assert call["price_mentions"] == 1 and call["scorer"] == "baseline"
        assert call["warnings"] == [doubt, score["warnings"][0]]  # the transcribe stage's first
        listed = (await get_json(http, "/api/calls"))["calls"]
        assert [x["warnings"] for x in listed] == [call["warnings"]]  # the list row's marker

        segments = detail["segments"]
        assert [s["role"] for s in segments] == ["agent", "customer", "customer", "agent", "customer"]
        assert [s["start"] for s in segments] == sorted(s["start"] for s in segments)
        dropped = [s for s in segments if not s["kept"]]
        assert [(s["text"], s["drop_reason"]) for s in dropped] == [("um", "filler")]
        # the raw customer number never reaches the page (masked by the sink's rows)
        assert "555-0134" not in json.dumps(detail)
        assert "[customer-number]" in segments[1]["text"]

        criteria = {c["criterion_id"]: c for c in detail["criteria"]}
        assert criteria["greeting"]["reasoning"] == "Opening line names the company and the agent."
        assert criteria["greeting"]["label"] == "yes" and criteria["empathy"]["status"] == "pending"
        assert [a["rule"] for a in detail["alerts"]] == ["legal_threat"]
        # /var/spool/recordings is not a recording root
        assert detail["audio"] == {
            "url": None,
            "reason": "it is outside CALLSTREAM_RECORDING_ROOTS or not a local file",
        }

        missing = await get_json(http, "/api/calls/nope", status=404)
        assert "nope" in missing["error"]

    serve(isolated_chdb, body)


def test_the_player_serves_a_tenant_its_own_recordings_only(isolated_chdb: Client, tmp_path: Path) -> None:
    """With ``{tenant}`` in the recording roots, a call of acme naming beta's file is not played."""
    for tenant in ("acme", "beta"):
        (tmp_path / tenant).mkdir()
        shutil.copy(SAMPLES_DIR / "sample-en-complaint.wav", tmp_path / tenant / "r.wav")
    own = scored("own", recording_uri=(tmp_path / "acme" / "r.wav").as_uri())
    other = scored("other", recording_uri=(tmp_path / "beta" / "r.wav").as_uri())
    write(isolated_chdb, [own, other])
    settings = Settings(recording_roots=[tmp_path / "{tenant}"], web_poll_seconds=0.2)

    async def body(http: TestClient) -> None:
        assert (await get_json(http, "/api/calls/own"))["audio"]["url"] == "/api/audio/own?tenant=acme"
        assert (await http.get("/api/audio/own")).status == 200
        assert (await get_json(http, "/api/calls/other"))["audio"]["url"] is None
        assert (await http.get("/api/audio/other")).status == 404

    serve(isolated_chdb, body, settings=settings)


def test_recording_is_served_only_from_the_recording_roots(isolated_chdb: Client, tmp_path: Path) -> None:
    roots = tmp_path / "recordings"
    roots.mkdir()
    shutil.copy(SAMPLES_DIR / "sample-en-complaint.wav", roots / "r1.wav")
    inside = scored("rec-inside", recording_uri=(roots / "r1.wav").as_uri())
    outside = scored("rec-outside", recording_uri="file:///etc/passwd")
    gone = scored("rec-gone", recording_uri=(roots / "deleted.wav").as_uri())
    remote = scored("rec-remote", recording_uri="https://recordings.example.com/r/1.wav")
    sample = scored("rec-sample", recording_uri="samples/sample-en-mono.wav")
    (roots / "page.html").write_text("<script>alert(document.cookie)</script>")
    html = scored("rec-html", recording_uri=(roots / "page.html").as_uri())  # inside the roots, not audio
    write(isolated_chdb, [inside, outside, gone, remote, sample, html])
    settings = Settings(
        recording_roots=[roots], recording_http_hosts=["recordings.example.com"], web_poll_seconds=0.2
    )

    async def body(http: TestClient) -> None:
        audio = (await get_json(http, "/api/calls/rec-inside"))["audio"]
        assert audio == {"url": "/api/audio/rec-inside?tenant=acme", "reason": None}
        response = await http.get(audio["url"])
        assert response.status == 200
        assert await response.read() == (roots / "r1.wav").read_bytes()
        assert response.headers["Content-Type"] == "audio/wav"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        ranged = await http.get(audio["url"], headers={"Range": "bytes=0-3"})
        assert ranged.status == 206 and await ranged.read() == b"RIFF"  # the player can seek

        assert (await get_json(http, "/api/calls/rec-sample"))["audio"][
            "url"
        ] == "/api/audio/rec-sample?tenant=acme"
        assert (await get_json(http, "/api/calls/rec-outside"))["audio"]["url"] is None
        assert (await http.get("/api/audio/rec-outside")).status == 404
        assert (await get_json(http, "/api/calls/rec-gone"))["audio"] == {
            "url": None,
            "reason": "the file is no longer there",
        }
        assert (await http.get("/api/audio/rec-gone")).status == 404
        remote_audio = (await get_json(http, "/api/calls/rec-remote"))["audio"]
        assert remote_audio["url"] == "https://recordings.example.com/r/1.wav"  # the browser plays it itself
        assert (await http.get("/api/audio/rec-remote")).status == 404  # never proxied: no SSRF
        assert (await http.get("/api/audio/unknown")).status == 404
        assert (await get_json(http, "/api/calls/rec-html"))["audio"]["url"] is None
        refused = await http.get("/api/audio/rec-html")  # would run as the page: never served
        assert refused.status == 404 and "<script>" not in await refused.text()

    serve(isolated_chdb, body, settings=settings)


async def read_events(response: Any, count: int, timeout: float = 15.0) -> list[tuple[str, dict]]:
    """The next ``count`` SSE events (name, JSON data) of an open stream."""
    events: list[tuple[str, dict]] = []
    name, data = "message", ""

    async def collect() -> None:
        nonlocal name, data
        while len(events) < count:
            line = (await response.content.readline()).decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data += line[6:]
            elif line == "" and data:
                events.append((name, json.loads(data)))
                name, data = "message", ""

    await asyncio.wait_for(collect(), timeout)
    return events


def test_stream_sends_new_calls_and_alerts_to_the_pages_they_match(isolated_chdb: Client) -> None:
    old = scored("s-old", queue="support", now=True)
    write(isolated_chdb, [old], [alert_for(old)])
    executor = ThreadPoolExecutor(max_workers=1)

    def in_ch_thread(fn: Callable[[], Any]) -> Any:
        return asyncio.get_running_loop().run_in_executor(executor, fn)

    async def body(http: TestClient) -> None:
        everything = await http.get("/api/stream")
        support = await http.get("/api/stream?queue=support")
        assert everything.headers["Content-Type"].startswith("text/event-stream")
        assert (await read_events(everything, 1))[0][0] == "ready"
        assert (await read_events(support, 1))[0][0] == "ready"

        sale = scored("s-new-sale", queue="sales", now=True)
        complaint = scored("s-new-complaint", queue="support", agent=("agent-9", "Omar Reyes"), now=True)
        await in_ch_thread(lambda: write(isolated_chdb, [sale]))
        await in_ch_thread(lambda: write(isolated_chdb, [complaint], [alert_for(complaint)]))

        got = await read_events(everything, 3)
        assert sorted((kind, row.get("call_id")) for kind, row in got) == [
            ("alert", "s-new-complaint"),
            ("call", "s-new-complaint"),
            ("call", "s-new-sale"),
        ]  # s-old was there before the page opened: it comes from /api/calls, not the stream
        alert = next(row for kind, row in got if kind == "alert")
        assert alert["queue"] == "support" and alert["agent_name"] == "Omar Reyes"
        assert alert["severity"] == "critical" and "created_ms" not in alert

        filtered = await read_events(support, 2)
        assert {(kind, row["call_id"]) for kind, row in filtered} == {
            ("call", "s-new-complaint"),
            ("alert", "s-new-complaint"),
        }
        call = next(row for kind, row in filtered if kind == "call")
        assert call["agent_name"] == "Omar Reyes" and "_version" not in call and "inserted_ms" not in call

        # A replay of the same record (same version) is not sent again.
        await in_ch_thread(lambda: write(isolated_chdb, [sale]))
        later = scored("s-later", queue="support", now=True)
        await in_ch_thread(lambda: write(isolated_chdb, [later]))
        nxt = await read_events(support, 1)
        assert [(kind, row["call_id"]) for kind, row in nxt] == [("call", "s-later")]
        everything.close()
        support.close()

    try:
        serve(isolated_chdb, body, reader=Reader(lambda: isolated_chdb, executor))
    finally:
        executor.shutdown()


def notify_dead_letter(client: Client, alert: dict[str, Any]) -> None:
    """What the notify stage stores when every channel gave up on ``alert``: the real stage's error
    (a webhook to a closed port, no retries), as a ``dead_letters`` row written by the sink."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    settings = Settings(notify_webhook_url=f"http://127.0.0.1:{closed}/hook", notify_retries=0)
    notify = Notify(SimpleNamespace(settings=settings), notifiers_from_settings(settings))
    with pytest.raises(Exception) as failed:
        asyncio.run(notify.send(alert))
    letter = dead_letter(
        "notify",
        topic="calls.alerts",
        partition=0,
        offset=next(_offsets),
        key=alert["call_id"].encode(),
        payload=b"alert bytes",
        error=failed.value,
        attempts=1,
        call_id=alert["call_id"],
        tenant=alert["tenant"],
    )
    sink = ClickHouseSink(client)
    version = int(letter["failed_at"].timestamp() * 1000)
    sink.add_rows(
        {"dead_letters": [dead_letter_row(letter, version)]}, topic="calls.dlq", partition=0, offset=0
    )
    sink.flush()


def test_a_failed_delivery_replayed_or_dismissed_is_no_longer_marked(isolated_chdb: Client) -> None:
    """`dlq replay` sent the alert again (a replay that failed makes a newer letter, marked again), or
    `dlq dismiss` set it aside: the page no longer says its delivery failed."""
    from streams import dlq

    calls = [scored(f"d-{i}", now=True) for i in range(3)]
    alerts = [alert_for(call) for call in calls]
    write(isolated_chdb, calls, alerts)
    for alert in alerts:
        notify_dead_letter(isolated_chdb, alert)
    letters = {
        letter.call_id: letter for letter in dlq.fetch(isolated_chdb, dlq.LetterFilter(stage="notify"))
    }
    dlq.record_replays(isolated_chdb, [letters["d-0"]])
    dlq.record_dismissals(isolated_chdb, [letters["d-1"]], "paged by phone")

    async def body(http: TestClient) -> None:
        listed = {a["call_id"]: a for a in (await get_json(http, "/api/alerts"))["alerts"]}
        assert listed["d-0"]["delivery_failed"] is None  # replayed
        assert listed["d-1"]["delivery_failed"] is None  # dismissed
        assert listed["d-2"]["delivery_failed"].startswith(f"alert {alerts[2]['alert_id']} (rule ")

    serve(isolated_chdb, body)


def test_an_open_page_learns_of_a_re_sent_alert_and_of_a_failed_delivery(isolated_chdb: Client) -> None:
    """The cool-down hands its window to a suppressed alert when the window's alert went undelivered:
    that alert is stored again unsuppressed (same id and version), and the failed one has a notify
    dead letter. An open page must see both without a reload."""
    first = scored("r-first", now=True)
    held = scored("r-held", now=True)
    executor = ThreadPoolExecutor(max_workers=1)

    def in_ch_thread(fn: Callable[[], Any]) -> Any:
        return asyncio.get_running_loop().run_in_executor(executor, fn)

    async def body(http: TestClient) -> None:
        page = await http.get("/api/stream")
        assert (await read_events(page, 1))[0][0] == "ready"
        sent, quiet = alert_for(first), alert_for(held)
        quiet["suppressed"] = True
        await in_ch_thread(lambda: write(isolated_chdb, [first, held], [sent, quiet]))
        got = [row for kind, row in await read_events(page, 4) if kind == "alert"]
        assert {(a["call_id"], a["suppressed"], a["delivery_failed"]) for a in got} == {
            ("r-first", False, None),
            ("r-held", True, None),
        }

        await in_ch_thread(lambda: notify_dead_letter(isolated_chdb, sent))
        resent = {**quiet, "suppressed": False}
        await in_ch_thread(lambda: write(isolated_chdb, alerts=[resent]))
        updates = {row["alert_id"]: row for _, row in await read_events(page, 2)}
        assert updates[quiet["alert_id"]]["suppressed"] is False
        assert updates[quiet["alert_id"]]["delivery_failed"] is None
        failed = updates[sent["alert_id"]]["delivery_failed"]
        assert failed.startswith(f"alert {sent['alert_id']} (rule legal_threat") and "1 of 1" in failed
        assert updates[sent["alert_id"]]["queue"] == "sales"  # decorated as a new alert is
        page.close()

        # a reload says the same
        listed = {a["alert_id"]: a for a in (await get_json(http, "/api/alerts"))["alerts"]}
        assert listed[sent["alert_id"]]["delivery_failed"] == failed
        assert listed[quiet["alert_id"]]["suppressed"] is False
        detail = await get_json(http, "/api/calls/r-first?tenant=acme")
        assert [a["delivery_failed"] for a in detail["alerts"]] == [failed]

    try:
        serve(isolated_chdb, body, reader=Reader(lambda: isolated_chdb, executor))
    finally:
        executor.shutdown()


def test_basic_login_when_users_are_configured(isolated_chdb: Client) -> None:
    settings = Settings(web_users="lead:s3cret,night:pa:ss")

    def auth(user: str, password: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}

    async def body(http: TestClient) -> None:
        for url in ("/", "/api/calls", "/api/stream", "/static/app.js"):
            response = await http.get(url)
            assert response.status == 401, url
            assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert (await http.get("/api/calls", headers=auth("lead", "wrong"))).status == 401
        assert (await http.get("/api/calls", headers=auth("nobody", "s3cret"))).status == 401
        assert (await http.get("/api/calls", headers={"Authorization": "Basic !!!"})).status == 401
        assert (await http.get("/api/calls", headers=auth("lead", "s3cret"))).status == 200
        assert (await http.get("/api/calls", headers=auth("night", "pa:ss"))).status == 200
        assert (await http.get("/healthz")).status == 200  # probes need no password

    serve(isolated_chdb, body, settings=settings)


def test_page_is_static_with_a_strict_content_security_policy(isolated_chdb: Client) -> None:
    async def body(http: TestClient) -> None:
        page = await http.get("/")
        assert page.status == 200
        html = await page.text()
        assert '<script src="/static/app.js"' in html and "http" not in html.replace("http-equiv", "")
        csp = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        script = await (await http.get("/static/app.js")).text()
        assert (
            ".innerHTML" not in script and ".outerHTML" not in script and "insertAdjacentHTML" not in script
        )
        assert (await http.get("/static/../web.py")).status in (403, 404)

    serve(isolated_chdb, body)


def test_embedded_chdb_is_read_only_by_the_worker_that_runs_the_sink(tmp_path: Path) -> None:
    """A worker without the sink must not open the embedded chDB: it would lock the sink out."""
    settings = Settings(data_dir=tmp_path, stages=["transcribe"], web_poll_seconds=0.2)
    rt = SimpleNamespace(settings=settings, clickhouse_executor=ThreadPoolExecutor(max_workers=1))

    async def main() -> None:
        app = create_app(settings, runtime_reader(rt))  # type: ignore[arg-type]
        async with TestClient(TestServer(app)) as http:
            response = await http.get("/api/calls")
            assert response.status == 503
            assert "sink" in (await response.json())["error"]
            assert (await http.get("/api/stream")).status == 503

    asyncio.run(main())
    rt.clickhouse_executor.shutdown()
    assert not (tmp_path / "clickhouse").exists()


def test_without_a_login_only_a_loopback_host_name_is_served(tmp_path: Path) -> None:
    """DNS rebinding: a web page whose host name resolves to 127.0.0.1 is same-origin with the page
    and could read the calls; without users the page answers only to a loopback Host."""
    settings = Settings(data_dir=tmp_path, stages=["transcribe"], web_poll_seconds=0.2)
    rt = SimpleNamespace(settings=settings, clickhouse_executor=ThreadPoolExecutor(max_workers=1))

    async def main() -> None:
        app = create_app(settings, runtime_reader(rt))  # type: ignore[arg-type]
        async with TestClient(TestServer(app)) as http:
            assert (await http.get("/healthz")).status == 200
            assert (await http.get("/healthz", headers={"Host": "localhost:8765"})).status == 200
            assert (await http.get("/api/calls", headers={"Host": "attacker.example"})).status == 421
            assert (await http.get("/", headers={"Host": "attacker.example:8765"})).status == 421

    asyncio.run(main())
    rt.clickhouse_executor.shutdown()
