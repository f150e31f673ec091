"""Fourth blind PII probe: a seeded generator of phone-call dialogues (RU/EN) as Whisper would transcribe
them, plus a checker for what survives ``filter_transcript`` (stored segments) and ``compress`` (LLM text).

Written without reading the redaction code or the earlier probes, so its cases are independent of both.

Run: ``python -m tests.pii_probe4`` prints leak rates per type and language, the false-positive rate, the
wrong-placeholder count and every failing case.

Leak rule: a secret leaks when 4 of its digits in a row can be read back (digits or number words, as this
generator writes them; separators, backchannels and segment boundaries do not break a run). A card's last
four alone do not count (policy lets "ending in 4242" stay); a 3-digit CVV leaks when all 3 can be read.
An e-mail leaks when its local part, or a distinctive piece of it (>= 4 characters), is still readable.
A must-keep number is a false positive when it is gone from its stored segment or from the compressed text.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SEED = 4004
N_POS_PER_LANG = 160
N_NEG_PER_LANG = 65

# --- types ----------------------------------------------------------------------------------------

ID_KINDS = (
    "passport_ru",
    "passport_ru_foreign",
    "passport_us",
    "driver_licence",
    "ssn",
    "ssn_last4",
    "snils",
    "inn_person",
    "ni_uk",
    "nhs",
    "oms",
    "insurance_member",
    "insurance_policy",
    "bank_account",
)
PLACEHOLDER: dict[str, str] = {"phone": "PHONE", "card": "CARD", "cvv": "CARD", "email": "EMAIL"}
PLACEHOLDER |= {k: "ID" for k in ID_KINDS}
# The product does not say which placeholder a security code gets; either card-ish one is accepted.
ACCEPTED: dict[str, frozenset[str]] = {k: frozenset({v}) for k, v in PLACEHOLDER.items()}
ACCEPTED["cvv"] = frozenset({"CARD", "ID"})


@dataclass
class Secret:
    kind: str
    value: str  # digits, or the e-mail address
    markers: list[str] = field(default_factory=list)  # e-mail: readable forms of the local part
    segs: list[int] = field(default_factory=list)


@dataclass
class Keep:
    kind: str
    surface: str  # exactly as written in the turn
    seg: int = -1


@dataclass
class Case:
    cid: str
    lang: str
    industry: str
    negative: bool
    turns: list[tuple[str, str]]
    secrets: list[Secret]
    keeps: list[Keep]
    spans: list[tuple[int, int, int, str]]  # (turn, start, end, placeholder) for the perfect redaction
    tags: set[str]


# --- number words: one table used both to speak numbers and to read them back -------------------------

_RU_U = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
_RU_U_GEN = ["нуля", "одного", "двух", "трёх", "четырёх", "пяти", "шести", "семи", "восьми", "девяти"]
_RU_TEEN = [
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
_RU_TEEN_GEN = [w[:-1] + "и" for w in _RU_TEEN]
_RU_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят"]
_RU_TENS += ["девяносто"]
_RU_TENS_GEN = ["", "", "двадцати", "тридцати", "сорока", "пятидесяти", "шестидесяти", "семидесяти"]
_RU_TENS_GEN += ["восьмидесяти", "девяноста"]
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
_RU_H_GEN = ["", "ста", "двухсот", "трёхсот", "четырёхсот", "пятисот", "шестисот", "семисот", "восьмисот"]
_RU_H_GEN += ["девятисот"]
_RU_DN = ["нуля", "единицы", "двойки", "тройки", "четвёрки", "пятёрки", "шестёрки", "семёрки", "восьмёрки"]
_RU_DN += ["девятки"]
_EN_U = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_TEEN = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen"]
_EN_TEEN += ["nineteen"]
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _norm_word(w: str) -> str:
    return w.lower().replace("ё", "е")


WORDS: dict[str, tuple[str, int]] = {}
for _i in range(10):
    for _w in (_RU_U[_i], _RU_U_GEN[_i], _EN_U[_i]):
        WORDS[_norm_word(_w)] = ("u", _i)
    WORDS[_norm_word(_RU_TEEN[_i])] = ("teen", 10 + _i)
    WORDS[_norm_word(_RU_TEEN_GEN[_i])] = ("teen", 10 + _i)
    WORDS[_EN_TEEN[_i]] = ("teen", 10 + _i)
    if _i >= 2:
        for _w in (_RU_TENS[_i], _RU_TENS_GEN[_i], _EN_TENS[_i]):
            WORDS[_norm_word(_w)] = ("ten", 10 * _i)
    if _i >= 1:
        for _w in (_RU_H[_i], _RU_H_GEN[_i]):
            WORDS[_norm_word(_w)] = ("h", 100 * _i)
    WORDS[_norm_word(_RU_DN[_i])] = ("dn", _i)
WORDS |= {"нуль": ("u", 0), "ноля": ("u", 0), "одна": ("u", 1), "одно": ("u", 1), "одной": ("u", 1)}
WORDS |= {"две": ("u", 2), "нули": ("dn", 0), "нолика": ("dn", 0), "единица": ("dn", 1), "двойка": ("dn", 2)}
WORDS |= {"тройка": ("dn", 3), "семерка": ("dn", 7), "девятка": ("dn", 9), "пятерка": ("dn", 5)}
for _w in ("тысяча", "тысячи", "тысяч", "тысячу", "thousand"):
    WORDS[_w] = ("k", 1000)
WORDS |= {"hundred": ("hund", 100), "double": ("rep", 2), "triple": ("rep", 3)}
_COUNT_WORDS = {"два", "две", "три", "четыре"}  # "две семёрки" = 77
_ZERO_NOUNS = {"нуля", "ноля", "нули", "нолика"}
_OH = {"oh"}  # "five oh two": zero only next to other number words
SKIP = {
    # backchannels and connectors a speaker puts between groups while dictating
    "and",
    "then",
    "uh",
    "um",
    "er",
    "mm",
    "hmm",
    "huh",
    "okay",
    "ok",
    "yes",
    "yeah",
    "yep",
    "go",
    "ahead",
    "plus",
    "dash",
    "so",
    "got",
    "it",
    "on",
    "и",
    "да",
    "угу",
    "ага",
    "так",
    "дальше",
    "потом",
    "еще",
    "плюс",
    "тире",
    "дефис",
    "записываю",
    "слушаю",
    "э",
    "эм",
    "ну",
    "вот",
    "значит",
    "пишу",
}
SEPS = set("-.,()+/:—–…'\"")
_TOKEN = re.compile(r"\d+|[^\W\d_]+|\S")
PLACEHOLDER_RE = re.compile(r"\[([A-Z_]+)\]")


def _items(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok.isdigit():
            out.append(("lit", tok))
        elif tok[0].isalpha():
            w = _norm_word(tok)
            if w in WORDS:
                out.append(("w", (w, *WORDS[w])))
            elif w in _OH:
                out.append(("oh", None))
            elif w in SKIP:
                out.append(("skip", None))
            else:
                out.append(("break", None))
        elif tok in SEPS:
            out.append(("sep", None))
        else:
            out.append(("break", None))
    # "oh" is a zero only next to a number (skipping separators), so "Oh, okay" stays a word
    numbery = {"lit", "w", "oh"}
    for i, (k, _) in enumerate(out):
        if k != "oh":
            continue
        j = i - 1
        while j >= 0 and out[j][0] == "sep":
            j -= 1
        prev_num = j >= 0 and out[j][0] in ("lit", "w")
        j = i + 1
        while j < len(out) and out[j][0] in ("sep", "oh"):
            j += 1
        next_num = j < len(out) and out[j][0] in numbery
        out[i] = ("w", ("oh", "u", 0)) if (prev_num or next_num) else ("break", None)
    return out


def _parse_run(nums: list[tuple[str, Any]]) -> str:
    """Digits a run of number tokens reads as: groups ("девятьсот шестнадцать") are joined as spoken."""
    # repetition: "double five", "две семёрки", "три нуля"
    flat: list[tuple[str, Any]] = []
    i = 0
    while i < len(nums):
        kind, val = nums[i]
        nxt = nums[i + 1] if i + 1 < len(nums) else None
        if kind == "w" and val[1] == "rep":
            if nxt and nxt[0] == "w" and nxt[1][1] in ("u", "dn"):
                flat.append(("lit", str(nxt[1][2]) * val[2]))
                i += 2
                continue
            i += 1
            continue
        counted = nxt and nxt[0] == "w" and (nxt[1][1] == "dn" or nxt[1][0] in _ZERO_NOUNS)
        if kind == "w" and val[0] in _COUNT_WORDS and counted:
            flat.append(("lit", str(nxt[1][2]) * val[2]))
            i += 2
            continue
        if kind == "w" and val[1] == "dn":
            flat.append(("lit", str(val[2])))
            i += 1
            continue
        flat.append((kind, val))
        i += 1
    out: list[str] = []
    st: dict[str, Any] = {"big": None, "h": None, "t": None, "u": None}

    def empty() -> bool:
        return st["h"] is None and st["t"] is None and st["u"] is None

    def flush() -> None:
        if st["big"] is not None or not empty():
            out.append(str((st["big"] or 0) + (st["h"] or 0) + (st["t"] or 0) + (st["u"] or 0)))
        st.update(big=None, h=None, t=None, u=None)

    for kind, val in flat:
        if kind == "lit":
            flush()
            out.append(val)
            continue
        _, wk, v = val
        if wk == "u" and v == 0:
            flush()
            out.append("0")
        elif wk == "u":
            # "сто пять", "двадцать три" fill the units slot; a second unit starts a new group
            if not (empty() or (st["u"] is None and (st["h"] is not None or st["t"] is not None))):
                flush()
            st["u"] = v
        elif wk == "teen":
            if st["t"] is None and st["u"] is None:
                st["t"], st["u"] = v, 0
            else:
                flush()
                st["t"], st["u"] = v, 0
        elif wk == "ten":
            if st["t"] is None and st["u"] is None:
                st["t"] = v
            else:
                flush()
                st["t"] = v
        elif wk == "h":
            if empty():
                st["h"] = v
            else:
                flush()
                st["h"] = v
        elif wk == "hund":
            if st["h"] is None and not empty():
                st["h"] = ((st["t"] or 0) + (st["u"] or 0)) * 100
                st["t"] = st["u"] = None
            elif empty():
                st["h"] = 100
            else:
                flush()
                st["h"] = 100
        elif wk == "k":
            g = (st["h"] or 0) + (st["t"] or 0) + (st["u"] or 0)
            st["big"] = (st["big"] or 0) + (g or 1) * 1000
            st["h"] = st["t"] = st["u"] = None
    flush()
    return "".join(out)


def digit_runs(text: str) -> list[str]:
    """Digit strings readable in ``text``; a run goes on over separators and backchannel words."""
    runs: list[str] = []
    cur: list[tuple[str, Any]] = []
    for kind, val in _items(text):
        if kind in ("lit", "w"):
            cur.append((kind, val))
        elif kind in ("sep", "skip"):
            continue
        else:
            if cur:
                runs.append(_parse_run(cur))
            cur = []
    if cur:
        runs.append(_parse_run(cur))
    return [r for r in runs if r]


def spoken_digits(text: str) -> str:
    return "".join(digit_runs(text))


def _norm_text(text: str) -> str:
    return re.sub(r"[\s,]+", " ", _norm_word(text)).strip()


def secret_leaks(sec: Secret, runs: list[str], norm_text: str) -> bool:
    if sec.kind == "email":
        for m in sec.markers:
            if re.search(r"(?<!\w)" + re.escape(_norm_text(m)) + r"(?!\w)", norm_text):
                return True
        return False
    v = sec.value
    n = min(4, len(v))
    windows = {v[i : i + n] for i in range(len(v) - n + 1)}
    if sec.kind == "card":
        windows = {v[i : i + 4] for i in range(len(v) - 4)}  # the last four may stay
    return any(w in r for r in runs for w in windows)


def keep_present(keep: Keep, text: str, runs: list[str]) -> bool:
    if keep.surface in text:
        return True
    need = digit_runs(keep.surface)
    # a one- or two-digit number must stand alone, or it would be found inside any longer one
    return bool(need) and all(any(n in r if len(n) > 2 else n == r for r in runs) for n in need)


# --- generator helpers ------------------------------------------------------------------------------


def rd(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(n))


def rdn(r: random.Random, n: int) -> str:
    return r.choice("123456789") + rd(r, n - 1)


def ru_words(n: int, gen: bool = False, zero: str = "ноль") -> str:
    if n == 0:
        return "нуля" if gen else zero
    parts: list[str] = []
    if n >= 1000:
        k, n = divmod(n, 1000)
        if k == 1:
            parts.append("тысяча")
        else:
            kw = ru_words(k).split()
            if kw[-1] == "один":
                kw[-1] = "одна"
            elif kw[-1] == "два":
                kw[-1] = "две"
            parts.extend(kw)
            last = k % 10
            if last == 1 and k % 100 != 11:
                parts.append("тысяча")
            elif last in (2, 3, 4) and k % 100 not in (12, 13, 14):
                parts.append("тысячи")
            else:
                parts.append("тысяч")
        if n == 0:
            return " ".join(parts)
    h, rest = divmod(n, 100)
    if h:
        parts.append((_RU_H_GEN if gen else _RU_H)[h])
    if 10 <= rest <= 19:
        parts.append((_RU_TEEN_GEN if gen else _RU_TEEN)[rest - 10])
    else:
        t, u = divmod(rest, 10)
        if t:
            parts.append((_RU_TENS_GEN if gen else _RU_TENS)[t])
        if u:
            parts.append((_RU_U_GEN if gen else _RU_U)[u])
    return " ".join(parts)


def en_words(n: int, hyphen: bool = True) -> str:
    if n == 0:
        return "zero"
    parts: list[str] = []
    if n >= 1000:
        k, n = divmod(n, 1000)
        parts += [en_words(k, hyphen), "thousand"]
        if n == 0:
            return " ".join(parts)
    h, rest = divmod(n, 100)
    if h:
        parts += [_EN_U[h], "hundred"]
    if 10 <= rest <= 19:
        parts.append(_EN_TEEN[rest - 10])
    elif rest:
        t, u = divmod(rest, 10)
        if t and u:
            parts.append(f"{_EN_TENS[t]}-{_EN_U[u]}" if hyphen else f"{_EN_TENS[t]} {_EN_U[u]}")
        elif t:
            parts.append(_EN_TENS[t])
        else:
            parts.append(_EN_U[u])
    return " ".join(parts)


def ru_each(r: random.Random, s: str, rep: bool = True, zero: str | None = None) -> str:
    """Digit by digit; a repeated digit may come as "две семёрки" / "три нуля"."""
    zero = zero or r.choice(["ноль", "ноль", "нуль"])
    out: list[str] = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        n = j - i
        d = int(s[i])
        if rep and n in (2, 3) and r.random() < 0.6:
            count = {2: "два" if d == 0 else "две", 3: "три"}[n]
            out.append(f"{count} {_RU_DN[d]}")
        else:
            out.extend([zero if d == 0 else _RU_U[d]] * n)
        i = j
    return " ".join(out)


def en_each(r: random.Random, s: str, rep: bool = True, zero: str | None = None) -> str:
    zero = zero or r.choice(["oh", "oh", "zero"])
    out: list[str] = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        n = j - i
        word = zero if s[i] == "0" else _EN_U[int(s[i])]
        if rep and n in (2, 3) and r.random() < 0.6:
            out.append(f"{'double' if n == 2 else 'triple'} {word}")
        else:
            out.extend([word] * n)
        i = j
    return " ".join(out)


def ru_group(r: random.Random, g: str) -> str:
    """A group as a Russian speaker reads it: "916" -> "девятьсот шестнадцать", "05" -> "ноль пять"."""
    zero = r.choice(["ноль", "ноль", "нуль"])
    if len(g) > 1 and g[0] == "0":
        z = len(g) - len(g.lstrip("0"))
        if z == len(g):
            return r.choice(
                [" ".join([zero] * z), f"{'два' if z == 2 else 'три'} нуля" if z in (2, 3) else zero]
            )
        return " ".join([zero] * z + [ru_group(r, g[z:])])
    if len(g) >= 3 and r.random() < 0.2:
        return ru_each(r, g, zero=zero)
    if len(g) >= 4:  # nobody reads "7880" in a phone as "семь тысяч восемьсот восемьдесят": pairs/triples
        cut = {4: 2, 5: 2, 6: 3, 7: 3}.get(len(g), 3)
        return f"{ru_group(r, g[:cut])} {ru_group(r, g[cut:])}"
    return ru_words(int(g), zero=zero)


def en_group(r: random.Random, g: str, zero: str) -> str:
    if len(g) == 4 and g[0] != "0" and g[2] != "0" and r.random() < 0.35:
        return f"{en_words(int(g[:2]))} {en_words(int(g[2:]))}"  # "thirty-two ten"
    return en_each(r, g, zero=zero)


@dataclass
class Rend:
    chunks: list[str]
    joiner: str = " "

    @property
    def text(self) -> str:
        return self.joiner.join(self.chunks)

    def split(self, k: int) -> tuple[str, str]:
        return self.joiner.join(self.chunks[:k]), self.joiner.join(self.chunks[k:])


def spoken(r: random.Random, lang: str, digits: str, groups: list[int], joiner: str | None = None) -> Rend:
    """Number words for ``digits`` read in ``groups``, re-drawn until it reads back unambiguously."""
    pos = 0
    parts: list[str] = []
    for g in groups:
        parts.append(digits[pos : pos + g])
        pos += g
    assert pos == len(digits), (digits, groups)
    zero = r.choice(["oh", "oh", "zero"])
    for _ in range(12):
        chunks = [ru_group(r, p) for p in parts] if lang == "ru" else [en_group(r, p, zero) for p in parts]
        rend = Rend(chunks, joiner if joiner is not None else r.choice([" ", ", ", ", "]))
        if spoken_digits(rend.text) == digits:
            return rend
    each = ru_each if lang == "ru" else en_each
    rend = Rend([each(r, p, rep=False) for p in parts], ", ")
    assert spoken_digits(rend.text) == digits, (rend.text, digits)
    return rend


def fmt(digits: str, groups: list[int], seps: list[str]) -> Rend:
    """Digits written in groups: seps[i] goes between group i and i+1 (chunks keep in-group dashes)."""
    out: list[str] = []
    pos = 0
    for g in groups:
        out.append(digits[pos : pos + g])
        pos += g
    text = out[0]
    for sep, part in zip(seps, out[1:], strict=False):
        text += sep + part
    # chunks split at spaces only, so a split between turns happens where a speaker would pause
    return Rend(text.split(" "), " ")


# --- checksums ---------------------------------------------------------------------------------------


def luhn_digit(body: str) -> str:
    s = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return str((10 - s % 10) % 10)


def luhn_ok(num: str) -> bool:
    return luhn_digit(num[:-1]) == num[-1]


def make_card(r: random.Random, prefix: str, length: int = 16) -> str:
    body = prefix + rd(r, length - 1 - len(prefix))
    return body + luhn_digit(body)


def make_snils(r: random.Random) -> str:
    while True:
        n = rd(r, 9)
        if int(n) <= 1001998:
            continue
        s = sum(int(d) * (9 - i) for i, d in enumerate(n))
        cs = s if s < 100 else (0 if s in (100, 101) else s % 101)
        cs = 0 if cs == 100 else cs
        return n + f"{cs:02d}"


def make_inn12(r: random.Random) -> str:
    n = r.choice(["77", "50", "78", "66", "16", "23", "54"]) + rd(r, 8)
    c11 = sum(int(d) * w for d, w in zip(n, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8], strict=False)) % 11 % 10
    n += str(c11)
    c12 = sum(int(d) * w for d, w in zip(n, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], strict=False)) % 11 % 10
    return n + str(c12)


def make_inn10(r: random.Random) -> str:
    n = r.choice(["77", "78", "50", "66", "54"]) + rd(r, 7)
    return n + str(sum(int(d) * w for d, w in zip(n, [2, 4, 10, 3, 5, 9, 4, 6, 8], strict=False)) % 11 % 10)


def make_ogrn(r: random.Random) -> str:
    n = r.choice(["1", "5"]) + rd(r, 2) + r.choice(["77", "78", "50"]) + rd(r, 7)
    return n + str(int(n) % 11 % 10)


def make_nhs(r: random.Random) -> str:
    while True:
        n = rdn(r, 9)
        c = 11 - sum(int(d) * (10 - i) for i, d in enumerate(n)) % 11
        if c == 10:
            continue
        return n + str(0 if c == 11 else c)


def make_oms(r: random.Random) -> str:
    while True:
        n = r.choice(["77", "50", "78", "54", "66"]) + rd(r, 14)
        if not luhn_ok(n):  # a real OMS number is not a card; keep the type question unambiguous
            return n


def make_ssn(r: random.Random) -> str:
    while True:
        a = r.randint(1, 899)
        if a != 666:
            return f"{a:03d}{r.randint(1, 99):02d}{r.randint(1, 9999):04d}"


# --- case builder ------------------------------------------------------------------------------------


class S:
    """A piece of a turn that is (part of) a secret."""

    def __init__(self, sec: Secret, text: str) -> None:
        self.sec, self.text = sec, text


class K:
    """A piece of a turn that must stay."""

    def __init__(self, kind: str, surface: str) -> None:
        self.kind, self.surface = kind, surface


class B:
    def __init__(self, cid: str, lang: str, industry: str, negative: bool) -> None:
        self.cid, self.lang, self.industry, self.negative = cid, lang, industry, negative
        self.turns: list[tuple[str, str]] = []
        self.secrets: list[Secret] = []
        self.keeps: list[Keep] = []
        self.spans: list[tuple[int, int, int, str]] = []
        self.tags: set[str] = set()

    def sec(self, kind: str, value: str, markers: list[str] | None = None) -> Secret:
        s = Secret(kind, value, markers or [])
        self.secrets.append(s)
        return s

    def say(self, role: str, *parts: str | S | K) -> None:
        idx = len(self.turns)
        text = ""
        for p in parts:
            if isinstance(p, S):
                self.spans.append((idx, len(text), len(text) + len(p.text), PLACEHOLDER[p.sec.kind]))
                if idx not in p.sec.segs:
                    p.sec.segs.append(idx)
                text += p.text
            elif isinstance(p, K):
                self.keeps.append(Keep(p.kind, p.surface, idx))
                text += p.surface
            else:
                text += p
        self.turns.append((role, text))

    def a(self, *parts: str | S | K) -> None:
        self.say("agent", *parts)

    def c(self, *parts: str | S | K) -> None:
        self.say("customer", *parts)

    def tag(self, *tags: str) -> None:
        self.tags.update(tags)

    def back(self, r: random.Random) -> str:
        return r.choice(BACK[self.lang])

    def case(self) -> Case:
        return Case(
            self.cid,
            self.lang,
            self.industry,
            self.negative,
            self.turns,
            self.secrets,
            self.keeps,
            self.spans,
            self.tags,
        )


BACK = {
    "ru": ["Да.", "Угу.", "Так.", "Ага, дальше.", "Записываю.", "Да-да, слушаю.", "Так, угу."],
    "en": ["Mm-hmm.", "Go ahead.", "Okay.", "Uh-huh.", "Yep, go on.", "Okay, and then?", "Mm-hmm, go ahead."],
}
EN_AGENTS = ["Rachel", "Tom", "Dev", "Lisa", "Carlos", "Hannah", "Marcus"]
RU_AGENTS = ["Анна", "Марина", "Сергей", "Виктория", "Алексей", "Татьяна", "Роман"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
RU_MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября"]


def ordinal(n: int) -> str:
    suf = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suf}"


def say_secret(
    b: B, r: random.Random, role: str, sec: Secret, rend: Rend, pre: str, post: str, split: bool | None = None
) -> None:
    """One secret in a turn, or split over two turns with the other side's backchannel in between."""
    if split is None:
        split = len(rend.chunks) >= 3 and r.random() < 0.25
    if split and len(rend.chunks) >= 2:
        k = r.randint(1, len(rend.chunks) - 1)
        p1, p2 = rend.split(k)
        b.say(role, pre, S(sec, p1), r.choice(["...", ",", ""]))
        other = "agent" if role == "customer" else "customer"
        b.say(other, b.back(r))
        b.say(role, S(sec, p2), post)
        b.tag("split_turns")
    else:
        b.say(role, pre, S(sec, rend.text), post)


