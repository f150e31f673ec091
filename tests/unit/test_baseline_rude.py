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
    # the greeting (an opening, 20) and the empathy (10): the customer's words cost nothing
    assert baseline_scores(turns, DEFAULT_CRITERIA)["politeness"].value == 70.0


def test_the_agent_taking_the_blame_is_not_blaming_the_customer() -> None:
    assert _politeness("Простите, мы сами виноваты, сбой на нашей стороне.") == 50.0  # the apology only
    assert _politeness("Мы сами виноваты. А вы сами виноваты в остальном.") == 10.0


@pytest.mark.parametrize(
    "said",
    [
        "Не думайте, что вы сами виноваты, такое бывает у всех.",
        "Вы не сами виноваты, это наш сбой, извините.",
        "Никто не говорит, что вы сами виноваты.",
        "Это ваши проблемы со связью или с роутером? Давайте проверим.",
        "Это ваши проблемы с оплатой? Сейчас посмотрю.",
        "Это ваши проблемы или общие по району?",
        "Подскажите, что вы от меня хотите получить: возврат или замену?",
        "Whatever works best for you, sir, we can do Monday or Tuesday.",
        "We can do whatever you need.",
        "I don't care how long it takes, I'll stay on the line until it's fixed.",
        "I don't care what it takes, we will fix it today.",
    ],
)
def test_a_rude_marker_meant_otherwise_in_its_sentence_is_not_rude(said: str) -> None:
    assert _politeness(said) >= 40.0


@pytest.mark.parametrize(
    "said",
    [
        "Это ваши проблемы, разбирайтесь сами.",
        "Это ваши проблемы, а не наши.",
        "Это ваши проблемы",
        "Не звоните сюда больше. Вы сами виноваты.",
        "Я не знаю, чем помочь. Сами виноваты, надо было читать договор.",
        "Что вы от меня хотите вообще?",
        "Я вообще не пойму, чего вы от меня хотите.",
        "Whatever.",
        "Yeah, whatever, call back tomorrow.",
        "I don't care.",
        "I don't care about your router.",
    ],
)
def test_the_rude_wordings_whole_stay_rude(said: str) -> None:
    assert _politeness(said) == 10.0
