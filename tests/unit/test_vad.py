"""Silero VAD on the sample calls: speech intervals and VAD metrics against the measured timelines.

The timelines record each turn's first and last sample above -46 dBFS, so they are the truth the
acoustic metrics (talk time, silence, overtalk, interruptions) must match within 0.3 s.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from ml.vad import VadConfig, covered, refine_edges, speech_intervals
from processors.acoustics import vad_metrics
from processors.audio import SAMPLES_DIR, load_call_audio

STEREO = ["sample-en-sale", "sample-en-complaint", "sample-ru-sale"]
TOLERANCE_S = 0.3


def timeline(call_id: str) -> dict:
    return json.loads((SAMPLES_DIR / f"{call_id}.timeline.json").read_text())


def reference_metrics(call_id: str) -> dict:
    """The metrics the timeline implies: the same formulas on the true turn intervals."""
    tl = timeline(call_id)
    by_role: dict[str, list] = {}
    for t in tl["turns"]:
        by_role.setdefault(t["role"], []).append((t["start"], t["end"]))
    return vad_metrics(list(by_role.items()), [], tl["duration"], tl["layout"])


def measured_metrics(call_id: str) -> dict:
    tl = timeline(call_id)
    roles = {"0": "agent", "1": "customer"}
    tracks, duration = load_call_audio(SAMPLES_DIR / f"{call_id}.wav", tl["layout"], roles, 3600)
    speech = [(t.role, refine_edges(t.samples, speech_intervals(t.samples))) for t in tracks]
    return vad_metrics(speech, [], duration, tl["layout"])


@pytest.mark.parametrize("call_id", STEREO)
def test_vad_metrics_match_the_timeline(call_id: str) -> None:
    got, want = measured_metrics(call_id), reference_metrics(call_id)
    print(call_id, {k: (got[k], want[k]) for k in want if isinstance(want[k], float)})
    assert got["source"] == "vad"
    for key in ("agent_talk_s", "customer_talk_s", "silence_s", "longest_silence_s", "overtalk_s"):
        assert got[key] == pytest.approx(want[key], abs=TOLERANCE_S), key
    for key in ("overtalk_count", "agent_interruptions", "customer_interruptions"):
        assert got[key] == want[key], key


def test_mono_vad_metrics_have_silence_but_no_roles() -> None:
    got, want = measured_metrics("sample-en-mono"), reference_metrics("sample-en-mono")
    # One track holds both parties: turn gaps shorter than VadConfig.min_silence_ms (two of 0.5 and
    # 0.6 s here) count as speech, so total silence is only checked loosely.
    assert got["silence_s"] == pytest.approx(want["silence_s"], abs=1.2)
    assert got["longest_silence_s"] == pytest.approx(want["longest_silence_s"], abs=TOLERANCE_S)
    assert got["agent_talk_s"] is None and got["overtalk_count"] is None and got["customer_wpm"] is None


#: Per turn boundary. Silero starts some turns late (Festival's "Okay, a trial sounds good." by 0.161 s,
#: the Russian unit-selection voice's by up to 0.158 s) and ends them ~40 ms late; with the edges
#: refined on the channel's energy (:func:`ml.vad.refine_edges`) every boundary of the three stereo
#: samples is within 10 ms but two of the English sale (0.051 s and that soft "Okay", 0.129 s).
BOUNDARY_S = 0.15


@pytest.mark.parametrize("call_id", STEREO)
def test_turn_boundaries_within_tolerance(call_id: str) -> None:
    tl = timeline(call_id)
    tracks, _ = load_call_audio(SAMPLES_DIR / f"{call_id}.wav", "stereo", {}, 3600)
    for track in tracks:
        found = refine_edges(track.samples, speech_intervals(track.samples))
        turns = [(t["start"], t["end"]) for t in tl["turns"] if t["channel"] == track.channel]
        assert len(found) == len(turns)
        for (s, e), (ts, te) in zip(found, turns, strict=True):
            assert abs(s - ts) < BOUNDARY_S and abs(e - te) < BOUNDARY_S


def test_silence_and_noise_have_no_speech() -> None:
    rng = np.random.default_rng(0)
    assert speech_intervals(np.zeros(16000 * 5, np.float32)) == []
    assert speech_intervals(rng.normal(0, 0.003, 16000 * 5).astype(np.float32)) == []
    assert speech_intervals(np.zeros(0, np.float32)) == []


def test_speech_ending_just_before_the_end_is_closed_there() -> None:
    tracks, duration = load_call_audio(SAMPLES_DIR / "sample-en-complaint.wav", "stereo", {}, 3600)
    last = speech_intervals(tracks[1].samples)[-1]
    assert last[1] < duration - 0.3  # not stretched to the end of the file


def test_options_are_passed_through() -> None:
    tracks, _ = load_call_audio(SAMPLES_DIR / "sample-en-complaint.wav", "stereo", {}, 3600)
    fine = speech_intervals(tracks[1].samples, VadConfig(min_silence_ms=300))
    coarse = speech_intervals(tracks[1].samples, VadConfig(min_silence_ms=1500))
    assert len(fine) > len(coarse)


def test_covered_share() -> None:
    speech = [(1.0, 2.0), (3.0, 4.0)]
    assert covered(0.0, 1.0, speech) == 0
    assert covered(1.5, 3.5, speech) == pytest.approx(0.5)
    assert covered(0.0, 5.0, speech) == pytest.approx(0.4)
    assert covered(1.2, 1.2, speech) == 1 and covered(2.5, 2.5, speech) == 0
    assert covered(5.0, 6.0, []) == 0


def _burst(duration: float, speech: list[tuple[float, float]], floor: float = 0.0) -> np.ndarray:
    """``duration`` seconds of noise at ``floor`` (RMS) with loud noise (0.1 RMS) over ``speech``."""
    rng = np.random.default_rng(1)
    out = rng.normal(0, floor, int(duration * 16000)).astype(np.float32)
    for s, e in speech:
        out[int(s * 16000) : int(e * 16000)] = rng.normal(0, 0.1, int(e * 16000) - int(s * 16000))
    return out


def test_edges_snap_to_where_the_energy_starts_and_stops() -> None:
    samples = _burst(4.0, [(1.0, 2.0)], floor=0.0005)
    # Silero's late onset and trailing offset
    ((start, end),) = refine_edges(samples, [(1.13, 2.04)])
    assert start == pytest.approx(1.0, abs=0.011) and end == pytest.approx(2.0, abs=0.011)
    # never more than edge_shift_s, never into the interval before
    assert refine_edges(samples, [(1.5, 2.0)])[0][0] == pytest.approx(1.25)
    assert refine_edges(samples, [(0.2, 1.05), (1.13, 2.0)])[1][0] == pytest.approx(1.05)
    assert refine_edges(samples, [(1.13, 2.04)], VadConfig(edge_shift_s=0)) == [(1.13, 2.04)]


def test_edges_stay_where_nothing_tells_noise_from_speech() -> None:
    # all speech: no silence to measure the floor in
    assert refine_edges(_burst(2.0, [(0.0, 2.0)]), [(0.1, 1.9)]) == [(0.1, 1.9)]
    # a loud floor (hold music level): speech no louder than it moves nothing
    samples = _burst(4.0, [(1.0, 2.0)], floor=0.1)
    assert refine_edges(samples, [(1.13, 2.04)]) == [(1.13, 2.04)]
