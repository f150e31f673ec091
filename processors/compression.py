"""Compress stage: the dialogue text an LLM reads, with token counts before and after.

This first version is the structural baseline only: dropped segments are left out and consecutive
turns of one speaker are merged into one line (``Agent: ...``). Semantic de-duplication and
density-driven depth come later; ``level`` says what was applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from processors.text import normalise_space

ROLE_LABELS = {"agent": "Agent", "customer": "Customer"}


def dialogue_lines(segments: Iterable[Mapping[str, Any]], merge: bool = True) -> list[str]:
    """``Role: text`` lines; with ``merge``, consecutive turns of one role become one line."""
    lines: list[tuple[str, list[str]]] = []
    for seg in segments:
        text = normalise_space(seg["text"])
        if not text:
            continue
        role = seg["role"]
        if merge and lines and lines[-1][0] == role:
            lines[-1][1].append(text)
        else:
            lines.append((role, [text]))
    return [f"{ROLE_LABELS.get(role, 'Speaker')}: {' '.join(parts)}" for role, parts in lines]


def compress(
    filtered: Mapping[str, Any], count_tokens: Callable[[str], int], tokenizer_name: str
) -> dict[str, Any]:
    """FilteredTranscript -> CompressedTranscript."""
    segments = filtered["transcript"]["segments"]
    full = "\n".join(dialogue_lines(segments, merge=False))  # what an LLM would read without this stage
    text = "\n".join(dialogue_lines(s for s in segments if s["kept"]))
    return {
        "call_id": filtered["call_id"],
        "filtered": dict(filtered),
        "text": text,
        "tokens_before": count_tokens(full),
        "tokens_after": count_tokens(text),
        "tokenizer": tokenizer_name,
        "level": "merge",
    }
