"""Calls a heavy stage is working on, on disk, so one that kills its worker is not a poison pill.

A recording inside every limit can still need more memory than the worker has (about 1 GB per
audio hour per channel): the kernel kills the worker mid-call, nothing is committed, and every
restart takes the same call first and dies the same way, while the calls behind it on its partition
wait (a chaos review saw five kills in a row). A marker file per call is written before the work and
removed after it, whatever the outcome; a marker left over counts a death. The next attempt after
``limit`` deaths turns the call into a dead letter (:class:`KilledWorker`) instead of trying again.

Markers live in ``<data dir>/inflight/`` (an ``emptyDir`` in ``deploy/k8s``, which outlives a
container restart), named by a hash of the call id.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

#: Deaths on one call after which it is dead-lettered rather than tried again.
KILLS_BEFORE_DEAD_LETTER = 2


class KilledWorker(Exception):
    """The worker died while on this call, more than once: it goes to the dead letters."""


class InFlight:
    """Markers of the calls under way in ``folder``."""

    def __init__(self, folder: Path, limit: int = KILLS_BEFORE_DEAD_LETTER) -> None:
        self.folder = folder
        self.limit = limit
        self._mine: set[Path] = set()  # markers this process holds now

    def forget_mine(self) -> None:
        """Remove the markers this process holds: a stop (also a forced one, over its time limit
        while a long call is transcribed) is no death; only a kill leaves markers behind."""
        for marker in list(self._mine):
            with contextlib.suppress(OSError):
                marker.unlink(missing_ok=True)
        self._mine.clear()

    def _marker(self, call_id: str) -> Path:
        return self.folder / hashlib.sha256(call_id.encode()).hexdigest()[:32]

    def deaths(self, call_id: str) -> int:
        """How many workers died while on ``call_id`` (markers left behind)."""
        try:
            return int(json.loads(self._marker(call_id).read_text())["deaths"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    @contextlib.contextmanager
    def working_on(self, call_id: str, what: str = "this call") -> Iterator[None]:
        """Hold a marker for ``call_id`` while the block runs; :class:`KilledWorker` instead when
        workers died on it ``limit`` times already. A marker that cannot be written (a read-only or
        full disk) is logged and the work goes on: the guard must never stop a call itself."""
        deaths = self.deaths(call_id)
        marker = self._marker(call_id)
        if deaths >= self.limit:
            marker.unlink(missing_ok=True)  # a re-sent call is tried again
            raise KilledWorker(
                f"the worker was killed {deaths} times while on {what} (out of memory? a recording "
                "too long for the worker's memory: lower CALLSTREAM_MAX_AUDIO_SECONDS or give it more, "
                "see docs/deploy.md)"
            )
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            tmp = marker.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"call_id": call_id, "deaths": deaths + 1}))
            tmp.replace(marker)  # counted now: a kill from here on leaves it
            self._mine.add(marker)
        except OSError as exc:
            log.warning(
                "in-flight marker for %s not written (%s): a worker killed on it is not counted", call_id, exc
            )
        try:
            yield
        finally:
            self._mine.discard(marker)
            with contextlib.suppress(OSError):
                marker.unlink(missing_ok=True)
