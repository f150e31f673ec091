"""Regression guard on the sixth blind PII probe (tests/pii_probe6.py): its leak and false-positive counts
may not get worse. Measured blind when the probe was written (after every fix the first five probes
led to): 74 of 357 secrets readable (20.7 %; EN 39/176, RU 35/181) — a card read a group a breath,
an e-mail dictated a piece a breath, a phone given for the order asked for, a restart's abandoned
first attempt, a corrected local part said alone, security codes after a pause or bare after the
expiry; 30 of 1 091 must-keep numbers lost (ОСАГО policies, dictated case and ticket numbers, a
company's INN and KPP, CDEK tracking numbers), 4 wrong placeholder types, 7 of 100 negative
dialogues touched. After the fixes: 3 readable, 8 lost (5 of them ОСАГО policies in the LLM text
only), no negative touched; later probes' fixes: 2 readable, 7 lost. Lower the limits as fixes land;
there is no slack on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bench.probe_limits import ProbeLimits
from tests.pii_probe6 import evaluate, self_check

LIMITS = ProbeLimits(
    leaks=2,
    leaks_per_type={"phone/en": 2},  # every other type: 0
    lost_keeps=7,
    negatives_touched=0,
    mistyped=0,
)


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_sixth_probe_has_the_cases_it_was_measured_on(result):
    assert (result["cases"], result["positive"], result["negative"]) == (400, 300, 100)
    assert (result["secrets"], result["keeps"]) == (357, 1091)


def test_the_sixth_probe_leak_count_does_not_regress(result):
    LIMITS.check_leaks(result)


def test_the_sixth_probe_false_positives_do_not_regress(result):
    LIMITS.check_false_positives(result)


def test_the_sixth_probe_checker_sees_every_secret_raw_and_nothing_after_a_perfect_redaction():
    """The checker itself: with no redaction every secret leaks and no keep is lost; with a perfect
    hand redaction nothing leaks or is lost; a wrong placeholder and a redacted keep are seen."""
    self_check()
