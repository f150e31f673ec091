"""Churn said without "cancel" (eval5 finding 9): "больше я вашей доставкой пользоваться не буду", "I'm
never using your service again", "I won't be ordering from you again" are the cancel intent; the phrase
holds its own negation, so "не буду больше" is the churn, while "I won't cancel" stays negated and
declining one offer ("промокодом пользоваться не буду") is no churn."""

from __future__ import annotations

import pytest

from processors.rules import keyword_hits


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Ладно. Но больше я вашей доставкой пользоваться не буду.", 1),
        ("Больше не буду у вас заказывать.", 1),
        ("Не буду больше пользоваться вашими услугами.", 1),
        ("Я никогда больше не буду пользоваться вашим сервисом.", 1),
        ("Никогда не буду пользоваться вашим банком.", 1),
        ("I'm never using your service again.", 1),
        ("I won't be ordering from you again.", 1),
        ("I will never order from you again.", 1),
        ("If this isn't fixed, I'm never using your services again.", 1),
        # no churn
        ("I won't cancel.", 0),
        ("I don't want to cancel.", 0),
        ("Я не буду отменять заказ.", 0),
        ("I'm not cancelling, I'll keep using your service.", 0),
        ("Промокодом пользоваться не буду, спасибо.", 0),
        ("I won't be ordering from you until Monday.", 0),
        ("Я буду пользоваться вашей доставкой и дальше.", 0),
        ("I'll never use the old app again.", 0),
    ],
)
def test_never_using_the_service_again_is_churn(text: str, n: int) -> None:
    assert keyword_hits([text]).get("cancel", 0) == n
