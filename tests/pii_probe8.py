"""Blind PII probe 8: fifteen industries the redaction's authors never wrote dialogues for.

A seeded generator (SEED = 8008) writes 400 dialogues: 150 positive per language (ru, en), each
holding one to three secrets (phones, cards, card security codes, e-mails, passports, SNILS, a
person's INN, OMS policies, personal bank accounts, SSNs and their last four, UK National Insurance
and NHS numbers, driver's licences, IBANs), and 50 negative per language with no personal data but
many numbers that must stay (order, invoice, prescription, booking and confirmation numbers,
toll-free hotlines, a company's INN/KPP/OGRN, a bank's BIK and correspondent account, amounts,
dates, times, rooms, percentages). Industries: pharmacy refills, hotel booking changes, consumer
loans, gym freezes, legal intake, real-estate viewings, a veterinary clinic, university enrollment,
the government services portal (Госуслуги / GOV.UK), a travel agency, a taxi lost item, streaming
support, a crypto exchange identity check, a pension fund, a mobile bank app login problem. The
speech is the way callers talk and telephony Whisper writes it: ASR homophones ("for", "to", "ate",
"won", "oh"), Russian speakers saying digits in English and English speakers giving a Russian
number, the other speaker talking over a number ("да-да", "uh-huh"), a request to repeat answered
with part of the number, numbers read from a document with pauses, unusual grouping, "плюс"/"plus"
country codes, e-mails said with "собака"/"эт"/"at" and spelled with letter names, the agent reading
a secret from the CRM, several secrets in one turn, a secret given unprompted.

Written blind: from the README's policy ("Text stages: filter, compress, rules, PII") and the
signature of ``streams.bench_text.make_transcript_from_turns`` only; no code of the redaction and no
other probe was read.

Leak rule: a secret leaks when 4 of its digits in a row (a card: not only its last four; a 3- or
4-digit security code or the last four of a social: all of them) can still be read from the stored
segments (joined with " \\n ") or from the compressed text, as digits or as Russian/English number
words ("сорок пять", "forty-five", "double seven", "две семёрки", "oh", and the homophones
generated); separators, fillers, backchannels and turn boundaries do not break a run, a placeholder
does. An e-mail leaks when its local part, a piece of it of 4 characters or more, or 4 of its letters
spelled in a row can be read. A number that must stay is lost when it can no longer be read in its
own stored segment or in the compressed text. A secret that did not leak but sits under another
type's placeholder is a wrong-type redaction; a negative dialogue with any placeholder is touched.
The generator retries a dialogue until each secret is readable in the raw text and unreadable once
only its own spans are redacted, and each number that must stay survives a perfect redaction.

Run: ``cd /work/main && .venv/bin/python -m tests.pii_probe8`` (self-check, then the measures).

Measured blind when written (at 519173a): 100 of 671 secrets readable (14.9 %; en 25.5 %, ru 4.7 %),
40 of 1 615 numbers that must stay lost (2.5 %; 28 of 182 toll-free hotlines, mostly said in Russian
words "восемь восемьсот ..." and taken as [PHONE]; invoices after "счёт-фактура" taken as [ID]), no
wrong types, 19 of 100 negative dialogues touched. Worst: en driver's licences 56 %, en passports 41 %,
en cards 32 % (homophone and paired dictation), ssn4 33 %, NI 31 %; scenarios mobilebank, crypto, legal,
hotel and university ~20 % readable; mobilebank 7.6 % and gosuslugi 5.3 % of numbers that must stay lost.

Checker fix (after the blind measure): a comma closes a group said in words, as a listener hears it
("one eight hundred, four four seven, 8302" is 1 800 447 8302, not 1 804 ...). Without it a hotline
said in words and rendered "1 800, 4 4 7, 8302" in the LLM text counted as lost; the self-check and
every secret's reading are unchanged by it.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

SEED = 8008
N_POS = 150
N_NEG = 50
PLACEHOLDERS = ("[PHONE]", "[CARD]", "[EMAIL]", "[ID]")
_PLACEHOLDER_OF = {"phone": "[PHONE]", "card": "[CARD]", "cvv": "[CARD]", "email": "[EMAIL]"}
_WHOLE_KINDS = {"cvv", "ssn4"}  # short codes: leak only when all their digits can be read


@dataclass
class Secret:
    kind: str
    value: str
    spans: list[tuple[int, str]] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)

    @property
    def placeholder(self) -> str:
        return _PLACEHOLDER_OF.get(self.kind, "[ID]")

    @property
    def digits(self) -> str:
        return "".join(c for c in self.value if c.isdigit())


@dataclass
class Keep:
    kind: str
    surface: str
    turn: int


@dataclass
class Case:
    cid: str
    lang: str
    scenario: str
    tags: list[str]
    turns: list[tuple[str, str]]
    negative: bool
    secrets: list[Secret]
    keeps: list[Keep]


@dataclass
class CaseResult:
    leaks: list[tuple[Secret, str]]
    lost: list[tuple[Keep, str]]
    wrong_type: list[tuple[Secret, str]]
    touched: bool


# --- checksums and values ------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    for last in "0123456789":
        if luhn_ok(prefix + last):
            return prefix + last
    raise AssertionError(prefix)


def snils_check(nine: str) -> str:
    s = sum(int(d) * (9 - i) for i, d in enumerate(nine))
    if s < 100:
        cs = s
    elif s in (100, 101):
        cs = 0
    else:
        cs = s % 101
        if cs == 100:
            cs = 0
    return nine + f"{cs:02d}"


def snils_ok(eleven: str) -> bool:
    return len(eleven) == 11 and snils_check(eleven[:9]) == eleven


_INN12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn12_complete(ten: str) -> str:
    n11 = sum(int(d) * k for d, k in zip(ten, _INN12_1, strict=True)) % 11 % 10
    eleven = ten + str(n11)
    n12 = sum(int(d) * k for d, k in zip(eleven, _INN12_2, strict=True)) % 11 % 10
    return eleven + str(n12)


def inn12_ok(s: str) -> bool:
    return len(s) == 12 and s.isdigit() and inn12_complete(s[:10]) == s


def inn10_complete(nine: str) -> str:
    return nine + str(sum(int(d) * k for d, k in zip(nine, _INN10, strict=True)) % 11 % 10)


def iban_complete(country: str, bban: str) -> str:
    moved = bban + country + "00"
    num = "".join(str(int(c, 36)) for c in moved)
    check = 98 - int(num) % 97
    return f"{country}{check:02d}{bban}"


def nhs_complete(nine: str) -> str | None:
    s = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    c = 11 - s % 11
    if c == 11:
        c = 0
    if c == 10:
        return None
    return nine + str(c)


def rdig(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def looks_personal(d: str) -> bool:
    """A number that must stay should not also have a personal number's shape and checksum."""
    if len(d) in (15, 16) and luhn_ok(d):
        return True
    if len(d) == 11 and (snils_ok(d) or d[:2] in ("79", "89")):
        return True
    if len(d) == 12 and inn12_ok(d):
        return True
    return len(d) == 10 and d[0] == "9"


def safe_ref(rng: random.Random, n: int, first: str = "123456789") -> str:
    while True:
        d = rng.choice(first) + rdig(rng, n - 1)
        if not looks_personal(d):
            return d


_US_AREAS = ["212", "312", "415", "617", "646", "718", "206", "305", "503", "702", "404", "512", "720", "919"]
_TOLL_FREE = {"800", "833", "844", "855", "866", "877", "888"}


def make_value(rng: random.Random, kind: str, lang: str) -> tuple[str, list[str]]:
    """(value, variants) of a secret of ``kind``."""
    if kind == "phone":
        if lang == "ru" or rng.random() < 0.15:
            nat = "9" + rng.choice("0123456789") + rng.choice("0123456789") + rdig(rng, 7)
            return "7" + nat, [nat, "8" + nat]
        if rng.random() < 0.3:
            nat = "7" + rng.choice("4579") + rdig(rng, 8)
            return "0" + nat, ["44" + nat, nat]
        area = rng.choice(_US_AREAS)
        assert area not in _TOLL_FREE
        nat = area + rng.choice("23456789") + rdig(rng, 6)
        return "1" + nat, [nat]
    if kind == "card":
        r = rng.random()
        if r < 0.15:
            return luhn_complete(rng.choice(["34", "37"]) + rdig(rng, 12)), []
        if r < 0.3 and lang == "ru":
            return luhn_complete("220" + rng.choice("01234") + rdig(rng, 11)), []
        return luhn_complete(rng.choice(["4", "5"]) + rng.choice("123456789") + rdig(rng, 13)), []
    if kind == "cvv":
        return rng.choice("123456789") + rdig(rng, 2), []
    if kind == "cid":
        return rng.choice("123456789") + rdig(rng, 3), []
    if kind == "passport":
        if lang == "ru":
            return f"{rng.randint(1, 99):02d}{rng.randint(0, 24):02d}" + rdig(rng, 6), []
        return rng.choice("56") + rdig(rng, 8), []
    if kind == "intpass":
        return rng.choice(["72", "75", "76", "77"]) + rdig(rng, 7), []
    if kind == "snils":
        return snils_check(rng.choice("1234") + rdig(rng, 8)), []
    if kind == "inn":
        return inn12_complete(f"{rng.randint(1, 89):02d}" + rdig(rng, 8)), []
    if kind == "oms":
        while True:
            d = rng.choice("1234567") + rdig(rng, 15)
            if not luhn_ok(d):
                return d, []
    if kind == "account":
        return "40817810" + rdig(rng, 12), []
    if kind == "ssn":
        area = rng.choice([n for n in range(1, 900) if n != 666])
        return f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}", []
    if kind == "ssn4":
        return f"{rng.randint(1001, 9999)}", []
    if kind == "ni":
        first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
        second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
        return first + second + rdig(rng, 6) + rng.choice("ABCD"), []
    if kind == "nhs":
        while True:
            v = nhs_complete(rng.choice("456789") + rdig(rng, 8))
            if v:
                return v, []
    if kind == "licence":
        if lang == "ru":
            return f"{rng.randint(10, 99)}{rng.randint(10, 99)}" + rdig(rng, 6), []
        return rng.choice("DSMBW") + rdig(rng, 12), []
    if kind == "iban":
        if rng.random() < 0.5:
            return iban_complete("GB", rng.choice(["NWBK", "BARC", "HBUK", "LOYD"]) + rdig(rng, 14)), []
        return iban_complete("DE", rdig(rng, 18)), []
    if kind == "member":
        return rng.choice("WXJ") + rdig(rng, 9), []
    raise AssertionError(kind)


# --- number words: rendering --------------------------------------------------------------------

RU_UNITS = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
RU_TEENS = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
]
RU_TENS = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
]
RU_HUNDREDS = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
]
RU_NOUNS = [
    "нуля",
    "единицы",
    "двойки",
    "тройки",
    "четвёрки",
    "пятёрки",
    "шестёрки",
    "семёрки",
    "восьмёрки",
    "девятки",
]
RU_COUNT = {2: "две", 3: "три", 4: "четыре"}
EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
EN_HOMOPHONES = {"0": ["oh"], "1": ["won"], "2": ["to", "too"], "4": ["for"], "8": ["ate"]}


