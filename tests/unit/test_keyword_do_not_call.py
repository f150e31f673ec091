"""The customer's do-not-call request (an outside evaluator's round-4 cold call: "Не звоните мне больше"
raised nothing): the do_not_call entry and the do_not_call_request alert, and the entry's own
qualifiers (``not_followed_by``, ``not_in_sentence_with``), which narrow no other entry."""

from __future__ import annotations

import pytest

from processors.alerts import default_rulebook
from processors.rules import DictionaryError, keyword_hits, load_dictionary


def _dnc(text: str) -> int:
    return keyword_hits([text]).get("do_not_call", 0)


@pytest.mark.parametrize(
    "text",
    [
        "Ничего я не оставляла. Не звоните мне больше.",
        "Больше мне не звоните!",
        "Хватит звонить! Удалите мой номер.",
        "Перестаньте мне звонить, я не заинтересована.",
        "Удалите меня из базы.",
        "Don't call me again.",
        "Please stop calling me, I'm not interested.",
        "Remove me from your list.",
        "Take me off your call list, please.",
        "I'm on the do not call list, why are you calling?",
        "Don't call me again, after all this I'm done.",  # the comma ends the request
        # a negation that makes the request a threat's condition demands it
        "If you don't stop calling me, I'll report you.",
        "if you guys do not stop calling me i will sue",
        "Если вы не перестанете мне звонить, я пожалуюсь.",
        "Если не перестанете звонить, я пожалуюсь.",
        "Если вы не прекратите мне звонить, я подам в суд.",
        "Если ты не перестанешь мне звонить, я заблокирую номер.",
    ],
)
def test_a_do_not_call_request_is_heard(text: str) -> None:
    assert _dnc(text) >= 1, text


@pytest.mark.parametrize(
    "text",
    [
        # a time, a channel or a condition: a preference
        "Не звоните мне после шести.",
        "Не звоните мне больше после шести, я на работе.",
        "Не звоните мне на рабочий.",
        "Don't call me again before noon.",
        "Stop calling me at work, call my cell.",
        "Don't call me again until you have an answer.",
        # permission, a call back, negated or imagined
        "You can call me again tomorrow.",
        "Перезвоните мне завтра.",
        "Don't call me back, I'll call you.",
        "Please don't stop calling me, I like the updates.",
        "What if I say stop calling me?",
        "I'm not asking you to remove me from your list.",
        "Я не прошу удалить мой номер.",
        "I don't mind you calling.",
        "If I don't stop calling you, will you block me?",
        "Вы же не перестанете звонить, я знаю.",  # a complaint, no request
        "Я не перестану вам звонить.",
    ],
)
def test_a_preference_or_a_hypothetical_is_no_do_not_call_request(text: str) -> None:
    assert _dnc(text) == 0, text


def _alerts(turns: list[tuple[str, str]]) -> set[str]:
    from processors.alerts import evaluate

    segments = [{"text": t, "role": r, "kept": True} for r, t in turns]
    hits = keyword_hits([t for _, t in turns])
    agent = keyword_hits([t for r, t in turns if r == "agent"])
    score = {
        "call_id": "c1",
        "tenant": "t",
        "agent_id": "a1",
        "total": 80.0,
        "fatal_failed": False,
        "criteria": [],
        "rules": {"keyword_hits": hits, "agent_keyword_hits": agent, "pii": {}},
        "compressed": {"filtered": {"transcript": {"segments": segments, "call": {"tenant": "t"}}}},
    }
    return {a["rule"] for a in evaluate(score, default_rulebook())}


def test_the_default_rules_alert_on_the_customers_request_not_the_agents_words() -> None:
    rule = default_rulebook().rule("t", None, "do_not_call_request")
    assert rule.severity == "warning" and rule.title
    customer = [("agent", "Добрый день, у нас акция на окна."), ("customer", "Не звоните мне больше.")]
    agent = [("customer", "Откуда у вас мой номер?"), ("agent", "Хорошо, удалите мой номер, я передам.")]
    time = [("agent", "Когда вам удобно?"), ("customer", "Не звоните мне после шести.")]
    assert "do_not_call_request" in _alerts(customer)
    assert "do_not_call_request" not in _alerts(agent)
    assert "do_not_call_request" not in _alerts(time)
    threat = [
        ("agent", "Hi, this is Dan from Solar Bright."),
        ("customer", "If you don't stop calling me, I'll report you."),
    ]
    assert "do_not_call_request" in _alerts(threat)
    threat_ru = [
        ("agent", "Здравствуйте, компания «Окна Плюс»."),
        ("customer", "Если вы не перестанете мне звонить, я пожалуюсь."),
    ]
    assert "do_not_call_request" in _alerts(threat_ru)


def test_an_entrys_qualifiers_are_read_and_narrow_that_entry_only(tmp_path) -> None:
    (tmp_path / "acme.yaml").write_text(
        'rival: {phrases: [acme], not_followed_by: ["\'s", shares]}\n'
        "thanked: {phrases: [thank you], not_in_sentence_with: [no thanks to]}\n"
        "boss: [руководителем]\n",
        encoding="utf-8",
    )
    entries = load_dictionary("acme", tmp_path)
    assert entries["rival"].qualifiers.not_followed_by == ("'s", "shares")
    # the tenant's qualifiers stay its entry's: the default cancel keeps its own ("отказываюсь платить")
    assert not entries["boss"].qualifiers and "shares" not in entries["cancel"].qualifiers.not_followed_by
    text = [
        "Acme is cheaper. Acme's offer too, and Acme shares are up.",
        "Thank you, but no thanks to the app. Thank you.",
        "Соедините с руководителем проекта.",  # the escalation rule's qualifiers are its own
    ]
    got = keyword_hits(text, entries)
    assert (got["rival"], got["thanked"], got["boss"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("yaml", "error"),
    [
        ("x: {phrases: [a], not_followed_by: b*c}\n", r"not_followed_by: 'b\*c'"),
        ("x: {phrases: [a], not_in_sentence_with: []}\n", r"not_in_sentence_with: must be a non-empty list"),
        ("x: {phrases: [a], not_followed: [b]}\n", r"did you mean not_followed_by"),
    ],
)
def test_bad_qualifiers_are_refused(tmp_path, yaml: str, error: str) -> None:
    (tmp_path / "acme.yaml").write_text(yaml, encoding="utf-8")
    with pytest.raises(DictionaryError, match=error):
        load_dictionary("acme", tmp_path)
