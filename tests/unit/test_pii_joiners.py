"""A phone dictated with words joining its groups ("then", "and then", "потом", "дальше", "and" after a
pause) is a phone as with commas: "Seven one eight, then five five five, then oh one nine nine." was
stored as said and sent to the LLM as "7 1 8, then 5 5 5, then oh 1 9 9"."""

from __future__ import annotations

import pytest

from processors.filtering import filter_transcript
from processors.pii import redact
from streams.bench_text import make_transcript_from_turns


def _stored(turns: list[tuple[str, str]], lang: str = "en") -> list[str]:
    out = filter_transcript(make_transcript_from_turns("joined", turns, lang))
    return [seg["text"] for seg in out["transcript"]["segments"]]


@pytest.mark.parametrize(
    "said",
    [
        "Seven one eight, then five five five, then oh one nine nine.",
        "Seven one eight, and then five five five, and then oh one nine nine.",
        "Seven one eight, and five five five, and oh one nine nine.",
        "Seven one eight then five five five then zero one nine nine.",
        "718, then 555, then 0199.",
    ],
)
def test_a_phone_with_its_groups_joined_by_words_is_redacted(said):
    stored = _stored([("agent", "Your callback number?"), ("customer", said)])
    assert stored[1] == "[PHONE].", stored


def test_joiners_read_as_pauses_in_digits():
    assert redact("It's 718, then 555, then 0199.") == ("It's [PHONE].", {"PHONE": 1})
    assert redact("Девятьсот: 916, потом 123, дальше 45 67.")[1] == {"PHONE": 1}


@pytest.mark.parametrize(
    "said",
    [
        # a date, then a social's last four: the bare "and" after a year joins no groups
        "March 27, 1974, and 4 4 6 6.",
        # a list of amounts or years with "then" stays
        "We paid 1200, then 1500, then 1800.",
        "I lived there 2009, then 2015.",
        "Between 5 and 6 thousand.",
    ],
)
def test_joined_numbers_that_are_no_phone_stay(said):
    assert "[PHONE]" not in redact(said)[0]
