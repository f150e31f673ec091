"""Red-team recordings a PBX (or a broken disk) produces: each becomes audio of the right length and
layout, or an AudioError that names the file and the problem; never a stray exception type, never a
silently shortened or doubled call."""

from __future__ import annotations

import logging
import os
import struct
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from processors import audio
from processors.audio import (
    CorruptRecording,
    RecordingNotAllowed,
    RecordingNotFound,
    RecordingTooLong,
    RecordingUnavailable,
    load_call_audio,
    resolve_recording,
)
from tests.unit.test_audio import encode, rms, tone

SR = 16000


def pcm_wav(path: Path, channels: list[np.ndarray], rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.stack(channels).T * 32767).astype("<i2").tobytes())
    return path


def patch_fmt(path: Path, offset: int, fmt: str, value: int) -> Path:
    """Overwrite a field of the WAV ``fmt `` chunk body (tag 0, channels 2, rate 4, bits 14)."""
    data = bytearray(path.read_bytes())
    at = data.index(b"fmt ") + 8 + offset
    data[at : at + struct.calcsize(fmt)] = struct.pack(fmt, value)
    path.write_bytes(bytes(data))
    return path


# --- corrupt headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "fmt", "value", "why"),
    [
        (14, "<H", 0, "no decoder for its audio codec"),  # 0 bits per sample: was AttributeError
        (4, "<I", 1, "impossible 1 Hz sample rate"),  # was "64000 s exceeds the limit"
        (4, "<I", 2_000_000_000, "impossible 2000000000 Hz"),  # was "no audio samples"
        (2, "<H", 0, "declares 0 audio channels"),  # was an avcodec_open2 EINVAL
    ],
)
def test_corrupt_header_fields_are_named(tmp_path: Path, offset: int, fmt: str, value: int, why: str) -> None:
    path = patch_fmt(pcm_wav(tmp_path / "hdr.wav", [tone(2, 8000, 440)] * 2), offset, fmt, value)
    with pytest.raises(CorruptRecording, match=rf"hdr\.wav: .*{why}"):
        load_call_audio(path, "stereo", {}, 14400)


# --- headerless PBX formats -------------------------------------------------------------------------


def headerless(path: Path, samples: np.ndarray, muxer: str, codec: str, rate: int) -> Path:
    with av.open(str(path), "w", format=muxer) as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            (samples * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return path


@pytest.mark.parametrize(
    ("suffix", "muxer", "codec", "rate"),
    [
        (".sln", "s16le", "pcm_s16le", 8000),
        (".raw", "s16le", "pcm_s16le", 8000),  # Asterisk slin; FFmpeg took it for an image
        (".sln16", "s16le", "pcm_s16le", 16000),
        (".ulaw", "mulaw", "pcm_mulaw", 8000),  # refused as invalid data
        (".ul", "mulaw", "pcm_mulaw", 8000),  # read at 44.1 kHz: 2 s came out as 0.36 s
        (".alaw", "alaw", "pcm_alaw", 8000),
        (".al", "alaw", "pcm_alaw", 8000),
    ],
)
def test_headerless_asterisk_recordings_keep_their_length(
    tmp_path: Path, suffix: str, muxer: str, codec: str, rate: int
) -> None:
    path = headerless(tmp_path / f"mixmonitor{suffix}", tone(2, rate, 440), muxer, codec, rate)
    tracks, duration = load_call_audio(path, "mono", {}, 60)
    assert duration == pytest.approx(2.0, abs=0.01)
    assert rms(tracks[0].samples) > 0.3


def test_a_wav_named_like_a_headerless_file_is_read_as_wav(tmp_path: Path) -> None:
    path = pcm_wav(tmp_path / "call.raw", [tone(1, 8000, 440), np.zeros(8000, np.float32)])
    tracks, duration = load_call_audio(path, "stereo", {}, 60)
    assert [t.role for t in tracks] == ["agent", "customer"] and duration == pytest.approx(1.0, abs=0.01)


# --- damaged or odd streams -------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "codec"), [("mp3", "libmp3lame"), ("m4a", "aac"), ("aac", "aac")])
def test_a_damaged_frame_mid_call_loses_that_frame_not_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, suffix: str, codec: str
) -> None:
    """faster-whisper's decode_audio stopped at the first damaged frame (8 s came out as 4 s, with no
    word of it), and a damaged ADTS frame (the AAC decoder's EPERM) lost the whole call."""
    path = encode(tmp_path / f"ok.{suffix}", [tone(8, 16000, 440)], 16000, codec)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 300] = np.random.default_rng(3).integers(0, 256, 300, dtype=np.uint8).tobytes()
    (tmp_path / f"hurt.{suffix}").write_bytes(bytes(data))
    _, duration = load_call_audio(tmp_path / f"hurt.{suffix}", "mono", {}, 60)
    assert duration > 7.5
    assert "damaged packet(s) skipped" in caplog.text


