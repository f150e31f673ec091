"""Regression guard on the fourteenth blind PII probe (tests/pii_probe14.py): its leak and false-positive
counts may not get worse. Measured blind when the probe was written (at 9fe47a6): 100 of 479 secrets
readable (20.9 %; ru 51/244, en 49/235; 89 of them in the LLM text too), 32 of 2 789 numbers that must stay
lost, 16 of 60 negatives touched. Its worst patterns: a number with Whisper's silence hallucination
("Thank you for watching!", "Продолжение следует...", "[MUSIC]") between its pieces or before the answer
43/75; the layout said aloud ("открываем скобку", "чёрточка", "через пробел", "dash", "space",
"знак номера") 41/82; Whisper's shapes (slashes "8/987/107/09/22", a time "2:01, 583, 4511", threes) 8/90;
but several of one kind 4/85, the agent's recap 2/68, a document read with its headings 2/79. Lost:
Госуслуги application numbers as [PHONE] 13/23, OSAGO policies read from the policy ("серия и номер ККК
[ID]") 8/71, an order or contract asked for and split over a hallucination 9. Lower the limits as fixes
land; there is no slack on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pii_probe14 import evaluate, self_check

LEAKS = 100
LEAKS_PER_TYPE = {
    "account/ru": 8, "card/en": 9, "card/ru": 7, "cvv/en": 1, "email/en": 2, "iban/en": 6, "inn/ru": 4,
    "licence_ru/ru": 7, "nhs/en": 2, "ni/en": 1, "passport_ru/ru": 10, "passport_uk/en": 3,
    "passport_us/en": 4, "phone_ru/ru": 9, "phone_uk/en": 6, "phone_us/en": 5, "snils/ru": 6, "ssn/en": 10,
}  # fmt: skip  # every other type/language: 0
LOST = 32
NEGATIVES_TOUCHED = 16


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_fourteenth_probe_has_the_cases_it_was_measured_on(result):
    assert self_check() == {"cases": 300, "secrets": 479, "keeps": 2789, "negatives": 60}
    assert (result["cases"], result["secrets"], result["keeps"]) == (300, 479, 2789)


def test_the_fourteenth_probe_leak_count_does_not_regress(result):
    assert result["leaked"] <= LEAKS
    for key, counts in result["per_type"].items():
        if "/" in key:
            assert counts["leaked"] <= LEAKS_PER_TYPE.get(key, 0), key


def test_the_fourteenth_probe_false_positives_do_not_regress(result):
    assert result["lost"] <= LOST
    assert result["negatives_touched"] <= NEGATIVES_TOUCHED
