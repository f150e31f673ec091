"""Text-stage leftovers, round 9: a repair's cost nouns price an amount ("по работе 4800, плюс запчасти
около 7000"); "отказываюсь", "отказываться" are a cancel where not negated; a complaint and the body it
goes to are one legal mention ("жалобу в Роспотребнадзор"); a spoken address whose last word is a
common word tied to the one before by a said joiner is redacted ("ops dash team at acme dot com"); a
two-word count and a round tens after a cost word are a price with its cents ("it costs twenty nine
ninety": 29.90)."""

from __future__ import annotations

import pytest

from processors.numbers import normalise_numbers
from processors.pii import redact
from processors.rules import keyword_hits, price_mentions

# --- 1. a repair's cost nouns ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("По работе 4800, плюс запчасти около 7000.", 2),
        ("За работу 4800.", 1),
        ("Запчасти около 7000, если в наличии.", 1),
        ("За работу возьмём 2500, запчасти — 12 000.", 2),
        ("Labor is 4800, plus parts about 7000.", 2),
        ("Labour 350 and parts 120.", 2),
        # with its currency: counted once
        ("По работе 4800 рублей.", 1),
        # no price: an order or a phone number, a date, a year, a count, hours, a rating
        ("Я звоню по работе, заказ 4417.", 0),
        ("Звоню по работе, мой номер 8 916 123 45 67.", 0),
        ("Запчасти придут 15.03.", 0),
        ("По работе 15.03 всё было готово.", 0),
        ("Запчасти на 2019 год.", 0),
        ("Запчасти 5 штук.", 0),
        ("По работе 2 часа.", 0),
        ("Я по работе с 9 до 18.", 0),
        ("Спасибо за работу, 10 из 10.", 0),
        ("I need parts 45 and 46.", 0),
        ("The parts 2019 model.", 0),
        ("Labor Day 2024.", 0),
    ],
)
def test_a_repairs_cost_nouns_price_their_amount_and_nothing_else(text: str, n: int) -> None:
    assert price_mentions([text]) == n


# --- 2. "отказываться" and its forms -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Я отказываюсь от услуги.", 1),
        ("Отказываюсь.", 1),
        ("Мы отказываемся от тарифа.", 1),
        ("Придётся отказываться, раз так.", 1),
        ("Тогда я откажусь.", 1),
        ("Хочу отказаться от услуги.", 1),
        # negated, asked about the terms, imagined, or a refusal to do something else
        ("Не буду отказываться.", 0),
        ("Я не отказываюсь от услуги.", 0),
        ("Ну ладно, не буду пока отказываться.", 0),
        ("Нет, я не буду от неё отказываться.", 0),
        ("Зачем мне отказываться?", 0),
        ("Можно отказываться в любой момент?", 0),
        ("Я отказываюсь платить за то, чего не было.", 0),
        ("Откажусь ждать ещё неделю.", 0),
    ],
)
def test_the_forms_of_otkazyvatsya_are_a_cancel_unless_negated(text: str, n: int) -> None:
    assert keyword_hits([text]).get("cancel", 0) == n


# --- 3. one legal mention for a complaint and its body -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Я напишу жалобу в Роспотребнадзор.", 1),
        ("Пожалуюсь в Роспотребнадзор.", 1),
        ("Напишу жалобу в прокуратуру.", 1),
        ("Буду жаловаться в ЦБ.", 1),
        ("Пожалуюсь в суд.", 1),
        ("I'll file a complaint with the attorney general.", 1),
        ("I'm filing a complaint with the Better Business Bureau.", 1),
        # two bodies joined by "и" are one threat's (round 10); a complaint and a lawyer apart are two
        ("Напишу жалобу в Роспотребнадзор и в прокуратуру.", 1),
        ("Я пожалуюсь, и юрист у меня есть.", 2),
        ("I'll file a complaint, and my lawyer will call you.", 2),
        # a body alone
        ("Роспотребнадзор разберётся.", 1),
    ],
)
def test_a_complaint_and_the_body_it_goes_to_are_one_legal_mention(text: str, n: int) -> None:
    assert keyword_hits([text]).get("legal", 0) == n


# --- 4. a spoken address with a common word tied into its local part ------------------------------------


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("ops dash team at acme dot com", "[EMAIL]"),
        ("My email is ops dash team at acme dot com.", "My email is [EMAIL]."),
        ("It's sales underscore info at acme dot org.", "It's [EMAIL]."),
        ("Contact the support dash team at acme dot com.", "Contact the [EMAIL]."),
        ("Пишите на отдел тире продаж собака ромашка точка ру", "Пишите на [EMAIL]"),
        ("иванов собака мейл точка ру", "[EMAIL]"),
    ],
)
def test_a_common_word_tied_by_a_said_joiner_is_part_of_a_spoken_address(text: str, redacted: str) -> None:
    out, counts = redact(text)
    assert (out, counts) == (redacted, {"EMAIL": 1})


@pytest.mark.parametrize(
    "text",
    [
        "meet at noon dot",
        "The ops team at acme dot com handles it.",
        "We met the sales team at acme dot com last year.",
        "I made a dash home at acme dot com.",  # an article before the joiner: speech
        "it's me dot at acme dot com",
        "ops dash team at acme dot foo",  # no known top-level domain
        "Our support team at Acme is great, dot.",
    ],
)
def test_speech_with_at_and_dot_stays(text: str) -> None:
    assert redact(text) == (text, {})


# --- 5. a price's round cents after a cost word --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("It costs twenty nine ninety.", "It costs 29.90."),
        ("it costs twenty-nine ninety", "it costs 29.90"),
        ("The price is thirty four fifty, with tax.", "The price is 34.50, with tax."),
        ("Стоит двадцать девять девяносто.", "Стоит 29.90."),
        ("Отдадим за сорок пять двадцать.", "Отдадим за 45.20."),
        # with a currency after, as before
        ("It costs twenty nine ninety dollars.", "It costs 29.90 dollars."),
        # not a price: no cost word, a time, a range of minutes, cents not round (4995 or 49.95), a year
        ("Meet me at twenty nine ninety.", "Meet me at 29 90."),
        ("At two fifteen, then.", "At 2:15, then."),
        ("Сделаем за двадцать пять тридцать минут.", "Сделаем за 25 30 минут."),
        ("It costs forty nine ninety nine.", "It costs forty nine ninety nine."),
        ("It costs nineteen ninety.", "It costs nineteen ninety."),
        ("It costs twenty nine ninety p.m.", "It costs 29 90 p.m."),
    ],
)
def test_a_round_tens_after_a_two_word_count_and_a_cost_word_is_its_cents(text: str, out: str) -> None:
    assert normalise_numbers(text) == out


def test_a_cost_words_price_with_its_cents_counts_once() -> None:
    assert price_mentions([normalise_numbers("It costs twenty nine ninety.")]) == 1
    assert price_mentions([normalise_numbers("Стоит двадцать девять девяносто.")]) == 1
