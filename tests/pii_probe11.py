"""Blind PII probe 11: how telephony ASR mangles numbers, and who ends up saying them.

Angle. ~300 seeded call-centre dialogues (half Russian, half English) in seven industries no blind
probe centred on: utilities (ЖКХ, electricity), logistics (parcels, CDEK, FedEx), education, hotels,
car rental, pharmacy and microfinance. 80 % carry one to three secrets each, 20 % none but many
look-alike numbers given the same awkward ways. Each secret is given by one "pattern":

* ``case_forms`` (ru): Russian number words in oblique cases after the word that governs them
  ("начинается с восьми девятисот шестнадцати", "привязан к сорока трём", "совпадает с
  двумястами ..."); also amounts that must stay ("не больше пятидесяти семи тысяч");
* ``colloquial`` (ru): fast speech as Whisper writes it ("нуль", "сем", "восем", "шисят", "писят",
  "девятсот", "тыща");
* ``digit_nouns`` (ru): digits said as nouns ("девятка, единичка, шестёрка", "две семёрки");
* ``homophone`` (en): "won", "to"/"too", "for", "ate", "oh"/"o", "nought", "niner" for digits;
* ``asr_split``: digits split or merged wrongly ("4 1 11 11", "41 1111 9", "eleven eleven");
* ``thousands``: groups read as thousands ("четыре тысячи двести семьдесят шесть", "six hundred
  twelve thousand three hundred forty-five", "five five five, two thousand");
* ``lang_switch``: the language changes mid-number (a Russian call with English groups, an English
  call where the caller falls back to Russian digits), also in e-mails ("марина dot petrova");
* ``crosstalk``: part of the caller's number is heard in the agent's channel (a segment of role
  agent, overlapping in time, "угу... сорок пять шестьдесят семь");
* ``interrupted``: the number over three or four of the caller's breaths, the agent's fillers and
  short asides between ("так-так", "секунду, пишу", "mm-hmm, go on");
* ``lookalike``: IDs of letters and digits with Cyrillic/Latin look-alike letters ("77 УA 123456",
  "АB 12 34 56 C", "DЕ89 ..."), a letter O for a zero ("37O4 OO44"), e-mails with a Cyrillic "а"
  or "о" inside a Latin address;
* ``low_conf``: a piece of the number in a segment Whisper doubted (avg_logprob -1.3,
  no_speech_prob 0.75: a noisy line), which the filter may drop but still stores;
* ``repeat_loop``: Whisper looping, the caller's breath with the number written twice in a row.

Secret kinds, each valid for its type (checked by ``self_check``): cards (Visa, Mastercard, Mir;
Luhn), personal phones (RU mobile 9xx, US NANP not toll-free, UK 07), e-mails, RU passports
(series + number), US passports, SNILS (checksum), a person's INN (12 digits, both check digits),
RU driver's licences (new all-digit and old letter formats), personal RU bank accounts (40817...,
key digit against the BIK), IBANs (DE/GB, mod 97), US SSNs (valid areas), UK National Insurance
numbers (valid prefixes), California driver's licences.

Must-stay numbers (README policy): order, tracking, booking, reservation, contract, invoice and
prescription numbers, meter readings, amounts (also in case forms and thousands), dates, times,
postcodes, room numbers, mileage, percentages, a company's INN/KPP/OGRN/BIK, a card's last four and
toll-free hotlines (8 800, 1-800, 0800).

Leak rule (this probe's own checker, written without the redaction code). A text is read with
digits and Russian/English number words composed as a listener hears them ("девятьсот шестнадцать"
= 916, "четыре тысячи двести" = 4200, "сорока трёх" = 43, "двумястами" = 200, "twenty-one
hundred" = 2100, "eleven eleven" = 1111, "две семёрки" = 77, "double five" = 55, every homophone and
colloquial form above; a letter O between digits is a zero); a comma or full stop ends a composed
number but not the digits "in a row". Digits stay in a row across punctuation, fillers, segment
boundaries and at most three other words; a placeholder ends the row. A numeric secret LEAKS when 4
of its digits in a row (any window of 4; a card: not only its last four) can be read in the stored
segments joined in order, in one speaker's stored segments joined, in the compressed LLM text, or
in one speaker's lines of it. An e-mail LEAKS when its whole local part (dots, underscores, hyphens
ignored) can be read in the same texts, plainly, transliterated from Cyrillic or spelled letter by
letter (Latin letters or Russian letter names), or when 5 or more of its last characters can be
read right before the "@" ("at", "собака"). A must-stay number is LOST when its digits cannot be read
in its own stored segment(s) or anywhere in the compressed text. A negative dialogue is TOUCHED when
any placeholder shows in its stored segments or compressed text.

Self-check: with no redaction every secret leaks; with perfect hand redaction (only the secret's own
spans replaced by its placeholder) none leaks and every must-stay number is readable. A dialogue that
fails is generated again.

Run: ``cd /work/main && .venv/bin/python -m tests.pii_probe11``.

Blind measurement (written without reading the redaction code or the earlier probes' bodies; SEED =
11011, at b6ee997; 300 dialogues, 431 secrets, 1 856 numbers that must stay, 60 negatives):

* secrets leaked 141/431 = 32.7 % (ru 71/220 = 32.3 %, en 70/211 = 33.2 %). Per type: iban/en
  23/35, passport/ru 15/37, snils/ru 14/28, ni/en 13/33, card/ru 11/26, licence/ru 11/34, licence/en
  10/23, inn/ru 8/28, ssn/en 8/41, account/ru 7/27, phone/en 7/16, passport/en 5/28, card/en 4/24,
  phone/ru 4/21, email/ru 1/19, email/en 0/11.
* per pattern: colloquial/ru 19/21 (a number with "писят", "шисят", "восем", "девятсот" is not
  seen as a number at all), crosstalk/ru 17/19 and /en 14/18 (the caller's digits in the agent's
  channel), homophone/en 18/23, asr_split/en 16/27 and /ru 12/19, lookalike/en 9/17 and /ru 9/23
  (a letter O for a zero, look-alike letters), digit_nouns/ru 7/22; but thousands 5/50, case forms
  2/13, lang_switch 1/43, interrupted 5/54, low_conf 5/39, repeat_loop 2/43.
* must-stay numbers lost 71/1 856 = 3.8 %: contract numbers "договор номер 0933-678275" 30/113 (as
  [PHONE]), reservation 11/50 ([ID]/[CARD]), invoice 8/56 ([PHONE]), tracking 6/64 (CDEK 10 digits
  as [ID], 14-digit postal as [CARD]), application 4/58, order 4/135, prescription 4/63, booking
  2/64, a BIK 1/6, a meter reading 1/58; 25 of them in the LLM text only (a number dictated over
  breaths whose later pieces the compressed text no longer holds).
* negative dialogues touched 17/60 (all by those contract, invoice, reservation, prescription
  numbers).
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

SEED = 11011
N_POS_PER_LANG = 120
N_NEG_PER_LANG = 30
MAX_GAP_WORDS = 3
PLACEHOLDER = re.compile(r"\[(?:PHONE|CARD|EMAIL|ID)\]")

# ------------------------------------------------------------------------------------------------
# number words: writing
# ------------------------------------------------------------------------------------------------
# fmt: off
EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen"]
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
RU_UNITS = {
    "nom": ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"],
    "gen": ["нуля", "одного", "двух", "трёх", "четырёх", "пяти", "шести", "семи", "восьми", "девяти"],
    "dat": ["нулю", "одному", "двум", "трём", "четырём", "пяти", "шести", "семи", "восьми", "девяти"],
    "ins": ["нулём", "одним", "двумя", "тремя", "четырьмя", "пятью", "шестью", "семью", "восемью",
            "девятью"],
}
RU_FEM = {"nom": ["одна", "две"], "gen": ["одной", "двух"], "dat": ["одной", "двум"],
          "ins": ["одной", "двумя"]}
RU_TEENS_NOM = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
                "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"]
RU_TENS = {
    "nom": ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
            "девяносто"],
    "gen": ["", "", "двадцати", "тридцати", "сорока", "пятидесяти", "шестидесяти", "семидесяти",
            "восьмидесяти", "девяноста"],
    "ins": ["", "", "двадцатью", "тридцатью", "сорока", "пятьюдесятью", "шестьюдесятью", "семьюдесятью",
            "восемьюдесятью", "девяноста"],
}
RU_TENS["dat"] = RU_TENS["gen"]
RU_HUNDREDS = {
    "nom": ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
            "девятьсот"],
    "gen": ["", "ста", "двухсот", "трёхсот", "четырёхсот", "пятисот", "шестисот", "семисот", "восьмисот",
            "девятисот"],
    "dat": ["", "ста", "двумстам", "трёмстам", "четырёмстам", "пятистам", "шестистам", "семистам",
            "восьмистам", "девятистам"],
    "ins": ["", "ста", "двумястами", "тремястами", "четырьмястами", "пятьюстами", "шестьюстами",
            "семьюстами", "восемьюстами", "девятьюстами"],
}
# thousand: (one, two-four, five+)
RU_THOUSAND = {"nom": ("тысяча", "тысячи", "тысяч"), "gen": ("тысячи", "тысяч", "тысяч"),
               "dat": ("тысяче", "тысячам", "тысячам"), "ins": ("тысячей", "тысячами", "тысячами")}
RU_COLLOQUIAL = {"ноль": ["нуль", "нолик"], "семь": ["сем"], "восемь": ["восем"], "пятьдесят": ["писят"],
                 "шестьдесят": ["шисят", "шейсят"], "пятьсот": ["пятсот"], "семьсот": ["семсот"],
                 "восемьсот": ["восемсот"], "девятьсот": ["девятсот"], "тысяча": ["тыща"],
                 "тысячи": ["тыщи"], "тысяч": ["тыщ"]}
RU_DIGIT_NOUN = ["нолик", "единичка", "двойка", "тройка", "четвёрка", "пятёрка", "шестёрка", "семёрка",
                 "восьмёрка", "девятка"]
RU_DIGIT_NOUN_PL = ["нолика", "единички", "двойки", "тройки", "четвёрки", "пятёрки", "шестёрки", "семёрки",
                    "восьмёрки", "девятки"]
EN_HOMOPHONES = {"0": ["oh", "o", "nought"], "1": ["won"], "2": ["to", "too"], "4": ["for"], "8": ["ate"],
                 "9": ["niner"]}
# fmt: on


def ru_teen(v: int, case: str) -> str:
    w = RU_TEENS_NOM[v - 10]
    if case == "nom":
        return w
    return w[:-1] + ("ью" if case == "ins" else "и")


def ru_small(n: int, case: str = "nom", fem: bool = False) -> list[str]:
    """0..999 as Russian words in a case."""
    if n == 0:
        return [RU_UNITS[case][0]]
    out = []
    h, r = divmod(n, 100)
    if h:
        out.append(RU_HUNDREDS[case][h])
    if 10 <= r <= 19:
        out.append(ru_teen(r, case))
    else:
        t, u = divmod(r, 10)
        if t:
            out.append(RU_TENS[case][t])
        if u:
            out.append(RU_FEM[case][u - 1] if fem and u in (1, 2) else RU_UNITS[case][u])
    return out


def ru_card(n: int, case: str = "nom") -> str:
    """0..999 999 as Russian words in a case ("четыре тысячи двести семьдесят шесть")."""
    th, r = divmod(n, 1000)
    words: list[str] = []
    if th:
        one, few, many = RU_THOUSAND[case]
        if th == 1:
            words.append(one)
        else:
            words += ru_small(th, case, fem=True)
            last2, last = th % 100, th % 10
            words.append(many if 11 <= last2 <= 14 else one if last == 1 else few if 2 <= last <= 4 else many)
    if r or not th:
        words += ru_small(r, case)
    return " ".join(words)


def en_small(n: int, hyphen: bool = True) -> str:
    if n < 10:
        return EN_UNITS[n]
    if n < 20:
        return EN_TEENS[n - 10]
    t, u = divmod(n, 10)
    return EN_TENS[t] + (("-" if hyphen else " ") + EN_UNITS[u] if u else "")


def en_card(n: int, hyphen: bool = True, and_: bool = False) -> str:
    """0..999 999 as English words."""
    th, r = divmod(n, 1000)
    parts = []
    if th:
        parts.append(en_card(th, hyphen) + " thousand")
    if r or not th:
        h, rr = divmod(r, 100)
        if h:
            parts.append(EN_UNITS[h] + " hundred")
        if rr or not (h or th):
            parts.append(("and " if and_ and (h or th) else "") + en_small(rr, hyphen))
    return " ".join(parts)


def card_words(n: int, lang: str, case: str = "nom") -> str:
    return ru_card(n, case) if lang == "ru" else en_card(n)


def unit_word(d: str, lang: str) -> str:
    return RU_UNITS["nom"][int(d)] if lang == "ru" else EN_UNITS[int(d)]


# ------------------------------------------------------------------------------------------------
# number words: reading (the checker's own)
# ------------------------------------------------------------------------------------------------


def _yo(w: str) -> list[str]:
    return [w, w.replace("ё", "е")] if "ё" in w else [w]


def _build_lexicon() -> dict[str, tuple[str, int]]:
    lex: dict[str, tuple[str, int]] = {}

    def put(word: str, kind: str, value: int) -> None:
        for w in _yo(word):
            lex.setdefault(w, (kind, value))

    for i, w in enumerate(EN_UNITS):
        put(w, "unit", i)
    for i, w in enumerate(EN_TEENS):
        put(w, "teen", 10 + i)
    for i, w in enumerate(EN_TENS):
        if w:
            put(w, "ten", 10 * i)
    put("hundred", "mulh", 100)
    put("thousand", "thou", 1000)
    for d, ws in EN_HOMOPHONES.items():
        for w in ws:
            put(w, "unit", int(d))
    put("double", "rep", 2)
    put("triple", "rep", 3)
    for case in RU_UNITS:
        for i, w in enumerate(RU_UNITS[case]):
            put(w, "unit", i)
        for i, w in enumerate(RU_FEM[case]):
            put(w, "unit", i + 1)
        for v in range(10, 20):
            put(ru_teen(v, case), "teen", v)
        for i, w in enumerate(RU_TENS[case]):
            if w:
                put(w, "ten", 10 * i)
        for i, w in enumerate(RU_HUNDREDS[case]):
            if w:
                put(w, "hund", 100 * i)
        for w in RU_THOUSAND[case]:
            put(w, "thou", 1000)
    put("одну", "unit", 1)
    for word, forms in RU_COLLOQUIAL.items():
        kind, value = lex[word]
        for f in forms:
            put(f, kind, value)
    for i, w in enumerate(RU_DIGIT_NOUN):
        put(w, "dnoun", i)
    for i, w in enumerate(RU_DIGIT_NOUN_PL):
        put(w, "dnoun", i)
    put("единица", "dnoun", 1)
    put("единицы", "dnoun", 1)
    put("двоечка", "dnoun", 2)
    return lex


LEXICON = _build_lexicon()
COUNT_WORDS = {"два": 2, "две": 2, "три": 3, "четыре": 4}
# fmt: off
FILLERS = {
    "uh", "um", "er", "erm", "hmm", "mm", "mhm", "uh-huh", "mm-hmm", "ok", "okay", "yeah", "yes", "yep",
    "right",
    "so", "well", "and", "then", "go", "on", "ahead", "got", "it", "sorry", "wait", "sec",
    "угу", "ага", "так", "так-так", "ну", "э", "эм", "ммм", "м", "да", "да-да", "ок", "окей", "хорошо",
    "дальше", "ещё", "еще", "вот", "и", "пишу", "записываю", "сейчас", "секунду",
}
# fmt: on
TOKEN = re.compile(r"\[(?:PHONE|CARD|EMAIL|ID)\]|[\dOoОо]*\d[\dOoОо]*|[^\W\d_]+(?:[-'][^\W\d_]+)*|[^\s\w]")
BREAK_PUNCT = set(",.;:!?—–-…\n")


class _Composer:
    """Composes number words as a listener hears them; ``out`` collects digit strings."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.cur: int | None = None
        self.last = ""
        self.rep = 0
        self.out: list[str] = []

    def flush(self) -> None:
        if self.total is not None or self.cur is not None:
            self.out.append(str((self.total or 0) + (self.cur or 0)))
        self.total = self.cur = None
        self.last = ""

    def number(self, v: int) -> None:
        """Digits Whisper wrote: their own number, which a thousand or a following number word extends."""
        if not (self.last == "thou" and self.cur is None):
            self.flush()
        self.cur = v
        self.count_word = v in (2, 3, 4)
        self.last = (
            "hund" if v % 100 == 0 else "ten" if v % 10 == 0 and v >= 20 else "unit" if v < 10 else "num"
        )

    def feed(self, kind: str, v: int, word: str) -> None:
        if kind == "rep":
            self.flush()
            self.rep = v
            return
        if self.rep and kind in ("unit", "dnoun"):
            self.flush()
            self.out.append(str(v) * self.rep)
            self.rep = 0
            return
        self.rep = 0
        if kind == "dnoun":
            if self.last == "unit" and self.total is None and self.cur in (2, 3, 4) and self.count_word:
                n, self.cur, self.last = self.cur, None, ""
                self.out.append(str(v) * n)
                return
            self.flush()
            self.out.append(str(v))
            return
        self.count_word = word in COUNT_WORDS
        if kind == "unit":
            if v == 0:
                self.flush()
                self.out.append("0")
            elif self.last in ("ten", "hund", "mulh") or (self.last == "thou" and self.cur is None):
                self.cur = (self.cur or 0) + v
                self.last = "unitc"
            else:
                self.flush()
                self.cur, self.last = v, "unit"
        elif kind in ("teen", "ten"):
            if self.last in ("hund", "mulh") or (self.last == "thou" and self.cur is None):
                self.cur = (self.cur or 0) + v
                self.last = kind
            else:
                self.flush()
                self.cur, self.last = v, kind
        elif kind == "hund":
            if not (self.last == "thou" and self.cur is None):
                self.flush()
            self.cur, self.last = v, "hund"
        elif kind == "mulh":
            if self.last in ("unit", "unitc", "teen", "num") and self.cur is not None and self.cur < 100:
                self.cur *= 100
            else:
                self.flush()
                self.cur = 100
            self.last = "mulh"
        elif kind == "thou":
            if self.total is None:
                self.total, self.cur = (self.cur or 1) * 1000, None
            else:
                self.flush()
                self.total = 1000
            self.last = "thou"

    count_word = False


