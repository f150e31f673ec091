"""Blind PII probe 12: who holds the paper, who gets the number wrong, and how much of it is said at once.

Angle. ~300 seeded call-centre dialogues (half Russian, half English; the English ones US or UK) in seven
industries no blind probe centred on: government services (Госуслуги/МФЦ, Social Security, HM Passport
Office), medical clinics (полис ОМС, СНИЛС, NHS numbers, insurance member IDs), airlines and travel
agencies (passports for tickets), real estate (deposits, bank accounts, credit checks), HR and payroll
(СНИЛС, ИНН, salary accounts, direct deposit), gig platforms (payout cards, самозанятый ИНН, SSN for
1099s) and car insurance (driver's licences; ОСАГО/auto policies and VINs that must stay). 80 % carry
one to three secrets each (never two of one kind), 20 % none but many look-alike business numbers given
the same awkward ways. Whisper-like text: lowercase starts, dropped full stops, "...", numbers as digits
or words, a number over several breaths with the agent's "угу"/"mm-hmm" between. Each secret is given by
one "pattern", a speech situation:

* ``readback_wrong``: the agent reads the number back with one digit wrong ("Проверяю: 6318...,
  верно?"), the caller corrects it ("нет, не один, а два", "no no, 980, not zero") and the agent reads it
  again (or says "Got it, eight, fixed");
* ``phonetic``: spelled with a spelling alphabet: NATO ("Romeo Bravo, seventy-five ...", "H as in
  Hotel") or Russian names ("У как Ульяна, А как Анна", "Иван, Виктор, Анна, Николай", "эн как
  Николай"); IDs with letters (UK NI, IBAN, member ID, licences, a birth certificate's "IV-МЮ") and
  e-mails, often the address first and its spelling asked for after;
* ``partial``: part of a number as well as the whole: "the last four of your social" for verification
  and the full number later, "повторите первые шесть цифр", "first six are ..., and the rest ...", a
  card's last four (which must stay) before or after the full card;
* ``two_halves``: the first half, "подождите, остальное в другой сумке", two or three lines of the call's
  business (amounts, dates, references), then "Так, нашла. Дальше: ..." and sometimes the agent's
  full read-back;
* ``from_doc``: the caller reads from an SMS, letter, contract or card ("тут написано: «Паспорт серия
  ..., приказ № 52-к»", "it says SSN ..., claim CL-2025-787789"), a must-stay reference next to the
  secret, sometimes broken by "так, тут мелко..." / "hold on, it's tiny print...";
* ``email_digits``: digits in the local part ("ivan1987", "o.lebedeva1996", "e.baker61"), said as a
  year ("тысяча девятьсот восемьдесят семь", "nineteen ninety-eight"), digit by digit or written,
  with "a o l" and "бэ ка точка ру" domains;
* ``prefix``: phones with their country or trunk prefix said oddly: "плюс семь", "восьмёрка в начале,
  потом ...", "через восьмёрку", "plus one, area code ...", "double oh forty-four", "zero seven ...",
  next to the company's toll-free line or an agent's extension (which stay);
* ``adjacent_keep``: the secret in one breath with numbers that must stay ("Списали 4 500 рублей, номер
  заказа ..., с карты ..., это было 12.03.2025").

Secret kinds, each valid for its type (checked by ``self_check``): cards (Mir, Visa, Mastercard; Luhn),
RU mobiles (9xx), US NANP numbers (real area codes, no 555/N11 exchanges), UK mobiles (07), e-mails, RU
passports (series + number), RU foreign passports, SNILS (checksum), ОМС policies (16 digits), a person's
INN (12 digits, both check digits), RU personal accounts (40817810..., key digit against the BIK said in
the same call), RU driver's licences (all-digit and lettered), RU birth certificates (roman numeral,
two letters, six digits: the README's [ID] list does not name them), US SSNs (valid areas), US passports
(9 digits or a letter and 8), UK passports, NHS numbers (mod 11), US health member IDs, IBANs (GB, DE;
mod 97), UK National Insurance numbers (valid prefixes), US bank accounts, California driver's licences.

Must-stay numbers (README policy): order, booking, contract, application (Госуслуги), appointment,
confirmation, case (also USCIS-style "IOE0912345678"), claim, ticket, trip, listing and prescription
numbers, e-tickets (13 digits), ОСАГО policies and US/UK auto policies, VINs (an asset's id, taken as
must-stay), a company's INN/KPP/OGRN/BIK and a bank's routing number, toll-free hotlines (8 800, 1-800,
0800, also in words), agents' extensions, tariff codes, cadastral numbers, amounts, dates, times,
mileage, flight numbers, cabinet/room numbers, postcodes, payroll order numbers, a card's last four;
and, in negative calls, references spelled with letters, read back wrong and corrected, given in two
halves, read from an SMS, said by their last four.

Leak rule (this probe's own checker, written from the rule only). A text is read with digits and
Russian/English number words composed as a listener hears them ("девятьсот шестнадцать" = 916, "сорок
пять тысяч шестьсот" = 45600, "twenty-one hundred" = 2100, "nine sixteen" = 916, "double oh" = 00,
"восьмёрку" = 8); a comma or full stop ends a composed number but not the digits "in a row". Digits stay
in a row across punctuation, fillers, segment boundaries and at most three other words; a placeholder
ends the row. A numeric secret LEAKS when 4 of its digits in a row (any window of 4) can be read in the
stored segments joined in order, in one speaker's stored segments joined, in the compressed LLM text,
or in one speaker's lines of it. Not counted: a card's own last four (PCI DSS lets them show), windows
inside the 40817810 every ruble personal account starts with, and a window that takes digits from a
number that is not this secret's (a number that must stay, or another secret of the call), so a
coincidence of a leaked half with a tariff code is credited to nobody. An e-mail LEAKS when its whole
local part (dots, underscores, hyphens ignored) can be read in the same texts, plainly, transliterated
from Cyrillic, spelled letter by letter (Latin letters, Russian letter names "эн", "вэ", "джи", NATO
words, Russian names "Иван, Виктор, ...", "X as in Y", "X как Y"), or when 5 or more of its last
characters can be read right before the "@" ("at", "собака"). A must-stay number is LOST when its digits
cannot be read in its own stored segment(s) or anywhere in the compressed text. A negative dialogue is
TOUCHED when any placeholder shows in its stored segments or compressed text.

Self-check: with no redaction every secret leaks; with perfect hand redaction (only the secret's own
spans replaced by its placeholder) none leaks and every must-stay number is readable in its segments.
A dialogue that fails is generated again.

Run: ``cd /work/main && .venv/bin/python -m tests.pii_probe12`` (evaluate() about 4 s on two cores).

Blind measurement (written without reading the redaction code or the earlier probes' bodies; SEED =
12012, at 457b342, whose processors/ are those of e1dfb84 where it was begun; 300 dialogues, 454
secrets, 2 596 numbers that must stay, 60 negatives):

* secrets leaked 146/454 = 32.2 % (ru 71/231 = 30.7 %, en 75/223 = 33.6 %; 127/435 = 29.2 % without
  the birth certificates). Per type: birth_cert/ru 19/19, passport_ru/ru 13/21, card/en 10/23,
  passport_uk/en 9/23, phone_uk/en 9/27, iban/en 8/17, ssn/en 8/11, card/ru 7/19, inn_person/ru 7/18,
  dl_ca/en 6/13, email/en 6/39, licence_ru/ru 6/20, oms/ru 6/17, passport_us/en 6/10, account_us/en
  5/7, snils/ru 5/16, account/ru 4/14, phone_us/en 3/20, member_id/en 2/5, nhs/en 2/9, zagran/ru 2/13,
  email/ru 1/42, ni/en 1/19, phone_ru/ru 1/32.
* per pattern: two_halves/ru 28/28 and /en 25/29 (the first half before "подождите, остальное в
  другой сумке" stays as said: "ага, 2200 2898 6028... подождите", "fifty-five sixty-five eight three
  five six... sorry, one second"; the second half after the business lines too: "Так, нашла. Дальше:
  16 номер 526137"); partial/en 15/27 and /ru 7/30 ("the first five are seven five two, sixteen", "and
  the last four are nine oh two one, just to be sure", "первые пять: 77009"); phonetic/ru 14/29 (every
  birth certificate: "три римскими, Константин, Борис номер пять пять пять пять семь семь"; e-mails
  spelled after the address) and /en 7/27 ("H as in Hotel fifteen, ninety-five, ...", IBANs spelled
  "G as in Golf, B as in Bravo fifty-five..."); from_doc/en 11/27 and /ru 10/28 ("читаю: ИНН 78 46...
  так, тут мелко... / 069475 98", "it says IBAN 96310965... hold on"); readback_wrong/en 8/29 and /ru
  7/28 (the agent's wrong read-back: "I have S2633702?", "Так, повторяю: 50 АВ 926630, верно?");
  adjacent_keep/ru 5/28 and /en 2/29 ("свидетельство о рождении III КБ 877783, номер билета ...",
  "passport No. H87169207, ticket number ..."); email_digits/en 4/28 (all "... at a o l dot com":
  "e dot baker sixty-one at a o l dot com"); prefix/en 3/27 ("double oh forty-four, seven four seven
  six ..." in the agent's read-back, "area code two one two, then five four three, ..."); but
  email_digits/ru 0/30 and prefix/ru 0/30. All 146 are readable in the stored segments (each within the
  secret's own segments).
* must-stay numbers lost 57/2 596 = 2.2 % (4 in the LLM text only): auto policy numbers 11/37 ("auto
  policy number it's [ID]", also its wrong read-back and correction), toll-free hotlines 10/131 (nine a
  UK 0800 said in words: "our toll-free number is [PHONE]", "oh [PHONE]"; one Russian 8 800 in words
  missing from the LLM text), Госуслуги application numbers 7/57 ("номер заявления — [PHONE]", its
  read-back too), e-tickets 6/82 ("ticket number 125 [PHONE]", a Russian one read back as [CARD]),
  claims 5/92 ("I want to check on my claim [ID]"), prescriptions 4/39, amounts 3/500 ("ремонт в
  сервисе насчитали [ID] рублей", "amount [ID] pounds"), a card's last four 3/65 ("последние 4,
  кстати, [CARD]"), appointments 3/33, extensions 2/102 (cut from the LLM text), an order, a reference
  and a contract 1 each.
* negative dialogues touched 10/60 (UK 0800 hotlines in words, auto policies, a claim, an e-ticket, an
  application number, a prescription number given in halves).
"""

from __future__ import annotations

import itertools
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

SEED = 12012
N_DIALOGUES = 300
NEGATIVE_SHARE = 0.2
MAX_ATTEMPTS = 60

PATTERNS = (
    "readback_wrong",
    "phonetic",
    "partial",
    "two_halves",
    "from_doc",
    "email_digits",
    "prefix",
    "adjacent_keep",
)

# --------------------------------------------------------------------------------------------------
# Reading numbers as a listener hears them
# --------------------------------------------------------------------------------------------------

RU_UNITS = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
RU_UNITS_F = ["ноль", "одна", "две", *RU_UNITS[3:]]
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
RU_DIGIT_NOUNS = {
    "нолик": 0,
    "единица": 1,
    "единичка": 1,
    "двойка": 2,
    "тройка": 3,
    "четвёрка": 4,
    "четверка": 4,
    "пятёрка": 5,
    "пятерка": 5,
    "шестёрка": 6,
    "шестерка": 6,
    "семёрка": 7,
    "семерка": 7,
    "восьмёрка": 8,
    "восьмерка": 8,
    "девятка": 9,
}


def _lexicon() -> dict[str, tuple[str, int]]:
    lex: dict[str, tuple[str, int]] = {}
    for i, w in enumerate(RU_UNITS):
        lex[w] = ("unit", i) if i else ("zero", 0)
    lex.update({"одна": ("unit", 1), "одну": ("unit", 1), "две": ("unit", 2), "нуль": ("zero", 0)})
    for i, w in enumerate(RU_TEENS):
        lex[w] = ("teen", 10 + i)
    for i, w in enumerate(RU_TENS):
        if w:
            lex[w] = ("tens", 10 * i)
    for i, w in enumerate(RU_HUNDREDS):
        if w:
            lex[w] = ("hundreds", 100 * i)
    for w in ("тысяча", "тысячи", "тысяч", "тысячу"):
        lex[w] = ("thousand", 1000)
    for w, v in RU_DIGIT_NOUNS.items():
        lex[w] = ("noun", v)
        if w.endswith("а"):
            for suffix in ("у", "ой", "и"):
                lex[w[:-1] + suffix] = ("noun", v)
    lex["нолик"] = ("noun", 0)
    for i, w in enumerate(EN_UNITS):
        lex[w] = ("unit", i) if i else ("zero", 0)
    lex.update({"oh": ("zero", 0), "nought": ("zero", 0)})
    for i, w in enumerate(EN_TEENS):
        lex[w] = ("teen", 10 + i)
    for i, w in enumerate(EN_TENS):
        if w:
            lex[w] = ("tens", 10 * i)
    lex.update({"hundred": ("hundred", 100), "thousand": ("thousand", 1000)})
    lex.update({"double": ("mult", 2), "triple": ("mult", 3)})
    return lex


LEX = _lexicon()
FILLERS = frozenset(
    {"э", "ээ", "эээ", "эм", "мм", "ммм", "ну", "так", "вот", "угу", "ага"}
    | {"um", "uh", "uhm", "er", "erm", "hmm", "mm", "mhm", "so", "like"}
)
_TOKEN = re.compile(r"\[[A-Z_]+\]|\d+|[^\W\d_]+|[^\s]")
_MARK = re.compile(r"\[×\d+\]")
_PLACEHOLDER = re.compile(r"\[[A-Z_]{2,}\]")
_BREAK_PUNCT = frozenset(",.;:!?…—–")


