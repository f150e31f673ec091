"""Regression guard on the eleventh blind PII probe (tests/pii_probe11.py): its leak and false-positive counts
may not get worse. Measured blind when the probe was written (at b6ee997, after every fix the first ten
probes led to): 141 of 431 secrets readable (32.7 %; ru 71/220, en 70/211), 71 of 1 856 numbers that must
stay lost, 17 of 60 negatives touched. Its worst patterns: Russian number words as fast speech is written
("писят один шисят девять", "восем", "девятсот") 19/21; the caller's digits heard in the agent's channel
(crosstalk) 31/37; English digits written as homophones ("to two zero for", "won", "ate", "niner",
"nought") 18/23; digits split or merged wrongly by ASR ("55-756-0251-3-3-7850") 28/46; a letter O for a
zero or look-alike Cyrillic/Latin letters in IDs ("DЕ, O9, 2O63", "ТХ, 7O, 28, 68, А") 18/40. Lost:
contract numbers "договор номер 0933-678275" as [PHONE] 30/113. Lower the limits as fixes land; there is
no slack on purpose.

Now (branch pii11): 48 of 431 readable (11.1 %), 21 lost, 3 negatives touched. Reference words after
"Пишите:", "agreement"/"reservation", "у меня"/"в системе" no place of a number: lost 71 -> 29, touched
17 -> 3. Fast-speech and radio digit words ("писят", "восемсот", "niner"): colloquial 19 -> 2, homophone
18 -> 6. Crosstalk read with the caller's breaths: crosstalk 31 -> 4 (asr_split 28 -> 7). A letter O for
a zero and Cyrillic look-alike capitals in English speech: lookalike 18 -> 3. Left: digit nouns over
breaths 7/22, IBANs interrupted or in thousands, low-confidence pieces.

Now (branch pii11b): 1 of 431 readable (0.2 %), 4 lost, no negative touched. A digit's nouns over breaths
and with no number word, an identity number over three or four breaths read again when only the last
was redacted, an IBAN read from its country code over breaths (letters alone in a breath, crosstalk,
check digits in words, bank code misplaced), homophones and a letter "o" at the seams of breaths, a
noisy breath redacted as the answer it is, a phone asked for in any ASR grouping, "семью" in a run of
number words: 48 -> 1 leaked. A doubted breath of a dictated reference kept with its others, a
prescription number a reference: lost 21 -> 4, touched 3 -> 0. Left: an IBAN group "eight hundred
eight five" read as a hotline's 800 8 5; lost: references whose digit nouns or homophones ("seven ate
ate") the compressor folds as repeats or echoes.

After probe 13's first round (a repeated clause that ends where a grouped number starts keeps it): lost
4 -> 3 (a meter reading's first digit noun no longer cut with the clause before it)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pii_probe11 import evaluate, self_check

LEAKS = 1
LEAKS_PER_TYPE = {"iban/en": 1}  # every other type/language: 0
LOST = 3
NEGATIVES_TOUCHED = 0


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_eleventh_probe_has_the_cases_it_was_measured_on(result):
    assert self_check() == {"cases": 300, "secrets": 431, "keeps": 1856, "negatives": 60}
    assert (result["cases"], result["secrets"], result["keeps"]) == (300, 431, 1856)


def test_the_eleventh_probe_leak_count_does_not_regress(result):
    assert result["leaked"] <= LEAKS
    for key, counts in result["per_type"].items():
        if "/" in key:
            assert counts["leaked"] <= LEAKS_PER_TYPE.get(key, 0), key


def test_the_eleventh_probe_false_positives_do_not_regress(result):
    assert result["lost"] <= LOST
    assert result["negatives_touched"] <= NEGATIVES_TOUCHED
