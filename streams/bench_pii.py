"""``callstream bench pii``: how much personal data the text stages let through, and what they redact
that is no personal data.

Generated Whisper-style call snippets (Russian and English, deterministic for a seed) go through the
real filter and compress stages:

- positives: phones (RU mobile and landline, US, UK, DE, KZ, BY, extensions, split over turns,
  corrected, read back, "double seven"), cards (digits, words, mixed, Amex, split, read back),
  e-mails (said and spelled), IDs (RU passport, SNILS, US SSN). A positive *leaks* when a secret is
  still readable in the stored segment texts (ClickHouse) or in the compressed text (LLM): 4+
  consecutive digits of it, in digits or RU/EN number words read as a person would read them
  (:func:`digit_runs`), or an e-mail's local-part word, also spelled letter by letter. A card's last
  four digits may stay;
- negatives: prices, dates, order/contract/INN numbers, quantities, years, counts, percentages,
  addresses, a card's last four, references. A negative with any placeholder is a false positive.

The baseline is no redaction: every positive leaks, no negative is touched. CVV and expiry (not
redacted by design so far) are reported on their own line and held out of the leak rate; the card
number in those cases counts.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

DEFAULT_SEED = 20260315
LEAK_TARGET = 0.05  # of positive cases
FP_TARGET = 0.02  # of negative cases
HELD_OUT = "card_cvv_expiry"  # its CVV and expiry are reported apart from the leak rate
SHOW_LEAKS = 20  # list every leak when there are at most this many (or with --verbose)

# --- number words: generation --------------------------------------------------------------------------

RU_UNITS = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
RU_TEENS = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
            "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"]  # fmt: skip
RU_TENS = {2: "двадцать", 3: "тридцать", 4: "сорок", 5: "пятьдесят", 6: "шестьдесят", 7: "семьдесят",
           8: "восемьдесят", 9: "девяносто"}  # fmt: skip
RU_HUNDREDS = {1: "сто", 2: "двести", 3: "триста", 4: "четыреста", 5: "пятьсот", 6: "шестьсот",
               7: "семьсот", 8: "восемьсот", 9: "девятьсот"}  # fmt: skip
EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen"]  # fmt: skip
EN_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty",
           9: "ninety"}  # fmt: skip
_RU_THOUSANDS = {1: "тысяча", 2: "две тысячи", 3: "три тысячи", 4: "четыре тысячи"}


def _below_hundred(
    n: int, units: list[str], teens: list[str], tens: dict[int, str], hyphen: str
) -> list[str]:
    if 10 <= n <= 19:
        return [teens[n - 10]]
    t, u = divmod(n, 10)
    if t and u and hyphen:
        return [tens[t] + hyphen + units[u]]
    return ([tens[t]] if t else []) + ([units[u]] if u else [])


def ru_int(n: int) -> str:
    """0..9999 in Russian words (masculine; thousands feminine)."""
    if n == 0:
        return "ноль"
    parts = []
    th, n = divmod(n, 1000)
    if th:
        parts.append(_RU_THOUSANDS.get(th, RU_UNITS[th] + " тысяч"))
    h, n = divmod(n, 100)
    if h:
        parts.append(RU_HUNDREDS[h])
    return " ".join(parts + _below_hundred(n, RU_UNITS, RU_TEENS, RU_TENS, ""))


def en_int(n: int, hyphen: bool = True) -> str:
    """0..9999 in English words ("forty-two", or "forty two" with ``hyphen=False``)."""
    if n == 0:
        return "zero"
    parts = []
    th, n = divmod(n, 1000)
    if th:
        parts.append(EN_UNITS[th] + " thousand")
    h, n = divmod(n, 100)
    if h:
        parts.append(EN_UNITS[h] + " hundred")
    return " ".join(parts + _below_hundred(n, EN_UNITS, EN_TEENS, EN_TENS, "-" if hyphen else " "))


def _lead_zeros(s: str) -> int:
    return len(s) - len(s.lstrip("0"))


def ru_group(s: str) -> str:
    """A dictated digit group: each leading zero as "ноль", the rest as one number."""
    lead = _lead_zeros(s)
    return " ".join(["ноль"] * lead + ([ru_int(int(s[lead:]))] if s[lead:] else []))


def en_group(s: str, zero: str = "oh") -> str:
    """A dictated digit group: each leading zero as ``zero``, the rest as one number."""
    lead = _lead_zeros(s)
    return " ".join([zero] * lead + ([en_int(int(s[lead:]))] if s[lead:] else []))


def _ru_groups(*groups: str) -> str:
    return ", ".join(ru_group(g) for g in groups)


def ru_digits(s: str, sep: str = " ") -> str:
    return sep.join(RU_UNITS[int(c)] for c in s)


def en_digits(s: str, sep: str = " ", zero: str = "zero", doubles: bool = False) -> str:
    """Digit by digit; with ``doubles``, "double five" / "triple oh" for repeated digits."""
    words, i = [], 0
    while i < len(s):
        c = s[i]
        word = zero if c == "0" else EN_UNITS[int(c)]
        if doubles and s[i : i + 3] == c * 3:
            words.append("triple " + word)
            i += 3
        elif doubles and s[i : i + 2] == c * 2:
            words.append("double " + word)
            i += 2
        else:
            words.append(word)
            i += 1
    return sep.join(words)


def ru_pairs(s: str) -> str:
    return " ".join(ru_group(s[i : i + 2]) for i in range(0, len(s), 2))


def en_pairs(s: str) -> str:
    return " ".join(en_group(s[i : i + 2]) for i in range(0, len(s), 2))


# --- number words: reading (the leak checker) ------------------------------------------------------------

# kinds of token: a digit literal, number words by rank, "double"/"triple", a digit noun ("семёрка"), "oh"
_UNIT, _TEEN, _TEN, _HUND, _HUNDRED, _THOUS, _LIT, _ZERO, _REP, _DNOUN, _OH = range(11)
_DIGIT_NOUNS = {
    0: ["нуля", "нулей", "ноля", "нолей"], 1: ["единица", "единицы", "единиц", "единичка", "единички"],
    2: ["двойка", "двойки", "двоек"], 3: ["тройка", "тройки", "троек"],
    4: ["четверка", "четверки", "четверок"], 5: ["пятерка", "пятерки", "пятерок"],
    6: ["шестерка", "шестерки", "шестерок"], 7: ["семерка", "семерки", "семерок"],
    8: ["восьмерка", "восьмерки", "восьмерок"], 9: ["девятка", "девятки", "девяток"],
}  # fmt: skip
# words a reader skips inside a run of digits
_JOINERS = frozenset(
    [
        "э",
        "ээ",
        "эээ",
        "эм",
        "ну",
        "так",
        "ой",
        "ага",
        "угу",
        "uh",
        "um",
        "huh",
        "hmm",
        "mm",
        "hm",
        "mhm",
        "okay",
        "ok",
        "agent",
        "customer",
        "and",
        "и",
        "plus",
        "плюс",
        "мм",
        "ммм",
        "вот",
        "значит",
        "да",
        "yes",
        "yeah",
        "got",
        "it",
        "right",
        "slash",
    ]
)
_TOKEN_RE = re.compile(r"\[[a-z]+\]|\d+|[a-zа-я]+")
_SPELLED_RE = re.compile(r"(?:(?<![a-zа-я])[a-zа-я](?![a-zа-я])[\s,.\-]*){3,}")


def _norm(word: str) -> str:
    return word.replace("ё", "е")


def _vocab() -> dict[str, tuple[int, int]]:
    vocab: dict[str, tuple[int, int]] = {}
    for units, teens, tens in ((RU_UNITS, RU_TEENS, RU_TENS), (EN_UNITS, EN_TEENS, EN_TENS)):
        vocab |= {w: (_ZERO if i == 0 else _UNIT, i) for i, w in enumerate(units)}
        vocab |= {w: (_TEEN, 10 + i) for i, w in enumerate(teens)}
        vocab |= {w: (_TEN, 10 * k) for k, w in tens.items()}
    vocab |= {"нуль": (_ZERO, 0), "одна": (_UNIT, 1), "одно": (_UNIT, 1), "две": (_UNIT, 2)}
    vocab |= {w: (_HUND, 100 * k) for k, w in RU_HUNDREDS.items()}
    vocab |= {w: (_THOUS, 1000) for w in ("тысяча", "тысячи", "тысяч", "тыщ", "тыщи", "thousand")}
    vocab |= {
        "hundred": (_HUNDRED, 100),
        "double": (_REP, 2),
        "triple": (_REP, 3),
        "oh": (_OH, 0),
        "o": (_OH, 0),
    }
    vocab |= {w: (_DNOUN, d) for d, words in _DIGIT_NOUNS.items() for w in words}
    return {_norm(k): v for k, v in vocab.items()}


_VOCAB = _vocab()
_RANK = {_HUND: 3, _TEN: 2, _TEEN: 2, _UNIT: 1}


def digit_runs(text: str) -> list[str]:
    """Runs of digits a reader can read in ``text``: digits and RU/EN number words ("девятьсот
    шестнадцать" 916, "double seven" 77, "три семёрки" 777), joined over spaces, punctuation and
    fillers; any other word or a placeholder breaks a run."""
    tokens = _TOKEN_RE.findall(_norm(text.lower()))
    kinds = [(_LIT, 0) if t.isdigit() else _VOCAB.get(t) for t in tokens]
    for i, kind in enumerate(kinds):
        if kind and kind[0] == _OH:  # "oh"/"o" is a zero only next to another number
            near = [kinds[j] for j in (i - 1, i + 1) if 0 <= j < len(kinds)]
            kinds[i] = (_ZERO, 0) if any(n is not None for n in near) else None
    runs: list[str] = []
    run: list[str] = []
    value: int | None = None  # a number being built from words ("сто двадцать три")
    slot = 9  # the rank a following word must be below to add to ``value``

    def flush() -> None:
        nonlocal value, slot
        if value is not None:
            run.append(str(value))
        value, slot = None, 9

    def end_run() -> None:
        flush()
        if run:
            runs.append("".join(run))
        run.clear()

    i = 0
    while i < len(tokens):
        token, kind = tokens[i], kinds[i]
        nxt = kinds[i + 1] if i + 1 < len(tokens) else None
        if kind is None:
            if token not in _JOINERS:
                end_run()
            i += 1
            continue
        rank, v = kind
        if rank == _LIT and len(token) == 1 and nxt and nxt[0] == _DNOUN:  # "3 семёрки" (compressed text)
            flush()
            run.append(str(nxt[1]) * int(token))
            i += 2
            continue
        if (
            rank == _REP
            and nxt
            and (nxt[0] in (_UNIT, _ZERO) or (nxt[0] == _LIT and len(tokens[i + 1]) == 1))
        ):
            flush()
            run.append((tokens[i + 1] if nxt[0] == _LIT else str(nxt[1])) * v)
            i += 2
            continue
        if rank == _UNIT and nxt and nxt[0] == _DNOUN:  # "две двойки", "три семёрки", "два нуля"
            flush()
            run.append(str(nxt[1]) * v)
            i += 2
            continue
        if rank == _LIT:
            flush()
            run.append(token)
        elif rank == _ZERO:
            flush()
            run.append("0")
        elif rank == _REP:  # "double" before no digit
            end_run()
        elif rank == _DNOUN:
            flush()
            run.append(str(v))
        elif rank == _THOUS:
            if value is not None and value < 1000:
                value *= 1000
            else:
                flush()
                value = 1000
            slot = 4
        elif rank == _HUNDRED:
            if value is None or value < 100:
                value = 100 if value is None else value * 100
            else:
                flush()
                value = 100
            slot = 3
        else:
            level = _RANK[rank]
            if value is not None and level < slot and not (rank == _TEEN and slot <= 2):
                value += v
            else:
                flush()
                value = v
            slot = 1 if rank == _TEEN else level
        i += 1
    end_run()
    return runs


def letter_views(text: str) -> list[str]:
    """The lower-cased text, plus each spelled-out letter sequence joined ("s-m-i-t-h" -> "smith")."""
    low = _norm(text.lower())
    return [low] + [re.sub(r"[^a-zа-я]", "", m.group(0)) for m in _SPELLED_RE.finditer(low)]


# --- cases ---------------------------------------------------------------------------------------------


@dataclass
class Case:
    """One snippet: its turns and what must not stay readable (or, for a negative, stay untouched)."""

    cid: str
    cat: str
    lang: str
    turns: list[tuple[str, str]]
    secrets: list[str] = field(default_factory=list)  # digit strings
    markers: list[str] = field(default_factory=list)  # e-mail local-part words
    allowed: set[str] = field(default_factory=set)  # 4-digit windows that may stay (a card's last four)
    neg: bool = False
    cvv: str | None = None
    expiry: str | None = None  # MMYY
    keep: list[str] = field(default_factory=list)  # substrings a reader must still see (collateral)


def secret_hits(text: str, case: Case) -> list[str]:
    """Why ``text`` leaks ``case``'s secrets (empty: it does not)."""
    hits = []
    runs = digit_runs(text)
    for secret in case.secrets:
        windows = sorted({secret[i : i + 4] for i in range(len(secret) - 3)} - case.allowed)
        for r in runs:
            w = next((w for w in windows if w in r), None)
            if w:
                hits.append(f"digits '{w}' in run '{r}'")
                break
    if case.markers:
        views = letter_views(text)
        hits += [f"e-mail word '{m}'" for m in case.markers if any(m in v for v in views)]
    return hits


def short_hits(text: str, secret: str | None, size: int) -> bool:
    """Whether ``size`` consecutive digits of ``secret`` (a CVV, an expiry) are readable in ``text``."""
    if not secret:
        return False
    return any(secret[i : i + size] in r for r in digit_runs(text) for i in range(len(secret) - size + 1))


RU_MOB = ["903", "905", "906", "909", "910", "912", "915", "916", "917", "919", "921", "925", "926", "929",
          "950", "960", "963", "977", "981", "985", "987", "995", "999"]  # fmt: skip
RU_ASK = [
    "Продиктуйте, пожалуйста, контактный номер телефона.",
    "Как с вами можно связаться?",
    "Назовите номер, на который вам перезвонить.",
    "Подскажите ваш мобильный, пожалуйста.",
    "Оставьте номер для связи, пожалуйста.",
]
EN_ASK = [
    "What's the best number to reach you?",
    "Can I get a callback number, please?",
    "And what's a good phone number for you?",
    "Could you give me your phone number?",
]
RU_PHONE_STYLES = ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12",
                   "w1", "w2", "w3", "w4", "w5", "m1", "m2", "m3", "m4", "m5"]  # fmt: skip
