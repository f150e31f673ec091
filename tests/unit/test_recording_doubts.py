"""An event that disagrees with its recording (layout, channel map, times) is transcribed with a
warning worded with its fix, logged at WARNING: the bundled sample recordings and their timelines."""

from __future__ import annotations

import json
import logging
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from processors.audio import SAMPLES_DIR, load_call_audio
from processors.rows import score_rows
from processors.transcribe import duration_doubt, swapped_channels_doubt
from tests.factories import make_call_score

MONO = SAMPLES_DIR / "sample-en-mono.wav"
SALE = SAMPLES_DIR / "sample-en-sale.wav"  # 8 kHz stereo μ-law: agent on 0, customer on 1
AGENT_FIRST = {"0": "agent", "1": "customer"}


def load(path: Path, layout: str, channels: dict[str, str]) -> tuple[list[str], list[str]]:
    """The roles ``path`` decodes to under the declared ``layout`` and ``channels``, and the warnings."""
    warnings: list[str] = []
    tracks, _ = load_call_audio(path, layout, channels, 600, warnings=warnings)
    return [t.role for t in tracks], warnings


@pytest.mark.parametrize(
    ("path", "layout", "channels"),
    [(MONO, "mono", {}), (SALE, "stereo", AGENT_FIRST), (SAMPLES_DIR / "sample-ru-sale.wav", "stereo", {})],
)
def test_a_recording_as_declared_has_no_warnings(path: Path, layout: str, channels: dict, caplog) -> None:
    roles, warnings = load(path, layout, channels)
    assert roles == (["unknown"] if layout == "mono" else ["agent", "customer"])
    assert warnings == [] and not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_mono_recording_declared_stereo_is_mono_with_a_warning(caplog) -> None:
    roles, warnings = load(MONO, "stereo", AGENT_FIRST)
    assert roles == ["unknown"]
    assert warnings == [
        "recording is mono but the event declares stereo: the parties are mixed, so roles and "
        "per-speaker talk time are unknown; send layout 'mono' or the stereo file"
    ]
    [record] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings[0] in record.getMessage() and "sample-en-mono.wav" in record.getMessage()


def test_stereo_recording_declared_mono_is_mixed_with_a_warning(caplog) -> None:
    roles, warnings = load(SALE, "mono", {})
    assert roles == ["unknown"]  # as declared: no roles guessed
    [warning] = warnings
    assert warning.startswith("recording is stereo (two different channels) but the event declares mono")
    assert "send layout 'stereo' with audio.channels" in warning
    assert any(r.levelno == logging.WARNING and warning in r.getMessage() for r in caplog.records)


