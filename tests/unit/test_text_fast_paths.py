"""The text stages' faster forms give exactly what the plain forms give, on random text.

Each plain form below is the straightforward code (or pattern) the fast one replaces; the texts mix
lexicon phrases, fillers, number words, PII, punctuation, repeats, capitals and characters outside
the fold-safe set (which take the IGNORECASE paths).
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from processors import filtering, keyfacts, numbers, pii, rules
from processors import text as T
from processors.filtering import FilterOptions, filter_transcript
from streams.bench_text import make_long_transcript
from tests.unit.test_text_speed_equivalence import plain_keyword_hits

ODD = ["ſ", "K", "İ", "ß", "µ", "é", "Ё", "ѣ", "ᲂ", "Ω", "×"]
PUNCT = [",", ".", "?", "!", "…", "-", "‑", ";", ":", ", ,", ",;", "...", "\u00a0", "\t", "\n"]
PII = ["+7 916 123-45-67", "4111 1111 1111 1111", "123-45-6789", "112-233-445 95", "4510 123456",
       "паспорт 4510123456", "jo@example.com", "+44 20 7946 0958", "2 990", "49.99", "[PHONE]"]  # fmt: skip


def _vocab() -> list[str]:
    lists = (
        filtering.FILLERS_EN, filtering.FILLERS_RU, filtering.KEEP_WORDS, keyfacts.OBJECTION,
        keyfacts.REFUSAL, keyfacts.COMMITMENT, keyfacts.LEGAL, keyfacts.EMOTION, keyfacts.QUESTION_WORDS,
        T.DISFLUENCIES,
    )  # fmt: skip
    words = [p.replace("*", "ing") for phrases in lists for p in phrases]
    words += [*numbers._VALUES, "hundred", "тысяч", "dollars", "рублей", "$", "€", "руб.", "евро", "bucks"]
    words += ["uhhuh", "mmhmm", "ээ", "don't", "I’ll", "we", "the", "plan", "тариф", "договор", "hi", "this"]
    words += ["a_b", "_"]
    for entry in rules.DEFAULT_KEYWORDS.values():
        words += list(entry)
    return words


def _texts(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    vocab = _vocab()
    out = []
    for _ in range(n):
        words = []
        for _ in range(rng.randint(0, 14)):
            roll = rng.random()
            if roll < 0.6:
                word = rng.choice(vocab)
            elif roll < 0.75:
                word = rng.choice(PUNCT)
            elif roll < 0.83:
                word = rng.choice(PII)
            elif roll < 0.9:
                word = str(rng.choice([3, 15, 39, 120, 2990]))
            else:
                word = rng.choice(ODD)
            if rng.random() < 0.15:
                word = rng.choice([" ", "-", ", ", "... "]).join([word] * rng.randint(2, 3))
            if rng.random() < 0.15:
                word = rng.choice([str.upper, str.title, str.capitalize])(word)
            words.append(word)
        out.append(rng.choice([" ", " ", "  ", ", "]).join(words))
    return out


TEXTS = _texts(1500)


def _number_repeats(n: int, seed: int = 4) -> list[str]:
    """Short texts thick with repeats of number words, fillers and both, in any case."""
    rng = random.Random(seed)
    vocab = ["пять", "сорок", "five", "one", "двух", "ста", "тысяч", "yeah", "да", "no", "we're", "o'five"]
    vocab += ["ſix", "сто", "стать"]
    seps = [" ", ", ", "-", "! ", "... ", "'"]
    out = []
    for _ in range(n):
        words = [rng.choice([str, str.upper, str.title])(rng.choice(vocab)) for _ in range(rng.randint(1, 7))]
        out.append("".join(w + rng.choice(seps) for w in words).strip())
    return out


_NUMBER_REPEATS = _number_repeats(1500)
#: Units with apostrophes are more \w+ runs than words ("we've been" is three).
_APOSTROPHES = [
    "We've been we've been looking at a competitor.",
    "don't won't, don't won't",
    "it’s it’s fine, I'm I'm sure",
    "they'd say they'd say пять пять",
    "o'clock o'clock o'clock",
    "we've been we're been",
]


def _plain_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The twin as it was: the pattern's own source lower-cased, without IGNORECASE."""
    return re.compile(T._lower_source(pattern.pattern), pattern.flags & ~re.IGNORECASE)


