"""Regression guard on the tenth blind PII probe (tests/pii_probe10.py): its leak and false-positive counts
may not get worse. Measured blind when the probe was written (after every fix the first nine probes led
to): 108 of 417 secrets readable (25.9 %), 25 of 3 655 numbers that must stay lost, 4 of 60 negatives
touched. Its worst patterns: a digit corrected in the middle of a number ("... пять шесть девять... ой,
нет, не девять, а один, ..."), the agent reading the start from the screen and the caller the rest,
an address's word spelled or fixed outside the address, a false start on a short code. Now: 13 leaked
(3.1 %; a digit fixed in the breath 33 -> 1 of 45, the start read by the agent 30 -> 1 of 43, e-mails
19 -> 0 of 44, a short code's false start 15 -> 0 of 18), 16 lost (bag tags 9 -> 0 of 21), 4
negatives touched. After the eleventh probe's fixes: 8 leaked (1.9 %; OMS policies, an account, a licence
over breaths read again together). Lower the limits as fixes land; there is no slack on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pii_probe10 import evaluate, self_check

LEAKS = 3
LEAKS_PER_TYPE = {"iban/en": 1, "ni/en": 1, "passport/ru": 1}  # every other type/language: 0
LOST = 15
NEGATIVES_TOUCHED = 4


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_tenth_probe_has_the_cases_it_was_measured_on(result):
    assert self_check() == {"cases": 300, "secrets": 417, "keeps": 3655, "negatives": 60}
    assert (result["cases"], result["secrets"], result["keeps"]) == (300, 417, 3655)


def test_the_tenth_probe_leak_count_does_not_regress(result):
    assert result["leaked"] <= LEAKS
    for key, counts in result["per_type"].items():
        if "/" in key:
            assert counts["leaked"] <= LEAKS_PER_TYPE.get(key, 0), key


def test_the_tenth_probe_false_positives_do_not_regress(result):
    assert result["lost"] <= LOST
    assert result["negatives_touched"] <= NEGATIVES_TOUCHED
