"""The customer's context ("I have two kids at home.", "Я работаю из дома.") is a key fact in a call
where they object or state a problem: an outside evaluation found deep compression cut it, and with it
what an analyst judges the agent's answer to the objection against. Only the customer's, only the
first ones, and only in such a call."""

from __future__ import annotations

import random
import re

import pytest

from processors.compression import compress
from processors.filtering import filter_transcript
from processors.keyfacts import (
    _EN_COUNT,
    _EN_HOUSEHOLD,
    _EN_PROFESSION,
    _RU_COUNT,
    _RU_GROUP,
    _RU_HOUSEHOLD,
    _RU_PROFESSION,
    _RU_WORK_AS,
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


# The pattern as first written (one alternation, "(?:у\s+)?нас"), one IGNORECASE scan per text: what the
# fast path (alternatives by first letter, a factored twin, one scan of all texts) stands for.
_PLAIN = re.compile(
    r"(?<![^\W\d_])(?:"
    rf"i\s+(?:have|['’]ve\s+got|have\s+got)\s+(?:{_EN_COUNT}\s+)?{_EN_HOUSEHOLD}"
    r"|i\s+work\s+(?:from\s+home|at\s+home|remotely|nights|night\s+shifts?|shifts|from\s+my\s+(?:home|house|"
    rf"apartment|flat)|as\s+an?\s+{_EN_PROFESSION})"
    rf"|i(?:['’]m|\s+am)\s+(?:an?\s+{_EN_PROFESSION}|on\s+call)"
    rf"|we(?:['’]re|\s+are)\s+a\s+(?:small\s+)?(?:team|family|company|office|business)\s+of\s+{_EN_COUNT}"
    rf"|there\s+are\s+{_EN_COUNT}\s+of\s+us"
    rf"|у\s+меня\s+{_RU_HOUSEHOLD}"
    rf"|я\s+работаю\s+(?:из\s+дома|дома|на\s+дому|уд[ао]л[её]нно|по\s+ночам|ночами|посменно|сменами|"
    rf"в\s+ночн\w+\s+смен\w+|{_RU_WORK_AS})"
    rf"|я\s+{_RU_PROFESSION}"
    rf"|(?:у\s+)?нас\s+(?:в\s+{_RU_GROUP}\s+{_RU_COUNT}|{_RU_COUNT}\s+в\s+{_RU_GROUP})(?:\s+человек)?"
    r")(?![^\W\d_])",
    re.IGNORECASE,
)


def _plain(texts: list[str], limit: int = CONTEXT_STATEMENTS) -> list[list[str]]:
    out: list[list[str]] = [[] for _ in texts]
    left = limit
    for text, found in zip(texts, out, strict=True):
        for m in _PLAIN.finditer(text) if left else ():
            found.append(" ".join(m.group().lower().split()))
            left -= 1
            if not left:
                break
    return out


_EDGES = [
    ["I HAVE 2 KIDS.", "We're A Team Of 5.", "У НАС В КОМАНДЕ ПЯТЕРО человек"],
    ["Straße. I work from home.", "I'm a nurse."],  # not fold-safe: the plain path
    ["a\x00b I work nights", "I'm on call"],  # the separator inside a text: the plain path
    ["Hi I", "work from home", "", "xi work from home", "нас в семье 4 человек", "у нас 5 в офисе"],
    ["Я работаю удалённо, я врач, у меня трое детей.", "я студентка"],
    [],
]


@pytest.mark.parametrize("texts", _EDGES)
@pytest.mark.parametrize("limit", [0, 1, 2, 9])
def test_context_statements_edges_match_the_plain_code(texts, limit):
    assert context_statements(texts, limit) == _plain(texts, limit)


def test_context_statements_of_calls_match_the_plain_code():
    from streams.bench_text import FIXTURES, fixture_transcript, make_long_transcript, vary

    rng = random.Random(5)
    calls = [fixture_transcript(name) for name in FIXTURES]
    calls += [vary(make_long_transcript(f"g{i}", rng, "en" if i % 2 else "ru"), rng) for i in range(20)]
    for call in calls:
        texts = [normalise_numbers(seg["text"]) for seg in call["segments"]]
        assert context_statements(texts, 50) == _plain(texts, 50)
