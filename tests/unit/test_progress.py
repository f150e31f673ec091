"""The worker's periodic progress line (streams/observability.py): formatting, diffing, silence when
idle, and counts read from the same prometheus counters /metrics exports."""

from __future__ import annotations

import logging

import pytest
from prometheus_client import REGISTRY

from streams import metrics
from streams.observability import (
    PROGRESS_LOG,
    Counts,
    ProgressReporter,
    progress_line,
    read_counts,
    show_progress,
)


def counts(calls: float = 0, letters: float = 0, **stages: tuple[float, float, float]) -> Counts:
    return Counts(dict(stages), calls, letters)


def test_the_line_reports_what_changed_per_stage_in_pipeline_order():
    before = counts(3, 1, sink=(4, 4, 0), transcribe=(4, 3, 1), filter=(3, 3, 0))
    now = counts(15, 2, sink=(17, 17, 0), transcribe=(17, 15, 2), filter=(15, 15, 0), score=(0, 0, 0))
    line = progress_line(before, now, 30.2, lag=0, lag_before=4)
    assert line == (
        "transcribe 13 in/12 out/1 failed, filter 12 in/12 out/0 failed, sink 13 in/13 out/0 failed; "
        "12 calls, 1 dead letter written to ClickHouse (last 30 s; 15 calls, 2 dead letters since start); "
        "lag 0"
    )


def test_a_stage_without_change_is_left_out_and_a_new_stage_counts_from_zero():
    before = counts(filter=(5, 5, 0))
    now = counts(1, filter=(5, 5, 0), alerts=(2, 1, 0), sink=(1, 1, 0))
    line = progress_line(before, now, 10)
    assert line is not None
    assert "filter" not in line
    assert line.startswith("sink 1 in/1 out/0 failed, alerts 2 in/1 out/0 failed; 1 call, 0 dead letters")
    assert line.endswith("lag unknown")


def test_a_worker_without_the_sink_says_nothing_of_clickhouse():
    line = progress_line(counts(), counts(transcribe=(3, 2, 1)), 30, lag=2, lag_before=0)
    assert line == "transcribe 3 in/2 out/1 failed (last 30 s); lag 2"


def test_nothing_changed_means_no_line():
    same = counts(7, 1, sink=(8, 8, 1))
    assert progress_line(same, same, 30) is None
    assert progress_line(same, same, 30, lag=0, lag_before=None) is None  # the first check: no news
    assert progress_line(same, same, 30, lag=3, lag_before=3) is None
    assert progress_line(same, same, 30, lag=None, lag_before=3) is None  # a failed check warns itself


def test_waiting_records_alone_are_news():
    """A long call being transcribed: nothing out for a while, yet the lag says records wait."""
    same = counts(sink=(1, 1, 0))
    assert progress_line(same, same, 30, lag=5, lag_before=0) == (
        "no records; 0 calls, 0 dead letters written to ClickHouse (last 30 s; 0 calls, 0 dead letters "
        "since start); lag 5"
    )
    assert progress_line(same, same, 30, lag=5, lag_before=None) is not None


def test_counts_agree_with_the_exported_metrics():
    stage = "unit-progress"
    before = read_counts()
    metrics.RECORDS_IN.labels(stage).inc(4)
    metrics.RECORDS_OUT.labels(stage).inc(2)
    metrics.RECORDS_FAILED.labels(stage, "ValueError").inc()
    metrics.RECORDS_FAILED.labels(stage, "KeyError").inc()
    metrics.SINK_ROWS.labels("calls").inc(3)
    metrics.SINK_ROWS.labels("dead_letters").inc(2)
    metrics.SINK_ROWS.labels("call_criteria").inc(30)  # neither calls nor dead letters
    now = read_counts()
    exported = {
        kind: REGISTRY.get_sample_value(f"callstream_records_{kind}_total", {"stage": stage})
        for kind in ("in", "out")
    }
    assert now.stages[stage] == (exported["in"], exported["out"], 2.0)
    rows = {
        t: REGISTRY.get_sample_value("callstream_sink_rows_total", {"table": t})
        for t in ("calls", "dead_letters")
    }
    assert (now.calls_written, now.letters_written) == (rows["calls"], rows["dead_letters"])
    assert (now.calls_written - before.calls_written, now.letters_written - before.letters_written) == (3, 2)
    line = progress_line(before, now, 1)
    assert line is not None
    assert line.startswith("unit-progress 4 in/2 out/2 failed; 3 calls, 2 dead letters written")


