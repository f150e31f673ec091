"""HTTP ingest: ``POST /v1/calls`` takes one CallCompleted JSON object or a batch (a JSON array);
``POST /v1/webhooks/{source}`` takes a vendor payload mapped by ``connectors/mappings/<source>.yaml``.

Answers, each counted in ``callstream_ingest_requests_total{status}``:

- 202 ``{"accepted": [call ids]}`` once the broker acknowledged every call (acks=all), with
  ``"warnings": [{"index": i, "call_id": ..., "warnings": [...]}]`` for calls accepted with doubtful
  input (an unknown field, dropped; a null tenant, source or direction, defaulted: the tenant to the
  token's; a time without a time zone, taken as UTC; a language that is no ISO-639-1 code; a call id
  already earlier in the batch, the later call replacing it), each call's also logged (one WARNING
  line) and counted in ``callstream_ingest_warnings_total{kind}``;
- 400 ``{"errors": [{"index": i, "call_id": ..., "problems": [...]}]}`` with field paths (``call_id``
  when the call names one); a batch is all or nothing;
- 401 no/unknown token or bad signature (before anything else is looked at: a webhook's source
  too), 403 a call for another tenant. The token (Twilio: the ``?tenant=`` and its signature
  header) is checked from the headers before the body is read, so an unauthenticated client never
  has its body received and held; only the signature, which covers the body, waits for it;
- 408 body not received within ``CALLSTREAM_INGEST_READ_TIMEOUT_S`` (a stalled or trickling client);
- 413 body over ``CALLSTREAM_INGEST_MAX_BODY_BYTES``, batch over ``CALLSTREAM_INGEST_MAX_BATCH``, or a
  call over ``CALLSTREAM_EVENT_MAX_BYTES`` or the producer's ``message.max.bytes`` (``errors`` names
  it; calls before it in the batch may have been published: resending them is safe);
- 415 a declared Content-Type that is not JSON on ``/v1/calls`` (``text/plain``, a form); JSON is
  ``application/json`` or ``application/*+json``, and a body without a Content-Type or with
  ``application/octet-stream`` is read as JSON. Webhooks take what their mapping's format says;
- 503 + ``Retry-After`` when the producer cannot keep up (backpressure, ``Retry-After: 1``) or the
  broker did not acknowledge (``Retry-After: 10``): within seconds when librdkafka already reports
  the broker unreachable, ``message.timeout.ms`` (30 s) otherwise; ``error`` says why.

What an authenticated request sent and was refused (400; 403, a call for another tenant; 413 for a
batch or a call too large; 415) goes to ``calls.dlq`` with stage ``ingest``, its reason, call id and the
token's tenant, and is logged: bad input never disappears, even when the sender drops the answer.
Unauthenticated requests are only answered, and so is a body refused before it could be
authenticated (413 over the body limit, 408 stalled: a signature covers the whole body); those two
are logged (a WARNING with the client's address).

Publishing is idempotent by call id: the record key is the call id, and every stage and the
ClickHouse sink are idempotent by it, so a client retrying after a timeout never duplicates a call.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import httpx
from aiohttp import web
from confluent_kafka import KafkaError
from prometheus_client import Counter

from connectors.auth import AuthError, TenantAuth, twilio_signature
from connectors.crm import CrmEnricher
from connectors.events import CallWarning, parse_call, unanchored_recording
from connectors.mapping import MappingError, WebhookMapping, load_webhook_mapping
from connectors.openapi import OPENAPI
from connectors.publisher import (
    UNREACHABLE_WAIT_S,
    Backpressure,
    BrokerUnreachable,
    CallPublisher,
    PublishError,
    RecordTooLarge,
)
from schemas.validation import InvalidCall
from streams.table import escape_controls

log = logging.getLogger(__name__)

REQUESTS = Counter("callstream_ingest_requests_total", "Ingest API requests by answer.", ["status"])
CALLS = Counter("callstream_ingest_calls_total", "Calls accepted by the ingest API.", ["tenant"])
#: by kind (unknown_field, null_default, naive_time: connectors.events.CallWarning), never by the
#: field named: that is the sender's text, and would make a label value per typo
WARNINGS = Counter(
    "callstream_ingest_warnings_total", "Doubtful input in calls the ingest API accepted.", ["kind"]
)

PUBLISHER = web.AppKey("publisher", CallPublisher)
AUTH = web.AppKey("auth", TenantAuth)
MAX_BATCH = web.AppKey("max_batch", int)
ENRICHER = web.AppKey("enricher", object)
HTTP = web.AppKey("http", httpx.AsyncClient)


#: Retry-After of a 503: the producer's queue drains in about a second; a broker that is unreachable
#: or did not acknowledge (restarting, a network fault) takes longer, and librdkafka's reconnect
#: backoff grows to 10 s.
RETRY_BUSY_S = 1
RETRY_BROKER_S = 10
#: How long a stopping ingest waits for its queued records (dead letters) to be acknowledged.
SHUTDOWN_FLUSH_S = 30.0
#: Content types ``/v1/calls`` takes as JSON; a missing Content-Type and ``application/octet-stream``
#: (what HTTP libraries send for raw bytes: "no type declared") are read as JSON too.
_JSON_TYPES = ("application/json", "application/octet-stream")


def _error(status: int, message: str, retry_after: int = RETRY_BUSY_S, **extra: Any) -> web.Response:
    REQUESTS.labels(str(status)).inc()
    headers = {"Retry-After": str(retry_after)} if status == 503 else None
    return web.json_response({"error": message, **extra}, status=status, headers=headers)


def _not_json(request: web.Request) -> str | None:
    """Why ``request``'s declared Content-Type is not JSON (a 415), or None: ``text/plain`` or
    ``curl -d``'s form encoding would otherwise be read as JSON as if that were what was meant."""
    if "Content-Type" not in request.headers:
        return None
    kind = request.content_type.lower()
    if kind in _JSON_TYPES or (kind.startswith("application/") and kind.endswith("+json")):
        return None
    shown = escape_controls(request.headers["Content-Type"][:100])
    return (
        f"Content-Type {shown!r} is not JSON: send the call(s) as application/json "
        "(curl: -H 'Content-Type: application/json' --data-binary @call.json)"
    )


