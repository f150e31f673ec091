"""Round four of the cancel entry and the escalation rule: someone else's cancelling or switching, a
booking's terms and a boss named with whose boss it is do not count; the infinitive, the imperative and
"going with <competitor>" do."""

from __future__ import annotations

import pytest

from processors.alerts import default_rulebook
from processors.rules import keyword_hits


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # a third party cancelled or switches: not the customer's intent
        ("My flight was cancelled and I need a new one.", 0),
        ("The technician cancelled the appointment twice.", 0),
        ("My neighbour is switching to Comcast, is your price better?", 0),
        # a booking's terms
        ("Great, book it. Can I cancel online if plans change?", 0),
        # "уйду к другому" needs a provider
        ("Сейчас уйду к другому телефону, перезвоню.", 0),
        ("Тогда уйду к другому врачу.", 0),
        # the customer's own, still counted
        ("I want my subscription cancelled today.", 1),
        ("Please get it cancelled.", 1),
        ("I cancelled last week and you still charged me.", 1),
        ("We're switching to Verizon.", 1),
        ("Я ухожу к другому оператору.", 1),
        # misses of round four
        ("Хочу уйти к другому провайдеру.", 1),
        ("Хочу перейти на МТС.", 1),
        ("Отменяйте.", 1),
        ("Отключайте меня.", 1),
        ("I'm going with Comcast instead.", 1),
        ("I'm switching over to Spectrum next month.", 1),
        ("Хотела отменить, но вы опять подняли цену, так что отменяйте.", 1),
        ("Не отменяйте ничего.", 0),
    ],
)
def test_cancel_is_the_customers_own_intent(text: str, n: int) -> None:
    assert keyword_hits([text]).get("cancel", 0) == n


def _escalates(text: str) -> bool:
    rule = default_rulebook().rule("t", None, "escalation_request")
    score = {"compressed": {"filtered": {"transcript": {"segments": [{"text": text, "role": "customer"}]}}}}
    return rule.when.check(score) is not None


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Мне нужно поговорить с вашим руководителем проекта о сроках внедрения.", False),
        ("Соедините меня с руководителем отдела продаж, хочу обсудить оптовую закупку.", False),
        ("Позовите мне старшего мастера, он в прошлый раз настраивал.", False),
        ("Дайте мне старшего сына к телефону, он лучше объяснит.", False),
        ("I want your manager's email for the invoice.", False),
        ("Put your manager on the cc list, please.", False),
        ("Can I talk to someone higher up in sales about volume pricing?", False),
        ("I want your manager to know you did a great job.", False),
        # the same phrases without whose boss: still a request for someone above the agent
        ("Я хочу поговорить с вашим руководителем.", True),
        ("Соедините меня с руководителем службы поддержки.", True),
        ("Дайте старшего смены.", True),
        ("Can I talk to someone higher up?", True),
        ("Put your supervisor on the phone.", True),
    ],
)
def test_escalation_request_is_quiet_on_a_boss_named_with_whose(text: str, fires: bool) -> None:
    assert _escalates(text) is fires, text


def test_a_tenants_negatable_participle_is_not_read_as_someone_elses() -> None:
    # only the cancel words are read for a passive or another subject: "I was charged twice" still counts
    from processors.rules import Entry

    entries = {"billing_error": Entry.of(["charged twice", "charging me twice"], negatable=True)}
    assert keyword_hits(["I was charged twice.", "He is charging me twice."], entries) == {"billing_error": 2}
