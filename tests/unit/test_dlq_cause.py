"""``callstream dlq replay --dry-run``'s cause check, ``--skip-unfixed`` and ``--rate``'s pacing: real
recordings in temporary recording roots, real Avro payloads, an injected clock for the pacing."""

from __future__ import annotations

import dataclasses
import io
import math
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.events import SAMPLES_DIR
from schemas.codec import SingleObjectCodec
from streams import dlq
from streams.cli import build_parser, main
from streams.settings import Settings
from tests.factories import make_call_completed, make_transcript

CODEC = SingleObjectCodec()
FAILED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SAMPLE = SAMPLES_DIR / "sample-en-sale.wav"


def call_letter(call: dict, error: str = "RecordingNotFound", **changes: object) -> dlq.Letter:
    """A transcribe-stage letter whose payload is ``call`` as the stage read it."""
    fields: dict[str, object] = {
        "topic": "calls.completed",
        "partition": 0,
        "offset": 3,
        "stage": "transcribe",
        "payload_hash": 1,
        "call_id": call["call_id"],
        "tenant": call["tenant"],
        "key": call["call_id"].encode(),
        "payload": CODEC.encode("CallCompleted", call),
        "error_class": error,
        "error_message": "as the stage said it",
        "attempts": 1,
        "failed_at": FAILED,
    }
    return dlq.Letter(**(fields | changes))  # type: ignore[arg-type]


def recording_call(uri: str, tenant: str = "acme") -> dict:
    call = make_call_completed("c-rec", tenant=tenant)
    call["recording_uri"] = uri
    return call


@pytest.fixture
def roots(tmp_path: Path) -> Path:
    root = tmp_path / "recordings"
    root.mkdir()
    return root


def check(letter: dlq.Letter, root: Path, **settings: object) -> dlq.Cause:
    return dlq.check_cause(letter, Settings(recording_roots=[root], **settings), CODEC)


def test_a_missing_recording_would_fail_again_until_it_arrives(roots):
    path = roots / "late.wav"
    letter = call_letter(recording_call(path.as_uri()))
    missing = check(letter, roots)
    assert missing.state == "again" and str(missing).startswith("would fail again: recording still missing: ")
    assert str(path) in str(missing)
    shutil.copy(SAMPLE, path)
    arrived = check(letter, roots)
    assert arrived.state == "gone", arrived
    assert str(arrived) == f"cause gone: recording now readable: {path} ({SAMPLE.stat().st_size} bytes)"


def test_a_recording_that_arrived_empty_or_corrupt_still_fails_with_its_new_reason(roots):
    path = roots / "call.wav"
    letter = call_letter(recording_call(path.as_uri()))
    path.write_bytes(b"")
    empty = check(letter, roots)
    assert empty.state == "again" and "recording now empty" in str(empty) and "zero bytes" in str(empty)
    assert "recording still empty" in str(
        check(call_letter(recording_call(path.as_uri()), "EmptyRecording"), roots)
    )
    path.write_bytes(b"this is no audio at all, just text " * 50)
    corrupt = check(call_letter(recording_call(path.as_uri()), "CorruptRecording"), roots)
    assert corrupt.state == "again" and "recording still not decodable" in str(corrupt), corrupt


def test_a_recording_replaced_since_the_failure_is_gone_one_unchanged_is_not_checked(roots):
    path = roots / "call.wav"
    shutil.copy(SAMPLE, path)
    replaced = check(call_letter(recording_call(path.as_uri()), "CorruptRecording"), roots)
    assert replaced.state == "gone" and "replaced since the failure" in str(replaced)
    # it failed after the file was last written: the header reads, the decode is what failed
    later = datetime.now(UTC) + timedelta(hours=1)
    unchanged = check(call_letter(recording_call(path.as_uri()), "CorruptRecording", failed_at=later), roots)
    assert unchanged.state == "unknown" and "unchanged since the failure" in str(unchanged)
    assert str(unchanged).startswith("cause not checked: ")