def write_twice(source: Path, target: Path) -> Path:
    """``source`` (16-bit PCM mono) as a stereo WAV with the same signal on both channels."""
    with wave.open(str(source), "rb") as r:
        params, frames = r.getparams(), r.readframes(r.getnframes())
    samples = memoryview(frames).cast("h")
    both = bytearray(len(frames) * 2)
    view = memoryview(both).cast("h")
    view[0::2], view[1::2] = samples, samples
    with wave.open(str(target), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(params.sampwidth)
        w.setframerate(params.framerate)
        w.writeframes(bytes(both))
    return target


def test_one_mix_on_both_channels_is_mono_warned_only_when_declared_stereo(tmp_path: Path) -> None:
    twice = write_twice(MONO, tmp_path / "twice.wav")
    roles, warnings = load(twice, "mono", {})
    assert roles == ["unknown"] and warnings == []  # declared mono, and it is one signal: no doubt
    roles, warnings = load(twice, "stereo", AGENT_FIRST)
    assert roles == ["unknown"]
    [warning] = warnings
    assert warning.startswith("both channels of the recording carry the same audio")
    assert "send layout 'mono' or the recorder's one-party-per-channel file" in warning


def test_channel_map_naming_one_channel_warns_about_the_other(caplog) -> None:
    roles, warnings = load(SALE, "stereo", {"0": "agent"})
    assert roles == ["agent", "unknown"]
    assert warnings == [
        'audio.channels ({"0": "agent"}) names no party for channel 1: its speech has role '
        "'unknown', so no per-speaker talk time is measured (for either party) and that party's rules "
        'miss it; name both channels, e.g. {"0": "agent", "1": "customer"}'
    ]
    assert any(r.levelno == logging.WARNING for r in caplog.records)


def test_swapped_map_decodes_as_declared_without_a_decoder_warning() -> None:
    """The decoder cannot tell who is who: it keeps the map (the transcript's text check warns)."""
    assert load(SALE, "stereo", {"0": "customer", "1": "agent"}) == (["customer", "agent"], [])


# --- the transcript's own doubts --------------------------------------------------------------------


def timeline_segments(call_id: str, swap: bool = False) -> list[dict]:
    """The sample's reference turns as transcript segments; ``swap``: as a swapped channel map
    labels them (each channel keeps its words, the roles trade places)."""
    turns = json.loads((SAMPLES_DIR / f"{call_id}.timeline.json").read_text())["turns"]
    other = {"agent": "customer", "customer": "agent"}
    return [
        {"channel": t["channel"], "role": other[t["role"]] if swap else t["role"], "text": t["text"]}
        for t in sorted(turns, key=lambda t: t["start"])
    ]


@pytest.mark.parametrize("call_id", ["sample-en-sale", "sample-en-complaint", "sample-ru-sale"])
def test_swapped_channel_map_is_doubted_and_the_right_one_is_not(call_id: str) -> None:
    assert swapped_channels_doubt(timeline_segments(call_id)) is None
    doubt = swapped_channels_doubt(timeline_segments(call_id, swap=True))
    assert doubt is not None
    assert doubt.startswith("channel 0, mapped to the customer, opens like an agent (")
    assert 'send audio.channels {"0": "agent", "1": "customer"} if so' in doubt
    assert "channel 1, mapped to the agent, does not" in doubt


def test_a_customer_introducing_themself_to_an_agent_offering_help_is_no_doubt() -> None:
    segments = [
        {"channel": 0, "role": "agent", "text": "Brightline support, how can I help?"},
        {"channel": 1, "role": "customer", "text": "Hi, this is John, calling about my order."},
    ]
    assert swapped_channels_doubt(segments) is None


def call_lasting(seconds: float) -> dict:
    started = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    return {"call_id": "c1", "started_at": started, "ended_at": started + timedelta(seconds=seconds)}


@pytest.mark.parametrize("span", [29.0, 32.0, 60.0, 120.0])
def test_times_close_to_the_recording_are_no_doubt(span: float) -> None:
    assert duration_doubt(call_lasting(span), 32.0 if span < 100 else 70.0) is None


def test_times_far_from_the_recording_are_doubted() -> None:
    assert duration_doubt(call_lasting(1200), 32.0) == (
        "the event says the call lasted 1200 s (started_at to ended_at) but the recording holds 32 s: "
        "the recording may be cut short or another call's; check recording_uri and the recorder, or "
        "the event's times (started_at is when the call was answered, not when it rang or queued)"
    )
    longer = duration_doubt(call_lasting(20), 300.0)
    assert longer is not None and longer.startswith("the recording holds 300 s but the event says")
    assert duration_doubt({"call_id": "c1"}, 300.0) is None  # no times: nothing to compare


# --- to ClickHouse rows -------------------------------------------------------------------------------


def test_calls_row_takes_the_decoded_layout_and_the_transcripts_warnings_first() -> None:
    score = make_call_score("c1")
    transcript = score["compressed"]["filtered"]["transcript"]
    assert transcript["call"]["audio"]["layout"] == "stereo"
    transcript |= {"layout": "mono", "warnings": ["recording is mono but the event declares stereo: ..."]}
    score["warnings"] = ["transcript cut to fit the model's context"]
    [row] = score_rows(score, 1)["calls"]
    assert row["layout"] == "mono"
    assert row["warnings"] == [
        "recording is mono but the event declares stereo: ...",
        "transcript cut to fit the model's context",
    ]
    transcript |= {"layout": None, "warnings": []}  # a transcript from before Transcript.layout
    [row] = score_rows(score, 1)["calls"]
    assert row["layout"] == "stereo" and row["warnings"] == ["transcript cut to fit the model's context"]
