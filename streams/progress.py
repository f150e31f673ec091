"""Progress of a long command (``import``, ``dlq replay --rate``) as plain lines: one every few seconds.

A terminal gets a live bar where a command has one (tqdm); a log file, a pipe or CI gets these lines
instead, since a bar's carriage returns make one endless line of a log, mixed with the per-item
error lines the command writes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def format_duration(seconds: float) -> str:
    """``45s``, ``2m05s``, ``2h46m``: an ETA a person reads at a glance."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def rate_and_eta(done: int, total: int, elapsed: float) -> str:
    """``10.0/s, ETA 45s`` for ``done`` of ``total`` items in ``elapsed`` seconds."""
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = f"ETA {format_duration((total - done) / rate)}" if rate > 0 else "ETA unknown"
    return f"{rate:.1f}/s, {eta}"


class Ticker:
    """Says when ``every`` seconds or more passed since it last did (or since the start)."""

    def __init__(self, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.every, self.clock = every, clock
        self.started = self._last = clock()

    def due(self) -> float | None:
        """The seconds since the start when a tick is due (the next one counts from now), else None."""
        now = self.clock()
        if now - self._last < self.every:
            return None
        self._last = now
        return now - self.started


class ProgressLines:
    """Writes ``line(elapsed)`` to ``out`` (stderr) when :meth:`update` is called ``every`` seconds or
    more after the last line (or the start): a long command calls it once per item, cheaply."""

    def __init__(
        self,
        every: float,
        out: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ticker, self.out = Ticker(every, clock), out

    def update(self, line: Callable[[float], str]) -> bool:
        """Write the line if one is due; ``line`` gets the seconds since the start. True if written."""
        elapsed = self.ticker.due()
        if elapsed is None:
            return False
        print(line(elapsed), file=self.out or sys.stderr, flush=True)
        return True
