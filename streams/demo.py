"""``callstream demo``: the whole pipeline on one machine, from call events to rows in ClickHouse.

Starts the embedded stack (broker process, Faust worker with every stage, chDB), publishes the
calls, waits until each has a row in ``calls`` or ``dead_letters``, prints one line per call and
stops everything, the broker included, also on Ctrl-C or error.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, TextIO, TypeVar
from urllib.parse import urlsplit

from connectors.events import SAMPLE_CALLS, ParsedLine, RepeatedIds, anchor_relative, read_jsonl
from connectors.publisher import CallPublisher, RecordTooLarge
from processors.audio import file_uri_path
from streams.app import Runtime
from streams.lag import consumer_lag
from streams.settings import STAGES, Settings
from streams.table import escape_controls, print_table
from streams.topics import ALL
from streams.worker import FirstSignal, kafka, loud_kafka, prepare, quiet_kafka_shutdown, setup_logging

log = logging.getLogger(__name__)
T = TypeVar("T")

RESULT_SQL = """
SELECT c.call_id, c.agent_name, c.language, c.duration_s, c.agent_talk_s, c.customer_talk_s, c.words,
       c.price_mentions, c.scorer, k.scored, k.criteria, a.rules, c.scorecard_id, c.warnings, c._version
FROM calls AS c FINAL
LEFT JOIN (
    SELECT tenant, call_id, countIf(status = 'scored') AS scored, count() AS criteria
    FROM call_criteria FINAL WHERE call_id IN %(ids)s GROUP BY tenant, call_id
) AS k ON k.tenant = c.tenant AND k.call_id = c.call_id
LEFT JOIN (
    -- most severe first; this run's alerts only (an alert's version is its call's scored_at)
    SELECT tenant, call_id,
           arraySort(r -> (-indexOf(['info', 'warning', 'critical'], r.1), r.2),
                     groupUniqArray((severity, rule))) AS rules
    FROM alerts FINAL WHERE call_id IN %(ids)s AND _version >= %(since)s GROUP BY tenant, call_id
) AS a ON a.tenant = c.tenant AND a.call_id = c.call_id
WHERE c.call_id IN %(ids)s AND c._version >= %(since)s ORDER BY c.call_id
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
#: How long an interrupted step may take to end once cancelled before the demo stops without it.
CANCEL_WAIT_S = 5.0
#: With no call finished for this long, the progress line is repeated with the calls still waited
#: for: a long recording on CPU takes minutes, which must not look like a hang.
PROGRESS_EVERY_S = 30.0
#: Seconds of waiting for records in flight, once every call is in ClickHouse, before the demo says so.
DRAIN_SAY_AFTER_S = 3.0


class Interrupted(Exception):
    """The demo was asked to stop by SIGINT or SIGTERM."""


