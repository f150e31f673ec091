"""`callstream import`: a folder of recordings + Asterisk CDR published to a real broker, resumably."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from connectors.events import SAMPLES_DIR
from schemas.codec import SingleObjectCodec
from streams import dlq as dead_letters
from streams.broker import EmbeddedBroker
from streams.settings import Settings
from tests.e2e.test_cli import callstream
from tests.integration.test_pipeline import read_topic

pytestmark = pytest.mark.integration
CODEC = SingleObjectCodec()

CDR_ROWS = [  # Asterisk cdr_csv columns, as Master.csv writes them (no header)
    ["", "+15550101", "201", "from-queue", '"Alice" <+15550101>', "SIP/trunk-0001", "SIP/201-0002", "Dial",
     "SIP/201", "2026-11-20 10:00:00", "2026-11-20 10:00:04", "2026-11-20 10:00:40", "40", "36", "ANSWERED",
     "DOCUMENTATION", "1763632800.42", ""],
    ["", "+15550102", "202", "from-queue", '"Bob" <+15550102>', "SIP/trunk-0003", "SIP/202-0004", "Dial",
     "SIP/202", "2026-11-20 11:00:00", "2026-11-20 11:00:02", "2026-11-20 11:00:20", "20", "18", "ANSWERED",
     "DOCUMENTATION", "1763636400.43", "vip"],
    ["", "+15550103", "203", "from-queue", '"Eve" <+15550103>', "SIP/trunk-0005", "", "Dial", "SIP/203",
     "2026-11-20 12:00:00", "", "2026-11-20 12:00:30", "30", "0", "NO ANSWER", "DOCUMENTATION",
     "1763640000.44", ""],
]  # fmt: skip


def test_import_asterisk_folder_resumes_and_reports_bad_files(tmp_path: Path) -> None:
    recordings = tmp_path / "monitor"
    recordings.mkdir()
    shutil.copy(SAMPLES_DIR / "sample-en-sale.wav", recordings / "q-201-20261120-100004-1763632800.42.wav")
    shutil.copy(SAMPLES_DIR / "sample-en-mono.wav", recordings / "q-202-20261120-110002-1763636400.43.wav")
    (recordings / "q-999-orphan.wav").write_bytes((SAMPLES_DIR / "sample-en-mono.wav").read_bytes())
    (recordings / "q-203-1763640000.44.wav").write_bytes(b"not audio at all")  # unanswered and broken
    master = tmp_path / "Master.csv"
    with master.open("w", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows(CDR_ROWS)
    with EmbeddedBroker() as broker:
        env = {"CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap}
        args = ("import", str(recordings), "--metadata", str(master), "--tenant", "acme", "--quiet")
        first = callstream(*args, cwd=tmp_path, env=env)
        assert first.returncode == 1, first.stderr  # some files were not importable
        assert "imported 2 call(s), skipped 0 already published, 2 not importable" in first.stderr
        assert "q-999-orphan.wav: no metadata row matches" in first.stderr
        state = json.loads((recordings / ".callstream-import.json").read_text())
        assert state["published"] == ["1763632800.42", "1763636400.43"]
        assert state["files"]["1763632800.42"] == "q-201-20261120-100004-1763632800.42.wav"

        calls = {
            m.key().decode(): CODEC.decode("CallCompleted", m.value())
            for m in read_topic(broker.bootstrap, "calls.completed", 2)
        }
        sale = calls["1763632800.42"]
        assert sale["source"] == "asterisk" and sale["tenant"] == "acme"
        assert sale["agent"]["id"] == "201" and sale["customer"]["number"] == "+15550101"
        assert sale["started_at"].isoformat() == "2026-11-20T10:00:04+00:00"
        assert sale["audio"]["layout"] == "stereo"
        assert calls["1763636400.43"]["audio"]["layout"] == "mono"
        assert calls["1763636400.43"]["crm"] == {"userfield": "vip"}
        dlq = read_topic(broker.bootstrap, "calls.dlq", 2)
        letters = [CODEC.decode("DeadLetter", m.value()) for m in dlq]
        assert sorted(d["payload"].decode().rsplit("/", 1)[-1] for d in letters) == [
            "q-203-1763640000.44.wav",
            "q-999-orphan.wav",
        ]
        # `dlq export` wrote these file paths into its JSON lines, which `publish` then refused as
        # "invalid JSON"; they are files to fix and import again, and export and replay say so
        for d in letters:
            fields = {k: d[k] for k in ("topic", "partition", "offset", "stage", "call_id", "key", "payload")}
            row = dead_letters.Letter(
                **fields,
                payload_hash=1,
                tenant=d["tenant"] or "",
                error_class=d["error_class"],
                error_message=d["error_message"],
                attempts=d["attempts"],
                failed_at=d["failed_at"],
            )
            line, why = dead_letters.export_line(row, Settings(), CODEC)
            assert line is None and why is not None
            assert why.startswith(f"a recording `callstream import` refused ({d['payload'].decode()})")
            assert f"run `callstream import {recordings}` again (same options)" in why
            assert dead_letters.why_not(row, dead_letters.replay_topics(Settings())) == why

        second = callstream(*args, cwd=tmp_path, env=env)
        assert "imported 0 call(s), skipped 2 already published" in second.stderr


def test_import_without_metadata_uses_file_names(tmp_path: Path) -> None:
    shutil.copy(SAMPLES_DIR / "sample-ru-sale.wav", tmp_path / "call-7.wav")
    with EmbeddedBroker() as broker:
        env = {"CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap}
        result = callstream("import", str(tmp_path), "--quiet", cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        [message] = read_topic(broker.bootstrap, "calls.completed", 1)
        call = CODEC.decode("CallCompleted", message.value())
        assert call["call_id"] == "call-7" and call["source"] == "import"
        duration = json.loads((SAMPLES_DIR / "sample-ru-sale.timeline.json").read_text())["duration"]
        assert (call["ended_at"] - call["started_at"]).total_seconds() == pytest.approx(duration, abs=0.01)
        assert call["recording_uri"] == (tmp_path / "call-7.wav").resolve().as_uri()


def test_import_in_a_log_writes_progress_lines_not_a_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Redirected to a log (stderr no terminal), the bar's carriage returns made one endless line
    mixed with the error lines: it is plain lines there, each with done/total, rate and ETA."""
    from streams import cli

    for n in range(3):
        shutil.copy(SAMPLES_DIR / "sample-en-mono.wav", tmp_path / f"call-{n}.wav")
    (tmp_path / "call-9.wav").write_bytes(b"")
    monkeypatch.setattr(cli, "IMPORT_PROGRESS_EVERY_S", 0.0)  # a line for every file
    with EmbeddedBroker() as broker:
        monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", broker.bootstrap)
        assert cli.main(["import", str(tmp_path)]) == 1  # the empty file is not importable
    err = capsys.readouterr().err
    assert "\r" not in err
    lines = err.splitlines()
    progress = [line for line in lines if line.startswith("import: ")]
    assert [line.split(",")[0] for line in progress] == [f"import: {n}/4 file(s)" for n in range(4)]
    assert progress[-1].split(", ")[1:4] == ["3 published", "0 skipped", "0 not importable"]
    assert all(re.search(r", \d+\.\d/s, ETA (\d+s|unknown)$", line) for line in progress)
    assert any(line.startswith(f"{tmp_path / 'call-9.wav'}: ") for line in lines)  # the error: its own line
    assert "imported 3 call(s), skipped 0 already published, 1 not importable" in err


