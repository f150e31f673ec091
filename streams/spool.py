"""Keep the embedded broker's unprocessed records across a worker restart.

The embedded broker (Tansu, memory storage only: see ENVIRONMENT.md) forgets every record when it
stops, so a call published to a stand-alone ``callstream worker`` and not yet through every stage
would vanish on a restart. On a clean stop, once Faust has committed its offsets, :func:`save`
writes what the worker's consumer group has not committed (and every table changelog whole, so the
alert cool-down and delivery tables come back) to ``<data dir>/broker-spool.jsonl``; the next
worker start :func:`restore`\\ s it into the new broker before any agent reads. The group's
committed offsets are not carried over: the restored tail starts at offset 0 of each partition,
where a group without commits starts reading (``auto_offset_reset=earliest``).

A crash (SIGKILL, out of memory, a power cut) still loses what the broker held: production points
``CALLSTREAM_KAFKA_BOOTSTRAP`` at a real Kafka cluster, which keeps its log on disk.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from confluent_kafka import OFFSET_INVALID, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

log = logging.getLogger(__name__)

SPOOL_NAME = "broker-spool.jsonl"
#: The spool file's first line says what it is; a file without it is not ours and is left alone.
FORMAT = "callstream-broker-spool/1"
#: Faust's table changelogs: read whole when restoring a table, whatever any group committed.
CHANGELOG_SUFFIX = "-changelog"


class SpoolError(RuntimeError):
    """The spool could not be read back into the broker (the file stays for the next try)."""


@dataclass
class SpoolReport:
    """What :func:`save` wrote or :func:`restore` published: records per topic."""

    path: Path
    records: dict[str, int]
    complete: bool = True

    @property
    def total(self) -> int:
        return sum(self.records.values())

    def summary(self) -> str:
        return ", ".join(f"{topic} {count}" for topic, count in sorted(self.records.items()) if count)


def spool_path(data_dir: Path) -> Path:
    return data_dir / SPOOL_NAME


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _unb64(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


def _starts(consumer: Consumer, group_topics: list[TopicPartition]) -> list[TopicPartition]:
    """Where each partition's unprocessed records begin: the group's committed offset, or 0 for a
    partition it never committed and for a changelog (a table is rebuilt from its first record)."""
    committed = consumer.committed(group_topics, timeout=10.0)
    whole = (CHANGELOG_SUFFIX,)
    return [
        TopicPartition(tp.topic, tp.partition, 0 if tp.topic.endswith(whole) or tp.offset < 0 else tp.offset)
        for tp in committed
    ]


def _read_tails(
    consumer: Consumer, starts: list[TopicPartition], timeout: float
) -> tuple[Iterator[Any], dict[tuple[str, int], bool]]:
    """Records from ``starts`` to each partition's high watermark, in partition order."""
    done = {(tp.topic, tp.partition): False for tp in starts}
    position = {(tp.topic, tp.partition): tp.offset for tp in starts}

    def records() -> Iterator[Any]:
        consumer.assign(starts)
        deadline = time.monotonic() + timeout
        while not all(done.values()) and time.monotonic() < deadline:
            for msg in consumer.consume(num_messages=500, timeout=0.2):
                if msg.error() is not None:
                    continue  # end-of-partition events and transient errors: the watermark decides
                key = (msg.topic(), msg.partition())
                position[key] = msg.offset() + 1
                yield msg
            for key in done:
                if done[key]:
                    continue
                # Tansu's ListOffsets under-reports the log end (streams/lag.py); the high watermark
                # a Fetch response carries does not, and it is what the consumer caches
                _, high = consumer.get_watermark_offsets(TopicPartition(*key), cached=True)
                if high is not None and high != OFFSET_INVALID and high >= 0 and position[key] >= high:
                    done[key] = True

    return records(), done


