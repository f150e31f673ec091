"""`callstream` turns the user's mistakes (missing file, unreachable broker or ClickHouse, bad config)
into one line and exit 2; the demo's recording roots and per-run outcome selection."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

import streams.cli as cli
from connectors.events import SAMPLE_CALLS
from streams.cli import USER_ERRORS, build_parser, main
from streams.demo import call_path, demo_roots, newest_outcomes, recording_dirs


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [n for n in os.environ if n.startswith("CALLSTREAM_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def error_class(module: str, name: str) -> type[BaseException]:
    return getattr(importlib.import_module(module), name)


def test_demo_with_missing_calls_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    missing = tmp_path / "nope.jsonl"
    assert main(["demo", "--calls", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == f"callstream: {missing}: No such file or directory\n"


def test_publish_with_missing_file_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    assert main(["publish", str(tmp_path)]) == 2  # a directory, not a file
    assert capsys.readouterr().err == f"callstream: {tmp_path}: Is a directory\n"


def test_publish_to_unreachable_kafka_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import streams.topics

    def unreachable(settings: object, bootstrap: str, timeout: float = 30.0) -> list[str]:
        raise streams.topics.TopicSetupError(f"cannot reach Kafka at {bootstrap}: timed out")

    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.setattr(streams.topics, "ensure_topics", unreachable)
    assert main(["publish", str(SAMPLE_CALLS)]) == 2
    assert capsys.readouterr().err == "callstream: cannot reach Kafka at 127.0.0.1:1: timed out\n"


@pytest.mark.parametrize(("module", "name"), USER_ERRORS)
def test_user_errors_exit_2_with_their_message(
    module: str, name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    cls = error_class(module, name)
    # main() catches only these bases, so every listed class must derive from one of them
    assert issubclass(cls, (OSError, RuntimeError, ValueError))

    def fail(args: object) -> int:
        raise cls("chDB path /x is held by another process")

    monkeypatch.setattr(cli, "cmd_config", fail)
    assert main(["config"]) == 2
    assert capsys.readouterr().err == "callstream: chDB path /x is held by another process\n"


@pytest.mark.parametrize("exc", [RuntimeError("bug"), ValueError("bug"), KeyError("bug"), OSError("bug")])
def test_bugs_keep_their_traceback(exc: Exception, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(args: object) -> int:
        raise exc

    monkeypatch.setattr(cli, "cmd_config", fail)
    with pytest.raises(type(exc)):
        main(["config"])


@pytest.mark.parametrize(
    ("uri", "path"),
    [
        ("file:///tmp/my%20rec/a.wav", Path("/tmp/my rec/a.wav")),
        ("file://localhost/tmp/rec/a.wav", Path("/tmp/rec/a.wav")),
        ("FILE:///tmp/rec/a.wav", Path("/tmp/rec/a.wav")),
        ("/tmp/rec/a.wav", Path("/tmp/rec/a.wav")),
        ("file://pbx.example.com/tmp/a.wav", None),
        ("https://example.com/a.wav", None),
        ("samples/a.wav", None),
    ],
)
def test_call_path_parses_like_resolve_recording(uri: str, path: Path | None) -> None:
    assert call_path(uri) == path


def test_demo_roots_add_call_folders_to_configured_roots(tmp_path: Path) -> None:
    spaced = tmp_path / "my rec"
    spaced.mkdir()
    configured = tmp_path / "configured"
    calls = [
        {"recording_uri": (spaced / "a.wav").as_uri()},
        {"recording_uri": f"file://localhost{tmp_path}/b.wav"},
        {"recording_uri": str(configured / "c.wav")},
        {"recording_uri": "https://example.com/d.wav"},
    ]
    assert recording_dirs(calls) == sorted([spaced.resolve(), tmp_path.resolve(), configured.resolve()])
    # configured roots stay, the explicitly given files' folders are added once
    assert demo_roots([configured], calls) == [configured, *sorted([spaced.resolve(), tmp_path.resolve()])]
    assert demo_roots([], calls[:1]) == [spaced.resolve()]


def done(call_id: str, version: int) -> tuple:
    return (call_id, "Anna", "en", 60.0, 30.0, 30.0, 100, 1, "baseline", 7, 7, version)


def dead(call_id: str, version: int, stage: str = "transcribe", error: str = "RecordingNotFound") -> tuple:
    return (call_id, stage, error, "no such file", version)


def test_newest_outcome_wins() -> None:
    finished, failed = newest_outcomes(
        [done("fixed", 200), done("broke", 100), done("ok", 100), done("alert-failed", 100)],
        [
            dead("fixed", 100),  # dead-lettered first, processed after the file was added
            dead("broke", 200),  # processed first, then its file went missing
            dead("lost", 50),
            dead("lost", 60, error="EmptyRecording"),  # two dead letters: the newer one
            dead("alert-failed", 300, stage="alerts", error="AlertRuleError"),
        ],
    )
    assert set(finished) == {"fixed", "ok", "alert-failed"}
    assert set(failed) == {"broke", "lost"}
    assert failed["lost"][2] == "EmptyRecording"


def test_help_documents_arguments_and_exit_codes() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices  # type: ignore[attr-defined]
    query = {a.dest: a.help for a in sub["query"]._actions}
    assert query["sql"] and query["format"]
    publish = sub["publish"].format_help()
    assert "CALLSTREAM_KAFKA_BOOTSTRAP" in publish and "FILE:LINE" in publish and "Exit status" in publish
    demo = sub["demo"].format_help()
    assert "Exit status" in demo and "file://" in demo and "localhost" in demo


def test_config_never_prints_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    secrets = {
        "CALLSTREAM_CLICKHOUSE_DSN": "http://callstream:s3cret-pw@clickhouse:8123/callstream",
        "CALLSTREAM_NOTIFY_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T00/B00/s3cret-hook",
        "CALLSTREAM_NOTIFY_WEBHOOK_SECRET": "s3cret-hmac",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CALLSTREAM_PARTITIONS", "7")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "s3cret" not in out
    assert "CALLSTREAM_CLICKHOUSE_DSN='http://clickhouse:8123' (rest hidden)" in out
    assert "CALLSTREAM_PARTITIONS=7" in out  # the rest is shown as set
