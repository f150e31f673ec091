"""connectors.backfill metadata: which row a recording gets, and CSV exports as PBXs and Excel write
them (found by a red team)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from connectors.backfill import (
    MetadataError,
    match_metadata,
    plan,
    probe,
    read_asterisk_cdr,
    read_generic_csv,
)
from connectors.events import SAMPLES_DIR
from processors.audio import CorruptRecording, EmptyRecording
from streams.cli import main


def test_a_key_matches_a_file_name_only_as_a_whole_token():
    rows = {"1763632800.4": {"n": "a"}, "1763632800.42": {"n": "b"}, "7": {"n": "c"}}
    name = Path("queue-201-20261120-100000-1763632800.42.wav")
    assert match_metadata(name, rows) == {"n": "b"}  # not the row of 1763632800.4
    assert match_metadata(Path("q-1763632800.4.wav"), rows) == {"n": "a"}
    assert match_metadata(Path("call-17.wav"), rows) is None  # call 7 is not in call 17
    assert match_metadata(Path("call-7.wav"), rows) == {"n": "c"}


def test_cp1251_and_bom_exports_are_read(tmp_path: Path):
    cdr = tmp_path / "Master.csv"
    row = ',"+79161234567","201","from-queue","""Иван"" <+79161234567>","SIP/t-1","SIP/201-2","Dial",'
    row += '"SIP/201","2026-11-20 10:00:00","2026-11-20 10:00:04","2026-11-20 10:00:40","40","36",'
    row += '"ANSWERED","DOCUMENTATION","1763632800.42","Иванов"\n'
    cdr.write_bytes(row.encode("cp1251"))
    (only,) = read_asterisk_cdr(cdr).values()
    assert only["userfield"] == "Иванов" and only["clid"] == '"Иван" <+79161234567>'

    generic = tmp_path / "calls.csv"
    generic.write_bytes("\ufeffcall_id,file,agent_id\nCRM-777,a.wav,201\n".encode())  # Excel's BOM
    assert read_generic_csv(generic) == {"a": {"call_id": "CRM-777", "file": "a.wav", "agent_id": "201"}}


def test_master_csv_times_are_the_pbx_local_time(tmp_path: Path):
    """cdr_csv writes local time: read as UTC, every call of a Moscow PBX was 3 hours off."""
    from zoneinfo import ZoneInfo

    from connectors.backfill import _asterisk_time

    moscow = _asterisk_time("2026-11-20 10:00:04", ZoneInfo("Europe/Moscow"))
    assert moscow is not None and moscow.isoformat() == "2026-11-20T10:00:04+03:00"
    assert _asterisk_time("2026-11-20 10:00:04").isoformat() == "2026-11-20T10:00:04+00:00"  # type: ignore[union-attr]


def test_a_state_file_that_is_no_state_is_a_clear_error(tmp_path: Path):
    from connectors.backfill import ImportState, ImportStateError

    for content in ("{not json", '{"published": 5}', "[]"):
        path = tmp_path / "state.json"
        path.write_text(content)
        with pytest.raises(ImportStateError, match="not an import state file"):
            ImportState(path)
    path.write_text('{"published": ["a", "b"]}')
    assert ImportState(path).done == {"a", "b"}