class Interrupt:
    """SIGINT/SIGTERM handling for the demo's life that does not depend on what Faust does with a
    cancelled task.

    ``asyncio.run`` turns the first Ctrl-C into a single cancellation of its main task; a cancellation
    that lands in Faust's start-up can be caught there, and the demo then ran to the end and exited 0.
    Here the first signal is recorded, :meth:`race` gives up on what it awaits and the demo stops the
    worker (bounded) and then the broker; a second one raises KeyboardInterrupt at once. Where no
    worker runs and no event loop is being set up or torn down (``graceful`` off: starting the broker,
    :func:`prepare`), the first one raises KeyboardInterrupt at once too, as Python's own handler does.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.signum: int | None = None
        self.graceful = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._previous: dict[int, Any] = {}
        self._first = FirstSignal()
        #: Called before a forced exit (second signal while the worker runs), e.g. the broker's stop.
        self.on_force: list[Callable[[], object]] = []

    def __enter__(self) -> Interrupt:
        with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
        loud_kafka()

    @contextlib.contextmanager
    def immediate(self) -> Iterator[None]:
        """A block a signal may interrupt anywhere (it holds nothing that needs stopping)."""
        self.check()
        self.graceful = False
        try:
            yield
        finally:
            self.graceful = True
        self.check()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._first.echo(signum):
            return  # timeout(1) signals us, then our process group: one signal delivered twice
        first = self.signum is None
        self.signum = signum if first else self.signum
        if not first and self.graceful:
            self._force_exit(signum)
        if not first or not self.graceful:
            raise KeyboardInterrupt
        if self._loop is not None:
            # Not set() or log here: the handler may run in the middle of the loop's or a stream's code.
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing waits any more
                self._loop.call_soon_threadsafe(self._wake, signum)

    def _force_exit(self, signum: int) -> None:
        """A second signal while the worker runs: stop what must not outlive us (the embedded
        broker) and exit now. Unwinding instead can hang: ``asyncio.run`` then waits for every task
        to finish, and Faust's stop waits for events the cancelled agents never acked."""
        quiet_kafka_shutdown()  # the consumer thread still fetches from the broker stopped next
        for stop in self.on_force:
            with contextlib.suppress(Exception):
                stop()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(128 + signum)

    def _wake(self, signum: int) -> None:
        quiet_kafka_shutdown()  # the broker goes away under the consumer during the stop
        log.warning("%s: stopping (again to stop at once)", signal.Signals(signum).name)
        if self._event is not None:
            self._event.set()

    def bind(self) -> None:
        """Wake :meth:`race` in the running loop on a signal (call from inside that loop)."""
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        if self.signum is not None:
            self._event.set()

    def check(self) -> None:
        if self.signum is not None:
            raise Interrupted(signal.Signals(self.signum).name)

    async def race(self, aw: Awaitable[T]) -> T:
        """``await aw``, unless a signal comes first: then cancel it, give it ``CANCEL_WAIT_S`` to end
        (it may swallow the cancellation) and raise :class:`Interrupted`."""
        if self._event is None:
            self.bind()
        assert self._event is not None
        task = asyncio.ensure_future(aw)
        stop = asyncio.ensure_future(self._event.wait())
        try:
            await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            if not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=CANCEL_WAIT_S)
        if self.signum is None:
            return task.result()
        if task.done() and not task.cancelled():
            task.exception()  # retrieved: the interruption is what the caller hears of
        raise Interrupted(signal.Signals(self.signum).name)


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
    """Directories of the calls' local recordings, as written: the demo reads the files the user
    pointed it at, and nothing a link or ``..`` in those paths leads to.

    Not resolved: a symlinked recording's folder is its link's folder, so the worker (which resolves
    the file and its roots) refuses a link out of it as ``RecordingNotAllowed``. A path with a ``..``
    component names no folder of its own (``../calls/../../../etc/hosts``) and adds none; such a
    recording is read only from a root allowed otherwise."""
    dirs = set()
    for call in calls:
        path = call_path(call["recording_uri"])
        if path is not None and path.is_absolute() and ".." not in path.parts:
            dirs.add(path.parent)
    return sorted(dirs)


def demo_roots(configured: Sequence[Path], calls: Sequence[dict[str, Any]]) -> list[Path]:
    """``CALLSTREAM_RECORDING_ROOTS`` plus the folders of the recordings the user passed explicitly."""
    roots = list(configured)
    roots += [d for d in recording_dirs(calls) if d not in {Path(r) for r in configured}]
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
    # one call id under two tenants (an event's tenant corrected): the newest processing shows
    done = {row[0]: row for row in sorted(done_rows, key=lambda r: r[-1])}
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
    done_rows = client.query(RESULT_SQL, parameters=params).result_rows
    dead_rows = client.query(DEAD_SQL, parameters=params).result_rows
    done, dead = newest_outcomes(done_rows, dead_rows)
    # a call scored in part (an LLM answer that failed validation for some criteria) has its row and
    # the score stage's letter: the row is the outcome, the letter says what is missing from it
    partly = {
        row[0]: row for row in sorted(dead_rows, key=lambda r: r[-1]) if row[0] in done and row[1] == "score"
    }
    return done, dead, partly


