"""Blind PII probe #3: Whisper-style RU/EN call-centre dialogues with personal data, written without
reading the redaction code or the earlier probes.

Every case is run through the public API (``processors.filtering.filter_transcript`` and then
``processors.compression.compress``). A secret *leaks* when a listener could still read it in the stored
segments or in the compressed text the LLM gets:

* numbers: number words are turned into digits (``normalise_digits``), then digit tokens are joined into
  runs across separators, segment boundaries and backchannel/filler words ("uh-huh", "угу", "go on").
  The secret leaks if any run shares a contiguous stretch of >= 4 of its digits (``digit_exposure``).
  A "major" leak exposes >= 60 % of its digits in one stretch.
* e-mails: the text is turned into a spelling stream ("dot"/"точка" -> ".", "at"/"собака" -> "@",
  number words -> digits, spaces dropped). The e-mail leaks if its local part appears, or its last
  local-part component followed by "@" does.

A negative ("keep") number is a false positive when the stored segments hold fewer copies of its digits
than the input does (redaction ate it), or the compressed text holds none.

The generator checks itself per case: on the raw input every secret must be a major leak, and on the
ideal redaction (secret stretches replaced by the typed placeholder) nothing may leak and every keep must
survive. That keeps the checker honest against the numbers that share a case with a secret.

Run: ``python -m tests.pii_probe3`` (``--summary`` for the tables only, ``--json PATH`` to write them).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

SEED = "pii-probe-3"
N_POSITIVE_PER_LANG = 180
N_NEGATIVE_PER_LANG = 75
MAJOR_SHARE = 0.6

# --- number words ------------------------------------------------------------------------------------

# fmt: off
EN_U = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEEN = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
           "nineteen"]
EN_T = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
RU_U = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
RU_TEEN = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
           "семнадцать", "восемнадцать", "девятнадцать"]
RU_T = {2: "двадцать", 3: "тридцать", 4: "сорок", 5: "пятьдесят", 6: "шестьдесят", 7: "семьдесят",
        8: "восемьдесят", 9: "девяносто"}
RU_H = {1: "сто", 2: "двести", 3: "триста", 4: "четыреста", 5: "пятьсот", 6: "шестьсот", 7: "семьсот",
        8: "восемьсот", 9: "девятьсот"}

NUMWORDS: dict[str, tuple[str, int]] = {}
for _i, _w in enumerate(EN_U):
    NUMWORDS[_w] = ("zero", 0) if _i == 0 else ("unit", _i)
for _i, _w in enumerate(RU_U):
    NUMWORDS[_w] = ("zero", 0) if _i == 0 else ("unit", _i)
NUMWORDS |= {"нуль": ("zero", 0), "одна": ("unit", 1), "одно": ("unit", 1), "две": ("unit", 2)}
for _i, _w in enumerate(EN_TEEN):
    NUMWORDS[_w] = ("teen", 10 + _i)
for _i, _w in enumerate(RU_TEEN):
    NUMWORDS[_w] = ("teen", 10 + _i)
for _k, _w in EN_T.items():
    NUMWORDS[_w] = ("tens", _k * 10)
for _k, _w in RU_T.items():
    NUMWORDS[_w] = ("tens", _k * 10)
for _k, _w in RU_H.items():
    NUMWORDS[_w] = ("hund", _k * 100)
NUMWORDS |= {"hundred": ("hundred", 100), "thousand": ("thousand", 1000), "тысяча": ("thousand", 1000),
             "тысячи": ("thousand", 1000), "тысяч": ("thousand", 1000)}

# Words that do not interrupt a dictated number for a listener: backchannels, fillers, connectors, labels.
GLUE = {
    "uh", "huh", "um", "umm", "er", "erm", "mm", "hmm", "mhm", "yes", "yeah", "yep", "ok", "okay", "right",
    "go", "on", "got", "it", "and", "then", "dash", "hyphen", "space", "so", "that's", "it's", "is", "sure",
    "alright", "plus", "agent", "customer",
    "угу", "ага", "да", "так", "дальше", "записываю", "записал", "записала", "хорошо", "слушаю", "и", "ещё",
    "еще", "потом", "э", "эм", "ммм", "мм", "м", "тире", "дефис", "пробел", "ну", "вот", "это", "значит",
    "а", "плюс", "оператор", "клиент",
}

# fmt: on
_TOKEN_RE = re.compile(r"\[[^\[\]\s]{1,12}\]|\d+|[^\W\d_]+(?:['-][^\W\d_]+)*|[^\w\s]|_")


def _lex(text: str) -> list[tuple[str, str]]:
    """(kind, text): P placeholder or any short bracketed marker (compression's "[×2]"), D digits,
    W lower-case word, X punctuation. Hyphenated words are split into adjacent words (no punctuation
    between) so "forty-five" stays one spoken number."""
    text = text.replace("’", "'").replace("ё", "е").replace("Ё", "Е")
    out: list[tuple[str, str]] = []
    for m in _TOKEN_RE.finditer(text):
        s = m.group(0)
        if s.startswith("[") and len(s) > 2:
            out.append(("P", s))
        elif s.isdigit():
            out.append(("D", s))
        elif s[0].isalpha():
            out.extend(("W", part) for part in s.lower().split("-") if part)
        else:
            out.append(("X", s))
    return out


class _Group:
    """One spoken number being built: [thousands] [hundreds] [tens|teen] [units]."""

    def __init__(self) -> None:
        self.th: int | None = None
        self.h: int | None = None
        self.t: int | None = None
        self.u: int | None = None
        self.teen = False

    def empty(self) -> bool:
        return self.th is None and self.h is None and self.t is None and self.u is None

    def low(self) -> int:
        return (self.h or 0) + (self.t or 0) + (self.u or 0)

    def render(self) -> str:
        return str((self.th or 0) * 1000 + self.low())

    def feed(self, kind: str, v: int) -> bool:
        if kind == "unit":
            if self.u is None and not self.teen:
                self.u = v
                return True
            return False
        if kind in ("teen", "tens"):
            if self.t is None and self.u is None:
                self.t, self.teen = v, kind == "teen"
                return True
            return False
        if kind == "hund":
            if self.h is None and self.t is None and self.u is None:
                self.h = v
                return True
            return False
        if kind == "hundred":  # English multiplier: "nine hundred", "forty five hundred"
            if self.h is None and 0 < self.low() < 100:
                self.h, self.t, self.u, self.teen = self.low() * 100, None, None, False
                return True
            if self.empty():
                self.h = 100
                return True
            return False
        if kind == "thousand":
            if self.th is None and self.low() > 0:
                self.th, self.h, self.t, self.u, self.teen = self.low(), None, None, None, False
                return True
            if self.empty():
                self.th = 1
                return True
            return False
        raise ValueError(kind)


def _is_numlike(tok: tuple[str, str] | None) -> bool:
    return tok is not None and (tok[0] == "D" or (tok[0] == "W" and tok[1] in NUMWORDS))


def normalise_digits(text: str) -> list[tuple[str, str]]:
    """Tokens with spoken numbers replaced by digit tokens, one per spoken group ("сорок пять" -> "45",
    "nine sixteen" -> "9", "16", "double five" -> "55", "два нуля" -> "00", "oh" next to a number -> "0").
    Punctuation ends a spoken group; whitespace and in-word hyphens do not."""
    toks = _lex(text)
    out: list[tuple[str, str]] = []
    g = _Group()

    def flush() -> None:
        nonlocal g
        if not g.empty():
            out.append(("D", g.render()))
        g = _Group()

    i = 0
    while i < len(toks):
        kind, s = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if kind != "W":
            flush()
            out.append(toks[i])
            i += 1
            continue
        if s in ("double", "triple") and nxt is not None and nxt[0] == "W":
            d = {"oh": 0, "o": 0}.get(nxt[1], NUMWORDS.get(nxt[1], ("", -1))[1])
            if 0 <= d <= 9 and (nxt[1] in ("oh", "o") or NUMWORDS[nxt[1]][0] in ("unit", "zero")):
                flush()
                out.append(("D", str(d) * (2 if s == "double" else 3)))
                i += 2
                continue
        if s in ("oh", "o"):
            j = i
            while j < len(toks) and toks[j] == ("W", s):
                j += 1
            prev_num = not g.empty() or (bool(out) and out[-1][0] == "D" and toks[i - 1][0] != "X")
            next_num = j - i >= 2 or _is_numlike(toks[j] if j < len(toks) else None)
            if prev_num or next_num:
                flush()
                out.append(("D", "0"))
                i += 1
                continue
        if s in ("нуля", "нулей") and g.u is not None and g.th is None and g.h is None and g.t is None:
            out.append(("D", "0" * g.u))
            g = _Group()
            i += 1
            continue
        if s == "and" and (g.h is not None or g.th is not None) and nxt is not None and nxt[1] in NUMWORDS:
            i += 1
            continue
        nv = NUMWORDS.get(s)
        if nv is None:
            flush()
            out.append(toks[i])
        elif nv[0] == "zero":
            flush()
            out.append(("D", "0"))
        elif not g.feed(*nv):
            flush()
            g.feed(*nv)
        i += 1
    flush()
    return out


def digit_runs(text: str) -> list[str]:
    """Digit strings a listener would read as one number: digit tokens joined across punctuation,
    segment boundaries and GLUE words; any other word or a placeholder ends a run."""
    runs, cur = [], ""
    for kind, s in normalise_digits(text):
        if kind == "D":
            cur += s
        elif kind == "P" or (kind == "W" and s not in GLUE):
            if cur:
                runs.append(cur)
            cur = ""
    if cur:
        runs.append(cur)
    return runs


def _longest_common(a: str, b: str) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def digit_exposure(secret: str, text: str) -> int:
    """Longest contiguous stretch of the secret's digits readable in one run of ``text``."""
    return max((_longest_common(secret, r) for r in digit_runs(text)), default=0)


def keep_count(keep: str, text: str) -> int:
    return sum(r.count(keep) for r in digit_runs(text))


# fmt: off
_EMAIL_WORDS = {"dot": ".", "точка": ".", "at": "@", "собака": "@", "underscore": "_", "подчеркивание": "_",
                "нижнее": "", "dash": "-", "hyphen": "-", "дефис": "-", "тире": "-"}


# fmt: on
def email_stream(text: str) -> str:
    """Spelling stream: what a reader reconstructs from a dictated e-mail, without spaces."""
    parts = []
    # A sentence-final period is not the "." of an address ("... at the end." must not read as "@theend.").
    for kind, s in normalise_digits(re.sub(r"\.(?=\s|$)", " ", text)):
        if kind == "W":
            parts.append(_EMAIL_WORDS.get(s, s))
        elif kind == "D":
            parts.append(s)
        elif kind == "P":
            parts.append("#")
        elif s in ".@_-":
            parts.append(s)
    return "".join(parts)


def email_leaks(needle: str, text: str) -> bool:
    stream = email_stream(text)
    if needle in stream:
        return True
    last = re.split(r"[._-]", needle)[-1]
    return len(last) >= 3 and re.search(re.escape(last) + r"@[\w-]+\.\w", stream) is not None


# --- renderers -----------------------------------------------------------------------------------------


def _card_en(n: int, rng: random.Random) -> str:
    if n < 10:
        return EN_U[n]
    if n < 20:
        return EN_TEEN[n - 10]
    t, u = divmod(n, 10)
    return EN_T[t] if u == 0 else EN_T[t] + rng.choice(["-", " "]) + EN_U[u]


def _card_ru(n: int) -> str:
    words = []
    h, r = divmod(n, 100)
    if h:
        words.append(RU_H[h])
    if 10 <= r < 20:
        words.append(RU_TEEN[r - 10])
    else:
        t, u = divmod(r, 10)
        if t:
            words.append(RU_T[t])
        if u:
            words.append(RU_U[u])
    return " ".join(words) if words else RU_U[0]


def _thousands_ru(n: int) -> str:
    th, low = divmod(n, 1000)
    if th == 1:
        head = "тысяча"
    else:
        unit = {1: "одна", 2: "две"}.get(th, RU_U[th])
        head = unit + " " + ("тысячи" if th in (2, 3, 4) else "тысяч")
    return head if low == 0 else head + " " + _card_ru(low)


def _zero(lang: str, rng: random.Random) -> str:
    return rng.choice(["zero", "oh", "oh"]) if lang == "en" else rng.choice(["ноль", "ноль", "ноль", "нуль"])


def _unit(d: str, lang: str, rng: random.Random) -> str:
    if d == "0":
        return _zero(lang, rng)
    return (EN_U if lang == "en" else RU_U)[int(d)]


def _parse_digits(text: str) -> str:
    return "".join(s for k, s in normalise_digits(text) if k == "D")


def _join_checked(parts: list[str], digits: str, sep: str) -> str:
    """Join spoken chunks; fall back to commas where a listener would merge them ("сто" + "двадцать")."""
    text = sep.join(parts)
    if _parse_digits(text) == digits:
        return text
    text = ", ".join(parts)
    if _parse_digits(text) != digits:
        raise AssertionError(f"renderer round-trip failed: {digits!r} -> {text!r}")
    return text


def _chunks(g: str) -> list[str]:
    sizes = {5: [3, 2], 6: [3, 3], 7: [3, 2, 2], 8: [2, 2, 2, 2], 9: [3, 3, 3], 10: [3, 3, 2, 2]}
    plan = sizes.get(len(g)) or ([3] * (len(g) // 3) + ([len(g) % 3] if len(g) % 3 else []))
    out, i = [], 0
    for n in plan:
        out.append(g[i : i + n])
        i += n
    return out


def say_group(g: str, lang: str, style: str, rng: random.Random) -> str:
    """One dictated group as Whisper would write it: 'digits', 'each' (digit by digit), 'natural'
    (how people group it: "forty five sixty seven", "девятьсот шестнадцать"), 'double' (EN "double five")."""
    if style == "digits":
        return g
    if len(g) == 1:  # a lone "oh" only reads as zero next to other digits: checked by the caller's join
        return _unit(g, lang, rng)
    if style == "each":
        return _join_checked([_unit(d, lang, rng) for d in g], g, " ")
    if style == "double":
        parts, i = [], 0
        while i < len(g):
            j = i
            while j < len(g) and g[j] == g[i] and j - i < 3:
                j += 1
            n = j - i
            word = _unit(g[i], lang, rng)
            parts.append(word if n == 1 else ("double " if n == 2 else "triple ") + word)
            i = j
        return _join_checked(parts, g, " ")
    # natural
    n = len(g)
    if n == 1:
        return _unit(g, lang, rng)
    if g[0] == "0":
        return _join_checked([_zero(lang, rng), say_group(g[1:], lang, "natural", rng)], g, " ")
    if n == 2:
        return _card_en(int(g), rng) if lang == "en" else _card_ru(int(g))
    if n == 3:
        if lang == "ru":
            return _card_ru(int(g))
        h, r = int(g[0]), int(g[1:])
        pick = rng.random()
        if r == 0:
            return EN_U[h] + " hundred"
        if pick < 0.4 and r >= 10:
            return EN_U[h] + " " + _card_en(r, rng)
        if pick < 0.7:
            return _join_checked([EN_U[h] + " hundred", _card_en(r, rng)], g, " ")
        return say_group(g, lang, "each", rng)
    if n == 4:
        if lang == "ru" and rng.random() < 0.45:
            return _thousands_ru(int(g))
        if lang == "en" and g.endswith("00") and g[1] != "0" and rng.random() < 0.5:
            return _card_en(int(g[:2]), rng) + " hundred"
        return _join_checked(
            [say_group(g[:2], lang, "natural", rng), say_group(g[2:], lang, "natural", rng)], g, " "
        )
    return _join_checked([say_group(c, lang, "natural", rng) for c in _chunks(g)], g, " ")


def say_groups(groups: list[str], lang: str, style: str, rng: random.Random, sep: str = " ") -> str:
    """A whole dictated number; 'mixed' picks digits or words per group."""
    parts = []
    for g in groups:
        st = style
        if style == "mixed":
            st = rng.choice(["digits", "natural", "each"])
        elif style == "natural" and lang == "en" and rng.random() < 0.25:
            st = "each"
        parts.append(say_group(g, lang, st, rng))
    return _join_checked(parts, "".join(groups), sep)


# --- checksummed identifiers ---------------------------------------------------------------------------


def _rd(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + _rd(rng, length - len(prefix) - 1)
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def inn10(rng: random.Random) -> str:
    b = rng.choice(["77", "78", "50", "54", "66", "16"]) + _rd(rng, 7)
    c = sum(int(d) * w for d, w in zip(b, [2, 4, 10, 3, 5, 9, 4, 6, 8], strict=True)) % 11 % 10
    return b + str(c)


def inn12(rng: random.Random) -> str:
    b = rng.choice(["77", "78", "50", "54", "66", "16"]) + _rd(rng, 8)
    c1 = sum(int(d) * w for d, w in zip(b, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8], strict=True)) % 11 % 10
    b += str(c1)
    c2 = sum(int(d) * w for d, w in zip(b, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], strict=True)) % 11 % 10
    return b + str(c2)


def snils(rng: random.Random) -> str:
    b = str(rng.randint(2, 9)) + _rd(rng, 8)
    s = sum(int(d) * (9 - i) for i, d in enumerate(b))
    if s > 101:
        s %= 101
    c = 0 if s in (100, 101) else s
    return b + f"{c:02d}"


def nhs(rng: random.Random) -> str:
    while True:
        b = str(rng.randint(4, 9)) + _rd(rng, 8)
        c = 11 - sum(int(d) * (10 - i) for i, d in enumerate(b)) % 11
        if c == 11:
            return b + "0"
        if c != 10:
            return b + str(c)


def ogrn(rng: random.Random) -> str:
    b = "10" + rng.choice(["27", "37", "57", "77"]) + _rd(rng, 8)
    return b + str(int(b) % 11 % 10)


# --- cases ---------------------------------------------------------------------------------------------

Piece = str | tuple[str, str]  # plain text, or (secret text, placeholder tag)


@dataclass
class Secret:
    typ: str  # PHONE, CARD, EMAIL, ID
    sub: str
    value: str  # digits, or the normalised e-mail local part (needle)
    shown: str  # how it was said the first time (for reports)
    tags: dict[str, str] = field(default_factory=dict)  # rendering style / dictation mode

    @property
    def kind(self) -> str:
        return "email" if self.typ == "EMAIL" else "digits"


@dataclass
class Case:
    cid: str
    lang: str
    domain: str
    negative: bool
    turns: list[tuple[str, list[Piece]]]
    secrets: list[Secret] = field(default_factory=list)
    keeps: list[str] = field(default_factory=list)  # digit strings that must survive
    tags: dict[str, str] = field(default_factory=dict)  # style labels for grouping failures

    def texts(self, ideal: bool = False) -> list[tuple[str, str]]:
        out = []
        for role, pieces in self.turns:
            s = "".join(p if isinstance(p, str) else (f"[{p[1]}]" if ideal else p[0]) for p in pieces)
            out.append((role, s))
        return out


# fmt: off
DOMAINS = {
    "en": {
        "delivery": ("Thanks for calling Parcelly, this is Tom, how can I help?",
                     ["Hi, um, I'm calling about a parcel that never showed up.",
                      "Yeah hi, I need to change where my package is going."]),
        "bank": ("Harbor Bank, you're speaking with Priya, how can I help you today?",
                 ["Hi, my card got declined twice today and I don't know why.",
                  "Hello, I want to dispute a charge on my statement."]),
        "telecom": ("Nimbus Mobile, Marcus speaking, what can I do for you?",
                    ["Hey, I want to switch to a cheaper plan.",
                     "Hi, my internet's been down since yesterday."]),
        "insurance": ("Crestline Insurance, this is Chloe, how may I help?",
                      ["Hi, I need to file a claim, someone backed into my car.",
                       "Hello, I'm calling to update my policy details."]),
        "clinic": ("Riverside Medical Clinic, front desk, how can I help?",
                   ["Hi, I'd like to book an appointment with a GP.",
                    "Hi, I need to reschedule my appointment for next week."]),
        "utilities": ("Bluewater Energy, this is Tom, how can I help?",
                      ["Hi, I'm moving out and I need to close my account.",
                       "Hello, I think my last bill is wrong."]),
    },
    "ru": {
        "delivery": ("Служба доставки «Быстрый курьер», меня зовут Марина, слушаю вас.",
                     ["Здравствуйте, у меня посылка не пришла, хотела узнать, где она.",
                      "Добрый день, хочу перенести доставку на другой день."]),
        "bank": ("Банк «Северный», Дмитрий, здравствуйте, чем могу помочь?",
                 ["Здравствуйте, у меня карту заблокировали, не могу расплатиться.",
                  "Добрый день, у меня списание какое-то непонятное."]),
        "telecom": ("Оператор «Волна», Екатерина, добрый день.",
                    ["Здравствуйте, хочу поменять тариф.",
                     "Добрый день, у меня интернет не работает со вчера."]),
        "insurance": ("Страховая компания «Гарант», Марина, слушаю вас.",
                      ["Здравствуйте, мне нужно оформить страховой случай, машину поцарапали.",
                       "Добрый день, хочу продлить полис."]),
        "clinic": ("Клиника «Здоровье», регистратура, здравствуйте.",
                   ["Здравствуйте, хочу записаться к терапевту.", "Добрый день, мне нужно перенести приём."]),
        "utilities": ("Энергосбыт, оператор Дмитрий, слушаю вас.",
                      ["Здравствуйте, мне пришла какая-то огромная квитанция.",
                       "Добрый день, я переезжаю, хочу закрыть договор."]),
    },
}

BACKCHANNEL = {
    "en": ["Uh-huh.", "Mm-hmm.", "Yes.", "Yeah.", "Okay.", "Go on.", "Got it.", "Right.", "Okay, go on.",
           "Yep.", "Mhm, and then?", "Okay, and?"],
    "ru": ["Угу.", "Ага.", "Да.", "Так.", "Дальше.", "Записываю.", "Да-да.", "Так, дальше.", "Угу, слушаю.",
           "Хорошо.", "Ага, так.", "Да, записала."],
}

CLOSING = {
    "en": [("agent", "Perfect, thank you. Is there anything else I can help with?"),
           ("customer", "No, that's it, thanks."), ("agent", "Have a great day.")],
    "ru": [("agent", "Отлично, спасибо. Могу ещё чем-то помочь?"), ("customer", "Нет, спасибо, всё."),
           ("agent", "Всего доброго, до свидания.")],
}


@dataclass
class Spec:
    """A numeric secret: its groups as people dictate them and the digit formats Whisper writes."""

    typ: str
    sub: str
    groups: list[str]
    formats: list[str]  # str.format templates over the groups ({0}, {1}, ...)
    asks: list[str]
    intros: list[str]
    pre: str = ""  # letters said before the digits ("QQ", "D")
    post: str = ""
    labels: tuple[str, str] | None = None  # RU passport "серия", "номер" before groups[0] / groups[2]

    @property
    def value(self) -> str:
        return "".join(self.groups)


def _spec_phone(lang: str, rng: random.Random) -> Spec:
    if lang == "ru":
        city = rng.random() < 0.18
        body = (rng.choice(["495", "499", "812", "383", "343"]) if city else "9" + rng.choice(
            ["16", "03", "26", "85", "99", "15", "52", "77", "67", "05", "21"])) + _rd(rng, 7)
        pfx = rng.choice(["8", "8", "7", ""])
        gs = ([pfx] if pfx else []) + [body[:3], body[3:6], body[6:8], body[8:]]
        o = 1 if pfx else 0
        p = "+7" if pfx == "7" else pfx
        a, b, c, d = (f"{{{o + k}}}" for k in range(4))
        fmts = [f"{p} {a} {b}-{c}-{d}", f"{p} ({a}) {b}-{c}-{d}", f"{p}-{a}-{b}-{c}-{d}", f"{p}{a}{b}{c}{d}",
                f"{p} {a} {b} {c} {d}", f"{p}({a}){b}{c}{d}"] if pfx else [f"{a} {b}-{c}-{d}",
                                                                           f"{a}-{b}-{c}{d}",
                                                                        f"{a} {b} {c} {d}"]
        return Spec("PHONE", "phone_ru_city" if city else "phone_ru_mobile", gs, fmts,
                    ["Продиктуйте, пожалуйста, контактный номер телефона.", "На какой номер вам перезвонить?",
                     "Подскажите номер телефона, на который оформлен заказ.",
                     "Назовите ваш мобильный, пожалуйста."],
                    ["Да, записывайте:", "Мой номер", "Номер", "Так, это", "Ну, мобильный мой", "Пишите,"])
    if rng.random() < 0.25:  # UK mobile
        body = "7" + rng.choice(["700", "711", "723", "840", "958"]) + _rd(rng, 6)
        intl = rng.random() < 0.3
        gs = (["44"] if intl else ["0"]) + [body[:4], body[4:7], body[7:]]
        fmts = ["+{0} {1} {2}{3}", "+{0} {1} {2} {3}"] if intl else ["{0}{1} {2}{3}", "{0}{1} {2} {3}",
                                                                     "{0}{1}{2}{3}"]
        return Spec("PHONE", "phone_uk", gs, fmts,
                    ["What's the best number to reach you on?",
                     "Can I take a mobile number for the courier?"],
                    ["Yeah, it's", "It's", "Sure, my mobile is"])
    area = str(rng.randint(2, 9)) + str(rng.randint(0, 8)) + str(rng.randint(0, 9))
    if area in ("800", "833", "844", "855", "866", "877", "888"):
        area = "7" + area[1:]  # a toll-free code is a company's line, no person's (same draws as before)
    exch = str(rng.randint(2, 9)) + _rd(rng, 2)
    gs = ([rng.choice(["1"])] if rng.random() < 0.2 else []) + [area, exch, _rd(rng, 4)]
    o = len(gs) - 3
    a, b, c = (f"{{{o + k}}}" for k in range(3))
    fmts = [f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a}{b}{c}", f"{a} {b} {c}"]
    if o:
        fmts = [f"1-{a}-{b}-{c}", f"+1 {a} {b} {c}", f"+1 ({a}) {b}-{c}"]
    return Spec("PHONE", "phone_us", gs, fmts,
                ["Can I get a good callback number?", "What's the best phone number to reach you on?",
                 "Could you confirm the cell number on the account?", "And a phone number for the driver?"],
                ["Sure, it's", "Yeah, my cell is", "It's", "Okay so it's", "Um, the best one is"])


def _spec_card(lang: str, rng: random.Random) -> Spec:
    if lang == "en" and rng.random() < 0.15:
        v = luhn_complete(rng.choice(["34", "37"]), 15, rng)
        gs = [v[:4], v[4:10], v[10:]]
        fmts = ["{0} {1} {2}", "{0}-{1}-{2}", "{0}{1}{2}"]
        sub = "card_amex"
    else:
        pre = rng.choice(["4", "51", "53", "55", "2200", "2202", "4276", "5469"] if lang == "ru" else
                         ["4", "4", "51", "52", "55", "6011"])
        v = luhn_complete(pre, 16, rng)
        gs = [v[:4], v[4:8], v[8:12], v[12:]]
        fmts = ["{0} {1} {2} {3}", "{0}-{1}-{2}-{3}", "{0}{1}{2}{3}", "{0} {1} {2}{3}"]
        sub = "card_16"
    if lang == "ru":
        return Spec("CARD", sub, gs, fmts,
                    ["Назовите, пожалуйста, номер карты.",
                     "Продиктуйте номер карты, на которую вернуть деньги.",
                     "Шестнадцать цифр с лицевой стороны карты продиктуйте."],
                    ["Да, номер карты", "Так, карта", "Записывайте,", "Сейчас, ага, вот:"])
    return Spec("CARD", sub, gs, fmts,
                ["Could you read me the long number on the front of the card?",
                 "What's the card number, please?",
                 "Which card would you like to use? I'll need the full number."],
                ["Okay, it's", "Sure, the card number is", "Let me grab it, okay,", "It's"])


def _spec_id(lang: str, sub: str, rng: random.Random) -> Spec:
    if sub == "ssn":
        v = str(rng.randint(1, 665)).zfill(3) + str(rng.randint(10, 99)) + _rd(rng, 4)
        return Spec("ID", sub, [v[:3], v[3:5], v[5:]], ["{0}-{1}-{2}", "{0} {1} {2}", "{0}{1}{2}"],
                    ["For verification, can I have your Social Security number?",
                     "I'll need your social to run the credit check."],
                    ["Sure, it's", "My social is", "Okay, it's"])
    if sub == "us_passport":
        v = str(rng.randint(1, 9)) + _rd(rng, 8)
        return Spec("ID", sub, [v[:3], v[3:6], v[6:]], ["{0}{1}{2}", "{0} {1} {2}"],
                    ["I'll need your passport number for the booking.",
                     "Can you read me your passport number?"],
                    ["Okay, the passport number is", "It's", "Sure, it's"])
    if sub == "drivers_license":
        if rng.random() < 0.5:
            v = _rd(rng, 7)
            return Spec("ID", sub, [v[:3], v[3:]], ["{0}{1}", "{0} {1}"],
                        ["Could you give me your driver's license number?", "And the license number?"],
                        ["Sure, it's", "Okay, it's"], pre=rng.choice(["D", "B", "F"]))
        v = str(rng.randint(1, 9)) + _rd(rng, 8)
        return Spec("ID", sub, [v[:3], v[3:6], v[6:]], ["{0} {1} {2}", "{0}{1}{2}"],
                    ["Could you give me your driver's license number?"], ["It's a New York one,", "Sure,"])
    if sub == "nhs":
        v = nhs(rng)
        return Spec("ID", sub, [v[:3], v[3:6], v[6:]], ["{0} {1} {2}", "{0}{1}{2}", "{0}-{1}-{2}"],
                    ["Do you have your NHS number handy?", "Could I take your NHS number, please?"],
                    ["Yes, it's", "Hang on, okay,", "It's"])
    if sub == "ni_number":
        v = _rd(rng, 6)
        p, s = rng.choice(["QQ", "AB", "JG", "NP", "TL"]), rng.choice(["A", "B", "C", "D"])
        return Spec("ID", sub, [v[:2], v[2:4], v[4:]], ["{0} {1} {2}", "{0}{1}{2}"],
                    ["And your National Insurance number?", "Can I have your NI number for the records?"],
                    ["It's", "Sure,"], pre=p, post=s)
    if sub == "policy_en":
        v = _rd(rng, 10)
        return Spec("ID", sub, [v[:4], v[4:8], v[8:]], ["{0}-{1}-{2}", "{0} {1} {2}"],
                    ["What's your policy number?", "Can you read the policy number off your card?"],
                    ["It's", "The policy number is", "Okay, it says"], pre=rng.choice(["HX-", "PLC-",
                                                                                       "AUT-"]))
    if sub == "member_id":
        v = _rd(rng, 9)
        return Spec("ID", sub, [v[:3], v[3:6], v[6:]], ["{0}{1}{2}", "{0} {1} {2}"],
                    ["Can you read me the member ID from your insurance card?", "What's the member ID?"],
                    ["It's", "Okay, member ID"], pre=rng.choice(["W", "XZP ", "MBR "]))
    if sub == "passport_ru":
        v = rng.choice(["45", "46", "40", "50", "60", "65", "03"]) + str(rng.randint(0,
                                                                                     24)).zfill(2) + _rd(rng,
                                                                                                         6)
        gs = [v[:2], v[2:4], v[4:7], v[7:]]
        return Spec("ID", sub, gs, ["{0} {1} {2}{3}", "{0}{1} {2}{3}", "{0}{1}{2}{3}",
                                    "серия {0} {1} номер {2}{3}",
                                    "{0} {1} № {2}{3}", "{0}{1} {2} {3}"],
                    ["Назовите серию и номер паспорта.",
                     "Для оформления нужны паспортные данные, серия и номер."],
                    ["Паспорт", "Так, серия и номер:", "Сейчас достану... вот:", "Записывайте:"],
                    labels=("серия ", "номер "))
    if sub == "snils":
        v = snils(rng)
        return Spec("ID", sub, [v[:3], v[3:6], v[6:9], v[9:]],
                    ["{0}-{1}-{2} {3}", "{0} {1} {2} {3}", "{0}{1}{2}{3}", "{0}-{1}-{2}-{3}"],
                    ["Продиктуйте, пожалуйста, СНИЛС.", "Номер СНИЛС подскажите для записи."],
                    ["СНИЛС", "Так, СНИЛС мой", "Записывайте:"])
    if sub == "inn12":
        v = inn12(rng)
        gs = [v[:4], v[4:8], v[8:]] if rng.random() < 0.5 else [v[:2], v[2:4], v[4:6], v[6:8], v[8:10],
                                                                v[10:]]
        return Spec("ID", sub, gs, ["{}" * len(gs), " ".join("{}" for _ in gs)],
                    ["Назовите ваш ИНН, пожалуйста, физического лица.",
                     "Для налогового вычета нужен ваш личный ИНН."],
                    ["Мой ИНН", "ИНН личный", "Так, ИНН"])
    if sub == "driver_ru":
        v = rng.choice(["99", "77", "50", "78", "54"]) + _rd(rng, 8)
        return Spec("ID", sub, [v[:2], v[2:4], v[4:7], v[7:]], ["{0} {1} {2}{3}", "{0}{1} {2}{3}",
                                                                "{0}{1}{2}{3}"],
                    ["Номер водительского удостоверения подскажите.", "Продиктуйте номер ВУ, пожалуйста."],
                    ["Права:", "Удостоверение", "Так, номер"])
    if sub == "oms":
        while True:
            v = rng.choice(["77", "50", "54", "78"]) + _rd(rng, 14)
            if not luhn_ok(v):
                break
        return Spec("ID", sub, [v[:4], v[4:8], v[8:12], v[12:]], ["{0} {1} {2} {3}", "{0}{1}{2}{3}"],
                    ["Продиктуйте номер полиса ОМС.", "Полис ОМС у вас с собой? Номер назовите."],
                    ["Полис", "Да, номер полиса", "Так,"])
    if sub == "zagran":
        v = rng.choice(["75", "76", "77", "65", "72"]) + _rd(rng, 7)
        return Spec("ID", sub, [v[:2], v[2:5], v[5:7], v[7:]], ["{0} {1}{2}{3}", "{0}{1}{2}{3}",
                                                                "{0} № {1}{2}{3}"],
                    ["Номер загранпаспорта, пожалуйста.", "Для брони нужен номер загранпаспорта."],
                    ["Загран", "Номер", "Да, загранпаспорт"])
    if sub == "bank_account":
        v = "40817810" + _rd(rng, 12)
        return Spec("ID", sub, [v[:5], v[5:8], v[8:9], v[9:13], v[13:]], ["{0} {1} {2} {3} {4}",
                                                                          "{0}{1}{2}{3}{4}"],
                    ["Назовите номер счёта, на который перевести компенсацию.",
                     "Номер вашего счёта продиктуйте."],
                    ["Счёт", "Номер счёта", "Так,"])
    raise ValueError(sub)


_LETTERS_SAID = {"en": lambda s: " ".join(s.replace("-", "").replace(" ", "")), "ru": lambda s: s}


def _say_spec(spec: Spec, lang: str, style: str, rng: random.Random, groups: list[str] | None = None,
              with_letters: bool = True) -> str:
    """The spoken/written text of a whole numeric secret (or of some of its groups)."""
    gs = spec.groups if groups is None else groups
    whole = groups is None
    if style == "fmt" and whole:
        text = rng.choice(spec.formats).format(*gs)
    elif spec.labels and whole and rng.random() < 0.6:
        text = (spec.labels[0] + say_groups(gs[:2], lang, style, rng) + ", " + spec.labels[1]
                + say_groups(gs[2:], lang, style, rng))
    else:
        text = say_groups(gs, lang, "digits" if style == "fmt" else style, rng, rng.choice([" ", " ", ", "]))
    if with_letters and whole:
        pre = spec.pre if style == "fmt" else _LETTERS_SAID[lang](spec.pre)
        text = (pre + ("" if pre.endswith((" ",
                                           "-")) or (style == "fmt" and pre) else " ") if pre else "") + text
        if spec.post:
            text += " " + spec.post
    return text


def _partition(groups: list[str], rng: random.Random) -> list[list[str]]:
    """Split dictated groups over 2-4 turns."""
    n = len(groups)
    if n <= 2:
        return [[g] for g in groups]
    k = rng.randint(2, min(4, n))
    cuts = sorted(rng.sample(range(1, n), k - 1))
    out, last = [], 0
    for c in [*cuts, n]:
        out.append(groups[last:c])
        last = c
    return out


def _mutate(g: str, rng: random.Random) -> str:
    i = rng.randrange(len(g))
    return g[:i] + str((int(g[i]) + rng.randint(1, 8)) % 10) + g[i + 1 :]


READBACK = {
    "en": ["Let me read that back: {x}.", "So that's {x}, correct?", "Okay, I have {x}.", "{x}, right?"],
    "ru": ["Повторяю: {x}.", "Так, {x}, верно?", "Записала: {x}.", "{x}, правильно?"],
}
CONFIRM = {"en": ["Yes, that's right.", "Yep, correct.", "That's it."], "ru": ["Да, верно.",
                                                                               "Да, всё правильно.",
                                                                             "Да."]}
REPEAT_ASK = {"en": ["Sorry, you broke up a bit, could you say that again slowly?",
                     "Sorry, could you repeat that?"],
              "ru": ["Извините, плохо слышно, можно ещё раз помедленнее?",
                     "Повторите, пожалуйста, медленно."]}
FILLERS = {"en": [", um,", ", uh,", ","], "ru": [", э,", ", эм,", ",", ", ну,"]}
ON_FILE = {"en": ["I see {x} on the account, is that still current?",
                  "I have {x} on file, is that still good?"],
           "ru": ["У меня в системе {x}, актуально?", "Вижу в анкете {x}, всё верно?"]}
CORRECT = {"en": ["no wait, sorry,", "no, sorry, I mean", "sorry, scratch that,"],
           "ru": ["ой, нет, не так,", "нет, извините,", "ой, то есть"]}
NOT_THAT = {"en": ["No, not {w}, it's {r}.", "Sorry, no, {r}, not {w}."],
            "ru": ["Нет, не {w}, а {r}.", "Нет-нет, {r}, а не {w}."]}


def _dictate(spec: Spec, lang: str, rng: random.Random, tags: dict[str, str]) -> list[tuple[str,
                                                                                            list[Piece]]]:
    """The turns where the customer gives a numeric secret (and the agent reacts)."""
    tag = spec.typ
    styles = ["fmt", "fmt", "natural", "each", "mixed"] + (["double"] if lang == "en" else ["natural"])
    style = rng.choice(styles)
    modes = ["inline", "inline", "split", "split", "readback", "correction", "agent_reads", "repeat",
             "fillers",
             "readback_fix"]
    mode = rng.choice(modes)
    if mode in ("split", "fillers") and style == "fmt":
        style = rng.choice(["digits", "natural", "each"])
    tags |= {"style": style, "mode": mode}
    intro = rng.choice(spec.intros) + " "
    turns: list[tuple[str, list[Piece]]] = []
    back = BACKCHANNEL[lang]
    if mode == "inline":
        turns.append(("customer", [intro, (_say_spec(spec, lang, style, rng), tag), rng.choice([".", ""])]))
    elif mode == "split":
        parts = _partition(spec.groups, rng)
        for k, part in enumerate(parts):
            txt = say_groups(part, lang, "digits" if style == "digits" else style, rng)
            if k == 0 and spec.pre:
                txt = (spec.pre if style == "digits" else _LETTERS_SAID[lang](spec.pre)) + " " + txt
            if k == len(parts) - 1 and spec.post:
                txt += " " + spec.post
            turns.append(("customer", ([intro] if k == 0 else []) + [(txt, tag), "."]))
            if k < len(parts) - 1:
                if rng.random() < 0.25:  # the agent echoes the group while typing it
                    echo = say_groups(part, lang, rng.choice(["digits", "natural"]), rng)
                    turns.append(("agent", [(echo, tag), ", " + rng.choice(back).lower()]))
                else:
                    turns.append(("agent", [rng.choice(back)]))
    elif mode == "fillers":
        fill = FILLERS[lang]
        txt = ""
        for k, g in enumerate(spec.groups):
            txt += ("" if k == 0 else rng.choice(fill) + " ") + say_group(g, lang, style, rng)
        if spec.pre:
            txt = _LETTERS_SAID[lang](spec.pre) + " " + txt
        if spec.post:
            txt += " " + spec.post
        if _parse_digits(txt) != "".join(_parse_digits(g) for g in spec.groups):
            raise AssertionError(txt)
        turns.append(("customer", [intro, (txt, tag), "."]))
    elif mode in ("readback", "readback_fix"):
        turns.append(("customer", [intro, (_say_spec(spec, lang, style, rng), tag), "."]))
        if mode == "readback":
            x = _say_spec(spec, lang, rng.choice(["fmt", "natural", "digits"]), rng)
            tpl = rng.choice(READBACK[lang])
            a, b = tpl.split("{x}")
            turns.append(("agent", [a, (x, tag), b]))
            turns.append(("customer", [rng.choice(CONFIRM[lang])]))
        else:  # the agent reads one group back wrong, the customer corrects that group
            k = rng.randrange(len(spec.groups))
            wrong = list(spec.groups)
            wrong[k] = _mutate(wrong[k], rng)
            x = say_groups(wrong, lang, "digits", rng)
            a, b = rng.choice(READBACK[lang]).split("{x}")
            turns.append(("agent", [a, (x, tag), b]))
            w = say_group(wrong[k], lang, "natural", rng)
            r = say_group(spec.groups[k], lang, "natural", rng)
            tpl = rng.choice(NOT_THAT[lang])
            pieces: list[Piece] = []
            for chunk in re.split(r"(\{[wr]\})", tpl):
                pieces.append((w if chunk == "{w}" else r, tag) if chunk in ("{w}", "{r}") else chunk)
            turns.append(("customer", pieces))
            x2 = _say_spec(spec, lang, "fmt", rng)
            turns.append(("agent", [rng.choice(["Got it, ", "Okay, "] if lang == "en" else ["Поняла, ",
                                                                                            "Так, "]),
                                    (x2, tag), "."]))
    elif mode == "correction":
        k = rng.randrange(1, len(spec.groups)) if len(spec.groups) > 1 else 0
        wrong = _mutate(spec.groups[k], rng)
        head = say_groups(spec.groups[:k], lang, style if style != "fmt" else "digits", rng) if k else ""
        bad = say_group(wrong, lang, "natural" if style in ("natural", "mixed") else "digits", rng)
        tail = say_groups(spec.groups[k:], lang, style if style != "fmt" else "digits", rng)
        pre = (_LETTERS_SAID[lang](spec.pre) + " ") if spec.pre else ""
        txt = f"{pre}{head + ' ' if head else ''}{bad}, {rng.choice(CORRECT[lang])} {tail}"
        if spec.post:
            txt += " " + spec.post
        turns.append(("customer", [intro, (txt, tag), "."]))
    elif mode == "agent_reads":
        x = _say_spec(spec, lang, rng.choice(["fmt", "fmt", "natural"]), rng)
        a, b = rng.choice(ON_FILE[lang]).split("{x}")
        turns.append(("agent", [a, (x, tag), b]))
        turns.append(("customer", [rng.choice(CONFIRM[lang])]))
    elif mode == "repeat":
        turns.append(("customer", [intro, (_say_spec(spec, lang, "fmt", rng), tag), "."]))
        turns.append(("agent", [rng.choice(REPEAT_ASK[lang])]))
        slow = _say_spec(spec, lang, rng.choice(["each", "natural"]), rng)
        turns.append(("customer", [rng.choice(["Sure. ", "Okay, ", ""] if lang == "en" else ["Да. ", "Так, ",
                                                                                             ""]),
                                   (slow, tag), "."]))
    return turns


# --- e-mails ---

EN_FIRST = ["james", "emily", "michael", "sarah", "david", "laura", "robert", "jessica", "daniel", "hannah",
            "kevin",
            "megan", "brian", "olivia", "steven", "rachel"]
EN_LAST = ["smith", "johnson", "walker", "carter", "bennett", "hughes", "foster", "palmer", "turner",
           "reynolds",
           "morgan", "fletcher"]
RU_FIRST = [("ivan", "иван"), ("olga", "ольга"), ("sergey", "сергей"), ("anna", "анна"), ("pavel", "павел"),
            ("elena", "елена"), ("nikita", "никита"), ("irina", "ирина"), ("oleg", "олег"), ("yulia", "юлия")]
RU_LAST = [("petrov", "петров"), ("smirnova", "смирнова"), ("kuznetsov", "кузнецов"), ("volkova", "волкова"),
           ("sokolov", "соколов"), ("morozova", "морозова"), ("lebedev", "лебедев"), ("kozlova", "козлова"),
           ("novikov", "новиков"), ("popova", "попова")]
EN_DOMAINS = [("gmail.com", "gmail dot com"), ("outlook.com", "outlook dot com"), ("yahoo.co.uk",
                                                                                   "yahoo dot co dot uk"),
              ("icloud.com", "icloud dot com"), ("hotmail.com", "hotmail dot com"),
              ("brightside-logistics.com", "brightside dash logistics dot com")]
RU_DOMAINS = [("mail.ru", "мейл точка ру"), ("yandex.ru", "яндекс точка ру"), ("gmail.com",
                                                                               "джимейл точка ком"),
              ("bk.ru", "бэ ка точка ру"), ("list.ru", "лист точка ру"), ("rambler.ru", "рамблер точка ру")]
_SEP_SAID = {"en": {".": " dot ", "_": " underscore ", "-": " dash "},
             "ru": {".": " точка ", "_": " нижнее подчёркивание ", "-": " дефис "}}


def _email_parts(lang: str, rng: random.Random) -> tuple[list[tuple[str, str]], tuple[str, str]]:
    """Local part as [(latin, spoken)] atoms (names, separators, digits) and (domain, spoken domain)."""
    if lang == "en":
        first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
        fp, lp = (first, first), (last, last)
        dom = rng.choice(EN_DOMAINS)
    else:
        fp, lp = rng.choice(RU_FIRST), rng.choice(RU_LAST)
        dom = rng.choice(RU_DOMAINS)
    shape = rng.choice(["f.l", "fl", "f_l", "f-l", "lNN", "f.lYYYY", "i.l", "flNN"])
    num = str(rng.randint(10, 99)) if "NN" in shape else str(rng.randint(1975,
                                                                         2004)) if "YYYY" in shape else ""
    atoms: list[tuple[str, str]] = []
    if shape.startswith("l"):
        atoms.append(lp)
    elif shape.startswith("i"):
        atoms += [(fp[0][0], fp[0][0]), (".", "."), lp]
    else:
        atoms.append(fp)
        sep = shape[1] if shape[1] in "._-" else ""
        if sep:
            atoms.append((sep, sep))
        atoms.append(lp)
    if num:
        atoms.append((num, num))
    return atoms, dom


def _say_email(atoms: list[tuple[str, str]], dom: tuple[str, str], lang: str, style: str,
               rng: random.Random) -> tuple[str, str]:
    """(local text, domain text) as Whisper writes them in the given style."""
    cyr = lang == "ru" and style == "cyrillic"
    local = []
    for lat, cy in atoms:
        if lat in "._-":
            local.append(lat if style in ("written", "at_written") else _SEP_SAID[lang][lat])
        elif lat.isdigit():
            local.append(lat if style in ("written", "at_written") or rng.random() < 0.4
                         else " " + say_group(lat, lang, "natural", rng) + " ")
        elif style == "spelled" and len(lat) > 1:
            local.append(" " + "-".join(lat.upper()) + " ")
        else:
            local.append(cy if cyr else lat)
    ltxt = re.sub(r"\s+", " ", "".join(local)).strip()
    if style == "written":
        return ltxt, "@" + dom[0]
    if style == "at_written":
        return ltxt, (" at " if lang == "en" else " собака ") + dom[0]
    dtxt = dom[1] if cyr or style == "spoken" else dom[0]
    if lang == "ru" and not cyr and rng.random() < 0.5:
        dtxt = dom[0]
    return ltxt, (" at " if lang == "en" else " собака ") + dtxt


def _dictate_email(lang: str, rng: random.Random, tags: dict[str, str]) -> tuple[list[tuple[str,
                                                                                            list[Piece]]],
                                                                                 Secret]:
    atoms, dom = _email_parts(lang, rng)
    styles = ["written", "at_written", "spoken", "spoken", "spelled"] + (["cyrillic",
                                                                          "cyrillic"] if lang == "ru" else [])
    style = rng.choice(styles)
    mode = rng.choice(["inline", "inline", "split", "readback", "spell_after", "agent_reads"])
    tags |= {"style": style, "mode": mode}
    ltxt, dtxt = _say_email(atoms, dom, lang, style, rng)
    needle = email_stream(ltxt)
    full = "".join(a[0] for a in atoms) + "@" + dom[0]
    secret = Secret("EMAIL", "email_" + style, needle, full)
    intro = rng.choice(["Sure, it's ", "Yeah, it's ", "My email is ", "It's "] if lang == "en" else
                       ["Почта ", "Да, записывайте: ", "Электронка моя ", "Адрес "])
    turns: list[tuple[str, list[Piece]]] = []
    if mode in ("inline", "readback", "spell_after"):
        turns.append(("customer", [intro, (ltxt + dtxt, "EMAIL"), "."]))
        if mode == "readback":
            lt2, dt2 = _say_email(atoms, dom, lang, rng.choice(["written", "spoken"]), rng)
            a, b = rng.choice(READBACK[lang]).split("{x}")
            turns.append(("agent", [a, (lt2 + dt2, "EMAIL"), b]))
            turns.append(("customer", [rng.choice(CONFIRM[lang])]))
        elif mode == "spell_after":
            name = max((a for a in atoms if a[0].isalpha() and len(a[0]) > 2), key=lambda a: len(a[0]))
            turns.append(("agent", [rng.choice(["How do you spell the last bit?",
                                                "Could you spell that for me?"]
                                               if lang == "en" else ["Продиктуйте по буквам, пожалуйста.",
                                                                     "Как пишется, по буквам?"])]))
            # The spelled fragment is a name (out of scope), so it is not scored as a secret of its own.
            joiner = "-" if lang == "en" or rng.random() < 0.5 else " "
            tail = ", that's the surname." if lang == "en" else ", это фамилия."
            spelled = joiner.join(name[0].upper())
            turns.append(("customer", [(spelled, "EMAIL"), rng.choice([".", tail, ""])]))
    elif mode == "split":
        turns.append(("customer", [intro, (ltxt, "EMAIL"), "."]))
        turns.append(("agent", [rng.choice(BACKCHANNEL[lang])]))
        turns.append(("customer", [(dtxt.strip(), "EMAIL"), "."]))
    else:  # agent_reads
        lt2, dt2 = _say_email(atoms, dom, lang, rng.choice(["written", "at_written", "spoken"]), rng)
        a, b = rng.choice(ON_FILE[lang]).split("{x}")
        turns.append(("agent", [a, (lt2 + dt2, "EMAIL"), b]))
        turns.append(("customer", [rng.choice(CONFIRM[lang])]))
        secret = Secret("EMAIL", "email_" + style, email_stream(lt2), full)
        tags["style"] = "agent_reads"
    return turns, secret


# --- negatives: numbers that must survive ---

NegGen = Callable[[random.Random], tuple[str, list[str]]]


def _non_luhn(rng: random.Random, n: int) -> str:
    while True:
        v = str(rng.randint(1, 9)) + _rd(rng, n - 1)
        if not luhn_ok(v):
            return v


def _group4(digits: str) -> str:
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def _money_ru(rng: random.Random) -> tuple[str, str]:
    n = rng.choice([rng.randint(100, 999), rng.randint(1000, 99999), rng.randint(1, 30) * 50000])
    s = f"{n:,}".replace(",", " ")
    return rng.choice([s, str(n)]), str(n)


def _neg_bank() -> dict[str, list[NegGen]]:
    months = ["January", "March", "April", "June", "September", "October", "November", "December"]
    ru_months = ["января", "марта", "апреля", "июня", "сентября", "октября", "ноября", "декабря"]
    e: list[NegGen] = [
        lambda r: (lambda d, c: (f"The total comes to ${d}.{c:02d} including tax.", [f"{d}{c:02d}"]))(
            r.randint(12, 899), r.randint(0, 99)),
        lambda r: (lambda n: (f"We approved a loan of ${n:,} over five years.", [str(n)]))(
            r.randint(5, 90) * 5000),
        lambda r: (lambda d, m: (f"The delivery is scheduled for {m} {d}th between 9 and 5.", [str(d)]))(
            r.randint(11, 28), r.choice(months)),
        lambda r: (lambda h, mm: (f"Your appointment is at {h}:{mm:02d} pm on Thursday.", [f"{h}{mm:02d}"]))(
            r.randint(1, 5), r.choice([0, 15, 30, 45])),
        lambda r: (lambda n, k: (f"I ordered {n} boxes with {k} bottles in each.", [str(k)]))(
            r.randint(2, 9), r.choice([12, 24, 36, 48])),
        lambda r: (lambda a, b, c: (f"The order number is {a}-{b}-{c}.", [f"{a}{b}{c}"]))(
            "11" + str(r.randint(1, 4)), _rd(r, 7), _rd(r, 7)),
        lambda r: (lambda t: (f"Your tracking number is 1Z{_rd(r, 3)}AA{t}.", [t]))("1" + _rd(r, 10)),
        lambda r: (lambda t: (f"The USPS tracking number is {_group4(t)}.", [t]))("9400" + _rd(r, 18)),
        lambda r: (lambda t: (f"Your case number is {t}, keep it for reference.", [t]))(_rd(r, 7)),
        lambda r: (lambda p: (f"You're on the Unlimited {p} plan right now.", [str(p)]))(r.choice([35, 50,
                                                                                                   60, 75])),
        lambda r: (lambda h, z: (f"The address is {h} Maple Street, and the zip is {z}.", [str(h), z]))(
            r.randint(101, 2999), str(r.randint(10001, 98999))),
        lambda r: (lambda y: (f"I've been a customer since {y}.", [str(y)]))(r.randint(2005, 2023)),
        lambda r: (lambda p: (f"There's a {p}% discount if you renew today.", [str(p)]))(r.choice([10, 15,
                                                                                                   20, 25])),
        lambda r: (lambda x: (f"Just call back and ask for extension {x}.", [x]))(str(r.randint(2000, 7999))),
        lambda r: (lambda m: (f"It's the XR-{m} router, the black one.", [m]))(str(r.randint(10, 99) * 100)),
        lambda r: (lambda y, n: (f"The invoice number is INV-{y}-{n}.", [f"{y}{n}"]))(r.randint(2021, 2025),
                                                                                      _rd(r, 4)),
        lambda r: (lambda d, c: (f"Your current balance is ${d:,}.{c:02d}.", [f"{d}{c:02d}"]))(
            r.randint(1000, 9999), r.randint(0, 99)),
        lambda r: (lambda g, m: (f"It comes with {g} gigabytes of data and {m} minutes.", [str(g), str(m)]))(
            r.choice([20, 30, 50]), r.choice([500, 1000, 1200])),
        lambda r: (lambda f: (f"Your flight BA {f} leaves from gate 22.", [str(f), "22"]))(r.randint(100,
                                                                                                     999)),
        lambda r: (lambda m: (f"The meter reading was {m} last month.", [m]))("0" + _rd(r, 4)),
        lambda r: (lambda a, b: (f"It usually takes {a} to {b} minutes.", [str(a), str(b)]))(
            r.choice([10, 15, 20]), r.choice([30, 45])),
        lambda r: (lambda n: (f"It's {_card_en(n, r)} dollars a month.", [str(n)]))(r.randint(21, 99)),
        lambda r: (lambda n: (f"That's {EN_U[n // 100]} hundred {_card_en(n % 100, r)} dollars total.",
                              [str(n)]))(
            r.randint(1, 9) * 100 + r.randint(21, 99)),
        lambda r: (lambda y: (f"The warranty ran out in {y}, I think, back in March.",
                              [str(y)]))(r.randint(2015, 2023)),
        lambda r: (lambda a: (f"We have {a:,} reward points on the account.", [str(a)]))(r.randint(1200,
                                                                                                   48000)),
        lambda r: (lambda n: (f"My order number is {n}, it was placed on the {r.randint(11, 28)}th.",
                              [n]))(_rd(r, 8)),
        lambda r: (lambda o: (f"The APR is {o}% on that card.", [o.replace(".",
                                                                           "")]))(f"{r.randint(15, 29)}.9"),
        lambda r: (lambda c: (f"Your confirmation number is {c[:3]} {c[3:6]} {c[6:]}.", [c]))(_rd(r, 9)),
        lambda r: (lambda d, m: (f"The next appointment is on {m:02d}/{d}/2025.", [f"{m:02d}{d}2025"]))(
            r.randint(10, 28), r.randint(1, 12)),
        lambda r: (lambda o: (f"I placed order number {o[:4]} {o[4:8]} {o[8:12]} {o[12:]} last week.", [o]))(
            _non_luhn(r, 16)),
        lambda r: (lambda n: (f"The repair quote was {EN_U[n]} thousand five hundred dollars.", [f"{n}500"]))(
            r.randint(2, 9)),
        lambda r: (lambda rm: (f"The office is in suite {rm}, on the twelfth floor.",
                               [str(rm)]))(r.randint(100, 1900)),
        lambda r: (lambda a, b: (f"We're open from {a}:00 to {b}:30 on weekdays.", [f"{a}00", f"{b}30"]))(
            r.randint(7, 9), r.randint(16, 19)),
        lambda r: (lambda n: (f"The refund of ${n:,}.00 should land in 3 to 5 business days.", [f"{n}00"]))(
            r.randint(1000, 25000)),
    ]
    ru: list[NegGen] = [
        lambda r: (lambda m: (f"Сумма заказа {m[0]} рублей, оплата при получении.", [m[1]]))(_money_ru(r)),
        lambda r: (lambda d, mo: (f"Доставка {d} {mo}, с 10 до 14.", [str(d), "10", "14"]))(
            r.randint(11, 28), r.choice(ru_months)),
        lambda r: (lambda h: (f"Приём у терапевта в {h}:30, кабинет 214.", [f"{h}30", "214"]))(r.randint(10,
                                                                                                         17)),
        lambda r: (lambda a, b: (f"Номер заказа {a}-{b}, посмотрите, пожалуйста.", [a + b]))(_rd(r, 4),
                                                                                             _rd(r, 4)),
        lambda r: (lambda t: (f"Трек-номер {t}, а посылки всё нет.", [t]))("8" + _rd(r, 13)),
        lambda r: (lambda t: (f"Трек-номер RA{t}RU, посылка из Китая.", [t]))(_rd(r, 9)),
        lambda r: (lambda i: (f"ИНН организации {i}, это наша компания.", [i]))(inn10(r)),
        lambda r: (lambda i, k: (f"Реквизиты: ИНН {i}, КПП {k}.", [i, k]))(inn10(r), _rd(r, 4) + "01001"),
        lambda r: (lambda o: (f"ОГРН {o}, юридическое лицо.", [o]))(ogrn(r)),
        lambda r: (lambda b: (f"БИК банка {b}.", [b]))("04" + _rd(r, 7)),
        lambda r: (lambda t: (f"Сейчас у вас тариф «Мой онлайн {t}».", [str(t)]))(r.choice([300, 500, 700])),
        lambda r: (lambda m, g: (f"В пакете {m} минут и {g} гигабайт.", [str(m), str(g)]))(
            r.choice([300, 500, 800]), r.choice([15, 25, 40])),
        lambda r: (lambda d, k: (f"Адрес: улица Ленина, дом {d}, корпус 2, квартира {k}.", [str(d), str(k)]))(
            r.randint(3, 120), r.randint(10, 399)),
        lambda r: (lambda i: (f"Индекс {i}, Новосибирск.", [i]))("6300" + _rd(r, 2)),
        lambda r: (lambda p: (f"Скидка {p}% действует до конца месяца.", [str(p)]))(r.choice([10, 15, 20,
                                                                                              30])),
        lambda r: (lambda a, b: (f"Ставка {a},{b} процента годовых.", [f"{a}{b}"]))(r.randint(12, 29),
                                                                                    r.randint(1, 9)),
        lambda r: (lambda n: (f"Заказала {n} коробок, а привезли меньше.", [str(n)]))(r.randint(12, 40)),
        lambda r: (lambda z: (f"Номер заявки {z}, я уже звонила.", [z]))(_rd(r, 7)),
        lambda r: (lambda z: (f"Номер обращения {z}.", [z]))("00" + _rd(r, 6)),
        lambda r: (lambda y: (f"Договор заключали в {y} году.", [str(y)]))(r.randint(2010, 2023)),
        lambda r: (lambda f: (f"Рейс SU {f}, вылет в 6:40.", [str(f), "640"]))(r.randint(1000, 1999)),
        lambda r: (lambda m: (f"Показания счётчика {m}.", [m]))("0" + _rd(r, 4)),
        lambda r: (lambda b: (f"На балансе {b} баллов.", [str(b)]))(r.randint(1200, 9800)),
        lambda r: (lambda n: (f"Это {_card_ru(n)} рублей в месяц.", [str(n)]))(r.randint(101, 999)),
        lambda r: (lambda n: (f"Итого {_thousands_ru(n)} рублей.", [str(n)]))(r.randint(1001, 9999)),
        lambda r: (lambda d: (f"Акция до {d} декабря.", [str(d)]))(r.randint(20, 31)),
        lambda r: (lambda n: (f"Счёт на оплату номер {n} от 15.03.", [n, "1503"]))(_rd(r, 5)),
        lambda r: (lambda a: (f"Артикул товара {a}, размер 42.", [a, "42"]))(str(r.randint(1, 3)) + _rd(r,
                                                                                                        8)),
        lambda r: (lambda o: (f"Номер заказа {o}, оформляла в приложении.", [o]))(_rd(r, 10)),
        lambda r: (lambda n: (f"Номер накладной {n}, отправляли из Москвы.", [n]))("1" + _rd(r, 9)),
        lambda r: (lambda d, m: (f"Приём перенесли на {d:02d}.{m:02d}.2025.", [f"{d:02d}{m:02d}2025"]))(
            r.randint(10, 28), r.randint(1, 12)),
        lambda r: (lambda o: (f"Номер заказа {o[:4]} {o[4:8]} {o[8:12]} {o[12:]}, там две позиции.", [o]))(
            _non_luhn(r, 16)),
        lambda r: (lambda rub, kop: (f"Долг {rub} рублей {kop} копеек.", [rub, kop]))(
            str(r.randint(1200, 9800)), str(r.randint(10, 99))),
        lambda r: (lambda a, b: (f"Работаем с {a}:00 до {b}:00 без выходных.", [f"{a}00", f"{b}00"]))(
            r.randint(8, 10), r.randint(19, 22)),
        lambda r: (lambda n: (f"Ремонт обойдётся в {_thousands_ru(n * 1000)} рублей.", [str(n * 1000)]))(
            r.randint(2, 9)),
    ]
    return {"en": e, "ru": ru}


NEG = _neg_bank()
NEG_ASK = {
    "en": ["Okay, let me pull that up. What can you tell me?", "Sure, go ahead.",
           "Alright, what do you see there?"],
    "ru": ["Так, слушаю вас.", "Хорошо, расскажите подробнее.", "Сейчас посмотрю. Что у вас там указано?"],
}


# --- case generation ---

PLAN = {
    "en": [("PHONE", None, 50), ("CARD", None, 35), ("EMAIL", None, 35), ("ID", "ssn", 12),
           ("ID", "us_passport", 10), ("ID", "drivers_license", 9), ("ID", "nhs", 8), ("ID", "ni_number", 7),
           ("ID", "policy_en", 7), ("ID", "member_id", 7)],
    "ru": [("PHONE", None, 50), ("CARD", None, 35), ("EMAIL", None, 30), ("ID", "passport_ru", 18),
           ("ID", "snils", 14), ("ID", "inn12", 12), ("ID", "driver_ru", 7), ("ID", "oms", 6), ("ID",
                                                                                                "zagran", 4),
           ("ID", "bank_account", 4)],
}


# fmt: on
def _secret_turns(
    typ: str, sub: str | None, lang: str, rng: random.Random, tags: dict[str, str]
) -> tuple[list[tuple[str, list[Piece]]], list[Secret], str]:
    if typ == "EMAIL":
        turns, sec = _dictate_email(lang, rng, tags)
        ask = rng.choice(
            [
                "What's your email address?",
                "Can I get an email to send the confirmation to?",
                "And the email on the account?",
            ]
            if lang == "en"
            else [
                "Продиктуйте адрес электронной почты.",
                "Куда прислать чек, какая почта?",
                "Почту подскажите, пожалуйста.",
            ]
        )
        return turns, [sec], ask
    spec = (
        _spec_phone(lang, rng)
        if typ == "PHONE"
        else _spec_card(lang, rng)
        if typ == "CARD"
        else _spec_id(lang, sub or "", rng)
    )
    turns = _dictate(spec, lang, rng, tags)
    return (
        turns,
        [Secret(spec.typ, spec.sub, spec.value, _say_spec(spec, lang, "fmt", rng))],
        rng.choice(spec.asks),
    )


def _positive(cid: str, lang: str, typ: str, sub: str | None, rng: random.Random) -> Case:
    domain = rng.choice(list(DOMAINS[lang]))
    greet, reasons = DOMAINS[lang][domain]
    case = Case(cid, lang, domain, False, [("agent", [greet]), ("customer", [rng.choice(reasons)])])
    if rng.random() < 0.3:  # a must-keep number in the same call
        text, keeps = rng.choice(NEG[lang])(rng)
        case.turns.append(("customer", [text]))
        case.keeps += keeps
    todo = [(typ, sub)]
    if rng.random() < 0.25:
        todo.append(rng.choice([x for x in [("PHONE", None), ("EMAIL", None)] if x[0] != typ]))
    for t, s in todo:
        tags: dict[str, str] = {}
        turns, secs, ask = _secret_turns(t, s, lang, rng, tags)
        for sec in secs:
            sec.tags = tags
        case.tags |= {f"{k}{len(case.secrets) or ''}": v for k, v in tags.items()}
        if turns[0][0] != "agent":
            case.turns.append(("agent", [ask]))
        case.turns += turns
        case.secrets += secs
        if rng.random() < 0.5:
            case.turns.append(("agent", [rng.choice(BACKCHANNEL[lang])]))
    case.turns += [(r, [t]) for r, t in CLOSING[lang][: rng.randint(1, 3)]]
    return case


def _negative(cid: str, lang: str, rng: random.Random) -> Case:
    domain = rng.choice(list(DOMAINS[lang]))
    greet, reasons = DOMAINS[lang][domain]
    case = Case(
        cid,
        lang,
        domain,
        True,
        [("agent", [greet]), ("customer", [rng.choice(reasons)]), ("agent", [rng.choice(NEG_ASK[lang])])],
    )
    gens = rng.sample(range(len(NEG[lang])), rng.randint(2, 3))
    for k in gens:
        text, keeps = NEG[lang][k](rng)
        case.turns.append((rng.choice(["customer", "customer", "agent"]), [text]))
        case.keeps += keeps
        case.tags.setdefault("neg", str(k))
        if rng.random() < 0.5:
            case.turns.append(
                ("agent" if case.turns[-1][0] == "customer" else "customer", [rng.choice(BACKCHANNEL[lang])])
            )
    case.tags["neg"] = ",".join(str(k) for k in gens)
    case.turns += [(r, [t]) for r, t in CLOSING[lang][: rng.randint(1, 3)]]
    return case


def _joined(texts: Iterable[str]) -> str:
    return " | ".join(texts)


def case_problems(case: Case) -> list[str]:
    """Why the checker would misjudge this case (empty when it is sound)."""
    raw = _joined(t for _, t in case.texts())
    ideal = _joined(t for _, t in case.texts(ideal=True))
    bad = []
    for s in case.secrets:
        if s.kind == "email":
            if not email_leaks(s.value, raw) or email_leaks(s.value, ideal):
                bad.append(f"email needle {s.value!r}")
        elif digit_exposure(s.value, raw) < min(4, len(s.value)) or digit_exposure(s.value, ideal) >= min(
            4, len(s.value)
        ):
            raw_e, ideal_e = digit_exposure(s.value, raw), digit_exposure(s.value, ideal)
            bad.append(f"digits {s.value!r} raw={raw_e} ideal={ideal_e}")
    for k in case.keeps:
        if keep_count(k, raw) == 0 or keep_count(k, ideal) < keep_count(k, raw):
            bad.append(f"keep {k!r}")
    return bad


def generate(seed: str = SEED) -> list[Case]:
    cases: list[Case] = []
    for lang in ("en", "ru"):
        plan = [(t, s) for t, s, n in PLAN[lang] for _ in range(n)]
        assert len(plan) == N_POSITIVE_PER_LANG
        for i, (typ, sub) in enumerate(plan):
            for attempt in range(30):
                rng = random.Random(f"{seed}:{lang}:pos:{i}:{attempt}")
                try:
                    case = _positive(f"{lang}-p{i:03d}", lang, typ, sub, rng)
                except AssertionError:  # a rendering a listener could not parse back: draw again
                    continue
                if not case_problems(case):
                    break
            else:
                raise AssertionError(f"{case.cid}: {case_problems(case)}")
            cases.append(case)
        for i in range(N_NEGATIVE_PER_LANG):
            for attempt in range(30):
                rng = random.Random(f"{seed}:{lang}:neg:{i}:{attempt}")
                case = _negative(f"{lang}-n{i:03d}", lang, rng)
                if not case_problems(case):
                    break
            else:
                raise AssertionError(f"{case.cid}: {case_problems(case)}")
            cases.append(case)
    return cases


# --- running through the product ---

PLACEHOLDER_RE = re.compile(r"\[(PHONE|CARD|EMAIL|ID|[A-Z_]{2,})\]")


def _strings(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _strings(v)


@dataclass
class Result:
    case: Case
    stored: list[str]
    compressed: str
    other: list[str]  # any other new string in the outputs
    leaks: list[tuple[Secret, str, int]]  # (secret, where, exposure)
    lost_keeps: list[tuple[str, str]]  # (keep, where)
    mistyped: list[Secret]
    spurious: int  # placeholders in a negative case


def run_case(case: Case) -> Result:
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    texts = case.texts()
    transcript = make_transcript_from_turns(case.cid, texts, case.lang)
    before = {s for s in _strings({k: v for k, v in transcript.items() if k != "segments"})}
    raw_texts = {t for _, t in texts}
    filtered = filter_transcript(transcript)
    comp = compress(filtered, len, "probe")
    stored = [s["text"] for s in filtered["transcript"]["segments"]]
    other = [
        s
        for s in _strings([filtered, {k: v for k, v in comp.items() if k != "text"}])
        if s not in before and s not in stored and s not in raw_texts and s != comp["text"]
    ]
    stored_j, comp_t = _joined(stored), comp["text"]
    leaks: list[tuple[Secret, str, int]] = []
    mistyped = []
    for sec in case.secrets:
        for where, txt in [("stored", stored_j), ("compressed", comp_t)] + [("other", o) for o in other]:
            if sec.kind == "email":
                if email_leaks(sec.value, txt):
                    leaks.append((sec, where, len(sec.value)))
                    break
            else:
                exp = digit_exposure(sec.value, txt)
                if exp >= min(4, len(sec.value)):
                    leaks.append((sec, where, exp))
                    break
        else:
            if f"[{sec.typ}]" not in stored_j:
                mistyped.append(sec)
    raw_j = _joined(t for _, t in texts)
    lost = []
    for k in case.keeps:
        n = keep_count(k, raw_j)
        if keep_count(k, stored_j) < n:
            lost.append((k, "stored"))
        elif keep_count(k, comp_t) == 0:
            lost.append((k, "compressed"))
    spurious = len(PLACEHOLDER_RE.findall(stored_j)) if case.negative else 0
    return Result(case, stored, comp_t, other, leaks, lost, mistyped, spurious)


def run_all(cases: list[Case] | None = None) -> list[Result]:
    return [run_case(c) for c in (cases if cases is not None else generate())]


def summarise(results: list[Result]) -> dict[str, Any]:
    by: dict[str, Counter[str]] = defaultdict(Counter)
    secrets = leaks = major = 0
    for r in results:
        leaked = {id(s): (w, e) for s, w, e in r.leaks}
        for s in r.case.secrets:
            secrets += 1
            hit = id(s) in leaked
            is_major = hit and (s.kind == "email" or leaked[id(s)][1] >= len(s.value) * MAJOR_SHARE)
            leaks += hit
            major += is_major
            for key in (
                f"type {s.typ}/{r.case.lang}",
                f"sub {s.sub}",
                f"mode {s.tags.get('mode')}/{s.typ}",
                f"style {s.tags.get('style')}/{r.case.lang}",
            ):
                by[key]["n"] += 1
                by[key]["leak"] += hit
                by[key]["major"] += is_major
    neg = [r for r in results if r.case.negative]
    keeps = sum(len(r.case.keeps) for r in results)
    lost = sum(len(r.lost_keeps) for r in results)
    lost_stored = sum(1 for r in results for _, w in r.lost_keeps if w == "stored")
    return {
        "cases": len(results),
        "positive_cases": len(results) - len(neg),
        "negative_cases": len(neg),
        "secrets": secrets,
        "leaks": leaks,
        "major_leaks": major,
        "leak_rate": round(leaks / max(1, secrets), 4),
        "mistyped": sum(len(r.mistyped) for r in results),
        "keeps": keeps,
        "lost_keeps": lost,
        "lost_keeps_redaction": lost_stored,
        "fp_keep_rate": round(lost / max(1, keeps), 4),
        "negative_cases_with_fp": sum(1 for r in neg if r.lost_keeps),
        "negative_fp_rate": round(sum(1 for r in neg if r.lost_keeps) / max(1, len(neg)), 4),
        "negative_cases_with_placeholder": sum(1 for r in neg if r.spurious),
        "by": {k: dict(v) for k, v in sorted(by.items())},
    }


def _print_table(summary: dict[str, Any], prefix: str, out: Any) -> None:
    rows = [(k, v) for k, v in summary["by"].items() if k.startswith(prefix)]
    for k, v in rows:
        rate = v["leak"] / v["n"] if v["n"] else 0.0
        print(
            f"  {k[len(prefix) :]:<34} n={v['n']:>4}  leaked={v['leak']:>4} ({rate:6.1%})"
            f"  major={v['major']:>4}",
            file=out,
        )


def report(results: list[Result], summary_only: bool = False, out: Any = sys.stdout) -> dict[str, Any]:
    s = summarise(results)
    print(
        f"PII probe 3: {s['cases']} cases ({s['positive_cases']} with secrets, "
        f"{s['negative_cases']} negative), "
        f"{s['secrets']} secrets, {s['keeps']} must-keep numbers",
        file=out,
    )
    print(
        f"LEAKS: {s['leaks']}/{s['secrets']} = {s['leak_rate']:.1%} (major {s['major_leaks']}); "
        f"not leaked but no [TYPE] placeholder of the right type: {s['mistyped']}",
        file=out,
    )
    print(
        f"FALSE POSITIVES: {s['lost_keeps']}/{s['keeps']} keeps lost ({s['fp_keep_rate']:.1%}; "
        f"{s['lost_keeps_redaction']} by redaction in stored text); negative cases with a lost keep "
        f"{s['negative_cases_with_fp']}/{s['negative_cases']} ({s['negative_fp_rate']:.1%}); "
        f"negative cases with any placeholder {s['negative_cases_with_placeholder']}",
        file=out,
    )
    for title, prefix in [
        ("by type/language", "type "),
        ("by subtype", "sub "),
        ("by dictation mode", "mode "),
        ("by rendering style", "style "),
    ]:
        print(f"\n{title}:", file=out)
        _print_table(s, prefix, out)
    if not summary_only:
        print("\n=== failing cases ===", file=out)
        for r in results:
            if not (r.leaks or r.lost_keeps or r.spurious):
                continue
            what = [f"LEAK {sec.typ}/{sec.sub} {sec.value} in {w} (exposed {e})" for sec, w, e in r.leaks]
            what += [f"FP keep {k} lost in {w}" for k, w in r.lost_keeps]
            if r.spurious and not r.lost_keeps:
                what.append(f"placeholders in negative case: {r.spurious}")
            print(f"\n--- {r.case.cid} [{r.case.domain}] {r.case.tags} :: " + "; ".join(what), file=out)
            for role, t in r.case.texts():
                print(f"   in  {role:<8} {t}", file=out)
            for t in r.stored:
                print(f"   st  {t}", file=out)
            print("   llm " + r.compressed.replace("\n", "\n       "), file=out)
    return s


def checker_self_checks() -> None:
    """Unit checks of the checker itself (also run by tests/bench/test_pii_probe3.py)."""
    assert (
        _parse_digits("восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь")
        == "89161234567"
    )
    assert _parse_digits("nine one six, one twenty three, forty five sixty seven") == "9161234567"
    assert _parse_digits("four oh seven, double five, triple oh") == "40755000"
    assert _parse_digits("две тысячи двести два, ноль сто двадцать три, два нуля") == "2202012300"
    assert _parse_digits("forty five hundred, one hundred and five") == "4500105"
    assert _parse_digits("ten, oh oh. Oh, okay") == "1000"
    assert _parse_digits("forty-five, twenty twenty four") == "452024"
    assert _parse_digits("Oh, okay, so, oh five") == "05"
    assert digit_runs("Восемь девятьсот шестнадцать. | Угу. | Сто двадцать три | Так, дальше. | 45-67") == [
        "89161234567"
    ]
    assert digit_runs("It's [PHONE] and the order 4587 12") == ["458712"]
    assert digit_runs("call me on 916 tomorrow at 3") == ["916", "3"]
    assert digit_exposure("89161234567", "Номер [PHONE] 45 67, но 2024 год") == 4  # "4567" tail is a leak
    assert digit_exposure("89161234567", "[PHONE] 67, доставка 15 марта") < 4
    assert digit_exposure("4276380012345678", "card [CARD], expiry 04 27") < 4
    assert email_leaks("jay.smith", "it's Jay dot Smith at gmail dot com")
    assert email_leaks("jay.smith", "it's [EMAIL] ... smith at gmail dot com")  # last component before "@"
    assert not email_leaks("jay.smith", "it's [EMAIL], thanks Mr Smith.")
    assert not email_leaks("kevin_palmer", "[EMAIL]. | P-A-L-M-E-R, at the end.")
    assert digit_exposure("32722220936", "Customer: [ID]. [×2] | Agent: 209, хорошо.") == 3
    assert email_leaks("иван.петров", "Почта иван точка петров собака мейл точка ру")
    assert email_leaks("jsmith84", "j smith eighty four at yahoo dot com")
    assert keep_count("3450", "Сумма 3 450 рублей | итого 3450") == 2
    assert keep_count("250", "это двести пятьдесят рублей") == 1
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert inn10(random.Random(1))[-1].isdigit() and len(inn12(random.Random(1))) == 12


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--summary", action="store_true", help="tables only, no failing-case listing")
    ap.add_argument("--json", help="write the summary as JSON to this path")
    args = ap.parse_args(argv)
    checker_self_checks()
    summary = report(run_all(), summary_only=args.summary)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
