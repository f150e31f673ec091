"""Real ASR on the bundled sample calls: tiny.en for English, multilingual base for Russian.

The samples are synthetic calls whose ``<call_id>.timeline.json`` records who said what, when,
so accuracy (WER), role assignment and talk-time metrics are checked against ground truth.
Each model loads once per session; the whole module takes well under a minute on 2 CPU cores.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import jiwer
import pytest

from ml.whisper import Asr, ModelNotFound, multilingual_model_dir
from processors.acoustics import union
from processors.audio import SAMPLES_DIR
from processors.transcribe import run
from schemas.codec import SingleObjectCodec
from streams.settings import Settings

pytestmark = pytest.mark.integration

ENGLISH_STEREO = ["sample-en-sale", "sample-en-complaint"]
NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
)
NUMBERS = {word: str(n) for n, word in enumerate(NUMBER_WORDS.split())}
NORMALISE = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        jiwer.SubstituteRegexes({r"\$(\d+)": r"\1 dollars"}),
        jiwer.RemovePunctuation(),
        jiwer.SubstituteWords(NUMBERS),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)


def wer(reference: str, hypothesis: str) -> float:
    return jiwer.wer(reference, hypothesis, reference_transform=NORMALISE, hypothesis_transform=NORMALISE)


def timeline(call_id: str) -> dict:
    return json.loads((SAMPLES_DIR / f"{call_id}.timeline.json").read_text())


def reference_talk(call_id: str, role: str) -> float:
    turns = [(t["start"], t["end"]) for t in timeline(call_id)["turns"] if t["role"] == role]
    return sum(end - start for start, end in union(turns))


def role_text(segments_or_turns: list[dict], role: str) -> str:
    return " ".join(s["text"] for s in segments_or_turns if s["role"] == role)


@pytest.fixture(scope="session")
def codec() -> SingleObjectCodec:
    return SingleObjectCodec()


@pytest.fixture(scope="session")
def sample_calls(codec: SingleObjectCodec) -> dict[str, dict]:
    """calls.jsonl events as the transcribe agent receives them: Avro-decoded CallCompleted dicts."""
    path = SAMPLES_DIR / "calls.jsonl"
    if not path.exists():
        pytest.skip("connectors/samples has no calls.jsonl")
    calls = {}
    for line in path.read_text().splitlines():
        event = json.loads(line)
        for key in ("started_at", "ended_at"):
            event[key] = datetime.fromisoformat(event[key])
        event.setdefault("received_at", datetime.now(UTC))
        calls[event["call_id"]] = codec.decode("CallCompleted", codec.encode("CallCompleted", event))
    return calls


@pytest.fixture(scope="session")
def transcribe(
    sample_calls: dict[str, dict], tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., dict]:
    """Transcribe a sample call through ``run`` once per (call, language hint) for the session."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("callstream"))
    done: dict[tuple[str, str | None], dict] = {}

    def get(call_id: str, **overrides: object) -> dict:
        call = {**sample_calls[call_id], **overrides}
        key = (call_id, call["language"])
        if key not in done:
            done[key] = run(call, settings)
        return done[key]

    return get


@pytest.mark.parametrize("call_id", ENGLISH_STEREO)
def test_english_stereo_words_and_roles(call_id: str, transcribe: Callable[..., dict]) -> None:
    transcript = transcribe(call_id)
    turns = timeline(call_id)["turns"]
    assert transcript["language"] == "en"
    assert transcript["language_probability"] is None
    assert {(s["channel"], s["role"]) for s in transcript["segments"]} == {(0, "agent"), (1, "customer")}
    scores = {}
    for role, other in (("agent", "customer"), ("customer", "agent")):
        hypothesis = role_text(transcript["segments"], role)
        scores[role] = wer(role_text(turns, role), hypothesis)
        # the other party's words are not on this role's channel
        assert wer(role_text(turns, other), hypothesis) > 0.8, role
    call_wer = wer(" ".join(t["text"] for t in turns), " ".join(s["text"] for s in transcript["segments"]))
    print(f"{call_id}: WER agent {scores['agent']:.3f} customer {scores['customer']:.3f} call {call_wer:.3f}")
    assert call_wer <= 0.25
    assert max(scores.values()) <= 0.35, scores


