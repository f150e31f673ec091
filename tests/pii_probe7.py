"""Probe 7: a blind adversarial test of the PII redaction (filter -> compress) on generated phone calls.

What it is: a seeded generator (SEED = 7007) of 400 dialogues, 150 positive per language (ru, en) that
hold personal data (phones, cards and their security codes, e-mails, passports, SNILS, a person's INN,
SSN, UK NI numbers, driver's licences, IBANs and personal accounts, OMS/NHS/member numbers) and 50
negative per language that hold none but many numbers that must stay (prices, dates, times, order,
contract, invoice, ticket, claim and tracking numbers, a company's INN/KPP/OGRN/BIK, meter readings,
flight numbers, the company's own hotline, amounts, percentages, mileage, ОСАГО policies).

Written blind: only the README section "Text stages: filter, compress, rules, PII" (the policy) and
``streams.bench_text.make_transcript_from_turns`` were read; no code of the redaction, no earlier probe
and no test of it. The speech is written the way callers talk and telephony Whisper writes it: odd digit
grouping, number words (Russian and English, "double seven", "oh", "две семёрки"), mixed digits and
words, numbers split across turns and backchannels, read-backs with a mistake and its correction,
restarts, fillers, several secrets in one turn, secrets given unprompted.

Decisions: a toll-free or company hotline the agent names (8 800 ..., 1-800-..., 0800 ...) is no
personal data and must stay; the customer's own phone (also a relative's, a work mobile) is a secret.
Postal codes, house and flat numbers, extensions, expiry dates, dates of birth, a card's last four,
utility account numbers, licence plates and VINs appear but count neither way.

Leak rule: a secret leaks when 4 of its digits in a row can still be read from the stored segments
(joined with " \\n ") or from the compressed text, as digits or number words (Russian and English,
"double/triple X", "две семёрки", "oh" = 0, "сорок пять" = 45, "forty-five" = 45); separators,
fillers, backchannels, hesitations and turn boundaries do not break a run, any other word or a
placeholder does. A card's last four alone do not count (only windows not entirely inside them); a
3-digit security code leaks when all 3 can be read, a 4-digit one when all 4. An e-mail leaks when its
local part, a distinctive piece of it (4 characters or more, not said elsewhere in the call) or 4 of
its letters spelled in a row (Russian/English letter names) can be read. A keep is lost when its digits
can no longer be read in its own stored segment or in the compressed text. A secret that did not leak
but whose segments show only another type's placeholder is a wrong-type redaction. A negative dialogue
is touched when any [PHONE]/[CARD]/[EMAIL]/[ID] appears in its stored segments. The generator retries
a dialogue until every secret is readable in the raw text and unreadable once only its own spans are
redacted (no accidental collisions), and drops a keep it could not tell apart from another number.

Run: ``cd /work/main && .venv/bin/python -m tests.pii_probe7``

Measured blind when written (at 5dd31a9): 97/592 secrets readable (16.4 %; en 60/281 = 21.4 %, ru 37/311
= 11.9 %), 92/1892 keeps lost (71 the company's own hotline, 9 an employer's EIN; 21 = 1.1 % without the
hotline), 1 wrong-type redaction (a CVC said digit by digit -> [PHONE]), 27/100 negatives touched (all by
the hotline). Worst scenarios: insurance_claim 45.5 % (an SSN's last four said after the date of birth,
e-mails spelled after the address), marketplace_return 25.7 %, utilities_meter 22.0 %, en phone_payment
and bank_card_block; e-mails spelled letter by letter after the address: 27 of 30 readable; phones
split across a backchannel, and 5-digit tails of cards, leak more than phones said in one breath.

After the fixes it led to (guard: tests/bench/test_pii_probe7.py): 4/592 readable (0.7 %), 7/1892 keeps
lost, no wrong type, no negative touched.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

SEED = 7007
N_POS = 150
N_NEG = 50

MEASURED = "97/592 readable (16.4 %), 92/1892 keeps lost (71 hotline), 1 wrong type, 27/100 touched"

PLACEHOLDERS = ("[PHONE]", "[CARD]", "[EMAIL]", "[ID]")
_PLACEHOLDER_OF = {
    "phone": "[PHONE]",
    "card": "[CARD]",
    "cvv": "[CARD]",
    "email": "[EMAIL]",
}


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

    def span(self, surface: str) -> tuple[str, Secret, str]:
        return ("S", self, surface)


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


# --- checksums -----------------------------------------------------------------------------------------


def luhn_complete(partial: str) -> str:
    """``partial`` plus the Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return partial + str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return luhn_complete(number[:-1]) == number


def snils_complete(nine: str) -> str:
    s = sum(int(d) * (9 - i) for i, d in enumerate(nine))
    if s > 101:
        s %= 101
    check = 0 if s in (100, 101) else s
    return nine + f"{check:02d}"


def _inn_digit(digits: str, weights: list[int]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)


