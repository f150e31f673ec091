"""streams.web / streams.supervisor without ClickHouse: the live feed's de-duplication and alert
hold, filters, JSON values, login, where the player gets a recording, and the page's settings."""

from __future__ import annotations

import asyncio
import base64
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from streams import supervisor, web
from streams.settings import Settings, SettingsError, WebUser, load_settings
from streams.supervisor import EVERY_TENANT, Filters, Scope, jsonable

NOW = 1_800_000_000_000


class FakeClickHouse:
    """Answers the feed's reads from lists, as ClickHouse would (rows newer than ``since``)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.alerts: list[dict[str, Any]] = []
        self.facts: dict[str, dict[str, Any]] = {}

    async def __call__(self, fn: Any, *args: Any) -> Any:
        if fn is supervisor.server_now_ms:
            return NOW
        if fn is web._poll:
            calls_since, alerts_since = args
            return (
                [dict(c) for c in self.calls if c["inserted_ms"] > calls_since],
                [dict(a) for a in self.alerts if a["created_ms"] > alerts_since],
            )
        if fn is web._facts:
            alert_calls, _ = args
            return {k: self.facts[k[1]] for k in alert_calls if k[1] in self.facts}, {}
        raise AssertionError(fn)

    def add_call(
        self, call_id: str, at: int, queue: str = "sales", version: int = 1, tenant: str = "acme"
    ) -> None:
        self.calls.append(
            {
                "call_id": call_id,
                "tenant": tenant,
                "queue": queue,
                "agent_id": "a-1",
                "inserted_ms": at,
                "_version": version,
            }
        )
        self.facts[call_id] = {"queue": queue, "agent_name": "Ann"}

    def add_alert(self, call_id: str, at: int, tenant: str = "acme") -> None:
        self.alerts.append(
            {
                "alert_id": f"{call_id}:rule",
                "call_id": call_id,
                "tenant": tenant,
                "agent_id": "a-1",
                "created_ms": at,
            }
        )


def drain(subscriber: web.Subscriber) -> list[tuple[str, str]]:
    out = []
    while not subscriber.queue.empty():
        item = subscriber.queue.get_nowait()
        out.append(("close", "") if item is None else (item[0], item[1]["call_id"]))
    return out


def test_feed_sends_each_new_row_once_to_the_pages_it_matches() -> None:
    async def main() -> None:
        ch = FakeClickHouse()
        ch.add_call("before", NOW - 2000)  # already there when the page opened: its list load has it
        ch.add_alert("before", NOW - 2000)
        feed = web.LiveFeed(ch, interval=3600)  # type: ignore[arg-type]
        everything = await feed.subscribe(EVERY_TENANT, Filters())
        support = await feed.subscribe(EVERY_TENANT, Filters(queue="support"))
        await feed.poll()
        assert drain(everything) == [] and drain(support) == []

        ch.add_call("sale", NOW + 100)
        ch.add_call("complaint", NOW + 200, queue="support")
        ch.add_alert("complaint", NOW + 150)
        await feed.poll()
        assert drain(everything) == [("call", "sale"), ("call", "complaint"), ("alert", "complaint")]
        assert drain(support) == [("call", "complaint"), ("alert", "complaint")]

        await feed.poll()  # re-reading the overlap window sends nothing twice
        ch.add_call("sale", NOW + 300)  # a replay of the same version: same row, not news
        await feed.poll()
        assert drain(everything) == []
        ch.add_call("sale", NOW + 400, version=2)  # scored again: news
        await feed.poll()
        assert drain(everything) == [("call", "sale")]

        feed.unsubscribe(everything)
        assert feed._task is not None  # one page still open
        feed.unsubscribe(support)
        assert feed._task is None  # nobody watching: no polling

    asyncio.run(main())


def test_an_alert_that_changed_is_sent_again_and_only_then() -> None:
    async def main() -> None:
        ch = FakeClickHouse()
        feed = web.LiveFeed(ch, interval=3600)  # type: ignore[arg-type]
        page = await feed.subscribe(EVERY_TENANT, Filters())
        ch.add_call("held", NOW + 50)
        ch.add_alert("held", NOW + 100)
        ch.alerts[-1]["suppressed"] = True
        await feed.poll()
        assert drain(page) == [("call", "held"), ("alert", "held")]
        await feed.poll()
        assert drain(page) == []

        ch.alerts[-1]["suppressed"] = False  # re-sent unsuppressed: the same id, stored again
        await feed.poll()
        assert drain(page) == [("alert", "held")]
        ch.alerts[-1]["delivery_failed"] = "alert held:rule (rule r, call held): 1 of 1 channel(s) failed"
        await feed.poll()
        item = page.queue.get_nowait()
        assert item is not None and item[1]["delivery_failed"].endswith("failed")
        assert item[1]["queue"] == "sales"
        await feed.poll()
        assert drain(page) == []

    asyncio.run(main())


def test_alert_waits_for_its_call_row_to_know_the_queue() -> None:
    async def main() -> None:
        ch = FakeClickHouse()
        feed = web.LiveFeed(ch, interval=3600, hold_seconds=60)  # type: ignore[arg-type]
        support = await feed.subscribe(EVERY_TENANT, Filters(queue="support"))
        ch.add_alert("late", NOW + 100)  # the sink wrote the alert before the call row
        await feed.poll()
        assert drain(support) == []
        ch.add_call("late", NOW + 200, queue="support")
        await feed.poll()
        assert drain(support) == [("call", "late"), ("alert", "late")]

        feed.hold_seconds = 0  # a call that never gets a row: the alert goes out without a queue
        everything = await feed.subscribe(EVERY_TENANT, Filters())
        ch.add_alert("orphan", NOW + 300)
        await feed.poll()
        assert drain(everything) == [("alert", "orphan")]
        await feed.close()
        assert drain(everything) == [("close", "")]

    asyncio.run(main())


def test_a_page_that_falls_behind_is_closed_not_buffered_forever(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "MAX_BACKLOG", 2)

    async def main() -> None:
        ch = FakeClickHouse()
        feed = web.LiveFeed(ch, interval=3600)  # type: ignore[arg-type]
        slow = await feed.subscribe(EVERY_TENANT, Filters())
        for i in range(3):
            ch.add_call(f"c{i}", NOW + 100 + i)
        await feed.poll()
        assert drain(slow) == [("close", "")]
        assert slow not in feed.subscribers

    asyncio.run(main())


def test_filters_match_queue_agent_and_tenant() -> None:
    row = {"queue": "support", "agent_id": "a-1", "tenant": "acme"}
    assert Filters().matches(row)
    assert Filters(queue="support", agent="a-1", tenant="acme").matches(row)
    assert not Filters(queue="sales").matches(row)
    assert not Filters(agent="a-2").matches(row)
    assert not Filters(queue="support").matches({**row, "queue": None})


def test_values_become_json() -> None:
    naive = datetime(2026, 1, 2, 3, 4, 5, 678000)  # ClickHouse returns UTC as naive datetimes
    assert jsonable(naive) == "2026-01-02T03:04:05.678Z"
    assert jsonable(naive.replace(tzinfo=UTC)) == "2026-01-02T03:04:05.678Z"
    assert jsonable({"a": [math.nan, 1.5, math.inf]}) == {"a": [None, 1.5, None]}
    assert jsonable(b"caf\xc3\xa9") == "café"


def header(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.usefixtures("clean_env")  # Settings() reads CALLSTREAM_* from the environment
def test_basic_credentials() -> None:
    users = web.parse_users(Settings(web_users="lead:s3cret, night:pa:ss"))
    assert users == {"lead": WebUser("s3cret", None), "night": WebUser("pa:ss", None)}
    assert web._authorized(header("lead", "s3cret"), users) == EVERY_TENANT
    assert web._authorized(header("night", "pa:ss"), users) == EVERY_TENANT
    assert web._authorized(header("lead", "S3cret"), users) is None
    assert web._authorized(header("ghost", "s3cret"), users) is None
    assert web._authorized("Bearer s3cret", users) is None
    assert web._authorized("Basic %%%", users) is None
    assert web.parse_users(Settings()) == {}


@pytest.mark.usefixtures("clean_env")  # Settings() reads CALLSTREAM_* from the environment
def test_a_login_with_tenants_is_scoped_to_them() -> None:
    """``user[a|b]:password``: the scope rides with the user name, since a password may hold any
    character but ',' (here '@', '|', ':' and brackets, all of them part of the password)."""
    raw = "all:pw, acme-lead[acme]:p@ss|w:rd[x], two[ acme | globex ]:s"
    users = web.parse_users(Settings(web_users=raw))
    assert users == {
        "all": WebUser("pw", None),
        "acme-lead": WebUser("p@ss|w:rd[x]", frozenset({"acme"})),
        "two": WebUser("s", frozenset({"acme", "globex"})),
    }
    assert web._authorized(header("acme-lead", "p@ss|w:rd[x]"), users) == Scope(frozenset({"acme"}))
    assert web._authorized(header("acme-lead[acme]", "p@ss|w:rd[x]"), users) is None  # the name is acme-lead
    assert web._authorized(header("two", "s"), users) == Scope(frozenset({"acme", "globex"}))
    # a password with '@' keeps meaning what it meant before: every tenant
    email = web.parse_users(Settings(web_users="dana@acme.com:pa@ss"))
    assert email == {"dana@acme.com": WebUser("pa@ss", None)}


def test_scope_allows_only_its_tenants_and_queries_demand_one() -> None:
    assert EVERY_TENANT.allows("anyone") and Scope(frozenset({"acme"})).allows("acme")
    assert not Scope(frozenset({"acme"})).allows("globex") and not Scope(frozenset()).allows("acme")
    with pytest.raises(TypeError):  # a Filters where the scope goes must not read as "every tenant"
        supervisor.recent_calls(None, Filters(), Filters(), 10)  # type: ignore[arg-type]


def test_the_live_feed_hands_a_page_only_its_scope_s_tenants() -> None:
    async def main() -> None:
        ch = FakeClickHouse()
        feed = web.LiveFeed(ch, interval=3600)  # type: ignore[arg-type]
        acme = await feed.subscribe(Scope(frozenset({"acme"})), Filters())
        globex = await feed.subscribe(Scope(frozenset({"globex"})), Filters())
        everything = await feed.subscribe(EVERY_TENANT, Filters())
        ch.add_call("a", NOW + 100)
        ch.add_call("g", NOW + 200, tenant="globex")
        ch.add_alert("g", NOW + 150, tenant="globex")
        await feed.poll()
        assert drain(acme) == [("call", "a")]
        assert drain(globex) == [("call", "g"), ("alert", "g")]
        assert drain(everything) == [("call", "a"), ("call", "g"), ("alert", "g")]

    asyncio.run(main())


@pytest.mark.usefixtures("clean_env")  # Settings() reads CALLSTREAM_* from the environment
def test_player_source(tmp_path: Path) -> None:
    (tmp_path / "r.wav").write_bytes(b"RIFF")
    settings = Settings(recording_roots=[tmp_path], recording_http_hosts=[".example.com"])

    def source(uri: str) -> dict[str, Any]:
        return web.audio_source("pbx/1", "acme corp", uri, settings)

    assert source((tmp_path / "r.wav").as_uri()) == {
        "url": "/api/audio/pbx%2F1?tenant=acme%20corp",
        "reason": None,
    }
    assert source("samples/sample-en-mono.wav")["url"] == "/api/audio/pbx%2F1?tenant=acme%20corp"
    assert source((tmp_path / "gone.wav").as_uri()) == {"url": None, "reason": "the file is no longer there"}
    assert source("file:///etc/passwd")["url"] is None
    assert source(f"file://{tmp_path}/../../etc/passwd")["url"] is None
    assert source("https://rec.example.com/a.wav")["url"] == "https://rec.example.com/a.wav"
    assert source("https://evil.test/a.wav")["url"] is None
    assert source("s3://bucket/a.wav")["url"] is None


@pytest.mark.usefixtures("clean_env")
def test_page_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings()
    assert (s.web_host, s.web_port, s.web_users, s.web_poll_seconds) == ("127.0.0.1", 8088, None, 1.0)
    assert "web_port" not in s.model_fields_set  # the demo serves the page only when asked
    monkeypatch.setenv("CALLSTREAM_WEB_PORT", "0")
    monkeypatch.setenv("CALLSTREAM_WEB_USERS", "")
    s = load_settings()
    assert s.web_port == 0 and "web_port" in s.model_fields_set and s.web_users is None
    monkeypatch.setenv("CALLSTREAM_WEB_USERS", "lead:top-secret,nopassword,:x")
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert "CALLSTREAM_WEB_USERS" in message and "nopassword" in message and "(no user)" in message
    assert "top-secret" not in message  # credentials are never echoed
    monkeypatch.setenv("CALLSTREAM_WEB_USERS", "lead:top-secret")
    assert "top-secret" not in repr(load_settings())


def test_the_start_line_says_the_page_is_off_when_its_port_is_taken(tmp_path: Path) -> None:
    import socket

    from streams.broker import free_port

    port = free_port()
    settings = Settings(data_dir=tmp_path, web_port=port)
    assert web.page_url(settings) == f"http://127.0.0.1:{port}/"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        said = web.page_url(settings)
    assert said.startswith(f"off (not started on 127.0.0.1:{port}: ") and "in use" in said
