"""Fifth blind PII probe: seeded contact-centre dialogues (RU/EN, as telephony Whisper writes them) run
through ``filter_transcript`` (stored segments) and ``compress`` (the LLM text), and a checker of what is
still readable afterwards.

Written from the README's redaction policy only, without reading the redaction code or the earlier probes'
scenarios, so it measures how the redaction generalises to calls its authors never saw.

Run: ``python -m tests.pii_probe5``.

Measured blind when written (at a5499b4): 78 of 441 secrets readable (17.7 %; EN 44/208, RU 34/233),
25 of 2 014 numbers that must stay lost (1.2 %), 4 wrong placeholder types, 5 of 120 negative cases
with a placeholder. Worst: IBANs and US bank accounts, a card's code after its expiry, spelled e-mails,
identity numbers given as bare answers; order numbers after a phone lost.

Leak rule: a secret leaks when 4 of its digits in a row can still be read from the stored segments (joined)
or from the compressed text, as digits or number words; separators, fillers, backchannels and turn
boundaries do not break a run. A card's last four alone do not count (the policy lets "ending in 4471"
stay); a 3-digit CVV leaks when all 3 can be read. An e-mail leaks when its local part, or a distinctive
piece of it (>= 4 characters, or 4 spelled letters in a row), is readable.
A must-keep number is lost when it is no longer readable in its own stored segment or in the compressed
text. A secret that did not leak but sits under a placeholder of another type is a wrong-type redaction.

Kinds the policy is silent on (postal codes, house/flat numbers, phone extensions, expiry dates, a bank's
routing number, passport issue codes, dates of birth) appear in the dialogues but are counted neither way.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SEED = 5005
N_POS_PER_LANG = 170
N_NEG_PER_LANG = 60

ID_KINDS = ("passport", "snils", "ssn", "inn_person", "bank_account", "iban", "driver_licence")
PLACEHOLDER: dict[str, str] = {"phone": "PHONE", "card": "CARD", "cvv": "CARD", "email": "EMAIL"}
PLACEHOLDER |= {k: "ID" for k in ID_KINDS}


# --- reading numbers back: digits and number words ------------------------------------------------------

_RU_U = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
_RU_U_GEN = ["нуля", "одного", "двух", "трёх", "четырёх", "пяти", "шести", "семи", "восьми", "девяти"]
_RU_TEEN = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать"]
_RU_TEEN += ["шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"]
_RU_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят"]
_RU_TENS += ["восемьдесят", "девяносто"]
_RU_TENS_GEN = ["", "", "двадцати", "тридцати", "сорока", "пятидесяти", "шестидесяти", "семидесяти"]
_RU_TENS_GEN += ["восьмидесяти", "девяноста"]
_RU_H = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот"]
_RU_H += ["девятьсот"]
_RU_H_GEN = ["", "ста", "двухсот", "трёхсот", "четырёхсот", "пятисот", "шестисот", "семисот", "восьмисот"]
_RU_H_GEN += ["девятисот"]
# digit nouns after a count word: "две семёрки", "три девятки", "два нуля"
_RU_DN = ["нуля", "единицы", "двойки", "тройки", "четвёрки", "пятёрки", "шестёрки", "семёрки", "восьмёрки"]
_RU_DN += ["девятки"]
_EN_U = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_TEEN = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"]
_EN_TEEN += ["eighteen", "nineteen"]
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def norm_word(w: str) -> str:
    return w.lower().replace("ё", "е")


WORDS: dict[str, tuple[str, int]] = {}
for _i in range(10):
    for _w in (_RU_U[_i], _RU_U_GEN[_i], _EN_U[_i]):
        WORDS[norm_word(_w)] = ("u", _i)
    for _w in (_RU_TEEN[_i], _RU_TEEN[_i][:-1] + "и", _EN_TEEN[_i]):
        WORDS[norm_word(_w)] = ("teen", 10 + _i)
    if _i >= 2:
        for _w in (_RU_TENS[_i], _RU_TENS_GEN[_i], _EN_TENS[_i]):
            WORDS[norm_word(_w)] = ("ten", 10 * _i)
    if _i >= 1:
        for _w in (_RU_H[_i], _RU_H_GEN[_i]):
            WORDS[norm_word(_w)] = ("h", 100 * _i)
        WORDS[norm_word(_RU_DN[_i])] = ("dn", _i)
WORDS |= {"нуль": ("u", 0), "ноля": ("u", 0), "одна": ("u", 1), "две": ("u", 2)}
WORDS |= {"нули": ("dn", 0)}
WORDS |= {"единица": ("dn", 1), "двойка": ("dn", 2), "тройка": ("dn", 3), "семерка": ("dn", 7)}
WORDS |= {"восьмерка": ("dn", 8), "девятка": ("dn", 9), "пятерка": ("dn", 5), "шестерка": ("dn", 6)}
for _w in ("тысяча", "тысячи", "тысяч", "тысячу", "thousand"):
    WORDS[_w] = ("k", 1000)
WORDS |= {"hundred": ("hund", 100), "double": ("rep", 2), "triple": ("rep", 3)}
_COUNT = {"два": 2, "две": 2, "три": 3, "четыре": 4}
_ZERO_NOUNS = {"нуля", "ноля", "нули"}

# words a speaker puts between the groups of a number, or the listener's backchannel between turns
_SKIP_WORDS = (
    "and then uh um er erm mm hmm huh okay ok yes yeah yep yup right go ahead so got it on sorry "
    "plus dash hyphen "
    "и да угу ага так дальше потом еще плюс тире дефис записываю слушаю э эм ээ ну вот значит пишу "
    "мм хорошо"
)
SKIP = set(_SKIP_WORDS.split())
SEPS = set("-.,()+/:;—–…'\"!?")
_TOKEN = re.compile(r"\d+|[^\W\d_]+|\S")
PLACEHOLDER_RE = re.compile(r"\[([A-Z_]+)\]")


def _items(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok.isdigit():
            out.append(("lit", tok))
        elif tok[0].isalpha():
            w = norm_word(tok)
            if w in WORDS:
                out.append(("w", (w, *WORDS[w])))
            elif w in ("oh", "o"):
                out.append(("oh", None))
            elif w in SKIP:
                out.append(("skip", w))
            else:
                out.append(("break", None))
        elif tok in SEPS:
            out.append(("sep", tok))
        else:
            out.append(("break", None))
    # "oh" is a zero only next to another number ("five oh two"), so "Oh, okay" stays a word
    for i, (k, _) in enumerate(out):
        if k != "oh":
            continue
        near = False
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(out) and out[j][0] in ("sep", "oh"):
                j += step
            near = near or (0 <= j < len(out) and out[j][0] in ("lit", "w"))
        out[i] = ("w", ("oh", "u", 0)) if near else ("break", None)
    return out


def _parse_run(nums: list[tuple[str, Any]]) -> str:
    """The digits a run of number tokens reads as; a ("pause", None) item ends a spoken group."""
    flat: list[tuple[str, Any]] = []
    i = 0
    while i < len(nums):
        kind, val = nums[i]
        nxt = nums[i + 1] if i + 1 < len(nums) else None
        if kind == "w" and val[1] == "rep":  # "double five", "triple oh"
            if nxt and nxt[0] == "w" and nxt[1][1] == "u":
                flat.append(("lit", str(nxt[1][2]) * val[2]))
                i += 2
            else:
                i += 1
            continue
        counted = nxt and nxt[0] == "w" and (nxt[1][1] == "dn" or nxt[1][0] in _ZERO_NOUNS)
        if kind == "w" and val[0] in _COUNT and counted:  # "две семёрки", "три нуля"
            flat.append(("lit", str(nxt[1][2]) * _COUNT[val[0]]))
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

    for j, (kind, val) in enumerate(flat):
        if kind == "pause":
            flush()
            continue
        if kind == "lit":
            nxt = flat[j + 1] if j + 1 < len(flat) else None
            small = len(val) <= 3 and not (len(val) > 1 and val[0] == "0")
            if small and nxt and nxt[0] == "w" and nxt[1][1] == "k":  # "5 тысяч", "87 thousand"
                flush()
                st["u"] = int(val)
                continue
            if small and st["big"] is not None and empty():  # "5 тысяч 200"
                st["u"] = int(val)
                flush()
                continue
            flush()
            out.append(val)
            continue
        _, wk, v = val
        if wk == "u" and v == 0:
            flush()
            out.append("0")
        elif wk == "u":
            if not (empty() or (st["u"] is None and (st["h"] is not None or st["t"] is not None))):
                flush()
            st["u"] = v
        elif wk in ("teen", "ten"):
            if not (st["t"] is None and st["u"] is None):
                flush()
            st["t"], st["u"] = (v, 0) if wk == "teen" else (v, None)
        elif wk == "h":
            if not empty():
                flush()
            st["h"] = v
        elif wk == "hund":  # "twelve hundred", "two hundred"
            if st["h"] is None and not empty():
                st["h"] = ((st["t"] or 0) + (st["u"] or 0)) * 100
                st["t"] = st["u"] = None
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
    """Digit strings readable in ``text``: a run goes on over separators and backchannel words; a comma or
    full stop between number words ends a spoken group ("сто двадцать, три" is 1203, not 123)."""
    runs: list[str] = []
    cur: list[tuple[str, Any]] = []
    for kind, val in _items(text):
        if kind in ("lit", "w"):
            cur.append((kind, val))
        elif kind == "sep":
            if val in ",.;…—–" and cur and cur[-1][0] != "pause":
                cur.append(("pause", None))
        elif kind == "skip":
            if val != "and" and cur and cur[-1][0] != "pause":
                cur.append(("pause", None))
        else:
            if cur:
                runs.append(_parse_run(cur))
            cur = []
    if cur:
        runs.append(_parse_run(cur))
    return [r for r in runs if r]


def spoken_digits(text: str) -> str:
    return "".join(digit_runs(text))


_LABEL = re.compile(r"^\s*(Agent|Customer|Оператор|Клиент|Speaker \d+)\s*:", re.M)


def strip_labels(text: str) -> str:
    """The compressed text's speaker labels are turn boundaries, which do not break a run."""
    return _LABEL.sub(" ", text)


def norm_text(text: str) -> str:
    return " " + re.sub(r"[\s,.\-_:;!?()\"'«»…@/]+", " ", norm_word(text)).strip() + " "


# --- cases ----------------------------------------------------------------------------------------------


@dataclass
class Secret:
    kind: str
    value: str  # digits, or the e-mail address
    markers: list[str] = field(default_factory=list)  # e-mail: readable forms of its local part
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
    scenario: str
    negative: bool
    turns: list[tuple[str, str]]
    secrets: list[Secret]
    keeps: list[Keep]
    spans: list[tuple[int, int, int, Secret]]  # (turn, start, end, secret): the text a perfect redactor hides
    tags: set[str]


def secret_leaks(sec: Secret, runs: list[str], ntext: str) -> bool:
    if sec.kind == "email":
        return any(f" {norm_text(m).strip()} " in ntext for m in sec.markers)
    v = sec.value
    if sec.kind == "cvv":
        return any(v in r for r in runs)
    windows = {v[i : i + 4] for i in range(len(v) - 3)}
    if sec.kind == "card":
        windows = {v[i : i + 4] for i in range(len(v) - 4)}  # the last four alone may stay
    return any(w in r for r in runs for w in windows)


def keep_present(keep: Keep, text: str, runs: list[str]) -> bool:
    if norm_text(keep.surface) in norm_text(text):
        return True
    need = digit_runs(keep.surface)
    if not need:
        return False
    for n in need:
        if len(n) > 2:
            if not any(n in r for r in runs):
                return False
        elif not (n in runs or re.search(rf"(?<!\d){n}(?!\d)", text)):
            return False
    return True


# --- speaking numbers -----------------------------------------------------------------------------------


def ru_words(n: int, gen: bool = False) -> str:
    """A cardinal in Russian words: 4276 -> "четыре тысячи двести семьдесят шесть"."""
    if n == 0:
        return "нуля" if gen else "ноль"
    parts: list[str] = []
    if n >= 1000:
        k, n = divmod(n, 1000)
        kw = ru_words(k, gen).split()
        if not gen and kw[-1] in ("один", "два"):
            kw[-1] = {"один": "одна", "два": "две"}[kw[-1]]
        parts += [] if k == 1 else kw
        last = k % 10
        if k % 100 in (11, 12, 13, 14) or last not in (1, 2, 3, 4):
            parts.append("тысяч")
        else:
            parts.append("тысяча" if last == 1 else "тысячи")
        if n == 0:
            return " ".join(parts)
    h, rest = divmod(n, 100)
    if h:
        parts.append((_RU_H_GEN if gen else _RU_H)[h])
    if 10 <= rest <= 19:
        t = _RU_TEEN[rest - 10]
        parts.append(t[:-1] + "и" if gen else t)
    else:
        t, u = divmod(rest, 10)
        if t:
            parts.append((_RU_TENS_GEN if gen else _RU_TENS)[t])
        if u:
            parts.append((_RU_U_GEN if gen else _RU_U)[u])
    return " ".join(parts)


def en_words(n: int) -> str:
    """A cardinal in English words: 249 -> "two hundred forty-nine"."""
    if n == 0:
        return "zero"
    parts: list[str] = []
    if n >= 1000:
        k, n = divmod(n, 1000)
        parts += [en_words(k), "thousand"]
        if n == 0:
            return " ".join(parts)
    h, rest = divmod(n, 100)
    if h:
        parts += [_EN_U[h], "hundred"]
    if 10 <= rest <= 19:
        parts.append(_EN_TEEN[rest - 10])
    elif rest:
        t, u = divmod(rest, 10)
        parts.append(f"{_EN_TENS[t]}-{_EN_U[u]}" if t and u else _EN_TENS[t] if t else _EN_U[u])
    return " ".join(parts)


def ru_each(r: random.Random, s: str, nouns: bool = True) -> str:
    """Digit by digit; a repeated digit may come as "две семёрки" / "три нуля"."""
    zero = r.choice(["ноль", "ноль", "нуль"])
    out: list[str] = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        n, d = j - i, int(s[i])
        if nouns and n in (2, 3) and r.random() < 0.5:
            out.append(f"{'два' if d == 0 and n == 2 else 'две' if n == 2 else 'три'} {_RU_DN[d]}")
        else:
            out += [zero if d == 0 else _RU_U[d]] * n
        i = j
    return " ".join(out)


def en_each(r: random.Random, s: str, zero: str | None = None, rep: bool = True) -> str:
    zero = zero or r.choice(["oh", "oh", "zero"])
    out: list[str] = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        n = j - i
        word = zero if s[i] == "0" else _EN_U[int(s[i])]
        if rep and n in (2, 3) and r.random() < 0.5:
            out.append(f"{'double' if n == 2 else 'triple'} {word}")
        else:
            out += [word] * n
        i = j
    return " ".join(out)


def ru_group(r: random.Random, g: str) -> str:
    """A group as a Russian speaker reads it: "916" -> "девятьсот шестнадцать", "05" -> "ноль пять"."""
    if len(g) > 1 and g[0] == "0":
        z = len(g) - len(g.lstrip("0"))
        if z == len(g):
            return ru_each(r, g)
        return " ".join(["ноль"] * z) + " " + ru_group(r, g[z:])
    if len(g) >= 3 and r.random() < 0.2:
        return ru_each(r, g)
    if len(g) == 4:
        if r.random() < 0.3:
            return ru_words(int(g))  # "четыре тысячи двести семьдесят шесть"
        return f"{ru_group(r, g[:2])} {ru_group(r, g[2:])}"
    if len(g) > 4:
        cut = 3 if len(g) in (6, 7) else 2
        return f"{ru_group(r, g[:cut])} {ru_group(r, g[cut:])}"
    return ru_words(int(g))


