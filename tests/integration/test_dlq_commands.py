"""``callstream dlq dismiss``, ``list --status`` / ``--error-class`` and ``export`` on a real chDB
engine, with the records they let through checked on a real broker process: a dismissed letter
stays out of a replay until ``--again``; an exported call is published again as it was."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from connectors.events import read_jsonl
from streams import dlq, spool
from streams.broker import EmbeddedBroker
from streams.cli import main
from streams.settings import Settings
from tests.factories import make_dead_letter
from tests.integration.test_dlq_replay import CODEC, store_letters, use_cli_env
from tests.integration.test_pipeline import read_topic, sample_call

pytestmark = pytest.mark.integration


def listed(capsys, *args: str) -> dict[str, dict]:
    """``dlq list --format json ARGS``, by call id."""
    assert main(["dlq", "list", "--format", "json", *args]) == 0
    return {row["call_id"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}


def test_a_dismissed_letter_is_audited_listed_and_left_out_of_replays(
    chdb_dsn, chdb_client, tmp_path: Path, monkeypatch, capsys
) -> None:
    prefix = f"dis-{uuid.uuid4().hex[:8]}."
    tenant = prefix.rstrip(".")
    completed = f"{prefix}calls.completed"
    ids = {name: f"{prefix}{name}" for name in ("late", "test", "line", "done", "again")}
    letters = []
    for offset, (name, error) in enumerate(
        [
            ("late", "RecordingNotFound"),
            ("test", "FileNotFoundError"),
            ("line", "InvalidCall"),
            ("done", "RecordingNotFound"),
            ("again", "RecordingNotFound"),
        ]
    ):
        letter = make_dead_letter(offset, topic=completed, payload=b"\xc3\x01call %d" % offset)
        letter |= {"call_id": ids[name], "key": ids[name].encode(), "tenant": tenant, "error_class": error}
        letter |= {"stage": "transcribe", "partition": 0}
        letters.append(letter)
    letters[2] |= {"topic": "calls.jsonl", "partition": -1, "stage": "publish", "payload": b'{"call_id": 1'}
    store_letters(chdb_client, letters)
    failed_ms = int(letters[0]["failed_at"].timestamp() * 1000)
    # `done` reached `calls` after it failed; `again` failed again after a replay
    chdb_client.insert(
        "calls", [[ids["done"], tenant, failed_ms + 60_000]], column_names=["call_id", "tenant", "_version"]
    )
    key = [letters[4][c] for c in ("topic", "partition", "offset", "stage")]
    hashes = {x.call_id: x.payload_hash for x in dlq.fetch(chdb_client, dlq.LetterFilter(tenant=tenant))}
    chdb_client.insert(
        "dead_letter_replays",
        [
            [
                *key,
                hashes[ids["again"]],
                ids["again"],
                tenant,
                letters[4]["failed_at"] - timedelta(minutes=1),
                "x",
            ]
        ],
        column_names=[
            "topic",
            "partition",
            "offset",
            "stage",
            "payload_hash",
            "call_id",
            "tenant",
            "replayed_at",
            "replayed_by",
        ],
    )
    data = tmp_path / "data"
    use_cli_env(monkeypatch, CLICKHOUSE_DSN=chdb_dsn, TOPIC_PREFIX=prefix, DATA_DIR=str(data))

    # dismiss: a dry run records nothing; then one audit row; a second dismissal skips it
    dismiss = ["dlq", "dismiss", "--call-id", ids["test"], "--reason", "a test call from QA"]
    assert main([*dismiss, "--dry-run"]) == 0
    assert "1 dead letter(s) would be dismissed; nothing recorded" in capsys.readouterr().err
    assert listed(capsys, "--tenant", tenant)[ids["test"]]["status"] == "open"
    assert main(dismiss) == 0
    assert f"dismissed {ids['test']} (transcribe: FileNotFoundError)" in capsys.readouterr().err
    assert main(dismiss) == 0
    assert "dismissed already by " in capsys.readouterr().err
    audit = chdb_client.query(
        "SELECT call_id, tenant, reason, dismissed_by != '', stage, offset FROM dead_letter_dismissals "
        "WHERE tenant = %(t)s",
        parameters={"t": tenant},
    ).result_rows
    assert audit == [(ids["test"], tenant, "a test call from QA", True, "transcribe", 1)]

    # list: the status, the reason in json; --status filters before the limit
    shown = listed(capsys, "--tenant", tenant)
    assert {call: row["status"] for call, row in shown.items()} == {
        ids["late"]: "open",
        ids["test"]: "dismissed",
        ids["line"]: "not replayable",
        ids["done"]: "resolved",
        ids["again"]: "failed again after 1 replay(s)",
    }
    assert shown[ids["test"]]["dismissed_reason"] == "a test call from QA"
    assert shown[ids["test"]]["dismissed_by"] and shown[ids["late"]]["dismissed_reason"] is None
    assert list(listed(capsys, "--tenant", tenant, "--status", "dismissed")) == [ids["test"]]
    assert set(listed(capsys, "--tenant", tenant, "--status", "open,not-replayable")) == {
        ids["late"],
        ids["line"],
    }
    # the newest (the last in order here) failed-again letter, not the failed-again ones of the newest 1
    assert list(listed(capsys, "--tenant", tenant, "--status", "failed-again", "--limit", "1")) == [
        ids["again"]
    ]
    # the SQL status and Letter.state agree on every state
    topics = dlq.replay_topics(Settings(topic_prefix=prefix))
    everyone = dlq.fetch(chdb_client, dlq.LetterFilter(tenant=tenant))
    for state in dlq.STATES:
        chosen = dlq.LetterFilter(tenant=tenant, statuses=(state,), topics=topics)
        got = {x.call_id for x in dlq.fetch(chdb_client, chosen)}
        assert got == {x.call_id for x in everyone if x.state(topics) == state}, state
        assert state == "replayed" or got, state  # each state but `replayed` has its letter here

    # --error-class: any case; a class no letter has is named with those there
    assert list(listed(capsys, "--tenant", tenant, "--error-class", "filenotfounderror")) == [ids["test"]]
    assert main(["dlq", "list", "--tenant", tenant, "--error-class", "FileNotFound"]) == 0
    out, err = capsys.readouterr()
    assert "(0 rows)" in out
    assert "no dead letters of error class 'FileNotFound'; the error classes there are: " in err
    assert "RecordingNotFound (3), FileNotFoundError (1), InvalidCall (1)" in err

    # dismiss --status: only the letters of that status
    by_status = ["dlq", "dismiss", "--tenant", tenant, "--status", "not-replayable", "--reason", "x"]
    assert main([*by_status, "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert f"would dismiss {ids['line']} (publish: InvalidCall)" in err
    assert "1 dead letter(s) would be dismissed; nothing recorded" in err

    # replay without a selector is refused; its dry run says what would go (other tests' letters too)
    assert main(["dlq", "replay"]) == 2
    assert "no letters named; narrow with " in capsys.readouterr().err
    assert main(["dlq", "replay", "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert f"would replay {ids['late']} (" in err and f"would replay {ids['again']} (" in err
    assert "; nothing sent" in err
    # every letter's recording is still missing: the hint says so instead of offering `replay --all`
    assert "would fail again as things stand: fix the cause first" in err and "replay --all`" not in err
    # --status failed-again: only what failed again after its replay goes
    assert main(["dlq", "replay", "--tenant", tenant, "--status", "failed-again"]) == 0
    err = capsys.readouterr().err
    assert f"queued {ids['again']} (" in err and "1 dead letter(s) queued" in err
    assert ids["late"] not in err
    # --all skips the dismissed letter (and the resolved, the refused line, the replayed) until --again
    assert main(["dlq", "replay", "--all"]) == 0
    err = capsys.readouterr().err
    assert f"skipped {ids['test']} (transcribe: FileNotFoundError) from {completed}: dismissed: a test" in err
    assert f"skipped {ids['again']} (transcribe: RecordingNotFound) from {completed}: replayed 2x" in err
    assert f"queued {ids['late']} (" in err and "1 dead letter(s) queued" in err
    assert main(["dlq", "replay", "--call-id", ids["test"], "--again"]) == 0
    assert "1 dead letter(s) queued" in capsys.readouterr().err
    # replayed after its dismissal: the replay's outcome counts now
    assert (
        listed(capsys, "--call-id", ids["test"])[ids["test"]]["status"]
        == "replayed 1x (last one queued in the spool)"
    )

    with EmbeddedBroker() as broker:
        assert spool.restore(broker.bootstrap, data) is not None
        got = read_topic(broker.bootstrap, completed, 3)
    assert sorted(m.key().decode() for m in got) == sorted([ids["late"], ids["again"], ids["test"]])
    # a worker published the spool: the replay waits in it no longer
    assert listed(capsys, "--call-id", ids["test"])[ids["test"]]["status"] == "replayed 1x"


def test_exported_calls_are_published_again_as_they_were(
    chdb_dsn, chdb_client, tmp_path: Path, monkeypatch, capsys
) -> None:
    """An integrator exports the failed calls, corrects a field and publishes them: `publish` takes
    the lines as they are, and the broker gets the call again (received now, not when it failed)."""
    prefix = f"exp-{uuid.uuid4().hex[:8]}."
    tenant = prefix.rstrip(".")
    call = sample_call(f"{prefix}call", "file:///recordings/missing.wav", tenant=tenant)
    letters = [
        make_dead_letter(1, topic=f"{prefix}calls.completed", payload=CODEC.encode("CallCompleted", call)),
        make_dead_letter(2, topic=f"{prefix}calls.transcribed", payload=b"\xc3\x01transcript"),
        make_dead_letter(3, topic="calls.jsonl", payload=b'{"call_id": "' + prefix.encode() + b'line",'),
    ]
    stages = ("transcribe", "filter", "publish")
    for letter, stage, name in zip(letters, stages, ("call", "transcript", "line"), strict=True):
        letter |= {"stage": stage, "tenant": tenant, "call_id": f"{prefix}{name}", "key": None}
    letters[2]["partition"] = -1
    for order, letter in enumerate(letters):  # exported in failure order
        letter["failed_at"] += timedelta(seconds=order)
    store_letters(chdb_client, letters)
    use_cli_env(monkeypatch, CLICKHOUSE_DSN=chdb_dsn, TOPIC_PREFIX=prefix, DATA_DIR=str(tmp_path / "data"))

    everything = tmp_path / "all.jsonl"
    assert main(["dlq", "export", "--tenant", tenant, "-o", str(everything)]) == 0
    err = capsys.readouterr().err
    assert (
        f"skipped {prefix}transcript (filter: SchemaError) from {prefix}calls.transcribed: its record" in err
    )
    assert f"exported 2 call(s) to {everything}; 1 dead letter(s) skipped, with the reason above" in err
    exported = everything.read_bytes().splitlines()
    assert exported[1] == b'{"call_id": "' + prefix.encode() + b'line",'  # the refused line as it was
    # publish's own check: the call is valid, the refused line still is not (fix it, then publish)
    assert main(["publish", "--dry-run", str(everything)]) == 1
    err = capsys.readouterr().err
    assert "dry run: 1 valid call(s), 1 bad line(s)" in err and f"{everything}:2: invalid JSON" in err

    # --status in SQL before --limit: the newest letter is the one not replayable, the refused line
    refused = tmp_path / "refused.jsonl"
    export = ["dlq", "export", "--tenant", tenant, "--status", "not-replayable", "--limit", "1"]
    assert main([*export, "-o", str(refused)]) == 0
    assert f"exported 1 call(s) to {refused}" in capsys.readouterr().err
    assert refused.read_bytes() == b'{"call_id": "' + prefix.encode() + b'line",\n'
    assert main(["dlq", "export", "--tenant", tenant, "--status", "open", "-o", str(refused)]) == 0
    assert "exported 1 call(s)" in capsys.readouterr().err  # the call; the transcript is skipped

    calls = tmp_path / "calls.jsonl"
    assert main(["dlq", "export", "--tenant", tenant, "--stage", "transcribe", "-o", str(calls)]) == 0
    [line] = list(read_jsonl(calls.read_bytes().splitlines(keepends=True)))
    fixed = dict(line.record, recording_uri="file:///recordings/found.wav")  # the field the integrator fixes
    assert {k: v for k, v in line.record.items() if k != "received_at"} == {
        k: v for k, v in call.items() if k != "received_at"
    }
    calls.write_text(json.dumps(fixed, default=str) + "\n")
    with EmbeddedBroker() as broker:
        monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", broker.bootstrap)
        assert main(["publish", str(calls)]) == 0
        assert "published 1 call(s); 0 bad line(s)" in capsys.readouterr().err
        [message] = read_topic(broker.bootstrap, f"{prefix}calls.completed", 1)
    again = CODEC.decode("CallCompleted", message.value())
    assert again["recording_uri"] == "file:///recordings/found.wav"
    assert {k: v for k, v in again.items() if k not in ("received_at", "recording_uri")} == {
        k: v for k, v in call.items() if k not in ("received_at", "recording_uri")
    }
    assert again["received_at"] > call["received_at"]  # accepted anew
