"""Small text helpers shared by the text processors."""

from __future__ import annotations

import re

WORD_RE = re.compile(r"\w+", re.UNICODE)


def has_words(text: str) -> bool:
    """True when ``text`` holds at least one letter or digit."""
    return WORD_RE.search(text) is not None


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text))


def normalise_space(text: str) -> str:
    return " ".join(text.split())
