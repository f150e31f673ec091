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
