"""The embedded broker's unprocessed records survive a clean worker restart (streams/spool.py), on
real Tansu broker processes: what a group has not committed is saved, a changelog whole, and a new
broker gets each record back in its partition, in order, with its key and headers."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition as TP
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from streams import spool
from streams.broker import EmbeddedBroker
from streams.settings import Settings

pytestmark = pytest.mark.integration

CALLS, CHANGELOG = "calls.completed", "callstream-notify-delivered-changelog"


def create(bootstrap: str, topics: dict[str, int]) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(t, n, 1) for t, n in topics.items()]).values():
        future.result(timeout=15)


def produce(bootstrap: str, records: list[tuple[str, int, bytes, bytes]]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap})
    for topic, partition, key, value in records:
        producer.produce(topic, value, key, partition=partition, headers=[("attempt", key + b"-h")])
    assert producer.flush(15) == 0


def commit(bootstrap: str, group: str, offsets: dict[TP, int]) -> None:
    """Commit as a member of ``group`` (Tansu refuses commits from a consumer outside the group)."""

    async def run() -> None:
        consumer = AIOKafkaConsumer(
            *sorted({tp.topic for tp in offsets}), bootstrap_servers=bootstrap, group_id=group,
            enable_auto_commit=False,
        )  # fmt: skip
        await consumer.start()
        try:
            while not consumer.assignment():
                await asyncio.sleep(0.1)
            await consumer.commit(offsets)
        finally:
            await consumer.stop()

    asyncio.run(run())


Read = dict[tuple[str, int], list[tuple[bytes, bytes, list]]]


def read_all(bootstrap: str, topics: dict[str, int]) -> Read:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "reader", "enable.auto.commit": False})
    out: Read = {}
    try:
        consumer.assign([TopicPartition(t, p, 0) for t, n in topics.items() for p in range(n)])
        idle = 0
        while idle < 10:
            batch = consumer.consume(100, timeout=0.3)
            idle = 0 if batch else idle + 1
            for msg in batch:
                if msg.error() is None:
                    out.setdefault((msg.topic(), msg.partition()), []).append(
                        (msg.key(), msg.value(), msg.headers() or [])
                    )
    finally:
        consumer.close()
    return out


def test_unprocessed_records_and_changelogs_come_back_in_a_new_broker(tmp_path: Path) -> None:
    topics = {CALLS: 2, CHANGELOG: 1, "calls.dlq": 1}
    with EmbeddedBroker() as broker:
        create(broker.bootstrap, topics)
        produce(broker.bootstrap, [(CALLS, 0, f"a{i}".encode(), f"v{i}".encode()) for i in range(5)])
        produce(broker.bootstrap, [(CALLS, 1, f"b{i}".encode(), f"w{i}".encode()) for i in range(3)])
        produce(broker.bootstrap, [(CHANGELOG, 0, f"c{i}".encode(), b"1") for i in range(4)])
        # the group processed two records of partition 0, none of partition 1; a changelog offset a
        # group committed never shortens a table's history
        commit(broker.bootstrap, "callstream", {TP(CALLS, 0): 2, TP(CHANGELOG, 0): 4})
        report = spool.save(broker.bootstrap, "callstream", tmp_path)
    assert report is not None and report.complete
    assert report.records == {CALLS: 6, CHANGELOG: 4}
    assert report.path == tmp_path / spool.SPOOL_NAME
    assert report.path.stat().st_mode & 0o777 == 0o600  # unprocessed calls: the owner's only

    with EmbeddedBroker() as fresh:
        restored = spool.restore(fresh.bootstrap, tmp_path)
        assert restored is not None and restored.total == 10
        got = read_all(fresh.bootstrap, topics)
        # a table restores up to the end offset the broker reports: all four records must be
        # below it (Tansu counts a batch as one record there)
        reader = Consumer({"bootstrap.servers": fresh.bootstrap, "group.id": "ends"})
        try:
            assert reader.get_watermark_offsets(TopicPartition(CHANGELOG, 0), timeout=10)[1] == 4
        finally:
            reader.close()
    assert not (tmp_path / spool.SPOOL_NAME).exists()
    assert [(k, v) for k, v, _ in got[CALLS, 0]] == [(f"a{i}".encode(), f"v{i}".encode()) for i in (2, 3, 4)]
    assert [k for k, _, _ in got[CALLS, 1]] == [b"b0", b"b1", b"b2"]
    assert got[CALLS, 1][0][2] == [("attempt", b"b0-h")]
    assert [k for k, _, _ in got[CHANGELOG, 0]] == [b"c0", b"c1", b"c2", b"c3"]
    assert ("calls.dlq", 0) not in got


def test_nothing_unprocessed_leaves_no_spool(tmp_path: Path) -> None:
    (tmp_path / spool.SPOOL_NAME).write_text("stale\n")  # restored at start, so replaced now
    with EmbeddedBroker() as broker:
        create(broker.bootstrap, {CALLS: 1})
        produce(broker.bootstrap, [(CALLS, 0, b"k", b"v")])
        commit(broker.bootstrap, "callstream", {TP(CALLS, 0): 1})
        assert spool.save(broker.bootstrap, "callstream", tmp_path) is None
    assert not (tmp_path / spool.SPOOL_NAME).exists()


def saved_spool(tmp_path: Path, topics: dict[str, int], records: list[tuple[str, int, bytes, bytes]]) -> Path:
    """A spool written by :func:`spool.save` from a real broker holding ``records``, none processed."""
    with EmbeddedBroker() as broker:
        create(broker.bootstrap, topics)
        produce(broker.bootstrap, records)
        assert spool.save(broker.bootstrap, "callstream", tmp_path) is not None
    return tmp_path / spool.SPOOL_NAME


def test_damaged_lines_are_kept_aside_and_the_others_restored(tmp_path: Path, caplog) -> None:
    """One bad line used to stop every worker start (a crash loop): now it is reported by its line in
    the file and kept aside, and the worker starts with the other records."""
    path = saved_spool(
        tmp_path, {CALLS: 2}, [(CALLS, i % 2, f"k{i}".encode(), f"v{i}".encode()) for i in range(8)]
    )
    lines = path.read_text().splitlines()
    assert len(lines) == 9  # the header, 4 records of partition 0, then 4 of partition 1
    recs = [json.loads(line) for line in lines[1:]]
    recs[1]["v"] = "not base64!"  # line 3
    del recs[2]["t"]  # line 4
    recs[3]["p"] = 9  # line 5: k6, partition 0 of a 2-partition topic
    damaged = [lines[0], *(json.dumps(r, separators=(",", ":")) for r in recs)]
    damaged[-1] = damaged[-1][:30]  # line 9: a torn write
    path.write_text("\n".join(damaged) + "\n")

    with EmbeddedBroker() as fresh, caplog.at_level(logging.WARNING, logger="streams.spool"):
        restored = spool.restore(fresh.bootstrap, tmp_path)
        got = read_all(fresh.bootstrap, {CALLS: 2})
    assert restored is not None
    assert restored.records == {CALLS: 5} and restored.rejected_lines == 3
    assert not path.exists()
    assert restored.rejected is not None and restored.rejected.name.startswith(
        spool.SPOOL_NAME + ".rejected-"
    )
    assert restored.rejected.stat().st_mode & 0o777 == 0o600
    # the header, then each bad line as it was: fixed, the file can be renamed back and restored
    assert restored.rejected.read_text().splitlines() == [damaged[0], damaged[2], damaged[3], damaged[8]]
    assert 'line 3 not restored: "v" is not base64' in caplog.text
    assert "line 4 not restored: no topic" in caplog.text
    assert "line 9 not restored: not JSON" in caplog.text
    assert "line 5: partition 9 of calls.completed does not exist" in caplog.text
    assert "3 line(s)" in caplog.text and str(restored.rejected) in caplog.text
    keys = sorted(k for records in got.values() for k, _, _ in records)
    assert keys == [b"k0", b"k1", b"k3", b"k5", b"k6"]  # k6 by its key, to a partition that exists
    assert [k for k, _, _ in got[CALLS, 1] if k != b"k6"] == [b"k1", b"k3", b"k5"]  # in order


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"format": "something else"}) + "\n",
        '{"format": "callstream-broker-spool/1", "topics": {"calls.compl',  # torn in its header
        "",
    ],
    ids=["other-format", "torn-header", "empty"],
)
def test_a_file_without_a_spool_header_is_moved_aside_and_the_worker_starts(
    tmp_path: Path, caplog, content: str
) -> None:
    path = tmp_path / spool.SPOOL_NAME
    path.write_text(content)
    with EmbeddedBroker() as broker, caplog.at_level(logging.WARNING, logger="streams.spool"):
        assert spool.restore(broker.bootstrap, tmp_path) is None
    assert not path.exists()
    [moved] = tmp_path.glob(spool.SPOOL_NAME + ".unreadable-*")
    assert moved.read_text() == content
    [line] = [r.getMessage() for r in caplog.records]
    assert "not a callstream broker spool" in line and str(moved) in line


def test_records_of_topics_this_worker_does_not_read_are_restored_with_a_warning(
    tmp_path: Path, caplog
) -> None:
    """A spool saved before a CALLSTREAM_TOPIC_PREFIX change: its topics are read by no stage now."""
    saved_spool(tmp_path, {CALLS: 1, CHANGELOG: 1}, [(CALLS, 0, b"k", b"v"), (CHANGELOG, 0, b"a", b"1")])
    with EmbeddedBroker() as fresh, caplog.at_level(logging.WARNING, logger="streams.spool"):
        restored = spool.restore(fresh.bootstrap, tmp_path, settings=Settings(topic_prefix="v2."))
        got = read_all(fresh.bootstrap, {CALLS: 1})
    assert restored is not None and restored.total == 2
    assert restored.unread == [CALLS, CHANGELOG]
    assert (
        f"{CALLS} (1), {CHANGELOG} (1)" in caplog.text
        and "CALLSTREAM_TOPIC_PREFIX (now 'v2.')" in caplog.text
    )
    assert [k for k, _, _ in got[CALLS, 0]] == [b"k"]  # published all the same: nothing dropped


def test_records_of_the_workers_own_topics_restore_without_a_warning(tmp_path: Path, caplog) -> None:
    saved_spool(tmp_path, {CALLS: 1, CHANGELOG: 1}, [(CALLS, 0, b"k", b"v"), (CHANGELOG, 0, b"a", b"1")])
    with EmbeddedBroker() as fresh, caplog.at_level(logging.WARNING, logger="streams.spool"):
        restored = spool.restore(fresh.bootstrap, tmp_path, settings=Settings(topic_prefix=""))
    assert restored is not None and restored.total == 2 and restored.unread == []
    assert restored.rejected is None and not caplog.records


# --- the worker's embedded broker: saved however the worker's block ends (operator trial) -----------


def embedded(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", kafka_bootstrap=None)


def test_an_interrupt_inside_the_workers_block_still_saves_the_unprocessed(tmp_path: Path) -> None:
    """A Ctrl-C once Faust's loop is gone raises KeyboardInterrupt in the worker's block: the records
    the embedded broker held were lost (the save came after the block, and was skipped)."""
    from streams import worker

    settings = embedded(tmp_path)
    with pytest.raises(KeyboardInterrupt), worker.kafka(settings, keep_unprocessed=True) as bootstrap:
        create(bootstrap, {CALLS: 1})
        produce(bootstrap, [(CALLS, 0, f"k{i}".encode(), b"v") for i in range(3)])
        raise KeyboardInterrupt
    saved = spool.spool_path(settings.data_dir)
    assert saved.exists()
    with EmbeddedBroker() as fresh:
        restored = spool.restore(fresh.bootstrap, settings.data_dir)
        assert restored is not None and restored.records == {CALLS: 3}


def test_a_stop_signal_during_the_save_waits_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
) -> None:
    """A second Ctrl-C or a SIGTERM while the unprocessed records are saved is said and ignored: the
    save finishes (the broker, and what it holds, dies with the process)."""
    import os
    import signal
    import time

    from streams import worker

    real = worker._save_unprocessed

    def interrupted_save(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)  # the handlers run here, between bytecodes of the main thread
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(worker, "_save_unprocessed", interrupted_save)
    settings = embedded(tmp_path)
    before = signal.getsignal(signal.SIGINT)  # SIG_IGN where the run started in the background
    with worker.kafka(settings, keep_unprocessed=True) as bootstrap:
        create(bootstrap, {CALLS: 1})
        produce(bootstrap, [(CALLS, 0, b"k", b"v")])
    assert spool.spool_path(settings.data_dir).exists()
    err = capfd.readouterr().err
    assert "SIGINT ignored while saving the embedded broker's unprocessed records" in err
    assert "SIGTERM ignored while saving" in err
    assert signal.getsignal(signal.SIGINT) is before  # restored after the save
