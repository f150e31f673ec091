"""A record over librdkafka's ``message.max.bytes`` is a bad record with its size and the limit, not a
KafkaException that ends ``callstream publish`` or answers the ingest API with a 500 (found by a red
team). A real producer with a small limit refuses in ``produce()``: no broker is needed."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from connectors.events import SAMPLE_CALLS, call_from_json
from connectors.publisher import CallPublisher, RecordTooLarge, too_large
from schemas.codec import SingleObjectCodec
from streams.settings import Settings

LIMIT = 1000  # the smallest message.max.bytes librdkafka accepts
SAMPLE = json.loads(SAMPLE_CALLS.read_text().splitlines()[0])
TOO_LARGE = rf"record is \d+ bytes, over the producer's limit of {LIMIT} bytes \(message\.max\.bytes\)"


def record(call_id: str, notes: str = "") -> dict[str, Any]:
    return call_from_json({**SAMPLE, "call_id": call_id, "crm": {"notes": notes}})


class Queued:
    """The real producer, noting the key of each record it accepted. ``len(producer)`` is no count
    of records: librdkafka adds the events of its failing connections to port 1 (a slow machine
    sees them arrive before the assertion)."""

    def __init__(self, producer: Any) -> None:
        self.producer = producer
        self.keys: list[bytes] = []

    def produce(self, topic: str, **kwargs: Any) -> None:
        self.producer.produce(topic, **kwargs)  # raises for a record it refuses: not noted
        self.keys.append(kwargs["key"])

    def __getattr__(self, name: str) -> Any:
        return getattr(self.producer, name)


def queued(pub: CallPublisher) -> Queued:
    pub._producer = Queued(pub._producer)  # type: ignore[assignment]
    return pub._producer  # type: ignore[return-value]


def publisher(tmp_path: Path, **config: Any) -> CallPublisher:
    # nothing listens on port 1: records are only queued, which is all produce() needs
    config = {"message.max.bytes": LIMIT, "log_level": 0, **config}
    return CallPublisher(Settings(data_dir=tmp_path), "127.0.0.1:1", SingleObjectCodec(), config=config)


def test_publish_refuses_a_record_over_message_max_bytes_with_its_size(tmp_path: Path) -> None:
    pub = publisher(tmp_path)
    producer = queued(pub)
    pub.publish(record("small"))  # queued
    with pytest.raises(RecordTooLarge, match=TOO_LARGE):
        pub.publish(record("big", "x" * 2 * LIMIT))
    pub.publish(record("after"))  # the producer goes on
    assert producer.keys == [b"small", b"after"]

    # its dead letter carries the (too large) line as payload: it goes without it, saying so
    pub.dead_letter(source="calls.jsonl", lineno=2, payload=b"x" * 2 * LIMIT, error="too big", call_id="big")
    assert producer.keys == [b"small", b"after", b"big"]


def test_publish_acked_names_the_call_over_the_limit(tmp_path: Path) -> None:
    pub = publisher(tmp_path, **{"message.timeout.ms": 500})
    stop = threading.Event()

    def serve_reports() -> None:
        while not stop.is_set():
            pub.poll(0.05)

    reports = threading.Thread(target=serve_reports)
    reports.start()
    try:
        with pytest.raises(RecordTooLarge, match=TOO_LARGE) as refused:
            asyncio.run(pub.publish_acked([record("big", "x" * 2 * LIMIT)]))
        assert refused.value.index == 0
        # the call before it is settled (here: not acknowledged, no broker) before the answer
        with pytest.raises(RecordTooLarge, match=TOO_LARGE) as refused:
            asyncio.run(pub.publish_acked([record("ok"), record("big", "x" * 2 * LIMIT)]))
        assert refused.value.index == 1
    finally:
        stop.set()
        reports.join()


def test_an_event_without_room_for_what_the_stages_add_is_refused_at_the_door(tmp_path: Path) -> None:
    """Every stage's record carries the event and adds the transcript: an event within the broker's
    message size but without room for that was dead-lettered at `score`, after its transcription
    (operator review). The door refuses it with its size and the setting to change."""
    settings = Settings(data_dir=tmp_path, event_max_bytes=2048)
    config = {"log_level": 0, "message.timeout.ms": 500}  # nothing listens: queued records time out
    pub = CallPublisher(settings, "127.0.0.1:1", SingleObjectCodec(), config=config)
    producer = queued(pub)
    pub.publish(record("fits", "x" * 1000))
    over = r"event is \d+ bytes, over CALLSTREAM_EVENT_MAX_BYTES \(2048\)"
    with pytest.raises(RecordTooLarge, match=over):
        pub.publish(record("crm-dump", "x" * 3000))
    assert producer.keys == [b"fits"]
    assert too_large(settings, SingleObjectCodec(), record("fits", "x" * 1000)) is None  # --dry-run agrees
    assert too_large(settings, SingleObjectCodec(), record("crm-dump", "x" * 3000)) is not None
    stop = threading.Event()
    reports = threading.Thread(target=lambda: [pub.poll(0.05) for _ in iter(stop.is_set, True)])
    reports.start()
    try:  # the ingest API's path names the call
        with pytest.raises(RecordTooLarge, match=over) as refused:
            asyncio.run(pub.publish_acked([record("fits"), record("crm-dump", "x" * 3000)]))
        assert refused.value.index == 1
    finally:
        stop.set()
        reports.join()
    with pytest.raises(ValueError, match="event_max_bytes"):
        Settings(data_dir=tmp_path, event_max_bytes=10)
