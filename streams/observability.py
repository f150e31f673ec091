"""Worker observability beyond the metrics endpoint: consumer lag as a gauge, and a health endpoint.

- :class:`LagReporter` (a daemon thread, never the event loop) asks the broker every
  ``CALLSTREAM_LAG_INTERVAL`` seconds how far the worker's consumer group trails the log end of each
  topic the worker's agents read (:func:`streams.lag.consumer_lag`) and sets
  ``callstream_consumer_lag{topic}``. Replicas of a stage group report the same group's lag, so
  dashboards and alerts take ``max by (topic)``.
- :class:`Health` + :func:`serve_health`: ``GET /healthz`` (liveness: the event loop still runs,
  i.e. its heartbeat task ticked recently; 200 while the worker is still starting) and
  ``GET /readyz`` (readiness: the Faust app started its agents, and the broker answers) on
  ``CALLSTREAM_HEALTH_PORT``, for Kubernetes probes and compose health checks. Both answer a small
  JSON document.

While the broker cannot be reached, a worker makes no progress, yet its last lag reading would stay
on the dashboards as if current. Once the lag checks have failed for :func:`unreachable_after`
(three check intervals, at least a minute: one slow answer must not flap the alerts' ``for:``
clocks), the lag gauges are dropped (a gap, not a stale number; ``CallstreamLagCheckFailing``
fires) and ``/readyz`` answers 503 "broker unreachable". ``/healthz`` stays 200: a restart does
not bring a broker back. ``callstream_consumer_lag_checked_timestamp_seconds`` is the time of the
last successful check.

:class:`ProgressReporter` (a daemon thread too) writes one ``streams.progress`` line to the worker's log every
``CALLSTREAM_PROGRESS_INTERVAL_S`` seconds in which something changed: records in/out/failed per
stage, calls written, dead letters and the consumer lag, read from the same Prometheus counters as
``/metrics`` so both tell the same numbers. Idle, it writes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from streams import metrics
from streams.lag import consumer_lag
from streams.settings import STAGES

log = logging.getLogger(__name__)

LagFn = Callable[..., dict[str, int]]


def unreachable_after(interval: float) -> float:
    """Seconds of failed lag checks after which the broker counts as unreachable."""
    return max(3 * interval, 60.0)


def agent_topics(app: Any) -> list[str]:
    """Names of the topics the app's registered agents consume."""
    names: set[str] = set()
    for agent in app.agents.values():
        names.update(getattr(agent.channel, "topics", ()) or ())
    return sorted(names)


class LagReporter:
    """Exports the consumer lag of ``group`` on ``topics`` as ``callstream_consumer_lag{topic}``."""

    def __init__(
        self,
        bootstrap: str,
        group: str,
        topics: Iterable[str],
        interval: float,
        *,
        lag_fn: LagFn = consumer_lag,
    ) -> None:
        self.bootstrap, self.group, self.topics = bootstrap, group, sorted(set(topics))
        self.interval = interval
        self.lag_fn = lag_fn
        self.last: dict[str, int] = {}
        self.last_checked: float | None = None
        self.last_error: str | None = None
        self.failing_since: float | None = None  # monotonic time of the first failure in a row
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check_once(self) -> dict[str, int]:
        """One lag check; failures are counted and logged, never raised (the worker goes on)."""
        try:
            lag = self.lag_fn(self.bootstrap, self.group, self.topics, timeout=min(10.0, self.interval))
        except Exception as exc:
            metrics.LAG_CHECK_FAILURES.inc()
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.warning("consumer lag check failed: %s", self.last_error)
            if self.failing_since is None:
                self.failing_since = time.monotonic()
            if self.unreachable() and self.last:
                for topic in self.last:  # a gap on the dashboards, not a stale number
                    with contextlib.suppress(KeyError):
                        metrics.CONSUMER_LAG.remove(topic)
                self.last = {}
            return {}
        for topic, value in lag.items():
            metrics.CONSUMER_LAG.labels(topic).set(value)
        self.last, self.last_checked, self.last_error = lag, time.time(), None
        self.failing_since = None
        metrics.LAG_CHECKED.set(self.last_checked)
        return lag

    def unreachable(self, now: float | None = None) -> bool:
        """True once the lag checks have failed for :func:`unreachable_after` in a row."""
        if self.failing_since is None:
            return False
        now = time.monotonic() if now is None else now
        return now - self.failing_since >= unreachable_after(self.interval)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check_once()
            self._stop.wait(self.interval)

    def start(self) -> LagReporter:
        if self.interval > 0 and self.topics and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="callstream-lag", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)  # a daemon: a check stuck on the broker dies with the process
            self._thread = None


