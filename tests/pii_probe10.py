"""Blind PII probe 10: secrets given the way people really give them, in seven industries.

Angle. ~300 seeded call-centre dialogues (half Russian, half English) from telecom, banking, government
services, airlines, insurance, healthcare and e-commerce. 80 % carry 1-3 secrets each, 20 % none but
many look-alike numbers. Secrets are given the awkward ways real callers give them:

* dictated over three or more breaths while the agent reads each piece back ("девятьсот шестнадцать,
  дальше?"), or the agent reads the first half from the screen and the caller says the rest;
* a single digit corrected in the breath ("пять... ой, нет, не пять, а девять", "no, not five, nine")
  or after the agent's read-back with one digit wrong;
* buried in one long sentence with several numbers that must stay (order, amount, date, time,
  postcode, flight, ticket);
* after a hold ("Секунду, достану паспорт..." / "Так, вот."), far from the request that names them;
* number words: Russian ("две двойки", "три семёрки", "ноль-ноль", "девятьсот шестнадцать",
  amounts such as "полторы тысячи") and English ("oh", "double five", "triple seven", "twenty
  twenty-five", "four fifteen");
* e-mails with "собака"/"at", "точка"/"dot", in Cyrillic ("вера точка козлова"), spelled with Russian
  letter names ("вэ, е, эр, а"), the Russian-name alphabet ("Василий, Елена, Роман, Анна"), NATO
  ("kilo alpha tango echo"), "K as in King", "double L", a piece a breath, or fixed after a read-back.

Secret kinds, each valid for its type: cards (Luhn: Visa, Mastercard, Mir, Amex) with their CVV/CID
(the expiry is neither secret nor kept: not measured), personal phones, e-mails, RU passports
(series + number), SNILS (checksum), personal 12-digit INN (both check digits), OMS ENP policy
(16 digits, FFOMS control digit), personal RU bank accounts (40817..., key digit against the BIK),
IBAN (DE/GB, mod 97), US SSN (valid areas) and its last four, UK National Insurance numbers, NHS
numbers (mod 11), driver's licences (RU, California letter-led, New York), US passports and health
insurance member IDs.

Must-stay numbers (policy, after README "Text stages"): order, tracking, invoice, contract, claim,
application, referral and e-ticket numbers, bag tags, flight numbers, amounts (also "полторы тысячи",
"two hundred and fifty dollars"), percentages, dates, times, postcodes/ZIPs, mileage, rooms, a
company's INN/KPP/BIK/OGRN, ОСАГО policies, payment UINs, toll-free hotlines (8 800, 1-800, 0800: a
company's line), a card's last four ("the card ending in 4417", PCI DSS allows it), and a company's
payee details (RU settlement account 40702..., UK sort code + account, US routing number: README
names only *personal* accounts as PII; reported per kind so this choice can be judged apart).

Leak rule (independent of the redaction code). Text is read with digits and Russian/English number
words (composed: "девятьсот шестнадцать" = 916, "twenty twenty-five" = 2025, "две двойки" = 22,
"double five" = 55); digits stay "in a row" across punctuation, fillers and at most two other words.
A numeric secret LEAKS when 4 digits in a row of it (any window of 4) can be read in the stored
segments joined in order or in the compressed LLM text; a card's own last four alone are allowed, a
CVV and an SSN's last four leak when all their digits can be read. An e-mail leaks when a 4-character
piece of its local part can be read, plainly (Cyrillic transliterated, number words as digits) or
spelled (single letters, letter names, NATO, "X as in Y", Russian-name alphabet). A must-stay number
is LOST when it cannot be read in its own stored segment(s) nor in the compressed text. A negative
dialogue is touched when any placeholder shows in its stored segments or compressed text.

Self-check: with no redaction every secret leaks; with perfect hand redaction (only the secret's own
spans replaced by its placeholder) none leaks, also with the dialogue merged per speaker as the
compressor does, and every must-stay number is readable. A dialogue that fails is regenerated.

Run: ``cd /work/main && .venv/bin/python -m tests.pii_probe10`` (about 6 s).

Blind measurement (written without reading the redaction code or earlier probes, SEED = 1010; 300
dialogues, 417 secrets, 3 655 numbers that must stay, 60 negatives):

* secrets leaked 108/417 = 25.9 % (107 of them readable inside one segment or one LLM line):
  ru 61/209 = 29.2 %, en 47/208 = 22.6 %. Per type: email 19/44 (ru 13/23, en 6/21), IBAN 7/13,
  SSN 8/16, SSN last four 8/24, SNILS 8/23, INN 5/16, OMS 5/16, passport 10/40 (ru 8/24, en 2/16),
  phone 13/50, account 3/12, licence 5/25 (all RU), CVV 7/38, card 9/61, NI 1/9, NHS 0/12, member 0/18.
* per way of giving it: a digit corrected in the breath 33/45, the agent reading the start from the
  screen and the caller saying the rest 30/43, an e-mail word fixed after a wrong read-back 8/8 or
  spelled after the address 3/6 or spelled letter by letter 5/8, a CVV or SSN last four with a false
  start ("seven three one, no wait, 7378") 15/18; but one breath 2/39, three breaths with read-backs
  5/51, long sentence 1/32, after a hold 0/31, agent reads it 1/29, fix after read-back 2/32.
* must-stay numbers lost 25/3 655 = 0.7 %: bag tags 9/21 (as [ID]), a card's last four 4/63, toll-free
  hotlines said in words 4/346, application numbers dictated in breaths 3/88 (as [PHONE]), one each
  of amount ("тысячу двести" as [ID]), postcode after a licence, ОСАГО, e-ticket, 14-digit tracking.
* negative dialogues touched 4/60.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from processors.compression import compress
from processors.filtering import filter_transcript
from streams.bench_text import make_transcript_from_turns

SEED = 1010
N_PER_LANG = 150
NEGATIVE_SHARE = 0.2
GAP_WORDS = 2

PLACEHOLDER_RE = re.compile(r"\[(?:PHONE|CARD|EMAIL|ID)\]")
TOKEN_RE = re.compile(r"\[[A-Z_]+\]|\d+|[^\W\d_]+|[^\w\s]")
ID_KINDS = (
    "passport",
    "snils",
    "inn",
    "oms",
    "account",
    "iban",
    "ssn",
    "ssn4",
    "ni",
    "nhs",
    "licence",
    "member",
)
PLACEHOLDER = {"card": "[CARD]", "cvv": "[CARD]", "phone": "[PHONE]", "email": "[EMAIL]"} | {
    k: "[ID]" for k in ID_KINDS
}

# --- reading numbers --------------------------------------------------------------------------------

RU_U = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
RU_TEEN = [
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
RU_HUND = [
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
RU_COLL = [
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
RU_COLL_SG = [
    "ноль",
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
EN_U = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEEN = [
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


def _norm(word: str) -> str:
    return word.lower().replace("ё", "е")


def _number_words() -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for v, w in enumerate(RU_U):
        out[w] = ("unit", v)
    for w, v in {"нуль": 0, "ноля": 0, "нуля": 0, "одна": 1, "одну": 1, "одного": 1, "две": 2}.items():
        out[w] = ("unit", v)
    for v, w in enumerate(RU_COLL_SG):
        out.setdefault(_norm(w), ("unit", v))
    for v, w in enumerate(EN_U):
        out[w] = ("unit", v)
    for v, w in enumerate(RU_TEEN + EN_TEEN):
        out[w] = ("teen", 10 + v % 10)
    for v, w in enumerate(RU_TENS + EN_TENS):
        if w:
            out[w] = ("tens", 10 * (v % 10))
    for v, w in enumerate(RU_HUND):
        if w:
            out[w] = ("hund", 100 * v)
    for w in ("hundred",):
        out[w] = ("hundred", 100)
    for w in ("thousand", "тысяча", "тысячи", "тысяч", "тысячу"):
        out[w] = ("thousand", 1000)
    out |= {"double": ("mult", 2), "triple": ("mult", 3), "oh": ("oh", 0)}
    out |= {"полторы": ("half", 0), "полтора": ("half", 0)}
    return out


NUMBER_WORDS = _number_words()
COLL_PLURAL = {_norm(w): str(v) for v, w in enumerate(RU_COLL)}
OPEN = {"tens": 10, "hund": 100}
# words that do not break a run of digits (fillers, "and", "then", backchannels, ordinal endings)
CONNECTORS = set(
    [
        "and",
        "и",
        "а",
        "uh",
        "um",
        "er",
        "erm",
        "ah",
        "hmm",
        "э",
        "ээ",
        "эм",
        "эээ",
        "мм",
        "ну",
        "так",
        "then",
        "dash",
        "hyphen",
        "тире",
        "дефис",
        "space",
        "пробел",
        "потом",
        "дальше",
        "next",
        "ещё",
        "еще",
        "th",
        "st",
        "nd",
        "rd",
        "го",
        "угу",
        "ага",
        "да",
        "ок",
        "окей",
        "okay",
        "ok",
        "yeah",
        "yes",
        "mhm",
        "mm",
        "right",
        "sure",
    ]
)
# words that take back what was said: the digits before them are not read on with those after
NEGATORS = set(["нет", "не", "no", "not", "wait", "sorry"])


def _next_is_num(toks: list[str], i: int) -> bool:
    for raw in toks[i + 1 : i + 3]:
        if raw.isdigit():
            return True
        w = _norm(raw)
        if w in NUMBER_WORDS and NUMBER_WORDS[w][0] in ("unit", "teen", "tens", "hund", "oh", "mult"):
            return True
        if raw[0].isalpha():
            return False
    return False


def read_items(text: str) -> list[list[Any]]:
    """The text as items [kind, text, open, unit_word]: kind num (composed digits), word, ph, punct, mult."""
    toks = TOKEN_RE.findall(text)
    items: list[list[Any]] = []
    last: list[Any] | None = None  # the last number item, while nothing but "-" or spaces follow it
    mult, half = 1, False
    for i, raw in enumerate(toks):
        if raw.startswith("[") and raw.endswith("]") and len(raw) > 2:
            items.append(["ph", raw, 0, False])
            last, mult, half = None, 1, False
            continue
        if raw.isdigit():
            items.append(["num", raw, 0, False])
            last, mult, half = items[-1], 1, False
            continue
        if not raw[0].isalpha():
            if raw != "-":
                last = None
            items.append(["punct", raw, 0, False])
            continue
        w = _norm(raw)
        if w in COLL_PLURAL:
            if last is not None and last[3] and last[1] in ("2", "3", "4"):
                last[1], last[3] = COLL_PLURAL[w] * int(last[1]), False
            else:
                items.append(["num", COLL_PLURAL[w], 0, False])
                last = items[-1]
            continue
        kind, val = NUMBER_WORDS.get(w, ("", 0))
        if kind == "oh":
            prev_num = bool(items) and (
                items[-1][0] == "num"
                or (items[-1][0] == "punct" and len(items) > 1 and items[-2][0] == "num")
            )
            kind = "unit" if prev_num or _next_is_num(toks, i) else ""
        if kind == "mult":
            items.append(["mult", w, val, False])
            mult, last = val, None
            continue
        if kind in ("unit", "teen", "tens", "hund"):
            if mult > 1 and kind == "unit":
                items.append(["num", str(val) * mult, 0, False])
                last = items[-1]
            elif last is not None and last[2] > val and not (kind == "unit" and val == 0):
                last[1], last[2], last[3] = str(int(last[1]) + val), OPEN.get(kind, 0), False
            else:
                items.append(["num", str(val), OPEN.get(kind, 0), kind == "unit"])
                last = items[-1]
            mult, half = 1, False
            continue
        if kind == "hundred":
            if last is not None and last[2] == 0 and not last[1].startswith("0") and 1 <= int(last[1]) <= 99:
                last[1], last[2], last[3] = str(int(last[1]) * 100), 100, False
            else:
                items.append(["num", "100", 100, False])
                last = items[-1]
            continue
        if kind == "thousand":
            if half:
                items.append(["num", "1500", 100, False])
                last = items[-1]
            elif last is not None and not last[1].startswith("0") and 1 <= int(last[1]) <= 999:
                last[1], last[2], last[3] = str(int(last[1]) * 1000), 1000, False
            else:
                items.append(["num", "1000", 1000, False])
                last = items[-1]
            half = False
            continue
        if kind == "half":
            half, last = True, None
            continue
        items.append(["word", w, 0, False])
        if not (w in ("and", "и") and last is not None and last[2] >= 100):
            last = None  # "two hundred and fifty", "сто и пять" go on
        mult, half = 1, False
    return items


def digit_streams(text: str, gap: int = GAP_WORDS) -> list[str]:
    """Runs of digits a reader follows: across punctuation, connectors and up to ``gap`` other words."""
    out: list[str] = []
    cur, gaps = "", 0
    for kind, s, *_ in read_items(text):
        if kind == "num":
            cur, gaps = cur + s, 0
        elif kind == "ph":
            if cur:
                out.append(cur)
            cur, gaps = "", 0
        elif kind == "word" and s not in CONNECTORS:
            gaps += 1
            if (gaps > gap or s in NEGATORS) and cur:
                out.append(cur)
                cur = ""
    if cur:
        out.append(cur)
    return out


SEG_JOIN = " | turn | "  # joins stored segments: the turn change counts as one word between digits


def read_digits(text: str) -> str:
    return "".join(digit_streams(text, gap=0))


# --- reading e-mails --------------------------------------------------------------------------------

TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "h",
            "ts",
            "ch",
            "sh",
            "sch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)
NATO = {
    "alpha": "a",
    "alfa": "a",
    "bravo": "b",
    "charlie": "c",
    "delta": "d",
    "echo": "e",
    "foxtrot": "f",
    "golf": "g",
    "hotel": "h",
    "india": "i",
    "juliet": "j",
    "juliett": "j",
    "kilo": "k",
    "lima": "l",
    "mike": "m",
    "november": "n",
    "oscar": "o",
    "papa": "p",
    "quebec": "q",
    "romeo": "r",
    "sierra": "s",
    "tango": "t",
    "uniform": "u",
    "victor": "v",
    "whiskey": "w",
    "xray": "x",
    "yankee": "y",
    "zulu": "z",
}
RU_LETTER_NAMES = {
    "а": "a",
    "бэ": "b",
    "цэ": "c",
    "дэ": "d",
    "е": "e",
    "эф": "f",
    "гэ": "g",
    "ха": "h",
    "и": "i",
    "джей": "j",
    "ка": "k",
    "эл": "l",
    "эль": "l",
    "эм": "m",
    "эн": "n",
    "о": "o",
    "пэ": "p",
    "ку": "q",
    "эр": "r",
    "эс": "s",
    "тэ": "t",
    "у": "u",
    "вэ": "v",
    "икс": "x",
    "игрек": "y",
    "зэт": "z",
    "зед": "z",
}
RU_NAME_ALPHABET = {
    "анна": "a",
    "борис": "b",
    "дмитрий": "d",
    "елена": "e",
    "федор": "f",
    "григорий": "g",
    "харитон": "h",
    "иван": "i",
    "константин": "k",
    "леонид": "l",
    "михаил": "m",
    "николай": "n",
    "ольга": "o",
    "павел": "p",
    "роман": "r",
    "сергей": "s",
    "татьяна": "t",
    "ульяна": "u",
    "василий": "v",
    "зинаида": "z",
}
SPELL_SKIP = set(
    [
        "dot",
        "точка",
        "period",
        "underscore",
        "нижнее",
        "подчеркивание",
        "подчеркивание",
        "дефис",
        "dash",
        "hyphen",
        "тире",
        "capital",
        "заглавная",
        "большая",
        "маленькая",
        "lowercase",
    ]
)


def _translit(word: str) -> str:
    return "".join(TRANSLIT.get(c, c) for c in word).replace("_", "")


def _spelled_letter(w: str) -> str:
    if len(w) == 1 and "a" <= w <= "z":
        return w
    return NATO.get(w) or RU_LETTER_NAMES.get(w) or RU_NAME_ALPHABET.get(w) or ""


def email_views(text: str) -> tuple[str, str]:
    """(plain, spelled): the text's letters and digits run together, and its spelled letters."""
    items = read_items(text)
    plain = "".join(_translit(s) if k == "word" else s for k, s, *_ in items if k in ("num", "word"))
    words = [(k, s, extra) for k, s, extra, _ in items if k != "punct"]
    out: list[str] = []
    i, repeat = 0, 1
    while i < len(words):
        k, s, extra = words[i]
        if k == "num":
            out.append(s)
        elif k == "mult":
            repeat = extra
            i += 1
            continue
        elif k == "word" and _spelled_letter(s):
            out.append(_spelled_letter(s) * repeat)
            nxt = [w for _, w, _ in words[i + 1 : i + 4]]
            if nxt[:2] == ["as", "in"]:
                i += 3
            elif nxt[:1] in (["for"], ["like"], ["как"]):
                i += 2
        elif k == "word" and s in SPELL_SKIP:
            pass
        else:
            out.append("|")
        repeat = 1
        i += 1
    return plain, "".join(out)