# --- secret makers: (digits, rendering) ----------------------------------------------------------------

RU_MOBILE = ["903", "905", "909", "910", "912", "915", "916", "917", "919", "920", "925", "926", "929", "950"]
RU_MOBILE += ["960", "963", "965", "977", "985", "999", "921", "981"]
US_AREA = ["212", "310", "415", "617", "702", "312", "404", "646", "917", "213", "305", "503", "206", "720"]


def ru_phone(r: random.Random, b: B, style: str | None = None) -> tuple[str, Rend]:
    code, rest = r.choice(RU_MOBILE), rdn(r, 7)
    lead = r.choice(["+7", "8", "8", "+7", ""])
    digits = lead.lstrip("+") + code + rest
    style = style or r.choice(["digits", "digits", "words", "words", "each"])
    if style == "digits":
        form = r.randrange(7)
        if lead == "":
            return digits, fmt(
                digits, [3, 3, 2, 2], r.choice([[" ", " ", " "], [" ", "-", "-"], [" ", " ", "-"]])
            )
        lg = [len(lead.lstrip("+"))]
        if form == 0:
            rend = fmt(digits, [*lg, 3, 3, 2, 2], [" ", " ", "-", "-"])
        elif form == 1:
            rend = fmt(digits, [*lg, 3, 3, 2, 2], [" (", ") ", "-", "-"])
        elif form == 2:
            rend = fmt(digits, [*lg, 3, 3, 2, 2], ["-", "-", "-", "-"])
        elif form == 3:
            rend = Rend([digits])
        elif form == 4:
            rend = fmt(digits, [*lg, 3, 3, 2, 2], [" ", " ", " ", " "])
        elif form == 5:
            rend = fmt(digits, [*lg, 3, 7], [" ", " "])
        else:
            rend = fmt(digits, [*lg, 3, 3, 2, 2], [" (", ") ", " ", " "])
        if lead == "+7":
            rend = Rend(["+" + rend.chunks[0], *rend.chunks[1:]], rend.joiner)
        return digits, rend
    lead_d = lead.lstrip("+")
    if style == "each":
        groups = ([lead_d] if lead_d else []) + [code, rest[:3], rest[3:5], rest[5:]]
        rend = Rend([ru_each(r, g) for g in groups], r.choice([" ", ", "]))
        if spoken_digits(rend.text) != digits:
            rend = Rend([ru_each(r, g, rep=False) for g in groups], ", ")
        b.tag("digit_by_digit")
    else:
        rend = spoken(r, "ru", digits, ([len(lead_d)] if lead_d else []) + [3, 3, 2, 2])
        b.tag("number_words")
    if lead == "+7":
        rend = Rend(["плюс " + rend.chunks[0], *rend.chunks[1:]], rend.joiner)
    if any(w in rend.text for w in ("семёрки", "девятки", "нуля", "двойки", "пятёрки", "тройки")):
        b.tag("ru_digit_nouns")
    return digits, rend


def ru_phone_genitive(r: random.Random, b: B) -> tuple[str, str]:
    """ "начинается с восьми девятисот двадцати шести, дальше ..." — case forms of number words."""
    for _ in range(20):
        city = r.random() < 0.3  # "питерский, с восьми восьмисот двенадцати"
        code = r.choice(["812", "495", "499", "343", "383", "831"] if city else RU_MOBILE)
        rest = rdn(r, 7)
        digits = "8" + code + rest
        tail = spoken(r, "ru", rest, [3, 2, 2])
        text = f"начинается с восьми {ru_words(int(code), gen=True)}, дальше {tail.text}"
        if city:
            text = "городской, " + text
        if spoken_digits(text) == digits:
            b.tag("ru_case_forms")
            return digits, text
    raise AssertionError("no genitive phone")


def en_phone(r: random.Random, b: B, style: str | None = None) -> tuple[str, Rend]:
    area, exch, line = r.choice(US_AREA), str(r.randint(201, 989)), rd(r, 4)
    lead = r.random() < 0.2
    digits = ("1" if lead else "") + area + exch + line
    style = style or r.choice(["digits", "digits", "digits", "words", "words"])
    if style == "digits":
        form = r.randrange(6)
        if form == 0:
            text = f"({area}) {exch}-{line}"
        elif form == 1:
            text = f"{area}-{exch}-{line}"
        elif form == 2:
            text = f"{area}.{exch}.{line}"
        elif form == 3:
            text = f"{area} {exch} {line}"
        elif form == 4:
            text = f"{area}{exch}{line}"
        else:
            text = f"{area} {exch}-{line}"
        if lead:
            text = r.choice(["+1 ", "1-", "1 "]) + text
        rend = Rend(text.split(" "), " ")
        if len(rend.chunks) == 1 and "-" in text:
            rend = Rend(text.split("-"), "-")
        return digits, rend
    rend = spoken(r, "en", digits, ([1] if lead else []) + [3, 3, 4])
    if "double" in rend.text or "triple" in rend.text:
        b.tag("double_triple")
    b.tag("number_words")
    return digits, rend


def intl_phone(r: random.Random, b: B, lang: str) -> tuple[str, Rend]:
    kind = r.choice(["de", "by", "uz", "kz", "uk"])
    b.tag("intl_" + kind)
    if kind == "de":
        groups = r.choice([[2, 3, 8], [2, 2, 8], [2, 3, 7]])
        digits = "49" + r.choice(["151", "160", "176", "30", "89"])
        digits = (
            "49" + (digits[2:] if len(digits[2:]) == groups[1] else rdn(r, groups[1])) + rdn(r, groups[2])
        )
    elif kind == "by":
        groups = [3, 2, 3, 2, 2]
        digits = "375" + r.choice(["29", "33", "44", "25"]) + rdn(r, 7)
    elif kind == "uz":
        groups = [3, 2, 3, 2, 2]
        digits = "998" + r.choice(["90", "91", "93", "94", "97", "99"]) + rdn(r, 7)
    elif kind == "kz":
        groups = [1, 3, 3, 2, 2]
        digits = "7" + r.choice(["701", "702", "705", "707", "747", "771", "775", "777"]) + rdn(r, 7)
    else:
        groups = [2, 4, 6]
        digits = "44" + "7" + rd(r, 3) + rdn(r, 6)
    if r.random() < 0.5:
        seps = [" "] * (len(groups) - 1)
        if len(groups) == 5 and r.random() < 0.5:
            seps = [" ", " ", "-", "-"] if r.random() < 0.5 else [" (", ") ", "-", "-"]
        rend = fmt(digits, groups, seps)
        return digits, Rend(["+" + rend.chunks[0], *rend.chunks[1:]], " ")
    rend = spoken(r, lang, digits, groups)
    b.tag("number_words")
    return digits, Rend(
        [("плюс " if lang == "ru" else "plus ") + rend.chunks[0], *rend.chunks[1:]], rend.joiner
    )


