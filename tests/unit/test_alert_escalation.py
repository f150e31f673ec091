"""The default escalation_request rule hears the common ways a customer asks for someone above the agent."""

from __future__ import annotations

import pytest

from processors.alerts import default_rulebook


def _fires(text: str, role: str = "customer") -> bool:
    rule = default_rulebook().rule("t", None, "escalation_request")
    score = {"compressed": {"filtered": {"transcript": {"segments": [{"text": text, "role": role}]}}}}
    return rule.when.check(score) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Позовите вашего руководителя.",
        "Позовите мне руководителя, пожалуйста.",
        "Позовите вашего начальника!",
        "Дайте мне старшего.",
        "Дайте старшего смены.",
        "Соедините меня с руководителем.",
        "Соедините меня с вашим начальником.",
        "Соедините меня со старшим.",
        "Переключите на начальника.",
        "Переключите меня на руководителя.",
        "Переведите меня на старшего.",
        "Я хочу поговорить с вашим начальством.",
        "Я хочу поговорить с вашим руководителем.",
        "Хочу поговорить с руководством.",
        "Can I talk to someone higher up?",
        "Let me speak to someone higher up.",
        "I want your supervisor now.",
        "I want your manager, now.",
        "Put your manager on the line.",
        "Put your supervisor on the phone.",
    ],
)
def test_escalation_request_hears_a_request_with_words_between(text: str) -> None:
    assert _fires(text), text


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Руководитель отдела продаж свяжется с вами завтра.", "agent"),
        ("Руководитель отдела продаж свяжется с вами завтра.", "customer"),
        ("Не надо звать руководителя, просто почините.", "customer"),
        ("Я не хочу поговорить с вашим начальством, я хочу интернет.", "customer"),
        ("Не надо соединять меня с руководителем.", "customer"),
        ("Мне нужно посоветоваться со своим руководителем.", "customer"),
        ("Переключите меня на старший тариф.", "customer"),
        ("I don't want your supervisor, just fix it.", "customer"),
        ("I want your manager to know you did a great job.", "agent"),
        ("My manager will call you back.", "customer"),
    ],
)
def test_escalation_request_is_quiet_on_other_words_about_bosses(text: str, role: str) -> None:
    assert not _fires(text, role), text
