"""Calls of domains the other text tests do not cover (car service, roaming bill, B2B support ticket, tax
service sale), as Whisper writes them: each pins a fact the compressed text lost or a keyword the rules
missed before. Read with filter and compress as the worker does."""

from __future__ import annotations

from typing import Any

import pytest

from processors.compression import compress
from processors.filtering import filter_transcript
from processors.pii import count_placeholders
from processors.rules import keyword_hits, price_mentions, rule_metrics
from processors.text import sentences
from streams.bench_text import make_transcript_from_turns

CAR_SERVICE = [
    ("agent", "Автосервис Мотор, здравствуйте, Артём."),
    ("customer", "Здравствуйте. Мне надо записаться на ТО, ну, плановое, шестьдесят тысяч пробег."),
    ("agent", "Какая машина?"),
    ("customer", "Киа Рио, семнадцатого года."),
    (
        "agent",
        "ТО шестьдесят тысяч на Рио, это замена масла, фильтров, свечей, по работе четыре тысячи восемьсот, "
        "плюс запчасти около семи тысяч.",
    ),
    ("customer", "Ага. Ещё там стучит что-то спереди справа, когда по ямам."),
    ("agent", "Тогда добавим диагностику подвески, она бесплатно при ТО."),
    ("customer", "Хорошо. А когда можно?"),
    ("agent", "Есть суббота, девятнадцатое, в десять утра, или понедельник в четырнадцать тридцать."),
    ("customer", "Суббота в десять, да."),
    ("agent", "Записал на субботу, девятнадцатое, десять ноль ноль. Машину оставите на весь день?"),
    ("customer", "Нет, мне к трём надо её забрать обязательно, я уезжаю."),
    (
        "agent",
        "К пятнадцати успеем, если по подвеске ничего серьёзного. Если найдём, я вам позвоню до двенадцати "
        "и согласуем.",
    ),
    ("customer", "Без моего согласия ничего не меняйте, только ТО."),
    ("agent", "Понял, только с вашего согласия. До встречи."),
]
ROAMING = [
    ("agent", "Служба поддержки, оператор Марина, здравствуйте."),
    ("customer", "Здравствуйте. Я в шоке, мне пришёл счёт за роуминг на двенадцать тысяч триста рублей."),
    ("agent", "Вы были в Турции с первого по седьмое августа, интернет в роуминге вне пакета."),
    (
        "customer",
        "Я подключал пакет «Весь мир» за девятьсот девяносто девять рублей, мне в салоне сказали, что всё "
        "включено.",
    ),
    (
        "agent",
        "Пакет подключён второго августа, а трафик первого августа прошёл по базовому тарифу, это восемь "
        "тысяч.",
    ),
    ("customer", "Меня никто не предупредил! Я требую пересчёт. Иначе я пишу жалобу в Роспотребнадзор."),
    ("agent", "Я могу оформить заявку на перерасчёт, рассмотрение до тридцати дней."),
    ("customer", "И позовите старшего, я хочу говорить с руководителем."),
    ("agent", "Сейчас руководителя нет на линии, он перезвонит вам сегодня до восемнадцати часов."),
]
B2B_SUPPORT = [
    ("agent", "Thanks for calling Nimbus support, this is Kevin. Can I have your ticket number?"),
    (
        "customer",
        "Yeah hi, it's ticket four four eight one two. Um, our whole team can't log in since the update "
        "this morning.",
    ),
    ("agent", "Okay, I see it. How many users are affected?"),
    ("customer", "All of them, about sixty people. We're losing money every hour this is down."),
    ("agent", "Understood. Are you on single sign on with Okta?"),
    ("customer", "Yes. And it's been six hours, nobody called back."),
    ("agent", "I apologize for that. I'm raising it to priority one now."),
]
TAX_SALE = [
    ("agent", "Good afternoon, Clearbooks Accounting, this is Maria speaking."),
    ("customer", "Hi, uh, I'm calling about getting help with my taxes. I'm self employed."),
    ("agent", "Our self employed package is two hundred ninety nine a month with bookkeeping and returns."),
    ("customer", "Hmm, that's a lot. That's like thirty six hundred a year."),
    ("agent", "There's also a return only option, four hundred fifty dollars once a year."),
    ("customer", "Yeah I think just the return for now. The monthly one is too expensive for me."),
    ("agent", "No problem. The deadline is April fifteenth, so we need your documents by March twentieth."),
]