def test_a_sample_rate_change_mid_stream_is_decoded(tmp_path: Path) -> None:
    """Two ADTS AAC recordings back to back (16 then 8 kHz): was a bare ValueError from AudioFifo."""
    first = encode(tmp_path / "a.aac", [tone(2, 16000, 440)], 16000, "aac").read_bytes()
    second = encode(tmp_path / "b.aac", [tone(2, 8000, 440)], 8000, "aac").read_bytes()
    (tmp_path / "joined.aac").write_bytes(first + second)
    _, duration = load_call_audio(tmp_path / "joined.aac", "mono", {}, 60)
    assert duration == pytest.approx(4.0, abs=0.4)  # each AAC stream adds its encoder delay


def test_a_header_understating_the_length_stops_decoding_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chained Ogg (7 s) whose header says 1 s: decoding stops past the limit, not at the end of
    the file (a 3-hour one took 18 s and 1.7 GB before it was refused)."""
    long = encode(tmp_path / "a.ogg", [tone(6, 48000, 440)], 48000, "libopus").read_bytes()
    short = encode(tmp_path / "b.ogg", [tone(1, 48000, 440)], 48000, "libopus").read_bytes()
    (tmp_path / "chained.ogg").write_bytes(long + short)
    decoded: list[int] = []
    real = av.AudioResampler

    class Counting:
        def __init__(self, **kwargs: object) -> None:
            self.inner = real(**kwargs)

        def resample(self, frame: av.AudioFrame | None) -> list[av.AudioFrame]:
            out = self.inner.resample(frame)
            decoded.extend(f.samples for f in out)
            return out

    monkeypatch.setattr(audio.av, "AudioResampler", Counting)
    with pytest.raises(RecordingTooLong, match=r"chained\.ogg: longer than the 3 s limit"):
        load_call_audio(tmp_path / "chained.ogg", "mono", {}, 3)
    assert sum(decoded) < 5 * SR


# --- channels ---------------------------------------------------------------------------------------


def test_identical_channels_are_one_mono_track(tmp_path: Path, caplog) -> None:
    """A mono mix written to both channels: per channel, every word was transcribed twice, once as
    the agent and once as the customer, and all talk counted as overtalk."""
    mix = tone(2, 8000, 440)
    path = encode(tmp_path / "dual.mp3", [mix, mix], 8000, "libmp3lame")
    tracks, _ = load_call_audio(path, "stereo", {}, 60)
    assert [(t.channel, t.role) for t in tracks] == [(0, "unknown")]
    assert "both channels of the recording carry the same audio" in caplog.text


@pytest.mark.parametrize(
    "channels",
    [
        [np.zeros(16000, np.float32)] * 2,  # a silent call stays stereo: its talk times are 0, not n/a
        [tone(2, 8000, 440), 0.5 * tone(2, 8000, 440)],  # same voice, other level: the other leg's echo
        [tone(2, 8000, 440), tone(2, 8000, 440) + 0.05 * tone(2, 8000, 300)],  # a second voice under it
    ],
)
def test_different_or_silent_channels_stay_stereo(tmp_path: Path, channels: list[np.ndarray]) -> None:
    tracks, _ = load_call_audio(pcm_wav(tmp_path / "s.wav", channels), "stereo", {}, 60)
    assert [t.role for t in tracks] == ["agent", "customer"]


# --- paths ------------------------------------------------------------------------------------------


def test_symlink_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.wav").symlink_to(tmp_path / "b.wav")
    (tmp_path / "b.wav").symlink_to(tmp_path / "a.wav")
    with pytest.raises(RecordingNotAllowed, match=r"a\.wav: cannot resolve path"):  # was RuntimeError
        resolve_recording(str(tmp_path / "a.wav"), [tmp_path])


def test_name_too_long_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(RecordingNotFound, match="cannot read"):  # was a bare OSError
        resolve_recording(str(tmp_path / ("x" * 300 + ".wav")), [tmp_path])


@pytest.mark.parametrize(
    ("error", "expected", "why"),
    [
        (PermissionError(13, "Permission denied"), RecordingNotAllowed, "access denied"),
        (TimeoutError(110, "Connection timed out"), RecordingUnavailable, "timed out"),  # retried
        (OSError(5, "Input/output error"), RecordingNotFound, "cannot read"),
    ],
)
def test_a_file_the_worker_cannot_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, expected: type, why: str
) -> None:
    """A folder the worker may not enter (chmod 000), a hung network mount: was a bare OSError."""
    path = pcm_wav(tmp_path / "c.wav", [tone(1, 8000, 440)])
    real_stat = Path.stat

    def failing(self: Path, **kwargs: object) -> os.stat_result:
        if self.name == "c.wav":
            raise error
        return real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", failing)
    with pytest.raises(expected, match=rf"c\.wav: .*{why}"):
        resolve_recording(str(path), [tmp_path])
    with pytest.raises(expected, match=rf"c\.wav: .*{why}"):
        load_call_audio(path, "mono", {}, 60)


def test_an_unreadable_file_is_access_denied_not_corrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chmod 000 (stat works, open fails): was CorruptRecording "not decodable audio"."""
    path = pcm_wav(tmp_path / "locked.wav", [tone(1, 8000, 440)])

    def denied(*args: object, **kwargs: object) -> None:
        raise av.error.PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(audio.av, "open", denied)
    with pytest.raises(RecordingNotAllowed, match=r"locked\.wav: access denied"):
        load_call_audio(path, "mono", {}, 60)


