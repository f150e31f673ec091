"""Recording access and decoding: turn a ``recording_uri`` into per-channel 16 kHz float32 arrays.

The URI comes from outside (a PBX, a webhook), so it is treated as untrusted: only files whose real
path lies inside a configured recording root may be read. Each failure is a distinct exception so
the transcribe stage can dead-letter it with a message that names the file and the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import av
import numpy as np
from faster_whisper import decode_audio

import connectors

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
CONNECTORS_DIR = Path(connectors.__file__).resolve().parent
SAMPLES_DIR = CONNECTORS_DIR / "samples"
DEFAULT_STEREO_ROLES: Mapping[str, str] = {"0": "agent", "1": "customer"}


class AudioError(Exception):
    """A recording could not be turned into audio; the message names the file and why."""


class RecordingNotFound(AudioError):
    """The URI is allowed but nothing readable is there."""


class RecordingNotAllowed(AudioError):
    """The URI points outside the recording roots or uses a scheme we do not read."""


class EmptyRecording(AudioError):
    """The file exists but holds no audio samples."""


class CorruptRecording(AudioError):
    """The file cannot be decoded as audio."""


class RecordingTooLong(AudioError):
    """The recording exceeds ``max_audio_seconds``; transcribing it would stall the partition."""


@dataclass
class ChannelAudio:
    """One speaker channel (or the mixed mono track), resampled to 16 kHz float32."""

    channel: int
    role: str
    samples: np.ndarray


def resolve_recording(uri: str, roots: Sequence[Path]) -> Path:
    """Map ``file:///abs``, ``/abs`` or ``samples/...`` (relative to the connectors package) to a
    real file path inside one of ``roots`` or the bundled samples dir."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https", "s3"):
        raise RecordingNotAllowed(f"{uri}: {scheme}:// scheme not supported yet")
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise RecordingNotAllowed(f"{uri}: file:// URIs must be local (host {parts.netloc!r})")
        candidate = Path(unquote(parts.path))
    elif scheme:
        raise RecordingNotAllowed(f"{uri}: unsupported scheme {scheme}://")
    else:
        candidate = Path(uri)
    if not candidate.is_absolute():
        candidate = CONNECTORS_DIR / candidate
    try:
        real = candidate.resolve()
    except (OSError, ValueError) as exc:
        raise RecordingNotAllowed(f"{uri}: cannot resolve path ({exc})") from None
    allowed = [SAMPLES_DIR, *(Path(root).resolve() for root in roots)]
    if not any(real.is_relative_to(root) for root in allowed):
        raise RecordingNotAllowed(f"{uri}: resolves to {real}, outside the recording roots")
    if not real.exists():
        raise RecordingNotFound(f"{uri}: no such file {real}")
    if not real.is_file():
        raise RecordingNotFound(f"{uri}: {real} is not a regular file")
    return real


def _probe(path: Path) -> tuple[int, float | None]:
    """Channel count and container-estimated duration, read from headers without decoding."""
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise CorruptRecording(f"{path}: no audio stream")
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            else:
                duration = None
            return stream.codec_context.channels, duration
    except av.FFmpegError as exc:
        raise CorruptRecording(f"{path}: not decodable audio ({exc})") from None


def load_call_audio(
    path: Path, layout: str, channels: Mapping[str, str], max_seconds: float
) -> tuple[list[ChannelAudio], float]:
    """Decode ``path`` into one ChannelAudio per speaker (stereo) or one mixed track (mono).

    A stereo layout on a one-channel file is decoded as mono with role ``unknown``: the parties
    are mixed, so claiming roles would be wrong. Returns the channels and the duration in seconds.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise RecordingNotFound(f"{path}: no such file") from None
    if size == 0:
        raise EmptyRecording(f"{path}: file is zero bytes")
    n_channels, estimate = _probe(path)
    if estimate is not None and estimate > max_seconds:
        raise RecordingTooLong(f"{path}: {estimate:.0f} s exceeds the {max_seconds:.0f} s limit")
    stereo = layout == "stereo" and n_channels >= 2
    if layout == "stereo" and not stereo:
        log.info("%s: layout says stereo but the file has %d channel(s); treating as mono", path, n_channels)
    try:
        decoded = decode_audio(str(path), sampling_rate=SAMPLE_RATE, split_stereo=stereo)
    except av.FFmpegError as exc:
        raise CorruptRecording(f"{path}: decoding failed ({exc})") from None
    if stereo:
        roles = channels or DEFAULT_STEREO_ROLES
        tracks = [
            ChannelAudio(i, roles.get(str(i), "unknown"), np.ascontiguousarray(samples))
            for i, samples in enumerate(decoded)
        ]
    else:
        tracks = [ChannelAudio(0, "unknown", decoded)]
    n_samples = len(tracks[0].samples)
    if n_samples == 0:
        raise EmptyRecording(f"{path}: no audio samples")
    duration = n_samples / SAMPLE_RATE
    if duration > max_seconds:
        raise RecordingTooLong(f"{path}: {duration:.0f} s exceeds the {max_seconds:.0f} s limit")
    return tracks, duration
