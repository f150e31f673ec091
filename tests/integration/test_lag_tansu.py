"""Consumer lag on the embedded Tansu broker, whose ListOffsets answers the base offset of a
partition's last record batch plus one instead of its log end (8 records produced in one batch:
ListOffsets says 1, a consumer reads 8). The lag, and the demo's wait on it, must count every record
a consumer can read. Real broker process."""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiokafka import AIOKafkaProducer
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from streams.broker import EmbeddedBroker
from streams.demo import _drain
from streams.lag import consumer_lag, reset_offsets_past_end
from streams.settings import Settings
from streams.topics import SCORED, ensure_topics

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def broker() -> Iterator[EmbeddedBroker]:
    with EmbeddedBroker() as b:
        yield b


def new_topic(bootstrap: str, partitions: int = 2) -> str:
    name = f"lag-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(name, partitions, 1)]).values():
        future.result(30)
    return name


def produce_batch(bootstrap: str, topic: str, count: int, partition: int = 0) -> None:
    """``count`` records to ``partition`` in one produce request (they wait for each other)."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 200})
    for i in range(count):
        producer.produce(topic, key=f"k{i}".encode(), value=b"v", partition=partition)
    assert producer.flush(30) == 0


def commit(bootstrap: str, group: str, offsets: list[TopicPartition]) -> None:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        consumer.commit(offsets=offsets, asynchronous=False)
    finally:
        consumer.close()


def readable(bootstrap: str, topic: str, partitions: int) -> int:
    """Records a fresh consumer reads from the start of every partition."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"read-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
        }
    )
    try:
        consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        count, idle = 0, time.monotonic()
        while time.monotonic() - idle < 2:
            for msg in consumer.consume(100, timeout=0.2):
                if not msg.error():
                    count, idle = count + 1, time.monotonic()
        return count
    finally:
        consumer.close()


def test_the_lag_counts_every_record_of_a_batch(broker: EmbeddedBroker) -> None:
    bootstrap, group = broker.bootstrap, f"g-{uuid.uuid4().hex[:8]}"
    topic = new_topic(bootstrap)
    produce_batch(bootstrap, topic, 8, partition=0)
    produce_batch(bootstrap, topic, 1, partition=1)
    assert readable(bootstrap, topic, 2) == 9
    assert consumer_lag(bootstrap, group, [topic]) == {topic: 9}  # never committed: from offset 0

    commit(bootstrap, group, [TopicPartition(topic, 0, 3)])  # 3 of the batch done, 5 to go
    assert consumer_lag(bootstrap, group, [topic]) == {topic: 5 + 1}

    commit(bootstrap, group, [TopicPartition(topic, 0, 8), TopicPartition(topic, 1, 1)])
    assert consumer_lag(bootstrap, group, [topic]) == {topic: 0}

    produce_batch(bootstrap, topic, 4, partition=0)  # a second batch after the committed ones
    assert consumer_lag(bootstrap, group, [topic]) == {topic: 4}


def test_an_offset_committed_past_the_log_end_is_warned_not_read_as_zero_lag(
    broker: EmbeddedBroker, caplog: pytest.LogCaptureFixture
) -> None:
    """After a broker that lost its log came back, workers committed their old positions into the new
    topics: the records below were never read, and the lag said 0 (chaos review)."""
    bootstrap, topic, group = broker.bootstrap, new_topic(broker.bootstrap), f"g-{uuid.uuid4().hex[:6]}"
    produce_batch(bootstrap, topic, 2, partition=0)
    commit(bootstrap, group, [TopicPartition(topic, 0, 5)])  # the old broker's position
    with caplog.at_level("WARNING", logger="streams.lag"):
        assert consumer_lag(bootstrap, group, [topic]) == {topic: 0}
    assert f"committed offset 5 on {topic}/0, past its end 2" in caplog.text


def test_a_workers_start_reads_a_topic_created_again_from_its_start(broker: EmbeddedBroker) -> None:
    """Offsets past the log's end (the group's positions in the old log) are moved to its first record
    so nothing below them is skipped; offsets inside the log, also inside Tansu's last batch (its
    listed end is below the true end), are left alone."""
    bootstrap, group = broker.bootstrap, f"g-{uuid.uuid4().hex[:6]}"
    recreated, busy = new_topic(bootstrap), new_topic(bootstrap)
    produce_batch(bootstrap, recreated, 2, partition=0)
    produce_batch(bootstrap, busy, 8, partition=0)  # one batch: Tansu lists its end as 1
    commit(bootstrap, group, [TopicPartition(recreated, 0, 5), TopicPartition(busy, 0, 3)])
    assert reset_offsets_past_end(bootstrap, group, [recreated, busy]) == [f"{recreated}/0: 5 -> 0"]
    assert consumer_lag(bootstrap, group, [recreated, busy]) == {recreated: 2, busy: 5}
    assert reset_offsets_past_end(bootstrap, group, [recreated, busy]) == []  # nothing left to do


def test_the_lag_counts_a_batch_faust_produced(broker: EmbeddedBroker) -> None:
    """aiokafka (Faust's client) batches too: what a stage sends within its linger is one batch."""
    bootstrap, group = broker.bootstrap, f"g-{uuid.uuid4().hex[:8]}"
    topic = new_topic(bootstrap)

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=100)
        await producer.start()
        try:
            sent = [await producer.send(topic, b"v", key=f"k{i}".encode(), partition=1) for i in range(6)]
            await asyncio.gather(*sent)
        finally:
            await producer.stop()

    asyncio.run(send())
    assert readable(bootstrap, topic, 2) == 6
    assert consumer_lag(bootstrap, group, [topic]) == {topic: 6}
    commit(bootstrap, group, [TopicPartition(topic, 1, 1)])
    assert consumer_lag(bootstrap, group, [topic]) == {topic: 5}


def test_the_demo_waits_for_the_rest_of_a_batch(broker: EmbeddedBroker, tmp_path: Path) -> None:
    """The demo stops its worker once the group's lag is 0 on every topic: with a batch half
    committed, it must go on waiting (until its deadline), and stop once all of it is."""
    bootstrap = broker.bootstrap
    settings = Settings(
        kafka_bootstrap=bootstrap,
        data_dir=tmp_path,
        app_id=f"drain-{uuid.uuid4().hex[:8]}",
        topic_prefix=f"drain{uuid.uuid4().hex[:8]}.",
    )
    ensure_topics(settings, bootstrap)
    scored = settings.topic(SCORED.name)
    produce_batch(bootstrap, scored, 6, partition=0)
    commit(bootstrap, settings.app_id, [TopicPartition(scored, 0, 2)])
    rt = SimpleNamespace(bootstrap=bootstrap, settings=settings)

    started, said = time.monotonic(), io.StringIO()
    asyncio.run(_drain(rt, started + 4, said))  # type: ignore[arg-type]
    assert time.monotonic() - started >= 3.5, "the demo stopped waiting with 4 records of calls.scored unread"
    # a wait past a few seconds is said, with what is still in flight (it looked like a hang)
    assert said.getvalue().count("waiting for records still in flight") == 1, said.getvalue()
    assert f"({scored} 4;" in said.getvalue()

    commit(bootstrap, settings.app_id, [TopicPartition(scored, 0, 6)])
    started, said = time.monotonic(), io.StringIO()
    asyncio.run(_drain(rt, started + 60, said))  # type: ignore[arg-type]
    assert time.monotonic() - started < 30
    assert said.getvalue() == ""  # nothing to wait for: nothing said
