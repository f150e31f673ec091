"""streams.notifiers and the notify stage against in-test HTTP and SMTP servers: success, retry then
success (5xx, 429 + Retry-After, SMTP 4xx, refused connections), permanent failure → dead letter."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from types import SimpleNamespace
from typing import Any

import pytest

from schemas.codec import SingleObjectCodec
from streams.agents.notify import Notify
from streams.notifiers import (
    DeliveryFailed,
    EmailNotifier,
    SlackNotifier,
    TelegramNotifier,
    WebhookNotifier,
    alert_text,
    deliver,
    notifiers_from_settings,
    retry_after_seconds,
)
from streams.settings import Settings
from tests.factories import make_alert
from tests.notify_servers import OK, http_server, smtp_server

ALERT = {
    **make_alert("call-9", rule="legal_threat"),
    "severity": "critical",
    "message": "Legal threat: rules.keyword_hits.legal = 1 (>= 1); agent Dana <Smith> & co, call call-9",
    "suppressed": False,
    "queue": "sales",
    "agent_name": "Dana Smith",
    "title": "Legal threat",
    "said": 'the customer said "i will sue" & <more>',
    "condition": "rules.keyword_hits.legal = 1 (>= 1)",
    "call_started_at": datetime(2025, 3, 14, 9, 30, 5, tzinfo=UTC),
}
TOKEN = "123456:SECRET-bot-token"
#: How a NotifyFailed dead letter of ALERT begins: which alert, rule and call.
NAMED = "alert call-9:legal_threat (rule legal_threat, call call-9): "


class Sleeps(list):
    """A stand-in for asyncio.sleep that records the delays."""

    async def __call__(self, delay: float) -> None:
        self.append(delay)


def send(notifier: Any, alert: dict[str, Any] = ALERT, retries: int = 3, **kw: Any) -> tuple[int, Sleeps]:
    sleeps = Sleeps()
    attempts = asyncio.run(deliver(notifier, alert, retries=retries, backoff=0.5, sleep=sleeps, **kw))
    return attempts, sleeps


def fails(notifier: Any, alert: dict[str, Any] = ALERT, retries: int = 3) -> tuple[DeliveryFailed, Sleeps]:
    sleeps = Sleeps()
    with pytest.raises(DeliveryFailed) as info:
        asyncio.run(deliver(notifier, alert, retries=retries, backoff=0.5, sleep=sleeps))
    return info.value, sleeps


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- webhook ---------------------------------------------------------------------------------------------


def test_webhook_posts_signed_json():
    with http_server() as server:
        attempts, sleeps = send(WebhookNotifier(f"{server.url}/hook", secret="s3cret"))
    assert (attempts, sleeps) == (1, [])
    (request,) = server.requests
    assert request.path == "/hook"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Callstream-Alert-Id"] == "call-9:legal_threat"
    expected = "sha256=" + hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Callstream-Signature"] == expected
    body = request.json()
    assert body["event"] == "alert"
    assert datetime.fromisoformat(body["sent_at"]) > datetime.now(UTC) - timedelta(minutes=1)
    assert body["alert"]["alert_id"] == "call-9:legal_threat" and body["alert"]["severity"] == "critical"
    assert body["alert"]["created_at"] == ALERT["created_at"].isoformat()


def test_webhook_without_secret_is_unsigned():
    with http_server() as server:
        send(WebhookNotifier(f"{server.url}/hook"))
    assert "X-Callstream-Signature" not in server.requests[0].headers


def test_webhook_retries_5xx_with_backoff_then_succeeds():
    with http_server(script=[(503, {}, b"busy"), (502, {}, b"")]) as server:
        attempts, sleeps = send(WebhookNotifier(server.url))
    assert attempts == 3 and sleeps == [0.5, 1.0]
    assert len(server.requests) == 3


def test_webhook_429_honours_retry_after_seconds_and_dates_capped():
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    script = [(429, {"Retry-After": "7"}, b""), (429, {"Retry-After": later}, b"")]
    with http_server(script=script) as server:
        attempts, sleeps = send(WebhookNotifier(server.url), max_delay=20)
    assert attempts == 3 and sleeps == [7.0, 20.0]


def test_webhook_4xx_is_permanent_and_not_retried():
    with http_server(script=[(404, {}, b"no such hook")]) as server:
        failure, sleeps = fails(WebhookNotifier(server.url))
    assert str(failure) == "webhook: HTTP 404: no such hook"
    assert failure.attempts == 1 and sleeps == [] and len(server.requests) == 1


def test_webhook_gives_up_after_the_retries():
    with http_server(script=[(500, {}, b"boom")] * 5) as server:
        failure, sleeps = fails(WebhookNotifier(server.url), retries=2)
    assert failure.attempts == 3 and sleeps == [0.5, 1.0]
    assert str(failure) == "webhook: gave up after 3 attempts: HTTP 500: boom"
    assert len(server.requests) == 3


def test_webhook_connection_refused_is_transient():
    failure, sleeps = fails(WebhookNotifier(f"http://127.0.0.1:{free_port()}/hook", timeout=2), retries=1)
    assert failure.attempts == 2 and sleeps == [0.5]
    assert "gave up after 2 attempts: ConnectError" in str(failure)


@pytest.mark.parametrize(
    ("value", "seconds"), [(None, None), ("", None), ("3", 3.0), ("-1", 0.0), ("soon", None)]
)
def test_retry_after_values(value, seconds):
    assert retry_after_seconds(value) == seconds


def test_a_slow_receiver_is_a_timeout_that_says_what_timed_out_and_is_sent_again():
    """httpx timeouts have an empty str(): the log and the dead letter said "ReadTimeout: " and no more.
    The receiver did get the request, so the retry sends it again (at-least-once: the alert id
    is what it de-duplicates by)."""
    with http_server(delay=0.6) as server:
        failure, _ = fails(WebhookNotifier(server.url, timeout=0.2), retries=1)
        assert server.wait_for(2, timeout=3)
    assert str(failure) == "webhook: gave up after 2 attempts: ReadTimeout: no answer within 0.2 s"
    ids = {r.headers["X-Callstream-Alert-Id"] for r in server.requests}
    assert len(server.requests) == 2 and ids == {"call-9:legal_threat"}


def test_the_request_timeout_is_a_setting():
    settings = Settings(_env_file=None, notify_webhook_url="http://127.0.0.1:1/h", notify_timeout=2.5)
    (notifier,) = notifiers_from_settings(settings)
    assert notifier.timeout == 2.5


# --- Slack -----------------------------------------------------------------------------------------------


def test_slack_message_is_escaped_mrkdwn():
    with http_server() as server:
        send(SlackNotifier(f"{server.url}/services/T/B/x"))
    text = server.requests[0].json()["text"]
    assert text.split("\n") == [
        ":rotating_light: *CRITICAL: Legal threat*",
        "Agent Dana Smith · queue sales · tenant acme",
        "Call call-9, started 2025-03-14 09:30 UTC",
        'The customer said "i will sue" &amp; &lt;more&gt;',
        "rules.keyword_hits.legal = 1 (&gt;= 1)",
        "_ref call-9:legal_threat_",  # what a reader de-duplicates a re-sent alert by
    ]


def test_chat_texts_link_to_the_call_on_the_live_page_and_omit_the_default_tenant():
    alert = {**ALERT, "tenant": "default", "call_id": "c 1&x"}
    web = "https://calls.example.com/"
    with http_server() as server:
        send(SlackNotifier(f"{server.url}/s", web_url=web), alert)
        send(TelegramNotifier(TOKEN, "1", api_url=server.url, web_url=web), alert)
    slack, telegram = (r.json()["text"].split("\n") for r in server.requests)
    link = "https://calls.example.com/#call=c+1%26x&tenant=default"  # as the page reads its #hash
    assert f"<{link.replace('&', '&amp;')}|Open the call>" in slack  # Slack reads entities in a link too
    assert telegram[1] == "Agent Dana Smith · queue sales" and telegram[-3] == link
    assert telegram[0] == "🚨 CRITICAL: Legal threat" and telegram[-1] == "ref call-9:legal_threat"


def test_an_alert_of_the_previous_schema_leads_with_its_message():
    old = {k: v for k, v in ALERT.items() if k not in ("title", "said", "condition", "call_started_at")}
    assert alert_text(old).split("\n") == [
        f"CRITICAL: {ALERT['message']}",
        "Agent Dana Smith · queue sales · tenant acme",
        "Call call-9, scored 2025-03-14 09:33 UTC",
        "ref call-9:legal_threat",
    ]


def test_slack_retry_then_success_and_permanent_failure():
    with http_server(script=[(429, {"Retry-After": "1"}, b"rate_limited")]) as server:
        assert send(SlackNotifier(server.url)) == (2, [1.0])
    with http_server(script=[(404, {}, b"no_service")]) as server:
        failure, _ = fails(SlackNotifier(server.url))
    assert str(failure) == "slack: HTTP 404: no_service"


# --- Telegram --------------------------------------------------------------------------------------------


def test_telegram_send_message():
    with http_server() as server:
        send(TelegramNotifier(TOKEN, "-100123", api_url=server.url + "/"))
    (request,) = server.requests
    assert request.path == f"/bot{TOKEN}/sendMessage"
    body = request.json()
    assert body["chat_id"] == "-100123"
    assert body["text"].startswith("🚨 CRITICAL: Legal threat\nAgent Dana Smith")
    assert 'The customer said "i will sue" & <more>' in body["text"]


def test_telegram_429_waits_as_the_body_says():
    answer = json.dumps({"ok": False, "error_code": 429, "parameters": {"retry_after": 4}}).encode()
    with http_server(script=[(429, {}, answer)]) as server:
        assert send(TelegramNotifier(TOKEN, "1", api_url=server.url)) == (2, [4.0])


def test_telegram_bad_chat_is_permanent_and_the_token_stays_secret():
    answer = b'{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}'
    with http_server(script=[(400, {}, answer)]) as server:
        failure, sleeps = fails(TelegramNotifier(TOKEN, "1", api_url=server.url))
    assert "telegram: HTTP 400" in str(failure) and "chat not found" in str(failure)
    assert sleeps == [] and "SECRET" not in str(failure)
    refused, _ = fails(TelegramNotifier(TOKEN, "1", api_url=f"http://127.0.0.1:{free_port()}"), retries=0)
    assert "SECRET" not in str(refused)


# --- e-mail ----------------------------------------------------------------------------------------------


def email(port: int) -> EmailNotifier:
    return EmailNotifier(
        "127.0.0.1", port, "callstream@example.com", ["qa@example.com", "lead@example.com"], starttls=False
    )


def test_email_is_sent():
    with smtp_server() as smtp:
        assert send(email(smtp.port)) == (1, [])
    ((rcpt, msg),) = smtp.messages
    assert rcpt == ["qa@example.com", "lead@example.com"]
    assert " ".join(msg["Subject"].split()) == (  # unfolded
        "[callstream] CRITICAL Legal threat: Dana Smith (acme), call call-9, 2025-03-14 09:30 UTC"
    )
    assert msg["From"] == "callstream@example.com"
    assert msg["X-Callstream-Alert-Id"] == "call-9:legal_threat"
    # RFC 5322: Date is required; Message-ID lets mail clients thread and drop duplicates
    assert abs(parsedate_to_datetime(msg["Date"]).timestamp() - time.time()) < 60
    assert re.fullmatch(r"<[^<>@\s]+@example\.com>", msg["Message-ID"])
    body = msg.get_payload(decode=True).decode()
    assert body.startswith("CRITICAL: Legal threat\r\nAgent Dana Smith") and "call_id: call-9" in body


def test_email_4xx_is_retried_then_sent():
    with smtp_server(script=["451 4.3.0 try again later"]) as smtp:
        assert send(email(smtp.port)) == (2, [0.5])
    assert smtp.attempts == 2 and len(smtp.messages) == 1


def test_email_5xx_is_permanent():
    with smtp_server(script=["554 5.7.1 message rejected"]) as smtp:
        failure, sleeps = fails(email(smtp.port))
    assert str(failure) == "email: SMTP 554 5.7.1 message rejected"
    assert sleeps == [] and smtp.messages == []


def test_email_server_down_is_transient():
    failure, sleeps = fails(email(free_port()), retries=1)
    assert sleeps == [0.5] and failure.attempts == 2 and "ConnectionRefusedError" in str(failure)


# --- configuration ---------------------------------------------------------------------------------------


def test_no_channel_configured_means_no_notifier():
    assert notifiers_from_settings(Settings(_env_file=None)) == []


def test_every_configured_channel_is_a_notifier():
    settings = Settings(
        _env_file=None,
        notify_webhook_url="https://hooks.example.com/cs",
        notify_slack_webhook_url="https://hooks.slack.com/services/T/B/X",
        notify_telegram_bot_token=TOKEN,
        notify_telegram_chat_id="42",
        notify_smtp_host="smtp.example.com",
        notify_smtp_from="cs@example.com",
        notify_smtp_to="a@example.com, b@example.com",
    )
    channels = notifiers_from_settings(settings)
    assert [n.name for n in channels] == ["webhook", "slack", "telegram", "email"]
    assert channels[3].recipients == ["a@example.com", "b@example.com"]


# --- the notify stage ------------------------------------------------------------------------------------


CODEC = SingleObjectCodec()


class Runner:
    def __init__(self) -> None:
        self.letters: list[dict[str, Any]] = []
        self.sent: list[tuple[str, bytes, bytes, dict[str, bytes]]] = []

    async def send_dead_letter(self, letter: dict[str, Any]) -> None:
        self.letters.append(letter)


class Topic:
    """A Faust topic's ``send`` that records what was sent (``runner.sent``)."""

    def __init__(self, name: str, sent: list[tuple[str, bytes, bytes, dict[str, bytes]]]) -> None:
        self.name, self.sent = name, sent

    def get_topic_name(self) -> str:
        return self.name

    async def send(self, *, key: bytes, value: bytes, headers: dict[str, bytes]) -> asyncio.Future[None]:
        self.sent.append((self.name, key, value, headers))
        delivered: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        delivered.set_result(None)
        return delivered


