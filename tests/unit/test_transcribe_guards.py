"""Hallucination guards and the speech-window bookkeeping of the transcribe stage, on synthetic
inputs whose answers are known (no model needed)."""

from __future__ import annotations

from contextlib import nullcontext
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
    run,
    speech_windows,
    transcribe_call,
    whisper_utterances,
)
from streams.settings import Settings

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


@pytest.mark.parametrize(("at", "kept"), [(31.39, True), (30.1, True), (31.55, False), (35.0, False)])
def test_a_zero_length_word_counts_as_speech_within_the_padding_whisper_heard(at: float, kept: bool) -> None:
    """The bundled complaint's "Okay." came back at 31.388-31.388, 0.3 s after its VAD interval
    (30.46-31.09): within the 0.4 s of padding Whisper got, so it is speech, not a hallucination."""
    speech = [(30.46, 31.09), (32.0, 33.44)]
    got, reason, share = guard(utt("Okay.", at, at), 40.0, speech, OPTIONS)
    assert (got is not None, reason) == (kept, None if kept else "no_vad_speech")
    assert share == (1.0 if kept else 0.0)


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


class FirstWordPipeline:
    """Stands in for BatchedInferencePipeline: hears one word at the start of each window and then
    stops, as Whisper did after "Thank you. Goodbye." (calls recorded as window counts)."""

    calls: ClassVar[list[int]] = []

    def __init__(self, model: Any) -> None:
        pass

    def transcribe(self, audio: np.ndarray, clip_timestamps: list[dict], **kwargs: Any) -> tuple:
        FirstWordPipeline.calls.append(len(clip_timestamps))
        return iter(
            segment(c["start"], c["start"] + 0.5, " hi", [(c["start"], c["start"] + 0.5, " hi")])
            for c in clip_timestamps
        ), None


@pytest.mark.parametrize(("redecodes", "heard"), [(0, [0.6]), (1, [0.6, 9.6]), (3, [0.6, 9.6, 19.6])])
def test_pieces_after_the_last_heard_one_are_decoded_again(
    redecodes: int, heard: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processors.transcribe, "BatchedInferencePipeline", FirstWordPipeline)
    monkeypatch.setattr(processors.transcribe, "MAX_REDECODES", redecodes)
    FirstWordPipeline.calls = []
    audio = [ChannelAudio(0, "agent", np.zeros(30 * SR, np.float32))]
    speech = [[(1.0, 2.0), (10.0, 11.0), (20.0, 21.0)]]  # one packed window of three pieces
    model = SimpleNamespace(model=SimpleNamespace(num_workers=2))
    utterances = whisper_utterances(model, audio, speech, "en", OPTIONS)
    assert [round(u.start, 2) for u in utterances] == heard
    assert FirstWordPipeline.calls == [1] * len(heard)  # the last piece heard: no further pass


def test_word_straddling_a_seam_belongs_to_the_piece_holding_more_of_it() -> None:
    """Virtual 0-2 s is recording 2-4 s, 2-3 s the seam, 3-4 s recording 10-11 s. Whisper gives
    the pause to a word: "The" from the end of "Telecom" into the next turn is that turn's first
    word (it was glued to the turn before, 6 s early); "us." ending just past the seam is not."""
    window = Window(track=0, pieces=[(2 * SR, 4 * SR), (10 * SR, 11 * SR)], offset=0)
    words = [(0.4, 1.8, " Telecom"), (1.8, 3.5, " The"), (3.5, 3.8, " plan")]
    first, second = processors.transcribe._utterances(segment(0.4, 3.8, "", words), window, 1.0)
    assert (first.text, first.piece, first.end) == (" Telecom", 0, 3.8)
    assert (second.text, second.piece, second.start) == (" The plan", 1, 10.0)
    assert second.words[0].end == pytest.approx(10.5)
    (late,) = processors.transcribe._utterances(
        segment(1.0, 3.2, "", [(1.0, 1.4, " for"), (1.4, 3.2, " us.")]), window, 1.0
    )
    assert (late.text, late.piece, late.end) == (" for us.", 0, 4.0)


class ScriptedPipeline:
    """Stands in for BatchedInferencePipeline: returns ``segments`` (virtual times) whatever the audio."""

    segments: ClassVar[list[SimpleNamespace]] = []

    def __init__(self, model: Any) -> None:
        pass

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple:
        return iter(ScriptedPipeline.segments), None


def segment(start: float, end: float, text: str, words: list[tuple[float, float, str]] | None = None) -> Any:
    timed_words = [SimpleNamespace(start=s, end=e, word=w, probability=0.9) for s, e, w in words or []]
    return SimpleNamespace(
        start=start, end=end, text=text, words=timed_words or None, avg_logprob=-0.2, no_speech_prob=0.0
    )


class FakeAsr:
    """What transcribe_call needs of ``ml.whisper.Asr``, without a model."""

    def model_for(self, language: str | None) -> Any:
        return SimpleNamespace(model=SimpleNamespace(num_workers=1))

    def model_name(self, language: str | None) -> str:
        return "fake"


TEN_SECONDS = [ChannelAudio(0, "unknown", np.zeros(10 * SR, np.float32))]


