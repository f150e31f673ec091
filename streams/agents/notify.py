"""calls.alerts → webhook / Slack / Telegram / e-mail: tell supervisors now.

Suppressed alerts (cool-down) and alerts below ``CALLSTREAM_NOTIFY_MIN_SEVERITY`` are skipped.
An alert goes to every configured channel at once; each channel retries its transient failures
(``streams/notifiers.deliver``). Up to ``CALLSTREAM_NOTIFY_CONCURRENCY`` alerts are delivered at once
(Faust agent concurrency: that many actors share the topics' queue), so a channel in backoff holds only
its own alert, not the ones behind it. Offsets are still committed only up to the oldest alert not done
(Faust commits the contiguous acked offsets), and two events of one alert id are never delivered at
the same time (a lock per id), so the delivered table below sees them one after the other. A channel
that gives up makes the alert a dead letter (stage ``notify``, the alert id, rule and call, the reason
per failed channel, the original Alert bytes for replay); the loop goes on.
When *every* channel gave up, the alert also goes back to ``calls.alerts.candidates`` (keyed by
agent, header ``callstream-undelivered``) so the cool-down does not keep the window it opened:
no supervisor heard of it, so the agent's next alert must not be suppressed by it.
The event is acknowledged only after every channel delivered or gave up (at-least-once). An alert
read again (a worker crashed or lost its partition before committing the offset) is not sent again
to a channel that already took it: the channels each alert reached are kept in a windowed Faust table
(``<prefix>notify-delivered``, restored from its changelog; see :class:`TableDelivered`), flushed to
the broker before the stage moves on; a replay of a dead-lettered alert within about a day goes only to
the channels that failed. What is left is the moment between a channel's answer and that flush, and
a request that timed out after the receiver took it (retried, so sent again); receivers that can
de-duplicate do so by ``alert_id`` (webhook header ``X-Callstream-Alert-Id``, the chat texts' ``ref``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, Protocol

from processors.alerts import cooldown_key, partition_key, severity_rank
from streams import metrics
from streams.app import Runtime
from streams.notifiers import DeliveryFailed, Notifier, deliver, notifiers_from_settings
from streams.stage import event_dead_letter
from streams.topics import ALERT_CANDIDATES, ALERTS, DELIVERED_TABLE, UNDELIVERED_HEADER

log = logging.getLogger(__name__)
STAGE = "notify"

#: The channels each alert reached are kept in windows of its ``created_at`` (the call's scored_at, the
#: same on every re-read and replay of the alert); a window is dropped from memory once its end is
#: older than the expiry (wall clock), and from the changelog by its retention, so the table holds
#: about two days of alerts, not all of them. An alert replayed later is sent to every channel again.
DELIVERED_WINDOW = timedelta(days=1)
DELIVERED_EXPIRES = timedelta(days=1)


class NotifyFailed(Exception):
    """One or more channels gave up on an alert; the message names each with its reason."""

    def __init__(self, message: str, attempts: int, every: bool = False) -> None:
        super().__init__(message)
        self.attempts = attempts
        #: Every channel failed: no supervisor got the alert.
        self.every = every


class Delivered(Protocol):
    """Which channels already took an alert."""

    def get(self, alert: dict[str, Any]) -> frozenset[str]: ...

    async def add(self, alert: dict[str, Any], channels: frozenset[str]) -> None: ...


class MemoryDelivered:
    """:class:`Delivered` in a dict: for code driving :class:`Notify` outside a Faust stream."""

    def __init__(self) -> None:
        self.channels: dict[str, frozenset[str]] = {}

    def get(self, alert: dict[str, Any]) -> frozenset[str]:
        return self.channels.get(alert["alert_id"], frozenset())

    async def add(self, alert: dict[str, Any], channels: frozenset[str]) -> None:
        self.channels[alert["alert_id"]] = channels


class TableDelivered:
    """:class:`Delivered` in a windowed Faust table (memory, changelog topic), keyed by ``alert_id`` and
    the window of the alert's ``created_at``; written inside the notify agent's stream, so a write goes
    to the changelog partition of the alert's own partition and is restored with it. Each write is
    flushed on its own: the embedded broker reports a partition's end as its last *batch* start + 1,
    so a restore would miss the later records of a multi-record batch."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        # One write and its flush at a time: alerts delivered at once (CALLSTREAM_NOTIFY_CONCURRENCY)
        # wrote first and flushed after, so two writes went out in one batch and a restart restored
        # only the first: the other alert, read again, was sent again.
        self._writing = asyncio.Lock()
        self.table = rt.app.Table(
            rt.settings.topic(DELIVERED_TABLE),
            default=list,
            partitions=rt.settings.partitions,
            help="Channels each alert reached (an alert read again is not sent to them again).",
        ).tumbling(DELIVERED_WINDOW, expires=DELIVERED_EXPIRES)

    def _key(self, alert: dict[str, Any]) -> tuple[str, Any]:
        window = self.table.table.window
        return alert["alert_id"], window.current(alert["created_at"].timestamp())

    def get(self, alert: dict[str, Any]) -> frozenset[str]:
        return frozenset(self.table.table[self._key(alert)])

    async def add(self, alert: dict[str, Any], channels: frozenset[str]) -> None:
        async with self._writing:
            self.table.table[self._key(alert)] = sorted(channels)
            try:
                await self.rt.app.producer.flush()
            except Exception as exc:  # the table holds it; its changelog catches up later
                log.error("notify: delivered channels of %s not flushed: %r", alert["alert_id"], exc)


