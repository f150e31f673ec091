"""Contact-centre audio through the real speech stage (Silero VAD + tiny.en): line echo of the agent
on the customer's channel, and a customer's reply after a minute of hold music.

The calls are built from the sample calls' turns and synthetic tones, written as 8 kHz stereo WAVs
and read back through ``run`` as a recording would be.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from processors.transcribe import run
from streams.settings import Settings
from tests.unit.test_vad_redteam import cut, echo, hold_music, turns

pytestmark = pytest.mark.integration

SR = 16000


def write_call(path: Path, agent: np.ndarray, customer: np.ndarray) -> str:
    """16 kHz channels as an 8 kHz 16-bit stereo WAV (a PBX recording)."""
    n = max(len(agent), len(customer))
    both = np.stack([np.pad(x, (0, n - len(x))) for x in (agent, customer)], 1)[::2]
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes((np.clip(both, -1, 1) * 32767).astype(np.int16).tobytes())
    return str(path)


def transcribe(tmp_path: Path, agent: np.ndarray, customer: np.ndarray) -> dict:
    uri = write_call(tmp_path / "call.wav", agent, customer)
    call = {
        "call_id": "redteam",
        "recording_uri": uri,
        "language": "en",
        "audio": {"layout": "stereo", "channels": {"0": "agent", "1": "customer"}},
    }
    return run(call, Settings(data_dir=tmp_path, recording_roots=[tmp_path]))


def test_agent_echo_is_not_transcribed_as_the_customer(tmp_path: Path) -> None:
    channels, call = turns()
    agent, reply = cut(channels, call[2]), cut(channels, call[3])
    gap = np.zeros(SR, np.float32)
    transcript = transcribe(
        tmp_path,
        np.concatenate([agent, gap, np.zeros_like(reply)]),
        np.concatenate([echo(agent, -20, 0.08)[: len(agent)], gap, reply]),
    )
    customer = " ".join(s["text"] for s in transcript["segments"] if s["role"] == "customer").lower()
    assert "expensive" in customer
    assert "plan" not in customer and "dollars" not in customer, customer  # the agent's words
    metrics = transcript["metrics"]
    assert metrics["overtalk_s"] == 0 and metrics["customer_talk_s"] < 4.0


def test_reply_after_hold_music_is_transcribed(tmp_path: Path) -> None:
    channels, call = turns()
    reply = cut(channels, call[5])  # "Okay, a trial sounds good."
    silence = np.zeros(SR // 2, np.float32)
    transcript = transcribe(
        tmp_path, np.concatenate([hold_music(60), silence, reply]), np.zeros(SR, np.float32)
    )
    text = " ".join(s["text"] for s in transcript["segments"]).lower()
    assert "trial" in text, transcript["segments"]
    assert all(s["start"] >= 60 for s in transcript["segments"])  # nothing heard in the music
    assert transcript["metrics"]["agent_talk_s"] == pytest.approx(len(reply) / SR - 0.1, abs=0.4)
