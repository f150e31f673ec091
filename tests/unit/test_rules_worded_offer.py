"""Prices in number words with no currency: after "price this year is" and in a seller's offer ("I can go
to forty five thousand") they count as the digit form does; a time, a count or an address does not."""

from __future__ import annotations

import pytest

from processors.rules import price_mentions


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("The list price this year is fifty two thousand eight hundred.", 1),
        ("The list price this year is 52800.", 1),
        ("Price next year is forty thousand.", 1),
        ("I can go to forty five thousand for two years.", 1),
        ("I can go down to forty five thousand.", 1),
        ("We could go down to 48 000.", 1),
        ("I can go to 45k.", 1),
        ("The price is 45.", 1),
        # no price
        ("The price this year is the same.", 0),
        ("The price this time is two times higher.", 0),
        ("I can go to five tomorrow.", 0),
        ("We can go to two people per room.", 0),
        ("You can go to 221 Baker street.", 0),
        ("I'll go to 12 tomorrow.", 0),
    ],
)
def test_a_worded_price_without_currency_after_its_cue_counts(text: str, n: int) -> None:
    assert price_mentions([text]) == n
