"""Transcript clean-up defects (review D14-D16): numbers said as words, sentences mended after a
filler goes, self-repairs doubled once the filler between them is removed."""

from __future__ import annotations

import pytest

from processors.numbers import normalise_numbers
from processors.text import WORD_RE, clean_speech, collapse_repeats_words, strip_disfluencies


def _clean(text: str) -> str:
    """What compression's clean step gives with :func:`clean_speech` (then numbers as digits)."""
    out, words = clean_speech(text)
    return normalise_numbers(out, words)


# --- D14: numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "you two" names the people spoken to
        ("what does next week look like for you two?", "what does next week look like for you two?"),
        ("I can give you two hundred", "I can give you 200"),
        # a lone "один" inside a dictated run is a digit like its neighbours
        ("номер, четыре, семь, ноль, два, один, восемь.", "номер, 4, 7, 0, 2, 1, 8."),
        ("no one, thanks", "no one, thanks"),
        ("two, one of them", "2, one of them"),
        # colloquial thousands: "три пятьсот" is 3500, as "три тысячи пятьсот" is
        ("Три пятьсот.", "3500."),
        ("по три пятьсот", "по 3500"),
        ("Три тысячи пятьсот рублей", "3500 рублей"),
        ("две девятьсот девяносто", "2990"),
        # ... but a phone said group by group keeps its groups
        ("восемь девятьсот шестнадцать сто двадцать три", "8 916 123"),
        ("восемь девятьсот, шестнадцать", "8 900, 16"),
        # a time of day said as hour and minutes
        ("for the twenty first of May at three thirty.", "for the 21st of May at 3:30."),
        ("meet at eleven fifteen", "meet at 11:15"),
        ("or two forty-five p.m.", "or 2:45 p.m."),
        ("в три тридцать", "в 3:30"),
        ("two ninety-nine a month", "two ninety-nine a month"),
    ],
)
def test_number_words(text: str, expected: str) -> None:
    assert normalise_numbers(text) == expected


def test_dictated_run_after_a_filler_is_all_digits() -> None:
    assert _clean("номер, э-э, четыре, семь, ноль, два, один, восемь.") == "Номер 4, 7, 0, 2, 1, 8."


# --- D15: sentences mended after a filler goes ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Хм. Ну, это дорого, честно говоря.", "Хм. Это дорого, честно говоря."),
        ("Yeah, I bet, I bet. Um, is now a good time", "Yeah, I bet. Is now a good time"),
        ("In the warehouse? Um, we're about forty two people.", "In the warehouse? We're about 42 people."),
        (
            "Я требую вернуть деньги. Вот просто вернуть деньги.",
            "Я требую вернуть деньги. Просто вернуть деньги.",
        ),
        ("Семьсот пятьдесят. Ну, хоть так.", "750. Хоть так."),
        # "ну что" asks a question: not a filler
        ("Привет, Сергей, ну что, по deadline всё ок?", "Привет, Сергей, ну что, по deadline всё ок?"),
        # a filler on a clause boundary keeps the boundary's comma; inside a clause it takes both
        (
            "И подключение, ну, само подключение, как бы, бесплатно.",
            "И подключение, само подключение бесплатно.",
        ),
        ("мастер, ну, это для проверки.", "Мастер, это для проверки."),
        ("So the team plan, um, it includes", "So the team plan, it includes"),
        ("I will, uh, send it", "I will send it"),
        # "the" after a verb or a preposition is its object, no new clause
        ("Could I get, um, the name on the account, please?", "Could I get the name on the account, please?"),
        ("We saw, uh, the house yesterday.", "We saw the house yesterday."),
        ("It's fine, you know, the team uses it.", "It's fine, the team uses it."),
        # abbreviations and ellipses are no sentence end
        ("500 руб. ну в месяц", "500 руб. в месяц"),
        ("I was... um, thinking", "I was... thinking"),
    ],
)
def test_joins_after_a_filler(text: str, expected: str) -> None:
    assert _clean(text) == expected


