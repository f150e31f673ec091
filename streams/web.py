"""The live supervisor page, served by the worker on its own event loop (aiohttp).

Why in the worker: the embedded chDB allows one process per data path, so whoever reads
ClickHouse must be the process that writes it, and through its one ClickHouse thread. The page is a
static HTML/JS file plus a JSON API and a Server-Sent Events stream (``/api/stream``) of newly
scored calls and alerts.

The stream polls ClickHouse (one poller per worker, only while a page is open) instead of hooking
into the sink, so a worker without the sink stage, pointed at a ClickHouse server, serves the same
page. ``calls`` rows are found by ``inserted_at``; ``alerts`` has no insert time, so they are found
by ``created_at`` with a look-back that covers the sink's delay, and de-duplicated by id.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import logging
import socket
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import mode
from aiohttp import web
from clickhouse_connect.driver.client import Client

from processors.alerts import SEVERITIES
from processors.audio import (
    AudioError,
    RecordingNotAllowed,
    RecordingNotFound,
    for_tenant,
    host_allowed,
    resolve_recording,
)
from streams import supervisor
from streams.clickhouse import ClickHouseUnavailable
from streams.settings import Settings, WebUser, is_loopback, parse_web_users
from streams.supervisor import EVERY_TENANT, Filters, Scope

if TYPE_CHECKING:
    from streams.app import Runtime

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: The page runs only its own script and style; recordings may come from allow-listed hosts.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' http: https:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'none'"
)
MAX_LIMIT = 500
MAX_FILTER_LEN = 200
#: Events a slow page may fall behind by before its stream is closed (it reconnects and reloads).
MAX_BACKLOG = 2000
HEARTBEAT_SECONDS = 15.0
#: Seconds a page refused for too many open streams is told to wait (its own retry is 3 s).
STREAM_RETRY_AFTER = 10


class Reader:
    """How the page reaches ClickHouse: one client, used only from the one ClickHouse thread.

    ``connect`` runs once, lazily (first request), outside that thread: the runtime's own lazy
    client creation submits to the ClickHouse thread and waits, so calling it there would deadlock.
    A failed connect is retried on the next request.
    """

    def __init__(self, connect: Callable[[], Client], executor: Executor) -> None:
        self._connect = connect
        self._executor = executor
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    async def __call__(self, fn: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    self._client = await loop.run_in_executor(None, self._connect)
        return await loop.run_in_executor(self._executor, fn, self._client, *args)


def runtime_reader(rt: Runtime) -> Reader:
    """The runtime's client and ClickHouse thread. An embedded chDB path belongs to the worker that
    runs the sink (it writes there); any other worker opening it would lock the sink out."""

    def connect() -> Client:
        settings = rt.settings
        if settings.effective_clickhouse_dsn.startswith("chdb://") and "sink" not in settings.stages:
            raise ClickHouseUnavailable(
                "the embedded chDB is owned by the worker running the sink stage: open the page there, "
                "or set CALLSTREAM_CLICKHOUSE_DSN to a ClickHouse server"
            )
        return rt.clickhouse

    return Reader(connect, rt.clickhouse_executor)


# --- live stream -------------------------------------------------------------------------------------


@dataclass(eq=False)
class Subscriber:
    """One open page: its login's tenants, its filters and the events waiting to be written to it
    (``None``: close)."""

    scope: Scope
    filters: Filters
    queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = field(default_factory=asyncio.Queue)

    def offer(self, kind: str, row: dict[str, Any]) -> bool:
        """Queue ``row`` if it is in scope and passes the filters; ``False`` when the page fell too
        far behind."""
        if not (self.scope.allows(row.get("tenant")) and self.filters.matches(row)):
            return True
        if self.queue.qsize() >= MAX_BACKLOG:
            return False
        self.queue.put_nowait((kind, row))
        return True


class LiveFeed:
    """Polls ClickHouse for new call and alert rows while at least one page is open, and hands each
    to the pages whose filters it passes.

    Watermarks are ClickHouse server time (``inserted_at``) for calls and the alert's
    ``created_at`` for alerts; each poll re-reads an overlap window (rows become visible a little
    after their timestamp) and drops what it already sent. An alert within the look-back is sent
    again when it changed (re-sent unsuppressed after its cool-down's alert went undelivered, or a
    notify dead letter says its delivery failed): the page replaces it by ``alert_id``. An alert
    whose call has no row yet waits up to ``hold_seconds`` for it, so a queue filter can see the
    alert's queue.
    """

    def __init__(
        self,
        read: Reader,
        interval: float,
        *,
        overlap_ms: int = 10_000,
        alert_lookback_ms: int = 300_000,
        hold_seconds: float = 30.0,
    ) -> None:
        self.read = read
        self.interval = interval
        self.overlap_ms = overlap_ms
        self.alert_lookback_ms = alert_lookback_ms
        self.hold_seconds = hold_seconds
        self.subscribers: set[Subscriber] = set()
        self._task: asyncio.Task[None] | None = None
        self._start_lock = asyncio.Lock()
        self._calls_mark = 0
        self._alerts_mark = 0
        self._seen_calls: dict[tuple[str, str, int], int] = {}
        #: alert_id → (created_ms, what the pages were told: suppressed, delivery failure)
        self._seen_alerts: dict[str, tuple[int, tuple[Any, ...]]] = {}
        self._held: dict[str, tuple[dict[str, Any], float]] = {}

    async def subscribe(self, scope: Scope, filters: Filters) -> Subscriber:
        """Register a page (it gets only ``scope``'s rows). The first one primes the watermarks
        (marks what is already there as seen) before it returns, so the page's own list load covers
        everything before its stream."""
        async with self._start_lock:
            if self._task is None or self._task.done():
                now = await self.read(supervisor.server_now_ms)
                self._calls_mark = self._alerts_mark = now
                self._seen_calls.clear()
                self._seen_alerts.clear()
                self._held.clear()
                await self.poll(publish=False)
                self._task = asyncio.create_task(self._run(), name="callstream-live-feed")
            subscriber = Subscriber(scope, filters)
            self.subscribers.add(subscriber)
            return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)
        if not self.subscribers and self._task is not None:
            self._task.cancel()
            self._task = None

    async def close(self) -> None:
        """Tell every open stream to end (server shutdown) and stop polling."""
        for subscriber in list(self.subscribers):
            subscriber.queue.put_nowait(None)
        self.subscribers.clear()
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.poll()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # ClickHouse away for a moment: keep the pages open, try again
                log.warning("live page: polling ClickHouse failed: %s", exc)

    async def poll(self, publish: bool = True) -> None:
        """One look for new rows; sends them (calls first, then alerts) when ``publish``."""
        calls_since = self._calls_mark - self.overlap_ms
        alerts_since = self._alerts_mark - self.alert_lookback_ms
        calls, alerts = await self.read(_poll, calls_since, alerts_since)

        new_calls = []
        for row in calls:
            key = (row["tenant"], row["call_id"], row.pop("_version"))
            inserted = row.pop("inserted_ms")
            self._calls_mark = max(self._calls_mark, inserted)
            if key not in self._seen_calls:
                self._seen_calls[key] = inserted
                new_calls.append(row)
        for alert in alerts:
            created = alert.pop("created_ms")
            self._alerts_mark = max(self._alerts_mark, created)
            alert_id, state = alert["alert_id"], _alert_state(alert)
            seen = self._seen_alerts.get(alert_id)
            if seen is None or seen[1] != state:
                # new, or changed since sent (re-sent unsuppressed, its delivery failed): the page
                # replaces its copy by alert_id
                self._seen_alerts[alert_id] = (created, state)
                since = self._held[alert_id][1] if alert_id in self._held else time.monotonic()
                self._held[alert_id] = (alert, since)
        self._forget(calls_since, alerts_since)
        if not publish:
            self._held.clear()
            return

        ready: list[dict[str, Any]] = []
        if new_calls or self._held:
            held = [(a["tenant"], a["call_id"]) for a, _ in self._held.values()]
            fresh = [(c["tenant"], c["call_id"]) for c in new_calls]
            facts, call_alerts = await self.read(_facts, held, fresh)
            for call in new_calls:
                call["alerts"] = call_alerts.get((call["tenant"], call["call_id"]), [])
            now = time.monotonic()
            for alert_id, (alert, since) in list(self._held.items()):
                fact = facts.get((alert["tenant"], alert["call_id"]))
                if fact is None and now - since < self.hold_seconds:
                    continue
                alert["queue"] = (fact or {}).get("queue")
                alert["agent_name"] = (fact or {}).get("agent_name")
                ready.append(alert)
                del self._held[alert_id]
        events = [("call", c) for c in new_calls] + [("alert", a) for a in ready]
        for subscriber in list(self.subscribers):
            if not all(subscriber.offer(kind, row) for kind, row in events):
                log.warning("live page: a page fell %d events behind; closing its stream", MAX_BACKLOG)
                while not subscriber.queue.empty():
                    subscriber.queue.get_nowait()
                subscriber.queue.put_nowait(None)
                self.subscribers.discard(subscriber)

    def _forget(self, calls_since: int, alerts_since: int) -> None:
        """Drop seen keys older than the windows: those rows are never read again."""
        self._seen_calls = {k: t for k, t in self._seen_calls.items() if t > calls_since}
        self._seen_alerts = {k: v for k, v in self._seen_alerts.items() if v[0] > alerts_since}


def _alert_state(alert: dict[str, Any]) -> tuple[Any, ...]:
    """What of an alert can change after it was stored, and the page shows."""
    return bool(alert.get("suppressed")), alert.get("delivery_failed")


# The feed reads once for every open page, so its reads span every tenant: each page gets only
# its own scope's rows, in Subscriber.offer.


def _poll(client: Client, calls_since: int, alerts_since: int) -> tuple[list[dict], list[dict]]:
    return (
        supervisor.calls_inserted_since(client, EVERY_TENANT, calls_since),
        supervisor.alerts_created_since(client, EVERY_TENANT, alerts_since),
    )


def _facts(
    client: Client, alert_calls: list[tuple[str, str]], new_calls: list[tuple[str, str]]
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], list[dict[str, Any]]]]:
    """(tenant, call_id) keyed: two tenants may use the same call id."""
    return (
        supervisor.call_facts(client, EVERY_TENANT, alert_calls),
        supervisor.alerts_by_call(client, EVERY_TENANT, new_calls),
    )


@dataclass
class StreamSlots:
    """Live streams open now: each holds a connection and a queue, so their number is capped."""

    limit: int
    open: int = 0
    warned: bool = False  # the cap was logged; again only after a stream closed


# --- HTTP ----------------------------------------------------------------------------------------------

READER: web.AppKey[Reader] = web.AppKey("reader", Reader)
FEED: web.AppKey[LiveFeed] = web.AppKey("feed", LiveFeed)
SETTINGS: web.AppKey[Settings] = web.AppKey("settings", Settings)
SLOTS: web.AppKey[StreamSlots] = web.AppKey("stream_slots", StreamSlots)
#: The tenants the request's login may see, set by the login (or loopback) middleware.
SCOPE: web.RequestKey[Scope] = web.RequestKey("scope", Scope)


def _scope(request: web.Request) -> Scope:
    """The request's tenant scope. Every query takes one: a request that did not pass the login
    middleware has none and is refused, never served unscoped."""
    scope = request.get(SCOPE)
    if not isinstance(scope, Scope):
        log.error("live page: %s reached a handler without a login scope", request.path)
        raise _error(web.HTTPForbidden, "no tenant scope for this request")
    return scope


def _scoped_filters(request: web.Request) -> tuple[Scope, Filters]:
    """Scope and filters of a list or stream request: a ``tenant=`` outside the login's tenants is
    a 403 that says so (an empty list would hide why)."""
    scope, filters = _scope(request), _filters(request)
    if filters.tenant is not None and not scope.allows(filters.tenant):
        raise _error(web.HTTPForbidden, f"tenant {filters.tenant!r} is not one this login may see")
    return scope, filters


def _filters(request: web.Request) -> Filters:
    def get(name: str) -> str | None:
        value = request.query.get(name, "").strip()
        if len(value) > MAX_FILTER_LEN:
            raise _error(web.HTTPBadRequest, f"{name} is longer than {MAX_FILTER_LEN} characters")
        return value or None

    return Filters(queue=get("queue"), agent=get("agent"), tenant=get("tenant"))


def _limit(request: web.Request, default: int = 100) -> int:
    try:
        limit = int(request.query.get("limit", default))
    except ValueError:
        raise _error(web.HTTPBadRequest, f"limit must be an integer from 1 to {MAX_LIMIT}") from None
    if not 1 <= limit <= MAX_LIMIT:  # clamped, a page would take 500 rows for the 100000 it asked
        raise _error(web.HTTPBadRequest, f"limit must be from 1 to {MAX_LIMIT} (got {limit})")
    return limit


#: The query parameters of each API route. Any other is a 400 naming these: a misspelt or
#: unsupported filter (``before=``, ``offset=``) silently ignored shows other rows than asked for.
FILTER_PARAMS = ("tenant", "queue", "agent")
ROUTE_PARAMS: dict[str, tuple[str, ...]] = {
    "calls": (*FILTER_PARAMS, "limit"),
    "alerts": (*FILTER_PARAMS, "severity", "min_severity", "limit"),
    "stream": FILTER_PARAMS,
    "call": ("tenant",),
    "audio": ("tenant",),
    "filters": (),
}


def _known_params(request: web.Request, route: str) -> None:
    known = ROUTE_PARAMS[route]
    unknown = sorted(set(request.query) - set(known))
    if unknown:
        takes = ", ".join(known) if known else "no query parameters"
        raise _error(
            web.HTTPBadRequest,
            f"unknown query parameter(s) {', '.join(unknown)}: {request.path} takes {takes}",
        )


def _severities(request: web.Request) -> tuple[tuple[str, ...] | None, str | None]:
    """``severity=`` (one or a comma list: exactly those) and ``min_severity=`` (that and above)."""
    exact, least = request.query.get("severity"), request.query.get("min_severity")
    names = tuple(v.strip() for v in exact.split(",") if v.strip()) if exact is not None else None
    for value in (*(names or ()), *((least.strip(),) if least is not None else ())):
        if value not in SEVERITIES:
            raise _error(web.HTTPBadRequest, f"unknown severity {value!r}: one of {', '.join(SEVERITIES)}")
    if names is not None and not names:
        raise _error(web.HTTPBadRequest, f"severity is empty: one or more of {', '.join(SEVERITIES)}")
    return names, least.strip() if least is not None else None


def _error(kind: type[web.HTTPException], message: str, **kwargs: Any) -> web.HTTPException:
    """An HTTP error whose body is ``{"error": message}``, as the page's fetch code expects."""
    return kind(text=json.dumps({"error": message}), content_type="application/json", **kwargs)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


async def _read(request: web.Request, fn: Callable[..., Any], *args: Any) -> Any:
    """Run a query; ClickHouse being unreachable is a 503 with the reason, not a stack trace."""
    try:
        return await request.app[READER](fn, *args)
    except ClickHouseUnavailable as exc:
        raise _error(web.HTTPServiceUnavailable, str(exc)) from None
    except supervisor.AmbiguousCall as exc:
        body = {"error": str(exc), "tenants": exc.tenants}
        raise web.HTTPConflict(
            text=json.dumps(body, ensure_ascii=False), content_type="application/json"
        ) from None
    except Exception as exc:
        log.exception("live page: query failed")
        # the driver's message quotes the whole SQL (schema, bound values): it stays in the log
        message = f"ClickHouse query failed ({type(exc).__name__}); the worker's log has the details"
        raise _error(web.HTTPServiceUnavailable, message) from None


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


async def health(request: web.Request) -> web.Response:
    return _json({"status": "ok"})


async def list_calls(request: web.Request) -> web.Response:
    _known_params(request, "calls")
    rows = await _read(request, supervisor.recent_calls, *_scoped_filters(request), _limit(request))
    return _json({"calls": rows})


async def list_alerts(request: web.Request) -> web.Response:
    _known_params(request, "alerts")
    scope, filters = _scoped_filters(request)
    names, least = _severities(request)
    rows = await _read(request, supervisor.recent_alerts, scope, filters, _limit(request), names, least)
    return _json({"alerts": rows})


async def filter_choices(request: web.Request) -> web.Response:
    _known_params(request, "filters")
    return _json(await _read(request, supervisor.choices, _scope(request)))


def audio_source(call_id: str, tenant: str, uri: str, settings: Settings) -> dict[str, Any]:
    """Where the page's player gets the recording: our ``/api/audio`` for a local file inside the
    recording roots, the recording's own URL for an allow-listed http(s) host, else why not."""
    parts = urlsplit(uri)
    if parts.scheme.lower() in ("http", "https"):
        if parts.hostname and host_allowed(parts.hostname, for_tenant(settings.recording_http_hosts, tenant)):
            return {"url": uri, "reason": None}
        return {"url": None, "reason": "its host is not in CALLSTREAM_RECORDING_HTTP_HOSTS"}
    try:
        path = resolve_recording(uri, settings.recording_roots, tenant)
    except RecordingNotAllowed:
        return {"url": None, "reason": "it is outside CALLSTREAM_RECORDING_ROOTS or not a local file"}
    except RecordingNotFound:
        return {"url": None, "reason": "the file is no longer there"}
    except AudioError as exc:
        return {"url": None, "reason": type(exc).__name__}
    if _audio_type(path) is None:
        return {"url": None, "reason": "it is not an audio file the page can play"}
    return {"url": f"/api/audio/{quote(call_id, safe='')}?tenant={quote(tenant, safe='')}", "reason": None}


async def call_detail(request: web.Request) -> web.Response:
    _known_params(request, "call")
    call_id = request.match_info["call_id"]
    # ?tenant= outside the scope: 403, as on the lists; a call of another tenant asked for without
    # one reads as missing (its existence is not revealed)
    scope, filters = _scoped_filters(request)
    detail = await _read(request, supervisor.call_detail, scope, call_id, filters.tenant)
    if detail is None:
        return _json({"error": f"no call {call_id!r} in ClickHouse"}, status=404)
    call = detail["call"]
    detail["audio"] = await asyncio.to_thread(
        audio_source, call["call_id"], call["tenant"], call["recording_uri"], request.app[SETTINGS]
    )
    return _json(detail)


async def audio(request: web.Request) -> web.StreamResponse:
    """The recording of a call, when it is a local file inside the recording roots (the same path
    check the transcribe stage applies). Range requests work, so the player can seek."""
    _known_params(request, "audio")
    call_id = request.match_info["call_id"]
    scope, filters = _scoped_filters(request)
    found = await _read(request, supervisor.recording_uri, scope, call_id, filters.tenant)
    if found is None:
        raise _error(web.HTTPNotFound, "no such call")
    uri, tenant = found
    if urlsplit(uri).scheme.lower() in ("http", "https"):
        raise _error(web.HTTPNotFound, "remote recording: the page plays it from its own URL")
    try:
        path = await asyncio.to_thread(resolve_recording, uri, request.app[SETTINGS].recording_roots, tenant)
    except AudioError:
        raise _error(web.HTTPNotFound, "recording not reachable") from None
    content_type = _audio_type(path)
    if content_type is None:
        # served from the page's origin, an .html or .svg under a recording root (named by any
        # producer's recording_uri) would run as the page itself
        raise _error(web.HTTPNotFound, "not an audio file")
    return web.FileResponse(
        path,
        headers={
            "Content-Type": content_type,
            "Cache-Control": "private, max-age=300",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        },
    )


#: What the player may be given, by file suffix (a container the browser can play, or try to).
AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".oga": "audio/ogg",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".webm": "audio/webm",
    ".gsm": "audio/x-gsm",
}


