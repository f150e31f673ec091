"""The fast paths of the text stages give what the plain code they replace gives.

Each test runs a fast path and a plain reference (the regex it stands for, or the code as it read
before it was sped up) over random texts made of the words the stages look for (fillers, lexicon
phrases, number words, names) with punctuation, capitals and a few characters outside the fold-safe
set, and compares the answers.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

import pytest

from processors import compression as C
from processors import keyfacts, rules
from processors import text as T
from processors.numbers import NUMBER_WORDS

_OTHER = (
    "what", "we", "do", "is", "the", "plan", "тариф", "стоит", "рублей", "dollars", "so-so", "да-да", "uhhuh",
    "Mr.", "Dr.", "т.е.", "approx.", "руб.", "п.", "I'm", "we've", "it's", "don't", "can't", "n't",
    "Dana", "Lee", "WhatsApp", "Wi-Fi", "CRM", "Северный", "Ветер", "Cloud", "Backup",
    "2990", "49.99", "1,500", "2 990", "5", "0", "[PHONE]", "[CARD]", "$39", "15%",
    # outside the fold-safe characters ("\u212a", the Kelvin sign, is "k" to the engine's case folding)
    "Straße", "İstanbul", "ſorry", "µ", "ª", "²", "҂", "Ѣ", "ё", "Ё", "\u212a", "\u00a0",
)  # fmt: skip
_WORDS = [
    *T.DISFLUENCIES,
    *(
        p.rstrip("*").replace(" *", " send")
        for p in (*keyfacts.OBJECTION, *keyfacts.REFUSAL, *keyfacts.COMMITMENT)
    ),
    *(p.rstrip("*") + "ить" for p in keyfacts.OFFER if p.endswith("*")),
    *keyfacts.COURTESY,
    *keyfacts.DATE[:12],
    *keyfacts.QUESTION_WORDS,
    *C.LEAD_WORDS,
    *C.HEDGES,
    *C.HOLD_PHRASES[:8],
    *keyfacts._REQUEST_PHRASES,
    *sorted(T._CLAUSE_STARTS),
    *sorted(T._HYPHEN_REPEATS),
    *sorted(NUMBER_WORDS)[:40],
    *_OTHER,
]
_GLUE = ["", "", "", "", ",", ",", ".", "?", "!", "…", ":", ";", " -", ",,", "..."]


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words: list[str] = []
        for _ in range(rng.randint(0, 24)):
            word = rng.choice(_WORDS)
            roll = rng.random()
            word = word.capitalize() if roll < 0.2 else word.upper() if roll < 0.24 else word
            words.append(word + rng.choice(_GLUE))
            if rng.random() < 0.1:
                words.append(words[-1])  # a repeat ("it's, it's")
            if rng.random() < 0.04 and len(words) > 3:
                words += words[-3:]  # a three-word self-repair
        out.append(rng.choice([" ", " ", " ", "  ", "\n"]).join(words))
    return out


TEXTS = _texts(7, 4000)


# --- processors.text --------------------------------------------------------------------------------


def _plain_strip_fillers(text: str) -> str:
    """strip_fillers as it read before its fold-safe path: the spans, then the mending loop."""
    spans = T._filler_spans(text)
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, stop in spans:
        if last > start:  # the capital went to this filler's first letter: this filler passes it on
            parts.pop()
            last = start
        parts.append(text[last:start])
        last = stop
        tail = T._output_tail(parts)
        if (
            text[start] == ","
            and text[stop - 1] == ","
            and (word := T._FIRST_WORD.match(text, stop)) is not None
            and T._boundary(tail, text[start:stop], word.group(1).lower())
        ):
            parts.append(", ")
        elif (
            tail[-1:] in (".", "!", "?")
            and T._sentence_ended(tail)
            and (letter := T._LETTER_RE.search(text, stop)) is not None
            and not text[stop : letter.start()].strip(" ,")
        ):
            parts.append(text[stop : letter.start()] + letter.group().upper())
            last = letter.end()
    parts.append(text[last:])
    return T.tidy("".join(parts))


def _plain_sentences(text: str) -> list[str]:
    """sentences as it read before it stopped slicing the text before each sentence."""
    spans: list[list[int]] = []
    for m in T._SENTENCE_RE.finditer(text):
        piece = m.group().strip()
        if not piece or not T.has_words(piece):
            continue
        if spans and (before := text[: spans[-1][1]].rstrip())[-1:] == ".":
            first = piece[0]
            if (
                first.islower()
                or (first.isdigit() and T._ABBREVIATION.search(before, max(0, len(before) - 8)) is not None)
                or before[-4:].lower().endswith(T._TITLES)
            ):
                spans[-1][1] = m.end()
                continue
        spans.append([m.start(), m.end()])
    return [text[a:b].strip() for a, b in spans]


def test_strip_fillers_and_clean_speech_as_the_plain_steps() -> None:
    for text in TEXTS:
        for said in (text, T.normalise_space(text)):
            stripped = _plain_strip_fillers(said)
            assert T.strip_fillers(said) == stripped, said
            # clean_speech skips both collapses when no word repeats
            assert T.clean_speech(said) == T._collapse_long(*T.collapse_repeats_words(stripped)), said


def test_sentences_as_before() -> None:
    for text in TEXTS:
        assert T.sentences(text) == _plain_sentences(text), text


def test_set_off_as_with_the_sides_stripped() -> None:
    rng = random.Random(1)
    for _ in range(50000):
        text = "".join(rng.choice(" \t\n\u00a0a,.-!б(") for _ in range(rng.randint(0, 8)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        before, after = text[:start].rstrip(), text[end:].lstrip()
        expected = (not before or before[-1] in T._SET_OFF) and (not after or after[0] in T._SET_OFF)
        assert T._set_off(text, start, end) == expected, (text, start, end)


# --- processors.keyfacts ----------------------------------------------------------------------------


def test_signals_as_the_ignorecase_patterns_find_them() -> None:
    pattern = keyfacts._pattern(keyfacts.DEFAULT_LEXICON)
    question = keyfacts._question_pattern(keyfacts.DEFAULT_LEXICON)
    assert keyfacts._scanner(keyfacts.DEFAULT_LEXICON) is not None  # the fast path is taken
    for text in TEXTS:
        expected = [
            (m.lastgroup, " ".join(m.group().lower().split()))
            for m in pattern.finditer(text)
            if m.lastgroup != "courtesy"
        ]
        if question.search(text) or keyfacts._REQUEST.search(text):
            expected.append(("question", "?"))
        assert keyfacts.signals(text) == expected, text


def test_every_request_holds_a_hint() -> None:
    for phrase in keyfacts._REQUEST_PHRASES:
        assert any(hint in phrase for hint in keyfacts._REQUEST_HINTS), phrase
    for text in TEXTS:
        folded = text.lower()
        assert keyfacts._requests(folded) == (keyfacts._REQUEST.search(folded) is not None), text


# --- processors.compression -------------------------------------------------------------------------

_PLAIN_NEGATION = re.compile(
    r"(?<!\w)(?:not|no|never|none|nothing|nobody|cannot|не|нет|ни|без|никогда|ничего|нельзя)(?!\w)|n['’]t(?!\w)",
    re.IGNORECASE,
)
_PLAIN_NAME = re.compile(r"(?<=\s)(?<![.!?…]\s)[A-ZА-ЯЁ][^\W\d_]*(?:['’-][^\W\d_]+)?")
_PLAIN_CLAUSE_COMMA = re.compile(r"(?<!\d),|,(?!\d)")


def _plain_trim(text: str, signals: list[tuple[str, str]]) -> str:
    new = C._LEAD_RE.sub("", text, count=1)
    lower = new.lower()
    if any(word in lower for word in C._HEDGE_FIRST):
        new = C._HEDGE_RE.sub("", new)
        lower = new.lower()
    if new == text or not any(map(str.isalnum, new)):
        return text
    lower = " ".join(lower.split())
    if not all(anchor in lower for kind, anchor in signals if kind != "question"):
        return text
    return T.tidy(new)


def test_compression_patterns_as_written_plainly() -> None:
    assert C._NEGATION.pattern == _PLAIN_NEGATION.pattern
    for text in TEXTS:
        negations = sorted(m.group().lower() for m in _PLAIN_NEGATION.finditer(text))
        assert C._polarity(text) == (*negations, "?" if "?" in text else ""), text
        assert C._NAME_RE.findall(text) == _PLAIN_NAME.findall(text), text
        assert C._CLAUSE_COMMA.split(text) == _PLAIN_CLAUSE_COMMA.split(text), text
        found = keyfacts.signals(text)
        assert C._trim(text, found) == _plain_trim(text, found), text
        for fact in found:
            expected = (
                re.search(rf"(?<!\d){re.escape(fact[1])}(?!\d)", text.lower()) is not None
                if fact[0] == "number"
                else fact[1] in " ".join(text.lower().split())
            )
            assert C._has_anchor(text.lower(), fact) == expected


# --- processors.rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entries",
    [
        rules.DEFAULT_KEYWORDS,
        {
            "refund": ("refund*", "верните деньги", "money-back"),
            "stems": ("отмен*", "отменить", "отмену", "от"),
        },
        {"short": ("no", "not", "nothing", "нет", "не", "ни"), "hyphen": ("uh-huh", "mm-hmm", "да-да")},
    ],
)
def test_keyword_hits_as_the_plain_patterns_count_them(entries: dict[str, tuple[str, ...]]) -> None:
    rng = random.Random(5)
    for _ in range(600):
        texts = rng.sample(TEXTS, rng.randint(0, 6))
        assert rules.keyword_hits(texts, entries) == plain_keyword_hits(entries, "\n".join(texts)), texts


def plain_keyword_hits(entries: Mapping[str, Sequence[str]], joined: str) -> dict[str, int]:
    """Each entry's matches of its plain pattern in ``joined``, less the negated ones of a negatable
    entry and those its qualifiers void (``processors.rules.Entry``)."""
    out = {}
    for name, phrases in entries.items():
        pattern = rules._entry_pattern(tuple(phrases))
        n = len(pattern.findall(joined))
        qualifiers = getattr(phrases, "qualifiers", rules.NO_QUALIFIERS)
        if getattr(phrases, "negatable", False):
            n -= rules.negated_hits(pattern, joined, qualifiers)
        elif qualifiers:
            n -= sum(qualifiers.voids(joined, *m.span()) for m in pattern.finditer(joined))
        if n:
            out[name] = n
    return out


def test_price_lists_need_two_numbers() -> None:
    for text in TEXTS:
        if rules._PRICE_LIST_RE.search(text) is not None:
            assert rules._TWO_NUMBERS.search(text) is not None, text
