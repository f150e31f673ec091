"""calls.compressed → calls.scored: fill the scorecard with the configured scorer (llm, baseline, rules).

The scorer is built once per worker (scorecards validated at start, one HTTP client). With an LLM
backend the stage is heavy: requests run in the worker's executor, never on the event loop, and
LLM errors follow the stage's policy (unavailable → retried, then dead-lettered). An answer still
invalid after its retry does not fail the record: the call goes on with the criteria that failed
validation marked ``failed`` (total null), and the answer becomes a dead letter of its own (error
class ``InvalidLlmAnswer``: the reasons and the raw answer, the input's bytes for a re-score),
acknowledged by the broker before the CallScore is sent, so it is never lost with an acked record.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter, Histogram

from processors.scoring import Scorer, build_scorer
from streams.stage import Stage, WithProblem, register_stage
from streams.topics import COMPRESSED, SCORED

if TYPE_CHECKING:
    from streams.app import Runtime

log = logging.getLogger(__name__)

LLM_TOKENS = Counter("callstream_llm_tokens_total", "LLM tokens spent scoring calls.", ["direction"])
LLM_LATENCY = Histogram(
    "callstream_llm_seconds",
    "LLM time per call (retries included).",
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120),
)
SCORED_BY = Counter("callstream_scored_calls_total", "Calls scored, by scorer.", ["scorer"])
INVALID_ANSWERS = Counter(
    "callstream_llm_invalid_answers_total",
    "Calls whose LLM answer was still invalid after its retry: scored with failed criteria, the "
    "answer dead-lettered.",
)


def score_stage(scorer: Scorer) -> Stage:
    """The score stage: a call whose LLM answer stayed invalid goes on with its failed criteria, the
    answer beside it as a dead letter (:class:`streams.stage.WithProblem`)."""

    if scorer.uses_llm:  # 0-valued series from the start: rate() then sees the first tokens
        for direction in ("in", "out"):
            LLM_TOKENS.labels(direction)

    def run(compressed: dict[str, Any]) -> dict[str, Any] | WithProblem:
        scored = scorer.outcome(compressed)
        out = scored.score
        SCORED_BY.labels(out["scorer"]).inc()
        if out["llm_latency_s"] is not None:
            LLM_LATENCY.observe(out["llm_latency_s"])
            LLM_TOKENS.labels("in").inc(out["llm_tokens_in"] or 0)
            LLM_TOKENS.labels("out").inc(out["llm_tokens_out"] or 0)
        if scored.invalid is None:
            return out
        INVALID_ANSWERS.inc()
        log.warning("score: call %s: %s", out["call_id"], scored.invalid)
        # failed as part of this score, not after it: a letter newer than the ``calls`` row would
        # read as the call's outcome to "newest row wins" readers (``callstream demo``)
        return WithProblem(out, scored.invalid, attempts=2, failed_at=out["scored_at"])  # two answers

    return Stage("score", COMPRESSED, SCORED, run, heavy=scorer.uses_llm)


def register(rt: Runtime) -> None:
    register_stage(rt, score_stage(build_scorer(rt.settings)))
