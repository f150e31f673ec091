"""processors.rules.price_mentions: one scan of PRICE_RE per text gives what two gave, and amounts that
continue one another (kopecks, cents) or list number words count as they are said."""

from __future__ import annotations

import random

import pytest

from processors import rules
from processors.numbers import normalise_numbers

_WORDS = (
    "стоит", "стоимость", "цена", "costs", "price is", "в месяц", "a month", "per year", "рублей", "руб.",
    "dollars", "$", "€", "евро", "копеек", "cents", "и", "and", ",", "от", "до", "pounds", "weighs",
    "2990", "49.99", "1 500", "500", "99", "5", "пятьсот", "двадцать", "twenty", "fifty", "тысяч", "р",
    "Тариф", "The plan", "заказ", "order", "минут", "Straße", "\u212a", "[PHONE]",
)  # fmt: skip


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 14))) for _ in range(n)]


def _two_scans(texts: list[str]) -> int:
    """price_mentions as it read before: PRICE_RE scanned again for the cued amounts."""
    total = 0
    for text in texts:
        if rules._CURRENCY_HINT.search(text):
            total += rules._amounts(text, rules.PRICE_RE)
        if any(cue in text.lower() for cue in rules._CUE_HINTS):
            total += rules._cued_amounts(text, [m.span() for m in rules.PRICE_RE.finditer(text)])
    return total


def test_price_mentions_scan_once_as_they_counted_with_two_scans() -> None:
    rng = random.Random(4)
    texts = _texts(4, 3000)
    for text in texts:
        assert rules.price_mentions([text]) == _two_scans([text]), text
    for _ in range(300):
        some = rng.sample(texts, rng.randint(0, 5))
        assert rules.price_mentions(some) == _two_scans(some), some


@pytest.mark.parametrize("text", ["стоит 2990 рублей", "Цена 1 500 ₽ в месяц", "It costs $49.99 a month"])
def test_a_priced_amount_after_a_cue_counts_once(text: str) -> None:
    assert rules.price_mentions([text]) == 1


