"""The warning kinds (processors/doubts.py) and the BI view that reports them (the newest migration
defining bi_call_warnings) name the same codes, flags and stages; a Doubt is its text to every reader
and keeps its kind."""

from __future__ import annotations

import copy
import json
import pickle
import re

import pytest

from processors.doubts import (
    KINDS,
    OTHER,
    TRANSCRIPT_CUT,
    WORDED_KINDS,
    Doubt,
    kind_of,
    kinds_of,
    parallel_kinds,
)
from streams.clickhouse import SOURCE_DDL_DIR

#: The migration that defines bi_call_warnings last: what a migrated database runs.
VIEW_SQL = max(
    (p for p in SOURCE_DDL_DIR.glob("*.sql") if "VIEW bi_call_warnings" in p.read_text(encoding="utf-8")),
    key=lambda p: p.name,
)
SQL = VIEW_SQL.read_text(encoding="utf-8")


def _quoted(text: str) -> list[str]:
    return re.findall(r"'([a-z_]+)'", text)


def test_the_migrations_kind_table_is_the_modules() -> None:
    """The view migration's header lists each kind with its event_mismatch flag, stage and meaning, as
    KINDS does."""
    assert VIEW_SQL.name != "019_warning_kinds.sql" or len(KINDS) == len(WORDED_KINDS)
    rows = re.findall(r"^-- ([a-z_]+) +([01]) +(transcribe|score|'') +(.+)$", SQL, re.MULTILINE)
    listed = {code: (flag == "1", stage, meaning) for code, flag, stage, meaning in rows}
    assert listed.pop(OTHER) == (False, "''", "a warning of no kind and another wording")
    assert listed == {k.code: (k.event_mismatch, k.stage, k.meaning) for k in KINDS.values()}


def test_the_views_flags_and_stages_are_the_modules() -> None:
    mismatch = re.search(r"toUInt8\(kind IN \(([^)]*)\)\) AS event_mismatch", SQL)
    assert mismatch is not None
    assert set(_quoted(mismatch.group(1))) == {k.code for k in KINDS.values() if k.event_mismatch}
    stage = re.search(
        r"multiIf\(kind IN \(([^)]*)\), 'score', kind = 'other', '', 'transcribe'\) AS stage", SQL
    )
    assert stage is not None
    assert _quoted(stage.group(1)) == [k.code for k in KINDS.values() if k.stage == "score"]
    assert {k.stage for k in KINDS.values()} == {"score", "transcribe"}


def test_the_views_wording_fallback_tells_every_kind() -> None:
    """For rows without codes (before 019) the view still matches the wording of every kind 018 told
    that way; the kinds added since were coded from the start."""
    fallback = SQL[SQL.index("multiIf(\n") : SQL.index("AS kind,")]
    results = [code for code in _quoted(fallback) if code in KINDS or code == OTHER]
    assert results == [*WORDED_KINDS, OTHER]


def test_a_doubt_reads_as_its_text_and_keeps_its_kind() -> None:
    doubt = Doubt("transcript cut to fit the model's context", TRANSCRIPT_CUT)
    assert doubt == "transcript cut to fit the model's context" and isinstance(doubt, str)
    assert json.dumps([doubt]) == json.dumps(["transcript cut to fit the model's context"])
    for again in (pickle.loads(pickle.dumps(doubt)), copy.deepcopy(doubt), copy.copy(doubt)):
        assert again == doubt and kind_of(again) == TRANSCRIPT_CUT
    assert kinds_of([doubt, "a plain string"]) == [TRANSCRIPT_CUT, ""]


def test_an_unknown_kind_is_refused_where_the_warning_is_made() -> None:
    with pytest.raises(
        ValueError, match=r"unknown warning kind 'transcript_cutt'; known: mono_declared_stereo"
    ):
        Doubt("text", "transcript_cutt")


@pytest.mark.parametrize(
    ("warnings", "kinds", "expected"),
    [
        (["a", "b"], ["x", "y"], ["x", "y"]),
        (["a", "b"], ["x"], ["x", ""]),
        (["a", "b"], None, ["", ""]),
        (["a"], ["x", "y"], ["x"]),
        ([], ["x"], []),
    ],
)
def test_parallel_kinds_gives_one_code_per_warning(warnings, kinds, expected) -> None:
    assert parallel_kinds(warnings, kinds) == expected
