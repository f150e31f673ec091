"""Keep the embedded broker's unprocessed records across a worker restart.

The embedded broker (Tansu, memory storage only: see ENVIRONMENT.md) forgets every record when it
stops, so a call published to a stand-alone ``callstream worker`` and not yet through every stage
would vanish on a restart. On a clean stop, once Faust has committed its offsets, :func:`save`
writes what the worker's consumer group has not committed (and every table changelog whole, so the
alert cool-down and delivery tables come back) to ``<data dir>/broker-spool.jsonl``; the next
worker start :func:`restore`\\ s it into the new broker before any agent reads. The group's
committed offsets are not carried over: the restored tail starts at offset 0 of each partition,
where a group without commits starts reading (``auto_offset_reset=earliest``).

A damaged spool never keeps the worker from starting (a crash loop under systemd or Kubernetes): a
line that cannot be restored is reported with its line number and kept aside, with the header, in
``broker-spool.jsonl.rejected-<time>``; a file whose first line is not a spool header is moved aside
whole, to ``broker-spool.jsonl.unreadable-<time>``. Records restored to topics that no stage of this
worker's configuration reads (saved under another ``CALLSTREAM_TOPIC_PREFIX`` or app id) are published
all the same, with a warning that names them.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confluent_kafka import OFFSET_INVALID, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from streams.settings import Settings
from streams.topics import ALL, COOLDOWN_TABLE, DELIVERED_TABLE

log = logging.getLogger(__name__)

SPOOL_NAME = "broker-spool.jsonl"
#: The spool file's first line says what it is; a file without it is moved aside, not restored.
FORMAT = "callstream-broker-spool/1"
#: Faust's table changelogs: read whole when restoring a table, whatever any group committed.
CHANGELOG_SUFFIX = "-changelog"
#: The Faust tables' names before the topic prefix: their changelogs are
#: ``<app id>-<prefix><table>-changelog``.
TABLES = (COOLDOWN_TABLE, DELIVERED_TABLE)
#: Bad lines logged one by one at a restore; the rest are counted (all of them are in the rejected file).
MAX_LOGGED_LINES = 20


class SpoolError(RuntimeError):
    """The broker did not take the spool back (the file stays for the next try)."""


@dataclass
class SpoolReport:
    """What :func:`save` wrote or :func:`restore` published: records per topic."""

    path: Path
    records: dict[str, int]
    complete: bool = True
    #: :func:`restore`: where the lines it could not restore were kept (None: every line was).
    rejected: Path | None = None
    rejected_lines: int = 0
    #: :func:`restore`: restored topics that no stage of the worker's configuration reads.
    unread: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.records.values())

    def summary(self, changelogs: bool | None = None) -> str:
        """``topic count, ...``; ``changelogs``: only the table changelogs (True) or only the others."""
        return ", ".join(
            f"{topic} {count}"
            for topic, count in sorted(self.records.items())
            if count and (changelogs is None or topic.endswith(CHANGELOG_SUFFIX) == changelogs)
        )

    def kept(self) -> str:
        """What :func:`save` kept, in words: the alert tables' changelogs are state, not records a
        stage has still to process (after a run that processed everything they are all there is)."""
        state = sum(n for topic, n in self.records.items() if topic.endswith(CHANGELOG_SUFFIX))
        parts = []
        if pending := self.total - state:
            parts.append(f"{pending} unprocessed record(s) ({self.summary(changelogs=False)})")
        if state:
            parts.append(f"{state} record(s) of the alert tables' state ({self.summary(changelogs=True)})")
        return " and ".join(parts)


def spool_path(data_dir: Path) -> Path:
    return data_dir / SPOOL_NAME


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError(f"{type(text).__name__}, not base64 text")
    return base64.b64decode(text, validate=True)  # binascii.Error is a ValueError


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


def append(data_dir: Path, records: list[tuple[str, int, bytes | None, bytes]], partitions: int) -> Path:
    """Add records (topic, partition, key, value) to the spool, for the next worker start to publish
    (``callstream dlq replay`` without a broker). The header gains their topics (``partitions`` each)
    and the file is rewritten atomically, owner only; a spool a worker could not read is refused
    (:class:`SpoolError`) rather than replaced. No worker may run on ``data_dir`` meanwhile: its stop
    would write the spool anew."""
    path = spool_path(data_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    lines = data.split(b"\n") if data else []
    topics: dict[str, int] = {}
    if lines:
        try:
            topics = _header(lines[0])
        except ValueError as exc:
            raise SpoolError(
                f"{path} is not a spool a worker can restore ({exc}); move it aside first"
            ) from exc
        lines = [line for line in lines[1:] if line.strip()]
    for topic, _, _, _ in records:
        topics.setdefault(topic, partitions)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            out.write(json.dumps({"format": FORMAT, "topics": topics}).encode() + b"\n")
            for line in lines:
                out.write(line + b"\n")
            for topic, partition, key, value in records:
                line = {
                    "t": topic,
                    "p": max(partition, 0),
                    "k": _b64(key),
                    "v": _b64(value),
                    "h": [],
                    "ts": 0,
                }
                out.write(json.dumps(line, separators=(",", ":")).encode() + b"\n")
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


@dataclass
class _Record:
    line: int  # in the spool file, from 1 (the header)
    topic: str
    partition: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes | None]]
    timestamp: int


@dataclass
class _Rejected:
    line: int
    text: bytes  # the line as it was in the file
    reason: str


def _record(number: int, text: bytes, topics: dict[str, int]) -> _Record:
    """One spool line, checked whole before anything is produced; ValueError says what is wrong."""
    try:
        rec = json.loads(text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text at byte {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg}, column {exc.colno})") from exc
    if not isinstance(rec, dict):
        raise ValueError(f"a JSON {type(rec).__name__}, not a record")
    topic, partition, timestamp = rec.get("t"), rec.get("p"), rec.get("ts", 0)
    if not isinstance(topic, str) or not topic:
        raise ValueError('no topic ("t")')
    if topic not in topics:
        raise ValueError(f"topic {topic!r} is not in the spool's header")
    if isinstance(partition, bool) or not isinstance(partition, int) or partition < 0:
        raise ValueError(f'no partition ("p": {partition!r})')
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | None):
        raise ValueError(f'timestamp ("ts") {timestamp!r} is not a whole number')
    fields: dict[str, bytes | None] = {}
    for name in ("k", "v"):
        try:
            fields[name] = _unb64(rec.get(name))
        except ValueError as exc:
            raise ValueError(f'"{name}" is not base64: {exc}') from exc
    headers = rec.get("h") or []
    if not isinstance(headers, list):
        raise ValueError('headers ("h") are not a list')
    decoded: list[tuple[str, bytes | None]] = []
    for header in headers:
        if not (isinstance(header, list) and len(header) == 2 and isinstance(header[0], str)):
            raise ValueError(f"header {header!r} is not [name, value]")
        try:
            decoded.append((header[0], _unb64(header[1])))
        except ValueError as exc:
            raise ValueError(f"header {header[0]!r} is not base64: {exc}") from exc
    return _Record(number, topic, partition, fields["k"], fields["v"], decoded, timestamp or 0)


def _header(first: bytes) -> dict[str, int]:
    """The topics (name: partition count) of a spool's first line; ValueError when it is none."""
    try:
        header = json.loads(first.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"its first line is not JSON ({exc})") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"its first line is not a {FORMAT} header ({first[:80]!r})")
    topics = header.get("topics")
    if not isinstance(topics, dict) or not all(
        isinstance(name, str) and type(count) is int and count > 0 for name, count in topics.items()
    ):
        raise ValueError("its header has no valid topic list")
    return topics