# --- D16: self-repairs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Yeah, I mean, I need to, um, I need to check with my manager first.",
            "Yeah, I need to check with my manager first.",
        ),
        ("Okay, so, um, let me just, uh, let me just pull that up", "Okay, so let me just pull that up"),
        ("they kind of, you know, really like the dashboard.", "They kind of really like the dashboard."),
        # number words are data, never collapsed
        ("сорок пять сорок пять сорок пять", "45 45 45"),
    ],
)
def test_self_repairs(text: str, expected: str) -> None:
    assert _clean(text) == expected


def test_clean_speech_words_match_its_text() -> None:
    for text in ["I need to, um, I need to check", "no repeats here", "Хм. Ну, это дорого."]:
        out, words = clean_speech(text)
        assert words is None or words == WORD_RE.findall(out.lower())


def test_shared_stages_keep_their_answers() -> None:
    # strip_disfluencies and collapse_repeats are shared with filtering and key facts: unchanged
    assert strip_disfluencies("Хм. Ну, это дорого.") == "Хм. это дорого."
    assert collapse_repeats_words("I need to I need to check")[0] == "I need to I need to check"


# --- second review: what the first fixes broke --------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "It starts at four forty-nine a month.",
        "It's around three forty a month.",
        "They are at two thirty-five dollars each.",
        "Обойдётся в три сорок.",
        "Стоит в районе три сорок рублей.",
    ],
)
def test_a_price_is_no_time_of_day(said):
    assert ":" not in normalise_numbers(said)


@pytest.mark.parametrize(
    ("said", "time"),
    [
        ("Let's meet at three thirty.", "3:30"),
        ("В три тридцать приедет мастер.", "3:30"),
        ("two forty-five p.m.", "2:45"),
    ],
)
def test_a_time_of_day_still_reads_as_one(said, time):
    assert time in normalise_numbers(said)


def test_you_two_is_people_only_where_the_phrase_ends():
    assert normalise_numbers("What does next week look like for you two?").endswith("you two?")
    assert "2 months" in normalise_numbers("I can give you two months free.")


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("Квартиры пять, э-э, двести, и ещё семь.", "пять, двести"),  # two numbers, not 5200
        ("Tuesday, I mean, Thursday.", "Tuesday, Thursday"),  # the correction keeps its comma
        ("Oh, it's been fine, you know, the team uses it every day.", "fine, the team"),
        ("Okay. Um, 300 dollars.", "300 dollars"),  # no capital for a word after a figure
        ("Кабель нужен 15 м, а толщина 2 мм.", "15 м, а толщина 2 мм"),  # units, not hums
    ],
)
def test_clean_speech_keeps_what_the_review_found_lost(said, kept):
    assert kept in clean_speech(said)[0]
    assert "5200" not in normalise_numbers(clean_speech(said)[0])


def test_harmless_words_raise_no_legal_or_cancel_hit():
    from processors.rules import keyword_hits

    texts = ["Нет, претензий нет, всё отлично.", "Сервис отменный.", "There is a fee for the cancellation."]
    assert keyword_hits(texts) == {}
    assert keyword_hits(["Я подам претензию.", "Отмените заказ."]) == {"legal": 1, "cancel": 1}


@pytest.mark.parametrize(
    "said", ["Call back then.", "They'll be upset.", "Перейду к следующему вопросу.", "Ладно, уйду на обед."]
)
def test_ordinary_phrases_are_no_agreement_commitment_or_churn(said):
    from processors.keyfacts import signals

    assert not {kind for kind, _ in signals(said)} & {"agreement", "commitment", "refusal"}


def test_a_code_spelled_twice_is_no_self_repair():
    assert clean_speech("The code is K L M K L M.")[0] == "The code is K L M K L M."


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("It is one oh oh three.", "It is one oh oh three."),  # 1003, not 103
        ("order one oh oh seven two five", "order one oh oh seven two five"),
        ("Room 2 oh oh 5.", "Room 2 oh oh 5."),
        ("Oh oh, that is bad.", "Oh, that is bad."),  # a sigh still collapses
    ],
)
def test_zeros_read_as_oh_are_no_repeat(said, expected):
    assert clean_speech(said)[0] == expected
