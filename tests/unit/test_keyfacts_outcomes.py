"""Outcomes a deep cut dropped (an outside evaluator's round-4 findings): an action the agent reports
as done, a theft or loss the customer gives as the reason, what an offer does not cover."""

from __future__ import annotations

import pytest

from processors.keyfacts import done_actions, facts_in, loss_statements


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
