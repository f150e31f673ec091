"""A card's number with a digit misheard fails Luhn, but after a word naming a card it is the card:
"Номер карты 2200 7001 2345 6789." was stored and sent in full. After "номер карты", "card number",
"карта", "Visa", or answering a request for the card, 15-19 digits in a card's groups are redacted
whatever their Luhn check; elsewhere Luhn still tells a card from an order number."""

from __future__ import annotations

import pytest

from processors.filtering import filter_transcript
from processors.pii import luhn_ok, redact
from streams.bench_text import make_transcript_from_turns


def _stored(turns: list[tuple[str, str]], lang: str) -> list[str]:
    out = filter_transcript(make_transcript_from_turns("card", turns, lang))
    return [seg["text"] for seg in out["transcript"]["segments"]]


def test_the_examples_fail_luhn():
    assert not luhn_ok("2200700123456789")
    assert not luhn_ok("4532015112830367")


@pytest.mark.parametrize(
    ("lang", "turns", "stored"),
    [
        ("ru", [("customer", "Номер карты 2200 7001 2345 6789.")], ["Номер карты [CARD]."]),
        ("ru", [("customer", "Карта мир 2202 2023 4567 8901.")], ["Карта мир [CARD]."]),
        ("en", [("customer", "My card number is 4532-0151-1283-0367.")], ["My card number is [CARD]."]),
        ("en", [("customer", "Use my Visa 4532015112830367 please.")], ["Use my Visa [CARD] please."]),
        (
            "en",
            [("agent", "Card number?"), ("customer", "It's 4532 0151 1283 0367.")],
            ["Card number?", "It's [CARD]."],
        ),
        (
            "ru",
            [
                ("agent", "Продиктуйте номер карты."),
                (
                    "customer",
                    "Две тысячи двести, семь тысяч один, две тысячи триста сорок пять, "
                    "шесть семь восемь девять.",
                ),
            ],
            ["Продиктуйте номер карты.", "[CARD]."],
        ),
    ],
)
def test_a_card_named_is_redacted_whatever_its_luhn_check(lang, turns, stored):
    assert _stored(turns, lang) == stored


@pytest.mark.parametrize(
    "said",
    [
        # no card named: Luhn still decides
        "Номер заказа 2200 7001 2345 6789.",
        "Tracking number 9400 1000 0000 0000 0000.",
        "My order is 4532 0151 1283 0367.",
        # a card named, but a reference after it names the digits
        "Оплатил картой, номер заказа 2200 7001 2345 6789.",
        # its code named, not the card
        "The security code and 4532 0151 1283 0367.",
        # a card given before, then another number named in the next line (the compressed dialogue)
        "Customer: Последние: [CARD].\nAgent: Номер ордера 6239835164482493.",
        # a card's length in no card's groups
        "Номер карты 22007 00123 45678.",
    ],
)
def test_digits_failing_luhn_with_no_card_named_stay(said):
    assert redact(said) == (said, {})
