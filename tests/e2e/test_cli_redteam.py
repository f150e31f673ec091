"""What a demanding new user hit with `callstream`, run as they run it (a fresh process in a scratch
directory): settings set wrong, odd `demo --calls` files, `query` with bad, several, writing or
non-finite SQL and a closed pipe, `--version`. Each case was a traceback, a misleading message, a
silent wrong result or a lying exit code before."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from connectors.events import SAMPLE_CALLS, SAMPLES_DIR
from tests.cli_env import cli_env
from tests.e2e.test_cli import callstream

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def test_version(tmp_path: Path) -> None:
    result = callstream("--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("callstream ")


@pytest.mark.parametrize(
    ("env", "var"),
    [
        ({"CALLSTREAM_KAFKA_BOOTSTRAP": "kafka:notaport"}, "CALLSTREAM_KAFKA_BOOTSTRAP"),
        ({"CALLSTREAM_KAFKA_BOOTSTRAP": "127.0.0.1:99999"}, "CALLSTREAM_KAFKA_BOOTSTRAP"),
        ({"CALLSTREAM_LLM_TIMEOUT": "inf"}, "CALLSTREAM_LLM_TIMEOUT"),
        ({"CALLSTREAM_PARTITIONS": "-3"}, "CALLSTREAM_PARTITIONS"),
    ],
)
def test_a_wrong_setting_is_one_line_and_exit_2_at_once(
    tmp_path: Path, env: dict[str, str], var: str
) -> None:
    started = time.monotonic()
    result = callstream("publish", str(SAMPLE_CALLS), cwd=tmp_path, env=env)
    # not a 30 s wait on a broker that cannot be there, then librdkafka's log and exit 2
    assert time.monotonic() - started < 20
    assert result.returncode == 2
    assert result.stderr.startswith(f"callstream: invalid configuration: {var}: ")
    assert result.stderr.count("\n") == 1, result.stderr


def test_unparsable_env_line_is_an_error_not_a_silent_default(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text('CALLSTREAM_PARTITIONS=2\nCALLSTREAM_KAFKA_BOOTSTRAP="kafka:9092\n')
    result = callstream("config", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "callstream: invalid configuration: CALLSTREAM_KAFKA_BOOTSTRAP: .env line 2 cannot be parsed "
        "(expected NAME=value)\n"
    )


def test_worker_with_unknown_stage_names_the_option(tmp_path: Path) -> None:
    result = callstream("worker", "--stages", "nonsense", cwd=tmp_path)
    assert result.returncode == 2
    assert "argument --stages: unknown stage(s) nonsense" in result.stderr
    assert not (tmp_path / ".callstream").exists()  # nothing started


@pytest.mark.parametrize("content", ["", "not json\n"])
def test_demo_without_a_valid_call_starts_nothing(tmp_path: Path, content: str) -> None:
    calls = tmp_path / "calls.jsonl"
    calls.write_text(content)
    result = callstream("demo", "--calls", str(calls), cwd=tmp_path)
    assert result.returncode == 2  # was 0, after starting the stack for an empty table
    assert "stack: Kafka" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"callstream demo: {calls}: ")


def test_query_is_read_only_clear_and_valid_json(tmp_path: Path) -> None:
    fresh = callstream("query", "SELECT count() AS n FROM calls FINAL", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    # an empty result from the wrong directory does not pass for "no calls"
    assert "held no data (created empty now)" in fresh.stderr

    refused = callstream("query", "DROP TABLE calls", cwd=tmp_path)
    assert refused.returncode == 1
    assert "the statement writes (DROP); it only reads unless given --write" in refused.stderr
    assert refused.stderr.count("\n") == 1

    bad = callstream("query", "SELEC 1", cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stderr.startswith("callstream query: Code: 62. DB::Exception: Syntax error")
    assert bad.stderr.count("\n") == 1 and "FORMAT Native" not in bad.stderr and "Traceback" not in bad.stderr

    several = callstream("query", "SELECT 1 AS a; SELECT 'x' AS b", cwd=tmp_path)
    assert several.returncode == 2 and "one statement at a time" in several.stderr

    written = callstream(
        "query",
        "INSERT INTO dead_letters (call_id, stage) VALUES ('redteam', 'publish')",
        "--write",
        cwd=tmp_path,
    )
    assert written.returncode == 0, written.stderr

    sql = "SELECT call_id, 'звонок' AS t, NULL AS n, nan AS x, [1, inf] AS a FROM dead_letters FINAL"
    result = callstream("query", sql, "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the data dir exists now: no note
    rows = [
        json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
        for line in result.stdout.splitlines()
    ]
    assert rows == [{"call_id": "redteam", "t": "звонок", "n": None, "x": None, "a": [1.0, None]}]


def test_query_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "query", "SELECT number FROM numbers(200000)"],
        cwd=tmp_path,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == "number"  # `| head -1`
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141  # 128 + SIGPIPE, as a shell reports `cat` killed by it
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_demo_reads_relative_recordings_next_to_the_calls_file(tmp_path: Path) -> None:
    work = tmp_path / "мои звонки"
    (work / "rec").mkdir(parents=True)
    shutil.copy(SAMPLES_DIR / "sample-en-complaint.wav", work / "rec" / "жалоба 1.wav")
    base = json.loads(SAMPLE_CALLS.read_text().splitlines()[1])
    calls = work / "calls.jsonl"
    calls.write_text(
        json.dumps(dict(base, call_id="relative", recording_uri="rec/жалоба 1.wav"), ensure_ascii=False)
        + "\n"
    )
    # run from elsewhere: the path is the calls file's, not the working directory's (nor the package's)
    result = callstream("demo", "--calls", str(calls), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("relative"))
    assert "DEAD LETTER" not in line and "(baseline)" in line, result.stdout
