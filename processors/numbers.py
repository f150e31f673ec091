"""Number words → digits, Russian and English ("две тысячи девятьсот девяносто" → "2990").

Why a table and not a library: ``text2num`` has no Russian, ``number-parser`` has not been released
since 2023 and is far too slow to run on every segment of every call. Cardinals up to the millions
are a closed vocabulary, so a table plus a magnitude-ordered parser is exact and fast.

Rules: a run of number words becomes one number while magnitudes fall ("two hundred fifty" → 250);
a word of the same or a higher magnitude starts the next number, so a phone number said group by
group ("восемь девятьсот шестнадцать сто двадцать три") becomes "8 916 123", which PII redaction
can then recognise. Zero is always a digit of its own ("семьдесят ноль один" → "70 0 1"), and a
Russian singular "тысяча"/"миллион" takes only a count ending in one ("двадцать одна тысяча"), so a
card said in groups ("четыре тысячи сто одиннадцать тысяча сто одиннадцать") is "4111 1111".
Russian cardinals count in their oblique cases too ("около двух тысяч" → "около 2000"), "полторы
тысячи" is 1500, and a count in digits takes a multiplier word ("5 тысяч" → "5000", "2,5 миллиона"
→ "2500000"). An ordinal ends a number ("двадцать четвёртом" → "24-м", "twenty first" → "21st"),
and after a round amount it is the amount's only as a compound ordinal is said: with a thousand, a
year ("две тысячи двадцать пятого года" → "2025-го года"); else unless a date or a payment is said
around it, when it is a day ("пять тысяч десятого числа" → "5000 10-го числа", never "5010-го").
Digit groups with a thousands space ("2 990") are joined ("2990") when a currency follows.

A wrong number is far worse than a number left in words, so whatever is unsure stays as it was: a
lone "one"/"один"/"одна" ("no one", "one second"), a lone word that is also something else ("сорока"
is a magpie, "с нуля" is "from scratch"), a lone ordinal ("в первую очередь"), a plural multiplier
without a count ("тысячи людей", "десятки тысяч"), a multiplier after digits that may not be its
count ("1 200 тысяч", "1,500 thousand"), a multiplier after a half ("one and a half thousand"), a price
said the short way ("two ninety-nine", "two fifty a month": 2.50 or 250, never "2 50") unless a night's
rate or a price in hundreds said in full beside it says hundreds ("219 dollars a night, or one eighty
nine": 189), and "twenty second", which is 22nd or a 20-second pause. "twenty twenty-five" is the year
2025, not "20 25"; "a hundred and twenty dollars" is "120 dollars", the article its count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

_EN: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_RU: dict[str, int] = {
    "ноль": 0, "нуль": 0, "один": 1, "одна": 1, "одну": 1, "одно": 1, "два": 2, "две": 2, "три": 3,
    "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15,
    "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19, "двадцать": 20,
    "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70,
    "восемьдесят": 80, "девяносто": 90, "сто": 100, "двести": 200, "триста": 300,
    "четыреста": 400, "пятьсот": 500, "шестьсот": 600, "семьсот": 700, "восемьсот": 800,
    "девятьсот": 900, "полтораста": 150,
}  # fmt: skip


def _with_e(words: dict[str, int]) -> dict[str, int]:
    """``words`` and their spellings with "е" for "ё" ("трёх", "трех"): both are written."""
    return {**words, **{w.replace("ё", "е"): v for w, v in words.items() if "ё" in w}}


#: Genitive, dative, instrumental and prepositional forms; "пятью" and the like are numbers only
#: ("пятью пять"). "семью" is also "family": a number only in a run (see :data:`_LONE_KEEP`).
_RU_OBLIQUE: dict[str, int] = _with_e({
    "нуля": 0, "нулю": 0, "нулём": 0, "ноля": 0, "нолю": 0, "нолём": 0,
    "одного": 1, "одной": 1, "одному": 1, "одним": 1, "одном": 1,
    "двух": 2, "двум": 2, "двумя": 2, "трёх": 3, "трём": 3, "тремя": 3,
    "четырёх": 4, "четырём": 4, "четырьмя": 4, "пяти": 5, "пятью": 5, "шести": 6, "шестью": 6,
    "семи": 7, "семью": 7, "восьми": 8, "восемью": 8, "восьмью": 8, "девяти": 9, "девятью": 9,
    "десяти": 10, "десятью": 10,
    **{f"{stem}надцат{end}": value for stem, value in (
        ("один", 11), ("две", 12), ("три", 13), ("четыр", 14), ("пят", 15), ("шест", 16),
        ("сем", 17), ("восем", 18), ("девят", 19)) for end in ("и", "ью")},
    "двадцати": 20, "двадцатью": 20, "тридцати": 30, "тридцатью": 30, "сорока": 40,
    "пятидесяти": 50, "пятьюдесятью": 50, "шестидесяти": 60, "шестьюдесятью": 60,
    "семидесяти": 70, "семьюдесятью": 70, "восьмидесяти": 80, "восемьюдесятью": 80,
    "девяноста": 90, "ста": 100, "полутораста": 150,
    **{word: value for value, gen, dat, ins in (
        (200, "двух", "двум", "двумя"), (300, "трёх", "трём", "тремя"),
        (400, "четырёх", "четырём", "четырьмя"), (500, "пяти", "пяти", "пятью"),
        (600, "шести", "шести", "шестью"), (700, "семи", "семи", "семью"),
        (800, "восьми", "восьми", "восемью"), (900, "девяти", "девяти", "девятью"),
    ) for word in (gen + "сот", dat + "стам", ins + "стами", gen + "стах")},
})  # fmt: skip
#: Digits as fast speech says them and ASR writes them down ("пятсот писят сем", "восемсот шисят",
#: "niner" and "nought" of radio and British English): the same numbers, no other words.
_SPOKEN: dict[str, int] = {
    "сем": 7, "восем": 8, "писят": 50, "пийсят": 50, "шисят": 60, "шейсят": 60, "пятсот": 500,
    "семсот": 700, "восемсот": 800, "девятсот": 900, "niner": 9, "nought": 0,
}  # fmt: skip
_VALUES = {**_EN, **_RU, **_RU_OBLIQUE, **_SPOKEN}
_EN_ONES = [w for w, v in _EN.items() if 1 <= v <= 9]
#: "hundred" multiplies what came before ("five hundred"); Russian hundreds are words of their own.
_HUNDRED = {"hundred": 100}
#: Thousand and million close a group. These forms mean one thousand (million) when said alone.
_BIG_ONE = {
    "thousand": 1000, "million": 1_000_000,
    "тысяча": 1000, "тысячу": 1000, "тысяче": 1000, "тысячей": 1000, "тысячью": 1000,
    "тыща": 1000, "тыщу": 1000,
    "миллион": 1_000_000, "миллиона": 1_000_000, "миллиону": 1_000_000, "миллионом": 1_000_000,
    "миллионе": 1_000_000,
}  # fmt: skip
#: These need a count: alone they say "thousands" ("тысячи людей", "десятки тысяч").
_BIG_COUNTED = {
    "тысячи": 1000, "тысяч": 1000, "тысячам": 1000, "тысячами": 1000, "тысячах": 1000,
    "тыщи": 1000, "тыщ": 1000,
    "миллионов": 1_000_000, "миллионам": 1_000_000, "миллионами": 1_000_000, "миллионах": 1_000_000,
}  # fmt: skip
_BIG = {**_BIG_ONE, **_BIG_COUNTED}
#: Russian singular forms a count takes only when it ends in one ("двадцать одна тысяча", not "сто
#: одиннадцать тысяча"): after any other count they start the next number (a card said in groups,
#: "четыре тысячи сто одиннадцать тысяча сто одиннадцать", is "4111 1111", not "4111 111000").
_RU_SINGULAR_BIG = frozenset({"тысяча", "тысячу", "тыща", "тыщу", "миллион"})
#: One and a half: a count only right before a thousand or a million ("полторы тысячи" = 1500).
_HALF = frozenset({"полтора", "полторы", "полутора"})
#: A single word that is no number when said alone.
_LONE_KEEP = frozenset(
    {"one", "один", "одна", "одну", "одно", "одного", "одной", "одному", "одним", "одном", "сорока", "ста"}
    | {"семью"}  # "кормлю семью": "family"; "шестьюдесятью семью" is 67
    | {"сем"}  # "о сем": "about this", as old speech says
    | {w for w, v in _RU_OBLIQUE.items() if v == 0}
)

_EN_ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}  # fmt: skip
_RU_ORDINAL_STEMS: dict[str, int] = {
    "перв": 1, "втор": 2, "четвёрт": 4, "пят": 5, "шест": 6, "седьм": 7, "восьм": 8,
    "девят": 9, "десят": 10, "одиннадцат": 11, "двенадцат": 12, "тринадцат": 13, "четырнадцат": 14,
    "пятнадцат": 15, "шестнадцат": 16, "семнадцат": 17, "восемнадцат": 18, "девятнадцат": 19,
    "двадцат": 20, "тридцат": 30, "сороков": 40, "пятидесят": 50, "шестидесят": 60, "семидесят": 70,
    "восьмидесят": 80, "девяност": 90, "сот": 100, "двухсот": 200, "трёхсот": 300, "четырёхсот": 400,
    "пятисот": 500, "шестисот": 600, "семисот": 700, "восьмисот": 800, "девятисот": 900,
}  # fmt: skip
_ORDINALS: dict[str, int] = {
    **_EN_ORDINALS,
    **{
        stem + end: value
        for stem, value in _with_e(_RU_ORDINAL_STEMS).items()
        for end in ("ый", "ой", "ая", "ое", "ые", "ого", "ому", "ом", "ым", "ую", "ых", "ыми")
    },
    **{
        "трет" + end: 3
        for end in ("ий", "ья", "ье", "ьи", "ьего", "ьему", "ьем", "ьим", "ью", "ьих", "ьими", "ьей")
    },
}
#: "twenty second" is 22nd, or a twenty-second pause: such a run stays in words.
_AMBIGUOUS_ORDINALS = frozenset({"second"})
_RU_VOWELS = frozenset("аеёиоуыэюяь")

#: Every word a number can start with or go on with: texts with none of them skip the regex.
NUMBER_WORDS = frozenset([*_VALUES, *_HUNDRED, *_BIG, *_HALF])
#: The Russian ones, every case ("двадцати", "полутора", "тысяч"): for patterns of other modules.
RU_NUMBER_WORDS = frozenset(
    [
        *_RU,
        *_RU_OBLIQUE,
        *(w for w in _SPOKEN if not w.isascii()),
        *(w for w in _BIG if not w.isascii()),
        *_HALF,
    ]
)


def alternation(words: Iterable[str]) -> str:
    """A pattern for any of ``words`` (letters), as a trie: "дв(?:а|е|ух)". The regex engine tries the
    branches of a group one by one, so a word start costs a try per distinct letter, not per word.
    A word that is the start of another may match either way: every use checks the word ends."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [char + pattern(child) for char, child in node.items() if char]
        if "" in node:
            branches.append("")
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(tree)


