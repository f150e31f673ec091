"""calls.compressed → calls.scored: fill the scorecard with the configured scorer (llm, baseline, rules).

The scorer is built once per worker (scorecards validated at start, one HTTP client). With an LLM
backend the stage is heavy: requests run in the worker's executor, never on the event loop, and
LLM errors follow the stage's policy (unavailable → retried; invalid answer → dead letter).
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Histogram

from processors.scoring import build_scorer
from streams.app import Runtime
from streams.stage import Stage, register_stage
from streams.topics import COMPRESSED, SCORED

LLM_TOKENS = Counter("callstream_llm_tokens_total", "LLM tokens spent scoring calls.", ["direction"])
LLM_LATENCY = Histogram(
    "callstream_llm_seconds",
    "LLM time per call (retries included).",
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120),
)
SCORED_BY = Counter("callstream_scored_calls_total", "Calls scored, by scorer.", ["scorer"])


def register(rt: Runtime) -> None:
    scorer = build_scorer(rt.settings)

    def run(compressed: dict[str, Any]) -> dict[str, Any]:
        out = scorer.score(compressed)
        SCORED_BY.labels(out["scorer"]).inc()
        if out["llm_latency_s"] is not None:
            LLM_LATENCY.observe(out["llm_latency_s"])
            LLM_TOKENS.labels("in").inc(out["llm_tokens_in"] or 0)
            LLM_TOKENS.labels("out").inc(out["llm_tokens_out"] or 0)
        return out

    register_stage(rt, Stage("score", COMPRESSED, SCORED, run, heavy=scorer.uses_llm))
