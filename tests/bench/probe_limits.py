"""The limits a blind PII probe's guard holds its result to (tests/bench/test_pii_probe5..8.py): a probe's
``evaluate()`` answers the same keys, and each guard names only its own numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _cid(failure: dict[str, Any]) -> str:
    case = failure["case"]
    return getattr(case, "cid", case)  # probe 5 keeps the case, later probes its id


def _named(item: tuple[Any, ...]) -> str:
    """A leak or a lost keep as ``kind=surface``: ``(secret, where)`` / ``(keep, where)``, or probe 8's
    ``(kind, value, where, ...)`` / ``(kind, surface, turn, where)``."""
    first = item[0]
    if isinstance(first, str):
        return f"{first}={item[1]}"
    return f"{first.kind}={getattr(first, 'surface', getattr(first, 'value', ''))}"


@dataclass(frozen=True)
class ProbeLimits:
    """How many secrets may be readable (in all, and per ``type/lang``: 0 for a type not named), how
    many numbers that must stay may be lost, negatives touched and secrets under another type's
    placeholder."""

    leaks: int
    leaks_per_type: dict[str, int] = field(default_factory=dict)
    lost_keeps: int = 0
    negatives_touched: int = 0
    mistyped: int = 0

    def check_leaks(self, result: dict[str, Any]) -> None:
        leaked = [f"{_cid(f)}:{_named(leak)}" for f in result["failures"] for leak in f["leaks"]]
        assert result["leaked"] <= self.leaks, leaked
        for key, (count, _total) in result["per_type"].items():
            assert count <= self.leaks_per_type.get(key, 0), (key, leaked)

    def check_false_positives(self, result: dict[str, Any]) -> None:
        lost = [f"{_cid(f)}:{_named(keep)}" for f in result["failures"] for keep in f["lost"]]
        assert result["lost_keeps"] <= self.lost_keeps, lost
        assert result["negative_with_placeholder"] <= self.negatives_touched
        assert result["wrong_type"] <= self.mistyped