class _Composer:
    """Composes number words into numbers: "девятьсот шестнадцать" = 916, "twenty-one hundred" = 2100."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.mult = 1
        self._reset()

    def _reset(self) -> None:
        self.total = 0
        self.group = 0
        self.last = ""
        self.active = False

    def flush(self) -> None:
        if self.active:
            self.out.append(str(self.total + self.group))
        self._reset()

    def _start(self, value: int, last: str) -> None:
        self.flush()
        self.group = value
        self.last = last
        self.active = True

    def feed(self, kind: str, value: int) -> None:
        if kind == "mult":
            self.flush()
            self.mult = value
            return
        if kind in ("zero", "noun") or (kind == "unit" and self.mult > 1):
            self.flush()
            self.out.append(str(value) * self.mult)
            self.mult = 1
            return
        self.mult = 1
        if kind == "unit":
            if self.active and self.last in ("tens", "hundreds", "thousand"):
                self.group += value
                self.last = "unit+"
            else:
                self._start(value, "unit")
        elif kind in ("teen", "tens"):
            if self.active and self.last in ("hundreds", "thousand"):
                self.group += value
                self.last = kind if kind == "tens" else "teen+"
            else:
                self._start(value, kind)
        elif kind == "hundreds":
            if self.active and self.last == "thousand":
                self.group += value
                self.last = "hundreds"
            else:
                self._start(value, "hundreds")
        elif kind == "hundred":
            if (
                self.active
                and self.last in ("unit", "teen", "tens", "unit+", "teen+")
                and 0 < self.group < 100
            ):
                self.group *= 100
                self.last = "hundreds"
            elif not self.active:
                self._start(100, "hundreds")
            else:
                self._start(100, "hundreds")
        elif kind == "thousand":
            if self.active and self.total == 0 and self.group > 0:
                self.total = self.group * 1000
                self.group = 0
                self.last = "thousand"
            else:
                self.flush()
                self.total = 1000
                self.active = True
                self.last = "thousand"


def read_rows(text: str) -> list[list[str]]:
    """Digits "in a row" as a listener hears them: across punctuation, fillers and at most three other
    words; a placeholder ends the row. Each row is the list of its numbers (digits or composed words)."""
    rows: list[list[str]] = []
    cur: list[str] = []
    gap = 0
    comp = _Composer()

    def drain() -> None:
        if comp.out:
            cur.extend(comp.out)
            comp.out.clear()

    def end_row() -> None:
        nonlocal gap
        comp.flush()
        drain()
        if cur:
            rows.append(list(cur))
            cur.clear()
        gap = 0

    for tok in _TOKEN.findall(_MARK.sub(" ", text)):
        low = tok.lower()
        if tok.startswith("[") and len(tok) > 1:
            end_row()
        elif tok.isdigit():
            comp.flush()
            drain()
            cur.append(tok)
            gap = 0
        elif low in LEX:
            comp.feed(*LEX[low])
            drain()
            gap = 0
        elif tok in _BREAK_PUNCT or low in FILLERS:
            comp.flush()
            drain()
        elif tok[0].isalpha():
            comp.flush()
            drain()
            if cur:
                gap += 1
                if gap > 3:
                    end_row()
    end_row()
    return rows


def flat(rows: list[list[str]]) -> list[str]:
    return ["".join(row) for row in rows]


def numeric_leak(
    digits: str,
    rows: list[list[str]],
    card: bool = False,
    foreign: tuple[str, ...] = (),
    shared_prefix: int = 0,
) -> str | None:
    """The first window of 4 of the secret's digits that can be read in a row. Not counted: a card's own
    last four (PCI DSS lets them show), windows inside a prefix every such number shares (40817810 of a
    ruble personal account), and a window that takes digits from a number that is not this secret's but a
    number that must stay or another secret (``foreign``), so one leak is never credited to two secrets."""

    def is_foreign(piece: str) -> bool:
        return len(piece) >= 2 and piece not in digits and any(piece in f for f in foreign)

    windows = [
        digits[i : i + 4]
        for i in range(len(digits) - 3)
        if not (card and i == len(digits) - 4) and i + 4 > shared_prefix
    ]
    for row in rows:
        text = "".join(row)
        bounds, pos = [], 0
        for piece in row:
            bounds.append((pos, pos + len(piece), piece))
            pos += len(piece)
        for window in windows:
            at = text.find(window)
            while at >= 0:
                if not any(is_foreign(pc) for a, z, pc in bounds if a < at + 4 and z > at):
                    return window
                at = text.find(window, at + 1)
    return None


# --- e-mails -------------------------------------------------------------------------------------------

_LATIN = (*"abvgdee", "zh", *"ziiklmnoprstuf", "kh", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya")
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True))
NATO = {
    "a": "alpha",
    "b": "bravo",
    "c": "charlie",
    "d": "delta",
    "e": "echo",
    "f": "foxtrot",
    "g": "golf",
    "h": "hotel",
    "i": "india",
    "j": "juliet",
    "k": "kilo",
    "l": "lima",
    "m": "mike",
    "n": "november",
    "o": "oscar",
    "p": "papa",
    "q": "quebec",
    "r": "romeo",
    "s": "sierra",
    "t": "tango",
    "u": "uniform",
    "v": "victor",
    "w": "whiskey",
    "x": "xray",
    "y": "yankee",
    "z": "zulu",
}
NATO_WORDS = {w: k for k, w in NATO.items()} | {"alfa": "a", "juliett": "j", "whisky": "w"}
# Russian spelling alphabet (names) for Latin letters that have a Cyrillic counterpart.
RU_NAME_FOR = {
    "a": "Анна",
    "b": "Борис",
    "v": "Виктор",
    "g": "Григорий",
    "d": "Дмитрий",
    "e": "Елена",
    "z": "Зинаида",
    "i": "Иван",
    "k": "Константин",
    "l": "Леонид",
    "m": "Михаил",
    "n": "Николай",
    "o": "Ольга",
    "p": "Павел",
    "r": "Роман",
    "s": "Сергей",
    "t": "Татьяна",
    "u": "Ульяна",
    "f": "Фёдор",
    "h": "Харитон",
}
RU_NAME_WORDS = {w.lower(): k for k, w in RU_NAME_FOR.items()}
# names for Cyrillic letters (a document's series: "У как Ульяна")
CYR_NAME_FOR = {
    "А": "Анна",
    "Б": "Борис",
    "В": "Василий",
    "Е": "Елена",
    "К": "Константин",
    "М": "Мария",
    "Н": "Николай",
    "О": "Ольга",
    "Р": "Роман",
    "С": "Сергей",
    "Т": "Тимофей",
    "У": "Ульяна",
    "Х": "Харитон",
    "Ю": "Юрий",
    "Л": "Леонид",
    "Ж": "Женя",
}
# Latin letters as Russians name them when they spell an address
RU_LATIN_NAMES = {
    "a": ["эй", "а"],
    "b": ["бэ", "би"],
    "c": ["си", "цэ"],
    "d": ["дэ", "ди"],
    "e": ["е"],
    "f": ["эф"],
    "g": ["гэ", "джи"],
    "h": ["эйч", "аш"],
    "i": ["и", "ай"],
    "j": ["джей"],
    "k": ["ка", "кей"],
    "l": ["эль", "эл"],
    "m": ["эм"],
    "n": ["эн"],
    "o": ["о", "оу"],
    "p": ["пэ", "пи"],
    "q": ["кью"],
    "r": ["эр", "ар"],
    "s": ["эс"],
    "t": ["тэ", "ти"],
    "u": ["у"],
    "v": ["вэ", "ви"],
    "x": ["икс", "экс"],
    "y": ["игрек", "уай"],
    "z": ["зэт", "зед"],
}
LETTER_NAME_WORDS = {n: k for k, names in RU_LATIN_NAMES.items() for n in names if len(n) > 1}
AT_WORDS = frozenset({"at", "собака", "собачка", "собакой", "эт"})
SEP_WORDS = frozenset(
    {"dot", "period", "underscore", "dash", "hyphen", "точка", "подчёркивание", "подчеркивание", "нижнее"}
    | {"дефис", "тире"}
)
EMAIL_FILLERS = frozenset({"um", "uh", "er", "erm", "hmm", "э", "ээ"})


def _skel(s: str) -> str:
    s = s.lower().replace("kh", "h")
    return s.translate(str.maketrans({"y": "i", "j": "i", "w": "v"}))


def _translit(word: str) -> str:
    return "".join(_TRANSLIT.get(c, c).replace("_", "") for c in word.lower())


def letter_stream(text: str) -> str:
    """What a listener can write down of an address: words, letters (also spelled, NATO, Russian names),
    numbers as digits; "@" for "at"/"собака"; "|" for a placeholder."""
    text = re.sub(r"(?i)x-ray", "xray", _MARK.sub(" ", text))
    toks = _TOKEN.findall(text)
    words = [i for i, t in enumerate(toks) if t[0].isalpha() and not t.startswith("[")]
    pos = {ti: n for n, ti in enumerate(words)}

    def word_at(n: int) -> str:
        return toks[words[n]].lower() if 0 <= n < len(words) else ""

    def spelled(w: str) -> bool:
        return w in NATO_WORDS or w in RU_NAME_WORDS or w in LETTER_NAME_WORDS or len(w) == 1

    def in_run(n: int) -> bool:
        """A spelling word is its letter when the word before or after it (over "dot", "um") spells too."""
        for step in (-1, 1):
            m = n + step
            while word_at(m) in SEP_WORDS or word_at(m) in EMAIL_FILLERS:
                m += step
            if spelled(word_at(m)):
                return True
        return False

    out: list[str] = []
    comp = _Composer()
    skip = 0
    for i, tok in enumerate(toks):
        low = tok.lower()
        if tok.startswith("[") and len(tok) > 1:
            comp.flush()
            out.extend(comp.out)
            comp.out.clear()
            out.append("|")
            continue
        if tok == "-":
            continue
        is_word = i in pos
        if skip and is_word:
            skip -= 1
            continue
        if is_word and low in LEX and len(low) > 1:
            comp.feed(*LEX[low])
            continue
        comp.flush()
        out.extend(comp.out)
        comp.out.clear()
        if tok.isdigit():
            out.append(tok)
        elif tok == "@" or low in AT_WORDS:
            out.append("@")
        elif not is_word or low in SEP_WORDS or low in EMAIL_FILLERS:
            continue
        elif low == "as" and word_at(pos[i] + 1) == "in":
            skip = 2
        elif low == "как":
            skip = 1
        elif low in NATO_WORDS and in_run(pos[i]):
            out.append(NATO_WORDS[low])
        elif low in RU_NAME_WORDS and in_run(pos[i]):
            out.append(RU_NAME_WORDS[low])
        elif low in LETTER_NAME_WORDS:
            out.append(LETTER_NAME_WORDS[low])
        else:
            out.append(_translit(low))
    comp.flush()
    out.extend(comp.out)
    return _skel("".join(out))


def email_leak(local: str, stream: str) -> str | None:
    loc = _skel(re.sub(r"[._\-]", "", local))
    if loc in stream:
        return loc
    if len(loc) >= 5:
        for m in re.finditer("@", stream):
            if stream[: m.start()].endswith(loc[-5:]):
                return loc[-5:] + "@"
    return None


# --------------------------------------------------------------------------------------------------
# Saying numbers
# --------------------------------------------------------------------------------------------------


def ru_lt1000(n: int, fem: bool = False) -> list[str]:
    h, rest = divmod(n, 100)
    out = [RU_HUNDREDS[h]] if h else []
    if 10 <= rest < 20:
        out.append(RU_TEENS[rest - 10])
    else:
        t, u = divmod(rest, 10)
        if t:
            out.append(RU_TENS[t])
        if u:
            out.append((RU_UNITS_F if fem else RU_UNITS)[u])
    return out


def ru_words(n: int) -> str:
    if n == 0:
        return "ноль"
    th, rest = divmod(n, 1000)
    out: list[str] = []
    if th:
        out += ru_lt1000(th, fem=True)
        if 11 <= th % 100 <= 14 or th % 10 in (0, 5, 6, 7, 8, 9):
            out.append("тысяч")
        else:
            out.append("тысяча" if th % 10 == 1 else "тысячи")
    if rest:
        out += ru_lt1000(rest)
    return " ".join(out)


def en_lt1000(n: int) -> list[str]:
    h, rest = divmod(n, 100)
    out = [EN_UNITS[h], "hundred"] if h else []
    if 10 <= rest < 20:
        out.append(EN_TEENS[rest - 10])
    elif rest:
        t, u = divmod(rest, 10)
        if t and u:
            out.append(f"{EN_TENS[t]}-{EN_UNITS[u]}")
        elif t:
            out.append(EN_TENS[t])
        else:
            out.append(EN_UNITS[u])
    return out


def en_words(n: int) -> str:
    if n == 0:
        return "zero"
    th, rest = divmod(n, 1000)
    out: list[str] = []
    if th:
        out += [*en_lt1000(th), "thousand"]
    if rest:
        out += en_lt1000(rest)
    return " ".join(out)


def words(lang: str, n: int) -> str:
    return ru_words(n) if lang == "ru" else en_words(n)


def digit_word(rng: random.Random, lang: str, d: str) -> str:
    if lang == "ru":
        return RU_UNITS[int(d)]
    if d == "0":
        return rng.choice(["oh", "oh", "zero"])
    return EN_UNITS[int(d)]


def digitwise(rng: random.Random, lang: str, g: str) -> str:
    return " ".join(digit_word(rng, lang, d) for d in g)


def say_group(rng: random.Random, lang: str, g: str) -> str:
    """One dictated group in words, as people say it: "девятьсот шестнадцать", "six one seven", "oh five"."""
    if len(g) == 1:
        return digit_word(rng, lang, g)
    if g[0] == "0":
        return f"{digit_word(rng, lang, '0')} {say_group(rng, lang, g[1:])}"
    if len(g) == 2:
        return words(lang, int(g))
    if len(g) == 3:
        if lang == "ru" or rng.random() < 0.35:
            return (
                words(lang, int(g))
                if lang == "ru"
                else f"{EN_UNITS[int(g[0])]} {say_group(rng, lang, g[1:])}"
            )
        return digitwise(rng, lang, g)
    if len(g) == 4:
        if lang == "en" and rng.random() < 0.4:
            return digitwise(rng, lang, g)
        return f"{say_group(rng, lang, g[:2])} {say_group(rng, lang, g[2:])}"
    pieces: list[str] = []
    rest = g
    while len(rest) > 4:
        cut = 3 if len(rest) % 2 else rng.choice([2, 3]) if len(rest) > 5 else 3
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return ", ".join(say_group(rng, lang, p) for p in pieces)


ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


def spell_letters(rng: random.Random, lang: str, letters: str, phonetic: bool) -> str:
    if lang == "ru" and re.fullmatch(r"[А-ЯЁ]+", letters):
        if not phonetic:
            return " ".join(letters) if rng.random() < 0.5 else letters
        if rng.random() < 0.6:
            return ", ".join(f"{c} как {CYR_NAME_FOR.get(c, 'Анна')}" for c in letters)
        return ", ".join(CYR_NAME_FOR.get(c, c) for c in letters)
    if not phonetic:
        return " ".join(letters) if rng.random() < 0.6 else letters
    if rng.random() < 0.5:
        return " ".join(NATO[c.lower()].capitalize() for c in letters).replace("Xray", "X-ray")
    return ", ".join(f"{c} as in {NATO[c.lower()].capitalize()}" for c in letters).replace("Xray", "X-ray")


def say_chunk(rng: random.Random, lang: str, chunk: str, style: str, phonetic: bool = False) -> str:
    if style == "written" and not (phonetic and re.search(r"[^\W\d_]", chunk)):
        return chunk
    if chunk.startswith("+"):
        return f"{'плюс' if lang == 'ru' else 'plus'} {say_group(rng, lang, chunk[1:])}"
    if chunk == "№":
        return "номер" if lang == "ru" else "number"
    if chunk in ROMAN:
        return f"{ru_words(ROMAN[chunk])} римскими" if lang == "ru" else chunk
    if chunk.isalpha() and chunk.islower():
        return chunk
    parts = []
    for run in re.findall(r"[^\W\d_]+|\d+", chunk):
        if run.isdigit():
            if style == "digitwise":
                parts.append(digitwise(rng, lang, run))
            elif style == "written" or (style == "mixed" and rng.random() < 0.5):
                parts.append(run)
            else:
                parts.append(say_group(rng, lang, run))
        else:
            parts.append(spell_letters(rng, lang, run, phonetic))
    return " ".join(parts)


def chunks_of(written: str) -> list[str]:
    return re.findall(r"\+?\w+|№", written)


def say_chunks(rng: random.Random, lang: str, chunks: list[str], style: str, phonetic: bool = False) -> str:
    said = [say_chunk(rng, lang, c, style, phonetic) for c in chunks]
    if style == "written" and not phonetic:
        return " ".join(said)
    seps = [", ", ", ", " ", "... "] if style != "digitwise" else [", ", " ", " "]
    text = said[0]
    for s in said[1:]:
        text += rng.choice(seps) + s
    return text


def fill(template: str, digits: str) -> str:
    it = iter(digits)
    return "".join(next(it) if c == "#" else c for c in template)


# --------------------------------------------------------------------------------------------------
# Secrets, valid for their kind
# --------------------------------------------------------------------------------------------------


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return luhn_digit(number[:-1]) == number[-1]


def snils_check(body: str) -> str:
    s = sum(int(d) * (9 - i) for i, d in enumerate(body))
    if s > 101:
        s %= 101
    return "00" if s in (100, 101) else f"{s:02d}"


def inn12(body10: str) -> str:
    w11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    w12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    d11 = sum(int(a) * b for a, b in zip(body10, w11, strict=True)) % 11 % 10
    body11 = body10 + str(d11)
    d12 = sum(int(a) * b for a, b in zip(body11, w12, strict=True)) % 11 % 10
    return body11 + str(d12)


def inn10(body9: str) -> str:
    w = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return body9 + str(sum(int(a) * b for a, b in zip(body9, w, strict=True)) % 11 % 10)


def account_key(bik: str, acc: str) -> str:
    """RU bank account with its key digit (position 9) computed against the BIK."""
    acc0 = acc[:8] + "0" + acc[9:]
    weights = ([7, 1, 3] * 8)[:23]
    s = sum(int(a) * w for a, w in zip(bik[-3:] + acc0, weights, strict=True))
    key = (s % 10 * 3) % 10
    return acc[:8] + str(key) + acc[9:]


def account_ok(bik: str, acc: str) -> bool:
    weights = ([7, 1, 3] * 8)[:23]
    return sum(int(a) * w for a, w in zip(bik[-3:] + acc, weights, strict=True)) % 10 == 0


def iban_make(country: str, bban: str) -> str:
    def num(s: str) -> str:
        return "".join(str(int(c, 36)) for c in s)

    check = 98 - int(num(bban + country + "00")) % 97
    return f"{country}{check:02d}{bban}"


def iban_ok(iban: str) -> bool:
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


def nhs_check(body9: str) -> int:
    s = sum(int(d) * (10 - i) for i, d in enumerate(body9))
    return (11 - s % 11) % 11


def ogrn(body12: str) -> str:
    return body12 + str(int(body12) % 11 % 10)


def rdigits(rng: random.Random, n: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


BIKS = ["044525225", "044525974", "044525593", "044525187", "044030653"]
US_AREAS = ["212", "312", "415", "617", "646", "718", "503", "206", "305", "404", "512", "702", "713", "720"]
US_AREAS += ["773", "818", "916", "972", "614", "480", "602", "303"]
ROUTING = ["021000021", "026009593", "121000248", "011000138", "322271627", "071000013"]

PLACEHOLDER = {
    "card": "[CARD]",
    "phone_ru": "[PHONE]",
    "phone_us": "[PHONE]",
    "phone_uk": "[PHONE]",
    "email": "[EMAIL]",
}
PHONES = {"phone_ru", "phone_us", "phone_uk"}


@dataclass
class Secret:
    kind: str
    lang: str
    digits: str = ""  # the digits a leak is read on
    templates: list[str] = field(default_factory=list)
    local: str = ""
    domain: str = ""
    parts: list[tuple[str, str]] = field(
        default_factory=list
    )  # e-mail local part: ("name"|"sep"|"num", text)
    pattern: str = ""
    has_letters: bool = False

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER.get(self.kind, "[ID]")

    @property
    def written(self) -> str:
        if self.kind == "email":
            return f"{self.local}@{self.domain}"
        return fill(self.templates[0], self.digits)


RU_NAMES = {
    "ivan": "иван",
    "olga": "ольга",
    "marina": "марина",
    "anna": "анна",
    "nikita": "никита",
    "pavel": "павел",
    "roman": "роман",
    "kirill": "кирилл",
    "egor": "егор",
    "elena": "елена",
    "irina": "ирина",
    "oksana": "оксана",
    "vera": "вера",
    "denis": "денис",
    "artem": "артём",
    "yana": "яна",
}
RU_SURNAMES = {
    "petrov": "петров",
    "sokolov": "соколов",
    "volkova": "волкова",
    "smirnov": "смирнов",
    "kuznetsova": "кузнецова",
    "zhukov": "жуков",
    "popova": "попова",
    "morozov": "морозов",
    "lebedeva": "лебедева",
    "orlov": "орлов",
}
EN_NAMES = ["mike", "kate", "john", "emma", "dave", "lucy", "tom", "sarah", "ryan", "amy", "nate", "jess"]
EN_SURNAMES = ["smith", "harris", "baker", "obrien", "walsh", "reed", "carter", "hughes", "foster", "bell"]
RU_DOMAINS = {
    "mail.ru": ["мэйл точка ру", "майл ру", "mail.ru"],
    "yandex.ru": ["яндекс точка ру", "яндекс ру", "yandex.ru"],
    "gmail.com": ["джимейл точка ком", "гмайл ком", "gmail.com"],
    "bk.ru": ["бэ ка точка ру", "bk.ru"],
    "list.ru": ["лист точка ру", "list.ru"],
    "inbox.ru": ["инбокс точка ру", "inbox.ru"],
}
EN_DOMAINS = {
    "gmail.com": ["gmail dot com", "gmail.com"],
    "outlook.com": ["outlook dot com", "outlook.com"],
    "yahoo.com": ["yahoo dot com", "yahoo.com"],
    "icloud.com": ["icloud dot com", "icloud.com"],
    "hotmail.co.uk": ["hotmail dot co dot uk", "hotmail.co.uk"],
    "aol.com": ["aol dot com", "a o l dot com"],
}


def make_email(rng: random.Random, lang: str, with_digits: bool) -> Secret:
    names = list(RU_NAMES) if lang == "ru" else EN_NAMES
    surnames = list(RU_SURNAMES) if lang == "ru" else EN_SURNAMES
    name, surname = rng.choice(names), rng.choice(surnames)
    num = ""
    if with_digits or rng.random() < 0.4:
        num = rng.choice(
            [
                str(rng.randint(1962, 2006)),
                f"{rng.randint(60, 99)}",
                f"{rng.randint(1, 9):02d}",
                str(rng.randint(10, 99)),
            ]
        )
    shape = rng.choice(["name_num", "name_sep_surname", "initial_surname", "surname_sep_num"])
    if shape == "surname_sep_num" and not num:
        shape = "name_sep_surname"
    sep = rng.choice([".", ".", "_", "-"])
    parts: list[tuple[str, str]]
    if shape == "name_num":
        parts = [("name", name)] if num else [("name", name), ("name", surname)]
    elif shape == "name_sep_surname":
        parts = [("name", name), ("sep", sep), ("name", surname)]
    elif shape == "initial_surname":
        parts = [("name", name[0]), ("sep", sep), ("name", surname)]
    else:
        parts = [("name", surname), ("sep", sep)]
    if num:
        parts.append(("num", num))
    domain = rng.choice(list(RU_DOMAINS if lang == "ru" else EN_DOMAINS))
    local = "".join(t for _, t in parts)
    return Secret("email", lang, local=local, domain=domain, parts=parts)


def make_secret(rng: random.Random, kind: str, lang: str, with_digits: bool = False) -> Secret:
    if kind == "email":
        return make_email(rng, lang, with_digits)
    s = Secret(kind, lang)
    if kind == "card":
        prefix = rng.choice(["2200", "2202", "2204", "4", "4", "51", "53", "55"])
        body = prefix + "".join(rng.choice("0123456789") for _ in range(15 - len(prefix)))
        s.digits = body + luhn_digit(body)
        s.templates = ["#### #### #### ####", "################", "####-####-####-####"]
    elif kind == "phone_ru":
        s.digits = "9" + rng.choice(
            ["03", "05", "10", "15", "16", "17", "25", "26", "52", "58", "64", "77", "85", "99"]
        )
        s.digits += rdigits(rng, 7)
        s.templates = [
            "+7 ### ###-##-##",
            "8 (###) ###-##-##",
            "8-###-###-##-##",
            "8##########",
            "### ###-##-##",
            "8 ### ### ## ##",
        ]
    elif kind == "phone_us":
        area = rng.choice(US_AREAS)
        while True:
            exch = rdigits(rng, 3, "23456789")
            if exch[1:] != "11" and exch != "555":
                break
        s.digits = area + exch + rdigits(rng, 4, "0123456789")
        s.templates = ["(###) ###-####", "###-###-####", "### ### ####", "+1 ###-###-####", "1-###-###-####"]
    elif kind == "phone_uk":
        s.digits = "7" + rng.choice("45789") + rdigits(rng, 8, "0123456789")
        s.templates = ["0#### ######", "0####-######", "+44 #### ######", "0#### ### ###"]
    elif kind == "passport_ru":
        series = rng.choice(["45", "46", "40", "50", "65", "92", "60", "63", "36", "52"])
        series += f"{rng.choice([*range(0, 25), 97, 98, 99]):02d}"
        s.digits = series + rdigits(rng, 6)
        s.templates = ["## ## ######", "#### ######", "серия ## ##, номер ######", "#### №######"]
    elif kind == "zagran":
        s.digits = rng.choice(["75", "76", "77", "72", "65", "53"]) + rdigits(rng, 7)
        s.templates = ["## #######", "#########", "## ### ## ##"]
    elif kind == "snils":
        while True:
            body = rdigits(rng, 9, "0123456789")
            if int(body) > 1001998:
                break
        s.digits = body + snils_check(body)
        s.templates = ["###-###-### ##", "### ### ### ##", "###########"]
    elif kind == "oms":
        s.digits = rng.choice(["77", "50", "78", "66", "16", "61", "63", "54", "74"]) + rdigits(
            rng, 14, "0123456789"
        )
        s.templates = ["#### #### #### ####", "################"]
    elif kind == "inn_person":
        s.digits = inn12(rng.choice(["77", "50", "78", "66", "16", "54"]) + rdigits(rng, 8, "0123456789"))
        s.templates = ["############", "#### #### ####", "## ## ###### ##"]
    elif kind == "account":
        bik = rng.choice(BIKS)
        acc = "40817810" + "0" + rdigits(rng, 11, "0123456789")
        s.digits = account_key(bik, acc)
        s.parts = [("bik", bik)]
        s.templates = ["##### ### # #### #######", "####################", "#### #### #### #### ####"]
    elif kind == "licence_ru":
        if rng.random() < 0.5:
            s.digits = rng.choice(["99", "77", "50", "78", "23"]) + rdigits(rng, 8, "0123456789")
            s.templates = ["## ## ######", "##########"]
        else:
            letters = rng.choice(["УА", "АВ", "МК", "ОР", "СТ", "ХЕ", "КН"])
            s.digits = rng.choice(["77", "50", "78", "23", "66"]) + rdigits(rng, 6)
            s.templates = [f"## {letters} ######"]
            s.has_letters = True
    elif kind == "birth_cert":
        roman = rng.choice(["I", "II", "III", "IV", "V", "VI", "VII", "VIII"])
        letters = rng.choice(["МЮ", "АН", "ЛЖ", "КБ", "РУ", "МА", "СТ"])
        s.digits = rdigits(rng, 6)
        s.templates = [f"{roman}-{letters} № ######", f"{roman}-{letters} ######"]
        s.has_letters = True
    elif kind == "ssn":
        while True:
            area = rng.randint(1, 899)
            if area != 666:
                break
        s.digits = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        s.templates = ["###-##-####", "### ## ####", "#########"]
    elif kind == "passport_us":
        if rng.random() < 0.5:
            s.digits = rdigits(rng, 9, "56")
            s.templates = ["#########", "### ### ###"]
        else:
            letter = rng.choice("ACEFH")
            s.digits = rdigits(rng, 8)
            s.templates = [f"{letter}########", f"{letter} #### ####"]
            s.has_letters = True
    elif kind == "passport_uk":
        s.digits = rdigits(rng, 9, "12345")
        s.templates = ["#########", "### ### ###"]
    elif kind == "nhs":
        while True:
            body = rdigits(rng, 9, "3456789")
            c = nhs_check(body)
            if c != 10:
                break
        s.digits = body + str(c)
        s.templates = ["### ### ####", "##########"]
    elif kind == "member_id":
        pre = rng.choice(["XGH", "W", "ZGP", "YLJ", "MBR", "H"])
        s.digits = rdigits(rng, 9)
        s.templates = [f"{pre} ### ### ###", f"{pre}#########"]
        s.has_letters = True
    elif kind == "iban":
        if rng.random() < 0.6:
            bank = rng.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"])
            iban = iban_make("GB", bank + rdigits(rng, 14, "0123456789"))
            s.digits = iban[2:4] + iban[8:]
            s.templates = [f"GB## {bank} #### #### #### ##", f"GB##{bank}##############"]
        else:
            iban = iban_make("DE", rdigits(rng, 18, "0123456789"))
            s.digits = iban[2:]
            s.templates = ["DE## #### #### #### #### ##", "DE####################"]
        s.parts = [("iban", iban)]
        s.has_letters = True
    elif kind == "ni":
        while True:
            p = rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
            if p not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
                break
        s.digits = rdigits(rng, 6, "0123456789")
        suffix = rng.choice("ABCD")
        s.templates = [f"{p} ## ## ## {suffix}", f"{p}######{suffix}"]
        s.has_letters = True
    elif kind == "account_us":
        s.digits = rdigits(rng, rng.choice([10, 10, 12]))
        s.templates = ["#" * len(s.digits), "#### #### " + "#" * (len(s.digits) - 8)]
    elif kind == "dl_ca":
        letter = rng.choice("ABCDEFGNS")
        s.digits = rdigits(rng, 7)
        s.templates = [f"{letter}#######", f"{letter} ### ####"]
        s.has_letters = True
    else:  # pragma: no cover
        raise ValueError(kind)
    rng.shuffle(s.templates)
    return s


def valid_secret(s: Secret) -> bool:
    d = s.digits
    if s.kind == "card":
        return len(d) == 16 and luhn_ok(d)
    if s.kind == "snils":
        return len(d) == 11 and snils_check(d[:9]) == d[9:]
    if s.kind == "inn_person":
        return len(d) == 12 and inn12(d[:10]) == d
    if s.kind == "account":
        return len(d) == 20 and d.startswith("40817") and account_ok(s.parts[0][1], d)
    if s.kind == "iban":
        return iban_ok(s.parts[0][1])
    if s.kind == "nhs":
        return len(d) == 10 and nhs_check(d[:9]) == int(d[9])
    if s.kind == "phone_ru":
        return len(d) == 10 and d[0] == "9"
    if s.kind == "phone_us":
        return len(d) == 10 and d[3] in "23456789" and d[4:6] != "11" and d[3:6] != "555"
    if s.kind == "phone_uk":
        return len(d) == 10 and d[0] == "7" and d[1] != "6"
    if s.kind == "ssn":
        return (
            len(d) == 9 and d[:3] not in ("000", "666") and d[0] != "9" and d[3:5] != "00" and d[5:] != "0000"
        )
    if s.kind == "oms":
        return len(d) == 16
    if s.kind == "email":
        return bool(re.fullmatch(r"[a-z0-9._\-]+", s.local)) and s.local[0].isalpha()
    return len(d) >= 6


def say_email_num(rng: random.Random, lang: str, num: str, mode: str) -> str:
    if mode == "written":
        return num
    if mode in ("spelled", "phonetic") or rng.random() < 0.2:
        return digitwise(rng, lang, num)
    if len(num) == 4:
        if rng.random() < 0.5:
            return words(lang, int(num))
        return f"{say_group(rng, lang, num[:2])} {say_group(rng, lang, num[2:])}"
    return say_group(rng, lang, num)


def spell_latin(rng: random.Random, lang: str, text: str, mode: str) -> str:
    """A Latin name spelled letter by letter: "i, v, a, n", "india victor alpha november",
    "эн как Николай", "Иван, Виктор, Анна, Николай"."""
    if lang == "en":
        if mode == "phonetic":
            if rng.random() < 0.5:
                return " ".join(NATO[c] for c in text).replace("xray", "x-ray")
            return ", ".join(f"{c} as in {NATO[c]}" for c in text).replace("xray", "x-ray")
        return rng.choice([", ", "-", " "]).join(text)
    if mode == "phonetic":
        if all(c in RU_NAME_FOR for c in text) and rng.random() < 0.5:
            return ", ".join(RU_NAME_FOR[c] for c in text)
        return ", ".join(
            f"{rng.choice(RU_LATIN_NAMES[c])} как {RU_NAME_FOR[c]}"
            if c in RU_NAME_FOR
            else rng.choice(RU_LATIN_NAMES[c])
            for c in text
        )
    return ", ".join(rng.choice(RU_LATIN_NAMES[c]) for c in text)


def say_email(rng: random.Random, lang: str, s: Secret, mode: str, with_domain: bool = True) -> str:
    """The address as a caller says it: mode written | spoken | spelled | phonetic."""
    if mode == "written":
        return s.written if with_domain else s.local
    out: list[str] = []
    for kind, text in s.parts:
        if kind == "sep":
            names = {".": ["точка"], "_": ["нижнее подчёркивание", "подчёркивание"], "-": ["дефис", "тире"]}
            en_names = {".": ["dot", "period"], "_": ["underscore"], "-": ["dash", "hyphen"]}
            out.append(rng.choice((names if lang == "ru" else en_names)[text]))
        elif kind == "num":
            out.append(say_email_num(rng, lang, text, mode))
        elif mode in ("spelled", "phonetic") or len(text) == 1:
            out.append(spell_latin(rng, lang, text, mode if mode != "spoken" else "spelled"))
        elif lang == "ru" and text in {**RU_NAMES, **RU_SURNAMES} and rng.random() < 0.7:
            out.append({**RU_NAMES, **RU_SURNAMES}[text])
        else:
            out.append(text)
    said = ", ".join(out) if mode in ("spelled", "phonetic") else " ".join(out)
    if not with_domain:
        return said
    domains = RU_DOMAINS if lang == "ru" else EN_DOMAINS
    at = rng.choice(["собака", "собака", "собачка"]) if lang == "ru" else "at"
    return f"{said} {at} {rng.choice(domains[s.domain])}"


# --------------------------------------------------------------------------------------------------
# Numbers that must stay (README policy: references, amounts, dates, company numbers, hotlines, ...)
# --------------------------------------------------------------------------------------------------

RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября"]
RU_MONTHS += ["ноября", "декабря"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
EN_MONTHS += ["October", "November", "December"]


def thousands(n: int, sep: str = " ") -> str:
    return f"{n:,}".replace(",", sep)


def grouped_words(rng: random.Random, lang: str, digits: str) -> str:
    """A reference read out in words, in twos and threes."""
    pieces: list[str] = []
    rest = digits
    while rest:
        cut = min(len(rest), rng.choice([2, 3, 4]))
        if len(rest) - cut == 1:
            cut += 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return ", ".join(say_group(rng, lang, p) for p in pieces)


def make_keep(rng: random.Random, kind: str, lang: str, locale: str = "") -> tuple[str, list[str]]:
    """(text, the digit strings that must stay readable)."""
    ru = lang == "ru"
    in_words = rng.random() < 0.25
    if kind == "amount":
        n = rng.choice(
            [
                rng.randint(3, 99) * 100 - rng.choice([0, 10, 1]),
                rng.randint(1, 60) * 500,
                rng.randint(12, 990) * 10,
            ]
        )
        if ru:
            text = rng.choice(
                [f"{thousands(n)} рублей", f"{n} рублей", f"{ru_words(n)} рублей", f"{thousands(n)} ₽"]
            )
        else:
            cur = "£" if locale == "uk" else "$"
            text = rng.choice(
                [
                    f"{cur}{thousands(n, ',')}",
                    f"{cur}{thousands(n, ',')}.00",
                    f"{en_words(n)} {'dollars' if cur == '$' else 'pounds'}",
                ]
            )
        return text, [str(n)]
    if kind == "date":
        d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.choice([2024, 2025, 2025, 2026])
        if rng.random() < 0.55:
            if ru:
                return f"{d:02d}.{m:02d}.{y}", [f"{d:02d}{m:02d}{y}"]
            return f"{m:02d}/{d:02d}/{y}", [f"{m:02d}{d:02d}{y}"]
        if ru:
            return f"{d} {RU_MONTHS[m - 1]} {y} года", [str(y)]
        return f"{EN_MONTHS[m - 1]} {d}, {y}", [str(y)]
    if kind == "time":
        h, mm = rng.randint(8, 19), rng.choice([0, 15, 20, 30, 40, 45])
        if ru:
            return f"{h}:{mm:02d}", [f"{h}{mm:02d}"]
        h12 = h - 12 if h > 12 else h
        return f"{h12}:{mm:02d} {'pm' if h >= 12 else 'am'}", [f"{h12}{mm:02d}"]
    if kind == "hotline":
        if ru:
            d = "800" + rdigits(rng, 7, "1234567")
            text = rng.choice(
                [
                    f"8 800 {d[3:6]}-{d[6:8]}-{d[8:]}",
                    f"8-800-{d[3:6]}-{d[6:8]}-{d[8:]}",
                    f"восемь восемьсот, {say_group(rng, 'ru', d[3:6])}, {say_group(rng, 'ru', d[6:8])}, "
                    f"{say_group(rng, 'ru', d[8:])}",
                    f"восьмёрка, потом 800 {d[3:6]} {d[6:8]} {d[8:]}",
                ]
            )
            return text, [d]
        if locale == "uk":
            d = "800" + rdigits(rng, 7, "1234567")
            return rng.choice(
                [
                    f"0800 {d[3:6]} {d[6:]}",
                    f"oh eight hundred, {digitwise(rng, 'en', d[3:6])}, {digitwise(rng, 'en', d[6:])}",
                ]
            ), [d]
        d = rng.choice(["800", "888", "877", "866"]) + rdigits(rng, 7, "23456789")
        return rng.choice(
            [f"1-{d[:3]}-{d[3:6]}-{d[6:]}", f"1 ({d[:3]}) {d[3:6]}-{d[6:]}", f"1-{d[:3]}-{d[3:6]}-{d[6:]}"]
        ), [d]
    if kind == "mileage":
        n = rng.randint(8, 240) * 1000 + rng.choice([0, 400, 150, 870, 25])
        if ru:
            return rng.choice([f"{thousands(n)} км", f"{ru_words(n)} километров"]), [str(n)]
        return rng.choice([f"{thousands(n, ',')} miles", f"{en_words(n)} miles"]), [str(n)]
    if kind == "vin":
        if ru:
            vin = (
                "XTA"
                + rng.choice(["21099", "21140", "21230", "11184", "21703"])
                + "0"
                + rng.choice("YABCDEF")
            )
            vin += rdigits(rng, 7, "0123456789")
        else:
            vin = make_vin(rng)
        return vin, [r for r in re.findall(r"\d+", vin) if len(r) >= 2]
    if kind == "company_inn":
        inn = inn10(rng.choice(["77", "50", "78", "54"]) + rdigits(rng, 7, "0123456789"))
        return inn, [inn]
    if kind == "kpp":
        kpp = rng.choice(["77", "50", "78"]) + rdigits(rng, 2, "0123456789") + "01001"
        return kpp, [kpp]
    if kind == "bik":
        bik = rng.choice(BIKS)
        return bik, [bik]
    if kind == "ogrn":
        o = ogrn("1" + rdigits(rng, 11, "0123456789"))
        return o, [o]
    if kind == "routing":
        r = rng.choice(ROUTING)
        return r, [r]
    if kind == "osago":
        d = rdigits(rng, 10, "0123456789")
        return f"{rng.choice(['ХХХ', 'ТТТ', 'ААВ', 'ААС', 'ККК', 'МММ'])} {d}", [d]
    if kind == "cadastral":
        block = f"{rng.randint(1, 17):02d}:{rng.randint(1, 9999999):07d}"
        text = f"{rng.choice([77, 50, 78])}:{block}:{rng.randint(10, 9999)}"
        return text, ["".join(re.findall(r"\d", text))]
    if kind == "flight":
        n = str(rng.randint(100, 2999))
        code = rng.choice(["SU", "S7", "UT", "DP"] if ru else ["BA", "UA", "DL", "AA"])
        return f"{code} {n}", [n]
    if kind == "eticket":
        d = rng.choice(["555", "421", "298"] if ru else ["125", "016", "006", "001"]) + rdigits(
            rng, 10, "0123456789"
        )
        return rng.choice([f"{d[:3]} {d[3:]}", d, f"{d[:3]}-{d[3:]}"]), [d]
    if kind == "policy_car":
        d = rdigits(rng, 10)
        return rng.choice([f"PA {d[:4]} {d[4:8]} {d[8:]}", f"{d[:4]}-{d[4:8]}-{d[8:]}"]), [d]
    if kind == "claim":
        if ru:
            d = rdigits(rng, 10, "0123456789")
            return rng.choice([f"{d[:4]}-{d[4:]}", f"У-{d}", d]), [d]
        d = rng.choice(["2024", "2025"]) + rdigits(rng, 6)
        return rng.choice([f"CL-{d[:4]}-{d[4:]}", f"{d[:4]} {d[4:]}"]), [d]
    if kind == "case":
        if rng.random() < 0.5:
            d = rdigits(rng, 10)
            return f"{rng.choice(['IOE', 'WAC', 'EAC'])}{d}", [d]
        d = rng.choice(["2024", "2025"]) + rdigits(rng, 8, "0123456789")
        return f"{d[:4]}-{d[4:8]}-{d[8:]}", [d]
    if kind == "card_last4":
        d = rdigits(rng, 4, "0123456789")
        return (say_group(rng, lang, d) if in_words else d), [d]
    if kind == "cabinet":
        d = str(rng.randint(11, 419))
        return d, [d]
    if kind == "payroll":
        d = str(rng.randint(12, 399))
        return f"{d}-к", [d]
    if kind == "postcode":
        d = (
            rdigits(rng, 5, "0123456789")
            if not ru
            else rng.choice(["1", "4", "6"]) + rdigits(rng, 5, "0123456789")
        )
        return d, [d]
    sizes = {
        "order": (5, 9),
        "contract": (6, 10),
        "application": (10, 10),
        "appointment": (5, 7),
        "confirmation": (6, 9),
        "listing": (7, 8),
        "trip": (8, 8),
        "prescription": (7, 7),
        "tariff": (4, 4),
        "extension": (3, 4),
        "ticket": (6, 7),
    }
    lo, hi = sizes[kind]
    d = rdigits(rng, rng.randint(lo, hi))
    if in_words and kind in ("order", "confirmation", "extension", "tariff", "trip", "appointment", "ticket"):
        return grouped_words(rng, lang, d), [d]
    if kind == "contract" and rng.random() < 0.6:
        cut = rng.randint(2, len(d) - 3)
        return f"{d[:cut]}-{d[cut:]}", [d]
    if kind in ("order", "trip", "listing") and len(d) >= 8 and rng.random() < 0.5:
        return f"{d[:4]} {d[4:]}", [d]
    return d, [d]


VIN_VALUES = {**{str(i): i for i in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True))}
VIN_VALUES |= dict(zip("JKLMN", range(1, 6), strict=True)) | {"P": 7, "R": 9}
VIN_VALUES |= dict(zip("STUVWXYZ", range(2, 10), strict=True))


def make_vin(rng: random.Random) -> str:
    """A US VIN with a valid check digit; letters never run over three, so its digits stay readable."""
    wmi = rng.choice(["1HG", "1FA", "2T1", "3VW", "5YJ", "1G1", "4T1"])
    vds = rng.choice(["CM826", "BK221", "FB2F5", "KR32E", "BU4EE", "ZE5S8"])
    year = rng.choice("GHJKLMNP")
    body = wmi + vds + "0" + year + rng.choice("ABCDEF0123") + rdigits(rng, 6, "0123456789")
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    check = sum(VIN_VALUES[c] * w for c, w in zip(body, weights, strict=True)) % 11
    return body[:8] + ("X" if check == 10 else str(check)) + body[9:]


# --------------------------------------------------------------------------------------------------
# Dialogues
# --------------------------------------------------------------------------------------------------


@dataclass
class Piece:
    text: str
    secret: int = -1
    keep: int = -1


@dataclass
class Seg:
    role: str
    pieces: list[Piece]
    lp: float
    nsp: float

    @property
    def raw(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass
class Keep:
    kind: str
    text: str
    need: list[str]
    segs: list[int] = field(default_factory=list)


@dataclass
class Dialogue:
    cid: str
    lang: str
    industry: str
    negative: bool
    segs: list[Seg] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)
    keeps: list[Keep] = field(default_factory=list)
    secret_segs: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def redacted(self, i: int) -> str:
        return "".join(
            self.secrets[p.secret].placeholder if p.secret >= 0 else p.text for p in self.segs[i].pieces
        )

    def turns(self) -> list[tuple[str, str, dict[str, float]]]:
        return [(s.role, s.raw, {"avg_logprob": s.lp, "no_speech_prob": s.nsp}) for s in self.segs]


Part = str | Piece


class Builder:
    def __init__(self, rng: random.Random, d: Dialogue) -> None:
        self.rng = rng
        self.d = d
        self.lang = d.lang
        self.locale = "ru" if d.lang == "ru" else rng.choice(["us", "uk"])
        self.used_ctx: list[tuple[str, str]] = []
        self.kinds_used: set[str] = set()

    def pick(self, ru: list[str], en: list[str]) -> str:
        return self.rng.choice(ru if self.lang == "ru" else en)

    def sec(self, i: int, text: str) -> Piece:
        return Piece(text, secret=i)

    def keep(self, kind: str, text: str | None = None, need: list[str] | None = None) -> Piece:
        if text is None or need is None:
            text, need = make_keep(self.rng, kind, self.lang, self.locale)
        self.d.keeps.append(Keep(kind, text, need))
        return Piece(text, keep=len(self.d.keeps) - 1)

    def say(self, role: str, *parts: Part, lp: float | None = None, nsp: float | None = None) -> None:
        rng = self.rng
        pieces = [Piece(p) if isinstance(p, str) else p for p in parts]
        pieces = [p for p in pieces if p.text]
        if not pieces:
            return
        first = pieces[0]
        if first.secret < 0 and first.keep < 0 and first.text[1:2].islower() and rng.random() < 0.35:
            first.text = first.text[:1].lower() + first.text[1:]
        last = pieces[-1]
        if last.secret < 0 and last.keep < 0 and re.search(r"[^.]\.$", last.text) and rng.random() < 0.25:
            last.text = last.text[:-1]
        idx = len(self.d.segs)
        self.d.segs.append(
            Seg(
                role,
                pieces,
                lp if lp is not None else round(rng.uniform(-0.55, -0.1), 3),
                nsp if nsp is not None else round(rng.uniform(0.01, 0.15), 3),
            )
        )
        for p in pieces:
            if p.secret >= 0 and idx not in self.d.secret_segs[p.secret]:
                self.d.secret_segs[p.secret].append(idx)
            if p.keep >= 0 and idx not in self.d.keeps[p.keep].segs:
                self.d.keeps[p.keep].segs.append(idx)

    def template(self, role: str, tmpl: str) -> None:
        parts: list[Part] = []
        for n, chunk in enumerate(re.split(r"\{(\w+)\}", tmpl)):
            if n % 2:
                parts.append(self.keep(chunk))
            elif chunk:
                parts.append(chunk)
        self.say(role, *parts)

    def ack(self) -> None:
        """The agent's backchannel between two breaths of the caller."""
        self.say(
            "agent",
            self.pick(["угу", "ага", "так", "да-да", "угу, пишу"], ["mm-hmm", "okay", "uh-huh", "yep"]),
        )

    # --- saying a secret ---

    def style(self) -> str:
        return self.rng.choices(["written", "words", "digitwise", "mixed"], [0.45, 0.3, 0.1, 0.15])[0]

    def said(
        self, s: Secret, digits: str | None = None, style: str | None = None, phonetic: bool = False
    ) -> str:
        """The whole number as said (or written by Whisper); checked to read back as its digits."""
        rng = self.rng
        digits = digits if digits is not None else s.digits
        tmpl = rng.choice(s.templates)
        written = fill(tmpl, digits)
        style = style or self.style()
        for _ in range(4):
            text = say_chunks(rng, self.lang, chunks_of(written), style, phonetic)
            if digits in "".join(flat(read_rows(text))):
                return text
        return written

    def request(self, s: Secret) -> str:
        return self.rng.choice(REQUESTS[self.lang][s.kind])

    def intro(self) -> str:
        return self.pick(
            ["да, записывайте: ", "так, сейчас... ", "ага, ", "", "это ", "записывайте, "],
            ["sure, it's ", "okay so ", "yeah, it's ", "", "um, ", "it's "],
        )