# --- secrets and must-stay numbers ------------------------------------------------------------------


@dataclass(eq=False)
class Secret:
    kind: str
    value: str  # canonical: digits (letters where the type has them) or the e-mail address
    style: str
    lang: str
    spans: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER[self.kind]

    @property
    def turns(self) -> list[int]:
        return sorted({t for t, _, _ in self.spans})

    def windows(self) -> set[str]:
        if self.kind == "email":
            local = re.sub(r"[^a-z0-9]", "", self.value.split("@")[0].lower())
            return {local[i : i + 4] for i in range(max(1, len(local) - 3))}
        digits = re.sub(r"\D", "", self.value)
        if self.kind in ("cvv", "ssn4"):
            return {digits}
        wins: set[str] = set()
        for run in re.findall(r"\d+", self.value):
            stop = len(run) - 4 if self.kind == "card" else len(run) - 3
            wins |= {run[i : i + 4] for i in range(stop) if not self._bank_part(run, i)}
        return wins

    def _bank_part(self, run: str, i: int) -> bool:
        """A window wholly inside what names the bank, not the person: a RU account's balance-account
        and currency prefix and key digit (40817 810 K: the prefix is the same for every personal rouble
        account, the key is computed from the BIK), an IBAN's BLZ or sort code."""
        if self.kind == "account":
            return i + 4 <= 9
        if self.kind == "iban" and self.value.startswith("DE"):
            return i >= 2 and i + 4 <= 10
        if self.kind == "iban" and len(run) == 14:  # GB: sort code + account
            return i + 4 <= 6
        return False


@dataclass(eq=False)
class Keep:
    kind: str
    surface: str
    digits: str
    patterns: list[str]
    turns: list[int] = field(default_factory=list)


@dataclass
class S:
    secret: Secret
    text: str


@dataclass
class K:
    keep: Keep
    text: str


Part = str | S | K


@dataclass
class Case:
    cid: str
    lang: str
    industry: str
    negative: bool
    turns: list[tuple[str, str]]
    secrets: list[Secret]
    keeps: list[Keep]


def keep_part(kind: str, text: str, patterns: list[str] | None = None, digits: str | None = None) -> K:
    digits = read_digits(text) if digits is None else digits
    pats = [re.escape(_flat(text))] + (patterns or [])
    return K(Keep(kind, text, digits, pats), text)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", _norm(text)).strip()


def keep_readable(keep: Keep, text: str) -> bool:
    flat = _flat(text)
    if any(re.search(p, flat) for p in keep.patterns):
        return True
    if not keep.digits:
        return False
    streams = digit_streams(text, gap=0)
    if len(keep.digits) < 3:
        return keep.digits in streams
    return any(keep.digits in s for s in streams)


def secret_leaks(sec: Secret, text: str) -> bool:
    wins = sec.windows()
    if sec.kind == "email":
        plain, spelled = email_views(text)
        return any(w in plain or w in spelled for w in wins)
    joined = "|".join(digit_streams(text))
    return any(w in joined for w in wins)


class Dialog:
    def __init__(self, lang: str, rng: random.Random) -> None:
        self.lang, self.rng = lang, rng
        self.turns: list[tuple[str, str]] = []
        self.secrets: list[Secret] = []
        self.keeps: list[Keep] = []

    def say(self, role: str, *parts: Part) -> int:
        if self.turns and self.turns[-1][0] == role:  # the other speaker answers in between
            other = "customer" if role == "agent" else "agent"
            back = {
                "ru": {"agent": ["Да?", "Слушаю.", "Да, конечно."], "customer": ["Угу.", "Хорошо.", "Да."]},
                "en": {"agent": ["Sure.", "Go ahead.", "Mm-hmm."], "customer": ["Okay.", "Sure.", "Mm-hmm."]},
            }
            self.turns.append((other, self.rng.choice(back[self.lang][other])))
        idx, text = len(self.turns), ""
        for p in parts:
            if isinstance(p, str):
                text += p
            elif isinstance(p, S):
                start = len(text)
                text += p.text
                p.secret.spans.append((idx, start, len(text)))
                if not any(s is p.secret for s in self.secrets):
                    self.secrets.append(p.secret)
            else:
                text += p.text
                if idx not in p.keep.turns:
                    p.keep.turns.append(idx)
                if not any(k is p.keep for k in self.keeps):
                    self.keeps.append(p.keep)
        self.turns.append((role, text))
        return idx

    def agent(self, *parts: Part) -> int:
        return self.say("agent", *parts)

    def customer(self, *parts: Part) -> int:
        return self.say("customer", *parts)


# --- valid identifiers ------------------------------------------------------------------------------


def _digits(rng: random.Random, n: int, first: str = "0123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def luhn_ok(number: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + _digits(rng, length - len(prefix) - 1)
    return next(body + c for c in "0123456789" if luhn_ok(body + c))


def make_card(rng: random.Random, lang: str) -> str:
    while True:
        prefixes = (
            ["2200", "2201", "2202", "2204", "4", "5", "4"] if lang == "ru" else ["4", "5", "4", "37", "34"]
        )
        p = rng.choice(prefixes)
        if p == "5":
            p += rng.choice("12345")
        card = _luhn_complete(p, 15 if p in ("34", "37") else 16, rng)
        last4 = card[-4:]
        if last4 not in card[:-1] and len(set(card)) > 5:
            return card


def snils_check(nine: str) -> str:
    s = sum(int(c) * (9 - i) for i, c in enumerate(nine))
    if s > 101:
        s %= 101
    return "00" if s in (100, 101) else f"{s:02d}"


def make_snils(rng: random.Random) -> str:
    nine = _digits(rng, 9, "1234567")
    return nine + snils_check(nine)


def _inn_digit(digits: str, weights: list[int]) -> str:
    return str(sum(int(c) * w for c, w in zip(digits, weights, strict=False)) % 11 % 10)


W_INN = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]


def make_inn12(rng: random.Random) -> str:
    body = rng.choice(["77", "50", "78", "66", "16", "54", "23", "63"]) + _digits(rng, 8)
    body += _inn_digit(body, W_INN[1:])
    return body + _inn_digit(body, W_INN)


def make_inn10(rng: random.Random) -> str:
    body = rng.choice(["77", "78", "50", "54", "66"]) + _digits(rng, 7)
    return body + _inn_digit(body, [2, 4, 10, 3, 5, 9, 4, 6, 8])


def inn_ok(inn: str) -> bool:
    if len(inn) == 10:
        return inn[9] == _inn_digit(inn[:9], [2, 4, 10, 3, 5, 9, 4, 6, 8])
    return inn[10] == _inn_digit(inn[:10], W_INN[1:]) and inn[11] == _inn_digit(inn[:11], W_INN)


def oms_check(d15: str) -> str:
    """ENP control digit (FFOMS): odd places from the right read as a number and doubled, the even
    places written to its left, the digits summed, the distance to the next multiple of ten."""
    rev = d15[::-1]
    odd, even = rev[0::2], rev[1::2]
    total = sum(int(c) for c in even + str(int(odd) * 2))
    return str((10 - total % 10) % 10)


def make_oms(rng: random.Random) -> str:
    d15 = rng.choice(["77", "50", "78", "54", "66"]) + _digits(rng, 13)
    return d15 + oms_check(d15)


BIKS = ["044525225", "044525593", "044525974", "046577964", "044030653", "045004641"]


def ru_account(rng: random.Random, bik: str, prefix: str) -> str:
    body = prefix + "810"
    rest = _digits(rng, 11)
    for k in "0123456789":
        acc = body + k + rest
        s = bik[-3:] + acc
        if sum(int(c) * (7, 1, 3)[i % 3] for i, c in enumerate(s)) % 10 == 0:
            return acc
    raise AssertionError("no key digit")


def account_ok(acc: str, bik: str) -> bool:
    s = bik[-3:] + acc
    return sum(int(c) * (7, 1, 3)[i % 3] for i, c in enumerate(s)) % 10 == 0


def _iban_mod(iban: str) -> int:
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97


def make_iban(rng: random.Random) -> str:
    if rng.random() < 0.5:
        bban = _digits(rng, 8, "12345678") + _digits(rng, 10)
        country = "DE"
    else:
        bban = (
            rng.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + _digits(rng, 6, "1234") + _digits(rng, 8)
        )
        country = "GB"
    check = 98 - _iban_mod(country + "00" + bban)
    return f"{country}{check:02d}{bban}"


def make_ssn(rng: random.Random) -> str:
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            return f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"


def nhs_check(nine: str) -> int:
    return 11 - sum(int(c) * (10 - i) for i, c in enumerate(nine)) % 11


def make_nhs(rng: random.Random) -> str:
    while True:
        nine = _digits(rng, 9, "4567")
        c = nhs_check(nine)
        if c != 10:
            return nine + str(0 if c == 11 else c)


NI_PREFIXES = ["AB", "CE", "JG", "KL", "NP", "PR", "SW", "TC", "WX", "YZ", "EH", "MA", "RB", "HT"]


def make_ni(rng: random.Random) -> str:
    return rng.choice(NI_PREFIXES) + _digits(rng, 6) + rng.choice("ABCD")


def make_ogrn(rng: random.Random) -> str:
    body = "1" + _digits(rng, 11)
    return body + str(int(body) % 11 % 10)


# --- saying numbers ---------------------------------------------------------------------------------


def _two(g: str, lang: str) -> str:
    a, b = int(g[0]), int(g[1])
    if lang == "ru":
        if a == 0:
            return "ноль-ноль" if b == 0 else f"ноль {RU_U[b]}"
        if a == 1:
            return RU_TEEN[b]
        return RU_TENS[a] + ("" if b == 0 else " " + RU_U[b])
    if a == 0:
        return "oh oh" if b == 0 else f"oh {EN_U[b]}"
    if a == 1:
        return EN_TEEN[b]
    return EN_TENS[a] + ("" if b == 0 else "-" + EN_U[b])


def _three(g: str, lang: str) -> str:
    zero = "ноль" if lang == "ru" else "oh"
    if g[0] == "0":
        return f"{zero} {_two(g[1:], lang)}"
    a, rest = int(g[0]), g[1:]
    if lang == "ru":
        if rest == "00":
            return RU_HUND[a]
        return RU_HUND[a] + " " + (RU_U[int(rest[1])] if rest[0] == "0" else _two(rest, lang))
    if rest == "00":
        return f"{EN_U[a]} hundred"
    return f"{EN_U[a]} {_two(rest, lang)}"


