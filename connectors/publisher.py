"""Publish CallCompleted records to ``calls.completed`` with confluent-kafka.

Nothing counts as published until the broker acknowledged it (delivery report); bad input goes to
``calls.dlq`` with its reason instead of disappearing. An event over ``CALLSTREAM_EVENT_MAX_BYTES``
(room left for what the stages add) and a record librdkafka refuses for its size
(``message.max.bytes``) are :class:`RecordTooLarge`: the caller reports it as bad input.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Producer

from connectors.events import json_field
from schemas.codec import Codec
from streams.kafka_errors import ClientErrors, LibrdkafkaLog
from streams.settings import Settings
from streams.topics import COMPLETED, DLQ


class PublishError(RuntimeError):
    """The broker did not acknowledge some records."""


class RecordTooLarge(PublishError):
    """librdkafka refused a record over the producer's (or the broker's) message size limit: sending
    it again never helps. ``index``: its place in the batch given to :meth:`CallPublisher.publish_acked`."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


def _over_producer_limit(size: int, limit: int, index: int | None = None) -> RecordTooLarge:
    return RecordTooLarge(
        f"record is {size} bytes, over the producer's limit of {limit} bytes (message.max.bytes)", index
    )


def _over_event_limit(size: int, limit: int, index: int | None = None) -> RecordTooLarge | None:
    """An event of ``size`` encoded bytes over ``CALLSTREAM_EVENT_MAX_BYTES``, or None."""
    if size <= limit:
        return None
    return RecordTooLarge(
        f"event is {size} bytes, over CALLSTREAM_EVENT_MAX_BYTES ({limit}): every stage's record carries "
        "the event and adds the transcript, so it would fail at a later stage; move large CRM fields out "
        "of the event",
        index,
    )


def too_large(settings: Settings, codec: Codec, call: Mapping[str, Any]) -> RecordTooLarge | None:
    """Why ``call`` would be refused for its size (an encoded event over ``CALLSTREAM_EVENT_MAX_BYTES``,
    or key + value over the configured message.max.bytes), or None: what ``publish --dry-run`` checks
    without a broker. librdkafka adds a few bytes of its own, so a record within a few bytes of its
    limit may still be refused."""
    topic = settings.topic(COMPLETED.name)
    value = codec.encode(COMPLETED.record, call, topic)
    size = len(call["call_id"].encode()) + len(value)
    limit = int(settings.kafka_client_config().get("message.max.bytes", LIBRDKAFKA_MESSAGE_MAX_BYTES))
    if size > limit:
        return _over_producer_limit(size, limit)
    return _over_event_limit(len(value), settings.event_max_bytes)


#: librdkafka's default ``message.max.bytes`` (the producer cannot be asked for its configuration).
LIBRDKAFKA_MESSAGE_MAX_BYTES = 1_000_000


class BrokerUnreachable(PublishError):
    """The broker is known to be unreachable (librdkafka said so) and did not acknowledge the records
    within :data:`UNREACHABLE_WAIT_S`: the caller should retry later (HTTP 503). The records stay queued
    and are delivered if the broker comes back in time (resending them is safe: keyed by call id)."""


#: How long :meth:`CallPublisher.publish_acked` waits for acknowledgements while the broker is known to
#: be unreachable, instead of librdkafka's ``message.timeout.ms`` (30 s): a client learns in seconds.
UNREACHABLE_WAIT_S = 2.0


class Backpressure(RuntimeError):
    """The producer's local queue is full: the caller should retry later (HTTP 503)."""


def _over_size_limit(exc: KafkaException) -> bool:
    """librdkafka's own size check refused the record in ``produce()`` (message.max.bytes)."""
    return bool(exc.args) and exc.args[0].code() == KafkaError.MSG_SIZE_TOO_LARGE


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    """Give ``future`` its delivery report, unless the caller stopped waiting for it (cancelled)."""
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


def _size(msg: Any) -> int:
    """A message's key + value bytes: what librdkafka holds against message.max.bytes."""
    return len(msg.key() or b"") + len(msg.value() or b"")


