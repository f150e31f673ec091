"""processors.pii: typed placeholders, Luhn-checked cards, money never redacted."""

from __future__ import annotations

import pytest

from processors.pii import PiiOptions, count_placeholders, luhn_ok, redact


@pytest.mark.parametrize(
    ("text", "expected", "counts"),
    [
        ("звоните +7 (916) 123-45-67", "звоните [PHONE]", {"PHONE": 1}),
        ("мой номер 8 916 123 45 67", "мой номер [PHONE]", {"PHONE": 1}),
        ("call +1 (415) 555-0134 or 415-555-0134", "call [PHONE] or [PHONE]", {"PHONE": 2}),
        ("London +44 20 7946 0958", "London [PHONE]", {"PHONE": 1}),
        ("card 4111 1111 1111 1111", "card [CARD]", {"CARD": 1}),
        ("card 4111-1111-1111-1111!", "card [CARD]!", {"CARD": 1}),
        ("mail John.Doe+x@mail.example.co.uk now", "mail [EMAIL] now", {"EMAIL": 1}),
        ("паспорт 4510 123456", "паспорт [ID]", {"ID": 1}),
        ("паспорт 4510123456", "паспорт [ID]", {"ID": 1}),
        ("СНИЛС 112-233-445 95", "СНИЛС [ID]", {"ID": 1}),
        ("SSN 123-45-6789", "SSN [ID]", {"ID": 1}),
    ],
)
def test_redacts_ru_and_en_formats(text, expected, counts):
    assert redact(text) == (expected, counts)


@pytest.mark.parametrize(
    "text",
    [
        "It is $39 a month, or 2 990 рублей, 2990 ₽",
        "order 4111 1111 1111 1112",  # fails Luhn: not a card
        "order number 1234567890",
        "15 000 users in 2024",
        "call me at 5 pm on the 12th",
    ],
)
def test_leaves_money_and_plain_numbers(text):
    assert redact(text) == (text, {})


def test_luhn():
    assert luhn_ok("4111111111111111") and luhn_ok("5555555555554444")
    assert not luhn_ok("4111111111111112")


def test_options_and_counting():
    assert redact("a@b.com", PiiOptions(enabled=False)) == ("a@b.com", {})
    assert redact("a@b.com +7 916 123-45-67", PiiOptions(emails=False))[0] == "a@b.com [PHONE]"
    assert count_placeholders(["[PHONE] x [PHONE]", "[CARD]", "no pii"]) == {"PHONE": 2, "CARD": 1}