def ru_group(g: str) -> str:
    if len(g) == 1:
        return RU_UNITS[int(g)]
    if len(g) == 2:
        if g[0] == "0":
            return "ноль " + RU_UNITS[int(g[1])]
        if g[0] == "1":
            return RU_TEENS[int(g[1])]
        return RU_TENS[int(g[0])] + ("" if g[1] == "0" else " " + RU_UNITS[int(g[1])])
    if len(g) == 3:
        if g[0] == "0":
            return "ноль " + ru_group(g[1:])
        rest = "" if g[1:] == "00" else " " + (RU_UNITS[int(g[2])] if g[1] == "0" else ru_group(g[1:]))
        return RU_HUNDREDS[int(g[0])] + rest
    return " ".join(ru_group(g[i : i + 2]) for i in range(0, len(g), 2))


def en_group(g: str, rng: random.Random) -> str:
    if len(g) == 1:
        return rng.choice(["oh", "zero"]) if g == "0" else EN_UNITS[int(g)]
    if len(g) == 2:
        if g[0] == "0":
            return "oh " + EN_UNITS[int(g[1])]
        if g[0] == "1":
            return EN_TEENS[int(g[1])]
        return EN_TENS[int(g[0])] + ("" if g[1] == "0" else "-" + EN_UNITS[int(g[1])])
    if len(g) == 3:
        if g[1] == "0" or rng.random() < 0.5:
            return " ".join(en_group(c, rng) for c in g)
        return EN_UNITS[int(g[0])] + " " + en_group(g[1:], rng)
    return " ".join(en_group(g[i : i + 2], rng) for i in range(0, len(g), 2))


def by_digit(
    d: str, lang: str, rng: random.Random, homophones: float = 0.0, doubles: bool = True, english: float = 0.0
) -> str:
    """Digit by digit: "nine won for", "две семёрки", "девять one шесть"."""
    words: list[str] = []
    i = 0
    while i < len(d):
        c = d[i]
        run = 1
        while i + run < len(d) and d[i + run] == c and run < 3:
            run += 1
        if doubles and run >= 2 and rng.random() < 0.7:
            if lang == "ru":
                words.append(
                    f"{RU_COUNT[run]} {RU_NOUNS[int(c)]}"
                    if c != "0"
                    else ("два нуля" if run == 2 else "три нуля")
                )
            else:
                words.append(
                    ("double " if run == 2 else "triple ") + ("oh" if c == "0" else EN_UNITS[int(c)])
                )
            i += run
            continue
        if lang == "ru" and rng.random() >= english:
            words.append(RU_UNITS[int(c)])
        elif c in EN_HOMOPHONES and rng.random() < homophones:
            words.append(rng.choice(EN_HOMOPHONES[c]))
        else:
            words.append(("oh" if rng.random() < 0.5 else "zero") if c == "0" else EN_UNITS[int(c)])
        i += 1
    return " ".join(words)


def split_groups(d: str, sizes: list[int]) -> list[str]:
    out, i = [], 0
    for s in sizes:
        if i >= len(d):
            break
        out.append(d[i : i + s])
        i += s
    if i < len(d):
        out.append(d[i:])
    return out


# --- reading text back: digits and spelled letters -------------------------------------------------

_TOKEN = re.compile(r"\[[A-Za-z]+\]|[^\W\d_]+(?:['’][^\W\d_]+)?|\d+|\S")
_REPEAT_MARK = re.compile(r"\[×\d+\]")
_NUM: dict[str, tuple[str, int]] = {}
for _i, _w in enumerate(RU_UNITS):
    _NUM[_w] = ("u", _i)
for _i, _w in enumerate(EN_UNITS):
    _NUM[_w] = ("u", _i)
for _w, _v in {
    "одна": 1,
    "одно": 1,
    "две": 2,
    "нуль": 0,
    "oh": 0,
    "o": 0,
    "nought": 0,
    "won": 1,
    "to": 2,
    "too": 2,
    "for": 4,
    "fore": 4,
    "ate": 8,
}.items():
    _NUM[_w] = ("u", _v)
for _i, _w in enumerate(RU_TEENS):
    _NUM[_w] = ("teen", 10 + _i)
for _i, _w in enumerate(EN_TEENS):
    _NUM[_w] = ("teen", 10 + _i)
for _i in range(2, 10):
    _NUM[RU_TENS[_i]] = ("tens", _i * 10)
    _NUM[EN_TENS[_i]] = ("tens", _i * 10)
for _i in range(1, 10):
    _NUM[RU_HUNDREDS[_i]] = ("hund", _i * 100)
for _i, _w in enumerate(RU_NOUNS):
    _NUM[_w.replace("ё", "е")] = ("noun", _i)
for _w, _v in {
    "нули": 0,
    "нулей": 0,
    "единица": 1,
    "двойка": 2,
    "тройка": 3,
    "четверка": 4,
    "пятерка": 5,
    "шестерка": 6,
    "семерка": 7,
    "восьмерка": 8,
    "девятка": 9,
}.items():
    _NUM[_w] = ("noun", _v)
_NUM["hundred"] = ("x100", 100)
for _w in ("thousand", "тысяча", "тысячи", "тысяч"):
    _NUM[_w] = ("x1000", 1000)
for _w, _v in {"double": 2, "triple": 3}.items():
    _NUM[_w] = ("mult", _v)

_NONBREAK_WORDS = """
    uh um umm er erm ah hmm mm mhm huh hm yeah yes yep yup right okay ok sure so and then wait hold on
    let me see sorry like just got it i next plus dash hyphen agent customer sec second
    э ээ эээ эм ну так вот да угу ага ок окей хорошо понятно ясно сейчас секунду секундочку минутку и ещё еще
    дальше потом значит мм хм ой записываю плюс тире дефис пробел"""
NONBREAK = set(_NONBREAK_WORDS.split())


def _norm(text: str) -> str:
    return _REPEAT_MARK.sub(" ", text).lower().replace("ё", "е")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(_norm(text))


def read_digit_runs(text: str) -> list[str]:
    """Digit runs a reader can take from ``text``: digits and number words, fillers skipped."""
    runs: list[str] = []
    cur: list[str] = []
    g: int | None = None
    base: int | None = None
    state = ""  # "u": a lone unit, "h": hundreds open, "t": tens open, "": closed
    mult = 0

    def flush() -> None:
        nonlocal g, base, state
        if base is not None:
            cur.append(str(base + (g or 0)))
        elif g is not None:
            cur.append(str(g))
        g, base, state = None, None, ""

    def end_run() -> None:
        nonlocal mult
        flush()
        mult = 0
        if cur:
            runs.append("".join(cur))
            cur.clear()

    for tok in _tokens(text):
        if tok.isdigit():
            flush()
            mult = 0
            cur.append(tok)
            continue
        if tok.startswith("[") and len(tok) > 2:
            end_run()
            continue
        if tok == ",":  # a pause closes a group said in words: "eight hundred, four four seven"
            flush()
            continue
        entry = _NUM.get(tok)
        if entry is None:
            if tok.isalpha() and tok not in NONBREAK:
                end_run()
            continue
        kind, v = entry
        if kind == "mult":
            flush()
            mult = v
        elif kind == "u":
            if mult:
                flush()
                cur.append(str(v) * mult)
                mult = 0
            elif state in ("h", "t"):
                g = (g or 0) + v
                state = ""
            elif state == "k":
                g, state = v, ""
            else:
                flush()
                g, state = v, "u"
        elif kind == "noun":
            if state == "u" and g in (2, 3, 4):
                count = g
                g, state = None, ""
                cur.append(str(v) * count)
            else:
                flush()
                cur.append(str(v))
        elif kind == "teen":
            if state == "k":
                g, state = v, ""
            elif state == "h":
                g = (g or 0) + v
                state = ""
            else:
                flush()
                g, state = v, ""
        elif kind == "tens":
            if state in ("h", "k"):
                g = (g or 0) + v
            else:
                flush()
                g = v
            state = "t"
        elif kind == "hund":
            if state != "k":
                flush()
            g, state = v, "h"
        elif kind == "x100":
            if state == "u" and g:
                g, state = g * 100, "h"
            else:
                flush()
                g, state = 100, "h"
        elif kind == "x1000" and g is not None and base is None:
            base, g, state = g * 1000, None, "k"
    end_run()
    return runs


LETTER_NAMES: dict[str, str] = {
    "a": "эй а",
    "b": "би бэ",
    "c": "си цэ це",
    "d": "ди дэ",
    "e": "и е э",
    "f": "эф",
    "g": "джи гэ жи",
    "h": "эйч аш хэ",
    "i": "ай и",
    "j": "джей жи йот",
    "k": "кей ка",
    "l": "эл эль",
    "m": "эм",
    "n": "эн",
    "o": "оу о",
    "p": "пи пэ",
    "q": "кью ку",
    "r": "ар эр",
    "s": "эс",
    "t": "ти тэ",
    "u": "ю у",
    "v": "ви вэ",
    "w": "дабл-ю",
    "x": "экс икс",
    "y": "уай игрек",
    "z": "зед зет зэ",
}
EN_LETTER_NAMES: dict[str, str] = {
    "a": "ay",
    "b": "bee",
    "c": "see cee",
    "d": "dee",
    "e": "ee",
    "f": "ef eff",
    "g": "gee",
    "h": "aitch",
    "i": "eye",
    "j": "jay",
    "k": "kay",
    "l": "el ell",
    "m": "em",
    "n": "en",
    "o": "oh",
    "p": "pee",
    "q": "cue queue",
    "r": "ar are",
    "s": "es ess",
    "t": "tee",
    "u": "you",
    "v": "vee",
    "w": "double-u",
    "x": "ex",
    "y": "why",
    "z": "zee zed",
}
_LETTER: dict[str, set[str]] = defaultdict(set)
for _table in (LETTER_NAMES, EN_LETTER_NAMES):
    for _l, _names in _table.items():
        for _n in _names.split():
            if "-" not in _n:
                _LETTER[_n].add(_l)
for _l in "abcdefghijklmnopqrstuvwxyz":
    _LETTER[_l].add(_l)
LETTER_SKIP = {
    "dot",
    "точка",
    "underscore",
    "подчеркивание",
    "dash",
    "дефис",
    "тире",
    "then",
    "потом",
    "дальше",
    "uh",
    "um",
    "ну",
    "э",
}
_AS_IN = {"as": "in", "как": ""}


def read_letter_runs(text: str) -> list[list[set[str]]]:
    """Runs of spelled letters ("P-E-T-R-O-V", "эм, ай, кей", "M as in Mary", "дабл-ю")."""
    toks = [t for t in _tokens(text) if t.isalpha() or t.startswith("[")]
    runs: list[list[set[str]]] = []
    cur: list[set[str]] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in ("double", "дабл", "дубль") and i + 1 < len(toks) and toks[i + 1] in ("u", "ю", "вэ"):
            cur.append({"w"})
            i += 2
            continue
        if t in _AS_IN and cur:
            nxt = _AS_IN[t]
            if nxt and i + 1 < len(toks) and toks[i + 1] == nxt:
                i += 1
            i += 2  # the example word
            continue
        if t in _LETTER:
            cur.append(_LETTER[t])
        elif t not in LETTER_SKIP:
            if cur:
                runs.append(cur)
            cur = []
        i += 1
    if cur:
        runs.append(cur)
    return runs


def _letters_in(window: str, runs: list[list[set[str]]]) -> bool:
    n = len(window)
    for run in runs:
        for i in range(len(run) - n + 1):
            if all(window[j] in run[i + j] for j in range(n)):
                return True
    return False


def secret_windows(s: Secret) -> set[str]:
    seqs = [s.digits, *s.variants]
    out: set[str] = set()
    for d in seqs:
        if s.kind in _WHOLE_KINDS or len(d) <= 4:
            out.add(d)
            continue
        for i in range(len(d) - 3):
            if s.kind == "card" and i >= len(d) - 4:
                continue
            out.add(d[i : i + 4])
    return out


