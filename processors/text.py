"""Small text helpers shared by the text processors (filtering, compression, rules, key facts)."""

from __future__ import annotations

import operator
import re
import re._constants as _sre
import re._parser as _sre_parser
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import chain
from typing import Any

from processors.numbers import DIGIT_NOUN, DIGIT_NOUN_WORD, NUMBER_WORD, NUMBER_WORDS

WORD_RE = re.compile(r"\w+", re.UNICODE)
#: Letters only (no digits): repeats of digits are data ("45 45" in a phone), never collapsed; nor
#: are repeats of number words ("пять пять пять"), which ``_collapse`` leaves out.
#: Possessive runs (``++``): a shorter run of letters (separators) would be followed by a letter
#: (separator) where the pattern needs something else, so backtracking into a run never matches;
#: the engine no longer tries it (the same matches, about twice as fast on text with a repeat).
_W = r"[^\W\d_]++(?:['’][^\W\d_]++)?"
#: A unit never starts inside a hyphenated word: "add-on on the account" keeps its "on".
#: The unit is one word before two (``??``): with two first, "я я я я я" was the unit "я я" twice
#: plus "я", three words left, and "да да да да" became "да да".
_REPEAT_RE = re.compile(
    rf"(?<!\w)(?<!\w[‑-])({_W}(?:\s+{_W})??)(?:[\s,.!…‑-]++\1(?!\w))+", re.IGNORECASE | re.UNICODE
)
#: A number word among the letter runs of a repeated unit.
_NUMBER_IN_UNIT = re.compile(rf"(?<!\w)(?:{NUMBER_WORD}|{DIGIT_NOUN_WORD})", re.IGNORECASE | re.UNICODE)
#: Words that never collapse: number words and a digit's nouns ("двойка, двойка" dictates 2 2).
_COUNTING_WORDS = NUMBER_WORDS | DIGIT_NOUN
#: Not at a "." between digits ("$49.99", "12.03"): that splits an amount in two. The run of other
#: characters is possessive: the ending that follows always matches where the run stops (at an
#: end mark or the text's end), so giving characters back never helps, and the engine takes a
#: run in one step instead of one alternation per character (about 2.5x as fast, the same matches).
_SENTENCE_RE = re.compile(r"(?:[^.!?…]++|(?<=\d)\.(?=\d))+(?:[.!?…]+|$)")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:…])")
_DOUBLE_PUNCT = re.compile(r"([,;:])(?:\s*[,;:])+")
_LEADING_CHARS = frozenset(",;:.…-")
_LEADING_PUNCT = re.compile(r"^[\s,;:.…-]+")


def has_words(text: str) -> bool:
    """True when ``text`` holds at least one letter or digit."""
    return WORD_RE.search(text) is not None


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text))


def normalise_space(text: str) -> str:
    # Already normal (the common case) when " " is its only whitespace (a printable text has no
    # other character str.split splits on), never doubled nor at an end: no list of words to build.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def collapse_repeats(text: str) -> str:
    """ "да-да-да-да" → "да", "yeah yeah yeah" → "yeah", "I mean, I mean" → "I mean".

    One- and two-word runs of letters only, without number words: numbers are data (a phone
    dictated "45 45" or "сорок пять сорок пять", a code "пять пять пять").
    """
    return collapse_repeats_words(text)[0]


def collapse_repeats_words(text: str, words: list[str] | None = None) -> tuple[str, list[str] | None]:
    """:func:`collapse_repeats` of ``text`` and, when that is ``text`` unchanged, the words of
    ``text.lower()`` (``WORD_RE``) found on the way, which callers need too (else None).
    ``words``: those words, when the caller has them already."""
    if len(text) < 3:
        return text, None
    if words is None:
        words = WORD_RE.findall(text.lower())
    # fast path (the back-reference regex is the slow part): no word or word pair repeats at once;
    # a pair repeat needs words[i] == words[i + 2], which is cheaper to rule out than pairs
    single = any(map(operator.eq, words, words[1:]))
    # a unit with an apostrophe is more \w+ runs than words ("we've been" is three), so its
    # repeat is three or four runs on
    apostrophe = "'" in text or "’" in text
    if (
        not single
        and not any(map(operator.eq, words, words[2:]))
        and not (apostrophe and any(map(operator.eq, words, words[3:])))
        and not (apostrophe and any(map(operator.eq, words, words[4:])))
    ):
        return text, words
    # number words (and a digit's nouns) never collapse, so their repeats ("пять пять пять", "двойка,
    # двойка") do not count: each one becomes an object equal to nothing else
    keys: Sequence[object] = words
    if not _COUNTING_WORDS.isdisjoint(words):
        # "oh oh" stays a repeat here: whether it is zeros ("one oh oh three") depends on the words
        # next to it, which only _collapse looks at (a number word elsewhere in the text says nothing)
        keys = [object() if w in _COUNTING_WORDS else w for w in words]
        single = any(map(operator.eq, keys, keys[1:]))
    # a pair repeats where a word equals the one two on, and so does the word after it (no pair
    # tuples built: one byte a word)
    if not single and not apostrophe and b"\x01\x01" not in bytes(map(operator.eq, keys, keys[2:])):
        return text, words
    # a unit is one or two words of letters, each one \w+ run or two around an apostrophe
    # (in a short text the search costs less than finding where to search)
    span = _repeat_span(text, words, (1, 2, 3, 4) if apostrophe else (1, 2)) if len(text) >= 60 else None
    if span == ():
        return text, words
    out = _collapse(text, _REPEAT_RE, *(span or ()))
    return out, words if out == text else None


