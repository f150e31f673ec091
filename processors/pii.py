"""PII redaction: personal data never reaches the LLM or ClickHouse as text.

Replaced by typed placeholders so the dialogue stays readable ("my card is [CARD]"):

- ``[EMAIL]``: e-mail addresses;
- ``[CARD]``: 13-19 digit runs (spaces/dashes allowed) that pass the Luhn check, so an order
  number of the same length is not mistaken for a card;
- ``[ID]``: US SSN ``123-45-6789``, Russian SNILS ``123-456-789 01``, Russian passport
  ``4510 123456`` (series + number, spaced, or 10 digits after the word паспорт/passport);
- ``[PHONE]``: Russian ``+7 / 8 (916) 123-45-67``, North American ``+1 (415) 555-0134`` /
  ``415-555-0134``, and any ``+`` international number of 8-15 digits.

Order matters: cards and IDs are tried before phones (a spaced passport looks like digits a
phone could start with). Money is never touched: every pattern needs at least 9 digits in a phone
or ID shape. Counts by placeholder type are returned so each stage can record what it redacted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

PLACEHOLDERS = ("EMAIL", "CARD", "ID", "PHONE")
PLACEHOLDER_RE = re.compile(r"\[(EMAIL|CARD|ID|PHONE)\]")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}\b")
# _CARD and _ID start with the digit and check what precedes it after it (``(?<![\d-]\d)`` there is
# ``(?<![\d-])`` before the digit): a pattern that starts with a character class lets the regex
# engine skip to the next digit instead of trying the pattern at every position (3-6x faster).
_CARD = re.compile(r"\d(?<![\d-]\d)(?:[ -]?\d){12,18}(?![\d-])")
_ID = re.compile(
    r"\d(?<![\d-]\d)(?:\d{2}-\d{2}-\d{4}"  # US SSN
    r"|\d{2}-\d{3}-\d{3}[ -]\d{2}"  # SNILS
    r"|\d ?\d{2} \d{6})(?![\d-])"  # RU passport series + number
)
#: 10 digits right after the word passport/паспорт (the prefix is kept).
_ID_WORD = re.compile(r"((?:паспорт\w*|passport)(?:\s*(?:№|#|no\.?|number|номер))?[\s:]*)\d{10}(?!\d)", re.I)
#: Every _ID_WORD match holds ten digits in a row: texts without are skipped (a much faster scan).
_TEN_DIGITS = re.compile(r"\d{10}")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+7|8)[\s-]?\(?\d{3}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}"  # Russian
    r"|(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}"  # North American, separated
    r"|\+\d(?:[\s().-]?\d){7,14}"  # any international
    r")(?![\d-])"
)
_DIGIT_HINT = re.compile(r"\d{2}")
#: Every card, ID and phone pattern above needs at least 8 digits: texts with fewer skip them.
_EIGHT_DIGITS = re.compile(r"\d(?:\D*\d){7}")


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


def redact(text: str, options: PiiOptions = PiiOptions()) -> tuple[str, dict[str, int]]:
    """``text`` with PII replaced by placeholders, and counts by placeholder type."""
    if not options.enabled or ("@" not in text and _DIGIT_HINT.search(text) is None):
        return text, {}  # nothing to redact: every pattern needs an "@" or two digits in a row
    counts: Counter[str] = Counter()

    def sub(pattern: re.Pattern[str], name: str, check: Callable[[str], bool] | None = None) -> None:
        nonlocal text

        def repl(m: re.Match[str]) -> str:
            if check is not None and not check(m.group()):
                return m.group()
            counts[name] += 1
            prefix = m.group(1) if pattern.groups else ""
            return f"{prefix}[{name}]"

        text = pattern.sub(repl, text)

    if options.emails and "@" in text:
        sub(_EMAIL, "EMAIL")
    if _DIGIT_HINT.search(text) and _EIGHT_DIGITS.search(text):
        if options.cards:
            sub(_CARD, "CARD", lambda s: luhn_ok(re.sub(r"\D", "", s)))
        if options.ids:
            sub(_ID, "ID")
            if _TEN_DIGITS.search(text):
                sub(_ID_WORD, "ID")
        if options.phones:
            sub(_PHONE, "PHONE")
    return text, dict(counts)


def count_placeholders(texts: list[str] | tuple[str, ...]) -> dict[str, int]:
    """Placeholders already in ``texts`` by type: what an upstream stage redacted."""
    counts: Counter[str] = Counter()
    for text in texts:
        if "[" in text:
            counts.update(PLACEHOLDER_RE.findall(text))
    return dict(counts)
