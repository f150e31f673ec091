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


@pytest.mark.parametrize(
    ("agent", "answer", "language"),
    [
        ("So the total is 49 dollars a month.", "Uh-huh.", "en"),
        ("The pro plan is $39 a month per user.", "Mm-hmm.", "en"),
        ("Итого две тысячи девятьсот рублей в месяц.", "Угу.", "ru"),
        ("Со скидкой выйдет 1990 в месяц.", "Мм-хм.", "ru"),
    ],
)
def test_a_backchannel_right_after_a_stated_price_is_consent(agent, answer, language):
    # the agent stated the price and stopped: the customer's "Uh-huh." acknowledges it (an evaluator
    # found it dropped as a filler, the price then read as unanswered)
    assert _reason([("agent", agent), ("customer", answer)], language) is None


def test_a_backchannel_while_the_agent_lists_prices_only_listens():
    # the rule test_compression_meaning holds: the agent goes on with the list after it
    turns = [
        ("agent", "So the total is 49 dollars a month."),
        ("customer", "Uh-huh."),
        ("agent", "And the setup fee."),
    ]
    out = filter_transcript(make_transcript_from_turns("bc", turns, "en"))
    assert out["transcript"]["segments"][1]["drop_reason"] == "filler"


def test_a_backchannel_after_a_price_then_other_words_only_listens():
    # the price was not the last the agent said: the backchannel answers "Let me check the address."
    turns = [
        ("agent", "It's 49 dollars a month."),
        ("agent", "Let me check the address."),
        ("customer", "Uh-huh."),
    ]
    assert _reason(turns) == "filler"


def test_a_backchannel_after_a_number_that_is_no_price_only_listens():
    assert _reason([("agent", "Our office is open until 6."), ("customer", "Mm-hmm.")]) == "filler"


def test_announces_reads_words_not_numbers():
    assert announces("We'll charge your card now.")
    assert announces("Оформляю вам тариф.")
    assert not announces("So the total is 49 dollars a month.")
