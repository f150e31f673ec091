"""The support card's baseline rules at their edges: an answered question, the agent's own call back, the
phone number or address as the identity check (processors/baseline.py)."""

from __future__ import annotations

import pytest

from processors.baseline import Turn, baseline_scores
from processors.scorecard import ScorecardRegistry

SUPPORT = ScorecardRegistry.load().get("support")
A, C, U = "agent", "customer", "unknown"


def scores(turns: list[tuple[str, str]]) -> dict:
    return baseline_scores([Turn(r, t) for r, t in turns], SUPPORT.llm_criteria)


@pytest.mark.parametrize(
    ("turns", "label"),
    [
        # information asked, given (a time, a yes, an address) and thanked for
        ([(C, "До скольки работает офис?"), (A, "До восьми вечера."), (C, "Спасибо, понятно.")], "resolved"),
        (
            [(C, "Подскажите адрес офиса."), (A, "Улица Ленина, дом три."), (C, "Отлично, спасибо.")],
            "resolved",
        ),
        (
            [
                (C, "Can I pay by card at the store?"),
                (A, "Yes, all cards."),
                (C, "Great, that's all I needed."),
            ],
            "resolved",
        ),
        # the agent does not know: a polite "thanks" closes nothing
        (
            [
                (C, "До скольки работает офис?"),
                (A, "Я не знаю, посмотрите на сайте, там до 8."),
                (C, "Спасибо."),
            ],
            "unresolved",
        ),
        # the agent only asks back: no information given
        ([(C, "Сколько стоит доставка?"), (A, "А куда доставка?"), (C, "Спасибо.")], "unresolved"),
        # the customer is not done: another question, or "but"
        (
            [(C, "What time do you close?"), (A, "At 8 p.m."), (C, "Thanks. And on Sunday?")],
            "unresolved",
        ),
        (
            [(C, "What time do you close?"), (A, "At 8 p.m."), (C, "Thanks, but that's too late.")],
            "unresolved",
        ),
        # a fault or a complaint needs a fix, however well the question about it is answered
        (
            [
                (C, "Интернет пропал. Когда заработает?"),
                (A, "Авария, до шести вечера."),
                (C, "Понятно, спасибо."),
            ],
            "unresolved",
        ),
        (
            [(C, "I was charged twice, why?"), (A, "It's two months, 9.99 each."), (C, "Oh, OK, thanks.")],
            "unresolved",
        ),
        # a mono call: who asked and who answered is unknown
        (
            [(U, "До скольки работает офис?"), (U, "До восьми вечера."), (U, "Спасибо, понятно.")],
            "unresolved",
        ),
    ],
)
def test_an_answered_information_request_is_resolved(turns: list[tuple[str, str]], label: str) -> None:
    got = scores(turns)["issue_resolved"]
    assert got.label == label, got.reasoning
    if label == "resolved":
        assert "question answered" in got.reasoning


@pytest.mark.parametrize(
    ("said", "label"),
    [
        # the agent's own follow-up: pending
        ("I'll call you back tomorrow once I've checked.", "unresolved"),
        ("I'll chase them today and call you back before noon.", "unresolved"),
        ("We'll get back to you by Friday.", "unresolved"),
        ("Я перезвоню вам завтра.", "unresolved"),
        ("Мы с вами свяжемся сегодня до шести.", "unresolved"),
        # someone else takes it on: handed over
        ("An adjuster will call you back within 48 hours.", "escalated"),
        ("I'll ask our billing team to call you back.", "escalated"),
        ("I'll have someone from billing call you back.", "escalated"),
        ("I'll transfer you to billing now.", "escalated"),
        ("Вам перезвонит специалист бухгалтерии.", "escalated"),
        ("Я передам вопрос в бухгалтерию и перезвоню вам.", "escalated"),
        ("Я оформила заявку, мастер приедет в четверг.", "escalated"),
    ],
)
def test_the_agents_own_call_back_is_pending_not_handed_on(said: str, label: str) -> None:
    got = scores([(C, "My order never arrived."), (A, said), (C, "OK.")])
    assert got["issue_resolved"].label == label, got["issue_resolved"].reasoning
    if "call you back" in said or "перезвон" in said or "свяж" in said:  # a call back with its time
        timed = label == "unresolved" or "within" in said  # the untimed ones are handed on
        assert got["next_steps"].label == ("yes" if timed else "no"), got["next_steps"].reasoning


