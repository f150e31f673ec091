"""The live supervisor page end to end, in headless Chromium: a worker runs every stage in this
process with the page on, a rule-breaking sample call is published while the page is open, the
call and its alerts arrive over the live stream, and the drill-down shows the dialogue, the
dropped segments, scores with reasoning, rule hits and a playable recording. Screenshots are saved
under the test's tmp dir (paths printed; ``pytest -s`` shows them)."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from clickhouse_connect.driver.client import Client
from confluent_kafka import Producer

from connectors.events import SAMPLE_CALLS, call_from_json
from schemas.codec import SingleObjectCodec
from streams.app import Runtime
from streams.broker import EmbeddedBroker, free_port
from streams.demo import process
from streams.settings import Settings
from streams.topics import COMPLETED
from streams.web import Reader, create_app
from tests.e2e.browser import Browser, chromium_path
from tests.integration.test_web_api import alert_for, notify_dead_letter, scored, write

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
CODEC = SingleObjectCodec()

if chromium_path() is None:
    if os.environ.get("CI"):  # .ci/run installs it: a skip there would hide a broken install step
        raise RuntimeError("chromium is missing in CI: .ci/run installs Debian's chromium package")
    pytestmark.append(pytest.mark.skip(reason="needs Debian's chromium: apt-get install -y chromium"))


@pytest.fixture(scope="module")
def broker() -> EmbeddedBroker:
    with EmbeddedBroker() as b:
        yield b


def complaint(call_id: str, tenant: str) -> dict[str, Any]:
    """The bundled complaint sample (the customer threatens to cancel and to call a lawyer)."""
    line = next(json.loads(x) for x in SAMPLE_CALLS.read_text().splitlines() if "sample-en-complaint" in x)
    now = datetime.now(UTC).replace(microsecond=0)
    line.update(
        call_id=call_id,
        tenant=tenant,
        started_at=(now.timestamp() - 40) * 1000,
        ended_at=(now.timestamp() - 6) * 1000,
    )
    line["started_at"] = datetime.fromtimestamp(line["started_at"] / 1000, UTC).isoformat()
    line["ended_at"] = datetime.fromtimestamp(line["ended_at"] / 1000, UTC).isoformat()
    return call_from_json(line)


def rows(client: Client, sql: str, call_id: str) -> list[dict[str, Any]]:
    result = client.query(sql, parameters={"id": call_id})
    return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]


SEGMENTS_JS = """[...document.querySelectorAll('#dialogue .seg')].map(s => ({
  role: s.dataset.role, kept: s.dataset.kept === '1', ts: s.querySelector('.ts').textContent,
  text: s.querySelector('.text').textContent, reason: s.querySelector('.reason')?.textContent ?? null}))"""
CRITERIA_JS = """[...document.querySelectorAll('#criteria tbody tr')].map(r => ({
  id: r.dataset.criterion, result: r.querySelector('.result').textContent,
  reasoning: r.querySelector('.reasoning').textContent}))"""


# a warning as calls.warnings holds one, with markup in the event's own words (a channel map is user
# content): shown as text
CRAFTED_WARNING = 'audio.channels ({"0": "<img src=x onerror=window.__xss=3>"}) names no party for channel 1'


def clock(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes}:{seconds - minutes * 60:04.1f}"


def test_live_page_shows_a_new_call_and_its_alerts_and_drills_down(
    broker: EmbeddedBroker, chdb_dsn: str, isolated_chdb: Client, tmp_path: Path
) -> None:
    prefix = f"web-{uuid.uuid4().hex[:8]}."
    tenant = "live-e2e"
    settings = Settings(
        data_dir=tmp_path / "data",
        clickhouse_dsn=f"{chdb_dsn}?database={isolated_chdb.database}",
        topic_prefix=prefix,
        partitions=1,
        metrics_port=0,
        web_port=free_port(),
        web_poll_seconds=0.5,
    )
    call = complaint(f"{prefix}complaint", tenant)
    call_id = call["call_id"]
    shots = tmp_path / "screenshots"
    shots.mkdir()
    saved: list[Path] = []
    found: dict[str, Any] = {}

    async def drive(rt: Runtime) -> None:
        page = f"http://127.0.0.1:{settings.web_port}/?tenant={tenant}&queue=support"
        async with Browser(tmp_path / "chromium") as browser:
            await browser.navigate(page)
            await browser.wait_for(
                "document.querySelector('#status').dataset.state === 'live'", 30, "the live stream"
            )
            saved.append(await browser.screenshot(shots / "01-waiting.png"))

            producer = Producer({"bootstrap.servers": rt.bootstrap, "acks": "all"})
            producer.produce(
                settings.topic(COMPLETED.name),
                key=call_id.encode(),
                value=CODEC.encode("CallCompleted", call),
            )
            assert producer.flush(30) == 0

            row = f'#calls tr[data-call-id="{call_id}"]'
            await browser.wait_for(f"document.querySelector('{row}')", 240, "the call to arrive")
            found["via"] = await browser.evaluate(f"document.querySelector('{row}').dataset.via")
            found["arrived_ms"] = int(
                await browser.evaluate(f"document.querySelector('{row}').dataset.arrivedMs")
            )
            await browser.wait_for(
                f"document.querySelectorAll('#alerts li[data-call-id=\"{call_id}\"]').length",
                60,
                "the call's alerts",
            )
            await asyncio.sleep(1.5)  # more alerts of the same call may follow in the next poll
            found["alerts"] = await browser.evaluate(
                f"""[...document.querySelectorAll('#alerts li[data-call-id="{call_id}"]')]
                    .map(x => ({{id: x.dataset.alertId, via: x.dataset.via, text: x.textContent}}))"""
            )
            found["badges"] = await browser.evaluate(
                f"[...document.querySelectorAll('{row} .badge')].map(b => b.textContent)"
            )
            saved.append(await browser.screenshot(shots / "02-live-call-and-alerts.png"))

            await browser.click(row)
            await browser.wait_for(
                f"document.querySelector('#detail').dataset.state === 'loaded' && "
                f"document.querySelector('#detail').dataset.callId === {json.dumps(call_id)}",
                30,
                "the drill-down",
            )
            found["segments"] = await browser.evaluate(SEGMENTS_JS)
            found["criteria"] = await browser.evaluate(CRITERIA_JS)
            found["rules"] = await browser.evaluate("document.querySelector('#rules').textContent")
            found["warnings"] = await browser.evaluate(
                "[...document.querySelectorAll('#call-warnings li')].map(li => li.textContent)"
            )
            found["dropped"] = await browser.evaluate(
                "[...document.querySelectorAll('#dropped-reasons li')].map(li => li.dataset.reason)"
            )
            found["call_alerts"] = await browser.evaluate(
                "[...document.querySelectorAll('#call-alerts li')].map(li => li.dataset.alertId)"
            )
            found["audio"] = await browser.wait_for(
                """(() => { const p = document.querySelector('#player');
                    return p && p.readyState >= 1 ? {src: p.src, duration: p.duration} : null; })()""",
                30,
                "the recording's metadata in the player",
            )
            found["url"] = await browser.evaluate("location.href")
            saved.append(await browser.screenshot(shots / "03-drill-down.png"))

            # A crafted call written straight to ClickHouse (the factories' dialogue, whose "um" the
            # filter dropped): dropped segments are shown and can be hidden, and markup in user
            # content (transcripts, names, ids) stays text.
            crafted = scored(
                "<b>crafted</b>", tenant=tenant, agent=("a-x", "<script>window.__xss=2</script>"), now=True
            )
            crafted["compressed"]["filtered"]["transcript"]["call"]["queue"] = "support"
            crafted["compressed"]["filtered"]["transcript"]["segments"][0]["text"] = (
                '<img src=x onerror="window.__xss=1">'
            )
            crafted["compressed"]["filtered"]["transcript"]["warnings"] = [CRAFTED_WARNING]
            await asyncio.wrap_future(rt.clickhouse_executor.submit(write, rt.clickhouse, [crafted]))
            crafted_row = '#calls tr[data-call-id="<b>crafted</b>"]'
            await browser.wait_for(f"document.querySelector('{crafted_row}')", 30, "the crafted call")
            await browser.click(crafted_row)
            await browser.wait_for(
                "document.querySelector('#detail').dataset.callId === '<b>crafted</b>'", 30, "its drill-down"
            )
            found["crafted_segments"] = await browser.evaluate(SEGMENTS_JS)
            found["crafted_dropped"] = await browser.evaluate(
                "[...document.querySelectorAll('#dropped-reasons li')].map(li => li.textContent)"
            )
            found["crafted_agent"] = await browser.evaluate(
                f"document.querySelector('{crafted_row} td:nth-child(3)').textContent"
            )
            found["crafted_warnings"] = await browser.evaluate(
                "[...document.querySelectorAll('#call-warnings li')].map(li => li.textContent)"
            )
            found["crafted_marker"] = await browser.evaluate(
                f"document.querySelector('{crafted_row} .call-warnings').title"
            )
            found["injected_elements"] = await browser.evaluate(
                "document.querySelectorAll('#detail img, #lists b, #lists script').length"
            )
            saved.append(await browser.screenshot(shots / "04-dropped-segments-and-markup-as-text.png"))
            await browser.click("#show-dropped")
            found["visible_dropped"] = await browser.evaluate(
                "[...document.querySelectorAll('#dialogue .seg.dropped')].filter(e => e.offsetParent).length"
            )
            found["xss"] = await browser.evaluate("window.__xss ?? null")
            found["errors"] = list(browser.errors)

    def feed(rt: Runtime) -> None:
        asyncio.run(drive(rt))  # its own loop in the feed's thread; the worker's loop serves the page

    started = time.monotonic()
    outcome = asyncio.run(
        process(settings, bootstrap=broker.bootstrap, feed=feed, ids=[call_id], timeout=300, progress=None)
    )
    for path in saved:
        print(f"screenshot: {path}")
    assert outcome.complete and call_id in outcome.done, outcome

    # The call and its alerts came over the live stream, seconds after the call was scored.
    (db_call,) = rows(
        isolated_chdb,
        "SELECT scored_at, dropped, keyword_hits, segments_total, warnings FROM calls FINAL "
        "WHERE call_id = %(id)s",
        call_id,
    )
    assert found["via"] == "stream"
    scored_ms = int(db_call["scored_at"].replace(tzinfo=UTC).timestamp() * 1000)
    latency = (found["arrived_ms"] - scored_ms) / 1000
    print(f"scored → on the page: {latency:.1f}s (run took {time.monotonic() - started:.0f}s)")
    assert 0 <= latency < 15
    db_alerts = rows(
        isolated_chdb, "SELECT alert_id, rule, severity FROM alerts FINAL WHERE call_id = %(id)s", call_id
    )
    assert db_alerts, "the complaint sample (cancel + lawyer) raises alerts"
    # the alert list shows warning and above by default; the call's badges and drill-down show all
    assert {a["id"] for a in found["alerts"]} == {a["alert_id"] for a in db_alerts if a["severity"] != "info"}
    assert all(a["via"] == "stream" for a in found["alerts"])
    assert sorted(found["badges"]) == sorted(a["rule"] for a in db_alerts)
    assert sorted(found["call_alerts"]) == sorted(a["alert_id"] for a in db_alerts)

    # The dialogue by role with timestamps, dropped segments with their reason, as stored.
    db_segments = rows(
        isolated_chdb,
        "SELECT role, start, `end`, text, kept, drop_reason FROM call_segments FINAL "
        "WHERE call_id = %(id)s ORDER BY idx",
        call_id,
    )
    expected = [
        {
            "role": s["role"],
            "kept": bool(s["kept"]),
            "ts": f"{clock(s['start'])}–{clock(s['end'])}",
            "text": s["text"],
            "reason": None if s["kept"] else f"dropped: {s['drop_reason']}",
        }
        for s in db_segments
    ]
    assert found["segments"] == expected
    assert {s["role"] for s in found["segments"]} == {"agent", "customer"}
    assert "lawyer" in " ".join(s["text"] for s in found["segments"]).lower()
    assert sorted(found["dropped"]) == sorted(db_call["dropped"])

    # Scores with reasoning, and the rule hits.
    db_criteria = rows(
        isolated_chdb,
        "SELECT criterion_id, status, reasoning FROM call_criteria FINAL WHERE call_id = %(id)s",
        call_id,
    )
    page_criteria = {c["id"]: c for c in found["criteria"]}
    assert set(page_criteria) == {c["criterion_id"] for c in db_criteria}
    for criterion in db_criteria:
        if criterion["reasoning"]:
            assert page_criteria[criterion["criterion_id"]]["reasoning"] == criterion["reasoning"]
    assert any(c["reasoning"] for c in db_criteria)
    for keyword, count in db_call["keyword_hits"].items():
        assert f"{keyword} × {count}" in found["rules"]

    # The recording plays from the worker, and the drill-down has a shareable URL.
    assert found["audio"]["src"].endswith(f"/api/audio/{call_id.replace('.', '.')}?tenant={tenant}")
    timeline = json.loads((SAMPLE_CALLS.parent / "sample-en-complaint.timeline.json").read_text())
    assert abs(found["audio"]["duration"] - timeline["duration"]) < 0.5
    assert "#call=" in found["url"] and "queue=support" in found["url"]

    # Dropped segments are shown struck through with their reason, and can be hidden.
    crafted = found["crafted_segments"]
    assert [(x["role"], x["kept"]) for x in crafted] == [
        ("agent", True),
        ("customer", True),
        ("customer", False),
        ("agent", True),
        ("customer", True),
    ]
    assert crafted[2] == {
        "role": "customer",
        "kept": False,
        "ts": "0:08.0–0:08.4",
        "text": "um",
        "reason": "dropped: filler",
    }
    assert sorted(x.split(" — ")[0] for x in found["crafted_dropped"]) == ["filler × 1", "past_end × 1"]
    assert found["visible_dropped"] == 0

    # Markup in user content is shown as text and never runs.
    assert crafted[0]["text"] == '<img src=x onerror="window.__xss=1">'
    assert found["crafted_agent"] == "<script>window.__xss=2</script>"
    assert found["injected_elements"] == 0
    assert found["crafted_warnings"] == [CRAFTED_WARNING] and found["crafted_marker"] == CRAFTED_WARNING
    assert found["warnings"] == list(db_call["warnings"])  # the drill-down shows the stored ones
    assert found["xss"] is None
    assert found["errors"] == []
    for path in saved:
        assert path.stat().st_size > 10_000


def test_the_alert_list_keeps_what_a_supervisor_must_act_on(isolated_chdb: Client, tmp_path: Path) -> None:
    """Never-sent info alerts do not push a 12-minute-old legal threat off the page (warning and above
    unless "show info"), an alert no channel delivered says so, and one agent id in two tenants is
    two entries of the agent menu."""
    threat = scored("t-threat", tenant="acme", now=True)
    threat["scored_at"] -= timedelta(minutes=12)
    chatter = [scored(f"t-info-{i}", tenant="acme", now=True) for i in range(60)]
    other = scored("t-globex", tenant="globex", now=True)  # agent-7 again, another tenant's person
    other["compressed"]["filtered"]["transcript"]["call"]["agent"]["name"] = "Gus Globex"
    failed = alert_for(threat)
    write(
        isolated_chdb,
        [threat, other, *chatter],
        [failed] + [alert_for(c, "long_hold", "info") for c in chatter],
    )
    notify_dead_letter(isolated_chdb, failed)
    found: dict[str, Any] = {}

    async def main() -> None:
        with ThreadPoolExecutor(max_workers=1) as executor:
            app = create_app(Settings(web_poll_seconds=0.2), Reader(lambda: isolated_chdb, executor))
            async with TestServer(app, host="127.0.0.1") as server, Browser(tmp_path / "chromium") as browser:
                await browser.navigate(f"http://127.0.0.1:{server.port}/")
                await browser.wait_for("document.querySelectorAll('#alerts li.alert').length", 30, "alerts")
                found["alerts"] = await browser.evaluate(
                    "[...document.querySelectorAll('#alerts li.alert')].map(li => li.dataset.callId)"
                )
                found["failed"] = await browser.evaluate(
                    "document.querySelector('#alerts li[data-call-id=\"t-threat\"] .delivery-failed')"
                    "?.textContent"
                )
                found["agents"] = await browser.evaluate(
                    "[...document.querySelectorAll('#f-agent option')].map(o => o.textContent)"
                )
                await browser.click("#show-info")
                await browser.wait_for(
                    "document.querySelectorAll('#alerts li.alert').length > 1", 30, "info alerts shown"
                )
                found["with_info"] = await browser.evaluate(
                    "document.querySelectorAll('#alerts li.alert').length"
                )
                found["errors"] = list(browser.errors)

    asyncio.run(main())
    assert found["alerts"] == ["t-threat"]
    assert found["failed"] == "delivery failed"
    assert (
        "Dana Smith (agent-7) · acme" in found["agents"]
        and "Gus Globex (agent-7) · globex" in found["agents"]
    )
    assert found["with_info"] == 51  # the 50 latest, info included, once asked for, and the threat
    assert found["errors"] == []
