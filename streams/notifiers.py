"""Notifiers: alerts to a signed webhook, Slack, Telegram and e-mail, with retries.

A notifier's ``send`` either returns (delivered) or raises :class:`TransientNotifyError` (another
try may succeed: connection errors, timeouts, 408, 5xx, 429 with its Retry-After, SMTP 4xx) or
:class:`PermanentNotifyError` (retrying cannot help: other 4xx, SMTP 5xx, a refused address).
:func:`deliver` retries transient failures with exponential backoff and raises
:class:`DeliveryFailed` once it gives up; the notify agent turns that into a dead letter.

Only channels with a configured target exist (:func:`notifiers_from_settings`): with none, the
notify stage reads alerts and does nothing, so the embedded demo makes no network calls.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import math
import re
import smtplib
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr, parsedate_to_datetime
from functools import cache
from typing import Any, Protocol
from urllib.parse import quote, urlencode

import certifi
import httpx
from prometheus_client import Counter

from processors.alerts import DEFAULT_TENANT
from streams.settings import Settings

log = logging.getLogger(__name__)

NOTIFICATIONS = Counter(
    "callstream_notifications_total",
    "Alert notifications per channel: sent, retried (a transient failure) or failed (given up).",
    ["channel", "outcome"],
)
SIGNATURE_HEADER = "X-Callstream-Signature"
_ICONS = {"critical": "🚨", "warning": "⚠️", "info": "ℹ️"}
_SLACK_ICONS = {"critical": ":rotating_light:", "warning": ":warning:", "info": ":information_source:"}
#: Longest text sent, so an over-long alert is cut, not refused (a refused alert is a lost alert):
#: Telegram's sendMessage takes 4096 characters (UTF-16 code units), Slack advises at most 4000.
TELEGRAM_MAX_TEXT = 4096
SLACK_MAX_TEXT = 4000
EMAIL_MAX_SUBJECT = 200
ELLIPSIS = "…"
#: Characters that end a header line for Python's e-mail package (it refuses such a header) or are
#: controls: an agent name or call id carrying one must not cost the alert its e-mail.
_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
#: What an alert id may carry as is in a header (printable ASCII but %); the rest is %-encoded UTF-8.
_HEADER_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "%")


class NotifyError(Exception):
    """A notification was not delivered."""


class TransientNotifyError(NotifyError):
    """Worth another try; ``retry_after`` (seconds) when the server said how long to wait."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentNotifyError(NotifyError):
    """Retrying cannot help (the target refused the request as such)."""


class DeliveryFailed(NotifyError):
    """A channel gave up on an alert: permanent failure, or transient failures past the retries."""

    def __init__(self, channel: str, reason: str, attempts: int) -> None:
        super().__init__(f"{channel}: {reason}")
        self.channel = channel
        self.reason = reason
        self.attempts = attempts


class Notifier(Protocol):
    name: str

    async def send(self, alert: Mapping[str, Any]) -> None: ...


# --- message formats -----------------------------------------------------------------------------------


def alert_json(alert: Mapping[str, Any]) -> dict[str, Any]:
    """The Alert record as JSON-ready values (timestamps ISO-8601 UTC; a NaN or infinite number is
    null, since JSON has none: ``NaN`` in a body makes strict receivers refuse it)."""
    return {k: _json_value(v) for k, v in alert.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def header_alert_id(alert_id: str) -> str:
    """``alert_id`` for the ``X-Callstream-Alert-Id`` header: as is when printable ASCII without
    ``%`` (the usual case), otherwise %-encoded UTF-8 (``звонок-1:legal_threat`` →
    ``%D0%B7...:legal_threat``). HTTP clients refuse non-ASCII header values, and a line break
    would be a header injection; the encoding is one-to-one, so it still de-duplicates."""
    return quote(alert_id, safe=_HEADER_SAFE)


def truncate(text: str, limit: int, *, utf16: bool = False) -> str:
    """``text`` cut to at most ``limit`` characters (UTF-16 code units with ``utf16``), ending in
    an ellipsis when cut."""
    size = len(text.encode("utf-16-le")) // 2 if utf16 else len(text)
    if size <= limit:
        return text
    if utf16:  # a cut through a surrogate pair drops the half
        head = text.encode("utf-16-le")[: 2 * (limit - 1)].decode("utf-16-le", "ignore")
    else:
        head = text[: limit - 1]
    return head + ELLIPSIS


def slack_escape(text: str) -> str:
    """Slack mrkdwn text: ``&``, ``<``, ``>`` escaped as Slack requires, so ``<!channel>``,
    ``<@U123>`` or ``<http://evil|click>`` in a name or a CRM field is shown, not acted upon."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def call_url(alert: Mapping[str, Any], web_url: str | None) -> str | None:
    """The call's drill-down on the live page (``<web_url>/#call=<id>&tenant=<tenant>``, the form the
    page itself writes), or None without ``CALLSTREAM_WEB_PUBLIC_URL``."""
    if not web_url:
        return None
    return f"{web_url.rstrip('/')}/#{urlencode({'call': alert['call_id'], 'tenant': alert['tenant']})}"


def _short_time(at: Any) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if isinstance(at, datetime) else ""


def _when(alert: Mapping[str, Any]) -> str:
    """The call's start (short, UTC); an alert written before it was carried says when it was scored."""
    if isinstance(alert.get("call_started_at"), datetime):
        return f"started {_short_time(alert['call_started_at'])}"
    return f"scored {_short_time(alert.get('created_at'))}".rstrip()


