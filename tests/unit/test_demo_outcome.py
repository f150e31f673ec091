"""The demo's closing table: one row per call, then dead letters' reasons and calls' warnings in full."""

from __future__ import annotations

import io

from streams.demo import Outcome, print_outcome


def done_row(call_id: str, warnings: list[str]) -> tuple:
    # RESULT_SQL's columns: call, agent, language, duration, talk times, words, prices, scorer, scored,
    # criteria, alerts, scorecard, warnings, _version
    return (call_id, "Anna", "en", 30.0, 12.0, 9.0, 50, 1, "baseline", 7, 7, [], "default", warnings, 5)


def test_a_calls_warnings_follow_the_table_whole() -> None:
    doubt = (
        "recording is mono but the event declares stereo: the parties are mixed, so roles and per-speaker "
        "talk time are unknown; send layout 'mono' or the stereo file"
    )
    outcome = Outcome(
        ["c-1", "c-2", "c-3"],
        {"c-1": done_row("c-1", [doubt]), "c-2": done_row("c-2", [])},
        {"c-3": ("c-3", "transcribe", "RecordingNotFound", "recording not found: /x.wav", 6)},
    )
    out = io.StringIO()
    print_outcome(outcome, out)
    text = out.getvalue()
    assert "warnings (processed, but check the event; also in calls.warnings):" in text
    assert f"  c-1: {doubt}\n" in text  # whole, not cut to a cell
    assert "c-2:" not in text.split("warnings (")[1]  # a call without warnings is not listed
    assert "  c-3: recording not found: /x.wav" in text


def test_no_warnings_no_section() -> None:
    out = io.StringIO()
    print_outcome(Outcome(["c-1"], {"c-1": done_row("c-1", [])}, {}), out)
    assert "warnings (" not in out.getvalue()


def test_a_call_scored_in_part_says_which_criteria_the_llm_failed() -> None:
    """LLM trial: an answer that failed validation for some criteria left the call in ClickHouse (its
    row is the outcome) and a score-stage dead letter the demo did not show."""
    why = (
        "scored without politeness (1 of 5 LLM criteria failed): reasoning.politeness must explain the value"
    )
    outcome = Outcome(
        ["c-1", "c-2"],
        {"c-1": done_row("c-1", []), "c-2": done_row("c-2", [])},
        {},
        {"c-1": ("c-1", "score", "InvalidLlmAnswer", why, 6)},
    )
    out = io.StringIO()
    print_outcome(outcome, out)
    text = out.getvalue()
    assert "scored in part (criteria the LLM's answer failed are `failed`; `dlq list` shows why):" in text
    assert f"  c-1: {why}\n" in text and "  c-2:" not in text
