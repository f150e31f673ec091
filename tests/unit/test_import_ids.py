"""`callstream import` call ids: one id names one recording (found by a red team: `2026-11-01/0001.wav`
and `2026-11-02/0001.wav`, or `a.wav` and `a.mp3`, were both published as call `0001`, and the sink,
deduplicating by call id, kept one of them)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from connectors.backfill import plan
from connectors.events import SAMPLES_DIR, call_from_json

WAV = SAMPLES_DIR / "sample-en-mono.wav"


def recordings(root: Path, *names: str) -> Path:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(WAV, root / name)
    return root


def outcome(directory: Path, **kwargs: object) -> dict[str, tuple[str | None, str | None]]:
    """{file below directory: (call id or None, why not)}"""
    return {
        p.path.relative_to(directory).as_posix(): (p.call["call_id"] if p.call else None, p.why)
        for p in plan(directory, None, "acme", **kwargs)  # type: ignore[arg-type]
    }


def test_a_second_file_with_the_same_stem_is_refused_with_the_fix(tmp_path: Path) -> None:
    root = recordings(tmp_path / "monitor", "2026-11-01/0001.wav", "2026-11-02/0001.wav", "solo.wav")
    got = outcome(root)
    assert got["2026-11-01/0001.wav"] == ("0001", None)
    assert got["solo.wav"] == ("solo", None)  # a unique stem keeps its id: re-runs stay idempotent
    call_id, why = got["2026-11-02/0001.wav"]
    assert call_id is None and why is not None
    assert "'0001' is already that of 2026-11-01/0001.wav" in why
    assert "--call-id-from path" in why and "'2026-11-02/0001'" in why


def test_call_id_from_path_gives_each_file_its_own_valid_id(tmp_path: Path) -> None:
    root = recordings(tmp_path / "monitor", "2026-11-01/0001.wav", "2026-11-02/0001.wav", "solo.wav")
    got = outcome(root, call_id_from="path")
    assert got == {
        "2026-11-01/0001.wav": ("2026-11-01/0001", None),
        "2026-11-02/0001.wav": ("2026-11-02/0001", None),
        "solo.wav": ("solo", None),
    }
    for planned in plan(root, None, "acme", call_id_from="path"):
        call = planned.call
        assert call is not None and call_from_json(call)["call_id"] == call["call_id"]  # "/" is allowed


def test_the_same_name_in_two_formats_is_refused_in_either_mode(tmp_path: Path) -> None:
    root = recordings(tmp_path / "monitor", "a.mp3", "a.wav")  # a WAV named .mp3: PyAV reads it all the same
    for mode in ("stem", "path"):
        got = outcome(root, call_id_from=mode)
        assert got["a.mp3"] == ("a", None)
        assert got["a.wav"][0] is None and "already that of a.mp3" in (got["a.wav"][1] or "")
    assert "rename one of the files" in (got["a.wav"][1] or "")


def test_a_metadata_row_matching_two_files_publishes_one(tmp_path: Path) -> None:
    root = recordings(tmp_path / "monitor", "q-1763632800.42-in.wav", "q-1763632800.42-out.wav")
    master = tmp_path / "Master.csv"
    row = ["", "+15550101", "201", "from-queue", "", "SIP/t-1", "SIP/201-2", "Dial", "SIP/201",
           "2026-11-20 10:00:00", "2026-11-20 10:00:04", "2026-11-20 10:00:40", "40", "36", "ANSWERED",
           "DOCUMENTATION", "1763632800.42", ""]  # fmt: skip
    with master.open("w", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerow(row)
    first, second = plan(root, master, "acme")
    call, why, none, reused, reused_id = first.call, first.why, second.call, second.why, second.call_id
    assert call is not None and call["call_id"] == "1763632800.42" and why is None
    assert none is None and reused is not None and "metadata row matches both files" in reused
    assert reused_id == "1763632800.42"  # its dead letter is found by the row's call id
