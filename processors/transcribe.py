"""Transcript assembly: VAD per channel, Whisper on the speech only, one timed per-role dialogue.

Each stereo channel holds one party, so transcribing channels separately gives speaker roles for
free (no diarization) and keeps crosstalk out of each other's text. Silero VAD runs once per
channel; its speech intervals are used three times:

1. Whisper input: each channel's speech (padded) is packed into <= 30 s windows, and the windows of
   *both* channels are shared out between the model's workers and decoded in batches, so silence
   (most of each channel of a two-party call, and all of a hold) costs nothing, the encoder runs on
   full windows, and every core is busy.
2. Guards: a segment with no VAD speech under it on its channel is a hallucination.
3. Acoustic metrics: talk time, silence and overtalk from VAD, not from looser ASR timestamps.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from faster_whisper import BatchedInferencePipeline

from ml.vad import Interval, covered, refine_edges, speech_intervals
from ml.whisper import Asr, WhisperOptions, get_asr, whisper_language
from processors.acoustics import acoustic_metrics, union, vad_metrics
from processors.audio import SAMPLE_RATE, ChannelAudio, is_remote, load_call_audio, open_recording
from processors.baseline import POLITE, find
from processors.doubts import (
    CHANNELS_SWAPPED,
    DURATION_MISMATCH,
    NO_SPEECH_FOUND,
    SILENT_CHANNEL,
    Doubt,
    kinds_of,
)
from processors.rules import language_mix
from processors.text import has_words

if TYPE_CHECKING:
    from streams.settings import Settings

log = logging.getLogger(__name__)
WORD = re.compile(r"\w")
"""A segment without a single letter or digit (only punctuation, dashes) counts as empty."""
PAST_END_TOLERANCE_S = 0.5
"""Whisper timestamps overshoot slightly; anything further past the end is a hallucination loop."""
WINDOW_S = 30.0
"""Whisper's input window: speech is packed into windows no longer than this."""
WINDOWS_PER_CALL = 64
"""Windows handed to faster-whisper at once: bounds the features held in memory on long calls."""
SEAM_S = 1.0
"""Silence put between two speech pieces packed into one window."""
SEAM = int(SEAM_S * SAMPLE_RATE)
MAX_REDECODES = 3
"""Times the speech pieces a packed window's decoding stopped before are decoded again (see
``whisper_utterances``): each time the unheard tail is shorter, so this only bounds the cost."""
BLEED_DB = 15.0
"""A channel's speech this much quieter than the other channel's at the same time may be bleed
(line echo, crosstalk of a headset): real overtalk between two parties is seldom this uneven."""
BLEED_CORRELATION = 0.8
"""...and it is bleed when its loudness follows the other channel's this closely (Pearson r of the
20 ms envelopes): a quiet real "uh-huh" over the other party's turn does not follow it."""
BLEED_FRAME = SAMPLE_RATE // 50
BLEED_MAX_LAG = 16
"""Frames (320 ms) an echo may lag the speech it repeats."""


DURATION_SLACK_S = 30.0
"""The event's ``started_at`` to ``ended_at`` and the recording's length are doubted when they differ
by more than this and the longer is over twice the shorter: a recorder starting after an announcement
or a hang-up's tail differ by seconds, a recording of another call or one cut short by far more."""
OPENING_GROUPS = ("greeting", "introduction", "offer_help")
"""The agent opening's marker groups (:data:`processors.baseline.POLITE`): one who says two of them in
their first turn ("Good morning, this is Daniel from Brightline") answers the call as its agent. Only
the first turn: a customer's later "this is not fixed" would read as an introduction."""
AGENT_ONLY_GROUPS = ("introduction", "offer_help")
"""Opening groups a customer's first turn seldom holds (a "Hi." it often does)."""


class TimedWord(NamedTuple):
    start: float
    end: float
    word: str
    probability: float


class Utterance(NamedTuple):
    track: int
    start: float
    end: float
    text: str
    words: list[TimedWord]
    avg_logprob: float
    no_speech_prob: float
    past_end: bool = False
    """Whisper timed it past the end of its window's audio: recording times are clamped to the
    audio, so ``end`` alone cannot show this."""
    piece: int = 0
    """Index of the window's speech piece it lies in (an utterance never spans a seam)."""