async def _read(request: web.Request) -> bytes | web.Response:
    """The body, read within ``CALLSTREAM_INGEST_READ_TIMEOUT_S``: a client that stalls mid-body
    (or trickles it, a byte at a time) would hold its connection and memory for ever."""
    settings = request.app[PUBLISHER].settings
    try:
        async with asyncio.timeout(settings.ingest_read_timeout_s):
            return await request.read()
    except web.HTTPRequestEntityTooLarge:
        # only answered (the body was not read, so there is nothing to dead-letter), but logged: an
        # operator must see a sender whose calls bounce
        message = (
            f"body larger than {settings.ingest_max_body_bytes} bytes (CALLSTREAM_INGEST_MAX_BODY_BYTES): "
            "split the batch into smaller requests, or raise the limit for a single call this large"
        )
        log.warning("ingest: 413 to %s: %s", request.remote, message)
        return _error(413, message)
    except TimeoutError:
        log.warning("ingest: 408 to %s: body not received in time", request.remote)
        return _error(408, f"body not received within {settings.ingest_read_timeout_s:g} s")


async def _authenticated_body(request: web.Request) -> tuple[str, bytes] | web.Response:
    """(the tenant, the body): the bearer token is checked from the headers before the body is read
    (an unauthenticated client gets its 401 without a byte of its body held), the body's HMAC
    signature, when the tenant has a secret, once it is read."""
    auth = request.app[AUTH]
    signature = request.headers.get("X-Callstream-Signature")
    try:
        tenant = auth.tenant_of_headers(request.headers.get("Authorization"), signature)
    except AuthError as exc:
        return _error(exc.status, str(exc))
    body = await _read(request)
    if isinstance(body, web.Response):
        return body
    try:
        auth.check_body(tenant, signature, body)
    except AuthError as exc:
        return _error(exc.status, str(exc))
    return tenant, body


