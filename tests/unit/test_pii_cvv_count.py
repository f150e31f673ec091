"""A card's security code is stored as ``[CARD]`` (PCI DSS: card data) but counted as "CVV" in
calls.pii_redacted: a BI user reading {"CARD": 2} sees two cards where one was given with its code."""

from __future__ import annotations

import pytest

from processors.filtering import filter_transcript
from processors.pii import count_placeholders
from processors.rules import rule_metrics
from streams.bench_text import make_transcript_from_turns

A, C = "agent", "customer"


@pytest.mark.parametrize(
    ("turns", "lang"),
    [
        (
            [
                (A, "Продиктуйте номер карты."),
                (C, "Два два ноль ноль, семь ноль ноль один,"),
                (A, "Угу."),
                (C, "два три четыре пять, шесть семь восемь девять."),
                (A, "Срок действия?"),
                (C, "Ноль пятый, двадцать седьмой."),
                (A, "Код с обратной стороны?"),
                (C, "Сто двадцать три."),
                (A, "Спасибо, оплата прошла."),
            ],
            "ru",
        ),
        (
            [
                (A, "Sure, what's the card number?"),
                (C, "Four one one one, one one one one,"),
                (A, "Mm-hmm."),
                (C, "one one one one, one one one one."),
                (A, "And the three digit code on the back?"),
                (C, "Seven three seven."),
                (A, "Thank you, the payment went through."),
            ],
            "en",
        ),
    ],
)
def test_the_code_answering_its_request_is_no_second_card(turns, lang):
    filtered = filter_transcript(make_transcript_from_turns("cvv", turns, lang))
    stored = [s["text"] for s in filtered["transcript"]["segments"]]
    assert stored[-2] == "[CARD]."  # still redacted, with the card's placeholder
    assert rule_metrics(filtered["transcript"])["pii"] == {"CARD": 1, "CVV": 1}


@pytest.mark.parametrize(
    ("texts", "roles", "counts"),
    [
        # after its words, in the text that says it
        (["Номер карты [CARD].", "Срок действия?", "03/27, а CVV [CARD]."], [C, A, C], {"CARD": 1, "CVV": 1}),
        (["It's [CARD], 10 29, [CARD]."], None, {"CARD": 1, "CVV": 1}),
        (["Вижу карту [CARD].", "Код [CARD] я никому не говорила."], [A, C], {"CARD": 1, "CVV": 1}),
        # the answer read back by the asker: the same code
        (["It's [CARD].", "And the CVV?", "[CARD].", "[CARD], thanks."], [C, A, C, A], {"CARD": 1, "CVV": 1}),
        # the code taken back and corrected: one code
        (["[CARD].", "The CVV is [CARD], no, [CARD]."], [C, C], {"CARD": 1, "CVV": 1}),
        # the card and its code asked at once: the card first
        (["Card number and the CVV, please?", "[CARD], [CARD]."], [A, C], {"CARD": 1, "CVV": 1}),
        # the bare word before any card: no code of one
        (["Code [CARD]."], None, {"CARD": 1}),
        # two cards stay two
        (["[CARD] and [CARD]"], None, {"CARD": 2}),
        (["CVV: [CARD], [CARD]"], None, {"CARD": 2}),
    ],
)
def test_code_placeholders_count_as_cvv(texts, roles, counts):
    assert count_placeholders(texts, roles) == counts


@pytest.mark.parametrize(
    ("told", "lang", "stored"),
    [
        (
            "Мне звонили, спрашивали код на обороте, я сказала три два один.",
            "ru",
            "Мне звонили, спрашивали код на обороте, я сказала [CARD].",
        ),
        (
            "Мне звонили, спрашивали код на обороте, я сказала 321.",
            "ru",
            "Мне звонили, спрашивали код на обороте, я сказала [CARD].",
        ),
        (
            "Someone called and asked for the code on the back, and I gave them four five six.",
            "en",
            "Someone called and asked for the code on the back, and I gave them [CARD].",
        ),
        # an amount told after the code's words is no code
        (
            "Код на обороте стёрся, мне сказали 300 рублей за перевыпуск.",
            "ru",
            "Код на обороте стёрся, мне сказали 300 рублей за перевыпуск.",
        ),
    ],
)
def test_a_code_told_to_someone_in_a_later_turn_is_redacted(told, lang, stored):
    """The code's words, a verb of saying and the digits in one sentence (PCI DSS: the code must go),
    in a turn after the card, with no request of the agent's before it."""
    card = "2200 7001 2345 6789." if lang == "ru" else "4111 1111 1111 1111."
    turns = [(A, "Card number please."), (C, card), (A, "I see the charge."), (C, told)]
    filtered = filter_transcript(make_transcript_from_turns("cvv", turns, lang))
    assert filtered["transcript"]["segments"][-1]["text"] == stored
    counts = {"CARD": 1, "CVV": 1} if "[CARD]" in stored else {"CARD": 1}
    assert filtered["pii"] == counts
    assert rule_metrics(filtered["transcript"])["pii"] == counts
