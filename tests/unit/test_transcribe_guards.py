"""Hallucination guards and the speech-window bookkeeping of the transcribe stage, on synthetic
inputs whose answers are known (no model needed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np
import pytest

import ml.whisper
import processors.transcribe
from ml.whisper import Asr, WhisperOptions
from processors.audio import ChannelAudio
from processors.transcribe import (
    SEAM,
    TimedWord,
    Utterance,
    Window,
    guard,
    repeat_loops,
    speech_windows,
    whisper_utterances,
)

SR = 16000
OPTIONS = WhisperOptions()


def utt(text: str, start: float = 1.0, end: float = 2.0, words: list[TimedWord] | None = None) -> Utterance:
    return Utterance(0, start, end, text, words or [], -0.3, 0.01)


def timed(text: str, start: float, step: float = 0.3) -> list[TimedWord]:
    return [
        TimedWord(start + i * step, start + i * step + 0.25, f" {w}", 0.9) for i, w in enumerate(text.split())
    ]


def test_segment_over_pure_silence_is_dropped() -> None:
    kept, reason, share = guard(utt("Thank you.", 5.0, 6.0), 10.0, [(0.0, 2.0), (8.0, 9.0)], OPTIONS)
    assert (kept, reason, share) == (None, "no_vad_speech", 0.0)


def test_segment_over_speech_is_kept_with_its_share() -> None:
    kept, reason, share = guard(utt("hello there", 1.0, 3.0), 10.0, [(0.0, 2.0)], OPTIONS)
    assert kept is not None and reason is None and share == 0.5


def test_without_vad_there_is_no_share_and_no_vad_guard() -> None:
    kept, reason, share = guard(utt("hello", 5.0, 6.0), 10.0, None, OPTIONS)
    assert kept is not None and (reason, share) == (None, None)


def test_empty_and_past_end() -> None:
    assert guard(utt(" ... - "), 10.0, [(0.0, 10.0)], OPTIONS)[1] == "empty"
    assert guard(utt("hello", 9.0, 11.0), 10.0, [(0.0, 10.0)], OPTIONS)[1] == "past_end"
    assert guard(utt("hello", 9.0, 10.4), 10.0, [(0.0, 10.0)], OPTIONS)[1] is None  # within tolerance


def test_looped_text_is_dropped() -> None:
    text = "я, я, я, я, я, я, я, я"
    assert guard(utt(text), 10.0, [(0.0, 10.0)], OPTIONS)[:2] == (None, "repetition")
    words = timed("я, я, я, я, я, я", 1.0)
    assert guard(utt("".join(w.word for w in words), words=words), 10.0, [(0.0, 10.0)], OPTIONS)[1] == (
        "repetition"
    )


def test_loop_inside_real_speech_is_collapsed() -> None:
    words = timed("I said thank you thank you thank you thank you to the manager yesterday", 1.0)
    kept, reason, _ = guard(
        utt("".join(w.word for w in words), 1.0, 6.0, words), 10.0, [(0.0, 10.0)], OPTIONS
    )
    assert reason == "repetition_collapsed"
    assert kept.text == " I said thank you to the manager yesterday"
    assert [w.word.strip() for w in kept.words] == kept.text.split()
    assert kept.end == words[-1].end


def test_ordinary_repetition_is_speech() -> None:
    kept, reason, _ = guard(utt("no, no, no, that is not what I said"), 10.0, [(0.0, 10.0)], OPTIONS)
    assert kept is not None and reason is None


@pytest.mark.parametrize(
    ("tokens", "keep"),
    [
        (["a", "b", "c"], [0, 1, 2]),
        (["x", "x", "x", "x"], [0]),
        (["a", "b", "a", "b", "a", "b", "a", "b", "c"], [0, 1, 8]),
        (["q", "Я,", "я", "я.", "я", "z"], [0, 1, 5]),
        (["a", "a", "a"], [0, 1, 2]),
    ],
)
def test_repeat_loops(tokens: list[str], keep: list[int]) -> None:
    assert repeat_loops(tokens, max_repeats=4, max_ngram=4) == keep


def test_speech_windows_pad_merge_split_and_pack() -> None:
    n = 100 * SR
    speech = [(1.0, 2.0), (2.5, 3.0), (10.0, 50.0), (60.0, 61.0)]
    windows = speech_windows(speech, n, pad_s=0.4, pack=True)
    pieces = [p for w in windows for p in w]
    # 1-2 and 2.5-3 merge once padded; 10-50 is cut into 30 s pieces; everything inside [0, n]
    assert pieces[0] == (int(0.6 * SR), int(3.4 * SR))
    assert pieces[1] == (int(9.6 * SR), int(39.6 * SR))
    for window in windows:
        assert sum(e - s for s, e in window) + SEAM * (len(window) - 1) <= 30 * SR
    assert speech_windows(speech, n, pad_s=0.4, pack=False) == [[p] for p in pieces]
    assert speech_windows([], n, 0.4, True) == []


def test_window_maps_virtual_time_back_to_the_recording() -> None:
    window = Window(track=1, pieces=[(2 * SR, 4 * SR), (10 * SR, 11 * SR)], offset=50)
    assert window.samples == 3 * SR + SEAM
    seam = SEAM / SR
    assert window.to_original(50.5) == (2.5, 0)
    assert window.to_original(52.0, is_end=True) == (4.0, 0)  # end on the seam: end of piece 0
    assert window.to_original(52.0) == (10.0, 1)  # start on the seam: start of piece 1
    assert window.to_original(52.0 + seam / 2, is_end=True) == (4.0, 0)
    assert window.to_original(52.0 + seam / 2) == (10.0, 1)
    assert window.to_original(52.0 + seam + 0.5) == (10.5, 1)
    assert window.to_original(99.0, is_end=True) == (11.0, 1)


@pytest.mark.parametrize(("cpus", "threads"), [(1, 1), (2, 1), (3, 1), (8, 4)])
def test_cores_are_shared_between_workers(
    cpus: int, threads: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ml.whisper, "available_cpus", lambda: cpus)
    assert Asr(tmp_path, num_workers=2).threads_per_worker() == threads
    assert Asr(tmp_path, cpu_threads=3, num_workers=2).threads_per_worker() == 3  # explicit wins


class FakePipeline:
    """Stands in for BatchedInferencePipeline: one word-less segment per window, calls recorded."""

    calls: ClassVar[list[int]] = []

    def __init__(self, model: Any) -> None:
        pass

    def transcribe(self, audio: np.ndarray, clip_timestamps: list[dict], **kwargs: Any) -> tuple:
        FakePipeline.calls.append(len(clip_timestamps))
        segments = [
            SimpleNamespace(
                start=c["start"], end=c["end"], text=" hi", words=None, avg_logprob=-0.1, no_speech_prob=0.0
            )
            for c in clip_timestamps
        ]
        return iter(segments), None


def test_windows_are_shared_between_model_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processors.transcribe, "BatchedInferencePipeline", FakePipeline)
    FakePipeline.calls = []
    audio = [
        ChannelAudio(i, role, np.zeros(60 * SR, np.float32)) for i, role in enumerate(("agent", "customer"))
    ]
    speech = [[(1.0, 2.0), (10.0, 11.0), (20.0, 21.0)], [(5.0, 6.0)]]
    model = SimpleNamespace(model=SimpleNamespace(num_workers=2))
    options = WhisperOptions(word_timestamps=False)  # one window per speech piece: four windows
    utterances = whisper_utterances(model, audio, speech, "en", options)
    assert FakePipeline.calls == [2, 2]  # two shares of two windows, not one batch of four
    got = sorted((u.track, round(u.start, 2), round(u.end, 2)) for u in utterances)
    assert got == [(0, 0.6, 2.4), (0, 9.6, 11.4), (0, 19.6, 21.4), (1, 4.6, 6.4)]