def stage(url: str, **settings: Any) -> tuple[Notify, Runner]:
    runner = Runner()
    conf = Settings(_env_file=None, notify_webhook_url=url, notify_backoff=0, **settings)
    rt = SimpleNamespace(
        settings=conf, codec=CODEC, runner=runner, topic=lambda spec: Topic(spec.name, runner.sent)
    )
    return Notify(rt, notifiers_from_settings(conf)), runner  # type: ignore[arg-type]


def event(value: bytes, offset: int = 5) -> SimpleNamespace:
    message = SimpleNamespace(topic="calls.alerts", partition=1, offset=offset)
    return SimpleNamespace(message=message, key=b"call-9", value=value)


def test_stage_sends_unsuppressed_alerts_at_or_above_the_min_severity():
    with http_server() as server:
        notify, runner = stage(server.url, notify_min_severity="warning")
        for alert in (
            ALERT,
            {**ALERT, "alert_id": "call-9:x", "suppressed": True},  # cool-down: stored, not sent
            {**ALERT, "alert_id": "call-9:y", "severity": "info"},  # below the minimum
            {**ALERT, "alert_id": "call-9:z", "severity": "warning"},
        ):
            asyncio.run(notify.handle(event(CODEC.encode("Alert", alert))))
    assert [r.json()["alert"]["alert_id"] for r in server.requests] == ["call-9:legal_threat", "call-9:z"]
    assert runner.letters == []


