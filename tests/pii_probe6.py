"""PII probe 6: a blind test of the redaction on generated contact-centre dialogues.

Written blind: from the README policy ("Text stages: filter, compress, rules, PII") only, without
reading the redaction code, the benchmark generator or the earlier probes. Seeded (SEED) dialogues
in Russian and English, written the way callers talk and telephony Whisper writes them: numbers as
digits with odd grouping, as number words ("две семёрки", "double seven", "oh"), mixed ("восемь 916
пятьсот"), split across turns, read back (with mistakes then corrected), restarted, with fillers and
backchannels. Positive dialogues hold secrets (phones, cards, security codes, e-mails, identity
numbers) and numbers that must stay; negative ones hold no personal data and many numbers that
must stay (orders, contracts, invoices, tracking and ticket numbers, prices, dates, company
INN/KPP/OGRN/BIK).

Leak rule: a secret leaks when 4 of its digits in a row can still be read from the stored segments
(joined) or from the compressed text, as digits or number words; separators, fillers, backchannels
and turn boundaries do not break a run. A card's last four alone do not count; a 3-digit security
code leaks when all 3 can be read. An e-mail leaks when its local part, a distinctive piece of it
(4 characters or more) or 4 of its letters spelled in a row can be read. A number that must stay is
lost when it can no longer be read in its own stored segment or in the compressed text. A secret
that did not leak but sits under another type's placeholder is a wrong-type redaction; a negative
dialogue is touched when any placeholder appears in its stored segments. Kinds the policy is silent
on (postal codes, house and flat numbers, extensions, expiry dates, routing numbers, dates of
birth) appear but are counted neither way.

Run: ``python -m tests.pii_probe6`` (self-check, then the measurement). ``generate``, ``evaluate`` and
``self_check`` are the API a regression guard imports.

Measured blind when written (at 25e6502): 74 of 357 secrets readable (20.7 %; EN 39/176, RU 35/181),
30 of 1 091 must-keep numbers lost, 4 wrong placeholder types, 7 of 100 negative dialogues touched.
Worst: a card read a group a breath ("the first four are ..., the next four are ...", backchannels
between) 12/12; an e-mail dictated a piece a breath 10/10; a phone given instead of the order number
asked for 10/10 (redacted in the compressed text, not in the stored segment); a restart, the abandoned
first attempt left 8/10; the corrected local part said alone 5/12; security codes 10/20 (after a
pause turn, or bare after the expiry); 13 leaks are in the stored segments only, the compressed text
redacted (9 of them the phone for the order; also an INN or SNILS in words over two breaths). Lost:
OSAGO numbers ([ID]/[PHONE]), dictated case/ticket numbers ([PHONE]), a company's INN and KPP
([CARD]), "CDEK-[PHONE]" tracking numbers.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

SEED = 6006
N_POSITIVE = 150  # per language
N_NEGATIVE = 50  # per language
LANGS = ("ru", "en")

PLACEHOLDER = {
    "phone": "[PHONE]",
    "card": "[CARD]",
    "cvv": "[CARD]",
    "email": "[EMAIL]",
    "passport": "[ID]",
    "snils": "[ID]",
    "ssn": "[ID]",
    "inn_person": "[ID]",
    "bank_account": "[ID]",
    "iban": "[ID]",
    "driver_licence": "[ID]",
    "ni_number": "[ID]",
    "medical_policy": "[ID]",
}
PH_RE = re.compile(r"\[(?:PHONE|CARD|EMAIL|ID)\]")


# --------------------------------------------------------------------------------------------
# Cases


@dataclass
class Secret:
    kind: str
    value: str  # digits, an IBAN/NI with letters, or an e-mail address
    spans: list[tuple[int, str]] = field(default_factory=list)  # (turn index, exact surface)
    # the digits that count instead of `value`'s: a phone's national number, so that "8 916" or "+7"
    # alone (a trunk prefix and an operator code) are no leak
    variants: list[str] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)  # e-mail: distinctive pieces as they may be written

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER[self.kind]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass
class Keep:
    kind: str
    surface: str
    turn: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.surface!r}@{self.turn}"


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


@dataclass(frozen=True)
class S:
    """A piece of a turn that says (part of) a secret."""

    key: str
    text: str


@dataclass(frozen=True)
class K:
    """A piece of a turn that is a number which must stay."""

    kind: str
    text: str


Part = str | S | K


class Dialog:
    def __init__(self, lang: str, r: random.Random) -> None:
        self.lang = lang
        self.r = r
        self.turns: list[tuple[str, str]] = []
        self.secrets: dict[str, Secret] = {}
        self.keeps: list[Keep] = []
        self.tags: list[str] = []

    @property
    def ru(self) -> bool:
        return self.lang == "ru"

    def secret(
        self, key: str, kind: str, value: str, variants: Iterable[str] = (), pieces: Iterable[str] = ()
    ) -> str:
        self.secrets[key] = Secret(kind, value, [], list(variants), list(pieces))
        return key

    def say(self, role: str, *parts: Part) -> int:
        idx, text = len(self.turns), ""
        for p in parts:
            if isinstance(p, S):
                self.secrets[p.key].spans.append((idx, p.text))
                text += p.text
            elif isinstance(p, K):
                self.keeps.append(Keep(p.kind, p.text, idx))
                text += p.text
            else:
                text += p
        self.turns.append((role, text))
        return idx

    def a(self, *parts: Part) -> int:
        return self.say("agent", *parts)

    def c(self, *parts: Part) -> int:
        return self.say("customer", *parts)

    def pick(self, ru: Any, en: Any) -> Any:
        """A random choice from the list for this dialogue's language (a plain string is returned)."""
        opts = ru if self.ru else en
        return opts if isinstance(opts, str) else self.r.choice(opts)


# --------------------------------------------------------------------------------------------
# Reader: digits and RU/EN number words -> runs of digits

RU_UNITS = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
RU_TEENS = [
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
    "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать",
]  # fmt: skip
RU_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
           "девяносто"]  # fmt: skip
RU_HUNDREDS = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
               "девятьсот"]  # fmt: skip
EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEENS = [
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
# "две семёрки", "два нуля": the digit as a noun
RU_DIGIT_NOUNS = {
    "0": ["нолик", "нолика", "ноля", "нуля", "ноли", "нули", "нолей", "нулей"],
    "1": ["единица", "единицы", "единичка", "единички"],
    "2": ["двойка", "двойки", "двоек"],
    "3": ["тройка", "тройки", "троек"],
    "4": ["четверка", "четверки", "четверок"],
    "5": ["пятерка", "пятерки", "пятерок"],
    "6": ["шестерка", "шестерки", "шестерок"],
    "7": ["семерка", "семерки", "семерок"],
    "8": ["восьмерка", "восьмерки", "восьмерок"],
    "9": ["девятка", "девятки", "девяток"],
}

NUM: dict[str, tuple[str, int]] = {}
for _i, _w in enumerate(RU_UNITS):
    NUM[_w] = ("unit", _i)
for _i, _w in enumerate(EN_UNITS):
    NUM[_w] = ("unit", _i)
NUM.update({"нуль": ("unit", 0), "oh": ("unit", 0), "одна": ("unit", 1), "одну": ("unit", 1)})
NUM.update({"одно": ("unit", 1), "две": ("unit", 2)})
for _i, _w in enumerate(RU_TEENS + EN_TEENS):
    NUM[_w] = ("teen", 10 + _i % 10)
for _i, _w in enumerate(RU_TENS + EN_TENS):
    if _w:
        NUM[_w] = ("tens", 10 * (_i % 10))
for _i, _w in enumerate(RU_HUNDREDS):
    if _w:
        NUM[_w] = ("hund", 100 * _i)
NUM["hundred"] = ("hundred", 100)
for _w in ("тысяча", "тысячи", "тысяч", "тысячу", "thousand"):
    NUM[_w] = ("thousand", 1000)
for _w in ("double", "дабл"):
    NUM[_w] = ("rep", 2)
NUM["triple"] = ("rep", 3)
for _d, _ws in RU_DIGIT_NOUNS.items():
    for _w in _ws:
        NUM[_w] = ("noun", int(_d))

# Words that do not break a run of digits: fillers, backchannels, hesitations, "and".
FILLERS = frozenset(
    """ну э ээ эээ эм эмм м мм ммм угу ага мгм так вот значит да ок окей хорошо сейчас щас секунду
    секундочку записываю пишу дальше понял поняла понятно ясно ещё еще и это как бы типа короче
    uh um umm er erm ah hm hmm mm mhm huh like so okay ok yeah yes yep right sure got it go on ahead
    and then well let me see it's that's""".split()  # noqa: SIM905
)
ROLE_RE = re.compile(r"(?im)^\s*(?:agent|customer|агент|клиент|оператор)\s*:")
FOLD_RE = re.compile(r"\[×\d+\]")
TOKEN_RE = re.compile(r"\[[a-z_]+\]|\d+|[a-zа-я']+")


def norm(text: str) -> str:
    return text.lower().replace("ё", "е")


def tokens(text: str) -> list[str]:
    text = FOLD_RE.sub(" ", ROLE_RE.sub(" ", text))
    return [t.strip("'") or "'" for t in TOKEN_RE.findall(norm(text))]


class _Run:
    """Compositional reading of one run: "девятьсот шестнадцать" -> 916, "nine sixteen" -> 9|16."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.big = 0  # thousands
        self.cur: int | None = None
        self.slot = ""  # what the current group can still take: "" nothing, "hund", "tens", "unit"
        self.lit = ""  # a pending digit literal (it may take "тысяч")

    def flush(self) -> None:
        if self.lit:
            self.out.append(self.lit)
            self.lit = ""
        if self.cur is not None or self.big:
            self.out.append(str(self.big + (self.cur or 0)))
        self.big, self.cur, self.slot = 0, None, ""

    def literal(self, digits: str) -> None:
        self.flush()
        self.lit = digits

    def word(self, kind: str, v: int) -> None:
        if self.lit and kind != "thousand":
            self.flush()
        if kind == "unit":
            if v == 0:
                self.flush()
                self.out.append("0")
            elif self.cur is not None and self.slot in ("hund", "tens", "unit"):
                self.cur += v
                self.slot = ""
            elif self.cur is None and self.big and self.slot:
                self.cur, self.slot = v, ""
            else:
                self.flush()
                self.cur, self.slot = v, "unit_only"
        elif kind == "teen":
            if self.cur is not None and self.slot in ("hund", "tens"):
                self.cur += v
                self.slot = ""
            elif self.cur is None and self.big and self.slot:
                self.cur, self.slot = v, ""
            else:
                self.flush()
                self.cur, self.slot = v, "teen_only"
        elif kind == "tens":
            if self.cur is not None and self.slot == "hund":
                self.cur += v
                self.slot = "unit"
            elif self.cur is None and self.big and self.slot:
                self.cur, self.slot = v, "unit"
            else:
                self.flush()
                self.cur, self.slot = v, "unit"
        elif kind == "hund":
            if self.cur is None and self.big and self.slot:
                self.cur, self.slot = v, "hund"
            else:
                self.flush()
                self.cur, self.slot = v, "hund"
        elif kind == "hundred":
            if self.cur is not None and self.slot in ("unit_only", "teen_only"):
                self.cur *= 100
                self.slot = "hund"
            else:
                self.flush()
                self.cur, self.slot = 100, "hund"
        elif kind == "thousand":
            if self.lit:
                n = int(self.lit)
                self.lit = ""
            else:
                n = self.cur if self.cur is not None else 1
            if self.big:
                self.flush()
            self.big, self.cur, self.slot = n * 1000, None, "after_thousand"


def runs(text: str) -> list[str]:
    """The runs of digits a reader can take from text: fillers and separators are skipped, any other
    word (or a placeholder) ends a run."""
    toks = tokens(text)
    out: list[str] = []
    run = _Run()
    i = 0

    def end() -> None:
        nonlocal run
        run.flush()
        if run.out:
            out.append("".join(run.out))
        run = _Run()

    while i < len(toks):
        t = toks[i]
        if t.isdigit():
            run.literal(t)
        elif t in NUM:
            kind, v = NUM[t]
            nxt = next((x for x in toks[i + 1 :] if x not in FILLERS), "")
            repeat = (kind == "rep" and NUM.get(nxt, ("",))[0] == "unit") or (
                kind == "unit" and 2 <= v <= 4 and NUM.get(nxt, ("",))[0] == "noun"
            )
            if repeat:
                run.flush()
                run.out.append(str(NUM[nxt][1]) * v)
                i = toks.index(nxt, i + 1)
            elif kind == "noun":
                run.flush()
                run.out.append(str(v))
            elif kind == "rep":
                end()
            else:
                run.word(kind, v)
        elif t in FILLERS:
            pass
        else:
            end()
        i += 1
    end()
    return out


def digits_of(text: str) -> str:
    return "".join(runs(text))


# Letters spelled out ("P-E-T-R-O-V", "пэ, е, тэ, эр", "M as in Mary"), as Latin letters.
RU_LETTER_NAMES = {
    "а": "a", "эй": "a", "бэ": "b", "бе": "b", "би": "b", "вэ": "v", "ве": "v", "ви": "v",
    "гэ": "g", "ге": "g", "джи": "g", "дэ": "d", "де": "d", "ди": "d", "е": "e", "и": "i",
    "ай": "i", "джей": "j", "жи": "j", "ка": "k", "кей": "k", "эль": "l", "эл": "l", "эм": "m",
    "эн": "n", "о": "o", "оу": "o", "пэ": "p", "пе": "p", "пи": "p", "кью": "q", "эр": "r",
    "ар": "r", "эс": "s", "тэ": "t", "ти": "t", "у": "u", "ю": "u", "эф": "f", "ха": "h",
    "эйч": "h", "икс": "x", "игрек": "y", "вай": "y", "зэ": "z", "зет": "z", "зед": "z", "си": "c",
    "цэ": "c",
}  # fmt: skip


def spelled_runs(text: str) -> list[str]:
    toks = tokens(text)
    out, cur, i = [], "", 0
    while i < len(toks):
        t = toks[i]
        if len(t) == 1 and "a" <= t <= "z":
            cur += t
        elif t in RU_LETTER_NAMES:
            cur += RU_LETTER_NAMES[t]
        elif t in ("as", "как") and i + 1 < len(toks) and toks[i + 1] in ("in", "в"):
            i += 3  # "M as in Mary": the word after "as in" says the same letter
            continue
        elif t not in FILLERS:
            if len(cur) >= 4:
                out.append(cur)
            cur = ""
        i += 1
    if len(cur) >= 4:
        out.append(cur)
    return out


# --------------------------------------------------------------------------------------------
# Checker


def windows(sec: Secret) -> set[str]:
    """The digit strings whose presence in a run means the secret can be read."""
    if sec.kind == "cvv":
        return {sec.value}
    if sec.kind == "email":
        local = sec.value.split("@")[0]
        chunks = re.findall(r"\d{4,}", local)
    else:
        chunks = [c for f in (sec.variants or [sec.value]) for c in re.findall(r"\d+", f)]
    ws = {c[i : i + 4] for c in chunks for i in range(len(c) - 3)}
    if sec.kind == "card":
        ws.discard(re.sub(r"\D", "", sec.value)[-4:])  # a card's last four may stay
    return ws


def email_pieces(sec: Secret) -> set[str]:
    local = norm(sec.value.split("@")[0])
    chunks = {c for c in re.findall(r"[a-z]+", local) if len(c) >= 4}
    return {local} | chunks | {norm(p) for p in sec.pieces}


@dataclass
class Reading:
    """What can be read from one text: runs of digits, spelled letters, the text itself."""

    text: str
    runs: list[str]
    spelled: list[str]

    @classmethod
    def of(cls, text: str) -> Reading:
        return cls(norm(text), runs(text), spelled_runs(text))


def readable(sec: Secret, rd: Reading) -> bool:
    ws = windows(sec)
    if any(w in run for run in rd.runs for w in ws):
        return True
    if sec.kind != "email":
        return False
    if any(p in rd.text for p in email_pieces(sec)):
        return True
    letters = "".join(re.findall(r"[a-z]", norm(sec.value.split("@")[0])))
    grams = {letters[i : i + 4] for i in range(len(letters) - 3)}
    return any(g in sp for sp in rd.spelled for g in grams)


def keep_readable(keep: Keep, rd: Reading) -> bool:
    want = runs(keep.surface)
    return bool(want) and all(any(w in run for run in rd.runs) for w in want)


def placeholders_over(orig: str, stored: str, surface: str) -> set[str]:
    """Placeholders that stand where `surface` stood in `orig` (token alignment)."""
    start = orig.find(surface)
    if start < 0:
        return set()
    end = start + len(surface)
    a = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", orig)]
    b = re.findall(r"\S+", stored)
    found: set[str] = set()
    sm = SequenceMatcher(None, [x[2] for x in a], b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if i1 == i2:
            pos = a[i1][0] if i1 < len(a) else len(orig)
            hit = start <= pos <= end
        else:
            hit = a[i1][0] < end and a[i2 - 1][1] > start
        if hit:
            found |= set(PH_RE.findall(" ".join(b[j1:j2])))
    return found


@dataclass
class CaseResult:
    leaks: list[tuple[Secret, str]]
    lost: list[tuple[Keep, str]]
    wrong_type: list[tuple[Secret, str]]
    touched: bool


def check_case(case: Case, stored: list[str], compressed: str) -> CaseResult:
    joined = Reading.of(" \n ".join(stored))
    comp = Reading.of(compressed)
    leaks, lost, wrong = [], [], []
    for sec in case.secrets:
        where = [name for name, rd in (("stored", joined), ("compressed", comp)) if readable(sec, rd)]
        if where:
            leaks.append((sec, "+".join(where)))
            continue
        for ti, surface in sec.spans:
            got = placeholders_over(case.turns[ti][1], stored[ti], surface)
            if got and sec.placeholder not in got:
                wrong.append((sec, f"turn {ti}: {' '.join(sorted(got))}"))
                break
    seg_cache: dict[int, Reading] = {}
    for keep in case.keeps:
        rd = seg_cache.setdefault(keep.turn, Reading.of(stored[keep.turn]))
        where = [name for name, r in (("stored", rd), ("compressed", comp)) if not keep_readable(keep, r)]
        if where:
            lost.append((keep, "+".join(where)))
    touched = case.negative and any(PH_RE.search(s) for s in stored)
    return CaseResult(leaks, lost, wrong, touched)


def role_label(role: str) -> str:
    return "Agent" if role == "agent" else "Customer"


def join_turns(turns: list[tuple[str, str]], texts: list[str] | None = None) -> str:
    texts = texts if texts is not None else [t for _, t in turns]
    return "\n".join(f"{role_label(r)}: {t}" for (r, _), t in zip(turns, texts, strict=True))


def perfect_redaction(case: Case, only: Secret | None = None) -> list[str]:
    """Each secret surface replaced by its placeholder (only one secret's, when `only` is given)."""
    texts = [t for _, t in case.turns]
    spans = [(ti, s, sec.placeholder) for sec in case.secrets if only in (None, sec) for ti, s in sec.spans]
    for ti, surface, ph in sorted(spans, key=lambda x: -len(x[1])):
        texts[ti] = texts[ti].replace(surface, ph)
    return texts


def run_case(case: Case) -> tuple[list[str], str]:
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    tr = make_transcript_from_turns(case.cid, case.turns, case.lang)
    filtered = filter_transcript(tr)
    stored = [s["text"] for s in filtered["transcript"]["segments"]]
    compressed = compress(filtered, len, "probe")["text"]
    return stored, compressed


# --------------------------------------------------------------------------------------------
# Genuine values (checksums)


def rdig(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(n))


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def luhn_complete(body: str) -> str:
    return next(body + c for c in "0123456789" if luhn_ok(body + c))


def make_card(r: random.Random) -> str:
    prefix, length = r.choice(
        [("4276", 16), ("5469", 16), ("2202", 16), ("5536", 16), ("4377", 16), ("2200", 16), ("4561", 16),
         ("5106", 16), ("4532", 16), ("5425", 16), ("3782", 15), ("6011", 16), ("2204", 19), ("6762", 18)]
    )  # fmt: skip
    while True:
        card = luhn_complete(prefix + rdig(r, length - len(prefix) - 1))
        if card[-4:] not in card[:-4]:
            return card


def make_inn_person(r: random.Random) -> str:
    base = r.choice(["77", "50", "78", "54", "66", "16", "23", "52"]) + rdig(r, 8)
    w11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    c11 = sum(int(d) * w for d, w in zip(base, w11, strict=True)) % 11 % 10
    w12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    c12 = sum(int(d) * w for d, w in zip(base + str(c11), w12, strict=True)) % 11 % 10
    return f"{base}{c11}{c12}"


def make_inn_company(r: random.Random) -> str:
    base = r.choice(["77", "78", "50", "54", "66", "16", "23", "52"]) + rdig(r, 7)
    w = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return base + str(sum(int(d) * k for d, k in zip(base, w, strict=True)) % 11 % 10)


def make_snils(r: random.Random) -> str:
    base = str(r.randint(100, 999)) + rdig(r, 6)
    s = sum(int(d) * (9 - i) for i, d in enumerate(base))
    c = s if s < 100 else 0 if s in (100, 101) else s % 101
    return base + f"{0 if c == 100 else c:02d}"


def make_ogrn(r: random.Random) -> str:
    base = r.choice(["1", "5"]) + rdig(r, 2) + r.choice(["77", "50", "78", "54"]) + rdig(r, 7)
    return base + str(int(base) % 11 % 10)


def make_bik(r: random.Random) -> str:
    return "04" + r.choice(["4525", "4030", "5004", "6577"]) + str(r.randint(100, 999))


def make_kpp(r: random.Random) -> str:
    return r.choice(["7701", "7704", "7810", "5001", "5406"]) + "01" + str(r.randint(1, 9)).zfill(3)


def make_ru_account(r: random.Random, bik: str) -> str:
    """A person's 20-digit account (408 17 810 ...) with the control key against the BIK."""
    acc = "40817810" + "0" + rdig(r, 11)
    w = [7, 1, 3] * 8
    s = sum(int(d) * k % 10 for d, k in zip(bik[-3:] + acc, w, strict=False))
    return acc[:8] + str(s % 10 * 3 % 10) + acc[9:]


def iban_complete(country: str, bban: str) -> str:
    conv = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(conv) % 97:02d}{bban}"


def make_iban(r: random.Random) -> str:
    country = r.choice(["GB", "DE", "FR", "NL", "ES"])
    if country == "GB":
        bban = r.choice(["WEST", "BARC", "LOYD", "HBUK", "NWBK"]) + rdig(r, 14)
    elif country == "DE":
        bban = rdig(r, 18)
    elif country == "FR":
        bban = rdig(r, 23)
    elif country == "NL":
        bban = r.choice(["ABNA", "INGB", "RABO"]) + rdig(r, 10)
    else:
        bban = rdig(r, 20)
    return iban_complete(country, bban)


def iban_ok(iban: str) -> bool:
    s = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in s)) % 97 == 1


def make_ssn(r: random.Random) -> str:
    area = r.choice([a for a in range(100, 773) if a != 666])
    return f"{area:03d}{r.randint(1, 99):02d}{r.randint(1, 9999):04d}"


def make_nhs(r: random.Random) -> str:
    while True:
        base = str(r.randint(4, 9)) + rdig(r, 8)
        c = 11 - sum(int(d) * (10 - i) for i, d in enumerate(base)) % 11
        if c != 10:
            return base + str(0 if c == 11 else c)


def make_oms(r: random.Random) -> str:
    """A 16-digit OMS policy number (ENP), never Luhn-valid: no card shape to excuse a [CARD]."""
    while True:
        enp = r.choice(["77", "50", "78", "54"]) + rdig(r, 14)
        if not luhn_ok(enp):
            return enp


def make_ni(r: random.Random) -> str:
    first = r.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = r.choice("ABCEGHJKLMNPRSTWXYZ")
    return first + second + rdig(r, 6) + r.choice("ABCD")


def make_passport(r: random.Random) -> str:
    return f"{r.randint(10, 99)}{r.randint(0, 24):02d}{r.randint(100000, 999999)}"


def make_ru_licence(r: random.Random) -> str:
    return f"{r.choice(['77', '99', '50', '78', '54'])}{r.randint(10, 99)}{r.randint(100000, 999999)}"


def ru_mobile(r: random.Random) -> str:
    """National 10 digits of a Russian mobile: 9xx + 7."""
    return r.choice(["916", "903", "925", "985", "999", "926", "977", "915", "910", "962", "968"]) + rdig(
        r, 7
    )


def us_phone(r: random.Random) -> str:
    area = r.choice(["212", "415", "617", "312", "718", "646", "917", "503", "206", "404", "713", "305"])
    return area + str(r.randint(2, 9)) + rdig(r, 2) + rdig(r, 4)


# --------------------------------------------------------------------------------------------
# Saying numbers the way callers do (every rendering is read back by the reader before use)

RU_NOUN_GEN = {"0": "нуля", "1": "единицы", "2": "двойки", "3": "тройки", "4": "четвёрки",
               "5": "пятёрки", "6": "шестёрки", "7": "семёрки", "8": "восьмёрки", "9": "девятки"}  # fmt: skip