@pytest.fixture(autouse=True)
def _warnings(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="processors.audio")


def test_a_duplicated_mono_mix_is_transcribed_once(tmp_path: Path) -> None:
    """Whisper end to end on 3 s of the agent's first turn written to both channels: one segment,
    role unknown, no per-role metrics (it was the same words twice, agent and customer, all overtalk)."""
    from faster_whisper import decode_audio

    from processors.audio import SAMPLES_DIR
    from processors.transcribe import run
    from streams.settings import Settings

    agent = decode_audio(str(SAMPLES_DIR / "sample-en-sale.wav"), SR, split_stereo=True)[0]
    clip = agent[int(0.3 * SR) : int(3.3 * SR)]
    path = pcm_wav(tmp_path / "dual.wav", [clip, clip], SR)
    settings = Settings(data_dir=tmp_path, recording_roots=[tmp_path])
    transcript = run({"call_id": "dual", "language": "en", "recording_uri": str(path)}, settings)
    assert {(s["channel"], s["role"]) for s in transcript["segments"]} == {(0, "unknown")}
    assert "Daniel" in " ".join(s["text"] for s in transcript["segments"])
    assert transcript["metrics"]["overtalk_s"] is None and transcript["metrics"]["agent_talk_s"] is None


def test_a_file_cut_short_is_transcribed_with_a_warning(tmp_path: Path, caplog) -> None:
    """A WAV whose copy stopped at a third: the header still says 30 s. What is there is kept, and
    the log names both lengths (a shorter call with no word of why was all an operator saw)."""
    path = pcm_wav(tmp_path / "cut.wav", [tone(30, 8000, 440), tone(30, 8000, 300)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with caplog.at_level(logging.WARNING, logger=audio.log.name):
        tracks, duration = load_call_audio(path, "stereo", {}, 600)
    assert 9 < duration < 11 and len(tracks) == 2
    assert "header says 30.0 s" in caplog.text and "ends early" in caplog.text


def test_a_whole_file_gives_no_truncation_warning(tmp_path: Path, caplog) -> None:
    path = pcm_wav(tmp_path / "whole.wav", [tone(30, 8000, 440), tone(30, 8000, 300)])
    with caplog.at_level(logging.WARNING, logger=audio.log.name):
        load_call_audio(path, "stereo", {}, 600)
    assert "ends early" not in caplog.text


def _placeholder_header(path: Path, size: int) -> Path:
    """The WAV's RIFF and data sizes set to ``size``, as a recorder leaves them until it closes the file."""
    data = bytearray(path.read_bytes())
    data[4:8] = size.to_bytes(4, "little")
    at = data.index(b"data") + 4
    data[at : at + 4] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("size", [0, 0xFFFFFFFF])
def test_a_recording_still_being_written_is_transcribed_with_a_warning(
    tmp_path: Path, caplog, size: int
) -> None:
    """Published before the recorder closed the file: what is there is transcribed, and the log
    says the file may be unfinished. The same file written long ago (a pipe's WAV, complete), or a
    fresh download of it, gives no warning."""
    path = _placeholder_header(pcm_wav(tmp_path / "live.wav", [tone(3, 8000, 440), tone(3, 8000, 300)]), size)
    tracks, duration = load_call_audio(path, "stereo", {}, 600)
    assert len(tracks) == 2 and 2.9 < duration < 3.1
    assert "its WAV header gives no length and it changed" in caplog.text
    assert "still being written?" in caplog.text
    caplog.clear()
    load_call_audio(path, "stereo", {}, 600, download=True)
    os.utime(path, (1e9, 1e9))
    load_call_audio(path, "stereo", {}, 600)
    assert "still being written" not in caplog.text


def test_a_recording_growing_while_read_is_transcribed_with_a_warning(
    tmp_path: Path, caplog, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = pcm_wav(tmp_path / "growing.wav", [tone(3, 8000, 440)])
    os.utime(path, (1e9, 1e9))
    decode = audio.decode_channels

    def decode_while_written(*args, **kwargs):  # the recorder appends a block meanwhile
        out = decode(*args, **kwargs)
        with path.open("ab") as fh:
            fh.write(bytes(3200))
        return out

    monkeypatch.setattr(audio, "decode_channels", decode_while_written)
    load_call_audio(path, "mono", {}, 600)
    assert "it grew from" in caplog.text and "still being written?" in caplog.text


def test_audio_below_telephone_rate_is_transcribed_with_a_warning(tmp_path: Path, caplog) -> None:
    load_call_audio(pcm_wav(tmp_path / "ok.wav", [tone(2, 8000, 440)], 8000), "mono", {}, 600)
    assert "telephone speech" not in caplog.text
    tracks, _ = load_call_audio(pcm_wav(tmp_path / "low.wav", [tone(2, 2000, 440)], 2000), "mono", {}, 600)
    assert len(tracks) == 1
    assert "2000 Hz audio, below the 8000 Hz of telephone speech" in caplog.text
    assert "sounds above 1000 Hz are lost" in caplog.text


# --- formats that name other files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("evil.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:60\n#EXTINF:2.0,\n{target}\n#EXT-X-ENDLIST\n"),
        ("evil.ffconcat", "ffconcat version 1.0\nfile '{target}'\n"),
        (
            "evil.mpd",
            '<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static">'
            '<Period><AdaptationSet><Representation id="a" bandwidth="1"><BaseURL>{target}</BaseURL>'
            "</Representation></AdaptationSet></Period></MPD>",
        ),
    ],
)
def test_a_playlist_naming_another_tenants_recording_is_refused(tmp_path: Path, name: str, body: str) -> None:
    """FFmpeg follows a playlist, manifest or concat list to the files it names: one in acme's folder
    (or downloaded from an allowed host) had globex's recording transcribed as acme's call, past the
    recording roots (security review). Only audio demuxers are allowed now."""
    (tmp_path / "globex").mkdir()
    (tmp_path / "acme").mkdir()
    secret = encode(tmp_path / "globex" / "secret-call.mp3", [tone(2, 8000, 440)], 8000, "libmp3lame")
    playlist = tmp_path / "acme" / name
    playlist.write_text(body.format(target=os.path.relpath(secret, playlist.parent)))
    path = resolve_recording(f"file://{playlist}", [str(tmp_path / "{tenant}")], "acme")  # inside acme's root
    refused = (
        "not a recording format callstream reads|not decodable audio"  # DASH: not built in PyAV's FFmpeg
    )
    with pytest.raises(CorruptRecording, match=refused):
        load_call_audio(path, "mono", {}, 60)
    playlist.write_text(body.format(target=secret))  # an absolute path likewise
    with pytest.raises(CorruptRecording, match=refused):
        load_call_audio(path, "mono", {}, 60)


@pytest.mark.parametrize(
    ("suffix", "codec"),
    [
        ("wav", "pcm_s16le"),
        ("flac", "flac"),
        ("mp3", "libmp3lame"),
        ("ogg", "libopus"),
        ("m4a", "aac"),
        ("mka", "pcm_s16le"),
        ("wav", "pcm_mulaw"),
    ],
)
def test_the_recording_formats_still_open(tmp_path: Path, suffix: str, codec: str) -> None:
    rate = 48000 if codec == "libopus" else 8000
    path = encode(tmp_path / f"call.{suffix}", [tone(2, rate, 440)], rate, codec)
    tracks, duration = load_call_audio(path, "mono", {}, 60)
    assert duration == pytest.approx(2.0, abs=0.25) and rms(tracks[0].samples) > 0.3
