"""Publish CallCompleted records to ``calls.completed`` with confluent-kafka.

Nothing counts as published until the broker acknowledged it (delivery report); bad input goes to
``calls.dlq`` with its reason instead of disappearing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import KafkaError, Producer

from schemas.codec import Codec
from streams.kafka_errors import ClientErrors
from streams.settings import Settings
from streams.topics import COMPLETED, DLQ


class PublishError(RuntimeError):
    """The broker did not acknowledge some records."""


class Backpressure(RuntimeError):
    """The producer's local queue is full: the caller should retry later (HTTP 503)."""


class CallPublisher:
    """Keyed by ``call_id`` (per-call ordering and partitioning); acks=all."""

    def __init__(self, settings: Settings, bootstrap: str, codec: Codec, max_queued: int = 100_000) -> None:
        self.settings = settings
        self.codec = codec
        self._client_errors = ClientErrors()  # why nothing was acknowledged, when librdkafka knows
        self._producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                "acks": "all",
                "linger.ms": 5,
                "message.timeout.ms": 30000,
                "queue.buffering.max.messages": max_queued,
                # Exactly-once per partition on retries where the broker supports it; without it,
                # a retried send may duplicate, which every stage and the sink absorb by call id.
                "enable.idempotence": settings.producer_idempotence,
                "client.id": f"{settings.app_id}-publisher",
                "error_cb": self._client_errors,
                **settings.kafka_client_config(),
            }
        )
        self._errors: list[str] = []
        self.delivered = 0

    def _why(self, err: KafkaError | str) -> str:
        reason = self._client_errors.reason()
        return f"{err} ({reason})" if reason else str(err)

    def _on_delivery(self, err: KafkaError | None, msg: Any) -> None:
        if err is not None:
            self._errors.append(f"{msg.key()!r}: {self._why(err)}")
        else:
            self.delivered += 1

    async def publish_acked(self, calls: list[Mapping[str, Any]]) -> None:
        """Publish ``calls`` and return once the broker acknowledged every one of them.

        Needs :meth:`poll` running (e.g. in a thread) to serve delivery reports. Raises
        :class:`Backpressure` when the local queue is full and :class:`PublishError` when a record
        was not acknowledged; nothing is acknowledged to an API caller before the broker did.
        """
        loop = asyncio.get_running_loop()
        topic = self.settings.topic(COMPLETED.name)
        futures = []
        for call in calls:
            future: asyncio.Future[None] = loop.create_future()

            def done(err: KafkaError | None, msg: Any, future: asyncio.Future[None] = future) -> None:
                if err is None:
                    loop.call_soon_threadsafe(future.set_result, None)
                else:
                    error = PublishError(f"{msg.key()!r} not acknowledged: {self._why(err)}")
                    loop.call_soon_threadsafe(future.set_exception, error)

            value = self.codec.encode(COMPLETED.record, call, topic)
            try:
                self._producer.produce(topic, key=call["call_id"].encode(), value=value, on_delivery=done)
            except BufferError as exc:
                raise Backpressure("producer queue is full") from exc
            futures.append(future)
        await asyncio.gather(*futures)

    def poll(self, timeout: float = 0.1) -> None:
        """Serve delivery reports (call repeatedly from one thread)."""
        self._producer.poll(timeout)

    def publish(self, call: Mapping[str, Any]) -> None:
        topic = self.settings.topic(COMPLETED.name)
        self._produce(topic, call["call_id"], self.codec.encode(COMPLETED.record, call, topic))

    def dead_letter(
        self, *, source: str, lineno: int, payload: bytes, error: str, call_id: str | None = None
    ) -> None:
        """Send unpublishable input to the DLQ (stage ``publish``; offset = line number)."""
        topic = self.settings.topic(DLQ.name)
        letter = {
            "stage": "publish",
            "topic": source,
            "partition": -1,
            "offset": lineno,
            "key": call_id.encode() if call_id else None,
            "call_id": call_id,
            "payload": payload,
            "error_class": "InvalidCall",
            "error_message": error,
            "attempts": 1,
            "failed_at": datetime.now(UTC),
        }
        self._produce(topic, call_id or "", self.codec.encode(DLQ.record, letter, topic))

    def _produce(self, topic: str, key: str, value: bytes) -> None:
        while True:
            try:
                self._producer.produce(topic, key=key.encode(), value=value, on_delivery=self._on_delivery)
                break
            except BufferError:  # local queue full: serve delivery reports, then retry
                self._producer.poll(0.5)
        self._producer.poll(0)

    def flush(self, timeout: float = 60.0) -> None:
        """Wait for every acknowledgement; raise when any record was not delivered."""
        remaining = self._producer.flush(timeout)
        if remaining:
            raise PublishError(
                self._why(f"{remaining} record(s) not acknowledged by the broker within {timeout}s")
            )
        if self._errors:
            errors, self._errors = self._errors, []
            raise PublishError(f"{len(errors)} record(s) failed: " + "; ".join(errors[:5]))
