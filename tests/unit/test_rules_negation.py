"""Negated intents (``processors.rules``): the gated search for an entry's hits finds the hits the plain
pattern finds, and the negation read before each of them."""

from __future__ import annotations

import random

import pytest

from processors import rules

_WORDS = (
    *(p.rstrip("*") + ("ить" if p.endswith("*") else "") for e in rules.DEFAULT_KEYWORDS.values() for p in e),
    *rules._NEGATIONS,
    *sorted(rules._NEGATION_BRIDGE),
    "Cancel", "CANCEL", "Отменить", "I", "we", "why", "would", "can", "anytime", "мне", "можно", "могу",
    "it's", "don't", "Don’t", "dollars", "тариф", "[PHONE]", "Straße", "\u212a", "ё", "uncancel", "отменный",
)  # fmt: skip
_GLUE = ("", "", "", ",", ".", "?", "!", " -", ";", "\n")


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(_WORDS) + rng.choice(_GLUE) for _ in range(rng.randint(1, 30))) for _ in range(n)
    ]


@pytest.mark.parametrize("name", ["cancel", "too_expensive"])
def test_gated_hits_and_negations_as_the_plain_pattern_finds_them(name: str) -> None:
    phrases = tuple(rules.DEFAULT_KEYWORDS[name])
    pattern = rules._entry_pattern(phrases)
    for text in _texts(3, 1500):
        spans = rules._match_spans(phrases, text, rules.fold(text))
        plain = [m.span() for m in pattern.finditer(text)]
        assert spans == plain, text
        assert rules._negated(text, spans) == rules.negated_hits(pattern, text), text


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # a rhetorical "why would I" denies the intent, as a negation does
        ("Why would I cancel? I love it.", 0),
        ("Why would I want to cancel?", 0),
        ("Why should we cancel the plan?", 0),
        ("Зачем мне отменять подписку?", 0),
        ("I will cancel, why would I stay?", 1),  # the question is about staying
        ("Why, I would cancel.", 1),
        # a question about the terms asks whether one may, not that one will
        ("Can I cancel anytime?", 0),
        ("Can I cancel at any time?", 0),
        ("Can I cancel it any time during the trial?", 0),
        ("Can I cancel whenever I want?", 0),
        ("А можно отменить в любой момент?", 0),
        ("Можно отказаться когда угодно?", 0),
        ("А можно, ну, отказаться в любой момент, если не подойдёт?", 0),
        ("Okay, so, um, can we cancel anytime if it, uh, if it doesn't work out?", 0),
        ("Can I cancel anytime? I want to cancel.", 1),
        ("I want to cancel anytime soon.", 1),  # no question
        # questions and requests that do want to cancel
        ("Can I cancel my subscription?", 1),
        ("How do I cancel?", 1),
        ("I want to cancel.", 1),
        ("How do I cancel? Anytime?", 1),
        ("Я хочу отменить подписку.", 1),
        ("Как отменить подписку?", 1),
    ],
)
def test_rhetorical_and_terms_questions_are_no_cancel(text: str, n: int) -> None:
    assert rules.keyword_hits([text]).get("cancel", 0) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # a past intention that a "but" in its sentence withdraws is no cancel
        ("Okay, fine. That's actually fair. I was going to cancel, but okay.", 0),
        ("I was thinking about cancelling, but you fixed it.", 0),
        ("Я хотела отменить, но ладно.", 0),
        ("Я хотела отключить услугу, но ладно.", 0),
        # still an intent: no "but", or what follows it says the intent is unmet
        ("I was going to cancel anyway.", 1),
        ("I wanted to cancel yesterday and nobody helped.", 1),
        ("I wanted to cancel, but nobody answered.", 1),
        ("Я хотел расторгнуть договор, но не смог дозвониться.", 1),
        ("I want to cancel, but first tell me the fee.", 1),  # a present intent
    ],
)
def test_a_withdrawn_past_intention_is_no_cancel(text: str, n: int) -> None:
    assert rules.keyword_hits([text]).get("cancel", 0) == n


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # more rhetorical questions
        ("Why on earth would I cancel?", 0),
        ("Why would anyone cancel? It's great.", 0),
        ("Почему я должен отменять?", 0),
        # more questions about the terms: when, at what cost, on what condition
        ("Can I cancel later?", 0),
        ("Can I cancel without a fee?", 0),
        ("Can I cancel during the trial?", 0),
        ("Can I cancel within thirty days?", 0),
        ("Can I cancel if I don't like it?", 0),
        ("А отказаться потом можно?", 0),
        ("Можно будет отменить, если не понравится?", 0),
        ("А отменить без штрафа можно?", 0),
        # an intent imagined as a question's condition
        ("What happens if I cancel?", 0),
        ("Is there a fee if we cancel?", 0),
        ("What if I want to cancel?", 0),
        ("Что будет, если я откажусь?", 0),
        ("А если я захочу отменить, это бесплатно?", 0),
        # still an intent: said, asked for, a threat's condition, no question
        ("I want to cancel. What happens if I cancel today?", 1),
        ("I want to cancel later today.", 1),
        ("If I cancel today, that's on you.", 1),
        ("Can I cancel online?", 1),
        ("Я хочу отменить подписку, без штрафа можно?", 1),  # the intent is said before the question
        ("Если вы не отмените подписку, я пожалуюсь.", 1),
        ("Why do I have to call three times to cancel?", 1),
    ],
)
def test_more_questions_about_cancelling_are_no_cancel(text: str, n: int) -> None:
    assert rules.keyword_hits([text]).get("cancel", 0) == n
