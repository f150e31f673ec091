"""calls.completed → calls.transcribed: validate the event, then faster-whisper on its channels."""

from __future__ import annotations

import atexit
from typing import Any

from ml.whisper import get_asr
from processors.audio import S3Policy, require_s3_client, shown_url
from processors.transcribe import run
from schemas.validation import check_call
from streams import metrics
from streams.app import Runtime
from streams.inflight import InFlight
from streams.stage import Stage, register_stage
from streams.topics import COMPLETED, TRANSCRIBED


def register(rt: Runtime) -> None:
    get_asr(rt.settings).warm_up()  # load models at start: a bad model dir fails here, not on a call
    if rt.settings.recording_s3_buckets:  # s3 configured without the extra: say so now, not per call
        require_s3_client(S3Policy.from_settings(rt.settings))

    # a recording that kills the worker (out of memory) is dead-lettered after two deaths, not
    # taken first again at every restart
    from streams.worker import BEFORE_FORCED_EXIT  # the worker imports the agents

    inflight = InFlight(rt.settings.data_dir / "inflight")
    atexit.register(inflight.forget_mine)  # a stop is no death, a forced one neither
    BEFORE_FORCED_EXIT.append(inflight.forget_mine)

    def transcribe(call: dict[str, Any]) -> dict[str, Any]:
        check_call(call)
        with inflight.working_on(call["call_id"], f"transcribing {shown_url(call['recording_uri'])}"):
            transcript = run(call, rt.settings)
        metrics.AUDIO_SECONDS.inc(transcript["duration"])
        return transcript

    register_stage(rt, Stage("transcribe", COMPLETED, TRANSCRIBED, transcribe, heavy=True))
