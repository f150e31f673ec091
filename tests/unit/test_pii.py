"""processors.pii: typed placeholders, Luhn-checked cards, money never redacted."""

from __future__ import annotations

import re

import pytest

from processors.pii import (
    PiiOptions,
    asked_id,
    asks_for_reference,
    asks_id_last_four,
    count_placeholders,
    cue_at_end,
    inn_ok,
    luhn_ok,
    redact,
    redact_card_code,
    reference_named_before,
    snils_ok,
    spelling_of,
)


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
    ("text", "expected", "counts"),
    [
        # pause punctuation, spaced or long dashes, slashes between the groups (as Whisper writes them)
        ("Мой номер 8.916.123.45.67.", "Мой номер [PHONE].", {"PHONE": 1}),
        ("Мой номер 8 916. 123. 45. 67.", "Мой номер [PHONE].", {"PHONE": 1}),
        ("Мой номер 8-916. 123-45-67.", "Мой номер [PHONE].", {"PHONE": 1}),
        ("Мой номер 8... 916... 123... 45... 67.", "Мой номер [PHONE].", {"PHONE": 1}),
        ("Мой номер 8 916 123 - 45 - 67.", "Мой номер [PHONE].", {"PHONE": 1}),
        ("Мой номер 8 — 916 — 123 — 45 — 67.", "Мой номер [PHONE].", {"PHONE": 1}),
        ("Мой номер 8–916–123–45–67.", "Мой номер [PHONE].", {"PHONE": 1}),
        ("My number is 415/555-0134.", "My number is [PHONE].", {"PHONE": 1}),
        ("My number is 415 - 555 - 0134.", "My number is [PHONE].", {"PHONE": 1}),
        ("My number is 415... 555... 0134.", "My number is [PHONE].", {"PHONE": 1}),
        ("Казахстанский 701 123 45 67.", "Казахстанский [PHONE].", {"PHONE": 1}),
        # cards: commas (also what number words become), pauses, spaced dashes, thousands commas
        ("Карта 4111, 1111, 1111, 1111.", "Карта [CARD].", {"CARD": 1}),
        ("Карта 4111. 1111. 1111. 1111.", "Карта [CARD].", {"CARD": 1}),
        ("Карта 4111 - 1111 - 1111 - 1111.", "Карта [CARD].", {"CARD": 1}),
        ("Карта 4111  1111  1111  1111.", "Карта [CARD].", {"CARD": 1}),
        ("Карта 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.", "Карта [CARD].", {"CARD": 1}),
        ("Карта 4,111,111,111,111,111.", "Карта [CARD].", {"CARD": 1}),
        ("Card is 42 76, 3800, 12 34, 56 79.", "Card is [CARD].", {"CARD": 1}),
        ("Карта 42 76 38 0 0 12 34 56 79.", "Карта [CARD].", {"CARD": 1}),  # in pairs after "карта"
        ("Amex 3 7 8 2, 8 2 2 4 6 3, 1 0 0 0 5.", "Amex [CARD].", {"CARD": 1}),
        # digits right after a card (an expiry date) are not part of it
        ("Карта 4111 1111 1111 1111 12 27.", "Карта [CARD] 12 27.", {"CARD": 1}),
        (
            "Карта 4111 1111 1111 1111 2 раза проверила, телефон 8 916 123 45 67.",
            "Карта [CARD] 2 раза проверила, телефон [PHONE].",
            {"CARD": 1, "PHONE": 1},
        ),
        ("Card 4111 1111 1111 1111, 8 916 123 45 67.", "Card [CARD], [PHONE].", {"CARD": 1, "PHONE": 1}),
        ("номер 8 916 123 45 67 8 916 765 43 21", "номер [PHONE] [PHONE]", {"PHONE": 2}),
        # "oh"/"o" for zero, "double"/"triple" in English dictation, a lone "one"/"один" left in words
        ("My number is 4 1 5, 5 5 5, oh 1 3 4.", "My number is [PHONE].", {"PHONE": 1}),
        ("My number is 4 1 5 5 5 5 oh 1 3 4.", "My number is [PHONE].", {"PHONE": 1}),
        ("My number is 4 1 5, double 5 5, oh 1 3 4.", "My number is [PHONE].", {"PHONE": 1}),
        ("My number is 4 1 5, triple 5, 0 1 3 4.", "My number is [PHONE].", {"PHONE": 1}),
        ("My number is 4 1 5, 5 5 5, O 1 3 4.", "My number is [PHONE].", {"PHONE": 1}),
        ("My number is 415-555-O134.", "My number is [PHONE].", {"PHONE": 1}),
        ("Oh, 5 5 5, 2 1 8, 4 4 0 7.", "Oh, [PHONE].", {"PHONE": 1}),
        ("Записывайте: 8, 9, один, 6, один, 2, 3, 4, 5, 6, 7.", "Записывайте: [PHONE].", {"PHONE": 1}),
        ("Card is 4 2 7 6, 3 8 oh oh, 1 2 3 4, 5 6 7 9.", "Card is [CARD].", {"CARD": 1}),
        (
            "Card is double 5 double 5, double 5 double 5, double 5 double 5, double 4 double 4.",
            "Card is [CARD].",
            {"CARD": 1},
        ),
        ("Amex 3 7 8 2, 8 2 2 4 6 3, one oh oh oh 5.", "Amex [CARD].", {"CARD": 1}),
        # any grouping right after a phone word; a phone's grouping over the comma-separated parts
        ("Мой номер 8 916 12 34 567.", "Мой номер [PHONE].", {"PHONE": 1}),
        ("Мой номер 89 16 12 34 567.", "Мой номер [PHONE].", {"PHONE": 1}),
        ("My number is 41 55 55 01 34.", "My number is [PHONE].", {"PHONE": 1}),
        ("My number is 4 15, 5 55, oh 1 34.", "My number is [PHONE].", {"PHONE": 1}),
        ("Записывайте: 8 903 0 10 20 30.", "Записывайте: [PHONE].", {"PHONE": 1}),
        ("Записывайте: 8 940, 0 12, 34, 56.", "Записывайте: [PHONE].", {"PHONE": 1}),
        ("Call 21, 25, 55, 0 1, 34.", "Call [PHONE].", {"PHONE": 1}),
        ("It's 9 16, 1 23, 45, 67.", "It's [PHONE].", {"PHONE": 1}),
        ("Мой номер 8 (9 1 6) 1 2 3 4 5 6 7.", "Мой номер [PHONE].", {"PHONE": 1}),
        # a leading 1 / "plus one" before a North American number
        ("My number is 1 4 1 5 5 5 5 0 1 3 4.", "My number is [PHONE].", {"PHONE": 1}),
        ("My number is plus 1 4 1 5 5 5 5 0 1 3 4.", "My number is [PHONE].", {"PHONE": 1}),
        # international: "plus"/"плюс", 00, 8 10, the trunk zero in brackets
        ("It's +44 (0) 20 7946 0958.", "It's [PHONE].", {"PHONE": 1}),
        ("It's 0044 20 7946 0958.", "It's [PHONE].", {"PHONE": 1}),
        ("Berlin, 0049 30 123456789.", "Berlin, [PHONE].", {"PHONE": 1}),
        ("Белорусский номер 8 10 375 29 123 45 67.", "Белорусский номер [PHONE].", {"PHONE": 1}),
        ("It's plus 4 4, 2 0, 7 9 4 6, 0 9 5 8.", "It's [PHONE].", {"PHONE": 1}),
        ("It's plus 44 20 79 46 oh 9 5 8.", "It's [PHONE].", {"PHONE": 1}),
        ("Белорусский номер плюс 375 29 123 45 67.", "Белорусский номер [PHONE].", {"PHONE": 1}),
        ("Записывайте: плюс 7 903 0 10 20 30.", "Записывайте: [PHONE].", {"PHONE": 1}),
        # a local number (7 digits) after a phone word
        ("Рабочий городской 123-45-67.", "Рабочий городской [PHONE].", {"PHONE": 1}),
        ("Рабочий городской 123 45 67.", "Рабочий городской [PHONE].", {"PHONE": 1}),
        ("Just call 555-0134.", "Just call [PHONE].", {"PHONE": 1}),
        # "номер"/"number" alone: only with a local number's grouping, not after a room or an order
        ("My number is 555 0134.", "My number is [PHONE].", {"PHONE": 1}),
        ("Мой номер 123-45-67.", "Мой номер [PHONE].", {"PHONE": 1}),
        ("Room number 555 0134.", "Room number 555 0134.", {}),
        # found by a blind probe: foreign numbers with a trunk 0, bracketed city codes, passports with №
        ("It's a UK number, 020 8582 3218.", "It's a UK number, [PHONE].", {"PHONE": 1}),
        (
            "I'm in Berlin, the number is 0157 4001 3675.",
            "I'm in Berlin, the number is [PHONE].",
            {"PHONE": 1},
        ),
        ("Я из Минска, номер 80 17 570-58-63.", "Я из Минска, номер [PHONE].", {"PHONE": 1}),
        ("Телефон 8 (8182) 37-82-48, добавочного нет.", "Телефон [PHONE], добавочного нет.", {"PHONE": 1}),
        ("8 995 732, 0 8, 83.", "[PHONE].", {"PHONE": 1}),  # a Russian mobile needs no cue
        # ... also with its "8 9xx" said digit by digit (a blind probe's ported number)
        ("а временный выдали 8 9 6 5 995 56 93.", "а временный выдали [PHONE].", {"PHONE": 1}),
        ("Домашний 350 48 04", "Домашний [PHONE]", {"PHONE": 1}),
        ("Паспорт 67 17 № 673282, выдан ОВД.", "Паспорт [ID], выдан ОВД.", {"ID": 1}),
        ("Паспорт 21 17 номер 692891.", "Паспорт [ID].", {"ID": 1}),
        # the series after the number, its pairs split by a comma
        ("Номер паспорта 857220, серия 99, 0 7", "Номер паспорта [ID], серия [ID]", {"ID": 1}),
        ("Номер обращения 906 1310630.", "Номер обращения 906 1310630.", {}),
        # no Luhn, but a card named: a digit misheard, still the card ("order 4111 ..." below stays)
        ("Card number 4111 1111 1111 1112", "Card number [CARD]", {"CARD": 1}),
        (
            "Давайте я карту продиктую: 5536 9102, 0 861, 4570.",
            "Давайте я карту продиктую: [CARD].",
            {"CARD": 1},
        ),
        # a card's security code (PCI DSS forbids storing it): after its word
        ("Expires 10/26, and the CVV is 172.", "Expires 10/26, and the CVV is [CARD].", {"CARD": 1}),
        ("Действует до 07.28, CVV-код 580.", "Действует до 07.28, CVV-код [CARD].", {"CARD": 1}),
        ("Три цифры сзади: 5, 1, 3.", "Три цифры сзади: [CARD].", {"CARD": 1}),
        (
            "The CV of the candidate has 3 pages from 2019",
            "The CV of the candidate has 3 pages from 2019",
            {},
        ),
        ("The number is 1 234 567.", "The number is 1 234 567.", {}),
        # IDs: other separators, any grouping after their word, SNILS digit by digit (checksum)
        ("СНИЛС 112.233.445 95.", "СНИЛС [ID].", {"ID": 1}),
        ("СНИЛС 112, 233, 445, 95.", "СНИЛС [ID].", {"ID": 1}),
        ("СНИЛС 1 1 2 2 3 3 4 4 5 9 5.", "СНИЛС [ID].", {"ID": 1}),
        ("Серия 45 10. Номер 123456.", "Серия [ID].", {"ID": 1}),
        ("Паспорт серия 45 10, номер 123 456.", "Паспорт серия [ID].", {"ID": 1}),
        ("Паспорт серии 4510 номер 123-456.", "Паспорт серии [ID].", {"ID": 1}),
        ("Паспорт 45 10 123 456.", "Паспорт [ID].", {"ID": 1}),
        ("Паспорт 45-10 123456.", "Паспорт [ID].", {"ID": 1}),
        ("My social is 078051120.", "My social is [ID].", {"ID": 1}),
        ("My social is 078 - 05 - 1120.", "My social is [ID].", {"ID": 1}),
        ("My social is 078, 05, 1120.", "My social is [ID].", {"ID": 1}),
        ("SSN 2 1 9, 0 9, 9 9 9 9.", "SSN [ID].", {"ID": 1}),
        ("SSN 2 19, oh 9, 99 99.", "SSN [ID].", {"ID": 1}),
        # an SSN dictated digit by digit in its 3-2-4 groups needs no word before it
        ("It's 1 7 7, 5 0, 8 9 5 6.", "It's [ID].", {"ID": 1}),
    ],
)
def test_redacts_numbers_as_read_out(text, expected, counts):
    assert redact(text) == (expected, counts)