def en_group(r: random.Random, g: str, zero: str) -> str:
    """A group as an English speaker reads it: digits, "forty-two seventy-six", "four fifteen"."""
    x = r.random()
    if len(g) == 4 and g[0] != "0" and g[2] != "0" and x < 0.35:
        return f"{en_words(int(g[:2]))} {en_words(int(g[2:]))}"
    if len(g) == 3 and g[0] != "0" and g[1] != "0" and x < 0.25:
        return f"{_EN_U[int(g[0])]} {en_words(int(g[1:]))}"
    if len(g) == 4 and g[1:] == "000" and x < 0.6:
        return f"{_EN_U[int(g[0])]} thousand"
    return en_each(r, g, zero)


class Rend:
    """A number as written in a turn, in chunks a speaker may pause between."""

    def __init__(self, chunks: list[str], joins: list[str] | str = " ") -> None:
        self.chunks = chunks
        self.joins = [joins] * (len(chunks) - 1) if isinstance(joins, str) else joins

    @property
    def text(self) -> str:
        out = self.chunks[0]
        for j, c in zip(self.joins, self.chunks[1:], strict=True):
            out += j + c
        return out

    def split(self, k: int) -> tuple[str, str]:
        return Rend(self.chunks[:k], self.joins[: k - 1]).text, Rend(self.chunks[k:], self.joins[k:]).text


def cut(digits: str, groups: list[int]) -> list[str]:
    out, pos = [], 0
    for g in groups:
        out.append(digits[pos : pos + g])
        pos += g
    assert pos == len(digits), (digits, groups)
    return out


def say_num(
    r: random.Random, lang: str, digits: str, groups: list[int], style: str | None = None, prefix: str = ""
) -> Rend:
    """``digits`` in ``groups`` as a caller says them and Whisper writes them: written digits, number words,
    digit by digit, or a mix; re-drawn until it reads back unambiguously. ``prefix`` ("+") is written
    before a written first group, said as "плюс"/"plus" before a spoken one."""
    parts = cut(digits, groups)
    style = style or r.choice(["digits", "digits", "words", "words", "each", "mixed"])
    zero = r.choice(["oh", "oh", "zero"])
    for _ in range(30):
        chunks: list[str] = []
        spoken_any = False
        for i, p in enumerate(parts):
            st = style if style != "mixed" else r.choice(["digits", "words"])
            if style == "mixed" and i == len(parts) - 1 and not spoken_any:
                st = "words"
            if st == "digits":
                chunks.append(p)
            else:
                spoken_any = True
                if st == "each":
                    chunks.append(ru_each(r, p) if lang == "ru" else en_each(r, p, zero))
                else:
                    chunks.append(ru_group(r, p) if lang == "ru" else en_group(r, p, zero))
        if prefix:
            word = "плюс " if lang == "ru" else "plus "
            chunks[0] = (prefix if chunks[0].isdigit() else word) + chunks[0]
        if style == "digits":
            joins = [r.choice([" ", " ", "-"]) for _ in chunks[1:]]
        elif style == "each":
            joins = [r.choice([", ", ", ", " ", "... "]) for _ in chunks[1:]]
        else:
            joins = [r.choice([", ", " ", ", "]) for _ in chunks[1:]]
        rend = Rend(chunks, joins)
        if spoken_digits(rend.text) == digits:
            return rend
    each = [ru_each(r, p, nouns=False) if lang == "ru" else en_each(r, p, "zero", rep=False) for p in parts]
    rend = Rend(each, ", ")
    assert spoken_digits(rend.text) == digits, (rend.text, digits)
    return rend


# --- checksums ------------------------------------------------------------------------------------------


def rd(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(n))


def rdn(r: random.Random, n: int) -> str:
    return r.choice("123456789") + rd(r, n - 1)


def luhn_digit(body: str) -> str:
    s = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        s += d - 9 if d > 9 else d
    return str((10 - s % 10) % 10)


def make_card(r: random.Random, lang: str) -> str:
    brand = r.choice(["visa", "mc", "mir", "mir"] if lang == "ru" else ["visa", "visa", "mc", "mc2", "amex"])
    if brand == "amex":
        body = r.choice(["34", "37"]) + rd(r, 12)
    else:
        pre = {"visa": "4" + rd(r, 3), "mc": f"5{r.randint(1, 5)}" + rd(r, 2)}.get(brand, "")
        pre = pre or (f"220{r.randint(0, 4)}" if brand == "mir" else f"2{r.randint(221, 720)}")
        body = pre + rd(r, 11)
    return body + luhn_digit(body)


def card_groups(num: str) -> list[int]:
    return [4, 6, 5] if len(num) == 15 else [4, 4, 4, 4]


def make_snils(r: random.Random) -> str:
    while True:
        n = rd(r, 9)
        if int(n) <= 1001998:
            continue
        s = sum(int(d) * (9 - i) for i, d in enumerate(n))
        cs = s if s < 100 else (0 if s in (100, 101) else s % 101)
        return n + f"{0 if cs == 100 else cs:02d}"


def make_inn12(r: random.Random) -> str:
    n = r.choice(["77", "50", "78", "66", "16", "52", "61"]) + rd(r, 8)
    w11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    n += str(sum(int(d) * w for d, w in zip(n, w11, strict=True)) % 11 % 10)
    w12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    return n + str(sum(int(d) * w for d, w in zip(n, w12, strict=True)) % 11 % 10)


def make_inn10(r: random.Random) -> str:
    n = r.choice(["77", "78", "50", "66", "54", "52"]) + rd(r, 7)
    w = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return n + str(sum(int(d) * k for d, k in zip(n, w, strict=True)) % 11 % 10)


def make_ogrn(r: random.Random) -> str:
    n = r.choice(["1", "5"]) + rd(r, 2) + r.choice(["77", "78", "50"]) + rd(r, 7)
    return n + str(int(n) % 11 % 10)


def make_ssn(r: random.Random) -> str:
    while True:
        a = r.randint(101, 899)
        if a != 666:
            return f"{a:03d}{r.randint(10, 99):02d}{r.randint(1000, 9999):04d}"


# --- case builder ---------------------------------------------------------------------------------------


class S:
    """A piece of a turn that is (part of) a secret."""

    def __init__(self, sec: Secret, text: str) -> None:
        self.sec, self.text = sec, text


class K:
    """A piece of a turn that must stay readable."""

    def __init__(self, kind: str, surface: str) -> None:
        self.kind, self.surface = kind, surface


BACK = {
    "ru": ["Угу.", "Да.", "Так.", "Ага.", "Записываю.", "Угу, дальше.", "Да-да.", "Так, угу."],
    "en": ["Mm-hmm.", "Yeah.", "Okay.", "Uh-huh.", "Go on.", "Yep.", "Got it.", "Okay, go ahead."],
}


class B:
    def __init__(self, cid: str, lang: str, scenario: str, negative: bool, r: random.Random) -> None:
        self.cid, self.lang, self.scenario, self.negative, self.r = cid, lang, scenario, negative, r
        self.turns: list[tuple[str, str]] = []
        self.secrets: list[Secret] = []
        self.keeps: list[Keep] = []
        self.spans: list[tuple[int, int, int, Secret]] = []
        self.tags: set[str] = set()

    def sec(self, kind: str, value: str, markers: list[str] | None = None) -> Secret:
        s = Secret(kind, value, markers or [])
        self.secrets.append(s)
        return s

    def say(self, role: str, *parts: str | S | K) -> None:
        idx = len(self.turns)
        parts_l = [p for p in parts if not (isinstance(p, str) and p == "")]
        # telephony ASR: a turn may start in lower case and lose its final full stop
        if parts_l and isinstance(parts_l[0], str) and self.r.random() < 0.25:
            parts_l[0] = parts_l[0][:1].lower() + parts_l[0][1:]
        if parts_l and isinstance(parts_l[-1], str) and parts_l[-1].endswith(".") and self.r.random() < 0.2:
            parts_l[-1] = parts_l[-1][:-1]
        text = ""
        for p in parts_l:
            if isinstance(p, S):
                self.spans.append((idx, len(text), len(text) + len(p.text), p.sec))
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

    def back(self) -> str:
        return self.r.choice(BACK[self.lang])

    def tag(self, *tags: str) -> None:
        self.tags.update(tags)

    def case(self) -> Case:
        return Case(
            self.cid,
            self.lang,
            self.scenario,
            self.negative,
            self.turns,
            self.secrets,
            self.keeps,
            self.spans,
            self.tags,
        )


def other(role: str) -> str:
    return "agent" if role == "customer" else "customer"


def say_split(
    b: B, role: str, sec: Secret, rend: Rend, pre: str | K = "", post: str | K = "", p: float = 0.3
) -> None:
    """A secret in one turn, or (with probability p) cut over two with the listener's backchannel between."""
    r = b.r
    if len(rend.chunks) >= 2 and r.random() < p:
        k = r.randint(1, len(rend.chunks) - 1)
        p1, p2 = rend.split(k)
        b.say(role, pre, S(sec, p1), r.choice(["...", ",", ""]))
        b.say(other(role), b.back())
        b.say(role, S(sec, p2), post)
        b.tag("split")
    else:
        b.say(role, pre, S(sec, rend.text), post)


def say_dictated(b: B, role: str, sec: Secret, rend: Rend, pre: str = "", post: str = "") -> None:
    """Dictated a group at a time, the listener acknowledging every group."""
    n = len(rend.chunks)
    for i, ch in enumerate(rend.chunks):
        b.say(role, pre if i == 0 else "", S(sec, ch), post if i == n - 1 else b.r.choice(["", ",", "..."]))
        if i < n - 1:
            b.say(other(role), b.back())
    b.tag("dictated")


# --- secrets: phones ------------------------------------------------------------------------------------

RU_MOBILE = ["903", "905", "906", "909", "915", "916", "917", "925", "926", "929", "961", "962", "977", "985"]
RU_MOBILE += ["999", "901", "951", "952", "982", "993", "913", "923", "904", "908"]
RU_CITY = ["495", "499", "812", "343", "383", "846", "863", "843", "831", "861"]
US_AREA = ["646", "718", "347", "415", "510", "773", "312", "617", "404", "713", "214", "602", "206", "303"]
US_AREA += ["480", "702", "919", "704", "612", "503"]


def ru_phone(
    r: random.Random, lang: str = "ru", city: bool = False, style: str | None = None
) -> tuple[str, Rend]:
    code = r.choice(RU_CITY if city else RU_MOBILE)
    rest = rdn(r, 7) if not city else r.choice("2345") + rd(r, 6)
    lead = r.choice(["+7", "8", "8", "+7", ""])
    digits = lead.lstrip("+") + code + rest
    groups = ([1] if lead else []) + [3, 3, 2, 2]
    style = style or r.choice(["digits", "digits", "words", "words", "each", "mixed"])
    rend = say_num(r, lang, digits, groups, style, prefix="+" if lead == "+7" else "")
    if style == "digits":
        form = r.randrange(6)
        if form == 0:
            body = f"({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}"
        elif form == 1:
            body = f"{code} {rest[:3]}-{rest[3:5]}-{rest[5:]}"
        elif form == 2:
            body = f"{code} {rest[:3]} {rest[3:5]} {rest[5:]}"
        elif form == 3:
            body = f"{code}-{rest[:3]}-{rest[3:5]}-{rest[5:]}"
        elif form == 4:
            body = code + rest
        else:
            body = f"{code} {rest}"
        text = (f"{lead} " if lead and form != 4 else lead) + body
        rend = Rend(text.split(" "), " ")
    return digits, rend


def us_phone(r: random.Random, style: str | None = None) -> tuple[str, Rend]:
    area, exch, line = r.choice(US_AREA), r.choice("23456789") + rd(r, 2), rd(r, 4)
    lead = "1" if r.random() < 0.15 else ""
    digits = lead + area + exch + line
    style = style or r.choice(["digits", "digits", "words", "words", "each", "mixed"])
    if style == "digits":
        form = r.randrange(4)
        text = [
            f"({area}) {exch}-{line}",
            f"{area}-{exch}-{line}",
            f"{area} {exch} {line}",
            f"{area}.{exch}.{line}",
        ]
        t = text[form]
        if lead:
            t = "1-" + t if form != 0 else "1 " + t
        return digits, Rend(t.split(" "), " ")
    return digits, say_num(r, "en", digits, ([1] if lead else []) + [3, 3, 4], style)


# (country code, groups after the code, first digits after the code)
INTL = {
    "by": ("375", [2, 3, 2, 2], ["29", "33", "44", "25"]),
    "kz": ("7", [3, 3, 2, 2], ["701", "705", "707", "747", "777"]),
    "kg": ("996", [3, 2, 2, 2], ["555", "700", "770", "559"]),
    "uz": ("998", [2, 3, 2, 2], ["90", "91", "93", "97"]),
    "de": ("49", [3, 4, 4], ["151", "160", "170", "176"]),
    "uk": ("44", [4, 6], ["7700", "7911", "7400", "7825"]),
    "uk_land": ("44", [2, 4, 4], ["20"]),
    "ie": ("353", [2, 3, 4], ["83", "85", "86", "87"]),
    "fr": ("33", [1, 2, 2, 2, 2], ["6", "7"]),
    "au": ("61", [3, 3, 3], ["412", "423", "438"]),
    "il": ("972", [2, 3, 4], ["50", "52", "54"]),
    "tr": ("90", [3, 3, 2, 2], ["532", "533", "542"]),
}


def intl_phone(r: random.Random, lang: str, country: str, style: str | None = None) -> tuple[str, Rend]:
    cc, groups, starts = INTL[country]
    start = r.choice(starts)
    rest = start + rdn(r, sum(groups) - len(start))
    digits = cc + rest
    style = style or r.choice(["digits", "digits", "digits", "words", "each", "mixed"])
    if style == "digits":
        parts = cut(rest, groups)
        if country in ("by", "kz", "kg", "uz", "tr") and r.random() < 0.6:
            text = f"+{cc} ({parts[0]}) {' '.join(parts[1:]) if r.random() < 0.5 else '-'.join(parts[1:])}"
        else:
            text = f"+{cc} " + " ".join(parts)
        return digits, Rend(text.split(" "), " ")
    return digits, say_num(r, lang, digits, [len(cc), *groups], style, prefix="+")


# --- secrets: cards, identity numbers -------------------------------------------------------------------


def card_rend(r: random.Random, lang: str, num: str, style: str | None = None) -> Rend:
    style = style or r.choice(["digits", "digits", "digits", "words", "each", "mixed"])
    if style == "digits":
        return Rend(cut(num, card_groups(num)), " ")
    return say_num(r, lang, num, card_groups(num), style)


