"""Fast paths of compression's repeat folding against the plain code they stand for."""

from __future__ import annotations

import random

import pytest

from processors.compression import _contrast, _contrast_words, _polarities_of, _polarity
from processors.text import WORD_RE
from streams.bench_text import FIXTURES, fixture_transcript, make_long_transcript, vary

_EDGES = [
    ["It is not included.", "No, nothing.", "Don't.", "Нет, не надо.", "Без роутера? Никогда."],
    ["NOT", "not", "NoT a thing", "isn't", "isn’t it?", "ни за что", "неНЕ не"],
    ["a\x00b not here", "never"],  # the separator inside a text: the plain path
    ["Straße is not nothing", "no"],  # not fold-safe: the plain path
    ["", "?", "not?", "", "no"],
    ["cannot", "can not", "nobody none", "without no"],
    [],
]


@pytest.mark.parametrize("texts", _EDGES)
def test_polarities_of_edges_match_polarity_per_text(texts):
    assert _polarities_of(texts) == [_polarity(t) for t in texts]


def test_polarities_of_calls_match_polarity_per_text():
    rng = random.Random(3)
    calls = [fixture_transcript(name) for name in FIXTURES]
    calls += [vary(make_long_transcript(f"g{i}", rng, "en" if i % 2 else "ru"), rng) for i in range(20)]
    for call in calls:
        texts = [seg["text"] for seg in call["segments"]]
        assert _polarities_of(texts) == [_polarity(t) for t in texts]


@pytest.mark.parametrize(
    ("first", "later"),
    [
        ("How much is the premium plan?", "Sorry, how much is the basic plan?"),
        ("So it is 59 dollars per user.", "So it is 59 dollars per user per month, as I said."),
        ("У меня не работает телевидение.", "И телефон у меня не работает."),
        ("", "anything"),
    ],
)
def test_contrast_words_is_contrast(first, later):
    words = [WORD_RE.findall(t.lower()) for t in (first, later)]
    assert _contrast_words(*words) == _contrast(first, later)
