"""Per-login tenant scope of the live page (``CALLSTREAM_WEB_USERS=user[tenant|...]:password``), on
the real aiohttp app and a real chDB engine holding two tenants' rows: every route, both ways, and
the live stream. A tenant outside the scope is a 403 on lists, and its calls read as missing."""

from __future__ import annotations

import asyncio
import base64
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from clickhouse_connect.driver.client import Client

from connectors.events import SAMPLES_DIR
from streams.settings import Settings
from streams.web import Reader
from tests.integration.test_web_api import alert_for, get_json, read_events, scored, serve, write

pytestmark = pytest.mark.integration

USERS = "all:pw-all, acme-lead[acme]:pw@acme|x, globex-lead[globex]:pw-globex, both[acme|globex]:pw-both"
PASSWORDS = {"all": "pw-all", "acme-lead": "pw@acme|x", "globex-lead": "pw-globex", "both": "pw-both"}
OTHER = {"acme": "globex", "globex": "acme"}
LEAD = {"acme": "acme-lead", "globex": "globex-lead"}


def login(user: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{PASSWORDS[user]}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def two_tenants(client: Client, recordings: Path) -> None:
    """Each tenant: a call ``shared`` (same id in both), a call of its own with an alert, its own
    queue and agent, a queue ``support`` both use, and a recording under ``recordings/<tenant>``."""
    for tenant, sample in (("acme", "sample-en-complaint.wav"), ("globex", "sample-en-sale.wav")):
        (recordings / tenant).mkdir()
        shutil.copy(SAMPLES_DIR / sample, recordings / tenant / "r.wav")
    uri = {tenant: (recordings / tenant / "r.wav").as_uri() for tenant in ("acme", "globex")}
    rows = [
        scored("shared", tenant="acme", queue="sales", agent=("a-1", "Ann Acme"), recording_uri=uri["acme"]),
        scored("only-acme", tenant="acme", queue="support", agent=("a-1", "Ann Acme"), minutes=1),
        scored(
            "shared", tenant="globex", queue="vip", agent=("g-1", "Gina Globex"), recording_uri=uri["globex"]
        ),
        scored(
            "only-globex",
            tenant="globex",
            queue="support",
            agent=("g-1", "Gina Globex"),
            recording_uri=uri["globex"],
            minutes=2,
        ),
    ]
    write(client, rows, [alert_for(rows[1], "acme_rule"), alert_for(rows[3], "globex_rule")])


def settings(recordings: Path) -> Settings:
    return Settings(web_users=USERS, recording_roots=[recordings / "{tenant}"], web_poll_seconds=0.2)


@pytest.mark.parametrize("tenant", ["acme", "globex"])
def test_a_scoped_login_sees_only_its_tenant_on_every_route(
    isolated_chdb: Client, tmp_path: Path, tenant: str
) -> None:
    two_tenants(isolated_chdb, tmp_path)
    other, me = OTHER[tenant], login(LEAD[tenant])

    async def body(http: TestClient) -> None:
        calls = (await get_json(http, "/api/calls", headers=me))["calls"]
        assert {(c["tenant"], c["call_id"]) for c in calls} == {
            (tenant, "shared"),
            (tenant, f"only-{tenant}"),
        }
        assert all(a["rule"] == f"{tenant}_rule" for c in calls for a in c["alerts"])
        support = (await get_json(http, "/api/calls?queue=support", headers=me))["calls"]
        assert [c["call_id"] for c in support] == [f"only-{tenant}"]  # not the other tenant's support
        own = (await get_json(http, f"/api/calls?tenant={tenant}", headers=me))["calls"]
        assert len(own) == 2

        alerts = (await get_json(http, "/api/alerts", headers=me))["alerts"]
        assert [(a["tenant"], a["rule"]) for a in alerts] == [(tenant, f"{tenant}_rule")]
        assert (await get_json(http, "/api/alerts?queue=support", headers=me))["alerts"] == alerts

        # naming the other tenant is refused, and says why (an empty list would not)
        for path in ("/api/calls", "/api/alerts", "/api/stream"):
            error = (await get_json(http, f"{path}?tenant={other}", status=403, headers=me))["error"]
            assert other in error and "may see" in error, path

        choices = await get_json(http, "/api/filters", headers=me)
        assert choices["tenants"] == [tenant]
        assert choices["queues"] == sorted({"support", "sales" if tenant == "acme" else "vip"})
        assert [(a["tenant"], a["agent_id"]) for a in choices["agents"]] == [
            (tenant, "a-1" if tenant == "acme" else "g-1")
        ]

        # the drill-down: the shared id is this tenant's call; the other's reads as missing
        detail = await get_json(http, "/api/calls/shared", headers=me)
        assert detail["call"]["tenant"] == tenant
        assert detail["audio"]["url"] == f"/api/audio/shared?tenant={tenant}"
        missing = await get_json(http, "/api/calls/no-such-call", status=404, headers=me)
        assert missing == {"error": "no call 'no-such-call' in ClickHouse"}
        hidden = await get_json(http, f"/api/calls/only-{other}", status=404, headers=me)
        assert hidden == {"error": f"no call 'only-{other}' in ClickHouse"}  # as if it did not exist
        # naming the other tenant is a 403, as on the lists (the docs say so)
        for path in (f"/api/calls/shared?tenant={other}", f"/api/audio/shared?tenant={other}"):
            refused = (await get_json(http, path, status=403, headers=me))["error"]
            assert other in refused and "may see" in refused, path

        # recordings: its own plays, the other tenant's is "no such call"
        played = await http.get("/api/audio/shared", headers=me)
        assert played.status == 200
        assert await played.read() == (tmp_path / tenant / "r.wav").read_bytes()
        nothing = await get_json(http, "/api/audio/no-such-call", status=404, headers=me)
        assert await get_json(http, f"/api/audio/only-{other}", status=404, headers=me) == nothing

    serve(isolated_chdb, body, settings=settings(tmp_path))


def test_a_login_without_tenants_and_one_with_both_see_everything(
    isolated_chdb: Client, tmp_path: Path
) -> None:
    two_tenants(isolated_chdb, tmp_path)

    async def body(http: TestClient) -> None:
        for user in ("all", "both"):
            me = login(user)
            calls = (await get_json(http, "/api/calls", headers=me))["calls"]
            assert {c["tenant"] for c in calls} == {"acme", "globex"} and len(calls) == 4
            assert len((await get_json(http, "/api/alerts", headers=me))["alerts"]) == 2
            assert (await get_json(http, "/api/filters", headers=me))["tenants"] == ["acme", "globex"]
            detail = await get_json(http, "/api/calls/shared?tenant=globex", headers=me)
            assert detail["call"]["tenant"] == "globex"
            # both tenants have "shared": without ?tenant= that is a 409 naming them, not a guess
            for path in ("/api/calls/shared", "/api/audio/shared"):
                both = await get_json(http, path, status=409, headers=me)
                assert both["tenants"] == ["acme", "globex"], path
                assert "acme, globex" in both["error"] and "?tenant=" in both["error"]
            assert (await get_json(http, "/api/calls/only-acme", headers=me))["call"]["tenant"] == "acme"
            assert (await http.get("/api/audio/only-globex", headers=me)).status == 200
        assert (await http.get("/api/calls")).status == 401  # a login is still needed

    serve(isolated_chdb, body, settings=settings(tmp_path))


def test_one_agent_id_in_two_tenants_is_two_agents(isolated_chdb: Client, tmp_path: Path) -> None:
    """The same agent id in two tenants is two people: the filter menu lists both, apart."""
    rows = [
        scored("x-acme", tenant="acme", agent=("agent-7", "Ann Acme")),
        scored("x-globex", tenant="globex", agent=("agent-7", "Gus Globex"), minutes=1),
    ]
    write(isolated_chdb, rows)

    async def body(http: TestClient) -> None:
        agents = (await get_json(http, "/api/filters", headers=login("both")))["agents"]
        assert sorted((a["tenant"], a["agent_id"], a["agent_name"]) for a in agents) == [
            ("acme", "agent-7", "Ann Acme"),
            ("globex", "agent-7", "Gus Globex"),
        ]
        picked = await get_json(http, "/api/calls?agent=agent-7&tenant=globex", headers=login("both"))
        assert [c["call_id"] for c in picked["calls"]] == ["x-globex"]

    serve(isolated_chdb, body, settings=settings(tmp_path))


def test_the_live_stream_never_sends_another_tenant_s_events(isolated_chdb: Client, tmp_path: Path) -> None:
    executor = ThreadPoolExecutor(max_workers=1)

    def in_ch_thread(fn: Callable[[], Any]) -> Any:
        return asyncio.get_running_loop().run_in_executor(executor, fn)

    def new(call_id: str, tenant: str) -> tuple[dict[str, Any], dict[str, Any]]:
        score = scored(call_id, tenant=tenant, queue="support", now=True)
        return score, alert_for(score, f"{tenant}_rule")

    async def body(http: TestClient) -> None:
        streams = {user: await http.get("/api/stream", headers=login(user)) for user in PASSWORDS}
        for response in streams.values():
            assert response.status == 200 and (await read_events(response, 1))[0][0] == "ready"

        # globex's events first, until its page and the unscoped ones have them: had acme's page
        # been sent them, they would come before acme's own below
        globex_call, globex_alert = new("live-globex", "globex")
        await in_ch_thread(lambda: write(isolated_chdb, [globex_call], [globex_alert]))
        expected_globex = [("alert", "globex", "live-globex"), ("call", "globex", "live-globex")]
        for user in ("globex-lead", "all", "both"):
            got = await read_events(streams[user], 2)
            assert sorted((k, r["tenant"], r["call_id"]) for k, r in got) == expected_globex, user

        acme_call, acme_alert = new("live-acme", "acme")
        await in_ch_thread(lambda: write(isolated_chdb, [acme_call], [acme_alert]))
        expected_acme = [("alert", "acme", "live-acme"), ("call", "acme", "live-acme")]
        for user in ("acme-lead", "all", "both"):
            got = await read_events(streams[user], 2)
            assert sorted((k, r["tenant"], r["call_id"]) for k, r in got) == expected_acme, user

        # and globex's page got nothing of acme's: its next event is globex's own next call
        later, _ = new("live-globex-2", "globex")
        await in_ch_thread(lambda: write(isolated_chdb, [later]))
        [(kind, row)] = await read_events(streams["globex-lead"], 1)
        assert (kind, row["tenant"], row["call_id"]) == ("call", "globex", "live-globex-2")
        for response in streams.values():
            response.close()

    try:
        serve(
            isolated_chdb, body, settings=settings(tmp_path), reader=Reader(lambda: isolated_chdb, executor)
        )
    finally:
        executor.shutdown()
