"""Alert rules over a scored call. This first version has fixed default rules; per-tenant YAML
rules, cool-downs and notifiers come later."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class KeywordRule:
    """Fire when a keyword-dictionary entry was hit at least ``threshold`` times."""

    name: str
    keyword: str
    severity: str
    threshold: int = 1


DEFAULT_RULES = (
    KeywordRule("legal_threat", "legal", "critical"),
    KeywordRule("cancellation_risk", "cancel", "warning"),
)


def evaluate(score: Mapping[str, Any], now: datetime | None = None) -> list[dict[str, Any]]:
    """CallScore -> the Alert records it raises (possibly none). Ids are deterministic per call and rule."""
    call = score["compressed"]["filtered"]["transcript"]["call"]
    hits = score["rules"]["keyword_hits"]
    alerts = []
    for rule in DEFAULT_RULES:
        count = hits.get(rule.keyword, 0)
        if count >= rule.threshold:
            alerts.append(
                {
                    "alert_id": f"{score['call_id']}:{rule.name}",
                    "call_id": score["call_id"],
                    "tenant": call["tenant"],
                    "rule": rule.name,
                    "severity": rule.severity,
                    "value": float(count),
                    "threshold": float(rule.threshold),
                    "agent_id": call["agent"]["id"],
                    "message": f"{rule.keyword} words said {count} time(s) on call {score['call_id']}",
                    "created_at": now or datetime.now(UTC),
                }
            )
    return alerts
