"""CRM enrichment against an in-test HTTP server speaking the Bitrix24 / amoCRM / generic shapes."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from connectors.crm import CrmEnricher

CONTACTS = {"+15550101": {"ID": "17", "NAME": "Alice", "LAST_NAME": "Smith"}}
HITS: list[str] = []


class Crm(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _json(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = parse_qs(url.query)
        HITS.append(url.path)
        if url.path.endswith("/crm.duplicate.findbycomm.json"):
            number = query["values[]"][0]
            found = [CONTACTS[number]["ID"]] if number in CONTACTS else []
            self._json(200, {"result": {"CONTACT": found} if found else []})
        elif url.path.endswith("/crm.contact.get.json"):
            contact = next(c for c in CONTACTS.values() if c["ID"] == query["id"][0])
            self._json(200, {"result": contact})
        elif url.path == "/api/v4/contacts":
            if self.headers.get("Authorization") != "Bearer amo-token":
                self._json(401, {"title": "Unauthorized"})
            elif query["query"][0] in CONTACTS:
                self._json(200, {"_embedded": {"contacts": [{"id": 17, "name": "Alice Smith"}]}})
            else:
                self.send_response(204)
                self.end_headers()
        elif url.path == "/slow":
            time.sleep(1.0)
            self._json(200, {})
        elif url.path == "/broken":
            self._json(500, {"error": "down"})
        else:
            number = query["phone"][0]
            if number in CONTACTS:
                self._json(200, {"contact": {"uid": "c-17", "full_name": "Alice Smith", "tier": "gold"}})
            else:
                self._json(404, {})


@pytest.fixture(scope="module")
def crm_url() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Crm)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def enrich(enricher: CrmEnricher, *numbers: str | None, tenant: str = "acme") -> list[dict]:
    async def main() -> list[dict]:
        async with httpx.AsyncClient() as client:
            calls = [
                {"call_id": "c", "tenant": tenant, "customer": {"number": n}, "crm": {"deal": "D1"}}
                for n in numbers
            ]
            return [await enricher.enrich(call, client) for call in calls]

    return [call["crm"] for call in asyncio.run(main())]


def test_bitrix24_lookup_and_cache(crm_url: str) -> None:
    enricher = CrmEnricher("bitrix24", f"{crm_url}/rest/1/webhook-key")
    HITS.clear()
    found, again, missing = enrich(enricher, "+15550101", "+15550101", "+15559999")
    assert found == {"deal": "D1", "customer_id": "17", "customer_name": "Alice Smith", "enrichment": "ok"}
    assert again["enrichment"] == "ok (cached)" and again["customer_id"] == "17"
    assert missing == {"deal": "D1", "enrichment": "not found"}
    [missing_again] = enrich(enricher, "+15559999")
    assert missing_again == {"deal": "D1", "enrichment": "not found (cached)"}  # was "ok (cached)"
    assert (
        HITS.count("/rest/1/webhook-key/crm.duplicate.findbycomm.json") == 2
    )  # the cached one asked nothing


def test_amocrm_lookup(crm_url: str) -> None:
    found, missing = enrich(CrmEnricher("amocrm", crm_url, "amo-token"), "+15550101", "+15559999")
    assert found["customer_name"] == "Alice Smith" and found["enrichment"] == "ok"
    assert missing["enrichment"] == "not found"
    [unauthorized] = enrich(CrmEnricher("amocrm", crm_url, "wrong"), "+15550101")
    assert unauthorized["enrichment"] == "failed: HTTP 401"


def test_generic_lookup_with_jmespath_fields(crm_url: str) -> None:
    enricher = CrmEnricher(
        "generic", f"{crm_url}/lookup", fields={"customer_id": "contact.uid", "segment": "contact.tier"}
    )
    [found] = enrich(enricher, "+15550101")
    assert found == {"deal": "D1", "customer_id": "c-17", "segment": "gold", "enrichment": "ok"}


def test_failures_never_block_the_call(crm_url: str) -> None:
    [slow] = enrich(CrmEnricher("generic", f"{crm_url}/slow", timeout=0.2), "+15550101")
    [broken] = enrich(CrmEnricher("generic", f"{crm_url}/broken"), "+15550101")
    [no_number] = enrich(CrmEnricher("generic", f"{crm_url}/lookup"), None)
    # a read timeout (the CRM answers late); on a loaded machine the 0.2 s may end while connecting
    assert slow["enrichment"] in ("failed: ReadTimeout", "failed: ConnectTimeout")
    # the status only: the exception's text holds the URL, with the CRM's secret and the raw number
    assert broken["enrichment"].startswith("failed: HTTP 5")
    assert "15550101" not in broken["enrichment"] and "broken" not in broken["enrichment"]
    assert no_number["enrichment"] == "skipped: no customer number"
    assert slow["deal"] == broken["deal"] == "D1"  # the call's own fields are kept


def test_unknown_kind_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="CALLSTREAM_CRM_KIND"):
        CrmEnricher("salesforce", "http://x")


def test_the_cache_is_per_tenant(crm_url: str) -> None:
    """Security audit M6: the cache was keyed by number alone, so one tenant's call got another
    tenant's cached lookup (and its "cached" status said that someone had asked for the number)."""
    enricher = CrmEnricher("bitrix24", f"{crm_url}/rest/1/webhook-key")
    HITS.clear()
    [acme] = enrich(enricher, "+15550101", tenant="acme")
    [globex] = enrich(enricher, "+15550101", tenant="globex")
    [acme_again] = enrich(enricher, "+15550101", tenant="acme")
    assert acme["enrichment"] == globex["enrichment"] == "ok"  # globex's lookup asked the CRM
    assert acme_again["enrichment"] == "ok (cached)"
    assert HITS.count("/rest/1/webhook-key/crm.duplicate.findbycomm.json") == 2


def test_the_cache_is_bounded_least_recently_used_first(crm_url: str) -> None:
    enricher = CrmEnricher("generic", f"{crm_url}/lookup", max_entries=2)
    enrich(enricher, "+15550101", "+15550102")
    enrich(enricher, "+15550101")  # used again: +15550102 is now the least recently used
    enrich(enricher, "+15550103")
    assert list(enricher._cache) == [("acme", "+15550101"), ("acme", "+15550103")]
    many = CrmEnricher("generic", f"{crm_url}/lookup", max_entries=50)
    enrich(many, *(f"+1555{i:07d}" for i in range(120)))
    assert len(many._cache) == 50
    assert CrmEnricher("generic", "http://x").max_entries == 10_000  # a bound by default


def test_an_expired_entry_is_looked_up_again(crm_url: str) -> None:
    enricher = CrmEnricher("generic", f"{crm_url}/lookup", ttl=0.0)
    HITS.clear()
    first, second = enrich(enricher, "+15550101", "+15550101")
    assert first["enrichment"] == second["enrichment"] == "not found"  # not "... (cached)"
    assert HITS == ["/lookup", "/lookup"]
    assert len(enricher._cache) == 1