def _who(alert: Mapping[str, Any]) -> str:
    parts = [f"Agent {alert.get('agent_name') or alert.get('agent_id') or 'unknown'}"]
    if alert.get("queue"):
        parts.append(f"queue {alert['queue']}")
    if alert.get("tenant") and alert["tenant"] != DEFAULT_TENANT:
        parts.append(f"tenant {alert['tenant']}")  # two tenants sharing a channel stay apart
    return " · ".join(parts)


def _custom_message(alert: Mapping[str, Any]) -> str | None:
    """The rule's own ``message`` template, filled in; None for the generated one (title and
    condition, which the lines already show)."""
    title = alert.get("title")
    return None if not title or alert["message"].startswith(f"{title}: ") else alert["message"]


def alert_lines(alert: Mapping[str, Any], web_url: str | None = None) -> list[tuple[str, bool]]:
    """A notification's lines, supervisor first, as ``(text, may be cut)``: what happened, who (agent,
    queue, tenant unless the default one), which call and when, what was said or measured, the link
    to the call, then the technical condition and the alert's reference (``ref <alert_id>``, what
    a receiver de-duplicates by: delivery is at-least-once). An alert written before these parts
    were carried (no ``title``) leads with its message."""
    title = alert.get("title")
    lines: list[tuple[str, bool]] = [(f"{alert['severity'].upper()}: {title or alert['message']}", True)]
    lines.append((_who(alert), False))
    lines.append((f"Call {alert['call_id']}, {_when(alert)}".rstrip(", "), False))
    if title:
        said, condition = alert.get("said"), alert.get("condition")
        if said:
            lines.append((said[:1].upper() + said[1:], True))
        custom = _custom_message(alert)
        if custom:
            lines.append((custom, True))
        if condition and not said and not custom:  # a number alone: it is what was measured
            lines.append((condition, True))
            condition = None
    url = call_url(alert, web_url)
    if url:
        lines.append((url, False))
    if title and condition:
        lines.append((condition, True))
    lines.append((f"ref {alert['alert_id']}", False))
    # one line each: a line break in an agent name or a quote must not forge a line ("ref ...")
    return [(_HEADER_BREAKS.sub(" ", text), cut) for text, cut in lines]


def fit_lines(lines: list[tuple[str, bool]], limit: int, *, utf16: bool = False) -> str:
    """``lines`` joined, at most ``limit`` characters (UTF-16 units with ``utf16``): the longest lines
    that may be cut are cut first, so the who, the link and the reference survive a long quote."""
    size = (lambda t: len(t.encode("utf-16-le")) // 2) if utf16 else len
    texts = [text for text, _ in lines]
    for _ in range(len(lines)):
        over = sum(size(t) for t in texts) + len(texts) - 1 - limit
        cuttable = [i for i, (_, cut) in enumerate(lines) if cut and size(texts[i]) > 1]
        if over <= 0 or not cuttable:
            break
        i = max(cuttable, key=lambda j: size(texts[j]))
        texts[i] = truncate(texts[i], max(1, size(texts[i]) - over), utf16=utf16)
    return truncate("\n".join(texts), limit, utf16=utf16)


def alert_text(alert: Mapping[str, Any], web_url: str | None = None, limit: int = TELEGRAM_MAX_TEXT) -> str:
    """Plain text for a chat message or an e-mail body (:func:`alert_lines`)."""
    return fit_lines(alert_lines(alert, web_url), limit, utf16=True)


def email_subject(alert: Mapping[str, Any]) -> str:
    """``[callstream] CRITICAL Legal threat: Dana (acme), call c-7, 2024-05-01 14:03 UTC``."""
    tenant = alert.get("tenant")
    agent = alert.get("agent_name") or alert.get("agent_id") or "unknown agent"
    if tenant and tenant != DEFAULT_TENANT:
        agent = f"{agent} ({tenant})"
    at = _short_time(alert.get("call_started_at") or alert.get("created_at"))
    title = alert.get("title") or alert["rule"]
    subject = f"[callstream] {alert['severity'].upper()} {title}: {agent}, call {alert['call_id']}"
    return f"{subject}, {at}" if at else subject


def email_message(
    alert: Mapping[str, Any], sender: str, recipients: list[str], web_url: str | None = None
) -> EmailMessage:
    """Plain text (no HTML: nothing in it is markup); the subject has no line breaks and at most
    :data:`EMAIL_MAX_SUBJECT` characters; ``Date`` and ``Message-ID`` as RFC 5322 wants."""
    msg = EmailMessage()
    msg["Subject"] = truncate(_HEADER_BREAKS.sub(" ", email_subject(alert)), EMAIL_MAX_SUBJECT)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=_sender_domain(sender))
    msg["X-Callstream-Alert-Id"] = header_alert_id(alert["alert_id"])
    fields = "\n".join(f"{k}: {'' if v is None else v}" for k, v in alert_json(alert).items())
    msg.set_content(f"{fit_lines(alert_lines(alert, web_url), 100_000)}\n\n{fields}\n")
    return msg