@pytest.mark.parametrize("word_timestamps", [False, True])
def test_segment_timed_past_the_audio_is_dropped_without_vad(
    word_timestamps: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """12-14 s on 10 s of audio: mapping clamps it to 10.0-10.0, so only its raw time shows it."""
    monkeypatch.setattr(processors.transcribe, "BatchedInferencePipeline", ScriptedPipeline)
    if word_timestamps:
        real = segment(1.0, 2.0, " hello there", [(1.0, 1.4, " hello"), (1.5, 2.0, " there")])
        loop = segment(12.0, 14.0, " thank you", [(12.0, 12.6, " thank"), (12.7, 14.0, " you")])
    else:
        real, loop = segment(1.0, 2.0, " hello there"), segment(12.0, 14.0, " thank you")
    ScriptedPipeline.segments = [real, loop, segment(9.0, 10.4, " bye")]  # within tolerance: kept
    options = WhisperOptions(vad_filter=False, word_timestamps=word_timestamps)
    utterances = whisper_utterances(FakeAsr().model_for("en"), TEN_SECONDS, None, "en", options)
    assert [(u.end, u.past_end) for u in utterances] == [(2.0, False), (10.0, True), (10.0, False)]
    transcript = transcribe_call({"call_id": "c1", "language": "en"}, TEN_SECONDS, 10.0, FakeAsr(), options)
    assert transcript["dropped"] == {"past_end": 1}
    assert [s["text"] for s in transcript["segments"]] == ["hello there", "bye"]


def test_past_end_of_a_window_inside_the_recording() -> None:
    """With VAD a window (here 2-4 s of a longer recording) ends before the recording does: a time
    past the window's 2 s of audio is past_end though it maps to 4.0, inside the recording."""
    window = Window(track=0, pieces=[(2 * SR, 4 * SR)], offset=0)
    (late,) = processors.transcribe._utterances(segment(1.0, 3.0, " uh"), window, 1.0)
    assert late.past_end and late.end == 4.0
    assert not processors.transcribe._utterances(segment(0.0, 2.4, " hi"), window, 1.0)[0].past_end


@pytest.mark.parametrize("keep", [False, True])
def test_keep_words_setting_reaches_the_segments(
    keep: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CALLSTREAM_WHISPER_KEEP_WORDS flows through ``run`` (what the agent calls) into the options."""
    monkeypatch.setattr(processors.transcribe, "BatchedInferencePipeline", ScriptedPipeline)
    monkeypatch.setattr(
        processors.transcribe, "open_recording", lambda uri, settings, tenant=None: nullcontext(uri)
    )
    monkeypatch.setattr(processors.transcribe, "load_call_audio", lambda *args, **kw: (TEN_SECONDS, 10.0))
    monkeypatch.setattr(processors.transcribe, "get_asr", lambda settings: FakeAsr())
    monkeypatch.setattr(processors.transcribe, "speech_intervals", lambda samples, config: [(0.5, 2.5)])
    ScriptedPipeline.segments = [segment(0.1, 1.0, " hello", [(0.1, 1.0, " hello")])]
    settings = Settings(data_dir=tmp_path, whisper_keep_words=keep)
    assert WhisperOptions.from_settings(settings).keep_words is keep
    transcript = run({"call_id": "c1", "language": "en", "recording_uri": "x.wav"}, settings)
    words = transcript["segments"][0]["words"]
    assert ([w["word"] for w in words] if words else None) == (["hello"] if keep else None)


def test_guard_dropped_utterances_travel_as_dropped_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything the guards drop but ``empty`` is kept for call_segments, as Whisper heard it, with
    the guard's reason and an index after the dialogue's; the dialogue and the counts are as before."""
    heard = [
        utt("Hello there.", 1.0, 2.0),
        utt(" bye bye bye bye bye", 2.0, 2.8),  # a loop: repetition
        utt(" Thank you.", 5.0, 6.0),  # over silence: no_vad_speech
        utt(" ...", 6.0, 6.5),  # empty: nothing to store
        Utterance(0, 9.0, 10.0, " Subscribe!", [], -0.9, 0.5, past_end=True),
        utt(" Uh.", 0.5, 0.9),
    ]
    monkeypatch.setattr(processors.transcribe, "whisper_utterances", lambda *args: list(heard))
    monkeypatch.setattr(processors.transcribe, "speech_intervals", lambda samples, config: [(0.0, 3.0)])
    transcript = transcribe_call({"call_id": "c1", "language": "en"}, TEN_SECONDS, 10.0, FakeAsr(), OPTIONS)

    assert transcript["dropped"] == {"repetition": 1, "no_vad_speech": 1, "empty": 1, "past_end": 1}
    assert [(s["index"], s["text"], s["kept"]) for s in transcript["segments"]] == [
        (0, "Uh.", True),
        (1, "Hello there.", True),
    ]
    dropped = transcript["dropped_segments"]
    assert [(s["index"], s["text"], s["kept"], s["drop_reason"]) for s in dropped] == [
        (2, "bye bye bye bye bye", False, "repetition"),
        (3, "Thank you.", False, "no_vad_speech"),
        (4, "Subscribe!", False, "past_end"),
    ]
    assert dropped[1]["vad_speech"] == 0.0 and dropped[1]["start"] == 5.0
