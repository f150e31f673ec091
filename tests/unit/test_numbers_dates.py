"""An amount said before a date's day is two numbers, never one (evaluator finding: "Три тысячи
двадцатого" came out "3020-го", "пять тысяч десятого числа" "5010-го числа"); a compound ordinal
that is one (a year, a rank, a day) still reads as one."""

from __future__ import annotations

import pytest

from processors.numbers import normalise_numbers
from processors.text import WORD_RE


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # a thousand's compound ordinal is a year; 3020 and 5010 are none: an amount, then the day
        ("Ладно. Три тысячи двадцатого. Всё?", "Ладно. 3000 20-го. Всё?"),
        ("Заплачу пять тысяч десятого числа", "Заплачу 5000 10-го числа"),
        ("5 тысяч десятого числа", "5000 10-го числа"),
        ("пять тысяч триста третьего", "5300 3-го"),
        # "тысячу" is no word of a compound ordinal (those are nominative): 1000 on the 3rd
        ("Оплачу тысячу третьего", "Оплачу 1000 3-го"),
        # a month or "числа" after it: a day, though 2015 would be a year
        ("Внесу две тысячи пятнадцатого марта", "Внесу 2000 15-го марта"),
        ("I will pay two hundred fifth of May", "I will pay 200 5th of May"),
        ("two thousand fifth of May", "2000 5th of May"),
        ("сто двадцать пятого марта", "100 25-го марта"),
        # a payment said before it: the amount and the day
        ("Заплачу триста третьего", "Заплачу 300 3-го"),
        ("Заплачу две тысячи двадцать пятого", "Заплачу 2000 25-го"),
        # "first" before a count: 349.50 for the first three months, or 349 and a 51st; unsure words stay
        ("триста сорок девять пятьдесят первые три месяца", "349 пятьдесят первые 3 месяца"),
        # neither a year nor a day (5045th, or 5000 and a 45th): in words
        ("пять тысяч сорок пятого", "пять тысяч сорок пятого"),
    ],
)
def test_an_amount_before_a_day_is_two_numbers(said: str, expected: str) -> None:
    assert normalise_numbers(said) == expected
    assert normalise_numbers(said, WORD_RE.findall(said.lower())) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("две тысячи двадцать пятого года", "2025-го года"),
        ("в две тысячи пятнадцатом", "в 2015-м"),  # a year's case, no day's
        ("в две тысячи первом", "в 2001-м"),
        ("тысяча девятьсот восемьдесят пятого", "1985-го"),
        ("в тысяча восемьсот двенадцатом", "в 1812-м"),
        ("в 2 тысячи двадцать четвёртом году", "в 2024-м году"),
        ("Оплатил в две тысячи двадцать пятом году", "Оплатил в 2025-м году"),
        ("сто первый", "101-й"),
        ("Оплачу сто первый счёт", "Оплачу 101-й счёт"),  # a rank: no day's case
        ("сто одиннадцатыми", "111-ми"),
        ("twenty first", "21st"),
        ("one hundred and first", "101st"),
        ("the twenty first of May", "the 21st of May"),
        ("тридцать первого числа", "31-го числа"),
        ("двадцать первого марта", "21-го марта"),
        ("first three months", "first 3 months"),
    ],
)
def test_a_compound_ordinal_stays_one(said: str, expected: str) -> None:
    assert normalise_numbers(said) == expected
