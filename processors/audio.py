"""Recording access and decoding: turn a ``recording_uri`` into per-channel 16 kHz float32 arrays.

The URI comes from outside (a PBX, a webhook), so it is treated as untrusted: only files whose real
path lies inside a configured recording root may be read, and ``http(s)://`` recordings are fetched
only from allow-listed hosts, never from loopback/private/link-local addresses (checked after DNS
resolution, and the connection is pinned to the checked address so DNS cannot change it between
check and use), with timeouts and a size limit. ``s3://bucket/key`` recordings are read (with the
optional ``callstream[s3]`` extra, boto3) only from allow-listed buckets, under the same size limit.
Each failure is a distinct exception so the transcribe stage can dead-letter it with a message that
names the recording and the reason.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import re
import socket
import stat
import tempfile
import threading
import time
import wave
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

import av
import httpx
import numpy as np

import connectors
from processors.doubts import (
    CHANNEL_MAP_INCOMPLETE,
    EXTRA_CHANNELS,
    MONO_DECLARED_STEREO,
    ONE_MIX_DECLARED_STEREO,
    RECORDING_CLIPPED,
    RECORDING_STILL_WRITTEN,
    RECORDING_TRUNCATED,
    STEREO_DECLARED_MONO,
    Doubt,
)

if TYPE_CHECKING:
    from streams.settings import Settings

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


def _too_long(path: Path, seconds: float, limit: float) -> RecordingTooLong:
    # "exceeds the N s limit" is what `dlq replay --dry-run` reads the limit back from
    return RecordingTooLong(
        f"{path}: {seconds:.0f} s exceeds the {limit:.0f} s limit (CALLSTREAM_MAX_AUDIO_SECONDS; raise it "
        "on the workers to transcribe it, then `callstream dlq replay`)"
    )


class RecordingTooLarge(AudioError):
    """A downloaded recording exceeds ``recording_max_bytes``."""


class RecordingUnavailable(AudioError, ConnectionError):
    """The recording server timed out, refused the connection or answered 5xx/429.

    Also a ConnectionError, so the stage retries it (with backoff) before dead-lettering it.
    """


@dataclass
class ChannelAudio:
    """One speaker channel (or the mixed mono track), resampled to 16 kHz float32."""

    channel: int
    role: str
    samples: np.ndarray


def file_uri_path(parts: SplitResult) -> Path | None:
    """The path a ``file://`` URI names (percent-decoded), or None when its host is not this one."""
    if parts.netloc not in ("", "localhost"):
        return None
    return Path(unquote(parts.path))


#: A tenant that may stand for ``{tenant}`` in a recording root or bucket: one plain path segment.
_TENANT_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def for_tenant(entries: Sequence[str | Path], tenant: str | None) -> list[str]:
    """``entries`` (recording roots, S3 buckets, http hosts) with ``{tenant}`` filled in with the
    call's tenant, so one tenant's calls cannot name another tenant's recordings
    (``/recordings/{tenant}``, ``recordings-{tenant}``). An entry with ``{tenant}`` gives nothing
    for a call without a tenant that is a plain path segment ("..", "a/b": never a way out)."""
    out = []
    for entry in map(str, entries):
        if "{tenant}" not in entry:
            out.append(entry)
        elif tenant is not None and _TENANT_SEGMENT.fullmatch(tenant) and ".." not in tenant:
            out.append(entry.replace("{tenant}", tenant))
    return out