def uk_phone(r: random.Random, b: B) -> tuple[str, Rend]:
    if r.random() < 0.6:
        digits = "07" + rd(r, 3) + rdn(r, 6)
        groups = [5, 6]
    else:
        digits = "020" + r.choice(["7", "8", "3"]) + rd(r, 3) + rd(r, 4)
        groups = [3, 4, 4]
    if r.random() < 0.5:
        return digits, fmt(digits, groups, [" "] * (len(groups) - 1))
    b.tag("number_words")
    return digits, spoken(r, "en", digits, groups)


def card_number(r: random.Random, lang: str) -> str:
    if lang == "ru":
        return make_card(
            r, r.choice(["4276", "4279", "5469", "5336", "2202", "2200", "4817", "5228", "2204"])
        )
    p = r.choice(["4147", "4485", "4532", "5425", "5105", "6011", "37"])
    return make_card(r, p, 15 if p == "37" else 16)


def card_rend(r: random.Random, b: B, lang: str, digits: str, allow_words: bool = True) -> Rend:
    groups = [4, 6, 5] if len(digits) == 15 else [4, 4, 4, 4]
    if not allow_words or r.random() < 0.5:
        form = r.randrange(4)
        if form == 3:
            return Rend([digits])
        sep = [" ", " ", "-"][form]
        return (
            fmt(digits, groups, [sep] * (len(groups) - 1))
            if sep == " "
            else Rend([sep.join(_chunks(digits, groups))], " ")
        )
    b.tag("number_words")
    if lang == "ru" and len(digits) == 16 and r.random() < 0.25:
        # "четыре тысячи двести семьдесят шесть" — a four-digit group read as a number
        for _ in range(10):
            parts = _chunks(digits, groups)
            chunks = [ru_words(int(p)) if p[0] != "0" else ru_group(r, p) for p in parts]
            rend = Rend(chunks, ", ")
            if spoken_digits(rend.text) == digits:
                b.tag("ru_thousands")
                return rend
    if lang == "ru":
        pairs = [2] * (len(digits) // 2) if len(digits) % 2 == 0 else [3, 2, 2, 2, 2, 2, 2]
        rend = spoken(r, "ru", digits, pairs, " ")
        # regroup pairs back into the 4-digit groups a speaker pauses on
        words = rend.chunks
        if len(digits) == 16:
            return Rend([" ".join(words[i : i + 2]) for i in range(0, 8, 2)], ", ")
        return rend
    return spoken(r, "en", digits, groups, ", ")


def _chunks(digits: str, groups: list[int]) -> list[str]:
    out, pos = [], 0
    for g in groups:
        out.append(digits[pos : pos + g])
        pos += g
    return out


def cvv_text(r: random.Random, lang: str, cvv: str) -> str:
    if lang == "ru":
        opts = (
            [ru_each(r, cvv, rep=False), ru_words(int(cvv))]
            if cvv[0] != "0"
            else [ru_each(r, cvv, rep=False)]
        )
    else:
        opts = [en_each(r, cvv, rep=False), "-".join(en_each(r, cvv, rep=False).split())]
        if cvv[0] != "0" and cvv[1] != "0":
            opts.append(f"{_EN_U[int(cvv[0])]} {en_words(int(cvv[1:]))}")
    for _ in range(5):
        t = r.choice(opts)
        if spoken_digits(t) == cvv:
            return t
    t = (ru_each if lang == "ru" else en_each)(r, cvv, rep=False)
    assert spoken_digits(t) == cvv
    return t


# --- e-mails -----------------------------------------------------------------------------------------

EN_LOCAL = ["jwalker", "kate", "mike", "olivia", "daniel", "priya", "bryant", "nguyen", "tkowalski", "jen"]
EN_LOCAL += ["robertson", "emily", "chris", "patel", "moreno", "fitz", "garcia"]
RU_LOCAL = {
    "ivan": "иван",
    "petrov": "петров",
    "smirnova": "смирнова",
    "olga": "ольга",
    "kuznetsov": "кузнецов",
    "elena": "елена",
    "dmitry": "дмитрий",
    "sokolova": "соколова",
    "nikita": "никита",
    "morozov": "морозов",
    "svetlana": "светлана",
    "volkov": "волков",
    "lebedeva": "лебедева",
    "katya": "катя",
}
RU_LETTER = {
    "a": "эй",
    "b": "би",
    "c": "си",
    "d": "ди",
    "e": "и",
    "f": "эф",
    "g": "джи",
    "h": "эйч",
    "i": "ай",
    "j": "джей",
    "k": "кей",
    "l": "эл",
    "m": "эм",
    "n": "эн",
    "o": "о",
    "p": "пи",
    "q": "кью",
    "r": "эр",
    "s": "эс",
    "t": "ти",
    "u": "ю",
    "v": "ви",
    "w": "дабл-ю",
    "x": "икс",
    "y": "уай",
    "z": "зет",
}
EN_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "comcast.net"]
RU_DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru", "rambler.ru", "ya.ru"]
RU_DOMAINS_RF = ["почта.рф", "стройдом.рф", "мойсад.рф", "ромашка.рф"]
RU_DOMAIN_SPOKEN = {
    "mail.ru": ["мейл точка ру", "мэйл ру", "mail.ru"],
    "yandex.ru": ["яндекс точка ру", "yandex.ru"],
    "gmail.com": ["джимейл точка ком", "gmail.com", "гмейл ком"],
    "bk.ru": ["бэ ка точка ру", "bk.ru"],
    "list.ru": ["лист точка ру", "list.ru"],
    "inbox.ru": ["инбокс точка ру", "inbox.ru"],
    "rambler.ru": ["рамблер точка ру", "rambler.ru"],
    "ya.ru": ["я точка ру", "ya.ru"],
}


def make_email(r: random.Random, b: B, lang: str) -> tuple[str, str, list[str]]:
    """(address, how it is written in the turn, leak markers)."""
    names = r.sample(EN_LOCAL, 2) if lang == "en" else r.sample(list(RU_LOCAL), 2)
    num = r.choice(["", "", str(r.randint(1, 99)), str(r.randint(1975, 2005)), rd(r, 3)])
    shape = r.randrange(5)
    seps: list[str]
    if shape == 0:
        pieces, seps = [names[0], names[1] + num], ["."]
    elif shape == 1:
        pieces, seps = [names[0], names[1] + num], ["_"]
    elif shape == 2:
        pieces, seps = [names[0][0], names[1], num or str(r.randint(10, 99))], ["-", "-"]
    elif shape == 3:
        pieces, seps = [names[0] + (num or str(r.randint(1, 99)))], []
    else:
        pieces, seps = [names[0], names[1][0], num or rd(r, 2)], ["_", "."]
    local = pieces[0] + "".join(s + p for s, p in zip(seps, pieces[1:], strict=False))
    if lang == "ru" and r.random() < 0.25:
        domain = r.choice(RU_DOMAINS_RF)
        b.tag("email_rf")
    else:
        domain = r.choice(EN_DOMAINS if lang == "en" else RU_DOMAINS)
    address = f"{local}@{domain}"
    style = r.choice(["literal", "literal", "spoken", "spoken", "letters"])
    if style == "literal":
        b.tag("email_literal")
        markers = [local] + [p for p in pieces if len(p) >= 4]
        return address, address, markers
    b.tag("email_spoken" if style == "spoken" else "email_spelled")
    sep_word = {
        "en": {".": "dot", "_": "underscore", "-": r.choice(["dash", "hyphen"])},
        "ru": {
            ".": "точка",
            "_": r.choice(["нижнее подчёркивание", "подчёркивание"]),
            "-": r.choice(["дефис", "тире"]),
        },
    }[lang]

    def piece(p: str) -> str:
        alpha = p.rstrip("0123456789")
        digits = p[len(alpha) :]
        out = []
        if alpha:
            if style == "letters" and len(alpha) > 1:
                if lang == "ru":
                    out.append("-".join(RU_LETTER[ch] for ch in alpha))
                else:
                    out.append(r.choice(["-", " "]).join(alpha.upper()))
            elif lang == "ru":
                out.append(RU_LOCAL.get(alpha, RU_LETTER.get(alpha, alpha)))
            else:
                out.append(alpha)
        if digits:
            if len(digits) == 2 and digits[0] != "0":
                out.append(ru_words(int(digits)) if lang == "ru" else en_words(int(digits)))
            elif len(digits) == 4 and digits[:2] == "19":
                out.append(ru_words(int(digits)) if lang == "ru" else f"nineteen {en_words(int(digits[2:]))}")
            else:
                out.append(ru_each(r, digits) if lang == "ru" else en_each(r, digits))
        return " ".join(out)

    spoken_pieces = [piece(p) for p in pieces]
    local_s = spoken_pieces[0] + "".join(
        f" {sep_word[s]} {p}" for s, p in zip(seps, spoken_pieces[1:], strict=False)
    )
    if lang == "en":
        dom = domain.split(".")
        dom_s = f"{dom[0]} dot {dom[1]}"
        text = f"{local_s} at {dom_s}"
    else:
        if domain.endswith(".рф"):
            dom_s = r.choice([domain.replace(".", " точка "), domain])
        else:
            dom_s = r.choice(RU_DOMAIN_SPOKEN[domain])
        text = f"{local_s} {r.choice(['собака', 'собака', 'эт'])} {dom_s}"
    if style == "letters" and lang == "ru":
        b.tag("email_ru_letter_names")
    markers = [local_s] + [sp for p, sp in zip(pieces, spoken_pieces, strict=False) if len(p) >= 4]
    return address, text, markers


# --- positive scenarios: English ---------------------------------------------------------------------


def price_en(r: random.Random, lo: int = 20, hi: int = 480) -> str:
    n = r.randint(lo, hi)
    dollars = f"{n:,}"
    return r.choice([f"${dollars}", f"${dollars}.{r.randint(10, 99)}"])


def price_ru(r: random.Random, lo: int = 150, hi: int = 9900) -> str:
    n = r.randint(lo, hi)
    num = f"{n:,}".replace(",", " ") if n >= 1000 else str(n)
    return num + r.choice([" рублей", " рублей", " ₽"])


def en_airline(b: B, r: random.Random) -> None:
    ag = r.choice(EN_AGENTS)
    flight = f"{r.choice(['UA', 'DL', 'AA', 'BA', 'LH'])} {r.randint(100, 2999)}"
    b.a(f"Thank you for calling SkyWays reservations, this is {ag}. Can I get your confirmation code?")
    b.c(
        f"Yeah, it's {r.choice(['K7XQ2P', 'HBRT4Y', 'QZ8LMN', 'PW3JDE'])}. I'm on ",
        K("flight", flight),
        f" on {r.choice(EN_MONTHS)} ",
        K("date", ordinal(r.randint(2, 28))),
        ".",
    )
    v = r.randrange(4)
    if v == 0:
        old_d, old_r = en_phone(r, b)
        new_d, new_r = en_phone(r, b)
        s_old, s_new = b.sec("phone", old_d), b.sec("phone", new_d)
        b.a("Okay, I see it. And is the contact number on the booking still good?")
        b.c(
            "No, so, my number changed last year, it used to be ",
            S(s_old, old_r.text),
            " and now it's ",
            S(s_new, new_r.text),
            ", can you update that?",
        )
        b.a(
            "Sure. So that's ",
            S(s_new, new_r.text),
            " for text alerts. There's a ",
            K("price", price_en(r, 75, 200)),
            " change fee if you move the flight.",
        )
        b.tag("changed_number", "readback", "two_in_turn", "with_keep")
    elif v == 1:
        ppd = rdn(r, 9)
        p = b.sec("passport_us", ppd)
        b.a("For international travel I need your passport details for the manifest.")
        rend = spoken(r, "en", ppd, [3, 3, 3]) if r.random() < 0.5 else fmt(ppd, [9], [])
        say_secret(
            b,
            r,
            "customer",
            p,
            rend,
            "Sure, passport number is ",
            f", expires {r.choice(EN_MONTHS)} twenty thirty.",
        )
        b.a("Got it, and a phone number where we can reach you during travel?")
        d, pr = en_phone(r, b)
        ph = b.sec("phone", d)
        say_secret(b, r, "customer", ph, pr, "Yeah, ", ", that's my cell.")
        b.tag("with_keep")
    elif v == 2:
        d, pr = intl_phone(r, b, "en")
        ph = b.sec("phone", d)
        b.a("How can I help with the booking today?")
        b.c(
            "So I'm in Europe right now and my US phone doesn't work here, so if the gate changes "
            "just text me on ",
            S(ph, pr.text),
            ", that's a local SIM, and, um, the flight is at ",
            K("time", f"{r.randint(6, 11)}:{r.choice(['05', '15', '40', '55'])}"),
            " in the morning.",
        )
        b.a("Okay, I've added that as a secondary contact.")
        b.tag("unprompted", "with_keep")
    else:
        ppd = "A" + rd(r, 8) if r.random() < 0.5 else rdn(r, 9)
        digits = ppd.lstrip("A")
        p = b.sec("passport_us", digits)
        b.a("I just need to verify the traveler. Can you confirm the passport on file?")
        if ppd.startswith("A"):
            rend = Rend([f"A as in apple, {spoken(r, 'en', digits, [4, 4], ', ').text}"])
        else:
            rend = spoken(r, "en", digits, [3, 3, 3])
        b.c("Let me grab it. Okay. It's ", S(p, rend.text), ".")
        b.a("Thank you. And, uh, the seat upgrade is ", K("price", price_en(r, 39, 189)), ", do you want it?")
        b.tag("with_keep")


def en_hotel(b: B, r: random.Random) -> None:
    ag = r.choice(EN_AGENTS)
    card = card_number(r, "en")
    cvv = rd(r, 4 if len(card) == 15 else 3)
    sc = b.sec("card", card)
    b.a(f"Grand Harbor Hotel, {ag} speaking. To guarantee the reservation I'll need a credit card.")
    rend = card_rend(r, b, "en", card)
    v = r.randrange(3)
    if v == 0:
        say_secret(
            b, r, "customer", sc, rend, "Sure, it's a " + ("Amex" if len(card) == 15 else "Visa") + ", ", "."
        )
        b.a("And the security code on the back?")
        cv = b.sec("cvv", cvv)
        b.c(S(cv, cvv_text(r, "en", cvv)), ".")
        b.tag("cvv_words")
    elif v == 1:
        cv = b.sec("cvv", cvv)
        b.c(
            "Yeah, okay, the number is ",
            S(sc, rend.text),
            ", expiration oh-eight twenty-eight, and the code is ",
            S(cv, cvv_text(r, "en", cvv)),
            ".",
        )
        b.tag("two_in_turn", "cvv_words")
    else:
        b.a(
            f"Actually I see a card on the profile already, it shows as {''}",
            S(sc, rend.text),
            ", is that still the one you want to use?",
        )
        b.c("Yes, that's the one.")
        b.tag("agent_reads")
    b.a(
        "Perfect, so the card ending in ",
        K("last4", card[-4:]),
        " is on file for ",
        K("quantity", str(r.randint(2, 6))),
        " nights at ",
        K("price", f"${r.randint(129, 389)}"),
        " a night, checking in on ",
        K("date", f"{r.choice(EN_MONTHS)} {ordinal(r.randint(2, 28))}"),
        ".",
    )
    b.tag("with_keep")