class KeyedLock:
    """One :class:`asyncio.Lock` per key, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class Notify:
    """The notify stage's work on one event (kept out of the agent so tests can drive it). Safe to
    call for several events at once (the agent's concurrency)."""

    def __init__(self, rt: Runtime, channels: list[Notifier], delivered: Delivered | None = None) -> None:
        self.rt = rt
        self.channels = channels
        self.least = severity_rank(rt.settings.notify_min_severity)
        self.delivered: Delivered = delivered if delivered is not None else MemoryDelivered()
        #: Events of one alert id (a re-read, a replay, an upstream duplicate) wait for each other:
        #: both reading the delivered table before either wrote it would send the alert twice.
        self.alert_locks = KeyedLock()

    def wanted(self, alert: dict[str, Any]) -> bool:
        """Whether to send: a channel exists, no cool-down suppressed it, severe enough."""
        return (
            bool(self.channels)
            and not alert.get("suppressed")
            and severity_rank(alert["severity"]) >= self.least
        )

    async def send(self, alert: dict[str, Any]) -> int:
        """Deliver to every channel that has not taken the alert yet, at once, and remember which took
        it; :class:`NotifyFailed` names each channel that gave up. Returns the number of deliveries.
        One alert id at a time; other alerts go on meanwhile."""
        async with self.alert_locks.hold(alert["alert_id"]):
            return await self._send(alert)

    async def _send(self, alert: dict[str, Any]) -> int:
        done = self.delivered.get(alert)
        channels = [n for n in self.channels if n.name not in done]
        if not channels:
            log.info("alert %s read again: every channel already has it, not sent again", alert["alert_id"])
            return 0
        results = await self._deliver(alert, channels)
        took = frozenset(
            n.name for n, r in zip(channels, results, strict=True) if not isinstance(r, BaseException)
        )
        if took:
            await self.delivered.add(alert, done | took)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            attempts = max((f.attempts for f in failed if isinstance(f, DeliveryFailed)), default=1)
            reasons = "; ".join(str(f) for f in failed)
            raise NotifyFailed(
                # "alert <id> (rule ": the live page finds the alert's dead letter by this start
                # (streams.supervisor.LETTER_ALERT_ID)
                f"alert {alert['alert_id']} (rule {alert['rule']}, call {alert['call_id']}): "
                f"{len(failed)} of {len(channels)} channel(s) failed: {reasons}",
                attempts,
                every=not done and not took,
            )
        return len(channels)

    async def _deliver(self, alert: dict[str, Any], channels: list[Notifier]) -> list[int | BaseException]:
        settings = self.rt.settings
        return await asyncio.gather(
            *(
                deliver(
                    n,
                    alert,
                    retries=settings.notify_retries,
                    backoff=settings.notify_backoff,
                    max_delay=settings.notify_max_delay,
                )
                for n in channels
            ),
            return_exceptions=True,
        )

    async def send_back(self, alert: dict[str, Any]) -> None:
        """Return an alert no channel delivered to the cool-down stage, keyed as its candidates are
        (the partition holding its agent's state), marked undelivered. A failure is logged, not
        raised: the dead letter is already out, and the cost is a window kept as before."""
        if cooldown_key(alert) is None:
            return  # no agent: it opened no window
        try:
            target = self.rt.topic(ALERT_CANDIDATES)
            data = self.rt.codec.encode(ALERTS.record, alert, target.get_topic_name())
            await (
                await target.send(
                    key=partition_key(alert).encode(), value=data, headers={UNDELIVERED_HEADER: b"1"}
                )
            )
        except Exception as exc:
            log.error("notify: alert %s not sent back to its cool-down: %r", alert["alert_id"], exc)

    async def handle(self, event: Any) -> None:
        msg = event.message
        value: bytes = event.value if isinstance(event.value, bytes) else bytes(event.value or b"")
        metrics.RECORDS_IN.labels(STAGE).inc()
        started = time.perf_counter()
        alert = None
        try:
            alert = self.rt.codec.decode(ALERTS.record, value, msg.topic)
            if self.wanted(alert):
                metrics.RECORDS_OUT.labels(STAGE).inc(await self.send(alert))
        except Exception as exc:
            attempts = exc.attempts if isinstance(exc, NotifyFailed) else 1
            await self.rt.runner.send_dead_letter(
                event_dead_letter(STAGE, event, value, exc, attempts, record=alert)
            )
            if alert is not None and isinstance(exc, NotifyFailed) and exc.every:
                await self.send_back(alert)
        metrics.STAGE_LATENCY.labels(STAGE).observe(time.perf_counter() - started)


def register(rt: Runtime, notifiers: list[Notifier] | None = None) -> None:
    channels = notifiers if notifiers is not None else notifiers_from_settings(rt.settings)
    if channels:
        names = ", ".join(n.name for n in channels)
        log.info("notifiers: %s (severity >= %s)", names, rt.settings.notify_min_severity)
    else:
        log.info("no notifier configured: alerts are stored, not sent")
    notify = Notify(rt, channels, TableDelivered(rt) if channels else None)  # no channel: nothing to keep

    async def notify_agent(stream: Any) -> None:
        # Each of the agent's `concurrency` actors runs this loop on the shared queue; an event is
        # acked when its actor takes the next one, i.e. after handle() delivered or dead-lettered it.
        async for event in stream.events():
            await notify.handle(event)

    rt.app.agent(rt.topic(ALERTS), name=STAGE, concurrency=rt.settings.notify_concurrency)(notify_agent)