class Window(NamedTuple):
    """Pieces of one channel (sample bounds in the recording) that Whisper decodes as one window.

    In the window the pieces are separated by ``SEAM_S`` of silence, so Whisper hears a pause
    where silence was cut out (glued speech made it merge and misplace words across the cut).
    ``offset`` is where the window starts in the batch's virtual audio, in whole seconds, so the
    ``seek`` faster-whisper derives from it is exact and times map back without rounding drift.
    """

    track: int
    pieces: list[tuple[int, int]]
    offset: int

    @property
    def samples(self) -> int:
        return sum(e - s for s, e in self.pieces) + SEAM * (len(self.pieces) - 1)

    def to_original(self, t: float, is_end: bool = False) -> tuple[float, int]:
        """Recording time (seconds) and piece index of virtual time ``t``.

        A time in a seam belongs to the end of the piece before it when it ends a word and to
        the start of the piece after it when it starts one.
        """
        rel = max(0.0, (t - self.offset) * SAMPLE_RATE)
        cum = 0
        last = len(self.pieces) - 1
        for i, (s, e) in enumerate(self.pieces):
            n = e - s
            if rel <= cum + n and (rel < cum + n or is_end or i == last):
                return (s + max(0.0, rel - cum)) / SAMPLE_RATE, i
            if i == last or (is_end and rel < cum + n + SEAM):
                return e / SAMPLE_RATE, i
            cum += n + SEAM
        raise AssertionError("unreachable")


# --- Whisper input ----------------------------------------------------------------------------------


def speech_windows(
    speech: Sequence[Interval], n_samples: int, pad_s: float, pack: bool, window_s: float = WINDOW_S
) -> list[list[tuple[int, int]]]:
    """Pieces of one channel to transcribe, grouped into windows of at most ``window_s`` seconds.

    Speech is padded by ``pad_s`` (Whisper needs the first and last phonemes), merged, and cut
    where longer than a window. With ``pack`` consecutive pieces share a window (fewer encoder
    passes; word timestamps tell them apart); without it every piece gets its own window.
    """
    duration = n_samples / SAMPLE_RATE
    limit = int(window_s * SAMPLE_RATE)
    pieces: list[tuple[int, int]] = []
    for s, e in union((max(0.0, s - pad_s), min(duration, e + pad_s)) for s, e in speech):
        a, b = round(s * SAMPLE_RATE), min(n_samples, round(e * SAMPLE_RATE))
        while b - a > limit:
            pieces.append((a, a + limit))
            a += limit
        if b > a:
            pieces.append((a, b))
    windows: list[list[tuple[int, int]]] = []
    used = 0
    for a, b in pieces:
        if pack and windows and used + SEAM + (b - a) <= limit:
            windows[-1].append((a, b))
            used += SEAM + b - a
        else:
            windows.append([(a, b)])
            used = b - a
    return windows


def _batches(
    audio: Sequence[ChannelAudio], windows: Sequence[tuple[int, list[tuple[int, int]]]]
) -> Iterator[tuple[list[Window], np.ndarray]]:
    """Groups of windows, ``(track, pieces)`` of any channel, with the virtual audio that holds them."""
    for first in range(0, len(windows), WINDOWS_PER_CALL):
        group, offset = [], 0
        for track, w in windows[first : first + WINDOWS_PER_CALL]:
            window = Window(track, w, offset)
            group.append(window)
            offset += math.ceil(window.samples / SAMPLE_RATE)
        virtual = np.zeros(offset * SAMPLE_RATE, dtype=np.float32)
        for window in group:
            at = window.offset * SAMPLE_RATE
            for s, e in window.pieces:
                virtual[at : at + e - s] = audio[window.track].samples[s:e]
                at += e - s + SEAM
        yield group, virtual


def _window_of(group: Sequence[Window], start: float) -> Window:
    """The window a batched segment came from (its start is the window's whole-second offset)."""
    best = group[0]
    for window in group:
        if window.offset <= start + 0.005:
            best = window
    return best


