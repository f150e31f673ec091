"""The baseline scorer: a debt-collection call with no offer by the agent is no sales conversation."""

from __future__ import annotations

import pytest

from processors.baseline import Turn, baseline_scores
from processors.scoring import DEFAULT_CRITERIA

DEBT_RU = [
    ("agent", "По вашему договору займа имеется просроченная задолженность."),
    ("customer", "Какая ещё задолженность? Я всё платил."),
    ("agent", "Сумма долга сорок семь тысяч рублей. Вы можете погасить долг частями, по пять тысяч рублей."),
    ("customer", "Ладно. Давайте так. Двадцать пятого заплачу."),
    ("agent", "Реквизиты отправим в смс, счёт придёт туда же."),
]
DEBT_EN = [
    ("agent", "This is an attempt to collect a debt. Your account is 60 days past due, $450."),
    ("customer", "Okay, sounds good, I'll pay on Friday."),
    ("agent", "Great, the invoice goes to your email today."),
]


@pytest.mark.parametrize("turns", [DEBT_RU, DEBT_EN])
def test_a_debt_collection_call_with_no_offer_has_a_low_sale_probability(turns: list) -> None:
    got = baseline_scores([Turn(r, t) for r, t in turns], DEFAULT_CRITERIA)["sale_probability"]
    assert got.value == 5.0, got.reasoning
    assert "debt collection" in got.reasoning


def test_a_sale_that_settles_an_overdue_bill_is_still_scored_as_a_sale() -> None:
    turns = [
        ("agent", "У вас небольшая задолженность, 300 рублей. Могу предложить тариф Профи за 990 рублей."),
        ("customer", "Давайте, согласен."),
        ("agent", "Оформляю договор."),
    ]
    got = baseline_scores([Turn(r, t) for r, t in turns], DEFAULT_CRITERIA)["sale_probability"]
    assert got.value == 90.0, got.reasoning