def _repeat_span(text: str, words: list[str], runs: Sequence[int]) -> tuple[int, int] | tuple[()] | None:
    """Where in ``text`` (``words``: its lower-case words) a match of :data:`_REPEAT_RE` or
    :data:`_REPEAT3_RE` whose unit is ``k`` \\w+ runs (``k`` in ``runs``) may start: (no sooner, no
    later), () where none may, None where that is not known (``text`` not fold-safe).

    Why: a unit's words are letter runs that start where no word character is before them and end
    at a space, an apostrophe or a separator, so each is one whole \\w+ run, and its repeat
    (``\\1``, then no word character) is the same runs with separators only between the two: the
    unit's ``k`` runs from run ``i`` on equal the ``k`` runs after them. Equal case-insensitively,
    which in fold-safe text is equal lower-cased (lower-casing it keeps every character's place and
    the runs). So a match starts only at the start of such a run ``i``, which is at least the lengths
    of the runs before it and a separator after each, and leaves room for the runs from it on."""
    if not fold_safe(text):
        return None
    first = last = -1
    for k in runs:
        same = bytes(map(operator.eq, words, words[k:]))  # 1 where a run equals the one k runs on
        repeat = b"\x01" * k
        if (i := same.find(repeat)) >= 0:
            first = i if first < 0 else min(first, i)
            last = max(last, same.rfind(repeat))
    if first < 0:
        return ()
    return (
        sum(map(len, words[:first])) + first,
        len(text) - sum(map(len, words[last:])) - (len(words) - 1 - last),
    )


def _collapse(
    text: str, pattern: re.Pattern[str] = _REPEAT_RE, pos: int = 0, until: int | None = None
) -> str:
    """``_REPEAT_RE.sub(r"\\1", text)`` as if no letter run of ``_W`` could be a number word, and
    keeping a word doubled with a hyphen ("so-so", "Baden-Baden") unless it is a backchannel
    ("да-да", "yeah-yeah"): a hyphenated pair is a word of its own.

    Why not a ``(?!number word)`` in ``_W``: the engine would try it at every word, which makes the
    pattern several times slower. A match whose unit holds a number word is skipped, and the search
    goes on one character later, as the engine's would: every unit tried at that place starts with
    the same word, so none without the number word was missed.

    ``pos``, ``until``: no match starts before, or after (see :func:`_repeat_span`).
    """
    parts = []
    end = len(text) if until is None else until
    last = 0
    while pos <= end and (m := pattern.search(text, pos)) is not None:
        unit = m.group(1)
        if _NUMBER_IN_UNIT.search(unit) is not None or (
            unit.lower() == "oh" and _digit_oh(text, m.start(), m.end())
        ):
            pos = m.start() + 1
        elif m.group() == f"{unit}-{unit}" and " " not in unit and unit.lower() not in _HYPHEN_REPEATS:
            pos = m.end()
        elif unit.lower() == "so" and (so_so := SO_SO.match(text, m.start())) and so_so.end() == m.end():
            pos = m.end()  # so-so written with a space: a word of its own
        else:
            parts += (text[last : m.start()], unit)
            last = pos = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


_WORD_BEFORE = re.compile(r"(\w+)\W*$")
_WORD_AFTER = re.compile(r"\W*(\w+)")


def _digit_oh(text: str, start: int, end: int) -> bool:
    """Whether "oh oh" at ``text[start:end]`` is zeros read out: a number word or digits next to it
    ("one oh oh three" is 1003, not "one oh three"); "Oh oh, that is bad" is a sigh."""
    before = _WORD_BEFORE.search(text, max(0, start - 20), start)
    after = _WORD_AFTER.match(text, end)
    words = [m.group(1) for m in (before, after) if m is not None]
    return any(w.isdigit() or w.lower() in NUMBER_WORDS for w in words)


#: "so so" at a clause's end is one word, so-so ("How is it?" / "So so."), however Whisper spaces it:
#: no stutter of "so" to collapse to a bare "So.", nor two fillers ("It was so so slow" is a stutter).
SO_SO = re.compile(r"(?<![\w‑-])so[ ‑-]so(?=\s*+(?:[.!?…]|$))", re.IGNORECASE)


#: Backchannels written doubled with a hyphen, collapsed like any repeat ("да-да" → "да").
_HYPHEN_REPEATS = frozenset(
    ("да", "нет", "ага", "угу", "ну", "так", "э", "эм", "м", "мм", "а", "ой", "ох", "ах", "хм", "yeah", "yes",
     "no", "ok", "okay", "bye", "um", "mm", "hmm", "yep", "nope", "right", "sure", "well")
)  # fmt: skip