def _chunks(g: str, rng: random.Random) -> list[str]:
    n = len(g)
    sizes = {
        1: [1],
        2: [2],
        3: [3],
        4: [2, 2],
        5: [3, 2],
        6: rng.choice([[3, 3], [2, 2, 2]]),
        7: [3, 2, 2],
        8: [2, 2, 2, 2],
    }.get(n)
    if sizes is None:
        sizes = [3] * (n // 3) + ([n % 3] if n % 3 else [])
    out, i = [], 0
    for s in sizes:
        out.append(g[i : i + s])
        i += s
    return out


def _natural(g: str, lang: str, rng: random.Random) -> str:
    if lang == "en" and len(g) == 4 and g[2:] == "00" and g[0] != "0":
        return f"{_two(g[:2], lang) if g[0] != '0' else EN_U[int(g[1])]} hundred"
    parts = []
    for c in _chunks(g, rng):
        parts.append(
            {
                1: lambda x: (RU_U if lang == "ru" else EN_U)[int(x)],
                2: lambda x: _two(x, lang),
                3: lambda x: _three(x, lang),
            }[len(c)](c)
        )
    for joiner in (" ", ", "):
        text = joiner.join(parts)
        if read_digits(text) == g:
            return text
    return _digitwise(g, lang, rng)


def _digitwise(g: str, lang: str, rng: random.Random) -> str:
    if lang == "ru":
        return " ".join(RU_U[int(c)] for c in g)
    zero = rng.choice(["oh", "zero"])
    return " ".join(zero if c == "0" else EN_U[int(c)] for c in g)


def _colloquial(g: str, lang: str, rng: random.Random) -> str:
    runs: list[tuple[str, int]] = []
    for c in g:
        if runs and runs[-1][0] == c and runs[-1][1] < 3:
            runs[-1] = (c, runs[-1][1] + 1)
        else:
            runs.append((c, 1))
    words = []
    for c, n in runs:
        d = int(c)
        if lang == "ru":
            if n == 1:
                words.append(RU_COLL_SG[d] if d > 1 and rng.random() < 0.4 else RU_U[d])
            elif d == 0:
                words.append(
                    "ноль-ноль" if n == 2 and rng.random() < 0.5 else f"{['', '', 'два', 'три'][n]} нуля"
                )
            elif d == 1:
                words.append(" ".join(["один"] * n))
            else:
                words.append(f"{['', '', 'две', 'три'][n]} {RU_COLL[d]}")
        elif n == 1:
            words.append("oh" if d == 0 else EN_U[d])
        else:
            words.append(f"{['', '', 'double', 'triple'][n]} {'oh' if d == 0 else EN_U[d]}")
    return " ".join(words)


def say_group(g: str, lang: str, rng: random.Random, mode: str) -> str:
    if mode == "numerals":
        return g
    if mode == "natural":
        return _natural(g, lang, rng)
    if mode == "colloquial":
        text = _colloquial(g, lang, rng)
        return text if read_digits(text) == g else _digitwise(g, lang, rng)
    return _digitwise(g, lang, rng)


NATO_OUT = {v: k.capitalize() for k, v in NATO.items() if k not in ("alfa", "juliett")}
AS_IN = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyz",
        [
            "Apple",
            "Boy",
            "Charlie",
            "David",
            "Edward",
            "Frank",
            "George",
            "Henry",
            "Ida",
            "John",
            "King",
            "Lima",
            "Mary",
            "Nancy",
            "Oscar",
            "Peter",
            "Queen",
            "Robert",
            "Sam",
            "Tom",
            "Uncle",
            "Victor",
            "William",
            "X-ray",
            "Yellow",
            "Zebra",
        ],
        strict=True,
    )
)


def spell(letters: str, lang: str, rng: random.Random, mode: str | None = None) -> str:
    mode = mode or rng.choice(["plain", "plain", "nato", "asin"])
    low = letters.lower()
    if lang == "ru":
        return ", ".join(RU_LETTER_NAMES_OUT.get(c, c.upper()) for c in low)
    if mode == "nato":
        return " ".join(NATO_OUT[c] for c in low)
    if mode == "asin":
        return ", ".join(f"{c.upper()} as in {AS_IN[c]}" for c in low)
    return rng.choice([" ", "-", ", "]).join(c.upper() for c in low)


RU_LETTER_NAMES_OUT = {v: k for k, v in RU_LETTER_NAMES.items() if k not in ("эль", "зед")}
RU_NAME_ALPHABET_OUT = {v: k.capitalize().replace("Федор", "Фёдор") for k, v in RU_NAME_ALPHABET.items()}
MODES = ["numerals", "natural", "digitwise", "colloquial"]


def say(groups: list[str], lang: str, rng: random.Random, mode: str | None = None) -> str:
    """Groups (digits, or letters to spell) as a caller says them; read back to check."""
    mode = mode or rng.choice([*MODES, "mixed", "mixed"])
    digits = "".join(g for g in groups if g.isdigit())
    for attempt in range(2):
        parts = []
        for g in groups:
            if not g.isdigit():
                parts.append(spell(g, lang, rng))
                continue
            m = rng.choice(MODES) if mode == "mixed" else mode
            parts.append(say_group(g, lang, rng, "digitwise" if attempt else m))
        text = (" " if mode == "numerals" else ", ").join(parts)
        if read_digits(text) == digits:
            return text
    raise AssertionError(f"cannot say {groups}")


# --- keep generators --------------------------------------------------------------------------------

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
RU_ORD = [
    "",
    "первого",
    "второго",
    "третьего",
    "четвёртого",
    "пятого",
    "шестого",
    "седьмого",
    "восьмого",
    "девятого",
    "десятого",
    "одиннадцатого",
    "двенадцатого",
    "тринадцатого",
    "четырнадцатого",
    "пятнадцатого",
    "шестнадцатого",
    "семнадцатого",
    "восемнадцатого",
    "девятнадцатого",
    "двадцатого",
]
EN_ORD = [
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]


def _ru_ord(day: int) -> str:
    return RU_ORD[day] if day <= 20 else f"двадцать {RU_ORD[day - 20]}"


def _en_ord(day: int) -> str:
    return EN_ORD[day] if day <= 20 else f"twenty-{EN_ORD[day - 20]}"


def _suffix(day: int) -> str:
    return "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def kg_date(lang: str, rng: random.Random) -> K:
    day, m = rng.randint(1, 28), rng.randint(1, 12)
    if lang == "ru":
        month = RU_MONTHS[m - 1]
        text = rng.choice([f"{day} {month}", f"{_ru_ord(day)} {month}", f"{day:02d}.{m:02d}"])
        pats = [
            rf"(?<!\d)0?{day}(?:-?го)?\s+{month}",
            rf"{_norm(_ru_ord(day))}\s+{month}",
            rf"(?<!\d)0?{day}\.0?{m}(?!\d)",
        ]
    else:
        month = EN_MONTHS[m - 1]
        text = rng.choice(
            [
                f"{month} {day}{_suffix(day)}",
                f"the {day}{_suffix(day)} of {month}",
                f"{month} {_en_ord(day)}",
                f"{m:02d}/{day:02d}",
            ]
        )
        mo, o = month.lower(), _en_ord(day)
        pats = [
            rf"{mo}\s+(?:the\s+)?0?{day}(?:st|nd|rd|th)?(?!\d)",
            rf"(?<!\d)0?{day}(?:st|nd|rd|th)?\s+(?:of\s+)?{mo}",
            rf"{mo}\s+(?:the\s+)?{o}",
            rf"{o}\s+of\s+{mo}",
            rf"(?<!\d)0?{m}/0?{day}(?!\d)",
        ]
    return keep_part("date", text, pats, digits="")


def kg_time(lang: str, rng: random.Random) -> K:
    h, m = rng.randint(8, 19), rng.choice([0, 15, 30, 45, 10, 40])
    if lang == "en":
        h = h if h <= 12 else h - 12
        text = f"{h}:{m:02d}" + rng.choice(["", " am" if h >= 8 else " pm", " pm"])
    else:
        text = f"{h}:{m:02d}"
    return keep_part("time", text)


def kg_amount(lang: str, rng: random.Random) -> K:
    if lang == "ru":
        text = rng.choice(
            [
                f"{rng.randint(1, 19)} {rng.randint(1, 9)}90",
                "полторы тысячи",
                "две тысячи девятьсот девяносто",
                f"{rng.randint(3, 9)}50",
                "триста пятьдесят",
                f"{rng.randint(10, 49)} {rng.choice(['500', '000', '990'])}",
                "тысячу двести",
                "восемьсот девяносто девять",
            ]
        )
    else:
        text = rng.choice(
            [
                f"${rng.randint(20, 499)}.{rng.choice(['99', '50', '00', '49'])}",
                "two hundred and fifty dollars",
                f"£{rng.randint(1, 9)},{rng.randint(100, 999)}",
                "forty-nine ninety-nine",
                f"${rng.randint(1, 4)},{rng.randint(100, 999)}",
                "eighty-nine dollars",
                f"£{rng.randint(110, 980)}",
            ]
        )
    return keep_part("amount", text)


def kg_order(lang: str, rng: random.Random) -> K:
    style = rng.random()
    if style < 0.3:
        text = _digits(rng, rng.choice([7, 8, 10]), "123456789")
    elif style < 0.55:
        text = f"{_digits(rng, 3, '123456789')}-{_digits(rng, 7)}"
    elif style < 0.75:
        text = ("№ " if lang == "ru" else "#") + _digits(rng, 8, "123456789")
    elif style < 0.9:
        text = _digits(rng, 2, "123456789") + "-" + _digits(rng, 3) + "-" + _digits(rng, 3)
    else:
        g = _digits(rng, 7, "123456789")
        text = say([g[:3], g[3:5], g[5:]], lang, rng, "natural")
        return keep_part("order", text, digits=g)
    return keep_part("order", text)


def kg_hotline(lang: str, rng: random.Random) -> K:
    if lang == "ru":
        groups = ["8", "800", _digits(rng, 3, "23579"), _digits(rng, 2), _digits(rng, 2)]
        text = rng.choice(
            [
                f"8 800 {groups[2]}-{groups[3]}-{groups[4]}",
                f"8-800-{groups[2]}-{groups[3]}{groups[4]}",
                say(groups, lang, rng, "natural"),
            ]
        )
    elif rng.random() < 0.7:
        groups = ["1", "800", _digits(rng, 3, "2345679"), _digits(rng, 4)]
        text = rng.choice(
            [
                f"1-800-{groups[2]}-{groups[3]}",
                f"1 800 {groups[2]} {groups[3]}",
                say(groups, lang, rng, "natural").replace("one, eight hundred", "one eight hundred"),
            ]
        )
    else:
        groups = ["0800", _digits(rng, 3, "2345679"), _digits(rng, 4)]
        text = f"0800 {groups[1]} {groups[2]}"
    return keep_part("hotline", text, digits="".join(groups))


def _simple(kind: str, make: Callable[[str, random.Random], str]) -> Callable[[str, random.Random], K]:
    return lambda lang, rng: keep_part(kind, make(lang, rng))


def _osago(lang: str, rng: random.Random) -> str:
    return f"{rng.choice(['ХХХ', 'ТТТ', 'ААС', 'МММ'])} {_digits(rng, 10, '0')}"


def _tracking(lang: str, rng: random.Random) -> str:
    if lang == "ru":
        return rng.choice(["8008" + _digits(rng, 10), _digits(rng, 10, "1"), "RA" + _digits(rng, 9) + "RU"])
    return rng.choice(
        [
            f"{_digits(rng, 4, '7')} {_digits(rng, 4)} {_digits(rng, 4)}",
            f"1Z {_digits(rng, 3)} AA1 {_digits(rng, 2)} {_digits(rng, 4)} {_digits(rng, 4)}",
            "9400 1" + _digits(rng, 3) + " " + _digits(rng, 4) + " " + _digits(rng, 4),
        ]
    )


def _flight(lang: str, rng: random.Random) -> str:
    code = rng.choice(["SU", "S7", "U6", "DP"] if lang == "ru" else ["BA", "UA", "DL", "AA", "VS"])
    return f"{code} {rng.randint(100, 2999)}"