class Health:
    """Liveness and readiness of a worker, fed by a heartbeat task on its event loop."""

    def __init__(self, stages: Iterable[str] = (), stale_after: float = 60.0) -> None:
        self.stages = list(stages)
        self.stale_after = stale_after
        self.started_at = time.monotonic()
        self.last_beat: float | None = None
        self.lag: LagReporter | None = None

    def beat(self) -> None:
        self.last_beat = time.monotonic()

    def report(self, path: str) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body) for ``/healthz`` or ``/readyz``."""
        now = time.monotonic()
        age = None if self.last_beat is None else now - self.last_beat
        body: dict[str, Any] = {
            "stages": self.stages,
            "uptime_s": round(now - self.started_at, 1),
            "event_loop_beat_age_s": None if age is None else round(age, 1),
        }
        if self.lag is not None:
            body["consumer_lag"] = self.lag.last
            body["lag_error"] = self.lag.last_error
        if path == "/readyz":
            ready = age is not None and age <= self.stale_after
            body["status"] = "ready" if ready else "starting" if age is None else "event loop stalled"
            if ready and self.lag is not None and self.lag.unreachable(now):
                ready, body["status"] = False, "broker unreachable"
            return (200 if ready else 503), body
        alive = age is None or age <= self.stale_after  # still starting (models loading) counts as alive
        body["status"] = "ok" if alive else "event loop stalled"
        return (200 if alive else 503), body

    async def heartbeat(self, every: float = 1.0) -> None:
        """Runs on the worker's event loop as a Faust task: a blocked loop stops beating."""
        while True:
            self.beat()
            await asyncio.sleep(every)


