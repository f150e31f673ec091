"""Regression guard on the sixth blind PII probe (tests/pii_probe6.py): its leak and false-positive counts
may not get worse. Measured blind when the probe was written (after every fix the first five probes
led to): 74 of 357 secrets readable (20.7 %; EN 39/176, RU 35/181) — a card read a group a breath,
an e-mail dictated a piece a breath, a phone given for the order asked for, a restart's abandoned
first attempt, a corrected local part said alone, security codes after a pause or bare after the
expiry; 30 of 1 091 must-keep numbers lost (ОСАГО policies, dictated case and ticket numbers, a
company's INN and KPP, CDEK tracking numbers), 4 wrong placeholder types, 7 of 100 negative
dialogues touched. After the fixes: 3 readable, 8 lost (5 of them ОСАГО policies in the LLM text
only), no negative touched. Lower the limits as fixes land; there is no slack on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pii_probe6 import evaluate, self_check

MAX_LEAKS = 3
MAX_LEAKS_PER_TYPE = {
    "phone/en": 3,
}  # every other type: 0
MAX_LOST_KEEPS = 8
MAX_NEGATIVE_CASES_WITH_PLACEHOLDER = 0
MAX_MISTYPED = 0


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def _leaked(result: dict[str, Any]) -> list[str]:
    return [f"{f['case']}:{sec.kind}" for f in result["failures"] for sec, _ in f["leaks"]]


def test_the_sixth_probe_has_the_cases_it_was_measured_on(result):
    assert (result["cases"], result["positive"], result["negative"]) == (400, 300, 100)
    assert (result["secrets"], result["keeps"]) == (357, 1091)


def test_the_sixth_probe_leak_count_does_not_regress(result):
    assert result["leaked"] <= MAX_LEAKS, _leaked(result)
    for key, (leaked, _total) in result["per_type"].items():
        assert leaked <= MAX_LEAKS_PER_TYPE.get(key, 0), (key, _leaked(result))


def test_the_sixth_probe_false_positives_do_not_regress(result):
    lost = [f"{f['case']}:{k.kind}" for f in result["failures"] for k, _ in f["lost"]]
    assert result["lost_keeps"] <= MAX_LOST_KEEPS, lost
    assert result["negative_with_placeholder"] <= MAX_NEGATIVE_CASES_WITH_PLACEHOLDER
    assert result["wrong_type"] <= MAX_MISTYPED


def test_the_sixth_probe_checker_sees_every_secret_raw_and_nothing_after_a_perfect_redaction():
    """The checker itself: with no redaction every secret leaks and no keep is lost; with a perfect
    hand redaction nothing leaks or is lost; a wrong placeholder and a redacted keep are seen."""
    self_check()
