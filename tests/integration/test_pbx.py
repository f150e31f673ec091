"""`callstream connect asterisk` in its own process: an AMI peer replaying a real exchange → broker."""

from __future__ import annotations

import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from schemas.codec import SingleObjectCodec
from streams.broker import EmbeddedBroker
from tests.cli_env import cli_env
from tests.integration.test_pipeline import read_topic
from tests.unit.test_telephony import (
    AMI_BANNER,
    AMI_LOGIN_OK,
    T0,
    ami_cdr,
    answered_unrecorded,
    outbound_call,
    recorded_call,
)

pytestmark = pytest.mark.integration


class FakeAmi(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.wfile.write(AMI_BANNER)
        while self.rfile.readline() not in (b"\r\n", b""):
            pass
        self.wfile.write(AMI_LOGIN_OK + self.server.transcript)  # type: ignore[attr-defined]
        self.wfile.flush()
        self.server.done.wait(30)  # type: ignore[attr-defined]


@contextmanager
def connect_asterisk(transcript: bytes, tmp_path: Path) -> Iterator[EmbeddedBroker]:
    """A fake AMI replaying ``transcript``, a broker, and `callstream connect asterisk` between them."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeAmi)
    server.transcript = transcript  # type: ignore[attr-defined]
    server.done = threading.Event()  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with EmbeddedBroker() as broker:
        env = cli_env({"CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap, "CALLSTREAM_PBX_SECRET": "s3cret"})
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
            yield broker
        finally:
            proc.terminate()
            proc.wait(10)
            server.done.set()  # type: ignore[attr-defined]
            server.shutdown()


def test_connect_asterisk_publishes_answered_calls(tmp_path: Path) -> None:
    with connect_asterisk(ami_cdr("1763700000.1") + ami_cdr("1763700001.2", "BUSY"), tmp_path) as broker:
        messages = read_topic(broker.bootstrap, "calls.completed", 1, timeout=30)
    [call] = [SingleObjectCodec().decode("CallCompleted", m.value()) for m in messages]
    assert call["call_id"] == "1763700000.1" and call["tenant"] == "acme" and call["source"] == "asterisk"


def test_connect_asterisk_without_cdr_manager_uses_hangup_and_mixmonitor(tmp_path: Path) -> None:
    """No Cdr events: the recorded calls come from their channel events (an inbound one, and an
    outbound one with the agent's voice on the left), the answered call without a recording lands
    in calls.dlq (after the grace period a Cdr would have had)."""
    talk, hangups = recorded_call("1763700100.7")
    transcript = b"".join(
        talk + hangups + outbound_call("1763700150.3") + answered_unrecorded("1763700200.9")
    )
    codec = SingleObjectCodec()
    with connect_asterisk(transcript, tmp_path) as broker:
        calls = read_topic(broker.bootstrap, "calls.completed", 2, timeout=30)
        letters = read_topic(broker.bootstrap, "calls.dlq", 1, timeout=30)
    call, outbound = sorted(
        (codec.decode("CallCompleted", m.value()) for m in calls), key=lambda c: c["call_id"]
    )
    assert call["call_id"] == "1763700100.7" and call["tenant"] == "acme" and call["source"] == "asterisk"
    assert call["recording_uri"].endswith("-1763700100.7.wav") and call["agent"]["id"] == "201"
    assert call["started_at"].timestamp() == T0 + 4.0 and call["ended_at"].timestamp() == T0 + 40.1
    assert call["direction"] == "inbound" and call["audio"]["channels"] == {"0": "customer", "1": "agent"}
    assert outbound["call_id"] == "1763700150.3" and outbound["direction"] == "outbound"
    assert outbound["agent"]["id"] == "201" and outbound["customer"]["number"] == "5551234"
    assert outbound["audio"]["channels"] == {"0": "agent", "1": "customer"}
    [letter] = [codec.decode("DeadLetter", m.value()) for m in letters]
    assert letter["call_id"] == "1763700200.9" and letter["topic"] == "pbx:acme"
    assert "no MixMonitor recording is known" in letter["error_message"]
