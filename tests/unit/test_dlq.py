"""``callstream dlq``: which dead letters may go back, and the filters (the replay itself runs on a
real broker and chDB in tests/integration/test_dlq_replay.py)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest

from streams import dlq
from streams.cli import main
from streams.settings import Settings

FAILED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def letter(**changes: object) -> dlq.Letter:
    fields: dict[str, object] = {
        "topic": "calls.completed",
        "partition": 1,
        "offset": 7,
        "stage": "transcribe",
        "payload_hash": 42,
        "call_id": "c-1",
        "tenant": "acme",
        "key": b"c-1",
        "payload": b"\xc3\x01record",
        "error_class": "RecordingNotFound",
        "error_message": "no such file",
        "attempts": 1,
        "failed_at": FAILED,
    }
    fields |= changes
    call = str(fields["call_id"]).encode()
    if "key" not in changes:
        fields["key"] = call
    if "payload" not in changes:  # each call its own record
        fields["payload"] = b"\xc3\x01record " + call
    return dlq.Letter(**fields)  # type: ignore[arg-type]


TOPICS = dlq.replay_topics(Settings())


def test_the_replay_topics_are_the_pipeline_topics_under_the_prefix_without_the_dlq():
    prefixed = dlq.replay_topics(Settings(topic_prefix="prod."))
    assert "prod.calls.completed" in prefixed and "prod.calls.scored" in prefixed
    assert "prod.calls.dlq" not in prefixed and "calls.completed" not in prefixed


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"topic": "calls.jsonl", "partition": -1, "stage": "publish"}, "refused at publish before it was"),
        ({"topic": "stage.calls.completed"}, "not a topic of this configuration"),
        ({"payload": b""}, "was not kept"),
    ],
)
def test_why_a_letter_cannot_go_back(changes, reason):
    found = dlq.why_not(letter(**changes), TOPICS)
    assert found is None if reason is None else reason in found


def test_a_letter_replayed_before_or_resolved_since_is_skipped_unless_again():
    after_ms = int((FAILED + timedelta(minutes=5)).timestamp() * 1000)
    before_ms = int((FAILED - timedelta(minutes=5)).timestamp() * 1000)
    letters = [
        letter(call_id="open"),
        letter(call_id="older-row", processed_at=before_ms),  # the calls row is from before the failure
        letter(call_id="replayed", replays=2),
        letter(call_id="resolved", processed_at=after_ms),
        letter(call_id="alert", stage="notify", processed_at=after_ms),  # a calls row does not undo it
        letter(call_id="publish", topic="x.jsonl", partition=-1, stage="publish"),
    ]
    report = dlq.plan(letters, TOPICS, again=False)
    assert [x.call_id for x in report.replayed] == ["open", "older-row", "alert"]
    reasons = {x.call_id: why for x, why in report.skipped}
    assert "replayed 2x already" in reasons["replayed"] and "reached `calls`" in reasons["resolved"]
    again = dlq.plan(letters, TOPICS, again=True)
    assert [x.call_id for x, _ in again.skipped] == ["publish"]  # never an event: --again cannot help
    assert [x.status for x in letters[:5]] == ["open", "open", "replayed 2x", "resolved", "open"]


def test_a_letter_that_failed_again_after_its_replay_goes_back_again():
    # the embedded broker restarts at offset 0: a replayed record failing the same way again has this
    # letter's key, so the letter's failed_at moves past its replay instead of a new letter appearing
    failed_again = letter(
        call_id="again", failed_at=FAILED, replays=1, last_replayed_at=FAILED - timedelta(minutes=1)
    )
    waiting = letter(call_id="waiting", replays=1, last_replayed_at=FAILED + timedelta(minutes=1))
    report = dlq.plan([failed_again, waiting], TOPICS, again=False)
    assert [x.call_id for x in report.replayed] == ["again"]
    assert [x.call_id for x, _ in report.skipped] == ["waiting"]
    assert failed_again.status == "failed again after 1 replay(s)" and waiting.status == "replayed 1x"


def test_replay_limit_counts_the_letters_sent_back_not_the_skipped_ones():
    letters = [letter(call_id="done", replays=1), letter(call_id="a"), letter(call_id="b")]
    report = dlq.plan(letters, TOPICS, again=False, limit=1)
    assert [x.call_id for x in report.replayed] == ["a"]
    assert [x.call_id for x, _ in report.skipped] == ["done"]


def test_the_filter_binds_every_value():
    sql, params = dlq.LetterFilter(
        stage="sink", tenant="acme'; DROP TABLE calls; --", call_ids=("a", "b"), since=FAILED, limit=5
    ).sql()
    assert "DROP" not in sql and "acme" not in sql
    assert params == {
        "stage": "sink",
        "tenant": "acme'; DROP TABLE calls; --",
        "call_ids": ["a", "b"],
        "since": FAILED.replace(tzinfo=None),
        "limit": 5,
    }
    assert "LIMIT %(limit)s" in sql and "d.call_id IN %(call_ids)s" in sql
    everything, none = dlq.LetterFilter().sql()
    assert none == {} and "LIMIT" not in everything
    assert "d.failed_at ASC" in everything  # replay: in failure order
    assert "d.failed_at DESC" in dlq.LetterFilter(newest_first=True).sql()[0]  # list: the newest


def test_since_takes_a_duration_or_an_iso_time():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert dlq.parse_since("2h", now) == now - timedelta(hours=2)
    assert dlq.parse_since("2026-11-20T10:00:00Z") == FAILED
    assert dlq.parse_since("2026-11-20T10:00:00") == FAILED  # no zone: UTC
    with pytest.raises(ValueError, match="a duration back from now"):
        dlq.parse_since("yesterday")


def test_a_text_payload_column_is_read_back_as_its_bytes():
    row = [*letter().__dict__.values()][:13]
    row[7], row[8] = "c-1", "record \udcff"  # as a client without column_formats returns a String
    got = dlq.Letter.from_row([*row, 0, None, 0])
    assert got.key == b"c-1" and got.payload == b"record \xff"
    assert (got.replays, got.last_replayed_at, got.processed_at) == (0, None, None)


def test_the_report_says_what_happened(capsys):
    report = dlq.ReplayReport(
        replayed=[letter()],
        skipped=[(letter(call_id="p", stage="publish"), "refused")],
        failed=[(letter(call_id="f"), "timed out")],
    )
    dlq.print_report(report, dry_run=False)
    err = capsys.readouterr().err
    assert "replayed c-1 (transcribe: RecordingNotFound) from calls.completed" in err
    assert "FAILED f" in err and "skipped p" in err
    assert "1 dead letter(s) replayed, 1 not acknowledged by the broker (try again), 1 skipped" in err


def test_a_bad_since_is_refused_before_anything_runs(monkeypatch, tmp_path, capsys):
    for name in list(os.environ):
        if name.startswith("CALLSTREAM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CALLSTREAM_DATA_DIR", str(tmp_path / "data"))
    assert main(["dlq", "list", "--since", "last week"]) == 2
    assert "--since: a duration back from now" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # refused before the data folder was touched


def test_records_queued_in_the_spool_add_to_what_a_stop_left_there(tmp_path):
    from streams import spool

    first = spool.append(tmp_path, [("p.calls.completed", 1, b"k1", b"v1")], partitions=4)
    second = spool.append(tmp_path, [("p.calls.scored", 3, None, b"v2")], partitions=4)
    assert first == second == spool.spool_path(tmp_path)
    assert oct(second.stat().st_mode & 0o777) == "0o600"  # calls not yet processed: owner only
    _, topics, records, bad = spool._parse(second.read_bytes())
    assert topics == {"p.calls.completed": 4, "p.calls.scored": 4} and not bad
    assert [(r.topic, r.partition, r.key, r.value) for r in records] == [
        ("p.calls.completed", 1, b"k1", b"v1"),
        ("p.calls.scored", 3, None, b"v2"),
    ]


def test_a_spool_no_worker_could_restore_is_not_replaced(tmp_path):
    from streams import spool

    damaged = spool.spool_path(tmp_path)
    damaged.write_bytes(b"not a header\n")
    with pytest.raises(spool.SpoolError, match="move it aside first"):
        spool.append(tmp_path, [("t", 0, b"k", b"v")], partitions=1)
    assert damaged.read_bytes() == b"not a header\n"


def test_one_record_that_failed_twice_goes_back_once_as_its_newest_letter():
    """--again over a letter and the letter of its failed replay: one record, sent once; both count
    as replayed afterwards."""
    older = letter(offset=1, replays=1, last_replayed_at=FAILED)
    newer = letter(offset=9, failed_at=FAILED + timedelta(hours=1))
    other = letter(offset=5, call_id="c-2", key=b"c-2", payload=b"other")
    report = dlq.plan([older, other, newer], TOPICS, again=True)
    assert report.replayed == [other, newer]
    assert report.skipped == [(older, "the same record as a newer letter, which goes instead")]
    assert report.sent_with([newer]) == [newer, older] and report.sent_with([other]) == [other]


def test_a_replay_queued_in_the_spool_says_so_until_the_call_goes_through():
    queued = letter(
        replays=1, last_replayed_at=FAILED + timedelta(minutes=1), last_replayed_by="ops@h (spool)"
    )
    assert queued.status == "replayed 1x (last one queued in the spool)"
    assert queued.status_text(spool_pending=False) == "replayed 1x"  # a worker published the spool
    sent = letter(replays=2, last_replayed_at=FAILED + timedelta(minutes=1), last_replayed_by="ops@h")
    assert sent.status == "replayed 2x"
    again = letter(replays=1, last_replayed_at=FAILED - timedelta(minutes=1), last_replayed_by="ops@h")
    assert again.status == "failed again after 1 replay(s)"


def test_payload_needs_json(monkeypatch, capsys):
    for name in list(os.environ):
        if name.startswith("CALLSTREAM_"):
            monkeypatch.delenv(name)
    assert main(["dlq", "list", "--payload"]) == 2
    assert "--payload needs --format json" in capsys.readouterr().err


def test_a_refused_line_shows_as_its_text_and_a_record_decoded():
    from schemas.codec import SingleObjectCodec

    codec, settings = SingleObjectCodec(), Settings()
    line = letter(topic="calls.jsonl", partition=-1, stage="publish", payload=b'{"call_id": "x"')
    assert dlq.payload_record(line, settings, codec) == '{"call_id": "x"'
    broken = letter(payload=b"\xc3\x01 no schema")
    assert dlq.payload_record(broken, settings, codec).startswith("(not a readable CallCompleted: ")
    assert dlq.payload_record(letter(payload=b""), settings, codec) is None


# --- dismiss, --status, --error-class, export -------------------------------------------------------------


def dismissed(at: datetime = FAILED + timedelta(minutes=1), **changes: object) -> dlq.Letter:
    fields: dict[str, object] = {
        "dismissals": 1,
        "last_dismissed_at": at,
        "dismissed_reason": "test call",
        "last_dismissed_by": "ops@h",
    }
    return letter(**(fields | changes))


def test_a_dismissed_letter_stays_dismissed_until_it_fails_or_is_replayed_after_it():
    assert dismissed().status == "dismissed" and dismissed().state(TOPICS) == "dismissed"
    # failed again (the embedded broker's letter moves on) after the dismissal: open again
    later = dismissed(at=FAILED - timedelta(minutes=1))
    assert not later.dismissed and later.status == "open"
    # replayed with --again after the dismissal: the replay's outcome counts, not the dismissal
    replayed = dismissed(replays=1, last_replayed_at=FAILED + timedelta(minutes=2))
    assert not replayed.dismissed and replayed.state(TOPICS) == "replayed"
    # dismissed after the replay failed again: dismissed
    settled = dismissed(
        at=FAILED + timedelta(minutes=5), replays=1, last_replayed_at=FAILED - timedelta(minutes=1)
    )
    assert settled.failed_again and settled.state(TOPICS) == "dismissed"
    # a call that went through anyway is resolved, dismissed or not
    done = dismissed(processed_at=int((FAILED + timedelta(hours=1)).timestamp() * 1000))
    assert done.state(TOPICS) == "resolved"


def test_replay_skips_a_dismissed_letter_unless_again():
    letters = [dismissed(call_id="junk"), letter(call_id="real")]
    report = dlq.plan(letters, TOPICS, again=False)
    assert [x.call_id for x in report.replayed] == ["real"]
    assert report.skipped[0][1] == "dismissed: test call (--again replays it anyway)"
    assert [x.call_id for x in dlq.plan(letters, TOPICS, again=True).replayed] == ["junk", "real"]


def test_dismiss_sets_aside_open_letters_only_and_its_limit_counts_the_dismissed():
    resolved = letter(call_id="done", processed_at=int((FAILED + timedelta(hours=1)).timestamp() * 1000))
    letters = [resolved, dismissed(call_id="old"), letter(call_id="a"), letter(call_id="b")]
    report = dlq.plan_dismiss(letters, limit=1)
    assert [x.call_id for x in report.dismissed] == ["a"]
    reasons = {x.call_id: why for x, why in report.skipped}
    assert reasons == {
        "done": "its call has reached `calls` since: nothing to dismiss",
        "old": "dismissed already by ops@h: test call",
    }
    # a letter that failed again after its replay is open again, so it can be dismissed
    again = letter(call_id="again", replays=1, last_replayed_at=FAILED - timedelta(minutes=1))
    assert dlq.plan_dismiss([again]).dismissed == [again]


class FakeClient:
    def __init__(self, rows: list[tuple] | None = None) -> None:
        self.inserts: list[tuple[str, list, list[str]]] = []
        self.queries: list[tuple[str, dict]] = []
        self.rows = rows or []

    def insert(self, table: str, rows: list, column_names: list[str]) -> None:
        self.inserts.append((table, rows, column_names))

    def query(self, sql: str, parameters: dict) -> object:
        self.queries.append((sql, parameters))
        return type("Result", (), {"result_rows": self.rows})()


def test_each_dismissal_is_an_audit_row_with_who_when_and_why():
    client = FakeClient()
    dlq.record_dismissals(client, [letter(call_id="c-9", tenant="t")], "test call")
    dlq.record_dismissals(client, [], "nothing")  # nothing chosen: no empty insert
    [(table, [row], columns)] = client.inserts
    audit = dict(zip(columns, row, strict=True))
    assert table == "dead_letter_dismissals" and audit["reason"] == "test call"
    assert (audit["call_id"], audit["tenant"], audit["offset"], audit["payload_hash"]) == ("c-9", "t", 7, 42)
    assert "@" in audit["dismissed_by"] and audit["dismissed_at"].tzinfo is not None


def test_the_dismiss_report_says_what_was_set_aside(capsys):
    report = dlq.DismissReport(dismissed=[letter()], skipped=[(letter(call_id="d"), "dismissed already")])
    dlq.print_dismiss_report(report, dry_run=True)
    err = capsys.readouterr().err
    assert "would dismiss c-1 (transcribe: RecordingNotFound)" in err and "skipped d" in err
    assert "1 dead letter(s) would be dismissed, 1 skipped; nothing recorded" in err


def test_list_json_names_the_dismissal():
    [row] = dlq.list_rows([dismissed()], TOPICS, full=True)
    shown = dict(zip(dlq.JSON_HEADERS, row, strict=True))
    assert shown["status"] == "dismissed" and shown["dismissed_reason"] == "test call"
    assert shown["dismissed_at"] == "2026-11-20 10:01:00" and shown["dismissed_by"] == "ops@h"
    [plain] = dlq.list_rows([letter()], TOPICS, full=True)
    assert plain[-3:] == [None, None, None]


@pytest.mark.parametrize(
    ("changes", "state"),
    [
        ({}, "open"),
        ({"replays": 1, "last_replayed_at": FAILED + timedelta(minutes=1)}, "replayed"),
        ({"replays": 1, "last_replayed_at": FAILED - timedelta(minutes=1)}, "failed-again"),
        ({"processed_at": int((FAILED + timedelta(minutes=1)).timestamp() * 1000)}, "resolved"),
        ({"topic": "calls.jsonl", "partition": -1, "stage": "publish"}, "not-replayable"),
        ({"payload": b""}, "not-replayable"),
    ],
)
def test_each_letter_has_one_state_of_the_status_filter(changes, state):
    assert letter(**changes).state(TOPICS) == state and state in dlq.STATES


def test_status_takes_repeats_and_comma_lists_and_names_the_valid_ones():
    assert dlq.parse_statuses(["open", "Failed_Again, dismissed", "open"]) == (
        "open",
        "failed-again",
        "dismissed",
    )
    with pytest.raises(ValueError, match="unknown status 'done'; choose from open, replayed, failed-again"):
        dlq.parse_statuses(["open,done"])


@pytest.mark.parametrize(
    "command", [["list"], ["replay"], ["dismiss", "--reason", "x"], ["export"]], ids=lambda c: c[0]
)
def test_an_unknown_status_is_a_usage_error(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["dlq", *command, "--status", "closed"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--status: unknown status 'closed'; choose from open, replayed, failed-again, resolved" in err


def _no_callstream_env(monkeypatch, data) -> None:
    for name in list(os.environ):
        if name.startswith("CALLSTREAM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CALLSTREAM_DATA_DIR", str(data))


@pytest.mark.parametrize(
    "command",
    [
        ["replay", "--status", "failed-again"],
        ["dismiss", "--reason", "junk", "--status", "open,not-replayable"],
        ["export", "--limit", "3", "--status", "failed-again"],
    ],
    ids=lambda c: c[0],
)
def test_every_command_takes_the_status_filter_into_its_sql(command, monkeypatch, tmp_path, capsys):
    """``--status`` narrows replay, dismiss and export as it does list: in SQL, before a LIMIT, and it
    names letters (dismiss and replay need no --all with it)."""
    import streams.clickhouse

    _no_callstream_env(monkeypatch, tmp_path / "data")
    chosen: list[dlq.LetterFilter] = []
    monkeypatch.setattr(streams.clickhouse, "connect", lambda dsn: FakeClient())
    monkeypatch.setattr(streams.clickhouse, "migrate", lambda client: None)
    monkeypatch.setattr(dlq, "fetch", lambda client, letters: chosen.append(letters) or [])
    assert main(["dlq", *command]) == 0
    [letters] = chosen
    assert letters.statuses == dlq.parse_statuses([command[-1]]) and letters.topics == TOPICS
    sql, params = letters.sql()
    assert "IN %(statuses)s" in sql and params["statuses"] == list(letters.statuses)
    # export's --limit is the SQL LIMIT, so it counts letters of that status; replay's, dismiss's count later
    assert params.get("limit") == (3 if command[0] == "export" else None)
    capsys.readouterr()


def test_replay_without_naming_letters_needs_all_but_a_dry_run_may_count_them(monkeypatch, tmp_path, capsys):
    _no_callstream_env(monkeypatch, tmp_path / "data")
    for refused in (["replay"], ["replay", "--again"], ["replay", "--limit", "5"]):
        assert main(["dlq", *refused]) == 2, refused
        err = capsys.readouterr().err
        assert (
            "callstream dlq replay: no letters named; narrow with --stage, --error-class, --tenant, " in err
        )
        assert "--call-id, --since or --status, or pass --all to send back every open" in err
    assert not (tmp_path / "data").exists()  # refused before the data folder was touched
    from streams.cli import _dlq_unselected, build_parser

    parser = build_parser()
    for argv in (["replay", "--dry-run"], ["replay", "--all"], ["list"], ["export"]):
        assert _dlq_unselected(argv[0], parser.parse_args(["dlq", *argv]), selects=False) is None, argv
    dismiss = parser.parse_args(["dlq", "dismiss", "--reason", "x", "--dry-run"])
    assert "pass --all to dismiss every dead letter" in (_dlq_unselected("dismiss", dismiss, False) or "")
    assert dlq.LetterFilter(statuses=("failed-again",)).selects  # --status names letters


def test_dismiss_help_says_what_opens_a_dismissed_letter_again(capsys):
    with pytest.raises(SystemExit):
        main(["dlq", "dismiss", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "`replay --again` or a new failure of the letter after the dismissal opens it again" in text


def test_the_filter_matches_the_error_class_in_any_case_and_the_status_in_sql():
    sql, params = dlq.LetterFilter(
        error_class="filenotfounderror", statuses=("open", "dismissed"), topics=TOPICS
    ).sql()
    assert "lower(d.error_class) = lower(%(error_class)s)" in sql
    assert "'dismissed'" in sql and "IN %(statuses)s" in sql
    assert params["statuses"] == ["open", "dismissed"] and params["replay_topics"] == sorted(TOPICS)
    assert params["after_calls_row"] == ["alerts", "notify"]
    assert "%(statuses)s" not in dlq.LetterFilter().sql()[0]


def test_what_counts_as_naming_letters():
    assert not dlq.LetterFilter().selects and not dlq.LetterFilter(limit=5).selects
    assert dlq.LetterFilter(call_ids=("x",)).selects and dlq.LetterFilter(since=FAILED).selects
    assert dlq.LetterFilter(error_class="").selects  # given, even if empty: it narrows


def test_an_error_class_no_letter_has_is_named_with_the_ones_there():
    classes = {"RecordingNotFound": 3, "FileNotFoundError": 1}
    assert dlq.unknown_error_class("filenotfounderror", classes) is None  # known: other filters emptied it
    assert dlq.unknown_error_class("FileNotFound", classes) == (
        "no dead letters of error class 'FileNotFound'; the error classes there are: "
        "RecordingNotFound (3), FileNotFoundError (1)"
    )
    assert "none match the other conditions either" in dlq.unknown_error_class("X", {})


def test_the_error_classes_are_looked_up_without_the_class_status_or_limit():
    client = FakeClient(rows=[("RecordingNotFound", 2)])
    chosen = dlq.LetterFilter(tenant="acme", error_class="nope", statuses=("open",), limit=3, topics=TOPICS)
    assert "RecordingNotFound (2)" in (dlq.why_none(client, chosen) or "")
    [(sql, params)] = client.queries
    assert params == {"tenant": "acme"} and "LIMIT" not in sql and "GROUP BY d.error_class" in sql
    assert dlq.why_none(client, dlq.LetterFilter(tenant="acme")) is None  # no class given: nothing to say


def test_dismiss_without_naming_letters_needs_all(monkeypatch, tmp_path, capsys):
    for name in list(os.environ):
        if name.startswith("CALLSTREAM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CALLSTREAM_DATA_DIR", str(tmp_path / "data"))
    assert main(["dlq", "dismiss", "--reason", "cleanup", "--limit", "5"]) == 2
    err = capsys.readouterr().err
    assert "narrow with --stage, --error-class, --tenant, --call-id, --since or --status, " in err
    assert "pass --all to dismiss every dead letter" in err
    assert main(["dlq", "dismiss", "--tenant", "t", "--reason", "  "]) == 2
    assert "--reason must say why" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # refused before the data folder was touched
    with pytest.raises(SystemExit):  # --reason is required
        main(["dlq", "dismiss", "--all"])


def test_export_writes_calls_publish_reads_and_says_what_it_skipped():
    import io

    from connectors.events import call_from_json, read_jsonl
    from schemas.codec import SingleObjectCodec

    codec, settings = SingleObjectCodec(), Settings()
    call = {
        "call_id": "c-1",
        "tenant": "acme",
        "started_at": "2026-11-20T10:00:00Z",
        "ended_at": "2026-11-20T10:05:00Z",
        "agent": {"id": "a-1"},
        "customer": {"number": "+15550001111"},
        "recording_uri": "file:///rec/c-1.wav",
        "crm": {"deal": "42"},
    }
    record = call_from_json(call)
    good = letter(payload=codec.encode("CallCompleted", record))
    letters = [
        good,
        letter(offset=8, payload=good.payload),  # the same record failed twice: one line
        letter(call_id="t", topic="calls.transcribed", stage="filter", payload=b"\xc3\x01t"),
        letter(call_id="junk", payload=b"\xc3\x01 no schema"),
        letter(call_id="big", payload=b""),
        letter(call_id="l", topic="calls.jsonl", partition=-1, stage="publish", payload=b'{"call_id": "l"\n'),
        letter(call_id="cp", topic="calls.jsonl", partition=-1, stage="publish", payload=b'{"x": "\xe9"}'),
        letter(
            call_id="body", topic="ingest", partition=-1, stage="ingest", payload=b'{\n  "call_id": "b"\n}'
        ),
    ]
    out = io.BytesIO()
    report = dlq.export(letters, settings, codec, out)
    lines = out.getvalue().splitlines(keepends=True)
    assert lines[1:] == [b'{"call_id": "l"\n', b'{"x": "\xe9"}\n', b'{"call_id": "b"}\n']  # as given
    [parsed] = list(read_jsonl(lines[:1]))  # what `callstream publish` reads
    assert parsed.error is None
    assert {k: v for k, v in parsed.record.items() if k != "received_at"} == {
        k: v for k, v in record.items() if k != "received_at"
    }
    assert b"received_at" not in lines[0]  # publish stamps the new acceptance
    assert [x.call_id for x in report.exported] == ["c-1", "l", "cp", "body"]
    reasons = {x.call_id + str(x.offset): why for x, why in report.skipped}
    assert reasons["c-18"] == "the same record as a letter exported before it"
    assert reasons["t7"].startswith("its record is a Transcript, not a CallCompleted")
    assert reasons["junk7"].startswith("not a readable CallCompleted: ")
    assert reasons["big7"] == "its record was not kept (over the size limit)"


def test_the_export_report_counts_the_skipped(capsys):
    report = dlq.ExportReport(exported=[letter()], skipped=[(letter(call_id="t"), "a Transcript")])
    dlq.print_export_report(report, "out.jsonl")
    err = capsys.readouterr().err
    assert "skipped t (transcribe: RecordingNotFound) from calls.completed: a Transcript" in err
    assert "exported 1 call(s) to out.jsonl; 1 dead letter(s) skipped, with the reason above" in err


def test_an_exported_call_leaves_out_the_number_hash_publish_derives_from_its_number():
    """An integrator corrects a wrong customer number in the exported line: the published call must
    hash the corrected number, not keep the wrong one's hash (a silently broken join)."""
    from connectors.events import call_from_json, hash_number

    record = call_from_json(
        {
            "call_id": "c-1",
            "recording_uri": "file:///r/c-1.wav",
            "agent": {"id": "201"},
            "customer": {"number": "+15550000000"},
            "started_at": "2026-11-20T10:00:00Z",
            "ended_at": "2026-11-20T10:01:00Z",
        }
    )
    line = json.loads(dlq.call_json(record))
    assert line["customer"] == {"number": "+15550000000"}
    line["customer"]["number"] = "+15551111111"  # the correction
    assert call_from_json(line)["customer"]["number_hash"] == hash_number("+15551111111")
    # a call that carries only the hash (no number) keeps it: nothing could derive it again
    record["customer"] = {"number": None, "number_hash": "abc"}
    assert json.loads(dlq.call_json(record))["customer"] == {"number": None, "number_hash": "abc"}


def test_a_clean_stop_says_the_alert_tables_state_is_no_unprocessed_work(tmp_path):
    """After a run that processed every call, the worker kept only the cool-down table's changelog:
    calling that "unprocessed records" made an operator look for calls that never landed."""
    from streams.spool import SpoolReport

    state = SpoolReport(tmp_path, {"callstream-alerts-cooldown-changelog": 2})
    assert state.kept() == "2 record(s) of the alert tables' state (callstream-alerts-cooldown-changelog 2)"
    both = SpoolReport(tmp_path, {"calls.transcribed": 3, "callstream-alerts-cooldown-changelog": 2})
    assert both.kept() == (
        "3 unprocessed record(s) (calls.transcribed 3) and "
        "2 record(s) of the alert tables' state (callstream-alerts-cooldown-changelog 2)"
    )