def _compressed(name: str, turns: list[tuple[str, str]], language: str) -> str:
    transcript: dict[str, Any] = make_transcript_from_turns(name, turns, language)
    return compress(filter_transcript(transcript), lambda text: len(text.split()), "words")["text"]


@pytest.mark.parametrize(
    ("turns", "language", "kept"),
    [
        # the customer's symptom, the reason the agent adds a diagnosis, and the agent's promise to the
        # customer's terms
        (CAR_SERVICE, "ru", "стучит что-то спереди справа"),
        (CAR_SERVICE, "ru", "Понял, только с вашего согласия."),
        (CAR_SERVICE, "ru", "Без моего согласия ничего не меняйте"),
        # the demand "Иначе" refers to
        (ROAMING, "ru", "Я требую пересчёт. Иначе"),
        # the business impact of an outage (what makes it priority one)
        (B2B_SUPPORT, "en", "losing money every hour"),
        # the sale's outcome: which option the customer chose
        (TAX_SALE, "en", "just the return for now"),
    ],
)
def test_compression_keeps_the_domain_fact(turns: list[tuple[str, str]], language: str, kept: str) -> None:
    assert kept in _compressed("domain", turns, language)


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("If it's not fixed by end of day we'll look at terminating the contract.", 1),
        ("We're terminating our account with you.", 1),
        ("We're not terminating the contract, just tell me when it's fixed.", 0),
    ],
)
def test_terminating_a_contract_is_churn(text: str, n: int) -> None:
    assert keyword_hits([text]).get("cancel", 0) == n


TAX_SOCIAL = [
    ("agent", "Got it. And your social for the engagement letter, the last four is fine."),
    ("customer", "Last four is six six one nine."),
    ("agent", "Thanks Jenna, you'll get the letter today."),
]


def test_the_last_four_of_a_social_asked_with_its_purpose_between_are_redacted() -> None:
    filtered = filter_transcript(make_transcript_from_turns("tax", TAX_SOCIAL, "en"))
    texts = [s["text"] for s in filtered["transcript"]["segments"]]
    assert "six six one nine" not in " ".join(texts) and "[ID]" in texts[1]
    # an answer's "Last four is [ID]." is the number given, not a read-back of one counted before
    assert rule_metrics(filtered["transcript"])["pii"] == {"ID": 1}
    assert count_placeholders(["My social is [ID].", "Last four is [ID]."]) == {"ID": 1}


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # the parts' cost is a price too (a repair's cost noun, test_text_leftovers9)
        ("Стоимость работ четыре тысячи восемьсот, плюс запчасти около семи тысяч.", 2),
        ("Стоимость доставки 300.", 1),
        ("Цена ремонта — 12 000.", 1),
        ("Цена вопроса 5 минут.", 0),
        # out of reach: "Стоимость замены масла 1200" right after its noun (two words between)
    ],
)
def test_a_price_cue_may_name_what_it_prices(text: str, n: int) -> None:
    assert price_mentions([text]) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # a hotel's rate for new dates, in words as Whisper writes them
        (
            "Стандарт есть, но тариф выше, шесть тысяч двести за ночь вместо пяти четыреста.",
            1,
        ),
        ("The suite is two hundred forty nine a night.", 1),
        ("Две за ночь.", 0),
        ("Three a night.", 0),
    ],
)
def test_a_nights_rate_in_words_is_a_price(text: str, n: int) -> None:
    assert price_mentions([text]) == n


def test_a_time_zone_after_pm_stays_in_its_sentence() -> None:
    # a one-word sentence "Eastern." was cut from a B2B support call's fix time
    assert sentences("The fix is rolling out by 3 p.m. Eastern. You'll get an update at 1 p.m. Okay?") == [
        "The fix is rolling out by 3 p.m. Eastern.",
        "You'll get an update at 1 p.m.",
        "Okay?",
    ]
    support = [
        ("customer", "Our whole team can't log in since the update this morning. When is it fixed?"),
        ("agent", "Okay. Understood. Right. The fix is rolling out by three p.m. Eastern. Will do."),
    ]
    assert "3 p.m. Eastern" in _compressed("support", support, "en")