def email_local(s: Secret) -> str:
    return s.value.split("@", 1)[0].lower()


def email_letter_windows(s: Secret) -> set[str]:
    out: set[str] = set()
    for chunk in re.findall(r"[a-z]+", email_local(s)):
        out.update(chunk[i : i + 4] for i in range(len(chunk) - 3))
    return out


@dataclass
class _Read:
    norm: str
    runs: list[str]
    letters: list[list[set[str]]]


def _read(text: str) -> _Read:
    return _Read(_norm(text), read_digit_runs(text), read_letter_runs(text))


def readable(s: Secret, r: _Read) -> bool:
    if s.kind == "email":
        if email_local(s) in r.norm or any(p.lower().replace("ё", "е") in r.norm for p in s.pieces):
            return True
        return any(_letters_in(w, r.letters) for w in email_letter_windows(s))
    return any(w in run for run in r.runs for w in secret_windows(s))


def keep_readable(k: Keep, r: _Read) -> bool:
    if " ".join(_norm(k.surface).split()) in " ".join(r.norm.split()):
        return True
    mine = [x for x in read_digit_runs(k.surface) if len(x) >= 2]
    return bool(mine) and all(any(x in run for run in r.runs) for x in mine)


def check_case(case: Case, stored: list[str], compressed: str) -> CaseResult:
    stored_text = " \n ".join(stored)
    reads = {"stored": _read(stored_text), "compressed": _read(compressed)}
    leaks: list[tuple[Secret, str]] = []
    wrong: list[tuple[Secret, str]] = []
    for s in case.secrets:
        where = [w for w, r in reads.items() if readable(s, r)]
        if where:
            leaks.append((s, "+".join(where)))
            continue
        segs = [stored[t] for t in sorted({t for t, _ in s.spans}) if t < len(stored)]
        if any(s.placeholder in seg for seg in segs):
            continue
        others = sorted({p for seg in segs for p in PLACEHOLDERS if p in seg})
        if others:
            wrong.append((s, ",".join(others)))
    lost: list[tuple[Keep, str]] = []
    for k in case.keeps:
        where = []
        if k.turn >= len(stored) or not keep_readable(k, _read(stored[k.turn])):
            where.append("stored")
        if not keep_readable(k, reads["compressed"]):
            where.append("compressed")
        if where:
            lost.append((k, "+".join(where)))
    touched = case.negative and any(p in stored_text for p in PLACEHOLDERS)
    return CaseResult(leaks, lost, wrong, touched)


# --- hand redactions for the generator's checks and the self-check ---------------------------------


def raw_compressed(turns: list[tuple[str, str]]) -> str:
    return "\n".join(f"{'Agent' if role == 'agent' else 'Customer'}: {text}" for role, text in turns)


def redact_turns(
    turns: list[tuple[str, str]], secrets: list[Secret], override: dict[int, str] | None = None
) -> list[tuple[str, str]]:
    """Each span of ``secrets`` replaced by its placeholder (``override``: id(secret) -> placeholder)."""
    texts = [t for _, t in turns]
    spans = [(t, surf, s) for s in secrets for t, surf in s.spans]
    for t, surf, s in sorted(spans, key=lambda x: -len(x[1])):
        ph = (override or {}).get(id(s), s.placeholder)
        if surf in texts[t]:
            texts[t] = texts[t].replace(surf, ph, 1)
    return [(role, texts[i]) for i, (role, _) in enumerate(turns)]


# --- saying a secret --------------------------------------------------------------------------------


class Dlg:
    """A dialogue being written: turns, the secrets' spans and the numbers that must stay."""

    def __init__(self, lang: str, rng: random.Random) -> None:
        self.lang, self.rng = lang, rng
        self.turns: list[tuple[str, str]] = []
        self.secrets: list[Secret] = []
        self.keeps: list[Keep] = []
        self.tags: list[str] = []

    def add(self, role: str, text: str, secrets: Any = (), keeps: Any = ()) -> int:
        idx = len(self.turns)
        self.turns.append((role, text))
        for s, surf in secrets:
            assert surf and surf in text, (surf, text)
            s.spans.append((idx, surf))
        for kind, surf in keeps:
            assert surf in text, (surf, text)
            self.keeps.append(Keep(kind, surf, idx))
        return idx

    def a(self, text: str, secrets: Any = (), keeps: Any = ()) -> int:
        return self.add("agent", text, secrets, keeps)

    def c(self, text: str, secrets: Any = (), keeps: Any = ()) -> int:
        return self.add("customer", text, secrets, keeps)

    def pick(self, options: dict[str, list[str]] | list[str]) -> str:
        return self.rng.choice(options[self.lang] if isinstance(options, dict) else options)


_SIZES: dict[str, list[list[int]]] = {
    "card": [[4, 4, 4, 4], [4, 4, 4, 4], [2, 2, 2, 2, 2, 2, 2, 2], [4, 4, 8]],
    "amex": [[4, 6, 5], [4, 6, 5], [4, 3, 3, 5]],
    "passport": [[2, 2, 6], [4, 6], [2, 2, 3, 3]],
    "passport_en": [[3, 3, 3], [9], [2, 3, 4]],
    "intpass": [[2, 7], [2, 3, 4]],
    "snils": [[3, 3, 3, 2]],
    "inn": [[4, 6, 2], [2, 2, 6, 2], [3, 3, 3, 3], [4, 4, 4]],
    "oms": [[4, 4, 4, 4], [4, 4, 8]],
    "account": [[5, 3, 1, 4, 7], [4, 4, 4, 4, 4], [5, 3, 12]],
    "ssn": [[3, 2, 4]],
    "ssn4": [[4], [2, 2], [1, 1, 1, 1]],
    "nhs": [[3, 3, 4]],
    "licence": [[2, 2, 6], [4, 6]],
    "licence_en": [[3, 4, 4, 1], [4, 4, 4]],
    "member": [[3, 3, 3], [9]],
    "iban": [[4, 4, 4, 4, 4, 4]],
    "cvv": [[3], [1, 1, 1], [4]],
}


def _render(groups: list[str], lang: str, rng: random.Random, mode: str) -> list[str]:
    out = []
    for g in groups:
        m = mode if mode != "mixed" else rng.choice(["digits", "words", "bydigit"])
        if m == "digits":
            out.append(g)
        elif m == "words":
            out.append(ru_group(g) if lang == "ru" else en_group(g, rng))
        elif m == "homo":
            out.append(by_digit(g, "en", rng, homophones=0.7))
        elif m == "eng":
            out.append(by_digit(g, "ru", rng, english=0.45))
        else:
            out.append(by_digit(g, lang, rng))
    if "".join(read_digit_runs(" ".join(out))) != "".join(groups):
        out = [by_digit(g, lang, rng, doubles=False) for g in groups]
    assert "".join(read_digit_runs(" ".join(out))) == "".join(groups), (groups, out)
    return out


def number_parts(s: Secret, lang: str, rng: random.Random, mode: str) -> list[str]:
    """The secret as spoken pieces (a country code, groups, letter chunks), in order."""
    v = s.value
    if s.kind == "phone":
        if v.startswith("7") and len(v) == 11:
            pre = rng.choice(["+7", "8", "plus", "8w", ""])
            nat = v[1:]
            sizes = rng.choice([[3, 3, 2, 2], [3, 3, 2, 2], [3, 3, 4], [2, 2, 2, 2, 2], [3, 7]])
            head = {"+7": ["+7"], "8": ["8"], "": []}.get(pre)
            if head is None:
                word = {
                    "plus": {"ru": "плюс семь", "en": "plus seven"},
                    "8w": {"ru": "восемь", "en": "eight"},
                }
                head = [word[pre][lang]]
        elif v.startswith("1"):
            nat = v[1:]
            sizes = rng.choice([[3, 3, 4], [3, 3, 4], [3, 3, 2, 2]])
            head = rng.choice([[], [], ["1"], ["+1"], ["plus one"], ["one"]])
        else:
            if rng.random() < 0.3:
                nat, head, sizes = v[1:], ["+44"] if rng.random() < 0.5 else ["plus four four"], [4, 3, 3]
            else:
                nat, head, sizes = v, [], rng.choice([[5, 3, 3], [5, 6], [2, 3, 3, 3]])
        if mode == "digits" and head in (["+7"], ["+1"]) and len(sizes) >= 3 and rng.random() < 0.5:
            g = split_groups(nat, sizes)
            return [*head, f"({g[0]})", "-".join(g[1:])]
        return head + _render(split_groups(nat, sizes), lang, rng, mode)
    key = s.kind
    if s.kind == "card" and len(v) == 15:
        key = "amex"
    elif s.kind in ("passport", "licence") and lang == "en":
        key = s.kind + "_en"
    if s.kind == "cvv":
        return _render([v] if rng.random() < 0.6 or len(v) == 4 else list(v), lang, rng, mode)
    chunks = re.findall(r"[A-Z]+|\d+", v)
    out: list[str] = []
    for ch in chunks:
        if ch.isalpha():
            out.append(ch if rng.random() < 0.6 else " ".join(ch))
        else:
            sizes = rng.choice(_SIZES.get(key, [[4] * 6]))
            if len(chunks) > 1 and s.kind != "iban":
                sizes = [2] * 3 if len(ch) == 6 else [3, 3, 3, 3]
            out += _render(split_groups(ch, sizes), lang, rng, mode)
    return out


def join_parts(parts: list[str], rng: random.Random, lang: str, fillers: bool = False) -> str:
    seps = (
        [" ", " ", ", ", "-"]
        if all(p.replace("(", "").replace(")", "").isdigit() for p in parts)
        else [" ", ", "]
    )
    sep = rng.choice(seps)
    if not fillers:
        return sep.join(parts)
    fill = {
        "ru": ["так...", "секунду...", "сейчас...", "э-э...", "ну..."],
        "en": ["uh...", "um...", "so...", "let me see...", "hold on..."],
    }[lang]
    out = parts[0]
    for p in parts[1:]:
        out += "... " + (rng.choice(fill) + " " if rng.random() < 0.5 else "") + p
    return out


MODES = {
    "ru": ["digits", "digits", "digits", "words", "words", "mixed", "bydigit", "eng"],
    "en": ["digits", "digits", "digits", "words", "mixed", "bydigit", "homo", "homo"],
}