@pytest.mark.parametrize("call_id", ENGLISH_STEREO)
def test_talk_time_matches_timeline(call_id: str, transcribe: Callable[..., dict]) -> None:
    metrics = transcribe(call_id)["metrics"]
    assert metrics["duration_s"] == pytest.approx(timeline(call_id)["duration"], abs=0.05)
    for role in ("agent", "customer"):
        assert metrics[f"{role}_talk_s"] == pytest.approx(reference_talk(call_id, role), abs=1.0), role
    assert metrics["silence_s"] > 0
    assert metrics["agent_wpm"] > 60 and metrics["customer_wpm"] > 60


@pytest.mark.parametrize("call_id", ENGLISH_STEREO)
def test_dialogue_is_time_ordered_and_encodes(
    call_id: str, transcribe: Callable[..., dict], codec: SingleObjectCodec
) -> None:
    transcript = transcribe(call_id)
    segments = transcript["segments"]
    assert [s["index"] for s in segments] == list(range(len(segments)))
    assert [(s["start"], s["channel"]) for s in segments] == sorted(
        (s["start"], s["channel"]) for s in segments
    )
    assert all(0 <= s["start"] <= s["end"] <= transcript["duration"] + 0.5 for s in segments)
    assert {"decode", "asr"} <= set(transcript["timings"])
    assert codec.decode("Transcript", codec.encode("Transcript", transcript))["call_id"] == call_id


def test_russian_with_base_model(transcribe: Callable[..., dict]) -> None:
    transcript = transcribe("sample-ru-sale")
    assert transcript["language"] == "ru"
    assert "whisper-base" in transcript["model"]
    letters = re.findall(r"[^\W\d_]", " ".join(s["text"] for s in transcript["segments"]))
    cyrillic = [ch for ch in letters if "\u0400" <= ch <= "\u04ff"]
    assert len(letters) > 50
    assert len(cyrillic) / len(letters) > 0.9
    assert {s["role"] for s in transcript["segments"]} == {"agent", "customer"}


def test_mono_call_has_text_but_no_per_role_metrics(transcribe: Callable[..., dict]) -> None:
    transcript = transcribe("sample-en-mono")
    turns = timeline("sample-en-mono")["turns"]
    assert {s["role"] for s in transcript["segments"]} == {"unknown"}
    assert wer(" ".join(t["text"] for t in turns), " ".join(s["text"] for s in transcript["segments"])) <= 0.3
    metrics = transcript["metrics"]
    assert metrics["duration_s"] == pytest.approx(timeline("sample-en-mono")["duration"], abs=0.05)
    assert metrics["silence_s"] is not None
    assert metrics["agent_talk_s"] is None and metrics["overtalk_count"] is None


def test_language_detected_when_no_hint(transcribe: Callable[..., dict]) -> None:
    transcript = transcribe("sample-en-sale", language=None)
    assert transcript["language"] == "en"
    assert transcript["language_probability"] > 0.5
    assert "detect" in transcript["timings"]
    assert "whisper-base" not in transcript["model"]  # detected English goes to the English model


def test_model_dir_without_tokenizer_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    asr = Asr(tmp_path, english_dir=tmp_path)
    with pytest.raises(ModelNotFound, match=r"missing config\.json, tokenizer\.json"):
        asr.model_for("en")


def test_multilingual_model_is_assembled_once_and_repaired(tmp_path: Path) -> None:
    model_dir = multilingual_model_dir(tmp_path)
    model_bin = model_dir / "model.bin"
    size, mtime = model_bin.stat().st_size, model_bin.stat().st_mtime_ns
    assert multilingual_model_dir(tmp_path) == model_dir
    assert model_bin.stat().st_mtime_ns == mtime  # reused, not rewritten
    with open(model_bin, "r+b") as f:
        f.truncate(1000)  # an interrupted copy from an older version
    assert multilingual_model_dir(tmp_path) == model_dir
    assert model_bin.stat().st_size == size
    assert [p.name for p in model_dir.parent.iterdir()] == ["whisper-base"]  # no temp dirs left