def _words_of(tok: str) -> list[str]:
    return tok.split("-") if "-" in tok and tok not in FILLERS else [tok]


def digit_runs(text: str) -> list[str]:
    """Digit strings that can be read "in a row" in ``text`` (see the leak rule)."""
    runs: list[str] = []
    cur: list[str] = []
    comp = _Composer()
    gap = 0

    def take() -> None:
        nonlocal gap
        comp.flush()
        if comp.out:
            cur.extend(comp.out)
            comp.out.clear()
            gap = 0

    def close() -> None:
        take()
        if cur:
            runs.append("".join(cur))
        cur.clear()

    for tok in TOKEN.findall(text.lower()):
        if PLACEHOLDER.fullmatch(tok.upper()):
            close()
            comp.rep = 0
            continue
        if tok[0].isdigit() or (len(tok) > 1 and any(c.isdigit() for c in tok)):
            tok = re.sub("[oо]", "0", tok)
            if tok[0] != "0" and len(tok) <= 3:  # "7 тысяч 390", "970 семью": the words go on from it
                comp.number(int(tok))
            else:
                take()
                cur.append(tok)
            gap = 0
            continue
        parts = _words_of(tok)
        if all(p in LEXICON for p in parts):
            for p in parts:
                kind, v = LEXICON[p]
                comp.feed(kind, v, p)
            gap = 0
            continue
        if tok == "and" and comp.last in ("mulh", "hund", "thou"):
            continue
        take()
        if tok in BREAK_PUNCT or tok in FILLERS or (not tok.isalnum() and "-" not in tok):
            continue
        gap += 1
        if gap > MAX_GAP_WORDS:
            close()
            gap = 0
    close()
    return runs


