"""HTTP ingest: ``POST /v1/calls`` takes one CallCompleted JSON object or a batch (a JSON array).

Answers, each counted in ``callstream_ingest_requests_total{status}``:

- 202 ``{"accepted": [call ids]}`` once the broker acknowledged every call (acks=all);
- 400 ``{"errors": [{"index": i, "problems": [...]}]}`` with field paths; a batch is all or nothing;
- 401 no/unknown token or bad signature, 403 a call for another tenant;
- 413 body over ``CALLSTREAM_INGEST_MAX_BODY_BYTES`` or batch over ``CALLSTREAM_INGEST_MAX_BATCH``;
- 503 + ``Retry-After`` when the producer cannot keep up (backpressure).

Publishing is idempotent by call id: the record key is the call id, and every stage and the
ClickHouse sink are idempotent by it, so a client retrying after a timeout never duplicates a call.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from typing import Any

from aiohttp import web
from prometheus_client import Counter

from connectors.auth import AuthError, TenantAuth
from connectors.events import call_from_json
from connectors.openapi import OPENAPI
from connectors.publisher import Backpressure, CallPublisher, PublishError
from schemas.validation import InvalidCall

log = logging.getLogger(__name__)

REQUESTS = Counter("callstream_ingest_requests_total", "Ingest API requests by answer.", ["status"])
CALLS = Counter("callstream_ingest_calls_total", "Calls accepted by the ingest API.", ["tenant"])

PUBLISHER = web.AppKey("publisher", CallPublisher)
AUTH = web.AppKey("auth", TenantAuth)
MAX_BATCH = web.AppKey("max_batch", int)


def _error(status: int, message: str, **extra: Any) -> web.Response:
    REQUESTS.labels(str(status)).inc()
    headers = {"Retry-After": "1"} if status == 503 else None
    return web.json_response({"error": message, **extra}, status=status, headers=headers)


async def post_calls(request: web.Request) -> web.Response:
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _error(413, f"body larger than {request.app[PUBLISHER].settings.ingest_max_body_bytes} bytes")
    try:
        tenant = request.app[AUTH].tenant_for(
            request.headers.get("Authorization"), request.headers.get("X-Callstream-Signature"), body
        )
    except AuthError as exc:
        return _error(exc.status, str(exc))
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return _error(400, f"body is not JSON: {exc}")
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        return _error(400, "empty batch")
    if len(items) > request.app[MAX_BATCH]:
        return _error(413, f"batch of {len(items)} calls; at most {request.app[MAX_BATCH]} per request")
    calls, errors = [], []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            item.setdefault("tenant", tenant)
            if item["tenant"] != tenant:
                return _error(
                    403, f"call {index} is for tenant {item['tenant']!r}; this token is for {tenant!r}"
                )
        try:
            calls.append(call_from_json(item))
        except InvalidCall as exc:
            errors.append({"index": index, "problems": exc.problems})
    if errors:
        return _error(400, "invalid call(s); nothing was published", errors=errors)
    try:
        await request.app[PUBLISHER].publish_acked(calls)
    except Backpressure:
        return _error(503, "busy: retry later")
    except PublishError as exc:
        log.error("ingest: publish failed: %s", exc)
        return _error(503, "the broker did not acknowledge the call(s); retry later")
    REQUESTS.labels("202").inc()
    CALLS.labels(tenant).inc(len(calls))
    return web.json_response({"accepted": [c["call_id"] for c in calls]}, status=202)


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(publisher: CallPublisher, auth: TenantAuth) -> web.Application:
    """The ingest application; the publisher's delivery reports are served by a thread it owns."""
    settings = publisher.settings
    app = web.Application(client_max_size=settings.ingest_max_body_bytes)
    app[PUBLISHER] = publisher
    app[AUTH] = auth
    app[MAX_BATCH] = settings.ingest_max_batch
    app.router.add_post("/v1/calls", post_calls)
    app.router.add_get("/openapi.json", openapi)
    app.router.add_get("/healthz", health)
    app.cleanup_ctx.append(_delivery_reports)
    return app


async def _delivery_reports(app: web.Application) -> Any:
    stop = threading.Event()
    publisher = app[PUBLISHER]

    def serve() -> None:
        while not stop.is_set():
            publisher.poll(0.05)

    thread = threading.Thread(target=serve, name="callstream-ingest-delivery", daemon=True)
    thread.start()
    yield
    await asyncio.get_running_loop().run_in_executor(None, publisher.flush, 30.0)
    stop.set()
    thread.join(timeout=5)
