"""Below "full", compression keeps what a sentence without a key fact may still mean: how a step
turned out, a request, a decision, a reason, a diagnosis; what a short question follows up; and the
request between two answers that would merge (an outside evaluator's findings 2 and 4c). The calls
are the evaluator's, through the pipeline as ``streams.bench_text`` runs it."""

from __future__ import annotations

from processors.compression import compress
from processors.filtering import filter_transcript
from streams.bench_text import make_transcript_from_turns

A, C = "agent", "customer"


def _compress(turns: list[tuple], language: str = "en") -> str:
    transcript = make_transcript_from_turns("content", turns, language)
    out = compress(filter_transcript(transcript), len, "len")
    assert "dynamic:full" not in out["level"], out["level"]  # the cuts under test run below "full"
    return out["text"]


def test_an_outcome_and_a_free_visit_stay():
    text = _compress(
        [
            (A, "Thanks for calling Acme support, this is Priya."),
            (C, "Uh, hi, um, my router, uh, keeps dropping."),
            (A, "Okay, so, um, can you, uh, restart it?"),
            (C, "I already did. Twice. It didn't help."),
            (A, "Okay, I'll send a technician on Thursday between 2 and 4 pm. The visit is free."),
            (C, "Fine."),
        ]
    )
    assert "It didn't help." in text and "The visit is free." in text, text


def test_steps_results_and_the_diagnosis_stay():
    text = _compress(
        [
            (A, "Tech support, this is Maria."),
            (C, "Hi. My laptop won't turn on after the update."),
            (A, "Okay, um, is it plugged in?"),
            (C, "Yes."),
            (A, "Is the charging light on?"),
            (C, "No."),
            (A, "Okay, hold the power button for 30 seconds."),
            (C, "Okay."),
            (C, "Okay, done. Nothing."),
            (A, "Alright. Try a different outlet."),
            (C, "Still nothing."),
            (A, "Okay, then it's likely the adapter. It's under warranty until June, so we'll replace it."),
            (C, "Will I lose my files?"),
            (A, "No, your files won't be affected."),
            (C, "Thanks."),
        ]
    )
    assert "Nothing." in text and "Try a different outlet." in text, text
    assert "likely the adapter" in text, text


def test_what_a_short_question_follows_up_stays():
    text = _compress(
        [
            (A, "Добрый день, провайдер Сеть-Плюс, меня зовут Алексей, чем могу помочь?"),
            (C, "Здравствуйте, у меня, ну, интернет не работает уже, как бы, третий день."),
            (A, "Понимаю. Давайте, э-э, попробуем ещё раз, выключите роутер на тридцать секунд."),
            (C, "Ну, выключил."),
            (A, "Теперь включайте."),
            (C, "Включил. Лампочка интернет, ну, красная горит."),
            (A, "Красная, да? Ну, тогда, как бы, нужен выезд мастера."),
            (C, "И когда?"),
            (A, "Ближайшее, э-э, в четверг, с десяти до двух."),
            (C, "Ладно, спасибо."),
        ],
        "ru",
    )
    assert "красная горит" in text, text  # what "Красная, да?" asks about
    assert "нужен выезд мастера" in text, text  # what "Когда?" asks about


def test_a_reason_and_a_request_stay():
    retention = _compress(
        [
            (A, "Hi, you've reached StreamMax retention, this is Kevin."),
            (C, "Yeah, hi, um, I want to cancel my subscription."),
            (A, "I understand. What if I give you fifty percent off for three months?"),
            (C, "No, I don't think so. I'm not watching it anyway."),
            (A, "Alright, I've cancelled it."),
            (C, "Okay, thanks."),
        ]
    )
    assert "I'm not watching it anyway." in retention, retention
    claim = _compress(
        [
            (A, "Good afternoon, Northwind Insurance, this is Tom."),
            (C, "Hi, I'm calling about my claim from last week, the water damage."),
            (A, "I'll check with your agent and I will not close the claim until we sort it out."),
            (C, "Okay. Please don't close it."),
            (A, "I won't. Anything else?"),
            (C, "No, that's it."),
        ]
    )
    assert "Please don't close it." in claim, claim


def test_a_chat_tag_or_a_hold_phrase_is_still_cut():
    text = _compress(
        [
            (A, "Hello, this is Dana from Northwind, how can I help?"),
            (C, "I'm calling about the pro plan for my team."),
            (A, "Hold on, one moment."),
            (A, "The pro plan is 59 dollars per user."),
            (C, "The weather's been crazy this week, hasn't it anyway."),
            (A, "Yeah, it has been, for sure."),
            (C, "Sounds good, thanks."),
        ]
    )
    assert "weather" not in text and "Hold on" not in text, text


def test_a_request_between_two_dictated_answers_keeps_them_apart():
    text = _compress(
        [
            (A, "Назовите, пожалуйста, номер телефона."),
            (C, "Восемь девятьсот двенадцать триста сорок пять шестьдесят семь восемьдесят девять."),
            (A, "Паспорт, серия и номер."),
            (C, "Серия 45 10, номер 123456."),
            (A, "Номер заказа у вас 100234, сумма 3 490 рублей, доставка 12.04.2025."),
            (C, "Почта ivanov собака mail точка ру."),
        ],
        "ru",
    )
    lines = text.splitlines()
    assert "Agent: Паспорт, серия и номер." in lines, text
    assert not any("[PHONE]" in line and "[ID]" in line for line in lines), text
