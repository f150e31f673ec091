"""Ctrl-C while `callstream` is still importing (pydantic for the settings, faust for the worker) ends
with one line, "interrupted", and exit status 130: no traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_env import cli_env

# The entry point's own code (`from streams.cli import main; sys.exit(main())`), with a real SIGINT
# sent to itself the moment the named module starts importing: as early as a user's Ctrl-C can come.
PROGRAM = """
import os, signal, sys

class InterruptOn:
    def find_spec(self, name, path=None, target=None):
        if name == sys.argv[1]:
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, InterruptOn())
from streams.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run_program(program: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        env=cli_env(),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        # a suite run as a background job (CI under nohup) ignores SIGINT, and a child inherits that:
        # Python then installs no KeyboardInterrupt handler, as with a Ctrl-C it never gets
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("pydantic", ["config"]),  # streams.settings, needed by every command
        ("faust", ["worker", "--stages", "sink"]),
    ],
)
def test_ctrl_c_during_imports_is_one_line(module: str, args: list[str], tmp_path: Path) -> None:
    done = run_program(PROGRAM, [module, *args], tmp_path)
    assert (done.returncode, done.stderr) == (130, "interrupted\n")
    assert not (tmp_path / ".callstream").exists()  # nothing was started


# A Ctrl-C has been handled ("interrupted" printed, 130 on its way out) when the user presses it again:
# the second must not kill the exiting interpreter with SIGINT (status -2 instead of 130).
PROGRAM_AGAIN = """
import os, signal, sys
import streams.cli as cli

def interrupted(argv):
    raise KeyboardInterrupt

cli._main = interrupted
code = cli.main([])
os.kill(os.getpid(), signal.SIGINT)
sys.exit(code)
"""


def test_ctrl_c_again_while_exiting_keeps_130(tmp_path: Path) -> None:
    done = run_program(PROGRAM_AGAIN, [], tmp_path)
    assert (done.returncode, done.stderr) == (130, "interrupted\n")


# The Ctrl-C lands while a string of code runs under exec() (a dataclass or namedtuple being built by
# a late import), and `callstream` is run as `python -m streams.cli` (how the tests and containers
# start it): CPython notes that KeyboardInterrupt as unhandled and, though main() handled it, ended
# the process with SIGINT after exiting (seen as status -2 in CI).
MODULE_EXEC = """
import sys
import streams.cli as cli

def interrupted(argv):
    exec("raise KeyboardInterrupt")

cli._main = interrupted
sys.exit(cli.main([]))
"""


def test_ctrl_c_inside_exec_under_python_m_keeps_130(tmp_path: Path) -> None:
    (tmp_path / "interrupted_in_exec.py").write_text(MODULE_EXEC)
    done = subprocess.run(
        [sys.executable, "-m", "interrupted_in_exec"],
        env=cli_env({"PYTHONPATH": f"{tmp_path}:{Path(__file__).parents[2]}"}),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (130, "interrupted\n")