def _utterances(seg: Any, window: Window, split_pause_s: float) -> list[Utterance]:
    """Pieces of one Whisper segment in recording time: one per VAD speech piece, also split at
    pauses of ``split_pause_s`` between words (so a backchannel and the turn after it part).

    Without word timings the window (one speech piece then) is one utterance. Times further than
    ``PAST_END_TOLERANCE_S`` past the window's audio (virtual time, before ``to_original`` clamps
    them) mark the utterance ``past_end``.
    """
    limit = window.offset + window.samples / SAMPLE_RATE + PAST_END_TOLERANCE_S
    if not seg.words:
        start, _ = window.to_original(seg.start)
        end, _ = window.to_original(seg.end, is_end=True)
        return [
            Utterance(
                window.track, start, end, seg.text, [], seg.avg_logprob, seg.no_speech_prob, seg.end > limit
            )
        ]
    groups: list[list[TimedWord]] = []
    past: list[bool] = []
    pieces: list[int] = []
    last_piece = -1
    for w in seg.words:
        start, piece = window.to_original(w.start)
        end, end_piece = window.to_original(w.end, is_end=True)
        if end_piece != piece:
            # Straddles a seam (Whisper gives the pause before a word to that word, or after it to
            # the word before): it belongs to the piece holding more of its time, and is not
            # stretched over the silence cut out. By its start, the "The" opening a turn was
            # glued to the end of the previous turn of the channel, seconds earlier.
            head = window.pieces[piece][1] / SAMPLE_RATE - start
            tail = end - window.pieces[end_piece][0] / SAMPLE_RATE
            if tail > head:
                start, piece = window.pieces[end_piece][0] / SAMPLE_RATE, end_piece
            else:
                end = window.pieces[piece][1] / SAMPLE_RATE
        word = TimedWord(start, max(start, end), w.word, w.probability)
        if not groups or piece != last_piece or word.start - groups[-1][-1].end >= split_pause_s:
            groups.append([])
            past.append(False)
            pieces.append(piece)
        groups[-1].append(word)
        past[-1] = past[-1] or w.end > limit
        last_piece = piece
    return [
        Utterance(
            window.track,
            g[0].start,
            g[-1].end,
            "".join(w.word for w in g),
            g,
            seg.avg_logprob,
            seg.no_speech_prob,
            p,
            n,
        )
        for g, p, n in zip(groups, past, pieces, strict=True)
    ]


def whisper_utterances(
    model: Any,
    audio: Sequence[ChannelAudio],
    speech: Sequence[Sequence[Interval]] | None,
    language: str,
    options: WhisperOptions,
) -> list[Utterance]:
    """Utterances of every channel: the windows of both channels are shared out between the model's
    workers (CTranslate2 replicas) and each share is decoded as batches in its own thread.

    One pipeline over all windows keeps one replica busy; on CPU its decoder steps are too small to
    spread over many threads, so two single-threaded replicas working at once finish much sooner.
    ``speech`` None (VAD off) transcribes each channel whole, in consecutive 30 s windows.

    The batched pipeline decodes each window once, and Whisper may end it early: after "Thank you.
    Goodbye." and a seam it emitted end-of-text, and the three turns packed after it (24 words of
    a 180 s call) were lost. Plain ``transcribe()`` seeks past the last text and goes on; here the
    pieces after the last one with a word are packed into a window of their own and decoded again
    (up to ``MAX_REDECODES`` times), which costs one window only where words were lost.
    """
    pad = options.vad.whisper_pad_s if speech is not None else 0.0
    windows = [
        (i, w)
        for i, t in enumerate(audio)
        for w in speech_windows(
            speech[i] if speech is not None else [(0.0, len(t.samples) / SAMPLE_RATE)],
            len(t.samples),
            pad,
            pack=options.word_timestamps,
        )
    ]
    workers = max(1, min(getattr(model.model, "num_workers", 1), len(windows)))

    def decode_windows(
        pipeline: BatchedInferencePipeline, todo: Sequence[tuple[int, list[tuple[int, int]]]]
    ) -> list[list[Utterance]]:
        """The utterances of each window of ``todo``, in its order."""
        out: list[list[Utterance]] = []
        for group, virtual in _batches(audio, todo):
            clips = [{"start": w.offset, "end": w.offset + w.samples / SAMPLE_RATE} for w in group]
            kwargs = options.batched_kwargs()
            segments, _ = pipeline.transcribe(
                virtual, language=language, clip_timestamps=clips, vad_filter=False, **kwargs
            )
            heard: dict[int, list[Utterance]] = {w.offset: [] for w in group}
            for seg in segments:
                window = _window_of(group, seg.start)
                heard[window.offset].extend(_utterances(seg, window, options.split_pause_s))
            out.extend(heard[w.offset] for w in group)
        return out

    def decode(share: Sequence[tuple[int, list[tuple[int, int]]]]) -> list[Utterance]:
        # Each worker decodes again the unheard tails of its own share: while it does, the other
        # workers are still busy with theirs, so a tail seldom adds to the call's wall time.
        pipeline = BatchedInferencePipeline(model)  # per thread: it keeps state between batches
        out: list[Utterance] = []
        todo = list(share)
        for _ in range(MAX_REDECODES + 1):
            if not todo:
                break
            retry = []
            for (track, pieces), heard in zip(todo, decode_windows(pipeline, todo), strict=True):
                out.extend(heard)
                last = max((u.piece for u in heard if u.words), default=None)
                if last is not None and last < len(pieces) - 1:
                    retry.append((track, pieces[last + 1 :]))
            todo = retry
        return out

    if workers == 1:
        return decode(windows)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        shares = pool.map(decode, [windows[i::workers] for i in range(workers)])
        return [utt for share in shares for utt in share]