#: Abbreviations a number follows ("т.е. 2990 рублей", "approx. 500", "до 15 янв. 2027", "п. 3").
_ABBREVIATION = re.compile(
    r"(?<![^\W\d_])(?:т\.\s?[едкпн]|напр|см|п|ст|гл|ок|прим|тыс|млн|млрд|руб|коп|янв|фев|мар|апр|авг|"
    r"сент?|окт|нояб?|дек|approx|e\.g|i\.e|no|nos|vs|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.$",
    re.IGNORECASE,
)
#: Titles a name follows ("Mr. Smith"), whatever its case.
_TITLES = ("mr.", "mrs.", "ms.", "dr.")
#: A time zone after a clock time's "a.m."/"p.m." ("by 3 p.m. Eastern"): the same sentence, or the zone
#: is a sentence of one word that compression cuts.
_CLOCK_END = ("a.m.", "p.m.")
_TIME_ZONE = re.compile(
    r"(?:eastern|central|pacific|mountain|atlantic|alaska|hawaii|[ecmp][sd]?t|gmt|utc|bst|cet|cest|msk)"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """Split on sentence-ending punctuation, keeping it; blank pieces are dropped. A piece that
    starts with a lower-case letter goes on the sentence before: the "." was an abbreviation's
    ("500 руб. в месяц", "т.е. вы", "approx. five"), as Whisper starts every sentence with a
    capital. So does a number after a known abbreviation ("т.е. 2990", "п. 3"), a name after
    a title ("Mr. Smith") and a time zone after a clock time ("3 p.m. Eastern")."""
    out: list[str] = []
    start = end = 0  # where the last sentence is in ``text``, so a joined sentence is as written
    search = WORD_RE.search
    for m in _SENTENCE_RE.finditer(text):
        piece = m.group().strip()
        if not piece or search(piece) is None:
            continue
        if out:
            # the text before, ``text[:end].rstrip()``, read in place: ``text[:at]``
            at = end
            while at and text[at - 1].isspace():
                at -= 1
            if text[at - 1 : at] == ".":
                first = piece[0]
                if (
                    first.islower()
                    or (first.isdigit() and _ABBREVIATION.search(text, max(0, at - 8), at) is not None)
                    or text[max(0, at - 4) : at].lower().endswith(_TITLES)
                    or (text[max(0, at - 4) : at].lower() in _CLOCK_END and _TIME_ZONE.match(piece))
                ):
                    end = m.end()
                    out[-1] = text[start:end].strip()
                    continue
        out.append(piece)  # ``text[m.start():m.end()].strip()``
        start, end = m.span()
    return out


#: Whether _SPACE_BEFORE_PUNCT and _DOUBLE_PUNCT have anything to do in tidy (see there): searches
#: the regex engine runs much faster than those substitutions.
_SPACE_THEN_PUNCT = re.compile(r" [,.!?;:…]")
_PUNCT_PAIR = re.compile(r"[,;:][,;:]")


def tidy(text: str) -> str:
    """Clean up after words were cut out: stray spaces before punctuation, doubled commas, a
    leading comma, and a lower-case first letter."""
    text = normalise_space(text)
    # every space is now one " ", so a space before punctuation is " ," and the like; once those
    # are gone, doubled punctuation starts with two marks in a row; leading punctuation is no space
    if _SPACE_THEN_PUNCT.search(text):
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if _PUNCT_PAIR.search(text):
        text = _DOUBLE_PUNCT.sub(r"\1", text)
    if text[:1] in _LEADING_CHARS:
        text = _LEADING_PUNCT.sub("", text)
    return text[:1].upper() + text[1:] if text else text


def first_words(phrases: tuple[str, ...] | list[str] | frozenset[str]) -> frozenset[str]:
    """Lower-case first words of ``phrases`` (stems without ``*``): a text that contains none of
    them cannot match :func:`phrase_pattern`, which lets callers skip the regex."""
    return frozenset(WORD_RE.findall(p.lower().rstrip("*"))[0] for p in phrases if WORD_RE.search(p))


#: How phrase_pattern spells a space and a hyphen.
_PHRASE_PIECES = {" ": r"[\s,]+", "-": r"[\s‑-]?"}
_SPECIAL = frozenset(".^$*+?{}[]()|\\")


def is_char_piece(piece: str) -> bool:
    """Whether ``piece`` of a pattern source matches exactly one given character (``a``, ``\\.``)."""
    if len(piece) == 1:
        return piece not in _SPECIAL
    return len(piece) == 2 and piece[0] == "\\" and not piece[1].isalnum()


def factored(alternatives: list[list[str]]) -> str:
    """The alternation of ``alternatives`` (each a list of pattern pieces, in priority order) with
    shared leading characters factored out: ``ab|ac|x`` → ``a(?:b|c)|x``.

    Python's regex engine tries the alternatives of a group one by one, so a long phrase list costs
    a comparison per phrase at every word start; factored, it costs one per distinct first letter.
    The same matches, in a case-sensitive pattern: two different characters never match at the same
    place, so alternatives that start with different characters may change places, and
    ``ab|ac`` is ``a(?:b|c)``. An alternative that starts with anything else keeps its place.
    """
    return "|".join(first + rest for first, rest in factored_parts(alternatives))


def factored_parts(alternatives: list[list[str]]) -> list[tuple[str, str]]:
    """The top-level parts of :func:`factored`: (first character piece, the rest), or ("", part) for a
    part that starts with anything else."""
    parts = []
    i = 0
    while i < len(alternatives):
        if not alternatives[i] or not is_char_piece(alternatives[i][0]):
            parts.append(("", "".join(alternatives[i])))
            i += 1
            continue
        by_first: dict[str, list[list[str]]] = {}
        while i < len(alternatives) and alternatives[i] and is_char_piece(alternatives[i][0]):
            by_first.setdefault(alternatives[i][0], []).append(alternatives[i][1:])
            i += 1
        for first, rests in by_first.items():
            parts.append((first, f"(?:{factored(rests)})" if len(rests) > 1 else "".join(rests[0])))
    return parts


#: ``(?<!\w)`` one character later: right after a part's first character, it looks at the one before.
_WORD_START_AFTER_FIRST = r"(?<!\w[\s\S])"


def word_start_factored(alternatives: list[list[str]]) -> str:
    r"""``(?<!\w)(?:factored(alternatives))`` with the same matches, the lookbehind checked right after
    each part's first character instead (a lookbehind that reaches before the string start holds, as
    ``(?<!\w)`` does there).

    Why: a pattern that starts with a lookbehind is tried at every position; one whose alternatives all
    start with a plain character lets the regex engine skip to the next position holding one of them.
    """
    return "(?:{})".format(
        "|".join(
            first + _WORD_START_AFTER_FIRST + rest if first else r"(?<!\w)" + rest
            for first, rest in factored_parts(alternatives)
        )
    )


#: (source, flags) of an IGNORECASE pattern -> the source of a pattern with the same matches that
#: the regex engine runs faster (see :func:`factored`); its twin is compiled from that instead.
_fast_sources: dict[tuple[str, int], str] = {}


def register_fast_twin(pattern: re.Pattern[str], source: str) -> None:
    """Compile ``pattern``'s twin from ``source``: a pattern with the same matches (and the same
    group structure, up to group names), for instance with its alternatives :func:`factored`."""
    if len(_fast_sources) >= 4096:  # patterns built on the fly: keep the table bounded
        _fast_sources.clear()
    _fast_sources[(pattern.pattern, pattern.flags)] = source


#: What a config error says of a ``*`` inside a phrase.
WILDCARD_HINT = (
    "'*' ends the last word of a phrase only (one inside is read as a star and never matches); "
    "write each form of the other words as a phrase of its own"
)


def inner_wildcard(phrases: Iterable[Any]) -> str | None:
    """The first phrase with a ``*`` before its end ("позови* руководител*"): :func:`phrase_pattern`
    reads ``*`` only as the end of a phrase, so such a phrase would look for a literal star and never
    match. Config readers refuse it, naming it."""
    return next((p for p in map(str, phrases) if "*" in p.strip().rstrip("*")), None)


def phrase_pattern(phrases: tuple[str, ...] | list[str] | frozenset[str]) -> re.Pattern[str]:
    """One case-insensitive pattern over ``phrases`` on word boundaries, longest first (so "too
    expensive" wins over "expensive"). Phrases may contain hyphens and spaces; ``*`` at the end of
    a phrase is a word-stem wildcard ("отмен*" matches "отменить")."""
    alts = []
    pieces = []
    for p in sorted({p.lower() for p in phrases if p}, key=len, reverse=True):
        stem = p.endswith("*")
        body = re.escape(p.rstrip("*")).replace(r"\ ", r"[\s,]+").replace(r"\-", r"[\s‑-]?")
        alts.append(body + (r"\w*" if stem else ""))
        pieces.append(
            [_PHRASE_PIECES.get(ch, re.escape(ch)) for ch in p.rstrip("*")] + ([r"\w*"] if stem else [])
        )
    if not alts:
        return re.compile(r"(?!x)x")
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alts)})(?!\w)", re.IGNORECASE | re.UNICODE)
    if all("".join(p) == alt for p, alt in zip(pieces, alts, strict=True)):
        register_fast_twin(pattern, rf"{word_start_factored(pieces)}(?!\w)")
    return pattern