def resolve_recording(uri: str, roots: Sequence[Path], tenant: str | None = None) -> Path:
    """Map ``file:///abs``, ``/abs`` or ``samples/...`` (relative to the connectors package) to a
    real file path inside one of ``roots`` (``{tenant}`` in a root: the call's ``tenant``, see
    :func:`for_tenant`) or the bundled samples dir."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        raise RecordingNotAllowed(
            f"{shown_url(uri)}: {scheme}:// recordings are downloaded by open_recording"
        )
    if scheme == "s3":
        raise RecordingNotAllowed(
            f"{uri}: s3:// recordings are not supported as local files (open_recording)"
        )
    if scheme == "file":
        local = file_uri_path(parts)
        if local is None:
            raise RecordingNotAllowed(f"{uri}: file:// URIs must be local (host {parts.netloc!r})")
        candidate = local
    elif scheme:
        raise RecordingNotAllowed(f"{shown_url(uri)}: unsupported scheme {scheme}://")
    else:
        candidate = Path(uri)
    if not candidate.is_absolute():
        candidate = CONNECTORS_DIR / candidate
    try:
        real = candidate.resolve()
    except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise RecordingNotAllowed(f"{uri}: cannot resolve path ({exc})") from None
    allowed = [SAMPLES_DIR, *(Path(root).resolve() for root in for_tenant(roots, tenant))]
    if not any(real.is_relative_to(root) for root in allowed):
        # the setting is named: an operator replaying such a letter needs to know what to widen
        raise RecordingNotAllowed(
            f"{uri}: resolves to {real}, outside the recording roots (CALLSTREAM_RECORDING_ROOTS)"
        )
    try:
        mode = real.stat().st_mode
    except FileNotFoundError:
        raise RecordingNotFound(f"{uri}: no such file {real}") from None
    except OSError as exc:  # a folder we may not enter, a name too long, a hung mount
        raise _unreadable(real, exc) from None
    if not stat.S_ISREG(mode):
        raise RecordingNotFound(f"{uri}: {real} is not a regular file")
    return real


_SLIN_RATES = {".sln": 8000, ".raw": 8000, ".sln12": 12000, ".sln16": 16000, ".sln24": 24000}
_SLIN_RATES |= {".sln32": 32000, ".sln44": 44100, ".sln48": 48000, ".sln96": 96000, ".sln192": 192000}
HEADERLESS: Mapping[str, tuple[str, int]] = {
    **{suffix: ("s16le", rate) for suffix, rate in _SLIN_RATES.items()},
    **dict.fromkeys((".ulaw", ".ul", ".mu", ".ulw", ".pcmu"), ("mulaw", 8000)),
    **dict.fromkeys((".alaw", ".al", ".alw", ".pcma"), ("alaw", 8000)),
}
"""Headerless mono formats a PBX writes, by suffix: (FFmpeg demuxer, sample rate). FFmpeg cannot tell
them by their content: it takes a ``.raw`` for an image, refuses ``.ulaw`` and reads ``.ul``/``.al``
at 44.1 kHz (5.5 times too fast). The names are Asterisk's (MixMonitor: signed linear ``.sln``,
``.raw``, ``.sln16``...; μ-law; A-law) and FreeSWITCH's native ``.PCMU``/``.PCMA``. A file with such
a suffix whose content FFmpeg recognises as a container (a WAV named ``.raw``) is read as that."""
_RAW_DEMUXERS = {"s16le", "mulaw", "alaw", "sln", "image2"}
"""Demuxers FFmpeg guesses from a headerless file's suffix (``image2``: no audio at all)."""
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 1000, 768000
"""Sample rates a header may declare; anything else is a corrupt header (read at face value, 1 Hz
made an 8 s call "64000 s long" and 2 GHz made it empty)."""
DECODE_BLOCK = 1 << 16
"""Input samples resampled at once: fewer filter-graph calls than one per codec frame."""
TRUNCATED_SHARE = 0.95
"""A file decoding to less than this share of the length its header declares (less a second) ended
early: a copy or upload cut short. Still transcribed, with a warning naming both lengths."""
RECENT_WRITE_S = 10.0
"""A file changed this recently whose WAV header gives no length may still be being written."""
TELEPHONE_RATE = 8000
"""The lowest sample rate that carries telephone speech (up to 4 kHz); below it words blur."""
SILENT_ENERGY = 1e-8
"""Mean square below which a block of samples is silence (-80 dBFS)."""
SAME_CHANNEL_RATIO = 1e-3
"""Two channels whose difference is 30 dB below their signal are one signal written twice."""


_ACCESS_ERRNOS = {
    errno.EACCES,
    errno.ENOENT,
    errno.EISDIR,
    errno.ENOTDIR,
    errno.EIO,
    errno.ESTALE,
    errno.ETIMEDOUT,
}
"""Errors opening a file that are about reaching it, not its bytes. Only trusted when FFmpeg opens the
file: its decoders return errno codes for bad data too (AAC: EPERM, which PyAV raises as a
PermissionError, on a damaged frame)."""


def _unreadable(path: Path, exc: OSError) -> AudioError:
    """The AudioError for an OS error on ``path``: denied access is refused (as an HTTP 403 is), a
    timeout or dropped connection (a hung network mount) stays retryable, anything else is unreadable."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, PermissionError):
        return RecordingNotAllowed(f"{path}: access denied ({reason})")
    if isinstance(exc, (TimeoutError, ConnectionError)):
        return RecordingUnavailable(f"{path}: {reason}")
    return RecordingNotFound(f"{path}: cannot read ({reason})")


RECORDING_DEMUXERS = (
    # containers of recorded speech
    "wav,w64,mp3,ogg,flac,mov,matroska,asf,avi,aiff,caf,au,voc,nistsphere,sox,ircam,wv,ape,tta,mpeg,mpegts,"
    # elementary audio streams and telephony codecs
    "aac,loas,ac3,eac3,dts,amr,amrnb,amrwb,gsm,g722,g723_1,g726,g726le,g729,bit,ilbc,codec2,sbc,qcp,xwma,"
    # headerless PCM (HEADERLESS)
    "s16le,s16be,u8,s8,mulaw,alaw"
)
"""FFmpeg demuxers a recording is read with (``format_whitelist``). Not playlists, manifests or
concatenations (hls, dash, concat, imf, ...): they make FFmpeg open the files they name, so a
playlist in one tenant's recording folder (or downloaded from an allowed host) could have another
tenant's recording transcribed as its own call, past every root and host check."""
_OPEN_OPTIONS = {"format_whitelist": RECORDING_DEMUXERS, "protocol_whitelist": "file"}
"""Options of every open: a recording (or its downloaded copy) is one local file."""


def _av_open(
    path: Path, options: Mapping[str, str] | None = None, **kwargs: Any
) -> av.container.InputContainer:
    try:
        return av.open(
            str(path), metadata_errors="ignore", options={**_OPEN_OPTIONS, **(options or {})}, **kwargs
        )
    except av.FFmpegError as exc:
        if isinstance(exc, OSError) and exc.errno in _ACCESS_ERRNOS:
            raise _unreadable(path, exc) from None
        if isinstance(exc, av.error.ArgumentError):  # what FFmpeg answers a format off the whitelist
            raise CorruptRecording(
                f"{path}: not a recording format callstream reads ({_ffmpeg_text(exc)}); playlists and "
                "manifests that name other files (HLS .m3u8, DASH .mpd, ffconcat) are refused"
            ) from None
        raise