def save(bootstrap: str, group: str, data_dir: Path, timeout: float = 30.0) -> SpoolReport | None:
    """Write the records ``group`` has not committed, on every topic of the broker at ``bootstrap``,
    to the spool (atomically: a stop interrupted half way leaves the previous file or none). None
    when there is nothing to keep (an existing spool is then removed: it was restored at start)."""
    path = spool_path(data_dir)
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,  # only to read its committed offsets: this consumer never commits
            "client.id": f"callstream-spool-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "fetch.wait.max.ms": 50,
        }
    )
    counts: dict[str, int] = {}
    try:
        metadata = consumer.list_topics(timeout=10.0).topics
        topics = {name: len(meta.partitions) for name, meta in metadata.items() if not name.startswith("__")}
        partitions = [TopicPartition(name, p) for name, count in topics.items() for p in range(count)]
        if not partitions:
            path.unlink(missing_ok=True)
            return None
        records, done = _read_tails(consumer, _starts(consumer, partitions), timeout)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            # owner only: calls not yet processed, transcripts before PII redaction
            with open(
                os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8"
            ) as out:
                out.write(json.dumps({"format": FORMAT, "topics": topics}) + "\n")
                for msg in records:
                    counts[msg.topic()] = counts.get(msg.topic(), 0) + 1
                    line = {
                        "t": msg.topic(),
                        "p": msg.partition(),
                        "k": _b64(msg.key()),
                        "v": _b64(msg.value()),
                        "h": [[name, _b64(value)] for name, value in msg.headers() or []],
                        "ts": msg.timestamp()[1],
                    }
                    out.write(json.dumps(line, separators=(",", ":")) + "\n")
                out.flush()
                os.fsync(out.fileno())
            if not counts:
                tmp.unlink()
                path.unlink(missing_ok=True)
                return None
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        consumer.close()
    return SpoolReport(path, counts, complete=all(done.values()))


def _lines(path: Path) -> tuple[dict[str, int], list[dict[str, Any]]]:
    try:
        raw = path.read_text(encoding="utf-8").splitlines()
        header = json.loads(raw[0]) if raw else {}
        if header.get("format") != FORMAT:
            raise SpoolError(f"{path}: not a callstream broker spool (first line {raw[0][:80]!r})")
        return dict(header["topics"]), [json.loads(line) for line in raw[1:] if line.strip()]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SpoolError(f"{path}: unreadable broker spool: {exc}") from exc


def restore(bootstrap: str, data_dir: Path, timeout: float = 60.0) -> SpoolReport | None:
    """Publish the spool into the (new, empty) broker at ``bootstrap``, each record to its topic and
    partition with its key, headers and timestamp, then remove the file. None when there is none.
    On any failure the file stays and :class:`SpoolError` says why: a second start tries again."""
    path = spool_path(data_dir)
    if not path.exists():
        return None
    topics, records = _lines(path)
    admin = AdminClient({"bootstrap.servers": bootstrap})
    existing = admin.list_topics(timeout=10.0).topics
    missing = [NewTopic(name, count, 1) for name, count in topics.items() if name not in existing]
    if missing:
        for name, future in admin.create_topics(missing, operation_timeout=10.0).items():
            try:
                future.result(timeout=15.0)
            except KafkaException as exc:
                raise SpoolError(f"cannot create topic {name} to restore {path}: {exc}") from exc
    errors: list[str] = []

    def delivered(err: Any, msg: Any) -> None:
        if err is not None:
            errors.append(f"{msg.topic()}[{msg.partition()}]: {err}")

    producer = Producer(
        {"bootstrap.servers": bootstrap, "enable.idempotence": False, "linger.ms": 20, "acks": "all"}
    )
    counts: dict[str, int] = {}
    for rec in records:
        headers = [(name, _unb64(value)) for name, value in rec.get("h") or []]
        kwargs: dict[str, Any] = {"timestamp": rec["ts"]} if rec.get("ts", 0) > 0 else {}
        while True:
            try:
                producer.produce(
                    rec["t"],
                    value=_unb64(rec["v"]),
                    key=_unb64(rec["k"]),
                    partition=rec["p"],
                    headers=headers or None,
                    on_delivery=delivered,
                    **kwargs,
                )
                break
            except BufferError:  # the local queue is full: let deliveries drain it
                producer.poll(0.1)
        if rec["t"].endswith(CHANGELOG_SUFFIX):
            # Each changelog record its own batch: Tansu reports a partition's end offset as the
            # start of its last batch + 1, and Faust restores a table only up to that end, so the
            # later records of a batch would be lost to the table (docs/decisions/0005).
            producer.flush(timeout)
        counts[rec["t"]] = counts.get(rec["t"], 0) + 1
    left = producer.flush(timeout)
    if left or errors:
        why = f"{left} record(s) not delivered in {timeout:g} s" if left else "; ".join(errors[:3])
        raise SpoolError(f"restoring {path} failed ({why}); the file is kept for the next start")
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    return SpoolReport(path, counts)
