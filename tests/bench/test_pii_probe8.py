"""Regression guard on the eighth blind PII probe (tests/pii_probe8.py): its leak and false-positive
counts may not get worse. Measured blind when the probe was written (after every fix the first seven
probes led to): 100 of 671 secrets readable (14.9 %; EN 84/329, RU 16/342; 52 of the English leaks
have a homophone in the number: "for", "to", "won", "ate"); 40 of 1 615 must-keep numbers lost (28 a
toll-free hotline said in words), 19 of 100 negative dialogues touched. After this session's first
fixes (hotlines in words, spellings in English letter names, homophones inside a number, pauses read
from a document): 37 readable (5.5 %), 31 lost, 5 touched. Then (homophones beside another number or
before a pause, "text the code to", a licence read off "the card", a reference after a phone given, the
LLM text redacted a line at a time; the checker reads a comma as the end of a group said in words):
18 readable (2.7 %), none lost, none touched. Then (a code's answers read before what repeats them,
homophones in echoes and codes, "oh" and pauses in a re-read, English letter names spelling a local
part before "at", a homophone ending a breath): none readable. Lower the limits as fixes land; there
is no slack on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bench.probe_limits import ProbeLimits
from tests.pii_probe8 import evaluate, self_check

LIMITS = ProbeLimits(
    leaks=0,
    lost_keeps=0,
    negatives_touched=0,
    # an IBAN said with homophones, its digits read as a card (pos-en-089)
    mistyped=1,
)


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_eighth_probe_has_the_cases_it_was_measured_on(result):
    assert (result["cases"], result["positive"], result["negative"]) == (400, 300, 100)
    assert (result["secrets"], result["keeps"]) == (671, 1615)


def test_the_eighth_probe_leak_count_does_not_regress(result):
    LIMITS.check_leaks(result)


def test_the_eighth_probe_false_positives_do_not_regress(result):
    LIMITS.check_false_positives(result)


def test_the_eighth_probe_checker_sees_every_secret_raw_and_nothing_after_a_perfect_redaction():
    """The checker itself: with no redaction every secret leaks and no keep is lost; with a perfect
    hand redaction nothing leaks or is lost; a wrong placeholder and a redacted keep are seen."""
    self_check()
