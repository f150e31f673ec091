"""PII probe 9: long calls in fifteen new industries, ASR cuts and mixed number forms (written blind).

What it is: a seeded generator (``SEED``) of 400 call-centre dialogues, 150 positive and 50 negative per
language (ru, en), fed through the public API (``make_transcript_from_turns`` -> ``filter_transcript``
-> ``compress``), and an independent checker of what can still be read afterwards. It was written blind:
from the README section "Text stages: filter, compress, rules, PII" (the redaction policy) and the
signature of ``streams.bench_text.make_transcript_from_turns`` only, never from the redaction code or
the other probes, to measure how the redaction generalises to speech its authors never saw.

The angle: long calls (most positive dialogues 25-60 turns) in fifteen industries no earlier probe
used (car dealership service, appliance repair, dental clinic, moving company, B2B office supplies,
charity, school meals, parking fines, solar panels, funeral services, pet insurance, wedding venue,
electronics warranty, tutoring, fitness equipment leasing), the secret among many numbers that must
stay (prices, dates, order numbers, sometimes in the same turn); ASR segmentation artefacts (a
number cut across two or three turns of one speaker, or across the other speaker's non-backchannel
interruption; Whisper punctuation "4276-3800-1234-5678", "+7 (916) 123-45-67", "916.123.4567",
"#4276", "No. 12345", "4,276,380"; digits fused with words "телефон89161234567"); one number in
mixed forms (digits, words, hundreds and thousands forms, "две семёрки", "на семёрку", "double
seven"); context misdirection (a secret volunteered before it is asked, given to another question,
partly read back, inside a 60+ word monologue, a third party's); and negatives that look like secrets
(16-digit order and tracking numbers, 10-12 digit invoices, a company's INN/KPP/OGRN/BIK and
correspondent account, toll-free hotlines, serial numbers, VINs, plates, IMEIs).

Leak rule (its own checker, independent of the redaction): a secret leaks when 4 of its digits in a
row (a card: not only its last four; a card security code or the last four of a social: all of its
digits) can still be read from the stored segments (joined with " \\n ") or from the compressed text,
as digits or as Russian/English number words ("сорок пять" = 45, "forty-five" = 45, "double seven",
"две семёрки", "oh" = 0, thousands forms); separators, fillers, backchannels, punctuation and turn
boundaries do not break a run, a placeholder or any other content word does. An e-mail leaks when
its local part, a piece of it of 4+ characters, or 4 of its letters spelled in a row can be read. A
number that must stay is lost when it can no longer be read in its own stored segment or in the
compressed text. A secret that did not leak but whose segments carry only another type's placeholder
is a wrong-type redaction; a negative dialogue with any placeholder is touched. The generator retries
a dialogue until every secret is readable in the raw text and unreadable once only its own spans
carry its placeholder (hand redaction), and every number that must stay survives that redaction.

Run: ``cd /work/main && .venv/bin/python -m tests.pii_probe9``

Measured blind when written (at 1dd04b5 with the edits since committed as 3501055, which changed
nothing here): leaked 101 of 503 secrets (20.1 %; en 53/253 = 20.9 %, ru 48/250 = 19.2 %), all but
5 of them readable in the LLM text too; 280 of 9 031 numbers that must stay
lost (158 IMEIs, said as "IMEI" or "серийный номер", all -> [CARD]; 68 order numbers of 16 digits, every
Luhn-valid one and none of the 92 others, -> [CARD]; 18 of 163 invoice / payment-order numbers of 10-12
digits -> [PHONE] or [ID]; 14 tracking numbers -> [PHONE]; 5 pet microchips; 3 correspondent accounts; a
contract "LS-69687" -> [EMAIL]; "booking 192322, 2 September" -> "[ID] September"; a time folded away with
its "[x2]" sentence in the LLM text); 57 of 100 negatives touched (mostly IMEIs and Luhn-valid order
numbers; 22 lose something else); 0 wrong types; 8 stored segments holding a piece of a placeholder cut
across segments ("[PHO" / "NE]"). Worst types: ssn4/en 20/31, oms/ru 5/10, email/ru 10/31 (letters
spelled after the address), cvv/ru 4/15, phone/en 7/30; worst deliveries: a number broken across the
agent's interruption 32/55, digits fused to the word before them 11/21, runs of one digit ("две
семёрки", "double seven") 10/28, an answer to another question 16/58; worst industries: school meals
10/31, pet insurance 11/35, appliance repair 9/32.
"""

from __future__ import annotations

import itertools
import random
import re
import string
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

SEED = 9009
N_POS = 150
N_NEG = 50
LANGS = ("ru", "en")

PLACEHOLDER = {
    "phone": "[PHONE]",
    "card": "[CARD]",
    "cvv": "[CARD]",
    "email": "[EMAIL]",
    "passport": "[ID]",
    "snils": "[ID]",
    "inn": "[ID]",
    "oms": "[ID]",
    "account": "[ID]",
    "ssn": "[ID]",
    "ssn4": "[ID]",
    "ni": "[ID]",
    "nhs": "[ID]",
    "licence": "[ID]",
    "iban": "[ID]",
}
PLACEHOLDERS = ("[PHONE]", "[CARD]", "[EMAIL]", "[ID]")
_PH_RE = re.compile(r"\[(PHONE|CARD|EMAIL|ID)\]")
# a placeholder cut across segments: "[PHO" in one, "NE]" in the next
_BROKEN_PH_RE = re.compile(
    r"\[(?:P|PH|PHO|PHON|C|CA|CAR|E|EM|EMA|EMAI|I)?(?![A-Z\]])|(?<![\[A-Z])(?:HONE|ONE|NE|ARD|RD|MAIL|AIL|IL|D|E|L)?\]"
)


# ------------------------------------------------------------------------------------------------------
# data model


@dataclass
class Secret:
    sid: int
    kind: str
    value: str  # digits (or the address for an e-mail)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (turn, start, end) in the raw text
    style: str = ""

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER[self.kind]


@dataclass
class Keep:
    kid: int
    kind: str
    surface: str
    digits: str
    turn: int = -1
    start: int = 0
    end: int = 0


@dataclass
class Case:
    cid: str
    lang: str
    scenario: str
    turns: list[tuple[str, str]]
    secrets: list[Secret]
    keeps: list[Keep]
    negative: bool
    tags: list[str]


# ------------------------------------------------------------------------------------------------------
# reading numbers back: digits and Russian / English number words


def _forms(table: dict[str, int], *extra: tuple[str, int]) -> dict[str, int]:
    out = dict(table)
    out.update(dict(extra))
    return out


_RU_UNITS = {
    "ноль": 0, "нуль": 0, "ноля": 0, "нуля": 0, "нолю": 0, "нолём": 0, "один": 1, "одна": 1, "одно": 1,
    "одного": 1, "одной": 1, "одну": 1, "одному": 1, "два": 2, "две": 2, "двух": 2, "двум": 2, "двумя": 2,
    "три": 3, "трёх": 3, "трех": 3, "трём": 3, "трем": 3, "тремя": 3, "четыре": 4, "четырёх": 4, "четырех": 4,
    "четырём": 4, "четырьмя": 4, "пять": 5, "пяти": 5, "пятью": 5, "шесть": 6, "шести": 6, "семь": 7,
    "семи": 7, "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9,
}  # fmt: skip
_RU_TEENS = {
    "десять": 10, "десяти": 10, "одиннадцать": 11, "одиннадцати": 11, "двенадцать": 12, "двенадцати": 12,
    "тринадцать": 13, "тринадцати": 13, "четырнадцать": 14, "четырнадцати": 14, "пятнадцать": 15,
    "пятнадцати": 15, "шестнадцать": 16, "шестнадцати": 16, "семнадцать": 17, "семнадцати": 17,
    "восемнадцать": 18, "восемнадцати": 18, "девятнадцать": 19, "девятнадцати": 19,
}  # fmt: skip
_RU_TENS = {
    "двадцать": 20, "двадцати": 20, "тридцать": 30, "тридцати": 30, "сорок": 40, "сорока": 40,
    "пятьдесят": 50, "пятидесяти": 50, "шестьдесят": 60, "шестидесяти": 60, "семьдесят": 70, "семидесяти": 70,
    "восемьдесят": 80, "восьмидесяти": 80, "девяносто": 90, "девяноста": 90,
}  # fmt: skip
_RU_HUNDREDS = {
    "сто": 100, "ста": 100, "двести": 200, "двухсот": 200, "триста": 300, "трёхсот": 300, "трехсот": 300,
    "четыреста": 400, "четырёхсот": 400, "четырехсот": 400, "пятьсот": 500, "пятисот": 500, "шестьсот": 600,
    "шестисот": 600, "семьсот": 700, "семисот": 700, "восемьсот": 800, "восьмисот": 800, "девятьсот": 900,
    "девятисот": 900,
}  # fmt: skip
_RU_ORD_UNITS = {
    "первое": 1, "первого": 1, "первый": 1, "второе": 2, "второго": 2, "третье": 3, "третьего": 3,
    "четвёртое": 4, "четвертое": 4, "четвёртого": 4, "четвертого": 4, "пятое": 5, "пятого": 5, "шестое": 6,
    "шестого": 6, "седьмое": 7, "седьмого": 7, "восьмое": 8, "восьмого": 8, "девятое": 9, "девятого": 9,
}  # fmt: skip
_RU_ORD_TEENS = {
    "десятое": 10, "десятого": 10, "одиннадцатое": 11, "одиннадцатого": 11, "двенадцатое": 12,
    "двенадцатого": 12, "тринадцатое": 13, "тринадцатого": 13, "четырнадцатое": 14, "четырнадцатого": 14,
    "пятнадцатое": 15, "пятнадцатого": 15, "шестнадцатое": 16, "шестнадцатого": 16, "семнадцатое": 17,
    "семнадцатого": 17, "восемнадцатое": 18, "восемнадцатого": 18, "девятнадцатое": 19, "девятнадцатого": 19,
    "двадцатое": 20, "двадцатого": 20, "тридцатое": 30, "тридцатого": 30,
}  # fmt: skip
_RU_MULT = {
    "тысяча": 1000, "тысячи": 1000, "тысяч": 1000, "тысячу": 1000, "тысячей": 1000, "миллион": 1000000,
    "миллиона": 1000000, "миллионов": 1000000,
}  # fmt: skip
# "пятёрка", "две семёрки", "на семёрку": a digit's collective noun, by stem
_RU_COLLECTIVE = {
    "нолик": 0, "нулик": 0, "единиц": 1, "единичк": 1, "двойк": 2, "тройк": 3, "четвёрк": 4, "четверк": 4,
    "пятёрк": 5, "пятерк": 5, "шестёрк": 6, "шестерк": 6, "семёрк": 7, "семерк": 7, "восьмёрк": 8,
    "восьмерк": 8, "девятк": 9,
}  # fmt: skip

