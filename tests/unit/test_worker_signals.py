"""streams.worker.Worker: one signal delivered twice (coreutils ``timeout`` signals the worker, then
its process group) is one stop; a second signal later still ends a stop that hangs; once the stop
began, aiokafka's errors about the broker going away are not shown."""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator

import faust
import pytest

from streams import worker


@pytest.fixture
def stopping(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[worker.Worker, list[str], list[float]]]:
    """A Worker whose first signal only records the stop (as mode does), with a clock the test sets
    and force_exit recorded instead of ending the test run."""
    exits: list[str] = []
    clock = [100.0]
    monkeypatch.setattr(worker, "force_exit", exits.append)
    monkeypatch.setattr(worker, "monotonic", lambda: clock[0])

    def first_signal(self: worker.Worker, sig: signal.Signals) -> None:
        self._signal_stop_time = 1.0

    monkeypatch.setattr(faust.Worker, "_schedule_shutdown", first_signal)
    w = object.__new__(worker.Worker)
    w._signal_stop_time = None
    w.shutdown_timeout_s = 3600.0  # the stop-timeout timer never fires here
    yield w, exits, clock
    for handler in logging.getLogger().handlers:  # the stop's filter: not for later tests
        handler.removeFilter(worker._BROKER_GONE_FILTER)


def test_the_same_signal_twice_at_once_is_one_stop(stopping, caplog: pytest.LogCaptureFixture) -> None:
    w, exits, clock = stopping
    w._schedule_shutdown(signal.SIGINT)
    clock[0] += 0.00005  # timeout(1): kill(child), then kill(0, ...) to its group
    with caplog.at_level(logging.DEBUG, logger="streams.worker"):
        w._schedule_shutdown(signal.SIGINT)
    assert exits == []
    [record] = caplog.records
    assert record.levelno == logging.DEBUG and "delivered twice" in record.getMessage()


def test_a_second_ctrl_c_later_still_forces_the_exit(stopping) -> None:
    w, exits, clock = stopping
    w._schedule_shutdown(signal.SIGINT)
    clock[0] += 0.5
    w._schedule_shutdown(signal.SIGINT)  # still the echo window
    clock[0] += 1.0
    w._schedule_shutdown(signal.SIGINT)
    assert exits == ["SIGINT again while stopping"]


def test_another_signal_at_once_forces_the_exit(stopping) -> None:
    w, exits, _ = stopping
    w._schedule_shutdown(signal.SIGINT)
    w._schedule_shutdown(signal.SIGTERM)
    assert exits == ["SIGTERM again while stopping"]


def test_first_signal_tells_an_echo_from_a_second_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's handler can ask the same question (it must not log in a raw signal handler)."""
    clock = [5.0]
    monkeypatch.setattr(worker, "monotonic", lambda: clock[0])
    first = worker.FirstSignal()
    assert not first.echo(signal.SIGINT)  # the first one
    assert first.echo(signal.SIGINT)
    assert not first.echo(signal.SIGTERM)
    clock[0] += worker.SIGNAL_ECHO_S
    assert not first.echo(signal.SIGINT)


@pytest.fixture
def root_handler() -> Iterator[logging.Handler]:
    """A handler on the root logger, as setup_logging / basicConfig leave one; removed afterwards."""
    handler = logging.Handler()
    records: list[logging.LogRecord] = []
    handler.emit = records.append  # type: ignore[method-assign]
    handler.records = records  # type: ignore[attr-defined]
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def test_aiokafka_connection_errors_are_dropped_once_the_stop_began(root_handler, stopping) -> None:
    def said() -> list[str]:
        messages = [r.getMessage() for r in root_handler.records]
        root_handler.records.clear()
        return messages

    def broker_goes_away() -> None:
        logging.getLogger("aiokafka.consumer.fetcher").error(
            "Failed fetch messages from %s: %s", 111, "KafkaConnectionError: Connection at 127.0.0.1:1 closed"
        )
        logging.getLogger("aiokafka").error("Unable to update metadata from %s", [111])
        logging.getLogger("aiokafka.consumer.consumer").error("Unexpected error: %s", "RecordTooLarge")
        logging.getLogger("streams.sink").error("could not connect to ClickHouse")

    broker_goes_away()
    assert len(said()) == 4  # before a stop, every one is news
    w, _, _ = stopping
    w._schedule_shutdown(signal.SIGINT)
    broker_goes_away()
    assert said() == ["Unexpected error: RecordTooLarge", "could not connect to ClickHouse"]