REQUESTS: dict[str, dict[str, list[str]]] = {
    "ru": {
        "phone_ru": [
            "Оставьте, пожалуйста, контактный номер телефона.",
            "Продиктуйте номер мобильного для связи.",
            "На какой номер вам перезвонить?",
        ],
        "card": ["Назовите номер карты, на которую оформить возврат.", "Продиктуйте номер карты для выплат."],
        "email": ["Продиктуйте адрес электронной почты.", "На какую почту отправить документы?"],
        "passport_ru": ["Назовите серию и номер паспорта.", "Мне нужны серия и номер вашего паспорта."],
        "zagran": ["Продиктуйте номер загранпаспорта.", "Номер заграничного паспорта назовите, пожалуйста."],
        "snils": ["Назовите, пожалуйста, СНИЛС.", "Продиктуйте номер СНИЛС."],
        "oms": ["Назовите номер полиса ОМС.", "Продиктуйте номер полиса, он шестнадцатизначный."],
        "inn_person": ["Назовите ваш ИНН.", "Продиктуйте ваш личный ИНН, двенадцать цифр."],
        "account": [
            "Назовите номер счёта для перечисления.",
            "Продиктуйте номер вашего счёта, двадцать цифр.",
        ],
        "licence_ru": ["Назовите номер водительского удостоверения.", "Продиктуйте серию и номер прав."],
        "birth_cert": ["Продиктуйте серию и номер свидетельства о рождении ребёнка."],
    },
    "en": {
        "phone_us": ["What's the best number to reach you at?", "Can I get a callback number?"],
        "phone_uk": ["Could you give me your mobile number?", "What's the best number to ring you back on?"],
        "card": ["What's the long number on the card?", "Go ahead with the card number when you're ready."],
        "email": ["What email should we send the confirmation to?", "Can I get your email address?"],
        "ssn": ["I'll need your social security number to verify.", "Can you give me your social?"],
        "passport_us": ["What's your passport number?", "I need the passport number exactly as printed."],
        "passport_uk": ["What's your passport number?", "Can you read me the passport number?"],
        "nhs": ["Do you have your NHS number?", "Can you read me your NHS number?"],
        "member_id": ["What's the member ID on your insurance card?", "Can I get your member ID?"],
        "iban": ["What's your IBAN for the refund?", "Could you read me the IBAN?"],
        "ni": ["And your National Insurance number?", "Can I take your National Insurance number?"],
        "account_us": ["What's the account number for the direct deposit?", "And the account number?"],
        "dl_ca": ["What's your driver's license number?", "Can I get the license number?"],
    },
}
LABEL_GEN = {
    "phone_ru": "телефона",
    "card": "карты",
    "passport_ru": "паспорта",
    "zagran": "загранпаспорта",
    "snils": "СНИЛС",
    "oms": "полиса",
    "inn_person": "ИНН",
    "account": "счёта",
    "licence_ru": "прав",
    "birth_cert": "свидетельства",
}
LABEL_EN = {
    "phone_us": "your phone number",
    "phone_uk": "your mobile number",
    "card": "the card",
    "ssn": "your social",
    "passport_us": "your passport number",
    "passport_uk": "your passport number",
    "nhs": "your NHS number",
    "member_id": "your member ID",
    "iban": "the IBAN",
    "ni": "your National Insurance number",
    "account_us": "the account number",
    "dl_ca": "your license number",
}
DOC_LABEL = {
    "ru": {
        "phone_ru": "Телефон:",
        "card": "Карта",
        "passport_ru": "Паспорт",
        "zagran": "Загранпаспорт №",
        "snils": "СНИЛС",
        "oms": "Полис ОМС №",
        "inn_person": "ИНН",
        "account": "Счёт получателя",
        "licence_ru": "ВУ",
        "birth_cert": "Свидетельство о рождении",
        "email": "Эл. почта:",
    },
    "en": {
        "phone_us": "Phone:",
        "phone_uk": "Mobile:",
        "card": "Card number",
        "ssn": "SSN",
        "passport_us": "Passport No.",
        "passport_uk": "Passport No.",
        "nhs": "NHS No.",
        "member_id": "Member ID",
        "iban": "IBAN",
        "ni": "NI number",
        "account_us": "Account",
        "dl_ca": "DL",
        "email": "Email:",
    },
}

