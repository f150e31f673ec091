"""``callstream bench backbone``: the benchmark runs end to end and prints its ratio.

The target (ratio >= 0.25) is reported by the benchmark itself, not asserted here: a test run on a
busy CI machine says nothing reliable about throughput. This checks that the bench finishes, that
every call reaches ClickHouse without dead letters, and that the table has a positive ratio.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from processors.filtering import filter_transcript
from processors.rules import price_mentions
from schemas.codec import SingleObjectCodec
from streams.bench import SEGMENTS_PER_CALL, make_bench_transcript, make_payloads
from tests.cli_env import cli_env

ROOT = Path(__file__).resolve().parents[2]


def test_generated_transcripts_are_valid_and_realistic() -> None:
    codec = SingleObjectCodec()
    payloads = make_payloads(20, "bench-t-")
    assert len({key for key, _ in payloads}) == 20
    for key, value in payloads:
        record = codec.decode("Transcript", value)
        assert record["call_id"].encode() == key
        assert len(record["segments"]) == SEGMENTS_PER_CALL
        assert record["segments"][-1]["end"] <= record["duration"]
    transcript = make_bench_transcript("bench-t-x", random.Random(3))
    filtered = filter_transcript(transcript)
    assert 0 < filtered["kept"] < SEGMENTS_PER_CALL  # some segments carry no speech
    assert price_mentions(s["text"] for s in transcript["segments"]) > 0


@pytest.mark.bench
@pytest.mark.integration
@pytest.mark.parametrize("workers", [0, 1])
def test_bench_backbone_cli(tmp_path: Path, workers: int) -> None:
    """``--workers 1`` also proves a split deployment: the text stages in a separate
    `callstream worker` process, the sink here, one consumer group."""
    env = cli_env({"CALLSTREAM_DATA_DIR": str(tmp_path)})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    args = ["bench", "backbone", "--calls", "200", "--workers", str(workers)]
    proc = subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ratio = re.search(r"^ratio \(pipeline/baseline\)\s+([0-9.]+)\s*$", proc.stdout, re.MULTILINE)
    assert ratio, proc.stdout + proc.stderr
    assert float(ratio.group(1)) > 0
    assert re.search(r"^dead letters\s+0\s*$", proc.stdout, re.MULTILINE), proc.stdout
    assert re.search(rf"^pipeline processes\s+1 \+ {workers} ", proc.stdout, re.MULTILINE) or (
        workers == 0 and "1 (every stage in the bench process)" in proc.stdout
    ), proc.stdout
    assert re.search(r"^result\s+(PASS|BELOW TARGET)", proc.stdout, re.MULTILINE), proc.stdout
