"""Regression guard on the ninth blind PII probe (tests/pii_probe9.py): its leak and false-positive counts
may not get worse. Measured blind when the probe was written (after every fix the first eight probes led
to): 101 of 503 secrets readable (20.1 %), 280 of 9 031 numbers that must stay lost (158 IMEIs, 68
Luhn-valid order numbers as [CARD]), 57 of 100 negatives touched, 8 placeholders cut across segments.
After the first fixes (placeholders aligned whole, IMEIs, chips, serials, invoices to pay, payment
orders, operations, correspondent accounts and orders named a few words back are references, a kept
number said again stays): 99 readable, 7 lost, 5 touched. Then (a social's last four named in words or
answered with "Last four are", an address spelled in the next breath): 67 readable. Then (the rest of a
number after "а дальше?" or "пять или девять?", led by "Нет, я говорю, дальше"; a tail in thousands;
"код с оборота"; an ID's end read back with its own word): 52 readable. Then (digits run into the word
before them; the rest after "keep going" or "repeat the last bit?", led by "No, I said" or "Okay"): 42
readable. Then (a digit named by its noun in a dictation: "пятёрка", "два нолика"): 33 readable. Then
("my license is ...", a UK licence with dashes; a card named in the answer to a reference question): 28
readable. Then (two breaths of one number read again as said when one was redacted alone as something
else): 27 readable (5.4 %). Then (the rest of a number or an address after a longer ask for it or
about how it is written: "Алло, вас плохо слышно, повторите конец?", "Sorry, is that with a dot?", and
led by a filler only: "Так, 118 739 40."; the last four of an account whose it is said: "For my
daughter's account, the last four are 1866."): 7 readable (1.4 %). Then (a card code after "the
code's 920", "код сзади сразу: 816"; an address said over two breaths spelled in the next): 4 (0.8 %).
Then (a phone given instead of the reference asked for: "Not sure, try looking it up by my number,
..."): 3 (0.6 %); a reference named in an answer kept in the LLM text though the line before asked
for an ID ("Booking 673558, and my license number's ..."): 5 numbers lost. Then (an IBAN's digits
read as words: "oh one oh four"): 2 readable (0.4 %). Lower the limits as fixes land; there is no
slack on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bench.probe_limits import ProbeLimits
from tests.pii_probe9 import evaluate, self_check

LIMITS = ProbeLimits(
    leaks=2,
    leaks_per_type={"licence/en": 1, "licence/ru": 1},  # every other type: 0
    lost_keeps=5,
    negatives_touched=5,
    mistyped=0,
)


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_ninth_probe_has_the_cases_it_was_measured_on(result):
    assert (result["cases"], result["positive"], result["negative"]) == (400, 300, 100)
    assert (result["secrets"], result["keeps"]) == (503, 9031)


def test_the_ninth_probe_leak_count_does_not_regress(result):
    LIMITS.check_leaks(result)


def test_the_ninth_probe_false_positives_do_not_regress(result):
    LIMITS.check_false_positives(result)


def test_the_ninth_probe_leaves_no_piece_of_a_placeholder(result):
    """A number cut over breaths once left "[PHO" in one stored segment and "NE]" in the next."""
    assert result["broken_placeholders"] == 0


def test_the_ninth_probe_checker_sees_every_secret_raw_and_nothing_after_a_perfect_redaction():
    self_check()
