"""connectors.backfill metadata: which row a recording gets, and CSV exports as PBXs and Excel write
them (found by a red team)."""

from __future__ import annotations

from pathlib import Path

from connectors.backfill import match_metadata, read_asterisk_cdr, read_generic_csv


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
    import pytest

    from connectors.backfill import ImportState, ImportStateError

    for content in ("{not json", '{"published": 5}', "[]"):
        path = tmp_path / "state.json"
        path.write_text(content)
        with pytest.raises(ImportStateError, match="not an import state file"):
            ImportState(path)
    path.write_text('{"published": ["a", "b"]}')
    assert ImportState(path).done == {"a", "b"}
