"""The baseline scorer hears an agent brushing the customer off (eval5 finding on c12): "Вам же сказали
ждите", "Это не ко мне", "Я вам уже всё сказала", "Not my department", "I already told you" are rude
markers (the key facts' tone lines), judged per sentence: a question ("Вам уже сказали, когда придёт
возврат?") or a hand-over ("not my department, but let me transfer you") is none, and polite lines that
merely share words ("Вам уже звонили? Давайте проверим.") are untouched."""

from __future__ import annotations

import pytest

from processors.baseline import RUDE, Turn, baseline_scores
from processors.keyfacts import BRUSH_OFF, TONE
from processors.scoring import DEFAULT_CRITERIA


def _politeness(*agent_says: str) -> float:
    turns = [Turn("customer", "Где мой возврат? Where is my refund?")]
    turns += [Turn("agent", said) for said in agent_says]
    got = baseline_scores(turns, DEFAULT_CRITERIA)["politeness"]
    assert got.value is not None
    return got.value


@pytest.mark.parametrize(
    "said",
    [
        "Вам же сказали ждите.",
        "Ну, возврат в обработке. Вам уже сказали, ждите.",
        "Девушка, я вам уже всё сказала. У меня очередь.",
        "Я же вам сказала, звоните через неделю.",
        "That's not my department.",
        "Not my job.",
        "I already told you.",
        "I've already told you twice.",
        "That's not my problem.",
    ],
)
def test_a_brush_off_costs_politeness(said: str) -> None:
    assert _politeness(said) == 10.0  # 40 - 30: below the fatal pass threshold of 30


def test_the_dismissive_call_fails_politeness() -> None:
    # eval5 c12: three brush-offs
    assert (
        _politeness(
            "Я не знаю. Это не ко мне, это бухгалтерия. Вам же сказали ждите.",
            "Девушка, я вам уже всё сказала. У меня очередь. Звоните через неделю.",
        )
        == 0.0
    )


@pytest.mark.parametrize(
    "said",
    [
        "Вам уже звонили? Давайте проверим.",
        "I told the courier to call you first.",
        "Вам уже сказали, когда придёт возврат?",
        "That's not my department, but let me transfer you to billing.",
        "Это не ко мне, но я сейчас переключу вас на бухгалтерию.",
        "Have you already told the courier your address?",
        "Я сказала курьеру позвонить вам заранее.",
    ],
)
def test_a_polite_line_is_no_brush_off(said: str) -> None:
    assert _politeness(said) == 40.0


def test_the_brush_off_markers_are_the_key_facts_tone_lines() -> None:
    assert set(BRUSH_OFF) <= set(TONE)
    assert set(BRUSH_OFF) <= set(RUDE)