ASK: dict[str, dict[str, list[str]]] = {
    "ru": {
        "phone": [
            "Назовите, пожалуйста, номер телефона для связи.",
            "Какой у вас мобильный?",
            "Продиктуйте номер, на который перезвонить.",
            "На какой номер отправить смс?",
        ],
        "card": [
            "Назовите номер карты, пожалуйста.",
            "Продиктуйте номер карты полностью.",
            "С какой карты будем оплачивать? Номер, пожалуйста.",
        ],
        "cvv": ["И три цифры с обратной стороны карты?", "Назовите CVV-код, пожалуйста.", "Код на обороте?"],
        "email": [
            "Какой у вас адрес электронной почты?",
            "Продиктуйте почту, пожалуйста.",
            "Куда отправить документы, на какую почту?",
        ],
        "passport": ["Назовите серию и номер паспорта.", "Паспортные данные продиктуйте, серию и номер."],
        "intpass": ["Номер загранпаспорта, пожалуйста.", "Продиктуйте номер заграничного паспорта."],
        "snils": ["Назовите СНИЛС, пожалуйста.", "Продиктуйте номер СНИЛС."],
        "inn": ["Ваш ИНН, пожалуйста, двенадцать цифр.", "Назовите ваш личный ИНН."],
        "oms": ["Номер полиса ОМС назовите, пожалуйста.", "Продиктуйте номер полиса ОМС."],
        "account": ["Номер вашего счёта, куда перечислять, продиктуйте.", "Назовите номер счёта получателя."],
        "licence": ["Номер водительского удостоверения назовите.", "Продиктуйте номер прав, пожалуйста."],
    },
    "en": {
        "phone": [
            "What's the best phone number to reach you?",
            "Can I get a callback number?",
            "What's the mobile number on the account?",
            "Which number should we text the code to?",
        ],
        "card": [
            "Can I have the card number, please?",
            "What's the long number on the card?",
            "Go ahead with the card number whenever you're ready.",
        ],
        "cvv": [
            "And the three-digit security code on the back?",
            "And the CVV, please?",
            "The security code on the back of the card?",
        ],
        "email": [
            "What's your email address?",
            "Can I get an email for the confirmation?",
            "What email should we send that to?",
        ],
        "passport": ["Can I have your passport number?", "What's the passport number, please?"],
        "ssn": ["Can I get your Social Security number?", "I'll need your social to verify, please."],
        "ssn4": ["And the last four of your social?", "Can you verify the last four digits of your Social?"],
        "ni": ["What's your National Insurance number?", "Can you read me your NI number?"],
        "nhs": ["Do you have your NHS number handy?", "What's your NHS number, please?"],
        "licence": ["What's your driver's license number?", "Can you read me the number on your license?"],
        "iban": ["Which account should the money go to? The IBAN, please.", "Can you give me your IBAN?"],
        "member": ["What's the member ID on your insurance card?", "Can I get the member ID, please?"],
    },
}
FRAME = {
    "ru": ["{S}", "Да, {S}.", "Записывайте: {S}.", "Так, {S}.", "Э-э, {S}.", "Пишите, {S}."],
    "en": ["Sure, it's {S}.", "Yeah, {S}.", "Okay, {S}.", "It's {S}.", "Um, {S}.", "Yep, {S}."],
}
BACK = {
    "ru": ["Да-да.", "Угу.", "Ага, пишу.", "Так, так.", "Угу, дальше."],
    "en": ["Uh-huh.", "Right.", "Mm-hmm.", "Okay, go on.", "Uh-huh, yep."],
}
AGAIN = {
    "ru": ["Повторите, пожалуйста?", "Простите, не расслышала, ещё раз?", "Последние цифры ещё раз?"],
    "en": ["Sorry, say again?", "Sorry, you cut out, can you repeat that?", "Just the end again?"],
}
CONFIRM = {
    "ru": ["Да, всё верно.", "Да, правильно.", "Верно, да."],
    "en": ["Yes, that's right.", "Yep, correct.", "That's it, yeah."],
}
READBACK = {
    "ru": [
        "У меня в карточке {K} {S}, всё верно?",
        "Так, вижу в системе {K}: {S}. Актуально?",
        "Проверим: {K} {S}, правильно?",
    ],
    "en": [
        "I have your {K} as {S}, is that still correct?",
        "Okay, I'm showing {K} {S} on file, right?",
        "Let me confirm, {K} {S}?",
    ],
}
KIND_WORD = {
    "ru": {
        "phone": "номер телефона",
        "card": "карта",
        "email": "почта",
        "passport": "паспорт",
        "intpass": "загранпаспорт",
        "snils": "СНИЛС",
        "inn": "ИНН",
        "oms": "полис ОМС",
        "account": "счёт",
        "licence": "права",
    },
    "en": {
        "phone": "phone number",
        "card": "card",
        "email": "email",
        "passport": "passport number",
        "ssn": "social",
        "ni": "National Insurance number",
        "nhs": "NHS number",
        "licence": "license number",
        "iban": "IBAN",
        "member": "member ID",
        "ssn4": "last four",
    },
}


_RU_LAST = {
    "ivanov": "иванов",
    "petrova": "петрова",
    "kuznetsov": "кузнецов",
    "smirnova": "смирнова",
    "sokolov": "соколов",
    "volkova": "волкова",
    "morozov": "морозов",
    "lebedeva": "лебедева",
    "kozlov": "козлов",
    "novikova": "новикова",
    "zaitsev": "зайцев",
    "orlova": "орлова",
}
_RU_FIRST = {
    "ivan": "иван",
    "olga": "ольга",
    "dmitry": "дмитрий",
    "anna": "анна",
    "sergey": "сергей",
    "elena": "елена",
    "pavel": "павел",
    "marina": "марина",
    "artem": "артём",
    "yulia": "юлия",
}
_EN_LAST = [
    "okafor",
    "ortiz",
    "walsh",
    "ramirez",
    "bennett",
    "hughes",
    "kowalski",
    "nguyen",
    "fitzgerald",
    "delgado",
    "murphy",
    "castillo",
]
_EN_FIRST = ["mike", "linda", "sarah", "kevin", "grace", "tomas", "nina", "derek", "paula", "rashid"]
_DOMAINS = {
    "ru": [
        "mail.ru",
        "yandex.ru",
        "gmail.com",
        "bk.ru",
        "inbox.ru",
        "list.ru",
        "romashka-trade.ru",
        "stroyalyans.ru",
        "vektor-group.com",
        "tehnopark-nsk.ru",
        "uralmet.ru",
    ],
    "en": [
        "gmail.com",
        "outlook.com",
        "yahoo.com",
        "icloud.com",
        "hotmail.co.uk",
        "acme-corp.com",
        "brightline-logistics.com",
        "hollis-partners.co.uk",
        "northgate-dental.com",
    ],
}


def make_email(rng: random.Random, lang: str) -> Secret:
    if lang == "ru":
        last, first = rng.choice(list(_RU_LAST)), rng.choice(list(_RU_FIRST))
    else:
        last, first = rng.choice(_EN_LAST), rng.choice(_EN_FIRST)
    n2, n4 = str(rng.randint(10, 99)), str(rng.randint(1975, 2004))
    local = rng.choice(
        [
            last,
            f"{first}.{last}",
            f"{first[0]}.{last}",
            f"{last}{n2}",
            f"{first}_{last}",
            f"{first}-{last}{n2}",
            f"{last}.{first[0]}",
            f"{first}{n4}",
            f"{first[0]}{last}",
            f"{last}-{first}",
        ]
    )
    value = f"{local}@{rng.choice(_DOMAINS[lang])}"
    pieces = sorted(
        {p for p in re.findall(r"[a-z0-9]+", local) if len(p) >= 4 and not p.isdigit()}
        | {p for p in re.findall(r"[a-z]+", local) if len(p) >= 4}
    )
    return Secret("email", value, pieces=pieces)


_SAY_SYM = {
    "ru": {
        ".": [" точка "],
        "_": [" подчёркивание ", " нижнее подчёркивание "],
        "-": [" дефис ", " тире "],
        "@": [" собака ", " эт ", " собачка "],
    },
    "en": {".": [" dot "], "_": [" underscore "], "-": [" dash ", " hyphen "], "@": [" at "]},
}


def say_email(s: Secret, lang: str, rng: random.Random, style: str) -> str:
    """The address as said: written, spoken with "собака"/"at", Cyrillic for a Russian surname, spelled."""
    local, domain = s.value.split("@")
    if style == "written":
        return s.value
    sym = _SAY_SYM[lang]

    def spoken(part: str, cyr: bool) -> str:
        out: list[str] = []
        for chunk in re.findall(r"[a-z]+|\d+|[._@-]", part):
            if chunk in sym:
                out.append(rng.choice(sym[chunk]))
            elif chunk.isdigit():
                out.append(chunk if lang == "ru" or rng.random() < 0.5 else en_group(chunk, rng))
            elif cyr and chunk in _RU_LAST:
                out.append(_RU_LAST[chunk])
                s.pieces.append(_RU_LAST[chunk])
            elif cyr and chunk in _RU_FIRST and len(chunk) >= 4:
                out.append(_RU_FIRST[chunk])
                s.pieces.append(_RU_FIRST[chunk])
            else:
                out.append(chunk)
        return " ".join(" ".join(out).split())

    at = rng.choice(sym["@"]).strip()
    dom = rng.choice([domain, spoken(domain, False)])
    if style == "spoken":
        return f"{spoken(local, lang == 'ru' and rng.random() < 0.4)} {at} {dom}"
    # spelled: the local part's letters by name, digits and dots said
    names = LETTER_NAMES if lang == "ru" else EN_LETTER_NAMES
    said = []
    for ch in local:
        if ch.isalpha():
            r = rng.random()
            if lang == "en" and r < 0.25:
                said.append(f"{ch.upper()} as in {rng.choice(_AS_IN_WORDS[ch])}")
            elif r < 0.6:
                said.append(
                    rng.choice(names[ch].split()) if ch != "w" else ("дабл-ю" if lang == "ru" else "double-u")
                )
            else:
                said.append(ch.upper())
        elif ch.isdigit():
            said.append(ch)
        else:
            said.append(sym[ch][0].strip())
    return f"{', '.join(said)}, {at} {dom}"


_EXAMPLE_WORDS = (
    "apple boy charlie david edward frank george harry india john king lima mary nancy oscar peter queen "
    "robert sam tom uniform victor william xray yellow zebra"
)
_AS_IN_WORDS = {c: [w] for c, w in zip("abcdefghijklmnopqrstuvwxyz", _EXAMPLE_WORDS.split(), strict=True)}