def test_stage_dead_letters_a_permanent_failure_with_the_reason():
    payload = CODEC.encode("Alert", ALERT)
    with http_server(script=[(410, {}, b"gone")]) as server:
        notify, runner = stage(server.url)
        asyncio.run(notify.handle(event(payload, offset=8)))
    (letter,) = runner.letters
    assert letter["stage"] == "notify" and letter["error_class"] == "NotifyFailed"
    assert letter["error_message"] == f"{NAMED}1 of 1 channel(s) failed: webhook: HTTP 410: gone"
    assert (letter["topic"], letter["partition"], letter["offset"]) == ("calls.alerts", 1, 8)
    assert letter["payload"] == payload and letter["call_id"] == "call-9" and letter["attempts"] == 1
    CODEC.encode("DeadLetter", letter)
    # No channel delivered it: back to its cool-down, on the agent's partition, marked undelivered.
    ((topic, key, value, headers),) = runner.sent
    assert (topic, key) == ("calls.alerts.candidates", b"acme/agent-7")
    assert headers == {"callstream-undelivered": b"1"}
    assert CODEC.decode("Alert", value) == CODEC.decode("Alert", payload)


def test_stage_sends_back_only_alerts_that_no_channel_delivered():
    with http_server(routes={"/slack": (404, {}, b"no_service")}) as server:
        notify, runner = stage(f"{server.url}/hook", notify_slack_webhook_url=f"{server.url}/slack")
        asyncio.run(notify.handle(event(CODEC.encode("Alert", ALERT))))  # the webhook got it
        (letter,) = runner.letters
        assert letter["error_message"] == f"{NAMED}1 of 2 channel(s) failed: slack: HTTP 404: no_service"
        assert runner.sent == []  # a supervisor got it: its cool-down window stands
        no_agent = {**ALERT, "agent_id": None}
        notify, runner = stage(f"{server.url}/slack")
        asyncio.run(notify.handle(event(CODEC.encode("Alert", no_agent))))
        assert len(runner.letters) == 1 and runner.sent == []  # no agent: no window to release