_KNOWN = NUMBER_WORDS | _ORDINALS.keys()
#: Pattern source: one of NUMBER_WORDS, as a whole word (for IGNORECASE patterns).
NUMBER_WORD = rf"{alternation(NUMBER_WORDS)}(?!\w)"
_SEP = r"(?:[\s‑-]+|\s+and\s+)"
#: A count in digits right before a multiplier ("5 тысяч", "2,5 million"): not part of a longer
#: number ("1 200 тысяч", "-5"), and one or two decimals only ("1,500 thousand" may be 1.5 million).
_LEAD = (
    r"(?<![\w,.‑-])(?<![\d,.][\s\u00a0])(?P<lead>\d+(?:[.,]\d{1,2})?)[\s\u00a0]+"
    rf"(?=(?:{alternation({**_HUNDRED, **_BIG})})(?!\w))"
)
#: "a" before a multiplier said with no count ("a hundred and twenty dollars", "a thousand rubles"):
#: the count the article says goes with the number, "120 dollars", never "a 120 dollars".
_ARTICLE = r"(?P<article>(?<![\w‑-])a\s+)(?=(?:hundred|thousand|million)(?!\w))"
#: A run of number words joined by spaces, hyphens or "and" ("two hundred and fifty"), maybe ending
#: in an ordinal, maybe after a count in digits or an article.
_RUN_RE = re.compile(
    rf"(?:{_LEAD}|{_ARTICLE})?(?P<run>(?<!\w){NUMBER_WORD}(?:{_SEP}{NUMBER_WORD})*(?:{_SEP}(?:{alternation(_ORDINALS)})(?!\w))?)",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"\w+")
#: Before a count: a count in words and a range or choice word ("от пяти до ", "five or ").
_RANGE_BEFORE = re.compile(rf"(?<!\w){NUMBER_WORD}\s*(?:-|–|до|to|or|или|and|и)\s*$", re.IGNORECASE)
#: After a count: a range or choice whose second count takes a multiplier ("... до шести тысяч").
_SHARED_BIG = re.compile(
    rf"\s*(?:-|–|до|to|or|или|and|и)\s*(?:{NUMBER_WORD}[\s-]+){{1,3}}?"
    r"(?:тысяч\w*|тысяча|тысячу|миллион\w*|thousand|million)(?!\w)",
    re.IGNORECASE,
)
#: "2 990 рублей" / "1 200 000 ₽": thousands-spaced digits next to a currency.
#: Every _SPACED_RE match holds a digit, a (no-break) space and a digit.
_SPACED_HINT = re.compile(r"\d[  ]\d")
_SPACED_RE = re.compile(
    # From the start of a run only, possessive: a long run of groups with no currency after it
    # ("сто сто сто ..." said) is tried once, not from each group (that was quadratic).
    r"(?<![\d,.])(?<!\d[  ])(\d{1,3}(?:[  ]\d{3})++)(?=\s?(?:[$€£₽]|руб|р\.|rub|dollar|usd|eur|евро|долл))",
    re.IGNORECASE,
)

#: One number of a run: (index of its first word, -1 for the digits before the run; index of its last
#: word; its value, None for a word left as it is; the ordinal word it ends with, or "").
_Piece = tuple[int, int, Fraction | int | None, str]


def _ends_in_one(count: Fraction | int) -> bool:
    """Whether a Russian count takes a singular noun: 1, 21, 101, ... (not 11, 111)."""
    return count == int(count) and int(count) % 10 == 1 and int(count) % 100 != 11


def _magnitude(value: int) -> int:
    """3 hundreds, 2 tens, 1 teens (10-19), 0 units."""
    return 0 if value < 10 else 1 if value < 20 else 2 if value < 100 else 3


def _follows(last: int | None, mag: int) -> bool:
    """Whether an addend of magnitude ``mag`` continues the number: hundreds take tens, teens or
    units; tens take units; teens and units take nothing."""
    return last is None or (last == 3 and mag < 3) or (last == 2 and mag == 0)


