"""A negated belief before an intent denies it (tenant trial): "I don't think I'll cancel" and "Не думаю,
что откажусь" are no cancel intent, as "I don't want to cancel" is not; a belief about something else
("I don't think that's fair, cancel it") leaves the intent standing."""

from __future__ import annotations

import pytest

from processors.rules import keyword_hits


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("I don't think I'll cancel.", 0),
        ("I do not think we will cancel the plan.", 0),
        ("Honestly, I don't think I'm going to cancel.", 0),
        ("I don't believe we'll need to cancel.", 0),
        ("Не думаю, что откажусь.", 0),
        ("Не думаю что будем отказываться от тарифа.", 0),
        ("Я не считаю, что нужно отменять заказ.", 0),
        # the belief is about something else, or ends before the intent
        ("I don't think that's fair, cancel it.", 1),
        ("I don't think you understand. I want to cancel.", 1),
        ("I don't think you understand, I want to cancel.", 1),
        ("Не думаю, что вы поняли, я хочу отменить подписку.", 1),
        ("I think I'll cancel.", 1),
        ("Думаю, что откажусь.", 1),
    ],
)
def test_a_negated_belief_denies_the_intent_after_it(text: str, n: int) -> None:
    assert keyword_hits([text]).get("cancel", 0) == n