def cvv_words(r: random.Random, lang: str, cvv: str) -> str:
    for _ in range(20):
        x = r.random()
        if x < 0.4:
            t = cvv
        elif x < 0.7 and cvv[0] != "0":
            if lang == "ru":
                t = (
                    ru_words(int(cvv))
                    if len(cvv) == 3
                    else f"{ru_words(int(cvv[:2]))} {ru_words(int(cvv[2:]))}"
                )
            elif len(cvv) == 3:
                t = f"{_EN_U[int(cvv[0])]} {en_words(int(cvv[1:]))}"  # "four fifteen"
            else:
                t = f"{en_words(int(cvv[:2]))} {en_words(int(cvv[2:]))}"  # "sixty-five forty-six"
        else:
            t = ru_each(r, cvv, nouns=False) if lang == "ru" else en_each(r, cvv, rep=False)
            t = t.replace(" ", r.choice([" ", ", "]))
        if spoken_digits(t) == cvv:
            return t
    return cvv


def expiry_text(r: random.Random, lang: str) -> str:
    m, y = r.randint(1, 12), r.randint(26, 31)
    if lang == "ru":
        return r.choice(
            [f"{m:02d}/{y}", f"{m:02d} {y}", f"ноль {_RU_U[m]} {ru_words(y)}" if m < 10 else f"{m} {y}"]
        )
    return r.choice(
        [f"{m:02d}/{y}", f"oh {_EN_U[m]} {en_words(y)}" if m < 10 else f"{m}/{y}", f"{m:02d} {y}"]
    )


def iban(r: random.Random, country: str) -> tuple[str, str, str]:
    """(IBAN as written in groups of four, its digits, the bank letters or '')."""
    bank = ""
    if country == "GB":
        bank = r.choice(["NWBK", "BARC", "HBUK", "LOYD", "MIDL"])
        bban = bank + rd(r, 14)
    elif country == "IE":
        bank = r.choice(["AIBK", "BOFI"])
        bban = bank + rd(r, 14)
    elif country == "NL":
        bank = r.choice(["ABNA", "INGB", "RABO"])
        bban = bank + rd(r, 10)
    elif country == "DE":
        bban = rd(r, 18)
    elif country == "ES":
        bban = rd(r, 20)
    else:  # FR, numeric variant
        bban = rd(r, 23)
    num = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    check = f"{98 - int(num) % 97:02d}"
    s = country + check + bban
    written = " ".join(s[i : i + 4] for i in range(0, len(s), 4))
    return written, re.sub(r"\D", "", check + bban), bank


BIKS = ["044525225", "044525187", "044525593", "044525974", "044525700", "044525823", "044030653"]


def ru_account(r: random.Random, bik: str) -> str:
    """A personal account (40817 810 ...) with the control key that matches ``bik``."""
    acc = "40817810" + "0" + rd(r, 11)
    w = [7, 1, 3] * 8
    s = sum((int(d) * w[i]) % 10 for i, d in enumerate(bik[-3:] + acc))
    key = (s % 10) * 3 % 10
    return acc[:8] + str(key) + acc[9:]


# --- secrets: e-mails -----------------------------------------------------------------------------------

EN_FIRST = ["sarah", "megan", "derek", "tyler", "brandon", "kayla", "marcus", "jenna", "trevor", "aisha"]
EN_FIRST += ["connor", "brooke", "dylan", "haley", "ramon", "leona"]
EN_LAST = ["okafor", "mckenna", "delgado", "whitfield", "brennan", "castillo", "huang", "lindqvist", "pruitt"]
EN_LAST += ["abernathy", "sorensen", "gallagher", "vasquez", "holloway", "nakamura", "ferreira"]
RU_FIRST = {"anton": "антон", "oksana": "оксана", "pavel": "павел", "irina": "ирина", "denis": "денис"}
RU_FIRST |= {"yulia": "юлия", "maksim": "максим", "artem": "артём", "alina": "алина", "gleb": "глеб"}
RU_FIRST |= {"vera": "вера", "timur": "тимур", "zhanna": "жанна", "roman": "роман"}
RU_LAST = {
    "belov": "белов",
    "orlova": "орлова",
    "kozlov": "козлов",
    "zaitseva": "зайцева",
    "gromov": "громов",
}
RU_LAST |= {"fedorova": "фёдорова", "titov": "титов", "krylova": "крылова", "yakovlev": "яковлев"}
RU_LAST |= {"guseva": "гусева", "tarasov": "тарасов", "mironova": "миронова", "sorokin": "сорокин"}
EN_PHON = {"b": "boy", "c": "charlie", "d": "david", "f": "frank", "j": "john", "k": "kilo", "m": "mary"}
EN_PHON |= {"n": "nancy", "p": "peter", "s": "sam", "t": "tom", "v": "victor", "g": "george", "z": "zebra"}
RU_LATIN_NAMES = {
    "a": "эй", "b": "би", "c": "си", "d": "ди", "e": "и", "f": "эф", "g": "джи", "h": "эйч", "i": "ай",
    "j": "джей", "k": "кей", "l": "эл", "m": "эм", "n": "эн", "o": "оу", "p": "пи", "q": "кью", "r": "ар",
    "s": "эс", "t": "ти", "u": "ю", "v": "ви", "w": "дабл ю", "x": "экс", "y": "уай", "z": "зед",
}  # fmt: skip
RU_CYR_NAMES = {
    "a": "а", "b": "бэ", "c": "цэ", "d": "дэ", "e": "е", "f": "эф", "g": "гэ", "h": "ха", "i": "и",
    "j": "джей", "k": "ка", "l": "эль", "m": "эм", "n": "эн", "o": "о", "p": "пэ", "q": "ку", "r": "эр",
    "s": "эс", "t": "тэ", "u": "у", "v": "вэ", "w": "дабл-ю", "x": "икс", "y": "игрек", "z": "зэ",
}  # fmt: skip
EN_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com"]
EN_DOMAINS += ["protonmail.com"]
EN_CORP = ["brightline-logistics.com", "pinecrest-dental.com", "harborview.org", "northgate-realty.com"]
EN_CORP += ["summitmech.net", "oakridge-legal.com"]
RU_DOMAINS = {
    "yandex.ru": ["яндекс точка ру", "yandex.ru", "яндекс ру"],
    "mail.ru": ["мейл точка ру", "mail.ru", "мэйл ру"],
    "gmail.com": ["джимейл точка ком", "gmail.com", "гмейл ком"],
    "bk.ru": ["бэ ка точка ру", "bk.ru"],
    "rambler.ru": ["рамблер точка ру", "rambler.ru"],
    "ya.ru": ["я точка ру", "ya.ru"],
}
RU_UNDERSCORE = ["нижнее подчёркивание", "подчёркивание", "нижнее подчеркивание"]
RU_CORP = {
    "stroymontazh.ru": "строймонтаж точка ру",
    "sever-trans.ru": "север дефис транс точка ру",
    "vector-nn.ru": "вектор дефис эн эн точка ру",
    "mirokon.ru": "мир окон точка ру",
    "teplo-dom.ru": "тепло дефис дом точка ру",
}


def _spell(r: random.Random, lang: str, word: str, mode: str) -> list[str]:
    """Letter renderings of ``word`` as a caller spells it."""
    if lang == "en":
        out = []
        upper = r.random() < 0.5
        for ch in word:
            if mode == "phonetic" and ch in EN_PHON and r.random() < 0.6:
                out.append(f"{ch.upper() if upper else ch} as in {EN_PHON[ch]}")
            else:
                out.append(ch.upper() if upper else ch)
        return out
    names = RU_LATIN_NAMES if mode == "latin" else RU_CYR_NAMES
    return [names[ch] for ch in word]


def make_email(r: random.Random, lang: str, corp: bool = False) -> tuple[str, str, list[str], str]:
    """(address, how the caller says it, leak markers, style)."""
    if lang == "en":
        first, last = r.choice(EN_FIRST), r.choice(EN_LAST)
        cyr: dict[str, str] = {}
    else:
        first, last = r.choice(list(RU_FIRST)), r.choice(list(RU_LAST))
        cyr = RU_FIRST | RU_LAST
    num = r.choice(["", "", "", str(r.randint(2, 99)), str(r.randint(1978, 2004))])
    shape = r.randrange(5)
    if shape == 0:
        pieces, seps = [first, last + num], ["."]
    elif shape == 1:
        pieces, seps = [first, last + num], ["_"]
    elif shape == 2:
        pieces, seps = [first[0], last + num], ["."]
    elif shape == 3:
        pieces, seps = [last + (num or str(r.randint(10, 99)))], []
    else:
        pieces, seps = [first + "." + last[0] + (num or "")], []
    local = pieces[0] + "".join(s + p for s, p in zip(seps, pieces[1:], strict=True))
    if lang == "en":
        domain = r.choice(EN_CORP if corp else EN_DOMAINS)
    else:
        domain = r.choice(list(RU_CORP) if corp else list(RU_DOMAINS))
    address = f"{local}@{domain}"
    alpha_pieces = [w for p in pieces for w in re.split(r"[._\d]+", p) if len(w) >= 4]
    style = r.choice(["literal", "literal", "spoken", "spoken", "spoken", "spelled"])
    if style == "literal":
        return address, address, [local, *alpha_pieces], style
    sep_word = {
        "en": {".": "dot", "_": "underscore"},
        "ru": {".": "точка", "_": r.choice(RU_UNDERSCORE)},
    }[lang]
    spell_mode = r.choice(["phonetic", "plain"]) if lang == "en" else r.choice(["latin", "cyr"])
    markers: list[str] = []

    def say_word(w: str) -> str:
        if len(w) == 1:
            return (_spell(r, lang, w, spell_mode)[0]) if lang == "ru" else w
        if style == "spelled" and len(w) >= 4:
            letters = _spell(r, lang, w, spell_mode)
            join = r.choice(["-", ", ", " "])
            if any(" as in " in x for x in letters):
                join = ", "
            markers.extend(" ".join(letters[i : i + 4]) for i in range(len(letters) - 3))
            text = join.join(letters)
            # the name first, then its spelling: "sorensen, s-o-r-e-n-s-e-n"
            if r.random() < 0.5:
                name = cyr.get(w, w) if lang == "ru" else w
                markers.append(name)
                return f"{name}, {text}"
            return text
        spoken = cyr.get(w, w) if lang == "ru" and r.random() < 0.6 else w
        if len(w) >= 4:
            markers.append(spoken)
        return spoken

    def say_piece(p: str) -> str:
        m = re.fullmatch(r"([a-z]+)(?:\.([a-z]))?(\d*)", p)
        assert m, p
        out = [say_word(m.group(1))]
        if m.group(2):
            out += [sep_word["."], say_word(m.group(2))]
        digits = m.group(3)
        if digits:
            n = int(digits)
            if lang == "ru":
                out.append(r.choice([digits, ru_words(n)]))
            elif len(digits) == 4 and n < 2000:
                out.append(r.choice([digits, f"{en_words(n // 100)} {en_words(n % 100)}"]))
            else:
                out.append(r.choice([digits, en_words(n)]))
        return " ".join(out)

    said = [say_piece(p) for p in pieces]
    local_s = said[0] + "".join(f" {sep_word[s]} {p}" for s, p in zip(seps, said[1:], strict=True))
    markers.append(local_s)
    if lang == "en":
        dom = domain.rsplit(".", 1)
        dom_s = r.choice([f"{dom[0].replace('-', ' dash ')} dot {dom[1]}", domain])
        text = f"{local_s} at {dom_s}"
    else:
        dom_s = RU_CORP[domain] if corp else r.choice(RU_DOMAINS[domain])
        text = f"{local_s} {r.choice(['собака', 'собака', 'собачка', 'эт'])} {dom_s}"
    return address, text, markers, style


# --- numbers that must stay -----------------------------------------------------------------------------

RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября"]
RU_MONTHS += ["ноября", "декабря"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
EN_MONTHS += ["October", "November", "December"]
RU_AGENTS = ["Ксения", "Дарья", "Артём", "Олеся", "Илья", "Полина", "Станислав", "Эльвира", "Кирилл"]
EN_AGENTS = ["Jordan", "Priya", "Malik", "Becca", "Nate", "Carmen", "Owen", "Tasha", "Luis"]


def rub(n: int) -> str:
    if n % 100 in (11, 12, 13, 14) or n % 10 not in (1, 2, 3, 4):
        return "рублей"
    return "рубль" if n % 10 == 1 else "рубля"


def price_ru(r: random.Random, lo: int = 300, hi: int = 15000, words: float = 0.25) -> str:
    n = r.randint(lo, hi)
    n = n - n % 10 - r.choice([0, 0, 10]) if n > 1000 else n
    if r.random() < words:
        return f"{ru_words(n)} {rub(n)}"
    num = f"{n:,}".replace(",", " ") if n >= 1000 and r.random() < 0.7 else str(n)
    return num + r.choice([f" {rub(n)}", f" {rub(n)}", " руб.", " ₽"])


def price_en(r: random.Random, lo: int = 15, hi: int = 900, words: float = 0.2) -> str:
    n = r.randint(lo, hi)
    cents = r.choice([0, 0, 99, 95, 50, r.randint(10, 98)])
    if r.random() < words:
        if cents and n < 100 and n % 10 and cents % 10:
            return f"{en_words(n)} {en_words(cents)}"  # "forty-nine ninety-nine"
        return f"{en_words(n)} dollars"
    dollars = f"{n:,}"
    return f"${dollars}.{cents:02d}" if cents else f"${dollars}"


def date_ru(r: random.Random) -> str:
    d, m = r.randint(1, 28), r.randrange(12)
    return r.choice([f"{d} {RU_MONTHS[m]}", f"{d:02d}.{m + 1:02d}", f"{d} {RU_MONTHS[m]}"])


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def date_en(r: random.Random) -> str:
    d, m = r.randint(1, 28), r.randrange(12)
    return r.choice([f"{EN_MONTHS[m]} {ordinal(d)}", f"{m + 1}/{d}", f"{EN_MONTHS[m]} {d}"])


def time_ru(r: random.Random) -> str:
    h = r.randint(9, 19)
    return r.choice([f"в {h}:{r.choice(['00', '30', '15', '45'])}", f"в {h}:00", f"с {h} до {h + 2}"])


def months(n: int) -> str:
    if n % 100 in (11, 12, 13, 14) or n % 10 not in (1, 2, 3, 4):
        return f"{n} месяцев"
    return f"{n} {'месяц' if n % 10 == 1 else 'месяца'}"


def time_en(r: random.Random) -> str:
    h = r.randint(1, 11)
    return r.choice([f"{h}:{r.choice(['15', '30', '45'])}", f"{h} {r.choice(['a.m.', 'p.m.', 'pm', 'am'])}"])


def order_no(r: random.Random) -> str:
    return rdn(r, r.choice([6, 7, 8, 8, 9]))


def osago_no(r: random.Random) -> str:
    return f"{r.choice(['ХХХ', 'ТТТ', 'ААС', 'ККК', 'МММ', 'ААВ'])} {'0' + rd(r, 9)}"


# --- positive scenarios: Russian ------------------------------------------------------------------------


def ru_pay_card_breath(b: B) -> None:
    r = b.r
    card = b.sec("card", make_card(r, "ru"))
    cvv = b.sec("cvv", rd(r, 3))
    pr = price_ru(r, 900, 18000)
    inv = f"{rdn(r, 4)}-{r.randint(1, 12):02d}"
    b.a(f"Расчётный центр «Северный квартал», {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c("Здравствуйте. Эм, мне пришла квитанция, долг ", K("price", pr), ", хочу сразу закрыть.")
    b.a("Да, вижу, счёт на оплату номер ", K("invoice", inv), ". Можно картой прямо по телефону.")
    b.a("Назовите номер карты, срок действия и код с обратной стороны.")
    rend = card_rend(r, "ru", card.value)
    exp = expiry_text(r, "ru")
    v = r.randrange(4)
    if v == 0:
        b.c("Так, ", S(card, rend.text), ", срок ", exp, ", код ", S(cvv, cvv_words(r, "ru", cvv.value)), ".")
    elif v == 1:  # one breath, no words between
        b.c("Ну, ", S(card, rend.text), ", ", exp, ", ", S(cvv, cvv_words(r, "ru", cvv.value)), ".")
    elif v == 2:
        k = r.randint(1, len(rend.chunks) - 1)
        p1, p2 = rend.split(k)
        b.c("Записывайте: ", S(card, p1), "...")
        b.a(b.back())
        b.c(S(card, p2), ", действует до ", exp, ", cvv ", S(cvv, cvv_words(r, "ru", cvv.value)), ".")
        b.tag("split")
    else:
        b.c(
            S(card, rend.text),
            ", до ",
            exp,
            ", и три цифры сзади ",
            S(cvv, cvv_words(r, "ru", cvv.value)),
            ".",
        )
    if r.random() < 0.5:
        b.a(f"Спасибо. Карта заканчивается на {card.value[-4:]}, верно?")
        b.c("Да, да.")
    b.a("Оплата ", K("price", pr), " прошла, чек придёт по СМС. Что-нибудь ещё?")
    b.c("Нет, спасибо, всего доброго.")
    b.tag("card_one_breath")


def ru_card_fix(b: B) -> None:
    r = b.r
    card = b.sec("card", make_card(r, "ru"))
    g = cut(card.value, card_groups(card.value))
    dog = f"{rdn(r, 2)}/{rdn(r, 4)}"
    pr = price_ru(r, 3000, 60000)
    b.a(f"Онлайн-школа «Логос», {r.choice(RU_AGENTS)}, слушаю вас.")
    b.c("Да, здравствуйте. Я хочу оплатить курс, договор номер ", K("contract", dog), ".")
    b.a("Вижу, к оплате ", K("price", pr), ". Диктуйте номер карты.")
    v = r.randrange(3)
    if v == 0:  # a group said wrong, the caller starts over
        wrong = rd(r, 4)
        b.c("Эм, ", S(card, f"{g[0]} {g[1]} {wrong}"), "... ой, нет, не так, давайте заново.")
        b.a("Да, конечно.")
        say_split(b, "customer", card, card_rend(r, "ru", card.value), "", ".")
    elif v == 1:  # the agent reads a group back wrong, the caller corrects it
        say_split(b, "customer", card, card_rend(r, "ru", card.value), "Так, ", ".")
        bad = g[2][:2] + g[2][3] + g[2][2] if g[2][2] != g[2][3] else str((int(g[2]) + 1111) % 10000).zfill(4)
        b.a("Записала: ", S(card, f"{g[0]} {g[1]} {bad} {g[3]}" if len(g) == 4 else card.value), ", верно?")
        third = say_num(r, "ru", g[2], [len(g[2])], r.choice(["digits", "words"])).text
        b.c("Нет, не так. Третья группа ", S(card, third), ", а не ", bad, ".")
    else:  # corrected mid-sentence
        wrong = g[2][::-1]
        b.c(S(card, f"{g[0]} {g[1]} {wrong}"), ", ой, нет, ", S(card, " ".join(g[2:])), ", извините.")
        b.a("То есть ", S(card, " ".join(g)), "?")
        b.c("Да, правильно.")
    b.a("Спасибо. И трёхзначный код на обороте, пожалуйста.")
    cvv = b.sec("cvv", rd(r, 3))
    b.c(S(cvv, cvv_words(r, "ru", cvv.value)), ".")
    b.a("Оплата прошла, доступ к курсу откроется ", K("date", date_ru(r)), ".")
    b.tag("card_corrected")


def ru_office_ext(b: B) -> None:
    r = b.r
    ph = b.sec("phone", "")
    ph.value, rend = ru_phone(r, "ru", city=True)
    ext = str(r.randint(10, 999)) if r.random() < 0.8 else ru_words(r.randint(100, 999))
    org = r.choice(["Альфа-Строй", "ТеплоМонтаж", "Вектор", "Гранит", "СеверТранс"])
    b.a(f"Компания «Климат-Про», отдел продаж, {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c(
        f"Здравствуйте, это из «{org}». Мы у вас заказывали кондиционеры, заказ номер ",
        K("order", order_no(r)),
    )
    b.a("Да, вижу. Инженер по монтажу вам перезвонит, оставьте рабочий телефон.")
    ext_word = r.choice(["добавочный", "доб.", "добавочный номер"])
    say_split(b, "customer", ph, rend, "Рабочий ", f", {ext_word} {ext}.", p=0.25)
    if r.random() < 0.5:
        mob = b.sec("phone", "")
        mob.value, mrend = ru_phone(r, "ru")
        b.c("Если не возьму, звоните на мобильный, ", S(mob, mrend.text), ".")
    if r.random() < 0.5:
        b.a("Записал: ", S(ph, ru_phone_again(r, ph.value)), f", добавочный {ext}. Верно?")
        b.c("Да.")
    b.c("И ещё, счёт выставляйте на организацию, ИНН ", K("company_inn", make_inn10(r)), ".")
    b.a("Хорошо, счёт на ", K("price", price_ru(r, 20000, 190000, words=0.1)), " пришлём на почту.")
    b.tag("extension")


def ru_phone_again(r: random.Random, digits: str) -> str:
    """The listener reading a Russian number back, in a style of their own."""
    groups = {11: [1, 3, 3, 2, 2], 10: [3, 3, 2, 2]}.get(len(digits), [len(digits)])
    return say_num(r, "ru", digits, groups, r.choice(["digits", "words", "words"])).text


def en_phone_again(r: random.Random, digits: str) -> str:
    groups = {10: [3, 3, 4], 11: [1, 3, 3, 4]}.get(len(digits), [len(digits)])
    return say_num(r, "en", digits, groups, r.choice(["digits", "words", "each"])).text


def ru_two_phones(b: B) -> None:
    r = b.r
    p1, p2 = b.sec("phone", ""), b.sec("phone", "")
    p1.value, r1 = ru_phone(r, "ru")
    p2.value, r2 = ru_phone(r, "ru", city=r.random() < 0.6)
    b.a(f"Служба доставки «ДомМебель», {r.choice(RU_AGENTS)}. Подскажите номер заказа.")
    b.c("Ну, заказ ", K("order", order_no(r)), ", диван и два кресла.")
    b.a("Доставка назначена на ", K("date", date_ru(r)), ", ", K("time", time_ru(r)), ".")
    b.a("Оставьте, пожалуйста, контактный телефон для водителя.")
    v = r.randrange(3)
    if v == 0:
        b.c("Мобильный ", S(p1, r1.text), ", и домашний на всякий случай ", S(p2, r2.text), ".")
    elif v == 1:
        b.c("Запишите два: мой ", S(p1, r1.text), " и мужа ", S(p2, r2.text), ", он дома будет.")
    else:
        b.c("Эм, основной ", S(p1, r1.text), ", а если не дозвонитесь, то ", S(p2, r2.text), ".")
    b.a("Записала оба. Подъём нужен? Какой этаж?")
    b.c(f"Седьмой, квартира {r.randint(1, 300)}, лифт грузовой есть.")
    b.a("Хорошо. Подъём и сборка ", K("price", price_ru(r, 500, 4000)), ", оплата водителю.")
    b.tag("two_phones")


def ru_courier_digits(b: B) -> None:
    r = b.r
    ph = b.sec("phone", "")
    code, rest = r.choice(RU_MOBILE), rdn(r, 7)
    ph.value = "8" + code + rest
    b.a(f"Такси «Городское», {r.choice(RU_AGENTS)}, откуда вас забрать?")
    b.c(f"Улица Гагарина, дом {r.randint(1, 120)}, второй подъезд.")
    b.a("Куда поедем?")
    b.c("В аэропорт, терминал B.")
    b.a("Поездка будет стоить ", K("price", price_ru(r, 700, 3500, words=0.3)), ". Телефон для водителя?")
    groups = r.choice([[1, 3, 3, 2, 2], [4, 3, 4], [1, 3, 3, 4]])
    rend = say_num(r, "ru", ph.value, groups, "each")
    say_dictated(b, "customer", ph, rend, r.choice(["", "Так, ", "Эм, "]), ".")
    if r.random() < 0.6:
        b.a("Повторяю: ", S(ph, ru_phone_again(r, ph.value)), ".")
        b.c("Да, всё так.")
    b.a("Машина будет через ", K("count", f"{r.randint(5, 15)} минут"), ", белая киа.")
    b.tag("digit_by_digit")


def ru_intl_phone(b: B) -> None:
    r = b.r
    country, where = r.choice(
        [
            ("by", "белорусский"),
            ("kz", "казахстанский"),
            ("kg", "киргизский"),
            ("uz", "узбекский"),
            ("de", "немецкий"),
            ("tr", "турецкий"),
            ("il", "израильский"),
        ]
    )
    ph = b.sec("phone", "")
    ph.value, rend = intl_phone(r, "ru", country)
    b.a(f"Банк «Восток», {r.choice(RU_AGENTS)}, здравствуйте. Чем могу помочь?")
    b.c(f"Здравствуйте. Я сейчас за границей, запишите, пожалуйста, мой {where} номер для связи.")
    b.a("Да, диктуйте.")
    say_split(b, "customer", ph, rend, r.choice(["", "Так, ", "Ну, "]), ".", p=0.35)
    if r.random() < 0.6:
        groups = [len(INTL[country][0]), *INTL[country][1]]
        again = say_num(r, "ru", ph.value, groups, r.choice(["digits", "words"]), prefix="+")
        b.a("Записал: ", S(ph, again.text), ". Основной номер оставляем прежним?")
        b.c("Да, основной не трогайте.")
    b.c(
        "И ещё, там перевод был ",
        K("date", date_ru(r)),
        " на ",
        K("price", price_ru(r, 5000, 90000)),
        ", он прошёл?",
    )
    b.a("Да, перевод исполнен.")
    b.tag("intl", f"intl_{country}")


def ru_email_spelled(b: B) -> None:
    r = b.r
    for _ in range(50):
        addr, text, markers, style = make_email(r, "ru")
        if style == "spelled":
            break
    em = b.sec("email", addr, markers)
    b.a(f"Интернет-магазин «Техносфера», {r.choice(RU_AGENTS)}. Чем могу помочь?")
    b.c("Мне не пришёл электронный чек, заказ ", K("order", order_no(r)), ".")
    b.a("Продиктуйте, пожалуйста, адрес почты, проверю.")
    b.c(r.choice(["Э, ", "Так, ", "Значит, ", ""]), S(em, text), ".")
    if r.random() < 0.4:
        b.a("Повторите, пожалуйста, по буквам ещё раз, плохо слышно.")
        b.c(S(em, text), ".")
    b.a("Вижу, там была опечатка. Исправила, чек на ", K("price", price_ru(r)), " отправлю повторно.")
    b.tag("email_spelled")


def ru_email_words(b: B) -> None:
    r = b.r
    corp = r.random() < 0.4
    for _ in range(50):
        addr, text, markers, style = make_email(r, "ru", corp=corp)
        if style != "spelled":
            break
    em = b.sec("email", addr, markers)
    if corp:
        b.a(f"Компания «ОфисПлюс», {r.choice(RU_AGENTS)}. Слушаю вас.")
        b.c(
            "Здравствуйте. Пришлите, пожалуйста, закрывающие документы по счёту номер ",
            K("invoice", rdn(r, 4)),
            ".",
        )
        b.a("Да, на какую почту отправить?")
        b.c("На рабочую: ", S(em, text), ".")
    else:
        b.a(f"Фитнес-клуб «Атлант», {r.choice(RU_AGENTS)}, здравствуйте.")
        b.c(
            "Здравствуйте. Я оплатил абонемент на ",
            K("count", months(r.choice([3, 6, 12]))),
            ", а договор не пришёл.",
        )
        b.a("Продиктуйте почту, пожалуйста.")
        say_split(b, "customer", em, Rend(text.split(" "), " "), r.choice(["Ну, ", "Эм, ", ""]), ".", p=0.2)
    if r.random() < 0.4:
        b.a("Записала: ", S(em, text), ", правильно?")
        b.c("Да.")
    b.a("Отправила. Сумма по договору ", K("price", price_ru(r, 2000, 40000)), ".")
    b.tag("email_words")


def ru_passport_turns(b: B) -> None:
    r = b.r
    ser = f"{r.randint(1, 99):02d}{r.randint(0, 24):02d}"
    num = rdn(r, 6)
    pas = b.sec("passport", ser + num)
    ser_t = say_num(r, "ru", ser, [2, 2], r.choice(["digits", "words", "words"])).text
    num_t = say_num(r, "ru", num, r.choice([[6], [3, 3], [2, 2, 2]]), r.choice(["digits", "words"])).text
    amount = r.choice(["300 тысяч", "пятьсот тысяч", "1 200 000", "150 тысяч рублей", "миллион"])
    b.a(f"Банк «Восток», {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c("Здравствуйте, я хочу оформить кредит, ", K("price", amount) if amount != "миллион" else amount, ".")
    b.a("Хорошо, для заявки нужны паспортные данные.")
    v = r.randrange(4)
    if v == 0:
        b.a("Серия?")
        b.c(S(pas, ser_t), ".")
        b.a(r.choice(["Угу. Номер?", "Так, номер?", "Записала. Номер паспорта?"]))
        b.c(S(pas, num_t), ".")
    elif v == 1:
        b.c("Серия ", S(pas, ser_t), ",")
        b.a(b.back())
        b.c("номер ", S(pas, num_t), ".")
    elif v == 2:  # number first
        b.c("Номер паспорта ", S(pas, num_t), ", серия ", S(pas, ser_t), ".")
    else:
        b.c("Эм, ", S(pas, f"{ser_t} {num_t}"), ".")
    if r.random() < 0.4:
        b.a("Проверяю: серия ", S(pas, ser_t), ", номер ", S(pas, num_t), ", верно?")
        b.c("Да.")
    b.a("Кем и когда выдан?")
    b.c(
        f"ГУ МВД по Московской области, {r.randint(1, 28)} {r.choice(RU_MONTHS)} "
        f"{r.randint(2005, 2022)} года."
    )
    b.a("Заявка на срок ", K("count", months(r.choice([12, 24, 36, 60]))), " отправлена, номер заявки ")
    b.a(K("application", rdn(r, 7)), ". Решение придёт в течение часа.")
    if r.random() < 0.5:
        b.a("И контактный телефон, пожалуйста.")
        ph = b.sec("phone", "")
        ph.value, prend = ru_phone(r, "ru")
        say_split(b, "customer", ph, prend, r.choice(["", "Мобильный ", "Пишите: "]), ".", p=0.3)
    b.tag("passport_turns", f"passport_v{v}")


def ru_snils_clinic(b: B) -> None:
    r = b.r
    sn = b.sec("snils", make_snils(r))
    v = sn.value
    style = r.choice(["digits", "digits", "words", "each", "mixed"])
    if style == "digits":
        t = r.choice([f"{v[:3]}-{v[3:6]}-{v[6:9]} {v[9:]}", f"{v[:3]} {v[3:6]} {v[6:9]} {v[9:]}", v])
        rend = Rend(t.split(" "), " ")
    else:
        rend = say_num(r, "ru", v, [3, 3, 3, 2], style)
    b.a(f"Поликлиника, регистратура, {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c("Здравствуйте, хочу записаться к терапевту.")
    b.a(r.choice(["Назовите СНИЛС, пожалуйста.", "Продиктуйте номер СНИЛС.", "СНИЛС ваш подскажите."]))
    say_split(b, "customer", sn, rend, r.choice(["", "Сейчас... ", "Так, "]), ".", p=0.3)
    b.a(
        "Есть запись на ",
        K("date", date_ru(r)),
        " на ",
        K("time", f"{r.randint(8, 17)}:{r.choice(['00', '20', '40'])}"),
    )
    b.c("Давайте. Кабинет какой?")
    b.a(f"Кабинет {r.randint(100, 450)}, второй этаж.")
    if r.random() < 0.5:
        b.a("Номер телефона для смс-напоминания?")
        ph = b.sec("phone", "")
        ph.value, prend = ru_phone(r, "ru")
        say_split(b, "customer", ph, prend, r.choice(["", "Мобильный ", "Ну, "]), ".", p=0.3)
    b.tag("snils")


def ru_inn_deduction(b: B) -> None:
    r = b.r
    inn = b.sec("inn_person", make_inn12(r))
    b.a(f"Сервис «Налоговый помощник», {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c("Здравствуйте, я хочу оформить вычет за лечение, за ", K("year", f"{r.randint(2021, 2024)} год"), ".")
    b.a("Хорошо. Сумма расходов какая?")
    b.c("Ну, около ", K("price", price_ru(r, 20000, 150000, words=0.3)), ".")
    b.a(r.choice(["Назовите ваш ИНН.", "Ваш ИНН подскажите.", "Мне нужен ваш личный ИНН."]))
    rend = say_num(r, "ru", inn.value, r.choice([[12], [4, 4, 4], [2, 2, 2, 2, 2, 2], [3, 3, 3, 3]]))
    say_split(b, "customer", inn, rend, r.choice(["", "Так, ", "Сейчас, ", "ИНН "]), ".", p=0.3)
    b.a(
        "Спасибо. Номер обращения ",
        K("ticket", rdn(r, 6)),
        ", документы проверим за ",
        K("count", f"{r.choice([3, 5, 10])} рабочих дней"),
        ".",
    )
    if r.random() < 0.4:
        b.a("Куда прислать уведомление о решении?")
        addr, text, markers, _ = make_email(r, "ru")
        em = b.sec("email", addr, markers)
        b.c("На почту: ", S(em, text), ".")
    b.tag("inn_person")


def ru_refund_account(b: B) -> None:
    r = b.r
    bik = r.choice(BIKS)
    acc = b.sec("bank_account", ru_account(r, bik))
    groups = r.choice([[5, 3, 1, 4, 7], [4, 4, 4, 4, 4], [20], [5, 5, 5, 5]])
    rend = say_num(r, "ru", acc.value, groups, r.choice(["digits", "digits", "words", "mixed"]))
    b.a(f"Авиакомпания «Северный ветер», {r.choice(RU_AGENTS)}. Слушаю.")
    b.c(
        "Здравствуйте. Рейс отменили, мне обещали вернуть деньги за билет, ",
        K("price", price_ru(r, 4000, 40000)),
    )
    b.a("Да, возврат оформим на банковский счёт. Продиктуйте номер счёта и БИК банка.")
    if r.random() < 0.5:
        say_split(b, "customer", acc, rend, "Счёт ", K("bik", f", БИК {bik}"), p=0.35)
    else:
        say_split(b, "customer", acc, rend, "Счёт ", ".", p=0.35)
        b.a("А БИК?")
        b.c(K("bik", bik), ".")
    b.a(
        "Спасибо. Номер обращения ",
        K("ticket", f"{rdn(r, 2)}-{rdn(r, 5)}"),
        ", деньги придут в течение ",
        K("count", f"{r.choice([7, 10, 30])} дней"),
        ".",
    )
    b.tag("account")


def ru_osago_vu(b: B) -> None:
    r = b.r
    vu = b.sec("driver_licence", f"{r.randint(1, 99):02d}{r.randint(10, 99)}{rdn(r, 6)}")
    v = vu.value
    rend = say_num(
        r, "ru", v, r.choice([[2, 2, 6], [4, 6], [2, 2, 3, 3]]), r.choice(["digits", "words", "mixed"])
    )
    b.a(f"Страховая компания «Гарант», {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c("Здравствуйте, хочу вписать сына в полис ОСАГО, полис ", K("osago", osago_no(r)), ".")
    b.a("Хорошо. Продиктуйте данные водительского удостоверения сына.")
    pre = r.choice(["Водительское ", "Права: ", "Серия и номер ", ""])
    say_split(b, "customer", vu, rend, pre, f", стаж с {r.randint(2015, 2023)} года.", p=0.3)
    b.a("Доплата за изменение полиса составит ", K("price", price_ru(r, 800, 6000)), ".")
    b.c("Хорошо, а машина та же, пробег ", K("mileage", f"{r.randint(20, 180)} тысяч"), ", это не важно?")
    b.a("Нет, пробег для ОСАГО не нужен.")
    b.tag("driver_licence")


def ru_narrative(b: B) -> None:
    r = b.r
    ph = b.sec("phone", "")
    ph.value, rend = ru_phone(r, "ru")
    order, pr, d = order_no(r), price_ru(r, 1500, 30000), date_ru(r)
    b.a(f"Маркетплейс «Лавка», служба поддержки, {r.choice(RU_AGENTS)}. Чем могу помочь?")
    b.c(
        "Ну смотрите, я, эм, ",
        K("date", d),
        " уже звонила вам с номера ",
        S(ph, rend.text),
        ", мне сказали, что заказ ",
        K("order", order),
        " уже отправлен, а сегодня приходит смс, что он отменён, и деньги, ",
        K("price", pr),
        ", так и не вернули, понимаете?",
    )
    b.a("Понимаю вас. Подскажите, на какой номер был оформлен заказ?")
    if r.random() < 0.5:
        b.c("Да на этот же, ", S(ph, ru_phone_again(r, ph.value)), ".")
    else:
        b.c("На тот же, с которого звоню.")
    b.a("Вижу заказ ", K("order", order), ". Возврат ", K("price", pr), " оформлен, придёт за 3-5 дней.")
    b.tag("narrative")


def ru_readback_fix(b: B) -> None:
    r = b.r
    ph = b.sec("phone", "")
    ph.value, rend = ru_phone(r, "ru")
    v = ph.value
    i = len(v) - r.randint(1, 4)
    wrong = v[:i] + str((int(v[i]) + r.randint(1, 8)) % 10) + v[i + 1 :]
    b.a(f"Сервисный центр «Ремонт-Экспресс», {r.choice(RU_AGENTS)}. Слушаю.")
    b.c("Я сдавал ноутбук, квитанция ", K("ticket", rdn(r, 6)), ", хотел узнать, готов ли.")
    b.a(
        "Ещё в работе, диагностика ",
        K("price", price_ru(r, 500, 2500)),
        ". Оставьте номер, мастер перезвонит.",
    )
    say_split(b, "customer", ph, rend, "", ".", p=0.3)
    b.a("Записываю: ", S(ph, ru_phone_again(r, wrong)), ", верно?")
    x = r.randrange(3)
    if x == 0:
        b.c("Нет, не так. ", S(ph, ru_phone_again(r, v)), ".")
    elif x == 1:
        tail = say_num(r, "ru", v[-4:], [2, 2], r.choice(["digits", "words"])).text
        b.c("Нет-нет, в конце ", S(ph, tail), ".")
    else:
        b.c("Нет, неправильно, давайте ещё раз.")
        b.c(S(ph, ru_phone_again(r, v)), ".")
    b.a("Извините, исправил: ", S(ph, ru_phone_again(r, v)), ".")
    b.a("Ремонт будет готов примерно к ", K("date", date_ru(r)), ".")
    b.tag("readback_fix")


# --- positive scenarios: English ------------------------------------------------------------------------


def en_util_card_breath(b: B) -> None:
    r = b.r
    card = b.sec("card", make_card(r, "en"))
    cvv = b.sec("cvv", rd(r, 4) if len(card.value) == 15 else rd(r, 3))
    pr = price_en(r, 60, 480)
    b.a(f"Thanks for calling Riverside Energy, this is {r.choice(EN_AGENTS)}. How can I help?")
    b.c("Hi, um, I got a past due notice, it says ", K("price", pr), ", I just wanna pay it off.")
    b.a("Sure, that's for invoice number ", K("invoice", rdn(r, 8)), ". I can take a card over the phone.")
    b.a("Go ahead with the card number, the expiration date and the security code.")
    rend = card_rend(r, "en", card.value)
    exp = expiry_text(r, "en")
    cv = cvv_words(r, "en", cvv.value)
    v = r.randrange(4)
    if v == 0:
        b.c("Okay, it's ", S(card, rend.text), ", expires ", exp, ", and the code is ", S(cvv, cv), ".")
    elif v == 1:  # rattled off with no words between
        b.c(S(card, rend.text), ", ", exp, ", ", S(cvv, cv), ".")
    elif v == 2:
        k = r.randint(1, len(rend.chunks) - 1)
        p1, p2 = rend.split(k)
        b.c("Alright, ", S(card, p1), "...")
        b.a(b.back())
        b.c(S(card, p2), ", exp ", exp, ", CVV ", S(cvv, cv), ".")
        b.tag("split")
    else:
        b.c(
            "Uh, ",
            S(card, rend.text),
            ", good through ",
            exp,
            ", three digits on the back are ",
            S(cvv, cv),
            ".",
        )
    if r.random() < 0.5:
        b.a(f"Thank you. That's the card ending in {card.value[-4:]}?")
        b.c("Yep.")
    b.a("Okay, the payment of ", K("price", pr), " went through. Anything else today?")
    b.c("No, that's it, thanks.")
    b.tag("card_one_breath")


def en_donation_card_fix(b: B) -> None:
    r = b.r
    card = b.sec("card", make_card(r, "en"))
    g = cut(card.value, card_groups(card.value))
    amount = r.choice(["twenty-five", "fifty", "$35", "$100", "forty"])
    b.a(
        f"Hi, this is {r.choice(EN_AGENTS)} calling from the Children's Hope Foundation, "
        "thanks for taking my call."
    )
    b.c("Oh, sure. I, uh, I saw the ad about the winter drive.")
    b.a("Wonderful. Would you like to give ", amount, " a month?")
    b.c("Yeah, let's do that monthly.")
    b.a("Great, and which card would you like to use?")
    v = r.randrange(3)
    if v == 0:
        wrong = rd(r, 4)
        b.c("It's ", S(card, f"{g[0]} {g[1]} {wrong}"), "... hold on, that's not right, let me start over.")
        b.a("No problem, take your time.")
        say_split(b, "customer", card, card_rend(r, "en", card.value), "Okay. ", ".")
    elif v == 1:
        say_split(b, "customer", card, card_rend(r, "en", card.value), "Okay, ", ".")
        bad = g[1][:2] + g[1][3] + g[1][2] if g[1][2] != g[1][3] else str((int(g[1]) + 1111) % 10000).zfill(4)
        rb = [g[0], bad, *g[2:]]
        b.a("Let me read that back, ", S(card, " ".join(rb)), "?")
        sec_g = say_num(r, "en", g[1], [len(g[1])], r.choice(["digits", "words"])).text
        b.c("No, the second group is ", S(card, sec_g), ", not ", bad, ".")
    else:
        wrong = g[2][::-1]
        b.c(S(card, f"{g[0]}, {g[1]}, {wrong}"), ", sorry, I mean ", S(card, ", ".join(g[2:])), ".")
        b.a("So that's ", S(card, " ".join(g)), "?")
        b.c("That's right.")
    b.a("And the expiration?")
    b.c(expiry_text(r, "en"), ".")
    b.a("The first gift will be charged on ", K("date", date_en(r)), ". Thank you so much for your support!")
    b.tag("card_corrected")


def en_office_ext(b: B) -> None:
    r = b.r
    ph = b.sec("phone", "")
    ph.value, rend = us_phone(r)
    ext = r.choice([str(r.randint(10, 999)), en_words(r.randint(10, 99)), str(r.randint(1000, 4999))])
    b.a(f"Summit Office Supply, this is {r.choice(EN_AGENTS)}, how can I help you?")
    b.c(
        "Hi, I'm calling about our order, ",
        K("order", order_no(r)),
        ", the toner cartridges never showed up.",
    )
    b.a("I'm sorry about that. I'll open a ticket, it's ticket number ", K("ticket", rdn(r, 6)), ".")
    b.a("What's the best number for our warehouse team to reach you?")
    ext_w = r.choice(["extension", "ext.", "and then extension"])
    say_split(
        b,
        "customer",
        ph,
        rend,
        r.choice(["My direct line is ", "Office number is ", "It's "]),
        f", {ext_w} {ext}.",
    )
    if r.random() < 0.5:
        b.a("Got it, ", S(ph, en_phone_again(r, ph.value)), f", extension {ext}.")
        b.c("Correct.")
    b.a("Thanks. We'll reship the ", K("count", f"{r.randint(2, 12)} cartridges"), " at no charge.")
    b.tag("extension")


def en_two_phones(b: B) -> None:
    r = b.r
    p1, p2 = b.sec("phone", ""), b.sec("phone", "")
    p1.value, r1 = us_phone(r)
    p2.value, r2 = us_phone(r)
    b.a(f"SafeHome Monitoring, this is {r.choice(EN_AGENTS)}. Are you calling about the new install?")
    b.c("Yeah, the install's on ", K("date", date_en(r)), ", and they asked for emergency contacts.")
    b.a("Sure. What numbers should we call if the alarm goes off?")
    v = r.randrange(3)
    if v == 0:
        b.c("My cell is ", S(p1, r1.text), ", and the home number is ", S(p2, r2.text), ".")
    elif v == 1:
        b.c("Uh, call me first at ", S(p1, r1.text), ", then my wife, ", S(p2, r2.text), ".")
    else:
        b.c("Two numbers. ", S(p1, r1.text), " is my mobile and ", S(p2, r2.text), " is the landline.")
    b.a(
        "Perfect. Your plan is ",
        K("price", price_en(r, 20, 60)),
        " a month with ",
        K("count", f"{r.randint(3, 8)} sensors"),
        " included.",
    )
    b.c("Sounds good.")
    b.tag("two_phones")


def en_food_digits(b: B) -> None:
    r = b.r
    ph = b.sec("phone", "")
    area, exch, line = r.choice(US_AREA), r.choice("23456789") + rd(r, 2), rd(r, 4)
    ph.value = area + exch + line
    b.a(f"Tony's Pizza, this is {r.choice(EN_AGENTS)}, pickup or delivery?")
    b.c("Delivery, please. Two large pepperonis and a Caesar salad.")
    b.a("Okay, that comes to ", K("price", price_en(r, 28, 75)), ". What's the address?")
    b.c(f"{r.randint(10, 9999)} Maple Street, apartment {r.randint(1, 40)}{r.choice('ABCD')}.")
    b.a("And a callback number in case the driver can't find you?")
    rend = say_num(r, "en", ph.value, [3, 3, 4], "each")
    say_dictated(b, "customer", ph, rend, r.choice(["Sure, it's ", "Yeah, ", "Um, "]), ".")
    if r.random() < 0.6:
        b.a(S(ph, en_phone_again(r, ph.value)), ", got it.")
    b.a("It'll be about ", K("count", f"{r.randint(25, 55)} minutes"), ".")
    b.tag("digit_by_digit")


def en_intl_phone(b: B) -> None:
    r = b.r
    country, where = r.choice(
        [
            ("uk", "UK mobile"),
            ("uk_land", "London office"),
            ("de", "German number"),
            ("ie", "Irish number"),
            ("fr", "French cell"),
            ("au", "Australian mobile"),
        ]
    )
    ph = b.sec("phone", "")
    ph.value, rend = intl_phone(r, "en", country)
    b.a(f"Globe Travel, {r.choice(EN_AGENTS)} speaking.")
    b.c("Hi, I'm abroad for work this month, I need you to reach me on my ", where, ".")
    b.a("Of course, go ahead.")
    say_split(b, "customer", ph, rend, r.choice(["It's ", "Okay, ", ""]), ".", p=0.35)
    if r.random() < 0.6:
        groups = [len(INTL[country][0]), *INTL[country][1]]
        again = say_num(r, "en", ph.value, groups, r.choice(["digits", "each"]), prefix="+")
        b.a("Let me repeat that, ", S(ph, again.text), ".")
        b.c("That's it.")
    b.a(
        "Thanks. Your e-ticket number is ",
        K("ticket", "0" + rd(r, 12)),
        ", and the fare difference is ",
        K("price", price_en(r, 80, 600)),
        ".",
    )
    b.tag("intl", f"intl_{country}")


def en_email_spelled(b: B) -> None:
    r = b.r
    for _ in range(50):
        addr, text, markers, style = make_email(r, "en")
        if style == "spelled":
            break
    em = b.sec("email", addr, markers)
    b.a(f"Account support, this is {r.choice(EN_AGENTS)}. What can I do for you?")
    b.c("I can't log in, the reset link never arrives.")
    b.a("Let's check the email on file. Can you spell it for me?")
    b.c(r.choice(["Sure, ", "Yeah, it's ", "Um, ", ""]), S(em, text), ".")
    if r.random() < 0.4:
        b.a("Sorry, you broke up a bit, one more time?")
        b.c(S(em, text), ".")
    b.a(
        "Thanks, I found a typo on our side. Your plan renews on ",
        K("date", date_en(r)),
        " at ",
        K("price", price_en(r, 5, 30)),
        ".",
    )
    b.tag("email_spelled")


def en_email_words(b: B) -> None:
    r = b.r
    corp = r.random() < 0.45
    for _ in range(50):
        addr, text, markers, style = make_email(r, "en", corp=corp)
        if style != "spelled":
            break
    em = b.sec("email", addr, markers)
    if corp:
        b.a(f"Accounts receivable, {r.choice(EN_AGENTS)} speaking.")
        b.c(
            "Hi, could you resend invoice ",
            K("invoice", f"INV-{rdn(r, 5)}"),
            "? It never reached our AP team.",
        )
        b.a("Sure, which address should it go to?")
        b.c("Send it to ", S(em, text), ", that's me.")
    else:
        b.a(f"Thanks for calling Brightside Gym, this is {r.choice(EN_AGENTS)}.")
        b.c(
            "Hey, I signed up for the annual plan, ",
            K("price", price_en(r, 199, 599)),
            ", and I never got a receipt.",
        )
        b.a("What email did you use?")
        say_split(b, "customer", em, Rend(text.split(" "), " "), r.choice(["Uh, ", "It's ", ""]), ".", p=0.2)
    if r.random() < 0.4:
        b.a("So that's ", S(em, text), "?")
        b.c("Yes.")
    b.a("Done, it's on its way. Reference ticket ", K("ticket", rdn(r, 7)), ".")
    b.tag("email_words")


def en_tax_ssn(b: B) -> None:
    r = b.r
    ssn = b.sec("ssn", make_ssn(r))
    v = ssn.value
    style = r.choice(["digits", "digits", "words", "each"])
    rend = (
        Rend([f"{v[:3]}-{v[3:5]}-{v[5:]}"], " ")
        if style == "digits"
        else say_num(r, "en", v, [3, 2, 4], style)
    )
    year = r.randint(2021, 2024)
    b.a(f"ClearPath Tax, this is {r.choice(EN_AGENTS)}. Are you checking on a return?")
    b.c(
        "Yeah, my ",
        K("year", f"{year}"),
        " return, the refund was supposed to be ",
        K("price", price_en(r, 300, 4000)),
    )
    b.a("I can look that up. I'll need your Social Security number to verify.")
    say_split(b, "customer", ssn, rend, r.choice(["Sure, it's ", "Okay, ", "Um, "]), ".", p=0.35)
    if r.random() < 0.5:
        b.a("Thank you. Just to confirm, ", S(ssn, say_num(r, "en", v, [3, 2, 4], "each").text), "?")
        b.c("That's right.")
    b.a(
        "Your return was accepted on ",
        K("date", date_en(r)),
        ", the refund should arrive within ",
        K("count", f"{r.choice([10, 14, 21])} days"),
        ".",
    )
    if r.random() < 0.4:
        b.a("Want the confirmation emailed to you?")
        addr, text, markers, _ = make_email(r, "en")
        em = b.sec("email", addr, markers)
        b.c("Sure, ", S(em, text), ".")
    b.tag("ssn")


def en_wire_iban(b: B) -> None:
    r = b.r
    country = r.choice(["GB", "DE", "IE", "NL", "ES", "FR"])
    written, digits, _bank = iban(r, country)
    ib = b.sec("iban", digits)
    if r.random() < 0.5:
        text = written
    else:  # spoken: letters, then groups of four digit by digit
        chunks = []
        for grp in written.split(" "):
            if grp.isalpha() or (grp[:2].isalpha() and not grp[2:]):
                chunks.append(" ".join(grp))
            elif grp[:2].isalpha():
                chunks.append(" ".join(grp[:2]) + " " + en_each(r, grp[2:], "zero", rep=False))
            else:
                chunks.append(en_each(r, grp, r.choice(["oh", "zero"])))
        text = ", ".join(chunks)
    b.a(f"Harbor Credit Union, this is {r.choice(EN_AGENTS)}.")
    b.c(
        "Hi, I need to send money to my sister overseas, about ",
        K("price", price_en(r, 500, 5000, words=0)),
        ".",
    )
    b.a("Okay, I'll need her IBAN.")
    rend = Rend(text.split(", "), ", ") if ", " in text else Rend(text.split(" "), " ")
    say_split(b, "customer", ib, rend, r.choice(["It's ", "Okay, the IBAN is ", ""]), ".", p=0.3)
    b.a(
        "Thank you. The wire fee is ",
        K("price", price_en(r, 25, 45, words=0)),
        ", and it should arrive by ",
        K("date", date_en(r)),
        ".",
    )
    b.tag("iban", f"iban_{country}")


def en_rideshare_dl(b: B) -> None:
    r = b.r
    state = r.choice(["CA", "NY", "TX", "FL", "IL"])
    if state == "CA":
        letter, digs = r.choice("ABDEFGNSY"), rd(r, 7)
        said = r.choice(
            [f"{letter}{digs}", f"{letter} as in {EN_PHON.get(letter.lower(), 'apple')}, {en_each(r, digs)}"]
        )
    elif state == "NY":
        letter, digs = "", rd(r, 9)
        said = r.choice([f"{digs[:3]} {digs[3:6]} {digs[6:]}", en_each(r, digs)])
    elif state == "TX":
        letter, digs = "", rdn(r, 8)
        said = r.choice([digs, say_num(r, "en", digs, [4, 4], "words").text])
    else:
        letter, digs = r.choice("SMBW"), rd(r, 12)
        said = f"{letter}{digs[:3]}-{digs[3:6]}-{digs[6:8]}-{digs[8:11]}-{digs[11]}"
    dl = b.sec("driver_licence", digs)
    b.a(f"Hi, this is {r.choice(EN_AGENTS)} from the driver onboarding team. Do you have a minute?")
    b.c("Yeah, sure. My application number is ", K("application", rdn(r, 7)), ".")
    b.a("Perfect. I just need your driver's license number and state.")
    b.c(f"It's {state}, ", S(dl, said), ".")
    if r.random() < 0.4:
        b.a("Thanks, so that's ", S(dl, said), ".")
    b.a(
        "And your car is a ",
        K("year", str(r.randint(2012, 2023))),
        " with ",
        K("mileage", f"{r.randint(20, 140)},{rd(r, 3)} miles"),
        "?",
    )
    b.c("Yeah, that's right.")
    if r.random() < 0.5:
        b.a("Last thing, for the background check I need your Social Security number.")
        ssn = b.sec("ssn", make_ssn(r))
        v = ssn.value
        st = r.choice(["digits", "words", "each"])
        srend = Rend([f"{v[:3]}-{v[3:5]}-{v[5:]}"]) if st == "digits" else say_num(r, "en", v, [3, 2, 4], st)
        say_split(b, "customer", ssn, srend, r.choice(["Sure. ", "Okay, it's ", ""]), ".", p=0.4)
    b.tag("driver_licence", f"dl_{state}")


def en_narrative(b: B) -> None:
    r = b.r
    ph = b.sec("phone", "")
    ph.value, rend = us_phone(r)
    order, pr, d = order_no(r), price_en(r, 40, 400), date_en(r)
    b.a(f"Customer care, this is {r.choice(EN_AGENTS)}, how can I help?")
    b.c(
        "So, um, I called on ",
        K("date", d),
        " from my cell, ",
        S(ph, rend.text),
        ", and the guy told me order ",
        K("order", order),
        " would be here by Friday, and instead I got charged ",
        K("price", pr),
        " twice and nothing showed up.",
    )
    b.a("I'm really sorry. Is that cell the best number to reach you?")
    if r.random() < 0.5:
        b.c("Yeah, ", S(ph, en_phone_again(r, ph.value)), ".")
    else:
        b.c("Yes, that one.")
    b.a("I see order ", K("order", order), ". I've refunded the duplicate charge of ", K("price", pr), ".")
    b.tag("narrative")


def en_readback_fix(b: B) -> None:
    r = b.r
    ph = b.sec("phone", "")
    ph.value, rend = us_phone(r)
    v = ph.value
    i = len(v) - r.randint(1, 7)
    wrong = v[:i] + str((int(v[i]) + r.randint(1, 8)) % 10) + v[i + 1 :]
    b.a(f"Lakeside Auto Repair, {r.choice(EN_AGENTS)} speaking.")
    b.c("Hi, I dropped off my Civic this morning, repair order ", K("order", rdn(r, 5)), ".")
    b.a("Yep, the estimate is ", K("price", price_en(r, 150, 1900)), ". What number should the tech call?")
    say_split(b, "customer", ph, rend, "", ".", p=0.3)
    b.a("Okay, ", S(ph, en_phone_again(r, wrong)), "?")
    x = r.randrange(3)
    if x == 0:
        b.c("No, that's not right. ", S(ph, en_phone_again(r, v)), ".")
    elif x == 1:
        tail = say_num(r, "en", v[-4:], [4], r.choice(["digits", "words", "each"])).text
        b.c("No, no, the last four are ", S(ph, tail), ".")
    else:
        b.c("Not quite, let me say it again.")
        b.c(S(ph, en_phone_again(r, v)), ".")
    b.a("Sorry about that, ", S(ph, en_phone_again(r, v)), ".")
    b.a("It should be ready by ", K("time", time_en(r)), " tomorrow.")
    b.tag("readback_fix")


def en_visa_passport(b: B) -> None:
    r = b.r
    digs = rdn(r, 9) if r.random() < 0.6 else rd(r, 8)
    letter = "" if len(digs) == 9 else r.choice("ACEX")
    pas = b.sec("passport", digs)
    said = r.choice(
        [
            f"{letter}{digs}",
            f"{letter + ', ' if letter else ''}{en_each(r, digs)}",
            f"{letter}{' ' if letter else ''}{digs[:3]} {digs[3:6]} {digs[6:]}" if len(digs) == 9 else digs,
        ]
    )
    b.a(f"Visa appointment center, this is {r.choice(EN_AGENTS)}.")
    b.c("Hi, I booked an appointment but I typed my passport number wrong, my application number is ")
    b.c(K("application", f"{r.choice(['AA', 'VS', 'BK'])}{rdn(r, 7)}"), ".")
    b.a("I can fix that. What's the correct passport number?")
    b.c(r.choice(["It's ", "Okay, ", "Um, "]), S(pas, said), ".")
    if r.random() < 0.5:
        b.a("Thank you, ", S(pas, said), ", updated.")
    b.a(
        "Your appointment is still on ",
        K("date", date_en(r)),
        " at ",
        K("time", time_en(r)),
        ", the fee is ",
        K("price", price_en(r, 80, 250)),
        ".",
    )
    if r.random() < 0.5:
        b.a("And the email for the confirmation letter?")
        addr, text, markers, _ = make_email(r, "en")
        em = b.sec("email", addr, markers)
        b.c(r.choice(["It's ", "Uh, ", ""]), S(em, text), ".")
    b.tag("passport")


def en_direct_deposit(b: B) -> None:
    r = b.r
    acct = b.sec("bank_account", rdn(r, r.choice([9, 10, 11, 12])))
    routing = r.choice(["021000021", "026009593", "121000358", "011401533", "111000025"])
    n = len(acct.value)
    groups = [n] if r.random() < 0.5 else [3] * (n // 3) + ([n % 3] if n % 3 else [])
    rend = say_num(r, "en", acct.value, groups, r.choice(["digits", "each", "words"]))
    b.a(f"Payroll services, this is {r.choice(EN_AGENTS)}.")
    b.c(
        "Hi, I changed banks, I need my direct deposit switched before the ",
        K("date", f"{ordinal(r.choice([1, 15]))}"),
        ".",
    )
    b.a("Sure. What's the routing number?")
    b.c(routing, ".")
    b.a("And the account number?")
    say_split(b, "customer", acct, rend, r.choice(["It's ", "Okay, ", ""]), ".", p=0.3)
    if r.random() < 0.4:
        b.a("Let me confirm, ", S(acct, say_num(r, "en", acct.value, [len(acct.value)], "each").text), "?")
        b.c("Yes.")
    b.a(
        "Done. Your next check, ",
        K("price", f"${r.randint(900, 4200):,}.{r.randint(10, 99)}"),
        ", goes to the new account.",
    )
    b.tag("bank_account")


# --- negative scenarios: many numbers, none personal ----------------------------------------------------


def neg_ru_internet(b: B) -> None:
    r = b.r
    s1, s2 = r.choice([(100, 300), (100, 500), (200, 500), (300, 1000)])
    b.a(f"Провайдер «Скайнет», {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c("Здравствуйте. Хочу сменить тариф, сейчас у меня ", K("speed", f"{s1} мегабит"), " за ")
    b.c(K("price", price_ru(r, 350, 900)), ", медленно очень.")
    b.a(
        "Могу предложить ",
        K("speed", f"{s2} мегабит"),
        " за ",
        K("price", price_ru(r, 500, 1500, words=0.4)),
        " в месяц.",
    )
    b.c("А роутер нужен новый?")
    b.a(
        "Да, роутер можно взять в аренду за ",
        K("price", f"{r.choice([99, 149, 199])} рублей"),
        " в месяц или купить за ",
    )
    b.a(K("price", price_ru(r, 1990, 6990)), ".")
    b.c("Ну давайте аренду. Договор номер ", K("contract", f"{rdn(r, 2)}-{rdn(r, 6)}"), " остаётся?")
    b.a(
        "Да, тот же. Заявка номер ",
        K("application", rdn(r, 7)),
        ", мастер придёт ",
        K("date", date_ru(r)),
        ",",
    )
    b.a(K("time", time_ru(r)), ".")
    b.c("Угу, хорошо, спасибо.")


def neg_ru_delivery(b: B) -> None:
    r = b.r
    track = r.choice([rdn(r, 14), rdn(r, 10), f"RA{rd(r, 9)}RU", f"{rdn(r, 10)}-{rd(r, 4)}"])
    b.a(f"Служба доставки «Быстрая почта», {r.choice(RU_AGENTS)}. Слушаю вас.")
    b.c("Здравствуйте, где моя посылка, трек-номер ", K("tracking", track), ".")
    b.a(
        "Посылка прибыла в сортировочный центр ",
        K("date", date_ru(r)),
        ", вес ",
        K("count", f"{r.randint(2, 9)},{r.randint(1, 9)} кг"),
        ".",
    )
    b.a("Передача в пункт выдачи ожидается ", K("date", date_ru(r)), ".")
    b.a("Назовите номер заказа, проверю, всё ли в одном отправлении.")
    b.c(K("order", order_no(r)), ".")
    b.a(
        "Да, все ",
        K("count", f"{r.randint(2, 6)} коробки"),
        " там. Наложенный платёж ",
        K("price", price_ru(r, 800, 25000)),
        ".",
    )
    b.c(
        f"А доставить на дом можно? Индекс {r.randint(101000, 199999)}, дом {r.randint(1, 99)}, "
        f"квартира {r.randint(1, 300)}."
    )
    b.a("Курьерская доставка стоит ", K("price", f"{r.choice([290, 350, 400, 450])} рублей"), ", с ")
    b.a(K("time", f"{r.randint(9, 12)} до {r.randint(18, 21)}"), ".")


def neg_ru_company_req(b: B) -> None:
    r = b.r
    inn = make_inn10(r)
    kpp = inn[:4] + r.choice(["01001", "01001", "43001"])
    inn_s = inn if r.random() < 0.7 else say_num(r, "ru", inn, [2, 2, 3, 3], "words").text
    b.a(f"Отдел продаж «ТоргСнаб», {r.choice(RU_AGENTS)}.")
    b.c(
        "Здравствуйте. Выставите, пожалуйста, счёт на организацию. ИНН ",
        K("company_inn", inn_s),
        ", КПП ",
        K("kpp", kpp),
        ".",
    )
    b.a("Записала. Для договора нужен ещё ОГРН.")
    b.c("ОГРН ", K("ogrn", make_ogrn(r)), ", банк Сбербанк, БИК ", K("bik", r.choice(BIKS)), ".")
    pr = r.randint(15, 390) * 1000 + r.choice([0, 500, 900])
    pr_s = r.choice([f"{pr:,}".replace(",", " ") + " рублей", f"{ru_words(pr)} {rub(pr)}"])
    b.a("Счёт номер ", K("invoice", str(r.randint(100, 9999))), " на сумму ", K("price", pr_s), ", договор ")
    b.a(K("contract", f"{rdn(r, 3)}/{r.randint(23, 25)}"), " от ", K("date", date_ru(r)), ".")
    b.c("Отлично, оплатим в течение ", K("count", f"{r.choice([3, 5, 10])} банковских дней"), ".")


def neg_ru_kasko_claim(b: B) -> None:
    r = b.r
    b.a(f"Страховая компания «Гарант», урегулирование убытков, {r.choice(RU_AGENTS)}.")
    b.c(
        "Здравствуйте, у меня было ДТП ",
        K("date", date_ru(r)),
        ", полис КАСКО ",
        K("kasko", f"{rdn(r, 4)} {rd(r, 7)}"),
        ".",
    )
    b.a("Вижу полис. Номер убытка ", K("claim", f"{rdn(r, 2)}-{rd(r, 6)}"), ". Машина ")
    b.a(K("year", f"{r.randint(2012, 2023)} года"), ", пробег какой?")
    b.c(
        "Пробег ",
        K("mileage", f"{r.randint(10, 190)} {rd(r, 3)} км"),
        ". У виновника полис ОСАГО ",
        K("osago", osago_no(r)),
        ".",
    )
    dmg = r.randint(30, 600) * 1000
    b.a("Оценка ущерба ", K("price", f"{ru_words(dmg)} {rub(dmg)}"), ", выплата в течение ")
    b.a(K("count", f"{r.choice([15, 20, 30])} рабочих дней"), ".")
    b.c("Хорошо. А эвакуатор, ", K("price", price_ru(r, 2500, 9000)), ", тоже компенсируете?")
    b.a("Да, приложите чек.")


def neg_ru_loan(b: B) -> None:
    r = b.r
    rest = r.randint(50, 900) * 1000 + r.randint(0, 9) * 100
    b.a(f"Банк «Восток», {r.choice(RU_AGENTS)}, здравствуйте.")
    b.c(
        "Здравствуйте, хочу узнать остаток по кредиту. Договор ",
        K("contract", f"{rdn(r, 3)}/{rd(r, 4)}-{rd(r, 7)}"),
        ".",
    )
    b.a(
        "Остаток ",
        K("price", f"{ru_words(rest)} {rub(rest)}"),
        ", ежемесячный платёж ",
        K("price", price_ru(r, 3000, 30000)),
    )
    b.a("Следующий платёж ", K("date", date_ru(r)), ".")
    b.c(
        "А если я досрочно внесу ",
        K("price", r.choice(["сто тысяч", "50 тысяч", "двести тысяч", "150 000"])),
        "?",
    )
    b.a(
        "Платёж уменьшится до ",
        K("price", price_ru(r, 2000, 20000)),
        ", ставка ",
        K("rate", f"{r.randint(9, 29)},{r.randint(1, 9)}%"),
    )
    b.a("остаётся прежней, срок ", K("count", months(r.choice([24, 36, 48, 60]))), ".")
    b.c("Понятно, спасибо.")


def neg_ru_ticket(b: B) -> None:
    r = b.r
    b.a(f"Техподдержка «Облако», {r.choice(RU_AGENTS)}, слушаю.")
    b.c("Здравствуйте, у меня ошибка при оплате. Обращение номер ", K("ticket", rdn(r, 7)), ", я писал ")
    b.c(K("date", date_ru(r)), " в ", K("time", f"{r.randint(8, 22)}:{r.randint(10, 59)}"), ".")
    b.a("Назовите номер заказа, пожалуйста.")
    b.c(K("order", rdn(r, r.choice([8, 9, 10]))), ".")
    b.a(
        "Вижу, списано ",
        K("price", price_ru(r, 990, 30000)),
        " за ",
        K("count", f"{r.randint(2, 50)} лицензий"),
        ".",
    )
    b.a("Лицензии активны до ", K("date", f"{date_ru(r)} {r.randint(2025, 2027)} года"), ".")
    b.c("А продление сколько будет стоить?")
    b.a(
        "На год ",
        K("price", price_ru(r, 5000, 90000, words=0.4)),
        ", скидка ",
        K("rate", f"{r.choice([10, 15, 20])}%"),
        ".",
    )


def neg_en_isp(b: B) -> None:
    r = b.r
    b.a(f"Thanks for calling Metro Fiber, this is {r.choice(EN_AGENTS)}.")
    b.c("Hi, I've had the ", K("speed", f"{r.choice([100, 200, 300])} megabit"), " plan since ")
    b.c(
        K("year", str(r.randint(2015, 2022))),
        " and I'm paying ",
        K("price", price_en(r, 50, 90)),
        " a month now.",
    )
    b.a(
        "I can move you to ",
        K("speed", f"{r.choice([500, 940])} Mbps"),
        " for ",
        K("price", price_en(r, 45, 80, words=0.4)),
        " a month.",
    )
    b.c("Is there an install fee?")
    b.a("It's ", K("price", price_en(r, 49, 99, words=0)), ", waived if you sign a ")
    b.a(K("count", f"{r.choice([12, 24])} month"), " agreement.")
    b.c("Okay, let's do it.")
    b.a(
        "Your ticket number is ",
        K("ticket", rdn(r, 8)),
        ", the tech comes ",
        K("date", date_en(r)),
        " between ",
    )
    b.a(K("time", f"{r.randint(8, 10)} and {r.randint(12, 17) - 12 or 12}"), ".")


def neg_en_tracking(b: B) -> None:
    r = b.r
    alnum = "".join(r.choice("ABCDEFGHJKLMNPRTVWXY0123456789") for _ in range(6))
    track = r.choice(
        [
            f"1Z{alnum}{rd(r, 10)}",
            " ".join(cut("9400" + rd(r, 18), [4, 4, 4, 4, 4, 2])),
            rdn(r, 12),
            f"TBA{rdn(r, 12)}",
        ]
    )
    b.a(f"Parcel support, this is {r.choice(EN_AGENTS)}. What's the order number?")
    b.c(K("order", rdn(r, r.choice([7, 8, 10]))), ".")
    b.a(
        "Thanks. That shipped on ", K("date", date_en(r)), " in ", K("count", f"{r.randint(2, 5)} boxes"), "."
    )
    b.a("The tracking number is ", K("tracking", track), ".")
    b.c("It says delivered but I only got one box.")
    b.a("I'm sorry. The order total was ", K("price", price_en(r, 40, 900)), ", I can reship the missing ")
    b.a(K("count", f"{r.randint(1, 4)} items"), " or refund ", K("price", price_en(r, 15, 200, words=0)), ".")
    b.c("Reship, please. Unit 4B, the front desk takes packages until ", K("time", time_en(r)), ".")


def neg_en_invoice_b2b(b: B) -> None:
    r = b.r
    amt = r.randint(11, 99) * 100 + r.choice([0, 50])
    amt_s = r.choice(
        [
            f"${amt:,}",
            f"{en_words(amt // 100)} hundred {en_words(amt % 100) if amt % 100 else ''}".strip() + " dollars",
        ]
    )
    b.a(f"Northwind Supplies billing, {r.choice(EN_AGENTS)} speaking.")
    b.c(
        "Hi, I'm calling about invoice ",
        K("invoice", f"INV-{r.randint(2023, 2025)}-{rd(r, 4)}"),
        ", it doesn't match our purchase order.",
    )
    b.a("What's the PO number?")
    b.c("Purchase order ", K("order", rdn(r, 6)), ".")
    b.a(
        "I see. It was billed at ", K("price", amt_s), " for ", K("count", f"{r.randint(20, 400)} units"), "."
    )
    b.c("Right, but the quote said ", K("price", price_en(r, 3, 40, words=0)), " per unit, net ")
    b.c(K("count", f"{r.choice([30, 45, 60])} days"), ".")
    b.a(
        "I'll issue a credit memo by ",
        K("date", date_en(r)),
        ". Our contract number is ",
        K("contract", f"C-{rdn(r, 5)}"),
        ".",
    )


def neg_en_auto_claim(b: B) -> None:
    r = b.r
    b.a(f"Claims department, this is {r.choice(EN_AGENTS)}.")
    b.c("Hi, I'm following up on claim number ", K("claim", f"{rd(r, 4)}-{rd(r, 3)}-{rd(r, 3)}"), ".")
    b.a("I have it. That's the ", K("year", str(r.randint(2010, 2023))), " Camry, with ")
    b.a(K("mileage", f"{r.randint(15, 160)},{rd(r, 3)} miles"), "?")
    b.c("Yes. The body shop said the estimate is ", K("price", price_en(r, 900, 9000, words=0.3)), ".")
    b.a(
        "Your deductible is ",
        K("price", r.choice(["$500", "$1,000", "five hundred dollars", "$250"])),
        ". The rental is covered ",
    )
    b.a(
        "up to ",
        K("price", f"${r.choice([30, 35, 40, 45])} a day"),
        " for ",
        K("count", f"{r.choice([10, 14, 21])} days"),
        ".",
    )
    b.c("And when will I get the check?")
    b.a("Within ", K("count", f"{r.choice([5, 7, 10])} business days"), " after ", K("date", date_en(r)), ".")


def neg_en_subscription(b: B) -> None:
    r = b.r
    b.a(f"StreamMax support, {r.choice(EN_AGENTS)} here.")
    b.c("Hi, I've been a member since ", K("year", str(r.randint(2014, 2022))), " and my bill went up to ")
    b.c(K("price", price_en(r, 15, 30, words=0.5)), ".")
    b.a(
        "Yes, the premium plan with ",
        K("count", f"{r.choice([2, 4])} screens"),
        " is now that price. The standard plan is ",
    )
    b.a(K("price", price_en(r, 8, 15, words=0)), ".")
    b.c("Can I switch, and keep my order number ", K("order", rdn(r, 9)), " for the gift card?")
    b.a("Sure. The change applies on ", K("date", date_en(r)), ", and your gift card balance of ")
    b.a(K("price", price_en(r, 10, 100)), " stays.")


def neg_en_appointment(b: B) -> None:
    r = b.r
    b.a(f"Maple Grove Dental, this is {r.choice(EN_AGENTS)}.")
    b.c("Hi, I need to move my cleaning, it's on ", K("date", date_en(r)), " at ", K("time", time_en(r)), ".")
    b.a("No problem. I have ", K("date", date_en(r)), " at ", K("time", time_en(r)), ", is that okay?")
    b.c("That works. How much is the copay?")
    b.a(
        "It's ",
        K("price", price_en(r, 20, 60)),
        ", and x-rays are ",
        K("price", price_en(r, 80, 200, words=0.4)),
        ".",
    )
    b.a(f"We moved to suite {r.randint(100, 450)}, same building. The insurance claim from last time is ")
    b.a(K("claim", rdn(r, 6)), ", it's paid.")
    b.c("Great, thanks.")


# --- generation -----------------------------------------------------------------------------------------

POS: dict[str, list[Callable[[B], None]]] = {
    "ru": [
        ru_pay_card_breath,
        ru_card_fix,
        ru_office_ext,
        ru_two_phones,
        ru_courier_digits,
        ru_intl_phone,
        ru_email_spelled,
        ru_email_words,
        ru_passport_turns,
        ru_snils_clinic,
        ru_inn_deduction,
        ru_refund_account,
        ru_osago_vu,
        ru_narrative,
        ru_readback_fix,
    ],
    "en": [
        en_util_card_breath,
        en_donation_card_fix,
        en_office_ext,
        en_two_phones,
        en_food_digits,
        en_intl_phone,
        en_email_spelled,
        en_email_words,
        en_tax_ssn,
        en_wire_iban,
        en_rideshare_dl,
        en_narrative,
        en_readback_fix,
        en_visa_passport,
        en_direct_deposit,
    ],
}
NEG: dict[str, list[Callable[[B], None]]] = {
    "ru": [
        neg_ru_internet,
        neg_ru_delivery,
        neg_ru_company_req,
        neg_ru_kasko_claim,
        neg_ru_loan,
        neg_ru_ticket,
    ],
    "en": [
        neg_en_isp,
        neg_en_tracking,
        neg_en_invoice_b2b,
        neg_en_auto_claim,
        neg_en_subscription,
        neg_en_appointment,
    ],
}


def perfect(case: Case) -> list[str]:
    """Every secret's text replaced by its placeholder, nothing else touched."""
    texts = [t for _, t in case.turns]
    for ti, start, end, sec in sorted(case.spans, key=lambda s: (s[0], -s[1])):
        texts[ti] = texts[ti][:start] + f"[{PLACEHOLDER[sec.kind]}]" + texts[ti][end:]
    return texts


def joined(case: Case, texts: list[str]) -> str:
    """The texts as the compressor lays them out: a speaker label per turn."""
    return "\n".join(
        f"{'Agent' if role == 'agent' else 'Customer'}: {t}"
        for (role, _), t in zip(case.turns, texts, strict=True)
    )


def consistent(case: Case) -> bool:
    """The checker's own invariants for one drawn case: raw text leaks every secret and keeps every number,
    the perfect redaction leaks nothing and keeps every number (a random draw can make a keep or a neutral
    number contain a secret's digits: such a draw is thrown away)."""
    raw = [t for _, t in case.turns]
    res_raw = check(case, raw, joined(case, raw))
    ok = perfect(case)
    res_ok = check(case, ok, joined(case, ok))
    return (
        len(res_raw["leaks"]) == len(case.secrets)
        and not res_raw["lost"]
        and not res_ok["leaks"]
        and not res_ok["lost"]
        and not res_ok["wrong_type"]
    )


REDRAWS: Counter[str] = Counter()


def generate(seed: int = SEED) -> list[Case]:
    r = random.Random(seed)
    cases: list[Case] = []
    REDRAWS.clear()
    for negative, table, n in ((False, POS, N_POS_PER_LANG), (True, NEG, N_NEG_PER_LANG)):
        for lang in ("ru", "en"):
            fns = table[lang]
            for i in range(n):
                fn = fns[i % len(fns)]
                for _attempt in range(60):
                    b = B(f"{'neg' if negative else 'pos'}-{lang}-{i:03d}", lang, fn.__name__, negative, r)
                    fn(b)
                    case = b.case()
                    if consistent(case):
                        break
                    REDRAWS[fn.__name__] += 1
                else:
                    raise AssertionError(f"no consistent draw for {fn.__name__} in 60 tries")
                cases.append(case)
    return cases


# --- checking -------------------------------------------------------------------------------------------


def check(case: Case, stored: list[str], compressed: str) -> dict[str, Any]:
    """Leaks (secret, where), lost keeps (keep, where), wrong-type redactions (secret, placeholders seen)."""
    all_stored = " ".join(stored)
    comp = strip_labels(compressed)
    places = {
        "stored": (digit_runs(all_stored), norm_text(all_stored)),
        "compressed": (digit_runs(comp), norm_text(comp)),
    }
    leaks: list[tuple[Secret, str]] = []
    for sec in case.secrets:
        where = [w for w, (runs, nt) in places.items() if secret_leaks(sec, runs, nt)]
        if where:
            leaks.append((sec, "+".join(where)))
    lost: list[tuple[Keep, str]] = []
    comp_runs = places["compressed"][0]
    for keep in case.keeps:
        seg = stored[keep.seg] if keep.seg < len(stored) else ""
        where = []
        if not keep_present(keep, seg, digit_runs(seg)):
            where.append("stored")
        if not keep_present(keep, comp, comp_runs):
            where.append("compressed")
        if where:
            lost.append((keep, "+".join(where)))
    # wrong type: each place a secret was said should hold its own placeholder; one that holds only
    # placeholders of other types (left after every secret took its own) is a wrong-type redaction
    leaked = {id(s) for s, _ in leaks}
    pool = [PLACEHOLDER_RE.findall(t) for t in stored]
    unmatched: list[tuple[int, Secret]] = []
    for ti, _, _, sec in case.spans:
        if id(sec) in leaked or ti >= len(pool):
            continue
        want = PLACEHOLDER[sec.kind]
        if want in pool[ti]:
            pool[ti].remove(want)
        else:
            unmatched.append((ti, sec))
    wrong: dict[int, tuple[Secret, set[str]]] = {}
    for ti, sec in unmatched:
        if pool[ti]:
            wrong.setdefault(id(sec), (sec, set()))[1].add(pool[ti].pop(0))
    return {"leaks": leaks, "lost": lost, "wrong_type": [(s, sorted(p)) for s, p in wrong.values()]}


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
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_scenario: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_tag: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    lost_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    where_leak: Counter[str] = Counter()
    where_lost: Counter[str] = Counter()
    keeps = lost_n = wrong_n = lost_redacted = neg_with_ph = 0
    failures: list[dict[str, Any]] = []
    for case in cases:
        stored, compressed = run_case(case)
        res = check(case, stored, compressed)
        leaked = {id(s) for s, _ in res["leaks"]}
        for sec in case.secrets:
            hit = id(sec) in leaked
            for table, key in (
                (per_type, f"{sec.kind}/{case.lang}"),
                (per_lang, case.lang),
                (per_scenario, case.scenario),
            ):
                table[key][0] += hit
                table[key][1] += 1
            for t in case.tags:
                per_tag[t][0] += hit
                per_tag[t][1] += 1
        for _, w in res["leaks"]:
            where_leak[w] += 1
        want = perfect(case)
        for keep in case.keeps:
            lost_kind[keep.kind][1] += 1
        for keep, w in res["lost"]:
            lost_kind[keep.kind][0] += 1
            where_lost[w] += 1
            got = stored[keep.seg] if keep.seg < len(stored) else ""
            lost_redacted += len(PLACEHOLDER_RE.findall(got)) > len(PLACEHOLDER_RE.findall(want[keep.seg]))
        keeps += len(case.keeps)
        lost_n += len(res["lost"])
        wrong_n += len(res["wrong_type"])
        neg_with_ph += case.negative and any(PLACEHOLDER_RE.search(t) for t in stored)
        if res["leaks"] or res["lost"] or res["wrong_type"]:
            failures.append({"case": case, "stored": stored, "compressed": compressed, **res})
    secrets = sum(v[1] for v in per_type.values())
    return {
        "cases": len(cases),
        "positive": sum(not c.negative for c in cases),
        "negative": sum(c.negative for c in cases),
        "secrets": secrets,
        "leaked": sum(v[0] for v in per_type.values()),
        "keeps": keeps,
        "lost_keeps": lost_n,
        "lost_keeps_redacted": lost_redacted,
        "wrong_type": wrong_n,
        "negative_with_placeholder": neg_with_ph,
        "per_type": {k: tuple(v) for k, v in sorted(per_type.items())},
        "per_lang": {k: tuple(v) for k, v in sorted(per_lang.items())},
        "per_scenario": {k: tuple(v) for k, v in sorted(per_scenario.items())},
        "per_tag": {k: tuple(v) for k, v in sorted(per_tag.items())},
        "lost_per_kind": {k: tuple(v) for k, v in sorted(lost_kind.items())},
        "leak_where": dict(where_leak),
        "lost_where": dict(where_lost),
        "failures": failures,
    }


# --- self-check -----------------------------------------------------------------------------------------


def self_check(cases: list[Case] | None = None) -> dict[str, int]:
    """The checker against known answers: number reading, then every case with no redaction at all (every
    secret leaks, no keep is lost) and with a perfect hand redaction (nothing leaks, nothing lost, no wrong
    type); a wrong placeholder and a redacted keep are seen as such."""
    sd = spoken_digits
    assert sd("восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь") == "89161234567"
    assert sd("плюс семь (916) 123-45-67") == "79161234567"
    assert digit_runs("+7 (916) 123-45-67, добавочный 214") == ["79161234567", "214"]
    assert sd("восемь, девять два шесть... Угу. один ноль ноль, две семёрки, три нуля") == "8926100770" + "00"
    assert sd("double oh seven, triple five") == "007555"
    assert sd("four fifteen, six nine two, thirty-three oh eight") == "415692" + "3308"
    assert sd("четыре тысячи двести семьдесят шесть, тридцать восемь ноль ноль") == "427638" + "00"
    assert (
        sd("пять тысяч двести рублей") == "5200" and sd("87 тысяч") == "87000" and sd("5 тысяч 200") == "5200"
    )
    assert sd("сто двадцать, три") == "1203" and sd("сто двадцать три") == "123"
    assert sd("two hundred and forty-nine dollars") == "249" and sd("twelve hundred fifty") == "1250"
    assert sd("nineteen eighty-seven") == "1987" and sd("forty-nine ninety-nine") == "4999"
    assert digit_runs("Oh, okay. Order 123") == ["123"]
    assert digit_runs("[PHONE], добавочный 214") == ["214"]
    assert strip_labels("Agent: 8 916\nCustomer: 123 45 67").split() == ["8", "916", "123", "45", "67"]
    card = Secret("card", "4276380012344471")
    assert not secret_leaks(card, ["4471"], "") and secret_leaks(card, ["44471"], "")
    assert secret_leaks(Secret("cvv", "415"), ["0827415"], "") and not secret_leaks(
        Secret("cvv", "415"), ["41"], ""
    )
    em = Secret("email", "a.orlova88@yandex.ru", ["a.orlova88", "orlova", "орлова"])
    assert secret_leaks(em, [], norm_text("пишите на a.orlova88@[EMAIL]"))
    assert secret_leaks(em, [], norm_text("а точка Орлова восемьдесят восемь [EMAIL]"))
    assert not secret_leaks(em, [], norm_text("пишите на [EMAIL], Орловой Анне"))
    assert keep_present(Keep("price", "2 990 рублей"), "итого 2990 рублей", digit_runs("итого 2990 рублей"))
    assert keep_present(Keep("price", "пять тысяч двести рублей"), "5200 рублей", ["5200"])
    assert not keep_present(Keep("order", "48213957"), "заказ [ID]", [])
    for k in range(200):  # the generated IBANs are checksum-valid
        r = random.Random(k)
        written, _digits, _bank = iban(r, r.choice(["GB", "DE", "NL"]))
        s = written.replace(" ", "")
        assert int("".join(str(int(ch, 36)) for ch in s[4:] + s[:4])) % 97 == 1, written
        bik = r.choice(BIKS)  # and the RU accounts carry the control key that matches their BIK
        acc = ru_account(r, bik)
        assert sum((int(d) * [7, 1, 3][i % 3]) % 10 for i, d in enumerate(bik[-3:] + acc)) % 10 == 0, acc
    cases = cases if cases is not None else generate()
    stats = {"cases": len(cases), "raw_leaked": 0, "secrets": 0, "wrong_seen": 0, "lost_seen": 0}
    for case in cases:
        raw = [t for _, t in case.turns]
        res = check(case, raw, joined(case, raw))
        assert len(res["leaks"]) == len(case.secrets), (case.cid, "no redaction must leak every secret")
        assert not res["lost"], (case.cid, "no redaction must keep every number", res["lost"])
        stats["raw_leaked"] += len(res["leaks"])
        stats["secrets"] += len(case.secrets)
        ok = perfect(case)
        res = check(case, ok, joined(case, ok))
        assert not res["leaks"] and not res["lost"] and not res["wrong_type"], (case.cid, res)
        if case.secrets:
            first = case.secrets[0]
            right = PLACEHOLDER[first.kind]
            bad_ph = "ID" if right != "ID" else "PHONE"
            seg = first.segs[0]
            bad = list(ok)
            bad[seg] = bad[seg].replace(f"[{right}]", f"[{bad_ph}]")
            if bad[seg].count(f"[{right}]") == 0:
                assert check(case, bad, joined(case, bad))["wrong_type"], case.cid
                stats["wrong_seen"] += 1
        if case.keeps:
            kp = max(case.keeps, key=lambda k: len(spoken_digits(k.surface)))
            hurt = list(ok)
            hurt[kp.seg] = hurt[kp.seg].replace(kp.surface, "[ID]")
            assert check(case, hurt, joined(case, hurt))["lost"], case.cid
            stats["lost_seen"] += 1
    return stats


# --- report ---------------------------------------------------------------------------------------------


def pct(a: int, n: int) -> str:
    return f"{a}/{n} = {a / n:.1%}" if n else f"{a}/0"


def _interleave(failures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failing cases in turn from each scenario, so the first few cover every pattern."""
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in failures:
        by[f["case"].scenario].append(f)
    out: list[dict[str, Any]] = []
    while any(by.values()):
        for k in sorted(by):
            if by[k]:
                out.append(by[k].pop(0))
    return out


def report(res: dict[str, Any], out: Any = sys.stdout, show: int = 40) -> None:
    def p(*a: Any) -> None:
        print(*a, file=out)

    p(
        f"cases {res['cases']} (positive {res['positive']}, negative {res['negative']}), "
        f"secrets {res['secrets']}"
    )
    p(f"leaked secrets: {pct(res['leaked'], res['secrets'])}  (where: {res['leak_where']})")
    for lang, (lk, n) in res["per_lang"].items():
        p(f"  {lang}: {pct(lk, n)}")
    p("per type/lang:")
    for k, (lk, n) in res["per_type"].items():
        p(f"  {k:24s} {lk:4d}/{n:<4d} {lk / n:6.1%}")
    p("per scenario:")
    for k, (lk, n) in res["per_scenario"].items():
        p(f"  {k:24s} {lk:4d}/{n:<4d} {lk / n:6.1%}")
    p("per tag (secrets in cases with the tag):")
    for k, (lk, n) in res["per_tag"].items():
        p(f"  {k:24s} {lk:4d}/{n:<4d} {lk / n:6.1%}")
    p(
        f"lost keeps: {pct(res['lost_keeps'], res['keeps'])} (with an extra placeholder in their segment: "
        f"{res['lost_keeps_redacted']}; where: {res['lost_where']})"
    )
    p("  per kind: " + ", ".join(f"{k} {lk}/{n}" for k, (lk, n) in res["lost_per_kind"].items()))
    p(f"negative cases with any placeholder: {res['negative_with_placeholder']}/{res['negative']}")
    p(f"wrong placeholder type: {res['wrong_type']}")
    p(f"failing cases: {len(res['failures'])}")
    shown = _interleave(res["failures"])
    for f in shown[:show]:
        c: Case = f["case"]
        p(f"\n=== {c.cid} {c.scenario} [{','.join(sorted(c.tags))}]")
        for sec, where in f["leaks"]:
            p(f"  LEAK {sec.kind}={sec.value} in {where}")
        for keep, where in f["lost"]:
            p(f"  LOST {keep.kind}={keep.surface!r} from {where}")
        for sec, seen in f["wrong_type"]:
            p(f"  TYPE {sec.kind}={sec.value} got {seen}")
        for (role, text), got in zip(c.turns, f["stored"], strict=True):
            p(f"  in  {role[0].upper()}: {text}")
            if got != text:
                p(f"  out {role[0].upper()}: {got}")
        p("  compressed: " + f["compressed"].replace("\n", " | "))
    if len(shown) > show:
        p(f"\n... and {len(shown) - show} more failing cases")


def main() -> int:
    cases = generate()
    stats = self_check(cases)
    print(
        f"self-check ok: {stats['cases']} cases; no redaction leaks {stats['raw_leaked']}/{stats['secrets']} "
        f"secrets and loses no keep; perfect redaction leaks none; wrong type seen {stats['wrong_seen']}, "
        f"lost keep seen {stats['lost_seen']}; redrawn draws: {sum(REDRAWS.values())}"
    )
    report(evaluate(cases))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