def test_the_check_uses_the_stages_recording_roots_and_tenant(tmp_path, roots):
    outside = tmp_path / "elsewhere.wav"
    shutil.copy(SAMPLE, outside)
    refused = check(call_letter(recording_call(outside.as_uri())), roots)
    assert refused.state == "again" and "recording now not allowed" in str(refused)
    assert "CALLSTREAM_RECORDING_ROOTS" in str(refused)
    # the root widened since: the same letter's cause is gone
    assert check(call_letter(recording_call(outside.as_uri())), tmp_path).state == "gone"
    # {tenant} in a root: one tenant's call cannot name another tenant's recording
    (tmp_path / "acme").mkdir()
    own = tmp_path / "acme" / "call.wav"
    shutil.copy(SAMPLE, own)
    per_tenant = Settings(recording_roots=[tmp_path / "{tenant}"])
    mine = call_letter(recording_call(own.as_uri(), tenant="acme"), "RecordingNotAllowed")
    theirs = call_letter(recording_call(own.as_uri(), tenant="globex"), "RecordingNotAllowed")
    assert dlq.check_cause(mine, per_tenant, CODEC).state == "gone"
    other = dlq.check_cause(theirs, per_tenant, CODEC)
    assert other.state == "again" and "recording still not allowed" in str(other)


def test_without_recording_roots_in_this_shell_a_recording_outside_them_is_not_checked(tmp_path, roots):
    """The check runs with the command's own settings: a shell without the workers'
    CALLSTREAM_RECORDING_ROOTS read every recording letter as "would fail again: not allowed"."""
    path = roots / "call.wav"
    shutil.copy(SAMPLE, path)
    for error in ("RecordingNotFound", "RecordingNotAllowed"):
        cause = dlq.check_cause(call_letter(recording_call(path.as_uri()), error), Settings(), CODEC)
        assert cause.state == "unknown", cause
        assert str(cause) == (
            "cause not checked: CALLSTREAM_RECORDING_ROOTS is not set in this shell "
            "(the workers' setting decides)"
        )
    # what no roots change is still judged: a bundled sample reads, a remote host is refused
    sample = dlq.check_cause(call_letter(recording_call(SAMPLE.as_uri())), Settings(), CODEC)
    assert sample.state == "gone", sample
    remote = call_letter(recording_call("file://fileserver/rec/c.wav"), "RecordingNotAllowed")
    assert dlq.check_cause(remote, Settings(), CODEC).state == "again"
    # roots set in this shell, the recording outside them: this shell's verdict stands
    assert check(call_letter(recording_call(path.as_uri())), tmp_path / "other").state == "again"


def test_a_too_long_recording_is_not_judged_against_a_limit_this_shell_does_not_set(roots):
    path = roots / "long.wav"
    shutil.copy(SAMPLE, path)
    error = f"{path}: 38 s exceeds the 14400 s limit"
    letter = call_letter(recording_call(path.as_uri()), "RecordingTooLong", error_message=error)
    cause = dlq.check_cause(letter, Settings(recording_roots=[roots]), CODEC)
    assert str(cause) == (
        "cause not checked: CALLSTREAM_MAX_AUDIO_SECONDS is not set in this shell "
        "(the workers' setting decides)"
    )
    assert check(letter, roots, max_audio_seconds=14400).state == "again"  # set here: judged


def test_a_too_long_recording_is_judged_against_the_limit_now(roots):
    path = roots / "long.wav"
    shutil.copy(SAMPLE, path)
    letter = call_letter(
        recording_call(path.as_uri()),
        "RecordingTooLong",
        error_message=f"{path}: 38 s exceeds the 30 s limit",
    )
    still = check(letter, roots, max_audio_seconds=1)
    assert still.state == "again" and "recording still too long" in str(still) and "limit 1 s" in str(still)
    raised = check(letter, roots, max_audio_seconds=3600)
    assert raised.state == "gone" and "the limit was raised from 30 s to 3600 s; its header says " in str(
        raised
    )
    # within the limit by its header, the same limit: it was the decoded length that was too long
    same = check(letter, roots, max_audio_seconds=30)
    assert same.state == "again" and "the limit is still 30 s" in str(same)
    unknown = check(dataclasses.replace(letter, error_message="too long"), roots, max_audio_seconds=3600)
    assert unknown.state == "unknown"


def test_a_remote_recording_is_not_downloaded(roots):
    cause = check(call_letter(recording_call("https://records.example/c.wav")), roots)
    assert cause.state == "unknown" and "not downloaded" in str(cause)


