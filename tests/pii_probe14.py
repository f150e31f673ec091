"""Blind PII probe 14: what sits inside and around a dictated number: the layout said aloud, Whisper's
shapes for numbers that are not dictation, silence Whisper filled with a hallucination, several numbers of
one kind, the agent's closing recap, and a document read with its printed headings.

Angle. 300 seeded call-centre dialogues (150 Russian, 150 English; a bank, a mobile operator, a
marketplace, an insurer, a clinic, a travel agency, a utility, a courier), 240 with one to three secrets,
60 negatives with none but many look-alike business numbers given the same ways. Numbers in digits, in
words or mixed, with Whisper's punctuation. Earlier probes centred on who reads the number (13), ASR
mangling (11), halves with business between (12), corrections (10); none on these six "patterns", one per
dialogue:

* ``spoken_punct``: the caller says the layout: "8, открываем скобку, 980, закрываем скобку, 948,
  чёрточка, 86, чёрточка, 84", "сто тридцать четыре, чёрточка, ..., и через пробел сорок восемь", "Серия
  52, 21, дальше значок номера и 162209", "слитно, без пробелов: ...", "open bracket, two one two, close
  bracket, ...", "674 hyphen 20 hyphen 8928", "GB, space, 79, space, BARC, space, ...", "plus four four,
  7776, space, 704224, without the zero", "ivan нижнее подчёркивание petrov собака mail точка ru, всё
  маленькими буквами";
* ``whisper_shape``: the digits in a shape Whisper gives numbers heard as something else: thousands
  separators ("4,276, 3,800, ...", "89 161 234 567", "4 276"), a time ("2:15, 866, 0044", a code "7:21",
  "16:45" for "шестнадцать сорок пять"), a price ("4.49 5.25 47.23"), dots ("DE.11.4847..."), slashes
  ("8/962/359/69/35", "40817/810/2/6247/7794116"), regrouped in threes ("800 856 497 7"), "№8003982569",
  a code "7-2-1";
* ``silence_gap``: the caller looks for the card or the line drops, and Whisper writes its stock
  hallucination on the silence ("Продолжение следует...", "Субтитры сделал DimaTorzok", "Редактор
  субтитров А.Синецкая Корректор А.Егорова", "Thank you for watching!", "[MUSIC]", "[BLANK_AUDIO]", a
  doubted segment: no_speech_prob 0.62-0.93, avg_logprob -1.35..-0.95), in either channel: between the
  request and the whole answer ("Hang on, let me grab it..." / [MUSIC] / "Okay, here. 660, 597, 960."),
  between two or three pieces of the number, after "Алло? Вы меня слышите?" / "Да-да, связь пропадала.
  Дальше ...", or with the queue's recording ("Оставайтесь на линии, ваш звонок очень важен для нас.")
  and "Спасибо за ожидание. Да, дальше." between;
* ``several``: two or three secrets of one kind in one call: the caller's and a relative's phones, an
  old and a new phone ("Старый номер ..., он больше не работает. Новый — ..."), a personal and a work
  e-mail, the children's SNILS ("Саши — ..., Маши — ..."), an old (blocked) and a new card with the new
  one's last four read back, an old and a new passport, two owners' INNs, both spouses' socials, a
  family's NHS numbers or passports; sometimes an order number between them;
* ``summary``: the agent's long recap at the end ("Итак, подытожу: ...", "Okay, so just to recap:
  ...") with the secrets among order, ticket, contract, invoice, tracking and hotline numbers, amounts,
  dates and times; half of the secrets said before plainly (then the recap says them in words), half
  said only in the recap;
* ``doc_headings``: the caller reads a document with its printed headings and the fields around the
  number: a passport's spread ("код подразделения 406-014, 65 99 273404, дата выдачи ..."), the SNILS
  card ("Страховой номер ..." without the word СНИЛС), the INN certificate, a plastic licence by its
  numbered fields ("4a — ..., 4b — ..., 5 — ..."), a card's face with its expiry, bank details
  (account, the bank's BIK, correspondent account, INN, KPP), a waybill, a W-2, an HMRC letter, an NHS
  letter, a bank statement (IBAN, BIC), a US passport's data page.

Secret kinds, each valid for its type (``self_check``): cards (Mir 2200-2204, Visa, Mastercard; Luhn)
and their codes (CVV/CVC), RU mobiles (real 9xx codes), US numbers (real area codes, no N11 or 555
exchanges), UK mobiles (07, not the drama range), e-mails (personal and work), RU passports (real region
codes, issue years 1997-2024), SNILS (checksum), a person's INN (12 digits, both check digits), RU
personal accounts (40817810..., key digit against the BIK), RU driver's licences, IBANs (DE, GB, AT, NL;
mod 97), SSNs (valid areas, no 666/9xx), UK National Insurance numbers (valid prefixes and suffix), NHS
numbers (mod 11), US and UK passports. An English call is American or British (its kinds not mixed).

Must-stay numbers (docs/pii.md "What stays"): order, contract, invoice, tracking, ticket, application
(Госуслуги), claim and car-insurance (ОСАГО, auto policy) numbers; a company's INN/KPP/OGRN and a bank's
BIK; toll-free hotlines (8 800, 1-800/888/877/866, 0800; also with the layout said: "восемь, пробел,
восемьсот, пробел, 279, тире, 97, тире, 40"); amounts (digits and words), dates, times, mileage, rooms,
flight numbers; a card's last four ("Новая, оканчивается на 0669, верно?"). None is shaped like a secret
(no 13-19 digit Luhn pass, no 11-digit SNILS pass or 7/8 start, no 12-digit INN pass, no 10-digit 7/8/9
start or NHS pass). In the negatives they are given the same ways: "Номер договора: 47, дробь, 9382,
тире, 24", "order one zero one, dash, 4432485, dash, 5774457", "4 912 799", "16:24/010", "11.97.4779",
an order or contract split over a hallucination, two orders and two tracking numbers, a recap of them
all, an OSAGO policy, a company's details card or an invoice read with its headings. Neutral (the
policy is silent; present, reported, never counted): a passport's department code ("код подразделения
770-001"), a card's expiry, a date of birth, a bank's correspondent account, a company's settlement
account, a licence's "ГИБДД 7701", a BIC.

Leak rule (probe 13's reader, with spoken layout words added to the words a listener skips). A text is
read as a listener hears it: digits and Russian/English number words composed ("девятьсот шестнадцать" =
916, "nine sixteen" = 9 16, "twenty-one hundred" = 2100, "double oh" = 00; a comma or full stop ends a
composed number; "oh" is a zero only beside another number). Digits stay "in a row" across punctuation,
fillers, the layout said aloud ("тире", "дефис", "пробел", "чёрточка", "скобка", "dash", "hyphen",
"space", "bracket", ...), single letters, segment boundaries and at most three other words; a
placeholder ends the row; a bracketed tag that is no placeholder ("[MUSIC]") is skipped. A numeric secret
LEAKS when 4 of its digits in a row (any window of 4; a code: all of it) can be read in the stored
segments joined in order, in one speaker's stored segments, in the kept (not dropped) segments, in one
speaker's kept segments, in the compressed LLM text, or in one speaker's lines of it. Not counted: a
card's own last four, windows inside the 40817810 every ruble personal account starts with, an
occurrence that takes digits from a must-stay number of 3+ digits of the call, and windows that perfect
redaction still leaves readable (coincidences: at most half a secret's windows, none for a code or an
e-mail, else the dialogue is drawn again). Phones are measured on their national number, IBANs on their
digits, NI numbers on their six digits. An e-mail LEAKS when its local part (dots, underscores, hyphens
ignored) or, when 6+ letters, its letters alone can be read in the same texts run together (Cyrillic
transliterated, number words as digits, "dot"/"точка"/"underscore"/"дефис" dropped). A must-stay number
is LOST when its digits cannot be read in its own stored segment(s) or anywhere in the compressed text.
A negative dialogue is TOUCHED when any placeholder shows in its stored segments or compressed text.

Self-check: every secret valid for its type and readable in the raw turns; none readable after perfect
hand redaction (only the secret's own spans replaced by its placeholder); every must-stay and neutral
number readable raw and after perfect redaction in its own segments. A draft that fails is drawn again
(3 of 303 drafts).

Run: ``cd /work/main && .venv/bin/python tests/pii_probe14.py`` (generation 1 s, evaluate() about 4 s).

Measured blind at 9fe47a6 (written without reading processors/, the unit tests or earlier probes'
bodies; SEED = 14014; 300 dialogues, 479 secrets, 2 789 numbers that must stay, 60 negatives):

* secrets leaked 100/479 = 20.9 % (ru 51/244 = 20.9 %, en 49/235 = 20.9 %); 89 readable in the stored
  segments and the LLM text, 11 in the stored segments only. Per type: licence_ru/ru 7/15, passport_ru/ru
  10/30, account/ru 8/24, iban/en 6/18, phone_us/en 5/15, phone_uk/en 6/19, ssn/en 10/32, card/ru 7/28,
  passport_us/en 4/17, snils/ru 6/26, card/en 9/43, inn/ru 4/22, nhs/en 2/11, phone_ru/ru 9/54,
  passport_uk/en 3/19, cvv/en 1/10, ni/en 1/13, email/en 2/38; none of email/ru (33) or cvv/ru (12).
* per pattern: silence_gap 43/75 (en 23/38, ru 20/37: pieces on either side of "Thank you for
  watching!" / "Продолжение следует..." stay as said, "5157, 2265, 6650..." / "1608."; the whole answer
  after the hallucination too, "Okay, here. 660, 597, 960."); spoken_punct 41/82 (ru 23/41, en 18/41:
  "8, открываем скобку, 980, закрываем скобку, 948, чёрточка, 86, чёрточка, 84", "688, space, 070,
  space, 787", "GB, space, 79, space, BARC, ..."; "Серия [ID], дальше значок номера и 162209");
  whisper_shape 8/90 (ru 6/44: slashes "8/987/107/09/22", "40817/810/2/6247/7794116", "800 856 497 7";
  en 2/46: "2:01, 583, 4511", "DE/50/7209/..."); several 4/85 (en 4/40: the second social in words after
  the first's [ID], both socials in words; ru 0/45); summary 2/68 (en 2/33: "the social on the
  application is 496, 48, 7 4 8 1", a phone in the recap "3 00 12, 5 00 and 66, 26 82"; ru 0/35);
  doc_headings 2/79 (ru 2/42: a passport after "код подразделения 521-055,", a licence after "5 —";
  en 0/37).
* must-stay numbers lost 32/2 789 = 1.1 % (all in the stored segments): Госуслуги application numbers
  13/23 ("Заявление на Госуслугах номер [PHONE]"), OSAGO policies read from the policy 8/71 ("серия и
  номер ККК [ID]"), an order or contract asked for and split over a hallucination 9 ("Сейчас... [ID]...
  Дальше [ID]."), an invoice "СФ-[ID]", a mileage "the car's at [ID] miles".
* negative dialogues touched 16/60 (by those OSAGO policies, split orders and contracts, applications).
* neutral numbers redacted: none (department codes, expiries, dates of birth, correspondent and
  settlement accounts all kept).

Before this measurement a first run of the same probe (same redaction) drew a Russian "decimal" shape
("8; 9,12; 1,82; 78; 02") that Whisper does not write; it was dropped and the dialogues drawn again
(100/469 leaked, 39 lost, 18 touched then). The redaction code was neither read nor changed.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

SEED = 14014
N_DIALOGUES = 300
N_NEGATIVE = 60
DIG = "0123456789"

# --------------------------------------------------------------------------------------------------
# number words and the listener's reading (after probe 13's reader; spoken layout words added)
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
# words a listener skips inside a dictated number: fillers and the layout said aloud
SOFT = {
    "uh",
    "um",
    "er",
    "erm",
    "э",
    "ээ",
    "эээ",
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
    "ммм",
    "тире",
    "дефис",
    "пробел",
    "черточка",
    "дробь",
    "скобка",
    "скобку",
    "скобки",
    "скобках",
    "открывается",
    "закрывается",
    "слитно",
    "space",
    "dash",
    "hyphen",
    "bracket",
    "brackets",
    "slash",
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
    "черточка",
}
PUNCT = set(",.;:!?—–…")
_TOK = re.compile(r"\[[A-Z_]+\]|\d+|[^\W\d_]+|[,.;:!?—–…]")
_PLACEHOLDER = re.compile(r"\[(PHONE|CARD|EMAIL|ID)\]")

_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
TRANSLIT = {
    c: ("" if v == "-" else v)
    for c, v in zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN.split(" "), strict=True)
}


def _is_numtok(t: str) -> bool:
    return t.isdigit() or (t in NUMWORDS and t != "oh") or t in THOUSAND or t in HUNDRED or t in MULT


def items(text: str) -> list[tuple[str, str]]:
    """The text as a listener hears it: ("num", digits) for each composed number, words, punctuation and
    placeholders. Number words compose ("девятьсот шестнадцать" = 916, "nine sixteen" = 9, 16, "twenty-one
    hundred" = 2100, "две тысячи девятьсот девяносто" = 2990, "double oh" = 00); a comma or full stop ends a
    composed number; "oh" is a zero only next to another number. A bracketed tag that is no placeholder
    ("[MUSIC]", Whisper's) is skipped."""
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
            if _PLACEHOLDER.fullmatch(t):
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
    """Digits "in a row": across punctuation, fillers, spoken layout words ("тире", "space"), single
    letters and at most three other words; a placeholder ends the row."""
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


def read_digits(text: str) -> str:
    return "".join(v for k, v in items(text) if k == "num")


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


def rd(rng: random.Random, n: int, first: str = DIG) -> str:
    return (rng.choice(first) + "".join(rng.choice(DIG) for _ in range(n - 1))) if n else ""


def luhn_ok(s: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_card(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + rd(rng, length - len(prefix) - 1)
    return next(body + c for c in DIG if luhn_ok(body + c))


def snils_check(n9: str) -> str:
    s = sum(int(d) * (9 - i) for i, d in enumerate(n9))
    if s > 101:
        s %= 101
    return "00" if s in (100, 101) else f"{s:02d}"


def snils_ok(s: str) -> bool:
    return len(s) == 11 and s[:9] > "001001998" and snils_check(s[:9]) == s[9:]


INN12_W1 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
INN12_W2 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
INN10_W = [2, 4, 10, 3, 5, 9, 4, 6, 8]


def _inn_digit(ds: str, ws: list[int]) -> str:
    return str(sum(int(d) * w for d, w in zip(ds, ws, strict=False)) % 11 % 10)


def inn12_ok(s: str) -> bool:
    return (
        len(s) == 12
        and s.isdigit()
        and _inn_digit(s[:10], INN12_W1) == s[10]
        and _inn_digit(s[:11], INN12_W2) == s[11]
    )


def inn10_ok(s: str) -> bool:
    return len(s) == 10 and s.isdigit() and _inn_digit(s[:9], INN10_W) == s[9]


def make_inn12(rng: random.Random) -> str:
    base = rng.choice(["77", "78", "50", "52", "54", "61", "63", "66", "16", "23"]) + rd(rng, 8)
    base += _inn_digit(base, INN12_W1)
    return base + _inn_digit(base, INN12_W2)


def make_inn10(rng: random.Random) -> str:
    base = rng.choice(["77", "78", "50", "54", "66", "16", "23"]) + rd(rng, 7)
    return base + _inn_digit(base, INN10_W)


def ogrn_ok(s: str) -> bool:
    return len(s) == 13 and str(int(s[:12]) % 11 % 10) == s[12]


def make_ogrn(rng: random.Random) -> str:
    base = rng.choice("15") + rd(rng, 2) + rng.choice(["77", "78", "50", "54"]) + rd(rng, 7)
    return base + str(int(base) % 11 % 10)


def account_key_ok(account: str, bik: str) -> bool:
    ds = bik[-3:] + account
    w = [7, 1, 3] * 8
    return len(account) == 20 and sum(int(d) * w[i] % 10 for i, d in enumerate(ds)) % 10 == 0


def make_account(bik: str, rng: random.Random) -> str:
    body = "40817810" + "_" + rd(rng, 11)
    return next(a for a in (body.replace("_", c) for c in DIG) if account_key_ok(a, bik))


IBAN_LEN = {"DE": 22, "GB": 22, "AT": 20, "NL": 18}


def iban_ok(s: str) -> bool:
    s = s.replace(" ", "")
    if len(s) != IBAN_LEN.get(s[:2], 0):
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def make_iban(country: str, rng: random.Random) -> str:
    if country == "DE":
        bban = rd(rng, 8, "1234567") + rd(rng, 10)
    elif country == "GB":
        bban = rng.choice(["NWBK", "BARC", "LOYD", "MIDL", "HBUK"]) + rd(rng, 6, "1234569") + rd(rng, 8)
    elif country == "AT":
        bban = rd(rng, 5, "1234") + rd(rng, 11)
    else:
        bban = rng.choice(["ABNA", "INGB", "RABO", "TRIO"]) + rd(rng, 10)
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(num) % 97
    iban = f"{country}{check:02d}{bban}"
    assert iban_ok(iban)
    return iban


def nhs_ok(s: str) -> bool:
    if len(s) != 10 or not s.isdigit():
        return False
    c = 11 - sum(int(d) * (10 - i) for i, d in enumerate(s[:9])) % 11
    c = 0 if c == 11 else c
    return c != 10 and str(c) == s[9]


def make_nhs(rng: random.Random) -> str:
    while True:
        s = rd(rng, 9, "4")
        c = 11 - sum(int(d) * (10 - i) for i, d in enumerate(s)) % 11
        c = 0 if c == 11 else c
        if c != 10:
            return s + str(c)


NI_BAD_FIRST = set("DFIQUV")
NI_BAD_SECOND = set("DFIOQUV")
NI_BAD_PAIRS = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def ni_ok(s: str) -> bool:
    return bool(
        re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", s)
        and s[0] not in NI_BAD_FIRST
        and s[1] not in NI_BAD_SECOND
        and s[:2] not in NI_BAD_PAIRS
    )


def make_ni(rng: random.Random) -> str:
    while True:
        s = (
            rng.choice("ABCEGHJKLMNOPRSTWXYZ")
            + rng.choice("ABCEGHJKLMNPRSTWXYZ")
            + rd(rng, 6)
            + rng.choice("ABCD")
        )
        if ni_ok(s):
            return s


def ssn_ok(s: str) -> bool:
    return (
        len(s) == 9
        and s.isdigit()
        and s[:3] not in ("000", "666")
        and s[0] != "9"
        and s[3:5] != "00"
        and s[5:] != "0000"
    )


RU_MOBILE = [
    "901", "903", "905", "906", "909", "910", "911", "912", "913", "914", "915", "916", "917", "918", "919",
    "920", "921", "922", "925", "926", "927", "929", "950", "951", "952", "953", "960", "961", "962", "963",
    "964", "965", "977", "978", "980", "981", "982", "983", "985", "987", "988", "989", "991", "993", "995",
    "996", "999",
]  # fmt: skip
US_AREAS = [
    "201", "202", "206", "212", "213", "214", "215", "267", "301", "305", "310", "312", "313", "347", "404",
    "412", "415", "469", "503", "512", "602", "617", "646", "702", "713", "718", "773", "804", "818", "917",
    "919", "925", "972",
]  # fmt: skip
RU_REGIONS = ["45", "46", "40", "41", "60", "65", "75", "92", "03", "04", "52", "36", "71", "80", "22", "57"]
UK_MOBILE = ["71", "73", "74", "75", "77", "78", "79"]

KIND_PH = {
    "card": "[CARD]",
    "cvv": "[CARD]",
    "email": "[EMAIL]",
    "phone_ru": "[PHONE]",
    "phone_us": "[PHONE]",
}
KIND_PH["phone_uk"] = "[PHONE]"


@dataclass
class Secret:
    kind: str
    value: str  # as written on paper
    lang: str
    pattern: str
    digits: str = ""  # what is measured (a phone's national number, an IBAN's digits, ...)
    groups: list[str] = field(default_factory=list)  # dictation groups; letters as they are
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def placeholder(self) -> str:
        return KIND_PH.get(self.kind, "[ID]")

    def windows(self) -> set[str]:
        d = self.digits
        if self.kind == "cvv":
            return {d}
        ws = set()
        for k in range(len(d) - 3):
            if self.kind == "card" and k == len(d) - 4:
                continue  # the card's own last four may stay
            if self.kind == "account" and k + 4 <= 8:
                continue  # inside the 40817810 every ruble personal account starts with
            ws.add(d[k : k + 4])
        return ws

    def local(self) -> str:
        return re.sub(r"[._\-]", "", self.value.split("@")[0].lower())

    def valid(self) -> bool:
        k, v, d = self.kind, self.value, self.digits
        if k == "card":
            return luhn_ok(d) and len(d) == 16 and (d[0] == "4" or d[:2] in ("51", "52", "53", "54", "55") or d[:4] in ("2200", "2201", "2202", "2203", "2204"))  # fmt: skip  # noqa: E501
        if k == "cvv":
            return len(d) == 3 and d != "000"
        if k == "phone_ru":
            return len(d) == 10 and d[:3] in RU_MOBILE
        if k == "phone_us":
            return len(d) == 10 and d[:3] in US_AREAS and d[3] in "23456789" and d[4:6] != "11" and d[3:6] != "555"  # fmt: skip  # noqa: E501
        if k == "phone_uk":
            return len(d) == 10 and d[0] == "7" and d[1:3] in UK_MOBILE and not d.startswith("7700900")
        if k == "email":
            return bool(re.fullmatch(r"[a-z0-9]+([._\-][a-z0-9]+)*@[a-z0-9\-]+(\.[a-z]+)+", v)) and len(self.local()) >= 6  # fmt: skip  # noqa: E501
        if k == "passport_ru":
            return (
                len(d) == 10
                and d[:2] in RU_REGIONS
                and d[2:4] in {f"{y % 100:02d}" for y in range(1997, 2025)}
            )
        if k == "snils":
            return snils_ok(d)
        if k == "inn":
            return inn12_ok(d)
        if k == "account":
            return account_key_ok(d, self.extra["bik"])
        if k == "licence_ru":
            return len(d) == 10 and d.isdigit()
        if k == "iban":
            return iban_ok(v)
        if k == "ssn":
            return ssn_ok(d)
        if k == "ni":
            return ni_ok(v)
        if k == "nhs":
            return nhs_ok(d)
        if k in ("passport_us", "passport_uk"):
            return len(d) == 9 and d.isdigit()
        return False


RU_FIRST = ["ivan", "olga", "sergey", "natasha", "dmitriy", "elena", "pavel", "marina", "andrey", "irina"]
RU_LAST = ["petrov", "smirnov", "kozlova", "volkov", "sokolova", "morozov", "orlova", "kuznetsov", "zaytsev"]
RU_LAST += ["belova", "fedorov", "lebedeva", "novikov", "gusev"]
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
    "smirnov": "смирнов",
    "kozlova": "козлова",
    "volkov": "волков",
    "sokolova": "соколова",
    "morozov": "морозов",
    "orlova": "орлова",
    "kuznetsov": "кузнецов",
    "zaytsev": "зайцев",
    "belova": "белова",
    "fedorov": "федоров",
    "lebedeva": "лебедева",
    "novikov": "новиков",
    "gusev": "гусев",
}
EN_FIRST = [
    "jason",
    "megan",
    "tyler",
    "brooke",
    "derek",
    "kayla",
    "marcus",
    "holly",
    "trevor",
    "nadia",
    "colin",
]
EN_LAST = ["miller", "ashworth", "donovan", "fletcher", "harper", "whitaker", "caldwell", "brennan", "pruitt"]
EN_LAST += ["okafor", "lindqvist", "marsh"]
RU_DOMAINS = ["mail.ru", "yandex.ru", "bk.ru", "inbox.ru", "gmail.com", "list.ru", "rambler.ru"]
EN_DOMAINS = [
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
    "hotmail.co.uk",
    "aol.com",
    "comcast.net",
]
WORK_DOMAINS = [
    "romashka-trade.ru",
    "stroyinvest.ru",
    "alfa-logistic.ru",
    "brightlane.com",
    "northgate.co.uk",
]


def make_email(lang: str, rng: random.Random, work: bool = False) -> str:
    first = rng.choice(RU_FIRST if lang == "ru" else EN_FIRST)
    last = rng.choice(RU_LAST if lang == "ru" else EN_LAST)
    nn = str(rng.choice([rng.randint(10, 99), rng.randint(1975, 2005)]))
    shape = rng.randrange(6)
    if work:
        local = rng.choice([f"{first[0]}.{last}", f"{first}.{last}", f"{last}.{first[0]}"])
        return f"{local}@{rng.choice(WORK_DOMAINS)}"
    local = [
        f"{first}.{last}{nn}",
        f"{first}_{last}",
        f"{last}.{first}{nn}",
        f"{first[0]}.{last}{nn}",
        f"{first}{last}{nn}",
        f"{last}-{first}",
    ][shape]
    return f"{local}@{rng.choice(RU_DOMAINS if lang == 'ru' else EN_DOMAINS)}"


def make_secret(kind: str, lang: str, pattern: str, rng: random.Random, ctx: dict[str, Any]) -> Secret:
    s = Secret(kind, "", lang, pattern)
    if kind == "phone_ru":
        d = rng.choice(RU_MOBILE) + rd(rng, 7)
        s.value, s.digits, s.groups = (
            f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}",
            d,
            [d[:3], d[3:6], d[6:8], d[8:]],
        )
    elif kind == "phone_us":
        while True:
            d = rng.choice(US_AREAS) + rd(rng, 3, "23456789") + rd(rng, 4)
            if d[4:6] != "11" and d[3:6] != "555":
                break
        s.value, s.digits, s.groups = f"({d[:3]}) {d[3:6]}-{d[6:]}", d, [d[:3], d[3:6], d[6:]]
    elif kind == "phone_uk":
        d = "7" + rng.choice(UK_MOBILE) + rd(rng, 7)
        s.value, s.digits, s.groups = f"0{d[:4]} {d[4:]}", d, ["0" + d[:4], d[4:]]
    elif kind == "card":
        prefix = rng.choice(["2200", "2202", "2204", "4", "4", "51", "53", "55"])
        d = luhn_card(prefix, 16, rng)
        s.value, s.digits, s.groups = " ".join(d[i : i + 4] for i in range(0, 16, 4)), d, [d[i : i + 4] for i in range(0, 16, 4)]  # fmt: skip  # noqa: E501
    elif kind == "cvv":
        d = rd(rng, 3, "123456789")
        s.value, s.digits, s.groups = d, d, [d]
    elif kind == "email":
        s.value = make_email(lang, rng, work=ctx.get("work", False))
    elif kind == "passport_ru":
        d = rng.choice(RU_REGIONS) + f"{rng.randint(1997, 2024) % 100:02d}" + rd(rng, 6, "123456789")
        s.value, s.digits, s.groups = f"{d[:2]} {d[2:4]} {d[4:]}", d, [d[:2], d[2:4], d[4:]]
    elif kind == "snils":
        while True:
            n9 = rd(rng, 9, "1234")
            if n9 > "001001998":
                break
        d = n9 + snils_check(n9)
        s.value, s.digits, s.groups = f"{d[:3]}-{d[3:6]}-{d[6:9]} {d[9:]}", d, [d[:3], d[3:6], d[6:9], d[9:]]
    elif kind == "inn":
        d = make_inn12(rng)
        s.value, s.digits, s.groups = d, d, [d[:4], d[4:8], d[8:]]
    elif kind == "account":
        bik = ctx.setdefault("bik", "04" + rd(rng, 7))
        d = make_account(bik, rng)
        s.extra["bik"] = bik
        s.value, s.digits, s.groups = d, d, [d[:5], d[5:8], d[8], d[9:13], d[13:]]
    elif kind == "licence_ru":
        d = rng.choice([*RU_REGIONS, "99", "77", "78"]) + rd(rng, 2) + rd(rng, 6)
        s.value, s.digits, s.groups = f"{d[:2]} {d[2:4]} {d[4:]}", d, [d[:2], d[2:4], d[4:]]
    elif kind == "iban":
        iban = make_iban(rng.choice(["DE", "DE", "GB", "GB", "AT", "NL"]), rng)
        s.value = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        s.digits = re.sub(r"\D", "", iban)
        s.groups = [iban[:2], iban[2:4]] + [iban[i : i + 4] for i in range(4, len(iban), 4)]
    elif kind == "ssn":
        while True:
            d = rd(rng, 3, "1234567") + rd(rng, 2) + rd(rng, 4)
            if ssn_ok(d):
                break
        s.value, s.digits, s.groups = f"{d[:3]}-{d[3:5]}-{d[5:]}", d, [d[:3], d[3:5], d[5:]]
    elif kind == "ni":
        v = make_ni(rng)
        s.value, s.digits, s.groups = v, v[2:8], [v[:2], v[2:4], v[4:6], v[6:8], v[8]]
    elif kind == "nhs":
        d = make_nhs(rng)
        s.value, s.digits, s.groups = f"{d[:3]} {d[3:6]} {d[6:]}", d, [d[:3], d[3:6], d[6:]]
    elif kind == "passport_us":
        d = rd(rng, 9, "56")
        s.value, s.digits, s.groups = d, d, [d[:3], d[3:6], d[6:]]
    elif kind == "passport_uk":
        d = rd(rng, 9, "12345")
        s.value, s.digits, s.groups = d, d, [d[:3], d[3:6], d[6:]]
    else:
        raise ValueError(kind)
    return s


# --------------------------------------------------------------------------------------------------
# saying numbers
# --------------------------------------------------------------------------------------------------


def ru_num(n: int) -> str:
    """0..999 in Russian words."""
    if n < 10:
        return RU_UNITS[n]
    if n < 20:
        return RU_TEENS[n - 10]
    if n < 100:
        t, u = divmod(n, 10)
        return RU_TENS[t] + (" " + RU_UNITS[u] if u else "")
    h, r = divmod(n, 100)
    return RU_HUND[h] + (" " + ru_num(r) if r else "")


def en_num(n: int) -> str:
    """0..99 in English words."""
    if n < 10:
        return EN_UNITS[n]
    if n < 20:
        return EN_TEENS[n - 10]
    t, u = divmod(n, 10)
    return EN_TENS[t] + ("-" + EN_UNITS[u] if u else "")


def _pair(p: str, lang: str, rng: random.Random) -> str:
    """One or two digits the way they are said in a group."""
    if len(p) == 1:
        if lang == "en" and p == "0":
            return rng.choice(["oh", "zero"])
        return (RU_UNITS if lang == "ru" else EN_UNITS)[int(p)]
    if p[0] == "0":
        if lang == "ru":
            return "ноль " + RU_UNITS[int(p[1])]
        if p == "00":
            return rng.choice(["double oh", "oh oh", "zero zero"])
        return "oh " + EN_UNITS[int(p[1])]
    return ru_num(int(p)) if lang == "ru" else en_num(int(p))


def _triple(p: str, lang: str, rng: random.Random) -> str:
    if p[0] == "0":
        return _pair(p[0], lang, rng) + " " + _pair(p[1:], lang, rng)
    if lang == "ru":
        return ru_num(int(p))
    h, r = p[0], p[1:]
    if r == "00":
        return EN_UNITS[int(h)] + " hundred"
    return rng.choice(
        [
            EN_UNITS[int(h)] + " " + _pair(r, lang, rng),
            EN_UNITS[int(h)] + " hundred " + ("and " if rng.random() < 0.3 else "") + _pair(r, lang, rng)
            if r[0] != "0"
            else EN_UNITS[int(h)] + " " + _pair(r, lang, rng),
        ]
    )


def chunks(g: str, rng: random.Random) -> list[str]:
    n = len(g)
    if n <= 3:
        return [g]
    if n == 4:
        return [g[:2], g[2:]]
    if n == 5:
        return [g[:3], g[3:]]
    if n == 6:
        return rng.choice([[g[:3], g[3:]], [g[:2], g[2:4], g[4:]]])
    if n == 7:
        return [g[:3], g[3:5], g[5:]]
    return [g[:2], *chunks(g[2:], rng)]


def say_group(g: str, lang: str, rng: random.Random, style: str) -> str:
    """A group of digits: "digits", "words" (in pairs and triples, as dictated) or "single" (digit by
    digit). Letters are said as they are."""
    if not g.isdigit() or style == "digits":
        return g
    if g == "0":
        return "ноль" if lang == "ru" else "zero"
    if style == "single":
        return " ".join(_pair(c, lang, rng) for c in g)
    parts = chunks(g, rng)
    out = []
    for i, p in enumerate(parts):
        w = _triple(p, lang, rng) if len(p) == 3 else _pair(p, lang, rng)
        out.append(w)
        if i + 1 < len(parts):
            out.append(", " if (len(p) == 3 and p.endswith("00")) or p.endswith("0") else " ")
    return "".join(out).replace(" ,", ",")


def say(groups: list[str], lang: str, rng: random.Random, style: str, sep: str = ", ") -> str:
    """Groups said one after the other; "mixed" draws the style per group."""
    out = []
    for g in groups:
        st = rng.choice(["digits", "words", "words", "single"]) if style == "mixed" else style
        out.append(say_group(g, lang, rng, st))
    text = sep.join(out)
    want = "".join(c for g in groups for c in g if c.isdigit())
    got = read_digits(text)
    assert got == want, (groups, text, got)
    return text


def phone_prefix(s: Secret, rng: random.Random, words: bool) -> str:
    if s.kind == "phone_ru":
        if words:
            return rng.choice(["восемь", "плюс семь"])
        return rng.choice(["8", "+7", "8", "+7"])
    if s.kind == "phone_us":
        return rng.choice(["", "", "1", "one"] if words else ["", "", "1", "+1"])
    return ""


# Whisper's transcripts of silence and hold music (no speech, doubted), and the queue's recording
HALLUC_RU = [
    "Продолжение следует...",
    "Субтитры сделал DimaTorzok",
    "Субтитры создавал DimaTorzok",
    "Спасибо за просмотр!",
    "Редактор субтитров А.Синецкая Корректор А.Егорова",
    "ПОДПИСЫВАЙТЕСЬ НА КАНАЛ!",
    "Ставьте лайки и подписывайтесь на канал!",
    "[музыка]",
]
HALLUC_EN = [
    "Thank you for watching!",
    "Thanks for watching.",
    "Please subscribe to my channel.",
    "[MUSIC]",
    "♪ ♪ ♪",
    "[BLANK_AUDIO]",
    "Subtitles by the Amara.org community",
    "you",
]
HOLD_RU = [
    "Оставайтесь на линии, ваш звонок очень важен для нас.",
    "Пожалуйста, не кладите трубку, вам ответит первый освободившийся специалист.",
]
HOLD_EN = [
    "Please stay on the line, your call is important to us.",
    "Thank you for holding, a representative will be with you shortly.",
]


# --------------------------------------------------------------------------------------------------
# numbers that must stay (docs/pii.md "What stays") and kinds the policy is silent on (neutral)
# --------------------------------------------------------------------------------------------------

RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября"]
RU_MONTHS += ["ноября", "декабря"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
EN_MONTHS += ["October", "November", "December"]
CHECKED = {"order", "contract", "invoice", "tracking", "ticket", "application", "claim", "osago"}
NEUTRAL = {"dept_code", "expiry", "dob", "corr_account", "company_account", "gibdd", "bic"}


def valid_keep(d: str) -> bool:
    """A must-stay number's digits are not shaped like a secret of any kind."""
    n = len(d)
    if 13 <= n <= 19 and luhn_ok(d):
        return False
    if n == 11 and (snils_ok(d) or d[0] in "78"):
        return False
    if n == 12 and inn12_ok(d):
        return False
    return not (n == 10 and (d[0] in "789" or nhs_ok(d)))


def ru_amount(n: int) -> str:
    """0..999 999 in Russian words ("две тысячи триста")."""
    th, r = divmod(n, 1000)
    out = []
    if th:
        t = ru_num(th)
        t = re.sub(r"один$", "одна", re.sub(r"два$", "две", t))
        last = th % 10 if th % 100 not in range(11, 20) else 5
        form = "тысяча" if last == 1 else "тысячи" if last in (2, 3, 4) else "тысяч"
        out.append(("" if th == 1 else t + " ") + form)
    if r or not th:
        out.append(ru_num(r))
    return " ".join(out)


def en_amount(n: int) -> str:
    th, r = divmod(n, 1000)
    out = []
    if th:
        out.append(en_amount(th) + " thousand")
    h, r2 = divmod(r, 100)
    if h:
        out.append(EN_UNITS[h] + " hundred")
    if r2 or not out:
        out.append(("and " if out else "") + en_num(r2))
    return " ".join(out)


def make_keep(kind: str, lang: str, rng: random.Random) -> str:
    """The text of a number that must stay (or of a neutral one), as written in the dialogue."""
    yy = rng.choice(["23", "24", "25"])
    year = "20" + yy
    ru = lang == "ru"
    for _ in range(100):
        if kind == "order":
            t = rng.choice(
                [f"{rd(rng, 4, '123456789')}-{rd(rng, 4)}", rd(rng, 8, "123456789"), f"ЗК-{rd(rng, 7)}",
                 f"{rd(rng, 8, '1234567')}-{rd(rng, 4)}", f"{rd(rng, 3, '1234567')}-{rd(rng, 2)}-{rd(rng, 3)}"]  # noqa: E501
                if ru
                else [f"{rd(rng, 3, '1')}-{rd(rng, 7)}-{rd(rng, 7)}", f"#{rd(rng, 8, '123456789')}",
                      f"W{rd(rng, 9)}", rd(rng, 7, "123456")]
            )  # fmt: skip
        elif kind == "contract":
            t = rng.choice(
                [f"{rd(rng, 2, '123456789')}/{rd(rng, 4)}-{yy}", f"Д-{rd(rng, 6)}", f"{rd(rng, 4, '1234')}-{rd(rng, 6)}"]  # noqa: E501
                if ru
                else [f"{rd(rng, 2, '1234')}-{rd(rng, 2)}-{rd(rng, 4)}", f"CT-{year}-{rd(rng, 5)}"]
            )  # fmt: skip
        elif kind == "invoice":
            t = rng.choice([rd(rng, 5, "123456789"), f"СФ-{rd(rng, 6)}"] if ru else [f"INV-{rd(rng, 7)}", rd(rng, 5, "1234")])  # fmt: skip  # noqa: E501
        elif kind == "tracking":
            t = rng.choice(
                [rd(rng, 14, "1234"), rd(rng, 10, "1"), f"RA{rd(rng, 9)}RU"]
                if ru
                else [
                    rd(rng, 12, "7"),
                    f"1Z{rd(rng, 3)}AA{rd(rng, 10)}",
                    f"9400 1{rd(rng, 3)} {rd(rng, 4)} {rd(rng, 4)} {rd(rng, 4)} {rd(rng, 2)}",
                ]
            )
        elif kind == "ticket":
            t = rng.choice([rd(rng, 7, "123456789"), f"{rd(rng, 2, '1234')}-{rd(rng, 6)}", rd(rng, 8, "0")])
        elif kind == "application":
            t = rd(rng, 10, "1234") if ru else f"APP-{rd(rng, 8)}"
        elif kind == "claim":
            t = rng.choice([f"{rd(rng, 7, '123456789')}/{yy}", f"У-{rd(rng, 6)}"] if ru else [f"CLM-{rd(rng, 7)}", f"{rd(rng, 4)}-{rd(rng, 3)}-{rd(rng, 2)}"])  # fmt: skip  # noqa: E501
        elif kind == "osago":
            t = f"{rng.choice(['ХХХ', 'ТТТ', 'ААС', 'ККК'])} {rd(rng, 10, '0')}" if ru else rng.choice([f"PA {rd(rng, 4)} {rd(rng, 4)}", f"AP-{rd(rng, 5)}-{rd(rng, 4)}"])  # fmt: skip  # noqa: E501
        elif kind == "inn_company":
            return make_inn10(rng)
        elif kind == "kpp":
            return rng.choice(["7701", "7702", "7705", "7810", "5003", "5406"]) + rng.choice(["01001", "43001", "45001"])  # fmt: skip  # noqa: E501
        elif kind == "ogrn":
            return make_ogrn(rng)
        elif kind == "bik":
            return "04" + rd(rng, 7)
        elif kind == "hotline":
            if ru:
                a, b, c = rd(rng, 3, "1234567"), rd(rng, 2), rd(rng, 2)
                return rng.choice([f"8 800 {a}-{b}-{c}", f"8-800-{a}-{b}-{c}", f"8 (800) {a} {b} {c}"])
            if rng.random() < 0.3:
                return f"0800 {rd(rng, 3, '1234567')} {rd(rng, 4)}"
            return f"1-{rng.choice(['800', '888', '877', '866'])}-{rd(rng, 3, '2345678')}-{rd(rng, 4)}"
        elif kind == "amount":
            n = rng.choice([rng.randint(3, 99) * 100 + rng.choice([0, 50, 90]), rng.randint(101, 999)])
            if ru:
                return rng.choice([f"{n:,}".replace(",", " "), str(n), ru_amount(n)])
            return rng.choice([f"${n:,}", f"${n}.{rng.randint(10, 99)}", f"{n:,} dollars", en_amount(n) + " dollars"])  # fmt: skip  # noqa: E501
        elif kind == "date":
            d, m = rng.randint(1, 28), rng.randint(1, 12)
            if ru:
                return rng.choice([f"{d:02d}.{m:02d}.{year}", f"{d} {RU_MONTHS[m - 1]} {year}"])
            return rng.choice([f"{EN_MONTHS[m - 1]} {d}, {year}", f"{m:02d}/{d:02d}/{year}", f"{d} {EN_MONTHS[m - 1]} {year}"])  # fmt: skip  # noqa: E501
        elif kind == "time":
            return f"{rng.randint(8, 19)}:{rng.choice(['00', '15', '30', '45'])}"
        elif kind == "mileage":
            n = rng.randint(12, 180)
            return f"{n} 000" if ru else f"{n},{rng.choice(['000', '500'])}"
        elif kind == "last4":
            return rd(rng, 4)
        elif kind == "flight":
            return f"{rng.choice(['SU', 'S7', 'DP', 'U6'] if ru else ['BA', 'UA', 'DL', 'AA'])} {rd(rng, 4, '12')}"  # noqa: E501
        elif kind == "room":
            return rd(rng, 3, "123")
        elif kind == "dept_code":
            return f"{rng.choice(RU_REGIONS)}{rd(rng, 1)}-{rd(rng, 3, '0')}"
        elif kind == "expiry":
            return f"{rng.randint(1, 12):02d}/{rng.randint(26, 31)}"
        elif kind == "dob":
            d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1955, 2004)
            return f"{d:02d}.{m:02d}.{y}" if ru else f"{d} {EN_MONTHS[m - 1][:3]} {y}"
        elif kind == "corr_account":
            return "30101810" + rd(rng, 12)
        elif kind == "company_account":
            return "40702810" + rd(rng, 12)
        elif kind == "gibdd":
            return rd(rng, 4, "1234567")
        elif kind == "bic":
            return rng.choice(["COBADEFFXXX", "NWBKGB2L", "BARCGB22", "RABONL2U", "BKAUATWW"])
        else:
            raise ValueError(kind)
        if kind not in CHECKED or all(valid_keep(r) for r in runs_of(items(t))):
            return t
    raise AssertionError(kind)


@dataclass
class Keep:
    kind: str
    text: str
    need: tuple[str, ...]
    neutral: bool = False
    segs: list[int] = field(default_factory=list)


@dataclass
class Dialogue:
    cid: str
    lang: str
    industry: str
    negative: bool
    pattern: str
    raw: list[tuple[str, str, dict[str, Any]]]  # role, text with markers, segment extras
    secrets: list[Secret]
    keeps: list[Keep]  # must stay
    neutral: list[Keep]  # the policy is silent: reported, never counted
    secret_segs: list[list[int]] = field(default_factory=list)
    ambient: list[frozenset[str]] = field(default_factory=list)
    foreign: frozenset[str] = frozenset()

    def turns(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [(r, _strip(t), x) for r, t, x in self.raw]

    def redacted(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [(r, _hand_redact(t, self.secrets), x) for r, t, x in self.raw]


_S_MARK = re.compile(r"⟦(\d+)\|(.*?)⟧")
_K_MARK = re.compile(r"⟪(\d+)\|(.*?)⟫")


def _strip(t: str) -> str:
    return _K_MARK.sub(lambda m: m.group(2), _S_MARK.sub(lambda m: m.group(2), t))


def _hand_redact(t: str, secrets: list[Secret]) -> str:
    return _K_MARK.sub(lambda m: m.group(2), _S_MARK.sub(lambda m: secrets[int(m.group(1))].placeholder, t))


class Gen:
    """One dialogue being written: turns with the secrets' and keeps' spans marked."""

    def __init__(self, lang: str, rng: random.Random) -> None:
        self.lang = lang
        self.rng = rng
        self.ru = lang == "ru"
        self.turns: list[tuple[str, str, dict[str, Any]]] = []
        self.secrets: list[Secret] = []
        self.keeps: list[Keep] = []
        self.ctx: dict[str, Any] = {}
        self.used: set[str] = set()

    # turns ---------------------------------------------------------------------------------------
    def a(self, text: str, **extra: Any) -> None:
        self.turns.append(("agent", text, extra))

    def c(self, text: str, **extra: Any) -> None:
        self.turns.append(("customer", text, extra))

    def say(self, role: str, text: str, **extra: Any) -> None:
        self.turns.append((role, text, extra))

    def pick(self, ru: list[str], en: list[str]) -> str:
        return self.rng.choice(ru if self.ru else en)

    def halluc(self, role: str | None = None) -> None:
        role = role or self.rng.choice(["customer", "customer", "agent"])
        self.turns.append(
            (
                role,
                self.pick(HALLUC_RU, HALLUC_EN),
                {
                    "no_speech_prob": round(self.rng.uniform(0.62, 0.93), 2),
                    "avg_logprob": round(self.rng.uniform(-1.35, -0.95), 2),
                    "halluc": True,
                },
            )
        )

    # secrets and keeps ---------------------------------------------------------------------------
    def secret(self, kind: str, pattern: str, **ctx: Any) -> int:
        self.ctx.update(ctx)
        self.secrets.append(make_secret(kind, self.lang, pattern, self.rng, self.ctx))
        self.ctx.pop("work", None)
        return len(self.secrets) - 1

    def S(self, i: int, text: str) -> str:
        return f"⟦{i}|{text}⟧"

    def K(self, kind: str, text: str | None = None, whole: str | None = None) -> str:
        """Mark a number that must stay (or a neutral one); ``whole`` is the full keep when ``text`` is a
        piece of it (use ``Kpiece`` for the other pieces)."""
        text = make_keep(kind, self.lang, self.rng) if text is None else text
        need = tuple(r for r in runs_of(items(whole or text)) if len(r) >= 3)
        if not need:
            return text
        self.keeps.append(Keep(kind, whole or text, need, kind in NEUTRAL))
        return f"⟪{len(self.keeps) - 1}|{text}⟫"

    def last_keep(self) -> int:
        return len(self.keeps) - 1

    def Kpiece(self, j: int, text: str) -> str:
        return f"⟪{j}|{text}⟫"


# --------------------------------------------------------------------------------------------------
# how a secret is said
# --------------------------------------------------------------------------------------------------

ASK_RU = {
    "phone_ru": ["Продиктуйте, пожалуйста, номер телефона для связи.", "Какой номер телефона вам указать?",
                 "Назовите ваш мобильный, пожалуйста."],
    "card": ["Продиктуйте номер карты, пожалуйста.", "Назовите номер карты, на которую делать возврат."],
    "cvv": ["И код с обратной стороны карты, три цифры.", "Назовите, пожалуйста, CVC-код."],
    "email": ["Продиктуйте адрес электронной почты.", "На какую почту отправить документы?"],
    "passport_ru": ["Назовите серию и номер паспорта.", "Мне нужны серия и номер вашего паспорта."],
    "snils": ["Продиктуйте ваш СНИЛС, пожалуйста.", "Назовите номер СНИЛС."],
    "inn": ["Назовите ваш ИНН.", "Продиктуйте ИНН физического лица, двенадцать цифр."],
    "account": ["Назовите номер счёта для возврата.", "Продиктуйте номер вашего счёта, двадцать цифр."],
    "licence_ru": ["Назовите серию и номер водительского удостоверения.", "Продиктуйте номер прав, пожалуйста."],  # noqa: E501
}  # fmt: skip
ASK_EN = {
    "phone_us": ["What's the best phone number to reach you?", "Can I get a callback number?"],
    "phone_uk": ["Could I take a mobile number for you?", "What's your mobile number, please?"],
    "card": ["Can you read me the card number?", "What's the long number on the front of the card?"],
    "cvv": ["And the three-digit code on the back?", "And the security code, please?"],
    "email": ["What email address should I use?", "Can I get your email address?"],
    "ssn": ["Can you verify your Social Security number?", "I'll need your social, please."],
    "ni": ["Can I take your National Insurance number?", "What's your National Insurance number?"],
    "nhs": ["Do you have your NHS number?", "Can you give me the NHS number?"],
    "iban": ["What's the IBAN for the refund?", "Can you read me your IBAN?"],
    "passport_us": ["What's the passport number?", "I need the passport number, please."],
    "passport_uk": ["What's your passport number?", "Could you read me the passport number?"],
}  # fmt: skip


def ask(g: Gen, kind: str) -> None:
    g.a(g.rng.choice((ASK_RU if g.ru else ASK_EN)[kind]))


def spoken_groups(g: Gen, s: Secret, style: str | None = None) -> list[str]:
    style = style or g.rng.choice(["digits", "words", "mixed", "digits"])
    out = []
    for x in s.groups:
        st = g.rng.choice(["digits", "words", "words", "single"]) if style == "mixed" else style
        if not x.isdigit():
            out.append(" ".join(x) if (len(x) > 1 and g.rng.random() < 0.4) else x)
        else:
            out.append(say_group(x, g.lang, g.rng, st))
    return out


def say_email(g: Gen, s: Secret, layout: bool = False, cyr: float = 0.5) -> str:
    """An e-mail said aloud: separators and "@" as words, Cyrillic for a Russian name, digits in words
    or digits; with ``layout`` the caller also says how it is written."""
    rng, ru = g.rng, g.ru
    local, domain = s.value.split("@")
    parts = []
    for tok in re.split(r"([._\-])", local):
        if tok == ".":
            parts.append("точка" if ru else "dot")
        elif tok == "_":
            parts.append(rng.choice(["нижнее подчёркивание", "подчёркивание"]) if ru else "underscore")
        elif tok == "-":
            parts.append(rng.choice(["дефис", "тире"]) if ru else rng.choice(["dash", "hyphen"]))
        else:
            for m in re.finditer(r"[a-z]+|\d+", tok):
                w = m.group()
                if w.isdigit():
                    parts.append(w if rng.random() < 0.5 else say_group(w, g.lang, rng, "words"))
                elif ru and w in RU_CYR and rng.random() < cyr:
                    parts.append(RU_CYR[w])
                else:
                    parts.append(w)
    at = rng.choice(["собака", "собачка", "собака"]) if ru else "at"
    dom = domain if rng.random() < 0.4 else domain.replace(".", " точка " if ru else " dot ")
    text = " ".join([*parts, at, dom])
    if layout:
        text += rng.choice(
            [", всё маленькими буквами", ", всё с маленькой буквы, без пробелов", ", без пробелов"]
            if ru
            else [", all lowercase", ", all one word, lowercase", ", no spaces"]
        )
    assert s.local() in letters_of(items(text)), (s.value, text)
    return text


def spoken_layout(g: Gen, s: Secret) -> tuple[str, str, str]:
    """``spoken_punct``: the layout said aloud inside the number (brackets, dashes, spaces, "слитно")."""
    rng, ru, k = g.rng, g.ru, s.kind
    style = rng.choice(["digits", "words", "mixed"])
    G = spoken_groups(g, s, style)
    v = rng.randrange(3)
    lead, tail = "", "."
    if k == "email":
        return rng.choice(["", "Пишите: ", "Так, "] if ru else ["", "Sure, ", "Okay, it's "]), say_email(g, s, True), "."  # fmt: skip  # noqa: E501
    if k == "phone_ru":
        pref = phone_prefix(s, rng, style != "digits")
        body = [
            f"{pref}, скобка, {G[0]}, скобка закрывается, {G[1]}, тире, {G[2]}, тире, {G[3]}",
            f"{pref}, в скобках {G[0]}, и дальше {G[1]}, дефис, {G[2]}, дефис, {G[3]}",
            f"{pref}, открываем скобку, {G[0]}, закрываем скобку, {G[1]}, чёрточка, {G[2]}, чёрточка, {G[3]}",
        ][v]
        lead = rng.choice(["Записывайте: ", "Так, ", ""])
    elif k == "phone_us":
        pref = phone_prefix(s, rng, style != "digits")
        body = [
            f"open bracket, {G[0]}, close bracket, {G[1]}, dash, {G[2]}",
            f"{G[0]} in brackets, then {G[1]}, hyphen, {G[2]}",
            f"{pref} {G[0]}, space, {G[1]}, dash, {G[2]}".strip(),
        ][v]
        lead = rng.choice(["Sure, it's ", "Yeah, ", ""])
    elif k == "phone_uk":
        d = s.digits
        body = [
            f"{G[0]}, space, {G[1]}",
            f"plus four four, {say_group(d[:4], 'en', rng, style if style != 'mixed' else 'words')}, space, "
            f"{say_group(d[4:], 'en', rng, 'digits')}",
            f"{G[0]}, then a space, then {G[1]}",
        ][v]
        tail = ", without the zero." if v == 1 else "."
    elif k == "card":
        if v == 2:
            lead = "Слитно, без пробелов: " if ru else "All one number, no spaces: "
            body = s.digits if style == "digits" else ", ".join(G)
        else:
            sep = [", пробел, ", " пробел "][v] if ru else [", space, ", " dash "][v]
            body = sep.join(G)
    elif k == "cvv":
        body = say_group(s.digits, g.lang, rng, rng.choice(["single", "digits"]))
        tail = rng.choice([" — три цифры, без пробелов.", ", три цифры подряд."] if ru else [", that's three digits, no spaces.", ", just the three."])  # fmt: skip  # noqa: E501
    elif k == "passport_ru":
        body = [
            f"{G[0]} пробел {G[1]} пробел {G[2]}",
            f"{G[0]} {G[1]}, знак номера, {G[2]}",
            f"{G[0]}, {G[1]}, дальше значок номера и {G[2]}",
        ][v]
        lead = rng.choice(["Серия ", "", "Так, "])
    elif k == "snils":
        body = [
            f"{G[0]} тире {G[1]} тире {G[2]}, пробел, {G[3]}",
            f"{G[0]}, чёрточка, {G[1]}, чёрточка, {G[2]}, и через пробел {G[3]}",
            f"{G[0]} - {G[1]} - {G[2]} пробел {G[3]}",
        ][v]
    elif k == "inn":
        if v == 0:
            lead = "Двенадцать цифр, слитно: "
            body = s.digits if style == "digits" else ", ".join(G)
        else:
            body = f"{G[0]}, пробел, {G[1]}, пробел, {G[2]}" if v == 1 else f"{G[0]} {G[1]} {G[2]}"
            tail = "." if v == 1 else ", пишите без пробелов."
    elif k == "account":
        body = [
            ", пробел, ".join(G),
            " ".join(G),
            f"{G[0]} {G[1]}, дальше {G[2]}, и {G[3]} {G[4]}",
        ][v]
        tail = ", всё слитно, без пробелов." if v == 1 else "."
    elif k == "licence_ru":
        body = [
            f"{G[0]} пробел {G[1]} пробел {G[2]}",
            f"{G[0]} {G[1]}, пробел, номер {G[2]}",
            f"{G[0]} {G[1]}, через пробел {G[2]}",
        ][v]
        lead = rng.choice(["Серия ", ""])
    elif k == "iban":
        rest = G[2:]
        body = [
            f"{G[0]}, space, {G[1]}, space, " + ", space, ".join(rest),
            f"{G[0]} {G[1]}, dash, " + ", dash, ".join(rest),
            f"{G[0]} {G[1]}, then the rest with no spaces: " + "".join(s.groups[2:]),
        ][v]
    elif k == "ssn":
        body = [f"{G[0]}, dash, {G[1]}, dash, {G[2]}", f"{G[0]} hyphen {G[1]} hyphen {G[2]}", f"{G[0]}-{G[1]}-{G[2]}"][v]  # fmt: skip  # noqa: E501
        tail = ", with the dashes." if v == 2 else "."
    elif k == "ni":
        L, L3 = " ".join(s.groups[0]), s.groups[4]
        body = [
            f"{L}, space, {G[1]}, space, {G[2]}, space, {G[3]}, space, {L3}",
            f"{L}, then {G[1]} {G[2]} {G[3]}, then the letter {L3}",
            f"{L} {G[1]} {G[2]} {G[3]} {L3}",
        ][v]
        tail = ", no spaces." if v == 2 else "."
    elif k == "nhs":
        if v == 2:
            lead, body = "Ten digits, no spaces: ", s.digits
        else:
            body = [f"{G[0]}, space, {G[1]}, space, {G[2]}", f"{G[0]} dash {G[1]} dash {G[2]}"][v]
    elif k in ("passport_us", "passport_uk"):
        if v == 1:
            lead, body = "Nine digits, no letters: ", s.digits
        else:
            body = [f"{G[0]}, space, {G[1]}, space, {G[2]}", "", f"{G[0]} {G[1]} {G[2]}"][v]
            tail = ", no spaces." if v == 2 else "."
    else:
        raise ValueError(k)
    return lead, body, tail


def _tm(x: str, ru: bool) -> str | None:
    if not (x.isdigit() and len(x) in (3, 4)):
        return None
    h, m = x[:-2], x[-2:]
    if ru and len(x) == 3:
        return None  # "четыреста одиннадцать" is not heard as a time
    if int(m) < 60 and int(h) <= (23 if ru else 12) and not (len(h) == 2 and h[0] == "0" and not ru):
        return f"{h}:{m}"
    return None


def whisper_shape(g: Gen, s: Secret) -> tuple[str, str]:
    """``whisper_shape``: the digits in a shape Whisper gives numbers that are not dictation: thousands
    separators, a time, a decimal, dots, slashes, regrouped in threes, "№"."""
    rng, ru, k = g.rng, g.ru, s.kind
    gs = list(s.groups)
    if k == "phone_ru":
        gs = [rng.choice(["8", "+7"]), *gs]
    elif k == "phone_us" and rng.random() < 0.4:
        gs = ["1", *gs]
    dig_all = "".join(gs).replace("+", "")
    opts = []
    if any(x.isdigit() and len(x) >= 4 and x[0] != "0" for x in gs):
        opts += ["thousands", "thousands"]
    if k not in ("iban", "ni", "cvv") and dig_all[0] != "0":
        opts.append("whole")
    if any(_tm(x, ru) for x in gs):
        opts += ["time", "time"]
    if not ru and any(x.isdigit() and len(x) in (3, 4) for x in gs):
        opts.append("decimal")  # "four forty-nine" as "4.49"
    if k == "cvv":
        opts.append("spelled")  # "7-2-1"
    else:
        opts += ["dotted", "slash"]
        if k not in ("iban", "ni"):
            opts += ["regroup3", "numero"]
    shape = rng.choice(opts)
    sep = ", " if rng.random() < 0.6 else " "
    if shape == "thousands":
        body = sep.join(
            f"{int(x):,}".replace(",", " " if ru else ",")
            if x.isdigit() and len(x) >= 4 and x[0] != "0"
            else x
            for x in gs
        )
    elif shape == "whole":
        body = ("+" if gs[0] == "+7" else "") + f"{int(dig_all):,}".replace(",", " " if ru else ",")
    elif shape == "time":
        body = sep.join(_tm(x, ru) or x for x in gs)
    elif shape == "decimal":
        body = sep.join((x[:-2] + "." + x[-2:]) if x.isdigit() and len(x) in (3, 4) else x for x in gs)
    elif shape == "spelled":
        body = "-".join(dig_all)
    elif shape == "dotted":
        body = ".".join(gs)
    elif shape == "slash":
        body = "/".join(gs)
    elif shape == "regroup3":
        body = " ".join(dig_all[i : i + 3] for i in range(0, len(dig_all), 3))
    else:
        body = ("№" if ru else "No. ") + dig_all
    body = body.replace("+7.", "+7 ").replace("+7/", "+7 ")
    want = re.sub(r"\D", "", "".join(gs))
    assert read_digits(body) == want, (s.value, body, read_digits(body))
    return body, shape


def gap_pieces(g: Gen, s: Secret) -> list[str]:
    """The number in two or three pieces, each said in its own breath."""
    rng, k = g.rng, s.kind
    if k == "email":
        text = say_email(g, s)
        words = text.split()
        cut_at = max(1, min(len(words) - 2, rng.randint(1, 3)))
        return [" ".join(words[:cut_at]), " ".join(words[cut_at:])]
    G = spoken_groups(g, s)
    n = len(G)
    if k == "phone_ru":
        G[0] = phone_prefix(s, rng, s.groups[0] != G[0]) + " " + G[0]
    if n >= 4 and rng.random() < 0.4 and k in ("card", "account", "iban", "snils"):
        a, b = rng.sample(range(1, n), 2)
        a, b = min(a, b), max(a, b)
        cuts = [G[:a], G[a:b], G[b:]]
    else:
        a = rng.randint(1, n - 1) if n > 2 else 1
        cuts = [G[:a], G[a:]]
    return [", ".join(c) for c in cuts if c]


# --------------------------------------------------------------------------------------------------
# business talk: numbers that must stay around the secrets
# --------------------------------------------------------------------------------------------------

BIZ_RU_C = [
    "Я оформляла заказ {order} {date}, оплатила {amount} рублей, и до сих пор ничего.",
    "У меня договор {contract}, абонентская плата {amount} рублей в месяц.",
    "Мне пришёл счёт номер {invoice} на {amount} рублей, а должно быть меньше.",
    "Посылка, трек-номер {tracking}, стоит на месте с {date}.",
    "Я уже обращалась, номер обращения {ticket}.",
    "Заявление на Госуслугах номер {application}, подавала {date}.",
    "По убытку {claim} мне обещали выплату {amount} рублей.",
    "Полис ОСАГО {osago}, машина Киа Рио, пробег {mileage} километров.",
    "С карты, которая заканчивается на {last4}, списали {amount} рублей.",
    "Лечу рейсом {flight} {date}, вылет в {time}.",
]
BIZ_RU_A = [
    "Вижу ваш заказ {order}, сумма {amount} рублей, доставка ожидалась {date}.",
    "Возврат {amount} рублей оформлен, номер заявки {ticket}.",
    "Наши реквизиты для оплаты: ИНН {inn_company}, КПП {kpp}, БИК банка {bik}.",
    "Если что, горячая линия {hotline}, звонок бесплатный.",
    "Мастер приедет {date} с {time} до {time}, номер наряда {order}.",
    "По договору {contract} задолженность {amount} рублей на {date}.",
    "Обращение зарегистрировано под номером {ticket}, срок рассмотрения до {date}.",
    "Вам подойдёт кабинет {room}, приём {date} в {time}.",
    "ОГРН нашей компании {ogrn}, ИНН {inn_company}, это есть в договоре.",
]
BIZ_EN_C = [
    "I placed order {order} on {date}, I paid {amount}, and nothing's arrived.",
    "My contract number is {contract}, the plan is {amount} a month.",
    "I got invoice {invoice} for {amount}, and that's way too much.",
    "The tracking number is {tracking}, it's been stuck since {date}.",
    "I called before, my ticket number is {ticket}.",
    "My claim number is {claim}, they promised me {amount}.",
    "My auto policy number is {osago}, and the car's at {mileage} miles.",
    "You charged {amount} to my card ending in {last4}.",
    "I'm on flight {flight} on {date}, departing at {time}.",
]
BIZ_EN_A = [
    "I can see order {order}, total {amount}, expected on {date}.",
    "The refund of {amount} is processed, your reference is {ticket}.",
    "If anything comes up, our toll-free line is {hotline}.",
    "The technician will come on {date} between {time} and {time}, job number {order}.",
    "On contract {contract} the balance is {amount} as of {date}.",
    "Your case is logged as {ticket}, we'll respond by {date}.",
    "You're booked in room {room} on {date} at {time}.",
    "Your claim {claim} is approved for {amount}.",
]
SLOT = re.compile(r"\{([a-z_0-9]+)\}")


def biz(g: Gen, role: str | None = None) -> None:
    role = role or g.rng.choice(["agent", "customer"])
    pool = (
        (BIZ_RU_A if role == "agent" else BIZ_RU_C) if g.ru else (BIZ_EN_A if role == "agent" else BIZ_EN_C)
    )
    t = g.rng.choice([t for t in pool if t not in g.used] or pool)
    g.used.add(t)
    g.say(role, fill(g, t))


def fill(g: Gen, template: str) -> str:
    return SLOT.sub(lambda m: g.K(m.group(1)), template)


INDUSTRIES = {
    "ru": {
        "bank": "Банк «Северный», меня зовут {n}, слушаю вас.",
        "telecom": "Оператор связи «Волна», {n}, здравствуйте.",
        "marketplace": "Маркетплейс «Корзина», служба поддержки, меня зовут {n}.",
        "insurance": "Страховая компания «Гарант», {n}, добрый день.",
        "clinic": "Клиника «Здоровье», регистратура, {n}, слушаю.",
        "travel": "Турагентство «Пегас-Тур», {n}, здравствуйте.",
        "utility": "Энергосбыт, контактный центр, меня зовут {n}.",
        "delivery": "Служба доставки «Быстрый курьер», {n}, здравствуйте.",
    },
    "en": {
        "bank": "Thank you for calling Harbor Bank, this is {n}, how can I help?",
        "telecom": "Brightwave Mobile, {n} speaking, how can I help you today?",
        "marketplace": "Thanks for calling ShopNest support, my name is {n}.",
        "insurance": "Keystone Insurance, this is {n}, how may I help?",
        "clinic": "Riverside Medical Centre, {n} speaking.",
        "travel": "Globetrek Travel, this is {n}, how can I help?",
        "utility": "City Power and Gas, {n} speaking, how can I help you?",
        "delivery": "Swift Parcel customer service, this is {n}.",
    },
}
AGENTS = {"ru": ["Анна", "Мария", "Дарья", "Алексей", "Кирилл", "Светлана"], "en": ["Amy", "Rachel", "Tom", "Luis", "Priya"]}  # fmt: skip  # noqa: E501
THANKS = {
    "ru": ["Спасибо, всего доброго.", "Хорошо, спасибо вам.", "Поняла, спасибо, до свидания."],
    "en": ["Great, thanks so much.", "Okay, thank you, bye.", "Perfect, thanks for your help."],
}
YES = {
    "ru": ["Да, всё верно.", "Да.", "Угу, да.", "Верно."],
    "en": ["Yes, that's right.", "Yep.", "Correct.", "Yeah."],
}
OK_A = {"ru": ["Записала.", "Так, записал.", "Угу, есть.", "Отлично, спасибо."], "en": ["Got it.", "Okay, got that.", "Perfect, thank you.", "Alright."]}  # fmt: skip  # noqa: E501


# --------------------------------------------------------------------------------------------------
# the patterns
# --------------------------------------------------------------------------------------------------


def scene_spoken(g: Gen, i: int) -> None:
    s = g.secrets[i]
    ask(g, s.kind)
    lead, body, tail = spoken_layout(g, s)
    g.c(lead + g.S(i, body) + tail)
    if g.rng.random() < 0.4 and s.kind.startswith("phone"):
        g.a(g.pick(["Так, со скобками и тире, понятно.", "Угу, записала."], ["Okay, with the dashes, got it.", "Got it."]))  # fmt: skip  # noqa: E501
    else:
        g.a(g.rng.choice(OK_A[g.lang]))


def scene_shape(g: Gen, i: int) -> None:
    s = g.secrets[i]
    ask(g, s.kind)
    body, _ = whisper_shape(g, s)
    lead = g.pick(["", "Да, пишите: ", "Так, ", "Сейчас. "], ["", "Sure, it's ", "Yeah, ", "Okay, "])
    g.c(lead + g.S(i, body) + g.rng.choice([".", "", "."]))
    g.a(g.rng.choice(OK_A[g.lang]))


def scene_gap(g: Gen, i: int) -> None:
    s = g.secrets[i]
    rng = g.rng
    ask(g, s.kind)
    pieces = gap_pieces(g, s)
    v = rng.choice([0, 2, 3] if s.kind == "email" else [0, 1, 2, 3])  # no words inside a local part
    if v == 2 or len(pieces) == 1:
        g.c(g.pick(["Секунду, сейчас найду...", "Так, сейчас, достану..."], ["Hang on, let me grab it...", "One sec, it's in my bag..."]))  # fmt: skip  # noqa: E501
        g.halluc("customer")
        if rng.random() < 0.5:
            g.halluc()
        g.c(g.pick(["Так, вот. ", "Нашла. ", ""], ["Okay, here. ", "Got it. ", ""]) + g.S(i, ", ".join(pieces)) + ".")  # fmt: skip  # noqa: E501
        g.a(rng.choice(OK_A[g.lang]))
        return
    for n, p in enumerate(pieces):
        if n == 0:
            g.c(g.S(i, p) + "...")
            continue
        if v == 0:
            g.halluc()
            g.c(g.S(i, p) + ".")
        elif v == 1:
            g.a(g.pick(["Алло? Вы меня слышите?", "Алло, вы пропали."], ["Hello? Are you still there?", "Sorry, you cut out."]))  # fmt: skip  # noqa: E501
            g.halluc()
            g.c(g.pick(["Да-да, связь пропадала. Дальше ", "Да, слышу. Дальше: "], ["Yeah, sorry, bad signal. Then ", "Yes, sorry. "]) + g.S(i, p) + ".")  # fmt: skip  # noqa: E501
        else:
            g.a(g.pick(["Так, минутку, система подвисла, не кладите трубку."], ["Okay, one moment, my system froze, please hold."]))  # fmt: skip  # noqa: E501
            g.say("agent", g.pick(HOLD_RU, HOLD_EN))
            g.halluc()
            g.a(g.pick(["Спасибо за ожидание. Да, дальше.", "Всё, слушаю, продолжайте."], ["Thanks for holding. Go ahead.", "Okay, I'm back, go on."]))  # fmt: skip  # noqa: E501
            g.c(g.S(i, p) + ".")
    g.a(rng.choice(OK_A[g.lang]))


OWNERS_RU = ["мамы", "мужа", "жены", "сына", "дочери", "брата"]
OWNERS_EN = ["my wife's", "my husband's", "my son's", "my daughter's", "my mom's", "my partner's"]
CHILDREN_RU = ["Саши", "Маши", "Пети", "Ани", "Вовы"]


def plainly(g: Gen, s: Secret, style: str | None = None) -> str:
    """The number said simply: as written, or in words, or mixed."""
    st = style or g.rng.choice(["written", "written", "words", "mixed"])
    if s.kind == "email":
        return s.value if st == "written" else say_email(g, s)
    if st == "written":
        return s.value
    G = spoken_groups(g, s, "words" if st == "words" else "mixed")
    if s.kind == "phone_ru":
        return phone_prefix(s, g.rng, True) + " " + ", ".join(G)
    return ", ".join(G)


def scene_several(g: Gen, idxs: list[int]) -> None:
    rng, ru = g.rng, g.ru
    kind = g.secrets[idxs[0]].kind
    S = [g.S(i, plainly(g, g.secrets[i])) for i in idxs]
    third = len(S) == 3
    if kind in ("phone_ru", "phone_us", "phone_uk"):
        g.a(g.pick(["Какие телефоны для связи указать?", "Назовите контактные телефоны."], ["What numbers can we reach you on?", "Can I get contact numbers?"]))  # fmt: skip  # noqa: E501
        v = rng.randrange(4)
        o = rng.sample(OWNERS_RU if ru else OWNERS_EN, 2)
        if v == 0:
            g.c(g.pick([f"Запишите два номера: мой — {S[0]}, и {o[0]} — {S[1]}" + (f", и ещё {o[1]} — {S[2]}." if third else ".")],  # noqa: E501
                       [f"My cell is {S[0]}, and {o[0]} is {S[1]}" + (f", and {o[1]} is {S[2]}." if third else ".")]))  # fmt: skip  # noqa: E501
        elif v == 1:
            g.c(g.pick([f"Мой — {S[0]}."], [f"Mine is {S[0]}."]))
            g.a(g.pick(["Записала. А второй?"], ["Got it. And the other one?"]))
            g.c(g.pick([f"А второй, {o[0]}: {S[1]}."], [f"The other one is {o[0]}: {S[1]}."]))
            if third:
                g.a(g.pick(["Угу. Ещё?"], ["Okay. Any other?"]))
                g.c(g.pick([f"И рабочий: {S[2]}."], [f"And my work line, {S[2]}."]))
        elif v == 2:
            g.c(g.pick([f"Старый номер {S[0]}, он больше не работает. Новый — {S[1]}."],
                       [f"I used to have {S[0]}, that one's gone. The new one is {S[1]}."]))  # fmt: skip
            if third:
                g.c(g.pick([f"И запасной, {o[0]}: {S[2]}."], [f"And a backup, {o[0]}: {S[2]}."]))
        else:
            g.c(g.pick([f"Мой {S[0]}. А заказ {g.K('order')} оформлен на {o[0]}, телефон {S[1]}."],
                       [f"Mine is {S[0]}. The order {g.K('order')} is under {o[0]} name, number {S[1]}."]))  # fmt: skip  # noqa: E501
            if third:
                g.c(g.pick([f"Ну и {o[1]} на всякий случай: {S[2]}."], [f"And {o[1]} just in case: {S[2]}."]))
    elif kind == "email":
        g.a(g.pick(["Какую почту указать?"], ["Which email should we use?"]))
        g.c(g.pick([f"Личная — {S[0]}, а рабочая — {S[1]}. Лучше на обе."],
                   [f"My personal one is {S[0]}, and my work one is {S[1]}. Send it to both."]))  # fmt: skip
        if third:
            g.c(g.pick([f"И копию мужу: {S[2]}."], [f"And copy my husband, {S[2]}."]))
    elif kind == "snils":
        g.a("Назовите СНИЛС детей, пожалуйста.")
        names = rng.sample(CHILDREN_RU, 3)
        g.c(
            f"Так. {names[0]} — {S[0]}. {names[1]} — {S[1]}"
            + (f". И младшего, {names[2]}: {S[2]}." if third else ".")
        )
    elif kind == "card":
        g.a(g.pick(["Назовите номер карты."], ["Can I get the card number?"]))
        g.c(g.pick([f"Старая карта была {S[0]}, её заблокировали. Новая — {S[1]}."],
                   [f"The old card was {S[0]}, it got blocked. The new one is {S[1]}."]))  # fmt: skip
        last4 = g.secrets[idxs[1]].digits[-4:]
        g.a(g.pick([f"Новая, оканчивается на {g.K('last4', last4)}, верно?"], [f"The new one ending in {g.K('last4', last4)}, right?"]))  # fmt: skip  # noqa: E501
        g.c(rng.choice(YES[g.lang]))
    elif kind == "passport_ru":
        g.a("Назовите серию и номер паспорта.")
        g.c(f"Я паспорт меняла в {g.K('date')}. Старый — {S[0]}, новый — {S[1]}.")
    elif kind == "inn":
        g.a("Назовите ИНН собственников.")
        g.c(f"Мой — {S[0]}. И мужа, он тоже собственник, {S[1]}.")
    elif kind == "ssn":
        g.a("I'll need both socials for the joint account.")
        g.c(f"Sure. Mine is {S[0]}, and my husband's is {S[1]}.")
    elif kind == "nhs":
        g.a("Can I take the NHS numbers for everyone?")
        g.c(f"Mine is {S[0]}, my daughter's is {S[1]}" + (f", and my son's is {S[2]}." if third else "."))
    elif kind in ("passport_us", "passport_uk"):
        g.a("And the passport numbers for both travellers?")
        g.c(f"Mine is {S[0]}, and my son's is {S[1]}" + (f". My wife's is {S[2]}." if third else "."))
    else:
        raise ValueError(kind)
    g.a(rng.choice(OK_A[g.lang]))


SUM_RU = {
    "phone_ru": ["для связи телефон {S}", "перезвоним вам на номер {S}", "смс придёт на {S}"],
    "card": ["возврат {amount} рублей на карту {S}", "списание будет с карты {S}"],
    "email": ["копия договора уйдёт на почту {S}", "чек пришлём на {S}"],
    "passport_ru": ["договор оформлен на паспорт {S}", "паспорт {S}"],
    "snils": ["СНИЛС {S}", "заявление привязано к СНИЛС {S}"],
    "inn": ["ИНН {S}", "вычет оформляем по ИНН {S}"],
    "account": ["деньги вернутся на счёт {S}, БИК {bikS}", "возврат на ваш счёт {S}"],
    "licence_ru": ["водительское удостоверение {S}", "в полис вписан водитель, права {S}"],
}
SUM_EN = {
    "phone_us": ["we'll call you back on {S}", "the text will go to {S}"],
    "phone_uk": ["we'll ring you on {S}", "the text goes to {S}"],
    "card": ["the refund of {amount} goes back to the card {S}", "the payment comes from card {S}"],
    "email": ["the confirmation goes to {S}", "the documents go to {S}"],
    "ssn": ["the social on the application is {S}", "verified with social {S}"],
    "ni": ["your National Insurance number is {S}", "NI number {S}"],
    "nhs": ["the referral is under NHS number {S}", "NHS number {S}"],
    "iban": ["the refund goes to IBAN {S}", "paid out to {S}"],
    "passport_us": ["the booking is under passport {S}", "passport number {S}"],
    "passport_uk": ["the booking is under passport {S}", "passport number {S}"],
}
SUM_BIZ_RU = ["заявка номер {order} от {date}", "обращение {ticket}", "сумма к возврату {amount} рублей",
              "договор {contract}", "мастер приедет {date} с {time} до {time}", "полис ОСАГО {osago}",
              "счёт {invoice} на {amount} рублей", "трек-номер {tracking}"]  # fmt: skip
SUM_BIZ_EN = ["order {order} from {date}", "case number {ticket}", "a refund of {amount}", "contract {contract}",  # noqa: E501
              "the technician comes on {date} at {time}", "claim {claim}", "invoice {invoice} for {amount}",
              "tracking number {tracking}"]  # fmt: skip


def scene_summary(g: Gen, idxs: list[int]) -> None:
    """The secrets (said before, or not) in the agent's long closing recap among many numbers that stay."""
    rng = g.rng
    said_before = {}
    for i in idxs:
        s = g.secrets[i]
        if rng.random() < 0.5:
            ask(g, s.kind)
            said_before[i] = plainly(g, s, "written")
            g.c(g.S(i, said_before[i]) + ".")
            g.a(rng.choice(OK_A[g.lang]))
            biz(g)
    biz(g)
    frags = []
    for i in idxs:
        s = g.secrets[i]
        style = "words" if i in said_before else rng.choice(["written", "words", "mixed"])
        body = g.S(i, plainly(g, s, style))
        t = rng.choice((SUM_RU if g.ru else SUM_EN)[s.kind])
        t = t.replace("{S}", body).replace(
            "{bikS}", g.K("bik", s.extra.get("bik", "")) if "{bikS}" in t else ""
        )
        frags.append(fill(g, t))
    for t in rng.sample(SUM_BIZ_RU if g.ru else SUM_BIZ_EN, rng.randint(2, 4)):
        frags.insert(rng.randint(0, len(frags)), fill(g, t))
    joiners = [", ", ". ", "; "]
    text = frags[0]
    for f in frags[1:]:
        j = rng.choice(joiners)
        text += j + (f[0].upper() + f[1:] if j == ". " else f)
    head = g.pick(["Итак, подытожу: ", "Так, давайте я всё повторю. ", "Значит, резюмирую: "],
                  ["Okay, so just to recap: ", "Alright, let me go over everything. ", "So, to summarize: "])  # fmt: skip  # noqa: E501
    head += text[0].upper() + text[1:] if head.endswith(". ") else text
    head = head.rstrip(".")
    if rng.random() < 0.5:
        head += ". " + fill(g, g.pick(["Горячая линия {hotline}, звонок бесплатный.", "Если что, звоните на {hotline}."],  # noqa: E501
                                      ["Our toll-free number is {hotline}.", "Any questions, call {hotline}."]))  # fmt: skip  # noqa: E501
    g.a(
        head.rstrip(".")
        + g.pick([". Всё верно?"], [". Does that all sound right?", ". Is that all correct?"])
    )
    g.c(rng.choice(YES[g.lang]))


def scene_doc(g: Gen, i: int) -> None:
    """The caller reads the document aloud with its printed headings and the fields around the number."""
    s, rng, k = g.secrets[i], g.rng, g.secrets[i].kind
    S = g.S(i, plainly(g, s, rng.choice(["written", "written", "mixed"])))
    if rng.random() < 0.6:
        ask(g, s.kind)
    else:
        g.a(g.pick(["Продиктуйте, пожалуйста, данные документа, как там написано.", "Прочитайте, что написано в документе."],  # noqa: E501
                   ["Could you read me what it says on the document?", "Just read it out as it's printed."]))  # fmt: skip  # noqa: E501
    K = g.K
    if k == "passport_ru":
        t = rng.choice([
            f"Так, открываю. «Паспорт выдан ГУ МВД России по г. Москве», дата выдачи {K('date')}, код подразделения {K('dept_code')}. А сбоку, вертикально, {S}.",  # noqa: E501
            f"Читаю: Российская Федерация, паспорт. Серия, номер: {S}. Выдан отделом УФМС, дата выдачи {K('date')}, код подразделения {K('dept_code')}.",  # noqa: E501
            f"Вот, разворот: код подразделения {K('dept_code')}, {S}, дата выдачи {K('date')}.",
        ])  # fmt: skip
    elif k == "snils":
        t = rng.choice([
            f"Это зелёная карточка. Сверху: «Страховое свидетельство обязательного пенсионного страхования». Страховой номер {S}. Дата регистрации {K('date')}.",  # noqa: E501
            f"Так, уведомление: «Страховой номер индивидуального лицевого счёта» — {S}, дата регистрации {K('date')}, дата рождения {K('dob')}.",  # noqa: E501
        ])  # fmt: skip
    elif k == "inn":
        t = rng.choice([
            f"Свидетельство о постановке на учёт физического лица в налоговом органе. Присвоен ИНН {S}. Дата выдачи {K('date')}.",  # noqa: E501
            f"Тут написано: «Идентификационный номер налогоплательщика» {S}, форма 2-1-Учёт, выдано {K('date')}.",  # noqa: E501
        ])  # fmt: skip
    elif k == "licence_ru":
        t = rng.choice([
            f"Права пластиковые. Пункт 4а: {K('date')}, 4б: {K('date')}, 4с: ГИБДД {K('gibdd')}. Пункт пятый: {S}. Категории B, B1, M.",  # noqa: E501
            f"Читаю по пунктам: 3 — {K('dob')}, 4a — {K('date')}, 4b — {K('date')}, 5 — {S}.",
        ])  # fmt: skip
    elif k == "card":
        t = g.pick(
            [f"На лицевой стороне: {S}, ниже срок {K('expiry')}, и имя латиницей.", f"Читаю с карты: {S}. Valid thru {K('expiry')}."],  # noqa: E501
            [f"On the front it says {S}, valid thru {K('expiry')}, and my name.", f"Reading off the card: {S}, expires {K('expiry')}."],  # noqa: E501
        )  # fmt: skip
    elif k == "cvv":
        t = g.pick(
            [f"На обороте, возле подписи, три цифры: {S}."],
            [f"On the back, next to the signature strip: {S}."],
        )
    elif k == "account":
        bik = s.extra["bik"]
        t = (f"Читаю реквизиты из приложения. Получатель: Петров Иван Сергеевич. Номер счёта: {S}. Банк получателя: ПАО «Северный». "  # noqa: E501
             f"БИК: {K('bik', bik)}. Корр. счёт: {K('corr_account')}. ИНН банка: {K('inn_company')}. КПП: {K('kpp')}.")  # fmt: skip  # noqa: E501
    elif k == "phone_ru":
        t = rng.choice([
            f"В накладной написано: получатель Петрова И. С., телефон {S}, вес 2,4 кг, объявленная ценность {K('amount')} руб.",  # noqa: E501
            f"На квитанции: заказ {K('order')}, контактный телефон {S}, сумма {K('amount')}.",
        ])  # fmt: skip
    elif k == "email":
        t = g.pick(
            [
                f"В договоре, в графе «Адрес электронной почты», написано {S}. Договор {K('contract')} от {K('date')}."  # noqa: E501
            ],
            [f"On the form, the box 'Email address' says {S}. Form dated {K('date')}."],
        )
    elif k == "ssn":
        t = rng.choice([
            f"It says 'Social Security', then 'This number has been established for Jason Miller', and the number is {S}.",  # noqa: E501
            f"On my W-2 it's box a, employee's social security number: {S}. Box 1, wages, {K('amount')}.",
        ])  # fmt: skip
    elif k == "ni":
        t = f"The letter from HMRC says: 'Your National Insurance number is {S}. Keep this letter safe.' It's dated {K('date')}."  # noqa: E501
    elif k == "nhs":
        t = f"The letter says, top right, NHS Number: {S}. Appointment {K('date')} at {K('time')}, clinic room {K('room')}."  # noqa: E501
    elif k == "iban":
        t = f"From my bank statement: Account name J. Miller, IBAN {S}, BIC {K('bic')}, statement date {K('date')}."  # noqa: E501
    elif k == "phone_us":
        t = f"On the delivery slip it says: recipient J. Miller, phone {S}, weight 2.4 lb, declared value {K('amount')}."  # noqa: E501
    elif k == "phone_uk":
        t = f"The booking form says: Contact mobile {S}, booking reference {K('order')}, date {K('date')}."
    elif k == "passport_us":
        t = f"Passport No. {S}. Surname Miller. Date of birth {K('dob')}. Date of issue {K('date')}. Date of expiration {K('date')}. Authority United States Department of State."  # noqa: E501
    elif k == "passport_uk":
        t = f"It says Passport No. {S}, date of issue {K('date')}, date of expiry {K('date')}, authority HMPO."  # noqa: E501
    else:
        raise ValueError(k)
    g.c(t)
    g.a(rng.choice(OK_A[g.lang]))


SCENES = {"spoken_punct": scene_spoken, "whisper_shape": scene_shape, "silence_gap": scene_gap, "doc_headings": scene_doc}  # fmt: skip  # noqa: E501
PATTERNS = ["spoken_punct", "whisper_shape", "silence_gap", "several", "summary", "doc_headings"]
KINDS = {
    "ru": {"phone_ru": 18, "card": 14, "email": 14, "passport_ru": 11, "snils": 11, "inn": 9, "account": 7, "licence_ru": 7},  # noqa: E501
    "en": {"phone_us": 10, "phone_uk": 7, "card": 13, "email": 13, "ssn": 10, "ni": 8, "nhs": 7, "iban": 8, "passport_us": 6, "passport_uk": 5},  # noqa: E501
}  # fmt: skip
US_ONLY = {"phone_us", "ssn", "passport_us"}
UK_ONLY = {"phone_uk", "ni", "nhs", "iban", "passport_uk"}
SEVERAL_KINDS = {
    "ru": ["phone_ru", "phone_ru", "email", "snils", "card", "passport_ru", "inn"],
    "en": ["phone_us", "phone_uk", "email", "ssn", "card", "nhs", "passport_us", "passport_uk"],
}


# --------------------------------------------------------------------------------------------------
# negatives: the same patterns, with numbers that must stay only
# --------------------------------------------------------------------------------------------------


def neg_spoken(g: Gen) -> None:
    rng = g.rng
    a, b, yy = rd(rng, 2, "123456789"), rd(rng, 4), rng.choice(["23", "24", "25"])
    h = [rd(rng, 3, "1234567"), rd(rng, 2), rd(rng, 2)]
    if g.ru:
        g.a("Назовите номер договора, пожалуйста.")
        g.c(f"Номер договора: {g.K('contract', f'{a}, дробь, {b}, тире, {yy}')}, от {g.K('date')}.")
        g.a(
            f"Спасибо. Наш номер: {g.K('hotline', f'восемь, пробел, восемьсот, пробел, {h[0]}, тире, {h[1]}, тире, {h[2]}')}, звонок бесплатный."  # noqa: E501
        )
        o = f"{rd(rng, 4, '123456789')} тире {rd(rng, 4)}"
        g.c(f"И заказ ещё: {g.K('order', o)}, на сумму {g.K('amount')} рублей.")
    else:
        g.a("Can I have the order number?")
        o = f"{say_group(rd(rng, 3, '1'), 'en', rng, 'single')}, dash, {rd(rng, 7)}, dash, {rd(rng, 7)}"
        g.c(f"Sure, it's {g.K('order', o)}.")
        g.a(
            f"Thanks. For the future, our line is {g.K('hotline', f'one, dash, eight hundred, dash, {h[0]}, dash, {h[1]}{h[2]}')}."  # noqa: E501
        )
        g.c(f"And the invoice was {g.K('invoice', f'INV, dash, {rd(rng, 7)}')}, for {g.K('amount')}.")


def neg_shape(g: Gen) -> None:
    rng = g.rng
    o = rd(rng, 7, "123456789")
    if g.ru:
        g.a("Номер заказа подскажите?")
        shaped = rng.choice([f"{int(o):,}".replace(",", " "), ".".join([o[:2], o[2:4], o[4:6], o[6:]])])
        g.c(f"Да, пишите: {g.K('order', shaped)}.")
        t = rd(rng, 4, "1")
        g.a(
            f"Вижу. Номер обращения {g.K('ticket', f'{t[:2]}:{t[2:]}/{rd(rng, 3)}')}, сумма {g.K('amount')} рублей."  # noqa: E501
        )
        c = f"{rd(rng, 3, '1234')}.{rd(rng, 3)}.{rd(rng, 2)}"
        g.c(f"А договор у меня {g.K('contract', c)}.")
    else:
        g.a("What's the order number?")
        g.c(f"It's {g.K('order', f'{int(o):,}')}.")
        t = rd(rng, 4, "1")
        g.a(
            f"Okay. Your case number is {g.K('ticket', f'{t[:2]}.{t[2:]}.{rd(rng, 4)}')}, refund {g.K('amount')}."  # noqa: E501
        )
        c = f"{rd(rng, 2, '1')}/{rd(rng, 3)}/{rd(rng, 3)}"
        g.c(f"And the claim was {g.K('claim', c)}.")


def neg_gap(g: Gen) -> None:
    rng = g.rng
    a, b = rd(rng, 4, "1234"), rd(rng, 6)
    g.a(g.pick(["Назовите номер договора.", "Продиктуйте номер заказа."], ["What's the contract number?", "Can I get the order number?"]))  # fmt: skip  # noqa: E501
    kind = "contract" if rng.random() < 0.5 else "order"
    whole = f"{a}-{b}"
    piece1 = g.K(kind, a, whole)
    j = g.last_keep()
    g.c(g.pick([f"Сейчас... {piece1}..."], [f"Okay... {piece1}..."]))
    g.halluc()
    g.c(g.pick([f"Дальше {g.Kpiece(j, b)}."], [f"Then {g.Kpiece(j, b)}."]))
    g.a(g.pick([f"Так, вижу. Сумма {g.K('amount')} рублей, срок до {g.K('date')}."], [f"Okay, I see it. Amount {g.K('amount')}, due {g.K('date')}."]))  # fmt: skip  # noqa: E501


def neg_several(g: Gen) -> None:
    g.c(
        g.pick(
            [
                f"У меня два заказа: {g.K('order')} и {g.K('order')}, и трек-номера {g.K('tracking')} и {g.K('tracking')}."  # noqa: E501
            ],
            [
                f"I have two orders, {g.K('order')} and {g.K('order')}, tracking {g.K('tracking')} and {g.K('tracking')}."  # noqa: E501
            ],
        )
    )
    g.a(g.pick([f"Вижу оба. По первому возврат {g.K('amount')} рублей, по второму доставка {g.K('date')}."],
               [f"I see both. The first is refunded {g.K('amount')}, the second arrives {g.K('date')}."]))  # fmt: skip  # noqa: E501


def neg_summary(g: Gen) -> None:
    rng = g.rng
    frags = [fill(g, t) for t in rng.sample(SUM_BIZ_RU if g.ru else SUM_BIZ_EN, rng.randint(4, 6))]
    head = g.pick(["Итак, подытожу: "], ["Okay, so just to recap: "])
    g.a(head + ", ".join(frags) + fill(g, g.pick([". Горячая линия {hotline}. Всё верно?"], [". Our toll-free line is {hotline}. Is that right?"])))  # fmt: skip  # noqa: E501
    g.c(g.rng.choice(YES[g.lang]))


def neg_doc(g: Gen) -> None:
    K = g.K
    if g.ru:
        g.c(g.rng.choice([
            f"Читаю полис: «Страховой полис обязательного страхования гражданской ответственности владельцев транспортных средств», серия и номер {K('osago')}, срок страхования с {K('date')} по {K('date')}, страховая премия {K('amount')} рублей.",  # noqa: E501
            f"Вот карточка предприятия: ИНН {K('inn_company')}, КПП {K('kpp')}, ОГРН {K('ogrn')}, расчётный счёт {K('company_account')}, БИК {K('bik')}, корр. счёт {K('corr_account')}.",  # noqa: E501
            f"В счёте написано: «Счёт на оплату № {K('invoice')} от {K('date')}». Итого к оплате {K('amount')} рублей. Поставщик ИНН {K('inn_company')}, КПП {K('kpp')}.",  # noqa: E501
        ]))  # fmt: skip
    else:
        g.c(g.rng.choice([
            f"The invoice says: Invoice No. {K('invoice')}, date {K('date')}, amount due {K('amount')}, order reference {K('order')}.",  # noqa: E501
            f"The claim form says: claim number {K('claim')}, date of loss {K('date')}, policy number {K('osago')}, deductible {K('amount')}.",  # noqa: E501
        ]))  # fmt: skip
    g.a(g.rng.choice(OK_A[g.lang]))


NEG = {"spoken_punct": neg_spoken, "whisper_shape": neg_shape, "silence_gap": neg_gap, "several": neg_several,
       "summary": neg_summary, "doc_headings": neg_doc}  # fmt: skip


# --------------------------------------------------------------------------------------------------
# dialogues
# --------------------------------------------------------------------------------------------------


def build(cid: str, lang: str, negative: bool, pattern: str, rng: random.Random) -> Dialogue:
    g = Gen(lang, rng)
    industry = rng.choice(list(INDUSTRIES[lang]))
    g.a(INDUSTRIES[lang][industry].format(n=rng.choice(AGENTS[lang])))
    biz(g, "customer")
    if rng.random() < 0.6:
        biz(g, "agent")
    if negative:
        NEG[pattern](g)
        biz(g)
        NEG[rng.choice([p for p in PATTERNS if p != pattern])](g)
    elif pattern == "several":
        kind = rng.choice(SEVERAL_KINDS[lang])
        n = (
            3
            if kind in ("phone_ru", "phone_us", "phone_uk", "email", "snils", "nhs", "passport_us")
            and rng.random() < 0.35
            else 2
        )
        idxs = [g.secret(kind, pattern, work=(kind == "email" and j == 1)) for j in range(n)]
        scene_several(g, idxs)
        biz(g)
    else:
        pool = dict(KINDS[lang])
        if pattern == "whisper_shape":
            pool.pop("email")
        if lang == "en":  # an American or a British caller
            drop = UK_ONLY if rng.random() < 0.5 else US_ONLY
            pool = {k: v for k, v in pool.items() if k not in drop}
        n = rng.choices([1, 2, 3], [0.45, 0.35, 0.2])[0]
        kinds: list[str] = []
        while len(kinds) < n:
            k = rng.choices(list(pool), list(pool.values()))[0]
            if k not in kinds and not (k.startswith("phone") and any(x.startswith("phone") for x in kinds)):
                kinds.append(k)
        idxs = []
        for k in kinds:
            idxs.append(g.secret(k, pattern))
            if k == "card" and pattern != "summary" and rng.random() < 0.5:
                idxs.append(g.secret("cvv", pattern))
        if pattern == "summary":
            scene_summary(g, idxs)
        else:
            for i in idxs:
                SCENES[pattern](g, i)
                if g.secrets[i].kind != "card" and rng.random() < 0.6:
                    biz(g)
    if rng.random() < 0.5:
        g.a(
            fill(
                g,
                g.pick(
                    [
                        "Если будут вопросы, горячая линия {hotline}, звонок бесплатный.",
                        "Что-то ещё могу подсказать?",
                    ],
                    [
                        "If you have any questions, our toll-free line is {hotline}.",
                        "Anything else I can help with?",
                    ],
                ),
            )
        )
    g.c(rng.choice(THANKS[lang]))
    d = Dialogue(cid, lang, industry, negative, pattern, g.turns, g.secrets,
                 [k for k in g.keeps], [])  # fmt: skip
    for j, k in enumerate(d.keeps):
        k.segs = [n for n, (_, t, _) in enumerate(d.raw) if f"⟪{j}|" in t]
    placed = [k for k in d.keeps if k.segs]  # a template not chosen registered its keeps too
    d.neutral = [k for k in placed if k.neutral]
    d.keeps = [k for k in placed if not k.neutral]
    d.secret_segs = [[n for n, (_, t, _) in enumerate(d.raw) if f"⟦{i}|" in t] for i in range(len(d.secrets))]
    secret_digits = [s.digits for s in d.secrets]
    d.foreign = frozenset(
        v
        for k in d.keeps
        for kind, v in items(k.text)
        if kind == "num" and len(v) >= 3 and not any(v in sd for sd in secret_digits)
    )
    return d


VIEW_NAMES = [
    "stored",
    "stored/agent",
    "stored/customer",
    "stored/kept",
    "stored/kept/agent",
    "stored/kept/customer",
]


def views(turns: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    """The raw or hand-redacted dialogue as the stored views read it: all segments in order, each speaker's,
    and the segments that are speech (what the filter would keep)."""
    speech = [(r, t, x) for r, t, x in turns if not x.get("halluc")]
    return [
        *(
            " \n ".join(t for r, t, _ in ts if role in ("", r))
            for role in ("", "agent", "customer")
            for ts in [turns]
        ),
        *(
            " \n ".join(t for r, t, _ in ts if role in ("", r))
            for role in ("", "agent", "customer")
            for ts in [speech]
        ),
    ]


def leak_of(
    s: Secret, r: Reading, ambient: frozenset[str], foreign: frozenset[str]
) -> tuple[str, str] | None:
    """Where and what of the secret can still be read, or None."""
    if s.kind == "email":
        local = s.local()
        letters = re.sub(r"\d", "", local)
        for name, txt in zip(r.names, r.letters, strict=True):
            if local in txt:
                return name, local
            if len(letters) >= 6 and letters in txt:
                return name, letters
        return None
    ws = s.windows() - ambient
    for name, rows in zip(r.names, r.runs, strict=True):
        hit = found_windows(ws, rows, foreign)
        if hit:
            return name, sorted(hit)[0]
    return None


def _ambient(d: Dialogue) -> list[frozenset[str]]:
    red = reading(views(d.redacted()), VIEW_NAMES)
    out = []
    for s in d.secrets:
        if s.kind == "email":
            out.append(frozenset({"email"}) if leak_of(s, red, frozenset(), d.foreign) else frozenset())
        else:
            out.append(frozenset().union(*(found_windows(s.windows(), rows, d.foreign) for rows in red.runs)))
    return out


def problems(d: Dialogue) -> list[str]:
    out = []
    raw = reading(views(d.turns()), VIEW_NAMES)
    red_turns = d.redacted()
    red_all = views(red_turns)[3]
    for s, amb in zip(d.secrets, d.ambient, strict=True):
        if not s.valid():
            out.append(f"invalid {s.kind} {s.value}")
        if s.kind == "email" and amb:
            out.append(f"email readable after redaction {s.value}")
        if s.kind == "cvv" and amb:
            out.append(f"cvv ambient {s.value}")
        if len(amb) > len(s.windows()) // 2:
            out.append(f"ambient {s.kind} {sorted(amb)}")
        if leak_of(s, raw, amb, d.foreign) is None:
            out.append(f"not readable raw {s.kind} {s.value}")
    raw_turns = d.turns()
    for k in d.keeps:
        own_raw = " ".join(raw_turns[n][1] for n in k.segs)
        own_red = " ".join(red_turns[n][1] for n in k.segs)
        if not (readable(k.need, own_raw) and readable(k.need, own_red) and readable(k.need, red_all)):
            out.append(f"keep unreadable {k.kind} {k.text}")
        if k.kind in CHECKED and not all(valid_keep(n) for n in k.need):
            out.append(f"keep shaped like a secret {k.kind} {k.text}")
    return out


def dialogues() -> tuple[list[Dialogue], int]:
    """The probe's dialogues (drawn again while a draft has a problem) and how many drafts were drawn."""
    rng = random.Random(SEED)
    out: list[Dialogue] = []
    drafts = 0
    for lang in ("ru", "en"):
        plan = [(p, False) for p in PATTERNS for _ in range((N_DIALOGUES - N_NEGATIVE) // 12)]
        plan += [(p, True) for p in PATTERNS for _ in range(N_NEGATIVE // 12)]
        for n, (pattern, negative) in enumerate(plan):
            for _ in range(50):
                drafts += 1
                d = build(f"p14-{lang}-{n:03d}", lang, negative, pattern, rng)
                d.ambient = _ambient(d)
                if not problems(d):
                    break
            else:
                raise AssertionError((d.cid, problems(d)))
            out.append(d)
    return out, drafts


# --------------------------------------------------------------------------------------------------
# self-check, the pipeline, the measures
# --------------------------------------------------------------------------------------------------


def self_check() -> dict[str, int]:
    """Every secret valid for its type and readable in the raw turns; no secret readable after perfect
    redaction (but for counted coincidences); every must-stay number readable raw and after perfect
    redaction; negatives carry no secret."""
    ds, _ = dialogues()
    for d in ds:
        assert not problems(d), (d.cid, problems(d))
        assert not (d.negative and d.secrets), d.cid
        assert d.negative or d.secrets, d.cid
        raw = reading(views(d.turns()), VIEW_NAMES)
        red = reading(views(d.redacted()), VIEW_NAMES)
        for s, amb in zip(d.secrets, d.ambient, strict=True):
            assert s.valid(), (d.cid, s)
            assert leak_of(s, raw, amb, d.foreign) is not None, (d.cid, s)
            assert leak_of(s, red, amb, d.foreign) is None, (d.cid, s)
        red_turns = d.redacted()
        for k in [*d.keeps, *d.neutral]:
            assert readable(k.need, " ".join(d.turns()[n][1] for n in k.segs)), (d.cid, k)
            assert readable(k.need, " ".join(red_turns[n][1] for n in k.segs)), (d.cid, k)
            if k.kind in CHECKED:
                assert all(valid_keep(n) for n in k.need), (d.cid, k)
    return {
        "cases": len(ds),
        "secrets": sum(len(d.secrets) for d in ds),
        "keeps": sum(len(d.keeps) for d in ds),
        "negatives": sum(d.negative for d in ds),
    }


def run_pipeline(d: Dialogue, counter: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """The stored segments (kept and dropped, in time order), the kept ones, and the LLM text."""
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    transcript = make_transcript_from_turns(d.cid, d.turns(), d.lang)
    filtered = filter_transcript(transcript)
    compressed = compress(filtered, counter, "probe14")
    kept = list(filtered["transcript"]["segments"])
    stored = kept + list(filtered["transcript"].get("dropped_segments") or [])
    stored.sort(key=lambda s: (s.get("start", 0.0), s.get("index", 0)))
    kept.sort(key=lambda s: (s.get("start", 0.0), s.get("index", 0)))
    return stored, kept, compressed["text"]


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


def _short(t: str, n: int = 300) -> str:
    t = " ".join(t.split())
    return t if len(t) <= n else t[: n - 3] + "..."


def evaluate() -> dict[str, Any]:
    from ml.tokenizer import TokenCounter

    counter = TokenCounter()
    ds, _ = dialogues()
    started = time.monotonic()
    per_type: dict[str, dict[str, int]] = defaultdict(lambda: {"secrets": 0, "leaked": 0})
    per_pattern: dict[str, dict[str, int]] = defaultdict(lambda: {"secrets": 0, "leaked": 0})
    per_kind_keep: dict[str, dict[str, int]] = defaultdict(lambda: {"keeps": 0, "lost": 0})
    neutral_gone: Counter[str] = Counter()
    neutral_all: Counter[str] = Counter()
    where_leaked: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    lost_examples: list[str] = []
    touched_examples: list[str] = []
    leaked = lost = lost_llm_only = touched = 0
    names = [*VIEW_NAMES, "llm", "llm/agent", "llm/customer"]
    for d in ds:
        stored, kept, llm = run_pipeline(d, counter)
        by_index = {s["index"]: s for s in stored}
        lines = llm_lines(llm)
        seg = [(s["role"], s["text"] or "", {}) for s in stored]
        kept_v = [(s["role"], s["text"] or "", {}) for s in kept]
        texts = [
            *views(seg)[:3],
            *views(kept_v)[:3],
            llm,
            *(" ".join(t for r, t in lines if r == role) for role in ("agent", "customer")),
        ]
        r = reading(texts, names)
        r_stored = Reading(r.names[:6], r.runs[:6], r.letters[:6])
        r_llm = Reading(r.names[6:], r.runs[6:], r.letters[6:])
        raw = d.turns()
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
            in_stored = leak_of(s, r_stored, d.ambient[i], d.foreign) is not None
            in_llm = leak_of(s, r_llm, d.ambient[i], d.foreign) is not None
            where_leaked["both" if in_stored and in_llm else "stored only" if in_stored else "llm only"] += 1
            if len(examples[key_p]) < 6:
                said = " / ".join(raw[j][1] for j in d.secret_segs[i])
                got = " / ".join((by_index.get(j) or {}).get("text", "") or "" for j in d.secret_segs[i])
                examples[key_p].append(
                    f"{d.cid} {s.kind} {s.value!r} read {hit[1]!r} in {hit[0]}\n"
                    f"          said:   {_short(said)}\n          stored: {_short(got)}"
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
                line = own
                if in_segs:
                    line = next((t for _, t in lines if any(c in t for c in k.need[0][:3])), llm)
                lost_examples.append(f"{d.cid} {k.kind} {k.text!r} ({where}): {_short(line, 240)}")
        for k in d.neutral:
            neutral_all[k.kind] += 1
            own = " ".join((by_index.get(j) or {}).get("text", "") or "" for j in k.segs)
            if not readable(k.need, own):
                neutral_gone[k.kind] += 1
        if d.negative and (any(_PLACEHOLDER.search(t) for _, t, _ in seg) or _PLACEHOLDER.search(llm)):
            touched += 1
            hits = [t for _, t, _ in seg if _PLACEHOLDER.search(t)] or [
                t for _, t in lines if _PLACEHOLDER.search(t)
            ]
            if len(touched_examples) < 20:
                touched_examples.append(f"{d.cid} {d.pattern}: {_short(hits[0], 240)}")
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
        "neutral_redacted": {k: f"{neutral_gone[k]}/{v}" for k, v in neutral_all.items()},
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
        f"probe 14: {result['cases']} dialogues, {result['secrets']} secrets, {result['keeps']} numbers that "
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
        for ex in result["examples"].get(k, [])[:6]:
            print(f"      {ex}")
    print(f"where readable: {result.get('where_leaked', {})}")
    print(
        f"must-stay numbers lost {result['lost']}/{result['keeps']} = {result.get('lost_rate', 0):.1%} "
        f"({result.get('lost_llm_only', 0)} in the LLM text only)"
    )
    for k, v in sorted(result["lost_per_kind"].items(), key=lambda kv: -kv[1]["lost"]):
        print(f"  {k:14} {v['lost']}/{v['keeps']}")
    for ex in result["lost_examples"][:25]:
        print(f"      {ex}")
    print(f"negative dialogues touched {result['negatives_touched']}/{result['negatives']}")
    for ex in result.get("touched_examples", [])[:12]:
        print(f"      {ex}")
    print(f"neutral (policy silent, not counted) redacted: {result.get('neutral_redacted', {})}")


if __name__ == "__main__":
    print(self_check())
    report(evaluate())
    sys.exit(0)