async def post_calls(request: web.Request) -> web.Response:
    checked = await _authenticated_body(request)
    if isinstance(checked, web.Response):
        return checked
    tenant, body = checked
    if (not_json := _not_json(request)) is not None:
        return _refuse(request, tenant, "calls", 415, not_json, [Letter(0, body)])
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:  # nesting too deep: bad input
        return _refuse(request, tenant, "calls", 400, f"body is not JSON: {exc}", [Letter(0, body)])
    if isinstance(payload, list):  # a batch's bad call is dead-lettered alone, as JSON
        return await _accept(request, tenant, "calls", body, payload, _item_bytes(payload))
    return await _accept(request, tenant, "calls", body, [payload], lambda i: body)


async def post_webhook(request: web.Request) -> web.Response:
    """A vendor payload, turned into a CallCompleted by ``connectors/mappings/<source>.yaml``.

    The sender is authenticated before anything else is said: a 404 or a parse error to anyone
    would list the mapping names, or tell them which bodies get further."""
    source = request.match_info["source"]
    try:
        mapping: WebhookMapping | None = load_webhook_mapping(source)
    except KeyError:
        mapping = None
    if mapping is not None and mapping.signature == "twilio":
        # Twilio signs the URL and the form body: the tenant and the header are checked first,
        # the signature once the body is read.
        tenant = request.query.get("tenant", "")
        secret = request.app[AUTH].hmac_secrets.get(tenant)
        given = request.headers.get("X-Twilio-Signature", "")
        refused = "bad or missing X-Twilio-Signature (or unknown ?tenant=)"
        if secret is None or not given:
            return _error(401, refused)
        body = await _read(request)
        if isinstance(body, web.Response):
            return body
        try:
            signed: dict[str, list[str]] | None = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            signed = None  # not what Twilio signs: it cannot be verified
        if signed is None or not hmac.compare_digest(
            given.encode(), twilio_signature(secret, _public_url(request), signed).encode()
        ):
            return _error(401, refused)
    else:
        checked = await _authenticated_body(request)
        if isinstance(checked, web.Response):
            return checked
        tenant, body = checked
    if mapping is None:
        return _error(404, f"no mapping for source {source!r}")
    try:
        if mapping.format == "form":
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            payload: Any = {name: values[-1] for name, values in form.items()}
        else:
            payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:  # nesting too deep: bad input
        message = f"body is not {mapping.format}: {exc}"
        return _refuse(request, tenant, source, 400, message, [Letter(0, body)])
    if not isinstance(payload, dict):
        return _refuse(request, tenant, source, 400, "expected a JSON object", [Letter(0, body)])
    try:
        call = mapping.apply(payload)
    except MappingError as exc:
        # some senders (FreeSWITCH mod_json_cdr) drop the answer's body: the reason is in the log too
        letter = Letter(0, body, str(exc), mapping.call_id(payload))
        return _refuse(request, tenant, source, 400, str(exc), [letter])
    if call is None:
        REQUESTS.labels("200").inc()
        return web.json_response({"ignored": True, "reason": "the mapping's `when` filter did not match"})
    return await _accept(request, tenant, source, body, [call], lambda i: body)


def _public_url(request: web.Request) -> str:
    """The URL the vendor called (it signs that one): CALLSTREAM_INGEST_PUBLIC_URL behind a proxy."""
    base = request.app[PUBLISHER].settings.ingest_public_url
    return (base.rstrip("/") + request.path_qs) if base else str(request.url)


@dataclass(frozen=True)
class Letter:
    """A refused payload of an authenticated request: ``index`` in the request (a batch's call),
    its bytes, why (default: the answer's message) and the call id it names."""

    index: int
    payload: bytes
    why: str | None = None
    call_id: str | None = None


def _problems(index: int, call_id: str | None, problems: list[str]) -> dict[str, Any]:
    """One entry of a 400's ``errors``: the call's index, its call id when it names one."""
    return {"index": index, **({"call_id": call_id} if call_id else {}), "problems": problems}


def _item_bytes(items: list[Any]) -> Callable[[int], bytes]:
    return lambda index: json.dumps(items[index]).encode()


