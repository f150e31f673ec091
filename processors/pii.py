"""PII redaction: phone, card, e-mail and ID numbers never reach the LLM or ClickHouse as text.

Names, dates of birth, street addresses, PINs and passwords are not redacted (docs/security.md
says where they live and how to protect them; docs/pii.md lists the known gaps).

Replaced by typed placeholders so the dialogue stays readable ("my card is [CARD]"):

- ``[EMAIL]``: e-mail addresses, also as ASR writes them spoken: a local part of up to six words
  or spelled letters ("ivan petrov", "i v a n", "ivan underscore petrov 85", "иван нижнее
  подчёркивание петров"), "at"/"at sign"/"собака"/"собачка" (or "@"; any case, commas around),
  and a domain that ends in a dot (said or written) and a known top-level domain, or in any two
  letters after a said "dot"; a mail provider needs no dot ("gmail com", "мейл ру"), one that is
  only mail not even a top-level domain ("at gmail"). The word right before "at" is not one that
  comes before "at" in plain speech ("look at google dot com", "the phone at amazon dot com");
- ``[CARD]``: 13-19 digits that pass the Luhn check, so an order number of the same length is not
  mistaken for a card (right after a word naming a card, 15-19 digits in a card's groups whatever their
  check: a digit misheard, see :func:`names_card_before`), in a row or grouped as cards are read:
  4-4-4-4, 4-6-5, 4-4-4-4-3 (also over the comma-separated parts: "42 76, 3800, 12 34, 56 79"),
  digit by digit, Whisper's thousands commas (``4,111,111,111,111,111``), in pairs after the word
  card/карта; digits after it (an expiry date) stay;
- ``[ID]``: US SSN ``123-45-6789`` / ``123 45 6789`` / ``123.45.6789`` (any grouping after SSN or
  social), Russian SNILS ``123-456-789 01`` / ``123 456 789 01`` (other separators, any grouping
  after СНИЛС, or 11 digits in a row: with a valid checksum), Russian passport ``4510 123456``
  (series + number, ``серия 45 10, номер 123 456``, or 10 digits grouped anyhow after паспорт), a
  foreign (RU) or US passport (9 digits after паспорт/загран/passport), a person's 12-digit INN after
  its word (or, checksum-valid, in a row or answering a question that names it; a company's 10-digit
  INN is no personal data and stays), a UK National Insurance number by its shape (``NP 82 93 14 D``,
  letters spelled), a Russian bank account of a person (20 digits from 408/423, however grouped), an
  IBAN (``GB22 MIDL 1432 2243 3659 50``, also spelled; by its country's length and mod-97 check), and
  6-20 digits (letters run into them too: ``W365 182 370``) after a word naming an identity number
  with no shape of its own: driver's licence / водительское удостоверение / права / ВУ, NHS number,
  National Insurance number, insurance policy / member ID, полис (ОМС, ДМС; not a car's ОСАГО, КАСКО:
  a contract), bank account. Those words, said by the other speaker as a request just before
  (``asked``, :func:`asked_id`), speak for the digits the same way; so does an agent reading the
  customer's record ("I have 953 466 040 on file", "Вижу в анкете ...") for 9-20 digits no phone's;
- ``[PHONE]``: Russian ``+7 / 7 / 8 (916) 123-45-67``, without the prefix when grouped
  ``916 123-45-67`` (also Kazakh 7xx) or a 10-digit mobile ``9161234567``, North American
  ``+1 (415) 555-0134`` / ``415-555-0134`` / ``4155550134`` (a valid area code and exchange), any
  international number after ``+``/"plus"/"плюс"/``00``/``8 10``, a local 7-digit number after
  a phone word ("городской 123-45-67", "call 555-0134"), and a Russian or North American number
  dictated as ASR writes speech: groups between spaces, commas, pause dots (``8.916.123.45.67``,
  ``415... 555... 0134``), dashes, a slash or brackets, with "oh" for zero, "double five", a lone
  "one"/"один" left in words. Such a run is a phone when its groups are mostly single digits or a
  phone's grouping (3-3-4, 3-3-2-2, also over the comma-separated parts: "9 16, 1 23, 45, 67"), or
  grouped anyhow right after a phone word (номер, телефон, записывайте, number, call, ...).

Not redacted: lists of prices, dates and decimals ("9.5, 8.5"), counting ("1 2 3 ... 10", "10,
20, 30, 40"), years; digits right after an order/contract/INN/account/tracking/rating word ("номер
заказа 9123456789", "Order number 9161234567", "Оценки 5 4 5 ...") or before a unit ("415 555 1340
units", "9161234567 рублей"); after an order, tracking, contract, claim ... word they are never a
card, phone or ID, whatever their shape ("Трек-номер 87179673490254"). Order matters: cards and
IDs are tried before phones (a spaced passport looks like digits a phone could start with). Money
is never touched: every pattern needs at least 8 digits in a phone, card or ID shape (7 after a
phone word, 6 after an identity word, not with a currency sign or a unit). Counts by placeholder
type are returned so each stage can record what it redacted.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, pairwise

from processors.numbers import DIGIT_NOUNS, NUMBER_WORD, NUMBER_WORDS

PLACEHOLDERS = ("EMAIL", "CARD", "ID", "PHONE")
PLACEHOLDER_RE = re.compile(r"\[(EMAIL|CARD|ID|PHONE)\]")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}\b")
# _CARD and _ID start with the digit and check what precedes it after it (``(?<![\d-]\d)`` there is
# ``(?<![\d-])`` before the digit): a pattern that starts with a character class lets the regex
# engine skip to the next digit instead of trying the pattern at every position (3-6x faster). The
# patterns that start otherwise open with a lookahead of their first characters for the same reason.
_CARD = re.compile(r"\d(?<![\d-]\d)(?:[ -]?\d){12,18}(?![\d-])")
_ID = re.compile(
    r"\d(?<![\d-]\d)(?:\d{2}-\d{2}-\d{4}"  # US SSN
    r"|\d{2}-\d{3}-\d{3}[ -]\d{2}"  # SNILS
    r"|\d ?\d{2} \d{6})(?![\d-])"  # RU passport series + number
)
#: The spaced forms _ID lacks; its own pattern stays as it is (a test holds it to its plain form).
_ID_SPACED = re.compile(
    r"\d(?<![\d-]\d)(?:\d{2} \d{3} \d{3} \d{2}"  # SNILS 123 456 789 01
    r"|\d{2} \d{2} \d{4})(?![\d-]| \d)"  # US SSN 123 45 6789 (not the middle of a list of numbers)
)
#: 10 digits right after the word passport/паспорт (the prefix is kept).
_ID_WORD = re.compile(
    r"(?=[пp])((?:паспорт\w*|passport)(?:\s*(?:№|#|no\.?|number|номер|серия|series))?[\s:]*)"
    r"\d{2}[\s-]?\d{2}[\s,.]*(?:(?:№|#|номер|number|no\.?)[\s,:]*)?\d(?:[\s-]?\d){5}(?!\d)",
    re.I,
)
#: Passport series and number as said: "серия 45 10 номер 123456", "Серия 45 10. Номер 123 456"
#: (the word серия is kept).
_ID_SERIES = re.compile(
    r"(?=[сs])((?:сери[яиюей]|series)\s*)\d{2}[\s-]?\d{2}[\s,.]*(?:(?:номер|№|number)\s*)?\d(?:[\s,.-]{0,2}\d){5}(?!\d)",
    re.I,
)
#: A passport's parts as said, in any grouping and order ("Серия 4 2 1 1, номер 2 4 5 6 2 4",
#: "Номер паспорта 280251, серия 1504", "серия 16 04, номер 626 608"): the series (4 digits) after
#: its word, the number (6 digits) after "номер"/"№"; each redacted (the word kept), one ID for both.
_SERIES_PART = re.compile(
    r"(?=[сsСS])((?:сери[яиюей]|series)[\s:№,-]*)\d(?:[\s,-]{0,2}\d){3}(?![\s,-]{0,2}\d)", re.I
)
_NUMBER_PART = re.compile(
    r"((?:номер(?:\s+паспорта)?|№|number)[\s:№,-]*)\d(?:[\s,-]{0,2}\d){5}(?![\s,-]{0,2}\d)", re.I
)
#: "22 12 № 423822": series and number around "№", after the word passport somewhere in the text.
#: A foreign (RU) passport: a 2-digit series and 7 digits ("72 № 6391811").
_SERIES_NUMBER = re.compile(
    r"\d(?<![\d-]\d)\d(?:[\s-]?\d{2}\s*№\s*\d(?:[\s-]?\d){5}|\s*№\s*\d(?:[\s-]?\d){6})(?![\d])"
)
_PASSPORT_WORD = re.compile(r"паспорт|passport", re.I)
#: SNILS written without separators: 11 digits, redacted only with a valid checksum (see snils_ok).
_ID_11 = re.compile(r"\d(?<![\d-]\d)\d{10}(?![\d-])")
#: Every _ID_WORD match holds ten digits in a row: texts without are skipped (a much faster scan).
_TEN_DIGITS = re.compile(r"\d{10}")
#: A person's INN written without separators: 12 digits, redacted only with a valid checksum.
_ID_12 = re.compile(r"\d(?<![\d-]\d)\d{11}(?![\d-])")
#: A Russian bank account of a person: 20 digits from 408 (current accounts of individuals) or 423
#: (their deposits), grouped anyhow (see _personal_account); a company's (407...) is no personal data.
_ACCOUNT = re.compile(r"4(?<!\d4)(?:[\s,.-]{0,2}\d){19}(?![\s,.-]{0,2}\d)")
#: An "oh" or "o" read for a zero: the cheap gate for :data:`_NI` in a text of fewer than six digits.
_OH_HINTS = (" oh", " Oh", " OH", " o ", " o,", " O ", " O,")


def _any_of(hints: tuple[str, ...]) -> re.Pattern[str]:
    """Whether a text holds any of the substrings ``hints``, in one scan: an alternation of literals,
    which the regex engine skips along on their first characters, costs half of one ``in`` test
    per hint (``any(map(text.__contains__, hints))`` is a call from C into Python for each)."""
    return re.compile("|".join(map(re.escape, hints)))


_OH_HINT = _any_of(_OH_HINTS)
_FIVE_DIGITS = re.compile(r"\d(?:\D*+\d){4}")
#: A UK National Insurance number: two capital letters, six digits (in pairs or not), a letter A-D
#: ("NP 82 93 14 D", "QQ604980 C", "A B 06, 19, 18 C", "S K, 0 5, 4 0, 6 4, B").
_NI_DIGIT = r"(?:\d|(?<![^\W\d_])oh?(?![^\W\d_]))"  # "oh" for zero, as a number read out says it
_NI = re.compile(
    rf"(?<![^\W\d_])[A-Z][\s,.-]{{0,2}}[A-Z][\s,.-]{{0,3}}{_NI_DIGIT}(?:[\s,.-]{{0,3}}{_NI_DIGIT}){{5}}[\s,.-]{{0,3}}[A-D]"
    r"(?![^\W\d_])"
)
#: IBAN lengths by country (ISO 13616 registry, the countries callers of a European or CIS contact
#: centre bank with): with the mod-97 check, what tells an IBAN from capitals and digits in a row.
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "AZ": 28, "BE": 16, "BG": 22, "BY": 28, "CH": 21, "CY": 28, "CZ": 24,
    "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GE": 22, "GR": 27, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "KZ": 20, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "MC": 27, "MD": 24, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SA": 24, "SE": 24,
    "SI": 19, "SK": 24, "TR": 26, "UA": 29,
}  # fmt: skip
#: The countries whose IBANs are read (see :data:`_IBAN_LENGTHS`).
IBAN_COUNTRIES = frozenset(_IBAN_LENGTHS)
#: A digit of an IBAN read out as a word ("... 7819 oh one oh four 15").
_IBAN_WORDS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
               "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}  # fmt: skip
_IBAN_WORD = rf"(?<![^\W\d_])(?:{'|'.join(sorted(_IBAN_WORDS, key=len, reverse=True))})(?![^\W\d_])"
_IBAN_DIGIT = rf"(?:\d|{_IBAN_WORD})"
_IBAN_CHAR = rf"(?:[A-Z]|{_IBAN_DIGIT})"
#: An IBAN as written ("GB22 MIDL 1432 2243 3659 50") or spelled out and read as digits ("I E 7 0, A I
#: B K, 2 2 2 6, ..."): country letters, check digits ("D E, oh five, ..."), then letters and digits
#: in any grouping.
_IBAN = re.compile(
    rf"(?<![^\W_])[A-Z][\s,.-]{{0,2}}[A-Z][\s,.-]{{0,2}}{_IBAN_DIGIT}[\s,.-]{{0,2}}{_IBAN_DIGIT}"
    rf"(?:[\s,.…-]{{0,4}}{_IBAN_CHAR}){{11,30}}"
)
#: A capital O is a letter (RABO); "o"/"oh" read out a zero, and the other digit words their digits.
_IBAN_UNIT = re.compile(rf"{_IBAN_WORD}|[A-Z0-9]")


def _iban_end(candidate: str) -> int | None:
    """Where in ``candidate`` (an :data:`_IBAN` match) a valid IBAN ends, or None: its country's
    length in letters and digits, and the ISO 7064 mod-97 check."""
    units = list(_IBAN_UNIT.finditer(candidate))
    length = _IBAN_LENGTHS.get("".join(m.group() for m in units[:2]))
    if length is None or len(units) < length:
        return None
    chars = "".join(_IBAN_WORDS.get(m.group(), m.group()) for m in units[:length])
    if not _mod97(chars):
        # the bank code's letters heard in the wrong place among digits still in order ("GB 2960 NWBK
        # 1613 ..." of GB29 NWBK 6016 1331 ...): they follow the check digits, as in every IBAN with
        # letters
        body = chars[2:]
        letters = "".join(c for c in body if c.isalpha())
        digits = "".join(c for c in body if c.isdigit())
        if not letters or len(digits) < 2 or not _mod97(chars[:2] + digits[:2] + letters + digits[2:]):
            return None
    return units[length - 1].end()


def _mod97(iban: str) -> bool:
    """The ISO 7064 mod-97 check of an IBAN's letters and digits."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def redact_ibans(text: str) -> tuple[str, int]:
    """``text`` with every IBAN (see :data:`_IBAN`) as ``[ID]`` (a person's bank account), and how
    many."""
    found = 0
    out, done = [], 0
    for m in _IBAN.finditer(text):
        if m.start() < done:
            continue
        end = _iban_end(m.group())
        if end is None:
            continue
        out += (text[done : m.start()], "[ID]")
        done = m.start() + end
        found += 1
    if not found:
        return text, 0
    out.append(text[done:])
    return "".join(out), found


#: A UK (DVLA) driving licence number by its shape: 5 of the surname (9s pad a short one), 6 digits of
#: the birth date, 2 initials (9 pads), a digit and 2 check characters: "MORGA284838SM9IJ".
_DVLA = re.compile(r"(?<![\w-])[A-Z][A-Z9]{4}[\s-]?\d{6}[\s-]?[A-Z][A-Z9]\s?\d[A-Z0-9]{2}(?![\w-])")
#: A Russian birth certificate by its shape: a Roman numeral, two Cyrillic capitals, six digits ("II-ЖР
#: 604213", "XI АБ № 030517"): an identity document of a child, no reference has that series.
_BIRTH_CERT = re.compile(
    r"(?<![\w-])(?:X{0,2}(?:IX|IV|V?I{0,3})|[ХX]{1,2})(?<=[IVXХ])[\s-]?[А-ЯЁ]{2}[\s-]*(?:№\s*)?\d{6}(?!\d)"
)
#: A Russian driver's licence of the old form by its shape: a region's two digits, two Cyrillic capitals
#: of the ones alike in Latin, six digits ("77 ТО 035118", "39, Н Р, 204 611"), each letter perhaps
#: spelled with a name ("Р как Роман"): a person's document; an ОСАГО policy has three letters, ten digits.
_RU_LICENCE_LETTER = r"[АВЕКМНОРСТУХ](?:\s+как\s+[А-ЯЁ][а-яё]+)?"
_RU_LICENCE = re.compile(
    rf"(?<![\w-])\d[\s,.-]{{0,2}}\d[\s,.…-]{{0,4}}{_RU_LICENCE_LETTER}[\s,.…-]{{0,3}}{_RU_LICENCE_LETTER}"
    r"[\s,.…-]{0,4}(?:№\s*)?\d(?:[\s,.-]{0,2}\d){5}(?![\s,.-]{0,2}\d)"
)
#: A US passport of the new kind said with a pause after its letter ("F 5484... 0606", "H 15, 95, 68
#: 0 9"): a capital alone, eight digits (read only after the passport's word or request).
_LETTER_EIGHT = re.compile(r"(?<![^\W\d_])[A-Z][\s,.…-]{1,5}\d(?:[\s,.…-]{0,5}\d){7}(?![\s,.…-]{0,5}\d)")
#: Digits of an identity number after its word or request, letters run into them too ("W365 182
#: 370", "AUT-2412 5113 07"), or in one group of 6-8 (the runs below take 9 or more): redacted with
#: the letters (see _ident for what digits each kind takes).
_NAMED_ID = re.compile(
    r"(?:(?<![^\W\d_])[A-Z]{1,3}-?|(?<![^\W_]))\d(?:[\s-]?\d){5,19}(?![\s,.-]{0,3}\d)(?!-?[^\W\d_])"
)


def _personal_account(m: re.Match[str]) -> bool:
    """An _ACCOUNT match whose digits start 408/423 and are no part of a longer number."""
    digits = re.sub(r"\D", "", m.group())
    return (
        digits.startswith(("408", "423"))
        and _DIGIT_BEFORE.search(m.string, max(0, m.start() - 3), m.start()) is None
    )


_PHONE = re.compile(
    r"(?=[\d(+])(?<![\w+])(?:"
    r"(?:\+?7|8)[\s-]?\(?\d{3}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}"  # Russian
    # Russian (and Kazakh 7xx) without +7/8: a geographic (3xx, 4xx, 8xx) or mobile (9xx) code
    # grouped 3-3-2-2, or a mobile number in a row
    r"|\(?[34789]\d{2}\)?[\s-]?\d{3}[\s-]\d{2}[\s-]\d{2}|9\d{9}"
    r"|(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}"  # North American, separated
    # North American in a row: area code and exchange never start with 0 or 1 (not "1234567890")
    r"|[2-9]\d{2}[2-9]\d{6}"
    r"|\+\d(?:[\s().-]?\d){7,14}"  # any international
    r")(?![\d-])"
)
#: A Russian number said in two parts, its code first and the rest after "дальше"/"потом"/"then"
#: ("начинается с 8 950, дальше 313 90 96", case forms read as "с 8950"): one phone. The rest must be
#: exactly 7 digits, so a code and a count ("8 950, потом 12") never join.
_PHONE_THEN = re.compile(
    r"(?<![\w+])[78][\s-]?\(?[3489]\d{2}\)?,?\s+(?:а\s+|и\s+|and\s+)?(?:дальше|потом|затем|then)[,:]?\s+"
    r"\d(?:[\s,.-]{0,3}\d){6}(?![\d]|[\s,.-]{1,3}\d)",
    re.I,
)
_THEN_HINTS = ("дальш", "потом", "затем", "then")


#: Every card, ID and phone pattern needs at least 8 digits, a local phone after a phone word 7, a
#: National Insurance number or an identity number after its word 6: texts with fewer skip them; the
#: groups tell whether there is a 7th and an 8th. Not 8 in a row: a card read out digit by digit ("4
#: 1 1 1 ...") has no two. ``\D*+`` is possessive: giving back a non-digit never lets ``\d`` match,
#: so the engine need not try.
_SIX_DIGITS = re.compile(r"\d(?:\D*+\d){5}(\D*+\d)?(\D*+\d)?")

# --- numbers as ASR writes them said: a run of digit groups ------------------------------------------
#: What may stand between two groups: spaces, commas, Whisper's pause dots and ellipses, dashes,
#: slashes, brackets ("8 (9 1 6) 1 2 3", "415... 555... 0134", "4,111,111,...").
_SEP_CHARS = r"\s.,/()\-–—‑…"
#: A group: digits, or (inside a run only) a digit said as a word that number normalisation leaves
#: alone: "oh"/"o" for zero, a lone "one"/"один"/"одна"; "double 5", "triple 5" in English dictation.
_WORD_DIGIT = r"(?:oh?|one|один|одна)(?![^\W\d_])"
_ITEM = rf"(?:(?i:(?:double|triple)\s+)?(?:\d+|(?i:{_WORD_DIGIT})\d*))"
#: A digit said as a word and then more digits: a number goes on ("2 9 0 2 8 4 oh 3 7 7 8 0").
_WORD_DIGIT_AFTER = re.compile(rf"[\s,.-]{{1,3}}(?i:{_WORD_DIGIT})[\s,.-]{{0,3}}\d")
#: Digits and then a digit said as a word right before a group ("4 oh 3 4 9 ..."): the group goes on a number.
_WORD_DIGIT_BEFORE = re.compile(rf"\d[\s,.-]{{1,3}}(?i:{_WORD_DIGIT})[\s,.-]{{1,3}}$")
#: A run of groups that starts with a digit (so the engine skips to digits), or one group of 9+.
_RUN = re.compile(rf"\d(?<![^\W_]\d)\d*+(?:(?:[{_SEP_CHARS}]{{1,6}}+{_ITEM})++|(?<=\d{{9}}))")
#: What may lead a run: a plus, zeros or ones said as words, "double", an opening bracket.
_LEAD = re.compile(
    rf"(?:(?<![^\W\d_])(?:plus|плюс)\s*|\+\s*)?"
    rf"(?:(?<![^\W\d_]){_WORD_DIGIT}[{_SEP_CHARS}]{{1,6}})*"
    rf"(?:(?<![^\W\d_])(?:double|triple)\s+)?(?:\(\s*)?$",
    re.I,
)
_TOKEN = re.compile(
    rf"(?P<plus>\+|plus|плюс)|(?:(?P<mult>double|triple)\s+)?(?:(?P<d>\d+)|(?P<w>{_WORD_DIGIT})(?P<wd>\d*))",
    re.I,
)
_WORD_VALUE = {"o": "0", "oh": "0", "one": "1", "один": "1", "одна": "1"}
#: Digit groups as a number read out says them, "oh" and "double 5" too (a run's groups, any words
#: around): what is said again of a number is looked for with it (see :func:`said_digits`).
SAID_RUN = re.compile(rf"(?<![^\W_]){_ITEM}(?:[{_SEP_CHARS}]{{1,3}}{_ITEM})*")


def said_digits(text: str) -> str:
    """The digits of ``text`` as a number read out says them: "oh"/"o" and a lone "one"/"один" are
    digits, "double 5" is 55 ("five double oh seven" is 5007)."""
    out = []
    for t in _TOKEN.finditer(text):
        if t.group("plus") is not None:
            continue
        digits = t.group("d") or _WORD_VALUE[t.group("w").lower()] + t.group("wd")
        if (mult := t.group("mult")) is not None:
            digits = digits[0] * (2 if mult.lower() == "double" else 3) + digits[1:]
        out.append(digits)
    return "".join(out)