@dataclass
class Outcome:
    """Where each call ended: a ``calls`` row, a ``dead_letters`` row, or nowhere yet."""

    ids: list[str]
    done: dict[str, tuple]
    dead: dict[str, tuple]
    #: Calls in ``done`` whose score stage also dead-lettered (criteria the LLM's answer failed): the letter.
    partly: dict[str, tuple] = field(default_factory=dict)

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
    interrupt: Interrupt | None = None,
) -> Outcome:
    """Run every stage in this process, call ``feed(rt)`` (in a thread) to publish input, and wait
    until each of ``ids`` has a row in ``calls`` or ``dead_letters`` (or ``timeout`` passes).

    Only rows with ``_version >= since`` (epoch ms) count: earlier runs' rows are not this run's.
    With ``interrupt`` (installed), a signal stops the worker and raises :class:`Interrupted`."""
    interrupt = interrupt or Interrupt()
    interrupt.bind()
    with interrupt.immediate():
        rt = prepare(settings, bootstrap)  # inside the running loop: Faust binds to the current loop
        if settings.web_port and "web_port" in settings.model_fields_set:  # opt-in: short-lived demo
            from streams.web import attach

            attach(rt)
    try:
        try:
            # inside the try: a Ctrl-C while Faust starts must stop what already started, or its
            # services keep the process (and the embedded broker around it) alive
            outcome = await interrupt.race(_run(rt, feed, ids, timeout, progress, since, interrupt))
        finally:
            try:
                await asyncio.wait_for(rt.app.stop(), STOP_TIMEOUT_S)
            except TimeoutError:
                log.warning("the worker did not stop within %.0f s; leaving anyway", STOP_TIMEOUT_S)
        if not outcome.complete:
            # After a timeout the sink flushes what it holds while stopping: a row that landed then
            # is done, not "not finished".
            outcome = Outcome(ids, *await rt.in_clickhouse_thread(_results, rt, ids, since))
        return outcome
    finally:
        rt.close()


async def _run(
    rt: Runtime,
    feed: Callable[[Runtime], None],
    ids: list[str],
    timeout: float,
    progress: TextIO | None,
    since: int,
    interrupt: Interrupt,
) -> Outcome:
    """Start the worker, feed it and wait for the outcome; ``interrupt.check()`` after each step, as
    Faust may swallow the cancellation that :meth:`Interrupt.race` sends."""
    await rt.app.start()
    interrupt.check()
    await asyncio.get_running_loop().run_in_executor(None, feed, rt)
    interrupt.check()
    started = said = time.monotonic()
    deadline = started + timeout
    last = -1
    while True:
        outcome = Outcome(ids, *await rt.in_clickhouse_thread(_results, rt, ids, since))
        interrupt.check()
        now = time.monotonic()
        if progress and (len(outcome.finished) != last or now - said >= PROGRESS_EVERY_S):
            line = f"  {len(outcome.finished)}/{len(ids)} call(s) in ClickHouse"
            if dead := [call_id for call_id in outcome.dead if call_id not in outcome.done]:
                # a dead letter is an outcome too, but not a processed call: said, not counted as one
                line += f" ({len(dead)} as dead letters)"
            if len(outcome.finished) == last:
                waiting = [call_id for call_id in ids if call_id not in outcome.finished]
                more = f" and {len(waiting) - 3} more" if len(waiting) > 3 else ""
                line += f"; {now - started:.0f} s, still processing {', '.join(waiting[:3])}{more}"
            print(line, file=progress, flush=True)
            last, said = len(outcome.finished), now
        if outcome.complete:
            await _drain(rt, deadline, progress)
            interrupt.check()
            # Rows written while draining (a late stage's dead letter) may change an outcome.
            return Outcome(ids, *await rt.in_clickhouse_thread(_results, rt, ids, since))
        if time.monotonic() > deadline:
            if progress:
                print(f"timed out after {timeout:.0f}s", file=progress)
            return outcome
        await asyncio.sleep(0.5)


