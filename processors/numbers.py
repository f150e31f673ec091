"""Number words → digits, Russian and English ("две тысячи девятьсот девяносто" → "2990").

Why a table and not a library: ``text2num`` has no Russian, ``number-parser`` has not been released
since 2023 and is far too slow to run on every segment of every call. Cardinals up to the millions
are a closed vocabulary, so a table plus a magnitude-ordered parser is exact and fast.

Rules: a run of number words becomes one number while magnitudes fall ("two hundred fifty" → 250);
a word of the same or a higher magnitude starts the next number, so a phone number said group by
group ("восемь девятьсот шестнадцать сто двадцать три") becomes "8 916 123", which PII redaction
can then recognise. A lone "one"/"один"/"одна" is left alone ("no one", "one second"). Digit
groups with a thousands space ("2 990") are joined ("2990") when a currency follows them.
"""

from __future__ import annotations

import re

_EN: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_RU: dict[str, int] = {
    "ноль": 0, "один": 1, "одна": 1, "одну": 1, "одно": 1, "два": 2, "две": 2, "три": 3,
    "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15,
    "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19, "двадцать": 20,
    "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70,
    "восемьдесят": 80, "девяносто": 90, "сто": 100, "двести": 200, "триста": 300,
    "четыреста": 400, "пятьсот": 500, "шестьсот": 600, "семьсот": 700, "восемьсот": 800,
    "девятьсот": 900,
}  # fmt: skip
#: Multipliers: "hundred" multiplies what came before; thousand/million close a group.
_HUNDRED = {"hundred": 100}
_BIG = {
    "thousand": 1000, "million": 1_000_000,
    "тысяча": 1000, "тысячи": 1000, "тысяч": 1000, "тысячу": 1000,
    "миллион": 1_000_000, "миллиона": 1_000_000, "миллионов": 1_000_000,
}  # fmt: skip
_VALUES = {**_EN, **_RU}
_LONE_KEEP = {"one", "один", "одна", "одну", "одно"}
_ALL = sorted([*_VALUES, *_HUNDRED, *_BIG], key=len, reverse=True)
_WORD = rf"(?:{'|'.join(_ALL)})"
#: A run of number words joined by spaces, hyphens or "and" ("two hundred and fifty").
_RUN_RE = re.compile(rf"(?<!\w){_WORD}(?:(?:[\s‑-]+|\s+and\s+){_WORD})*(?!\w)", re.IGNORECASE)
_WORDS = frozenset(_ALL)
_TOKEN_RE = re.compile(r"\w+")
_SPLIT_RE = re.compile(r"[\s‑-]+(?:and\s+)?", re.IGNORECASE)
#: "2 990 рублей" / "1 200 000 ₽": thousands-spaced digits next to a currency.
#: Every _SPACED_RE match holds a digit, a (no-break) space and a digit.
_SPACED_HINT = re.compile(r"\d[  ]\d")
_SPACED_RE = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[  ]\d{3})+)(?=\s?(?:[$€£₽]|руб|р\.|rub|dollar|usd|eur|евро|долл))",
    re.IGNORECASE,
)


def _magnitude(value: int) -> int:
    """3 hundreds, 2 tens, 1 teens (10-19), 0 units."""
    return 0 if value < 10 else 1 if value < 20 else 2 if value < 100 else 3


def _follows(last: int | None, mag: int) -> bool:
    """Whether an addend of magnitude ``mag`` continues the number: hundreds take tens, teens or
    units; tens take units; teens and units take nothing."""
    return last is None or (last == 3 and mag < 3) or (last == 2 and mag == 0)


def _parse(words: list[str]) -> list[int]:
    """Numbers said by ``words`` (all number words), split where the magnitudes stop falling."""
    out: list[int] = []
    total, current, last, started = 0, 0, None, False
    for raw in words:
        w = raw.lower()
        if w in _BIG:
            total += max(current, 1) * _BIG[w]
            current, last, started = 0, None, True
        elif w in _HUNDRED:
            current, last, started = max(current, 1) * 100, 3, True
        else:
            mag = _magnitude(_VALUES[w])
            if started and not _follows(last, mag):
                out.append(total + current)
                total, current = 0, 0
            current += _VALUES[w]
            last, started = mag, True
    if started:
        out.append(total + current)
    return out


def _replace_run(match: re.Match[str]) -> str:
    text = match.group()
    words = [w for w in _SPLIT_RE.split(text) if w]
    if len(words) == 1 and words[0].lower() in _LONE_KEEP:
        return text
    return " ".join(str(n) for n in _parse(words))


def normalise_numbers(text: str, words: list[str] | None = None) -> str:
    """Number words → digits and "2 990 ₽" → "2990 ₽" (see the module doc for the rules).

    ``words``: ``text.lower()``'s words (``\\w+``), when the caller has them already.
    """
    if words is None:
        words = _TOKEN_RE.findall(text.lower())
    if not _WORDS.isdisjoint(words):  # fast path: no number word
        text = _RUN_RE.sub(_replace_run, text)
    if (" " in text or " " in text) and _SPACED_HINT.search(text):
        text = _SPACED_RE.sub(lambda m: re.sub(r"\s", "", m.group(1)), text)
    return text
