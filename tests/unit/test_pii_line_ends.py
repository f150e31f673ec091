"""A redacted e-mail at the end of one dialogue line is no part of the next speaker's line: "Agent:
... it's linda dot ortiz at mailbox dot com?" then "Customer: Номер заказа 123... ой, нет, 45-67."
stored the order number's corrected digits as ``[EMAIL]`` (digits taken back next to a placeholder
were read over the line break as a piece of the e-mail)."""

from __future__ import annotations

import pytest

from processors.compression import compress
from processors.filtering import FilterOptions, filter_transcript
from processors.pii import PiiOptions, redact
from streams.bench_text import make_transcript_from_turns

_EMAIL_LINE = "Agent: Could you confirm the email on file, it's linda dot ortiz at mailbox dot com?"


@pytest.mark.parametrize(
    "next_line",
    [
        "Customer: Номер заказа 123... ой, нет, 45-67.",
        "Customer: 123... ой, нет, 45-67.",
        "Customer: Yes. The order number is 123... sorry, 45-67.",
    ],
)
def test_digits_taken_back_on_the_next_line_are_not_the_emails(next_line):
    out, counts = redact(f"{_EMAIL_LINE}\n{next_line}")
    assert out.split("\n") == [
        "Agent: Could you confirm the email on file, it's [EMAIL]?",
        next_line,
    ]
    assert counts == {"EMAIL": 1}


def test_compress_keeps_the_next_lines_digits():
    # the filter with PII off, so compress's line-by-line redaction meets the e-mail as said
    turns = [
        ("agent", _EMAIL_LINE.removeprefix("Agent: ")),
        ("customer", "Номер заказа 123... ой, нет, 45-67."),
    ]
    filtered = filter_transcript(
        make_transcript_from_turns("line-ends", turns, "ru"), FilterOptions(pii=PiiOptions(enabled=False))
    )
    out = compress(filtered, len, "x")
    assert out["text"].endswith("Customer: Номер заказа 123... ой, нет, 45-67."), out["text"]
    assert out["pii"] == {"EMAIL": 1}


def test_digits_taken_back_on_the_same_line_still_go_with_the_number():
    said = "Agent: Your phone?\nCustomer: 903, 717... нет, подождите, 8 903 717 12 34."
    assert redact(said)[0] == "Agent: Your phone?\nCustomer: [PHONE]... нет, подождите, [PHONE]."
