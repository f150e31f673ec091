"""pii.redact's no-digit fast path against the plain code it stands for."""

from __future__ import annotations

import random

import pytest

from processors import pii
from processors.pii import PiiOptions, redact
from streams.bench_text import make_long_transcript, vary
from tests.unit.test_text_golden import TURNS

SAID = [
    "ivan at gmail dot com",
    "Пишите: иван собака гмейл точка ком.",
    "john dot smith eighty five at gmail dot com",
    "My email is Ivan At Mail Dot Ru",
    "CVV one oh one",
    "The security code is one one one.",
    "три цифры сзади: один, один, один",
    "the last four of my social are four one five five",
    "last four are oh one one one",
    "Here is my passport, series one one, number one one",
    "Nothing to see here.",
    "Да, конечно, записывайте.",
    "",
    "@",
    "Visa card, one one one one one one one one",
    "эт мейл ру",
]
OPTIONS = [PiiOptions(), PiiOptions(emails=False), PiiOptions(cards=False), PiiOptions(ids=False)]


def _texts() -> list[str]:
    rng = random.Random(7)
    calls = [vary(make_long_transcript(f"g{i}", rng, "en" if i % 2 else "ru"), rng) for i in range(6)]
    return [s["text"] for call in calls for s in call["segments"]] + [t[1] for t in TURNS] + SAID


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("asked", [None, "card", "passport", "ssn"])
def test_the_no_digit_fast_path_answers_as_the_plain_code(monkeypatch, options, asked):
    texts = _texts()
    fast = [redact(t, options, asked) for t in texts]
    assert sum(pii._nothing_to_redact(t, options) for t in texts) > len(texts) // 3  # it is taken
    monkeypatch.setattr(pii, "_nothing_to_redact", lambda text, options: False)
    assert [redact(t, options, asked) for t in texts] == fast


def _plain_nothing_to_redact(text: str, options: PiiOptions) -> bool:
    """:func:`pii._nothing_to_redact` as three scans: a digit, a spoken at, a card code's hint."""
    return (
        pii._DIGIT_ANY.search(text) is None
        and not pii._says_at(text, options)
        and not (options.cards and pii._CVV_HINT.search(text) is not None)
    )


@pytest.mark.parametrize("options", OPTIONS)
def test_the_one_scan_gate_answers_as_its_three_scans(options):
    edges = [
        *pii._CVV_HINTS,
        *(f"x{h}x" for h in pii._CVV_HINTS),
        *(h[:-1] for h in pii._CVV_HINTS),
        *(h.swapcase() for h in pii._CVV_HINTS),
        "cV",
        "write at home",
        "write  at  home",
        "At last",
        " At home",
        " AT home",
        "собака",
        "собачка",
        "оба",
        "Собака",
        "скажи эт мейл",
        "эт",
        "at@",
        "٣",  # a digit of another script: \d finds it
        "digit",
        "igit code",
        "об ратной",
    ]
    texts = _texts() + edges
    assert [pii._nothing_to_redact(t, options) for t in texts] == [
        _plain_nothing_to_redact(t, options) for t in texts
    ]
