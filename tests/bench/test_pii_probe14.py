"""Regression guard on the fourteenth blind PII probe (tests/pii_probe14.py): its leak and false-positive
counts may not get worse. Measured blind when the probe was written (at 9fe47a6): 100 of 479 secrets
readable (20.9 %; ru 51/244, en 49/235; 89 of them in the LLM text too), 32 of 2 789 numbers that must stay
lost, 16 of 60 negatives touched. Its worst patterns: a number with Whisper's silence hallucination
("Thank you for watching!", "Продолжение следует...", "[MUSIC]") between its pieces or before the answer
43/75; the layout said aloud ("открываем скобку", "чёрточка", "через пробел", "dash", "space",
"знак номера") 41/82; Whisper's shapes (slashes "8/987/107/09/22", a time "2:01, 583, 4511", threes) 8/90;
but several of one kind 4/85, the agent's recap 2/68, a document read with its headings 2/79. Lost:
Госуслуги application numbers as [PHONE] 13/23, OSAGO policies read from the policy ("серия и номер ККК
[ID]") 8/71, an order or contract asked for and split over a hallucination 9. Lower the limits as fixes
land; there is no slack on purpose.

After this probe's first round (the passes over several segments read past Whisper's noise on a silence,
a hallucination with no digit in it, so a number's pieces and the request before them meet across it; a
reference asked for and read in breaths keeps its ten digits even when they have a passport's shape; the
layout said aloud between two groups, "чёрточка", "через пробел", "открываем скобку", "значок номера",
"dash", "hyphen", "space", "slash", read as the pause between them; a reference word three words before
its number in the same sentence, "Заявление на Госуслугах номер ..."; a car policy's three letters before
its ten digits, "серия и номер ККК 0302414759"): 100 -> 54 leaked (11.3 %; silence_gap 43 -> 32,
spoken_punct 41 -> 6), lost 32 -> 6, touched 16 -> 3.

After its second round (a number's pieces read together over the agent's hold, the queue's recording and
a line check, "Алло? Вы меня слышите?" / "Да, слышу. Дальше: ..."; an answer after the caller's own stall
to find it answers the request; "Ставьте лайки и подписывайтесь на канал!", "Please subscribe to my
channel." and a doubted "you" are Whisper's noise; "socials" asks for socials; a reference naming where an
identity number is written, "the social on the application is ...", ends nothing; a phone the dictated
reading of a recap garbles is read as numbers; Whisper's slashes between groups, a phone's first group
written as a time, groups joined by "дальше", "и", "then", a document's numbered fields, a passport's
department code; a request closed once the asker takes the number down; a distance after digits; a
hotline said in words): 54 -> 0 leaked, lost 6 -> 3, touched 3 -> 3. Left: an English car policy read
from a claim form, "policy number PA 6911 0221" (a policy number is an identity number's word), lost in 3
negatives.

After a policy after a claim's "date of loss" was read as a car's or a home's contract: lost 3 -> 0,
touched 3 -> 0."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pii_probe14 import evaluate, self_check

LEAKS = 0
LEAKS_PER_TYPE: dict[str, int] = {}  # every type/language: 0
LOST = 0
NEGATIVES_TOUCHED = 0


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate()


def test_the_fourteenth_probe_has_the_cases_it_was_measured_on(result):
    assert self_check() == {"cases": 300, "secrets": 479, "keeps": 2789, "negatives": 60}
    assert (result["cases"], result["secrets"], result["keeps"]) == (300, 479, 2789)


def test_the_fourteenth_probe_leak_count_does_not_regress(result):
    assert result["leaked"] <= LEAKS
    for key, counts in result["per_type"].items():
        if "/" in key:
            assert counts["leaked"] <= LEAKS_PER_TYPE.get(key, 0), key


def test_the_fourteenth_probe_false_positives_do_not_regress(result):
    assert result["lost"] <= LOST
    assert result["negatives_touched"] <= NEGATIVES_TOUCHED