def _audio_type(path: Path) -> str | None:
    return AUDIO_TYPES.get(path.suffix.lower())


class StreamStalled(Exception):
    """The page did not read an event within the write timeout."""


async def _send(response: web.StreamResponse, data: bytes, timeout: float) -> None:
    # write() waits while the socket's buffers are full: a page that stopped reading (a suspended
    # laptop, a hostile client) would hold this handler, its queue and its connection forever.
    try:
        async with asyncio.timeout(timeout):
            await response.write(data)
    except TimeoutError:
        raise StreamStalled from None


async def stream(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: ``call`` and ``alert`` events (JSON rows) passing the page's filters."""
    slots = request.app[SLOTS]
    if slots.open >= slots.limit:
        if not slots.warned:
            log.warning("live page: %d streams open (CALLSTREAM_WEB_MAX_STREAMS); refusing more", slots.limit)
            slots.warned = True
        raise _error(
            web.HTTPServiceUnavailable,
            f"too many live streams open on this worker ({slots.limit}, CALLSTREAM_WEB_MAX_STREAMS); "
            f"try again in {STREAM_RETRY_AFTER} seconds",
            headers={"Retry-After": str(STREAM_RETRY_AFTER)},
        )
    slots.open += 1  # no await since the check: no other handler can take the slot in between
    try:
        return await _stream(request)
    finally:
        slots.open -= 1
        slots.warned = False  # below the cap again: a new burst is worth a new line


async def _stream(request: web.Request) -> web.StreamResponse:
    _known_params(request, "stream")
    feed = request.app[FEED]
    timeout = request.app[SETTINGS].web_stream_write_timeout
    try:
        subscriber = await feed.subscribe(*_scoped_filters(request))
    except ClickHouseUnavailable as exc:
        raise _error(web.HTTPServiceUnavailable, str(exc)) from None
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",  # nginx: do not buffer the stream
        }
    )
    try:
        await response.prepare(request)
        await _send(response, b"retry: 2000\nevent: ready\ndata: {}\n\n", timeout)
        while True:
            try:
                item = await asyncio.wait_for(subscriber.queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                await _send(response, b": ping\n\n", timeout)  # keeps proxies open; finds closed pages
                continue
            if item is None:
                break
            kind, row = item
            data = json.dumps(row, ensure_ascii=False)
            await _send(response, f"event: {kind}\ndata: {data}\n\n".encode(), timeout)
    except (ConnectionResetError, ConnectionError):
        pass  # the page went away
    except StreamStalled:
        log.info(
            "live page: dropped the stream of %s: it read nothing for %gs "
            "(CALLSTREAM_WEB_STREAM_WRITE_TIMEOUT)",
            request.remote,
            timeout,
        )
        # Abort, not close: closing (and aiohttp ending the response) would wait on the same full buffer.
        if request.transport is not None:
            request.transport.abort()
    finally:
        feed.unsubscribe(subscriber)
    return response


@web.middleware
async def _json_errors(
    request: web.Request, handler: Callable[..., Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Errors under ``/api/`` that aiohttp or a middleware raised as plain text (unknown route, wrong
    method, login, host check) get the ``{"error": ...}`` body every API error has."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or not request.path.startswith("/api/") or exc.content_type == "application/json":
            raise
        text = (exc.text or "").strip()
        message = exc.reason if text in ("", f"{exc.status}: {exc.reason}") else text
        if exc.status == 404:
            message = f"no such API endpoint: {request.path}"
        headers = {
            k: v for k, v in exc.headers.items() if k.lower() not in ("content-type", "content-length")
        }
        return web.Response(
            status=exc.status,
            text=json.dumps({"error": message}, ensure_ascii=False),
            content_type="application/json",
            headers=headers,
        )


#: Failed logins from one address within the window, after which it gets 429 until the window ends:
#: Basic auth had no limit (a security review tried 300 passwords in 3.6 s, unlogged).
LOGIN_FAILURES_ALLOWED = 10
LOGIN_WINDOW_S = 60.0
_LOGIN_ADDRESSES_KEPT = 10_000


class LoginThrottle:
    """Failed login times per client address (bounded: the oldest addresses are forgotten)."""

    def __init__(self, allowed: int = LOGIN_FAILURES_ALLOWED, window: float = LOGIN_WINDOW_S) -> None:
        self.allowed, self.window = allowed, window
        self._failures: OrderedDict[str, list[float]] = OrderedDict()

    def _recent(self, address: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(address, ()) if now - t < self.window]
        if times:
            self._failures[address] = times
        else:
            self._failures.pop(address, None)
        return times

    def retry_after(self, address: str, now: float | None = None) -> float | None:
        """Seconds ``address`` must wait before it may try again, or None."""
        now = time.monotonic() if now is None else now
        times = self._recent(address, now)
        return self.window - (now - times[0]) if len(times) >= self.allowed else None

    def failed(self, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._failures[address] = [*self._recent(address, now), now]
        self._failures.move_to_end(address)
        while len(self._failures) > _LOGIN_ADDRESSES_KEPT:
            self._failures.popitem(last=False)


def _basic_auth(users: dict[str, WebUser]) -> Callable[..., Awaitable[web.StreamResponse]]:
    throttle = LoginThrottle()

    @web.middleware
    async def middleware(request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        if request.path != "/healthz":
            address = request.remote or "?"
            wait = throttle.retry_after(address)
            if wait is not None:
                raise _error(
                    web.HTTPTooManyRequests,
                    "too many failed logins from this address",
                    headers={"Retry-After": str(max(1, int(wait + 0.999)))},
                )
            header = request.headers.get("Authorization", "")
            scope = _authorized(header, users)
            if scope is None:
                if header:  # a login tried, not a browser's first request before its prompt
                    throttle.failed(address)
                    log.warning("live page: failed login from %s (user %r)", address, _login_user(header))
                raise web.HTTPUnauthorized(
                    headers={"WWW-Authenticate": 'Basic realm="callstream", charset="UTF-8"'}
                )
            request[SCOPE] = scope
        return await handler(request)

    return middleware


def _login_user(header: str) -> str:
    """The user name a Basic ``header`` tried (never its password), or ``?``."""
    try:
        return (
            base64.b64decode(header.partition(" ")[2], validate=True).decode("utf-8").partition(":")[0][:64]
        )
    except (binascii.Error, UnicodeDecodeError):
        return "?"


def _authorized(header: str, users: dict[str, WebUser]) -> Scope | None:
    """The tenant scope of the login in a Basic ``header``; ``None``: no valid login."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    expected = users.get(user)
    # compare_digest on both branches: a wrong user takes as long as a wrong password
    matches = hmac.compare_digest(password.encode(), (expected.password if expected else "\0").encode())
    return Scope(expected.tenants) if matches and expected is not None else None


def parse_users(settings: Settings) -> dict[str, WebUser]:
    if settings.web_users is None:
        return {}
    return parse_web_users(settings.web_users.get_secret_value())


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path == "/" or request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-cache")


def create_app(settings: Settings, read: Reader) -> web.Application:
    """The page's aiohttp application (routes, auth, security headers, live feed)."""
    users = parse_users(settings)
    # Without a login the page serves loopback only, and only to a loopback Host: otherwise any web
    # page the supervisor opens could read the calls through DNS rebinding (its host resolving to
    # 127.0.0.1 makes it same-origin with the page).
    guard = _basic_auth(users) if users else _loopback_host(settings)
    app = web.Application(middlewares=[_json_errors, guard])
    app[SETTINGS] = settings
    app[READER] = read
    app[FEED] = feed = LiveFeed(read, settings.web_poll_seconds)
    app[SLOTS] = StreamSlots(settings.web_max_streams)
    app.router.add_get("/", index)
    app.router.add_get("/healthz", health)
    app.router.add_get("/api/calls", list_calls)
    app.router.add_get("/api/calls/{call_id:.+}", call_detail)
    app.router.add_get("/api/alerts", list_alerts)
    app.router.add_get("/api/filters", filter_choices)
    app.router.add_get("/api/audio/{call_id:.+}", audio)
    app.router.add_get("/api/stream", stream)
    app.router.add_static("/static/", STATIC_DIR)
    app.on_response_prepare.append(_security_headers)

    async def close_streams(_: web.Application) -> None:
        await feed.close()

    app.on_shutdown.append(close_streams)
    return app


def _loopback_host(settings: Settings) -> Callable[..., Awaitable[web.StreamResponse]]:
    allowed = {"localhost", "127.0.0.1", "::1", settings.web_host.strip("[]").lower()}

    @web.middleware
    async def check(
        request: web.Request, handler: Callable[..., Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        host = (request.host or "").lower()
        name = host[1 : host.index("]")] if host.startswith("[") and "]" in host else host.rsplit(":", 1)[0]
        if name not in allowed:
            raise web.HTTPMisdirectedRequest(text="this page answers only to a loopback host name\n")
        request[SCOPE] = EVERY_TENANT  # no login: every tenant, as the settings' checks allow
        return await handler(request)

    return check


class WebServer:
    """Starts and stops the page on the running event loop. A port already in use is logged and the
    worker goes on: the pipeline matters more than the page."""

    def __init__(self, settings: Settings, read: Reader) -> None:
        self.settings = settings
        self.app = create_app(settings, read)
        self._runner: web.AppRunner | None = None
        self.url: str | None = None

    async def start(self) -> str | None:
        settings = self.settings
        if settings.web_users is None and not is_loopback(settings.web_host):
            # only with CALLSTREAM_WEB_ALLOW_ANONYMOUS (settings refuse it otherwise)
            log.warning(
                "live page on %s without CALLSTREAM_WEB_USERS (CALLSTREAM_WEB_ALLOW_ANONYMOUS): anyone "
                "who reaches it reads every tenant's transcripts; keep it behind an auth proxy",
                settings.web_host,
            )
        # handler_cancellation: a page that goes away cancels its handler (aiohttp's default leaves
        # it running), so a closed live page frees its CALLSTREAM_WEB_MAX_STREAMS slot at once, not
        # at the next heartbeat write, and an abandoned query's wait ends
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=2.0, handler_cancellation=True)
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.web_host, settings.web_port).start()
        except OSError as exc:
            log.error("live page not started on %s:%d: %s", settings.web_host, settings.web_port, exc)
            await runner.cleanup()
            return None
        self._runner = runner
        self.url = f"http://{settings.web_host}:{settings.web_port}/"
        log.info("live supervisor page on %s", self.url)
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def attach(rt: Runtime) -> WebServer:
    """Serve the page for as long as the worker's Faust app runs (started with it, stopped with it)."""
    server = WebServer(rt.settings, runtime_reader(rt))

    class LivePage(mode.Service):
        async def on_start(self) -> None:
            await server.start()

        async def on_stop(self) -> None:
            await server.stop()

    rt.app.service(LivePage)
    return server


def page_url(settings: Settings) -> str:
    """The page's address for the worker's start line; what stops it instead, when its port is taken
    (checked by binding it: the page itself starts later, on Faust's event loop, and would only log)."""
    try:
        family = socket.AF_INET6 if ":" in settings.web_host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds it
            probe.bind((settings.web_host, settings.web_port))
    except OSError as exc:
        return f"off (not started on {settings.web_host}:{settings.web_port}: {exc.strerror or exc})"
    return f"http://{settings.web_host}:{settings.web_port}/"
