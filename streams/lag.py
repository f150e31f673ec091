"""Consumer lag of callstream's consumer group: how far its committed offsets trail the log end."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from confluent_kafka import Consumer, TopicPartition


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
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "client.id": f"callstream-lag-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            **(security or {}),
        }
    )
    try:
        metadata = consumer.list_topics(timeout=timeout).topics
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            if topic in metadata
            for p in metadata[topic].partitions
        ]
        committed = consumer.committed(partitions, timeout=timeout) if partitions else []
        lag: dict[str, int] = {}
        for tp in committed:
            _, high = consumer.get_watermark_offsets(tp, timeout=timeout)
            done = tp.offset if tp.offset >= 0 else 0
            lag[tp.topic] = lag.get(tp.topic, 0) + max(0, high - done)
        return lag
    finally:
        consumer.close()
