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


SALE_WITH_OVERDUE_EN = [
    (
        "agent",
        "Hi, this is Sam from Brightline Energy. I see last month's bill was past due, it's paid now.",
    ),
    ("customer", "Yeah, I was traveling."),
    (
        "agent",
        "To avoid that, we have solar panels installed for nothing down, you save forty dollars a month, "
        "twelve thousand dollars total.",
    ),
    ("customer", "Twelve thousand? Okay, that sounds good. Sign me up."),
    ("agent", "Great, I'll send the contract today and the installer comes Friday."),
]
SALE_WITH_OVERDUE_RU = [
    (
        "agent",
        "Добрый день, Домашний интернет, Елена. Вижу небольшую просрочку по счёту, двести рублей, оплатите.",
    ),
    ("customer", "Да, оплачу сегодня."),
    ("agent", "И ещё: можем подключить ТВ, сто пятьдесят каналов за двести девяносто девять рублей в месяц."),
    ("customer", "Давайте, подключайте."),
    ("agent", "Подключила, с завтрашнего дня работает. Всего доброго."),
]


@pytest.mark.parametrize("turns", [SALE_WITH_OVERDUE_EN, SALE_WITH_OVERDUE_RU])
def test_a_sale_after_a_mention_of_an_overdue_bill_is_scored_as_a_sale(turns: list) -> None:
    got = baseline_scores([Turn(r, t) for r, t in turns], DEFAULT_CRITERIA)["sale_probability"]
    assert got.value == 90.0, got.reasoning


RESTRUCTURING_RU = [
    ("agent", "Добрый день, ФинКонтроль, по вашему займу просроченная задолженность двадцать тысяч рублей."),
    ("customer", "Я знаю, денег сейчас нет."),
    ("agent", "Можем предложить реструктуризацию: по две тысячи рублей в месяц."),
    ("customer", "Ладно, давайте так."),
    ("agent", "Договорились, график пришлём в смс."),
]
PAYMENT_PLAN_EN = [
    ("agent", "This is an attempt to collect a debt. Your balance is past due."),
    ("customer", "I can't pay it all."),
    ("agent", "We can offer a payment plan of $100 a month."),
    ("customer", "Okay, sounds good."),
    ("agent", "The minimum payment is $100 by Friday, I'll send the invoice."),
]


SUM_OWED_RU = [
    ("agent", "По договору займа у вас просрочка. Сумма — сорок семь тысяч рублей. Когда оплатите?"),
    ("customer", "Давайте в пятницу."),
    ("agent", "Договорились, счёт пришлём."),
]


@pytest.mark.parametrize("turns", [RESTRUCTURING_RU, PAYMENT_PLAN_EN, SUM_OWED_RU])
def test_a_repayment_plan_is_no_sales_offer(turns: list) -> None:
    got = baseline_scores([Turn(r, t) for r, t in turns], DEFAULT_CRITERIA)["sale_probability"]
    assert got.value == 5.0, got.reasoning
    assert "debt collection" in got.reasoning


@pytest.mark.parametrize("turns", [DEBT_RU, DEBT_EN, RESTRUCTURING_RU, PAYMENT_PLAN_EN, SUM_OWED_RU])
def test_a_debt_collection_call_reaches_no_sales_stage(turns: list) -> None:
    """A promise to pay ("Двадцать пятого заплачу", "sounds good, I'll pay") closes no deal."""
    got = baseline_scores([Turn(r, t) for r, t in turns], DEFAULT_CRITERIA)["deal_stage"]
    assert got.label == "start", got.reasoning
    assert "debt collection" in got.reasoning


def test_a_sale_besides_an_overdue_bill_still_reaches_closing() -> None:
    turns = [
        ("agent", "У вас небольшая задолженность, 300 рублей. Могу предложить тариф Профи за 990 рублей."),
        ("customer", "Давайте, согласен."),
        ("agent", "Оформляю договор."),
    ]
    got = baseline_scores([Turn(r, t) for r, t in turns], DEFAULT_CRITERIA)["deal_stage"]
    assert got.label == "closing", got.reasoning
