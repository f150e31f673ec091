"""Prices in number words with no currency: after "price this year is", in a seller's offer ("I can go
to forty five thousand", "meet you at 45000") and after "paid" they count as the digit form does; a time,
a count, a year or an address does not."""

from __future__ import annotations

import pytest

from processors.numbers import normalise_numbers
from processors.rules import price_mentions


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("The list price this year is fifty two thousand eight hundred.", 1),
        ("The list price this year is 52800.", 1),
        ("Price next year is forty thousand.", 1),
        ("I can go to forty five thousand for two years.", 1),
        ("I can go down to forty five thousand.", 1),
        ("We could go down to 48 000.", 1),
        ("I can go to 45k.", 1),
        ("The price is 45.", 1),
        # no price
        ("The price this year is the same.", 0),
        ("The price this time is two times higher.", 0),
        ("I can go to five tomorrow.", 0),
        ("We can go to two people per room.", 0),
        ("You can go to 221 Baker street.", 0),
        ("I'll go to 12 tomorrow.", 0),
        # what was paid, and more ways to offer one; digits as normalise_numbers writes them
        ("Last year we paid forty eight thousand.", 1),
        ("Last year we paid 48000.", 1),
        ("Last year we paid a hundred thousand.", 1),
        ("We paid 1,200 for the first year.", 1),
        ("I can go to 45000 for 2 years.", 1),
        ("I can go to 48000.", 1),
        ("We can come down to forty five thousand.", 1),
        ("We can come down to 45k.", 1),
        ("I can meet you at 45000.", 1),
        ("We paid 48000 dollars last year.", 1),  # once, with its currency
        # no price
        ("We paid 3 visits to the site.", 0),
        ("We paid 1200 visits.", 0),
        ("We paid attention to it.", 0),
        ("We paid the bill.", 0),
        ("We paid 2019 invoices late.", 0),
        ("I can go to 5 stores.", 0),
        ("You can go to 1500 Main Street.", 0),
        ("We can go to 2027 with this.", 0),
        ("We can come down to two people.", 0),
        ("I can meet you at five.", 0),
    ],
)
def test_a_worded_price_without_currency_after_its_cue_counts(text: str, n: int) -> None:
    assert price_mentions([text]) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # an offer with no modal before "go to", what was paid in tens or hundreds
        ("Okay, go to 48000 and we have a deal.", 1),
        ("Fine, go to 48000.", 1),
        ("If you go down to 45k, we sign today.", 1),
        ("We paid 200 for the installation.", 1),
        ("I paid 200.", 1),
        ("She paid 49.99 last month.", 1),
        # no price: a place, a distance, a count, a year, a lone digit
        ("Go to 1500 Main Street.", 0),
        ("Go to 12 tomorrow.", 0),
        ("The odometer will go to 100000 miles.", 0),
        ("Go to 2027 with this.", 0),
        ("We paid 20 visits to the site.", 0),
        ("I paid 12 times already.", 0),
        ("I paid 5 and left.", 0),
    ],
)
def test_an_offer_without_a_modal_and_a_small_sum_paid_count(text: str, n: int) -> None:
    assert price_mentions([text]) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # what was paid, in Russian, as "paid 200" counts; words as normalise_numbers writes them
        ("заплатил 200", 1),
        ("Я заплатил двести.", 1),
        ("заплатила двести рублей", 1),
        ("Мы заплатили 4 500 за установку.", 1),
        ("Оплатил 1200 сразу.", 1),
        ("Мы заплатили 48 000 в прошлом году.", 1),
        # a count, a lone digit, a year
        ("Я заплатил 3 раза.", 0),
        ("Заплатила 2 взноса.", 0),
        ("Я заплатил 5, и всё.", 0),
        ("Заплатили в 2020 году.", 0),
    ],
)
def test_a_sum_paid_said_in_russian_counts(text: str, n: int) -> None:
    assert price_mentions([normalise_numbers(text)]) == n


@pytest.mark.parametrize(
    ("text", "said", "n"),
    [
        # a price and its cents said the short way before a night's or a day's rate
        ("It's twenty nine fifty a night.", "It's 29.50 a night.", 1),
        ("twenty nine fifty per night", "29.50 per night", 1),
        ("twenty nine fifty per day", "29.50 per day", 1),
        ("twenty nine fifty a month", "29.50 a month", 1),
        ("twenty nine fifty dollars", "29.50 dollars", 1),
        ("The room is 89 a night.", "The room is 89 a night.", 1),
        ("Номер 3500 за ночь.", "Номер 3500 за ночь.", 1),
        ("Две тысячи в сутки.", "2000 в сутки.", 1),
        # no unit of price after it: two numbers, or a count
        ("twenty nine fifty people", "29 50 people", 0),
        ("I take 3 a day.", "I take 3 a day.", 0),
        ("I smoke 20 a day.", "I smoke 20 a day.", 0),
        ("Два раза в сутки.", "2 раза в сутки.", 0),
    ],
)
def test_a_rate_per_night_or_day_is_a_price(text: str, said: str, n: int) -> None:
    assert normalise_numbers(text) == said
    assert price_mentions([said]) == n