# --- crosstalk -----------------------------------------------------------------------------------------


def _envelope(samples: np.ndarray) -> np.ndarray:
    n = len(samples) // BLEED_FRAME
    frames = samples[: n * BLEED_FRAME].reshape(n, BLEED_FRAME)
    return np.sqrt(np.mean(np.square(frames, dtype=np.float32), axis=1))


def is_bleed(own: np.ndarray, other: np.ndarray, start: float, end: float) -> bool:
    """Whether ``own``'s audio in [start, end] is ``other``'s speech leaking into it: at least
    ``BLEED_DB`` quieter and its envelope following ``other``'s, lagging it by up to 320 ms."""
    a, b = round(start * SAMPLE_RATE), round(end * SAMPLE_RATE)
    mine = own[a:b]
    theirs = other[max(0, a - BLEED_MAX_LAG * BLEED_FRAME) : b]
    if len(mine) < 5 * BLEED_FRAME:
        return False
    level = float(np.mean(np.square(mine, dtype=np.float32)))
    reference = float(np.mean(np.square(other[a:b], dtype=np.float32)))
    if level * 10 ** (BLEED_DB / 10) > reference:
        return False
    env, ref = _envelope(mine), _envelope(theirs)
    lead = len(ref) - len(env)  # frames of ``other`` before ``start``: the lags on offer
    best = -1.0
    for lag in range(max(0, lead) + 1):
        shifted = ref[lead - lag : lead - lag + len(env)]
        if len(shifted) < len(env) or shifted.std() == 0 or env.std() == 0:
            continue
        best = max(best, float(np.corrcoef(env, shifted)[0, 1]))
    return best >= BLEED_CORRELATION


def drop_bleed(audio: Sequence[ChannelAudio], speech: list[list[Interval]]) -> list[list[Interval]]:
    """Each channel's VAD speech without the intervals that are the other channel's bleed.

    An echo of the agent on the customer's channel (-20 dB) passed VAD, was transcribed as the
    customer saying the agent's words and counted as overtalk. Only intervals mostly under the other
    channel's speech are checked, against the channels' audio as recorded.
    """
    if len(audio) != 2:
        return speech
    out = []
    for i, j in ((0, 1), (1, 0)):
        out.append(
            [
                (s, e)
                for s, e in speech[i]
                if covered(s, e, speech[j]) < 0.8 or not is_bleed(audio[i].samples, audio[j].samples, s, e)
            ]
        )
    return out


# --- guards ------------------------------------------------------------------------------------------


def _norm(token: str) -> str:
    return "".join(ch for ch in token.lower() if ch.isalnum())


def repeat_loops(tokens: Sequence[str], max_repeats: int = 4, max_ngram: int = 4) -> list[int]:
    """Indices of ``tokens`` to keep once every run of a word or phrase (up to ``max_ngram`` words)
    repeated ``max_repeats`` or more times in a row is cut to one occurrence.

    Case and punctuation are ignored ("я, я, Я." is one word three times).
    """
    norm = [_norm(t) for t in tokens]
    keep: list[int] = []
    i = 0
    while i < len(norm):
        best: tuple[int, int] | None = None  # (tokens covered by the run, n-gram size)
        for n in range(1, max_ngram + 1):
            gram = norm[i : i + n]
            if len(gram) < n or not all(gram):
                break
            count = 1
            while norm[i + count * n : i + (count + 1) * n] == gram:
                count += 1
            if count >= max_repeats and (best is None or count * n > best[0]):
                best = (count * n, n)
        if best:
            keep.extend(range(i, i + best[1]))
            i += best[0]
        else:
            keep.append(i)
            i += 1
    return keep


