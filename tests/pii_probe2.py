"""A second held-out PII probe: 520 Whisper-style RU/EN call snippets (396 with a phone, card, e-mail,
passport, SNILS, INN or SSN, 124 negatives: prices, orders, dates, addresses...) generated with a fixed
seed, and its own leak checker (digits and EN/RU number words read back as digit runs, e-mail name words
also when spelled). Written blind on 2026-11-22 by a tester who had not read callstream's redaction code;
run through the public filter + compress API it measured 47/396 leaks (11.9 %) before that day's fixes
and 16/396 (4.0 %) after, 14/396 (3.5 %) once a code read digit by digit counted as a short answer,
7/396 (1.8 %) once PII said in two breaths joined across the other speaker's "(415)" / "Got it, and?" /
"597-4968", 5/396 (1.3 %) once a number's last group in the next breath took its placeholder, 3/396
(0.8 %) once a full read-back took it too, with 0/124 false positives. No longer blind: the redaction
has been looked at against it, so write a fresh probe now and then."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

SEED = 20240611
N_CASES = 520

# ------------------------------------------------------------------------------------------------
# number words (render + parse)
# ------------------------------------------------------------------------------------------------
# fmt: off
EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
            "nineteen"]
EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
RU_UNITS = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
RU_TEENS = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
            "семнадцать", "восемнадцать", "девятнадцать"]
RU_TENS = ["_", "_", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
           "девяносто"]
RU_HUND = ["_", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
           "девятьсот"]
# fmt: on


def en_num(n: int, hyphen: bool = True) -> str:
    """0..999 as English words."""
    if n < 10:
        return EN_UNITS[n]
    if n < 20:
        return EN_TEENS[n - 10]
    if n < 100:
        t, u = divmod(n, 10)
        return EN_TENS[t] + (("-" if hyphen else " ") + EN_UNITS[u] if u else "")
    h, r = divmod(n, 100)
    return EN_UNITS[h] + " hundred" + (" " + en_num(r, hyphen) if r else "")


def ru_num(n: int) -> str:
    if n < 10:
        return RU_UNITS[n]
    if n < 20:
        return RU_TEENS[n - 10]
    if n < 100:
        t, u = divmod(n, 10)
        return RU_TENS[t] + (" " + RU_UNITS[u] if u else "")
    h, r = divmod(n, 100)
    return RU_HUND[h] + (" " + ru_num(r) if r else "")


WORDVAL: dict[str, tuple[str, int]] = {}
for i, w in enumerate(EN_UNITS):
    WORDVAL[w] = ("u", i)
for i, w in enumerate(EN_TEENS):
    WORDVAL[w] = ("t", 10 + i)
for i, w in enumerate(EN_TENS):
    if w != "_":
        WORDVAL[w] = ("d", 10 * i)
for i, w in enumerate(RU_UNITS):
    WORDVAL[w] = ("u", i)
for i, w in enumerate(RU_TEENS):
    WORDVAL[w] = ("t", 10 + i)
for i, w in enumerate(RU_TENS):
    if w != "_":
        WORDVAL[w] = ("d", 10 * i)
for i, w in enumerate(RU_HUND):
    if w != "_":
        WORDVAL[w] = ("h", 100 * i)
WORDVAL.update(
    {
        "oh": ("u", 0),
        "o": ("u", 0),
        "nought": ("u", 0),
        "нуль": ("u", 0),
        "одна": ("u", 1),
        "две": ("u", 2),
        "пятёрка": ("u", 5),
        "hundred": ("H", 100),
    }
)
MULT = {"double": 2, "triple": 3, "дважды": 2}
# words that do not break a dictated run (fillers, "and", connective)
# fmt: off
SEP_WORDS = {
    "uh", "um", "er", "erm", "ah", "hmm", "mm", "э", "э-э", "ээ", "эм", "ммм", "ну", "так", "and", "и",
    "then", "потом", "это", "вот", "значит", "дальше", "ещё",
}
# fmt: on


def digits_runs(text: str) -> list[str]:
    """Digit strings a reader can recover from text: digits and number words in EN/RU, separators and
    fillers ignored, any other word (or a placeholder) ends a run."""
    toks = re.findall(
        r"\[[A-Z_]+\]|\d+|[a-zA-Zа-яА-ЯёЁ]+(?:-[a-zA-Zа-яА-ЯёЁ]+)*",
        text.lower().replace("ё", "е").replace("пятерка", "пятёрка"),
    )
    runs: list[str] = []
    cur: list[str] = []
    phrase: list[tuple[str, int]] = []  # pending compound number
    mult = 1

    def flush_phrase() -> None:
        nonlocal phrase
        if phrase:
            cur.append(str(sum(v for _, v in phrase)))
            phrase = []

    def end_run() -> None:
        nonlocal cur, mult
        flush_phrase()
        if cur:
            runs.append("".join(cur))
        cur = []
        mult = 1

    def word_tokens(tok: str) -> list[str]:
        # "forty-two" -> ["forty", "two"]; "э-э" stays
        if tok in WORDVAL or tok in SEP_WORDS or tok in MULT:
            return [tok]
        parts = tok.split("-")
        if all(p in WORDVAL for p in parts):
            return parts
        return [tok]

    flat: list[str] = []
    for raw in toks:
        flat.extend(word_tokens(raw) if not raw.startswith("[") and not raw.isdigit() else [raw])
    merged: list[str] = []
    for tok in flat:
        # "eight hundred" -> one token worth 800
        if tok == "hundred" and merged and merged[-1] in WORDVAL and WORDVAL[merged[-1]][0] in "ut":
            v = WORDVAL[merged[-1]][1]
            merged.pop()
            if v < 10 and merged and merged[-1] in WORDVAL and WORDVAL[merged[-1]][0] == "d":
                v += WORDVAL[merged.pop()][1]  # "thirty-eight hundred" = 3800
            merged.append("#H" + str(v * 100))
        else:
            merged.append(tok)
    for raw in merged:
        if raw.startswith("#H"):
            flush_phrase()
            phrase = [("h", int(raw[2:]))]
            continue
        if raw.startswith("["):
            end_run()
            continue
        if raw.isdigit():
            flush_phrase()
            cur.append(raw * 1 if mult == 1 else raw * mult)
            mult = 1
            continue
        for tok in word_tokens(raw):
            key = (
                tok if tok in WORDVAL else tok.replace("е", "ё") if tok.replace("е", "ё") in WORDVAL else tok
            )
            if key in MULT:
                flush_phrase()
                mult = MULT[key]
                continue
            if key in WORDVAL:
                kind, v = WORDVAL[key]
                if mult > 1 and kind == "u":
                    flush_phrase()
                    cur.append(str(v) * mult)
                    mult = 1
                    continue
                kinds = [k for k, _ in phrase]
                if kind == "H":  # "eight hundred"
                    if phrase and kinds[-1] == "u" and len(phrase) == 1:
                        phrase = [("h", phrase[0][1] * 100)]
                    else:
                        flush_phrase()
                        phrase = [("h", 100)]
                    continue
                ok = False
                if (
                    not phrase
                    or (kinds == ["h"] and kind in "dtu")
                    or (kinds[-1] == "d" and kind == "u" and v != 0)
                ):
                    ok = True
                if not ok:
                    flush_phrase()
                phrase.append((kind, v))
                if kind in "tu" or (kind == "u"):
                    flush_phrase()
                continue
            if key in SEP_WORDS:
                flush_phrase()
                continue
            end_run()
    end_run()
    return [r for r in runs if r]


# ------------------------------------------------------------------------------------------------
# PII value generators
# ------------------------------------------------------------------------------------------------
def luhn_ok(s: str) -> bool:
    tot = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        tot += d
    return tot % 10 == 0


def make_card(rng: random.Random) -> str:
    prefix = rng.choice(["4276", "4279", "5469", "5536", "2200", "2202", "4111", "5105", "4532", "4916"])
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(11))
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def make_snils(rng: random.Random) -> str:
    while True:
        n = "".join(str(rng.randint(0, 9)) for _ in range(9))
        if len(set(n)) < 4:
            continue
        s = sum(int(d) * (9 - i) for i, d in enumerate(n))
        if s < 100:
            c = s
        elif s in (100, 101):
            c = 0
        else:
            c = s % 101
            c = 0 if c == 100 else c
        return n + f"{c:02d}"


def make_inn12(rng: random.Random) -> str:
    d = [rng.randint(0, 9) for _ in range(10)]
    d[0] = rng.randint(1, 9)
    w1 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    c1 = sum(a * b for a, b in zip(w1, d, strict=True)) % 11 % 10
    d.append(c1)
    w2 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    c2 = sum(a * b for a, b in zip(w2, d, strict=True)) % 11 % 10
    d.append(c2)
    return "".join(map(str, d))


def rdig(rng: random.Random, n: int, first_nonzero: bool = True) -> str:
    s = "".join(str(rng.randint(0, 9)) for _ in range(n))
    if first_nonzero and s[0] == "0":
        s = str(rng.randint(1, 9)) + s[1:]
    return s


def make_ru_mobile(rng: random.Random) -> str:
    return rng.choice(
        ["916", "926", "903", "915", "985", "977", "999", "925", "963", "912", "921", "950"]
    ) + rdig(rng, 7)


def make_us(rng: random.Random) -> str:
    area = rng.choice(["415", "212", "646", "312", "617", "206", "303", "512", "404", "718", "650", "917"])
    exch = str(rng.randint(2, 9)) + rdig(rng, 2, False)
    return area + exch + rdig(rng, 4, False)


# ------------------------------------------------------------------------------------------------
# renderers
# ------------------------------------------------------------------------------------------------
def say_digits(s: str, lang: str, rng: random.Random, oh: bool = True) -> str:
    """Digit by digit in words; EN may say 'oh' and 'double'."""
    words = []
    i = 0
    while i < len(s):
        d = int(s[i])
        if lang == "en" and i + 1 < len(s) and s[i + 1] == s[i] and rng.random() < 0.5:
            words.append("double " + ("oh" if d == 0 and oh else EN_UNITS[d]))
            i += 2
            continue
        if lang == "en":
            words.append("oh" if d == 0 and oh and rng.random() < 0.7 else EN_UNITS[d])
        else:
            words.append(RU_UNITS[d])
        i += 1
    return " ".join(words)


def say_group(s: str, lang: str, rng: random.Random) -> str:
    """A 2-3 digit group the way people say it (leading zeros digit by digit)."""
    if s[0] == "0" or len(s) == 1:
        return say_digits(s, lang, rng)
    if len(s) > 4:
        cut = 3 if len(s) in (5, 6, 7) else 4
        return say_group(s[:cut], lang, rng) + " " + say_group(s[cut:], lang, rng)
    n = int(s)
    if lang == "en":
        if len(s) == 3:
            if rng.random() < 0.5:
                return say_digits(s, lang, rng)
            if s[1:] == "00":
                return en_num(n)
            return (
                EN_UNITS[int(s[0])]
                + " "
                + (en_num(int(s[1:]), rng.random() < 0.6) if s[1] != "0" else "oh " + EN_UNITS[int(s[2])])
            )
        if len(s) == 4:
            a, b = s[:2], s[2:]
            return say_group(a, lang, rng) + " " + (say_group(b, lang, rng) if b != "00" else "hundred")
        return en_num(n, rng.random() < 0.7)
    # ru: compound numbers as Russians dictate ("девятьсот шестнадцать")
    if len(s) == 4:
        return say_group(s[:2], lang, rng) + " " + say_group(s[2:], lang, rng)
    return ru_num(n)


def group(s: str, sizes: list[int]) -> list[str]:
    out, i = [], 0
    for k in sizes:
        out.append(s[i : i + k])
        i += k
    if i < len(s):
        out.append(s[i:])
    return out


def render_groups(groups: list[str], lang: str, style: str, rng: random.Random, sep: str = " ") -> str:
    if style == "digits":
        return sep.join(groups)
    if style == "digitwords":
        return (", " if rng.random() < 0.5 else " ").join(say_digits(g, lang, rng) for g in groups)
    if style == "groupwords":
        return (", " if rng.random() < 0.6 else " ").join(say_group(g, lang, rng) for g in groups)
    if style == "mixed":  # digits and words mixed, as Whisper sometimes does
        parts = []
        for g in groups:
            parts.append(g if rng.random() < 0.5 else say_group(g, lang, rng))
        return ", ".join(parts)
    raise ValueError(style)


FILL_EN = ["uh", "um", "uh,", "er,", "hmm,", "let me see,", "hold on,"]
FILL_RU = ["э-э", "ээ,", "ну,", "так,", "сейчас,", "секунду,", "как его,"]


def filler(lang: str, rng: random.Random) -> str:
    return rng.choice(FILL_EN if lang == "en" else FILL_RU)


# ------------------------------------------------------------------------------------------------
# case model
# ------------------------------------------------------------------------------------------------
S = "\x00"  # marks secret spans inside a segment text: \x00secret text\x00


@dataclass
class Case:
    cid: str
    lang: str
    category: str
    negative: bool
    turns: list[tuple[str, str]]  # role, text with \x00 marks around secret renderings
    secret_digits: list[str] = field(default_factory=list)
    email_words: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def sec(text: str) -> str:
    return S + text + S


def clean(text: str) -> str:
    return text.replace(S, "")


def reference(text: str, ph: str = "[X]") -> str:
    return re.sub(S + ".*?" + S, ph, text)


# ------------------------------------------------------------------------------------------------
# generators per category
# ------------------------------------------------------------------------------------------------
ASK_PHONE_EN = [
    "Okay, and a contact phone number?",
    "Which number are you calling from?",
    "And if we get disconnected, what number do I call you back on?",
    "Can I get a good callback number for you?",
    "What's the best number to reach you on?",
    "And your phone number, please?",
    "Could you confirm the mobile number on the account?",
    "What number should the courier call?",
]
ASK_PHONE_RU = [
    "Оставьте, пожалуйста, контактный телефон.",
    "С какого номера вы звоните?",
    "Если связь прервётся, куда перезвонить?",
    "Подскажите, пожалуйста, номер для связи.",
    "Продиктуйте ваш телефон, пожалуйста.",
    "На какой номер вам перезвонить?",
    "Назовите номер, привязанный к договору.",
    "Какой у вас контактный номер?",
]
LEAD_PHONE_EN = [
    "yeah, it's",
    "sure,",
    "okay, so it's",
    "it's",
    "my cell is",
    "you can reach me at",
    "",
    "yes,",
]
LEAD_PHONE_RU = ["да, записывайте:", "пишите:", "так,", "мой номер", "", "ага,", "значит,", "телефон"]
ACK_EN = ["Mm-hmm.", "Okay.", "Go ahead.", "Yes, I'm listening.", "Got it, and?", "Uh-huh."]
ACK_RU = ["Угу.", "Да.", "Так, записываю.", "Да-да, слушаю.", "Ага, дальше.", "Секунду... да."]
CONFIRM_EN = ["Yes, that's right.", "Correct.", "Yep.", "That's it."]
CONFIRM_RU = ["Да, верно.", "Всё правильно.", "Ага, так.", "Да."]


def phone_text(digits_: str, kind: str, lang: str, style: str, rng: random.Random) -> tuple[str, list[str]]:
    """Render a phone number; returns text and the list of textual chunks (for splitting)."""
    tags = []
    if kind == "ru":
        prefix = rng.choice(["8", "+7", "7", "", "8"])
        groups = group(digits_, [3, 3, 2, 2])
        if style == "digits":
            fmt = rng.choice(["space", "dash", "paren", "dots", "plain", "comma", "ellipsis"])
            tags.append("fmt:" + fmt)
            if fmt == "space":
                body = " ".join(groups)
            elif fmt == "dash":
                body = groups[0] + "-" + "-".join(groups[1:])
            elif fmt == "paren":
                body = f"({groups[0]}) {groups[1]}-{groups[2]}-{groups[3]}"
            elif fmt == "dots":
                body = ".".join(groups)
            elif fmt == "plain":
                body = digits_
            elif fmt == "comma":
                body = ", ".join(groups)
            else:
                body = "... ".join(groups)
            text = (prefix + (" " if prefix and fmt != "dots" else "." if prefix else "") + body).strip()
            return text, [prefix, *groups] if prefix else groups
        pre_words = {
            "8": say_digits("8", lang, rng),
            "+7": "плюс семь" if lang == "ru" else "plus seven",
            "7": say_digits("7", lang, rng),
            "": "",
        }[prefix]
        body = render_groups(groups, lang, style, rng)
        return (pre_words + " " + body).strip(), ([pre_words] if pre_words else []) + groups
    if kind == "us":
        groups = group(digits_, [3, 3, 4])
        prefix = rng.choice(["", "", "1 ", "+1 "])
        if style == "digits":
            fmt = rng.choice(["dash", "paren", "space", "dots", "plain", "ellipsis"])
            tags.append("fmt:" + fmt)
            body = {
                "dash": "-".join(groups),
                "paren": f"({groups[0]}) {groups[1]}-{groups[2]}",
                "space": " ".join(groups),
                "dots": ".".join(groups),
                "plain": digits_,
                "ellipsis": "... ".join(groups),
            }[fmt]
            return prefix + body, groups
        if style == "groupwords" and rng.random() < 0.5:
            # "five five five, oh one three four" / "fifty-five thirty-four"
            last = groups[2]
            g = [
                say_digits(groups[0], "en", rng),
                say_digits(groups[1], "en", rng),
                say_group(last, "en", rng),
            ]
            return ", ".join(g), g
        return render_groups(groups, "en", style, rng), groups
    if kind == "uk":
        variant = rng.choice(["london", "mobile"])
        if variant == "london":
            d = "20" + rdig(rng, 8)
            groups = [d[:2], d[2:6], d[6:]]
        else:
            d = "7" + rdig(rng, 9)
            groups = [d[:4], d[4:]]
        if style == "digits":
            p = rng.choice(["+44 ", "0", "+44 (0)", "00 44 "])
            tags.append("uk:" + p.strip())
            return p + " ".join(groups), groups
        return ("plus four four, " if rng.random() < 0.5 else "oh ") + render_groups(
            groups, "en", style, rng
        ), groups
    if kind == "de":
        d = rng.choice(["30", "89", "151", "160", "176"]) + rdig(rng, 8 if rng.random() < 0.5 else 7)
        split = 2 if d[:2] in ("30", "89") else 3
        groups = [d[:split], d[split:]]
        if style == "digits":
            p = rng.choice(["+49 ", "0", "0049 ", "+49 (0)"])
            tags.append("de:" + p.strip())
            return p + " ".join(groups), groups
        return "plus four nine " + render_groups(groups, "en", style, rng), groups
    if kind == "kz":
        d = rng.choice(["701", "702", "705", "707", "747", "771", "775", "777"]) + rdig(rng, 7)
        groups = group(d, [3, 3, 2, 2])
        if style == "digits":
            p = rng.choice(["+7 ", "8 ", "8 (", "+7-"])
            if p == "8 (":
                return f"8 ({groups[0]}) {groups[1]}-{groups[2]}-{groups[3]}", groups
            return p + ("-" if p == "+7-" else " ").join(groups), groups
        return ("восемь " if lang == "ru" else "eight ") + render_groups(groups, lang, style, rng), groups
    raise ValueError(kind)


def gen_phone(rng: random.Random, lang: str, cid: str) -> Case:
    if lang == "ru":
        kind = rng.choices(["ru", "kz", "uk", "de"], [0.75, 0.15, 0.05, 0.05])[0]
    else:
        kind = rng.choices(["us", "uk", "de", "ru"], [0.6, 0.15, 0.15, 0.1])[0]
    if kind == "ru":
        d = make_ru_mobile(rng)
    elif kind == "us":
        d = make_us(rng)
    else:
        d = ""
    style = rng.choices(["digits", "digitwords", "groupwords", "mixed"], [0.45, 0.2, 0.25, 0.1])[0]
    if kind in ("uk", "de", "kz"):
        # these generate their own digits; rebuild d from groups
        text, groups = phone_text("", kind, lang, style, rng)
        d = "".join(groups)
        d = re.sub(r"\D", "", d)
    else:
        text, groups = phone_text(d, kind, lang, style, rng)
    secret = d
    if kind == "ru":
        secret = d  # the 10 significant digits
    tags = [f"phone_{kind}", f"style:{style}"]
    ask = rng.choice(ASK_PHONE_EN if lang == "en" else ASK_PHONE_RU)
    if re.search(r"account|договор", ask):
        tags.append("ask:account_word")
    lead = rng.choice(LEAD_PHONE_EN if lang == "en" else LEAD_PHONE_RU)
    turns: list[tuple[str, str]] = [("agent", ask)]
    mode = rng.choices(["one", "split", "filler", "correction", "split3"], [0.35, 0.25, 0.15, 0.15, 0.1])[0]
    if mode in ("split", "split3", "filler") and len(text.split(" ")) < 2:
        mode = "one"
    tags.append("mode:" + mode)
    if mode == "one":
        turns.append(("customer", (lead + " " + sec(text)).strip() + rng.choice([".", "", "."])))
    elif mode == "filler":
        # fillers inserted between the groups
        words = text.split(" ")
        cut = rng.randint(1, max(1, len(words) - 1))
        turns.append(
            (
                "customer",
                (
                    lead
                    + " "
                    + sec(" ".join(words[:cut]))
                    + " "
                    + filler(lang, rng)
                    + " "
                    + sec(" ".join(words[cut:]))
                ).strip(),
            )
        )
    elif mode in ("split", "split3"):
        words = text.split(" ")
        if mode == "split" or len(words) < 3:
            cut = rng.randint(1, max(1, len(words) - 1))
            parts = [words[:cut], words[cut:]]
        else:
            a = rng.randint(1, len(words) - 2)
            b = rng.randint(a + 1, len(words) - 1)
            parts = [words[:a], words[a:b], words[b:]]
        turns.append(
            ("customer", (lead + " " + sec(" ".join(parts[0]))).strip() + rng.choice(["...", ",", ""]))
        )
        for p in parts[1:]:
            turns.append(("agent", rng.choice(ACK_EN if lang == "en" else ACK_RU)))
            turns.append(("customer", sec(" ".join(p)) + rng.choice([".", "", "..."])))
    else:  # correction: wrong start, then the full right number
        wrong = rng.choice(["926", "915", "four one", "девятьсот двадцать", "903", "212"])
        corr = rng.choice(
            ["no wait,", "sorry, no,", "scratch that,", "I mean"]
            if lang == "en"
            else ["ой, нет,", "ой, извините,", "нет, стоп,", "то есть"]
        )
        turns.append(
            (
                "customer",
                (lead + " " + wrong + " " + filler(lang, rng) + " " + corr + " " + sec(text)).strip(),
            )
        )
    # agent read-back
    rb = rng.random()
    if rb < 0.3:
        rtext = phone_text(d, kind, lang, "digits", rng)[0] if kind in ("ru", "us") else text
        if lang == "en":
            turns.append(("agent", f"Let me read that back: {sec(rtext)}, is that correct?"))
        else:
            turns.append(("agent", f"Повторяю: {sec(rtext)}, верно?"))
        turns.append(("customer", rng.choice(CONFIRM_EN if lang == "en" else CONFIRM_RU)))
        tags.append("readback:full")
    elif rb < 0.4 and len(secret) >= 4:
        last4 = secret[-4:]
        if lang == "en":
            turns.append(
                (
                    "agent",
                    "Okay, the number ending in "
                    f"{sec(last4[:2] + ' ' + last4[2:] if rng.random() < 0.5 else last4)}, got it.",
                )
            )
        else:
            turns.append(("agent", f"Так, заканчивается на {sec(last4[:2] + '-' + last4[2:])}, записала."))
        tags.append("readback:last4")
    else:
        turns.append(
            (
                "agent",
                rng.choice(
                    ["Thank you.", "Great, thanks."] if lang == "en" else ["Спасибо.", "Отлично, записала."]
                ),
            )
        )
    return Case(cid, lang, f"phone_{kind}", False, turns, [secret], tags=tags)


def card_text(card: str, lang: str, style: str, rng: random.Random) -> str:
    groups = group(card, [4, 4, 4, 4])
    if style == "digits":
        fmt = rng.choice(["space", "plain", "dash", "comma", "thousands", "pairs"])
        if fmt == "space":
            return " ".join(groups)
        if fmt == "plain":
            return card
        if fmt == "dash":
            return "-".join(groups)
        if fmt == "comma":
            return ", ".join(groups)
        if fmt == "thousands":
            return f"{int(card):,}"
        return " ".join(card[i : i + 2] for i in range(0, 16, 2))
    if style == "digitwords":
        return ", ".join(say_digits(g, lang, rng, oh=False) for g in groups)
    if style == "groupwords":  # "forty-two seventy-six, thirty-eight hundred" / "сорок два семьдесят шесть"
        return ", ".join(say_group(g, lang, rng) for g in groups)
    return ", ".join(g if rng.random() < 0.5 else say_group(g, lang, rng) for g in groups)


def gen_card(rng: random.Random, lang: str, cid: str) -> Case:
    card = make_card(rng)
    style = rng.choices(["digits", "digitwords", "groupwords", "mixed"], [0.4, 0.2, 0.3, 0.1])[0]
    text = card_text(card, lang, style, rng)
    tags = ["card", f"style:{style}"]
    mm, yy = rng.randint(1, 12), rng.randint(25, 31)
    cvv = rdig(rng, 3)
    if lang == "en":
        turns = [
            (
                "agent",
                rng.choice(
                    [
                        "Could you read me the long number on the front of the card?",
                        "I'll need the card number, please.",
                        "Go ahead with the card number whenever you're ready.",
                    ]
                ),
            )
        ]
        lead = rng.choice(["okay, it's", "sure,", "it's a Visa,", "", "right, so", "the card number is"])
    else:
        turns = [
            (
                "agent",
                rng.choice(
                    [
                        "Продиктуйте номер карты, пожалуйста.",
                        "Назовите шестнадцать цифр на лицевой стороне.",
                        "Номер карты, с которой списали, подскажите.",
                    ]
                ),
            )
        ]
        lead = rng.choice(["так,", "карта", "номер карты", "", "сейчас, э-э,", "пишите:"])
    mode = rng.choices(["one", "split", "split4", "filler", "correction"], [0.35, 0.25, 0.15, 0.15, 0.1])[0]
    tags.append("mode:" + mode)
    chunks = re.split(r"(?<=,) |(?<=\d) (?=\d)", text) if "," in text or style == "digits" else [text]
    if mode == "one" or len(chunks) < 2:
        turns.append(("customer", (lead + " " + sec(text)).strip() + "."))
    elif mode == "split":
        cut = len(chunks) // 2
        turns.append(("customer", (lead + " " + sec(" ".join(chunks[:cut]))).strip()))
        turns.append(("agent", rng.choice(ACK_EN if lang == "en" else ACK_RU)))
        turns.append(("customer", sec(" ".join(chunks[cut:])) + "."))
    elif mode == "split4":
        turns.append(("customer", (lead + " " + sec(chunks[0])).strip()))
        for c in chunks[1:]:
            turns.append(("agent", rng.choice(ACK_EN if lang == "en" else ACK_RU)))
            turns.append(("customer", sec(c)))
    elif mode == "filler":
        cut = len(chunks) // 2
        turns.append(
            (
                "customer",
                (
                    lead
                    + " "
                    + sec(" ".join(chunks[:cut]))
                    + " "
                    + filler(lang, rng)
                    + " "
                    + sec(" ".join(chunks[cut:]))
                ).strip(),
            )
        )
    else:
        corr = "no wait," if lang == "en" else "ой, нет,"
        turns.append(
            (
                "customer",
                (lead + " " + chunks[0][:2] + " " + filler(lang, rng) + " " + corr + " " + sec(text)).strip(),
            )
        )
    # expiry + cvv (not secrets by the docstring; kept as context)
    if lang == "en":
        turns.append(("agent", "And the expiry date?"))
        turns.append(
            (
                "customer",
                rng.choice([f"{mm:02d}/{yy}", f"{en_num(mm)} {en_num(yy)}", f"{mm:02d} {yy}"])
                + ", and the code on the back is "
                + cvv
                + ".",
            )
        )
    else:
        turns.append(("agent", "Срок действия?"))
        turns.append(
            (
                "customer",
                rng.choice([f"{mm:02d}/{yy}", f"{ru_num(mm)} {ru_num(yy)}", f"{mm:02d} {yy}"])
                + ", а код на обороте "
                + cvv
                + ".",
            )
        )
    if rng.random() < 0.3:
        last4 = card[-4:]
        if lang == "en":
            turns.append(("agent", f"Thanks, so the card ending {sec(last4)}."))
        else:
            turns.append(("agent", f"Спасибо, карта заканчивается на {sec(last4)}."))
        tags.append("readback:last4")
    return Case(cid, lang, "card", False, turns, [card], tags=tags)


FIRST = [
    "ivan",
    "olga",
    "sergey",
    "natasha",
    "dmitry",
    "maria",
    "alexey",
    "kate",
    "john",
    "sarah",
    "mike",
    "linda",
    "igor",
    "elena",
    "pavel",
    "anna",
]
LAST = [
    "petrov",
    "smirnova",
    "kuznetsov",
    "volkova",
    "sokolov",
    "morozova",
    "johnson",
    "williams",
    "brown",
    "garcia",
    "miller",
    "davis",
    "lebedev",
    "kozlova",
]
RU_SPOKEN = {
    "ivan": "иван",
    "olga": "ольга",
    "sergey": "сергей",
    "natasha": "наташа",
    "dmitry": "дмитрий",
    "maria": "мария",
    "alexey": "алексей",
    "kate": "кейт",
    "john": "джон",
    "sarah": "сара",
    "mike": "майк",
    "linda": "линда",
    "igor": "игорь",
    "elena": "елена",
    "pavel": "павел",
    "anna": "анна",
    "petrov": "петров",
    "smirnova": "смирнова",
    "kuznetsov": "кузнецов",
    "volkova": "волкова",
    "sokolov": "соколов",
    "morozova": "морозова",
    "johnson": "джонсон",
    "williams": "уильямс",
    "brown": "браун",
    "garcia": "гарсия",
    "miller": "миллер",
    "davis": "дэвис",
    "lebedev": "лебедев",
    "kozlova": "козлова",
}
PROVIDERS = [
    ("gmail", "com", "джимейл", "ком"),
    ("yandex", "ru", "яндекс", "ру"),
    ("mail", "ru", "мейл", "ру"),
    ("outlook", "com", "аутлук", "ком"),
    ("yahoo", "com", "яху", "ком"),
    ("icloud", "com", "айклауд", "ком"),
    ("bk", "ru", "бк", "ру"),
]
COMPANIES = [
    ("romashka", "ru", "ромашка"),
    ("techstroy", "ru", "техстрой"),
    ("brightpath", "io", "брайтпас"),
    ("acmelogistics", "com", "акмелоджистикс"),
    ("northwind", "co.uk", "нортвинд"),
]


def spell(word: str, rng: random.Random) -> str:
    sep = rng.choice([" ", "-", ", ", ". "])
    return sep.join(word)


def gen_email(rng: random.Random, lang: str, cid: str) -> Case:
    f, ln = rng.choice(FIRST), rng.choice(LAST)
    num = str(rng.randint(70, 99)) if rng.random() < 0.3 else ""
    company = rng.random() < 0.2
    if company:
        comp, tld, comp_ru = rng.choice(COMPANIES)
        dom_words = [comp]
    else:
        comp, tld, comp_ru, tld_ru = rng.choice(PROVIDERS)
        dom_words = []
    shape = rng.choice(["first.last", "first_last", "flast", "firstlast", "first"])
    tags = ["email", "shape:" + shape]
    local_words = {
        "first.last": [f, ln],
        "first_last": [f, ln],
        "flast": [ln],
        "firstlast": [f + ln, f, ln],
        "first": [f],
    }[shape]
    if shape == "first" and num == "":
        num = str(rng.randint(1980, 2005))
    words_to_hide = [w for w in local_words if len(w) >= 3] + dom_words
    style = rng.choices(
        ["written", "spoken", "spelled", "spoken_ru", "mixed_ru"],
        [0.2, 0.35, 0.15, 0.2, 0.1] if lang == "en" else [0.2, 0.1, 0.1, 0.4, 0.2],
    )[0]
    tags.append("style:" + style)
    local_written = {
        "first.last": f"{f}.{ln}",
        "first_last": f"{f}_{ln}",
        "flast": f"{f[0]}{ln}",
        "firstlast": f"{f}{ln}",
        "first": f,
    }[shape] + num
    domain_written = f"{comp}.{tld}"
    if style == "written":
        text = f"{local_written}@{domain_written}"
        if rng.random() < 0.3:
            text = text.capitalize()
    elif style == "spoken":
        at = rng.choice(["at", "at", "at sign", "@"])
        dot = rng.choice(["dot", "dot", "period"])
        loc = {
            "first.last": f"{f} {dot} {ln}",
            "first_last": f"{f} underscore {ln}",
            "flast": f"{f[0]} {ln}",
            "firstlast": f"{f}{ln}",
            "first": f"{f}",
        }[shape]
        if num:
            loc += " " + (
                num
                if rng.random() < 0.5
                else " ".join(en_num(int(num[i : i + 2])) for i in range(0, len(num), 2))
            )
        dom = f"{comp} {dot} " + f" {dot} ".join(tld.split("."))
        text = f"{loc} {at} {dom}"
    elif style == "spelled":
        loc_letters = local_written.split("@")[0]
        parts = re.split(r"([._])", loc_letters)
        said = []
        for p in parts:
            if p == ".":
                said.append("dot")
            elif p == "_":
                said.append("underscore")
            elif p.isdigit():
                said.append(p)
            elif p:
                said.append(spell(p, rng))
        text = f"{' '.join(said)} at {comp} dot {tld.replace('.', ' dot ')}"
        # (a name said before the spelling is not part of the address: not generated, the checker would
        # count the plain name as a leak)
        tags.append("spelled")
    elif style == "spoken_ru":
        at = rng.choice(["собака", "собака", "собачка", "эт"])
        loc = {
            "first.last": f"{RU_SPOKEN[f]} точка {RU_SPOKEN[ln]}",
            "first_last": f"{RU_SPOKEN[f]} нижнее подчёркивание {RU_SPOKEN[ln]}",
            "flast": f"{RU_SPOKEN[f][0]} {RU_SPOKEN[ln]}",
            "firstlast": f"{RU_SPOKEN[f]}{RU_SPOKEN[ln]}",
            "first": RU_SPOKEN[f],
        }[shape]
        if num:
            loc += " " + (
                num
                if rng.random() < 0.5
                else ru_num(int(num))
                if len(num) == 2
                else ru_num(int(num[:2])) + " " + ru_num(int(num[2:]))
            )
        dom = (
            comp_ru
            + " точка "
            + (tld_ru if not company else {"ru": "ру", "io": "ио", "com": "ком", "co.uk": "ко точка юк"}[tld])
        )
        text = f"{loc} {at} {dom}"
        words_to_hide += [RU_SPOKEN[w] for w in (f, ln) if w in local_words or (shape == "firstlast")]
        if company:
            words_to_hide.append(comp_ru)
    else:  # mixed_ru: latin local part said with Russian connectors
        at = rng.choice(["собака", "собачка"])
        loc = local_written.replace(".", " точка ").replace("_", " нижнее подчёркивание ")
        text = f"{loc} {at} {comp} точка {tld.replace('.', ' точка ')}"
    if lang == "en":
        turns = [
            (
                "agent",
                rng.choice(
                    [
                        "And what email should we send the receipt to?",
                        "Can I have your email address?",
                        "Which email is on the account?",
                    ]
                ),
            )
        ]
        lead = rng.choice(["it's", "sure, it's", "yeah,", "", "my email is", "um, it's"])
    else:
        turns = [
            (
                "agent",
                rng.choice(
                    [
                        "Подскажите адрес электронной почты.",
                        "На какую почту отправить чек?",
                        "Продиктуйте, пожалуйста, e-mail.",
                    ]
                ),
            )
        ]
        lead = rng.choice(["пишите:", "почта", "да,", "", "так, э-э,", "мой имейл"])
    mode = rng.choices(["one", "split", "correction"], [0.65, 0.25, 0.1])[0]
    tags.append("mode:" + mode)
    if mode == "split":
        # split before the "at"/"собака"
        m = re.search(r" (at|at sign|@|собака|собачка|эт) ", text)
        if m:
            turns.append(("customer", (lead + " " + sec(text[: m.start()])).strip() + "..."))
            turns.append(("agent", rng.choice(ACK_EN if lang == "en" else ACK_RU)))
            turns.append(("customer", sec(text[m.start() + 1 :]) + "."))
        else:
            turns.append(("customer", (lead + " " + sec(text)).strip() + "."))
    elif mode == "correction":
        corr = "no sorry," if lang == "en" else "ой, нет,"
        turns.append(
            (
                "customer",
                (lead + " " + sec(text) + ", " + corr + " " + sec(text.replace(comp, comp))).strip() + ".",
            )
        )
    else:
        turns.append(("customer", (lead + " " + sec(text)).strip() + "."))
    if rng.random() < 0.25:
        turns.append(
            (
                "agent",
                (
                    f"So that's {sec(local_written + '@' + domain_written)}?"
                    if lang == "en"
                    else f"Записала: {sec(local_written + '@' + domain_written)}, верно?"
                ),
            )
        )
        turns.append(("customer", rng.choice(CONFIRM_EN if lang == "en" else CONFIRM_RU)))
        tags.append("readback:full")
    return Case(cid, lang, "email", False, turns, [], email_words=sorted(set(words_to_hide)), tags=tags)


def gen_passport(rng: random.Random, lang: str, cid: str) -> Case:
    series = f"{rng.randint(1, 99):02d}{rng.randint(0, 25):02d}"
    number = rdig(rng, 6)
    style = rng.choices(["digits", "groupwords", "digitwords", "mixed"], [0.45, 0.3, 0.15, 0.1])[0]
    tags = ["passport_ru", "style:" + style]
    if style == "digits":
        fmt = rng.choice(["ser_num", "space", "plain", "spaced_series", "dash"])
        tags.append("fmt:" + fmt)
        if fmt == "ser_num":
            t = [f"серия {series[:2]} {series[2:]}", f"номер {number}"]
        elif fmt == "space":
            t = [f"{series} {number}"]
        elif fmt == "plain":
            t = [series + number]
        elif fmt == "spaced_series":
            t = [f"{series[:2]} {series[2:]} {number[:3]} {number[3:]}"]
        else:
            t = [f"{series}-{number}"]
    elif style == "groupwords":
        t = [
            f"серия {ru_num(int(series[:2]))} {say_group(series[2:], 'ru', rng)}",
            f"номер {say_group(number[:3], 'ru', rng)} {say_group(number[3:], 'ru', rng)}",
        ]
    elif style == "digitwords":
        t = [f"серия {say_digits(series, 'ru', rng)}", f"номер {say_digits(number, 'ru', rng)}"]
    else:
        t = [f"серия {series}", f"номер {say_group(number[:3], 'ru', rng)} {number[3:]}"]
    turns = [
        (
            "agent",
            rng.choice(
                [
                    "Для проверки назовите серию и номер паспорта.",
                    "Продиктуйте паспортные данные, пожалуйста.",
                    "Мне нужны серия и номер паспорта.",
                ]
            ),
        )
    ]
    mode = rng.choice(["one", "split", "filler"]) if len(t) == 2 else "one"
    tags.append("mode:" + mode)
    lead = rng.choice(["паспорт", "так,", "", "сейчас достану... так,", "ага,"])
    if mode == "one":
        turns.append(("customer", (lead + " " + ", ".join(sec(x) for x in t)).strip() + "."))
    elif mode == "split":
        turns.append(("customer", (lead + " " + sec(t[0])).strip()))
        turns.append(("agent", rng.choice(ACK_RU)))
        turns.append(("customer", sec(t[1]) + "."))
    else:
        turns.append(
            ("customer", (lead + " " + sec(t[0]) + ", " + filler("ru", rng) + " " + sec(t[1])).strip())
        )
    if rng.random() < 0.25:
        turns.append(("agent", f"Повторю: {sec(series[:2] + ' ' + series[2:] + ' ' + number)}."))
        tags.append("readback:full")
    turns.append(("agent", "Спасибо, данные совпадают."))
    if lang == "en":  # english-speaking customer with a russian passport
        turns = [("agent", "For verification, could you give me your passport series and number?")]
        t2 = (
            f"{series} {number}"
            if rng.random() < 0.5
            else f"{say_digits(series, 'en', rng)}, "
            f"{say_group(number[:3], 'en', rng)} {say_group(number[3:], 'en', rng)}"
        )
        turns.append(("customer", f"Sure, it's a Russian passport, series and number {sec(t2)}."))
        turns.append(("agent", "Thank you."))
        tags = ["passport_ru", "lang:en-passport"]
    return Case(cid, lang, "passport_ru", False, turns, [series + number], tags=tags)


def gen_snils(rng: random.Random, lang: str, cid: str) -> Case:
    s = make_snils(rng)
    style = rng.choices(["digits", "groupwords", "digitwords"], [0.55, 0.3, 0.15])[0]
    tags = ["snils", "style:" + style]
    groups = [s[:3], s[3:6], s[6:9], s[9:]]
    if style == "digits":
        fmt = rng.choice(["canon", "space", "plain", "dashes"])
        tags.append("fmt:" + fmt)
        t = {
            "canon": f"{groups[0]}-{groups[1]}-{groups[2]} {groups[3]}",
            "space": " ".join(groups),
            "plain": s,
            "dashes": "-".join(groups),
        }[fmt]
    elif style == "groupwords":
        t = ", ".join(say_group(g, "ru", rng) for g in groups)
    else:
        t = ", ".join(say_digits(g, "ru", rng) for g in groups)
    if lang == "ru":
        turns = [
            (
                "agent",
                rng.choice(
                    [
                        "Назовите, пожалуйста, номер СНИЛС.",
                        "Продиктуйте страховой номер, СНИЛС.",
                        "Мне понадобится ваш СНИЛС.",
                    ]
                ),
            )
        ]
        lead = rng.choice(["СНИЛС", "так,", "", "секунду... вот,", "пишите:"])
    else:
        turns = [("agent", "I'll need your Russian pension insurance number, the SNILS.")]
        lead = rng.choice(["okay, it's", "SNILS is", ""])
    mode = rng.choice(["one", "split"])
    tags.append("mode:" + mode)
    if mode == "one":
        turns.append(("customer", (lead + " " + sec(t)).strip() + "."))
    else:
        parts = re.split(r"(?<=\d)[ -](?=\d)|, ", t)
        cut = max(1, len(parts) // 2)
        turns.append(("customer", (lead + " " + sec(" ".join(parts[:cut]))).strip()))
        turns.append(("agent", rng.choice(ACK_RU if lang == "ru" else ACK_EN)))
        turns.append(("customer", sec(" ".join(parts[cut:])) + "."))
    turns.append(("agent", "Спасибо." if lang == "ru" else "Thanks."))
    return Case(cid, lang, "snils", False, turns, [s], tags=tags)


def gen_inn(rng: random.Random, lang: str, cid: str) -> Case:
    inn = make_inn12(rng)
    style = rng.choices(["digits", "groupwords", "digitwords"], [0.6, 0.25, 0.15])[0]
    tags = ["inn", "style:" + style]
    if style == "digits":
        t = rng.choice([inn, " ".join(group(inn, [4, 4, 4])), " ".join(group(inn, [2, 2, 6, 2]))])
    elif style == "groupwords":
        t = ", ".join(say_group(g, "ru", rng) for g in group(inn, [3, 3, 3, 3]))
    else:
        t = say_digits(inn, "ru", rng)
    turns = [
        (
            "agent",
            rng.choice(
                [
                    "Для налогового вычета нужен ваш ИНН.",
                    "Назовите ИНН, пожалуйста.",
                    "Подскажите ваш личный ИНН.",
                ]
            ),
        )
    ]
    turns.append(("customer", rng.choice(["ИНН", "так,", "", "мой ИНН"]) + " " + sec(t) + "."))
    turns.append(("agent", "Спасибо, записала."))
    return Case(cid, "ru", "inn", False, turns, [inn], tags=tags)


def gen_ssn(rng: random.Random, lang: str, cid: str) -> Case:
    a = str(rng.randint(101, 665))
    b = f"{rng.randint(1, 99):02d}"
    c = f"{rng.randint(1, 9999):04d}"
    ssn = a + b + c
    style = rng.choices(
        ["dash", "space", "plain", "digitwords", "groupwords", "dots"], [0.25, 0.15, 0.1, 0.25, 0.15, 0.1]
    )[0]
    tags = ["ssn", "style:" + style]
    t = {
        "dash": f"{a}-{b}-{c}",
        "space": f"{a} {b} {c}",
        "plain": ssn,
        "dots": f"{a}.{b}.{c}",
        "digitwords": f"{say_digits(a, 'en', rng)}, {say_digits(b, 'en', rng)}, {say_digits(c, 'en', rng)}",
        "groupwords": f"{say_group(a, 'en', rng)}, {say_group(b, 'en', rng)}, {say_group(c, 'en', rng)}",
    }[style]
    turns = [
        (
            "agent",
            rng.choice(
                [
                    "To verify your identity, what are the last... actually, I need the full social "
                    "security number.",
                    "Can you verify your social?",
                    "I'll need your SSN for the credit check.",
                ]
            ),
        )
    ]
    lead = rng.choice(["it's", "sure,", "okay,", "", "my social is", "yeah, uh,"])
    mode = rng.choice(["one", "one", "split"])
    tags.append("mode:" + mode)
    if mode == "one":
        turns.append(("customer", (lead + " " + sec(t)).strip() + "."))
    else:
        parts = (
            re.split(r"[-. ]|, ", t, maxsplit=1) if style in ("dash", "space", "dots") else t.split(", ", 1)
        )
        if len(parts) < 2:
            parts = [t[:3], t[3:]]
        turns.append(("customer", (lead + " " + sec(parts[0])).strip() + "..."))
        turns.append(("agent", "Mm-hmm."))
        turns.append(("customer", sec(parts[1]) + "."))
    turns.append(("agent", "Thank you, you're verified."))
    return Case(cid, "en", "ssn", False, turns, [ssn], tags=tags)


# ------------------------------------------------------------------------------------------------
# negatives
# ------------------------------------------------------------------------------------------------
def gen_negative(rng: random.Random, lang: str, cid: str) -> Case:
    if lang == "ru":
        kinds = {
            "price": lambda: (
                f"Тариф стоит {rng.choice(['2 990', '1 490', '12 500', '890', '3 450'])} рублей в месяц, со "
                f"скидкой {rng.choice(['2 490', '1 190', '690'])}.",
                "Дороговато, а дешевле есть?",
            ),
            "price_words": lambda: (
                "Сколько будет стоить подключение?",
                f"Вы сказали {ru_num(rng.choice([2, 3, 4]))} тысячи {ru_num(rng.choice([900, 450, 990]))} "
                "рублей?",
            ),
            "order": lambda: (f"Ваш заказ номер {rdig(rng, 8)} уже передан в доставку.", "А когда привезут?"),
            "order_bare": lambda: (
                "Назовите номер заказа.",
                f"{rdig(rng, 3)}-{rdig(rng, 3)}-{rdig(rng, 3)}, он в письме был.",
            ),
            "date_time": lambda: (
                f"Мастер приедет {rng.randint(1, 28)}.{rng.randint(1, 12):02d}.2024 с "
                f"{rng.choice(['10:00', '14:30', '9:00'])} до {rng.choice(['18:00', '16:30', '12:00'])}.",
                "Хорошо, буду дома.",
            ),
            "amount": lambda: (
                f"Задолженность {rng.choice(['1 250 000', '45 300', '128 750,50', '3 200'])} рублей.",
                f"А можно платить по {rng.choice(['10 000', '5 000', '15 500'])} в месяц?",
            ),
            "tracking": lambda: (
                f"Трек-номер {rng.choice(['RA', 'RB', 'LP'])}{rdig(rng, 9)}RU, отслеживается на сайте почты.",
                "Спасибо, посмотрю.",
            ),
            "tariff": lambda: (
                f"Могу предложить тариф «Мега {rng.choice(['500', '1000', '300'])}» или «Смарт "
                f"{rng.choice(['25', '40', '15'])}».",
                f"А в «Мега {rng.choice(['500', '1000'])}» сколько гигабайт?",
            ),
            "counts": lambda: (
                "Сколько устройств подключено?",
                f"Ну, {ru_num(rng.randint(2, 6))} телефона, {ru_num(rng.randint(1, 3))} ноутбук, и "
                f"телевизор, итого {rng.randint(4, 9)}.",
            ),
            "ticket": lambda: (
                f"Номер вашего обращения {rdig(rng, 10)}, сохраните его.",
                "Записал, спасибо.",
            ),
            "contract": lambda: (
                "Подскажите номер договора.",
                f"Договор {rdig(rng, 2)}/{rdig(rng, 6)} от {rng.randint(1, 28)} марта 2023 года.",
            ),
            "speed_words": lambda: (
                "Какая скорость по тарифу?",
                f"Обещали {ru_num(rng.choice([100, 500, 300]))} мегабит, а по факту "
                f"{ru_num(rng.randint(11, 99))}, ну максимум {ru_num(rng.randint(20, 60))}.",
            ),
            "year_list": lambda: (
                "Когда были отключения?",
                f"В 2021, 2022 и в 2023 году, и вот {rng.randint(10, 28)} числа опять.",
            ),
            "account_balance": lambda: (
                "Какой у меня баланс?",
                f"На счёте {rng.randint(100, 999)} рублей {rng.randint(10, 99)} копеек, списание "
                f"{rng.randint(1, 28)} числа.",
            ),
            "address": lambda: (
                "Продиктуйте адрес доставки.",
                f"Улица Ленина, дом {rng.randint(1, 150)}, корпус {rng.randint(1, 4)}, квартира "
                f"{rng.randint(1, 400)}, индекс {rdig(rng, 6)}.",
            ),
        }
    else:
        kinds = {
            "price": lambda: (
                f"The plan is ${rng.choice(['29.99', '49', '79.99', '1,249.99'])} a month, or "
                f"${rng.choice(['299', '499', '799'])} a year.",
                "Hmm, that's more than I pay now.",
            ),
            "price_words": lambda: (
                "How much is the upgrade?",
                f"You said {en_num(rng.choice([19, 29, 49]))} ninety-nine a month, right?",
            ),
            "order": lambda: (
                f"Your order number is {rdig(rng, 9)}, it shipped yesterday.",
                "Great, when will it arrive?",
            ),
            "order_bare": lambda: (
                "Do you have the confirmation code?",
                f"Yeah, it's {rng.choice(['BX', 'KL', 'QZ'])}{rdig(rng, 6)}.",
            ),
            "date_time": lambda: (
                f"The technician will be there on {rng.choice(['March', 'June', 'October'])} "
                f"{rng.randint(1, 28)}th between {rng.choice(['8', '10', '1'])} and "
                f"{rng.choice(['12', '2', '5'])} pm.",
                "Okay, 2 to 5 works.",
            ),
            "amount": lambda: (
                f"Your balance is ${rng.randint(1, 9)},{rdig(rng, 3, False)}.{rdig(rng, 2, False)}.",
                f"Can I pay {rng.choice(['500', '250', '1,000'])} now and the rest on the "
                f"{rng.randint(1, 28)}th?",
            ),
            "tracking": lambda: (
                f"Your tracking number is 1Z{rdig(rng, 6)}{rng.choice(['A', 'X'])}{rdig(rng, 8)}.",
                "Thanks, I'll check UPS.",
            ),
            "tariff": lambda: (
                f"We have the Unlimited {rng.choice(['55', '65', '75'])} plan and the Fiber "
                f"{rng.choice(['300', '500', '1000'])}.",
                f"What's the difference with the Fiber {rng.choice(['300', '500'])}?",
            ),
            "counts": lambda: (
                "How many lines do you need?",
                f"Uh, {en_num(rng.randint(2, 5))} lines, {en_num(rng.randint(1, 3))} tablets, so "
                f"{rng.randint(5, 9)} devices total.",
            ),
            "ticket": lambda: (f"Your ticket number is {rdig(rng, 8)}.", "Got it."),
            "contract": lambda: ("What's your account number?", f"Account number {rdig(rng, 10)}."),
            "speed_words": lambda: (
                "What speeds are you getting?",
                f"Like {en_num(rng.randint(11, 99))}, sometimes {en_num(rng.randint(20, 60))}, never the "
                f"{en_num(rng.choice([100, 300, 500]))} you promised.",
            ),
            "year_list": lambda: ("When did you sign up?", "Back in 2019, then I renewed in 2021 and 2023."),
            "account_balance": lambda: (
                "What's my balance?",
                f"It's {rng.randint(10, 999)} dollars and {rng.randint(10, 99)} cents, due on the "
                f"{rng.randint(1, 28)}th.",
            ),
            "address": lambda: (
                "What's the shipping address?",
                f"{rng.randint(100, 9999)} Oak Street, apartment "
                f"{rng.randint(1, 40)}{rng.choice(['A', 'B', ''])}, zip code {rdig(rng, 5)}.",
            ),
        }
    kind = rng.choice(list(kinds))
    a, c = kinds[kind]()
    turns = [("agent", a), ("customer", c)]
    if rng.random() < 0.4:
        turns.append(
            (
                "agent",
                rng.choice(
                    ["Let me check.", "One moment.", "Okay."]
                    if lang == "en"
                    else ["Секунду.", "Сейчас проверю.", "Хорошо."]
                ),
            )
        )
    return Case(cid, lang, "neg_" + kind, True, turns, [], tags=["neg", "neg_" + kind])


GENS = {
    "phone": (gen_phone, 0.32),
    "card": (gen_card, 0.16),
    "email": (gen_email, 0.14),
    "passport": (gen_passport, 0.08),
    "snils": (gen_snils, 0.05),
    "inn": (gen_inn, 0.03),
    "ssn": (gen_ssn, 0.06),
}


def build_cases(seed: int = SEED, n: int = N_CASES) -> list[Case]:
    rng = random.Random(seed)
    cases: list[Case] = []
    names = list(GENS)
    weights = [GENS[k][1] for k in names]
    i = 0
    while len(cases) < n:
        lang = "en" if i % 2 else "ru"
        cid = f"p{i:04d}"
        i += 1
        if rng.random() < 0.25:
            case = gen_negative(rng, lang, cid)
        else:
            kind = rng.choices(names, weights)[0]
            if kind == "ssn":
                lang = "en"
            if kind == "inn":
                lang = "ru"
            case = GENS[kind][0](rng, lang, cid)
        # a perfect redactor must not "leak" by coincidence; the raw input must leak (checker sanity)
        ref = [reference(t) for _, t in case.turns]
        if not case.negative and (leaks(case, ref) or not leaks(case, [clean(t) for _, t in case.turns])):
            continue
        cases.append(case)
    return cases


# ------------------------------------------------------------------------------------------------
# leak checker
# ------------------------------------------------------------------------------------------------
def text_words(text: str) -> set[str]:
    t = text.lower().replace("ё", "е")
    words = set(re.findall(r"[a-zа-я0-9]+", t))
    # spelled letters "i v a n" / "i-v-a-n" → "ivan"
    for m in re.finditer(r"(?<![a-zа-я])(?:[a-zа-я][\s,.\-]+){2,}[a-zа-я](?![a-zа-я])", t):
        words.add(re.sub(r"[^a-zа-я]", "", m.group(0)))
    return words


def leaks(case: Case, texts: list[str]) -> list[str]:
    """What of the case's secrets can be read back from texts (a list of independent strings)."""
    found: list[str] = []
    grams: set[str] = set()
    for s in case.secret_digits:
        grams |= {s[i : i + 4] for i in range(len(s) - 3)}
    for t in texts:
        for line in t.split("\n"):
            for run in digits_runs(line):
                hit = [g for g in grams if g in run]
                if hit:
                    found.append(f"digits {run!r} ⊃ {sorted(hit)[0]}")
            if case.email_words:
                ws = text_words(line)
                for w in case.email_words:
                    wl = w.lower().replace("ё", "е")
                    if wl in ws or any(wl in x for x in ws if len(x) > len(wl)):
                        found.append(f"email word {w!r}")
    return sorted(set(found))