def _open(path: Path) -> av.container.InputContainer:
    """``path`` opened by PyAV; a headerless suffix (:data:`HEADERLESS`) names the format FFmpeg cannot
    find from the content. An error reaching the file is an AudioError (:func:`_unreadable`)."""
    forced = HEADERLESS.get(path.suffix.lower())
    if forced is None:
        return _av_open(path)
    try:
        container = _av_open(path)
    except (av.error.InvalidDataError, CorruptRecording):  # not found by content (or guessed as image2)
        pass
    else:
        if container.streams.audio and container.format.name not in _RAW_DEMUXERS:
            return container
        container.close()
    demuxer, rate = forced
    return _av_open(path, format=demuxer, options={"sample_rate": str(rate), "ch_layout": "mono"})


def _ffmpeg_text(exc: av.FFmpegError) -> str:
    """FFmpeg's own words for ``exc`` ("Invalid data found when processing input"), without PyAV's
    "[Errno 1094995529]" (an AVERROR tag as a number) and the file or function name it appends."""
    return exc.strerror or str(exc)


def _wav_header_only(path: Path) -> bool:
    """Whether ``path`` is a RIFF/WAVE file with a usable ``fmt`` chunk that ends before any sample:
    cut at 44 bytes (a recorder killed early, ``head -c 44``) after a LIST chunk, it lacks even the
    ``data`` chunk header, and FFmpeg refuses it as invalid data rather than as empty."""
    head = _wav_head(path)
    if head is None:
        return False
    usable = False
    for chunk, _, body in _wav_chunks(head):
        if chunk == b"data":
            return usable and not body
        if chunk == b"fmt ":
            if len(body) < 16:
                return False
            channels = int.from_bytes(body[2:4], "little")
            rate = int.from_bytes(body[4:8], "little")
            usable = channels >= 1 and MIN_SAMPLE_RATE <= rate <= MAX_SAMPLE_RATE
    return usable and len(head) < 1 << 16  # the file ended (in or after a chunk) with no data chunk