def test_an_invalid_call_stays_invalid_and_a_recording_error_of_one_too(roots):
    broken = recording_call("")  # the contract wants a recording
    cause = check(call_letter(broken, "InvalidCall"), roots)
    assert cause.state == "again" and "recording_uri: must not be empty" in str(cause)
    assert "`dlq export` it" in str(cause)  # a CallCompleted can be corrected and published
    # the transcribe stage validates before it opens the recording: so does the check
    assert "still invalid" in str(check(call_letter(broken, "RecordingNotFound"), roots))
    valid = call_letter(recording_call((roots / "x.wav").as_uri()), "InvalidCall")
    now_valid = check(valid, roots)
    assert now_valid.state == "gone" and "passes transcribe's checks now" in str(now_valid)


def test_a_later_stages_record_is_validated_as_that_stage_does(roots):
    transcript = make_transcript("c-t")
    transcript["duration"] = math.nan
    letter = call_letter(
        make_call_completed("c-t"),
        "InvalidCall",
        stage="filter",
        topic="calls.transcribed",
        payload=CODEC.encode("Transcript", transcript),
    )
    cause = check(letter, roots)
    assert cause.state == "again" and "duration: nan" in str(cause) and "dlq export" not in str(cause)
    transcript["duration"] = 12.0
    assert (
        check(dataclasses.replace(letter, payload=CODEC.encode("Transcript", transcript)), roots).state
        == "gone"
    )


def test_an_undecodable_record_stays_undecodable(roots):
    letter = call_letter(make_call_completed(), "SchemaError", payload=b"\x00\x01 not avro")
    cause = check(letter, roots)
    assert cause.state == "again" and str(cause).startswith(
        "would fail again: the record still does not decode:"
    )


def test_other_errors_are_not_checked_and_the_check_never_raises(roots):
    llm = call_letter(make_call_completed(), "LlmUnavailable", stage="score", topic="calls.compressed")
    cause = check(llm, roots)
    assert cause.state == "unknown" and "LlmUnavailable is no recording, decoding or validation error" in str(
        cause
    )

    class Odd:
        def decode(self, *_: object) -> object:
            return None  # not a record: validating it breaks

    odd = dlq.check_cause(call_letter(make_call_completed(), "InvalidCall"), Settings(), Odd())
    assert odd.state == "unknown" and "the check itself failed" in str(odd)


def test_the_dry_run_report_says_each_cause_and_counts_them(roots, capsys):
    there = roots / "there.wav"
    shutil.copy(SAMPLE, there)
    letters = [
        call_letter(
            recording_call((roots / "gone.wav").as_uri()) | {"call_id": "missing"}, call_id="missing"
        ),
        call_letter(recording_call(there.as_uri()) | {"call_id": "arrived"}, call_id="arrived"),
        call_letter(make_call_completed("llm"), "LlmUnavailable", call_id="llm", stage="score"),
    ]
    causes = dlq.CauseChecks(Settings(recording_roots=[roots]), CODEC)
    report = dlq.plan(letters, dlq.replay_topics(Settings()), again=False)
    dlq.print_report(report, dry_run=True, causes=causes)
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("would replay missing (transcribe: RecordingNotFound) from calls.completed: ")
    assert ": would fail again: recording still missing: " in err[0]
    assert err[1].endswith(f": cause gone: recording now readable: {there} ({there.stat().st_size} bytes)")
    assert ": cause not checked: LlmUnavailable is no recording" in err[2]
    assert err[3:] == [
        "3 dead letter(s) would be replayed; nothing sent",
        "causes: 1 would fail again, 1 gone, 1 not checked",
    ]


def test_skip_unfixed_leaves_out_what_would_fail_again_before_the_limit_counts(roots, capsys):
    there = roots / "there.wav"
    shutil.copy(SAMPLE, there)
    missing = call_letter(recording_call((roots / "gone.wav").as_uri()), call_id="missing")
    arrived = call_letter(recording_call(there.as_uri()), call_id="arrived", offset=4)
    unknown = call_letter(
        make_call_completed("llm"), "LlmUnavailable", call_id="llm", stage="score", offset=5
    )
    causes = dlq.CauseChecks(Settings(recording_roots=[roots]), CODEC)
    topics = dlq.replay_topics(Settings())
    report = dlq.plan([missing, arrived, unknown], topics, again=False, limit=1, unfixed=causes.unfixed)
    assert report.replayed == [arrived]  # the limit counts what goes, not the unfixed one
    assert [(x.call_id, why.split(":")[0]) for x, why in report.skipped] == [("missing", "would fail again")]
    assert report.skipped[0][1].endswith("(--skip-unfixed)")
    # what cannot be checked goes back: only a cause known to be there keeps a letter out
    assert dlq.plan([unknown], topics, again=False, unfixed=causes.unfixed).replayed == [unknown]
    assert causes.counts() == {"again": 1, "gone": 1, "unknown": 1}


