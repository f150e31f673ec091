"""processors.filtering: a backchannel after an action the agent announces is consent, as "Okay." is."""

from __future__ import annotations

import pytest

from processors.filtering import announces, filter_transcript
from streams.bench_text import make_transcript_from_turns


def _reason(turns: list[tuple[str, str]], language: str = "en") -> str | None:
    out = filter_transcript(make_transcript_from_turns("bc", turns, language))
    return out["transcript"]["segments"][-1]["drop_reason"]


@pytest.mark.parametrize(
    ("agent", "language"),
    [
        ("We'll charge your card now.", "en"),
        ("I'll send you the contract today.", "en"),
        ("I'm cancelling the order now.", "en"),
        ("We're booking the technician for Friday.", "en"),
        ("Я отправлю вам договор.", "ru"),
        ("Оформляю вам тариф.", "ru"),
        ("Списываю оплату с карты.", "ru"),
    ],
)
@pytest.mark.parametrize("answer", ["Okay.", "Mm-hmm.", "Uh-huh.", "Mhm.", "Мм-хм.", "Угу.", "Ага."])
def test_a_backchannel_after_an_announced_action_is_kept_as_okay_is(agent, language, answer):
    assert _reason([("agent", agent), ("customer", answer)], language) is None


@pytest.mark.parametrize("answer", ["Okay.", "Mm-hmm.", "Угу."])
def test_a_backchannel_after_a_statement_that_proposes_nothing_is_a_filler(answer):
    assert _reason([("agent", "The weather is lovely today."), ("customer", answer)]) == "filler"


def test_a_backchannel_after_a_price_alone_still_only_listens():
    # the rule test_compression_meaning holds: a number makes a proposal for "Okay." only
    assert _reason([("agent", "So the total is 49 dollars a month."), ("customer", "Uh-huh.")]) == "filler"


def test_announces_reads_words_not_numbers():
    assert announces("We'll charge your card now.")
    assert announces("Оформляю вам тариф.")
    assert not announces("So the total is 49 dollars a month.")
