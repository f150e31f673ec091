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

import pytest

from ml.wer import wer
from ml.whisper import Asr, ModelNotFound, multilingual_model_dir
from processors.acoustics import union
from processors.audio import SAMPLES_DIR
from processors.transcribe import run
from schemas.codec import SingleObjectCodec
from streams.settings import Settings
from tests.unit.test_vad import TOLERANCE_S, reference_metrics, timeline

pytestmark = pytest.mark.integration

ENGLISH_STEREO = ["sample-en-sale", "sample-en-complaint"]


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
    # The 10 %. Last measured (Festival voices, 8 kHz): sale 0.030 (agent 0.022, customer 0.048),
    # complaint 0.000. A role says 21-46 words, so one missed word is up to 0.05 of it: roles are held
    # to 0.15 (three words of the shortest). The espeak-ng voices used before scored 0.145-0.179 per call.
    assert call_wer <= 0.10
    assert max(scores.values()) <= 0.15, scores


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


#: The Russian sample's WER with the multilingual base model. Last measured 0.33-0.38 (Festival's
#: Russian voice at 8 kHz; CTranslate2's int8 kernels differ by instruction set, and AVX-512, AVX2,
#: AVX and generic builds gave 0.375, 0.375, 0.354 and 0.333): base writes figures where the script
#: spells them ("20%" for "двадцать процентов") and mishears a few words ("Тарри" for "Тариф"). The
#: espeak-ng voice used before was heard as noise (0.98).
RU_WER = 0.5


def test_russian_with_base_model(transcribe: Callable[..., dict]) -> None:
    transcript = transcribe("sample-ru-sale")
    turns = timeline("sample-ru-sale")["turns"]
    assert transcript["language"] == "ru"
    assert "whisper-base" in transcript["model"]
    assert {(s["channel"], s["role"]) for s in transcript["segments"]} == {(0, "agent"), (1, "customer")}
    text = " ".join(s["text"] for s in transcript["segments"])
    letters = re.findall(r"[^\W\d_]", text)
    assert sum("\u0400" <= ch <= "\u04ff" for ch in letters) / len(letters) > 0.9
    call_wer = wer(" ".join(t["text"] for t in turns), text)
    print(f"sample-ru-sale: WER {call_wer:.3f}: {text}")
    assert call_wer <= RU_WER, text
    for role, other in (("agent", "customer"), ("customer", "agent")):
        # the other party's words are not on this role's channel
        assert wer(role_text(turns, other), role_text(transcript["segments"], role)) > 0.8, role


def test_mono_call_has_text_but_no_per_role_metrics(transcribe: Callable[..., dict]) -> None:
    transcript = transcribe("sample-en-mono")
    turns = timeline("sample-en-mono")["turns"]
    assert {s["role"] for s in transcript["segments"]} == {"unknown"}
    # the WER target, as for the 8 kHz calls above (0.067 when last measured: "Springfield"
    # is written "Spring Field")
    text = " ".join(s["text"] for s in transcript["segments"])
    assert wer(" ".join(t["text"] for t in turns), text) <= 0.10, text
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


# --- VAD: metrics, guards, formats ---------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("call_id", [*ENGLISH_STEREO, "sample-ru-sale"])
def test_vad_metrics_match_the_timeline(call_id: str, transcribe: Callable[..., dict]) -> None:
    transcript = transcribe(call_id)
    got, want = transcript["metrics"], reference_metrics(call_id)
    assert got["source"] == "vad"
    for key in ("agent_talk_s", "customer_talk_s", "silence_s", "longest_silence_s", "overtalk_s"):
        assert got[key] == pytest.approx(want[key], abs=TOLERANCE_S), key
    for key in ("overtalk_count", "agent_interruptions", "customer_interruptions"):
        assert got[key] == want[key], key
    assert got["agent_wpm"] > 60 and got["customer_wpm"] > 60
    assert "vad" in transcript["timings"]
    shares = [s["vad_speech"] for s in transcript["segments"]]
    assert all(0.1 <= share <= 1 for share in shares), shares


def test_mono_mp3_call(sample_calls: dict[str, dict], tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, recording_roots=[FIXTURES])
    call = {**sample_calls["sample-en-mono"], "recording_uri": f"file://{FIXTURES}/sample-en-mono.mp3"}
    transcript = run(call, settings)
    turns = timeline("sample-en-mono")["turns"]
    text = " ".join(s["text"] for s in transcript["segments"])
    assert wer(" ".join(t["text"] for t in turns), text) <= 0.10, text  # 0.067 when last measured
    assert {s["role"] for s in transcript["segments"]} == {"unknown"}
    metrics = transcript["metrics"]
    assert metrics["source"] == "vad"
    assert metrics["duration_s"] == pytest.approx(timeline("sample-en-mono")["duration"], abs=0.05)
    assert metrics["longest_silence_s"] == pytest.approx(
        reference_metrics("sample-en-mono")["longest_silence_s"], abs=0.3
    )
    assert metrics["agent_talk_s"] is None and metrics["customer_wpm"] is None