KEEP_GEN: dict[str, Callable[[str, random.Random], K]] = {
    "date": kg_date,
    "time": kg_time,
    "amount": kg_amount,
    "order": kg_order,
    "hotline": kg_hotline,
    "appl": _simple("application", lambda lang, rng: _digits(rng, 10, "123456789")),
    "claim": _simple(
        "claim",
        lambda lang, rng: rng.choice(
            [
                f"{_digits(rng, 2, '123456789')}-{_digits(rng, 3)}-{_digits(rng, 3)}",
                _digits(rng, 7, "3456789"),
                ("ОБ-" if lang == "ru" else "CLM-") + _digits(rng, 7),
            ]
        ),
    ),
    "contract": _simple(
        "contract", lambda lang, rng: f"{_digits(rng, 2, '123456789')}-{_digits(rng, 4)}/2{rng.randint(3, 5)}"
    ),
    "data": _simple("data", lambda lang, rng: rng.choice(["30", "50", "15", "100"])),
    "minutes": _simple("minutes", lambda lang, rng: rng.choice(["600", "800", "500", "1000"])),
    "days": _simple("days", lambda lang, rng: rng.choice(["10", "14", "30", "5"])),
    "inn_org": _simple("company_inn", lambda lang, rng: make_inn10(rng)),
    "kpp": _simple(
        "company_kpp", lambda lang, rng: f"{rng.choice(['77', '78', '50'])}{_digits(rng, 2, '0123')}01001"
    ),
    "bik": _simple("company_bik", lambda lang, rng: rng.choice(BIKS)),
    "ogrn": _simple("company_ogrn", lambda lang, rng: make_ogrn(rng)),
    "invoice": _simple(
        "invoice",
        lambda lang, rng: rng.choice(
            [f"2025-0{_digits(rng, 3)}", _digits(rng, 6, "1"), "INV-" + _digits(rng, 5)]
        ),
    ),
    "uin": _simple("uin", lambda lang, rng: "18810" + _digits(rng, 15)),
    "window": _simple("window", lambda lang, rng: str(rng.randint(3, 28))),
    "flight": _simple("flight", _flight),
    "bagtag": _simple(
        "bagtag",
        lambda lang, rng: rng.choice(
            [
                rng.choice(["SU", "S7", "U6"] if lang == "ru" else ["BA", "UA", "DL", "VS"])
                + f" {_digits(rng, 6)}",
                "0"
                + rng.choice(["555", "421", "262"] if lang == "ru" else ["125", "016", "006", "932"])
                + f" {_digits(rng, 6)}",
            ]
        ),
    ),
    "eticket": _simple(
        "eticket", lambda lang, rng: f"{rng.choice(['555', '016', '125', '421'])} {_digits(rng, 10)}"
    ),
    "postcode": _simple(
        "postcode", lambda lang, rng: _digits(rng, 6, "1346") if lang == "ru" else _digits(rng, 5, "1239")
    ),
    "osago": _simple("osago", _osago),
    "mileage": _simple(
        "mileage",
        lambda lang, rng: (
            f"{rng.randint(12, 190)} {rng.choice(['300', '000', '450'])}"
            if lang == "ru"
            else f"{rng.randint(12, 140)},{rng.choice(['300', '000', '450'])}"
        ),
    ),
    "referral": _simple("referral", lambda lang, rng: _digits(rng, 7, "4")),
    "room": _simple("room", lambda lang, rng: str(rng.randint(101, 420))),
    "talon": _simple("ticket", lambda lang, rng: str(rng.randint(100, 999))),
    "tracking": _simple("tracking", _tracking),
    "percent": _simple(
        "percent", lambda lang, rng: rng.choice(["21,9", "18,5", "24,9", "4.9", "19.99", "6.5"])
    ),
    "lastfour": _simple("card_last4", lambda lang, rng: _digits(rng, 4, "123456789")),
    "payee": _simple("company_account", lambda lang, rng: ru_account(rng, rng.choice(BIKS), "40702")),
    "sortcode": _simple(
        "company_account", lambda lang, rng: f"{_digits(rng, 2, '1234')}-{_digits(rng, 2)}-{_digits(rng, 2)}"
    ),
    "payee_acct": _simple("company_account", lambda lang, rng: _digits(rng, 8, "123456789")),
    "routing": _simple(
        "company_account", lambda lang, rng: rng.choice(["021000021", "026009593", "121000358", "011401533"])
    ),
    "rx": _simple("prescription", lambda lang, rng: _digits(rng, 7, "6")),
    "case": _simple("case", lambda lang, rng: "00" + _digits(rng, 6)),
    "apptref": _simple("appointment", lambda lang, rng: _digits(rng, 5, "7")),
}


def fill(template: str, lang: str, rng: random.Random, **fixed: Part | list[Part]) -> list[Part]:
    out: list[Part] = []
    for i, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if i % 2 == 0:
            if piece:
                out.append(piece)
        elif piece in fixed:
            val = fixed[piece]
            out.extend(val if isinstance(val, list) else [val])
        else:
            out.append(KEEP_GEN[re.sub(r"\d+$", "", piece)](lang, rng))
    return out


# --- secrets: values, groups, how they are asked for ------------------------------------------------


def make_secret(kind: str, lang: str, rng: random.Random) -> tuple[str, list[str], str]:
    """(canonical value, dictation groups, lead said before the groups inside the span)."""
    if kind == "card":
        card = make_card(rng, lang)
        groups = (
            [card[:4], card[4:10], card[10:]]
            if len(card) == 15
            else [card[i : i + 4] for i in range(0, 16, 4)]
        )
        return card, groups, ""
    if kind == "phone":
        if lang == "ru":
            v = "9" + _digits(rng, 9)
            return v, [v[:3], v[3:6], v[6:8], v[8:]], rng.choice(["+7 ", "8 ", "восемь, ", "плюс семь, ", ""])
        if rng.random() < 0.7:
            v = _digits(rng, 3, "23456789") + _digits(rng, 3, "23456789") + _digits(rng, 4)
            return v, [v[:3], v[3:6], v[6:]], ""
        v = "07" + _digits(rng, 9, "1234589")
        return v, [v[:5], v[5:8], v[8:]], ""
    if kind == "passport":
        if lang == "ru":
            v = (
                rng.choice(["45", "46", "40", "63", "92", "03", "60", "52"])
                + f"{rng.choice([5, 7, 9, 12, 14, 16, 19, 21, 23]):02d}"
            )
            v += _digits(rng, 6, "123456789")
            return v, [v[:2], v[2:4], v[4:7], v[7:]], ""
        v = _digits(rng, 9, "5")
        return v, [v[:3], v[3:6], v[6:]], ""
    if kind == "snils":
        v = make_snils(rng)
        return v, [v[:3], v[3:6], v[6:9], v[9:]], ""
    if kind == "inn":
        v = make_inn12(rng)
        return v, rng.choice([[v[:4], v[4:8], v[8:]], [v[:2], v[2:4], v[4:7], v[7:10], v[10:]]]), ""
    if kind == "oms":
        v = make_oms(rng)
        return v, [v[i : i + 4] for i in range(0, 16, 4)], ""
    if kind == "account":
        v = ru_account(rng, rng.choice(BIKS), "40817")
        return (
            v,
            rng.choice([[v[:5], v[5:8], v[8], v[9:13], v[13:]], [v[i : i + 4] for i in range(0, 20, 4)]]),
            "",
        )
    if kind == "licence":
        if lang == "ru":
            v = rng.choice(["77", "50", "78", "99", "16", "66"]) + f"{rng.randint(10, 39)}" + _digits(rng, 6)
            return v, [v[:2], v[2:4], v[4:7], v[7:]], ""
        if rng.random() < 0.6:
            v = rng.choice("ABDFNY") + _digits(rng, 7, "123456789")
            return v, [v[0], v[1:4], v[4:]], ""
        v = _digits(rng, 9, "123456789")
        return v, [v[:3], v[3:6], v[6:]], ""
    if kind == "ssn":
        v = make_ssn(rng)
        return v, [v[:3], v[3:5], v[5:]], ""
    if kind == "ssn4":
        v = _digits(rng, 4, "123456789")
        return v, [v], ""
    if kind == "ni":
        v = make_ni(rng)
        return v, [v[:2], v[2:4], v[4:6], v[6:8], v[8]], ""
    if kind == "nhs":
        v = make_nhs(rng)
        return v, [v[:3], v[3:6], v[6:]], ""
    if kind == "iban":
        v = make_iban(rng)
        if v.startswith("DE"):
            return v, ["DE", v[2:4], *[v[i : i + 4] for i in range(4, 20, 4)], v[20:]], ""
        return v, ["GB", v[2:4], v[4:8], v[8:12], v[12:16], v[16:20], v[20:]], ""
    if kind == "member":
        v = "".join(rng.choice("ABCEHJKMNRUWXZ") for _ in range(3)) + _digits(rng, 9, "123456789")
        return v, [v[:3], v[3:6], v[6:9], v[9:]], ""
    if kind == "cvv":
        v = _digits(rng, 3, "123456789")
        return v, [v], ""
    raise ValueError(kind)


ASK = {
    "ru": {
        "card": [
            "Продиктуйте, пожалуйста, номер карты.",
            "Назовите номер банковской карты, с которой была оплата.",
            "Для возврата мне нужен номер карты полностью.",
        ],
        "phone": [
            "Оставьте, пожалуйста, мобильный для связи.",
            "Какой у вас контактный номер телефона?",
            "На какой номер прислать СМС с кодом?",
        ],
        "passport": [
            "Назовите серию и номер паспорта.",
            "Мне нужны паспортные данные: серия и номер.",
            "Продиктуйте данные паспорта, пожалуйста.",
        ],
        "snils": [
            "Продиктуйте СНИЛС.",
            "Назовите номер СНИЛС, пожалуйста.",
            "Мне нужен ваш СНИЛС для проверки.",
        ],
        "inn": ["Назовите ваш ИНН.", "Продиктуйте ваш личный ИНН, двенадцать цифр.", "Какой у вас ИНН?"],
        "oms": [
            "Назовите номер полиса ОМС.",
            "Продиктуйте номер полиса обязательного медицинского страхования.",
            "Полис ОМС у вас с собой? Назовите номер.",
        ],
        "account": [
            "Назовите номер счёта для зачисления, двадцать цифр.",
            "Продиктуйте номер вашего счёта в банке.",
            "На какой счёт перечислить? Номер счёта, пожалуйста.",
        ],
        "licence": [
            "Назовите номер водительского удостоверения.",
            "Продиктуйте серию и номер прав.",
            "Мне нужен номер вашего водительского удостоверения.",
        ],
    },
    "en": {
        "card": [
            "Can I take the long card number, please?",
            "What's the card number?",
            "Okay, go ahead with the sixteen digits on the front of the card.",
        ],
        "phone": [
            "What's the best mobile number to reach you on?",
            "Can I get a callback number?",
            "What cell number should the texts go to?",
        ],
        "passport": [
            "What's your passport number?",
            "Can you read me the passport number?",
            "I'll need the passport number for the booking.",
        ],
        "ssn": [
            "Can you verify your Social Security number?",
            "I'll need your full social, please.",
            "What's the Social Security number on the account?",
        ],
        "ni": [
            "Can I have your National Insurance number?",
            "What's your NI number, please?",
            "I'll need your National Insurance number to find the record.",
        ],
        "nhs": [
            "Do you have your NHS number handy?",
            "What's your NHS number?",
            "Can you read me the NHS number?",
        ],
        "iban": [
            "What's the IBAN for the refund?",
            "Can you give me the IBAN of your account?",
            "Read me the IBAN, please, nice and slow.",
        ],
        "licence": [
            "What's your driver's license number?",
            "Can I have the license number?",
            "I need the number on your driver's license.",
        ],
        "member": [
            "What's the member ID on your insurance card?",
            "Can you read me your member ID?",
            "I'll need the member ID from the front of the card.",
        ],
    },
}
KW_LONG = {
    "ru": {
        "card": "картой",
        "phone": "телефон для связи",
        "passport": "паспорт",
        "snils": "СНИЛС",
        "inn": "ИНН",
        "oms": "полис ОМС",
        "account": "счёт для возврата",
        "licence": "права",
    },
    "en": {
        "card": "card number",
        "phone": "cell",
        "passport": "passport number",
        "ssn": "social",
        "ni": "National Insurance number",
        "nhs": "NHS number",
        "iban": "IBAN",
        "licence": "license number",
        "member": "member ID",
    },
}
DOC = {
    "ru": {
        "card": "карту",
        "phone": "телефон, у меня новая симка",
        "passport": "паспорт",
        "snils": "СНИЛС",
        "inn": "бумажку с ИНН",
        "oms": "полис",
        "account": "реквизиты",
        "licence": "права",
    },
    "en": {
        "card": "my card",
        "phone": "my new number, it's a new phone",
        "passport": "my passport",
        "ssn": "my social security card",
        "ni": "the letter with my NI number",
        "nhs": "my NHS letter",
        "iban": "the bank details",
        "licence": "my license",
        "member": "my insurance card",
    },
}
LONG = {
    "ru": [
        "Смотрите, я {date} в {time} оплатил заказ {order} на {amount} рублей, {kw} {S}, "
        "а доставку на индекс "
        "{postcode} так и не привезли.",
        "Значит, так: договор {contract} от {date}, сумма {amount} рублей, {kw} у меня {S}, и мне обещали "
        "перезвонить до {time}, но никто не позвонил.",
        "Я звонила {date}, номер обращения был {claim}, {kw} {S}, платёж {amount} рублей прошёл в {time}, а "
        "услугу так и не включили.",
        "У меня рейс {flight} {date} в {time}, билет {eticket}, {kw} {S}, и ещё багаж за {amount} рублей "
        "доплачивала.",
    ],
    "en": [
        "So on {date} at {time} I paid {amount} for order {order}, my {kw} is {S}, and it was meant to go to "
        "ZIP {postcode} but it never showed up.",
        "Okay, the claim is {claim}, filed {date}, for {amount}, and my {kw} is {S}; "
        "somebody promised a call "
        "back by {time}.",
        "I'm on flight {flight} on {date} at {time}, ticket {eticket}, {kw} {S}, and I paid {amount} for the "
        "extra bag.",
        "The invoice {invoice} from {date} says {amount}, my {kw} is {S}, and your hotline {hotline} just "
        "hangs up on me.",
    ],
}
ONE_LEAD = {
    "ru": ["", "Да, пишите: ", "Сейчас... так, ", "Записывайте: ", "Ага, ", "Да, конечно. "],
    "en": ["", "Sure, it's ", "Yeah, so it's ", "Okay, ", "Right, um, ", "Let me see... "],
}
NEXT = {
    "ru": ["дальше?", "так, дальше.", "угу, записываю.", "а дальше?", "так."],
    "en": ["go on.", "okay, next?", "got it, and then?", "mm-hmm.", "yep."],
}
OK = {
    "ru": ["Да, верно.", "Да, всё так.", "Да.", "Верно."],
    "en": ["Yes, that's right.", "Yep.", "Correct.", "That's it."],
}
BYE = {
    "ru": ["Спасибо, до свидания.", "Всё понятно, спасибо.", "Хорошо, жду. До свидания."],
    "en": ["Great, thanks, bye.", "Okay, thank you.", "Perfect, thanks for your help."],
}