_EN_UNITS = {
    "zero": 0, "oh": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_EN_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_EN_ORD_UNITS = {
    "first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
}  # fmt: skip
_EN_ORD_TEENS = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_EN_MULT = {"thousand": 1000, "million": 1_000_000}

UNITS = _forms(_RU_UNITS, *_EN_UNITS.items())
TEENS = _forms(_RU_TEENS, *_EN_TEENS.items())
TENS = _forms(_RU_TENS, *_EN_TENS.items())
ORD_UNITS = _forms(_RU_ORD_UNITS, *_EN_ORD_UNITS.items())
ORD_TEENS = _forms(_RU_ORD_TEENS, *_EN_ORD_TEENS.items())
MULT = _forms(_RU_MULT, *_EN_MULT.items())
REPEAT = {"double": 2, "triple": 3}

# words that do not break a run of digits: fillers, backchannels, hesitations, "no wait"
FILLERS = frozenset(
    """
    uh um er erm ah hmm hm mm mhm huh uh-huh mm-hmm so and then okay ok yeah yes yep right sorry wait
    hold on let me see like well no i mean dash hyphen space just sec э ээ эээ эм мм ммм ну так вот
    значит сейчас секунду секундочку да угу ага ой и ещё еще дальше потом тире дефис пробел короче это
    нет то есть подождите простите извините щас мгм хм мм-хм
    """.split()  # noqa: SIM905
)

_TOKEN_RE = re.compile(r"\[(?:PHONE|CARD|EMAIL|ID)\]|\d+|[^\W\d_]+(?:-[^\W\d_]+)*|[^\s\w]|_|\n")


def _collective(word: str) -> int | None:
    for stem, d in _RU_COLLECTIVE.items():
        if word.startswith(stem):
            return d
    return None


@dataclass
class Run:
    digits: str
    start: int
    end: int


def _word_parts(word: str) -> list[str]:
    """Split "forty-five" / "сорок-пять" into number words; other hyphenated words stay whole."""
    if "-" in word:
        parts = word.split("-")
        if all(_is_numberish(p) or p in FILLERS for p in parts):
            return parts
    return [word]


def _is_numberish(w: str) -> bool:
    return (
        w in UNITS
        or w in TEENS
        or w in TENS
        or w in _RU_HUNDREDS
        or w in ORD_UNITS
        or w in ORD_TEENS
        or w in MULT
        or w in REPEAT
        or w == "hundred"
        or _collective(w) is not None
    )


class _Composer:
    """Composes number words into digit strings: "сорок две тысячи семьсот" -> "42700"."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.total = 0  # thousands part
        self.group = 0
        self.slot = ""  # "", "h" (after hundreds), "t" (after tens), "u" (closed), "m" (after thousand)
        self.active = False
        self.repeat = 0
        self.last_unit_only = False
        self.last_unit = -1

    def flush(self) -> None:
        if self.active:
            self.out.append(str(self.total + self.group))
        self.total = self.group = 0
        self.slot = ""
        self.active = False
        self.last_unit_only = False
        self.last_unit = -1

    def literal(self, digits: str) -> None:
        self.flush()
        self.out.append(digits)

    def word(self, w: str) -> bool:
        if self.repeat:
            d = UNITS.get(w)
            if d is None:
                self.repeat = 0
            else:
                self.flush()
                self.out.append(str(d) * self.repeat)
                self.repeat = 0
                return True
        if w in REPEAT:
            self.flush()
            self.repeat = REPEAT[w]
            return True
        coll = _collective(w)
        if coll is not None:
            counted = w.endswith(("и", "ы", "ика"))  # "две семёрки", "два нолика"; "двойка" is one digit
            if counted and self.active and self.slot == "u" and self.last_unit in (2, 3, 4):
                count = self.last_unit
                rest = self.total + self.group - count
                self.active = False
                self.flush()
                if rest:
                    self.out.append(str(rest))
                self.out.append(str(coll) * count)
            else:
                self.flush()
                self.out.append(str(coll))
            return True
        if w in UNITS or w in ORD_UNITS:
            v = UNITS.get(w, ORD_UNITS.get(w, 0))
            if v == 0:  # a zero is always said as its own digit
                self.flush()
                self.out.append("0")
            elif self.active and self.slot in ("h", "t", "m"):
                self.group += v
                self.slot = "u"
                self.last_unit_only = False
                self.last_unit = v
            else:
                self.flush()
                self.active, self.group, self.slot, self.last_unit_only = True, v, "u", True
                self.last_unit = v
            return True
        if w in TEENS or w in ORD_TEENS:
            v = TEENS.get(w, ORD_TEENS.get(w, 0))
            if self.active and self.slot in ("h", "m"):
                self.group += v
            else:
                self.flush()
                self.active, self.group = True, v
            self.slot, self.last_unit_only, self.last_unit = "u", False, -1
            return True
        if w in TENS:
            v = TENS[w]
            if self.active and self.slot in ("h", "m"):
                self.group += v
            else:
                self.flush()
                self.active, self.group = True, v
            self.slot, self.last_unit_only = "t", False
            return True
        if w in _RU_HUNDREDS:
            v = _RU_HUNDREDS[w]
            if self.active and self.slot == "m":
                self.group += v
            else:
                self.flush()
                self.active, self.group = True, v
            self.slot, self.last_unit_only = "h", False
            return True
        if w == "hundred":
            if (self.active and self.slot == "u" and 0 < self.group % 1000 < 100 and self.group < 100) or (
                self.active and self.slot == "u" and self.total and self.group < 10
            ):
                self.group *= 100
            else:
                self.flush()
                self.active, self.group = True, 100
            self.slot, self.last_unit_only = "h", False
            return True
        if w in MULT:
            m = MULT[w]
            if self.active and self.total == 0:
                self.total = max(self.group, 1) * m
            else:
                self.flush()
                self.active, self.total = True, m
            self.group, self.slot, self.last_unit_only = 0, "m", False
            return True
        return False


def read_runs(text: str) -> list[Run]:
    """Runs of digits that can be read from ``text`` (digits and number words, both languages)."""
    runs: list[Run] = []
    cur: list[str] = []
    comp = _Composer()
    start = end = -1

    def close() -> None:
        nonlocal cur, comp, start
        comp.flush()
        digits = "".join(comp.out)
        if digits:
            runs.append(Run(digits, start, end))
        comp = _Composer()
        cur = []
        start = -1

    pending_digit_mult = False
    for m in _TOKEN_RE.finditer(text):
        tok = m.group(0)
        low = tok.lower()
        if tok.startswith("[") and _PH_RE.fullmatch(tok):
            close()
            continue
        if tok.isdigit():
            comp.literal(tok)
            pending_digit_mult = True
            if start < 0:
                start = m.start()
            end = m.end()
            continue
        if not low[0].isalnum():
            comp.flush()  # punctuation and turn ends: a pause, the words before it are one number
            continue
        parts = _word_parts(low)
        handled = True
        for p in parts:
            if p in MULT and pending_digit_mult and comp.out and not comp.active:
                # "2 тысячи" / "4 thousand": a digit string before a multiplier
                num = comp.out.pop()
                comp.active, comp.total, comp.group, comp.slot = True, int(num) * MULT[p], 0, "m"
                continue
            if comp.word(p):
                continue
            if p in FILLERS:
                continue
            handled = False
        pending_digit_mult = False
        if handled and any(_is_numberish(p) for p in parts):
            if start < 0:
                start = m.start()
            end = m.end()
        elif not handled:
            close()
    close()
    return runs


def digits_of(text: str) -> str:
    return "".join(r.digits for r in read_runs(text))


# ------------------------------------------------------------------------------------------------------
# saying numbers: Russian and English words, dictation styles


_RU_U = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
_RU_UF = ["ноль", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
_RU_T = [
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
    "семнадцать", "восемнадцать", "девятнадцать",
]  # fmt: skip
_RU_D = [
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
_RU_H = [
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
_RU_COLL_NOM = [
    "нолик",
    "единица",
    "двойка",
    "тройка",
    "четвёрка",
    "пятёрка",
    "шестёрка",
    "семёрка",
    "восьмёрка",
    "девятка",
]
_RU_COLL_PL = [
    "нолика",
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
_RU_COLL_ACC = [
    "нолик",
    "единицу",
    "двойку",
    "тройку",
    "четвёрку",
    "пятёрку",
    "шестёрку",
    "семёрку",
    "восьмёрку",
    "девятку",
]

_EN_U = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_T = [
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
_EN_D = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def ru_words(n: int, feminine: bool = False) -> str:
    """0..999 999 in Russian words."""
    if n == 0:
        return "ноль"
    out: list[str] = []
    th, rest = divmod(n, 1000)
    if th:
        if th == 1:
            out.append("тысяча")
        else:
            out.append(ru_words(th, feminine=True))
            last2, last = th % 100, th % 10
            if 10 <= last2 < 20 or last == 0 or last >= 5:
                out.append("тысяч")
            elif last == 1:
                out.append("тысяча")
            else:
                out.append("тысячи")
    h, r = divmod(rest, 100)
    if h:
        out.append(_RU_H[h])
    if 10 <= r < 20:
        out.append(_RU_T[r - 10])
    else:
        t, u = divmod(r, 10)
        if t:
            out.append(_RU_D[t])
        if u:
            out.append((_RU_UF if feminine else _RU_U)[u])
    return " ".join(out)


def en_words(n: int, hyphen: bool = True, use_and: bool = False) -> str:
    """0..999 999 in English words."""
    if n == 0:
        return "zero"
    out: list[str] = []
    th, rest = divmod(n, 1000)
    if th:
        out += [en_words(th, hyphen), "thousand"]
    h, r = divmod(rest, 100)
    if h:
        out += [_EN_U[h], "hundred"]
    if r and (h or th) and use_and:
        out.append("and")
    if 10 <= r < 20:
        out.append(_EN_T[r - 10])
    elif r:
        t, u = divmod(r, 10)
        if t and u:
            out.append(f"{_EN_D[t]}-{_EN_U[u]}" if hyphen else f"{_EN_D[t]} {_EN_U[u]}")
        elif t:
            out.append(_EN_D[t])
        else:
            out.append(_EN_U[u])
    return " ".join(out)


def say_group(g: str, lang: str, rng: random.Random, mode: str = "words") -> str:
    """One dictated group: "916" -> "девятьсот шестнадцать" / "nine sixteen" / "nine one six"."""
    if mode == "digits" or not g:
        return g
    if lang == "ru":
        if mode == "single":
            return " ".join(_RU_U[int(c)] for c in g)
        if len(g) > 1 and g[0] == "0":
            return join_said(["ноль", say_group(g[1:], lang, rng, "part")], rng)
        if len(g) <= 3:
            return ru_words(int(g))
        if len(g) == 4:
            if mode == "part" or int(g) < 2000 or rng.random() < 0.85:
                return join_said(
                    [say_group(g[:2], lang, rng, "part"), say_group(g[2:], lang, rng, "part")], rng
                )
            return ru_words(int(g))
        if len(g) == 6 and mode != "part" and rng.random() < 0.3 and int(g[:3]) >= 2:
            return ru_words(int(g))
        cut = 3 if len(g) in (5, 6, 7) and rng.random() < 0.5 else 2
        return join_said([say_group(g[:cut], lang, rng, "part"), say_group(g[cut:], lang, rng, "part")], rng)

    # English
    def en_digit(c: str) -> str:
        return "oh" if c == "0" and rng.random() < 0.7 else _EN_U[int(c)]

    if mode == "single" or len(g) == 1:
        return " ".join(en_digit(c) for c in g)
    if g[0] == "0":
        return en_digit("0") + " " + say_group(g[1:], lang, rng, mode)
    if len(g) == 2:
        return en_words(int(g))
    if len(g) == 3:
        if g[1] == "0" or rng.random() < 0.5:
            return " ".join(en_digit(c) for c in g)
        return f"{_EN_U[int(g[0])]} {en_words(int(g[1:]))}"
    if len(g) == 4:
        if g[2] == "0" or g[0] == "0" or rng.random() < 0.3:
            return " ".join(en_digit(c) for c in g)
        return f"{en_words(int(g[:2]))} {en_words(int(g[2:]))}"
    return " ".join(en_digit(c) for c in g)


def say_repeats(g: str, lang: str, rng: random.Random) -> str:
    """Dictation that names runs of one digit: "double seven", "две семёрки"; others digit by digit."""
    out: list[str] = []
    i = 0
    while i < len(g):
        j = i
        while j < len(g) and g[j] == g[i] and j - i < 3:
            j += 1
        n, d = j - i, int(g[i])
        if lang == "ru":
            if n >= 2:
                two = "два" if d == 0 else "две"  # "два нолика", "две семёрки"
                out.append(f"{['', '', two, 'три'][n]} {_RU_COLL_PL[d]}")
            else:
                out.append(rng.choice([_RU_U[d], _RU_U[d], _RU_COLL_NOM[d]]) if d else "ноль")
        else:
            name = "oh" if d == 0 and rng.random() < 0.7 else _EN_U[d]
            out.append(f"{['', '', 'double', 'triple'][n]} {name}" if n >= 2 else name)
        i = j
    return ", ".join(out) if lang == "ru" else " ".join(out)


def say_thousands(g: str, lang: str, rng: random.Random) -> str:
    """A 4-6 digit group said as one number: "4276" -> "четыре тысячи двести семьдесят шесть"."""
    n = int(g)
    if lang == "ru":
        return ru_words(n)
    return en_words(n, use_and=rng.random() < 0.3)


def say_groups(groups: list[str], lang: str, rng: random.Random, style: str) -> list[str]:
    """Render each group in a style: digits, words, mixed, single, repeats, thousands."""
    out = []
    for g in groups:
        if style == "digits":
            out.append(g)
        elif style == "words":
            out.append(say_group(g, lang, rng))
        elif style == "single":
            out.append(say_group(g, lang, rng, "single"))
        elif style == "mixed":
            out.append(g if rng.random() < 0.5 else say_group(g, lang, rng))
        elif style == "repeats":
            has_rep = any(a == b for a, b in itertools.pairwise(g))
            out.append(say_repeats(g, lang, rng) if has_rep else rng.choice([g, say_group(g, lang, rng)]))
        elif style == "thousands":
            out.append(g)
        else:
            raise ValueError(style)
    if style == "thousands":  # one group said as a whole number, the others as digits
        able = [i for i, g in enumerate(groups) if 4 <= len(g) <= 6 and g[0] != "0" and int(g[:-3]) >= 2]
        if not able:
            able = [i for i, g in enumerate(groups) if len(g) >= 3 and g[0] != "0"]
        for i in rng.sample(able, min(len(able), 1)):
            out[i] = (
                say_thousands(groups[i], lang, rng) if len(groups[i]) > 3 else say_group(groups[i], lang, rng)
            )
    # a mixed form must really mix digits and words
    if (
        style == "mixed"
        and len(groups) > 1
        and (all(o.isdigit() for o in out) or not any(o.isdigit() for o in out))
    ):
        k = rng.randrange(len(groups))
        out[k] = groups[k] if not out[k].isdigit() else say_group(groups[k], lang, rng)
    return out


def luhn_ok(d: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(d)):
        v = int(c)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    for c in "0123456789":
        if luhn_ok(prefix + c):
            return prefix + c
    raise AssertionError(prefix)


def rdigits(rng: random.Random, n: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice(string.digits) for _ in range(n - 1))


# ------------------------------------------------------------------------------------------------------
# secret values: a number's digits (what must not be readable) and the groups it is said in


@dataclass
class Num:
    value: str  # the digits checked for leaks
    groups: list[str]  # how it is dictated; a leading "+7" / "+44" / "8" prefix is its own group
    letters: dict[int, str] = field(default_factory=dict)  # group index -> letters said as they are
    sub: str = ""  # a sub-kind: "mobile", "landline", "us", "uk", "amex", ...


def _snils(rng: random.Random) -> str:
    while True:
        body = rdigits(rng, 9)
        if int(body) <= 1001998:
            continue
        s = sum(int(c) * (9 - i) for i, c in enumerate(body))
        if s < 100:
            cs = s
        elif s in (100, 101):
            cs = 0
        else:
            cs = s % 101
            cs = 0 if cs == 100 else cs
        return body + f"{cs:02d}"


def _inn_person(rng: random.Random) -> str:
    body = rng.choice(["77", "50", "78", "52", "66", "16", "23", "54"]) + rdigits(rng, 8, string.digits)
    w11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    c11 = sum(int(c) * w for c, w in zip(body, w11, strict=True)) % 11 % 10
    body += str(c11)
    w12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    c12 = sum(int(c) * w for c, w in zip(body, w12, strict=True)) % 11 % 10
    return body + str(c12)


def inn_company(rng: random.Random) -> str:
    body = rng.choice(["77", "78", "50", "54", "66", "16"]) + rdigits(rng, 7, string.digits)
    w = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return body + str(sum(int(c) * k for c, k in zip(body, w, strict=True)) % 11 % 10)


def ogrn(rng: random.Random) -> str:
    body = rng.choice("15") + rdigits(rng, 11, string.digits)
    return body + str(int(body) % 11 % 10)


def _nhs(rng: random.Random) -> str:
    while True:
        body = rdigits(rng, 9, "3456789")
        s = sum(int(c) * (10 - i) for i, c in enumerate(body))
        check = 11 - s % 11
        if check == 10:
            continue
        return body + str(0 if check == 11 else check)


def _iban(rng: random.Random, country: str) -> tuple[str, str]:
    if country == "GB":
        bank = rng.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"])
        bban = bank + rdigits(rng, 6, "1234569") + rdigits(rng, 8, string.digits)
    else:
        bban = rdigits(rng, 8, "1234567") + rdigits(rng, 10, string.digits)
    conv = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(conv) % 97
    return country + f"{check:02d}" + bban, bban


def _no_repeat_pair(g: str) -> bool:
    return not any(a == b for a, b in itertools.pairwise(g))


def make_num(kind: str, lang: str, rng: random.Random, want_repeat: bool = False) -> Num:
    """A fresh secret number of ``kind``; ``want_repeat`` asks for a run of one digit somewhere."""
    for _ in range(200):
        num = _make_num(kind, lang, rng)
        if not want_repeat or any(not _no_repeat_pair(g) for g in num.groups if g.isdigit()):
            return num
    return num


def _make_num(kind: str, lang: str, rng: random.Random) -> Num:
    if kind == "phone" and lang == "ru":
        if rng.random() < 0.75:
            code = "9" + rdigits(rng, 2, "0123456789")
            sub = "mobile"
        else:
            code = rng.choice(["495", "499", "812", "343", "383", "846", "863", "861", "473", "351"])
            sub = "landline"
        rest = rdigits(rng, 7, "2345679")
        prefix = rng.choice(["+7", "8", "8", "+7", ""]) if sub == "mobile" else rng.choice(["8", "", "+7"])
        groups = ([prefix] if prefix else []) + [code, rest[:3], rest[3:5], rest[5:]]
        return Num(code + rest, groups, sub=sub)
    if kind == "phone" and lang == "en":
        if rng.random() < 0.6:
            while True:
                area = rdigits(rng, 3, "2345679")
                if area[1:] != "11" and area not in ("800", "888", "877", "866", "855", "844", "833", "555"):
                    break
            rest = rdigits(rng, 3, "2345689") + rdigits(rng, 4, string.digits)
            prefix = rng.choice(["", "", "", "1", "+1"])
            groups = ([prefix] if prefix else []) + [area, rest[:3], rest[3:]]
            return Num(area + rest, groups, sub="us")
        if rng.random() < 0.7:
            body = "7" + rng.choice("4578") + rdigits(rng, 8, string.digits)
            if rng.random() < 0.3:
                return Num(body, ["+44", body[:4], body[4:]], sub="uk")
            return Num(body, ["0" + body[:4], body[4:7], body[7:]], sub="uk")
        body = rng.choice(["20", "161", "113", "121", "131", "141"])
        body += rdigits(rng, 10 - len(body), "2345789")
        if body.startswith("20"):
            return Num(body, ["0" + body[:2], body[2:6], body[6:]], sub="uk")
        return Num(body, ["0" + body[:3], body[3:6], body[6:]], sub="uk")
    if kind == "card":
        if lang == "en" and rng.random() < 0.15:
            d = luhn_complete(rng.choice(["34", "37"]) + rdigits(rng, 12, string.digits))
            return Num(d, [d[:4], d[4:10], d[10:]], sub="amex")
        if lang == "ru":
            pre = rng.choice(["4276", "2202", "2200", "5536", "4279", "5469", "2204"])
        else:
            pre = rng.choice(["4", "4", "51", "52", "53", "54", "55", "6011"])
        d = luhn_complete(pre + rdigits(rng, 15 - len(pre), string.digits))
        return Num(d, [d[i : i + 4] for i in range(0, 16, 4)])
    if kind == "cvv":
        d = rdigits(rng, 3)
        return Num(d, [d])
    if kind == "passport":
        ser = (
            rng.choice(["45", "46", "40", "60", "03", "92", "11", "71"])
            + rng.choice(["0", "1", "2"])
            + rdigits(rng, 1, string.digits)
        )
        no = rdigits(rng, 6)
        return Num(ser + no, [ser[:2], ser[2:], no])
    if kind == "snils":
        d = _snils(rng)
        return Num(d, [d[:3], d[3:6], d[6:9], d[9:]])
    if kind == "inn":
        d = _inn_person(rng)
        return Num(d, rng.choice([[d[:4], d[4:8], d[8:]], [d[:2], d[2:4], d[4:7], d[7:10], d[10:]]]))
    if kind == "oms":
        while True:
            d = rng.choice(["77", "50", "78", "54", "66"]) + rdigits(rng, 14, string.digits)
            if not luhn_ok(d):
                return Num(d, [d[i : i + 4] for i in range(0, 16, 4)])
    if kind == "account":
        d = "40817" + rng.choice(["810", "810", "840", "978"]) + rdigits(rng, 12, string.digits)
        return Num(
            d, rng.choice([[d[:5], d[5:8], d[8], d[9:13], d[13:]], [d[i : i + 4] for i in range(0, 20, 4)]])
        )
    if kind == "ssn":
        while True:
            a = rdigits(rng, 3, "12345678")
            if a != "666":
                break
        g, s = rdigits(rng, 2), rdigits(rng, 4)
        return Num(a + g + s, [a, g, s])
    if kind == "ssn4":
        d = rdigits(rng, 4)
        return Num(d, [d])
    if kind == "ni":
        first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
        second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
        if first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            second = "A"
        d = rdigits(rng, 6, string.digits)
        return Num(d, [first + second, d[:2], d[2:4], d[4:], rng.choice("ABCD")], letters={0: "", 4: ""})
    if kind == "nhs":
        d = _nhs(rng)
        return Num(d, [d[:3], d[3:6], d[6:]])
    if kind == "licence":
        if lang == "ru":
            d = rdigits(rng, 2) + rdigits(rng, 2, string.digits) + rdigits(rng, 6)
            return Num(d, [d[:2], d[2:4], d[4:]], sub="ru")
        r = rng.random()
        if r < 0.35:  # California style: a letter and seven digits
            d = rdigits(rng, 7)
            return Num(d, [rng.choice("ABCDEFGNSWY"), d[:3], d[3:]], letters={0: ""}, sub="us_letter")
        if r < 0.65:  # New York style: nine digits
            d = rdigits(rng, 9)
            return Num(d, [d[:3], d[3:6], d[6:]], sub="us_digits")
        sur = (
            "".join(rng.choice("BCDFGHJKLMNPRSTVW") for _ in range(2))
            + rng.choice("AEIOU")
            + "".join(rng.choice("BCDFGHKLMNRST") for _ in range(2))
        )
        d = rdigits(rng, 6, "0123456789")
        tail = (
            rng.choice("ABCDEJKMRS")
            + rng.choice("ABCDEJKMRS")
            + "9"
            + rng.choice(string.ascii_uppercase)
            + rng.choice(string.ascii_uppercase)
        )
        return Num(d, [sur, d, tail], letters={0: "", 2: ""}, sub="uk")
    if kind == "iban":
        country = "GB" if rng.random() < 0.6 else "DE"
        iban, _ = _iban(rng, country)
        chunks = [iban[i : i + 4] for i in range(0, len(iban), 4)]
        value = "".join(c for c in iban if c.isdigit())
        letters = {i: "" for i, c in enumerate(chunks) if not c.isdigit()}
        return Num(value, chunks, letters=letters, sub=country)
    raise ValueError(kind)


# ------------------------------------------------------------------------------------------------------
# saying a secret number: Whisper punctuation, words, mixed forms, cuts across turns


def _say_letters(chunk: str, lang: str, rng: random.Random) -> str:
    """A letter/digit chunk ("GB82", "NWBK", "QQ") as Whisper writes it when spoken."""
    if rng.random() < 0.6:
        return chunk
    out = []
    for c in chunk:
        if c.isdigit():
            out.append(_EN_U[int(c)] if lang == "en" else _RU_U[int(c)])
        else:
            out.append(c)
    return " ".join(out)


def _say_prefix(p: str, lang: str, style: str, rng: random.Random) -> str:
    if style in ("digits", "punct", "fused") or rng.random() < 0.4:
        return p
    words = {
        "+7": ("плюс семь", "plus seven"),
        "8": ("восемь", "eight"),
        "+1": ("плюс один", "plus one"),
        "1": ("один", "one"),
        "+44": ("плюс сорок четыре", "plus four four"),
    }
    return words[p][0 if lang == "ru" else 1] if p in words else p


def render_groups(num: Num, lang: str, style: str, rng: random.Random) -> list[str]:
    """The number's groups as said, each group a string (letters kept as letters)."""
    digit_groups = [g for i, g in enumerate(num.groups) if i not in num.letters and g[0] not in "+"]
    if style in ("digits", "punct", "fused"):
        said = list(digit_groups)
    else:
        said = say_groups(digit_groups, lang, rng, style)
    out, k = [], 0
    for i, g in enumerate(num.groups):
        if i in num.letters:
            out.append(_say_letters(g, lang, rng) if style not in ("digits", "punct", "fused") else g)
        elif g.startswith("+") or (
            i == 0 and g in ("8", "1") and len(num.groups) > 3 and num.sub in ("mobile", "landline", "us")
        ):
            out.append(_say_prefix(g, lang, style, rng))
            if not g.startswith("+"):
                k += 1
        else:
            out.append(said[k])
            k += 1
    return out


def _punct_join(num: Num, kind: str, lang: str, rng: random.Random) -> str:
    g = num.groups
    if kind == "phone":
        body = [x for x in g if not (x.startswith("+") or (x in ("8", "1") and len(g) > 3))]
        pre = g[0] if len(body) < len(g) else ""
        if num.sub in ("mobile", "landline"):
            code, a, b, c = body
            return rng.choice(
                [
                    f"{pre or '+7'} ({code}) {a}-{b}-{c}",
                    f"{pre or '8'}-{code}-{a}-{b}-{c}",
                    f"{pre or '8'}({code}){a}{b}{c}",
                    f"{pre}{code}{a}{b}{c}",
                    f"{pre or '8'} {code} {a}-{b}-{c}",
                ]
            ).strip()
        if num.sub == "us":
            a, b, c = body
            return rng.choice(
                [f"({a}) {b}-{c}", f"{a}.{b}.{c}", f"{a}-{b}-{c}", f"+1 {a}-{b}-{c}", f"1-{a}-{b}-{c}"]
            )
        if g[0] == "+44":
            return rng.choice(
                [f"+44 {g[1]} {g[2]}", f"+44 (0) {g[1]} {g[2]}", f"+44{g[1]}{g[2]}", f"+44 {g[1]}-{g[2]}"]
            )
        return rng.choice(["-".join(g), " ".join(g), ".".join(g), "".join(g), f"{g[0]} {''.join(g[1:])}"])
    if kind in ("card", "oms", "account", "inn"):
        d = num.value
        forms = ["-".join(g), " ".join(g), "#" + " ".join(g), "".join(g)]
        if kind == "card" or kind == "oms":
            forms.append(f"{int(d):,}")  # Whisper's thousands commas
        return rng.choice(forms)
    if kind in ("cvv", "ssn4"):
        return rng.choice(
            [
                num.value,
                "#" + num.value,
                "-".join(num.value),
                "No. " + num.value if lang == "en" else "№ " + num.value,
            ]
        )
    if kind in ("ssn", "snils", "nhs"):
        if kind == "snils":
            return rng.choice(
                [
                    f"{g[0]}-{g[1]}-{g[2]} {g[3]}",
                    f"{g[0]}-{g[1]}-{g[2]}-{g[3]}",
                    "".join(g),
                    f"{g[0]} {g[1]} {g[2]}-{g[3]}",
                ]
            )
        return rng.choice(["-".join(g), " ".join(g), "#" + "-".join(g), "".join(g)])
    if kind == "passport":
        return rng.choice(
            [
                f"{g[0]} {g[1]} {g[2]}",
                f"{g[0]}{g[1]} {g[2]}",
                f"{g[0]}-{g[1]} {g[2]}",
                f"№ {g[0]}{g[1]} {g[2]}",
                f"{g[0]}{g[1]}-{g[2]}",
            ]
        )
    if kind == "licence":
        if num.sub == "ru":
            return rng.choice(
                [
                    f"{g[0]} {g[1]} {g[2]}",
                    f"{g[0]}{g[1]} {g[2]}",
                    f"{g[0]}-{g[1]}-{g[2]}",
                    f"№ {g[0]} {g[1]} {g[2]}",
                ]
            )
        if num.sub == "uk":
            return rng.choice(["".join(g), " ".join(g)])
        return rng.choice(["".join(g), " ".join(g), "-".join(g), "#" + "".join(g)])
    if kind == "ni":
        return rng.choice(
            [
                " ".join(g),
                "".join(g),
                f"{g[0]}{g[1]}{g[2]}{g[3]}{g[4]}",
                f"{g[0]} {g[1]}-{g[2]}-{g[3]} {g[4]}",
            ]
        )
    if kind == "iban":
        return rng.choice([" ".join(g), "".join(g), "-".join(g)])
    raise ValueError(kind)


_LAST_OPEN = set(_RU_TENS) | set(_RU_HUNDREDS) | set(_EN_TENS) | set(MULT) | {"hundred"}


def join_said(parts: list[str], rng: random.Random, sep: str = " ") -> str:
    """Join said groups; a comma (a pause) where the next group's words would run into the last."""
    out = parts[0] if parts else ""
    for a, b in itertools.pairwise(parts):
        last = a.split()[-1].lower().strip(",.").split("-")[-1] if a.split() else ""
        first = b.split()[0].lower().strip(",.").split("-")[0] if b.split() else ""
        needs = last in _LAST_OPEN and (
            first in UNITS or first in TEENS or first in TENS or first in _RU_HUNDREDS
        )
        out += ", " + b if needs else sep + b
    return out


def render_num(num: Num, kind: str, lang: str, style: str, rng: random.Random) -> str:
    """The whole number in one breath, in ``style``."""
    if style == "punct":
        return _punct_join(num, kind, lang, rng)
    if style == "fused":
        return "".join(g.lstrip("+") if i else g for i, g in enumerate(num.groups))
    parts = render_groups(num, lang, style, rng)
    sep = ", " if style in ("words", "single", "repeats") and rng.random() < 0.6 else " "
    if style == "digits":
        sep = rng.choice([" ", " ", "-"])
    return join_said(parts, rng, sep)


def split_num(num: Num, kind: str, lang: str, style: str, rng: random.Random, pieces: int) -> list[str]:
    """The number cut into ``pieces`` breaths (VAD cuts); digits may be cut mid-group."""
    if len(num.value) < 6:
        return [render_num(num, kind, lang, style, rng)]
    if style in ("digits", "punct", "fused") and rng.random() < 0.5 and not num.letters:
        prefix = num.groups[0] + " " if num.groups[0].startswith("+") else ""
        spaced = " ".join(g for g in num.groups if not g.startswith("+"))
        n = sum(c.isdigit() for c in spaced)
        while True:
            cuts = sorted(rng.sample(range(2, n - 1), pieces - 1))
            if all(b - a >= 2 for a, b in itertools.pairwise(cuts)):
                break
        out, cur, seen = [], "", 0
        for ch in spaced:
            if ch.isdigit() and seen in cuts and cur.strip():
                out.append(cur.strip())
                cur = ""
            cur += ch
            seen += ch.isdigit()
        out.append(cur.strip())
        out[0] = prefix + out[0]
        return out
    parts = render_groups(num, lang, style if style not in ("punct", "fused") else "digits", rng)
    pieces = min(pieces, len(parts))
    cuts = sorted(rng.sample(range(1, len(parts)), pieces - 1))
    out, prev = [], 0
    for c in [*cuts, len(parts)]:
        out.append(join_said(parts[prev:c], rng))
        prev = c
    return out


# ------------------------------------------------------------------------------------------------------
# e-mail addresses: made up, said and spelled; what of them can be read back

_EM_FIRST = [
    "anna", "dima", "olga", "sergey", "irina", "pavel", "vera", "kostya", "lena", "roman", "nadya", "timur",
    "zhenya", "marina", "gleb", "alisa", "stepan", "yulia", "maks", "polina", "brett", "carla", "dwayne",
    "fiona", "gavin", "holly", "imogen", "jasper", "kendra", "lyle", "marnie", "nolan", "odette", "priya",
    "quentin", "rosalind", "saoirse", "tobias", "ulrich", "wendell",
]  # fmt: skip
_EM_LAST = [
    "sokolova", "vetrov", "pravdina", "kuzmin", "belyaeva", "gorshkov", "zimina", "lapshin", "orlova",
    "tkachenko", "fedorchuk", "shubina", "kalashnik", "rybakov", "ostrovskaya", "hollister", "ortega",
    "whitfield", "mcandrew", "okafor", "delacroix", "brennagh", "fairweather", "kowalczyk", "lindqvist",
    "pemberton", "quigley", "ramsbottom", "thistlewood", "vanderpool",
]  # fmt: skip
_EM_DOM = {
    "ru": ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru", "rambler.ru", "ya.ru"],
    "en": [
        "gmail.com",
        "outlook.com",
        "yahoo.com",
        "icloud.com",
        "hotmail.co.uk",
        "btinternet.com",
        "proton.me",
        "aol.com",
    ],
}
_RU_LETTER = {
    "a": "а", "b": "бэ", "c": "цэ", "d": "дэ", "e": "е", "f": "эф", "g": "гэ", "h": "аш", "i": "ай",
    "j": "джей", "k": "ка", "l": "эл", "m": "эм", "n": "эн", "o": "о", "p": "пэ", "q": "кью", "r": "эр",
    "s": "эс", "t": "тэ", "u": "у", "v": "вэ", "w": "дабл-ю", "x": "икс", "y": "игрек", "z": "зэт",
}  # fmt: skip
_LETTER_READ = {v: k for k, v in _RU_LETTER.items()} | {
    "би": "b", "си": "c", "ди": "d", "жи": "g", "джи": "g", "эйч": "h", "и": "i", "кей": "k", "пи": "p",
    "ар": "r", "ти": "t", "ю": "u", "ви": "v", "вэ": "v", "уай": "y", "зед": "z", "икс": "x",
}  # fmt: skip


def make_email(lang: str, rng: random.Random) -> tuple[str, str]:
    """(local part, domain)."""
    f, last = rng.choice(_EM_FIRST), rng.choice(_EM_LAST)
    y = str(rng.choice([rng.randint(70, 99), rng.randint(1975, 2006), rng.randint(2, 99)]))
    local = rng.choice(
        [
            f"{f}.{last}",
            f"{f[0]}.{last}",
            f"{last}{y}",
            f"{f}_{last[:4]}{y}",
            f"{f}{last[0]}{y}",
            f"{last}.{f[0]}",
            f"{f}-{last}",
        ]
    )
    return local, rng.choice(_EM_DOM[lang])


def say_email(local: str, domain: str, lang: str, style: str, rng: random.Random) -> list[str]:
    """The address as Whisper writes it: one piece, or two breaths for "split"."""
    if style == "caps":
        return [local.title().replace("_", "_") + "@" + domain.capitalize()]
    if style == "spoken":
        if lang == "ru":
            loc = local.replace(".", " точка ").replace("_", " нижнее подчёркивание ").replace("-", " дефис ")
            dom = domain.replace(".", " точка ")
            return [f"{loc} {rng.choice(['собака', 'собачка', 'эт'])} {dom}"]
        loc = local.replace(".", " dot ").replace("_", " underscore ").replace("-", " dash ")
        return [f"{loc} at {domain.replace('.', ' dot ')}"]
    if style == "split":
        cut = rng.randint(2, len(local) - 2)
        while not local[cut - 1].isalnum() or not local[cut].isalnum():
            cut = rng.randint(2, len(local) - 2)
        return [local[:cut], local[cut:] + "@" + domain]
    return [f"{local}@{domain}"]


def spell_local(local: str, lang: str, rng: random.Random) -> str:
    """The local part's letters spelled out (digits and separators as words)."""
    letters = [c for c in local if c.isalpha()][: rng.randint(6, 12)]
    if lang == "ru":
        sep = rng.choice([", ", " ", "-"])
        return sep.join(_RU_LETTER[c] for c in letters)
    return rng.choice([", ", "-", " "]).join(c.upper() for c in letters)


_LATIN_RE = re.compile(r"[a-z0-9]+")
_SPELL_TOK_RE = re.compile(r"[^\W_]+|\n")


def email_readable(local: str, text: str) -> list[str]:
    """What of an address's local part can be read in ``text``: pieces of 4+ characters or spelled letters."""
    low = text.lower()
    flat = re.sub(r"[^a-z0-9]", "", local.lower())
    pieces = [
        p for p in re.split(r"[^a-z0-9]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", local.lower()) if len(p) >= 4
    ]
    found: list[str] = []
    for tok in _LATIN_RE.findall(low):
        if (len(tok) >= 4 and tok in flat and not tok.isdigit()) or any(
            p in tok for p in pieces if not p.isdigit()
        ):
            found.append(tok)
    # spelled letters: single Latin letters or Russian letter names in a row
    seq: list[str] = []
    letters_flat = re.sub(r"[^a-z]", "", local.lower())

    def check() -> None:
        word = "".join(seq)
        for i in range(len(word) - 3):
            if word[i : i + 4] in letters_flat:
                found.append("spelled:" + word)
                return

    for tok in _SPELL_TOK_RE.findall(re.sub(r"дабл[- ]ю", "w", low)):
        if len(tok) == 1 and "a" <= tok <= "z":
            seq.append(tok)
        elif tok in _LETTER_READ:
            seq.append(_LETTER_READ[tok])
        elif tok in ("double", "дабл") or tok == "\n":
            continue
        else:
            check()
            seq = []
    check()
    return found


# ------------------------------------------------------------------------------------------------------
# how each secret is asked for and given, per language. {X}: the secret as said; {L}: its last digits
# read back; {W}: whose it is (a third party); {R}: a number that must stay, said in the same breath.

BANK_TEXT = """
[ru phone]
ask: Подскажите номер телефона для связи. | Какой у вас мобильный?
ask: Продиктуйте, пожалуйста, контактный номер. | По какому номеру вам перезвонить?
ask: Оставьте телефон, мастер наберёт перед выездом. | Номер, на который отправить смс с подтверждением?
give: Да, записывайте: {X}. | Мой мобильный {X}. | {X}, это сотовый. | Телефон {X}, звоните после шести.
give: Ну, {X}, это мой. | Номер {X}, лучше в ватсап. | Э-э, {X}. | Пишите, {X}.
third: И запишите ещё телефон {W}, если я не возьму: {X}. | Если что, вот номер {W}: {X}.
third: Это не мой, это номер {W}: {X}. | На всякий случай телефон {W} {X}.
readback: Записала: {X}, верно? | Так, {X}, правильно? | Повторяю: {X}. | {X}, всё верно?
partial: Заканчивается на {L}, да? | Последние цифры {L}? | Это который на {L} заканчивается?
vol: Сразу запишите мой номер, чтобы не потерять: {X}. | Я вам свой мобильный оставлю, {X}, если прервётся.
vol: Мой телефон {X}, перезвоните, если что.
other: Номер заказа не помню, давайте по телефону найдёте: {X}.
other: Ой, договор не под рукой. Телефон мой {X}, по нему посмотрите.
other: Фамилию там могли с ошибкой записать, ищите по номеру {X}.
other_q: Подскажите номер заказа. | Как к вам обращаться? | Номер договора есть у вас? | На кого оформлено?
[ru card]
ask: Продиктуйте номер карты, пожалуйста. | Номер карты, с которой будет оплата?
ask: Карту назовите, шестнадцать цифр. | Куда вернуть деньги? Нужен номер карты.
ask: Давайте номер карты, я оформлю платёж.
give: Карта {X}. | Номер карты {X}. | Так, {X}. | Ну вот, {X}, это Сбер. | Смотрю на карту: {X}.
give: Записывайте, карта {X}. | {X}, мир.
third: Платить будем картой {W}, вот она: {X}. | Это карта {W}, номер {X}, мне разрешили.
third: Спишите с карты {W}: {X}.
readback: Карта {X}, верно? | Повторяю номер карты: {X}. | {X}, правильно записала?
partial: Карта на {L}, да? | Которая заканчивается на {L}? | Последние четыре {L}, верно?
vol: У меня карта под рукой, сразу скажу: {X}. | Давайте я сразу карту продиктую, {X}, чтобы не ждать.
other: Сейчас, я лучше карту продиктую, с неё платила: {X}.
other_q: Номер платежа у вас есть? | Когда вы оплачивали?
[ru cvv]
ask: И три цифры с обратной стороны. | Код с оборота карты назовите. | CVV-код, три цифры на обороте?
ask: Ещё код безопасности с обратной стороны.
give: {X}. | Код {X}. | Сзади {X}. | Так, на обороте {X}. | Э-э, {X}.
third: На обороте у {W} карты {X}.
readback: {X}, да? | Код {X}, верно?
vol: И код сзади сразу: {X}.
other: Срок до двадцать восьмого года, а код сзади {X}.
other_q: Срок действия карты какой?
[ru email]
ask: Куда отправить договор? Нужна электронная почта. | Продиктуйте почту, пожалуйста. | Ваш имейл для чека?
ask: Электронный адрес для уведомлений?
give: Почта {X}. | Пишите: {X}. | Мой имейл {X}. | {X}, туда чек. | Э-э, {X}.
third: Отправьте лучше на почту {W}: {X}. | Копию на адрес {W}, {X}.
readback: Записала {X}, верно? | Так, {X}, правильно?
vol: И сразу почту запишите, {X}, туда всё и присылайте.
other: Договор мне на почту приходил, {X}, по ней найдите.
other_q: Номер договора подскажете?
[ru passport]
ask: Для договора нужны паспортные данные, серия и номер. | Продиктуйте серию и номер паспорта.
ask: Паспорт назовите, пожалуйста.
give: Паспорт {X}. | Серия и номер {X}. | Так, паспорт: {X}, выдан в двенадцатом году. | {X}.
third: Паспорт {W} запишите: {X}. | Паспорт {W}: {X}.
readback: Паспорт {X}, правильно? | Записала: {X}.
partial: Номер заканчивается на {L}?
vol: Паспорт у меня в руках, сразу: {X}.
other: Вот паспорт мой, {X}, по нему смотрите.
other_q: На кого будет договор?
[ru snils]
ask: Нужен СНИЛС для записи. | Продиктуйте СНИЛС, пожалуйста. | СНИЛС ребёнка подскажете?
give: СНИЛС {X}. | Так, СНИЛС: {X}. | {X}, это СНИЛС. | Зелёная карточка, {X}.
third: СНИЛС {W}: {X}. | У {W} СНИЛС {X}.
readback: СНИЛС {X}, верно? | Записала {X}.
partial: Последние цифры {L}?
vol: Я вам сразу СНИЛС скажу, {X}, его всегда спрашивают.
other: Полис не найду, вот СНИЛС: {X}.
other_q: Номер полиса у вас есть?
[ru inn]
ask: Для вычета нужен ваш ИНН. | Продиктуйте ИНН, двенадцать цифр. | ИНН физлица подскажете?
give: ИНН {X}. | Мой ИНН {X}. | {X}, это ИНН. | Так, ИНН: {X}.
third: ИНН {W}: {X}, вычет будем оформлять на эти данные.
readback: ИНН {X}, верно? | Записала: {X}.
partial: Заканчивается на {L}?
vol: Давайте сразу мой ИНН запишите, {X}, для справки.
other: Номер справки не знаю, вот мой ИНН {X}.
other_q: Номер справки подскажете?
[ru oms]
ask: Полис ОМС продиктуйте, шестнадцать цифр. | Нужен номер полиса ОМС. | Полис ОМС у вас с собой?
give: Полис {X}. | ОМС {X}. | Номер полиса {X}. | Так, полис ОМС: {X}.
third: Полис ОМС {W}: {X}. | У {W} полис {X}.
readback: Полис {X}, правильно?
partial: Полис на {L} заканчивается?
vol: И полис сразу запишите, {X}.
other: Карточку не помню, полис ОМС у меня {X}.
other_q: Номер медкарты у вас есть?
[ru account]
ask: Для возврата нужен номер вашего счёта, двадцать цифр. | Продиктуйте расчётный счёт для возврата.
ask: Лицевой счёт в банке, куда перевести?
give: Счёт {X}. | Номер счёта {X}. | Мой счёт {X}, в Сбербанке. | {X}, это счёт.
third: Переведите на счёт {W}: {X}.
readback: Счёт {X}, верно?
partial: Счёт на {L}?
vol: Реквизиты для возврата сразу: мой счёт {X}.
other: Номер заявления не помню, вот счёт мой {X}, на него возврат.
other_q: Номер заявления на возврат есть?
[ru licence]
ask: Номер водительского удостоверения продиктуйте. | Права ваши, серия и номер?
ask: Нужно водительское удостоверение.
give: Права {X}. | Водительское {X}. | Удостоверение {X}. | {X}, это права.
third: Водительское удостоверение {W}: {X}. | Права {W}: {X}.
readback: Права {X}, верно?
partial: Номер на {L}?
vol: Права сразу запишите, {X}.
other: Постановление не найду, вот права {X}.
other_q: Номер постановления у вас есть?
[en phone]
ask: What's the best number to reach you on? | Can I get a callback number? | And your cell phone number?
ask: What number should the technician call before he comes out?
ask: Could I grab a phone number for the account?
give: Sure, it's {X}. | My cell is {X}. | {X}, that's my mobile. | Yeah, {X}, best after five. | Um, {X}.
give: You can reach me on {X}. | It's {X}, text is fine too.
third: And put my wife's number down too, {X}, in case I don't pick up.
third: If I'm not around, try {W} cell, {X}. | That's actually {W} number, {X}.
readback: So that's {X}? | Okay, I've got {X}, is that right? | Let me read that back: {X}.
partial: That's the one ending in {L}? | Ending {L}? | And it ends in {L}, right?
vol: Let me give you my number first in case we get cut off, it's {X}.
vol: My cell's {X} if you need to call back.
other: I don't have the order number on me, but it's under my phone, {X}.
other: Not sure, try looking it up by my number, {X}.
other_q: Do you have the order number? | Who am I speaking with? | What's the account under?
[en card]
ask: Can I get the card number? | Which card would you like to use? I'll need the long number.
ask: Go ahead with the card number whenever you're ready. | What's the card number for the deposit?
give: It's {X}. | Card number is {X}. | Okay, {X}. | Sure, {X}, it's a Visa. | Reading off the card, {X}.
third: We'll use my son's card, he said it's fine, {X}. | It's {W} card, {X}.
readback: So that's {X}? | I have {X}. | Reading it back, {X}.
partial: That's the card ending {L}? | Ending in {L}, correct? | The one ending {L}?
vol: I've got my card right here, it's {X}. | Let me just give you the card now, {X}.
other: Hang on, I'll just give you the card I paid with, {X}.
other_q: Do you have the transaction reference?
[en cvv]
ask: And the security code on the back? | The three digits on the back? | And the CVV?
give: {X}. | It's {X}. | Security code is {X}. | Um, {X}.
readback: {X}? | Got it, {X}.
vol: And the code on the back is {X}.
other: It expires next year, and the code's {X}.
other_q: And the expiry date?
[en email]
ask: What email should I send the paperwork to? | Can I get an email address?
ask: And your email for the receipt?
give: It's {X}. | Sure, {X}. | Email is {X}. | {X}, that's the one I check.
third: Send a copy to {W} address, {X}. | Use {W} email, {X}.
readback: I've got {X}, is that right? | So {X}?
vol: And my email's {X}, just so you have it.
other: I don't have it, but you can search by my email, {X}.
other_q: Do you have the reference number?
[en ssn]
ask: For the credit check I'll need your social security number. | Can I get your social? | And your SSN?
give: It's {X}. | Social is {X}. | {X}. | Okay, {X}.
third: The account's in {W} name, the social on it is {X}.
readback: So {X}? | I have {X}.
partial: Ending {L}?
vol: You'll probably need my social, it's {X}.
other: I don't have an account number, they used my social, {X}.
other_q: Do you have your account number?
[en ssn4]
ask: And the last four of your social? | Can you verify the last four of your SSN?
ask: Last four digits of your social, please.
give: {X}. | It's {X}. | Um, {X}. | Last four are {X}.
third: For {W} account, the last four are {X}.
readback: {X}? | Thanks, {X}.
vol: The last four of my social are {X}, if you need it.
other: My zip? Sorry, the last four of my social are {X}.
other_q: And your zip code?
[en ni]
ask: Could I take your National Insurance number? | I'll need your NI number for the form.
ask: What's your National Insurance number?
give: It's {X}. | NI number is {X}. | {X}. | Right, {X}.
third: It's for {W} paperwork, the National Insurance number is {X}.
readback: So that's {X}?
partial: Ending {L}?
vol: You'll want my National Insurance number, it's {X}.
other: I haven't got the letter, my National Insurance number's {X} though.
other_q: Have you got the reference from the letter?
[en nhs]
ask: Do you have your NHS number? | Can I take the NHS number? | And the patient's NHS number?
give: It's {X}. | NHS number {X}. | {X}. | Yeah, {X}.
third: My daughter's NHS number is {X}. | And {W} NHS number is {X}.
readback: So {X}?
partial: Ending {L}?
vol: My NHS number's {X}, I always get asked.
other: I don't know the practice code, but my NHS number's {X}.
other_q: What's the practice code?
[en licence]
ask: Can I get your driver's license number? | What's the license number of the driver?
ask: I'll need the driving licence number.
give: It's {X}. | License number {X}. | {X}. | Okay, driver's license is {X}.
third: It was {W} car, the driver's license is {X}.
readback: So {X}?
partial: Ending {L}?
vol: My license number's {X}, if that helps.
other: I don't have the citation here, but my license is {X}.
other_q: Do you have the citation number?
[en iban]
ask: What account should we send the refund to? I'll need the IBAN.
ask: Can I take your IBAN for the direct debit?
give: It's {X}. | The IBAN is {X}. | {X}. | Okay, {X}.
third: Please refund to {W} account, IBAN {X}.
readback: So {X}?
partial: Ending {L}?
vol: For the refund my IBAN is {X}.
other: No reference, sorry, but here's my IBAN, {X}.
other_q: Have you got the booking reference?
"""


_BANK_PARTS = ("ask", "give", "third", "readback", "partial", "vol", "other", "other_q")


def _parse_bank(text: str) -> dict[str, dict[str, dict[str, list[str]]]]:
    """``[lang kind]`` sections of ``part: template | template`` lines; "  + " continues a line."""
    bank: dict[str, dict[str, dict[str, list[str]]]] = {}
    cur: dict[str, list[str]] = {}
    lines: list[str] = []
    for raw in text.strip().splitlines():
        if raw.startswith("  + "):
            lines[-1] += " " + raw[4:]
        else:
            lines.append(raw)
    for line in lines:
        if line.startswith("["):
            lang, kind = line.strip("[]").split()
            cur = bank.setdefault(lang, {}).setdefault(kind, {part: [] for part in _BANK_PARTS})
        else:
            part, _, rest = line.partition(": ")
            cur[part] += rest.split(" | ")
    return bank


BANK = _parse_bank(BANK_TEXT)

WHOSE = {
    "ru": ["жены", "мужа", "сына", "дочери", "мамы", "брата", "соседки", "тёщи"],
    "en": [
        "my wife's",
        "my husband's",
        "my son's",
        "my daughter's",
        "my mom's",
        "my brother's",
        "my neighbor's",
    ],
}
INTERRUPT = {
    "ru": [
        "Простите, вы пропадаете, а дальше?",
        "Извините, там пять или девять было?",
        "Секунду, я не успеваю записывать, ещё раз последнее?",
        "Так, записываю, продолжайте.",
        "Алло, вас плохо слышно, повторите конец?",
        "Подождите, это начало номера было?",
    ],
    "en": [
        "Sorry, was that a five or a nine?",
        "Sorry, you cut out there, go ahead?",
        "Hold on, I'm writing it down, keep going.",
        "Sorry, could you repeat the last bit?",
        "Was that the start of it?",
        "You're breaking up a little, go on.",
    ],
}
EMAIL_INTERRUPT = {
    "ru": ["Так, это латиницей?", "Простите, через точку или подчёркивание?", "Секунду, записываю, дальше?"],
    "en": ["Sorry, is that with a dot?", "Hang on, I'm typing it, go ahead.", "Was that an underscore?"],
}
CONTINUE = {
    "ru": ["Да, и дальше {X}.", "{X}.", "Дальше {X}.", "Нет, я говорю, дальше {X}.", "Так, {X}."],
    "en": ["Yeah, and then {X}.", "{X}.", "Then {X}.", "No, I said, {X}.", "Okay, {X}."],
}
BACKCHANNEL = {
    "ru": ["Угу.", "Ага.", "Да.", "Так.", "Да-да.", "Мм.", "Угу, да."],
    "en": ["Mm-hmm.", "Uh-huh.", "Okay.", "Yeah.", "Right.", "Yep."],
}
CONFIRM = {
    "ru": ["Да, верно.", "Да, всё так.", "Да.", "Угу, правильно.", "Верно, да."],
    "en": ["Yes, that's right.", "Yep.", "Correct.", "That's it.", "Yeah, that's the one."],
}


# ------------------------------------------------------------------------------------------------------
# fifteen industries. Templates: "a:" the agent, "c:" the customer; {slots} are numbers that must stay
# (order, price, date, time, ...), {co} the company, {agent} the agent's name, {cname} the customer's.

Industry = dict[str, Any]

INDUSTRY_TEXT = {
    "car_service": """
[ru]
co: Автоцентр Север | Тойота Центр Юг | Киа Моторс Запад
kinds: phone card cvv passport licence email account
greet: Автоцентр {co}, сервисная служба, {agent}, здравствуйте.
greet: {co}, отдел сервиса, меня зовут {agent}, слушаю вас.
reason: Здравствуйте, хочу записаться на ТО, пробег уже {mileage}.
reason: Добрый день, у меня машина у вас на ремонте, заказ-наряд {order}, хочу узнать, когда забирать.
reason: Здравствуйте, мне насчитали {price}, а по телефону обещали меньше, хочу разобраться.
- a: Назовите, пожалуйста, VIN или госномер.
  c: VIN {vin}, номер {plate}.
  a: Вижу, Камри {year} года, последнее ТО было {date}.
- a: По регламенту ТО-3 выходит {price}, масло и фильтры включены.
  c: А скидка по клубной карте есть?
  a: Да, {pct}, итого {price}.
- c: Когда можно подъехать?
  a: Есть окно {date} в {time} или в четверг в {time}.
  c: Давайте первое.
- a: Мастер посмотрел, нужны колодки, это ещё {price} с работой.
  c: Ого. А без них никак?
  a: Можно отложить, но не больше чем на {days} километров.
- c: Заказ-наряд у меня {order}, там стоит диагностика {price}.
  a: Да, диагностика платная, но при ремонте у нас она в подарок.
- a: Запчасти придут {date}, номер заказа запчастей {order}.
  c: А сколько ждать примерно?
  a: Дней пять-семь, мы позвоним.
= a: Итак, записала вас на {date}, {time}, заказ-наряд {order}. Горячая линия {hotline}, если что.
  c: Спасибо, до свидания.
[en]
co: Lakeside Honda | Midtown Ford Service | Riverside Toyota
kinds: phone card cvv licence email ssn4 ssn
greet: Thanks for calling {co} service department, this is {agent}.
greet: {co} service, {agent} speaking, how can I help?
reason: Hi, I need to book a service, I'm at about {mileage} miles now.
reason: Hey, my car's been in since Monday, repair order {order}, just checking on it.
reason: Hi, I got a quote for {price} and it seems high, can you walk me through it?
- a: Can I get the VIN or the plate?
  c: VIN is {vin}, plate {plate}.
  a: Okay, {year} Camry, last service was {date}.
- a: The sixty-thousand-mile service comes to {price}, that includes the fluids.
  c: Any coupons running?
  a: There's {pct} off, so you'd be at {price}.
- c: When's the earliest I can bring it in?
  a: I have {date} at {time} or Thursday at {time}.
  c: Let's do the first one.
- a: The tech says you need front brakes, that's another {price} with labor.
  c: Wow. Can it wait?
  a: I wouldn't go more than {days} miles.
- c: Repair order {order} says diagnostic {price}.
  a: Right, but we waive that if you do the repair with us.
- a: The part's on backorder, parts order {order}, should land {date}.
  c: How long roughly?
  a: Five to seven business days.
= a: Okay, you're set for {date} at {time}, RO number {order}. Our service line is {hotline} if anything
  + comes up.
  c: Great, thanks.
""",
    "appliance_repair": """
[ru]
co: Ремонт-Мастер | Сервис Бытовой Техники Плюс | ТехноДом Сервис
kinds: phone card email passport account
greet: Сервисный центр {co}, {agent}, здравствуйте.
greet: {co}, ремонт техники на дому, слушаю вас.
reason: Здравствуйте, у меня стиральная машина не сливает воду, модель {model}.
reason: Добрый день, холодильник перестал морозить, гарантия до {date}.
reason: Здравствуйте, мастер был {date}, заявка {ticket}, а всё опять сломалось.
- a: Серийный номер на табличке сзади можете продиктовать?
  c: Серийный номер {serial}.
  a: Так, это {year} год выпуска, гарантия закончилась.
- a: Выезд мастера {price}, диагностика бесплатно, если делаем ремонт.
  c: А сам ремонт сколько?
  a: Замена насоса от {price} до {price}.
- c: А когда мастер может приехать?
  a: Ближайшее {date}, с {time} до {time}.
  c: Хорошо, я буду дома.
- a: Адрес: улица Лесная, дом {house}, квартира {flat}?
  c: Да, и домофон {flat}, код не нужен.
- c: Прошлый раз мне поставили деталь за {price}, по заявке {ticket}.
  a: Да, вижу, на неё гарантия {days} дней.
- a: Ваша заявка {ticket}, мастер позвонит за час.
  c: А если меня не будет, можно перенести?
  a: Да, по номеру заявки.
= a: Заявка {ticket} на {date}, стоимость выезда {price}. Наш бесплатный номер {hotline}.
  c: Спасибо, ждём.
[en]
co: FixRight Appliance | Metro Appliance Repair | HomeCare Appliance Service
kinds: phone card cvv email ssn4
greet: {co}, this is {agent}, what can we fix for you today?
greet: Thanks for calling {co}, {agent} here.
reason: Hi, my washer won't drain, it's a model {model}.
reason: Hi, the fridge stopped cooling and it's under warranty until {date}.
reason: Your guy came out {date}, ticket {ticket}, and it's broken again.
- a: Can you read me the serial number off the sticker inside the door?
  c: Serial is {serial}.
  a: Okay, that's a {year} unit, out of warranty.
- a: The service call is {price} and that goes toward the repair.
  c: And the repair itself?
  a: A drain pump runs {price} to {price}.
- c: When can someone come out?
  a: Earliest is {date} between {time} and {time}.
  c: That works.
- a: Address is {house} Maple Court, unit {flat}?
  c: Yes, unit {flat}, gate code isn't needed.
- c: Last time I paid {price} for a part on ticket {ticket}.
  a: I see it, that part has a {days} day warranty.
= a: You're booked for {date}, ticket {ticket}, trip charge {price}. Our toll-free line is {hotline}.
  c: Perfect, thanks.
""",
    "dental": """
[ru]
co: Стоматология Улыбка | Дентал Клиник | Стоматологический центр Жемчуг
kinds: phone oms snils passport card email inn
greet: Стоматология {co}, администратор {agent}, здравствуйте.
greet: {co}, добрый день, {agent}, чем могу помочь?
reason: Здравствуйте, у меня зуб болит, хочу записаться поскорее.
reason: Добрый день, мне нужна справка для налогового вычета за {year} год.
reason: Здравствуйте, хочу узнать стоимость имплантации, мне сказали {price}.
- a: К терапевту есть {date} в {time}, кабинет {room}.
  c: А пораньше никак?
  a: Завтра в {time}, но только к другому врачу.
- a: Лечение кариеса от {price}, снимок {price}.
  c: А по ОМС можно?
  a: По ОМС только в поликлинике, у нас платно.
- c: Имплант сколько стоит?
  a: Имплант с коронкой {price}, рассрочка на {days} месяцев без переплаты.
- a: Справку для вычета оформим за {year} год, сумма по договору {price}.
  c: Договор у меня номер {contract}.
- a: Вы у нас по карте пациента {order}, последний визит {date}.
  c: Да, я тогда чистку делала за {price}.
= a: Записала вас на {date}, {time}, кабинет {room}. Приходите за десять минут.
  c: Спасибо большое.
[en]
co: Bright Smile Dental | Oakwood Dental Practice | Parkside Family Dentistry
kinds: phone nhs card cvv email ssn4 ni
greet: Good morning, {co}, {agent} speaking.
greet: {co}, this is {agent}, how can I help?
reason: Hi, I've got a really bad toothache, can I get in today?
reason: Hi, I need to check what I owe, the statement says {price}.
reason: Hello, I'm calling about the implant quote, {price}, it's a lot.
- a: We have {date} at {time} with Dr. Nguyen, surgery {room}.
  c: Anything sooner?
  a: Tomorrow at {time}, but with the hygienist only.
- a: A filling starts at {price}, the X-ray is {price}.
  c: Is that on the plan?
  a: Band two on the NHS is {price}, private is more.
- c: How much is the implant?
  a: Implant and crown come to {price}, we can spread it over {days} months.
- a: Your last visit was {date}, invoice {invoice}.
  c: Yes, the cleaning, that was {price}.
= a: So that's {date}, {time}, room {room}. Please come ten minutes early.
  c: Will do, thank you.
""",
    "moving": """
[ru]
co: Грузовичкоф Переезды | Переезд Сервис | Мув Профи
kinds: phone card passport email account licence
greet: Компания {co}, {agent}, здравствуйте, по переезду?
greet: {co}, слушаю вас, {agent}.
reason: Здравствуйте, нужен квартирный переезд, двушка, {date}.
reason: Добрый день, у меня заказ {order}, грузчики опоздали на два часа.
reason: Здравствуйте, хотим перевезти офис, примерно {qty} коробок.
- a: Откуда и куда? Этаж, лифт?
  c: С Профсоюзной, дом {house}, квартира {flat}, пятый этаж, лифт есть.
  a: А куда?
- a: Газель с двумя грузчиками {price} за час, минимум {days} часа.
  c: А упаковка?
  a: Коробки по {price} за штуку, плёнка {price} рулон.
- c: Договор у меня {contract}, там сумма {price}.
  a: Да, плюс простой, если задержка по вашей вине.
- a: Бригада будет {date} в {time}, машина {plate}.
  c: Хорошо, а водитель позвонит?
  a: Да, за полчаса.
- c: Разбили зеркало, это ещё претензия, номер {claim}.
  a: Вижу претензию, компенсация до {price} по договору.
= a: Итак, заказ {order}, {date}, {time}, ориентировочно {price}. Бесплатная линия {hotline}.
  c: Договорились, спасибо.
[en]
co: Two Guys Moving | Allied Home Movers | QuickShift Removals
kinds: phone card cvv email licence iban
greet: {co}, this is {agent}, are you planning a move?
greet: Thanks for calling {co}, {agent} speaking.
reason: Hi, we're moving a two-bedroom on {date}.
reason: Hey, booking {booking}, your crew showed up two hours late.
reason: Hi, I need a quote to move an office, about {qty} boxes.
- a: Where from and where to? Any stairs?
  c: From {house} Elm Street, apartment {flat}, third floor, no elevator.
  a: And the new place?
- a: A truck and two movers is {price} an hour, three hour minimum.
  c: Boxes?
  a: Boxes are {price} each, tape {price} a roll.
- c: My contract {contract} says {price} flat.
  a: Right, plus any waiting time if the elevator isn't booked.
- a: The crew arrives {date} at {time}, truck number {plate}.
  c: Will the driver call ahead?
  a: Yes, thirty minutes out.
- c: They broke a mirror, I filed claim {claim}.
  a: I see it, coverage is up to {price} under basic valuation.
= a: So booking {booking}, {date} at {time}, estimate {price}. Our toll-free number is {hotline}.
  c: Sounds good.
""",
    "office_supplies": """
[ru]
co: Комус Бизнес | ОфисМаг Опт | Канцелярия Про
kinds: phone email card passport inn account
greet: {co}, отдел корпоративных продаж, {agent}.
greet: Компания {co}, менеджер {agent}, здравствуйте.
reason: Здравствуйте, хотим заказать бумагу для офиса, {qty} пачек.
reason: Добрый день, по счёту {invoice} пришло не всё.
reason: Здравствуйте, нам нужно перевыставить счёт на другое юрлицо.
- a: Назовите ИНН организации.
  c: ИНН {inn_co}, КПП {kpp}.
  a: Вижу, ООО Вектор, договор {contract}.
- a: Бумага А4 {price} за пачку, от {qty} пачек скидка {pct}.
  c: А картриджи есть?
  a: Да, {price} за штуку.
- c: По счёту {invoice} не хватает {qty} коробок.
  a: Оформлю недовоз, номер обращения {ticket}.
- a: Реквизиты для оплаты: БИК {bik}, корсчёт {corr}.
  c: Бухгалтер спросит ОГРН.
  a: ОГРН {ogrn}.
- a: Доставка {date} с {time} до {time}, бесплатно от {price}.
  c: Адрес тот же, офис {room}.
= a: Счёт {invoice} на {price} отправлю сегодня, доставка {date}. Бесплатный номер {hotline}.
  c: Спасибо, ждём.
[en]
co: Staples Business Advantage | OfficeHub Supply | Paperline Wholesale
kinds: phone email card cvv iban
greet: {co} business desk, this is {agent}.
greet: Thanks for calling {co}, {agent} speaking.
reason: Hi, we need to reorder copy paper, about {qty} cases.
reason: Hi, invoice {invoice} came short.
reason: Hi, we need to move our account to a new billing address.
- a: What's the account number?
  c: Account {order}, we're under Hale and Sons.
  a: Got it, PO {order} on file.
- a: Copy paper is {price} a case, {pct} off over {qty} cases.
  c: Toner?
  a: The HP toner is {price}.
- c: Invoice {invoice} was short {qty} boxes of folders.
  a: I'll open a shortage ticket, {ticket}.
- a: Delivery {date} between {time} and {time}, free over {price}.
  c: Same address, suite {room}.
= a: Invoice {invoice} for {price} goes out today, delivery {date}. Our toll-free line is {hotline}.
  c: Thanks.
""",
    "charity": """
[ru]
co: Фонд Доброе Сердце | Фонд Помощи Детям Надежда | Фонд Старость в радость
kinds: phone card cvv email inn account passport
greet: Благотворительный фонд {co}, {agent}, здравствуйте.
greet: {co}, добрый день, меня зовут {agent}.
reason: Здравствуйте, хочу оформить ежемесячное пожертвование.
reason: Добрый день, с меня списали {price} два раза.
reason: Здравствуйте, нужна справка о пожертвованиях за {year} год для вычета.
- a: Какую сумму хотите жертвовать ежемесячно?
  c: Думаю, {price}.
  a: Спасибо! Списание будет {date} каждого месяца.
- a: Вижу два платежа по {price}, {date}, номер операции {order}.
  c: Да, второй лишний.
  a: Оформлю возврат, заявка {ticket}.
- a: За {year} год вы пожертвовали {price}.
  c: Справка нужна для налоговой.
  a: Пришлём в течение {days} дней.
- a: Наши реквизиты: ИНН фонда {inn_co}, КПП {kpp}, БИК {bik}.
  c: Корсчёт какой?
  a: {corr}.
- c: А сколько из пожертвования идёт на подопечных?
  a: {pct} идёт напрямую на программы.
= a: Подписку оформили на {price} в месяц, номер {order}. Наша горячая линия {hotline}.
  c: Спасибо вам.
[en]
co: Hope Children's Fund | Second Harvest Food Bank | Riverside Animal Rescue
kinds: phone card cvv email iban ssn4 ni
greet: Thank you for calling {co}, this is {agent}.
greet: {co} donor services, {agent} speaking.
reason: Hi, I'd like to set up a monthly gift.
reason: Hi, I was charged {price} twice this month.
reason: Hi, I need a receipt for my {year} donations for taxes.
- a: How much would you like to give each month?
  c: Maybe {price}.
  a: Wonderful, it'll come out on the {day} each month.
- a: I see two charges of {price} on {date}, transaction {order}.
  c: Yes, the second one's a mistake.
  a: I'll refund it, case {ticket}.
- a: For {year} you gave {price} in total.
  c: I need that for my taxes.
  a: We'll email it within {days} days.
- c: How much actually goes to the programs?
  a: About {pct} goes straight to programs.
= a: Your monthly gift of {price} is set, donor ID {order}. Our donor line is {hotline}.
  c: Thank you.
""",
    "school_meals": """
[ru]
co: Школьное питание Комбинат №3 | Комбинат питания Юность | Сервис школьного питания
kinds: phone snils card email passport oms
greet: Комбинат школьного питания, {agent}, здравствуйте.
greet: {co}, горячая линия по питанию, слушаю.
reason: Здравствуйте, у сына школа {school}, не приходят деньги на карту питания.
reason: Добрый день, хотим оформить льготное питание, многодетные.
reason: Здравствуйте, ребёнку дали еду с орехами, а у него аллергия.
- a: Номер лицевого счёта ученика?
  c: Лицевой {order}, класс {grade}.
  a: Вижу, баланс {price}, последнее пополнение {date}.
- a: Комплексный обед {price}, завтрак {price}.
  c: А за месяц сколько выходит?
  a: Около {price} при {days} днях.
- a: Для льготы нужны справка и СНИЛС ребёнка.
  c: Справка о многодетности у нас до {date}.
- c: Пополняла {date} на {price}, квитанция {invoice}.
  a: Платёж пришёл {date}, зачислим в течение {days} дней.
- a: Меню на неделю есть на сайте, заявка по аллергии {ticket}.
  c: Спасибо, а диетолог перезвонит?
= a: Обращение {ticket} зарегистрировано, ответ до {date}. Бесплатная линия {hotline}.
  c: Спасибо.
[en]
co: Northfield School Nutrition | K-12 Meal Services | Westbrook Catering for Schools
kinds: phone card cvv email ssn4 nhs
greet: School nutrition office, {agent} speaking.
greet: {co}, this is {agent}, how can I help?
reason: Hi, my son's lunch account at school {school} shows negative.
reason: Hi, I want to apply for free and reduced meals.
reason: Hi, my daughter was served something with peanuts and she's allergic.
- a: What's the student ID?
  c: Student ID {order}, grade {grade}.
  a: The balance is {price}, last deposit {date}.
- a: Lunch is {price}, breakfast {price}.
  c: So per month?
  a: About {price} for {days} school days.
- c: I deposited {price} on {date}, confirmation {invoice}.
  a: I see it, it posts within {days} business days.
- a: I've opened an allergy report, {ticket}.
  c: Will the dietitian call me?
  a: Yes, by {date}.
= a: Report {ticket} is logged, follow-up by {date}. Our toll-free line is {hotline}.
  c: Thanks.
""",
    "parking_fines": """
[ru]
co: Московский паркинг | Центр организации дорожного движения | ГКУ АМПП
kinds: phone licence passport card email snils
greet: Контакт-центр {co}, оператор {agent}, здравствуйте.
greet: {co}, слушаю вас, {agent}.
reason: Здравствуйте, пришёл штраф за парковку, постановление {order}, а я оплачивал.
reason: Добрый день, машину эвакуировали, номер {plate}.
reason: Здравствуйте, хочу оформить резидентное разрешение, квартира {flat}.
- a: Назовите номер постановления.
  c: Постановление {order} от {date}.
  a: Вижу, штраф {price}, зона {zone}.
- a: Оплата парковки прошла {date} в {time}, сессия до {time}.
  c: Вот, я же говорю, оплачено.
  a: Но штраф выписан в {time}.
- a: Если оплатить в течение {days} дней, скидка {pct}, будет {price}.
  c: А обжаловать можно?
  a: Да, жалоба рассматривается {days} дней.
- c: Машину забрали со штрафстоянки, квитанция {invoice}, {price}.
  a: Вижу, эвакуация {price} и хранение {price}.
- a: Номер вашего обращения {ticket}.
  c: А ответ куда придёт?
  a: В личный кабинет до {date}.
= a: Жалоба {ticket} принята, ответ до {date}. Бесплатный номер {hotline}.
  c: Спасибо, до свидания.
[en]
co: City Parking Services | Metro Parking Enforcement | Westminster Parking Services
kinds: phone licence card cvv email ni
greet: Parking services, {agent} speaking.
greet: Thanks for calling {co}, this is {agent}.
reason: Hi, I got a ticket, citation {order}, but I paid the meter.
reason: Hi, my car was towed, plate {plate}.
reason: Hi, I'd like a residential permit for zone {zone}.
- a: What's the citation number?
  c: Citation {order}, dated {date}.
  a: Okay, the fine is {price}, zone {zone}.
- a: The app shows payment {date} at {time}, expiring {time}.
  c: Right, so I paid.
  a: The ticket was at {time}.
- a: If you pay within {days} days it's reduced to {price}.
  c: Can I appeal?
  a: Yes, appeals take about {days} days.
- c: Tow release receipt {invoice}, {price}.
  a: That's the tow {price} plus storage {price}.
= a: Appeal {ticket} is logged, decision by {date}. Our toll-free line is {hotline}.
  c: Thanks.
""",
    "solar": """
[ru]
co: Солнечная Энергия Дом | СанТех Солар | Энергия Солнца
kinds: phone passport email inn account card snils
greet: Компания {co}, {agent}, здравствуйте, по солнечным панелям?
greet: {co}, слушаю вас, {agent}.
reason: Здравствуйте, хочу поставить панели на дачу, крыша {qty} квадратов.
reason: Добрый день, у меня договор {contract}, инвертор не показывает выработку.
reason: Здравствуйте, счёт за свет {price}, хочу понять, окупятся ли панели.
- a: Станция на {power} киловатт выйдет {price} под ключ.
  c: А окупаемость?
  a: При тарифе {price} за киловатт-час лет семь.
- a: Серийный номер инвертора на корпусе?
  c: Серийный номер {serial}.
  a: Вижу, он на гарантии до {date}.
- c: Показания счётчика сейчас {meter}.
  a: А месяц назад было {meter}, значит выработка есть.
- a: Замерщик приедет {date} в {time}.
  c: Адрес СНТ Ромашка, участок {flat}.
- a: Предоплата {pct}, это {price}, остальное после монтажа.
  c: А рассрочка?
  a: На {days} месяцев.
= a: Замер {date}, договор {contract}, ориентировочно {price}. Наша линия {hotline}.
  c: Хорошо, спасибо.
[en]
co: SunPeak Solar | BrightRoof Energy | Golden State Solar
kinds: phone ssn email card licence iban
greet: {co}, this is {agent}, are you calling about a solar quote?
greet: Thanks for calling {co}, {agent} speaking.
reason: Hi, I'm thinking about panels, my roof is about {qty} square feet.
reason: Hi, contract {contract}, my inverter isn't showing production.
reason: Hi, my electric bill was {price} last month and I want to see if solar makes sense.
- a: A {power} kilowatt system would run about {price} installed.
  c: Payback?
  a: At {price} per kilowatt-hour, around seven years.
- a: Can you read me the inverter serial?
  c: Serial {serial}.
  a: That's under warranty until {date}.
- c: My meter reads {meter} today.
  a: And it was {meter} last month, so it is producing.
- a: Financing is {pct} APR over {days} months.
  c: What's the monthly?
  a: About {price}.
- a: The site survey is {date} at {time}.
  c: Address is {house} Sunset Drive.
= a: Survey {date}, contract {contract}, estimate {price}. Our toll-free line is {hotline}.
  c: Great.
""",
    "funeral": """
[ru]
co: Ритуальная служба Память | Ритуал-Сервис | Ритуальное агентство Вечность
kinds: phone passport snils card account email oms
greet: Ритуальная служба {co}, {agent}, примите соболезнования. Чем помочь?
greet: {co}, круглосуточно, {agent}, слушаю.
reason: Здравствуйте, у нас умер отец, {date}, не знаем, что делать.
reason: Добрый день, договор {contract}, хочу уточнить, что входит.
reason: Здравствуйте, нам выставили {price}, а обещали меньше.
- a: Нужно свидетельство о смерти и паспорт умершего.
  c: Свидетельство на руках, номер {order}.
- a: Базовый пакет {price}: гроб, венок, катафалк.
  c: А место на кладбище?
  a: Участок {flat}, сектор {zone}, это отдельно.
- a: Прощание {date} в {time}, зал {room}.
  c: Людей будет человек {qty}.
  a: Зал вмещает до {qty}.
- a: Социальное пособие на погребение {price}, подаётся в СФР.
  c: А СНИЛС чей нужен?
  a: Умершего и ваш.
- c: По договору {contract} оплатили {price}, остаток сколько?
  a: Остаток {price}.
= a: Договор {contract}, прощание {date}, {time}. Наш номер {hotline}, круглосуточно.
  c: Спасибо вам.
[en]
co: Hillside Funeral Home | Gracewood Memorial Chapel | Whitmore & Sons Funeral Directors
kinds: phone ssn ni card email iban nhs
greet: {co}, this is {agent}, I'm so sorry for your loss. How can I help?
greet: {co}, {agent} speaking.
reason: Hi, my father passed on {date} and we don't know where to start.
reason: Hi, contract {contract}, I want to check what's included.
reason: Hello, the invoice says {price} but we were quoted less.
- a: We'll need the death certificate, and the deceased's details.
  c: Certificate number {order}.
- a: The basic package is {price}, casket, flowers and the hearse.
  c: And the plot?
  a: Plot {flat}, section {zone}, that's separate.
- a: The service would be {date} at {time} in chapel {room}.
  c: About {qty} people.
  a: The chapel seats {qty}.
- c: We paid {price} on contract {contract}, what's left?
  a: The balance is {price}.
= a: Contract {contract}, service {date} at {time}. We're on {hotline}, day or night.
  c: Thank you.
""",
    "pet_insurance": """
[ru]
co: Петстрах | Зоозащита Страхование | ВетПолис
kinds: phone passport card email account inn
greet: Страхование питомцев {co}, {agent}, здравствуйте.
greet: {co}, слушаю вас, {agent}.
reason: Здравствуйте, хочу застраховать кота, ему {days} месяцев.
reason: Добрый день, собаку оперировали, счёт клиники {price}, полис {policy}.
reason: Здравствуйте, не пришло возмещение по заявлению {claim}.
- a: Номер чипа питомца?
  c: Чип {chip}.
  a: Вижу, метис, {year} года рождения.
- a: Полис на год {price}, лимит {price}, франшиза {price}.
  c: А прививки покрывает?
  a: Нет, только болезни и травмы.
- c: Заявление {claim} подавала {date}.
  a: Вижу, одобрено {price}, выплата до {date}.
- a: Клиника выставила счёт {invoice} на {price}.
  c: Да, там операция и {days} дня стационара.
- a: Скидка {pct}, если платить за год сразу.
  c: Давайте за год.
= a: Полис оформлен, действует с {date}. Бесплатная линия {hotline}.
  c: Спасибо.
[en]
co: PawSure Pet Insurance | Healthy Tails | Petplan Direct
kinds: phone card cvv email iban ssn4
greet: {co}, this is {agent}, how can I help you and your pet?
greet: Thanks for calling {co}, {agent} speaking.
reason: Hi, I want to insure my puppy, she's {days} weeks old.
reason: Hi, my dog had surgery, the vet bill is {price}, policy {policy}.
reason: Hi, I'm still waiting on claim {claim}.
- a: What's the microchip number?
  c: Chip {chip}.
  a: Okay, a Labrador, born {year}.
- a: The plan is {price} a month, {price} deductible, {pct} reimbursement.
  c: Vaccines?
  a: That's the wellness add-on, {price}.
- c: I filed claim {claim} on {date}.
  a: Approved for {price}, payment by {date}.
- a: The clinic invoice {invoice} was {price}.
  c: Yes, surgery and {days} nights in.
= a: Your policy starts {date}. Our claims line is {hotline}.
  c: Thanks so much.
""",
    "wedding_venue": """
[ru]
co: Усадьба Голицыно | Банкетный комплекс Шале | Загородный клуб Лесное
kinds: phone card cvv passport email account
greet: {co}, свадебный отдел, {agent}, здравствуйте.
greet: {co}, слушаю вас, {agent}.
reason: Здравствуйте, хотим забронировать зал на свадьбу, {date}.
reason: Добрый день, у нас бронь {booking}, хотим увеличить число гостей.
reason: Здравствуйте, мы отменили свадьбу, хотим вернуть депозит {price}.
- a: Сколько будет гостей?
  c: Человек {qty}.
  a: Тогда большой зал, аренда {price}, банкет {price} с человека.
- a: Свободно {date} и {date}.
  c: Давайте первое.
  a: Церемония в {time}, банкет с {time}.
- c: Бронь {booking}, депозит вносили {date}.
  a: Вижу, {price}, по договору возврат {pct} при отмене за {days} дней.
- a: Проживание для гостей, номера от {price} за ночь, корпус {room}.
  c: Нужно номеров {qty}.
- a: Договор {contract}, предоплата {price} до {date}.
  c: А остаток когда?
  a: За {days} дней до свадьбы.
= a: Бронь {booking} на {date}, депозит {price}. Телефон отдела {hotline}.
  c: Спасибо!
[en]
co: The Willow Barn | Harborview Estate | Rosewood Manor
kinds: phone card cvv email iban licence
greet: {co} events team, this is {agent}.
greet: Thanks for calling {co}, {agent} speaking.
reason: Hi, we're looking at dates for our wedding, maybe {date}.
reason: Hi, booking {booking}, we need to add guests.
reason: Hi, we had to cancel and want our deposit of {price} back.
- a: How many guests?
  c: About {qty}.
  a: Then the main hall, venue fee {price}, catering {price} per head.
- a: We have {date} and {date} open.
  c: The first one.
  a: Ceremony at {time}, reception from {time}.
- c: Booking {booking}, deposit paid {date}.
  a: I see {price}; cancellations {days} days out get {pct} back.
- a: Contract {contract}, next payment {price} due {date}.
  c: And the balance?
  a: {days} days before the day.
= a: Booking {booking} for {date}, deposit {price}. Our events line is {hotline}.
  c: Thank you!
""",
    "electronics_warranty": """
[ru]
co: М.Видео Сервис | ДНС Гарантия | Эльдорадо Сервис
kinds: phone email card passport account
greet: Служба гарантийного обслуживания {co}, {agent}, здравствуйте.
greet: {co}, гарантия, слушаю вас.
reason: Здравствуйте, телевизор купили {date}, уже не включается.
reason: Добрый день, сдавал ноутбук в ремонт, квитанция {ticket}, сроки прошли.
reason: Здравствуйте, хочу вернуть наушники, чек {invoice} на {price}.
- a: Серийный номер устройства?
  c: Серийный номер {serial}.
  a: Гарантия до {date}, покупка {date}.
- a: IMEI телефона продиктуйте.
  c: IMEI {imei}.
  a: Вижу, покупка по чеку {invoice}.
- a: Ремонт по квитанции {ticket}, срок {days} дней, ждём запчасть.
  c: Уже {days} дней прошло!
- a: Расширенная гарантия {price} на {few} года.
  c: Не надо.
- c: Чек {invoice}, заказ {order}, сумма {price}.
  a: Возврат будет на карту в течение {days} дней.
= a: Заявка {ticket}, ответ до {date}. Бесплатная линия {hotline}.
  c: Спасибо.
[en]
co: Best Buy Geek Squad | TechCare Warranty | Currys Care & Repair
kinds: phone email card cvv ssn4 licence
greet: {co}, this is {agent}, what device are we looking at?
greet: Thanks for calling {co}, {agent} here.
reason: Hi, the TV we bought {date} won't turn on.
reason: Hi, my laptop's been in repair, ticket {ticket}, it's overdue.
reason: Hi, I want to return headphones, receipt {invoice}, {price}.
- a: Can I have the serial number?
  c: Serial {serial}.
  a: Warranty runs until {date}.
- a: And the IMEI?
  c: IMEI is {imei}.
  a: Okay, purchased on order {order}.
- a: Repair ticket {ticket} is waiting on a part, {days} more days.
  c: It's been {days} days already!
- a: Extended protection is {price} for {few} years.
  c: I'll pass.
- c: Order {order}, receipt {invoice}, {price}.
  a: The refund posts in {days} business days.
= a: Ticket {ticket}, update by {date}. Our toll-free support is {hotline}.
  c: Thanks.
""",
    "tutoring": """
[ru]
co: Школа репетиторов Умники | Онлайн-школа Фоксфорд Плюс | Центр Знание
kinds: phone inn passport snils card email
greet: Образовательный центр {co}, {agent}, здравствуйте.
greet: {co}, {agent}, слушаю вас.
reason: Здравствуйте, нужен репетитор по математике, сын в {grade} классе, ЕГЭ.
reason: Добрый день, хочу оформить налоговый вычет за обучение за {year} год.
reason: Здравствуйте, списали {price}, а занятия не было.
- a: Занятие {price} за {mins} минут, пакет из {qty} занятий {price}.
  c: А пробное?
  a: Пробное бесплатно, {date} в {time}.
- a: Для вычета нужен договор и лицензия, договор {contract}.
  c: А сумма за год?
  a: {price}.
- c: Занятие {date} не состоялось, а списали.
  a: Вижу, вернём {price}, обращение {ticket}.
- a: Преподаватель Ирина Сергеевна, стаж {days} лет, средний балл учеников {score}.
  c: Хорошо, а расписание?
- a: Скидка {pct} при оплате за полугодие.
  c: Сколько выйдет?
  a: {price}.
= a: Пробное {date} в {time}, договор {contract}. Наш номер {hotline}.
  c: Спасибо.
[en]
co: Bright Minds Tutoring | Kumon Learning Center | TopGrade Tutors
kinds: phone card cvv email ni ssn4 nhs
greet: {co}, this is {agent}.
greet: Thanks for calling {co}, {agent} speaking.
reason: Hi, my son's in grade {grade} and needs help with math before the SAT.
reason: Hi, I was charged {price} for a session that didn't happen.
reason: Hi, I'd like information on your summer program.
- a: Sessions are {price} for {mins} minutes, or a pack of {qty} for {price}.
  c: Trial?
  a: Free trial {date} at {time}.
- c: The session on {date} never happened.
  a: I'll refund {price}, case {ticket}.
- a: His tutor has {days} years' experience, students average {score} on the SAT.
  c: Schedule?
- a: Pay for the semester and save {pct}.
  c: How much?
  a: {price}.
= a: Trial {date} at {time}, enrollment {contract}. Our number is {hotline}.
  c: Thanks.
""",
    "fitness_leasing": """
[ru]
co: Спортлизинг | Фитнес Оборудование Лизинг | ТехноСпорт Аренда
kinds: phone passport inn card cvv email account licence
greet: {co}, аренда тренажёров, {agent}, здравствуйте.
greet: {co}, слушаю вас, {agent}.
reason: Здравствуйте, хочу взять беговую дорожку в аренду с выкупом.
reason: Добрый день, у меня договор {contract}, дорожка сломалась.
reason: Здравствуйте, списали платёж {price} дважды.
- a: Дорожка {model}, аренда {price} в месяц, выкуп через {days} месяцев.
  c: А доставка?
  a: Доставка {price}, сборка бесплатно.
- a: Серийный номер на раме?
  c: Серийный номер {serial}.
  a: Вижу, выдана {date}, договор {contract}.
- c: Платёж {date} списали дважды по {price}.
  a: Вижу, номер операции {order}, вернём за {days} дней.
- a: Мастер приедет {date} с {time} до {time}.
  c: Адрес тот же, квартира {flat}.
- a: Досрочный выкуп {price}, скидка {pct}.
  c: Подумаю.
= a: Заявка {ticket}, мастер {date}. Бесплатная линия {hotline}.
  c: Спасибо.
[en]
co: FitLease | Peak Fitness Rentals | Iron Rent Equipment
kinds: phone ssn card cvv email licence iban
greet: {co}, this is {agent}.
greet: Thanks for calling {co}, {agent} speaking.
reason: Hi, I want to lease a treadmill with the option to buy.
reason: Hi, lease {contract}, the treadmill stopped working.
reason: Hi, I got charged {price} twice.
- a: The {model} treadmill is {price} a month, buyout after {days} months.
  c: Delivery?
  a: {price}, assembly included.
- a: Serial number on the frame?
  c: Serial {serial}.
  a: Delivered {date}, lease {contract}.
- c: The {date} payment hit twice, {price} each.
  a: Transaction {order}, refund in {days} days.
- a: A tech can come {date} between {time} and {time}.
  c: Same address, apartment {flat}.
- a: Early buyout is {price}, {pct} off.
  c: I'll think about it.
= a: Ticket {ticket}, tech visit {date}. Our toll-free line is {hotline}.
  c: Thanks.
""",
}


def _parse_industry(text: str) -> dict[str, Industry]:
    """``[lang]`` sections: ``co:``/``kinds:``/``greet:``/``reason:`` lines, ``- a: ...`` opens a block of
    turns, ``= a: ...`` a closing, indented ``c: ...`` lines go on with it, ``  + `` continues a line."""
    out: dict[str, Industry] = {}
    cur: Industry = {}
    lines: list[str] = []
    for raw in text.strip().splitlines():
        if raw.startswith("  + "):
            lines[-1] += " " + raw[4:]
        else:
            lines.append(raw)
    for line in lines:
        if line.startswith("["):
            cur = out.setdefault(
                line.strip("[]"),
                {"co": [], "kinds": [], "greet": [], "reason": [], "blocks": [], "close": []},
            )
        elif line.startswith(("- ", "= ")):
            cur["blocks" if line[0] == "-" else "close"].append([line[2] + ":" + line[5:]])
        elif line.startswith("  "):
            last = cur["close"] if cur["close"] else cur["blocks"]
            last[-1].append(line[2] + ":" + line[5:])
        else:
            key, _, rest = line.partition(": ")
            cur[key] += rest.split() if key == "kinds" else rest.split(" | ") if key == "co" else [rest]
    return out


INDUSTRIES: dict[str, dict[str, Industry]] = {name: _parse_industry(t) for name, t in INDUSTRY_TEXT.items()}


# ------------------------------------------------------------------------------------------------------
# talk that fits any call, and numbers that look like secrets but must stay

CHATTER: dict[str, list[list[str]]] = {
    "ru": [
        ["a:Одну минуту, посмотрю в системе.", "c:Да, конечно."],
        ["c:Вы знаете, я уже третий раз звоню по этому вопросу.", "a:Понимаю, извините, сейчас разберёмся."],
        [
            "a:Вас плохо слышно, вы на громкой связи?",
            "c:Да, я за рулём, сейчас... Так лучше?",
            "a:Да, теперь слышно.",
        ],
        ["c:Подождите, тут курьер пришёл... Всё, я тут.", "a:Ничего страшного."],
        [
            "a:Можно я поставлю вас на удержание на пару минут?",
            "c:Угу.",
            "a:Спасибо за ожидание, я вернулась.",
        ],
        ["c:А у вас акции какие-нибудь сейчас есть?", "a:До {date} скидка {pct} для постоянных клиентов."],
        [
            "c:В прошлый раз мне обещали перезвонить и не перезвонили.",
            "a:Приношу извинения, я отмечу это в обращении.",
        ],
        ["a:Разговор записывается для контроля качества.", "c:Да, хорошо."],
        ["a:Как к вам обращаться?", "c:{cname}.", "a:Очень приятно, {cname}."],
        ["c:Мне главное, чтобы всё сделали до {date}, у нас потом отпуск.", "a:Постараемся успеть."],
        ["a:У меня система немного подвисает, секунду.", "c:Ничего, я подожду.", "a:Так, загрузилось."],
        ["c:А это всё официально, с чеком?", "a:Да, чек придёт в электронном виде."],
        [
            "c:Я в прошлом месяце платила {price}, а сейчас {price}, почему так?",
            "a:Цены поменялись с {date}, к сожалению.",
        ],
    ],
    "en": [
        ["a:Bear with me one second while I pull that up.", "c:Sure, no problem."],
        [
            "c:Honestly, this is the third time I've called about this.",
            "a:I'm really sorry about that, let's get it sorted today.",
        ],
        [
            "a:You're a little quiet, are you on speaker?",
            "c:Yeah, I'm driving, hang on... Is that better?",
            "a:Much better.",
        ],
        ["c:Sorry, someone's at the door... Okay, I'm back.", "a:No worries."],
        ["a:Do you mind if I put you on a brief hold?", "c:Mm-hmm.", "a:Thanks for holding."],
        [
            "c:Are there any promotions running right now?",
            "a:Through {date} we have {pct} off for returning customers.",
        ],
        [
            "c:Last time someone promised to call me back and never did.",
            "a:I apologize, I'll note that on the account.",
        ],
        ["a:Just so you know, this call may be recorded for quality.", "c:That's fine."],
        ["a:Who do I have the pleasure of speaking with?", "c:{cname}.", "a:Thanks, {cname}."],
        ["c:I really need this done before {date}, we're traveling after that.", "a:We'll do our best."],
        ["a:My system's being slow today, sorry.", "c:That's okay.", "a:Alright, it loaded."],
        [
            "c:I paid {price} last month and now it's {price}, why?",
            "a:Prices went up on {date}, unfortunately.",
        ],
    ],
}
GENERIC: dict[str, list[list[str]]] = {
    "ru": [
        ["c:А можно оплатить частями?", "a:Да, можно в два платежа: {price} сейчас и остаток до {date}."],
        [
            "c:Мне нужен закрывающий документ для работы.",
            "a:Акт пришлём на почту, номер акта {invoice}.",
            "c:Хорошо.",
        ],
        ["a:Уточню: по обращению {ticket} ответ был {date}, вы его получали?", "c:Нет, ничего не приходило."],
        ["c:Я хочу поговорить с руководителем.", "a:Могу передать запрос, старший перезвонит до {time}."],
        ["a:Стоимость с учётом скидки {price}, без скидки было {price}.", "c:Ну, это уже лучше."],
        ["c:А если я откажусь, деньги вернут?", "a:Да, в течение {days} рабочих дней, за вычетом {price}."],
        ["a:Время работы у нас с 9:00 до 21:00, в выходные до 18:00.", "c:Понятно."],
        ["c:Я у вас уже заказывала, в {year} году, всё было хорошо.", "a:Спасибо, приятно слышать."],
        [
            "a:Я оформлю заявку {ticket}, срок рассмотрения {days} дней.",
            "c:А побыстрее нельзя?",
            "a:Постараемся.",
        ],
        ["c:Сколько всего получается, с доставкой?", "a:Итого {price}, доставка {price}."],
        ["a:Смс с подтверждением придёт в течение {days} минут.", "c:Жду."],
        [
            "c:А есть адрес, куда можно лично подъехать?",
            "a:Да, офис на Садовой, дом {house}, кабинет {room}.",
        ],
    ],
    "en": [
        ["c:Can I split the payment?", "a:Yes, two payments: {price} now and the rest by {date}."],
        ["c:I need an invoice for work.", "a:I'll email it, invoice number {invoice}.", "c:Perfect."],
        [
            "a:Just checking, case {ticket} got a reply on {date}, did you see it?",
            "c:No, I never got anything.",
        ],
        ["c:Can I speak to a manager?", "a:I can escalate it, a supervisor will call you before {time}."],
        ["a:With the discount it's {price}, it was {price} before.", "c:Okay, that's better."],
        [
            "c:If I cancel, do I get my money back?",
            "a:Yes, within {days} business days, minus a {price} fee.",
        ],
        ["a:We're open 9 to 9 weekdays and until 6 on weekends.", "c:Good to know."],
        ["c:I used you guys back in {year} and it went fine.", "a:Glad to hear it."],
        [
            "a:I'll open a request, {ticket}, it usually takes {days} days.",
            "c:Can it be faster?",
            "a:I'll flag it.",
        ],
        ["c:So what's the total with delivery?", "a:All in it's {price}, delivery {price}."],
        ["a:You'll get a confirmation text within {days} minutes.", "c:Great."],
        ["c:Is there an office I can come into?", "a:Yes, {house} Main Street, suite {room}."],
    ],
}
LOOKALIKE: dict[str, list[list[str]]] = {
    "ru": [
        ["c:Номер заказа у меня длинный, {long_order}.", "a:Да, вижу заказ {long_order}, оформлен {date}."],
        ["a:Трек-номер для отслеживания {tracking}.", "c:Записала, {tracking}."],
        ["c:Счёт на оплату номер {long_invoice} от {date}.", "a:Да, сумма по счёту {price}."],
        [
            "a:Реквизиты нашей компании: ИНН {inn_co}, КПП {kpp}.",
            "c:Записала, а ОГРН?",
            "a:ОГРН {ogrn}, БИК банка {bik}.",
        ],
        ["c:А корреспондентский счёт?", "a:Корсчёт {corr}."],
        [
            "a:Если будут вопросы, звоните на горячую линию {hotline}, звонок бесплатный.",
            "c:Записала, спасибо.",
        ],
        ["c:Серийный номер на наклейке {serial}.", "a:Спасибо, нашла."],
        ["a:IMEI {imei}, правильно?", "c:Да, всё верно."],
        ["c:Серийный номер телефона на коробке {imei}.", "a:Спасибо, нашла по серийному номеру."],
        ["c:VIN машины {vin}.", "a:Вижу, автомобиль на вас."],
        ["a:Сумма {price_words}, оплатить до {date_words}.", "c:Хорошо."],
        ["c:Показания счётчика на сегодня {meter}.", "a:Спасибо, внесла."],
        ["c:Я прилетаю рейсом {flight}, {date}, в {time}.", "a:Тогда давайте на следующий день."],
        ["a:Номер обращения {long_ticket}, по нему можно узнать статус.", "c:Записала."],
        ["a:Ваш тариф {tariff}, это {price} в месяц.", "c:А есть дешевле?", "a:Тариф {tariff} за {price}."],
        ["c:Госномер {plate}, серебристая.", "a:Записала."],
        ["a:Номер платёжного поручения {long_invoice}.", "c:Да, бухгалтер его и отправила."],
    ],
    "en": [
        ["c:The order number's long, it's {long_order}.", "a:Yep, order {long_order}, placed {date}."],
        ["a:Your tracking number is {tracking}.", "c:Got it, {tracking}."],
        ["c:Invoice number {long_invoice}, dated {date}.", "a:Right, that's for {price}."],
        ["a:If anything comes up, our toll-free line is {hotline}.", "c:Great, I'll save that."],
        ["c:The serial on the sticker is {serial}.", "a:Thanks, found it."],
        ["a:IMEI {imei}, is that right?", "c:Yep."],
        ["c:The serial number on the box is {imei}.", "a:Thanks, I found it by the serial."],
        ["c:VIN is {vin}.", "a:Okay, I see the vehicle."],
        ["a:The total is {price_words}, due {date_words}.", "c:Okay."],
        ["c:The meter reads {meter} as of today.", "a:Thanks, I've logged it."],
        ["c:I fly in on {flight}, {date}, landing at {time}.", "a:Then let's do the next morning."],
        ["a:Your case number is {long_ticket}, you can check status with it.", "c:Noted."],
        [
            "a:You're on plan {tariff}, which is {price} a month.",
            "c:Anything cheaper?",
            "a:Plan {tariff} at {price}.",
        ],
        ["c:Plate is {plate}, silver sedan.", "a:Got it."],
        ["a:And the remittance reference is {long_invoice}.", "c:Yes, our AP team sent it."],
    ],
}
AGENTS = {
    "ru": [
        "Анна",
        "Мария",
        "Екатерина",
        "Ольга",
        "Дмитрий",
        "Алексей",
        "Светлана",
        "Юлия",
        "Наталья",
        "Игорь",
    ],
    "en": ["Jessica", "Mike", "Tanya", "Derek", "Karen", "Luis", "Aisha", "Ben", "Shauna", "Raj"],
}
CUSTOMERS = {
    "ru": [
        "Сергей Иванович",
        "Татьяна",
        "Михаил Петрович",
        "Людмила Викторовна",
        "Артём",
        "Галина",
        "Виктор",
        "Ксения",
    ],
    "en": [
        "Tom Barrett",
        "Rachel",
        "Diane Cho",
        "Kevin Walsh",
        "Megan",
        "Mr. Hargrove",
        "Ms. Patel",
        "Ruth Abernathy",
    ],
}
RU_MONTHS = [
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
RU_MONTHS_ORD = [
    "первого", "второго", "третьего", "четвёртого", "пятого", "шестого", "седьмого", "восьмого", "девятого",
    "десятого", "одиннадцатого", "двенадцатого", "тринадцатого", "четырнадцатого", "пятнадцатого",
    "шестнадцатого", "семнадцатого", "восемнадцатого", "девятнадцатого", "двадцатого",
]  # fmt: skip
EN_MONTHS = [
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
KIND_WORD = {
    "ru": {
        "phone": "мой телефон",
        "card": "карта",
        "cvv": "код сзади",
        "email": "почта",
        "passport": "паспорт",
        "snils": "СНИЛС",
        "inn": "мой ИНН",
        "oms": "полис ОМС",
        "account": "счёт для возврата",
        "licence": "права",
    },
    "en": {
        "phone": "my number's",
        "card": "the card is",
        "cvv": "the code on the back is",
        "email": "my email's",
        "ssn": "my social is",
        "ssn4": "the last four of my social are",
        "ni": "my NI number's",
        "nhs": "my NHS number's",
        "licence": "my license number's",
        "iban": "the IBAN is",
    },
}
FUSED_WORD = {
    "ru": {
        "phone": "телефон",
        "card": "карта",
        "passport": "паспорт",
        "snils": "СНИЛС",
        "inn": "ИНН",
        "oms": "полис",
        "account": "счёт",
        "licence": "права",
        "cvv": "код",
    },
    "en": {
        "phone": "number",
        "card": "card",
        "ssn": "social",
        "ni": "number",
        "nhs": "NHS",
        "licence": "license",
        "iban": "IBAN",
        "cvv": "code",
        "ssn4": "social",
    },
}
REF_CLAUSE = {
    "ru": [
        "Заказ {order}",
        "Договор {contract}, сумма {price}",
        "Заявка {ticket} от {date}",
        "Счёт {invoice} на {price}",
        "Бронь {booking}",
    ],
    "en": [
        "Order {order}",
        "Contract {contract}, that was {price}",
        "Ticket {ticket} from {date}",
        "Invoice {invoice} for {price}",
        "Booking {booking}",
    ],
}
MONO_OPEN = {
    "ru": [
        "Да, здравствуйте, это... я вам звоню уже не первый раз, в общем, ситуация такая.",
        "Алло, добрый день, значит, слушайте, я сейчас всё расскажу по порядку, чтобы вы поняли.",
        "Здравствуйте, я вам оставляла сообщение, но никто не перезвонил, поэтому повторю всё с начала.",
    ],
    "en": [
        "Hi, yeah, so this is, um, I've called a couple of times already, so let me explain the whole thing.",
        "Hello, okay, so I'm going to go through everything from the start so whoever picks this up knows.",
        "Hi there, I left a message last week and nobody called back, so here's the whole story again.",
    ],
}
MONO_FILL = {
    "ru": [
        "Ну вот, и мне тогда сказали, что всё решат за пару дней, но ничего не решили.",
        "Я не знаю уже, к кому обращаться, честно говоря, на сайте ничего не понятно.",
        "Муж говорит, что надо писать претензию, но я сначала хочу по-хорошему.",
        "Перезвоните мне, пожалуйста, когда будет хоть какая-то информация, я весь день на связи.",
        "Там ещё была какая-то путаница с документами, но это уже отдельная история.",
        "В общем, я очень надеюсь, что в этот раз всё решится нормально.",
    ],
    "en": [
        "And they told me it would be sorted in a couple of days, which obviously didn't happen.",
        "I honestly don't know who else to talk to, the website just sends me in circles.",
        "My husband says I should file a complaint, but I wanted to try calling first.",
        "Please call me back as soon as you know anything, I'm around all day.",
        "There was also some mix-up with the paperwork, but that's a whole other story.",
        "Anyway, I'm really hoping we can just get this resolved this time.",
    ],
}


# ------------------------------------------------------------------------------------------------------
# numbers that must stay, as said


def _grp(d: str, sizes: Iterable[int], sep: str = " ") -> str:
    out, i = [], 0
    for s in sizes:
        out.append(d[i : i + s])
        i += s
    if i < len(d):
        out.append(d[i:])
    return sep.join(x for x in out if x)


def _price(lang: str, rng: random.Random, words: bool = False) -> str:
    n = rng.choice(
        [
            rng.randint(3, 99) * 50,
            rng.randint(10, 300) * 100,
            rng.randint(1, 60) * 1000 + rng.choice([0, 500, 990]),
        ]
    )
    if lang == "ru":
        cur = rng.choice(["рублей", "рублей", "руб.", "₽"])
        if words or rng.random() < 0.15:
            return f"{ru_words(n)} рублей"
        return (f"{n:,}".replace(",", " ") if rng.random() < 0.6 else str(n)) + " " + cur
    if words or rng.random() < 0.12:
        if n % 100 == 0 and 1100 <= n < 10000 and n % 1000 and rng.random() < 0.5:
            return f"{en_words(n // 100)} hundred dollars"
        return f"{en_words(n, use_and=rng.random() < 0.3)} dollars"
    r = rng.random()
    if r < 0.5:
        return f"${n:,}"
    if r < 0.7:
        return f"${n:,}.{rng.choice(['00', '99', '50', '95'])}"
    if r < 0.85:
        return f"£{n:,}"
    return f"{n:,} dollars"


def _date(lang: str, rng: random.Random, words: bool = False) -> str:
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.choice([2024, 2025, 2025, 2026])
    if lang == "ru":
        if words:
            return f"{RU_MONTHS_ORD[min(d, 20) - 1]} {RU_MONTHS[m - 1]}"
        return rng.choice(
            [
                f"{d:02d}.{m:02d}.{y}",
                f"{d} {RU_MONTHS[m - 1]}",
                f"{d} {RU_MONTHS[m - 1]} {y} года",
                f"{d:02d}.{m:02d}",
            ]
        )
    if words:
        return f"{EN_MONTHS[m - 1]} {_EN_ORD_WORD[min(d, 20) - 1]}"
    return rng.choice(
        [
            f"{m:02d}/{d:02d}/{y}",
            f"{EN_MONTHS[m - 1]} {d}",
            f"{EN_MONTHS[m - 1]} {d}, {y}",
            f"{d} {EN_MONTHS[m - 1]}",
        ]
    )


_EN_ORD_WORD = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
    "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
    "nineteenth", "twentieth",
]  # fmt: skip


def _time(lang: str, rng: random.Random) -> str:
    h, m = rng.randint(8, 19), rng.choice([0, 15, 30, 45])
    if lang == "ru":
        if rng.random() < 0.2 and m:
            return f"{ru_words(h)} {ru_words(m)}"
        return f"{h}:{m:02d}"
    h12 = h - 12 if h > 12 else h
    if rng.random() < 0.2 and m:
        return f"{en_words(h12)} {en_words(m)}"
    return f"{h12}:{m:02d}" + rng.choice(["", " a.m." if h < 12 else " p.m.", ""])


def _hotline(lang: str, rng: random.Random) -> str:
    a, b = rdigits(rng, 3), rdigits(rng, 4, string.digits)
    if lang == "ru":
        return rng.choice(
            [
                f"8 800 {a}-{b[:2]}-{b[2:]}",
                f"8-800-{a}-{b[:2]}-{b[2:]}",
                f"8 (800) {a} {b[:2]} {b[2:]}",
                f"8800{a}{b}",
            ]
        )
    if rng.random() < 0.25:
        return rng.choice([f"0800 {a} {b}", f"0808 {a} {b}"])
    return rng.choice([f"1-800-{a}-{b}", f"1 (888) {a}-{b}", f"1-877-{a}-{b}", f"(866) {a}-{b}"])


def _vin(rng: random.Random) -> str:
    wmi = rng.choice(["XTA", "WVW", "1HG", "JTD", "Z94", "KNA", "5YJ", "WBA"])
    vds = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(5))
    return (
        wmi
        + vds
        + rng.choice(string.digits + "X")
        + rng.choice("LMNPRST")
        + rng.choice("0123456789ABC")
        + rdigits(rng, 6, string.digits)
    )


def _plate(lang: str, rng: random.Random) -> str:
    if lang == "ru":
        lt = "АВЕКМНОРСТУХ"
        region = rng.choice(["77", "777", "197", "50", "750", "78", "178"])
        return f"{rng.choice(lt)} {rdigits(rng, 3)} {rng.choice(lt)}{rng.choice(lt)} {region}"
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
    return rng.choice([f"{rng.randint(1, 9)}{letters}{rdigits(rng, 3)}", f"{rdigits(rng, 3)} {letters}"])


def _serial(lang: str, rng: random.Random) -> str:
    return rng.choice(
        [
            f"SN{rdigits(rng, 2)}{rng.choice('KTWX')}{rdigits(rng, 9, string.digits)}",
            _grp(rdigits(rng, 12), (4, 4, 4), rng.choice([" ", "-"])),
            rng.choice(["WD", "HX", "PB", "LG"]) + rdigits(rng, 10, string.digits),
            f"{rdigits(rng, 3)}{rng.choice('KNTZ')}{rdigits(rng, 8, string.digits)}",
        ]
    )


def _imei(rng: random.Random) -> str:
    d = luhn_complete(rng.choice(["35", "86", "35", "01"]) + rdigits(rng, 12, string.digits))
    return rng.choice([d, _grp(d, (2, 6, 6, 1)), _grp(d, (3, 3, 3, 3, 3))])


def _long_order(rng: random.Random) -> str:
    d = rdigits(rng, 16)
    if rng.random() < 0.5:
        d = luhn_complete(d[:15])  # looks like a card to a Luhn check, but it is an order number
    return rng.choice([d, _grp(d, (4, 4, 4, 4)), _grp(d, (4, 4, 4, 4), "-")])


def _corr(rng: random.Random) -> str:
    d = "30101810" + rng.choice("1234") + "00000000" + rdigits(rng, 3)
    return rng.choice([d, _grp(d, (5, 3, 1, 4, 7)), _grp(d, (4, 4, 4, 4, 4))])


def _tracking(lang: str, rng: random.Random) -> str:
    if lang == "ru":
        return rng.choice([rdigits(rng, 14), rdigits(rng, 10), f"RA{rdigits(rng, 9)}RU"])
    return rng.choice(
        [
            f"1Z{rdigits(rng, 3)}{rng.choice(['AA', 'E4', 'X2'])}{rdigits(rng, 10, string.digits)}",
            _grp("9400" + rdigits(rng, 18, string.digits), (4,) * 6),
        ]
    )


def _num_said(n: str, lang: str, rng: random.Random, p_words: float = 0.1) -> str:
    """A reference number, now and then said in words ("сорок восемь двести тринадцать")."""
    if rng.random() < p_words and len(n) <= 6 and n[0] != "0":
        parts = [n[: len(n) - 3], n[len(n) - 3 :]] if len(n) > 3 else [n]
        return join_said(
            [say_group(p, lang, rng, "part") if lang == "ru" else say_group(p, lang, rng) for p in parts], rng
        )
    return n


def make_slot(name: str, lang: str, rng: random.Random) -> tuple[str | None, str]:
    """(kind of a number that must stay or None, text) for a template slot."""
    ru = lang == "ru"
    if name == "order":
        n = rdigits(rng, rng.choice([5, 6, 6, 7, 8]))
        return "order", rng.choice([f"№ {n}", n, n, f"#{n}", _num_said(n, lang, rng)]) if ru else rng.choice(
            [n, f"#{n}", f"No. {n}", _num_said(n, lang, rng)]
        )
    if name == "invoice":
        n = rdigits(rng, rng.choice([4, 6, 7]))
        return "invoice", rng.choice([f"№ {n}", f"СЧ-{n}", f"2025-{n}"]) if ru else rng.choice(
            [f"INV-{n}", n, f"#{n}"]
        )
    if name == "long_invoice":
        return "invoice", rdigits(rng, rng.choice([10, 11, 12]))
    if name in ("ticket", "long_ticket"):
        n = rdigits(rng, rng.choice([6, 7, 8]) if name == "ticket" else rng.choice([10, 12]))
        return "ticket", rng.choice([n, _grp(n, (3, 3, 4)), f"№ {n}" if ru else f"#{n}"])
    if name == "booking":
        n = rdigits(rng, rng.choice([5, 6]))
        return "booking", rng.choice([n, f"BK-{n}", _num_said(n, lang, rng)])
    if name == "tracking":
        return "tracking", _tracking(lang, rng)
    if name == "claim":
        n = rdigits(rng, rng.choice([6, 7]))
        return "claim", rng.choice([n, f"CLM-{n}", f"№ {n}" if ru else f"#{n}"])
    if name == "contract":
        if ru:
            forms = [
                f"{rdigits(rng, 2)}/{rdigits(rng, 4, string.digits)}",
                f"Д-2025/{rdigits(rng, 3)}",
                rdigits(rng, 6),
            ]
        else:
            forms = [f"LS-{rdigits(rng, 5)}", f"C-2025-{rdigits(rng, 3)}", rdigits(rng, 6)]
        return "contract", rng.choice(forms)
    if name in ("price", "price_words"):
        return "price", _price(lang, rng, words=name == "price_words")
    if name in ("date", "date_words"):
        return "date", _date(lang, rng, words=name == "date_words")
    if name == "time":
        return "time", _time(lang, rng)
    if name == "pct":
        if rng.random() < 0.5:
            return "percent", rng.choice(["12,5%", "7,5 %", "17,5 процента", "4,99%"]) if ru else rng.choice(
                ["4.99%", "12.5%", "7.25 percent"]
            )
        return None, rng.choice(["10%", "15 процентов", "5%", "20%"]) if ru else rng.choice(
            ["10%", "15 percent", "20%"]
        )
    if name == "year":
        return "year", str(rng.randint(2012, 2025))
    if name == "qty":
        if rng.random() < 0.3:
            return "quantity", str(rng.choice([120, 150, 200, 250, 300, 400, 500, 1200]))
        return None, str(rng.randint(2, 30))
    if name == "room":
        return "room", str(rng.choice([rng.randint(101, 450), rng.randint(1201, 1540)]))
    if name == "flat":
        return ("flat", str(rng.randint(100, 480))) if rng.random() < 0.5 else (None, str(rng.randint(2, 99)))
    if name == "meter":
        return "meter", rng.choice(
            [
                f"{rng.randint(1, 99):05d}",
                f"{rng.randint(10, 99)} {rng.randint(100, 999)}",
                str(rng.randint(1000, 99999)),
            ]
        )
    if name == "tariff":
        return "tariff", rng.choice([f"Т-{rdigits(rng, 3)}", f"S-{rdigits(rng, 3)}", f"{rdigits(rng, 3)}-Б"])
    if name == "flight":
        return "flight", rng.choice(
            [
                f"SU {rdigits(rng, 4)}",
                f"S7 {rdigits(rng, 4)}",
                f"BA {rdigits(rng, 3)}",
                f"UA {rdigits(rng, 4)}",
            ]
        )
    if name == "serial":
        return "serial", _serial(lang, rng)
    if name == "vin":
        return "vin", _vin(rng)
    if name == "plate":
        return "plate", _plate(lang, rng)
    if name == "inn_co":
        return "company_inn", inn_company(rng)
    if name == "kpp":
        return "kpp", rng.choice(["77", "78", "50", "54"]) + rng.choice(["01", "10", "19", "43"]) + "01001"
    if name == "ogrn":
        return "ogrn", ogrn(rng)
    if name == "bik":
        return "bik", "04" + rdigits(rng, 7, string.digits)
    if name == "corr":
        return "corr_account", _corr(rng)
    if name == "hotline":
        return "hotline", _hotline(lang, rng)
    if name == "imei":
        return "imei", _imei(rng)
    if name == "chip":
        d = rng.choice(["643", "985", "900"]) + rdigits(rng, 12, string.digits)
        return "chip", rng.choice([d, _grp(d, (3, 4, 4, 4))])
    if name == "model":
        return "model", rng.choice(
            [
                f"WAN{rdigits(rng, 5)}",
                f"T-{rdigits(rng, 3)}0",
                f"RB{rdigits(rng, 3)}",
                f"XR-{rdigits(rng, 4)}",
            ]
        )
    if name == "mileage":
        n = rng.randint(12, 180) * 1000 + rng.choice([0, 300, 500, 750])
        return "mileage", (f"{n:,}".replace(",", " ") + " км" if ru else f"{n:,}")
    if name == "long_order":
        return "order", _long_order(rng)
    if name == "school":
        return "school", rdigits(rng, 4)
    if name == "policy":  # a pet's insurance policy: neither a secret nor counted as a number to keep
        return None, rdigits(rng, 7)
    if name == "few":
        return None, str(rng.randint(2, 4))
    if name == "mins":
        return None, rng.choice(["45", "60", "90"])
    if name == "days":
        return None, str(rng.choice([2, 3, 5, 7, 10, 12, 14, 20, 24, 30]))
    if name == "house":
        return None, str(rng.randint(2, 98))
    if name == "grade":
        return None, str(rng.randint(5, 11))
    if name == "zone":
        return None, rng.choice(["А-12", "Б-7", "4", "C"]) if ru else rng.choice(["4", "C", "12"])
    if name == "power":
        return None, str(rng.choice([5, 8, 10, 15]))
    if name == "score":
        return None, str(rng.randint(70, 95)) if ru else str(rng.choice([1350, 1420, 1480]))
    if name == "day":
        return None, rng.choice(["1st", "15th", "28th"])
    raise KeyError(name)


# ------------------------------------------------------------------------------------------------------
# building one dialogue: turns with marked secrets and numbers that must stay

_SO, _SC, _KO, _KC, _BAR, _GLUE = "\u2983", "\u2984", "\u2985", "\u2986", "\u2502", "\u2060"
_MARK_RE = re.compile(f"([{_SO}{_KO}])(\\d+){_BAR}(.*?)[{_SC}{_KC}]", re.S)
_SLOT_RE = re.compile(r"\{(\w+)\}")
_ENTITY = {
    "bik", "booking", "chip", "claim", "contract", "corr", "hotline", "imei", "inn_co", "invoice", "kpp",
    "long_invoice", "long_order", "long_ticket", "model", "ogrn", "order", "plate", "school", "serial",
    "tariff", "ticket", "tracking", "vin",
}  # fmt: skip


class Builder:
    def __init__(self, lang: str, rng: random.Random, industry: str) -> None:
        self.lang, self.rng, self.industry = lang, rng, industry
        self.ind = INDUSTRIES[industry][lang]
        self.turns: list[tuple[str, str]] = []
        self.secrets: list[Secret] = []
        self.keeps: list[Keep] = []
        self.cache: dict[str, tuple[str | None, str]] = {}
        self.fixed = {
            "co": rng.choice(self.ind["co"]),
            "agent": rng.choice(AGENTS[lang]),
            "cname": rng.choice(CUSTOMERS[lang]),
        }
        self.tags: set[str] = set()
        self.block_cache: dict[str, tuple[str | None, str]] = {}

    def keep(self, kind: str, surface: str) -> str:
        runs = read_runs(surface)
        best = max((r.digits for r in runs), key=len, default="")
        if len(best) < 3:
            return surface
        tail = "." if surface.endswith(".") else ""
        surface = surface.removesuffix(tail)
        k = Keep(len(self.keeps), kind, surface, best)
        self.keeps.append(k)
        return f"{_KO}{k.kid}{_BAR}{surface}{_KC}{tail}"

    def slot(self, name: str) -> str:
        if name in self.fixed:
            return self.fixed[name]
        if name in self.block_cache and name in _ENTITY:
            kind, text = self.block_cache[name]
        elif name in _ENTITY and name in self.cache and self.rng.random() < 0.8:
            kind, text = self.cache[name]
        else:
            kind, text = make_slot(name, self.lang, self.rng)
            self.cache[name] = (kind, text)
        self.block_cache[name] = (kind, text)
        return self.keep(kind, text) if kind else text

    def fill(self, template: str) -> str:
        return _SLOT_RE.sub(
            lambda m: self.slot(m.group(1)) if m.group(1) not in ("X", "L", "W") else m.group(0), template
        )

    def say(self, role: str, text: str) -> None:
        text = re.sub(f"(?<!\\.)\\.([{_KC}{_SC}]?)\\.(?!\\.)", r"\1.", text)
        text = re.sub(f"[ ,:\u2014-]*{_GLUE}", "", text)
        first = re.search(r"[^\W\d_]", text)
        if first and first.start() <= 1 + text.find(_BAR) * (text.startswith((_SO, _KO))):
            i = first.start()
            text = text[:i] + text[i].upper() + text[i + 1 :]
        self.turns.append((role, text))

    def block(self, lines: list[str]) -> None:
        self.block_cache = {}
        for line in lines:
            role = "agent" if line[0] == "a" else "customer"
            self.say(role, self.fill(line[2:]))

    def secret(self, kind: str, value: str, style: str) -> Secret:
        s = Secret(len(self.secrets), kind, value, style=style)
        self.secrets.append(s)
        return s

    @staticmethod
    def mark(s: Secret, text: str) -> str:
        return f"{_SO}{s.sid}{_BAR}{text}{_SC}"

    def finish(self) -> list[tuple[str, str]]:
        """Strip the marks, recording where each secret and number that must stay sits."""
        clean: list[tuple[str, str]] = []
        for ti, (role, text) in enumerate(self.turns):
            out, pos = [], 0
            for m in _MARK_RE.finditer(text):
                out.append(text[pos : m.start()])
                start = sum(len(x) for x in out)
                body = m.group(3)
                out.append(body)
                if m.group(1) == _SO:
                    self.secrets[int(m.group(2))].spans.append((ti, start, start + len(body)))
                else:
                    k = self.keeps[int(m.group(2))]
                    k.turn, k.start, k.end = ti, start, start + len(body)
                pos = m.end()
            out.append(text[pos:])
            clean.append((role, "".join(out)))
        return clean


# ------------------------------------------------------------------------------------------------------
# saying a secret in a dialogue: how it is asked for, given, cut, read back

DELIVERIES = {
    "asked": 16, "vad_cut": 16, "interrupt": 12, "same_turn": 10, "volunteer": 8, "other_q": 9,
    "third_party": 8, "monologue": 9,
}  # fmt: skip
FORMS = {
    "punct": 20, "mixed": 20, "thousands": 11, "repeats": 9, "words": 11, "digits": 13, "fused": 7,
    "single": 6,
}  # fmt: skip
VAD_INTRO = {
    "ru": ["Да, {X}", "Так, {X}", "Записывайте, {X}", "{KW} {X}", "Ну, {X}", "Сейчас... {X}"],
    "en": ["Yeah, it's {X}", "Sure, {X}", "{KW} {X}", "Okay so {X}", "It's, um, {X}", "Right, {X}"],
}
EXPIRY = {
    "ru": (
        ["Срок действия карты?", "До какого числа карта?"],
        ["{m} {y}.", "До {m}/{y}.", "Ноль {mw}, {yw}."],
    ),
    "en": (["And the expiration date?", "Expiry date?"], ["{m}/{y}.", "{m} {y}.", "Oh {mw}, {yw}."]),
}


def _wchoice(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _fmt(template: str, **kw: str) -> str:
    out = template
    for k, v in kw.items():
        out = out.replace("{" + k + "}", v)
    return out


def _last(num: Num, lang: str, rng: random.Random) -> str:
    d = num.value[-4:]
    return d if rng.random() < 0.6 else join_said(say_groups([d[:2], d[2:]], lang, rng, "words"), rng)


def _readback_form(rng: random.Random) -> str:
    return rng.choice(["digits", "punct", "punct", "words", "mixed"])


class SecretSayer:
    """Appends the turns that carry one secret, in a delivery and a form."""

    def __init__(self, b: Builder) -> None:
        self.b, self.lang, self.rng = b, b.lang, b.rng

    def bank(self, kind: str, part: str) -> list[str]:
        return BANK[self.lang][kind][part]

    def say_secret(self, kind: str, delivery: str, form: str) -> Secret:
        b, lang, rng = self.b, self.lang, self.rng
        if kind == "email":
            return self.say_email(delivery, form)
        num = make_num(kind, lang, rng, want_repeat=form == "repeats")
        s = b.secret(kind, num.value, f"{delivery}/{form}")
        b.tags.update({f"deliver:{delivery}", f"form:{form}"})
        if num.sub:
            b.tags.add(f"sub:{kind}:{num.sub}")

        def whole(style: str = form) -> str:
            if style == "fused":  # Whisper glued the digits to the word before them
                return _GLUE + b.mark(s, render_num(num, kind, lang, "fused", rng))
            return b.mark(s, render_num(num, kind, lang, style, rng))

        def give_line() -> str:
            if form == "fused":
                fw = FUSED_WORD[lang][kind]
                return rng.choice(
                    [f"Да, {fw} {{X}}.", f"{fw} {{X}}.", f"Так, {fw}: {{X}}."]
                    if lang == "ru"
                    else [f"Yeah, {fw} {{X}}.", f"{fw} {{X}}.", f"Okay, {fw} {{X}}."]
                )
            return rng.choice(self.bank(kind, "give"))

        if delivery == "asked":
            b.say("agent", rng.choice(self.bank(kind, "ask")))
            b.say("customer", _fmt(give_line(), X=whole()))
        elif delivery in ("vad_cut", "interrupt"):
            pieces = split_num(
                num, kind, lang, form, rng, rng.choice([2, 2, 3]) if delivery == "vad_cut" else 2
            )
            if len(pieces) < 2:
                b.say("agent", rng.choice(self.bank(kind, "ask")))
                b.say("customer", _fmt(give_line(), X=whole()))
            else:
                b.say("agent", rng.choice(self.bank(kind, "ask")))
                intro = rng.choice(VAD_INTRO[lang])
                first = b.mark(s, pieces[0])
                if form == "fused":
                    first = _GLUE + first
                    intro = f"{FUSED_WORD[lang][kind]} {{X}}"
                b.say(
                    "customer", _fmt(intro, X=first, KW=KIND_WORD[lang][kind]) + rng.choice(["", "...", ","])
                )
                for i, p in enumerate(pieces[1:]):
                    if delivery == "interrupt" and i == 0:
                        b.say("agent", rng.choice(INTERRUPT[lang]))
                        b.say("customer", _fmt(rng.choice(CONTINUE[lang]), X=b.mark(s, p)))
                    else:
                        if rng.random() < 0.3:
                            b.say("agent", rng.choice(BACKCHANNEL[lang]))
                        b.say("customer", b.mark(s, p) + rng.choice(["", ".", "...", ","]))
        elif delivery == "same_turn":
            if rng.random() < 0.5:
                b.say("agent", rng.choice(self.bank(kind, "ask")))
            else:
                b.say("agent", rng.choice(self.bank(kind, "other_q")))
            ref = b.fill(rng.choice(REF_CLAUSE[lang]))
            joiner = ", а " if lang == "ru" else ", and "
            x = whole()
            kw = KIND_WORD[lang][kind]
            if rng.random() < 0.5:
                b.say("customer", f"{ref}{joiner}{kw} {x}.")
            else:
                b.say(
                    "customer",
                    f"{kw[0].upper()}{kw[1:]} {x}, "
                    + ("а " if lang == "ru" else "and ")
                    + ref[0].lower()
                    + ref[1:]
                    + ".",
                )
        elif delivery == "volunteer":
            b.say("customer", _fmt(rng.choice(self.bank(kind, "vol")), X=whole()))
            b.say(
                "agent",
                rng.choice(
                    ["Хорошо, записала.", "Поняла, спасибо.", "Угу, отметила."]
                    if lang == "ru"
                    else ["Okay, got it.", "Thanks, noted.", "Alright."]
                ),
            )
        elif delivery == "other_q":
            b.say("agent", rng.choice(self.bank(kind, "other_q")))
            b.say("customer", _fmt(rng.choice(self.bank(kind, "other")), X=whole()))
        elif delivery == "third_party":
            third = self.bank(kind, "third") or self.bank(kind, "give")
            if rng.random() < 0.5:
                b.say(
                    "agent",
                    "Может, указать ещё кого-то для связи?"
                    if lang == "ru"
                    else "Is there anyone else we should have on file?",
                )
            b.say("customer", _fmt(rng.choice(third), X=whole(), W=rng.choice(WHOSE[lang])))
        elif delivery == "monologue":
            self.monologue(s, whole(), kind)
        else:
            raise ValueError(delivery)
        # the agent reads it back, whole or in part
        r = rng.random()
        if delivery != "monologue" and r < 0.22:
            b.say("agent", _fmt(rng.choice(self.bank(kind, "readback")), X=whole(_readback_form(rng))))
            b.say("customer", rng.choice(CONFIRM[lang]))
            b.tags.add("readback")
        elif r < 0.42 and len(num.value) >= 8 and self.bank(kind, "partial"):
            last = _last(num, lang, rng)
            shown = last if kind == "card" else b.mark(s, last)  # a card's last four may stay
            b.say("agent", _fmt(rng.choice(self.bank(kind, "partial")), L=shown))
            b.say("customer", rng.choice(CONFIRM[lang]))
            b.tags.add("partial")
        return s

    def monologue(self, s: Secret, x: str, kind: str) -> None:
        b, lang, rng = self.b, self.lang, self.rng
        reason = re.sub(r"^(Здравствуйте|Добрый день|Hi|Hey|Hello),? ", "", rng.choice(b.ind["reason"]))
        sent = [rng.choice(MONO_OPEN[lang]), b.fill(reason[0].upper() + reason[1:])]
        lines = [
            ln[2:]
            for blk in b.ind["blocks"]
            for ln in blk
            if ln[0] == "c" and "{" in ln and len(ln.split()) >= 4
        ]
        fills = list(MONO_FILL[lang])
        rng.shuffle(fills)
        sent += [b.fill(x2) for x2 in rng.sample(lines, min(2, len(lines)))]
        sent.insert(rng.randint(2, len(sent)), _fmt(rng.choice(self.bank(kind, "vol")), X=x))
        while len(" ".join(sent).split()) < 65 and fills:
            sent.insert(rng.randint(1, len(sent)), fills.pop())
        b.say("customer", " ".join(sent))
        b.say(
            "agent",
            "Так, я всё записала, давайте по порядку."
            if lang == "ru"
            else "Okay, I've got all that, let's take it step by step.",
        )
        b.tags.add("monologue")

    def say_email(self, delivery: str, form: str) -> Secret:
        b, lang, rng = self.b, self.lang, self.rng
        local, domain = make_email(lang, rng)
        style = (
            rng.choice(["plain", "caps", "spoken", "split"])
            if delivery not in ("vad_cut", "interrupt")
            else "split"
        )
        s = b.secret("email", f"{local}@{domain}", f"{delivery}/{style}")
        b.tags.update({f"deliver:{delivery}", f"form:email-{style}"})
        pieces = say_email(local, domain, lang, style, rng)
        if delivery == "monologue":
            self.monologue(s, b.mark(s, "".join(pieces)), "email")
            return s
        if delivery in ("vad_cut", "interrupt") or style == "split":
            b.say("agent", rng.choice(self.bank("email", "ask")))
            b.say(
                "customer",
                _fmt(rng.choice(VAD_INTRO[lang]), X=b.mark(s, pieces[0]), KW=KIND_WORD[lang]["email"])
                + "...",
            )
            if delivery == "interrupt":
                b.say("agent", rng.choice(EMAIL_INTERRUPT[lang]))
                b.say("customer", _fmt(rng.choice(CONTINUE[lang]), X=b.mark(s, pieces[1])))
            else:
                b.say("customer", b.mark(s, pieces[1]))
        else:
            x = b.mark(s, pieces[0])
            if delivery == "same_turn":
                ref = b.fill(rng.choice(REF_CLAUSE[lang]))
                b.say("agent", rng.choice(self.bank("email", "ask")))
                b.say("customer", f"{ref}, " + ("а почта " if lang == "ru" else "and my email's ") + x + ".")
            elif delivery == "third_party":
                b.say(
                    "customer", _fmt(rng.choice(self.bank("email", "third")), X=x, W=rng.choice(WHOSE[lang]))
                )
            elif delivery in ("volunteer", "other_q"):
                if delivery == "other_q":
                    b.say("agent", rng.choice(self.bank("email", "other_q")))
                b.say(
                    "customer",
                    _fmt(rng.choice(self.bank("email", "vol" if delivery == "volunteer" else "other")), X=x),
                )
            else:
                b.say("agent", rng.choice(self.bank("email", "ask")))
                b.say("customer", _fmt(rng.choice(self.bank("email", "give")), X=x))
        r = rng.random()
        if r < 0.3:
            sp = b.mark(s, spell_local(local, lang, rng))
            b.say("customer", (f"По буквам: {sp}." if lang == "ru" else f"That's {sp}."))
            b.tags.add("spelled")
        elif r < 0.5:
            b.say("agent", _fmt(rng.choice(self.bank("email", "readback")), X=b.mark(s, f"{local}@{domain}")))
            b.say("customer", rng.choice(CONFIRM[lang]))
            b.tags.add("readback")
        return s

    def say_cvv(self) -> Secret:
        b, lang, rng = self.b, self.lang, self.rng
        num = make_num("cvv", lang, rng)
        form = rng.choice(["digits", "digits", "words", "punct", "single", "mixed"])
        s = b.secret("cvv", num.value, f"after_card/{form}")
        x = b.mark(s, render_num(num, "cvv", lang, "words" if form == "mixed" else form, rng))
        m, y = rng.randint(1, 12), rng.randint(26, 31)
        qs, ans = EXPIRY[lang]
        mw = _RU_U[m] if lang == "ru" and m < 10 else (say_group(str(m), lang, rng) if m >= 10 else _EN_U[m])
        yw = ru_words(y) if lang == "ru" else en_words(y)
        expiry = _fmt(rng.choice(ans), m=f"{m:02d}", y=str(y), mw=mw, yw=yw)
        r = rng.random()
        if r < 0.15:
            b.say("agent", rng.choice(self.bank("cvv", "other_q")))
            b.say(
                "customer", expiry[:-1] + (", код сзади " if lang == "ru" else ", and the code's ") + x + "."
            )
        elif r < 0.3:
            b.say("customer", _fmt(rng.choice(self.bank("cvv", "vol")), X=x))
        else:
            if rng.random() < 0.6:
                b.say("agent", rng.choice(qs))
                b.say("customer", expiry)
            b.say("agent", rng.choice(self.bank("cvv", "ask")))
            b.say("customer", _fmt(rng.choice(self.bank("cvv", "give")), X=x))
        if rng.random() < 0.15:
            b.say(
                "agent",
                _fmt(
                    rng.choice(self.bank("cvv", "readback")),
                    X=b.mark(s, render_num(num, "cvv", lang, "digits", rng)),
                ),
            )
            b.say("customer", rng.choice(CONFIRM[lang]))
        b.tags.add("cvv")
        return s


# ------------------------------------------------------------------------------------------------------
# the leak checker (independent of the redaction)


def windows(s: Secret) -> list[str]:
    """The digit strings whose being readable is a leak."""
    v = s.value
    if s.kind in ("cvv", "ssn4"):
        return [v]
    if s.kind == "card":
        return [v[i : i + 4] for i in range(len(v) - 4)]  # not only its last four
    return [v[i : i + 4] for i in range(len(v) - 3)]


def readable(s: Secret, text: str, runs: list[Run] | None = None) -> list[str]:
    """What of secret ``s`` can be read in ``text`` (empty: nothing)."""
    if s.kind == "email":
        return email_readable(s.value.split("@")[0], text)
    wins = windows(s)
    runs = read_runs(text) if runs is None else runs
    return [text[r.start : r.end] for r in runs if any(w in r.digits for w in wins)]


def keep_readable(k: Keep, runs: list[Run]) -> bool:
    return any(k.digits in r.digits for r in runs)


def check_output(case: Case, stored: list[str], compressed: str) -> dict[str, Any]:
    """Leaks, lost numbers, wrong types and touched negatives of one case's output."""
    assert len(stored) == len(case.turns), (case.cid, len(stored), len(case.turns))
    joined = " \n ".join(stored)
    runs_joined, runs_comp = read_runs(joined), read_runs(compressed)
    seg_runs = [read_runs(t) for t in stored]
    leaks, lost, wrong = [], [], []
    for s in case.secrets:
        where, spans = [], []
        a = readable(s, joined, runs_joined)
        if a:
            where.append("stored")
            spans += a
        c = readable(s, compressed, runs_comp)
        if c:
            where.append("compressed")
            spans += [x for x in c if x not in spans]
        if where:
            leaks.append((s.kind, s.value, "+".join(where), spans[:6]))
            continue
        got = set()
        for t in sorted({sp[0] for sp in s.spans}):
            got.update(m.group(0) for m in _PH_RE.finditer(stored[t]))
        if got and s.placeholder not in got:
            wrong.append(
                (s.kind, s.value, sorted(got), [stored[t] for t in sorted({sp[0] for sp in s.spans})][:3])
            )
    for k in case.keeps:
        if not keep_readable(k, seg_runs[k.turn]):
            lost.append((k.kind, k.surface, k.turn, "stored"))
        if not keep_readable(k, runs_comp):
            lost.append((k.kind, k.surface, k.turn, "compressed"))
    touched = case.negative and bool(_PH_RE.search(joined) or _PH_RE.search(compressed))
    return {"leaks": leaks, "lost": lost, "wrong_type": wrong, "touched": touched}


def redact_by_hand(case: Case, wrong: bool = False, keeps: Iterable[Keep] = ()) -> list[str]:
    """Each secret's spans replaced by its own placeholder (``wrong``: by another type's); ``keeps``
    are redacted too (as [ID]), to see that they then count as lost."""
    texts = [t for _, t in case.turns]
    edits: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for k in keeps:
        edits[k.turn].append((k.start, k.end, "[ID]"))
    for s in case.secrets:
        ph = s.placeholder
        if wrong:
            ph = "[PHONE]" if ph != "[PHONE]" else "[ID]"
        for t, a, z in s.spans:
            edits[t].append((a, z, ph))
    for t, es in edits.items():
        for a, z, ph in sorted(es, reverse=True):
            texts[t] = texts[t][:a] + ph + texts[t][z:]
    return texts


def _as_compressed(case: Case, texts: list[str]) -> str:
    return " \n ".join(
        f"{'Agent' if r == 'agent' else 'Customer'}: {t}" for (r, _), t in zip(case.turns, texts, strict=True)
    )


def case_is_sound(case: Case) -> bool:
    """Every secret readable raw and unreadable hand-redacted; every number that must stay survives."""
    digit_secrets = [s for s in case.secrets if s.kind != "email"]
    for a in digit_secrets:  # a leak of one secret must not read as another's
        for b in digit_secrets:
            if a is not b and any(w in b.value for w in windows(a)):
                return False
    raw = [t for _, t in case.turns]
    r = check_output(case, raw, _as_compressed(case, raw))
    if r["lost"] or len(r["leaks"]) != len(case.secrets):
        return False
    hand = redact_by_hand(case)
    h = check_output(case, hand, _as_compressed(case, hand))
    return not (h["leaks"] or h["lost"] or h["wrong_type"] or h["touched"])


# ------------------------------------------------------------------------------------------------------
# the generator


INDUSTRY_KEYS = list(INDUSTRIES)


def _pick_kinds(ind: Industry, lang: str, rng: random.Random) -> list[str]:
    n = rng.choices([1, 2, 3], weights=[4, 4, 2])[0]
    pool = [k for k in ind["kinds"] if k != "cvv"]
    weights = [1.0 if k in ("phone", "email", "card") else 1.7 for k in pool]
    kinds: list[str] = []
    for _ in range(n):
        k = rng.choices(pool, weights=weights)[0]
        if k == "ssn4" and "ssn" in kinds:
            k = "phone"
        if k not in kinds or k == "phone":
            kinds.append(k)
    if "card" in kinds and rng.random() < (0.65 if "cvv" in ind["kinds"] else 0.45):
        kinds.insert(kinds.index("card") + 1, "cvv")
    return kinds


def _fresh(rng: random.Random, pool: list[list[str]], seen: set[int]) -> list[str]:
    """A block not used yet in this dialogue, while there are any."""
    fresh = [b for b in pool if id(b) not in seen] or pool
    blk = rng.choice(fresh)
    seen.add(id(blk))
    return blk


def _dialogue(lang: str, industry: str, negative: bool, rng: random.Random) -> Builder:
    b = Builder(lang, rng, industry)
    ind = b.ind
    if negative:
        target = rng.randint(14, 45)
    else:
        target = rng.randint(25, 60) if rng.random() < 0.8 else rng.randint(10, 24)
    b.say("agent", b.fill(rng.choice(ind["greet"])))
    b.say("customer", b.fill(rng.choice(ind["reason"])))
    sayer = SecretSayer(b)
    plan: list[tuple[float, str, str, str]] = []
    if not negative:
        for kind in _pick_kinds(ind, lang, rng):
            if kind == "cvv":
                plan.append((plan[-1][0] + 0.001 if plan else 0.5, "cvv", "after_card", ""))
                continue
            delivery = _wchoice(rng, DELIVERIES)
            if kind in ("ssn4",) and delivery in ("vad_cut", "interrupt"):
                delivery = "asked"
            form = _wchoice(rng, FORMS)
            if kind in ("ssn4",) and form in ("thousands", "repeats"):
                form = "words"
            if kind in ("ni", "iban", "licence") and lang == "en" and form == "fused":
                form = "punct"
            pos = 0.0 if delivery == "volunteer" and rng.random() < 0.6 else rng.uniform(0.15, 0.85)
            plan.append((pos, kind, delivery, form))
        plan.sort(key=lambda p: p[0])
        # a card's code comes right after the card
        for i, p in enumerate(plan):
            if p[1] == "cvv":
                card = next((j for j, q in enumerate(plan) if q[1] == "card"), None)
                if card is None:
                    plan[i] = (p[0], "phone", "asked", "punct")
                else:
                    plan[i] = (plan[card][0] + 0.0001, "cvv", "after_card", "")
        plan.sort(key=lambda p: p[0])
    blocks = list(ind["blocks"])
    rng.shuffle(blocks)
    seen: set[int] = set()
    used = 0
    closing = rng.choice(ind["close"])
    while True:
        frac = len(b.turns) / max(target, 1)
        if plan and plan[0][0] <= frac:
            _, kind, delivery, form = plan.pop(0)
            if kind == "cvv":
                sayer.say_cvv()
            else:
                sayer.say_secret(kind, delivery, form)
            continue
        if len(b.turns) >= target - len(closing):
            if plan:
                plan[0] = (0.0, *plan[0][1:])
                continue
            break
        r = rng.random()
        look = 0.35 if negative else 0.18
        if r < look:
            blk = _fresh(rng, LOOKALIKE[lang], seen)
            b.tags.add("lookalike")
        elif r < look + 0.22:
            blk = _fresh(rng, CHATTER[lang], seen)
        elif r < look + 0.28:
            blk = (
                ["a:" + rng.choice(BACKCHANNEL[lang])]
                if rng.random() < 0.3
                else ["c:" + rng.choice(BACKCHANNEL[lang])]
            )
        elif used < len(blocks):
            blk = blocks[used]
            used += 1
        else:
            blk = _fresh(rng, GENERIC[lang] + blocks, seen)
        b.block(blk)
    b.block(closing)
    return b


def generate() -> list[Case]:
    """The 400 dialogues: 150 positive and 50 negative per language, seeded."""
    rng = random.Random(SEED)
    cases: list[Case] = []
    for lang in LANGS:
        for negative, count in ((False, N_POS), (True, N_NEG)):
            for i in range(count):
                industry = INDUSTRY_KEYS[
                    (i * 7 + (3 if negative else 0) + (5 if lang == "en" else 0)) % len(INDUSTRY_KEYS)
                ]
                for _attempt in range(200):
                    b = _dialogue(lang, industry, negative, rng)
                    turns = b.finish()
                    tags = sorted(b.tags | {"long" if len(turns) >= 25 else "short"})
                    cid = f"{'neg' if negative else 'pos'}-{lang}-{i + 1:03d}"
                    case = Case(cid, lang, industry, turns, b.secrets, b.keeps, negative, tags)
                    if case_is_sound(case):
                        break
                else:
                    raise AssertionError(f"could not build a sound dialogue for {cid}")
                cases.append(case)
    return cases


# ------------------------------------------------------------------------------------------------------
# running the pipeline and measuring


def run_case(case: Case) -> tuple[list[str], str]:
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    tr = make_transcript_from_turns(case.cid, case.turns, case.lang)
    filtered = filter_transcript(tr)
    stored = [s["text"] for s in filtered["transcript"]["segments"]]
    compressed = compress(filtered, len, "probe")["text"]
    return stored, compressed


def _summarise(cases: list[Case], outputs: list[tuple[list[str], str]]) -> dict[str, Any]:
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_scen: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_tag: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures = []
    n_secrets = n_leaked = n_keeps = n_lost = n_wrong = n_touched = n_broken = 0
    for case, (stored, compressed) in zip(cases, outputs, strict=True):
        r = check_output(case, stored, compressed)
        leaked_values = {(k, v) for k, v, _, _ in r["leaks"]}
        for s in case.secrets:
            hit = (s.kind, s.value) in leaked_values
            for table, key in (
                (per_type, f"{s.kind}/{case.lang}"),
                (per_lang, case.lang),
                (per_scen, case.scenario),
            ):
                table[key][0] += hit
                table[key][1] += 1
            delivery, form = s.style.split("/")
            for part in (
                f"deliver:{delivery}",
                f"form:{form}" if s.kind != "email" else f"form:email-{form}",
            ):
                per_tag[part][0] += hit
                per_tag[part][1] += 1
        n_secrets += len(case.secrets)
        n_leaked += len(r["leaks"])
        n_keeps += len(case.keeps)
        n_lost += len({(k, t) for k, _, t, _ in r["lost"]})
        n_wrong += len(r["wrong_type"])
        n_touched += r["touched"]
        n_broken += sum(bool(_BROKEN_PH_RE.search(_PH_RE.sub("", t))) for t in stored)
        if r["leaks"] or r["lost"] or r["wrong_type"] or r["touched"]:
            failures.append(
                {
                    "case": case.cid,
                    "lang": case.lang,
                    "scenario": case.scenario,
                    "tags": case.tags,
                    "turns": case.turns,
                    "stored": stored,
                    "compressed": compressed,
                    "leaks": r["leaks"],
                    "lost": r["lost"],
                    "wrong_type": r["wrong_type"],
                    "touched": r["touched"],
                    "secrets": [(s.kind, s.value, s.style, s.spans) for s in case.secrets],
                }
            )
    return {
        "cases": len(cases),
        "positive": sum(not c.negative for c in cases),
        "negative": sum(c.negative for c in cases),
        "secrets": n_secrets,
        "leaked": n_leaked,
        "keeps": n_keeps,
        "lost_keeps": n_lost,
        "wrong_type": n_wrong,
        "negative_with_placeholder": n_touched,
        "broken_placeholders": n_broken,  # stored segments holding a piece of a placeholder
        "per_type": {k: tuple(v) for k, v in sorted(per_type.items())},
        "per_lang": {k: tuple(v) for k, v in sorted(per_lang.items())},
        "per_scenario": {k: tuple(v) for k, v in sorted(per_scen.items())},
        "per_tag": {k: tuple(v) for k, v in sorted(per_tag.items())},
        "failures": failures,
    }


def evaluate(cases: list[Case] | None = None) -> dict[str, Any]:
    """Run every case through filter + compress and count what can still be read."""
    cases = generate() if cases is None else cases
    return _summarise(cases, [run_case(c) for c in cases])


def self_check(cases: list[Case] | None = None) -> None:
    """The checker sees every leak with no redaction and none with a perfect one."""
    cases = generate() if cases is None else cases
    raw = [([t for _, t in c.turns], _as_compressed(c, [t for _, t in c.turns])) for c in cases]
    r = _summarise(cases, raw)
    assert r["leaked"] == r["secrets"] > 0, (
        "unredacted secrets must all be readable",
        r["leaked"],
        r["secrets"],
    )
    assert r["lost_keeps"] == 0, "no number that must stay is lost without redaction"
    assert r["negative_with_placeholder"] == 0
    hand = [(redact_by_hand(c), _as_compressed(c, redact_by_hand(c))) for c in cases]
    h = _summarise(cases, hand)
    assert h["leaked"] == 0, [f["leaks"] for f in h["failures"]][:3]
    assert h["lost_keeps"] == 0, [f["lost"] for f in h["failures"]][:3]
    assert h["wrong_type"] == 0 and h["negative_with_placeholder"] == 0
    wrong = [(redact_by_hand(c, wrong=True), _as_compressed(c, redact_by_hand(c, wrong=True))) for c in cases]
    w = _summarise(cases, wrong)
    assert w["leaked"] == 0 and w["wrong_type"] == w["secrets"], (w["leaked"], w["wrong_type"], w["secrets"])
    # a number that must stay, redacted, is lost
    lost_seen = 0
    for c in cases[:: max(1, len(cases) // 40)]:
        if not c.keeps:
            continue
        texts = redact_by_hand(c)
        runs = read_runs(" \n ".join(texts))
        unique = [k for k in c.keeps if sum(k.digits in r.digits for r in runs) == 1]
        if not unique:
            continue
        k = unique[len(unique) // 2]
        texts = redact_by_hand(c, keeps=[k])
        res = check_output(c, texts, _as_compressed(c, texts))
        assert any(x[2] == k.turn and x[1] == k.surface for x in res["lost"]), (c.cid, k)
        lost_seen += 1
    assert lost_seen > 10


# ------------------------------------------------------------------------------------------------------
# report


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f} %" if b else "-"


def _short(text: str, n: int = 240) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


def report(r: dict[str, Any], out: Callable[[str], Any] = print) -> None:
    out(
        f"cases {r['cases']} ({r['positive']} positive, {r['negative']} negative); "
        f"secrets {r['secrets']}, leaked {r['leaked']} ({_pct(r['leaked'], r['secrets'])}); "
        f"numbers that must stay {r['keeps']}, lost {r['lost_keeps']}; wrong type {r['wrong_type']}; "
        f"negatives touched {r['negative_with_placeholder']} of {r['negative']}"
    )
    out(f"stored segments with a broken piece of a placeholder ('[PHO' / 'NE]'): {r['broken_placeholders']}")
    out("per language: " + ", ".join(f"{k} {a}/{b} ({_pct(a, b)})" for k, (a, b) in r["per_lang"].items()))
    out("\nper type/lang (leaked, total):")
    for k, (a, b) in sorted(r["per_type"].items(), key=lambda kv: (-kv[1][0] / max(kv[1][1], 1), kv[0])):
        out(f"  {k:<14} {a:>3} / {b:<3} {_pct(a, b):>8}")
    out("\nper scenario:")
    for k, (a, b) in sorted(r["per_scenario"].items(), key=lambda kv: -kv[1][0] / max(kv[1][1], 1)):
        out(f"  {k:<22} {a:>3} / {b:<3} {_pct(a, b):>8}")
    out("\nper delivery / form:")
    for k, (a, b) in sorted(r["per_tag"].items(), key=lambda kv: -kv[1][0] / max(kv[1][1], 1)):
        out(f"  {k:<22} {a:>3} / {b:<3} {_pct(a, b):>8}")
    lost_kinds: dict[str, int] = defaultdict(int)
    for f in r["failures"]:
        for kind, _, _, where in f["lost"]:
            lost_kinds[f"{kind}@{where}"] += 1
    out(
        "\nlost numbers that must stay, by kind@where: "
        + ", ".join(f"{k} {v}" for k, v in sorted(lost_kinds.items(), key=lambda kv: -kv[1]))
    )
    out("\nfailing cases:")
    for f in r["failures"]:
        out(f"\n== {f['case']} [{f['scenario']}] {' '.join(f['tags'])}{'  TOUCHED' if f['touched'] else ''}")
        turns_of: set[int] = set()
        for kind, value, where, spans in f["leaks"]:
            out(f"  LEAK {kind} {value} in {where}: {spans}")
            sec = next((x for x in f["secrets"] if x[0] == kind and x[1] == value), None)
            if sec:
                turns_of.update(sp[0] for sp in sec[3])
        for kind, value, got, segs in f["wrong_type"]:
            out(f"  WRONG TYPE {kind} {value} got {got}: {[_short(x, 120) for x in segs]}")
            sec = next((x for x in f["secrets"] if x[0] == kind and x[1] == value), None)
            if sec:
                turns_of.update(sp[0] for sp in sec[3])
        for kind, surface, turn, where in f["lost"]:
            d = re.sub(r"\D", "", surface)
            luhn = " (Luhn-valid)" if len(d) in (15, 16) and luhn_ok(d) else ""
            out(f"  LOST {kind} {surface!r}{luhn} (turn {turn}) in {where}")
            turns_of.add(turn)
        if f["touched"]:
            turns_of.update(i for i, t in enumerate(f["stored"]) if _PH_RE.search(t))
        for t in sorted(turns_of):
            role, raw = f["turns"][t]
            out(f"    {t:>2} {role[0]} raw:    {_short(raw)}")
            if f["stored"][t] != raw:
                out(f"       stored: {_short(f['stored'][t])}")
        hits = [
            ln for ln in f["compressed"].split("\n") if any(sp in ln for *_, sps in f["leaks"] for sp in sps)
        ]
        if hits:
            out("    compressed: " + _short(" | ".join(hits), 400))


def main() -> int:
    t0 = time.time()
    cases = generate()
    self_check(cases)
    r = evaluate(cases)
    report(r)
    print(f"\n({time.time() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