class FakeCounts:
    def __init__(self) -> None:
        self.now = counts(sink=(0, 0, 0))

    def __call__(self) -> Counts:
        return self.now


def test_the_reporter_logs_only_intervals_with_news_and_once_more_on_stop(caplog):
    fake, clock = FakeCounts(), iter([0.0, 30.0, 60.0, 90.0, 120.0])
    reporter = ProgressReporter(30, counts=fake, clock=lambda: next(clock))
    caplog.set_level(logging.INFO, logger=PROGRESS_LOG.name)
    assert reporter.tick() is None  # idle
    fake.now = counts(2, sink=(2, 2, 0))
    assert reporter.tick() is not None
    assert reporter.tick() is None  # nothing new since
    fake.now = counts(3, sink=(3, 3, 0))
    reporter.start()._stop.set()  # the thread ends before its first tick; stop() reports the rest
    reporter.stop()
    lines = [r.getMessage() for r in caplog.records if r.name == PROGRESS_LOG.name]
    assert len(lines) == 2, lines
    assert lines[0].startswith("sink 2 in/2 out/0 failed; 2 calls, 0 dead letters written")
    assert "(last 30 s;" in lines[0]
    assert lines[1].startswith("sink 1 in/1 out/0 failed; 1 call, 0 dead letters written")
    assert "(last 30 s; 3 calls, 0 dead letters since start)" in lines[1]


def test_interval_zero_starts_no_thread_and_says_nothing_on_stop(caplog):
    fake = FakeCounts()
    reporter = ProgressReporter(0, counts=fake).start()
    fake.now = counts(1, sink=(1, 1, 0))
    caplog.set_level(logging.INFO, logger=PROGRESS_LOG.name)
    reporter.stop()
    assert reporter._thread is None
    assert not [r for r in caplog.records if r.name == PROGRESS_LOG.name]


@pytest.mark.parametrize(("level", "shown"), [("warning", True), ("info", True), ("error", False)])
def test_progress_shows_at_the_default_log_level_and_hides_at_error(level, shown):
    was = PROGRESS_LOG.level
    PROGRESS_LOG.setLevel(logging.NOTSET)
    root = logging.getLogger().level
    logging.getLogger().setLevel(level.upper())
    try:
        show_progress(level)
        assert PROGRESS_LOG.isEnabledFor(logging.INFO) is shown
    finally:
        PROGRESS_LOG.setLevel(was)
        logging.getLogger().setLevel(root)


def test_a_call_being_transcribed_is_said_not_read_as_idle():
    """An operator trial: `no records (last 10 s); lag 9` while a long recording was transcribed read
    as an idle worker, with a lag up to CALLSTREAM_LAG_INTERVAL old and not saying so."""
    before = counts(transcribe=(1, 0, 0))
    busy = Counts(dict(transcribe=(1, 0, 0)), in_progress={"transcribe": 1.0})
    assert progress_line(before, busy, 10, lag=9, lag_before=9, lag_age=12.4) == (
        "no record finished (last 10 s); transcribing 1 call; lag 9 (12 s ago)"
    )
    # busy alone is news: each interval says the call is still under way
    assert progress_line(busy, busy, 30) == "no record finished (last 30 s); transcribing 1 call; lag unknown"
    two = Counts(dict(filter=(3, 1, 0)), in_progress={"filter": 2.0, "score": 1.0})
    line = progress_line(counts(), two, 30, lag=0, lag_before=0, lag_age=3)
    assert line == (
        "filter 3 in/1 out/0 failed (last 30 s); filtering 2 calls, scoring 1 call; lag 0 (3 s ago)"
    )


def test_records_in_progress_are_read_from_their_gauge():
    gauge = metrics.IN_PROGRESS.labels("transcribe")
    with gauge.track_inprogress():
        assert read_counts().in_progress.get("transcribe") == 1.0
    assert "transcribe" not in read_counts().in_progress  # 0: not busy


def test_the_reporter_says_how_old_the_lag_is():
    clock = iter([0.0, 30.0])
    reporter = ProgressReporter(
        30,
        counts=lambda: counts(transcribe=(1, 0, 0)),
        clock=lambda: next(clock),
        lag=lambda: 4,
        lag_age=lambda: 7.0,
    )
    assert reporter.tick() == "no records (last 30 s); lag 4 (7 s ago)"