@pytest.mark.parametrize(
    ("cue", "spoken"),
    [
        # a local part of several words, spelled letters, said separators, digits and number words
        ("Email is", "ivan petrov at gmail dot com"),
        ("Email is", "Ivan Petrov at gmail.com"),
        ("Email is", "ivan underscore petrov at gmail dot com"),
        ("Email is", "ivan dash petrov at gmail dot com"),
        ("Email is", "ivan underscore petrov eighty-five at gmail dot com"),
        ("Email is", "i v a n at mail dot ru"),
        ("Email is", "I, V, A, N at mail dot ru"),
        ("Email is", "I. V. A. N. at mail dot ru"),
        ("Email is", "ivan 1985 at mail dot ru"),
        ("Email is", "ivan nineteen eighty-five at mail dot ru"),
        ("Email is", "ivan one nine eight five at mail dot ru"),
        ("Email is", "ivan.petrov @ gmail.com"),
        ("Почта", "иван петров собака яндекс точка ру"),
        ("Почта", "иван нижнее подчёркивание петров собака мейл точка ру"),
        ("Почта", "иван нижнее подчеркивание петров собака мейл точка ру"),
        ("Почта", "иван подчёркивание петров собака мейл точка ру"),
        ("Почта", "иван дефис петров собака мейл точка ру"),
        ("Почта", "иван тире петров собака мейл точка ру"),
        ("Почта", "ivan petrov собака gmail точка com"),
        ("Почта", "ай ви эй эн точка петров собака мейл точка ру"),
        ("Почта", "иван восемьдесят пять собака мейл точка ру"),
        ("Почта", "иван 85 собака мейл точка ру"),
        # "at" in any case and its variants, commas around "at" and "dot"
        ("Email is", "IVAN DOT PETROV AT GMAIL DOT COM"),
        ("Email is", "ivan dot petrov at sign gmail dot com"),
        ("Email is", "ivan dot petrov at the rate gmail dot com"),
        ("Email is", "ivan dot petrov, at gmail dot com"),
        ("Email is", "ivan dot petrov. At gmail dot com"),
        ("Email is", "ivan dot petrov, that's at gmail dot com"),
        ("Почта", "иван точка петров собачка яндекс точка ру"),
        ("Почта", "иван точка петров эт яндекс точка ру"),
        ("Почта", "иван точка петров, собака, яндекс, точка, ру"),
        # a mail provider without its dot or top-level domain; a domain in two words; any said TLD
        ("Email is", "ivan dot petrov at gmail"),
        ("Email is", "ivan dot petrov at gmail com"),
        ("Email is", "ivan at mail ru"),
        ("Почта", "иван точка петров собака яндекс ру"),
        ("Email is", "ivan dot petrov at g mail dot com"),
        ("Email is", "dana dot ortiz at ridgeline dist dot com"),
        ("Email is", "ivan dot petrov at company dot ai"),
        ("Email is", "ivan dot petrov at outlook dot fr"),
    ],
)
def test_redacts_spoken_emails_whole(cue, spoken):
    assert redact(f"{cue} {spoken}.") == (f"{cue} [EMAIL].", {"EMAIL": 1})


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
        # digits after an order/contract/INN/rating word, or before a unit: not a phone
        "Номер заказа 9123456789.",
        "Order number 9161234567 is on its way.",
        "My order number is 9161234567.",
        "ИНН компании 7707083893.",
        "Номер договора 8123456789.",
        "We sold 415, 555, 1340 units last quarter.",
        "We sold 415 555 1340 units.",
        "Оценки 5 4 5 3 4 5 5 4 3 5.",
        "Оценки 5, 4, 5, 3, 4, 5, 5, 4, 3, 5.",
        "I rated them 5, 4, 5, 3, 4, 5, 5, 4, 3, 5.",
        "Выручка 9161234567 рублей.",
        "Выручка 9 161 234 567 рублей.",
        "Revenue was 9,161,234,567 dollars.",
        "Tracking number 1Z999AA10123456784.",
        "Лицевой счёт 40702810099910004312.",  # a company's account (407...): no personal data
        "ОГРН 1027700132195.",
        "Serial 4 8 15 16 23 42.",
        # dates, decimals, times, versions, addresses, lists, counting in steps
        "Счёт на 12 500 рублей от 12.05.2024, оплатить до 15.06.2024.",
        "The dates are 12.03.2024, 15.04.2024 and 20.05.2024.",
        "Dates 2024-05-12 and 2024-06-30.",
        "Scores 9.5, 8.5, 7.5, 9.0, 8.0.",
        "At 10:30, 11:45 and 12:15.",
        "IP address 192.168.100.200.",
        "Version 3.4.5.6.7.8.9.",
        "Индекс 123456, дом 12, корпус 3, квартира 145.",
        "Цены 45, 90, 120, 300, 450, 600, 900 рублей.",
        "Звонили 8, 9, 16, 12, 34, 45 и 67 раз.",
        "Годы 2018, 2019, 2020, 2021.",
        "Баланс 3 456 789 рублей, кредит 1 234 567 890 рублей.",
        "Было 8 916 абонентов, стало 123 450.",
        "8 900, 900, 1000, 1100, 1200, 1300.",
        "Rooms 201, 305, 410 and 512 are free.",
        "In 2022 we paid 1500, in 2023 2000, in 2024 2500.",
        "It was 2 4 6 8 10 12 14 16.",
        "числа 8, 10, 12, 14, 16, 18, 20",
        "Call volume was 1,234,567 last year.",
        "The invoice total is 1,234,567.89 dollars.",
        "Oh oh 1 2 3 4 5 6 7 8 9 10.",
        "1 2 3, 4 5, 6 7 8 9.",  # counting in an SSN's groups
        "Rows 9 1 2, 3 4, 5 6 7 8.",  # no valid SSN (area 9xx)
        "Код из смс 4 5 6 7 8 9.",
        "плюс 10 20 30 40 50 рублей",
        # spoken "at" without an e-mail
        "meet at the office dot",
        "look at google dot com",
        "visit us at acme dot com",
        "I'm at home dot com",
        "у меня собака дома, точка",
        "I ordered the phone at amazon dot com.",
        "You can pay at gosuslugi dot ru.",
        "We met them at google dot com last year.",
        "I bought it at walmart dot com.",
        "Ivan works at Yandex.",
        "He works at yandex dot ru now.",
        "sign up at example dot com",
        "It's cheaper at ozon dot ru",
        "Look at mail ru for details.",
        "Thursday at 11, look out for the invite.",
        "It rolled into a paid add-on, at 25 a month.",
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
    # a number the filter cut across one speaker's segments is in both pieces: counted once
    texts, roles = (
        ["It's [PHONE]", "Угу.", "[PHONE].", "[PHONE] again"],
        ["customer", "agent", "customer", "agent"],
    )
    assert count_placeholders(texts, roles) == {"PHONE": 2}
    assert count_placeholders(texts) == {"PHONE": 3}


@pytest.mark.parametrize(
    "texts",
    [
        ["It's [PHONE].", "Ending in [PHONE], right?"],
        ["Мой номер [PHONE].", "Окончание [PHONE], да?"],
        ["[PHONE]... нет, подождите, [PHONE]."],
        ["[PHONE], ой, нет, 36 в конце, [PHONE]."],
    ],
)
def test_a_read_back_or_taken_back_placeholder_is_the_same_number(texts):
    """calls.pii_redacted counts placeholders: the filter's read-back and take-back passes put one
    where the number was already counted."""
    assert count_placeholders(texts) == {"PHONE": 1}
    assert count_placeholders(["[PHONE] and [CARD]", "Ending in [CARD]"]) == {"PHONE": 1, "CARD": 1}


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("Sure, it's dmitry dot petrov at gmail dot com, petrov is P-E-T-R-O-V.", "Sure, it's [EMAIL]."),
        (
            "Пишите на n точка petrov собака yandex ру, petrov латиницей, P, E, T, R, O, V",
            "Пишите на [EMAIL]",
        ),
        ("Mail anna@petrova.ru, that is A-N-N-A.", "Mail [EMAIL]."),
    ],
)
def test_an_email_word_spelled_after_the_email_is_the_emails(said, stored):
    """A blind probe's leaks: the surname of the e-mail said and spelled again after it."""
    assert redact(said) == (stored, {"EMAIL": 1})


def test_an_email_word_said_again_without_its_spelling_stays():
    text = "It's sales@acme.com, and sales will call you back."
    assert redact(text) == ("It's [EMAIL], and sales will call you back.", {"EMAIL": 1})


def test_an_email_attempt_taken_back_goes_with_the_email():
    said = "It's jenny underscore kowalski... no, sorry, with a dot, jenny dot kowalski at yahoo dot com."
    text, counts = redact(said)
    assert text == "It's [EMAIL]... no, sorry, with a dot, [EMAIL]." and counts == {"EMAIL": 1}
    assert count_placeholders([text]) == {"EMAIL": 1}  # the attempt is the same e-mail


def test_a_name_that_is_also_the_email_stays_elsewhere_in_the_call():
    # the whole compressed call is redacted at once: a "sorry" anywhere in it must not turn the
    # customer's name, said long before the e-mail, into an [EMAIL] attempt
    said = (
        "Customer: It's Linda Ortiz. Agent: Thank you, Linda. Customer: Sorry, can you say that again? "
        "Agent: Is the email on file still good, it's linda dot ortiz at mailbox dot com?"
    )
    text, counts = redact(said)
    assert text.startswith("Customer: It's Linda Ortiz. Agent: Thank you, Linda. Customer: Sorry,")
    assert text.endswith("it's [EMAIL]?") and counts == {"EMAIL": 1}