def test_silent_channel_gives_no_segments_and_zero_talk(
    sample_calls: dict[str, dict], tmp_path: Path
) -> None:
    """Customer channel replaced by line hiss: Whisper never sees it, nothing is invented there."""
    import av
    import numpy as np
    from faster_whisper import decode_audio

    agent = decode_audio(str(SAMPLES_DIR / "sample-en-sale.wav"), 16000, split_stereo=True)[0]
    hiss = np.random.default_rng(1).normal(0, 0.003, len(agent)).astype(np.float32)
    pcm = (np.stack([agent, hiss]) * 32767).astype(np.int16)
    path = tmp_path / "one-sided.wav"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_mulaw", rate=16000, layout="stereo")
        frame = av.AudioFrame.from_ndarray(pcm.T.reshape(1, -1).copy(), format="s16", layout="stereo")
        frame.sample_rate = 16000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    settings = Settings(data_dir=tmp_path, recording_roots=[tmp_path])
    transcript = run({**sample_calls["sample-en-sale"], "recording_uri": str(path)}, settings)
    assert {s["role"] for s in transcript["segments"]} == {"agent"}
    assert transcript["metrics"]["customer_talk_s"] == 0
    assert transcript["metrics"]["agent_talk_s"] == pytest.approx(
        reference_metrics("sample-en-sale")["agent_talk_s"], abs=0.3
    )


def test_without_vad_metrics_come_from_segments(sample_calls: dict[str, dict], tmp_path: Path) -> None:
    from ml.whisper import WhisperOptions

    transcript = run(
        sample_calls["sample-en-mono"], Settings(data_dir=tmp_path), WhisperOptions(vad_filter=False)
    )
    assert transcript["metrics"]["source"] == "segments"
    assert all(s["vad_speech"] is None for s in transcript["segments"])
    assert "vad" not in transcript["timings"]
    assert len(transcript["segments"]) > 0


def test_turns_packed_after_a_goodbye_are_heard(tmp_path: Path) -> None:
    """The bench's call (``callstream bench speech``), cut at 75 s: the customer's "Thank you.
    Goodbye." is packed into one window with the two turns after it, and Whisper ended that
    window at "Goodbye." (customer WER 0.31, both turns missing) until the stage decoded the
    pieces after the last heard one again."""
    from ml.whisper import WhisperOptions, get_asr
    from processors.audio import ChannelAudio
    from processors.transcribe import transcribe_call
    from streams.bench_speech import SR, make_call

    channels, script = make_call(75.0)
    audio = [ChannelAudio(0, "agent", channels[0]), ChannelAudio(1, "customer", channels[1])]
    transcript = transcribe_call(
        {"call_id": "packed", "language": "en"},
        audio,
        len(channels[0]) / SR,
        get_asr(Settings(data_dir=tmp_path)),
        WhisperOptions(),
    )
    segments = transcript["segments"]
    unheard = [
        t["text"]
        for t in script
        if not any(
            s["role"] == t["role"] and s["start"] < t["end"] and s["end"] > t["start"] for s in segments
        )
    ]
    assert unheard == []
    scores = {role: wer(role_text(script, role), role_text(segments, role)) for role in ("agent", "customer")}
    print(f"bench call, 75 s: WER {scores}")  # last measured: agent 0.035, customer 0.034
    assert max(scores.values()) <= 0.15, scores


@pytest.mark.gpu
def test_gpu_float16_transcribes_a_stereo_and_a_mono_call(
    sample_calls: dict[str, dict], tmp_path: Path
) -> None:
    """Opt-in (CALLSTREAM_TEST_GPU=1): the same stage on CUDA with float16, as accurate as on CPU.

    Both held to the issue's 10 % and the stereo call to the CPU int8 result of the same run too.
    Passed on an H100 (2026-11-23) with the earlier espeak-ng samples (0.179 on both devices, under
    the limits of that day), not yet with the Festival ones.
    """
    gpu = Settings(data_dir=tmp_path, whisper_device="cuda", whisper_compute_type="float16")
    cpu = Settings(data_dir=tmp_path, whisper_device="cpu", whisper_compute_type="int8")
    turns = timeline("sample-en-sale")["turns"]
    reference = " ".join(t["text"] for t in turns)
    transcript = run(sample_calls["sample-en-sale"], gpu)
    assert "float16" in transcript["model"]
    assert {s["role"] for s in transcript["segments"]} == {"agent", "customer"}
    gpu_wer = wer(reference, " ".join(s["text"] for s in transcript["segments"]))
    cpu_wer = wer(
        reference, " ".join(s["text"] for s in run(sample_calls["sample-en-sale"], cpu)["segments"])
    )
    print(f"sample-en-sale WER: cuda float16 {gpu_wer:.3f}, cpu int8 {cpu_wer:.3f}")
    assert gpu_wer <= 0.10 and gpu_wer <= cpu_wer + 0.05
    assert transcript["metrics"]["agent_talk_s"] == pytest.approx(
        reference_metrics("sample-en-sale")["agent_talk_s"], abs=0.3
    )
    mono = Settings(
        data_dir=tmp_path, recording_roots=[FIXTURES], whisper_device="cuda", whisper_compute_type="float16"
    )
    call = {**sample_calls["sample-en-mono"], "recording_uri": f"file://{FIXTURES}/sample-en-mono.mp3"}
    text = " ".join(s["text"] for s in run(call, mono)["segments"])
    assert wer(" ".join(t["text"] for t in timeline("sample-en-mono")["turns"]), text) <= 0.10, text
