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
    "turns": "b4e90e8b5cbbaeb7c915413f72494db10e3024ba7c0c77e90c3856a960fe60ee",
    "generated-0": "9e067b2582a516f7f6efe781520886b0266be86b42104b2f58db63f6978ee54a",
    "generated-1": "509c4338625a4a62f12ba03e9c2d4f9ec16fa3f9f58dcd642d00e544c9486bb9",
    "generated-2": "f3b2e54416b811b3a8f2654aa6883e6d37306080e6b79902d3ca498cab4eb48b",
    "generated-3": "f1cea137f6fcb74d3d7f11b7821b8cb8a78c04ea89f7612f329323f42a3e7a00",
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
