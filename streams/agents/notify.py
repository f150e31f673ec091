"""calls.alerts → webhook / Slack / Telegram / e-mail: tell supervisors now.

Suppressed alerts (cool-down) and alerts below ``CALLSTREAM_NOTIFY_MIN_SEVERITY`` are skipped.
An alert goes to every configured channel at once; each channel retries its transient failures
(``streams/notifiers.deliver``). A channel that gives up makes the alert a dead letter (stage
``notify``, the reason per failed channel, the original Alert bytes for replay); the loop goes on.
When *every* channel gave up, the alert also goes back to ``calls.alerts.candidates`` (keyed by
agent, header ``callstream-undelivered``) so the cool-down does not keep the window it opened:
no supervisor heard of it, so the agent's next alert must not be suppressed by it.
The event is acknowledged only after every channel delivered or gave up (at-least-once: receivers
de-duplicate by ``alert_id``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from processors.alerts import cooldown_key, partition_key, severity_rank
from streams import metrics
from streams.app import Runtime
from streams.notifiers import DeliveryFailed, Notifier, deliver, notifiers_from_settings
from streams.stage import call_id_of, dead_letter
from streams.topics import ALERT_CANDIDATES, ALERTS, UNDELIVERED_HEADER

log = logging.getLogger(__name__)
STAGE = "notify"


class NotifyFailed(Exception):
    """One or more channels gave up on an alert; the message names each with its reason."""

    def __init__(self, message: str, attempts: int, every: bool = False) -> None:
        super().__init__(message)
        self.attempts = attempts
        #: Every channel failed: no supervisor got the alert.
        self.every = every


class Notify:
    """The notify stage's work on one event (kept out of the agent so tests can drive it)."""

    def __init__(self, rt: Runtime, channels: list[Notifier]) -> None:
        self.rt = rt
        self.channels = channels
        self.least = severity_rank(rt.settings.notify_min_severity)

    def wanted(self, alert: dict[str, Any]) -> bool:
        """Whether to send: a channel exists, no cool-down suppressed it, severe enough."""
        return (
            bool(self.channels)
            and not alert.get("suppressed")
            and severity_rank(alert["severity"]) >= self.least
        )

    async def send(self, alert: dict[str, Any]) -> None:
        """Deliver to every channel at once; :class:`NotifyFailed` names each channel that gave up."""
        settings = self.rt.settings
        results = await asyncio.gather(
            *(
                deliver(
                    n,
                    alert,
                    retries=settings.notify_retries,
                    backoff=settings.notify_backoff,
                    max_delay=settings.notify_max_delay,
                )
                for n in self.channels
            ),
            return_exceptions=True,
        )
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            attempts = max((f.attempts for f in failed if isinstance(f, DeliveryFailed)), default=1)
            reasons = "; ".join(str(f) for f in failed)
            raise NotifyFailed(
                f"{len(failed)} of {len(self.channels)} channel(s) failed: {reasons}",
                attempts,
                every=len(failed) == len(self.channels),
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
                await self.send(alert)
                metrics.RECORDS_OUT.labels(STAGE).inc(len(self.channels))
        except Exception as exc:
            await self.rt.runner.send_dead_letter(
                dead_letter(
                    STAGE,
                    topic=msg.topic,
                    partition=msg.partition,
                    offset=msg.offset,
                    key=event.key,
                    payload=value,
                    error=exc,
                    attempts=exc.attempts if isinstance(exc, NotifyFailed) else 1,
                    call_id=call_id_of(event.key, alert),
                )
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
    notify = Notify(rt, channels)

    async def notify_agent(stream: Any) -> None:
        async for event in stream.events():
            await notify.handle(event)

    rt.app.agent(rt.topic(ALERTS), name=STAGE)(notify_agent)
