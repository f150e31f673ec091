"""What `callstream demo --calls` and `callstream publish` make of their input file (found by a user
acceptance review): recording roots that a link or `..` cannot widen, repeated call ids said aloud,
one dead-letter id for a bad line in both commands, an empty file named, and the demo's final table
read after the worker stopped."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.events import SAMPLE_CALLS, RepeatedIds, anchor_relative, read_jsonl
from processors.audio import RecordingNotAllowed, resolve_recording
from streams.cli import main
from streams.demo import demo_roots, recording_dirs
from streams.settings import Settings

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env

GOOD = json.loads(SAMPLE_CALLS.read_text().splitlines()[0])


def line(**fields: Any) -> str:
    return json.dumps({**GOOD, **fields})


# -- 1. recording roots: the folders as written, no link or `..` out of them --------------------------


def test_a_link_or_dotdot_out_of_the_calls_folder_is_refused_not_read(tmp_path: Path) -> None:
    """The review's repro: `sub/link.wav` -> a file elsewhere, and `../calls/../../secret/...`, were
    allowed because the demo added the resolved folders (/etc) to its roots."""
    calls_dir, secret = tmp_path / "uat" / "calls", tmp_path / "secret"
    (calls_dir / "sub").mkdir(parents=True)
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0\n")
    (calls_dir / "sub" / "link.wav").symlink_to(secret / "passwd")
    (calls_dir / "ok.wav").write_bytes(b"RIFF")
    calls = [
        {"recording_uri": "sub/link.wav"},
        {"recording_uri": "../calls/../../secret/passwd"},
        {"recording_uri": "ok.wav"},
    ]
    anchor_relative(calls, calls_dir)
    # made absolute, not resolved: the link and the `..` stay for the worker to judge
    assert calls[0]["recording_uri"] == (calls_dir / "sub" / "link.wav").as_uri()
    assert calls[1]["recording_uri"].endswith("/uat/calls/../calls/../../secret/passwd")
    roots = demo_roots([], calls)
    assert roots == [calls_dir, calls_dir / "sub"]  # no root from the `..` path, none from the link's target
    for call in calls[:2]:
        with pytest.raises(RecordingNotAllowed, match="outside the recording roots"):
            resolve_recording(call["recording_uri"], roots)
    assert resolve_recording(calls[2]["recording_uri"], roots) == (calls_dir / "ok.wav").resolve()


def test_absolute_recording_folders_count_as_written(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.wav").write_bytes(b"RIFF")
    (tmp_path / "alias").symlink_to(real)  # a folder the user names through a link is still theirs
    calls = [
        {"recording_uri": (tmp_path / "alias" / "a.wav").as_uri()},
        {"recording_uri": f"{tmp_path}/x/../../a.wav"},
    ]
    assert recording_dirs(calls) == [tmp_path / "alias"]
    assert resolve_recording(calls[0]["recording_uri"], demo_roots([], calls)) == real / "a.wav"


# -- 2. and 3.: repeated ids, dead-letter ids ----------------------------------------------------------


def test_repeated_ids_name_the_first_line_and_what_happens() -> None:
    lines = list(read_jsonl([line(call_id="dup-1"), "", line(call_id="dup-1"), line(call_id="other")]))
    repeated = RepeatedIds()
    assert [repeated.note(x) for x in lines] == [
        None,
        "call_id dup-1 already on line 1; the later line replaces it",
        None,
    ]


def test_a_bad_line_is_dead_lettered_under_its_own_id_else_file_and_line() -> None:
    named, unnamed, not_json = read_jsonl(
        [line(call_id="uat-invalid", started_at="soon"), line(call_id=" "), "{nope"]
    )
    assert named.error and named.dead_letter_id("calls.jsonl") == "uat-invalid"
    assert unnamed.error and unnamed.dead_letter_id("calls.jsonl") == "calls.jsonl:2"
    assert not_json.error and not_json.dead_letter_id("calls.jsonl") == "calls.jsonl:3"


class FakePublisher:
    """CallPublisher without a broker: what `publish` sent where."""

    sent: list[str]
    letters: list[dict[str, Any]]

    def __init__(self, *args: object, **kwargs: object) -> None:
        FakePublisher.sent, FakePublisher.letters = [], []

    def publish(self, call: dict[str, Any]) -> None:
        self.sent.append(call["call_id"])

    def dead_letter(self, **letter: Any) -> None:
        self.letters.append(letter)

    def flush(self) -> None:
        pass


@pytest.fixture
def no_broker(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import connectors.publisher
    import streams.topics
    import streams.worker

    @contextlib.contextmanager
    def kafka(settings: Settings, **kwargs: object) -> Iterator[str]:
        yield "127.0.0.1:1"

    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.setattr(streams.worker, "kafka", kafka)
    monkeypatch.setattr(streams.topics, "ensure_topics", lambda *args, **kwargs: [])
    monkeypatch.setattr(connectors.publisher, "CallPublisher", FakePublisher)


@pytest.mark.usefixtures("no_broker")
def test_publish_says_a_repeated_id_and_names_bad_lines_as_the_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    calls = tmp_path / "edge.jsonl"
    calls.write_text(
        "\n".join(
            [line(call_id="dup-1"), line(call_id="dup-1"), line(call_id="uat-invalid", ended_at=3), "{x"]
        )
        + "\n"
    )
    assert main(["publish", str(calls)]) == 1
    err = capsys.readouterr().err
    assert f"{calls}:2: call_id dup-1 already on line 1; the later line replaces it\n" in err
    assert FakePublisher.sent == ["dup-1", "dup-1"]  # both published: a re-publish is legal
    assert [x["call_id"] for x in FakePublisher.letters] == ["uat-invalid", f"{calls}:4"]
    assert [(x["source"], x["lineno"]) for x in FakePublisher.letters] == [(str(calls), 3), (str(calls), 4)]


@pytest.mark.usefixtures("no_broker")
@pytest.mark.parametrize("dry_run", [False, True])
def test_publish_of_a_file_without_calls_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture, dry_run: bool
) -> None:
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n  \n")
    assert main(["publish", *(["--dry-run"] if dry_run else []), str(blank)]) == 0
    assert f"callstream publish: {blank}: no calls in it\n" in capsys.readouterr().err


# -- 5. the final table after the worker stopped ------------------------------------------------------


def test_demo_reads_outcomes_again_after_the_worker_stopped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`demo --timeout 3`: the sink flushed a row while stopping, and the table still said
    "not finished"."""
    import streams.demo

    class App:
        stopped = False

        async def start(self) -> None:
            pass

        async def stop(self) -> None:
            self.stopped = True

    class Rt:
        app = App()
        closed = False

        async def in_clickhouse_thread(self, fn: object, *args: object) -> tuple[dict, dict]:
            done = {"slow": ("slow",)} if self.app.stopped else {}
            return done, {}

        def close(self) -> None:
            self.closed = True

    rt = Rt()
    monkeypatch.setattr(streams.demo, "prepare", lambda settings, bootstrap: rt)
    outcome = asyncio.run(
        streams.demo.process(
            Settings(data_dir=tmp_path), "127.0.0.1:1", lambda rt: None, ["slow"], 0.2, io.StringIO()
        )
    )
    assert outcome.complete and "slow" in outcome.done
    assert rt.closed
