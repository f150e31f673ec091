"""Worker entry points: the broker to use, topic setup, and running the Faust agents."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from time import monotonic
from typing import Any

import faust

from streams import metrics, spool
from streams.app import Runtime
from streams.broker import EmbeddedBroker
from streams.observability import observe
from streams.settings import Settings
from streams.topics import ensure_topics

log = logging.getLogger(__name__)


@contextlib.contextmanager
def kafka(
    settings: Settings,
    on_start: Callable[[EmbeddedBroker], object] | None = None,
    *,
    keep_unprocessed: bool = False,
) -> Iterator[str]:
    """Yield the bootstrap servers: the configured cluster, or an embedded broker for the block's life
    (``on_start`` gets it, e.g. to stop it from a signal handler).

    ``keep_unprocessed`` (``callstream worker``): the embedded broker starts with what the last clean
    stop left unprocessed (:mod:`streams.spool`), and a clean end of the block saves it again."""
    if not settings.embedded_broker:
        assert settings.kafka_bootstrap is not None
        yield settings.kafka_bootstrap
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with EmbeddedBroker(
        port=settings.embedded_broker_port or None, log_file=settings.data_dir / "broker.log"
    ) as broker:
        log.info("embedded broker on %s", broker.bootstrap)
        if keep_unprocessed:
            restored = spool.restore(broker.bootstrap, settings.data_dir)
            if restored is not None:
                print(
                    f"callstream worker: restored {restored.total} record(s) the last run left unprocessed "
                    f"({restored.summary()}) from {restored.path}",
                    file=sys.stderr,
                    flush=True,
                )
        if on_start is not None:
            on_start(broker)
        yield broker.bootstrap
        if keep_unprocessed:
            _save_unprocessed(settings, broker.bootstrap)


def _save_unprocessed(settings: Settings, bootstrap: str) -> None:
    """Spool what the embedded broker holds unprocessed before it stops (memory storage forgets it)."""
    try:
        kept = spool.save(bootstrap, settings.app_id, settings.data_dir)
    except Exception as exc:  # the stop goes on: the worker must not hang or die on its way out
        log.error("could not save the embedded broker's unprocessed records: %s", exc)
        return
    if kept is not None:
        what = "kept" if kept.complete else "kept only part of"
        print(
            f"callstream worker: {what} {kept.total} unprocessed record(s) ({kept.summary()}) in "
            f"{kept.path}; the next `callstream worker` publishes them again",
            file=sys.stderr,
            flush=True,
        )


def prepare(settings: Settings, bootstrap: str, stages: list[str] | None = None) -> Runtime:
    """Create topics, build the runtime and register the agents of ``stages``."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    created = ensure_topics(settings, bootstrap)
    if created:
        log.info("created topics: %s", ", ".join(created))
    rt = Runtime(settings, bootstrap)
    rt.register(stages)
    # What exists now (models, dictionaries, compiled patterns, the Faust app) lives as long as the
    # runtime: out of the cyclic collector's sight (until Runtime.close), whose full passes walked
    # it all while holding the event loop (~0.2 s each, two in a 400-call bench run).
    gc.collect()
    gc.freeze()
    return rt


#: Seconds a graceful stop may take after SIGINT/SIGTERM (offset commits, the sink's last flush)
#: before the process ends anyway: Kubernetes' default grace period is 30 s more than this needs.
SHUTDOWN_TIMEOUT_S = 60.0


def force_exit(why: str) -> None:
    """End the process now: a stop that hangs must not leave a worker nobody can signal away (the
    embedded broker dies with its parent; uncommitted records are read again: at-least-once)."""
    log.error("callstream worker: %s; exiting without a clean stop", why)
    logging.shutdown()
    os._exit(1)


class Worker(faust.Worker):
    """``faust.Worker`` whose shutdown cannot hang. mode schedules one stop on the first signal and
    ignores every later one, so a stop stuck on a service (seen when SIGINT came during start-up on
    a loaded machine) left the process deaf to SIGINT and SIGTERM. Here a second signal, or a stop
    longer than :data:`SHUTDOWN_TIMEOUT_S`, ends the process.

    The same signal again within :attr:`echo_window_s` of the first is not a second one: coreutils
    ``timeout`` signals the worker and then its own process group, which holds the worker too, so
    one SIGINT arrives twice, microseconds apart. A second Ctrl-C comes later and still ends it."""

    shutdown_timeout_s: float = SHUTDOWN_TIMEOUT_S
    echo_window_s: float = 1.0
    #: The signal that began the stop, and when (monotonic seconds).
    _first_signal: signal.Signals | None = None
    _first_signal_at: float = 0.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # faust's spinner only draws on a terminal, but its finish() writes "\b" and ESC[?25h (show
        # cursor) whatever the output is: stray bytes in a pipe, a log file or `kubectl logs`.
        if self.spinner is not None and not self.spinner.file.isatty():
            self.spinner = None

    def _schedule_shutdown(self, signal: signal.Signals) -> None:
        now = monotonic()
        if self._signal_stop_time:
            if signal == self._first_signal and now - self._first_signal_at < self.echo_window_s:
                log.debug(
                    "%s again %.6f s after the first: the same one, delivered twice",
                    signal.name,
                    now - self._first_signal_at,
                )
                return
            force_exit(f"{signal.name} again while stopping")
            return
        self._first_signal, self._first_signal_at = signal, now
        super()._schedule_shutdown(signal)
        timer = threading.Timer(
            self.shutdown_timeout_s,
            force_exit,
            (f"stop not done {self.shutdown_timeout_s:g} s after {signal.name}",),
        )
        timer.daemon = True  # a clean exit does not wait for it
        timer.start()


def faust_worker(rt: Runtime, **kwargs: object) -> faust.Worker:
    level = rt.settings.log_level.upper()
    return Worker(
        rt.app, loglevel=level, quiet=True, redirect_stdouts=False, override_logging=False, **kwargs
    )


#: Libraries that log every request URL at INFO: a Telegram bot token, a Slack or CRM webhook, a
#: presigned recording URL. Their warnings still show.
QUIET_LOGGERS = ("httpx", "httpcore")


def setup_logging(settings: Settings) -> None:
    """Log at ``CALLSTREAM_LOG_LEVEL`` with timestamps; secrets in request URLs stay out."""
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))


def run_worker(settings: Settings) -> int:
    """``callstream worker``: run until SIGINT/SIGTERM; the embedded broker (if any) stops with it."""
    setup_logging(settings)
    port = metrics.serve(settings.metrics_port, settings.metrics_host)
    with kafka(settings, keep_unprocessed=True) as bootstrap:
        rt = prepare(settings, bootstrap)
        if settings.web_port:
            from streams.web import attach, page_url

            attach(rt)
        metrics.UP.labels(",".join(settings.stages)).set(1)
        endpoint = f":{port}/metrics" if port else "off"
        page = page_url(settings) if settings.web_port else "off"
        # the embedded broker keeps records in memory: say so where an integrator points `publish`
        kept = " (embedded, in memory: kept over a clean stop, lost in a crash)" * settings.embedded_broker
        print(
            f"callstream worker: stages {', '.join(settings.stages)}; Kafka {bootstrap}{kept}; "
            f"ClickHouse {settings.clickhouse_dsn_display}; metrics {endpoint}; live page {page}",
            flush=True,
        )
        try:
            with observe(rt, bootstrap):  # consumer-lag gauge + /healthz, /readyz (CALLSTREAM_HEALTH_PORT)
                faust_worker(rt).execute_from_commandline()
        except SystemExit as exc:
            return int(exc.code or 0)
        finally:
            rt.close()
    return 0
