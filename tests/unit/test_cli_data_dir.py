"""A second `callstream demo` (or sink worker, or query) on a data folder whose embedded chDB another
process holds stops at once with one line naming that process, before it starts anything."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import streams.demo
import streams.worker
from streams.cli import main

MESSAGE = (
    "callstream {command}: another callstream demo/worker/query (PID 4242) is using {data} (its embedded "
    "ClickHouse); stop it, or give this one another folder: CALLSTREAM_DATA_DIR=...\n"
)


pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """./.callstream/clickhouse as a running chDB leaves it: a status file with its PID, flocked."""
    store = tmp_path / ".callstream" / "clickhouse"
    store.mkdir(parents=True)
    (store / "status").write_text("PID: 4242\nStarted at: 2026-01-01 00:00:00\nRevision: 1\n")
    fd = os.open(store / "status", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    yield tmp_path / ".callstream"
    os.close(fd)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    runs: list[str] = []
    monkeypatch.setattr(streams.demo, "run_demo", lambda *a, **k: runs.append("demo") or 0)
    monkeypatch.setattr(streams.worker, "run_worker", lambda *a, **k: runs.append("worker") or 0)
    return runs


@pytest.mark.parametrize(
    "args", [["demo"], ["worker"], ["worker", "--stages", "sink"], ["query", "SELECT 1"]]
)
def test_held_data_dir_fails_fast_with_one_line(
    args: list[str], held: Path, started: list[str], capsys: pytest.CaptureFixture
) -> None:
    assert main(args) == 2
    assert capsys.readouterr().err == MESSAGE.format(command=args[0], data=held.resolve())
    assert started == []


def test_worker_without_the_sink_does_not_open_chdb_and_may_share(held: Path, started: list[str]) -> None:
    assert main(["worker", "--stages", "filter,compress"]) == 0
    assert started == ["worker"]


def test_a_stale_status_file_is_no_conflict(tmp_path: Path, started: list[str]) -> None:
    store = tmp_path / ".callstream" / "clickhouse"
    store.mkdir(parents=True)
    (store / "status").write_text("PID: 4242\n")  # left by a killed engine: nobody holds the lock
    assert main(["demo"]) == 0
    assert started == ["demo"]


def test_remote_clickhouse_is_not_checked(
    held: Path, started: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLSTREAM_CLICKHOUSE_DSN", "http://127.0.0.1:1/x")
    assert main(["demo"]) == 0
    assert started == ["demo"]


HOLD_CLAIM = """
import sys
from streams.cli import claim_data_dir
from streams.settings import Settings
assert claim_data_dir(Settings(data_dir=sys.argv[1])) is None
print("claimed", flush=True)
sys.stdin.read()
"""


def test_a_demo_still_starting_holds_the_folder_before_its_chdb_is_open(
    tmp_path: Path, started: list[str], capsys: pytest.CaptureFixture
) -> None:
    """A second demo 3 s after the first passed the chDB check (the first one's engine was not open
    yet), started a broker and died on chDB's lock error; the folder is claimed first now."""
    import subprocess
    import sys

    data = tmp_path / ".callstream"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_CLAIM, str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "claimed\n"
        assert main(["demo"]) == 2
        err = capsys.readouterr().err
        assert err == MESSAGE.replace("4242", str(holder.pid)).format(command="demo", data=data.resolve())
        assert started == []
    finally:
        holder.communicate("", timeout=60)
    assert main(["demo"]) == 0  # the holder is gone: its lock with it
    assert main(["demo"]) == 0  # this process's own claim is no conflict
    assert started == ["demo", "demo"]
