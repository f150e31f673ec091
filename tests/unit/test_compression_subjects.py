"""Folding repeats must not merge sentences about different things: two sentences whose differing words
are words of content (a plan, a room, a device, a figure) are no repeat, whatever their token
similarity, and "[×N]" counts only real retellings (an outside evaluator's finding: "How much is the
premium plan? [×2]" stood for a question about the basic plan, "kitchen. [×3]" for three rooms). Short
hand-written calls, through the pipeline as ``streams.bench_text`` runs it."""

from __future__ import annotations

import pytest

from processors.compression import compress
from processors.filtering import filter_transcript
from streams.bench_text import make_transcript_from_turns
from tests.unit.test_compression_echoes import _compress, _line_after


def test_a_question_about_another_plan_is_no_repeat():
    text = _compress(
        [
            ("agent", "Thanks for calling Acme, this is Jo."),
            ("customer", "How much is the premium plan?"),
            ("agent", "Five hundred dollars a year."),
            ("customer", "Sorry, how much is the basic plan?"),
            ("agent", "Two hundred dollars a year."),
            ("customer", "Okay, basic then."),
        ]
    )
    assert "how much is the basic plan?" in text and "[×" not in text, text


def test_the_same_complaint_about_other_rooms_is_no_repeat():
    text = _compress(
        [
            ("agent", "Thanks for calling, this is Jo."),
            ("customer", "The internet is down in the kitchen."),
            ("agent", "Okay."),
            ("customer", "The internet is down in the bedroom too."),
            ("agent", "And the living room?"),
            ("customer", "The internet is down in the living room too."),
            ("agent", "I'll send a technician."),
        ]
    )
    assert "kitchen" in text and "bedroom" in text and "living room too" in text and "[×" not in text, text


def test_another_device_that_does_not_work_is_no_repeat():
    text = _compress(
        [
            ("agent", "Добрый день."),
            ("customer", "У меня не работает интернет."),
            ("agent", "Так."),
            ("customer", "У меня не работает телевидение."),
            ("agent", "Понятно."),
            ("customer", "И телефон у меня не работает."),
            ("agent", "Отправлю мастера."),
        ],
        "ru",
    )
    assert "интернет" in text and "телевидение" in text and "елефон у меня не работает" in text, text
    assert "[×" not in text, text


def test_an_answer_keeps_its_figure_and_an_echo_counts_only_its_own_telling():
    text = _compress(
        [
            ("agent", "Thanks for calling Acme, this is Jo."),
            ("customer", "Hi, how much is the premium plan?"),
            ("agent", "The premium plan is five hundred dollars a year."),
            ("customer", "Five hundred?"),
            ("agent", "Sorry, not five hundred, five thousand dollars a year. Five thousand."),
            ("customer", "How much? That's a lot."),
            ("agent", "It's five thousand dollars a year, yes."),
            ("customer", "How much is the basic plan?"),
            ("agent", "The basic plan is five hundred dollars a year."),
            ("customer", "How much is the basic plan?"),
            ("agent", "Five hundred dollars a year."),
            ("customer", "Okay, I'll take basic."),
        ]
    )
    # "How much?" / "Yes." answered nothing
    assert "5000 dollars" in _line_after(text, "How much?"), text
    # the answer about the basic plan is no second telling of the premium plan's price
    assert "The premium plan is 500 dollars a year. [×" not in text, text
    assert "The basic plan is 500 dollars a year." in text, text


def test_a_retelling_with_fillers_still_folds():
    text = _compress(
        [
            ("agent", "Thanks for calling, this is Jo."),
            ("customer", "I was charged twice this month."),
            ("agent", "Let me check."),
            ("customer", "Well, you know, I was charged twice this month, twice!"),
            ("agent", "I see one charge."),
            ("customer", "Okay."),
        ]
    )
    assert "I was charged twice this month. [×2]" in text, text


@pytest.mark.parametrize("said", ["Так же.", "Так себе.", "Так и есть."])
def test_tak_of_a_phrase_is_no_lead_in_to_trim(said: str) -> None:
    """ "Так же." came out "Же.": the opener trim took "так" for a lead-in ("Так, ну, давайте...")."""
    turns = [("agent", "Как вам наш сервис, всё работает?"), ("customer", said)]
    text = compress(filter_transcript(make_transcript_from_turns("tak", turns, "ru")), len, "t")["text"]
    assert text.endswith(f"Customer: {said}")
