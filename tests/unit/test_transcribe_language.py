"""The language-hint check's decisions (processors.transcribe), on made-up segments."""

from __future__ import annotations

import pytest

from ml.whisper import WhisperOptions
from processors.transcribe import hint_doubt, mean_logprob, other_language, other_text_share


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
    assert not hint_doubt([seg(0, 4, -0.38), seg(5, 8, -0.31)], WhisperOptions())


def test_unlikely_text_doubts_the_hint() -> None:
    # the English samples hinted "ru": -1.36 to -1.64
    doubt = hint_doubt([seg(0, 4, -1.36), seg(5, 8, -1.64)], WhisperOptions())
    assert doubt == "its text is unlikely: mean avg_logprob below -1.00"  # the log adds the score


def test_nothing_kept_or_check_off_is_no_doubt() -> None:
    assert not hint_doubt([], WhisperOptions())
    assert not hint_doubt([seg(0, 4, -2.0)], WhisperOptions(hint_check_logprob=None))
    assert hint_doubt([seg(0, 4, -0.8)], WhisperOptions(hint_check_logprob=-0.5))


def test_switch_only_to_a_confident_other_language() -> None:
    options = WhisperOptions()
    assert other_language("ru", "en", 0.85, options) == "en"
    assert other_language("ru", "en", 0.8, options) == "en"
    assert other_language("en", "la", 0.18, options) is None  # weak detection: keep the hint
    assert other_language("ru", "ru", 0.99, options) is None  # detection agrees with the hint
    assert other_language("ru", "en", 0.85, WhisperOptions(hint_switch_probability=0.9)) is None


EN_RU = WhisperOptions(expected_languages=frozenset({"en", "ru"}))


def text_seg(text: str, avg_logprob: float = -0.3) -> dict:
    return {"start": 0.0, "end": 2.0, "avg_logprob": avg_logprob, "text": text}


def test_hint_outside_the_expected_languages_is_doubted() -> None:
    # the English complaint hinted "de": fluent German, -0.76
    german = [text_seg("Ich bin zufrieden, weil ich meine Subscription kündige.", -0.76)]
    assert hint_doubt(german, EN_RU, "de") == "not one of the expected languages en,ru"
    assert hint_doubt([], EN_RU, "de")  # even with nothing kept: the hint alone is suspect
    assert hint_doubt(german, EN_RU, "ru")  # Latin words under a Russian hint: another language
    assert hint_doubt(german, WhisperOptions(), "de") is None  # no expected languages: no such check
    off = WhisperOptions(hint_check_logprob=None, expected_languages=frozenset({"en"}))
    assert hint_doubt(german, off, "de") is None  # the check off: hints trusted


def test_text_written_in_another_expected_language_doubts_the_hint() -> None:
    options = WhisperOptions(expected_languages=frozenset({"en", "de"}))
    mixed = [
        text_seg("Brightline support, this is Emily, how can I help you today?"),
        text_seg("Ich bin zufrieden."),
    ]
    assert other_text_share(mixed, "de", options.expected_languages) > 0.5
    assert hint_doubt(mixed, options, "de") == "79% of its words written in another language"
    german = [text_seg("Guten Morgen, das ist Daniel von Brightline Telekom, wie kann ich helfen?")]
    assert other_text_share(german, "de", options.expected_languages) == 0.0
    assert hint_doubt(german, options, "de") is None
    # Russian with a few Latin product names stays under the share
    russian = [text_seg("Я отправлю вам договор на почту сегодня, проверьте папку спам в Outlook.")]
    assert hint_doubt(russian, EN_RU, "ru") is None
    assert hint_doubt(russian, options.__class__(expected_languages=frozenset({"ru"})), "ru") is None


def test_the_hint_check_is_configured_from_settings(monkeypatch):
    from streams.settings import Settings

    options = WhisperOptions.from_settings(Settings())
    assert (options.hint_check_logprob, options.hint_switch_probability) == (-1.0, 0.8)
    assert options.expected_languages == {"en", "ru"}
    monkeypatch.setenv("CALLSTREAM_LANGUAGES", "ru,kk")
    assert WhisperOptions.from_settings(Settings()).expected_languages == {"ru", "kk"}
    monkeypatch.setenv("CALLSTREAM_WHISPER_HINT_CHECK_LOGPROB", "")  # empty: trust hints
    monkeypatch.setenv("CALLSTREAM_WHISPER_HINT_SWITCH_PROBABILITY", "0.9")
    options = WhisperOptions.from_settings(Settings())
    assert (options.hint_check_logprob, options.hint_switch_probability) == (None, 0.9)