# --- e-mails -------------------------------------------------------------------------------------

TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh sch _ y _ e yu ya".split(" "),  # noqa: SIM905
        strict=True,
    )
)
TRANSLIT["ъ"] = TRANSLIT["ь"] = ""
RU_LETTER_NAMES = {"бэ": "b", "вэ": "v", "гэ": "g", "дэ": "d", "жэ": "zh", "зэ": "z", "ка": "k", "эль": "l",
                   "эл": "l", "эм": "m", "эн": "n", "пэ": "p", "эр": "r", "эс": "s", "тэ": "t", "эф": "f",
                   "ха": "h", "це": "c", "икс": "x", "игрек": "y", "джей": "j", "кью": "q",
                   "дабл-ю": "w"}  # fmt: skip
EMAIL_WORDS = {"dot": ".", "точка": ".", "period": ".", "at": "@", "собака": "@", "собачка": "@", "эт": "@",
               "underscore": "_", "подчёркивание": "_", "подчеркивание": "_", "нижнее": "", "dash": "-",
               "hyphen": "-", "дефис": "-", "тире": "-"}  # fmt: skip


def translit(w: str) -> str:
    return "".join(TRANSLIT.get(c, c) for c in w)


def email_stream(text: str) -> str:
    """The text as one spelling stream: words transliterated, letter names as letters, number words as
    digits, "dot"/"at" as "." / "@", fillers and spaces dropped, a placeholder as "#"."""
    out: list[str] = []
    comp = _Composer()

    def take() -> None:
        comp.flush()
        out.extend(comp.out)
        comp.out.clear()

    for tok in re.findall(r"\[(?:PHONE|CARD|EMAIL|ID)\]|[\w'-]+|[.@]", text.lower()):
        if PLACEHOLDER.fullmatch(tok.upper()):
            take()
            out.append("#")
            continue
        parts = [p for p in tok.split("-") if p] if "-" in tok else [tok]
        if (
            parts
            and all(p in LEXICON and LEXICON[p][0] != "rep" for p in parts)
            and not (len(parts) == 1 and len(tok) == 1)
        ):
            for p in parts:
                kind, v = LEXICON[p]
                comp.feed(kind, v, p)
            continue
        take()
        if tok in EMAIL_WORDS:
            out.append(EMAIL_WORDS[tok])
        elif tok in (".", "@"):
            out.append(tok)
        elif tok in RU_LETTER_NAMES:
            out.append(RU_LETTER_NAMES[tok])
        elif tok in FILLERS and tok not in ("и", "м", "o"):
            continue
        elif len(parts) > 1 and all(len(p) == 1 for p in parts):
            out.append("".join(translit(p) for p in parts))
        else:
            out.append(translit(tok.replace("-", "")))
    take()
    return "".join(out)


def _core(s: str) -> str:
    return re.sub(r"[._\-]", "", s)


def email_leaks(local: str, text: str) -> bool:
    stream = email_stream(text)
    core = _core(local)
    if core in _core(stream):
        return True
    flat = re.sub(r"[._\-]", "", stream)
    return any(core[-n:] + "@" in flat for n in range(5, len(core) + 1))


# ------------------------------------------------------------------------------------------------
# valid secrets
# ------------------------------------------------------------------------------------------------


def luhn_ok(d: str) -> bool:
    s = 0
    for i, c in enumerate(reversed(d)):
        x = int(c) * (2 if i % 2 else 1)
        s += x - 9 if x > 9 else x
    return s % 10 == 0


def luhn_complete(prefix: str) -> str:
    for c in "0123456789":
        if luhn_ok(prefix + c):
            return prefix + c
    raise AssertionError(prefix)


def snils_check(d9: str) -> str:
    s = sum(int(c) * (9 - i) for i, c in enumerate(d9))
    if s > 101:
        s %= 101
    return "00" if s in (100, 101) else f"{s:02d}"


def inn_digit(digits: str, weights: list[int]) -> str:
    return str(sum(int(c) * w for c, w in zip(digits, weights, strict=False)) % 11 % 10)


W10 = [2, 4, 10, 3, 5, 9, 4, 6, 8]
W11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
W12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]


def inn12_ok(d: str) -> bool:
    return len(d) == 12 and d[10] == inn_digit(d[:10], W11) and d[11] == inn_digit(d[:11], W12)


def inn10_ok(d: str) -> bool:
    return len(d) == 10 and d[9] == inn_digit(d[:9], W10)


def account_ok(account: str, bik: str) -> bool:
    digits = bik[-3:] + account
    return sum(int(c) * [7, 1, 3][i % 3] for i, c in enumerate(digits)) % 10 == 0


def iban_ok(iban: str) -> bool:
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


def iban_make(country: str, bban: str) -> str:
    s = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in s)) % 97
    return f"{country}{check:02d}{bban}"


def ogrn_ok(d: str) -> bool:
    return len(d) == 13 and int(d[:12]) % 11 % 10 == int(d[12])


NI_BAD_FIRST, NI_BAD_SECOND = set("DFIQUV"), set("DFIQUVO")
NI_BAD_PAIRS = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
BIKS = ["044525225", "044525974", "044525593", "044030653", "046577964"]
TOLL_FREE_US = {"800", "888", "877", "866", "855", "844", "833"}


def ssn_ok(d: str) -> bool:
    a, g, s = int(d[:3]), int(d[3:5]), int(d[5:])
    return len(d) == 9 and 0 < a < 900 and a != 666 and g > 0 and s > 0


def ni_ok(ni: str) -> bool:
    return bool(
        re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", ni)
        and ni[0] not in NI_BAD_FIRST
        and ni[1] not in NI_BAD_SECOND
        and ni[:2] not in NI_BAD_PAIRS
    )


