"""Silero VAD (v6 ONNX, run by onnxruntime): where each channel of a call holds speech.

faster-whisper ships the model and a maintained port of Silero's ``get_speech_timestamps``
(``faster_whisper.vad``), so we reuse both instead of importing ``silero_vad`` (which needs torch)
or hand-rolling the state machine. The ONNX session is created once per process
(``get_vad_model`` is cached) and onnxruntime sessions are safe to share between threads.

The speech timestamps serve twice: they decide which audio Whisper sees (silence skipped) and they
are the timings of the acoustic metrics (talk time, silence, overtalk), which is why the defaults
are tuned against the sample calls' measured timelines rather than for ASR recall.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from faster_whisper.utils import get_assets_path
from faster_whisper.vad import VadOptions, get_speech_timestamps, get_vad_model

SAMPLE_RATE = 16000
MODEL_FILE = "silero_vad_v6.onnx"
RESCAN_S = 10.0
"""Silero's recurrent state goes deaf after ~20 s of hold music: the next "Hello?" or "Yes." was
missed and "Thanks for holding" started 1-2 s late. Non-speech stretches at least this long are
scanned again in pieces of this length, each with a fresh state (10 s of music left it intact)."""
SILENT_MEAN_SQUARE = 1e-8
"""A piece quieter than this (-80 dBFS: digital silence) holds no speech and is not scanned again."""

Interval = tuple[float, float]


class VadModelMissing(RuntimeError):
    """The Silero ONNX file faster-whisper should ship is not there (broken install)."""


@dataclass(frozen=True)
class VadConfig:
    """Silero VAD options for telephone calls (one speaker per channel, 8 kHz source).

    threshold: speech probability above which a 32 ms frame is speech. 0.4, below Silero's 0.5:
        at 0.5 soft onsets (Russian unvoiced consonants on 8 kHz audio) started up to 0.5 s late.
    min_speech_ms: shorter bursts are clicks or line noise, not words; a short "uh-huh" is longer.
    min_silence_ms: a pause must last this long to end a speech interval. 600 ms keeps a speaker's
        pauses between sentences inside one turn (talk time counts them, as a listener would) while
        the ~0.7 s gaps between two turns of the same party still split.
    speech_pad_ms: padding added to each side of an interval. None, because the intervals are the
        metrics' timings, whose edges ``edge_shift_s`` sets on the audio's energy instead (30 ms of
        padding cost 0.5 s of silence per call).
    max_speech_s: longer speech is split at its last short pause, so every piece fits Whisper's
        30 s window together with ``whisper_pad_s`` on both sides.
    whisper_pad_s: extra audio around each interval that Whisper gets (not the metrics), so the
        first and last phonemes of a turn are not clipped.
    edge_shift_s: how far each interval's edges may move, for the metrics, to where the channel's
        energy rises above its noise floor and falls back (:func:`refine_edges`). Silero's onsets lag soft or
        unit-selection speech by 0.1-0.15 s (the Russian sample's turns: talk time 0.34 s short per
        role) and its offsets trail by ~40 ms; 0 keeps Silero's edges.
    edge_margin_db: how far above the noise floor (the median level where Silero hears no speech) a
        10 ms frame must be to count as the speech's energy.
    """

    threshold: float = 0.4
    min_speech_ms: int = 120
    min_silence_ms: int = 600
    speech_pad_ms: int = 0
    max_speech_s: float = 28.0
    whisper_pad_s: float = 0.4
    edge_shift_s: float = 0.25
    edge_margin_db: float = 15.0

    def vad_options(self) -> VadOptions:
        return VadOptions(
            threshold=self.threshold,
            min_speech_duration_ms=self.min_speech_ms,
            min_silence_duration_ms=self.min_silence_ms,
            speech_pad_ms=self.speech_pad_ms,
            max_speech_duration_s=self.max_speech_s,
        )


@functools.cache
def load_vad() -> object:
    """The process's one Silero ONNX session; a clear error if the bundled file is missing."""
    path = Path(get_assets_path()) / MODEL_FILE
    if not path.is_file():
        raise VadModelMissing(f"{path}: Silero VAD model missing from the faster-whisper install")
    return get_vad_model()


def warm_up() -> None:
    """Create the ONNX session and run it once, so the first call does not pay for either."""
    load_vad()
    get_speech_timestamps(np.zeros(SAMPLE_RATE, dtype=np.float32), VadConfig().vad_options())