@pytest.mark.parametrize(
    "said",
    [
        "I have 2 0 6 5 65 74 27 on file, is that still a good number for you?",
        "It's 4 69 8 0 5 18 16.",
        "It's 2 oh 6 5 65 74 27.",
    ],
)
def test_a_phone_read_out_in_digits_and_pairs_in_one_breath(said):
    text, counts = redact(said)
    assert counts == {"PHONE": 1} and not any(d in text for d in ("65", "69", "16"))


@pytest.mark.parametrize(
    "said",
    [
        "We sold 2 5 65 74 27 99 units.",
        "Plans are 29 49 79 99 19 dollars.",
        "Звонили 8, 9, 16, 12, 34 и 67 раз.",
    ],
)
def test_digits_and_pairs_that_are_no_phone_stay(said):
    assert redact(said) == (said, {})


def test_inn_checksum():
    assert inn_ok("500100732259") and not inn_ok("500100732258") and not inn_ok("7707083893")


@pytest.mark.parametrize(
    "said",
    ["Мой ИНН 5001 0073 2259.", "ИНН: 500, 100, 732, 259.", "ИНН у меня 500100732259, записали?"],
)
def test_a_persons_inn_after_its_word_is_an_id(said):
    text, counts = redact(said)
    assert counts == {"ID": 1} and "[ID]" in text and "2259" not in text.replace(" ", "")


@pytest.mark.parametrize(
    "said",
    [
        "ИНН организации 7728168971, КПП 772801001.",
        "ИНН у нас 5410 956550.",  # a company's INN grouped like a passport
        "ИНН у меня 7702 356 78 9012 3.",  # 13 digits: no INN of a person
    ],
)
def test_a_companys_inn_or_other_digits_after_the_word_stay(said):
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    "said", ["It is kate period kuznetsov at techstroy period ru.", "It's s sokolov @ yahoo period com."]
)
def test_an_email_said_with_period_for_the_dot(said):
    text, counts = redact(said)
    assert counts == {"EMAIL": 1} and "sokolov" not in text and "kuznetsov" not in text


def test_period_in_plain_speech_is_no_email():
    said = "That is the end of the period at school period."
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    "said",
    ["and the code on the back is 352", "The three-digit code is 4 1 7.", "Код с обратной стороны 123."],
)
def test_a_security_code_after_its_words_in_other_forms(said):
    text, counts = redact(said)
    assert counts == {"CARD": 1} and not any(ch.isdigit() for ch in text)


@pytest.mark.parametrize(
    "said",
    [
        "Email is rachel dot brandt at harbourfreight dash logistics dot com.",
        "Пишите на журавлёв нижнее подчёркивание а собака ромашка тире трейд точка ру.",
    ],
)
def test_an_email_domain_with_a_said_dash(said):
    text, counts = redact(said)
    assert counts == {"EMAIL": 1} and not any(w in text for w in ("logistics", "трейд", "brandt"))


def test_a_said_dash_in_plain_speech_is_no_domain():
    said = "I work at the dash board dot com company."
    assert redact(said) == (said, {})


def test_a_group_said_again_with_other_separators_after_a_take_back():
    text, counts = redact("901 167, 39... ой, нет, подождите, 54-32.")
    assert counts == {"PHONE": 1} and not any(ch.isdigit() for ch in text)
    said = "Номер заказа 123... ой, нет, 45-67."
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    "said",
    [
        "4 2 7 9, 3 8 8 7, 0 3 3 1, 6 0 3 0... ой, нет, не так, 6 0 7 0.",
        "4279, 3887, 0331, 6030... неправильно, 6070.",
        "4279 3887 0331 6030, sorry, that's wrong, 6070.",
    ],
)
def test_a_card_group_taken_back_with_other_words(said):
    text, counts = redact(said)
    assert counts == {"CARD": 1} and not any(ch.isdigit() for ch in text), text


def test_the_last_group_said_with_spaces_only_is_the_one_taken_back():
    text, counts = redact("It's 202 658 37... no wait, 3761.")
    assert counts == {"PHONE": 1} and not any(ch.isdigit() for ch in text), text


def test_a_card_code_corrected_after_a_bare_no_takes_its_placeholder():
    assert redact("The CVV is 171, no, 1, 7, 8.") == ("The CVV is [CARD], no, [CARD].", {"CARD": 1})
    # a "no" before a small number that corrects nothing leaves it
    assert redact("Card 4111 1111 1111 1111, no, 2 payments.")[0] == "Card [CARD], no, 2 payments."


def test_not_so_without_a_number_changes_nothing():
    said = "Нет, не так, я звонил 12 марта, а не 13."
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    "said",
    [
        "Электронка kuznetsova85... по буквам: K-U-Z-N-E-T-S-O-V-A, собака джимейл точка ком.",
        "It's jsmith77, let me spell it, J-S-M-I-T-H at outlook dot com.",
    ],
)
def test_the_word_an_emails_spelling_repeats_goes_with_it(said):
    text, counts = redact(said)
    assert counts == {"EMAIL": 1}, text
    assert not re.search(r"kuznetsova|jsmith|\d", text, re.IGNORECASE), text


def test_a_name_before_an_emails_spelling_in_another_sentence_stays():
    assert redact("My name is Petrov. Email: p-e-t-r-o-v at gmail dot com.") == (
        "My name is Petrov. Email: [EMAIL].",
        {"EMAIL": 1},
    )


def _luhn(prefix: str) -> str:
    """``prefix`` and the check digit that makes it pass the Luhn check."""
    return next(v for d in "0123456789" if luhn_ok(v := prefix + d))


def _inn12(prefix: str) -> str:
    """``prefix`` (10 digits) and the two check digits of a person's INN."""
    return next(v for n in range(100) if inn_ok(v := f"{prefix}{n:02d}"))


_A_CARD = _luhn("427638001234567")
_IN_FOURS = " ".join(_A_CARD[k : k + 4] for k in range(0, 16, 4))


@pytest.mark.parametrize(
    "said",
    [
        "My driver's licence number is 582 004 913.",
        "Driving licence: 5820049.",
        "NHS number 943 476 5919, thanks.",  # a phone's shape: the word says what it is
        "National Insurance number 12 34 56, the letters later.",
        "My policy number is 4821 0937 55.",
        "Member ID W482 019 377, please.",  # the letter goes with the digits
        "My bank account number is 12345678.",
        "Номер водительского удостоверения 77 12 345678.",
        "Права: 7712 345678.",
        f"Полис ОМС {_luhn('770012345678901')}.",  # Luhn-valid, yet no card: the word says a policy
        "Номер полиса 7700 1234 5678 9012.",
        "Загранпаспорт 75 1234567.",  # a foreign passport: 9 digits
        "The passport number is 294 761 052.",
    ],
)
def test_a_number_after_the_word_of_an_identity_number_is_an_id(said):
    text, counts = redact(said)
    assert counts == {"ID": 1} and not re.search(r"\d{2}", text), text


@pytest.mark.parametrize(
    "said",
    [
        "Номер полиса ОСАГО ХХХ 9054829508.",  # a car's insurance: the contract, a reference
        "Your policy renews on 12 05 2027.",  # a date after the word
        "The policy costs 1 250 000 rubles.",  # an amount
        "My driver's license expired, my claim number is 55512345.",  # the reference named last
    ],
)
def test_dates_amounts_and_references_after_an_identity_word_stay(said):
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    ("said", "asked", "expected"),
    [
        ("It's 482 019 377.", "ident", "It's [ID]."),
        ("It's 860-292-8823.", "ident", "It's [ID]."),  # a phone's shape, a licence asked for
        ("Так, 7700 1234 5678 9012.", "ident", "Так, [ID]."),
        ("Записывайте: 46 06 № 062664.", "passport", "Записывайте: [ID]."),
        (f"Так, {_inn12('5001007322')}.", "inn", "Так, [ID]."),
        ("My cell is 415 555 0134.", "ident", "My cell is [PHONE]."),  # a word in the turn says otherwise
        ("It costs $1,250,000.", "ident", "It costs $1,250,000."),
        ("Так, 7707083893.", "inn", "Так, 7707083893."),  # a company's INN: no person's
    ],
)
def test_digits_answering_a_request_for_an_identity_number_are_that_number(said, asked, expected):
    assert redact(said, asked=asked)[0] == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Could you give me your driver's license number?", "ident"),
        ("Продиктуйте номер полиса ОМС.", "ident"),
        ("Can you read me the member ID from your insurance card?", "ident"),  # the card holds the ID
        ("I'll need your passport number.", "passport"),
        ("Для брони нужен номер загранпаспорта.", "passport"),
        ("I'll need your social to run the credit check.", "ssn"),
        ("Назовите ваш ИНН, пожалуйста.", "inn"),
        ("Для проверки личности мне понадобится ваш личный ИНН.", "inn"),
        ("Для проверки личности мне понадобится СНИЛС.", "snils"),
        ("Хочу продлить полис.", None),  # a mention, no request
        ("Which card would you like to use?", None),
        ("Thanks for the passport. What's your phone number?", None),  # asks for something else after
    ],
)
def test_a_request_for_an_identity_number_is_told_from_a_mention(text, kind):
    assert asked_id(text) == kind


@pytest.mark.parametrize(
    "said",
    [
        "It's NP 82 93 14 D.",
        "I have NP82 93 14 D on file.",
        "QQ123456C",
        "Sure, A B 06, 19, 18 C.",
        "Yes, it's S K, 0 5, 4 0, 6 4, B.",  # its letters set off by a comma too
    ],
)
def test_a_national_insurance_number_is_an_id_by_its_shape(said):
    text, counts = redact(said)
    assert counts == {"ID": 1} and not re.search(r"\d", text), text


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("Номер счёта 40817 810 5 1155 9765706.", "Номер счёта [ID]."),
        ("Так, 40817810099910004312.", "Так, [ID]."),  # a card's shape fits its first 19 digits
        ("Лицевой счёт 42301810099910004312.", "Лицевой счёт [ID]."),  # a deposit of a person
        (f"Вижу в анкете {_inn12('7787516006')}, всё верно?", "Вижу в анкете [ID], всё верно?"),
    ],
)
def test_a_persons_account_and_inn_are_ids_by_their_shape(said, expected):
    assert redact(said)[0] == expected


def test_an_inn_shape_failing_its_checksum_stays():
    good = _inn12("7787516006")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert redact(f"Вот: {good}.") == ("Вот: [ID].", {"ID": 1})
    assert redact(f"Вот: {bad}.") == (f"Вот: {bad}.", {})