def _wav_head(path: Path) -> bytes | None:
    """The first 64 KiB of ``path`` when it is a RIFF/WAVE file, else (or unreadable) None."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return None
    return head if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE" else None


def _wav_chunks(head: bytes) -> Iterator[tuple[bytes, int, bytes]]:
    """(id, declared size, the body bytes ``head`` holds) of each chunk of a RIFF/WAVE ``head``."""
    at = 12
    while at + 8 <= len(head):
        chunk, size = head[at : at + 4], int.from_bytes(head[at + 4 : at + 8], "little")
        yield chunk, size, head[at + 8 : at + 8 + size]
        at += 8 + size + (size & 1)  # chunks are padded to an even size


def probe_header(path: Path) -> tuple[int, float | None]:
    """Channel count and container-estimated duration, read from headers without decoding. A header
    no decoder can honour (unknown codec, no channels, an impossible sample rate) is corrupt."""
    try:
        with _open(path) as container:
            if not container.streams.audio:
                raise CorruptRecording(f"{path}: no audio stream")
            stream = container.streams.audio[0]
            codec = stream.codec_context
            if codec is None:  # a codec id FFmpeg has no decoder for (a corrupt format tag)
                raise CorruptRecording(f"{path}: no decoder for its audio codec (corrupt header?)")
            if codec.channels < 1:
                raise CorruptRecording(f"{path}: header declares {codec.channels} audio channels")
            if not MIN_SAMPLE_RATE <= codec.sample_rate <= MAX_SAMPLE_RATE:
                raise CorruptRecording(
                    f"{path}: header declares an impossible {codec.sample_rate} Hz sample rate"
                )
            if codec.sample_rate < TELEPHONE_RATE:
                log.warning(
                    "%s: %d Hz audio, below the %d Hz of telephone speech: sounds above %d Hz are lost, "
                    "expect a poor transcript",
                    path,
                    codec.sample_rate,
                    TELEPHONE_RATE,
                    codec.sample_rate // 2,
                )
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            else:
                duration = None
            return codec.channels, duration
    except av.FFmpegError as exc:
        if isinstance(exc, av.error.InvalidDataError) and _wav_header_only(path):
            raise EmptyRecording(f"{path}: no audio samples (a WAV header only)") from None
        raise CorruptRecording(f"{path}: not decodable audio ({_ffmpeg_text(exc)})") from None


def decode_channels(path: Path, stereo: bool, max_seconds: float) -> np.ndarray:
    """``path`` as float32 16 kHz audio, shape (2, n) for ``stereo``, else (1, n) (channels mixed).

    What ``faster_whisper.decode_audio`` returns (16-bit samples, FFmpeg's downmix), but decoding
    stops with :class:`RecordingTooLong` once more than ``max_seconds`` came out, so a file whose
    header hid its length never fills memory; a packet the decoder rejects is skipped (a damaged
    frame mid-call loses that frame, not the rest of the call), and a damaged container ends the
    audio where the damage is, with a warning; a mid-stream change of sample rate or channels
    (concatenated recordings) gets a resampler of its own instead of raising ValueError.
    """
    layout = "stereo" if stereo else "mono"
    limit = max_seconds * SAMPLE_RATE
    chunks: list[np.ndarray] = []
    decoded = skipped = 0
    first_error: av.FFmpegError | None = None
    fifo: av.AudioFifo | None = None
    resampler: av.AudioResampler | None = None
    params: tuple[str, str, int] | None = None

    def take(frames: Iterable[av.AudioFrame]) -> None:
        nonlocal decoded
        for frame in frames:
            block = frame.to_ndarray()
            chunks.append(block)
            decoded += block.shape[1]
        if decoded > limit:
            raise RecordingTooLong(
                f"{path}: longer than the {max_seconds:.0f} s limit (decoding stopped at "
                f"{decoded / SAMPLE_RATE:.0f} s; its header understated its length)"
            )

    def flush() -> None:
        if fifo is not None and resampler is not None:
            if fifo.samples:
                take(resampler.resample(fifo.read()))
            take(resampler.resample(None))

    try:
        with _open(path) as container:
            packets = container.demux(container.streams.audio[0])
            while True:
                try:
                    packet = next(packets)
                except StopIteration:
                    break
                except av.error.InvalidDataError as exc:
                    if not decoded and fifo is None:
                        raise
                    log.warning(
                        "%s: container damaged after %.1f s of audio; keeping that (%s)",
                        path,
                        decoded / SAMPLE_RATE,
                        _ffmpeg_text(exc),
                    )
                    break
                try:
                    frames = packet.decode()
                except av.FFmpegError as exc:  # a damaged frame: the decoder goes on with the next
                    skipped += 1
                    first_error = first_error or exc
                    continue
                for frame in frames:
                    key = (frame.format.name, frame.layout.name, frame.sample_rate)
                    if key != params:
                        flush()
                        params, fifo = key, av.AudioFifo()
                        resampler = av.AudioResampler(format="s16p", layout=layout, rate=SAMPLE_RATE)
                    frame.pts = None  # damaged timestamps must not make the fifo refuse a frame
                    fifo.write(frame)
                    if fifo.samples >= DECODE_BLOCK:
                        take(resampler.resample(fifo.read()))
            flush()
    except av.FFmpegError as exc:
        raise CorruptRecording(f"{path}: decoding failed ({_ffmpeg_text(exc)})") from None
    if first_error is not None and not decoded:
        raise CorruptRecording(
            f"{path}: none of its audio decodes ({skipped} packets failed: {_ffmpeg_text(first_error)})"
        )
    if first_error is not None:
        log.warning("%s: %d damaged packet(s) skipped (%s)", path, skipped, _ffmpeg_text(first_error))
    # 16-bit blocks into one float array: 1.5 times the audio's size at most, not 2 (concatenate)
    out = np.empty((2 if stereo else 1, decoded), np.float32)
    at = 0
    for block in chunks:
        out[:, at : at + block.shape[1]] = block
        at += block.shape[1]
    chunks.clear()
    out *= 1 / 32768
    return out


def _same_signal(left: np.ndarray, right: np.ndarray) -> bool:
    """Whether two channels carry one signal (a mono mix written twice): wherever either has sound,
    their difference is far below it. Stops at the first block where they differ."""
    sound = False
    for start in range(0, len(left), 1 << 20):
        a, b = left[start : start + (1 << 20)], right[start : start + (1 << 20)]
        energy = (float(np.dot(a, a)) + float(np.dot(b, b))) / (2 * len(a))
        if energy < SILENT_ENERGY:
            continue
        diff = a - b
        if float(np.dot(diff, diff)) / len(a) > SAME_CHANNEL_RATIO * energy:
            return False
        sound = True
    return sound


def load_call_audio(
    path: Path,
    layout: str,
    channels: Mapping[str, str],
    max_seconds: float,
    *,
    download: bool = False,
    warnings: list[Doubt] | None = None,
) -> tuple[list[ChannelAudio], float]:
    """Decode ``path`` into one ChannelAudio per speaker (stereo) or one mixed track (mono).

    A stereo layout on a one-channel file is decoded as mono with role ``unknown``: the parties
    are mixed, so claiming roles would be wrong. So is a stereo file whose two channels carry the
    same signal (a mono mix written to both): transcribed per channel, every word came out twice,
    once per role, all of it overtalk. A mono layout on a two-channel file is mixed as declared (no
    roles are guessed). A file its recorder seems not to have finished is transcribed with a warning
    (not for a ``download``, whose copy is new and complete). Returns the channels and the duration
    in seconds.

    Where the recording disagrees with the event (the layout, a channel map naming one channel only)
    or with itself (a cut-short file), the call is still transcribed and the doubt, worded for the
    user, is logged at WARNING and appended to ``warnings`` as a :class:`~processors.doubts.Doubt`
    naming its kind: the transcript carries both to ``calls.warnings`` and ``calls.warning_kinds``.
    """

    def doubt(kind: str, text: str) -> None:
        log.warning("%s: %s", path, text)
        if warnings is not None:
            warnings.append(Doubt(text, kind))

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if size == 0:
        raise EmptyRecording(f"{path}: file is zero bytes")
    n_channels, estimate = probe_header(path)
    if estimate is not None and estimate > max_seconds:
        raise _too_long(path, estimate, max_seconds)
    # a mono layout on a two-channel file decodes both: one signal written twice is no doubt
    stereo = n_channels >= 2 and (layout == "stereo" or n_channels == 2)
    if layout == "stereo" and not stereo:
        doubt(
            MONO_DECLARED_STEREO,
            "recording is mono but the event declares stereo: the parties are mixed, so roles and "
            "per-speaker talk time are unknown; send layout 'mono' or the stereo file",
        )
    elif n_channels > 2:
        # the decoder downmixes to what the layout asks for: channels 2+ land in the first two
        # (stereo) or the mix (mono), so their speakers cannot keep a role of their own
        doubt(
            EXTRA_CHANNELS,
            f"{n_channels} channels; downmixed to {'two' if layout == 'stereo' else 'one'}: the speakers "
            "of channels 2 and up have no role of their own; record one party per channel, two channels",
        )
    decoded = decode_channels(path, stereo, max_seconds)
    if decoded.shape[1] == 0:
        raise EmptyRecording(f"{path}: no audio samples")
    if stereo and _same_signal(decoded[0], decoded[1]):
        if layout == "stereo":
            doubt(
                ONE_MIX_DECLARED_STEREO,
                "both channels of the recording carry the same audio (one mix written twice) but the "
                "event declares stereo: transcribed as mono, so roles and per-speaker talk time are "
                "unknown; send layout 'mono' or the recorder's one-party-per-channel file",
            )
        decoded, stereo = decoded[:1].copy(), False  # a copy: a view would keep both channels alive
    elif stereo and layout != "stereo":
        doubt(
            STEREO_DECLARED_MONO,
            "recording is stereo (two different channels) but the event declares mono: the channels "
            "were mixed, so roles and per-speaker talk time are unknown; send layout 'stereo' with "
            "audio.channels naming each channel's party",
        )
        decoded, stereo = decoded.mean(axis=0, keepdims=True), False
    if stereo:
        roles = channels or DEFAULT_STEREO_ROLES
        tracks = [ChannelAudio(i, roles.get(str(i), "unknown"), samples) for i, samples in enumerate(decoded)]
        if unnamed := [t.channel for t in tracks if str(t.channel) not in roles]:
            named = ", ".join(f'"{k}": "{v}"' for k, v in sorted(roles.items()))
            doubt(
                CHANNEL_MAP_INCOMPLETE,
                f"audio.channels ({{{named}}}) names no party for channel {unnamed[0]}: its speech has "
                "role 'unknown', so no per-speaker talk time is measured (for either party) and that "
                'party\'s rules miss it; name both channels, e.g. {"0": "agent", "1": "customer"}',
            )
    else:
        tracks = [ChannelAudio(0, "unknown", decoded[0])]
    duration = decoded.shape[1] / SAMPLE_RATE
    if duration > max_seconds:
        raise _too_long(path, duration, max_seconds)
    for track in tracks:
        if (share := clipped_share(track.samples)) > CLIPPED_SHARE:
            party = f" ({track.role})" if stereo and track.role != "unknown" else ""
            where = f"channel {track.channel}{party}" if stereo else "the recording"
            doubt(
                RECORDING_CLIPPED,
                f"{where} is clipped: {share:.0%} of its samples sit at full scale, so the transcript may "
                "hold words nobody said; lower the recorder's gain (AGC) for this line",
            )
    declared = _declared_seconds(path, estimate)
    # a header past the limit is a placeholder (a WAV still being written says 0xFFFFFFFF bytes)
    if declared is not None and declared <= max_seconds and duration < declared * TRUNCATED_SHARE - 1.0:
        doubt(
            RECORDING_TRUNCATED,
            f"{duration:.1f} s of audio where its header says {declared:.1f} s: the file ends early (an "
            "upload or copy cut short?); transcribing what is there",
        )
    if not download and (growing := _still_written(path, size)):
        doubt(
            RECORDING_STILL_WRITTEN, f"{growing}: still being written? transcribing the {duration:.1f} s read"
        )
    return tracks, duration


#: A channel with more of its samples at full scale than this is clipped past what Whisper reads well:
#: the sample calls at +30 dB (6-13 % clipped) came out as invented sentences, at +12 dB (under 1 %)
#: word for word.
CLIPPED_SHARE = 0.03
#: What "full scale" is once decoded and resampled to 16 kHz (a clipped run stays at ±0.99 and above).
_FULL_SCALE = 0.99


def clipped_share(samples: np.ndarray) -> float:
    """The share of ``samples`` (float, ±1 full scale) at full scale."""
    if samples.size == 0:
        return 0.0
    return float(np.count_nonzero(np.abs(samples) >= _FULL_SCALE)) / samples.size


def _still_written(path: Path, size: int) -> str | None:
    """Why ``path`` looks like a recording its writer has not finished (read as ``size`` bytes before
    decoding), or None: it grew while being read, or its WAV header gives no length (a writer fills
    it in on close: 0 or 0xFFFFFFFF bytes) and it changed in the last :data:`RECENT_WRITE_S` seconds.
    A "call completed" event sent before the recorder closed the file gets a transcript of the
    call's start only. A complete file from a pipe (no length, written long ago) is no warning."""
    try:
        info = path.stat()
    except OSError:
        return None
    if info.st_size > size:
        return f"it grew from {size} to {info.st_size} bytes while being read"
    age = time.time() - info.st_mtime
    if age < RECENT_WRITE_S and _wav_data_size(path) in (0, 0xFFFFFFFF):
        return f"its WAV header gives no length and it changed {max(age, 0.0):.1f} s ago"
    return None


def _wav_data_size(path: Path) -> int | None:
    """The size a RIFF/WAVE file's ``data`` chunk header declares; None for another format or a
    header without a ``data`` chunk in its first 64 KiB."""
    head = _wav_head(path)
    return next((size for chunk, size, _ in _wav_chunks(head) if chunk == b"data"), None) if head else None


def _declared_seconds(path: Path, estimate: float | None) -> float | None:
    """The length ``path``'s header declares: a PCM WAV's data chunk size (FFmpeg estimates a WAV's
    length from the file size, which a cut-short copy shrinks too), else FFmpeg's estimate."""
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() / w.getframerate() if w.getframerate() else estimate
    except (wave.Error, EOFError, OSError, ValueError):  # no PCM WAV (μ-law, MP3, ...): FFmpeg's word
        return estimate


# --- http(s) -----------------------------------------------------------------------------------------

DOWNLOAD_DEADLINE_FACTOR = 20
"""A whole download may take this many ``timeout_s``: a server trickling bytes cannot hold a worker."""


class _Deadline:
    """Holds a download to ``deadline`` (``time.monotonic``) whatever the server does.

    Checking the clock between reads is not enough: one read (a header line, a body block) lasts
    as long as a server trickling bytes just inside the read timeout wants. So a timer shuts the
    download's connections down at the deadline, and any error that then surfaces, or a body that
    looks complete (an EOF ends a body without a declared length), becomes "too slow".
    """

    def __init__(self, source: str, deadline: float) -> None:
        self.source = source
        self.fired = False
        self._done = False
        self._aborts: list[Callable[[], object]] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True

    def watch(self, abort: Callable[[], object]) -> None:
        """Call ``abort`` (which wakes a blocked read) at the deadline, or now if it has passed."""
        with self._lock:
            if self._done:
                return
            self._aborts.append(abort)
            if self.fired:
                self._abort(abort)

    @staticmethod
    def _abort(abort: Callable[[], object]) -> None:
        with suppress(OSError, ValueError, RuntimeError):  # already closed or released: not blocked
            abort()

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            for abort in self._aborts:
                self._abort(abort)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        with self._lock:
            self._done = True  # the sockets are closed from here on: never shut down a reused one
            self._aborts.clear()
        self._timer.cancel()
        keep = (RecordingTooLarge, RecordingNotAllowed, RecordingNotFound, EmptyRecording)
        if self.fired and (exc is None or (isinstance(exc, Exception) and not isinstance(exc, keep))):
            raise RecordingUnavailable(f"{self.source}: download too slow, gave up") from None


@dataclass(frozen=True)
class FetchPolicy:
    """Where and how http(s) recordings may be downloaded (from ``CALLSTREAM_RECORDING_*``)."""

    hosts: tuple[str, ...] = ()
    allow_private: bool = False
    timeout_s: float = 30.0
    max_bytes: int = 512 * 1024 * 1024
    max_redirects: int = 3

    @classmethod
    def from_settings(cls, settings: Settings, tenant: str | None = None) -> FetchPolicy:
        """``tenant``: the call's, for ``{tenant}`` in a host (:func:`for_tenant`)."""
        return cls(
            hosts=tuple(for_tenant(settings.recording_http_hosts, tenant)),
            allow_private=settings.recording_http_allow_private,
            timeout_s=settings.recording_http_timeout,
            max_bytes=settings.recording_max_bytes,
        )


def host_allowed(host: str, hosts: Sequence[str]) -> bool:
    """``host`` is listed exactly, under a listed ``.domain`` (or ``*.domain``), or ``*`` is listed."""
    host = host.lower().rstrip(".")
    for entry in hosts:
        entry = entry.lower().strip().rstrip(".")
        if entry == "*" or entry == host:
            return True
        suffix = entry.removeprefix("*")
        if suffix.startswith(".") and (host.endswith(suffix) or host == suffix[1:]):
            return True
    return False


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
"""RFC 8215 local-use NAT64: translated to an operator's own IPv4 space, so never public (Python
before 3.11.10 calls it global)."""
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip in _NAT64_LOCAL:
        return False
    return ip.is_global and not ip.is_multicast


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses that traffic to ``ip`` may be delivered to by a translator or tunnel."""
    found = []
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)  # server and client
    return found


def public_address(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to for ``host``, refusing any resolution into a non-public range.

    Every resolved address must pass (an attacker's DNS name may return a public and a private
    one); IPv4-mapped IPv6 is judged as the IPv4 it maps, and an IPv6 address that embeds an IPv4
    one (NAT64, 6to4, IPv4-compatible, Teredo) must pass as itself and as that IPv4.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise RecordingNotFound(f"{host}: cannot resolve ({exc})") from None
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not allow_private:
            embedded = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else []
            for judged in (ip, *embedded):
                if not _is_public(judged):
                    via = f" (embedding {judged})" if judged is not ip else ""
                    raise RecordingNotAllowed(
                        f"{host} resolves to {ip}{via}, a non-public address "
                        "(set CALLSTREAM_RECORDING_HTTP_ALLOW_PRIVATE=true to allow)"
                    )
        addresses.append(str(ip))
    if not addresses:
        raise RecordingNotFound(f"{host}: no addresses")
    return addresses[0]


def _shutdown(sock: socket.socket) -> None:
    """Wake any thread blocked reading ``sock`` (``shutdown`` does, ``close`` does not).

    The plain-socket method is called even on an ``SSLSocket``: its override would also drop the
    TLS object under the reading thread, which then fails with a ValueError instead of an EOF.
    """
    socket.socket.shutdown(sock, socket.SHUT_RDWR)


def shown_url(url: str) -> str:
    """``url`` as errors, logs and dead letters name it: without ``user:password@`` and with its
    query string hidden (a presigned URL's signature, a token), either of which may be a credential."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a URL that does not parse)"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "(hidden)" if parts.query else "", ""))


def fetch_recording(url: str, policy: FetchPolicy, dest: Path) -> Path:
    """Download ``url`` to ``dest`` under ``policy``; redirects are followed and re-checked."""
    deadline = time.monotonic() + policy.timeout_s * DOWNLOAD_DEADLINE_FACTOR
    with (
        _Deadline(shown_url(url), deadline) as watchdog,
        httpx.Client(timeout=policy.timeout_s, follow_redirects=False, trust_env=False) as client,
    ):

        def trace(event: str, info: Mapping[str, Any]) -> None:
            # httpcore's trace extension hands over each new connection's stream, before any read.
            if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
                watchdog.watch(partial(_shutdown, info["return_value"].get_extra_info("socket")))

        for _ in range(policy.max_redirects + 1):
            parts = urlsplit(url)
            if parts.scheme.lower() not in ("http", "https"):
                raise RecordingNotAllowed(
                    f"{shown_url(url)}: redirected to unsupported scheme {parts.scheme}://"
                )
            host = parts.hostname or ""
            if not policy.hosts:
                raise RecordingNotAllowed(
                    f"{shown_url(url)}: http(s) recordings are off (CALLSTREAM_RECORDING_HTTP_HOSTS is empty)"
                )
            if not host_allowed(host, policy.hosts):
                raise RecordingNotAllowed(
                    f"{shown_url(url)}: host {host!r} is not in CALLSTREAM_RECORDING_HTTP_HOSTS"
                )
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
            address = public_address(host, port, policy.allow_private)
            request_url = httpx.URL(url).copy_with(host=address)
            extensions: dict[str, Any] = {"trace": trace}
            if parts.scheme.lower() == "https":
                extensions["sni_hostname"] = host
            headers = {"Host": parts.netloc.rsplit("@", 1)[-1]}
            try:
                with client.stream("GET", request_url, headers=headers, extensions=extensions) as resp:
                    if resp.is_redirect and "location" in resp.headers:
                        url = urljoin(url, resp.headers["location"])
                        continue
                    _check_status(shown_url(url), resp.status_code)
                    declared = int(resp.headers.get("content-length") or 0)
                    if declared > policy.max_bytes:
                        raise RecordingTooLarge(
                            f"{shown_url(url)}: {declared} bytes exceeds the {policy.max_bytes} limit"
                        )
                    # No chunk size: one block per network read, so the deadline is checked after each.
                    return write_capped(shown_url(url), resp.iter_bytes(), dest, policy.max_bytes, deadline)
            except httpx.TimeoutException as exc:
                raise RecordingUnavailable(f"{shown_url(url)}: timed out ({type(exc).__name__})") from None
            except httpx.HTTPError as exc:
                raise RecordingUnavailable(f"{shown_url(url)}: {type(exc).__name__}: {exc}") from None
    raise RecordingNotAllowed(f"{shown_url(url)}: more than {policy.max_redirects} redirects")


def write_capped(source: str, blocks: Iterable[bytes], dest: Path, max_bytes: int, deadline: float) -> Path:
    """Stream ``blocks`` into ``dest``, refusing more than ``max_bytes`` (a declared size can lie)
    and a download still running at ``deadline`` (``time.monotonic``): a trickling server must not
    hold a worker thread."""
    size = 0
    with open(dest, "wb") as out:
        for block in blocks:
            size += len(block)
            if size > max_bytes:
                raise RecordingTooLarge(f"{source}: more than {max_bytes} bytes")
            if time.monotonic() > deadline:
                raise RecordingUnavailable(f"{source}: download too slow, gave up")
            out.write(block)
    return dest


def _check_status(url: str, status: int) -> None:
    if status == 429 or status >= 500:
        raise RecordingUnavailable(f"{shown_url(url)}: HTTP {status}")
    if status in (401, 403):
        raise RecordingNotAllowed(f"{shown_url(url)}: HTTP {status} (access denied)")
    if status >= 400:
        raise RecordingNotFound(f"{shown_url(url)}: HTTP {status}")
    if status != 200:
        raise RecordingNotFound(f"{shown_url(url)}: unexpected HTTP {status}")


# --- s3 ----------------------------------------------------------------------------------------------

S3_EXTRA_HINT = "pip install 'callstream[s3]'"
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_S3_DENIED = {"AccessDenied", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch"}
_S3_BUSY = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "Throttling"}


@dataclass(frozen=True)
class S3Policy:
    """Which buckets s3:// recordings may come from and how they are read (``CALLSTREAM_RECORDING_*``)."""

    buckets: tuple[str, ...] = ()
    endpoint_url: str | None = None
    region: str | None = None
    timeout_s: float = 30.0
    max_bytes: int = 512 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Settings, tenant: str | None = None) -> S3Policy:
        """``tenant``: the call's, for ``{tenant}`` in a bucket name (:func:`for_tenant`)."""
        return cls(
            buckets=tuple(for_tenant(settings.recording_s3_buckets, tenant)),
            endpoint_url=settings.recording_s3_endpoint_url,
            region=settings.recording_s3_region,
            timeout_s=settings.recording_s3_timeout,
            max_bytes=settings.recording_max_bytes,
        )


def require_s3_client(policy: S3Policy) -> Any:
    """The client ``policy`` reads with; raises :class:`RecordingNotAllowed` (with the install hint)
    when the extra is missing. Workers call it at start so a misconfiguration stops them early."""
    return _s3_client(policy.endpoint_url, policy.region, policy.timeout_s)


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` to (bucket, key). The key is taken literally, as the AWS CLI does: no
    percent-decoding, and ``?``/``#`` are part of it (S3 keys may hold them)."""
    bucket, _, key = uri.split("://", 1)[1].partition("/")
    if not _BUCKET_NAME.fullmatch(bucket):
        raise RecordingNotAllowed(f"{uri}: {bucket!r} is not an S3 bucket name")
    if not key or key.endswith("/"):
        raise RecordingNotFound(f"{uri}: names no object (empty key or a folder)")
    return bucket, key


def _boto3() -> tuple[Any, Any, Any]:
    """boto3, botocore.config and botocore.exceptions, or a refusal saying how to install them."""
    try:
        import boto3
        import botocore.config
        import botocore.exceptions
    except ImportError:
        raise RecordingNotAllowed(f"s3:// recordings need boto3: {S3_EXTRA_HINT}") from None
    return boto3, botocore.config, botocore.exceptions


@lru_cache(maxsize=4)
def _s3_client(endpoint_url: str | None, region: str | None, timeout_s: float) -> Any:
    """One client per configuration: building one loads botocore's service model (~100 ms), and
    clients are thread-safe. Credentials come from boto3's default chain and are never logged."""
    boto3, config, _ = _boto3()
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        config=config.Config(
            connect_timeout=timeout_s,
            read_timeout=timeout_s,
            # No hidden retries: the stage retries RecordingUnavailable with its own backoff.
            retries={"total_max_attempts": 1},
            # MinIO and most S3-compatible stores have no per-bucket DNS names.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            user_agent_extra="callstream",
        ),
    )


def fetch_s3_recording(uri: str, policy: S3Policy, dest: Path) -> Path:
    """Download ``s3://bucket/key`` to ``dest`` under ``policy``.

    One ranged GET for at most ``max_bytes + 1`` bytes: the object's total size (Content-Range) is
    checked before any body is read, and the streamed read is capped too, so neither a large object
    nor a server ignoring the range can fill the disk.
    """
    bucket, key = parse_s3_uri(uri)
    if not policy.buckets:
        raise RecordingNotAllowed(
            f"{uri}: s3:// recordings are not supported while CALLSTREAM_RECORDING_S3_BUCKETS is empty"
        )
    if "*" not in policy.buckets and bucket not in policy.buckets:
        raise RecordingNotAllowed(f"{uri}: bucket {bucket!r} is not in CALLSTREAM_RECORDING_S3_BUCKETS")
    _, _, errors = _boto3()
    deadline = time.monotonic() + policy.timeout_s * DOWNLOAD_DEADLINE_FACTOR
    client = require_s3_client(policy)
    with _Deadline(uri, deadline) as watchdog:
        try:
            resp = client.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{policy.max_bytes}")
            body = resp["Body"]
            try:
                # urllib3 >= 2.3 can wake a read blocked in another thread; botocore keeps its
                # response as the body's _raw_stream (as its own set_socket_timeout relies on).
                shutdown = getattr(getattr(body, "_raw_stream", None), "shutdown", None)
                if callable(shutdown):
                    watchdog.watch(shutdown)
                else:
                    log.warning("%s: urllib3 < 2.3; the deadline is checked per block only", uri)
                content_range = resp.get("ContentRange") or ""
                total = content_range.rpartition("/")[2]
                size = int(total) if total.isdigit() else int(resp.get("ContentLength") or 0)
                if size > policy.max_bytes:
                    raise RecordingTooLarge(f"{uri}: {size} bytes exceeds the {policy.max_bytes} limit")
                write_capped(uri, body.iter_chunks(1 << 16), dest, policy.max_bytes, deadline)
            finally:
                body.close()
        except errors.ClientError as exc:
            _raise_s3_error(uri, exc.response)
        except (errors.NoCredentialsError, errors.PartialCredentialsError) as exc:
            raise RecordingNotAllowed(f"{uri}: no usable S3 credentials ({exc})") from None
        except errors.ParamValidationError as exc:
            raise RecordingNotAllowed(f"{uri}: {exc}") from None
        except errors.BotoCoreError as exc:  # connect/read timeouts, refused connections, cut streams
            raise RecordingUnavailable(f"{uri}: {type(exc).__name__}: {exc}") from None
    return dest


def _raise_s3_error(uri: str, response: Mapping[str, Any]) -> None:
    """Map an S3 error answer onto the exceptions the http(s) path raises for the same situation."""
    code = str(response.get("Error", {}).get("Code", ""))
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if code == "NoSuchBucket":
        raise RecordingNotFound(f"{uri}: no such bucket")
    if code in ("NoSuchKey", "404"):
        raise RecordingNotFound(f"{uri}: no such key")
    if code == "InvalidRange":  # S3 answers a range on a zero-byte object this way
        raise EmptyRecording(f"{uri}: object is zero bytes")
    if code in _S3_DENIED or status in (401, 403):
        # AWS also answers a missing key this way when the credentials lack s3:ListBucket.
        raise RecordingNotAllowed(f"{uri}: access denied ({code or status}; or no such key)")
    if code in _S3_BUSY or status == 429 or status >= 500:
        raise RecordingUnavailable(f"{uri}: S3 {code or status}")
    raise RecordingNotFound(f"{uri}: S3 {code or status}")


def is_remote(uri: str) -> bool:
    """Whether ``uri`` is fetched (``http(s)://``, ``s3://``) rather than read where it lies."""
    return urlsplit(uri).scheme.lower() in ("http", "https", "s3")


@contextmanager
def open_recording(uri: str, settings: Settings, tenant: str | None = None) -> Iterator[Path]:
    """A local path for ``uri`` for the duration of the block: the file itself for local URIs,
    a temporary download (deleted afterwards) for ``http(s)://`` and ``s3://``. ``tenant``: the
    call's, for ``{tenant}`` in the recording roots and buckets."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if not is_remote(uri):
        yield resolve_recording(uri, settings.recording_roots, tenant)
        return
    name = uri.split("://", 1)[1].partition("/")[2] if scheme == "s3" else unquote(parts.path)
    suffix = Path(name).suffix
    suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""
    with tempfile.TemporaryDirectory(prefix="callstream-recording-") as tmp:
        dest = Path(tmp) / f"recording{suffix}"
        if scheme == "s3":
            yield fetch_s3_recording(uri, S3Policy.from_settings(settings, tenant), dest)
        else:
            yield fetch_recording(uri, FetchPolicy.from_settings(settings, tenant), dest)