def guard(
    utt: Utterance,
    duration: float,
    speech: Sequence[Interval] | None,
    options: WhisperOptions,
) -> tuple[Utterance | None, str | None, float | None]:
    """Apply the hallucination guards to one utterance.

    Returns (the utterance, possibly with a repetition loop collapsed, or None when dropped;
    the reason counted in ``Transcript.dropped``; the VAD speech share, None without VAD).
    Reasons: ``empty``, ``past_end``, ``repetition`` (the loop is at least half the words: dropped),
    ``repetition_collapsed`` (kept, loop cut to one occurrence), ``no_vad_speech``.
    """
    if not WORD.search(utt.text):
        return None, "empty", None
    if utt.past_end or utt.end > duration + PAST_END_TOLERANCE_S:
        return None, "past_end", None
    reason = None
    tokens = [w.word for w in utt.words] if utt.words else utt.text.split()
    keep = repeat_loops(tokens, options.max_repeats, options.max_ngram)
    if len(keep) < len(tokens):
        if 2 * (len(tokens) - len(keep)) >= len(tokens):
            return None, "repetition", None
        reason = "repetition_collapsed"
        if utt.words:
            words = [utt.words[k] for k in keep]
            utt = utt._replace(
                words=words, text="".join(w.word for w in words), start=words[0].start, end=words[-1].end
            )
        else:
            utt = utt._replace(text=" ".join(tokens[k] for k in keep))
    share = None
    if speech is not None:
        start, end = utt.start, min(utt.end, duration)
        if end <= start:
            # a word Whisper gave no length sits where it placed it in the audio it heard: speech
            # with its padding, so a point in the padding is as much speech ("Okay." 0.3 s after
            # its VAD interval, right before the next one, was dropped)
            pad = options.vad.whisper_pad_s
            share = float(any(s - pad <= start <= e + pad for s, e in speech))
        else:
            share = round(covered(start, end, speech), 3)
        if share < options.min_vad_speech:
            return None, "no_vad_speech", share
    return utt, reason, share


def _segment(
    track: ChannelAudio, utt: Utterance, share: float | None, keep_words: bool, drop_reason: str | None = None
) -> dict:
    words = None
    if keep_words and utt.words:
        words = [
            {
                "word": w.word.strip(),
                "start": round(float(w.start), 3),
                "end": round(float(w.end), 3),
                "probability": float(w.probability),
            }
            for w in utt.words
        ]
    return {
        "index": 0,
        "channel": track.channel,
        "role": track.role,
        "start": round(float(utt.start), 3),
        "end": round(float(utt.end), 3),
        "text": utt.text.strip(),
        "avg_logprob": float(utt.avg_logprob),
        "no_speech_prob": float(utt.no_speech_prob),
        "words": words,
        "vad_speech": share,
        "kept": drop_reason is None,
        "drop_reason": drop_reason,
    }


# --- the stage ----------------------------------------------------------------------------------------


def detect_language(
    audio: Sequence[ChannelAudio], asr: Asr, speech: Sequence[Sequence[Interval]] | None = None
) -> tuple[str, float]:
    """Language of the call and its probability, on the channels mixed so both parties count.

    With VAD intervals the first 30 s of speech (of either party) are used, so a call that starts
    on hold is not judged on its music, and VAD does not run a second time.
    """
    mix = np.mean([track.samples for track in audio], axis=0, dtype=np.float32)
    model = asr.model_for(None)
    if speech is None:
        language, probability, _ = model.detect_language(audio=mix, vad_filter=True)
        return language, float(probability)
    spans = union(iv for ivs in speech for iv in ivs)
    parts, total = [], 0
    for s, e in spans:
        part = mix[int(s * SAMPLE_RATE) : int(e * SAMPLE_RATE)]
        parts.append(part[: int(WINDOW_S * SAMPLE_RATE) - total])
        total += len(parts[-1])
        if total >= WINDOW_S * SAMPLE_RATE:
            break
    clip = np.concatenate(parts) if total else mix
    language, probability, _ = model.detect_language(audio=clip, vad_filter=False)
    return language, float(probability)


class Decoded(NamedTuple):
    """One Whisper pass over a call, through the guards."""

    segments: list[dict]
    removed: list[dict]
    dropped: Counter[str]


def _decode(
    asr: Asr,
    audio: Sequence[ChannelAudio],
    speech: list[list[Interval]] | None,
    duration: float,
    language: str,
    options: WhisperOptions,
) -> Decoded:
    """Whisper in ``language`` on the call, its utterances through the guards (kept and removed)."""
    segments: list[dict] = []
    removed: list[dict] = []
    dropped: Counter[str] = Counter()
    model = asr.model_for(language)
    for utt in whisper_utterances(model, audio, speech, language, options):
        kept, reason, share = guard(utt, duration, speech[utt.track] if speech else None, options)
        if reason:
            dropped[reason] += 1
        if kept is not None:
            segments.append(_segment(audio[utt.track], kept, share, options.keep_words))
        elif reason != "empty":  # the original utterance (a loop uncollapsed): what Whisper heard
            removed.append(_segment(audio[utt.track], utt, share, options.keep_words, reason))
    return Decoded(segments, removed, dropped)


