"""Start a real OpenAI-compatible server process for a test and wait until it answers."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def openai_server(
    cmd: Sequence[str],
    url: str,
    log: Path,
    name: str,
    start_timeout_s: float,
    stop_timeout_s: float = 10,
    **popen: Any,
) -> Iterator[subprocess.Popen]:
    """Run ``cmd`` (output to ``log``) until ``{url}/models`` answers 200; stop it on exit.

    A process that exits or does not answer in time fails the test with the log's tail.
    """
    with open(log, "wb") as out:
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            if proc.poll() is not None:
                pytest.fail(f"{name} exited {proc.returncode}: {log.read_text()[-4000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{name} did not start in {start_timeout_s:.0f}s: {log.read_text()[-4000:]}")
            time.sleep(0.5)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=stop_timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
