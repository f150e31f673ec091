"""Headless Debian Chromium driven over the Chrome DevTools Protocol (CDP) with aiohttp's WebSocket
client: no webdriver, no browser download, nothing beyond the `chromium` package."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(AssertionError):
    """The page threw, or what the test waited for did not happen in time."""


class Browser:
    """One headless Chromium with one tab. JavaScript exceptions and console errors of the page are
    collected in :attr:`errors` so a test can assert the page ran cleanly."""

    def __init__(self, profile: Path, width: int = 1440, height: int = 960) -> None:
        self.profile = profile
        self.width, self.height = width, height
        self.errors: list[str] = []
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Browser:
        binary = chromium_path()
        assert binary, "chromium is not installed"
        self.profile.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",  # tests run as root in CI containers
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--mute-audio",
                "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1",
                f"--user-data-dir={self.profile}",
                f"--window-size={self.width},{self.height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(self.profile / "chromium.log", "wb"),  # noqa: SIM115 (lives as long as the process)
            start_new_session=True,
        )
        port = await self._devtools_port()
        self._session = aiohttp.ClientSession()
        async with self._session.get(f"http://127.0.0.1:{port}/json/list") as response:
            targets = await response.json(content_type=None)
        page = next(t for t in targets if t["type"] == "page")
        self._ws = await self._session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        self._reader = asyncio.create_task(self._read())
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=self.width,
            height=self.height,
            deviceScaleFactor=1,
            mobile=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)  # its own session: renderers go too
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(10)

    async def _devtools_port(self, timeout: float = 30.0) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text().strip():
                return int(marker.read_text().splitlines()[0])
            assert self._process is not None
            if self._process.poll() is not None:
                log = (self.profile / "chromium.log").read_text(errors="replace")[-2000:]
                raise BrowserError(f"chromium exited with {self._process.returncode}: {log}")
            await asyncio.sleep(0.1)
        raise BrowserError("chromium did not open its DevTools port")

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self._pending:
                self._pending.pop(data["id"]).set_result(data)
            elif data.get("method") == "Runtime.exceptionThrown":
                details = data["params"]["exceptionDetails"]
                self.errors.append(details.get("exception", {}).get("description") or details.get("text"))
            elif data.get("method") == "Runtime.consoleAPICalled" and data["params"]["type"] == "error":
                self.errors.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in data["params"]["args"])
                )

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        assert self._ws is not None
        message_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        await self._ws.send_json({"id": message_id, "method": method, "params": params})
        reply = await asyncio.wait_for(future, 60)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        return reply["result"]

    async def navigate(self, url: str) -> None:
        await self.send("Page.navigate", url=url)
        await self.wait_for("document.readyState === 'complete'", 30, f"{url} to load")

    async def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page (promises are awaited)."""
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, timeout: float, what: str) -> Any:
        """Poll ``expression`` until it is truthy in JavaScript; its value (``True`` for an element)."""
        envelope = (
            f"(async () => {{ const v = await ({expression}); "
            "return {ok: !!v, v: v instanceof Node || v}; })()"
        )
        deadline = time.monotonic() + timeout
        while True:
            result = await self.evaluate(envelope)
            if result["ok"]:
                return result["v"]
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out after {timeout:.0f}s waiting for {what}")
            await asyncio.sleep(0.2)

    async def click(self, selector: str) -> None:
        """Click the element like a user: scrolled into view, mouse pressed and released at its centre."""
        box = await self.evaluate(
            f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
                if (!e) return null; e.scrollIntoView({{block: 'center'}});
                const r = e.getBoundingClientRect();
                return {{x: r.x + r.width / 2, y: r.y + r.height / 2}}; }})()"""
        )
        if not box:
            raise BrowserError(f"nothing matches {selector}")
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1
            )

    async def screenshot(self, path: Path) -> Path:
        """A PNG of the whole page, not only the viewport (scrolled to the top first, so a sticky
        header is drawn where it belongs)."""
        await self.evaluate("window.scrollTo(0, 0)")
        metrics = await self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = await self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": self.width, "height": min(size["height"], 6000), "scale": 1},
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path
