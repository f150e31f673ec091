"""What the scorer judges the agent's manner on survives compression at every depth: rudeness and blame,
apologies, empathy, a request for a manager, a recording notice (an outside evaluator's finding: the
compressed text of a rude call kept only its four polite lines, and politeness, a fatal criterion,
was scored on another call). Short hand-written calls, through the pipeline as ``streams.bench_text``
runs it."""

from __future__ import annotations

import pytest

from processors.compression import compress
from processors.filtering import filter_transcript
from processors.keyfacts import facts_in
from streams.bench_text import make_transcript_from_turns


def _compress(turns: list[tuple[str, str]], language: str = "en") -> tuple[str, str]:
    out = compress(filter_transcript(make_transcript_from_turns("manner", turns, language)), len, "len")
    return out["text"], out["level"]


def test_a_rude_agent_stays_rude():
    text, level = _compress(
        [
            ("agent", "Thanks for calling Brightline, this is Kevin."),
            ("customer", "Hi, my internet keeps dropping every evening."),
            ("agent", "Let me check the line for you."),
            ("agent", "Alright. Shut up and listen."),
            ("customer", "Okay."),
            ("agent", "That's not my problem. You should have read the contract."),
            ("customer", "Let me speak with a manager."),
            ("agent", "Calm down, sir. I see a fault on the line, a technician will come tomorrow."),
            ("customer", "Fine, thank you."),
        ]
    )
    assert "dynamic:full" not in level, level  # the cut under test runs below "full"
    for said in (
        "Shut up and listen.",
        "That's not my problem.",
        "You should have read the contract.",
        "Let me speak with a manager.",
        "Calm down, sir.",
    ):
        assert said in text, text


def _deep_call(role: str, said: str, language: str) -> list[tuple[str, str]]:
    """A simple support call ("deep": only sentences with a signal stay) with ``said`` in the middle."""
    other = "customer" if role == "agent" else "agent"
    if language == "en":
        return [
            ("agent", "Thanks for calling Brightline, this is Kevin."),
            ("customer", "Hi, my internet keeps dropping every evening."),
            ("agent", "Let me check the line for you."),
            (role, ("Okay. " if role == "customer" else "Alright. ") + said),
            (other, "Okay."),
            ("agent", "I see a fault on the line, a technician will come tomorrow."),
            ("customer", "Fine, thank you."),
        ]
    return [
        ("agent", "Добрый день, Связь-Про, Мария."),
        ("customer", "Здравствуйте, у меня интернет пропадает каждый вечер."),
        ("agent", "Сейчас проверю линию."),
        (role, ("Хорошо. " if role == "customer" else "Так. ") + said),
        (other, "Угу."),
        ("agent", "Вижу повреждение на линии, мастер приедет завтра."),
        ("customer", "Хорошо, спасибо."),
    ]


@pytest.mark.parametrize(
    ("role", "said", "language"),
    [
        ("customer", "Let me speak with a manager.", "en"),
        ("customer", "I want to talk to your supervisor.", "en"),
        ("customer", "Put me through to your boss.", "en"),
        ("customer", "I'm recording this call.", "en"),
        ("agent", "I'm sorry about the wait.", "en"),
        ("agent", "I apologize for the inconvenience.", "en"),
        ("agent", "Thank you for your patience.", "en"),
        ("agent", "This call is recorded for quality purposes.", "en"),
        ("agent", "Shut up and listen.", "en"),
        ("agent", "That's not my problem.", "en"),
        ("agent", "You should have read the contract.", "en"),
        ("agent", "Calm down, sir.", "en"),
        ("customer", "Позовите руководителя.", "ru"),
        ("customer", "Дайте мне вашего начальника.", "ru"),
        ("customer", "Соедините со старшим.", "ru"),
        ("customer", "Я записываю разговор.", "ru"),
        ("customer", "Я очень недоволен.", "ru"),
        ("agent", "Извините за ожидание.", "ru"),
        ("agent", "Приношу извинения за неудобства.", "ru"),
        ("agent", "Спасибо за терпение.", "ru"),
        ("agent", "Это не мои проблемы.", "ru"),
        ("agent", "Успокойтесь, пожалуйста.", "ru"),
        ("agent", "Сами виноваты, читать надо договор.", "ru"),
    ],
)
def test_manner_lines_survive_a_deep_cut(role, said, language):
    text, level = _compress(_deep_call(role, said, language), language)
    # deep but for the rudest lines, whose weight in the density makes the call medium
    assert level.endswith(("dynamic:deep", "dynamic:medium")), level
    assert said.rstrip(".") in text, text


def test_an_apology_and_thanks_for_waiting_stay_in_a_medium_call():
    text, level = _compress(
        [
            ("agent", "Добрый вечер, компания Домофон-Сервис, Алексей, слушаю вас."),
            (
                "customer",
                "Да, здравствуйте. Я хочу отказаться от вашей услуги, плачу двести пятьдесят рублей в месяц, "
                "а домофон не работает.",
            ),
            ("agent", "Понимаю. Давайте я сначала проверю. Назовите адрес, пожалуйста."),
            ("customer", "Улица Ленина, дом сорок два, квартира семнадцать."),
            ("agent", "Вижу заявку. Мастер был у вас пятого числа?"),
            ("customer", "Никто не приходил."),
            (
                "agent",
                "Извините. Я сделаю перерасчёт за два месяца, это пятьсот рублей, и мастер придёт завтра "
                "с десяти до двенадцати.",
            ),
            ("customer", "Ну, если завтра починят, то ладно, не буду пока отказываться."),
            ("agent", "Договорились. Спасибо за терпение, хорошего вечера."),
            ("customer", "До свидания."),
        ],
        "ru",
    )
    assert "dynamic:full" not in level, level
    assert "Извините." in text and "Спасибо за терпение" in text and "Понимаю." in text, text


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("Shut up and listen.", "tone"),
        ("Сами виноваты, читать надо договор.", "tone"),
        ("I apologize for the inconvenience.", "apology"),
        ("Спасибо за терпение.", "apology"),
        ("I understand.", "empathy"),
        ("Let me speak with a manager.", "escalation"),
        ("Соедините со старшим.", "escalation"),
        ("This call is recorded for quality purposes.", "recording"),
        ("Я записываю разговор.", "recording"),
    ],
)
def test_manner_phrases_are_key_facts(said, kind):
    assert kind in {k for k, _ in facts_in(said)}, facts_in(said)


@pytest.mark.parametrize(
    "said",
    [
        "Мне нужно посоветоваться с руководителем.",  # the customer's own manager: an objection
        "I need to talk to my boss first.",
    ],
)
def test_the_customers_own_manager_is_no_escalation(said):
    assert "escalation" not in {k for k, _ in facts_in(said)}, facts_in(said)
