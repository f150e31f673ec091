"""Golden outputs of the text stages: an optimisation must not change what they produce.

Each case's outputs (filter, rule metrics, key facts, signals and the text helpers compression
uses) are hashed as JSON; the hashes were recorded before the speed work of issue 4. When a change
is meant to alter an output, fix the code or record the new hash with the reason in the commit.
The inputs live here (not in the bench fixtures, which are tuned for the benchmark) so that editing
a fixture does not trip this test.
"""

from __future__ import annotations

import hashlib
import json
import random
from typing import Any

import pytest

from processors import keyfacts, text
from processors.filtering import filter_transcript
from processors.numbers import normalise_numbers
from processors.pii import redact
from processors.rules import RuleOptions, rule_metrics
from streams.bench_text import make_long_transcript, make_transcript_from_turns

TURNS = [
    ("agent", "Hi, thank you for calling Northwind, this is Dana, how can I help you today?"),
    ("customer", "Um, hi. Yeah, hi, I'm, uh, I'm calling about the, um, the pro plan."),
    ("agent", "Uh-huh."),
    ("agent", "So, um, the pro plan is $39 a month per user if you pay yearly, you know."),
    ("customer", "Yeah yeah yeah."),
    ("customer", "I mean, I mean, that's too expensive, honestly, I need to think about it."),
    ("agent", "And it's forty nine dollars month to month, kind of cheaper yearly."),
    ("customer", "Okay, okay, sounds good. Sign me up, no problem."),
    ("agent", "Great, I'll send the invoice to ivan at gmail dot com on Friday."),
    ("customer", "My card is 4111 1111 1111 1111 and my phone +7 916 123-45-67."),
    ("customer", "Thank you for watching!", {"no_speech_prob": 0.92, "avg_logprob": -1.3}),
    ("agent", "Ну, э-э, как бы, тариф стоит две тысячи девятьсот девяносто рублей в месяц."),
    ("customer", "Угу, угу. Да-да-да. Это, ну, дорого, у конкурентов дешевле."),
    ("customer", "Пять пять пять, ну, код такой. Сорок пять сорок пять."),
    ("agent", "Хорошо, я отправлю договор, WhatsApp и iPhone тоже, завтра?"),
    ("customer", "Я буду жаловаться в Роспотребнадзор, верните деньги! Это безобразие."),
    ("agent", "Okay, понял, то есть две недели extra, deadline в пятницу."),
    ("customer", "Нет, не надо. Отказываюсь."),
    ("customer", "ſix İstanbul Kelvin K, um, uh-huh uhhuh"),
    ("agent", ""),
    ("customer", "Mm-hmm."),
]  # fmt: skip

#: sha256 of each case's outputs, recorded before issue 4's speed work.
EXPECTED = {
    "turns": "11c5a2a58a7cf2d545fa79c171e877b06afdfab6cb18ea995b8259b7ed0242b1",
    "generated-0": "0887be498eeaa058c7cf0d019e22d16019b1d8a23a6f28381f0ccfa750f2b3fe",
    "generated-1": "6b93fa2dc7ec716ad278ef5eb935542a81a0a6dc38970b63ea62cda62c22a6f1",
    "generated-2": "181c039241bc0a1df9b9e6eea1776b591f345af54833debe78cf159b2658c259",
    "generated-3": "7ff116da1a485d2e01e82a9aea5de232dd5390c6d7a479b46e4719bfa3970b13",
}


def _cases() -> dict[str, dict[str, Any]]:
    rng = random.Random(11)
    cases = {"turns": make_transcript_from_turns("golden", TURNS, "ru")}
    for i in range(4):
        cases[f"generated-{i}"] = make_long_transcript(f"gen-{i}", rng, "en" if i % 2 else "ru")
    return cases


def _outputs(transcript: dict[str, Any]) -> dict[str, Any]:
    filtered = filter_transcript(transcript)
    helpers = []
    for seg in transcript["segments"]:
        raw = seg["text"]
        stripped = text.strip_disfluencies(text.normalise_space(raw))
        cleaned, words = text.collapse_repeats_words(stripped)
        numbered = normalise_numbers(cleaned, words)
        helpers.append(
            [
                stripped,
                cleaned,
                words,
                numbered,
                text.collapse_repeats(raw),
                text.tidy(raw),
                text.sentences(numbered),
                [keyfacts.signals(s) for s in text.sentences(numbered)],
                redact(numbered),
            ]
        )
    return {
        # the segments and counts only: the rest of the record is the input's (its timestamps too)
        "filtered": [filtered["transcript"]["segments"], *(filtered[k] for k in ("kept", "dropped", "pii"))],
        "rules": rule_metrics(filtered["transcript"], RuleOptions()),
        "facts": keyfacts.extract_key_facts(filtered["transcript"]),
        "helpers": helpers,
    }


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_text_stage_outputs_unchanged(name):
    assert _digest(_outputs(_cases()[name])) == EXPECTED[name]
