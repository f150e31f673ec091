"""Regression guard on the seventh blind PII probe (tests/pii_probe7.py): its leak and false-positive
counts may not get worse. Measured blind when the probe was written (after every fix the first six
probes led to): 97 of 592 secrets readable (16.4 %; EN 60/281, RU 37/311) — e-mails spelled letter by
letter after the address (27 of 30), the last four of a social said in the breath after the date of
birth asked with them, numbers broken off with a dash ("212 —" / "Yeah." / "2482486."), a local part's
start said in the breath before the address, codes said as numbers in words; 92 of 1 892 must-keep
numbers lost (71 the company's toll-free hotline, an employer's EIN, a reference after a sentence with a
phone word), 1 wrong placeholder type, 27 of 100 negative dialogues touched (all by the hotline). After
the fixes: 7 readable (1.2 %), 7 lost (meter readings joined to the account number before them, a
reference said in words), none touched. Lower the limits as fixes land; there is no slack on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pii_probe7 import evaluate, self_check

MAX_LEAKS = 7
MAX_LEAKS_PER_TYPE = {
    "card/ru": 1,
    "email/ru": 1,
    "iban/en": 1,
    "oms/ru": 1,
    "phone/en": 2,
    "phone/ru": 1,
}  # every other type: 0
MAX_LOST_KEEPS = 7
MAX_NEGATIVE_CASES_WITH_PLACEHOLDER = 0
MAX_MISTYPED = 0


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def _leaked(result: dict[str, Any]) -> list[str]:
    return [f"{f['case']}:{sec.kind}" for f in result["failures"] for sec, _ in f["leaks"]]


def test_the_seventh_probe_has_the_cases_it_was_measured_on(result):
    assert (result["cases"], result["positive"], result["negative"]) == (400, 300, 100)
    assert (result["secrets"], result["keeps"]) == (592, 1892)


def test_the_seventh_probe_leak_count_does_not_regress(result):
    assert result["leaked"] <= MAX_LEAKS, _leaked(result)
    for key, (leaked, _total) in result["per_type"].items():
        assert leaked <= MAX_LEAKS_PER_TYPE.get(key, 0), (key, _leaked(result))


def test_the_seventh_probe_false_positives_do_not_regress(result):
    lost = [f"{f['case']}:{k.kind}" for f in result["failures"] for k, _ in f["lost"]]
    assert result["lost_keeps"] <= MAX_LOST_KEEPS, lost
    assert result["negative_with_placeholder"] <= MAX_NEGATIVE_CASES_WITH_PLACEHOLDER
    assert result["wrong_type"] <= MAX_MISTYPED


def test_the_seventh_probe_checker_sees_every_secret_raw_and_nothing_after_a_perfect_redaction():
    """The checker itself: with no redaction every secret leaks and no keep is lost; with a perfect
    hand redaction nothing leaks or is lost; a wrong placeholder and a redacted keep are seen."""
    self_check()