def test_a_master_csv_without_uniqueid_is_one_clear_error(tmp_path: Path, monkeypatch, capsys) -> None:
    """cdr_csv writes 16 columns unless loguniqueid=yes: it was taken for a generic CSV without a
    header (a misleading ValueError, printed as a traceback)."""
    root = tmp_path / "monitor"
    root.mkdir()
    (root / "q-201-1763632800.42.wav").write_bytes(b"")  # never probed: the CSV is refused first
    master = tmp_path / "Master.csv"
    row = ["", "+15550101", "201", "from-queue", '"Alice" <+15550101>', "SIP/t-1", "SIP/201-2", "Dial",
           "SIP/201", "2026-11-20 10:00:00", "2026-11-20 10:00:04", "2026-11-20 10:00:40", "40", "36",
           "ANSWERED", "DOCUMENTATION"]  # fmt: skip
    with master.open("w", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows([row, row])
    with pytest.raises(MetadataError, match=r"no uniqueid column.*loguniqueid=yes.*cdr\.conf"):
        plan(root, master, "acme")

    # the command says it in one line, before any broker is contacted (nothing listens on port 1)
    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    assert main(["import", str(root), "--metadata", str(master), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("callstream import: ") and "no uniqueid column" in err
    assert err.count("\n") == 1 and "Traceback" not in err

    # a generic CSV whose header happens to have 16 columns is still told it lacks file/call_id
    master.write_text(",".join(f"col{i}" for i in range(16)) + "\n" + ",".join(row) + "\n")
    with pytest.raises(MetadataError, match="needs a header with a `file` or `call_id` column"):
        plan(root, master, "acme")


def test_unreadable_recordings_are_reported_with_their_reason(tmp_path: Path) -> None:
    """An empty .wav was reported as PyAV's "InvalidDataError: [Errno 1094995529] Invalid data ..."."""
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(EmptyRecording, match="file is zero bytes"):
        probe(empty)
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"not audio at all" * 64)
    with pytest.raises(CorruptRecording, match=r"garbage\.wav"):
        probe(garbage)
    recording = probe(SAMPLES_DIR / "sample-en-sale.wav")
    assert recording.channels == 2 and 20 < recording.duration < 40


def test_a_row_with_one_time_gets_the_other_from_the_recording(tmp_path: Path) -> None:
    """A generic CSV with `started_at` and no `ended_at` failed every file with `ended_at: required`,
    although the importer reads each recording's duration (found by an acceptance tester)."""
    from connectors.events import call_from_json

    root = tmp_path / "monitor"
    root.mkdir()
    for name in ("a.wav", "b.wav"):
        (root / name).write_bytes((SAMPLES_DIR / "sample-en-sale.wav").read_bytes())
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "file,call_id,agent_id,agent_name,started_at,ended_at,queue\n"
        "a.wav,bf-0001,201,Alice,2026-11-20T10:00:00+03:00,,sales\n"
        "b.wav,bf-0002,202,Bob,,2026-11-20T11:00:00Z,sales\n"
    )
    duration = probe(SAMPLES_DIR / "sample-en-sale.wav").duration
    calls = {p.call_id: call_from_json(p.call) for p in plan(root, meta, "acme") if p.call is not None}
    assert sorted(calls) == ["bf-0001", "bf-0002"]
    for call in calls.values():
        assert (call["ended_at"] - call["started_at"]).total_seconds() == pytest.approx(duration)
    assert calls["bf-0001"]["started_at"].isoformat() == "2026-11-20T10:00:00+03:00"
    assert calls["bf-0002"]["ended_at"].isoformat() == "2026-11-20T11:00:00+00:00"

    # a time that does not parse is left for validation to name, not guessed around
    meta.write_text("file,call_id,started_at\na.wav,bf-0001,yesterday\n")
    [bad, _unmatched] = plan(root, meta, "acme")
    assert bad.call is not None and "ended_at" not in bad.call and bad.call["started_at"] == "yesterday"


def test_a_planned_recording_names_the_call_id_its_dead_letter_gets(tmp_path: Path) -> None:
    """Import dead letters had no call id, even when the metadata row named one."""
    root = tmp_path / "monitor"
    root.mkdir()
    (root / "broken.wav").write_bytes(b"not audio at all")
    (root / "orphan.wav").write_bytes(b"never probed")
    (root / "good.wav").write_bytes((SAMPLES_DIR / "sample-en-mono.wav").read_bytes())
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "file,call_id,started_at\nbroken.wav,bf-0001,2026-11-20T10:00:00Z\ngood.wav,,2026-11-20T10:00:00Z\n"
    )
    got = {p.path.name: (p.call_id, p.why is None) for p in plan(root, meta, "acme")}
    assert got == {
        "broken.wav": ("bf-0001", False),
        "orphan.wav": ("orphan", False),
        "good.wav": ("good", True),
    }