LONG_KINDS = {
    "card",
    "phone_ru",
    "phone_us",
    "phone_uk",
    "passport_ru",
    "zagran",
    "snils",
    "oms",
    "inn_person",
}
LONG_KINDS |= {"account", "ssn", "passport_uk", "nhs", "member_id", "iban", "account_us"}
LETTER_KINDS = {"email", "licence_ru", "birth_cert", "ni", "iban", "member_id", "dl_ca", "passport_us"}


def compatible(pattern: str, kind: str) -> bool:
    if pattern == "readback_wrong":
        return kind != "email"
    if pattern == "phonetic":
        return kind in LETTER_KINDS
    if pattern == "partial":
        return kind in LONG_KINDS and kind not in ("iban", "member_id")
    if pattern == "two_halves":
        return kind in LONG_KINDS
    if pattern == "email_digits":
        return kind == "email"
    if pattern == "prefix":
        return kind in PHONES
    return True


# --- industries ---------------------------------------------------------------------------------------

IND: dict[str, dict[str, dict[str, Any]]] = {
    "ru": {
        "gosuslugi": {
            "greet": [
                "Здравствуйте, многофункциональный центр, оператор Марина, слушаю вас.",
                "Госуслуги, служба поддержки, здравствуйте.",
                "Добрый день, МФЦ, чем могу помочь?",
            ],
            "reason": [
                "здравствуйте, я подавала заявление на замену паспорта, "
                "номер заявления {application}, какой статус?",
                "добрый день... мне нужно записаться на приём, справку получить",
                "мне пришло уведомление про госпошлину {amount}, а я уже платила",
            ],
            "ctx": [
                ("agent", "Вижу, заявление {application} на рассмотрении, срок до {date}."),
                ("agent", "Госпошлина {amount}, через портал со скидкой."),
                ("agent", "Приходите {date} в {time}, окно {cabinet}."),
                ("customer", "а если я не успею к {time}, можно перенести?"),
                ("agent", "Если что, звоните на горячую линию {hotline}."),
                ("customer", "я платила {amount} ещё {date}, квитанция есть."),
            ],
            "kinds": ["snils", "passport_ru", "inn_person", "birth_cert", "phone_ru", "email", "oms"],
            "refs": ["application", "application", "order"],
            "doc": "заявление № {application}",
        },
        "clinic": {
            "greet": [
                "Медицинский центр «Здоровье», администратор Ольга, здравствуйте.",
                "Поликлиника, регистратура, слушаю.",
            ],
            "reason": [
                "хочу записаться к терапевту",
                "я записана на {date}, хочу перенести",
                "пришёл счёт на {amount}, не понимаю за что",
            ],
            "ctx": [
                ("agent", "Ближайшая запись {date} в {time}, кабинет {cabinet}."),
                ("agent", "Номер вашей записи {appointment}."),
                ("agent", "Приём платный, {amount}, по договору {contract}."),
                ("customer", "а по ОМС бесплатно нельзя? мне в прошлый раз {amount} насчитали"),
                ("agent", "Анализы будут готовы к {date}, после {time}."),
            ],
            "kinds": ["oms", "snils", "phone_ru", "email", "passport_ru", "card"],
            "refs": ["appointment", "contract"],
            "doc": "запись № {appointment}",
        },
        "airline": {
            "greet": [
                "Авиакомпания «Северный ветер», Екатерина, здравствуйте.",
                "Турагентство «Горизонт», добрый день.",
            ],
            "reason": [
                "хочу купить билет до Сочи на {date}",
                "у меня бронь {order}, нужно поменять дату",
                "мне не пришёл электронный билет, а вылет {date}",
            ],
            "ctx": [
                ("agent", "Рейс {flight} вылетает {date} в {time}."),
                ("agent", "Номер электронного билета {eticket}."),
                ("agent", "Стоимость с багажом {amount}."),
                ("agent", "Номер бронирования {order}, запишите."),
                ("customer", "а доплата за смену даты сколько, {amount}?"),
            ],
            "kinds": ["passport_ru", "zagran", "phone_ru", "email", "card", "birth_cert"],
            "refs": ["order", "eticket"],
            "doc": "бронь № {order}",
        },
        "realty": {
            "greet": [
                "Агентство недвижимости «Квадрат», Андрей, здравствуйте.",
                "Риелторская компания «Ключ», слушаю.",
            ],
            "reason": [
                "звоню по квартире на Профсоюзной, объявление {listing}",
                "хотим оформить задаток за квартиру",
                "нужно подготовить договор купли-продажи",
            ],
            "ctx": [
                ("agent", "Кадастровый номер квартиры {cadastral}, обременений нет."),
                ("agent", "Цена {amount}, задаток {amount}."),
                ("agent", "Договор {contract} подписываем {date} в {time}."),
                ("agent", "Реквизиты банка для задатка: БИК {bik}."),
                ("customer", "а комиссия агентства {amount}, правильно?"),
            ],
            "kinds": ["passport_ru", "account", "inn_person", "phone_ru", "email", "snils"],
            "refs": ["contract", "listing"],
            "doc": "договор № {contract}",
        },
        "hr": {
            "greet": ["Отдел кадров, Наталья, слушаю.", "Бухгалтерия, расчётный отдел, здравствуйте."],
            "reason": [
                "я новый сотрудник, меня приняли по приказу {payroll}, нужно донести документы",
                "мне зарплату не ту начислили, пришло {amount}",
                "хочу поменять реквизиты для зарплаты",
            ],
            "ctx": [
                ("agent", "Оклад по приказу {payroll} — {amount}."),
                ("agent", "Зарплата приходит {date}, аванс двадцать пятого."),
                ("agent", "ИНН нашей организации {company_inn}, КПП {kpp}, если спросят в банке."),
                ("agent", "Мой добавочный {extension}, звоните."),
                ("agent", "ОГРН для справки {ogrn}."),
                ("agent", "Банк зарплатного проекта, БИК {bik}."),
            ],
            "kinds": ["snils", "inn_person", "account", "passport_ru", "phone_ru", "card", "email"],
            "refs": ["payroll", "contract"],
            "doc": "приказ № {payroll}",
        },
        "gig": {
            "greet": [
                "Служба поддержки курьеров, Артём, здравствуйте.",
                "Поддержка партнёров сервиса доставки, добрый день.",
            ],
            "reason": [
                "мне не пришла выплата за неделю, {amount}",
                "заказ {order} отменился, а я уже приехал",
                "хочу подключиться как самозанятый",
            ],
            "ctx": [
                ("agent", "Заказ {order} закрыт {date} в {time}."),
                ("agent", "Выплата {amount} уйдёт в течение трёх дней."),
                ("agent", "У вас код тарифа {tariff}."),
                ("agent", "Горячая линия для партнёров {hotline}."),
                ("customer", "я за смену {amount} заработал, а пришло меньше"),
            ],
            "kinds": ["card", "phone_ru", "passport_ru", "inn_person", "licence_ru", "email"],
            "refs": ["order", "order"],
            "doc": "заказ № {order}",
        },
        "auto_ins": {
            "greet": [
                "Страховая компания «Надёжный полис», Игорь, здравствуйте.",
                "Урегулирование убытков, добрый день.",
            ],
            "reason": [
                "у меня ДТП, полис ОСАГО {osago}",
                "хочу продлить КАСКО",
                "по убытку {claim} какой статус?",
            ],
            "ctx": [
                ("agent", "По вашему полису ОСАГО {osago} вижу автомобиль, VIN {vin}."),
                ("agent", "Пробег на момент осмотра {mileage}."),
                ("agent", "Номер убытка {claim}, сумма к выплате {amount}."),
                ("agent", "Осмотр назначен на {date} в {time}."),
                ("customer", "ремонт в сервисе насчитали {amount}, это покроется?"),
            ],
            "kinds": ["licence_ru", "passport_ru", "phone_ru", "email", "card"],
            "refs": ["claim", "osago"],
            "doc": "полис ОСАГО {osago}",
        },
    },
    "en": {
        "gov": {
            "greet": [
                "Social Security Administration, this is Dana, how can I help you?",
                "HM Passport Office, good morning, you're speaking to Priya.",
            ],
            "reason": [
                "hi, I'm calling about my application, the case number is {case}",
                "I need to reschedule my appointment on {date}",
                "I got a letter saying I owe {amount}",
            ],
            "ctx": [
                ("agent", "I see case {case}, it's still in review, expected by {date}."),
                ("agent", "Your appointment confirmation is {confirmation}."),
                ("agent", "The fee is {amount}."),
                ("agent", "You can also call us at {hotline}."),
                ("agent", "We have an opening on {date} at {time}."),
            ],
            "kinds_us": ["ssn", "passport_us", "phone_us", "email", "dl_ca"],
            "kinds_uk": ["ni", "passport_uk", "phone_uk", "email"],
            "refs": ["case", "confirmation"],
            "doc": "case {case}",
        },
        "medical": {
            "greet": ["Riverside Family Clinic, this is Jenna.", "Oakwood Surgery, reception, good morning."],
            "reason": [
                "I need to book an appointment",
                "I got a bill for {amount} and I don't understand it",
                "I need a refill, prescription {prescription}",
            ],
            "ctx": [
                ("agent", "You're booked for {date} at {time}, room {cabinet}."),
                ("agent", "Your confirmation number is {confirmation}."),
                ("agent", "Claim {claim} was processed, your copay is {amount}."),
                ("agent", "Prescription {prescription} is ready for pickup."),
            ],
            "kinds_us": ["member_id", "ssn", "phone_us", "email", "card"],
            "kinds_uk": ["nhs", "phone_uk", "email", "card"],
            "refs": ["confirmation", "prescription", "claim"],
            "doc": "claim {claim}",
        },
        "airline": {
            "greet": ["Thanks for calling SkyWays, this is Mark.", "Blue Horizon Travel, Sophie speaking."],
            "reason": [
                "I need to change my flight on {date}",
                "I never got my e-ticket",
                "I want to add a bag, booking {order}",
            ],
            "ctx": [
                ("agent", "That's flight {flight} departing {date} at {time}."),
                ("agent", "Your ticket number is {eticket}."),
                ("agent", "The change fee is {amount}."),
                ("agent", "Your booking number is {order}."),
            ],
            "kinds_us": ["passport_us", "phone_us", "email", "card"],
            "kinds_uk": ["passport_uk", "phone_uk", "email", "card"],
            "refs": ["order", "eticket"],
            "doc": "ticket {eticket}",
        },
        "realty": {
            "greet": ["Keystone Realty, this is Rachel.", "Brightside Lettings, Tom speaking."],
            "reason": [
                "I'm calling about the apartment, listing {listing}",
                "I want to put down a deposit",
                "it's about the lease renewal, contract {contract}",
            ],
            "ctx": [
                ("agent", "The rent is {amount} a month, deposit {amount}."),
                ("agent", "The lease is contract {contract}, starting {date}."),
                ("agent", "Viewing is {date} at {time}."),
                ("agent", "Our bank routing number is {routing}."),
                ("agent", "The zip code there is {postcode}."),
            ],
            "kinds_us": ["ssn", "phone_us", "email", "account_us"],
            "kinds_uk": ["ni", "iban", "phone_uk", "email"],
            "refs": ["listing", "contract"],
            "doc": "contract {contract}",
        },
        "hr": {
            "greet": ["Payroll department, this is Kevin.", "HR service desk, Laura speaking."],
            "reason": [
                "my paycheck was short, I got {amount}",
                "I need to update my direct deposit",
                "I'm a new hire starting {date}",
            ],
            "ctx": [
                ("agent", "Your ticket number is {ticket}."),
                ("agent", "The next pay date is {date}."),
                ("agent", "My direct extension is {extension}."),
                ("agent", "Gross for the period was {amount}."),
                ("agent", "Our routing number on file is {routing}."),
            ],
            "kinds_us": ["ssn", "account_us", "phone_us", "email", "dl_ca"],
            "kinds_uk": ["ni", "iban", "phone_uk", "email", "passport_uk"],
            "refs": ["ticket", "ticket"],
            "doc": "ticket {ticket}",
        },
        "gig": {
            "greet": ["Driver support, this is Alex.", "Courier partner support, Maya speaking."],
            "reason": [
                "my payout of {amount} hasn't arrived",
                "trip {trip} was cancelled but I drove there",
                "I want to sign up to deliver",
            ],
            "ctx": [
                ("agent", "Trip {trip} ended {date} at {time}."),
                ("agent", "Order {order} shows delivered."),
                ("agent", "The payout of {amount} goes out Thursday."),
                ("agent", "Our partner line is {hotline}."),
            ],
            "kinds_us": ["ssn", "card", "phone_us", "email", "dl_ca"],
            "kinds_uk": ["ni", "card", "phone_uk", "email", "iban"],
            "refs": ["trip", "order"],
            "doc": "trip {trip}",
        },
        "auto_ins": {
            "greet": [
                "SafeDrive Insurance claims, this is Brian.",
                "Harbor Auto Insurance, Olivia speaking.",
            ],
            "reason": [
                "I was in an accident, my auto policy is {policy_car}",
                "I want to check on my claim {claim}",
                "I have a question about the renewal, it went up to {amount}",
            ],
            "ctx": [
                ("agent", "Your auto policy {policy_car} covers the vehicle, VIN {vin}."),
                ("agent", "Odometer at the inspection was {mileage}."),
                ("agent", "Claim {claim}, the estimate is {amount}."),
                ("agent", "The adjuster comes {date} at {time}."),
            ],
            "kinds_us": ["dl_ca", "phone_us", "email", "card"],
            "kinds_uk": ["phone_uk", "email", "card", "passport_uk"],
            "refs": ["claim", "policy_car"],
            "doc": "auto policy {policy_car}",
        },
    },
}


