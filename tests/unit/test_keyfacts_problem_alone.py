"""A failure stated without a subject and a failure verb is a problem statement too: a service missing
("The phone says no service.", "Нет сети.", "Не ловит.") or the error a device shows ("Пишет ошибку.",
"The app shows an error."); an outside evaluator's round 3 found "The phone says no service" was none."""

from __future__ import annotations

import pytest

from processors.compression import compress
from processors.filtering import filter_transcript
from processors.keyfacts import extract_key_facts, missing_facts, problem_statements, resolution_statements
from streams.bench_text import make_transcript_from_turns


@pytest.mark.parametrize(
    ("said", "anchor"),
    [
        ("The phone says no service since yesterday.", "no service"),
        ("No signal at home.", "no signal"),
        ("I've had no internet for two days.", "no internet"),
        ("The app shows an error when I pay.", "shows an error"),
        ("It gives me an error.", "gives me an error"),
        ("It says SIM not registered.", "says sim not registered"),
        ("Нет сети.", "нет сети"),
        ("Телефон пишет «нет сети».", "нет сети"),
        ("Нет интернета с утра.", "нет интернета"),
        ("Не ловит вообще.", "не ловит"),
        ("Пишет ошибку.", "пишет ошибку"),
        ("Приложение выдаёт какую-то ошибку.", "выдаёт какую-то ошибку"),
        ("Пишет, что нет связи.", "нет связи"),
    ],
)
def test_a_missing_service_or_a_shown_error_is_a_problem_statement(said, anchor):
    assert problem_statements([said]) == [[anchor]]


@pytest.mark.parametrize(
    "said",
    [
        "There is no service fee.",
        "I have no internet plan yet.",
        "My wife says no.",
        "No problem at all.",
        "Нет, связи нет.",  # "no" then "there is none": a denial, not the failure said
        "Он говорит, что всё в порядке.",
    ],
)
def test_other_absences_are_no_problem_statements(said):
    assert problem_statements([said]) == [[]]


def test_compression_keeps_no_service_as_the_reason_for_the_call():
    turns = [
        ("agent", "Mobile support, this is Anna. How can I help?"),
        ("customer", "The phone says no service since yesterday."),
        ("agent", "Please restart the phone and select the network manually."),
        ("customer", "Okay, one moment... Yes! It works now. Thank you so much."),
        ("agent", "You're welcome. Have a nice trip."),
    ]
    transcript = make_transcript_from_turns("alone", turns, "en")
    facts = extract_key_facts(transcript)
    assert {"kind": "problem", "anchor": "no service", "role": "customer"} in facts
    out = compress(filter_transcript(transcript), len, "len")
    assert not missing_facts(facts, out["text"]), out["text"]


def test_a_resolution_after_a_failure_the_lexicon_does_not_know_is_still_found():
    # why resolution_statements keeps its fallback (after the customer's first text): "can't make calls"
    # names no failure verb of PROBLEM_VERBS, and the fix working is still what the call achieved
    said = ["I can't make calls abroad.", "Yes! It works now."]
    assert problem_statements(said) == [[], []]
    assert resolution_statements(said, problem_statements(said)) == [[], ["it works now"]]
