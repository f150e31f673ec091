"""Plain-text and JSON output of query results for the CLI."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from itertools import islice
from typing import Any, TextIO

#: Characters a terminal or a log reader acts on instead of showing: C0 controls (ESC, CR, LF, TAB,
#: BEL, ...), DEL, C1 controls (U+009B is a one-character ESC [), line and paragraph separators and
#: the bidirectional overrides and isolates (text shown in another order than it is).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: The same, outside JSON's own escapes (it escapes C0 itself): as ``\uXXXX``, still the same JSON.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with every control character written as Python does (``\\n``, ``\\x1b``,
    ``\\u202e``) and the rest as it is: for a table cell or a log line, where a value taken from
    input must not move the cursor, colour the terminal, or start a forged line."""
    if text.isprintable() or not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _cell(value: Any, null: str = "") -> str:
    if value is None:
        return null
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return escape_controls(str(value))


def print_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    out: TextIO = sys.stdout,
    sample: int | None = None,
    null: str = "",
) -> None:
    """Left-aligned columns separated by two spaces, with a rule under the header. Control
    characters in a value or a column name are printed escaped (:func:`escape_controls`), never raw.
    ``null`` stands for a None value (``callstream query``: ``NULL``, so it differs from ``''``).

    With ``sample``, the widths come from the first ``sample`` rows and the rest are printed as they
    arrive, so a result of any size needs memory for ``sample`` rows only; a longer value after those
    is printed in full and shifts the rest of its row.
    """
    rows = iter(rows)
    headers = [escape_controls(h) for h in headers]  # a column alias is the user's text too
    head = [[_cell(v, null) for v in row] for row in islice(rows, sample)]
    widths = [max([len(h)] + [len(r[i]) for r in head]) for i, h in enumerate(headers)]
    if headers:  # a statement without columns (DDL, OPTIMIZE): only the count, not two blank lines
        line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
        print(line.rstrip(), file=out)
        print("  ".join("-" * w for w in widths), file=out)
    count = 0
    for cells in head:
        print("  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)).rstrip(), file=out)
        count += 1
    for row in rows:
        cells = [_cell(v, null) for v in row]
        print("  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)).rstrip(), file=out)
        count += 1
    print(f"({count} row{'s' if count != 1 else ''})", file=out)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _finite(value: Any) -> Any:
    """``value`` with NaN and ±inf (in arrays, tuples and maps too) as None: JSON has no such numbers."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    return value


def print_json(headers: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO = sys.stdout) -> None:
    """One JSON object per row (JSON lines), each printed as it comes; NaN and ±inf are null, which every
    JSON reader accepts. JSON escapes C0 controls (ESC, CR, LF) itself; DEL, C1 controls and the
    separators and bidi controls it would print raw are escaped as ``\\uXXXX`` too (same JSON)."""
    for row in rows:
        record = dict(zip(headers, row, strict=True))
        try:
            text = json.dumps(record, default=_json_default, ensure_ascii=False, allow_nan=False)
        except ValueError:  # a non-finite float somewhere: the rare row pays for the walk
            text = json.dumps(_finite(record), default=_json_default, ensure_ascii=False)
        if not text.isascii():
            text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        print(text, file=out)
