"""Regression guard on the seventh blind PII probe (tests/pii_probe7.py): its leak and false-positive
counts may not get worse. Measured blind when the probe was written (after every fix the first six
probes led to): 97 of 592 secrets readable (16.4 %; EN 60/281, RU 37/311) — e-mails spelled letter by
letter after the address (27 of 30), the last four of a social said in the breath after the date of
birth asked with them, numbers broken off with a dash ("212 —" / "Yeah." / "2482486."), a local part's
start said in the breath before the address, codes said as numbers in words; 92 of 1 892 must-keep
numbers lost (71 the company's toll-free hotline, an employer's EIN, a reference after a sentence with a
phone word), 1 wrong placeholder type, 27 of 100 negative dialogues touched (all by the hotline). After
the fixes: 4 readable (0.7 %), 7 lost (meter readings joined to the account number before them, a
reference said in words), none touched; then (meter readings and amounts asked end a number, an OMS
policy's breaths read again together): 3 readable (0.5 %), 2 lost; then (the eleventh probe's fixes): 2
readable (0.3 %), 1 lost. Lower the limits as fixes land; there is no slack on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bench.probe_limits import ProbeLimits
from tests.pii_probe7 import evaluate, self_check

LIMITS = ProbeLimits(
    leaks=2,
    leaks_per_type={
        "card/ru": 1,
        "iban/en": 1,
    },  # every other type: 0
    lost_keeps=1,
    negatives_touched=0,
    mistyped=0,
)


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_seventh_probe_has_the_cases_it_was_measured_on(result):
    assert (result["cases"], result["positive"], result["negative"]) == (400, 300, 100)
    assert (result["secrets"], result["keeps"]) == (592, 1892)


def test_the_seventh_probe_leak_count_does_not_regress(result):
    LIMITS.check_leaks(result)


def test_the_seventh_probe_false_positives_do_not_regress(result):
    LIMITS.check_false_positives(result)


def test_the_seventh_probe_checker_sees_every_secret_raw_and_nothing_after_a_perfect_redaction():
    """The checker itself: with no redaction every secret leaks and no keep is lost; with a perfect
    hand redaction nothing leaks or is lost; a wrong placeholder and a redacted keep are seen."""
    self_check()