def en_pharmacy(b: B, r: random.Random) -> None:
    b.a("Thank you for calling CareRx pharmacy, how can I help you?")
    dob = f"{r.randint(1, 12)}/{r.randint(1, 28)}/{r.randint(1940, 1965)}"
    b.c("Hi, I'm calling about a refill for my mom, her date of birth is ", K("date", dob), ".")
    b.a("Okay, and what's the best phone number for her profile?")
    d, pr = en_phone(r, b)
    ph = b.sec("phone", d)
    v = r.randrange(3)
    mem_d = rd(r, 9)
    mem_text = r.choice([f"W{mem_d}", f"XJH{mem_d}", f"W {mem_d[:3]} {mem_d[3:6]} {mem_d[6:]}"])
    if r.random() < 0.5:
        mem_text = r.choice(["W ", "X J H, "]) + spoken(r, "en", mem_d, [3, 3, 3]).text
    mem = b.sec("insurance_member", mem_d)
    if v == 0:
        b.c(
            S(ph, pr.text),
            ", that's her cell. Oh, and her insurance changed in January, the new member ID is ",
            S(mem, mem_text),
            ".",
        )
        b.tag("two_in_turn", "unprompted")
    else:
        say_secret(b, r, "customer", ph, pr, "It's ", ".")
        b.a("And did her insurance change at all?")
        # a plan's group number is the employer's, not the person's: neither a secret nor a counted keep
        b.c(
            "Yes, it's Aetna now, member ID ",
            S(mem, mem_text),
            ", group number ",
            str(r.randint(100000, 999999)),
            ".",
        )
        b.tag("secret_and_keep")
    b.a(
        "Okay, so ",
        K("quantity", str(r.choice([30, 60, 90]))),
        " tablets of the ",
        K("dose", str(r.choice([10, 20, 25, 50, 500]))),
        " milligram, and the copay is ",
        K("price", price_en(r, 5, 45)),
        ".",
    )
    b.tag("with_keep")


def en_car_service(b: B, r: random.Random) -> None:
    b.a("Riverside Auto, service desk, this is " + r.choice(EN_AGENTS) + ".")
    ro = str(r.randint(100000, 999999))
    d1, r1 = en_phone(r, b, "digits")
    ph1 = b.sec("phone", d1)
    v = r.randrange(3)
    if v == 0:
        b.c(
            "Hi, my truck's been in since Tuesday, repair order ",
            K("order", ro),
            ". You can reach me at work, ",
            S(ph1, r1.text),
            " extension ",
            str(r.randint(10, 999)),
            ", or just text my cell.",
        )
        b.tag("extension", "secret_and_keep")
        b.a("Okay, and the cell is?")
        d2, r2 = en_phone(r, b)
        ph2 = b.sec("phone", d2)
        say_secret(b, r, "customer", ph2, r2, "", ".")
    elif v == 1:
        b.c(
            "Yeah, I dropped off a Camry, the mileage was like ",
            K("mileage", f"{r.randint(20, 180)},{r.randint(100, 999)}"),
            " miles, and the estimate said ",
            K("price", price_en(r, 300, 3800)),
            ", call me back at ",
            S(ph1, r1.text),
            " if it's gonna be more.",
        )
        b.tag("secret_and_keep", "unprompted")
    else:
        old_d, old_r = en_phone(r, b)
        so = b.sec("phone", old_d)
        b.c(
            "Hi, um, you guys keep calling my old number, ",
            S(so, old_r.text),
            ", I don't have that anymore, the new one is ",
            S(ph1, r1.text),
            ".",
        )
        b.a("Oh, sorry about that. So ", S(ph1, r1.text), ", correct? Repair order ", K("order", ro), "?")
        b.c("Yes.")
        b.tag("changed_number", "readback", "two_in_turn")
    b.a("Your car should be ready by ", K("time", f"{r.randint(2, 5)}:30"), " today.")


def en_bank_fraud(b: B, r: random.Random) -> None:
    b.a(
        "Fraud prevention, this is " + r.choice(EN_AGENTS) + ". For verification, can I get the last four of "
        "your Social?"
    )
    ssn4 = rdn(r, 4)
    s4 = b.sec("ssn_last4", ssn4)
    b.c(
        S(
            s4,
            r.choice(
                [
                    ssn4,
                    en_each(r, ssn4, rep=False),
                    f"{en_words(int(ssn4[:2]))} {en_words(int(ssn4[2:]))}"
                    if ssn4[2] != "0"
                    else en_each(r, ssn4, rep=False),
                ]
            ),
        ),
        ".",
    )
    card = card_number(r, "en")
    sc = b.sec("card", card)
    amount = f"${r.randint(1, 2)},{r.randint(100, 999)}.{r.randint(10, 99)}"
    v = r.randrange(3)
    if v == 0:
        b.a("Thank you. Which card is this about?")
        b.c(
            "The debit card, ",
            S(sc, card_rend(r, b, "en", card).text),
            ", there's a charge of ",
            K("amount", amount),
            " from ",
            K("date", f"{r.choice(EN_MONTHS)} {ordinal(r.randint(2, 28))}"),
            " I didn't make.",
        )
        b.tag("secret_and_keep")
    elif v == 1:
        b.a(
            "Thanks. I'm looking at the account, the card number I have is ",
            S(sc, card_rend(r, b, "en", card).text),
            ", is that the card you still have?",
        )
        b.c("Yeah, that's in my wallet, but the ", K("amount", amount), " charge isn't mine.")
        b.tag("agent_reads")
    else:
        b.a("Thank you. And the card number?")
        rend = card_rend(r, b, "en", card, allow_words=True)
        say_secret(b, r, "customer", sc, rend, "Okay, so the card is ", ".", split=True)
        b.a("And the disputed amount?")
        b.c("It's ", K("amount", amount), ".")
    case = str(r.randint(10000000, 99999999))
    b.a(
        "I've opened case number ",
        K("case", case),
        " and a new card will arrive in ",
        K("quantity", str(r.randint(5, 10))),
        " business days.",
    )
    b.tag("with_keep")


def en_porting(b: B, r: random.Random) -> None:
    b.a("Thanks for calling Skyline Mobile, you're speaking with " + r.choice(EN_AGENTS) + ".")
    d1, r1 = en_phone(r, b)
    d2, r2 = en_phone(r, b)
    p1, p2 = b.sec("phone", d1), b.sec("phone", d2)
    v = r.randrange(3)
    if v == 0:
        b.c(
            "Hi, I want to port my number over from Verizon, it's ",
            S(p1, r1.text),
            ", and the temporary number you guys gave me is ",
            S(p2, r2.text),
            ".",
        )
        b.tag("two_in_turn")
    else:
        b.c("Yeah, I'm switching over, the number I want to keep is ", S(p1, r1.text), ".")
        b.a("And the temporary line on your account?")
        say_secret(b, r, "customer", p2, r2, "Um, hold on, it's ", ".")
    b.a("Okay. Can I get the last four of the account holder's Social?")
    ssn4 = rdn(r, 4)
    s4 = b.sec("ssn_last4", ssn4)
    b.c(S(s4, en_each(r, ssn4, rep=False)), ".")
    b.a(
        "Great. The port usually completes in ",
        K("quantity", str(r.randint(2, 24))),
        " hours, and the plan is ",
        K("price", f"${r.randint(25, 85)}"),
        " a month. Your ticket number is ",
        K("ticket", str(r.randint(1000000, 9999999))),
        ".",
    )
    b.tag("with_keep")


def en_debt(b: B, r: random.Random) -> None:
    amount = f"${r.randint(1, 9)},{r.randint(100, 999)}.{r.randint(10, 99)}"
    ref = f"{r.randint(10, 99)}-{r.randint(100000, 999999)}"
    b.a(
        "This is Summit Recovery calling about an account with a balance of ",
        K("amount", amount),
        ", reference number ",
        K("reference", ref),
        ".",
    )
    ssn = make_ssn(r)
    ss = b.sec("ssn", ssn)
    v = r.randrange(3)
    if v == 0:
        b.c(
            "Look, I already paid that, I sent a letter with my Social, ",
            S(ss, f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}"),
            ", and nobody ever answered.",
        )
        b.tag("unprompted")
    elif v == 1:
        b.a("To verify your identity, can you give me your Social Security number?")
        rend = spoken(r, "en", ssn, [3, 2, 4], ", ")
        say_secret(b, r, "customer", ss, rend, "Fine. ", ".")
    else:
        b.a("Can you verify your Social?")
        b.c(
            "It's ",
            S(ss, f"{ssn[:3]} {ssn[3:5]} {ssn[5:]}"),
            ", and call me on ",
            *_en_phone_piece(b, r),
            " not my work line.",
        )
        b.tag("two_in_turn")
    b.a(
        "Thank you. We can set up a plan of ",
        K("amount", f"${r.randint(50, 300)}"),
        " a month starting ",
        K("date", f"{r.choice(EN_MONTHS)} {ordinal(r.randint(1, 28))}"),
        ".",
    )
    b.tag("with_keep")


def _en_phone_piece(b: B, r: random.Random) -> list[str | S]:
    d, pr = en_phone(r, b)
    return [S(b.sec("phone", d), pr.text)]


def en_marketplace(b: B, r: random.Random) -> None:
    order = f"{r.randint(111, 114)}-{r.randint(1000000, 9999999)}-{r.randint(1000000, 9999999)}"
    addr, text, markers = make_email(r, b, "en")
    em = b.sec("email", addr, markers)
    b.a("Hi, thanks for contacting ShopMart support, how can I help?")
    v = r.randrange(3)
    if v == 0:
        b.c(
            "Hi, I ordered a blender, order number ",
            K("order", order),
            ", and the confirmation went to ",
            S(em, text),
            ", which isn't even my main one.",
        )
        b.tag("secret_and_keep")
    else:
        b.c("I never got my package, the order was ", K("order", order), ".")
        b.a("I'm sorry about that. What e-mail is on the account?")
        b.c("Uh, it should be ", S(em, text), ".")
        if v == 2:
            b.a("Let me read that back, ", S(em, text), "?")
            b.c("Yes.")
            b.tag("readback")
    track = r.choice(
        [f"1Z{rd(r, 3)}AA{rd(r, 10)}", f"9400 1{rd(r, 3)} {rd(r, 4)} {rd(r, 4)} {rd(r, 4)} {rd(r, 2)}"]
    )
    b.a(
        "The tracking number is ",
        K("tracking", track),
        " and it shows delivered on ",
        K("date", f"{r.choice(EN_MONTHS)} {ordinal(r.randint(2, 28))}"),
        ".",
    )
    b.tag("with_keep")


def en_nhs(b: B, r: random.Random) -> None:
    nhs = make_nhs(r)
    sn = b.sec("nhs", nhs)
    b.a("Good morning, Parkside Surgery, " + r.choice(EN_AGENTS) + " speaking.")
    b.c("Morning, I need to book a blood test for my husband.")
    b.a("Can I take his NHS number?")
    rend = fmt(nhs, [3, 3, 4], [" ", " "]) if r.random() < 0.5 else spoken(r, "en", nhs, [3, 3, 4])
    say_secret(b, r, "customer", sn, rend, "Yeah, it's ", ".")
    d, pr = uk_phone(r, b)
    ph = b.sec("phone", d)
    b.a("And a contact number?")
    b.c("Best on ", S(ph, pr.text), ", he's at work until ", K("time", str(r.randint(5, 7))), ".")
    b.a(
        "Okay, I've got ",
        K("time", f"{r.randint(8, 11)}:{r.choice(['10', '20', '40', '50'])}"),
        " on ",
        K("date", f"{r.choice(EN_MONTHS)} {ordinal(r.randint(2, 28))}"),
        " with the nurse.",
    )
    b.tag("with_keep")


def en_ni(b: B, r: random.Random) -> None:
    pre = r.choice(["AB", "CE", "JG", "NE", "PR", "SK", "TW", "WL", "HM"])
    digits, suf = rd(r, 6), r.choice("ABCD")
    ni = b.sec("ni_uk", digits)
    b.a("Department for Work and Pensions, can I take your National Insurance number please?")
    form = r.randrange(3)
    if form == 0:
        text = f"{pre} {digits[:2]} {digits[2:4]} {digits[4:]} {suf}"
    elif form == 1:
        text = f"{pre}{digits}{suf}"
    else:
        sp = spoken(r, "en", digits, [2, 2, 2], ", ")
        text = f"{pre[0]} {pre[1]}, {sp.text}, {suf}"
    v = r.randrange(2)
    if v == 0:
        b.c("Yes, it's ", S(ni, text), ".")
    else:
        d, pr = uk_phone(r, b)
        ph = b.sec("phone", d)
        b.c("It's ", S(ni, text), " and my phone's ", S(ph, pr.text), " if we get cut off.")
        b.tag("two_in_turn")
    b.a(
        "Thanks. Your payment of ",
        K("amount", f"£{r.randint(60, 120)}.{r.randint(10, 99)}"),
        " a week goes out on the ",
        K("date", ordinal(r.randint(1, 28))),
        ".",
    )
    b.tag("with_keep")


def en_car_rental(b: B, r: random.Random) -> None:
    b.a("Thanks for calling Coastal Car Rental, can I have your confirmation number?")
    conf = str(r.randint(100000000, 999999999))
    b.c("Yeah, it's ", K("confirmation", conf), ".")
    b.a("And the driver's license number for the primary driver?")
    form = r.randrange(3)
    if form == 0:
        d = rd(r, 7)
        text = r.choice([f"D{d}", f"D as in David, {spoken(r, 'en', d, [3, 4], ' ').text}"])
    elif form == 1:
        d = rdn(r, 9)
        text = r.choice([f"{d[:3]} {d[3:6]} {d[6:]}", spoken(r, "en", d, [3, 3, 3]).text])
    else:
        d = rd(r, 6)
        text = f"MORGA{d}SM9IJ"
        d = d + "9"
    dl = b.sec("driver_licence", d)
    b.c("Okay, um, it's ", S(dl, text), ". It's a New York license." if form == 1 else ".")
    b.a(
        "Got it, the daily rate is ",
        K("price", f"${r.randint(39, 129)}"),
        " and pick-up is at ",
        K("time", f"{r.randint(8, 11)}:00"),
        ". A phone number for the rental agreement?",
    )
    d2, r2 = en_phone(r, b)
    ph = b.sec("phone", d2)
    say_secret(b, r, "customer", ph, r2, "", ".")
    b.tag("with_keep")


def en_insurance(b: B, r: random.Random) -> None:
    b.a("Blue Ridge Health, member services, how can I help?")
    pol = rd(r, 10)
    claim = f"{r.randint(2022, 2024)}-{r.randint(100000, 999999)}"
    text = r.choice([f"H{pol}", f"H {pol[:4]} {pol[4:]}", "H, " + spoken(r, "en", pol, [3, 3, 4]).text])
    sp = b.sec("insurance_policy", pol)
    v = r.randrange(2)
    if v == 0:
        b.c(
            "Hi, I'm calling about claim number ",
            K("claim", claim),
            ", my policy number is ",
            S(sp, text),
            ", it was denied and I don't understand why.",
        )
        b.tag("secret_and_keep")
    else:
        b.c("Hi, I got a letter about a denied claim.")
        b.a("I can help. Can I have the policy number?")
        b.c("Sure, ", S(sp, text), ".")
        b.a("Thank you, and the claim number on the letter?")
        b.c(K("claim", claim), ".")
    b.a(
        "I see it, the claim was for ",
        K("amount", price_en(r, 180, 9500)),
        " and the deductible is ",
        K("amount", f"${r.choice([500, 1000, 1500, 2500])}"),
        ".",
    )
    b.tag("with_keep")


