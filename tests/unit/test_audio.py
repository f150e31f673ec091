"""Recording resolution (only inside the roots) and decoding (formats, channels, every failure)."""

from __future__ import annotations

import random
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from processors import audio
from processors.audio import (
    SAMPLES_DIR,
    AudioError,
    CorruptRecording,
    EmptyRecording,
    RecordingNotAllowed,
    RecordingNotFound,
    RecordingTooLong,
    load_call_audio,
    resolve_recording,
)


def tone(seconds: float, rate: int, freq: float) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def encode(path: Path, channels: list[np.ndarray], rate: int, codec: str = "pcm_s16le") -> Path:
    """Write float channels with PyAV in any codec it encodes (WAV PCM/μ-law/A-law, FLAC, MP3, Opus)."""
    layout = "stereo" if len(channels) == 2 else "mono"
    pcm = (np.stack(channels) * 32767).astype(np.int16)
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        frame = av.AudioFrame.from_ndarray(pcm.T.reshape(1, -1).copy(), format="s16", layout=layout)
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


# --- resolve_recording ------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "rec").mkdir()
    encode(tmp_path / "rec" / "call.wav", [tone(1, 8000, 440)], 8000)
    return tmp_path / "rec"


def test_file_uri_and_plain_path_inside_root(root: Path) -> None:
    expected = (root / "call.wav").resolve()
    assert resolve_recording(f"file://{root}/call.wav", [root]) == expected
    assert resolve_recording(str(root / "call.wav"), [root]) == expected


def test_percent_encoded_file_uri(root: Path) -> None:
    (root / "my call.wav").write_bytes((root / "call.wav").read_bytes())
    assert resolve_recording(f"file://{root}/my%20call.wav", [root]).name == "my call.wav"


@pytest.mark.parametrize(
    "uri",
    [
        "file:///etc/passwd",
        "/etc/passwd",
        "file://{root}/../../../../etc/passwd",
        "samples/../../../../../../etc/passwd",
        "file://otherhost{root}/call.wav",
    ],
)
def test_outside_roots_is_not_allowed(uri: str, root: Path) -> None:
    with pytest.raises(RecordingNotAllowed, match=r"passwd|host"):
        resolve_recording(uri.format(root=root), [root])


def test_symlink_escaping_root_is_not_allowed(root: Path) -> None:
    (root / "evil.wav").symlink_to("/etc/passwd")
    with pytest.raises(RecordingNotAllowed, match="outside the recording roots"):
        resolve_recording(str(root / "evil.wav"), [root])