def _sender_domain(sender: str) -> str | None:
    """The sender's domain for Message-ID (the local host name when it has none)."""
    domain = parseaddr(sender)[1].rpartition("@")[2]
    return domain if re.fullmatch(r"[A-Za-z0-9.-]+", domain or "") else None


# --- HTTP channels -------------------------------------------------------------------------------------


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (None when absent or unreadable)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


def classify(channel: str, response: httpx.Response) -> None:
    """Raise for a response that is not a success: transient (408, 429, 5xx) or permanent."""
    if 200 <= response.status_code < 300:
        return
    body = " ".join(response.text.split())[:300]
    reason = f"HTTP {response.status_code}" + (f": {body}" if body else "")
    if response.status_code == 429:
        raise TransientNotifyError(
            f"{channel}: {reason}", retry_after_seconds(response.headers.get("Retry-After"))
        )
    if response.status_code == 408 or response.status_code >= 500:
        raise TransientNotifyError(f"{channel}: {reason}")
    raise PermanentNotifyError(f"{channel}: {reason}")


class HttpNotifier:
    """POST one JSON (or raw) body per alert; failures are classified, never swallowed."""

    name = "http"

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> httpx.Response:
        try:
            async with httpx.AsyncClient(
                timeout=self.timeout, follow_redirects=False, verify=_tls_context()
            ) as client:
                return await client.post(url, content=body, headers={"User-Agent": "callstream", **headers})
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise PermanentNotifyError(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        except httpx.TimeoutException as exc:  # str() is empty: say what timed out
            what = _TIMEOUTS.get(type(exc), "no answer")
            raise TransientNotifyError(
                f"{self.name}: {type(exc).__name__}: {what} within {self.timeout:g} s"
            ) from exc
        except httpx.TransportError as exc:  # connect/read/write errors
            raise TransientNotifyError(
                f"{self.name}: {type(exc).__name__}: {str(exc) or 'no details'}"
            ) from exc


#: What each httpx timeout means, for the log and the dead letter (a read timeout after the request
#: went out may still have reached the receiver: the retry then sends the alert again).
_TIMEOUTS: dict[type[Exception], str] = {
    httpx.ConnectTimeout: "no connection",
    httpx.WriteTimeout: "request not sent",
    httpx.ReadTimeout: "no answer",
    httpx.PoolTimeout: "no free connection",
}


@cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every request: building one takes ~80 ms (certifi's CA bundle, as httpx)."""
    return ssl.create_default_context(cafile=certifi.where())


class WebhookNotifier(HttpNotifier):
    """Generic webhook: ``{"event": "alert", "sent_at", "alert": {...}}``, signed with HMAC-SHA256.

    The signature covers the exact body, which carries ``sent_at`` (reject stale requests) and
    ``alert.alert_id`` (the idempotency key: delivery is at-least-once).
    """

    name = "webhook"

    def __init__(
        self, url: str, secret: str | None = None, timeout: float = 10.0, web_url: str | None = None
    ) -> None:
        super().__init__(timeout)
        self.url = url
        self.secret = secret
        self.web_url = web_url

    def body(self, alert: Mapping[str, Any]) -> bytes:
        payload: dict[str, Any] = {
            "event": "alert",
            "sent_at": datetime.now(UTC).isoformat(),
            "alert": alert_json(alert),
        }
        url = call_url(alert, self.web_url)
        if url:
            payload["call_url"] = url
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()

    async def send(self, alert: Mapping[str, Any]) -> None:
        body = self.body(alert)
        headers = {
            "Content-Type": "application/json",
            "X-Callstream-Alert-Id": header_alert_id(alert["alert_id"]),
        }
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(self.secret, body)
        classify(self.name, await self.post(self.url, body, headers))


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of body>``: the same scheme the ingest API verifies."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class SlackNotifier(HttpNotifier):
    """Slack incoming webhook (``{"text": ...}``; mrkdwn, with & < > escaped as Slack requires, at
    most :data:`SLACK_MAX_TEXT` characters, links not unfurled): :func:`alert_lines`, the first in
    bold, the link to the call as a Slack link, the reference in italics."""

    name = "slack"

    def __init__(self, url: str, timeout: float = 10.0, web_url: str | None = None) -> None:
        super().__init__(timeout)
        self.url = url
        self.web_url = web_url

    def text(self, alert: Mapping[str, Any]) -> str:
        icon = _SLACK_ICONS.get(alert["severity"], ":bell:")
        url = call_url(alert, self.web_url)
        lines = []
        for i, (line, cut) in enumerate(alert_lines(alert, self.web_url)):
            if i == 0:
                line = f"{icon} *{slack_escape(line)}*"
            elif line == url:
                line = f"<{slack_escape(line)}|Open the call>"
            elif line.startswith("ref "):
                line = f"_{slack_escape(line)}_"
            else:
                line = slack_escape(line)
            lines.append((line, cut))
        # no entity cut in half ("&am…") at the end of a cut line
        cut = fit_lines(lines, SLACK_MAX_TEXT).split("\n")
        return "\n".join(re.sub(r"&[a-z]{0,3}…$", ELLIPSIS, t) for t in cut)

    async def send(self, alert: Mapping[str, Any]) -> None:
        text = self.text(alert)
        # No previews: a link in a producer's text must not make Slack fetch it and show its page.
        payload = {"text": text, "unfurl_links": False, "unfurl_media": False}
        body = json.dumps(payload, ensure_ascii=False).encode()
        classify(self.name, await self.post(self.url, body, {"Content-Type": "application/json"}))


class TelegramNotifier(HttpNotifier):
    """Telegram Bot API ``sendMessage`` (plain text, no ``parse_mode``: nothing to escape, so no
    "can't parse entities"; at most :data:`TELEGRAM_MAX_TEXT` UTF-16 code units). The token is in
    the URL path, so it never appears in errors or logs."""

    name = "telegram"

    def __init__(
        self,
        token: str,
        chat_id: str,
        api_url: str = "https://api.telegram.org",
        timeout: float = 10.0,
        web_url: str | None = None,
    ):
        super().__init__(timeout)
        self.url = f"{api_url.rstrip('/')}/bot{token}/sendMessage"
        self.chat_id = chat_id
        self.web_url = web_url

    async def send(self, alert: Mapping[str, Any]) -> None:
        icon = _ICONS.get(alert["severity"], "")
        payload = {
            "chat_id": self.chat_id,
            "text": f"{icon} {alert_text(alert, self.web_url, TELEGRAM_MAX_TEXT - 3)}",
            "disable_web_page_preview": True,
        }
        response = await self.post(
            self.url, json.dumps(payload, ensure_ascii=False).encode(), {"Content-Type": "application/json"}
        )
        if response.status_code == 429:  # the Bot API says how long in the body as well
            try:
                wait = response.json().get("parameters", {}).get("retry_after")
            except (ValueError, AttributeError):
                wait = None
            if wait is not None and not response.headers.get("Retry-After"):
                raise TransientNotifyError(f"{self.name}: HTTP 429: {response.text[:200]}", float(wait))
        classify(self.name, response)
        try:
            ok = response.json().get("ok", True)
        except (ValueError, AttributeError):
            ok = True
        if ok is False:
            raise PermanentNotifyError(f"{self.name}: not ok: {response.text[:300]}")


# --- e-mail ----------------------------------------------------------------------------------------------


class EmailNotifier:
    """E-mail through an SMTP server (smtplib in a thread: it blocks)."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        recipients: list[str],
        *,
        starttls: bool = True,
        use_ssl: bool = False,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        web_url: str | None = None,
    ) -> None:
        self.web_url = web_url
        self.host, self.port = host, port
        self.sender, self.recipients = sender, recipients
        self.starttls, self.use_ssl = starttls, use_ssl
        self.user, self.password = user, password
        self.timeout = timeout

    async def send(self, alert: Mapping[str, Any]) -> None:
        await asyncio.to_thread(self._send, email_message(alert, self.sender, self.recipients, self.web_url))

    def _send(self, msg: EmailMessage) -> None:
        try:
            context = ssl.create_default_context()
            if self.use_ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.starttls and not self.use_ssl:
                    smtp.starttls(context=context)
                if self.user:
                    smtp.login(self.user, self.password or "")
                refused = smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            detail = "; ".join(f"{addr}: {code} {_text(m)}" for addr, (code, m) in exc.recipients.items())
            error = (
                TransientNotifyError if codes and all(400 <= c < 500 for c in codes) else PermanentNotifyError
            )
            raise error(f"{self.name}: recipients refused: {detail}") from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data error, auth, helo, connect
            error = TransientNotifyError if 400 <= exc.smtp_code < 500 else PermanentNotifyError
            raise error(f"{self.name}: SMTP {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except smtplib.SMTPNotSupportedError as exc:  # e.g. no STARTTLS: a configuration problem
            raise PermanentNotifyError(f"{self.name}: {exc}") from exc
        except ssl.SSLCertVerificationError as exc:
            raise PermanentNotifyError(f"{self.name}: TLS certificate: {exc}") from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:  # refused, reset, timeout, DNS
            raise TransientNotifyError(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        if refused:
            log.warning("email: some recipients refused: %s", ", ".join(refused))


def _text(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


# --- configuration and delivery --------------------------------------------------------------------------


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def notifiers_from_settings(settings: Settings) -> list[Notifier]:
    """One notifier per configured channel (none configured: an empty list)."""
    timeout, web_url = settings.notify_timeout, settings.web_public_url
    out: list[Notifier] = []
    if settings.notify_webhook_url:
        out.append(
            WebhookNotifier(
                settings.notify_webhook_url, _secret(settings.notify_webhook_secret), timeout, web_url
            )
        )
    if settings.notify_slack_webhook_url:
        out.append(SlackNotifier(_secret(settings.notify_slack_webhook_url) or "", timeout, web_url))
    if settings.notify_telegram_bot_token and settings.notify_telegram_chat_id:
        out.append(
            TelegramNotifier(
                _secret(settings.notify_telegram_bot_token) or "",
                settings.notify_telegram_chat_id,
                settings.notify_telegram_api_url,
                timeout,
                web_url,
            )
        )
    if settings.notify_smtp_host and settings.notify_smtp_from and settings.notify_smtp_to:
        out.append(
            EmailNotifier(
                settings.notify_smtp_host,
                settings.notify_smtp_port,
                settings.notify_smtp_from,
                list(settings.notify_smtp_to),
                starttls=settings.notify_smtp_starttls,
                use_ssl=settings.notify_smtp_ssl,
                user=settings.notify_smtp_user,
                password=_secret(settings.notify_smtp_password),
                timeout=timeout,
                web_url=web_url,
            )
        )
    return out


async def deliver(
    notifier: Notifier,
    alert: Mapping[str, Any],
    *,
    retries: int = 4,
    backoff: float = 1.0,
    max_delay: float = 60.0,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> int:
    """Send ``alert`` through ``notifier``, retrying transient failures; the attempts it took.

    Waits ``backoff * 2**n`` between tries, or the server's Retry-After, capped at ``max_delay``.
    Raises :class:`DeliveryFailed` on a permanent failure or after ``retries`` retries.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            await notifier.send(alert)
        except TransientNotifyError as exc:
            if attempt > retries:
                NOTIFICATIONS.labels(notifier.name, "failed").inc()
                reason = str(exc).removeprefix(f"{notifier.name}: ")
                raise DeliveryFailed(
                    notifier.name, f"gave up after {attempt} attempts: {reason}", attempt
                ) from exc
            delay = exc.retry_after if exc.retry_after is not None else backoff * 2 ** (attempt - 1)
            delay = min(max(delay, 0.0), max_delay)
            NOTIFICATIONS.labels(notifier.name, "retried").inc()
            log.warning("%s (alert %s), retry %d in %.1fs", exc, alert["alert_id"], attempt, delay)
            await sleep(delay)
        except Exception as exc:  # permanent, or a bug: either way the alert goes to the DLQ with why
            NOTIFICATIONS.labels(notifier.name, "failed").inc()
            reason = str(exc) if isinstance(exc, PermanentNotifyError) else f"{type(exc).__name__}: {exc}"
            raise DeliveryFailed(notifier.name, reason.removeprefix(f"{notifier.name}: "), attempt) from exc
        else:
            NOTIFICATIONS.labels(notifier.name, "sent").inc()
            return attempt