def _parse(data: bytes) -> tuple[bytes, dict[str, int], list[_Record], list[_Rejected]]:
    """The header line, its topics, the good records and the bad lines of a spool's content.
    ValueError when the header is unusable (then no line can be trusted to a topic)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        raise ValueError("it is empty")
    topics = _header(lines[0])
    good: list[_Record] = []
    bad: list[_Rejected] = []
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        try:
            good.append(_record(number, text, topics))
        except ValueError as exc:
            bad.append(_Rejected(number, text, str(exc)))
    return lines[0], topics, good, bad


def _aside(path: Path, what: str) -> Path:
    """A new name next to ``path`` for a file kept aside: ``<name>.<what>-<UTC time>[-n]``."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for n in range(1, 1000):
        candidate = path.with_name(f"{path.name}.{what}-{stamp}" + (f"-{n}" if n > 1 else ""))
        if not candidate.exists():
            return candidate
    raise SpoolError(f"no free name to keep {path} aside")


def _keep_rejected(path: Path, header: bytes, bad: list[_Rejected]) -> Path:
    """Write the header and the bad lines, verbatim, to a new file next to the spool (owner only: they
    hold unprocessed calls). Fixed, it can be renamed to the spool's name to be restored."""
    target = _aside(path, "rejected")
    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(header + b"\n")
        for rejected in bad:
            out.write(rejected.text + b"\n")
        out.flush()
        os.fsync(out.fileno())
    return target


