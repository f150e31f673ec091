"""HTTP ingest: ``POST /v1/calls`` takes one CallCompleted JSON object or a batch (a JSON array);
``POST /v1/webhooks/{source}`` takes a vendor payload mapped by ``connectors/mappings/<source>.yaml``.

Answers, each counted in ``callstream_ingest_requests_total{status}``:

- 202 ``{"accepted": [call ids]}`` once the broker acknowledged every call (acks=all);
- 400 ``{"errors": [{"index": i, "problems": [...]}]}`` with field paths; a batch is all or nothing;
- 401 no/unknown token or bad signature, 403 a call for another tenant;
- 408 body not received within ``CALLSTREAM_INGEST_READ_TIMEOUT_S`` (a stalled or trickling client);
- 413 body over ``CALLSTREAM_INGEST_MAX_BODY_BYTES``, batch over ``CALLSTREAM_INGEST_MAX_BATCH``, or a
  call whose record is over the producer's ``message.max.bytes`` (``errors`` names it; calls before
  it in the batch may have been published: resending them is safe);
- 503 + ``Retry-After`` when the producer cannot keep up (backpressure).

Publishing is idempotent by call id: the record key is the call id, and every stage and the
ClickHouse sink are idempotent by it, so a client retrying after a timeout never duplicates a call.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import threading
from typing import Any
from urllib.parse import parse_qs

import httpx
from aiohttp import web
from prometheus_client import Counter

from connectors.auth import AuthError, TenantAuth, twilio_signature
from connectors.crm import CrmEnricher
from connectors.events import call_from_json
from connectors.mapping import MappingError, load_mapping
from connectors.openapi import OPENAPI
from connectors.publisher import Backpressure, CallPublisher, PublishError, RecordTooLarge
from schemas.validation import InvalidCall

log = logging.getLogger(__name__)

REQUESTS = Counter("callstream_ingest_requests_total", "Ingest API requests by answer.", ["status"])
CALLS = Counter("callstream_ingest_calls_total", "Calls accepted by the ingest API.", ["tenant"])

PUBLISHER = web.AppKey("publisher", CallPublisher)
AUTH = web.AppKey("auth", TenantAuth)
MAX_BATCH = web.AppKey("max_batch", int)
ENRICHER = web.AppKey("enricher", object)
HTTP = web.AppKey("http", httpx.AsyncClient)


def _error(status: int, message: str, **extra: Any) -> web.Response:
    REQUESTS.labels(str(status)).inc()
    headers = {"Retry-After": "1"} if status == 503 else None
    return web.json_response({"error": message, **extra}, status=status, headers=headers)


async def _read(request: web.Request) -> bytes | web.Response:
    """The body, read within ``CALLSTREAM_INGEST_READ_TIMEOUT_S``: a client that stalls mid-body
    (or trickles it, a byte at a time) would hold its connection and memory for ever."""
    settings = request.app[PUBLISHER].settings
    try:
        async with asyncio.timeout(settings.ingest_read_timeout_s):
            return await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _error(413, f"body larger than {settings.ingest_max_body_bytes} bytes")
    except TimeoutError:
        return _error(408, f"body not received within {settings.ingest_read_timeout_s:g} s")


async def post_calls(request: web.Request) -> web.Response:
    body = await _read(request)
    if isinstance(body, web.Response):
        return body
    try:
        tenant = request.app[AUTH].tenant_for(
            request.headers.get("Authorization"), request.headers.get("X-Callstream-Signature"), body
        )
    except AuthError as exc:
        return _error(exc.status, str(exc))
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:  # nesting too deep: bad input
        return _error(400, f"body is not JSON: {exc}")
    return await _accept(request, tenant, payload if isinstance(payload, list) else [payload])


async def post_webhook(request: web.Request) -> web.Response:
    """A vendor payload, turned into a CallCompleted by ``connectors/mappings/<source>.yaml``."""
    try:
        mapping = load_mapping(request.match_info["source"])
    except KeyError:
        return _error(404, f"no mapping for source {request.match_info['source']!r}")
    body = await _read(request)
    if isinstance(body, web.Response):
        return body
    auth = request.app[AUTH]
    try:
        if mapping.format == "form":
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            payload: Any = {name: values[-1] for name, values in form.items()}
        else:
            payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:  # nesting too deep: bad input
        return _error(400, f"body is not {mapping.format}: {exc}")
    if mapping.signature == "twilio":
        tenant = request.query.get("tenant", "")
        secret = auth.hmac_secrets.get(tenant)
        given = request.headers.get("X-Twilio-Signature", "")
        url = _public_url(request)
        if secret is None or not hmac.compare_digest(
            given.encode(), twilio_signature(secret, url, form).encode()
        ):
            return _error(401, "bad or missing X-Twilio-Signature (or unknown ?tenant=)")
    else:
        try:
            tenant = auth.tenant_for(
                request.headers.get("Authorization"), request.headers.get("X-Callstream-Signature"), body
            )
        except AuthError as exc:
            return _error(exc.status, str(exc))
    if not isinstance(payload, dict):
        return _error(400, "expected a JSON object")
    try:
        call = mapping.apply(payload)
    except MappingError as exc:
        # some senders (FreeSWITCH mod_json_cdr) drop the answer's body: the reason lives here
        log.warning("ingest: %s payload refused by its mapping: %s", mapping.source, exc)
        return _error(400, str(exc))
    if call is None:
        REQUESTS.labels("200").inc()
        return web.json_response({"ignored": True, "reason": "the mapping's `when` filter did not match"})
    return await _accept(request, tenant, [call])


def _public_url(request: web.Request) -> str:
    """The URL the vendor called (it signs that one): CALLSTREAM_INGEST_PUBLIC_URL behind a proxy."""
    base = request.app[PUBLISHER].settings.ingest_public_url
    return (base.rstrip("/") + request.path_qs) if base else str(request.url)


async def _accept(request: web.Request, tenant: str, items: list[Any]) -> web.Response:
    """Validate ``items`` for ``tenant`` and publish them: 202 only after the broker acknowledged."""
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
    enricher = request.app.get(ENRICHER)
    if enricher is not None:  # CRM fields by the customer's number; a failed lookup never holds a call
        calls = list(await asyncio.gather(*(enricher.enrich(c, request.app[HTTP]) for c in calls)))  # type: ignore[attr-defined]
    try:
        await request.app[PUBLISHER].publish_acked(calls)
    except Backpressure:
        return _error(503, "busy: retry later")
    except RecordTooLarge as exc:  # resending it never helps: the caller's to fix, not a 503 (or a 500)
        index = exc.index or 0
        sent = f"; calls 0-{index - 1} of the batch were sent (resending them is safe)" if index else ""
        return _error(413, f"call {index}: {exc}{sent}", errors=[{"index": index, "problems": [str(exc)]}])
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


def create_app(
    publisher: CallPublisher, auth: TenantAuth, enricher: CrmEnricher | None = None
) -> web.Application:
    """The ingest application; the publisher's delivery reports are served by a thread it owns."""
    settings = publisher.settings
    app = web.Application(client_max_size=settings.ingest_max_body_bytes)
    app[PUBLISHER] = publisher
    app[AUTH] = auth
    app[MAX_BATCH] = settings.ingest_max_batch
    if enricher is not None:
        app[ENRICHER] = enricher
    app.router.add_post("/v1/calls", post_calls)
    app.router.add_post("/v1/webhooks/{source}", post_webhook)
    app.router.add_get("/openapi.json", openapi)
    app.router.add_get("/healthz", health)
    app.cleanup_ctx.append(_delivery_reports)
    return app


async def _delivery_reports(app: web.Application) -> Any:
    app[HTTP] = httpx.AsyncClient()
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
    await app[HTTP].aclose()
