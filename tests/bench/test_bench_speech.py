"""``callstream bench speech``: runs end to end on a short call and prints its ratio lines.

The targets (stage >= 2x plain transcribe, VAD >= 300x per core) are reported by the benchmark,
not asserted: a test on a busy 2-core CI box says nothing reliable about throughput.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from streams.bench_speech import make_call, run_speech
from streams.settings import Settings


def test_generated_call_is_deterministic_with_holds() -> None:
    (agent, customer), script = make_call(90)
    again, script2 = make_call(90)
    assert script == script2 and (agent == again[0]).all()
    assert len(agent) == len(customer) == 90 * 16000
    assert {s["role"] for s in script} == {"agent", "customer"}
    gaps = [b["start"] - a["end"] for a, b in pairwise(script)]
    assert max(gaps) >= 20  # at least one hold
    assert all(s["end"] <= 90 for s in script)


def test_bench_speech_prints_ratios(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_speech(Settings(data_dir=tmp_path), audio_seconds=60) == 0
    out = capsys.readouterr().out
    assert re.search(r"ratio \(stage/baseline\)\s+\d+\.\d+x, \d+\.\d+x against the stage's options", out), out
    assert re.search(r"baseline \(plain transcribe, mono mix\)\s+\d+\.\d+ audio s/s", out)
    assert re.search(r"baseline, stage's decoding options\s+\d+\.\d+ audio s/s", out)
    assert re.search(r"best wall time of \d+ turns per path", out)
    assert re.search(r"WER stage / baseline / baseline, stage's options\s+(\d+\.\d+%|n/a)", out)
    assert re.search(r"WER stage per role\s+agent (\d+\.\d+%|n/a).*, customer (\d+\.\d+%|n/a)", out)
    assert re.search(r"VAD alone\s+\d+x real time per core", out)
    assert re.search(r"peak RSS \(model loaded\)\s+\d+ MiB", out)
    assert "PASS" in out or "BELOW TARGET" in out


def test_bench_speech_refuses_tiny_audio(tmp_path: Path) -> None:
    assert run_speech(Settings(data_dir=tmp_path), audio_seconds=5) == 2