async def _drain(rt: Runtime, deadline: float, progress: TextIO | None = None) -> None:
    """Wait until the worker's group has committed every record of every topic it reads, so
    follow-up records (alerts, dead letters of late stages) are written before we stop. A wait past
    a few seconds is said on ``progress``, with the topics still in flight: a notify channel retrying
    a dead webhook holds the exit for its whole backoff, which looked like a hang."""
    topics = [rt.settings.topic(spec.name) for spec in ALL]
    loop = asyncio.get_running_loop()
    lag_of = functools.partial(
        consumer_lag, rt.bootstrap, rt.settings.app_id, topics, security=rt.settings.kafka_client_config()
    )
    started = said = time.monotonic()
    while time.monotonic() < deadline:
        lag = await loop.run_in_executor(None, lag_of)
        if not any(lag.values()):
            return
        now = time.monotonic()
        if (
            progress
            and now - started >= DRAIN_SAY_AFTER_S
            and (said == started or now - said >= PROGRESS_EVERY_S)
        ):
            busy = ", ".join(f"{topic} {n}" for topic, n in lag.items() if n)
            print(
                f"  every call is in ClickHouse; waiting for records still in flight ({busy}; "
                "alerts wait for their channels, a failing one retries with backoff)",
                file=progress,
                flush=True,
            )
            said = now
        await asyncio.sleep(0.5)


def publish_lines(lines: list[ParsedLine], source: str) -> Callable[[Runtime], None]:
    """A ``feed`` publishing good lines to calls.completed and bad ones to calls.dlq."""

    def feed(rt: Runtime) -> None:
        publisher = CallPublisher(rt.settings, rt.bootstrap, rt.codec)
        bad = 0
        for line in lines:
            error = line.error
            if line.record is not None:
                try:
                    publisher.publish(line.record)
                    continue
                except RecordTooLarge as exc:  # message.max.bytes: a bad line, as `publish` says, not the end
                    error = str(exc)
                    print(f"{source}:{line.lineno}: {escape_controls(error)}", file=sys.stderr)
            bad += 1
            publisher.dead_letter(
                source=source,
                lineno=line.lineno,
                payload=line.payload,
                error=error or "",
                call_id=line.dead_letter_id(source),  # as `callstream publish` names it
            )
        publisher.flush()
        print(
            f"published {len(lines) - bad} call(s), {bad} bad line(s) to the dead-letter topic; "
            "processing...",
            file=sys.stderr,
            flush=True,
        )

    return feed


def print_outcome(outcome: Outcome, out: TextIO | None = None) -> None:
    """One row per call; then each dead letter's whole reason, which would not fit a cell (cut, it
    lost the part an integrator acts on: the path, the setting to widen), and each call's warnings
    (``calls.warnings``: an event that disagrees with its recording, a channel map that looks swapped)."""
    out = out if out is not None else sys.stdout
    rows, reasons, warned, partly = [], [], [], []
    for call_id in outcome.ids:
        if call_id in outcome.done:
            agent, lang, dur, a_talk, c_talk, words, prices, scorer, scored, total, alerts, card = (
                outcome.done[call_id][1:13]
            )
            row = outcome.done[call_id]
            warnings = row[13] if len(row) > 14 else ()  # an older query's row has none
            warned += [f"  {escape_controls(call_id)}: {escape_controls(w)}" for w in warnings or ()]
            if call_id in outcome.partly:
                partly.append(f"  {escape_controls(call_id)}: {escape_controls(outcome.partly[call_id][3])}")
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
                    f"{scored}/{total} {card} ({scorer})",  # which card: a support call has other criteria
                    alerts_cell(alerts),
                ]
            )
        elif call_id in outcome.dead:
            stage, err, msg = outcome.dead[call_id][1:4]
            rows.append([call_id, *[""] * 7, f"DEAD LETTER at {stage}: {err}", ""])
            reasons.append(f"  {escape_controls(call_id)}: {escape_controls(msg)}")
        else:
            rows.append([call_id, *[""] * 7, "not finished", ""])
    print_table(
        [
            "call",
            "agent",
            "lang",
            "duration",
            "agent talk",
            "customer talk",
            "words",
            "prices",
            "scores",
            "alerts",
        ],
        rows,
        out=out,
    )
    if reasons:
        print("dead letters (`callstream dlq list` shows them again, `dlq replay` once fixed):", file=out)
        print("\n".join(reasons), file=out)
    if partly:
        print(
            "scored in part (criteria the LLM's answer failed are `failed`; `dlq list` shows why):", file=out
        )
        print("\n".join(partly), file=out)
    if warned:
        print("warnings (processed, but check the event; also in calls.warnings):", file=out)
        print("\n".join(warned), file=out)