def _scan(samples: np.ndarray, config: VadConfig) -> list[Interval]:
    """One Silero pass (one recurrent state) over ``samples``."""
    # Silence appended so speech that stops less than ``min_silence_ms`` before the end of the
    # recording is closed where it stops; otherwise the interval runs to the end of the file.
    tail = np.zeros(SAMPLE_RATE * (config.min_silence_ms + config.speech_pad_ms + 100) // 1000, np.float32)
    audio = np.concatenate([np.asarray(samples, dtype=np.float32), tail])
    chunks = get_speech_timestamps(audio, config.vad_options(), sampling_rate=SAMPLE_RATE)
    duration = len(samples) / SAMPLE_RATE
    out = [(c["start"] / SAMPLE_RATE, min(duration, c["end"] / SAMPLE_RATE)) for c in chunks]
    return [(s, e) for s, e in out if e > s]


def _rescan(samples: np.ndarray, found: list[Interval], config: VadConfig) -> list[Interval]:
    """Speech in the long non-speech stretches of ``found`` (and the first seconds after each, where
    a late onset hides), scanned in ``RESCAN_S`` pieces with fresh state (see ``RESCAN_S``)."""
    duration = len(samples) / SAMPLE_RATE
    extra: list[Interval] = []
    bounds = [0.0, *(t for iv in found for t in iv), duration]
    for gap_start, gap_end in zip(bounds[::2], bounds[1::2], strict=True):
        if gap_end - gap_start < RESCAN_S:
            continue
        # past the gap by up to 2 s: a pass-1 onset that late is one the deaf state delayed
        stop, at = min(duration, gap_end + 2.0), gap_start
        while at < stop:
            end = min(stop, at + RESCAN_S)
            piece = samples[round(at * SAMPLE_RATE) : round(end * SAMPLE_RATE)]
            if len(piece) and float(np.mean(np.square(piece, dtype=np.float32))) >= SILENT_MEAN_SQUARE:
                extra.extend((at + s, at + e) for s, e in _scan(piece, config))
            at = end
    return extra


def _merge(intervals: list[Interval], min_gap: float) -> list[Interval]:
    """Sorted, disjoint cover of ``intervals``; gaps shorter than ``min_gap`` are closed."""
    out: list[Interval] = []
    for s, e in sorted(intervals):
        if out and s - out[-1][1] < min_gap:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def speech_intervals(samples: np.ndarray, config: VadConfig | None = None) -> list[Interval]:
    """Speech on one 16 kHz mono channel as sorted, disjoint (start, end) seconds."""
    config = config or VadConfig()
    if len(samples) == 0:
        return []
    load_vad()
    found = _scan(samples, config)
    extra = _rescan(samples, found, config)
    # a pause shorter than min_silence_ms never ends speech in one pass: nor between two passes
    return _merge(found + extra, config.min_silence_ms / 1000) if extra else found


FRAMES_PER_S = 100
"""Frames of :func:`refine_edges` (10 ms: finer than Silero's 32 ms)."""
EDGE_FLOOR_DB = -55.0
"""The lowest level a frame counts as speech at, whatever the floor: on digital silence (a floor
near -120 dBFS) it keeps dither and a codec's hiss out of the speech."""
OFFSET_DROP_DB = 25.0
"""How far below an interval's median level its trailing frames must be to be cut from it."""
MIN_FLOOR_FRAMES = 50
"""Non-speech frames (0.5 s) needed to measure the noise floor; with fewer the edges stay Silero's."""


def _frame(t: float, up: bool = False) -> int:
    """The 10 ms frame ``t`` seconds fall in (``up``: the first frame from ``t`` on), exact for times
    on a frame's edge that floating point puts a hair off it (1.13 s * 100 = 112.99999...)."""
    return math.ceil(t * FRAMES_PER_S - 1e-6) if up else math.floor(t * FRAMES_PER_S + 1e-6)


def refine_edges(
    samples: np.ndarray, speech: list[Interval], config: VadConfig | None = None
) -> list[Interval]:
    """``speech`` with each interval's onset moved back over the energy it starts inside of, and its
    offset back to its last loud frame, by at most ``config.edge_shift_s`` (never past the previous
    interval). Silero decides where speech is (and what Whisper hears); the energy where exactly it
    starts and stops, which the acoustic metrics (talk time, silence, overtalk) are measured with.
    A frame is loud when it is ``config.edge_margin_db`` above the median level of the frames Silero
    hears no speech in. Whisper keeps Silero's edges: fed the refined ones, the sample calls each
    lost a word (its windows start and end elsewhere, with the same padding)."""
    config = config or VadConfig()
    n = len(samples) * FRAMES_PER_S // SAMPLE_RATE
    if not speech or config.edge_shift_s <= 0 or n == 0:
        return speech
    size = SAMPLE_RATE // FRAMES_PER_S
    frames = np.asarray(samples[: n * size], dtype=np.float32).reshape(n, size)
    level = 10 * np.log10(np.mean(np.square(frames), axis=1, dtype=np.float64) + 1e-12)
    quiet = np.ones(n, dtype=bool)
    for s, e in speech:
        quiet[_frame(s) : _frame(e, up=True)] = False
    if quiet.sum() < MIN_FLOOR_FRAMES:
        return speech  # no silence to tell noise from speech by
    loud = level > max(EDGE_FLOOR_DB, float(np.median(level[quiet])) + config.edge_margin_db)
    shift = round(config.edge_shift_s * FRAMES_PER_S)
    out: list[Interval] = []
    for s, e in speech:
        onset = first = _frame(s)
        lowest = max(first - shift, _frame(out[-1][1], up=True) if out else 0)
        while first > lowest and loud[first - 1]:
            first -= 1
        if first < onset:
            s = first / FRAMES_PER_S
        # the offset back over frames well below the interval's own level as well as the floor's:
        # under hold music (a high floor) a reply's soft last phoneme is no silence
        stop = min(n, _frame(e, up=True))
        if stop - first > 1:
            faint = float(np.median(level[first:stop])) - OFFSET_DROP_DB
            last = stop
            while last > max(first + 1, stop - shift) and not loud[last - 1] and level[last - 1] < faint:
                last -= 1
            e = min(e, last / FRAMES_PER_S)
        out.append((s, e))
    return out


def covered(start: float, end: float, speech: Sequence[Interval]) -> float:
    """Share (0-1) of [start, end] inside ``speech`` (sorted, disjoint); a zero-length span counts
    as 1 when it lies inside an interval, so a one-word segment with equal bounds is not lost."""
    if end <= start:
        i = bisect.bisect_right(speech, (start, float("inf"))) - 1
        return 1.0 if i >= 0 and speech[i][0] <= start <= speech[i][1] else 0.0
    overlap = 0.0
    for s, e in speech[max(0, bisect.bisect_left(speech, (start, start)) - 1) :]:
        if s >= end:
            break
        overlap += max(0.0, min(e, end) - max(s, start))
    return min(1.0, overlap / (end - start))
