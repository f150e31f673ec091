"""``callstream dlq replay --dry-run`` naming each letter's cause, ``--skip-unfixed`` and ``--rate``, on
a real chDB engine, real recordings and (``--rate``) a real broker process."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from connectors.events import SAMPLES_DIR
from streams import spool
from streams.broker import EmbeddedBroker
from streams.cli import main
from tests.factories import make_call_completed, make_dead_letter
from tests.integration.test_dlq_replay import CODEC, store_letters, use_cli_env
from tests.integration.test_pipeline import read_topic

pytestmark = pytest.mark.integration


def recording_letter(prefix: str, name: str, offset: int, uri: str) -> dict:
    """A transcribe-stage RecordingNotFound letter of a call whose recording is ``uri``."""
    call = make_call_completed(f"{prefix}{name}", tenant=prefix.rstrip("."))
    call["recording_uri"] = uri
    letter = make_dead_letter(
        offset, topic=f"{prefix}calls.completed", payload=CODEC.encode("CallCompleted", call)
    )
    return letter | {
        "stage": "transcribe",
        "partition": 0,
        "call_id": call["call_id"],
        "key": call["call_id"].encode(),
        "tenant": call["tenant"],
        "error_class": "RecordingNotFound",
        "error_message": f"{uri}: no such file",
    }


def test_the_dry_run_says_which_replays_would_fail_again_and_skip_unfixed_leaves_them_out(
    chdb_dsn, chdb_client, tmp_path: Path, monkeypatch, capsys
) -> None:
    prefix = f"cause-{uuid.uuid4().hex[:8]}."
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    arrived, lost = recordings / "arrived.wav", recordings / "lost.wav"
    store_letters(
        chdb_client,
        [
            recording_letter(prefix, "arrived", 1, arrived.as_uri()),
            recording_letter(prefix, "lost", 2, lost.as_uri()),
        ],
    )
    shutil.copy(SAMPLES_DIR / "sample-en-sale.wav", arrived)  # one recording came late; one never did
    data = tmp_path / "data"
    env = {"CLICKHOUSE_DSN": chdb_dsn, "TOPIC_PREFIX": prefix, "DATA_DIR": str(data)}
    use_cli_env(monkeypatch, **env, RECORDING_ROOTS=str(recordings))
    tenant = ["--tenant", prefix.rstrip(".")]

    assert main(["dlq", "replay", "--dry-run", *tenant]) == 0
    err = capsys.readouterr().err
    assert (
        f"would replay {prefix}arrived (transcribe: RecordingNotFound) from {prefix}calls.completed: " in err
    )
    assert f": cause gone: recording now readable: {arrived} (" in err
    assert f"would replay {prefix}lost (transcribe: RecordingNotFound) from {prefix}calls.completed: " in err
    assert f": would fail again: recording still missing: {lost.as_uri()}: no such file {lost}" in err
    assert "2 dead letter(s) would be replayed; nothing sent" in err
    assert "causes: 1 would fail again, 1 gone, 0 not checked" in err
    assert not data.exists() or not spool.spool_path(data).exists()  # a dry run queues nothing

    # the recording roots are the workers': a shell without them cannot tell, and says so
    use_cli_env(monkeypatch, **env)
    assert main(["dlq", "replay", "--dry-run", *tenant]) == 0
    err = capsys.readouterr().err
    assert "causes: 0 would fail again, 0 gone, 2 not checked" in err
    assert "cause not checked: CALLSTREAM_RECORDING_ROOTS is not set in this shell" in err

    use_cli_env(monkeypatch, **env, RECORDING_ROOTS=str(recordings))
    assert main(["dlq", "replay", "--skip-unfixed", *tenant]) == 0
    err = capsys.readouterr().err
    assert (
        f"skipped {prefix}lost (transcribe: RecordingNotFound) from {prefix}calls.completed: would fail "
        in err
    )
    assert "(--skip-unfixed)" in err and "1 dead letter(s) queued, 1 skipped" in err
    assert "causes:" not in err  # a real replay reports what it did, not the check
    queued = spool._parse(spool.spool_path(data).read_bytes())[2]
    assert [r.key for r in queued] == [f"{prefix}arrived".encode()]
    # the unfixed letter stays open, to go once its recording is there
    assert main(["dlq", "list", "--format", "json", *tenant, "--status", "open"]) == 0
    assert f'"{prefix}lost"' in capsys.readouterr().out


def test_a_paced_replay_spreads_the_records_at_the_rate_on_a_real_broker(
    chdb_dsn, chdb_client, tmp_path: Path, monkeypatch, capsys
) -> None:
    prefix = f"rate-{uuid.uuid4().hex[:8]}."
    count, rate = 9, 4.0
    letters = []
    for offset in range(count):
        call_id = f"{prefix}{offset}"
        letter = make_dead_letter(
            offset, topic=f"{prefix}calls.transcribed", payload=b"\xc3\x01t %d" % offset
        )
        letters.append(letter | {"call_id": call_id, "key": call_id.encode(), "tenant": prefix.rstrip(".")})
    store_letters(chdb_client, letters)
    with EmbeddedBroker() as broker:
        use_cli_env(
            monkeypatch,
            KAFKA_BOOTSTRAP=broker.bootstrap,
            CLICKHOUSE_DSN=chdb_dsn,
            TOPIC_PREFIX=prefix,
            DATA_DIR=str(tmp_path / "data"),
        )
        assert main(["dlq", "replay", "--tenant", prefix.rstrip("."), "--rate", str(rate)]) == 0
        assert f"{count} dead letter(s) replayed" in capsys.readouterr().err
        got = read_topic(broker.bootstrap, f"{prefix}calls.transcribed", count)
    assert sorted(m.value() for m in got) == sorted(x["payload"] for x in letters)
    # the producer stamps each record when it is produced: paced, they span (count - 1) / rate seconds
    # (unpaced, a few milliseconds)
    stamps = sorted(m.timestamp()[1] for m in got)
    assert (stamps[-1] - stamps[0]) / 1000 >= (count - 1) / rate - 0.1, stamps
    replays = chdb_client.query(
        "SELECT count() FROM dead_letter_replays WHERE tenant = %(t)s", parameters={"t": prefix.rstrip(".")}
    ).result_rows
    assert replays == [(count,)]


def test_export_later_stages_writes_the_call_a_transcript_letter_carries(
    chdb_dsn, chdb_client, tmp_path: Path, monkeypatch, capsys
) -> None:
    """A Transcript produced straight to calls.transcribed with a call breaking the contract fails at
    `filter`: the integrator takes the call out, corrects it and publishes it again."""
    from connectors.events import read_jsonl
    from tests.factories import make_transcript

    prefix = f"later-{uuid.uuid4().hex[:8]}."
    tenant = prefix.rstrip(".")
    transcript = make_transcript(f"{prefix}t", tenant=tenant)
    transcript["call"]["recording_uri"] = ""
    letter = make_dead_letter(
        1, topic=f"{prefix}calls.transcribed", payload=CODEC.encode("Transcript", transcript)
    )
    letter |= {
        "call_id": f"{prefix}t",
        "key": f"{prefix}t".encode(),
        "tenant": tenant,
        "error_class": "InvalidCall",
    }
    store_letters(chdb_client, [letter])
    use_cli_env(monkeypatch, CLICKHOUSE_DSN=chdb_dsn, TOPIC_PREFIX=prefix, DATA_DIR=str(tmp_path / "data"))
    out = tmp_path / "calls.jsonl"

    assert main(["dlq", "export", "--tenant", tenant, "-o", str(out)]) == 0
    assert "--later-stages exports the call it carries" in capsys.readouterr().err
    assert out.read_bytes() == b""

    assert main(["dlq", "export", "--tenant", tenant, "--later-stages", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"exported 1 call(s) to {out}" in err and "1 of them taken from a later stage's record" in err
    [line] = list(read_jsonl(out.read_bytes().splitlines()))
    assert line.error is not None and "recording_uri: must not be empty" in line.error  # publish refuses it
    fixed = out.read_text().replace('"recording_uri": ""', '"recording_uri": "file:///r/t.wav"')
    [corrected] = list(read_jsonl(fixed.splitlines()))  # the correction is all it takes
    assert corrected.error is None and corrected.record["call_id"] == f"{prefix}t"
    assert corrected.record["tenant"] == tenant