@pytest.mark.parametrize(
    "said",
    [
        f"Трек-номер {_luhn('8123456789012')}, посылка едет.",  # 14 digits passing the Luhn check
        f"Order number {_IN_FOURS}.",
        "Номер заказа 4510 123456.",  # a passport's shape
        "Номер договора 112-233-445 95.",  # a SNILS shape with its checksum
        "Tracking number 1Z 999 AA1 01 2345 6784, it says delivered.",  # a UPS number's tail is no phone
    ],
)
def test_a_number_named_as_a_reference_is_never_a_card_phone_or_id(said):
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("It's +44 7723 750598.", "It's [PHONE]."),  # not a passport's 4-6 after the country code
        ("my mobile is 44 7911 123456", "my mobile is [PHONE]"),  # the UK's 44 said without its plus
    ],
)
def test_a_uk_number_after_its_country_code_is_a_phone(said, expected):
    assert redact(said) == (expected, {"PHONE": 1})


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # "то есть" takes the group before it back
        (
            f"Так, карта {_IN_FOURS[:10]}1111, ой, то есть {_IN_FOURS[10:]}.",
            "CARD",
        ),
        ("Okay, the passport number is 481 220, sorry, 229 614.", "ID"),
        # the two groups a pair said in words made are taken back together
        ("номер карты 2 2 0 2 45 10, ой, нет, не так, 4513 7 9 5 5 6258", "CARD"),
    ],
)
def test_a_group_taken_back_in_the_middle_of_a_number(said, kind):
    text, counts = redact(said)
    assert counts == {kind: 1} and not re.search(r"\d{2}", text), text


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("I have 512 884 190 on file, is that right?", "I have [ID] on file, is that right?"),
        ("У меня в системе 77 7272414, актуально?", "У меня в системе [ID], актуально?"),
        ("I see 415 555 0134 on the account, right?", "I see [PHONE] on the account, right?"),
        ("I see 2 orders on file.", "I see 2 orders on file."),
        ("I have order 512884190 on file.", "I have order 512884190 on file."),
    ],
)
def test_a_long_number_read_from_the_customers_record_is_theirs(said, expected):
    assert redact(said)[0] == expected


def test_a_statement_giving_a_reference_asks_for_none():
    assert asks_for_reference("What's your order number?")
    assert not asks_for_reference("Your case number is 5447609, keep it for reference.")


@pytest.mark.parametrize(
    ("said", "asked", "expected"),
    [
        ("Паспорт 4510 123456, 8 916 123 45 67", None, "Паспорт [ID], [PHONE]"),
        ("СНИЛС 112-233-445 95, мой 8 916 123 45 67", None, "СНИЛС [ID], мой [PHONE]"),
        ("It's 916 123 45 67.", "passport", "It's [ID]."),  # a passport's 10 digits
        ("It's 8 916 123 45 67.", "passport", "It's [PHONE]."),  # 11: no passport's
        ("Так, 89161234567.", "inn", "Так, [PHONE]."),  # only a phone has this shape
    ],
)
def test_digits_not_of_an_identity_numbers_shape_stay_what_they_are(said, asked, expected):
    assert redact(said, asked=asked)[0] == expected


@pytest.mark.parametrize(
    ("said", "asked", "expected"),
    [
        # an e-ticket's carrier code leads its 10 digits: the ticket word names both
        (
            "Здравствуйте, билет 555 7892661208, рейс SU 2344.",
            None,
            "Здравствуйте, билет 555 7892661208, рейс SU 2344.",
        ),
        ("Номер билета у вас 555 4475490246, верно?", None, "Номер билета у вас 555 4475490246, верно?"),
        ("My e-ticket number is 016 3557002664.", None, "My e-ticket number is 016 3557002664."),
        # a Gosuslugi application number, also after the word passport
        (
            "Номер заявления 3647547212, хочу перенести запись.",
            None,
            "Номер заявления 3647547212, хочу перенести запись.",
        ),
        (
            "Заявление на замену паспорта, номер заявления 1095173567.",
            None,
            "Заявление на замену паспорта, номер заявления 1095173567.",
        ),
        # a claim under a health policy
        ("Полис ДМС 62995822740, по убытку номер 178275.", None, "Полис ДМС [ID], по убытку номер 178275."),
        # a company's OGRN is never a card, whatever its checksum
        ("ОГРН 1027700132196.", None, "ОГРН 1027700132196."),
        # a measure after a request for an identity number is no part of it
        ("Да. Машина 2020 года, пробег 153 405.", "ident", "Да. Машина 2020 года, пробег 153 405."),
    ],
)
def test_references_named_by_their_word_stay(said, asked, expected):
    assert redact(said, asked=asked)[0] == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("И у вас ещё КАСКО, полис AI164956119?", "И у вас ещё КАСКО, полис AI164956119?"),
        ("КАСКО, полис 4730-3910060.", "КАСКО, полис 4730-3910060."),
        (
            "По ОСАГО ремонт, полис ААС 5222331058, телефон 8 916 123 45 67.",
            "По ОСАГО ремонт, полис ААС 5222331058, телефон [PHONE].",
        ),
        ("Полис ОМС 7812680072104100.", "Полис ОМС [ID]."),  # a health policy stays an identity number
    ],
)
def test_a_car_insurance_policy_is_a_contract_not_an_identity_number(said, expected):
    assert redact(said)[0] == expected
    assert asked_id("У вас КАСКО, номер полиса?") is None
    assert asked_id("Номер полиса ОМС, пожалуйста.") == "ident"


def test_the_last_four_of_someone_elses_social_is_asked_too():
    assert asks_id_last_four("Okay. Can I get the last four of the account holder's Social?")
    assert not asks_id_last_four("Can I get the last four of the card?")


@pytest.mark.parametrize(
    ("said", "asked", "expected"),
    [
        ("72 № 6391811.", "passport", "[ID]."),
        ("Загранпаспорт 72 № 6391811.", None, "Загранпаспорт [ID]."),
        ("Счёт 72 № 6391811.", None, "Счёт 72 № 6391811."),  # no passport named or asked
    ],
)
def test_a_foreign_passport_written_with_its_number_sign(said, asked, expected):
    assert redact(said, asked=asked)[0] == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        (
            "the number is 4485 3251 3159 7608, expiry oh-eight twenty-eight, and the code is four-one-two.",
            "the number is [CARD], expiry oh-eight twenty-eight, and the code is [CARD].",
        ),
        (
            "Записывайте, 4279 3289 0651 4733, срок до 01/29, код пять шесть три.",
            "Записывайте, [CARD], срок до 01/29, код [CARD].",
        ),
        ("Карта 4279 3289 0651 4733, код 7 2 6.", "Карта [CARD], код [CARD]."),
        # other codes, and amounts, stay
        ("Карта 4279 3289 0651 4733, код города 495.", "Карта [CARD], код города 495."),
        ("Карта 4279 3289 0651 4733, код подтверждения 4821.", "Карта [CARD], код подтверждения 4821."),
        ("Card 4485 3251 3159 7608, area code is 415.", "Card [CARD], area code is 415."),
        ("Карта 4279 3289 0651 4733, промокод 300 рублей.", "Карта [CARD], промокод 300 рублей."),
    ],
)
def test_a_cards_code_after_the_bare_word_once_the_card_is_given(said, expected):
    assert redact(said)[0] == expected


def test_the_bare_word_code_without_a_card_is_no_cvv():
    assert redact("Код 726, подъезд третий, квартира 4.")[0] == "Код 726, подъезд третий, квартира 4."


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("номер начинается с 8950, дальше 313 90 96.", "номер начинается с [PHONE]."),
        ("Мой номер начинается с 8 965, дальше 334, 74, 59, а ИНН", "Мой номер начинается с [PHONE], а ИНН"),
        ("начинается с 8 812, потом 234 25 96.", "начинается с [PHONE]."),
        # a code and a count are no phone
        ("Код 8 950, потом 12 штук.", "Код 8 950, потом 12 штук."),
        ("Сначала 8 400, потом 1 250 000 рублей.", "Сначала 8 400, потом 1 250 000 рублей."),
    ],
)
def test_a_phone_said_as_its_code_then_the_rest_is_one_phone(said, expected):
    assert redact(said)[0] == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("it's MORGA284838SM9IJ.", "it's [ID]."),
        ("Licence number MORGA 284838 SM 9IJ, thanks.", "Licence number [ID], thanks."),
        ("Order MORGAN 284838, thanks.", "Order MORGAN 284838, thanks."),
    ],
)
def test_a_uk_driving_licence_by_its_shape(said, expected):
    assert redact(said)[0] == expected


@pytest.mark.parametrize(
    "said",
    [
        "я сменила почту, старая ivan at mail dot ru, новая petrov at mail dot ru.",
        "my old one was ivan at gmail dot com, the new one is petrov at gmail dot com.",
    ],
)
def test_the_word_telling_which_address_stays_out_of_the_local_part(said):
    out = redact(said)[0]
    assert out.count("[EMAIL]") == 2
    assert ("старая" in out and "новая" in out) or ("old" in out and "new" in out)


@pytest.mark.parametrize(
    "said",
    [
        "Аккаунт на номер +79858498474, верно?",
        "Аккаунт на номер +7 (977) 293-11-86, верно?",
        "Аккаунт на номер плюс 7 9 0 5 5 1 0 5 1 9 6, верно?",
        "Аккаунт на номер 8, 977, 707, 62, 87, верно?",
    ],
)
def test_a_number_after_a_plus_is_a_phone_even_after_an_ids_word(said):
    assert redact(said, asked="ident")[0] == "Аккаунт на номер [PHONE], верно?"


def test_a_contract_number_with_a_slash_is_no_phone():
    """The part after the slash looks like a Russian mobile (8 903 ...): a blind probe's lost keep."""
    assert redact("Договор 757/8903-4184916.") == ("Договор 757/8903-4184916.", {})


