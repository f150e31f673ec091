"""The customer's stated problem ("Интернет пропал.", "My internet is down.") is a key fact: the reason
for the call, which a medium or deep cut dropped when it was too short to count as the customer's first
substantive turn (an outside evaluator's finding). Only the customer's first ones: not every complaint."""

from __future__ import annotations

import pytest

from processors.compression import compress
from processors.filtering import filter_transcript
from processors.keyfacts import PROBLEM_STATEMENTS, extract_key_facts, missing_facts, problem_statements
from streams.bench_text import make_transcript_from_turns


@pytest.mark.parametrize(
    ("said", "anchor"),
    [
        ("Интернет пропал.", "интернет пропал"),
        ("Пропал интернет.", "пропал интернет"),
        ("Деньги списали.", "деньги списали"),
        ("Списали деньги два раза.", "списали деньги"),
        ("Роутер сгорел.", "роутер сгорел"),
        ("Здравствуйте, у меня интернет пропадает каждый вечер.", "интернет пропадает"),
        ("Моя карта не проходит.", "карта не проходит"),
        ("My internet is down.", "internet is down"),
        ("Internet's down.", "internet's down"),
        ("The app crashes when I log in.", "app crashes"),
        ("Hi, my internet keeps dropping every evening.", "internet keeps dropping"),
        ("The card was declined.", "card was declined"),
    ],
)
def test_a_problem_statement_is_found(said, anchor):
    assert problem_statements([said]) == [[anchor]]


@pytest.mark.parametrize(
    "said",
    [
        "I have two kids at home.",
        "I'm calling about the pro plan.",
        "Хотел узнать про тариф.",
        "The price keeps going up.",  # no failing service or device named
        "Can I pay online?",
        "Интернет нужен быстрый.",
    ],
)
def test_other_sentences_are_no_problem_statements(said):
    assert problem_statements([said]) == [[]]


def test_only_the_first_statements_count():
    said = ["Интернет пропал.", "Телефон тоже не работает.", "И телевидение пропало."]
    assert problem_statements(said) == [["интернет пропал"], ["телефон тоже не работает"], []]
    assert PROBLEM_STATEMENTS == 2


TURNS = [
    ("agent", "Связь-Про, здравствуйте."),
    ("customer", "Интернет пропал."),
    ("agent", "Назовите номер договора."),
    ("customer", "Один два три четыре пять."),
    ("agent", "Вижу, на линии авария, починим завтра."),
    ("customer", "Роутер сгорел."),
    ("agent", "Тогда мастер приедет в среду."),
    ("customer", "Ладно."),
]


def test_the_customers_problem_is_a_key_fact_and_the_agents_is_not():
    turns = [*TURNS, ("agent", "Интернет пропал из-за аварии.")]
    transcript = make_transcript_from_turns("problem", turns, "ru")
    problems = [f for f in extract_key_facts(transcript) if f["kind"] == "problem"]
    assert problems == [
        {"kind": "problem", "anchor": "интернет пропал", "role": "customer"},
        {"kind": "problem", "anchor": "роутер сгорел", "role": "customer"},
    ]


def test_compression_keeps_the_reason_for_the_call():
    transcript = make_transcript_from_turns("problem", TURNS, "ru")
    out = compress(filter_transcript(transcript), len, "len")
    assert "dynamic:full" not in out["level"], out["level"]  # the cut under test runs below "full"
    assert "Интернет пропал." in out["text"], out["text"]
    assert not missing_facts(extract_key_facts(transcript), out["text"])
