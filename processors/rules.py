"""Algorithmic criteria: what needs no LLM (price mentions, keyword hits, talk ratio, word count)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from processors.text import word_count

_NUM = r"\d[\d\s.,]*"
_NUM_WORDS_EN = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)"
)
_NUM_WORDS_RU = (
    r"(?:од(?:ин|на|ну)|дв[аеу]|три|четыре|пять|шесть|семь|восемь|девять|десять|\w*надцать|двадцать|тридцать|"
    r"сорок|пятьдесят|шестьдесят|семьдесят|восемьдесят|девяносто|сто|двести|триста|четыреста|\w*сот|"
    r"тысяч\w*|миллион\w*)"
)
#: A money amount: a currency sign or word next to a number (digits or number words), Russian or English.
PRICE_RE = re.compile(
    rf"(?:[$€£₽]\s?{_NUM})"
    rf"|(?:{_NUM}\s?(?:[$€£₽]|dollars?|bucks|euros?|pounds?|usd|eur|r(?:o?ubles?|ub)\b|руб\w*|р\.|долл\w*|евро))"
    rf"|(?:\b(?:{_NUM_WORDS_EN}[\s-]+)+(?:dollars?|bucks|euros?|pounds?|r(?:o?ubles?)\b))"
    rf"|(?:(?<!\w)(?:{_NUM_WORDS_RU}\s+)+(?:руб\w*|долл\w*|евро))",
    re.IGNORECASE | re.UNICODE,
)

#: Every PRICE_RE match contains one of these: texts without any are skipped cheaply.
_CURRENCY_HINT = re.compile(
    r"[$€£₽]|dollar|buck|euro|pound|usd|eur|rub|roub|руб|р\.|долл|евро", re.IGNORECASE
)

#: Default phrase dictionary (per-tenant YAML dictionaries come later): name -> phrases.
DEFAULT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "greeting": ("hello", "good morning", "good afternoon", "здравствуйте", "добрый день", "доброе утро"),
    "thanks": ("thank you", "thanks", "спасибо", "благодарю"),
    "apology": ("sorry", "apologize", "apologise", "извините", "простите", "приносим извинения"),
    "cancel": ("cancel", "terminate", "отменить", "расторгнуть", "отказаться"),
    "legal": ("lawyer", "attorney", "court", "sue", "юрист", "адвокат", "суд"),
    "too_expensive": ("too expensive", "expensive", "дорого"),
}


def price_mentions(texts: Iterable[str]) -> int:
    """Number of money amounts named."""
    return sum(len(PRICE_RE.findall(text)) for text in texts if _CURRENCY_HINT.search(text))


def keyword_hits(
    texts: Iterable[str], keywords: Mapping[str, Iterable[str]] = DEFAULT_KEYWORDS
) -> dict[str, int]:
    """Occurrences of each dictionary entry (case-insensitive, on word boundaries); zero counts omitted."""
    joined = "\n".join(texts).lower()
    hits = {}
    for name, phrases in keywords.items():
        n = len(_phrase_pattern(tuple(phrases)).findall(joined))
        if n:
            hits[name] = n
    return hits


@cache
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern per dictionary entry; longest phrase first, so "too expensive" counts once, not
    also as "expensive"."""
    alternatives = "|".join(re.escape(p.lower()) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def rule_metrics(transcript: Mapping[str, Any]) -> dict[str, Any]:
    """RuleMetrics for a transcript whose segments carry ``kept`` flags."""
    texts = [s["text"] for s in transcript["segments"] if s.get("kept", True)]
    metrics = transcript["metrics"]
    agent, customer = metrics.get("agent_talk_s"), metrics.get("customer_talk_s")
    ratio = (
        agent / (agent + customer)
        if agent is not None and customer is not None and agent + customer > 0
        else None
    )
    return {
        "price_mentions": price_mentions(texts),
        "keyword_hits": keyword_hits(texts),
        "words": sum(word_count(t) for t in texts),
        "agent_talk_ratio": ratio,
    }