@pytest.mark.parametrize(
    ("question", "asks_for_pii"),
    [
        ("Назовите номер заказа, пожалуйста.", False),  # the number word names the order
        ("Назовите номер вашего заказа.", False),
        ("What is your order number?", False),
        ("Назовите номер телефона, привязанный к договору?", True),  # a phone word still asks for it
        ("Could I get a callback number in case we get disconnected?", True),  # "case" names nothing
        ("Ваш номер?", True),
    ],
)
def test_a_question_ending_in_a_number_word_asks_for_the_reference_it_names(question, asks_for_pii):
    assert cue_at_end(question) is asks_for_pii


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("GB22 MIDL 1432 2243 3659 50.", "[ID]."),
        ("It's DE89 3704 0044 0532 0130 00, thanks.", "It's [ID], thanks."),
        ("it's NL81 RABO 3788 4854 99.", "it's [ID]."),  # the bank's O is a letter
        ("it's I E 7 0, A I B K, 2 2 2 6, 7 7 3 2, 9 0 2 1, 6 4.", "it's [ID]."),  # spelled, as dictated
        ("GB22 MIDL 1432 2243 3659 51.", "GB22 MIDL 1432 2243 3659 51."),  # the check digits fail
        # digits read out as words
        ("here's my IBAN, GB09 HBUK 4925 7819 oh one oh four 15.", "here's my IBAN, [ID]."),
    ],
)
def test_an_iban_is_a_bank_account_id(said, stored):
    assert redact(said)[0] == stored


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # a local part of digits said as number words, in groups with commas
        ("восемь девятьсот семьдесят семь семьсот тридцать четыре девять три шесть четыре собака mail.ru",
         "[EMAIL]"),
        ("Uh, two oh six, three six nine six three seven nine at yahoo dot com.", "Uh, [EMAIL]."),
        ("So that's D underscore harlow fifty-five, five at outlook dot com.", "So that's [EMAIL]."),
        ("восемь 925 158, пятьдесят девять, шестьдесят собака mail точка ru, всё", "[EMAIL], всё"),
        # "нижний пробел": the underscore as many say it
        ("волна нижний пробел котофей нижний пробел 1978 собачка инбокс точка ру.", "[EMAIL]."),
        # numbers before a comma that is no part of it stay
        ("Заказ 12345, ivan собака mail.ru", "Заказ 12345, [EMAIL]"),
    ],
)  # fmt: skip
def test_an_email_whose_local_part_is_said_in_words_is_redacted_whole(said, stored):
    assert redact(said)[0] == stored


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("зэ точка громов, гэ, эр, о, эм, о, вэ две тысячи два собака яндекс ру.", "[EMAIL]."),
        ("Значит, глеб, гэ-эль-е-бэ точка тэ, и, тэ, о, вэ собака ya.ru.", "Значит, [EMAIL]."),
        ("yeah, it's R-A-M-O-N underscore mckenna, M-C-K-E-N-N-A 23 at icloud.com.", "yeah, it's [EMAIL]."),
        ("Yeah, it's M as in mary, A, R, C as in charlie, U, S dot h at yahoo.com.", "Yeah, it's [EMAIL]."),
        # the handle said, then spelled; the address took the spelling ("эр" is a letter too)
        ("ирина, и-эр-и-эн-а точка игрек собачка гмейл ком.", "[EMAIL]."),
        # "дабл-ю" is one letter (W): "вилл" is what "дабл-ю-и-эл-эл" spells
        ("Пишите: вилл, дабл-ю-и-эл-эл собака mail.ru.", "Пишите: [EMAIL]."),
        ("Так, жанна, зэ ха а эн эн а точка титов, тэ-и-тэ-о-вэ собака гмейл ком.", "Так, [EMAIL]."),
        ("э, артём, а, эр, тэ, е, эм точка тарасов, тэ, а, эр, а, эс, о, вэ собака rambler.ru.", "[EMAIL]."),
        # a word that only leads to a spelled address is no handle of it
        ("Записала, и-вэ-а-эн точка пэ собака mail.ru.", "Записала, [EMAIL]."),
        ("Записывайте, новая, эс, эм, и, тэ собака mail.ru", "Записывайте, новая, [EMAIL]"),
        ("У меня в системе ivansmirnova собака рамблер точка ру, актуально?", "У меня в [EMAIL], актуально?"),
        # the handle's spelling read with "as in" ("d as in david")
        (
            "Sure, a, i, s, h, a underscore delgado, d as in david, e, l, g, a, d as in david, o at aol.com.",
            "Sure, [EMAIL].",
        ),
        # no spelling before it: the words before the address stay
        ("Send it to a new address, anna at mail.ru.", "Send it to a new address, [EMAIL]."),
        ("Телефон 8 916 123 45 67, и почта ivan@mail.ru.", "Телефон [PHONE], и почта [EMAIL]."),
    ],
)
def test_an_email_spelled_before_its_address_is_redacted_with_it(said, stored):
    """The letters of the local part spelled out ("гэ, эр, о", "M as in mary", "R-A-M-O-N") and the
    handle said before its spelling go with the address (a blind probe's most common e-mail leak)."""
    assert redact(said)[0] == stored


@pytest.mark.parametrize(
    "said",
    [
        "Если что, звоните на горячую линию 8-800-962-02-18, круглосуточно.",
        "Справочная 8 800 290-96-36.",
        "Телефон поддержки +7 800 100 00 00.",
        "Done, call 1-800-979-2841 if anything changes.",
        "You can also reach us 24/7 at 1 (888) 555-0100.",
        "Or call us free on 0800 123 4567.",
    ],
)
def test_a_toll_free_hotline_is_a_companys_and_stays(said):
    assert redact(said) == (said, {})


def test_a_personal_phone_next_to_a_hotline_is_redacted():
    said = (
        "Мой 8 916 203 47 18, а ваша линия 8 800 555 35 35? And mine is 212 555 0199, yours 1-800-555-0100."
    )
    assert redact(said) == (
        "Мой [PHONE], а ваша линия 8 800 555 35 35? And mine is [PHONE], yours 1-800-555-0100.",
        {"PHONE": 2},
    )


def test_a_hotline_said_in_words_stays_through_the_filter():
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    said = "Звоните на горячую линию восемь восемьсот пятьсот пятьдесят пять тридцать пять тридцать пять."
    out = filter_transcript(make_transcript_from_turns("hotline", [("agent", said)]))
    assert "[PHONE]" not in out["transcript"]["segments"][0]["text"] and out["pii"] == {}
    assert "8 800 555 35 35" in compress(out, len, "t")["text"]  # in the LLM's text too
    # in groups with pauses, and in English read digit by digit
    for said in (
        "Горячая линия банка восемь восемьсот шестьсот сорок, пятьдесят четыре, семнадцать.",
        "Call one eight hundred, two five five, 8322.",
    ):
        out = filter_transcript(make_transcript_from_turns("hotline", [("agent", said)]))
        assert out["transcript"]["segments"][0]["text"] == said and out["pii"] == {}


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("artem_kuznetsov1994@gmail.com, по буквам ка, у, зэ, эн, е, тэ, эс, о, вэ.", "[EMAIL]."),
        ("Почта zhukov.p@mail.ru, по буквам зэ, аш, у, ка, о, вэ.", "Почта [EMAIL]."),
        ("Sure, dunmore.tony@gmail.com, that's D-U-N-M-O-ar-E.", "Sure, [EMAIL]."),
        ("holl.is@aol.com, that's H O L L as in Lima I as in India S as in Sam.", "[EMAIL]."),
        ("mike.lindqvist@x.com, that's L-I-N-D-Q-V as in Victor-I-S-T.", "[EMAIL]."),
        # the letters after an "as in" word, hyphenated on
        ("dunmoren@outlook.com, that's D-U as in uniform-N-M as in Mary-O-ar-E as in Edward-N.", "[EMAIL]."),
        # English letter names ("bee, ee, en"), English letters named the Russian way ("и" for E)
        ("k.bennett@hotmail.co.uk, that's bee, ee, en, en, ee, tee, tee.", "[EMAIL]."),
        ("ramirez51@northgate-dental.com, that's are, ay, em, eye, are, ee, zee.", "[EMAIL]."),
        ("sergey1977@stroyalyans.ru, по буквам: эс, и, эр, жи, э, уай.", "[EMAIL]."),
    ],
)
def test_a_spelling_after_the_address_goes_with_it(said, stored):
    assert redact(said) == (stored, {"EMAIL": 1})


@pytest.mark.parametrize(
    "said",
    [
        # letters that are not the address's: a name spelled after it stays
        "ivan@mail.ru, фамилия по буквам пэ, е, тэ, эр, о, вэ.",
        # two letters are no spelling
        "ivan@mail.ru, а, бэ.",
        # English words that name letters, not spelling the address
        "ivan@mail.ru, you see, are you there?",
    ],
)
def test_letters_after_the_address_that_do_not_spell_it_stay(said):
    assert redact(said) == (said.replace("ivan@mail.ru", "[EMAIL]"), {"EMAIL": 1})


@pytest.mark.parametrize(
    "said",
    [
        # the phone word in a sentence of its own names no later reference's digits
        "Оплатим по телефону? Да, за три месяца, счёт 338-6887.",
        "Card is frozen. Your dispute number is 4775619692.",
        "The employer's EIN is 19-8550439.",
    ],
)
def test_a_reference_after_a_phone_words_sentence_stays(said):
    assert redact(said) == (said, {})


def test_an_employers_ein_answering_its_request_after_the_ssn_stays():
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    turns = [
        ("agent", "I'll need your Social Security number."),
        ("customer", "It's 497-28-2977."),
        ("agent", "Thanks. The employer's EIN on your W-2?"),
        ("customer", "19-8550439."),
    ]
    segs = filter_transcript(make_transcript_from_turns("ein", turns))["transcript"]["segments"]
    assert [s["text"] for s in segs[1::2]] == ["It's [ID].", "19-8550439."]


@pytest.mark.parametrize(
    "said",
    [
        "Конечно: pavelvasilenko собака бэ ка ру.",
        "dima точка nikolaev семьдесят восемь собака бэ ка ру.",
        "yulia точка frolova собака би кей ру.",
    ],
)
def test_an_address_at_bk_ru_said_in_letter_names(said):
    text, counts = redact(said)
    assert counts == {"EMAIL": 1} and not re.search(r"pavel|nikolaev|frolov|семьдесят", text), text


def test_a_us_number_with_its_area_code_apart_and_the_rest_in_one_group_after_a_phone_word():
    assert redact("My phone is 2 12 8094226.") == ("My phone is [PHONE].", {"PHONE": 1})
    assert redact("Order 2 12 8094226.") == ("Order 2 12 8094226.", {})  # no phone word: a reference


def test_an_initial_before_the_digits_of_a_spoken_local_part_is_in_it():
    said = "frolov точка a девятнадцать семьдесят шесть собака джимейл ком."
    assert redact(said) == ("[EMAIL].", {"EMAIL": 1})


def test_a_card_asked_for_read_in_three_pieces_the_last_one_long():
    assert redact("5690... 3190... 40101766", asked="card") == ("[CARD]", {"CARD": 1})
    assert redact("5690... 3190... 40101766") == ("5690... 3190... 40101766", {})  # not asked: no shape


def test_a_russian_mobile_read_in_pairs_after_its_trunk():
    said = "Это мой личный, не рабочий: 8 91 82 20 34 28"
    assert redact(said) == ("Это мой личный, не рабочий: [PHONE]", {"PHONE": 1})


@pytest.mark.parametrize(
    "said",
    [
        "Okay, R, A as in apple, es, H, I, dee, 1, 9, 8, 3, at gmail dot com.",
        "Okay, M, N as in nancy, gee, you, why, E as in edward, N as in nancy, at yahoo dot com.",
        "Yeah, oh, K as in king, ay, F as in frank, O, are, 7, 1, at hotmail.co.uk.",
    ],
)
def test_a_local_part_spelled_in_english_letter_names_before_the_address(said):
    assert redact(said) == (said.split(",", 1)[0] + ", [EMAIL].", {"EMAIL": 1})


def test_english_letter_names_alone_before_an_address_are_words():
    assert redact("Thank you, it is anna at gmail dot com.")[0] == "Thank you, it is [EMAIL]."


@pytest.mark.parametrize(
    "said",
    [
        # an IMEI and a pet's chip pass Luhn; a phone's serial is the device's
        "IMEI 35 317609 679933 4.",
        "IMEI 350354071170622, правильно?",
        "Чип 985 3295 2306 2059.",
        "Chip 985052573417045.",
        "Серийный номер телефона на коробке 35 317609 679933 4.",
        "The serial number on the box is 86 260256 117431 9.",
        # an order named a few words before its digits
        "Номер заказа у меня длинный, 2415-1252-7254-4248.",
        "The order number's long, it's 7956456961071522.",
        # a company's documents and accounts
        "Счёт на оплату номер 6833015672 от 6 июля 2025 года.",
        "Номер платёжного поручения 5716326283.",
        "Вижу, номер операции 32972841, вернём за 7 дней.",
        "Корсчёт 30101810200000000667.",
        "Your tracking number is 1Z756E40398824702.",
    ],
)
def test_device_payment_and_order_numbers_that_look_like_pii_stay(said):
    assert redact(said) == (said, {})