def email_block(d: Dlg, s: Secret, asked: bool = True, style: str | None = None) -> None:
    rng, lang = d.rng, d.lang
    style = style or rng.choice(
        ["written", "spoken", "spoken", "spelled", "spelled_after", "readback", "pieces"]
    )
    d.tags.append(f"email:{style}")
    if style == "readback":
        surf = say_email(s, lang, rng, rng.choice(["written", "spoken"]))
        d.a(d.pick(READBACK).format(K=KIND_WORD[lang]["email"], S=surf), [(s, surf)])
        d.c(d.pick(CONFIRM))
        return
    if asked:
        d.a(d.pick(ASK[lang]["email"]))
    if style == "spelled_after":
        surf = say_email(s, lang, rng, rng.choice(["written", "spoken"]))
        local = s.value.split("@")[0]
        longest = max(re.findall(r"[a-z]+", local), key=len)
        names = LETTER_NAMES if lang == "ru" else EN_LETTER_NAMES
        spell = ", ".join(rng.choice(names[c].split()) if c != "w" else "W" for c in longest)
        intro = {"ru": "по буквам:", "en": "that's"}[lang]
        d.c(f"{surf}, {intro} {spell}.", [(s, surf), (s, spell)])
        return
    if style == "pieces":
        local, domain = s.value.split("@")
        first = local[: max(2, len(local) // 2)]
        rest = local[len(first) :]
        d.c(f"{first}...", [(s, first)] if len(first) >= 2 else [])
        d.a(d.pick(BACK))
        at = {"ru": "собака", "en": "at"}[lang]
        tail = f"{rest} {at} {domain}" if rest else f"{at} {domain}"
        d.c(f"{tail}.", [(s, tail)])
        return
    surf = say_email(s, lang, rng, style)
    d.c(d.pick(FRAME).format(S=surf), [(s, surf)])


def _parts(d: Dlg, s: Secret, mode: str | None = None) -> list[str]:
    return number_parts(s, d.lang, d.rng, mode or d.rng.choice(MODES[d.lang]))


_CONTEXT = {
    "ru": {
        "card": ["это карта Сбера, {S}", "карта Мир, номер {S}", "вот, на карте написано: {S}"],
        "phone": ["это мой личный, не рабочий: {S}", "мобильный {S}, на нём вотсап", "звоните на {S}"],
        "*": ["вот, у меня документ в руках, {S}", "так, {S}, это он и есть"],
    },
    "en": {
        "card": [
            "it's the Visa ending in {L4}... oh, you need the full one, {S}",
            "it's my Mastercard, {S}",
            "okay, reading off the card, {S}",
        ],
        "phone": ["it's my cell, not the home one, {S}", "that's my mobile, {S}, you can text it"],
        "*": ["okay I've got the card right here, {S}", "so it says {S} on it"],
    },
}


def number_block(d: Dlg, s: Secret, style: str | None = None, asked: bool = True) -> None:
    rng, lang = d.rng, d.lang
    mode = rng.choice(MODES[lang])
    styles = ["plain", "plain", "pause", "interrupt", "repeat", "context", "echo", "oddgroups"]
    if s.kind in KIND_WORD[lang]:
        styles.append("readback")
    style = style or rng.choice(styles)
    d.tags.append(f"{s.kind}:{style}:{mode}")
    parts = number_parts(s, lang, rng, mode)
    if style == "readback":
        surf = join_parts(_parts(d, s, "digits"), rng, lang)
        d.a(d.pick(READBACK).format(K=KIND_WORD[lang][s.kind], S=surf), [(s, surf)])
        d.c(d.pick(CONFIRM))
        return
    if asked:
        d.a(ASK[lang][s.kind][rng.randrange(len(ASK[lang][s.kind]))] if s.kind in ASK[lang] else "")
    if style == "oddgroups" and s.value.isdigit():
        digits = s.variants[0] if s.kind == "phone" and s.variants else s.value
        pairs = split_groups(digits, [2] * 12)
        surf = " ".join(pairs) if rng.random() < 0.6 else " ".join(_render(pairs, lang, rng, "words"))
        d.c(d.pick(FRAME).format(S=surf), [(s, surf)])
        return
    if style == "pause":
        surf = join_parts(parts, rng, lang, fillers=True)
        intro = {
            "ru": [
                "Сейчас найду... так... ",
                "Минутку, достану документ... ",
                "Ой, секунду, где же он... вот. ",
            ],
            "en": [
                "Hang on, let me grab it... okay... ",
                "One sec, it's in my wallet... ",
                "Let me find it... here. ",
            ],
        }[lang]
        d.c(rng.choice(intro) + surf, [(s, surf)])
        return
    if style == "interrupt" and len(parts) >= 2:
        k = rng.randint(1, len(parts) - 1)
        first, second = join_parts(parts[:k], rng, lang), join_parts(parts[k:], rng, lang)
        d.c(d.pick(FRAME).format(S=first + "..."), [(s, first)])
        d.a(d.pick(BACK))
        d.c(second + ".", [(s, second)])
        return
    surf = join_parts(parts, rng, lang)
    if style == "context":
        kind = s.kind if s.kind in _CONTEXT[lang] else "*"
        tmpl = rng.choice(_CONTEXT[lang][kind])
        text = tmpl.format(S=surf, L4=s.value[-4:])
        d.c(text[0].upper() + text[1:], [(s, surf)])
        return
    d.c(d.pick(FRAME).format(S=surf), [(s, surf)])
    if style == "repeat" and len(parts) >= 2:
        d.a(d.pick(AGAIN))
        part = join_parts(parts[-2:] if len(parts) > 2 else parts[-1:], rng, lang)
        lead = {"ru": ["", "Ещё раз: ", "Последние: "], "en": ["", "The end was ", "Uh, "]}[lang]
        d.c(rng.choice(lead) + part + ".", [(s, part)])
    elif style == "echo":
        echo = join_parts(_parts(d, s, "digits"), rng, lang)
        lead = {"ru": ["Записываю: {S}.", "Так, {S}, да?"], "en": ["Got it, {S}.", "So that's {S}?"]}[lang]
        d.a(rng.choice(lead).format(S=echo), [(s, echo)])
        d.c(d.pick(CONFIRM))


def cvv_block(d: Dlg, s: Secret, amex: bool) -> None:
    rng, lang = d.rng, d.lang
    ask = {
        "ru": "И четыре цифры на лицевой стороне, над номером?",
        "en": "And the four-digit code on the front?",
    }
    d.a(ask[lang] if amex else d.pick(ASK[lang]["cvv"]))
    surf = join_parts(number_parts(s, lang, rng, rng.choice(MODES[lang])), rng, lang)
    lead = {
        "ru": ["{S}.", "Так, переворачиваю... {S}.", "Э-э, {S}.", "Код {S}."],
        "en": ["{S}.", "Flipping it over... {S}.", "It's {S}.", "Um, {S}."],
    }[lang]
    d.c(rng.choice(lead).format(S=surf), [(s, surf)])
    d.tags.append("cvv")
    if rng.random() < 0.3:
        echo = s.value
        d.a({"ru": f"{echo}, верно?", "en": f"{echo}, correct?"}[lang], [(s, echo)])
        d.c(d.pick(CONFIRM))


def ssn4_block(d: Dlg, s: Secret) -> None:
    rng = d.rng
    d.a(d.pick(ASK["en"]["ssn4"]))
    surf = join_parts(number_parts(s, "en", rng, rng.choice(MODES["en"])), rng, "en")
    d.c(rng.choice(["{S}.", "Sure, {S}.", "It's {S}.", "Uh, {S}."]).format(S=surf), [(s, surf)])
    d.tags.append("ssn4")


# --- numbers that must stay ---------------------------------------------------------------------------


def _hotline(rng: random.Random, lang: str) -> str:
    if lang == "ru":
        n = f"{rng.randint(100, 799)}"
        a, b = f"{rng.randint(0, 99):02d}", f"{rng.randint(0, 99):02d}"
        return rng.choice(
            [
                f"8 800 {n}-{a}-{b}",
                f"8-800-{n}-{a}-{b}",
                f"8 (800) {n} {a} {b}",
                f"8 800 {n} {a} {b}",
                f"восемь восемьсот {ru_group(n)}, {ru_group(a)}, {ru_group(b)}",
            ]
        )
    code = rng.choice(["800", "888", "877", "866", "855"])
    n, m = f"{rng.randint(200, 999)}", f"{rng.randint(0, 9999):04d}"
    return rng.choice(
        [
            f"1-{code}-{n}-{m}",
            f"1 ({code}) {n}-{m}",
            f"{code}-{n}-{m}",
            f"0800 {n} {m}",
            f"one eight hundred, {' '.join(EN_UNITS[int(c)] for c in n)}, {m}",
        ]
    )


def _inn10(rng: random.Random) -> str:
    return inn10_complete(f"{rng.randint(10, 79)}" + rdig(rng, 7))


def _ogrn(rng: random.Random) -> str:
    twelve = "1" + rdig(rng, 11)
    return twelve + str(int(twelve) % 11 % 10)


def _bik(rng: random.Random) -> tuple[str, str]:
    bik = "04" + rdig(rng, 4) + rng.choice(["2", "5", "6", "7"]) + rdig(rng, 2)
    return bik, "30101810" + rdig(rng, 9) + bik[-3:]


_RU_MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def field(name: str, rng: random.Random, lang: str) -> tuple[str, str | None]:
    """A number that must stay (surface, keep kind), or one counted neither way (kind None)."""
    ru = lang == "ru"
    if name.startswith("ref"):
        n = int(name[3:])
        d = safe_ref(rng, n)
        if n >= 12 and rng.random() < 0.3:
            d = " ".join(split_groups(d, [4] * 4))
        return d, "reference"
    if name == "inv":
        return (
            rng.choice([f"{rng.randint(100, 9999)}/{rng.randint(10, 99)}", f"00{rng.randint(10000, 99999)}"])
            if ru
            else f"INV-2025-{rng.randint(1000, 99999):05d}"
        ), "invoice"
    if name == "hot":
        return _hotline(rng, lang), "hotline"
    if name == "amt":
        v = rng.randint(3, 600) * 10 - rng.choice([0, 0, 1])
        if ru:
            return (f"{v // 1000} {v % 1000:03d} рублей" if v >= 1000 else f"{v} рублей"), "amount"
        return rng.choice([f"${v}.{rng.randint(10, 99)}", f"£{v}", f"{v} dollars"]), "amount"
    if name == "amtbig":
        v = rng.randint(15, 980) * 10000
        s = f"{v:,}".replace(",", " ")
        return (f"{s} рублей" if ru else "$" + f"{v:,}"), "amount"
    if name == "date":
        day, mon = rng.randint(10, 28), rng.randint(1, 12)
        if rng.random() < 0.5:
            return (f"{day:02d}.{mon:02d}.2025" if ru else f"{mon:02d}/{day:02d}/2025"), "date"
        return (f"{day} {_RU_MONTHS[mon - 1]}" if ru else f"{_EN_MONTHS[mon - 1]} {day}"), "date"
    if name == "time":
        return f"{rng.randint(10, 19)}:{rng.choice(['00', '15', '30', '45'])}", "time"
    if name == "room":
        return f"{rng.randint(2, 14)}{rng.randint(1, 40):02d}", "room"
    if name == "pct":
        return (
            f"{rng.randint(11, 29)},{rng.randint(1, 9)}%"
            if ru
            else f"{rng.randint(11, 29)}.{rng.randint(1, 9)}%"
        ), "percent"
    if name == "inn10":
        return _inn10(rng), "company"
    if name == "kpp":
        return f"{rng.randint(1000, 9999)}01001", "company"
    if name == "ogrn":
        return _ogrn(rng), "company"
    if name == "bik":
        return _bik(rng)[0], "bank"
    if name == "corr":
        return _bik(rng)[1], "bank"
    if name == "conf":
        return rng.choice(["HB", "RX", "QT", "ZK"]) + "-" + rdig(rng, 6), "confirmation"
    if name == "bookref":
        return rng.choice(["TRV", "BW", "GX"]) + "-" + str(rng.randint(100000, 999999)), "booking"
    if name == "case":
        return (
            f"А40-{rng.randint(10000, 299999)}/2025" if ru else f"CV-2025-{rng.randint(1000, 99999):05d}"
        ), "case"
    if name == "contract":
        return f"{rng.randint(10, 99)}-2025/{rng.randint(100, 999)}", "contract"
    if name == "flight":
        return rng.choice(["SU", "S7", "BA", "UA", "DL", "U6"]) + " " + str(rng.randint(100, 2999)), "flight"
    if name == "ver":
        return f"{rng.randint(3, 9)}.{rng.randint(10, 40)}.{rng.randint(1, 9)}", "version"
    if name == "err":
        return str(rng.randint(1000, 5999)), "error"
    if name == "score":
        return (str(rng.randint(180, 300)) if ru else str(rng.randint(1100, 1560))), "score"
    if name == "area":
        return f"{rng.randint(30, 120)},{rng.randint(1, 9)}", "area"
    if name == "btc":
        return f"0.0{rng.randint(100, 999)}", "crypto"
    if name == "mg":
        return rng.choice(["250", "500", "750", "125"]), "dose"
    if name == "days":
        return str(rng.choice([14, 30, 45, 60, 90])), None
    if name == "months":
        return str(rng.choice([12, 24, 36, 48, 60])), None
    raise AssertionError(name)


_FIELD = re.compile(r"\{(\w+)\}")


def keep_line(d: Dlg, role: str, template: str) -> None:
    keeps, out, pos = [], "", 0
    for m in _FIELD.finditer(template):
        surf, kind = field(m.group(1), d.rng, d.lang)
        out += template[pos : m.start()] + surf
        pos = m.end()
        if kind:
            keeps.append((kind, surf))
    out += template[pos:]
    d.add("agent" if role == "a" else "customer", out, keeps=keeps)


# --- scenarios ------------------------------------------------------------------------------------------

SCENARIOS: dict[str, dict[str, dict[str, Any]]] = {
    "pharmacy": {
        "ru": {
            "org": "Аптека «Здоровье плюс», фармацевт Наталья",
            "reason": [
                "Здравствуйте, мне нужно продлить рецепт, мама принимает препарат постоянно.",
                "Добрый день, хочу повторно заказать лекарство по рецепту с доставкой.",
            ],
            "keeps": [
                ("a", "Вижу рецепт номер {ref9}, выписан {date}, дозировка {mg} миллиграмм."),
                ("a", "Стоимость заказа {amt}, курьер приедет после {time}."),
                ("c", "В прошлый раз был заказ номер {ref12}, посмотрите по нему."),
                ("a", "Если будут вопросы, бесплатная линия аптеки {hot}."),
                ("a", "Скидка по карте {pct}, итого {amt}."),
                ("a", "Счёт-фактура № {inv} от {date} будет в пакете."),
            ],
            "kinds": ["phone", "card", "email", "oms", "snils", "phone"],
        },
        "en": {
            "org": "Greenleaf Pharmacy, this is Monica",
            "reason": [
                "Hi, I need to refill my blood pressure prescription, it runs out Friday.",
                "Hey, yeah, calling to get a refill on my daughter's inhaler.",
            ],
            "keeps": [
                ("a", "I see prescription number {ref7}, written {date}, {mg} milligrams."),
                ("a", "Your copay comes to {amt}, it'll be ready after {time}."),
                ("c", "The last order was {ref12}, I think."),
                ("a", "If anything comes up, our pharmacist line is {hot}, that's toll-free."),
                ("a", "Invoice {inv} will be in the bag with the receipt."),
            ],
            "kinds": ["phone", "card", "email", "nhs", "member", "phone"],
        },
    },
    "hotel": {
        "ru": {
            "org": "Отель «Волга Парк», служба бронирования, Алина",
            "reason": [
                "Здравствуйте, хочу перенести даты бронирования.",
                "Добрый день, мне нужно поменять номер на двухместный.",
            ],
            "keeps": [
                ("a", "Нашла вашу бронь, код подтверждения {conf}."),
                ("c", "Номер брони у меня {ref10}."),
                ("a", "Сейчас у вас номер {room}, заезд {date} после {time}."),
                ("a", "Разница в цене {amt}, скидка при переносе {pct}."),
                ("a", "Бесплатная линия отеля {hot}."),
            ],
            "kinds": ["phone", "card", "email", "passport", "intpass"],
        },
        "en": {
            "org": "Harbor View Hotel reservations, this is Dylan",
            "reason": [
                "Hi, I need to move my booking by a couple of days.",
                "Hello, yeah, I want to change my room to a king, if you have one.",
            ],
            "keeps": [
                ("a", "Found it, confirmation code {conf}."),
                ("c", "The booking number is {ref10}."),
                ("a", "You're in room {room}, checking in {date} after {time}."),
                ("a", "The difference is {amt}, and there's a {pct} change discount."),
                ("a", "Our reservations line is {hot}, that's free."),
            ],
            "kinds": ["phone", "card", "email", "passport"],
        },
    },
    "loan": {
        "ru": {
            "org": "Банк «Восход», кредитный отдел, Игорь",
            "reason": [
                "Здравствуйте, я подавал заявку на потребительский кредит, хочу узнать статус.",
                "Добрый день, хочу оформить кредит наличными.",
            ],
            "keeps": [
                ("a", "Номер вашей заявки {ref14}."),
                ("a", "Сумма {amtbig}, ставка {pct} годовых, срок {months} месяцев."),
                ("a", "Реквизиты банка: БИК {bik}, корреспондентский счёт {corr}."),
                ("a", "ИНН банка {inn10}, КПП {kpp}."),
                ("a", "Ежемесячный платёж {amt}, первый платёж {date}."),
                ("a", "Горячая линия банка {hot}."),
            ],
            "kinds": ["phone", "passport", "snils", "inn", "email", "account"],
        },
        "en": {
            "org": "Summit Credit Union loans, this is Priya",
            "reason": [
                "Hi, I applied for a personal loan last week and wanted to check on it.",
                "Hey, I'd like to apply for a consumer loan, like for a car repair.",
            ],
            "keeps": [
                ("a", "Your application number is {ref14}."),
                ("a", "That's {amtbig} at {pct} APR over {months} months."),
                ("a", "The monthly payment would be {amt}, first one due {date}."),
                ("a", "Loan services line is {hot}."),
            ],
            "kinds": ["phone", "ssn", "email", "licence", "ssn4"],
        },
    },
    "gym": {
        "ru": {
            "org": "Фитнес-клуб «Атлетика», администратор Ксения",
            "reason": [
                "Здравствуйте, хочу заморозить абонемент, уезжаю в командировку.",
                "Добрый день, мне нужно приостановить клубную карту на месяц.",
            ],
            "keeps": [
                ("c", "Номер абонемента {ref8}."),
                ("a", "Заморозка до {days} дней, стоимость {amt}."),
                ("a", "Абонемент действует до {date}, после заморозки продлим."),
                ("a", "Это по договору № {contract}."),
                ("a", "Бесплатная линия сети {hot}."),
            ],
            "kinds": ["phone", "card", "email", "phone"],
        },
        "en": {
            "org": "IronWorks Fitness front desk, this is Jake",
            "reason": [
                "Hi, I want to freeze my membership, I hurt my knee.",
                "Hey, I'm travelling for work and need to pause my membership.",
            ],
            "keeps": [
                ("c", "My membership number is {ref8}."),
                ("a", "A freeze is up to {days} days and the fee is {amt}."),
                ("a", "Your contract runs until {date}, we'll push that out."),
                ("a", "Member services is {hot}."),
            ],
            "kinds": ["phone", "card", "email", "phone"],
        },
    },
    "legal": {
        "ru": {
            "org": "Юридическая фирма «Право и Дело», приём обращений, Вера",
            "reason": [
                "Здравствуйте, мне нужна консультация по разделу имущества.",
                "Добрый день, у меня спор с застройщиком, хочу записаться к юристу.",
            ],
            "keeps": [
                ("c", "Там уже есть дело {case} в арбитраже."),
                ("a", "Консультация стоит {amt}, приём {date} в {time}."),
                ("a", "Договор на оказание услуг № {contract}."),
                ("a", "Реквизиты фирмы: ИНН {inn10}, КПП {kpp}, ОГРН {ogrn}."),
                ("a", "Номер вашего обращения {ref10}."),
            ],
            "kinds": ["phone", "email", "passport", "inn", "snils"],
        },
        "en": {
            "org": "Hartley and Moss intake line, this is Rachel",
            "reason": [
                "Hi, I was in a car accident and I think I need a lawyer.",
                "Hello, I'm going through a divorce and wanted a consultation.",
            ],
            "keeps": [
                ("c", "There's already a case, {case}, at the county court."),
                ("a", "The consultation is {amt}, on {date} at {time}."),
                ("a", "Your intake reference is {ref10}."),
                ("a", "Our free line is {hot}."),
            ],
            "kinds": ["phone", "email", "ssn", "licence", "ni"],
        },
    },
    "realestate": {
        "ru": {
            "org": "Агентство недвижимости «Квартал», риелтор Денис",
            "reason": [
                "Здравствуйте, я по объявлению, хочу посмотреть квартиру на Садовой.",
                "Добрый день, хочу записаться на просмотр дома в Заречье.",
            ],
            "keeps": [
                ("a", "Это объект {ref7}, цена {amtbig}."),
                ("a", "Площадь {area} квадратных метров, комиссия агентства {pct}."),
                ("a", "Просмотр {date} в {time}."),
                ("a", "Бесплатный номер агентства {hot}."),
            ],
            "kinds": ["phone", "email", "passport", "phone"],
        },
        "en": {
            "org": "Keystone Realty, this is Marcus",
            "reason": [
                "Hi, I saw the two-bed on Maple Street online and want to see it.",
                "Hello, I'd like to book a viewing for the townhouse listing.",
            ],
            "keeps": [
                ("a", "That's listing {ref7}, asking {amtbig}."),
                ("a", "We can do {date} at {time}, and the fee is {pct}."),
                ("a", "Our office line is {hot}."),
            ],
            "kinds": ["phone", "email", "ni", "licence", "phone"],
        },
    },
    "vet": {
        "ru": {
            "org": "Ветклиника «Айболит», администратор Ольга",
            "reason": [
                "Здравствуйте, у кота после прививки температура, хочу записаться.",
                "Добрый день, нужно записать собаку на стерилизацию.",
            ],
            "keeps": [
                ("a", "Карта пациента номер {ref6}."),
                ("a", "Приём {date} в {time}, стоимость {amt}."),
                ("a", "Номер записи {ref8}, препарат {mg} миллиграмм."),
                ("a", "Круглосуточная бесплатная линия {hot}."),
            ],
            "kinds": ["phone", "email", "card", "phone"],
        },
        "en": {
            "org": "Riverside Animal Hospital, this is Beth",
            "reason": [
                "Hi, my dog ate something in the yard and he's throwing up.",
                "Hey, I need to book my cat in for her shots.",
            ],
            "keeps": [
                ("a", "His patient file is {ref6}."),
                ("a", "We have {date} at {time}, the estimate is {amt}."),
                ("a", "Appointment number {ref8}, and it's {mg} milligrams."),
                ("a", "The after-hours line is {hot}."),
            ],
            "kinds": ["phone", "email", "card", "phone"],
        },
    },
    "university": {
        "ru": {
            "org": "Приёмная комиссия университета, Светлана Петровна",
            "reason": [
                "Здравствуйте, хочу узнать, дошли ли мои документы на поступление.",
                "Добрый день, я абитуриентка, подавала заявление на бюджет.",
            ],
            "keeps": [
                ("a", "Номер заявления {ref10}."),
                ("c", "У меня сумма баллов ЕГЭ {score}."),
                ("a", "Стоимость обучения {amtbig} в год."),
                ("a", "Приказ о зачислении выйдет {date}."),
            ],
            "kinds": ["phone", "email", "passport", "snils"],
        },
        "en": {
            "org": "Westbrook University admissions, this is Carla",
            "reason": [
                "Hi, I wanted to check if my transcripts arrived for my application.",
                "Hello, I'm calling about enrollment for the fall semester.",
            ],
            "keeps": [
                ("a", "Your application number is {ref10}."),
                ("c", "My SAT was {score}."),
                ("a", "Tuition is {amtbig} a year."),
                ("a", "The deposit deadline is {date}."),
            ],
            "kinds": ["phone", "email", "ssn", "passport"],
        },
    },
    "gosuslugi": {
        "ru": {
            "org": "Портал Госуслуг, служба поддержки, оператор Марат",
            "reason": [
                "Здравствуйте, не могу подтвердить учётную запись на Госуслугах.",
                "Добрый день, у меня заявление на загранпаспорт висит на рассмотрении.",
            ],
            "keeps": [
                ("a", "Номер заявления {ref10}."),
                ("a", "Госпошлина {amt}, срок рассмотрения {days} рабочих дней."),
                ("c", "Пишет код ошибки {err}."),
                ("a", "Бесплатный телефон поддержки {hot}."),
            ],
            "kinds": ["snils", "passport", "inn", "phone", "email", "oms"],
        },
        "en": {
            "org": "GOV.UK online services helpdesk, this is Owen",
            "reason": [
                "Hi, I can't get into my government gateway account.",
                "Hello, my driving licence renewal has been stuck for weeks.",
            ],
            "keeps": [
                ("a", "Your reference number is {ref10}."),
                ("a", "The fee is {amt} and it takes {days} working days."),
                ("c", "It keeps saying error {err}."),
                ("a", "The helpline is {hot}, free from mobiles."),
            ],
            "kinds": ["ni", "phone", "email", "licence", "passport", "nhs"],
        },
    },
    "travel": {
        "ru": {
            "org": "Турагентство «Горизонт», менеджер Диана",
            "reason": [
                "Здравствуйте, хочу забронировать тур в Турцию на двоих.",
                "Добрый день, мне нужно поменять даты вылета.",
            ],
            "keeps": [
                ("a", "Номер брони {ref8}."),
                ("a", "Рейс {flight}, вылет {date} в {time}."),
                ("a", "Стоимость тура {amtbig}, доплата {amt}."),
                ("a", "Номер договора {contract}."),
                ("a", "Горячая линия туроператора {hot}."),
            ],
            "kinds": ["intpass", "phone", "email", "card"],
        },
        "en": {
            "org": "Bluewave Travel, this is Sophie",
            "reason": [
                "Hi, I want to book the Lisbon package for two.",
                "Hello, I need to move my flights back a week.",
            ],
            "keeps": [
                ("a", "Your booking reference is {bookref}."),
                ("a", "Flight {flight} leaves {date} at {time}."),
                ("a", "The total is {amtbig}, deposit {pct}."),
                ("a", "Our emergency line is {hot}."),
            ],
            "kinds": ["passport", "phone", "email", "card"],
        },
    },
    "taxi": {
        "ru": {
            "org": "Поддержка «Быстрое такси», Артур",
            "reason": [
                "Здравствуйте, я забыл телефон в машине вчера вечером.",
                "Добрый день, оставила сумку в такси, там документы.",
            ],
            "keeps": [
                ("a", "Номер поездки {ref12}."),
                ("a", "Поездка {date} в {time}, стоимость {amt}."),
                ("a", "Номер обращения {ref8}."),
                ("a", "Бесплатная линия {hot}."),
            ],
            "kinds": ["phone", "email", "card", "phone"],
        },
        "en": {
            "org": "RideNow support, this is Kevin",
            "reason": [
                "Hi, I left my backpack in a ride last night.",
                "Hey, I think I dropped my wallet in the car this morning.",
            ],
            "keeps": [
                ("a", "The trip ID is {ref12}."),
                ("a", "That was {date} at {time}, fare {amt}."),
                ("a", "Your ticket number is {ref8}."),
                ("a", "Our support line is {hot}."),
            ],
            "kinds": ["phone", "email", "card", "phone"],
        },
    },
    "streaming": {
        "ru": {
            "org": "Онлайн-кинотеатр «Кинолента», поддержка, Егор",
            "reason": [
                "Здравствуйте, с меня списали деньги за подписку дважды.",
                "Добрый день, не могу войти в аккаунт на телевизоре.",
            ],
            "keeps": [
                ("a", "Вижу транзакцию {ref14}, списание {amt} от {date}."),
                ("c", "Пишет код ошибки {err}."),
                ("a", "Обновите приложение, у вас версия {ver}."),
                ("a", "Горячая линия {hot}."),
            ],
            "kinds": ["email", "card", "phone", "email"],
        },
        "en": {
            "org": "StreamMax support, this is Tanya",
            "reason": [
                "Hi, I got charged twice for my subscription this month.",
                "Hey, I can't log in on my TV, it just spins.",
            ],
            "keeps": [
                ("a", "I see transaction {ref14}, {amt} on {date}."),
                ("c", "It says error {err}."),
                ("a", "You're on app version {ver}, please update."),
                ("a", "Our help line is {hot}."),
            ],
            "kinds": ["email", "card", "phone", "email"],
        },
    },
    "crypto": {
        "ru": {
            "org": "Криптобиржа, отдел верификации, Роман",
            "reason": [
                "Здравствуйте, у меня не проходит верификация личности.",
                "Добрый день, вывод заблокирован, просят подтвердить личность.",
            ],
            "keeps": [
                ("a", "Номер заявки {ref10}."),
                ("a", "Сумма вывода {btc} BTC, комиссия {pct}."),
                ("a", "Номер ордера {ref16}."),
                ("a", "ИНН нашей компании {inn10}, ОГРН {ogrn}."),
            ],
            "kinds": ["passport", "inn", "email", "phone", "card"],
        },
        "en": {
            "org": "CoinHarbor identity team, this is Alex",
            "reason": [
                "Hi, my identity verification keeps failing.",
                "Hey, my withdrawal is on hold and they want me to verify.",
            ],
            "keeps": [
                ("a", "Your ticket is {ref10}."),
                ("a", "The withdrawal is {btc} BTC, fee {pct}."),
                ("a", "Order ID {ref16}."),
                ("a", "Our support line is {hot}."),
            ],
            "kinds": ["ssn", "passport", "licence", "email", "phone", "iban"],
        },
    },
    "pension": {
        "ru": {
            "org": "Социальный фонд, консультационный центр, Галина",
            "reason": [
                "Здравствуйте, хочу узнать, сколько у меня пенсионных баллов.",
                "Добрый день, мама не получила пенсию в этом месяце.",
            ],
            "keeps": [
                ("a", "Номер обращения {ref10}."),
                ("a", "Размер пенсии {amt}, индексация {pct}."),
                ("a", "Работодатель: ИНН {inn10}, КПП {kpp}."),
                ("a", "Выплата {date}, горячая линия {hot}."),
            ],
            "kinds": ["snils", "passport", "inn", "phone", "account"],
        },
        "en": {
            "org": "Pinnacle Pension Services, this is Graham",
            "reason": [
                "Hi, I'm retiring next spring and want to start my pension.",
                "Hello, my mother's pension payment didn't arrive this month.",
            ],
            "keeps": [
                ("a", "Your case reference is {ref10}."),
                ("a", "The monthly payment is {amt}, paid on {date}."),
                ("a", "This year's increase is {pct}."),
                ("a", "Our helpline is {hot}."),
            ],
            "kinds": ["ni", "iban", "phone", "email"],
        },
    },
    "mobilebank": {
        "ru": {
            "org": "Банк «Восход», поддержка мобильного приложения, Никита",
            "reason": [
                "Здравствуйте, не могу зайти в приложение, пишет ошибку.",
                "Добрый день, не приходит код для входа в приложение.",
            ],
            "keeps": [
                ("c", "Пишет ошибка {err}."),
                ("a", "У вас версия {ver}, обновитесь."),
                ("a", "Номер обращения {ref10}."),
                ("a", "БИК банка {bik}, если нужен."),
                ("a", "Бесплатная линия {hot}."),
            ],
            "kinds": ["phone", "card", "email", "passport"],
        },
        "en": {
            "org": "Summit Bank mobile support, this is Luis",
            "reason": [
                "Hi, the app won't let me log in, it says my device isn't recognized.",
                "Hey, I'm not getting the login code on my phone.",
            ],
            "keeps": [
                ("c", "It says error {err}."),
                ("a", "You're on version {ver}, please update."),
                ("a", "Your case number is {ref10}."),
                ("a", "Card services is {hot}."),
            ],
            "kinds": ["phone", "card", "email", "ssn4"],
        },
    },
}

GREET = {
    "ru": ["{org}, здравствуйте!", "{org}, слушаю вас.", "Добрый день, {org}."],
    "en": ["{org}, how can I help?", "Thanks for calling {org}, what can I do for you?"],
}
CLOSE = {
    "ru": ["Всё оформила, ожидайте смс. Всего доброго!", "Спасибо за обращение, хорошего дня."],
    "en": ["All set, you'll get a confirmation shortly. Have a good one!", "Thanks for calling, take care."],
}
SMALL = {
    "ru": ["Понятно, спасибо.", "Ага, хорошо, записала.", "Так, минутку, проверяю.", "Угу."],
    "en": ["Okay, got it, thanks.", "Right, okay.", "Let me just check that for you.", "Mm-hmm."],
}
NEG_PAIRS = {
    "ru": [
        ("Назовите номер заказа, пожалуйста.", "{ref12}"),
        ("Номер счёта-фактуры какой?", "Счёт-фактура {inv}."),
        ("Какая сумма была?", "{amt}, по-моему."),
        ("Номер договора подскажете?", "Да, {contract}."),
        ("На какое время удобно?", "Давайте на {time}."),
        ("Какой номер обращения?", "{ref10}"),
    ],
    "en": [
        ("What's the order number?", "It's {ref12}."),
        ("Do you have the invoice number?", "Yeah, {inv}."),
        ("How much was it?", "{amt}, I think."),
        ("What time works for you?", "Let's say {time}."),
        ("What's the reference number?", "{ref10}"),
    ],
}
MULTI = {
    "ru": ["{K1} {S1}, а {K2} {S2}.", "Записывайте: {K1} {S1}, {K2} {S2}."],
    "en": ["{K1} is {S1}, and {K2} is {S2}.", "Okay, so {K1} {S1}, {K2} {S2}."],
}
UNPROMPTED = {
    "ru": "{R} Сразу скажу, {K} {S}, вдруг прервётся.",
    "en": "{R} Oh, and my {K} is {S}, in case we get cut off.",
}


def _new_secret(rng: random.Random, kind: str, lang: str) -> Secret:
    if kind == "email":
        return make_email(rng, lang)
    value, variants = make_value(rng, kind, lang)
    return Secret(kind, value, variants=variants)


def _surface(d: Dlg, s: Secret) -> str:
    if s.kind == "email":
        return say_email(s, d.lang, d.rng, d.rng.choice(["written", "spoken"]))
    return join_parts(number_parts(s, d.lang, d.rng, d.rng.choice(MODES[d.lang])), d.rng, d.lang)


def _secret_turns(d: Dlg, s: Secret) -> None:
    if s.kind == "email":
        email_block(d, s)
    elif s.kind == "ssn4":
        ssn4_block(d, s)
    else:
        number_block(d, s)
    if s.kind == "card" and d.rng.random() < 0.6:
        amex = len(s.value) == 15
        code, _ = make_value(d.rng, "cid" if amex else "cvv", d.lang)
        cvv = Secret("cvv", code)
        d.secrets.append(cvv)
        cvv_block(d, cvv, amex)


def build(cid: str, lang: str, scen: str, negative: bool, rng: random.Random) -> Case:
    sc = SCENARIOS[scen][lang]
    d = Dlg(lang, rng)
    d.a(rng.choice(GREET[lang]).format(org=sc["org"]))
    reason = rng.choice(sc["reason"])
    keep_pool = list(sc["keeps"])
    rng.shuffle(keep_pool)
    if negative:
        d.c(reason)
        lines: list[Any] = keep_pool[: rng.randint(3, len(keep_pool))]
        lines += [("pair", p) for p in rng.sample(NEG_PAIRS[lang], 2)]
        rng.shuffle(lines)
        for role, tmpl in lines:
            if role == "pair":
                d.a(tmpl[0])
                keep_line(d, "c", tmpl[1])
            else:
                keep_line(d, role, tmpl)
            if rng.random() < 0.4:
                d.add("customer" if role == "a" else "agent", rng.choice(SMALL[lang]))
        d.a(rng.choice(CLOSE[lang]))
        return Case(cid, lang, scen, d.tags, d.turns, True, [], d.keeps)
    n = rng.choices([1, 2, 3], [25, 45, 30])[0]
    kinds = rng.sample(sorted(set(sc["kinds"])), min(n, len(set(sc["kinds"]))))
    secrets = [_new_secret(rng, k, lang) for k in kinds]
    d.secrets.extend(secrets)
    todo = list(secrets)
    first = todo[0]
    if first.kind in KIND_WORD[lang] and first.kind != "ssn4" and rng.random() < 0.18:
        surf = _surface(d, first)
        d.c(UNPROMPTED[lang].format(R=reason, K=KIND_WORD[lang][first.kind], S=surf), [(first, surf)])
        d.tags.append(f"{first.kind}:unprompted")
        todo.pop(0)
    else:
        d.c(reason)
    plain = [s for s in todo if s.kind in KIND_WORD[lang] and s.kind not in ("card", "ssn4")]
    if len(plain) >= 2 and rng.random() < 0.3:
        s1, s2 = plain[:2]
        d.a({"ru": "Давайте контактные данные и документы.", "en": "Can I get your details, please?"}[lang])
        sf1, sf2 = _surface(d, s1), _surface(d, s2)
        text = rng.choice(MULTI[lang]).format(
            K1=KIND_WORD[lang][s1.kind], S1=sf1, K2=KIND_WORD[lang][s2.kind], S2=sf2
        )
        d.c(text[0].upper() + text[1:], [(s1, sf1), (s2, sf2)])
        d.tags.append("multi")
        todo = [s for s in todo if s not in (s1, s2)]
    keeps_n = rng.randint(1, 3)
    blocks: list[Any] = [("secret", s) for s in todo] + [("keep", k) for k in keep_pool[:keeps_n]]
    rng.shuffle(blocks)
    for what, item in blocks:
        if what == "secret":
            _secret_turns(d, item)
        else:
            keep_line(d, *item)
        if rng.random() < 0.3:
            d.a(rng.choice(SMALL[lang]))
    d.a(rng.choice(CLOSE[lang]))
    if lang == "en" and any(s.kind == "phone" and s.value.startswith("7") for s in secrets):
        d.tags.append("ru-number-in-en")
    return Case(cid, lang, scen, d.tags, d.turns, False, d.secrets, d.keeps)


def _valid(case: Case) -> bool:
    raw = _read(" \n ".join(t for _, t in case.turns))
    for s in case.secrets:
        if not s.spans or not readable(s, raw):
            return False
        red = redact_turns(case.turns, [s])
        if readable(s, _read(" \n ".join(t for _, t in red))) or readable(s, _read(raw_compressed(red))):
            return False
    full = redact_turns(case.turns, case.secrets)
    comp = _read(raw_compressed(full))
    return all(keep_readable(k, _read(full[k.turn][1])) and keep_readable(k, comp) for k in case.keeps)


def generate() -> list[Case]:
    rng = random.Random(SEED)
    scen = list(SCENARIOS)
    cases: list[Case] = []
    for lang in ("ru", "en"):
        for negative, count in ((False, N_POS), (True, N_NEG)):
            for i in range(count):
                cid = f"{'neg' if negative else 'pos'}-{lang}-{i + 1:03d}"
                sc = scen[i % len(scen)]
                for _attempt in range(200):
                    case = build(cid, lang, sc, negative, rng)
                    if _valid(case):
                        break
                else:
                    raise AssertionError(f"{cid}: no valid dialogue in 200 tries")
                cases.append(case)
    return cases


# --- running and measuring ------------------------------------------------------------------------------


def run_case(case: Case) -> tuple[list[str], str]:
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    tr = make_transcript_from_turns(case.cid, case.turns, case.lang)
    filtered = filter_transcript(tr)
    stored = [s["text"] for s in filtered["transcript"]["segments"]]
    compressed = compress(filtered, len, "probe")["text"]
    return stored, compressed


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f} %" if b else "n/a"


def evaluate(cases: list[Case] | None = None) -> dict[str, Any]:
    cases = generate() if cases is None else cases
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_scen: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    lost_scen: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    lost_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    leaked = lost_n = wrong_n = touched_n = keeps_n = secrets_n = 0
    failures: list[dict[str, Any]] = []
    for case in cases:
        stored, compressed = run_case(case)
        res = check_case(case, stored, compressed)
        leaked_ids = {id(s) for s, _ in res.leaks}
        for s in case.secrets:
            secrets_n += 1
            hit = int(id(s) in leaked_ids)
            leaked += hit
            for table, key in (
                (per_type, f"{s.kind}/{case.lang}"),
                (per_lang, case.lang),
                (per_scen, case.scenario),
            ):
                table[key][0] += hit
                table[key][1] += 1
        lost_ids = {id(k) for k, _ in res.lost}
        for k in case.keeps:
            keeps_n += 1
            hit = int(id(k) in lost_ids)
            lost_n += hit
            for table, key in ((lost_scen, case.scenario), (lost_kind, k.kind)):
                table[key][0] += hit
                table[key][1] += 1
        wrong_n += len(res.wrong_type)
        touched_n += int(res.touched)
        if res.leaks or res.lost or res.wrong_type or res.touched:
            failures.append(
                {
                    "case": case.cid,
                    "lang": case.lang,
                    "scenario": case.scenario,
                    "tags": case.tags,
                    "turns": case.turns,
                    "stored": stored,
                    "compressed": compressed,
                    "leaks": [(s.kind, s.value, where, s.spans) for s, where in res.leaks],
                    "lost": [(k.kind, k.surface, k.turn, where) for k, where in res.lost],
                    "wrong_type": [(s.kind, s.value, got, s.spans) for s, got in res.wrong_type],
                    "touched": res.touched,
                }
            )
    return {
        "cases": len(cases),
        "positive": sum(not c.negative for c in cases),
        "negative": sum(c.negative for c in cases),
        "secrets": secrets_n,
        "leaked": leaked,
        "keeps": keeps_n,
        "lost_keeps": lost_n,
        "wrong_type": wrong_n,
        "negative_with_placeholder": touched_n,
        "per_type": {k: tuple(v) for k, v in sorted(per_type.items())},
        "per_lang": {k: tuple(v) for k, v in sorted(per_lang.items())},
        "per_scenario": {k: tuple(v) for k, v in sorted(per_scen.items())},
        "lost_per_scenario": {k: tuple(v) for k, v in sorted(lost_scen.items())},
        "lost_per_kind": {k: tuple(v) for k, v in sorted(lost_kind.items())},
        "failures": failures,
    }


def self_check(cases: list[Case] | None = None) -> dict[str, int]:
    """Proves the checker on hand redactions; raises AssertionError when it misjudges one."""
    cases = generate() if cases is None else cases
    stats = Counter()
    for case in cases:
        raw = [t for _, t in case.turns]
        res = check_case(case, raw, raw_compressed(case.turns))
        assert len(res.leaks) == len(case.secrets), (case.cid, "a secret unreadable with no redaction")
        assert not res.lost, (case.cid, "a number lost with no redaction", res.lost)
        perfect = redact_turns(case.turns, case.secrets)
        res = check_case(case, [t for _, t in perfect], raw_compressed(perfect))
        assert not res.leaks, (
            case.cid,
            "leak after a perfect redaction",
            [(s.value, w) for s, w in res.leaks],
        )
        assert not res.lost and not res.wrong_type and not res.touched, (case.cid, res)
        stats["secrets"] += len(case.secrets)
        stats["keeps"] += len(case.keeps)
        for s in case.secrets:
            wrong = "[PHONE]" if s.placeholder != "[PHONE]" else "[ID]"
            turns = {t for t, _ in s.spans}
            if any(
                o is not s and o.placeholder == s.placeholder and any(t in turns for t, _ in o.spans)
                for o in case.secrets
            ):
                continue
            bad = redact_turns(case.turns, case.secrets, {id(s): wrong})
            res = check_case(case, [t for _, t in bad], raw_compressed(bad))
            assert not res.leaks, (case.cid, s.value, "a wrong placeholder read as a leak")
            assert [x for x, _ in res.wrong_type] == [s], (case.cid, s.value, "wrong type not seen")
            stats["wrong_type_checked"] += 1
        for k in case.keeps:
            texts = [t for _, t in perfect]
            texts[k.turn] = texts[k.turn].replace(k.surface, "[ID]")
            comp = raw_compressed([(r, texts[i]) for i, (r, _) in enumerate(case.turns)])
            if keep_readable(k, _read(texts[k.turn])):
                continue  # its digits are said again in the same turn
            res = check_case(case, texts, comp)
            got = [w for x, w in res.lost if x is k]
            assert got and got[0].startswith("stored"), (
                case.cid,
                k.surface,
                "a number replaced but not lost",
            )
            stats["lost_checked"] += 1
    assert stats["wrong_type_checked"] >= stats["secrets"] // 2, stats
    assert stats["lost_checked"] >= stats["keeps"] * 9 // 10, stats
    return dict(stats)


def _table(title: str, rows: dict[str, tuple[int, int]]) -> None:
    print(f"\n{title}")
    for key, (a, b) in rows.items():
        print(f"  {key:<22} {a:>4}/{b:<4} {_pct(a, b)}")


def main() -> None:
    import time

    t0 = time.time()
    cases = generate()
    print("self-check:", self_check(cases))
    r = evaluate(cases)
    print(
        f"\ncases {r['cases']} ({r['positive']} positive, {r['negative']} negative), {time.time() - t0:.1f} s"
    )
    print(f"secrets readable: {r['leaked']}/{r['secrets']} ({_pct(r['leaked'], r['secrets'])})")
    print(
        f"numbers that must stay lost: {r['lost_keeps']}/{r['keeps']} ({_pct(r['lost_keeps'], r['keeps'])})"
    )
    print(f"wrong-type redactions: {r['wrong_type']}")
    print(f"negative dialogues touched: {r['negative_with_placeholder']}/{r['negative']}")
    _table("per language (readable)", r["per_lang"])
    _table("per type (readable)", r["per_type"])
    print("\nper scenario (readable | lost)")
    for key, (a, b) in r["per_scenario"].items():
        la, lb = r["lost_per_scenario"].get(key, (0, 0))
        print(f"  {key:<12} {a:>3}/{b:<3} {_pct(a, b):>8} | {la:>3}/{lb:<3} {_pct(la, lb)}")
    _table("lost per kind", r["lost_per_kind"])
    print("\nfailures (up to 40):")
    for f in r["failures"][:40]:
        print(f"\n== {f['case']} {f['scenario']} tags={f['tags']}")
        turns: set[int] = set()
        for kind, value, where, spans in f["leaks"]:
            print(f"  LEAK {kind} {value} in {where}")
            turns |= {t for t, _ in spans}
        for kind, value, got, spans in f["wrong_type"]:
            print(f"  WRONG TYPE {kind} {value} under {got}")
            turns |= {t for t, _ in spans}
        for kind, surface, turn, where in f["lost"]:
            print(f"  LOST {kind} {surface!r} ({where})")
            turns.add(turn)
        if f["touched"]:
            print("  TOUCHED (negative dialogue with a placeholder)")
            turns |= {i for i, s in enumerate(f["stored"]) if any(p in s for p in PLACEHOLDERS)}
        for t in sorted(turns):
            print(f"    [{t}] {f['turns'][t][0]}: {f['turns'][t][1]}")
            print(f"        stored: {f['stored'][t]}")
        print("    compressed: " + f["compressed"].replace("\n", "\n                "))


if __name__ == "__main__":
    main()