@pytest.mark.parametrize(
    ("said", "label"),
    [
        ("I'll call you back tomorrow.", "yes"),
        ("I'll call you back in two hours.", "yes"),
        ("We'll follow up on Monday with the new quote.", "yes"),
        ("I'll get back to you by the 15th.", "yes"),
        ("Перезвоню вам через час.", "yes"),
        ("Мы свяжемся с вами в понедельник.", "yes"),
        ("Специалист перезвонит до 18:00.", "yes"),
        # when is left open: the customer does not know what happens next
        ("I'll call you back.", "no"),
        ("Someone will get back to you.", "no"),
        ("Мы с вами свяжемся.", "no"),
        ("Я перезвоню.", "no"),
        # offered, not promised
        ("Can I call you back tomorrow?", "no"),
        ("Вам перезвонить завтра?", "no"),
    ],
)
def test_a_call_back_is_a_next_step_only_with_its_time(said: str, label: str) -> None:
    got = scores([(C, "My router keeps dropping."), (A, said), (C, "OK.")])["next_steps"]
    assert got.label == label, got.reasoning


def test_a_call_back_offered_as_a_question_is_neither() -> None:
    got = scores([(C, "My order never arrived."), (A, "Can I call you back tomorrow?"), (C, "OK.")])
    assert got["issue_resolved"].label == "unresolved"
    assert "no hand-over" in got["issue_resolved"].reasoning


def test_an_own_call_back_still_answers_a_complaint() -> None:
    got = scores([(C, "It doesn't work."), (A, "I'm sorry. I'll check and call you back today.")])
    # 20 + 10 acknowledged + 50 answered: the follow-up the agent keeps is an answer, as a hand-over is
    assert got["complaint_handling"].value == 80.0, got["complaint_handling"].reasoning
    assert "'call you back' +50" in got["complaint_handling"].reasoning


@pytest.mark.parametrize(
    ("asked", "check"),
    [
        ("Назовите, пожалуйста, номер телефона, на который оформлен договор.", "назовите, пожалуйста, номер"),
        ("Продиктуйте номер телефона, привязанный к лицевому.", "продиктуйте номер телефона"),
        ("Для проверки назовите адрес, по которому подключён интернет.", "назовите адрес"),
        ("Подтвердите, пожалуйста, адрес регистрации.", "адрес"),
        ("Can you confirm the address on the account?", "confirm the address"),
        ("Could I take the first line of your address?", "first line of your address"),
        ("What's the phone number registered to the account?", "phone number registered"),
    ],
)
def test_the_phone_number_or_address_on_file_is_an_identity_check(asked: str, check: str) -> None:
    # the bill is discussed, so without a check the answer would be "no"
    got = scores([(C, "I have a question about my bill."), (A, asked), (C, "Sure."), (A, "Thanks.")])
    assert got["identity_verified"].label == "yes", got["identity_verified"].reasoning
    assert (
        "identity check" in got["identity_verified"].reasoning and check in got["identity_verified"].reasoning
    )


@pytest.mark.parametrize(
    "asked",
    [
        "Назовите, пожалуйста, адрес доставки.",
        "What's the new address?",
        "What's your delivery address?",
        "Запишите номер телефона горячей линии: восемь восемьсот.",
    ],
)
def test_a_delivery_address_or_a_number_given_is_no_check(asked: str) -> None:
    got = scores([(C, "I have a question about my order."), (A, asked), (C, "OK."), (A, "Thanks.")])
    assert got["identity_verified"].label == "no", got["identity_verified"].reasoning


@pytest.mark.parametrize(
    ("turns", "label"),
    [
        # "оформил* возврат": a stem inside a phrase matches any ending (the "*" was a literal one)
        ([(C, "Списали дважды."), (A, "Я оформила возврат 499 рублей.")], "resolved"),
        # "хотел* узнать" asks without a "?"
        ([(C, "Хотела узнать, до скольки работает офис."), (A, "До восьми."), (C, "Спасибо.")], "resolved"),
    ],
)
def test_a_stem_inside_a_phrase_matches_any_ending(turns: list[tuple[str, str]], label: str) -> None:
    got = scores(turns)["issue_resolved"]
    assert got.label == label, got.reasoning
