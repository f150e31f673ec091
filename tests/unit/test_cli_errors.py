"""`callstream` turns the user's mistakes (missing file, unreachable broker or ClickHouse, bad config,
bad option values, no or several SQL statements) into one line and exit 2; the demo's recording
roots, relative recordings, progress and per-run outcome selection; JSON output."""

from __future__ import annotations

import asyncio
import importlib
import io
import json
import math
import re
from pathlib import Path

import pytest

import streams.cli as cli
from connectors.events import SAMPLE_CALLS, anchor_relative
from streams.cli import USER_ERRORS, build_parser, main
from streams.demo import call_path, demo_roots, newest_outcomes, recording_dirs
from streams.table import print_json

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env


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


@pytest.mark.parametrize("command", ["publish", "import"])
def test_an_unreachable_schema_registry_is_one_line(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Security audit L7: `callstream publish` with CALLSTREAM_SCHEMA_REGISTRY_URL unreachable died
    with a 104-line traceback (import too; `demo --calls` the same way, from its feed thread)."""
    import shutil

    import streams.topics

    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", "127.0.0.1:1")  # nothing is produced: encoding fails
    monkeypatch.setenv("CALLSTREAM_SCHEMA_REGISTRY_URL", "http://sruser:SRPASS17@127.0.0.1:1/sr?k=QS")
    monkeypatch.setattr(streams.topics, "ensure_topics", lambda *args, **kwargs: [])
    if command == "publish":
        argv = ["publish", str(SAMPLE_CALLS)]
    else:
        shutil.copy(SAMPLE_CALLS.parent / "sample-en-mono.wav", tmp_path / "call-1.wav")
        argv = ["import", str(tmp_path), "--quiet", "--state", str(tmp_path / "state.json")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        "callstream: schema registry 'http://127.0.0.1:1' (rest hidden) unavailable encoding "
        "CallCompleted: ConnectError: [Errno 111] Connection refused"
    )
    assert "Traceback" not in err and "SRPASS17" not in err and "QS" not in err


def test_publish_prints_bad_lines_escaped(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Security audit L3: a bad line's reason quotes the sender's text (a crm key); printed raw, a
    line break in it forged a line of output of its own. A record too large is reported as well."""
    sample = json.loads(SAMPLE_CALLS.read_text().splitlines()[0])
    lines = tmp_path / "calls.jsonl"
    bad = {**sample, "crm": {"k\nFORGED\x1b[2J": ["x"]}}
    lines.write_text(json.dumps(bad) + "\n")
    assert main(["publish", "--dry-run", str(lines)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        rf"{lines}:1: crm.k\nFORGED\x1b[2J: must be a string, number or null, got list",
        "dry run: 0 valid call(s), 1 bad line(s); nothing published",
    ]


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


def test_a_call_moved_to_another_tenant_shows_its_newest_row() -> None:
    newer, older = done("moved", 300), done("moved", 200)
    finished, _ = newest_outcomes([newer, older], [])
    assert finished["moved"] == newer


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
        "CALLSTREAM_CUSTOMER_HASH_KEY": "s3cret-customer-hash-key",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CALLSTREAM_PARTITIONS", "7")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "s3cret" not in out
    # the password only
    assert "CALLSTREAM_CLICKHOUSE_DSN=http://callstream:***@clickhouse:8123/callstream" in out
    assert "CALLSTREAM_PARTITIONS=7" in out  # the rest is shown as set
    assert "CALLSTREAM_CUSTOMER_HASH_KEY=***" in out


def test_config_prints_values_as_their_variables_are_written(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Printed as Python ("['transcribe', 'filter']", "[PosixPath('/a')]", "True"), a line pasted back
    into the environment was refused ("unknown stage(s)") or meant something else."""
    given = {
        "CALLSTREAM_STAGES": "transcribe,filter",
        "CALLSTREAM_RECORDING_ROOTS": "/a,/b",
        "CALLSTREAM_WHISPER_KEEP_WORDS": "true",
        "CALLSTREAM_WHISPER_HINT_CHECK_LOGPROB": "",
        "CALLSTREAM_LOG_LEVEL": "info",
    }
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    assert main(["config"]) == 0
    lines = {line.partition("=")[0]: line.partition("=")[2] for line in capsys.readouterr().out.splitlines()}
    assert {name: lines[name] for name in given} == given


# --- red-team findings ---------------------------------------------------------------------------------


def test_invalid_settings_exit_2_with_one_line(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("CALLSTREAM_PARTITIONS", "many")
    assert main(["config"]) == 2  # was 1: SystemExit with a message
    err = capsys.readouterr().err
    assert err.startswith("callstream: invalid configuration: CALLSTREAM_PARTITIONS: ")
    assert err.count("\n") == 1


def test_version(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert re.fullmatch(r"callstream \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["worker", "--stages", "nonsense"], "argument --stages: unknown stage(s) nonsense; choose from"),
        (["worker", "--stages", ","], "argument --stages: no stage given"),
        (["worker", "--stages", "filter,,score"], "argument --stages: an empty stage name (two commas"),
        (["worker", "--stages", "filter,,filter"], "stage name (two commas in a row); stage(s) listed twice"),
        (["worker", "--stages", "score, filter,score"], "argument --stages: stage(s) listed twice: score;"),
        (["bench", "text", "--calls", "-5"], "argument --calls: must be at least 1, got -5"),
        (["bench", "backbone", "--workers", "-1"], "argument --workers: must be at least 0"),
        (
            ["bench", "speech", "--audio-seconds", "0"],
            "argument --audio-seconds: must be a number of seconds",
        ),
        (["demo", "--timeout", "-1"], "argument --timeout: must be a number of seconds above 0"),
        (["demo", "--timeout", "inf"], "argument --timeout: must be a number of seconds above 0"),
        (["demo", "--timeout", "soon"], "argument --timeout: expected a number of seconds, got 'soon'"),
        (["connect", "asterisk", "--port", "70000"], "argument --port: must be a port from 1 to 65535"),
        (["eval", "labels.csv", "--worst", "-1"], "argument --worst: must be at least 0"),
    ],
)
def test_wrong_option_values_are_usage_errors(argv: list[str], says: str, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert says in capsys.readouterr().err


@pytest.mark.parametrize(
    ("sql", "says"),
    [
        ("", "no SQL given"),
        ("  ;  ", "no SQL given"),
        ("-- only a comment", "no SQL given"),
        ("SELECT 1 AS a; SELECT 'x' AS b", "one statement at a time"),  # chDB mixed their rows
        ("SELECT count() FROM calls; DROP TABLE calls", "one statement at a time"),
    ],
)
def test_query_refuses_no_or_several_statements(sql: str, says: str, capsys, tmp_path: Path) -> None:
    assert main(["query", sql]) == 2
    assert capsys.readouterr().err.startswith(f"callstream query: {says}")
    assert not (tmp_path / ".callstream").exists()  # refused before ClickHouse is opened


@pytest.mark.parametrize(
    "sql", ["SELECT ';' AS x", "SELECT 1; -- the end", "SELECT `a;b` FROM t;", "SELECT 1 /* ; */"]
)
def test_semicolons_in_literals_and_comments_are_one_statement(sql: str) -> None:
    assert ";" not in cli._SQL_QUOTED.sub(" ", sql).strip().rstrip(";")


def test_query_error_is_one_line_without_what_the_client_added() -> None:
    raw = (
        "Code: 62. DB::Exception: Syntax error: failed at position 7 (1) (line 1, col 7): 1\n"
        " SETTINGS readonly = '2'\n FORMAT Native. Expected one of: token sequence, Dot, token, OR, AND, "
        "end of query. (SYNTAX_ERROR)"
    )
    assert cli._query_error(RuntimeError(raw)) == (
        "Code: 62. DB::Exception: Syntax error: failed at position 7 (1) (line 1, col 7): 1 (SYNTAX_ERROR)"
    )
    assert cli._query_error(ValueError("odd\nreply")) == "ValueError: odd reply"


def test_json_lines_have_no_nan_or_infinity() -> None:
    out = io.StringIO()
    print_json(
        ["t", "n", "x", "arr", "m"],
        [("Привет", None, math.nan, [1.5, math.inf], {"a": -math.inf}), ("ok", 1, 2.5, [], {})],
        out,
    )
    lines = out.getvalue().splitlines()
    rows = [
        json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} is not JSON")) for line in lines
    ]
    assert rows[0] == {"t": "Привет", "n": None, "x": None, "arr": [1.5, None], "m": {"a": None}}
    assert "Привет" in lines[0]  # non-ASCII as is, not \u escapes
    assert rows[1] == {"t": "ok", "n": 1, "x": 2.5, "arr": [], "m": {}}


@pytest.mark.parametrize("content", ["", "\n\n", "not json\n[1]\n"])
def test_demo_without_a_valid_call_exits_2_before_starting_anything(
    content: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streams.demo

    def no_stack(*args: object, **kwargs: object) -> None:
        raise AssertionError("the embedded stack was started")

    monkeypatch.setattr(streams.demo, "kafka", no_stack)
    calls = tmp_path / "calls.jsonl"
    calls.write_text(content)
    assert main(["demo", "--calls", str(calls)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith(f"callstream demo: {calls}: ")


def test_relative_recordings_are_read_next_to_the_calls_file(tmp_path: Path) -> None:
    (tmp_path / "rec").mkdir()
    (tmp_path / "rec" / "a b.wav").write_bytes(b"RIFF")
    calls = [
        {"recording_uri": "rec/a b.wav"},  # next to the calls file
        {"recording_uri": "samples/sample-en-sale.wav"},  # only in the package: the bundled sample
        {"recording_uri": "rec/missing.wav"},  # nowhere: named where the user meant it
        {"recording_uri": "/abs/c.wav"},
        {"recording_uri": "https://example.com/d.wav"},
    ]
    anchor_relative(calls, tmp_path)
    assert [c["recording_uri"] for c in calls] == [
        (tmp_path / "rec" / "a b.wav").as_uri(),
        "samples/sample-en-sale.wav",
        (tmp_path / "rec" / "missing.wav").as_uri(),
        "/abs/c.wav",
        "https://example.com/d.wav",
    ]
    assert recording_dirs(calls[:1]) == [(tmp_path / "rec").resolve()]


class DemoRuntime:
    """What the demo's wait loop uses of a runtime: an app to start and the ClickHouse results it
    polls (``done``, ``dead``: the outcome rows by call id), always the same."""

    class App:
        async def start(self) -> None:
            pass

    app = App()

    def __init__(self, done: dict[str, tuple], dead: dict[str, tuple]) -> None:
        self.results = done, dead

    async def in_clickhouse_thread(self, fn: object, *args: object) -> tuple[dict, dict]:
        return self.results


def test_demo_says_what_it_still_waits_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 10-minute recording takes minutes on CPU: the progress line is repeated with the calls still
    being processed, so the wait does not look like a hang."""
    import streams.demo

    monkeypatch.setattr(streams.demo, "PROGRESS_EVERY_S", 0.4)
    out = io.StringIO()
    interrupt = streams.demo.Interrupt()
    outcome = asyncio.run(
        streams.demo._run(
            DemoRuntime({"short": ("short",)}, {}), lambda rt: None, ["long", "short"], 1.6, out, 0, interrupt
        )  # type: ignore[arg-type]
    )
    assert not outcome.complete
    lines = out.getvalue().splitlines()
    assert lines[0] == "  1/2 call(s) in ClickHouse"
    assert any(re.fullmatch(r"  1/2 call\(s\) in ClickHouse; \d+ s, still processing long", x) for x in lines)
    assert lines[-1] == "timed out after 2s"


def test_demo_progress_says_how_many_calls_ended_as_dead_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    """LLM trial: every call dead-lettered (the LLM server refused each request) read "4/4 call(s) in
    ClickHouse", as if all had been scored."""
    import streams.demo

    rt = DemoRuntime({"ok": ("ok",)}, {"bad": ("bad",), "worse": ("worse",)})
    out = io.StringIO()
    monkeypatch.setattr(streams.demo, "_drain", lambda *a: asyncio.sleep(0))
    outcome = asyncio.run(
        streams.demo._run(rt, lambda rt: None, ["ok", "bad", "worse"], 5, out, 0, streams.demo.Interrupt())  # type: ignore[arg-type]
    )
    assert outcome.complete
    assert out.getvalue().splitlines()[0] == "  3/3 call(s) in ClickHouse (2 as dead letters)"


def test_config_check_loads_rules_scorecards_and_dictionaries(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path
) -> None:
    """A bad alert rule passed `callstream config` (exit 0) and stopped only the worker."""
    assert main(["config", "--check"]) == 0
    assert "load" in capsys.readouterr().err
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.yaml").write_text(
        "id: x\nversion: '1'\nrules:\n  - {id: r, severity: warning, when: rules.keyword_hits.nope >= 1}\n"
    )
    monkeypatch.setenv("CALLSTREAM_ALERT_RULES_DIR", str(rules))
    assert main(["config"]) == 0  # without --check, the settings only
    capsys.readouterr()
    assert main(["config", "--check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"callstream: {rules / 'x.yaml'}: rule 'r' reads rules.keyword_hits.nope")


def test_config_check_prints_the_verdict_not_the_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path
) -> None:
    """A user trial: `config --check` printed every setting (two lines each) before its verdict, which
    scrolled out of sight. The table is `config`'s alone; --check says only what it found."""
    from streams.settings import Settings

    monkeypatch.setenv("CALLSTREAM_PARTITIONS", "3")
    monkeypatch.setenv("callstream_log_level", "debug")  # names are case-insensitive
    (tmp_path / ".env").write_text(
        "CALLSTREAM_REPLICATION_FACTOR=2\nCALLSTREAM_PARTITIONS=5\n"
    )  # the environment wins
    assert main(["config"]) == 0
    table = capsys.readouterr()
    assert "CALLSTREAM_PARTITIONS=3" in table.out and "CALLSTREAM_REPLICATION_FACTOR=2" in table.out
    assert main(["config", "--check"]) == 0
    checked = capsys.readouterr()
    assert checked.out == ""
    fields = len(Settings.model_fields)
    assert checked.err.splitlines()[0] == (
        f"config ok: {fields} settings, 2 set from the environment, 1 from .env; "
        "alert rules, scorecards, keyword dictionaries and text config load"
    )
    monkeypatch.setenv("CALLSTREAM_PARTITIONS", "many")
    assert main(["config", "--check"]) == 2
    wrong = capsys.readouterr()
    assert wrong.out == "" and "CALLSTREAM_PARTITIONS" in wrong.err and "config ok" not in wrong.err


def test_config_check_warns_of_a_dsn_without_database_and_a_missing_recording_root(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path
) -> None:
    """An operator trial: both said only "config ok". Each works (exit 0), maybe not as meant: the DSN's
    tables go to the user's default database, and a root mounted later may be fine."""
    monkeypatch.setenv("CALLSTREAM_CLICKHOUSE_DSN", "http://ch:S3CRET@clickhouse:8123")
    monkeypatch.setenv("CALLSTREAM_RECORDING_ROOTS", f"/does/not/exist,{tmp_path},/absent/{{tenant}}")
    assert main(["config", "--check"]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if line.startswith("callstream: warning:")]
    assert warnings == [
        "callstream: warning: CALLSTREAM_CLICKHOUSE_DSN (http://ch:***@clickhouse:8123) names no database: "
        "the tables go to the ClickHouse user's default database (`default` unless the user's profile sets "
        "another); add /callstream (or your database) to the DSN to choose",
        "callstream: warning: CALLSTREAM_RECORDING_ROOTS: /does/not/exist does not exist: no file:// "
        "recording under it can be read until it does",
        "callstream: warning: CALLSTREAM_RECORDING_ROOTS: /absent does not exist: no file:// recording "
        "under it can be read until it does",
    ]
    assert err.startswith("config ok") and "S3CRET" not in err
    monkeypatch.setenv("CALLSTREAM_CLICKHOUSE_DSN", "http://clickhouse:8123/callstream")
    monkeypatch.setenv("CALLSTREAM_RECORDING_ROOTS", str(tmp_path))
    assert main(["config", "--check"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_config_check_lists_what_loaded_and_warns_of_a_card_whose_total_is_always_null(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path
) -> None:
    """A trial: `config ok` and nothing else, whether the folder's cards were read or not. It now
    names each card, dictionary tenant and rule set with its file, and warns (exit 0) of a card with
    a weighted llm criterion no configured scorer answers: its total would always be null."""
    import yaml

    from processors.scorecard import PACKAGED_DIR

    cards, dicts = tmp_path / "cards", tmp_path / "dicts"
    cards.mkdir()
    dicts.mkdir()
    raw = yaml.safe_load((PACKAGED_DIR / "default.yaml").read_text())
    raw.update(id="northwind-collections", version="1", tenants=["northwind"], queues=["collections"])
    raw["criteria"].append(
        {"id": "payment_plan", "title": "Plan offered", "type": "yes_no", "source": "llm", "rubric": "x"}
    )
    (cards / "nw.yaml").write_text(yaml.safe_dump(raw))
    (dicts / "northwind.yaml").write_text("refund: [refund]\n")
    monkeypatch.setenv("CALLSTREAM_SCORECARDS_DIR", str(cards))
    monkeypatch.setenv("CALLSTREAM_DICTIONARIES_DIR", str(dicts))
    assert main(["config", "--check"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("config ok: ")
    assert lines[1] == (
        f"  scorecards: default 2 (packaged), northwind-collections 1 ({cards / 'nw.yaml'}), "
        "support 4 (packaged)"
    )
    assert lines[2] == f"  keyword dictionaries: default (packaged); tenants: northwind ({dicts})"
    assert lines[3].startswith("  alert rules: default ") and lines[3].endswith(" (packaged)")
    assert lines[4] == (
        f"callstream: warning: {cards / 'nw.yaml'}: scorecard 'northwind-collections': the baseline "
        "scorer answers no llm criterion payment_plan (weighted or fatal), so every call's total on this "
        "card will be null and total-based alerts never fire; configure an LLM (CALLSTREAM_LLM_URL), "
        "give them weight: 0 and no fatal, or make them source: rule"
    )
    assert len(lines) == 5  # the packaged cards are fully answered by the baseline
    raw["criteria"][-1]["weight"] = 0
    (cards / "nw.yaml").write_text(yaml.safe_dump(raw))
    assert main(["config", "--check"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_an_empty_variable_is_unset_for_the_settings_and_for_config_check_s_count(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path
) -> None:
    """`CALLSTREAM_DATA_DIR=` was counted "set from the environment" (and was the current folder);
    an empty variable is now unset for both: the settings file or the default decides, and the count
    says so. An empty log-prob check is read ("trust hints"): it counts."""
    from streams.settings import Settings, load_settings

    for name in ("CALLSTREAM_DATA_DIR", "CALLSTREAM_PARTITIONS", "callstream_app_id"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("CALLSTREAM_WHISPER_HINT_CHECK_LOGPROB", "")
    (tmp_path / ".env").write_text("CALLSTREAM_PARTITIONS=5\nCALLSTREAM_REPLICATION_FACTOR=\n")
    settings = load_settings()
    assert settings.data_dir == Path(".callstream") and settings.app_id == "callstream"
    assert settings.partitions == 5  # the empty variable no longer hides the file's value
    assert settings.replication_factor == 1 and settings.whisper_hint_check_logprob is None
    assert main(["config", "--check"]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        f"config ok: {len(Settings.model_fields)} settings, 1 set from the environment, 1 from .env; "
        "alert rules, scorecards, keyword dictionaries and text config load"
    )


def test_publish_without_a_broker_says_how_to_reach_the_embedded_one(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """An operator of the embedded stack who corrected an exported line has no Kafka of their own:
    the refusal names the two ways in (a running worker's broker, or demo --calls)."""
    assert main(["publish", str(SAMPLE_CALLS)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("callstream publish: no broker configured; set CALLSTREAM_KAFKA_BOOTSTRAP")
    assert "the Kafka address a running `callstream worker` prints" in err
    assert "`callstream demo --calls FILE`" in err
