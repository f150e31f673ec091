"""processors.filtering / compression / rules / scoring / alerts, and the records they produce."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from ml.tokenizer import TokenCounter
from processors.alerts import evaluate
from processors.compression import CompressOptions, compress, dialogue_lines
from processors.filtering import FilterOptions, drop_reason, filter_transcript
from processors.rules import keyword_hits, price_mentions, rule_metrics
from processors.scoring import DEFAULT_CRITERIA, score_call
from processors.text import collapse_repeats, collapse_repeats_words, sentences
from schemas.codec import SingleObjectCodec
from tests.factories import make_transcript

NOW = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)


def seg(
    role: str, text: str, start: float, *, nsp: float | None = 0.01, logprob: float | None = -0.2
) -> dict[str, Any]:
    return {
        "index": 0,
        "channel": 0 if role == "agent" else 1,
        "role": role,
        "start": start,
        "end": start + 1.5,
        "text": text,
        "avg_logprob": logprob,
        "no_speech_prob": nsp,
        "words": None,
        "vad_speech": None,
        "kept": True,
        "drop_reason": None,
    }


def transcript_with(*segments: dict[str, Any], call_id: str = "call-tp") -> dict[str, Any]:
    transcript = make_transcript(call_id)
    transcript["segments"] = [{**s, "index": i} for i, s in enumerate(segments)]
    return transcript


@pytest.fixture(scope="module")
def counter() -> TokenCounter:
    return TokenCounter()


def dialogue() -> dict[str, Any]:
    return transcript_with(
        seg("agent", "Hello, thank you for calling Acme.", 0.0),
        seg("agent", "  My name is Dana.  ", 1.6),
        seg("customer", "", 3.0),  # empty
        seg("customer", " ... ", 3.5),  # punctuation only: empty
        seg("customer", "Thank you for watching!", 4.0, nsp=0.93, logprob=-1.4),  # Whisper hallucination
        seg("customer", "Hi, how much is the pro plan?", 6.0),
        seg("customer", "I might cancel otherwise.", 7.6),
        seg("agent", "It is $39 a month, or 2 990 рублей.", 9.0, nsp=0.7, logprob=-0.4),  # suspect, kept
    )


# --- filtering -------------------------------------------------------------------------------------------


def test_filter_drops_empty_and_no_speech_with_reasons_and_counts():
    transcript = dialogue()
    before = copy.deepcopy(transcript)

    filtered = filter_transcript(transcript)

    segments = filtered["transcript"]["segments"]
    assert len(segments) == len(transcript["segments"])  # every segment retained, flagged
    assert [s["kept"] for s in segments] == [True, True, False, False, False, True, True, True]
    reasons = [s["drop_reason"] for s in segments]
    # a stock phrase is a hallucination whatever Whisper's doubt (BI counts it as one)
    assert reasons == [None, None, "empty", "empty", "hallucination", None, None, None]
    assert filtered["kept"] == 5
    assert filtered["dropped"] == {"empty": 2, "hallucination": 1}
    assert filtered["call_id"] == "call-tp"
    assert transcript == before  # input untouched


def test_filter_resets_stale_flags_from_upstream():
    transcript = transcript_with(seg("agent", "Good morning.", 0.0))
    transcript["segments"][0] |= {"kept": False, "drop_reason": "filler"}
    filtered = filter_transcript(transcript)
    assert filtered["transcript"]["segments"][0]["kept"] is True
    assert filtered["transcript"]["segments"][0]["drop_reason"] is None
    assert filtered["dropped"] == {}


@pytest.mark.parametrize(
    ("nsp", "logprob", "reason"),
    [
        (0.9, -1.5, "no_speech"),
        (0.9, -0.5, None),  # confident text despite a high no-speech prob: kept
        (0.3, -1.5, None),  # low-confidence speech: kept
        (0.6, -1.5, None),  # thresholds are strict
        (None, -1.5, None),
        (0.9, None, None),
    ],
)
def test_no_speech_needs_both_thresholds(nsp, logprob, reason):
    assert (
        drop_reason(seg("agent", "Some words here", 0.0, nsp=nsp, logprob=logprob), FilterOptions()) == reason
    )


def test_filter_options_are_honoured():
    s = seg("agent", "Some words here", 0.0, nsp=0.5, logprob=-0.8)
    assert drop_reason(s, FilterOptions()) is None
    assert drop_reason(s, FilterOptions(max_no_speech_prob=0.4, min_avg_logprob=-0.5)) == "no_speech"


# --- compression -----------------------------------------------------------------------------------------


def test_dialogue_lines_merge_same_role_turns():
    segments = [
        seg("agent", "Hello.", 0),
        seg("agent", "  Dana  here. ", 1),
        seg("customer", "Hi.", 2),
        seg("agent", "Yes?", 3),
    ]
    assert dialogue_lines(segments) == ["Agent: Hello. Dana here.", "Customer: Hi.", "Agent: Yes?"]
    assert dialogue_lines(segments, merge=False) == [
        "Agent: Hello.",
        "Agent: Dana here.",
        "Customer: Hi.",
        "Agent: Yes?",
    ]


def test_compress_merges_turns_and_leaves_out_dropped(counter):
    # The merge-only baseline (every step switched off); the steps are tested in test_compression.py.
    filtered = filter_transcript(dialogue())
    merge_only = CompressOptions(structural=False, semantic=False, dynamic=False)
    compressed = compress(filtered, counter, counter.name, merge_only)

    assert compressed["text"] == (
        "Agent: Hello, thank you for calling Acme. My name is Dana.\n"
        "Customer: Hi, how much is the pro plan? I might cancel otherwise.\n"
        "Agent: It is $39 a month, or 2 990 рублей."
    )
    assert "watching" not in compressed["text"]
    assert compressed["tokenizer"] == "whisper-multilingual"
    assert compressed["level"] == "merge"
    assert compressed["call_id"] == "call-tp"
    assert compressed["filtered"] == filtered


def test_compress_token_counts_use_the_real_tokenizer(counter):
    filtered = filter_transcript(dialogue())
    compressed = compress(filtered, counter, counter.name)

    full = "\n".join(dialogue_lines(filtered["transcript"]["segments"], merge=False))
    assert compressed["tokens_before"] == counter(full)
    assert compressed["tokens_after"] == counter(compressed["text"])
    assert 0 < compressed["tokens_after"] < compressed["tokens_before"]
    # A real BPE, not a whitespace split: Cyrillic and punctuation cost more than one token per word.
    assert counter(compressed["text"]) != len(compressed["text"].split())


def test_tokens_after_never_exceed_before(counter):
    # Nothing dropped, nothing to merge: equal at most.
    filtered = filter_transcript(transcript_with(seg("agent", "Hello.", 0), seg("customer", "Hi there.", 2)))
    compressed = compress(filtered, counter, counter.name)
    assert compressed["tokens_after"] <= compressed["tokens_before"]
    assert compressed["tokens_after"] > 0


def test_compress_of_all_dropped_is_empty(counter):
    filtered = filter_transcript(transcript_with(seg("agent", "", 0), seg("customer", "...", 1)))
    compressed = compress(filtered, counter, counter.name)
    assert compressed["text"] == ""
    assert compressed["tokens_after"] == 0


def test_compress_keeps_a_code_dictated_in_number_words(counter):
    filtered = filter_transcript(
        transcript_with(
            seg("agent", "Назовите код из смс, пожалуйста.", 0),
            seg("customer", "Да-да-да, код пять пять пять, номер сорок пять сорок пять.", 2),
        )
    )
    assert compress(filtered, counter, counter.name)["text"].endswith("Customer: Да, код 5 5 5, номер 45 45.")


# --- repeats ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Код пять пять пять",
        "Номер сорок пять сорок пять, код один один один один",
        "four one five five five five zero",
        "Five five FIVE",
        "для двух двух",
        "ноль-ноль-семь",
        "one one",
        "twenty five twenty five",
        "no one, no one",  # a pair with a number word is a number too
        "o'five o'five",
    ],
)
def test_repeated_number_words_are_data_and_stay(text):
    assert collapse_repeats(text) == text
    assert collapse_repeats_words(text)[1] is not None  # unchanged: the words come back


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("да-да-да-да", "да"),
        ("yeah yeah yeah", "yeah"),
        ("I mean, I mean", "I mean"),
        ("Ну ну, пять пять", "Ну, пять пять"),
        ("yeah one yeah one yeah yeah", "yeah one yeah one yeah"),
        ("стоит стоит сто сто", "стоит сто сто"),
        ("fiver fiver", "fiver"),  # not a number word
    ],
)
def test_filler_repeats_still_collapse_around_numbers(text, expected):
    assert collapse_repeats(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "there's an add-on on the account",
        "a follow-up up front",
        "the check-in in the morning",
        "взять из-за за свой счёт",
    ],
)
def test_the_end_of_a_hyphenated_word_is_no_repeat_of_the_next_word(text):
    assert collapse_repeats(text) == text


# --- rules -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Это стоит 2 990 рублей в месяц",
        "Цена 2990 ₽",
        "₽2990 за год",
        "It is $39 a month",
        "It is 39 dollars a month",
        "It is twenty nine dollars a month",
        "It is twenty-nine dollars",
        "две тысячи девятьсот девяносто рублей",
        "пятьсот рублей",
        "49.99 euros",
        "It costs 2990 rubles",
        "two hundred rubles",
    ],
)
def test_price_mentions_counts_money(text):
    assert price_mentions([text]) == 1


@pytest.mark.parametrize(
    "text",
    [
        "I have 3 kids",
        "call me at 5 pm",
        "we talked for 20 minutes",
        "room 101 on floor 2",
        "в 5 часов",
        "два кота",
        "order 2 990 items",
        "five thousand people",
    ],
)
def test_price_mentions_ignores_plain_numbers(text):
    assert price_mentions([text]) == 0


def test_price_mentions_counts_each_amount_across_texts():
    assert price_mentions(["$39 or 390 dollars a year", "I have 3 kids", "ну, 500 рублей"]) == 3


def test_keyword_hits_on_word_boundaries_case_insensitive():
    hits = keyword_hits(["Hello! I will SUE you in court.", "Thanks a lot.", "Спасибо, но дорого"])
    assert hits["greeting"] == 1
    assert hits["legal"] == 1  # "sue you" ("in court" alone is no dispute: "I'm in court all day")
    assert hits["thanks"] == 2  # thanks, спасибо
    assert hits["too_expensive"] == 1  # дорого
    assert "cancel" not in hits  # zero counts omitted
    assert keyword_hits(["issue pursued courtesy"]) == {}  # no partial-word matches


def test_keyword_hits_custom_dictionary():
    assert keyword_hits(["Refund please, refund!"], {"refund": ("refund",), "x": ("y",)}) == {"refund": 2}


def test_rule_metrics_only_count_kept_segments():
    filtered = filter_transcript(
        transcript_with(
            seg("agent", "It is $39.", 0),
            seg("customer", "My lawyer says 500 dollars.", 2, nsp=0.95, logprob=-2.0),  # dropped
        )
    )
    rules = rule_metrics(filtered["transcript"])
    assert rules["price_mentions"] == 1
    assert "legal" not in rules["keyword_hits"]
    assert rules["words"] == 3
    metrics = filtered["transcript"]["metrics"]
    expected_ratio = metrics["agent_talk_s"] / (metrics["agent_talk_s"] + metrics["customer_talk_s"])
    assert rules["agent_talk_ratio"] == pytest.approx(expected_ratio)


def test_rule_metrics_mono_has_no_talk_ratio():
    transcript = make_transcript(layout="mono")
    assert rule_metrics(transcript)["agent_talk_ratio"] is None


# --- scoring -----------------------------------------------------------------------------------------------


def scored(*segments: dict[str, Any], counter: TokenCounter) -> dict[str, Any]:
    filtered = filter_transcript(transcript_with(*segments))
    return score_call(compress(filtered, counter, counter.name), now=NOW)


def criteria_by_id(score: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in score["criteria"]}


def test_score_rule_criteria_price_named_yes(counter):
    score = scored(seg("agent", "That's $39, or 39 dollars with tax.", 0), counter=counter)
    by_id = criteria_by_id(score)
    assert by_id["price_named"] == {
        "id": "price_named",
        "title": "Price named",
        "kind": "yes_no",
        "source": "rule",
        "status": "scored",
        "value": 1.0,
        "label": "yes",
        "reasoning": "rule price_named: 2 price mentions",
        "fatal": False,
        "fatal_failed": False,
        "rule": "price_named",
        "role": None,
    }
    assert by_id["price_mentions"]["value"] == 2.0
    assert score["rules"]["price_mentions"] == 2


def test_score_rule_criteria_price_named_no(counter):
    score = scored(seg("agent", "I have 3 kids.", 0), counter=counter)
    by_id = criteria_by_id(score)
    assert (by_id["price_named"]["value"], by_id["price_named"]["label"]) == (0.0, "no")
    assert by_id["price_mentions"]["value"] == 0.0


def test_score_llm_criteria_pending_and_scorer_is_rules(counter):
    score = scored(seg("agent", "Hello.", 0), counter=counter)
    assert score["scorer"] == "rules"
    assert score["model_id"] is None and score["prompt_version"] is None
    assert score["summary"] is None
    assert score["scored_at"] == NOW
    assert [c["id"] for c in score["criteria"]] == [c.id for c in DEFAULT_CRITERIA]
    llm = [c for c in score["criteria"] if c["source"] == "llm"]
    assert llm, "the default scorecard has LLM criteria"
    for criterion in llm:
        assert criterion["status"] == "pending"
        assert criterion["value"] is None and criterion["label"] is None


# --- alerts ------------------------------------------------------------------------------------------------


def test_legal_words_raise_a_critical_alert_with_deterministic_id(counter):
    score = scored(
        seg("customer", "I will call my lawyer and take you to court.", 0),
        seg("agent", "I understand.", 2),
        counter=counter,
    )
    alerts = evaluate(score, now=NOW)
    again = evaluate(copy.deepcopy(score), now=NOW)

    assert alerts == again
    assert [a["rule"] for a in alerts] == ["legal_threat"]
    alert = alerts[0]
    assert alert["alert_id"] == "call-tp:legal_threat@acme"
    assert alert["severity"] == "critical"
    # "my lawyer and ... court": one threat naming two venues, one mention
    assert alert["value"] == 1.0 and alert["threshold"] == 1.0
    assert alert["tenant"] == "acme" and alert["agent_id"] == "agent-7"
    assert alert["created_at"] == NOW
    assert "call-tp" in alert["message"]


def test_cancel_words_raise_a_warning(counter):
    alerts = evaluate(scored(seg("customer", "I want to cancel.", 0), counter=counter), now=NOW)
    assert [(a["rule"], a["severity"]) for a in alerts] == [("cancellation_risk", "warning")]


def test_no_alert_without_hits(counter):
    score = scored(seg("customer", "Sounds good, send the contract.", 0), counter=counter)
    assert score["rules"]["keyword_hits"] == {}
    assert evaluate(score, now=NOW) == []


# --- the whole chain encodes ------------------------------------------------------------------------------


def test_chain_output_encodes_for_every_record_type(counter):
    codec = SingleObjectCodec()
    transcript = dialogue()
    transcript["segments"].append(seg("customer", "Otherwise I'll talk to my attorney.", 11.0))

    filtered = filter_transcript(transcript)
    compressed = compress(filtered, counter, counter.name)
    score = score_call(compressed, now=NOW)
    alerts = evaluate(score, now=NOW)

    assert {a["rule"] for a in alerts} == {"legal_threat", "cancellation_risk"}
    for name, record in [
        ("Transcript", transcript),
        ("FilteredTranscript", filtered),
        ("CompressedTranscript", compressed),
        ("CallScore", score),
        *[("Alert", a) for a in alerts],
    ]:
        assert codec.decode(name, codec.encode(name, record)) == record, name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a number after an abbreviation's "." continues the sentence: "т.е." once cut off the price
        ("Это стоит, т.е. 2990 рублей в месяц.", ["Это стоит, т.е. 2990 рублей в месяц."]),
        ("It costs approx. 500 dollars.", ["It costs approx. 500 dollars."]),
        ("Оплата до 15 янв. 2027 года.", ["Оплата до 15 янв. 2027 года."]),
        ("Mr. Smith will call you.", ["Mr. Smith will call you."]),
        # after a sentence's "." a number starts the next one
        ("I have two kids. 5 and 7 years old.", ["I have two kids.", "5 and 7 years old."]),
        ("Хорошо. 500 рублей.", ["Хорошо.", "500 рублей."]),
    ],
)
def test_sentences_join_after_abbreviations_only(text, expected):
    assert sentences(text) == expected
