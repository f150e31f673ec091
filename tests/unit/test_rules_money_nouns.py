"""Prices with no currency after a money noun or a listing (eval5 findings 6, 7): "listed at 34,995", a
trade-in "around twelve to thirteen thousand", "залог 65 000", "комиссия ... то есть 32500",
"предоплату 10000". Mileage, meter readings, years, counts, times, phone and order numbers, addresses
and percentages near such a noun are no price."""

from __future__ import annotations

import pytest

from processors.rules import price_mentions


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("That's the 2023 XLE, listed at 34995.", 1),
        ("That's the 2023 XLE, listed at thirty four thousand nine hundred ninety five.", 1),
        ("A trade-in would be somewhere around twelve to thirteen thousand, but we'd need to see it.", 1),
        ("A trade-in would be somewhere around 12 to 13000, but we'd need to see it.", 1),
        ("Залог равен месячной оплате, 65000, и комиссия агентства 50 процентов, то есть 32500.", 2),
        (
            "Залог равен месячной оплате, шестьдесят пять тысяч, и комиссия агентства пятьдесят процентов, "
            "то есть тридцать две тысячи пятьсот.",
            2,
        ),
        ("Нужно будет сразу внести предоплату 10000, чтобы её забронировать.", 1),
        ("Залог 65 000.", 1),
        ("Комиссия 32 500.", 1),
        ("Предоплата 10 000, остальное при заселении.", 1),
        ("Первоначальный взнос 50 000.", 1),
        ("The deposit is 500.", 1),
        ("The fee is 35.", 1),
        ("Asking 15,000 for it.", 1),
        ("The down payment would be 2,000 upfront.", 1),
        # with its currency or a period: counted once
        ("Rent is 1,800 a month.", 1),
        ("Залог 65 000 рублей.", 1),
        ("Залог 30 000 или 40 000 рублей.", 2),
        # no price
        ("It's a 2016 Honda Civic, about 90000 miles.", 0),
        ("The trade-in has 34,000 miles on it.", 0),
        ("I want to trade in my 2016 Civic.", 0),
        ("The meter reads 45216, and the rent is fine.", 0),
        ("Rent since 2019.", 0),
        ("Rent for 2 people.", 0),
        ("The deposit is for 12 people.", 0),
        ("Your deposit will arrive in 3 to 5 business days.", 0),
        ("The commission is 3%.", 0),
        ("Комиссия 3 процента.", 0),
        ("Аренда на 3 месяца.", 0),
        ("Аренда, просмотр завтра в 19:00.", 0),
        ("Предоплата до 19:00.", 0),
        ("Аренда, просмотр завтра в 19 0 0.", 0),
        ("Аренда квартиры на Профсоюзной, дом 43, корпус 2.", 0),
        ("Залог по договору 4417.", 0),
        ("Order 4417, deposit paid.", 0),
        ("Предоплату переведите на 89161234567.", 0),
        ("Предоплату переведите на 8 916 123 45 67.", 0),
        ("Залог вернём через 10 дней.", 0),
        ("Залог вернём через 10.", 0),
        ("The rental is at 221 Baker Street.", 0),
    ],
)
def test_an_amount_after_a_money_noun_is_a_price(text: str, n: int) -> None:
    assert price_mentions([text]) == n