def _plain_tidy(text: str) -> str:
    text = T._DOUBLE_PUNCT.sub(r"\1", T._SPACE_BEFORE_PUNCT.sub(r"\1", T.normalise_space(text)))
    text = T._LEADING_PUNCT.sub("", text)
    return text[:1].upper() + text[1:] if text else text


def _plain_strip(text: str) -> str:
    if T._DISFLUENCY_FIRST.isdisjoint(T.WORD_RE.findall(text.lower())):
        return text

    def repl(m: re.Match[str]) -> str:
        # an ambiguous filler ("you know", "как бы") goes only when set off by punctuation
        core = m.group().strip(" ,\t\n")
        at = m.start() + m.group().find(core)
        return "" if T._strippable(text, at, at + len(core)) else m.group()

    stripped = T._DISFLUENCY_WITH_COMMA.sub(repl, text)
    return _plain_tidy(stripped) if stripped != text else text


#: A run of letters that is no number word (number words, like digits, are never collapsed).
_L = rf"(?!{numbers.NUMBER_WORD})[^\W\d_]+"
_W = rf"{_L}(?:['’]{_L})?"
_PLAIN_REPEAT = re.compile(rf"(?<!\w)(?<!\w[‑-])({_W}(?:\s+{_W})??)(?:[\s,.!…‑-]+\1(?!\w))+", re.IGNORECASE)


def _plain_collapse(text: str) -> str:
    if len(text) < 3:
        return text

    def repl(m: re.Match[str]) -> str:
        unit = m.group(1)  # a word doubled with a hyphen ("so-so") is a word, unless a backchannel
        if unit.lower() == "oh" and T._digit_oh(text, m.start(), m.end()):
            return m.group()  # a zero among number words ("one oh oh three")
        if unit.lower() == "so" and (so_so := T.SO_SO.match(text, m.start())) and so_so.end() == m.end():
            return m.group()  # "So so." at a clause's end: so-so, a word
        keep = m.group() == f"{unit}-{unit}" and " " not in unit and unit.lower() not in T._HYPHEN_REPEATS
        return m.group() if keep else unit

    return _PLAIN_REPEAT.sub(repl, text)


@pytest.mark.parametrize(
    "pattern",
    [
        T._DISFLUENCY_RE,
        FilterOptions()._filler_re,
        FilterOptions()._keep_re,
        FilterOptions()._answer_re,
        *(rules._entry(tuple(p))[0] for p in rules.DEFAULT_KEYWORDS.values()),
        keyfacts._pattern(keyfacts.DEFAULT_LEXICON),
    ],
)
def test_factored_twins_match_what_the_plain_twins_match(pattern):
    fast, plain = T.case_sensitive_twin(pattern), _plain_twin(pattern)
    assert fast is not None
    for text in TEXTS:
        folded = T.fold(text)
        if folded is None:
            continue
        got = [(m.span(), (m.lastgroup or "").partition("_")[0]) for m in fast.finditer(folded)]
        assert got == [(m.span(), m.lastgroup or "") for m in plain.finditer(folded)], text


def test_factoring_keeps_the_order_of_alternatives():
    assert T.factored([list("abc"), list("x"), list("abd"), list("ab"), [r"\w*"], list("ay")]) == (
        r"a(?:b(?:c|d|))|x|\w*|ay"
    )


def test_disfluencies_tidy_and_repeats_as_before():
    for text in [*TEXTS, *_NUMBER_REPEATS, *_APOSTROPHES]:
        assert T.strip_disfluencies(text) == _plain_strip(text), text
        assert T.tidy(text) == _plain_tidy(text), text
        assert T.collapse_repeats(text) == _plain_collapse(text), text
        collapsed, words = T.collapse_repeats_words(text)
        assert words is None or words == T.WORD_RE.findall(collapsed.lower())
        assert numbers.normalise_numbers(text, T.WORD_RE.findall(text.lower())) == numbers.normalise_numbers(
            text
        )


def test_signals_and_questions_as_the_ignorecase_patterns_find_them():
    pattern = keyfacts._pattern(keyfacts.DEFAULT_LEXICON)
    question = keyfacts._question_pattern(keyfacts.DEFAULT_LEXICON)
    for text in TEXTS:
        expected = [(m.lastgroup, " ".join(m.group().lower().split())) for m in pattern.finditer(text)]
        expected += [("question", "?")] if question.search(text) else []
        assert keyfacts.signals(text) == expected, text


