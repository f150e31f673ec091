"""`callstream connect asterisk` in its own process: an AMI peer replaying a real exchange → broker."""

from __future__ import annotations

import os
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from schemas.codec import SingleObjectCodec
from streams.broker import EmbeddedBroker
from tests.integration.test_pipeline import read_topic
from tests.unit.test_telephony import AMI_BANNER, AMI_LOGIN_OK, ami_cdr

pytestmark = pytest.mark.integration


class FakeAmi(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.wfile.write(AMI_BANNER)
        while self.rfile.readline() not in (b"\r\n", b""):
            pass
        self.wfile.write(AMI_LOGIN_OK + ami_cdr("1763700000.1") + ami_cdr("1763700001.2", "BUSY"))
        self.wfile.flush()
        self.server.done.wait(30)  # type: ignore[attr-defined]


def test_connect_asterisk_publishes_answered_calls(tmp_path: Path) -> None:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeAmi)
    server.done = threading.Event()  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLSTREAM_")}
    with EmbeddedBroker() as broker:
        env |= {"CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap, "CALLSTREAM_PBX_SECRET": "s3cret"}
        port = str(server.server_address[1])
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "connect", "asterisk", "--port", port, "--tenant", "acme"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            messages = read_topic(broker.bootstrap, "calls.completed", 1, timeout=30)
        finally:
            proc.terminate()
            proc.wait(10)
            server.done.set()  # type: ignore[attr-defined]
            server.shutdown()
    [call] = [SingleObjectCodec().decode("CallCompleted", m.value()) for m in messages]
    assert call["call_id"] == "1763700000.1" and call["tenant"] == "acme" and call["source"] == "asterisk"
