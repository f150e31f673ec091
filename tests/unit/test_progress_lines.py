"""streams.progress: plain progress lines for long commands in a log (import, dlq replay --rate)."""

from __future__ import annotations

import io

import pytest

from streams.progress import ProgressLines, format_duration, rate_and_eta


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.4, "0s"), (45, "45s"), (59.6, "1m00s"), (125, "2m05s"), (9960, "2h46m")]
)
def test_durations_read_at_a_glance(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_rate_and_eta() -> None:
    assert rate_and_eta(50, 500, 5.0) == "10.0/s, ETA 45s"
    assert rate_and_eta(0, 10, 3.0) == "0.0/s, ETA unknown"  # nothing done yet: no guess
    assert rate_and_eta(0, 10, 0.0) == "0.0/s, ETA unknown"


def test_a_line_only_when_due_with_the_time_since_the_start() -> None:
    clock, out = Clock(), io.StringIO()
    lines = ProgressLines(10, out, clock)
    seen: list[float] = []

    def line(elapsed: float) -> str:
        seen.append(elapsed)
        return f"at {elapsed:g}"

    clock.now += 9
    assert not lines.update(line)
    assert seen == []  # not even built: a command calls update once per item
    clock.now += 1
    assert lines.update(line)
    clock.now += 5
    assert not lines.update(line)
    clock.now += 5
    assert lines.update(line)
    assert out.getvalue() == "at 10\nat 20\n"
