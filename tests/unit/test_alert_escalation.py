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


@pytest.mark.parametrize(
    "text",
    [
        "Хочу поговорить с руководителем, чтобы поблагодарить Ольгу.",
        "Соедините меня с руководителем, хочу похвалить оператора.",
        "I'd like to speak to your supervisor to thank Dana, she was fantastic.",
        "I'd like to speak to your manager to thank her.",
        "I'd like to speak to your manager, but only to thank her.",
        "Can I talk to your manager and tell them how helpful Dana was?",
        "I want your supervisor to know Dana was fantastic.",
        "Мне нужно поговорить с вашим руководителем проекта о сроках внедрения.",
        "Соедините меня с руководителем отдела продаж.",
        "Дайте мне старшего сына к телефону.",
        "Позовите мне старшего мастера.",
        "I want your manager's email for the invoice.",
        "Can I talk to someone higher up in sales about volume pricing?",
    ],
)
def test_escalation_request_is_quiet_on_praise_and_on_someone_elses_boss(text: str) -> None:
    assert not _fires(text), text


@pytest.mark.parametrize(
    "text",
    [
        # a courtesy or a refusal to thank is no praise; praise in another sentence is another thought
        "Хочу поговорить с руководителем, спасибо.",
        "Get me a manager, thank you.",
        "Соедините меня с руководителем. Хочу поблагодарить Ольгу, а вами я недоволен.",
        "Позовите руководителя, благодарить вас не за что.",
        "Дайте старшего смены.",
        # praise and a demand in one sentence: the demand after the "but" stands
        "Thank you, but I want to speak to your manager now.",
        "I wanted to thank you, but I want to speak to your manager now.",
        "Thank you so much, I'd like to say thanks, but get me your manager now.",
        "Thanks, but put me through to your supervisor, I want to complain.",
        "Хочу сказать спасибо, но позовите руководителя.",
    ],
)
def test_escalation_request_still_hears_a_demand_near_a_thanks(text: str) -> None:
    assert _fires(text), text


def test_the_qualifiers_belong_to_the_escalation_rule_only() -> None:
    """A tenant's own phrases are not narrowed by the escalation rule's words ("Acme's offer", "my son")."""
    from processors.alerts import parse_condition

    said = [
        {"text": "Acme's offer is cheaper, my son says.", "role": "customer"},
        {"text": "Хочу вызвать мастера.", "role": "customer"},
    ]
    score = {"compressed": {"filtered": {"transcript": {"segments": said}}}}
    assert parse_condition({"phrases": ["acme"], "by": "customer"}, "r.when").check(score) is not None
    assert parse_condition({"phrases": ["хочу вызвать"], "by": "customer"}, "r.when").check(score) is not None
    assert parse_condition({"phrases": ["offer is"], "by": "customer"}, "r.when").check(score) is not None
    narrowed = parse_condition({"phrases": ["acme"], "by": "customer", "not_followed_by": ["'s"]}, "r.when")
    assert narrowed.check(score) is None
    purpose = {"phrases": ["offer is"], "not_in_sentence_with": ["my son"]}
    assert parse_condition(purpose, "r.when").check(score) is None
