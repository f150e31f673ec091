"""Small text helpers shared by the text processors (filtering, compression, rules, key facts)."""

from __future__ import annotations

import re

WORD_RE = re.compile(r"\w+", re.UNICODE)
#: Letters only (no digits): repeats of digits are data ("45 45" in a phone), never collapsed.
_W = r"[^\W\d_]+(?:['’][^\W\d_]+)?"
_REPEAT_RE = re.compile(rf"(?<!\w)({_W}(?:\s+{_W})?)(?:[\s,.!…‑-]+\1(?!\w))+", re.IGNORECASE | re.UNICODE)
_SENTENCE_RE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:…])")
_DOUBLE_PUNCT = re.compile(r"([,;:])(?:\s*[,;:])+")
_LEADING_PUNCT = re.compile(r"^[\s,;:.…-]+")


def has_words(text: str) -> bool:
    """True when ``text`` holds at least one letter or digit."""
    return WORD_RE.search(text) is not None


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text))


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def collapse_repeats(text: str) -> str:
    """ "да-да-да-да" → "да", "yeah yeah yeah" → "yeah", "I mean, I mean" → "I mean".

    One- and two-word runs of letters only: digit runs are data (a phone dictated "45 45").
    """
    if len(text) < 3:
        return text
    words = WORD_RE.findall(text.lower())
    # fast path (the back-reference regex is the slow part): no word or word pair repeats at once
    if not any(
        words[i] == words[i + 1] or words[i : i + 2] == words[i + 2 : i + 4] for i in range(len(words) - 1)
    ):
        return text
    return _REPEAT_RE.sub(r"\1", text)


def sentences(text: str) -> list[str]:
    """Split on sentence-ending punctuation, keeping it; blank pieces are dropped."""
    return [s for m in _SENTENCE_RE.finditer(text) if (s := m.group().strip()) and has_words(s)]


def tidy(text: str) -> str:
    """Clean up after words were cut out: stray spaces before punctuation, doubled commas, a
    leading comma, and a lower-case first letter."""
    text = _DOUBLE_PUNCT.sub(r"\1", _SPACE_BEFORE_PUNCT.sub(r"\1", normalise_space(text)))
    text = _LEADING_PUNCT.sub("", text)
    return text[:1].upper() + text[1:] if text else text


def first_words(phrases: tuple[str, ...] | list[str] | frozenset[str]) -> frozenset[str]:
    """Lower-case first words of ``phrases`` (stems without ``*``): a text that contains none of
    them cannot match :func:`phrase_pattern`, which lets callers skip the regex."""
    return frozenset(WORD_RE.findall(p.lower().rstrip("*"))[0] for p in phrases if WORD_RE.search(p))


def phrase_pattern(phrases: tuple[str, ...] | list[str] | frozenset[str]) -> re.Pattern[str]:
    """One case-insensitive pattern over ``phrases`` on word boundaries, longest first (so "too
    expensive" wins over "expensive"). Phrases may contain hyphens and spaces; ``*`` at the end of
    a phrase is a word-stem wildcard ("отмен*" matches "отменить")."""
    alts = []
    for p in sorted({p.lower() for p in phrases if p}, key=len, reverse=True):
        stem = p.endswith("*")
        body = re.escape(p.rstrip("*")).replace(r"\ ", r"[\s,]+").replace(r"\-", r"[\s‑-]?")
        alts.append(body + (r"\w*" if stem else ""))
    if not alts:
        return re.compile(r"(?!x)x")
    return re.compile(rf"(?<!\w)(?:{'|'.join(alts)})(?!\w)", re.IGNORECASE | re.UNICODE)


#: Disfluencies and in-turn backchannels stripped by compression (never a whole turn's meaning).
DISFLUENCIES = (
    "uh", "um", "uhm", "erm", "er", "ah", "hmm", "mm", "mhm", "uh-huh", "mm-hmm", "you know",
    "i mean", "kind of", "sort of", "basically",
    "э", "ээ", "эээ", "э-э", "э-э-э", "м", "мм", "ммм", "угу", "ага", "ну", "как бы", "типа",
    "короче", "в общем", "вот", "это самое", "так сказать", "значит так",
)  # fmt: skip
_DISFLUENCY_RE = phrase_pattern(DISFLUENCIES)
#: A stripped word's commas go too: "Um, so" → "So", "I will, uh, send" → "I will send".
_DISFLUENCY_FIRST = first_words(DISFLUENCIES)
_DISFLUENCY_WITH_COMMA = re.compile(rf",?\s*{_DISFLUENCY_RE.pattern},*", re.IGNORECASE | re.UNICODE)


def strip_disfluencies(text: str, pattern: re.Pattern[str] | None = None) -> str:
    """Remove "uh", "um", "ну", "э-э", "как бы", ... and tidy the punctuation they leave behind."""
    if pattern is None:
        if _DISFLUENCY_FIRST.isdisjoint(WORD_RE.findall(text.lower())):
            return text
        pattern = _DISFLUENCY_WITH_COMMA
    stripped = pattern.sub("", text)
    return tidy(stripped) if stripped != text else text