def alerts_cell(alerts: Sequence[tuple[str, str]] | None) -> str:
    """``critical: legal_threat; warning: low_total, ...`` (most severe first), ``-`` for none."""
    by_severity: dict[str, list[str]] = {}
    for severity, rule in alerts or ():
        by_severity.setdefault(severity, []).append(rule)
    return "; ".join(f"{severity}: {', '.join(rules)}" for severity, rules in by_severity.items()) or "-"


def run_demo(settings: Settings, calls_file: Path | None = None, timeout: float = 900.0) -> int:
    setup_logging(settings, "%(levelname)s %(name)s: %(message)s")
    since = int(time.time() * 1000)  # rows from earlier runs on the same data dir are not this run's
    path = calls_file or SAMPLE_CALLS
    source = "stdin" if str(path) == "-" else str(path)  # as `publish` names it (messages, dead letters)
    with sys.stdin.buffer if str(path) == "-" else open(path, "rb") as fh:  # bytes: see read_jsonl
        lines = list(read_jsonl(fh))
    repeated = RepeatedIds()
    for line in lines:
        problem = line.error or repeated.note(line)
        if problem:
            print(f"{source}:{line.lineno}: {escape_controls(problem)}", file=sys.stderr)
        for warning in line.warnings:  # accepted but doubtful, as `publish` says (a dropped 'qeue')
            print(f"{source}:{line.lineno}: warning: {warning}", file=sys.stderr)
    calls = [line.record for line in lines if line.record is not None]
    if not calls:  # nothing to run the stack for: not a table of dead letters and exit 0
        problem = f"{len(lines)} line(s), none a valid call (see above)" if lines else "no calls in it"
        print(f"callstream demo: {source}: {problem}", file=sys.stderr)
        return 2
    if calls_file:
        anchor_relative(calls, Path.cwd() if str(path) == "-" else Path(path).parent)
        settings = settings.model_copy(
            update={"recording_roots": demo_roots(settings.recording_roots, calls)}
        )
    settings = settings.model_copy(update={"stages": list(STAGES)})
    interrupt = Interrupt()
    try:
        # The handler is in place before the broker starts and stays until it has stopped.
        force_stop = interrupt.on_force.append
        with interrupt, kafka(settings, on_start=lambda broker: force_stop(broker.stop)) as bootstrap:
            print(
                f"stack: Kafka {bootstrap}, ClickHouse {settings.clickhouse_dsn_display}",
                file=sys.stderr,
            )
            # one row per distinct call: a repeated id is one call, published twice
            ids = sorted(
                {c["call_id"] for c in calls} | {ln.dead_letter_id(source) for ln in lines if ln.error}
            )
            feed = publish_lines(lines, source)
            interrupt.graceful = True  # a KeyboardInterrupt inside asyncio.run's loop set-up breaks it
            try:
                outcome = asyncio.run(
                    process(settings, bootstrap, feed, ids, timeout, since=since, interrupt=interrupt)
                )
            finally:
                interrupt.graceful = False  # the loop is gone: a signal now just unwinds (broker stop)
    except (Interrupted, KeyboardInterrupt):
        if interrupt.signum is None:
            raise
    except Exception:
        # The KeyboardInterrupt our handler raised inside a C extension can come out as that
        # library's own error (confluent-kafka's client constructor: "TypeError: expected
        # configuration property name ..."): after a signal, stopping is what was asked for.
        if interrupt.signum is None:
            raise
        log.debug("error while stopping on %s", signal.Signals(interrupt.signum).name, exc_info=True)
    if interrupt.signum is not None:
        if interrupt.signum == signal.SIGINT:
            raise KeyboardInterrupt  # `callstream` reports it and exits 130
        print(f"stopped by {signal.Signals(interrupt.signum).name}", file=sys.stderr)
        return 128 + interrupt.signum
    print_outcome(outcome)
    return 0 if outcome.complete else 1
