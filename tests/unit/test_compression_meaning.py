"""processors.compression below "full" keeps what the call means: refusals and demands, each
question's answer, decisions, pain and the reason for the call, promises, whole clauses, honest
repeat counts and the answer to an objection rather than hold phrases (review items D2-D9, D11, D17).
Short hand-written calls, through the pipeline as ``streams.bench_text`` runs it."""

from __future__ import annotations

import pytest

from processors.compression import compress
from processors.filtering import filter_transcript
from processors.keyfacts import facts_in
from streams.bench_text import make_transcript_from_turns


def _compress(turns: list[tuple[str, str]], language: str = "en") -> tuple[str, str]:
    transcript = make_transcript_from_turns("meaning", turns, language)
    out = compress(filter_transcript(transcript), len, "len")
    assert "dynamic:full" not in out["level"], out["level"]  # the cuts under test run below "full"
    return out["text"], out["level"]


def _line_after(text: str, start: str) -> str:
    """The line after the one containing ``start``."""
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if start in line)
    return lines[i + 1]


# D2 -------------------------------------------------------------------------------------------------


def test_the_agents_refusal_and_the_customers_demand_stay():
    text, _ = _compress(
        [
            ("agent", "Thank you for calling Clearwave, this is Marcus."),
            ("agent", "I can give you a credit of fifteen dollars on the account."),
            ("customer", "Hmm, so I'd still be paying ten for it."),
            (
                "agent",
                "That's right, since the storage was used, I can't credit the full amount, unfortunately.",
            ),
            ("customer", "But I want it off, I want that add-on gone."),
            ("agent", "Of course, yes, I'll remove it for you right now."),
            ("customer", "Okay, thanks, bye."),
        ]
    )
    assert "I can't credit the full amount" in text, text
    assert "I want that add-on gone" in text, text
    # "Of course, yes" answers the demand, not "I'd still be paying 10"
    assert (
        "I want that add-on gone" in text.splitlines()[text.splitlines().index(_line_after(text, "gone")) - 1]
    )


# D3 / D4 / D8 ---------------------------------------------------------------------------------------


def test_each_question_keeps_its_answer_and_questions_do_not_merge():
    text, _ = _compress(
        [
            ("agent", "Добрый день, компания ДомМаркет, меня зовут Анна."),
            ("agent", "Диван стоит сорок две тысячи рублей, рассрочка на двенадцать месяцев."),
            ("customer", "Подождите, а первый платёж когда?"),
            ("agent", "Первый платёж через месяц после оформления."),
            ("customer", "А это через банк, да?"),
            ("agent", "Да, через банк-партнёр, но проценты магазин за вас платит."),
            ("customer", "А справку о доходах надо?"),
            ("agent", "Нет, нет, только паспорт."),
            ("customer", "Понятно, до свидания."),
        ],
        "ru",
    )
    assert "через месяц после оформления" in _line_after(text, "первый платёж когда?"), text
    assert "банк-партнёр" in _line_after(text, "через банк, да?"), text
    assert "только паспорт" in _line_after(text, "о доходах"), text


def test_an_open_question_keeps_its_longer_answer():
    text, _ = _compress(
        [
            ("agent", "Thank you for calling Northwind, my name is Priya."),
            ("agent", "So, how has everything been going with the platform so far?"),
            ("customer", "Oh, it's been fine, you know, the team uses it every day."),
            ("agent", "For the renewal, the new price is fifty nine dollars per user."),
            ("customer", "Okay, thanks, bye."),
        ]
    )
    assert "the team uses it every day" in _line_after(text, "so far?"), text


def test_a_no_keeps_the_line_it_answers():
    text, _ = _compress(
        [
            ("agent", "Добрый день, компания Сетьлайн, меня зовут Марина."),
            ("agent", "Мастер приедет в четверг, с девяти до часу."),
            ("customer", "Ну, прекрасно. Ещё неделю ждать."),
            ("agent", "Нет, интернет должен заработать раньше, мастер это для проверки."),
            ("customer", "Ладно, до свидания."),
        ],
        "ru",
    )
    assert "Ещё неделю ждать" in text, text
    assert _line_after(text, "Ещё неделю ждать").startswith("Agent: Нет"), text


