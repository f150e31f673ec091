"""rules._may_cue_amount, the gate before _cued_amounts' pattern scans, against those scans."""

from __future__ import annotations

import random

import pytest

from processors import rules
from processors.text import fold
from streams.bench_text import FIXTURES, make_long_transcript, vary

#: Amounts with no currency the cue patterns find, each in another shape: digits, number words in
#: either language and case, hyphenated, at the text's end, a word glued after "thousand".
PRICED = [
    "Тариф Профи — 2990 в месяц.",
    "It's 49.99 a month per user.",
    "Forty-Nine Ninety-Nine a month",
    "будет стоить двадцать две тысячи",
    "Стоимость работ 4800",
    "шесть тысяч двести за ночь",
    "two hundred a night",
    "I can go to forty five thousand for two years.",
    "we could go down to 48 000",
    "meet you at 45000",
    "last year we paid forty eight thousand",
    "It COSTS TWENTY",
    "залог 65 000, и всё",
    "the deposit is five hundred.",
    "I can go to two thousand.",
    "it costs сто",
]
#: Cue words with no amount: what the gate lets the scans skip.
UNPRICED = [
    "Ну да, погода, конечно, на этой неделе, ну, вообще, как бы, странная.",
    "Yeah, I mean, the weather's been crazy this week, hasn't it, um, anyway.",
    "How much does it cost per month?",
]


def _texts() -> list[str]:
    rng = random.Random(5)
    calls = [vary(make_long_transcript(f"g{i}", rng, "en" if i % 2 else "ru"), rng) for i in range(6)]
    said = [s["text"] for call in calls for s in call["segments"]]
    said += [turn[1] for spec in FIXTURES.values() for turn in spec["turns"]]
    return said + PRICED + UNPRICED + [t.upper() for t in PRICED]


@pytest.mark.parametrize("text", PRICED)
def test_priced_texts_are_found_by_the_scans(text: str) -> None:
    # the shapes above are amounts the patterns count: the gate is tested on real hits
    assert rules._cued_amounts(text, []) > 0


@pytest.mark.parametrize("text", UNPRICED)
def test_a_cue_word_without_an_amount_skips_the_scans(text: str) -> None:
    assert not rules._may_cue_amount(fold(text) or "")
    assert rules._cued_amounts(text, []) == 0


def test_the_gate_never_skips_a_text_the_scans_count_in() -> None:
    texts = [t for t in _texts() if fold(t) is not None]
    counted = [t for t in texts if rules._cued_amounts(t, []) > 0]
    assert len(counted) >= len(PRICED)  # the check has hits to miss
    assert all(rules._may_cue_amount(fold(t)) for t in counted)  # type: ignore[arg-type]
    # and it is a gate: most texts holding no amount are skipped
    assert sum(not rules._may_cue_amount(fold(t)) for t in texts) > len(texts) // 3  # type: ignore[arg-type]
