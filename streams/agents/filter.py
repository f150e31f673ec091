"""calls.transcribed → calls.filtered: flag every segment kept or dropped, with the reason."""

from __future__ import annotations

from functools import partial

from processors.filtering import filter_transcript
from processors.text_config import TextConfig
from streams.app import Runtime
from streams.stage import Stage, register_stage
from streams.topics import FILTERED, TRANSCRIBED


def register(rt: Runtime) -> None:
    options = TextConfig.from_settings(rt.settings).filter  # word patterns compile once per worker
    register_stage(rt, Stage("filter", TRANSCRIBED, FILTERED, partial(filter_transcript, options=options)))