def mean_logprob(segments: Sequence[Mapping]) -> float | None:
    """Mean ``avg_logprob`` of ``segments`` weighted by their duration; None without segments.

    Weighted so a confident "Okay." does not offset a long turn decoded in the wrong language.
    """
    if not segments:
        return None
    weights = [max(0.0, s["end"] - s["start"]) for s in segments]
    if sum(weights) <= 0:
        weights = [1.0] * len(segments)
    return sum(w * s["avg_logprob"] for w, s in zip(weights, segments, strict=True)) / sum(weights)


def hint_doubt(segments: Sequence[Mapping], options: WhisperOptions, hint: str | None = None) -> str | None:
    """Why the text decoded in the hinted language (``hint``) is unlikely enough to check the hint,
    or None: its mean log-probability is low, the hint is not one of the deployment's languages, or
    much of the text came out in another of them (see :class:`WhisperOptions`). Never with the check
    off. Nothing kept is no evidence either way (silence, music), unless the hint is foreign.
    """
    if options.hint_check_logprob is None:
        return None
    expected = options.expected_languages
    if hint is not None and expected and hint not in expected:
        return f"not one of the expected languages {','.join(sorted(expected))}"
    score = mean_logprob(segments)
    if score is None:
        return None
    if score < options.hint_check_logprob:
        return f"its text is unlikely: mean avg_logprob below {options.hint_check_logprob:.2f}"
    if hint is not None and len(expected) > 1:
        share = other_text_share(segments, hint, expected)
        if share > options.hint_other_text_share:
            return f"{share:.0%} of its words written in another language"
    return None


def _score(value: float | None) -> str:
    return "none" if value is None else f"{value:.2f}"


def other_text_share(segments: Sequence[Mapping], hint: str, languages: frozenset[str]) -> float:
    """Share of the words of ``segments`` written in one of ``languages`` other than ``hint``."""
    mix = language_mix((s["text"] for s in segments), tuple(sorted(languages)))
    total = sum(mix.values())
    return (total - mix.get(hint, 0)) / total if total else 0.0


def other_language(hinted: str, detected: str, probability: float, options: WhisperOptions) -> str | None:
    """The language to transcribe a doubted call in again: the detected one when it is not the hint
    and detection is confident, else None (keep the hint)."""
    if detected != hinted and probability >= options.hint_switch_probability:
        return detected
    return None