def _named_id(item: Any) -> str | None:
    call_id = item.get("call_id") if isinstance(item, dict) else None
    return call_id if isinstance(call_id, str) and call_id else None


def _refuse(
    request: web.Request,
    tenant: str,
    source: str,
    status: int,
    message: str,
    letters: list[Letter],
    **extra: Any,
) -> web.Response:
    """Answer ``status`` to an authenticated request and send what it refused to ``calls.dlq``
    (stage ``ingest``): bad input never disappears, and a client that drops our 4xx (FreeSWITCH
    does) leaves it findable by call id. Only after authentication: anyone could fill the topic.
    The answer never waits for the broker; a letter it cannot take is logged, not a 5xx."""
    publisher = request.app[PUBLISHER]
    ids = []
    for letter in letters:
        letter_id = letter.call_id or f"ingest:{source}:{hashlib.sha256(letter.payload).hexdigest()[:12]}"
        ids.append(letter_id)

        def delivered(err: KafkaError | None, msg: Any, letter_id: str = letter_id) -> None:
            if err is not None:
                log.error(
                    "ingest: dead letter %s not taken by the broker: %s", escape_controls(letter_id), err
                )

        try:
            publisher.dead_letter(
                source=request.path,
                lineno=letter.index,
                payload=letter.payload,
                error=letter.why or message,
                call_id=letter_id,
                stage="ingest",
                on_delivery=delivered,
                tenant=tenant,
            )
        except Exception as exc:  # whatever the producer says, the client gets its 4xx
            log.error(
                "ingest: dead letter %s not sent: %s: %s",
                escape_controls(letter_id),
                type(exc).__name__,
                escape_controls(str(exc)),
            )
    # a batch's calls by index and id, one " | " apart: their own reasons hold "; " already
    reasons = " | ".join(
        f"{f'#{letter.index} ' if len(letters) > 1 else ''}{i}: {letter.why or message}"
        for i, letter in zip(ids, letters, strict=True)
    )
    # Call ids and reasons come from the request: a newline in one would start a forged log line.
    log.warning(
        "ingest: %s from tenant %s refused with %d, sent to the dead-letter topic: %s",
        escape_controls(request.path),
        escape_controls(tenant),
        status,
        escape_controls(reasons or message),
    )
    return _error(status, message, **extra)


