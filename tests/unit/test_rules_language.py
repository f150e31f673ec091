"""processors.rules: Latin brand names in Russian speech are no switch to English, English clauses are."""

from __future__ import annotations

import pytest

from processors.rules import rule_metrics
from streams.bench_text import make_transcript_from_turns


def _switching(*said: str) -> tuple[str | None, float | None]:
    rules = rule_metrics(make_transcript_from_turns("r-lang", [("customer", s) for s in said], "ru"))
    return rules["language"], rules["code_switching"]


@pytest.mark.parametrize(
    ("said", "language", "share"),
    [
        # lower-case brands among Cyrillic words are names, as their capitalised forms are
        (("Скачайте приложение whatsapp или telegram.", "У меня wifi не ловит, роутер tp-link."), "ru", 0.0),
        (("Скачайте приложение WhatsApp или Telegram.", "У меня Wi-Fi не ловит, роутер TP-Link."), "ru", 0.0),
        (("Напишите в «telegram», пожалуйста.",), "ru", 0.0),
        (("Скиньте в whatsapp, ok?",), "ru", 1 / 3),  # "ok" is English
        # a brand alone after a comma at the sentence end: its sentence's nearest letters are Cyrillic
        (("А у меня свой роутер есть, tp-link.",), "ru", 0.0),
        (("Нет, whatsapp.", "Понял."), "ru", 0.0),
        (("Хорошо, я понял. Okay, whatsapp.",), "ru", 2 / 5),  # after an English word it is English
        # English words and clauses still switch
        (("Здравствуйте.", "Okay, понял. Sorry, я не расслышал, can you repeat?"), "ru", 0.5),
        (("Okay, понял, нужен refund на iPhone.",), "ru", 2 / 5),  # a lower-case English word is no brand
        (("Can you send it on whatsapp? Спасибо.",), "en", 1 / 7),  # a brand inside an English clause
    ],
)
def test_lower_case_brands_in_russian_speech_are_no_code_switching(
    said: tuple[str, ...], language: str, share: float
) -> None:
    assert _switching(*said) == (language, pytest.approx(share, abs=1e-4))
