"""An event that disagrees with its recording (layout, channel map, times) is transcribed with a
warning worded with its fix, logged at WARNING: the bundled sample recordings and their timelines."""

from __future__ import annotations

import json
import logging
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import processors.transcribe
from processors import doubts
from processors.audio import SAMPLES_DIR, ChannelAudio, load_call_audio
from processors.doubts import Doubt, kind_of
from processors.rows import score_rows
from processors.transcribe import duration_doubt, silence_doubt, swapped_channels_doubt, transcribe_call
from schemas.codec import SingleObjectCodec
from tests.factories import make_call_score
from tests.unit.test_transcribe_guards import TEN_SECONDS, FakeAsr, ScriptedPipeline, segment

MONO = SAMPLES_DIR / "sample-en-mono.wav"
SALE = SAMPLES_DIR / "sample-en-sale.wav"  # 8 kHz stereo μ-law: agent on 0, customer on 1
AGENT_FIRST = {"0": "agent", "1": "customer"}


def load(path: Path, layout: str, channels: dict[str, str]) -> tuple[list[str], list[Doubt]]:
    """The roles ``path`` decodes to under the declared ``layout`` and ``channels``, and the warnings."""
    warnings: list[Doubt] = []
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
    assert kind_of(warnings[0]) == doubts.MONO_DECLARED_STEREO
    [record] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings[0] in record.getMessage() and "sample-en-mono.wav" in record.getMessage()


def test_stereo_recording_declared_mono_is_mixed_with_a_warning(caplog) -> None:
    roles, warnings = load(SALE, "mono", {})
    assert roles == ["unknown"]  # as declared: no roles guessed
    [warning] = warnings
    assert warning.startswith("recording is stereo (two different channels) but the event declares mono")
    assert "send layout 'stereo' with audio.channels" in warning
    assert kind_of(warning) == doubts.STEREO_DECLARED_MONO
    assert any(r.levelno == logging.WARNING and warning in r.getMessage() for r in caplog.records)