PH = re.compile(r"\[(PHONE|CARD|EMAIL|ID)\]")


def evaluate(cases: list[Case] | None = None, baseline: bool = False) -> list[dict]:
    """One row per case: the stored (ClickHouse) texts, the LLM text, what of the secrets is readable in
    each, and for a negative whether a placeholder appeared (a false positive). With ``baseline`` the
    unredacted text is checked instead, to test the checker itself."""
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    rows = []
    for c in build_cases() if cases is None else cases:
        if baseline:
            ch_texts = [clean(t) for _, t in c.turns]
            llm = "\n".join(f"{role}: {clean(t)}" for role, t in c.turns)
        else:
            tr = make_transcript_from_turns(c.cid, [(r, clean(t)) for r, t in c.turns], c.lang)
            filtered = filter_transcript(tr)
            # the ASR guards' dropped segments go to ClickHouse too (processors/rows.py)
            ch_texts = [s["text"] for s in filtered["transcript"]["segments"]] + [
                s["text"] for s in filtered["transcript"].get("dropped_segments", [])
            ]
            llm = compress(filtered, len, "probe")["text"]
        leak_ch = leaks(c, ch_texts) if not c.negative else []
        leak_llm = leaks(c, [llm]) if not c.negative else []
        placeholders = PH.findall("\n".join(ch_texts) + "\n" + llm)
        rows.append(
            {
                "id": c.cid,
                "category": c.category,
                "lang": c.lang,
                "tags": c.tags,
                "negative": c.negative,
                "ch": ch_texts,
                "llm": llm,
                "leak_ch": leak_ch,
                "leak_llm": leak_llm,
                "leaked": bool(leak_ch or leak_llm),
                "fp": c.negative and bool(placeholders),
                "placeholders": placeholders,
            }
        )
    return rows