def test_rules_over_joined_texts_as_text_by_text():
    rng = random.Random(5)
    tenant = {"refund": ("refund*", "верните деньги", "money-back"), "odd": ("ſorry", "x"), "any": ("*",)}
    for _ in range(300):
        texts = rng.sample(TEXTS, rng.randint(0, 6))
        # the plain path text by text (a list of amounts naming its currency once counts each one)
        expected = sum(rules._amounts(t, rules.PRICE_RE) for t in texts if rules._CURRENCY_HINT.search(t))
        assert rules.price_mentions(texts) == expected, texts
        joined = "\n".join(texts)
        for entries in (rules.DEFAULT_KEYWORDS, tenant):
            assert rules.keyword_hits(texts, entries) == plain_keyword_hits(entries, joined), texts
        counts: Counter[str] = Counter()
        for text in texts:  # text by text: the order languages first appear in breaks most_common ties
            for code, script in (("en", rules._LATIN), ("ru", rules._CYRILLIC)):
                if found := script.findall(text):
                    counts[code] += len(found)
        assert list(rules.language_mix(texts).items()) == list(counts.items()), texts


def test_language_ties_break_as_before():
    assert rules.language_mix(["Привет мир", "Hello world"]).most_common(1)[0][0] == "ru"
    assert rules.language_mix(["Hello world", "Привет мир"]).most_common(1)[0][0] == "en"


def test_pii_patterns_as_written_plainly():
    card = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
    ident = re.compile(
        r"(?<![\d-])(?:\d{3}-\d{2}-\d{4}|\d{3}-\d{3}-\d{3}[ -]\d{2}|\d{2} ?\d{2} \d{6})(?![\d-])"
    )
    for text in [*TEXTS, " ".join(PII), "-4111 1111 1111 1111", "1234-56-7890 12", "45 10 123456-"]:
        assert [m.span() for m in pii._CARD.finditer(text)] == [m.span() for m in card.finditer(text)]
        assert [m.span() for m in pii._ID.finditer(text)] == [m.span() for m in ident.finditer(text)]


def test_filter_remembers_short_verdicts_without_changing_them():
    options = FilterOptions()
    for i in range(3):  # the same calls again: verdicts now come from the memo
        for j in range(4):
            transcript = make_long_transcript(f"m-{j}", random.Random(j), "en" if j % 2 else "ru")
            fresh = filter_transcript(transcript, FilterOptions())
            assert filter_transcript(transcript, options) == fresh, (i, j)
    assert 0 < len(options._memo) <= filtering._MEMO_SIZE
    assert all(len(text) <= filtering._MEMO_CHARS for text, _ in options._memo)


@pytest.mark.parametrize(
    ("text", "collapsed"),
    [
        ("Oh oh, that is bad, two dollars.", "Oh, that is bad, two dollars."),  # a number word elsewhere
        ("oh, oh see you in court ... 15 2 990 девятьсот", "oh see you in court ... 15 2 990 девятьсот"),
        ("It is one oh oh three.", "It is one oh oh three."),  # zeros next to a number word
    ],
)
def test_a_sigh_repeated_collapses_whatever_numbers_the_text_holds_elsewhere(text, collapsed):
    assert T.collapse_repeats(text) == _plain_collapse(text) == collapsed


def test_first_word_gates_sharing_their_places_find_every_match_of_the_plain_pattern():
    """WordGate.starts skips short first words inside other words ("i" in "this", "в" in "слово") and
    shares the places of a first word between entries ("i" starts phrases of legal and do_not_call)."""
    rng = random.Random(6)
    for _ in range(300):
        joined = "\n".join(rng.sample(TEXTS, rng.randint(1, 8)))
        folded = T.fold(joined)
        if folded is None:
            continue
        seen: dict[str, list[int]] = {}
        for entry in rules.DEFAULT_KEYWORDS.values():
            pattern, gate = rules._entry(tuple(entry))
            assert gate is not None
            at = gate.starts(folded, 128, seen)
            assert at is not None
            plain = [m.span() for m in pattern.finditer(joined)]
            assert rules._spans_at(T.case_sensitive_twin(pattern), folded, at) == plain, joined
