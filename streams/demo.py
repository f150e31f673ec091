"""``callstream demo``: the whole pipeline on one machine, from call events to rows in ClickHouse.

Starts the embedded stack (broker process, Faust worker with every stage, chDB), publishes the
calls, waits until each has a row in ``calls`` or ``dead_letters``, prints one line per call and
stops everything, the broker included, also on Ctrl-C or error.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from connectors.events import SAMPLE_CALLS, ParsedLine, read_jsonl
from connectors.publisher import CallPublisher
from streams.app import Runtime
from streams.lag import consumer_lag
from streams.settings import STAGES, Settings
from streams.table import print_table
from streams.topics import ALL
from streams.worker import kafka, prepare

log = logging.getLogger(__name__)

RESULT_SQL = """
SELECT c.call_id, c.agent_name, c.language, c.duration_s, c.agent_talk_s, c.customer_talk_s, c.words,
       c.price_mentions, c.scorer,
       (SELECT countIf(status = 'scored') FROM call_criteria FINAL WHERE call_id = c.call_id) AS scored,
       (SELECT count() FROM call_criteria FINAL WHERE call_id = c.call_id) AS criteria
FROM calls AS c FINAL WHERE c.call_id IN %(ids)s ORDER BY c.call_id
"""
DEAD_SQL = """
SELECT call_id, any(stage), any(error_class), any(error_message) FROM dead_letters FINAL
WHERE call_id IN %(ids)s GROUP BY call_id
"""


def recording_dirs(calls: Sequence[dict[str, Any]]) -> list[Path]:
    """Directories of the calls' local recordings: the demo reads the files the user pointed it at."""
    dirs = set()
    for call in calls:
        uri = call["recording_uri"]
        if uri.startswith("file://") or uri.startswith("/"):
            dirs.add(Path(uri.removeprefix("file://")).resolve().parent)
    return sorted(dirs)


def fmt_s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}s"


def _results(rt: Runtime, ids: list[str]) -> tuple[dict[str, tuple], dict[str, tuple]]:
    client = rt.clickhouse
    done = {row[0]: row for row in client.query(RESULT_SQL, parameters={"ids": ids}).result_rows}
    dead = {row[0]: row for row in client.query(DEAD_SQL, parameters={"ids": ids}).result_rows}
    return done, dead


@dataclass
class Outcome:
    """Where each call ended: a ``calls`` row, a ``dead_letters`` row, or nowhere yet."""

    ids: list[str]
    done: dict[str, tuple]
    dead: dict[str, tuple]

    @property
    def finished(self) -> set[str]:
        return set(self.done) | set(self.dead)

    @property
    def complete(self) -> bool:
        return self.finished >= set(self.ids)


async def process(
    settings: Settings,
    bootstrap: str,
    feed: Callable[[Runtime], None],
    ids: list[str],
    timeout: float,
    progress: TextIO | None = sys.stderr,
) -> Outcome:
    """Run every stage in this process, call ``feed(rt)`` (in a thread) to publish input, and wait
    until each of ``ids`` has a row in ``calls`` or ``dead_letters`` (or ``timeout`` passes)."""
    rt = prepare(settings, bootstrap)  # inside the running loop: Faust binds to the current loop
    if settings.web_port and "web_port" in settings.model_fields_set:  # opt-in: the demo is short-lived
        from streams.web import attach

        attach(rt)
    await rt.app.start()
    try:
        await asyncio.get_running_loop().run_in_executor(None, feed, rt)
        deadline = time.monotonic() + timeout
        last = -1
        while True:
            outcome = Outcome(ids, *await rt.in_clickhouse_thread(_results, rt, ids))
            if progress and len(outcome.finished) != last:
                last = len(outcome.finished)
                print(f"  {last}/{len(ids)} call(s) in ClickHouse", file=progress, flush=True)
            if outcome.complete:
                await _drain(rt, deadline)
                return outcome
            if time.monotonic() > deadline:
                if progress:
                    print(f"timed out after {timeout:.0f}s", file=progress)
                return outcome
            await asyncio.sleep(0.5)
    finally:
        await rt.app.stop()
        rt.close()