def _rd(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


@dataclass
class Secret:
    sid: int
    kind: str  # phone, card, email, passport, snils, inn, licence, account, ssn, iban, ni
    lang: str
    value: str  # canonical form
    parts: list[tuple[str, str]]  # ("P", prefix) / ("D", digits) / ("L", letters)
    digits: str  # what the leak rule reads (no phone prefix)
    placeholder: str
    local: str = ""  # e-mail local part
    domain: str = ""
    pattern: str = ""
    surface: str = ""
    turns: list[int] = field(default_factory=list)


def make_secret(kind: str, lang: str, rng: random.Random, sid: int) -> Secret:
    ph = {"phone": "[PHONE]", "card": "[CARD]", "email": "[EMAIL]"}.get(kind, "[ID]")
    parts: list[tuple[str, str]]
    if kind == "phone":
        if lang == "ru":
            op = rng.choice(["916", "903", "926", "985", "977", "915", "964", "999", "912", "952"])
            rest = _rd(rng, 7)
            parts = [
                ("P", rng.choice(["8", "+7"])),
                ("D", op),
                ("D", rest[:3]),
                ("D", rest[3:5]),
                ("D", rest[5:]),
            ]
        elif rng.random() < 0.75:
            while True:
                npa = str(rng.randint(2, 9)) + _rd(rng, 2)
                nxx = str(rng.randint(2, 9)) + _rd(rng, 2)
                if npa not in TOLL_FREE_US and npa[1:] != "11" and nxx[1:] != "11" and npa[1] != "9":
                    break
            parts = [("D", npa), ("D", nxx), ("D", _rd(rng, 4))]
        else:
            rest = _rd(rng, 6)
            parts = [("D", "07" + str(rng.randint(4, 9)) + _rd(rng, 2)), ("D", rest[:3]), ("D", rest[3:])]
    elif kind == "card":
        prefix = rng.choice(["4", "51", "53", "55", "2200", "2202", "2204"])
        num = luhn_complete(prefix + _rd(rng, 15 - len(prefix)))
        parts = [("D", num[i : i + 4]) for i in range(0, 16, 4)]
    elif kind == "passport":
        if lang == "ru":
            series = rng.choice(["45", "46", "40", "50", "77", "60", "63"]) + rng.choice(
                ["08", "12", "15", "19", "21"]
            )
            number = str(rng.randint(1, 9)) + _rd(rng, 5)
            parts = [("D", series[:2]), ("D", series[2:]), ("D", number)]
        else:
            n = str(rng.randint(1, 9)) + _rd(rng, 8)
            parts = [("D", n[:3]), ("D", n[3:6]), ("D", n[6:])]
    elif kind == "snils":
        d9 = str(rng.randint(1, 9)) + _rd(rng, 8)
        parts = [("D", d9[:3]), ("D", d9[3:6]), ("D", d9[6:]), ("D", snils_check(d9))]
    elif kind == "inn":
        d10 = rng.choice(["77", "50", "78", "66", "16", "54"]) + _rd(rng, 8)
        d11 = d10 + inn_digit(d10, W11)
        d = d11 + inn_digit(d11, W12)
        parts = [("D", d[:4]), ("D", d[4:8]), ("D", d[8:])] if rng.random() < 0.5 else [
            ("D", d[:2]), ("D", d[2:4]), ("D", d[4:7]), ("D", d[7:10]), ("D", d[10:])]  # fmt: skip
    elif kind == "licence":
        if lang == "ru":
            region = rng.choice(["77", "99", "50", "78", "47"])
            if rng.random() < 0.5:
                parts = [("D", region), ("D", rng.choice(["12", "17", "21", "23", "30"])), ("D", _rd(rng, 6))]
            else:
                letters = rng.choice(["УА", "ОС", "ТК", "АВ", "ЕР", "МН", "ХС"])
                parts = [("D", region), ("L", letters), ("D", str(rng.randint(1, 9)) + _rd(rng, 5))]
        else:
            parts = [("L", rng.choice("ABCDEFGNSY")), ("D", str(rng.randint(1, 9)) + _rd(rng, 6))]
    elif kind == "account":
        bik = rng.choice(BIKS)
        while True:
            acc = "40817810" + _rd(rng, 12)
            if account_ok(acc, bik):
                break
        parts = [("D", acc[:5]), ("D", acc[5:8]), ("D", acc[8]), ("D", acc[9:13]), ("D", acc[13:])]
    elif kind == "ssn":
        while True:
            d = _rd(rng, 9)
            if ssn_ok(d):
                break
        parts = [("D", d[:3]), ("D", d[3:5]), ("D", d[5:])]
    elif kind == "iban":
        if rng.random() < 0.5:
            iban = iban_make("DE", _rd(rng, 18))
        else:
            iban = iban_make("GB", rng.choice(["WEST", "BARC", "LOYD", "NWBK", "HBUK"]) + _rd(rng, 14))
        parts = [("L", iban[:2]), ("D", iban[2:4])]
        body = iban[4:]
        for i in range(0, len(body), 4):
            g = body[i : i + 4]
            parts.append(("L" if g.isalpha() else "D", g))
    elif kind == "ni":
        while True:
            ni = (
                rng.choice("ABCEGHJKLMNPRSTWXYZ")
                + rng.choice("ABCEGHJKLMNPRSTWXYZ")
                + _rd(rng, 6)
                + rng.choice("ABCD")
            )
            if ni_ok(ni) and ni[2] != "0":
                break
        parts = [("L", ni[:2]), ("D", ni[2:4]), ("D", ni[4:6]), ("D", ni[6:8]), ("L", ni[8])]
    elif kind == "email":
        first, last = rng.choice(EMAIL_NAMES[lang]), rng.choice(EMAIL_SURNAMES[lang])
        sep = rng.choice([".", "_", ".", ""])
        num = rng.choice(["", str(rng.randint(70, 99)), str(rng.randint(1, 9)) * 2, "2005"])
        local = rng.choice(
            [f"{first}{sep}{last}{num}", f"{first[0]}.{last}{num or '77'}", f"{last}{sep}{first}{num}"]
        )
        domain = rng.choice(["mail.ru", "yandex.ru", "gmail.com", "bk.ru"] if lang == "ru" else
                            ["gmail.com", "outlook.com", "yahoo.com", "icloud.com"])  # fmt: skip
        return Secret(sid, kind, lang, f"{local}@{domain}", [], "", ph, local, domain)
    else:
        raise ValueError(kind)
    digits = "".join(v for t, v in parts if t == "D")
    value = "".join(v for _, v in parts)
    return Secret(sid, kind, lang, value, parts, digits, ph)


# Latin names whose Russian spelling transliterates back to them (checked by self_check)
EMAIL_NAMES = {
    "ru": ["marina", "olga", "ivan", "sergey", "elena", "dmitriy", "anna", "katya", "sasha", "lesha"],
    "en": ["megan", "tyler", "brooke", "dustin", "kayla", "trevor", "shawna", "lance", "olga", "ivan"],
}
EMAIL_SURNAMES = {
    "ru": ["petrova", "smirnov", "kuznetsov", "volkov", "morozova", "novikov", "fedorov", "sokolova"],
    "en": ["holloway", "brandt", "kessler", "wyatt", "pruitt", "delgado", "novak", "petrov"],
}
RU_SPELLING = {
    "marina": "марина", "olga": "ольга", "ivan": "иван", "sergey": "сергей", "elena": "елена",
    "dmitriy": "дмитрий", "anna": "анна", "katya": "катя", "sasha": "саша", "lesha": "лёша",
    "petrova": "петрова", "smirnov": "смирнов", "kuznetsov": "кузнецов", "volkov": "волков",
    "morozova": "морозова", "novikov": "новиков", "fedorov": "фёдоров", "sokolova": "соколова",
    "petrov": "петров", "novak": "новак",
}  # fmt: skip
RU_LETTER_OF = {v: k for k, v in RU_LETTER_NAMES.items() if len(v) == 1 and k != "эл"}
RU_LETTER_OF |= {"a": "а", "e": "е", "i": "и", "o": "о", "u": "у", "y": "игрек", "w": "дабл-ю"}
HOMOGLYPH = {"a": "а", "o": "о", "e": "е", "c": "с", "p": "р", "x": "х", "y": "у"}
LATIN_OF = {v: k for k, v in HOMOGLYPH.items()} | {"А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
                                                    "О": "O", "Р": "P", "С": "C", "Т": "T",
                                                    "Х": "X"}  # fmt: skip


def validate(s: Secret) -> bool:
    """Whether the generated secret is valid for its type."""
    d = s.digits
    if s.kind == "card":
        return len(d) == 16 and luhn_ok(d) and d[0] in "2345"
    if s.kind == "phone":
        if s.lang == "ru":
            return len(d) == 10 and d[0] == "9"
        if d.startswith("07"):
            return len(d) == 11
        return len(d) == 10 and d[0] in "23456789" and d[:3] not in TOLL_FREE_US and d[3] in "23456789"
    if s.kind == "snils":
        return len(d) == 11 and snils_check(d[:9]) == d[9:]
    if s.kind == "inn":
        return inn12_ok(d)
    if s.kind == "passport":
        return len(d) == (10 if s.lang == "ru" else 9)
    if s.kind == "licence":
        return len(d) in (10, 8) if s.lang == "ru" else len(d) == 7 and s.value[0].isalpha()
    if s.kind == "account":
        return len(d) == 20 and d.startswith("40817") and any(account_ok(d, b) for b in BIKS)
    if s.kind == "ssn":
        return ssn_ok(d)
    if s.kind == "iban":
        return iban_ok(s.value) and len(s.value) == {"DE": 22, "GB": 22}[s.value[:2]]
    if s.kind == "ni":
        return ni_ok(s.value)
    if s.kind == "email":
        return bool(re.fullmatch(r"[a-z0-9._]+@[a-z]+\.[a-z]+", s.value))
    return False


# ------------------------------------------------------------------------------------------------
# saying numbers
# ------------------------------------------------------------------------------------------------


def _join_words(chunks: list[str], digits: str) -> str:
    """Chunks joined with spaces when a listener reads them back as ``digits``, else with commas."""
    text = " ".join(chunks)
    return text if "".join(digit_runs(text)) == digits else ", ".join(chunks)


def group_words(g: str, lang: str, rng: random.Random, case: str = "nom") -> str:
    """A digit group in words: leading zeros one by one, the rest as one number or in pairs/triples."""
    zeros = len(g) - len(g.lstrip("0"))
    chunks = [RU_UNITS[case][0] if lang == "ru" else rng.choice(["zero", "oh"])] * zeros
    rest = g[zeros:]
    if rest:
        if len(rest) <= 3:
            chunks.append(card_words(int(rest), lang, case))
        else:
            i = 0
            while i < len(rest):
                n = rng.choice([2, 2, 3]) if len(rest) - i > 3 else len(rest) - i
                piece = rest[i : i + n]
                chunks.append(
                    group_words(piece, lang, rng, case)
                    if piece[0] == "0"
                    else card_words(int(piece), lang, case)
                )
                i += n
    return _join_words(chunks, g)


def say_group(g: str, lang: str, style: str, rng: random.Random, case: str = "nom") -> str:
    if style == "digits":
        return g
    if style == "homophone":
        words = [
            rng.choice(EN_HOMOPHONES[c]) if c in EN_HOMOPHONES and rng.random() < 0.7 else EN_UNITS[int(c)]
            for c in g
        ]
        return " ".join(words)
    if style == "nouns":
        out, i = [], 0
        while i < len(g):
            j = i
            while j < len(g) and g[j] == g[i] and j - i < 3:
                j += 1
            n = j - i
            if n > 1:
                out.append(f"{['', '', 'две', 'три'][n]} {RU_DIGIT_NOUN_PL[int(g[i])]}")
            else:
                out.append(RU_DIGIT_NOUN[int(g[i])] if rng.random() < 0.75 else RU_UNITS["nom"][int(g[i])])
            i = j
        return ", ".join(out)
    if style == "thousands" and 4 <= len(g) <= 6 and g[0] != "0":
        return card_words(int(g), lang, case)
    if style == "colloquial":
        text = group_words(g, "ru", rng)
        return " ".join(rng.choice(RU_COLLOQUIAL[w]) if w in RU_COLLOQUIAL and rng.random() < 0.8 else w
                        for w in text.split(" "))  # fmt: skip
    if style == "mixed":
        return g if rng.random() < 0.5 else group_words(g, lang, rng)
    return group_words(g, lang, rng, case)


def swap_script(s: str, rng: random.Random) -> str:
    """Letters with some Cyrillic/Latin look-alikes swapped (at least one where there is one)."""
    to_other = dict(zip("АВЕКМНОРСТХУ", "ABEKMHOPCTXY", strict=True))
    to_other |= {v: k for k, v in to_other.items()}
    idx = [i for i, c in enumerate(s) if c in to_other]
    if not idx:
        return s
    pick = set(rng.sample(idx, rng.randint(1, len(idx))))
    return "".join(to_other[c] if i in pick else c for i, c in enumerate(s))


def render_secret(s: Secret, style: str, lang: str, rng: random.Random) -> tuple[list[str], str, str]:
    """(pieces, joiner, lead) of a numeric secret said in ``style``; ``lead`` governs a case form."""
    lead = ""
    if style == "split":
        digits = "".join(v for t, v in s.parts if t in "PD").replace("+", "")
        chunks, i = [], 0
        while i < len(digits):
            n = min(rng.choice([1, 1, 2, 2, 2, 3, 4, 4, 5]), len(digits) - i)
            chunk = digits[i : i + n]
            if lang == "en" and chunk == "11" and rng.random() < 0.6:
                chunk = "eleven"
            elif lang == "en" and n == 2 and chunk[0] == chunk[1] and rng.random() < 0.4:
                chunk = f"double {EN_UNITS[int(chunk[0])]}"
            chunks.append(chunk)
            i += n
        letters = [v for t, v in s.parts if t == "L"]
        if letters:  # keep the letters where they were: before the digits of an NI/licence/IBAN
            chunks = [letters[0], *chunks]
            if len(letters) > 1 and s.kind == "ni":
                chunks.append(letters[-1])
            elif len(letters) > 1:  # GB IBAN: the bank code after the check digits
                chunks.insert(2, letters[1])
        return chunks, rng.choice([" ", " ", "-", " "]), lead
    cases = {"gen": ["начинается с ", "номер из ", "начиная с "], "dat": ["привязан к ", "звоните по "],
             "ins": ["совпадает с "]}  # fmt: skip
    case = "nom"
    inflect = 0
    if style == "case":
        case = rng.choice(["gen", "gen", "dat", "ins"])
        lead = rng.choice(cases[case])
        inflect = rng.randint(1, len([p for p in s.parts if p[0] == "D"]))
    pieces = []
    other = {"ru": "en", "en": "ru"}[lang]
    switch_at = rng.randint(1, max(1, len(s.parts) - 1))
    for k, (t, v) in enumerate(s.parts):
        if t == "P":
            pieces.append(v if style in ("digits", "mixed") and rng.random() < 0.5 else
                          {"8": "восемь", "+7": "плюс семь"}[v])  # fmt: skip
        elif t == "L":
            if style == "lookalike":
                pieces.append(swap_script(v, rng))
            elif lang == "en" and len(v) > 1 and rng.random() < 0.4:
                pieces.append(" ".join(v))
            else:
                pieces.append(v)
        else:
            g_lang = (
                other
                if style == "switch" and (k >= switch_at) != (k % 2 == 0 and rng.random() < 0.3)
                else lang
            )
            if style == "lookalike":
                pieces.append(v.replace("0", "O") if "0" in v else v)
            elif style == "switch":
                pieces.append(say_group(v, g_lang, rng.choice(["words", "words", "digits"]), rng))
            elif style == "case":
                pieces.append(say_group(v, lang, "words", rng, case if inflect > 0 else "nom"))
                inflect -= 1
            else:
                pieces.append(say_group(v, lang, style, rng))
    return pieces, ", ", lead


def render_email(s: Secret, style: str, lang: str, rng: random.Random) -> tuple[list[str], str]:
    """(pieces, joiner): the local part's pieces, then the domain's."""
    toks = re.findall(r"[a-z]+|\d+|[._]", s.local)
    mode = {"lang_switch": "switch", "lookalike": "homoglyph"}.get(style) or rng.choice(
        ["plain", "written", "spoken", "spelled"]
    )
    if mode == "written":
        return [s.local, "@" + s.domain], ""
    if mode == "homoglyph":
        local = list(s.local)
        idx = [i for i, c in enumerate(local) if c in HOMOGLYPH]
        for i in rng.sample(idx, min(len(idx), rng.randint(1, 2))):
            local[i] = HOMOGLYPH[local[i]]
        return ["".join(local), "@" + s.domain], ""
    ru_words = lang == "ru" if mode != "switch" else lang == "en"
    pieces = []
    for t in toks:
        if t in "._":
            sep_ru = {".": "точка", "_": "нижнее подчёркивание"}[t]
            sep_en = {".": "dot", "_": "underscore"}[t]
            pieces.append(sep_ru if (lang == "ru") != (mode == "switch" and rng.random() < 0.5) else sep_en)
        elif t.isdigit():
            if rng.random() < 0.5:
                pieces.append(t)
            else:
                pieces.append(card_words(int(t), "ru" if (lang == "ru") != (mode == "switch") else "en"))
        elif mode == "spelled" or len(t) == 1:
            if lang == "ru":
                pieces.append(", ".join(RU_LETTER_OF.get(c, c) for c in t))
            else:
                pieces.append(rng.choice([", ", "-"]).join(t.upper() if rng.random() < 0.5 else t))
        elif ru_words and t in RU_SPELLING and mode in ("spoken", "switch"):
            pieces.append(RU_SPELLING[t])
        else:
            pieces.append(t)
    dom_name, tld = s.domain.split(".")
    if (lang == "ru" and mode != "switch") or (lang == "en" and mode == "switch"):
        domain = f"собака {dom_name} точка {tld}"
    else:
        domain = f"at {dom_name} dot {tld}"
    return [*pieces, domain], " "


# ------------------------------------------------------------------------------------------------
# dialogues
# ------------------------------------------------------------------------------------------------


@dataclass
class Keep:
    kid: int
    kind: str
    digits: str
    surface: str
    turns: list[int] = field(default_factory=list)


@dataclass
class Turn:
    role: str
    frags: list[tuple[str, tuple[str, int] | None]]
    extra: dict[str, Any] = field(default_factory=dict)
    overlap: bool = False

    def text(self, redact: dict[int, str] | None = None) -> str:
        out = []
        for text, tag in self.frags:
            if redact is not None and tag and tag[0] == "S":
                out.append(redact[tag[1]])
            else:
                out.append(text)
        return re.sub(r"\s+", " ", "".join(out)).strip()


@dataclass
class Case:
    cid: str
    lang: str
    industry: str
    negative: bool
    turns: list[Turn] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)
    keeps: list[Keep] = field(default_factory=list)

    def say(self, role: str, *items: Any, extra: dict[str, Any] | None = None, overlap: bool = False) -> None:
        frags: list[tuple[str, tuple[str, int] | None]] = []
        for it in items:
            if isinstance(it, tuple):
                frags.append(it)
                tag = it[1]
                obj = self.secrets[tag[1]] if tag[0] == "S" else self.keeps[tag[1]]
                if len(self.turns) not in obj.turns:
                    obj.turns.append(len(self.turns))
            elif it:
                frags.append((it, None))
        self.turns.append(Turn(role, frags, extra or {}, overlap))

    def keep(self, kind: str, surface: str, digits: str) -> tuple[str, tuple[str, int]]:
        k = Keep(len(self.keeps), kind, digits, surface)
        self.keeps.append(k)
        return surface, ("K", k.kid)


