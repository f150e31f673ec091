"""CRM enrichment: who is the customer (and the agent) of a call, looked up by phone number.

Backends: ``bitrix24`` (an inbound webhook URL; ``crm.duplicate.findbycomm`` + ``crm.contact.get``),
``amocrm`` (``GET /api/v4/contacts?query=``, bearer token) and ``generic`` (``GET URL?phone=``,
any JSON, fields picked with JMESPath). Lookups are cached (TTL) and bounded by a timeout; a failed
lookup never blocks or drops the call: it is published anyway with ``crm.enrichment`` saying why.

One CRM serves every tenant (one ``CALLSTREAM_CRM_*`` configuration per process): whoever can send
a call for any tenant can learn what that CRM holds for a number. The cache is kept per (tenant,
number), so a tenant never gets an answer fetched for another one without asking the CRM itself,
and it is bounded (least recently used entries go first), so new numbers cannot grow it for ever.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import jmespath

log = logging.getLogger(__name__)
KINDS = ("generic", "bitrix24", "amocrm")
#: Lookups an enricher remembers: ~1 KB each, so about 10 MB at most.
CACHE_ENTRIES = 10_000


@dataclass
class CrmEnricher:
    """Adds ``crm.customer_id`` / ``crm.customer_name`` (and whatever ``fields`` pick) to calls."""

    kind: str
    url: str
    token: str = ""
    timeout: float = 2.0
    ttl: float = 600.0
    #: generic backend: CallCompleted crm key -> JMESPath over the response JSON.
    fields: dict[str, str] = field(default_factory=lambda: {"customer_id": "id", "customer_name": "name"})
    #: Most (tenant, number) lookups kept; the least recently used is dropped first.
    max_entries: int = CACHE_ENTRIES
    _cache: OrderedDict[tuple[str, str], tuple[float, dict[str, str]]] = field(
        default_factory=OrderedDict, repr=False
    )

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"CALLSTREAM_CRM_KIND must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {self.max_entries}")
        self._compiled = {key: jmespath.compile(expr) for key, expr in self.fields.items()}

    async def enrich(self, call: Mapping[str, Any], client: httpx.AsyncClient) -> dict[str, Any]:
        """``call`` (CallCompleted JSON) with CRM fields added; never raises for CRM trouble."""
        number = (call.get("customer") or {}).get("number")
        crm = dict(call.get("crm") or {})
        if not number:
            return {**call, "crm": crm | {"enrichment": "skipped: no customer number"}}
        # Per tenant: one tenant's lookup is no answer for another (the CRM is asked again, and
        # shows what it would show that tenant's call), nor evidence that it was asked.
        key = (str(call.get("tenant") or ""), str(number))
        cached = self._cache.get(key)
        if cached is not None:
            if cached[0] > time.monotonic():
                self._cache.move_to_end(key)
                status = "ok" if cached[1] else "not found"
                return {**call, "crm": crm | cached[1] | {"enrichment": f"{status} (cached)"}}
            del self._cache[key]
        try:
            found = await self._lookup(str(number), client)
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            # Never the exception's text: an httpx error holds the URL, with the CRM's webhook
            # secret (Bitrix24 puts it in the path) and the customer's raw number in the query.
            reason = _reason(exc)
            log.warning("CRM lookup for call %r failed: %s", call.get("call_id"), reason)
            return {**call, "crm": crm | {"enrichment": f"failed: {reason}"}}
        self._remember(key, found)
        status = "ok" if found else "not found"
        return {**call, "crm": crm | found | {"enrichment": status}}

    def _remember(self, key: tuple[str, str], found: dict[str, str]) -> None:
        self._cache[key] = (time.monotonic() + self.ttl, found)
        self._cache.move_to_end(key)
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)

    async def _lookup(self, number: str, client: httpx.AsyncClient) -> dict[str, str]:
        if self.kind == "bitrix24":
            base = self.url.rstrip("/")
            resp = await client.get(
                f"{base}/crm.duplicate.findbycomm.json",
                params={"type": "PHONE", "values[]": number},
                timeout=self.timeout,
            )
            resp.raise_for_status()
            ids = (resp.json().get("result") or {}).get("CONTACT") or []
            if not ids:
                return {}
            contact = await client.get(
                f"{base}/crm.contact.get.json", params={"id": ids[0]}, timeout=self.timeout
            )
            contact.raise_for_status()
            result = contact.json()["result"]
            name = " ".join(filter(None, (result.get("NAME"), result.get("LAST_NAME"))))
            return {"customer_id": str(result["ID"]), "customer_name": name}
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if self.kind == "amocrm":
            resp = await client.get(
                f"{self.url.rstrip('/')}/api/v4/contacts",
                params={"query": number},
                headers=headers,
                timeout=self.timeout,
            )
            if resp.status_code == 204:  # amoCRM answers "no content" when nothing matches
                return {}
            resp.raise_for_status()
            contacts = resp.json()["_embedded"]["contacts"]
            return (
                {"customer_id": str(contacts[0]["id"]), "customer_name": str(contacts[0]["name"])}
                if contacts
                else {}
            )
        resp = await client.get(self.url, params={"phone": number}, headers=headers, timeout=self.timeout)
        if resp.status_code == 404:
            return {}
        resp.raise_for_status()
        data = resp.json()
        picked = {key: expr.search(data) for key, expr in self._compiled.items()}
        return {key: str(value) for key, value in picked.items() if value is not None}


def _reason(exc: Exception) -> str:
    """Why a lookup failed, without the request's URL."""
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__
