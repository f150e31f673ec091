"""Worker entry points: the broker to use, topic setup, and running the Faust agents."""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from time import monotonic
from typing import Any, TextIO

import faust

from streams import metrics, spool
from streams.app import Runtime
from streams.broker import EmbeddedBroker
from streams.lag import reset_offsets_past_end
from streams.observability import agent_topics, observe
from streams.settings import Settings, make_data_dir
from streams.table import escape_controls
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
    make_data_dir(settings.data_dir)
    with EmbeddedBroker(
        port=settings.embedded_broker_port or None, log_file=settings.data_dir / "broker.log"
    ) as broker:
        log.info("embedded broker on %s", broker.bootstrap)
        if keep_unprocessed:
            restored = spool.restore(broker.bootstrap, settings.data_dir, settings=settings)
            if restored is not None and restored.total:
                print(
                    f"callstream worker: restored {restored.total} record(s) ({restored.summary()}) from "
                    f"{restored.path}: what the last run left unprocessed and what `dlq replay` queued",
                    file=sys.stderr,
                    flush=True,
                )
        if on_start is not None:
            on_start(broker)
        if not keep_unprocessed:
            yield broker.bootstrap
            return
        # A forced exit skips the end of this block: it saves first, too.
        last_save = functools.partial(_save_unprocessed, settings, broker.bootstrap, FORCED_SAVE_TIMEOUT_S)
        BEFORE_FORCED_EXIT.append(last_save)
        try:
            yield broker.bootstrap
        finally:
            # Saved however the block ends (a Ctrl-C once Faust's loop is gone raises KeyboardInterrupt
            # here: the save was skipped and every unprocessed call lost), and a stop signal during the
            # save waits for it: the broker dies with this process.
            with signals_held("saving the embedded broker's unprocessed records"):
                try:
                    _save_unprocessed(settings, broker.bootstrap)
                finally:
                    BEFORE_FORCED_EXIT.remove(last_save)


@contextlib.contextmanager
def signals_held(doing: str) -> Iterator[None]:
    """SIGINT and SIGTERM do not interrupt the block (the main thread's; elsewhere it runs as is): each
    says what is being done and is otherwise ignored. For a short, bounded step that must finish, such
    as saving what only this process holds; the stop timer (:data:`SHUTDOWN_TIMEOUT_S`) still ends it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def held(signum: int, _frame: object) -> None:
        # os.write, not logging: a signal handler may run while the main thread holds a logging lock
        os.write(2, f"callstream worker: {signal.Signals(signum).name} ignored while {doing}\n".encode())

    previous = {sig: signal.signal(sig, held) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _save_unprocessed(settings: Settings, bootstrap: str, timeout: float = 30.0) -> None:
    """Spool what the embedded broker holds unprocessed before it stops (memory storage forgets it)."""
    try:
        kept = spool.save(bootstrap, settings.app_id, settings.data_dir, timeout)
    except Exception as exc:  # the stop goes on: the worker must not hang or die on its way out
        log.error("could not save the embedded broker's unprocessed records: %s", exc)
        return
    if kept is not None:
        what = "kept" if kept.complete else "kept only part of"
        print(
            f"callstream worker: {what} {kept.kept()} in "
            f"{kept.path}; the next `callstream worker` publishes them again",
            file=sys.stderr,
            flush=True,
        )


def prepare(settings: Settings, bootstrap: str, stages: list[str] | None = None) -> Runtime:
    """Create topics, build the runtime and register the agents of ``stages``."""
    make_data_dir(settings.data_dir)
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
#: before the process ends anyway. Give the pod or service more than this (deploy/ uses 90 s;
#: Kubernetes' default of 30 s would SIGKILL a long stop first).
SHUTDOWN_TIMEOUT_S = 60.0

#: Bounds the embedded broker's last save on a forced exit (reading its tails is usually well under 1 s).
FORCED_SAVE_TIMEOUT_S = 15.0

#: What a forced exit still does first. The embedded broker holds its records in memory only and
#: dies with this process: :func:`kafka` registers the spool save here, or a stop forced while a long
#: call was being transcribed lost every call not yet processed. A real cluster needs nothing:
#: uncommitted records are read again (at-least-once).
BEFORE_FORCED_EXIT: list[Callable[[], None]] = []
_forcing = threading.Lock()


def force_exit(why: str) -> None:
    """End the process now: a stop that hangs must not leave a worker nobody can signal away. What
    :data:`BEFORE_FORCED_EXIT` holds runs first, once; a forced exit asked for again during it (a
    third signal, the stop timer) ends the process at once."""
    if not _forcing.acquire(blocking=False):
        os._exit(1)
    log.error("callstream worker: %s; exiting without a clean stop", why)
    for last in list(BEFORE_FORCED_EXIT):
        try:
            last()
        except Exception as exc:  # exiting whatever happens
            log.error("callstream worker: before the forced exit: %r", exc)
    logging.shutdown()
    os._exit(1)


#: Seconds after a stop signal in which the same signal again is that one delivered twice.
SIGNAL_ECHO_S = 1.0


class FirstSignal:
    """The signal that began a stop, to tell a second signal from the first one delivered twice:
    coreutils ``timeout`` signals its child and then its own process group, which holds the child
    too, so one SIGINT arrives twice, microseconds apart. A second Ctrl-C comes later than
    :data:`SIGNAL_ECHO_S`."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.at = 0.0

    def echo(self, signum: int) -> bool:
        """Whether ``signum`` repeats the first signal within :data:`SIGNAL_ECHO_S` (to be ignored);
        the first signal is recorded. It does not log, so a raw signal handler may call it."""
        now = monotonic()
        if self.signum is None:
            self.signum, self.at = signum, now
            return False
        return signum == self.signum and now - self.at < SIGNAL_ECHO_S