def write_twice(source: Path, target: Path, channels: int = 2) -> Path:
    """``source`` (16-bit PCM mono) as a WAV with the same signal on each of ``channels`` channels."""
    with wave.open(str(source), "rb") as r:
        params, frames = r.getparams(), r.readframes(r.getnframes())
    samples = memoryview(frames).cast("h")
    out = bytearray(len(frames) * channels)
    view = memoryview(out).cast("h")
    for channel in range(channels):
        view[channel::channels] = samples
    with wave.open(str(target), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(params.sampwidth)
        w.setframerate(params.framerate)
        w.writeframes(bytes(out))
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
    assert kind_of(warning) == doubts.ONE_MIX_DECLARED_STEREO


def test_channel_map_naming_one_channel_warns_about_the_other(caplog) -> None:
    roles, warnings = load(SALE, "stereo", {"0": "agent"})
    assert roles == ["agent", "unknown"]
    assert warnings == [
        'audio.channels ({"0": "agent"}) names no party for channel 1: its speech has role '
        "'unknown', so no per-speaker talk time is measured (for either party) and that party's rules "
        'miss it; name both channels, e.g. {"0": "agent", "1": "customer"}'
    ]
    assert kind_of(warnings[0]) == doubts.CHANNEL_MAP_INCOMPLETE
    assert any(r.levelno == logging.WARNING for r in caplog.records)


def cut_short(source: Path, target: Path) -> Path:
    """``source`` with its last 70 % of bytes gone, its header still declaring the whole length."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * 0.3)])
    return target


def still_written(source: Path, target: Path) -> Path:
    """A fresh copy of ``source`` whose WAV header gives no length (0 bytes), as a recorder leaves it
    until it closes the file."""
    data = bytearray(source.read_bytes())
    data[4:8] = bytes(4)
    at = data.index(b"data") + 4
    data[at : at + 4] = bytes(4)
    target.write_bytes(bytes(data))
    return target


def test_every_decoder_warning_names_its_kind(tmp_path: Path) -> None:
    """Each doubt load_call_audio makes carries its kind code (processors/doubts.py), whatever its
    wording: BI (bi_call_warnings) reads the code, not the text."""
    cases = {
        doubts.MONO_DECLARED_STEREO: (MONO, "stereo", AGENT_FIRST),
        doubts.STEREO_DECLARED_MONO: (SALE, "mono", {}),
        doubts.ONE_MIX_DECLARED_STEREO: (write_twice(MONO, tmp_path / "twice.wav"), "stereo", AGENT_FIRST),
        doubts.CHANNEL_MAP_INCOMPLETE: (SALE, "stereo", {"0": "agent"}),
        doubts.EXTRA_CHANNELS: (write_twice(MONO, tmp_path / "three.wav", 3), "mono", {}),
        doubts.RECORDING_TRUNCATED: (cut_short(MONO, tmp_path / "cut.wav"), "mono", {}),
        doubts.RECORDING_STILL_WRITTEN: (still_written(MONO, tmp_path / "live.wav"), "mono", {}),
        doubts.RECORDING_CLIPPED: (louder(tmp_path / "loud.wav", 30.0), "stereo", AGENT_FIRST),
    }
    for kind, (path, layout, channels) in cases.items():
        _, warnings = load(path, layout, channels)
        assert [kind_of(w) for w in warnings] == [kind], (kind, warnings)
        assert all(type(w) is Doubt for w in warnings)
    assert set(cases) == {k.code for k in doubts.KINDS.values() if k.code not in _MADE_ELSEWHERE}


#: The kinds not made by the decoder: the transcript's own (below) and the scorer's (test_llm_retry_context).
_MADE_ELSEWHERE = {
    doubts.DURATION_MISMATCH,
    doubts.CHANNELS_SWAPPED,
    doubts.SILENT_CHANNEL,
    doubts.NO_SPEECH_FOUND,
    doubts.TRANSCRIPT_CUT,
}


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
    assert kind_of(doubt) == doubts.CHANNELS_SWAPPED


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
    assert kind_of(duration_doubt(call_lasting(1200), 32.0) or "") == doubts.DURATION_MISMATCH
    longer = duration_doubt(call_lasting(20), 300.0)
    assert longer is not None and longer.startswith("the recording holds 300 s but the event says")
    assert kind_of(longer) == doubts.DURATION_MISMATCH
    assert duration_doubt({"call_id": "c1"}, 300.0) is None  # no times: nothing to compare


def test_the_transcript_carries_each_warnings_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    """transcribe_call's record: the decoder's warnings, then its own, with warning_kinds parallel
    ('' for a warning made as a plain string); both survive Avro as the topic carries them."""
    monkeypatch.setattr(processors.transcribe, "BatchedInferencePipeline", ScriptedPipeline)
    ScriptedPipeline.segments = [segment(1.0, 2.0, " hello there")]
    decoder = Doubt("recording is mono but the event declares stereo: ...", doubts.MONO_DECLARED_STEREO)
    call = {**call_lasting(1200), "language": "en"}
    options = processors.transcribe.WhisperOptions(vad_filter=False)
    transcript = transcribe_call(call, TEN_SECONDS, 10.0, FakeAsr(), options, [decoder, "plain"])
    assert transcript["warnings"][:2] == [decoder, "plain"]
    assert transcript["warnings"][2].startswith("the event says the call lasted 1200 s")
    assert transcript["warning_kinds"] == [doubts.MONO_DECLARED_STEREO, "", doubts.DURATION_MISMATCH]


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


def test_calls_row_has_a_kind_per_warning_padding_records_without_them() -> None:
    """calls.warning_kinds is parallel to calls.warnings: each record's kinds in order, '' for a warning
    whose record (from before warning_kinds) names none, extra codes dropped."""
    score = make_call_score("c1")
    transcript = score["compressed"]["filtered"]["transcript"]
    transcript |= {
        "warnings": ["recording is mono but the event declares stereo: ...", "14 s ... the event says"],
        "warning_kinds": [doubts.MONO_DECLARED_STEREO],  # shorter than its warnings
    }
    score |= {"warnings": ["transcript cut to fit the model's context"], "warning_kinds": ["transcript_cut"]}
    [row] = score_rows(score, 1)["calls"]
    assert row["warning_kinds"] == [doubts.MONO_DECLARED_STEREO, "", doubts.TRANSCRIPT_CUT]
    del transcript["warning_kinds"], score["warning_kinds"]  # records from before the field
    [row] = score_rows(score, 1)["calls"]
    assert row["warning_kinds"] == ["", "", ""] and len(row["warnings"]) == 3
    score |= {"warnings": [], "warning_kinds": ["transcript_cut"]}  # a code without its warning
    [row] = score_rows(score, 1)["calls"]
    assert row["warning_kinds"] == ["", ""]
    codec = SingleObjectCodec()
    transcript["warning_kinds"] = [doubts.MONO_DECLARED_STEREO, doubts.DURATION_MISMATCH]
    decoded = codec.decode("CallScore", codec.encode("CallScore", score))
    assert decoded["compressed"]["filtered"]["transcript"]["warning_kinds"] == transcript["warning_kinds"]


# --- recordings that do not sound like a call (audio trial) -------------------------------------------


def louder(target: Path, gain: float) -> Path:
    """The mono sample ``gain`` times louder as 16-bit PCM on two channels, clipped at full scale as a
    recorder with its gain set too high writes it."""
    import numpy as np

    with wave.open(str(MONO), "rb") as r:
        params, frames = r.getparams(), r.readframes(r.getnframes())
    samples = np.clip(np.frombuffer(frames, dtype="<i2").astype(np.float64) * gain, -32768, 32767)
    stereo = np.repeat(samples.astype("<i2"), 2)
    stereo[1::2] //= 4  # two different channels: the customer's quieter, not clipped
    with wave.open(str(target), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(params.sampwidth)
        w.setframerate(params.framerate)
        w.writeframes(stereo.tobytes())
    return target


def test_a_clipped_channel_is_warned_with_its_fix(tmp_path: Path) -> None:
    _, warnings = load(louder(tmp_path / "loud.wav", 30.0), "stereo", AGENT_FIRST)
    [warning] = warnings
    assert kind_of(warning) == doubts.RECORDING_CLIPPED
    assert warning.startswith("channel 0 (agent) is clipped: ") and "lower the recorder's gain" in warning
    _, warnings = load(louder(tmp_path / "fine.wav", 1.0), "stereo", AGENT_FIRST)
    assert warnings == []


def test_a_recording_over_the_limit_names_the_setting(tmp_path: Path) -> None:
    from processors.audio import RecordingTooLong

    with pytest.raises(
        RecordingTooLong, match=r"exceeds the 5 s limit \(CALLSTREAM_MAX_AUDIO_SECONDS; raise"
    ):
        load_call_audio(SALE, "stereo", AGENT_FIRST, 5)


def spoken(channel: int, role: str, seconds: float) -> dict:
    return {"channel": channel, "role": role, "start": 1.0, "end": 1.0 + seconds, "text": "hello there"}


def test_no_speech_anywhere_is_warned() -> None:
    doubt = silence_doubt([{**spoken(0, "agent", 1.0), "text": " "}], TEN_SECONDS, 0.5)
    assert doubt is not None and kind_of(doubt) == doubts.NO_SPEECH_FOUND
    assert doubt.startswith("no speech found in the 0.5 s recording")


def test_a_stereo_call_with_one_silent_leg_is_warned() -> None:
    stereo = [
        ChannelAudio(0, "agent", TEN_SECONDS[0].samples),
        ChannelAudio(1, "customer", TEN_SECONDS[0].samples),
    ]
    doubt = silence_doubt([spoken(0, "agent", 4.0), spoken(0, "agent", 4.0)], stereo, 30.0)
    assert doubt is not None and kind_of(doubt) == doubts.SILENT_CHANNEL
    assert doubt.startswith("channel 1 (customer) holds no speech while channel 0 speaks 8 s")
    # both speak, a party that said a word and hung up, or a mono call: no doubt
    assert silence_doubt([spoken(0, "agent", 8.0), spoken(1, "customer", 0.5)], stereo, 30.0) is None
    assert silence_doubt([spoken(0, "agent", 3.0)], stereo, 30.0) is None
    assert silence_doubt([spoken(0, "unknown", 20.0)], stereo[:1], 30.0) is None
