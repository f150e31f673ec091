"""Small text helpers shared by the text processors (filtering, compression, rules, key facts)."""

from __future__ import annotations

import operator
import re
import re._constants as _sre
import re._parser as _sre_parser
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

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
    pairs = list(pairwise(words))
    if not (any(map(operator.eq, words, words[1:])) or any(map(operator.eq, pairs, pairs[2:]))):
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
    stripped = _remove(pattern, text)
    return tidy(stripped) if stripped != text else text


def _remove(pattern: re.Pattern[str], text: str) -> str:
    """``pattern.sub("", text)``, with :func:`ci_finditer` (the same matches) for an IGNORECASE pattern."""
    if not pattern.flags & re.IGNORECASE:
        return pattern.sub("", text)
    parts = []
    last = 0
    for m in ci_finditer(pattern, text):
        parts.append(text[last : m.start()])
        last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


# --- case-insensitive matching, faster ---------------------------------------------------------------
#
# The lexicon patterns are IGNORECASE. Python's regex engine skips a non-matching alternative of a
# long alternation with one comparison only when the alternative starts with a case-sensitive
# literal, so IGNORECASE makes them 2-3x slower. For text made only of the characters below,
# matching the same pattern without IGNORECASE against ``text.lower()`` finds exactly the same
# matches at the same positions: lower-casing these characters is one character to one character,
# none of them takes part in the engine's special case folds ("ſ" ~ "s", "K" ~ "k", "İ" ~ "i", ...),
# and a case-insensitive comparison of them with a lower-case literal is a comparison of their
# lower-case forms (``tests/unit/test_text_processors.py`` checks this character by character).
# Any other text takes the IGNORECASE pattern as before.

#: ASCII, Latin-1 punctuation (not µ), Cyrillic (not Ѣ ѣ), general punctuation, currency signs.
_FOLD_SAFE = "\x00-\x7f\u00a0-\u00b4\u00b6-\u00bf\u0400-\u0461\u0464-\u04ff\u2000-\u206f\u20a0-\u20cf"
_FOLD_SAFE_RE = re.compile(f"[{_FOLD_SAFE}]*")


def fold(text: str) -> str | None:
    """``text.lower()`` when :func:`ci_finditer` may match a lower-case twin pattern against it
    (English and Russian text), else None."""
    return text.lower() if _FOLD_SAFE_RE.fullmatch(text) is not None else None


def _fold_safe_char(code: int) -> bool:
    return _FOLD_SAFE_RE.fullmatch(chr(code)) is not None


def _lowered_tree(node: Any) -> Any:
    """The parsed pattern ``node`` as nested tuples, its cased literals lower-cased; raises
    ValueError where lower-casing would not give an equivalent case-sensitive pattern."""
    if isinstance(node, _sre_parser.SubPattern):
        return tuple(_lowered_tree(item) for item in node.data)
    if isinstance(node, list | tuple):
        if len(node) == 2 and node[0] in (_sre.LITERAL, _sre.NOT_LITERAL):
            char = chr(node[1])
            low = char.lower()
            if low != char and len(low) != 1:
                raise ValueError(f"no single lower-case form: {char!r}")
            if low != low.upper() and not _fold_safe_char(ord(low)):
                raise ValueError(f"cased literal outside the fold-safe characters: {char!r}")
            return (node[0], ord(low))
        if len(node) == 2 and node[0] is _sre.RANGE:
            lo, hi = node[1]
            for code in range(lo, hi + 1):
                char = chr(code)
                if char.lower() != char or (char != char.upper() and not _fold_safe_char(code)):
                    raise ValueError(f"range with upper-case or unsafe letters: {lo:x}-{hi:x}")
            return (node[0], (lo, hi))
        return tuple(_lowered_tree(item) for item in node)
    return node


def _lower_source(source: str) -> str:
    """``source`` with its letters lower-cased, except escapes (``\\W`` stays ``\\W``) and ``(?P``."""
    out = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            out.append(source[i : i + 2])
            i += 2
        elif source.startswith("(?P", i):
            out.append("(?P")
            i += 3
        else:
            out.append(char.lower())
            i += 1
    return "".join(out)


#: id(pattern) -> (pattern, its twin): hashing a compiled pattern hashes all its code, on every call.
_twins: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}


def case_sensitive_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``pattern`` (IGNORECASE) without IGNORECASE and with its literals lower-cased, for
    :func:`fold`-ed text; None when that would not be the same pattern."""
    known = _twins.get(id(pattern))
    if known is not None and known[0] is pattern:
        return known[1]
    twin = _twin(pattern)
    if len(_twins) >= 4096:  # patterns built on the fly: keep the table bounded
        _twins.clear()
    _twins[id(pattern)] = (pattern, twin)  # the pattern stays referenced: its id is not reused
    return twin


def _twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    if not pattern.flags & re.IGNORECASE or pattern.flags & (re.ASCII | re.LOCALE):
        return None
    flags = pattern.flags & ~re.IGNORECASE
    source = _lower_source(pattern.pattern)
    try:
        original = _sre_parser.parse(pattern.pattern, pattern.flags)
        lowered = _sre_parser.parse(source, flags)
        if _lowered_tree(original) != _lowered_tree(lowered):  # e.g. an escape like \W lower-cased
            return None
        if original.state.groupdict != lowered.state.groupdict:
            return None
    except Exception:  # incl. a change in the engine's private parser: keep the IGNORECASE pattern
        return None
    return re.compile(source, flags)


def ci_findall(pattern: re.Pattern[str], text: str, folded: str | None = None) -> list[Any]:
    """``pattern.findall(text)`` for an IGNORECASE ``pattern``, faster for fold-safe text; the matched
    strings may come lower-cased (compare them lower-cased; counting them is exact)."""
    twin = case_sensitive_twin(pattern)
    if twin is not None:
        if folded is None:
            folded = fold(text)
        if folded is not None:
            return twin.findall(folded)
    return pattern.findall(text)


def ci_finditer(pattern: re.Pattern[str], text: str, folded: str | None = None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for an IGNORECASE ``pattern``, faster for fold-safe text.

    The matches may come from ``text.lower()`` (``folded``, when the caller has it): spans, group
    names and ``m.group().lower()`` are the same either way; ``text[m.start():m.end()]`` is the
    original spelling.
    """
    twin = case_sensitive_twin(pattern)
    if twin is not None:
        if folded is None:
            folded = fold(text)
        if folded is not None:
            return twin.finditer(folded)
    return pattern.finditer(text)
