"""The scanning twins of the IGNORECASE patterns searched over a whole call's text (``pii._scanning``)
find a match exactly where the pattern does: on random texts of the patterns' own words, in random
case (with the letters IGNORECASE also folds: ſ, ᲄ, ...), glued to letters or not, split over lines.
And each twin's first-character class holds every character IGNORECASE matches for its branches."""

from __future__ import annotations

import random
import re

import pytest

from processors import pii

# (the IGNORECASE pattern, its scanning twin, the words and phrases its matches are made of, by |)
_TWINS = [
    (
        pii.CVV_ASK,
        pii._CVV_ASK_SCAN,
        "cvv|cvv2|cvc|cvc2|cvn|cid|security|card|code|код|безопасности|на обороте|с обратной стороны|"
        "оборота|сзади|three|3|four|4|digit|digits|on the back|on the|code on the|front|the|три|четыре|"
        "цифры|трех|трёх|четырех|четырёхзначный|трёхзначный|трехзначный|лицевой|значный",
    ),
    (
        pii._ID_LAST_FOUR,
        pii._ID_LAST_FOUR_SCAN,
        "last four|last 4 digits|last four digits of|last 4 of your|of the|of|your|my|the account holder's|"
        "primary holder’s|their|social|ssn|sin|passport|id|idea|driver|licence|license|policy|member|nhs|"
        "national insurance|number is|.|?|!|social security, the last four|ssn and last 4|"
        "последние четыре цифры от|последних 4 цифр|последний|цифры|цифра|вашего|от|паспорта|снилс|инн|"
        "полиса|прав",
    ),
    (
        pii._PHONE_LAST_FOUR,
        pii._PHONE_LAST_FOUR_SCAN,
        "last four|last 4 digits|last four digits of your|last 4 of the|last four of my|of|your|the|his|"
        "mobile|cell|phone|telephone|contact number|contact|последние четыре цифры|последних 4 цифр|"
        "последний|цифры|цифра|вашего|номера|телефона|мобильного",
    ),
    (
        pii._TAKE_BACK,
        pii._TAKE_BACK_SCAN,
        "ой|нет|не так|неправильно|подождите|точнее|вернее|извините|простите|сначала|заново|секундочку|"
        "секунду|sorry|no wait|wait|i mean|oops|scratch that|hold on|start it over|start over|one sec|"
        "one second|that's wrong|thats wrong|not right|то есть|5|три",
    ),
]
_NAMES = ["cvv_ask", "id_last_four", "phone_last_four", "take_back"]
_SEPARATORS = [" ", " ", " ", "  ", "\n", "-", ", ", "", "x", "я", "_", "1", "\t", ". "]
_FOLDS = {"s": "ſ", "т": "ᲄᲅ", "о": "ᲂ", "в": "ᲀ", "i": "ıİ", "k": "K"}


def _vary(word: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        word = word.upper()
    elif roll < 0.3:
        word = word.capitalize()
    elif roll < 0.35:
        word = "".join(c.upper() if rng.random() < 0.5 else c for c in word)
    if rng.random() < 0.05:
        word = "".join(rng.choice(_FOLDS[c]) if c in _FOLDS and rng.random() < 0.5 else c for c in word)
    return word


def _texts(words: str, seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    vocabulary = words.split("|")
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 9)):
            parts += (_vary(rng.choice(vocabulary), rng), rng.choice(_SEPARATORS))
        out.append("".join(parts[: -1 if rng.random() < 0.5 else None]))
    return out


@pytest.mark.parametrize(("pattern", "twin", "words"), _TWINS, ids=_NAMES)
def test_twin_matches_where_the_pattern_does(
    pattern: re.Pattern[str], twin: re.Pattern[str], words: str
) -> None:
    found = 0
    for text in _texts(words, 7, 40000):
        expected = pattern.search(text) is not None
        assert (twin.search(text) is not None) == expected, text
        found += expected
    assert 1000 < found < 39000  # both ways, many times


@pytest.mark.parametrize(("pattern", "twin", "words"), _TWINS, ids=_NAMES)
def test_twin_first_characters_are_every_case_of_them(
    pattern: re.Pattern[str], twin: re.Pattern[str], words: str
) -> None:
    firsts = re.match(r"\[([^\]]+)\]", twin.pattern).group(1)  # type: ignore[union-attr]
    branches = re.findall(r"\(\?i:\(\?<=(.)\)\)", twin.pattern)
    every = "".join(map(chr, range(0x110000)))
    assert set(firsts) == set(re.findall(f"(?i:[{''.join(branches)}])", every))
