"""Acoustic metrics on hand-made segment lists whose answers can be worked out on paper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastavro import parse_schema
from fastavro.validation import validate

import schemas
from processors.acoustics import acoustic_metrics, gaps, intersection, union


def seg(role: str, start: float, end: float, text: str = "one two three") -> dict:
    return {"role": role, "start": start, "end": end, "text": text}


def test_interval_helpers() -> None:
    assert union([(5, 6), (0, 2), (1, 3), (3, 4), (7, 7)]) == [(0, 4), (5, 6)]
    assert intersection([(0, 4), (6, 10)], [(3, 7), (9, 12)]) == [(3, 4), (6, 7), (9, 10)]
    assert gaps([(1, 2), (4, 5)], 8) == [1, 2, 3]
    assert gaps([], 8) == [8]


def test_two_party_call_with_overtalk_and_interruption() -> None:
    # agent: 0-4, 6-10 ; customer: 3-5 (starts inside agent's 0-4), 12-14 ; call lasts 16 s
    segments = [
        seg("agent", 0, 2, "hello there"),
        seg("agent", 2, 4, "how are you"),  # touches the first: one turn of 4 s
        seg("customer", 3, 5, "fine thanks"),
        seg("agent", 6, 10, "let me explain the offer"),
        seg("customer", 12, 14, "no thank you"),
    ]
    m = acoustic_metrics(segments, duration=16, layout="stereo")
    assert m["duration_s"] == 16
    assert m["agent_talk_s"] == 8
    assert m["customer_talk_s"] == 4
    # speech union: 0-5, 6-10, 12-14 -> silences 1 + 2 + 2 (trailing)
    assert m["silence_s"] == 5
    assert m["longest_silence_s"] == 2
    assert (m["overtalk_count"], m["overtalk_s"]) == (1, 1)
    assert (m["agent_interruptions"], m["customer_interruptions"]) == (0, 1)
    assert m["agent_wpm"] == pytest.approx(10 / (8 / 60), abs=0.1)  # 10 words in 8 s = 75 wpm
    assert m["customer_wpm"] == pytest.approx(5 / (4 / 60), abs=0.1)
    assert m["source"] == "segments"


def test_agent_talking_over_a_customer_turn_counts_for_the_agent() -> None:
    segments = [seg("customer", 0, 6), seg("agent", 2, 3), seg("agent", 4, 8), seg("customer", 9, 10)]
    m = acoustic_metrics(segments, duration=10, layout="stereo")
    assert (m["agent_interruptions"], m["customer_interruptions"]) == (2, 0)
    assert (m["overtalk_count"], m["overtalk_s"]) == (2, 3)
    assert m["silence_s"] == 1


def test_simultaneous_start_is_not_an_interruption() -> None:
    m = acoustic_metrics([seg("agent", 1, 3), seg("customer", 1, 2)], duration=4, layout="stereo")
    assert (m["agent_interruptions"], m["customer_interruptions"]) == (0, 0)
    assert (m["overtalk_count"], m["overtalk_s"]) == (1, 1)


def test_leading_and_trailing_silence_count_as_longest() -> None:
    m = acoustic_metrics([seg("agent", 7, 8), seg("customer", 8.5, 9)], duration=10, layout="stereo")
    assert m["longest_silence_s"] == 7
    assert m["silence_s"] == 8.5


def test_segments_past_the_end_are_clipped() -> None:
    m = acoustic_metrics([seg("agent", 0, 12)], duration=10, layout="stereo")
    assert m["agent_talk_s"] == 10
    assert m["silence_s"] == 0


def test_silent_party_has_zero_talk_and_no_rate() -> None:
    m = acoustic_metrics([seg("agent", 0, 5)], duration=10, layout="stereo")
    assert (m["customer_talk_s"], m["customer_wpm"], m["customer_interruptions"]) == (0, None, 0)
    assert m["overtalk_count"] == 0


@pytest.mark.parametrize(
    ("layout", "role"),
    [("mono", "unknown"), ("stereo", "unknown"), ("mono", "agent")],
)
def test_without_channel_separation_per_role_values_are_none(layout: str, role: str) -> None:
    m = acoustic_metrics([seg(role, 1, 3), seg(role, 2.5, 6)], duration=8, layout=layout)
    assert m["duration_s"] == 8
    assert m["silence_s"] == 3
    assert m["longest_silence_s"] == 2
    for key in (
        "agent_talk_s",
        "customer_talk_s",
        "overtalk_count",
        "overtalk_s",
        "agent_interruptions",
        "customer_interruptions",
        "agent_wpm",
        "customer_wpm",
    ):
        assert m[key] is None, key


def test_no_segments_is_all_silence() -> None:
    m = acoustic_metrics([], duration=5, layout="mono")
    assert (m["silence_s"], m["longest_silence_s"]) == (5, 5)


@pytest.mark.parametrize("layout", ["stereo", "mono"])
def test_record_validates_against_the_avro_schema(layout: str) -> None:
    schema = json.loads((Path(schemas.__file__).parent / "callstream.AcousticMetrics.avsc").read_text())
    m = acoustic_metrics([seg("agent", 0, 1), seg("customer", 0.5, 2)], duration=3, layout=layout)
    assert set(m) == {field["name"] for field in schema["fields"]}
    assert validate(m, parse_schema(schema))


def test_backchannels_during_the_other_partys_turn_are_no_interruptions() -> None:
    """An evaluator's find: "mm-hmm" at 4 s, "uh-huh" at 6 s and "okay" at 8 s while the agent spoke
    counted as three customer interruptions, ranking attentive listeners as rude. A second-long
    "Wait, that's wrong" still counts."""
    backchannels = [seg("customer", 4, 4.5), seg("customer", 6, 6.4), seg("customer", 8, 8.6)]
    listening = [seg("agent", 0, 10), *backchannels]
    m = acoustic_metrics(listening, duration=12, layout="stereo")
    assert (m["agent_interruptions"], m["customer_interruptions"]) == (0, 0)
    assert m["overtalk_count"] == 3  # the overlap itself is still measured
    cutting_in = [seg("agent", 0, 10), seg("customer", 4, 5.5)]
    assert acoustic_metrics(cutting_in, duration=12, layout="stereo")["customer_interruptions"] == 1


def test_a_start_in_the_last_moment_of_the_others_turn_is_a_handover() -> None:
    """An evaluator's find: the agent starting at 7.5 s as the customer finished at 8 s counted as an
    interruption; the customer must go on talking over half a second after the start for it to be one
    (the stereo sample's 0.7 s still is: tests/integration/test_pipeline.py)."""
    handover = [seg("customer", 0, 8), seg("agent", 7.5, 12)]
    m = acoustic_metrics(handover, duration=25, layout="stereo")
    assert (m["agent_interruptions"], m["customer_interruptions"], m["overtalk_count"]) == (0, 0, 1)
    cut_off = [seg("customer", 0, 8), seg("agent", 6.5, 12)]
    assert acoustic_metrics(cut_off, duration=25, layout="stereo")["agent_interruptions"] == 1