def test_stage_dead_letters_after_the_retries_and_undecodable_bytes():
    with http_server(script=[(503, {}, b"")] * 3) as server:
        notify, runner = stage(server.url, notify_retries=2)
        asyncio.run(notify.handle(event(CODEC.encode("Alert", ALERT))))
        asyncio.run(notify.handle(event(b"not avro")))
    retried, garbage = runner.letters
    assert retried["attempts"] == 3 and "gave up after 3 attempts: HTTP 503" in retried["error_message"]
    assert garbage["error_class"] == "NotSingleObjectError" and garbage["payload"] == b"not avro"
    assert len(server.requests) == 3


def test_stage_sends_an_alert_read_again_only_to_the_channels_that_did_not_take_it():
    # A worker that crashed before committing reads its alerts again: the webhook took this one, the
    # Slack call failed; the re-read sends to Slack only, and a third read to no one.
    script = [(404, {}, b"no_service")]  # Slack's first answer; then 200
    with http_server(script=script, routes={"/hook": OK}) as server:
        notify, runner = stage(f"{server.url}/hook", notify_slack_webhook_url=f"{server.url}/slack")
        payload = CODEC.encode("Alert", ALERT)
        asyncio.run(notify.handle(event(payload)))
        assert notify.delivered.get(ALERT) == {"webhook"}
        asyncio.run(notify.handle(event(payload)))
        assert sorted(r.path for r in server.requests) == ["/hook", "/slack", "/slack"]
        asyncio.run(notify.handle(event(payload)))
        assert len(server.requests) == 3
        other = {**ALERT, "alert_id": "call-9:other"}  # another alert is its own
        asyncio.run(notify.handle(event(CODEC.encode("Alert", other))))
    assert sorted(r.path for r in server.requests) == ["/hook", "/hook", "/slack", "/slack", "/slack"]
    assert notify.delivered.get(ALERT) == {"webhook", "slack"}
    (letter,) = runner.letters  # the first read's Slack failure; the re-read delivered
    assert letter["error_message"] == f"{NAMED}1 of 2 channel(s) failed: slack: HTTP 404: no_service"
    assert runner.sent == [], "a supervisor got it on the first read: no send-back to the cool-down"


