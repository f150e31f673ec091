"""The baseline scorer hears Russian rudeness by the agent as it hears the English one ("not my problem")."""

from __future__ import annotations

import pytest

from processors.baseline import Turn, baseline_scores
from processors.scoring import DEFAULT_CRITERIA


def _politeness(agent_says: str) -> float:
    turns = [
        Turn("customer", "У меня не работает интернет уже третий день."),
        Turn("agent", agent_says),
    ]
    got = baseline_scores(turns, DEFAULT_CRITERIA)["politeness"]
    assert got.value is not None
    return got.value


@pytest.mark.parametrize(
    "said",
    [
        "Это ваши проблемы.",
        "Это не мои проблемы.",
        "Мне всё равно.",
        "Сами виноваты.",
        "Вы сами виноваты, надо было читать договор.",
        "Не морочьте голову.",
        "Не морочьте мне голову, женщина.",
        "Что вы от меня хотите?",
        "Ты дурак.",
        "Вы идиот?",
        "Вы что, дурак?",
        "It's not my problem.",  # the English marker, for comparison
    ],
)
def test_russian_rude_agent_phrases_cost_politeness(said: str) -> None:
    # one rude marker: 40 - 30 = 10, below the default fatal pass threshold of 30
    assert _politeness(said) == 10.0


@pytest.mark.parametrize(
    "said",
    [
        "Это не ваши проблемы, мы всё исправим.",
        "Ваши проблемы мы решим сегодня.",
        "Что вы хотите подключить?",
        "Что вы хотите уточнить по тарифу?",
        "Вы не виноваты, это сбой на нашей стороне.",
        "Я не дурак, понимаю, что это неудобно.",
    ],
)
def test_polite_or_neutral_russian_is_not_rude(said: str) -> None:
    assert _politeness(said) >= 40.0


def test_the_customers_rude_words_do_not_cost_the_agent() -> None:
    turns = [Turn("customer", "Это ваши проблемы, вы идиот."), Turn("agent", "Здравствуйте, понимаю вас.")]
    assert baseline_scores(turns, DEFAULT_CRITERIA)["politeness"].value == 64.0


def test_the_agent_taking_the_blame_is_not_blaming_the_customer() -> None:
    assert _politeness("Простите, мы сами виноваты, сбой на нашей стороне.") == 52.0  # the apology only
    assert _politeness("Мы сами виноваты. А вы сами виноваты в остальном.") == 10.0
