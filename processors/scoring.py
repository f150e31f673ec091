"""Score stage: fill a scorecard for one call.

This version fills the criteria that rules can decide and leaves the LLM criteria ``pending`` with
no value: ``scorer="rules"`` says so in every record and row. Nothing here pretends to be an LLM.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from processors.rules import rule_metrics


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    title: str
    kind: str  # score | yes_no | category | count
    source: str  # rule | llm


DEFAULT_SCORECARD_ID = "default"
DEFAULT_SCORECARD_VERSION = "1"
DEFAULT_CRITERIA = (
    CriterionSpec("politeness", "Agent politeness (0-100)", "score", "llm"),
    CriterionSpec("objection_handling", "Objection handling (0-100)", "score", "llm"),
    CriterionSpec("sale_probability", "Sale probability (%)", "score", "llm"),
    CriterionSpec("deal_stage", "Deal stage reached", "category", "llm"),
    CriterionSpec("case_examples", "Case examples given", "yes_no", "llm"),
    CriterionSpec("price_named", "Price named", "yes_no", "rule"),
    CriterionSpec("price_mentions", "Price mentions", "count", "rule"),
)


def _rule_value(spec: CriterionSpec, rules: Mapping[str, Any]) -> tuple[float, str | None]:
    if spec.id == "price_named":
        named = rules["price_mentions"] > 0
        return (1.0 if named else 0.0), ("yes" if named else "no")
    if spec.id == "price_mentions":
        return float(rules["price_mentions"]), None
    raise KeyError(f"no rule computes criterion {spec.id!r}")


def score_call(compressed: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """CompressedTranscript -> CallScore (rule criteria scored, LLM criteria pending)."""
    transcript = compressed["filtered"]["transcript"]
    rules = rule_metrics(transcript)
    criteria = []
    for spec in DEFAULT_CRITERIA:
        row: dict[str, Any] = {"id": spec.id, "title": spec.title, "kind": spec.kind, "source": spec.source}
        if spec.source == "rule":
            value, label = _rule_value(spec, rules)
            row |= {"status": "scored", "value": value, "label": label, "reasoning": "computed by rule"}
        else:
            row |= {"status": "pending", "value": None, "label": None, "reasoning": None}
        criteria.append(row)
    latencies = {f"transcribe_{k}": v for k, v in transcript.get("timings", {}).items()}
    return {
        "call_id": compressed["call_id"],
        "compressed": dict(compressed),
        "scorecard_id": DEFAULT_SCORECARD_ID,
        "scorecard_version": DEFAULT_SCORECARD_VERSION,
        "scorer": "rules",
        "model_id": None,
        "prompt_version": None,
        "criteria": criteria,
        "rules": rules,
        "summary": None,
        "llm_tokens_in": None,
        "llm_tokens_out": None,
        "latencies": latencies,
        "scored_at": now or datetime.now(UTC),
    }
