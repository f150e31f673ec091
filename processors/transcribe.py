"""Transcript assembly: run Whisper per channel, merge both parties into one timed dialogue.

Each stereo channel holds one party, so transcribing channels separately gives speaker roles for
free (no diarization) and keeps crosstalk out of each other's text.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ml.whisper import Asr, WhisperOptions, get_asr
from processors.acoustics import acoustic_metrics
from processors.audio import ChannelAudio, load_call_audio, resolve_recording

if TYPE_CHECKING:
    from streams.settings import Settings

WORD = re.compile(r"\w")
"""A segment without a single letter or digit (only punctuation, dashes) counts as empty."""
PAST_END_TOLERANCE_S = 0.5
"""Whisper timestamps overshoot slightly; anything further past the end is a hallucination loop."""


def detect_language(audio: Sequence[ChannelAudio], asr: Asr) -> tuple[str, float]:
    """Language of the call and its probability, on the channels mixed so both parties count."""
    mix = np.mean([track.samples for track in audio], axis=0, dtype=np.float32)
    language, probability, _ = asr.model_for(None).detect_language(audio=mix, vad_filter=True)
    return language, float(probability)


class Utterance(NamedTuple):
    start: float
    end: float
    text: str
    words: list[Any]


def _utterances(seg: Any, split_pause_s: float) -> list[Utterance]:
    """Pieces of one Whisper segment, split at long pauses between words, bounded by their words.

    Without word timings the segment is kept whole, with Whisper's own (looser) bounds.
    """
    if not seg.words:
        return [Utterance(seg.start, seg.end, seg.text, [])]
    groups: list[list[Any]] = [[seg.words[0]]]
    for word in seg.words[1:]:
        if word.start - groups[-1][-1].end >= split_pause_s:
            groups.append([])
        groups[-1].append(word)
    return [Utterance(g[0].start, g[-1].end, "".join(w.word for w in g), g) for g in groups]


def _segment(track: ChannelAudio, seg: Any, piece: Utterance, keep_words: bool) -> dict:
    words = None
    if keep_words and piece.words:
        words = [
            {
                "word": w.word.strip(),
                "start": round(float(w.start), 3),
                "end": round(float(w.end), 3),
                "probability": float(w.probability),
            }
            for w in piece.words
        ]
    return {
        "index": 0,
        "channel": track.channel,
        "role": track.role,
        "start": round(float(piece.start), 3),
        "end": round(float(piece.end), 3),
        "text": piece.text.strip(),
        "avg_logprob": float(seg.avg_logprob),
        "no_speech_prob": float(seg.no_speech_prob),
        "words": words,
        "vad_speech": None,
        "kept": True,
        "drop_reason": None,
    }


def transcribe_call(
    call: Mapping,
    audio: Sequence[ChannelAudio],
    duration: float,
    asr: Asr,
    options: WhisperOptions | None = None,
) -> dict:
    """Transcript record (callstream.Transcript.avsc) for ``call`` from its decoded channels.

    Uses the event's language hint when present, otherwise detects with the multilingual model.
    Segments that are empty or end past the audio are dropped and counted in ``dropped``.
    """
    options = options or WhisperOptions()
    timings: dict[str, float] = {}
    language, probability = call.get("language"), None
    if not language:
        started = time.perf_counter()
        language, probability = detect_language(audio, asr)
        timings["detect"] = time.perf_counter() - started
    model = asr.model_for(language)
    started = time.perf_counter()
    segments: list[dict] = []
    dropped: Counter[str] = Counter()
    for track in audio:
        raw, _ = model.transcribe(track.samples, language=language, **options.transcribe_kwargs())
        for seg in raw:
            for piece in _utterances(seg, options.split_pause_s):
                if not WORD.search(piece.text):
                    dropped["empty"] += 1
                elif piece.end > duration + PAST_END_TOLERANCE_S:
                    dropped["past_end"] += 1
                else:
                    segments.append(_segment(track, seg, piece, options.keep_words))
    timings["asr"] = time.perf_counter() - started
    segments.sort(key=lambda s: (s["start"], s["channel"]))
    for index, seg in enumerate(segments):
        seg["index"] = index
    layout = "stereo" if len(audio) > 1 else "mono"
    return {
        "call_id": call["call_id"],
        "call": dict(call),
        "language": language,
        "language_probability": probability,
        "duration": duration,
        "segments": segments,
        "metrics": acoustic_metrics(segments, duration, layout),
        "dropped": dict(dropped),
        "model": asr.model_name(language),
        "timings": timings,
    }


def run(call: Mapping, settings: Settings, options: WhisperOptions | None = None) -> dict:
    """Recording URI to Transcript in one blocking call: what the transcribe agent runs in an executor."""
    started = time.perf_counter()
    path = resolve_recording(call["recording_uri"], settings.recording_roots)
    layout = call.get("audio") or {}
    audio, duration = load_call_audio(
        path, layout.get("layout", "stereo"), layout.get("channels") or {}, settings.max_audio_seconds
    )
    decode = time.perf_counter() - started
    transcript = transcribe_call(call, audio, duration, get_asr(settings), options)
    transcript["timings"] = {"decode": decode, **transcript["timings"]}
    return transcript