def kinds_for(b: Builder, ind: dict[str, Any]) -> list[str]:
    return list(ind["kinds"] if b.lang == "ru" else ind[f"kinds_{b.locale}"])


# --- patterns ------------------------------------------------------------------------------------------


def digits_said(b: Builder, digits: str) -> str:
    """A few digits said on their own: "4567", "сорок пять шестьдесят семь", "four five six seven"."""
    r = b.rng.random()
    if r < 0.4:
        return digits
    if r < 0.7:
        return say_group(b.rng, b.lang, digits)
    return digitwise(b.rng, b.lang, digits)


def said_parts(b: Builder, s: Secret, n: int, style: str | None = None) -> list[str]:
    """The number said in n breaths, cut between its written groups (or its digits)."""
    rng = b.rng
    style = style or b.style()
    tmpl = max(s.templates, key=lambda t: len(chunks_of(t)))
    chunks = chunks_of(fill(tmpl, s.digits))
    if len(chunks) < n:
        cut = len(s.digits) // 2
        return [digits_said(b, s.digits[:cut]), digits_said(b, s.digits[cut:])]
    cuts = sorted(rng.sample(range(1, len(chunks)), n - 1))
    bounds = [0, *cuts, len(chunks)]
    return [say_chunks(rng, b.lang, chunks[a:z], style) for a, z in itertools.pairwise(bounds)]