@pytest.mark.parametrize(
    "text",
    [
        "сто рублей пятьдесят копеек",
        "сто рублей и пятьдесят копеек",
        "девять тысяч девятьсот девяносто девять рублей девяносто девять копеек",
        "9999 рублей 99 копеек",
        "9999 рублей девяносто девять копеек",
        "двадцать долларов пятьдесят центов",
        "20 долларов 50 центов",
        "twenty dollars and fifty cents",
        "twenty dollars fifty cents",
        "$39 and ninety nine cents",
    ],
)
def test_kopecks_and_cents_continue_the_amount_before_them(text: str) -> None:
    assert rules.price_mentions([text]) == 1


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # a list in words that names its currency once counts each amount, as the digit form does
        ("тарифы триста, пятьсот и семьсот рублей", 3),
        ("тарифы 300, 500 и 700 рублей", 3),
        ("Тарифы за триста или пятьсот рублей в месяц", 2),
        ("от трёхсот до пятисот рублей", 2),
        ("plans are ten, twenty or thirty bucks", 3),
        ("nine ninety, fourteen ninety and twenty nine ninety dollars", 3),
        # no list: no joiner, hours or counts of another order, a label's number, a word of no value
        ("триста, пятьсот рублей", 1),
        ("с девяти до шести и пятьсот рублей", 1),
        ("один, два и пятьсот рублей", 1),
        ("заказ сорок, и пятьсот рублей", 1),
        ("I have one, and fifty dollars", 1),
    ],
)
def test_amounts_in_words_listed_before_their_currency_count_each(text: str, n: int) -> None:
    assert rules.price_mentions([text]) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # hours of the day before a list's priced amount are no items (an evaluator's find, b27)
        ("from 9 to 5, and 50 dollars", 1),
        ("с 9 до 18 и 50 рублей", 1),
        ("с 10:00 до 20:00 и 30 рублей", 1),
        ("Работаем с 9 до 21, доставка 300 рублей", 1),
        # a range that ends at the priced amount is a price range, hours or not
        ("from 9 to 12 dollars", 2),
        ("от 5 до 10 рублей", 2),
        ("с 10 до 5 рублей", 2),
    ],
)
def test_hours_of_the_day_are_no_list_items(text: str, n: int) -> None:
    assert rules.price_mentions([text]) == n
    assert rules.price_mentions([text, "Straße"]) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # the nearest weight or money word before "pounds" says which they are
        ("it weighs two pounds and costs ten pounds", 1),
        ("It costs 10 pounds and weighs 5 pounds", 1),
        ("5 pounds of sugar costs 3 pounds", 1),
        ("The package weighs 5 pounds.", 0),
        ("I lost five pounds this month", 0),
        ("I lost weight. It was 5 pounds.", 0),
        ("ten pounds lighter", 0),
        ("It costs 20 pounds.", 1),
    ],
)
def test_pounds_are_a_weight_after_a_weight_word_and_money_after_a_price_word(text: str, n: int) -> None:
    assert rules.price_mentions([text]) == n
    assert rules.price_mentions([text, "Straße"]) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # an amount set against a priced one shares its currency: two amounts named, in digits or words
        ("не пятьсот, а пять тысяч рублей", 2),
        ("не 500, а 5000 рублей", 2),
        ("тариф за триста девяносто девять рублей вместо шестисот", 2),
        ("399 рублей вместо 600", 2),
        ("399 рублей вместо 600 рублей", 2),
        ("1000 рублей, а не 900", 2),
        ("not 50 but 500 dollars", 2),
        ("$29 instead of 49", 2),
        ("$20, not 25", 2),
        # a count of something else, another order, no comma before "not", no known value
        ("500 рублей вместо 100 минут", 1),
        ("500 рублей вместо 2 раз", 1),
        ("не 5, а 5000 рублей", 1),
        ("It costs 20 dollars, not 2 hours", 1),
        ("$50 not 10 people", 1),
        ("$20 instead of one", 1),
    ],
)
def test_an_amount_set_against_a_priced_one_counts(text: str, n: int) -> None:
    assert rules.price_mentions([text]) == n
    assert rules.price_mentions([text, "Straße"]) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # slang that is an amount by itself: one mention each, with its number
        ("пятихатка", 1),
        ("стоит пятихатку", 1),
        ("косарь", 1),
        ("пять косарей", 1),
        ("5 косарей", 1),
        ("пятихатку и два косаря", 2),
        ("a grand", 1),
        ("two grand", 1),
        ("It cost me a grand.", 1),
        ("10 grand a month", 1),
        # "grand" with no "a" or number before it, or qualifying what follows
        ("grand total", 0),
        ("Grand Hotel", 0),
        ("a grand plan", 0),
        ("two grand pianos", 0),
        ("a grand total of 50 dollars", 1),
    ],
)
def test_slang_amounts_count_once(text: str, n: int) -> None:
    assert rules.price_mentions([text]) == n
    assert rules.price_mentions([text, "Straße"]) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # a total, an instalment, a purchase price or a rate after a priced amount shares its currency
        ("Да, ЭКГ ещё шестьсот рублей, итого две тысячи четыреста.", 2),
        ("Пени 1 200 рублей, просрочка 45 дней, 2 платежа по 5 000.", 2),
        ("Роутер в аренду за сто рублей в месяц или купить за две тысячи четыреста.", 2),
        ("Выйдет сорок девять тысяч девятьсот восемьдесят рублей за год, а помесячно четыре девятьсот.", 2),
        ("Two items at $20, total of 60.", 2),
        # counts, durations, dates and an amount with its own currency stay as they were
        ("Доставка 15 марта, заказ на 3 товара, итого 4 500 рублей.", 1),
        ("Your order 5521 ships on the 12th, 3 items, total $84.50.", 1),
        ("Стоит 500 рублей, итого 45 дней.", 1),
        ("Это 300 рублей, итого 3 товара.", 1),
        ("Стоит 500 рублей, всего 3.", 1),  # not of the priced amount's order
        ("Помесячно четыре девятьсот, без скидки.", 0),  # no priced amount before it
    ],
)
def test_an_amount_after_a_priced_one_as_its_total_or_rate_counts(text: str, n: int) -> None:
    assert rules.price_mentions([text]) == n


def test_a_price_with_round_cents_said_the_short_way_is_one_price() -> None:
    """A price said "twenty nine ninety dollars" came out "29 90 dollars": two numbers, one with no unit."""
    said = normalise_numbers("It's twenty nine ninety dollars.")
    assert said == "It's 29.90 dollars."
    assert rules.price_mentions([said]) == 1