def transcribe_call(
    call: Mapping,
    audio: Sequence[ChannelAudio],
    duration: float,
    asr: Asr,
    options: WhisperOptions | None = None,
    warnings: Sequence[str] = (),
) -> dict:
    """Transcript record (callstream.Transcript.avsc) for ``call`` from its decoded channels.

    Uses the event's language hint when it names a language Whisper knows ("en-US", "English" and
    "EN" all mean ``en``), otherwise detects with the multilingual model: a hint passed as-is made
    the tokenizer raise and the call a dead letter. A hint is checked only when the text decoded in
    it is unlikely (``hint_doubt``): then the language is detected and, when detection confidently
    names another one, the call is transcribed again in it and the likelier of the two kept, with
    ``language_probability`` set when the detected language won. Segments the guards drop are
    counted in ``dropped`` by reason and, but for ``empty`` ones (no text), kept as Whisper heard
    them in ``dropped_segments`` (``kept`` false, ``drop_reason`` the guard's), numbered after the
    dialogue: BI can audit them, no later stage reads them as dialogue.

    ``layout`` is what was decoded (``audio``'s channels), not what the event declared. ``warnings``
    (the decoder's doubts, :func:`processors.audio.load_call_audio`) get the transcript's own: an event
    whose times disagree with the recording's length (:func:`duration_doubt`), a channel map that
    looks swapped (:func:`swapped_channels_doubt`); each is logged at WARNING. ``warning_kinds`` holds
    each warning's kind code (:mod:`processors.doubts`), '' for a plain string.
    """
    options = options or WhisperOptions()
    timings: dict[str, float] = {}
    speech: list[list[Interval]] | None = None
    if options.vad_filter:
        started = time.perf_counter()
        # One thread per channel: the ONNX session runs each on one core and releases the GIL.
        with ThreadPoolExecutor(max_workers=len(audio)) as pool:
            speech = list(pool.map(lambda track: speech_intervals(track.samples, options.vad), audio))
        speech = drop_bleed(audio, speech)
        timings["vad"] = time.perf_counter() - started
    hint = call.get("language")
    language, probability = whisper_language(hint), None
    hinted = language is not None
    if hint and not language:
        # The event keeps the hint (Transcript.call.language); a probability shows it was detected.
        log.warning("call %s: language hint %r is not a Whisper language; detecting", call["call_id"], hint)
    if not language:
        started = time.perf_counter()
        language, probability = detect_language(audio, asr, speech)
        timings["detect"] = time.perf_counter() - started
    started = time.perf_counter()
    decoded = _decode(asr, audio, speech, duration, language, options)
    timings["asr"] = time.perf_counter() - started
    doubt = hint_doubt(decoded.segments, options, language) if hinted else None
    if doubt:
        # A wrong hint (a PBX tagging every call "ru") makes Whisper translate into it, and VAD
        # keeps that text: detection, paid only here, says whether another language fits better.
        started = time.perf_counter()
        detected, detected_probability = detect_language(audio, asr, speech)
        timings["detect"] = time.perf_counter() - started
        retry = other_language(language, detected, detected_probability, options)
        if retry:
            started = time.perf_counter()
            again = _decode(asr, audio, speech, duration, retry, options)
            timings["asr_retry"] = time.perf_counter() - started
            hinted_score, retry_score = mean_logprob(decoded.segments), mean_logprob(again.segments)
            # a foreign hint with nothing kept (silence in it) is no better than any transcript
            better = retry_score is not None and (hinted_score is None or retry_score > hinted_score)
            log.warning(
                "call %s: language hint %r doubtful (%s; mean avg_logprob %s in %s); detected %s "
                "(p=%.2f, mean avg_logprob %s); transcript in %s",
                call["call_id"],
                hint,
                doubt,
                _score(hinted_score),
                language,
                retry,
                detected_probability,
                _score(retry_score),
                retry if better else language,
            )
            if better:
                decoded, language, probability = again, retry, detected_probability
        else:
            log.info(
                "call %s: language hint %r doubtful (%s; mean avg_logprob %s in %s); detected %s "
                "(p=%.2f): hint kept",
                call["call_id"],
                hint,
                doubt,
                _score(mean_logprob(decoded.segments)),
                language,
                detected,
                detected_probability,
            )
    segments, removed, dropped = decoded
    segments.sort(key=lambda s: (s["start"], s["channel"]))
    removed.sort(key=lambda s: (s["start"], s["channel"]))
    # Dropped ones are numbered after the dialogue: the dialogue's indices stay its positions, and
    # every segment of the call has its own (call_segments' key).
    for index, seg in enumerate(segments + removed):
        seg["index"] = index
    layout = "stereo" if len(audio) > 1 else "mono"
    if speech is not None:
        # the timings on the audio's energy edges (Silero's onsets lag soft speech): metrics only
        timed = [
            (t.role, refine_edges(t.samples, s, options.vad)) for t, s in zip(audio, speech, strict=True)
        ]
        metrics = vad_metrics(timed, segments, duration, layout)
    else:
        metrics = acoustic_metrics(segments, duration, layout)
    swapped = swapped_channels_doubt(segments) if layout == "stereo" else None
    silence = silence_doubt(segments, audio, duration)
    own = [text for text in (silence, duration_doubt(call, duration), swapped) if text]
    for text in own:
        log.warning("call %s: %s", call["call_id"], text)
    doubts = [*warnings, *own]
    return {
        "call_id": call["call_id"],
        "call": dict(call),
        "language": language,
        "language_probability": probability,
        "duration": duration,
        "segments": segments,
        "metrics": metrics,
        "dropped": dict(dropped),
        "model": asr.model_name(language),
        "timings": timings,
        "dropped_segments": removed,
        "layout": layout,
        "warnings": doubts,
        "warning_kinds": kinds_of(doubts),
    }


#: Speech on one channel (seconds) above which the other channel's silence is a doubt: a call the
#: customer hung up on after a word is no recorder fault.
SILENT_CHANNEL_SPEECH_S = 5.0


def silence_doubt(
    segments: Sequence[Mapping], audio: Sequence[ChannelAudio], duration: float
) -> Doubt | None:
    """Why the transcript's speech does not look like a call's, or None: no speech anywhere (a silent
    file, hold music only, the wrong recording), or none on one channel of a stereo call while the
    other speaks (a PBX that recorded one leg, a muted line). Both score a call as if a party said
    nothing, so the reader is told."""
    spoken: dict[int, float] = {}
    for seg in segments:
        if has_words(seg["text"]):
            spoken[seg["channel"]] = spoken.get(seg["channel"], 0.0) + seg["end"] - seg["start"]
    if not spoken:
        return Doubt(
            f"no speech found in the {duration:.1f} s recording: a silent file, hold music only or the "
            "wrong recording? check the file recording_uri points at",
            NO_SPEECH_FOUND,
        )
    if len(audio) < 2 or len(spoken) > 1 or max(spoken.values()) < SILENT_CHANNEL_SPEECH_S:
        return None
    [talking] = spoken
    silent = next(t for t in audio if t.channel != talking)
    party = f" ({silent.role})" if silent.role != "unknown" else ""
    return Doubt(
        f"channel {silent.channel}{party} holds no speech while channel {talking} speaks "
        f"{spoken[talking]:.0f} s: was that party's leg recorded (a PBX recording one leg, a muted line)? "
        "its talk time reads 0 and its words are missing from the scores",
        SILENT_CHANNEL,
    )


