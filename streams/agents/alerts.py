"""calls.scored → calls.alerts: supervisor alerts from the scored call."""

from __future__ import annotations

from processors.alerts import evaluate
from streams.app import Runtime
from streams.stage import Stage, register_stage
from streams.topics import ALERTS, SCORED


def register(rt: Runtime) -> None:
    register_stage(rt, Stage("alerts", SCORED, ALERTS, evaluate))
