"""A stage output the producer refuses, or whose delivery fails after ``send()`` returned, on the real
Faust app and the embedded broker: the input is dead-lettered (with a pointer to it when the letter
itself is too large), and the worker goes on."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer

from processors.filtering import filter_transcript
from schemas.codec import SingleObjectCodec
from streams.broker import EmbeddedBroker
from streams.lag import consumer_lag
from streams.settings import Settings
from streams.stage import Stage, register_stage
from streams.topics import DLQ, FILTERED, TRANSCRIBED
from streams.worker import prepare
from tests.factories import make_transcript
from tests.integration.test_pipeline import read_topic

pytestmark = pytest.mark.integration

CODEC = SingleObjectCodec()
#: The worker's producer refuses a request over this; the big record's output is about 230 KB.
MAX_REQUEST_BYTES = 200_000


@pytest.fixture(scope="module")
def broker() -> EmbeddedBroker:
    with EmbeddedBroker() as b:
        yield b


def filter_settings(tmp_path: Path) -> Settings:
    prefix = f"it-{uuid.uuid4().hex[:8]}."
    return Settings(data_dir=tmp_path / "data", topic_prefix=prefix, partitions=1, stages=["filter"])


def big_transcript(call_id: str) -> dict[str, Any]:
    transcript = make_transcript(call_id)
    segments = transcript["segments"]
    transcript["segments"] = [dict(s, text=f"{s['text']} {i}") for i in range(500) for s in segments]
    return transcript


async def run_filter_worker(settings: Settings, bootstrap: str, values: list[bytes]) -> dict[str, list]:
    """Run the filter stage in a real Faust worker, push ``values`` to its input topic in order and
    return what reached the output topic and the dead-letter topic."""
    rt = prepare(settings, bootstrap, ["filter"])
    rt.app.conf.producer_max_request_size = MAX_REQUEST_BYTES
    loop = asyncio.get_running_loop()
    try:
        await rt.app.start()
        producer = Producer({"bootstrap.servers": bootstrap})
        for i, value in enumerate(values):
            producer.produce(settings.topic(TRANSCRIBED.name), key=f"call-{i}".encode(), value=value)
        assert await loop.run_in_executor(None, producer.flush, 30) == 0
        out = await loop.run_in_executor(None, read_topic, bootstrap, settings.topic(FILTERED.name), 2, 60)
        dlq = await loop.run_in_executor(None, read_topic, bootstrap, settings.topic(DLQ.name), 1, 60)
        return {"out": out, "dlq": dlq, "crashed": [rt.app._crash_reason]}
    finally:
        await rt.app.stop()
        rt.close()


def test_output_over_the_producer_limit_is_dead_lettered_and_the_worker_goes_on(
    broker: EmbeddedBroker, tmp_path: Path
) -> None:
    settings = filter_settings(tmp_path)
    big = CODEC.encode("Transcript", big_transcript("call-big"))
    values = [
        CODEC.encode("Transcript", make_transcript("call-before")),
        big,
        CODEC.encode("Transcript", make_transcript("call-after")),  # processed after the refusal
    ]

    got = asyncio.run(run_filter_worker(settings, broker.bootstrap, values))

    assert got["crashed"] == [None]
    outputs = [CODEC.decode("FilteredTranscript", m.value()) for m in got["out"]]
    assert [o["transcript"]["call_id"] for o in outputs] == ["call-before", "call-after"]
    [msg] = got["dlq"]
    letter = CODEC.decode("DeadLetter", msg.value())
    assert letter["stage"] == "filter" and letter["call_id"] == "call-big"
    assert letter["error_class"] == "ProducerSendError"
    message = letter["error_message"]
    assert f"to {settings.topic(FILTERED.name)} failed" in message
    assert "MessageSizeTooLargeError" in message and "larger than the maximum request size" in message
    # The letter with the input's bytes is over the limit too: it goes without them, pointing at the input.
    assert letter["payload"] == b"" and f"payload omitted ({len(big)} bytes)" in message
    where = (letter["topic"], letter["partition"], letter["offset"])
    assert where == (settings.topic(TRANSCRIBED.name), 0, 1)


def slow_filter(record: dict[str, Any]) -> dict[str, Any]:
    time.sleep(3)  # long enough to stall the broker while the record is being processed
    return filter_transcript(record)


async def run_while_broker_stalls(settings: Settings, broker: EmbeddedBroker) -> dict[str, Any]:
    """Run a slow filter stage; stall the broker (SIGSTOP) while it processes one record, for longer
    than the producer's request timeout, so the output's delivery fails after ``send()`` returned."""
    rt = prepare(settings, broker.bootstrap, [])
    register_stage(rt, Stage("filter", TRANSCRIBED, FILTERED, slow_filter, heavy=True))
    rt.app.conf.producer_request_timeout = 3.0
    loop = asyncio.get_running_loop()
    pid = broker._proc.pid  # type: ignore[union-attr]
    try:
        await rt.app.start()
        producer = Producer({"bootstrap.servers": broker.bootstrap})
        value = CODEC.encode("Transcript", make_transcript("call-stalled"))
        producer.produce(settings.topic(TRANSCRIBED.name), key=b"call-stalled", value=value)
        assert await loop.run_in_executor(None, producer.flush, 30) == 0
        await asyncio.sleep(1.5)  # the stage has the record
        os.kill(pid, signal.SIGSTOP)
        try:
            await asyncio.sleep(8)  # past the request timeout: the batch fails
        finally:
            os.kill(pid, signal.SIGCONT)
        await asyncio.sleep(5)  # Faust commits the input's offset
        bootstrap, topic = broker.bootstrap, settings.topic
        return {
            "lag": await loop.run_in_executor(
                None, consumer_lag, bootstrap, settings.app_id, [topic(TRANSCRIBED.name)]
            ),
            "out": await loop.run_in_executor(None, read_topic, bootstrap, topic(FILTERED.name), 1, 5),
            "dlq": await loop.run_in_executor(None, read_topic, bootstrap, topic(DLQ.name), 1, 3),
        }
    finally:
        await rt.app.stop()
        rt.close()


def test_output_whose_delivery_fails_after_send_returned_is_sent_again(tmp_path: Path) -> None:
    # Faust commits after a producer flush that does not raise when a batch failed: without awaiting
    # the delivery, the input's offset was committed with neither output nor dead letter. A delivery
    # that fails is now sent again (it was dead-lettered at once, though the broker was back: chaos
    # review); one that keeps failing is a dead letter (tests/unit/test_stage_send.py).
    settings = filter_settings(tmp_path)
    with EmbeddedBroker() as broker:  # its own broker: this test stalls it
        got = asyncio.run(run_while_broker_stalls(settings, broker))

    assert got["lag"] == {settings.topic(TRANSCRIBED.name): 0}
    [out] = got["out"]
    assert out.key() == b"call-stalled"
    assert not got["dlq"]
