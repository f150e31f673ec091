"""Algorithmic criteria: what needs no LLM.

Price mentions (Russian and English forms), keyword and phrase hits from per-tenant YAML
dictionaries, the language of the call and its share of code-switching, duration, talk ratio,
silence share, interruptions (from the speech stage's metrics) and PII counts.

Dictionaries: ``processors/dictionaries/default.yaml`` ships with the package; a tenant's
``<tenant>.yaml`` in ``CALLSTREAM_DICTIONARIES_DIR`` (or :attr:`RuleOptions.dictionaries_dir`)
adds entries and replaces entries of the same name.

Language: each word is assigned by its script when only one configured language writes in it
(English and Russian: Latin vs Cyrillic, exact and ~100x faster than a model); words of a script
several configured languages share go to lingua (restricted to those languages). The call's
language is the one most words are in; ``code_switching`` is the share of words in other languages.
In a call's metrics PII placeholders ("[PHONE]") are no words, and Latin names in a segment with
Cyrillic words ("WhatsApp", "iPhone") do not count as English.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

from processors.keyfacts import NOT_SPEECH
from processors.numbers import RU_NUMBER_WORDS, alternation, normalise_numbers
from processors.pii import PLACEHOLDER_RE, count_placeholders
from processors.tenant_config import check_dir, read_yaml, str_list, unknown_keys
from processors.text import (
    WILDCARD_HINT,
    WORD_RE,
    WordGate,
    case_sensitive_twin,
    ci_findall,
    ci_finditer,
    find_all,
    fold,
    inner_wildcard,
    phrase_pattern,
)

#: An amount in digits ("2 990", "39.99", "1,500"), from the start of its run only and possessive: a
#: long run of digit groups with no currency after it is tried once, not from each of its digits.
_NUM = r"(?<![\d.,])(?<!\d\s)\d(?:[.,]?\d|\s(?=\d))*+"
_EN_NUMBER_WORDS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
    "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand",
)  # fmt: skip
_NUM_WORDS_EN = f"(?:{'|'.join(_EN_NUMBER_WORDS)})"
#: Every Russian number word in every case ("от двадцати рублей", "полтора рубля"): the vocabulary of
#: processors.numbers, so the two never disagree on what a number is.
_NUM_WORDS_RU = f"(?:{alternation(RU_NUMBER_WORDS)})"
#: Small change after an amount, in digits or words: "2 рубля 50 копеек", "$39 and 99 cents", "сто рублей
#: пятьдесят копеек", "twenty dollars and fifty cents" are one amount.
_CHANGE = (
    rf"(?:\s+(?:and\s+|и\s+)?(?:\d{{1,2}}\s?|(?:{_NUM_WORDS_RU}\s+)+|(?:{_NUM_WORDS_EN}[\s-]+)+)"
    r"(?:коп(?:еек|ейк[аиу]?)?\.?|cents?|¢|цент(?:а|ов)?)(?![\w-]))?"
)
#: Russian currency nouns (not the adjectives "рублёвый", "долларовый": "10 рублёвых монет").
_RUB_WORD = r"(?:рубл(?:ь|я|ю|ем|е|ей|ям|ями|ях)|доллар(?:а|у|ом|е|ов|ам|ами|ах)?|бакс(?:а|у|ов|ами?|ах)?)"
#: A country adjective between an amount and its currency ("100 американских долларов", "100 US dollars").
_COUNTRY = (
    r"(?:(?:us|american|canadian|australian|hong\s+kong|singapore|new\s+zealand|американск\w+|канадск\w+|"
    r"австралийск\w+|белорусск\w+|российск\w+|гонконгск\w+|сингапурск\w+)\s+)"
)
#: Currency words and codes after an amount, whole words only ("3 рубашки", "евроремонт", "евро-окна"
#: are no money). "rub" the code ("2990 RUB") only when no object follows it ("2 rub of cream", "rub it in").
_CURRENCY = (
    r"(?:[$€£₽₸₴¢]|(?:руб|долл|р|коп|грн|у\.\s?е)\.|(?:dollars?|bucks?|euros?|pounds?|quid|cents?|usd|eur|gbp|"
    r"rub(?!\s+(?:of|in|on|into|it|them|the|an?)\b)|"
    rf"r(?:o?ubles?)|{_RUB_WORD}|руб|евро|тенге|гривен|гривн(?:а|ы|е|у|ой|ей|ям|ами|ях)?|грн|"
    r"коп(?:еек|ейк[аиу]?))(?![\w-]))"
)
#: A scale word between an amount and its currency: "5 тыс. руб.", "2.5 million dollars", "40к рублей".
_SCALE = (
    r"(?:(?:thousand|million|billion|k|m|bn|тыс|тысяч\w*|млн|миллион\w*|млрд|миллиард\w*|(?<=\d)к)"
    r"(?!\w)\.?\s?)"
)
#: Slang that is an amount by itself: "пятихатка" (500 roubles), "косарь", "пять косарей" (1000 roubles
#: each), "a grand", "two grand" ($1000 each). "grand" needs "a" or a number before it and nothing
#: it could qualify after it ("a grand total", "two grand pianos", "Grand Hotel" are no money).
_SLANG = (
    rf"(?:(?<!\w)(?:(?:{_NUM_WORDS_RU}\s+)+|{_NUM}\s?)?(?:пятихат(?:ка|ки|ке|ку|кой|ок|кам|ками|ках)|"
    r"косар(?:ь|я|ю|ём|ем|е|и|ей|ям|ями|ях))(?![\w-]))"
    rf"|(?:(?:(?<!\w)a\s+|(?<!\w)(?:{_NUM_WORDS_EN}[\s-]+)+|{_NUM}\s?)grand(?![\w-])"
    r"(?=\s*(?:$|[.,!?;:)—–]|(?:a|an|per|for|each|in|on|or|and|to|from|more|less|extra|plus|up|off|at|"
    r"with|cash|upfront|now|down|back|already)\b)))"
)
#: What may follow a currency word hyphenated into an adjective: "nine-dollar-per-month", "$9-a-month".
_PER_TAIL = r"(?=-(?:a|an|per)-[^\W\d_])"
#: A money amount: a currency sign or code before a number, or a currency word after a number (digits
#: or number words, maybe with a scale word or a country between), Russian or English; a bare "р" only
#: right after the digits ("2 990 р"), where it cannot be a word.
PRICE_RE = re.compile(
    rf"(?:[$€£₽]\s?{_NUM}{_CHANGE})|(?:(?<!\w)(?:usd|eur|gbp)\s?{_NUM})"
    rf"|(?:{_NUM}(?:\s?{_SCALE}?{_COUNTRY}?{_CURRENCY}{_CHANGE}|(?<=\d) ?р(?![\w-])))"
    rf"|(?:\b(?:{_NUM_WORDS_EN}[\s-]+)+{_SCALE}?{_COUNTRY}?(?:dollars?|bucks?|euros?|pounds?|quid|cents?|"
    rf"r(?:o?ubles?))(?:(?![\w-]){_CHANGE}|{_PER_TAIL}))"
    # an amount joined to its currency as one adjective: "a 9-dollar plan", "the 29-dollar-a-month plan"
    # (Whisper hyphenates those); no "5-pound" (a bag's weight as often as a price)
    rf"|(?:{_NUM}-(?:dollar|euro|buck|cent)(?:(?![\w-])|{_PER_TAIL}))"
    rf"|(?:(?<!\w)(?:{_NUM_WORDS_RU}\s+)+{_SCALE}?{_COUNTRY}?(?:(?:руб|долл|коп)\.|(?:{_RUB_WORD}|руб|евро|тенге|"
    rf"гривн(?:а|ы|е|у|ой|ей|ям|ами|ях)?|гривен|коп(?:еек|ейк[аиу]?))(?![\w-])){_CHANGE})"
    rf"|{_SLANG}",
    re.IGNORECASE | re.UNICODE,
)
#: The amounts of a list that names its currency once, before the priced amount: "990, 1490 и 2990
#: рублей", "от 500 до 1000 рублей", "29, 49 or 99 dollars", "500-1000 рублей". A list needs a word or
#: a dash between two amounts ("заказ 4417, 2990 рублей" is no list), and ends right at the priced one.
_LIST_ITEM = (
    rf"{_NUM}\s*(?:,\s*(?:(?:и|или|or|and)\s+)?|[-–—]\s*|\s(?:и|или|до|to|or|and)\s+)(?:(?:за|от|from)\s+)?"
)
_PRICE_LIST_RE = re.compile(
    rf"(?<![\w.,])(?:(?:от|from)\s+)?(?:{_LIST_ITEM})+(?={_NUM}\s?{_SCALE}?{_COUNTRY}?{_CURRENCY})",
    re.IGNORECASE | re.UNICODE,
)
#: An amount in number words: "триста", "девятьсот девяносто девять", "fourteen ninety".
_WORD_AMOUNT = rf"(?:{_NUM_WORDS_RU}(?:\s+{_NUM_WORDS_RU})*|{_NUM_WORDS_EN}(?:[\s-]+{_NUM_WORDS_EN})*)(?!\w)"
_WORD_AMOUNT_RE = re.compile(_WORD_AMOUNT, re.IGNORECASE | re.UNICODE)
#: A list of amounts in words right before a priced amount in words, as :data:`_PRICE_LIST_RE` for
#: digits: "триста, пятьсот и семьсот рублей", "nine ninety, fourteen ninety and twenty nine ninety
#: dollars" (searched up to where the priced amount starts: the ``$`` is there).
_WORD_LIST_RE = re.compile(
    rf"(?<![\w.,-])(?:(?:от|from)\s+)?(?:{_WORD_AMOUNT}\s*(?:,\s*(?:(?:и|или|or|and)\s+)?|[-–—]\s*|"
    r"\s(?:и|или|до|to|or|and)\s+)(?:(?:за|от|from)\s+)?)+$",
    re.IGNORECASE | re.UNICODE,
)
#: What every match of _PRICE_LIST_RE holds (an amount, a joiner, and the next amount it looks ahead to).
_TWO_NUMBERS = re.compile(r"\d\D++\d")
_LIST_JOINER = re.compile(r"[-–—]|(?<!\w)(?:и|или|до|to|or|and)(?!\w)", re.IGNORECASE)
_AMOUNT = re.compile(_NUM)
#: "pounds" of weight, not money ("the package weighs 5 pounds", "I lost ten pounds").
_WEIGHT_CUE = re.compile(
    r"(?<!\w)(?:weigh\w*|lost|lose|losing|gain\w*|heav\w*|light\w*|lbs?|kilos?)(?!\w)|pounds?\s+of\b",
    re.IGNORECASE,
)

#: Words that make the "pounds" after them money again: "it weighs two pounds and costs ten pounds".
_MONEY_CUE = re.compile(
    r"(?<!\w)(?:cost\w*|pric\w*|pay\w*|paid|charg\w*|fees?|spen[dt]\w*)(?!\w)", re.IGNORECASE
)


def _weighed(text: str, a: int, b: int) -> bool:
    """Whether the "pounds" amount at ``text[a:b]`` is a weight: the nearest weight or money word
    before it is a weight word, or none is and a weight word follows ("ten pounds lighter")."""
    if re.match(r"\s+of\b", text[b:], re.IGNORECASE):
        return True
    cues = [(m.start(), True) for m in _WEIGHT_CUE.finditer(text, 0, a)]
    cues += [(m.start(), False) for m in _MONEY_CUE.finditer(text, 0, a)]
    if cues:
        return max(cues)[1]
    after = _WEIGHT_CUE.search(text, b)
    money = _MONEY_CUE.search(text, b)
    return after is not None and (money is None or after.start() < money.start())


#: Every PRICE_RE match contains one of these, or a bare "р" after a digit (:data:`_BARE_RUB`):
#: texts without any are skipped cheaply.
_CURRENCY_HINTS = (
    "$", "€", "£", "₽", "₸", "₴", "¢", "dollar", "buck", "euro", "pound", "quid", "cent", "usd", "eur",
    "gbp", "rub", "руб", "р.", "долл", "доллар", "бакс", "евро", "тенге", "гривн", "гривен", "грн",
    "коп", "у.е", "у. е", "grand", "пятихат", "косар",
)  # fmt: skip
CURRENCY_HINTS = _CURRENCY_HINTS
#: A bare "р" right after a digit ("2 990 р"), lower-case; starts with its letter, so the engine
#: finds candidates as fast as ``str.find`` would.
_BARE_RUB = r"р(?![\w-])(?:(?<=\dр)|(?<=\d р))"
_BARE_RUB_RE = re.compile(_BARE_RUB)
_CURRENCY_HINT = re.compile("|".join([*map(re.escape, _CURRENCY_HINTS), _BARE_RUB]), re.IGNORECASE)

DEFAULT_DICTIONARY = Path(__file__).resolve().parent / "dictionaries" / "default.yaml"
#: Writing system of the languages lingua and callstream know by ISO 639-1 code.
SCRIPTS = {
    **dict.fromkeys(("en", "de", "fr", "es", "it", "pt", "nl", "pl"), "latin"),
    **dict.fromkeys(("ru", "uk", "be", "kk", "bg", "sr"), "cyrillic"),
}
_LATIN = re.compile(r"[a-zA-Z\u00C0-\u024F]+")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]+")
_SCRIPT_RE = {"latin": _LATIN, "cyrillic": _CYRILLIC}


#: The text :func:`_encoded` read last, and what it answered: a call's text is read by several
#: :class:`_Runs` in a row (words, Latin and Cyrillic letters).
_last_encoded: tuple[str, str, bytes | None] = ("", "ascii", b"")


def _encoded(text: str) -> tuple[str, bytes | None]:
    """The codec of :class:`_Runs` for ``text`` and ``text`` in it (None when it does not encode)."""
    global _last_encoded
    last = _last_encoded
    if last[0] is text:
        return last[1], last[2]
    codec = "ascii" if text.isascii() else "cp1251"
    try:
        raw: bytes | None = text.encode(codec)
    except UnicodeEncodeError:
        raw = None
    _last_encoded = (text, codec, raw)
    return codec, raw


class _Runs:
    """Counts the matches of ``pattern``, a run of one character class (``[class]+``, ``\\w+``), and finds
    the first, faster for most texts.

    A call's text is mostly ASCII (English) or fits cp1251 (Russian, with its punctuation): there each
    character is one byte, and ``bytes.translate`` marks the class's bytes in C, a table lookup a
    character, where the regex engine takes a step of its own per character (about 8x as slow on a
    call's text). The tables come from the class itself, byte by decoded byte, so they agree with it.
    Any other text is counted by the regex."""

    _CODECS = ("ascii", "cp1251")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        if not pattern.pattern.endswith("+"):
            raise ValueError(f"not a run of one character class: {pattern.pattern!r}")
        one = re.compile(pattern.pattern[:-1], pattern.flags)  # one character of the run
        self.pattern = pattern
        self.tables = {}
        for codec in self._CODECS:
            table = bytearray(b" " * 256)
            for byte in range(256):
                try:
                    char = bytes([byte]).decode(codec)
                except UnicodeDecodeError:
                    continue  # never produced by encoding a text
                if one.fullmatch(char) is not None:
                    table[byte] = ord("a")
            self.tables[codec] = bytes(table)

    def marked(self, text: str) -> bytes | None:
        """``text`` as one byte a character: b"a" where the class matches, b" " elsewhere (None when
        ``text`` is neither ASCII nor cp1251)."""
        codec, raw = _encoded(text)
        return None if raw is None else raw.translate(self.tables[codec])

    def count(self, text: str) -> tuple[int, int]:
        """(how many runs, where the first starts, or -1 when there is none)."""
        marks = self.marked(text)
        if marks is None:
            first = self.pattern.search(text)
            return len(self.pattern.findall(text)), -1 if first is None else first.start()
        # a run starts at a marked byte after an unmarked one, or at the start
        return marks.count(b" a") + (marks[:1] == b"a"), marks.find(b"a")


_SCRIPT_RUNS = {script: _Runs(pattern) for script, pattern in _SCRIPT_RE.items()}
_WORD_RUNS = _Runs(WORD_RE)
#: A Latin word, hyphenated parts included ("Wi-Fi"): a name or brand when it has a capital letter.
_LATIN_WORD = re.compile(r"[a-zA-Z\u00C0-\u024F]+(?:-[a-zA-Z\u00C0-\u024F]+)*")


@dataclass(frozen=True)
class RuleOptions:
    """Where tenant dictionaries live and which languages a call may be in."""

    dictionaries_dir: Path | None = None
    languages: tuple[str, ...] = ("en", "ru")

    @classmethod
    def from_settings(cls, settings: Any) -> RuleOptions:
        """From ``streams.settings.Settings`` (``CALLSTREAM_DICTIONARIES_DIR``, ``CALLSTREAM_LANGUAGES``,
        from the environment or ``.env``)."""
        return cls(settings.dictionaries_dir, _codes(settings.languages))


def default_rule_options() -> RuleOptions:
    """Options from the environment (``CALLSTREAM_DICTIONARIES_DIR``, ``CALLSTREAM_LANGUAGES``),
    the same variables ``streams.settings`` validates."""
    folder = os.environ.get("CALLSTREAM_DICTIONARIES_DIR") or None
    return RuleOptions(
        Path(folder) if folder else None, _codes(os.environ.get("CALLSTREAM_LANGUAGES") or "en,ru")
    )


def _codes(languages: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in languages.split(",") if x.strip())


@dataclass(frozen=True)
class Qualifiers:
    """What makes a hit of an entry (or of an alert's phrases) mean something else, for the entries that
    need it: one of ``not_followed_by`` right after it names whose it is ("руководителем проекта", "your
    manager's email": not the agent's boss) or narrows it ("не звоните мне больше после шести" is a time
    preference); one of ``not_in_sentence_with`` in its sentence gives it another purpose ("..., чтобы
    поблагодарить Ольгу"), unless a "but" stands between ("I wanted to thank you, but get me your
    manager"). Phrases as the entry's: whole words, a trailing ``*`` for any ending; a
    ``not_followed_by`` phrase starting with an apostrophe follows directly ("'s")."""

    not_followed_by: tuple[str, ...] = ()
    not_in_sentence_with: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.not_followed_by or self.not_in_sentence_with)

    def voids(self, text: str, start: int, end: int) -> bool:
        """Whether the hit at ``text[start:end]`` is qualified away."""
        if self.not_followed_by and _follow_pattern(self.not_followed_by).match(text, end) is not None:
            return True
        if not self.not_in_sentence_with:
            return False
        first = max(text.rfind(stop, 0, start) for stop in ".!?\n") + 1
        # a "but" before the hit sets it against what comes before: "Thank you, but I want to speak to
        # your manager now" demands, whatever the thanks said
        first = max([first, *(m.end() for m in _CONTRAST.finditer(text, first, start))])
        last = _SENTENCE_STOP.search(text, end)
        return (
            _entry_pattern(self.not_in_sentence_with).search(text, first, last.start() if last else len(text))
            is not None
        )


NO_QUALIFIERS = Qualifiers()
_SENTENCE_STOP = re.compile(r"[.!?\n]")
_CONTRAST = re.compile(r"(?<!\w)(?:but|however|но|однако)(?!\w)", re.IGNORECASE)


@cache
def _follow_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Matches right after a hit: spaces, then one of ``phrases`` as whole words (one starting with an
    apostrophe with no space: "manager's"; "’" reads as "'")."""
    alts = []
    for p in sorted({p.lower().replace("’", "'") for p in phrases if p}, key=len, reverse=True):
        body = re.escape(p.rstrip("*")).replace(r"\ ", r"\s+").replace("'", "['’]")
        body += r"\w*" if p.endswith("*") else ""
        alts.append(body if p.startswith("'") else r"\s+" + body)
    return re.compile(rf"(?:{'|'.join(alts)})(?!\w)", re.IGNORECASE | re.UNICODE)


class Entry(tuple[str, ...]):
    """A dictionary entry's phrases; ``negatable``: a hit after a negation in its clause ("I don't want
    to cancel", "это не дорого") does not count. For intents (cancel, too expensive), not for
    mentions: "no thanks" is still thanks, "not Acme" still names the competitor. ``qualifiers``: what
    voids a hit of this entry only (:class:`Qualifiers`)."""

    negatable: bool = False
    qualifiers: Qualifiers = NO_QUALIFIERS
    #: Hits joined only by "и"/"или"/"and"/"or" (and a preposition, an article, a possessive) are one
    #: mention: "обращусь к юристу и в суд", "my lawyer and my attorney" name two venues of one threat.
    joined_once: bool = False

    @classmethod
    def of(
        cls,
        phrases: Iterable[str],
        negatable: bool = False,
        qualifiers: Qualifiers = NO_QUALIFIERS,
        joined_once: bool = False,
    ) -> Entry:
        entry = cls(phrases)
        entry.negatable = negatable
        entry.qualifiers = qualifiers
        entry.joined_once = joined_once
        return entry

    @property
    def narrowed(self) -> bool:
        """Whether some hits of it may not count (negated, qualified away or joined to the next)."""
        return self.negatable or bool(self.qualifiers) or self.joined_once


class DictionaryError(ValueError):
    """A keyword dictionary file is invalid; the message names the file (and entry)."""


def _read_dictionary(path: Path) -> dict[str, Entry]:
    data = read_yaml(path, DictionaryError) or {}
    if not isinstance(data, dict):
        raise DictionaryError(f"{path}: a keyword dictionary is a mapping of entry name -> list of phrases")
    out = {}
    for name, value in data.items():
        phrases, negatable, qualifiers, joined_once = value, False, NO_QUALIFIERS, False
        if isinstance(value, dict):
            unknown = set(value) - set(_ENTRY_KEYS)
            negatable = value.get("negatable", False)
            joined_once = value.get("joined_once", False)
            if unknown:
                raise DictionaryError(
                    f"{path}: entry {name!r}: {unknown_keys(unknown, _ENTRY_KEYS)}; write a "
                    "list of phrases or {phrases: [...], negatable: true}"
                )
            if "phrases" not in value or not isinstance(negatable, bool):
                raise DictionaryError(
                    f"{path}: entry {name!r}: write a list of phrases or {{phrases: [...], negatable: true}}"
                )
            if not isinstance(joined_once, bool):
                raise DictionaryError(f"{path}: entry {name!r}: write joined_once: true or false")
            phrases = value["phrases"]
            qualifiers = read_qualifiers(value, f"{path}: entry {name!r}", DictionaryError)
        if isinstance(phrases, str | int):
            phrases = [phrases]  # one phrase: a number ("42") as a word ("refund") is
        if isinstance(phrases, list) and any(isinstance(p, bool) for p in phrases):
            raise DictionaryError(  # "True" would be matched, not the word written
                f"{path}: entry {name!r}: YAML reads a bare yes/no/on/off/true/false as a boolean (got "
                f'{phrases!r}); quote the phrase: ["yes"]'
            )
        if not isinstance(phrases, list) or not all(isinstance(p, str | int) for p in phrases):
            raise DictionaryError(f"{path}: entry {name!r} must be a list of phrases (got {phrases!r})")
        if (bad := inner_wildcard(phrases)) is not None:
            raise DictionaryError(f"{path}: entry {name!r}: {bad!r}: {WILDCARD_HINT}")
        out[str(name)] = Entry.of((str(p) for p in phrases), negatable, qualifiers, joined_once)
    return out


_ENTRY_KEYS = ("phrases", "negatable", "not_followed_by", "not_in_sentence_with", "joined_once")


def read_qualifiers(raw: Mapping[str, Any], where: str, error: type[Exception]) -> Qualifiers:
    """The :class:`Qualifiers` of a dictionary entry or an alert's phrases condition (YAML keys
    ``not_followed_by``, ``not_in_sentence_with``: lists of phrases)."""
    lists = {}
    for key in ("not_followed_by", "not_in_sentence_with"):
        if key in raw:
            phrases = str_list(raw[key], f"{where}.{key}", error)
            if (bad := inner_wildcard(phrases)) is not None:
                raise error(f"{where}.{key}: {bad!r}: {WILDCARD_HINT}")
            lists[key] = tuple(p.strip() for p in phrases)
    return Qualifiers(**lists) if lists else NO_QUALIFIERS


@lru_cache(maxsize=1024)  # per tenant; bounded, as tenants come from the events
def load_dictionary(tenant: str | None = None, folder: Path | None = None) -> dict[str, Entry]:
    """The default dictionary, overlaid with ``folder/<tenant>.yaml`` when that file exists
    (loaded once per process: restart workers to pick up edits)."""
    entries = _read_dictionary(DEFAULT_DICTIONARY)
    if tenant and folder is not None:
        safe = re.sub(r"[^\w.-]", "_", tenant).lstrip(".")
        found = []
        for suffix in (".yaml", ".yml"):
            path = Path(folder) / f"{safe}{suffix}"
            try:
                if path.is_file():
                    found.append(path)
            except OSError:  # a tenant name too long for a file name: no such dictionary
                pass
        if len(found) > 1:
            raise DictionaryError(f"{found[0]} and {found[1]}: two dictionaries of tenant {tenant!r}")
        if found:
            entries |= _read_dictionary(found[0])
    return entries


def dictionary_tenants(folder: Path | None) -> list[str]:
    """The tenants with a dictionary file (``<tenant>.yaml`` or ``.yml``) in ``folder``."""
    if folder is None or not Path(folder).is_dir():
        return []
    return sorted({p.stem for suffix in ("*.yaml", "*.yml") for p in Path(folder).glob(suffix)})


def dictionary_hint(tenant: str | None, folder: Path | None) -> str:
    """Why a tenant's calls may read the default dictionary rather than the file meant for them, as
    words to append to an error listing the entries found (empty when there is nothing to say):
    ``CALLSTREAM_DICTIONARIES_DIR`` unset, a file named in other letters (``Northwind.yaml`` for
    ``northwind``: names match exactly) or a tenant close to one with a file (``nortwind``)."""
    if folder is None:
        return "; CALLSTREAM_DICTIONARIES_DIR is unset, so only the packaged default dictionary is read"
    if not tenant or tenant == "*":
        return ""
    tenants = dictionary_tenants(folder)
    if tenant in tenants:
        return ""
    twin = next((t for t in tenants if t.casefold() == tenant.casefold()), None)
    if twin is not None:
        return (
            f"; {twin}.yaml in {folder} differs from tenant {tenant!r} only by case, and file names match "
            f"tenants exactly: rename it {tenant}.yaml"
        )
    close = difflib.get_close_matches(tenant, tenants, n=1)
    return f"; no dictionary file for tenant {tenant!r} (did you mean {close[0]!r}?)" if close else ""


def check_dictionaries_dir(folder: Path | None) -> dict[str | None, dict[str, Entry]]:
    """Every dictionary of ``folder`` loaded, by tenant (None: the default): a broken file stops the
    worker at start (:class:`DictionaryError`) instead of dead-lettering each of its tenant's calls."""
    if folder is not None:
        check_dir(folder, "keyword dictionaries", DictionaryError, "CALLSTREAM_DICTIONARIES_DIR")
    return {tenant: load_dictionary(tenant, folder) for tenant in [None, *dictionary_tenants(folder)]}


#: Default phrase dictionary (``dictionaries/default.yaml``): name -> phrases.
DEFAULT_KEYWORDS: dict[str, Entry] = load_dictionary()

#: Words that negate what follows in their clause, for :class:`Entry.negatable` entries. Not "can't"
#: or "не могу": "I can't cancel" still wants to cancel.
#: Words that negate the intent after them in their clause.
_NEGATIONS = frozenset(
    [
        "not",
        "don't",
        "dont",
        "doesn't",
        "didn't",
        "isn't",
        "aren't",
        "wasn't",
        "won't",
        "never",
        "ни",
        "никогда",
        "не",
    ]
)
#: Words that may stand between a negation and the intent it negates: "don't [want to] cancel",
#: "не [хочу] отменять", "not [that] expensive", "не [так уж] дорого", "don't [do a] refund". Any
#: other word makes them two thoughts: "it's not working so cancel it", "если не почините я
#: откажусь" still cancel. "no" and "нет" negate no intent after them ("Нет я хочу отменить").
_NEGATION_BRIDGE = frozenset(
    [
        "want",
        "wanna",
        "to",
        "need",
        "going",
        "gonna",
        "plan",
        "planning",
        "intend",
        "really",
        "even",
        "that",
        "so",
        "very",
        "at",
        "all",
        "хочу",
        "хотим",
        "хотел",
        "хотела",
        "хочется",
        "буду",
        "будем",
        "надо",
        "нужно",
        "собираюсь",
        "собираемся",
        "планирую",
        "стану",
        "так",
        "уж",
        "очень",
        "слишком",
        "совсем",
        # what an intent takes between: "don't do a refund", "не буду это отменять"
        "do",
        "does",
        "a",
        "an",
        "the",
        "any",
        "my",
        "your",
        "this",
        "it",
        "ever",
        "мне",
        "вам",
        "это",
        "эту",
        "этот",
        "мою",
        "вашу",
        # "не буду пока отказываться", "не буду от неё отказываться": "yet", and what one gives up
        # said before the verb
        "пока",
        "от",
        "неё",
        "нее",
        "него",
        "них",
    ]
)
#: How far back a negation reaches: the words before a hit in its clause (no , . ; : ! ? between).
_NEGATION_WORDS = 4
_CLAUSE_END = re.compile(r"[,.;:!?\n—–]")
#: A negation right before a hit that makes it the condition of a threat demands it: "If you don't stop
#: calling me, I'll report you", "if you guys do not cancel it" (not "if I don't cancel", a question).
_THREAT = re.compile(r"(?<!\S)if\s+(?:you|y'all|you\s+guys|they)\s+(?:do\s+|will\s+)?(?:not|don't|won't)$")
#: The same in Russian: "Если вы не перестанете мне звонить, я пожалуюсь", "если ты не прекратишь звонить";
#: with no "вы"/"ты" the hit's own second person says whose ("Если не перестанете звонить, ..."; not "если
#: не отказаться", a condition's terms).
_THREAT_RU = re.compile(r"(?<!\S)если\s+(?P<you>(?:вы|ты|они)\s+)?не$")
_SECOND_PERSON_RU = re.compile(r"\w+(?:те|шь)(?!\w)")
#: "не" before "can" is inability, not refusal: "не могу отменить" still wants to cancel.
_UNABLE = re.compile(r"мо[гж]|получа|удаётся|удается")
#: A rhetorical question before an intent denies it as a negation does: "Why would I cancel? I love
#: it.", "Зачем мне отменять?" (words, lower-case, ending at the one right before the bridge words).
_RHETORICAL = (("why", "would", "i"), ("why", "would", "we"), ("why", "should", "i"), ("why", "should", "we"),
               ("why'd", "i"), ("why", "on", "earth", "would", "i"), ("why", "would", "anyone"),
               ("why", "would", "anybody"), ("зачем",), ("почему", "я", "должен"), ("почему", "я", "должна"),
               ("почему", "мы", "должны"))  # fmt: skip
#: A question about the terms after an intent asks whether one may, not that one will: "Can I cancel
#: anytime?", "Можно отменить в любой момент?", "Can I cancel later without a fee?", "А отказаться
#: потом можно?" (the rest of the hit's sentence, up to its "?").
_ANY_TIME = re.compile(
    r"(?<!\w)(?:any\s?time|at\s+any\s+(?:time|point|moment)|whenever|later|"
    r"without\s+(?:a\s+|any\s+)?(?:fee|penalty|charge|paying|cost)|free\s+of\s+charge|"
    r"during\s+the\s+(?:free\s+)?trial|within\s+(?:the\s+)?(?:first\s+)?\S+\s+days|"
    r"в\s+любо[йе]\s+(?:момент|время)|когда\s+(?:угодно|захочу|захотим)|потом|позже|"
    r"без\s+(?:штраф|комисси|неустойк|доплат)\w*|бесплатно|в\s+течение|"
    r"if\s+(?:i|we)\s+(?:don't|do\s+not)\s+like|if\s+it\s+(?:doesn't|does\s+not)\s+work|"
    r"если\s+не\s+(?:понравится|подойд[её]т))(?!\w)[^.!?\n]*+\?",
    re.IGNORECASE,
)
#: An intent imagined as a question's condition asks what it would bring, not that one will: "What
#: happens if I cancel?", "Is there a fee if we cancel?", "Что будет, если я откажусь?", "А если я
#: захочу отменить, это бесплатно?" (the first person, up to two words between, and a "?" ending the
#: hit's sentence; "If you don't cancel it, ..." is a threat, read before).
#: Words of a present intent before a hit, and of a question or a condition, which make it asked again.
_STATED = frozenset(["want", "wanna", "need", "хочу", "хотим", "нужно", "надо"])
_ASKING = frozenset(["can", "could", "may", "if", "what", "is", "если", "можно", "могу", "ли", "что"])
_IF_I = re.compile(r"(?<!\S)(?:if\s+(?:i|we)|если(?:\s+(?:я|мы))?)(?:\s+\S+){0,2}$")
_SENTENCE_REST = re.compile(r"[^.!?\n]*[.!?\n]?")
#: A booking's terms asked with its condition: "Can I cancel online if plans change?" is no intent either
#: (nor a plain "I'll cancel if my plans change": only a change of plans would make it one).
_IF_PLANS_CHANGE = re.compile(
    r"(?<!\w)(?:if|in\s+case)\s+(?:my\s+|our\s+|the\s+)?plans?\s+change|"
    r"(?<!\w)если\s+(?:мои\s+|наши\s+)?планы\s+(?:изменятся|поменяются)",
    re.IGNORECASE,
)
#: Someone else's cancelling or switching is not the customer's intent: a passive "my flight was
#: cancelled" (an auxiliary right before the participle), "the technician cancelled" (a past form with
#: no first person or request before it in its clause: "I want my subscription cancelled" counts), "my
#: neighbour is switching to Comcast" (a third person's "is"/"he's" right before an -ing intent).
_PASSIVE = frozenset(["was", "were", "been", "got", "gets", "is", "are", "being"])
_FIRST_PERSON = frozenset(
    ["i", "we", "me", "us", "my", "our", "i'm", "we're", "i've", "we've", "i'd", "we'd", "i'll", "we'll",
     "want", "wanted", "need", "needs", "please", "get", "have"]
)  # fmt: skip
_THIRD_PERSON_IS = frozenset(["is", "he's", "she's", "they're", "it's"])
#: The intent words those read (a tenant's negatable "charged twice" keeps its "I was charged twice").
_DONE = frozenset(["cancelled", "canceled", "terminated", "unsubscribed"])
_DOING = frozenset(["cancelling", "canceling", "switching", "going", "taking", "terminating"])
#: A past intention right before an intent ("I was going to cancel", "я хотела отменить"), up to one
#: word between, matched at the end of the hit's clause before it (lower-case).
_PAST_INTENT = re.compile(
    r"(?:(?<!\w)(?:was|were)\s+(?:going\s+to|gonna|thinking\s+(?:about|of)|planning\s+(?:to|on)|about\s+to)|"
    r"(?<!\w)(?:wanted|meant)\s+to|(?<!\w)(?:хотел[аи]?|собирал(?:ся|ась|ись)|думал[аи]?|подумывал[аи]?))"
    r"(?:\s+\S+)?\s*$"
)
#: A "but" after it in its sentence withdraws that intention ("I was going to cancel, but okay", "я
#: хотела отменить, но ладно"), unless what follows says it is still unmet ("but nobody helped", "но
#: не смогла", "but you didn't fix it").
_BUT = re.compile(r"(?<!\w)(?:but|но)(?!\w)", re.IGNORECASE)
_STILL_UNMET = re.compile(
    r"(?<!\w)(?:not|no|nobody|never|can't|cannot|couldn't|wouldn't|won't|didn't|doesn't|don't|isn't|wasn't|"
    r"не|ни|никто|никак|нельзя|нет)(?!\w)|n't(?!\w)",
    re.IGNORECASE,
)


#: A negated belief before an intent denies it: "I don't think I'll cancel", "I do not think we will need
#: to pay", "Не думаю, что откажусь" (its comma included). Up to three :data:`_NEGATION_BRIDGE` words
#: may stand between (``rest``); "I don't think that's fair, cancel it" still cancels.
_BELIEF_NEGATION = re.compile(
    r"(?<!\S)(?:(?:don't|dont|do\s+not|doesn't|does\s+not|didn't|did\s+not)\s+"
    r"(?:think|believe|expect|suppose|reckon|imagine)|не\s+(?:думаю|думаем|считаю|считаем|верю))"
    r"(?:\s*,)?(?:\s+(?:that|что|чтобы))?"
    r"(?:\s+(?:i|we|i'll|we'll|i'd|we'd|i'm|we're|я|мы))?"
    r"(?:\s+(?:will|would|shall|am|are|буду|будем|стану|станем))?"
    r"(?P<rest>(?:\s+\S+){0,3}?)\s*$"
)
_SENTENCE_END = re.compile(r"[.!?\n]")


def _belief_negated(before: str) -> bool:
    """Whether ``before`` (lower-case, up to a hit) ends in a negated belief about it
    (:data:`_BELIEF_NEGATION`)."""
    sentence = _SENTENCE_END.split(before)[-1]
    if "n" not in sentence and "не" not in sentence:  # every form holds one: most texts skip the regex
        return False
    found = _BELIEF_NEGATION.search(sentence)
    return found is not None and all(w in _NEGATION_BRIDGE for w in found["rest"].split())


def negated_hits(pattern: re.Pattern[str], text: str, qualifiers: Qualifiers = NO_QUALIFIERS) -> int:
    """How many matches of ``pattern`` in ``text`` follow a negation (:data:`_NEGATIONS`) in their
    clause with only :data:`_NEGATION_BRIDGE` words between, at most :data:`_NEGATION_WORDS` back, or
    a rhetorical "why would I" (:data:`_RHETORICAL`), or ask about the terms ("Can I cancel anytime?"),
    or are voided by the phrases' own ``qualifiers`` (an alert's ``not_followed_by``: "руководителем
    проекта")."""
    spans = [m.span() for m in ci_finditer(pattern, text)]
    kept = [(a, b) for a, b in spans if not qualifiers.voids(text, a, b)] if qualifiers else spans
    return len(spans) - len(kept) + _negated(text, kept)


def _negated(text: str, spans: Iterable[tuple[int, int]]) -> int:
    """:func:`negated_hits` of the matches at ``spans`` in ``text``."""
    n = 0
    for start, end in spans:
        before = text[max(0, start - 80) : start].replace("’", "'").lower()
        clause = _CLAUSE_END.split(before)[-1].split()
        words = clause[-_NEGATION_WORDS:]
        negated = False
        for at in range(len(words) - 1, -1, -1):
            if words[at] in _NEGATIONS:
                negated = not (at + 1 < len(words) and _UNABLE.match(words[at + 1]))
                if negated and at == len(words) - 1:
                    negated = not _threat(
                        " ".join(clause[: len(clause) - len(words) + at + 1]), text[start:end]
                    )
                break
            if words[at] not in _NEGATION_BRIDGE:
                cut = len(clause) - len(words) + at + 1  # the clause's words up to this one
                negated = any(tuple(clause[max(0, cut - len(cue)) : cut]) == cue for cue in _RHETORICAL)
                break
        negated = negated or _belief_negated(before)
        if not negated:
            stop = _SENTENCE_REST.match(text, end).end()  # type: ignore[union-attr]
            # an intent stated before its question still stands: "Я хочу отменить, без штрафа можно?"
            asked = not _STATED.intersection(clause) or bool(_ASKING.intersection(clause))
            negated = (
                (asked and _ANY_TIME.search(text, end, stop) is not None)
                or _IF_PLANS_CHANGE.search(text, end, stop) is not None
                or _withdrawn(" ".join(clause), text[end:stop])
                or (
                    asked
                    and text[end:stop].rstrip().endswith("?")
                    and _IF_I.search(" ".join(clause)) is not None
                )
                or _someone_else(clause, text[start:end].lower())
            )
        n += negated
    return n


def _threat(before: str, hit: str) -> bool:
    """Whether the negation ending ``before`` (lower-case words) makes ``hit`` a threat's condition
    (:data:`_THREAT`, :data:`_THREAT_RU`), which demands it rather than denies it."""
    if _THREAT.search(before) is not None:
        return True
    m = _THREAT_RU.search(before)
    return m is not None and (m["you"] is not None or _SECOND_PERSON_RU.match(hit.lower()) is not None)


def _someone_else(clause: list[str], hit: str) -> bool:
    """Whether an English ``hit`` after ``clause`` (its lower-case words before it) is someone else's
    doing (:data:`_PASSIVE`, :data:`_FIRST_PERSON`, :data:`_THIRD_PERSON_IS`)."""
    first = hit.split()[0] if hit.split() else ""
    if first in _DONE:
        return (bool(clause) and clause[-1] in _PASSIVE) or not _FIRST_PERSON.intersection(clause)
    return first in _DOING and bool(clause) and clause[-1] in _THIRD_PERSON_IS


def _withdrawn(clause: str, rest: str) -> bool:
    """Whether an intent after ``clause`` (lower-case words before it) is a past intention that a "but"
    in ``rest`` (its sentence after it) withdraws (:data:`_PAST_INTENT`, :data:`_BUT`)."""
    if _PAST_INTENT.search(clause) is None:
        return False
    but = _BUT.search(rest)
    return but is not None and _STILL_UNMET.search(rest, but.end()) is None


def _match_spans(phrases: tuple[str, ...], text: str, folded: str | None) -> list[tuple[int, int]]:
    """The spans of the entry ``phrases``' matches in ``text`` (``folded``: :func:`fold` of it).

    Tried at its first words only where the entry has a gate (:class:`WordGate`), as
    :func:`_keyword_hits` counts them: a regex scan of a whole call costs far more than the hits."""
    pattern, gate = _entry(phrases)
    at = gate.starts(folded) if gate is not None and folded is not None else None
    if at is None:
        return [m.span() for m in ci_finditer(pattern, text, folded)]
    return _spans_at(case_sensitive_twin(pattern), folded, at)  # type: ignore[arg-type]


def _spans_at(twin: re.Pattern[str], folded: str, at: list[int]) -> list[tuple[int, int]]:
    """The spans of ``twin``'s matches in ``folded`` tried at ``at`` (:meth:`WordGate.starts`), as
    :meth:`WordGate.count_at` counts them."""
    found = []
    end = 0
    for i in at:
        if i >= end and (m := twin.match(folded, i)) is not None:
            found.append(m.span())
            end = m.end()
    return found


def _without_negated(
    hits: dict[str, int], text: str, keywords: Mapping[str, Iterable[str]], known: Spans | None = None
) -> dict[str, int]:
    """``hits`` (of ``text``) less the negated hits of the :class:`Entry.negatable` entries and the hits
    an entry's own :class:`Qualifiers` void (``known``: the entries' spans, where already found)."""
    out = dict(hits)
    folded: str | None = None
    for name, n in hits.items():
        entry = keywords[name]
        if getattr(entry, "narrowed", False):
            if known is not None and name in known:
                spans = known[name]
            else:
                if folded is None:
                    folded = fold(text) or ""
                spans = _match_spans(tuple(entry), text, folded or None)
            kept = _counted(entry, text, spans)
            left = n - (len(spans) - len(kept))
            if getattr(entry, "joined_once", False):  # a hit joined to the next by a conjunction only is
                # one mention with it
                left -= sum(_JOINED.fullmatch(text, b, a) is not None for (_, b), (a, _) in pairwise(kept))
            if left > 0:
                out[name] = left
            else:
                del out[name]
    return out


#: What joins two hits of a :attr:`Entry.joined_once` entry into one mention: a conjunction, then
#: prepositions, articles or possessives ("к юристу и в суд", "my lawyer and the attorney general");
#: not a line break (another turn), a comma or a verb ("I'll sue you and report you").
_JOINED = re.compile(
    r"[ \t]+(?:и|или|либо|а\s+также|and|or|as\s+well\s+as)"
    r"(?:[ \t]+(?:в|во|к|ко|с|со|мой|моему|моего|своему|своего|to|with|the|my|a|an|our|your))*[ \t]*",
    re.IGNORECASE,
)


def _counted(entry: Iterable[str], text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``spans`` of ``entry``'s matches in ``text`` that count: less the hits its :class:`Qualifiers`
    void and, for a :class:`Entry.negatable` one, the negated hits."""
    qualifiers = getattr(entry, "qualifiers", NO_QUALIFIERS)
    kept = [(a, b) for a, b in spans if not qualifiers.voids(text, a, b)] if qualifiers else spans
    if getattr(entry, "negatable", False):
        kept = [span for span in kept if not _negated(text, [span])]
    return kept


def _speech(segments: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The segments keyword hits read: every one that was speech, also the ones the filter dropped as
    short or filler ("Тарифы МТС." names a competitor)."""
    return [s for s in segments if s.get("kept", True) or s.get("drop_reason") not in NOT_SPEECH]


def counted_hits(
    transcript: Mapping[str, Any], entry: Iterable[str], by: str = "anyone"
) -> list[tuple[str, str]]:
    """The hits of the dictionary ``entry`` that :func:`rule_metrics` counts in ``transcript``, as (role
    of the segment, the words as said), in the order said: ``by`` ``anyone`` those of ``keyword_hits``,
    ``agent`` those of ``agent_keyword_hits``, ``customer`` the hits of ``keyword_hits`` in segments not
    the agent's (``customer_keyword_hits``, all hits less the agent's: anyone's on a mono call).

    Read from the same text as the counts (the segments joined by "\\n", negation and qualifiers
    included), so an alert quotes exactly what its number counted."""
    said = _speech(transcript["segments"])
    if by == "agent":
        said = [s for s in said if s.get("role") == "agent"]
    texts = [s["text"] for s in said]
    if not texts:
        return []
    text = "\n".join(texts)
    starts = _starts(texts)
    out = []
    for a, b in _counted(entry, text, _match_spans(tuple(entry), text, fold(text))):
        role = said[bisect_right(starts, a) - 1].get("role") or "unknown"
        if by != "customer" or role != "agent":
            out.append((role, text[a:b]))
    return out


def roles_known(segments: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the segments tell the agent from the customer: not a mono recording (or one without a
    channel map), where ``agent_keyword_hits`` is empty because nobody knows who said what."""
    return any(seg.get("role") in ("agent", "customer") for seg in segments)


#: Longest phrase :func:`quoted_hits` quotes, and the most characters of quotes it writes: enough to
#: say what was counted, short enough for a chat message or a criterion's reasoning.
MAX_QUOTE = 80


def excerpt(text: str, limit: int = MAX_QUOTE) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…"."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def quoted_hits(transcript: Mapping[str, Any], entry: Sequence[str], by: str = "anyone") -> str:
    """What a keyword count counted, for people: ``the customer said "юристу", "в суд"`` (``by``:
    whose hits, as :func:`counted_hits`), each phrase once, as many as fit :data:`MAX_QUOTE`
    characters (then ``(+2 more)``); "" when none are found."""
    hits = counted_hits(transcript, entry, by)
    found = list(dict.fromkeys(excerpt(text).lower() for _, text in hits))
    if not found:
        return ""
    # one party's words on a stereo call; "someone" on a mono one (role unknown) or where both said them
    roles = {role for role, _ in hits}
    who = f"the {next(iter(roles))}" if roles in ({"agent"}, {"customer"}) else "someone"
    shown = [f'"{found[0]}"']
    for phrase in found[1:]:
        if sum(len(q) + 2 for q in shown) + len(phrase) + 2 > MAX_QUOTE:
            break
        shown.append(f'"{phrase}"')
    more = f" (+{len(found) - len(shown)} more)" if len(found) > len(shown) else ""
    return f"{who} said {', '.join(shown)}{more}"


def price_mentions(texts: Iterable[str]) -> int:
    """Number of money amounts named: each amount of a list that names its currency once ("990, 1490
    и 2990 рублей": 3); "pounds" next to a weight word are no money."""
    texts = list(texts)
    price = case_sensitive_twin(PRICE_RE)
    joined = fold("\n".join(texts)) if price is not None else None
    if joined is not None:
        # All texts fold-safe: find the few that hold a currency hint with plain substring search
        # (much faster than a regex scan) and match PRICE_RE in those only.
        priced = {
            i: _priced(folded, price)  # type: ignore[arg-type]
            for i in _texts_holding(texts, joined, _CURRENCY_HINTS, _BARE_RUB_RE)
            if (folded := fold(texts[i])) is not None
        }
        return sum(n for n, _ in priced.values()) + sum(
            _cued_amounts(texts[i], priced[i][1] if i in priced else [])
            for i in _texts_holding(texts, joined, _CUE_HINTS)
            if _may_cue_amount(texts[i].lower())  # each text is fold-safe, as their join is
        )
    hint = case_sensitive_twin(_CURRENCY_HINT)
    total = 0
    for text in texts:
        n, found = 0, []  # a text with no currency hint has no PRICE_RE match (see _CURRENCY_HINTS)
        folded = fold(text) if price is not None and hint is not None else None
        if folded is None:  # see processors.text.ci_finditer
            if _CURRENCY_HINT.search(text):
                n, found = _priced(text, PRICE_RE)
        elif hint.search(folded):  # type: ignore[union-attr]
            n, found = _priced(folded, price)  # type: ignore[arg-type]
        total += n
        lowered = text.lower()
        if any(cue in lowered for cue in _CUE_HINTS):
            total += _cued_amounts(text, found)
    return total


def _amounts(text: str, price: re.Pattern[str]) -> int:
    """The amounts in one text (``price``: :data:`PRICE_RE` or its twin for folded text)."""
    return _priced(text, price)[0]


def _priced(text: str, price: re.Pattern[str]) -> tuple[int, list[tuple[int, int]]]:
    """:func:`_amounts` of ``text`` and the spans of its ``price`` matches, which
    :func:`_cued_amounts` needs too (one scan of ``price`` for both)."""
    found = [m.span() for m in price.finditer(text)]
    if not found:
        return 0, found
    n = len(found)
    if "pound" in text.lower() and _WEIGHT_CUE.search(text):
        n -= sum(1 for a, b in found if "pound" in text[a:b].lower() and _weighed(text, a, b))
    # a list holds two amounts with a joiner between them: digits, then no digit, then digits
    for m in _PRICE_LIST_RE.finditer(text) if _TWO_NUMBERS.search(text) is not None else ():
        if _LIST_JOINER.search(m.group()):
            priced = _AMOUNT.search(text, m.end())
            clock = [
                c.span()
                for c in _CLOCK_SPAN.finditer(text, max(0, m.start() - 20), m.end())
                if int(c["a"]) <= 24 and int(c["b"]) <= 24
            ]
            # list items not already inside an amount ("$39 and 99 cents" is one), of the priced
            # amount's order ("с 9 до 18 и 500 рублей" lists hours) and not a label's number
            # ("заказ 4417 и 2990 рублей")
            for item in _AMOUNT.finditer(m.group()):
                at = m.start() + item.start()
                if (
                    any(a <= at < b for a, b in found)
                    or any(a <= at < b for a, b in clock)
                    or _LABEL_BEFORE.search(text, 0, at)
                ):
                    continue
                n += priced is None or _same_order(item.group(), priced.group())
    n += _contrasted(text, found)
    for a, _ in found:  # the same for an amount in words ("триста, пятьсот и семьсот рублей": 3)
        if (
            text[a].isalpha()
            and (priced_words := _WORD_AMOUNT_RE.match(text, a)) is not None
            and (m := _WORD_LIST_RE.search(text, max(0, a - 200), a)) is not None
            and _LIST_JOINER.search(m.group())
        ):
            priced_value = _worded(priced_words.group())
            for item in _WORD_AMOUNT_RE.finditer(m.group()):
                at = m.start() + item.start()
                if any(x <= at < y for x, y in found) or _LABEL_BEFORE.search(text, 0, at):
                    continue
                # a word amount of no known value ("one, and fifty dollars") is no list item
                value = _worded(item.group())
                n += value is not None and _within_spread(value, priced_value)
    priced_spans = list(found)
    for m in _AFTER_PRICE.finditer(text, found[0][0]):
        a, b = m.span("amount")
        before = [span for span in priced_spans if span[1] <= m.start()]
        # of the order of the priced amount before it: "500 рублей, всего 3." is a count
        if before and not any(x < b and a < y for x, y in found) and _against(text, *before[-1], m, found):
            found.append((a, b))  # so that _cued_amounts does not count it again
            n += 1
    return n, found


#: An amount with no currency of its own, in digits or words.
_BARE_AMOUNT = rf"(?:{_NUM}(?:\s?{_SCALE})?|{_WORD_AMOUNT})"
#: Not a count of something else after a contrasted amount ("500 рублей вместо 100 минут").
_NOT_COUNTED = (
    r"(?!\s*(?:минут|секунд|час|дн|дед|недел|месяц|лет|год|раз|штук|гб|мб|minute|second|hour|day|week|"
    r"month|year|time|gb|mb)\w*)"
)
#: The amount a priced one is set against, which shares its currency: "не пятьсот, а пять тысяч рублей",
#: "not 50 but 500 dollars" (before it); "399 рублей вместо шестисот", "$29 instead of 49", "$20, not
#: 25" (after it).
_CONTRAST_BEFORE = re.compile(
    rf"(?<!\w)(?:не|not)\s+(?P<amount>{_BARE_AMOUNT})\s*,?\s*(?:а|but)\s+$", re.IGNORECASE | re.UNICODE
)
_CONTRAST_AFTER = re.compile(
    rf"(?:\s*,\s*(?:а\s+не|not)|\s*,?\s*(?:вместо|instead\s+of|rather\s+than))\s+"
    rf"(?P<amount>{_BARE_AMOUNT}){_NOT_COUNTED}",
    re.IGNORECASE | re.UNICODE,
)


def _contrasted(text: str, found: list[tuple[int, int]]) -> int:
    """Amounts with no currency set against a priced amount ``found`` right before or after them, of
    its order (:data:`_LIST_SPREAD`): "не 500, а 5000 рублей" and "399 рублей вместо 600" name two."""
    n = 0
    for a, b in found:
        # a cheap look for "а"/"but" right before the amount first: most amounts have neither
        before = text[max(0, a - 6) : a].lower()
        if "а " in before or "but" in before:
            n += _against(text, a, b, _CONTRAST_BEFORE.search(text, max(0, a - 80), a), found)
        n += _against(text, a, b, _CONTRAST_AFTER.match(text, b), found)
    return n


def _against(text: str, a: int, b: int, m: re.Match[str] | None, found: list[tuple[int, int]]) -> bool:
    """Whether ``m`` holds an amount set against the priced ``text[a:b]``, of its order, and not an
    amount of its own (``found``); one of no known value ("$20 instead of one") is none."""
    if m is None or any(x <= m.start("amount") < y for x, y in found):
        return False
    priced, value = _value(text[a:b]), _value(m["amount"])
    return priced is not None and value is not None and _within_spread(value, priced)


def _value(amount: str) -> float | None:
    """The value of an amount in digits or words, its currency and anything after it left out."""
    digits = _AMOUNT.search(amount)
    if digits is not None:
        try:  # a run of several decimals ("49.99 49.99") has no one value
            value = float(re.sub(r"\s", "", digits.group()).replace(",", ".") or 0)
        except ValueError:
            return None
        return value * 1000 if re.match(r"\s?(?:тыс|тысяч|thousand|k|к)", amount[digits.end() :]) else value
    words = _WORD_AMOUNT_RE.search(amount)
    return _worded(words.group()) if words is not None else None


#: An amount with no currency after a priced one, introduced as a total, an instalment, a purchase
#: price or a rate, which shares its currency: "шестьсот рублей, итого две тысячи четыреста", "$20
#: each, in total 60", "1 200 рублей ... 2 платежа по 5 000", "сто рублей в месяц или купить за две
#: тысячи", "49 980 рублей за год, а помесячно четыре девятьсот". It ends its clause: "всего 3 товара",
#: "итого 45 дней", "купить за 3 дня" are counts.
_AFTER_PRICE = re.compile(
    r"(?<!\w)(?:итого|всего|в\s+сумме|in\s+total|total(?:\s+of)?|altogether|"
    r"(?:платеж|платёж|взнос|payment|instal?lment)\w*\s+(?:по|of)|"
    r"(?:купить|выкупить|приобрести|buy|purchase)(?:\s+(?:it|them))?\s+(?:за|for)|"
    r"помесячно|ежемесячно|monthly|в\s+месяц|a\s+month|per\s+month)"
    r"[\s,:—–-]+(?:(?:только|примерно|около|just|only|about|around)\s+)?"
    rf"(?P<amount>(?<![\w.,]){_NUM}(?:\s?{_SCALE})?|{_WORD_AMOUNT})"
    r"(?=\s*(?:[.,;!?)]|$))",
    re.IGNORECASE | re.UNICODE,
)
#: An amount right after a word that prices it, with no currency said: "будет стоить двадцать две
#: тысячи", "стоимость 4500", "it costs twenty two thousand". Not a time or a count after it
#: ("стоит 5 минут подождать", "costs 2 hours").
_CUED_PRICE = re.compile(
    # the thing priced may follow its noun: "Стоимость работ 4800", "цена ремонта — 12 000"
    r"(?<!\w)(?:стои(?:т|ть|ло|ла|ли|ат)|(?:стоимост[ьи]|цен[аеуы])(?:\s+[^\W\d_]{3,})?|обойд[её]тся(?:(?:\s+(?:вам|нам|им|тебе|ему|ей))?\s+в(?=\s))?|costs?|"
    r"priced\s+at|"
    r"price(?:\s+(?:this|next|last)\s+(?:year|month|quarter|term))?\s+is)"
    r"[\s,:—–-]+(?:(?:всего|только|примерно|около|где-то|just|only|about|around)\s+)?"
    rf"(?P<amount>{_NUM}(?:\s?{_SCALE})?|(?:{_NUM_WORDS_RU}(?:\s+|$))+|(?:{_NUM_WORDS_EN}(?:[\s-]+|$))+)"
    r"(?!\s*(?:минут|секунд|час|дн|недел|раз|попыт|minute|second|hour|day|week|time|tr(?:y|ies))\w*)",
    re.IGNORECASE | re.UNICODE,
)
#: An amount right before a period it is paid for, with no currency said: "Тариф Профи — 2990 в
#: месяц", "It's 49.99 a month per user", "forty nine ninety nine a month". Not a count's noun
#: between ("2 раза в месяц", "3 calls a month": the period must follow the number itself).
_PERIOD_PRICE = re.compile(
    rf"(?P<amount>(?<![\w.,]){_NUM}(?:\s?{_SCALE})?|(?<!\w)(?:{_NUM_WORDS_RU}\s+)+|(?<!\w)(?:{_NUM_WORDS_EN}[\s-]+)+)"
    r"\s*(?:в|за|a|an|per|/)\s*(?:месяц|мес\.|год|month|year|mo\.?)(?!\w)",
    re.IGNORECASE | re.UNICODE,
)
#: An amount in digits right before a night's or a day's rate, with no currency said: "29.50 a night",
#: "12.99 per day", "3500 за ночь", "2000 в сутки". A night's rate takes two digits or more (no "2 a
#: night"), a day's or a week's cents too: "take 3 a day", "20 a day" (cigarettes) are counts.
_STAY_PRICE = re.compile(
    r"(?P<amount>(?<![\w.,])(?:\d+[.,]\d\d|[1-9]\d{1,5}(?=\s*(?:a|an|per|за|в|/)\s*(?:night|ночь|сутки)(?!\w))))"
    r"(?![\d.,]\d)\s*(?:(?:a|an|per|за|в|/)\s*(?:night|day|week|ночь|сутки|день|неделю)|nightly|daily|weekly)(?!\w)",
    re.IGNORECASE | re.UNICODE,
)
#: A night's rate in words, hundreds or more: "шесть тысяч двести за ночь", "two hundred a night" ("две
#: за ночь", "three a night" are counts).
_RU_HUNDREDS = r"(?:тысяч[аи]?|сто|двести|триста|четыреста|пятьсот|шестьсот|семьсот|восемьсот|девятьсот)"
_STAY_PRICE_WORDS = re.compile(
    rf"(?P<amount>(?<!\w)(?:(?:{_NUM_WORDS_RU}\s+)*?{_RU_HUNDREDS}(?:\s+{_NUM_WORDS_RU})*"
    rf"|(?:{_NUM_WORDS_EN}[\s-]+)*?(?:hundred|thousand)(?:[\s-]+{_NUM_WORDS_EN})*))"
    r"\s+(?:(?:a|an|per|за|в)\s+(?:night|ночь|сутки)|nightly)(?!\w)",
    re.IGNORECASE | re.UNICODE,
)
#: A seller's offer in a negotiation or what was paid, with no currency said: "I can go to forty five
#: thousand for two years", "we could go down to 48 000", "come down to 45k", "meet you at 45000",
#: "last year we paid forty eight thousand", "OK, go to 48000". Only thousands (in digits, not a year's
#: 19xx/20xx) or hundreds and more in words, and nothing they count after them: "I can go to five
#: tomorrow", "go to two people", "go to 221 Baker Street", "go to 1500 Main Street", "paid 3 visits",
#: "we paid attention" are no price.
_OFFER_END = (
    r"(?=\s*(?:[.,;:!?)—–\"”»]|['’](?!\w)|$|(?:for|if|per|a|an|each|in|on|with|and|but|so|or|then|last|this|next|total|"
    r"upfront|back|annually|yearly|monthly|now|today|flat|tops|max|minimum|dollars?|bucks|euros?|pounds?)(?!\w)))"
)
_OFFER_PRICE = re.compile(
    r"(?<!\w)(?:(?:can|could|will|'ll|would|'d|willing\s+to|able\s+to)\s+(?:go|come)\s+(?:down\s+)?to"
    r"|(?:go|come|drop|bring\s+it)\s+(?:down\s+)?to|meet\s+you\s+(?:halfway\s+)?at|paid)\s+"
    r"(?:(?:only|just|about|around|roughly|like)\s+)?"
    rf"(?P<amount>(?<![\w.,])\d{{1,3}}(?:[\s,]\d{{3}})+(?!\d)|\d+\s?k(?!\w)|"
    r"(?<![\w.,])(?!(?:19|20)\d\d(?!\d))[1-9]\d{3,}(?!\d|[.,]\d)|"
    rf"(?:a\s+|(?:{_NUM_WORDS_EN}[\s-]+)*)(?:hundred|thousand)(?:[\s-]+(?:and\s+)?{_NUM_WORDS_EN}(?!\w))*)"
    + _OFFER_END,
    re.IGNORECASE | re.UNICODE,
)
#: What was paid in tens or hundreds ("We paid 200 for the installation.", "She paid 49.99 last month."):
#: after "paid" a sum ends its clause as a count does not ("paid 20 visits", "paid 12 times"); a lone
#: digit ("paid 5 and left") is too unsure.
_PAID_PRICE = re.compile(
    r"(?<!\w)paid\s+(?:(?:only|just|about|around|roughly|like)\s+)?"
    r"(?P<amount>(?<![\w.,])[1-9]\d{1,2}(?:[.,]\d{1,2})?(?!\d|[.,]\d))" + _OFFER_END,
    re.IGNORECASE | re.UNICODE,
)
#: The same in Russian, in tens or more ("заплатил 200", "заплатила 4 500 за установку", "оплатили 1200
#: сразу"; "двести" reads 200 by then): not "заплатил 3 раза", "заплатила 2 взноса" (a count's noun
#: after it is no word that ends the sum).
_PAID_PRICE_RU = re.compile(
    r"(?<!\w)(?:за|у|о)?плати(?:л|ла|ли|м|ть)\s+(?:(?:всего|только|примерно|около|где-то|уже|ещё|еще)\s+)?"
    r"(?P<amount>(?<![\w.,])(?:\d{1,3}(?:\s\d{3})+|[1-9]\d{1,6}(?:[.,]\d{1,2})?)(?!\d|[.,]\d)(?:\s?"
    + _SCALE
    + r")?)"
    r"(?=\s*(?:[.,;:!?)—–\"”»]|$|(?:за|и|а|но|или|в|на|сразу|уже|тогда|вперёд|вперед|наличными|картой|"
    r"сверху|плюс|ещё|еще|потом|тоже|как|по|с|из|чтобы|если|когда)(?!\w)))",
    re.IGNORECASE | re.UNICODE,
)
#: A money noun or a listing, with no currency said: "залог 65 000", "комиссия агентства 50 процентов, то
#: есть 32500", "предоплату 10000", "listed at 34995", "a trade-in would be around twelve to thirteen
#: thousand", "the deposit is 500". The amount follows in its sentence, up to :data:`_NOUN_GAP` words
#: after the noun, and ends its clause or is followed by a word no count takes ("65000, и", "10000,
#: чтобы", "2000 upfront"): "34,000 miles", "3 months", "50 процентов", "2 people", "221 Baker Street",
#: "19:00" are no price. :func:`_noun_priced` then drops a time, a year, a label's number ("заказ 4417")
#: and, further from the noun than its verb, an amount under 100 ("залог вернём через 10").
_MONEY_NOUN = (
    r"(?:(?:security\s+)?deposits?|down\s?payments?|fees?|commissions?|rent(?:al)?|pre-?payments?|retainer|"
    r"trade[\s-]?ins?(?:\s+value)?|listed\s+(?:at|for)|asking(?:\s+price)?|"
    r"залог\w*|комисси\w*|предоплат\w*|аренд\w*|депозит\w*|аванс\w*|задат(?:ок|к\w*)|"
    r"первоначальн\w*\s+взнос\w*|"
    # a repair's cost nouns ("по работе 4800, плюс запчасти около 7000", "labor 4800, parts about 7000"):
    # hundreds or more only (see _WORK_NOUN)
    r"(?:по|за)\s+работ[уеы]|запчаст\w*|labou?r|parts)(?!\w)"
)
#: The cost nouns of a repair whose words say other things too ("звоню по работе", "parts 2 and 3"):
#: their amount is 100 or more, no year ("parts 2019") and no date ("по работе 15.03").
_WORK_NOUN = re.compile(r"(?:по|за)\s+работ|запчаст|labou?r|parts", re.IGNORECASE)
_NOUN_GAP = 6
#: Words between a money noun and its amount that still make them one phrase ("the deposit is 500",
#: "залог равен 65 000", "комиссия составит 3000").
_NOUN_LINK = re.compile(
    r"(?:is|was|will|be|would|of|at|just|only|about|around|roughly|approximately|like|равн\w*|составл\w*|"
    r"составит|будет|в|размере|всего|только|примерно|около)",
    re.IGNORECASE,
)
_NOUN_PRICE = re.compile(
    rf"(?<!\w){_MONEY_NOUN}(?P<gap>(?:[\s,:—–-]+[^\s.!?;,:—–-]+){{0,{_NOUN_GAP}}}?)[\s,:—–-]+"
    r"(?P<amount>(?<![\w.,:])(?<!\d\s)(?:\d{1,3}(?:[\s,]\d{3})+|\d+\s?[kк]|\d{1,7}(?:[.,]\d{1,2})?)"
    rf"(?:\s?{_SCALE})?(?!\w|[.,:]\d)|(?<!\w){_WORD_AMOUNT})"
    r"(?=\s*(?:[.,;!?)\"”»—–]|:(?!\d)|['’](?!\w)|$|(?:for|if|per|a|an|each|in|on|with|and|but|so|or|then|"
    r"this|next|total|upfront|back|now|today|flat|tops|max|before|after|plus|и|а|но|или|в|за|на|плюс|до|"
    r"сразу|тоже|уже|ещё|еще|то|чтобы|если|сейчас|вперёд|вперед)(?!\w)))",
    re.IGNORECASE | re.UNICODE,
)
#: Lower-case pieces every :data:`_CUED_PRICE`, :data:`_PERIOD_PRICE`, :data:`_OFFER_PRICE`,
#: :data:`_PAID_PRICE` or :data:`_NOUN_PRICE` match holds one of (texts without any are skipped).
_CUE_HINTS = (
    "стои", "цен", "обойд", "cost", "price", "месяц", "мес.", "год", "month", "year", "/mo", "go ", "down to",
    "meet you", "paid", "deposit", "payment", "fee", "commission", "rent", "retainer", "trade", "listed",
    "asking", "залог", "комисси", "предоплат", "аренд", "депозит", "аванс", "задат", "задатк", "взнос",
    "night", "day", "week", "ноч", "сутк", "день", "недел", "плати", "работ", "запчаст", "labor", "labour",
    "parts",
)  # fmt: skip


def _cued_amounts(text: str, found: list[tuple[int, int]]) -> int:
    """:data:`_CUED_PRICE`, :data:`_PERIOD_PRICE`, :data:`_OFFER_PRICE`, :data:`_PAID_PRICE` and
    :data:`_NOUN_PRICE` amounts in ``text`` outside the amounts ``found`` with their currency (each
    amount once)."""
    spans = list(found)
    n = 0
    folded = fold(text)  # where lower-casing is what IGNORECASE matches by (see processors.text.fold)
    for pattern, needles in _CUED_PATTERNS:
        if folded is not None and not any(needle in folded for needle in needles):
            continue  # a scan of each pattern costs far more than these few substring checks
        for m in pattern.finditer(text):
            a, b = m.span("amount")
            if pattern is _NOUN_PRICE and not _noun_priced(text, m, found):
                continue
            if _DOC_PART_BEFORE.search(text, max(0, a - 20), a) or _DOC_PART_AFTER.match(text, b):
                continue  # "see page 150", "раздел 300", "300 страниц": a document's part, no price
            if pattern in _RATES and _clock(text, a, b, m["amount"]):
                continue
            if not any(x < b and a < y for x, y in spans):
                spans.append((a, b))
                n += 1
    return n


#: :func:`_cued_amounts`' patterns, in the order they claim an amount, each with lower-case pieces
#: every one of its matches holds one of (its cue words: a text with none is not scanned).
_CUED_PATTERNS = (
    (_CUED_PRICE, ("стои", "цен", "обойд", "cost", "price")),
    (_PERIOD_PRICE, ("мес", "год", "mo", "year")),
    (_STAY_PRICE, ("night", "day", "daily", "week", "ноч", "сутки", "день", "недел")),
    (_STAY_PRICE_WORDS, ("night", "ноч", "сутки")),
    (_OFFER_PRICE, ("go", "come", "drop", "bring", "meet", "paid")),
    (_PAID_PRICE, ("paid",)),
    (_PAID_PRICE_RU, ("плати",)),
    (
        _NOUN_PRICE,
        ("deposit", "payment", "fee", "commission", "rent", "retainer", "trade", "listed", "asking",
         "залог", "комисси", "предоплат", "аренд", "депозит", "аванс", "задат", "первоначальн", "работ",
         "запчаст", "labo", "parts"),
    ),
)  # fmt: skip
#: A document's part, whose number (right after it, or right before it: "300 страниц") is no amount.
#: Not "parts" (a repair's cost noun: "parts 120"; see :data:`_DOC_PARTS_OF`).
_DOC_PART = (
    r"(?:pages?|pp|sections?|chapters?|clauses?|paragraphs?|part|§|"
    r"пункт(?:а|е|у|ом|ы|ов|ам|ах)?|стр|страниц(?:а|ы|е|у|ей|ам|ах)?|раздел(?:а|е|у|ом|ы|ов|ам|ах)?|"
    r"глав(?:а|ы|е|у|ой|ам|ах)?|част(?:ь|и|ью|ей|ям|ях)|абзац(?:а|е|у|ем|ы|ев)?|стать(?:я|и|е|ю|ей))"
)
_DOC_PART_BEFORE = re.compile(rf"(?<!\w){_DOC_PART}\.?\s*$", re.IGNORECASE)
_DOC_PART_AFTER = re.compile(rf"\s*{_DOC_PART}(?!\w)", re.IGNORECASE)
#: "parts" of a document, not a repair's: its numbers (a list maybe) are of something ("parts 100 and
#: 200 of the manual", "parts 3, 4 and 5 in the contract").
_DOC_PARTS_OF = re.compile(
    r"(?:\s*(?:,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|&)\s+)\d+)*\s+(?:of|in|from)\s+"
    r"(?:the|this|that|your|our|my|a|an)(?!\w)",
    re.IGNORECASE,
)
#: The patterns that price an amount by the period after it alone, with no cost word.
_RATES = (_PERIOD_PRICE, _STAY_PRICE, _STAY_PRICE_WORDS)
#: A time preposition right before an amount: "в 14.30", "к пяти тридцати", "at ten thirty".
_AT_TIME = re.compile(
    r"(?<!\w)(?P<prep>в|во|к|ко|около|после|до|с|со|at|by|around|until|till|before|after|from|since)\s+$",
    re.IGNORECASE,
)
#: A cost word that makes an amount after a time preposition a price still: "Стоимость в 14.30 в день".
_COST_WORD = re.compile(
    r"(?<!\w)(?:cost\w*|pric\w*|pay\w*|paid|charg\w*|fees?|стои\w*|цен\w*|(?:о|за|у)?плат\w*|обойд\w*)(?!\w)",
    re.IGNORECASE,
)


def _clock(text: str, a: int, b: int, amount: str) -> bool:
    """Whether the rate's amount ``text[a:b]`` is a clock time after a time preposition, "в 14.30 в день
    приёма", "at ten thirty a month from now": hours up to 23 and minutes up to 59 (after "at", which
    prices too, "a plan at 9.99 a month", a quarter hour), and no cost word in its clause."""
    prep = _AT_TIME.search(text, max(0, a - 12), a)
    if prep is None:
        return False
    numbers = re.findall(r"\d+", amount if _ANY_DIGIT.search(amount) else normalise_numbers(amount))
    if len(numbers) != 2 or len(numbers[1]) != 2 or int(numbers[0]) > 23 or int(numbers[1]) > 59:
        return False
    if prep["prep"].lower() == "at" and int(numbers[1]) % 15:
        return False
    clause = max(text.rfind(stop, 0, a) for stop in ".,;!?\n") + 1
    return _COST_WORD.search(text, clause, a) is None


#: The number words the amounts of :func:`_cued_amounts`' patterns are made of, lower-case.
_AMOUNT_WORDS = frozenset(w.lower() for w in (*RU_NUMBER_WORDS, *_EN_NUMBER_WORDS))
_ANY_DIGIT = re.compile(r"\d")


def _may_cue_amount(folded: str) -> bool:
    """False where :func:`_cued_amounts` finds nothing in the fold-safe text whose lower-case form is
    ``folded``: every amount its patterns match holds a digit, or a number word as a whole word (each
    starts after a non-word character and ends at a space, a hyphen or no word character), or
    "hundred" or "thousand" (:data:`_OFFER_PRICE` lets a word follow those). Most texts with a cue
    word ("day", "месяц", "работ") name no amount, and this costs far less than the patterns' scans."""
    return (
        _ANY_DIGIT.search(folded) is not None
        or "hundred" in folded
        or "thousand" in folded
        or not _AMOUNT_WORDS.isdisjoint(WORD_RE.findall(folded))
    )


#: A list joiner right before a priced amount: "залог 30 000 или 40 000 рублей" lists one currency's
#: amounts, which the list counts already.
_BEFORE_LISTED = re.compile(r"\s*(?:,\s*)?(?:[-–—]|(?:и|или|до|to|or|and)(?!\w))?\s*")


def _noun_priced(text: str, m: re.Match[str], found: list[tuple[int, int]]) -> bool:
    """Whether the :data:`_NOUN_PRICE` match ``m`` prices something: of a known value of 10 or more
    (100 or more with other words than a verb between it and its noun), not a year after other words,
    not a label's number, not an item of a list a priced amount ``found`` ends."""
    a, b = m.span("amount")
    grouped = re.match(r"\d{1,3}(?:[\s,]\d{3})+(?!\d)", m["amount"])  # "2,000" is no 2.0
    value = float(re.sub(r"\D", "", grouped.group())) if grouped else _value(m["amount"])
    if value is None or value < 10 or _LABEL_BEFORE.search(text, 0, a):
        return False
    if any(x == _BEFORE_LISTED.match(text, b).end() for x, _ in found):  # type: ignore[union-attr]
        return False
    if _WORK_NOUN.match(text, m.start()) is not None and (
        value < 100
        or re.fullmatch(r"(?:19|20)\d\d|\d{1,2}[.,]\d\d", m["amount"]) is not None
        or _DOC_PARTS_OF.match(text, b) is not None
    ):
        return False
    gap = [w for w in re.split(r"[\s,:—–-]+", m["gap"]) if w and not _NOUN_LINK.fullmatch(w)]
    return not gap or (value >= 100 and re.fullmatch(r"(?:19|20)\d\d", m["amount"]) is None)


#: A noun whose number names a thing, not an amount: "заказ 4417", "квартира 12", "order 4417".
_LABEL_BEFORE = re.compile(
    r"(?<!\w)(?:заказ\w*|номер\w*|квартир\w*|дом|дома|кв|д|офис\w*|код\w*|договор\w*|счёт|счет|"
    rf"order|room|apartment|apt|suite|unit|ticket|case|code|account|invoice|no|№|#|{_DOC_PART})\.?\s*$",
    re.IGNORECASE,
)
#: How far a list item may be from the priced amount it shares a currency with: "990, 1490 и 2990
#: рублей" and "от 500 до 10 000 рублей" are one list; "с 9 до 18 и 500 рублей" is hours, then a price.
_LIST_SPREAD = 25.0
#: Hours of the day as a span, "from 9 to 5", "с 9 до 18", "с 10:00 до 20:00": two numbers up to 24.
#: Only a span that ends before the priced amount is hours ("from 9 to 5, and 50 dollars"); one that
#: ends at it is a price range ("from 9 to 12 dollars"): it is searched up to the priced amount only.
_CLOCK_SPAN = re.compile(
    r"(?<!\w)(?:с|со|from|от)\s+(?P<a>\d{1,2})(?::\d\d)?\s*(?:до|to|till|until|[-–—])\s*"
    r"(?P<b>\d{1,2})(?::\d\d)?(?![\d.,]\d)",
    re.IGNORECASE,
)


def _same_order(item: str, priced: str) -> bool:
    """Whether two digit amounts ("2 990", "39.99") are within :data:`_LIST_SPREAD` of each other."""
    a, b = (float(re.sub(r"\s", "", x).replace(",", ".") or 0) for x in (item, priced))
    return _within_spread(a, b)


def _within_spread(a: float | None, b: float | None) -> bool:
    """Whether two amounts are within :data:`_LIST_SPREAD` of each other (yes when one is unknown)."""
    if a is None or b is None or a <= 0 or b <= 0:
        return True
    return max(a, b) / min(a, b) <= _LIST_SPREAD


def _worded(amount: str) -> float | None:
    """The value of an amount in words ("пятьсот": 500; "nine ninety", read 9 90: 9.9), None when
    :func:`processors.numbers.normalise_numbers` leaves it in words ("one")."""
    digits = re.findall(r"\d+", normalise_numbers(amount))
    if not digits:
        return None
    return float(digits[0] + (f".{digits[1]}" if len(digits) > 1 else ""))


def _texts_holding(
    texts: list[str], joined: str, needles: tuple[str, ...], pattern: re.Pattern[str] | None = None
) -> list[int]:
    """Indices (ascending) of the ``texts`` that contain one of ``needles`` or a match of ``pattern``;
    ``joined``: the texts joined by one character (which no needle or match contains), or their
    lower-cased join."""
    positions = [at for needle in needles for at in find_all(joined, needle)]
    if pattern is not None:
        positions += [m.start() for m in pattern.finditer(joined)]
    if not positions:
        return []
    starts = _starts(texts)
    return sorted({bisect_right(starts, at) - 1 for at in positions})


def _starts(texts: list[str]) -> list[int]:
    """Where each of ``texts`` starts in their join by one character."""
    return list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))


def keyword_hits(
    texts: Iterable[str], keywords: Mapping[str, Iterable[str]] = DEFAULT_KEYWORDS
) -> dict[str, int]:
    """Occurrences of each dictionary entry (case-insensitive, on word boundaries); zero counts omitted.

    Within one entry the longest phrase wins, so "too expensive" counts once, not also as "expensive".
    """
    joined = "\n".join(texts)
    return _without_negated(_keyword_hits(joined, fold(joined), keywords), joined, keywords)


def _keyword_hits(joined: str, folded: str | None, keywords: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """:func:`keyword_hits` of ``joined`` (``folded``: :func:`fold` of it)."""
    hits = {}
    for name, phrases in keywords.items():
        pattern, gate = _entry(tuple(phrases))
        n = None
        if folded is not None and gate is not None:
            n = gate.count(case_sensitive_twin(pattern), folded)  # type: ignore[arg-type]
        if n is None:
            n = len(ci_findall(pattern, joined, folded))
        if n:
            hits[name] = n
    return hits


#: How many first words :func:`_keyword_hits_and_agent` still finds with :meth:`WordGate.starts`
#: (the default entry cancel has 65: one find scan each over the call beats the two regex scans, of the
#: call and of the agent's join, that it would cost otherwise).
_MOST_FIRSTS_SHARED = 128
#: Spans of the hits of the :attr:`Entry.narrowed` entries, by entry name, as :func:`_match_spans` finds
#: them: :func:`_keyword_hits_and_agent` keeps them so that :func:`_without_negated` needs no new scan.
Spans = dict[str, list[tuple[int, int]]]


def _keyword_hits_and_agent(
    speech: list[str], spoken: str, agent: list[bool], keywords: Mapping[str, Iterable[str]]
) -> tuple[dict[str, int], dict[str, int], Spans | None, Spans | None]:
    """:func:`_keyword_hits` of ``spoken`` (``speech`` joined by "\\n") and of the agent's texts of it
    (``agent``: whether each is the agent's) joined by "\\n" ({} when that is empty), and the
    :data:`Spans` of both (None when not kept).

    Where first words are looked for (:meth:`WordGate.starts`), the agent's join takes the places
    found in ``spoken`` that lie in the agent's texts, moved to where those texts are in it: a first
    word is word characters, so it lies inside one text, which holds the same characters in either
    join (and lower-cases alike: the agent's join is of some of the fold-safe texts of ``spoken``)."""
    by_agent = "\n".join(text for text, own in zip(speech, agent, strict=True) if own)
    folded = fold(spoken)
    if folded is None or not by_agent:
        return (
            _keyword_hits(spoken, folded, keywords),
            _keyword_hits(by_agent, fold(by_agent), keywords) if by_agent else {},
            None,
            None,
        )
    agent_folded = by_agent.lower()
    starts = _starts(speech)
    shift: list[int | None] = []  # per text: where the agent's join has it, less where spoken has it
    at = 0
    for text, start, own in zip(speech, starts, agent, strict=True):
        shift.append(at - start if own else None)
        at += (len(text) + 1) if own else 0
    hits: dict[str, int] = {}
    agent_hits: dict[str, int] = {}
    spans: Spans = {}
    agent_spans: Spans = {}
    seen: dict[str, list[int]] = {}  # first word -> its places in folded, for every entry's gate
    for name, phrases in keywords.items():
        pattern, gate = _entry(tuple(phrases))
        # the places serve the agent's join and the spans too: worth their scans for more first words
        found = gate.starts(folded, _MOST_FIRSTS_SHARED, seen) if gate is not None else None
        narrowed = getattr(phrases, "narrowed", False)
        if found is None:
            if narrowed:  # the spans too, for _without_negated
                spans[name] = [m.span() for m in ci_finditer(pattern, spoken, folded)]
                agent_spans[name] = [m.span() for m in ci_finditer(pattern, by_agent, agent_folded)]
                n, mine = len(spans[name]), len(agent_spans[name])
            else:
                n = len(ci_findall(pattern, spoken, folded))
                mine = len(ci_findall(pattern, by_agent, agent_folded))
        else:
            twin = case_sensitive_twin(pattern)
            moved = [i + by for i in found if (by := shift[bisect_right(starts, i) - 1]) is not None]
            if narrowed:
                spans[name] = _spans_at(twin, folded, found)  # type: ignore[arg-type]
                agent_spans[name] = _spans_at(twin, agent_folded, moved)  # type: ignore[arg-type]
                n, mine = len(spans[name]), len(agent_spans[name])
            else:
                n = gate.count_at(twin, folded, found)  # type: ignore[arg-type, union-attr]
                mine = gate.count_at(twin, agent_folded, moved)  # type: ignore[arg-type, union-attr]
        if n:
            hits[name] = n
        if mine:
            agent_hits[name] = mine
    return hits, agent_hits, spans, agent_spans


@cache
def _entry(phrases: tuple[str, ...]) -> tuple[re.Pattern[str], WordGate | None]:
    """The entry's pattern and, when it has a case-sensitive twin (which the gate is about), its gate."""
    pattern = _entry_pattern(phrases)
    return pattern, WordGate(phrases) if case_sensitive_twin(pattern) is not None else None


@cache
def _entry_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return phrase_pattern(phrases)


@cache
def _lingua(languages: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def language_mix(texts: Iterable[str], languages: tuple[str, ...] = ("en", "ru")) -> Counter[str]:
    """Words per language over ``texts`` (see the module doc for how words are assigned)."""
    texts = list(texts)
    return _language_mix(texts, "\n".join(texts), languages)


def _language_mix(texts: list[str], joined: str, languages: tuple[str, ...]) -> Counter[str]:
    """:func:`language_mix`; ``joined``: ``texts`` joined by "\\n" (no script's letter)."""
    by_script: dict[str, list[str]] = {}
    for code in languages:
        by_script.setdefault(SCRIPTS.get(code, "latin"), []).append(code)
    counts: Counter[str] = Counter()
    if all(len(codes) == 1 for codes in by_script.values()):
        # Every script names its language: count letter runs in one pass per script. The counter
        # lists languages in the order a text-by-text pass meets them (most_common breaks ties so).
        starts = _starts(texts)
        runs = []
        for order, (script, codes) in enumerate(by_script.items()):
            words, first = _SCRIPT_RUNS[script].count(joined)
            if words:
                runs.append((bisect_right(starts, first), order, codes[0], words))
        for *_, code, n in sorted(runs):
            counts[code] += n
        return counts
    for text in texts:
        for script, codes in by_script.items():
            words = _SCRIPT_RE[script].findall(text)
            if not words:
                continue
            if len(codes) == 1:
                counts[codes[0]] += len(words)
                continue
            found = _lingua(tuple(languages)).detect_language_of(" ".join(words))
            code = found.iso_code_639_1.name.lower() if found is not None else codes[0]
            counts[code] += len(words)
    return counts


def _call_language_mix(texts: list[str], joined: str, languages: tuple[str, ...]) -> Counter[str]:
    """:func:`language_mix` of a call's redacted text: PII placeholders ("[PHONE]") are no words, and
    Latin names in a Cyrillic segment are no switch to English (see :func:`_latin_names`)."""
    if "[" in joined:
        texts = [PLACEHOLDER_RE.sub(" ", t) if "[" in t else t for t in texts]
        joined = "\n".join(texts)
    mix = _language_mix(texts, joined, languages)
    if len(mix) < 2:  # one language: no names to look for (the common case costs nothing more)
        return mix
    names = _latin_names(texts, joined)
    if not names:
        return mix
    latin = [code for code in languages if SCRIPTS.get(code, "latin") == "latin"]
    if len(latin) == 1:  # every Latin word was counted for that language: take the names off
        # a name is one Latin word per hyphenated part ("Wi-Fi": 2)
        mix[latin[0]] -= sum(texts[i].count("-", a, b) + 1 for i, spans in names.items() for a, b in spans)
        return +mix
    texts = [_cut(t, names[i]) if i in names else t for i, t in enumerate(texts)]  # lingua reads the rest
    return _language_mix(texts, "\n".join(texts), languages)


#: Brands and tech words Russian speech writes in lower-case Latin ("приложение whatsapp", "роутер
#: tp-link"): names like their capitalised forms, where a lower-case English word ("нужен refund")
#: is a switch to English.
_LOWER_NAMES = frozenset(
    ("whatsapp", "telegram", "viber", "skype", "zoom", "wifi", "wi-fi", "iphone", "ipad", "android", "ios",
     "windows", "google", "gmail", "yandex", "youtube", "instagram", "facebook", "tiktok", "vk", "netflix",
     "samsung", "xiaomi", "huawei", "tp-link", "d-link", "keenetic", "mikrotik", "bluetooth", "usb", "sim",
     "esim", "lte", "sms", "email", "e-mail", "paypal", "visa", "mastercard", "ozon", "avito", "wildberries")
)  # fmt: skip
#: What may stand between two words of one phrase ("whatsapp или", "в «telegram»"); a comma ends it
#: ("в whatsapp, ok?": the brand is alone among Cyrillic words).
_BETWEEN_WORDS = " \t—–-\"'«»()"


#: The last letter before a word, and the first after it, in its sentence (digits stop the look).
_LETTER_BEFORE = re.compile(r"([^\W\d_])[^\w.!?…]*$")
_LETTER_AFTER = re.compile(r"[^\w.!?…]*([^\W\d_])")


def _latin_names(texts: list[str], joined: str) -> dict[int, list[tuple[int, int]]]:
    """Text index -> spans (in that text) of its Latin names: "Wi-Fi", "WhatsApp", "iPhone",
    "Business" in a segment with Cyrillic words. A name has a capital after its first letter, or a
    capital first letter not at a sentence start ("Okay, понял" is English), or is a lower-case brand
    (:data:`_LOWER_NAMES`) alone among Cyrillic words ("can you repeat on whatsapp" is English)."""
    starts = _starts(texts)
    names: dict[int, list[tuple[int, int]]] = {}
    cyrillic: dict[int, bool] = {}
    for m in _LATIN_WORD.finditer(joined):
        word = m.group()
        if word.islower() and word not in _LOWER_NAMES:
            continue
        i = bisect_right(starts, m.start()) - 1
        text, at = texts[i], m.start() - starts[i]
        if word.islower():
            before = text[:at].rstrip(_BETWEEN_WORDS)[-1:]
            after = text[at + len(word) :].lstrip(_BETWEEN_WORDS)[:1]
            near = [c for c in (before, after) if c]  # the letters next to it in its sentence, if any
            if not any(c.isalpha() for c in near):
                # only punctuation next to it ("роутер есть, tp-link."): the nearest letters of its
                # sentence tell, beyond a comma too, as no other word is next to it
                near = [
                    m[1]
                    for m in (
                        _LETTER_BEFORE.search(text, max(0, at - 80), at),
                        _LETTER_AFTER.match(text, at + len(word)),
                    )
                    if m
                ]
            if any(_LATIN.match(c) for c in near) or not any(_CYRILLIC.match(c) for c in near):
                continue
        elif word[1:] == word[1:].lower():  # capitalised: a name unless it starts a sentence
            before = text[:at].rstrip()
            if not before or before[-1] in ".!?…":
                continue
        if i not in cyrillic:
            cyrillic[i] = _CYRILLIC.search(text) is not None
        if cyrillic[i]:
            names.setdefault(i, []).append((at, at + len(word)))
    return names


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the (ascending, disjoint) ``spans``."""
    ends = [0, *(x for span in spans for x in span), len(text)]
    return "".join(text[a:b] for a, b in zip(ends[::2], ends[1::2], strict=True))


def _measure(value: float | None) -> float | None:
    """A duration from the speech stage, or None when it is none (NaN, infinite or negative: a
    share or ratio of it would be nonsense in BI, and one NaN spoils every average it joins)."""
    return value if value is not None and math.isfinite(value) and value >= 0 else None


def rule_metrics(transcript: Mapping[str, Any], options: RuleOptions | None = None) -> dict[str, Any]:
    """RuleMetrics for a transcript whose segments carry ``kept`` flags (and redacted text).

    Keyword hits read every segment that was speech, also the ones the filter dropped as short or
    filler ("Тарифы МТС." names a competitor); the other metrics read the kept segments.
    """
    options = options or default_rule_options()
    segments = transcript["segments"]
    texts = [s["text"] for s in segments if s.get("kept", True)]
    said = _speech(segments)
    speech = [s["text"] for s in said]
    metrics = transcript["metrics"]
    agent, customer = _measure(metrics.get("agent_talk_s")), _measure(metrics.get("customer_talk_s"))
    ratio = (
        agent / (agent + customer)
        if agent is not None and customer is not None and agent + customer > 0
        else None
    )
    tenant = (transcript.get("call") or {}).get("tenant")
    folder = options.dictionaries_dir
    joined = "\n".join(texts)
    spoken = joined if len(speech) == len(texts) else "\n".join(speech)
    mix = _call_language_mix(texts, joined, options.languages)
    words_in_lang = sum(mix.values())
    language, main = mix.most_common(1)[0] if mix else (None, 0)
    duration = _measure(metrics.get("duration_s")) or _measure(transcript.get("duration"))
    silence = _measure(metrics.get("silence_s"))
    share = silence / duration if silence is not None and duration else None
    interruptions = [
        n
        for n in (metrics.get("agent_interruptions"), metrics.get("customer_interruptions"))
        if n is not None
    ]
    dictionary = load_dictionary(tenant, Path(folder) if folder else None)
    agent = [s.get("role") == "agent" for s in said]
    # by the agent only: "did the agent apologise / greet" (a customer's "Sorry?" is no apology)
    hits, by_agent, spans, agent_spans = _keyword_hits_and_agent(speech, spoken, agent, dictionary)
    if any(getattr(dictionary[name], "narrowed", False) for name in hits):
        hits = _without_negated(hits, spoken, dictionary, spans)
        by_agent = _without_negated(
            by_agent,
            "\n".join(t for t, own in zip(speech, agent, strict=True) if own),
            dictionary,
            agent_spans,
        )
    return {
        "price_mentions": price_mentions(texts),
        "keyword_hits": hits,
        "agent_keyword_hits": by_agent,
        "words": _WORD_RUNS.count(joined)[0],  # WORD_RE's words ("\n" joins no two)
        "agent_talk_ratio": ratio,
        "language": language,
        "code_switching": round(1 - main / words_in_lang, 4) if words_in_lang else None,
        "duration_s": duration,
        "silence_share": round(share, 4) if share is not None and share <= 1 else None,
        # an Avro int: counts past it (or below 0) are no count
        "interruptions": total if interruptions and 0 <= (total := sum(interruptions)) < 2**31 else None,
        "pii": count_placeholders(
            [s["text"] for s in transcript["segments"]], [s["role"] for s in transcript["segments"]]
        ),
    }