def en_email_support(b: B, r: random.Random) -> None:
    b.a("Support, this is " + r.choice(EN_AGENTS) + ", what can I do for you?")
    addr, text, markers = make_email(r, b, "en")
    em = b.sec("email", addr, markers)
    ticket = str(r.randint(100000, 999999))
    v = r.randrange(3)
    if v == 0:
        b.c(
            "Hi, I can't log in, I've reset my password like ",
            K("quantity", str(r.randint(3, 6))),
            " times. The account is under ",
            S(em, text),
            ".",
        )
    elif v == 1:
        addr2, text2, markers2 = make_email(r, b, "en")
        em2 = b.sec("email", addr2, markers2)
        b.c(
            "I need to change my login e-mail, the old one was ",
            S(em, text),
            " and the new one should be ",
            S(em2, text2),
            ".",
        )
        b.tag("two_in_turn", "changed_email")
    else:
        b.c(
            "Hi, so I'm trying to reset my password but the code goes to ",
            S(em, text),
            ", no, sorry, wait, that's my husband's, mine is ",
            *_en_email_piece(b, r),
            ".",
        )
        b.tag("correction", "two_in_turn")
    b.a(
        "Okay, I've opened ticket ",
        K("ticket", f"#{ticket}"),
        ", you'll get a reset link within ",
        K("quantity", str(r.choice([15, 30, 60]))),
        " minutes.",
    )
    b.tag("with_keep")


def _en_email_piece(b: B, r: random.Random) -> list[str | S]:
    addr, text, markers = make_email(r, b, "en")
    return [S(b.sec("email", addr, markers), text)]


def en_intl(b: B, r: random.Random) -> None:
    b.a("Global Parcel, how can I help you today?")
    d, pr = intl_phone(r, b, "en")
    ph = b.sec("phone", d)
    track = f"GP{rd(r, 9)}US"
    v = r.randrange(2)
    if v == 0:
        b.c(
            "Hi, my parcel ",
            K("tracking", track),
            " is stuck in customs, and the courier needs a local number, it's ",
            S(ph, pr.text),
            ".",
        )
        b.tag("secret_and_keep")
    else:
        b.c("Hi, I need to update the recipient phone for ", K("tracking", track), ".")
        b.a("Sure, what's the new number?")
        say_secret(b, r, "customer", ph, pr, "It's a foreign number, ", ".")
    b.a("Done. The duty is ", K("amount", f"€{r.randint(12, 95)}"), ", payable on delivery.")
    b.tag("with_keep", "intl")


def en_correction(b: B, r: random.Random) -> None:
    b.a("Appointment line, " + r.choice(EN_AGENTS) + " speaking. What's the best callback number?")
    d1, r1 = en_phone(r, b, "words")
    while True:
        d2 = d1[:-2] + rd(r, 2)
        if d2 != d1:
            break
    s1, s2 = b.sec("phone", d1), b.sec("phone", d2)
    r2 = spoken(r, "en", d2, ([1] if len(d2) == 11 else []) + [3, 3, 4])
    b.c("It's ", S(s1, r1.text), ", oh, no, sorry, I always mess that up, it's ", S(s2, r2.text), ".")
    b.a(
        "Let me read it back, ",
        S(s2, fmt(d2[-10:], [3, 3, 4], ["-", "-"]).text if len(d2) == 10 else r2.text),
        "?",
    )
    b.c("Yes, that's right.")
    b.a(
        "Great, you're booked for ",
        K("time", f"{r.randint(1, 4)}:15"),
        " on ",
        K("date", f"{r.choice(EN_MONTHS)} {ordinal(r.randint(2, 28))}"),
        ".",
    )
    b.tag("correction", "readback", "with_keep")


# --- positive scenarios: Russian ---------------------------------------------------------------------


def ru_date(r: random.Random) -> str:
    return r.choice(
        [
            f"{r.randint(1, 28)} {r.choice(RU_MONTHS_GEN)}",
            f"{r.randint(10, 28)}.{r.randint(1, 12):02d}.{r.choice([2024, 2025])}",
        ]
    )


def ru_passport_parts(r: random.Random, b: B) -> tuple[str, str, str]:
    series = f"{r.randint(1, 99):02d}{r.choice(['05', '08', '12', '15', '18', '19', '20', '21', '22', '23'])}"
    num = str(r.randint(100000, 999999))
    if r.random() < 0.5:
        return series + num, f"{series[:2]} {series[2:]}", num
    b.tag("number_words")
    s_t = spoken(r, "ru", series, [2, 2], " ").text
    if r.random() < 0.5:
        n_t = ru_words(int(num))  # "шестьсот семьдесят восемь тысяч девятьсот двенадцать"
        if spoken_digits(n_t) != num:
            n_t = spoken(r, "ru", num, [3, 3], " ").text
        else:
            b.tag("ru_thousands")
    else:
        n_t = spoken(r, "ru", num, [3, 3], " ").text
    return series + num, s_t, n_t


def ru_gosuslugi(b: B, r: random.Random) -> None:
    b.a(f"Единый контакт-центр Госуслуг, {r.choice(RU_AGENTS)}, здравствуйте.")
    app = str(r.randint(1000000000, 4999999999))
    b.c(
        "Здравствуйте. Я подавала заявление на замену паспорта, номер заявления ",
        K("application", app),
        ", а статус не меняется уже ",
        K("quantity", str(r.randint(5, 20))),
        " дней.",
    )
    b.a("Назовите, пожалуйста, СНИЛС, на который зарегистрирована учётная запись.")
    snils = make_snils(r)
    sn = b.sec("snils", snils)
    if r.random() < 0.5:
        rend = fmt(snils, [3, 3, 3, 2], ["-", "-", " "])
    else:
        rend = spoken(r, "ru", snils, [3, 3, 3, 2])
    v = r.randrange(3)
    if v == 0:
        say_secret(b, r, "customer", sn, rend, "Сейчас... ", ".")
        b.a("Спасибо. И серию и номер паспорта, который меняете.")
        pd, st, nt = ru_passport_parts(r, b)
        ps = b.sec("passport_ru", pd)
        b.c("Серия ", S(ps, st), ", номер ", S(ps, nt), ".")
    elif v == 1:
        pd, st, nt = ru_passport_parts(r, b)
        ps = b.sec("passport_ru", pd)
        b.c(
            "СНИЛС ",
            S(sn, rend.text),
            ", а паспорт старый, серия ",
            S(ps, st),
            " номер ",
            S(ps, nt),
            ", его же и меняю.",
        )
        b.tag("two_in_turn")
    else:
        say_secret(b, r, "customer", sn, rend, "Да, записывайте: ", ".", split=True)
        b.a("Повторю: ", S(sn, fmt(snils, [3, 3, 3, 2], ["-", "-", " "]).text), ", верно?")
        b.c("Верно.")
        b.tag("readback")
    b.a(
        "Вижу заявление. Вам назначен приём на ",
        K("date", ru_date(r)),
        " в ",
        K("time", f"{r.randint(9, 17)}:{r.choice(['00', '15', '30', '45'])}"),
        ", окно ",
        K("window", str(r.randint(2, 14))),
        ".",
    )
    b.tag("with_keep")


def ru_bank_fraud(b: B, r: random.Random) -> None:
    b.a(f"Служба безопасности банка, {r.choice(RU_AGENTS)}, слушаю вас.")
    card = card_number(r, "ru")
    sc = b.sec("card", card)
    cvv = rd(r, 3)
    cv = b.sec("cvv", cvv)
    amount = price_ru(r, 1500, 150000)
    v = r.randrange(4)
    if v == 0:
        b.c(
            "Здравствуйте, мне сейчас позвонили, якобы из вашего банка, и я, дура, продиктовала карту ",
            S(sc, card_rend(r, b, "ru", card).text),
            " и ещё код на обороте, ",
            S(cv, cvv_text(r, "ru", cvv)),
            ", и сразу списали ",
            K("amount", amount),
            ".",
        )
        b.tag("two_in_turn", "unprompted", "cvv_words", "secret_and_keep")
    elif v == 1:
        b.c("Здравствуйте, у меня списание непонятное, ", K("amount", amount), ".")
        b.a("Назовите номер карты.")
        say_secret(b, r, "customer", sc, card_rend(r, b, "ru", card), "", ".")
        b.a("Так, и больше никому код с обратной стороны не сообщали?")
        b.c("Сообщала, ", S(cv, cvv_text(r, "ru", cvv)), ", они сказали, что это для отмены операции.")
        b.tag("cvv_words")
    elif v == 2:
        b.c("Мне пришло СМС о списании ", K("amount", amount), ", а карта у меня дома лежит.")
        b.a("Вижу карту ", S(sc, card_rend(r, b, "ru", card, allow_words=False).text), ", это ваша?")
        b.c("Да, моя. Код ", S(cv, cvv_text(r, "ru", cvv)), " я никому не говорила.")
        b.tag("agent_reads", "cvv_words")
    else:
        acct = r.choice(["40817810", "42307810", "40817810"]) + rd(r, 12)
        ac = b.sec("bank_account", acct)
        b.c(
            "Деньги ушли с карты ",
            S(sc, card_rend(r, b, "ru", card).text),
            ", а зарплата приходит на счёт ",
            S(
                ac,
                r.choice(
                    [
                        acct,
                        f"{acct[:5]} {acct[5:8]} {acct[8]} {acct[9:13]} {acct[13:]}",
                        spoken(r, "ru", acct, [3, 2, 3, 1, 4, 3, 4]).text,
                    ]
                ),
            ),
            ", его тоже заблокируйте.",
        )
        b.tag("two_in_turn")
        b.a("Код с обратной стороны кому-нибудь называли?")
        b.c("Да, ", S(cv, cvv_text(r, "ru", cvv)), ".")
    req = str(r.randint(1000000, 9999999))
    b.a(
        "Карту блокирую. Номер обращения ",
        K("request", req),
        ", перевыпуск займёт до ",
        K("quantity", str(r.randint(5, 10))),
        " рабочих дней.",
    )
    b.tag("with_keep")


def ru_porting(b: B, r: random.Random) -> None:
    b.a(f"Оператор связи, {r.choice(RU_AGENTS)}, здравствуйте.")
    d1, r1 = ru_phone(r, b)
    d2, r2 = ru_phone(r, b)
    p1, p2 = b.sec("phone", d1), b.sec("phone", d2)
    v = r.randrange(3)
    if v == 0:
        b.c(
            "Здравствуйте, хочу перенести номер от другого оператора к вам, номер ",
            S(p1, r1.text),
            ", а временный вы мне выдали ",
            S(p2, r2.text),
            ".",
        )
        b.tag("two_in_turn")
    elif v == 1:
        b.c("Добрый день, я переношу номер, хочу узнать, когда перенос.")
        b.a("Назовите переносимый номер.")
        say_secret(b, r, "customer", p1, r1, "", ".")
        b.a("Повторяю: ", S(p1, r1.text), ". А временный номер какой?")
        say_secret(b, r, "customer", p2, r2, "Временный ", ".")
        b.tag("readback")
    else:
        b.c(
            "Я на тарифе за ",
            K("price", f"{r.choice([350, 450, 550, 690])} рублей"),
            ", переношу свой номер ",
            S(p1, r1.text),
            ", а сим-карту временную не могу активировать.",
        )
        b.a("Номер временной сим-карты?")
        say_secret(b, r, "customer", p2, r2, "", ".")
        b.tag("secret_and_keep")
    b.a(
        "Перенос назначен на ",
        K("date", ru_date(r)),
        ", заявка номер ",
        K("request", str(r.randint(10000000, 99999999))),
        ".",
    )
    b.tag("with_keep")


def ru_debt(b: B, r: random.Random) -> None:
    debt = f"{r.randint(12, 480)} {r.randint(100, 999)} рублей"
    contract = f"{r.randint(2018, 2023)}-{r.randint(1000000, 9999999)}"
    b.a(
        f"Добрый день, коллекторское агентство, {r.choice(RU_AGENTS)}. Звоню по задолженности ",
        K("amount", debt),
        " по договору номер ",
        K("contract", contract),
        ".",
    )
    inn = make_inn12(r)
    si = b.sec("inn_person", inn)
    v = r.randrange(3)
    if v == 0:
        b.c(
            "Какая задолженность? Я всё закрыла. Запишите мой ИНН, ",
            S(si, r.choice([inn, spoken(r, "ru", inn, [4, 4, 4]).text])),
            ", проверьте по базе.",
        )
        b.tag("unprompted")
    elif v == 1:
        b.a("Для подтверждения личности назовите ИНН.")
        rend = spoken(r, "ru", inn, [3, 3, 3, 3]) if r.random() < 0.6 else fmt(inn, [12], [])
        say_secret(b, r, "customer", si, rend, "", ".")
    else:
        dg, text = ru_phone_genitive(r, b)
        ph = b.sec("phone", dg)
        b.c(
            "Вы мне на какой номер звоните? Мой номер ",
            S(ph, text),
            ", а ИНН ",
            S(si, inn),
            ", и никаких договоров у меня нет.",
        )
        b.tag("two_in_turn")
    b.a(
        "Хорошо, проверю. Срок оплаты до ",
        K("date", ru_date(r)),
        ", иначе начислим ",
        K("percent", str(r.choice([5, 10, 20])) + "%"),
        ".",
    )
    b.tag("with_keep")


def ru_marketplace(b: B, r: random.Random) -> None:
    b.a(f"Служба поддержки маркетплейса, {r.choice(RU_AGENTS)}, здравствуйте.")
    order = r.choice(
        [str(r.randint(10000000, 99999999)), f"{r.randint(10000000, 99999999)}-{r.randint(1, 9):04d}"]
    )
    addr, text, markers = make_email(r, b, "ru")
    em = b.sec("email", addr, markers)
    v = r.randrange(3)
    if v == 0:
        b.c(
            "Здравствуйте, заказ номер ",
            K("order", order),
            ", чек пришёл не на ту почту, правильная ",
            S(em, text),
            ".",
        )
        b.tag("secret_and_keep")
    elif v == 1:
        b.c(
            "Здравствуйте, не пришёл заказ ",
            K("order", order),
            ", пункт выдачи на Лесной, дом ",
            K("house", str(r.randint(2, 150))),
            ".",
        )
        b.a("Подскажите почту, на которую оформлен аккаунт.")
        b.c("Почта ", S(em, text), ".")
    else:
        d, pr = ru_phone(r, b)
        ph = b.sec("phone", d)
        b.c(
            "Заказ ",
            K("order", order),
            ", курьер звонит на ",
            S(ph, pr.text),
            ", а я просила связываться по почте, ",
            S(em, text),
            ".",
        )
        b.tag("two_in_turn", "secret_and_keep")
    b.a("Вижу заказ на ", K("amount", price_ru(r, 400, 35000)), ", доставка ", K("date", ru_date(r)), ".")
    b.tag("with_keep")


def ru_pharmacy(b: B, r: random.Random) -> None:
    b.a(f"Аптека, {r.choice(RU_AGENTS)}, здравствуйте.")
    oms = make_oms(r)
    so = b.sec("oms", oms)
    oms_r = r.choice([Rend([oms]), fmt(oms, [4, 4, 4, 4], [" "] * 3), spoken(r, "ru", oms, [4, 4, 4, 4])])
    v = r.randrange(3)
    dose = K("dose", f"{r.choice([5, 10, 20, 50, 100, 500])} мг")
    if v == 0:
        b.c(
            "Здравствуйте, мне по льготному рецепту, полис ОМС ",
            S(so, oms_r.text),
            ", препарат ",
            dose,
            ", есть в наличии?",
        )
        b.tag("secret_and_keep")
    else:
        b.c("Здравствуйте, хочу забронировать льготный препарат, ", dose, ".")
        b.a("Номер полиса ОМС назовите.")
        say_secret(b, r, "customer", so, oms_r, "", ".")
    d, pr = ru_phone(r, b)
    ph = b.sec("phone", d)
    b.a(
        "Есть ",
        K("quantity", f"{r.randint(2, 4)} упаковки"),
        " по ",
        K("price", f"{r.randint(150, 990)} рублей"),
        ". Телефон для СМС о брони?",
    )
    say_secret(b, r, "customer", ph, pr, "", ".")
    b.tag("with_keep")


