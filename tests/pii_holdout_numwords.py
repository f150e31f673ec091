"""Reading numbers back from text (digits, number words in English and Russian, digit nouns, letters
spelled out): the held-out PII probe's leak checker, written independently of callstream's code."""

import re

EN_D = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_T = [
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
EN_X = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
RU_D = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
RU_T = [
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
RU_X = [
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
RU_C = [
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
RU_MULT_NOUN = {
    0: ("нуля", "нуля"),
    1: ("единицы", "единички"),
    2: ("двойки", "двойки"),
    3: ("тройки", "тройки"),
    4: ("четвёрки", "четверки"),
    5: ("пятёрки", "пятерки"),
    6: ("шестёрки", "шестерки"),
    7: ("семёрки", "семерки"),
    8: ("восьмёрки", "восьмерки"),
    9: ("девятки", "девятки"),
}


_WORDVAL = {}
for i, w in enumerate(EN_D):
    _WORDVAL[w] = ("D", i)
_WORDVAL["oh"] = ("D", 0)
_WORDVAL["o"] = ("D", 0)
_WORDVAL["nought"] = ("D", 0)
for i, w in enumerate(EN_T):
    _WORDVAL[w] = ("T", 10 + i)
for i, w in enumerate(EN_X):
    if w:
        _WORDVAL[w] = ("X", 10 * i)
_WORDVAL["hundred"] = ("H", 100)
_WORDVAL["thousand"] = ("K", 1000)
for i, w in enumerate(RU_D):
    _WORDVAL[w] = ("D", i)
for w, v in {"одна": 1, "одно": 1, "одну": 1, "две": 2, "нуль": 0, "ноля": 0, "нуля": 0}.items():
    _WORDVAL[w] = ("D", v)
for i, w in enumerate(RU_T):
    _WORDVAL[w] = ("T", 10 + i)
for i, w in enumerate(RU_X):
    if w:
        _WORDVAL[w] = ("X", 10 * i)
for i, w in enumerate(RU_C):
    if w:
        _WORDVAL[w] = ("C", 100 * i)
for w in ("тысяча", "тысячи", "тысяч", "тыщ", "тыщи"):
    _WORDVAL[w] = ("K", 1000)
_DIGIT_NOUN = {}
for d, forms in RU_MULT_NOUN.items():
    for f in forms:
        _DIGIT_NOUN[f] = d
for w, d in {
    "ноль": 0,
    "нули": 0,
    "нолика": 0,
    "нолики": 0,
    "нолей": 0,
    "нулей": 0,
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
    "девяток": 9,
    "семёрок": 7,
    "семерок": 7,
    "двоек": 2,
    "троек": 3,
    "пятёрок": 5,
}.items():
    _DIGIT_NOUN.setdefault(w, d)

_TRANSPARENT = {
    "uh",
    "um",
    "er",
    "erm",
    "ah",
    "hmm",
    "mm",
    "dash",
    "hyphen",
    "plus",
    "ну",
    "э",
    "ээ",
    "эээ",
    "эм",
    "мм",
    "тире",
    "дефис",
    "плюс",
    "а",
    "так",
}
_TOKEN = re.compile(r"\d+|[A-Za-zА-Яа-яЁё]+|\[[A-Z_]+\]|[^\sA-Za-zА-Яа-яЁё\d]")


def _tokens(text):
    return [t.lower() for t in _TOKEN.findall(text)]


def digit_runs(text):
    """Return digit strings a human could read back: runs of digits / number words separated only by
    punctuation and fillers, with number words composed (four fifteen -> 415, сто двадцать три -> 123)."""
    toks = _tokens(text)
    # expand multipliers
    exp = []
    i = 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if t in ("double", "triple") and nxt in _WORDVAL and _WORDVAL[nxt][0] == "D":
            exp.extend([nxt] * (2 if t == "double" else 3))
            i += 2
            continue
        if t in ("double", "triple") and nxt and nxt.isdigit() and len(nxt) == 1:
            exp.extend([nxt] * (2 if t == "double" else 3))
            i += 2
            continue
        if t in ("два", "две", "три", "четыре") and nxt in _DIGIT_NOUN:
            n = {"два": 2, "две": 2, "три": 3, "четыре": 4}[t]
            exp.extend([str(_DIGIT_NOUN[nxt])] * n)
            i += 2
            continue
        if t in _DIGIT_NOUN and t not in _WORDVAL:
            exp.append(str(_DIGIT_NOUN[t]))
            i += 1
            continue
        exp.append(t)
        i += 1
    runs = []
    cur = []  # list of chunk strings in current run
    val = None  # composing number
    slot = 0

    def flush_num():
        nonlocal val, slot
        if val is not None:
            cur.append(str(val))
        val, slot = None, 0

    def end_run():
        flush_num()
        if cur:
            runs.append("".join(cur))
        cur.clear()

    after_k = False
    for t in exp:
        prev_k = after_k
        after_k = False
        if t.isdigit():
            flush_num()
            cur.append(t)
            continue
        if t in _WORDVAL:
            kind, n = _WORDVAL[t]
            if kind == "H":
                if val is not None and 0 < val < 100:
                    val *= 100
                    slot = 99
                elif val is not None and prev_k and 0 < val % 1000 < 10:
                    val = val - val % 1000 + (val % 1000) * 100
                    slot = 99
                else:
                    flush_num()
                    val, slot = 100, 99
            elif kind == "K":
                if val is not None and 0 < val < 1000:
                    val *= 1000
                    slot = 999
                else:
                    flush_num()
                    val, slot = 1000, 999
                after_k = True
            elif kind == "D":
                if val is not None and slot >= 9 and n > 0:
                    after_k = prev_k and slot == 999
                    val += n
                    slot = 0
                else:
                    flush_num()
                    val, slot = n, 0
            elif kind == "T":
                if val is not None and slot >= 99:
                    val += n
                    slot = 0
                else:
                    flush_num()
                    val, slot = n, 0
            elif kind == "X":
                if val is not None and slot >= 99:
                    val += n
                    slot = 9
                else:
                    flush_num()
                    val, slot = n, 9
            elif kind == "C":
                if val is not None and slot >= 999:
                    val += n
                    slot = 99
                else:
                    flush_num()
                    val, slot = n, 99
            continue
        if t == "and" and val is not None and slot == 99:
            continue
        if t in _TRANSPARENT or (len(t) == 1 and not t.isalnum()):
            continue
        end_run()
    end_run()
    return runs


def spelled_sequences(text):
    """Join sequences of single letters separated by - . , space (P-E-T-R-O-V, p e t r o v)."""
    out = []
    for m in re.finditer(
        r"(?<![A-Za-zА-Яа-яЁё])([A-Za-zА-Яа-яЁё](?:[\s\-\.,]+[A-Za-zА-Яа-яЁё](?![A-Za-zА-Яа-яЁё]))+)", text
    ):
        out.append(re.sub(r"[^A-Za-zА-Яа-яЁё]", "", m.group(1)).lower())
    return out