def serve_health(health: Health, port: int, host: str = "127.0.0.1") -> HTTPServer:
    """Serve ``/healthz`` and ``/readyz`` on a daemon thread; returns the server (``.shutdown()``)."""

    class Handler(BaseHTTPRequestHandler):
        timeout = metrics.ENDPOINT_IDLE_TIMEOUT_S  # per read: a client that stops sending is dropped

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path not in ("/healthz", "/readyz", "/livez"):
                self.send_error(404)
                return
            status, body = health.report("/healthz" if path == "/livez" else path)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # probes every few seconds: stay quiet
            return

    class Server(metrics.BoundedThreads, HTTPServer):  # no login: connections are bounded
        pass

    server = Server((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="callstream-health", daemon=True).start()
    return server


#: The logger of the progress lines: at INFO even when the worker logs at WARNING (the default), the
#: operator's only sign, without /metrics or the live page, that an import or ingest was processed.
PROGRESS_LOG = logging.getLogger("streams.progress")


@dataclass(frozen=True)
class Counts:
    """What the progress line reports, as totals since the worker started."""

    stages: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # stage → in, out, failed
    calls_written: float = 0.0  # ``calls`` rows this worker's sink wrote to ClickHouse
    letters_written: float = 0.0  # ``dead_letters`` rows: any stage's, ingest's, import's, the sink's own
    in_progress: dict[str, float] = field(default_factory=dict)  # stage → records being processed now


def _totals(counter: Any) -> dict[tuple[str, ...], float]:
    """The ``_total`` samples of a labelled prometheus counter, by label values."""
    found: dict[tuple[str, ...], float] = {}
    for family in counter.collect():
        for sample in family.samples:
            if sample.name.endswith("_total"):
                found[tuple(sample.labels.values())] = sample.value
    return found


def _samples(gauge: Any) -> dict[tuple[str, ...], float]:
    """The samples of a labelled prometheus gauge, by label values."""
    return {tuple(s.labels.values()): s.value for family in gauge.collect() for s in family.samples}


#: How the progress line says what a stage is busy with (``transcribing 1 call``).
_DOING = {
    "transcribe": "transcribing",
    "filter": "filtering",
    "compress": "compressing",
    "score": "scoring",
}


def _busy(in_progress: dict[str, float]) -> str:
    return ", ".join(
        f"{_DOING.get(name, name)} {_n(n)} call{'s' * (n != 1)}"
        for name, n in sorted(in_progress.items(), key=lambda item: _stage_order(item[0]))
        if n
    )


def read_counts() -> Counts:
    """The current totals of :mod:`streams.metrics`' counters (records failed summed over errors)."""
    ins = {labels[0]: v for labels, v in _totals(metrics.RECORDS_IN).items()}
    outs = {labels[0]: v for labels, v in _totals(metrics.RECORDS_OUT).items()}
    failed: dict[str, float] = {}
    for (stage, _error), value in _totals(metrics.RECORDS_FAILED).items():
        failed[stage] = failed.get(stage, 0.0) + value
    names = set(ins) | set(outs) | set(failed)
    stages = {name: (ins.get(name, 0.0), outs.get(name, 0.0), failed.get(name, 0.0)) for name in names}
    rows = {labels[0]: v for labels, v in _totals(metrics.SINK_ROWS).items()}
    busy = {labels[0]: v for labels, v in _samples(metrics.IN_PROGRESS).items() if v}
    return Counts(stages, rows.get("calls", 0.0), rows.get("dead_letters", 0.0), busy)


def _stage_order(name: str) -> tuple[int, str]:
    return (STAGES.index(name) if name in STAGES else len(STAGES), name)


def _n(value: float) -> str:
    return f"{value:g}"


def _written(calls: float, letters: float) -> str:
    return f"{_n(calls)} call{'s' * (calls != 1)}, {_n(letters)} dead letter{'s' * (letters != 1)}"


def progress_line(
    before: Counts,
    now: Counts,
    seconds: float,
    lag: int | None = None,
    lag_before: int | None = None,
    lag_age: float | None = None,
) -> str | None:
    """The progress line (its logger, ``streams.progress``, names it) for what changed from ``before``
    to ``now`` in ``seconds``; None when nothing did, so an idle worker stays silent. What was written
    to ClickHouse is said where this worker runs the sink.

    ``lag``: records the worker's group has not committed yet, all topics (None: not checked). A
    change from ``lag_before`` is news too: records waiting while a long call is transcribed, or the
    last check after a burst saying all of it is done. ``lag_age``: seconds since that check (it runs
    every CALLSTREAM_LAG_INTERVAL), said beside it.

    Records a stage is processing now are said (``transcribing 1 call``), and are news on their own:
    a long recording being transcribed finishes nothing for minutes, and must not read as idle."""
    parts = []
    for name in sorted(now.stages, key=_stage_order):
        old = before.stages.get(name, (0.0, 0.0, 0.0))
        d_in, d_out, d_failed = (new - was for new, was in zip(now.stages[name], old, strict=True))
        if d_in or d_out or d_failed:
            parts.append(f"{name} {_n(d_in)} in/{_n(d_out)} out/{_n(d_failed)} failed")
    calls = now.calls_written - before.calls_written
    letters = now.letters_written - before.letters_written
    lag_moved = lag is not None and lag != (lag_before or 0)  # the first check finding 0 is no news
    busy = _busy(now.in_progress)
    if not parts and not calls and not letters and not lag_moved and not busy:
        return None
    line = ", ".join(parts) or ("no record finished" if busy else "no records")
    window = f"last {seconds:.0f} s"
    if "sink" in now.stages or now.calls_written or now.letters_written:
        line += (
            f"; {_written(calls, letters)} written to ClickHouse ({window}; "
            f"{_written(now.calls_written, now.letters_written)} since start)"
        )
    else:
        line += f" ({window})"
    if busy:
        line += f"; {busy}"
    age = f" ({lag_age:.0f} s ago)" if lag is not None and lag_age is not None else ""
    return f"{line}; lag {'unknown' if lag is None else lag}{age}"


class ProgressReporter:
    """Logs :func:`progress_line` every ``interval`` seconds on ``PROGRESS_LOG`` (0: never), and once
    more on :meth:`stop` for what the last interval saw."""

    def __init__(
        self,
        interval: float,
        *,
        lag: Callable[[], int | None] = lambda: None,
        counts: Callable[[], Counts] = read_counts,
        clock: Callable[[], float] = time.monotonic,
        lag_age: Callable[[], float | None] = lambda: None,
    ) -> None:
        self.interval, self.lag, self.counts, self.clock = interval, lag, counts, clock
        self.lag_age = lag_age
        self.last = counts()  # what this process counted before (a demo run earlier) is not news
        self.last_at = clock()
        self.last_lag: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> str | None:
        """Log the line for what changed since the last tick, if anything did; returns it."""
        now, at, lag = self.counts(), self.clock(), self.lag()
        line = progress_line(self.last, now, at - self.last_at, lag, self.last_lag, self.lag_age())
        self.last, self.last_at, self.last_lag = now, at, lag
        if line is not None:
            PROGRESS_LOG.info("%s", line)
        return line

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.tick()
            except Exception as exc:  # a progress line is never worth the worker
                log.debug("progress line failed: %r", exc)

    def start(self) -> ProgressReporter:
        if self.interval > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="callstream-progress", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
            with contextlib.suppress(Exception):
                self.tick()


def show_progress(log_level: str) -> None:
    """Let ``PROGRESS_LOG``'s INFO lines through at the default level (warning); ``error`` hides them."""
    if logging.getLevelName(log_level.upper()) <= logging.WARNING:
        PROGRESS_LOG.setLevel(logging.INFO)


@contextlib.contextmanager
def observe(rt: Any, bootstrap: str) -> Iterator[Health]:
    """Attach the heartbeat task to the worker's app, start the lag reporter and health endpoint
    (each when configured), and stop them when the block ends."""
    settings = rt.settings
    health = Health(settings.stages)

    async def heartbeat() -> None:  # no parameters: Faust passes the app to tasks that take one
        await health.heartbeat()

    rt.app.task(heartbeat)
    lag = LagReporter(
        bootstrap,
        settings.app_id,
        agent_topics(rt.app),
        settings.lag_interval,
        lag_fn=functools.partial(consumer_lag, security=settings.kafka_client_config()),
    )
    health.lag = lag
    server = None
    if settings.health_port:
        try:
            # the metrics address: both endpoints answer probes/scrapes from the same network
            server = serve_health(health, settings.health_port, settings.metrics_host)
        except OSError as exc:
            # a second worker on this machine usually holds the port
            log.warning(
                "health endpoint not started on port %d: %s; set CALLSTREAM_HEALTH_PORT to a free port for "
                "this process (0: no health endpoint)",
                settings.health_port,
                exc.strerror or exc,
            )
    lag.start()

    def lag_now() -> int | None:
        return sum(lag.last.values()) if lag.last_checked is not None and lag.last else None

    def lag_age() -> float | None:  # the check runs every CALLSTREAM_LAG_INTERVAL: say how old it is
        return None if lag.last_checked is None else max(0.0, time.time() - lag.last_checked)

    show_progress(settings.log_level)
    progress = ProgressReporter(settings.progress_interval_s, lag=lag_now, lag_age=lag_age).start()
    try:
        yield health
    finally:
        progress.stop()
        lag.stop()
        if server is not None:
            server.shutdown()
            server.server_close()
