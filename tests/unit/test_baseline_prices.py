"""The baseline scorer stops its price scan after the prices it reads: its values and reasoning are
what the scan of the whole call gives."""

from __future__ import annotations

import random

import pytest

from processors import baseline
from processors.baseline import Turn, baseline_scores
from processors.scoring import DEFAULT_CRITERIA
from streams.bench import make_bench_transcript
from streams.bench_text import make_long_transcript

PRICES = [
    ("agent", "The starter plan is $29 a month, the team plan $49, pro is $79 and enterprise $99."),
    ("customer", "And the onboarding? Another 500 dollars?"),
    ("agent", "Onboarding is €200, or 150 pounds, and support is twenty dollars a seat."),
]


def _turns(segments: list[dict]) -> list[Turn]:
    return baseline.turns_from_segments(segments)


def _calls() -> list[list[Turn]]:
    rng = random.Random(3)
    calls = [[Turn(role, text) for role, text in PRICES[:n]] for n in range(len(PRICES) + 1)]
    calls += [_turns(make_bench_transcript(f"p-{i}", rng)["segments"]) for i in range(12)]
    calls += [_turns(make_long_transcript(f"l-{i}", rng, ("en", "ru")[i % 2])["segments"]) for i in range(4)]
    return calls


@pytest.mark.parametrize("index", range(len(_calls())))
def test_scores_equal_those_from_every_price(index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    turns = _calls()[index]
    scored = baseline_scores(turns, DEFAULT_CRITERIA)
    monkeypatch.setattr(baseline, "_PRICES_KEPT", None)  # islice(..., None): the whole call
    assert baseline_scores(turns, DEFAULT_CRITERIA) == scored


def test_more_prices_than_shown_still_say_so() -> None:
    found = baseline_scores([Turn(role, text) for role, text in PRICES], DEFAULT_CRITERIA)
    assert "price named '$29', '$49', '$79', '$99' ... +10" in found["sale_probability"].reasoning
