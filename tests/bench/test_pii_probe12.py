"""Regression guard on the twelfth blind PII probe (tests/pii_probe12.py): its leak and false-positive counts
may not get worse. Measured blind when the probe was written (at 457b342; the redaction code unchanged
since e1dfb84): 146 of 454 secrets readable (32.2 %; ru 71/231, en 75/223), 57 of 2 596 numbers that must
stay lost, 10 of 60 negatives touched. Its worst patterns: a number in two halves with the call's business
between ("подождите, остальное в другой сумке") 53/57; the part said alone ("the last four of your
social", "первые шесть") 22/57; spelling alphabets ("Romeo Bravo", "У как Ульяна") 21/56; read from a
document 21/55; the agent's wrong read-back and the correction 15/57. Per type: birth certificates 19/19
(not named in the README's [ID] list), RU passports 13/21. Lost: auto policy numbers as [ID] 11/37, UK
0800 hotlines in words as [PHONE] 9, Госуслуги application numbers 7/57. Lower the limits as fixes land;
there is no slack on purpose.

After the eleventh probe's fixes (48 -> 1 leaked there): no leak fewer here (146), lost 57 -> 54, touched
10 -> 9: those fixes read digit nouns, IBANs, homophones and crosstalk over breaths, none of this probe's
ways.

After this probe's fixes (birth certificates as [ID]; a number asked for or named and said in parts with
talk between, its read-back whole; car policies, references before a dash, "oh eight hundred" hotlines
kept): 146 -> 49 leaked (10.8 %; ru 15, en 34), lost 54 -> 35, touched 9 -> 5. Left: the agent's wrong
read-back and its correction (13), spelling alphabets (11), a last four or first six said again alone
after the whole (8), lettered licences and passports, e-mails at "a o l".

After a second round (old RU licences by their shape "77 ТО 035118", a letter spelled "Р как Роман"; a
letter and eight digits after the passport's word; "DL F ..."; a read-back's groups left after an
ellipsis beside or between its redacted pieces; a series before "№"/"номер" and its [ID]): 49 -> 31
leaked (6.8 %; ru 7, en 24; readback_wrong 13 -> 5, phonetic 11 -> 8, from_doc 5 -> 2, adjacent_keep
2 -> 0, prefix 3 -> 2), lost 35 and touched 5 unchanged. Left: NATO spelling (IBANs, passports,
e-mails), the part said alone after the whole (8), "a o l" e-mails with digits, read-backs of a
lettered ID glued ("I have S2633702?").

After a third round (letters spelled with an alphabet read as capitals in a view of the text: "G as in
Golf", "Delta Echo", "Foxtrot 5484"; a US passport's letter and eight digits after a pause; an address
spelled over its said dash; the last four of a phone or a policy asked for; a part of a redacted number
said again by its place, "the last four are ..."; a payroll desk's account a bank account; a booking's,
order's or appointment's number beside a passport kept): 31 -> 20 leaked (4.4 %; ru 6, en 14;
phonetic 8 -> 0, partial 8 -> 4), lost 35 -> 28 (a card's last four said again kept, "бронь № ...",
"запись № ..." beside a passport), touched 5 unchanged. Left: the agent's wrong read-back of a lettered
ID (5), "a o l" e-mails with digits (4), a number in two halves with no cue, the passport's series said
in words before "номер".

After probe 13's first round (a hotline's "24/7" and a repeated clause's trailing group, robots'
read-backs): 20 leaked, lost 28 -> 27 (a hotline in words whose first group the compressor cut), touched
5."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pii_probe12 import evaluate, self_check

LEAKS = 19
LEAKS_PER_TYPE = {
    "account/ru": 1, "account_us/en": 2, "birth_cert/ru": 1, "card/en": 1, "card/ru": 1, "dl_ca/en": 2,
    "email/en": 5, "member_id/en": 1, "oms/ru": 1, "passport_ru/ru": 2, "passport_us/en": 1,
    "phone_uk/en": 1,
}  # fmt: skip  # every other type/language: 0
LOST = 27
NEGATIVES_TOUCHED = 5


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_twelfth_probe_has_the_cases_it_was_measured_on(result):
    assert self_check() == {"cases": 300, "secrets": 454, "keeps": 2596, "negatives": 60}
    assert (result["cases"], result["secrets"], result["keeps"]) == (300, 454, 2596)


def test_the_twelfth_probe_leak_count_does_not_regress(result):
    assert result["leaked"] <= LEAKS
    for key, counts in result["per_type"].items():
        if "/" in key:
            assert counts["leaked"] <= LEAKS_PER_TYPE.get(key, 0), key


def test_the_twelfth_probe_false_positives_do_not_regress(result):
    assert result["lost"] <= LOST
    assert result["negatives_touched"] <= NEGATIVES_TOUCHED
