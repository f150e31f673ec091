"""``callstream alerts notify-test``: send one test alert through every configured channel, once.

The IT person who sets up notifications sees at once whether each channel (webhook, Slack, Telegram,
e-mail) takes an alert, without pushing a real call through the pipeline: one try per channel, no
retries and no cool-down, each channel's answer or error printed, exit 1 when any failed.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime
from typing import Any, TextIO

from streams.notifiers import Notifier, NotifyError, notifiers_from_settings
from streams.settings import Settings

#: Settings that configure a channel, for the "none configured" message.
CHANNEL_SETTINGS = (
    "CALLSTREAM_NOTIFY_WEBHOOK_URL",
    "CALLSTREAM_NOTIFY_SLACK_WEBHOOK_URL",
    "CALLSTREAM_NOTIFY_TELEGRAM_BOT_TOKEN + _CHAT_ID",
    "CALLSTREAM_NOTIFY_SMTP_HOST + _FROM + _TO",
)


def make_test_alert(
    tenant: str = "default", severity: str = "warning", now: datetime | None = None
) -> dict[str, Any]:
    """An Alert record that says it is a test, in every field a channel shows."""
    now = now or datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S")
    return {
        "alert_id": f"notify-test-{stamp}:notify_test",
        "call_id": f"notify-test-{stamp}",
        "tenant": tenant,
        "rule": "notify_test",
        "severity": severity,
        "value": None,
        "threshold": None,
        "agent_id": None,
        "agent_name": "callstream test",
        "queue": None,
        "message": "callstream test notification: this channel receives alerts (no call behind it)",
        "created_at": now,
        "suppressed": False,
        "title": "Test notification",
        "said": None,
        "condition": "callstream alerts notify-test",
        "call_started_at": now,
    }


async def _send_all(notifiers: list[Notifier], alert: dict[str, Any]) -> list[tuple[str, str | None, float]]:
    async def one(notifier: Notifier) -> tuple[str, str | None, float]:
        started = time.perf_counter()
        try:
            await notifier.send(alert)
        except NotifyError as exc:  # its text names the channel first: said once below
            return notifier.name, str(exc).removeprefix(f"{notifier.name}: "), time.perf_counter() - started
        except Exception as exc:  # a channel's bug or a network error it did not classify: said, not raised
            return notifier.name, f"{type(exc).__name__}: {exc}", time.perf_counter() - started
        return notifier.name, None, time.perf_counter() - started

    return list(await asyncio.gather(*(one(n) for n in notifiers)))


def run_notify_test(
    settings: Settings, tenant: str = "default", severity: str = "warning", out: TextIO | None = None
) -> int:
    """Send :func:`make_test_alert` through each configured channel once; 0 when all took it, 1 when one
    failed, 2 when none is configured."""
    out = out or sys.stdout
    notifiers = notifiers_from_settings(settings)
    if not notifiers:
        print(
            "callstream alerts notify-test: no notification channel is configured; set one of "
            + ", ".join(CHANNEL_SETTINGS),
            file=sys.stderr,
        )
        return 2
    alert = make_test_alert(tenant, severity)
    results = asyncio.run(_send_all(notifiers, alert))
    for name, error, seconds in results:
        verdict = f"FAILED: {error}" if error else "delivered"
        print(f"{name}: {verdict} ({seconds:.1f} s)", file=out)
    failed = [name for name, error, _ in results if error]
    print(
        f"test alert {alert['alert_id']}: {len(results) - len(failed)} of {len(results)} channel(s) took it"
        + (f"; check {', '.join(failed)}" if failed else ""),
        file=out,
    )
    return 1 if failed else 0