def test_stage_sends_back_a_re_read_alert_only_when_no_channel_ever_took_it():
    with http_server(script=[(200, {}, b"ok"), (410, {}, b"gone")]) as server:
        notify, runner = stage(server.url)
        payload = CODEC.encode("Alert", ALERT)
        asyncio.run(notify.handle(event(payload)))
        asyncio.run(notify.handle(event(payload)))  # read again: the webhook has it, nothing sent
        assert len(server.requests) == 1 and runner.letters == [] and runner.sent == []
        notify.delivered = type(notify.delivered)()  # a worker that lost the record: sends again
        asyncio.run(notify.handle(event(payload)))
    assert len(server.requests) == 2 and len(runner.letters) == 1
    assert runner.sent and runner.sent[0][0] == "calls.alerts.candidates"


def test_stage_delivers_two_events_of_one_alert_one_after_the_other():
    # The agent runs several events at once (CALLSTREAM_NOTIFY_CONCURRENCY): two copies of one alert
    # (an upstream duplicate, a replay) must not both read "no channel has it" and both send it.
    with http_server() as server:
        notify, runner = stage(server.url)
        payload = CODEC.encode("Alert", ALERT)
        other = CODEC.encode("Alert", {**ALERT, "alert_id": "call-9:other"})

        async def together() -> None:
            await asyncio.gather(*(notify.handle(event(p)) for p in (payload, payload, other)))

        asyncio.run(together())
    sent = sorted(r.json()["alert"]["alert_id"] for r in server.requests)
    assert sent == ["call-9:legal_threat", "call-9:other"], "a copy of an alert was sent twice"
    assert runner.letters == [] and len(notify.alert_locks) == 0