def ru_int(n: int) -> str:
    if n < 10:
        return RU_UNITS[n]
    if n < 20:
        return RU_TEENS[n - 10]
    if n < 100:
        return RU_TENS[n // 10] + ("" if n % 10 == 0 else " " + RU_UNITS[n % 10])
    if n < 1000:
        return RU_HUNDREDS[n // 100] + ("" if n % 100 == 0 else " " + ru_int(n % 100))
    th, rest = divmod(n, 1000)
    if th == 1:
        head = "тысяча"
    else:
        last, last2 = th % 10, th % 100
        form = "тысячи" if last in (2, 3, 4) and not 12 <= last2 <= 14 else "тысяч"
        if last == 1 and last2 != 11:
            form = "тысяча"
        words = ru_int(th).split()
        if words[-1] == "два":
            words[-1] = "две"
        elif words[-1] == "один":
            words[-1] = "одна"
        head = " ".join(words) + " " + form
    return head + ("" if rest == 0 else " " + ru_int(rest))


def en_int(n: int, and_: bool = False) -> str:
    if n < 10:
        return EN_UNITS[n]
    if n < 20:
        return EN_TEENS[n - 10]
    if n < 100:
        return EN_TENS[n // 10] + ("" if n % 10 == 0 else "-" + EN_UNITS[n % 10])
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else (" and " if and_ else " ") + en_int(rest)
        return EN_UNITS[n // 100] + " hundred" + tail
    th, rest = divmod(n, 1000)
    return en_int(th) + " thousand" + ("" if rest == 0 else " " + en_int(rest, and_))


def int_words(lang: str, n: int) -> str:
    return ru_int(n) if lang == "ru" else en_int(n)


def zero_word(r: random.Random, lang: str) -> str:
    return "ноль" if lang == "ru" else r.choice(["oh", "oh", "zero"])


def per_digit(r: random.Random, lang: str, g: str) -> str:
    out, i = [], 0
    while i < len(g):
        d = g[i]
        n = 1
        while i + n < len(g) and g[i + n] == d and n < 3:
            n += 1
        if n >= 2 and r.random() < 0.6:
            if lang == "ru":
                out.append(("две " if n == 2 else "три ") + RU_NOUN_GEN[d])
            else:
                out.append(("double " if n == 2 else "triple ") + ("oh" if d == "0" else EN_UNITS[int(d)]))
            i += n
            continue
        out.append(zero_word(r, lang) if d == "0" else int_words(lang, int(d)))
        i += 1
    return " ".join(out)


def group_words(r: random.Random, lang: str, g: str) -> str:
    if g[0] == "0" and len(g) > 1:
        return zero_word(r, lang) + " " + group_words(r, lang, g[1:])
    if len(g) <= 2:
        return int_words(lang, int(g)) if r.random() < 0.85 else per_digit(r, lang, g)
    if len(g) == 3:
        opts = [int_words(lang, int(g)), per_digit(r, lang, g)]
        if lang == "en" and g[1] != "0":
            opts += [EN_UNITS[int(g[0])] + " " + en_int(int(g[1:]))] * 2  # "nine sixteen"
        if lang == "en":
            opts.append(en_int(int(g), and_=True))
        return r.choice(opts)
    if len(g) == 4 and g[2] != "0" and r.random() < 0.7:
        return group_words(r, lang, g[:2]) + " " + group_words(r, lang, g[2:])
    return per_digit(r, lang, g)


def split_groups(digits: str, pattern: Iterable[int]) -> list[str]:
    out, i = [], 0
    for n in pattern:
        out.append(digits[i : i + n])
        i += n
    if i < len(digits):
        out.append(digits[i:])
    return [g for g in out if g]


FILLER_SAY = {"ru": [", э-э, ", ", ну, ", "... ", ", так, ", ", секунду, "],
              "en": [", uh, ", ", um, ", "... ", ", let me see, ", ", uh, "]}  # fmt: skip


def speak(
    r: random.Random,
    lang: str,
    digits: str,
    pattern: Iterable[int] = (3, 3, 2, 2),
    mode: str = "mix",
    seps: tuple[str, ...] | None = None,
    filler: float = 0.0,
) -> str:
    """Say `digits` in groups: "digits" (916 512-34-56), "words", "perdigit" or "mix" per group."""
    groups = split_groups(digits, pattern)
    for attempt in range(14):
        parts = []
        for g in groups:
            m = r.choice(["digits", "words", "words", "perdigit"]) if mode == "mix" else mode
            if attempt >= 10 and m != "digits":
                m = "perdigit"
            parts.append(
                g if m == "digits" else group_words(r, lang, g) if m == "words" else per_digit(r, lang, g)
            )
        all_digits = all(p.isdigit() for p in parts)
        sep_opts = seps or ((" ", " ", "-") if all_digits else (" ", ", ", " "))
        text = parts[0]
        for p in parts[1:]:
            text += r.choice(FILLER_SAY[lang]) if r.random() < filler else r.choice(sep_opts)
            text += p
        if digits_of(text) == digits:
            return text
    raise AssertionError(f"cannot say {digits} in {lang}")


def speak_parts(
    r: random.Random, lang: str, digits: str, pattern: Iterable[int], mode: str = "mix"
) -> list[str]:
    """The groups of `digits`, each said on its own (to spread them over turns)."""
    groups = split_groups(digits, pattern)
    for attempt in range(14):
        parts = []
        for g in groups:
            m = r.choice(["digits", "words", "words", "perdigit"]) if mode == "mix" else mode
            if attempt >= 10 and m != "digits":
                m = "perdigit"
            parts.append(
                g if m == "digits" else group_words(r, lang, g) if m == "words" else per_digit(r, lang, g)
            )
        if digits_of(" ".join(parts)) == digits and all(
            digits_of(p) == g for p, g in zip(parts, groups, strict=True)
        ):
            return parts
    raise AssertionError(f"cannot say {digits} in {lang}")


def say_phone(r: random.Random, lang: str, national: str, style: str = "any") -> tuple[str, str]:
    """A Russian (+7) or US phone as a caller says it; returns (surface, digits said)."""
    if lang == "ru":
        style = style if style != "any" else r.choice(["plus7", "eight", "bare", "plus7w", "eightw", "mix"])
        if style == "plus7":
            d = "7" + national
            fmt = r.choice(
                ["+7 {a} {b}-{c}-{e}", "+7 ({a}) {b}-{c}-{e}", "+7{a}{b}{c}{e}", "+7 {a} {b} {c} {e}"]
            )
            return fmt.format(a=national[:3], b=national[3:6], c=national[6:8], e=national[8:]), d
        if style == "eight":
            d = "8" + national
            fmt = r.choice(["8 {a} {b}-{c}-{e}", "8 ({a}) {b} {c} {e}", "8-{a}-{b}-{c}-{e}", "8{a}{b}{c}{e}"])
            return fmt.format(a=national[:3], b=national[3:6], c=national[6:8], e=national[8:]), d
        if style == "bare":
            return speak(r, lang, national, (3, 3, 2, 2), "digits"), national
        if style == "plus7w":
            return "плюс семь " + speak(r, lang, national, (3, 3, 2, 2), "words"), "7" + national
        if style == "eightw":
            return speak(r, lang, "8" + national, (1, 3, 3, 2, 2), "words"), "8" + national
        return speak(r, lang, "8" + national, (1, 3, 3, 2, 2), "mix"), "8" + national
    style = style if style != "any" else r.choice(["paren", "dash", "words", "words", "mix", "plus1"])
    a, b, c = national[:3], national[3:6], national[6:]
    if style == "paren":
        return f"({a}) {b}-{c}", national
    if style == "dash":
        return r.choice([f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}"]), national
    if style == "plus1":
        return f"+1 {a} {b} {c}", "1" + national
    if style == "words":
        return speak(r, lang, national, (3, 3, 4), "words", (", ", " ", "... ")), national
    return speak(r, lang, national, (3, 3, 4), "mix"), national


# --------------------------------------------------------------------------------------------
# Numbers that must stay, numbers the policy is silent on, names, e-mails

RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


def keep_parts(d: Dialog, kind: str | None = None) -> list[Part]:
    """A clause holding one number that must stay (a reference or data)."""
    r = d.r
    kinds = ["order", "contract", "invoice", "tracking", "ticket", "price", "price", "date", "time",
             "quantity", "inn_company", "ogrn", "bik", "kpp", "mileage", "osago", "price_words"]  # fmt: skip
    if not d.ru:
        kinds = [k for k in kinds if k not in ("inn_company", "ogrn", "bik", "kpp", "osago")] + ["po",
            "claim"]  # fmt: skip
    kind = kind or r.choice(kinds)
    n8 = str(r.randint(10_000_000, 99_999_999))
    if d.ru:
        if kind == "order":
            return [r.choice(["номер заказа ", "заказ № ", "заказ номер "]),
                K(kind, r.choice([n8, n8[:4] + "-" + n8[4:]]))]  # fmt: skip
        if kind == "contract":
            v = r.choice([f"{r.randint(10, 99)}-{r.randint(1000, 9999)}/{r.randint(2019, 2025)}",
                          f"Д-{r.randint(100000, 999999)}"])  # fmt: skip
            return ["по договору № ", K(kind, v)]
        if kind == "invoice":
            return ["счёт № ", K(kind, str(r.randint(1000, 99999))), " от ",
                K("date", f"{r.randint(10, 28)}.0{r.randint(1, 9)}.2024")]  # fmt: skip
        if kind == "tracking":
            v = r.choice(
                [f"RA{rdig(r, 9)}RU", f"8008{rdig(r, 10)}", f"CDEK-{r.randint(1000000000, 9999999999)}"]
            )
            return ["трек-номер ", K(kind, v)]
        if kind == "ticket":
            return [r.choice(["заявка ", "обращение номер ", "номер заявки "]),
                K(kind, f"{r.randint(2023, 2025)}-{rdig(r, 6)}")]  # fmt: skip
        if kind == "price":
            v = r.choice([f"{r.randint(3, 99)}90 рублей", f"{r.randint(1, 9)} {r.randint(100, 999)} ₽",
                          f"{r.randint(10, 99)} {r.randint(1, 9)}00 рублей"])  # fmt: skip
            return ["сумма ", K(kind, v)]
        if kind == "price_words":
            n = r.randint(11, 99) * 100 + r.choice([0, 90, 50])
            return ["это ", K("price", ru_int(n) + " рублей")]
        if kind == "date":
            return ["с ", K(kind, f"{r.randint(10, 28)}.{r.randint(10, 12)}.2024")]
        if kind == "time":
            return ["в ", K(kind, f"{r.randint(10, 19)}:{r.choice(['00', '15', '30', '45'])}")]
        if kind == "quantity":
            return [r.choice(["тариф на ", "скорость "]),
                K(kind, f"{r.choice([100, 300, 500, 200])} мегабит")]  # fmt: skip
        if kind == "inn_company":
            return ["ИНН организации ", K(kind, make_inn_company(r))]
        if kind == "ogrn":
            return ["ОГРН ", K(kind, make_ogrn(r))]
        if kind == "bik":
            return ["БИК банка ", K(kind, make_bik(r))]
        if kind == "kpp":
            return ["КПП ", K(kind, make_kpp(r))]
        if kind == "mileage":
            return ["пробег ", K(kind, f"{r.randint(12, 180)} {r.randint(100, 999)} км")]
        return ["полис ОСАГО ХХХ ", K("osago", "0" + rdig(r, 9))]
    if kind == "order":
        return [r.choice(["order number ", "order #", "the order is "]),
            K(kind, r.choice([n8, n8[:4] + "-" + n8[4:]]))]  # fmt: skip
    if kind == "contract":
        return ["on contract ", K(kind, f"{r.randint(2019, 2025)}-{rdig(r, 5)}")]
    if kind == "invoice":
        return ["invoice ", K(kind, f"INV-{r.randint(10000, 99999)}"), " dated ",
            K("date", f"0{r.randint(1, 9)}/{r.randint(10, 28)}/2024")]  # fmt: skip
    if kind == "tracking":
        v = r.choice(
            [
                f"1Z{rdig(r, 3)}AA{rdig(r, 10)}",
                f"9400 {rdig(r, 4)} {rdig(r, 4)} {rdig(r, 4)} {rdig(r, 4)} {rdig(r, 2)}",
            ]
        )
        return ["tracking number ", K(kind, v)]
    if kind == "ticket":
        return [r.choice(["case number ", "ticket ", "reference "]), K(kind, f"{rdig(r, 4)}-{rdig(r, 4)}")]
    if kind == "price":
        v = r.choice(
            [
                f"${r.randint(10, 999)}.{r.choice(['99', '49', '00', '95'])}",
                f"${r.randint(1, 9)},{r.randint(100, 999)}",
            ]
        )
        return ["the total was ", K(kind, v)]
    if kind == "price_words":
        return ["it's ", K("price", f"{en_int(r.randint(11, 99))} {en_int(r.choice([99, 49, 95]))} a month")]
    if kind == "date":
        return ["since ", K(kind, f"{r.randint(10, 12)}/{r.randint(10, 28)}/2024")]
    if kind == "time":
        return [
            "at ",
            K(kind, f"{r.randint(10, 12)}:{r.choice(['15', '30', '45'])} {r.choice(['am', 'pm'])}"),
        ]
    if kind == "quantity":
        return ["the plan with ", K(kind, f"{r.choice([100, 250, 500, 750])} gigabytes")]
    if kind == "mileage":
        return ["mileage is ", K(kind, f"{r.randint(12, 180)},{r.randint(100, 999)} miles")]
    if kind == "po":
        return ["purchase order ", K(kind, f"PO {r.randint(4500000000, 4599999999)}")]
    return ["claim number ", K("claim", f"{r.randint(2023, 2025)}-{rdig(r, 3)}-{rdig(r, 4)}")]


def date_str(d: Dialog) -> str:
    day, month = d.r.randint(10, 28), d.r.randint(10, 12)
    return f"{day}.{month}.2024" if d.ru else f"{month}/{day}/2024"


def keep_num(d: Dialog, kind: str) -> K:
    """Just the number of `keep_parts` (for a sentence that names it itself)."""
    return next(p for p in keep_parts(d, kind) if isinstance(p, K))


RU_NAMES = ["Ольга Сергеевна", "Дмитрий Павлович", "Марина Олеговна", "Сергей Иванович", "Татьяна", "Алексей",
            "Наталья Викторовна", "Виктор Петрович", "Людмила", "Андрей Николаевич"]  # fmt: skip
EN_NAMES = ["Linda Ortiz", "Mark Hughes", "Priya Shah", "Tom Brennan", "Grace Kim", "Daniel Cole",
            "Rachel Moss", "Kevin Doyle", "Sandra Ruiz", "Owen Price"]  # fmt: skip
RU_AGENTS = ["Ольга", "Кирилл", "Анастасия", "Денис", "Екатерина"]
EN_AGENTS = ["Megan", "Josh", "Aisha", "Ryan", "Chloe"]
RU_COMPANIES = ["«Домашний интернет»", "«ТелеСфера»", "«ЭнергоСбыт Плюс»", "банк «Северный»", "«Доставка24»"]
EN_COMPANIES = ["Brightline Internet", "Harbor Mutual", "Northwind Energy", "Crestview Bank", "Parcelgo"]


def opening(d: Dialog, reason: list[Part]) -> None:
    r = d.r
    if d.ru:
        who = f"компания {r.choice(RU_COMPANIES)}, меня зовут {r.choice(RU_AGENTS)}"
        d.a(f"Здравствуйте, {who}, чем могу помочь?")
    else:
        who = f"{r.choice(EN_COMPANIES)}, this is {r.choice(EN_AGENTS)}"
        d.a(f"Thank you for calling {who}, how can I help you today?")
    d.c(*reason)


def back(d: Dialog, role: str = "agent") -> None:
    d.say(role, d.pick(["Угу.", "Ага.", "Так.", "Да-да.", "Записываю.", "Угу, дальше."],
                        ["Mm-hmm.", "Okay.", "Uh-huh.", "Got it.", "Go on.", "Yeah."]))  # fmt: skip


def um(d: Dialog) -> str:
    return d.pick(["ну, ", "э-э, ", "так, ", "", ""], ["uh, ", "um, ", "so, ", "", ""])


def reason(d: Dialog) -> list[Part]:
    r = d.r
    if d.ru:
        return r.choice(
            [
                [
                    "Здравствуйте. ",
                    um(d),
                    "у меня вопрос по заказу ",
                    keep_num(d, "order"),
                    ", он так и не пришёл.",
                ],
                ["Добрый день, хочу поменять тариф, у меня сейчас ", keep_num(d, "quantity"), "."],
                ["Алло, здравствуйте. Мне пришёл счёт на ", keep_num(d, "price"), ", а я не понимаю за что."],
                ["Здравствуйте, я по заявке ", keep_num(d, "ticket"), ", мастер так и не пришёл."],
                ["Да, здравствуйте, хочу оформить возврат, ", *keep_parts(d, "order"), "."],
            ]
        )
    return r.choice([
        ["Hi, ", um(d), "I'm calling about order ", keep_num(d, "order"), ", it still hasn't arrived."],
        ["Hey, yeah, I want to switch plans, I'm on ", keep_num(d, "quantity"), " right now."],
        ["Hi there. I got a bill for ", keep_num(d, "price"), ", which seems way too high."],
        ["Hello, it's about ticket ", keep_num(d, "ticket"), ", the technician never showed up."],
        ["Hi, I'd like to return something, ", *keep_parts(d, "order"), "."],
    ])  # fmt: skip


# E-mail handles: (latin, cyrillic as a Russian says it)
RU_HANDLE_WORDS = [("lesnik", "лесник"), ("kotofey", "котофей"), ("snegir", "снегирь"), ("medved", "медведь"),
                   ("zvezda", "звезда"), ("volna", "волна"), ("sokolov", "соколов"), ("morozova", "морозова"),
                   ("orlova", "орлова"), ("zaitsev", "зайцев"), ("belkin", "белкин"),
                   ("gromov", "громов")]  # fmt: skip
RU_FIRST = [("vera", "вера"), ("oleg", "олег"), ("nina", "нина"), ("gleb", "глеб"), ("lida", "лида"),
    ("timur", "тимур")]  # fmt: skip
EN_HANDLE_WORDS = ["harlow", "wallace", "obrien", "nguyen", "brooks", "foster", "moreno", "jensen",
                   "bluefinch",
                   "redmaple", "ironoak", "quinlan", "delacroix", "whitby"]  # fmt: skip
EN_FIRST = ["jess", "mark", "tony", "lena", "nate", "dana", "kyle", "rosa"]
RU_DOMAINS = [("mail.ru", "мейл точка ру"), ("yandex.ru", "яндекс точка ру"),
              ("gmail.com", "джимейл точка ком"),
              ("bk.ru", "бэ ка точка ру"), ("inbox.ru", "инбокс точка ру")]  # fmt: skip
EN_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me"]
RU_SEP = {
    ".": ["точка"],
    "_": ["нижнее подчёркивание", "подчёркивание", "нижний пробел"],
    "-": ["дефис", "тире", "минус"],
}
EN_SEP = {".": ["dot", "period"], "_": ["underscore"], "-": ["dash", "hyphen"]}
RU_SPELL = {"a": "а", "b": "бэ", "c": "цэ", "d": "дэ", "e": "е", "f": "эф", "g": "гэ", "h": "ха", "i": "и",
            "j": "джей", "k": "ка", "l": "эль", "m": "эм", "n": "эн", "o": "о", "p": "пэ", "q": "кью",
            "r": "эр",
            "s": "эс", "t": "тэ", "u": "у", "v": "вэ", "x": "икс", "y": "игрек", "z": "зэ"}  # fmt: skip
EN_AS_IN = {"p": "Peter", "t": "Tom", "m": "Mary", "b": "Boy", "s": "Sam", "n": "Nancy", "d": "David",
            "f": "Frank", "a": "Apple", "g": "George"}  # fmt: skip


@dataclass
class Email:
    value: str
    pieces: list[str]  # distinctive pieces in the form the caller says them
    forms: list[str]  # surfaces as a caller says them


def make_email(r: random.Random, lang: str, seps: str = "._-", digits_p: float = 0.5) -> Email:
    """An address and several ways of saying it."""
    if lang == "ru":
        w1 = r.choice(RU_FIRST + RU_HANDLE_WORDS)
        w2 = r.choice([w for w in RU_HANDLE_WORDS if w != w1])
    else:
        e1 = r.choice(EN_FIRST + [f[0] for f in EN_FIRST])
        e2 = r.choice(EN_HANDLE_WORDS)
        w1, w2 = (e1, e1), (e2, e2)
    parts: list[tuple[str, str, str]] = [("w", *w1)]  # (type, latin, cyrillic)
    if r.random() < 0.85:
        parts += [("s", r.choice(seps), ""), ("w", *w2)]
    if r.random() < digits_p:
        num = r.choice(
            [str(r.randint(70, 99)), str(r.randint(1975, 2005)), str(r.randint(1, 9)) * 3, rdig(r, 2)]
        )
        parts += [("s", r.choice(seps), "")] if r.random() < 0.3 else []
        parts += [("n", num, "")]
    local = "".join(p[1] for p in parts)
    dom = (
        r.choice(RU_DOMAINS)
        if lang == "ru"
        else (lambda x: (x, x.replace(".", " dot ")))(r.choice(EN_DOMAINS))
    )
    value = f"{local}@{dom[0]}"
    pieces = [p[2] for p in parts if p[0] == "w" and len(p[2]) >= 4]
    forms = [value]
    seps_map = RU_SEP if lang == "ru" else EN_SEP

    def said(cyr: bool, num_words: bool) -> str:
        out = []
        for t, lat, cy in parts:
            if t == "w":
                out.append(cy if cyr else lat if len(lat) > 1 else lat.upper())
            elif t == "s":
                out.append(r.choice(seps_map[lat]))
            else:
                out.append(speak(r, lang, lat, (2, 2), "words") if num_words else lat)
        at = r.choice(["собака", "собачка", "эт"]) if lang == "ru" else "at"
        return " ".join(out) + f" {at} " + (dom[1] if cyr or lang == "en" else dom[0])

    forms.append(said(False, False))
    forms.append(said(lang == "ru", True))
    if lang == "ru":
        forms.append(said(True, False))
    return Email(value, pieces, forms)


def spell(r: random.Random, lang: str, word: str) -> str:
    if lang == "ru":
        return ", ".join(RU_SPELL[ch] for ch in word)
    style = r.choice(["dash", "comma", "asin"])
    if style == "dash":
        return "-".join(ch.upper() for ch in word)
    if style == "comma":
        return ", ".join(ch.upper() for ch in word)
    return ", ".join(f"{ch.upper()} as in {EN_AS_IN[ch]}" if ch in EN_AS_IN and r.random() < 0.6
                     else ch.upper()
                     for ch in word)  # fmt: skip


# Numbers the policy is silent on: said, never counted.
def neutral_parts(d: Dialog, kind: str) -> str:
    r = d.r
    if kind == "extension":
        return d.pick([f"добавочный {r.randint(100, 999)}", f"доб. {r.randint(1000, 9999)}"],
                      [f"extension {r.randint(100, 999)}", f"ext. {r.randint(1000, 9999)}"])  # fmt: skip
    if kind == "address":
        return d.pick([f"улица Лесная, дом {r.randint(2, 90)}, квартира {r.randint(2, 300)}",
                       f"Садовая {r.randint(2, 90)}, корпус {r.randint(1, 4)}, кв. {r.randint(2, 300)}"],
                      [f"{r.randint(12, 9800)} Maple Street, apartment {r.randint(2, 40)}",
                       f"{r.randint(12, 980)} Oak Avenue, unit {r.randint(2, 40)}B"])  # fmt: skip
    if kind == "postal":
        return d.pick([f"индекс {r.randint(101000, 199999)}"], [f"zip code {r.randint(10001, 98999)}"])
    if kind == "expiry":
        mm_yy = f"{r.randint(1, 12):02d}/{r.randint(26, 31)}"
        return d.pick([f"срок до {mm_yy}", f"действует до {mm_yy}"], [f"expires {mm_yy}", f"exp {mm_yy}"])
    if kind == "dob":
        return d.pick([f"{r.randint(10, 28)}.{r.randint(10, 12)}.{r.randint(1955, 2002)}"],
                      [f"{r.randint(10, 12)}/{r.randint(10, 28)}/{r.randint(1955, 2002)}"])  # fmt: skip
    raise ValueError(kind)


# --------------------------------------------------------------------------------------------
# Positive scenarios

Scenario = Callable[[Dialog], None]


def phone_secret(d: Dialog, key: str = "ph") -> str:
    """Registers a mobile phone; returns its national digits."""
    nat = ru_mobile(d.r) if d.ru else us_phone(d.r)
    d.secret(key, "phone", ("+7" if d.ru else "+1") + nat, [nat])
    return nat


def id_secret(d: Dialog, key: str, kind: str | None = None) -> tuple[str, str, tuple[int, ...]]:
    """Registers an identity number said as digits; returns (kind, digits, a usual grouping)."""
    r = d.r
    if d.ru:
        kind = kind or r.choice(["passport", "snils", "inn_person", "driver_licence", "medical_policy"])
        value, pattern = {
            "passport": (make_passport(r), r.choice([(2, 2, 6), (4, 6), (2, 2, 3, 3)])),
            "snils": (make_snils(r), (3, 3, 3, 2)),
            "inn_person": (make_inn_person(r), r.choice([(4, 4, 4), (3, 3, 3, 3), (2, 2, 6, 2)])),
            "driver_licence": (make_ru_licence(r), (2, 2, 6)),
            "medical_policy": (make_oms(r), (4, 4, 4, 4)),
            "bank_account": (make_ru_account(r, make_bik(r)), (5, 3, 1, 4, 7)),
        }[kind]
    else:
        kind = kind or r.choice(["ssn", "driver_licence", "medical_policy", "ssn"])
        value, pattern = {
            "ssn": (make_ssn(r), (3, 2, 4)),
            "driver_licence": (rdig(r, 9), (3, 3, 3)),
            "medical_policy": (make_nhs(r), (3, 3, 4)),
            "bank_account": (rdig(r, 12), (4, 4, 4)),
        }[kind]
    d.secret(key, kind, value)
    return kind, value, pattern


ID_WORD = {
    "passport": ("паспорт", "passport"),
    "snils": ("СНИЛС", "SNILS"),
    "inn_person": ("ваш личный ИНН", "INN"),
    "driver_licence": ("номер водительского удостоверения", "driver's license number"),
    "medical_policy": ("номер полиса ОМС", "NHS number"),
    "ssn": ("", "social security number"),
    "bank_account": ("номер счёта", "account number"),
}


def closing(d: Dialog) -> None:
    d.a(
        d.pick(
            [
                "Спасибо, всё записала. Что-то ещё могу подсказать?",
                "Отлично, заявку оформил, ожидайте звонка.",
            ],
            [
                "Perfect, I've got everything. Anything else I can help with?",
                "Great, that's all set on my end.",
            ],
        )
    )
    d.c(
        d.pick(
            ["Нет, спасибо, до свидания.", "Всё, спасибо большое."],
            ["No, that's it, thanks.", "That's all, thank you."],
        )
    )


def sc_phone_long_sentence(d: Dialog) -> None:
    opening(d, reason(d))
    ph = say_phone(d.r, d.lang, phone_secret(d))[0]
    if d.ru:
        d.a("Подскажите, куда вам перезвонить, если курьер не дозвонится?")
        d.c("Слушайте, я уже ", *keep_parts(d, "date"), " жду, заплатил ", keep_num(d, "price"), ", курьер ",
            "приезжал ", *keep_parts(d, "time"), ", никого не застал, так что звоните мне на ", S("ph", ph),
            ", только после шести, и ещё ", *keep_parts(d, "tracking"),
            " в приложении вообще не обновляется.")  # fmt: skip
    else:
        d.a("And what's the best number to reach you if the driver can't get through?")
        d.c("Look, I've been waiting ", *keep_parts(d, "date"), ", I paid ", keep_num(d, "price"), ", the ",
            "driver supposedly came by ", *keep_parts(d, "time"), " and nobody was home, so call me on ",
            S("ph", ph), " but only after six, and ", *keep_parts(d, "tracking"),
            " hasn't updated in days.")  # fmt: skip
    closing(d)


def sc_same_as_whatsapp(d: Dialog) -> None:
    opening(d, reason(d))
    nat = phone_secret(d)
    head, tail = (
        " ".join(speak_parts(d.r, d.lang, nat[:6], (3, 3), "words")),
        speak(d.r, d.lang, nat[6:], (2, 2), "words"),
    )
    d.a(d.pick("Какой номер указать для связи?", "What number should we use to contact you?"))
    if d.ru:
        d.c("Мобильный, он же и вотсап, ", S("ph", "плюс семь " + head))
        back(d)
        d.c(S("ph", tail), ", туда и звоните, и пишите.")
    else:
        d.c("My cell, it's the same as my WhatsApp, ", S("ph", "plus one, " + head))
        back(d)
        d.c(S("ph", tail), ", you can call or text that one.")
    closing(d)


def sc_phone_with_extension(d: Dialog) -> None:
    r = d.r
    opening(d, reason(d))
    nat = (
        (r.choice(["495", "499", "812", "343"]) if d.ru else r.choice(["212", "617", "312"]))
        + str(r.randint(2, 9))
        + rdig(r, 6)
    )
    d.secret("ph", "phone", ("+7" if d.ru else "+1") + nat, [nat])
    ext = neutral_parts(d, "extension")
    if d.ru:
        ph = r.choice(
            [f"8 ({nat[:3]}) {nat[3:6]}-{nat[6:8]}-{nat[8:]}", speak(r, "ru", "8" + nat, (1, 3, 3, 2, 2))]
        )
        d.a("Вам удобнее на мобильный или на рабочий?")
        d.c("На рабочий, ", S("ph", ph), ", ", ext, ", спросите Ирину из бухгалтерии.")
        d.a("Записываю: ", S("ph", speak(r, "ru", nat, (3, 3, 2, 2), "digits")), ", ", ext, ", верно?")
        d.c("Да, всё так.")
    else:
        ph = r.choice([f"({nat[:3]}) {nat[3:6]}-{nat[6:]}", speak(r, "en", nat, (3, 3, 4))])
        d.a("Is it better to reach you on your cell or at work?")
        d.c("At work, ", S("ph", ph), ", ", ext, ", just ask for the billing desk.")
        d.a("Let me read that back: ", S("ph", speak(r, "en", nat, (3, 3, 4), "digits")), ", ", ext,
            ", right?")  # fmt: skip
        d.c("Yep, that's right.")
    closing(d)


def sc_two_phones_one_turn(d: Dialog) -> None:
    opening(d, reason(d))
    p1 = say_phone(d.r, d.lang, phone_secret(d, "ph"))[0]
    p2 = say_phone(d.r, d.lang, phone_secret(d, "ph2"))[0]
    d.a(d.pick("Оставьте, пожалуйста, контактный номер.", "Can I get a contact number, please?"))
    if d.ru:
        d.c("Запишите два: мой ", S("ph", p1), ", и жены ", S("ph2", p2),
            ", если я вдруг не возьму, я на смене.")  # fmt: skip
    else:
        d.c(
            "Put down two, my cell ", S("ph", p1), " and my wife's, ", S("ph2", p2), ", in case I'm on shift."
        )
    d.a(d.pick("Хорошо, оба записала.", "Okay, I've noted both."))
    closing(d)


INTL = [  # country, code, national digits maker, trunk prefix, grouping
    ("uk", "44", lambda r: "7" + r.choice(["700", "911", "723", "984"]) + rdig(r, 6), "0", (4, 3, 3)),
    ("de", "49", lambda r: r.choice(["151", "160", "176"]) + rdig(r, 8), "0", (3, 4, 4)),
    ("kz", "7", lambda r: r.choice(["701", "705", "747", "777"]) + rdig(r, 7), "8", (3, 3, 2, 2)),
    ("ua", "380", lambda r: r.choice(["67", "50", "93", "97"]) + rdig(r, 7), "0", (2, 3, 2, 2)),
    ("by", "375", lambda r: r.choice(["29", "33", "44"]) + rdig(r, 7), "80", (2, 3, 2, 2)),
]
INTL_WHERE = {
    "uk": ("в Англии", "in the UK"),
    "de": ("в Германии", "in Germany"),
    "kz": ("в Алматы", "in Almaty"),
    "ua": ("в Киеве", "in Kyiv"),
    "by": ("в Минске", "in Minsk"),
}


def sc_intl_phone(d: Dialog) -> None:
    r = d.r
    country, cc, maker, trunk, pattern = r.choice(INTL)
    nat = maker(r)
    d.secret("ph", "phone", f"+{cc}{nat}", [nat])
    d.tags.append(country)
    style = r.choice(["plus", "plus", "trunk", "words", "wordsplus"])
    if style == "plus":
        ph = f"+{cc} " + " ".join(split_groups(nat, pattern))
    elif style == "trunk":
        ph = ("8 " if trunk == "8" else trunk) + speak(r, d.lang, nat, pattern, "digits", (" ",))
    elif style == "words":
        ph = speak(r, d.lang, trunk + nat, (len(trunk), *pattern), "words")
    else:
        plus = "плюс " if d.ru else "plus "
        ph = plus + speak(r, d.lang, cc + nat, (len(cc), *pattern), r.choice(["words", "perdigit", "mix"]))
    opening(d, reason(d))
    d.a(d.pick("Как с вами лучше связаться?", "How can we best reach you?"))
    where = INTL_WHERE[country][0 if d.ru else 1]
    if d.ru:
        d.c(f"Я сейчас {where}, российский не ловит, звоните на местный: ", S("ph", ph), ".")
        d.a("Повторите, пожалуйста, последние цифры.")
        d.c(S("ph", speak(r, "ru", nat[-4:], (2, 2), r.choice(["words", "digits"]))), ".")
    else:
        d.c(f"I'm {where} at the moment, so use my local number, ", S("ph", ph), ".")
        d.a("Sorry, could you repeat the last few digits?")
        d.c(S("ph", speak(r, "en", nat[-4:], (2, 2), r.choice(["words", "digits"]))), ".")
    closing(d)


def email_secret(d: Dialog, key: str = "em", seps: str = "._-", digits_p: float = 0.5) -> Email:
    e = make_email(d.r, d.lang, seps, digits_p)
    d.secret(key, "email", e.value, pieces=e.pieces)
    return e


def ask_email(d: Dialog) -> None:
    d.a(
        d.pick(
            ["Продиктуйте, пожалуйста, электронную почту для чека.", "На какую почту отправить договор?"],
            [
                "What email should I send the receipt to?",
                "Can I get your email address for the confirmation?",
            ],
        )
    )


def sc_email_with_digits(d: Dialog) -> None:
    r = d.r
    if r.random() < 0.3:  # a phone number as the login: "89161234567@mail.ru"
        login = "8" + ru_mobile(r) if d.ru else us_phone(r)
        dom = r.choice(["mail.ru", "yandex.ru"] if d.ru else ["gmail.com", "yahoo.com"])
        spoken = speak(r, d.lang, login, (1, 3, 3, 2, 2) if d.ru else (3, 3, 4), r.choice(["words", "mix"]))
        at, dot = ("собака", "точка") if d.ru else ("at", "dot")
        e = Email(f"{login}@{dom}", [], [f"{login}@{dom}", f"{spoken} {at} {dom.replace('.', f' {dot} ')}"])
        d.secret("em", "email", e.value)
        d.tags.append("phone_login")
    else:
        e = email_secret(d, digits_p=1.0)
    opening(d, reason(d))
    ask_email(d)
    d.c(um(d).capitalize(), S("em", r.choice(e.forms[1:])),
        d.pick([", цифры — это год рождения.", "."], ["."]))  # fmt: skip
    d.a(d.pick("Проверяю: ", "Let me check: "), S("em", e.value), d.pick(", верно?", ", correct?"))
    d.c(d.pick(["Да, всё верно.", "Угу, правильно."], ["Yes, that's it.", "Yep."]))
    closing(d)


def sc_email_underscore_dash(d: Dialog) -> None:
    r = d.r
    e = email_secret(d, seps="_-", digits_p=0.4)
    while not re.search(r"[_-]", e.value):
        e = email_secret(d, seps="_-", digits_p=0.4)
    opening(d, reason(d))
    ask_email(d)
    d.c(S("em", e.forms[2] if len(e.forms) > 2 and r.random() < 0.6 else e.forms[1]))
    sep = "_" if "_" in e.value else "-"
    if d.ru:
        d.a("Между словами дефис или нижнее подчёркивание?")
        d.c("Нижнее подчёркивание, внизу которое." if sep == "_" else "Дефис, обычная чёрточка.")
    else:
        d.a("Is that an underscore or a dash between the words?")
        d.c("Underscore, the low line." if sep == "_" else "A dash, like a minus sign.")
    d.a(d.pick("Поняла, записала: ", "Got it, so that's "), S("em", r.choice(e.forms[1:])), ".")
    closing(d)


def sc_email_correction(d: Dialog) -> None:
    r = d.r
    e = email_secret(d, seps=".", digits_p=0.3)
    local, dom = e.value.split("@")
    opening(d, reason(d))
    ask_email(d)
    if r.random() < 0.5:  # an old address first, then the right one
        old = local + "@" + r.choice(["rambler.ru", "list.ru"] if d.ru else ["aol.com", "msn.com"])
        d.c(S("em", old), d.pick("... ой, нет, подождите, это старая, она уже не работает.",
                                 "... oh, no, wait, that's my old one, it's dead now."))  # fmt: skip
        d.a(d.pick("Хорошо, а какая актуальная?", "No problem, what's the current one?"))
        d.c(S("em", r.choice(e.forms[1:])))
    else:  # the agent reads it back wrong, the caller corrects the local part
        wrong = local.replace(".", "_") if "." in local else local + "1"
        d.c(S("em", r.choice(e.forms[1:])))
        d.a(d.pick("Записываю: ", "So that's "), S("em", f"{wrong}@{dom}"), "?")
        if d.ru:
            d.c("Нет-нет, " + ("не подчёркивание, а точка: " if "." in local else "без единицы: "),
                S("em", local), ".")  # fmt: skip
        else:
            d.c("No, no, " + ("not an underscore, a dot: " if "." in local else "no one at the end: "),
                S("em", local), ".")  # fmt: skip
    d.a(d.pick("Исправила, спасибо.", "Fixed, thanks."))
    closing(d)


def card_secret(d: Dialog, key: str = "card", sixteen: bool = False) -> str:
    card = make_card(d.r)
    while sixteen and len(card) != 16:
        card = make_card(d.r)
    d.secret(key, "card", card)
    return card


def card_groups(card: str) -> tuple[int, ...]:
    return {15: (4, 6, 5), 16: (4, 4, 4, 4), 18: (4, 4, 4, 4, 2), 19: (4, 4, 4, 4, 3)}.get(
        len(card), (4, 4, 4, 4)
    )


def ask_card(d: Dialog) -> None:
    d.a(
        d.pick(
            ["Для оплаты назовите номер карты.", "Диктуйте номер карты, я внесу платёж."],
            ["I can take the payment now, what's the card number?", "Go ahead with the long card number."],
        )
    )


def sc_card_next_four(d: Dialog) -> None:
    r = d.r
    card = card_secret(d, sixteen=True)
    opening(d, reason(d))
    ask_card(d)
    parts = speak_parts(r, d.lang, card, (4, 4, 4, 4), r.choice(["mix", "digits", "words"]))
    if d.ru:
        lead = ["Так, первые четыре ", "следующие четыре ", "дальше ", "и последние "]
    else:
        lead = ["Okay, the first four are ", "the next four are ", "then ", "and the last four are "]
    for i, (lp, p) in enumerate(zip(lead, parts, strict=True)):
        d.c(lp, S("card", p), ".")
        if i < 3:
            back(d)
    d.a(d.pick("Заканчивается на ", "Ending in "), card[-4:], d.pick(", верно?", ", right?"))
    d.c(d.pick("Да.", "Yes."))
    closing(d)


def sc_card_split_readback(d: Dialog) -> None:
    r = d.r
    card = card_secret(d, sixteen=True)
    opening(d, reason(d))
    ask_card(d)
    d.c(S("card", speak(r, d.lang, card[:8], (4, 4), r.choice(["digits", "words", "mix"]))), "...")
    d.a(d.pick("Так, ", "Okay, "), S("card", speak(r, d.lang, card[:8], (2, 2, 2, 2), "digits", (" ",))),
        d.pick(", дальше?", ", go on?"))  # fmt: skip
    d.c(S("card", speak(r, d.lang, card[8:], (4, 4), r.choice(["digits", "words", "mix"]))), ".")
    d.a(
        d.pick("Проверяю целиком: ", "Let me read the whole thing back: "),
        S(
            "card",
            speak(r, d.lang, card, r.choice([(3, 3, 3, 3, 4), (2,) * 8, (4, 4, 4, 4)]), "digits", (" ",)),
        ),
        "?",
    )
    d.c(d.pick("Да, правильно.", "Yeah, that's right."))
    closing(d)


def say_cvv(d: Dialog, cvv: str) -> str:
    return d.r.choice(
        [cvv, speak(d.r, d.lang, cvv, (3,), "words"), speak(d.r, d.lang, cvv, (1, 1, 1), "words", (", ",))]
    )


def sc_cvv_after_pause(d: Dialog) -> None:
    r = d.r
    card = card_secret(d)
    cvv = d.secret("cvv", "cvv", rdig(r, 3))
    opening(d, reason(d))
    ask_card(d)
    d.c(S("card", speak(r, d.lang, card, card_groups(card), r.choice(["digits", "mix"]))), ", ",
        neutral_parts(d, "expiry"), ".")  # fmt: skip
    d.a(d.pick("И код с обратной стороны, три цифры.", "And the three-digit code on the back?"))
    d.c(
        d.pick(
            "Сейчас, переверну... тут стёрлось всё.", "Hang on, let me flip it over... it's kind of worn off."
        )
    )
    d.a(d.pick("Да, не торопитесь.", "No rush."))
    d.c(d.pick(["Так... ", "Вот, вижу: ", ""], ["Okay... ", "Alright, it's ", ""]),
        S(cvv, say_cvv(d, d.secrets[cvv].value)), ".")  # fmt: skip
    closing(d)


def sc_id_word_earlier(d: Dialog) -> None:
    r = d.r
    kind, value, pattern = id_secret(d, "id")
    opening(d, reason(d))
    word = ID_WORD[kind][0 if d.ru else 1] or "social"
    d.a(
        d.pick(
            f"Для проверки личности мне понадобится {word}.",
            f"To verify your identity I'll need your {word}.",
        )
    )
    d.c(d.pick("Сейчас, он в сумке, достану...", "Sure, hold on, it's in my wallet somewhere..."))
    d.a(d.pick("Хорошо, жду.", "Take your time."))
    parts = speak_parts(r, d.lang, value, pattern, r.choice(["digits", "words", "mix"]))
    cut = max(1, len(parts) // 2)
    d.c(d.pick("Так, нашла. ", "Okay, found it. "), S("id", " ".join(parts[:cut])))
    back(d)
    d.c(S("id", ", ".join(parts[cut:])), ".")
    d.a(d.pick("Спасибо, данные совпадают.", "Thank you, that matches what we have."))
    closing(d)


def sc_id_readback_regrouped(d: Dialog) -> None:
    r = d.r
    kind, value, pattern = id_secret(d, "id")
    opening(d, reason(d))
    word = ID_WORD[kind][0 if d.ru else 1] or "social security number"
    d.a(d.pick(f"Назовите, пожалуйста, {word}.", f"Could you give me your {word}?"))
    shown = (
        "-".join(split_groups(value, pattern))
        if r.random() < 0.4
        else speak(r, d.lang, value, pattern, "mix")
    )
    d.c(S("id", shown), ".")
    other = r.choice([(2,) * 6, (3,) * 4, (1,) * 12, (4,) * 3])
    d.a(d.pick("Повторю: ", "Let me repeat: "),
        S("id", speak(r, d.lang, value, other, r.choice(["digits", "perdigit"]))), "?")  # fmt: skip
    d.c(d.pick("Да, всё так.", "Yes, correct."))
    closing(d)


def sc_mixed_digits_words(d: Dialog) -> None:
    r = d.r
    nat = phone_secret(d)
    full = (
        ("8" + nat, (1, 3, 3, 2, 2))
        if d.ru and r.random() < 0.7
        else (nat, (3, 3, 2, 2) if d.ru else (3, 3, 4))
    )
    ph = speak(r, d.lang, *full, "mix")
    while not (re.search(r"\d", ph) and re.search(r"[a-zа-я]", ph)):
        ph = speak(r, d.lang, *full, "mix")
    opening(d, reason(d))
    d.a(d.pick("Номер телефона для связи подскажите.", "And a good callback number?"))
    d.c(d.pick("Да, ", "Yeah, "), S("ph", ph), d.pick(", это мобильный.", ", that's my cell."))
    d.a(d.pick("Записала, ", "Okay, "), S("ph", speak(r, d.lang, nat, (3, 3, 4), "digits", (" ",))), "?")
    d.c(d.pick("Угу.", "Mm-hmm."))
    closing(d)


def sc_readback_mistake(d: Dialog) -> None:
    r = d.r
    nat = phone_secret(d)
    pos = len(nat) - r.randint(1, 4)
    wrong = nat[:pos] + str((int(nat[pos]) + r.randint(1, 8)) % 10) + nat[pos + 1 :]
    opening(d, reason(d))
    d.a(d.pick("Куда вам перезвонить?", "What's the best number to call you back on?"))
    d.c(S("ph", say_phone(r, d.lang, nat)[0]), ".")
    pat = (3, 3, 2, 2) if d.ru else (3, 3, 4)
    d.a(d.pick("Повторяю: ", "Let me read it back: "),
        S("ph", speak(r, d.lang, wrong, pat, r.choice(["digits", "words"]))), "?")  # fmt: skip
    w4, n4 = speak(r, d.lang, wrong[-4:], (2, 2), "words"), speak(r, d.lang, nat[-4:], (2, 2), "words")
    if d.ru:
        d.c("Нет, в конце не ", S("ph", w4), ", а ", S("ph", n4), ".")
        d.a("Ой, простите, ", S("ph", speak(r, "ru", nat, pat, "digits")), ", теперь верно?")
    else:
        d.c("No, the end is ", S("ph", n4), ", not ", S("ph", w4), ".")
        d.a("Sorry about that, ", S("ph", speak(r, "en", nat, pat, "digits")), ", better?")
    d.c(d.pick("Да.", "Yep."))
    closing(d)


def sc_restart_hesitation(d: Dialog) -> None:
    r = d.r
    nat = phone_secret(d)
    full = "8" + nat if d.ru else nat
    pat = (1, 3, 3, 2, 2) if d.ru else (3, 3, 4)
    opening(d, reason(d))
    d.a(d.pick("Продиктуйте номер телефона.", "Can I get a phone number for the account?"))
    start = speak(r, d.lang, full[: 4 + r.randint(0, 3)], (1, 3, 3) if d.ru else (3, 3), "words")
    d.c(um(d).capitalize(), S("ph", start),
        d.pick("... ой, нет, давайте сначала, я сбилась.", "... sorry, let me start over."))  # fmt: skip
    d.a(d.pick("Да, конечно.", "Sure."))
    d.c(S("ph", speak(r, d.lang, full, pat, r.choice(["words", "mix"]), filler=0.6)), ".")
    closing(d)


def sc_secret_next_to_reference(d: Dialog) -> None:
    r = d.r
    ph = say_phone(r, d.lang, phone_secret(d))[0]
    opening(d, reason(d))
    if d.ru:
        d.a("Назовите номер договора и контактный телефон.")
        d.c("Договор ", keep_num(d, "contract"), ", телефон ", S("ph", ph), ", и ещё ",
            *keep_parts(d, "invoice"), ".")  # fmt: skip
    else:
        d.a("Can I have the order number and a contact phone?")
        d.c("Order ", keep_num(d, "order"), ", and my phone is ", S("ph", ph), ", oh and ",
            *keep_parts(d, "invoice"), ".")  # fmt: skip
    closing(d)


def say_iban(r: random.Random, lang: str, iban: str) -> str:
    chunks = [iban[i : i + 4] for i in range(0, len(iban), 4)]
    if r.random() < 0.4:
        return " ".join(chunks)
    out = []
    for ch in chunks:
        words = []
        for piece in re.findall(r"[A-Z]+|\d+", ch):
            words.append(" ".join(piece) if piece.isalpha() else speak(r, lang, piece, (2, 2), "mix"))
        out.append(" ".join(words))
    text = ", ".join(out)
    return text if digits_of(text) == re.sub(r"\D", "", iban) else " ".join(chunks)


def sc_bank_account_iban(d: Dialog) -> None:
    r = d.r
    opening(d, reason(d))
    if d.ru:
        bik = make_bik(r)
        acc = make_ru_account(r, bik)
        d.secret("acc", "bank_account", acc)
        d.a("Для возврата мне нужны реквизиты вашего счёта.")
        d.c("Счёт ",
            S("acc", speak(r, "ru", acc, r.choice([(5, 3, 1, 4, 7), (4,) * 5]), r.choice(["digits", "mix"]))),
            ", БИК ", K("bik", bik), ", банк «Северный».")  # fmt: skip
        d.a("Проверяю конец счёта: ", S("acc", speak(r, "ru", acc[-7:], (3, 2, 2), "words")), "?")
        d.c("Да, всё верно.")
    elif r.random() < 0.6:
        iban = make_iban(r)
        d.secret("acc", "iban", iban)
        d.tags.append(iban[:2])
        d.a("For the refund, can you give me the IBAN of your account?")
        d.c("Sure, it's ", S("acc", say_iban(r, "en", iban)), ".")
        d.a("Thanks, and it ends in ", S("acc", iban[-4:]), "?")
        d.c("That's right.")
    else:
        _, acc, pattern = id_secret(d, "acc", "bank_account")
        d.a("For the direct deposit I'll need your routing and account numbers.")
        d.c("Routing is ", f"0{rdig(r, 8)}", ", and the account is ",
            S("acc", speak(r, "en", acc, pattern, "mix")), ".")  # fmt: skip
        d.a("Okay, account ", S("acc", speak(r, "en", acc, (3, 3, 3, 3), "digits")), ", correct?")
        d.c("Yes.")
    closing(d)


def sc_ni_medical(d: Dialog) -> None:
    r = d.r
    opening(d, reason(d))
    if d.ru:
        _, oms, _ = id_secret(d, "oms", "medical_policy")
        _, snils, _ = id_secret(d, "snils", "snils")
        d.a("Для записи к врачу нужен полис ОМС и СНИЛС.")
        d.c("Полис ", S("oms", speak(r, "ru", oms, (4, 4, 4, 4), r.choice(["digits", "mix"]))), ".")
        back(d)
        d.c(
            "А СНИЛС ",
            S(
                "snils",
                r.choice(
                    [
                        f"{snils[:3]}-{snils[3:6]}-{snils[6:9]} {snils[9:]}",
                        speak(r, "ru", snils, (3, 3, 3, 2), "words"),
                    ]
                ),
            ),
            ".",
        )
    else:
        ni = make_ni(r)
        d.secret("ni", "ni_number", ni)
        _, nhs, _ = id_secret(d, "nhs", "medical_policy")
        d.a("I'll need your National Insurance number and your NHS number for the form.")
        ni_said = r.choice([f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8]}", f"{ni[0]}, {ni[1]}, " +
                            speak(r, "en", ni[2:8], (2, 2, 2), "words", (", ",)) + f", {ni[8]}"])  # fmt: skip
        d.c("National Insurance is ", S("ni", ni_said), ".")
        back(d)
        d.c("And the NHS number is ", S("nhs", speak(r, "en", nhs, (3, 3, 4), r.choice(["digits", "mix"]))),
            ".")  # fmt: skip
    closing(d)


def sc_inn_person_vs_company(d: Dialog) -> None:
    r = d.r
    opening(d, reason(d))
    if d.ru:
        _, inn, pat = id_secret(d, "inn", "inn_person")
        d.a("Договор оформляем на организацию или на вас как ИП?")
        d.c("На организацию, ИНН ", keep_num(d, "inn_company"), ", КПП ", keep_num(d, "kpp"), ", ОГРН ",
            keep_num(d, "ogrn"), ".")  # fmt: skip
        d.a("Так, и для доверенности нужен ИНН подписанта, ваш личный.")
        d.c("Мой? ", um(d), S("inn", speak(r, "ru", inn, pat, r.choice(["digits", "mix", "words"]))), ".")
    else:
        _, ssn, pat = id_secret(d, "inn", "ssn")
        d.a("Is the invoice going to your business or to you personally?")
        d.c("The business, ", *keep_parts(d, "po"), ", and ", *keep_parts(d, "invoice"), ".")
        d.a("And for the W-9 I need the taxpayer number, for a sole proprietor that's your social.")
        d.c(
            "Oh, okay, ", um(d), S("inn", speak(r, "en", ssn, pat, r.choice(["digits", "mix", "words"]))), "."
        )
    closing(d)


def sc_card_expiry_cvv_chain(d: Dialog) -> None:
    r = d.r
    card = card_secret(d)
    cvv = d.secret("cvv", "cvv", rdig(r, 3))
    opening(d, reason(d))
    ask_card(d)
    word = r.choice(
        ["код ", "а сзади ", "CVV ", ""] if d.ru else ["CVV ", "security code ", "and on the back ", ""]
    )
    d.c(S("card", speak(r, d.lang, card, card_groups(card), r.choice(["digits", "mix", "words"]))), ", ",
        neutral_parts(d, "expiry"), ", ", word, S(cvv, say_cvv(d, d.secrets[cvv].value)), ".")  # fmt: skip
    d.a(d.pick("Спасибо, платёж прошёл.", "Thanks, the payment went through."))
    closing(d)


def sc_bare_answer_after_ref(d: Dialog) -> None:
    r = d.r
    nat = phone_secret(d)
    opening(d, reason(d))
    ticket = f"20{r.randint(23, 25)}{rdig(r, 6)}"
    d.a(d.pick("Номер заявки у вас есть?", "Do you have the case number?"))
    d.c(d.pick("Да, ", "Yes, "),
        K("ticket", speak(r, d.lang, ticket, (4, 3, 3), r.choice(["digits", "words"]))), ".")  # fmt: skip
    d.a(d.pick("А телефон для связи?", "And a callback number?"))
    d.c(
        S(
            "ph",
            speak(r, d.lang, nat, (3, 3, 2, 2) if d.ru else (3, 3, 4), r.choice(["digits", "words", "mix"])),
        ),
        ".",
    )
    d.a(d.pick("И номер заказа, если есть.", "And the order number, if you have it."))
    d.c(K("order", str(r.randint(10_000_000, 99_999_999))), ".")
    closing(d)


def sc_phone_email_one_turn(d: Dialog) -> None:
    r = d.r
    ph = say_phone(r, d.lang, phone_secret(d))[0]
    e = email_secret(d)
    opening(d, reason(d))
    d.a(d.pick("Как с вами связаться?", "How should we contact you?"))
    if d.ru:
        d.c("Пишите: телефон ", S("ph", ph), ", почта ", S("em", r.choice(e.forms)),
            ", лучше на почту, я на работе.")  # fmt: skip
    else:
        d.c("Write down, phone ", S("ph", ph), ", email ", S("em", r.choice(e.forms)),
            ", email's better, I'm at work.")  # fmt: skip
    closing(d)


def sc_dob_then_passport(d: Dialog) -> None:
    r = d.r
    opening(d, reason(d))
    d.a(d.pick("Для проверки: ваша дата рождения?", "For security, can you confirm your date of birth?"))
    d.c(neutral_parts(d, "dob"), ".")
    if d.ru:
        _, pas, _ = id_secret(d, "id", "passport")
        d.a("И серию, номер паспорта.")
        ser, num = (
            speak(r, "ru", pas[:4], (2, 2), "mix"),
            speak(r, "ru", pas[4:], r.choice([(6,), (3, 3), (2, 2, 2)]), "mix"),
        )
        when = f"{r.randint(10, 28)}.{r.randint(10, 12)}.{r.randint(2005, 2023)}"
        issued = f", выдан {when}, код подразделения {r.randint(100, 999)}-{r.randint(100, 999)}"
        if r.random() < 0.5:
            d.c("Серия ", S("id", ser), ", номер ", S("id", num), issued, ".")
        else:
            d.c("Номер ", S("id", num), ", а серия ", S("id", ser), issued, ".")
    else:
        lic = r.choice("ABDFGN") + rdig(r, 7)
        d.secret("id", "driver_licence", lic)
        d.a("And your California driver's license number?")
        said = r.choice(
            [
                lic,
                f"{lic[0]} as in {EN_AS_IN.get(lic[0].lower(), 'Apple')}, "
                + speak(r, "en", lic[1:], (3, 4), "mix"),
            ]
        )
        d.c(S("id", said), ".")
    d.a(d.pick("Спасибо, вижу вас.", "Thank you, I've got your account up."))
    closing(d)


def sc_code_switch(d: Dialog) -> None:
    r = d.r
    nat = phone_secret(d)
    opening(d, reason(d))
    d.a(d.pick("Оставьте номер телефона.", "Can I get a phone number?"))
    if d.ru:
        d.c("Давайте я по-английски, мне так проще: ",
            S("ph", "plus seven, " + speak(r, "en", nat, (3, 3, 2, 2), "words")), ".")  # fmt: skip
        d.a("Записываю: ", S("ph", speak(r, "ru", nat, (3, 3, 2, 2), "digits")), ".")
        e = email_secret(d)
        d.c("И почта: my email is ", S("em", e.forms[1] if len(e.forms) > 1 else e.value), ".")
    else:
        d.c("It's my Russian number, ", S("ph", speak(r, "ru", "8" + nat, (1, 3, 3, 2, 2), "words")),
            ", sorry, I mean, ", S("ph", speak(r, "en", "8" + nat, (1, 3, 3, 2, 2), "mix")), ".")  # fmt: skip
        d.a("No problem, I got it.")
    closing(d)


def sc_licence_with_policy(d: Dialog) -> None:
    r = d.r
    opening(d, reason(d))
    if d.ru:
        _, lic, pat = id_secret(d, "id", "driver_licence")
        d.a("Для оформления страхового случая назовите номер водительского удостоверения и полиса.")
        d.c("Права ", S("id", speak(r, "ru", lic, pat, r.choice(["digits", "mix"]))), ", полис ОСАГО ХХХ ",
            keep_num(d, "osago"), ", пробег ", keep_num(d, "mileage"), ".")  # fmt: skip
    else:
        _, lic, pat = id_secret(d, "id", "driver_licence")
        d.a("To open the claim I'll need your driver's license number and the policy details.")
        d.c("License ", S("id", speak(r, "en", lic, pat, r.choice(["digits", "mix"]))), ", and ",
            *keep_parts(d, "claim"), ", ", *keep_parts(d, "mileage"), ".")  # fmt: skip
    d.a(d.pick("Спасибо, страховой случай зарегистрирован.", "Thanks, the claim is open."))
    closing(d)


def sc_email_split_turns(d: Dialog) -> None:
    """An address dictated a piece a breath, with the agent's backchannels in between."""
    r = d.r
    e = email_secret(d, seps="._", digits_p=0.4)
    opening(d, reason(d))
    ask_email(d)
    words = r.choice(e.forms[1:]).split(" ")
    seps = {"точка", "dot", "period", "подчёркивание", "underscore", "собака", "собачка", "эт", "at"}
    chunks: list[list[str]] = [[]]
    for w in words:
        if w in seps and chunks[-1]:
            chunks.append([])
        chunks[-1].append(w)
    for i, chunk in enumerate(chunks):
        d.c(d.pick(["Так, ", "", "Дальше "], ["So, ", "", "Then "]) if i else um(d).capitalize(),
            S("em", " ".join(chunk)))  # fmt: skip
        back(d)
    d.a(d.pick("Отправила письмо, проверьте.", "I've sent a test message, can you check?"))
    d.c(d.pick("Да, пришло.", "Yep, got it."))
    closing(d)


def sc_phone_instead_of_order(d: Dialog) -> None:
    """Asked for an order number, the caller gives the phone the order was placed with."""
    r = d.r
    nat = phone_secret(d)
    ph = speak(r, d.lang, nat, (3, 3, 2, 2) if d.ru else (3, 3, 4), r.choice(["digits", "words", "mix"]))
    opening(d, [d.pick("Здравствуйте, хочу узнать статус заказа.", "Hi, I want to check on an order.")])
    d.a(d.pick("Назовите номер заказа.", "What's the order number?"))
    if d.ru:
        d.c("Ой, номер заказа не помню, давайте по телефону, на который оформляла: ", S("ph", ph), ".")
        d.a("Нашла, заказ ", keep_num(d, "order"), ", ", *keep_parts(d, "price"), ", верно?")
    else:
        d.c("I don't have it handy, can you look it up by the phone I ordered with? ", S("ph", ph), ".")
        d.a("Found it, order ", keep_num(d, "order"), ", ", *keep_parts(d, "price"), ", right?")
    d.c(d.pick("Да, он.", "Yes, that's the one."))
    closing(d)


POSITIVE: list[tuple[str, Scenario]] = [
    (fn.__name__[3:], fn)
    for fn in (
        sc_phone_long_sentence, sc_same_as_whatsapp, sc_phone_with_extension, sc_two_phones_one_turn,
        sc_intl_phone, sc_email_with_digits, sc_email_underscore_dash, sc_email_correction, sc_card_next_four,
        sc_card_split_readback, sc_cvv_after_pause, sc_id_word_earlier, sc_id_readback_regrouped,
        sc_mixed_digits_words, sc_readback_mistake, sc_restart_hesitation, sc_secret_next_to_reference,
        sc_bank_account_iban, sc_ni_medical, sc_inn_person_vs_company, sc_card_expiry_cvv_chain,
        sc_bare_answer_after_ref, sc_phone_email_one_turn, sc_dob_then_passport, sc_code_switch,
        sc_licence_with_policy, sc_email_split_turns, sc_phone_instead_of_order,
    )
]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Negative scenarios: no personal data, many numbers that must stay


def neg_order_status(d: Dialog) -> None:
    r = d.r
    order = str(r.randint(10_000_000, 99_999_999))
    opening(
        d,
        [
            d.pick(
                "Здравствуйте, хочу узнать, где мой заказ.", "Hi, I'm trying to find out where my order is."
            )
        ],
    )
    d.a(d.pick("Назовите номер заказа.", "Sure, what's the order number?"))
    d.c(K("order", speak(r, d.lang, order, (2, 2, 2, 2), r.choice(["words", "mix", "digits"]))), ".")
    d.a(d.pick("Так, ", "Okay, "), K("order", speak(r, d.lang, order, (4, 4), "digits", (" ", "-"))),
        d.pick(", оформлен ", ", placed "), K("date", date_str(d)), ", ",
        *keep_parts(d, "price"), ", ", *keep_parts(d, "tracking"), ".")  # fmt: skip
    d.c(d.pick("А когда привезут?", "So when will it get here?"))
    d.a(d.pick("Ожидаемая дата ", "Estimated delivery is "), K("date", date_str(d)),
        d.pick(", с ", ", between "), K("time", f"{r.randint(9, 12)}:00"), d.pick(" до ", " and "),
        K("time", f"{r.randint(14, 20)}:00"), ".")  # fmt: skip
    d.c(
        d.pick(
            f"А можно в пункт выдачи, {neutral_parts(d, 'address')}?",
            f"Can I pick it up at {neutral_parts(d, 'address')}?",
        )
    )
    d.a(d.pick("Да, срок плюс ", "Yes, that adds "),
        K("quantity", d.pick(f"{r.randint(2, 4)} дня", f"{r.randint(2, 4)} days")), ".")  # fmt: skip
    closing(d)


def neg_company_invoice(d: Dialog) -> None:
    r = d.r
    opening(
        d, [d.pick("Добрый день, нам нужен счёт на организацию.", "Hi, we need an invoice for our company.")]
    )
    if d.ru:
        inn = make_inn_company(r)
        d.a("Назовите ИНН организации.")
        d.c(K("inn_company", speak(r, "ru", inn, (4, 3, 3), r.choice(["digits", "words", "mix"]))), ".")
        d.a("Проверяю: ", K("inn_company", " ".join(split_groups(inn, (2, 2, 2, 2, 2)))), ", КПП?")
        d.c(K("kpp", make_kpp(r)), ", ОГРН ", K("ogrn", make_ogrn(r)), ", БИК банка ", K("bik", make_bik(r)),
            ".")  # fmt: skip
        d.a("Сколько лицензий?")
        d.c(K("quantity", f"{r.randint(5, 60)} лицензий"), " на ",
            K("quantity", f"{r.randint(6, 24)} месяцев"), ".")  # fmt: skip
        d.a("Итого ", K("price", ru_int(r.randint(20, 400) * 1000 + r.choice([0, 500])) + " рублей"),
            ", счёт № ", K("invoice", str(r.randint(1000, 9999))),
            " уйдёт на почту бухгалтерии.")  # fmt: skip
    else:
        d.a("Sure, what's the purchase order number?")
        d.c(*keep_parts(d, "po"), ".")
        d.a("And how many seats?")
        d.c(K("quantity", f"{r.randint(5, 60)} seats"), " for ", K("quantity", f"{r.randint(6, 36)} months"),
            ".")  # fmt: skip
        d.a("That comes to ", K("price", f"${r.randint(2, 40)},{r.randint(100, 999)}.00"), ", ",
            *keep_parts(d, "invoice"), ", net ", K("quantity", f"{r.choice([30, 45, 60])} days"),
            ".")  # fmt: skip
    closing(d)


def neg_tariff(d: Dialog) -> None:
    r = d.r
    opening(d, reason(d))
    if d.ru:
        d.a("Могу предложить тариф ", K("quantity", f"{r.choice([300, 500])} мегабит"), " за ",
            K("price", ru_int(r.randint(5, 19) * 100 + 90) + " рублей"), " в месяц, первые ",
            K("quantity", f"{r.randint(2, 6)} месяца"), " скидка ",
            K("quantity", f"{r.choice([15, 20, 30])} процентов"), ".")  # fmt: skip
        d.c("А сейчас я плачу ", K("price", f"{r.randint(5, 19)}{r.randint(1, 9)}0 рублей"),
            ", это сколько выйдет за год?")  # fmt: skip
        d.a("Примерно ", K("price", f"{r.randint(10, 20)} {r.randint(100, 999)} рублей"), " с ",
            K("date", date_str(d)), ".")  # fmt: skip
    else:
        d.a("I can offer the ", K("quantity", f"{r.choice([300, 500])} meg"), " plan for ",
            K("price", f"{en_int(r.randint(30, 89))} {en_int(r.choice([99, 49]))}"), " a month, ",
            K("quantity", f"{r.choice([20, 25, 30])} percent"), " off for the first ",
            K("quantity", f"{r.randint(3, 6)} months"), ".")  # fmt: skip
        d.c("I'm paying ", K("price", f"${r.randint(50, 120)}.{r.choice(['99', '00'])}"),
            " now, what's that over a year?")  # fmt: skip
        d.a("About ", K("price", f"${r.randint(4, 9)}{r.randint(10, 99)}"), ", starting ",
            K("date", date_str(d)), ".")  # fmt: skip
    d.c(d.pick("Давайте, подключайте.", "Okay, let's do it."))
    closing(d)


def neg_ticket_dictated(d: Dialog) -> None:
    r = d.r
    ticket = f"{r.randint(2023, 2025)}{rdig(r, 6)}"
    opening(
        d,
        [
            d.pick(
                "Здравствуйте, я уже звонила, мне дали номер обращения.",
                "Hi, I called before and they gave me a case number.",
            )
        ],
    )
    d.a(d.pick("Продиктуйте номер обращения.", "Can you read me the case number?"))
    d.c(K("ticket", speak(r, d.lang, ticket, (4, 3, 3), "mix", filler=0.5)), ".")
    d.a(d.pick("Повторяю: ", "So that's "),
        K("ticket", speak(r, d.lang, ticket, (2, 2, 2, 2, 2), "digits", (" ",))), "?")  # fmt: skip
    d.c(d.pick("Да.", "Yes."))
    d.a(d.pick("Мастер назначен на ", "A technician is booked for "), K("date", date_str(d)),
        d.pick(", интервал с ", ", between "), K("time", f"{r.randint(9, 13)}:00"), d.pick(" до ", " and "),
        K("time", f"{r.randint(14, 19)}:00"), ".")  # fmt: skip
    closing(d)


def neg_refund_last_four(d: Dialog) -> None:
    r = d.r
    opening(d, reason(d))
    last4 = rdig(r, 4)
    d.a(
        d.pick("Возврат оформлен на ", "The refund of "),
        K(
            "price",
            d.pick(
                f"{r.randint(5, 99)}{r.randint(1, 9)}0 рублей", f"${r.randint(20, 400)}.{r.randint(10, 99)}"
            ),
        ),
        d.pick(", вернём на карту, которая заканчивается на ", " goes back to the card ending in "),
        last4,
        ".",
    )
    d.c(d.pick("А сколько ждать?", "How long does that take?"))
    d.a(
        d.pick("От ", "From "),
        K(
            "quantity",
            d.pick(
                f"{r.randint(3, 5)} до {r.randint(7, 10)} рабочих дней",
                f"{r.randint(3, 5)} to {r.randint(7, 10)} business days",
            ),
        ),
        d.pick(", номер возврата ", ", refund reference "),
        K("ticket", f"R{rdig(r, 8)}"),
        ".",
    )
    closing(d)


def neg_claim(d: Dialog) -> None:
    r = d.r
    opening(d, [d.pick("Здравствуйте, хочу узнать по страховому случаю.", "Hi, I'm checking on my claim.")])
    if d.ru:
        d.a("Номер полиса ОСАГО?")
        d.c("ХХХ ", keep_num(d, "osago"), ", ДТП было ", K("date", date_str(d)), ".")
        d.a("Вижу, убыток № ", K("claim", f"{rdig(r, 4)}-{rdig(r, 6)}"), ", оценка ",
            K("price", f"{r.randint(20, 180)} {r.randint(100, 999)} рублей"), ".")  # fmt: skip
        d.c("Машина ", K("quantity", f"{r.randint(2012, 2023)} года"), ", ", *keep_parts(d, "mileage"),
            ", этого мало.")  # fmt: skip
    else:
        d.a("Sure, what's the claim number?")
        d.c(*keep_parts(d, "claim"), ", the accident was on ",
            K("date", f"{r.randint(1, 9)}/{r.randint(10, 28)}/2024"), ".")  # fmt: skip
        d.a("The estimate is ", K("price", f"${r.randint(1, 9)},{r.randint(100, 999)}"), ", deductible ",
            K("price", f"${r.choice([250, 500, 1000])}"), ".")  # fmt: skip
        d.c("It's a ", K("quantity", str(r.randint(2012, 2023))), " model, ", *keep_parts(d, "mileage"),
            ", that's too low.")  # fmt: skip
    closing(d)


def neg_tech_support(d: Dialog) -> None:
    r = d.r
    opening(d, [d.pick("Интернет пропал, пишет ошибку.", "My internet's down, I keep getting an error.")])
    d.a(d.pick("Какой код ошибки?", "What's the error code?"))
    d.c(K("code", str(r.choice([651, 678, 691, 720, 769]))),
        d.pick(", роутер мигает.", ", and the router's blinking."))  # fmt: skip
    d.a(d.pick("Перезагрузите роутер и подождите ", "Unplug the router and wait "),
        K("quantity", d.pick(f"{r.choice([30, 60, 90])} секунд", f"{r.choice([30, 60, 90])} seconds")),
        d.pick(". Версия прошивки ", ". Firmware should be "),
        K("version", f"{r.randint(2, 4)}.{r.randint(0, 9)}.{r.randint(10, 40)}"), ".")  # fmt: skip
    d.c(d.pick("Так, заработало, скорость ", "Okay, it's back, speed test says "),
        K("quantity", d.pick(f"{r.randint(80, 99)} мегабит", f"{r.randint(80, 99)} megabits")),
        ".")  # fmt: skip
    d.a(d.pick("Отлично, заявка ", "Great, ticket "), keep_num(d, "ticket"),
        d.pick(" закрыта.", " is closed."))  # fmt: skip
    closing(d)


def neg_meter_readings(d: Dialog) -> None:
    r = d.r
    opening(d, [d.pick("Хочу передать показания счётчика.", "I want to submit a meter reading.")])
    d.a(d.pick("Диктуйте.", "Go ahead."))
    day, night = f"0{r.randint(1000, 9999)}", f"0{r.randint(1000, 9999)}"
    d.c(d.pick("День ", "Day "),
        K("reading", speak(r, d.lang, day, (2, 3), r.choice(["digits", "words"]), (" ",))),
        d.pick(", ночь ", ", night "), K("reading", night), ".")  # fmt: skip
    d.a(
        d.pick("Принято, тариф ", "Got it, the rate is "),
        K(
            "price",
            d.pick(
                f"{r.randint(4, 9)},{r.randint(10, 99)} рубля", f"{r.randint(12, 30)}.{r.randint(1, 9)} cents"
            ),
        ),
        d.pick(" за киловатт, к оплате ", " per kilowatt-hour, amount due "),
        K(
            "price",
            d.pick(
                f"{r.randint(1, 9)} {r.randint(100, 999)} рублей",
                f"${r.randint(60, 300)}.{r.randint(10, 99)}",
            ),
        ),
        ".",
    )
    d.c(d.pick("До какого числа оплатить?", "When is it due?"))
    d.a(d.pick("До ", "By "), K("date", date_str(d)), ".")
    closing(d)


def neg_numbers_in_words(d: Dialog) -> None:
    r = d.r
    opening(d, reason(d))
    order = str(r.randint(10_000_000, 99_999_999))
    if d.ru:
        d.a("Стоимость ", K("price", ru_int(r.randint(1, 30) * 1000 + r.choice([990, 500, 0])) + " рублей"),
            ", доставка ", K("price", ru_int(r.choice([199, 299, 350])) + " рублей"), ", всего ",
            K("quantity", ru_int(r.randint(2, 12)) + " позиций"), ".")  # fmt: skip
        d.c("А номер заказа продиктуйте, я запишу.")
        d.a(K("order", speak(r, "ru", order, (2, 2, 2, 2), "words")), ", повторяю: ",
            K("order", speak(r, "ru", order, (4, 4), "digits")), ".")  # fmt: skip
    else:
        d.a("It's ", K("price", f"{en_int(r.randint(1, 9))} hundred {en_int(r.randint(20, 99))} dollars"),
            ", shipping ", K("price", f"{en_int(r.randint(5, 19))} ninety-nine"), ", ",
            K("quantity", f"{en_int(r.randint(2, 12))} items"), " total.")  # fmt: skip
        d.c("Can you give me the order number so I can write it down?")
        d.a(K("order", speak(r, "en", order, (2, 2, 2, 2), "words")), ", so ",
            K("order", speak(r, "en", order, (4, 4), "digits")), ".")  # fmt: skip
    d.c(d.pick("Записала.", "Got it."))
    closing(d)


NEGATIVE: list[tuple[str, Scenario]] = [
    (fn.__name__[4:], fn)
    for fn in (
        neg_order_status,
        neg_company_invoice,
        neg_tariff,
        neg_ticket_dictated,
        neg_refund_last_four,
        neg_claim,
        neg_tech_support,
        neg_meter_readings,
        neg_numbers_in_words,
    )
]


# --------------------------------------------------------------------------------------------
# Generation


def _sanity(case: Case) -> None:
    """A generator bug, not bad luck: raise."""
    plain = [t for _, t in case.turns]
    rd = Reading.of(" \n ".join(plain))
    assert not (case.negative and case.secrets), case.cid
    for sec in case.secrets:
        assert sec.spans, (case.cid, str(sec))
        for ti, surface in sec.spans:
            assert surface and surface in plain[ti], (case.cid, str(sec), surface)
        assert readable(sec, rd), (case.cid, "unreadable unredacted", str(sec), sec.spans)
    for keep in case.keeps:
        assert keep.surface in plain[keep.turn], (case.cid, str(keep))
        assert keep_readable(keep, Reading.of(plain[keep.turn])), (case.cid, "unreadable keep", str(keep))


def _collision(case: Case) -> str | None:
    """Bad luck (a secret's digits also in another number, a keep inside a secret): draw again."""
    for sec in case.secrets:
        texts = perfect_redaction(case, only=sec)
        if readable(sec, Reading.of(" \n ".join(texts))):
            return f"{sec} readable elsewhere"
    res = check_case(case, perfect_redaction(case), join_turns(case.turns, perfect_redaction(case)))
    if res.leaks or res.lost or res.wrong_type or res.touched:
        return "perfect redaction not clean"
    return None


def build_case(seed: int, lang: str, cid: str, name: str, fn: Scenario, negative: bool) -> Case:
    last = ""
    for attempt in range(60):
        d = Dialog(lang, random.Random(f"{seed}/{cid}/{attempt}"))
        fn(d)
        case = Case(cid, lang, name, d.tags, d.turns, negative, list(d.secrets.values()), d.keeps)
        _sanity(case)
        last = _collision(case) or ""
        if not last:
            return case
    raise AssertionError(f"{cid} ({name}): {last}")


def generate(seed: int = SEED) -> list[Case]:
    cases: list[Case] = []
    for lang in LANGS:
        for i in range(N_POSITIVE):
            name, fn = POSITIVE[i % len(POSITIVE)]
            cases.append(build_case(seed, lang, f"pos-{lang}-{i + 1:03d}", name, fn, False))
        for i in range(N_NEGATIVE):
            name, fn = NEGATIVE[i % len(NEGATIVE)]
            cases.append(build_case(seed, lang, f"neg-{lang}-{i + 1:03d}", name, fn, True))
    return cases


# --------------------------------------------------------------------------------------------
# Measurement


def evaluate(cases: list[Case] | None = None) -> dict[str, Any]:
    cases = generate() if cases is None else cases
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_scenario: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    lost_per_scenario: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures: list[dict[str, Any]] = []
    n_sec = n_leak = n_keep = n_lost = n_wrong = n_touched = 0
    for case in cases:
        stored, compressed = run_case(case)
        res = check_case(case, stored, compressed)
        leaked = {id(s) for s, _ in res.leaks}
        for sec in case.secrets:
            hit = int(id(sec) in leaked)
            for bucket in (
                per_type[f"{sec.kind}/{case.lang}"],
                per_lang[case.lang],
                per_scenario[case.scenario],
            ):
                bucket[0] += hit
                bucket[1] += 1
        n_sec += len(case.secrets)
        n_leak += len(res.leaks)
        n_keep += len(case.keeps)
        n_lost += len(res.lost)
        n_wrong += len(res.wrong_type)
        n_touched += int(res.touched)
        lost_per_scenario[case.scenario][0] += len(res.lost)
        lost_per_scenario[case.scenario][1] += len(case.keeps)
        if res.leaks or res.lost or res.wrong_type or res.touched:
            failures.append({
                "case": case.cid, "lang": case.lang, "scenario": case.scenario, "turns": case.turns,
                "stored": stored, "compressed": compressed, "leaks": res.leaks, "lost": res.lost,
                "wrong_type": res.wrong_type, "touched": res.touched,
            })  # fmt: skip
    return {
        "cases": len(cases),
        "positive": sum(not c.negative for c in cases),
        "negative": sum(c.negative for c in cases),
        "secrets": n_sec,
        "leaked": n_leak,
        "keeps": n_keep,
        "lost_keeps": n_lost,
        "wrong_type": n_wrong,
        "negative_with_placeholder": n_touched,
        "per_type": {k: tuple(v) for k, v in sorted(per_type.items())},
        "per_lang": {k: tuple(v) for k, v in sorted(per_lang.items())},
        "per_scenario": {k: tuple(v) for k, v in sorted(per_scenario.items())},
        "lost_per_scenario": {k: tuple(v) for k, v in sorted(lost_per_scenario.items())},
        "failures": failures,
    }


def self_check(cases: list[Case] | None = None) -> dict[str, int]:
    """The checker against redactions whose outcome is known."""
    cases = generate() if cases is None else cases
    n_sec = n_keep = 0
    for case in cases:
        plain = [t for _, t in case.turns]
        res = check_case(case, plain, join_turns(case.turns))
        assert len(res.leaks) == len(case.secrets), (case.cid, "unredacted secret not readable")
        assert not res.lost and not res.touched, (case.cid, "unredacted keep lost")
        perfect = perfect_redaction(case)
        res = check_case(case, perfect, join_turns(case.turns, perfect))
        assert not (res.leaks or res.lost or res.wrong_type or res.touched), (
            case.cid,
            "perfect redaction flagged",
        )
        n_sec += len(case.secrets)
        n_keep += len(case.keeps)
    # a wrong placeholder type is caught, and it is no leak
    wrong = 0
    for case in cases:
        for sec in case.secrets:
            if sec.kind in ("phone", "passport", "ssn", "email", "cvv") and wrong < 40:
                other = "[ID]" if sec.placeholder != "[ID]" else "[PHONE]"
                texts = perfect_redaction(case)
                for ti, _ in sec.spans:
                    texts[ti] = case.turns[ti][1]
                for ti, surface in sec.spans:
                    texts[ti] = texts[ti].replace(surface, other)
                for o in case.secrets:  # the others as a perfect redaction leaves them
                    for ti, surface in o.spans if o is not sec else []:
                        texts[ti] = texts[ti].replace(surface, o.placeholder)
                res = check_case(case, texts, join_turns(case.turns, texts))
                assert not res.leaks and [s for s, _ in res.wrong_type] == [sec], (case.cid, str(sec), res)
                wrong += 1
    assert wrong >= 10
    # a redacted keep is lost, in its segment and in the compressed text
    lost = 0
    for case in cases:
        for keep in case.keeps[:2]:
            texts = perfect_redaction(case)
            texts[keep.turn] = texts[keep.turn].replace(keep.surface, "[ID]")
            res = check_case(case, texts, join_turns(case.turns, texts))
            others = [k for k in case.keeps if k is not keep and k.turn == keep.turn]
            if any(keep.surface in o.surface or o.surface in keep.surface for o in others):
                continue
            where = [w for k, w in res.lost if k is keep]
            assert where and where[0].startswith("stored"), (case.cid, str(keep))
            lost += where[0] == "stored+compressed"
            assert not case.negative or res.touched
    assert lost >= 10
    return {
        "cases": len(cases),
        "secrets": n_sec,
        "keeps": n_keep,
        "wrong_type_checked": wrong,
        "lost_checked": lost,
    }


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f} %)" if b else "0/0"


def main() -> None:
    cases = generate()
    print("self-check:", self_check(cases))
    res = evaluate(cases)
    print(f"cases {res['cases']} ({res['positive']} positive, {res['negative']} negative)")
    print(f"secrets readable: {_pct(res['leaked'], res['secrets'])}")
    print(f"must-keep numbers lost: {_pct(res['lost_keeps'], res['keeps'])}")
    print(f"wrong placeholder type: {res['wrong_type']}")
    print(f"negative dialogues touched: {_pct(res['negative_with_placeholder'], res['negative'])}")
    print("per language:", {k: _pct(*v) for k, v in res["per_lang"].items()})
    print("per type:")
    for k, v in res["per_type"].items():
        print(f"  {k:24s} {_pct(*v)}")
    print("per scenario (secrets readable | keeps lost):")
    for k in sorted(set(res["per_scenario"]) | set(res["lost_per_scenario"])):
        print(
            f"  {k:28s} {_pct(*res['per_scenario'].get(k, (0, 0))):>18s}"
            f" | {_pct(*res['lost_per_scenario'][k])}"
        )
    print("\nexamples:")
    for f in res["failures"][:40]:
        print(f"--- {f['case']} ({f['scenario']})")
        for sec, where in f["leaks"]:
            print(f"  LEAK {sec} in {where}")
        for keep, where in f["lost"]:
            print(f"  LOST {keep} in {where}")
        for sec, detail in f["wrong_type"]:
            print(f"  WRONG TYPE {sec}: {detail}")
        if f["touched"]:
            print("  NEGATIVE TOUCHED")
        for (role, _), text in zip(f["turns"], f["stored"], strict=True):
            print(f"    {role[:2]}: {text}")


if __name__ == "__main__":
    main()