RU_PHONE_TPL = [
    "Мой номер {p}.",
    "Записывайте: {p}.",
    "Ну, можно на мобильный, {p}, это мой личный.",
    "Перезвоните мне, пожалуйста, на {p}.",
    "Да, телефон {p}, звоните после шести.",
    "Номер, э-э, {p}, вот.",
    "Это жена моя, её номер {p}.",
    "{p}.",
    "А, телефон? {p}.",
    "Сейчас, секунду... {p}.",
    "Так, пишите, {p}",
    "Мобильный у меня {p}, а рабочий не надо.",
]
EN_AREA = ["312", "415", "646", "917", "213", "202", "617", "773", "305", "512", "206", "404"]
BINS = [("Visa", "427638"), ("Visa", "427901"), ("Visa", "446915"), ("Mastercard", "546938"),
        ("Mastercard", "553691"), ("Мир", "220220"), ("Мир", "220070"), ("Visa", "414720"),
        ("Mastercard", "510621")]  # fmt: skip
FIRST = ["ivan", "olga", "sergey", "anna", "dmitry", "elena", "john", "mary", "kate", "alex", "pavel",
         "natalia"]  # fmt: skip
LAST = ["petrov", "smirnova", "kuznetsov", "sokolova", "orlov", "volkova", "smith", "jones", "miller",
        "brown", "fedorov", "morozova"]  # fmt: skip
RU_TRANS = {"ivan": "Иван", "olga": "Ольга", "sergey": "Сергей", "anna": "Анна", "dmitry": "Дмитрий",
            "elena": "Елена", "pavel": "Павел", "natalia": "Наталья", "petrov": "Петров",
            "smirnova": "Смирнова", "kuznetsov": "Кузнецов", "sokolova": "Соколова", "orlov": "Орлов",
            "volkova": "Волкова", "fedorov": "Федоров", "morozova": "Морозова"}  # fmt: skip


def _ru_phone_text(code: str, r7: str, style: str, prefix: str) -> str:
    """A Russian number (3-digit code + 7 digits) as ASR writes it in ``style``: d* digits, w* words,
    m* mixed."""
    a, b, c = r7[:3], r7[3:5], r7[5:]
    spoken_prefix = {"+7": "плюс семь", "8": "восемь", "": ""}[prefix]
    words = [ru_group(code), ru_group(a), ru_group(b), ru_group(c)]
    styles = {
        "d1": f"+7 {code} {a}-{b}-{c}",
        "d2": f"8-{code}-{a}-{b}-{c}",
        "d3": f"8 ({code}) {a}-{b}-{c}",
        "d4": f"8{code}{a}{b}{c}",
        "d5": f"+7{code}{a}{b}{c}",
        "d6": f"8 {code} {a} {b} {c}",
        "d7": f"{code} {a} {b} {c}",
        "d8": f"8 {code}... {a}... {b}... {c}",
        "d9": f"+7 ({code}) {a}-{b}-{c}",
        "d10": f"8, {code}, {a}, {b}, {c}",
        "d11": f"8-{code}-{a}{b}{c}",
        "d12": f"{code}-{a}-{b}-{c}",
        "w1": " ".join(x for x in [spoken_prefix, *words] if x),
        "w2": ", ".join(x for x in [spoken_prefix, *words] if x),
        "w3": "... ".join(x for x in [spoken_prefix, *words] if x),
        "w4": ", ".join(words),
        "w5": ru_digits(("8" if prefix == "8" else "") + code + r7, ", "),
        "m1": f"восемь {code} {a} {b} {c}",
        "m2": f"8 {code} {ru_group(a)}, {ru_group(b)}, {ru_group(c)}",
        "m3": f"8-{code}-{a}, {ru_group(b)}, {ru_group(c)}",
        "m4": f"{ru_group(code)}, {a}-{b}-{c}",
        "m5": f"8 {code}, {ru_group(a)} {b} {c}",
    }
    return styles[style]


def us_render(ac: str, ex: str, ln: str, style: int) -> str:
    """A North American number (area code, exchange, line) in one of 11 ASR renderings."""
    return [
        f"({ac}) {ex}-{ln}",
        f"{ac}-{ex}-{ln}",
        f"+1 {ac} {ex} {ln}",
        f"1-{ac}-{ex}-{ln}",
        f"{ac}.{ex}.{ln}",
        f"{en_digits(ac)}, {en_digits(ex)}, {en_digits(ln, zero='oh')}",
        f"{en_digits(ac, zero='oh')}... {en_digits(ex)}... {en_digits(ln)}",
        f"{en_digits(ac)}, {en_digits(ex)}, {en_pairs(ln)}",
        f"{ac} {en_digits(ex)}, {en_digits(ln)}",
        f"{ac}{ex}{ln}",
        f"{en_digits(ac, sep='-')}, {en_digits(ex, sep='-')}, {en_digits(ln, sep='-')}",
    ][style]