class FakeClock:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_pacer_spaces_records_at_the_rate():
    clock = FakeClock()
    pacer = dlq.Pacer(4, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(9):
        pacer.wait()
        sent.append(clock.now - 100.0)
    assert sent == pytest.approx([i / 4 for i in range(9)])


def test_a_pacer_that_fell_behind_catches_up_by_at_most_a_second_of_records():
    clock = FakeClock()
    pacer = dlq.Pacer(10, clock=clock, sleep=clock.sleep)
    pacer.wait()
    clock.now += 30  # the broker stalled
    stalled = clock.now
    times = []
    for _ in range(25):
        pacer.wait()
        times.append(clock.now - stalled)
    burst = sum(1 for t in times if t == 0)
    assert burst == 10 * dlq.MAX_BURST_S + 1, times  # not 300 at once
    assert times[-1] == pytest.approx((25 - burst) / 10)
    with pytest.raises(ValueError):
        dlq.Pacer(0)


def test_a_sleep_that_returns_early_is_slept_again():
    """``send`` sleeps in ``producer.poll``, which returns as soon as it served a delivery report."""
    clock = FakeClock()
    pacer = dlq.Pacer(2, clock=clock, sleep=lambda s: clock.sleep(min(s, 0.1)))
    pacer.wait()
    pacer.wait()
    assert clock.now - 100.0 == pytest.approx(0.5)


def test_progress_comes_every_few_seconds_with_rate_and_eta():
    clock, out = FakeClock(), io.StringIO()
    progress = dlq.Progress(500, out, every=5, clock=clock)
    clock.now += 4
    progress.update(40, 38)
    assert out.getvalue() == ""
    clock.now += 1
    progress.update(50, 48)
    assert out.getvalue() == "dlq replay: 50/500 sent (48 acknowledged), 10.0/s, ETA 45s\n"
    clock.now += 2
    progress.update(70, 70)
    assert out.getvalue().count("\n") == 1  # not again before five more seconds
    assert dlq.progress_line(100, 100, 100_000, 10.0) == (
        "dlq replay: 100/100000 sent (100 acknowledged), 10.0/s, ETA 2h46m"
    )
    assert dlq.progress_line(0, 0, 10, 0.0).endswith("ETA unknown")


def no_callstream_env(monkeypatch, data: Path) -> None:
    for name in list(os.environ):
        if name.startswith("CALLSTREAM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CALLSTREAM_DATA_DIR", str(data))


@pytest.mark.parametrize("given", ["0", "-2", "fast", "inf"])
def test_rate_must_be_a_number_above_zero(given, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["dlq", "replay", "--all", "--rate", given])
    assert "--rate" in capsys.readouterr().err
    assert build_parser().parse_args(["dlq", "replay", "--all", "--rate", "0.5"]).rate == 0.5


def test_rate_needs_a_broker_it_cannot_pace_the_spool(monkeypatch, tmp_path, capsys):
    no_callstream_env(monkeypatch, tmp_path / "data")
    assert main(["dlq", "replay", "--all", "--rate", "5"]) == 2
    assert "--rate needs CALLSTREAM_KAFKA_BOOTSTRAP" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # refused before the data folder was touched


def test_replay_help_names_the_new_flags(capsys):
    with pytest.raises(SystemExit):
        main(["dlq", "replay", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--skip-unfixed" in out and "--rate N" in out and "would fail again" in out


class FakeProducer:
    """confluent_kafka.Producer as ``send`` uses it: every record is acknowledged at the next poll;
    ``stop_at``: the produce call that is interrupted (Ctrl-C)."""

    stop_at: int | None = None

    def __init__(self, _config: dict) -> None:
        self.produced: list[bytes] = []
        self.pending: list = []

    def produce(self, topic: str, key: bytes | None, value: bytes, on_delivery) -> None:
        if len(self.produced) == self.stop_at:
            raise KeyboardInterrupt
        self.produced.append(value)
        self.pending.append(on_delivery)

    def poll(self, _timeout: float = 0) -> int:
        served, self.pending = self.pending, []
        for report in served:
            report(None, None)
        return len(served)

    def flush(self, _timeout: float = 0) -> int:
        self.poll()
        return 0


class Inserts:
    """A ClickHouse client that keeps what was inserted."""

    def __init__(self) -> None:
        self.rows: list = []

    def insert(self, table: str, rows: list, column_names: list) -> None:
        self.rows += [(table, dict(zip(column_names, row, strict=True))) for row in rows]


def test_an_interrupted_replay_records_what_was_sent_and_says_what_was_not(monkeypatch, capsys):
    import confluent_kafka

    monkeypatch.setattr(FakeProducer, "stop_at", 2)
    monkeypatch.setattr(confluent_kafka, "Producer", FakeProducer)
    letters = [call_letter(make_call_completed(f"c-{i}"), call_id=f"c-{i}", offset=i) for i in range(4)]
    report = dlq.plan(letters, dlq.replay_topics(Settings()), again=False)
    client = Inserts()
    dlq.send(Settings(), "127.0.0.1:1", client, report, rate=1000)
    assert [x.call_id for x in report.replayed] == ["c-0", "c-1"]
    assert [(x.call_id, why.split(":")[0]) for x, why in report.failed] == [
        ("c-2", "not sent"),
        ("c-3", "not sent"),
    ]
    assert [row["call_id"] for table, row in client.rows if table == "dead_letter_replays"] == ["c-0", "c-1"]
    assert "dlq replay: interrupted after 2 record(s); recording those sent" in capsys.readouterr().err


class Killed(BaseException):
    """The process ending outright (SIGKILL, a lost shell): nothing after it runs."""


def test_a_long_replay_records_what_the_broker_took_as_it_goes(monkeypatch):
    """Recorded only after the final flush, a replay killed half-way recorded nothing, and the next run
    sent every record again (each transcribed once more): now what was acknowledged is recorded every
    few seconds."""
    import confluent_kafka

    class DiesAtFour(FakeProducer):
        def produce(self, topic: str, key: bytes | None, value: bytes, on_delivery) -> None:
            if len(self.produced) == 4:
                raise Killed
            super().produce(topic, key, value, on_delivery)

    monkeypatch.setattr(confluent_kafka, "Producer", DiesAtFour)
    monkeypatch.setattr(dlq, "RECORD_EVERY_S", 0.0)  # every record is a few seconds later, here
    letters = [call_letter(make_call_completed(f"c-{i}"), call_id=f"c-{i}", offset=i) for i in range(6)]
    report = dlq.plan(letters, dlq.replay_topics(Settings()), again=False)
    client = Inserts()
    with pytest.raises(Killed):
        dlq.send(Settings(), "127.0.0.1:1", client, report, rate=1000)
    recorded = [row["call_id"] for table, row in client.rows if table == "dead_letter_replays"]
    # acknowledged at the poll after each produce: c-0..c-3 were taken, each recorded once
    assert recorded == ["c-0", "c-1", "c-2", "c-3"]


def test_each_replay_is_recorded_once_however_often_it_records(monkeypatch):
    import confluent_kafka

    monkeypatch.setattr(confluent_kafka, "Producer", FakeProducer)
    monkeypatch.setattr(dlq, "RECORD_EVERY_S", 0.0)
    letters = [call_letter(make_call_completed(f"c-{i}"), call_id=f"c-{i}", offset=i) for i in range(5)]
    report = dlq.plan(letters, dlq.replay_topics(Settings()), again=False)
    client = Inserts()
    dlq.send(Settings(), "127.0.0.1:1", client, report)
    recorded = [row["call_id"] for table, row in client.rows if table == "dead_letter_replays"]
    assert recorded == [f"c-{i}" for i in range(5)]
    assert [x.call_id for x in report.replayed] == recorded


def test_export_takes_the_call_out_of_a_later_stages_record_only_when_told(capsys):
    from connectors.events import read_jsonl
    from tests.factories import make_alert, make_call_score

    transcript = make_transcript("c-t")
    letters = [
        call_letter(
            transcript["call"],
            "InvalidCall",
            stage="filter",
            topic="calls.transcribed",
            payload=CODEC.encode("Transcript", transcript),
        ),
        # the same call failing later, at the sink: written once
        call_letter(
            transcript["call"],
            "InvalidCall",
            stage="sink",
            topic="calls.scored",
            offset=9,
            payload=CODEC.encode("CallScore", make_call_score("c-t")),
        ),
        call_letter(
            make_call_completed("c-a"),
            "NotifyFailed",
            call_id="c-a",
            stage="notify",
            topic="calls.alerts",
            payload=CODEC.encode("Alert", make_alert("c-a")),
        ),
        call_letter(
            make_call_completed("c-x"),
            "SchemaError",
            call_id="c-x",
            stage="filter",
            topic="calls.transcribed",
        ),
    ]
    letters[3].payload = b"\xc3\x01 broken"
    settings = Settings()
    default = dlq.export(letters, settings, CODEC, io.BytesIO())
    assert not default.exported
    assert (
        "--later-stages exports the call it carries"
        in dict((x.call_id, y) for x, y in default.skipped)["c-t"]
    )

    out = io.BytesIO()
    report = dlq.export(letters, settings, CODEC, out, later_stages=True)
    [parsed] = list(read_jsonl(out.getvalue().splitlines()))  # what `callstream publish` reads
    assert parsed.error is None
    assert {k: v for k, v in parsed.record.items() if k != "received_at"} == {
        k: v for k, v in transcript["call"].items() if k != "received_at"
    }
    assert report.exported == report.from_later == [letters[0]]
    reasons = [(x.stage, why) for x, why in report.skipped]
    assert reasons[0] == ("sink", "the same call as a letter exported before it")
    assert reasons[1][0] == "notify"
    assert (
        reasons[1][1].startswith("its record is an Alert, not a CallCompleted")
        and "carries no call" in reasons[1][1]
    )
    assert reasons[2] == ("filter", reasons[2][1]) and reasons[2][1].startswith("not a readable Transcript: ")
    dlq.print_export_report(report, "out.jsonl")
    err = capsys.readouterr().err
    assert "exported 1 call(s) to out.jsonl; 3 dead letter(s) skipped" in err
    assert (
        "1 of them taken from a later stage's record: publishing such a call runs the whole pipeline" in err
    )


def test_a_folder_where_the_recording_should_be_is_still_missing_as_the_stage_says(roots):
    folder = roots / "call.wav"
    folder.mkdir()
    cause = check(call_letter(recording_call(folder.as_uri())), roots)
    assert (
        cause.state == "again"
        and "recording still missing" in str(cause)
        and "not a regular file" in str(cause)
    )


def test_the_dry_run_hint_does_not_offer_replay_all_for_letters_that_would_only_fail_again(roots):
    """A dry run without a selector ended "(to send them all back: `callstream dlq replay --all`)"
    even when its own cause check had just found that every letter would fail again."""
    late, missing = roots / "late.wav", roots / "missing.wav"
    letters = [
        call_letter(recording_call(late.as_uri()) | {"call_id": "c-late"}, call_id="c-late"),
        call_letter(recording_call(missing.as_uri()) | {"call_id": "c-gone"}, call_id="c-gone"),
    ]
    causes = dlq.CauseChecks(Settings(recording_roots=[roots]), CODEC)
    report = dlq.ReplayReport(replayed=letters)
    hint = dlq.replay_all_hint(report, causes)
    assert hint.startswith("(all 2 would fail again as things stand: fix the cause first")
    assert "dlq dismiss --status open,failed-again --reason TEXT" in hint and "replay --all" not in hint

    shutil.copy(SAMPLE, late)  # one recording arrives: the rest is named, and how to leave it out
    causes = dlq.CauseChecks(Settings(recording_roots=[roots]), CODEC)
    hint = dlq.replay_all_hint(report, causes)
    assert hint == (
        "(to send them all back: `callstream dlq replay --all`; 1 of them would fail again: "
        "`--skip-unfixed` leaves those out)"
    )
    shutil.copy(SAMPLE, missing)
    causes = dlq.CauseChecks(Settings(recording_roots=[roots]), CODEC)
    assert dlq.replay_all_hint(report, causes) == "(to send them all back: `callstream dlq replay --all`)"
    assert dlq.replay_all_hint(report, None) == "(to send them all back: `callstream dlq replay --all`)"
