"""Number words whose meaning a digit-by-digit reading loses (evaluator findings): they stay as said,
or become the one number they say."""

from __future__ import annotations

import pytest

from processors.numbers import dictated_digits, normalise_numbers


@pytest.mark.parametrize(
    "said",
    [
        # a half counts the multiplier: never "one and a half 1000"
        "one and a half thousand",
        "half a million",
        # a price said the short way (2.50 or 250): never "2 50"
        "two fifty a month",
        "it costs two fifty",
        "twenty fifty a month",
        "twenty twenty a month",
        "стоит три сорок",
    ],
)
def test_a_short_price_or_a_counted_half_stays_in_words(said: str) -> None:
    assert normalise_numbers(said) == said


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("Twenty twenty-five", "2025"),  # a year, not "20 25"
        ("in twenty twenty-four", "in 2024"),
        # still: a time, a colloquial thousand, a dictated pair
        ("в три сорок", "в 3:40"),
        ("at five twenty", "at 5:20"),
        ("Три пятьсот.", "3500."),
        ("at nine sixteen", "at 9:16"),
        # a round tens with no price said: a time or a dictated group, as before
        ("expiring ten thirty", "expiring 10 30"),
        ("text me at 503, 778, eighteen ninety", "text me at 503, 778, 18 90"),
        ("two hundred fifty", "250"),
    ],
)
def test_a_year_said_in_pairs_is_one_number(said: str, expected: str) -> None:
    assert normalise_numbers(said) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # a price with its cents said the short way, a rate after it: one price
        ("It's forty nine ninety five a month.", "It's 49.95 a month."),
        ("twenty nine ninety-nine per user", "29.99 per user"),
        ("forty-nine ninety-five each", "49.95 each"),
        # ... or a round tens of cents before a currency: "29 90 dollars" read as two numbers
        ("twenty nine ninety dollars", "29.90 dollars"),
        ("It's twenty-nine fifty bucks.", "It's 29.50 bucks."),
        # no rate: 49.95 or a car's 4995, in words (never "49 95", two numbers); a dictation's groups
        # are digits, which the redaction reads
        ("it costs forty nine ninety five", "it costs forty nine ninety five"),
        ("forty nine ninety five dollars", "forty nine ninety five dollars"),
        ("call me at four one five, forty five forty five", "call me at 4 1 5, 45 45"),
        ("four one five, forty five forty five a month", "4 1 5, 45 45 a month"),
        # a teen or a unit first stays in words as before (19.99 or a laptop's 1999)
        ("nineteen ninety nine a month", "nineteen ninety nine a month"),
    ],
)
def test_a_price_with_its_cents_before_a_rate_is_one_price(said: str, expected: str) -> None:
    assert normalise_numbers(said) == expected


def test_digits_said_one_by_one_read_alike_in_both_languages() -> None:
    """Zeros are digits of their own, spaced, in English and Russian alike: the redaction reads the
    spaced digits as one run; joining them here would hide where the speaker paused."""
    assert normalise_numbers("zero zero four") == normalise_numbers("ноль ноль четыре") == "0 0 4"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # a price in hundreds said the short way, next to one said in full or before a night's rate
        (
            "A double at two hundred nineteen dollars a night, or a city-view at one eighty nine.",
            "A double at 219 dollars a night, or a city-view at 189.",
        ),
        ("A double at $219, or a city-view at one eighty nine.", "A double at $219, or a city-view at 189."),
        (
            "The suite is 350 dollars, a double two forty nine dollars.",
            "The suite is 350 dollars, a double 249 dollars.",
        ),
        ("It's one eighty nine a night.", "It's 189 a night."),
        ("two forty nine per night", "249 per night"),
        ("for nine ninety nine, or 399 dollars", "for 999, or 399 dollars"),
    ],
)
def test_a_price_in_hundreds_said_the_short_way_is_one_number(said: str, expected: str) -> None:
    assert normalise_numbers(said) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # nothing says hundreds: 1.89 or 189, 9.99 or 999
        ("a city-view at one eighty nine.", "a city-view at one eighty nine."),
        ("it is two forty nine dollars", "it is two forty nine dollars"),
        ("nine ninety nine a month", "nine ninety nine a month"),
        # a number that is no price, even next to one
        ("room two forty five, 219 dollars a night", "room two forty five, 219 dollars a night"),
        ("flight one eighty nine at 300 dollars", "flight one eighty nine at 300 dollars"),
        ("in nineteen eighty nine it was 300 dollars", "in nineteen eighty nine it was 300 dollars"),
        # a time stays a time, also where a price in hundreds is said
        (
            "It's 219 dollars a night, check-in at three thirty.",
            "It's 219 dollars a night, check-in at 3:30.",
        ),
        ("219 dollars, and we open at nine fifteen", "219 dollars, and we open at 9:15"),
        ("It is 219 dollars, breakfast is at five thirty.", "It is 219 dollars, breakfast is at 5:30."),
        # a dictation's group stays in words for the redaction to read, never 249
        ("219 dollars, call two forty nine, five five five", "219 dollars, call two forty nine, 5 5 5"),
    ],
)
def test_a_short_pair_that_says_no_hundreds_stays_as_it_was(said: str, expected: str) -> None:
    assert normalise_numbers(said) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # the article is the count of a multiplier said alone: never "a 120 dollars"
        ("I was charged a hundred and twenty dollars twice.", "I was charged 120 dollars twice."),
        ("a hundred dollars", "100 dollars"),
        ("a thousand rubles", "1000 rubles"),
        ("A hundred thousand dollars", "100000 dollars"),
        ("about a thousand people", "about 1000 people"),
        # a half before it: in words, as before
        ("half a million", "half a million"),
        ("one and a half thousand", "one and a half thousand"),
        # an article before any other word stays
        ("a two hundred dollar fee", "a 200 dollar fee"),
        ("a hundredth", "a hundredth"),
    ],
)
def test_an_article_before_a_multiplier_goes_with_the_number(said: str, expected: str) -> None:
    assert normalise_numbers(said) == expected