def pat_readback_wrong(b: Builder, i: int, ind: dict[str, Any]) -> None:
    s, rng, ru = b.d.secrets[i], b.rng, b.lang == "ru"
    b.say("agent", b.request(s))
    if rng.random() < 0.35:
        first, second = said_parts(b, s, 2)
        b.say("customer", b.intro(), b.sec(i, first))
        b.ack()
        b.say("customer", b.sec(i, second))
    else:
        b.say("customer", b.intro(), b.sec(i, b.said(s)))
    pos = rng.randrange(2, len(s.digits) - 1)
    new = rng.choice([c for c in "0123456789" if c != s.digits[pos]])
    wrong = s.digits[:pos] + new + s.digits[pos + 1 :]
    wrong_text = b.said(s, wrong, style=rng.choice(["written", "written", "words"]))
    b.say(
        "agent",
        b.pick(
            ["Записываю: ", "Так, повторяю: ", "Проверяю: "],
            ["So that's ", "Let me read that back: ", "I have "],
        ),
        b.sec(i, wrong_text),
        b.pick([", верно?", ". Правильно?", "... так?"], [", correct?", ", is that right?", "?"]),
    )
    right_w, wrong_w = digit_word(rng, b.lang, s.digits[pos]), digit_word(rng, b.lang, new)
    if rng.random() < 0.5:
        b.say(
            "customer",
            rng.choice([f"Нет, не {wrong_w}, а {right_w}.", f"нет-нет, там {right_w}, не {wrong_w}"])
            if ru
            else rng.choice([f"No, not {wrong_w}, {right_w}.", f"no, it's a {right_w}, not a {wrong_w}"]),
        )
    else:
        group = s.digits[max(0, pos - 1) : pos + 2]
        b.say(
            "customer",
            b.pick(["Нет, там ", "нет-нет, "], ["No, it's ", "no no, "]),
            b.sec(i, rng.choice([group, say_group(rng, b.lang, group)])),
            f", не {wrong_w}" if ru else f", not {wrong_w}",
        )
    if rng.random() < 0.6:
        b.say(
            "agent",
            b.pick(["Исправила: ", "Понял, ", "Ага, тогда "], ["Got it, ", "Sorry, so ", "Okay, "]),
            b.sec(i, b.said(s)),
            ".",
        )
    else:
        b.say("agent", f"Поняла, {right_w}, исправила." if ru else f"Got it, {right_w}, fixed.")
    b.say("customer", b.pick(["да, всё верно", "да", "правильно"], ["yes, that's right", "yep", "that's it"]))


def pat_phonetic(b: Builder, i: int, ind: dict[str, Any]) -> None:
    s, rng = b.d.secrets[i], b.rng
    b.say("agent", b.request(s))
    if s.kind == "email":
        if rng.random() < 0.5:
            b.say(
                "customer", b.intro(), b.sec(i, say_email(rng, b.lang, s, rng.choice(["spoken", "written"])))
            )
            b.say(
                "agent",
                b.pick(
                    ["Продиктуйте по буквам, пожалуйста.", "А по буквам можно?"],
                    ["Could you spell that for me?", "Can you spell the first part?"],
                ),
            )
            b.say("customer", b.sec(i, say_email(rng, b.lang, s, "phonetic", with_domain=rng.random() < 0.5)))
        else:
            b.say("customer", b.intro(), b.sec(i, say_email(rng, b.lang, s, "phonetic")))
        if rng.random() < 0.4:
            b.say(
                "agent",
                b.pick(["Записала: ", "Так, "], ["So that's ", "Okay, "]),
                b.sec(i, s.written),
                b.pick([", верно?", "?"], [", right?", "?"]),
            )
            b.say("customer", b.pick(["да", "верно"], ["yes", "correct"]))
        return
    b.say(
        "customer",
        b.intro(),
        b.sec(i, b.said(s, style=rng.choice(["written", "words", "digitwise"]), phonetic=True)),
    )
    if rng.random() < 0.5:
        b.say(
            "agent",
            b.pick(
                ["Буквы ещё раз, пожалуйста?", "Повторите буквы?"],
                ["Sorry, the letters again?", "Can you repeat the letters?"],
            ),
        )
        letters = [c for c in chunks_of(s.written) if re.search(r"[^\W\d_]", c)]
        spelled = ", ".join(say_chunk(rng, b.lang, re.sub(r"\d", "", c) or c, "words", True) for c in letters)
        b.say("customer", b.sec(i, spelled))
    if rng.random() < 0.5:
        b.say("agent", b.pick(["Записал: ", "Итак, "], ["So I have ", "Okay, "]), b.sec(i, s.written), ".")
        b.say("customer", b.pick(["да", "так точно"], ["yes", "that's it"]))


def pat_partial(b: Builder, i: int, ind: dict[str, Any]) -> None:
    s, rng, ru = b.d.secrets[i], b.rng, b.lang == "ru"
    last4 = s.digits[-4:]
    label = LABEL_GEN.get(s.kind, "номера") if ru else LABEL_EN.get(s.kind, "the number")
    variant = rng.choice(["verify_first", "full_first", "labelled"])
    if variant == "verify_first":
        if s.kind == "card":
            b.say(
                "agent",
                b.pick(
                    ["Это карта, которая заканчивается на ", "Карта на "],
                    ["Is that the card ending in ", "The card ending "],
                ),
                b.keep("card_last4", last4, [last4]),
                "?",
            )
            b.say("customer", b.pick(["да, она", "да, на неё"], ["yes, that one", "yeah"]))
        else:
            b.say(
                "agent",
                f"Для проверки назовите последние четыре цифры {label}."
                if ru
                else f"For verification, can you give me the last four of {label}?",
            )
            b.say("customer", b.sec(i, digits_said(b, last4)))
            b.say(
                "agent",
                b.pick(
                    ["Спасибо, совпадает.", "Да, вижу."], ["Thank you, that matches.", "Perfect, thanks."]
                ),
            )
        ctx_line(b, ind)
        b.say(
            "agent",
            b.pick(
                ["А теперь полностью, пожалуйста, для оформления.", "Мне нужен полный номер."],
                ["Now I'll need the full number, please.", "And the whole number this time?"],
            ),
        )
        b.say("customer", b.intro(), b.sec(i, b.said(s)))
        return
    if variant == "full_first":
        b.say("agent", b.request(s))
        b.say("customer", b.intro(), b.sec(i, b.said(s)))
        ctx_line(b, ind)
        if s.kind == "card":
            b.say(
                "customer",
                b.pick(["последние четыре, кстати, ", "она на "], ["the last four are ", "it ends in "]),
                b.keep("card_last4", last4, [last4]),
                b.pick([", на всякий случай.", " заканчивается"], [", just so you know.", ""]),
            )
            first = s.digits[:6]
            b.say(
                "agent",
                b.pick(
                    ["Повторите первые шесть цифр, связь плохая.", "Первые шесть ещё раз?"],
                    ["Sorry, the first six again?", "Can you repeat the first six digits?"],
                ),
            )
            b.say("customer", b.sec(i, digits_said(b, first)))
        elif rng.random() < 0.5:
            b.say(
                "agent",
                b.pick(
                    ["Повторите первые шесть цифр, связь плохая.", "Первые шесть ещё раз?"],
                    ["Sorry, the first six again?", "Can you repeat the first six digits?"],
                ),
            )
            b.say("customer", b.sec(i, digits_said(b, s.digits[:6])))
        else:
            b.say(
                "customer",
                b.pick(["последние четыре, кстати, ", "в конце "], ["and the last four are ", "it ends "]),
                b.sec(i, digits_said(b, last4)),
                b.pick([", на всякий случай.", ", точно."], [", just to be sure.", "."]),
            )
        return
    k = rng.choice([5, 6]) if len(s.digits) >= 10 else 4
    b.say("agent", b.request(s))
    b.say(
        "customer",
        b.pick(
            [f"первые {ru_words(k)}: ", "значит, начало: "],
            [f"the first {en_words(k)} are ", "okay, it starts "],
        ),
        b.sec(i, digits_said(b, s.digits[:k])),
    )
    b.ack()
    b.say(
        "customer",
        b.pick(["остальные: ", "дальше: ", "и потом "], ["and the rest is ", "then ", "and after that "]),
        b.sec(i, digits_said(b, s.digits[k:])),
    )


def pat_two_halves(b: Builder, i: int, ind: dict[str, Any]) -> None:
    s, rng = b.d.secrets[i], b.rng
    b.say("agent", b.request(s))
    first, second = said_parts(b, s, 2)
    b.say(
        "customer",
        b.intro(),
        b.sec(i, first),
        b.pick(
            ["... подождите, дальше не вижу, сейчас найду.", "... ой, секунду, остальное в другой сумке."],
            [
                "... hang on, I need to find the rest.",
                "... sorry, one second, the rest is on the other page.",
            ],
        ),
    )
    b.say(
        "agent",
        b.pick(
            ["Хорошо, пока я уточню по вашему вопросу.", "Ничего, ищите, я пока посмотрю."],
            ["No problem, I'll check your file meanwhile.", "Sure, take your time."],
        ),
    )
    for _ in range(rng.randint(2, 3)):
        ctx_line(b, ind)
    b.say(
        "customer",
        b.pick(
            ["Так, нашла. Дальше: ", "вот, дальше ", "ага, продолжаю: "],
            ["Okay, found it. The rest is ", "right, then ", "so it continues "],
        ),
        b.sec(i, second),
    )
    if rng.random() < 0.5:
        b.say(
            "agent",
            b.pick(["Итого: ", "Полностью: "], ["So altogether ", "So the full number is "]),
            b.sec(i, b.said(s, style="written")),
            b.pick([", верно?", "?"], [", right?", "?"]),
        )
        b.say("customer", b.pick(["да", "верно"], ["yes", "right"]))


def doc_keep_parts(b: Builder, ind: dict[str, Any]) -> list[Part]:
    parts: list[Part] = []
    for n, chunk in enumerate(re.split(r"\{(\w+)\}", ind["doc"])):
        if n % 2:
            parts.append(b.keep(chunk))
        elif chunk:
            parts.append(chunk)
    return parts


