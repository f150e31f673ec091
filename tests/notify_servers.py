"""In-test servers the notifiers talk to: an HTTP server (webhook, Slack, Telegram) and an SMTP
server (aiosmtpd), both on loopback threads, recording what they received and answering from a
script so tests can make them fail transiently or permanently."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


Response = tuple[int, dict[str, str], bytes]
OK: Response = (200, {"Content-Type": "application/json"}, b'{"ok":true}')


@dataclass
class HttpCapture:
    """Answers a POST to a path in ``routes`` always the same way; any other POST with the next
    scripted ``(status, headers, body)``, then 200 forever."""

    script: list[Response] = field(default_factory=list)
    routes: dict[str, Response] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    url: str = ""
    #: Seconds to wait before answering (after recording the request): a receiver slower than the
    #: notifier's timeout got the alert, though the notifier sees a timeout.
    delay: float = 0.0

    def answer(self, path: str) -> Response:
        if path in self.routes:
            return self.routes[path]
        return self.script.pop(0) if self.script else OK

    def wait_for(self, count: int, timeout: float = 10.0, path: str | None = None) -> list[Request]:
        """The requests (to ``path``, if given) once there are ``count`` of them or time is up."""
        deadline = time.monotonic() + timeout
        while True:
            got = [r for r in self.requests if path is None or r.path == path]
            if len(got) >= count or time.monotonic() > deadline:
                return got
            time.sleep(0.05)


@contextmanager
def http_server(
    script: list[Response] | None = None,
    routes: dict[str, Response] | None = None,
    delay: float = 0.0,
) -> Iterator[HttpCapture]:
    capture = HttpCapture(script=list(script or []), routes=dict(routes or {}), delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            capture.requests.append(Request(self.path, dict(self.headers.items()), body, time.time()))
            status, headers, reply = capture.answer(self.path)
            time.sleep(capture.delay)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    capture.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield capture
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SmtpCapture:
    """Messages received; each RCPT/DATA answers from ``script`` (SMTP status lines) first."""

    script: list[str] = field(default_factory=list)
    messages: list[Any] = field(default_factory=list)
    attempts: int = 0
    port: int = 0


@contextmanager
def smtp_server(script: list[str] | None = None) -> Iterator[SmtpCapture]:
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    capture = SmtpCapture(script=list(script or []))

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            capture.attempts += 1
            if capture.script:
                return capture.script.pop(0)
            capture.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
            return "250 Message accepted for delivery"

    with socket.socket() as probe:  # aiosmtpd connects to its own port once started: no port 0
        probe.bind(("127.0.0.1", 0))
        capture.port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=capture.port)
    controller.start()
    try:
        yield capture
    finally:
        controller.stop()
