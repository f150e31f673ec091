"""A wrong language hint on a real sample call, real VAD and real CPU Whisper models.

An English call tagged "ru" (a PBX that tags every call so) was transcribed by the multilingual
model as Russian "translation" that the guards kept; the right hint must cost nothing extra.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable

import pytest

from ml.wer import wer
from ml.whisper import WhisperOptions
from processors.audio import SAMPLES_DIR
from processors.transcribe import run
from streams.settings import Settings
from tests.integration.test_transcribe import RU_WER, timeline

pytestmark = pytest.mark.integration

CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@pytest.fixture(scope="module")
def calls() -> dict[str, dict]:
    lines = (SAMPLES_DIR / "calls.jsonl").read_text().splitlines()
    return {c["call_id"]: c for c in map(json.loads, lines)}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("callstream"))


@pytest.fixture
def transcribe(
    calls: dict[str, dict], settings: Settings, caplog: pytest.LogCaptureFixture
) -> Callable[..., tuple[dict, list[logging.LogRecord]]]:
    """Transcript of a sample call with the given hint, and the stage's warnings."""

    def get(call_id: str, language: str | None, options: WhisperOptions | None = None) -> tuple:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="processors.transcribe"):
            transcript = run({**calls[call_id], "language": language}, settings, options)
        print(call_id, language, {k: round(v, 2) for k, v in transcript["timings"].items()})
        return transcript, [r for r in caplog.records if r.name == "processors.transcribe"]

    return get


def text_of(transcript: dict) -> str:
    return " ".join(s["text"] for s in transcript["segments"]).lower()


def test_wrong_russian_hint_on_english_call_is_corrected(transcribe: Callable[..., tuple]) -> None:
    transcript, records = transcribe("sample-en-sale", "ru")
    text = text_of(transcript)
    assert transcript["language"] == "en"
    assert transcript["language_probability"] >= 0.8  # detected, as the schema documents
    assert transcript["call"]["language"] == "ru"  # the event as received
    assert "whisper-base" not in transcript["model"]  # English goes to the English model
    assert not CYRILLIC.search(text), text
    for word in ("plan", "trial", "contract", "month"):
        assert word in text, (word, text)
    assert {"detect", "asr", "asr_retry"} <= set(transcript["timings"])
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "sample-en-sale" in warnings[0] and "'ru'" in warnings[0]
    assert warnings[0].endswith("transcript in en"), warnings[0]


def test_right_hint_is_not_checked(transcribe: Callable[..., tuple]) -> None:
    transcript, records = transcribe("sample-en-sale", "en")
    assert transcript["language"] == "en" and transcript["language_probability"] is None
    assert "detect" not in transcript["timings"] and "asr_retry" not in transcript["timings"]
    assert records == []


def test_right_russian_hint_is_not_checked(transcribe: Callable[..., tuple]) -> None:
    """Russian heard clearly enough scores above the check's bar: one pass of the base model."""
    transcript, records = transcribe("sample-ru-sale", "ru")
    assert transcript["language"] == "ru" and transcript["language_probability"] is None
    assert "detect" not in transcript["timings"] and "asr_retry" not in transcript["timings"]
    script = " ".join(t["text"] for t in timeline("sample-ru-sale")["turns"])
    assert wer(script, text_of(transcript)) <= RU_WER
    assert not [r for r in records if r.levelno >= logging.WARNING]


def test_doubted_right_hint_stands(transcribe: Callable[..., tuple]) -> None:
    """With every call doubted, detection confirms the right "ru" hint: nothing is transcribed twice."""
    options = WhisperOptions(hint_check_logprob=0.0)  # above any mean log-probability
    transcript, records = transcribe("sample-ru-sale", "ru", options)
    assert transcript["language"] == "ru"
    assert "detect" in transcript["timings"] and "asr_retry" not in transcript["timings"]
    assert len(CYRILLIC.findall(text_of(transcript))) > 100
    assert not [r for r in records if r.levelno >= logging.WARNING]


def test_check_can_be_switched_off(transcribe: Callable[..., tuple]) -> None:
    transcript, _ = transcribe("sample-en-complaint", "ru", WhisperOptions(hint_check_logprob=None))
    assert transcript["language"] == "ru"  # the hint trusted as before: Whisper's "translation"
    assert "detect" not in transcript["timings"]
    assert CYRILLIC.search(text_of(transcript))


def test_hint_outside_the_deployment_languages_is_checked(transcribe: Callable[..., tuple]) -> None:
    """Hinted "de", Whisper translated the English complaint into fluent German (mean avg_logprob
    -0.76, inside the logprob bar): German is not one of CALLSTREAM_LANGUAGES (en,ru), so it is doubted."""
    transcript, records = transcribe("sample-en-complaint", "de")
    assert transcript["language"] == "en" and transcript["language_probability"] >= 0.8
    assert "charged twice" in text_of(transcript)
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "not one of the expected languages en,ru" in warnings[0], warnings


def test_hint_whose_text_comes_out_in_another_language_is_checked(transcribe: Callable[..., tuple]) -> None:
    """German a deployment language too: over half the words Whisper wrote in "de" were English."""
    options = WhisperOptions(expected_languages=frozenset({"en", "ru", "de"}))
    transcript, records = transcribe("sample-en-complaint", "de", options)
    assert transcript["language"] == "en"
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "of its words written in another language" in warnings[0], warnings
