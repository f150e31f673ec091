"""processors.pii: typed placeholders, Luhn-checked cards, money never redacted."""

from __future__ import annotations

import pytest

from processors.pii import PiiOptions, count_placeholders, luhn_ok, redact, snils_ok


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
    ("text", "expected", "counts"),
    [
        # a card read out digit by digit: no two digits in a row
        ("карта 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", "карта [CARD]", {"CARD": 1}),
        (
            "card 4111 1111 1111 1111 and 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
            "card [CARD] and [CARD]",
            {"CARD": 2},
        ),
        # phones without +7/8, with a bare 7, in a row
        ("мой 916 123-45-67", "мой [PHONE]", {"PHONE": 1}),
        ("(495) 123-45-67", "[PHONE]", {"PHONE": 1}),
        ("номер 9161234567.", "номер [PHONE].", {"PHONE": 1}),
        ("это 7 916 123 45 67", "это [PHONE]", {"PHONE": 1}),
        ("call 4155550134 now", "call [PHONE] now", {"PHONE": 1}),
        # phones dictated digit by digit or in groups with commas, as ASR writes speech
        ("my number is 5 5 5 2 1 8 4 4 0 7", "my number is [PHONE]", {"PHONE": 1}),
        ("It's 5 5 5, 2 1 8, 4 4 0 7.", "It's [PHONE].", {"PHONE": 1}),
        ("call me at 555, 218, 4407", "call me at [PHONE]", {"PHONE": 1}),
        ("номер 8 9 1 6, 123, 45, 67, записали?", "номер [PHONE], записали?", {"PHONE": 1}),
        ("9 1 6 1 2 3 4 5 6 7", "[PHONE]", {"PHONE": 1}),
        # passport series and number as said, SNILS spaced or in a row (checksum), SSN spaced
        ("серия 45 10 номер 123456", "серия [ID]", {"ID": 1}),
        ("паспорт серии 4510 № 123456", "паспорт серии [ID]", {"ID": 1}),
        ("СНИЛС 123 456 789 01", "СНИЛС [ID]", {"ID": 1}),
        ("СНИЛС 11223344595", "СНИЛС [ID]", {"ID": 1}),
        ("SSN 123 45 6789.", "SSN [ID].", {"ID": 1}),
        # e-mail as ASR writes it spoken
        ("write to ivan at gmail dot com please", "write to [EMAIL] please", {"EMAIL": 1}),
        ("email me at ivan dot petrov at yandex dot ru", "email me at [EMAIL]", {"EMAIL": 1}),
        ("Пишите: иван собака гмейл точка ком.", "Пишите: [EMAIL].", {"EMAIL": 1}),
        ("ivan собака gmail.com", "[EMAIL]", {"EMAIL": 1}),
        ("Почта Ivan Собака Mail Точка Ру", "Почта [EMAIL]", {"EMAIL": 1}),
    ],
)
def test_redacts_spoken_and_unseparated_forms(text, expected, counts):
    assert redact(text) == (expected, counts)


@pytest.mark.parametrize(
    "text",
    [
        "It is $39 a month, or 2 990 рублей, 2990 ₽",
        "order 4111 1111 1111 1112",  # fails Luhn: not a card
        "order number 1234567890",
        "15 000 users in 2024",
        "call me at 5 pm on the 12th",
        "2 990 рублей",
        "$39",
        "5000 рублей",
        "12.03.2024",
        "31 марта",
        "с 10 до 14",
        "order 12345, заказ номер 4567",
        "скидка 15%, 50 percent",
        "12 users",
        "Тариф 2 990 рублей, скидка 15%, до 31.12.2024, с 10:00 до 14:00",  # many digits, no PII shape
        "итого 1 200 000 ₽ за 12 месяцев, 2 000 000 ₽ за 24",
        "from 2019 to 2024 we grew 300 percent to 15000 users",
        "1 2 3 4 5 6 7 8 9 10",  # counting
        "8 9 10 11 12 13 14",  # counting, though its digits would be a phone
        "prices 45, 90, 120, 300 and 29, 49, 79, 99, 149",  # lists of numbers, phone-like digits
        "zip 9 7 2 1 4, apartment 4 0",
        "СНИЛС 11223344596",  # 11 digits, SNILS checksum wrong
        "order 1234567890 or 5551234567",  # 10 digits: no valid North American exchange
        # spoken "at" without an e-mail
        "meet at the office dot",
        "look at google dot com",
        "visit us at acme dot com",
        "I'm at home dot com",
        "у меня собака дома, точка",
    ],
)
def test_leaves_money_and_plain_numbers(text):
    assert redact(text) == (text, {})


def test_luhn():
    assert luhn_ok("4111111111111111") and luhn_ok("5555555555554444")
    assert not luhn_ok("4111111111111112")


def test_snils_checksum():
    assert snils_ok("11223344595") and snils_ok("08765430300")  # sum 95; sum 202 -> 202 % 101 = 0
    assert not snils_ok("11223344596")


def test_options_and_counting():
    assert redact("a@b.com", PiiOptions(enabled=False)) == ("a@b.com", {})
    assert redact("a@b.com +7 916 123-45-67", PiiOptions(emails=False))[0] == "a@b.com [PHONE]"
    assert count_placeholders(["[PHONE] x [PHONE]", "[CARD]", "no pii"]) == {"PHONE": 2, "CARD": 1}
