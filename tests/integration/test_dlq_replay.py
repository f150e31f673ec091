"""``callstream dlq``: a call dead-lettered for a recording that was not there yet is replayed once
the file arrives, on a real broker process and a real chDB engine, and goes through every stage."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import pytest
from confluent_kafka import Producer

from connectors.events import SAMPLES_DIR
from processors.rows import TABLE_COLUMNS, dead_letter_row
from schemas.codec import SingleObjectCodec
from streams import dlq, spool
from streams.app import Runtime
from streams.broker import EmbeddedBroker
from streams.cli import main
from streams.demo import Outcome, process
from streams.settings import Settings
from streams.topics import COMPLETED
from tests.factories import make_dead_letter
from tests.integration.test_pipeline import read_topic, sample_call

pytestmark = pytest.mark.integration

CODEC = SingleObjectCodec()


def run(settings: Settings, bootstrap: str, feed, ids: list[str], since: int = 0) -> Outcome:
    return asyncio.run(process(settings, bootstrap, feed, ids, timeout=240, progress=None, since=since))


def use_cli_env(monkeypatch, **values: str) -> None:
    """Only these CALLSTREAM_* settings (short names) for the `callstream` commands run in-process."""
    for name in [n for n in os.environ if n.startswith("CALLSTREAM_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(f"CALLSTREAM_{name}", value)


def store_letters(client, letters: list[dict], version: int = 1) -> None:
    """Write dead letters (DeadLetter dicts, tests.factories.make_dead_letter) as the sink does."""
    rows = [dead_letter_row(letter, version) for letter in letters]
    client.insert(
        "dead_letters",
        [[row[c] for c in TABLE_COLUMNS["dead_letters"]] for row in rows],
        column_names=TABLE_COLUMNS["dead_letters"],
    )


def test_a_late_recording_is_replayed_and_the_call_goes_through(
    chdb_dsn, chdb_client, tmp_path: Path, monkeypatch, capsys
) -> None:
    prefix = f"dlq-{uuid.uuid4().hex[:8]}."
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    settings = Settings(
        data_dir=tmp_path / "data",
        clickhouse_dsn=chdb_dsn,
        topic_prefix=prefix,
        partitions=2,
        recording_roots=[recordings],
        metrics_port=0,
    )
    late = sample_call(f"{prefix}late", (recordings / "late.wav").as_uri())
    garbage = (f"{prefix}garbage", b"\x00\x01 not avro")

    def feed(rt: Runtime) -> None:
        producer = Producer({"bootstrap.servers": rt.bootstrap, "acks": "all"})
        completed = settings.topic(COMPLETED.name)
        producer.produce(completed, key=late["call_id"].encode(), value=CODEC.encode("CallCompleted", late))
        producer.produce(completed, key=garbage[0].encode(), value=garbage[1])
        assert producer.flush(30) == 0

    ids = [late["call_id"], garbage[0]]
    with EmbeddedBroker() as broker:
        first = run(settings, broker.bootstrap, feed, ids)
        assert first.dead[late["call_id"]][1:3] == ("transcribe", "RecordingNotFound"), first.dead

        mine = dlq.LetterFilter(call_ids=tuple(ids))
        letters = {letter.call_id: letter for letter in dlq.fetch(chdb_client, mine)}
        assert letters[late["call_id"]].status == "open"
        # the record as it was read, bytes for bytes, for the replay to send
        assert letters[garbage[0]].payload == garbage[1]
        assert CODEC.decode("CallCompleted", letters[late["call_id"]].payload)["call_id"] == late["call_id"]

        shutil.copy(SAMPLES_DIR / "sample-en-sale.wav", recordings / "late.wav")  # the file arrives
        since = int(time.time() * 1000)
        use_cli_env(
            monkeypatch,
            KAFKA_BOOTSTRAP=broker.bootstrap,
            CLICKHOUSE_DSN=chdb_dsn,
            TOPIC_PREFIX=prefix,
            PARTITIONS="2",
            DATA_DIR=str(tmp_path / "cli-data"),
        )
        # only the recording errors: the garbage would only fail again
        chosen = ["--error-class", "RecordingNotFound", "--call-id", ids[0], "--call-id", ids[1]]
        assert main(["dlq", "replay", "--dry-run", *chosen]) == 0
        assert "1 dead letter(s) would be replayed; nothing sent" in capsys.readouterr().err
        assert main(["dlq", "replay", *chosen]) == 0
        assert f"replayed {late['call_id']} (transcribe: RecordingNotFound)" in capsys.readouterr().err

        # sent once: a second replay skips it unless told --again
        topics = dlq.replay_topics(settings)
        recording = dlq.LetterFilter(call_ids=tuple(ids), error_class="RecordingNotFound")
        again = dlq.plan(dlq.fetch(chdb_client, recording), topics, again=False)
        assert not again.replayed and "replayed 1x already" in again.skipped[0][1]

        second = run(settings, broker.bootstrap, lambda rt: None, [late["call_id"]], since=since)
        assert late["call_id"] in second.done, (second.done, second.dead)

    words = chdb_client.query(
        "SELECT words, price_mentions FROM calls FINAL WHERE call_id = %(id)s",
        parameters={"id": late["call_id"]},
    ).result_rows
    assert words and words[0][0] > 20 and words[0][1] == 2, words
    after = {letter.call_id: letter for letter in dlq.fetch(chdb_client, mine)}
    assert after[late["call_id"]].status == "resolved"  # the call reached `calls` after it failed
    assert after[garbage[0]].status == "open"
    assert len(dlq.plan(after.values(), topics, again=True).replayed) == 2  # --again would send both
    assert (
        main(["dlq", "list", "--format", "json", "--payload", "--call-id", ids[0], "--call-id", ids[1]]) == 0
    )
    listed = {row["call_id"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert {call: row["status"] for call, row in listed.items()} == {
        late["call_id"]: "resolved",
        garbage[0]: "open",
    }
    replayed = listed[late["call_id"]]
    assert (
        replayed["replays"] == 1 and replayed["last_replayed_by"] and replayed["why_not_replayable"] is None
    )
    assert listed[garbage[0]]["payload_bytes"] == len(garbage[1]) and listed[garbage[0]]["offset"] >= 0
    # --payload: the record the stage read, decoded; bytes no codec reads say why
    assert replayed["payload"]["call_id"] == late["call_id"] and replayed["payload"]["tenant"] == "it"
    assert listed[garbage[0]]["payload"].startswith("(not a readable CallCompleted: ")
    replays = chdb_client.query(
        "SELECT count(), any(stage), any(replayed_by) != '' FROM dead_letter_replays WHERE call_id = %(id)s",
        parameters={"id": late["call_id"]},
    ).result_rows
    assert replays == [(1, "transcribe", True)]


def test_without_a_broker_the_records_wait_in_the_spool_for_the_next_worker(
    chdb_dsn, chdb_client, tmp_path: Path, monkeypatch, capsys
) -> None:
    """The embedded broker lives only inside a worker: a replay queues the records in the data
    folder's broker spool, which a worker start publishes, each to the partition it was read from."""
    prefix = f"spool-{uuid.uuid4().hex[:8]}."
    letters = [
        make_dead_letter(
            offset, topic=f"{prefix}calls.transcribed", payload=b"\xc3\x01transcript %d" % offset
        )
        for offset in (3, 4)
    ]
    letters[1] |= {"call_id": f"{prefix}b", "key": f"{prefix}b".encode(), "partition": 0}
    letters[0] |= {"call_id": f"{prefix}a", "key": f"{prefix}a".encode()}  # partition 2
    store_letters(chdb_client, letters)
    data = tmp_path / "data"
    use_cli_env(monkeypatch, CLICKHOUSE_DSN=chdb_dsn, TOPIC_PREFIX=prefix, DATA_DIR=str(data))

    assert main(["dlq", "replay", "--call-id", f"{prefix}a", "--call-id", f"{prefix}b"]) == 0
    err = capsys.readouterr().err
    assert "2 dead letter(s) queued; in " in err and "the next `callstream worker`" in err, err
    assert main(["dlq", "replay", "--call-id", f"{prefix}a"]) == 0  # queued once: not twice
    assert "replayed 1x already" in capsys.readouterr().err

    with EmbeddedBroker() as broker:
        report = spool.restore(broker.bootstrap, data)
        assert report is not None and report.records == {f"{prefix}calls.transcribed": 2}
        got = read_topic(broker.bootstrap, f"{prefix}calls.transcribed", 2)
    assert sorted((m.partition(), m.key(), m.value()) for m in got) == [
        (0, f"{prefix}b".encode(), b"\xc3\x01transcript 4"),
        (2, f"{prefix}a".encode(), b"\xc3\x01transcript 3"),
    ]
    assert not spool.spool_path(data).exists()  # published, then removed
