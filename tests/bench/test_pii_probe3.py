"""Regression guard on the third blind PII probe (tests/pii_probe3.py): its leak and false-positive counts
may not get worse. Measured when the probe was written: 108 of 449 secrets readable (24.1 %; 88 of them
with >= 60 % of the digits in one stretch), 1 of 566 must-keep numbers lost (a 14-digit Russian Post
tracking number turned into [CARD]), 16 secrets redacted under another type than theirs. After the
fixes for it: 1 of 449 readable (a National Insurance number said with "oh oh" and corrected in the
middle: 4 digits of it), none lost, none of another type. Lower the limits as fixes land; there is no
slack on purpose."""

from __future__ import annotations

import pytest

from tests.pii_probe3 import (
    N_NEGATIVE_PER_LANG,
    N_POSITIVE_PER_LANG,
    Result,
    case_problems,
    checker_self_checks,
    generate,
    run_all,
    summarise,
)

MAX_LEAKS = 0
MAX_MAJOR_LEAKS = 0
MAX_LOST_KEEPS = 0
MAX_NEGATIVE_CASES_WITH_PLACEHOLDER = 0
MAX_MISTYPED = 0  # secrets not leaked but redacted under another placeholder type than theirs


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return run_all()


def test_the_third_probe_has_the_cases_it_was_measured_on(results):
    s = summarise(results)
    assert s["positive_cases"] == 2 * N_POSITIVE_PER_LANG == 360
    assert s["negative_cases"] == 2 * N_NEGATIVE_PER_LANG == 150
    assert s["secrets"] == 449
    assert s["keeps"] == 566


def test_the_third_probe_leak_count_does_not_regress(results):
    leaked = [f"{r.case.cid}:{sec.sub}" for r in results for sec, _, _ in r.leaks]
    assert len(leaked) <= MAX_LEAKS, leaked
    assert summarise(results)["major_leaks"] <= MAX_MAJOR_LEAKS


def test_the_third_probe_secrets_take_their_own_placeholder_type(results):
    mistyped = [f"{r.case.cid}:{sec.sub}" for r in results for sec in r.mistyped]
    assert len(mistyped) <= MAX_MISTYPED, mistyped


def test_the_third_probe_false_positives_do_not_regress(results):
    lost = [f"{r.case.cid}:{k}" for r in results for k, _ in r.lost_keeps]
    assert len(lost) <= MAX_LOST_KEEPS, lost
    touched = [r.case.cid for r in results if r.case.negative and r.spurious]
    assert len(touched) <= MAX_NEGATIVE_CASES_WITH_PLACEHOLDER, touched


def test_the_checker_unit_checks():
    checker_self_checks()


def test_the_checker_sees_every_secret_raw_and_nothing_after_a_perfect_redaction():
    """On the unredacted turns every secret is readable; with each secret stretch replaced by its
    placeholder nothing is, and every must-keep number survives. A reported leak is therefore a secret
    left readable, not a coincidence of the surrounding numbers."""
    cases = generate()
    assert [c.cid for c in cases if case_problems(c)] == []
    assert [c.texts() for c in cases] == [c.texts() for c in generate()]  # seeded, deterministic