class Worker(faust.Worker):
    """``faust.Worker`` whose shutdown cannot hang. mode schedules one stop on the first signal and
    ignores every later one, so a stop stuck on a service (seen when SIGINT came during start-up on
    a loaded machine) left the process deaf to SIGINT and SIGTERM. Here a second signal, or a stop
    longer than :data:`SHUTDOWN_TIMEOUT_S`, ends the process.

    The same signal again within :data:`SIGNAL_ECHO_S` of the first is that one delivered twice
    (:class:`FirstSignal`) and ignored. Once the stop begins, aiokafka's complaints about the broker
    going away are dropped (:func:`quiet_kafka_shutdown`)."""

    shutdown_timeout_s: float = SHUTDOWN_TIMEOUT_S
    _first: FirstSignal | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # faust's spinner only draws on a terminal, but its finish() writes "\b" and ESC[?25h (show
        # cursor) whatever the output is: stray bytes in a pipe, a log file or `kubectl logs`.
        if self.spinner is not None and not self.spinner.file.isatty():
            self.spinner = None

    def _schedule_shutdown(self, signal: signal.Signals) -> None:
        if self._first is None:
            self._first = FirstSignal()
        if self._first.echo(signal):
            log.debug(
                "%s again within %g s of the first: the same one, delivered twice", signal.name, SIGNAL_ECHO_S
            )
            return
        if self._signal_stop_time:
            force_exit(f"{signal.name} again while stopping")
            return
        quiet_kafka_shutdown()
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


class EscapingFormatter(logging.Formatter):
    """Writes control characters of a message escaped (``\\n``, ``\\x1b``): a call id, tenant or
    agent name from input must not start a forged log line or drive the terminal (a producer writing
    to the topics directly skips the ingest API's checks). A traceback keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)


def setup_logging(settings: Settings, fmt: str = "%(asctime)s %(levelname)s %(name)s: %(message)s") -> None:
    """Log at ``CALLSTREAM_LOG_LEVEL`` (timestamps by default); secrets in request URLs stay out,
    control characters are escaped (:class:`EscapingFormatter`)."""
    logging.basicConfig(level=settings.log_level.upper(), format=fmt)
    for handler in logging.getLogger().handlers:
        if type(handler.formatter) is logging.Formatter:  # basicConfig's, not one a caller set up
            handler.setFormatter(EscapingFormatter(fmt))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))


#: What aiokafka logs when the broker goes away under it: "Failed fetch messages from 111:
#: KafkaConnectionError: Connection at ... closed", "Unable to update metadata from [111]", ...
_BROKER_GONE = re.compile(r"connect|metadata|NodeNotReady|RequestTimedOut|coordinator", re.I)


class _BrokerGone(logging.Filter):
    """Drops aiokafka's records about a lost broker connection: once a stop began they are the stop
    (the embedded broker ends with the process), not a fault, and they buried its one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("aiokafka"):
            return True
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        return not _BROKER_GONE.search(text)