def duration_doubt(call: Mapping, duration: float) -> Doubt | None:
    """Why the event's ``started_at`` to ``ended_at`` and the recording's ``duration`` do not fit
    together (:data:`DURATION_SLACK_S`), or None: the recording may be another call's or cut short, or
    the event's times wrong."""
    started, ended = call.get("started_at"), call.get("ended_at")
    if not (isinstance(started, datetime) and isinstance(ended, datetime)):
        return None
    span = (ended - started).total_seconds()
    if abs(span - duration) <= DURATION_SLACK_S or max(span, duration) <= 2 * min(span, duration):
        return None
    if span > duration:
        return Doubt(
            f"the event says the call lasted {span:.0f} s (started_at to ended_at) but the recording "
            f"holds {duration:.0f} s: the recording may be cut short or another call's; check "
            "recording_uri and the recorder, or the event's times (started_at is when the call was "
            "answered, not when it rang or queued)",
            DURATION_MISMATCH,
        )
    return Doubt(
        f"the recording holds {duration:.0f} s but the event says the call lasted {span:.0f} s "
        "(started_at to ended_at): the recording may be another call's; check recording_uri, or the "
        "event's times",
        DURATION_MISMATCH,
    )


def _opening(segments: Sequence[Mapping], role: str) -> dict[str, str]:
    """Group -> first marker of the agent opening (:data:`OPENING_GROUPS`) in ``role``'s first turn:
    its segments (time-ordered) up to the first segment of another role."""
    texts: list[str] = []
    for seg in segments:
        if seg["role"] == role:
            texts.append(seg["text"])
        elif texts:
            break
    text = "\n".join(texts)
    return {group: hits[0] for group in OPENING_GROUPS if (hits := find(POLITE[group], text))}


def swapped_channels_doubt(segments: Sequence[Mapping]) -> Doubt | None:
    """Why the channel map looks swapped, or None: the customer channel's first turn holds an agent
    opening (two of :data:`OPENING_GROUPS`) and the agent channel's holds no introduction or offer of
    help. Only a hint, never acted on: were it right, the customer's rules and alerts read the agent's
    words, so the user is told to check."""
    channel = {s["role"]: s["channel"] for s in segments}
    if "agent" not in channel or "customer" not in channel:
        return None
    heard = _opening(segments, "customer")
    if len(heard) < 2 or _opening(segments, "agent").keys() & set(AGENT_ONLY_GROUPS):
        return None
    said = ", ".join(f'"{m}"' for m in heard.values())
    fix = sorted([(channel["agent"], "customer"), (channel["customer"], "agent")])
    swapped = "{" + ", ".join(f'"{ch}": "{role}"' for ch, role in fix) + "}"
    return Doubt(
        f"channel {channel['customer']}, mapped to the customer, opens like an agent ({said}) and "
        f"channel {channel['agent']}, mapped to the agent, does not: audio.channels may be swapped, so "
        "the customer's rules and alerts read the agent's words; check the recorder's channel order "
        f"and send audio.channels {swapped} if so",
        CHANNELS_SWAPPED,
    )


def run(call: Mapping, settings: Settings, options: WhisperOptions | None = None) -> dict:
    """Recording URI to Transcript in one blocking call: what the transcribe agent runs in an executor."""
    started = time.perf_counter()
    layout = call.get("audio") or {}
    warnings: list[Doubt] = []
    with open_recording(call["recording_uri"], settings, call.get("tenant")) as path:
        audio, duration = load_call_audio(
            path,
            layout.get("layout", "stereo"),
            layout.get("channels") or {},
            settings.max_audio_seconds,
            download=is_remote(call["recording_uri"]),
            warnings=warnings,
        )
    decode = time.perf_counter() - started
    options = options or WhisperOptions.from_settings(settings)
    transcript = transcribe_call(call, audio, duration, get_asr(settings), options, warnings)
    transcript["timings"] = {"decode": decode, **transcript["timings"]}
    return transcript
