"""Outcomes a deep cut dropped (an outside evaluator's round-4 findings): an action the agent reports
as done, a theft or loss the customer gives as the reason, what an offer does not cover."""

from __future__ import annotations

import pytest

from processors.keyfacts import (
    done_actions,
    done_actions_of,
    facts_in,
    intent_statements,
    loss_statements,
    reported_causes,
    reported_causes_of,
    resolution_statements,
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Обе карты заблокированы.", ["заблокированы"]),
        ("Я перевыпустил, перезапустите клиент.", ["я перевыпустил"]),
        ("Your card has been blocked.", ["has been blocked"]),
        ("I've reset your password.", ["i've reset"]),
        ("Карта не заблокирована.", []),
        ("Let me check the card.", []),
    ],
)
def test_an_action_the_agent_reports_done(text, found):
    assert done_actions(text) == found


#: Agent sentences for the batched scans: each alternative of the patterns in upper and mixed case, a
#: negated one, and chat.
_AGENT_SAID = [
    "Обе карты ЗАБЛОКИРОВАНЫ.", "Карта разблокирована.", "Заказ отменён, подписка аннулирована.",
    "Я уже перевыпустил, я вам отправил, я всё исправил.", "Я подключила и оформила, я перевёл.",
    "Я вернул деньги, я восстановил, я починил, я сбросил.", "Карта перевыпущена. Заказ ОТМЕНЕН.",
    "Your card HAS BEEN blocked.", "It have   been refunded.", "I’ve just sent it, I'VE reset it.",
    "Карта не заблокирована.", "Let me check the card.", "", "Курьер ОТМЕТИЛ, что не смог дозвониться.",
    "The TECHNICIAN noted that nobody was home.", "Водитель сказал, что никого не было.",
    "The carrier reported that they weren't able.", "Мастер сообщил, что всё готово.",
    "Blocked, bеen (a Cyrillic е), sent.",
]  # fmt: skip


@pytest.mark.parametrize(
    "texts",
    [
        _AGENT_SAID,  # fold-safe: only the texts holding a hint are scanned
        # not fold-safe ("ſ" is "s" to the regex engine only), or holding the separator: all are
        [*_AGENT_SAID, "The inſtaller said he could not get in, it has been ſent."],
        [*_AGENT_SAID, "x\x00y has been fixed"],
    ],
)
def test_the_batched_scans_find_what_each_text_alone_does(texts):
    assert done_actions_of(texts) == [done_actions(text) for text in texts]
    assert reported_causes_of(texts) == [reported_causes(text) for text in texts]
    assert sum(map(bool, done_actions_of(texts))) >= 9  # the scans find something to compare
    assert sum(map(bool, reported_causes_of(texts))) >= 3
    assert done_actions_of([]) == reported_causes_of([]) == []


def test_a_theft_or_loss_is_found_in_any_case():
    texts = [
        "Hello.",
        "My wallet WAS STOLEN.",
        "Кошелёк УКРАЛИ.",
        "We LOST our cards.",
        "Я Потеряла паспорт.",
    ]
    assert loss_statements(texts, limit=9) == [
        [],
        ["was stolen"],
        ["кошелёк украли"],
        ["we lost our cards"],
        ["потеряла паспорт"],
    ]


def test_a_theft_or_loss_is_a_reason():
    texts = [
        "Здравствуйте, я потеряла кошелёк.",
        "Я же не виновата, что кошелёк украли.",
        "My card was stolen.",
    ]
    assert loss_statements(texts) == [["потеряла кошелёк"], ["кошелёк украли"], []]


def test_what_an_offer_does_not_cover_is_an_objection():
    assert ("objection", "doesn't cover") in facts_in("But that doesn't cover the mold.")
    assert ("objection", "не покрывает") in facts_in("Но это не покрывает плесень.")


@pytest.mark.parametrize(
    ("turns", "kept"),
    [
        (
            [
                ("customer", "Здравствуйте, я потеряла кошелёк, там две карты. Заблокируйте срочно."),
                ("agent", "Назовите номер одной из карт."),
                ("customer", "Вторая заканчивается на четыре четыре один ноль."),
                ("agent", "Обе карты заблокированы. Для перевыпуска нужен паспорт."),
                ("customer", "Пятьсот рублей? Я же не виновата, что кошелёк украли. Это безобразие."),
                ("agent", "Понимаю. Если подадите заявление в полицию, перевыпуск будет бесплатным."),
            ],
            ["Обе карты заблокированы.", "кошелёк украли"],
        ),
    ],
)
def test_compression_keeps_the_outcome(turns, kept):
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    out = compress(filter_transcript(make_transcript_from_turns("r4", turns, "ru")), len, "len")
    for phrase in kept:
        assert phrase in out["text"], out["text"]


def test_intents_and_resolutions_are_found_in_any_case():
    said = ["My INTERNET is down.", "We'D LIKE TO upgrade.", "Мы ХОТИМ ПЕРЕЙТИ.", "Okay.", "It WORKS NOW!"]
    assert intent_statements(said) == [[], ["we'd like to upgrade"], ["мы хотим перейти"], [], []]
    assert resolution_statements(said, [["internet is down"], [], [], [], []]) == [
        [],
        [],
        [],
        [],
        ["it works now"],
    ]
