"""Consumer lag of callstream's consumer group: how far its committed offsets trail the log end.

The log end of a partition is the larger of two answers of the broker: ListOffsets (what
``get_watermark_offsets`` asks) and the high watermark of a Fetch response. On Kafka the two agree.
Tansu 0.6 (the embedded broker) answers ListOffsets with the base offset of the partition's last
record batch plus one, not its log end: 8 records produced in one batch read as a log end of 1, so
ListOffsets alone under-reports the lag of any group that has not read the whole last batch (and
reads 0 once the group has committed one record of it). Its Fetch responses carry the true high
watermark, so the lag takes the larger of both, and is never below what a consumer can read.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable, Mapping

from confluent_kafka import OFFSET_INVALID, Consumer, KafkaException, TopicPartition

from streams.kafka_errors import LibrdkafkaLog

log = logging.getLogger(__name__)

#: How long one fetch of the high-watermark probe waits for data. Tansu answers a fetch only when
#: this wait is over, so it paces the probe; the response carries the high watermark with or
#: without records.
PROBE_FETCH_WAIT_MS = 20


def _fetched_highs(
    consumer: Consumer, starts: list[TopicPartition], timeout: float
) -> dict[tuple[str, int], int]:
    """High watermarks that Fetch responses report for ``starts`` (fetched from their offsets), read
    from the consumer's cached watermarks; partitions with no response within ``timeout`` are left out."""
    deadline = time.monotonic() + timeout
    consumer.assign(starts)
    highs: dict[tuple[str, int], int] = {}
    pending = [TopicPartition(tp.topic, tp.partition) for tp in starts]
    while pending and time.monotonic() < deadline:
        consumer.consume(num_messages=1000, timeout=0.05)  # records and errors alike are not needed
        still = []
        for tp in pending:
            _, high = consumer.get_watermark_offsets(tp, cached=True)
            if high is None or high == OFFSET_INVALID or high < 0:
                still.append(tp)
            else:
                highs[(tp.topic, tp.partition)] = high
        pending = still
    return highs


def _probe(bootstrap: str, group: str, security: Mapping[str, str] | None) -> Consumer:
    return Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "client.id": f"callstream-lag-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "fetch.wait.max.ms": PROBE_FETCH_WAIT_MS,
            # the probe fetches from the listed end: at most the last batches, and only their first
            # KiB per partition is asked for (the response carries the high watermark all the same)
            "fetch.max.bytes": 1024 * 1024,
            "max.partition.fetch.bytes": 1024,
            "queued.max.messages.kbytes": 1024,
            # librdkafka's lines through logging (callstream.kafka), not raw on stderr: a probe of an
            # unreachable broker every lag interval printed its connection failures each time
            "logger": LibrdkafkaLog(),
            **(security or {}),
        }
    )


def _positions(
    consumer: Consumer, topics: Iterable[str], timeout: float
) -> list[tuple[TopicPartition, int, int]]:
    """(partition, committed offset or -1, log end) of every partition of ``topics``."""
    metadata = consumer.list_topics(timeout=timeout).topics
    partitions = [
        TopicPartition(topic, p) for topic in topics if topic in metadata for p in metadata[topic].partitions
    ]
    if not partitions:
        return []
    committed = consumer.committed(partitions, timeout=timeout)
    listed = {
        (tp.topic, tp.partition): consumer.get_watermark_offsets(tp, timeout=timeout)[1] for tp in committed
    }
    # Fetch from the listed end: on Kafka that is the log end (an empty fetch), on Tansu it is at or
    # below it; never from beyond it, which a broker may answer with OFFSET_OUT_OF_RANGE.
    starts = [
        TopicPartition(tp.topic, tp.partition, max(0, listed[tp.topic, tp.partition])) for tp in committed
    ]
    fetched = _fetched_highs(consumer, starts, timeout)
    out = []
    for tp in committed:
        key = (tp.topic, tp.partition)
        out.append(
            (
                TopicPartition(tp.topic, tp.partition),
                tp.offset,
                max(listed[key], fetched.get(key, listed[key])),
            )
        )
    return out


def consumer_lag(
    bootstrap: str,
    group: str,
    topics: Iterable[str],
    timeout: float = 10.0,
    *,
    security: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Records not yet committed by ``group``, per topic (a partition never committed counts from 0).

    ``security``: :meth:`Settings.kafka_client_config` of a secured cluster.
    """
    consumer = _probe(bootstrap, group, security)
    try:
        lag: dict[str, int] = {}
        for tp, offset, high in _positions(consumer, topics, timeout):
            done = offset if offset >= 0 else 0
            if done > high:
                # Committed past the log's end: the topic was re-created or the broker lost its log
                # (Tansu with memory storage restarted) and the group's old positions were committed
                # into it. Records below the commit are never read: 0 would hide that (chaos review).
                log.warning(
                    "group %s committed offset %d on %s/%d, past its end %d: records below it are not "
                    "read (topic re-created or broker log lost); a worker's start resets it (docs/deploy.md)",
                    group,
                    done,
                    tp.topic,
                    tp.partition,
                    high,
                )
            lag[tp.topic] = lag.get(tp.topic, 0) + max(0, high - done)
        return lag
    finally:
        consumer.close()


def reset_offsets_past_end(
    bootstrap: str,
    group: str,
    topics: Iterable[str],
    timeout: float = 10.0,
    *,
    security: Mapping[str, str] | None = None,
) -> list[str]:
    """Move ``group``'s offsets that are past their partition's end back to its first record; what
    was reset, as ``topic/partition: old -> new``.

    Run by a worker before it joins its group: after a topic was created again, or a broker came
    back without its log, the group's old positions lie past the new log's end and every record
    below them would be skipped (the broker does not answer OFFSET_OUT_OF_RANGE for a committed
    offset, only for a fetch). Reading them from the start is at-least-once: the stages and the sink
    absorb a record read twice. A commit refused because other members of the group are running is
    logged: stop every worker of the group, then start them.
    """
    consumer = _probe(bootstrap, group, security)
    try:
        past = [
            (tp, offset, high) for tp, offset, high in _positions(consumer, topics, timeout) if offset > high
        ]
        if not past:
            return []
        starts = [
            TopicPartition(
                tp.topic, tp.partition, max(0, consumer.get_watermark_offsets(tp, timeout=timeout)[0])
            )
            for tp, _, _ in past
        ]
        try:
            consumer.commit(offsets=starts, asynchronous=False)
        except KafkaException as exc:
            log.warning("offsets of group %s past their log's end not reset: %s", group, exc)
            return []
        done = [
            f"{tp.topic}/{tp.partition}: {offset} -> {start.offset}"
            for (tp, offset, _), start in zip(past, starts, strict=True)
        ]
        log.warning(
            "group %s had offsets past their log's end (topic re-created or broker log lost); read again "
            "from the start: %s",
            group,
            ", ".join(done),
        )
        return done
    finally:
        consumer.close()