def _log_rejected(path: Path, bad: list[_Rejected], kept: Path) -> None:
    for rejected in bad[:MAX_LOGGED_LINES]:
        log.warning("%s line %d not restored: %s", path, rejected.line, rejected.reason)
    more = f" ({len(bad) - MAX_LOGGED_LINES} more not listed)" if len(bad) > MAX_LOGGED_LINES else ""
    log.warning(
        "%d line(s) of %s could not be restored%s; they are kept in %s (fix them and rename the file "
        "to %s to restore them at the next start)",
        len(bad),
        path,
        more,
        kept,
        path.name,
    )


def read_topics(settings: Settings) -> set[str]:
    """The topics the stages of ``settings``' configuration read: its prefixed topics and the table
    changelogs of its app id."""
    names = {settings.topic(spec.name) for spec in ALL}
    return names | {f"{settings.app_id}-{settings.topic(table)}{CHANGELOG_SUFFIX}" for table in TABLES}


def restore(
    bootstrap: str, data_dir: Path, timeout: float = 60.0, *, settings: Settings | None = None
) -> SpoolReport | None:
    """Publish the spool into the (new, empty) broker at ``bootstrap``, each record to its topic and
    partition with its key, headers and timestamp, then remove the file. None when there is none, or
    when it has no spool header (it is then moved aside and a warning says where).

    A line that cannot be restored (not JSON, a field missing or not base64, a topic not in the
    header, a record the broker refuses) is logged with its line number and kept, with the header,
    in a ``.rejected-<time>`` file next to the spool; the other lines are restored. With ``settings``,
    restored topics that none of its stages read (another ``CALLSTREAM_TOPIC_PREFIX``) are named in a
    warning. :class:`SpoolError` when the broker does not take the records (topics not created,
    deliveries timed out): the file stays for the next start."""
    path = spool_path(data_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SpoolError(f"cannot read {path}: {exc}") from exc
    try:
        header, topics, records, bad = _parse(data)
    except ValueError as exc:
        moved = _aside(path, "unreadable")
        path.replace(moved)
        log.warning(
            "%s is not a callstream broker spool: %s; moved to %s, nothing restored", path, exc, moved
        )
        return None
    admin = AdminClient({"bootstrap.servers": bootstrap})
    existing = admin.list_topics(timeout=10.0).topics
    missing = [NewTopic(name, count, 1) for name, count in topics.items() if name not in existing]
    if missing:
        for name, future in admin.create_topics(missing, operation_timeout=10.0).items():
            try:
                future.result(timeout=15.0)
            except KafkaException as exc:
                raise SpoolError(f"cannot create topic {name} to restore {path}: {exc}") from exc
    partitions = {name: len(meta.partitions) for name, meta in admin.list_topics(timeout=10.0).topics.items()}
    refused: list[_Rejected] = []

    def delivered(record: _Record, text: bytes) -> Any:
        def report(err: Any, msg: Any) -> None:
            if err is not None:
                refused.append(_Rejected(record.line, text, f"the broker refused it: {err}"))

        return report

    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "enable.idempotence": False,
            "linger.ms": 20,
            "acks": "all",
            # a record whose partition is beyond its topic's count goes where the pipeline's own
            # producers (aiokafka, Java's default) would put its key, next to that call's other records
            "partitioner": "murmur2_random",
        }
    )
    lines = data.split(b"\n")
    counts: dict[str, int] = {}
    for rec in records:
        # The partition beyond the topic's count (the header's count, or a damaged "p"): the record
        # is still a call to process, so it is produced key-hashed to a partition that exists rather
        # than kept aside, where nothing would process it; a call's records share one key, so they
        # land together (its order against the records already in that partition is not kept).
        partition = rec.partition if rec.partition < partitions.get(rec.topic, 0) else None
        if partition is None:
            log.warning(
                "%s line %d: partition %d of %s does not exist (%d partition(s)); produced by its key",
                path,
                rec.line,
                rec.partition,
                rec.topic,
                partitions.get(rec.topic, 0),
            )
        kwargs: dict[str, Any] = {"timestamp": rec.timestamp} if rec.timestamp > 0 else {}
        if partition is not None:
            kwargs["partition"] = partition
        while True:
            try:
                producer.produce(
                    rec.topic,
                    value=rec.value,
                    key=rec.key,
                    headers=rec.headers or None,
                    on_delivery=delivered(rec, lines[rec.line - 1]),
                    **kwargs,
                )
                break
            except BufferError:  # the local queue is full: let deliveries drain it
                producer.poll(0.1)
            except (KafkaException, ValueError, TypeError) as exc:  # e.g. a record over the size limit
                refused.append(_Rejected(rec.line, lines[rec.line - 1], f"not produced: {exc}"))
                break
        if rec.topic.endswith(CHANGELOG_SUFFIX):
            # Each changelog record its own batch: Tansu reports a partition's end offset as the
            # start of its last batch + 1, and Faust restores a table only up to that end, so the
            # later records of a batch would be lost to the table (docs/decisions/0005).
            producer.flush(timeout)
        counts[rec.topic] = counts.get(rec.topic, 0) + 1
    left = producer.flush(timeout)
    if left:
        raise SpoolError(
            f"restoring {path} failed ({left} record(s) not delivered in {timeout:g} s); "
            "the file is kept for the next start"
        )
    topic_of = {rec.line: rec.topic for rec in records}
    for rejected in refused:
        counts[topic_of[rejected.line]] -= 1
    bad = sorted(bad + refused, key=lambda rejected: rejected.line)
    kept = _keep_rejected(path, header, bad) if bad else None
    if kept is not None:
        _log_rejected(path, bad, kept)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    report = SpoolReport(path, counts, rejected=kept, rejected_lines=len(bad))
    if settings is not None:
        read = read_topics(settings)
        report.unread = sorted(topic for topic, count in counts.items() if count and topic not in read)
        if report.unread:
            log.warning(
                "restored records to topic(s) that no stage of this worker reads: %s; they were saved "
                "under another CALLSTREAM_TOPIC_PREFIX (now %r) or CALLSTREAM_APP_ID (now %r): run a "
                "worker with the old setting to process them (until then each stop saves them again)",
                ", ".join(f"{topic} ({counts[topic]})" for topic in report.unread),
                settings.topic_prefix,
                settings.app_id,
            )
    return report