@pytest.mark.parametrize(
    "said",
    [
        # one number said the short way that no rule reads safely (evaluator findings): never "14 5",
        # "34 4 95", "109 99", which read as several numbers
        "I'd give you fourteen five for the trade-in.",
        "fourteen five dollars",
        "The car is thirty four four ninety five out the door.",
        "It's a hundred and nine ninety nine.",
        "It costs a hundred and nine ninety nine a month",
        "сто девять девяносто девять рублей",
        # a unit and a teen with no time's place around: a time, a room or a flight
        "Room two fifteen.",
        "nine sixteen",
    ],
)
def test_one_number_said_short_stays_in_words_not_in_groups(said: str) -> None:
    assert normalise_numbers(said) == said


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # a time of day: after "at"/"в", before what a slot does, or an hour and "ноль ноль"
        ("The two fifteen works for me.", "The 2:15 works for me."),
        ("the two fifteen slot", "the 2:15 slot"),
        # ... or picked from the slots offered; an hour, "oh" and a unit where a time goes
        ("I'll take the two fifteen.", "I'll take the 2:15."),
        ("Let's book the three thirty, please.", "Let's book the 3:30, please."),
        ("See you at seven oh five.", "See you at 7:05."),
        ("The seven oh five works.", "The 7:05 works."),
        ("seven oh five p.m.", "7:05 p.m."),
        ("Встреча в девятнадцать ноль ноль.", "Встреча в 19:00."),
        ("девятнадцать ноль ноль подойдёт", "19:00 подойдёт"),
        ("Давайте в двадцать один ноль ноль", "Давайте в 21:00"),
        ("в девять ноль пять", "в 9:05"),
        ("в восемнадцать тридцать", "в 18:30"),  # a Russian clock has 24 hours
        # a car's price said the short way where a price is said: thousands, hundreds, tens
        ("It's priced at thirty four four ninety five.", "It's priced at 34495."),
        ("thirty four four ninety five dollars", "34495 dollars"),
    ],
)
def test_a_time_or_a_price_said_in_groups_is_one_number(said: str, expected: str) -> None:
    assert normalise_numbers(said) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # digits dictated one by one, in both languages: groups, as the redaction reads them
        ("my number is five five five, one two three four", "my number is 5 5 5, 1 2 3 4"),
        ("one two three four", "1 2 3 4"),
        ("пять пять пять", "5 5 5"),
        ("два три четыре пять", "2 3 4 5"),
        ("девять ноль пять", "9 0 5"),  # no time's place: a zero is a digit of its own
        ("room seven oh five", "room 7 oh 5"),
        ("call me at seven oh five, one two three", "call me at 7 oh 5, 1 2 3"),  # a dictation
        ("I'll take the two fifty plan", "I'll take the 2 50 plan"),  # no slot: a plan's name
        # a code's or a phone's digits, never a time or words: a code's word before, numbers around
        ("код девятнадцать ноль ноль", "код 19 0 0"),
        ("my PIN is fourteen five", "my PIN is 14 5"),
        ("восемь девятьсот шестнадцать девятнадцать ноль ноль", "8 916 19 0 0"),
        ("two eight seven, no wait, twenty-eight sixty-seven.", "2 8 7, no wait, 28 67."),
        ("девять два девять, ну, два двадцать один сорок", "9 2 9, ну, 2 21 40"),
        ("fifty-two sixty-nine... hold on... five thirty-four forty-three", "52 69... hold on... 5 34 43"),
        ("четыре один один один, сорок один одиннадцать", "4 1 1 1, 41 11"),
        ("Номер сорок пять сорок пять", "Номер 45 45"),
        ("сорок пять сорок пять сорок пять", "45 45 45"),
        # a round tens last, no price said: as before (a time, a group; rules read "9 90" as 9.90)
        ("nine ninety", "9 90"),
        # a room, a year, a score: as before
        ("room two forty five", "room two forty five"),
        ("in nineteen eighty nine", "in nineteen eighty nine"),
        ("Twenty twenty-five", "2025"),
        ("we won three two", "we won 3 2"),
        ("they won three-two", "they won 3-2"),
    ],
)
def test_numbers_said_apart_stay_apart(said: str, expected: str) -> None:
    assert normalise_numbers(said) == expected


def test_the_redaction_still_reads_groups_left_in_words() -> None:
    """What stays in words here is still read as digits by :func:`dictated_digits` for PII."""
    assert dictated_digits("fourteen five") == "14 5"
    assert dictated_digits("thirty four four ninety five") == "34 4 95"