def pat_from_doc(b: Builder, i: int, ind: dict[str, Any]) -> None:
    s, rng, ru = b.d.secrets[i], b.rng, b.lang == "ru"
    label = DOC_LABEL[b.lang][s.kind]
    where = b.pick(
        ["в смс", "в договоре", "на карточке", "в письме", "в приложении", "на бланке"],
        ["the letter", "the text message", "the card", "the form", "my app"],
    )
    if rng.random() < 0.5:
        b.say("agent", b.request(s))
    b.say("customer", f"Сейчас, у меня {where} есть..." if ru else f"Hang on, I've got {where} here...")
    value = (
        say_email(rng, b.lang, s, rng.choice(["written", "written", "spoken"]))
        if s.kind == "email"
        else b.said(s, style=rng.choice(["written", "written", "mixed", "words"]))
    )
    opener = b.pick(
        ["тут написано: «", "читаю: ", "вот, тут: "], ["it says ", "okay, reading it: ", "so here it says "]
    )
    close = "»" if opener.endswith("«") else ""
    if rng.random() < 0.35 and s.kind != "email":
        first, second = said_parts(b, s, 2, style="written")
        b.say(
            "customer",
            opener,
            label,
            " ",
            b.sec(i, first),
            b.pick(
                ["... так, тут мелко...", "... секунду, очки..."],
                ["... hold on, it's tiny print...", "... sorry, the light's bad..."],
            ),
        )
        b.ack()
        b.say("customer", b.sec(i, second), ", ", *doc_keep_parts(b, ind), close)
    elif rng.random() < 0.5:
        b.say("customer", opener, *doc_keep_parts(b, ind), ", ", label, " ", b.sec(i, value), close)
    else:
        b.say("customer", opener, label, " ", b.sec(i, value), ", ", *doc_keep_parts(b, ind), close)
    b.say(
        "agent",
        b.pick(["Спасибо, записала.", "Да, вижу, спасибо."], ["Thanks, got it.", "Perfect, I have that."]),
    )


def pat_email_digits(b: Builder, i: int, ind: dict[str, Any]) -> None:
    s, rng = b.d.secrets[i], b.rng
    b.say("agent", b.request(s))
    mode = rng.choice(["spoken", "spoken", "spoken", "written", "spelled"])
    b.say("customer", b.intro(), b.sec(i, say_email(rng, b.lang, s, mode)))
    num = next((t for k, t in s.parts if k == "num"), "")
    if num and rng.random() < 0.4:
        b.say(
            "agent",
            b.pick(
                ["Цифры какие, ещё раз?", "Цифры повторите?"],
                ["Sorry, what were the numbers?", "And the numbers again?"],
            ),
        )
        b.say(
            "customer",
            b.pick(["", "там "], ["", "it's "]),
            say_email_num(rng, b.lang, num, "spoken"),
            b.pick([", год рождения", ""], [", like the year", ""]),
        )
    if rng.random() < 0.5:
        b.say(
            "agent",
            b.pick(["Записываю: ", "Так, "], ["So that's ", "Let me repeat: "]),
            b.sec(i, say_email(rng, b.lang, s, rng.choice(["written", "spoken"]))),
            b.pick([", верно?", "?"], [", correct?", "?"]),
        )
        b.say("customer", b.pick(["да", "всё так"], ["yes", "that's right"]))


def prefixed_phone(b: Builder, s: Secret) -> str:
    rng, d, lang = b.rng, s.digits, b.lang

    def rest(digits: str) -> str:
        return say_chunks(
            rng,
            lang,
            chunks_of(digits[:3] + " " + digits[3:6] + " " + digits[6:8] + " " + digits[8:]),
            rng.choice(["words", "written", "mixed"]),
        )

    if s.kind == "phone_ru":
        return rng.choice(
            [
                f"плюс семь, {rest(d)}",
                f"восьмёрка в начале, потом {rest(d)}",
                f"через восьмёрку: {rest(d)}",
                f"+7 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}",
                f"семь, {rest(d)}",
                f"восемь, {rest(d)}",
            ]
        )
    if s.kind == "phone_us":
        area = say_chunks(rng, lang, [d[:3]], "words")
        line = say_chunks(rng, lang, [d[3:6], d[6:]], rng.choice(["words", "digitwise"]))
        return rng.choice(
            [
                f"plus one, area code {area}, {line}",
                f"one, {area}, {line}",
                f"+1 ({d[:3]}) {d[3:6]}-{d[6:]}",
                f"area code {area}, then {line}",
            ]
        )
    body = say_chunks(rng, lang, [d[:4], d[4:7], d[7:]], rng.choice(["words", "digitwise"]))
    return rng.choice(
        [
            f"plus forty-four, {body}",
            f"oh, {body}",
            f"+44 {d[:4]} {d[4:]}",
            f"zero {body}",
            f"double oh forty-four, {body}",
        ]
    )


def pat_prefix(b: Builder, i: int, ind: dict[str, Any]) -> None:
    s, rng = b.d.secrets[i], b.rng
    b.say("agent", b.request(s))
    b.say("customer", b.intro(), b.sec(i, prefixed_phone(b, s)))
    if rng.random() < 0.5:
        b.say(
            "agent",
            b.pick(["Повторяю: ", "Записала: "], ["Let me repeat: ", "So that's "]),
            b.sec(i, prefixed_phone(b, s)),
            b.pick([", верно?", "?"], [", right?", "?"]),
        )
        b.say("customer", b.pick(["да", "верно, через восьмёрку"], ["yes", "yep, that's my cell"]))
    if rng.random() < 0.5:
        b.say(
            "agent",
            b.pick(
                ["Если что, наш бесплатный номер ", "Наша горячая линия "],
                ["If you need us, our toll-free line is ", "Our hotline is "],
            ),
            b.keep("hotline"),
            ".",
        )
    else:
        b.say(
            "agent",
            b.pick(
                ["Мой добавочный ", "Звоните на добавочный "],
                ["My direct extension is ", "Ask for extension "],
            ),
            b.keep("extension"),
            ".",
        )


REF_LABEL = {
    "ru": {
        "application": "номер заявления",
        "order": "номер заказа",
        "eticket": "номер билета",
        "contract": "номер договора",
        "appointment": "номер записи",
        "listing": "номер объявления",
        "payroll": "номер приказа",
        "claim": "номер убытка",
        "osago": "полис ОСАГО",
    },
    "en": {
        "case": "case number",
        "confirmation": "confirmation number",
        "prescription": "prescription number",
        "claim": "claim number",
        "order": "order number",
        "eticket": "ticket number",
        "listing": "listing number",
        "contract": "contract number",
        "ticket": "ticket number",
        "trip": "trip ID",
        "policy_car": "auto policy number",
    },
}


def ref_label(b: Builder, kind: str) -> str:
    """How a caller names a reference ("номер заявления", "claim number"): never a bare "номер"."""
    label = REF_LABEL[b.lang][kind]
    if b.lang == "ru" and kind == "order" and b.d.industry == "airline":
        return "номер брони"
    return label


def pat_adjacent(b: Builder, i: int, ind: dict[str, Any]) -> None:
    s, rng = b.d.secrets[i], b.rng
    if rng.random() < 0.5:
        b.say("agent", b.request(s))
    value = say_email(rng, b.lang, s, rng.choice(["written", "spoken"])) if s.kind == "email" else b.said(s)
    ref = rng.choice(ind["refs"])
    label = DOC_LABEL[b.lang][s.kind].rstrip(":")
    if s.kind == "card":
        parts: list[Part] = [
            b.pick(["Списали ", "Оплатил "], ["They charged ", "I paid "]),
            b.keep("amount"),
            f", {ref_label(b, ref)} " if b.lang == "ru" else f" on {ref_label(b, ref)} ",
            b.keep(ref),
            b.pick([", с карты ", ", карта "], [", from card ", ", card "]),
            b.sec(i, value),
            b.pick([", это было ", " "], [", on ", " "]),
            b.keep("date"),
            ".",
        ]
    elif s.kind in PHONES:
        parts = [
            b.pick(["Телефон ", "Мой номер "], ["My number is ", "Phone's "]),
            b.sec(i, value),
            f", {ref_label(b, ref)} ",
            b.keep(ref),
            b.pick([", на ", ", к "], [", for ", " on "]),
            b.keep("date"),
            b.pick([" в ", ", "], [" at ", ", "]),
            b.keep("time"),
            ".",
        ]
    else:
        parts = [
            f"{label} ",
            b.sec(i, value),
            f", {ref_label(b, ref)} ",
            b.keep(ref),
            b.pick([" от ", ", дата "], [" from ", ", dated "]),
            b.keep("date"),
            b.pick([", сумма ", " на "], [", amount ", " for "]),
            b.keep("amount"),
            ".",
        ]
    b.say("customer", *parts)
    b.say("agent", b.pick(["Записала, спасибо.", "Так, вижу."], ["Got it, thanks.", "Okay, I see it."]))


PATTERN_FN = {
    "readback_wrong": pat_readback_wrong,
    "phonetic": pat_phonetic,
    "partial": pat_partial,
    "two_halves": pat_two_halves,
    "from_doc": pat_from_doc,
    "email_digits": pat_email_digits,
    "prefix": pat_prefix,
    "adjacent_keep": pat_adjacent,
}


def ctx_line(b: Builder, ind: dict[str, Any]) -> None:
    """A line of the call's business with numbers that must stay (not the same line twice if avoidable)."""
    lines = [c for c in ind["ctx"] if b.locale != "uk" or not re.search(r"\{(routing|postcode)\}", c[1])]
    fresh = [c for c in lines if c not in b.used_ctx] or lines
    role, tmpl = b.rng.choice(fresh)
    b.used_ctx.append((role, tmpl))
    b.template(role, tmpl)


# --- look-alike business numbers given the same awkward ways --------------------------------------------


def ref_written(b: Builder, kind: str, shortest: int = 5) -> tuple[str, str]:
    """(text with digits, its digits) of a reference number."""
    for _ in range(30):
        text, need = make_keep(b.rng, kind, b.lang, b.locale)
        if len(need) == 1 and need[0] == "".join(re.findall(r"\d", text)) and len(need[0]) >= shortest:
            return text, need[0]
    d = rdigits(b.rng, 8)
    return d, d


def nb_readback(b: Builder, ind: dict[str, Any]) -> None:
    rng, ru = b.rng, b.lang == "ru"
    kind = rng.choice(ind["refs"])
    text, d = ref_written(b, kind)
    pos = rng.randrange(1, len(d))
    new = rng.choice([c for c in "0123456789" if c != d[pos]])
    idx = [m.start() for m in re.finditer(r"\d", text)][pos]
    wrong = text[:idx] + new + text[idx + 1 :]
    b.say(
        "customer",
        f"{ref_label(b, kind)} " + b.pick(["у меня ", "— "], ["is ", "it's "]),
        b.keep(kind, text, [d]),
    )
    b.say(
        "agent",
        b.pick(["Записываю: ", "Проверяю: "], ["Let me read that back: ", "I have "]),
        b.keep(kind, wrong, ["".join(re.findall(r"\d", wrong))]),
        b.pick([", верно?", "?"], [", correct?", "?"]),
    )
    right_w, wrong_w = digit_word(rng, b.lang, d[pos]), digit_word(rng, b.lang, new)
    b.say("customer", f"Нет, не {wrong_w}, а {right_w}." if ru else f"No, not {wrong_w}, {right_w}.")
    b.say("agent", b.pick(["Исправила: ", "Понял, "], ["Got it, ", "Okay, "]), b.keep(kind, text, [d]), ".")


def nb_halves(b: Builder, ind: dict[str, Any]) -> None:
    kind = b.rng.choice(ind["refs"])
    _, d = ref_written(b, kind, 7)
    cut = len(d) // 2
    b.say(
        "customer",
        f"{ref_label(b, kind)}, " + b.pick(["начало: ", "так... "], ["it starts ", "so it's "]),
        b.keep(kind, d[:cut], [d[:cut]]),
        b.pick(
            ["... секунду, дальше не вижу.", "... подождите."],
            ["... hang on, I can't see the rest.", "... one second."],
        ),
    )
    ctx_line(b, ind)
    b.say(
        "customer",
        b.pick(["вот, дальше ", "нашла: "], ["okay, then ", "found it: "]),
        b.keep(kind, d[cut:], [d[cut:]]),
    )


def nb_doc(b: Builder, ind: dict[str, Any]) -> None:
    opener = b.pick(
        ["мне смс пришло, тут написано: «", "в письме: "], ["the text says ", "on the letter it says "]
    )
    b.say(
        "customer",
        opener,
        *doc_keep_parts(b, ind),
        b.pick([", сумма ", ", к оплате "], [", amount ", ", balance "]),
        b.keep("amount"),
        b.pick([", до ", ", срок "], [", due ", ", by "]),
        b.keep("date"),
        "»" if opener.endswith("«") else ".",
    )


LETTER_REFS = {
    "ru": {
        "gosuslugi": "номер обращения",
        "clinic": "номер направления",
        "airline": "код бронирования",
        "realty": "номер заявки",
        "hr": "номер заявки",
        "gig": "номер обращения",
    },
    "en": {
        "gov": "the reference is",
        "medical": "the referral number is",
        "airline": "the booking reference is",
        "realty": "the reference is",
        "hr": "the ticket is",
        "gig": "the support ticket is",
    },
}


def nb_phonetic(b: Builder, ind: dict[str, Any]) -> None:
    """A reference with letters in it spelled out (a VIN in car insurance): its digits must stay."""
    rng = b.rng
    if b.d.industry != "auto_ins":
        letters = "".join(
            rng.choice("АБВГДЕКМНПРСТ" if b.lang == "ru" else "ABCDEFGHKLMNPRSTWXZ") for _ in range(2)
        )
        d = rdigits(rng, rng.randint(6, 8))
        said = say_chunks(
            rng, b.lang, [letters, d], rng.choice(["words", "written", "digitwise"]), phonetic=True
        )
        label = LETTER_REFS[b.lang][b.d.industry]
        b.say(
            "customer",
            f"{label[:1].upper()}{label[1:]}: " if b.lang == "ru" else f"{label} ",
            b.keep("reference", said, [d]),
        )
        return
    vin, need = make_keep(rng, "vin", b.lang)
    pieces = []
    for run in re.findall(r"[A-Z]+|\d+", vin):
        if run.isdigit():
            pieces.append(run if rng.random() < 0.5 else say_group(rng, b.lang, run))
        elif b.lang == "ru":
            pieces.append(", ".join(rng.choice(RU_LATIN_NAMES[c.lower()]) for c in run))
        else:
            pieces.append(spell_letters(rng, "en", run, True))
    b.say(
        "customer",
        b.pick(["VIN по буквам: ", "вин-номер: "], ["the VIN is ", "VIN, spelling it: "]),
        b.keep("vin", ", ".join(pieces), need),
    )


def nb_prefix(b: Builder, ind: dict[str, Any]) -> None:
    b.say(
        "agent",
        b.pick(
            ["Запишите нашу горячую линию: ", "Бесплатный номер: "],
            ["Write down our hotline: ", "Our toll-free number is "],
        ),
        b.keep("hotline"),
        ".",
    )
    b.say(
        "agent",
        b.pick(["Спросите мой добавочный ", "Добавочный "], ["and ask for extension ", "My extension is "]),
        b.keep("extension"),
        ".",
    )