def test_a_recording_outside_the_roots_names_the_setting_that_allows_it(root: Path, tmp_path: Path) -> None:
    """The dead letter an operator reads says which setting lets the folder in."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "call.wav").write_bytes(b"RIFF")
    with pytest.raises(
        RecordingNotAllowed, match=r"outside the recording roots \(CALLSTREAM_RECORDING_ROOTS\)"
    ):
        resolve_recording(f"file://{elsewhere}/call.wav", [root])


@pytest.mark.parametrize(
    ("uri", "why"),
    [
        ("https://pbx.example/rec/1.wav", "downloaded by open_recording"),  # see test_recording_http
        ("s3://bucket/1.wav", "not supported"),
        ("ftp://host/1.wav", "unsupported scheme"),
    ],
)
def test_remote_schemes_are_not_local_files(uri: str, why: str, root: Path) -> None:
    with pytest.raises(RecordingNotAllowed, match=why):
        resolve_recording(uri, [root])


def test_missing_and_directory_are_not_found(root: Path) -> None:
    with pytest.raises(RecordingNotFound, match=r"nope\.wav"):
        resolve_recording(f"file://{root}/nope.wav", [root])
    with pytest.raises(RecordingNotFound, match="not a regular file"):
        resolve_recording(str(root), [root])


def test_relative_samples_path_resolves_in_connectors_package() -> None:
    sample = next(SAMPLES_DIR.glob("*.wav"), None)
    if sample is None:
        pytest.skip("no bundled samples yet")
    assert resolve_recording(f"samples/{sample.name}", []) == sample.resolve()


# --- load_call_audio --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "codec"),
    [
        ("wav", "pcm_s16le"),
        ("wav", "pcm_mulaw"),
        ("wav", "pcm_alaw"),
        ("flac", "flac"),
        ("mp3", "libmp3lame"),
        ("ogg", "libopus"),
    ],
)
def test_stereo_formats_split_into_roles_at_16k(tmp_path: Path, suffix: str, codec: str) -> None:
    rate = 48000 if codec == "libopus" else 8000
    left, right = tone(2, rate, 440), np.zeros(2 * rate, np.float32)
    path = encode(tmp_path / f"call.{suffix}", [left, right], rate, codec)
    tracks, duration = load_call_audio(path, "stereo", {}, max_seconds=60)
    assert [(t.channel, t.role) for t in tracks] == [(0, "agent"), (1, "customer")]
    assert all(t.samples.dtype == np.float32 for t in tracks)
    assert duration == pytest.approx(2.0, abs=0.1)
    assert len(tracks[0].samples) == len(tracks[1].samples) == pytest.approx(32000, abs=1600)
    assert rms(tracks[0].samples) > 0.2 > 0.01 > rms(tracks[1].samples)


def test_channel_map_is_honoured(tmp_path: Path) -> None:
    path = encode(tmp_path / "c.wav", [tone(1, 8000, 440), tone(1, 8000, 880)], 8000)
    tracks, _ = load_call_audio(path, "stereo", {"0": "customer", "1": "agent"}, 60)
    assert [t.role for t in tracks] == ["customer", "agent"]


@pytest.mark.parametrize("layout", ["mono", "stereo"])
def test_mono_file_is_one_unknown_track(tmp_path: Path, layout: str) -> None:
    path = encode(tmp_path / "m.wav", [tone(1.5, 16000, 440)], 16000)
    tracks, duration = load_call_audio(path, layout, {}, 60)
    assert [(t.channel, t.role) for t in tracks] == [(0, "unknown")]
    assert duration == pytest.approx(1.5, abs=0.01)


def test_mono_layout_mixes_a_stereo_file(tmp_path: Path) -> None:
    path = encode(tmp_path / "s.wav", [tone(1, 8000, 440), tone(1, 8000, 880)], 8000)
    tracks, _ = load_call_audio(path, "mono", {}, 60)
    assert [t.role for t in tracks] == ["unknown"]


def test_more_than_two_channels_are_downmixed_with_a_warning(tmp_path: Path, caplog) -> None:
    pcm = (np.stack([tone(1, 8000, f) for f in (440, 880, 660, 330)]) * 32767).astype("<i2")
    with wave.open(str(tmp_path / "quad.wav"), "wb") as w:
        w.setnchannels(4)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(pcm.T.tobytes())
    tracks, duration = load_call_audio(tmp_path / "quad.wav", "stereo", {"0": "agent", "1": "customer"}, 60)
    assert [(t.channel, t.role) for t in tracks] == [(0, "agent"), (1, "customer")]
    assert duration == pytest.approx(1.0, abs=0.01)
    assert "4 channels; downmixed to two" in caplog.text


def test_zero_byte_file_is_empty(tmp_path: Path) -> None:
    (tmp_path / "z.wav").write_bytes(b"")
    with pytest.raises(EmptyRecording, match=r"z\.wav.*zero bytes"):
        load_call_audio(tmp_path / "z.wav", "stereo", {}, 60)


def test_header_without_samples_is_empty(tmp_path: Path) -> None:
    with wave.open(str(tmp_path / "h.wav"), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(8000)
    with pytest.raises(EmptyRecording, match=r"h\.wav.*no audio samples"):
        load_call_audio(tmp_path / "h.wav", "stereo", {}, 60)


# Seeded: some random blobs pass for a container with no audio stream (seen once in CI), which is
# as corrupt a recording as one nothing can read; both say so.
NOISE = random.Random(7).randbytes(4096)


@pytest.mark.parametrize("payload", [NOISE, b"RIFF" + NOISE, b"not audio at all\n"])
def test_garbage_is_corrupt(tmp_path: Path, payload: bytes) -> None:
    (tmp_path / "g.wav").write_bytes(payload)
    with pytest.raises(CorruptRecording, match=r"g\.wav: (not decodable|no audio stream)"):
        load_call_audio(tmp_path / "g.wav", "stereo", {}, 60)


@pytest.mark.parametrize("payload", [NOISE, b"RIFF" + NOISE, b"not audio at all\n"])
def test_corrupt_messages_keep_ffmpegs_words_without_its_error_number(tmp_path: Path, payload: bytes) -> None:
    (tmp_path / "g.wav").write_bytes(payload)
    with pytest.raises(CorruptRecording) as refused:
        load_call_audio(tmp_path / "g.wav", "stereo", {}, 60)
    message = str(refused.value)
    assert "Errno" not in message and "1094995529" not in message
    assert message.count("g.wav") == 1  # PyAV appended the file name again


def wav_with_list_chunk(path: Path) -> bytes:
    """The bytes of a short WAV as FFmpeg writes it: fmt, a LIST (INFO) chunk, then data at 70."""
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=8000, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 800), np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path.read_bytes()


@pytest.mark.parametrize("size", [44, 60, 78])
def test_a_wav_cut_before_its_samples_is_empty(tmp_path: Path, size: int) -> None:
    """Cut at 44 bytes (``head -c 44``, a recorder killed early) it ends inside the LIST chunk, with no
    data chunk at all: FFmpeg calls that invalid data, and it was reported as a corrupt recording."""
    whole = wav_with_list_chunk(tmp_path / "whole.wav")
    assert whole.index(b"data") == 70
    (tmp_path / "h.wav").write_bytes(whole[:size])
    with pytest.raises(EmptyRecording, match=r"h\.wav: no audio samples"):
        load_call_audio(tmp_path / "h.wav", "stereo", {}, 60)


def test_a_wav_without_a_usable_format_stays_corrupt(tmp_path: Path) -> None:
    whole = wav_with_list_chunk(tmp_path / "whole.wav")
    no_rate = whole[:24] + bytes(4) + whole[28:44]  # sample rate 0
    (tmp_path / "r.wav").write_bytes(no_rate)
    (tmp_path / "f.wav").write_bytes(whole[:12] + whole[36:44])  # no fmt chunk
    for name in ("r.wav", "f.wav"):
        with pytest.raises(CorruptRecording, match="not decodable audio"):
            load_call_audio(tmp_path / name, "stereo", {}, 60)


def test_too_long_is_refused_before_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = encode(tmp_path / "long.wav", [tone(3, 8000, 440)] * 2, 8000)

    def must_not_decode(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded a recording that the header already showed was too long")

    monkeypatch.setattr(audio, "decode_channels", must_not_decode)
    with pytest.raises(RecordingTooLong, match=r"long\.wav.*3 s exceeds the 2 s limit"):
        load_call_audio(path, "stereo", {}, max_seconds=2)


def test_missing_file_on_load_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(RecordingNotFound):
        load_call_audio(tmp_path / "gone.wav", "stereo", {}, 60)


def test_all_errors_share_a_base() -> None:
    for exc in (RecordingNotFound, RecordingNotAllowed, EmptyRecording, CorruptRecording, RecordingTooLong):
        assert issubclass(exc, AudioError)


@pytest.mark.parametrize("tenant", [None, "..", "a/b", "", "../beta"])
def test_a_tenant_root_serves_its_tenant_only(tmp_path: Path, tenant: str | None) -> None:
    """With ``{tenant}`` in a root, a call of one tenant cannot name another tenant's recording, and
    a tenant that is no plain path segment never escapes the root."""
    for name in ("acme", "beta"):
        (tmp_path / name).mkdir()
        encode(tmp_path / name / "call.wav", [tone(1, 8000, 440)], 8000)
    roots = [tmp_path / "{tenant}"]
    assert (
        resolve_recording(f"file://{tmp_path}/acme/call.wav", roots, "acme") == tmp_path / "acme" / "call.wav"
    )
    with pytest.raises(RecordingNotAllowed, match="outside the recording roots"):
        resolve_recording(f"file://{tmp_path}/beta/call.wav", roots, "acme")
    with pytest.raises(RecordingNotAllowed, match="outside the recording roots"):
        resolve_recording(f"file://{tmp_path}/beta/call.wav", roots, tenant)
    # roots without {tenant} serve every tenant, as before
    assert resolve_recording(f"file://{tmp_path}/beta/call.wav", [tmp_path], "acme").name == "call.wav"


def test_tenant_buckets() -> None:
    from processors.audio import S3Policy, for_tenant
    from streams.settings import Settings

    settings = Settings(recording_s3_buckets=["rec-{tenant}", "shared"])
    assert S3Policy.from_settings(settings, "acme").buckets == ("rec-acme", "shared")
    assert S3Policy.from_settings(settings).buckets == ("shared",)
    assert for_tenant(["/r/{tenant}/in"], "a.b-c_1") == ["/r/a.b-c_1/in"]


def test_the_transcribe_stage_opens_recordings_as_the_calls_tenant(tmp_path: Path) -> None:
    from processors.transcribe import run
    from streams.settings import Settings

    (tmp_path / "beta").mkdir()
    encode(tmp_path / "beta" / "call.wav", [tone(1, 8000, 440)], 8000)
    settings = Settings(recording_roots=[tmp_path / "{tenant}"], data_dir=tmp_path)
    call = {"call_id": "x", "tenant": "acme", "recording_uri": f"file://{tmp_path}/beta/call.wav"}
    with pytest.raises(RecordingNotAllowed, match="outside the recording roots"):
        run(call, settings)  # refused before any model loads
