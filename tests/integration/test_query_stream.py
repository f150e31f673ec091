"""`callstream query` on real chDB: a 2-million-row result is printed whole, with Python's peak memory
far below what holding the rows would take (about 150 MB of tuples for this result)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_env import cli_env

pytestmark = pytest.mark.integration

ROWS = 2_000_000
#: Holding the result takes ~150 MB (a tuple and an int per row); streaming needs one block.
PEAK_LIMIT = 32 * 1024 * 1024

# In its own process: chDB opens one data path per process, and tracemalloc sees only this command.
PROGRAM = """
import sys, tracemalloc
from streams.cli import main

class Count:
    lines = 0
    last = ""
    def write(self, text):
        self.lines += text.count("\\n")
        if text.strip():
            self.last = text
        return len(text)
    def flush(self):
        pass

out = Count()
sys.stdout = out
main(["query", "SELECT 1", "--format", sys.argv[2]])  # imports, chDB start-up and migrations: not rows
out.lines = 0
tracemalloc.start()
code = main(["query", sys.argv[1], "--format", sys.argv[2]])
peak = tracemalloc.get_traced_memory()[1]
sys.stderr.write(f"RESULT {code} {out.lines} {peak} {out.last.strip()}\\n")
"""


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_large_result_streams_in_bounded_memory(fmt: str, tmp_path: Path) -> None:
    env = cli_env({"CALLSTREAM_DATA_DIR": str(tmp_path / "data")})
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, f"SELECT number FROM numbers({ROWS})", fmt],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = [line for line in done.stderr.splitlines() if line.startswith("RESULT ")]
    assert result, done.stderr
    code, lines, peak, last = result[0].split(" ", 4)[1:]
    assert int(code) == 0, done.stderr
    if fmt == "json":
        assert (int(lines), json.loads(last)) == (ROWS, {"number": ROWS - 1})
    else:
        assert (int(lines), last) == (ROWS + 3, f"({ROWS} rows)")
    assert int(peak) < PEAK_LIMIT, f"peak {int(peak) / 2**20:.0f} MiB"


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_string_that_is_not_utf8_shows_a_replacement_character_not_hex(fmt: str, tmp_path: Path) -> None:
    """A byte-based substring cuts "→" in half: the cell reads "�" (as every UTF-8 reader shows a bad
    byte), where clickhouse-connect alone printed the bytes as hex ("e286"), which reads as data.
    Nested strings (arrays, maps) and valid ones are text as before."""
    env = cli_env({"CALLSTREAM_DATA_DIR": str(tmp_path / "data")})
    sql = "SELECT substring('→ok', 1, 2) AS cut, [substring('юг', 1, 1), 'b'] AS arr, map('k', 'в') AS m"
    done = subprocess.run(
        [sys.executable, "-m", "streams.cli", "query", sql, "--format", fmt],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "e286" not in done.stdout and "d1" not in done.stdout
    if fmt == "json":
        assert json.loads(done.stdout) == {"cut": "\ufffd", "arr": ["\ufffd", "b"], "m": {"k": "в"}}
    else:
        assert "\ufffd" in done.stdout.splitlines()[2] and "{'k': 'в'}" in done.stdout