def ru_car_service(b: B, r: random.Random) -> None:
    b.a(f"Автосервис, {r.choice(RU_AGENTS)}, здравствуйте.")
    local = rdn(r, 7)
    lp = b.sec("phone", local)
    lt = r.choice([f"{local[:3]}-{local[3:5]}-{local[5:]}", spoken(r, "ru", local, [3, 2, 2]).text])
    ext = str(r.randint(10, 999))
    osago = f"{r.choice(['ХХХ', 'ТТТ', 'ААС', 'РРР'])} {rd(r, 10)}"
    v = r.randrange(3)
    if v == 0:
        b.c(
            "Здравствуйте, машина у вас с понедельника, заказ-наряд ",
            K("order", str(r.randint(10000, 99999))),
            ". Звоните на городской, ",
            S(lp, lt),
            ", доб. ",
            ext,
            ", я на работе.",
        )
        b.tag("local7", "extension", "secret_and_keep")
    elif v == 1:
        b.c(
            "Здравствуйте, пробег ",
            K("mileage", f"{r.randint(20, 190)} {r.randint(100, 999)} км"),
            ", хочу записаться на ТО. Рабочий телефон городской ",
            S(lp, lt),
            ", добавочный ",
            ext,
            ", или мобильный.",
        )
        b.a("Мобильный продиктуйте.")
        d, pr = ru_phone(r, b)
        ph = b.sec("phone", d)
        say_secret(b, r, "customer", ph, pr, "", ".")
        b.tag("local7", "extension", "secret_and_keep")
    else:
        d, pr = ru_phone(r, b)
        ph = b.sec("phone", d)
        b.c(
            "По ОСАГО ремонт, полис ",
            K("osago", osago),
            ", мой телефон ",
            S(ph, pr.text),
            ", а домашний ",
            S(lp, lt),
            ".",
        )
        b.tag("local7", "two_in_turn", "secret_and_keep")
    b.a(
        "Записала на ",
        K("date", ru_date(r)),
        " к ",
        K("time", f"{r.randint(8, 18)}:00"),
        ", ориентировочно ",
        K("price", price_ru(r, 2500, 45000)),
        ".",
    )
    b.tag("with_keep")


def ru_airline(b: B, r: random.Random) -> None:
    b.a(f"Авиакомпания, {r.choice(RU_AGENTS)}, здравствуйте.")
    flight = f"SU {r.randint(1000, 2999)}"
    ticket = f"555 {rd(r, 10)}"
    fp = r.choice(["75", "76", "72", "65"]) + rd(r, 7)
    sp = b.sec("passport_ru_foreign", fp)
    fp_r = r.choice(
        [fmt(fp, [2, 7], [" "]), Rend([fp[:2], "№ " + fp[2:]]), spoken(r, "ru", fp, [2, 3, 2, 2])]
    )
    v = r.randrange(3)
    if v == 0:
        b.c(
            "Здравствуйте, у меня рейс ",
            K("flight", flight),
            ", билет ",
            K("ticket", ticket),
            ", я поменяла загранпаспорт, новый номер ",
            S(sp, fp_r.text),
            ", надо в бронь внести.",
        )
        b.tag("secret_and_keep", "unprompted")
    else:
        b.c("Здравствуйте, хочу внести данные паспорта в бронь, рейс ", K("flight", flight), ".")
        b.a("Назовите серию и номер загранпаспорта.")
        say_secret(b, r, "customer", sp, fp_r, "", ".")
        b.a("Номер билета у вас ", K("ticket", ticket), ", верно?")
        b.c("Да.")
    d, pr = ru_phone(r, b) if r.random() < 0.6 else intl_phone(r, b, "ru")
    ph = b.sec("phone", d)
    b.a("Контактный телефон для уведомлений?")
    say_secret(b, r, "customer", ph, pr, "", ".")
    b.a(
        "Вылет ",
        K("date", ru_date(r)),
        " в ",
        K("time", f"{r.randint(5, 23)}:{r.choice(['05', '35', '50'])}"),
        ", багаж ",
        K("quantity", f"{r.choice([20, 23, 32])} кг"),
        ".",
    )
    b.tag("with_keep")


def ru_hotel(b: B, r: random.Random) -> None:
    b.a(f"Гостиница «Волга», {r.choice(RU_AGENTS)}, здравствуйте.")
    room = str(r.randint(101, 1420))
    card = card_number(r, "ru")
    sc = b.sec("card", card)
    b.c(
        "Здравствуйте, я живу в номере ",
        K("room", room),
        ", хочу продлить на ",
        K("quantity", str(r.randint(2, 5))),
        " суток.",
    )
    b.a("Стоимость ", K("price", price_ru(r, 3500, 15000)), " в сутки. Для гарантии нужна карта.")
    v = r.randrange(2)
    if v == 0:
        say_secret(b, r, "customer", sc, card_rend(r, b, "ru", card), "Карта ", ".")
    else:
        cvv = rd(r, 3)
        cv = b.sec("cvv", cvv)
        b.c(
            "Записывайте, ",
            S(sc, card_rend(r, b, "ru", card).text),
            ", срок до ",
            f"{r.randint(1, 12):02d}/{r.randint(26, 30)}",
            ", код ",
            S(cv, cvv_text(r, "ru", cvv)),
            ".",
        )
        b.tag("two_in_turn", "cvv_words")
    b.a(
        "Карта, оканчивающаяся на ",
        K("last4", card[-4:]),
        ", выезд ",
        K("date", ru_date(r)),
        " до ",
        K("time", "12:00"),
        ".",
    )
    b.tag("with_keep")


def ru_dms(b: B, r: random.Random) -> None:
    b.a(f"Страховая компания, отдел ДМС, {r.choice(RU_AGENTS)}.")
    pol = rd(r, 4) + rd(r, 7)
    sp = b.sec("insurance_policy", pol)
    pol_r = r.choice([Rend([f"{pol[:4]}-{pol[4:]}"]), Rend([pol]), spoken(r, "ru", pol, [4, 3, 2, 2])])
    claim = str(r.randint(100000, 999999))
    v = r.randrange(2)
    if v == 0:
        b.c(
            "Здравствуйте, полис ДМС ",
            S(sp, pol_r.text),
            ", по убытку номер ",
            K("claim", claim),
            " мне до сих пор не оплатили ",
            K("amount", price_ru(r, 2000, 60000)),
            ".",
        )
        b.tag("secret_and_keep")
    else:
        b.c("Здравствуйте, хочу узнать по убытку ", K("claim", claim), ".")
        b.a("Номер полиса ДМС, пожалуйста.")
        say_secret(b, r, "customer", sp, pol_r, "", ".")
    d, pr = ru_phone(r, b)
    ph = b.sec("phone", d)
    b.a(
        "Передам куратору, перезвонят в течение ",
        K("quantity", str(r.choice([2, 3, 5]))),
        " дней. Ваш номер?",
    )
    say_secret(b, r, "customer", ph, pr, "", ".")
    b.tag("with_keep")


def ru_carsharing(b: B, r: random.Random) -> None:
    b.a(f"Каршеринг, {r.choice(RU_AGENTS)}, здравствуйте.")
    if r.random() < 0.5:
        dl = f"{r.randint(10, 99)}{r.randint(10, 40)}" + rd(r, 6)
        dl_r = r.choice(
            [fmt(dl, [2, 2, 6], [" ", " "]), fmt(dl, [4, 6], [" "]), spoken(r, "ru", dl, [2, 2, 3, 3])]
        )
    else:
        dl = f"{r.randint(10, 99)}" + rd(r, 6)
        dl_r = Rend([dl[:2], r.choice(["ОА", "ВК", "МН", "СТ"]), dl[2:]])
    sd = b.sec("driver_licence", dl)
    fine = f"{r.choice([500, 800, 1500, 2500, 5000])} рублей"
    v = r.randrange(2)
    if v == 0:
        b.c(
            "Здравствуйте, мне пришёл штраф ",
            K("amount", fine),
            ", а я в тот день не ездил. Права у меня ",
            S(sd, dl_r.text),
            ", проверьте.",
        )
        b.tag("secret_and_keep", "unprompted")
    else:
        b.c("Здравствуйте, я поменял водительское удостоверение, надо обновить в приложении.")
        b.a("Продиктуйте номер нового удостоверения.")
        say_secret(b, r, "customer", sd, dl_r, "", ".")
        b.a("Штраф ", K("amount", fine), " вам тоже выставлен, за ", K("date", ru_date(r)), ".")
    d, pr = ru_phone(r, b)
    ph = b.sec("phone", d)
    b.a("Аккаунт на номер ", S(ph, pr.text), ", верно?")
    b.c("Да.")
    b.tag("agent_reads", "with_keep")


def ru_company_bank(b: B, r: random.Random) -> None:
    b.a(f"Банк, обслуживание бизнеса, {r.choice(RU_AGENTS)}.")
    inn10, kpp, bik = make_inn10(r), f"{r.randint(1000, 9999)}01001", f"04{rd(r, 7)}"
    acct = "40817810" + rd(r, 12)
    ac = b.sec("bank_account", acct)
    b.c(
        "Здравствуйте, я ИП, реквизиты компании-контрагента: ИНН ",
        K("inn_company", inn10),
        ", КПП ",
        K("kpp", kpp),
        ", БИК ",
        K("bik", bik),
        ".",
    )
    b.a("Так, вижу. Куда вывести остаток?")
    acct_t = r.choice([acct, f"{acct[:5]} {acct[5:8]} {acct[8]} {acct[9:13]} {acct[13:]}"])
    say_secret(b, r, "customer", ac, Rend(acct_t.split(" ")), "На мой личный счёт ", ", он в вашем же банке.")
    b.a(
        "Перевод ",
        K("amount", price_ru(r, 10000, 900000)),
        " будет ",
        K("date", ru_date(r)),
        ", комиссия ",
        K("percent", r.choice(["0,5", "1", "1,5"]) + "%"),
        ".",
    )
    b.tag("with_keep", "secret_and_keep")


def ru_changed(b: B, r: random.Random) -> None:
    b.a(f"Клиника «Здоровье», регистратура, {r.choice(RU_AGENTS)}.")
    d1, r1 = ru_phone(r, b)
    d2, r2 = ru_phone(r, b)
    s1, s2 = b.sec("phone", d1), b.sec("phone", d2)
    b.c(
        "Здравствуйте, вы мне СМС шлёте на старый номер. У меня номер поменялся в прошлом году, раньше был ",
        S(s1, r1.text),
        ", а теперь ",
        S(s2, r2.text),
        ".",
    )
    b.a(
        "Записываю новый: ",
        S(s2, r2.text),
        ". Ваш приём ",
        K("date", ru_date(r)),
        " в ",
        K("time", f"{r.randint(8, 19)}:{r.choice(['00', '20', '40'])}"),
        ", кабинет ",
        K("room", str(r.randint(101, 420))),
        ".",
    )
    b.c("Спасибо.")
    b.tag("changed_number", "readback", "two_in_turn", "with_keep")


def ru_intl(b: B, r: random.Random) -> None:
    b.a(f"Транспортная компания, {r.choice(RU_AGENTS)}, добрый день.")
    d, pr = intl_phone(r, b, "ru")
    ph = b.sec("phone", d)
    track = "1" + rd(r, 9)  # a carrier waybill; not phone-shaped (no RU code starts with 1)
    v = r.randrange(2)
    if v == 0:
        b.c(
            "Добрый день, груз ",
            K("tracking", track),
            " получатель в другой стране, телефон получателя ",
            S(ph, pr.text),
            ", вес ",
            K("quantity", f"{r.randint(2, 40)} кг"),
            ".",
        )
        b.tag("secret_and_keep")
    else:
        b.c("Добрый день, отслеживаю посылку ", K("tracking", track), ", хочу поменять телефон получателя.")
        b.a("Диктуйте.")
        say_secret(b, r, "customer", ph, pr, "Номер иностранный, ", ".")
    b.a("Стоимость доставки ", K("price", price_ru(r, 600, 12000)), ".")
    b.tag("with_keep", "intl")


def ru_email_support(b: B, r: random.Random) -> None:
    b.a(f"Техподдержка, {r.choice(RU_AGENTS)}, здравствуйте.")
    addr, text, markers = make_email(r, b, "ru")
    em = b.sec("email", addr, markers)
    v = r.randrange(3)
    if v == 0:
        b.c("Здравствуйте, не могу зайти в личный кабинет, логин — это почта, ", S(em, text), ".")
    elif v == 1:
        b.c("Здравствуйте, я сменила почту, старая ", S(em, text), ", новая ", *_ru_email_piece(b, r), ".")
        b.tag("two_in_turn", "changed_email")
    else:
        b.c("Здравствуйте, продиктую почту для договора.")
        b.a("Да, слушаю.")
        b.c(S(em, text), ".")
        b.a("Повторяю: ", S(em, text), ". Верно?")
        b.c("Да.")
        b.tag("readback")
    b.a(
        "Заявка номер ",
        K("request", str(r.randint(100000, 999999))),
        ", ответ в течение ",
        K("quantity", f"{r.choice([24, 48, 72])} часов"),
        ".",
    )
    b.tag("with_keep")


def _ru_email_piece(b: B, r: random.Random) -> list[str | S]:
    addr, text, markers = make_email(r, b, "ru")
    return [S(b.sec("email", addr, markers), text)]


def ru_correction(b: B, r: random.Random) -> None:
    b.a(f"Доставка пиццы, {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c(
        "Здравствуйте, хочу заказать ",
        K("quantity", str(r.randint(2, 4))),
        " пиццы на адрес Садовая, дом ",
        K("house", str(r.randint(2, 90))),
        ".",
    )
    b.a("Телефон для курьера?")
    d1, r1 = ru_phone(r, b, "words")
    d2 = d1[:-2] + f"{(int(d1[-2:]) + r.randint(1, 9)) % 100:02d}"
    s1, s2 = b.sec("phone", d1), b.sec("phone", d2)
    r2 = spoken(r, "ru", d2, [len(d2) - 10, 3, 3, 2, 2] if len(d2) == 11 else [3, 3, 2, 2])
    b.c(S(s1, r1.text), "... ой, нет, не так, давайте ещё раз: ", S(s2, r2.text), ".")
    b.a(
        "Записала: ",
        S(
            s2,
            fmt(
                d2,
                [len(d2) - 10, 3, 3, 2, 2] if len(d2) == 11 else [3, 3, 2, 2],
                [" ", " ", "-", "-"] if len(d2) == 11 else [" ", "-", "-"],
            ).text,
        ),
        ". С вас ",
        K("price", price_ru(r, 900, 3600)),
        ".",
    )
    b.tag("correction", "readback", "with_keep")


def ru_case_forms(b: B, r: random.Random) -> None:
    b.a(f"Служба доставки, {r.choice(RU_AGENTS)}.")
    dg, text = ru_phone_genitive(r, b)
    ph = b.sec("phone", dg)
    b.c("Мне курьер звонил с вашего номера, а я не успела. Перезвоните мне, номер ", S(ph, text), ".")
    b.a(
        "Хорошо, и сумма к оплате ",
        K("amount", f"{ru_words(r.choice([800, 900, 850, 950]))} рублей"),
        ", доставка до ",
        K("time", f"{r.randint(18, 21)}:00"),
        ".",
    )
    b.tag("with_keep")