INDUSTRIES = {
    "utilities": {
        "ru": (
            "Единый расчётный центр, Наталья, здравствуйте.",
            "Здравствуйте, мне пришла квитанция за свет, сумма огромная.",
        ),
        "en": (
            "City Power and Water, this is Dana speaking.",
            "Hi, my electric bill is way higher than usual this month.",
        ),
        "keeps": ["meter", "amount", "invoice", "date", "hotline", "company_inn"],
    },
    "logistics": {
        "ru": (
            "Служба доставки, Артём, слушаю вас.",
            "Добрый день, посылка третий день стоит на сортировке.",
        ),
        "en": (
            "Parcel support, my name is Kevin.",
            "Hey, my package has been stuck in transit since Monday.",
        ),
        "keeps": ["tracking", "order", "postcode", "date", "time", "hotline"],
    },
    "education": {
        "ru": (
            "Приёмная комиссия колледжа, Ирина Викторовна.",
            "Здравствуйте, я по поводу оплаты обучения сына.",
        ),
        "en": ("Admissions office, Rachel speaking.", "Hi, I'm calling about my tuition payment plan."),
        "keeps": ["contract", "amount", "date", "room", "application"],
    },
    "hotel": {
        "ru": ("Гостиница «Волга», ресепшен, Олег.", "Добрый вечер, хочу перенести бронь на другие даты."),
        "en": (
            "Harbor View Hotel, front desk, this is Maria.",
            "Hi, I need to change the dates on my reservation.",
        ),
        "keeps": ["booking", "room", "amount", "date", "last4", "time"],
    },
    "car_rental": {
        "ru": ("Прокат автомобилей, Денис, здравствуйте.", "Здравствуйте, у меня списали залог два раза."),
        "en": ("Swift Car Rental, Jordan speaking.", "Hi, you charged my deposit twice for one rental."),
        "keeps": ["reservation", "mileage", "amount", "date", "time", "last4"],
    },
    "pharmacy": {
        "ru": (
            "Аптечная сеть, фармацевт Светлана.",
            "Здравствуйте, заказала лекарство с доставкой, а его нет.",
        ),
        "en": ("Pharmacy refill line, this is Greg.", "Hi, my refill was supposed to ship yesterday."),
        "keeps": ["order", "prescription", "amount", "postcode", "hotline"],
    },
    "microfinance": {
        "ru": (
            "Микрофинансовая компания «Быстрозайм», Алина.",
            "Здравствуйте, хочу продлить заём, не успеваю вернуть.",
        ),
        "en": (
            "QuickCash Loans, this is Tiffany.",
            "Hi, I need to extend my loan, I can't pay it this week.",
        ),
        "keeps": ["contract", "amount", "percent", "date", "company_inn", "ogrn", "kpp", "bik", "hotline"],
    },
}
REQUESTS = {
    "phone": (
        "Продиктуйте, пожалуйста, номер мобильного для связи.",
        "What's the best cell number to reach you?",
    ),
    "card": ("Назовите номер карты, с которой будет оплата.", "Can I get the card number you'd like to use?"),
    "email": (
        "Какая у вас электронная почта? Пришлём туда документы.",
        "What email should we send the receipt to?",
    ),
    "passport": (
        "Для проверки мне нужны серия и номер паспорта.",
        "For verification I need your passport number.",
    ),
    "snils": ("Назовите, пожалуйста, ваш СНИЛС.", ""),
    "inn": ("Продиктуйте ваш ИНН, он нужен для справки.", ""),
    "licence": ("Номер водительского удостоверения, пожалуйста.", "And your driver's license number?"),
    "account": ("На какой счёт вернуть деньги? Номер счёта, пожалуйста.", ""),
    "ssn": ("", "I'll need to verify your social security number."),
    "iban": ("", "Which IBAN should the refund go to?"),
    "ni": ("", "And your National Insurance number, please?"),
}
KEEP_REQUESTS = {
    "order": ("Назовите номер заказа.", "What's the order number?"),
    "tracking": ("Продиктуйте трек-номер.", "Can you read me the tracking number?"),
    "booking": ("Номер брони подскажите.", "What's the confirmation number?"),
    "reservation": ("Номер бронирования, пожалуйста.", "What's the reservation number?"),
    "contract": ("Номер договора подскажите.", "What's the agreement number?"),
    "invoice": ("Номер квитанции продиктуйте.", "What's the invoice number?"),
    "application": ("Номер заявки какой?", "What's your application number?"),
    "prescription": ("Номер рецепта назовите.", "What's the prescription number?"),
    "meter": ("Какие сейчас показания счётчика?", "What does the meter read right now?"),
}
AGENT_FILLERS = {
    "ru": [
        "угу",
        "так",
        "так-так",
        "ага, пишу",
        "да-да",
        "секунду, пишу",
        "угу, дальше",
        "так, записываю",
        "ага",
        "подождите, ручку возьму",
        "так, ещё",
    ],
    "en": [
        "mm-hmm",
        "okay",
        "uh-huh, go on",
        "got it",
        "okay, and?",
        "yep",
        "sorry, one sec, go ahead",
        "right",
        "mm-hmm, keep going",
        "okay, typing",
    ],
}
LEADS = {
    "ru": ["Да, записывайте: ", "Так, ", "Сейчас, ", "Пишите: ", "", "Ну, "],
    "en": ["Sure, it's ", "Yeah, ", "Okay so ", "It's ", "", "Uh, "],
}
ACKS = {
    "ru": ["Спасибо, записала.", "Хорошо, внесла в систему.", "Отлично, спасибо."],
    "en": ["Thanks, I've got that.", "Perfect, it's in the system.", "Great, thank you."],
}
CLOSINGS = {
    "ru": ("Если что, звоните на горячую линию ", ", она бесплатная. Всего доброго!"),
    "en": ("If anything else comes up, call our hotline at ", ", it's toll-free. Have a good one!"),
}
PATTERNS = {
    "ru": {
        "case_forms": ("case", ["one", "interrupted"]),
        "colloquial": ("colloquial", ["one", "interrupted"]),
        "digit_nouns": ("nouns", ["one", "interrupted"]),
        "asr_split": ("split", ["one", "crosstalk"]),
        "thousands": ("thousands", ["one", "interrupted"]),
        "lang_switch": ("switch", ["one", "interrupted"]),
        "crosstalk": ("mixed", ["crosstalk"]),
        "interrupted": ("mixed", ["interrupted"]),
        "lookalike": ("lookalike", ["one"]),
        "low_conf": ("mixed", ["low_conf"]),
        "repeat_loop": ("mixed", ["repeat"]),
    },
    "en": {
        "homophone": ("homophone", ["one", "interrupted"]),
        "asr_split": ("split", ["one", "crosstalk"]),
        "thousands": ("thousands", ["one", "interrupted"]),
        "lang_switch": ("switch", ["one", "interrupted"]),
        "crosstalk": ("mixed", ["crosstalk"]),
        "interrupted": ("mixed", ["interrupted"]),
        "lookalike": ("lookalike", ["one"]),
        "low_conf": ("mixed", ["low_conf"]),
        "repeat_loop": ("mixed", ["repeat"]),
    },
}
TYPES = {
    "ru": ["phone", "card", "email", "passport", "snils", "inn", "licence", "account"],
    "en": ["phone", "card", "email", "passport", "ssn", "iban", "ni", "licence"],
}
EMAIL_PATTERNS = {"lang_switch", "crosstalk", "interrupted", "lookalike", "low_conf", "repeat_loop"}
THOUSAND_TYPES = {"card", "passport", "inn", "account", "ssn", "iban"}


