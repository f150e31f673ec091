"""streams.inflight: a call that kills its worker (out of memory) twice is dead-lettered the third
time instead of being taken first again at every restart (a chaos review saw five kills in a row)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from streams.inflight import InFlight, KilledWorker

DIE_ON_IT = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from streams.inflight import InFlight
    with InFlight(Path(sys.argv[1])).working_on(sys.argv[2]):
        os.kill(os.getpid(), 9)  # what the kernel's OOM killer does
    """
)


def killed_on(folder: Path, call_id: str) -> int:
    return subprocess.run([sys.executable, "-c", DIE_ON_IT, str(folder), call_id], check=False).returncode


def test_a_call_that_killed_the_worker_twice_is_a_dead_letter_the_third_time(tmp_path: Path) -> None:
    folder = tmp_path / "inflight"
    guard = InFlight(folder)
    assert killed_on(folder, "huge/call:1") == -9
    assert guard.deaths("huge/call:1") == 1
    assert killed_on(folder, "huge/call:1") == -9
    with (
        pytest.raises(KilledWorker, match=r"killed 2 times while on transcribing x\.wav"),
        guard.working_on("huge/call:1", "transcribing x.wav"),
    ):
        pytest.fail("the call must not be tried a third time")
    assert guard.deaths("huge/call:1") == 0  # the letter made: the same call sent again is tried again
    with guard.working_on("other"):  # other calls are not held up
        assert guard.deaths("other") == 1
    assert guard.deaths("other") == 0


def test_a_call_that_fails_or_succeeds_leaves_no_marker(tmp_path: Path) -> None:
    guard = InFlight(tmp_path / "inflight")
    with pytest.raises(ValueError), guard.working_on("bad"):
        raise ValueError("corrupt recording")
    with guard.working_on("good"):
        pass
    assert guard.deaths("bad") == guard.deaths("good") == 0
    assert list((tmp_path / "inflight").iterdir()) == []


def test_a_marker_that_cannot_be_written_does_not_stop_the_call(tmp_path: Path, caplog) -> None:
    blocked = tmp_path / "inflight"
    blocked.write_text("a file where the folder should be")
    with InFlight(blocked).working_on("c-1"):
        done = True
    assert done and "not written" in caplog.text


def test_a_stop_is_no_death(tmp_path: Path) -> None:
    """A forced stop (over its time limit while a long call is transcribed) runs forget_mine: two of
    them must not dead-letter a call that never killed anything."""
    guard = InFlight(tmp_path / "inflight")
    with guard.working_on("long-call"):
        guard.forget_mine()  # what the stop runs before os._exit
        assert guard.deaths("long-call") == 0