def card_render(num: str, style: str) -> str:
    """A 16-digit card number as ASR writes it: d* digits, wr*/we* Russian/English words, m* mixed."""
    g = [num[i : i + 4] for i in range(0, 16, 4)]
    styles = {
        "d1": " ".join(g),
        "d2": "-".join(g),
        "d3": num,
        "d4": "... ".join(g),
        "d5": ", ".join(g),
        "d6": f"{g[0]}{g[1]} {g[2]}{g[3]}",
        "wr1": ", ".join(ru_group(x) for x in g),
        "wr2": ", ".join(ru_pairs(x) for x in g),
        "wr3": ", ".join(ru_digits(x) for x in g),
        "we1": ", ".join(en_digits(x) for x in g),
        "we2": ", ".join(en_pairs(x) for x in g),
        "we3": "... ".join(en_digits(x, zero="oh") for x in g),
        "mr": f"{g[0]} {g[1]}, {ru_group(g[2])}, {g[3]}",
        "me": f"{g[0]} {g[1]}, {en_pairs(g[2])}, {g[3]}",
    }
    return styles[style]


def _spelled(word: str, sep: str = "-") -> str:
    return sep.join(word.upper())


def _is_en(text: str, letters: int = 3) -> bool:
    return re.search(rf"[A-Za-z]{{{letters}}}", text) is not None