def _types_for(pattern: str, lang: str) -> list[str]:
    types = TYPES[lang]
    if pattern not in EMAIL_PATTERNS:
        types = [t for t in types if t != "email"]
    if pattern == "thousands":
        types = [t for t in types if t in THOUSAND_TYPES]
    if pattern == "lookalike":
        types = (
            ["licence", "email", "passport", "snils"]
            if lang == "ru"
            else ["ni", "iban", "licence", "email", "passport"]
        )
    return types


def make_keep(kind: str, lang: str, rng: random.Random) -> tuple[str, str]:
    """(surface, digits) of a number that must stay."""
    ru = lang == "ru"
    if kind == "order":
        d = str(rng.randint(1, 9)) + _rd(rng, rng.randint(6, 8))
        return (f"заказ номер {d}" if ru else f"order number {d}"), d
    if kind == "tracking":
        if ru:
            if rng.random() < 0.5:
                d = rng.choice(["125009", "190000", "630099", "420111"]) + _rd(rng, 8)
                return f"трек-номер {d}", d
            d = "1" + _rd(rng, 9)
            return f"накладная СДЭК {d}", d
        d = str(rng.randint(2, 7)) + _rd(rng, 11)
        return f"FedEx tracking number {d}", d
    if kind in ("booking", "reservation", "application", "invoice", "prescription"):
        n = {"booking": 8, "reservation": 9, "application": 7, "invoice": 10, "prescription": 7}[kind]
        d = str(rng.randint(1, 9)) + _rd(rng, n - 1)
        word = {
            "booking": ("бронь номер", "confirmation number"),
            "reservation": ("бронирование", "reservation"),
            "application": ("заявка", "application number"),
            "invoice": ("квитанция номер", "invoice"),
            "prescription": ("рецепт номер", "prescription number"),
        }[kind]
        return f"{word[0 if ru else 1]} {d}", d
    if kind == "contract":
        a, b = _rd(rng, 4), str(rng.randint(1, 9)) + _rd(rng, 5)
        return (f"договор номер {a}-{b}" if ru else f"agreement number {a}-{b}"), a + b
    if kind == "meter":
        d = "0" + _rd(rng, 4)
        return (f"показания {d}" if ru else f"meter reading {d}"), d
    if kind == "amount":
        n = rng.choice([rng.randint(2, 99) * 100 + rng.choice([0, 50, 90]), rng.randint(110, 990)])
        r = rng.random()
        if ru:
            if r < 0.35:
                return f"{n:,} рублей".replace(",", " "), str(n)
            if r < 0.7:
                return f"{ru_card(n)} рублей", str(n)
            case, pre = rng.choice([("gen", "не больше "), ("gen", "около "), ("ins", "с "), ("dat", "к ")])
            return f"{pre}{ru_card(n, case)} рублей", str(n)
        if r < 0.5:
            return f"${n:,}", str(n)
        return f"{en_card(n, and_=rng.random() < 0.5)} dollars", str(n)
    if kind == "date":
        day, month = rng.randint(10, 28), rng.randint(1, 12)
        return (f"до {day}.{month:02d}" if ru else f"by {month:02d}/{day}"), (
            f"{day}{month:02d}" if ru else f"{month:02d}{day}"
        )
    if kind == "time":
        h, m = rng.randint(9, 20), rng.choice([15, 30, 45])
        return (f"в {h}:{m}" if ru else f"at {h}:{m}"), f"{h}{m}"
    if kind == "postcode":
        d = str(rng.randint(1, 6)) + _rd(rng, 5) if ru else str(rng.randint(1, 9)) + _rd(rng, 4)
        return (f"индекс {d}" if ru else f"ZIP code {d}"), d
    if kind == "room":
        d = str(rng.randint(2, 12)) + f"{rng.randint(1, 40):02d}"
        return (f"номер {d}" if ru else f"room {d}"), d
    if kind == "mileage":
        n = rng.randint(12, 180) * 100 + rng.randint(0, 99)
        return (f"пробег {n:,} километров".replace(",", " ") if ru else f"mileage {n:,}"), str(n)
    if kind == "percent":
        n = rng.choice([292, 365, 391, 180, 146])
        return (f"{n} процентов годовых" if ru else f"a {n} percent APR"), str(n)
    if kind == "last4":
        d = _rd(rng, 4)
        return (f"карта, которая заканчивается на {d}" if ru else f"the card ending in {d}"), d
    if kind == "hotline":
        if ru:
            a, b, c = str(rng.randint(100, 999)), _rd(rng, 2), _rd(rng, 2)
            if rng.random() < 0.4:
                bw, cw = group_words(b, "ru", rng), group_words(c, "ru", rng)
                words = f"восемь восемьсот {ru_card(int(a))}, {bw}, {cw}"
                return words, f"8800{a}{b}{c}"
            return f"8 800 {a}-{b}-{c}", f"8800{a}{b}{c}"
        code = rng.choice(["800", "888", "877"])
        a, b = str(rng.randint(200, 999)), _rd(rng, 4)
        return f"1-{code}-{a}-{b}", f"1{code}{a}{b}"
    if kind == "company_inn":
        while True:
            d9 = rng.choice(["77", "78", "50", "54"]) + _rd(rng, 7)
            d = d9 + inn_digit(d9, W10)
            if inn10_ok(d):
                return f"ИНН организации {d}", d
    if kind == "kpp":
        d = rng.choice(["7701", "7705", "7810", "5001"]) + "01001"
        return f"КПП {d}", d
    if kind == "ogrn":
        d12 = "1" + rng.choice(["02", "03", "05", "11", "17"]) + rng.choice(["77", "78", "50"]) + _rd(rng, 7)
        d = d12 + str(int(d12) % 11 % 10)
        return f"ОГРН {d}", d
    if kind == "bik":
        d = rng.choice(BIKS)
        return f"БИК банка {d}", d
    raise ValueError(kind)