# D5 / D6 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Yearly then.", "agreement"),  # a choice
        ("Okay, that's actually the part we need.", "agreement"),  # a buying signal
        ("Right, but nobody told me that.", "objection"),  # a dispute over disclosure
        ("Overtime, I'd say, overtime is killing us.", "issue"),  # pain
        ("Я вам уже третий раз звоню!", "issue"),  # a repeat contact
        ("Перейду к другому провайдеру, и всё.", "refusal"),  # churn
        ("У нас в вашем районе была авария на линии.", "issue"),  # the root cause
        ("Я, ну, хотел узнать насчёт интернета.", "issue"),  # the reason for the call
        ("Так, да, смотрите, по вашему адресу подключение есть.", "offer"),  # whether it can be had
        ("Sorry, the blue one is out of stock until March.", "offer"),
    ],
)
def test_decisions_pain_churn_and_causes_are_key_facts(sentence, kind):
    assert kind in {k for k, _ in facts_in(sentence)}, facts_in(sentence)


def test_the_reason_for_the_call_and_the_customers_choice_survive_deep_compression():
    text, level = _compress(
        [
            ("agent", "Hi, thank you for calling Northwind, this is Dana, how can I help you today?"),
            ("customer", "Um, hi. Yeah, hi, I'm calling about the, um, the pro plan."),
            ("agent", "Uh-huh."),
            ("customer", "We're, you know, a small team and we kind of want to, um, upgrade."),
            ("agent", "Sure, let me pull up your account, one second."),
            ("agent", "So, um, the pro plan is $39 a month per user if you pay yearly."),
            ("customer", "Uh-huh."),
            ("agent", "Yeah, the dashboard, it's really nice, teams really like it."),
            ("customer", "Okay, okay, sounds good. Yearly then."),
            ("agent", "Great, I'll send the invoice to your email."),
            ("customer", "Thanks, bye."),
        ]
    )
    assert level.endswith("dynamic:deep")
    assert "calling about the pro plan" in text and "want to upgrade" in text, text
    assert "Yearly then." in text, text


# D7 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Да, конечно, я укажу в комментарии, чтобы позвонил заранее.",
        "Но если появится окно раньше, вам позвонят.",
        "Ну и, если что, мастер перед приездом позвонит.",
        "Кабель обещают восстановить до конца дня.",
        "Oh yes, absolutely, you can add users any time.",
    ],
)
def test_promises_of_the_agent_or_of_others_are_commitments(sentence):
    assert "commitment" in {k for k, _ in facts_in(sentence)}, facts_in(sentence)


def test_a_callback_promise_survives_deep_compression():
    text, _ = _compress(
        [
            ("agent", "Добрый день, компания Сетьлайн, меня зовут Ольга."),
            ("agent", "Мастер может приехать в субботу, с десяти до двух."),
            ("customer", "Хорошо, подходит."),
            ("agent", "Ну и, как бы, если что, мастер перед приездом позвонит."),
            ("customer", "Спасибо, до свидания."),
        ],
        "ru",
    )
    assert "мастер перед приездом позвонит" in text, text


# D9 / D11 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("later", "expected"),
    [
        # figures only, but "а" makes it a complaint, not an echo of the figures
        ("Я пять дней без интернета, а вы мне сто пятьдесят рублей.", "Я 5 дней без интернета, а вы мне 150"),
        # the first clause repeats, but the second leans on it
        ("Я пять дней без интернета, а вы мне даёте копейки.", "Я 5 дней без интернета, а вы мне даёте"),
    ],
)
def test_a_clause_the_next_one_leans_on_is_not_cut(later, expected):
    text, _ = _compress(
        [
            ("agent", "Добрый день, компания Сетьлайн."),
            ("customer", "Я пять дней без интернета, между прочим, пять дней."),
            ("agent", "Понимаю, перерасчёт за пять дней это сто пятьдесят рублей."),
            ("customer", later),
            ("agent", "Понимаю, до свидания."),
        ],
        "ru",
    )
    assert expected in text, text


def test_cutting_a_repeated_filler_clause_adds_no_repeat_count():
    text, _ = _compress(
        [
            ("agent", "Hi, thank you for calling Northwind, this is Dana."),
            ("customer", "Um, yeah, so we're, uh, we're a team of about, you know, 12 people, more or less."),
            ("agent", "Okay."),
            ("customer", "Actually, we're a team of about 40 people, more or less."),
            ("agent", "Got it."),
            ("customer", "Well, we're a team of about 25 people, more or less."),
            ("agent", "Great, I'll send the contract today."),
        ]
    )
    assert "[×" not in text, text
    assert "12" in text and "40" in text and "25" in text


# D17 ------------------------------------------------------------------------------------------------


