"""streams.worker.Worker: one signal delivered twice (coreutils ``timeout`` signals the worker, then
its process group) is one stop; a second signal later still ends a stop that hangs."""

from __future__ import annotations

import logging
import signal

import faust
import pytest

from streams import worker


@pytest.fixture
def stopping(monkeypatch: pytest.MonkeyPatch) -> tuple[worker.Worker, list[str], list[float]]:
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
    return w, exits, clock


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