_BROKER_GONE_FILTER = _BrokerGone()


def quiet_kafka_shutdown() -> None:
    """From now on, hide aiokafka's errors about the broker going away; call once a stop begins.

    The filter sits on the root logger's handlers (a logger's own filter would not see its children's
    records), those that :func:`setup_logging` or ``logging.basicConfig`` made. Adding it again is a
    no-op, and adding a filter takes no lock, so a signal handler may call this.
    """
    for handler in logging.getLogger().handlers:
        handler.addFilter(_BROKER_GONE_FILTER)


def loud_kafka() -> None:
    """Undo :func:`quiet_kafka_shutdown` once the stop is over, for a process that lives on (the demo
    called from Python, a test run): a broker lost later is a fault again."""
    for handler in logging.getLogger().handlers:
        handler.removeFilter(_BROKER_GONE_FILTER)


def print_start(
    settings: Settings, bootstrap: str, metrics_port: int, page: str, out: TextIO | None = None
) -> None:
    """The worker's start banner: what it runs and where it can be reached. With the embedded broker,
    how to publish to it too: its port is a new free one at every start unless
    ``CALLSTREAM_EMBEDDED_BROKER_PORT`` fixes it, and `publish` must be pointed at it each time."""
    out = out or sys.stdout
    endpoint = f":{metrics_port}/metrics" if metrics_port else "off"
    if settings.metrics_port and not metrics_port:  # taken (logged by metrics.serve): never a silent "off"
        endpoint = (
            f"off (not started on {settings.metrics_host}:{settings.metrics_port}; "
            "CALLSTREAM_METRICS_PORT picks another port)"
        )
    # the embedded broker keeps records in memory: say so where an integrator points `publish`
    kept = " (embedded, in memory: kept over a clean stop, lost in a crash)" * settings.embedded_broker
    print(
        f"callstream worker: stages {', '.join(settings.stages)}; Kafka {bootstrap}{kept}; "
        f"ClickHouse {settings.clickhouse_dsn_display}; metrics {endpoint}; live page {page}",
        file=out,
        flush=True,
    )
    if settings.embedded_broker:
        port = bootstrap.rpartition(":")[2]
        fixed = (
            "fixed by CALLSTREAM_EMBEDDED_BROKER_PORT"
            if settings.embedded_broker_port
            else f"a new one at every start; CALLSTREAM_EMBEDDED_BROKER_PORT={port} keeps it"
        )
        print(
            f"callstream worker: publish to it with CALLSTREAM_KAFKA_BOOTSTRAP={bootstrap} callstream "
            f"publish FILE (port {fixed})",
            file=out,
            flush=True,
        )


def run_worker(settings: Settings) -> int:
    """``callstream worker``: run until SIGINT/SIGTERM; the embedded broker (if any) stops with it."""
    setup_logging(settings)
    port = metrics.serve(settings.metrics_port, settings.metrics_host)
    with kafka(settings, keep_unprocessed=True) as bootstrap:
        rt = prepare(settings, bootstrap)
        try:  # before the group is joined: a topic created again must not skip its records
            reset_offsets_past_end(
                bootstrap, settings.app_id, agent_topics(rt.app), security=settings.kafka_client_config()
            )
        except Exception as exc:  # the broker not answering yet: the worker itself will say more
            log.warning("offsets past their log's end not checked: %s", exc)
        if settings.web_port:
            from streams.web import attach, page_url

            attach(rt)
        metrics.UP.labels(",".join(settings.stages)).set(1)
        metrics.init_stages(settings.stages)
        print_start(settings, bootstrap, port, page_url(settings) if settings.web_port else "off")
        try:
            with observe(rt, bootstrap):  # consumer-lag gauge + /healthz, /readyz (CALLSTREAM_HEALTH_PORT)
                faust_worker(rt).execute_from_commandline()
        except SystemExit as exc:
            return int(exc.code or 0)
        finally:
            rt.close()
    return 0
