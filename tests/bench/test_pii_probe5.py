"""Regression guard on the fifth blind PII probe (tests/pii_probe5.py): its leak and false-positive counts
may not get worse. Measured blind when the probe was written: 78 of 441 secrets readable (17.7 %; EN
44/208, RU 34/233) — IBANs and US bank accounts, a card's code right after its expiry, e-mails spelled
letter by letter before the address, cards taken back and started again or read back with two digits
swapped, identity numbers given as bare answers; 25 of 2 014 must-keep numbers lost (an order number said
next to a phone then repeated by the agent, a bare answer to "Назовите номер заказа", a contract's part
after a slash, an amount in words). After the fixes: 2 readable (0.5 %), none lost. Lower the limits as
fixes land; there is no slack on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bench.probe_limits import ProbeLimits
from tests.pii_probe5 import evaluate, generate, self_check

LIMITS = ProbeLimits(
    leaks=2,
    leaks_per_type={"card/en": 1, "cvv/en": 1},  # every other type: 0
    lost_keeps=0,
    negatives_touched=0,
    mistyped=0,  # the one secret once under another type's placeholder takes its own since probe 12's fixes
)


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_fifth_probe_has_the_cases_it_was_measured_on(result):
    assert (result["cases"], result["positive"], result["negative"]) == (460, 340, 120)
    assert (result["secrets"], result["keeps"]) == (441, 2014)


def test_the_fifth_probe_leak_count_does_not_regress(result):
    LIMITS.check_leaks(result)


def test_the_fifth_probe_false_positives_do_not_regress(result):
    LIMITS.check_false_positives(result)


def test_the_fifth_probe_checker_sees_every_secret_raw_and_nothing_after_a_perfect_redaction():
    """The checker itself: with no redaction every secret leaks and no keep is lost; with a perfect
    hand redaction nothing leaks or is lost; a wrong placeholder and a redacted keep are seen."""
    self_check(generate())
