"""calls.transcribed → calls.filtered: flag every segment kept or dropped, with the reason."""

from __future__ import annotations

from typing import Any

from processors.filtering import filter_transcript
from processors.text_config import TextConfig
from schemas.validation import check_transcript
from streams.app import Runtime
from streams.stage import Stage, register_stage
from streams.topics import FILTERED, TRANSCRIBED


def register(rt: Runtime) -> None:
    options = TextConfig.from_settings(rt.settings).filter  # word patterns compile once per worker

    def run(transcript: dict[str, Any]) -> dict[str, Any]:
        check_transcript(transcript)  # produced straight to the topic: refused here, not at the sink
        return filter_transcript(transcript, options=options)

    register_stage(rt, Stage("filter", TRANSCRIBED, FILTERED, run))