#: How long a first word :class:`WordGate` looks for may be: shorter finds more places the pattern
#: fails at, longer needs more scans for the forms of one word.
_GATE_PREFIX = 5


class WordGate:
    """Where a match of :func:`phrase_pattern` (``phrases``) can start: at a phrase's first word (the
    word a match starts with, or the start of it: "отмен*" matches "отменить", "uh-huh" "uhhuh").
    Lets :meth:`count` try the pattern there only."""

    def __init__(self, phrases: tuple[str, ...] | list[str] | frozenset[str]) -> None:
        firsts = set()
        self.always = False  # a phrase that does not start with a word: it may match anywhere
        for p in {p.lower() for p in phrases if p}:
            first = WORD_RE.match(p.rstrip("*"))
            if first is None:
                self.always = True
            else:
                firsts.add(first.group())
        self.firsts = frozenset(firsts)
        # What count() looks for: the first words cut to _GATE_PREFIX characters, less those that
        # start with another one ("thank" finds "thanks" too; "отмен" finds "отменить", "отмену"):
        # every first word starts with one of them, so they find every place a match can start,
        # with a scan of the text fewer per word they stand for. No two of them start at one place.
        cut = {word[:_GATE_PREFIX] for word in firsts}
        self.needles = tuple(sorted(w for w in cut if not any(o != w and w.startswith(o) for o in cut)))

    def count(self, twin: re.Pattern[str], folded: str) -> int | None:
        """``len(twin.findall(folded))`` for the case-sensitive twin of the phrase pattern, or None
        when it has to be counted that way (a phrase that is no word, or many first words).

        Every match starts where a first word occurs, so the pattern is tried only there: finding
        a few short words with ``str.find`` is much faster than a regex scan of the text.
        """
        at = self.starts(folded)
        return None if at is None else self.count_at(twin, folded, at)

    def starts(
        self, folded: str, most: int = 64, seen: dict[str, list[int]] | None = None
    ) -> list[int] | None:
        """Where in ``folded`` a first word occurs (ascending; places inside a word, where no match
        starts, may be left out), or None where :meth:`count` counts by the pattern: a phrase that is
        no word, or more than ``most`` first words (one ``str.find`` scan of the text each: past some
        number one regex scan costs less; a caller that uses the places for more than one count may
        allow more). Each place lies inside a word, so inside one of texts joined by a separator.
        ``seen``: the places of each first word found in ``folded`` so far, shared by the gates of
        several entries ("i", "не" start phrases of several)."""
        if self.always or len(self.firsts) > most:
            return None
        found: list[int] = []
        for word in self.needles:
            at = seen.get(word) if seen is not None else None
            if at is None:
                at = _word_places(folded, word)
                if seen is not None:
                    seen[word] = at
            found += at
        found.sort()
        return found

    @staticmethod
    def count_at(twin: re.Pattern[str], folded: str, at: list[int]) -> int:
        """:meth:`count`, ``at`` the places :meth:`starts` finds in ``folded``."""
        n = end = 0
        for i in at:
            if i >= end and (m := twin.match(folded, i)) is not None:  # the lookbehind sees folded[i - 1]
                n += 1
                end = m.end()
        return n


def _word_places(folded: str, word: str) -> list[int]:
    """Places of ``word`` in ``folded`` for :meth:`WordGate.starts`: a short one ("i", "в", "не") is
    mostly inside other words, where the engine's scan for it at a word start (:func:`_word_start`)
    drops it in C; a longer one is rare enough that ``str.find`` finds each place faster."""
    if len(word) <= 2:
        return [m.start() for m in _word_start(word).finditer(folded)]
    return find_all(folded, word)


@lru_cache(maxsize=4096)  # first words of the dictionaries' entries: bounded, tenants add a few
def _word_start(word: str) -> re.Pattern[str]:
    """``word`` where no word character stands before it; the literal first, so the engine skips to it."""
    return re.compile(rf"{re.escape(word)}(?<!\w{re.escape(word)})")


def find_all(text: str, sub: str) -> list[int]:
    """Every index where ``sub`` (not empty) starts in ``text``, overlaps included."""
    found = []
    i = text.find(sub)
    while i >= 0:
        found.append(i)
        i = text.find(sub, i + 1)
    return found


#: Disfluencies and in-turn backchannels stripped by compression (never a whole turn's meaning).
DISFLUENCIES = (
    "uh", "um", "uhm", "erm", "er", "ah", "hmm", "mm", "mhm", "uh-huh", "mm-hmm", "you know",
    "i mean", "kind of", "sort of", "basically",
    "э", "ээ", "эээ", "э-э", "э-э-э", "эм", "эмм", "м", "мм", "ммм", "угу", "ага", "ну", "как бы", "типа",
    "короче", "в общем", "вот", "это самое", "так сказать", "значит так",
)  # fmt: skip
_DISFLUENCY_RE = phrase_pattern(DISFLUENCIES)
#: A stripped word's commas go too: "Um, so" → "So", "I will, uh, send" → "I will send".
_DISFLUENCY_FIRST = first_words(DISFLUENCIES)
_DISFLUENCY_WITH_COMMA = re.compile(rf",?\s*{_DISFLUENCY_RE.pattern},*", re.IGNORECASE | re.UNICODE)


