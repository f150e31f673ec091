"""The score stage on the real Faust app, embedded broker and chDB, with a fake LLM server whose
answer stays invalid after the retry: the call still reaches ``calls`` (total null, the failed
criterion in ``call_criteria`` without a value, the others with theirs), and the answer reaches
``dead_letters`` once (stage score, InvalidLlmAnswer), read back by the sink from ``calls.dlq``."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer

from processors.rows import failure_hash
from schemas.codec import SingleObjectCodec
from streams.broker import EmbeddedBroker
from streams.lag import consumer_lag
from streams.settings import Settings
from streams.topics import COMPRESSED, DLQ, SCORED
from streams.worker import prepare
from tests.factories import make_call_score
from tests.unit.test_llm import FakeServer, completion, good_answer

pytestmark = pytest.mark.integration

CODEC = SingleObjectCodec()
CALL = "call-partial"


#: The call is in ``calls`` and its invalid answer in ``dead_letters``.
BOTH_STORED = "SELECT (SELECT count() FROM calls) * (SELECT count() FROM dead_letters)"


async def run(settings: Settings, bootstrap: str, done_sql: str = BOTH_STORED) -> dict[str, Any]:
    """Publish CALL's CompressedTranscript, run the score and sink stages until ``done_sql`` is
    non-zero and every topic is consumed, and return what ClickHouse holds."""
    rt = prepare(settings, bootstrap, ["score", "sink"])
    loop = asyncio.get_running_loop()
    topics = [settings.topic(t.name) for t in (COMPRESSED, SCORED, DLQ)]

    def query(sql: str) -> list[tuple]:
        return rt.clickhouse.query(sql).result_rows

    try:
        await rt.app.start()
        producer = Producer({"bootstrap.servers": bootstrap})
        value = CODEC.encode(COMPRESSED.record, make_call_score(CALL)["compressed"])
        producer.produce(settings.topic(COMPRESSED.name), key=CALL.encode(), value=value)
        assert await loop.run_in_executor(None, producer.flush, 30) == 0
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            lag = await loop.run_in_executor(None, consumer_lag, bootstrap, settings.app_id, topics)
            done = await rt.in_clickhouse_thread(query, done_sql)
            if done[0][0] and lag == dict.fromkeys(topics, 0):
                break
            await asyncio.sleep(0.5)
        return {
            "payload": value,
            "calls": await rt.in_clickhouse_thread(query, "SELECT call_id, total, fatal_failed FROM calls"),
            "scores": await rt.in_clickhouse_thread(
                query, "SELECT scorer, model_id, prompt_version, llm_tokens_in FROM calls FINAL"
            ),
            "criteria": {
                row[0]: row[1:]
                for row in await rt.in_clickhouse_thread(
                    query, "SELECT criterion_id, status, value, reasoning FROM call_criteria FINAL"
                )
            },
            # no FINAL: one row, not one per read of the letter
            "letters": await rt.in_clickhouse_thread(
                query,
                "SELECT stage, topic, call_id, error_class, error_message, payload_hash, attempts "
                "FROM dead_letters",
            ),
        }
    finally:
        await rt.app.stop()
        rt.close()


def score_sink_settings(tmp_path: Path, chdb_dsn: str, isolated_chdb: Any, **llm: Any) -> Settings:
    """Settings of a worker running the score and sink stages on a fresh database and topics."""
    return Settings(
        data_dir=tmp_path / "data",
        clickhouse_dsn=f"{chdb_dsn}?database={isolated_chdb.database}",
        topic_prefix=f"it-{uuid.uuid4().hex[:8]}.",
        partitions=1,
        stages=["score", "sink"],
        sink_flush_seconds=0.5,
        **llm,
    )


def test_an_invalid_answer_scores_the_call_partially_and_stores_the_answer_as_a_dead_letter(
    tmp_path: Path, chdb_dsn: str, isolated_chdb: Any
) -> None:
    server = FakeServer()
    server.replies = [(200, completion(json.dumps(good_answer(objection_handling=150))))] * 2
    settings = score_sink_settings(
        tmp_path, chdb_dsn, isolated_chdb, llm_url=server.url, llm_model="sales-lora", llm_timeout=5.0
    )
    try:
        with EmbeddedBroker() as broker:
            got = asyncio.run(run(settings, broker.bootstrap))
    finally:
        server.close()

    assert len(server.requests) == 2  # the answer and its one retry, no more
    assert got["calls"] == [(CALL, None, 0)]
    criteria = got["criteria"]
    status, value, reasoning = criteria["objection_handling"]
    assert (status, value) == ("failed", None)
    assert "objection_handling must be within 0-100, got 150" in reasoning
    assert criteria["politeness"][:2] == ("scored", 92.0)
    assert criteria["price_mentions"][0] == "scored"
    [(stage, topic, call_id, error_class, message, stored_hash, attempts)] = got["letters"]
    assert (stage, topic, call_id, error_class) == (
        "score",
        settings.topic(COMPRESSED.name),
        CALL,
        "InvalidLlmAnswer",
    )
    assert "objection_handling must be within 0-100, got 150" in message and "raw answer" in message
    # the failure's identity: one row however often the same event fails the same way
    assert stored_hash == failure_hash(
        {"call_id": CALL, "error_class": error_class, "error_message": message}
    )
    assert attempts == 2
