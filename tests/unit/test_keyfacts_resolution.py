"""The customer's word that the fix worked (an outside evaluator's round-4 findings): a negation, a
condition, a lapse after it, a past that is over, a fix that holds only at times, a new symptom, or
someone else's service working is no resolution."""

from __future__ import annotations

import pytest

from processors.keyfacts import problem_statements, resolution_statements


def _resolved(line: str, lang: str) -> list[str]:
    en, ru = "My internet is down since yesterday.", "У меня интернет не работает с утра."
    problem = en if lang == "en" else ru
    texts = [problem, line]
    return resolution_statements(texts, problem_statements(texts))[1]


@pytest.mark.parametrize(
    ("line", "lang"),
    [
        ("I don't think it works at all.", "en"),
        ("It worked yesterday, but today it's dead again.", "en"),
        ("Honestly I don't care if it works, I want a refund.", "en"),
        ("It's back to square one, still nothing.", "en"),
        ("That helped for about five minutes, then it dropped again.", "en"),
        ("It is working intermittently, every ten minutes it drops.", "en"),
        ("Появилась какая-то ошибка 651.", "ru"),
        ("У соседей интернет работает.", "ru"),
        ("Хорошо, что у вас горячая линия работает.", "ru"),
        ("Если заработает, я перезвоню.", "ru"),
        ("Работает иногда, потом снова пропадает.", "ru"),
    ],
)
def test_no_resolution(line, lang):
    assert _resolved(line, lang) == []


@pytest.mark.parametrize(
    ("line", "lang", "anchor"),
    [
        ("Yes! It works now.", "en", "it works now"),
        ("That fixed it.", "en", "that fixed it"),
        ("Not sure what you did, but it works now.", "en", "it works now"),
        ("Да! Заработал.", "ru", "заработал"),
        ("Всё работает, спасибо.", "ru", "всё работает"),
        ("Интернет у меня работает.", "ru", "работает"),
        ("Связь появилась!", "ru", "связь появилась"),
    ],
)
def test_a_resolution_stays(line, lang, anchor):
    assert _resolved(line, lang) == [anchor]


@pytest.mark.parametrize(
    ("line", "lang", "anchor"),
    [
        ("It works now, but no worries.", "en", "it works now"),
        ("Works now, no problem.", "en", "works now"),
        ("It works now, but no problem at all, thanks!", "en", "it works now"),
        ("No problem it works now.", "en", "it works now"),
        ("It works now, but no thanks to your app.", "en", "it works now"),
        ("Заработал, но ничего страшного.", "ru", "заработал"),
        ("Всё работает, не переживайте.", "ru", "всё работает"),
    ],
)
def test_a_courtesy_after_a_resolution_negates_nothing(line, lang, anchor):
    """ "no worries", "no problem", "ничего страшного" are a courtesy, not a "no" about the fix."""
    assert _resolved(line, lang) == [anchor]


@pytest.mark.parametrize(
    ("line", "lang"),
    [
        ("It still doesn't work.", "en"),
        ("No, it's not working now.", "en"),
        ("No, it's not working now, no worries though.", "en"),
        ("It works now, but no worries, it dropped again.", "en"),
        ("It works now, but no internet on the TV.", "en"),
        ("Ничего страшного, но не работает.", "ru"),
    ],
)
def test_a_courtesy_keeps_a_real_negation_or_lapse(line, lang):
    assert _resolved(line, lang) == []
