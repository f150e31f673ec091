"""The sink's own dead letters on the real Faust app, embedded broker and chDB: a record it cannot
decode and a record ClickHouse refuses become ``dead_letters`` rows *and* DeadLetter records on
``calls.dlq`` (like every other stage's), and the sink, reading its letters back from ``calls.dlq``,
does not write them twice."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer

from schemas.codec import SingleObjectCodec
from streams.agents.sink import STORED_HEADER
from streams.broker import EmbeddedBroker
from streams.lag import consumer_lag
from streams.settings import Settings
from streams.topics import DLQ, SCORED
from streams.worker import prepare
from tests.factories import make_call_score
from tests.integration.test_pipeline import read_topic

pytestmark = pytest.mark.integration

CODEC = SingleObjectCodec()


async def run_sink(settings: Settings, bootstrap: str) -> dict[str, Any]:
    rt = prepare(settings, bootstrap, ["sink"])
    # ClickHouse refuses one tenant's rows: a record no retry can write
    rt.clickhouse.command("ALTER TABLE calls ADD CONSTRAINT known_tenant CHECK tenant != 'evil'")
    loop = asyncio.get_running_loop()
    scored, dlq = settings.topic(SCORED.name), settings.topic(DLQ.name)
    try:
        await rt.app.start()
        producer = Producer({"bootstrap.servers": bootstrap})
        evil = make_call_score("call-evil")
        evil["compressed"]["filtered"]["transcript"]["call"]["tenant"] = "evil"
        absurd = make_call_score("call-absurd")  # produced straight to calls.scored: never validated
        absurd["compressed"]["filtered"]["transcript"]["duration"] = float("nan")
        absurd["compressed"]["filtered"]["transcript"]["call"]["agent"]["name"] = "x" * 5000
        for key, value in (
            (b"call-good", CODEC.encode("CallScore", make_call_score("call-good"))),
            (b"call-garbage", b"\x00not avro at all"),
            (b"call-evil", CODEC.encode("CallScore", evil)),
            (b"call-tomb", None),  # a tombstone: no value at all
            (b"call-absurd", CODEC.encode("CallScore", absurd)),
        ):
            producer.produce(scored, key=key, value=value)
        assert await loop.run_in_executor(None, producer.flush, 30) == 0
        letters = await loop.run_in_executor(None, read_topic, bootstrap, dlq, 4, 60)

        def rows() -> list[tuple]:
            sql = "SELECT stage, topic, offset, error_class FROM dead_letters ORDER BY offset"
            return rt.clickhouse.query(sql).result_rows

        # The sink reads its letters back: wait until it has committed past them, then count rows.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            lag = await loop.run_in_executor(None, consumer_lag, bootstrap, settings.app_id, [scored, dlq])
            if lag == {scored: 0, dlq: 0}:
                break
            await asyncio.sleep(0.5)
        calls = await rt.in_clickhouse_thread(
            lambda: rt.clickhouse.query("SELECT call_id FROM calls ORDER BY call_id").result_rows
        )
        return {"letters": letters, "rows": await rt.in_clickhouse_thread(rows), "lag": lag, "calls": calls}
    finally:
        await rt.app.stop()
        rt.close()


def test_sink_dead_letters_reach_the_dlq_topic_and_are_stored_once(
    tmp_path: Path, chdb_dsn: str, isolated_chdb: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        clickhouse_dsn=f"{chdb_dsn}?database={isolated_chdb.database}",
        topic_prefix=f"it-{uuid.uuid4().hex[:8]}.",
        partitions=1,
        stages=["sink"],
        sink_flush_seconds=0.5,
    )
    with EmbeddedBroker() as broker, caplog.at_level(logging.WARNING, logger="streams.agents.sink"):
        got = asyncio.run(run_sink(settings, broker.bootstrap))

    scored, dlq = settings.topic(SCORED.name), settings.topic(DLQ.name)
    assert got["calls"] == [("call-good",)]
    letters = [(CODEC.decode("DeadLetter", m.value()), dict(m.headers() or [])) for m in got["letters"]]
    by_offset = {letter["offset"]: (letter, headers) for letter, headers in letters}
    assert sorted(by_offset) == [1, 2, 3, 4]
    garbage, headers = by_offset[1]
    assert (garbage["stage"], garbage["topic"]) == ("sink", scored)
    assert garbage["payload"] == b"\x00not avro at all"
    assert headers == {STORED_HEADER: b"1"}
    evil, headers = by_offset[2]
    assert evil["stage"] == "sink" and evil["call_id"] == "call-evil"
    assert "ClickHouse refused the calls rows" in evil["error_message"]
    assert "VIOLATED_CONSTRAINT" in evil["error_message"]
    assert headers == {STORED_HEADER: b"1"}
    # read back from calls.dlq and committed, yet one row each (no FINAL needed)
    assert got["lag"] == {scored: 0, dlq: 0}
    assert [row[:3] for row in got["rows"]] == [("sink", scored, offset) for offset in (1, 2, 3, 4)]
    # a tombstone is a dead letter like any record without bytes (it was a ClickHouse refusal of the
    # letter itself: no call id, the wrong reason, and never on calls.dlq)
    tomb, headers = by_offset[3]
    assert tomb["call_id"] == "call-tomb" and tomb["payload"] == b"" and headers == {STORED_HEADER: b"1"}
    assert got["rows"][2][3] == tomb["error_class"] != "DataError"
    # an undecodable record is logged once, as every other stage's dead letter is (it was counted only)
    warned = [r.getMessage() for r in caplog.records if r.name == "streams.agents.sink"]
    for letter in (garbage, tomb):
        where = f"{scored}:0@{letter['offset']}): {letter['error_class']}: "
        assert [m for m in warned if where in m and m.startswith("dead letter from sink (call ")] == [
            f"dead letter from sink (call {letter['call_id']}, {where}{letter['error_message']}"
        ]
    absurd, _ = by_offset[4]
    assert absurd["call_id"] == "call-absurd" and absurd["error_class"] == "InvalidCall"
    assert "call.agent.name: no control characters" in absurd["error_message"]
    assert "duration: nan is not a finite number" in absurd["error_message"]
