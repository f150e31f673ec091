"""Why: "Последние 4 цифры карты?" / "What are the last four digits of the card?" read as a card's
"4 digits" security code: the answer was stored as [CARD] and counted as a CVV (an outside evaluator's
round 5, a bank fraud call). A card's last four stay (PCI DSS lets them show; docs/pii.md). A code asked
for still is one, also beside the last four, and an account's last four stay hidden."""

from __future__ import annotations

import pytest

from processors.filtering import filter_transcript
from processors.pii import asks_card_last_four, asks_cvv
from streams.bench_text import make_transcript_from_turns

A, C = "agent", "customer"


def _filtered(turns: list[tuple[str, str]], lang: str) -> tuple[list[str], dict[str, int]]:
    out = filter_transcript(make_transcript_from_turns("last4", turns, lang))
    return [s["text"] for s in out["transcript"]["segments"]], dict(out["pii"])


@pytest.mark.parametrize(
    ("turns", "lang", "answer"),
    [
        ([(A, "Последние 4 цифры карты?"), (C, "Четыре три семь один.")], "ru", "Четыре три семь один."),
        ([(A, "Назовите последние четыре цифры вашей карты."), (C, "4371.")], "ru", "4371."),
        ([(A, "What are the last four digits of the card?"), (C, "Four three seven one.")], "en", None),
        ([(A, "And the last 4 digits on your Visa card?"), (C, "It's 4371.")], "en", "It's 4371."),
    ],
)
def test_a_cards_last_four_stay(turns, lang, answer):
    texts, pii = _filtered(turns, lang)
    assert "[CARD]" not in texts[1] and "CVV" not in pii and "CARD" not in pii, (texts, pii)
    if answer is not None:
        assert texts[1] == answer


@pytest.mark.parametrize(
    ("turns", "lang"),
    [
        # a code: as before
        ([(A, "Назовите три цифры на обороте."), (C, "Пять один три.")], "ru"),
        ([(A, "И четыре цифры на обороте?"), (C, "Пять один три два.")], "ru"),
        ([(A, "And the three digits on the back?"), (C, "Five one three.")], "en"),
        # a code asked beside the card's last four, in one sentence or a later one
        ([(A, "Назовите последние четыре цифры карты и три цифры на обороте."), (C, "Пять один три.")], "ru"),
        (
            [
                (A, "What are the last four digits of the card?"),
                (C, "4371."),
                (A, "And the three digits?"),
                (C, "Five one three."),
            ],
            "en",
        ),
        # an account's last four: no card's, still hidden
        ([(A, "Для проверки назовите последние четыре цифры счёта."), (C, "Три девять восемь шесть.")], "ru"),
    ],
)
def test_a_code_is_still_redacted(turns, lang):
    texts, pii = _filtered(turns, lang)
    assert texts[-1].startswith("[CARD]"), texts
    assert pii.get("CVV") == 1, pii


def test_the_asks():
    assert asks_card_last_four("Последние 4 цифры карты?")
    assert asks_card_last_four("What are the last four digits of the card?")
    assert not asks_card_last_four("Последние четыре цифры счёта?")
    assert not asks_card_last_four("The three digits on the back of the card?")
    assert not asks_cvv("Последние 4 цифры карты?")
    assert asks_cvv("Последние 4 цифры карты и CVV?")
    assert asks_cvv("And the 3 digits on the back?")
