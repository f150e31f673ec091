"""processors.filtering: Whisper's stock phrases are ``hallucination`` whatever its doubt, and the
YouTube channel phrases and web addresses it writes on a silence while sure of them are dropped too."""

from __future__ import annotations

import pytest

from processors.filtering import drop_reason, filter_transcript
from streams.bench_text import make_transcript_from_turns
from tests.unit.test_filtering import seg

DOUBTED = {"no_speech_prob": 0.9, "avg_logprob": -1.5}


@pytest.mark.parametrize(
    "extra",
    [DOUBTED, {"vad_speech": 0.05}, {"vad_speech": 0.3, **DOUBTED}, {}],
)
def test_a_stock_phrase_is_a_hallucination_whatever_whispers_doubt(extra):
    # BI's hallucination counts were understated: a doubted one was counted under no_speech
    assert drop_reason(seg("Thank you for watching!", **extra)) == "hallucination"
    assert drop_reason(seg("Продолжение следует...", **extra)) == "hallucination"


def test_doubted_speech_is_still_no_speech():
    assert drop_reason(seg("I would like the pro plan", **DOUBTED)) == "no_speech"
    assert drop_reason(seg("I would like the pro plan", vad_speech=0.05)) == "no_vad"


def test_record_counts_a_doubted_stock_phrase_as_a_hallucination():
    transcript = make_transcript_from_turns(
        "h-1",
        [
            ("agent", "Hello, how can I help you today?"),
            ("customer", "Thank you for watching!", DOUBTED),
            ("customer", "Я хотел бы подключить тариф", DOUBTED),
            ("customer", "Subtitles by the Amara.org community", {"vad_speech": 0.0}),
        ],
    )
    out = filter_transcript(transcript)
    reasons = [s["drop_reason"] for s in out["transcript"]["segments"]]
    assert reasons == [None, "hallucination", "no_speech", "hallucination"]
    assert out["dropped"] == {"hallucination": 2, "no_speech": 1}
    # every segment counted once: kept plus dropped by reason
    assert out["kept"] + sum(out["dropped"].values()) == len(reasons)


@pytest.mark.parametrize(
    "text",
    [
        "www.mooji.org",
        "WWW.MOOJI.ORG.",
        "http://www.youtube.com/",
        "Добро пожаловать в наш канал",
        "Добро пожаловать на канал!",
        "Подписывайтесь на мой канал.",
        "Ставьте лайк!",
        "Welcome back to my channel.",
    ],
)
def test_channel_phrases_and_a_lone_address_are_hallucinations_when_whisper_is_sure(text):
    assert drop_reason(seg(text)) == "hallucination"
    transcript = make_transcript_from_turns(
        "h-2", [("agent", "Здравствуйте, чем могу помочь?"), ("customer", text)], "ru"
    )
    assert filter_transcript(transcript)["dropped"] == {"hallucination": 1}


@pytest.mark.parametrize(
    "turns",
    [
        # an address in a sentence is speech
        [("agent", "You can fill in the form at www.example.com, it takes a minute.")],
        [("agent", "Заявку можно оставить на сайте www.example.ru в разделе тарифов.")],
        # an address alone after a turn naming a site or a link: dictated
        [("agent", "Наш сайт:"), ("agent", "www.example.ru.")],
        [("customer", "What's the link?"), ("agent", "https://example.com/pay")],
        [("agent", "Our website is"), ("customer", "Mm-hmm."), ("agent", "www.example.com")],
        # a channel word in a real sentence
        [("agent", "Добро пожаловать в наш салон, чем могу помочь?")],
    ],
)
def test_an_address_said_in_a_call_is_kept(turns):
    out = filter_transcript(make_transcript_from_turns("h-3", turns))
    assert "hallucination" not in out["dropped"]
    assert out["transcript"]["segments"][-1]["kept"]
