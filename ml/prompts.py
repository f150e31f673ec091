"""Scoring prompt, the JSON schema of the answer, and validation of the answer in code.

The answer explains first and scores second (``reasoning`` precedes the values in the schema's
property order, which grammar-constrained decoders such as vLLM's and llama.cpp's follow): models
score closer to analysts when they write the argument before the number. The schema is generated
from the scorecard, so adding a criterion to the YAML changes the prompt, the schema and the
validation together. Grammars do not enforce numeric ranges reliably, so every answer is validated
here as well. Bump :data:`PROMPT_VERSION` whenever the wording or the schema layout changes: it is
stored with every score.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from processors.scorecard import Criterion, Scorecard

PROMPT_VERSION = "score-v1"

SYSTEM = (
    "You are a quality analyst of a call centre. You read the transcript of one phone call between "
    "an agent and a customer and fill in a scorecard. Judge what was said and how the conversation "
    "went, not only which words were used: formal politeness without help is not good service, and a "
    "friendly refusal is not a sale. First write a short reasoning for every criterion (one or two "
    "sentences, citing the dialogue), then a one- or two-sentence summary of the call, then the values. "
    "Answer with one JSON object only, exactly as the schema says."
)


def _value_schema(c: Criterion) -> dict[str, Any]:
    if c.kind == "score":
        return {"type": "integer", "minimum": 0, "maximum": 100}
    if c.kind == "count":
        return {"type": "integer", "minimum": 0}
    if c.kind == "yes_no":
        return {"type": "string", "enum": ["yes", "no"]}
    return {"type": "string", "enum": list(c.values)}


def answer_schema(card: Scorecard) -> dict[str, Any]:
    """JSON schema of the model's answer: reasoning per criterion, summary, then the values."""
    crits = card.llm_criteria
    ids = [c.id for c in crits]
    return {
        "type": "object",
        "properties": {
            "reasoning": {
                "type": "object",
                "properties": {cid: {"type": "string"} for cid in ids},
                "required": ids,
                "additionalProperties": False,
            },
            "summary": {"type": "string"},
            **{c.id: _value_schema(c) for c in crits},
        },
        "required": ["reasoning", "summary", *ids],
        "additionalProperties": False,
    }


def _describe(c: Criterion) -> str:
    if c.kind == "score":
        scale = "integer 0-100"
    elif c.kind == "count":
        scale = "integer count >= 0"
    elif c.kind == "yes_no":
        scale = '"yes" or "no"'
    else:
        scale = "one of " + ", ".join(f'"{v}"' for v in c.values)
    return f"- {c.id} ({c.title}; {scale}): {c.rubric}"


def build_messages(card: Scorecard, dialogue: str, language: str | None = None) -> list[dict[str, str]]:
    """Chat messages for one call: the system instruction and the scorecard + transcript."""
    example = {
        "reasoning": {c.id: "..." for c in card.llm_criteria},
        "summary": "...",
        **{c.id: "..." for c in card.llm_criteria},
    }
    user = "\n".join(
        [
            f"Scorecard {card.id} v{card.version}. Criteria:",
            *(_describe(c) for c in card.llm_criteria),
            "",
            "Answer format (JSON, keys in this order): " + json.dumps(example, ensure_ascii=False),
            "Write reasoning and summary in the language of the call"
            + (f" ({language})." if language else "."),
            "",
            "Transcript (Agent/Customer turns, filtered and compressed):",
            dialogue.strip() or "(empty)",
        ]
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def retry_message(error: str) -> dict[str, str]:
    """The follow-up turn after an invalid answer: the model gets one chance to fix it."""
    return {
        "role": "user",
        "content": f"Your answer is invalid: {error}. Answer again with one JSON object that follows "
        "the format and value ranges exactly.",
    }


class AnswerInvalid(ValueError):
    """The model's answer is not valid JSON or does not satisfy the scorecard."""


def parse_answer(card: Scorecard, raw: str) -> dict[str, Any]:
    """Parse and validate a raw answer; return ``{id: (value, label, reasoning)}`` + summary.

    Raises :class:`AnswerInvalid` listing every problem (so one retry can fix them all).
    """
    text = raw.strip()
    if text.startswith("```"):  # some servers without structured output wrap JSON in a fence
        text = text.strip("`").removeprefix("json").strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswerInvalid(f"not valid JSON ({exc.msg} at position {exc.pos})") from None
    if not isinstance(data, Mapping):
        raise AnswerInvalid(f"expected a JSON object, got {type(data).__name__}")
    problems: list[str] = []
    reasoning = data.get("reasoning")
    if not isinstance(reasoning, Mapping):
        problems.append("'reasoning' must be an object with one string per criterion")
        reasoning = {}
    summary = data.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        problems.append("'summary' must be a non-empty string")
    values: dict[str, tuple[float | None, str | None, str]] = {}
    for c in card.llm_criteria:
        why = reasoning.get(c.id)
        if not isinstance(why, str) or not re.search(r"\w", why):  # "..." copied from the format is no reason
            problems.append(f"reasoning.{c.id} must explain the value in words")
            why = ""
        if c.id not in data:
            problems.append(f"{c.id} is missing")
            continue
        v = data[c.id]
        if c.kind in ("score", "count"):
            if isinstance(v, bool) or not isinstance(v, int | float) or v != v:
                problems.append(f"{c.id} must be a number, got {v!r}")
            elif c.kind == "score" and not 0 <= v <= 100:
                problems.append(f"{c.id} must be within 0-100, got {v}")
            elif c.kind == "count" and v < 0:
                problems.append(f"{c.id} must be >= 0, got {v}")
            else:
                values[c.id] = (float(v), None, why)
        else:
            allowed = ["yes", "no"] if c.kind == "yes_no" else list(c.values)
            if v not in allowed:
                problems.append(f"{c.id} must be one of {allowed}, got {v!r}")
            else:
                values[c.id] = ((1.0 if v == "yes" else 0.0) if c.kind == "yes_no" else None, v, why)
    if problems:
        raise AnswerInvalid("; ".join(problems))
    return {"values": values, "summary": summary.strip()}  # type: ignore[union-attr]
