"""processors.filtering: VAD / no-speech, fillers, short turns, repeats, PII, counts by reason."""

from __future__ import annotations

from typing import Any

import pytest

from processors.filtering import FilterOptions, drop_reason, filter_transcript
from streams.bench_text import make_transcript_from_turns


def seg(text: str, role: str = "customer", **extra: Any) -> dict[str, Any]:
    return {
        "role": role,
        "text": text,
        "no_speech_prob": 0.02,
        "avg_logprob": -0.2,
        "vad_speech": None,
    } | extra


@pytest.mark.parametrize(
    ("vad", "nsp", "logprob", "reason"),
    [
        (0.05, 0.01, -0.1, "no_vad"),  # VAD heard nothing: dropped even though Whisper is confident
        (0.9, 0.95, -2.0, None),  # VAD heard speech: Whisper's no-speech guess is not used
        (None, 0.95, -2.0, "no_speech"),  # no VAD: the Whisper pair decides
        (None, 0.95, -0.3, None),
    ],
)
def test_vad_first_then_whisper_fallback(vad, nsp, logprob, reason):
    s = seg("I would like to order the pro plan", vad_speech=vad, no_speech_prob=nsp, avg_logprob=logprob)
    assert drop_reason(s) == reason


@pytest.mark.parametrize(
    "text", ["угу", "Ага.", "да-да-да", "Мм...", "uh-huh", "Okay.", "mm-hmm", "Yeah yeah yeah.",
             "One second, let me check.", "Секундочку, сейчас посмотрю.", "Угу, угу, понятно."]
)  # fmt: skip
def test_filler_only_turns_dropped(text):
    assert drop_reason(seg(text)) == "filler"


def test_agreement_answering_a_question_is_kept():
    assert drop_reason(seg("Okay."), answers_question=True) is None
    assert drop_reason(seg("Да-да."), answers_question=True) is None
    assert drop_reason(seg("Угу."), answers_question=False) == "filler"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Sounds nice.", "short"),
        ("Интересно, конечно.", "short"),
        ("No.", None),  # refusal
        ("Нет, спасибо.", None),
        ("I agree.", None),  # explicit agreement
        ("Согласен.", None),
        ("How much?", None),  # question
        ("Сколько стоит", None),  # question word, no mark
        ("39 dollars.", None),  # number
        ("Пятьсот рублей.", None),  # number in words
        ("Too expensive.", None),  # objection
        ("Thank you.", None),  # politeness marker
        ("До свидания.", None),
        ("Call lawyer.", None),  # legal word
        ("This is a proper sentence.", None),
    ],
)
def test_short_turn_rule(text, reason):
    assert drop_reason(seg(text)) == reason


def test_options_switch_rules_off():
    assert drop_reason(seg("угу"), FilterOptions(drop_fillers=False, drop_short=False)) is None
    assert drop_reason(seg("Sounds nice."), FilterOptions(min_words=2)) is None
    custom = FilterOptions(fillers=("блин",))
    assert drop_reason(seg("блин блин"), custom) == "filler"


def test_filter_record_counts_collapses_redacts_and_keeps_every_segment():
    transcript = make_transcript_from_turns(
        "f-1",
        [
            ("agent", "Hello, this is Dana from Acme."),
            ("customer", "Угу."),
            ("customer", "Да-да-да-да, я хочу, хочу подключить тариф."),
            ("agent", "Could you give me your phone number?"),
            ("customer", "Okay."),  # answers the question: kept
            ("customer", "It's +1 (415) 555-0134 and mail me at jo@example.com"),
            ("agent", "Thank you for watching!", {"no_speech_prob": 0.9, "avg_logprob": -1.5}),
            ("agent", "Great stuff.", {"vad_speech": 0.0}),
            ("agent", "Nice nice."),
        ],
    )
    out = filter_transcript(transcript)
    segs = out["transcript"]["segments"]
    assert len(segs) == 9
    assert [s["drop_reason"] for s in segs] == [
        None,
        "filler",
        None,
        None,
        None,
        None,
        "no_speech",
        "no_vad",
        "short",
    ]
    assert out["dropped"] == {"filler": 1, "no_speech": 1, "no_vad": 1, "short": 1}
    assert out["kept"] == 5
    assert segs[2]["text"] == "Да, я хочу подключить тариф."
    assert segs[5]["text"] == "It's [PHONE] and mail me at [EMAIL]"
    assert out["pii"] == {"PHONE": 1, "EMAIL": 1}
    assert transcript["segments"][5]["text"].startswith("It's +1")  # input untouched