KEEP_EN_SKIP = {"company_inn", "kpp", "ogrn", "bik"}
KEEP_SENTENCES = {
    ("ru", "agent"): [
        "По нашим данным {k}.",
        "Вижу у вас {k}.",
        "Так, {k}, всё верно.",
        "У меня в системе {k}.",
    ],
    ("ru", "customer"): ["У меня тут {k}.", "Мне написали {k}.", "Там же {k}, посмотрите."],
    ("en", "agent"): [
        "I see {k} here.",
        "So that's {k}.",
        "On my screen it says {k}.",
        "Okay, {k}, that's right.",
    ],
    ("en", "customer"): ["I have {k} here.", "The email says {k}.", "It shows {k}, can you check?"],
}


def _say_keep(c: Case, role: str, kind: str, rng: random.Random) -> None:
    surface, digits = make_keep(kind, c.lang, rng)
    tmpl = rng.choice(KEEP_SENTENCES[c.lang, role])
    before, after = tmpl.split("{k}")
    c.say(role, before, c.keep(kind, surface, digits), after)


def _deliver(c: Case, pieces: list[str], joiner: str, tag: tuple[str, int], delivery: str, lead: str,
             rng: random.Random) -> None:  # fmt: skip
    """The caller gives ``pieces`` in ``delivery``; every piece carries ``tag``."""
    lang = c.lang
    opener = rng.choice(LEADS[lang])
    end = "."
    if delivery in ("one", "repeat"):
        text = joiner.join(pieces)
        c.say("customer", opener, lead, (text, tag), end)
        if delivery == "repeat":
            c.say("customer", opener, lead, (text, tag), end)
        return
    n = min(len(pieces), rng.randint(2, 4) if delivery != "crosstalk" else rng.randint(2, 3))
    cuts = sorted(rng.sample(range(1, len(pieces)), n - 1)) if len(pieces) > 1 else []
    chunks = [pieces[a:b] for a, b in zip([0, *cuts], [*cuts, len(pieces)], strict=True)]
    bleed = rng.randint(1, len(chunks) - 1) if delivery == "crosstalk" and len(chunks) > 1 else -1
    doubtful = rng.randrange(len(chunks)) if delivery == "low_conf" else -1
    for i, chunk in enumerate(chunks):
        text = joiner.join(chunk)
        if i == bleed:  # the caller's voice in the agent's channel, over the agent's own backchannel
            pre = rng.choice(["", "угу... " if lang == "ru" else "mm-hmm... "])
            c.say("agent", pre, (text, tag), rng.choice(["", ","]), overlap=True)
            continue
        extra = {"avg_logprob": -1.3, "no_speech_prob": 0.75} if i == doubtful else None
        tail = "..." if i < len(chunks) - 1 else end
        c.say("customer", opener if i == 0 else "", lead if i == 0 else "", (text, tag), tail, extra=extra)
        if i < len(chunks) - 1 and i + 1 != bleed:
            c.say("agent", rng.choice(AGENT_FILLERS[lang]))


def build_case(rng: random.Random, lang: str, n: int, negative: bool, pattern_cycle: list[str]) -> Case:
    industry = rng.choice(sorted(INDUSTRIES))
    spec = INDUSTRIES[industry]
    c = Case(f"{lang}-{n:03d}", lang, industry, negative)
    hello, reason = spec[lang]
    c.say("agent", hello)
    c.say("customer", reason)
    keeps = [k for k in spec["keeps"] if not (lang == "en" and k in KEEP_EN_SKIP)]
    for kind in rng.sample(keeps, min(len(keeps), rng.randint(2, 4))):
        if kind != "hotline":
            _say_keep(c, rng.choice(["agent", "customer"]), kind, rng)
    asked = [k for k in KEEP_REQUESTS if k in keeps]
    n_secrets = 0 if negative else rng.choice([1, 1, 2, 2, 3])
    n_lookalike = rng.choice([1, 2, 3]) if negative else rng.choice([0, 1])
    steps = ["S"] * n_secrets + ["K"] * (n_lookalike if asked else 0)
    rng.shuffle(steps)
    for step in steps:
        pattern = pattern_cycle.pop(0) if step == "S" else rng.choice(sorted(PATTERNS[lang]))
        style, deliveries = PATTERNS[lang][pattern]
        delivery = rng.choice(deliveries)
        if step == "K":  # a look-alike number that must stay, asked for and given the same way
            kind = rng.choice(asked)
            surface, digits = make_keep(kind, lang, rng)
            word, _, value = surface.rpartition(" ")
            grouped = [value[i : i + 3] for i in range(0, len(value), 3)]
            kst = style if style not in ("lookalike", "split", "case") else "mixed"
            pieces = [say_group(g.replace("-", ""), lang, kst, rng) for g in grouped]
            k = Keep(len(c.keeps), kind, digits, surface)
            c.keeps.append(k)
            c.say("agent", KEEP_REQUESTS[kind][0 if lang == "ru" else 1])
            _deliver(
                c,
                [word + " " + pieces[0], *pieces[1:]] if word else pieces,
                ", ",
                ("K", k.kid),
                delivery,
                "",
                rng,
            )
            continue
        kind = rng.choice(_types_for(pattern, lang))
        s = make_secret(kind, lang, rng, len(c.secrets))
        if (
            pattern == "lookalike"
            and kind == "licence"
            and lang == "ru"
            and not any(t == "L" for t, _ in s.parts)
        ):
            s.parts[1] = ("L", "УА")
            s.digits = "".join(v for t, v in s.parts if t == "D")
            s.value = "".join(v for _, v in s.parts)
        s.pattern = pattern
        c.secrets.append(s)
        c.say("agent", REQUESTS[kind][0 if lang == "ru" else 1])
        if kind == "email":
            pieces, joiner = render_email(s, pattern, lang, rng)
            lead = ""
        else:
            pieces, joiner, lead = render_secret(s, style, lang, rng)
        s.surface = (lead + joiner.join(pieces)).strip()
        _deliver(c, pieces, joiner, ("S", s.sid), delivery, lead, rng)
        if rng.random() < 0.6:
            c.say("agent", rng.choice(ACKS[lang]))
    for kind in rng.sample(keeps, min(len(keeps), rng.randint(1, 3))):
        if kind != "hotline":
            _say_keep(c, rng.choice(["agent", "customer"]), kind, rng)
    surface, digits = make_keep("hotline", lang, rng)
    pre, post = CLOSINGS[lang]
    c.say("agent", pre, c.keep("hotline", surface, digits), post)
    c.say("customer", "Спасибо, до свидания." if lang == "ru" else "Thanks, bye.")
    return c


def generate(seed: int = SEED) -> list[Case]:
    """The probe's dialogues: per language N_POS_PER_LANG with secrets, then N_NEG_PER_LANG without."""
    rng = random.Random(seed)
    cases = []
    for lang in ("ru", "en"):
        patterns = sorted(PATTERNS[lang])
        cycle = [patterns[i % len(patterns)] for i in range(N_POS_PER_LANG * 3)]
        rng.shuffle(cycle)
        for n in range(N_POS_PER_LANG + N_NEG_PER_LANG):
            negative = n >= N_POS_PER_LANG
            for _attempt in range(60):
                state = list(cycle)
                c = build_case(rng, lang, n, negative, state)
                if _consistent(c):
                    cycle = state
                    break
            else:
                raise AssertionError(f"no consistent dialogue for {lang}-{n}")
            cases.append(c)
    return cases


# ------------------------------------------------------------------------------------------------
# checking
# ------------------------------------------------------------------------------------------------


def _texts(stored: list[tuple[str, str]], llm: str) -> list[str]:
    """What a reader of the stored rows or of the LLM text sees: all of it in order, and each voice."""
    lines = [ln.split(":", 1) for ln in llm.split("\n") if ":" in ln]
    texts = [" \n ".join(t for _, t in stored), llm]
    for role in ("agent", "customer"):
        texts.append(" \n ".join(t for r, t in stored if r == role))
        texts.append(" \n ".join(t for r, t in lines if r.strip().lower() == role))
    return texts