async def _drain(rt: Runtime, deadline: float) -> None:
    """Wait until the worker's group has committed every record of every topic it reads, so
    follow-up records (alerts, dead letters of late stages) are written before we stop."""
    topics = [rt.settings.topic(spec.name) for spec in ALL]
    loop = asyncio.get_running_loop()
    while time.monotonic() < deadline:
        lag = await loop.run_in_executor(None, consumer_lag, rt.bootstrap, rt.settings.app_id, topics)
        if not any(lag.values()):
            return
        await asyncio.sleep(0.5)


def publish_lines(lines: list[ParsedLine], source: str) -> Callable[[Runtime], None]:
    """A ``feed`` publishing good lines to calls.completed and bad ones to calls.dlq."""

    def feed(rt: Runtime) -> None:
        publisher = CallPublisher(rt.settings, rt.bootstrap, rt.codec)
        for line in lines:
            if line.record is not None:
                publisher.publish(line.record)
            else:
                publisher.dead_letter(
                    source=source,
                    lineno=line.lineno,
                    payload=line.raw.encode(),
                    error=line.error or "",
                    call_id=bad_line_id(source, line.lineno),
                )
        publisher.flush()
        print(f"published {len(lines)} event(s); processing...", file=sys.stderr, flush=True)

    return feed


def bad_line_id(source: str, lineno: int) -> str:
    """The id a rejected input line is tracked by in ``dead_letters``."""
    return f"{source}:{lineno}"


def print_outcome(outcome: Outcome) -> None:
    rows = []
    for call_id in outcome.ids:
        if call_id in outcome.done:
            _, agent, lang, dur, a_talk, c_talk, words, prices, scorer, scored, total = outcome.done[call_id]
            rows.append(
                [
                    call_id,
                    agent or "",
                    lang,
                    fmt_s(dur),
                    fmt_s(a_talk),
                    fmt_s(c_talk),
                    words,
                    prices,
                    f"{scored}/{total} ({scorer})",
                ]
            )
        elif call_id in outcome.dead:
            _, stage, err, msg = outcome.dead[call_id]
            rows.append([call_id, "", "", "", "", "", "", "", f"DEAD LETTER at {stage}: {err}: {msg[:70]}"])
        else:
            rows.append([call_id, "", "", "", "", "", "", "", "not finished"])
    print_table(
        ["call", "agent", "lang", "duration", "agent talk", "customer talk", "words", "prices", "scores"],
        rows,
    )


def run_demo(settings: Settings, calls_file: Path | None = None, timeout: float = 900.0) -> int:
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    path = calls_file or SAMPLE_CALLS
    with sys.stdin if str(path) == "-" else open(path, encoding="utf-8") as fh:
        lines = list(read_jsonl(fh))
    for line in lines:
        if line.error:
            print(f"{path}:{line.lineno}: {line.error}", file=sys.stderr)
    calls = [line.record for line in lines if line.record is not None]
    if calls_file and not settings.recording_roots:
        settings = settings.model_copy(update={"recording_roots": recording_dirs(calls)})
    settings = settings.model_copy(update={"stages": list(STAGES)})
    with kafka(settings) as bootstrap:
        print(
            f"stack: Kafka {bootstrap}, ClickHouse {settings.effective_clickhouse_dsn}",
            file=sys.stderr,
        )
        ids = sorted(
            {c["call_id"] for c in calls} | {bad_line_id(str(path), ln.lineno) for ln in lines if ln.error}
        )
        outcome = asyncio.run(process(settings, bootstrap, publish_lines(lines, str(path)), ids, timeout))
    print_outcome(outcome)
    return 0 if outcome.complete else 1
