"""calls.transcribed → calls.filtered: flag every segment kept or dropped, with the reason."""

from __future__ import annotations

from processors.filtering import filter_transcript
from streams.app import Runtime
from streams.stage import Stage, register_stage
from streams.topics import FILTERED, TRANSCRIBED


def register(rt: Runtime) -> None:
    register_stage(rt, Stage("filter", TRANSCRIBED, FILTERED, filter_transcript))