class _CaseMaker:
    """Builds the cases from one seeded generator; the order of the draws fixes the cases for a seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.cases: list[Case] = []
        self._per_cat: Counter[str] = Counter()

    def add(self, cat: str, lang: str, turns: list[tuple[str, str]], **kw: Any) -> None:
        self._per_cat[cat] += 1
        self.cases.append(Case(f"{cat}-{self._per_cat[cat]:03d}", cat, lang, [tuple(t) for t in turns], **kw))

    def digits(self, k: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(k))

    def rest7(self) -> str:
        return self.rng.choice("23456789") + self.digits(6)

    def ru_phone(self, code: str, r7: str, style: str) -> str:
        return _ru_phone_text(code, r7, style, self.rng.choice(["+7", "8"]))

    def us_number(self) -> tuple[str, str, str]:
        return self.rng.choice(EN_AREA), self.rng.choice("23456789") + self.digits(2), self.digits(4)

    def luhn(self, prefix: str, length: int) -> str:
        body = prefix + self.digits(length - len(prefix) - 1)
        total = sum(
            (2 * int(ch) - 9 if 2 * int(ch) > 9 else 2 * int(ch)) if i % 2 == 0 else int(ch)
            for i, ch in enumerate(reversed(body))
        )
        return body + str((10 - total % 10) % 10)

    def snils(self) -> str:
        while True:
            body = self.digits(9)
            if int(body) <= 1001998:  # checksums apply from 001-001-999 on
                continue
            s = sum(int(d) * (9 - i) for i, d in enumerate(body))
            check = s if s < 100 else 0 if s in (100, 101) else s % 101 % 100
            return body + f"{check:02d}"

    def ssn(self) -> str:
        while True:
            area = self.rng.randint(1, 899)
            if area != 666:
                return f"{area:03d}{self.rng.randint(1, 99):02d}{self.rng.randint(1, 9999):04d}"

    def make(self) -> list[Case]:
        for gen in (
            self._ru_mobile,
            self._nocue,
            self._ru_landline,
            self._foreign,
            self._extensions,
            self._cards,
            self._cvv,
            self._emails,
            self._ids,
            self._context,
            self._corrections,
            self._repeats,
            self._doubles,
            self._negatives,
        ):
            gen()
        return self.cases

    # --- phones ------------------------------------------------------------------------------------------

    def _ru_mobile(self) -> None:
        rng = self.rng
        for i, style in enumerate(RU_PHONE_STYLES * 3):
            code, r7 = rng.choice(RU_MOB), self.rest7()
            p = self.ru_phone(code, r7, style)
            tpl = RU_PHONE_TPL[i % len(RU_PHONE_TPL)]
            cat = {"d": "ru_mobile_digits", "w": "ru_mobile_words"}.get(style[0], "ru_mobile_mixed")
            turns = [("agent", rng.choice(RU_ASK))] if i % 2 == 0 else []
            turns.append(("customer", tpl.format(p=p[0].upper() + p[1:] if tpl.startswith("{p}") else p)))
            turns.append(("agent", "Спасибо, записала."))
            self.add(cat, "ru", turns, secrets=[code + r7])

    def _nocue(self) -> None:
        """Numbers said with no cue word ("номер", "телефон"), after an ask without one either or with no
        ask: how people answer "Как с вами связаться?"."""
        rng = self.rng
        asks = [
            "Как с вами можно связаться?",
            "Подскажите ваш мобильный, пожалуйста.",
            "Куда вам перезвонить?",
            "Как вам удобнее, куда набрать?",
            None,
        ]
        tpls = [
            "Так, пишите, {p}.",
            "{p}, это мой.",
            "Ну, {p}.",
            "Вот, {p}, звоните после шести.",
            "Давайте на {p}.",
            "Да, {p}, лучше вечером.",
            "Ага, {p}, это жены.",
            "{p}... Записали?",
        ]
        styles = ["w1", "w2", "w3", "w4", "w5", "m2", "m4", "d6", "d8", "w1"]
        for i in range(40):
            code, r7 = rng.choice(RU_MOB), self.rest7()
            p = self.ru_phone(code, r7, styles[i % len(styles)])
            ask = asks[i % len(asks)]
            turns = ([("agent", ask)] if ask else []) + [("customer", tpls[i % len(tpls)].format(p=p))]
            self.add("ru_phone_nocue", "ru", turns, secrets=[code + r7])
        # a group with a leading zero ("ноль восемь", "ноль двадцать три"): about a quarter of real numbers
        for i in range(20):
            code = rng.choice(RU_MOB)
            # every variant is drawn and one kept: the draws fix the cases for a seed
            r7 = [
                f"0{self.digits(2)}{self.digits(2)}{self.digits(2)}",
                f"{self.rest7()[:3]}0{self.digits(1)}{self.digits(2)}",
                f"{self.rest7()[:5]}0{self.digits(1)}",
            ][i % 3]
            p = self.ru_phone(code, r7, ["w1", "w2", "w3", "w4", "m2"][i % 5])
            ask = [None, "Как с вами можно связаться?", "Продиктуйте номер телефона, пожалуйста."][i % 3]
            tpl = ["{p}.", "Так, пишите, {p}.", "Мой номер {p}.", "Ну, {p}, это мобильный."][i % 4]
            turns = ([("agent", ask)] if ask else []) + [("customer", tpl.format(p=p))]
            self.add("ru_phone_zero_group", "ru", turns, secrets=[code + r7])
        en_asks = ["How can we reach you?", "Where should we call you back?", None]
        en_tpls = ["Sure, {p}.", "Yeah, {p}, after five.", "{p}, that's my wife's.", "Okay, {p}."]
        for i in range(20):
            ac, ex, ln = self.us_number()
            p = [
                f"{en_digits(ac)}, {en_digits(ex)}, {en_pairs(ln)}",
                f"{en_digits(ac, zero='oh')}, {en_digits(ex, zero='oh')}, {en_digits(ln, zero='oh')}",
                f"{en_group(ac)}, {en_digits(ex)}, {en_pairs(ln)}",
                f"{ac} {ex}, {en_pairs(ln)}",
                us_render(ac, ex, ln, 0),
            ][i % 5]
            ask = en_asks[i % len(en_asks)]
            turns = ([("agent", ask)] if ask else []) + [("customer", en_tpls[i % len(en_tpls)].format(p=p))]
            self.add("en_phone_nocue", "en", turns, secrets=[ac + ex + ln])

    def _ru_landline(self) -> None:
        rng = self.rng
        codes3 = ["495", "499", "812", "343", "383", "843", "863", "846", "861"]
        codes4 = ["3452", "8332", "4012", "4722", "8182"]
        tpls = [
            "Рабочий телефон {p}.",
            "Звоните на городской: {p}.",
            "Это офис, номер {p}, спросите Ольгу.",
            "Домашний {p}, но лучше вечером.",
            "Наш бухгалтерия, телефон {p}, добавочного нет.",
        ]
        for i in range(30):
            kind = i % 6
            if kind in (0, 1, 2):
                code, r7 = rng.choice(codes3), self.rest7()
                style = (
                    ["d1", "d3", "d6", "w2", "m2", "d9"][i % 6]
                    if kind != 2
                    else rng.choice(["w1", "w3", "m4"])
                )
                p, secret = self.ru_phone(code, r7, style), code + r7
            elif kind == 3:  # a regional 4-digit code + 6 digits 2-2-2
                code = rng.choice(codes4)
                r6 = rng.choice("2345") + self.digits(5)
                p = rng.choice(
                    [
                        f"8 ({code}) {r6[:2]}-{r6[2:4]}-{r6[4:]}",
                        f"+7 {code} {r6[:2]} {r6[2:4]} {r6[4:]}",
                        f"восемь {ru_pairs(code)}, {_ru_groups(r6[:2], r6[2:4], r6[4:])}",
                    ]
                )
                secret = code + r6
            elif kind == 4:  # a local 7-digit number, no code
                r7 = self.rest7()
                p = rng.choice(
                    [
                        f"{r7[:3]}-{r7[3:5]}-{r7[5:]}",
                        f"{r7[:3]} {r7[3:5]} {r7[5:]}",
                        f"{ru_group(r7[:3])}, {ru_group(r7[3:5])}, {ru_group(r7[5:])}",
                    ]
                )
                secret = r7
            else:
                code, r7 = "495", self.rest7()
                p, secret = self.ru_phone(code, r7, rng.choice(["d2", "w4", "m1"])), code + r7
            turns = [
                ("agent", "Оставьте, пожалуйста, контакт."),
                ("customer", tpls[i % len(tpls)].format(p=p)),
            ]
            self.add("ru_landline", "ru", turns, secrets=[secret])

    def _foreign(self) -> None:
        rng, rd = self.rng, self.digits
        tpls = [
            "Yeah, it's {p}.",
            "My cell is {p}.",
            "You can reach me at {p}, that's my cell.",
            "Sure, um, {p}.",
            "The best number is {p}, after five.",
            "{p}",
            "Okay, so it's {p}, uh, that's my work phone.",
        ]
        for i in range(44):
            ac, ex, ln = self.us_number()
            turns = [
                ("agent", rng.choice(EN_ASK)),
                ("customer", tpls[i % len(tpls)].format(p=us_render(ac, ex, ln, i % 11))),
            ]
            self.add("us_phone", "en", turns, secrets=[ac + ex + ln])
        for i in range(12):  # UK: mobile 07xxx xxxxxx, London 020 xxxx xxxx
            if i % 2:
                nat = "7" + rng.choice(["700", "911", "400", "823", "956"]) + rd(6)
                p = [
                    f"07{nat[1:4]} {nat[4:]}",
                    f"+44 {nat[:4]} {nat[4:]}",
                    f"oh seven {en_digits(nat[1:4])}, {en_digits(nat[4:7])}, {en_digits(nat[7:])}",
                    f"+44 (0) {nat[:4]} {nat[4:7]} {nat[7:]}",
                    f"zero {en_digits(nat[:4], doubles=True)}, {en_digits(nat[4:], doubles=True)}",
                    f"07{nat[1:4]}{nat[4:]}",
                ][i // 2]
            else:
                nat = "20" + rng.choice("378") + rd(7)
                p = [
                    f"020 {nat[2:6]} {nat[6:]}",
                    f"+44 20 {nat[2:6]} {nat[6:]}",
                    f"oh two oh, {en_digits(nat[2:6])}, {en_digits(nat[6:])}",
                    f"(020) {nat[2:6]}-{nat[6:]}",
                    f"+44 (0)20 {nat[2:6]} {nat[6:]}",
                    f"020-{nat[2:6]}-{nat[6:]}",
                ][i // 2]
            turns = [("agent", "And a contact number?"), ("customer", f"It's a UK number, {p}.")]
            self.add("uk_phone", "en", turns, secrets=[nat])
        for i in range(10):  # DE: mobile 015x, Berlin 030
            if i % 2:
                nat = "15" + rng.choice("127") + rd(8)
                p = [
                    f"+49 {nat[:3]} {nat[3:]}",
                    f"0{nat[:3]} {nat[3:7]} {nat[7:]}",
                    f"+49 ({nat[:3]}) {nat[3:]}",
                    f"zero {en_digits(nat[:3])}, {en_digits(nat[3:7])}, {en_digits(nat[7:])}",
                    f"0049 {nat[:3]} {nat[3:]}",
                ][i // 2]
            else:
                nat = "30" + rd(8)
                p = [
                    f"+49 30 {nat[2:]}",
                    f"030 {nat[2:6]} {nat[6:]}",
                    f"030 / {nat[2:6]} {nat[6:]}",
                    f"+49 (0)30 {nat[2:6]}-{nat[6:]}",
                    f"плюс сорок девять, тридцать, {ru_pairs(nat[2:])}",
                ][i // 2]
            lang = "ru" if "плюс" in p else "en"
            text = f"Номер в Германии: {p}." if lang == "ru" else f"I'm in Berlin, the number is {p}."
            self.add("de_phone", lang, [("customer", text)], secrets=[nat])
        for i in range(10):  # KZ: mobile 7xx, Almaty 727
            if i % 2:
                nat = rng.choice(["701", "705", "707", "747", "775", "777"]) + self.rest7()
                p = [
                    f"+7 {nat[:3]} {nat[3:6]} {nat[6:8]} {nat[8:]}",
                    f"8 {nat[:3]} {nat[3:6]} {nat[6:]}",
                    f"восемь {_ru_groups(nat[:3], nat[3:6], nat[6:8], nat[8:])}",
                    f"8 ({nat[:3]}) {nat[3:6]}-{nat[6:8]}-{nat[8:]}",
                    f"+7{nat}",
                ][i // 2]
            else:
                nat = "727" + self.rest7()
                p = [
                    f"8 (727) {nat[3:6]}-{nat[6:8]}-{nat[8:]}",
                    f"+7 727 {nat[3:6]} {nat[6:8]} {nat[8:]}",
                    f"восемь семьсот двадцать семь, {_ru_groups(nat[3:6], nat[6:8], nat[8:])}",
                    f"8-727-{nat[3:6]}-{nat[6:8]}-{nat[8:]}",
                    f"8 727 {nat[3:]}",
                ][i // 2]
            self.add("kz_phone", "ru", [("customer", f"Я из Алматы, мой номер {p}.")], secrets=[nat])
        for i in range(10):  # BY: mobile, Minsk 17
            if i % 2:
                nat = rng.choice(["29", "33", "44", "25"]) + self.rest7()
                p = [
                    f"+375 {nat[:2]} {nat[2:5]}-{nat[5:7]}-{nat[7:]}",
                    f"8 0{nat[:2]} {nat[2:5]} {nat[5:7]} {nat[7:]}",
                    f"плюс триста семьдесят пять, {ru_group(nat[:2])}, {ru_group(nat[2:5])}, "
                    f"{ru_group(nat[5:7])}, {ru_group(nat[7:])}",
                    f"+375 ({nat[:2]}) {nat[2:5]}-{nat[5:7]}-{nat[7:]}",
                    f"+375{nat}",
                ][i // 2]
            else:
                nat = "17" + self.rest7()
                p = [
                    f"+375 (17) {nat[2:5]}-{nat[5:7]}-{nat[7:]}",
                    f"8 017 {nat[2:5]} {nat[5:7]} {nat[7:]}",
                    f"восемь ноль семнадцать, {_ru_groups(nat[2:5], nat[5:7], nat[7:])}",
                    f"+375 17 {nat[2:]}",
                    f"80 17 {nat[2:5]}-{nat[5:7]}-{nat[7:]}",
                ][i // 2]
            self.add("by_phone", "ru", [("customer", f"Я из Минска, номер {p}.")], secrets=[nat])

    def _extensions(self) -> None:
        rng, rd = self.rng, self.digits
        for i in range(24):
            if i % 2 == 0:
                code, r7 = rng.choice(["495", "499", "812"]), self.rest7()
                ext = rng.choice([rd(3), rd(4), rd(2)]).lstrip("0") or "12"
                main = self.ru_phone(code, r7, ["d1", "d3", "d6", "w2", "m2", "d9"][(i // 2) % 6])
                extw = rng.choice(
                    [f"доб. {ext}", f"добавочный {ext}", f"добавочный {ru_int(int(ext))}", f"доб {ext}"]
                )
                text = rng.choice(
                    [
                        f"Звоните в офис: {main}, {extw}.",
                        f"Телефон {main}, {extw}, спросите меня.",
                        f"{main}... {extw}",
                    ]
                )
                self.add(
                    "extension",
                    "ru",
                    [("agent", "Куда вам перезвонить?"), ("customer", text)],
                    secrets=[code + r7],
                )
            else:
                ac, ex, ln = self.us_number()
                ext = rng.choice([rd(2), rd(3), rd(4)]).lstrip("0") or "45"
                main = us_render(ac, ex, ln, [0, 1, 2, 5, 7, 4][(i // 2) % 6])
                extw = rng.choice(
                    [f"ext. {ext}", f"extension {ext}", f"extension {en_int(int(ext))}", f"x{ext}"]
                )
                text = rng.choice(
                    [
                        f"Call the office at {main}, {extw}.",
                        f"It's {main} {extw}.",
                        f"{main}, and then {extw}.",
                    ]
                )
                turns = [("agent", "What's the office number?"), ("customer", text)]
                self.add("extension", "en", turns, secrets=[ac + ex + ln])

    # --- cards ---------------------------------------------------------------------------------------------

    def _cards(self) -> None:
        rng = self.rng
        ru_tpl = [
            "Карта {b}, номер {c}.",
            "Номер карты {c}.",
            "Давайте я карту продиктую: {c}.",
            "{b}, {c}.",
            "Спишите с карты {c}, пожалуйста.",
            "Ну, карта Сбера, {b}, {c}, вот.",
            "{c}",
        ]
        en_tpl = [
            "Card number is {c}.",
            "It's a {b}, {c}.",
            "Okay, the card is {c}.",
            "Sure, {b}, um, {c}.",
            "{c}",
            "Yeah, go ahead and charge {c}.",
        ]
        ru_styles = ["d1", "d2", "d3", "d4", "d5", "d6", "wr1", "wr2", "wr3", "mr"]
        en_styles = ["d1", "d2", "d3", "d4", "d5", "we1", "we2", "we3", "me"]

        def cat(style: str) -> str:
            return {"d": "card_digits", "w": "card_words"}.get(style[0], "card_mixed")

        for i in range(40):
            brand, prefix = rng.choice(BINS)
            num = self.luhn(prefix, 16)
            style = ru_styles[i % len(ru_styles)]
            turns = [("agent", "Продиктуйте номер карты, пожалуйста.")] if i % 2 else []
            turns.append(("customer", ru_tpl[i % len(ru_tpl)].format(b=brand, c=card_render(num, style))))
            self.add(cat(style), "ru", turns, secrets=[num], allowed={num[-4:]})
        for i in range(27):
            brand, prefix = rng.choice(BINS)
            brand = brand if brand != "Мир" else "Visa"
            num = self.luhn(prefix if not prefix.startswith("2") else "4", 16)
            style = en_styles[i % len(en_styles)]
            turns = [("agent", "Can I get the card number, please?")] if i % 2 else []
            turns.append(("customer", en_tpl[i % len(en_tpl)].format(b=brand, c=card_render(num, style))))
            self.add(cat(style), "en", turns, secrets=[num], allowed={num[-4:]})
        for i in range(5):  # Amex: 15 digits, 4-6-5
            num = self.luhn(rng.choice(["3782", "3714", "3787"]), 15)
            c = [
                f"{num[:4]} {num[4:10]} {num[10:]}",
                num,
                f"{en_digits(num[:4])}, {en_digits(num[4:10])}, {en_digits(num[10:])}",
                f"{num[:4]}-{num[4:10]}-{num[10:]}",
                f"Amex {num[:4]} {num[4:10]} {num[10:]}",
            ][i]
            turns = [("customer", f"It's an American Express, {c}.")]
            self.add("card_amex", "en", turns, secrets=[num], allowed={num[-4:]})

    def _cvv(self) -> None:
        rng = self.rng
        for i in range(16):
            _, prefix = rng.choice(BINS)
            num = self.luhn(prefix, 16)
            mm, yy = f"{rng.randint(1, 12):02d}", str(rng.randint(26, 31))
            cvv = rng.choice("123456789") + self.digits(2)
            if i % 2 == 0:
                turns = [
                    ("customer", f"Номер карты {card_render(num, 'd1')}."),
                    (
                        "agent",
                        rng.choice(
                            ["Срок действия и код на обороте, пожалуйста.", "Теперь срок действия и CVV."]
                        ),
                    ),
                    (
                        "customer",
                        rng.choice(
                            [
                                f"Срок {mm}/{yy}, код на обороте {cvv}.",
                                f"{ru_group(mm)} {ru_int(int(yy))}, а CVV {ru_int(int(cvv))}.",
                                f"До {mm} {yy} года. Код {cvv}.",
                                f"{mm}/{yy}. Три цифры сзади: {ru_digits(cvv, ', ')}.",
                                f"Действует до {mm}.{yy}, CVV-код {cvv}.",
                            ]
                        ),
                    ),
                ]
                lang = "ru"
            else:
                turns = [
                    ("customer", f"The card is {card_render(num, 'd1')}."),
                    ("agent", "And the expiration date and the security code on the back?"),
                    (
                        "customer",
                        rng.choice(
                            [
                                f"Expires {mm}/{yy}, and the CVV is {cvv}.",
                                f"{en_group(mm)} {en_int(int(yy))}, security code {en_digits(cvv)}.",
                                f"It's {mm} slash {yy}. CVV {cvv}.",
                                f"Expiration {mm}/{yy}, the three digits are {en_digits(cvv, ', ')}.",
                                f"{mm}/{yy}, CVC {cvv}.",
                            ]
                        ),
                    ),
                ]
                lang = "en"
            self.add(HELD_OUT, lang, turns, secrets=[num], allowed={num[-4:]}, cvv=cvv, expiry=mm + yy)

    # --- e-mails -------------------------------------------------------------------------------------------

    def _emails(self) -> None:
        rng = self.rng
        ru_dom = [
            ("mail", "мейл"),
            ("yandex", "яндекс"),
            ("bk", "бэ ка"),
            ("gmail", "джимейл"),
            ("inbox", "инбокс"),
            ("list", "лист"),
        ]
        for i in range(36):
            f, last = rng.choice(FIRST[:8] + FIRST[10:]), rng.choice(LAST[:6] + LAST[10:])
            dom, domw = rng.choice(ru_dom)
            yy = str(rng.randint(70, 99))
            k = i % 12
            text = [
                f"{f} точка {last} собака {dom} точка ру",
                f"Почта {f}.{last}@{dom}.ru",
                f"{RU_TRANS.get(f, f)} точка {RU_TRANS.get(last, last)} собака {domw} точка ру",
                f"{f}{last}{yy} собака gmail точка ком",
                f"{f}, нижнее подчёркивание, {last}, собака, {dom}.ru",
                f"Пишите на {f[0]} точка {last} собака {dom} ру, {last} латиницей, {_spelled(last, ', ')}",
                f"{f} дефис {last} собачка {dom} точка ru",
                f"Электронка: {f[0]}{last}@{dom}.ru, всё маленькими.",
                f"{_spelled(f[0] + last, ', ')}, собака, {domw}, точка, ру",
                f"Э-э, {last}{yy}, собака, mail, точка, ru",
                f"{f}.{last} эт {dom} точка ру",
                f"Адрес почты {f} {last} собака {dom} точка ру, слитно.",
            ][k]
            marks = [RU_TRANS.get(last, last).lower()] if k == 2 else [last]
            ask = rng.choice(
                ["Продиктуйте электронную почту, пожалуйста.", "На какую почту выслать договор?"]
            )
            self.add("email_ru", "ru", [("agent", ask), ("customer", text)], markers=marks)
        en_dom = ["gmail", "yahoo", "outlook", "hotmail", "icloud", "aol"]
        for i in range(30):
            f, last = rng.choice(FIRST), rng.choice(LAST)
            dom = rng.choice(en_dom)
            k = i % 10
            # only the rendering that uses it draws a year or a phonetic word
            extra = {
                3: lambda: str(rng.randint(70, 99)),
                6: lambda: rng.choice(["Juliet", "Mike", "Alpha", "Sierra"]),
            }
            said = extra[k]() if k in extra else ""
            text = [
                f"{f[0]} dot {last} at {dom} dot com",
                f"It's {f}.{last}@{dom}.com.",
                f"Sure, it's {f} dot {last} at {dom} dot com, {last} is {_spelled(last)}.",
                f"{f}{last}{said} at {dom} dot com",
                f"{f} underscore {last} at {dom} dot co dot uk",
                f"{_spelled(f[0] + last)} at {dom} dot com",
                f"So it's {f[0]}, as in {said}, {last}, at {dom}.com",
                f"My email is {f.capitalize()} {last.capitalize()} at {dom} dot com, all one word.",
                f"{f}.{last} at {dom}.com",
                f"Uh, {_spelled(last, ', ')}, {f[0]}, at {dom} dot com",
            ][k]
            ask = rng.choice(
                ["What's the best email for you?", "Can I get an email address for the receipt?"]
            )
            self.add("email_en", "en", [("agent", ask), ("customer", text)], markers=[last])

    # --- IDs -----------------------------------------------------------------------------------------------

    def _ids(self) -> None:
        rng, rd = self.rng, self.digits
        for i in range(30):
            s1 = f"{rng.randint(1, 99):02d}"
            s2 = rng.choice(["03", "06", "09", "11", "14", "17", "19", "21", "23"])
            n = rng.choice("123456789") + rd(5)
            k = i % 10
            text = [
                f"Серия {s1} {s2} номер {n}.",
                f"Паспорт {s1}{s2} {n}.",
                f"{s1} {s2} {n}",
                f"Серия {s1}{s2}, номер {n}.",
                f"Паспорт {s1} {s2} № {n}, выдан ОВД района Хамовники.",
                f"Серия {ru_group(s1)} {ru_group(s2)}, номер {ru_group(n[:3])} {ru_group(n[3:])}.",
                f"Паспорт: {ru_group(s1)}, {ru_group(s2)}, {ru_pairs(n)}.",
                f"Серия {s1} {s2}, номер {ru_group(n[:3])}, {ru_group(n[3:])}.",
                f"Серия и номер: {s1} {s2} {n[:3]}-{n[3:]}",
                f"{s1}{s2}{n}",
            ][k]
            if i >= 20:  # more ways people name series and number
                text = [
                    f"Паспорт {s1} {s2} номер {n}.",
                    f"Паспорт серии {s1}{s2} номер {n}.",
                    f"Паспорт: серия {s1} {s2}, номер {n}.",
                    f"Серия {s1} {s2}, номер {ru_group(n[:3])}, {ru_group(n[3:])}.",
                    f"Паспортные данные: {s1} {s2}, {n}.",
                    f"Серия {ru_pairs(s1 + s2)}, номер {n}.",
                    f"Паспорт {s1} {s2}, номер {n[:2]} {n[2:4]} {n[4:]}.",
                    f"Серия {s1}{s2} номер {n}",
                    f"паспорт {s1}{s2}... номер {n}",
                    f"Серия {s1} {s2}. Номер {n}.",
                ][i - 20]
            turns = (
                [("agent", "Назовите, пожалуйста, серию и номер паспорта.")]
                if k in (2, 9, 6) or i % 3 == 0
                else []
            )
            turns.append(("customer", text))
            self.add("passport_ru", "ru", turns, secrets=[s1 + s2 + n])
        for i in range(20):
            s = self.snils()
            k = i % 7
            text = [
                f"СНИЛС {s[:3]}-{s[3:6]}-{s[6:9]} {s[9:]}.",
                f"Мой СНИЛС {s}.",
                f"СНИЛС: {s[:3]} {s[3:6]} {s[6:9]} {s[9:]}",
                f"Номер СНИЛС {ru_group(s[:3])}, {ru_group(s[3:6])}, {ru_group(s[6:9])}, {ru_group(s[9:])}.",
                f"{s[:3]}-{s[3:6]}-{s[6:9]} {s[9:]}",
                f"Страховое свидетельство, номер {s[:3]}-{s[3:6]}-{s[6:9]}-{s[9:]}.",
                f"СНИЛС {s[:3]}, {ru_group(s[3:6])}, {s[6:9]}, {ru_group(s[9:])}",
            ][k]
            turns = [("agent", "Продиктуйте номер СНИЛС.")] if k in (4, 3) or i % 2 else []
            turns.append(("customer", text))
            self.add("snils", "ru", turns, secrets=[s])
        for i in range(22):
            s = self.ssn()
            k = i % 8
            text = [
                f"My social is {s[:3]}-{s[3:5]}-{s[5:]}.",
                f"SSN {s[:3]} {s[3:5]} {s[5:]}.",
                f"It's {en_digits(s[:3])}, {en_digits(s[3:5])}, {en_digits(s[5:])}.",
                f"Social security number {s}.",
                f"{s[:3]}-{s[3:5]}-{s[5:]}",
                f"Sure, my Social is {', '.join(en_digits(x, sep='-') for x in (s[:3], s[3:5], s[5:]))}.",
                f"Yeah, um, {s[:3]} {s[3:5]}... {s[5:]}",
                f"SSN is {en_digits(s[:5])} {s[5:]}.",
            ][k]
            turns = [("agent", "Can you verify your Social Security number?")] if k in (4, 6) or i % 2 else []
            turns.append(("customer", text))
            self.add("ssn", "en", turns, secrets=[s])

    # --- context across turns ------------------------------------------------------------------------------

    def _context(self) -> None:
        rng = self.rng
        backs_ru, backs_en = (
            ["Угу.", "Так.", "Ага.", "Так, так.", "Да-да."],
            ["Uh-huh.", "Okay.", "Mm-hmm.", "Got it."],
        )

        def same(x: str) -> str:
            return x

        def split(ask: str, parts: list[str], ends: list[str], backs: list[str]) -> list[tuple[str, str]]:
            turns = [("agent", ask)]
            for j, part in enumerate(parts):
                turns.append(("customer", part + rng.choice(ends)))
                if j < len(parts) - 1:
                    turns.append(("agent", rng.choice(backs)))
            return turns

        for i in range(30):  # a RU phone over 2-3 customer turns
            code, r7 = rng.choice(RU_MOB), self.rest7()
            a, b, c = r7[:3], r7[3:5], r7[5:]
            words = i % 3 != 0
            w = ru_group if words else same
            if i % 2:
                parts = [f"{'восемь' if words else '8'} {w(code)}", f"{w(a)}", f"{w(b)} {w(c)}"]
            else:
                parts = [f"{w(code)} {w(a)}", f"{w(b)}, {w(c)}"]
            turns = split(rng.choice(RU_ASK), parts, ["", "...", ".", ","], backs_ru)
            turns.append(("agent", "Записала, спасибо."))
            self.add("ctx_split_phone_ru", "ru", turns, secrets=[code + r7])
        for i in range(16):  # a US phone over 2-3 customer turns
            ac, ex, ln = self.us_number()
            w = en_digits if i % 2 == 0 else same
            parts = [w(ac), w(ex), w(ln)] if i % 4 < 2 else [f"{w(ac)} {w(ex)}", w(ln)]
            turns = split(rng.choice(EN_ASK), parts, ["", "...", "."], backs_en)
            self.add("ctx_split_phone_en", "en", turns, secrets=[ac + ex + ln])
        for i in range(14):  # a card over 2-3 customer turns
            _, prefix = rng.choice(BINS)
            num = self.luhn(prefix, 16)
            g = [num[k : k + 4] for k in range(0, 16, 4)]
            if i % 2 == 0:
                w = ru_group if i % 4 == 0 else same
                turns = [
                    ("agent", "Продиктуйте номер карты."),
                    ("customer", f"{w(g[0])} {w(g[1])}"),
                    ("agent", "Так."),
                    ("customer", f"{w(g[2])}..."),
                    ("agent", "Угу."),
                    ("customer", f"{w(g[3])}."),
                ]
                lang = "ru"
            else:
                w = en_digits if i % 4 == 1 else same
                turns = [
                    ("agent", "What's the card number?"),
                    ("customer", f"{w(g[0])} {w(g[1])}"),
                    ("agent", "Uh-huh."),
                    ("customer", f"{w(g[2])} {w(g[3])}."),
                ]
                lang = "en"
            self.add("ctx_split_card", lang, turns, secrets=[num], allowed={num[-4:]})
        for i in range(10):  # a passport or a SNILS over 2 customer turns
            if i % 2 == 0:
                s1, s2, n = f"{rng.randint(1, 99):02d}", "06", rng.choice("123456789") + self.digits(5)
                w = ru_group if i % 4 == 0 else same
                turns = [
                    ("agent", "Серия паспорта?"),
                    ("customer", f"{w(s1)} {w(s2)}."),
                    ("agent", "Так, номер?"),
                    ("customer", f"{w(n[:3])} {w(n[3:])}."),
                ]
                self.add("ctx_split_id", "ru", turns, secrets=[s1 + s2 + n])
            else:
                s = self.snils()
                turns = [
                    ("agent", "Продиктуйте СНИЛС."),
                    ("customer", f"{s[:3]}-{s[3:6]}"),
                    ("agent", "Угу."),
                    ("customer", f"{s[6:9]}, {s[9:]}."),
                ]
                self.add("ctx_split_id", "ru", turns, secrets=[s])
        for i in range(6):  # an e-mail over 2 customer turns
            f, last = rng.choice(FIRST[:6]), rng.choice(LAST[:6])
            if i % 2 == 0:
                turns = [
                    ("agent", "Почту продиктуйте."),
                    ("customer", f"{f} точка {last}"),
                    ("agent", "Угу."),
                    ("customer", "собака mail точка ру."),
                ]
                lang = "ru"
            else:
                turns = [
                    ("agent", "And your email?"),
                    ("customer", f"{f} dot {last}"),
                    ("agent", "Okay."),
                    ("customer", "at gmail dot com."),
                ]
                lang = "en"
            self.add("ctx_split_email", lang, turns, markers=[last])

    # --- corrections, read-backs, repeated digits ----------------------------------------------------------

    def _corrections(self) -> None:
        rng = self.rng
        for i in range(14):
            code, r7 = rng.choice(RU_MOB), self.rest7()
            wrong = rng.choice([c for c in RU_MOB if c != code])
            a, b, c = r7[:3], r7[3:5], r7[5:]
            words = f"{ru_group(code)}, {ru_group(a)}, {ru_group(b)}, {ru_group(c)}"
            text = [
                f"Восемь {ru_group(wrong)}... ой, нет, {words}.",
                f"8 {code} {a} {b} {c[::-1]}, ой, нет, {c} в конце, {b}-{c}.",
                f"{ru_group(code)}, {ru_group(a)}... нет, подождите, {words}.",
            ][i % 3]
            self.add(
                "correction", "ru", [("agent", rng.choice(RU_ASK)), ("customer", text)], secrets=[code + r7]
            )
        for i in range(10):
            ac, ex, ln = self.us_number()
            bad = ln[:2] + ln[3] + ln[2]
            if i % 2:
                text = f"It's {ac}-{ex}-{bad}, sorry, no, {ln}."
            else:
                text = (
                    f"{en_digits(ac)}, {en_digits(ex)}, {en_digits(bad[:2], zero='oh')}... no wait, "
                    f"{en_digits(ln, zero='oh')}."
                )
            turns = [("agent", rng.choice(EN_ASK)), ("customer", text)]
            self.add("correction", "en", turns, secrets=[ac + ex + ln])

    def _repeats(self) -> None:
        rng = self.rng
        for i in range(16):
            code, r7 = rng.choice(RU_MOB), self.rest7()
            a, b, c = r7[:3], r7[3:5], r7[5:]
            said = self.ru_phone(code, r7, rng.choice(["w1", "w2", "d6", "m2"]))
            agent = [
                f"Записываю: 8 {code} {a}-{b}-{c}, верно?",
                f"Так, {ru_group(code)}, {ru_group(a)}, {ru_group(b)}, {ru_group(c)}, правильно?",
                f"Повторяю: {code} {a} {b} {c}. Всё верно?",
                f"Окончание {b}-{c}, да?",
            ][i % 4]
            turns = [("customer", f"Мой номер {said}."), ("agent", agent), ("customer", "Да, верно.")]
            self.add("repeat_back", "ru", turns, secrets=[code + r7])
        for i in range(12):
            ac, ex, ln = self.us_number()
            said = us_render(ac, ex, ln, rng.choice([5, 6, 7]))
            agent = [
                f"So that's {ex}-{ln}, correct?",
                f"Okay, so that's {ac}-{ex}-{ln}?",
                f"Let me read that back: {en_digits(ac)}, {en_digits(ex)}, {en_digits(ln)}.",
                f"Ending in {ln}, right?",
            ][i % 4]
            turns = [("customer", f"It's {said}."), ("agent", agent), ("customer", "Yes, that's right.")]
            self.add("repeat_back", "en", turns, secrets=[ac + ex + ln])
        for i in range(6):
            _, prefix = rng.choice(BINS)
            num = self.luhn(prefix, 16)
            ru = i % 2 == 0
            said = card_render(num, "wr1" if ru else "we1")
            agent = (
                f"Карта {card_render(num, 'd1')}, всё верно?"
                if ru
                else f"So that's {card_render(num, 'd2')}, correct?"
            )
            turns = [("customer", said + "."), ("agent", agent), ("customer", "Да." if ru else "Yes.")]
            self.add("repeat_back_card", "ru" if ru else "en", turns, secrets=[num], allowed={num[-4:]})

    def _doubles(self) -> None:
        rng = self.rng
        for i in range(12):  # EN "double seven", "triple oh"
            if i % 2:
                ac = rng.choice(EN_AREA)
                ex = rng.choice(["555", "444", "222", "877", "866", "311"])
                ln = rng.choice(["0011", "1100", "2334", "7788", "9000", "5566"])
                text = (
                    f"{en_digits(ac, doubles=True)}, {en_digits(ex, doubles=True)}, "
                    f"{en_digits(ln, zero='oh', doubles=True)}"
                )
                secret = ac + ex + ln
            else:
                secret = (
                    "7"
                    + rng.choice(["700", "911", "788"])
                    + rng.choice(["900", "112", "445"])
                    + rng.choice(["123", "006", "770"])
                )
                text = f"oh {en_digits(secret, zero='oh', doubles=True)}"
            turns = [("agent", rng.choice(EN_ASK)), ("customer", f"Yeah, it's {text}.")]
            self.add("double_digits", "en", turns, secrets=[secret])
        nouns = {
            "0": "нуля",
            "2": "двойки",
            "3": "тройки",
            "5": "пятёрки",
            "7": "семёрки",
            "9": "девятки",
            "1": "единицы",
            "6": "шестёрки",
            "4": "четвёрки",
        }

        def said(g: str) -> str:  # "два нуля", "три семёрки", "две двойки"
            if len(set(g)) == 1 and g[0] in nouns:
                count = {2: "две" if g[0] != "0" else "два", 3: "три"}[len(g)]
                return f"{count} {nouns[g[0]]}"
            return ru_group(g)

        for _ in range(12):  # RU
            code = rng.choice(RU_MOB)
            a = rng.choice(["777", "222", "555", "123", "400"])
            b = rng.choice(["00", "22", "55", "77", "33"])
            c = rng.choice(["11", "99", "66", "22", "44"])
            text = f"Восемь, {ru_group(code)}, {said(a)}, {said(b)}, {said(c)}."
            turns = [("agent", rng.choice(RU_ASK)), ("customer", text)]
            self.add("double_digits", "ru", turns, secrets=[code + a + b + c])

    # --- negatives -----------------------------------------------------------------------------------------

    def _neg(self, cat: str, lang: str, turns: list[tuple[str, str]], keep: list[str] | None = None) -> None:
        self.add("NEG_" + cat, lang, turns, neg=True, keep=keep or [])

    def _negatives(self) -> None:
        rng, rd = self.rng, self.digits
        for i in range(14):  # prices
            p = rng.choice([1990, 2990, 4500, 12500, 129900, 1499, 35000, 990, 7490, 249000])
            ps = f"{p:,}".replace(",", " ")
            # every text is built (one draws a number) and one kept: the draws fix the cases for a seed
            text = [
                f"Тариф стоит {ps} рублей в месяц.",
                f"Итого к оплате {ps} ₽.",
                f"Это будет {ru_int(p) if p < 10000 else ps} рублей.",
                f"Ну, {ps} руб., это со скидкой.",
                f"Стоимость установки {p} рублей, плюс доставка 500.",
                f"Рассрочка, {ps} рублей, платёж {p // 6} в месяц.",
                f"That's ${p:,}.99 total.",
                f"It's ${p // 100:,}.99 a month.",
                "It's two ninety-nine a month.",
                f"The total comes to ${p:,} even.",
                f"That would be {en_int(p % 10000)} dollars.",
                "Ninety-nine ninety-nine, plus tax.",
                f"Сумма долга {ps} рублей {rng.randint(10, 99)} копеек.",
                "$1,299.99 for the annual plan.",
            ][i]
            en = any(x in text for x in ("$", "It", "That", "Ninety"))
            self._neg("price", "en" if en else "ru", [("agent", text)])
        for i in range(16):  # order, contract, INN after their word
            o = rng.choice("123456789") + rd(rng.choice([5, 7, 9, 10]))
            text = [
                f"Номер заказа {o}.",
                f"Заказ № {o}, доставка завтра.",
                f"Договор номер {o[:4]}-{o[4:]} от прошлого месяца.",
                "ИНН 7707083893.",
                "ИНН нашей компании 7728168971.",
                f"Order number {o}.",
                f"Your order {o[:3]}-{o[3:]} shipped today.",
                f"Номер договора {o}, посмотрите.",
                f"ИНН {ru_pairs('7736')}, {ru_group('207')}, {ru_group('543')}.",
                f"Contract number {o}, signed in March.",
                f"Заявка номер {o} зарегистрирована.",
                f"Invoice INV-{o}.",
                f"Лицевой счёт {o}.",
                f"Ticket number {o}, please keep it.",
                "ИНН организации 7728168971, КПП 772801001.",
                f"Номер обращения {o[:3]} {o[3:]}.",
            ][i]
            self._neg(
                "order_contract_inn", "en" if _is_en(text) and "ИНН" not in text else "ru", [("agent", text)]
            )
        for i in range(10):  # the agent asks for an order/contract/INN, the customer says bare digits
            o = rng.choice("123456789") + rd(rng.choice([7, 9, 10, 11]))
            ask, lang = [
                ("Продиктуйте номер заказа.", "ru"),
                ("Назовите номер договора.", "ru"),
                ("Ваш ИНН?", "ru"),
                ("What's your order number?", "en"),
                ("Номер лицевого счёта, пожалуйста.", "ru"),
            ][i % 5]
            if i % 2 == 0:
                answer = o
            elif lang == "ru":
                answer = f"{ru_group(o[:3])}, {ru_group(o[3:6])}, {o[6:]}"
            else:
                answer = en_digits(o)
            if "ИНН" in ask:
                answer = ["7707083893", "7736207543"][i // 5]
            thanks = "Спасибо, нашла." if lang == "ru" else "Thanks, found it."
            self._neg(
                "ctx_order_number", lang, [("agent", ask), ("customer", answer + "."), ("agent", thanks)]
            )

        def inn10() -> str:  # a legal entity's INN, valid checksum
            b = rng.choice(["77", "78", "50", "54", "66"]) + rd(7)
            return b + str(
                sum(int(d) * k for d, k in zip(b, [2, 4, 10, 3, 5, 9, 4, 6, 8], strict=True)) % 11 % 10
            )

        def inn12() -> str:  # a person's INN, valid checksums
            b = rng.choice(["77", "50", "78", "16"]) + rd(8)
            c1 = str(
                sum(int(d) * k for d, k in zip(b, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8], strict=True)) % 11 % 10
            )
            w2 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
            return b + c1 + str(sum(int(d) * k for d, k in zip(b + c1, w2, strict=True)) % 11 % 10)

        for i in range(12):  # a company's INN, valid checksums (a person's 12-digit INN is an [ID])
            inn = inn10()
            text = [
                f"ИНН {inn}.",
                f"ИНН у нас {inn[:4]} {inn[4:]}.",
                f"Наш ИНН: {' '.join(inn[k : k + 2] for k in range(0, len(inn), 2))}.",
                f"ИНН {ru_pairs(inn)}.",
                f"Да, ИНН {inn}, КПП не нужен.",
                f"Мой ИНН {inn[:3]}-{inn[3:6]}-{inn[6:]}.",
            ][i % 6]
            self._neg("inn", "ru", [("customer", text)])
        for i in range(10):  # phone-shaped references after their word
            o = rng.choice(RU_MOB) + rd(7)
            text = [
                f"Номер заказа {o}.",
                f"Заказ номер {o[:3]} {o[3:6]} {o[6:8]} {o[8:]}.",
                f"Номер заявки {o}, запишите.",
                f"Договор № {o}.",
                f"Лицевой счёт {o}.",
                f"Order number {o}.",
                f"Your ticket number is {o[:3]}-{o[3:6]}-{o[6:]}.",
                f"Номер обращения {o[:3]} {o[3:]}.",
                f"Трек-номер посылки {o}.",
                f"Номер полиса ОСАГО ХХХ {o}.",
            ][i]
            lang = "en" if text.startswith(("Order", "Your")) else "ru"
            self._neg("phone_shaped_reference", lang, [("agent", text)])
        fixed: list[
            tuple[str, str, int, list[str]]
        ] = [  # (category, speaker, letters that make it English, texts)
            (
                "date_time",
                "agent",
                3,
                [
                    "Платёж спишется 15.03.2026.",
                    "Акция действует с 01.04.2026 по 30.04.2026.",
                    "Перезвоню в 14:30.",
                    "Мы работаем с 9:00 до 18:00, с понедельника по пятницу.",
                    "Доставка 12 мая, с 10 до 14.",
                    "Договор от 23.11.2025 года.",
                    "The appointment is on 03/15/2026 at 2:30 PM.",
                    "Your renewal date is March 15th, 2026.",
                    "Встреча 2026-03-15 в 16:45.",
                    "Пятнадцатого марта две тысячи двадцать шестого года.",
                    "Between 9 and 5, Monday to Friday.",
                    "Срок до 31 декабря, до 23:59.",
                    "It was on 12/01/2025, around 10:15 in the morning.",
                    "Запись на 17.03 в 11:20.",
                ],
            ),
            (
                "quantity_tariff",
                "agent",
                4,
                [
                    "Тариф 500 минут и 20 гигабайт.",
                    "Нам нужно 300 штук, и ещё 1 200 на следующий месяц.",
                    "Пакет на 1000 SMS и 50 ГБ.",
                    "We have 2,500 seats and about 120 agents.",
                    "Скорость до 500 мегабит.",
                    "Вес посылки 12 килограммов 400 граммов.",
                    "The unlimited plan includes 5000 minutes.",
                    "Тариф «Максимум 1500», там полторы тысячи минут.",
                    "У нас 45 сотрудников в колл-центре, 3 смены.",
                    "Заказали 2400 листов бумаги и 36 картриджей.",
                    "Лимит 100 000 рублей в сутки.",
                    "Около 4 500 звонков в день.",
                ],
            ),
            (
                "year",
                "customer",
                3,
                [
                    "Мы клиенты с 2019 года.",
                    "В 2024-2025 годах цены не менялись.",
                    "Since 2015, yeah.",
                    "Машина 2018 года выпуска.",
                    "Я с тысяча девятьсот восемьдесят пятого года.",
                    "Back in 1998 and again in 2021.",
                    "Отчёт за 2023 и 2024 год.",
                    "Две тысячи двадцать пятый год был тяжёлый.",
                ],
            ),
            (
                "counts",
                "agent",
                3,
                [
                    "Раз, два, три, проверка связи.",
                    "Раз, два, три, четыре, пять, слышно меня?",
                    "One, two, three, testing.",
                    "Первое, второе, третье, четвёртое.",
                    "Один, два, три, четыре, пять, шесть, семь, восемь.",
                    "One, two, three, four, five, six, seven.",
                    "Пункты 1, 2, 3, 4 и 5 выполнены.",
                    "Steps 1, 2, 3, 4, 5 and 6 are done.",
                ],
            ),
            (
                "percent",
                "agent",
                3,
                [
                    "Скидка 15% на первый год.",
                    "Двадцать пять процентов годовых.",
                    "That's a 12.5% increase.",
                    "Ставка 18,9 процента.",
                    "Конверсия выросла с 23 до 31 процента.",
                    "About 99.9% uptime.",
                    "Комиссия 1,5 %, минимум 30 рублей.",
                    "Fifty percent off for three months.",
                ],
            ),
            (
                "address",
                "customer",
                4,
                [
                    "Улица Ленина, дом 45, квартира 128.",
                    "Доставка по адресу: ул. Профсоюзная, д. 12, корп. 3, кв. 456.",
                    "Москва, Тверская, 15, строение 2, офис 1204.",
                    "Дом двенадцать, квартира сто сорок пять.",
                    "I live at 1234 Elm Street, apartment 56.",
                    "It's 221B Baker Street, London.",
                    "Проспект Мира, 119, подъезд 4, этаж 7.",
                    "Индекс 101000, Москва.",
                    "Suite 2100, 350 Fifth Avenue.",
                    "Санкт-Петербург, Невский проспект, дом 28, офис 305.",
                    "Zip code 94103.",
                    "Почтовый индекс 630099.",
                ],
            ),
        ]
        for cat, role, letters, texts in fixed:
            for text in texts:
                lang = (
                    "en"
                    if _is_en(text, letters) and not (cat == "quantity_tariff" and "SMS" in text)
                    else "ru"
                )
                self._neg(cat, lang, [(role, text)])
        for i in range(8):  # a card's last four (no PII)
            l4 = rd(4)
            text = [
                f"Карта, которая заканчивается на {l4}.",
                f"The one ending in {l4}.",
                f"Последние цифры {l4}.",
                f"Visa ending {l4}, yes.",
                f"Спишем с карты *{l4}.",
                f"Your card ending in {en_digits(l4)}.",
                f"Карта на конце {ru_group(l4[:2])} {ru_group(l4[2:])}.",
                f"Мир, последние четыре {l4}.",
            ][i]
            keep = [l4] if l4 in text else []
            self._neg("card_last4", "en" if _is_en(text, 4) else "ru", [("agent", text)], keep=keep)
        for text in [
            "Версия приложения 4.12.3.",
            "Трек-номер 80085412345678.",
            "Код подтверждения 4821.",
            "Reference number ABC-123-456.",
            "Номер рейса SU 1402, вылет в 14:05.",
            "Артикул 4607001234.",
            "Model number XR-2000, serial 55A1234.",
            "Кабинет 214, второй этаж.",
            "Табельный номер 10452.",
            "Код по ОКПО 12345678.",
        ]:
            self._neg("misc_reference", "en" if _is_en(text, 4) else "ru", [("agent", text)])


def make_cases(seed: int = DEFAULT_SEED) -> list[Case]:
    """Every case, positives then negatives; the same for the same seed."""
    return _CaseMaker(seed).make()


# --- the benchmark -------------------------------------------------------------------------------------


def _category() -> Counter[str]:
    return Counter(n=0, leak=0, leak_stored=0, leak_llm=0, leak_one_segment=0, fp=0)


def measure(seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Every number the benchmark prints, as a dict (the pytest bench asserts on it)."""
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from processors.pii import PLACEHOLDER_RE
    from streams.bench_text import make_transcript_from_turns

    cases = make_cases(seed)
    by_cat: defaultdict[str, Counter[str]] = defaultdict(_category)
    leaks: list[dict[str, Any]] = []
    false_positives: list[dict[str, Any]] = []
    unreadable: list[str] = []
    collateral: list[str] = []
    cvv = Counter(cases=0, cvv=0, expiry=0)
    for case in cases:
        if not case.neg and not secret_hits("\n".join(text for _, text in case.turns), case):
            unreadable.append(case.cid)  # the checker could not see this secret even unredacted
        filtered = filter_transcript(make_transcript_from_turns(case.cid, list(case.turns), case.lang))
        segments = filtered["transcript"]["segments"]
        stored_texts = [s["text"] for s in segments]
        stored = "\n".join(stored_texts)
        llm = compress(filtered, len, "bench")["text"]
        row = {"cid": case.cid, "lang": case.lang, "turns": case.turns, "stored": stored_texts, "llm": llm}
        counts = by_cat[case.cat]
        counts["n"] += 1
        if case.neg:
            placeholders = sorted(set(PLACEHOLDER_RE.findall(stored)) | set(PLACEHOLDER_RE.findall(llm)))
            if placeholders:
                counts["fp"] += 1
                false_positives.append(row | {"placeholders": placeholders})
            collateral += [f"{case.cid}: {k!r} lost" for k in case.keep if k not in stored]
            continue
        in_stored, in_llm = secret_hits(stored, case), secret_hits(llm, case)
        counts["leak_stored"] += bool(in_stored)
        counts["leak_llm"] += bool(in_llm)
        if in_stored or in_llm:
            # readable inside one stored segment, not only by reading consecutive segments together
            one_segment = any(secret_hits(text, case) for text in stored_texts)
            counts["leak"] += 1
            counts["leak_one_segment"] += one_segment
            leaks.append(row | {"hits_stored": in_stored, "hits_llm": in_llm, "one_segment": one_segment})
        if case.cvv:
            cvv["cases"] += 1
            cvv["cvv"] += short_hits(stored, case.cvv, 3) or short_hits(llm, case.cvv, 3)
            cvv["expiry"] += short_hits(stored, case.expiry, 4) or short_hits(llm, case.expiry, 4)
    positives = sum(not c.neg for c in cases)
    negatives = len(cases) - positives
    return {
        "seed": seed,
        "cases": len(cases),
        "positives": positives,
        "negatives": negatives,
        "leaks": len(leaks),
        "leaks_stored": sum(c["leak_stored"] for c in by_cat.values()),
        "leaks_llm": sum(c["leak_llm"] for c in by_cat.values()),
        "leak_rate": len(leaks) / positives,
        "false_positives": len(false_positives),
        "fp_rate": len(false_positives) / negatives,
        "cvv": dict(cvv),
        "unreadable": unreadable,
        "collateral": collateral,
        "categories": {
            cat: dict(by_cat[cat]) for cat in sorted(by_cat, key=lambda k: (k.startswith("NEG_"), k))
        },
        "leak_cases": leaks,
        "fp_cases": false_positives,
    }


