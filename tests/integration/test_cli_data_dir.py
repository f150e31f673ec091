"""Against a real chDB: a second `callstream demo` on a data folder whose engine another process has
open says so in one line and starts nothing (no broker, no chDB lock error of its own)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_env import cli_env

pytestmark = pytest.mark.integration

HOLD = """
import sys
from streams.clickhouse import connect
connect(sys.argv[1]).command("SELECT 1")
print("open", flush=True)
sys.stdin.read()
"""


def test_second_demo_on_a_held_data_dir_fails_fast(tmp_path: Path) -> None:
    env = cli_env()
    store = tmp_path / ".callstream" / "clickhouse"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, f"chdb://{store}"],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        done = subprocess.run(
            [sys.executable, "-m", "streams.cli", "demo"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.communicate("", timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        f"callstream demo: another callstream demo/worker/query (PID {holder.pid}) is using "
        f"{tmp_path / '.callstream'} (its embedded ClickHouse); stop it, or give this one another folder: "
        "CALLSTREAM_DATA_DIR=...\n"
    )
    assert not (tmp_path / ".callstream" / "broker.log").exists()  # no broker was started