def test_a_reference_word_names_the_digits_even_when_a_card_or_an_id_was_asked_for():
    assert redact("IMEI 350354071170622, правильно?", asked="card") == (
        "IMEI 350354071170622, правильно?",
        {},
    )
    said = "Booking 673558, and my license number's D 368 912 3345."
    assert redact(said, asked="ident") == ("Booking 673558, and my license number's D [ID].", {"ID": 1})
    # an account may be a person's: it stays the number asked for
    assert redact("The account is 4159 1221 7867.", asked="ident")[0] == "The account is [ID]."


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        (
            "My zip? Sorry, the last four of my social are 4735.",
            "My zip? Sorry, the last four of my social are [ID].",
        ),
        (
            "The last four of my social are6831, and contract 462668.",
            "The last four of my social are[ID], and contract 462668.",
        ),
        ("Sorry, the last four of my social are #2654.", "Sorry, the last four of my social are #[ID]."),
        (
            "The last four of my social are 49 55, and contract LS-40357.",
            "The last four of my social are [ID], and contract LS-40357.",
        ),
    ],
)
def test_a_social_s_last_four_named_with_their_words_unasked(said, stored):
    assert redact(said) == (stored, {"ID": 1})


def test_the_last_four_of_whose_account_named_before_them():
    assert redact("For my daughter's account, the last four are 1866.") == (
        "For my daughter's account, the last four are [ID].",
        {"ID": 1},
    )
    # the last group of a dictation, a correction of one, a card's: not said whose, they stay here (the
    # pieces together, or the card, tell what they are)
    for said in (
        "and the last four are 5775.",
        "No, no, the last four are 0489.",
        "For my card, the last four are 4242.",
    ):
        assert redact(said) == (said, {})
    assert redact("For my son's account, the last four are 8691.", asked="card")[1] == {}


def test_a_card_code_after_code_s_and_the_code_on_the_back():
    assert redact_card_code("03 30, and the code's 920.") == ("03 30, and the code's [CARD].", 1)
    assert redact("Код сзади 816.") == ("Код сзади [CARD].", {"CARD": 1})
    assert redact("И код сзади сразу: 816.") == ("И код сзади сразу: [CARD].", {"CARD": 1})
    assert redact_card_code("The zip code's 94107.")[1] == 0


def test_a_card_s_last_four_stay():
    assert redact("Yes, the last four of the card are 4242.") == (
        "Yes, the last four of the card are 4242.",
        {},
    )


def test_a_spelling_of_the_address_in_the_next_breath():
    assert spelling_of("That's N, A, D, Y, A, V, E, T, R.", "nadyavetrovicloudcom") == (7, 32)
    assert spelling_of("По буквам: эс, е, эр, гэ, е, игрек.", "sergeyzimi97yaru") is not None
    assert spelling_of("That's B, R, E, N, N, A, G, H.", "ortega81aolcom") is None  # another word


def test_a_spelling_in_an_alphabet_goes_over_the_said_dash_or_dot():
    # the address's joiners said between the spelled letters do not end the spelling
    said = "kilo, hyphen, l as in lima, e as in echo, echo"
    assert spelling_of(said, "kleeyahoocom") == (0, len(said))
    said = "эм как Мария, точка, Ирина, Виктор, Анна, Николай, Олег, Виктор, Анна"
    assert spelling_of(said, "mivanovamailru") == (0, len(said))
    # a joiner first, or letters that are another word's, spell nothing
    assert spelling_of("hyphen, kilo, lima, echo", "kleeyahoocom") is None
    assert spelling_of("Виктор, дефис, Тамара, Олег, Мария", "mivanovamailru") is None


@pytest.mark.parametrize(
    ("said", "stored", "kind"),
    [
        ("It's under my phone6542007729.", "It's under my phone [PHONE].", "PHONE"),
        ("My number's+447717616978, and booking 78709.", "My number's [PHONE], and booking 78709.", "PHONE"),
        ("Паспорт у меня в руках, сразу4526201938.", "Паспорт у меня в руках, сразу [ID].", "ID"),
    ],
)
def test_digits_run_into_the_word_before_them(said, stored, kind):
    assert redact(said) == (stored, {kind: 1})


@pytest.mark.parametrize("said", ["VIN WVWWGCSP0S3304565.", "Invoice INV-66120034 for $5,600."])
def test_codes_with_letters_run_into_digits_stay(said):
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("License number GJOFD-974879-BM9PR.", "License number [ID]."),
        (
            "I don't have the citation here, but my license is 657-212-410.",
            "I don't have the citation here, but my license is [ID].",
        ),
        ("But my license is S-364-2084.", "But my license is [ID]."),
    ],
)
def test_a_driving_licence_said_as_my_license_or_with_dashes(said, stored):
    assert redact(said) == (stored, {"ID": 1})


def test_my_license_without_its_number_stays():
    assert redact("My license is expired since 2021.") == ("My license is expired since 2021.", {})


@pytest.mark.parametrize(
    "said",
    [
        "Чемодан синий, бирка 0555 218734, рейс из Сочи.",
        "My suitcase is missing, the bag tag reads 0016 734512.",
    ],
)
def test_a_bag_tag_is_a_reference(said):
    """An airline's code and the bag's serial (4 + 6 digits, a passport's shape): the bag's, no person's."""
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    "said",
    [
        "Пишите: договор номер 250 42 789 76.",
        "Да, записывайте: квитанция номер 935 72 616 18.",
        "I have agreement number 0612-990197 here.",
        "Okay, agreement number 0413-961304, that's right.",
    ],
)
def test_a_reference_word_after_a_word_to_write_down_names_the_number(said):
    """ "Пишите" asks for a phone only when nothing after it says what the number is; an agreement's
    number is a contract's."""
    assert redact(said) == (said, {})


def test_a_word_to_write_down_still_announces_a_phone():
    assert redact("Пишите: 8 916 123 45 67, договор номер 250.") == (
        "Пишите: [PHONE], договор номер 250.",
        {"PHONE": 1},
    )


@pytest.mark.parametrize(
    "said",
    [
        "У меня тут квитанция номер 7024832117.",
        "Вижу у вас трек-номер 19000096443451.",
        "У меня в системе накладная СДЭК 1650589005.",
        "У меня в системе бронирование 251487047.",
        "I see in the system reservation 924295811.",
    ],
)
def test_whose_or_where_looked_up_is_no_place_of_the_number(said):
    """ "у меня", "у вас", "в системе" say who has the reference or where it is read, not that the
    number is one kept on it ("номер, привязанный к договору")."""
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        (
            "Назовите номер, привязанный к договору: 8 916 123 45 67",
            "Назовите номер, привязанный к договору: [PHONE]",
        ),
        ("the number on the account is 202 555 0134", "the number on the account is [PHONE]"),
        ("I have on file 4081 7810 0999 1000 4312.", "I have on file [ID]."),
    ],
)
def test_a_number_kept_on_a_reference_or_read_from_the_record_is_still_redacted(said, stored):
    assert redact(said)[0] == stored


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # the check digits said as words, "oh" for the zero
        ("It's D E, oh eight, 3704 0044 0532 0130 03.", "It's [ID]."),
        # the bank code's letters heard among the digits, the digits in order (GB29 NWBK 6016 ...)
        ("Okay, GB 2960 NWBK 1613 3192 6819.", "Okay, [ID]."),
    ],
)
def test_an_iban_read_with_its_check_digits_in_words_or_its_letters_misplaced(said, stored):
    assert redact(said, PiiOptions())[0] == stored


def test_capitals_and_digits_failing_the_iban_check_stay():
    """The same shape, one digit off: no IBAN."""
    said = "Okay, GB 2960 NWBK 1613 3192 6818."
    assert redact(said, PiiOptions())[0] == said


@pytest.mark.parametrize(
    "said",
    [
        "Пишите: рецепт номер 4, 1, 7, 0, 5, 5, 2.",  # a word asking to write it down names no phone here
        "The prescription number is 5 5 5 0 1 3 4.",
    ],
)
def test_a_prescription_number_is_a_reference(said):
    assert redact(said, PiiOptions())[0] == said


def test_a_card_in_its_groups_after_a_booking_word_is_still_a_card():
    assert redact("Booking 4111 1111 1111 1111, please.", PiiOptions())[0] == "Booking [CARD], please."


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # a Russian birth certificate by its shape: a Roman numeral, two Cyrillic capitals, six digits
        ("Свидетельство о рождении XII-ЛО № 330187 у сына.", "Свидетельство о рождении [ID] у сына."),
        ("у дочки свидетельство I-ИР 904512", "у дочки свидетельство [ID]"),
        # after its word, in any language: an identity document
        ("The birth certificate number is 7730 2215 6.", "The birth certificate number is [ID]."),
    ],
)
def test_a_birth_certificate_is_an_identity_number(said, stored):
    assert redact(said)[0] == stored


@pytest.mark.parametrize(
    "text",
    ["Назовите номер свидетельства о рождении дочери.", "Could you read me the birth certificate number?"],
)
def test_a_request_for_a_birth_certificate_asks_for_an_identity_number(text):
    assert asked_id(text) == "ident"


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # a booking named with its number sign or word ends what an identity word before it named
        ("полис ДМС 7700 1234 5678 9012, бронь № 604311", "полис ДМС [ID], бронь № 604311"),
        ("member ID 8841 2290 17, booking number 553120", "member ID [ID], booking number 553120"),
        # no shape of a birth certificate without its Latin numeral, nor its word
        ("сертификат XI-AB 123456", "сертификат XI-AB 123456"),
        ("Том II, глава АБ 123456", "Том II, глава АБ 123456"),
    ],
)
def test_a_booking_after_an_identity_number_and_look_alike_series_stay(said, stored):
    assert redact(said)[0] == stored


@pytest.mark.parametrize(
    "said",
    [
        # a vehicle word right before the policy word: the car's contract, a reference (as ОСАГО is)
        "My auto policy number is 5512-0933-71.",
        "Your motor policy no. 88 1204 7736",
        "автомобильный полис 7741 2290 55, вот",
    ],
)
def test_a_car_policy_named_by_its_vehicle_word_stays(said):
    assert redact(said)[0] == said


@pytest.mark.parametrize(
    "said",
    [
        # a claim form's date of loss: a car's or a home's insurance, its policy a contract (probe 14)
        "The claim form says: claim number 3045-355-51, date of loss 12/10/2024, policy number PA 6911 0221.",
        "claim number CLM-1687814, date of loss 25 July 2025, policy number AP-66062-0534, deductible $8,250",
    ],
)
def test_a_policy_after_a_claims_date_of_loss_stays(said):
    assert redact(said)[0] == said


@pytest.mark.parametrize(
    "said",
    [
        "My health insurance policy number is 6911 0221 55.",
        # a date of service is a health claim's: the policy is the person's
        "claim number CLM-1687814, date of service 25 July 2025, policy number 4208 0069 55.",
        # the date of loss in another sentence names nothing
        "The date of loss was 25 July 2025. My policy number is 4208 0069 55.",
    ],
)
def test_a_policy_without_a_date_of_loss_before_it_is_redacted(said):
    assert "[ID]" in redact(said)[0]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("the claim number, so 5521", True),
        ("номер заказа, так... 77", True),
        ("your auto policy number, it starts 31", True),
        ("паспорт, так... 77", False),
        ("my number, it's 917", False),
    ],
)
def test_a_reference_named_before_a_number(text, named):
    assert reference_named_before(text, len(text) - len(text.split()[-1])) is named


