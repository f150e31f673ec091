"""A UK mobile's leading zero said "oh" goes into its [PHONE] ("It's oh [PHONE]" kept the zero readable)."""

from __future__ import annotations

import pytest

from processors.filtering import filter_transcript
from streams.bench_text import make_transcript_from_turns


def _answer(said: str) -> tuple[str, dict[str, int]]:
    turns = [("agent", "Can I have your mobile number?"), ("customer", said)]
    f = filter_transcript(make_transcript_from_turns("p", turns, "en"))
    return f["transcript"]["segments"][1]["text"], f["pii"]


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("It's oh seven nine four six, one two three, four five six.", "It's [PHONE]."),
        ("Sure, oh seven seven zero zero, nine zero zero, one two three.", "Sure, [PHONE]."),
    ],
)
def test_a_leading_oh_goes_into_the_phone(said, stored):
    assert _answer(said) == (stored, {"PHONE": 1})


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("Oh, seven one eight, five five five, oh one nine nine.", "Oh, [PHONE]."),  # an interjection
        ("Oh, I think it's 555 231 4409.", "Oh, I think it's [PHONE]."),
    ],
)
def test_an_oh_that_is_no_zero_stays(said, stored):
    assert _answer(said) == (stored, {"PHONE": 1})
