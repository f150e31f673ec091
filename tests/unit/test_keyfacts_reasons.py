"""Why: the customer's reason for an objection or a dispute ("We barely used it.", "Those charges aren't
mine.") and the agent relaying a third party's report of what failed ("Курьер отметил, что не смог
дозвониться."). A medium or deep cut dropped them (an outside evaluator's round 3): an analyst judges the
agent's answer against them."""

from __future__ import annotations

import pytest

from processors.compression import compress
from processors.filtering import filter_transcript
from processors.keyfacts import extract_key_facts, missing_facts, reason_statements, reported_causes
from streams.bench_text import make_transcript_from_turns


def _compressed(turns: list[tuple[str, str]], lang: str) -> tuple[str, list[dict[str, str]]]:
    transcript = make_transcript_from_turns("reasons", turns, lang)
    out = compress(filter_transcript(transcript), len, "len")
    assert "dynamic:full" not in out["level"], out["level"]  # the cuts under test run below "full"
    facts = extract_key_facts(transcript)
    assert not missing_facts(facts, out["text"]), out["text"]
    return out["text"], facts


@pytest.mark.parametrize(
    ("said", "anchor"),
    [
        ("We barely used it.", "we barely used it"),
        ("Honestly, we don't even use it.", "we don't even use it"),
        ("Those charges aren't mine.", "those charges aren't mine"),
        ("I didn't make those charges.", "i didn't make those"),
        ("Мы почти не пользовались.", "мы почти не пользовались"),
        ("Хочу отключить, мы им вообще не пользуемся.", "мы им вообще не пользуемся"),
        ("Это не мои списания.", "это не мои списания"),
    ],
)
def test_a_reason_is_found(said, anchor):
    assert reason_statements([said]) == [[anchor]]


@pytest.mark.parametrize(
    "said", ["We use it every day.", "I never use the app on weekends.", "These charges are mine, yes."]
)
def test_other_sentences_are_no_reasons(said):
    assert reason_statements([said]) == [[]]


@pytest.mark.parametrize(
    ("said", "anchor"),
    [
        ("Курьер отметил, что не смог дозвониться.", "курьер отметил, что не"),
        ("Мастер сообщил, что никого не было дома.", "мастер сообщил, что никого"),
        ("The technician noted that nobody was home.", "technician noted that nobody"),
    ],
)
def test_a_reported_cause_is_found(said, anchor):
    assert reported_causes(said) == [anchor]


@pytest.mark.parametrize(
    "said",
    ["Мастер сообщил, что всё готово.", "Курьер позвонит за час.", "The courier said he is on his way."],
)
def test_a_report_of_no_failure_is_no_cause(said):
    assert reported_causes(said) == []


def test_compression_keeps_the_couriers_reported_cause():
    turns = [
        ("customer", "Я взяла отгул, ждала с десяти, никто не позвонил, никто не пришёл."),
        ("agent", "Приношу извинения. Курьер отметил, что не смог дозвониться. Какой у вас номер телефона?"),
        ("customer", "Восемь девятьсот шестнадцать, сто двадцать три, сорок пять, шестьдесят семь."),
        ("agent", "Понятно, в заказе был указан другой номер, с ошибкой. Я исправила."),
    ]
    text, facts = _compressed(turns, "ru")
    assert "Курьер отметил, что не смог дозвониться." in text, text
    assert {"kind": "reason", "anchor": "курьер отметил, что не", "role": "agent"} in facts


def test_compression_keeps_the_customers_churn_reason():
    turns = [
        ("agent", "If you sign up today I can give you the first three months of premium for $29.99."),
        ("customer", "Hmm. Can I cancel anytime?"),
        ("agent", "Yes, you can cancel anytime."),
        ("customer", "Honestly it's too expensive for us. We barely used it."),
        ("agent", "The basic plan at $19.99 has all the movies, just no 4K."),
        ("customer", "No, thanks. We'll just let the trial end."),
        ("agent", "Understood. You won't be charged. Thanks for trying StreamMax."),
        ("customer", "Okay, bye."),
    ]
    text, _ = _compressed(turns, "en")
    assert "We barely used it." in text, text


def test_a_reason_counts_only_where_the_customer_pushes_back():
    turns = [("agent", "How is the service?"), ("customer", "Fine. We barely used it."), ("agent", "Okay.")]
    facts = extract_key_facts(make_transcript_from_turns("reasons", turns, "en"))
    assert not [f for f in facts if f["kind"] == "reason"], facts