@pytest.mark.parametrize(
    "said",
    [
        # a reference word, then a dash before its digits: still the reference's
        "номер обращения — 9034417265",
        "Order number – 415 555 0134",
    ],
)
def test_a_reference_before_a_dash_stays(said):
    assert redact(said)[0] == said


def test_a_uk_freephone_said_as_oh_eight_hundred_stays():
    """Dictated, "oh eight hundred" is read "0 8 00": still the 0800 of a company's line."""
    said = "our freephone is 0 8 00, 4 1 2, 6 6 0 9."
    assert redact(said)[0] == said
    # a mobile said so is still a person's
    assert redact("my mobile is 0 7 8 00, 2 7 7, 3 1 3.")[0] == "my mobile is [PHONE]."


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # an old Russian driver's licence: a region's two digits, two Cyrillic capitals, six digits
        ("Права у меня 39 НР 204611, старые ещё.", "Права у меня [ID], старые ещё."),
        ("записывайте: 61, Т О, 118 035", "записывайте: [ID]"),
        # its letters spelled with names, as a caller spells them to be sure
        ("ну, 12, Р как Роман, К как Кирилл... 550 071", "ну, [ID]"),
    ],
)
def test_an_old_russian_driving_licence_by_its_shape(said, stored):
    assert redact(said) == (stored, {"ID": 1})


@pytest.mark.parametrize(
    "said",
    [
        # an ОСАГО policy has three letters and ten digits: the car's, it stays
        "полис ОСАГО ХХХ 0314477290",
        # two Latin capitals between numbers in an English call are no licence of this shape
        "gate 14 AB, flight 220415 leaves at nine",
        "that's 12 boxes, 450 units",
    ],
)
def test_other_numbers_with_two_capitals_stay(said):
    assert redact(said)[0] == said


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # a US passport of the new kind: a letter run into eight digits, after the passport's word
        ("Passport number Z40718325, the trip is booked.", "Passport number [ID], the trip is booked."),
        ("У дочери американский паспорт, номер Z40718325.", "У дочери американский паспорт, номер [ID]."),
        # "DL" before a letter names a driver's licence: its digits after the letter spoken apart
        ("it's on the card: DL K 602 3391, expires in May", "it's on the card: DL K [ID], expires in May"),
        ("DL number 602 3391 0, from Nevada", "DL number [ID], from Nevada"),
    ],
)
def test_a_lettered_passport_and_a_licence_named_dl(said, stored):
    assert redact(said) == (stored, {"ID": 1})


@pytest.mark.parametrize(
    "said",
    [
        # a letter and eight digits after a reference word, or a passport word without one, stay
        "Booking reference K52281904 for the passport holder.",
        "заказ R40718325 оформлен на паспорт",
        # Delta's code ("DL") before digits: a flight, a bag's tag; lower-case "dl" names nothing
        "flight DL 2231 boards at 10:40",
        "the bag tag reads DL 530 118",
        "download 4418822 dl files",
    ],
)
def test_a_letter_and_eight_digits_elsewhere_stay(said):
    assert redact(said)[0] == said


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # an IBAN's letters spelled with the NATO alphabet, "X as in Word" or the words alone
        ("my IBAN is G as in Golf, B as in Bravo 26, N as in November, W as in Whiskey, B as in Bravo, "
         "K as in Kilo 6071 4427 0193 84", "my IBAN is [ID]"),
        ("it's Delta Echo 50, 5001 0517 0648 2937 51, that's the whole thing",
         "it's [ID], that's the whole thing"),
        ("Nederlandse rekening: November Lima 58 Romeo Alpha Bravo Oscar 0318 2644 50",
         "Nederlandse rekening: [ID]"),
        # a Russian caller reads the same with the Latin words
        ("для возврата IBAN: Delta Echo, 50 5001 0517 0648 2937 51, спасибо",
         "для возврата IBAN: [ID], спасибо"),
        # a US passport's letter spelled, its digits after a pause
        ("passport number Foxtrot 7702... 1468", "passport number [ID]"),
        ("passport: it's K as in Kilo 31, 07, 52 9 4", "passport: it's [ID]"),
        ("паспорт США: Z как Zulu, 4071 8325", "паспорт США: [ID]"),
    ],
)  # fmt: skip
def test_letters_spelled_with_an_alphabet_are_read_as_capitals(said, stored):
    assert redact(said) == (stored, {"ID": 1})


@pytest.mark.parametrize(
    "said",
    [
        # a name that is a NATO word, a spelled product name, a hotel, prices and dates stay as said
        "Romeo from the Miami office called me on 14 March about the 2 499 dollar refund",
        "the model is Echo Dot, order 5561 2290 shipped on 03/11/2025",
        "we stayed at Hotel India Palace, room 1408, 3 nights for 27 400 рублей",
        "it's spelled K as in Kilo, I, N, D, L, E, the Kindle for 129 dollars, order 77104 2291",
        "Роман как раз оплатил 15 700 рублей по заказу 4415 2290",
        "Bravo, the 2024 plan at 1 299 and 2 499 per year",
        # a passport's letter and eight digits after a booking word, not the passport's
        "booking reference Foxtrot 7702 1468",
    ],
)
def test_alphabet_words_that_spell_nothing_secret_stay(said):
    assert redact(said)[0] == said


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # a booking's or an order's number beside a passport in one sentence stays; the passport goes
        ("по документам: бронь № 204417, загранпаспорт № 71 5520934",
         "по документам: бронь № 204417, загранпаспорт № [ID]"),
        ("паспорт серия 45 10 номер 123456, заказ № 551233", "паспорт серия [ID], заказ № 551233"),
        ("Паспорт 46 11, номер, 208374, запись № 380512", "Паспорт [ID], запись № 380512"),
        ("passport number 71 5520934, booking number 204417", "passport number [ID], booking number 204417"),
    ],
)  # fmt: skip
def test_a_reference_number_beside_a_passport_stays(said, stored):
    assert redact(said) == (stored, {"ID": 1})


@pytest.mark.parametrize(
    "said",
    [
        # a toll-free line and its hours: "24/7" is no more of its digits
        "You can reach support at 1-888-204-7731, 24/7, or by chat.",
        "The helpline, 1 (877) 530-6412, 24 7, is free from any phone.",
        "Call 800-615-2290 twenty-four seven for roadside help.",
        "Our line 1-866-402-5518 is open 24 hours a day.",
        "Бесплатная линия 8 800 301-44-27, 24 на 7, звоните.",
        "Горячая линия 8-800-700-12-90, 24/7, заказ 5512-7730 от 12.03.2025.",
    ],
)
def test_a_hotline_and_its_hours_stay(said):
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # a number that only starts like a hotline, or a person's line before "24/7", still goes
        ("my cell is 917-204-5518, 24/7 reachable", "my cell is [PHONE], 24/7 reachable"),
        ("мой номер 8 916 204-55-18, 24 на 7 на связи", "мой номер [PHONE], 24 на 7 на связи"),
    ],
)
def test_a_personal_phone_before_its_hours_still_goes(said, stored):
    assert redact(said) == (stored, {"PHONE": 1})


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # a contract's number said with its "номер" after a passport in one breath is the contract's
        ("Паспорт 4603 512877, договор номер 41-7730/25.", "Паспорт [ID], договор номер 41-7730/25."),
        ("серия 4603 номер 512877, номер договора 418830", "серия [ID], номер договора 418830"),
        ("паспорт 4603 512877, заказ номер 55-1209", "паспорт [ID], заказ номер 55-1209"),
        ("passport 4603 512877, contract number 55-1209", "passport [ID], contract number 55-1209"),
    ],
)  # fmt: skip
def test_a_reference_with_its_number_word_after_a_passport_stays(said, stored):
    assert redact(said) == (stored, {"ID": 1})


@pytest.mark.parametrize(
    ("said", "stored", "counts"),
    [
        # Whisper ran a short word with its apostrophe, or a capitalised one, into the digits
        ("Sure, it's4155550198 on my file", "Sure, it's [PHONE] on my file", {"PHONE": 1}),
        ("Телефон+79034417722, запишите", "Телефон [PHONE], запишите", {"PHONE": 1}),
        # digits, then the kind they are named as after them
        ("I'm seeing 5310 77402 as your passport, correct?", "I'm seeing [ID] as your passport, correct?",
         {"ID": 1}),
        ("Вижу 74 5510382 — это ваш загранпаспорт?", "Вижу [ID] — это ваш загранпаспорт?", {"ID": 1}),
        # an IBAN with a full stop after each group, one group holding 800 and seven digits
        ("My IBAN: GB58. MIDL. 6330. 8001. 9822. 23.", "My IBAN: [ID].", {"ID": 1}),
        # an address with a space each side of "@" and of the dot
        ("reply to nadia.k91 @ gmail . com please", "reply to [EMAIL] please", {"EMAIL": 1}),
        ("пишите на oleg.sokol @ yandex . ru, спасибо", "пишите на [EMAIL], спасибо", {"EMAIL": 1}),
    ],
)  # fmt: skip
def test_whisper_s_written_shapes_of_a_secret(said, stored, counts):
    assert redact(said) == (stored, counts)


@pytest.mark.parametrize(
    "said",
    [
        # a reference or an amount named after its digits, a code glued to a word, "at home . " stay
        "I'm seeing 5310 77402 as your order number, correct?",
        "У меня 1 240 рублей, это ваш остаток по счёту на оплату",
        "Вижу 5510382 — это ваш номер заказа?",
        "Order12345678 shipped on 03/14/2025",
        "I was at home . Com was down again",
        "The hotline 1-800-633-0800, 24/7, or chat",
    ],
)
def test_written_shapes_of_references_stay(said):
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # a National Insurance number with an "oh" for its zero: five digits written, its shape still says it
        ("So that's P R, 4 oh, 1 9, 2 7, B?", "So that's [ID]?"),
        ("NI number: J T, 3 1, oh 8, 5 5, C", "NI number: [ID]"),
    ],
)
def test_a_national_insurance_number_with_an_oh_for_a_zero(said, stored):
    assert redact(said) == (stored, {"ID": 1})


@pytest.mark.parametrize(
    "said", ["Oh, we landed at 5 to 9 on BA 2 oh 1, gate C", "Oh no, room 4 oh 1 B was booked for 3 nights"]
)
def test_letters_and_an_oh_that_are_no_national_insurance_number_stay(said):
    assert redact(said) == (said, {})


@pytest.mark.parametrize(
    "text",
    [
        # a reference word three words before its number: "на Госуслугах" between
        "Заявление на Госуслугах номер 3487269836, подавала 07.01.2023.",
        # a car policy (ОСАГО) read from the paper: its three letters, then ten digits, after "серия и номер"
        "серия и номер ККК 0302414759, срок страхования с 25 декабря 2025",
        "Полис серия ХХХ 0140288602, премия 7 990 рублей.",
    ],
)
def test_a_reference_named_further_back_or_a_car_policy_series_stays(text):
    assert redact(text) == (text, {})


