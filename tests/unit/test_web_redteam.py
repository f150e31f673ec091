"""The live page's API as a careless or hostile client meets it, without ClickHouse: every error
under ``/api/`` is JSON with a clear message, and a failed query does not echo its SQL."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from streams import web
from streams.settings import Settings


class FailingClickHouse:
    """A reader whose every query fails the way clickhouse_connect reports a server error."""

    async def __call__(self, fn: Any, *args: Any) -> Any:
        raise RuntimeError(
            "Code: 60. DB::Exception: Unknown table expression identifier 'calls'. In scope SELECT "
            "call_id, tenant FROM calls FINAL WHERE tenant = 'acme-secret' LIMIT 100. (UNKNOWN_TABLE)"
        )


def serve(settings: Settings, body: Callable[[TestClient], Awaitable[None]]) -> None:
    async def main() -> None:
        app = web.create_app(settings, FailingClickHouse())  # type: ignore[arg-type]
        async with TestClient(TestServer(app)) as http:
            await body(http)

    asyncio.run(main())


async def error_of(http: TestClient, method: str, url: str, status: int, **kwargs: Any) -> str:
    response = await http.request(method, url, **kwargs)
    assert response.status == status, await response.text()
    assert response.content_type == "application/json", (url, await response.text())
    return (await response.json())["error"]


def test_api_errors_are_json_with_a_message() -> None:
    async def body(http: TestClient) -> None:
        assert "/api/nope" in await error_of(http, "GET", "/api/nope", 404)
        assert await error_of(http, "POST", "/api/calls", 405)
        assert "loopback" in await error_of(http, "GET", "/api/calls", 421, headers={"Host": "evil.test"})
        message = await error_of(http, "GET", "/api/calls?tenant=acme-secret", 503)
        assert "ClickHouse query failed" in message
        assert "SELECT" not in message and "acme-secret" not in message  # SQL stays in the log
        assert (await http.get("/nope")).status == 404  # the page's own paths are left as they are

    serve(Settings(web_poll_seconds=0.2), body)


def test_login_errors_are_json_and_keep_the_challenge() -> None:
    async def body(http: TestClient) -> None:
        response = await http.get("/api/alerts")
        assert response.status == 401 and response.content_type == "application/json"
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert (await response.json())["error"]
        wrong = {"Authorization": "Basic " + base64.b64encode(b"lead:nope").decode()}
        assert await error_of(http, "GET", "/api/nope", 401, headers=wrong)  # no route probing
        assert (await http.get("/")).status == 401

    serve(Settings(web_users="lead:s3cret", web_poll_seconds=0.2), body)


def test_password_guessing_is_slowed_and_logged(caplog) -> None:
    """300 wrong passwords took 3.6 s and left no trace (security review): after 10 failures within
    a minute an address gets 429 with Retry-After, even with the right password, and each failure
    is logged with the user tried, never the password."""

    def basic(user: str, password: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}

    async def body(http: TestClient) -> None:
        assert (await http.get("/api/alerts")).status == 401  # a browser's first request: not counted
        for attempt in range(10):
            assert (await http.get("/api/alerts", headers=basic("lead", f"guess-{attempt}"))).status == 401
        refused = await http.get("/api/alerts", headers=basic("lead", "s3cret"))
        assert refused.status == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "too many failed logins" in (await refused.json())["error"]
        assert (await http.get("/healthz")).status == 200  # probes are never throttled

    serve(Settings(web_users="lead:s3cret", web_poll_seconds=0.2), body)
    assert caplog.text.count("failed login from") == 10 and "user 'lead'" in caplog.text
    assert "guess-" not in caplog.text


def test_the_login_throttle_forgets_after_its_window() -> None:
    throttle = web.LoginThrottle(allowed=2, window=60)
    throttle.failed("10.0.0.1", now=0)
    throttle.failed("10.0.0.1", now=1)
    assert throttle.retry_after("10.0.0.1", now=2) == 58
    assert throttle.retry_after("10.0.0.2", now=2) is None  # another address is not held
    assert throttle.retry_after("10.0.0.1", now=61) is None
