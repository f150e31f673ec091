"""Blind PII probe 13: who reads the number out (the CRM screen, an IVR robot, a relative), how Whisper
punctuates it, and numbers from abroad.

Angle. 300 seeded call-centre dialogues (150 Russian, 150 English; banks, telecom, marketplaces, travel
agencies, clinics, insurers), 240 with one to three secrets (never two of one family: one phone, one card,
one passport per call), 60 negatives with none but many look-alike business numbers given the same ways.
Whisper-like text: numbers in digits, in words or mixed, with Whisper's punctuation. No earlier probe
centred on who says the number and in what written shape; each secret is given by one "pattern":

* ``crm_readout``: the agent reads the caller's data off the CRM screen to verify it ("Вижу вашу
  карточку. У меня записан СНИЛС: ...", "I have your phone number as ..., is that still current?",
  "I'm showing ... as your social"), sometimes in two breaths ("Так, сейчас открою... СНИЛС у меня: 511
  369..." / "195 69. Это ваш?"), sometimes an old phone the caller corrects ("нет, там в конце 76, а не
  43" / "it ends in 7301 now") and the agent's corrected read; sometimes the caller asked first ("А какой
  у вас номер записан?");
* ``third_party``: someone else's data: "запишите СНИЛС мамы: ...", "It's not mine, it's my wife's card
  number. She's right here" / "Hi, yeah, it's ...", the phone handed over ("Секунду, дам трубку жене." /
  "Здравствуйте, это жена. Мой паспорт ..."), relayed ("Маш, какой у тебя ИНН? ... Так, она говорит:
  ..."), "And whose passport number is that?" / "My son's. ...";
* ``asr_format``: Whisper's punctuation of dictated data: "+7 (916) 123-45-67", "8-916-...",
  "8(916)123-45-67", "916 1 23 45 67", stray full stops ("4276. 3800. 1234. 5678.", "92.18. 413558"),
  "45 12 № 345-678", "123-456-789 64", a number glued to its word ("Yeah, it's7139319544",
  "Номер+79161234567"), a dictation cut in two segments, e-mails as "ivan.petrov88 @ mail . ru",
  "ivan. petrov88 @mail.ru", "Ivan.petrov88@Mail.ru.";
* ``intl_format``: numbers from abroad the policy still covers: Kazakh (+7 7xx), Belarusian (+375),
  Ukrainian (+380), German (+49 15x/17x, "0151/2345678") and French (+33 6/7, "06.12.34.56.78")
  mobiles; Amex (15 digits, 4-6-5), 19-digit Maestro and UnionPay cards; IBANs of KZ, BY, UA, DE, FR,
  CH, AT, BE and GB ("Счёт у меня в казахстанском банке. IBAN KZ54...");
* ``ivr``: a robot reads the number back: "Вы ввели: пять восемь семь, пять восемь ноль, ... Если
  верно, нажмите один.", "We see you're calling from 0 7551 925410. To be called back at this number,
  press one.", "Проверяю. Вы ввели ... Данные найдены. Соединяю с оператором.", or the caller says it to
  a voice bot ("Please say your social." / ... / "I heard ... Is that correct?");
* ``monologue``: one long breath of a complaint (dates, order numbers, amounts, times, hotlines,
  tracking and policy numbers) with the secret said in passing, unasked ("Я звонила на 8-800-..., мне
  сказали, перезвонят на мой номер ..., и всё, тишина"), sometimes read back by the agent after.

A card sometimes comes with its security code asked for after it ("И три цифры с обратной стороны?").
40 % of the third-party, format and abroad secrets and half of the monologue ones are read back by the
agent (digits, words, digit by digit, or mixed).

Secret kinds, each valid for its type (checked by ``self_check``): cards (Mir 2200-2204, Visa,
Mastercard incl. 2223; Luhn), Amex (15, Luhn) and its 4-digit code, 19-digit Maestro/UnionPay (Luhn),
security codes, RU mobiles (real 9xx codes), US NANP numbers (real area codes, no N11 or 555 exchanges),
UK mobiles (07), KZ/BY/UA/DE/FR mobiles (real mobile prefixes), e-mails, RU passports (real region codes
and issue years), RU foreign passports, SNILS (checksum), a person's INN (12 digits, both check digits),
RU personal accounts (40817810..., key digit against the BIK said in the same call), RU driver's
licences, IBANs (mod 97; the French RIB key and Belgian check too), US SSNs (valid areas, no 666),
US and UK passports, UK National Insurance numbers (valid prefixes and suffix), NHS numbers (mod 11).

Must-stay numbers (docs/pii.md "What stays"): order, contract, invoice, tracking, ticket (also read
digit by digit by a robot: "Номер вашего обращения: 6, 8, 9, 2, ..."), application (Госуслуги), claim,
confirmation and car-insurance (ОСАГО, auto policy) numbers; a company's INN/KPP/OGRN and a bank's BIK;
toll-free hotlines (8 800 ..., 1-800/888/877/866 ..., also in words); amounts (digits and words,
"девяносто девять тысяч пятьсот рублей", "three hundred and fifty-nine dollars"), dates, times,
mileage; a card's last four; flight, room and postcode/ZIP numbers (the policy's "business data").
In the negatives they are also given as a secret would be: an order read off the CRM in a phone's shape
("У меня в карточке записан заказ 451-28-763"), a relative's order, a robot's read-out.

Leak rule (this probe's own checker, written from the rule only). A text is read as a listener hears it:
digits and Russian/English number words composed ("девятьсот шестнадцать" = 916, "сорок пять тысяч
пятьсот" = 45500, "nine sixteen" = 9 16, "twenty-one hundred" = 2100, "double oh" = 00; a comma or full
stop ends a composed number; "oh" is a zero only beside another number). Digits stay "in a row" across
punctuation, fillers, single letters, segment boundaries and at most three other words; a placeholder
ends the row. A numeric secret LEAKS when 4 of its digits in a row (any window of 4; a security code:
all of it) can be read in the stored segments joined in order, in one speaker's stored segments, in the
compressed LLM text, or in one speaker's lines of it. Not counted: a card's own last four, windows inside
the 40817810 every ruble personal account starts with, an occurrence that takes digits from a number of 3+
digits that is one of the call's must-stay numbers, and windows that perfect redaction still leaves
readable (coincidences, at most half a secret's windows, none for a code; else the dialogue is drawn
again). Phones are measured on their national number (the +7/8/+44/0 prefix is not a window). An e-mail
LEAKS when its local part (dots, underscores, hyphens ignored) or, when 6+ letters, its letters alone can
be read in the same texts run together (Cyrillic transliterated, number words as digits, "dot"/"точка"/
"underscore" dropped). A must-stay number is LOST when its digits cannot be read in its own stored
segment(s) or anywhere in the compressed text. A negative dialogue is TOUCHED when any placeholder shows in
its stored segments or compressed text.

Self-check: every secret valid for its type and readable in the raw turns (stored and "LLM" views alike);
none readable after perfect hand redaction (only the secret's own spans replaced); every must-stay
number readable raw and after perfect redaction, and none shaped like a secret (a 13-19 digit Luhn pass, an
11-digit SNILS pass or 7/8-prefixed, a 12-digit INN pass, a 10-digit 9xx or NHS pass). A draft dialogue
that fails is drawn again (12 of 312 drafts).

Run: ``cd /work/main && .venv/bin/python tests/pii_probe13.py`` (generation 2 s, evaluate() about 4 s).

Measured blind at cee8e5a (written without reading processors/, the unit tests or earlier probes' bodies;
SEED = 13013; 300 dialogues, 417 secrets, 3 020 numbers that must stay, 60 negatives):

* secrets leaked 19/417 = 4.6 % (ru 6/219 = 2.7 %, en 13/198 = 6.6 %). Per type: passport_us/en 4/10,
  inn/ru 2/20, passport_ru/ru 2/21, phone_uk/en 2/20, ssn/en 2/20, account/ru 1/22, email/en 1/10,
  iban/en 1/16, ni/en 1/13, passport_uk/en 1/14, phone_us/en 1/18, zagran/ru 1/13; none of the cards
  (16, 15 and 19 digits), codes, SNILS, NHS numbers, RU or foreign mobiles, licences or RU e-mails.
* per pattern: ivr 10/80 (en 6/36, ru 4/44: a robot's digit-by-digit read-out after "You entered:",
  "Вы ввели", "Проверяю. Вы ввели ..." stays whole: "You entered: eight seven three one three three four
  two three. If this is correct, press one."; "We see you're calling from 0 7551 925410"; a voice bot's
  answer "[ID], одиннадцать сорок три" keeps its last group); third_party 4/78 (the relative who takes
  the phone and says it unasked: "Алло. Да, шестьдесят пять ноль восемь, триста шестьдесят пять двести
  тридцать шесть.", "Алло. Да, 75-787-92-70."; "Hi, yeah, it's five hundred seventy-three zero four
  sixty-two zero one."; an NI read-back "N M, two six, one seven, five oh, D."); monologue 2/58 (en
  2/29: "I emailed you from kayla.ashworth72 @ yahoo . com", a US passport in passing); asr_format 1/53
  ("Yeah, it's7139319544"); crm_readout 1/72 ("I'm showing 4122 99998 as your passport number");
  intl_format 1/76 (a GB IBAN with a stop after every group: "GB58. MIDL. 6330. 8001. 9822. 23..").
* must-stay numbers lost 21/3 020 = 0.7 % (4 in the LLM text only): 18 hotlines, 15 of them one shape:
  a toll-free line followed by "twenty-four seven" ("Our hotline is [PHONE], 24 7, and room 1287.";
  without "twenty-four seven" the same line stays); 2 RU hotlines in words lose their leading "восемь"
  when the compressor folds two hotline sentences ("Если что, 800, 100, 23, 53"); a contract number
  after a passport's [ID] in the same breath ("договор № [ID]/24", LLM only, and once stored); a ticket
  read digit by digit loses its first digit in the LLM text.
* negative dialogues touched 14/60, every one by that "twenty-four seven" hotline line.

A first run (same code, same seed) counted 21/417: one hit was the checker's own coincidence (an
account's window "0082" read from "с 9:00 до 10:00" + "списали 829 рублей" once the compressor dropped the
words between), so the must-stay-number rule above was added; it also redrew a few dialogues (3 022 ->
3 020 must-stay numbers). The redaction code was neither read nor changed between the two runs.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

SEED = 13013
N_DIALOGUES = 300
DIG = "0123456789"

# --------------------------------------------------------------------------------------------------
# number words and the listener's reading
# --------------------------------------------------------------------------------------------------

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

NUMWORDS: dict[str, tuple[int, int]] = {}  # word -> (value, place): 1 unit, 11 teen, 10 tens, 100 hundreds
for _i, _w in enumerate(RU_UNITS):
    NUMWORDS[_w] = (_i, 1)
for _i, _w in enumerate(EN_UNITS):
    NUMWORDS[_w] = (_i, 1)
NUMWORDS.update({"нуль": (0, 1), "одна": (1, 1), "одну": (1, 1), "две": (2, 1), "oh": (0, 1)})
for _i, _w in enumerate(RU_TEENS + EN_TEENS):
    NUMWORDS[_w] = (10 + _i % 10, 11)
for _i, _w in enumerate(RU_TENS + EN_TENS):
    if _w:
        NUMWORDS[_w] = ((_i % 10) * 10, 10)
for _i, _w in enumerate(RU_HUND):
    if _w:
        NUMWORDS[_w] = (_i * 100, 100)
THOUSAND = {"тысяча", "тысячи", "тысяч", "тысячу", "thousand"}
HUNDRED = {"hundred"}
MULT = {"double": 2, "triple": 3}
SOFT = {
    "uh",
    "um",
    "er",
    "erm",
    "э",
    "ээ",
    "эм",
    "ну",
    "так",
    "угу",
    "ага",
    "mm",
    "hmm",
    "плюс",
    "plus",
    "мм",
}
EMAIL_SEP = {
    "dot",
    "точка",
    "underscore",
    "подчёркивание",
    "подчеркивание",
    "нижнее",
    "дефис",
    "dash",
    "hyphen",
    "тире",
}
PUNCT = set(",.;:!?—–…")
_TOK = re.compile(r"\[[A-Z_]+\]|\d+|[^\W\d_]+|[,.;:!?—–…]")
_PLACEHOLDER = re.compile(r"\[(PHONE|CARD|EMAIL|ID)\]")

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
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def _is_numtok(t: str) -> bool:
    return t.isdigit() or (t in NUMWORDS and t != "oh") or t in THOUSAND or t in HUNDRED or t in MULT


def items(text: str) -> list[tuple[str, str]]:
    """The text as a listener hears it: ("num", digits) for each composed number, words, punctuation and
    placeholders. Number words compose ("девятьсот шестнадцать" = 916, "nine sixteen" = 9, 16, "twenty-one
    hundred" = 2100, "две тысячи девятьсот девяносто" = 2990, "double oh" = 00); a comma or full stop ends a
    composed number; "oh" is a zero only next to another number."""
    toks = [
        t if t.startswith("[") else t.lower() for t in _TOK.findall(text.replace("ё", "е").replace("Ё", "Е"))
    ]
    out: list[tuple[str, str]] = []
    st: dict[str, Any] = {"val": None, "cap": 0, "hund": False, "pend": None}

    def flush() -> None:
        val, pend = st["val"], st["pend"]
        if pend is not None:
            if val is not None and val < 1000:
                out.append(("num", str(pend + val)))
            else:
                out.append(("num", str(pend)))
                if val is not None:
                    out.append(("num", str(val)))
        elif val is not None:
            out.append(("num", str(val)))
        st.update(val=None, cap=0, hund=False, pend=None)

    def start(v: int, place: int) -> None:
        st["val"] = v
        st["cap"] = {1: 0, 11: 0, 10: 10 if v else 0, 100: 100}[place]
        st["hund"] = place == 100

    mult = 1
    for i, t in enumerate(toks):
        if t.startswith("["):
            flush()
            out.append(("ph", t))
            continue
        if t.isdigit():
            flush()
            out.append(("num", t))
            continue
        if t in PUNCT:
            flush()
            out.append(("punct", t))
            continue
        if t == "oh":
            prev = toks[i - 1] if i else ""
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if not (_is_numtok(prev) or prev == "oh" or _is_numtok(nxt) or nxt == "oh"):
                flush()
                out.append(("word", t))
                continue
        if t in MULT:
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if nxt in NUMWORDS and NUMWORDS[nxt][1] == 1:
                flush()
                mult = MULT[t]
                continue
        if t == "and" and i and (toks[i - 1] in HUNDRED or toks[i - 1] in THOUSAND):
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if nxt in NUMWORDS:
                continue
        if t in HUNDRED:
            if st["val"] is not None and not st["hund"] and 0 < st["val"] < 100:
                st.update(val=st["val"] * 100, cap=100, hund=True)
            else:
                flush()
                start(100, 100)
            continue
        if t in THOUSAND:
            if st["pend"] is None:
                base = st["val"] if st["val"] is not None else 1
                st.update(val=None, cap=0, hund=False, pend=base * 1000)
            else:
                flush()
                st["pend"] = 1000
            continue
        if t in NUMWORDS:
            v, place = NUMWORDS[t]
            if mult > 1:
                out.append(("num", str(v) * mult))
                mult = 1
                continue
            if st["val"] is None:
                start(v, place)
            elif (place == 1 and v > 0 and st["cap"] >= 10) or (place == 11 and st["cap"] == 100):
                st.update(val=st["val"] + v, cap=0)
            elif place == 10 and st["cap"] == 100:
                st.update(val=st["val"] + v, cap=10)
            else:
                flush()
                start(v, place)
            continue
        flush()
        out.append(("word", t))
    flush()
    return out


def item_runs(its: list[tuple[str, str]]) -> list[list[str]]:
    """Digits "in a row": across punctuation, fillers, single letters and at most three other words; a
    placeholder ends the row. Each row as the list of the numbers it was read from."""
    res: list[list[str]] = []
    cur: list[str] = []
    gap = 0
    for kind, v in its:
        if kind == "num":
            cur.append(v)
            gap = 0
        elif kind == "ph":
            if cur:
                res.append(cur)
            cur, gap = [], 0
        elif kind == "word":
            if v in SOFT or len(v) == 1:
                continue
            gap += 1
            if gap > 3:
                if cur:
                    res.append(cur)
                cur, gap = [], 0
    if cur:
        res.append(cur)
    return res


def runs_of(its: list[tuple[str, str]]) -> list[str]:
    return ["".join(r) for r in item_runs(its)]


def found_windows(ws: set[str], rows: list[list[str]], foreign: frozenset[str]) -> set[str]:
    """The windows readable in the rows, not counting an occurrence that takes digits from a number of three
    or more digits that is one of the call's must-stay numbers (a coincidence, credited to nobody)."""
    out: set[str] = set()
    for row in rows:
        text = "".join(row)
        bounds, pos = [], 0
        for part in row:
            bounds.append((pos, pos + len(part), part in foreign))
            pos += len(part)
        for w in ws:
            if w in out:
                continue
            start = text.find(w)
            while start >= 0:
                end = start + len(w)
                if not any(f and b0 < end and b1 > start for b0, b1, f in bounds):
                    out.add(w)
                    break
                start = text.find(w, start + 1)
    return out


def letters_of(its: list[tuple[str, str]]) -> str:
    """The text run together as an e-mail's local part would be heard: Cyrillic transliterated, number words
    as digits, "dot"/"точка"/"underscore" and punctuation dropped, a placeholder as a break."""
    parts = []
    for kind, v in its:
        if kind == "num":
            parts.append(v)
        elif kind == "ph":
            parts.append("|")
        elif kind == "word" and v not in EMAIL_SEP:
            parts.append("".join(TRANSLIT.get(c, c) for c in v))
    return "".join(parts)


@dataclass
class Reading:
    names: list[str]
    runs: list[list[list[str]]]
    letters: list[str]


def reading(texts: list[str], names: list[str]) -> Reading:
    its = [items(t) for t in texts]
    return Reading(names, [item_runs(i) for i in its], [letters_of(i) for i in its])


def readable(need: tuple[str, ...], text: str) -> bool:
    rs = runs_of(items(text))
    return all(any(n in r for r in rs) for n in need)


# --------------------------------------------------------------------------------------------------
# secrets: values valid for their type
# --------------------------------------------------------------------------------------------------


def luhn_ok(s: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_card(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice(DIG) for _ in range(length - len(prefix) - 1))
    return next(body + c for c in DIG if luhn_ok(body + c))


def snils_check(n9: str) -> str:
    s = sum(int(d) * (9 - i) for i, d in enumerate(n9))
    if s > 101:
        s %= 101
    return "00" if s in (100, 101) else f"{s:02d}"


def snils_ok(s: str) -> bool:
    return len(s) == 11 and s[:9] > "001001998" and snils_check(s[:9]) == s[9:]


def inn12_ok(s: str) -> bool:
    if len(s) != 12 or not s.isdigit():
        return False
    c1 = sum(int(s[i]) * w for i, w in enumerate([7, 2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10
    c2 = sum(int(s[i]) * w for i, w in enumerate([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10
    return int(s[10]) == c1 and int(s[11]) == c2


def inn10_ok(s: str) -> bool:
    if len(s) != 10 or not s.isdigit():
        return False
    return sum(int(s[i]) * w for i, w in enumerate([2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10 == int(s[9])


def account_key_ok(account: str, bik: str) -> bool:
    digits = bik[-3:] + account
    weights = [7, 1, 3] * 8
    return sum(int(d) * w % 10 for d, w in zip(digits, weights, strict=False)) % 10 == 0


def iban_ok(s: str) -> bool:
    s = s.replace(" ", "")
    moved = s[4:] + s[:4]
    num = "".join(str(int(c, 36)) for c in moved)
    return int(num) % 97 == 1 and IBAN_LEN.get(s[:2]) == len(s)


def nhs_ok(s: str) -> bool:
    if len(s) != 10 or not s.isdigit():
        return False
    c = 11 - sum(int(s[i]) * (10 - i) for i in range(9)) % 11
    c = 0 if c == 11 else c
    return c != 10 and c == int(s[9])


def fr_rib_ok(bban: str) -> bool:
    bank, branch, acct, key = int(bban[:5]), int(bban[5:10]), int(bban[10:21]), int(bban[21:23])
    return (89 * bank + 15 * branch + 3 * acct + key) % 97 == 0


IBAN_LEN = {"DE": 22, "FR": 27, "CH": 21, "AT": 20, "BE": 16, "KZ": 20, "UA": 29, "BY": 28, "GB": 22}
NI_BAD_FIRST = set("DFIQUVO")
NI_BAD_SECOND = set("DFIQUVO")
NI_BAD_PAIRS = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
RU_MOBILE = [
    "903",
    "905",
    "906",
    "909",
    "910",
    "912",
    "915",
    "916",
    "917",
    "921",
    "925",
    "926",
    "931",
    "950",
    "951",
    "960",
    "977",
    "981",
    "985",
    "987",
    "999",
]
US_AREAS = [
    "212",
    "213",
    "206",
    "305",
    "312",
    "404",
    "415",
    "503",
    "512",
    "602",
    "615",
    "617",
    "646",
    "702",
    "713",
    "718",
    "720",
    "773",
    "818",
    "919",
]
RU_REGIONS = [
    "45",
    "46",
    "40",
    "50",
    "60",
    "63",
    "65",
    "66",
    "77",
    "78",
    "92",
    "03",
    "04",
    "11",
    "14",
    "36",
    "52",
    "54",
    "61",
    "74",
]
INTL = {  # country: (country code, mobile prefixes, subscriber digits after the prefix)
    "KZ": ("7", ["700", "701", "702", "705", "707", "747", "771", "775", "777", "778"], 7),
    "BY": ("375", ["25", "29", "33", "44"], 7),
    "UA": ("380", ["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"], 7),
    "DE": ("49", ["151", "152", "157", "160", "162", "170", "171", "172", "176", "177", "178"], 8),
    "FR": ("33", ["6", "7"], 8),
}


def rd(rng: random.Random, n: int, first: str = DIG) -> str:
    return rng.choice(first) + "".join(rng.choice(DIG) for _ in range(n - 1))


def mk_iban(country: str, rng: random.Random) -> str:
    if country == "DE":
        bban = rd(rng, 8, "1234567") + rd(rng, 10)
    elif country == "FR":
        base = rd(rng, 5, "123") + rd(rng, 5) + rd(rng, 11)
        key = 97 - (89 * int(base[:5]) + 15 * int(base[5:10]) + 3 * int(base[10:])) % 97
        bban = base + f"{key:02d}"
    elif country == "CH":
        bban = rd(rng, 5, "0") + rd(rng, 12)
    elif country == "AT":
        bban = rd(rng, 5, "1234") + rd(rng, 11)
    elif country == "BE":
        base = rd(rng, 10, "0123456789")
        chk = int(base) % 97 or 97
        bban = base + f"{chk:02d}"
    elif country == "KZ":
        bban = rd(rng, 3, "123456789") + rd(rng, 13)
    elif country == "UA":
        bban = rd(rng, 6, "3") + "0000" + rd(rng, 15, "2")
    elif country == "BY":
        bban = rng.choice(["ALFA", "BPSB", "AKBB", "BLBB"]) + "3014" + rd(rng, 16)
    else:  # GB
        bban = rng.choice(["NWBK", "BARC", "LOYD", "MIDL", "HBUK"]) + rd(rng, 6, "2346") + rd(rng, 8)
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    chk = 98 - int(num) % 97
    return f"{country}{chk:02d}{bban}"


@dataclass
class Secret:
    kind: str
    value: str  # digits (letters kept for IBAN/NI), or an e-mail address
    pattern: str
    lang: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def digits(self) -> str:
        if self.kind == "email":
            return ""
        if self.kind in ("phone_ru", "phone_us", "phone_uk", "phone_intl"):
            return self.extra["nsn"]
        return re.sub(r"\D", "", self.value)

    @property
    def written(self) -> str:
        return self.extra.get("written", self.value)

    @property
    def placeholder(self) -> str:
        if self.kind.startswith("phone"):
            return "[PHONE]"
        if self.kind in ("card", "amex", "card19", "cvv"):
            return "[CARD]"
        if self.kind == "email":
            return "[EMAIL]"
        return "[ID]"

    def windows(self) -> set[str]:
        d = self.digits
        if self.kind == "cvv":
            return {d}
        ws = {d[i : i + 4] for i in range(len(d) - 3)}
        if self.kind in ("card", "amex", "card19"):
            ws.discard(d[-4:])
        if self.kind == "account":
            ws -= {d[i : i + 4] for i in range(5)} - {d[i : i + 4] for i in range(5, len(d) - 3)}
        return ws

    def valid(self) -> bool:
        v, d, k = self.value, self.digits, self.kind
        if k in ("card", "amex", "card19"):
            return luhn_ok(d) and len(d) == {"card": 16, "amex": 15, "card19": 19}[k]
        if k == "cvv":
            return len(d) in (3, 4) and d[0] != "0"
        if k == "phone_ru":
            return len(d) == 10 and d[:3] in RU_MOBILE
        if k == "phone_us":
            return (
                len(d) == 10
                and d[:3] in US_AREAS
                and d[3] in "23456789"
                and d[4:6] != "11"
                and d[3:6] != "555"
            )
        if k == "phone_uk":
            return len(d) == 10 and d[0] == "7" and d[1] in "45789"
        if k == "phone_intl":
            _, prefixes, n = INTL[self.extra["country"]]
            return any(d.startswith(p) and len(d) == len(p) + n for p in prefixes)
        if k == "email":
            return bool(re.fullmatch(r"[a-z0-9._]+@[a-z0-9.]+\.[a-z]{2,}", v))
        if k == "passport_ru":
            return len(d) == 10 and d[:2] in RU_REGIONS and (d[2:4] <= "24" or d[2:4] >= "97")
        if k == "zagran":
            return len(d) == 9 and d[:2] in ("75", "76", "77", "53", "65")
        if k == "snils":
            return snils_ok(d)
        if k == "inn":
            return inn12_ok(d)
        if k == "account":
            return len(d) == 20 and d.startswith("40817810") and account_key_ok(d, self.extra["bik"])
        if k == "iban":
            ok = iban_ok(v)
            return ok and (not v.startswith("FR") or fr_rib_ok(v[4:]))
        if k == "licence_ru":
            return len(d) == 10 and d[:2] in RU_REGIONS
        if k == "ssn":
            a, g, s = d[:3], d[3:5], d[5:]
            return len(d) == 9 and a != "000" and a != "666" and a < "900" and g != "00" and s != "0000"
        if k == "nhs":
            return nhs_ok(d)
        if k == "ni":
            return (
                bool(re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", v))
                and v[0] not in NI_BAD_FIRST
                and (v[1] not in NI_BAD_SECOND and v[:2] not in NI_BAD_PAIRS)
            )
        if k == "passport_us":
            return len(d) == 9 and d[0] in "56"
        if k == "passport_uk":
            return len(d) == 9 and d[0] in "12345"
        return False


def make_secret(kind: str, lang: str, pattern: str, rng: random.Random, ctx: dict[str, Any]) -> Secret:
    x: dict[str, Any] = {}
    if kind == "card":
        pre = rng.choice(
            ["2200", "2202", "2204", "4276", "4279", "4817", "5469", "5536", "5189"]
            if lang == "ru"
            else ["4147", "4266", "4388", "5424", "5178", "5524", "2223"]
        )
        v = luhn_card(pre, 16, rng)
    elif kind == "amex":
        v = luhn_card(rng.choice(["34", "37"]), 15, rng)
    elif kind == "card19":
        v = luhn_card(rng.choice(["6763", "6762", "6759", "6212", "6250"]), 19, rng)
    elif kind == "cvv":
        v = rd(rng, 4 if ctx.get("amex") else 3, "123456789")
    elif kind == "phone_ru":
        v = rng.choice(RU_MOBILE) + rd(rng, 7, "1234567")
        x["nsn"] = v
    elif kind == "phone_us":
        while True:
            v = rng.choice(US_AREAS) + rd(rng, 3, "23456789") + rd(rng, 4)
            if v[4:6] != "11" and v[3:6] != "555":
                break
        x["nsn"] = v
    elif kind == "phone_uk":
        v = "7" + rng.choice("45789") + rd(rng, 8)
        x["nsn"] = v
    elif kind == "phone_intl":
        country = rng.choice(["KZ", "BY", "UA", "DE"] if lang == "ru" else ["DE", "FR", "UA", "DE", "FR"])
        cc, prefixes, n = INTL[country]
        v = rng.choice(prefixes) + rd(rng, n, "123456789")
        x.update(nsn=v, country=country, cc=cc)
    elif kind == "email":
        v = make_email(lang, rng)
    elif kind == "passport_ru":
        v = (
            rng.choice(RU_REGIONS)
            + rng.choice(["05", "08", "12", "14", "16", "18", "19", "20", "21", "99"])
            + rd(rng, 6, "123456789")
        )
    elif kind == "zagran":
        v = rng.choice(["75", "76", "77", "53", "65"]) + rd(rng, 7, "123456789")
    elif kind == "snils":
        while True:
            n9 = rd(rng, 9, "123456789")
            if n9 > "001001998":
                break
        v = n9 + snils_check(n9)
    elif kind == "inn":
        while True:
            v = rng.choice(["77", "50", "78", "66", "16", "54", "52", "23"]) + rd(rng, 10)
            if inn12_ok(v):
                break
    elif kind == "account":
        bik = ctx["bik"]
        while True:
            v = "40817810" + rd(rng, 12)
            if account_key_ok(v, bik):
                break
        x["bik"] = bik
    elif kind == "iban":
        country = rng.choice(
            ["KZ", "DE", "BY", "UA", "FR"] if lang == "ru" else ["DE", "FR", "CH", "AT", "BE", "GB"]
        )
        v = mk_iban(country, rng)
        x["country"] = country
    elif kind == "licence_ru":
        v = rng.choice(RU_REGIONS) + rd(rng, 2, "0123") + rd(rng, 6, "123456789")
    elif kind == "ssn":
        while True:
            v = f"{rng.randint(1, 899):03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
            if v[:3] != "666":
                break
    elif kind == "nhs":
        while True:
            v = rd(rng, 9, "4") + "0"
            c = 11 - sum(int(v[i]) * (10 - i) for i in range(9)) % 11
            c = 0 if c == 11 else c
            if c != 10:
                v = v[:9] + str(c)
                break
    elif kind == "ni":
        while True:
            a, b = rng.choice("ABCEGHJKLMNPRSTWXYZ"), rng.choice("ABCEGHJKLMNPRSTWXYZ")
            if a + b not in NI_BAD_PAIRS:
                break
        v = a + b + rd(rng, 6, "123456789") + rng.choice("ABCD")
    elif kind == "passport_us":
        v = rd(rng, 9, "56")
    elif kind == "passport_uk":
        v = rd(rng, 9, "12345")
    else:
        raise ValueError(kind)
    return Secret(kind, v, pattern, lang, x)


RU_FIRST = ["ivan", "olga", "sergey", "natasha", "dmitriy", "elena", "pavel", "marina", "andrey", "irina"]
RU_LAST = [
    "petrov",
    "smirnova",
    "kozlov",
    "volkova",
    "sokolov",
    "lebedeva",
    "morozov",
    "novikova",
    "orlov",
    "fedorova",
]
RU_CYR = {
    "ivan": "иван",
    "olga": "ольга",
    "sergey": "сергей",
    "natasha": "наташа",
    "dmitriy": "дмитрий",
    "elena": "елена",
    "pavel": "павел",
    "marina": "марина",
    "andrey": "андрей",
    "irina": "ирина",
    "petrov": "петров",
    "smirnova": "смирнова",
    "kozlov": "козлов",
    "volkova": "волкова",
    "sokolov": "соколов",
    "lebedeva": "лебедева",
    "morozov": "морозов",
    "novikova": "новикова",
    "orlov": "орлов",
    "fedorova": "федорова",
}
EN_FIRST = ["jason", "megan", "tyler", "brooke", "derek", "kayla", "marcus", "holly", "trevor", "nadia"]
EN_LAST = [
    "whitfield",
    "okafor",
    "brennan",
    "castillo",
    "lindqvist",
    "harrow",
    "mcallister",
    "pruitt",
    "delgado",
    "ashworth",
]
RU_DOMAINS = ["mail.ru", "yandex.ru", "bk.ru", "inbox.ru", "gmail.com", "list.ru"]
EN_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.co.uk", "proton.me", "web.de"]


def make_email(lang: str, rng: random.Random) -> str:
    first, last = (
        (rng.choice(RU_FIRST), rng.choice(RU_LAST))
        if lang == "ru"
        else (rng.choice(EN_FIRST), rng.choice(EN_LAST))
    )
    nn = str(rng.choice([rng.randint(70, 99), rng.randint(11, 69), rng.randint(1985, 2004)]))
    form = rng.randrange(5)
    local = [
        f"{first}.{last}{nn}",
        f"{first[0]}{last}{nn}",
        f"{last}_{first}{nn}",
        f"{first}{last}",
        f"{first}.{last}",
    ][form]
    dom = rng.choice(RU_DOMAINS if lang == "ru" else EN_DOMAINS)
    return f"{local}@{dom}"


# --------------------------------------------------------------------------------------------------
# saying numbers
# --------------------------------------------------------------------------------------------------


def ru_num(n: int) -> str:
    if n < 10:
        return RU_UNITS[n]
    if n < 20:
        return RU_TEENS[n - 10]
    if n < 100:
        return RU_TENS[n // 10] + ("" if n % 10 == 0 else " " + RU_UNITS[n % 10])
    return RU_HUND[n // 100] + ("" if n % 100 == 0 else " " + ru_num(n % 100))


def en_num(n: int, rng: random.Random | None = None) -> str:
    if n < 10:
        return EN_UNITS[n]
    if n < 20:
        return EN_TEENS[n - 10]
    if n < 100:
        return EN_TENS[n // 10] + ("" if n % 10 == 0 else "-" + EN_UNITS[n % 10])
    rest = n % 100
    if rest == 0:
        return EN_UNITS[n // 100] + " hundred"
    if rng is not None and rng.random() < 0.5 and rest >= 10:
        return EN_UNITS[n // 100] + " " + en_num(rest)
    if rest < 10:
        return EN_UNITS[n // 100] + " oh " + EN_UNITS[rest]
    return EN_UNITS[n // 100] + " hundred " + en_num(rest)


def say_group(g: str, lang: str, rng: random.Random, single: bool = False) -> str:
    """Words for a digit group: leading zeros one by one, then the rest as a number (4 digits as two
    pairs); or every digit alone."""
    zero = "ноль" if lang == "ru" else rng.choice(["oh", "zero"])
    units = RU_UNITS if lang == "ru" else EN_UNITS
    if single:
        return " ".join(zero if c == "0" else units[int(c)] for c in g)
    words = []
    i = 0
    while i < len(g) - 1 and g[i] == "0":
        words.append(zero)
        i += 1
    rest = g[i:]
    if len(rest) <= 3:
        words.append(ru_num(int(rest)) if lang == "ru" else en_num(int(rest), rng))
    else:
        cut = 2 if len(rest) == 4 else 3
        words.append(say_group(rest[:cut], lang, rng))
        words.append(say_group(rest[cut:], lang, rng))
    return " ".join(words)


def read_digits(text: str) -> str:
    return "".join(runs_of(items(text)))


def say_words(groups: list[str], lang: str, rng: random.Random, sep: str = ", ", mix: float = 0.0) -> str:
    """Groups said in words (a share `mix` of them in digits), checked to read back as the same digits."""
    want = "".join(re.sub(r"\D", "", g) for g in groups)
    for attempt in range(3):
        parts = []
        for g in groups:
            if not g.isdigit() or rng.random() < mix:
                parts.append(g)
            else:
                parts.append(
                    say_group(g, lang, rng, single=attempt == 2 or (lang == "en" and rng.random() < 0.5))
                )
        text = (sep if attempt == 0 else ", ").join(parts)
        if read_digits(text) == want:
            return text
    return ", ".join(say_group(g, lang, rng, single=True) if g.isdigit() else g for g in groups)


def cut(s: str, sizes: list[int]) -> list[str]:
    out, i = [], 0
    for n in sizes:
        out.append(s[i : i + n])
        i += n
    if i < len(s):
        out.append(s[i:])
    return [g for g in out if g]


SPOKEN_GROUPS: dict[str, list[list[int]]] = {
    "phone_ru": [[3, 3, 2, 2]],
    "phone_us": [[3, 3, 4]],
    "phone_uk": [[4, 3, 3], [4, 6]],
    "card": [[4, 4, 4, 4]],
    "amex": [[4, 6, 5], [4, 4, 4, 3]],
    "card19": [[4, 4, 4, 4, 3], [4, 4, 4, 7]],
    "cvv": [[4]],
    "snils": [[3, 3, 3, 2]],
    "inn": [[4, 4, 4], [2, 2, 2, 4, 2], [3, 3, 3, 3]],
    "passport_ru": [[2, 2, 6], [4, 6], [2, 2, 3, 3]],
    "zagran": [[2, 7], [2, 3, 2, 2]],
    "account": [[5, 3, 1, 4, 7], [4, 4, 4, 4, 4]],
    "licence_ru": [[2, 2, 6], [2, 2, 3, 3]],
    "ssn": [[3, 2, 4]],
    "nhs": [[3, 3, 4]],
    "passport_us": [[3, 3, 3], [9]],
    "passport_uk": [[3, 3, 3], [4, 5]],
}


def groups_of(s: Secret, rng: random.Random) -> list[str]:
    if s.kind == "phone_intl":
        nsn = s.digits
        p = next(p for p in INTL[s.extra["country"]][1] if nsn.startswith(p))
        return [p, *cut(nsn[len(p) :], [3, 2, 2] if len(nsn) - len(p) == 7 else [2, 2, 2, 2])]
    if s.kind == "iban":
        v = s.value
        return [v[i : i + 4] for i in range(0, len(v), 4)]
    if s.kind == "ni":
        v = s.value
        return [v[:2], v[2:4], v[4:6], v[6:8], v[8]]
    return cut(s.digits, rng.choice(SPOKEN_GROUPS[s.kind]))


def phone_prefix(s: Secret, lang: str, rng: random.Random, words: bool) -> str:
    k = s.kind
    if k == "phone_ru":
        c = rng.choice(["8", "+7", "", "8"])
        if not words or not c:
            return c
        return "восемь" if c == "8" else "плюс семь"
    if k == "phone_us":
        c = rng.choice(["", "", "1", "+1"])
        return ("one" if lang == "en" else "один") if words and c else c
    if k == "phone_uk":
        c = rng.choice(["0", "0", "+44"])
        if not words:
            return c
        return {
            "0": "oh" if lang == "en" else "ноль",
            "+44": "plus four four" if lang == "en" else "плюс сорок четыре",
        }[c]
    cc = s.extra["cc"]
    if not words:
        return "+" + cc
    return ("плюс " if lang == "ru" else "plus ") + say_group(cc, lang, rng)


def say_value(s: Secret, lang: str, rng: random.Random, style: str) -> str:
    """One saying of the secret. style: written (digits as Whisper writes them), words, mixed, single (digit
    by digit, as an IVR reads)."""
    if s.kind == "email":
        return say_email(s, lang, rng, style)
    groups = groups_of(s, rng)
    phone = s.kind.startswith("phone")
    if style == "written":
        body = " ".join(groups)
        if s.kind == "ssn":
            body = "-".join(groups)
        if phone:
            pre = phone_prefix(s, lang, rng, False)
            body = (pre + " " + body).strip()
        return body
    if style == "single":
        parts = [say_group(g, lang, rng, single=True) if g.isdigit() else " ".join(g) for g in groups]
        body = ", ".join(parts)
        if phone:
            pre = phone_prefix(s, lang, rng, True)
            body = (pre + ", " + body) if pre else body
        return body
    mix = 0.4 if style == "mixed" else 0.0
    sp = [g if g.isdigit() else " ".join(g) if s.kind == "ni" else g for g in groups]
    body = say_words(sp, lang, rng, sep=rng.choice([", ", " "]), mix=mix)
    if phone:
        pre = phone_prefix(s, lang, rng, style != "mixed" or rng.random() < 0.5)
        body = (pre + ", " + body) if pre else body
    return body


def say_email(s: Secret, lang: str, rng: random.Random, style: str) -> str:
    local, dom = s.value.split("@")
    if style == "written":
        return s.value
    if style == "artefact":
        name, tld = dom.rsplit(".", 1)
        return rng.choice(
            [
                f"{local} @ {name} . {tld}",
                f"{local}@{name}. {tld}",
                f"{local.replace('.', '. ')} @{dom}",
                f"{local.capitalize()}@{dom.capitalize()}.",
                f"{local} собака {dom}" if lang == "ru" else f"{local} at {dom}",
                f"{local.replace('.', ' ').replace('_', ' ')}@{dom}",
            ]
        )
    # spoken
    m = re.match(r"^([a-z]+)([._]?)([a-z]*)(\d*)$", local)
    assert m, local
    a, sep, b, nn = m.groups()
    ru = lang == "ru"
    cyr = ru and rng.random() < 0.5
    word = (lambda w: RU_CYR.get(w, w)) if cyr else (lambda w: w)
    sepw = {".": "точка" if ru else "dot", "_": "нижнее подчёркивание" if ru else "underscore", "": ""}[sep]
    glued = (
        a not in RU_CYR and a not in EN_FIRST and len(a) > 1
    )  # an initial glued to the surname: "isokolov"
    parts = [a[0], word(a[1:])] if glued else [word(a)]
    if sepw:
        parts.append(sepw)
    if b:
        parts.append(word(b))
    if nn:
        parts.append(say_group(nn, lang, rng) if rng.random() < 0.7 else nn)
    name, tld = dom.rsplit(".", 1)
    at = "собака" if ru else "at"
    dot = "точка" if ru else "dot"
    return " ".join(parts) + f" {at} {name} {dot} {tld}"


def artefact(s: Secret, lang: str, rng: random.Random) -> str:
    """The secret as Whisper punctuates dictated data."""
    d, k = s.digits, s.kind
    if k == "email":
        return say_email(s, lang, rng, "artefact")
    if k == "phone_ru":
        a, b, c, e = d[:3], d[3:6], d[6:8], d[8:]
        return rng.choice(
            [
                f"+7 ({a}) {b}-{c}-{e}",
                f"8-{a}-{b}-{c}-{e}",
                f"8 ({a}) {b}{c}{e}",
                f"+7{d}",
                f"8{a} {b} {c} {e}",
                f"{a} {b[0]} {b[1:]} {c} {e}",
                f"8. {a}. {b}. {c}. {e}.",
                f"+7 {a} {b} {c}{e}",
                f"8({a}){b}-{c}-{e}",
            ]
        )
    if k == "phone_us":
        a, b, c = d[:3], d[3:6], d[6:]
        return rng.choice(
            [
                f"({a}) {b}-{c}",
                f"{a}-{b}-{c}",
                f"{a}.{b}.{c}",
                f"+1 {a} {b} {c}",
                f"1-{a}-{b}-{c}",
                f"{a} {b} {c[:2]} {c[2:]}",
                f"{a}. {b}. {c}.",
            ]
        )
    if k == "phone_uk":
        return rng.choice(
            [
                f"0{d[:4]} {d[4:]}",
                f"+44 {d[:4]} {d[4:]}",
                f"+44 (0) {d[:4]} {d[4:7]} {d[7:]}",
                f"0{d[:4]}-{d[4:7]}-{d[7:]}",
                f"0{d}",
            ]
        )
    if k == "phone_intl":
        cc, country = s.extra["cc"], s.extra["country"]
        g = groups_of(s, rng)
        if country == "FR":
            pairs = " ".join(d[i : i + 2] for i in range(1, 9, 2))
            dots = ".".join(d[i : i + 2] for i in range(1, 9, 2))
            return rng.choice([f"+33 {d[0]} {pairs}", f"0{d[0]} {pairs}", f"0{d[0]}.{dots}", f"+33 (0){d}"])
        if country == "DE":
            p = g[0]
            return rng.choice(
                [
                    f"+49 {p} {d[len(p) :]}",
                    f"0{p}/{d[len(p) :]}",
                    f"+49 ({p}) {' '.join(g[1:])}",
                    f"0{p}-{d[len(p) :]}",
                ]
            )
        return rng.choice(
            [
                f"+{cc} ({g[0]}) {'-'.join(g[1:])}",
                f"+{cc} {' '.join(g)}",
                f"+{cc}{d}",
                f"+{cc}-{g[0]}-{''.join(g[1:])}",
            ]
        )
    if k in ("card", "card19"):
        g = [d[i : i + 4] for i in range(0, len(d), 4)]
        return rng.choice(
            [
                " ".join(g),
                "-".join(g),
                ". ".join(g) + ".",
                f"{g[0]} {''.join(g[1:3])} {''.join(g[3:])}",
                f"{''.join(g[:2])} {''.join(g[2:])}",
                f"{g[0]} {g[1]} {' '.join(d[8:][i : i + 2] for i in range(0, len(d) - 8, 2))}",
            ]
        )
    if k == "amex":
        return rng.choice(
            [
                f"{d[:4]} {d[4:10]} {d[10:]}",
                f"{d[:4]}-{d[4:10]}-{d[10:]}",
                f"{d[:4]} {d[4:8]} {d[8:12]} {d[12:]}",
                f"{d[:4]}. {d[4:10]}. {d[10:]}.",
            ]
        )
    if k == "cvv":
        return rng.choice([d, " ".join(d), f"{d}."])
    if k == "snils":
        return rng.choice(
            [
                f"{d[:3]}-{d[3:6]}-{d[6:9]} {d[9:]}",
                f"{d[:3]} {d[3:6]} {d[6:9]}-{d[9:]}",
                d,
                f"{d[:3]}. {d[3:6]}. {d[6:9]}. {d[9:]}",
                f"{d[:3]}-{d[3:6]}-{d[6:9]}-{d[9:]}",
            ]
        )
    if k == "inn":
        return rng.choice(
            [f"{d[:4]} {d[4:8]} {d[8:]}", d, f"{d[:2]}-{d[2:4]}-{d[4:10]}-{d[10:]}", f"{d[:6]}. {d[6:]}"]
        )
    if k == "passport_ru":
        return rng.choice(
            [
                f"{d[:2]} {d[2:4]} {d[4:]}",
                f"{d[:4]} {d[4:]}",
                f"{d[:2]}-{d[2:4]} № {d[4:]}",
                f"{d[:2]} {d[2:4]} № {d[4:7]}-{d[7:]}",
                f"{d[:4]}№{d[4:]}",
                f"{d[:2]}.{d[2:4]}. {d[4:]}",
            ]
        )
    if k == "zagran":
        return rng.choice([f"{d[:2]} {d[2:]}", f"{d[:2]} №{d[2:]}", f"{d[:2]}-{d[2:5]}-{d[5:7]}-{d[7:]}", d])
    if k == "account":
        return rng.choice(
            [
                f"{d[:5]} {d[5:8]} {d[8]} {d[9:13]} {d[13:]}",
                d,
                f"{d[:5]}.{d[5:8]}.{d[8]}.{d[9:13]}.{d[13:]}",
                " ".join(d[i : i + 4] for i in range(0, 20, 4)),
                f"{d[:10]} {d[10:]}",
            ]
        )
    if k == "iban":
        v = s.value
        g = [v[i : i + 4] for i in range(0, len(v), 4)]
        return rng.choice(
            [
                " ".join(g),
                v,
                f"{v[:2]} {v[2:4]}-{'-'.join(g[1:])}",
                f"{v[:2]} {v[2:4]} {' '.join(g[1:])}",
                ". ".join(g) + ".",
            ]
        )
    if k == "licence_ru":
        return rng.choice([f"{d[:2]} {d[2:4]} {d[4:]}", f"{d[:4]} {d[4:]}", f"{d[:2]} {d[2:4]} №{d[4:]}", d])
    if k == "ssn":
        return rng.choice(
            [
                f"{d[:3]}-{d[3:5]}-{d[5:]}",
                f"{d[:3]} {d[3:5]} {d[5:]}",
                f"{d[:3]}.{d[3:5]}.{d[5:]}",
                f"{d[:3]}-{d[3:5]}-{d[5:7]}-{d[7:]}",
                d,
            ]
        )
    if k == "nhs":
        return rng.choice(
            [f"{d[:3]} {d[3:6]} {d[6:]}", f"{d[:3]}-{d[3:6]}-{d[6:]}", d, f"{d[:3]}. {d[3:6]}. {d[6:]}."]
        )
    if k == "ni":
        v = s.value
        return rng.choice(
            [
                f"{v[:2]} {v[2:4]} {v[4:6]} {v[6:8]} {v[8]}",
                v,
                f"{v[:2]}-{v[2:8]}-{v[8]}",
                f"{v[0]}. {v[1]}. {v[2:8]} {v[8]}.",
            ]
        )
    if k in ("passport_us", "passport_uk"):
        return rng.choice([d, f"{d[:3]} {d[3:6]} {d[6:]}", f"{d[:3]}-{d[3:6]}-{d[6:]}", f"{d[:4]} {d[4:]}"])
    raise ValueError(k)


# --------------------------------------------------------------------------------------------------
# numbers that must stay
# --------------------------------------------------------------------------------------------------


def valid_keep(d: str) -> bool:
    """A must-stay number that no secret rule could claim by its shape or checksum alone."""
    if 13 <= len(d) <= 19 and luhn_ok(d):
        return False
    if len(d) == 11 and (snils_ok(d) or d[:2] in ("79", "89", "74", "84")):
        return False
    if len(d) == 12 and inn12_ok(d):
        return False
    return not (len(d) == 10 and (d[0] == "9" or nhs_ok(d)))


def keep_num(rng: random.Random, n: int, first: str = "12345678") -> str:
    while True:
        d = rd(rng, n, first)
        if valid_keep(d):
            return d


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


@dataclass
class Keep:
    kind: str
    text: str
    need: tuple[str, ...]
    segs: list[int] = field(default_factory=list)


@dataclass
class Dialogue:
    cid: str
    lang: str
    industry: str
    negative: bool
    marked: list[tuple[str, str]]
    secrets: list[Secret]
    keeps: list[Keep]
    secret_segs: list[list[int]] = field(default_factory=list)
    ambient: list[set[str]] = field(default_factory=list)
    foreign: frozenset[str] = frozenset()

    def turns(self) -> list[tuple[str, str]]:
        return [(r, _strip(t)) for r, t in self.marked]

    def redacted(self) -> list[tuple[str, str]]:
        return [(r, _hand_redact(t, self.secrets)) for r, t in self.marked]


_S_MARK = re.compile(r"⟦(\d+)\|(.*?)⟧")
_K_MARK = re.compile(r"⟪(\d+)\|(.*?)⟫")


def _strip(t: str) -> str:
    return _K_MARK.sub(lambda m: m.group(2), _S_MARK.sub(lambda m: m.group(2), t))


def _hand_redact(t: str, secrets: list[Secret]) -> str:
    t = _S_MARK.sub(lambda m: secrets[int(m.group(1))].placeholder, t)
    return _K_MARK.sub(lambda m: m.group(2), t)


class Gen:
    """Builds one dialogue: turns with the secrets' and keeps' spans marked."""

    def __init__(self, lang: str, rng: random.Random):
        self.lang, self.rng = lang, rng
        self.ru = lang == "ru"
        self.secrets: list[Secret] = []
        self.keeps: list[Keep] = []
        self.bik = "04" + rng.choice(["4525", "4030", "0004", "4583"]) + rd(rng, 3, "0123456789")

    def S(self, i: int, text: str) -> str:
        return f"⟦{i}|{text}⟧"

    def K(self, kind: str, text: str, need: tuple[str, ...] | None = None) -> str:
        if need is None:
            need = (re.sub(r"\D", "", text),)
        self.keeps.append(Keep(kind, text, need))
        return f"⟪{len(self.keeps) - 1}|{text}⟫"

    def pick(self, xs: list[Any]) -> Any:
        return self.rng.choice(xs)

    # ---- keeps -----------------------------------------------------------------------------------
    def order(self, lookalike: bool = False) -> str:
        r = self.rng
        d = keep_num(r, r.choice([7, 8, 9]))
        forms = [d, f"{d[:4]}-{d[4:]}", f"№ {d}" if self.ru else f"#{d}"]
        if lookalike:
            forms = [
                f"{d[:3]}-{d[3:5]}-{d[5:]}",
                f"{d[:2]} {d[2:5]} {d[5:]}",
                f"{d[:3]}.{d[3:6]}.{d[6:]}",
                " ".join(d),
            ]
        if r.random() < 0.2:
            return self.K("order", say_words(cut(d, [2, 2, 2, 3]), self.lang, r), (d,))
        return self.K("order", r.choice(forms), (d,))

    def amount(self) -> str:
        r = self.rng
        v = r.choice(
            [
                r.randint(2, 99) * 10 - 1,
                r.randint(1, 60) * 100 + r.choice([0, 90, 50]),
                r.randint(1, 99) * 1000 + r.choice([0, 500]),
            ]
        )
        if self.ru:
            if r.random() < 0.3:
                t = v // 1000
                w = (
                    (
                        (ru_num(t) if t > 2 else ["", "одна", "две"][t])
                        + " "
                        + (
                            "тысяча"
                            if t % 10 == 1 and t != 11
                            else "тысячи"
                            if t % 10 in (2, 3, 4) and t not in (12, 13, 14)
                            else "тысяч"
                        )
                    )
                    if t
                    else ""
                )
                w = (w + " " + ru_num(v % 1000)).strip() if v % 1000 else w
                return self.K("amount", w + " рублей", (str(v),))
            s = f"{v:,}".replace(",", " ")
            return self.K("amount", r.choice([f"{s} рублей", f"{v} ₽", f"{s} руб."]), (str(v),))
        if r.random() < 0.3 and v < 1000:
            return self.K("amount", en_num(v).replace(" hundred ", " hundred and ") + " dollars", (str(v),))
        c = r.choice(["", "", ".99", ".50"])
        return self.K("amount", f"${v:,}{c}", (str(v) + c.strip("."),))

    def date(self) -> str:
        r = self.rng
        day, m, y = r.randint(1, 28), r.randint(1, 12), r.choice([2024, 2025])
        if r.random() < 0.4:
            return self.K("date", f"{day:02d}.{m:02d}.{y}" if self.ru else f"{m:02d}/{day:02d}/{y}")
        if self.ru:
            return self.K("date", f"{day} {RU_MONTHS[m - 1]}")
        return self.K(
            "date", f"{EN_MONTHS[m - 1]} {day}{'th' if day > 3 else ['', 'st', 'nd', 'rd'][day]}", (str(day),)
        )

    def time_(self) -> str:
        r = self.rng
        h, mm = r.randint(9, 20), r.choice(["00", "15", "30", "45"])
        return self.K("time", f"{h}:{mm}" if self.ru else f"{h - 12 if h > 12 else h}:{mm}")

    def hotline(self, lookalike: bool = False) -> str:
        r = self.rng
        if self.ru:
            b = r.choice(["555", "100", "200", "250", "300", "700"]) + rd(r, 4, "1234567")
            forms = [
                f"8 800 {b[:3]} {b[3:5]} {b[5:]}",
                f"8-800-{b[:3]}-{b[3:5]}-{b[5:]}",
                f"8 (800) {b[:3]}-{b[3:5]}-{b[5:]}",
            ]
            if r.random() < 0.25 and not lookalike:
                return self.K(
                    "hotline", say_words(["8", "800", b[:3], b[3:5], b[5:]], "ru", r), ("8800" + b,)
                )
            return self.K("hotline", r.choice(forms), ("8800" + b,))
        b = rd(r, 3, "2346789") + rd(r, 4)
        pre = r.choice(["800", "888", "877", "866"])
        forms = [f"1-{pre}-{b[:3]}-{b[3:]}", f"1 ({pre}) {b[:3]}-{b[3:]}", f"{pre}-{b[:3]}-{b[3:]}"]
        text = r.choice(forms)
        return self.K("hotline", text, (re.sub(r"\D", "", text),))

    def last4(self) -> str:
        d = rd(self.rng, 4, "123456789")
        return self.K("last4", d)

    def company(self) -> str:
        r = self.rng
        while True:
            inn = rd(r, 9, "1234567")
            inn += str(sum(int(inn[i]) * w for i, w in enumerate([2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10)
            if inn10_ok(inn) and valid_keep(inn):
                break
        kpp = inn[:4] + "01001"
        while True:
            ogrn12 = r.choice(["1", "5"]) + rd(r, 11)
            ogrn = ogrn12 + str(int(ogrn12) % 11 % 10)
            if valid_keep(ogrn):
                break
        f = r.randrange(3)
        if f == 0:
            return f"ИНН организации {self.K('company_inn', inn)}, КПП {self.K('kpp', kpp)}"
        if f == 1:
            return f"ОГРН {self.K('ogrn', ogrn)}, ИНН {self.K('company_inn', inn)}"
        return f"ИНН {self.K('company_inn', inn)}, БИК банка {self.K('bik', self.bik)}"

    def ref(self) -> str:
        """Another business reference: contract, tracking, claim, ticket, flight..."""
        r = self.rng
        if self.ru:
            k = r.choice(
                [
                    "contract",
                    "tracking",
                    "application",
                    "osago",
                    "flight",
                    "room",
                    "postcode",
                    "mileage",
                    "ticket",
                ]
            )
            if k == "contract":
                d = f"{r.randint(10, 99)}-{r.randint(1000, 9999)}/{r.randint(21, 25)}"
                return "договор № " + self.K(k, d)
            if k == "tracking":
                d = keep_num(r, r.choice([10, 14]), "1234568")
                return "трек-номер " + self.K(k, d)
            if k == "application":
                d = keep_num(r, 10, "1234")
                return "номер заявления на Госуслугах " + self.K(k, d)
            if k == "osago":
                d = "0" + rd(r, 9)
                return "полис ОСАГО " + self.K(k, r.choice(["ХХХ ", "ТТТ ", "ААС "]) + d, (d,))
            if k == "flight":
                return "рейс " + self.K(k, r.choice(["SU ", "S7 ", "DP "]) + str(r.randint(100, 2999)), None)
            if k == "room":
                return "кабинет " + self.K(k, str(r.randint(101, 540)))
            if k == "postcode":
                return "индекс " + self.K(k, r.choice(["1", "6", "4"]) + rd(r, 5, "0123456789"))
            if k == "mileage":
                v = r.randint(12, 190) * 1000 + r.choice([0, 500])
                return "пробег " + self.K(k, f"{v:,}".replace(",", " ") + " км", (str(v),))
            d = keep_num(r, 7)
            return "номер обращения " + self.K(k, d)
        k = r.choice(
            [
                "invoice",
                "claim",
                "tracking",
                "confirmation",
                "flight",
                "room",
                "zip",
                "ticket",
                "policy",
                "mileage",
            ]
        )
        if k == "invoice":
            return "invoice " + self.K(k, f"INV-{r.randint(10000, 99999)}")
        if k == "claim":
            d = keep_num(r, 8)
            return "claim number " + self.K(k, f"{d[:4]} {d[4:]}", (d,))
        if k == "tracking":
            d = keep_num(r, 12, "7")
            return "tracking number " + self.K(k, f"{d[:4]} {d[4:8]} {d[8:]}", (d,))
        if k == "confirmation":
            return "confirmation number " + self.K(k, keep_num(r, 7))
        if k == "flight":
            return "flight " + self.K(k, r.choice(["BA ", "UA ", "DL ", "LH "]) + str(r.randint(100, 2999)))
        if k == "room":
            return "room " + self.K(k, str(r.randint(101, 1520)))
        if k == "zip":
            return "ZIP code " + self.K(k, rd(r, 5, "123456789"))
        if k == "ticket":
            return "ticket " + self.K(k, keep_num(r, 6))
        if k == "policy":
            d = keep_num(r, 9)
            return "auto policy " + self.K(k, f"{d[:3]}-{d[3:6]}-{d[6:]}", (d,))
        v = r.randint(12, 190) * 1000
        return "mileage " + self.K(k, f"{v:,} miles", (str(v),))

    def business(self) -> tuple[str, str]:
        r = self.rng
        if self.ru:
            return r.choice(
                [
                    lambda: ("agent", f"Вижу заказ {self.order()} от {self.date()}, сумма {self.amount()}."),
                    lambda: (
                        "customer",
                        f"Мне {self.date()} списали {self.amount()}, а заказ {self.order()} так и не пришёл.",
                    ),
                    lambda: ("agent", f"По нашим данным {self.ref()}, дата {self.date()}."),
                    lambda: ("agent", f"Если что, звоните на горячую линию {self.hotline()}, это бесплатно."),
                    lambda: ("agent", f"Оплата прошла с карты, которая заканчивается на {self.last4()}."),
                    lambda: ("agent", f"Реквизиты для оплаты: {self.company()}."),
                    lambda: ("agent", f"Записала, {self.ref()}, ждите в {self.time_()}."),
                    lambda: ("customer", f"У меня ещё {self.ref()} и {self.ref()}, это тоже посмотрите."),
                    lambda: ("agent", f"Сумма к возврату {self.amount()}, срок до {self.date()}."),
                ]
            )()
        return r.choice(
            [
                lambda: ("agent", f"I see order {self.order()} from {self.date()}, total {self.amount()}."),
                lambda: (
                    "customer",
                    f"On {self.date()} you charged me {self.amount()} and order {self.order()} never came.",
                ),
                lambda: ("agent", f"I've got {self.ref()} here, opened {self.date()}."),
                lambda: ("agent", f"You can always reach us at {self.hotline()}, that's toll-free."),
                lambda: ("agent", f"The payment came from the card ending in {self.last4()}."),
                lambda: ("agent", f"Okay, {self.ref()}, and we'll call you at {self.time_()}."),
                lambda: ("customer", f"There's also {self.ref()} and {self.ref()}, can you check those too?"),
                lambda: ("agent", f"The refund is {self.amount()}, it should land by {self.date()}."),
            ]
        )()


# --------------------------------------------------------------------------------------------------
# the speech situations
# --------------------------------------------------------------------------------------------------

NOUN_RU = {
    "phone_ru": "номер телефона",
    "phone_intl": "номер телефона",
    "card": "номер карты",
    "amex": "номер карты",
    "card19": "номер карты",
    "email": "почта",
    "passport_ru": "паспорт",
    "zagran": "загранпаспорт",
    "snils": "СНИЛС",
    "inn": "ИНН",
    "account": "номер счёта",
    "iban": "IBAN",
    "licence_ru": "номер прав",
}
NOUN_EN = {
    "phone_us": "phone number",
    "phone_uk": "mobile number",
    "phone_intl": "phone number",
    "card": "card number",
    "amex": "card number",
    "card19": "card number",
    "email": "email",
    "ssn": "social",
    "passport_us": "passport number",
    "passport_uk": "passport number",
    "ni": "National Insurance number",
    "nhs": "NHS number",
    "iban": "IBAN",
}
ASK_RU = {
    "phone_ru": "Продиктуйте, пожалуйста, номер телефона для связи.",
    "card": "Назовите номер карты для возврата.",
    "email": "На какую почту отправить документы?",
    "passport_ru": "Назовите серию и номер паспорта.",
    "zagran": "Продиктуйте номер загранпаспорта.",
    "snils": "Назовите, пожалуйста, ваш СНИЛС.",
    "inn": "Мне нужен ваш ИНН.",
    "account": "Продиктуйте номер счёта, куда вернуть деньги.",
    "iban": "Продиктуйте IBAN, пожалуйста.",
    "licence_ru": "Назовите номер водительского удостоверения.",
}
ASK_EN = {
    "phone_us": "What's the best number to reach you?",
    "phone_uk": "What's your mobile number?",
    "card": "Can I get the card number?",
    "email": "What email should I send it to?",
    "ssn": "I'll need your Social Security number.",
    "passport_us": "Can you read me your passport number?",
    "passport_uk": "What's your passport number?",
    "ni": "And your National Insurance number?",
    "nhs": "Do you have your NHS number?",
    "iban": "What's the IBAN for the refund?",
}
for _k in ("amex", "card19"):
    ASK_RU[_k], ASK_EN[_k] = ASK_RU["card"], ASK_EN["card"]
ASK_RU["phone_intl"], ASK_EN["phone_intl"] = ASK_RU["phone_ru"], ASK_EN["phone_us"]

OWNERS_RU = [
    ("мужа", "он", "Саш", "муж", "мужу"),
    ("жены", "она", "Лен", "жена", "жене"),
    ("сына", "он", "Дим", "сын", "сыну"),
    ("дочери", "она", "Маш", "дочь", "дочке"),
    ("мамы", "она", "Мам", "мама", "маме"),
    ("отца", "он", "Пап", "отец", "папе"),
]
OWNERS_EN = [
    ("my wife's", "she", "Honey", "wife", "her"),
    ("my husband's", "he", "Babe", "husband", "him"),
    ("my son's", "he", "Buddy", "son", "him"),
    ("my daughter's", "she", "Sweetie", "daughter", "her"),
    ("my mom's", "she", "Mom", "mom", "her"),
    ("my dad's", "he", "Dad", "dad", "him"),
]
COUNTRY_RU = {
    "KZ": ("казахстанский", "Алматы"),
    "BY": ("белорусский", "Минске"),
    "UA": ("украинский", "Киеве"),
    "DE": ("немецкий", "Мюнхене"),
    "FR": ("французский", "Лионе"),
}
COUNTRY_EN = {
    "KZ": ("Kazakh", "Almaty"),
    "BY": ("Belarusian", "Minsk"),
    "UA": ("Ukrainian", "Kyiv"),
    "DE": ("German", "Munich"),
    "FR": ("French", "Lyon"),
}
IBAN_RU = {
    "KZ": "казахстанском",
    "DE": "немецком",
    "BY": "белорусском",
    "UA": "украинском",
    "FR": "французском",
}
IBAN_EN = {"DE": "German", "FR": "French", "CH": "Swiss", "AT": "Austrian", "BE": "Belgian", "GB": "UK"}

PATTERN_KINDS = {
    "crm_readout": {
        "ru": [
            "phone_ru",
            "email",
            "passport_ru",
            "snils",
            "inn",
            "account",
            "licence_ru",
            "zagran",
            "phone_intl",
        ],
        "en": [
            "phone_us",
            "phone_uk",
            "email",
            "ssn",
            "nhs",
            "ni",
            "passport_us",
            "passport_uk",
            "phone_intl",
        ],
    },
    "third_party": {
        "ru": ["phone_ru", "card", "email", "passport_ru", "zagran", "snils", "inn", "account", "card19"],
        "en": [
            "phone_us",
            "phone_uk",
            "card",
            "email",
            "ssn",
            "passport_us",
            "passport_uk",
            "nhs",
            "ni",
            "amex",
        ],
    },
    "asr_format": {
        "ru": ["phone_ru", "card", "email", "passport_ru", "zagran", "snils", "inn", "account", "licence_ru"],
        "en": ["phone_us", "phone_uk", "card", "email", "ssn", "passport_us", "passport_uk", "nhs", "ni"],
    },
    "intl_format": {
        "ru": ["phone_intl", "amex", "card19", "iban"],
        "en": ["phone_intl", "amex", "card19", "iban"],
    },
    "ivr": {
        "ru": ["phone_ru", "card", "snils", "inn", "account", "passport_ru", "card19"],
        "en": ["phone_us", "phone_uk", "card", "ssn", "nhs", "amex", "passport_us"],
    },
    "monologue": {
        "ru": [
            "phone_ru",
            "card",
            "email",
            "passport_ru",
            "snils",
            "inn",
            "account",
            "iban",
            "zagran",
            "phone_intl",
        ],
        "en": [
            "phone_us",
            "phone_uk",
            "card",
            "email",
            "ssn",
            "ni",
            "nhs",
            "passport_us",
            "iban",
            "phone_intl",
        ],
    },
}
PATTERNS = list(PATTERN_KINDS)
YES_RU = ["Да, всё верно.", "Да.", "Угу, да.", "Верно.", "Да, правильно."]
YES_EN = ["Yes, that's right.", "Yep.", "Correct.", "Mm-hmm, that's it.", "Yeah."]


def noun(g: Gen, kind: str) -> str:
    return (NOUN_RU if g.ru else NOUN_EN)[kind]


def styled(g: Gen, s: Secret, styles: list[str]) -> str:
    st = g.pick(styles)
    if st == "artefact":
        return artefact(s, g.lang, g.rng)
    if s.kind == "email" and st in ("words", "mixed", "single"):
        st = "spoken"
    return say_value(s, g.lang, g.rng, st)


def readback(g: Gen, i: int) -> list[tuple[str, str]]:
    s = g.secrets[i]
    v = g.S(i, styled(g, s, ["written", "words", "single", "mixed"]))
    if g.ru:
        a = g.pick([f"Записала: {v}, верно?", f"Повторяю: {v}.", f"Так, {v}. Правильно?"])
        return [("agent", a), ("customer", g.pick(YES_RU))]
    a = g.pick([f"Let me read that back: {v}.", f"So that's {v}, correct?", f"Okay, {v}?"])
    return [("agent", a), ("customer", g.pick(YES_EN))]


def cvv_scene(g: Gen, i: int) -> list[tuple[str, str]]:
    s = g.secrets[i]
    v = g.S(
        i,
        g.pick([s.value, say_group(s.value, g.lang, g.rng), say_group(s.value, g.lang, g.rng, single=True)]),
    )
    if g.ru:
        return [
            ("agent", g.pick(["И три цифры с обратной стороны?", "Назовите код с оборота карты."])),
            ("customer", g.pick([f"{v}.", f"Код {v}.", f"Так, сзади... {v}."])),
        ]
    ask = (
        "And the four-digit code on the front?"
        if len(s.value) == 4
        else "And the three-digit code on the back?"
    )
    return [("agent", ask), ("customer", g.pick([f"{v}.", f"It's {v}.", f"Uh, {v}."]))]


def scene_crm(g: Gen, i: int) -> list[tuple[str, str]]:
    s, r = g.secrets[i], g.rng
    n = noun(g, s.kind)
    styles = ["written", "words", "mixed", "artefact"]
    phone = s.kind.startswith("phone")
    v = r.randrange(5 if phone else 4)
    if v == 4:  # the screen has an old number; the caller corrects its end
        d = s.digits
        tail = 2 if g.ru else 4
        old_tail = "".join(str((int(c) + r.randint(1, 8)) % 10) for c in d[-tail:])
        old = Secret(s.kind, s.value, s.pattern, s.lang, dict(s.extra, nsn=d[:-tail] + old_tail))
        old_said = g.S(i, styled(g, old, ["written", "words"]))
        new_tail = g.S(i, d[-tail:] if r.random() < 0.5 else say_group(d[-tail:], g.lang, r))
        full = g.S(i, styled(g, s, ["written", "words", "mixed"]))
        if g.ru:
            return [
                ("agent", f"У меня в карточке записан номер {old_said}, он актуален?"),
                ("customer", f"Нет, там в конце {new_tail}, а не {old_tail}."),
                ("agent", f"Поправила: {full}."),
                ("customer", "Да, теперь верно."),
            ]
        return [
            ("agent", f"I've got your number on file as {old_said}, is that still good?"),
            ("customer", f"No, that's the old one, it ends in {new_tail} now."),
            ("agent", f"Okay, updated: {full}."),
            ("customer", "Yep."),
        ]
    if v == 3:  # read from the screen in two breaths
        text = styled(g, s, ["written", "words"])
        parts = text.split(" ")
        k = max(1, len(parts) // 2)
        a, b = g.S(i, " ".join(parts[:k])), g.S(i, " ".join(parts[k:]))
        if g.ru:
            return [
                ("agent", f"Так, сейчас открою... {n[0].upper() + n[1:]} у меня: {a}..."),
                ("agent", f"{b}. Это ваш?"),
                ("customer", g.pick(YES_RU)),
            ]
        return [
            ("agent", f"Okay, pulling it up... the {n} I have is {a}..."),
            ("agent", f"{b}. Is that you?"),
            ("customer", g.pick(YES_EN)),
        ]
    x = g.S(i, styled(g, s, styles))
    if g.ru:
        a = [
            f"Вижу вашу карточку. У меня записан {n}: {x}. Актуально?",
            f"Сверим данные. {n[0].upper() + n[1:]} в системе {x}, верно?",
            f"Так, по базе у вас {n} {x}, всё так?",
        ][v]
        out = [("agent", a), ("customer", g.pick(YES_RU))]
        if r.random() < 0.3:
            out = [("customer", f"А какой у вас {n} записан?"), *out]
        return out
    a = [
        f"I have your {n} as {x}, is that still current?",
        f"Just to verify, the {n} on file is {x}?",
        f"I'm showing {x} as your {n}, does that sound right?",
    ][v]
    out = [("agent", a), ("customer", g.pick(YES_EN))]
    if r.random() < 0.3:
        out = [("customer", f"Can you tell me what {n} you have for me?"), *out]
    return out


def scene_third(g: Gen, i: int) -> list[tuple[str, str]]:
    s, r = g.secrets[i], g.rng
    n = noun(g, s.kind)
    x = g.S(i, styled(g, s, ["written", "words", "mixed", "artefact"]))
    v = r.randrange(5)
    if g.ru:
        gen, pron, voc, who, dat = g.pick(OWNERS_RU)
        out = [
            [
                (
                    "customer",
                    f"Это не мои данные, это {n} {gen}. {pron.capitalize()} рядом, сейчас продиктует.",
                ),
                ("customer", f"Алло. Да, {x}."),
            ],
            [("customer", f"Запишите, пожалуйста, {n} {gen}: {x}.")],
            [("customer", f"{voc}, какой у тебя {n}? ... Так, {pron} говорит: {x}.")],
            [("agent", f"А чей это {n}?"), ("customer", f"{gen.capitalize()}. {x}, {pron} сейчас рядом.")],
            [
                ("customer", f"Секунду, дам трубку {dat}."),
                ("customer", f"Здравствуйте, это {who}. Мой {n} {x}."),
            ],
        ][v]
    else:
        own, pron, voc, who, obj = g.pick(OWNERS_EN)
        out = [
            [
                ("customer", f"It's not mine, it's {own} {n}. {pron.capitalize()}'s right here, hang on."),
                ("customer", f"Hi, yeah, it's {x}."),
            ],
            [("customer", f"Can you put {own} {n} on the file? It's {x}.")],
            [("customer", f"{voc}, what's your {n}? ... Okay, {pron} says {x}.")],
            [("agent", f"And whose {n} is that?"), ("customer", f"{own.capitalize()}. {x}.")],
            [
                ("customer", f"Let me put {obj} on."),
                ("customer", f"Hello, this is the {who}. My {n} is {x}."),
            ],
        ][v]
    if r.random() < 0.4:
        out += readback(g, i)
    return out


def scene_asr(g: Gen, i: int) -> list[tuple[str, str]]:
    s, r = g.secrets[i], g.rng
    x = artefact(s, g.lang, r)
    ask = ("agent", (ASK_RU if g.ru else ASK_EN)[s.kind])
    v = r.randrange(4)
    if v == 3 and " " in x.strip():  # Whisper cut the dictation in two segments
        parts = x.split(" ")
        k = max(1, len(parts) // 2)
        a, b = " ".join(parts[:k]), " ".join(parts[k:])
        out = [ask, ("customer", g.S(i, a) + g.pick([".", "...", ","])), ("customer", g.S(i, b))]
    elif v == 2 and s.kind in ("phone_ru", "phone_us", "phone_uk", "card"):  # glued to its word
        glue = g.pick(
            ["Номер", "Да, номер", "Мой номер:"] if g.ru else ["Number", "Yeah, it's", "My number's:"]
        )
        out = [ask, ("customer", f"{glue}{g.S(i, x.replace(' ', '') if r.random() < 0.5 else x)}")]
    else:
        lead = g.pick(
            ["", "Да, пишите: ", "Записывайте. ", "Сейчас... "]
            if g.ru
            else ["", "Sure, it's ", "Okay, ", "Um, "]
        )
        out = [ask, ("customer", f"{lead}{g.S(i, x)}")]
    if r.random() < 0.4:
        out += readback(g, i)
    return out


def scene_intl(g: Gen, i: int) -> list[tuple[str, str]]:
    s, r = g.secrets[i], g.rng
    x = g.S(i, styled(g, s, ["written", "words", "mixed", "artefact", "artefact"]))
    k = s.kind
    if g.ru:
        if k == "phone_intl":
            adj, city = COUNTRY_RU[s.extra["country"]]
            line = g.pick(
                [
                    f"Запишите мой {adj} номер, я сейчас в {city}: {x}.",
                    f"Я в {city}, российский не работает. Номер {adj}: {x}.",
                ]
            )
        elif k == "amex":
            line = f"Это American Express, там пятнадцать цифр: {x}."
        elif k == "card19":
            brand = "UnionPay" if s.value.startswith("62") else "Maestro"
            line = f"Карта {brand}, у неё девятнадцать цифр: {x}."
        else:
            line = f"Счёт у меня в {IBAN_RU[s.extra['country']]} банке. IBAN {x}."
        out = [("agent", ASK_RU[k]), ("customer", line)]
    else:
        if k == "phone_intl":
            adj, city = COUNTRY_EN[s.extra["country"]]
            line = g.pick(
                [f"I'm in {city} for work, so it's my {adj} number: {x}.", f"It's a {adj} mobile: {x}."]
            )
        elif k == "amex":
            line = f"It's an Amex, so fifteen digits: {x}."
        elif k == "card19":
            brand = "UnionPay" if s.value.startswith("62") else "Maestro"
            line = f"It's a {brand} card, nineteen digits: {x}."
        else:
            line = f"It's a {IBAN_EN[s.extra['country']]} account. The IBAN is {x}."
        out = [("agent", ASK_EN[k]), ("customer", line)]
    if r.random() < 0.4:
        out += readback(g, i)
    return out


def scene_ivr(g: Gen, i: int) -> list[tuple[str, str]]:
    s, r = g.secrets[i], g.rng
    n = noun(g, s.kind)
    x = g.S(i, styled(g, s, ["single", "single", "written", "words"]))
    phone = s.kind.startswith("phone")
    v = r.randrange(4 if phone else 3)
    if g.ru:
        if v == 3:
            return [("agent", f"Вы звоните с номера {x}. Чтобы вам перезвонили на этот номер, нажмите один.")]
        if v == 2:
            said = g.S(i, styled(g, s, ["words", "mixed"]))
            return [
                ("agent", f"Пожалуйста, назовите {n}."),
                ("customer", said),
                ("agent", f"Вы назвали: {x}. Это верно? Скажите да или нет."),
                ("customer", "Да."),
            ]
        if v == 1:
            return [
                ("agent", f"Для идентификации введите {n}."),
                ("agent", f"Проверяю. Вы ввели {x}. Данные найдены. Соединяю с оператором."),
            ]
        return [("agent", f"Введите {n} и нажмите решётку. Вы ввели: {x}. Если верно, нажмите один.")]
    if v == 3:
        return [("agent", f"We see you're calling from {x}. To be called back at this number, press one.")]
    if v == 2:
        said = g.S(i, styled(g, s, ["words", "mixed"]))
        return [
            ("agent", f"Please say your {n}."),
            ("customer", said),
            ("agent", f"I heard {x}. Is that correct?"),
            ("customer", "Yes."),
        ]
    if v == 1:
        return [
            ("agent", f"For verification, enter your {n}."),
            ("agent", f"Thank you. You entered {x}. Please hold for the next available agent."),
        ]
    return [
        (
            "agent",
            f"Please enter your {n} followed by the pound key. You entered: {x}. "
            "If this is correct, press one.",
        )
    ]


MONO_RU = {
    "phone_ru": "мне сказали, перезвонят на мой номер {x}",
    "phone_intl": "просила перезвонить на мой номер {x}",
    "card": "деньги списали с моей карты {x}",
    "email": "я писала вам с почты {x}",
    "passport_ru": "я даже паспорт диктовала, {x}",
    "snils": "на Госуслугах у меня СНИЛС {x} привязан",
    "inn": "я им ИНН свой называла, {x}",
    "account": "возврат должен был прийти на мой счёт {x}",
    "iban": "возврат должен был прийти на мой счёт за границей, IBAN {x}",
    "zagran": "загран у меня {x}",
}
MONO_EN = {
    "phone_us": "they said they'd call me back at {x}",
    "phone_uk": "they said they'd ring me on {x}",
    "phone_intl": "I asked them to call my number here, {x}",
    "card": "they charged my card {x}",
    "email": "I emailed you from {x}",
    "ssn": "I even gave them my social, {x}",
    "ni": "my National Insurance {x}",
    "nhs": "I gave my NHS number, {x}",
    "passport_us": "I read them my passport number, {x}",
    "iban": "the refund was supposed to go to my IBAN {x}",
}


def monologue(g: Gen, phrase: str | None) -> str:
    if g.ru:
        makers = [
            lambda: (
                f"Смотрите, ситуация такая. {g.date()} я оформила заказ {g.order()} на {g.amount()}, "
                "оплатила сразу."
            ),
            lambda: f"Курьер должен был приехать {g.date()} с {g.time_()} до {g.time_()}, никто не приехал.",
            lambda: f"Я звонила на {g.hotline()}, там очередь минут сорок.",
            lambda: f"Потом ещё списали {g.amount()}, и {g.ref()} мне никто не объяснил.",
            lambda: f"Ладно, {g.ref()} я тоже проверила, там всё то же самое.",
        ]
        tail = "и всё, тишина. Я не понимаю, что происходит."
    else:
        makers = [
            lambda: (
                f"Okay so here's the thing. On {g.date()} I placed order {g.order()} for {g.amount()}, "
                "paid right away."
            ),
            lambda: (
                f"The courier was supposed to come {g.date()} between {g.time_()} and {g.time_()}, "
                "nobody showed up."
            ),
            lambda: f"I called {g.hotline()}, waited like forty minutes on hold.",
            lambda: f"Then you charged me another {g.amount()}, and nobody explained {g.ref()} to me either.",
            lambda: f"I also checked {g.ref()}, same thing there.",
        ]
        tail = "and then nothing. I just don't get what's going on."
    g.rng.shuffle(makers)
    parts = [m() for m in makers[: g.rng.randint(3, 5)]]
    if phrase:
        parts.insert(g.rng.randint(1, len(parts)), phrase[0].upper() + phrase[1:] + ", " + tail)
    return " ".join(parts)


def scene_mono(g: Gen, i: int) -> list[tuple[str, str]]:
    s, r = g.secrets[i], g.rng
    x = g.S(i, styled(g, s, ["written", "words", "mixed", "artefact"]))
    phrase = (MONO_RU if g.ru else MONO_EN)[s.kind].format(x=x)
    out = [("customer", monologue(g, phrase))]
    if r.random() < 0.5:
        out += readback(g, i)
    return out


SCENES = {
    "crm_readout": scene_crm,
    "third_party": scene_third,
    "asr_format": scene_asr,
    "intl_format": scene_intl,
    "ivr": scene_ivr,
    "monologue": scene_mono,
}


def negative_scene(g: Gen) -> list[tuple[str, str]]:
    """Look-alike numbers given the same ways, none of them a secret."""
    r = g.rng

    def robot(lang: str) -> str:
        d = keep_num(r, 8)
        return g.K("order", say_group(d, lang, r, single=True), (d,))

    if g.ru:
        makers = [
            lambda: [
                ("agent", f"У меня в карточке записан заказ {g.order(True)}, верно?"),
                ("customer", g.pick(YES_RU)),
            ],
            lambda: [
                (
                    "agent",
                    f"Номер вашего обращения: {g.K('ticket', ', '.join(keep_num(r, 7)))}. Оцените разговор.",
                )
            ],
            lambda: [
                ("customer", f"Это заказ мужа, {g.order(True)}, оформлял он, а оплачивала я {g.amount()}.")
            ],
            lambda: [("agent", f"Горячая линия {g.hotline(True)}, круглосуточно, и ещё {g.ref()}.")],
            lambda: [("customer", monologue(g, None))],
            lambda: [("customer", f"Вы ввели: {robot('ru')}. Так мне робот сказал.")],
        ]
    else:
        makers = [
            lambda: [
                ("agent", f"I have your order on file as {g.order(True)}, is that right?"),
                ("customer", g.pick(YES_EN)),
            ],
            lambda: [
                (
                    "agent",
                    f"Your ticket number is {g.K('ticket', ', '.join(keep_num(r, 7)))}. "
                    "Please rate this call.",
                )
            ],
            lambda: [
                ("customer", f"It's my wife's order, {g.order(True)}, she placed it and I paid {g.amount()}.")
            ],
            lambda: [("agent", f"Our hotline is {g.hotline(True)}, twenty-four seven, and {g.ref()}.")],
            lambda: [("customer", monologue(g, None))],
            lambda: [("customer", f"The robot said I entered {robot('en')}.")],
        ]
    return r.choice(makers)()


# --------------------------------------------------------------------------------------------------
# dialogues
# --------------------------------------------------------------------------------------------------

INDUSTRIES = {
    "ru": [
        (
            "bank",
            "Здравствуйте, банк «Северный», меня зовут Алина, чем могу помочь?",
            "Мне нужно оформить возврат и обновить данные.",
        ),
        (
            "telecom",
            "Добрый день, оператор связи, Кирилл, слушаю вас.",
            "Хочу переоформить договор и поменять контакты.",
        ),
        (
            "marketplace",
            "Здравствуйте, служба поддержки маркетплейса, Вероника.",
            "Заказ не пришёл, а деньги списали.",
        ),
        (
            "travel",
            "Турагентство «Глобус», меня зовут Олеся, здравствуйте.",
            "Мы оформляем тур на семью, нужны документы.",
        ),
        (
            "clinic",
            "Медицинский центр, регистратура, Тимур, здравствуйте.",
            "Хочу записаться и оформить договор.",
        ),
        ("insurance", "Страховая компания, Евгения, слушаю.", "У меня страховой случай, что от меня нужно?"),
    ],
    "en": [
        (
            "bank",
            "Thank you for calling Harbor Bank, this is Priya, how can I help?",
            "I need a refund and to update my details.",
        ),
        (
            "telecom",
            "Hi, you've reached Brightline Mobile, this is Sam.",
            "I want to move my plan over and change my contacts.",
        ),
        (
            "retail",
            "Thanks for calling Cartwell support, this is Jordan.",
            "My order never came but I got charged.",
        ),
        (
            "travel",
            "Globetrek Travel, this is Anika speaking.",
            "We're booking a family trip and you need our documents.",
        ),
        ("clinic", "Riverside Clinic front desk, this is Omar.", "I'd like to register and set up billing."),
        (
            "insurance",
            "Shield Insurance claims, this is Rachel.",
            "I have a claim to file, what do you need from me?",
        ),
    ],
}
CLOSE = {
    "ru": [("agent", "Спасибо за обращение, всего доброго."), ("customer", "Спасибо, до свидания.")],
    "en": [("agent", "Thanks for calling, have a great day."), ("customer", "Thanks, bye.")],
}
FAMILY = {
    "phone_ru": "phone",
    "phone_us": "phone",
    "phone_uk": "phone",
    "phone_intl": "phone",
    "card": "card",
    "amex": "card",
    "card19": "card",
    "passport_us": "passport",
    "passport_uk": "passport",
}


def build(cid: str, lang: str, negative: bool, rng: random.Random) -> Dialogue:
    g = Gen(lang, rng)
    industry, greet, reason = rng.choice(INDUSTRIES[lang])
    blocks: list[list[tuple[str, str]]] = []
    ivr: list[tuple[str, str]] = []
    if not negative:
        want = rng.choices([1, 2, 3], [45, 35, 20])[0]
        families: set[str] = set()
        while len(g.secrets) < want:
            pattern = rng.choice(PATTERNS)
            kinds = [k for k in PATTERN_KINDS[pattern][lang] if FAMILY.get(k, k) not in families]
            kind = rng.choice(kinds)
            families.add(FAMILY.get(kind, kind))
            g.secrets.append(make_secret(kind, lang, pattern, rng, {"bik": g.bik}))
            scene = SCENES[pattern](g, len(g.secrets) - 1)
            if kind == "account":
                scene = [
                    ("agent", f"Банк получателя, БИК {g.K('bik', g.bik)}, правильно?"),
                    ("customer", "Да."),
                    *scene,
                ]
            if (
                FAMILY.get(kind) == "card"
                and pattern in ("third_party", "asr_format", "intl_format")
                and len(g.secrets) < want
                and rng.random() < 0.6
            ):
                g.secrets.append(make_secret("cvv", lang, pattern, rng, {"amex": kind == "amex"}))
                scene += cvv_scene(g, len(g.secrets) - 1)
            if pattern == "ivr":
                ivr.extend(scene)
            else:
                blocks.append(scene)
    nb = rng.randint(4, 7) if negative else rng.randint(2, 4)
    for _ in range(nb):
        blocks.append([g.business()])
    for _ in range(rng.randint(2, 3) if negative else 0):
        blocks.append(negative_scene(g))
    rng.shuffle(blocks)
    turns = [*ivr, ("agent", greet), ("customer", reason)]
    for b in blocks:
        turns += b
    turns += CLOSE[lang]
    d = Dialogue(cid, lang, industry, negative, turns, g.secrets, g.keeps)
    d.secret_segs = [[j for j, (_, t) in enumerate(turns) if f"⟦{i}|" in t] for i in range(len(g.secrets))]
    for j, k in enumerate(g.keeps):
        k.segs = [n for n, (_, t) in enumerate(turns) if f"⟪{j}|" in t]
    d.foreign = frozenset(
        x
        for k in g.keeps
        for x in [*k.need, *(v for kind, v in items(k.text) if kind == "num")]
        if len(x) >= 3
    )
    return d


def views(pairs: list[tuple[str, str]]) -> list[str]:
    return [
        " ".join(t for _, t in pairs),
        *(" ".join(t for r, t in pairs if r == role) for role in ("agent", "customer")),
    ]


def _local(s: Secret) -> tuple[str, str]:
    local = re.sub(r"[._-]", "", s.value.split("@")[0])
    return local, re.sub(r"\d", "", local)


def leak_of(
    s: Secret, r: Reading, ambient: set[str], foreign: frozenset[str] = frozenset()
) -> tuple[str, str] | None:
    """Where and what of the secret can still be read, or None."""
    if s.kind == "email":
        local, core = _local(s)
        for name, letters in zip(r.names, r.letters, strict=True):
            if local in letters:
                return name, local
            if len(core) >= 6 and core in letters:
                return name, core
        return None
    ws = s.windows() - ambient
    for name, rows in zip(r.names, r.runs, strict=True):
        hits = found_windows(ws, rows, foreign)
        if hits:
            return name, min(hits)
    return None


def problems(d: Dialogue) -> list[str]:
    """Why a generated dialogue is not a fair test (empty: it is). Fills d.ambient: the windows of each
    secret that perfect redaction still leaves readable (coincidences with other numbers), not counted."""
    out = []
    raw, red = d.turns(), d.redacted()
    names = ["stored", "stored/agent", "stored/customer"]
    r_raw, r_red = reading(views(raw), names), reading(views(red), names)
    d.ambient = []
    for i, s in enumerate(d.secrets):
        if not s.valid():
            out.append(f"invalid {s.kind} {s.value}")
        if not d.secret_segs[i]:
            out.append(f"{s.kind} never said")
        if s.kind == "email":
            amb = {"*"} if leak_of(s, r_red, set()) else set()
            if amb:
                out.append("email readable after perfect redaction")
        else:
            ws = s.windows()
            amb = set().union(*(found_windows(ws, rows, d.foreign) for rows in r_red.runs))
            if (s.kind == "cvv" and amb) or len(amb) * 2 > len(ws):
                out.append(f"{s.kind} mostly ambient")
        d.ambient.append(amb)
        if leak_of(s, r_raw, amb, d.foreign) is None:
            out.append(f"{s.kind} {s.value} not readable raw")
    red_all = views(red)[0]
    for k in d.keeps:
        if not k.segs:
            out.append(f"keep {k.kind} never said")
            continue
        for digits in k.need:
            if len(digits) >= 7 and not valid_keep(digits):
                out.append(f"keep {k.kind} {digits} looks like a secret")
        own_raw = " ".join(raw[j][1] for j in k.segs)
        own_red = " ".join(red[j][1] for j in k.segs)
        if not (readable(k.need, own_raw) and readable(k.need, own_red) and readable(k.need, red_all)):
            out.append(f"keep {k.kind} {k.text!r} unreadable")
    return out


_CACHE: dict[str, Any] = {}


def dialogues() -> tuple[list[Dialogue], int]:
    """The probe's dialogues (seeded) and how many drafts were thrown away as unfair."""
    if "ds" in _CACHE:
        return _CACHE["ds"], _CACHE["redrawn"]
    master = random.Random(SEED)
    ds, redrawn = [], 0
    for n in range(N_DIALOGUES):
        lang = "ru" if n % 2 == 0 else "en"
        negative = n % 5 == 4
        seed = master.randrange(1 << 30)
        for attempt in range(50):
            d = build(f"p13-{lang}-{n:03d}", lang, negative, random.Random(seed + attempt))
            if not problems(d):
                break
            redrawn += 1
        else:
            raise AssertionError(f"{d.cid}: {problems(d)}")
        ds.append(d)
    _CACHE.update(ds=ds, redrawn=redrawn)
    return ds, redrawn


def self_check() -> dict[str, int]:
    """Every secret valid for its type and readable in the raw turns; no secret readable after perfect
    redaction (but for counted coincidences); every must-stay number readable raw and after perfect
    redaction; negatives carry no secret."""
    ds, _ = dialogues()
    for d in ds:
        assert not problems(d), (d.cid, problems(d))
        assert not (d.negative and d.secrets), d.cid
        raw = d.turns()
        texts = [*views(raw), views(raw)[0], *views(raw)[1:]]
        r = reading(texts, ["stored", "stored/agent", "stored/customer", "llm", "llm/agent", "llm/customer"])
        for s, amb in zip(d.secrets, d.ambient, strict=True):
            assert s.valid(), (d.cid, s)
            assert leak_of(s, r, amb, d.foreign) is not None, (d.cid, s)
        red = reading(views(d.redacted()), ["stored", "stored/agent", "stored/customer"])
        for s, amb in zip(d.secrets, d.ambient, strict=True):
            assert leak_of(s, red, amb, d.foreign) is None, (d.cid, s)
    return {
        "cases": len(ds),
        "secrets": sum(len(d.secrets) for d in ds),
        "keeps": sum(len(d.keeps) for d in ds),
        "negatives": sum(d.negative for d in ds),
    }


def run_pipeline(d: Dialogue, counter: Any) -> tuple[list[dict[str, Any]], str]:
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    transcript = make_transcript_from_turns(d.cid, d.turns(), d.lang)
    filtered = filter_transcript(transcript)
    compressed = compress(filtered, counter, "probe13")
    stored = list(filtered["transcript"]["segments"]) + list(
        filtered["transcript"].get("dropped_segments") or []
    )
    stored.sort(key=lambda s: (s.get("start", 0.0), s.get("index", 0)))
    return stored, compressed["text"]


def llm_lines(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    role = "agent"
    for line in text.splitlines():
        m = re.match(r"^(Agent|Customer|Оператор|Клиент)\s*:\s?(.*)$", line)
        if m:
            role = "agent" if m.group(1) in ("Agent", "Оператор") else "customer"
            out.append((role, m.group(2)))
        elif line.strip():
            out.append((role, line))
    return out


def evaluate() -> dict[str, Any]:
    from ml.tokenizer import TokenCounter

    counter = TokenCounter()
    ds, _ = dialogues()
    started = time.monotonic()
    per_type: dict[str, dict[str, int]] = defaultdict(lambda: {"secrets": 0, "leaked": 0})
    per_pattern: dict[str, dict[str, int]] = defaultdict(lambda: {"secrets": 0, "leaked": 0})
    per_kind_keep: dict[str, dict[str, int]] = defaultdict(lambda: {"keeps": 0, "lost": 0})
    where_leaked: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    lost_examples: list[str] = []
    touched_examples: list[str] = []
    leaked = lost = lost_llm_only = touched = 0
    for d in ds:
        stored, llm = run_pipeline(d, counter)
        by_index = {s["index"]: s for s in stored}
        seg_pairs = [(s["role"], s["text"] or "") for s in stored]
        lines = llm_lines(llm)
        texts = [
            *views(seg_pairs),
            llm,
            *(" ".join(t for r, t in lines if r == role) for role in ("agent", "customer")),
        ]
        names = ["stored", "stored/agent", "stored/customer", "llm", "llm/agent", "llm/customer"]
        r = reading(texts, names)
        for i, s in enumerate(d.secrets):
            key_t, key_p = f"{s.kind}/{d.lang}", f"{s.pattern}/{d.lang}"
            per_type[key_t]["secrets"] += 1
            per_pattern[key_p]["secrets"] += 1
            hit = leak_of(s, r, d.ambient[i], d.foreign)
            if hit is None:
                continue
            leaked += 1
            per_type[key_t]["leaked"] += 1
            per_pattern[key_p]["leaked"] += 1
            where_leaked[hit[0].split("/")[0]] += 1
            if len(examples[key_p]) < 3:
                said = " / ".join((by_index.get(j) or {}).get("text", "") for j in d.secret_segs[i])
                examples[key_p].append(
                    f"{d.cid} {s.kind} {s.written!r} read {hit[1]!r} in {hit[0]}: {said[:260]}"
                )
        for k in d.keeps:
            per_kind_keep[k.kind]["keeps"] += 1
            own = " ".join((by_index.get(j) or {}).get("text", "") or "" for j in k.segs)
            in_segs, in_llm = readable(k.need, own), readable(k.need, llm)
            if in_segs and in_llm:
                continue
            lost += 1
            lost_llm_only += in_segs
            per_kind_keep[k.kind]["lost"] += 1
            if len(lost_examples) < 40:
                where = "llm only" if in_segs else "stored"
                lost_examples.append(f"{d.cid} {k.kind} {k.text!r} ({where}): {own[:200]}")
        if d.negative and (any(_PLACEHOLDER.search(t) for _, t in seg_pairs) or _PLACEHOLDER.search(llm)):
            touched += 1
            hits = [t for _, t in seg_pairs if _PLACEHOLDER.search(t)] or [
                t for _, t in lines if _PLACEHOLDER.search(t)
            ]
            if len(touched_examples) < 20:
                touched_examples.append(f"{d.cid} {d.industry}: {hits[0][:200]}")
    secrets = sum(v["secrets"] for v in per_type.values())
    keeps = sum(v["keeps"] for v in per_kind_keep.values())
    return {
        "cases": len(ds),
        "secrets": secrets,
        "keeps": keeps,
        "negatives": sum(d.negative for d in ds),
        "leaked": leaked,
        "leak_rate": leaked / secrets if secrets else 0.0,
        "lost": lost,
        "lost_llm_only": lost_llm_only,
        "lost_rate": lost / keeps if keeps else 0.0,
        "negatives_touched": touched,
        "per_type": dict(per_type),
        "per_pattern": dict(per_pattern),
        "lost_per_kind": {k: v for k, v in per_kind_keep.items() if v["lost"]},
        "keeps_per_kind": dict(per_kind_keep),
        "where_leaked": dict(where_leaked),
        "examples": dict(examples),
        "lost_examples": lost_examples,
        "touched_examples": touched_examples,
        "seconds": round(time.monotonic() - started, 1),
    }


def report(result: dict[str, Any]) -> None:
    def rate(v: dict[str, int]) -> str:
        return f"{v['leaked']}/{v['secrets']} = {v['leaked'] / max(v['secrets'], 1):.1%}"

    print(
        f"probe 13: {result['cases']} dialogues, {result['secrets']} secrets, {result['keeps']} numbers that "
        f"must stay, {result['negatives']} negatives ({result.get('seconds', 0)} s)"
    )
    print(f"secrets leaked {result['leaked']}/{result['secrets']} = {result['leak_rate']:.1%}")
    for lang in ("ru", "en"):
        sub = [v for k, v in result["per_type"].items() if k.endswith("/" + lang)]
        total = {"secrets": sum(v["secrets"] for v in sub), "leaked": sum(v["leaked"] for v in sub)}
        print(f"  {lang}: {rate(total)}")
    print("per type:")
    for k, v in sorted(result["per_type"].items(), key=lambda kv: (-kv[1]["leaked"], kv[0])):
        print(f"  {k:18} {rate(v)}")
    print("per pattern:")
    for k, v in sorted(result["per_pattern"].items(), key=lambda kv: (-kv[1]["leaked"], kv[0])):
        print(f"  {k:22} {rate(v)}")
        for ex in result["examples"].get(k, [])[:3]:
            print(f"      {ex}")
    print(f"where first read: {result.get('where_leaked', {})}")
    print(
        f"must-stay numbers lost {result['lost']}/{result['keeps']} = {result.get('lost_rate', 0):.1%} "
        f"({result.get('lost_llm_only', 0)} in the LLM text only)"
    )
    for k, v in sorted(result["lost_per_kind"].items(), key=lambda kv: -kv[1]["lost"]):
        print(f"  {k:14} {v['lost']}/{v['keeps']}")
    for ex in result["lost_examples"][:15]:
        print(f"      {ex}")
    print(f"negative dialogues touched {result['negatives_touched']}/{result['negatives']}")
    for ex in result.get("touched_examples", [])[:10]:
        print(f"      {ex}")


if __name__ == "__main__":
    print(self_check())
    report(evaluate())
    sys.exit(0)