#: Group sizes of a phone said in groups: 415 555 0134, 916 123 45 67, with the 7/8/1 prefix.
_PHONE_GROUPS = frozenset(
    {(3, 3, 4), (3, 3, 2, 2), (1, 3, 3, 4), (1, 3, 3, 2, 2), (3, 7), (1, 3, 7), (4, 3, 2, 2)}
)
#: A local number (7 digits) as said: 123-45-67, 555-0134.
_LOCAL_GROUPS = frozenset({(3, 2, 2), (3, 4)})
#: A Russian (or Kazakh 7xx) number (7/8 + the code, or the code alone) or a North American one
#: (area code and exchange never start with 0 or 1) with or without its 1.
_DICTATED_DIGITS = re.compile(r"[78]?[34789]\d{9}|1?[2-9]\d{2}[2-9]\d{6}")
#: A North American number's ten digits (area code and exchange never start with 0 or 1).
_NANP = re.compile(r"[2-9]\d{2}[2-9]\d{6}")
#: Card groupings as read out (13-19 digits): in fours, Amex 4-6-5, or in pairs ("forty-one eleven ...").
_CARD_GROUPS = frozenset({(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (2,) * 8})
#: The word said last before a number tells what it is; "номер"/"number" only when nothing else does.
#: Words that ask to write down what follows: a phone unless a word before them says what it is
#: ("Продиктуйте номер карты." / "Пишите: 4532, 4605, ...").
_DICTATE_WORDS = r"записывайте|запишите|пишите"
#: Words that announce a phone number.
_PHONE_WORDS = (
    rf"телефон|мобильн|сотов|домашн|(?:по)?звон(?:ит|ите|ить|им|ю)\b|набирайте|{_DICTATE_WORDS}|phone|"
    r"cell|mobile|call\b|callback|перезвон|reach\s+(?:me|you|us)\b|text\s+(?:me|you|the\s+code|it)\b|городск|whatsapp|ватсап|вотсап|"
    # a question how to reach the other: "How can we reach you?", "Как с вами связаться?"
    r"contact\s+(?:me|you)\b|get\s+in\s+touch|связаться|\[phone\]|"
    # a robot reading the caller's line off the network: "We see you're calling from 0 7551 925410"
    r"calling\s+from"
)
_PHONE_WORD = re.compile(rf"(?<![^\W\d_])(?:{_PHONE_WORDS})", re.I)
_DICTATE_WORD = re.compile(_DICTATE_WORDS, re.I)
#: Words naming a person's identity number that has no shape of its own: any 6-20 digits after one
#: are that number (a driver's licence, NHS and National Insurance numbers, a health-insurance policy
#: or member ID, a bank account of a person).
_IDENT_WORDS = (
    r"driv(?:er'?s?|ing)\s+licen[cs]e|licen[cs]e\s+(?:number|no\b|#)|nhs\s+(?:number|no\b|#)|"
    # "DL" before a letter or a number word ("DL F 475 ..."), not Delta's code before a flight or a tag
    r"(?-i:DL)(?=[\s:#]+(?:(?-i:[A-Z])(?![^\W\d_])|number|no\b|#))|"
    # "the number on your license"
    r"(?<=number\son\syour\s)licen[cs]e|(?<=number\son\sthe\s)licen[cs]e|"
    # "my license is 657-212-410"
    r"(?<=my\s)licen[cs]e(?=\s+is\b)|"
    r"national\s+insurance\s+(?:number|no\b|#)|ni\s+number|(?:insurance\s+)?policy\s+(?:number|no\b|#|id\b)|"
    r"member\s+(?:id|number|no)\b|insurance\s+(?:id|number)\b|subscriber\s+id\b|bank\s+account|"
    # a car's insurance (ОСАГО, КАСКО) is the car's contract, a reference
    r"водительск|удостоверени|ву\b|права\b|(?<=номер\s)прав\b|полис\w*+(?!\s+(?:осаго|каско))|омс\b|дмс\b|"
    # a child's birth certificate: an identity document ("свидетельство о рождении сына")
    r"свидетельств\w*\s+о\s+рождени\w*|birth\s+certificate"
)
_SERIAL_OF_DEVICE = (
    r"серийн\w*\s+номер\w*\s+(?:телефона|смартфона|устройства|аппарата|планшета)|"
    r"serial\s+number\s+(?:on|of)\s+the\s+(?:box|back|phone|device|label|unit)"
)
#: Words after which digits are a reference, not a person's identity number: "the claim number under
#: your policy", "полис, номер договора ...". They end what an identity word said before them named.
_NOT_IDENT_WORDS = (
    r"заказ|order|договор|contract|agreement|invoice|tracking|трек|накладн|ticket|тикет|заявк|claim|case\b|"
    r"обращени|confirmation|reference|transaction|транзакц|квитанц|receipt|артикул|sku\b|serial|"
    # the serial of a phone is the device's ("Серийный номер телефона на коробке 35 317609 679933 4")
    rf"{_SERIAL_OF_DEVICE}|серийн|"
    # an invoice to pay is a company's document, no account of a person
    r"сч[её]т\w*\s+на\s+оплату|"
    # an application (Госуслуги), an e-ticket, an insurance claim: references too (not a booking:
    # "your passport number for the booking" asks for the passport)
    r"заявлени|application|билет|убыт|осаго|каско|"
    # a booking named with its number sign or word ("бронь № ...", "booking number ..."), after an
    # identity number read from the same paper: the booking's, not the passport's
    r"брон[ьиеюя]?(?=\s*(?:№|#|номер\b))|(?<=номер\s)брон\w*|booking\s+(?:number|no\b|#|reference|code)|"
    r"reservation\s+(?:number|no\b|#|code)|"
    # an appointment the same way ("запись № 1813364", "номер записи ...")
    r"запис[ьи](?=\s*(?:№|#|номер\b))|(?<=номер\s)записи|appointment\s+(?:number|no\b|#)|"
    # a company's registration numbers: never a card, phone or a person's number
    r"огрн|ogrn|кпп|бик\b|"
    # a measure ends what a request or word named: "пробег 143 814" after a policy was asked for
    r"пробег|mileage|odometer|километраж|"
    # a device's or a payment's own numbers: an IMEI and a pet's chip pass Luhn, a payment order is
    # phone-long; a bank's correspondent account; a work certificate or act
    r"imei|чип\b|chip\b|microchip|операци|operation\b|поручени|корсч[её]т|корреспондентск|"
    r"акт[аеу]?\b|(?<!birth\s)certificate|сертификат|request\b|запрос|"
    # a bag's tag: an airline's code and the bag's serial, the passenger's no more than a ticket is
    r"бирк|tag\b|"
    # a pharmacy's prescription: its number, dictated after a word asking to write it down too
    r"рецепт|prescription"
)
_CUE = re.compile(
    r"(?<![^\W\d_])(?:"
    r"(?P<card>карт|card|visa|виза|mastercard|мастеркард|amex|american\s+express|мир\b|cvv|cvc|"
    r"код\s+на\s+обороте|security\s+code)"
    r"|(?P<passport>паспорт|passport|загран|сери[яиюей]\b|series\b)"
    r"|(?P<snils>снилс|snils)"
    r"|(?P<ssn>ssn\b|socials?\b)"
    r"|(?P<inn>инн\b|inn\b)"
    rf"|(?P<ident>{_IDENT_WORDS})"
    rf"|(?P<reference>{_NOT_IDENT_WORDS})"
    rf"|(?P<dictate>{_DICTATE_WORDS})"
    rf"|(?P<phone>{_PHONE_WORDS})"
    r"|(?P<number>номер|number)"
    r")",
    re.I,
)
#: Kinds of identity numbers (see _CUE): digits after their word, or answering a request that names
#: it, are that number and never a phone or a card.
ID_KINDS = frozenset({"passport", "snils", "ssn", "inn", "ident"})
#: A word that makes the digits right after it (at most two words between, three in its sentence:
#: "Заявление на Госуслугах номер 3487269836") something else than a phone: "номер заказа 9123456789",
#: "Order number 9161234567", "ИНН компании ...", "Оценки 5 4 5 ...".
_REFERENCE_WORDS = (
    r"(?<![^\W\d_])(?:заказ|order|договор|contract|agreement|инн|inn\b|огрн|кпп|бик|сч[её]т\w*\s+на\s+оплату|сч[её]т|"
    r"account|invoice|"
    rf"tracking|трек|накладн|артикул|sku\b|serial|{_SERIAL_OF_DEVICE}|серийн|оценк|rated|rating|score|балл|индекс|zip\b|"
    r"postcode|version|верси|лицев(?!\w*\s+сторон)|ticket|тикет|заявк|claim|полис|policy|confirmation|reference|"
    r"transaction|транзакц|купон|coupon|promo|промокод|квитанц|receipt|room|комнат|квартир|кабинет|обращени|case\b|"
    r"заявлени|application|билет|брон[ьиеяю]|бронировани|booking|reservation|pnr\b|убыт|пробег|mileage|odometer|"
    # an employer's identification number is a company's; a card dispute's number is the bank's
    r"ein\b|employer\s+identification|dispute|imei|чип\b|chip\b|microchip|операци|operation\b|поручени|"
    r"корсч[её]т|корреспондентск|акт[аеу]?\b|(?<!birth\s)certificate|сертификат|request\b|запрос|бирк|tag\b|"
    # a pharmacy's prescription number ("Пишите: рецепт номер два, четвёрка, ...")
    r"рецепт|prescription)"
)
#: An airline's three-digit code (or another short group) may lead the reference's digits: "билет 555
#: 8905378357", "my e-ticket number is 016 3557002664".
_LEADING_GROUP = r"(?:\d{1,4}[\s-]+)?"
_NOT_PHONE = re.compile(
    rf"{_REFERENCE_WORDS}[\w-]*(?:(?:[\s:#№.?,]+[\w-]+){{0,2}}|(?:[\s:#№,]+[\w-]+){{3}})[\s:#№.?,—–]*"
    rf"{_LEADING_GROUP}$",
    re.I,
)
_REFERENCE = re.compile(_REFERENCE_WORDS, re.I)
#: An order, tracking, contract ... word right before digits (at most two words between, in the same
#: sentence): they are that reference, never a card, phone or identity number ("Трек-номер
#: 87179673490254").
#: Up to three words between ("Номер заказа у меня длинный, 2415-1252-7254-4248").
_NAMED_REFERENCE = re.compile(
    rf"(?<![^\W\d_])(?:{_NOT_IDENT_WORDS})[\w-]*(?:[\s:#№,]+[\w'’-]+){{0,3}}[\s:#№,—–]*{_LEADING_GROUP}$",
    re.I,
)


_ACCOUNT_WORD = re.compile(r"сч[её]т|account|лицев", re.IGNORECASE)


def _named_by_reference(text: str, start: int) -> bool:
    """Whether a reference word (an order, a booking, a room: :data:`_NOT_PHONE`) names the digits at
    ``start``, and no word of a person's number comes after it. Not an account: it may be a person's
    ("the account is 4159 1221 7867" as asked)."""
    m = _NOT_PHONE.search(text, max(0, start - _CUE_CHARS), start)
    if m is None or _ACCOUNT_WORD.match(m.group()) is not None or not _names_reference(text, m):
        return False
    return _cue(text[m.start() : start], start - m.start()) in (None, "number")


def _cued_by_line_before(text: str, start: int) -> bool:
    """Whether what tells the kind of the digits at ``start`` is in the line before theirs only: the
    other speaker's request, as compression reads a line after the one before it ("Agent: Can I get
    your driver's license number?\nCustomer: Booking 673558, ..."): it speaks as ``asked`` would."""
    line = text.rfind("\n", 0, start) + 1
    return line > 0 and _cue(text[line:], start - line) in (None, "number")


def _reference_before(text: str, start: int) -> bool:
    """Whether an order/tracking/contract ... word names the digits at ``start`` (see _NAMED_REFERENCE)."""
    m = _NAMED_REFERENCE.search(text, max(0, start - _CUE_CHARS), start)
    return m is not None and _names_reference(text, m)


#: Before a reference word, a place: the number is one *on* the account, *linked to* the contract
#: ("Назовите номер, привязанный к договору", "the number on the account"), not the reference's own.
#: After such a preposition, whose it is or where it is looked up, no place of the number: "У меня тут
#: квитанция номер ...", "Вижу у вас трек-номер ...", "В системе бронирование ...", "in the system".
_NOT_A_PLACE = (
    r"(?:меня|тебя|вас|нас|него|неё|нее|них|системе|базе|анкете|карточке|профиле|"
    r"(?:the|our|your)\s+(?:system|records?|file|profile))(?![^\W\d_])"
)
_LOCATED = re.compile(
    r"(?<![^\W\d_])(?:к|ко|в|во|на|при|у|on|in|to|with|under)\s+(?!"
    rf"{_NOT_A_PLACE}"
    r")(?:[^\W\d_]+\s+){0,2}$",
    re.I,
)


def _names_reference(text: str, match: re.Match[str]) -> bool:
    """Whether the reference word ``match`` names the number, rather than where it is kept."""
    return _LOCATED.search(text, max(0, match.start() - 30), match.start()) is None


def asks_for_reference(text: str) -> bool:
    """Whether the end of ``text`` names a number that is no phone ("Ваш ИНН?", "What's your order
    number?"): a bare number answering it is that reference, whatever its shape. Not when ``text``
    names a phone too ("the phone number on the account?", "What is your phone number? I see your
    order here."), or the reference only as a place (:data:`_LOCATED`), or when ``text`` gives a
    number and asks nothing ("Your case number is 5447609, keep it for reference."): a phone wrongly
    redacted costs a reference; a reference wrongly kept, a phone."""
    if _PHONE_WORD.search(text) is not None or ("?" not in text and _DIGIT_ANY.search(text) is not None):
        return False
    return any(_names_reference(text, m) for m in _REFERENCE.finditer(text, max(0, len(text) - _CUE_CHARS)))


#: A unit or currency right after the digits: a count or an amount, not a phone.
_UNIT_AFTER = re.compile(
    r"\s*(?:[%₽$€]|(?:units?|items?|pieces?|users?|customers?|people|dollars?|bucks|rub|руб|штук|шт|"
    r"человек|клиент|абонент|пользовател|долл|евро|euros?|percent|процент|минут|minutes?|times\b|раз\b|"
    # a distance: a car's mileage ("the car's at 101,000 miles", "пробег 122 000 километров")
    r"miles?\b|kilomet\w*|km\b|километр|км\b)"
    r"(?![^\W\d_]{6}))",
    re.I,
)
_CUE_CHARS = 40
#: Words of an agent reading the customer's record ("I have ... on file", "Вижу в анкете ..."): a
#: long number they read out in the same sentence is the customer's data, whatever its word.
_RECORD = re.compile(
    r"(?<![^\W\d_])(?:on\s+file|on\s+(?:the|your)\s+(?:account|profile|record)|in\s+(?:our|the|your)\s+"
    r"(?:records?|system|file|profile)|в\s+(?:анкете|системе|базе|карточке|профиле|личном\s+кабинете))"
    r"(?![^\W\d_])",
    re.I,
)
#: How far around the digits a record word is looked for (it may come after: "I have ... on file").
_RECORD_BEFORE, _RECORD_AFTER = 40, 30
#: The end of a sentence.
_SENTENCE_STOP = re.compile(r"[.?!]")


def _read_from_record(text: str, start: int, end: int) -> bool:
    """Whether a record word (:data:`_RECORD`) is in the sentence of ``text[start:end]``, close by."""
    before = text[max(0, start - _RECORD_BEFORE) : start]
    before = before[max(before.rfind(". "), before.rfind("? "), before.rfind("! ")) + 1 :]
    after = _SENTENCE_STOP.split(text[end : end + _RECORD_AFTER], maxsplit=1)[0]
    return _RECORD.search(before) is not None or _RECORD.search(after) is not None


#: A Russian mobile with its trunk prefix (8/7 9xx, 11 digits): a shape only phones have.
_RU_MOBILE_TRUNK = re.compile(r"[78]9\d{9}")


def only_a_phone(number: str) -> bool:
    """Whether ``number`` (as written, or its digits) has a shape only phones have: a plus, or a
    Russian mobile with its trunk prefix."""
    return (
        number.lstrip().startswith("+") or _RU_MOBILE_TRUNK.fullmatch(re.sub(r"\D", "", number)) is not None
    )


#: A plus right before digits, written or said ("+", "плюс", "plus"): what follows is a phone.
#: Its country and area codes may come between ("+7 (977) 293-11-86").
_PLUS_BEFORE = re.compile(
    r"(?:\+|(?<![^\W\d_])(?:плюс|plus))\s*(?:\d{1,3}[\s-]*)?(?:\(?\d{3}\)?[\s-]*)?$", re.I
)
#: A country code right before digits: they are the rest of a phone.
_COUNTRY_CODE_BEFORE = re.compile(r"\+\d{1,3}[\s-]*$")
#: A UK number with its country code said without the plus: 44 and a geographic (1-3) or mobile (7)
#: number ("forty four seventy-seven eleven ...").
_UK_WITHOUT_PLUS = re.compile(r"44[1237]\d{9}")
_DIGIT_ANY = re.compile(r"\d")  # any digit
#: A currency sign right before digits: an amount.
_MONEY_BEFORE = re.compile(r"[$€£₽]\s*$")
_DIGIT_BEFORE = re.compile(r"\d[\s,]*$")
_GROUP_BEFORE = re.compile(r"\d[\s,.-]{0,3}$")
_DIGIT_AFTER = re.compile(r"[\s,]*\d")


@dataclass(frozen=True)
class PiiOptions:
    """Which kinds to redact; all on by default (the issue asks for it before the LLM and ClickHouse)."""

    enabled: bool = True
    emails: bool = True
    cards: bool = True
    ids: bool = True
    phones: bool = True


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def snils_ok(digits: str) -> bool:
    """The SNILS checksum: the first nine digits weighted 9..1, summed, mod 101 (100 counts as 0)."""
    total = sum((ord(ch) - 48) * w for ch, w in zip(digits, range(9, 0, -1), strict=False))
    return total % 101 % 100 == int(digits[9:])


def inn_ok(digits: str) -> bool:
    """The checksum of a Russian personal INN (12 digits; a company's has 10 and is no PII)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    d = [ord(ch) - 48 for ch in digits]
    first = sum(a * b for a, b in zip((7, 2, 4, 10, 3, 5, 9, 4, 6, 8), d, strict=False)) % 11 % 10
    second = sum(a * b for a, b in zip((3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8), d, strict=False)) % 11 % 10
    return d[10] == first and d[11] == second


_INN_WORD = re.compile(r"(?<![^\W\d_])(?:инн|inn)(?![^\W\d_])", re.I)
#: A personal INN after its word: "мой ИНН 5024 1234 5678", "ИНН: 640, 565, 627, 833" (the word kept).
_INN_12 = re.compile(
    rf"({_INN_WORD.pattern}[^\d\[\]]{{0,25}}?)\d(?:[\s,.-]{{0,2}}\d){{11}}(?![\s,.-]{{0,2}}\d)", re.I
)


def _not_an_inn(m: re.Match[str]) -> bool:
    """Whether the digits of ``m`` are not right after the word INN (a company's 10-digit INN)."""
    return _INN_WORD.search(m.string, max(0, m.start() - 25), m.start()) is None


#: The second and third letters of every :data:`_INN_WORD` match, in each case ("ИНН", "Инн", "iNN").
_INN_PAIRS = ("нн", "нН", "Нн", "НН", "nn", "nN", "Nn", "NN")


def asks_inn(text: str) -> bool:
    """Whether ``text`` names an INN (a 12-digit answer to it is a person's)."""
    if not ("нн" in text or "НН" in text or "nn" in text or "NN" in text):
        return False
    # _INN_WORD.search(text), tried only a letter before each pair of its letters: on a call's text
    # ("нн" is in many Russian words) a few finds and matches instead of the lookbehind at every
    # character (the match sees the character before where it starts)
    for pair in _INN_PAIRS:
        at = text.find(pair, 1)
        while at >= 0:
            if _INN_WORD.match(text, at - 1) is not None:
                return True
            at = text.find(pair, at + 1)
    return False


def _ssn_ok(digits: str) -> bool:
    """A US SSN as issued: area not 000, 666 or 9xx, group not 00, serial not 0000."""
    return (
        digits[:3] not in ("000", "666") and digits[0] != "9" and digits[3:5] != "00" and digits[5:] != "0000"
    )


def names_reference(text: str, start: int) -> bool:
    """Whether an order/tracking/contract ... word names the digits at ``start`` ("order 5521")."""
    return _reference_before(text, start)


def is_amount(text: str, start: int, end: int) -> bool:
    """Whether the digits ``text[start:end]`` are an amount or a count: a currency sign before them,
    a unit or currency after ("$150", "150 рублей", "300 minutes")."""
    return (
        _MONEY_BEFORE.search(text, max(0, start - 3), start) is not None
        or _UNIT_AFTER.match(text, end) is not None
    )


def is_plain_number(text: str, start: int, end: int) -> bool:
    """Whether the digits ``text[start:end]`` are an amount, a count or a reference by the words
    around them ("$150", "300 minutes", "room 512", "заказ 5521"): no part of a person's number."""
    return is_amount(text, start, end) or _not_phone_context(text, start, end)


#: A UPS tracking number's head ("1Z" and up to 15 of its 16 letters and digits) right before digits.
_UPS_HEAD = re.compile(r"(?<![^\W_])1Z(?:[\s-]?[0-9A-Z]){2,15}[\s-]*$")


def _ups_tail(text: str, start: int) -> bool:
    """Whether the digits at ``start`` end a UPS tracking number ("1Z 999 AA1 01 2345 6784",
    "1Z756E40398824702")."""
    return (
        "1Z" in text[max(0, start - 24) : start]
        and _UPS_HEAD.search(text, max(0, start - 24), start) is not None
    )


def _not_phone_context(text: str, start: int, end: int) -> bool:
    """An order/contract/... word right before (with no phone word before it: "the phone number on
    the account is ...", "номер, привязанный к договору, телефон ..."), or a unit right after: the
    digits are not a phone."""
    if start >= 2 and text[start - 1] == "/" and text[start - 2].isdigit():
        return True  # the part after a slash of a contract's number: "Договор 757/8903-4184916"
    if _ups_tail(text, start):
        return True  # a UPS tracking number's tail: "1Z 999 AA1 01 2345 6784"
    lo = max(0, start - _CUE_CHARS)
    # the phone word may open a longer question: "What phone number do you have on your account?"
    reference = _NOT_PHONE.search(text, lo, start)
    if reference is not None and _names_reference(text, reference):
        phone = None
        for phone in _PHONE_WORD.finditer(text, max(0, lo - 40), start):  # noqa: B007  (the last one)
            pass
        # a phone word before the reference word names the digits, unless it had its own number
        # ("звоните мне на [PHONE], ... и ещё трек-номер CDEK-6627272391") or a sentence of its own
        # ("Оплатим по телефону? Да, за три месяца, счёт 338-6887"), or was a number given ("Номер
        # телефона [PHONE]" / "Номер обращения 7329844989")
        if phone is None or (
            phone.start() < reference.start()
            and (
                phone.group() == "[PHONE]"
                # "Записывайте: ... Номер обращения 5635294847": a word asking to write down names no
                # phone when a reference word after it names the digits (see _cue)
                or _DICTATE_WORD.fullmatch(phone.group()) is not None
                or _DIGIT_ANY.search(text, phone.end(), reference.start()) is not None
                or _SENTENCE_STOP.search(text, phone.end(), reference.start()) is not None
            )
        ):
            return True
    return _UNIT_AFTER.match(text, end) is not None


def _phone_match_ok(m: re.Match[str]) -> bool:
    """A _PHONE match in its context: not after an order word or before a unit, and not in the middle
    of a list of numbers ("77 817 704 300 42 70 2028"); a phone dictated among other digits is the
    run pass's to judge."""
    text, start, end = m.string, m.start(), m.end()
    if _not_phone_context(text, start, end):
        return False
    return not (_DIGIT_BEFORE.search(text, max(0, start - 3), start) and _DIGIT_AFTER.match(text, end))


#: A car's insurance said before "полис"/"policy" in the same sentence ("КАСКО, полис AI164956119", "По
#: ОСАГО ремонт, полис ААС 5222331058"): the policy is the car's contract, a reference, no identity number.
#: So is a policy after a claim's date of loss ("claim number ..., date of loss ..., policy number PA 6911
#: 0221"): a loss is what a car's or a home's insurance pays; a health claim has a date of service.
_CAR_INSURANCE = re.compile(
    r"(?<![^\W\d_])(?:осаго|каско|osago|kasko|car\s+insurance|auto\s+insurance|date\s+of\s+loss|loss\s+date)",
    re.I,
)
_CAR_POLICY_CHARS = 40


def _car_policy(text: str, m: re.Match[str]) -> bool:
    """Whether the identity word ``m`` is a policy word (полис/policy) after a car's insurance."""
    if m.group()[:1] not in "пПpP":
        return False
    before = text[max(0, m.start() - _CAR_POLICY_CHARS) : m.start()]
    before = _SENTENCE_STOP.split(before)[-1]
    return _CAR_INSURANCE.search(before) is not None or _VEHICLE_RIGHT_BEFORE.search(before) is not None


#: A vehicle word right before the policy word: "your auto policy number", "the motor policy".
_VEHICLE_RIGHT_BEFORE = re.compile(r"(?<![^\W\d_])(?:auto|car|motor|vehicle|автомобил\w*|машин\w*)\s+$", re.I)


def _cue(text: str, start: int, asked: str | None = None) -> str | None:
    """The kind of the number starting at ``start`` as the words before it tell (see _CUE): card,
    passport, snils, ssn, inn, ident, phone, or number (номер/number: a phone unless a word says
    otherwise). A word asking to write it down (:data:`_DICTATE_WORDS`) is a phone's only when no word
    before it names another kind. ``asked``: the identity kind the other speaker just asked for
    (:func:`asked_id`), which speaks for the digits as a word before them would; a reference word
    ("order", "claim") after an identity word ends what it named."""
    return _cue_and_word(text, start, asked)[0]


def _cue_and_word(text: str, start: int, asked: str | None = None) -> tuple[str | None, re.Match[str] | None]:
    """:func:`_cue`, and the last word of :data:`_CUE` it read (None when it read none)."""
    kind = asked
    m = None
    for m in _CUE.finditer(text, max(0, start - _CUE_CHARS), start):
        said = m.lastgroup
        if said == "ident" and _car_policy(text, m):
            said = "reference"
        if said == "number":
            kind = kind or said
        elif said == "reference":
            if kind in ID_KINDS and kind != asked and not _names_reference(text, m):
                continue  # "the social on the application is ...": where the number is written
            # "Пишите: договор номер ...": a word asking to write down is a phone's only when nothing
            # after it names the number either
            kind = None if kind in ID_KINDS or kind == "dictate" else kind
        elif said != "dictate" or kind in (None, "number", "phone"):
            kind = said
    return ("phone" if kind == "dictate" else kind), m


def placeholder_named_before(text: str, start: int) -> str | None:
    """The placeholder kind (ID, CARD, PHONE) the words right before ``start`` name for the number
    there ("Passport No. ...", "СНИЛС ...", "the card ..."), or None when they name none or a
    reference."""
    kind = _cue(text, start)
    if kind in ID_KINDS:
        return "ID"
    return {"card": "CARD", "phone": "PHONE"}.get(kind or "")


def reference_named_before(text: str, start: int) -> bool:
    """Whether the words right before ``start`` that tell what a number is name a reference ("номер
    заказа, так... 4417", "the claim, it starts 2291"), no identity or phone word after them."""
    last = None
    for m in _CUE.finditer(text, max(0, start - _CUE_CHARS), start):
        if m.lastgroup not in ("number", "dictate"):
            last = m
    return last is not None and (
        last.lastgroup == "reference" or (last.lastgroup == "ident" and _car_policy(text, last))
    )


def names_card(text: str) -> bool:
    """Whether ``text`` says a word that names a card ("the card I paid with", "картой")."""
    return any(m.lastgroup == "card" for m in _CUE.finditer(text))


def names_phone(text: str) -> bool:
    """Whether ``text`` says a word that names a phone ("по телефону", "by the phone I ordered with")."""
    return _PHONE_WORD.search(text) is not None


def asks_for_card(text: str) -> bool:
    """Whether the last words of ``text`` ask for a card's number ("Can I get the card number,
    please?"; not its code: "Теперь срок действия и CVV."): the digits answering it are read as a
    card's whatever the words before them in the answer."""
    kind, last = _cue_and_word(text, len(text))
    return (
        kind == "card"
        and last is not None
        and _CODE_WORD.match(last.group()) is None
        # "я лучше карту продиктую, ...: [CARD]." gave one
        and "[CARD]" not in text[last.end() :]
    )


_CODE_WORD = re.compile(r"cvv|cvc|код|security", re.IGNORECASE)


def asks_for_phone(text: str) -> bool:
    """Whether the last words of ``text`` ask for a phone ("Can I get a callback number?", "What's the
    best phone number to reach you?"): the digits answering it are read as a phone's however far from
    those words the answer says them ("One sec, it's in my wallet... 1... let me see... 720...")."""
    words = [m.group() for m in _PHONE_WORD.finditer(text, max(0, len(text) - _CUE_CHARS))]
    # "Номер телефона [PHONE]." gave one: the agent's "Номер обращения 7329844989." after it is no answer
    return bool(words) and words[-1] != "[PHONE]" and _cue(text, len(text)) == "phone"


def has_cue(text: str) -> bool:
    """Whether ``text`` says a word that announces PII ("номер", "card", "call me at")."""
    m = _CUE.search(text)
    while m is not None and m.lastgroup == "reference":  # an order word announces no PII
        m = _CUE.search(text, m.end())
    return m is not None


#: How every _CUE word starts: a cheap test of a text's last words before the regex (which tries its
#: alternatives at every position).
_CUE_STEMS = (
    "карт", "card", "visa", "виза", "mastercard", "мастеркард", "amex", "american", "мир", "паспорт",
    "passport", "сери", "series", "снилс", "snils", "ssn", "social", "телефон", "мобильн", "сотов",
    "домашн", "позвоните", "звоните", "звонить", "набирайте", "записывайте", "запишите", "пишите",
    "phone", "cell", "mobile", "call", "перезвон", "reach", "text", "городск", "whatsapp", "ватсап",
    "вотсап", "[phone]", "номер", "number", "cvv", "cvc", "код", "security", "позвон", "contact", "touch",
    "связаться",
)  # fmt: skip


#: What may stand between a number word and the reference it names: "номер заказа", "номер вашего
#: заказа", "your order number".
_NEXT_TO = re.compile(r"\s+(?:[^\W\d_]+\s+)?")


def cue_at_end(text: str) -> bool:
    """Whether the last words of ``text`` say what digits after them are ("my number is", "карта"):
    digits in the next segment may then be PII only together with it."""
    tail = text[-_CUE_CHARS:].lower()
    if not any(word.lstrip('("«').startswith(_CUE_STEMS) for word in tail.split()):
        return False
    found = list(_CUE.finditer(text, max(0, len(text) - _CUE_CHARS)))
    if any(m.lastgroup not in ("reference", "number", "dictate") for m in found):
        return True  # a phone, card or identity word ("номер телефона, привязанный к договору")
    # a bare "номер"/"number" (or "write it down") asks for the reference named with it ("Назовите
    # номер заказа", "your order number"), not for one said elsewhere ("a number in case we get cut")
    refs = [m for m in found if m.lastgroup == "reference"]
    return any(not any(_names(text, m, r) for r in refs) for m in found if m.lastgroup != "reference")


def _names(text: str, word: re.Match[str], ref: re.Match[str]) -> bool:
    """Whether the reference word ``ref`` names what the number word ``word`` is: after "номер"
    ("номер (вашего) заказа"), before "number" ("order number")."""
    if word.group()[:1].lower() == "н":
        return _NEXT_TO.fullmatch(text, word.end(), ref.start()) is not None
    return _NEXT_TO.fullmatch(text, ref.end(), word.start()) is not None


#: Substrings one of which every identity word of :data:`_CUE` holds (lower-cased): a text without
#: any asks for no identity number, and skips the full pattern (this scan of the lower-cased text,
#: without IGNORECASE, is over ten times faster).
_ID_HINTS = re.compile(
    "паспорт|passport|загран|сери|series|снилс|snils|ssn|social|инн|inn|licen|dl|nhs|insurance|ni number|"
    "policy|member|subscriber|bank|водительск|удостоверени|ву|права|номер прав|полис|омс|дмс|свидетельств|"
    "birth"
)
#: What makes a text naming an identity number a request for it ("Назовите ваш ИНН", "Do you have your
#: NHS number handy?"), not a mention ("Хочу продлить полис.").
_REQUEST = re.compile(
    r"\?|номер|number|(?<![^\W\d_])id\b|назов|продикт|подскаж|скаж|нуж|понадоб|требу|дайте|сообщ|need|give|read|"
    # a robot's prompt: "Please enter your social", "Для идентификации введите ИНН"
    r"tell|provide|(?<![^\W\d_])(?:enter|say)\b|введите|наберите",
    re.I,
)


def asked_id(text: str) -> str | None:
    """The identity number ``text`` asks for (a kind of :data:`ID_KINDS`: "Could you give me your
    driver's license number?", "Продиктуйте номер полиса ОМС."), or None when it asks for none (a
    mention is no request: "Хочу продлить полис."), or something else after it (a phone, a card). A
    card in the same sentence after the identity word is where the number is written ("the member ID
    from your insurance card")."""
    if _ID_HINTS.search(text.lower()) is None or _REQUEST.search(text) is None:
        return None
    return named_id(text)


def named_id(text: str) -> str | None:
    """The identity number ``text`` names last (:func:`asked_id` without the request: "it's my
    husband's social", "это паспорт дочери"), or None when a reference, a phone or nothing follows."""
    kind, ident_end = None, -1
    for m in _CUE.finditer(text):
        said = m.lastgroup
        if said == "ident" and _car_policy(text, m):
            said = "reference"
        if said in ("number", "dictate"):
            continue
        if said == "card" and kind in ID_KINDS and not _SENTENCE_STOP.search(text, ident_end, m.start()):
            continue
        kind = None if said == "reference" else said
        if kind in ID_KINDS:
            ident_end = m.end()
    return kind if kind in ID_KINDS else None


@dataclass(frozen=True, slots=True)
class _Group:
    start: int
    end: int
    digits: str
    single: bool  # one digit said alone ("5", "oh", "double 5")
    word: bool  # a bare "oh"/"one" that may be speech around the number rather than a digit
    after: str  # the separator before the next group ("" for the last)


def _groups(text: str, start: int, end: int) -> tuple[list[_Group], bool]:
    """The digit groups of the run ``text[start:end]`` and whether it is led by a plus."""
    tokens = list(_TOKEN.finditer(text, start, end))
    plus = bool(tokens) and tokens[0].group("plus") is not None
    found = [t for t in tokens if t.group("plus") is None]
    groups = []
    for t, nxt in zip(found, [*found[1:], None], strict=True):
        digits = t.group("d") or _WORD_VALUE[t.group("w").lower()] + t.group("wd")
        mult = t.group("mult")
        if mult:
            digits = digits[0] * (2 if mult.lower() == "double" else 3) + digits[1:]
        after = text[t.end() : nxt.start()] if nxt is not None else ""
        single = len(digits) == 1 or (mult is not None and len(t.group("d") or t.group("wd") or "x") == 1)
        word = t.group("w") is not None and not t.group("wd") and mult is None
        groups.append(_Group(t.start(), t.end(), digits, single, word, after))
    return groups, plus


def _chunks(groups: list[_Group]) -> tuple[int, ...]:
    """Digits per part of ``groups`` between separators that hold more than spaces (commas, pauses)."""
    sizes = []
    size = 0
    for g in groups[:-1]:
        size += len(g.digits)
        if not g.after.isspace():
            sizes.append(size)
            size = 0
    sizes.append(size + len(groups[-1].digits))
    return tuple(sizes)


#: Separators that are one kind: a pause, written by Whisper as a comma or as dots either way.
_PAUSES = frozenset((",", "...", "…", ",...", "...,"))


def _kinds(groups: list[_Group]) -> set[str]:
    """The separators between ``groups`` by their punctuation ("" for spaces), brackets left out;
    every pause (",", "...", "…") is one kind: "five oh three... two forty-two, fifty-two ninety-nine"."""
    kinds = {g.after.strip(" \t\n()") for g in groups[:-1]}
    return {"," if kind in _PAUSES else kind for kind in kinds}


def _tidy(groups: list[_Group]) -> bool:
    """Separators a number read out uses: at most two kinds ("8 916, 123, 45, 67"), and a bare dot
    (or two bare slashes) only as the one separator: "8.916.123.45.67", not decimals or dates in a
    list ("9.5, 8.5, 7.5", "3.8, 24, 1999")."""
    afters = [g.after for g in groups[:-1]]
    if len(_kinds(groups)) > 2:
        return False
    return ("." not in afters and afters.count("/") < 2) or len(set(afters)) == 1


def is_year(digits: str) -> bool:
    """Whether ``digits`` read as a recent year ("1999", "2027"): no part of an identifier."""
    return len(digits) == 4 and 1950 <= int(digits) <= 2039


def _counting(groups: list[_Group]) -> bool:
    """Numbers in steps: "1 2 3 ... 10", "8 9 10 11", "10, 20, 30, 40", "8 10 12 14 16"."""
    if len(groups) < 3:
        return False
    steps = {int(b.digits) - int(a.digits) for a, b in pairwise(groups)}
    return steps == {1} or (len(groups) > 3 and len(steps) == 1 and 0 not in steps)


#: A word naming a card itself (not its code, nor "карточке" of a customer's record): after one, a
#: card's length in a card's groups is a card even when it fails Luhn (a digit misheard).
_CARD_NAME = re.compile(
    r"(?<!\[)(?:карт(?:а|ы|у|ой|очк[аиу]|очкой)?|card|visa|виза|mastercard|мастеркард|amex|american\s+express|мир)"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)


def names_card_before(text: str, start: int, asked: str | None = None) -> bool:
    """Whether the words right before ``start`` name a card itself ("Номер карты ...", "card number
    ...", "Карта мир ..."), or ``asked`` is "card" (the other speaker asked for its number) and no other
    kind is named: not its code ("CVV"), no reference after the card word ("картой, заказ ...")."""
    if _cue(text, start, asked) != "card" or _reference_before(text, start):
        return False
    # in its own line (a dialogue's other lines are another speaker's), not a placeholder ("[CARD].
    # Номер ордера ...": the card given before, then another number)
    cues = list(_CUE.finditer(text, max(0, start - _CUE_CHARS, text.rfind("\n", 0, start) + 1), start))
    # the card word that made it a card's ("card number is": the card, "номер" or "number" tell nothing)
    said = [m for m in cues if m.lastgroup == "card"]
    if not said:
        # answering the request with no word of its own ("It's 4532 ..."): a "номер ордера" says it is
        # another number than the one asked for
        return asked == "card" and not cues
    return _CARD_NAME.match(text, said[-1].start()) is not None


def misheard_card(sizes: tuple[int, ...], chunks: tuple[int, ...] = ()) -> bool:
    """Whether digit groups of ``sizes`` (``chunks``: their digits between pauses, see :func:`_chunks`)
    are a card's length in a card's groups (4-4-4-4, 4-6-5, one block, one by one, "2200, 7001, 2345, 6
    7 8 9"): after a word naming a card, such digits are the card whatever their Luhn check says, a
    digit misheard or misread ("Номер карты 2200 7001 2345 6789")."""
    return 15 <= sum(sizes) <= 19 and (
        sizes in _CARD_GROUPS or chunks in _CARD_GROUPS or len(sizes) == 1 or set(sizes) == {1}
    )


def _card(groups: list[_Group], cue: str | None, named: bool = False) -> bool:
    """Whether ``groups`` read out a card; ``named``: a card is named right before them
    (:func:`names_card_before`), so a card's length in its groups need not pass Luhn."""
    digits = "".join(g.digits for g in groups)
    sizes = tuple(len(g.digits) for g in groups)
    if named and cue == "card" and misheard_card(sizes, _chunks(groups)) and not luhn_ok(digits):
        return _tidy(groups) and not _counting(groups)
    # after a card word, a card read in pieces may mix three separators ("4532-1959, один три четыре
    # два, шестьдесят восемь ...")
    if not 13 <= len(digits) <= 19 or not luhn_ok(digits) or not (_tidy(groups) or cue == "card"):
        return False
    if _counting(groups) or sum(is_year(g.digits) for g in groups) > 1:
        return False  # a list of years
    if sizes in _CARD_GROUPS or _chunks(groups) in _CARD_GROUPS or all(g.single for g in groups):
        return True
    if all(g.after == "," for g in groups[:-1]) and sizes[0] <= 3 and set(sizes[1:]) == {3}:
        return True  # Whisper's thousands commas: 4,111,111,111,111,111
    # after a card word, any grouping: "сорок два семьдесят шесть ...", "5536 9102, 0 861, 4570", or its
    # end read in one breath ("5690... 3190... 40101766")
    return cue == "card" and (max(sizes) <= 4 or len(groups) <= 4)


def card_grouped(text: str) -> bool:
    """Whether ``text`` (digits as digits) reads out a card: a run of 13-19 Luhn-valid digits in a
    card's groups, one block of 15-16, or digit by digit. "9400 1407 0028 3824 3677 71" (a tracking
    number, its first 16 Luhn-valid by chance) and "111-3078854-8048057" (an order) are none."""
    for run in _RUN.finditer(text):
        groups, _ = _groups(text, run.start(), run.end())
        digits = "".join(g.digits for g in groups)
        if not (13 <= len(digits) <= 19 and luhn_ok(digits)):
            continue
        sizes = tuple(len(g.digits) for g in groups)
        if sizes in _CARD_GROUPS or _chunks(groups) in _CARD_GROUPS or sizes in ((15,), (16,)):
            return True
        if all(g.single for g in groups):
            return True
    return False


def _ident(groups: list[_Group], cue: str | None, plain: bool) -> bool:
    """SNILS, passport, SSN, a person's INN or another identity number: after its word, or
    (``plain``: not before a unit) in its own shape."""
    digits = "".join(g.digits for g in groups)
    sizes = tuple(len(g.digits) for g in groups)
    if cue == "ident":  # a licence, policy, member ID ...: any 6-20 digits as a number is read out
        return (
            6 <= len(digits) <= 20
            and _tidy(groups)
            and not _counting(groups)
            and not (len(digits) <= 8 and any(is_year(g.digits) for g in groups))  # a date
        )
    if cue == "inn":
        return len(digits) == 12 and inn_ok(digits)
    if cue == "record":  # a long number read from the customer's record: theirs, a phone's shape aside
        return (
            9 <= len(digits) <= 20
            and _tidy(groups)
            and not _counting(groups)
            and _DICTATED_DIGITS.fullmatch(digits) is None
            and not any(is_year(g.digits) for g in groups)
        )
    if len(digits) == 20:  # a bank account of a person, however grouped
        return digits.startswith(("408", "423")) and _tidy(groups)
    if len(digits) == 9 and cue == "passport":  # a foreign passport: RU 9 digits, US 9
        return not _counting(groups)
    if len(digits) == 11:
        shaped = plain and _tidy(groups) and (3, 3, 3, 2) in (sizes, _chunks(groups))
        return snils_ok(digits) and (cue == "snils" or shaped)
    if len(digits) == 10:
        return cue == "passport"
    if len(digits) == 9 and _ssn_ok(digits):
        kinds = _kinds(groups)
        dictated = (
            all(g.single for g in groups)
            and _chunks(groups) == (3, 2, 4)
            and kinds <= {"", ","}
            and not _counting(groups)
        )
        return cue == "ssn" or (
            plain
            # "123-45-6789", or dictated digit by digit in its groups: "one seven seven, five zero, ..."
            and ((sizes == (3, 2, 4) and len(kinds) == 1 and kinds < {"-", "–", "—", "."}) or dictated)
        )
    return False


def _phone(groups: list[_Group], cue: str | None, plus: bool, spoken_plus: bool) -> bool:
    digits = "".join(g.digits for g in groups)
    sizes = tuple(len(g.digits) for g in groups)
    if plus:  # any international number; "plus" said is a word ASR also writes for "and more"
        return (10 if spoken_plus else 8) <= len(digits) <= 15 and max(sizes) <= 4 + 6 * (not spoken_plus)
    if _counting(groups):
        return False
    if digits.startswith("00") and digits[2] != "0" and 11 <= len(digits) <= 17 and sizes[0] in (2, 4):
        return True  # 0044 20 7946 0958
    if sizes[:2] == (1, 2) and digits.startswith("810") and 13 <= len(digits) <= 18:
        return True  # 8 10 375 29 123 45 67: Russian dialling abroad
    if (
        cue in ("phone", "number")
        and digits[0] == "0"
        and (digits[1] != "0")
        and 10 <= len(digits) <= 12
        and _tidy(groups)
    ):
        return True  # a national trunk 0 after a phone word: UK 020 8582 3218, DE 0157 4001 3675
    if cue in ("phone", "number") and digits.startswith("80") and len(digits) == 11 and sizes[0] == 2:
        return True  # Belarus dialled at home: 80 17 570-58-63
    if cue in ("phone", "number") and _UK_WITHOUT_PLUS.fullmatch(digits) and _tidy(groups):
        return True  # the UK's 44 said without its plus: 44 7711 266559
    singles = 3 * sum(g.single for g in groups) >= 2 * len(groups)
    if len(digits) == 7:  # a local number: only after a phone word ("городской", "call"), as written
        return (
            cue in ("phone", "number")
            and digits[0] != "0"
            and _kinds(groups) <= ({"", "-", "–", "—", ","} if cue == "phone" else {"", "-", "–", "—"})
            # "my number is 555 0134": номер/number alone only with a local number's grouping
            and (sizes in _LOCAL_GROUPS or (cue == "phone" and singles and len(groups) > 5))
        )
    if (
        _DICTATED_DIGITS.fullmatch(digits) is None
        or not _tidy(groups)
        or sum("/" in g.after for g in groups) > 1
    ):
        return False  # not a phone's digits; mixed separators; "300/968/1000" is a ratio or a date
    # a city code in brackets is no card group: "8 (8182) 37-82-48"
    inner = [len(g.digits) for prev, g in pairwise(groups) if not ("(" in prev.after and ")" in g.after)]
    inner = [len(groups[0].digits), *inner][:-1]
    if cue in ("phone", "number") and max(sizes) <= 4 and 4 not in inner:
        return True  # any grouping after a phone word: "8 916 12 34 567", "41 55 55 01 34"
    if (
        cue == "phone"
        and (_RU_MOBILE_TRUNK.fullmatch(digits) or _NANP.fullmatch(digits[-10:]))
        and not any("/" in g.after for g in groups)
    ):
        # after a phone word or request, a mobile with its trunk or a North American number however ASR
        # split or merged its groups: "8916-4472-05-3", "415 55501 9 3" (a slash is a contract's or a
        # date's: "Договор 47-2291/2023")
        return True
    if cue == "phone" and _NANP.fullmatch(digits) and len(groups) <= 3 and sizes[-1] == 7:
        return True  # the area code said in words, the rest as one group: "two twelve 8094226"
    if (
        digits[0] in "78"
        and digits[1] == "9"
        and len(digits) == 11
        and ({1, 4} <= set(accumulate(sizes)) or (sizes[0] == 1 and max(sizes[1:]) <= 2))
    ):
        # a Russian mobile in any grouping after its trunk and operator code, said as "8 9xx" or digit
        # by digit: "8 995 732, 0 8, 83", "8 9 6 5 995 56 93", or its trunk and then pairs: "8 91 82 20 34 28"
        return True
    chunks = _chunks(groups)
    return (
        sizes in _PHONE_GROUPS
        or (len(chunks) > 2 and chunks in _PHONE_GROUPS)
        or (singles and len(groups) > 5)
        # read out in digits and pairs in one breath: "two oh six five sixty-five seventy-four
        # twenty-seven" (the digits passed the numbering plan; a list, "8, 9, 16, 12, 34 и 67 раз", has
        # commas, and prices or ages have no single digits)
        or (len(chunks) == 1 and len(groups) > 4 and max(sizes) <= 2 and sum(g.single for g in groups) >= 2)
    )


def _redact_passport_parts(text: str, counts: Counter[str], asked: bool = False) -> str:
    """A passport's series and number said apart (:data:`_SERIES_PART`, :data:`_NUMBER_PART`): both
    together, or either one with the word passport (or ``asked``: answering a request for it); one
    ID counted."""
    series = "ери" in text or "ERI" in text or "eri" in text  # серия, series
    passport = asked or _PASSPORT_WORD.search(text) is not None
    if not (series or passport):
        return text
    found = 0
    if passport:
        text, found = _SERIES_NUMBER.subn("[ID]", text)
    has_series = series and _SERIES_PART.search(text) is not None
    # "бронь № 168044, загранпаспорт № ...": a number a reference word names is the booking's
    numbers = [m for m in _NUMBER_PART.finditer(text) if not _named_reference(text, m.end(1))]
    has_number = bool(numbers)
    if has_series and (has_number or passport):
        text = _SERIES_PART.sub(r"\1[ID]", text)
        found += 1
        numbers = [m for m in _NUMBER_PART.finditer(text) if not _named_reference(text, m.end(1))]
    if has_number and (has_series or passport):
        for m in reversed(numbers):
            text = f"{text[: m.end(1)]}[ID]{text[m.end() :]}"
        found += not has_series
    if found:
        counts["ID"] += found
    return text


def redact_series_alone(text: str, request: str = "") -> str | None:
    """``text`` with a passport's series said alone redacted ("Серия 45 08." answering "паспорт: серия и
    номер"), or None: only with the word passport in the text or in the other speaker's ``request`` for
    it, as "серия" alone is a TV series' too ("серия 3"), and "Назовите серию." names no passport. The
    filter's pass over what its passes joining a series with its number in a later breath left; one ID."""
    if not ("ери" in text or "ERI" in text or "eri" in text):
        return None
    if _PASSPORT_WORD.search(text) is None and not (
        _PASSPORT_WORD.search(request) is not None and asked_id(request) == "passport"
    ):
        return None
    m = _SERIES_PART.search(text)
    return None if m is None else f"{text[: m.end(1)]}[ID]{text[m.end() :]}"


def _named_reference(text: str, start: int) -> bool:
    """Whether the last word before ``start`` that names a kind of number names a reference ("бронь",
    "заказ", "запись"), or the "номер"/"number" right after such a word ("паспорт ..., договор номер
    79-2840/23"; not "заказ 5521, номер 418275", where the order has its own)."""
    word = _cue_and_word(text, start)[1]
    if word is not None and word.lastgroup == "number":
        before = _cue_and_word(text, word.start())[1]
        if before is not None and _JUST_ITS_NUMBER.fullmatch(text, before.end(), word.start()) is not None:
            word = before
    return word is not None and word.lastgroup == "reference"


#: Between a reference's word and its "номер": the rest of the word and a space ("договора номер").
_JUST_ITS_NUMBER = re.compile(r"[\w-]*[\s:,]*")


#: A car insurance policy's series right before its ten digits: three capitals, Cyrillic ("ККК",
#: "ААС", "ХХХ") or their Latin look-alikes as Whisper may write them ("XXX", "TTT").
_POLICY_SERIES = re.compile(r"(?<![^\W\d_])(?-i:[АВЕКМНОРСТХУABEKMHOPCTXY]{3})[\s№-]*$")


def _redact_runs(text: str, options: PiiOptions, counts: Counter[str], asked: str | None = None) -> str:
    """Cards, IDs and phones in runs of digit groups the fixed patterns above do not take."""
    out: list[str] = []
    done = 0
    for run in _RUN.finditer(text):
        if sum(map(str.isdigit, run.group())) < 6:  # "oh", "double 5" add a few
            continue
        lead = _LEAD.search(text, max(0, run.start() - 30), run.start())
        start = lead.start() if lead is not None else run.start()
        groups, plus = _groups(text, start, run.end())
        size = sum(len(g.digits) for g in groups)
        if size < 6:
            continue
        cue = _cue(text, start, asked)
        if cue == "ident" and (plus or only_a_phone("".join(g.digits for g in groups))):
            cue = "phone"  # "Права ...?" / "Аккаунт на номер плюс 7 9 0 5 ...": only a phone has this shape
        if size < 8 and not (
            (size == 7 and cue in ("phone", "number") and options.phones) or (cue in ID_KINDS and options.ids)
        ):
            continue
        if size == 10 and _POLICY_SERIES.search(text, max(0, start - 8), start) is not None:
            continue  # "серия и номер ККК 0302414759": a car policy's (ОСАГО) letters, then its ten digits
        if _reference_before(text, start) and (
            cue in (None, "number") or _cue(text, start) in (None, "number")
        ):
            # "Трек-номер 8717 9673 4902 54": the reference, whatever its shape or what was asked
            # ("Назовите номер карты." / ... / "IMEI 350354071170622, правильно?")
            continue
        if (
            cue in ID_KINDS
            and (cue == asked or _cued_by_line_before(text, start))
            and _named_by_reference(text, start)
        ):
            # "Can I get your driver's license number?" / "Booking 673558, and my license number's
            # D, ...": the booking word names the digits right after it, not the request
            continue
        if cue is None and size >= 9 and _read_from_record(text, start, run.end()):
            # ... unless a reference word names it: "В системе бронирование 251487047", "in the system,
            # reservation 924295811"
            cue = None if _named_by_reference(text, start) else "record"
        if cue in ID_KINDS and is_amount(text, start, run.end()):
            continue  # after an identity word too, a unit or currency makes the digits an amount
        spoken_plus = plus and text[start] != "+"
        not_phone = _not_phone_context(text, start, run.end())
        if cue == "inn" and not plus and not only_a_phone("".join(g.digits for g in groups)):
            not_phone = True  # answering "Ваш ИНН?": a company's INN, unless only a phone has its shape
        named_card = cue == "card" and options.cards and names_card_before(text, start, asked)
        found = _find(groups, cue, plus, spoken_plus, not_phone, options, named_card)
        if not found and cue == "card" and asked in ID_KINDS:
            # "What's your driver's license number?" / "I've got the card right here, S, 302, 922, ...":
            # no card's digits, the card the asked number is written on
            found = _find(groups, asked, plus, spoken_plus, not_phone, options)
        for a, b, name in found:
            counts[name] += 1
            out.append(text[done : start if a == 0 else groups[a].start])
            out.append(f"[{name}]")
            done = groups[b].end
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


#: A word joining a dictated number's groups as a pause does: "seven one eight, then five five five, then
#: oh one nine nine", "916 потом 123", "..., and then 0199", "..., и 45": between a digit and a digit (or a
#: zero said "oh", a "one" left in words). "and"/"и" alone (group ``bare``) only after a pause ("5 and 6"
#: is a range), and not after a year ("March 27, 1974, and 4 4 6 6": a date, then a social's last four).
_JOINER = re.compile(
    r"(?<=\d)(?:[,.…]*\s+(?:(?:and|а|и)\s+)?(?:then|потом|дальше|затем)[,:]?|(?P<bare>,\s+(?:and|и)))"
    rf"\s+(?=\d|{_WORD_DIGIT})",
    re.IGNORECASE,
)
#: Its gate, one literal scan: most texts with digits hold none of these.
_JOINER_HINT = _any_of(
    ("then", "Then", "потом", "Потом", "дальше", "Дальше", "затем", "Затем", ", and ", ", и ")
)
_YEAR_BEFORE = re.compile(r"(?<!\d)\d{4}$")


def _as_pause(m: re.Match[str]) -> str:
    """A :data:`_JOINER` as the pause it stands for, a bare "and" after a year as it is."""
    if m.group("bare") is not None:
        year = _YEAR_BEFORE.search(m.string, max(0, m.start() - 5), m.start())
        if year is not None and is_year(year.group()):
            return m.group()
    return ", "


def _redact_joined_runs(text: str, options: PiiOptions, counts: Counter[str], asked: str | None) -> str:
    """:func:`_redact_runs`, and where words join the groups (:data:`_JOINER`) once more with each a
    pause: that reading is kept when it finds more (its joiners then read as commas, as the filter
    stores a number's groups joined after a pause)."""
    if _JOINER_HINT.search(text) is None or (joined := _JOINER.sub(_as_pause, text)) == text:
        return _redact_runs(text, options, counts, asked)
    found: Counter[str] = Counter()
    out = _redact_runs(text, options, found, asked)
    again: Counter[str] = Counter()
    joined_out = _redact_runs(joined, options, again, asked)
    if again.total() > found.total():
        out, found = joined_out, again
    counts.update(found)
    return out


def _find(
    groups: list[_Group],
    cue: str | None,
    plus: bool,
    spoken_plus: bool,
    not_phone: bool,
    options: PiiOptions,
    named_card: bool = False,
) -> list[tuple[int, int, str]]:
    """(first group, last group, placeholder) of each card, ID or phone in a run, left to right.

    A card may be followed by more digits (an expiry date: the 16-digit reading is tried first, then
    the longest); a phone or an ID takes the rest of the run but for "oh"/"one" words at its ends
    ("Oh, 5 5 5, ..."). After a card, the rest is judged again. Words before the run (``cue``, the
    plus) speak for it only from its first group."""
    found: list[tuple[int, int, str]] = []
    n = len(groups)
    last = n - 1
    while last > 0 and groups[last].word:
        last -= 1
    i = 0
    while i < n:
        kind = cue if not found else None
        # digits after a word of an identity number with no shape of its own are that number, never
        # a card or a phone (a passport, SNILS, SSN word leaves digits not of its shape to them)
        named = kind == "ident"
        hit = None
        if options.cards and not named:
            ends, size = [], 0
            for j in range(i, n):
                size += len(groups[j].digits)
                if size > 19:
                    break
                if size >= 13:
                    ends.append((size != 16, -size, j))
            for *_, j in sorted(ends):
                if _card(groups[i : j + 1], kind, named_card and not found):
                    hit = (i, j, "CARD")
                    break
        # a phone or an ID: up to 18 digits, an identity number after its word 20 (a bank account)
        rest = sum(len(g.digits) for g in groups[i : last + 1])
        for j in range(n - 1, max(i, last) - 1, -1) if hit is None and rest <= (20 if named else 18) else ():
            part = groups[i : j + 1]
            if options.ids and _ident(part, kind, not not_phone):
                hit = (i, j, "ID")
            elif (
                options.phones
                and not not_phone
                and not named
                # read from the record, as after a phone word: "I see 1 303 9 30 67 80 on the account"
                and _phone(part, "number" if kind == "record" else kind, plus and i == 0, spoken_plus)
            ):
                hit = (i, j, "PHONE")
            if hit is not None:
                break
        if hit is not None:
            found.append(hit)
            i = hit[1] + 1
        elif groups[i].word:  # speech before the number ("Oh, 5 5 5, ...")
            i += 1
        else:
            break  # not a number of ours from here on: a list, counting, prices
    return found


# --- e-mail as said ----------------------------------------------------------------------------------
_TLDS = (
    "com", "net", "org", "info", "biz", "edu", "gov", "io", "co", "ru", "su", "uk", "de", "us", "me",
    "by", "kz", "ua", "рф", "ком", "нет", "орг", "инфо", "ру",
)  # fmt: skip
#: Mail providers: with a top-level domain said without "dot" ("gmail com", "мейл ру").
_PROVIDERS = (
    "gmail", "googlemail", "hotmail", "icloud", "protonmail", "outlook", "yahoo", "yandex", "rambler",
    "mail", "inbox", "list", "bk", "ya", "гмейл", "гмайл", "джимейл", "джимайл", "яндекс", "рамблер",
    "мейл", "майл", r"g\s+mail", "бк", r"бэ\s+ка", r"би\s+кей", "инбокс", "лист",
)  # fmt: skip
#: Providers that are nothing but mail: also alone ("at gmail"); not "yandex" ("works at Yandex").
_MAIL_ONLY = (
    "gmail", "googlemail", "hotmail", "icloud", "protonmail", "гмейл", "гмайл", "джимейл", "джимайл",
)  # fmt: skip
_AT = r"(?:\s(?:at|собака|собачка|эт)(?:\s+(?:sign|symbol|the\s+rate))?,?\s+|@\s*)"
#: A dot written, also with a space each side as Whisper may write it ("yahoo . com"), or said.
_ANY_DOT = r"(?:\.|\s\.\s|,?\s+(?:dot|period|точка),?\s+)"
_SAID_DOT = r",?\s+(?:dot|period|точка),?\s+"
_SAID_DASH = r"\s+(?:dash|hyphen|тире|дефис)\s+"
_WORD = r"[\w-]++"
#: The at and domain: tried where a whitespace or "@" is, it rules out most texts with " at " at
#: once; the local part before it is then read backwards (see _local_start).
_TLD = "|".join(_TLDS)
_SPOKEN_TAIL = re.compile(
    rf"(?=\s[aсэ]|@){_AT}(?P<domain>"
    # one or two words, more parts after dots; a said dash joins a label ("ромашка тире трейд")
    rf"{_WORD}(?:{_SAID_DASH}{_WORD})*(?:\s+{_WORD})?(?:{_ANY_DOT}{_WORD}(?:{_SAID_DASH}{_WORD})*)*"
    rf"(?:(?:\.|\s\.\s)(?:{_TLD})|{_SAID_DOT}(?:{_TLD}|[^\W\d_]{{2}}))"  # a known TLD, or two letters said
    rf"|(?:{'|'.join(_PROVIDERS)})\s+(?:{_TLD})"  # "gmail com", "мейл ру"
    rf"|(?:{'|'.join(_MAIL_ONLY)})"  # "at gmail"
    rf")(?!\w)",
    re.I,
)
#: Words a domain said in two words does not hold: "at the office dot com", "at home dot com".
_NOT_DOMAIN = frozenset(
    ("the", "a", "an", "my", "our", "your", "his", "her", "their", "this", "that", "home", "office",
     "work", "school", "least", "all", "once", "first", "last", "night", "дома", "работе", "месте")
)  # fmt: skip
#: Words that come before "at" in plain speech, and e-mail cue words: never the start of a local part.
_NOT_LOCAL = frozenset(
    ("i", "me", "us", "we", "you", "it", "he", "she", "they", "them", "him", "her", "is", "am", "are",
     "was", "were", "be", "been", "look", "looking", "looked", "visit", "find", "found", "available",
     "online", "live", "work", "works", "worked", "working", "meet", "met", "arrive", "stay", "here",
     "there", "this", "that", "and", "or", "but", "site", "website", "page", "home", "office",
     "stuff", "things", "the", "a", "an", "to", "my", "your", "our", "his", "their", "its", "email",
     "e-mail", "address", "so", "okay", "ok", "yes", "yeah", "no", "not", "well", "um", "uh", "please",
     "thanks", "thank", "send", "sent", "write", "reach", "contact", "at", "on", "in", "for", "from",
     "with", "by", "of", "as", "via", "now", "today", "also", "just", "only", "still", "too", "phone",
     "order", "orders", "ordered", "buy", "bought", "pay", "paid", "purchase", "purchased", "shop",
     "shopping", "sell", "sold", "sign", "signed", "log", "logged", "register", "registered",
     "subscribe", "subscribed", "book", "booked", "check", "checked", "price", "prices", "product",
     "products", "item", "items", "deal", "deals", "account", "accounts", "app", "store", "job",
     "team", "friend", "friends", "saw", "seen", "see", "listed", "sale", "sales", "offer", "free",
     "get", "got", "go", "went", "call", "called", "cheaper", "cheapest", "discount", "discounts", "up",
     "out", "more", "details", "info", "information", "download", "apply", "booking", "ticket", "tickets",
     "registration", "watch", "read", "delivery", "payment", "checkout", "cart", "catalog", "link",
     "portal", "form", "service", "services", "offers", "listing", "review", "reviews", "something",
     "anything", "everything", "nothing", "looks",
     "почта", "почту", "почты", "почтой", "адрес", "адресу", "емейл", "имейл", "мой", "моя", "мою",
     "это", "вот", "на", "в", "к", "по", "у", "и", "или", "а", "но", "пишите", "напишите",
     "отправьте", "отправлю", "сайт", "сайте", "купил", "купила", "купили", "заказал", "заказала",
     "заказали", "оплатить", "оплатите", "оплатил", "оплата", "платите", "пожалуйста", "да", "нет",
     "ну", "так", "там", "тут", "есть", "меня", "мне", "его", "её", "ее", "их", "дома", "собака",
     "собачка", "эт", "он", "она", "они", "мы", "вы", "я", "работаю", "работает",
     # which address it is ("старая ..., новая ivan at ..."): said before one, never part of it
     "new", "old", "second", "other", "another", "correct", "right", "personal", "work", "новая",
     "новый", "новую", "старая", "старый", "старую", "рабочая", "рабочий", "рабочую", "личная", "личный",
     "личную", "другая", "другой", "другую", "правильная", "правильный", "правильную", "вторая", "второй")
)  # fmt: skip
#: Said separators inside a local part: "ivan dot petrov", "иван нижнее подчёркивание петров".
_JOINERS = frozenset(
    ("dot", "period", "точка", "underscore", "dash", "hyphen", "подчёркивание", "подчеркивание", "нижнее",
     "дефис", "тире", "нижний", "пробел")  # "нижний пробел": the underscore as many say it
)  # fmt: skip
#: The words of an address said aloud that are none of its own: the joiners and the at.
EMAIL_WORDS = _JOINERS | {"at", "собака", "собачка", "эт"}
#: Words a said joiner never ties into an address: "a dash home at ...", "it's me dot ..." are speech.
#: Any other word of :data:`_NOT_LOCAL` is one of its parts when a said joiner ties it to another word
#: ("ops dash team at acme dot com", "sales underscore info at ..."): no plain speech joins two words so.
_NEVER_JOINED = frozenset(
    ("i", "me", "us", "we", "you", "it", "he", "she", "they", "them", "him", "her", "is", "am", "are",
     "was", "were", "be", "been", "the", "a", "an", "to", "my", "your", "our", "his", "their", "its",
     "this", "that", "and", "or", "but", "so", "at", "on", "in", "for", "from", "with", "by", "of", "as",
     "via", "email", "e-mail", "address", "please", "почта", "почту", "почты", "адрес", "мой", "моя",
     "мою", "это", "вот", "на", "в", "к", "по", "у", "и", "или", "а", "но", "я", "мы", "вы", "он", "она",
     "они", "меня", "мне", "собака", "собачка", "эт")
)  # fmt: skip
#: A word and a said joiner right before a place: the word a joiner ties to the one after it.
_JOINED_BEFORE = re.compile(
    r"(?<![^\W\d_])([^\W\d_]+)\s+(?:dot|period|underscore|dash|hyphen|точка|дефис|тире|(?:нижнее\s+)?"
    r"подч[её]ркивание)\s+$",
    re.IGNORECASE,
)
#: Said between a local part and "at": skipped.
_THATS = frozenset(("that's", "that’s", "thats", "это"))
_LOCAL_TOKEN = re.compile(r"[\w+'’-]+")
_LOCAL_WORDS = 6
_LOCAL_NUMBER_WORDS = 16  # a phone number's digits said one by one, as a local part


def _said_number(word: str) -> bool:
    """Whether ``word`` (lower-case) is digits or number words ("fifty-five")."""
    return word.isdigit() or all(part in NUMBER_WORDS for part in word.split("-"))


def _tied(text: str, start: int, low: str) -> bool:
    """Whether the word ``low`` at ``start`` is tied by a said joiner to a word before it, neither of
    them one of :data:`_NEVER_JOINED` (nor the word before a joiner itself)."""
    if low in _NEVER_JOINED:
        return False
    m = _JOINED_BEFORE.search(text, max(0, start - 60), start)
    if m is None:
        return False
    before = m.group(1).lower()
    return before not in _NEVER_JOINED and before not in _JOINERS


def _local_start(text: str, end: int) -> int | None:
    """Where the local part that ends at ``end`` (where "at" starts) begins: up to six words or
    spelled letters, with said dots/underscores/dashes between; None when the word right before
    "at" is one that comes before "at" in plain speech."""
    start = None
    words = digits = 0
    joiner = spelled = after_digits = only_digits = False
    pos = end
    for tok in reversed(list(_LOCAL_TOKEN.finditer(text, max(0, end - 160), end))):
        word = tok.group()
        low = word.lower()
        gap = text[tok.end() : pos]
        letter = len(word) == 1 and word.isalpha()
        if start is None:  # the word right before "at"
            if gap.strip() not in ("", ",", "."):
                return None
            if low in _THATS and pos == end:  # "ivan dot petrov, that's at gmail dot com"
                pos = tok.start()
                continue
            if not letter and (
                (low in _NOT_LOCAL and not _tied(text, tok.start(), low))
                or low in _JOINERS
                or "'" in word
                or "’" in word
            ):
                return None
            start, words, spelled, pos = tok.start(), 1, letter, tok.start()
            after_digits = only_digits = _said_number(low)
            continue
        numeric = _said_number(low)
        if not (
            gap.isspace()
            or gap == "."
            or (letter and spelled and gap.strip() in (",", "."))
            or (numeric and after_digits and gap.strip() == ",")  # "two oh six, three six nine ..."
            # a pause before the digits that end it: "pruitt dot trevor, seventy-eight at aol.com"
            or (only_digits and gap.strip() == "," and low not in _NOT_LOCAL)
        ):
            break
        if low in _JOINERS:
            if joiner and low not in ("нижнее", "нижний"):
                break
            joiner, pos = True, tok.start()
            continue
        # the digits of a local part said as number words ("восемь девятьсот семьдесят семь ... собака")
        # count as one word
        # a letter before digits is an initial ("frolov точка a девятнадцать семьдесят шесть"), no article
        if not (letter and (spelled or after_digits)) and (
            (low in _NOT_LOCAL and not (joiner and low not in _NEVER_JOINED))
            or "'" in word
            or "’" in word
            or (words >= _LOCAL_WORDS and not numeric)
        ):
            break
        if numeric:
            digits += 1
            if digits > _LOCAL_NUMBER_WORDS:
                break
        else:
            words += 1
        start, spelled, joiner, pos, after_digits = tok.start(), letter, False, tok.start(), numeric
        only_digits = only_digits and numeric
    return start


def _redact_spoken_emails(text: str, pos: int, counts: Counter[str]) -> str:
    """Spoken e-mails from ``pos`` on (where _SPOKEN_TAIL first matched)."""
    out: list[str] = []
    done = 0
    for tail in _SPOKEN_TAIL.finditer(text, pos):
        if tail.start() < done:
            continue
        if not _NOT_DOMAIN.isdisjoint(tail.group("domain").lower().split()[:2]):
            continue
        start = _local_start(text, tail.start())
        if start is None or start < done:
            continue
        counts["EMAIL"] += 1
        out.append(text[done:start])
        out.append("[EMAIL]")
        done = tail.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


_LETTERS = re.compile(r"[^\W\d_]+")
#: Words of an e-mail said aloud that name nobody: its joiners, the at, domains, mail providers.
_NOT_NAME_PARTS = frozenset(
    (*_TLDS, *(p for p in _PROVIDERS if " " not in p and "\\" not in p), "dot", "period", "underscore",
     "dash", "hyphen", "точка", "тире", "дефис", "нижнее", "подчёркивание", "подчеркивание", "собака",
     "собачка")
)  # fmt: skip
#: Words joining the parts of an e-mail said aloud ("jenny underscore kowalski", "точка", "тире").
_EMAIL_JOINER = r"(?:dot|period|underscore|dash|hyphen|точка|тире|дефис|(?:нижнее\s+)?подч[её]ркивание)"
#: Between the letters of a word spelled out: "P-E-T-R-O-V", "M, O, R, O, Z", "p e t r o v".
_SPELL_GAP = r"[\s,.\-–—]{1,3}"
#: Characters between an e-mail and its spelling that one placeholder takes ("..., petrov is ").
_SPELL_AFTER = 60


def _redact_spelled(said: str, text: str) -> str:
    """``text`` (``said`` with its e-mails redacted) without the e-mail's words spelled out after it
    ("..., petrov is P-E-T-R-O-V", "morozova латиницей, M, O, R, O, Z, O, V, A"): the spelling, and
    the word said again right before it, are the e-mail's (not counted again). A word of the e-mail
    said again without its spelling ("our company") stays: it may be an ordinary word."""
    gone = Counter(w.lower() for w in _LETTERS.findall(said))
    gone.subtract(w.lower() for w in _LETTERS.findall(text))
    words = [w for w, n in gone.items() if n > 0 and len(w) >= 3 and w not in _NOT_NAME_PARTS]
    if words and takes_back(text):
        # an attempt taken back ("jenny underscore kowalski... no, sorry, with a dot, [EMAIL]"): its
        # words are the e-mail's; the run of them with their joiners goes into one placeholder. Only
        # right before a take-back that leads to the e-mail: elsewhere in the call ("Linda Ortiz",
        # "Thank you, Linda") the words are a name, not an e-mail.
        name = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
        # (with the words joined before it: "john dot smith... no wait, ..." leaves no "john dot")
        run = (
            rf"(?<![^\W\d_])(?:[\w-]+\s+{_EMAIL_JOINER}\s+)*(?:{name})(?:\s+{_EMAIL_JOINER}\s+[\w-]+)*(?![^\W\d_])"
            rf"(?=[\s.,…—–-]*(?:(?:no|nope|нет)[\s.,…—–-]+)?{_TAKE_BACK.pattern}"
            rf"[^\[\]]{{0,{_TAKE_BACK_CHARS}}}?\[EMAIL\])"
        )
        text = re.sub(run, "[EMAIL]", text, flags=re.I)
    for word in words:
        spelled = _SPELL_GAP.join(map(re.escape, word))
        # right after the e-mail: one placeholder for both (one e-mail in calls.pii_redacted)
        text = re.sub(
            rf"\[EMAIL\][^\[\]]{{0,{_SPELL_AFTER}}}?(?<![^\W\d_]){spelled}(?![^\W\d_])",
            "[EMAIL]",
            text,
            flags=re.IGNORECASE,
        )
        text = re.sub(
            rf"(?:(?<![^\W\d_]){re.escape(word)}(?:\s+[^\W\d_]+){{0,2}}[\s,:—-]*)?"
            rf"(?<![^\W\d_]){spelled}(?![^\W\d_])",
            "[EMAIL]",
            text,
            flags=re.IGNORECASE,
        )
    return _said_before_its_spelling(said, text)


#: A word spelled out letter by letter: "K-U-Z-N-E-T-S-O-V-A", "p e t r o v" (4 letters or more).
_SPELLED_RUN = re.compile(r"(?<![^\W\d_])[^\W\d_](?:[\s,.\-–—]{1,3}[^\W\d_](?![^\W\d_])){3,}")


def _said_before_its_spelling(said: str, text: str) -> str:
    """``text`` without the word an e-mail's spelled local part repeats, said before it in the same
    sentence ("Электронка kuznetsova85... по буквам: K-U-Z-N-E-T-S-O-V-A, собака ...", "It's
    jsmith77, let me spell it, J-S-M-I-T-H at ..."): the spelling went into the placeholder, the word
    (digits and all) is the same address. A name in a sentence before ("My name is Petrov. Email:
    p-e-t-r-o-v at ...") stays."""
    for run in _SPELLED_RUN.finditer(said):
        if run.group() in text:
            continue  # a spelling that is no part of an e-mail redacted here
        word = re.escape("".join(_LETTERS.findall(run.group())).lower())
        text = re.sub(
            rf"(?<![^\W\d_]){word}(?:(?!{_SENTENCE_END})[^\[\]]){{0,{_SPELL_AFTER}}}?\[EMAIL\]",
            "[EMAIL]",
            text,
            flags=re.IGNORECASE,
        )
    return text


#: The end of a sentence: a full stop, question or exclamation mark before a capital.
_SENTENCE_END = r"[.!?]+\s+(?-i:[A-ZА-ЯЁ])"


#: A card's security code after its word: "CVV 172", "CVV-код 580", "код на обороте 123", "security
#: code 4 5 6", "три цифры сзади: 5, 1, 3" (the word is kept). Card data: the card's placeholder.
_CVV_WORDS = (
    r"(?<![^\W\d_])(?:cvv2?|cvc2?|cvn|cid|security\s+code|card\s+code|код\s+безопасности|"
    r"код\s+на\s+обороте|код\s+с\s+обратной\s+стороны|код\s+с\s+оборота|код\s+сзади|(?:three|3)[\s-]digit\s+code|code\s+on\s+the\s+back|"
    r"(?:the\s+)?(?:three|3|four|4)\s+digits(?:\s+on\s+the\s+back)?|"
    r"(?:три|3|четыре|4)\s+цифры(?:\s+(?:на\s+обороте|сзади|с\s+обратной\s+стороны))?)"
)
#: A request for a card's security code, which the other speaker's next words answer ("And the
#: three-digit code on the back?" / "One eighty-seven.").
CVV_ASK = re.compile(
    rf"{_CVV_WORDS}|code\s+on\s+the\s+(?:back|front)|(?:three|four|3|4)[\s-]digit\s+code|"
    # an Amex's four-digit code is on its front
    r"код\s+с\s+(?:обратной|лицевой)\s+стороны|(?:тр[её]х|четыр[её]х)значный\s+код",
    re.I,
)
#: Substrings every :data:`CVV_ASK` match holds one of: a call without any skips the regex, which
#: costs half a millisecond on a 5-minute call's text.
_CVV_ASK_HINTS = ("CV", "cv", "Cv", "ecurity", "ECURITY", "ard code", "цифр", "оборот", "обратной",
                  "igit", "CID", "cid", "CVN", "cvn", "back", "front", "значный", "лицевой")  # fmt: skip


#: Where a word starts, for a pattern that has just read the word's first character: no letter before it.
_AFTER_WORD_START = r"(?<![^\W\d_].)"


def _scanning(firsts: str, branches: dict[str, tuple[str, str]], end: str = "") -> re.Pattern[str]:
    """An IGNORECASE pattern's twin for whether it matches anywhere (not where, nor what), for a
    5-minute call's text: the pattern as ``branches``, one per first character of its matches, each
    (the rest where a word starts there, the rest anywhere), then ``end``; ``firsts``: those
    characters in every case IGNORECASE matches (``s`` also ``ſ``, ``т`` also ``ᲄ``, ``ᲅ``: see
    tests/unit/test_pii_scan.py).

    Why: a pattern opening with a look-behind or case-insensitive letters is tried at every position
    of the text (half a millisecond for :data:`CVV_ASK` on a call); one opening with a case-sensitive
    character class lets the regex engine skip in C to the few positions that class allows."""
    at_word_only = not any(anywhere for _, anywhere in branches.values())
    alternatives = []
    for first, (at_word, anywhere) in branches.items():
        start = "" if at_word_only else _AFTER_WORD_START
        rests = [f"{start}(?i:{at_word})"] * bool(at_word) + [f"(?i:{anywhere})"] * bool(anywhere)
        alternatives.append(f"(?i:(?<={first}))(?:{'|'.join(rests)})")
    # (a word's start looked at once, right after its first character, when every match starts one)
    return re.compile(f"[{firsts}]{_AFTER_WORD_START * at_word_only}(?:{'|'.join(alternatives)}){end}")


#: :data:`CVV_ASK` for :func:`asks_cvv` (see :func:`_scanning`): its alternatives by their first letter,
#: those of :data:`_CVV_WORDS` where a word starts.
_CVV_ASK_SCAN = _scanning(
    "cCsSſtT3fF4кКтТᲄᲅчЧ",
    {
        "c": (
            r"vv2?|vc2?|vn|id|ard\s+code|ode\s+on\s+the\s+back",
            r"ode\s+on\s+the\s+(?:back|front)",
        ),
        "s": (r"ecurity\s+code", ""),
        "к": (
            r"од\s+безопасности|од\s+на\s+обороте|од\s+с\s+обратной\s+стороны|од\s+с\s+оборота|од\s+сзади",
            r"од\s+с\s+(?:обратной|лицевой)\s+стороны",
        ),
        "t": (
            r"hree[\s-]digit\s+code|he\s+(?:three|3|four|4)\s+digits(?:\s+on\s+the\s+back)?"
            r"|hree\s+digits(?:\s+on\s+the\s+back)?",
            r"hree[\s-]digit\s+code",
        ),
        "3": (
            r"[\s-]digit\s+code|\s+digits(?:\s+on\s+the\s+back)?"
            r"|\s+цифры(?:\s+(?:на\s+обороте|сзади|с\s+обратной\s+стороны))?",
            r"[\s-]digit\s+code",
        ),
        "f": (r"our\s+digits(?:\s+on\s+the\s+back)?", r"our[\s-]digit\s+code"),
        "4": (
            r"\s+digits(?:\s+on\s+the\s+back)?|\s+цифры(?:\s+(?:на\s+обороте|сзади|с\s+обратной\s+стороны))?",
            r"[\s-]digit\s+code",
        ),
        "т": (r"ри\s+цифры(?:\s+(?:на\s+обороте|сзади|с\s+обратной\s+стороны))?", r"р[её]хзначный\s+код"),
        "ч": (
            r"етыре\s+цифры(?:\s+(?:на\s+обороте|сзади|с\s+обратной\s+стороны))?",
            r"етыр[её]хзначный\s+код",
        ),
    },
)


def asks_cvv(text: str) -> bool:
    """Whether ``text`` asks for a card's security code (:data:`CVV_ASK`), not only for the card's
    last four (:func:`asks_card_last_four`: its "4 digits" are no code)."""
    if not any(map(text.__contains__, _CVV_ASK_HINTS)) or _CVV_ASK_SCAN.search(text) is None:
        return False
    # the card's last four asked: a code only where asked besides them (also elsewhere in a call's text)
    return not asks_card_last_four(text) or _CVV_ASK_SCAN.search(_CARD_LAST_FOUR.sub(" ", text)) is not None


#: A request for a card's last (or first) four digits: "What are the last four digits of the card?",
#: "Последние 4 цифры карты?". PCI DSS lets them be stored and docs/pii.md keeps them: the "4 digits"
#: of :data:`_CVV_WORDS` there are no security code. Only where the card is named: the last four of
#: an account ("последние четыре цифры счёта") are still read as a code, whose placeholder hides them.
#: (Its "4 digits" still count where a code is asked besides: "the last four of the card and the 3
#: digits on the back".)
_CARD_LAST_FOUR = re.compile(
    r"(?<![^\W\d_])(?:(?:last|final|first)\s+(?:four|4)(?:\s+digits)?\s+(?:of|on|from)\s+"
    r"(?:(?:the|your|this|that|his|her)\s+)?(?:[^\W\d_]+\s+)?card"
    r"|(?:последни[еих]|первы[еих])\s+(?:четыре|4)\s+цифр[ыа]?\s+(?:[^\W\d_]+\s+){0,2}?карт)",
    re.I,
)


def asks_card_last_four(text: str) -> bool:
    """Whether ``text`` asks for a card's last or first four digits (:data:`_CARD_LAST_FOUR`)."""
    return ("ast" in text or "irst" in text or "inal" in text or "оследн" in text or "ерв" in text) and (
        _CARD_LAST_FOUR.search(text) is not None
    )


#: A request for the last four digits of an identity number: "And the last four of your social?",
#: "last 4 digits of the SSN", "последние четыре цифры паспорта / СНИЛС".
_ID_LAST_FOUR = re.compile(
    r"(?<![^\W\d_])(?:last\s+(?:four|4)(?:\s+digits)?\s+(?:of\s+)?(?:(?:your|the|his|her|their|my)\s+)?"
    # whose number it is: "the account holder's Social", "the primary holder's SSN"
    r"(?:[^\W\d_]+\s+)?(?:[^\W\d_]+(?:'s|’s)\s+)?"
    r"(?:social|ssn|sin|passport|id\b|driver|licen[cs]e|policy|member|nhs|national\s+insurance)"
    # the purpose may stand between: "Your social for the engagement letter, the last four is fine."
    r"|(?:social|ssn)\b[^.?!]{0,50}\blast\s+(?:four|4)\b|"
    r"последни[еих]\s+(?:четыре|4)\s+цифр[ыа]?\s+(?:вашего\s+|от\s+)?(?:паспорт|снилс|инн|полис|прав))",
    re.I,
)
#: A request for the last four digits of the caller's phone ("the last four of your mobile number",
#: "последние четыре цифры телефона"): a check of a person's number, its digits the phone's.
_PHONE_LAST_FOUR = re.compile(
    r"(?<![^\W\d_])(?:last\s+(?:four|4)(?:\s+digits)?\s+of\s+(?:your|the|his|her|their|my)\s+"
    r"(?:mobile|cell|phone|telephone|contact\s+number)"
    r"|последни[еих]\s+(?:четыре|4)\s+цифр[ыа]?\s+(?:вашего\s+)?(?:номера\s+)?(?:телефон|мобильн))",
    re.I,
)


#: :data:`_ID_LAST_FOUR` and :data:`_PHONE_LAST_FOUR` for :func:`asks_id_last_four` and
#: :func:`asks_phone_last_four` (see :func:`_scanning`), asked of a call's whole text.
_ID_LAST_FOUR_SCAN = _scanning(
    "lLsSſпП",
    {
        "l": (
            r"ast\s+(?:four|4)(?:\s+digits)?\s+(?:of\s+)?(?:(?:your|the|his|her|their|my)\s+)?"
            r"(?:[^\W\d_]+\s+)?(?:[^\W\d_]+(?:'s|’s)\s+)?"
            r"(?:social|ssn|sin|passport|id\b|driver|licen[cs]e|policy|member|nhs|national\s+insurance)",
            "",
        ),
        "s": (r"(?:ocial|sn)\b[^.?!]{0,50}\blast\s+(?:four|4)\b", ""),
        "п": (
            r"оследни[еих]\s+(?:четыре|4)\s+цифр[ыа]?\s+(?:вашего\s+|от\s+)?(?:паспорт|снилс|инн|полис|прав)",
            "",
        ),
    },
)
_PHONE_LAST_FOUR_SCAN = _scanning(
    "lLпП",
    {
        "l": (
            r"ast\s+(?:four|4)(?:\s+digits)?\s+of\s+(?:your|the|his|her|their|my)\s+"
            r"(?:mobile|cell|phone|telephone|contact\s+number)",
            "",
        ),
        "п": (
            r"оследни[еих]\s+(?:четыре|4)\s+цифр[ыа]?\s+(?:вашего\s+)?(?:номера\s+)?(?:телефон|мобильн)",
            "",
        ),
    },
)


def asks_id_last_four(text: str) -> bool:
    """Whether ``text`` asks for the last four digits of an identity number (:data:`_ID_LAST_FOUR`)."""
    return ("ast" in text or "оследн" in text) and _ID_LAST_FOUR_SCAN.search(text) is not None


def asks_phone_last_four(text: str) -> bool:
    """Whether ``text`` asks for the last four digits of the caller's phone (:data:`_PHONE_LAST_FOUR`)."""
    return ("ast" in text or "оследн" in text) and _PHONE_LAST_FOUR_SCAN.search(text) is not None


#: A digit of a code said one by one: normalisation leaves a lone "one"/"oh" in words.
_CODE_DIGIT = r"(?:\d|(?:one|один|oh)(?![^\W\d_]))"
#: The words before a card's code in :data:`_CVV` (also before its placeholder: :func:`count_placeholders`).
#: The code told to someone later in the sentence that names it ("спрашивали код на обороте, я сказала
#: 321", "asked for the code on the back, and I gave them 4 5 6"): a verb of saying right before the digits.
_CVV_TOLD = (
    r"(?:[\s,]+[^.?!;\d\[\]]{0,40}?(?<![^\W\d_])(?:(?:с|на|про|по)?(?:сказал|назвал|диктовал|говорил|сообщил)[аи]?"
    r"|said|told(?:\s+(?:them|him|her))?|gave(?:\s+(?:them|him|her|it\s+to\s+(?:them|him|her)))?)"
    r"(?:\s+(?:им|ему|ей))?(?![^\W\d_]))?"
)
_CVV_LEAD = (
    # a filler between the words and the digits too: "И код сзади сразу: 816."
    rf"{_CVV_WORDS}{_CVV_TOLD}(?:\s+(?:сразу|тогда|вот|там|ну|then|so|here|there)(?![^\W\d_]))?"
    rf"(?:[\s:,-]*(?:код|code|is|are|это|—))?[\s:,.—-]*"
)
_CVV = re.compile(rf"({_CVV_LEAD}){_CODE_DIGIT}(?:[\s,.-]{{0,2}}{_CODE_DIGIT}){{2,3}}(?![\d])", re.I)
_CVV_WORD = re.compile(_CVV_WORDS, re.I)
#: "Код 827." after the code was asked for ("…и код на обороте, пожалуйста."): the bare word will do.
_BARE_CODE = re.compile(r"(?<![^\W\d_])((?:код|code)[\s:—-]*)\d{3,4}(?!\d)", re.I)
#: A digit said as a word in a card's code ("the code is eight-five-two-seven", "код пять шесть три").
_DIGIT_WORD = (
    r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|ноль|нуль|один|одна|два|две|три|четыре|"
    r"пять|шесть|семь|восемь|девять)(?![^\W\d_])"
)
_CODE_ITEM = rf"(?:\d|{_DIGIT_WORD})"
#: A card's code after the bare word, once a card was given in the call: "and the code is 852",
#: "код 7 2 6", "Код 354 я никому не говорила". The code's digits follow "код"/"code" directly, so
#: "код подтверждения 4821" and "код города 495" never match; "area code", "zip code", "promo code"
#: are other codes; a price or count after the digits ("код 300 рублей") is no code. Its words
#: (``_CARD_CODE_LEAD``, where a word starts) also come before the code's placeholder.
_CARD_CODE_LEAD = (
    r"(?<!area\s)(?<!zip\s)(?<!postal\s)(?<!promo\s)(?<!access\s)(?<!sms\s)"
    r"(?<!смс\s)(?<!промо\s)(?:the\s+)?(?:code|код)(?:['’]s|\s+(?:is|это))?[\s:,—-]*"
)
_CARD_CODE = re.compile(
    rf"(?<![^\W\d_])({_CARD_CODE_LEAD})"
    rf"{_CODE_ITEM}(?:(?:[\s,-]{{1,2}}|\.\s?){_CODE_ITEM}){{2,3}}(?![\d-]|[\s,.-]{{0,2}}\d)"
    rf"(?![\s,.-]{{0,2}}{_DIGIT_WORD}|{_UNIT_AFTER.pattern})"
    r"|(?<![^\W\d_])((?<!area\s)(?<!zip\s)(?<!promo\s)(?:the\s+)?(?:code|код)(?:['’]s|\s+(?:is|это))?[\s:,—-]*)"
    rf"\d{{3,4}}(?!\d|[\s,.-]{{0,2}}\d|{_UNIT_AFTER.pattern})",
    re.I,
)


def redact_card_code(text: str) -> tuple[str, int]:
    """``text`` with a card's code said after the bare word "код"/"code" (:data:`_CARD_CODE`) as the
    card's placeholder, and how many: for text in a call where a card was given."""
    if "од" not in text and "ode" not in text and "ОД" not in text and "ODE" not in text:
        return text, 0
    found = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal found
        found += 1
        return f"{m.group(1) or m.group(2)}[CARD]"

    return _CARD_CODE.sub(repl, text), found


#: A card's code said right after the card and its expiry date, in one breath ("[CARD], 10 29, 227",
#: "[CARD], expires 09/31, and the code is 9 15", "[CARD], до 12/30, код 427", "[CARD], действует до
#: 01/27, а сзади 425", "[CARD], exp 01/26, and on the back 8, 2, 9", "[CARD], 03/30, the code's 920").
_CODE_AFTER_EXPIRY_LEAD = (
    r"\[CARD\][\s,.;:–—-]+"
    r"(?:(?:exp(?:ires|iry|iration)?(?:\s+date)?|valid\s+(?:thru|through|until)"
    r"|(?:(?:срок(?:\s+действия)?|действует|действительна|годна)\s+)?до|срок(?:\s+действия)?)[\s:,]*)?"
    r"(?:0?\s?[1-9]|1[0-2])\s?[/.\s-]\s?(?:20)?\d{2}[\s,.;:–—-]+"
    r"(?:(?:and\s+|а\s+)?(?:the\s+)?(?:cvv|cvc|cvv2|security\s+code|code|код|cvv-код|on\s+the\s+back"
    r"|сзади|на\s+обороте|с\s+обратной\s+стороны)(?:['’]s|\s+(?:is|it's))?[\s,:–—-]*)?"
)
_CODE_AFTER_EXPIRY = re.compile(
    rf"({_CODE_AFTER_EXPIRY_LEAD})\d(?:[\s,.-]{{0,2}}\d){{2,3}}(?![\s,.-]{{0,2}}\d)", re.IGNORECASE
)


def redact_code_after_expiry(text: str) -> tuple[str, int]:
    """``text`` with a card's code said right after the card's placeholder and its expiry date (see
    :data:`_CODE_AFTER_EXPIRY`) as the card's placeholder, and how many."""
    if "[CARD]" not in text:
        return text, 0
    found = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal found
        if is_amount(text, m.end(1), m.end()):  # "[CARD], 12/30, 4000 dollars": the amount charged
            return m.group()
        found += 1
        return f"{m.group(1)}[CARD]"

    return _CODE_AFTER_EXPIRY.sub(repl, text), found


_CVV_HINTS = (
    "CV",
    "cv",
    "Cv",
    "ecurity",
    "ECURITY",
    "ard code",
    "цифр",
    "оборот",
    "езопасн",
    "igits",
    "CID",
    "CVN",
    "on the back",
    "igit code",
    "обратной",
    "сзади",  # "код сзади 816"
)
_CVV_HINT = _any_of(_CVV_HINTS)


#: A bare answer to a request for a passport ("Серия?" / "55 15", "Номер паспорта?" / "856 998."): its
#: series (4 digits), number (6) or both (10), with no word that would say what they are.
_BARE_PASSPORT_PART = re.compile(
    r"\s*(?:(?:да|так|ну|пишите|записывайте|yes|sure|it's|okay|ok)[,.\s]+)?"
    r"(\d(?:[\s,.-]{0,2}\d){3}|\d(?:[\s,.-]{0,2}\d){5}|\d(?:[\s,.-]{0,2}\d){9}"
    # a US passport: a letter and 8 digits ("A61934553", "A, 8 8 4 0 1 1 5 4")
    r"|[A-Z][\s,.-]{0,2}\d(?:[\s,.-]{0,2}\d){7})[\s.,…]*",
    re.IGNORECASE,
)


#: Digit groups a read-back leaves after an ellipsis between two pieces of one number it redacted, or
#: right before or after one, up to the question ("I have [CARD]... 61 04, 3 3... [CARD], correct?",
#: "Проверяю: [PHONE]... 71, 20 0 4?"): the number's middle, start or end, said with its pauses (not a
#: card's expiry between it and its code).
_PIECE_ITEM = r"(?:\d+|(?<![^\W\d_])oh?(?![^\W\d_]))"
_BETWEEN_PIECES = re.compile(
    rf"\[(CARD|PHONE|ID)\]\s*(?:\.{{3}}|…)\s*{_PIECE_ITEM}(?:[\s,.…-]+{_PIECE_ITEM})*[\s,.…-]+\[\1\]"
)
_PIECE_DIGITS = r"\d(?:(?:[\s,-]{1,2}|\s*(?:\.{3}|…)\s*)?\d)*"
_PIECE_BEFORE = re.compile(rf"(?<![^\W_])({_PIECE_DIGITS})\s*(?:\.{{3}}|…)\s*\[(CARD|PHONE|ID)\]")
_PIECE_AFTER = re.compile(
    rf"\[(CARD|PHONE|ID)\]\s*(?:\.{{3}}|…)\s*({_PIECE_DIGITS})(?![\w-])(?=\s*(?:[,.?!]|$))"
)


def join_pieces(text: str) -> tuple[str, Counter[str]]:
    """``text`` with the digits :data:`_BETWEEN_PIECES`, :data:`_PIECE_BEFORE` and :data:`_PIECE_AFTER`
    find taken into their placeholder (4 digits or more for a piece on one side, not a year alone),
    and how many placeholders took some."""
    joined: Counter[str] = Counter()

    def between(m: re.Match[str]) -> str:
        joined[m.group(1)] += 1
        return f"[{m.group(1)}]"

    def one_side(m: re.Match[str], digits: str, kind: str) -> str:
        said = re.sub(r"\D", "", digits)
        if len(said) < 4 or (said == digits and is_year(said)):
            return m.group()
        joined[kind] += 1
        return f"[{kind}]"

    text = _BETWEEN_PIECES.sub(between, text)
    text = _PIECE_BEFORE.sub(lambda m: one_side(m, m.group(1), m.group(2)), text)
    text = _PIECE_AFTER.sub(lambda m: one_side(m, m.group(2), m.group(1)), text)
    return text, joined


#: :func:`_nothing_to_redact`'s three scans in one, for e-mails and cards both redacted (the default): a
#: digit, :func:`_says_at`'s signs ("обак"/"обач" hold its "оба") and :data:`_CVV_HINTS` with their
#: shared starts factored out ("CVN" holds "CV"): 40 % less time than the three scans on the turns of
#: 200 generated calls. tests/unit/test_pii_fast_path.py checks it against them.
_NOT_DIGITS_NOR_AT = (
    r"C(?:[Vv]|ID)|cv|ecurity|ECURITY|ard code|цифр|об(?:орот|ратной|ак|ач)|езопасн"
    r"|igit(?:s| code)|on the back|сзади"
)
_ANY_TO_REDACT = re.compile(r"[\d@]| (?:at|At|AT|эт) |" + _NOT_DIGITS_NOR_AT)
#: :data:`_ANY_TO_REDACT` for a text known to hold no digit, no "@" and no word "at" nor "эт": the same
#: verdict, without trying the spoken "at" at every space (a third of the time).
ANY_TO_REDACT_WITHOUT_DIGITS = re.compile(_NOT_DIGITS_NOR_AT)


def _nothing_to_redact(text: str, options: PiiOptions) -> bool:
    """Whether :func:`redact` leaves ``text`` as it is for want of a digit: most turns have none, and
    with no digit only an e-mail or a card's code said in words ("CVV one oh one") is redacted; every
    other path needs one (tests/unit/test_pii_fast_path.py checks it against the plain code)."""
    if options.emails and options.cards:
        return _ANY_TO_REDACT.search(text) is None
    return (
        _DIGIT_ANY.search(text) is None
        and not _says_at(text, options)
        and not (options.cards and _CVV_HINT.search(text) is not None)
    )


def redact(
    text: str, options: PiiOptions = PiiOptions(), asked: str | None = None
) -> tuple[str, dict[str, int]]:
    """``text`` with PII replaced by placeholders, and counts by placeholder type. ``asked``: the kind
    of identity number (:data:`ID_KINDS`) the other speaker just asked for (:func:`asked_id`), or
    "card" (:func:`asks_for_card`): digits in ``text`` are that number unless a word in it says
    otherwise."""
    if not options.enabled:
        return text, {}
    if _nothing_to_redact(text, options):
        return text, {}
    if options.ids and ("ast fo" in text or "ast 4" in text):
        # "the last four of my social are 4735": a social's last four named, asked for or not
        said, named = _SSN_LAST_FOUR_SAID.subn(r"\1[ID]", text)
        if not named and asked != "card" and not names_card(text):
            # "For my daughter's account, the last four are 1866.": the last four of what is not said,
            # no card named nor asked for (a card's last four are no PII): an identity number's
            said, named = _redact_last_four_of_whose(text)
        if named:
            out, counts = _redact_text(said, options, asked)
            return out, dict(Counter(counts) + Counter({"ID": named}))
    if (
        asked is None
        and options.ids
        and _DIGIT_ANY.search(text) is not None  # _NAMED_AFTER starts after a digit: exact, and cheaper
        and _NAMED_AFTER_HINT.search(text) is not None
    ):
        # "I'm showing 4122 99998 as your passport number": the kind named after the digits
        for m in _NAMED_AFTER.finditer(text):
            kind = named_id(text[m.end() : m.end() + _CUE_CHARS])
            if kind is not None:
                head, head_counts = _redact_text(text[: m.start()], options, kind)
                tail, tail_counts = redact(text[m.start() :], options)
                return head + tail, dict(Counter(head_counts) + Counter(tail_counts))
    return _redact_text(text, options, asked)


#: Digits, then what they are: "4122 99998 as your passport number", "4512 345678 — это ваш паспорт?"
_NAMED_AFTER = re.compile(
    r"(?<=\d)[\s,—–-]*(?:(?:as|is)\s+(?:your|my|his|her|their|the)|(?:как|это)\s+(?:ваш|мой|его|е[её]|их)\w*)"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)
#: Its gate, a superset in one case-sensitive scan (the IGNORECASE alternation after every "s" cost
#: more than the pattern itself): a digit, then "as"/"is"/"как"/"это" in any case and a space.
_NAMED_AFTER_HINT = re.compile(r"\d[\s,—–-]*(?:[aAiI][sS]|[кК][аА][кК]|[эЭ][тТ][оО])\s")


#: A word in lower case (its first letter maybe a capital: "Номер+79161234567", or a short one with its
#: apostrophe: "it's7139319544") run into 7 digits or more (or a plus and them), not an address's local
#: part ("ivan19831212@mail.ru") nor a code in capitals ("WVWWGCSP0S3304565").
_FUSED = re.compile(
    r"(?<![\w.@+-])([A-ZА-ЯЁa-zа-яё][a-zа-яё]{2,}(?:['’][a-z]+)?|[A-Za-z][a-z]?['’][a-z]+)(\+?\d{7,})(?![\d@]|\.\w)"
)
#: Four digits said as one group, two pairs or one by one, and no more after them.
_FOUR_DIGITS_SAID = r"(\d{4}|\d\d[\s-]\d\d|\d(?:[\s,-]{1,2}\d){3})(?![\d]|[\s,-]{1,2}\d)"
#: The last four of a social security number named with their words (a card's last four are no PII).
_SSN_LAST_FOUR_SAID = re.compile(
    r"(?<![^\W\d_])((?:the\s+)?last\s+(?:four|4)(?:\s+digits)?\s+of\s+(?:my|his|her|the|your|our)\s+"
    r"(?:social(?:\s+security(?:\s+number)?)?|ssn|s\.s\.n\.)\s*(?:(?:are|is|were|would\s+be)(?![^\W\d_]))?[\s:,—#№-]*)"
    + _FOUR_DIGITS_SAID,
    re.IGNORECASE,
)


#: The last four digits of a number whose kind is not named ("the last four are 1866").
_LAST_FOUR_SAID = re.compile(
    r"(?<![^\W\d_])((?:the\s+)?last\s+(?:four|4)(?:\s+digits)?\s+(?:are|is)(?![^\W\d_])[\s:,—#№-]*)"
    + _FOUR_DIGITS_SAID,
    re.IGNORECASE,
)


#: Whose or which account's last four they are, said before them ("For my daughter's account, the last
#: four are 1866."): an identity check, not the last group of a dictation ("and the last four are
#: 5775") nor a correction of one ("No, no, the last four are oh four eight nine").
_WHOSE_LAST_FOUR = re.compile(
    r"(?<![^\W\d_])(?:account|(?:my|his|her|their|our)\s+\w+['’]s)(?![^\W\d_])", re.I
)


def _redact_last_four_of_whose(text: str) -> tuple[str, int]:
    """``text`` with :data:`_LAST_FOUR_SAID` redacted where :data:`_WHOSE_LAST_FOUR` says whose they
    are; and how many were."""
    named = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal named
        if _WHOSE_LAST_FOUR.search(m.string, 0, m.start()) is None:
            return m.group()
        named += 1
        return f"{m.group(1)}[ID]"

    return _LAST_FOUR_SAID.sub(repl, text), named


def _redact_text(text: str, options: PiiOptions, asked: str | None) -> tuple[str, dict[str, int]]:
    """:func:`redact` past the last four of a social."""
    bare = _BARE_PASSPORT_PART.fullmatch(text) if asked == "passport" and options.ids else None
    if bare is not None and not is_year(said_digits(bare.group(1))):  # "В каком году выдан?" / "2015."
        return f"{text[: bare.start(1)]}[ID]{text[bare.end(1) :]}", {"ID": 1}
    if "одразделени" in text and _DEPARTMENT_CODE.search(text) is not None:
        # a passport's department code (its six digits in three and three) read before its series and
        # number ("код подразделения 521-055, 65 10 100731"): the issuing office's, no more of the
        # number; each read as a mark no pattern takes for a digit, as a hotline is below
        codes: list[str] = []

        def code_mark(m: re.Match[str]) -> str:
            codes.append(m.group(2))
            return m.group(1) + chr(_CODE_MARK + len(codes) - 1)

        out, counts = _redact_text(_DEPARTMENT_CODE.sub(code_mark, text), options, asked)
        return out.translate({_CODE_MARK + i: code for i, code in enumerate(codes)}), counts
    if "8" in text and _TOLL_FREE_HINT.search(text) is not None:
        if options.ids and _IBAN_START.search(text) is not None:
            # an IBAN's groups may hold 800 and 7 digits ("GB58. MIDL. 6330. 8001. 9822. 23"): it goes first
            text, ibans = redact_ibans(text)
            if ibans:
                out, counts = _redact_text(text, options, asked)
                return out, dict(Counter(counts) + Counter({"ID": ibans}))
        marks: dict[str, str] = {}

        def mark(m: re.Match[str]) -> str:
            digits = re.sub(r"\D", "", m.group())
            if _TOLL_FREE_DIGITS.fullmatch(digits) is None:
                return m.group()
            if (
                asked == "passport"
                and len(digits) == _PASSPORT_DIGITS
                and tuple(map(len, _DIGIT_GROUPS.findall(m.group()))) not in _HOTLINE_GROUPS
            ):
                # "Серия и номер паспорта?" / "800 856 497 7": its ten digits regrouped, no hotline's
                # "800-749-0357"
                return m.group()
            marks[key := chr(_MARK + len(marks))] = m.group()
            return key

        masked = _TOLL_FREE.sub(mark, text)
        if marks:  # each hotline read as a mark no pattern takes for a digit, a word or a space
            out, counts = _redact_text(masked, options, asked)
            return out.translate({ord(key): number for key, number in marks.items()}), counts
    out, counts = _redact(text, options, True, asked)
    if "[EMAIL]" in out:
        out = _with_spelling_after(_with_its_spelling(out, text), text)
    return out, counts


#: A toll-free number as written ("8 800 290-96-36", "1-800-979-2841", "0800 123 4567"): a company's
#: hotline (the agent's "звоните на горячую линию ..."), no person's; it stays, like a company's INN.
#: Its hours after it ("1-800-462-0126, 24/7", "24 7", "24 на 7", "24 hours") are no more of its digits.
_TOLL_FREE = re.compile(
    r"(?<![\d+])(?<!\d[\s.,-])(?:(?:\+\s?7|8|7)[\s,-]*\(?800\)?|(?:\+?1[\s.,-]*)?\(?8\s?(?:00|33|44|55|66|77|88)\)?"
    r"|(?:\+44[\s-]*)?\(?(?:0\s?)?8\s?0[08]\)?)(?:[\s.,-]*\d){6,7}"
    r"(?!(?![\s.,-]*24(?:\s*(?:/|на|x|-)?\s*7|\s+(?:hours?|час)))[\s.,-]*\d)"
)
#: Its digits: Russia's 8 800 (+7 800) and 7 more, North America's 8xx toll-free codes and 7 more,
#: the UK's 0800/0808 and 6-7 more (said in words "oh eight hundred", read "0 8 00").
_TOLL_FREE_DIGITS = re.compile(r"[78]?800\d{7}|1?8(?:00|33|44|55|66|77|88)\d{7}|(?:44|0)80[08]\d{6,7}")
_TOLL_FREE_HINT = re.compile(r"8\s?(?:00|33|44|55|66|77|88)|080")


def says_toll_free(text: str) -> bool:
    """Whether ``text`` (number words as digits) says a toll-free hotline (:data:`_TOLL_FREE`)."""
    return "8" in text and any(
        _TOLL_FREE_DIGITS.fullmatch(re.sub(r"\D", "", m.group())) is not None
        for m in _TOLL_FREE.finditer(text)
    )


#: Where an IBAN may start: a country's two capitals, then its check digits.
_IBAN_START = re.compile(r"[A-Z][\s,.-]{0,2}[A-Z][\s,.-]{0,2}\d")
#: A passport's department code after its words: "код подразделения 521-055".
_DEPARTMENT_CODE = re.compile(
    r"(код\w*\s+подразделени[яе][\s:№-]*)(\d{3}[\s-]?\d{3})(?![\s-]?\d)", re.IGNORECASE
)
#: A Russian passport's series and number: ten digits, a hotline's without its trunk ("800 ...") too.
_PASSPORT_DIGITS = 10
#: How a hotline of ten digits is grouped: "800-749-0357", "800 749 03 57", "8007490357".
_HOTLINE_GROUPS = frozenset({(3, 3, 4), (3, 3, 2, 2), (3, 7), (10,)})
_DIGIT_GROUPS = re.compile(r"\d+")
#: The first private-use character a hotline is masked with while the rest is redacted.
_MARK = 0xE100
#: The same for a passport's department code.
_CODE_MARK = 0xE180


#: Letters as spoken when an address is spelled: Latin and Cyrillic letter names in Russian ("эм",
#: "гэ", "эй", "дабл-ю") besides single letters.
_LETTER_NAMES = (
    "эй|би|си|ди|эф|джи|эйч|ай|джей|кей|эл|эль|эм|эн|оу|пи|кью|ар|эс|ти|ю|ви|дабл-ю|дабл|экс|икс|уай|вай|зед|зи|"
    "бэ|вэ|гэ|дэ|жэ|зэ|ка|пэ|эр|тэ|ха|цэ|че|ша|ща|игрек|йот|зет|зэт|аш|жи|ar"
)
_SPELLED = re.compile(rf"(?:[^\W\d_]|{_LETTER_NAMES})(?:-(?:[^\W\d_]|{_LETTER_NAMES}))*", re.IGNORECASE)
_ADDRESS_JOINS = _JOINERS
#: Words that introduce an address and are never part of it.
_NOT_ADDRESS = frozenset(
    {"it's", "its", "is", "my", "the", "email", "e-mail", "address", "mail", "yeah", "yes", "sure", "okay",
     "ok", "well", "so", "um", "uh", "это", "мой", "моя", "моё", "мое", "почта", "почту", "адрес",
     "электронка", "значит", "так", "да", "ну", "вот", "пишите", "записывайте", "запишите", "на", "email's"}
)  # fmt: skip
#: The same, for the filter's pieces of an address said a breath at a time.
NOT_ADDRESS_WORDS = _NOT_ADDRESS
_ADDRESS_TOKEN = re.compile(r"[^\s,;:!?]+")
_ADDRESS_WORDS = 2  # words not spelled (the handle said before its spelling) an address may take


#: What a spelled letter's name stands for ("эр" → "r", "дабл-ю" → "w"); a single letter stands for
#: itself, a Cyrillic one for its transliteration (:data:`_TRANSLIT`).
_LETTER_VALUES = {
    "эй": "a", "би": "b", "бэ": "b", "си": "c", "цэ": "c", "ди": "d", "дэ": "d", "эф": "f", "джи": "g",
    "гэ": "g", "эйч": "h", "ха": "h", "ай": "i", "джей": "j", "йот": "j", "жэ": "zh", "кей": "k", "ка": "k",
    "эл": "l", "эль": "l", "эм": "m", "эн": "n", "оу": "o", "пи": "p", "пэ": "p", "кью": "q", "ар": "r",
    "эр": "r", "эс": "s", "ти": "t", "тэ": "t", "ю": "u", "ви": "v", "вэ": "v", "дабл-ю": "w", "дабл": "w",
    "экс": "x", "икс": "x", "уай": "y", "вай": "y", "игрек": "y", "зед": "z", "зи": "z", "зэ": "z",
    "зет": "z", "зэт": "z", "че": "ch", "ша": "sh", "ща": "sch", "аш": "h", "жи": "g", "ar": "r",
    # English letter names, read only in a spelling checked against the address (_with_spelling_after)
    "ay": "a", "bee": "b", "cee": "c", "see": "c", "dee": "d", "ee": "e", "ef": "f", "gee": "g",
    "aitch": "h", "eye": "i", "jay": "j", "kay": "k", "el": "l", "em": "m", "en": "n", "oh": "o",
    "pee": "p", "cue": "q", "are": "r", "es": "s", "ess": "s", "tee": "t", "you": "u", "vee": "v",
    "double-u": "w", "ex": "x", "why": "y", "wye": "y", "zee": "z", "zed": "z",
}  # fmt: skip
#: English letter names as said ("bee, ee, en"): words too ("are", "you", "see"), so they spell only
#: where the letters are checked against the address.
_EN_LETTER_NAMES = (
    "ay|bee|cee|see|dee|ee|ef|gee|aitch|eye|jay|kay|el|em|en|oh|pee|cue|are|es|ess|tee|you|vee|double-u|ex|why|"
    "wye|zee|zed"
)
#: Spelling alphabets, a word a letter ("Kilo Alpha Tango", "Константин, Ольга, Зинаида"): words and
#: names too, so, like English letter names, they spell only where the letters are checked.
_ALPHABET_WORDS = {
    **{w: w[0] for w in (
        "alpha", "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
        "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
        "uniform", "victor", "whiskey", "whisky", "xray", "yankee", "zulu",
    )},
    "анна": "a", "борис": "b", "василий": "v", "григорий": "g", "дмитрий": "d", "елена": "e", "женя": "zh",
    "зинаида": "z", "иван": "i", "константин": "k", "леонид": "l", "михаил": "m", "николай": "n",
    "ольга": "o", "павел": "p", "роман": "r", "семён": "s", "семен": "s", "сергей": "s", "татьяна": "t",
    "ульяна": "u", "фёдор": "f", "федор": "f", "харитон": "h", "цапля": "c", "человек": "ch", "шура": "sh",
    "эхо": "e", "юрий": "yu", "яков": "ya",
    # names many spell with besides the table's ("В как Виктор", "М как Мария")
    "виктор": "v", "мария": "m", "пётр": "p", "петр": "p", "ирина": "i", "олег": "o", "галина": "g",
    "тамара": "t", "надежда": "n",
}  # fmt: skip
_ALPHABET = "|".join(sorted(_ALPHABET_WORDS, key=len, reverse=True))
_SPELLED_EN = re.compile(
    rf"(?:[^\W\d_]|{_LETTER_NAMES}|{_EN_LETTER_NAMES}|{_ALPHABET})"
    rf"(?:-(?:[^\W\d_]|{_LETTER_NAMES}|{_EN_LETTER_NAMES}))*",
    re.IGNORECASE,
)
_TRANSLIT = str.maketrans(
    {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
     "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
     "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
     "э": "e", "ю": "yu", "я": "ya"}
)  # fmt: skip


def _spelling(
    text: str, at: int, started: bool = False, names: re.Pattern[str] = _SPELLED
) -> tuple[int, str, int]:
    """The letters spelled in ``text`` from ``at`` on ("гэ, эр, о" → 3, "gro"; "d as in david, e" → 2,
    "de"): how many, what they spell, and where the spelling ends (``at`` when nothing is spelled).
    ``started``: ``at`` is in a spelling ("as in Lima" may come first); ``names``: what a spelled
    word may be (:data:`_SPELLED_EN` also takes English letter names)."""
    spelled: list[str] = []
    skip, end = 0, at
    for token in _ADDRESS_TOKEN.finditer(text, at):
        word = token.group().strip(".…").lower()
        if skip or (
            (spelled or started)
            and ((word == "as" and text.startswith(" in ", token.end())) or word == "как")
        ):
            # "d as in david", "эм как Михаил": "as", "in" / "как" and the word say the letter again
            skip = (skip or (2 if word == "как" else 3)) - 1
            if not skip and names.fullmatch(rest := word.partition("-")[2]):
                # the letters after it, hyphenated on: "D-U as in uniform-N-M as in ..."
                spelled += map(_letter_value, _letters(rest))
        elif spelled and word in _JOINERS:
            continue  # "alpha, hyphen, c as in charlie": the address's dash between its letters
        elif not names.fullmatch(word):
            break
        else:
            spelled += map(_letter_value, _letters(word))
        end = token.start() + len(token.group().rstrip(".…"))
    return len(spelled), "".join(spelled), end


def _letter_value(letter: str) -> str:
    """What a spelled letter stands for: its name's letter, a Cyrillic one transliterated."""
    return _LETTER_VALUES.get(letter) or _ALPHABET_WORDS.get(letter) or letter.translate(_TRANSLIT)


#: Words that announce a spelling after the address ("[EMAIL], по буквам ка, у, зэ", "that's D-U-N").
_SPELLING_LEAD = re.compile(
    r"[\s,]*(?:(?:that's|that’s|that\s+is|i\.e\.|spelled|spelt|по\s+буквам|буквами|латиницей|то\s+есть)[\s,:—-]*)?",
    re.IGNORECASE,
)
#: Letters a spelling after an address holds at least, and the share of them its letters must show.
_SPELLING_MIN, _SPELLING_SHARE = 3, 0.75


def _with_spelling_after(text: str, source: str) -> str:
    """``text`` with a spelling right after an ``[EMAIL]`` taken into it when its letters are the
    address's ("[EMAIL], по буквам ка, у, зэ, эн, е, тэ" of artem_kuznetsov@...; "[EMAIL], that's H O L
    L as in Lima"): ``source``, the text before redaction, has the address. Not counted again."""
    out, done = [], 0
    for m in re.finditer(r"\[EMAIL\]", text):
        at = _SPELLING_LEAD.match(text, m.end()).end()  # type: ignore[union-attr]  # may match empty
        # the address took the spelling's first letters and left "as in Lima I ...": its rest
        started = text.startswith(" as in ", m.end())
        letters, spelled, end = _spelling(text, at, started, _SPELLED_EN)
        if letters < (1 if started else _SPELLING_MIN):
            # a word of the address said again before its spelling ("[EMAIL], kozlova по буквам: ...")
            where = source.find(text[m.end() :])
            address = address_letters(source[:where]) if where > 0 else ""
            span = _word_then_spelling(text, m.end(), address) if address else None
            if span is not None:
                out += (text[done : m.end()],)
                done = span[1]
            continue
        where = source.find(text[at:end])
        address = address_letters(source[:where]) if where > 0 else ""
        if _spelled_in(spelled, address):
            out += (text[done : m.end()],)
            done = end
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def spelling_of(text: str, address: str) -> tuple[int, int] | None:
    """Where ``text`` (a breath after the one that gave an address) spells ``address`` (its letters,
    :func:`address_letters`) right at its start, after a lead ("That's N, A, D, Y, A ...", "По буквам:
    эс, е, эр ..."), or a word of it said again first ("Нет, morozov, по буквам эм, о, эр ...", a
    read-back fixed): the span of the letters (and that word), or None."""
    at = _SPELLING_LEAD.match(text).end()  # type: ignore[union-attr]  # may match empty
    letters, spelled, end = _spelling(text, at, False, _SPELLED_EN)
    if letters < _SPELLING_MIN or not _spelled_in(spelled, address):
        return _word_then_spelling(text, 0, address)
    return at, end


#: A word said again before its spelling, a no may lead it ("Нет, morozov, по буквам ...", "No, oliver,
#: that's O L I V E R", "[EMAIL], kozlova по буквам: ...").
_WORD_BEFORE_SPELLING = re.compile(
    r"[\s,]*(?:(?:no|nope|нет)[\s,.!]+)?(?P<word>[^\W\d_]{3,})(?=[\s,:—-])", re.IGNORECASE
)


def _word_then_spelling(text: str, at: int, address: str) -> tuple[int, int] | None:
    """(where the word starts, where its spelling ends) when ``text`` from ``at`` says a word of
    ``address`` (its letters) again and then spells it, else None: the word is a piece of the address
    and the letters are the address's."""
    m = _WORD_BEFORE_SPELLING.match(text, at)
    if m is None or m.group("word").lower() in _NOT_ADDRESS:
        return None
    word = address_letters(m.group("word"))
    if len(word) < _SPELLING_MIN or word not in address:
        return None
    lead = _SPELLING_LEAD.match(text, m.end()).end()  # type: ignore[union-attr]  # may match empty
    letters, spelled, end = _spelling(text, lead, False, _SPELLED_EN)
    if letters < _SPELLING_MIN or not _spelled_in(spelled, address):
        return None
    return m.start("word"), end


def _spelled_in(spelled: str, address: str) -> bool:
    """Whether ``address`` (its letters) shows most of the ``spelled`` letters in order, around where
    they match best: a letter may be named the Russian way ("и" for E in "эс, и, эр, жи" of sergey)."""
    matcher = difflib.SequenceMatcher(None, spelled, address, autojunk=False)
    best = matcher.find_longest_match()
    if not best.size:
        return False
    window = address[max(0, best.b - best.a - 2) : best.b + len(spelled) - best.a + 2]
    shared = sum(
        b.size for b in difflib.SequenceMatcher(None, spelled, window, autojunk=False).get_matching_blocks()
    )
    return shared >= _SPELLING_SHARE * len(spelled)


#: The letters of a spelled word ("и-эр-и-эн-а"): "дабл-ю" (W) is one, its hyphen no break.
_LETTER = re.compile(r"дабл-ю|[^-]+")


def _letters(spelled: str) -> list[str]:
    """The letters a word :data:`_SPELLED` matches spells, lower-case ("дабл-ю-и-эл" → 3)."""
    return _LETTER.findall(spelled.lower())


def _spells(word: str, spelled: str) -> bool:
    """Whether ``spelled`` (:func:`_spelling`) starts with ``word``, in any script ("громов", "gromov")."""
    handle = word.lower().translate(_TRANSLIT)
    return difflib.SequenceMatcher(None, handle, spelled[: len(handle) + 1]).ratio() >= 0.75


#: Words an address said aloud is joined by, left out of its letters (see :func:`address_letters`).
_SAID_JOINS = re.compile(
    rf"(?<![^\W\d_])(?:{'|'.join(sorted(EMAIL_WORDS, key=len, reverse=True))})(?![^\W\d_])", re.IGNORECASE
)


def address_letters(text: str) -> str:
    """The letters and digits of ``text`` as an address writes them: lower-case, Cyrillic
    transliterated, the joining words ("точка", "dot") and all separators out ("vera точка zvezda" →
    "verazvezda"): what a local part said again is compared with."""
    return re.sub(r"[^a-z0-9]", "", _SAID_JOINS.sub("", text.lower()).translate(_TRANSLIT))


def _spelled_after(word: re.Match[str], text: str, source: str) -> int:
    """How many letters ``source`` (``text`` before redaction) spells right after the ``word`` of
    ``text`` when they spell that word ("ирина, и-эр-и-эн-а ..." → 5): the address that swallowed
    them starts with its spelling, and the word is its handle said first. 0 otherwise ("under,
    k-a-t-e ...": the word only led to the address)."""
    name = word.group().strip(".…").lower()
    if len(name) < 2 or not name.isalpha() or name in _NOT_ADDRESS:
        return 0
    at = re.compile(rf"(?<![^\W\d_]){re.escape(name)}(?![^\W\d_])", re.IGNORECASE)
    nth = len(at.findall(text, 0, word.start()))
    found = list(at.finditer(source))
    if nth >= len(found):
        return 0
    letters, spelled, _ = _spelling(source, found[nth].end())
    return letters if _spells(name, spelled) else 0


def _with_its_spelling(text: str, source: str) -> str:
    """``text`` with the spelled local part said right before an ``[EMAIL]`` placeholder taken into
    it: letters, letter names ("гэ, эр, о, эм"), "M as in mary", "точка"/"underscore", its digits and
    the handle said before its spelling ("громов, гэ, эр, о, эм, о, вэ [EMAIL]" → "[EMAIL]"), also when
    the placeholder took the spelling ("ирина, и-эр-и-эн-а точка ..." → "ирина, [EMAIL]" → "[EMAIL]"):
    ``source``, the text before redaction, tells. Only where at least two letters are spelled."""
    out, done = [], 0
    for m in re.finditer(r"\[EMAIL\]", text):
        tokens = list(_ADDRESS_TOKEN.finditer(text, done, m.start()))
        start, letters, words, k = m.start(), 0, 0, len(tokens) - 1
        named = 0  # English letter names ("dee", "are", "you"): words too, so letters must be among them
        alphabet = 0  # spelling alphabet words ("Lima India", "Григорий, Анна"): three in a row spell
        if tokens and not text[tokens[-1].end() : m.start()].strip(" ,"):
            letters = _spelled_after(tokens[-1], text, source)
        while k >= 0:
            token = tokens[k].group().strip(".…").lower()
            gap = text[tokens[k].end() : start]
            if re.search(r"[.?!…]\s", gap + " ") and start != m.start() and not gap.strip().startswith(","):
                break  # a sentence ended between it and the address
            if token == "in" and k >= 1 and tokens[k - 1].group().lower() == "as":
                k -= 1  # "t as in" + [EMAIL]: its word went into the address
                start = tokens[k].start()
                k -= 1
                continue
            if k >= 2 and tokens[k - 1].group().lower() == "in" and tokens[k - 2].group().lower() == "as":
                k -= 2  # "M as in mary": the word, "in", "as"; the letter next
                start = tokens[k].start()
                k -= 1
                continue
            if k >= 1 and token in _ALPHABET_WORDS and tokens[k - 1].group().lower() == "как":
                k -= 1  # "эм как Михаил": the name, "как"; the letter next
                start = tokens[k].start()
                k -= 1
                continue
            if _SPELLED.fullmatch(token):
                letters += len(_letters(token))
            elif _SPELLED_EN.fullmatch(token):
                named += 1  # "R, A as in apple, es, H, I, dee, 1, 9, 8, 3, at gmail dot com"
                alphabet += token in _ALPHABET_WORDS
            elif token in _ADDRESS_JOINS or token.isdigit() or token in NUMBER_WORDS:
                pass
            elif (
                token.isalpha()
                and token not in _NOT_ADDRESS
                and words < _ADDRESS_WORDS
                and letters
                # the handle said before its spelling, not a word leading to it ("under k-a-t-e")
                and _spelled_after(tokens[k], text, source)
            ):
                words += 1
            else:
                break
            start = tokens[k].start()
            k -= 1
        spelled = letters >= 2 if not named else letters and letters + named >= 3
        if (spelled or alphabet >= _SPELLING_MIN) and start < m.start():
            out += (text[done:start], "[EMAIL]")
            done = m.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


#: NATO spelling words: a caller spells the letters of an IBAN, a passport or a licence with them ("Golf
#: Bravo six seven", "Foxtrot 5484 ...").
_NATO = frozenset(
    ("alpha", "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
     "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
     "uniform", "victor", "whiskey", "whisky", "xray", "x-ray", "yankee", "zulu")
)  # fmt: skip
#: A letter said with a word for it: "G as in Golf", "С как Сергей", or a NATO word alone.
_SPELLED_LETTER = re.compile(
    r"(?<![^\W\d_])(?:(?P<letter>[A-Za-z])\s+as\s+in\s+(?P<word>[A-Za-z]+)"
    r"|(?P<ru>[А-ЯЁа-яёA-Za-z])\s+как\s+(?P<name>(?-i:[A-ZА-ЯЁ])[^\W\d_]+)"
    rf"|(?P<nato>{'|'.join(sorted(_NATO, key=len, reverse=True))}))(?![^\W\d_])",
    re.I,
)
#: Cheap gates for :data:`_SPELLED_LETTER`: its "as in"/"как", or a NATO word's letters somewhere.
_SPELLED_HINTS = (" as in ", " как ", "lpha", "ravo", "elta", "otel", "ndia", "ilo", "ima", "ike", "scar",
                  "omeo", "ierra", "ango", "ictor", "hiske", "ankee", "ulu", "harlie", "cho", "oxtrot",
                  "olf", "uliet", "ovember", "apa", "uebec", "niform", "ray")  # fmt: skip
#: What may stand between the letters and digits of one spelled number.
_SPELL_SEP = re.compile(r"[\s,.…-]{0,5}")
_SPELL_DIGIT_AFTER = re.compile(r"[\s,.…-]{0,5}\d")
_SPELL_DIGIT_BEFORE = re.compile(r"\d[\s,.…-]{0,5}$")


def _spelled_view(text: str) -> tuple[str, list[tuple[int, int, str]]] | None:
    """``text`` with each letter said with a word for it as the bare capital ("G as in Golf, B as in
    Bravo 55" → "G, B 55"; "Delta Echo 91, ..." → "D E 91, ..."; "Р как Роман" → "Р"), so the shapes
    of IBANs, passports and licences read it; and (view start, view end, said) of each letter. A NATO
    word alone is a letter only beside another spelled letter or digits ("Romeo called" stays). None
    when nothing is spelled."""
    found: list[tuple[int, int, str, bool]] = []  # start, end, letter, sure (its word says it)
    for m in _SPELLED_LETTER.finditer(text):
        if m.group("letter"):
            if m.group("word")[0].lower() != m.group("letter").lower():
                continue
            found.append((m.start(), m.end(), m.group("letter").upper(), True))
        elif m.group("ru"):
            if m.group("name")[0].lower() != m.group("ru").lower():
                continue
            found.append((m.start(), m.end(), m.group("ru").upper(), True))
        else:
            found.append((m.start(), m.end(), m.group("nato")[0].upper(), False))
    spans: list[tuple[int, int, str]] = []
    out: list[str] = []
    done = 0
    for i, (start, end, letter, sure) in enumerate(found):
        if not sure:
            beside = (
                i > 0
                and found[i - 1][1] <= start
                and _SPELL_SEP.fullmatch(text, found[i - 1][1], start) is not None
            ) or (i + 1 < len(found) and _SPELL_SEP.fullmatch(text, end, found[i + 1][0]) is not None)
            if not (
                beside
                or _SPELL_DIGIT_AFTER.match(text, end) is not None
                or _SPELL_DIGIT_BEFORE.search(text, max(0, start - 6), start) is not None
            ):
                continue
        out.append(text[done:start])
        at = sum(map(len, out))
        out.append(letter)
        spans.append((at, at + 1, text[start:end]))
        done = end
    if not spans:
        return None
    out.append(text[done:])
    return "".join(out), spans


def _said_letters_back(view: str, spans: list[tuple[int, int, str]], redacted: str) -> str:
    """``redacted`` (the redaction of :func:`_spelled_view`'s ``view``) with each letter no
    placeholder took said again as the text said it ("G as in Golf")."""
    blocks = difflib.SequenceMatcher(None, view, redacted, autojunk=False).get_matching_blocks()
    out: list[str] = []
    done = 0
    block = 0
    for start, end, said in spans:
        # the letter and a character on each side kept: a placeholder's own "D" is no letter kept
        left, right = max(0, start - 1), min(len(view), end + 1)
        while block < len(blocks) and blocks[block].a + blocks[block].size < right:
            block += 1
        if block == len(blocks):
            break
        a, b, _ = blocks[block]
        if left < a:
            continue  # taken into a placeholder
        at = b + start - a
        out += (redacted[done:at], said)
        done = at + end - start
    out.append(redacted[done:])
    return "".join(out)


def _says_at(text: str, options: PiiOptions) -> bool:
    """Whether ``text`` may say an e-mail: "@" or a spoken at ("обак"/"обач" also find "Собака",
    "собачка"; the rare forms are looked for behind a more common substring)."""
    return options.emails and (
        "@" in text
        or " at " in text
        or ("оба" in text and ("обак" in text or "обач" in text))
        or (" A" in text and (" At " in text or " AT " in text))
        or " эт " in text
    )


def _redact(
    text: str, options: PiiOptions, corrections: bool = True, asked: str | None = None, letters: bool = True
) -> tuple[str, dict[str, int]]:
    # Cheap gates: an e-mail needs "@" or a spoken at, every digit pattern 7 digits but a National
    # Insurance number's and an identity number's after its word (6).
    spoken_at = _says_at(text, options)
    counted = _SIX_DIGITS.search(text)
    if counted is not None and _FUSED.search(text) is not None:
        # "it's under my phone6542007729": Whisper ran a word into the digits; read them apart
        out, counts = _redact(_FUSED.sub(r"\1 \2", text), options, corrections, asked)
        if counts:
            return out, counts
    # a card's security code: 3-4 digits after its word (cheap gate: "cv", "ecurity", "цифр", "оборот")
    cvv = options.cards and _CVV_HINT.search(text) is not None
    if counted is None:
        # a National Insurance number read with an "oh" for a zero has five digits ("N M, 2 6, 1 7, 5 oh, D")
        six = (
            options.ids
            and _OH_HINT.search(text) is not None
            and _FIVE_DIGITS.search(text) is not None
            and _NI.search(text) is not None
        )
        if not (spoken_at or cvv or six):
            return text, {}
        seven = digits = False
    else:
        seven = counted.group(1) is not None
        # exactly six: an identity number this short only after its word or request (a price list
        # has six digits too: "$149 a month, or $169"), a National Insurance number with its letters
        six = (
            not seven
            and options.ids
            and (
                asked in ID_KINDS
                or _ID_HINTS.search(text.lower()) is not None
                or _NI.search(text) is not None
                or _DVLA.search(text) is not None
                or _BIRTH_CERT.search(text) is not None
                or _RU_LICENCE.search(text) is not None
            )
        )
        digits = seven and counted.group(2) is not None
        if not (spoken_at or seven or cvv or six):
            return text, {}
    if (
        letters
        and (seven or six)
        and options.ids
        and any(map(text.__contains__, _SPELLED_HINTS))
        and (view := _spelled_view(text)) is not None
    ):
        # letters spelled with words ("G as in Golf, B as in Bravo 55 ...", "Foxtrot 5484 ..."): the
        # IBAN, passport or licence is read with them as capitals, the words said again where kept
        redacted, counts = _redact(view[0], options, corrections, asked, False)
        if counts:
            return _said_letters_back(view[0], view[1], redacted), counts
    # a take-back word, or a digit named wrong ("... 3 5, не 5, а 6"; "не "/"not " a cheap gate first)
    if (
        corrections
        and (seven or six)
        and (takes_back(text) or (("не " in text or "not " in text) and _NOT_THIS.search(text) is not None))
    ):
        corrected = _corrected(text, options, asked)
        if corrected is not None:
            return corrected
    return _redact_gated(text, options, asked, spoken_at, digits, seven, six, cvv)


def _redact_gated(
    text: str,
    options: PiiOptions,
    asked: str | None,
    spoken_at: bool,
    digits: bool,
    seven: bool,
    six: bool,
    cvv: bool,
) -> tuple[str, dict[str, int]]:
    """:func:`_redact` past its cheap gates (apart, so that the texts they turn away never set up
    the closures below): ``spoken_at`` an e-mail may be said, ``digits`` 8 digits or more, ``seven``
    7 or more, ``six`` exactly 6, ``cvv`` a card's security code may be named."""
    counts: Counter[str] = Counter()

    def sub(
        pattern: re.Pattern[str],
        name: str | Callable[[re.Match[str]], str | None],
        check: Callable[[re.Match[str]], bool] | None = None,
    ) -> None:
        nonlocal text

        def repl(m: re.Match[str]) -> str:
            if check is not None and not check(m):
                return m.group()
            kind = name if isinstance(name, str) else name(m)
            if kind is None:
                return m.group()
            counts[kind] += 1
            prefix = m.group(1) if pattern.groups else ""
            return f"{prefix}[{kind}]"

        text = pattern.sub(repl, text)

    def card_or_id(m: re.Match[str]) -> str | None:
        """A Luhn-valid card shape: an identity number after a word or request of one with no shape
        of its own ("полис ОМС"), no card after a reference word ("Трек-номер ..."), else a card."""
        kind = id_cue(m)
        if kind == "ident":
            return "ID" if options.ids else None
        if _reference_before(m.string, m.start()) and (kind != "card" or _cue(m.string, m.start()) != "card"):
            return None  # a card asked for, a card word in the text says it is one
        if kind != "card" and _named_by_reference(m.string, m.start()) and not card_grouped(m.group()):
            # a booking's number in no card's groups, Luhn-valid by chance ("reservation 4 00 62 7 00 61
            # ...", the reading of "four hundred sixty-two seven hundred sixty-one ...")
            return None
        return "CARD"

    def card_check(m: re.Match[str]) -> bool:
        """Luhn-valid; or, right after a word naming a card, a card's length in its groups (a digit
        misheard: "Номер карты 2200 7001 2345 6789" was stored whole)."""
        if luhn_ok(re.sub(r"\D", "", m.group())):
            return True
        sizes = tuple(map(len, re.split(r"[ -]", m.group())))
        return misheard_card(sizes) and names_card_before(m.string, m.start(), asked)

    def id_cue(m: re.Match[str]) -> str | None:
        """The kind _cue tells for ``m``, when it may be an identity number's (else None): no word of
        one in the words before and none asked, the common case, is told by a plain substring scan."""
        start = m.start()
        if (
            asked not in ID_KINDS
            and _ID_HINTS.search(m.string[max(0, start - _CUE_CHARS) : start].lower()) is None
        ):
            return None
        return _cue(m.string, start, asked)

    def no_reference(m: re.Match[str]) -> bool:
        # not after an order word, nor after a country code or a phone word, nor after another group
        # ("+44 7723 750598", "my mobile is 44 7911 123456" are phones)
        return (
            not _reference_before(m.string, m.start())
            and _COUNTRY_CODE_BEFORE.search(m.string, max(0, m.start() - 6), m.start()) is None
            and _DIGIT_BEFORE.search(m.string, max(0, m.start() - 3), m.start()) is None
            and _cue(m.string, m.start(), asked) != "phone"
        )

    def no_inn_nor_reference(m: re.Match[str]) -> bool:
        return _not_an_inn(m) and no_reference(m)

    def not_an_id_asked(m: re.Match[str]) -> bool:
        # after an identity word or request, digits of that number's shape are that number (the
        # runs below take them), a shapeless one's any
        kind = id_cue(m)
        if kind in ("ident", "inn"):
            # a plus or a Russian mobile's shape is a phone's even after an ID's request
            return only_a_phone(m.group()) and _phone_match_ok(m)
        if kind in ID_KINDS and _ident(_groups(m.string, m.start(), m.end())[0], kind, True):
            return False
        return _phone_match_ok(m)

    def named_id(m: re.Match[str]) -> bool:
        kind = id_cue(m)
        if kind not in ID_KINDS or is_amount(m.string, m.start(), m.end()):
            return False
        if (kind == asked or _cued_by_line_before(m.string, m.start())) and _named_by_reference(
            m.string, m.start()
        ):
            return False  # "Booking BK-156688, and my license number's ...": the booking's
        if _ups_tail(m.string, m.start()):
            return False  # a UPS tracking number's tail ("1Z756E40398824702")
        if (
            m.string[m.start()].isdigit()
            and _POLICY_SERIES.search(m.string, max(0, m.start() - 8), m.start()) is not None
            and sum(map(str.isdigit, m.group())) == 10
        ):
            return False  # "серия и номер ККК 0302414759": a car policy's (ОСАГО) letters and digits
        if _PLUS_BEFORE.search(m.string, max(0, m.start() - 20), m.start()) is not None or (
            kind == "ident" and only_a_phone(m.group())
        ):
            return False  # a number after a plus, or a Russian mobile's shape: a phone's (the runs take it)
        if (
            _GROUP_BEFORE.search(m.string, max(0, m.start() - 4), m.start()) is not None
            or _WORD_DIGIT_AFTER.match(m.string, m.end()) is not None
            or ("o" in m.string and _WORD_DIGIT_BEFORE.search(m.string, max(0, m.start() - 12), m.start()))
        ):
            # the rest of a number said in groups, or its start before "oh 3 7 7 8 0": the runs below
            # read it whole
            return False
        first = next(i for i in range(m.start(), m.end()) if m.string[i].isdigit())
        groups = _groups(m.string, first, m.end())[0]
        if kind == "passport" and first == m.start() + 1 and sum(len(g.digits) for g in groups) == 8:
            return True  # a US passport of the new kind: a letter, eight digits ("Z40718325")
        return _ident(groups, kind, True)

    def letter_ids() -> None:
        """A National Insurance number by its shape; an identity number after its word or request
        with letters run into its digits ("member ID W365 182 370") or in one group of 6-8."""
        nonlocal text
        text, ibans = redact_ibans(text)
        if ibans:
            counts["ID"] += ibans
        sub(_NI, "ID")
        sub(_DVLA, "ID")
        if "I" in text or "V" in text or "X" in text or "Х" in text:
            sub(_BIRTH_CERT, "ID")
        sub(_RU_LICENCE, "ID")
        sub(_NAMED_ID, "ID", named_id)
        if asked == "passport" or any(map(text.__contains__, ("асп", "assp", "АСП", "ASSP"))):
            sub(_LETTER_EIGHT, "ID", lambda m: id_cue(m) == "passport")

    if spoken_at:
        said = text
        if "@" in text:
            sub(_EMAIL, "EMAIL")
        if (tail := _SPOKEN_TAIL.search(text)) is not None:
            text = _redact_spoken_emails(text, tail.start(), counts)
        if text is not said and "EMAIL" in counts:
            text = _redact_spelled(said, text)
    if digits:
        if options.ids:  # before cards: a card's shape fits the first 19 of its 20 digits
            sub(_ACCOUNT, "ID", _personal_account)
        if options.cards:
            sub(_CARD, card_or_id, card_check)
        if options.ids:
            check = no_reference
            if asks_inn(text):
                sub(_INN_12, "ID")
                check = no_inn_nor_reference  # a company's INN grouped 4-6 is no passport
            sub(_ID, "ID", check)
            sub(_ID_SPACED, "ID", check)
            sub(_ID_SERIES, "ID", check)
            if "асп" in text or "assp" in text or "АСП" in text or "ASSP" in text:  # паспорт, passport
                sub(_ID_WORD, "ID")
            text = _redact_passport_parts(text, counts, asked == "passport")
            letter_ids()
        if options.phones:
            if any(map(text.__contains__, _THEN_HINTS)):
                sub(_PHONE_THEN, "PHONE", lambda m: not is_amount(m.string, m.start(), m.end()))
            sub(_PHONE, "PHONE", not_an_id_asked)
        if options.cards or options.ids or options.phones:
            text = _redact_joined_runs(text, options, counts, asked)
        if options.ids and _TEN_DIGITS.search(text):  # after phones: "89161234567" is a phone
            sub(_ID_11, "ID", lambda m: snils_ok(m.group()) and not _ups_tail(m.string, m.start()))
            sub(_ID_12, "ID", lambda m: inn_ok(m.group()) and no_reference(m))
    elif seven or six:  # 6-7 digits: a local number after a phone word, an identity number
        if options.ids:
            letter_ids()
        if options.phones or options.ids:
            text = _redact_joined_runs(text, options, counts, asked)
    if cvv:  # not an amount told after the code's words ("код на обороте стёрся, сказали 300 рублей")
        sub(_CVV, "CARD", lambda m: _UNIT_AFTER.match(m.string, m.end()) is None)
        if _CVV_WORD.search(text):
            sub(_BARE_CODE, "CARD")
    if options.cards and "[CARD]" in text:  # the card given, its code after the bare word
        card_at = text.index("[CARD]")
        rest, found = redact_card_code(text[card_at:])
        if found:
            text = text[:card_at] + rest
            counts["CARD"] += found
    if counts and "[" in text:
        text = _redact_taken_back(text)
    return text, dict(counts)


_DIGIT_NOUN_WORD = rf"(?:{'|'.join(sorted(DIGIT_NOUNS))})(?![^\W\d_])"
#: A speaker taking digits back: "ой, нет", "подождите", "sorry, no", "I mean".
_TAKE_BACK = re.compile(
    r"(?<![^\W\d_])(?:ой|нет|не\s+так|неправильно|подождите|точнее|вернее|извините|простите|сначала|заново|"
    r"секундочку|секунду|sorry|no\s+wait|wait|i\s+mean|oops|scratch\s+that|hold\s+on|start\s+(?:it\s+)?over|"
    r"one\s+sec(?:ond)?|that'?s\s+wrong|not\s+right|то\s+есть)"
    r"(?![^\W\d_])",
    re.I,
)
#: The same, for the filter (a short code's false start: "five three eight, no wait, 5310").
TAKE_BACK = _TAKE_BACK
#: :data:`_TAKE_BACK` for :func:`takes_back` (see :func:`_scanning`): asked of every segment of a call
#: with PII, three times faster.
_TAKE_BACK_SCAN = _scanning(
    "оОᲂнНпПтТᲄᲅвВᲀиИсСᲃзЗsSſnNwWiIİıoOhHtT",
    {
        "о": (r"й", ""),
        "н": (r"ет|е\s+так|еправильно", ""),
        "п": (r"одождите|ростите", ""),
        "т": (r"очнее|о\s+есть", ""),
        "в": (r"ернее", ""),
        "и": (r"звините", ""),
        "с": (r"начала|екундочку|екунду", ""),
        "з": (r"аново", ""),
        "s": (r"orry|cratch\s+that|tart\s+(?:it\s+)?over", ""),
        "n": (r"o\s+wait|ot\s+right", ""),
        "w": (r"ait", ""),
        "i": (r"\s+mean", ""),
        "o": (r"ops|ne\s+sec(?:ond)?", ""),
        "h": (r"old\s+on", ""),
        "t": (r"hat'?s\s+wrong", ""),
    },
    end=r"(?![^\W\d_])",
)


def takes_back(text: str) -> bool:
    """Whether a speaker takes something back in ``text`` (:data:`_TAKE_BACK`)."""
    return _TAKE_BACK_SCAN.search(text) is not None


#: Digits (7 or more, in groups) a speaker stops on and takes back: "4216 2611 8236... ой, нет, не так".
_ABANDONED = re.compile(rf"\d(?:[\s,.\-–—]{{0,3}}\d){{6,}}(?=[\s.,…—–-]*{_TAKE_BACK.pattern})", re.I)


def abandoned_digits(text: str) -> re.Match[str] | None:
    """The digits ``text`` stops on and takes back (a number started again from its beginning), or
    None."""
    return _ABANDONED.search(text) if takes_back(text) else None


#: Digits or number words a speaker stops on and takes back, the number said in words ("восемь
#: девятьсот десять, три... ой, нет, давайте сначала"): see :func:`abandoned_said`.
_ABANDONED_SAID = re.compile(
    rf"(?<![^\W\d_])(?:\d+|{NUMBER_WORD}|{_DIGIT_NOUN_WORD})"
    rf"(?:[\s,.\-–—]{{1,3}}(?:\d+|oh(?![^\W\d_])|{NUMBER_WORD}|{_DIGIT_NOUN_WORD}))*"
    rf"(?=[\s.,…—–-]*{_TAKE_BACK.pattern})",
    re.IGNORECASE,
)


def abandoned_said(text: str) -> re.Match[str] | None:
    """The digits or number words ``text`` stops on and takes back, or None: what
    :func:`abandoned_digits` finds, also said in words and short."""
    return _ABANDONED_SAID.search(text) if takes_back(text) else None


#: The group a speaker stops in before taking it back ("three seven... no wait, three seven six
#: one"): digits or digit words joined by spaces or hyphens, then the pause.
_PARTIAL = re.compile(rf"(?<![^\W_]){_ITEM}(?:[ \-]{{1,2}}{_ITEM})*[\s.,…—–-]*$")
#: What follows a take-back word before the number goes on: punctuation and more such words.
_TAKE_BACK_GAP = re.compile(rf"(?:[\s,.:;!…—–-]|{_TAKE_BACK.pattern})*", re.I)


def _corrected(text: str, options: PiiOptions, asked: str | None = None) -> tuple[str, dict[str, int]] | None:
    """The redaction of ``text`` as the speaker meant it, when a number only exists that way: the
    group they stopped in and the take-back words dropped ("202, 658, 37... no wait, 3761." →
    "202, 658, [PHONE]."), or None. Only when the joined text holds more PII than its two sides
    apart, so a take-back that is no correction of a number changes nothing."""
    first = None  # the first reading that finds more, kept when none leaves no digits by it
    for m in _NOT_THIS.finditer(text):
        # the digit(s) named as wrong replaced by the ones after them: "8 5... ой, нет, не 5, а 8, 4 9"
        # is "8 8 4 9" (dropping the whole group stopped in would lose its good digits)
        cut = _cut_named(text, m)
        if cut is None:
            continue
        found = _joined_again(text[:cut], text[m.end() :], options, asked, named=True)
        if found is not None:
            if _DIGITS_BY_PLACEHOLDER.search(found[0]) is None:
                return found
            first = first or found
    for m in _TAKE_BACK.finditer(text):
        part = _PARTIAL.search(text, 0, m.start())
        if part is None or not any(c.isdigit() for c in part.group()):
            continue
        tail = text[_TAKE_BACK_GAP.match(text, m.end()).end() :]  # type: ignore[union-attr]
        found = _joined_again(text[: part.start()], tail, options, asked)
        if found is not None:
            if _DIGITS_BY_PLACEHOLDER.search(found[0]) is None:
                return found
            first = first or found
        # groups said with spaces only ("4279 3887 0331 6030, sorry, that's wrong, 6070"): the run
        # is the whole number, the group taken back its last (or, said in words, its last two or
        # more: "сорок пять десять, ой, нет, четыре тысячи пятьсот тринадцать" takes "45 10" back);
        # only when the text as said holds no PII (else that reading stands: "8 995 982 70 63, ой,
        # нет, 36 в конце, 70-36"). A reading that leaves digits by its placeholder cut the number
        # in the wrong place ("[CARD] 2340"): the next is tried.
        said = part.group().rstrip(_PAUSE_CHARS)
        if " " in said and not _redact(text, options, corrections=False, asked=asked)[1]:
            cut = len(said)
            while (cut := said.rfind(" ", 0, cut)) > 0:
                found = _joined_again(text[: part.start() + cut + 1], tail, options, asked)
                if found is not None:
                    if _DIGITS_BY_PLACEHOLDER.search(found[0]) is None:
                        return found
                    first = first or found
    return first


#: A digit named wrong and the one meant after it, a speaker fixing what they just said ("ой, нет, не
#: пять, а восемь", "no, sorry, not nine, four five", "not 6 but 8"): ``x`` the digits taken back.
_NOT_THIS = re.compile(
    rf"(?<![^\W\d_])(?:не|not)\s+(?P<x>{_ITEM}(?:[\s-]{{1,2}}{_ITEM}){{0,2}})"
    rf"(?:[\s,.…—–:-]*(?:а|but|it'?s|it\s+is|i\s+mean)(?![^\W\d_]))?[\s,.…—–:-]*(?={_ITEM})",
    re.I,
)
#: What a speaker says between the digits they take back and the "не"/"not" naming them: pauses,
#: take-back words, a bare no ("... 8 5... ой, нет, не 5", "6 1 3... no, sorry, not 3").
_BEFORE_NOT = re.compile(rf"(?:[\s,.:;!…—–-]|{_TAKE_BACK.pattern}|(?<![^\W\d_])no(?![^\W\d_]))*$", re.I)
#: How far before "не"/"not" the digits it names may end.
_NOT_GAP_CHARS = 40


def _cut_named(text: str, m: re.Match[str]) -> int | None:
    """Where the digits that :data:`_NOT_THIS` match ``m`` names as wrong start, when they are the
    last digits said before it (else it names no digit just said: "не 5, а 7 дней" is no fix)."""
    wrong = said_digits(m.group("x"))
    lo = max(0, m.start() - _NOT_GAP_CHARS)
    gap = _BEFORE_NOT.search(text, lo, m.start())
    i = gap.start() if gap is not None else m.start()
    j = len(wrong)
    while j:
        i -= 1
        if i < 0:
            return None
        c = text[i]
        if c.isdigit():
            if c != wrong[j - 1]:
                return None
            j -= 1
        elif c not in _PAUSE_CHARS:
            return None
    return i if i and any(c.isdigit() for c in text[max(0, i - 4) : i]) else None


#: Digits right by a placeholder: a number cut in the wrong place ("[CARD] 2340").
_DIGITS_BY_PLACEHOLDER = re.compile(r"\d[\s,]*\[(?:CARD|ID|PHONE)\]|\[(?:CARD|ID|PHONE)\][\s,]*\d")


_PAUSE_CHARS = " .,…—–-"


def _joined_again(
    head: str, tail: str, options: PiiOptions, asked: str | None = None, named: bool = False
) -> tuple[str, dict[str, int]] | None:
    """The redaction of ``head`` and ``tail`` joined, when it finds more PII than the two apart (as
    much, ``named``: the speaker named the digits they fixed, so the joined number is the one meant;
    its head alone may look like another, "6 9 1, 5 4 6, 3 8 6, 3" a phone)."""
    apart = sum(
        n for side in (head, tail) for n in _redact(side, options, corrections=False, asked=asked)[1].values()
    )
    # the groups said again may be written with other separators than the ones before them
    # ("901 167, 39... ой, нет, 54-32"): joined, that mix is no phone's; read with the head's too
    for again in dict.fromkeys((tail, _GROUP_DASH.sub(" ", tail))):
        joined = f"{head}{again}" if not head or head[-1].isspace() else f"{head} {again}"
        out, found = _redact(joined, options, corrections=False, asked=asked)
        if sum(found.values()) > apart or (named and found and sum(found.values()) >= apart):
            return out, found
    return None


#: A dash between two digit groups ("54-32").
_GROUP_DASH = re.compile(r"(?<=\d)[-–—](?=\d)")


#: Digit groups of a number said in part: 4 digits or more ("903, 717", "70-36", "1 9 oh 9").
_PIECE = re.compile(rf"\d(?:[\s,.\-–—…]{{0,4}}{_NI_DIGIT}){{3,}}")
#: A card's code is 3 digits: a piece of one taken back or corrected ("CVV [CARD], no, 1, 7, 8").
_CODE_PIECE = re.compile(rf"\d(?:[\s,.\-–—…]{{0,4}}{_NI_DIGIT}){{2,}}")
_TAKE_BACK_CHARS = 80
#: A bare "no" right after a redacted number, before the digits that correct it ("[CARD], no, 1, 7, 8").
_NO_THEN_DIGITS = re.compile(r"[\s,.…]*(?<![^\W\d_])no[\s,.…]+(?=\d)", re.IGNORECASE)


def _redact_taken_back(text: str) -> str:
    """Digits said and taken back next to a redacted number ("903, 717... нет, подождите, [PHONE]",
    "[PHONE], ой, нет, 36 в конце, 70-36", "The CVV is [CARD], no, 1, 7, 8."): part of the same
    number, redacted with its placeholder. Not counted again: it is the same number. Only in the
    placeholder's own line: the next line is another speaker's turn ("Agent: ... it's [EMAIL]?" /
    "Customer: Номер заказа 123... ой, нет, 45-67." took the order number into the e-mail)."""
    spans: list[tuple[int, int, str]] = []
    for m in PLACEHOLDER_RE.finditer(text):
        first = text.rfind("\n", 0, m.start()) + 1
        last = text.find("\n", m.end())
        last = len(text) if last < 0 else last
        lo = max(first, m.start() - _TAKE_BACK_CHARS)
        before = list(_TAKE_BACK.finditer(text, lo, m.start()))
        if before:  # pieces before the last take-back word
            spans += [(p.start(), p.end(), m.group()) for p in _PIECE.finditer(text, lo, before[-1].start())]
        after = _TAKE_BACK.search(
            text, m.end(), min(last, m.end() + _TAKE_BACK_CHARS)
        ) or _NO_THEN_DIGITS.match(text, m.end(), last)
        if after is not None:
            hi = min(last, after.end() + _TAKE_BACK_CHARS)
            piece = _CODE_PIECE if m.group() == "[CARD]" else _PIECE
            spans += [(p.start(), p.end(), m.group()) for p in piece.finditer(text, after.end(), hi)]
    if not spans:
        return text
    out, done = [], 0
    for start, end, placeholder in sorted(set(spans)):
        if start < done:
            continue
        out += (text[done:start], placeholder)
        done = end
    out.append(text[done:])
    return "".join(out)


#: Words before the last digits of a number read back ("Ending in 9848, right?", "Окончание 83-03, да?").
READ_BACK_CUE = (
    r"(?<![^\W\d_])(?:(?:ending|ends)(?:\s+(?:in|with))?|last\s+(?:four|4)(?:\s+digits)?(?:\s+(?:are|is))?|"
    r"окончани[еяю]|заканчивается\s+на|на\s+конце|последние\s+(?:цифры|четыре(?:\s+цифры)?))"
)
#: Placeholders that stand for a number already counted: its last four read back ("Ending in
#: [PHONE], right?"), or the piece of it the speaker took back ("[PHONE]... нет, подождите, [PHONE]").
_READ_BACK_PLACEHOLDER = re.compile(rf"{READ_BACK_CUE}[\s:,—–-]*\[(EMAIL|CARD|ID|PHONE)\]", re.IGNORECASE)
_TAKEN_BACK_PLACEHOLDER = re.compile(
    rf"\[(EMAIL|CARD|ID|PHONE)\](?=[^\[\]]{{0,{_TAKE_BACK_CHARS}}}?{_TAKE_BACK.pattern}[^\[\]]{{0,{_TAKE_BACK_CHARS}}}?\[\1\])",
    re.IGNORECASE,
)
_LEADING = re.compile(rf"\s*{PLACEHOLDER_RE.pattern}")
#: ... perhaps after a few words that go on with it ("Okay, [ID].", "Так, [ID].", "Да, слышу. Дальше: [ID]"):
#: the speaker's next breath of the number, for the stored count.
_GOES_ON = re.compile(
    r"\s*(?:(?:okay|ok|so|uh|um|and|then|yeah|так|ну|да|ага|угу|сейчас|дальше|продолжаю|потом|слышу)"
    rf"(?![^\W\d_])[\s,.:;—–-]*){{0,3}}{PLACEHOLDER_RE.pattern}",
    re.IGNORECASE,
)
#: A passport's series and its number, each redacted with its word kept ("Серия [ID], номер [ID]",
#: "Номер паспорта [ID], серия [ID]"): one passport, one ID (the filter counts it so).
_SERIES_WORD = r"(?:сери[яиюей]|series)"
_NUMBER_WORD = r"(?:номер(?:\s+паспорта)?|№|number)"
_PASSPORT_PARTS = re.compile(
    rf"(?<![^\W\d_])(?:{_SERIES_WORD}[\s:№,-]*\[ID\][\s,.;:—–-]*(?:(?:и|а|and)\s+)?{_NUMBER_WORD}"
    rf"|{_NUMBER_WORD}[\s:№,-]*\[ID\][\s,.;:—–-]*(?:(?:и|а|and)\s+)?{_SERIES_WORD})[\s:№,-]*\[ID\]",
    re.IGNORECASE,
)
#: A breath that ends with a passport's series ("Серия [ID],") and the speaker's next that starts with
#: its number ("номер [ID]."): the same passport.
_ENDS_WITH_SERIES = re.compile(rf"(?<![^\W\d_]){_SERIES_WORD}[\s:№,-]*\[ID\][\s,.;:…—–-]*$", re.IGNORECASE)
_STARTS_WITH_NUMBER = re.compile(rf"\s*(?:(?:и|а|and)\s+)?{_NUMBER_WORD}[\s:№,-]*\[ID\]", re.IGNORECASE)
#: The other speaker asking only for the rest of the number ("А дальше?", "Повторите конец?", "Go on."):
#: no request for another one.
_GO_ON = re.compile(
    r"(?<![^\W\d_])(?:дальше|продолжайте|повторите|ещё\s+раз|go\s+(?:on|ahead)|keep\s+going|carry\s+on|"
    r"and\s+then|what'?s\s+next|repeat|say\s+(?:it|that)\s+again)(?![^\W\d_])",
    re.IGNORECASE,
)


#: The other speaker's turn that only reads a number back, asking ("So [PHONE]?", "Итак, [PHONE], верно?",
#: "Let me read that back: [PHONE].", "Got it, so that's [EMAIL].", "Так, [ID]. Правильно?", "[PHONE]?"): a
#: cue before it or a question after it.
_ECHO_CHECK = r"(?:right|correct|is\s+that\s+(?:right|correct)|yes|да|верно|правильно|всё\s+верно|updated)"
_ECHO = re.compile(
    r"\W*(?:(?:(?:so|okay|ok|alright|right|and|got\s+it|that'?s|that\s+is|thank\s+you|thanks|i\s+repeat|"
    r"repeating|let\s+me\s+(?:read\s+(?:that|it)\s+back|repeat|check|confirm)|to\s+confirm|confirming|"
    r"итак|так|значит|хорошо|понял[аи]?|проверяю|повторяю|записываю|записал[аи]?|исправил[аи]?|извините)"
    r"(?![^\W\d_])[\s,:—–.-]*)+"
    rf"\[(EMAIL|CARD|ID|PHONE)\][\s,.]*(?:{_ECHO_CHECK}[\s,]*)?[.?!…]*"
    rf"|\[(EMAIL|CARD|ID|PHONE)\][\s,.]*(?:{_ECHO_CHECK}[\s,]*)?\?)\s*",
    re.IGNORECASE,
)
#: A word that reads a number back anywhere in a short turn ("[PHONE], got it.", "Let me repeat that,
#: [PHONE]", "Вы назвали: [PHONE]. Это верно?", "So altogether [PHONE], right?").
_ECHO_CUE = re.compile(
    r"(?<![^\W\d_])(?:so|got\s+it|repeat|read\s+(?:that|it)\s+back|confirm\w*|altogether|in\s+total|"
    r"you\s+said|right|correct|итак|итого|записал[аи]?|записываю|повторяю|проверяю|вы\s+назвали|верно|"
    r"правильно|повторю)(?![^\W\d_])",
    re.IGNORECASE,
)
#: ... a placeholder alone, perhaps after a backchannel ("[ID],", "угу... [ID],").
_BACKCHANNEL_ONLY = re.compile(r"[\W_]*(?:(?:угу|ага|mm-hmm|uh-huh|okay|ok)(?![^\W\d_])[\W_]*)?", re.I)
#: Words besides its placeholder such a turn has at most.
_ECHO_WORDS = 10


def _echoed(text: str) -> str | None:
    """The kind of number ``text`` only reads back (:data:`_ECHO`, or one placeholder in a short turn
    with a read-back word or a question), or None."""
    if (echo := _ECHO.fullmatch(text)) is not None:
        return echo.group(1) or echo.group(2)
    found = PLACEHOLDER_RE.findall(text)
    if len(found) != 1 or _DIGIT_ANY.search(text) is not None:
        return None
    rest = PLACEHOLDER_RE.sub(" ", text)
    if _BACKCHANNEL_ONLY.fullmatch(rest) is not None:
        return str(found[0])  # alone or after "угу...": a piece echoed while it is dictated
    if len(rest.split()) > _ECHO_WORDS or ("?" not in text and _ECHO_CUE.search(rest) is None):
        return None
    return str(found[0])


#: The answer to a number read back that corrects a group of it ("Four four zero eight, actually. Eight at
#: the end.", "Нет, в конце шестьдесят восемь. Сорок пять, шестьдесят восемь."): a word that corrects.
CORRECTS = re.compile(
    r"(?<![^\W\d_])(?:нет|не\s+так|неправильно|точнее|вернее|в\s+конце|на\s+конце|последн\w*|"
    r"no|nope|actually|at\s+the\s+end|last\s+(?:digit|one|group|part|bit)|not\s+quite|wrong|ending)(?![^\W\d_])",
    re.IGNORECASE,
)
#: Words besides placeholders of such a correction.
_CORRECTION_WORDS = 10
_NUMBER_ONLY = re.compile(r"\W*(?:(?:так|а|и|ну|okay|ok|and)\W+)*(?:номер|number)\W*", re.IGNORECASE)


def _asks_another(text: str) -> bool:
    """Whether ``text`` (the other speaker's, between two of a speaker's segments) asks for a number of
    its own ("И СНИЛС, пожалуйста.", "And your wife's number, as a second contact?"): what the speaker
    says next is a new number, not the rest of one cut by Whisper's segmentation ("Угу.", a hold, "А
    дальше?" are no request)."""
    if _GO_ON.search(text) is not None or PLACEHOLDER_RE.search(text) is not None:
        return False
    # a passport's number asked after its series is the same passport ("серия [ID]" / "Номер?" / "[ID]")
    named = named_id(text) if _DIGIT_ANY.search(text) is None else None
    if named == "passport" or (named is None and _NUMBER_ONLY.fullmatch(text) is not None):
        return False
    return (
        named is not None
        or (text.rstrip().endswith("?") and cue_at_end(text))
        or asks_for_card(text)
        or asks_cvv(text)
        or (names_phone(text) and _DIGIT_ANY.search(text) is None)
        or ("?" in text and _ASKS_ANOTHER.search(text) is not None)
    )


#: A question for an address or for another one ("And your work email?", "And a second one?", "Ещё
#: почту?"): the speaker's next address is a new one.
_ASKS_ANOTHER = re.compile(
    r"(?<![^\W\d_])(?:e-?mail|почт\w*|another|second|other|ещё\s+(?:один|одну|адрес|номер)|"
    r"втор\w+|друг\w+)(?![^\W\d_])",
    re.IGNORECASE,
)


_TRAILING = re.compile(rf"{PLACEHOLDER_RE.pattern}[\s.,;:!?]*$")


def trim_seam(before: str, after: str) -> str:
    """``before`` without the placeholder it ends with when ``after`` (the same speaker's next
    segment) starts with the same one: one number the filter found cut across the two, which a
    merged turn should show once ("It's [PHONE]" + "[PHONE]." → "It's" + "[PHONE].")."""
    if "[" not in after[:3]:
        return before
    tail, lead = _TRAILING.search(before), _LEADING.match(after)
    if tail is None or lead is None or tail.group(1) != lead.group(1):
        return before
    return before[: tail.start()].rstrip()


#: A card's code placeholder after the words that name it, in the text that says it ("а CVV [CARD].",
#: "the code on the back is [CARD]", "[CARD], 10 29, [CARD]"); not one another [CARD] follows right
#: after ("CVV: [CARD], [CARD]": which is the card is not said).
_CODE_PLACEHOLDER = re.compile(
    rf"(?:{_CVV_LEAD}|{_CODE_AFTER_EXPIRY_LEAD})\[CARD\](?![\s,.;:–—-]*\[CARD\])", re.IGNORECASE
)
#: ... after the bare word ("Код [CARD] я никому не говорила"): a code once a card came before it.
_BARE_CODE_PLACEHOLDER = re.compile(
    rf"(?<![^\W\d_]){_CARD_CODE_LEAD}\[CARD\](?![\s,.;:–—-]*\[CARD\])", re.IGNORECASE
)
#: A code's placeholder taken back with a bare "no" before its correction ("CVV [CARD], no, [CARD]").
_CODE_NO_AGAIN = re.compile(r"\[CARD\][\s,.…]*(?<![^\W\d_])no[\s,.…]+(?=\[CARD\])", re.IGNORECASE)
#: A request for the card's number along with its code ("Card number and the CVV, please?").
_CARD_NUMBER_ASK = re.compile(
    r"card\s+number|number\s+on\s+the\s+(?:card|front)|long\s+number|номер\w*\s+карт|карт\w*\s+номер", re.I
)
#: Words besides placeholders in a short answer that gives a card's code ("Um, it's [CARD].").
_CODE_ANSWER_WORDS = 8


def _short(text: str) -> bool:
    return len(PLACEHOLDER_RE.sub(" ", text).split()) <= _CODE_ANSWER_WORDS


def _card_code_placeholders(
    texts: list[str] | tuple[str, ...], roles: list[str] | tuple[str, ...] | None
) -> dict[int, dict[int, str | None]]:
    """Which ``[CARD]`` placeholders in ``texts`` stand for a card's security code, which the filter
    redacts with the card's placeholder (PCI DSS forbids storing it): text index -> the placeholder's
    start -> "CVV", or None for the code read back by its asker (counted once). A code after its words,
    or the short answer to its request (``roles`` needed) with the asker reading it back after it."""
    marks: dict[int, dict[int, str | None]] = {}
    card_before = False
    for i, text in enumerate(texts):
        if "[CARD]" not in text:
            continue
        for m in _CODE_PLACEHOLDER.finditer(text):
            marks.setdefault(i, {})[m.end() - 6] = "CVV"
        if ("од" in text or "ode" in text or "ОД" in text or "ODE" in text) and (
            card_before or text.count("[CARD]") > 1
        ):
            for m in _BARE_CODE_PLACEHOLDER.finditer(text):
                if card_before or "[CARD]" in text[: m.start()]:
                    marks.setdefault(i, {})[m.end() - 6] = "CVV"
        card_before = True
    if roles is None:
        return marks
    for i, text in enumerate(texts):
        if not asks_cvv(text) or asks_id_last_four(text) or asks_phone_last_four(text):
            continue
        asker = roles[i]
        # "the card number and the code?" / "[CARD], [CARD]": the card first
        card_first = _CARD_NUMBER_ASK.search(text) is not None
        taken = None
        for j in (j for j in range(i + 1, min(i + 4, len(texts))) if roles[j] != asker):
            if "[CARD]" not in texts[j] or not _short(texts[j]):
                if taken is not None or "[CARD]" in texts[j]:
                    break
                continue  # "Hang on, let me flip it over...": a stall before the answer
            for m in re.finditer(r"\[CARD\]", texts[j]):
                if card_first:
                    card_first = False
                    continue
                marks.setdefault(j, {})[m.start()] = "CVV"
            taken = j
        if taken is None:
            continue
        for k in range(taken + 1, min(taken + 3, len(texts))):  # the asker reading the code back
            if roles[k] == asker and texts[k].count("[CARD]") == 1 and _short(texts[k]):
                marks.setdefault(k, {}).setdefault(texts[k].index("[CARD]"), None)
                break
    return marks


def count_placeholders(
    texts: list[str] | tuple[str, ...], roles: list[str] | tuple[str, ...] | None = None
) -> dict[str, int]:
    """Placeholders already in ``texts`` by type: what an upstream stage redacted. With the
    segments' ``roles``, a placeholder that ends a speaker's segment and starts their next one is
    one number cut by Whisper's segmentation (the filter puts it in both pieces), counted once;
    not when the other speaker asked for another number between them (:func:`_asks_another`). A
    card's security code, stored as ``[CARD]`` too, counts as "CVV": no second card
    (:func:`_card_code_placeholders`)."""
    counts: Counter[str] = Counter()
    ending: dict[str, str | None] = {}  # role -> the placeholder its previous segment ended with
    series_end: dict[str, bool] = {}  # role -> whether that placeholder was a passport's series
    codes = _card_code_placeholders(texts, roles) if any("[CARD]" in t for t in texts) else {}
    for i, text in enumerate(texts):
        if "[" not in text:
            if roles is not None:
                ending[roles[i]] = None
                if any(ending.values()) and _asks_another(text):  # the other speaker's next number follows
                    ending = dict.fromkeys(ending)
            continue
        marks = codes.get(i)
        echoed = False  # the turn only reads back the number just given: counted none, joined to none
        if marks is None:
            before = counts.copy()
            counts.update(PLACEHOLDER_RE.findall(text))
            if (
                roles is not None
                and i
                and roles[i - 1] != roles[i]
                and (kind := _echoed(text)) is not None
                and f"[{kind}]" in texts[i - 1]
            ):  # the other speaker reading back the number just given: no second one
                counts[kind] -= 1
                echoed = True
            elif (
                roles is not None
                and i > 1
                and roles[i - 1] != roles[i]
                and (echo := _ECHO.fullmatch(texts[i - 1])) is not None
                and CORRECTS.search(text) is not None
                and len(PLACEHOLDER_RE.sub(" ", text).split()) <= _CORRECTION_WORDS
                and set(found := PLACEHOLDER_RE.findall(text)) == {echo.group(1) or echo.group(2)}
            ):  # its groups corrected after that read-back ("[PHONE], actually. [PHONE] at the end.")
                counts[found[0]] -= len(found)
                ending[roles[i]] = None  # nor joined to the speaker's number before
                continue
            if "[" in text[1:] and not echoed:  # a second placeholder, or one after a read-back cue
                # a read-back repeats a number counted before; "Last four is [ID]." first is the number
                backs = [kind for kind in _READ_BACK_PLACEHOLDER.findall(text) if before[kind] > 0]
                counts.subtract(backs + _TAKEN_BACK_PLACEHOLDER.findall(text))
                if "[ID]" in text and (parts := len(_PASSPORT_PARTS.findall(text))):
                    counts["ID"] -= parts
        else:
            kinds = {m.start(): marks.get(m.start(), m.group(1)) for m in PLACEHOLDER_RE.finditer(text)}
            for m in _TAKEN_BACK_PLACEHOLDER.finditer(text):  # the code taken back: its correction one too
                after = PLACEHOLDER_RE.search(text, m.end())
                if after is not None and kinds[m.start()] == "CVV":
                    kinds[after.start()] = "CVV"
            for m in _CODE_NO_AGAIN.finditer(text):  # "CVV [CARD], no, [CARD]": one code, said again
                if kinds[m.start()] == "CVV":
                    kinds[m.start()], kinds[m.end()] = None, "CVV"
            counts.update(kind for kind in kinds.values() if kind is not None)
            taken = [m.start(1) - 1 for m in _READ_BACK_PLACEHOLDER.finditer(text)]
            taken += [m.start() for m in _TAKEN_BACK_PLACEHOLDER.finditer(text)]
            counts.subtract(kind for at in taken if (kind := kinds[at]) is not None)
        if roles is not None:
            role = roles[i]
            lead = _GOES_ON.match(text)
            lead_kind = None
            if lead is not None:
                lead_kind = marks.get(lead.start(1) - 1, lead.group(1)) if marks else lead.group(1)
            if lead_kind is not None and ending.get(role) == lead_kind and not echoed:
                counts[lead_kind] -= 1
            elif (
                ending.get(role) == "ID"
                and series_end.get(role)
                and _STARTS_WITH_NUMBER.match(text) is not None
            ):  # "Серия [ID]," / "номер [ID].": the series' passport
                counts["ID"] -= 1
            tail = _TRAILING.search(text)
            tail_kind = None
            if tail is not None:
                tail_kind = marks.get(tail.start(), tail.group(1)) if marks else tail.group(1)
            ending[role] = tail_kind
            series_end[role] = tail_kind == "ID" and _ENDS_WITH_SERIES.search(text) is not None
    return dict(counts)