class CallPublisher:
    """Keyed by ``call_id`` (per-call ordering and partitioning); acks=all."""

    def __init__(
        self,
        settings: Settings,
        bootstrap: str,
        codec: Codec,
        max_queued: int = 100_000,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        """``config``: more librdkafka producer properties (they win over the defaults)."""
        self.settings = settings
        self.codec = codec
        self._client_errors = ClientErrors()  # why nothing was acknowledged, when librdkafka knows
        producer_config = {
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
            # librdkafka's log lines through Python logging (callstream.kafka), not raw on stderr; a
            # failed connection is one WARNING per state change (ClientErrors), not a line per retry
            "logger": LibrdkafkaLog(),
            **settings.kafka_client_config(),
            **(config or {}),
        }
        self._max_bytes = int(producer_config.get("message.max.bytes", LIBRDKAFKA_MESSAGE_MAX_BYTES))
        self._producer = Producer(producer_config)
        self._errors: list[str] = []
        self.delivered = 0

    def _why(self, err: KafkaError | str) -> str:
        reason = self._client_errors.reason()
        if reason is None and (down := self._client_errors.unreachable) is not None:
            reason = f"broker {down}"
        return f"{err} ({reason})" if reason else str(err)

    @property
    def unreachable(self) -> str | None:
        """``"127.0.0.1:19092: Connection refused"`` while librdkafka reports the broker unreachable
        (until it acknowledges a record again), else None."""
        return self._client_errors.unreachable

    def _too_large(self, size: int, refused_by_broker: bool, index: int | None = None) -> RecordTooLarge:
        """The reason librdkafka (or the broker) refused a record of ``size`` bytes (key + value)."""
        if refused_by_broker:  # within the producer's limit, over the broker's or the topic's
            return RecordTooLarge(
                f"record is {size} bytes, over the broker's limit (its message.max.bytes, or the topic's "
                "max.message.bytes)",
                index,
            )
        return _over_producer_limit(size, self._max_bytes, index)

    def _on_delivery(self, err: KafkaError | None, msg: Any) -> None:
        if err is not None and err.code() == KafkaError.MSG_SIZE_TOO_LARGE:
            self._errors.append(f"{msg.key()!r}: {self._too_large(_size(msg), True)}")
        elif err is not None:
            self._errors.append(f"{msg.key()!r}: {self._why(err)}")
        else:
            self.delivered += 1
            self._client_errors.reachable()

    async def publish_acked(self, calls: list[Mapping[str, Any]]) -> None:
        """Publish ``calls`` and return once the broker acknowledged every one of them.

        Needs :meth:`poll` running (e.g. in a thread) to serve delivery reports. Raises
        :class:`Backpressure` when the local queue is full, :class:`RecordTooLarge` (with the call's
        index) when a record is over the size limit, :class:`BrokerUnreachable` when the broker is
        known to be unreachable and did not acknowledge within :data:`UNREACHABLE_WAIT_S`, and
        :class:`PublishError` when a record was not acknowledged; nothing is acknowledged to an API
        caller before the broker did. The records before a refused one may have been published (the
        call id makes resending them safe).
        """
        loop = asyncio.get_running_loop()
        topic = self.settings.topic(COMPLETED.name)
        futures = []
        for index, call in enumerate(calls):
            future: asyncio.Future[None] = loop.create_future()

            def done(
                err: KafkaError | None, msg: Any, future: asyncio.Future[None] = future, index: int = index
            ) -> None:
                if err is None:
                    self._client_errors.reachable()
                    loop.call_soon_threadsafe(_settle, future, None)
                    return
                error: PublishError
                if err.code() == KafkaError.MSG_SIZE_TOO_LARGE:
                    error = self._too_large(_size(msg), True, index)
                else:
                    error = PublishError(f"{msg.key()!r} not acknowledged: {self._why(err)}")
                loop.call_soon_threadsafe(_settle, future, error)

            key, value = call["call_id"].encode(), self.codec.encode(COMPLETED.record, call, topic)
            if (refused := _over_event_limit(len(value), self.settings.event_max_bytes, index)) is not None:
                await asyncio.gather(*futures, return_exceptions=True)  # as for librdkafka's refusal below
                raise refused
            try:
                self._producer.produce(topic, key=key, value=value, on_delivery=done)
            except BufferError as exc:
                raise Backpressure("producer queue is full") from exc
            except KafkaException as exc:
                if not _over_size_limit(exc):
                    raise
                # the answer comes after the records queued before it are settled: none is left behind
                await asyncio.gather(*futures, return_exceptions=True)
                raise self._too_large(len(key) + len(value), False, index) from exc
            futures.append(future)
        if self.unreachable is None:
            await asyncio.gather(*futures)  # settled by message.timeout.ms at the latest
            return
        # Known down: librdkafka would hold them for message.timeout.ms; the caller hears it in seconds.
        try:
            await asyncio.wait_for(asyncio.gather(*futures), UNREACHABLE_WAIT_S)
        except TimeoutError:
            raise BrokerUnreachable(
                f"{len(futures)} record(s) not acknowledged within {UNREACHABLE_WAIT_S:g} s: "
                f"broker {self.unreachable or 'unreachable'}"
            ) from None

    def poll(self, timeout: float = 0.1) -> None:
        """Serve delivery reports (call repeatedly from one thread)."""
        self._producer.poll(timeout)

    def publish(self, call: Mapping[str, Any]) -> None:
        """Queue one event; :class:`RecordTooLarge` over CALLSTREAM_EVENT_MAX_BYTES or message.max.bytes."""
        topic = self.settings.topic(COMPLETED.name)
        value = self.codec.encode(COMPLETED.record, call, topic)
        if (refused := _over_event_limit(len(value), self.settings.event_max_bytes)) is not None:
            raise refused
        self._produce(topic, call["call_id"], value)

    def dead_letter(
        self,
        *,
        source: str,
        lineno: int,
        payload: bytes,
        error: str,
        call_id: str | None = None,
        stage: str = "publish",
        on_delivery: Callable[[KafkaError | None, Any], None] | None = None,
        tenant: str | None = None,
        error_class: str = "InvalidCall",
    ) -> None:
        """Send unpublishable input to the DLQ (``topic`` = ``source``; offset = line number);
        ``tenant``: whose input it is, else the ``tenant`` a JSON object payload names;
        ``error_class``: what was wrong (a recording ``import`` could not read names its error).

        ``on_delivery``: the letter's own delivery report, for a caller that cannot wait for
        :meth:`flush` (the ingest API); with it, a full producer queue raises :class:`Backpressure`
        instead of waiting for room, which would stall the caller's event loop."""
        topic = self.settings.topic(DLQ.name)
        letter = {
            "stage": stage,
            "tenant": tenant or json_field(payload, "tenant"),
            "topic": source,
            "partition": -1,
            "offset": lineno,
            "key": call_id.encode() if call_id else None,
            "call_id": call_id,
            "payload": payload,
            "error_class": error_class,
            "error_message": error,
            "attempts": 1,
            "failed_at": datetime.now(UTC),
        }
        try:
            self._produce(topic, call_id or "", self.codec.encode(DLQ.record, letter, topic), on_delivery)
        except RecordTooLarge as exc:  # the payload is what is too large: the letter goes without it
            letter |= {"payload": b"", "error_message": f"{error} (payload left out: {exc})"}
            self._produce(topic, call_id or "", self.codec.encode(DLQ.record, letter, topic), on_delivery)

    def _produce(
        self,
        topic: str,
        key: str,
        value: bytes,
        on_delivery: Callable[[KafkaError | None, Any], None] | None = None,
    ) -> None:
        """Queue one record; :class:`RecordTooLarge` when librdkafka refuses it for its size."""
        while True:
            try:
                self._producer.produce(
                    topic, key=key.encode(), value=value, on_delivery=on_delivery or self._on_delivery
                )
                break
            except BufferError as exc:  # local queue full: serve delivery reports, then retry
                if on_delivery is not None:
                    raise Backpressure("producer queue is full") from exc
                self._producer.poll(0.5)
            except KafkaException as exc:
                if not _over_size_limit(exc):
                    raise
                raise self._too_large(len(key.encode()) + len(value), False) from exc
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