def _dictated(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` is a digit said on its own: a unit word not counting hundreds or more."""
    return (
        i < len(words)
        and _VALUES.get(words[i], 10) < 10
        and (i + 1 == len(words) or (words[i + 1] not in _HUNDRED and words[i + 1] not in _BIG))
    )


def _parse(words: list[str], lead: Fraction | None, context: str = "") -> list[_Piece] | None:
    """The numbers said by ``words`` (lower-case words of one run), split where the magnitudes stop
    falling; ``lead`` is a count said in digits before the run. None: leave the run as it is.
    ``context``: what is said around a run ending in an ordinal (see :func:`_ordinal_context`)."""
    out: list[_Piece] = []
    total: Fraction | int = 0
    current: Fraction | int = lead or 0  # the addends since the last multiplier
    last: int | None = 0 if lead else None  # the magnitude of the last addend
    big: int | None = None  # the last multiplier: a bigger or the same one starts the next number
    start = count_start = -1 if lead else None  # the first word of the number, of ``current``
    addend: tuple[int, int] | None = None  # the last plain number word and its value

    def close(end: int) -> None:
        nonlocal total, current, last, big, start, count_start
        if start is not None:
            out.append((start, end, total + current, ""))
        total, current, last, big, start, count_start = 0, 0, None, None, None, None

    for i, w in enumerate(words):
        if w in _ORDINALS:  # only ever the last word of a run
            value = _ORDINALS[w]
            if start is None or not _follows(last, _magnitude(value)):
                close(i - 1)
                out.append((i, i, None, ""))
            elif w in _AMBIGUOUS_ORDINALS:
                return None
            elif context == "count" and out and out[-1][2] is not None and out[-1][1] == start - 1:
                # "триста сорок девять пятьдесят первые три месяца": 349.50 for the first three months
                # or 349 and a 51st; an ordinal before a count is mostly "first N", so its words stay
                out.append((start, i, None, ""))
                start = None
            else:
                # the day said after a round amount ("пять тысяч десятого числа", "two hundred fifth of
                # May"): the ordinal's tens and units, when the number before them is no ordinal's
                low_at, low = addend if last == 2 and addend is not None else (i, 0)
                head = total + current - low
                if head and _split_day(words, start, i, total + current + value, low + value, context):
                    out.append((start, low_at - 1, head, ""))
                    if low + value > 31:
                        return None  # no day either: unsure, in words
                    out.append((low_at, i, low + value, w))
                else:
                    out.append((start, i, total + current + value, w))
                start = None
        elif w in _HALF:
            close(i - 1)
            if i + 1 < len(words) and words[i + 1] in _BIG:
                start, count_start, current, last = i, i, Fraction(3, 2), 0
            else:
                out.append((i, i, None, ""))
        elif w in _BIG:
            if w in _RU_SINGULAR_BIG and current and not _ends_in_one(current):
                close(i - 1)
            if not current and w in _BIG_COUNTED:
                close(i - 1)
                out.append((i, i, None, ""))
                continue
            value = _BIG[w]
            if big is not None and start is not None and value >= big:  # "пять тысяч пять тысяч"
                split = i if count_start is None else count_start  # the next number's first word
                out.append((start, split - 1, total, ""))
                total, start = 0, split
            total += (current or 1) * value
            current, last, big, count_start = 0, None, value, None
            start = i if start is None else start
        elif w in _HUNDRED:
            if last == 3:  # "hundred" after hundreds: not one number
                close(i - 1)
            elif current >= 100 and addend is not None:  # "five hundred six hundred": 500, then 600
                at, value = addend
                out.append((start, at - 1, total + current - value, ""))  # type: ignore[arg-type]
                total, current, big, start, count_start = 0, value, None, at, at
            start = i if start is None else start
            count_start = i if count_start is None else count_start
            current, last = (current or 1) * 100, 3
        elif _VALUES[w] == 0:  # "ноль", "zero": a digit of its own ("семьдесят ноль один" is 70 0 1)
            close(i - 1)
            out.append((i, i, 0, ""))
        else:
            value = _VALUES[w]
            mag = _magnitude(value)
            if start is not None and (
                not _follows(last, mag)
                # digits dictated after a toll-free "eight hundred": "eight hundred five five five"
                # is 800 5 5 5, not 805 5 5 (other hundreds take their units: "девятьсот три
                # ноль десять" is a phone code 903, "nine hundred two six hundred" 902 600)
                or (current == 800 and last == 3 and mag == 0 and _dictated(words, i + 1))
            ):
                close(i - 1)
            start = i if start is None else start
            count_start = i if count_start is None else count_start
            current += value
            last = mag
            addend = (i, value)
    close(len(words) - 1)
    return out


#: Endings of a Russian ordinal a date's day takes ("десятого числа", "на третье"): a year said "в две
#: тысячи пятнадцатом" or a rank "сто первый" is no day.
_DAY_ENDINGS = ("ого", "его", "ое", "ье")
#: Russian forms of "тысяча" no compound ordinal holds: its words before the last are nominative
#: ("две тысячи пятнадцатого"), so "тысячу третьего" is an amount and a day.
_OBLIQUE_THOUSAND = frozenset({"тысячу", "тыщу", "тысяче", "тысячей", "тысячью"})


def _split_day(words: list[str], start: int, at: int, whole: int, day: int, context: str) -> bool:
    """Whether the ordinal ``words[at]`` that completes a number from ``words[start]`` on (``whole``,
    with a round amount before the ``day`` it ends in) is no compound ordinal but an amount and a day.

    A compound ordinal with a thousand is a year: "две тысячи двадцать пятого года" is 2025, and so is
    one said with no "года" when the year is one (1000-2099) said in the nominative a year takes; an
    amount and a day otherwise ("три тысячи двадцатого" is 3000 on the 20th, never the year 3020,
    "тысячу третьего" is 1000 on the 3rd). Below a thousand ("сто первый", "one hundred and first") it
    is a compound unless a date is said ("of May", "марта", "числа") or a payment is ("заплачу
    триста третьего"). Only a Russian ordinal in a day's case is a day ("в две тысячи пятнадцатом" is
    the year)."""
    word = words[at]
    if context == "year" or (not word.isascii() and not word.endswith(_DAY_ENDINGS)):
        return False
    if whole < 1000:
        return context in ("day", "money") and day <= 31
    nominative = _OBLIQUE_THOUSAND.isdisjoint(words[max(start, 0) : at])
    return context != "" or not (1000 <= whole < 2100 and nominative)


def _ordinal_suffix(word: str, value: int) -> str:
    """ "21st"; in Russian the ending's last letter, two after a consonant ("2024-м", "31-го")."""
    if word.isascii():
        return "th" if value % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return "-" + (word[-1] if word[-2] in _RU_VOWELS else word[-2:])


def _digits_before(text: str, at: int) -> bool:
    """Whether digits and a space come right before ``at``: maybe a multiplier's count ("1 200 тысяч")."""
    i = at
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i < at and i > 0 and text[i - 1].isdigit()


#: "you two", "you three": a lone count right after these words names people, no figure, when the
#: phrase ends there ("for you two?", "you two are") - "give you two months" counts months.
_PRONOUN_COUNTS = frozenset({"two", "three"})
_PRONOUN_BEFORE = re.compile(r"(?<!\w)you\s+$", re.IGNORECASE)
_PRONOUN_AFTER = re.compile(
    r"\s*(?:[,.?!;:…]|$|(?:are|were|have|had|can|could|will|would|should|both|together|guys)(?!\w))",
    re.IGNORECASE,
)
#: Before a time said as hour and minutes ("at three thirty", "в три тридцать"), or after it ("p.m.").
_TIME_BEFORE = re.compile(
    r"(?<!\w)(?:at|by|around|until|till|before|after|from|в|к|до|после|с)\s+$", re.IGNORECASE
)
_TIME_AFTER = re.compile(r"\s*(?:[ap]\.?m\.?|o['’]clock)(?!\w)", re.IGNORECASE)
#: A digit or a number word next to a run, across commas and spaces only (a dictated sequence).
_NUMBER_BEFORE = re.compile(rf"(?:\d|(?<!\w){NUMBER_WORD})[\s,]+$", re.IGNORECASE)
_NUMBER_AFTER = re.compile(rf"[\s,]+(?:\d|{NUMBER_WORD})", re.IGNORECASE)
_END_AFTER = re.compile(r"\s*(?:[.!?…]|$)")


#: After a figure: money or a rate, so no time of day ("at four forty-nine a month", "в три сорок рублей").
_MONEY_AFTER = re.compile(
    r"\s*(?:a|per|each|an|dollars?|bucks|cents?|euros?|pounds?|руб|рубл|долл|евро|за|в\s+месяц|в\s+год)(?!\w)",
    re.IGNORECASE,
)
#: After a figure: a rate per period or unit ("a month", "per user", "each", "a night"): what a price with
#: its cents said the short way comes before ("forty nine ninety five a month" is 49.95, "twenty nine
#: fifty a night" 29.50; "twenty nine fifty people" stays two numbers).
_RATE_AFTER = re.compile(
    r"\s*(?:(?:a|an|per|each|every)\s+(?:month|year|week|day|night|mo|yr|user|seat|person|head|line|"
    r"licen[cs]e|piece)|monthly|nightly|apiece|each|/mo)(?!\w)",
    re.IGNORECASE,
)
#: Before a figure: a price is named ("costs", "обойдётся в", "стоит"), so no time of day.
_PRICE_BEFORE = re.compile(
    r"(?<!\w)(?:costs?|price|priced|pay|paying|for|обойд[её]тся|стоит|стоимость|цена|плат\w*|заплат\w*)\b[^.?!]{0,15}$",
    re.IGNORECASE,
)


#: Right before a figure: a word that prices it ("it costs", "the price is", "стоит", "за"), maybe with
#: "only"/"about" between; a round tens after a two-word count is then its cents ("costs twenty nine
#: ninety" is 29.90). Not "at"/"for": "at twenty nine ninety" may be a time or a year.
_COST_CUE = re.compile(
    r"(?<!\w)(?:costs?|cost\s+me|price\s+is|priced\s+at|стои(?:т|ть|ло|ла|ли|ат)|цена|за)\s+"
    r"(?:(?:only|just|about|around|всего|только|примерно|около)\s+)?$",
    re.IGNORECASE,
)
#: What ends such a price: its clause, a currency, a rate or a joiner ("за двадцать пять тридцать минут"
#: is a range of minutes, "costs twenty nine ninety p.m." no price).
_COST_END = re.compile(
    r"\s*(?:[.,;:!?…)]|$|(?:a|an|per|each|dollars?|bucks|euros?|руб\w*|долл\w*|евро|за|в|and|и|but|но|or|или|"
    r"plus|плюс|now|сейчас|with|с|including|включая|total|итого)(?!\w))",
    re.IGNORECASE,
)
#: After a figure: a currency, or a night's rate (no hotel night costs 1.89): a price in hundreds said
#: the short way ("one eighty nine a night") comes before one.
_CURRENCY_OR_NIGHT_AFTER = re.compile(
    r"\s*(?:(?P<night>(?:a|per|each)\s+night|nightly)|dollars?|bucks|euros?|pounds?|quid)(?!\w)",
    re.IGNORECASE,
)
#: Right before a figure: where a price goes ("at", "for", "costs", "is", "$").
_PRICE_SLOT_BEFORE = re.compile(
    r"(?:(?<!\w)(?:at|for|costs?|is|was|priced|pay|paying|charges?|charged|only|just)\s+|[$€£]\s?)$",
    re.IGNORECASE,
)
_EN_WORD = rf"{alternation(_EN)}(?!\w)"
#: A price in hundreds said in full: "$219", "219 dollars", "two hundred nineteen dollars a night".
_HUNDREDS_PRICE = re.compile(
    r"[$€£]\s?[1-9]\d{2}(?!\d|[.,]\d{3})|"
    rf"(?:(?<![\w.,$€£])[1-9]\d{{2}}(?![\w.,]?\d)|(?<!\w){alternation(_EN_ONES)}(?!\w)[\s‑-]+hundred"
    rf"(?:(?:[\s‑-]+|\s+and\s+){_EN_WORD})*)(?={_CURRENCY_OR_NIGHT_AFTER.pattern})",
    re.IGNORECASE,
)


def _short_hundreds(match: re.Match[str], tens: int) -> bool:
    """Whether an English unit and ``tens`` said one after another ("one eighty nine", "two forty nine")
    are a price in hundreds said the short way (189), not 1.89, a time or groups of a dictation: a
    night's rate after it, or a price in hundreds said in full elsewhere in the text ("219 dollars a
    night, or a city-view at one eighty nine") and a currency after it, or a price's place before it
    when it can be no time's minutes ("at one eighty nine", never "is five thirty")."""
    text = match.string
    if _number_next_to(match):
        return False
    after = _CURRENCY_OR_NIGHT_AFTER.match(text, match.end())
    if after is not None and after.group("night"):
        return True
    if after is None and (
        tens < 60 or _PRICE_SLOT_BEFORE.search(text, max(0, match.start() - 12), match.start()) is None
    ):
        return False
    return any(
        not (m.start() < match.end() and match.start() < m.end()) for m in _HUNDREDS_PRICE.finditer(text)
    )


def _at_time(match: re.Match[str]) -> bool:
    """Whether the run of ``match`` is said where a time of day goes: a time word after it ("p.m.",
    "o'clock"), or "at"/"в" before it with no price around ("at three thirty", not "at four forty-nine
    a month", "обойдётся в три сорок")."""
    text = match.string
    if _TIME_AFTER.match(text, match.end()) is not None:
        return True
    return (
        _TIME_BEFORE.search(text, max(0, match.start() - 10), match.start()) is not None
        and _MONEY_AFTER.match(text, match.end()) is None
        and _PRICE_BEFORE.search(text, max(0, match.start() - 40), match.start()) is None
    )


def _round_cents(cents: int, match: re.Match[str]) -> bool:
    """Whether ``cents``, a round tens, is followed by a currency (no night's rate): "twenty nine ninety
    dollars" is a price and its cents said the short way, which as "29 90 dollars" reads as two numbers."""
    after = _CURRENCY_OR_NIGHT_AFTER.match(match.string, match.end())
    return cents % 10 == 0 and after is not None and after.group("night") is None


def _number_next_to(match: re.Match[str]) -> bool:
    """Whether a digit or number word comes right before or after the run, across commas or spaces."""
    text = match.string
    return (
        _NUMBER_BEFORE.search(text, max(0, match.start() - 40), match.start()) is not None
        or _NUMBER_AFTER.match(text, match.end()) is not None
    )


def _in_dictation(match: re.Match[str]) -> bool:
    """Whether a lone "one"/"один" is a digit of a dictated sequence ("два, один, восемь"): a number
    right before it, and a number or the sentence's end right after it."""
    text = match.string
    return _NUMBER_BEFORE.search(text, max(0, match.start() - 40), match.start()) is not None and (
        _NUMBER_AFTER.match(text, match.end()) is not None or _END_AFTER.match(text, match.end()) is not None
    )


_MONTHS_RU = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_MONTHS_EN = "january|february|march|april|may|june|july|august|september|october|november|december"
#: After an ordinal: a date's day ("десятого числа", "пятнадцатого марта", "fifth of May").
_DAY_AFTER = re.compile(rf"\s+(?:числа|{_MONTHS_RU}|of\s+(?:the\s+month|{_MONTHS_EN}))(?!\w)", re.IGNORECASE)
#: After an ordinal: a year ("двадцать пятого года", "в 2015-м г.").
_YEAR_AFTER = re.compile(r"\s*(?:год\w*|г\.|year)(?!\w)", re.IGNORECASE)
#: After an ordinal: a count, as "first" takes one ("первые три месяца", "the first 2 weeks").
_COUNT_AFTER = re.compile(rf"\s+(?:\d|{NUMBER_WORD})", re.IGNORECASE)
#: Before a run: a payment is promised or asked for, so an ordinal after its amount is a day.
_PAYMENT_BEFORE = re.compile(
    r"(?<!\w)(?:(?:за|о|до|у)?пла[тч]\w*|внес\w*|внош\w*|внесу|перевед\w*|перекин\w*|верн\w*|отда\w*|"
    r"погаш\w*|погас\w*|pay\w*|paid)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


def _ordinal_context(match: re.Match[str]) -> str:
    """What is said around a run that ends in an ordinal: "year" ("... года"), "day" ("... марта",
    "... of May"), "count" ("... первые три месяца"), "money" (a payment before it) or ""."""
    text, end = match.string, match.end()
    if _YEAR_AFTER.match(text, end) is not None:
        return "year"
    if _DAY_AFTER.match(text, end) is not None:
        return "day"
    if _COUNT_AFTER.match(text, end) is not None:
        return "count"
    if _PAYMENT_BEFORE.search(text, max(0, match.start() - 40), match.start()) is not None:
        return "money"
    return ""


#: After a time said as hour and minutes with no "at" before it: what a slot of a schedule is said to do
#: ("the two fifteen works", "the two fifteen slot", "девятнадцать ноль ноль подойдёт").
_SLOT_AFTER = re.compile(
    r"\s*(?:slot|appointment|works?|would\s+(?:work|be\s+(?:fine|good|great|perfect|better))|suits?|"
    r"is\s+(?:fine|good|great|perfect|better|free|open|available|booked|taken)|"
    r"подойд[её]т|подходит|устроит|удобно|свободн\w*|занят\w*|час\w*|мск|по\s+москве)(?!\w)",
    re.IGNORECASE,
)


#: Before a time picked from the slots offered: "I'll take the two fifteen", "book the three thirty".
_SLOT_BEFORE = re.compile(
    r"(?<!\w)(?:take|book|grab|prefer|pick|choose|go\s+(?:with|for))\s+the\s+$", re.IGNORECASE
)
#: ... and what ends it there: the sentence or a clause ("the two fifteen plan" is no time).
_SLOT_END = re.compile(r"\s*(?:[.!?,;…]|$|(?:one|please|then|instead)(?!\w))", re.IGNORECASE)


def _in_slot(match: re.Match[str]) -> bool:
    """Whether the run of ``match`` is said as a slot: before what a slot does ("the two fifteen works")
    or picked from the slots after "take the", "book the" ("I'll take the two fifteen.")."""
    text = match.string
    if _SLOT_AFTER.match(text, match.end()) is not None:
        return True
    return (
        _SLOT_BEFORE.search(text, max(0, match.start() - 20), match.start()) is not None
        and _SLOT_END.match(text, match.end()) is not None
    )


def _clock(words: list[str], numbers: list[_Piece], match: re.Match[str]) -> str | None:
    """The time of day said by a run of two or three numbers, or None: an hour and its minutes where a
    time goes ("at three thirty", "в восемнадцать тридцать", "the two fifteen works": 3:30, 18:30,
    2:15), or an hour and "ноль ноль"/"zero zero" ("девятнадцать ноль ноль": 19:00), or "ноль" and a
    unit where a time goes ("в девять ноль пять": 9:05). The hour is a 12-hour one in English, any of
    0-23 in Russian, where the clock has 24 ("zero zero" after it: either). Never next to other numbers
    or after a word that asks for PII ("код девятнадцать ноль ноль" is a code's digits, "19 0 0")."""
    hour = numbers[0][2]
    if any(first != numbers[k - 1][1] + 1 for k, (first, *_) in enumerate(numbers) if k):
        return None
    english = words[0].isascii()
    if len(numbers) == 2:
        minutes = numbers[1][2]
        if not (1 <= hour <= (12 if english else 23) and 10 <= minutes < 60):
            return None
        if not (_at_time(match) or _in_slot(match)):
            return None
    else:
        (_, _, zero, _), (f3, l3, minutes, _) = numbers[1:]
        if zero != 0 or f3 != l3 or not 0 <= minutes <= 9 or not 0 <= hour <= 23:
            return None
        if minutes and not (_at_time(match) or _in_slot(match)):
            return None  # "семнадцать ноль пять" is a time only where one goes; "ноль ноль" always is
    if _number_near(match) or _cue_before(match):
        return None
    return f"{hour}:{minutes:02d}"


#: A number before or after a run across punctuation and up to two short words ("... ну, ", "... so...
#: hold on... ", "no wait, ", "oh"): the run goes on a dictation broken by a pause or a correction.
_GAP = r"(?:[\s,.…;:!?‑–-]+|[\s,.…;:!?‑–-]*(?<!\w)\w{1,4}(?!\w)[\s,.…;:!?‑–-]+){1,3}"
_NUMBER_NEAR_BEFORE = re.compile(rf"(?:\d|(?<!\w){NUMBER_WORD}){_GAP}$", re.IGNORECASE)
_NUMBER_NEAR_AFTER = re.compile(rf"{_GAP}(?:\d|{NUMBER_WORD})", re.IGNORECASE)


def _number_near(match: re.Match[str]) -> bool:
    """Whether a digit or a number word comes near the run (see :data:`_GAP`): it may be a dictation's."""
    text = match.string
    return (
        _NUMBER_NEAR_BEFORE.search(text, max(0, match.start() - 60), match.start()) is not None
        or _NUMBER_NEAR_AFTER.match(text, match.end()) is not None
    )


#: A code's word: what :func:`processors.pii.has_cue` needs no cue for (a code is no phone or card).
_CODE_BEFORE = re.compile(
    r"(?<!\w)(?:код\w*|code|pin|пин\w*|парол\w*|password|passcode|otp|смс|sms|cvv|cvc|digits|цифр\w*)(?!\w)",
    re.IGNORECASE,
)


def _cue_before(match: re.Match[str]) -> bool:
    """Whether a word asking for PII or a code ("номер", "card", "код", "PIN") is said in the 60
    characters before."""
    from processors.pii import has_cue  # pii reads this module's words: imported when first needed

    before = match.string[max(0, match.start() - 60) : match.start()]
    return _CODE_BEFORE.search(before) is not None or has_cue(before)


def _price_in_thousands(words: list[str], numbers: list[_Piece], match: re.Match[str]) -> str | None:
    """A price in thousands said the short way, as a car's is, in English where a price is said: "it
    costs thirty four four ninety five", "thirty four four ninety five dollars" is 34495, the thousands
    (10-99), the hundreds' one word and the tens. With no price said: None (a dictation's groups, or
    unsure, in words)."""
    if len(numbers) != 3 or not words[0].isascii():
        return None
    (_, l1, a, _), (f2, l2, b, _), (f3, _, c, _) = numbers
    if not (10 <= a < 100 and f2 == l1 + 1 and f2 == l2 and 1 <= b <= 9 and f3 == l2 + 1 and 10 <= c < 100):
        return None
    text = match.string
    if _number_next_to(match) or (
        _CURRENCY_OR_NIGHT_AFTER.match(text, match.end()) is None
        and _PRICE_BEFORE.search(text, max(0, match.start() - 40), match.start()) is None
    ):
        return None
    return str(a * 1000 + b * 100 + c)


def _said_as_one(words: list[str], pieces: list[_Piece], match: re.Match[str]) -> bool:
    """Whether a run whose numbers would come out one after another ("14 5", "34 4 95", "109 99", "2 15")
    says one number the short way that no rule here reads safely (14500? 14.5?), so that its words
    stay: digits apart would read as several numbers. Not so, and its numbers are digits as before,
    where the speaker said them apart: digit by digit ("five five five", "два три четыре пять"), some
    digits so ("восемьсот пять пять пять"), with a zero ("семьдесят ноль один"), as round numbers
    ("ten thirty", "триста пятьсот"), all in hundreds ("nine hundred two six hundred"), with a thousand
    or a million ("пять тысяч пять тысяч"), seven digits or more (a phone's groups: "восемь девятьсот
    шестнадцать сто двадцать три"), two numbers the last a round tens ("nine ninety": 9.90 or 990, a
    time, as before), pairs where no price is said (the last four of an SSN,
    "twenty-eight sixty-seven"; "forty nine ninety five dollars" is 49.95 or 4995: words), next to
    other numbers (a dictation's groups) or after a word that asks for PII ("номер сорок пять сорок пять")."""
    if len(pieces) < 2 or any(value is None or ordinal for _, _, value, ordinal in pieces):
        return False
    values = [int(value) for _, _, value, _ in pieces]  # type: ignore[arg-type]
    digits = [first == last and value < 10 for (first, last, _, _), value in zip(pieces, values, strict=True)]
    if sum(digits) >= 2:  # digits said one by one, maybe after a group: "восемьсот пять пять пять"
        return False
    if 0 in values or all(value >= 10 and value % 10 == 0 for value in values) or min(values) >= 100:
        return False
    if any(value >= 1000 for value in values) or not _BIG.keys().isdisjoint(words):
        return False
    if sum(len(str(value)) for value in values) >= 7:
        return False
    if len(values) == 2 and values[1] % 10 == 0:
        # a round tens last ("nine ninety", "twenty nine ninety dollars"): digits as before, where a price
        # is said it stays in words above already; rules.price_mentions reads "9 90" as 9.90
        return False
    text = match.string
    if (
        all(10 <= value < 100 for value in values)
        and _CURRENCY_OR_NIGHT_AFTER.match(text, match.end()) is None
        and _MONEY_AFTER.match(text, match.end()) is None
        and _PRICE_BEFORE.search(text, max(0, match.start() - 40), match.start()) is None
    ):
        return False  # pairs where no price is said: a code's or a phone's ("twenty-eight sixty-seven")
    return not _number_near(match) and not _cue_before(match)


#: Before a multiplier said with no count: a half counts it ("one and a half thousand", "half a million").
_HALF_BEFORE = re.compile(r"(?<!\w)half(?:\s+an?)?\s+$", re.IGNORECASE)


def _replace_run(match: re.Match[str]) -> str:
    text = match.group()
    run_at = match.start("run") - match.start()
    tokens = [m for m in _TOKEN_RE.finditer(text, run_at) if m.group().lower() != "and"]
    words = [m.group().lower() for m in tokens]
    if not _KNOWN.issuperset(words):  # "ſix": a letter the pattern takes for another, left as it is
        return text
    lead = None
    if match.group("lead") is not None:
        lead = Fraction(match.group("lead").replace(",", "."))
        if not lead:
            return text
    elif (words[0] in _BIG or words[0] in _HUNDRED) and (
        _digits_before(match.string, match.start())
        or _HALF_BEFORE.search(match.string, max(0, match.start() - 10), match.start()) is not None
    ):
        return text  # "one and a half thousand", "half a million": not "one and a half 1000"
    pieces = _parse(words, lead, _ordinal_context(match) if len(words) > 1 and words[-1] in _ORDINALS else "")
    if pieces is None:
        return text
    numbers = [(first, last, value, ordinal) for first, last, value, ordinal in pieces if value is not None]
    if not numbers or any(value.denominator != 1 for _, _, value, _ in numbers):
        return text
    first, last, value, ordinal = numbers[0]
    if len(numbers) == 1 and first == last and not ordinal:
        if words[first] in _LONE_KEEP and not (value == 1 and _in_dictation(match)):
            return text
        if (
            words[first] in _PRONOUN_COUNTS
            and _PRONOUN_BEFORE.search(match.string, 0, match.start())
            and _PRONOUN_AFTER.match(match.string, match.end())
        ):
            return text  # "for you two?": the people spoken to, not a figure
    if lead is None and len(pieces) == len(numbers) in (2, 3) and not any(o for *_, o in numbers):
        clock = _clock(words, numbers, match)
        if clock is not None:
            return clock  # "at three thirty" is 3:30, "девятнадцать ноль ноль" 19:00, not "3 30", "19 0 0"
        price = _price_in_thousands(words, numbers, match)
        if price is not None:
            return price  # "it's priced at thirty four four ninety five" is 34495, not "34 4 95"
    if lead is None and len(pieces) == 2 and len(numbers) == 2 and not any(o for *_, o in numbers):
        # "two ninety-nine", "девять девяносто девять": 2.99 or 299 said the short way, not "2 99"
        (f1, l1, a, _), (f2, l2, b, _) = numbers
        if f1 == l1 and f2 == l1 + 1:
            if (
                not words[f1].isascii()
                and 2 <= a <= 9
                and 100 <= b < 1000
                and b % 10 == 0
                and not _number_next_to(match)
            ):
                return str(a * 1000 + b)  # "три пятьсот" is 3500 said the short way, not "3 500"
            if (
                a == 20
                and 10 <= b < 40
                and words[f1].isascii()
                and _MONEY_AFTER.match(match.string, match.end()) is None
                and _PRICE_BEFORE.search(match.string, max(0, match.start() - 40), match.start()) is None
            ):
                return str(2000 + b)  # "twenty twenty-five" is the year 2025, not "20 25"
        if (
            l1 == f1 + 1
            and f2 == l1 + 1
            and 20 < a < 100
            and a % 10
            and 10 <= b < 100
            and words[f1].isascii()
            and (_RATE_AFTER.match(match.string, match.end()) is not None or _round_cents(b, match))
            and not _number_next_to(match)
        ):
            # "forty nine ninety five a month" is a price and its cents, 49.95, never "49 95"; with
            # no rate after it may be a car's 4995 as well, or a phone's or a card's groups ("forty
            # five forty five"), which stay apart; "twenty nine ninety dollars" is 29.90
            return f"{a}.{b:02d}"
        if (
            l1 == f1 + 1
            and f2 == l2 == l1 + 1
            and 20 < a < 100
            and a % 10
            and 10 <= b < 100
            and b % 10 == 0
            and _COST_CUE.search(match.string, max(0, match.start() - 30), match.start()) is not None
            and not _number_next_to(match)
            and _COST_END.match(match.string, match.end()) is not None
        ):
            # "it costs twenty nine ninety", "стоит двадцать девять девяносто": a price and its round
            # cents said the short way, as before a currency (see _round_cents), never "29 90"
            return f"{a}.{b:02d}"
        if f1 == l1 and 1 <= a <= 9 and 20 <= b < 100 and words[f1].isascii() and _short_hundreds(match, b):
            return str(a * 100 + b)  # "a city-view at one eighty nine" next to "219 dollars a night": 189
        # (never after a zero: "ноль сорок три" is a phone's 0 43, no price is said that way; nor in a
        # Russian dictation, after or before other groups: "..., 2981, одиннадцать сорок три" is 11 43;
        # English ones are read whole by the redaction's dictated digits, "oh"s and all)
        if (
            f1 == l1
            and 0 < a < 20
            and l2 == f2 + 1
            and 20 < b < 100
            and b % 10
            and (words[f1].isascii() or not _number_next_to(match))
        ):
            return text
        # ... nor a round tens after a unit or a teen where a price is said: "two fifty a month" is 2.50
        # or 250, never "2 50" (elsewhere it is a time, "expiring ten thirty", or a dictation's group,
        # "503, 778, eighteen ninety", which the redaction reads as digits)
        if (
            f1 == l1
            and (0 < a < 20 or (a == 20 and words[f1].isascii()))  # "twenty fifty a month" too
            and l2 == f2
            and 20 <= b < 100
            and b % 10 == 0
            and not _number_next_to(match)
            and (
                _MONEY_AFTER.match(match.string, match.end()) is not None
                or _PRICE_BEFORE.search(match.string, max(0, match.start() - 40), match.start()) is not None
            )
        ):
            return text
    if lead is None and _said_as_one(words, pieces, match):
        return text  # "fourteen five", "a hundred and nine ninety nine": one number said short, never "14 5"
    big = _BIG.keys() & set(words)
    if lead is None and not big and _SHARED_BIG.match(match.string, match.end()):
        return text  # "от пяти до шести тысяч": the multiplier is the range's, not "5 до 6000"
    before = match.string[max(0, match.start() - 40) : match.start()]
    if lead is None and big and _RANGE_BEFORE.search(before):
        return text  # ... and its second count stays in words with the first
    if lead is None and len(numbers) == 2:  # in one run: "семь-восемь тысяч", "five and six thousand"
        (f1, l1, _, _), (f2, l2, _, _) = numbers
        if not _BIG.keys() & set(words[f1 : l1 + 1]) and _BIG.keys() & set(words[f2 : l2 + 1]):
            return text
    out = []
    end = 0  # where the previous piece ended in ``text``
    was_number = False
    for first, last, value, ordinal in pieces:
        start = 0 if first < 0 else tokens[first].start()
        if not out and value is None:
            out.append(text[:start])  # an article before a word left as it is stays
        if out:
            gap = text[end:start]
            if was_number and value is not None:  # numbers said one after another: one space
                # ... or the hyphen of a range ("двести-триста" is 200-300, never 200300)
                gap = " and " if "and" in gap.lower() else "-" if any(c in gap for c in "-‑–") else " "
            out.append(gap)
        if value is None:
            out.append(text[start : tokens[last].end()])
        else:
            out.append(f"{value}{_ordinal_suffix(ordinal, int(value)) if ordinal else ''}")
        end = tokens[last].end()
        was_number = value is not None
    return "".join(out)


_EN_HOURS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
)  # fmt: skip
#: An hour, "oh" and a unit ("seven oh five"): "oh" is no number word, so the run would read "7 oh 5".
_OH_TIME_RE = re.compile(
    rf"(?<![\w‑-])(?P<hour>{'|'.join(_EN_HOURS)})[\s-]+oh[\s-]+(?P<minute>{'|'.join(_EN_HOURS[:9])})(?![\w‑-])",
    re.IGNORECASE,
)


def _oh_time(match: re.Match[str]) -> str:
    """An hour, "oh" and a unit ("seven oh five") as 7:05 where a time goes (see :func:`_clock`);
    elsewhere as it is (a room, a flight, a dictation's digits, which :func:`dictated_digits` reads)."""
    if not (_at_time(match) or _in_slot(match)) or _number_near(match) or _cue_before(match):
        return match.group()
    hour, minute = (_VALUES[match.group(g).lower()] for g in ("hour", "minute"))
    return f"{hour}:{minute:02d}"


def normalise_numbers(text: str, words: list[str] | None = None) -> str:
    """Number words → digits and "2 990 ₽" → "2990 ₽" (see the module doc for the rules).

    ``words``: ``text.lower()``'s words (``\\w+``), when the caller has them already.
    """
    if words is None:
        words = _TOKEN_RE.findall(text.lower())
    # Digits written with a thousands space first: numbers said one after another become digits with
    # a space too ("триста пятьсот рублей", 300 500), and those are two amounts, never 300500.
    if (" " in text or " " in text) and _SPACED_HINT.search(text):
        text = _SPACED_RE.sub(lambda m: re.sub(r"\s", "", m.group(1)), text)
    if not NUMBER_WORDS.isdisjoint(words):  # fast path: no number word
        if "oh" in words:
            text = _OH_TIME_RE.sub(_oh_time, text)
        text = _RUN_RE.sub(_replace_run, text)
    return text


#: A number word, or "oh" before one or a digit, also in a run ("seven oh oh two", "four oh double
#: one" once the double is digits): what :func:`dictated_digits` reads.
_DICTATION_RE = re.compile(
    rf"(?<!\w)(?:{NUMBER_WORD}|oh(?=(?:[\s,.]+oh)*[\s,.]+(?:{NUMBER_WORD}|\d)))", re.IGNORECASE
)
#: Repeated digits as dictated: "double seven", "triple oh", "три семёрки", "две двойки", "два нуля".
_DIGIT_NOUNS = {
    "единицы": "1", "единички": "1", "двойки": "2", "тройки": "3", "четвёрки": "4", "четверки": "4",
    "пятёрки": "5", "пятерки": "5", "шестёрки": "6", "шестерки": "6", "семёрки": "7", "семерки": "7",
    "восьмёрки": "8", "восьмерки": "8", "девятки": "9", "нуля": "0", "ноля": "0", "нолика": "0",
}  # fmt: skip
#: One digit named by its noun ("пятёрка", "на семёрку"): a digit only among others of a dictation
#: ("Две тройки, пять, пятёрка, две девятки"), not a grade or a bus ("получил пятёрку").
_DIGIT_NOUN = {
    "единица": "1", "единицу": "1", "единичка": "1", "двойка": "2", "двойку": "2", "тройка": "3",
    "тройку": "3", "четвёрка": "4", "четверка": "4", "четвёрку": "4", "четверку": "4", "пятёрка": "5",
    "пятерка": "5", "пятёрку": "5", "пятерку": "5", "шестёрка": "6", "шестерка": "6", "шестёрку": "6",
    "шестерку": "6", "семёрка": "7", "семерка": "7", "семёрку": "7", "семерку": "7", "восьмёрка": "8",
    "восьмерка": "8", "восьмёрку": "8", "восьмерку": "8", "девятка": "9", "девятку": "9", "нолик": "0",
}  # fmt: skip
_DIGIT_NOUN_RE = re.compile(rf"(?<!\w)(?:{'|'.join(_DIGIT_NOUN)})(?!\w)", re.IGNORECASE)
#: A digit or a number word right next to a noun (a comma, a dash or spaces between).
_DIGIT_BESIDE = re.compile(rf"\d+|{alternation(NUMBER_WORDS)}", re.IGNORECASE)
#: The digit nouns of a dictation ("две тройки"): a number goes on after one as after a number word.
DIGIT_NOUNS = frozenset(_DIGIT_NOUNS)
#: One digit's noun ("шестёрка", "нолик"): a digit of a dictation among others (see :func:`expand_repeats`).
DIGIT_NOUN = frozenset(_DIGIT_NOUN)
#: A pattern for any of them as a word of its own (its end), for patterns of other modules.
DIGIT_NOUN_WORD = rf"{alternation(_DIGIT_NOUN)}(?!\w)"
_REPEATS = {"double": 2, "triple": 3, "два": 2, "две": 2, "три": 3, "четыре": 4}
_REPEAT_RE = re.compile(
    rf"(?<!\w)(?:(?P<en>double|triple)\s+(?P<digit>oh|zero|one|two|three|four|five|six|seven|eight|nine|\d)"
    rf"|(?P<ru>два|две|три|четыре)\s+(?P<noun>{'|'.join(_DIGIT_NOUNS)}))(?!\w)",
    re.IGNORECASE,
)


def expand_repeats(text: str) -> str:
    """Repeated digits as dictated, as digits: "double seven" → "7 7", "три семёрки" → "7 7 7"."""

    def repl(m: re.Match[str]) -> str:
        if m.group("en"):
            digit = m.group("digit").lower()
            digit = "0" if digit == "oh" else digit if digit.isdigit() else str(_VALUES[digit])
            return " ".join(digit * _REPEATS[m.group("en").lower()])
        return " ".join(_DIGIT_NOUNS[m.group("noun").lower()] * _REPEATS[m.group("ru").lower()])

    text = _REPEAT_RE.sub(repl, text)
    if ("к" in text or "иц" in text) and _DIGIT_NOUN_RE.search(text) is not None:
        text = _DIGIT_NOUN_RE.sub(_noun_digit, text)
    return text


def _noun_digit(m: re.Match[str]) -> str:
    """A digit's noun as its digit when a digit or number word is its neighbour in a dictation."""
    text = m.string
    before = re.search(r"(\S+)[\s,.-]+$", text[max(0, m.start() - 30) : m.start()])
    after = re.match(r"[\s,.-]+(\S+)", text[m.end() : m.end() + 30])
    for near in (before, after):
        word = near.group(1).strip(",.-").lower() if near is not None else ""
        if word and (_DIGIT_BESIDE.fullmatch(word) or word[:1].isdigit() or _DIGIT_NOUN_RE.fullmatch(word)):
            return _DIGIT_NOUN[m.group().lower()]
    return m.group()


_JOIN_GAP = re.compile(r"[\s‑-]+")


def dictated_digits(text: str) -> str:
    """``text`` with every number word read as the digits it says on its own, as a phone or card is
    dictated in groups: "four fifteen, five fifty-five, oh one thirty-four" → "4 15, 5 55, 0 1 34",
    "сорок два семьдесят шесть" → "42 76"; "hundred" → "00", "thousand" → "000", "oh" (next to a
    number word) → "0", "double seven" / "три семёрки" → "7 7" / "7 7 7". Only for finding PII: as
    arithmetic it is wrong ("five hundred" is "5 00"). An amount with a thousand or a million, of
    10 000 or more or before a currency, is the amount ("сто шестьдесят семь тысяч" → "167000", see
    :func:`_amounts`): read in groups it had a card's digits."""
    return dictated_pieces(text)[1]


#: One number read as dictated: (start, end) of its words in the source, (start, end) of its digits.
Piece = tuple[int, int, int, int]


#: A currency right after a number ("... dollars", "... рублей", "... ₽").
_CURRENCY_AFTER = re.compile(
    r"\s*(?:[$€£₽]|(?:dollars?|bucks|euros?|pounds?|рубл\w*|руб\.?|долл\w*|евро)(?!\w))", re.IGNORECASE
)


def _amounts(text: str) -> dict[int, tuple[int, str]]:
    """The runs of number words in ``text`` that say one amount with a thousand or a million in it, of
    10 000 or more or with a currency after it ("one hundred sixty-seven thousand four hundred
    thirteen", "два миллиона девяносто девять тысяч ...", "пять тысяч сто рублей"), by where they
    start: (their end, the amount's digits). Read group by group ("1 00 67 000 4 00 13") such an amount
    has a card's 13-19 digits, one in ten of them Luhn-valid; no group of a phone or a card has five
    digits or more said with a thousand, and a currency says what the number is. A smaller one without
    a currency may be a group said so ("тысяча двести" of a phone: "1000 200" as before). A run saying
    more than one number ("четыре тысячи сто одиннадцать тысяча сто одиннадцать", a card's groups) or
    ending in an ordinal is left out."""
    amounts: dict[int, tuple[int, str]] = {}
    for m in _RUN_RE.finditer(text):
        if m.group("lead") is not None:
            continue
        words = [w.lower() for w in _TOKEN_RE.findall(m.group("run")) if w.lower() != "and"]
        if len(words) < 2 or _BIG.keys().isdisjoint(words) or words[-1] in _ORDINALS:
            continue
        if not _KNOWN.issuperset(words):
            continue
        pieces = _parse(words, None)
        if not pieces or len(pieces) != 1:
            continue
        first, last, value, _ = pieces[0]
        if (
            first == 0
            and last == len(words) - 1
            and value is not None
            and value.denominator == 1
            and (value >= 10_000 or _CURRENCY_AFTER.match(text, m.end()) is not None)
        ):
            amounts[m.start("run")] = (m.end("run"), str(int(value)))
    return amounts


def dictated_pieces(text: str) -> tuple[str, str, list[Piece]]:
    """:func:`dictated_digits` with where each of its numbers came from: (the source, i.e. ``text``
    with repeats expanded, the dictated text, the pieces in source order). Outside the pieces the two
    texts are the same, so a span of the dictated text maps back to the words that said it."""
    text = expand_repeats(text)
    words = list(_DICTATION_RE.finditer(text))
    if not words:
        return text, text, []
    # an amount with a thousand or a million in it is read as the amount (see _amounts); a set look-up
    # a word first, the run pattern only for the few texts that say one
    amounts = _amounts(text) if any(m.group().lower() in _BIG for m in words) else {}
    pieces: list[Piece] = []
    length = 0
    out: list[str] = []
    done = 0
    i = 0
    while i < len(words):
        m = words[i]
        word = m.group().lower()
        if m.start() in amounts:
            end, digits = amounts[m.start()]
            length += m.start() - done
            pieces.append((m.start(), end, length, length + len(digits)))
            length += len(digits)
            out += (text[done : m.start()], digits)
            done = end
            while i < len(words) and words[i].start() < end:
                i += 1
            continue
        value = 0 if word == "oh" else _VALUES.get(word)
        end = m.end()
        # a hundreds word ("девятьсот") takes the tens and units after it, a tens word ("fifty",
        # "сорок") the unit after it: "девятьсот двадцать пять" is 925, "сорок два" 42
        place = 100 if isinstance(value, int) and 100 <= value < 1000 and value % 100 == 0 else None
        if isinstance(value, int) and 20 <= value < 100 and value % 10 == 0:
            place = 10
        while place is not None and i + 1 < len(words):
            nxt = words[i + 1]
            addend = _VALUES.get(nxt.group().lower())
            if not isinstance(addend, int) or not _JOIN_GAP.fullmatch(text, end, nxt.start()):
                break
            if place == 100 and 10 <= addend < 100:  # tens or teens after hundreds
                place = 10 if addend >= 20 and addend % 10 == 0 else None
            elif 1 <= addend <= 9:
                place = None
            else:
                break
            value, end = value + addend, nxt.end()
            i += 1
        # after a count ("пять тысяч", "four hundred") the zeros it adds; said alone ("тысяча шестьсот
        # двадцать два", "a hundred"), the number itself
        counted = i > 0 and _JOIN_GAP.fullmatch(text, words[i - 1].end(), m.start()) is not None
        if word in _BIG:
            digits = "0" * (len(str(_BIG[word])) - 1) if counted or word not in _BIG_ONE else str(_BIG[word])
        elif word in _HUNDRED:
            digits = "00" if counted else "100"
        else:
            digits = str(value) if isinstance(value, int) else m.group()
        length += m.start() - done
        pieces.append((m.start(), end, length, length + len(digits)))
        length += len(digits)
        out += (text[done : m.start()], digits)
        done = end
        i += 1
    out.append(text[done:])
    return text, "".join(out), pieces
