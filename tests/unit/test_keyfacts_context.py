"""The customer's context ("I have two kids at home.", "Я работаю из дома.") is a key fact in a call
where they object or state a problem: an outside evaluation found deep compression cut it, and with it
what an analyst judges the agent's answer to the objection against. Only the customer's, only the
first ones, and only in such a call."""

from __future__ import annotations

import pytest

from processors.compression import compress
from processors.filtering import filter_transcript
from processors.keyfacts import (
    CONTEXT_STATEMENTS,
    context_statements,
    extract_key_facts,
    missing_facts,
)
from processors.numbers import normalise_numbers
from streams.bench_text import make_transcript_from_turns


@pytest.mark.parametrize(
    ("said", "anchor"),
    [
        ("I have two kids at home.", "i have 2 kids"),
        ("I work from home, so I need it.", "i work from home"),
        ("I'm a doctor and I'm on call at night.", "i'm a doctor"),
        ("We're a team of five.", "we're a team of 5"),
        ("У меня двое детей.", "у меня двое детей"),
        ("Я работаю из дома.", "я работаю из дома"),
        ("Нас в команде пятеро.", "нас в команде пятеро"),
        ("Я врач, у меня дежурства.", "я врач"),
        ("Я работаю водителем.", "я работаю водителем"),
    ],
)
def test_a_context_statement_is_found(said, anchor):
    # numbers as digits, as compression and extract_key_facts read the text
    assert context_statements([normalise_numbers(said)])[0][0] == anchor


@pytest.mark.parametrize(
    "said",
    [
        "I have a question about the bill.",
        "I work with your app every day.",
        "I'm a bit busy right now.",
        "I'm on the premium plan.",
        "У меня вопрос по счёту.",
        "Я работаю до шести.",
        "Я врачу звонил.",
        "Нас не предупредили.",
    ],
)
def test_other_sentences_are_no_context(said):
    assert context_statements([normalise_numbers(said)]) == [[]]


def test_only_the_first_statements_count():
    said = ["I work from home.", "I'm a nurse.", "I have two kids."]
    assert context_statements(said) == [["i work from home"], ["i'm a nurse"], []]
    assert CONTEXT_STATEMENTS == 2


EN = [
    ("agent", "Hi, this is Mark from NetFast, do you have a minute?"),
    ("customer", "Sure."),
    ("agent", "We have a new fiber plan with five hundred megabits for sixty dollars a month."),
    ("customer", "I work from home, so I need it."),
    ("agent", "Great, it also comes with a free router."),
    ("customer", "Honestly, it's too expensive for me."),
    ("agent", "I can give you the first three months at forty dollars."),
    ("customer", "Okay."),
    ("agent", "Thanks, have a nice day."),
]
RU = [
    ("agent", "Здравствуйте, компания Связь-Про, меня зовут Анна."),
    ("customer", "Здравствуйте."),
    ("agent", "Хотим предложить вам тариф с телевидением за девятьсот рублей в месяц."),
    ("customer", "У меня двое детей."),
    ("agent", "Там есть детские каналы и мультфильмы."),
    ("customer", "Это дорого для меня."),
    ("agent", "Могу дать скидку двадцать процентов на полгода."),
    ("customer", "Хорошо."),
    ("agent", "Спасибо, всего доброго."),
]


@pytest.mark.parametrize(
    ("turns", "lang", "kept"), [(EN, "en", "I work from home"), (RU, "ru", "У меня двое детей")]
)
def test_deep_compression_keeps_the_customers_context_beside_an_objection(turns, lang, kept):
    transcript = make_transcript_from_turns("context", turns, lang)
    facts = extract_key_facts(transcript)
    assert [f["anchor"] for f in facts if f["kind"] == "context"] == [kept.lower()]
    out = compress(filter_transcript(transcript), len, "len")
    assert "dynamic:full" not in out["level"], out["level"]  # the cut under test runs below "full"
    assert kept in out["text"], out["text"]
    assert not missing_facts(facts, out["text"])


def test_no_context_fact_without_an_objection_or_a_problem():
    turns = [t for t in EN if "expensive" not in t[1]]
    transcript = make_transcript_from_turns("context", turns, "en")
    assert not [f for f in extract_key_facts(transcript) if f["kind"] == "context"]


def test_the_agents_context_is_no_key_fact():
    turns = [*EN[:-1], ("agent", "I have two kids too, I work from home myself."), EN[-1]]
    transcript = make_transcript_from_turns("context", turns, "en")
    assert [f["role"] for f in extract_key_facts(transcript) if f["kind"] == "context"] == ["customer"]


def test_a_bench_fixture_states_a_problem_gives_context_and_objects():
    """The bench's recall counts the problem and context kinds on at least one call (every fixture's
    facts must survive: tests/unit/test_compression.py)."""
    from streams.bench_text import FIXTURES, fixture_transcript

    kinds = {f["kind"] for name in FIXTURES for f in extract_key_facts(fixture_transcript(name))}
    assert {"problem", "context", "objection"} <= kinds
