"""The language-hint check's decisions (processors.transcribe), on made-up segments."""

from __future__ import annotations

import pytest

from ml.whisper import WhisperOptions
from processors.transcribe import hint_doubtful, mean_logprob, other_language


def seg(start: float, end: float, avg_logprob: float) -> dict:
    return {"start": start, "end": end, "avg_logprob": avg_logprob}


def test_mean_is_weighted_by_duration() -> None:
    # a short confident "Okay." does not offset 9 s decoded in the wrong language
    assert mean_logprob([seg(0, 9, -1.5), seg(9, 10, -0.1)]) == pytest.approx(-1.36)


def test_mean_without_segments_or_duration() -> None:
    assert mean_logprob([]) is None
    assert mean_logprob([seg(1, 1, -0.5), seg(2, 2, -1.5)]) == pytest.approx(-1.0)


def test_confident_hint_is_not_checked() -> None:
    # the English samples with their right "en" hint: -0.2 to -0.4
    assert not hint_doubtful([seg(0, 4, -0.38), seg(5, 8, -0.31)], WhisperOptions())


def test_unlikely_text_doubts_the_hint() -> None:
    # the English samples hinted "ru": -1.36 to -1.64
    assert hint_doubtful([seg(0, 4, -1.36), seg(5, 8, -1.64)], WhisperOptions())


def test_nothing_kept_or_check_off_is_no_doubt() -> None:
    assert not hint_doubtful([], WhisperOptions())
    assert not hint_doubtful([seg(0, 4, -2.0)], WhisperOptions(hint_check_logprob=None))
    assert hint_doubtful([seg(0, 4, -0.8)], WhisperOptions(hint_check_logprob=-0.5))


def test_switch_only_to_a_confident_other_language() -> None:
    options = WhisperOptions()
    assert other_language("ru", "en", 0.85, options) == "en"
    assert other_language("ru", "en", 0.8, options) == "en"
    assert other_language("en", "la", 0.18, options) is None  # weak detection: keep the hint
    assert other_language("ru", "ru", 0.99, options) is None  # detection agrees with the hint
    assert other_language("ru", "en", 0.85, WhisperOptions(hint_switch_probability=0.9)) is None


def test_the_hint_check_is_configured_from_settings(monkeypatch):
    from streams.settings import Settings

    options = WhisperOptions.from_settings(Settings())
    assert (options.hint_check_logprob, options.hint_switch_probability) == (-1.0, 0.8)
    monkeypatch.setenv("CALLSTREAM_WHISPER_HINT_CHECK_LOGPROB", "")  # empty: trust hints
    monkeypatch.setenv("CALLSTREAM_WHISPER_HINT_SWITCH_PROBABILITY", "0.9")
    options = WhisperOptions.from_settings(Settings())
    assert (options.hint_check_logprob, options.hint_switch_probability) == (None, 0.9)
