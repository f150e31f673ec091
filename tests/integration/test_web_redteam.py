"""The live page's API and page as a hostile or careless user meets them, on a real chDB engine:
SQL-looking filter values and odd call ids, and two tenants that use the same call id."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from clickhouse_connect.driver.client import Client

from streams.settings import Settings
from streams.web import Reader, create_app
from tests.e2e.browser import Browser, chromium_path
from tests.integration.test_web_api import alert_for, get_json, scored, serve, write

pytestmark = pytest.mark.integration


def two_tenants_one_call_id(client: Client) -> None:
    """acme and globex each have a call ``shared``; only globex's has an alert."""
    acme = scored("shared", tenant="acme", queue="sales", agent=("a-1", "Ann Acme"), minutes=1)
    globex = scored("shared", tenant="globex", queue="vip", agent=("g-1", "Gina Globex"), minutes=2)
    write(client, [acme, globex], [alert_for(globex, "globex_rule")])


def test_hostile_filter_values_and_call_ids_are_data_not_sql(isolated_chdb: Client) -> None:
    two_tenants_one_call_id(isolated_chdb)

    async def body(http: TestClient) -> None:
        for value in ("'", "\\", "\\'", "x' OR '1'='1", "acme' --", "%(limit)s", "{tenant:String}", "\0"):
            params = {"tenant": value, "queue": value}
            assert await get_json(http, "/api/calls", params=params) == {"calls": []}, value
            assert await get_json(http, "/api/alerts", params=params) == {"alerts": []}, value
        for limit in ("-7", str(10**30)):  # refused with the range, not clamped
            error = (await get_json(http, "/api/calls", status=400, params={"limit": limit}))["error"]
            assert error.startswith("limit must be from 1 to 500"), limit
        assert (
            "200" in (await get_json(http, "/api/calls", params={"tenant": "x" * 201}, status=400))["error"]
        )
        assert [c["tenant"] for c in (await get_json(http, "/api/calls?tenant=%20acme%20"))["calls"]] == [
            "acme"
        ]
        assert (await get_json(http, "/api/calls?tenant=ACME"))["calls"] == []  # ids are exact
        for path in ("..%2F..%2Fetc%2Fpasswd", "shared%27%20OR%20%271%27%3D%271", "%F0%9F%98%80", "a%00b"):
            assert (await get_json(http, f"/api/calls/{path}", status=404))["error"]
            assert (await get_json(http, f"/api/audio/{path}", status=404))["error"]
        detail = await get_json(http, "/api/calls/shared?tenant=globex")
        assert detail["call"]["tenant"] == "globex" and detail["call"]["agent_name"] == "Gina Globex"
        assert [a["rule"] for a in detail["alerts"]] == ["globex_rule"]
        assert (await get_json(http, "/api/calls/shared?tenant=acme"))["alerts"] == []

    serve(isolated_chdb, body)


def test_a_call_id_shared_by_two_tenants_does_not_mix_their_rows(isolated_chdb: Client) -> None:
    two_tenants_one_call_id(isolated_chdb)

    async def body(http: TestClient) -> None:
        acme = (await get_json(http, "/api/calls?tenant=acme"))["calls"]
        assert [c["alerts"] for c in acme] == [[]]  # globex's alert is no badge of acme's call
        alert = (await get_json(http, "/api/alerts?tenant=globex"))["alerts"][0]
        assert (alert["queue"], alert["agent_name"]) == ("vip", "Gina Globex")  # not acme's call's
        assert (await get_json(http, "/api/alerts?queue=sales"))["alerts"] == []  # acme's queue

    serve(isolated_chdb, body)


@pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium: apt-get install -y chromium")
def test_a_live_alert_of_another_tenant_does_not_replace_the_open_call(
    isolated_chdb: Client, tmp_path: Path
) -> None:
    """acme's ``shared`` is open in the drill-down; globex's alert for its own ``shared`` arrives
    live: the drill-down stays on acme's call."""
    acme = scored("shared", tenant="acme", queue="sales", agent=("a-1", "Ann Acme"), now=True)
    globex = scored("shared", tenant="globex", queue="vip", agent=("g-1", "Gina Globex"), now=True)
    write(isolated_chdb, [acme, globex])
    executor = ThreadPoolExecutor(max_workers=1)

    async def main() -> dict[str, Any]:
        app = create_app(Settings(web_poll_seconds=0.2), Reader(lambda: isolated_chdb, executor))
        async with TestServer(app, host="127.0.0.1") as server, Browser(tmp_path / "chromium") as browser:
            await browser.navigate(str(server.make_url("/#call=shared&tenant=acme")))
            loaded = "document.querySelector('#detail').dataset.state === 'loaded'"
            await browser.wait_for(
                f"{loaded} && document.querySelector('#status').dataset.state === 'live'", 30, "acme's call"
            )
            alert = alert_for(globex, "globex_rule")
            alert["created_at"] = datetime.now(UTC)
            await asyncio.get_running_loop().run_in_executor(
                executor, lambda: write(isolated_chdb, [], [alert])
            )
            await browser.wait_for(
                "document.querySelector('#alerts li[data-tenant=\"globex\"]')", 30, "globex's live alert"
            )
            await asyncio.sleep(1.5)  # time for a (wrong) reload of the drill-down
            return {
                "detail": await browser.evaluate(
                    "({tenant: document.querySelector('#detail').dataset.tenant, "
                    "state: document.querySelector('#detail').dataset.state, "
                    "alerts: document.querySelectorAll('#call-alerts li').length})"
                ),
                "hash": await browser.evaluate("location.hash"),
                "errors": list(browser.errors),
            }

    try:
        found = asyncio.run(main())
    finally:
        executor.shutdown()
    assert found["detail"] == {"tenant": "acme", "state": "loaded", "alerts": 0}, json.dumps(found)
    assert "tenant=acme" in found["hash"] and found["errors"] == []