def _spoken_parts(
    sec: Secret, groups: list[str], lead: str, lang: str, rng: random.Random, mode: str | None
) -> list[Part]:
    if sec.kind == "passport" and lang == "ru":
        series = S(sec, say(groups[:2], lang, rng, mode))
        number = S(sec, say(groups[2:], lang, rng, mode))
        if rng.random() < 0.3:
            return ["номер ", number, ", серия ", series]
        return ["серия ", series, ", номер ", number]
    return [S(sec, lead + say(groups, lang, rng, mode))]


def _pieces(groups: list[str]) -> list[list[str]]:
    if len(groups) >= 3:
        cut1 = max(1, len(groups) // 3)
        cut2 = max(cut1 + 1, (2 * len(groups)) // 3)
        return [groups[:cut1], groups[cut1:cut2], groups[cut2:]]
    digits = "".join(groups)
    a, b = len(digits) // 3, 2 * len(digits) // 3
    return [[digits[:a]], [digits[a:b]], [digits[b:]]]


def _alter(groups: list[str], rng: random.Random) -> tuple[list[str], int, int, str, str]:
    """The groups with one digit changed: (groups, group index, position, wrong, right)."""
    idx = [i for i, g in enumerate(groups) if g.isdigit()]
    gi = rng.choice(idx[1:] or idx)
    pos = rng.randrange(len(groups[gi]))
    right = groups[gi][pos]
    wrong = rng.choice([c for c in "0123456789" if c != right])
    out = list(groups)
    out[gi] = out[gi][:pos] + wrong + out[gi][pos + 1 :]
    return out, gi, pos, wrong, right


def _dw(c: str, lang: str) -> str:
    return RU_U[int(c)] if lang == "ru" else EN_U[int(c)]


def scene_number(d: Dialog, kind: str, style: str, rng: random.Random) -> Secret:
    lang = d.lang
    value, groups, lead = make_secret(kind, lang, rng)
    sec = Secret(kind, value, style, lang)
    ask = rng.choice(ASK[lang][kind])
    if style == "one_breath":
        d.agent(ask)
        d.customer(rng.choice(ONE_LEAD[lang]), *_spoken_parts(sec, groups, lead, lang, rng, None), ".")
        r = rng.random()
        if r < 0.35:
            d.agent(
                "Записала: " if lang == "ru" else "Let me read that back: ",
                S(sec, say(groups, lang, rng)),
                ", верно?" if lang == "ru" else ", correct?",
            )
            d.customer(rng.choice(OK[lang]))
        elif r < 0.6:
            d.agent(
                "Последние цифры " if lang == "ru" else "And that ends in ",
                S(sec, say(groups[-1:], lang, rng)),
                "?",
            )
            d.customer(rng.choice(OK[lang]))
        else:
            d.agent("Спасибо, секунду." if lang == "ru" else "Thanks, one moment.")
    elif style == "three_breaths":
        d.agent(ask)
        pieces = _pieces(groups)
        for j, piece in enumerate(pieces):
            tail = "..." if j < len(pieces) - 1 else "."
            d.customer(lead if j == 0 and lead else "", S(sec, say(piece, lang, rng)), tail)
            if j < len(pieces) - 1:
                if rng.random() < 0.6:
                    d.agent(S(sec, say(piece, lang, rng)), ", " + rng.choice(NEXT[lang]))
                else:
                    d.agent(
                        rng.choice(
                            ["Угу.", "Так.", "Да-да."] if lang == "ru" else ["Mm-hmm.", "Okay.", "Yep."]
                        )
                    )
        if rng.random() < 0.5:
            d.agent(
                "Итого: " if lang == "ru" else "So that's ", S(sec, say(groups, lang, rng, "numerals")), "?"
            )
            d.customer(rng.choice(OK[lang]))
    elif style == "agent_first_half":
        d.agent(
            ask.rstrip(".?") + (". У меня в анкете начало " if lang == "ru" else ". I have it starting "),
            S(sec, say(_pieces(groups)[0], lang, rng)),
            (", а дальше?" if lang == "ru" else ", and then?"),
        )
        rest = [g for p in _pieces(groups)[1:] for g in p]
        d.customer(rng.choice(ONE_LEAD[lang]), S(sec, say(rest, lang, rng)), ".")
        d.agent("Спасибо." if lang == "ru" else "Thank you.")
    elif style == "fix_inline":
        d.agent(ask)
        _, gi, pos, wrong, right = _alter(groups, rng)
        before = say(groups[:gi], lang, rng) + ", " if gi else lead
        g = groups[gi]
        head = " ".join(_dw(c, lang) for c in g[:pos])
        fix = (
            f"{_dw(wrong, lang)}... ой, нет, не {_dw(wrong, lang)}, а {_dw(right, lang)}"
            if lang == "ru"
            else f"{_dw(wrong, lang)}... no, sorry, not {_dw(wrong, lang)}, {_dw(right, lang)}"
        )
        tail = " ".join(_dw(c, lang) for c in g[pos + 1 :])
        after = say(groups[gi + 1 :], lang, rng) if gi + 1 < len(groups) else ""
        text = before + " ".join(x for x in (head, fix, tail) if x) + (", " + after if after else "")
        d.customer(S(sec, text), ".")
        d.agent("Хорошо, записала." if lang == "ru" else "Okay, got it.")
    elif style == "fix_readback":
        d.agent(ask)
        d.customer(rng.choice(ONE_LEAD[lang]), *_spoken_parts(sec, groups, lead, lang, rng, None), ".")
        bad, gi, _pos, wrong, right = _alter(groups, rng)
        d.agent(
            "Проверяю: " if lang == "ru" else "Just checking: ", S(sec, say(bad, lang, rng, "numerals")), "?"
        )
        if lang == "ru":
            d.customer(f"Нет, не {_dw(wrong, lang)}, а {_dw(right, lang)}.")
            d.agent("Исправила: ", S(sec, say(groups[gi:], lang, rng)), ". Теперь верно?")
        else:
            d.customer(f"No, not {_dw(wrong, lang)}, {_dw(right, lang)}.")
            d.agent("Fixed that: ", S(sec, say(groups[gi:], lang, rng)), ". Good now?")
        d.customer(rng.choice(OK[lang]))
    elif style == "long_sentence":
        d.agent(
            rng.choice(
                ["Расскажите подробнее, что случилось?", "Что именно произошло?"]
                if lang == "ru"
                else ["Can you tell me what happened?", "Okay, walk me through it."]
            )
        )
        spoken = _spoken_parts(sec, groups, lead, lang, rng, rng.choice(["numerals", "natural", "mixed"]))
        d.customer(*fill(rng.choice(LONG[lang]), lang, rng, kw=KW_LONG[lang][kind], S=spoken))
        d.agent("Понял, проверяю." if lang == "ru" else "Okay, let me look into that.")
    elif style == "after_hold":
        d.agent(ask)
        d.customer(
            f"Секунду, сейчас достану {DOC[lang][kind]}..."
            if lang == "ru"
            else f"Hang on, let me grab {DOC[lang][kind]}..."
        )
        d.agent(
            rng.choice(
                ["Да, конечно, не спешите.", "Жду."]
                if lang == "ru"
                else ["Sure, take your time.", "No rush."]
            )
        )
        d.customer(
            "Так, нашла. " if lang == "ru" else "Okay, found it. ",
            *_spoken_parts(sec, groups, lead, lang, rng, None),
            ".",
        )
        d.agent("Спасибо." if lang == "ru" else "Thanks.")
    elif style == "agent_reads":
        word = KW_LONG[lang][kind]
        d.agent(
            f"У меня в системе {word} " if lang == "ru" else f"I have your {word} on file as ",
            *_spoken_parts(sec, groups, lead, lang, rng, rng.choice(["numerals", "natural"])),
            ", всё верно?" if lang == "ru" else ", is that right?",
        )
        d.customer(rng.choice(OK[lang]))
    else:
        raise ValueError(style)
    return sec


NUMBER_STYLES = [
    "one_breath",
    "three_breaths",
    "agent_first_half",
    "fix_inline",
    "fix_readback",
    "long_sentence",
    "after_hold",
    "agent_reads",
]


def scene_card(d: Dialog, rng: random.Random, with_cvv: bool) -> None:
    lang = d.lang
    style = rng.choice(
        ["one_breath", "three_breaths", "fix_inline", "fix_readback", "long_sentence", "all_in_one"]
        if with_cvv
        else NUMBER_STYLES
    )
    exp = f"{rng.randint(1, 12):02d}/{rng.randint(26, 31)}"
    exp_said = rng.choice([exp, say([exp[:2], exp[3:]], lang, rng, "natural")])
    if style == "all_in_one":
        value, groups, _ = make_secret("card", lang, rng)
        card = Secret("card", value, "all_in_one", lang)
        cvv_v = _digits(rng, 4 if len(value) == 15 else 3, "123456789")
        cvv = Secret("cvv", cvv_v, "all_in_one", lang)
        d.agent(
            rng.choice(ASK[lang]["card"]) + (" И срок, и код." if lang == "ru" else " Expiry and code too.")
        )
        if lang == "ru":
            d.customer(
                S(card, say(groups, lang, rng)),
                f", срок {exp_said}, код ",
                S(cvv, say([cvv_v], lang, rng)),
                ".",
            )
        else:
            d.customer(
                S(card, say(groups, lang, rng)),
                f", expires {exp_said}, and the code is ",
                S(cvv, say([cvv_v], lang, rng)),
                ".",
            )
        d.agent("Спасибо, проверяю." if lang == "ru" else "Thank you, processing that now.")
        return
    card = scene_number(d, "card", style, rng)
    if rng.random() < 0.4:
        d.agent(
            f"Карта, которая заканчивается на {card.value[-4:]}, правильно?"
            if lang == "ru"
            else f"So the card ending {card.value[-4:]}, right?"
        )
        d.customer(rng.choice(OK[lang]))
    if not with_cvv:
        return
    cvv_v = _digits(rng, 4 if len(card.value) == 15 else 3, "123456789")
    cstyle = rng.choice(["plain", "plain", "fix", "readback", "after_expiry"])
    cvv = Secret("cvv", cvv_v, "cvv_" + cstyle, lang)
    if cstyle == "after_expiry":
        d.agent("Срок действия?" if lang == "ru" else "Expiry date?")
        d.customer(exp_said + ".")
        d.agent("И три цифры сзади." if lang == "ru" else "And the three digits on the back.")
    else:
        d.agent(
            rng.choice(
                ["И код с обратной стороны карты.", "Назовите CVV, три цифры на обороте."]
                if lang == "ru"
                else ["And the security code on the back?", "What's the CVV?"]
            )
        )
    if cstyle == "fix":
        wrong = rng.choice([c for c in "0123456789" if c != cvv_v[-1]])
        text = (
            " ".join(_dw(c, lang) for c in cvv_v[:-1])
            + f" {_dw(wrong, lang)}... "
            + ("нет, " if lang == "ru" else "no, ")
            + " ".join(_dw(c, lang) for c in cvv_v)
        )
        d.customer(S(cvv, text), ".")
    else:
        d.customer(
            rng.choice(["", "Так, "] if lang == "ru" else ["", "It's "]), S(cvv, say([cvv_v], lang, rng)), "."
        )
    if cstyle == "readback":
        d.agent(S(cvv, say([cvv_v], lang, rng, "numerals")), ", верно?" if lang == "ru" else ", correct?")
        d.customer(rng.choice(OK[lang]))


def scene_ssn4(d: Dialog, rng: random.Random) -> None:
    value, groups, _ = make_secret("ssn4", "en", rng)
    style = rng.choice(["plain", "after_dob", "fix", "readback"])
    sec = Secret("ssn4", value, "ssn4_" + style, "en")
    if style == "after_dob":
        d.agent("Can I get your date of birth and the last four of your social?")
        d.customer(f"{rng.choice(EN_MONTHS)} {rng.randint(1, 28)}, 19{rng.randint(50, 99)}, and...")
        d.agent("Mm-hmm.")
        d.customer(S(sec, say(groups, "en", rng)), ".")
        return
    d.agent(
        rng.choice(
            [
                "And the last four of your social?",
                "Can you verify the last four digits of your SSN?",
                "For security, last four of the Social Security number?",
            ]
        )
    )
    if style == "fix":
        wrong = rng.choice([c for c in "0123456789" if c != value[2]])
        d.customer(
            S(
                sec,
                f"{_dw(value[0], 'en')} {_dw(value[1], 'en')} {_dw(wrong, 'en')}, no wait, "
                + say(groups, "en", rng),
            ),
            ".",
        )
    else:
        d.customer(rng.choice(["", "It's ", "Sure, "]), S(sec, say(groups, "en", rng)), ".")
    if style == "readback":
        d.agent(S(sec, say(groups, "en", rng, "numerals")), ", thank you.")


# --- e-mails ----------------------------------------------------------------------------------------

RU_NAME_PIECES = [
    ("vera", "вера"),
    ("kozlova", "козлова"),
    ("ivanov", "иванов"),
    ("smirnov", "смирнов"),
    ("petrova", "петрова"),
    ("tkachenko", "ткаченко"),
    ("morozov", "морозов"),
    ("lebedeva", "лебедева"),
    ("kuznetsov", "кузнецов"),
    ("zaytseva", "зайцева"),
    ("egor", "егор"),
    ("anton", "антон"),
    ("marina", "марина"),
    ("denis", "денис"),
    ("sokolov", "соколов"),
    ("belova", "белова"),
    ("orlov", "орлов"),
    ("frolova", "фролова"),
    ("galkin", "галкин"),
    ("volkova", "волкова"),
    ("nikitin", "никитин"),
    ("natasha", "наташа"),
    ("borisova", "борисова"),
]
EN_NAME_PIECES = [
    "kate",
    "holloway",
    "brennan",
    "dsouza",
    "okafor",
    "miguel",
    "fernandez",
    "whitaker",
    "grace",
    "lindqvist",
    "harper",
    "nguyen",
    "oliver",
    "pryce",
    "castellano",
    "ruth",
    "abernathy",
    "jules",
    "moreau",
    "ellis",
    "kowalski",
    "bianca",
    "tremblay",
    "hughes",
]
RU_DOMAINS = [
    ("mail.ru", "мэйл точка ру"),
    ("yandex.ru", "яндекс точка ру"),
    ("bk.ru", "бэ-ка точка ру"),
    ("gmail.com", "джимейл точка ком"),
    ("inbox.ru", "инбокс точка ру"),
]
EN_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.co.uk", "proton.me"]


def make_email(lang: str, rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """(address, local pieces as (latin, cyrillic or "")); separators are pieces too ("." / "_")."""
    if lang == "ru":
        a, b = rng.sample(RU_NAME_PIECES, 2)
    else:
        a, b = [(x, "") for x in rng.sample(EN_NAME_PIECES, 2)]
    nn = str(rng.randint(70, 99)) if rng.random() < 0.5 else ""
    form = rng.choice(["a.b", "ab", "a_b", "b.a", "xb"])
    if form == "xb":
        a = (a[0][0], "")
    pieces = {
        "a.b": [a, (".", ""), b],
        "ab": [a, b],
        "a_b": [a, ("_", ""), b],
        "b.a": [b, (".", ""), a],
        "xb": [a, (".", ""), b],
    }[form]
    if nn:
        pieces.append((nn, ""))
    local = "".join(p[0] for p in pieces)
    domain = rng.choice(RU_DOMAINS)[0] if lang == "ru" else rng.choice(EN_DOMAINS)
    return f"{local}@{domain}", pieces


def _say_piece(piece: tuple[str, str], lang: str, rng: random.Random, mode: str) -> str:
    lat, cyr = piece
    if lat == ".":
        return "точка" if lang == "ru" else rng.choice(["dot", "dot", "period"])
    if lat == "_":
        return "нижнее подчёркивание" if lang == "ru" else "underscore"
    if lat.isdigit():
        return say([lat], lang, rng, rng.choice(["numerals", "natural", "digitwise"]))
    if mode == "spelled" or len(lat) == 1:
        return _spell_word(lat, lang, rng)
    if lang == "ru" and cyr and rng.random() < 0.5:
        return cyr
    return lat


def _spell_word(word: str, lang: str, rng: random.Random) -> str:
    if lang == "ru":
        if all(c in RU_NAME_ALPHABET_OUT for c in word) and rng.random() < 0.5:
            if rng.random() < 0.5:
                return ", ".join(RU_NAME_ALPHABET_OUT[c] for c in word)
            return ", ".join(f"{RU_LETTER_NAMES_OUT[c]} как {RU_NAME_ALPHABET_OUT[c]}" for c in word)
        return ", ".join(RU_LETTER_NAMES_OUT.get(c, c.upper()) for c in word)
    mode = rng.choice(["plain", "nato", "asin", "double"])
    if mode == "double":
        out, i = [], 0
        while i < len(word):
            if i + 1 < len(word) and word[i] == word[i + 1]:
                out.append(f"double {word[i].upper()}")
                i += 2
            else:
                out.append(word[i].upper())
                i += 1
        return " ".join(out)
    return spell(word, lang, rng, mode)


def _say_domain(domain: str, lang: str, rng: random.Random) -> str:
    if lang == "ru":
        cyr = dict(RU_DOMAINS)[domain]
        return "собака " + (cyr if rng.random() < 0.5 else domain.replace(".", " точка "))
    return "at " + domain.replace(".", " dot ")


def scene_email(d: Dialog, rng: random.Random) -> None:
    lang = d.lang
    address, pieces = make_email(lang, rng)
    style = rng.choice(["written", "spoken", "spelled", "word_then_spelled", "breaths", "readback_fix"])
    sec = Secret("email", address, "email_" + style, lang)
    d.agent(
        rng.choice(
            [
                "Продиктуйте электронную почту.",
                "На какой адрес почты отправить документы?",
                "Назовите вашу почту, пожалуйста.",
            ]
            if lang == "ru"
            else [
                "What email address should we use?",
                "Can I get an email for the receipt?",
                "What's your email, please?",
            ]
        )
    )
    local = address.split("@")[0]
    domain = address.split("@")[1]
    if style == "written":
        d.customer(rng.choice(ONE_LEAD[lang]), S(sec, address), ".")
    elif style in ("spoken", "spelled"):
        mode = "spelled" if style == "spelled" else "spoken"
        text = " ".join(_say_piece(p, lang, rng, mode) for p in pieces) + " " + _say_domain(domain, lang, rng)
        d.customer(rng.choice(ONE_LEAD[lang]), S(sec, text), ".")
    elif style == "word_then_spelled":
        word = max((p for p in pieces if p[0].isalpha() and len(p[0]) > 2), key=lambda p: len(p[0]))
        text = (
            " ".join(_say_piece(p, lang, rng, "spoken") for p in pieces)
            + " "
            + _say_domain(domain, lang, rng)
        )
        spelled = _spell_word(word[0], lang, rng)
        d.customer(
            S(sec, text),
            ", " if lang == "ru" else ", and ",
            S(sec, f"{word[0]}"),
            " по буквам: " if lang == "ru" else " is ",
            S(sec, spelled),
            ".",
        )
    elif style == "breaths":
        cut = max(1, len(pieces) // 2)
        d.customer(S(sec, " ".join(_say_piece(p, lang, rng, "spoken") for p in pieces[:cut])), "...")
        d.agent(rng.choice(["Так.", "Угу."] if lang == "ru" else ["Okay.", "Mm-hmm."]))
        d.customer(S(sec, " ".join(_say_piece(p, lang, rng, "spoken") for p in pieces[cut:])), "...")
        d.agent(
            rng.choice(
                ["Угу, а дальше?", "Так, и?"] if lang == "ru" else ["Got it, and then?", "Okay, at...?"]
            )
        )
        d.customer(_say_domain(domain, lang, rng) + ".")
    else:  # readback_fix
        d.customer(
            S(
                sec,
                " ".join(_say_piece(p, lang, rng, "spoken") for p in pieces)
                + " "
                + _say_domain(domain, lang, rng),
            ),
            ".",
        )
        word = max((p for p in pieces if p[0].isalpha()), key=lambda p: len(p[0]))[0]
        pos = rng.randrange(1, len(word))
        typo = word[:pos] + word[pos + 1 :] if rng.random() < 0.5 else word[:pos] + word[pos] + word[pos:]
        d.agent(
            "Проверяю: " if lang == "ru" else "Let me check: ",
            S(sec, local.replace(word, typo, 1)),
            "@" + domain,
            "?",
        )
        if lang == "ru":
            d.customer("Нет, ", S(sec, word), ", по буквам ", S(sec, _spell_word(word, lang, rng)), ".")
        else:
            d.customer("No, ", S(sec, word), ", that's ", S(sec, _spell_word(word, lang, rng)), ".")
        d.agent("Исправила, спасибо." if lang == "ru" else "Fixed, thank you.")


# --- industries -------------------------------------------------------------------------------------

FRAMES: dict[str, dict[str, dict[str, Any]]] = {
    "ru": {
        "telecom": {
            "greet": "Компания «Связьком», меня зовут {agent}, чем могу помочь?",
            "reasons": [
                "Здравствуйте. У меня с {date} не работает домашний интернет, "
                "а я плачу {amount} рублей в месяц.",
                "Добрый день, мне пришёл счёт на {amount} рублей, хотя тариф был за {amount2} рублей.",
                "Здравствуйте, хочу перенести номер к вам, заявка {appl} висит уже с {date}.",
            ],
            "replies": [
                "Вижу заявку {appl}. Мастер может приехать {date} с {time} до {time2}.",
                "По тарифу у вас {data} гигабайт и {minutes} минут, абонентская плата {amount} рублей.",
                "Сделала перерасчёт на {amount} рублей, он появится в счёте после {date}.",
            ],
            "closings": [
                "Номер вашего обращения {claim}. Если что, звоните на {hotline}, это бесплатно.",
                "Заявка {appl} в работе, мастер позвонит до {time}. Горячая линия {hotline}.",
            ],
            "dictate": [
                ("claim", "Назовите номер обращения, пожалуйста."),
                ("contract", "Продиктуйте номер договора."),
            ],
            "pool": ["phone", "passport", "email", "inn", "card"],
        },
        "bank": {
            "greet": "Банк «Северный», {agent}, здравствуйте.",
            "reasons": [
                "Здравствуйте, у меня {date} в {time} списали {amount} рублей, а я ничего не покупала.",
                "Добрый день, хочу оформить кредитную карту, лимит нужен {amount} рублей.",
                "Здравствуйте, перевод на {amount} рублей завис, платёжка номер {invoice} от {date}.",
            ],
            "replies": [
                "Вижу операцию на {amount} рублей от {date}, в {time}, получатель — магазин, ИНН {inn_org}.",
                "Ставка будет {percent} процентов, первый платёж до {date}, "
                "минимальный платёж {amount} рублей.",
                "Перевод {invoice} на {amount} рублей ушёл {date} в {time}, БИК получателя {bik}.",
            ],
            "closings": [
                "Номер обращения {claim}, ответ придёт в течение {days} дней. Горячая линия {hotline}.",
                "Всё оформлено, заявка {appl}. Вопросы — по номеру {hotline}.",
            ],
            "dictate": [
                ("invoice", "Назовите номер платёжного поручения."),
                ("claim", "Продиктуйте номер обращения."),
            ],
            "pool": ["card", "cvv", "account", "passport", "inn", "snils", "phone"],
        },
        "gov": {
            "greet": "Многофункциональный центр, оператор {agent}, слушаю вас.",
            "reasons": [
                "Здравствуйте, я подавала заявление {appl} на Госуслугах {date}, а статус не меняется.",
                "Добрый день, пришла квитанция на госпошлину {amount} рублей, УИН {uin}, куда платить?",
                "Здравствуйте, хочу записаться на получение загранпаспорта, мне сказали подойти {date}.",
            ],
            "replies": [
                "Заявление {appl} принято {date}, срок рассмотрения {days} рабочих дней.",
                "Приходите {date} к {time}, окно номер {window}, талон {talon}.",
                "Госпошлина {amount} рублей, получатель казначейство, ИНН {inn_org}, КПП {kpp}.",
            ],
            "closings": [
                "Справочная МФЦ {hotline}, номер вашего обращения {claim}.",
                "Ждём вас {date} в {time}. Телефон горячей линии {hotline}.",
            ],
            "dictate": [("appl", "Назовите номер заявления."), ("uin", "Продиктуйте УИН с квитанции.")],
            "pool": ["snils", "inn", "passport", "oms", "email", "licence"],
        },
        "airline": {
            "greet": "Авиакомпания «АэроСевер», {agent}, добрый день.",
            "reasons": [
                "Здравствуйте, у меня рейс {flight} {date} в {time}, хочу поменять на более поздний.",
                "Добрый день, мой багаж не прилетел рейсом {flight}, номер бирки {bagtag}.",
                "Здравствуйте, я купила билет {eticket} за {amount} рублей, а бронь не отображается.",
            ],
            "replies": [
                "Есть рейс {flight} {date} в {time}, доплата составит {amount} рублей.",
                "Заявка по багажу {claim}, доставим курьером на индекс {postcode}.",
                "Билет {eticket} оплачен {date}, сумма {amount} рублей, место за вами.",
            ],
            "closings": [
                "Если будут вопросы, номер {hotline}, круглосуточно. Номер заявки {claim}.",
                "Новый билет {eticket} придёт на почту. Вылет {date} в {time}.",
            ],
            "dictate": [
                ("eticket", "Продиктуйте номер электронного билета, тринадцать цифр."),
                ("bagtag", "Назовите номер багажной бирки."),
            ],
            "pool": ["passport", "card", "cvv", "email", "phone"],
        },
        "insurance": {
            "greet": "Страховая компания «Опора», {agent}, слушаю.",
            "reasons": [
                "Здравствуйте, у меня ДТП было {date}, полис ОСАГО {osago}.",
                "Добрый день, хочу продлить КАСКО, пробег у машины {mileage} километров.",
                "Здравствуйте, по убытку {claim} обещали выплату {amount} рублей до {date}.",
            ],
            "replies": [
                "Вижу убыток {claim}, выплата {amount} рублей назначена на {date}.",
                "Продление будет стоить {amount} рублей, полис начнёт действовать с {date}.",
                "Полис ОСАГО {osago} действует до {date}, осмотр машины {date2} в {time}.",
            ],
            "closings": [
                "Номер убытка {claim}, горячая линия {hotline}.",
                "Выплата придёт до {date}, сумма {amount} рублей. Звоните {hotline}.",
            ],
            "dictate": [("claim", "Назовите номер убытка."), ("osago", "Продиктуйте номер полиса ОСАГО.")],
            "pool": ["passport", "licence", "snils", "email", "phone", "account"],
        },
        "health": {
            "greet": "Поликлиника «Здоровье», регистратура, {agent}.",
            "reasons": [
                "Здравствуйте, хочу записаться к терапевту на {date}, желательно после {time}.",
                "Добрый день, мне должны были выдать результаты анализов, направление {referral} от {date}.",
                "Здравствуйте, у меня запись на {date} в {time}, хочу перенести.",
            ],
            "replies": [
                "Есть запись на {date} в {time}, кабинет {room}, талон {talon}.",
                "Результаты по направлению {referral} готовы, платные анализы на {amount} рублей оплачены.",
                "Перенесла на {date} в {time}, кабинет {room}.",
            ],
            "closings": [
                "Ждём вас {date} в {time}, кабинет {room}. Телефон регистратуры {hotline}.",
                "Талон {talon}, приходите за {days} минут до приёма.",
            ],
            "dictate": [("referral", "Назовите номер направления.")],
            "pool": ["oms", "snils", "passport", "phone"],
        },
        "ecommerce": {
            "greet": "Интернет-магазин «Корзина», {agent}, здравствуйте.",
            "reasons": [
                "Здравствуйте, заказ {order} на {amount} рублей обещали привезти {date}, а его нет.",
                "Добрый день, хочу вернуть товар из заказа {order}, стоил {amount} рублей.",
                "Здравствуйте, трек-номер {tracking} не отслеживается с {date}.",
            ],
            "replies": [
                "Заказ {order} в пункте выдачи по индексу {postcode}, хранение до {date}.",
                "Возврат {amount} рублей оформлен, придёт за {days} дней.",
                "Посылка {tracking} в сортировочном центре, доставка {date} с {time} до {time2}.",
            ],
            "closings": [
                "Номер обращения {claim}, горячая линия {hotline}.",
                "Заказ {order} приедет {date}, курьер позвонит за час.",
            ],
            "dictate": [("order", "Продиктуйте номер заказа."), ("tracking", "Назовите трек-номер.")],
            "pool": ["card", "cvv", "email", "phone"],
        },
    },
    "en": {
        "telecom": {
            "greet": "Thanks for calling Northwind Mobile, this is {agent}, how can I help?",
            "reasons": [
                "Hi, my home internet has been down since {date} and I'm paying {amount} a month.",
                "Hi, my bill says {amount} but my plan is {amount2}, I didn't add anything.",
                "Hey, I'm porting my number over and order {order} has been stuck since {date}.",
            ],
            "replies": [
                "I see order {order}. A technician can come on {date} between {time} and {time2}.",
                "Your plan has {data} gigs and {minutes} minutes for {amount} a month.",
                "I've put a credit of {amount} on the account, you'll see it after {date}.",
            ],
            "closings": [
                "Your case number is {case}. If anything, call {hotline}, it's free.",
                "Order {order} is in progress, the tech will call before {time}. Our line is {hotline}.",
            ],
            "dictate": [
                ("case", "What's the case number on your email?"),
                ("order", "Can you read me the order number?"),
            ],
            "pool": ["ssn4", "phone", "email", "card"],
        },
        "bank": {
            "greet": "Harbor Bank, {agent} speaking.",
            "reasons": [
                "Hi, there's a charge of {amount} on {date} at {time} that I didn't make.",
                "Hello, I'd like to open a credit card, I was pre-approved for {amount}.",
                "Hi, a transfer of {amount} is stuck, the reference is {invoice} from {date}.",
            ],
            "replies": [
                "I see the charge of {amount} from {date} at {time}, merchant in ZIP {postcode}.",
                "The APR would be {percent} percent, first payment due {date}, minimum {amount}.",
                "Transfer {invoice} for {amount} left on {date} at {time}, routing number {routing}.",
            ],
            "closings": [
                "Your dispute number is {claim}, you'll hear back in {days} days. Our line is {hotline}.",
                "All set, application {appl}. Questions, call {hotline}.",
            ],
            "dictate": [
                ("invoice", "What's the transfer reference?"),
                ("claim", "Can you read me the dispute number?"),
            ],
            "pool": ["card", "cvv", "ssn", "iban", "ssn4"],
        },
        "gov": {
            "greet": "Department of Motor Vehicles and Licensing, this is {agent}.",
            "reasons": [
                "Hi, I applied online on {date}, application {appl}, and nothing has changed.",
                "Hello, I got a letter saying I owe {amount}, reference {invoice}, where do I pay?",
                "Hi, I need to book a slot to renew my license, they said {date}.",
            ],
            "replies": [
                "Application {appl} was received {date}, processing takes {days} working days.",
                "Come in on {date} at {time}, window {window}, your appointment reference is {apptref}.",
                "The fee is {amount}, payable to the agency, sort code {sortcode}, account {payee_acct}.",
            ],
            "closings": [
                "Our helpline is {hotline}, your reference is {case}.",
                "See you {date} at {time}. The helpline is {hotline}.",
            ],
            "dictate": [
                ("appl", "What's the application number?"),
                ("apptref", "What's the appointment reference?"),
            ],
            "pool": ["ni", "ssn", "licence", "passport"],
        },
        "airline": {
            "greet": "Skyline Air reservations, {agent} speaking.",
            "reasons": [
                "Hi, I'm on flight {flight} on {date} at {time} and I want a later one.",
                "Hello, my bag didn't arrive on flight {flight}, the tag number is {bagtag}.",
                "Hi, I bought ticket {eticket} for {amount} and the booking isn't showing.",
            ],
            "replies": [
                "There's flight {flight} on {date} at {time}, the fare difference is {amount}.",
                "Your baggage claim is {claim}, we'll courier it to ZIP {postcode}.",
                "Ticket {eticket} was paid on {date}, {amount}, your seat is confirmed.",
            ],
            "closings": [
                "Any questions, call {hotline}, we're open 24/7. Your claim is {claim}.",
                "The new ticket {eticket} will be emailed. Departure {date} at {time}.",
            ],
            "dictate": [
                ("eticket", "Can you read me the thirteen-digit ticket number?"),
                ("bagtag", "What's the bag tag number?"),
            ],
            "pool": ["passport", "card", "cvv", "email"],
        },
        "insurance": {
            "greet": "Beacon Insurance claims, {agent} here.",
            "reasons": [
                "Hi, I had an accident on {date}, I need to open a claim, the car has {mileage} miles.",
                "Hello, my claim {claim} was supposed to pay {amount} by {date}.",
                "Hi, I want to renew my policy, the quote said {amount}.",
            ],
            "replies": [
                "I see claim {claim}, a payment of {amount} is scheduled for {date}.",
                "Renewal would be {amount}, starting {date}, inspection on {date2} at {time}.",
                "The adjuster can see the car on {date} at {time}, ZIP {postcode}.",
            ],
            "closings": [
                "Your claim number is {claim}, our line is {hotline}.",
                "Payment will arrive by {date}, {amount}. Call {hotline} anytime.",
            ],
            "dictate": [("claim", "What's the claim number?")],
            "pool": ["licence", "member", "ssn4", "iban"],
        },
        "health": {
            "greet": "Riverside Health Centre, reception, {agent} speaking.",
            "reasons": [
                "Hi, I'd like to book with a GP on {date}, ideally after {time}.",
                "Hello, I'm calling about my blood test results, the referral was {referral} from {date}.",
                "Hi, I have an appointment on {date} at {time} and need to move it.",
            ],
            "replies": [
                "I can do {date} at {time}, room {room}, reference {apptref}.",
                "Results for referral {referral} are in, the private tests of {amount} are paid.",
                "Moved to {date} at {time}, room {room}, and your prescription {rx} is ready.",
            ],
            "closings": [
                "See you {date} at {time}, room {room}. Reception is {hotline}.",
                "Your reference is {apptref}, please come {days} minutes early.",
            ],
            "dictate": [
                ("referral", "What's the referral number?"),
                ("rx", "What's the prescription number?"),
            ],
            "pool": ["nhs", "member", "phone", "ssn4"],
        },
        "ecommerce": {
            "greet": "ShopRight customer care, this is {agent}.",
            "reasons": [
                "Hi, order {order} for {amount} was due on {date} and it's not here.",
                "Hello, I want to return something from order {order}, it was {amount}.",
                "Hi, tracking {tracking} hasn't moved since {date}.",
            ],
            "replies": [
                "Order {order} is at the pickup point in ZIP {postcode}, held until {date}.",
                "The refund of {amount} is processed, it takes {days} days.",
                "Parcel {tracking} is at the depot, delivery {date} between {time} and {time2}.",
            ],
            "closings": [
                "Your case number is {case}, our line is {hotline}.",
                "Order {order} arrives {date}, the driver will text an hour before.",
            ],
            "dictate": [
                ("order", "What's the order number?"),
                ("tracking", "Can you read me the tracking number?"),
            ],
            "pool": ["card", "cvv", "email", "phone"],
        },
    },
}
AGENTS = {
    "ru": ["Алина", "Кирилл", "Яна", "Тимур", "Полина", "Глеб"],
    "en": ["Dana", "Marcus", "Shelby", "Trent", "Nadia", "Owen"],
}
INDUSTRIES = ["telecom", "bank", "gov", "airline", "insurance", "health", "ecommerce"]


# --- scenes with numbers that must stay --------------------------------------------------------------


def _dictation_groups(digits: str, rng: random.Random) -> list[str]:
    n = len(digits)
    sizes = {
        9: [3, 3, 3],
        10: rng.choice([[3, 3, 4], [4, 3, 3], [2, 4, 4]]),
        13: [3, 3, 3, 4],
        14: [4, 4, 4, 2],
        20: [4] * 5,
    }.get(n) or ([3] * (n // 3 - 1) + [3 + n % 3] if n > 8 else [len(c) for c in _chunks(digits, rng)])
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    return out


def neg_dictate(d: Dialog, fr: dict[str, Any], rng: random.Random) -> None:
    """A reference number dictated like a secret: breaths, read-backs, a digit corrected."""
    lang = d.lang
    kind, ask = rng.choice(fr["dictate"])
    probe = KEEP_GEN[kind](lang, rng).keep
    digits = re.sub(r"\D", "", probe.surface)
    if len(digits) < 6:
        digits += _digits(rng, 6 - len(digits))
    groups = _dictation_groups(digits, rng)
    kind = probe.kind
    keep = Keep(kind, "", digits, [])
    d.agent(ask)
    pieces = _pieces(groups)
    fix = rng.random() < 0.35
    for j, piece in enumerate(pieces):
        text = say(piece, lang, rng)
        if fix and j == 1:
            g = "".join(piece)
            wrong = rng.choice([c for c in "0123456789" if c != g[0]])
            text = (
                f"{_dw(wrong, lang)}... ой, нет, не {_dw(wrong, lang)}, а "
                if lang == "ru"
                else f"{_dw(wrong, lang)}... no, not {_dw(wrong, lang)}, "
            ) + " ".join(_dw(c, lang) for c in g)
            d.customer(text + ("..." if j < 2 else "."))
        else:
            d.customer(K(keep, text), "..." if j < 2 else ".")
        if j < 2:
            d.agent(
                rng.choice(
                    ["Угу.", "Так, дальше.", "Записываю."]
                    if lang == "ru"
                    else ["Mm-hmm.", "Okay, go on.", "Yep."]
                )
            )
    d.agent(
        "Проверяю: " if lang == "ru" else "Let me read it back: ",
        keep_part(kind, say(groups, lang, rng, rng.choice(["numerals", "natural"])), digits=digits),
        "?",
    )
    d.customer(rng.choice(OK[lang]))


def neg_requisites(d: Dialog, fr: dict[str, Any], rng: random.Random) -> None:
    lang = d.lang
    if lang == "ru":
        d.customer("А куда платить? Продиктуйте реквизиты.")
        d.agent(
            *fill(
                "Получатель ООО «Вектор», ИНН {inn_org}, КПП {kpp}, расчётный счёт {payee}, БИК {bik}, "
                "ОГРН {ogrn}.",
                lang,
                rng,
            )
        )
    else:
        d.customer("Where do I send the payment? Can you give me your bank details?")
        d.agent(
            *fill(
                rng.choice(
                    [
                        "Payee Vector Services Ltd, sort code {sortcode}, account number {payee_acct}, "
                        "reference {invoice}.",
                        "Pay Vector Services Inc, routing number {routing}, "
                        "account {payee_acct}, memo {invoice}.",
                    ]
                ),
                lang,
                rng,
            )
        )
    d.customer(
        rng.choice(["Записала.", "Всё, записала, спасибо."] if lang == "ru" else ["Got it.", "Okay, noted."])
    )


def neg_last4(d: Dialog, fr: dict[str, Any], rng: random.Random) -> None:
    lang = d.lang
    if lang == "ru":
        d.agent("Какой картой оплачивали?")
        d.customer(
            *fill(
                rng.choice(["Той, что заканчивается на {lastfour}.", "Последние цифры {lastfour}, Мир."]),
                lang,
                rng,
            )
        )
        d.agent(*fill("Да, вижу, платёж {amount} рублей от {date}.", lang, rng))
    else:
        d.agent("Which card did you pay with?")
        d.customer(
            *fill(rng.choice(["The one ending in {lastfour}.", "Visa, last four {lastfour}."]), lang, rng)
        )
        d.agent(*fill("Yes, I see it, {amount} on {date}.", lang, rng))


def neg_hotline(d: Dialog, fr: dict[str, Any], rng: random.Random) -> None:
    lang = d.lang
    d.customer(
        "А по какому номеру вам звонить, если что?"
        if lang == "ru"
        else "What number do I call if it happens again?"
    )
    d.agent(
        *fill(
            "Горячая линия {hotline}, звонок бесплатный, с {time} до {time2}."
            if lang == "ru"
            else "Our toll-free line {hotline}, from {time} to {time2}.",
            lang,
            rng,
        )
    )
    d.customer(rng.choice(["Записала.", "Спасибо."] if lang == "ru" else ["Noted.", "Thanks."]))


def neg_bait(d: Dialog, fr: dict[str, Any], rng: random.Random) -> None:
    lang = d.lang
    if lang == "ru":
        d.agent(rng.choice(["СНИЛС у вас под рукой?", "Паспорт с собой?", "Номер полиса ОМС знаете?"]))
        d.customer(
            *fill(
                rng.choice(
                    [
                        "Нет, дома оставила. Могу назвать номер заказа: {order}.",
                        "Нет, наизусть не помню. Но у меня есть номер обращения {claim}.",
                    ]
                ),
                lang,
                rng,
            )
        )
    else:
        d.agent(
            rng.choice(
                [
                    "Do you have your social handy?",
                    "Do you have the passport with you?",
                    "Do you know your NHS number?",
                ]
            )
        )
        d.customer(
            *fill(
                rng.choice(
                    [
                        "No, it's at home. I do have the order number, {order}.",
                        "Not on me, sorry. The case number is {case} if that helps.",
                    ]
                ),
                lang,
                rng,
            )
        )
    d.agent("Этого достаточно." if lang == "ru" else "That's enough, thanks.")


def neg_long(d: Dialog, fr: dict[str, Any], rng: random.Random) -> None:
    lang = d.lang
    t = rng.choice(
        [
            "Смотрите, я {date} в {time} оплатила заказ {order} на {amount} рублей, "
            "потом ещё {amount2} рублей "
            "доставка, трек {tracking}, индекс {postcode}, и ничего.",
            "Договор {contract} от {date}, платёж {amount} рублей, потом {amount2}, "
            "обращение {claim}, звонила "
            "на {hotline} в {time}.",
        ]
        if lang == "ru"
        else [
            "So on {date} at {time} I paid {amount} for order {order}, then {amount2} for shipping, tracking "
            "{tracking}, ZIP {postcode}, and nothing.",
            "The invoice {invoice} from {date} was {amount}, then {amount2}, case {case}, "
            "and I called {hotline} "
            "at {time}.",
        ]
    )
    d.customer(*fill(t, lang, rng))
    d.agent("Понимаю, сейчас разберёмся." if lang == "ru" else "I understand, let me sort it out.")


NEG_SCENES = [neg_dictate, neg_requisites, neg_last4, neg_hotline, neg_bait, neg_long]


# --- building and checking dialogues -----------------------------------------------------------------


def hand_redact(turns: list[tuple[str, str]], secrets: list[Secret]) -> list[str]:
    texts = [t for _, t in turns]
    spans = sorted(
        ((t, a, b, s.placeholder) for s in secrets for t, a, b in s.spans), key=lambda x: (x[0], -x[1])
    )
    for t, a, b, ph in spans:
        texts[t] = texts[t][:a] + ph + texts[t][b:]
    return texts


def _merged(roles: list[str], texts: list[str]) -> str:
    """The dialogue as the compressor may show it: a speaker's turns merged, backchannels gone."""
    lines: list[tuple[str, str]] = []
    for role, text in zip(roles, texts, strict=True):
        words = [s for k, s, *_ in read_items(text) if k in ("num", "word", "ph")]
        if all(w in CONNECTORS for w in words):
            continue
        if lines and lines[-1][0] == role:
            lines[-1] = (role, lines[-1][1] + " " + text)
        else:
            lines.append((role, text))
    return "\n".join(f"{r}: {t}" for r, t in lines)


def case_ok(case: Case) -> bool:
    """Self-check: raw, every secret leaks; hand-redacted, none leaks and every must-stay number reads."""
    raw = SEG_JOIN.join(t for _, t in case.turns)
    if not all(secret_leaks(s, raw) for s in case.secrets):
        return False
    red = hand_redact(case.turns, case.secrets)
    views = [SEG_JOIN.join(red), _merged([r for r, _ in case.turns], red)]
    if any(secret_leaks(s, v) for s in case.secrets for v in views):
        return False
    return all(keep_readable(k, " / ".join(red[t] for t in k.turns)) for k in case.keeps)


def _pick(rng: random.Random, options: list[str], k: int, usage: Counter[str]) -> list[str]:
    """k distinct options, the less used so far the likelier (keeps the per-type counts even)."""
    pool, out = list(options), []
    for _ in range(min(k, len(pool))):
        choice = rng.choices(pool, weights=[1 / (1 + usage[o]) ** 2 for o in pool])[0]
        pool.remove(choice)
        out.append(choice)
    return out


def build_case(
    rng: random.Random, cid: str, lang: str, negative: bool, usage: Counter[str] | None = None
) -> Case:
    usage = usage if usage is not None else Counter()
    industry = _pick(rng, INDUSTRIES, 1, Counter({k: usage[f"{lang}/{k}"] for k in INDUSTRIES}))[0]
    fr = FRAMES[lang][industry]
    d = Dialog(lang, rng)
    d.agent(fr["greet"].format(agent=rng.choice(AGENTS[lang])))
    d.customer(*fill(rng.choice(fr["reasons"]), lang, rng))
    d.agent(*fill(rng.choice(fr["replies"]), lang, rng))
    if negative:
        for scene in rng.sample(NEG_SCENES, k=rng.randint(2, 4)):
            scene(d, fr, rng)
    else:
        n = rng.choices([1, 2, 3], weights=[4, 4, 2])[0]
        kinds = _pick(rng, fr["pool"], n, Counter({k: usage[f"{lang}/{k}"] for k in fr["pool"]}))
        with_cvv = "cvv" in kinds
        if with_cvv and "card" not in kinds:
            kinds[kinds.index("cvv")] = "card"
        kinds = [k for k in kinds if k != "cvv"]
        used: list[Callable[..., None]] = []
        for kind in kinds:
            if kind == "email":
                scene_email(d, rng)
            elif kind == "card":
                scene_card(d, rng, with_cvv)
            elif kind == "ssn4":
                scene_ssn4(d, rng)
            else:
                scene_number(d, kind, rng.choice(NUMBER_STYLES), rng)
            if rng.random() < 0.4:
                extra = rng.choice([sc for sc in NEG_SCENES if sc not in used])
                used.append(extra)
                extra(d, fr, rng)
    d.agent(*fill(rng.choice(fr["closings"]), lang, rng))
    d.customer(rng.choice(BYE[lang]))
    return Case(cid, lang, industry, negative, d.turns, d.secrets, d.keeps)


def generate() -> list[Case]:
    rng = random.Random(SEED)
    cases: list[Case] = []
    usage: Counter[str] = Counter()
    n_neg = round(N_PER_LANG * NEGATIVE_SHARE)
    for lang in ("ru", "en"):
        for i in range(N_PER_LANG):
            negative = (
                i % round(1 / NEGATIVE_SHARE) == 0
                and sum(c.negative for c in cases if c.lang == lang) < n_neg
            )
            for _ in range(200):
                case = build_case(rng, f"p10-{lang}-{i:03d}", lang, negative, usage)
                if case_ok(case):
                    usage.update(f"{lang}/{k}" for k in {s.kind for s in case.secrets} | {case.industry})
                    break
            else:
                raise AssertionError(f"no valid dialogue for p10-{lang}-{i:03d}")
            cases.append(case)
    return cases


def _value_ok(sec: Secret) -> bool:
    v = sec.value
    checks: dict[str, Callable[[], bool]] = {
        "card": lambda: luhn_ok(v),
        "snils": lambda: snils_check(v[:9]) == v[9:],
        "inn": lambda: len(v) == 12 and inn_ok(v),
        "oms": lambda: oms_check(v[:15]) == v[15],
        "account": lambda: v.startswith("40817") and any(account_ok(v, b) for b in BIKS),
        "iban": lambda: _iban_mod(v) == 1,
        "nhs": lambda: nhs_check(v[:9]) % 11 == int(v[9]),
        "ssn": lambda: v[:3] not in ("000", "666") and v[0] != "9" and v[3:5] != "00" and v[5:] != "0000",
        "ni": lambda: bool(re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", v)) and v[:2] in NI_PREFIXES,
        "email": lambda: "@" in v,
    }
    return checks.get(sec.kind, lambda: True)()


def self_check(cases: list[Case] | None = None) -> dict[str, int]:
    cases = cases if cases is not None else generate()
    for c in cases:
        assert case_ok(c), c.cid
        assert not c.negative or not c.secrets, c.cid
        assert c.negative or c.secrets, c.cid
        for s in c.secrets:
            assert _value_ok(s), (c.cid, s.kind, s.value)
    return {
        "cases": len(cases),
        "secrets": sum(len(c.secrets) for c in cases),
        "keeps": sum(len(c.keeps) for c in cases),
        "negatives": sum(c.negative for c in cases),
    }


# --- evaluation --------------------------------------------------------------------------------------


def _tokens(s: str) -> int:
    return len(s.split())


def run_pipeline(case: Case) -> tuple[list[str], str]:
    tr = make_transcript_from_turns(case.cid, case.turns, case.lang)
    filtered = filter_transcript(tr)
    segs = filtered["transcript"]["segments"]
    by_index = {s["index"]: s["text"] for s in segs}
    assert len(by_index) >= len(case.turns), (case.cid, len(segs), len(case.turns))
    stored = [by_index[i] for i in range(len(case.turns))]
    comp = compress(filtered, _tokens, "probe")
    return stored, comp["text"]


def evaluate(cases: list[Case] | None = None) -> dict[str, Any]:
    cases = cases if cases is not None else generate()
    per_type: dict[str, dict[str, int]] = defaultdict(Counter)
    per_lang: dict[str, dict[str, int]] = defaultdict(Counter)
    per_style: dict[str, dict[str, int]] = defaultdict(Counter)
    keep_kinds: dict[str, dict[str, int]] = defaultdict(Counter)
    failures: list[dict[str, Any]] = []
    totals = Counter()
    for case in cases:
        stored, ctext = run_pipeline(case)
        joined = SEG_JOIN.join(stored)
        fails: list[str] = []
        turns: set[int] = set()
        for sec in case.secrets:
            in_segments, in_comp = secret_leaks(sec, joined), secret_leaks(sec, ctext)
            leaked = in_segments or in_comp
            for bucket in (
                per_type[sec.kind],
                per_type[f"{sec.kind}/{case.lang}"],
                per_lang[case.lang],
                per_style[sec.style],
            ):
                bucket["secrets"] += 1
                bucket["leaked"] += leaked
            totals["secrets"] += 1
            totals["leaked"] += leaked
            # also readable inside one stored segment or one line of the LLM text (no bridging at all)
            totals["leaked_within_turn"] += leaked and (
                any(secret_leaks(sec, t) for t in stored)
                or any(secret_leaks(sec, ln) for ln in ctext.split("\n"))
            )
            if leaked:
                where = (
                    "segments+llm" if in_segments and in_comp else "segments" if in_segments else "llm text"
                )
                fails.append(f"LEAK {sec.kind} ({sec.style}) {sec.value} in {where}")
                turns |= set(sec.turns)
        for keep in case.keeps:
            own = " / ".join(stored[t] for t in keep.turns)
            lost = not keep_readable(keep, own) and not keep_readable(keep, ctext)
            keep_kinds[keep.kind]["keeps"] += 1
            keep_kinds[keep.kind]["lost"] += lost
            totals["keeps"] += 1
            totals["lost"] += lost
            if lost:
                fails.append(f"LOST {keep.kind} {keep.surface or keep.digits!r}")
                turns |= set(keep.turns)
        if case.negative:
            totals["negatives"] += 1
            touched = [i for i, t in enumerate(stored) if PLACEHOLDER_RE.search(t)]
            if touched or PLACEHOLDER_RE.search(ctext):
                totals["negatives_touched"] += 1
                fails.append("NEGATIVE touched")
                turns |= set(touched)
        if fails:
            failures.append(
                {
                    "cid": case.cid,
                    "lang": case.lang,
                    "industry": case.industry,
                    "negative": case.negative,
                    "what": fails,
                    "turns": [(i, case.turns[i][0], case.turns[i][1], stored[i]) for i in sorted(turns)],
                    "llm": ctext if any("llm text" in f for f in fails) else "",
                }
            )
    return {
        "cases": len(cases),
        "secrets": totals["secrets"],
        "leaked": totals["leaked"],
        "leaked_within_turn": totals["leaked_within_turn"],
        "keeps": totals["keeps"],
        "lost": totals["lost"],
        "negatives": totals["negatives"],
        "negatives_touched": totals["negatives_touched"],
        "per_type": {k: dict(v) for k, v in sorted(per_type.items())},
        "per_lang": {k: dict(v) for k, v in sorted(per_lang.items())},
        "per_style": {k: dict(v) for k, v in sorted(per_style.items())},
        "keep_kinds": {k: dict(v) for k, v in sorted(keep_kinds.items())},
        "failures": failures,
    }


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f} %)" if b else "0/0"


def main() -> None:
    t0 = time.time()
    cases = generate()
    info = self_check(cases)
    res = evaluate(cases)
    print(
        f"probe 10: {info['cases']} dialogues, {info['secrets']} secrets, "
        f"{info['keeps']} numbers that must stay, "
        f"{info['negatives']} negatives (self-check passed)"
    )
    print(
        f"secrets leaked: {_pct(res['leaked'], res['secrets'])}; readable within one segment or LLM line: "
        f"{res['leaked_within_turn']}"
    )
    print(f"must-stay lost: {_pct(res['lost'], res['keeps'])}")
    print(f"negatives touched: {_pct(res['negatives_touched'], res['negatives'])}")
    for title, table in (
        ("per language", res["per_lang"]),
        ("per type", res["per_type"]),
        ("per style", res["per_style"]),
    ):
        print(f"\n{title}:")
        for k, v in table.items():
            print(f"  {k:28s} {_pct(v.get('leaked', 0), v['secrets'])}")
    print("\nmust-stay lost per kind:")
    for k, v in res["keep_kinds"].items():
        print(f"  {k:28s} {_pct(v.get('lost', 0), v['keeps'])}")
    print(f"\nfailing dialogues: {len(res['failures'])}")
    for f in res["failures"]:
        print(f"\n== {f['cid']} ({f['industry']}{', negative' if f['negative'] else ''})")
        for w in f["what"]:
            print(f"   {w}")
        for i, role, raw, stored in f["turns"]:
            print(f"   [{i}] {role:8s} raw:    {raw}")
            if stored != raw:
                print(f"   {'':13s} stored: {stored}")
        if f["llm"]:
            print("   llm text:\n     " + f["llm"].replace("\n", "\n     "))
    print(f"\n({time.time() - t0:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
