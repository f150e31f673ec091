"""calls.scored → calls.alerts: supervisor alerts from the scored call, with a cool-down per agent/rule.

Two thin loops, because a cool-down needs state across calls and calls are keyed by ``call_id``:

1. ``alerts``: CallScore → the rules' candidate Alerts (``processors.alerts.evaluate``, pure), sent to
   ``calls.alerts.candidates`` keyed by tenant/agent, so every alert of one agent lands on one
   partition and one worker owns that agent's state.
2. ``alerts_cooldown``: per candidate, the last notified alert of the same agent and rule is read
   from a Faust table (in memory, backed by a changelog topic, restored on restart or rebalance);
   ``processors.alerts.apply_cooldown`` (pure) decides whether it is suppressed; an alert below
   ``CALLSTREAM_NOTIFY_MIN_SEVERITY`` is never sent, so it opens no window. Every alert goes
   to ``calls.alerts`` keyed by ``call_id`` (the sink stores suppressed ones too, for BI); only
   unsuppressed ones are notified (``streams/agents/notify.py``). The state also holds the latest
   alert the window suppressed: when the notify stage sends back the window's alert as undelivered
   (every channel failed; header ``callstream-undelivered``), ``processors.alerts.release_cooldown``
   hands the window over to that held alert (re-sent unsuppressed) or closes it.

Failures become dead letters (stage ``alerts``) with the original bytes, as in every stage.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from prometheus_client import Counter

from processors.alerts import (
    DEFAULT_COOLDOWN_S,
    AlertRulebook,
    apply_cooldown,
    cooldown_key,
    evaluate,
    load_checked_rulebook,
    partition_key,
    release_cooldown,
    severity_rank,
)
from processors.rules import check_dictionaries_dir
from processors.scorecard import ScorecardRegistry
from streams import metrics
from streams.app import Runtime
from streams.stage import event_dead_letter
from streams.topics import ALERT_CANDIDATES, ALERTS, COOLDOWN_TABLE, SCORED, UNDELIVERED_HEADER

log = logging.getLogger(__name__)
STAGE = "alerts"

ALERTS_RAISED = Counter(
    "callstream_alerts_total",
    "Alerts raised, by severity and whether a cool-down suppressed them.",
    ["severity", "suppressed"],
)


def register(rt: Runtime, rulebook: AlertRulebook | None = None) -> None:
    settings = rt.settings
    if rulebook is None:  # a wrong file, a typo'd entry or criterion stops the worker here
        scorecards = ScorecardRegistry.load(settings.scorecards_dir)
        rulebook = load_checked_rulebook(settings.alert_rules_dir, settings.dictionaries_dir, scorecards)
    rules = rulebook
    least = severity_rank(settings.notify_min_severity)  # the notify stage's threshold (same setting)
    # loaded once per worker, as the score stage's (restart to pick up edits): messages quote keyword hits
    dictionaries = check_dictionaries_dir(settings.dictionaries_dir)
    cooldowns = rt.app.Table(
        settings.topic(COOLDOWN_TABLE),
        default=None,
        partitions=settings.partitions,
        key_type=str,
        help="Last notified alert (call_id, at) and latest suppressed one per tenant/agent/rule.",
    )

    async def fail(event: Any, value: bytes, exc: Exception, record: dict[str, Any] | None) -> None:
        await rt.runner.send_dead_letter(event_dead_letter(STAGE, event, value, exc, record=record))

    async def raise_candidates(event: Any) -> None:
        value: bytes = event.value if isinstance(event.value, bytes) else bytes(event.value or b"")
        metrics.RECORDS_IN.labels(STAGE).inc()
        started = time.perf_counter()
        score = None
        try:
            score = rt.codec.decode(SCORED.record, value, event.message.topic)
            target = rt.topic(ALERT_CANDIDATES)
            out = [
                (partition_key(a), rt.codec.encode(ALERTS.record, a, target.get_topic_name()))
                for a in evaluate(score, rules, dictionaries=dictionaries)
            ]
        except Exception as exc:
            await fail(event, value, exc, score)
            return
        try:
            for key, data in out:
                # Awaited to the broker's answer (alerts are few): the event is acked when this
                # returns, and a refused alert must not be lost behind a committed offset.
                await (await target.send(key=key.encode(), value=data))
        except Exception as exc:
            await fail(event, value, exc, score)
            return
        metrics.STAGE_LATENCY.labels(STAGE).observe(time.perf_counter() - started)

    async def save(key: str, state: dict[str, Any] | None) -> None:
        """Write (None: delete) the state, each changelog record in its own batch: the embedded
        broker (Tansu) reports a partition's end as its last *batch* start + 1, so a restore would
        miss the later records of a multi-record batch. Cheap: alerts are few."""
        if state is None:
            del cooldowns[key]
        else:
            cooldowns[key] = state
        try:
            await rt.app.producer.flush()
        except Exception as exc:  # the table holds the state; its changelog catches up later
            log.error("alerts: cool-down changelog not flushed for %s: %r", key, exc)

    async def release(event: Any, value: bytes) -> None:
        """An alert no channel delivered: release the window it opened (see release_cooldown)."""
        alert = None
        try:
            alert = rt.codec.decode(ALERTS.record, value, event.message.topic)
            key = cooldown_key(alert)
            decision = release_cooldown(alert, cooldowns.get(key) if key else None)
            if decision.resend is not None:
                target = rt.topic(ALERTS)
                data = rt.codec.encode(ALERTS.record, decision.resend, target.get_topic_name())
                await (await target.send(key=decision.resend["call_id"].encode(), value=data))
        except Exception as exc:
            await fail(event, value, exc, alert)
            return
        if key is None or decision.action == "keep":
            return
        # After calls.alerts took the re-sent alert: a crash before re-reads the undelivered record
        # and decides the same (a duplicate the receivers drop by alert_id).
        await save(key, decision.state)
        log.info(
            "alert %s reached no channel: cool-down of %s %s",
            alert["alert_id"],
            key,
            f"handed over to {decision.resend['alert_id']}" if decision.resend else "closed",
        )

    async def cool_down(event: Any) -> None:
        value: bytes = event.value if isinstance(event.value, bytes) else bytes(event.value or b"")
        if (getattr(event, "headers", None) or {}).get(UNDELIVERED_HEADER):
            await release(event, value)
            return
        alert = None
        try:
            alert = rt.codec.decode(ALERTS.record, value, event.message.topic)
            rule = rules.rule(alert["tenant"], alert.get("queue"), alert["rule"])
            key = cooldown_key(alert)
            last = cooldowns.get(key) if key else None
            cooldown_s = rule.cooldown_s if rule else DEFAULT_COOLDOWN_S
            # below CALLSTREAM_NOTIFY_MIN_SEVERITY no channel sends it: it must not open a window
            notified = severity_rank(alert["severity"]) >= least
            suppressed, state = apply_cooldown(alert, last, cooldown_s, notified)
            alert["suppressed"] = suppressed
            target = rt.topic(ALERTS)
            data = rt.codec.encode(ALERTS.record, alert, target.get_topic_name())
        except Exception as exc:
            await fail(event, value, exc, alert)
            return
        try:
            await (await target.send(key=alert["call_id"].encode(), value=data))
        except Exception as exc:
            await fail(event, value, exc, alert)
            return
        if state is not None and key is not None:
            # Only once calls.alerts took the alert: an alert that went to the DLQ instead was never
            # notified, so it must not open a window that suppresses the agent's next ones. (A crash
            # between the two re-reads the candidate: same decision, a duplicate the receivers drop.)
            await save(key, state)
        ALERTS_RAISED.labels(alert["severity"], str(suppressed).lower()).inc()
        metrics.RECORDS_OUT.labels(STAGE).inc()
        if suppressed:
            log.info("alert %s suppressed by the cool-down of %s", alert["alert_id"], key)

    async def alerts_agent(stream: Any) -> None:
        async for event in stream.events():
            await raise_candidates(event)

    async def alerts_cooldown_agent(stream: Any) -> None:
        async for event in stream.events():
            await cool_down(event)

    rt.app.agent(rt.topic(SCORED), name=STAGE)(alerts_agent)
    rt.app.agent(rt.topic(ALERT_CANDIDATES), name=f"{STAGE}_cooldown")(alerts_cooldown_agent)