def _pct(x: float) -> str:
    return f"{x * 100:.1f} %"


def _print_case(row: dict[str, Any], why: str) -> None:
    print(f"\n[{row['cid']}] ({row['lang']}) {why}")
    for role, text in row["turns"]:
        print(f"  in  {role:<8}: {text}")
    for text in row["stored"]:
        print(f"  out         : {text}")
    if row.get("hits_llm") and not row.get("hits_stored"):
        print(f"  llm         : {row['llm']}")


def run_pii_bench(seed: int = DEFAULT_SEED, verbose: bool = False) -> int:
    """Print the PII benchmark table; 0, or 1 when the checker cannot see a secret in its own input
    (then the leak count means nothing)."""
    r = measure(seed)
    pos, neg, cvv = r["positives"], r["negatives"], r["cvv"]
    print(f"pii redaction: filter → compress on {r['cases']} generated RU/EN call snippets (seed {seed})")
    print(f"{'metric':<44} {'baseline':>14} {'callstream':>14} {'target':>10}")
    rows = [
        (
            f"leaks ({r['leaks']} of {pos} positive cases)",
            "100.0 %",
            _pct(r["leak_rate"]),
            f"≤ {LEAK_TARGET * 100:.0f} %",
        ),
        ("  readable in stored segments", "100.0 %", _pct(r["leaks_stored"] / pos), ""),
        ("  readable in the LLM text", "100.0 %", _pct(r["leaks_llm"] / pos), ""),
        (
            f"false positives ({r['false_positives']} of {neg} negatives)",
            "0.0 %",
            _pct(r["fp_rate"]),
            f"≤ {FP_TARGET * 100:.0f} %",
        ),
    ]
    if cvv.get("cases"):
        n = cvv["cases"]
        rows += [
            (f"CVV readable ({n} cases, not in the leaks)", "100.0 %", _pct(cvv["cvv"] / n), ""),
            (f"expiry readable ({n} cases, not in the leaks)", "100.0 %", _pct(cvv["expiry"] / n), ""),
        ]
    rows.append(("checker self-test: secrets it cannot read", "0", str(len(r["unreadable"])), "0"))
    for label, base, ours, target in rows:
        print(f"{label:<44} {base:>14} {ours:>14} {target:>10}")
    missed = []
    if r["leak_rate"] > LEAK_TARGET:
        missed.append(f"leaks {_pct(r['leak_rate'])} > {LEAK_TARGET * 100:.0f} %")
    if r["fp_rate"] > FP_TARGET:
        missed.append(f"false positives {_pct(r['fp_rate'])} > {FP_TARGET * 100:.0f} %")
    print(f"{'result':<44} {'BELOW TARGET (' + '; '.join(missed) + ')' if missed else 'PASS'}")
    header = ("cases", 6), ("leaks", 6), ("rate", 8), ("stored", 7), ("llm", 5), ("one seg", 8), ("fp", 4)
    print(f"\n{'category':<28} " + " ".join(f"{name:>{width}}" for name, width in header))
    for cat, c in r["categories"].items():
        rate = "" if cat.startswith("NEG_") else _pct(c["leak"] / c["n"])
        print(
            f"{cat:<28} {c['n']:>6} {c['leak']:>6} {rate:>8} {c['leak_stored']:>7} {c['leak_llm']:>5} "
            f"{c['leak_one_segment']:>8} {c['fp']:>4}"
        )
    for cid in r["unreadable"]:
        print(f"checker cannot see the secret in the input of {cid}")
    for line in r["collateral"]:
        print(f"collateral: {line}")
    if verbose or r["leaks"] <= SHOW_LEAKS:
        for row in r["leak_cases"]:
            where = "within one segment" if row["one_segment"] else "only across segments"
            _print_case(row, f"leak {where}: {'; '.join(row['hits_stored'] or row['hits_llm'])}")
    elif r["leaks"]:
        print(f"\n{r['leaks']} leaks: list them with --verbose")
    if verbose or r["false_positives"] <= SHOW_LEAKS:
        for row in r["fp_cases"]:
            _print_case(row, f"false positive: {', '.join(row['placeholders'])}")
    return 1 if r["unreadable"] else 0
