"""Regression guard on the fourth blind PII probe (tests/pii_probe4.py): its leak and false-positive counts
may not get worse. Measured when the probe was written: 51 of 534 secrets readable (9.6 %; EN 23/269,
RU 28/265) — mostly a spoken SSN last four, a CVV said as words or after the card, a UK driving licence,
a Russian foreign passport written "72 № 6391811", phones read with case forms ("с восьми девятисот
шестнадцати") and the first half of a number split over two turns; 50 of 1860 must-keep numbers lost
(Gosuslugi application numbers, 13-digit e-ticket numbers, KASKO/OSAGO policies, a DMS claim number,
mileage after "пробег"), 23 of 130 negative dialogues touched, 3 secrets under another placeholder type
(a phone read back by the agent as [ID]). After the first fixes (reference words: application, ticket,
claim, OGRN, mileage; a car's policy; a request between two breaths): 48 readable, no keep lost, 3 of
another type; then a spoken SSN last four and a foreign passport with "№": 32 readable; then a card's
code after the bare "код"/"code" once a card is given, a phone's code joined to the rest after "дальше",
a DVLA licence by its shape, and a plus making a phone after an ID's word: 3 readable, 0 of another type.
Lower the limits as fixes land; there is no slack on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pii_probe4 import N_NEG_PER_LANG, N_POS_PER_LANG, evaluate, generate, self_check

MAX_LEAKS = 0
MAX_LEAKS_PER_LANG = {"en": 0, "ru": 0}
MAX_LEAKS_PER_TYPE: dict[str, int] = {}  # every type: 0
MAX_LOST_KEEPS = 0
MAX_NEGATIVE_CASES_WITH_LOST_KEEP = 0
MAX_NEGATIVE_CASES_WITH_PLACEHOLDER = 0
MAX_MISTYPED = 0  # secrets not leaked but redacted under another placeholder type than theirs


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def _leaked(result: dict[str, Any]) -> list[str]:
    return [f"{f['case'].cid}:{sec.kind}" for f in result["failures"] for sec, _ in f["leaks"]]


def test_the_fourth_probe_has_the_cases_it_was_measured_on(result):
    assert result["positive"] == 2 * N_POS_PER_LANG == 320
    assert result["negative"] == 2 * N_NEG_PER_LANG == 130
    assert result["secrets"] == 534
    assert result["keeps"] == 1860


def test_the_fourth_probe_leak_count_does_not_regress(result):
    assert result["leaked"] <= MAX_LEAKS, _leaked(result)
    per_lang: dict[str, int] = {}
    for key, (leaked, _total) in result["per_type"].items():
        lang = key.split("/")[1]
        per_lang[lang] = per_lang.get(lang, 0) + leaked
        assert leaked <= MAX_LEAKS_PER_TYPE.get(key, 0), (key, _leaked(result))
    for lang, leaked in per_lang.items():
        assert leaked <= MAX_LEAKS_PER_LANG[lang], (lang, _leaked(result))


def test_the_fourth_probe_secrets_take_their_own_placeholder_type(result):
    mistyped = [
        f"{f['case'].cid}:{sec.kind}->{seen}" for f in result["failures"] for sec, seen in f["wrong_type"]
    ]
    assert result["wrong_type"] <= MAX_MISTYPED, mistyped


def test_the_fourth_probe_false_positives_do_not_regress(result):
    lost = [f"{f['case'].cid}:{k.kind}={k.surface}" for f in result["failures"] for k, _ in f["fps"]]
    assert result["keep_fp"] <= MAX_LOST_KEEPS, lost
    assert result["neg_cases_fp"] <= MAX_NEGATIVE_CASES_WITH_LOST_KEEP, lost
    assert result["neg_cases_placeholder"] <= MAX_NEGATIVE_CASES_WITH_PLACEHOLDER


def test_the_checker_sees_every_secret_raw_and_nothing_after_a_perfect_redaction():
    """Unit checks of the number-word reader, then per case: on the unredacted turns every secret is
    readable and every must-keep number present; with each secret stretch replaced by its placeholder
    nothing is readable, every keep survives and no type is wrong; a swapped placeholder type and a keep
    replaced by [ID] are both seen. A reported leak is therefore a secret left readable, not a
    coincidence of the surrounding numbers."""
    cases = generate()
    self_check(cases)
    assert [c.turns for c in cases] == [c.turns for c in generate()]  # seeded, deterministic