def nb_partial(b: Builder, ind: dict[str, Any]) -> None:
    d4 = rdigits(b.rng, 4, "0123456789")
    b.say(
        "customer",
        b.pick(
            ["списали с карты, которая на ", "карта на "], ["it was the card ending in ", "the card ending "]
        ),
        b.keep("card_last4", d4, [d4]),
        b.pick([" заканчивается", ""], ["", ""]),
    )
    kind = b.rng.choice(ind["refs"])
    _, d = ref_written(b, kind)
    b.say(
        "customer",
        b.pick(["а ", "и "], ["and the ", "the "])
        + ref_label(b, kind)
        + b.pick([" заканчивается на ", " на "], [" ends in ", " ends with "]),
        b.keep(kind, d[-4:], [d[-4:]]),
    )


def nb_adjacent(b: Builder, ind: dict[str, Any]) -> None:
    ref = b.rng.choice(ind["refs"])
    if b.lang == "ru":
        b.say(
            "customer",
            b.pick(["Оплатила ", "Перевёл "], []),
            b.keep("amount"),
            f", {ref_label(b, ref)} ",
            b.keep(ref),
            " ",
            b.keep("date"),
            b.pick([" в ", ", "], []),
            b.keep("time"),
            ".",
        )
    else:
        b.say(
            "customer",
            b.pick([], ["I paid ", "I sent "]),
            b.keep("amount"),
            " on ",
            b.keep("date"),
            b.pick([], [" at ", ", "]),
            b.keep("time"),
            f", {ref_label(b, ref)} ",
            b.keep(ref),
            ".",
        )


NEG_BLOCKS = [nb_readback, nb_halves, nb_doc, nb_phonetic, nb_prefix, nb_partial, nb_adjacent]

CLOSINGS = {
    "ru": [("agent", "Всего доброго, до свидания."), ("customer", "спасибо, до свидания")],
    "en": [("agent", "Thanks for calling, have a good day."), ("customer", "thanks, bye")],
}


# --------------------------------------------------------------------------------------------------
# Building and checking a dialogue
# --------------------------------------------------------------------------------------------------


def choose(b: Builder, kinds: list[str], used: Counter[str]) -> tuple[str, str]:
    rng = b.rng
    kinds = [k for k in kinds if k not in b.kinds_used] or kinds
    options = [p for p in PATTERNS if any(compatible(p, k) for k in kinds)]
    least = min(used[(b.lang, p)] for p in options)
    pattern = rng.choice([p for p in options if used[(b.lang, p)] <= least + 1])
    fits = [k for k in kinds if compatible(pattern, k) and k not in b.kinds_used] or [
        k for k in kinds if compatible(pattern, k)
    ]
    fewest = min(used[(b.lang, "kind", k)] for k in fits)
    kind = rng.choice([k for k in fits if used[(b.lang, "kind", k)] <= fewest + 1])
    used[(b.lang, "kind", kind)] += 1
    b.kinds_used.add(kind)
    return pattern, kind


def build(rng: random.Random, idx: int, lang: str, negative: bool, used: Counter[Any]) -> Dialogue:
    name = rng.choice(sorted(IND[lang]))
    ind = IND[lang][name]
    d = Dialogue(f"p12-{idx:03d}-{lang}", lang, name, negative)
    b = Builder(rng, d)
    b.say("agent", ind["greet"][0 if b.locale == "us" else 1] if lang == "en" else rng.choice(ind["greet"]))
    b.template("customer", rng.choice(ind["reason"]))
    if rng.random() < 0.6:
        ctx_line(b, ind)
    chosen: list[str] = []
    if negative:
        for block in rng.sample(NEG_BLOCKS, k=rng.randint(3, 5)):
            block(b, ind)
            if rng.random() < 0.5:
                ctx_line(b, ind)
    else:
        for _ in range(rng.choices([1, 2, 3], [0.35, 0.4, 0.25])[0]):
            pattern, kind = choose(b, kinds_for(b, ind), used)
            for _ in range(50):
                s = make_secret(rng, kind, lang, with_digits=pattern == "email_digits")
                if pattern != "phonetic" or s.kind == "email" or s.has_letters:
                    break
            s.pattern = pattern
            d.secrets.append(s)
            chosen.append(pattern)
            PATTERN_FN[pattern](b, len(d.secrets) - 1, ind)
            if rng.random() < 0.6:
                ctx_line(b, ind)
        if rng.random() < 0.5:
            rng.choice(NEG_BLOCKS)(b, ind)
    for role, text in CLOSINGS[lang]:
        b.say(role, text)
    if chosen:
        for p in chosen:
            used[(lang, p)] += 1
    return d


def views(segs: list[tuple[str, str]]) -> list[str]:
    """The texts a secret is looked for in: all segments joined in order, and each speaker's joined."""
    out = [" ".join(t for _, t in segs)]
    for role in ("agent", "customer"):
        out.append(" ".join(t for r, t in segs if r == role))
    return out


@dataclass
class Reading:
    rows: list[list[str]]
    streams: list[str]
    names: list[str]


def reading(texts: list[str], names: list[str]) -> Reading:
    return Reading([read_rows(t) for t in texts], [letter_stream(t) for t in texts], names)


def foreign_numbers(d: Dialogue, s: Secret) -> tuple[str, ...]:
    """The digits of everything else in the call that is a number: its keeps and its other secrets."""
    return tuple(n for k in d.keeps for n in k.need) + tuple(
        o.digits for o in d.secrets if o is not s and o.digits
    )


def leak_of(s: Secret, r: Reading, foreign: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """(where, what) for the first way the secret can be read, or None."""
    for rows, stream, name in zip(r.rows, r.streams, r.names, strict=True):
        if s.kind == "email":
            hit = email_leak(s.local, stream)
        else:
            prefix = 8 if s.kind == "account" else 0
            hit = numeric_leak(s.digits, rows, s.kind == "card", foreign, prefix)
        if hit:
            return name, hit
    return None


def readable(need: list[str], text: str) -> bool:
    rows = flat(read_rows(text))
    return all(any(n in row for row in rows) for n in need)


def check(d: Dialogue) -> bool:
    """No redaction: every secret leaks; perfect hand redaction: none does and every keep is readable."""
    if not all(valid_secret(s) for s in d.secrets):
        return False
    raw = reading(views([(s.role, s.raw) for s in d.segs]), ["raw"] * 3)
    red = reading(views([(s.role, d.redacted(i)) for i, s in enumerate(d.segs)]), ["red"] * 3)
    for s in d.secrets:
        foreign = foreign_numbers(d, s)
        if leak_of(s, raw, foreign) is None or leak_of(s, red, foreign) is not None:
            return False
    for k in d.keeps:
        if not k.need or not k.segs:
            return False
        if not readable(k.need, " ".join(d.segs[j].raw for j in k.segs)):
            return False
        if not readable(k.need, " ".join(d.redacted(j) for j in k.segs)):
            return False
    return all(not _PLACEHOLDER.search(s.raw) for s in d.segs)


_CACHE: dict[str, Any] = {}


def dialogues() -> tuple[list[Dialogue], int]:
    """The probe's dialogues (seeded), each generated again until it passes ``check``."""
    if "dialogues" in _CACHE:
        return _CACHE["dialogues"], _CACHE["regenerated"]
    used: Counter[Any] = Counter()
    out: list[Dialogue] = []
    regenerated = 0
    n_neg = round(N_DIALOGUES * NEGATIVE_SHARE)
    negatives = set(random.Random(SEED).sample(range(N_DIALOGUES), n_neg))
    for idx in range(N_DIALOGUES):
        lang = "ru" if idx % 2 == 0 else "en"
        for attempt in range(MAX_ATTEMPTS):
            rng = random.Random(f"{SEED}-{idx}-{attempt}")
            trial = Counter(used)
            d = build(rng, idx, lang, idx in negatives, trial)
            if check(d):
                used = trial
                out.append(d)
                break
            regenerated += 1
        else:
            raise RuntimeError(f"dialogue {idx} failed its self-check {MAX_ATTEMPTS} times")
    _CACHE["dialogues"], _CACHE["regenerated"] = out, regenerated
    return out, regenerated


def self_check() -> dict[str, int]:
    ds, _ = dialogues()
    for d in ds:
        assert check(d), d.cid
    return {
        "cases": len(ds),
        "secrets": sum(len(d.secrets) for d in ds),
        "keeps": sum(len(d.keeps) for d in ds),
        "negatives": sum(d.negative for d in ds),
    }


# --------------------------------------------------------------------------------------------------
# Through the real filter and compress stages
# --------------------------------------------------------------------------------------------------


def run_pipeline(d: Dialogue, counter: Any) -> tuple[list[dict[str, Any]], str]:
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    transcript = make_transcript_from_turns(d.cid, d.turns(), d.lang)
    filtered = filter_transcript(transcript)
    compressed = compress(filtered, counter, "probe12")
    stored = list(filtered["transcript"]["segments"]) + list(
        filtered["transcript"].get("dropped_segments") or []
    )
    stored.sort(key=lambda s: (s.get("start", 0.0), s.get("index", 0)))
    return stored, compressed["text"]


def llm_lines(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    role = "agent"
    for line in text.splitlines():
        m = re.match(r"^(Agent|Customer|Оператор|Клиент)\s*:\s?(.*)$", line)
        if m:
            role = "agent" if m.group(1) in ("Agent", "Оператор") else "customer"
            out.append((role, m.group(2)))
        elif line.strip():
            out.append((role, line))
    return out


def evaluate() -> dict[str, Any]:
    from ml.tokenizer import TokenCounter

    counter = TokenCounter()
    ds, _ = dialogues()
    started = time.monotonic()
    per_type: dict[str, dict[str, int]] = defaultdict(lambda: {"secrets": 0, "leaked": 0})
    per_pattern: dict[str, dict[str, int]] = defaultdict(lambda: {"secrets": 0, "leaked": 0})
    per_kind_keep: dict[str, dict[str, int]] = defaultdict(lambda: {"keeps": 0, "lost": 0})
    where_leaked: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    lost_examples: list[str] = []
    touched_examples: list[str] = []
    leaked = lost = lost_llm_only = touched = 0
    for d in ds:
        stored, llm = run_pipeline(d, counter)
        by_index = {s["index"]: s for s in stored}
        seg_pairs = [(s["role"], s["text"] or "") for s in stored]
        lines = llm_lines(llm)
        texts = [
            *views(seg_pairs),
            llm,
            *(" ".join(t for r, t in lines if r == role) for role in ("agent", "customer")),
        ]
        names = ["stored", "stored/agent", "stored/customer", "llm", "llm/agent", "llm/customer"]
        r = reading(texts, names)
        for i, s in enumerate(d.secrets):
            key_t, key_p = f"{s.kind}/{d.lang}", f"{s.pattern}/{d.lang}"
            per_type[key_t]["secrets"] += 1
            per_pattern[key_p]["secrets"] += 1
            hit = leak_of(s, r, foreign_numbers(d, s))
            if hit is None:
                continue
            leaked += 1
            per_type[key_t]["leaked"] += 1
            per_pattern[key_p]["leaked"] += 1
            where_leaked[hit[0].split("/")[0]] += 1
            if len(examples[key_p]) < 3:
                said = " / ".join((by_index.get(j) or {}).get("text", "") for j in d.secret_segs[i])
                examples[key_p].append(
                    f"{d.cid} {s.kind} {s.written!r} read {hit[1]!r} in {hit[0]}: {said[:260]}"
                )
        for k in d.keeps:
            per_kind_keep[k.kind]["keeps"] += 1
            own = " ".join((by_index.get(j) or {}).get("text", "") or "" for j in k.segs)
            in_segs, in_llm = readable(k.need, own), readable(k.need, llm)
            if in_segs and in_llm:
                continue
            lost += 1
            lost_llm_only += in_segs
            per_kind_keep[k.kind]["lost"] += 1
            if len(lost_examples) < 40:
                where = "llm only" if in_segs else "stored"
                lost_examples.append(f"{d.cid} {k.kind} {k.text!r} ({where}): {own[:200]}")
        if d.negative and (any(_PLACEHOLDER.search(t) for _, t in seg_pairs) or _PLACEHOLDER.search(llm)):
            touched += 1
            hits = [t for _, t in seg_pairs if _PLACEHOLDER.search(t)] or [
                t for _, t in lines if _PLACEHOLDER.search(t)
            ]
            if len(touched_examples) < 20:
                touched_examples.append(f"{d.cid} {d.industry}: {hits[0][:200]}")
    secrets = sum(v["secrets"] for v in per_type.values())
    keeps = sum(v["keeps"] for v in per_kind_keep.values())
    return {
        "cases": len(ds),
        "secrets": secrets,
        "keeps": keeps,
        "negatives": sum(d.negative for d in ds),
        "leaked": leaked,
        "leak_rate": leaked / secrets if secrets else 0.0,
        "lost": lost,
        "lost_llm_only": lost_llm_only,
        "lost_rate": lost / keeps if keeps else 0.0,
        "negatives_touched": touched,
        "per_type": dict(per_type),
        "per_pattern": dict(per_pattern),
        "lost_per_kind": {k: v for k, v in per_kind_keep.items() if v["lost"]},
        "keeps_per_kind": dict(per_kind_keep),
        "where_leaked": dict(where_leaked),
        "examples": dict(examples),
        "lost_examples": lost_examples,
        "touched_examples": touched_examples,
        "seconds": round(time.monotonic() - started, 1),
    }


def report(result: dict[str, Any]) -> None:
    def rate(v: dict[str, int]) -> str:
        return f"{v['leaked']}/{v['secrets']} = {v['leaked'] / max(v['secrets'], 1):.1%}"

    print(
        f"probe 12: {result['cases']} dialogues, {result['secrets']} secrets, {result['keeps']} numbers that "
        f"must stay, {result['negatives']} negatives ({result.get('seconds', 0)} s)"
    )
    print(f"secrets leaked {result['leaked']}/{result['secrets']} = {result['leak_rate']:.1%}")
    for lang in ("ru", "en"):
        sub = [v for k, v in result["per_type"].items() if k.endswith("/" + lang)]
        total = {"secrets": sum(v["secrets"] for v in sub), "leaked": sum(v["leaked"] for v in sub)}
        print(f"  {lang}: {rate(total)}")
    print("per type:")
    for k, v in sorted(result["per_type"].items(), key=lambda kv: (-kv[1]["leaked"], kv[0])):
        print(f"  {k:18} {rate(v)}")
    print("per pattern:")
    for k, v in sorted(result["per_pattern"].items(), key=lambda kv: (-kv[1]["leaked"], kv[0])):
        print(f"  {k:22} {rate(v)}")
        for ex in result["examples"].get(k, [])[:3]:
            print(f"      {ex}")
    print(f"where first read: {result.get('where_leaked', {})}")
    print(
        f"must-stay numbers lost {result['lost']}/{result['keeps']} = {result.get('lost_rate', 0):.1%} "
        f"({result.get('lost_llm_only', 0)} in the LLM text only)"
    )
    for k, v in sorted(result["lost_per_kind"].items(), key=lambda kv: -kv[1]["lost"]):
        print(f"  {k:14} {v['lost']}/{v['keeps']}")
    for ex in result["lost_examples"][:15]:
        print(f"      {ex}")
    print(f"negative dialogues touched {result['negatives_touched']}/{result['negatives']}")
    for ex in result.get("touched_examples", [])[:10]:
        print(f"      {ex}")


if __name__ == "__main__":
    print(self_check())
    report(evaluate())
    sys.exit(0)
