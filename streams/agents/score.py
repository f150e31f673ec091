"""calls.compressed → calls.scored: fill the scorecard (rule criteria now; LLM criteria pending)."""

from __future__ import annotations

from processors.scoring import score_call
from streams.app import Runtime
from streams.stage import Stage, register_stage
from streams.topics import COMPRESSED, SCORED


def register(rt: Runtime) -> None:
    register_stage(rt, Stage("score", COMPRESSED, SCORED, score_call))
