"""Text-stage leftovers, round 10: one threat naming two venues joined by "и"/"and" is one legal mention
("обращусь к юристу и в суд"); a number after or before a document's part ("parts 100 and 200 of the
manual", "see page 150", "в разделе 300") is no price without a currency; a clock time after a time
preposition ("в 14.30 в день приёма", "at ten thirty a month from now") is no price by the period
after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from processors.numbers import normalise_numbers
from processors.rules import (
    DictionaryError,
    RuleOptions,
    keyword_hits,
    load_dictionary,
    price_mentions,
    rule_metrics,
)

# --- 1. one threat naming two venues ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Обращусь к юристу и в суд.", 1),
        ("Обращусь в суд и к юристу.", 1),
        ("Пойду к адвокату или в прокуратуру.", 1),
        ("Напишу жалобу в Роспотребнадзор и в прокуратуру.", 1),
        ("I'll go to my lawyer and the court.", 1),
        ("I'll call my lawyer and my attorney.", 1),
        ("I'll contact a lawyer or the attorney general.", 1),
        # two threats, each with its own verb or sentence, are two
        ("Я обращусь к юристу. И в суд подам.", 2),
        ("Обращусь к юристу, и в суд подам.", 2),
        ("I'll sue you, and I'll report you to the regulator.", 2),
        ("I'll call my lawyer and take you to court.", 1),
        ("I'll call my lawyer. Then I'll take you to court.", 2),
        ("Я пожалуюсь, и юрист у меня есть.", 2),
        # one venue
        ("Обращусь к юристу.", 1),
    ],
)
def test_one_threat_naming_two_venues_is_one_legal_mention(text: str, n: int) -> None:
    assert keyword_hits([text]).get("legal", 0) == n


# --- 2. a document's parts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Parts 100 and 200 of the manual.", 0),
        ("See parts 300, 400 and 500 in the contract.", 0),
        ("See page 150.", 0),
        ("Section 300.", 0),
        ("The deposit is described in section 300.", 0),
        ("The fee is explained in clause 150.", 0),
        ("The fee is 150 pages long.", 0),
        ("Read chapter 12 a month later.", 0),
        ("Залог описан в разделе 300.", 0),
        ("Комиссия указана в пункте 150.", 0),
        ("Стоимость 300 страниц.", 0),
        ("Смотрите главу 12 в месяц отчётов.", 0),
        ("Раздел 300 и 400 рублей за подписку.", 1),
        # a currency, or a repair's parts and their cost, are prices as before
        ("See page 150, the fee is 300 dollars.", 1),
        ("Страница 5: стоимость 300 рублей.", 1),
        ("Labor is 4800, plus parts about 7000.", 2),
        ("Labour 350 and parts 120.", 2),
        ("Запчасти около 7000.", 1),
    ],
)
def test_a_number_of_a_documents_part_is_no_price(text: str, n: int) -> None:
    assert price_mentions([normalise_numbers(text)]) == n


# --- 3. a clock time ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Приходите в 14.30 в день приёма.", 0),
        ("Созвон в десять тридцать в месяц.", 0),
        ("Встреча в пять тридцать в год один раз.", 0),
        ("Meet at ten thirty a month from now.", 0),
        ("Come by 2.30 per day.", 0),
        ("Встретимся в два тридцать.", 0),
        ("Приходите к пяти тридцати.", 0),
        ("Let's meet at two thirty.", 0),
        ("за двадцать пять тридцать", 0),
        ("Сделаем за двадцать пять тридцать минут.", 0),
        # a cost word, a currency, no clock (hour past 23, minutes past 59) or a plan's price after "at"
        ("Стоит двадцать пять тридцать.", 1),
        ("It costs two thirty.", 1),
        ("Приходите к пяти тридцати, стоимость двести.", 1),
        ("Стоимость в 14.30 в день.", 1),
        ("Приходите в 14.30, это 200 рублей в день.", 1),
        ("I can offer you the basic plan at 9.99 a month.", 1),
        ("Rooms at 29.50 a night.", 1),
        ("Parking at 12.50 per day.", 1),
    ],
)
def test_a_clock_time_is_no_price_unless_a_cost_word_or_currency_says_so(text: str, n: int) -> None:
    assert price_mentions([normalise_numbers(text)]) == n


def test_the_clock_phrases_read_as_times() -> None:
    assert normalise_numbers("Встретимся в два тридцать.") == "Встретимся в 2:30."
    assert normalise_numbers("Приходите к пяти тридцати.") == "Приходите к 5:30."
    assert normalise_numbers("Let's meet at two thirty.") == "Let's meet at 2:30."


def test_a_tenant_entry_may_count_joined_hits_once_and_a_wrong_value_is_refused(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text("rivals: {phrases: [acme, globex], joined_once: true}\n")
    dictionary = load_dictionary("acme", tmp_path)
    assert keyword_hits(["We compared Acme and Globex."], dictionary)["rivals"] == 1
    assert keyword_hits(["We compared Acme. Then Globex."], dictionary)["rivals"] == 2
    transcript = {
        "call": {"tenant": "acme"},
        "metrics": {},
        "segments": [{"role": "customer", "text": "We compared Acme and Globex.", "kept": True}],
    }
    assert rule_metrics(transcript, RuleOptions(dictionaries_dir=tmp_path))["keyword_hits"]["rivals"] == 1
    (tmp_path / "acme.yaml").write_text("rivals: {phrases: [acme], joined_once: 'yes'}\n")
    load_dictionary.cache_clear()
    with pytest.raises(DictionaryError, match="entry 'rivals': write joined_once: true or false"):
        load_dictionary("acme", tmp_path)


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # Whisper hyphenates an amount and its currency into one adjective (new-user trial: 3 of 11
        # English calls showed no price in BI)
        ("The basic plan is for the nine-dollar-per-month.", 1),
        ("It is a nine-dollar plan.", 1),
        ("The twenty-nine-dollar-a-month plan.", 1),
        ("A 9-dollar fee, and a 5-euro one.", 2),
        ("A $9-a-month plan.", 1),
        ("A 5-pound bag of flour.", 0),  # a weight as often as a price
        ("A 10-dollar-bill and a 2-dollar-store.", 0),  # a thing named by its price, no price named
        # "обойдётся (вам) в" prices the amount after it as "стоит" does
        ("Это обойдётся в 2000.", 1),
        ("Это обойдётся вам в две тысячи.", 1),
        ("Обойдётся в копеечку.", 0),
        ("Это обойдётся в 3 раза дороже.", 0),
    ],
)
def test_hyphenated_currency_adjectives_and_obojdetsya_v_are_prices(text: str, n: int) -> None:
    assert price_mentions([normalise_numbers(text)]) == n
    assert price_mentions([text]) == n  # as said, before the numbers are normalised
