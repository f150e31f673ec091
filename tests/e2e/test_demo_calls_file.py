"""`callstream demo --calls` on the user acceptance review's edge file, in one run of the real stack:
a symlink and a `..` path out of the calls' folder are refused unread (they were read, and /etc
allowed), a repeated call id is said and shown once, a misspelt field is warned of (as `publish`
does), and a bad line's dead letter goes under its own call id (it went under FILE:LINE)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.events import SAMPLE_CALLS
from tests.e2e.test_cli import callstream, query_json

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def test_demo_refuses_links_and_dotdot_out_and_names_repeats_and_bad_lines(tmp_path: Path) -> None:
    calls_dir = tmp_path / "uat" / "calls"
    (calls_dir / "sub").mkdir(parents=True)
    (calls_dir / "sub" / "link.wav").symlink_to("/etc/passwd")
    up = "../" * (len(calls_dir.parts) + 2)  # past / from anywhere: `..` at / stays at /
    base = json.loads(SAMPLE_CALLS.read_text().splitlines()[0])
    lines = [
        dict(base, call_id="uat-link", recording_uri="sub/link.wav", qeue="sales"),  # a typo: dropped, said
        dict(base, call_id="uat-dotdot", recording_uri=f"../calls/{up}etc/hosts"),
        dict(base, call_id="uat-dotdot", recording_uri=f"../calls/{up}etc/hosts"),
        dict(base, call_id="uat-invalid", started_at="yesterday"),
    ]
    calls = calls_dir / "edge.jsonl"
    calls.write_text("\n".join([*map(json.dumps, lines), "{not json"]) + "\n")

    result = callstream("demo", "--calls", str(calls), "--timeout", "120", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{calls}:3: call_id uat-dotdot already on line 2; the later line replaces it" in result.stderr
    assert f"{calls}:1: warning: unknown field 'qeue' dropped (did you mean 'queue'?)" in result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert [line.split()[0] for line in result.stdout.splitlines()].count("uat-dotdot") == 1
    for call_id in ("uat-link", "uat-dotdot"):
        assert "DEAD LETTER at transcribe: RecordingNotAllowed" in rows[call_id], result.stdout
    assert "DEAD LETTER at publish: InvalidCall" in rows["uat-invalid"], result.stdout
    assert "DEAD LETTER at publish" in rows[f"{calls}:5"], result.stdout
    # the whole reason, under the table (cut to 70 characters in the cell, it lost the setting to widen)
    reasons = result.stdout.split("dead letters (`callstream dlq list` shows them again", 1)[1]
    assert "outside the recording roots (CALLSTREAM_RECORDING_ROOTS)" in rows["uat-link:"], reasons
    assert rows["uat-invalid:"].strip().startswith("uat-invalid: started_at: "), reasons

    letters = query_json("SELECT call_id, topic, offset, error_class FROM dead_letters FINAL", tmp_path)
    by_id = {row["call_id"]: row for row in letters}
    assert by_id["uat-link"]["error_class"] == by_id["uat-dotdot"]["error_class"] == "RecordingNotAllowed"
    assert (by_id["uat-invalid"]["topic"], by_id["uat-invalid"]["offset"]) == (str(calls), 4)
