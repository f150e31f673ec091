"""Query output never prints a control character raw (security audit L3): a value from the calls
(an agent name, a dead letter's call id, a CRM field) must not drive the reader's terminal."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any, ClassVar

import pytest

import streams.clickhouse
from streams.cli import main
from streams.table import escape_controls, print_json, print_table

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env

RAW = ["\x1b", "\r", "\n", "\x07", "\x00", "\x7f", "\x9b", "\u2028", "\u202e"]
NASTY = "a\x1b[31mRED\r\nCRITICAL forged\x07\x00\x7f\x9b2J\u2028\u202eZ"


def test_escape_controls_writes_them_as_python_does() -> None:
    assert escape_controls(NASTY) == r"a\x1b[31mRED\r\nCRITICAL forged\x07\x00\x7f\x9b2J\u2028\u202eZ"
    assert escape_controls("plain, é, 日本, tab-free") == "plain, é, 日本, tab-free"
    assert escape_controls("a\tb") == r"a\tb"
    assert escape_controls("no\u00a0break") == "no\u00a0break"  # not printable, but no control


def test_table_cells_and_headers_are_escaped() -> None:
    out = io.StringIO()
    print_table(["agent\x1b[2J"], [[NASTY], ["Anna"], [None], [1.25]], out)
    text = out.getvalue()
    assert not any(ch in text.replace("\n", "") for ch in RAW), text
    lines = text.splitlines()
    assert len(lines) == 7  # header, rule, 4 rows, count: a cell's line break made another line
    assert lines[0] == r"agent\x1b[2J"
    assert lines[2] == escape_controls(NASTY)
    assert lines[3:6] == ["Anna", "", "1.25"]


def test_json_lines_escape_what_json_would_print_raw() -> None:
    out = io.StringIO()
    print_json(["x", "y"], [[NASTY, "é 日本"]], out)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert not any(ch in text[:-1] for ch in RAW), text
    assert json.loads(text) == {"x": NASTY, "y": "é 日本"}  # the same value, escaped
    assert "é 日本" in text  # other text stays readable


class FakeClient:
    server_settings: ClassVar[dict[str, Any]] = {}


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_callstream_query_prints_no_raw_escape_sequence(
    fmt: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """The auditor's `callstream query "SELECT 'a' || char(27) || '[31mRED' AS x" | cat -v`."""

    def rows() -> Iterator[tuple[str]]:
        yield ("a\x1b[31mRED",)

    monkeypatch.setattr(streams.clickhouse, "connect", lambda dsn: FakeClient())
    monkeypatch.setattr(streams.clickhouse, "migrate", lambda client: [])
    monkeypatch.setattr(
        streams.clickhouse, "stream_query", lambda client, sql, settings: (["x"], rows(), nullcontext())
    )
    assert main(["query", "SELECT 1", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert (r"a\x1b[31mRED" if fmt == "table" else r"a\u001b[31mRED") in out
