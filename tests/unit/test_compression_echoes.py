"""Folding (repeats and echoes) must not change what a call says: a different price that answers a
question stays, the agent's side of a dispute stays, "[×N]" counts real retellings, a question asked
again after an answer and answered otherwise keeps both answers apart (an outside evaluator's findings
1 and 4b). Short hand-written calls, through the pipeline as
``streams.bench_text`` runs it."""

from __future__ import annotations

from processors.compression import compress
from processors.filtering import filter_transcript
from streams.bench_text import make_transcript_from_turns

PLAN = "The unlimited plan is $45 a month with autopay and includes 50 gigs of hotspot."


def _compress(turns: list[tuple[str, str]], language: str = "en") -> str:
    transcript = make_transcript_from_turns("echoes", turns, language)
    out = compress(filter_transcript(transcript), len, "len")
    assert "dynamic:full" not in out["level"], out["level"]  # the folds under test run below "full"
    return out["text"]


def _line_after(text: str, start: str) -> str:
    lines = text.splitlines()
    return lines[next(i for i, line in enumerate(lines) if start in line) + 1]


def test_a_different_price_that_answers_a_question_stays_and_the_count_is_honest():
    text = _compress(
        [
            ("agent", PLAN),
            ("customer", "Does it include international calls?"),
            ("agent", "No, it does not include international calls."),
            ("agent", "So again, " + PLAN[0].lower() + PLAN[1:]),
            ("customer", "And without autopay?"),
            ("agent", "Without autopay it's $50 a month."),
            ("customer", "Fine, I'll take it without autopay."),
        ]
    )
    # "$50" is no echo of "50 gigs", and "without" no echo of "with"
    assert "$50 a month" in _line_after(text, "Without autopay?"), text
    assert "[×2]" in text and "[×3]" not in text, text  # the plan was said twice


def test_the_agents_side_of_a_dispute_is_not_folded():
    text = _compress(
        [
            ("agent", "Your order has 2 items, 3 units each, shipping in 5 to 7 days."),
            ("customer", "I ordered four, not two."),
            ("agent", "I see 2 here."),
            ("customer", "That's wrong."),
        ]
    )
    assert "I see 2 here." in _line_after(text, "not 2"), text
    assert "[×" not in text, text  # "I see 2 here" is no second telling of the order


def test_an_echo_counts_only_when_it_restates_the_whole_sentence():
    text = _compress(
        [
            ("agent", "Hello, this is Dana from Northwind."),
            ("agent", "The team plan is 59 dollars per user and 10 users at most."),
            ("customer", "Okay."),
            ("agent", "Right, 59 dollars."),
            ("customer", "Thanks, goodbye."),
        ]
    )
    assert text.count("59 dollars") == 1 and "[×" not in text, text


def test_a_question_asked_again_after_its_answer_keeps_both_answers_apart():
    text = _compress(
        [
            ("customer", "Does it include international calls?"),
            ("agent", "No, it does not."),
            ("customer", "Does it include international calls?"),
            ("agent", "Yes, it does."),
        ]
    )
    assert "No, it does not. Yes, it does." not in text, text
    assert text.count("Does it include international calls?") == 2, text


def test_a_question_repeated_before_any_answer_still_folds():
    text = _compress(
        [
            ("customer", "Does it include international calls?"),
            ("customer", "Does it include any international calls?"),
            ("agent", "No, it does not, those are extra."),
        ]
    )
    assert "Does it include international calls? [×2]" in text, text
