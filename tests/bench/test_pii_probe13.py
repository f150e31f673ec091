"""Regression guard on the thirteenth blind PII probe (tests/pii_probe13.py): its leak and false-positive
counts may not get worse. Measured blind when the probe was written (at cee8e5a): 19 of 417 secrets readable
(4.6 %; ru 6/219, en 13/198), 21 of 3 020 numbers that must stay lost, 14 of 60 negatives touched (all by
one hotline shape: a toll-free line followed by "twenty-four seven"). Its worst patterns: an IVR robot's
read-back ("You entered: ...", "Вы ввели ...") 10/80, a relative who takes the phone and says the number
unasked 4/78. Lower the limits as fixes land; there is no slack on purpose.

After probe 12's third round (spelling alphabets, parts said alone, a booking beside a passport): 19 leaked,
lost 21 -> 19, touched 14.

After this probe's first round (a toll-free line's hours after it, "24/7", "24 7", "24 на 7", no more of
its digits; a repeated clause that ends where a grouped number starts kept, so the hotline's "восемь" and a
ticket's first digit reach the LLM; "договор номер ..." after a passport the contract's; a robot's
read-back, "You entered", "Вы ввели", "Вы назвали", the number its own prompt asked for, "enter"/"введите"
a request; "calling from" a phone's word; "одиннадцать сорок три" in a Russian dictation digits): 19 -> 9
leaked (2.2 %; ivr 10 -> 0), lost 19 -> 0, touched 14 -> 0.

After a second round (a relative handed the phone says the identity number the caller named before,
"Она рядом, сейчас продиктует." / "Алло. Да, ..."; a short word with its apostrophe or a capitalised one
run into the digits, "it's7139319544"; the kind named after the digits, "... as your passport number";
an IBAN read before a hotline's mask takes a group "8001. 9822"; an address with a space each side of its
dot, "@ yahoo . com"; a number said partly as numbers, partly as dictated groups, heard both ways when
read back; a National Insurance number with an "oh" for its zero): 9 -> 0 leaked; lost 0, touched 0."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pii_probe13 import evaluate, self_check

LEAKS = 0
LEAKS_PER_TYPE: dict[str, int] = {}  # every type/language: 0
LOST = 0
NEGATIVES_TOUCHED = 0


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_thirteenth_probe_has_the_cases_it_was_measured_on(result):
    assert self_check() == {"cases": 300, "secrets": 417, "keeps": 3020, "negatives": 60}
    assert (result["cases"], result["secrets"], result["keeps"]) == (300, 417, 3020)


def test_the_thirteenth_probe_leak_count_does_not_regress(result):
    assert result["leaked"] <= LEAKS
    for key, counts in result["per_type"].items():
        if "/" in key:
            assert counts["leaked"] <= LEAKS_PER_TYPE.get(key, 0), key


def test_the_thirteenth_probe_false_positives_do_not_regress(result):
    assert result["lost"] <= LOST
    assert result["negatives_touched"] <= NEGATIVES_TOUCHED