async def _accept(
    request: web.Request,
    tenant: str,
    source: str,
    body: bytes,
    items: list[Any],
    raw: Callable[[int], bytes],
) -> web.Response:
    """Validate ``items`` for ``tenant`` and publish them: 202 only after the broker acknowledged.
    ``raw(i)``: the bytes of item ``i`` as received, for its dead letter."""
    if not items:
        return _refuse(request, tenant, source, 400, "empty batch", [Letter(0, body)])
    if len(items) > request.app[MAX_BATCH]:
        message = f"batch of {len(items)} calls; at most {request.app[MAX_BATCH]} per request"
        return _refuse(request, tenant, source, 413, message, [Letter(0, body)])
    calls, errors, letters = [], [], []
    warnings: list[dict[str, Any]] = []  # accepted but doubtful: said in the 202, not refused
    first_index: dict[str, int] = {}  # call id -> index of the batch's first call with it
    for index, item in enumerate(items):
        if isinstance(item, dict):
            # left out or null: the token's tenant, as `publish` takes 'default' (null with a warning)
            item.setdefault("tenant", tenant)
            if item["tenant"] is not None and not isinstance(item["tenant"], str):  # else a 403 (7 != 'x')
                kind = type(item["tenant"]).__name__
                problem = f"tenant: must be a string (leave it out for the token's tenant), got {kind}"
                errors.append(_problems(index, _named_id(item), [problem]))
                letters.append(Letter(index, raw(index), problem, _named_id(item)))
                continue
            if item["tenant"] not in (None, tenant):  # a misconfigured sender: the token's tenant's letter
                message = f"call {index} is for tenant {item['tenant']!r}; this token is for {tenant!r}"
                letter = Letter(index, raw(index), message, _named_id(item))
                return _refuse(request, tenant, source, 403, message, [letter])
        try:
            parsed, doubts = parse_call(item, default_tenant=tenant)
        except InvalidCall as exc:
            errors.append(_problems(index, _named_id(item), exc.problems))
            letters.append(Letter(index, raw(index), str(exc), _named_id(item)))
            continue
        problem = unanchored_recording(parsed["recording_uri"])
        if problem is not None:  # a 202 now would only become a transcribe dead letter
            errors.append(_problems(index, parsed["call_id"], [problem]))
            letters.append(Letter(index, raw(index), problem, parsed["call_id"]))
            continue
        calls.append(parsed)
        # both are published (the later wins, as in `publish`), but one call merging into another
        # under a mistaken id is said
        first = first_index.setdefault(parsed["call_id"], index)
        if first != index:
            doubts.append(
                CallWarning(
                    f"call_id {escape_controls(parsed['call_id'])} already at index {first}; "
                    "the later call replaces it",
                    "repeated_id",
                )
            )
        if doubts:
            warnings.append({"index": index, "call_id": parsed["call_id"], "warnings": doubts})
    if errors:
        return _refuse(
            request, tenant, source, 400, "invalid call(s); nothing was published", letters, errors=errors
        )
    enricher = request.app.get(ENRICHER)
    if enricher is not None:  # CRM fields by the customer's number; a failed lookup never holds a call
        calls = list(await asyncio.gather(*(enricher.enrich(c, request.app[HTTP]) for c in calls)))  # type: ignore[attr-defined]
    try:
        await request.app[PUBLISHER].publish_acked(calls)
    except Backpressure:
        return _error(503, "busy: the producer's queue is full; retry later")
    except BrokerUnreachable as exc:  # known down: said within seconds, not after message.timeout.ms
        log.error("ingest: publish failed: %s", escape_controls(str(exc)))
        return _error(
            503,
            f"the broker did not acknowledge the call(s): {exc}; retry later (resending is safe)",
            RETRY_BROKER_S,
        )
    except RecordTooLarge as exc:  # resending it never helps: the caller's to fix, not a 503 (or a 500)
        index = exc.index or 0
        sent = f"; calls 0-{index - 1} of the batch were sent (resending them is safe)" if index else ""
        letter = Letter(index, raw(index), str(exc), calls[index]["call_id"])
        return _refuse(
            request,
            tenant,
            source,
            413,
            f"call {index}: {exc}{sent}",
            [letter],
            errors=[_problems(index, calls[index]["call_id"], [str(exc)])],
        )
    except PublishError as exc:
        log.error("ingest: publish failed: %s", escape_controls(str(exc)))
        return _error(
            503,
            f"the broker did not acknowledge the call(s): {exc}; retry later (resending is safe)",
            RETRY_BROKER_S,
        )
    REQUESTS.labels("202").inc()
    CALLS.labels(tenant).inc(len(calls))
    for said in warnings:  # the 202 alone is read by nobody when a sender ignores its body
        for doubt in said["warnings"]:
            WARNINGS.labels(doubt.kind).inc()
        log.warning(
            "ingest: call %s from tenant %s accepted with warnings: %s",
            escape_controls(said["call_id"]),
            escape_controls(tenant),
            "; ".join(said["warnings"]),  # escaped where they quote the sender's text
        )
    answer: dict[str, Any] = {"accepted": [c["call_id"] for c in calls]}
    if warnings:  # only then: an answer without any stays as it always was
        answer["warnings"] = warnings
    return web.json_response(answer, status=202)


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
    # dead letters are not awaited by their requests: give them their chance to be delivered; with the
    # broker known down, only a short chance (a stop must not hang 30 s in silence), said first
    wait = SHUTDOWN_FLUSH_S
    if (down := publisher.unreachable) is not None:
        wait = UNREACHABLE_WAIT_S
        log.warning(
            "ingest: stopping while the broker is unreachable (%s): waiting %g s for queued records",
            down,
            wait,
        )
    try:
        await asyncio.get_running_loop().run_in_executor(None, publisher.flush, wait)
    except PublishError as exc:
        log.error("ingest: at shutdown: %s", exc)
    stop.set()
    thread.join(timeout=5)
    await app[HTTP].aclose()