def test_import_never_publishes_two_recordings_under_one_call_id(tmp_path: Path) -> None:
    """`0001.wav` of two days was published twice as call `0001`; the sink kept one (found by a red team)."""
    monitor = tmp_path / "monitor"
    for day in ("2026-11-01", "2026-11-02"):
        (monitor / day).mkdir(parents=True)
        shutil.copy(SAMPLES_DIR / "sample-en-mono.wav", monitor / day / "0001.wav")
    with EmbeddedBroker() as broker:
        env = {"CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap}
        by_stem = callstream("import", str(monitor), "--quiet", cwd=tmp_path, env=env)
        assert by_stem.returncode == 1, by_stem.stderr
        assert "imported 1 call(s), skipped 0 already published, 1 not importable" in by_stem.stderr
        assert "2026-11-02/0001.wav: call id '0001' is already that of 2026-11-01/0001.wav" in by_stem.stderr
        assert "--call-id-from path" in by_stem.stderr
        [letter] = read_topic(broker.bootstrap, "calls.dlq", 1)
        assert CODEC.decode("DeadLetter", letter.value())["payload"].decode().endswith("2026-11-02/0001.wav")

        # a same-named file added since, sorting first, neither takes the published call's id nor is
        # skipped as if published: the recording published as 0001 keeps it
        (monitor / "2026-10-31").mkdir()
        shutil.copy(SAMPLES_DIR / "sample-en-mono.wav", monitor / "2026-10-31" / "0001.wav")
        again = callstream("import", str(monitor), "--quiet", cwd=tmp_path, env=env)
        assert again.returncode == 1, again.stderr
        assert "imported 0 call(s), skipped 1 already published, 2 not importable" in again.stderr
        assert (
            "2026-10-31/0001.wav: call id '0001' is already that of 2026-11-01/0001.wav published by an "
            "earlier import" in again.stderr
        )
        shutil.rmtree(monitor / "2026-10-31")

        state = ["--state", str(tmp_path / "by-path.json")]
        by_path = callstream("import", str(monitor), "--call-id-from", "path", *state, cwd=tmp_path, env=env)
        assert by_path.returncode == 0, by_path.stderr
        keys = [m.key().decode() for m in read_topic(broker.bootstrap, "calls.completed", 3)]
        assert sorted(keys) == ["0001", "2026-11-01/0001", "2026-11-02/0001"]


def test_import_with_a_generic_csv_derives_the_missing_time_and_letters_carry_call_ids(
    tmp_path: Path,
) -> None:
    """A CSV with `started_at` and no `ended_at` failed every file with `ended_at: required`, and the
    dead letters carried no call id though the row named one (found by an acceptance tester)."""
    recordings = tmp_path / "rec"
    recordings.mkdir()
    shutil.copy(SAMPLES_DIR / "sample-en-sale.wav", recordings / "0001.wav")
    (recordings / "0002.wav").write_bytes(b"not audio at all")
    shutil.copy(SAMPLES_DIR / "sample-en-mono.wav", recordings / "0003.wav")  # no row
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "file,call_id,agent_id,agent_name,started_at,queue\n"
        "0001.wav,bf-0001,201,Alice,2026-11-20T10:00:00Z,sales\n"
        "0002.wav,bf-0002,202,Bob,2026-11-20T11:00:00Z,sales\n"
    )
    with EmbeddedBroker() as broker:
        env = {"CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap}
        args = ("import", str(recordings), "--metadata", str(meta), "--tenant", "acme", "--quiet")
        result = callstream(*args, cwd=tmp_path, env=env)
        assert "imported 1 call(s), skipped 0 already published, 2 not importable" in result.stderr, (
            result.stderr
        )
        [message] = read_topic(broker.bootstrap, "calls.completed", 1)
        call = CODEC.decode("CallCompleted", message.value())
        assert call["call_id"] == "bf-0001" and call["agent"] == {"id": "201", "name": "Alice"}
        duration = json.loads((SAMPLES_DIR / "sample-en-sale.timeline.json").read_text())["duration"]
        assert (call["ended_at"] - call["started_at"]).total_seconds() == pytest.approx(duration, abs=0.01)

        letters = {
            letter["call_id"]: letter
            for letter in (
                CODEC.decode("DeadLetter", m.value()) for m in read_topic(broker.bootstrap, "calls.dlq", 2)
            )
        }
        assert sorted(letters) == ["0003", "bf-0002"]  # the row's id, else the file's
        assert letters["bf-0002"]["key"] == b"bf-0002" and letters["bf-0002"]["error_message"].startswith(
            "0002.wav: CorruptRecording"
        )
        assert letters["0003"]["error_message"] == "0003.wav: no metadata row matches this file"
        # an unreadable recording's letter carries its own error class, as a transcribe letter does
        # (every one was "InvalidCall", so `dlq list --error-class CorruptRecording` missed it)
        assert letters["bf-0002"]["error_class"] == "CorruptRecording"
        assert letters["0003"]["error_class"] == "InvalidCall"
