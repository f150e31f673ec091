"""calls.filtered → calls.compressed: the dialogue text an LLM reads, with token counts."""

from __future__ import annotations

from typing import Any

from ml.tokenizer import TokenCounter
from processors.compression import compress
from processors.text_config import TextConfig
from schemas.validation import check_transcript
from streams import metrics
from streams.app import Runtime
from streams.stage import Stage, register_stage
from streams.topics import COMPRESSED, FILTERED


def register(rt: Runtime) -> None:
    counter = TokenCounter(rt.settings.tokenizer)  # loaded once per worker
    options = TextConfig.from_settings(rt.settings).compress

    def run(filtered: dict[str, Any]) -> dict[str, Any]:
        check_transcript(filtered["transcript"])  # as the filter stage does: calls.filtered is writable
        out = compress(filtered, counter, counter.name, options)
        metrics.TOKENS.labels("before").inc(out["tokens_before"])
        metrics.TOKENS.labels("after").inc(out["tokens_after"])
        return out

    register_stage(rt, Stage("compress", FILTERED, COMPRESSED, run))
