"""An escalation key fact and the escalation_request alert agree on a call to praise: "I'd like to speak
to your manager to thank her" is neither; a demand after a "but" is both."""

from __future__ import annotations

import pytest

from processors.alerts import default_rulebook
from processors.keyfacts import PRAISE_PURPOSE, facts_in, signals, signals_of


def _fires(text: str) -> bool:
    rule = default_rulebook().rule("t", None, "escalation_request")
    score = {"compressed": {"filtered": {"transcript": {"segments": [{"text": text, "role": "customer"}]}}}}
    return rule.when.check(score) is not None


def _escalates(text: str) -> bool:
    return any(kind == "escalation" for kind, _ in facts_in(text))


def test_the_praise_words_are_the_alerts() -> None:
    rule = default_rulebook().rule("t", None, "escalation_request")
    assert set(PRAISE_PURPOSE) == set(rule.when.qualifiers.not_in_sentence_with)


@pytest.mark.parametrize(
    "text",
    [
        "I'd like to speak to your manager to thank her.",
        "I'd like to speak to your supervisor to thank Dana, she was fantastic.",
        "Can I talk to your manager and tell them how helpful Dana was?",
        "Хочу поговорить с вашим руководителем, чтобы поблагодарить Ольгу.",
    ],
)
def test_a_call_to_praise_is_no_escalation_fact(text: str) -> None:
    assert not _fires(text)
    assert not _escalates(text), facts_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Let me speak to your manager.",
        "Thank you, but I want to speak to your manager now.",
        "I wanted to thank you, but I want to speak to your manager now.",
        "Хочу сказать спасибо, но позовите руководителя.",
        "Let me speak to your manager. I want to thank Dana, but not you.",  # praise in another sentence
        "Get me a manager.",  # the alert's phrasings the key fact missed
        "Соедините меня с руководителем.",
    ],
)
def test_a_demand_is_an_escalation_fact_and_an_alert(text: str) -> None:
    assert _fires(text)
    assert _escalates(text), facts_in(text)


def test_the_joined_scan_drops_the_same() -> None:
    texts = [
        "I'd like to speak to your manager to thank her.",
        "Speak to your manager? Speak to your manager to thank her.",
        "Let me speak to your manager.",
    ]
    assert signals_of(texts) == [signals(t) for t in texts]
    assert [k for k, _ in signals(texts[1])].count("escalation") == 1