def _windows(s: Secret) -> list[str]:
    d = s.digits
    last = len(d) - 4 if s.kind == "card" else len(d) - 3
    return [d[i : i + 4] for i in range(last)]


def secret_leaks(s: Secret, texts: list[str], runs: list[list[str]]) -> bool:
    if s.kind == "email":
        return any(email_leaks(s.local, t) for t in texts)
    wins = _windows(s)
    return any(w in r for rs in runs for r in rs for w in wins)


def check(c: Case, stored: list[tuple[str, str]], llm: str) -> dict[str, Any]:
    texts = _texts(stored, llm)
    runs = [digit_runs(t) for t in texts]
    llm_runs = [r for i, rs in enumerate(runs) if i in (1, 3, 5) for r in rs]
    leaked = [s for s in c.secrets if secret_leaks(s, texts, runs)]
    lost = []
    for k in c.keeps:
        own = digit_runs(" \n ".join(stored[i][1] for i in k.turns))
        where = []
        if not any(k.digits in r for r in own):
            where.append("stored")
        if not any(k.digits in r for r in llm_runs):
            where.append("llm")
        if where:
            lost.append((k, "+".join(where)))
    touched = c.negative and any(PLACEHOLDER.search(t) for t in texts)
    return {"leaked": leaked, "lost": lost, "touched": bool(touched)}


def _as_llm(turns: list[tuple[str, str]]) -> str:
    return "\n".join(f"{r.capitalize()}: {t}" for r, t in turns)


def _raw(c: Case, redact: bool) -> list[tuple[str, str]]:
    ph = {s.sid: s.placeholder for s in c.secrets}
    return [(t.role, t.text(ph if redact else None)) for t in c.turns]


def _consistent(c: Case) -> bool:
    """Raw: every secret leaks; hand-redacted: none does and every number that must stay is readable."""
    wins = [set(_windows(s)) for s in c.secrets if s.kind != "email"]
    if sum(map(len, wins)) != len(set().union(*wins)):  # two secrets sharing digits would leak together
        return False
    raw = _raw(c, False)
    got = check(c, raw, _as_llm(raw))
    if len(got["leaked"]) != len(c.secrets) or got["lost"]:
        return False
    red = _raw(c, True)
    got = check(c, red, _as_llm(red))
    return not got["leaked"] and not got["lost"] and not (c.negative and got["touched"])


def transcript_of(c: Case) -> dict[str, Any]:
    from streams.bench_text import make_transcript_from_turns

    turns = [(t.role, t.text(), t.extra) for t in c.turns]
    tr = make_transcript_from_turns(c.cid, turns, c.lang)
    segs = tr["segments"]
    for i, t in enumerate(c.turns):
        if t.overlap and i:  # crosstalk: heard while the caller was still speaking
            prev = segs[i - 1]
            length = segs[i]["end"] - segs[i]["start"]
            segs[i]["start"] = round(max(prev["start"], prev["end"] - 0.6), 2)
            segs[i]["end"] = round(segs[i]["start"] + length, 2)
    return tr


def run_case(c: Case) -> tuple[list[tuple[str, str]], str]:
    from processors.compression import compress
    from processors.filtering import filter_transcript

    f = filter_transcript(transcript_of(c))
    segs = f["transcript"]["segments"]
    assert len(segs) == len(c.turns), c.cid
    stored = [(s["role"], s["text"]) for s in segs]
    return stored, compress(f, len, "x")["text"]


def self_check(cases: list[Case] | None = None) -> dict[str, int]:
    """Counts of the generated probe; every secret valid for its type, every dialogue consistent."""
    cases = generate() if cases is None else cases
    for c in cases:
        for s in c.secrets:
            assert validate(s), (c.cid, s.kind, s.value)
        assert _consistent(c), c.cid
    for lat, ru in RU_SPELLING.items():
        assert translit(ru) in (lat, lat.replace("e", "yo")), (lat, ru)
    return {
        "cases": len(cases),
        "secrets": sum(len(c.secrets) for c in cases),
        "keeps": sum(len(c.keeps) for c in cases),
        "negatives": sum(c.negative for c in cases),
    }


def _stored_of(stored: list[tuple[str, str]], turns: list[int]) -> str:
    return " | ".join(f"{stored[i][0]}: {stored[i][1]}" for i in turns)


def evaluate(cases: list[Case] | None = None) -> dict[str, Any]:
    """Run every dialogue through filter + compress and count leaks, lost keeps and touched negatives."""
    cases = generate() if cases is None else cases
    per_type: dict[str, dict[str, int]] = defaultdict(lambda: {"secrets": 0, "leaked": 0})
    per_pattern: dict[str, dict[str, int]] = defaultdict(lambda: {"secrets": 0, "leaked": 0})
    lost_per_kind: dict[str, dict[str, int]] = defaultdict(lambda: {"keeps": 0, "lost": 0})
    examples: list[dict[str, str]] = []
    lost_examples: list[dict[str, str]] = []
    leaked = lost = touched = 0
    for c in cases:
        stored, llm = run_case(c)
        got = check(c, stored, llm)
        for s in c.secrets:
            hit = s in got["leaked"]
            for key, table in ((f"{s.kind}/{c.lang}", per_type), (f"{s.pattern}/{c.lang}", per_pattern)):
                table[key]["secrets"] += 1
                table[key]["leaked"] += hit
            if hit:
                leaked += 1
                llm_lines = [
                    ln for ln in llm.split("\n") if any(c.turns[i].text()[:12] in ln for i in s.turns)
                ]
                examples.append({"case": c.cid, "type": f"{s.kind}/{c.lang}", "pattern": s.pattern,
                                 "secret": s.value, "said": _stored_of(_raw(c, False), s.turns),
                                 "stored": _stored_of(stored, s.turns),
                                 "llm": " | ".join(llm_lines)[:300]})  # fmt: skip
        for k in c.keeps:
            lost_per_kind[k.kind]["keeps"] += 1
        for k, where in got["lost"]:
            lost += 1
            lost_per_kind[k.kind]["lost"] += 1
            lost_examples.append({"case": c.cid, "kind": k.kind, "where": where, "keep": k.surface,
                                  "stored": _stored_of(stored, k.turns)})  # fmt: skip
        touched += got["touched"]
    secrets = sum(len(c.secrets) for c in cases)
    for lang in ("ru", "en"):
        per_type[lang] = {
            "secrets": sum(v["secrets"] for k, v in per_type.items() if k.endswith("/" + lang)),
            "leaked": sum(v["leaked"] for k, v in per_type.items() if k.endswith("/" + lang)),
        }
    return {
        "cases": len(cases),
        "secrets": secrets,
        "keeps": sum(len(c.keeps) for c in cases),
        "negatives": sum(c.negative for c in cases),
        "leaked": leaked,
        "leak_rate": leaked / max(1, secrets),
        "lost": lost,
        "negatives_touched": touched,
        "per_type": dict(per_type),
        "per_pattern": dict(per_pattern),
        "lost_per_kind": dict(lost_per_kind),
        "examples": examples,
        "lost_examples": lost_examples,
    }


def report(result: dict[str, Any], out: Any = sys.stdout) -> None:
    r = result
    pct = 100 * r["leak_rate"]
    print(
        f"probe 11: {r['cases']} dialogues, {r['secrets']} secrets, {r['keeps']} numbers that must stay",
        file=out,
    )
    print(f"leaked {r['leaked']}/{r['secrets']} ({pct:.1f} %); lost {r['lost']}/{r['keeps']}; "
          f"negatives touched {r['negatives_touched']}/{r['negatives']}", file=out)  # fmt: skip
    for title, table in (("per type", r["per_type"]), ("per pattern", r["per_pattern"])):
        print(f"\n{title}:", file=out)
        for key, v in sorted(table.items(), key=lambda kv: (-kv[1]["leaked"], kv[0])):
            rate = 100 * v["leaked"] / max(1, v["secrets"])
            print(f"  {key:22} {v['leaked']:3}/{v['secrets']:<3} {rate:5.1f} %", file=out)
    print("\nlost keeps per kind:", file=out)
    for kind, v in sorted(r["lost_per_kind"].items(), key=lambda kv: (-kv[1]["lost"], kv[0])):
        print(f"  {kind:14} {v['lost']:3}/{v['keeps']}", file=out)
    print("\nexample leaks (up to 3 per pattern):", file=out)
    by_pattern: dict[str, list[dict[str, str]]] = defaultdict(list)
    for e in r["examples"]:
        by_pattern[e["pattern"] + "/" + e["type"].split("/")[1]].append(e)
    for key, items in sorted(by_pattern.items(), key=lambda kv: -len(kv[1])):
        print(f"- {key}: {len(items)}", file=out)
        for e in items[:3]:
            print(f"    {e['case']} {e['type']} {e['secret']}\n      said:   {e['said']}\n"
                  f"      stored: {e['stored']}\n      llm:    {e['llm']}", file=out)  # fmt: skip
    print("\nlost examples:", file=out)
    counts = Counter(e["kind"] for e in r["lost_examples"])
    shown: Counter[str] = Counter()
    for e in r["lost_examples"]:
        if shown[e["kind"]] < 3:
            shown[e["kind"]] += 1
            print(f"    {e['case']} {e['kind']} ({counts[e['kind']]}) [{e['where']}] {e['keep']}\n"
                  f"      stored: {e['stored']}", file=out)  # fmt: skip


if __name__ == "__main__":
    print(self_check())
    report(evaluate())
