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
