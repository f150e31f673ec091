"""The customer's stated intent ("And I want to trade in my car.", "Я хочу сдать свою машину в
трейд-ин."): what they mean to do is what the call is about, and a deep cut dropped it when it came
after the first turn. Chit-chat with the same modal ("I want to say thanks", "хочу уточнить") is none."""

from __future__ import annotations

import pytest

from processors.compression import compress
from processors.filtering import filter_transcript
from processors.keyfacts import extract_key_facts, intent_statements, missing_facts
from streams.bench_text import make_transcript_from_turns


@pytest.mark.parametrize(
    ("said", "anchor"),
    [
        ("And I want to trade in my car.", "i want to trade in"),
        ("We'd like to cancel the subscription.", "we'd like to cancel"),
        ("I need to pay my bill.", "i need to pay"),
        ("I'm planning to buy a second one.", "i'm planning to buy"),
        ("Я хочу сдать свою машину в трейд-ин.", "я хочу сдать"),
        ("Хотела бы отменить заказ.", "хотела бы отменить"),
        ("Мне нужно перенести визит.", "мне нужно перенести"),
        ("Планирую купить вторую.", "планирую купить"),
    ],
)
def test_an_intent_is_found(said, anchor):
    assert intent_statements([said]) == [[anchor]]


@pytest.mark.parametrize(
    "said",
    [
        "I want to say thanks.",
        "I just wanted to ask a question.",
        "I don't want to cancel.",
        "Do I need to pay now?",
        "Хочу уточнить один момент.",
        "Я не хочу отменять.",
        "Нужно подумать.",
    ],
)
def test_chit_chat_and_negation_are_no_intent(said):
    assert intent_statements([said]) == [[]]


@pytest.mark.parametrize(
    ("turns", "lang", "kept"),
    [
        (
            [
                ("agent", "Good morning, Sunrise Motors, this is Mike speaking."),
                ("customer", "Hi, I'm calling about the used Camry on your website."),
                ("agent", "Sure, it's still available. The price is twenty one thousand dollars."),
                ("customer", "Okay, that sounds fine. And I want to trade in my car."),
                ("agent", "We can see you tomorrow at ten."),
                ("customer", "Tomorrow at ten works. Thanks, bye."),
            ],
            "en",
            "I want to trade in my car.",
        ),
        (
            [
                ("agent", "Добрый день, автосалон Восход, меня зовут Михаил."),
                ("customer", "Здравствуйте, я по поводу камри с пробегом на сайте."),
                ("agent", "Да, она ещё в наличии. Цена миллион двести тысяч рублей."),
                ("customer", "Хорошо, меня устраивает. Я хочу сдать свою машину в трейд-ин."),
                ("agent", "Ждём вас завтра в десять."),
                ("customer", "Завтра в десять удобно. Спасибо, до свидания."),
            ],
            "ru",
            "Я хочу сдать свою машину в трейд-ин.",
        ),
    ],
)
def test_compression_keeps_the_intent(turns, lang, kept):
    transcript = make_transcript_from_turns("intent", turns, lang)
    out = compress(filter_transcript(transcript), len, "len")
    assert "dynamic:full" not in out["level"], out["level"]
    assert kept in out["text"], out["text"]
    facts = extract_key_facts(transcript)
    assert any(f["kind"] == "intent" for f in facts), facts
    assert not missing_facts(facts, out["text"]), out["text"]


def test_the_agent_s_intent_is_no_key_fact():
    turns = [
        ("agent", "Hello, this is Anna from Bright Telecom."),
        ("customer", "Hi."),
        ("agent", "I want to upgrade your plan today."),
        ("customer", "Okay, bye."),
    ]
    facts = extract_key_facts(make_transcript_from_turns("intent-agent", turns, "en"))
    assert not any(f["kind"] == "intent" for f in facts), facts
