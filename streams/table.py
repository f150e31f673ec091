"""Plain-text and JSON output of query results for the CLI."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TextIO


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO = sys.stdout) -> None:
    """Left-aligned columns separated by two spaces, with a rule under the header."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line.rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=out)


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


def print_json(headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO = sys.stdout) -> None:
    """One JSON object per row (JSON lines); NaN and ±inf are null, which every JSON reader accepts."""
    for row in rows:
        record = dict(zip(headers, row, strict=True))
        try:
            text = json.dumps(record, default=_json_default, ensure_ascii=False, allow_nan=False)
        except ValueError:  # a non-finite float somewhere: the rare row pays for the walk
            text = json.dumps(_finite(record), default=_json_default, ensure_ascii=False)
        print(text, file=out)
