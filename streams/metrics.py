"""Prometheus metrics of a worker (served on ``/metrics`` by :func:`serve`)."""

from __future__ import annotations

import errno
import logging
import socket
import threading
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import Counter, Gauge, Histogram, make_wsgi_app

log = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)

RECORDS_IN = Counter("callstream_records_in_total", "Records read by a stage.", ["stage"])
RECORDS_OUT = Counter("callstream_records_out_total", "Records a stage emitted.", ["stage"])
RECORDS_FAILED = Counter(
    "callstream_records_failed_total", "Records a stage sent to the dead-letter topic.", ["stage", "error"]
)
RETRIES = Counter("callstream_retries_total", "Transient failures retried.", ["stage"])
IN_PROGRESS = Gauge(
    "callstream_records_in_progress",
    "Records a stage is processing now (a long call being transcribed).",
    ["stage"],
)
STAGE_LATENCY = Histogram(
    "callstream_stage_seconds", "Time a stage spent on one record.", ["stage"], buckets=_LATENCY_BUCKETS
)
END_TO_END = Histogram(
    "callstream_end_to_end_seconds",
    "From call end (ended_at), or the event's acceptance (received_at) when later, to its rows written "
    "in ClickHouse.",
    buckets=(1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600),
)
AUDIO_SECONDS = Counter("callstream_audio_seconds_total", "Seconds of audio transcribed.")
TOKENS = Counter("callstream_tokens_total", "Tokens of transcripts before/after compression.", ["when"])
SINK_BATCH = Histogram(
    "callstream_sink_batch_records",
    "Kafka records per ClickHouse flush.",
    buckets=(1, 5, 10, 50, 100, 500, 1000, 5000),
)
SINK_ROWS = Counter("callstream_sink_rows_total", "Rows written to ClickHouse.", ["table"])
SINK_FAILURES = Counter("callstream_sink_flush_failures_total", "Failed ClickHouse flushes (retried).")
SINK_RETIRED = Counter(
    "callstream_sink_superseded_calls_total",
    "Calls processed again whose older processing's extra child rows the sink deleted, or could not.",
    ["outcome"],  # deleted | refused (ClickHouse refused the DELETE: the older rows stay in FINAL)
)
UP = Gauge("callstream_worker_up", "1 while the worker runs.", ["stages"])
CONSUMER_LAG = Gauge(
    "callstream_consumer_lag",
    "Records of a topic the worker's consumer group has not committed yet (streams/observability.py).",
    ["topic"],
)
LAG_CHECKED = Gauge(
    "callstream_consumer_lag_checked_timestamp_seconds",
    "Unix time of the worker's last successful consumer-lag check.",
)
LAG_CHECK_FAILURES = Counter("callstream_lag_check_failures_total", "Consumer-lag checks that failed.")


def init_stages(stages: Iterable[str]) -> None:
    """Create the 0-valued series of the worker's ``stages`` at start (prometheus-client: one
    ``.labels(...)`` call creates a child at 0). A series that first appears at 1 hides that first
    event from ``rate()`` and ``increase()``: the first retry, or the first row ClickHouse refused to
    delete, would never fire an alert. ``_records_failed_total``'s ``error`` is a failure class, not
    known in advance: deploy/prometheus/alerts.yml also catches a series new in its window."""
    for stage in stages:
        for family in (RECORDS_IN, RECORDS_OUT, RETRIES, STAGE_LATENCY, IN_PROGRESS):
            family.labels(stage)
    if "compress" in stages:
        for when in ("before", "after"):
            TOKENS.labels(when)
    if "sink" in stages:
        for outcome in ("deleted", "refused"):
            SINK_RETIRED.labels(outcome)


#: Connections the metrics and health endpoints serve at once, and how long one may send nothing.
#: Neither has a login, and each connection holds a thread of the worker: a security review held 200
#: threads open with requests that never ended. A connection over the bound is closed at once.
ENDPOINT_MAX_CONNECTIONS = 16
ENDPOINT_IDLE_TIMEOUT_S = 10.0


class BoundedThreads(ThreadingMixIn):
    """A threading server part that serves at most ``max_connections`` connections at once."""

    daemon_threads = True
    max_connections = ENDPOINT_MAX_CONNECTIONS

    def process_request(self, request: Any, client_address: Any) -> None:
        slots = self.__dict__.setdefault("_slots", threading.BoundedSemaphore(self.max_connections))
        if not slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            slots.release()
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out or went away: no traceback on the worker's stderr."""
        log.debug("endpoint connection from %s ended", client_address, exc_info=True)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class _MetricsServer(BoundedThreads, WSGIServer):
    pass


class _QuietHandler(WSGIRequestHandler):
    timeout = ENDPOINT_IDLE_TIMEOUT_S  # per read: a client that stops sending is dropped

    def log_message(self, format: str, *args: Any) -> None:  # scraped every few seconds: stay quiet
        return


def start_server(port: int, host: str) -> WSGIServer:
    """``/metrics`` served on ``host:port`` by a daemon thread (OSError when it cannot listen).
    prometheus-client's own server has neither a bound on connections nor a timeout
    (:data:`ENDPOINT_MAX_CONNECTIONS`), so its WSGI app is served here."""

    class Server(_MetricsServer):
        address_family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]

    httpd = make_server(host, port, make_wsgi_app(), Server, handler_class=_QuietHandler)
    threading.Thread(target=httpd.serve_forever, name="callstream-metrics", daemon=True).start()
    return httpd


def serve(port: int, host: str = "0.0.0.0") -> int:
    """Expose ``/metrics`` on ``host:port`` (port 0: disabled). Returns the port, 0 when not served.

    Callers pass ``settings.metrics_host`` (loopback unless set); the default here only keeps a
    caller that passes no host where it was."""
    if not port:
        return 0
    try:
        start_server(port, host)
    except OSError as exc:
        # another callstream process on this machine (a worker beside `ingest`) usually holds the port
        hint = (
            "set CALLSTREAM_METRICS_PORT to a free port for this process (0: no metrics endpoint)"
            if exc.errno == errno.EADDRINUSE
            else "check CALLSTREAM_METRICS_HOST and CALLSTREAM_METRICS_PORT"
        )
        log.warning("metrics endpoint not started on %s:%d: %s; %s", host, port, exc.strerror or exc, hint)
        return 0
    log.info("metrics on http://%s:%d/metrics", host if ":" not in host else f"[{host}]", port)
    return port
