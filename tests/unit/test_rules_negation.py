"""Negated intents (``processors.rules``): the gated search for an entry's hits finds the hits the plain
pattern finds, and the negation read before each of them."""

from __future__ import annotations

import random
import re

import pytest

from processors import rules

_WORDS = (
    *(p.rstrip("*") + ("ить" if p.endswith("*") else "") for e in rules.DEFAULT_KEYWORDS.values() for p in e),
    *rules._NEGATIONS,
    *sorted(rules._NEGATION_BRIDGE),
    "Cancel", "CANCEL", "Отменить", "I", "we", "why", "would", "can", "anytime", "мне", "можно", "могу",
    "it's", "don't", "Don’t", "dollars", "тариф", "[PHONE]", "Straße", "\u212a", "ё", "uncancel", "отменный",
)  # fmt: skip
_GLUE = ("", "", "", ",", ".", "?", "!", " -", ";", "\n")


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(_WORDS) + rng.choice(_GLUE) for _ in range(rng.randint(1, 30))) for _ in range(n)
    ]


def _plain_negated(pattern: re.Pattern[str], text: str) -> int:
    """negated_hits as it read before its hits were found through the entry's gate."""
    n = 0
    for m in pattern.finditer(text):
        before = text[max(0, m.start() - 80) : m.start()].replace("’", "'").lower()
        words = rules._CLAUSE_END.split(before)[-1].split()[-rules._NEGATION_WORDS :]
        for at in range(len(words) - 1, -1, -1):
            if words[at] in rules._NEGATIONS:
                n += not (at + 1 < len(words) and rules._UNABLE.match(words[at + 1]))
                break
            if words[at] not in rules._NEGATION_BRIDGE:
                break
    return n


@pytest.mark.parametrize("name", ["cancel", "too_expensive"])
def test_gated_hits_and_negations_as_the_plain_pattern_finds_them(name: str) -> None:
    phrases = tuple(rules.DEFAULT_KEYWORDS[name])
    pattern = rules._entry_pattern(phrases)
    for text in _texts(3, 1500):
        starts = rules._match_starts(phrases, text, rules.fold(text))
        assert starts == [m.start() for m in pattern.finditer(text)], text
        assert rules._negated(text, starts) == _plain_negated(pattern, text), text
        assert rules.negated_hits(pattern, text) == _plain_negated(pattern, text), text