@pytest.mark.parametrize(
    "text", ["серия 4510 номер 123456", "Паспорт 4510 123456.", "Мой телефон на заявлении 89161234567."]
)
def test_a_passport_or_a_phone_beside_those_words_is_still_redacted(text):
    assert redact(text)[1]


def test_a_pause_before_the_digits_that_end_a_local_part_is_in_the_address():
    assert redact("it's lena dot frost, ninety-one at yahoo dot com")[0] == "it's [EMAIL]"


def test_a_distance_after_the_digits_is_no_identity_number_asked_for():
    assert redact("It's at 112,400 miles now.", asked="ident") == ("It's at 112,400 miles now.", {})


def test_a_word_asking_to_write_down_names_no_phone_before_a_reference_word():
    text = "Записывайте: номер обращения 4155550134"
    assert redact(text) == (text, {})


def test_socials_asked_for_in_the_plural_are_asked_for():
    assert asked_id("I'll need both socials for the joint account.") == "ssn"


def test_a_reference_named_as_where_an_identity_number_is_written_ends_nothing():
    # "the application" is where the social is written, not what the digits are
    assert (
        redact("The social on the application is 212, 51, 4487.")[0]
        == "The social on the application is [ID]."
    )


def test_a_licence_asked_for_as_its_colloquial_plural():
    assert asked_id("Продиктуйте номер прав, пожалуйста.") == "ident"
    assert asked_id("Вы правы, номер верный?") is None


def test_a_passport_asked_for_regrouped_from_800_is_no_hotline():
    assert redact("Да, пишите: 800 415 723 6.", asked="passport")[0] == "Да, пишите: [ID]."
    # a hotline's grouping stays the hotline, whatever was asked
    assert redact("Горячая линия 800-749-0357.", asked="passport") == ("Горячая линия 800-749-0357.", {})


def test_a_passports_department_code_is_no_part_of_its_number():
    said = "код подразделения 612-004, 4 5, 0 7, 3 1 8 2 5 4"
    assert redact(said, asked="passport")[0] == "код подразделения 612-004, [ID]"


@pytest.mark.parametrize(
    ("texts", "roles", "counts"),
    [
        # the other speaker asked for another number between: two numbers, not one cut in two
        (["Полис номер [ID].", "И СНИЛС, пожалуйста.", "[ID]."], ["c", "a", "c"], {"ID": 2}),
        (
            ["It's [PHONE].", "And your wife's number, as a second contact?", "[PHONE]."],
            ["c", "a", "c"],
            {"PHONE": 2},
        ),
        # a backchannel, a hold, a request for the rest, a passport's number after its series: one number
        (["It's [PHONE]", "Yeah.", "[PHONE]."], ["c", "a", "c"], {"PHONE": 1}),
        (["Номер [PHONE]", "А дальше?", "[PHONE]."], ["c", "a", "c"], {"PHONE": 1}),
        (["Номер [PHONE]", "Алло? Вы меня слышите?", "[PHONE]."], ["c", "a", "c"], {"PHONE": 1}),
        (["Серия [ID].", "Так, номер?", "[ID]."], ["c", "a", "c"], {"ID": 1}),
        # the other speaker reading back the number just given: the same number
        (["[PHONE].", "So [PHONE]?"], ["c", "a"], {"PHONE": 1}),
        (["[PHONE].", "Итак, [PHONE], верно?"], ["c", "a"], {"PHONE": 1}),
        (["[PHONE].", "Let me read that back: [PHONE]."], ["c", "a"], {"PHONE": 1}),
        # ... not a number of their own
        (["It's [PHONE].", "Our number is [PHONE]."], ["c", "a"], {"PHONE": 2}),
    ],
)
def test_stored_counts_join_a_speakers_pieces_only_with_no_request_between(texts, roles, counts):
    """calls.pii_redacted (count_placeholders with roles) agrees with the filter's count."""
    assert count_placeholders(texts, roles) == counts


@pytest.mark.parametrize(
    ("turns", "lang", "counts"),
    [
        (
            [("agent", "Полис ОМС?"), ("customer", "Полис номер 7700 1234 5678 9012."),
             ("agent", "И СНИЛС, пожалуйста."), ("customer", "123-456-789 64.")],
            "ru",
            {"ID": 2},
        ),
        (
            [("agent", "Your phone number?"), ("customer", "It's 617 555 2941."),
             ("agent", "And your wife's number, as a second contact?"), ("customer", "617 555 3380.")],
            "en",
            {"PHONE": 2},
        ),
        (
            [("agent", "And the new phone number?"),
             ("customer", "Five five five, two three one, four four zero nine."),
             ("agent", "So 555 231 4409?")],
            "en",
            {"PHONE": 1},
        ),
    ],
)  # fmt: skip
def test_stored_counts_agree_with_the_filter(turns, lang, counts):
    from processors.filtering import filter_transcript
    from processors.rules import rule_metrics
    from streams.bench_text import make_transcript_from_turns

    filtered = filter_transcript(make_transcript_from_turns("n", turns, lang))
    assert filtered["pii"] == counts
    assert rule_metrics(filtered["transcript"])["pii"] == counts


@pytest.mark.parametrize(
    ("turns", "lang", "stored"),
    [
        (
            [("agent", "And the new phone number?"),
             ("customer", "Five five five, two three one, four four zero nine."),
             ("agent", "So 555 231 4409?"),
             ("customer", "Four four zero eight, actually. Eight at the end.")],
            "en",
            "[PHONE], actually. [PHONE] at the end.",
        ),
        (
            [("agent", "Ваш телефон?"),
             ("customer", "Восемь девятьсот шестнадцать, сто двадцать три, сорок пять, шестьдесят семь."),
             ("agent", "8 916 123 45 67?"),
             ("customer", "Нет, в конце шестьдесят восемь. Сорок пять, шестьдесят восемь.")],
            "ru",
            "Нет, в конце [PHONE]. [PHONE].",
        ),
        # an answer that corrects nothing keeps its numbers
        (
            [("agent", "And the new phone number?"),
             ("customer", "Five five five, two three one, four four zero nine."),
             ("agent", "So 555 231 4409?"),
             ("customer", "Yes. And I'd like 2 of the routers.")],
            "en",
            "Yes. And I'd like 2 of the routers.",
        ),
    ],
)  # fmt: skip
def test_a_phones_group_corrected_after_its_read_back_is_the_phone(turns, lang, stored):
    from processors.filtering import filter_transcript
    from processors.rules import rule_metrics
    from streams.bench_text import make_transcript_from_turns

    filtered = filter_transcript(make_transcript_from_turns("n", turns, lang))
    assert filtered["transcript"]["segments"][-1]["text"] == stored
    assert filtered["pii"] == {"PHONE": 1}
    assert rule_metrics(filtered["transcript"])["pii"] == {"PHONE": 1}


def _both_counts(turns: list[tuple[str, str]], lang: str) -> tuple[dict[str, int], dict[str, int]]:
    """The filter's count and the stored one (count_placeholders over the filtered segments)."""
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    filtered = filter_transcript(make_transcript_from_turns("n", turns, lang))
    segments = filtered["transcript"]["segments"]
    return filtered["pii"], count_placeholders([s["text"] for s in segments], [s["role"] for s in segments])


def test_an_address_and_a_phone_corrected_and_read_back_are_one_each():
    """Call c06 (UAT round 3): an old address taken back for the new one, the agent reading it back; a
    phone with a group restarted, read back, a group corrected, read back again. One e-mail, one phone."""
    turns = [
        ("agent", "Sure. What's the new email?"),
        ("customer", "It's john dot smith... no wait, sorry, that's my old one. "
                     "It's j smith eighty four at outlook dot com."),
        ("agent", "J smith 84 at outlook dot com. Is that J-S-M-I-T-H?"),
        ("customer", "Yes, yes, exactly."),
        ("agent", "And the new phone number?"),
        ("customer", "Five five five, two one... sorry, two three one, four four zero nine."),
        ("agent", "So 555 231 4409?"),
        ("customer", "Four four zero eight, actually. Eight at the end."),
        ("agent", "555 231 4408. Got it. And the new service address?"),
    ]  # fmt: skip
    assert _both_counts(turns, "en") == ({"EMAIL": 1, "PHONE": 1}, {"EMAIL": 1, "PHONE": 1})


@pytest.mark.parametrize(
    ("turns", "lang", "counts"),
    [
        # an address read back by the other speaker is no second one, whatever the cue
        ([("agent", "What's the email?"), ("customer", "It's ivan at gmail dot com."),
          ("agent", "Ivan at gmail dot com, right?")], "en", {"EMAIL": 1}),
        ([("agent", "What's the email?"), ("customer", "It's j smith eighty four at outlook dot com."),
          ("agent", "J smith 84 at outlook dot com?")], "en", {"EMAIL": 1}),
        ([("agent", "What's the email?"), ("customer", "It's ivan at gmail dot com."),
          ("agent", "Got it, so that's ivan at gmail dot com.")], "en", {"EMAIL": 1}),
        ([("agent", "Почта?"), ("customer", "petrov точка anna собака mail точка ru."),
          ("agent", "Повторяю: petrov точка anna собака mail точка ru. Верно?")], "ru", {"EMAIL": 1}),
        # two addresses of one domain are two
        ([("agent", "What's the email?"), ("customer", "It's ivan at gmail dot com."),
          ("agent", "And a second one?"), ("customer", "Maria at gmail dot com.")], "en", {"EMAIL": 2}),
        # a phone with a group restarted, read back as meant
        ([("agent", "And the new phone number?"),
          ("customer", "Five five five, two one... sorry, two three one, four four zero nine."),
          ("agent", "So 555 231 4409?")], "en", {"PHONE": 1}),
    ],
)  # fmt: skip
def test_a_number_or_address_read_back_is_counted_once_by_both(turns, lang, counts):
    assert _both_counts(turns, lang) == (counts, counts)


@pytest.mark.parametrize(
    "read_back",
    [
        "Let me repeat: [ID]?",
        "Thank you, [ID], updated.",
        "Так, [ID]. Правильно?",
        "Got it, so that's [ID].",
        "Let me read that back: [ID], is that correct?",
        "Поняла, записала: [ID].",
        "Извините, исправил: [ID].",
    ],
)
def test_the_stored_count_reads_more_read_back_cues(read_back):
    assert count_placeholders(["[ID].", read_back], ["c", "a"]) == {"ID": 1}


@pytest.mark.parametrize(
    ("texts", "roles", "counts"),
    [
        # the speaker's next breath of the number, after a word that goes on with it
        (["Uh, [ID]...", "[ID]...", "Okay, [ID]."], ["c", "c", "c"], {"ID": 1}),
        (["[ID]...", "Да, слышу. Дальше: [ID]."], ["c", "c"], {"ID": 1}),
        # the other speaker echoing a piece while it is dictated
        (["Пишите: [ID]...", "угу... [ID],", "[ID]."], ["c", "a", "c"], {"ID": 1}),
        # ... not a number of their own after a word
        (["It's [PHONE]", "Угу.", "[PHONE].", "[PHONE] again"], ["c", "a", "c", "a"], {"PHONE": 2}),
    ],
)
def test_the_stored_count_joins_a_number_going_on_and_its_echoes(texts, roles, counts):
    assert count_placeholders(texts, roles) == counts
