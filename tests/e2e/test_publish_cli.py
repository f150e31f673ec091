"""`callstream publish` as a user runs it: `--dry-run` needs no broker, and a pipe streams."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.events import SAMPLE_CALLS
from streams.broker import EmbeddedBroker
from tests.cli_env import cli_env
from tests.e2e.test_cli import callstream
from tests.integration.test_pipeline import read_topic

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def test_dry_run_validates_without_a_broker_and_publishes_nothing(tmp_path: Path) -> None:
    good = SAMPLE_CALLS.read_text().splitlines()[0]
    calls = tmp_path / "calls.jsonl"
    calls.write_text("\n".join([good, "{oops", good, ""]))
    result = callstream("publish", "--dry-run", str(calls), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert f"{calls}:2: invalid JSON" in result.stderr
    assert "dry run: 2 valid call(s), 1 bad line(s); nothing published" in result.stderr

    calls.write_text(good + "\n")
    assert callstream("publish", "--dry-run", str(calls), cwd=tmp_path).returncode == 0


def test_publish_from_a_pipe_sends_each_line_before_the_input_ends(tmp_path: Path) -> None:
    first, second = SAMPLE_CALLS.read_text().splitlines()[:2]
    with EmbeddedBroker() as broker:
        publish = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "publish", "-"],
            cwd=tmp_path,
            env=cli_env({"CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap}),
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert publish.stdin is not None
            publish.stdin.write(first + "\n")
            publish.stdin.flush()
            # stdin stays open: the first call must reach the topic anyway
            published = read_topic(broker.bootstrap, "calls.completed", 1, timeout=60)
            assert [m.key() for m in published] == [json.loads(first)["call_id"].encode()]
            assert publish.poll() is None
            _, err = publish.communicate(second + "\n", timeout=60)
        finally:
            if publish.poll() is None:
                publish.kill()
        assert publish.returncode == 0, err
        assert "published 2 call(s); 0 bad line(s)" in err
        assert len(read_topic(broker.bootstrap, "calls.completed", 2)) == 2


def test_relative_recordings_are_published_from_the_calls_files_folder(tmp_path: Path) -> None:
    """ "rec/a.wav" next to calls.jsonl was published as is, and workers read it from the package."""
    from schemas.codec import SingleObjectCodec

    call = json.loads(SAMPLE_CALLS.read_text().splitlines()[0])
    (tmp_path / "in" / "rec").mkdir(parents=True)
    (tmp_path / "in" / "rec" / "a.wav").write_bytes(b"RIFF")
    calls = tmp_path / "in" / "calls.jsonl"
    calls.write_text(json.dumps({**call, "recording_uri": "rec/a.wav"}) + "\n" + json.dumps(call) + "\n")
    with EmbeddedBroker() as broker:
        result = callstream(
            "publish", str(calls), cwd=tmp_path, env={"CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap}
        )
        assert result.returncode == 0, result.stderr
        values = [
            SingleObjectCodec().decode("CallCompleted", m.value())
            for m in read_topic(broker.bootstrap, "calls.completed", 2)
        ]
    uris = sorted(v["recording_uri"] for v in values)
    assert uris == sorted([(tmp_path / "in" / "rec" / "a.wav").resolve().as_uri(), call["recording_uri"]])


def test_doubtful_lines_are_published_with_a_warning_and_refused_with_strict(tmp_path: Path) -> None:
    """A misspelt optional field vanished in silence (the call got no queue, so the wrong scorecard):
    it is published with a FILE:LINE warning that is no bad line; --strict makes it one."""
    from schemas.codec import SingleObjectCodec

    good = json.loads(SAMPLE_CALLS.read_text().splitlines()[0])
    doubtful = {k: v for k, v in good.items() if k != "queue"} | {"call_id": "warned", "qeue": "sales"}
    calls = tmp_path / "calls.jsonl"
    calls.write_text(
        "\n".join(
            json.dumps(c)
            for c in (good, doubtful, {**good, "call_id": "naive", "started_at": "2026-11-20T10:00:00"})
        )
        + "\n"
    )
    qeue = f"{calls}:2: warning: unknown field 'qeue' dropped (did you mean 'queue'?)"
    naive = f"{calls}:3: warning: started_at: '2026-11-20T10:00:00' has no time zone; taken as UTC"

    dry = callstream("publish", "--dry-run", str(calls), cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert qeue in dry.stderr.splitlines() and naive in dry.stderr.splitlines()
    assert "dry run: 3 valid call(s), 0 bad line(s)" in dry.stderr
    strict_dry = callstream("publish", "--dry-run", "--strict", str(calls), cwd=tmp_path)
    assert strict_dry.returncode == 1 and "dry run: 1 valid call(s), 2 bad line(s)" in strict_dry.stderr

    with EmbeddedBroker() as broker:
        env = {"CALLSTREAM_KAFKA_BOOTSTRAP": broker.bootstrap}
        result = callstream("publish", str(calls), cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        assert qeue in result.stderr.splitlines() and naive in result.stderr.splitlines()
        assert "published 3 call(s); 0 bad line(s)" in result.stderr
        published = {
            m.key().decode(): SingleObjectCodec().decode("CallCompleted", m.value())
            for m in read_topic(broker.bootstrap, "calls.completed", 3)
        }
        assert published["warned"]["queue"] is None  # dropped, as the warning says

        strict = callstream("publish", "--strict", str(calls), cwd=tmp_path, env=env)
        assert strict.returncode == 1, strict.stderr
        # what is wrong, not "dropped" / "taken as UTC": a refused line had nothing dropped or taken
        assert f"{calls}:2: unknown field 'qeue' (did you mean 'queue'?) (refused by --strict)" in (
            strict.stderr
        )
        assert "has no time zone (add Z or +03:00) (refused by --strict)" in strict.stderr
        assert "taken as" not in strict.stderr and "dropped" not in strict.stderr
        assert "published 1 call(s); 2 bad line(s) sent to the dead-letter topic" in strict.stderr
        letters = read_topic(broker.bootstrap, "calls.dlq", 2)
        assert sorted(m.key().decode() for m in letters) == ["naive", "warned"]
