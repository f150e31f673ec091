"""Rules a CallCompleted must satisfy beyond its Avro types (checked at ingest and again by the
transcribe stage, since producers other than callstream's connectors may write the topic)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

LAYOUTS = ("stereo", "mono")
ROLES = ("agent", "customer")
DIRECTIONS = ("inbound", "outbound", "internal", "unknown")


class InvalidCall(ValueError):
    """A CallCompleted that violates the contract; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def call_problems(call: Mapping[str, Any]) -> list[str]:
    """Every contract violation of ``call`` (empty when valid)."""
    problems = []
    if not str(call.get("call_id") or "").strip():
        problems.append("call_id: must not be empty")
    if not str(call.get("recording_uri") or "").strip():
        problems.append("recording_uri: must not be empty")
    if call.get("direction", "unknown") not in DIRECTIONS:
        problems.append(f"direction: must be one of {', '.join(DIRECTIONS)}")
    started, ended = call.get("started_at"), call.get("ended_at")
    if started is not None and ended is not None and ended < started:
        problems.append("ended_at: is before started_at")
    audio = call.get("audio") or {}
    layout = audio.get("layout", "stereo")
    if layout not in LAYOUTS:
        problems.append(f"audio.layout: must be one of {', '.join(LAYOUTS)}")
    for channel, role in (audio.get("channels") or {}).items():
        if channel not in ("0", "1"):
            problems.append(f'audio.channels: channel {channel!r} must be "0" or "1"')
        if role not in ROLES:
            problems.append(f"audio.channels.{channel}: role must be one of {', '.join(ROLES)}")
    roles = [r for r in (audio.get("channels") or {}).values() if r in ("agent", "customer")]
    if len(roles) != len(set(roles)):  # both channels one speaker: the other's words would be theirs
        problems.append(f"audio.channels: two channels cannot both be the {roles[0]}")
    agent = call.get("agent") or {}
    for name, value in (
        ("call_id", call.get("call_id")),
        ("tenant", call.get("tenant")),
        ("queue", call.get("queue")),
        ("agent.id", agent.get("id")),
        ("agent.name", agent.get("name")),
    ):
        # names and ids end up in alert ids, e-mail subjects and HTTP headers: a line break there
        # makes a notifier refuse the alert (a header injection it rightly blocks)
        if isinstance(value, str) and (_CONTROL.search(value) or len(value) > MAX_NAME):
            problems.append(f"{name}: no control characters (line breaks) and at most {MAX_NAME} characters")
    return problems


MAX_NAME = 256
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # C0, C1 (NEL) and the Unicode line breaks


def transcript_problems(transcript: Mapping[str, Any]) -> list[str]:
    """What no stage after transcription accepts of a Transcript: its call's contract violations and
    times that are not finite, non-negative numbers (NaN, negative durations). The transcribe stage
    checks the call and measures the times itself; a record produced straight to a later topic
    skips both, and would be filtered, compressed and scored only to be refused by the sink."""
    problems = [f"call.{problem}" for problem in call_problems(transcript["call"])]
    if not (math.isfinite(transcript["duration"]) and transcript["duration"] >= 0):
        problems.append(f"duration: {transcript['duration']} is not a finite number of seconds >= 0")
    for seg in (*transcript["segments"], *(transcript.get("dropped_segments") or ())):
        start, end = seg["start"], seg["end"]
        if not (math.isfinite(start) and math.isfinite(end) and 0 <= start <= end):
            problems.append(f"segment {seg['index']}: start {start} and end {end} are no time span")
            break
    return problems


def score_problems(score: Mapping[str, Any]) -> list[str]:
    """What the sink refuses to store of a CallScore: the problems of the Transcript it carries
    (:func:`transcript_problems`), checked again since any stage's topic may be written directly."""
    return transcript_problems(score["compressed"]["filtered"]["transcript"])


def check_transcript(transcript: Mapping[str, Any]) -> None:
    """Raise :class:`InvalidCall` when ``transcript`` (or its call) breaks the contract."""
    problems = transcript_problems(transcript)
    if problems:
        raise InvalidCall(problems)


def check_call(call: Mapping[str, Any]) -> None:
    """Raise :class:`InvalidCall` when ``call`` breaks the contract."""
    problems = call_problems(call)
    if problems:
        raise InvalidCall(problems)