def inn12_complete(ten: str) -> str:
    d11 = _inn_digit(ten, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    d12 = _inn_digit(ten + d11, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    return ten + d11 + d12


def inn10_complete(nine: str) -> str:
    return nine + _inn_digit(nine, [2, 4, 10, 3, 5, 9, 4, 6, 8])


def iban_complete(country: str, bban: str) -> str:
    s = bban + country + "00"
    num = "".join(str(int(c, 36)) for c in s)
    check = 98 - int(num) % 97
    return f"{country}{check:02d}{bban}"


def nhs_complete(nine: str) -> str | None:
    s = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    c = 11 - s % 11
    if c == 11:
        c = 0
    return None if c == 10 else nine + str(c)


# --- number words -----------------------------------------------------------------------------------------

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
RU_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят"]
RU_TENS.append("девяносто")
RU_HUNDREDS = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот"]
RU_HUNDREDS.append("девятьсот")
RU_DIGIT_NOUNS = {
    0: ("ноль", "ноля", "нолей"),
    1: ("единица", "единицы", "единиц"),
    2: ("двойка", "двойки", "двоек"),
    3: ("тройка", "тройки", "троек"),
    4: ("четвёрка", "четвёрки", "четвёрок"),
    5: ("пятёрка", "пятёрки", "пятёрок"),
    6: ("шестёрка", "шестёрки", "шестёрок"),
    7: ("семёрка", "семёрки", "семёрок"),
    8: ("восьмёрка", "восьмёрки", "восьмёрок"),
    9: ("девятка", "девятки", "девяток"),
}
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


def ru_words(n: int) -> str:
    """Russian cardinal for 0..999 999 (masculine; "две тысячи")."""
    if n == 0:
        return "ноль"
    parts: list[str] = []
    if n >= 1000:
        k = n // 1000
        if k == 1:
            parts.append("тысяча")
        else:
            head = ru_words(k).split()
            if k % 100 not in range(10, 20) and k % 10 in (1, 2):
                head[-1] = "одна" if k % 10 == 1 else "две"
            last = k % 10
            form = (
                "тысяч"
                if k % 100 in range(10, 20) or last in (0, 5, 6, 7, 8, 9)
                else ("тысяча" if last == 1 else "тысячи")
            )
            parts.extend([*head, form])
        n %= 1000
    if n >= 100:
        parts.append(RU_HUNDREDS[n // 100])
        n %= 100
    if 10 <= n < 20:
        parts.append(RU_TEENS[n - 10])
    else:
        if n >= 20:
            parts.append(RU_TENS[n // 10])
        if n % 10:
            parts.append(RU_UNITS[n % 10])
    return " ".join(parts)


def en_words(n: int, hyphen: bool = True) -> str:
    """English cardinal for 0..999 999."""
    if n == 0:
        return "zero"
    parts: list[str] = []
    if n >= 1000:
        parts.extend([en_words(n // 1000, hyphen), "thousand"])
        n %= 1000
    if n >= 100:
        parts.extend([EN_UNITS[n // 100], "hundred"])
        n %= 100
    if 10 <= n < 20:
        parts.append(EN_TEENS[n - 10])
    elif n >= 20:
        tens = EN_TENS[n // 10]
        if n % 10:
            parts.append(f"{tens}-{EN_UNITS[n % 10]}" if hyphen else f"{tens} {EN_UNITS[n % 10]}")
        else:
            parts.append(tens)
    elif n:
        parts.append(EN_UNITS[n])
    return " ".join(parts)


def _norm(text: str) -> str:
    return text.lower().replace("ё", "е").replace("’", "").replace("'", "")


_NUMWORDS: dict[str, tuple[str, int]] = {}
for _i, _w in enumerate(RU_UNITS):
    _NUMWORDS[_w] = ("d", _i)
for _w, _v in (("нуль", 0), ("одна", 1), ("одно", 1), ("две", 2)):
    _NUMWORDS[_w] = ("d", _v)
for _i, _w in enumerate(RU_TEENS):
    _NUMWORDS[_w] = ("teen", 10 + _i)
for _i, _w in enumerate(RU_TENS):
    if _w:
        _NUMWORDS[_w] = ("tens", 10 * _i)
for _i, _w in enumerate(RU_HUNDREDS):
    if _w:
        _NUMWORDS[_w] = ("H", 100 * _i)
for _w in ("тысяча", "тысячи", "тысяч", "thousand"):
    _NUMWORDS[_w] = ("K", 1000)
for _v, _forms in RU_DIGIT_NOUNS.items():
    for _f in _forms:
        if _f != "ноль":
            _NUMWORDS[_norm(_f)] = ("dn", _v)
for _w in ("нолик", "нолика", "нуля", "нулей", "единичка", "единички"):
    _NUMWORDS[_w] = ("dn", 0 if _w.startswith("н") else 1)
for _i, _w in enumerate(EN_UNITS):
    _NUMWORDS[_w] = ("d", _i)
_NUMWORDS["oh"] = ("d", 0)
for _i, _w in enumerate(EN_TEENS):
    _NUMWORDS[_w] = ("teen", 10 + _i)
for _i, _w in enumerate(EN_TENS):
    if _w:
        _NUMWORDS[_w] = ("tens", 10 * _i)
_NUMWORDS["hundred"] = ("M", 100)
_NUMWORDS["double"] = ("rep", 2)
_NUMWORDS["triple"] = ("rep", 3)


def parse_number_words(chunk: list[tuple[str, int]]) -> list[str]:
    """Digit strings a run of number words says: "двадцать три сорок пять" -> ["23", "45"]."""
    out: list[str] = []
    cur: list[int] | None = None  # [value, open slots: 3 hundreds, 2 tens, 1 units, 0 closed]

    def flush() -> None:
        nonlocal cur
        if cur is not None:
            out.append(str(cur[0]))
            cur = None

    i = 0
    while i < len(chunk):
        t, v = chunk[i]
        nxt = chunk[i + 1] if i + 1 < len(chunk) else None
        if t == "rep":
            if nxt is not None and nxt[0] in ("d", "dn"):
                flush()
                out.append(str(nxt[1]) * v)
                i += 2
                continue
            i += 1
            continue
        if t == "d" and v in (2, 3, 4) and nxt is not None and nxt[0] == "dn":
            flush()
            out.append(str(nxt[1]) * v)
            i += 2
            continue
        if t == "dn":
            flush()
            out.append(str(v))
        elif t == "d":
            if cur is not None and cur[1] >= 1 and v:
                cur[0] += v
                cur[1] = 0
            else:
                flush()
                cur = [v, 0]
        elif t == "teen":
            if cur is not None and cur[1] >= 2:
                cur[0] += v
                cur[1] = 0
            else:
                flush()
                cur = [v, 0]
        elif t == "tens":
            if cur is not None and cur[1] >= 2:
                cur[0] += v
                cur[1] = 1
            else:
                flush()
                cur = [v, 1]
        elif t == "H":
            if cur is not None and cur[1] >= 3:
                cur[0] += v
                cur[1] = 2
            else:
                flush()
                cur = [v, 2]
        elif t == "M":
            if cur is not None and cur[0] > 1000 and 0 < cur[0] % 1000 < 10 and cur[1] == 0:
                cur[0] += (cur[0] % 1000) * 99
                cur[1] = 2
            elif cur is not None and 0 < cur[0] < 100 and cur[1] <= 1:
                cur[0] *= 100
                cur[1] = 2
            else:
                flush()
                cur = [100, 2]
        elif t == "K":
            if cur is not None and 0 < cur[0] < 1000:
                cur[0] *= 1000
                cur[1] = 3
            else:
                flush()
                cur = [1000, 3]
        i += 1
    flush()
    return out


# --- reading digits and letters back ------------------------------------------------------------------

_IGNORABLE_WORDS = """
    э ээ эээ м мм ммм хм ну вот так значит это типа короче как бы угу ага да ок окей хорошо понятно ясно
    записываю записала записал дальше продолжайте слушаю и а потом затем еще нет подождите ой сейчас
    секунду секундочку минутку сначала давайте заново то есть точнее верно правильно извините простите
    мгм ну-ну уже ладно вернее
    uh um umm er erm ah hmm hm mm mhm mmhmm huh like so well yeah yes yep yup ok okay right sure got it
    go on ahead and then sorry no wait hold let me see start over i mean actually its is thats rest you
    know just a sec moment continue noted alright uhhuh
    agent customer
    """
IGNORABLE = set(_IGNORABLE_WORDS.split())

_TOKEN = re.compile(r"\[[^\]]*\]|\d+|[a-zа-я]+|[.,;:!?…—]")
_PLACEHOLDER = re.compile(r"^\[[a-z_]+\]$")

_LETTERS: dict[str, str] = {}
for _ch in "abcdefghijklmnopqrstuvwxyz":
    _LETTERS[_ch] = _ch
for _names, _ch in (
    ("bee", "b"),
    ("cee see", "c"),
    ("dee", "d"),
    ("ef eff", "f"),
    ("gee", "g"),
    ("aitch", "h"),
    ("jay", "j"),
    ("kay", "k"),
    ("el ell", "l"),
    ("em", "m"),
    ("en", "n"),
    ("oh", "o"),
    ("pee", "p"),
    ("cue", "q"),
    ("ar", "r"),
    ("es ess", "s"),
    ("tee", "t"),
    ("you", "u"),
    ("vee", "v"),
    ("wletter", "w"),
    ("ex", "x"),
    ("why", "y"),
    ("zed zee", "z"),
    ("эй а", "a"),
    ("би бэ", "b"),
    ("си цэ", "c"),
    ("ди дэ", "d"),
    ("е", "e"),
    ("эф", "f"),
    ("джи гэ же", "g"),
    ("эйч аш ха", "h"),
    ("ай", "i"),
    ("джей жи", "j"),
    ("кей ка", "k"),
    ("эл эль", "l"),
    ("эм", "m"),
    ("эн", "n"),
    ("о оу", "o"),
    ("пи пэ", "p"),
    ("кью ку", "q"),
    ("ар эр", "r"),
    ("эс", "s"),
    ("ти тэ", "t"),
    ("ю у", "u"),
    ("ви вэ", "v"),
    ("экс икс", "x"),
    ("уай игрек", "y"),
    ("зед зэ зет зи", "z"),
):
    for _n in _names.split():
        _LETTERS[_n] = _LETTERS.get(_n, "") + _ch
_LETTERS["и"] = "ie"
_LETTERS["i"] = "i"
_LETTER_SKIP = IGNORABLE | {"dot", "точка", "underscore", "подчеркивание", "dash", "дефис", "тире", "hyphen"}
_LETTER_SKIP |= {"capital", "period", "большая", "маленькая"}
_LETTER_SKIP -= set(_LETTERS)
_DOUBLE_U = re.compile(r"\b(?:double[- ]u|дабл[- ]ю|дубль[- ]в[эе])\b")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(_norm(text).replace("-", " "))


def digit_runs(text: str) -> list[str]:
    """Digit strings readable in ``text``: digits and number words, across separators, fillers and turns."""
    runs: list[str] = []
    cur: list[str] = []
    chunk: list[tuple[str, int]] = []

    def flush_chunk() -> None:
        if chunk:
            cur.extend(parse_number_words(chunk))
            chunk.clear()

    def end_run() -> None:
        flush_chunk()
        if cur:
            runs.append("".join(cur))
            cur.clear()

    for tok in tokens(text):
        if tok.startswith("["):
            if _PLACEHOLDER.match(tok):
                end_run()
            continue
        if tok[0].isdigit():
            flush_chunk()
            cur.append(tok)
        elif tok in _NUMWORDS:
            chunk.append(_NUMWORDS[tok])
        elif tok in IGNORABLE or not tok[0].isalpha():
            flush_chunk()
        else:
            end_run()
    end_run()
    return runs


def letter_runs(text: str) -> list[list[str]]:
    """Runs of spelled letters (each a string of the letters a name may stand for)."""
    toks = tokens(_DOUBLE_U.sub(" wletter ", _norm(text)))
    runs: list[list[str]] = []
    cur: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok in _LETTERS and (len(tok) == 1 or tok not in ("oh", "you", "see", "why") or cur):
            cur.append(_LETTERS[tok])
            if i + 2 < len(toks) and toks[i + 1] in ("as", "for") and toks[i + 2] in ("in", "like"):
                i += 4
                continue
            if i + 1 < len(toks) and toks[i + 1] == "for":
                i += 3
                continue
            i += 1
            continue
        if tok in _LETTER_SKIP or not (tok[0].isalnum() or tok.startswith("[")):
            i += 1
            continue
        if cur:
            runs.append(cur)
            cur = []
        i += 1
    if cur:
        runs.append(cur)
    return runs


def digits_of(text: str) -> str:
    return "".join(digit_runs(text))


class Reading:
    """One text as the checker reads it."""

    def __init__(self, text: str) -> None:
        self.text = _norm(text)
        self.runs = digit_runs(text)
        self.letters = letter_runs(text)

    def has_digits(self, window: str) -> bool:
        return any(window in r for r in self.runs)

    def has_letters(self, window: str) -> bool:
        n = len(window)
        for run in self.letters:
            for j in range(len(run) - n + 1):
                if all(window[k] in run[j + k] for k in range(n)):
                    return True
        return False


def digit_windows(secret: Secret) -> list[str]:
    if secret.kind == "email":
        return [g for g in re.findall(r"\d{4,}", secret.value.split("@")[0])]
    out: list[str] = []
    for v in [secret.value, *secret.variants]:
        d = re.sub(r"\D", "", v)
        if secret.kind == "cvv" or len(d) <= 4:
            out.append(d)
        elif secret.kind == "card":
            out.extend(d[i : i + 4] for i in range(len(d) - 4))
        else:
            out.extend(d[i : i + 4] for i in range(len(d) - 3))
    return sorted(set(out))


def email_texts(secret: Secret) -> list[str]:
    local = _norm(secret.value.split("@")[0])
    return sorted({local, *(_norm(p) for p in secret.pieces)})


def email_letter_windows(secret: Secret) -> list[str]:
    letters = re.sub(r"[^a-z]", "", secret.value.split("@")[0].lower())
    return sorted({letters[i : i + 4] for i in range(len(letters) - 3)})


def secret_readable(secret: Secret, reading: Reading) -> bool:
    if any(reading.has_digits(w) for w in digit_windows(secret)):
        return True
    if secret.kind == "email":
        if any(p in reading.text for p in email_texts(secret)):
            return True
        if any(reading.has_letters(w) for w in email_letter_windows(secret)):
            return True
    return False


def keep_digits(keep: Keep) -> str:
    return digits_of(keep.surface)


def keep_readable(keep: Keep, reading: Reading) -> bool:
    d = keep_digits(keep)
    if d:
        return reading.has_digits(d)
    return _norm(keep.surface) in reading.text


# --- checking one case ----------------------------------------------------------------------------------


def run_case(case: Case) -> tuple[list[str], str]:
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    tr = make_transcript_from_turns(case.cid, case.turns, case.lang)
    filtered = filter_transcript(tr)
    stored = [s["text"] for s in filtered["transcript"]["segments"]]
    compressed = compress(filtered, len, "probe")["text"]
    return stored, compressed


def raw_output(turns: list[tuple[str, str]]) -> tuple[list[str], str]:
    """What an absent redaction would store and send: the turns as said."""
    stored = [t for _, t in turns]
    compressed = "\n".join(f"{'Agent' if r == 'agent' else 'Customer'}: {t}" for r, t in turns)
    return stored, compressed


def _own_segment(case: Case, stored: list[str], turn: int) -> str:
    # stored has one entry per turn (the filter marks, it does not drop); if it ever did not, a keep or
    # a placeholder is looked for in all stored segments together.
    if len(stored) == len(case.turns):
        return stored[turn]
    return " \n ".join(stored)


def check_case(case: Case, stored: list[str], compressed: str) -> CaseResult:
    joined = " \n ".join(stored)
    where_texts = {"stored": Reading(joined), "compressed": Reading(compressed)}
    leaks: list[tuple[Secret, str]] = []
    wrong: list[tuple[Secret, str]] = []
    for s in case.secrets:
        where = [w for w, r in where_texts.items() if secret_readable(s, r)]
        if where:
            leaks.append((s, "+".join(where)))
            continue
        segs = " ".join(_own_segment(case, stored, t) for t in sorted({t for t, _ in s.spans}))
        if s.placeholder not in segs:
            others = [p for p in PLACEHOLDERS if p in segs]
            if others:
                wrong.append((s, ",".join(others)))
    lost: list[tuple[Keep, str]] = []
    for k in case.keeps:
        where = []
        if not keep_readable(k, Reading(_own_segment(case, stored, k.turn))):
            where.append("stored")
        if not keep_readable(k, where_texts["compressed"]):
            where.append("compressed")
        if where:
            lost.append((k, "+".join(where)))
    touched = case.negative and any(p in joined for p in PLACEHOLDERS)
    return CaseResult(leaks, lost, wrong, touched)


def redact_turns(case: Case, mapping: dict[int, str]) -> list[tuple[str, str]]:
    """The turns with every span of secret i replaced by mapping[i] (a hand redaction)."""
    out = []
    for ti, (role, text) in enumerate(case.turns):
        spans = [(surf, mapping[i]) for i, s in enumerate(case.secrets) for t, surf in s.spans if t == ti]
        for surf, ph in sorted(spans, key=lambda x: -len(x[0])):
            text = text.replace(surf, ph)
        out.append((role, text))
    return out


_WRONG = {"[PHONE]": "[ID]", "[CARD]": "[PHONE]", "[EMAIL]": "[PHONE]", "[ID]": "[PHONE]"}


def self_check(cases: list[Case] | None = None) -> dict[str, Any]:
    """Proves the checker on the generated cases: raw leaks all, a hand redaction leaks nothing."""
    cases = cases if cases is not None else generate()
    problems: list[str] = []
    n_sec = n_keep = 0
    for case in cases:
        n_sec += len(case.secrets)
        n_keep += len(case.keeps)
        raw = check_case(case, *raw_output(case.turns))
        leaked = {id(s) for s, _ in raw.leaks}
        for s in case.secrets:
            if id(s) not in leaked:
                problems.append(f"{case.cid}: raw {s.kind} {s.value} not readable")
        for k, w in raw.lost:
            problems.append(f"{case.cid}: raw keep {k.kind} {k.surface!r} lost ({w})")
        perfect = redact_turns(case, {i: s.placeholder for i, s in enumerate(case.secrets)})
        res = check_case(case, *raw_output(perfect))
        for s, w in res.leaks:
            problems.append(f"{case.cid}: redacted {s.kind} {s.value} still leaks ({w})")
        for k, w in res.lost:
            problems.append(f"{case.cid}: redacted keep {k.surface!r} lost ({w})")
        for s, w in res.wrong_type:
            problems.append(f"{case.cid}: redacted {s.kind} wrong type {w}")
        if res.touched:
            problems.append(f"{case.cid}: negative touched by a hand redaction")
        for i, s in enumerate(case.secrets):
            bad = _WRONG[s.placeholder]
            wrong = redact_turns(case, dict.fromkeys(range(len(case.secrets)), bad))
            res = check_case(case, *raw_output(wrong))
            if any(x is s for x, _ in res.leaks):
                problems.append(f"{case.cid}: wrong placeholder on {s.kind} #{i} read as a leak")
            if not any(x is s for x, _ in res.wrong_type):
                problems.append(f"{case.cid}: wrong placeholder on {s.kind} #{i} not seen")
        for k in case.keeps:
            turns = list(case.turns)
            role, text = turns[k.turn]
            turns[k.turn] = (role, text.replace(k.surface, "[ID]"))
            res = check_case(case, *raw_output(turns))
            if not any(x is k for x, _ in res.lost):
                problems.append(f"{case.cid}: keep {k.surface!r} replaced by [ID] not seen as lost")
    return {"cases": len(cases), "secrets": n_sec, "keeps": n_keep, "ok": not problems, "problems": problems}


# --- evaluation --------------------------------------------------------------------------------------


def evaluate(cases: list[Case] | None = None) -> dict[str, Any]:
    cases = cases if cases is not None else generate()
    per_type: dict[str, tuple[int, int]] = {}
    per_lang: dict[str, dict[str, int]] = {}
    per_scenario: dict[str, tuple[int, int]] = {}
    lost_per_scenario: dict[str, tuple[int, int]] = {}
    lost_per_kind: dict[str, tuple[int, int]] = {}
    failures: list[dict[str, Any]] = []
    tot = {"secrets": 0, "leaked": 0, "keeps": 0, "lost_keeps": 0, "wrong_type": 0, "touched": 0}
    for case in cases:
        stored, compressed = run_case(case)
        res = check_case(case, stored, compressed)
        leaked = {id(s) for s, _ in res.leaks}
        lang = per_lang.setdefault(
            case.lang,
            {"secrets": 0, "leaked": 0, "keeps": 0, "lost_keeps": 0, "wrong_type": 0, "touched": 0},
        )
        for s in case.secrets:
            key = f"{s.kind}/{case.lang}"
            a, b = per_type.get(key, (0, 0))
            per_type[key] = (a + (id(s) in leaked), b + 1)
        a, b = per_scenario.get(case.scenario, (0, 0))
        per_scenario[case.scenario] = (a + len(res.leaks), b + len(case.secrets))
        a, b = lost_per_scenario.get(case.scenario, (0, 0))
        lost_per_scenario[case.scenario] = (a + len(res.lost), b + len(case.keeps))
        lost_ids = {id(k) for k, _ in res.lost}
        for k in case.keeps:
            a, b = lost_per_kind.get(k.kind, (0, 0))
            lost_per_kind[k.kind] = (a + (id(k) in lost_ids), b + 1)
        for d in (tot, lang):
            d["secrets"] += len(case.secrets)
            d["leaked"] += len(res.leaks)
            d["keeps"] += len(case.keeps)
            d["lost_keeps"] += len(res.lost)
            d["wrong_type"] += len(res.wrong_type)
            d["touched"] += int(res.touched)
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
                    "leaks": res.leaks,
                    "lost": res.lost,
                    "wrong_type": res.wrong_type,
                    "touched": res.touched,
                }
            )
    return {
        "cases": len(cases),
        "positive": sum(not c.negative for c in cases),
        "negative": sum(c.negative for c in cases),
        "secrets": tot["secrets"],
        "leaked": tot["leaked"],
        "keeps": tot["keeps"],
        "lost_keeps": tot["lost_keeps"],
        "wrong_type": tot["wrong_type"],
        "negative_with_placeholder": tot["touched"],
        "per_type": dict(sorted(per_type.items())),
        "per_lang": per_lang,
        "per_scenario": dict(sorted(per_scenario.items())),
        "lost_per_scenario": dict(sorted(lost_per_scenario.items())),
        "lost_per_kind": dict(sorted(lost_per_kind.items())),
        "failures": failures,
    }


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100.0 * a / b:.1f} %)" if b else f"{a}/0"


def _print_failure(f: dict[str, Any]) -> None:
    print(f"--- {f['case']} [{f['scenario']}] tags={','.join(f['tags'])}")
    turns_shown: set[int] = set()
    for s, where in f["leaks"]:
        print(f"  LEAK {s.kind} {s.value} ({where})")
        turns_shown |= {t for t, _ in s.spans}
    for s, phs in f["wrong_type"]:
        print(f"  WRONG TYPE {s.kind} {s.value}: expected {s.placeholder}, got {phs}")
        turns_shown |= {t for t, _ in s.spans}
    for k, where in f["lost"]:
        print(f"  LOST {k.kind} {k.surface!r} ({where})")
        turns_shown.add(k.turn)
    if f["touched"]:
        print("  NEGATIVE TOUCHED")
        turns_shown |= {i for i, t in enumerate(f["stored"]) if any(p in t for p in PLACEHOLDERS)}
    for i in sorted(turns_shown):
        role, said = f["turns"][i]
        got = f["stored"][i] if i < len(f["stored"]) and len(f["stored"]) == len(f["turns"]) else "?"
        print(f"    [{i}] {role}: {said}")
        if got != said:
            print(f"         stored: {got}")
    if f["leaks"] or f["lost"]:
        print("    compressed: " + f["compressed"].replace("\n", "\n                ")[:1500])


def main() -> None:
    cases = generate()
    sc = self_check(cases)
    print(
        f"self-check: {'OK' if sc['ok'] else 'FAILED'} ({sc['cases']} cases, {sc['secrets']} secrets, "
        f"{sc['keeps']} keeps)"
    )
    for p in sc["problems"][:30]:
        print("  " + p)
    r = evaluate(cases)
    print(f"\ncases {r['cases']} ({r['positive']} positive, {r['negative']} negative)")
    print(f"secrets readable: {_pct(r['leaked'], r['secrets'])}")
    print(f"keeps lost: {_pct(r['lost_keeps'], r['keeps'])}")
    print(f"wrong-type redactions: {r['wrong_type']}")
    print(f"negatives touched: {r['negative_with_placeholder']}/{r['negative']}")
    print("\nper language:")
    for lang, d in sorted(r["per_lang"].items()):
        print(
            f"  {lang}: readable {_pct(d['leaked'], d['secrets'])}, "
            f"lost {_pct(d['lost_keeps'], d['keeps'])}, "
            f"wrong type {d['wrong_type']}, touched {d['touched']}"
        )
    print("\nper type (readable):")
    for key, (a, b) in r["per_type"].items():
        print(f"  {key:16} {_pct(a, b)}")
    print("\nper scenario (readable | lost):")
    for name, (a, b) in r["per_scenario"].items():
        la, lb = r["lost_per_scenario"][name]
        print(f"  {name:24} {_pct(a, b):22} | {_pct(la, lb)}")
    print("\nkeeps lost per kind:")
    for kind, (a, b) in r["lost_per_kind"].items():
        if a:
            print(f"  {kind:16} {_pct(a, b)}")
    hot = r["lost_per_kind"].get("hotline", (0, 0))[0]
    print(f"  (without the company hotline: {_pct(r['lost_keeps'] - hot, r['keeps'])})")
    touched_hot = sum(
        1
        for f in r["failures"]
        if f["touched"] and all(k.kind == "hotline" for k, _ in f["lost"]) and f["lost"]
    )
    print(f"  negatives touched only through the hotline: {touched_hot}")
    print(f"\nfailures: {len(r['failures'])} cases; up to 40 shown")
    for f in r["failures"][:40]:
        _print_failure(f)


# --- generation helpers -----------------------------------------------------------------------------

Part = str | tuple[str, Any, str]


def K(kind: str, surface: str) -> tuple[str, str, str]:
    return ("K", kind, surface)


class Dialog:
    def __init__(self, lang: str, rng: random.Random) -> None:
        self.lang = lang
        self.rng = rng
        self.turns: list[tuple[str, str]] = []
        self.secrets: list[Secret] = []
        self.keeps: list[Keep] = []
        self.tags: list[str] = []

    def secret(
        self, kind: str, value: str, variants: list[str] | None = None, pieces: list[str] | None = None
    ):
        s = Secret(kind, value, [], list(variants or []), list(pieces or []))
        self.secrets.append(s)
        return s

    def say(self, role: str, *parts: Part) -> int:
        idx = len(self.turns)
        text = ""
        for p in parts:
            if isinstance(p, str):
                text += p
            elif p[0] == "S":
                p[1].spans.append((idx, p[2]))
                text += p[2]
            else:
                self.keeps.append(Keep(p[1], p[2], idx))
                text += p[2]
        self.turns.append((role, text))
        return idx

    def a(self, *parts: Part) -> int:
        return self.say("agent", *parts)

    def c(self, *parts: Part) -> int:
        return self.say("customer", *parts)

    def pick(self, options: list[str] | tuple[str, ...]) -> str:
        return self.rng.choice(list(options))

    def back(self) -> str:
        return self.pick(BACK[self.lang])

    def filler(self) -> str:
        return self.pick(FILLERS[self.lang])

    def tag(self, *tags: str) -> None:
        self.tags.extend(t for t in tags if t not in self.tags)


BACK = {
    "ru": ["Угу.", "Да.", "Ага.", "Так.", "Да-да.", "Записываю.", "Угу, дальше.", "Так, записала.", "Мгм."],
    "en": ["Mm-hmm.", "Yeah.", "Okay.", "Got it.", "Uh-huh.", "Go on.", "Right.", "Okay, go ahead.", "Sure."],
}
FILLERS = {
    "ru": ["э-э", "ну", "так", "секунду", "сейчас", "э-э, так", "ну вот", "значит"],
    "en": ["uh", "um", "let me see", "hold on", "like", "uh, so", "um, okay"],
}
RESTART = {
    "ru": ["ой, нет, подождите, давайте сначала", "нет-нет, извините, заново", "ой, сбилась, сначала"],
    "en": ["no wait, sorry, let me start over", "hold on, sorry, start over", "sorry, I mean"],
}


def rnd_digits(rng: random.Random, n: int, first: str = "0123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def ru_digit_word(d: str) -> str:
    return RU_UNITS[int(d)]


def en_digit_word(d: str, rng: random.Random) -> str:
    if d == "0":
        return rng.choice(["oh", "oh", "zero"])
    return EN_UNITS[int(d)]


def digit_by_digit(g: str, lang: str, rng: random.Random, doubles: bool = True) -> str:
    out: list[str] = []
    i = 0
    while i < len(g):
        j = i
        while j < len(g) and g[j] == g[i]:
            j += 1
        n = j - i
        d = g[i]
        if doubles and n in (2, 3) and rng.random() < 0.6:
            if lang == "en":
                out.append(f"{'double' if n == 2 else 'triple'} {en_digit_word(d, rng)}")
            else:
                count = "два" if d in "0" else ("две" if n == 2 else "три")
                noun = "нуля" if d == "0" else RU_DIGIT_NOUNS[int(d)][1]
                out.append(f"{count} {noun}")
            i = j
            continue
        out.append(en_digit_word(d, rng) if lang == "en" else ru_digit_word(d))
        i += 1
    return " ".join(out)


def number_words(g: str, lang: str, rng: random.Random) -> str:
    """A group said as a number ("916" -> "девятьсот шестнадцать" / "nine sixteen")."""
    if not g:
        return ""
    if g[0] == "0" and len(g) > 1:
        zero = "ноль" if lang == "ru" else rng.choice(["oh", "zero"])
        return f"{zero} {number_words(g[1:], lang, rng)}"
    if len(g) == 4:
        if g[2] == "0" and lang == "en" and g[2:] != "00":
            return f"{number_words(g[:2], lang, rng)} oh {EN_UNITS[int(g[3])]}"
        if g[2] == "0":
            zero = "ноль" if lang == "ru" else "oh"
            tail = (RU_UNITS if lang == "ru" else EN_UNITS)[int(g[3])]
            return f"{number_words(g[:2], lang, rng)} {zero} {tail}"
        return f"{number_words(g[:2], lang, rng)} {number_words(g[2:], lang, rng)}"
    if len(g) > 4:
        return f"{number_words(g[:-4], lang, rng)} {number_words(g[-4:], lang, rng)}"
    n = int(g)
    if lang == "ru":
        return ru_words(n)
    if len(g) == 3 and rng.random() < 0.6:
        rest = g[1:]
        if rest == "00":
            return f"{EN_UNITS[int(g[0])]} hundred"
        tail = f"oh {EN_UNITS[int(rest[1])]}" if rest[0] == "0" else en_words(int(rest))
        return f"{EN_UNITS[int(g[0])]} {tail}"
    return en_words(n, hyphen=rng.random() < 0.7)


def say_group(g: str, lang: str, rng: random.Random, style: str) -> str:
    if style == "digits":
        return g
    if style == "num":
        return number_words(g, lang, rng)
    if style == "dig":
        return digit_by_digit(g, lang, rng)
    return rng.choice([g, number_words(g, lang, rng), digit_by_digit(g, lang, rng)])


def say_groups(
    groups: list[str], lang: str, rng: random.Random, style: str | None = None, sep: str = " "
) -> str:
    style = style or rng.choice(["digits", "digits", "num", "dig", "mixed"])
    parts = [say_group(g, lang, rng, style) for g in groups]
    if style == "digits":
        return sep.join(parts)
    return (", " if rng.random() < 0.5 else " ").join(parts)


def split_groups(d: str, sizes: list[int]) -> list[str]:
    out, i = [], 0
    for n in sizes:
        out.append(d[i : i + n])
        i += n
    if i < len(d):
        out.append(d[i:])
    return [g for g in out if g]


# --- secret values -----------------------------------------------------------------------------------


def ru_mobile(rng: random.Random) -> str:
    return (
        "9"
        + rng.choice(["16", "03", "26", "85", "77", "99", "15", "62", "50", "31", "68", "05"])
        + rnd_digits(rng, 7, "1234567")
    )


def ru_phone_surface(nat: str, rng: random.Random) -> tuple[str, str]:
    """(surface, value as said) for a Russian mobile ``nat`` (10 digits)."""
    a, b, c, d = nat[:3], nat[3:6], nat[6:8], nat[8:]
    fmt = rng.randrange(10)
    if fmt == 0:
        return f"+7 ({a}) {b}-{c}-{d}", "7" + nat
    if fmt == 1:
        return f"8-{a}-{b}-{c}-{d}", "8" + nat
    if fmt == 2:
        return f"8{nat}", "8" + nat
    if fmt == 3:
        return f"8 {a} {nat[3:5]} {nat[5:7]} {nat[7:]}", "8" + nat
    if fmt == 4:
        return f"{a} {b} {c} {d}", nat
    if fmt == 5:
        return f"восемь {say_groups([a, b, c, d], 'ru', rng, 'num')}", "8" + nat
    if fmt == 6:
        return f"8 {a} {say_groups([b, c, d], 'ru', rng, 'num')}", "8" + nat
    if fmt == 7:
        return f"+7 {a} {b} {c} {d}", "7" + nat
    if fmt == 8:
        return f"восемь {say_groups([a, b, c, d], 'ru', rng, 'dig')}", "8" + nat
    return f"8 ({a}) {b}{c}{d}", "8" + nat


def us_phone(rng: random.Random) -> str:
    area = rng.choice(["212", "917", "646", "415", "312", "617", "206", "305", "718", "503", "404", "602"])
    return area + rnd_digits(rng, 3, "23456789") + rnd_digits(rng, 4)


def en_phone_surface(nat: str, rng: random.Random) -> tuple[str, str]:
    a, b, c = nat[:3], nat[3:6], nat[6:]
    fmt = rng.randrange(9)
    if fmt == 0:
        return f"({a}) {b}-{c}", nat
    if fmt == 1:
        return f"{a}-{b}-{c}", nat
    if fmt == 2:
        return f"+1 {a} {b} {c}", "1" + nat
    if fmt == 3:
        return say_groups([a, b, c], "en", rng, "dig"), nat
    if fmt == 4:
        return say_groups([a, b, c], "en", rng, "num"), nat
    if fmt == 5:
        return f"{a} {b} {say_groups([c], 'en', rng, 'num')}", nat
    if fmt == 6:
        return f"1-{a}-{b}-{c}", "1" + nat
    if fmt == 7:
        return f"{a}.{b}.{c}", nat
    return f"{a}{b}{c}", nat


def uk_mobile(rng: random.Random) -> str:
    return "07" + rnd_digits(rng, 9, "123456789")


def card_number(rng: random.Random, brand: str | None = None) -> str:
    brand = brand or rng.choice(["visa", "mc", "mir", "visa", "amex"])
    if brand == "amex":
        return luhn_complete(rng.choice(["34", "37"]) + rnd_digits(rng, 12))
    prefix = {"visa": "4" + rnd_digits(rng, 5), "mc": "5" + rng.choice("12345") + rnd_digits(rng, 4)}.get(
        brand, "220" + rng.choice("01234") + rnd_digits(rng, 2)
    )
    return luhn_complete(prefix + rnd_digits(rng, 9))


def card_groups(card: str) -> list[str]:
    return split_groups(card, [4, 6, 5] if len(card) == 15 else [4, 4, 4, 4])


def passport_ru(rng: random.Random) -> str:
    return (
        rng.choice(["45", "46", "40", "77", "50", "63", "92", "03"])
        + rng.choice(["04", "09", "12", "15", "19", "21"])
        + (rnd_digits(rng, 6, "1234567"))
    )


def snils(rng: random.Random) -> str:
    return snils_complete(rnd_digits(rng, 9, "1234567"))


def inn_person(rng: random.Random) -> str:
    return inn12_complete(rng.choice(["77", "50", "78", "66", "16", "54"]) + rnd_digits(rng, 8))


def inn_company(rng: random.Random) -> str:
    return inn10_complete(rng.choice(["77", "50", "78", "66"]) + rnd_digits(rng, 7))


def ssn(rng: random.Random) -> str:
    return (
        rnd_digits(rng, 3, "12345678").replace("666", "667")
        + rnd_digits(rng, 2, "123456789")
        + rnd_digits(rng, 4, "123456789")
    )


def ni_number(rng: random.Random) -> str:
    return (
        rng.choice(["AB", "JK", "NR", "PX", "SW", "TZ", "HL", "CE"]) + rnd_digits(rng, 6) + rng.choice("ABCD")
    )


def nhs_number(rng: random.Random) -> str:
    while True:
        n = nhs_complete(rnd_digits(rng, 9, "4679"))
        if n:
            return n


def oms_policy(rng: random.Random) -> str:
    while True:
        n = rnd_digits(rng, 16, "7")
        if not luhn_ok(n):
            return n


def iban(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return iban_complete("GB", rng.choice(["NWBK", "BARC", "LOYD", "MIDL"]) + rnd_digits(rng, 14))
    return iban_complete("DE", rnd_digits(rng, 18))


def ru_account(rng: random.Random) -> str:
    return "40817810" + rnd_digits(rng, 12)


# --- dictation patterns ----------------------------------------------------------------------------------


def _other(role: str) -> str:
    return "agent" if role == "customer" else "customer"


def dictate(d: Dialog, sec: Secret, pieces: list[str], role: str, lead: str, tail: str = ".") -> str:
    """Says ``pieces`` (rendered groups) in one of several ways; returns the pattern's name."""
    rng, lang = d.rng, d.lang
    mode = rng.choice(["one", "one", "split", "split3", "filler", "restart", "backchannel"])
    if len(pieces) < 3:
        mode = "one" if mode in ("split3", "restart") else mode
    full = " ".join(pieces)
    if mode == "one":
        d.say(role, lead, sec.span(full), tail)
    elif mode == "filler":
        k = rng.randrange(1, len(pieces))
        text = " ".join(pieces[:k]) + f", {d.filler()}, " + " ".join(pieces[k:])
        d.say(role, lead, sec.span(text), tail)
    elif mode == "split" or mode == "backchannel":
        k = rng.randrange(1, len(pieces))
        if len(re.sub(r"\D", "", digits_of(" ".join(pieces[:k])))) < 3 and k + 1 < len(pieces):
            k += 1
        d.say(role, lead, sec.span(" ".join(pieces[:k])), rng.choice(["...", ",", "", " —"]))
        if mode == "backchannel":
            d.say(_other(role), d.back())
        d.say(role, sec.span(" ".join(pieces[k:])), tail)
    elif mode == "split3":
        k1 = rng.randrange(1, len(pieces) - 1)
        k2 = rng.randrange(k1 + 1, len(pieces))
        d.say(role, lead, sec.span(" ".join(pieces[:k1])), "...")
        d.say(_other(role), d.back())
        d.say(role, sec.span(" ".join(pieces[k1:k2])), rng.choice(["...", ","]))
        d.say(_other(role), d.back())
        d.say(role, sec.span(" ".join(pieces[k2:])), tail)
    else:
        false_start = " ".join(pieces[:2])
        d.say(role, lead, sec.span(false_start), f"... {d.pick(RESTART[lang])}: ", sec.span(full), tail)
    d.tag(mode)
    return mode


def readback(d: Dialog, sec: Secret, digits: str, groups: list[int], asker: str = "agent") -> None:
    """The asker reads the number back, sometimes with one digit wrong, then corrected."""
    rng, lang = d.rng, d.lang
    gs = split_groups(digits, groups)
    style = rng.choice(["digits", "digits", "num", "dig"])
    said = say_groups(gs, lang, rng, style, sep=rng.choice([" ", "-"]))
    if rng.random() < 0.4 and len(gs[-1]) >= 2:
        last = gs[-1]
        j = rng.randrange(len(last))
        wrong_last = last[:j] + str((int(last[j]) + rng.randrange(1, 9)) % 10) + last[j + 1 :]
        wrong = say_groups([*gs[:-1], wrong_last], lang, rng, style)
        if lang == "ru":
            d.say(asker, "Проверяю: ", sec.span(wrong), ", верно?")
            d.say(_other(asker), "Нет, в конце ", sec.span(say_group(last, lang, rng, "digits")), ".")
            d.say(asker, "Ой, да, ", sec.span(said), ", исправила.")
        else:
            d.say(asker, "Let me read that back: ", sec.span(wrong), "?")
            d.say(_other(asker), "No, the last part is ", sec.span(say_group(last, lang, rng, "digits")), ".")
            d.say(asker, "Sorry, ", sec.span(said), ", got it now.")
        d.tag("readback_mistake")
        return
    if lang == "ru":
        d.say(asker, d.pick(["Записала: ", "Так, повторяю: ", "Проверим: ", ""]), sec.span(said), ", верно?")
        d.say(_other(asker), d.pick(["Да, верно.", "Всё так.", "Да."]))
    else:
        d.say(
            asker, d.pick(["So that's ", "Let me read it back: ", "Okay, ", ""]), sec.span(said), ", correct?"
        )
        d.say(_other(asker), d.pick(["Yes, that's right.", "Correct.", "Yep."]))
    d.tag("readback")


def phone_secret(d: Dialog, kind: str = "phone") -> tuple[Secret, list[str], str, list[int]]:
    """A customer phone: (secret, rendered groups, digits said, grouping) in the dialogue's language."""
    rng = d.rng
    if d.lang == "ru":
        nat = ru_mobile(rng) if rng.random() < 0.85 else "495" + rnd_digits(rng, 7, "2345679")
        trunk = rng.choice(["8", "8", "+7", ""])
        value = ("7" if trunk == "+7" else trunk) + nat
        gsz = rng.choice([[3, 3, 2, 2], [3, 3, 4], [3, 2, 2, 3], [3, 7], [3, 3, 2, 2]])
    else:
        uk = rng.random() < 0.25
        nat = uk_mobile(rng) if uk else us_phone(rng)
        trunk = "" if uk or rng.random() < 0.8 else "1"
        value = trunk + nat
        gsz = [5, 3, 3] if uk else rng.choice([[3, 3, 4], [3, 3, 4], [3, 3, 2, 2], [3, 7]])
    groups = split_groups(nat, gsz)
    style = rng.choice(["digits", "digits", "num", "dig", "mixed"])
    rendered = [say_group(g, d.lang, rng, style) for g in groups]
    if trunk:
        rendered.insert(
            0,
            trunk
            if style == "digits" or rng.random() < 0.5
            else ("плюс " if trunk.startswith("+") else "")
            + say_group(trunk.lstrip("+"), d.lang, rng, "dig"),
        )
    variants = [nat] if value != nat else []
    if nat.startswith("0"):
        variants.append(nat[1:])
    sec = d.secret(kind, value, variants)
    d.tag(f"phone_{style}")
    return sec, rendered, value, [len(value) - len(nat), *gsz] if value != nat else gsz


def card_secret(d: Dialog, brand: str | None = None) -> tuple[Secret, list[str], str]:
    rng = d.rng
    card = card_number(rng, brand)
    groups = card_groups(card)
    style = rng.choice(["digits", "digits", "num", "dig", "mixed"])
    rendered = [say_group(g, d.lang, rng, style) for g in groups]
    sec = d.secret("card", card)
    d.tag(f"card_{style}", "amex" if len(card) == 15 else "card16")
    return sec, rendered, card


def cvv_secret(d: Dialog, card: str) -> tuple[Secret, str]:
    rng = d.rng
    n = 4 if len(card) == 15 else 3
    code = rnd_digits(rng, n, "123456789")
    sec = d.secret("cvv", code)
    style = rng.choice(["digits", "digits", "num", "dig"])
    if style == "digits" and rng.random() < 0.3:
        surface = ", ".join(code)
    else:
        surface = say_group(code, d.lang, rng, style)
    return sec, surface


EMAIL_NAMES = {
    "ru": [
        "nikolaev",
        "smirnova",
        "kuznetsov",
        "vasilenko",
        "orlova",
        "zhukov",
        "belova",
        "frolov",
        "tarasova",
    ],
    "en": [
        "hollis",
        "marquez",
        "whitaker",
        "okafor",
        "lindqvist",
        "brennan",
        "fairley",
        "castell",
        "dunmore",
    ],
}
EMAIL_FIRST = {
    "ru": ["dima", "olga", "serg", "katya", "ilya", "marina", "pavel", "yulia", "artem"],
    "en": ["jess", "mike", "dana", "rob", "kate", "tony", "nina", "greg", "lucy"],
}
DOMAINS = {
    "ru": [
        ("mail.ru", "мейл ру"),
        ("yandex.ru", "яндекс ру"),
        ("gmail.com", "джимейл ком"),
        ("bk.ru", "бэ ка ру"),
    ],
    "en": [
        ("gmail.com", "gmail dot com"),
        ("yahoo.com", "yahoo dot com"),
        ("outlook.com", "outlook dot com"),
    ],
}
RU_SPELL = {
    "a": "а",
    "b": "бэ",
    "c": "цэ",
    "d": "дэ",
    "e": "е",
    "f": "эф",
    "g": "гэ",
    "h": "аш",
    "i": "ай",
    "j": "джей",
    "k": "ка",
    "l": "эль",
    "m": "эм",
    "n": "эн",
    "o": "о",
    "p": "пэ",
    "q": "кью",
    "r": "эр",
    "s": "эс",
    "t": "тэ",
    "u": "у",
    "v": "вэ",
    "w": "дабл-ю",
    "x": "икс",
    "y": "игрек",
    "z": "зэ",
}
ALPHA_WORDS = {
    "a": ["apple", "Alpha"],
    "b": ["boy", "Bravo"],
    "c": ["cat", "Charlie"],
    "d": ["David", "dog"],
    "e": ["Edward", "echo"],
    "f": ["Frank"],
    "g": ["George"],
    "h": ["Henry"],
    "i": ["India"],
    "j": ["John"],
    "k": ["King"],
    "l": ["Larry", "Lima"],
    "m": ["Mary", "Mike"],
    "n": ["Nancy"],
    "o": ["Oscar"],
    "p": ["Peter"],
    "q": ["queen"],
    "r": ["Robert"],
    "s": ["Sam", "sugar"],
    "t": ["Tom"],
    "u": ["uniform"],
    "v": ["Victor"],
    "w": ["William"],
    "x": ["Xavier"],
    "y": ["yellow"],
    "z": ["zebra"],
}
EN_SPELL = {"w": "double-u", "y": "why", "c": "see", "r": "ar", "z": "zee"}


def spell(word: str, lang: str, rng: random.Random) -> str:
    if lang == "ru":
        return ", ".join(RU_SPELL.get(ch, ch) for ch in word)
    out = []
    for ch in word:
        if rng.random() < 0.15 and ch.isalpha():
            out.append(f"{ch.upper()} as in {rng.choice(ALPHA_WORDS.get(ch, [ch.upper()]))}")
        else:
            out.append(EN_SPELL.get(ch, ch.upper()) if rng.random() < 0.3 else ch.upper())
    return rng.choice([", ", "-", " "]).join(out)


def email_secret(d: Dialog, role: str, lead: str) -> Secret:
    """Dictates an e-mail address in one of several ways."""
    rng, lang = d.rng, d.lang
    first, last = d.pick(EMAIL_FIRST[lang]), d.pick(EMAIL_NAMES[lang])
    sep = rng.choice([".", "_", "", "."])
    year = rng.choice(["", "", str(rng.randrange(1975, 2005)), str(rng.randrange(10, 99))])
    local = f"{first}{sep}{last}{year}" if rng.random() < 0.7 else f"{last}{sep}{first[0]}{year}"
    domain, domain_said = d.pick(DOMAINS[lang])
    address = f"{local}@{domain}"
    pieces = [p for p in re.split(r"[._\d]", local) if len(p) >= 4]
    sec = d.secret("email", address, pieces=pieces)
    sep_word = {
        ".": "точка" if lang == "ru" else "dot",
        "_": "нижнее подчёркивание" if lang == "ru" else "underscore",
    }
    at = "собака" if lang == "ru" else "at"
    mode = rng.choice(["written", "spoken", "spoken", "spelled", "split"])
    if mode == "written":
        d.say(role, lead, sec.span(address), ".")
    elif mode == "spoken":
        sp = local
        for ch, w in sep_word.items():
            sp = sp.replace(ch, f" {w} ")
        sp = re.sub(r"(\d+)", lambda m: " " + say_group(m.group(1), lang, rng, "num") + " ", sp)
        d.say(role, lead, sec.span(re.sub(r"\s+", " ", f"{sp} {at} {domain_said}").strip()), ".")
    elif mode == "spelled":
        name = max(pieces, key=len) if pieces else local
        spelled = spell(name, lang, rng)
        joiner = "по буквам" if lang == "ru" else "that's"
        d.say(role, lead, sec.span(address), f", {joiner} ", sec.span(spelled), ".")
    else:
        head, tail = local[: len(local) // 2 + 1], local[len(local) // 2 + 1 :]
        sec.pieces.extend(p for p in re.split(r"[._\d]", head + " " + tail) if len(p) >= 4 and p.isalpha())
        d.say(role, lead, sec.span(head), "...")
        d.say(_other(role), d.back())
        d.say(role, sec.span(f"{tail}@{domain}"), ".")
    d.tag(f"email_{mode}")
    return sec


# --- numbers that must stay -----------------------------------------------------------------------------

RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


def price(d: Dialog) -> str:
    rng = d.rng
    if d.lang == "ru":
        n = rng.choice([490, 990, 1290, 2990, 3450, 4800, 12500, 7990, 15600, 890, 26400])
        f = rng.randrange(4)
        if f == 0:
            return f"{n:,}".replace(",", " ") + " рублей"
        if f == 1:
            return f"{n} руб"
        if f == 2:
            return f"{ru_words(n)} рублей"
        return f"{n:,}".replace(",", " ") + " ₽"
    n = rng.choice([49.99, 129.0, 19.95, 350.0, 1249.0, 74.5, 899.0, 12.99])
    f = rng.randrange(3)
    if f == 0:
        return f"${n:,.2f}"
    if f == 1:
        return f"{int(n)} dollars"
    return f"${int(n)}"


def day(d: Dialog) -> str:
    rng = d.rng
    n = rng.randrange(3, 29)
    if d.lang == "ru":
        return rng.choice([f"{n} {d.pick(RU_MONTHS)}", f"{n:02d}.{rng.randrange(1, 11):02d}"])
    return rng.choice([f"{d.pick(EN_MONTHS)} {n}", f"{rng.randrange(1, 11)}/{n}"])


def clock(d: Dialog) -> str:
    rng = d.rng
    h, m = rng.randrange(9, 19), rng.choice([0, 15, 30, 45])
    return f"{h}:{m:02d}" if rng.random() < 0.7 or d.lang == "ru" else f"{h - 12 if h > 12 else h}:{m:02d} pm"


def ref_number(d: Dialog, n: int | None = None) -> str:
    rng = d.rng
    n = n or rng.choice([7, 8, 9, 10])
    digits = rnd_digits(rng, n, "123456789")
    f = rng.randrange(4)
    if f == 0:
        return digits
    if f == 1:
        return " ".join(split_groups(digits, [4, 4, 4]))
    if f == 2:
        return "-".join(split_groups(digits, [3, 4, 4]))
    return say_groups(split_groups(digits, [2, 2, 2, 2, 2]), d.lang, rng, "num")


def hotline(d: Dialog) -> str:
    rng = d.rng
    if d.lang == "ru":
        tail = rnd_digits(rng, 7, "2345679")
        return rng.choice(
            [f"8 800 {tail[:3]}-{tail[3:5]}-{tail[5:]}", f"8-800-{tail[:3]}-{tail[3:5]}-{tail[5:]}"]
        )
    return rng.choice(
        [
            f"1-800-{rnd_digits(rng, 3, '2345679')}-{rnd_digits(rng, 4)}",
            f"0800 {rnd_digits(rng, 3)} {rnd_digits(rng, 4)}",
        ]
    )


def tracking(d: Dialog) -> str:
    rng = d.rng
    if d.lang == "ru":
        return rng.choice(
            [rnd_digits(rng, 14, "1"), " ".join(split_groups(rnd_digits(rng, 10, "1"), [4, 3, 3]))]
        )
    return "9400 1" + " ".join(split_groups(rnd_digits(rng, 17), [3, 4, 4, 4, 2]))


# --- Russian positive scenarios ------------------------------------------------------------------------


def ru_bank_card_block(d: Dialog) -> None:
    d.a(
        d.pick(
            [
                "Банк «Восток», Марина, здравствуйте.",
                "Служба поддержки банка, слушаю вас.",
                "Добрый день, банк, оператор Алексей.",
            ]
        )
    )
    d.c(
        d.pick(
            [
                "Здравствуйте, у меня карту, кажется, украли, надо срочно заблокировать.",
                "Ну, э-э, я карту потеряла, хочу её заблокировать.",
            ]
        )
    )
    d.a(
        d.pick(
            [
                "Продиктуйте, пожалуйста, номер карты.",
                "Назовите номер карты полностью, пожалуйста.",
                "Номер карты скажите, пожалуйста.",
            ]
        )
    )
    sec, pieces, card = card_secret(d)
    dictate(d, sec, pieces, "customer", d.pick(["Да, сейчас. ", "", "Так, ", "Номер "]))
    if d.rng.random() < 0.5:
        d.a("Карта, оканчивающаяся на ", card[-4:], ", верно?")
        d.c("Да.")
    d.a(
        "Последняя операция на ",
        K("amount", price(d)),
        " ",
        K("date", day(d)),
        " в ",
        K("time", clock(d)),
        " — это вы?",
    )
    d.c(d.pick(["Нет, это не я!", "Нет, точно не я, я ничего не покупала."]))
    d.a("Блокирую. Оспорить операцию можно по заявлению, номер обращения ", K("ticket", ref_number(d)), ".")
    if d.rng.random() < 0.7:
        d.a(
            d.pick(["На какой номер вам перезвонить, если что?", "Оставьте, пожалуйста, контактный телефон."])
        )
        ps, pp, _, _ = phone_secret(d)
        dictate(d, ps, pp, "customer", d.pick(["Мой ", "Ну, ", "Запишите: ", ""]))
    d.a("Если что, звоните на горячую линию ", K("hotline", hotline(d)), ", круглосуточно.")


def ru_sim_swap(d: Dialog) -> None:
    d.a("Оператор связи, Ирина, здравствуйте.")
    d.c(
        d.pick(
            [
                "Здравствуйте. У меня телефон утонул, нужна новая симка с тем же номером.",
                "Добрый день, мне надо восстановить сим-карту.",
            ]
        )
    )
    d.a("Какой номер восстанавливаем?")
    ps, pp, value, groups = phone_secret(d)
    dictate(d, ps, pp, "customer", d.pick(["", "Номер ", "Э-э, "]))
    if d.rng.random() < 0.6:
        readback(d, ps, value, groups)
    d.a(
        d.pick(
            [
                "Для проверки скажите серию и номер паспорта.",
                "Назовите, пожалуйста, паспортные данные: серию и номер.",
                "Серию и номер паспорта продиктуйте.",
            ]
        )
    )
    p = passport_ru(d.rng)
    sec = d.secret("passport", p)
    f = d.rng.randrange(5)
    if f == 0:
        d.c(sec.span(f"{p[:2]} {p[2:4]} {p[4:]}"), ".")
    elif f == 1:
        d.c(
            "Серия ",
            sec.span(say_groups([p[:2], p[2:4]], "ru", d.rng, "num")),
            ", номер ",
            sec.span(say_groups(split_groups(p[4:], [3, 3]), "ru", d.rng, "num")),
            ".",
        )
    elif f == 2:
        d.c("Серия ", sec.span(p[:4]), ".")
        d.a(d.back())
        d.c("Номер ", sec.span(p[4:]), ".")
    elif f == 3:
        d.c("Номер ", sec.span(p[4:]), ", а серия ", sec.span(f"{p[:2]} {p[2:4]}"), ".")
    else:
        d.c(d.filler().capitalize(), ", ", sec.span(f"{p[:4]} {p[4:7]} {p[7:]}"), ".")
    d.tag(f"passport_f{f}")
    d.a(
        "Спасибо. Замена сим-карты бесплатная, тариф остаётся ",
        K("price", price(d)),
        " в месяц. Заявка ",
        K("ticket", ref_number(d)),
        ".",
    )
    d.c("А когда заработает?")
    d.a("В течение ", K("quantity", d.pick(["двух", "24", "2"])), " часов.")


def ru_courier_address(d: Dialog) -> None:
    d.c(
        d.pick(
            [
                "Алло, я по поводу доставки, хочу адрес поменять.",
                "Здравствуйте, курьер должен был привезти заказ, мне надо адрес изменить.",
            ]
        )
    )
    d.a("Номер заказа подскажите?")
    d.c("Номер заказа ", K("order", ref_number(d)), ".")
    d.a("Вижу. Доставка на ", K("date", day(d)), ", интервал с ", K("time", clock(d)), ". Какой новый адрес?")
    d.c(
        f"Улица Ленина, дом {d.rng.randrange(2, 120)}, квартира {d.rng.randrange(1, 300)}, "
        f"индекс {rnd_digits(d.rng, 6, '1')}."
    )
    d.a(d.pick(["И телефон для курьера, пожалуйста.", "Куда курьеру звонить?", "Номер для связи оставите?"]))
    ps, pp, value, groups = phone_secret(d)
    dictate(d, ps, pp, "customer", d.pick(["Мой ", "Звоните на ", "", "Лучше на мобильный: "]))
    if d.rng.random() < 0.5:
        readback(d, ps, value, groups)
    if d.rng.random() < 0.4:
        d.c("А если не возьму, то мужу: ", d.filler(), ", ")
        s2, p2, _, _ = phone_secret(d)
        dictate(d, s2, p2, "customer", "")
    d.a(
        "Переоформила. Стоимость доставки ",
        K("price", price(d)),
        ", трек-номер ",
        K("tracking", tracking(d)),
        ".",
    )


def ru_clinic(d: Dialog) -> None:
    d.a("Клиника «Здоровье», регистратура, здравствуйте.")
    d.c(
        d.pick(
            [
                "Здравствуйте, хочу записаться к терапевту.",
                "Добрый день, мне к неврологу надо, э-э, записаться.",
            ]
        )
    )
    d.a("Полис ОМС у вас есть? Продиктуйте номер полиса.")
    oms = oms_policy(d.rng)
    sec = d.secret("oms", oms)
    dictate(
        d,
        sec,
        [say_group(g, "ru", d.rng, d.pick(["digits", "num"])) for g in split_groups(oms, [4, 4, 4, 4])],
        "customer",
        d.pick(["Да, ", "Сейчас, ", ""]),
    )
    d.a(
        "Спасибо. Есть окно ",
        K("date", day(d)),
        " в ",
        K("time", clock(d)),
        ", кабинет 214. Телефон для смс-напоминания?",
    )
    ps, pp, _value, _groups = phone_secret(d)
    dictate(d, ps, pp, "customer", d.pick(["", "Записывайте: ", "Мобильный "]))
    if d.rng.random() < 0.5:
        d.a("СНИЛС тоже назовите, он нужен для электронной карты.")
        sn = snils(d.rng)
        s2 = d.secret("snils", sn)
        d.c(
            d.pick(["Так, ", "", "Секунду... "]),
            s2.span(
                d.pick(
                    [
                        f"{sn[:3]}-{sn[3:6]}-{sn[6:9]} {sn[9:]}",
                        f"{sn[:3]} {sn[3:6]} {sn[6:9]} {sn[9:]}",
                        say_groups(split_groups(sn, [3, 3, 3, 2]), "ru", d.rng, "num"),
                    ]
                )
            ),
            ".",
        )
    d.a("По ОМС бесплатно; консультация без полиса ", K("price", price(d)), ".")


def ru_insurance_claim(d: Dialog) -> None:
    d.a("Страховая компания, отдел урегулирования убытков, слушаю.")
    d.c("Здравствуйте, у меня ДТП было, хочу заявить убыток.")
    d.a("Номер полиса ОСАГО назовите.")
    d.c("ХХХ ", K("policy_osago", rnd_digits(d.rng, 10, "0")), ".")
    d.a("Дата и время ДТП?")
    d.c(K("date", day(d)), ", примерно в ", K("time", clock(d)), ".")
    d.a("Паспорт страхователя: серия и номер?")
    p = passport_ru(d.rng)
    sec = d.secret("passport", p)
    if d.rng.random() < 0.5:
        d.c("Серия ", sec.span(f"{p[:2]} {p[2:4]}"), "...")
        d.a("Угу.")
        d.c(
            "Номер ",
            sec.span(say_groups(split_groups(p[4:], [3, 3]), "ru", d.rng, d.pick(["num", "digits", "dig"]))),
            ".",
        )
    else:
        d.c(sec.span(say_groups([p[:2], p[2:4], p[4:7], p[7:]], "ru", d.rng)), ".")
    d.a("Номер убытка ", K("claim", ref_number(d)), ". Куда прислать документы, на почту?")
    email_secret(d, "customer", d.pick(["Да, ", "Пишите: ", "Почта "]))
    d.a(
        "Ущерб оценим в течение ",
        K("quantity", "20"),
        " дней, предварительно до ",
        K("amount", price(d)),
        ".",
    )


def ru_utilities(d: Dialog) -> None:
    d.a("Расчётный центр, здравствуйте.")
    d.c("Здравствуйте, хочу передать показания счётчиков.")
    d.a("Лицевой счёт?")
    d.c(f"{rnd_digits(d.rng, 9, '1')}.")
    d.a("Показания горячей воды?")
    d.c(
        K("meter", f"{rnd_digits(d.rng, 5, '0')}"),
        ", холодная ",
        K(
            "meter",
            d.pick([f"{d.rng.randrange(100, 900)},{d.rng.randrange(1, 9)}", f"{rnd_digits(d.rng, 4, '1')}"]),
        ),
        ".",
    )
    d.a(
        "Принято. Начислено за прошлый месяц ", K("amount", price(d)), ". Хотите получать квитанции на почту?"
    )
    email_secret(d, "customer", d.pick(["Да, давайте. ", "Ну, можно. ", ""]))
    if d.rng.random() < 0.6:
        d.a("И телефон для уведомлений об отключениях.")
        ps, pp, value, groups = phone_secret(d)
        dictate(d, ps, pp, "customer", "")
        if d.rng.random() < 0.5:
            readback(d, ps, value, groups)
    d.a("Льгота по СНИЛС оформлена? Назовите СНИЛС, проверю.")
    sn = snils(d.rng)
    s2 = d.secret("snils", sn)
    dictate(d, s2, split_groups(sn, [3, 3, 3, 2]), "customer", d.pick(["", "Так, ", "СНИЛС "]))
    d.a("Субсидия ", K("percent", d.pick(["30 %", "50%", "двадцать процентов"])), ", со следующего месяца.")


def ru_airline(d: Dialog) -> None:
    d.a("Авиакомпания, бронирование, здравствуйте.")
    d.c("Здравствуйте, хочу купить билет до Сочи на ", K("date", day(d)), ".")
    flight = str(d.rng.randrange(1000, 1999))
    d.a(
        "Есть рейс SU ",
        K("flight", flight),
        ", вылет в ",
        K("time", clock(d)),
        ", тариф ",
        K("price", price(d)),
        ". Данные загранпаспорта или паспорта РФ?",
    )
    p = passport_ru(d.rng)
    sec = d.secret("passport", p)
    d.c(
        "Паспорт РФ: ",
        sec.span(
            d.pick(
                [
                    f"{p[:4]} {p[4:]}",
                    f"{p[:2]} {p[2:4]} {p[4:]}",
                    say_groups([p[:2], p[2:4], p[4:6], p[6:8], p[8:]], "ru", d.rng, "num"),
                ]
            )
        ),
        ".",
    )
    d.a("Электронную почту для маршрутной квитанции продиктуйте, пожалуйста.")
    email_secret(d, "customer", d.pick(["", "Да, ", "Так, "]))
    d.a("Телефон пассажира?")
    ps, pp, _value, _groups = phone_secret(d)
    dictate(d, ps, pp, "customer", "")
    d.a(
        "Бронь оформлена, номер заказа ",
        K("order", ref_number(d)),
        ". Вопросы — по ",
        K("hotline", hotline(d)),
        ".",
    )


def ru_marketplace_return(d: Dialog) -> None:
    d.c(
        d.pick(
            [
                "Здравствуйте, я хочу вернуть товар, он пришёл бракованный.",
                "Алло, мне кроссовки не подошли, как вернуть?",
            ]
        )
    )
    d.a("Номер заказа, пожалуйста.")
    d.c(d.pick(["Заказ ", "Номер заказа ", "Э-э, "]), K("order", ref_number(d)), ".")
    d.a(
        "Сумма к возврату ",
        K("amount", price(d)),
        ". Деньги вернём на карту, с которой платили, или на другую?",
    )
    if d.rng.random() < 0.6:
        d.c("На другую, ту я закрыла. Номер карты...")
        sec, pieces, card = card_secret(d)
        dictate(d, sec, pieces, "customer", "")
        if d.rng.random() < 0.5:
            readback(d, sec, card, [len(g) for g in card_groups(card)])
    else:
        d.c("На ту же.")
    d.a("Чек на почту отправить? Можно ваш адрес электронной почты для чека?")
    email_secret(d, "customer", d.pick(["Да, ", "", "Конечно: "]))
    d.a("Курьер заберёт ", K("date", day(d)), ". Срок возврата до ", K("quantity", "10"), " рабочих дней.")


def ru_subscription_cancel(d: Dialog) -> None:
    d.a("Онлайн-кинотеатр, поддержка, здравствуйте.")
    d.c(
        "Здравствуйте, хочу отменить подписку, с меня списали ", K("amount", price(d)), ", а я не продлевала."
    )
    d.a("Найду вас по почте или номеру телефона. Что удобнее?")
    if d.rng.random() < 0.5:
        email_secret(d, "customer", d.pick(["По почте: ", "Почта ", ""]))
    else:
        ps, pp, value, groups = phone_secret(d)
        dictate(d, ps, pp, "customer", d.pick(["По телефону, ", "Телефон ", ""]))
        readback(d, ps, value, groups)
    d.a(
        "Вижу подписку с ",
        K("date", day(d)),
        ", тариф ",
        K("price", price(d)),
        " в месяц. Отключаю. Деньги вернём в течение ",
        K("quantity", "5"),
        " дней.",
    )
    if d.rng.random() < 0.5:
        d.c(
            "А карту можно отвязать? Она на ",
            d.rng.choice(["4", "5", "2"]) + rnd_digits(d.rng, 3),
            " заканчивается.",
        )
        d.a("Отвязала.")


def ru_debt_collection(d: Dialog) -> None:
    d.a("Добрый день, коллекторское агентство «Актив», меня зовут Олег. Я говорю с Петровым Сергеем?")
    d.c("Ну, допустим.")
    d.a(
        "По договору № ",
        K("contract", ref_number(d)),
        " задолженность ",
        K("amount", price(d)),
        ", просрочка ",
        K("quantity", str(d.rng.randrange(30, 200))),
        " дней. Для подтверждения личности назовите ИНН.",
    )
    inn = inn_person(d.rng)
    sec = d.secret("inn", inn)
    f = d.rng.randrange(3)
    if f == 0:
        d.c(sec.span(inn), ".")
    elif f == 1:
        d.c("Ну, ", sec.span(say_groups(split_groups(inn, [4, 4, 4]), "ru", d.rng, "num")), ".")
    else:
        dictate(d, sec, split_groups(inn, [2, 2, 2, 3, 3]), "customer", "ИНН ")
    d.a("Ставка пени ", K("percent", "0,1 %"), " в день. Куда выслать график платежей? Телефон?")
    ps, pp, _value, _groups = phone_secret(d)
    dictate(d, ps, pp, "customer", d.pick(["Ну пишите, ", "", "Э-э, "]))
    d.a(
        "Оплатить можно до ",
        K("date", day(d)),
        ", реквизиты пришлю. Наш номер ",
        K("hotline", hotline(d)),
        ".",
    )


def ru_tax_office(d: Dialog) -> None:
    d.a("Налоговая инспекция, справочная, здравствуйте.")
    d.c("Здравствуйте, мне пришло требование на ", K("amount", price(d)), ", не понимаю за что.")
    d.a("Назовите ИНН, пожалуйста.")
    inn = inn_person(d.rng)
    sec = d.secret("inn", inn)
    dictate(
        d,
        sec,
        [say_group(g, "ru", d.rng, d.pick(["digits", "num", "dig"])) for g in split_groups(inn, [4, 4, 4])],
        "customer",
        d.pick(["", "Мой ИНН ", "Сейчас... "]),
    )
    d.a(
        "Вижу. Это налог на имущество за ",
        K("year", "2023"),
        " год. Работодатель удерживал НДФЛ? Назовите ИНН организации.",
    )
    d.c(
        "ИНН компании ",
        K("company_inn", inn_company(d.rng)),
        ", КПП ",
        K("kpp", f"7701{rnd_digits(d.rng, 5, '0')}"),
        ".",
    )
    d.a("Для ответа письменно нужен СНИЛС и электронная почта.")
    sn = snils(d.rng)
    s2 = d.secret("snils", sn)
    d.c("СНИЛС ", s2.span(f"{sn[:3]}-{sn[3:6]}-{sn[6:9]} {sn[9:]}"), ", а почта...")
    email_secret(d, "customer", "")
    d.a("Ответ в течение ", K("quantity", "30"), " дней, номер обращения ", K("ticket", ref_number(d)), ".")


def ru_car_service(d: Dialog) -> None:
    d.a("Автосервис «Мотор», здравствуйте.")
    d.c(
        "Здравствуйте, хочу записаться на ТО, пробег ",
        K("mileage", d.pick(["87 500", "62 000", "сто двадцать тысяч"])),
        " километров.",
    )
    d.a(
        "Есть ",
        K("date", day(d)),
        " на ",
        K("time", clock(d)),
        ". Стоимость ТО ",
        K("price", price(d)),
        ". Водительское удостоверение нужно для оформления заказ-наряда: серия и номер?",
    )
    vu = rnd_digits(d.rng, 2, "1234579") + rnd_digits(d.rng, 2) + rnd_digits(d.rng, 6)
    sec = d.secret("licence", vu)
    dictate(
        d,
        sec,
        [vu[:2], vu[2:4], vu[4:]]
        if d.rng.random() < 0.5
        else [say_group(g, "ru", d.rng, "num") for g in (vu[:2], vu[2:4], vu[4:7], vu[7:])],
        "customer",
        d.pick(["Права: ", "Водительское ", ""]),
    )
    d.a("И телефон, мастер перезвонит.")
    ps, pp, _value, _groups = phone_secret(d)
    dictate(d, ps, pp, "customer", "")
    d.a("Заказ-наряд ", K("order", ref_number(d)), ". Ждём вас.")


def ru_phone_payment(d: Dialog) -> None:
    d.a("Интернет-провайдер, отдел оплаты. Оплатим по телефону?")
    d.c("Да, за ", K("quantity", "три"), " месяца, счёт ", K("invoice", ref_number(d)), ".")
    d.a("Сумма ", K("amount", price(d)), ". Продиктуйте номер карты.")
    sec, pieces, card = card_secret(d)
    dictate(d, sec, pieces, "customer", "")
    d.a("Срок действия?")
    d.c(f"{d.rng.randrange(1, 13):02d}/{d.rng.randrange(26, 31)}.")
    if len(card) == 15:
        d.a("И четыре цифры кода на лицевой стороне, над номером.")
    else:
        d.a(d.pick(["И три цифры на обороте.", "CVC-код, пожалуйста.", "Код с обратной стороны карты?"]))
    cs, surf = cvv_secret(d, card)
    d.c(d.pick(["", "Э-э, ", "Код "]), cs.span(surf), ".")
    if d.rng.random() < 0.3:
        d.a("", cs.span(surf), ", верно?")
        d.c("Да.")
    d.a("Оплата прошла, квитанция на почту.")
    if d.rng.random() < 0.5:
        d.c("Почта у вас есть, но поменялась, запишите новую: ")
        email_secret(d, "customer", "")


def ru_bank_transfer(d: Dialog) -> None:
    d.a("Банк, операционный отдел, слушаю.")
    d.c("Здравствуйте, мне должны вернуть деньги, сказали продиктовать счёт.")
    d.a("Номер счёта получателя, двадцать цифр.")
    acc = ru_account(d.rng)
    sec = d.secret("account", acc)
    dictate(d, sec, split_groups(acc, [5, 3, 1, 4, 7]), "customer", d.pick(["", "Счёт ", "Так, "]))
    d.a("БИК банка?")
    d.c("БИК ", K("bik", "0445" + rnd_digits(d.rng, 5)), ".")
    d.a("Сумма возврата ", K("amount", price(d)), ", поступит до ", K("date", day(d)), ". Для связи телефон?")
    ps, pp, _value, _groups = phone_secret(d)
    dictate(d, ps, pp, "customer", "")


# --- English positive scenarios ------------------------------------------------------------------------


def en_ssn(d: Dialog, lead: str, last4: bool = False) -> None:
    v = ssn(d.rng)
    sec = d.secret("ssn", v[-4:] if last4 else v)
    if last4:
        d.c(lead, sec.span(say_group(v[-4:], "en", d.rng, d.pick(["digits", "num", "dig"]))), ".")
        d.tag("ssn_last4")
        return
    f = d.rng.randrange(3)
    if f == 0:
        d.c(lead, sec.span(f"{v[:3]}-{v[3:5]}-{v[5:]}"), ".")
    else:
        dictate(
            d,
            sec,
            [say_group(g, "en", d.rng, d.pick(["digits", "num", "dig"])) for g in (v[:3], v[3:5], v[5:])],
            "customer",
            lead,
        )


def en_bank_card_block(d: Dialog) -> None:
    d.a(
        d.pick(
            [
                "Thank you for calling First Harbor Bank, this is Dana, how can I help?",
                "Card services, my name is Luis.",
            ]
        )
    )
    d.c(
        d.pick(
            [
                "Hi, uh, my wallet got stolen, I need to freeze my card.",
                "Yeah, hi, I think someone's using my debit card.",
            ]
        )
    )
    d.a(
        d.pick(
            [
                "Can I have the full card number, please?",
                "Okay, what's the card number?",
                "Go ahead with the sixteen digits on the front.",
            ]
        )
    )
    sec, pieces, _card = card_secret(d)
    dictate(d, sec, pieces, "customer", d.pick(["Sure, it's ", "", "Um, ", "Okay so "]))
    if d.rng.random() < 0.5:
        d.a("And the last four of your social?")
        en_ssn(d, d.pick(["", "It's ", "Uh, "]), last4=True)
    d.a(
        "I see a charge of ",
        K("amount", price(d)),
        " on ",
        K("date", day(d)),
        " at ",
        K("time", clock(d)),
        ". Was that you?",
    )
    d.c("No, definitely not.")
    d.a("Card is frozen. Your dispute number is ", K("ticket", ref_number(d)), ".")
    if d.rng.random() < 0.7:
        d.a(d.pick(["What's the best number to call you back on?", "Is there a good callback number?"]))
        ps, pp, _, _ = phone_secret(d)
        dictate(d, ps, pp, "customer", d.pick(["Yeah, it's ", "My cell is ", "", "Uh, "]))
    d.a("You can also reach us 24/7 at ", K("hotline", hotline(d)), ".")


def en_sim_swap(d: Dialog) -> None:
    d.a("Metro Mobile, this is Kevin.")
    d.c("Hi, I got a new phone and need my number moved to a new SIM.")
    d.a("Sure, what's the number on the account?")
    ps, pp, value, groups = phone_secret(d)
    dictate(d, ps, pp, "customer", d.pick(["It's ", "", "Uh, "]))
    if d.rng.random() < 0.6:
        readback(d, ps, value, groups)
    if d.rng.random() < 0.5:
        d.a("To verify, can I get your full Social Security number?")
        en_ssn(d, d.pick(["Okay, ", "", "Um, it's "]))
    else:
        d.a("For verification, the last four of the account holder's social?")
        en_ssn(d, "", last4=True)
    d.a(
        "Done. Your plan stays at ",
        K("price", price(d)),
        " a month, the order number is ",
        K("order", ref_number(d)),
        ".",
    )


def en_courier_address(d: Dialog) -> None:
    d.c("Hi, I have a package coming and I need to change the delivery address.")
    d.a("No problem, what's the tracking number?")
    d.c("It's ", K("tracking", tracking(d)), ".")
    d.a(
        "Scheduled for ",
        K("date", day(d)),
        " between ",
        K("time", clock(d)),
        " and ",
        K("time", clock(d)),
        ". New address?",
    )
    d.c(
        f"{d.rng.randrange(10, 9000)} Maple Street, apartment {d.rng.randrange(1, 40)}, "
        f"zip {rnd_digits(d.rng, 5, '123456789')}."
    )
    d.a(d.pick(["And a phone number the driver can reach you at?", "Best contact number for the driver?"]))
    ps, pp, value, groups = phone_secret(d)
    dictate(d, ps, pp, "customer", d.pick(["Sure, ", "It's ", "", "Yeah, my cell, "]))
    if d.rng.random() < 0.5:
        readback(d, ps, value, groups)
    d.a("Updated. There's a redelivery fee of ", K("price", price(d)), ".")


def en_clinic(d: Dialog) -> None:
    d.a("Riverside Medical, how can I help?")
    d.c("Hi, I'd like to book an appointment with Dr. Patel.")
    if d.rng.random() < 0.5:
        d.a("Can I have your NHS number?")
        v = nhs_number(d.rng)
        sec = d.secret("nhs", v)
        dictate(
            d,
            sec,
            [say_group(g, "en", d.rng, d.pick(["digits", "num", "dig"])) for g in (v[:3], v[3:6], v[6:])],
            "customer",
            d.pick(["Yes, ", "", "It's "]),
        )
    else:
        d.a("What's your insurance member ID?")
        v = rnd_digits(d.rng, 9, "123456789")
        sec = d.secret("member_id", v)
        d.c("It's W", sec.span(say_groups(split_groups(v, [3, 3, 3]), "en", d.rng)), ".")
    d.a(
        "I have ",
        K("date", day(d)),
        " at ",
        K("time", clock(d)),
        ". The copay is ",
        K("price", price(d)),
        ". Phone number for reminders?",
    )
    ps, pp, _value, _groups = phone_secret(d)
    dictate(d, ps, pp, "customer", "")
    if d.rng.random() < 0.5:
        d.a("And an email for the patient portal?")
        email_secret(d, "customer", d.pick(["Sure, ", "", "Yeah, it's "]))


def en_insurance_claim(d: Dialog) -> None:
    d.a("Summit Insurance claims, this is Rachel.")
    d.c("Hi, a tree fell on my garage and I want to file a claim.")
    d.a("Policy number?")
    # a homeowner's policy is "a person's insurance policy" (an [ID] by the README): counted neither way
    d.c(f"HO-{rnd_digits(d.rng, 8, '1')}.")
    d.a("When did it happen?")
    d.c(K("date", day(d)), ", around ", K("time", clock(d)), ".")
    d.a("To verify, your date of birth and the last four of your social?")
    d.c(f"March {d.rng.randrange(1, 28)}, 19{d.rng.randrange(50, 99)}, and...")
    en_ssn(d, "", last4=True)
    d.a(
        "Your claim number is ",
        K("claim", ref_number(d)),
        ". Deductible is ",
        K("price", price(d)),
        ". Where should we email the adjuster's report?",
    )
    email_secret(d, "customer", d.pick(["", "Uh, ", "Send it to "]))


def en_utilities(d: Dialog) -> None:
    d.a("City Power and Light, how can I help you?")
    d.c("Hi, I need to give a meter reading, my bill is way too high.")
    d.a("Go ahead with the reading.")
    d.c("It says ", K("meter", rnd_digits(d.rng, 5, "0123")), ".")
    d.a(
        "Okay, your last bill was ",
        K("amount", price(d)),
        " for ",
        K("quantity", str(d.rng.randrange(300, 1500))),
        " kilowatt hours. I'll adjust it. Number for outage texts?",
    )
    ps, pp, value, groups = phone_secret(d)
    dictate(d, ps, pp, "customer", d.pick(["", "Sure, ", "Use my cell, "]))
    if d.rng.random() < 0.5:
        readback(d, ps, value, groups)
    d.a("And an email for paperless billing?")
    email_secret(d, "customer", d.pick(["Yeah, ", "", "Okay, "]))


def en_airline(d: Dialog) -> None:
    d.a("SkyWest reservations, this is Tom.")
    d.c("Hi, I need to book a flight to Denver on ", K("date", day(d)), ".")
    d.a(
        "Flight ",
        K("flight", f"UA {d.rng.randrange(200, 2000)}"),
        " departs at ",
        K("time", clock(d)),
        ", fare ",
        K("price", price(d)),
        ". For international travel I need your passport number.",
    )
    v = rnd_digits(d.rng, 9, "5")
    sec = d.secret("passport", v)
    dictate(
        d,
        sec,
        [say_group(g, "en", d.rng, d.pick(["digits", "num", "dig"])) for g in (v[:3], v[3:6], v[6:])],
        "customer",
        d.pick(["It's ", "Okay, ", ""]),
    )
    d.a("Email for the e-ticket?")
    email_secret(d, "customer", "")
    d.a(
        "Confirmation code is KX7 ... and the ticket number ",
        K("ticket", "016 " + rnd_digits(d.rng, 10)),
        ".",
    )


def en_marketplace_return(d: Dialog) -> None:
    d.c("Hi, I want to return a blender, it arrived broken.")
    d.a("Sorry about that. Order number?")
    d.c(K("order", "1" + rnd_digits(d.rng, 2) + "-" + rnd_digits(d.rng, 7) + "-" + rnd_digits(d.rng, 7)), ".")
    d.a("Refund of ", K("amount", price(d)), ". To the original card or a different one?")
    if d.rng.random() < 0.6:
        d.c("A different one, the old one expired. The number is...")
        sec, pieces, card = card_secret(d)
        dictate(d, sec, pieces, "customer", "")
        if d.rng.random() < 0.5:
            readback(d, sec, card, [len(g) for g in card_groups(card)])
    else:
        d.c("Original is fine.")
    d.a("Can I get an email for the return label?")
    email_secret(d, "customer", d.pick(["", "Sure, ", "It's "]))
    d.a("Drop it off by ", K("date", day(d)), ".")


def en_subscription_cancel(d: Dialog) -> None:
    d.a("StreamBox support, this is Ava.")
    d.c(
        "I want to cancel, I was charged ",
        K("amount", price(d)),
        " and I never signed up for the annual plan.",
    )
    d.a("Can I find you by email or phone?")
    if d.rng.random() < 0.5:
        email_secret(d, "customer", d.pick(["Email, ", "It's ", ""]))
    else:
        ps, pp, _value, _groups = phone_secret(d)
        dictate(d, ps, pp, "customer", d.pick(["Phone, ", "", "Try "]))
    d.a(
        "Found you. Cancelled effective ",
        K("date", day(d)),
        ", refund in ",
        K("quantity", "5"),
        " to ",
        K("quantity", "7"),
        " business days.",
    )


def en_debt_collection(d: Dialog) -> None:
    d.a(
        "This is Crestline Recovery calling about account ",
        K("account_ref", ref_number(d)),
        ". Am I speaking with Mr. Hayes?",
    )
    d.c("Yeah, what's this about?")
    d.a(
        "There's a balance of ",
        K("amount", price(d)),
        ", ",
        K("quantity", str(d.rng.randrange(60, 200))),
        " days past due. I need to verify your identity, your full social please.",
    )
    en_ssn(d, d.pick(["Fine. ", "Ugh, okay, ", ""]))
    d.a(
        "We can settle for ",
        K("percent", d.pick(["60%", "seventy percent"])),
        " if paid by ",
        K("date", day(d)),
        ". Number to reach you?",
    )
    ps, pp, _value, _groups = phone_secret(d)
    dictate(d, ps, pp, "customer", "")


def en_tax_office(d: Dialog) -> None:
    d.a(
        "IRS taxpayer assistance, this is agent Brooks, ID number ",
        K("agent_id", rnd_digits(d.rng, 8, "1")),
        ".",
    )
    d.c("Hi, I got a notice saying I owe ", K("amount", price(d)), " for ", K("year", "2022"), ".")
    d.a("I'll need your Social Security number.")
    en_ssn(d, d.pick(["Okay, ", "It's ", ""]))
    d.a("Thanks. The notice is CP ", K("notice", "2000"), ". The employer's EIN on your W-2?")
    d.c(K("ein", f"{rnd_digits(d.rng, 2, '1')}-{rnd_digits(d.rng, 7)}"), ".")
    d.a("Call back number?")
    ps, pp, _value, _groups = phone_secret(d)
    dictate(d, ps, pp, "customer", "")


def en_car_service(d: Dialog) -> None:
    d.a("Precision Auto, service desk.")
    d.c(
        "Hi, I need an oil change and brakes looked at, car has ",
        K("mileage", d.pick(["87,500", "62000", "forty-two thousand"])),
        " miles.",
    )
    d.a(
        "I have ",
        K("date", day(d)),
        " at ",
        K("time", clock(d)),
        ". Estimate ",
        K("price", price(d)),
        ". For the loaner I need your driver's license number.",
    )
    v = d.rng.choice("ABDFGHKMS") + rnd_digits(d.rng, 7, "1")
    sec = d.secret("licence", v)
    d.c("It's ", sec.span(f"{v[0]} {say_groups(split_groups(v[1:], [3, 4]), 'en', d.rng)}"), ".")
    d.a("Phone number?")
    ps, pp, _value, _groups = phone_secret(d)
    dictate(d, ps, pp, "customer", "")
    d.a("Work order ", K("order", ref_number(d)), ".")


def en_phone_payment(d: Dialog) -> None:
    d.a(
        "Billing department, you're paying invoice ",
        K("invoice", ref_number(d)),
        " for ",
        K("amount", price(d)),
        "?",
    )
    d.c("Yes.")
    d.a("Card number please.")
    sec, pieces, card = card_secret(d)
    dictate(d, sec, pieces, "customer", "")
    d.a("Expiration?")
    d.c(f"{d.rng.randrange(1, 13):02d}/{d.rng.randrange(26, 31)}.")
    d.a(
        d.pick(["And the three-digit code on the back?", "Security code?", "And the CVV?"])
        if len(card) == 16
        else "And the four-digit code on the front?"
    )
    cs, surf = cvv_secret(d, card)
    d.c(d.pick(["", "Uh, ", "It's "]), cs.span(surf), ".")
    if d.rng.random() < 0.3:
        d.a("", cs.span(surf), ", thanks.")
    d.a("Payment approved.")


def en_bank_transfer(d: Dialog) -> None:
    d.a("Northbank international transfers.")
    d.c("Hi, I need to receive a refund from Germany, they asked for my IBAN.")
    d.a("Go ahead, I'll confirm it's valid.")
    v = iban(d.rng)
    sec = d.secret("iban", v)
    groups = [v[i : i + 4] for i in range(0, len(v), 4)]
    dictate(d, sec, groups, "customer", d.pick(["It's ", "", "Okay, "]))
    d.a("Valid. Amount ", K("amount", price(d)), ". Phone for the confirmation?")
    ps, pp, _value, _groups2 = phone_secret(d)
    dictate(d, ps, pp, "customer", "")


# --- negative scenarios: no personal data, many numbers that must stay ------------------------------


def ru_neg_order_status(d: Dialog) -> None:
    d.c(d.pick(["Здравствуйте, где мой заказ?", "Алло, э-э, заказ не пришёл до сих пор."]))
    d.a("Назовите номер заказа.")
    d.c(d.pick(["Номер заказа ", "Заказ ", "Ну, "]), K("order", ref_number(d)), ".")
    d.a(
        "Заказ на ",
        K("amount", price(d)),
        ", ",
        K("quantity", str(d.rng.randrange(2, 9))),
        " позиции, передан в доставку ",
        K("date", day(d)),
        ". Трек-номер ",
        K("tracking", tracking(d)),
        ".",
    )
    d.c("А во сколько привезут?")
    d.a(
        "С ",
        K("time", clock(d)),
        " до ",
        K("time", clock(d)),
        ". Если что, звоните на ",
        K("hotline", hotline(d)),
        ".",
    )


def ru_neg_requisites(d: Dialog) -> None:
    d.c("Здравствуйте, бухгалтерия ООО «Ромашка», нам нужны ваши реквизиты для оплаты счёта.")
    d.a(
        "Записывайте: ИНН ",
        K("company_inn", inn_company(d.rng)),
        ", КПП ",
        K("kpp", "7701" + rnd_digits(d.rng, 5, "0")),
        ".",
    )
    d.c(d.back())
    d.a(
        "ОГРН ",
        K("ogrn", "10277" + rnd_digits(d.rng, 8)),
        ", БИК ",
        K("bik", "0445" + rnd_digits(d.rng, 5)),
        ".",
    )
    d.c(
        "Счёт номер ",
        K("invoice", ref_number(d)),
        " на ",
        K("amount", price(d)),
        ", НДС ",
        K("percent", "20 %"),
        ", правильно?",
    )
    d.a("Да, оплатить до ", K("date", day(d)), ".")


def ru_neg_meter(d: Dialog) -> None:
    d.c("Хочу передать показания, электричество.")
    d.a("Говорите.")
    d.c(
        "День ",
        K("meter", rnd_digits(d.rng, 5, "0123")),
        ", ночь ",
        K("meter", rnd_digits(d.rng, 4, "1234")),
        ".",
    )
    d.a(
        "Принято. Тариф ",
        K("price", f"{d.rng.randrange(4, 9)},{d.rng.randrange(10, 99)}"),
        " за киловатт, к оплате ",
        K("amount", price(d)),
        " до ",
        K("date", day(d)),
        ".",
    )
    d.c("А пени сколько?")
    d.a(K("percent", d.pick(["1/300 ставки", "0,5 %", "семь процентов"])), ", но у вас долга нет.")


def ru_neg_flight(d: Dialog) -> None:
    d.c(
        "Здравствуйте, у меня рейс ",
        K("flight", f"SU {d.rng.randrange(1000, 2999)}"),
        " перенесли, что делать?",
    )
    d.a("Номер билета подскажите.")
    d.c(K("ticket", "555 " + rnd_digits(d.rng, 10)), ".")
    d.a(
        "Новый вылет ",
        K("date", day(d)),
        " в ",
        K("time", clock(d)),
        ". Доплата ",
        K("price", price(d)),
        " или бесплатный возврат в течение ",
        K("quantity", "24"),
        " часов.",
    )
    d.c("А багаж ", K("quantity", "23"), " килограмма остаётся?")
    d.a("Да. Справочная ", K("hotline", hotline(d)), ".")


def ru_neg_tariff(d: Dialog) -> None:
    d.c("Хочу сменить тариф, мне ", K("quantity", "30"), " гигабайт мало.")
    d.a(
        "Есть тариф на ",
        K("quantity", "50"),
        " гигабайт за ",
        K("price", price(d)),
        " и безлимит за ",
        K("price", price(d)),
        ".",
    )
    d.c("Давайте первый. С какого числа?")
    d.a(
        "С ",
        K("date", day(d)),
        ", заявка ",
        K("ticket", ref_number(d)),
        ", скидка ",
        K("percent", d.pick(["15%", "десять процентов"])),
        " на ",
        K("quantity", "три"),
        " месяца.",
    )


def ru_neg_contract(d: Dialog) -> None:
    d.c(
        "Добрый день, по договору ",
        K("contract", f"№ {rnd_digits(d.rng, 2, '1')}-{rnd_digits(d.rng, 5)}"),
        " хочу узнать остаток.",
    )
    d.a(
        "Остаток ",
        K("amount", price(d)),
        ", ставка ",
        K("percent", "12,9 %"),
        ", следующий платёж ",
        K("date", day(d)),
        " на ",
        K("amount", price(d)),
        ".",
    )
    d.c("А досрочно погасить?")
    d.a(
        "Можно с ",
        K("date", day(d)),
        ", заявка по номеру ",
        K("hotline", hotline(d)),
        ", код отделения ",
        K("branch", rnd_digits(d.rng, 4, "1")),
        ".",
    )


def en_neg_order_status(d: Dialog) -> None:
    d.c(d.pick(["Hi, my order still hasn't shown up.", "Hey, uh, where's my package?"]))
    d.a("What's the order number?")
    d.c(K("order", ref_number(d)), ".")
    d.a(
        "That's ",
        K("quantity", str(d.rng.randrange(2, 9))),
        " items totaling ",
        K("amount", price(d)),
        ", shipped ",
        K("date", day(d)),
        ", tracking number ",
        K("tracking", tracking(d)),
        ".",
    )
    d.c("When will it get here?")
    d.a(
        "Between ",
        K("time", clock(d)),
        " and ",
        K("time", clock(d)),
        ". Our line is ",
        K("hotline", hotline(d)),
        ".",
    )


def en_neg_invoice(d: Dialog) -> None:
    d.c(
        "Hi, I'm calling about invoice ",
        K("invoice", ref_number(d)),
        ", it says ",
        K("amount", price(d)),
        ".",
    )
    d.a("Right, that includes ", K("percent", "8.5%"), " tax and a late fee of ", K("price", price(d)), ".")
    d.c("Can I pay by ", K("date", day(d)), "?")
    d.a(
        "Sure. Wire to routing number ",
        rnd_digits(d.rng, 9, "0"),
        ", our account, reference ",
        K("reference", ref_number(d)),
        ".",
    )


def en_neg_meter(d: Dialog) -> None:
    d.c("I want to submit my gas reading.")
    d.a("Go ahead.")
    d.c(
        K("meter", rnd_digits(d.rng, 5, "0123")),
        ", and the electric is ",
        K("meter", rnd_digits(d.rng, 5, "0123")),
        ".",
    )
    d.a(
        "Thanks, estimated bill ",
        K("amount", price(d)),
        ", due ",
        K("date", day(d)),
        ", that's ",
        K("percent", "12%"),
        " lower.",
    )


def en_neg_flight(d: Dialog) -> None:
    d.c("Hi, my flight ", K("flight", f"DL {d.rng.randrange(100, 2999)}"), " got cancelled.")
    d.a("Ticket number?")
    d.c(K("ticket", "006 " + rnd_digits(d.rng, 10)), ".")
    d.a(
        "I can rebook you on ",
        K("date", day(d)),
        " at ",
        K("time", clock(d)),
        ", no fee, or a voucher for ",
        K("price", price(d)),
        ".",
    )
    d.c("Rebook please. Seat 14C if possible.")
    d.a("Done, call ", K("hotline", hotline(d)), " if anything changes.")


def en_neg_plan(d: Dialog) -> None:
    d.c("I'd like to upgrade to the ", K("quantity", "50"), " gig plan.")
    d.a(
        "That's ",
        K("price", price(d)),
        " a month, ",
        K("percent", "20 percent"),
        " off for ",
        K("quantity", "twelve"),
        " months, starting ",
        K("date", day(d)),
        ".",
    )
    d.c("And my ticket from last week, ", K("ticket", ref_number(d)), "?")
    d.a("Closed on ", K("date", day(d)), ". Anything else?")


def en_neg_claim(d: Dialog) -> None:
    d.c("Checking on claim ", K("claim", ref_number(d)), ".")
    d.a(
        "Approved for ",
        K("amount", price(d)),
        " after the ",
        K("price", price(d)),
        " deductible, check mailed ",
        K("date", day(d)),
        ".",
    )
    d.c("Policy ", K("policy", "AU-" + rnd_digits(d.rng, 8, "1")), " renews when?")
    d.a(K("date", day(d)), ", premium goes up ", K("percent", "4.2%"), ".")


POS = {
    "ru": [
        ("bank_card_block", ru_bank_card_block),
        ("sim_swap", ru_sim_swap),
        ("courier_address", ru_courier_address),
        ("clinic_appointment", ru_clinic),
        ("insurance_claim", ru_insurance_claim),
        ("utilities_meter", ru_utilities),
        ("airline_booking", ru_airline),
        ("marketplace_return", ru_marketplace_return),
        ("subscription_cancel", ru_subscription_cancel),
        ("debt_collection", ru_debt_collection),
        ("tax_office", ru_tax_office),
        ("car_service", ru_car_service),
        ("phone_payment", ru_phone_payment),
        ("bank_transfer", ru_bank_transfer),
    ],
    "en": [
        ("bank_card_block", en_bank_card_block),
        ("sim_swap", en_sim_swap),
        ("courier_address", en_courier_address),
        ("clinic_appointment", en_clinic),
        ("insurance_claim", en_insurance_claim),
        ("utilities_meter", en_utilities),
        ("airline_booking", en_airline),
        ("marketplace_return", en_marketplace_return),
        ("subscription_cancel", en_subscription_cancel),
        ("debt_collection", en_debt_collection),
        ("tax_office", en_tax_office),
        ("car_service", en_car_service),
        ("phone_payment", en_phone_payment),
        ("bank_transfer", en_bank_transfer),
    ],
}
NEG = {
    "ru": [
        ("neg_order_status", ru_neg_order_status),
        ("neg_requisites", ru_neg_requisites),
        ("neg_meter", ru_neg_meter),
        ("neg_flight", ru_neg_flight),
        ("neg_tariff", ru_neg_tariff),
        ("neg_contract", ru_neg_contract),
    ],
    "en": [
        ("neg_order_status", en_neg_order_status),
        ("neg_invoice", en_neg_invoice),
        ("neg_meter", en_neg_meter),
        ("neg_flight", en_neg_flight),
        ("neg_plan", en_neg_plan),
        ("neg_claim", en_neg_claim),
    ],
}


def _secret_ok(case: Case) -> bool:
    raw = raw_output(case.turns)
    readings = [Reading(" \n ".join(raw[0])), Reading(raw[1])]
    for s in case.secrets:
        if not s.spans or not all(secret_readable(s, r) for r in readings):
            return False
        # only this secret's spans redacted: nothing else in the call may say its digits or letters
        red = redact_turns(
            Case(case.cid, case.lang, case.scenario, [], case.turns, False, [s], []), {0: s.placeholder}
        )
        out = raw_output(red)
        if secret_readable(s, Reading(" \n ".join(out[0]))) or secret_readable(s, Reading(out[1])):
            return False
    return True


def _good_keeps(case: Case) -> list[Keep]:
    perfect = redact_turns(case, {i: s.placeholder for i, s in enumerate(case.secrets)})
    p_stored, p_comp = raw_output(perfect)
    p_comp_r = Reading(p_comp)
    good = []
    for k in case.keeps:
        if not keep_digits(k) or k.surface not in case.turns[k.turn][1]:
            continue
        if not keep_readable(k, Reading(case.turns[k.turn][1])) or not keep_readable(
            k, Reading(p_stored[k.turn])
        ):
            continue
        if not keep_readable(k, p_comp_r):
            continue
        if keep_readable(k, Reading(case.turns[k.turn][1].replace(k.surface, "[ID]"))):
            continue
        good.append(k)
    return good


def _build(cid: str, lang: str, name: str, fn: Any, seed: int, negative: bool) -> Case:
    for attempt in range(40):
        d = Dialog(lang, random.Random(seed * 100 + attempt))
        fn(d)
        case = Case(cid, lang, name, d.tags, d.turns, negative, d.secrets, d.keeps)
        if negative or _secret_ok(case):
            case.keeps = _good_keeps(case)
            if attempt:
                case.tags.append(f"retry{attempt}")
            return case
    raise RuntimeError(f"could not build {cid}")


def generate() -> list[Case]:
    rng = random.Random(SEED)
    cases: list[Case] = []
    for lang in ("ru", "en"):
        for i in range(N_POS):
            name, fn = POS[lang][i % len(POS[lang])]
            cases.append(_build(f"pos-{lang}-{i + 1:03d}", lang, name, fn, rng.randrange(1 << 30), False))
        for i in range(N_NEG):
            name, fn = NEG[lang][i % len(NEG[lang])]
            cases.append(_build(f"neg-{lang}-{i + 1:03d}", lang, name, fn, rng.randrange(1 << 30), True))
    return cases


if __name__ == "__main__":
    main()