def test_the_answer_to_an_objection_is_kept_not_the_hold_phrases():
    text, _ = _compress(
        [
            ("agent", "Здравствуйте, меня зовут Анна, компания ДомМаркет."),
            ("agent", "Диван стоит сорок две тысячи рублей."),
            ("customer", "Дорого как-то. На Маркете похожий дешевле."),
            ("agent", "Да, понимаю. А там какая ткань, не смотрели?"),
            ("customer", "Не помню."),
            ("agent", "Просто у нас механизм усиленный, металлический, и сборка наша."),
            ("customer", "Я подумаю ещё, с женой посоветуюсь."),
            ("agent", "Минутку, не кладите трубку, пожалуйста."),
            ("agent", "Ещё секундочку, извините."),
            ("agent", "Я могу вам сделать доставку бесплатно."),
            ("customer", "Ладно, до свидания."),
        ],
        "ru",
    )
    assert "механизм усиленный" in text, text
    assert "не кладите трубку" not in text, text
    # the apology said with the hold phrase is politeness the scorer counts: it stays, hold and all
    assert "извините" in text, text


@pytest.mark.parametrize(
    ("turns", "language", "answer"),
    [
        (
            [("agent", "Do you agree to the terms and conditions?"), ("customer", "Mm-hmm.")],
            "en",
            "Customer: Mm-hmm.",
        ),
        ([("agent", "Вы согласны с условиями договора?"), ("customer", "Угу.")], "ru", "Customer: Угу."),
    ],
)
def test_a_consent_said_as_a_backchannel_reaches_the_llm(turns, language, answer):
    """The filter kept "Угу." as the answer, then compression stripped it as a filler: the LLM read a
    question nobody answered."""
    out = compress(filter_transcript(make_transcript_from_turns("consent", turns, language)), len, "t")
    assert answer in out["text"], out["text"]


def test_a_backchannel_after_a_statement_is_still_dropped():
    turns = [
        ("agent", "So the total is 49 dollars a month."),
        ("customer", "Uh-huh."),
        ("agent", "And the setup fee."),
    ]
    out = filter_transcript(make_transcript_from_turns("ack", turns))
    assert [s["drop_reason"] for s in out["transcript"]["segments"]] == [None, "filler", None]


def test_an_action_in_progress_is_no_short_turn():
    turns = [("customer", "Да, согласен."), ("agent", "Отлично, оформляю.")]
    out = filter_transcript(make_transcript_from_turns("act", turns, "ru"))
    assert out["transcript"]["segments"][1]["kept"]


def test_a_question_opened_by_nu_keeps_it():
    """ "Ну что, подумали?" is a question; trimming "Ну" as a lead word left "Что, подумали?"."""
    turns = [("agent", "Ну что, подумали над предложением?"), ("customer", "Ну, дороговато.")]
    out = compress(filter_transcript(make_transcript_from_turns("nu", turns, "ru")), len, "t")
    assert "Agent: Ну что, подумали над предложением?" in out["text"], out["text"]


def test_a_request_said_without_a_question_mark_keeps_its_answer_paired():
    """ "Подскажите, пожалуйста, ваш адрес." was cut, and the address then read as if unasked."""
    from processors.keyfacts import signals

    assert ("question", "?") in signals("Да, конечно, подскажите, пожалуйста, ваш адрес.")
    assert ("question", "?") in signals("Before I pull up the account, can I get your full name, please.")
    assert ("question", "?") not in signals("Скажу честно, это дорого.")


def test_whether_the_service_can_be_had_survives_deep_compression():
    text, _ = _compress(
        [
            ("agent", "Добрый день, компания Сетьлайн, меня зовут Ольга."),
            ("customer", "Здравствуйте, я хотел узнать насчёт интернета."),
            ("agent", "Секундочку, сейчас проверю, есть ли у нас там подключение."),
            ("customer", "Угу."),
            ("agent", "Так, да, смотрите, по вашему адресу подключение есть."),
            ("customer", "А, хорошо."),
        ],
        "ru",
    )
    assert "подключение есть" in text, text


def test_what_a_call_is_about_survives_a_preamble_and_a_backchannel():
    text, _ = _compress(
        [
            ("agent", "Hi Dana, it's Jake from Stackwise, how are you doing today?"),
            ("customer", "Uh, I got a few minutes, what's this about?"),
            ("agent", "Okay, perfect, I'll be quick, I promise."),
            ("customer", "Okay."),
            ("agent", "So, um, we make software for warehouse teams, for labor planning and pick paths."),
            ("customer", "Mm-hmm."),
            ("agent", "And I just wanted to ask a couple of quick questions, see if it's even a fit."),
            ("customer", "Sure, go ahead."),
            ("agent", "How big is the team over there, roughly?"),
            ("customer", "We're about forty two people."),
        ]
    )
    assert "software for warehouse teams" in text, text