#: Disfluencies that are also words ("do you know the price?", "I mean it", "это самое дешёвое",
#: "какого типа", "в общем доступе", "как бы мне отключить"): stripped only when set off on both
#: sides by punctuation or the text's edges, as Whisper writes a filler ("It's, you know, great").
AMBIGUOUS_DISFLUENCIES = frozenset(
    {
        "you know",
        "i mean",
        "kind of",
        "sort of",
        "basically",
        "это самое",
        "типа",
        "короче",
        "в общем",
        "как бы",
        # units after a figure ("15 м", "2 мм"); a hum only when set off ("Мм, да")
        "м",
        "мм",
        # the letter M spelled out ("эн-эм-эй", "эр эм"); a hum only when set off ("Эм, да")
        "эм",
    }
)
#: Ambiguous disfluencies that a hyphen next to them joins to a word instead of setting them off: a
#: letter name in a spelling ("эн-эм-эй").
_JOINED_BY_HYPHEN = frozenset({"эм"})
_SET_OFF = frozenset(",.!?…;:—–-()")


def _set_off(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands between punctuation (or the text's edges)."""
    # the last character before it and the first after it that are no space (read in place: copying
    # the text on either side to strip it cost more than the rest)
    while start and text[start - 1].isspace():
        start -= 1
    if start and text[start - 1] not in _SET_OFF:
        return False
    size = len(text)
    while end < size and text[end].isspace():
        end += 1
    return end == size or text[end] in _SET_OFF


def _strippable(text: str, start: int, end: int) -> bool:
    """Whether the disfluency matched at ``text[start:end]`` goes (see :data:`AMBIGUOUS_DISFLUENCIES`)."""
    phrase = " ".join(text[start:end].lower().split())
    if phrase not in AMBIGUOUS_DISFLUENCIES:
        return True
    if phrase in _JOINED_BY_HYPHEN and "-" in text[max(start - 1, 0) : start] + text[end : end + 1]:
        return False
    return _set_off(text, start, end)


#: Disfluencies of one word (no space) that are no word of their own: stripped wherever found.
_ALWAYS_STRIPPED = frozenset(p.lower() for p in DISFLUENCIES if " " not in p) - AMBIGUOUS_DISFLUENCIES
_disfluency_twin: list[re.Pattern[str] | None] = []


def _disfluency_core() -> re.Pattern[str] | None:
    """``case_sensitive_twin(_DISFLUENCY_RE)``, looked up once."""
    if not _disfluency_twin:
        _disfluency_twin.append(case_sensitive_twin(_DISFLUENCY_RE))
    return _disfluency_twin[0]


#: Every disfluency starts with a word character (what ``_strip_spans`` relies on).
_DISFLUENCIES_START_WITH_WORDS = all(WORD_RE.match(p) for p in DISFLUENCIES)


def strip_disfluencies(text: str, pattern: re.Pattern[str] | None = None) -> str:
    """Remove "uh", "um", "ну", "э-э", "как бы", ... and tidy the punctuation they leave behind."""
    if pattern is None:
        folded = fold(text)
        core = case_sensitive_twin(_DISFLUENCY_RE)
        if folded is not None and core is not None and _DISFLUENCIES_START_WITH_WORDS:
            spans = _strip_spans(core, folded)
            if not spans:
                return text
            parts, last = [], 0
            for start, stop in spans:
                parts.append(text[last:start])
                last = stop
            parts.append(text[last:])
            return tidy("".join(parts))
        if _DISFLUENCY_FIRST.isdisjoint(WORD_RE.findall(text.lower())):
            return text
        pattern = _DISFLUENCY_WITH_COMMA
    stripped = _remove(pattern, text)
    return tidy(stripped) if stripped != text else text


def _strip_spans(core: re.Pattern[str], folded: str) -> list[tuple[int, int]]:
    """The spans ``_DISFLUENCY_WITH_COMMA`` (``,?\\s*`` + disfluency + ``,*``) removes from ``folded``,
    found by scanning for the bare disfluency (``core``, the twin of ``_DISFLUENCY_RE``: about twice as
    fast, as the regex engine no longer tries the optional comma and spaces at every position), and
    [] where the words of ``folded`` include no first word of a disfluency (the old prefilter).

    Why the spans are the same: a disfluency starts with a word character, so ``,?\\s*`` before it
    takes the whole run of spaces up to it and the comma right before that run, but nothing the
    previous span already took; ``,*`` after it takes every comma that follows.
    """
    spans = []
    end = 0
    first_word = False
    size = len(folded)
    for m in core.finditer(folded):
        found = m.group()
        start, stop = m.span()
        # a one-word disfluency that is no word of its own is always stripped (see _strippable)
        if found not in _ALWAYS_STRIPPED and not _strippable(folded, start, stop):
            # kept, with the commas right after it, as the one-regex removal would keep them
            end = stop
            while end < size and folded[end] == ",":
                end += 1
            continue
        while start > end and folded[start - 1].isspace():
            start -= 1
        if start > end and folded[start - 1] == ",":
            start -= 1
        while stop < size and folded[stop] == ",":
            stop += 1
        spans.append((start, stop))
        end = stop
        if not first_word:
            # a first word found whole is the \w+ run the match starts with (it ends at a non-word)
            first_word = found in _DISFLUENCY_FIRST or (
                WORD_RE.match(folded, m.start()).group() in _DISFLUENCY_FIRST  # type: ignore[union-attr]
            )
    if spans and not first_word and _DISFLUENCY_FIRST.isdisjoint(WORD_RE.findall(folded)):
        return []  # e.g. only "uhhuh" (= "uh-huh"), which the first-word prefilter never let through
    return spans


def _remove(pattern: re.Pattern[str], text: str) -> str:
    """``pattern.sub("", text)``, with :func:`ci_finditer` (the same matches) for an IGNORECASE pattern."""
    if not pattern.flags & re.IGNORECASE:
        return pattern.sub("", text)
    parts = []
    last = 0
    for m in ci_finditer(pattern, text):
        core = m.group().strip(" ,\t\n")
        at = m.start() + m.group().find(core)
        if pattern is _DISFLUENCY_WITH_COMMA and not _strippable(text, at, at + len(core)):
            continue
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


def fold_safe(text: str) -> bool:
    """Whether ``text`` is made only of the characters :func:`fold` accepts: lower-casing it is one
    character to one, with no context (no final sigma) and as the regex engine's case folding does."""
    return _FOLD_SAFE_RE.fullmatch(text) is not None


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
    fast = _fast_sources.get((pattern.pattern, pattern.flags))
    return re.compile(_lower_source(fast) if fast is not None else source, flags)


def ci_view(pattern: re.Pattern[str], text: str, folded: str | None = None) -> tuple[re.Pattern[str], str]:
    """What to match an IGNORECASE ``pattern`` with, and on: its case-sensitive twin on the
    lower-cased text (``folded``, computed when not given) where that is safe, else both unchanged."""
    twin = case_sensitive_twin(pattern)
    if twin is not None:
        if folded is None:
            folded = fold(text)
        if folded is not None:
            return twin, folded
    return pattern, text


def ci_findall(pattern: re.Pattern[str], text: str, folded: str | None = None) -> list[Any]:
    """``pattern.findall(text)`` for an IGNORECASE ``pattern``, faster for fold-safe text; the matched
    strings may come lower-cased (compare them lower-cased; counting them is exact)."""
    matcher, subject = ci_view(pattern, text, folded)
    return matcher.findall(subject)


def ci_finditer(pattern: re.Pattern[str], text: str, folded: str | None = None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for an IGNORECASE ``pattern``, faster for fold-safe text.

    The matches may come from ``text.lower()`` (``folded``, when the caller has it): spans, group
    names and ``m.group().lower()`` are the same either way; ``text[m.start():m.end()]`` is the
    original spelling.
    """
    matcher, subject = ci_view(pattern, text, folded)
    return matcher.finditer(subject)


# --- speech clean-up: fillers out, the sentence around them mended ---------------------------------------
#
# strip_disfluencies and collapse_repeats keep their answers (other stages and their tests rely on them);
# clean_speech does both and mends what a removed filler leaves behind.

#: A self-repair of three words ("I need to, um, I need to check"): collapsed once the filler between
#: the two goes. Kept apart from _REPEAT_RE, whose one- and two-word units every stage shares.
_REPEAT3_RE = re.compile(
    rf"(?<!\w)(?<!\w[‑-])({_W}(?:\s+{_W}){{2}})(?:[\s,.!…‑-]++\1(?!\w))+", re.IGNORECASE | re.UNICODE
)
#: "ну что", "ну как": a question ("well, how is it going?"), not a filler; "ну как бы" is two fillers.
_NU_QUESTION = re.compile(r"\s+(?:что|как(?!\s+бы(?!\w)))(?!\w)", re.IGNORECASE)
#: Words that start a new clause or a repair: a filler set off by commas before one of them stood at a
#: clause boundary, whose comma stays ("the team plan, um, it includes" → "the team plan, it includes";
#: "I will, uh, send" keeps no comma).
_CLAUSE_STARTS = frozenset(
    ("i", "we", "he", "she", "they", "it", "there", "the", "я", "мы", "ты", "он", "она", "оно", "они", "это",
     "сам", "сама", "само", "сами")
)  # fmt: skip
#: Words after which "the" goes on with their clause (a preposition's or a verb's object, a
#: conjunction's clause), not a new one after a filler.
_TAKES_THE = frozenset(
    ("to", "for", "with", "of", "on", "in", "at", "about", "from", "into", "by", "and", "but", "or", "get",
     "got", "have", "had", "need", "want", "see", "saw", "check", "send", "give", "take", "confirm",
     "verify", "update", "change", "cancel", "pull", "is", "are", "was", "were", "be", "like", "use")
)  # fmt: skip
_LETTER_RE = re.compile(r"[^\W\d_]")
_FIRST_WORD = re.compile(r"[\s,]*(\w+)")


def _sentence_ended(before: str) -> bool:
    """Whether ``before`` (stripped) ends a sentence: ".", "!" or "?", not an ellipsis or an abbreviation."""
    last = before[-1:]
    if last in ("!", "?"):
        return True
    if last != "." or before.endswith(".."):
        return False
    return _ABBREVIATION.search(before, max(0, len(before) - 8)) is None and not before[-4:].lower().endswith(
        _TITLES
    )


def _filler_spans(text: str) -> list[tuple[int, int]]:
    """The spans :func:`strip_disfluencies` removes from ``text``, less "ну" asking a question ("ну что?"),
    and each one taking the comma a kept filler left before it ("kind of, you know, really")."""
    folded = fold(text)
    if folded is not None and _disfluency_core() is not None and _DISFLUENCIES_START_WITH_WORDS:
        return _folded_filler_spans(text, folded)
    if _DISFLUENCY_FIRST.isdisjoint(WORD_RE.findall(text.lower())):
        return []
    found = []
    for m in ci_finditer(_DISFLUENCY_WITH_COMMA, text):
        word = m.group().strip(" ,\t\n")
        at = m.start() + m.group().find(word)
        if _strippable(text, at, at + len(word)):
            found.append(m.span())
    spans: list[tuple[int, int]] = []
    for start, stop in found:
        word_end = stop
        while word_end > start and text[word_end - 1] == ",":
            word_end -= 1
        if text[start:word_end].strip(" ,\t\n").lower() == "ну" and _NU_QUESTION.match(text, word_end):
            continue
        limit = spans[-1][1] if spans else 0
        before = text[limit:start].rstrip()
        if text[start] != "," and before.endswith(","):
            start = limit + len(before) - 1
        spans.append((start, stop))
    return spans


def _folded_filler_spans(text: str, folded: str) -> list[tuple[int, int]]:
    """:func:`_filler_spans` of fold-safe ``text`` (``folded``: its lower-case form): the spans of
    :func:`_strip_spans` and the pass over them above in one loop, reading ``folded`` (the same
    characters as ``text`` but for the case of letters, which no test here looks at)."""
    spans: list[tuple[int, int]] = []
    end = 0  # where the last match, taken or kept (with its commas), ends: _strip_spans's ``end``
    taken = first_word = False
    size = len(folded)
    for m in _disfluency_core().finditer(folded):  # type: ignore[union-attr]
        found = m.group()
        start, stop = m.span()
        if found not in _ALWAYS_STRIPPED and not _strippable(folded, start, stop):
            end = stop
            while end < size and folded[end] == ",":
                end += 1
            continue
        while start > end and folded[start - 1].isspace():
            start -= 1
        comma = start > end and folded[start - 1] == ","
        if comma:
            start -= 1
        word_end = stop
        while stop < size and folded[stop] == ",":
            stop += 1
        end = stop
        taken = True
        if not first_word:
            # a first word found whole is the \w+ run the match starts with (it ends at a non-word)
            first_word = found in _DISFLUENCY_FIRST or (
                WORD_RE.match(folded, m.start()).group() in _DISFLUENCY_FIRST  # type: ignore[union-attr]
            )
        if (
            found == "ну"
            and folded[start:word_end].strip(" ,\t\n") == "ну"
            and _NU_QUESTION.match(text, word_end)
        ):
            continue
        limit = spans[-1][1] if spans else 0
        # a comma a kept filler left right before this one (``start`` went back to that filler's end;
        # anywhere else the character before ``start`` is a comma taken, or no comma nor space)
        if not comma and start > limit:
            before = folded[limit:start].rstrip()
            if before.endswith(","):
                start = limit + len(before) - 1
        spans.append((start, stop))
    if taken and not first_word and _DISFLUENCY_FIRST.isdisjoint(WORD_RE.findall(folded)):
        return []  # e.g. only "uhhuh" (= "uh-huh"), which the first-word prefilter never let through
    return spans


#: Fillers that mark a boundary when set off by commas ("Tuesday, I mean, Thursday": a correction),
#: unlike a hesitation inside a clause ("I will, uh, send", "We're, you know, a small team").
_BOUNDARY_MARKERS = frozenset(("i mean",))
#: Hedges a speaker keeps before the next word ("kind of, you know, really like": no comma after it).
_KEPT_HEDGES = ("kind of", "sort of", "как бы", "типа")


def _boundary(before: str, removed: str, next_word: str) -> bool:
    """Whether a filler ``removed`` between commas sat on a boundary whose comma stays: before a new
    clause ("the team plan, um, it includes"), as a boundary marker ("you know", "I mean"), or
    between two numbers ("пять, э-э, двести" is 5 and 200, not 5200)."""
    if next_word in _CLAUSE_STARTS:
        # "the" after a word that wants what follows continues its clause: "Could I get, um, the
        # name" is no "Could I get, the name"
        return next_word != "the" or _last_word(before) not in _TAKES_THE
    if before[-8:].lower().endswith(_KEPT_HEDGES):
        return False
    if removed.strip(" ,\t\n").lower() in _BOUNDARY_MARKERS:
        return True
    # the next word first: the word before is read only when it may matter (rarely)
    return (next_word[:1].isdigit() or next_word in NUMBER_WORDS) and (
        (last := _last_word(before))[-1:].isdigit() or last in NUMBER_WORDS
    )


def _last_word(before: str) -> str:
    """The last word of ``before`` (stripped), lower-cased, without commas."""
    return before[before.rfind(" ") + 1 :].lower().strip(",") if before else ""


def _output_tail(parts: list[str]) -> str:
    """``"".join(parts).rstrip()``, or as much of its end as :func:`_sentence_ended` reads (its last
    12 characters suffice): joining every part again for each filler made long turns quadratic."""
    last = parts[-1].rstrip() if parts else ""
    return last if len(last) >= 12 else "".join(parts).rstrip()


_SENTENCE_ENDS = (".", "!", "?")


def strip_fillers(text: str) -> str:
    """:func:`strip_disfluencies`, mending what a removed filler leaves: a capital where it opened a
    sentence ("Хм. Ну, это дорого" → "Хм. Это дорого"), the comma of a clause boundary it sat on, no
    comma left after a kept filler, and "ну что" (a question) kept."""
    spans = _filler_spans(text)
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, stop in spans:
        last = _mend(text, parts, last, start, stop)
    parts.append(text[last:])
    return tidy("".join(parts))


def _mend(text: str, parts: list[str], last: int, start: int, stop: int, until: int | None = None) -> int:
    """Take the filler ``text[start:stop]`` out: append to ``parts`` (the output so far, ``text`` up to
    ``last`` mended) the text before it and what mends the join; answer where the rest starts.
    ``until``: where the text ends in ``text`` (its end when None)."""
    if until is None:
        until = len(text)
    if last > start:
        # the filler before this one opened a sentence and the letter it capitalised is this filler's
        # first ("Да. Ну, как бы, я" gave "Да. К я"): take that capital back, and only spaces and
        # commas lay between the two, so this filler opens the sentence now and passes the capital on
        parts.pop()
        last = start
    piece = text[last:start]
    parts.append(piece)
    # _output_tail(parts) only where it is read: for _boundary past its first test, and where the
    # output so far (its last character that is no space) may end a sentence
    tail = None
    if (
        text[start] == ","
        and text[stop - 1] == ","
        and (word := _FIRST_WORD.match(text, stop, until)) is not None
        and (
            ((next_word := word.group(1).lower()) in _CLAUSE_STARTS and next_word != "the")
            or (
                # what _boundary answers True on past a clause start: a boundary marker or a number
                # next; else it is False whatever the output so far, which need not be joined
                (
                    next_word in _CLAUSE_STARTS
                    or next_word[:1].isdigit()
                    or next_word in NUMBER_WORDS
                    or text[start:stop].strip(" ,\t\n").lower() in _BOUNDARY_MARKERS
                )
                and _boundary(tail := _output_tail(parts), text[start:stop], next_word)
            )
        )
    ):
        parts.append(", ")
    elif (
        # the tail's last character is the piece's, unless the piece is only spaces
        ((rest := piece.rstrip())[-1:] in _SENTENCE_ENDS or not rest)
        and (tail := _output_tail(parts) if tail is None else tail)[-1:] in _SENTENCE_ENDS
        and _sentence_ended(tail)
        and (letter := _LETTER_RE.search(text, stop, until)) is not None
        and not text[stop : letter.start()].strip(" ,")
    ):
        # the filler opened a sentence: what now opens it gets the capital Whisper gave the filler
        # (a figure opening it stays as it is: "Um, 300 dollars" is no "300 Dollars")
        parts.append(text[stop : letter.start()] + letter.group().upper())
        return letter.end()
    return stop


#: What :func:`strip_fillers_of` joins texts with: no character the disfluency pattern matches (no word
#: character, space, comma or hyphen), and no word character for its lookarounds.
_JOIN = "\x00"


def strip_fillers_of(texts: list[str]) -> list[str]:
    r"""``[strip_fillers(text) for text in texts]``, the texts read as one where all are fold-safe: one
    fold and one scan for all of them (a call's segments), the spans and their mending in one pass.

    Why the same: joined by :data:`_JOIN`, which no piece of the disfluency pattern matches, a match
    lies inside one text, and where a text's matches end the scan goes on to the next text's first
    one, as a scan of that text alone finds it (its lookbehind ``(?<!\w[\s\S])`` after a first
    character and its ``(?!\w)`` hold at the separator as at a string's edge). Each step that reads
    around a match (:func:`_strippable`, the commas and spaces, "ну что", the mending) is bounded by
    the text's ends as :func:`_folded_filler_spans` and :func:`_mend` are by the string's; a span is
    mended as soon as it is known, which is what :func:`strip_fillers` does with the spans in order."""
    core = _disfluency_core()
    joined = _JOIN.join(texts)
    folded = fold(joined) if texts else None
    if (
        folded is None
        or core is None
        or not _DISFLUENCIES_START_WITH_WORDS
        or joined.count(_JOIN) != len(texts) - 1
    ):
        return [strip_fillers(text) for text in texts]
    out = list(texts)
    i = -1  # the text of the matches read now: texts[i], at folded[a:b]
    a = b = -1
    parts: list[str] = []
    last = limit = end = 0  # the mended text's end; the last span's end; the last match's end
    taken = first_word = spanned = False
    for m in chain(core.finditer(folded), (None,)):
        at, stop = m.span() if m is not None else (len(folded) + 1, 0)
        if at > b:  # the first match of another text (a match never starts at a separator), or the end
            if spanned and not (
                taken and not first_word and _DISFLUENCY_FIRST.isdisjoint(WORD_RE.findall(folded, a, b))
            ):
                parts.append(joined[last:b])
                out[i] = tidy("".join(parts))
            if m is None:
                break
            while at > b:
                i += 1
                a = b + 1
                b = a + len(texts[i])
            parts = []
            last = limit = end = a
            taken = first_word = spanned = False
        found = m.group()
        if found not in _ALWAYS_STRIPPED and not _strippable_in(folded, at, stop, a, b):
            end = stop
            while end < b and folded[end] == ",":
                end += 1
            continue
        start = at
        while start > end and folded[start - 1].isspace():
            start -= 1
        comma = start > end and folded[start - 1] == ","
        if comma:
            start -= 1
        word_end = stop
        while stop < b and folded[stop] == ",":
            stop += 1
        end = stop
        taken = True
        if not first_word:
            first_word = found in _DISFLUENCY_FIRST or (
                WORD_RE.match(folded, at).group() in _DISFLUENCY_FIRST  # type: ignore[union-attr]
            )
        if (
            found == "ну"
            and folded[start:word_end].strip(" ,\t\n") == "ну"
            and _NU_QUESTION.match(joined, word_end, b)
        ):
            continue
        if not comma and start > limit:
            before = folded[limit:start].rstrip()
            if before.endswith(","):
                start = limit + len(before) - 1
        limit = stop
        spanned = True
        last = _mend(joined, parts, last, start, stop, b)
    return out


#: What :func:`_strippable_in` compares of a disfluency found: its words lower-cased, one space between
#: them (a few spellings recur: "как бы", "you know"), worked out once for each.
_PHRASES: dict[str, str] = {}


def _strippable_in(text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """:func:`_strippable` of a text that is ``text[lo:hi]``, given where in ``text`` it is."""
    found = text[start:end]
    phrase = _PHRASES.get(found)
    if phrase is None:
        phrase = " ".join(found.lower().split())
        if len(_PHRASES) < 4096:
            _PHRASES[found] = phrase
    if phrase not in AMBIGUOUS_DISFLUENCIES:
        return True
    if phrase in _JOINED_BY_HYPHEN and "-" in text[max(start - 1, lo) : start] + text[end : min(end + 1, hi)]:
        return False
    while start > lo and text[start - 1].isspace():  # _set_off, within the text
        start -= 1
    if start > lo and text[start - 1] not in _SET_OFF:
        return False
    while end < hi and text[end].isspace():
        end += 1
    return end == hi or text[end] in _SET_OFF


def clean_speech_of(texts: list[str]) -> list[tuple[str, list[str] | None]]:
    """``[clean_speech(text) for text in texts]``, the fillers stripped by :func:`strip_fillers_of`."""
    return [_clean_stripped(out) for out in strip_fillers_of(texts)]


def _collapse_long(text: str, words: list[str] | None, repeats: bool = False) -> tuple[str, list[str] | None]:
    """Three-word repeats of ``text`` (``words``: its lower-case words, or None) collapsed, as
    :func:`collapse_repeats_words` answers. ``repeats``: a word of ``words`` is known to come twice."""
    if words is None:
        words = WORD_RE.findall(text.lower())
    if not repeats and len(set(words)) == len(words):
        return text, words  # no word said twice: no unit repeats (the common case, read faster)
    # a unit with apostrophes is three to six \w+ runs
    gaps = range(3, 7) if "'" in text or "’" in text else (3,)
    # the words themselves first: a key equals another only where their words do (the common case:
    # no word comes again three words on, and no keys need building)
    if not any(any(map(operator.eq, words, words[gap:])) for gap in gaps):
        return text, words
    # a number word or a spelled letter ("K L M K L M" is a code read out) never repeats a unit
    keys: Sequence[object] = [object() if w in NUMBER_WORDS or len(w) == 1 else w for w in words]
    if not any(any(map(operator.eq, keys, keys[gap:])) for gap in gaps):
        return text, words
    span = _repeat_span(text, words, gaps)
    if span == ():
        return text, words
    out = _collapse(text, _REPEAT3_RE, *(span or ()))
    return out, words if out == text else None


def clean_speech(text: str) -> tuple[str, list[str] | None]:
    """``collapse_repeats_words(strip_disfluencies(text))`` with the joins mended (:func:`strip_fillers`)
    and three-word self-repairs collapsed too ("let me just, uh, let me just pull" → "let me just pull"):
    the cleaned text, and its lower-case words when found on the way (else None)."""
    return _clean_stripped(strip_fillers(text))


def _clean_stripped(out: str) -> tuple[str, list[str] | None]:
    """:func:`clean_speech` of the text ``out`` is :func:`strip_fillers` of."""
    if len(out) < 3:
        return _collapse_long(out, None)  # what collapse_repeats_words leaves it: no words found
    words = WORD_RE.findall(out.lower())
    if len(set(words)) == len(words):
        # no word said twice: no unit of any length repeats, and both collapses return the text as is
        return out, words
    collapsed, same = collapse_repeats_words(out, words)
    # unchanged, its words are ``words``, one said twice (known above: no set to build again)
    return _collapse_long(collapsed, same, same is not None)