# --- negative scenarios ------------------------------------------------------------------------------


def neg_en_order(b: B, r: random.Random) -> None:
    order = f"{r.randint(111, 114)}-{r.randint(1000000, 9999999)}-{r.randint(1000000, 9999999)}"
    b.a("ShopMart support, how can I help?")
    b.c(
        "Hi, order number ",
        K("order", order),
        ", I was charged ",
        K("amount", price_en(r, 15, 900)),
        " twice.",
    )
    b.a(
        "I see two charges on ",
        K("date", f"{r.choice(EN_MONTHS)} {ordinal(r.randint(2, 28))}"),
        ", the refund takes ",
        K("quantity", f"{r.randint(3, 10)} to {r.randint(11, 14)}"),
        " business days.",
    )
    b.c("And the card ending in ", K("last4", rd(r, 4)), " will get it back?")
    b.a("Yes. Your case number is ", K("case", str(r.randint(10000000, 99999999))), ".")


def neg_en_airline(b: B, r: random.Random) -> None:
    b.a("SkyWays, how can I help?")
    ticket = f"016 {rd(r, 10)}"
    b.c(
        "Hi, my e-ticket number is ",
        K("ticket", ticket),
        ", flight ",
        K("flight", f"UA {r.randint(100, 2999)}"),
        " got cancelled.",
    )
    b.a(
        "I can rebook you on the ",
        K("time", f"{r.randint(6, 11)}:{r.choice(['05', '25', '45'])}"),
        " departure, gate ",
        K("gate", f"B{r.randint(10, 60)}"),
        ", seat ",
        K("seat", f"{r.randint(10, 40)}C"),
        ".",
    )
    b.c("Okay, and my bag was ", K("quantity", f"{r.randint(40, 55)} pounds"), ", do I pay again?")
    b.a("No, the ", K("price", f"${r.choice([35, 45, 60])}"), " fee carries over.")


def neg_en_hotel(b: B, r: random.Random) -> None:
    b.a("Grand Harbor Hotel, front desk.")
    b.c(
        "Hi, I'm in room ",
        K("room", str(r.randint(201, 1899))),
        ", we're checking out on the ",
        K("date", ordinal(r.randint(2, 28))),
        ", can we get late checkout until ",
        K("time", "2 p.m."),
        "?",
    )
    b.a(
        "Sure, that's ",
        K("price", f"${r.choice([25, 40, 50])}"),
        ", charged to the card ending in ",
        K("last4", rd(r, 4)),
        ".",
    )
    b.c("Fine, and we're ", K("quantity", str(r.randint(2, 5))), " people for breakfast.")


def neg_en_support(b: B, r: random.Random) -> None:
    b.a("Tech support, ticket or case number?")
    case = r.choice(
        [
            f"0{r.randint(1000000, 9999999)}",
            f"CS-{r.randint(100000, 999999)}",
            str(r.randint(10000000, 99999999)),
        ]
    )
    b.c(
        "It's ",
        K("case", case),
        ". The router restarts every ",
        K("quantity", str(r.randint(10, 45))),
        " minutes since the update to version ",
        K("version", f"{r.randint(2, 9)}.{r.randint(0, 9)}.{r.randint(1, 30)}"),
        ".",
    )
    b.a(
        "Okay, it's model ",
        K("model", f"AX{r.randint(1000, 9999)}"),
        ", right? We'll send a replacement, invoice ",
        K("invoice", f"INV-{r.randint(2022, 2024)}-{r.randint(10000, 99999)}"),
        " is zero dollars.",
    )
    b.c(
        "Thanks, it was ",
        K("price", price_en(r, 60, 400)),
        " in ",
        K("year", str(r.randint(2018, 2023))),
        ".",
    )


def neg_en_insurance(b: B, r: random.Random) -> None:
    b.a("Claims department.")
    b.c(
        "Hi, calling about claim ",
        K("claim", f"{r.randint(2022, 2024)}-{r.randint(100000, 999999)}"),
        ", the adjuster said ",
        K("amount", price_en(r, 900, 14000)),
        ".",
    )
    b.a(
        "Right, after the ",
        K("amount", f"${r.choice([500, 1000])}"),
        " deductible you get ",
        K("percent", f"{r.choice([70, 80, 90])}%"),
        " of the rest, paid by ",
        K("date", f"{r.choice(EN_MONTHS)} {ordinal(r.randint(2, 28))}"),
        ".",
    )
    b.c(
        "Okay, my car is a ",
        K("year", str(r.randint(2008, 2023))),
        " Civic with ",
        K("mileage", f"{r.randint(20, 190)},{r.randint(100, 999)}"),
        " miles.",
    )


def neg_en_pharmacy(b: B, r: random.Random) -> None:
    b.a("CareRx pharmacy.")
    b.c(
        "Hi, is my order ",
        K("order", str(r.randint(1000000, 9999999))),
        " ready? It's the ",
        K("dose", str(r.choice([10, 20, 40, 81, 500]))),
        " milligram.",
    )
    b.a(
        "Yes, ",
        K("quantity", str(r.choice([30, 60, 90]))),
        " tablets, ",
        K("price", price_en(r, 4, 60)),
        ", we're open until ",
        K("time", f"{r.randint(7, 10)} p.m."),
        " tonight.",
    )
    b.c(
        "Great, I'm at ",
        K("house", str(r.randint(100, 9999))),
        " Oak Street, about ",
        K("quantity", str(r.randint(5, 25))),
        " minutes away.",
    )


def neg_en_numbers_words(b: B, r: random.Random) -> None:
    amt = r.choice([1200, 1500, 2400, 350, 899, 12500])
    words = en_words(amt)
    if amt in (1200, 1500, 2400):
        words = f"{en_words(amt // 100)} hundred"
    b.a("Northwind billing, how can I help?")
    b.c(
        "Hi, the quote said ",
        K("amount", f"{words} dollars"),
        " but the invoice is ",
        K("amount", price_en(r, 300, 13000)),
        ".",
    )
    b.a(
        "Let me check invoice ",
        K("invoice", str(r.randint(1000, 9999))),
        " from ",
        K("year", r.choice(["twenty twenty-three", "twenty twenty-four"])),
        ".",
    )
    b.c(
        "It covers ",
        K("quantity", en_words(r.randint(3, 19))),
        " licenses at ",
        K("percent", f"{r.randint(5, 30)} percent"),
        " off.",
    )


def neg_ru_order(b: B, r: random.Random) -> None:
    b.a(f"Маркетплейс, {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c(
        "Здравствуйте, заказ ",
        K("order", f"{r.randint(10000000, 99999999)}-{r.randint(1, 9):04d}"),
        ", оплатила ",
        K("amount", price_ru(r, 300, 25000)),
        ", а пришло ",
        K("quantity", f"{r.randint(2, 3)} штуки"),
        " вместо ",
        K("quantity", str(r.randint(4, 6))),
        ".",
    )
    b.a(
        "Трек-номер ",
        K("tracking", r.choice([f"RA{rd(r, 9)}RU", f"8008{rd(r, 10)}"])),
        ", вернём деньги на карту с окончанием ",
        K("last4", rd(r, 4)),
        " в течение ",
        K("quantity", str(r.randint(3, 10))),
        " дней.",
    )


def neg_ru_requisites(b: B, r: random.Random) -> None:
    b.a(f"Бухгалтерия, {r.choice(RU_AGENTS)}.")
    b.c(
        "Здравствуйте, выставьте счёт на ООО «Ромашка», ИНН ",
        K("inn_company", make_inn10(r)),
        ", КПП ",
        K("kpp", f"{r.randint(1000, 9999)}01001"),
        ", ОГРН ",
        K("ogrn", make_ogrn(r)),
        ".",
    )
    b.a(
        "По договору ",
        K("contract", f"№ {r.randint(1, 99)}/{r.randint(2022, 2024)}-{r.randint(100, 9999)}"),
        "? Счёт ",
        K("invoice", f"№ {r.randint(100, 9999)}"),
        " от ",
        K("date", ru_date(r)),
        " на ",
        K("amount", price_ru(r, 15000, 900000)),
        ", НДС ",
        K("percent", "20%"),
        ".",
    )
    b.c("Да. Банк получателя БИК ", K("bik", f"04{rd(r, 7)}"), ".")


def neg_ru_gosuslugi(b: B, r: random.Random) -> None:
    b.a(f"Госуслуги, {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c(
        "Здравствуйте, номер заявления ",
        K("application", str(r.randint(1000000000, 4999999999))),
        ", хочу перенести запись.",
    )
    b.a(
        "Могу предложить ",
        K("date", ru_date(r)),
        " в ",
        K("time", f"{r.randint(9, 17)}:{r.choice(['00', '30'])}"),
        ", МФЦ на Ленина, дом ",
        K("house", str(r.randint(1, 200))),
        ", окно ",
        K("window", str(r.randint(1, 30))),
        ".",
    )
    b.c("Подходит. А госпошлина ", K("amount", f"{r.choice([300, 1500, 2000, 3000, 6000])} рублей"), "?")


def neg_ru_osago(b: B, r: random.Random) -> None:
    b.a(f"Страховая компания, {r.choice(RU_AGENTS)}.")
    b.c(
        "Здравствуйте, ДТП было ",
        K("date", ru_date(r)),
        ", полис ОСАГО ",
        K("osago", r.choice(["ХХХ", "ТТТ", "ААС"]) + " " + rd(r, 10)),
        ".",
    )
    b.a(
        "Номер убытка ",
        K("claim", str(r.randint(10000000, 99999999))),
        ", и у вас ещё КАСКО, полис ",
        K(
            "kasko",
            r.choice(
                [
                    f"AI{r.randint(100000000, 999999999)}",
                    f"{r.randint(1000, 9999)}-{r.randint(1000000, 9999999)}",
                ]
            ),
        ),
        "?",
    )
    b.c(
        "Да. Машина ",
        K("year", f"{r.randint(2010, 2023)}"),
        " года, пробег ",
        K("mileage", f"{r.randint(20, 190)} {r.randint(100, 999)}"),
        ".",
    )


def neg_ru_airline(b: B, r: random.Random) -> None:
    b.a(f"Авиакомпания, {r.choice(RU_AGENTS)}.")
    b.c(
        "Здравствуйте, билет ",
        K("ticket", f"555 {rd(r, 10)}"),
        ", рейс ",
        K("flight", f"SU {r.randint(1000, 2999)}"),
        " задержали на ",
        K("quantity", f"{r.randint(5, 9)} часов"),
        ".",
    )
    b.a(
        "Вылет перенесён на ",
        K("time", f"{r.randint(5, 23)}:{r.choice(['10', '40'])}"),
        ", место ",
        K("seat", f"{r.randint(10, 40)}A"),
        ", компенсация ",
        K("amount", price_ru(r, 5000, 30000)),
        ".",
    )


def neg_ru_bank(b: B, r: random.Random) -> None:
    b.a(f"Банк, {r.choice(RU_AGENTS)}.")
    b.c(
        "Здравствуйте, по кредиту договор ",
        K("contract", f"{r.randint(2019, 2024)}-{r.randint(1000000, 9999999)}"),
        ", ставка была ",
        K("percent", f"{r.randint(9, 29)},{r.randint(1, 9)}%"),
        ", платёж ",
        K("amount", price_ru(r, 3000, 60000)),
        ".",
    )
    b.a(
        "Следующий платёж ",
        K("date", ru_date(r)),
        ", списание с карты, которая заканчивается на ",
        K("last4", rd(r, 4)),
        ".",
    )
    b.c("Понятно. С ", K("year", f"{r.randint(2019, 2024)}"), " года плачу.")


def neg_ru_mobile(b: B, r: random.Random) -> None:
    b.a(f"Оператор связи, {r.choice(RU_AGENTS)}.")
    b.c(
        "Здравствуйте, у меня тариф за ",
        K("price", f"{r.choice([350, 450, 550, 690])} рублей"),
        ", а списали ",
        K("amount", price_ru(r, 700, 3500)),
        ".",
    )
    b.a(
        "В тарифе ",
        K("quantity", f"{r.choice([15, 30, 50])} гигабайт"),
        " и ",
        K("quantity", str(r.choice([300, 500, 800])) + " минут"),
        ", заявка ",
        K("request", str(r.randint(10000000, 99999999))),
        ", ответ до ",
        K("date", ru_date(r)),
        ".",
    )


def neg_ru_debt(b: B, r: random.Random) -> None:
    b.a(f"Коллекторское агентство, {r.choice(RU_AGENTS)}.")
    b.c(
        "По какому договору? Номер ",
        K("contract", f"{r.randint(100, 999)}-{r.randint(10000, 99999)}/{r.randint(18, 23)}"),
        "?",
    )
    b.a(
        "Да, долг ",
        K("amount", f"{r.randint(12, 480)} {r.randint(100, 999)} рублей"),
        ", пени ",
        K("percent", f"{r.choice(['0,1', '0,5', '1'])}%"),
        " в день, срок до ",
        K("date", ru_date(r)),
        ".",
    )
    b.c(
        "Я платила ",
        K("amount", f"{ru_words(r.choice([1500, 12500, 2000, 800, 950]))} рублей"),
        " в ",
        K("month", r.choice(["марте", "апреле"])),
        ".",
    )


def neg_ru_car_service(b: B, r: random.Random) -> None:
    b.a(f"Автосервис, {r.choice(RU_AGENTS)}.")
    b.c(
        "Здравствуйте, заказ-наряд ",
        K("order", str(r.randint(10000, 99999))),
        ", машина готова? Пробег ",
        K("mileage", f"{r.randint(20, 190)} {r.randint(100, 999)} км"),
        ".",
    )
    b.a(
        "Готова, ",
        K("amount", price_ru(r, 2500, 45000)),
        ", забрать можно до ",
        K("time", "20:00"),
        ", мы на Заводской, дом ",
        K("house", f"{r.randint(1, 150)}"),
        ", корпус ",
        K("house", str(r.randint(1, 5))),
        ".",
    )


def neg_ru_pharmacy(b: B, r: random.Random) -> None:
    b.a(f"Аптека, {r.choice(RU_AGENTS)}.")
    b.c(
        "Здравствуйте, есть ",
        K("dose", f"{r.choice([5, 10, 20, 50, 100, 500])} мг"),
        ", упаковка по ",
        K("quantity", str(r.choice([10, 20, 30, 60]))),
        " таблеток?",
    )
    b.a(
        "Есть, ",
        K("price", price_ru(r, 120, 2500)),
        ", бронь номер ",
        K("order", str(r.randint(100000, 999999))),
        " до ",
        K("time", f"{r.randint(18, 22)}:00"),
        ".",
    )
    b.c("Скидка ", K("percent", f"{r.choice([5, 10, 15])}%"), " по карте?")
    cheap = ru_words(r.choice([300, 500, 700, 800, 900]), gen=True)  # "дешевле восьмисот рублей"
    b.a("Есть аналог дешевле ", K("amount", f"{cheap} рублей"), ", но его надо заказывать.")


# --- generation --------------------------------------------------------------------------------------

