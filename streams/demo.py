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
from urllib.parse import urlsplit

from connectors.events import SAMPLE_CALLS, ParsedLine, read_jsonl
from connectors.publisher import CallPublisher
from processors.audio import file_uri_path
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
       (SELECT count() FROM call_criteria FINAL WHERE call_id = c.call_id) AS criteria,
       c._version
FROM calls AS c FINAL WHERE c.call_id IN %(ids)s AND c._version >= %(since)s ORDER BY c.call_id
"""
DEAD_SQL = """
SELECT call_id, stage, error_class, error_message, _version FROM dead_letters FINAL
WHERE call_id IN %(ids)s AND _version >= %(since)s
"""
#: Stages downstream of the ``calls`` row: their dead letters concern a call's alerts, not its result.
AFTER_CALLS_ROW = frozenset({"alerts", "notify"})
#: How long stopping the in-process worker may take (a stop during start-up can wait on services
#: that never came up); after that the demo exits and the embedded broker stops anyway.
STOP_TIMEOUT_S = 30.0


def call_path(uri: str) -> Path | None:
    """The local file a ``file://`` (percent-encoded, host empty or ``localhost``) or absolute
    ``recording_uri`` names, parsed as ``processors.audio.resolve_recording`` does; else None."""
    parts = urlsplit(uri)
    if parts.scheme.lower() == "file":
        return file_uri_path(parts)
    if not parts.scheme and uri.startswith("/"):
        return Path(uri)
    return None


def recording_dirs(calls: Sequence[dict[str, Any]]) -> list[Path]:
    """Directories of the calls' local recordings: the demo reads the files the user pointed it at."""
    dirs = set()
    for call in calls:
        path = call_path(call["recording_uri"])
        if path is not None:
            dirs.add(path.resolve().parent)
    return sorted(dirs)


def demo_roots(configured: Sequence[Path], calls: Sequence[dict[str, Any]]) -> list[Path]:
    """``CALLSTREAM_RECORDING_ROOTS`` plus the folders of the recordings the user passed explicitly."""
    roots = list(configured)
    roots += [d for d in recording_dirs(calls) if d not in {Path(r).resolve() for r in configured}]
    return roots


def fmt_s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}s"


def newest_outcomes(
    done_rows: Sequence[tuple], dead_rows: Sequence[tuple]
) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """Each call's outcome: its newest row (last element: ``_version``, the processing time in ms).

    A dead letter replaces a ``calls`` row only when it is newer and from a stage up to the sink
    (the same call published again and failed); a failed alert does not undo the call's result.
    """
    done = {row[0]: row for row in done_rows}
    dead: dict[str, tuple] = {}
    for row in sorted(dead_rows, key=lambda r: r[-1]):
        if not (row[0] in done and row[1] in AFTER_CALLS_ROW):
            dead[row[0]] = row
    for call_id in set(done) & set(dead):
        if dead[call_id][-1] > done[call_id][-1]:
            del done[call_id]
        else:
            del dead[call_id]
    return done, dead


def _results(rt: Runtime, ids: list[str], since: int) -> tuple[dict[str, tuple], dict[str, tuple]]:
    params = {"ids": ids, "since": since}
    client = rt.clickhouse
    done = client.query(RESULT_SQL, parameters=params).result_rows
    dead = client.query(DEAD_SQL, parameters=params).result_rows
    return newest_outcomes(done, dead)


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
    since: int = 0,
) -> Outcome:
    """Run every stage in this process, call ``feed(rt)`` (in a thread) to publish input, and wait
    until each of ``ids`` has a row in ``calls`` or ``dead_letters`` (or ``timeout`` passes).

    Only rows with ``_version >= since`` (epoch ms) count: earlier runs' rows are not this run's."""
    rt = prepare(settings, bootstrap)  # inside the running loop: Faust binds to the current loop
    if settings.web_port and "web_port" in settings.model_fields_set:  # opt-in: the demo is short-lived
        from streams.web import attach

        attach(rt)
    try:
        # inside the try: a Ctrl-C while Faust starts must stop what already started, or its
        # services keep the process (and the embedded broker around it) alive
        await rt.app.start()
        await asyncio.get_running_loop().run_in_executor(None, feed, rt)
        deadline = time.monotonic() + timeout
        last = -1
        while True:
            outcome = Outcome(ids, *await rt.in_clickhouse_thread(_results, rt, ids, since))
            if progress and len(outcome.finished) != last:
                last = len(outcome.finished)
                print(f"  {last}/{len(ids)} call(s) in ClickHouse", file=progress, flush=True)
            if outcome.complete:
                await _drain(rt, deadline)
                # Rows written while draining (a late stage's dead letter) may change an outcome.
                return Outcome(ids, *await rt.in_clickhouse_thread(_results, rt, ids, since))
            if time.monotonic() > deadline:
                if progress:
                    print(f"timed out after {timeout:.0f}s", file=progress)
                return outcome
            await asyncio.sleep(0.5)
    finally:
        try:
            await asyncio.wait_for(rt.app.stop(), STOP_TIMEOUT_S)
        except TimeoutError:
            log.warning("the worker did not stop within %.0f s; leaving anyway", STOP_TIMEOUT_S)
        finally:
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
            agent, lang, dur, a_talk, c_talk, words, prices, scorer, scored, total = outcome.done[call_id][
                1:11
            ]
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
            stage, err, msg = outcome.dead[call_id][1:4]
            rows.append([call_id, "", "", "", "", "", "", "", f"DEAD LETTER at {stage}: {err}: {msg[:70]}"])
        else:
            rows.append([call_id, "", "", "", "", "", "", "", "not finished"])
    print_table(
        ["call", "agent", "lang", "duration", "agent talk", "customer talk", "words", "prices", "scores"],
        rows,
    )


def run_demo(settings: Settings, calls_file: Path | None = None, timeout: float = 900.0) -> int:
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    since = int(time.time() * 1000)  # rows from earlier runs on the same data dir are not this run's
    path = calls_file or SAMPLE_CALLS
    with sys.stdin if str(path) == "-" else open(path, encoding="utf-8") as fh:
        lines = list(read_jsonl(fh))
    for line in lines:
        if line.error:
            print(f"{path}:{line.lineno}: {line.error}", file=sys.stderr)
    calls = [line.record for line in lines if line.record is not None]
    if calls_file:
        settings = settings.model_copy(
            update={"recording_roots": demo_roots(settings.recording_roots, calls)}
        )
    settings = settings.model_copy(update={"stages": list(STAGES)})
    with kafka(settings) as bootstrap:
        print(
            f"stack: Kafka {bootstrap}, ClickHouse {settings.effective_clickhouse_dsn}",
            file=sys.stderr,
        )
        ids = sorted(
            {c["call_id"] for c in calls} | {bad_line_id(str(path), ln.lineno) for ln in lines if ln.error}
        )
        outcome = asyncio.run(
            process(settings, bootstrap, publish_lines(lines, str(path)), ids, timeout, since=since)
        )
    print_outcome(outcome)
    return 0 if outcome.complete else 1
