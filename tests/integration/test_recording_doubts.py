"""An event that disagrees with its recording reaches ClickHouse with the doubt in ``calls.warnings``
and its kind in ``calls.warning_kinds``: real Whisper on the bundled samples
(``processors.transcribe.run``), then filter → compress → rules scorer → sink → chDB, every hop
through Avro as the topics carry it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ml.tokenizer import TokenCounter
from processors.audio import SAMPLES_DIR
from processors.compression import compress
from processors.filtering import filter_transcript
from processors.rows import score_rows
from processors.scoring import Scorer
from processors.transcribe import run
from schemas.codec import SingleObjectCodec
from streams.settings import Settings
from streams.sink import ClickHouseSink

pytestmark = pytest.mark.integration

CODEC = SingleObjectCodec()


def sample_event(sample: str, **overrides: object) -> dict:
    """The calls.jsonl event of ``sample`` with ``overrides``, as the transcribe agent receives it."""
    line = next(
        json.loads(line)
        for line in (SAMPLES_DIR / "calls.jsonl").read_text().splitlines()
        if json.loads(line)["call_id"] == sample
    )
    for key in ("started_at", "ended_at"):
        line[key] = datetime.fromisoformat(line[key])
    event = {**line, "received_at": datetime.now(UTC), **overrides}
    return CODEC.decode("CallCompleted", CODEC.encode("CallCompleted", event))


def to_clickhouse(client, transcript: dict) -> None:
    """``transcript`` through the text stages and the sink, as the pipeline runs them."""
    transcript = CODEC.decode("Transcript", CODEC.encode("Transcript", transcript))
    counter = TokenCounter()
    compressed = compress(filter_transcript(transcript), counter, counter.name)
    score = CODEC.decode("CallScore", CODEC.encode("CallScore", Scorer(scorer="rules").score(compressed)))
    sink = ClickHouseSink(client)
    sink.add_rows(score_rows(score, 1), topic="calls.scored", partition=0, offset=0)
    sink.flush()


def calls_row(client, call_id: str) -> dict:
    result = client.query(
        "SELECT layout, warnings, warning_kinds, agent_talk_s FROM calls FINAL WHERE call_id = {id:String}",
        parameters={"id": call_id},
    )
    [row] = result.result_rows
    return dict(zip(result.column_names, row, strict=True))


def test_mono_recording_declared_stereo_lasting_20_minutes(isolated_chdb, tmp_path: Path) -> None:
    """The mono sample (14 s) sent as a stereo call of 1200 s: calls.layout says mono (what was
    decoded), calls.warnings says both doubts with their fixes, talk times stay NULL."""
    started = datetime(2026, 11, 20, 11, 30, tzinfo=UTC)
    event = sample_event(
        "sample-en-mono",
        call_id="doubt-mono",
        ended_at=started + timedelta(seconds=1200),
        audio={"layout": "stereo", "channels": {"0": "agent", "1": "customer"}},
    )
    transcript = run(event, Settings(data_dir=tmp_path))
    assert transcript["layout"] == "mono"
    assert {s["role"] for s in transcript["segments"]} == {"unknown"}

    to_clickhouse(isolated_chdb, transcript)

    row = calls_row(isolated_chdb, "doubt-mono")
    assert row["layout"] == "mono" and row["agent_talk_s"] is None
    assert row["warnings"] == [
        "recording is mono but the event declares stereo: the parties are mixed, so roles and "
        "per-speaker talk time are unknown; send layout 'mono' or the stereo file",
        "the event says the call lasted 1200 s (started_at to ended_at) but the recording holds 14 s: "
        "the recording may be cut short or another call's; check recording_uri and the recorder, or "
        "the event's times (started_at is when the call was answered, not when it rang or queued)",
    ]
    assert row["warning_kinds"] == ["mono_declared_stereo", "duration_mismatch"]  # through every hop


def test_swapped_channel_map_is_warned_and_kept(isolated_chdb, tmp_path: Path) -> None:
    """The complaint sample with its channel map swapped: transcribed as declared (never swapped
    automatically), with the doubt in calls.warnings; the sample as sent has none."""
    settings = Settings(data_dir=tmp_path)
    swapped = sample_event(
        "sample-en-complaint", call_id="doubt-swapped", audio={"channels": {"0": "customer", "1": "agent"}}
    )
    transcript = run(swapped, settings)
    assert transcript["segments"][0]["role"] == "customer"  # the agent's greeting, as declared
    to_clickhouse(isolated_chdb, transcript)
    to_clickhouse(isolated_chdb, run(sample_event("sample-en-complaint"), settings))

    row = calls_row(isolated_chdb, "doubt-swapped")
    assert row["layout"] == "stereo" and row["agent_talk_s"] is not None
    [warning] = row["warnings"]
    assert warning.startswith("channel 0, mapped to the customer, opens like an agent (")
    assert warning.endswith('send audio.channels {"0": "agent", "1": "customer"} if so')
    assert row["warning_kinds"] == ["channels_swapped"]
    assert calls_row(isolated_chdb, "sample-en-complaint")["warnings"] == []