POS: dict[str, list[Callable[[B, random.Random], None]]] = {
    "en": [
        en_airline,
        en_hotel,
        en_pharmacy,
        en_car_service,
        en_bank_fraud,
        en_porting,
        en_debt,
        en_marketplace,
        en_nhs,
        en_ni,
        en_car_rental,
        en_insurance,
        en_email_support,
        en_intl,
        en_correction,
    ],
    "ru": [
        ru_gosuslugi,
        ru_bank_fraud,
        ru_porting,
        ru_debt,
        ru_marketplace,
        ru_pharmacy,
        ru_car_service,
        ru_airline,
        ru_hotel,
        ru_dms,
        ru_carsharing,
        ru_company_bank,
        ru_changed,
        ru_intl,
        ru_email_support,
        ru_correction,
        ru_case_forms,
    ],
}
NEG: dict[str, list[Callable[[B, random.Random], None]]] = {
    "en": [
        neg_en_order,
        neg_en_airline,
        neg_en_hotel,
        neg_en_support,
        neg_en_insurance,
        neg_en_pharmacy,
        neg_en_numbers_words,
    ],
    "ru": [
        neg_ru_order,
        neg_ru_requisites,
        neg_ru_gosuslugi,
        neg_ru_osago,
        neg_ru_airline,
        neg_ru_bank,
        neg_ru_mobile,
        neg_ru_debt,
        neg_ru_car_service,
        neg_ru_pharmacy,
    ],
}


def perfect(case: Case) -> list[str]:
    texts = [t for _, t in case.turns]
    for ti, start, end, ph in sorted(case.spans, key=lambda s: (s[0], -s[1])):
        texts[ti] = texts[ti][:start] + f"[{ph}]" + texts[ti][end:]
    return texts


def _joined(texts: list[str], roles: list[str]) -> str:
    return "\n".join(
        f"{'Agent' if r == 'agent' else 'Customer'}: {t}" for r, t in zip(roles, texts, strict=False)
    )


def _valid(case: Case) -> bool:
    roles = [r for r, _ in case.turns]
    raw = [t for _, t in case.turns]
    res_raw = check(case, raw, _joined(raw, roles))
    res_ok = check(case, perfect(case), _joined(perfect(case), roles))
    return (
        len(res_raw["leaks"]) == len(case.secrets)
        and not res_raw["fps"]
        and not res_ok["leaks"]
        and not res_ok["fps"]
        and not res_ok["wrong_type"]
    )


RETRIES: Counter[str] = Counter()  # draws thrown away because a number collided with a secret


def generate(seed: int = SEED) -> list[Case]:
    r = random.Random(seed)
    cases: list[Case] = []
    for negative, table, n in ((False, POS, N_POS_PER_LANG), (True, NEG, N_NEG_PER_LANG)):
        for lang in ("en", "ru"):
            fns = table[lang]
            for i in range(n):
                fn = fns[i % len(fns)]
                for attempt in range(50):
                    RETRIES[fn.__name__] += attempt > 0
                    b = B(f"{'neg' if negative else 'pos'}-{lang}-{i:03d}", lang, fn.__name__, negative)
                    fn(b, r)
                    case = b.case()
                    if _valid(case):
                        break
                else:
                    raise AssertionError(f"could not draw a valid case for {fn.__name__}")
                cases.append(case)
    return cases


# --- checker -----------------------------------------------------------------------------------------


def check(case: Case, stored: list[str], compressed: str) -> dict[str, Any]:
    """Leaks (secret, where), false positives (keep, where) and wrong placeholder types for one case."""
    all_stored = " ".join(stored)
    where_runs = {
        "stored": (digit_runs(all_stored), _norm_text(all_stored)),
        "compressed": (digit_runs(compressed), _norm_text(compressed)),
    }
    leaks: list[tuple[Secret, str]] = []
    leaked_ids: set[int] = set()
    for sec in case.secrets:
        places = [w for w, (runs, norm) in where_runs.items() if secret_leaks(sec, runs, norm)]
        if places:
            leaks.append((sec, "+".join(places)))
            leaked_ids.add(id(sec))
    fps: list[tuple[Keep, str]] = []
    comp_runs = where_runs["compressed"][0]
    for keep in case.keeps:
        seg = stored[keep.seg] if keep.seg < len(stored) else ""
        bad = []
        if not keep_present(keep, seg, digit_runs(seg)):
            bad.append("stored")
        if not keep_present(keep, compressed, comp_runs):
            bad.append("compressed")
        if bad:
            fps.append((keep, "+".join(bad)))
    # wrong placeholder: a secret that did not leak, in a segment whose placeholders are all of other types
    wrong: list[tuple[Secret, list[str]]] = []
    found = [PLACEHOLDER_RE.findall(t) for t in stored]
    pool = [list(f) for f in found]
    ordered = sorted(
        (s for s in case.secrets if id(s) not in leaked_ids), key=lambda s: len(ACCEPTED[s.kind])
    )
    for sec in ordered:
        ok = False
        for seg in sec.segs:
            for ph in pool[seg]:
                if ph in ACCEPTED[sec.kind]:
                    pool[seg].remove(ph)
                    ok = True
                    break
        if not ok:
            seen = sorted({ph for seg in sec.segs for ph in found[seg]})
            if seen:
                wrong.append((sec, seen))
    return {"leaks": leaks, "fps": fps, "wrong_type": wrong}


def run_case(case: Case) -> tuple[list[str], str]:
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    tr = make_transcript_from_turns(case.cid, case.turns, case.lang)
    filtered = filter_transcript(tr)
    stored = [s["text"] for s in filtered["transcript"]["segments"]]
    compressed = compress(filtered, len, "probe")["text"]
    return stored, compressed


def evaluate(cases: list[Case] | None = None) -> dict[str, Any]:
    cases = cases if cases is not None else generate()
    per_type: dict[tuple[str, str], list[int]] = defaultdict(
        lambda: [0, 0]
    )  # (kind, lang) -> [leaked, total]
    keeps_total = keeps_fp = neg_cases_fp = neg_placeholder = 0
    wrong_total = 0
    leak_cases = 0
    failures: list[dict[str, Any]] = []
    lost_words: Counter[str] = Counter()
    fragments: Counter[str] = Counter()
    frag_examples: dict[str, str] = {}
    for case in cases:
        stored, compressed = run_case(case)
        res = check(case, stored, compressed)
        leaked = {id(s) for s, _ in res["leaks"]}
        for sec in case.secrets:
            cell = per_type[(sec.kind, case.lang)]
            cell[1] += 1
            cell[0] += id(sec) in leaked
        keeps_total += len(case.keeps)
        keeps_fp += len(res["fps"])
        neg_cases_fp += bool(case.negative and res["fps"])
        neg_placeholder += bool(case.negative and any(PLACEHOLDER_RE.search(t) for t in stored))
        wrong_total += len(res["wrong_type"])
        leak_cases += bool(res["leaks"])
        lost, frags = collateral(case, stored)
        lost_words += lost
        fragments += frags
        for frag in frags:
            frag_examples.setdefault(frag, case.cid)
        if res["leaks"] or res["fps"] or res["wrong_type"]:
            failures.append({"case": case, "stored": stored, "compressed": compressed, **res})
    pos = [c for c in cases if not c.negative]
    neg = [c for c in cases if c.negative]
    secrets = sum(v[1] for v in per_type.values())
    leaked_n = sum(v[0] for v in per_type.values())
    return {
        "cases": len(cases),
        "positive": len(pos),
        "negative": len(neg),
        "secrets": secrets,
        "leaked": leaked_n,
        "leak_cases": leak_cases,
        "per_type": {f"{k}/{lang}": tuple(v) for (k, lang), v in sorted(per_type.items())},
        "keeps": keeps_total,
        "keep_fp": keeps_fp,
        "neg_cases_fp": neg_cases_fp,
        "neg_cases_placeholder": neg_placeholder,
        "wrong_type": wrong_total,
        "failures": failures,
        "lost_words": lost_words,
        "fragments": fragments,
        "fragment_examples": frag_examples,
    }


# --- text around placeholders -------------------------------------------------------------------------

_PH_CTX = re.compile(r"(\S*?)\[[A-Z_]+\]([^\s\[]*)")


def _fragments(text: str) -> Counter[str]:
    """Digits or '+' left glued to a placeholder, or a bare number right before it ("555 [PHONE]")."""
    out: Counter[str] = Counter()
    for m in _PH_CTX.finditer(text):
        pre, post = m.group(1), m.group(2)
        if re.search(r"[\d+]", pre):
            out[pre + "[]"] += 1
        if re.search(r"\d", post):
            out["[]" + post] += 1
        before = text[: m.start()].split()
        if not pre and before and re.fullmatch(r"\+?\d[\d-]*[,.]?", before[-1]):
            out[before[-1] + " []"] += 1
    return out


_FILLERS = {"uh", "um", "ну", "э", "эм"}  # the filter drops these on its own, redaction or not


def _words(text: str) -> Counter[str]:
    text = PLACEHOLDER_RE.sub(" ", text)
    words = re.findall(r"[^\W\d_]+", _norm_word(text))
    return Counter(w for w in words if w not in WORDS and w not in _OH and w not in _FILLERS)


def collateral(case: Case, stored: list[str]) -> tuple[Counter[str], Counter[str]]:
    """(words lost, fragments left) in the stored text, against a perfect redaction of the same case."""
    lost: Counter[str] = Counter()
    frags: Counter[str] = Counter()
    for want, got in zip(perfect(case), stored, strict=False):
        lost += _words(want) - _words(got)
        frags += _fragments(got) - _fragments(want)
    return lost, frags


# --- self-check --------------------------------------------------------------------------------------


def self_check(cases: list[Case]) -> None:
    assert (
        spoken_digits("восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь")
        == "89161234567"
    )
    assert spoken_digits("с восьми девятисот двадцати шести, дальше сто двадцать три") == "8926123"
    assert spoken_digits("две семёрки, три нуля, нуль пять") == "7700005"
    assert spoken_digits("double oh seven, triple five") == "007555"
    assert spoken_digits("four fifteen, five five five, oh one thirty-two") == "4155550132"
    assert spoken_digits("шестьсот семьдесят восемь тысяч девятьсот двенадцать") == "678912"
    assert spoken_digits("twelve hundred fifty") == "1250"
    assert digit_runs("Oh, okay. Order 123") == ["123"]
    assert digit_runs("+7 (916) 123-45-67 и дальше") == ["79161234567"]
    assert digit_runs("восемь девятьсот... Угу. сто двадцать") == ["8900120"]
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    card = Secret("card", "4111222233334242")
    assert not secret_leaks(card, ["4242"], "") and secret_leaks(card, ["34242"], "")
    em = Secret("email", "ivan.petrov87@mail.ru", ["ivan.petrov87", "petrov87"])
    assert secret_leaks(em, [], _norm_text("write to ivan.petrov87@[EMAIL]"))
    assert not secret_leaks(em, [], _norm_text("write to [EMAIL] please, petrovich"))
    assert _fragments("it's +[ID], ok, 1-[PHONE] and 555 [PHONE]") == Counter(
        {"+[]": 1, "1-[]": 1, "555 []": 1}
    )
    assert keep_present(Keep("price", "1 299 рублей"), "it is 1 299 рублей", digit_runs("it is 1 299 рублей"))
    assert not keep_present(Keep("order", "48213957"), "order [ID]", digit_runs("order [ID]"))
    for case in cases:
        roles = [r for r, _ in case.turns]
        raw = [t for _, t in case.turns]
        res = check(case, raw, _joined(raw, roles))
        assert len(res["leaks"]) == len(case.secrets), (case.cid, "raw text must leak every secret")
        assert not res["fps"], (case.cid, "raw text keeps every number")
        ok = perfect(case)
        res = check(case, ok, _joined(ok, roles))
        assert not res["leaks"] and not res["fps"] and not res["wrong_type"], (case.cid, res)
        # a wrong placeholder type is seen as such
        if case.secrets and case.secrets[0].kind != "cvv":
            first = case.secrets[0]
            wrong_ph = "ID" if PLACEHOLDER[first.kind] != "ID" else "PHONE"
            bad = [t.replace(f"[{PLACEHOLDER[first.kind]}]", f"[{wrong_ph}]") for t in ok]
            assert check(case, bad, _joined(bad, roles))["wrong_type"], case.cid
        # a keep replaced by a placeholder is a false positive
        if case.keeps:
            kp = max(case.keeps, key=lambda k: len(spoken_digits(k.surface)))
            hurt = list(ok)
            hurt[kp.seg] = hurt[kp.seg].replace(kp.surface, "[ID]")
            assert check(case, hurt, _joined(hurt, roles))["fps"], case.cid


# --- report ------------------------------------------------------------------------------------------


def _fmt_secret(s: Secret) -> str:
    return f"{s.kind}={s.value}"


def report(res: dict[str, Any], out: Any = sys.stdout, show: int = 10**6) -> None:
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(
        f"cases {res['cases']} (positive {res['positive']}, negative {res['negative']}), "
        f"secrets {res['secrets']}"
    )
    p(
        f"leaked secrets {res['leaked']}/{res['secrets']} = {res['leaked'] / max(1, res['secrets']):.1%}; "
        f"positive cases with a leak {res['leak_cases']}"
    )
    by_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, (lk, tot) in res["per_type"].items():
        lang = key.split("/")[1]
        by_lang[lang][0] += lk
        by_lang[lang][1] += tot
    for lang, (lk, tot) in sorted(by_lang.items()):
        p(f"  {lang}: {lk}/{tot} = {lk / tot:.1%}")
    p("leak rate per type and language:")
    for key, (lk, tot) in res["per_type"].items():
        p(f"  {key:28s} {lk:3d}/{tot:<3d} {lk / tot:6.1%}")
    p(
        f"false positives: keeps {res['keep_fp']}/{res['keeps']} = "
        f"{res['keep_fp'] / max(1, res['keeps']):.1%}; "
        f"negative cases with one {res['neg_cases_fp']}/{res['negative']}, with any placeholder "
        f"{res['neg_cases_placeholder']}/{res['negative']}"
    )
    p(f"wrong placeholder type: {res['wrong_type']}")
    by_place: Counter[str] = Counter()
    by_keep: Counter[str] = Counter()
    for f in res["failures"]:
        for sec, _ in f["leaks"]:
            by_place[f"{sec.kind} in {f['case'].industry}"] += 1
        for keep, _ in f["fps"]:
            by_keep[f"{keep.kind} in {f['case'].industry}"] += 1
    p("leaks by type and scenario: " + ", ".join(f"{k} {n}" for k, n in by_place.most_common()))
    p("false positives by keep and scenario: " + ", ".join(f"{k} {n}" for k, n in by_keep.most_common()))
    p(
        "words lost next to redactions (stored, vs a perfect redaction): "
        + ", ".join(f"{w} {n}" for w, n in res["lost_words"].most_common(20))
    )
    p(
        "fragments left glued to a placeholder: "
        + ", ".join(
            f"{fr!r} {n} (e.g. {res['fragment_examples'][fr]})" for fr, n in res["fragments"].most_common(20)
        )
    )
    p("")
    for f in res["failures"][:show]:
        c: Case = f["case"]
        p(f"=== {c.cid} {c.industry} tags={','.join(sorted(c.tags))}")
        for sec, where in f["leaks"]:
            p(f"  LEAK {_fmt_secret(sec)} in {where}")
        for keep, where in f["fps"]:
            p(f"  FP   {keep.kind}={keep.surface!r} gone from {where}")
        for sec, seen in f["wrong_type"]:
            p(f"  TYPE {_fmt_secret(sec)} got {seen}")
        for (role, text), out_t in zip(c.turns, f["stored"], strict=False):
            p(f"  in  {role[:1].upper()}: {text}")
            if out_t != text:
                p(f"  out {role[:1].upper()}: {out_t}")
        p("  compressed: " + f["compressed"].replace("\n", " | "))


def main() -> int:
    cases = generate()
    self_check(cases)
    res = evaluate(cases)
    report(res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
