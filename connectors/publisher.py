"""Publish CallCompleted records to ``calls.completed`` with confluent-kafka.

Nothing counts as published until the broker acknowledged it (delivery report); bad input goes to
``calls.dlq`` with its reason instead of disappearing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import KafkaError, Producer

from schemas.codec import Codec
from streams.settings import Settings
from streams.topics import COMPLETED, DLQ


class PublishError(RuntimeError):
    """The broker did not acknowledge some records."""


class CallPublisher:
    """Keyed by ``call_id`` (per-call ordering and partitioning); acks=all."""

    def __init__(self, settings: Settings, bootstrap: str, codec: Codec) -> None:
        self.settings = settings
        self.codec = codec
        self._producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                "acks": "all",
                "linger.ms": 5,
                "message.timeout.ms": 30000,
                "client.id": f"{settings.app_id}-publisher",
            }
        )
        self._errors: list[str] = []
        self.delivered = 0

    def _on_delivery(self, err: KafkaError | None, msg: Any) -> None:
        if err is not None:
            self._errors.append(f"{msg.key()!r}: {err}")
        else:
            self.delivered += 1

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
            raise PublishError(f"{remaining} record(s) not acknowledged by the broker within {timeout}s")
        if self._errors:
            errors, self._errors = self._errors, []
            raise PublishError(f"{len(errors)} record(s) failed: " + "; ".join(errors[:5]))
