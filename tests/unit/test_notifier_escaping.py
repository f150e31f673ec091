"""Red-team cases for streams.notifiers: text any producer controls (agent names, queues, CRM fields,
transcript quotes) is shown, never acted upon, on every channel; an over-long alert is cut, not
refused; odd call ids and numbers do not cost an alert its delivery (a refused alert is a lost one).
All against the in-test HTTP and SMTP servers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from email import message_from_bytes, policy
from types import SimpleNamespace
from typing import Any

import pytest

from streams.agents.notify import Notify
from streams.notifiers import (
    EMAIL_MAX_SUBJECT,
    SLACK_MAX_TEXT,
    TELEGRAM_MAX_TEXT,
    EmailNotifier,
    SlackNotifier,
    TelegramNotifier,
    WebhookNotifier,
    deliver,
    header_alert_id,
    notifiers_from_settings,
    truncate,
)
from streams.settings import Settings
from tests.factories import make_alert
from tests.notify_servers import http_server, smtp_server
from tests.unit.test_notifiers import CODEC, Runner  # the notify stage's test doubles

HOSTILE = "Dana <!channel> <!here> <@U123> <http://evil.example|click> & *bold* _x_ [a](b) `c` #1"
ALERT = {
    **make_alert("call-9", rule="legal_threat"),
    "severity": "critical",
    "message": f"Legal threat: rules.keyword_hits.legal = 1 (>= 1); agent {HOSTILE}, call call-9",
    "agent_name": HOSTILE,
}


def send(notifier: Any, alert: dict[str, Any]) -> int:
    return asyncio.run(deliver(notifier, alert, retries=0))


def strict_json(body: bytes) -> Any:
    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(body, parse_constant=refuse)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- Slack -----------------------------------------------------------------------------------------------


def test_slack_mentions_and_links_are_shown_not_acted_upon():
    with http_server() as server:
        send(SlackNotifier(server.url), ALERT)
    payload = server.requests[0].json()
    text = payload["text"]
    assert "<" not in text and ">" not in text  # no <!channel>, <@U123> or <url|label> survives
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;http://evil.example|click&gt; &amp;" in text
    assert payload["unfurl_links"] is False and payload["unfurl_media"] is False


def test_slack_long_text_is_cut_not_refused_and_no_entity_is_split():
    for filler in ("x", "&", "<"):
        alert = {**ALERT, "title": "Legal threat", "said": "the customer said " + filler * 10_000}
        with http_server() as server:
            send(SlackNotifier(server.url), alert)
        text = server.requests[0].json()["text"]
        assert len(text) <= SLACK_MAX_TEXT > len(text) - 3  # cut at the limit, not far before it
        said = text.split("\n")[3]
        assert said.startswith("The customer said ") and said.endswith("…")
        assert text.endswith("\n_ref call-9:legal_threat_")  # the long quote is cut, not the reference
        head = said.removesuffix("…")
        assert head.rsplit("&", 1)[-1] in ("", "amp;", "lt;", "gt;") or "&" not in head


# --- Telegram --------------------------------------------------------------------------------------------


def test_telegram_is_plain_text_so_reserved_characters_cannot_break_it():
    alert = {**ALERT, "message": ALERT["message"] + " <b>bold</b> _*[]()~`>#+-=|{}.! \\"}
    with http_server() as server:
        send(TelegramNotifier("1:T", "42", api_url=server.url), alert)
    body = server.requests[0].json()
    assert "parse_mode" not in body  # MarkdownV2/HTML would need escaping, or a 400 loses the alert
    assert alert["message"] in body["text"] and body["disable_web_page_preview"] is True


@pytest.mark.parametrize("filler", ["x", "🚨", "я"])
def test_telegram_long_text_is_cut_to_4096_utf16_units(filler):
    alert = {**ALERT, "message": "Legal threat: " + filler * 9000}
    with http_server() as server:
        send(TelegramNotifier("1:T", "42", api_url=server.url), alert)
    text = server.requests[0].json()["text"]
    assert utf16_len(text) <= TELEGRAM_MAX_TEXT
    assert utf16_len(text) > TELEGRAM_MAX_TEXT - 4  # cut at the limit, not far before it
    first, *rest = text.split("\n")
    assert first.startswith("🚨 CRITICAL: Legal threat: ") and first.endswith("…")
    assert rest[-1] == "ref call-9:legal_threat"  # the long message is cut, not the reference


def test_a_line_break_in_a_name_cannot_forge_a_line_of_the_message():
    alert = {**ALERT, "agent_name": "Dana\nref other-call:legal_threat\u2028x"}
    with http_server() as server:
        send(TelegramNotifier("1:T", "42", api_url=server.url), alert)
    lines = server.requests[0].json()["text"].split("\n")
    assert [line for line in lines if line.startswith("ref ")] == ["ref call-9:legal_threat"]


def test_truncate_keeps_short_text_and_never_splits_a_surrogate_pair():
    assert truncate("short", 10) == "short"
    assert truncate("abcdef", 4) == "abc…"
    cut = truncate("a" + "🚨" * 10, 5, utf16=True)
    assert cut == "a🚨…" and utf16_len(cut) <= 5


# --- e-mail ----------------------------------------------------------------------------------------------


def email(port: int) -> EmailNotifier:
    return EmailNotifier("127.0.0.1", port, "cs@example.com", ["qa@example.com"], starttls=False)


def received(smtp: Any) -> Any:
    ((_, msg),) = smtp.messages
    return message_from_bytes(msg.as_bytes(), policy=policy.default)


def header(msg: Any, name: str) -> str:
    """A header's value unfolded (Python folds a long one right after the colon)."""
    return str(msg[name]).strip()


@pytest.mark.parametrize(
    "name",
    [
        "Dana\u2028Bcc: evil@example.com",  # U+2028 / U+0085 pass the ingest check (C0 only) ...
        "Dana\x85Bcc: evil@example.com",
        "Dana\r\nBcc: evil@example.com",  # ... and a producer writing calls.scored bypasses it all
    ],
)
def test_email_subject_line_breaks_do_not_inject_or_lose_the_alert(name):
    alert = {**ALERT, "agent_name": name}
    with smtp_server() as smtp:
        assert send(email(smtp.port), alert) == 1
    msg = received(smtp)
    subject = header(msg, "Subject")
    assert subject == (
        "[callstream] CRITICAL legal_threat: Dana Bcc: evil@example.com (acme), call call-9,"
        " 2025-03-14 09:33 UTC"
    )
    assert msg["Bcc"] is None and msg.get_content_type() == "text/plain"


def test_email_subject_is_cut_and_html_stays_text():
    alert = {**ALERT, "agent_name": "<b>Дана</b> " + "x" * 1000}
    with smtp_server() as smtp:
        send(email(smtp.port), alert)
    msg = received(smtp)
    subject = header(msg, "Subject")
    assert len(subject) == EMAIL_MAX_SUBJECT and subject.endswith("…")
    assert subject.startswith("[callstream] CRITICAL legal_threat: <b>Дана</b> xxx")
    assert msg.get_content_type() == "text/plain" and not msg.is_multipart()


# --- webhook ---------------------------------------------------------------------------------------------


def test_webhook_delivers_a_non_ascii_alert_id_percent_encoded_in_the_header():
    alert = {**ALERT, "alert_id": "звонок 1%:legal_threat", "call_id": "звонок 1%"}
    with http_server() as server:
        assert send(WebhookNotifier(server.url, secret="s3cret"), alert) == 1
    (request,) = server.requests
    assert request.headers["X-Callstream-Alert-Id"] == (
        "%D0%B7%D0%B2%D0%BE%D0%BD%D0%BE%D0%BA 1%25:legal_threat"
    )
    assert request.json()["alert"]["alert_id"] == "звонок 1%:legal_threat"  # the body has it as is
    expected = "sha256=" + hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Callstream-Signature"] == expected  # over the exact body sent


def test_header_alert_id_is_unchanged_for_usual_ids_and_one_to_one():
    assert header_alert_id("call-9:legal_threat") == "call-9:legal_threat"
    assert header_alert_id("1710412345.42:low_total") == "1710412345.42:low_total"
    assert header_alert_id("a\r\nX-Evil: 1:r") == "a%0D%0AX-Evil: 1:r"
    assert header_alert_id("%D0%B7:r") != header_alert_id("з:r")


def test_email_carries_the_encoded_alert_id_too():
    alert = {**ALERT, "alert_id": "звонок\u20281:legal_threat", "call_id": "звонок\u20281"}
    with smtp_server() as smtp:
        assert send(email(smtp.port), alert) == 1
    msg = received(smtp)
    assert header(msg, "X-Callstream-Alert-Id") == header_alert_id(alert["alert_id"])
    assert "\u2028" not in header(msg, "Subject")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_webhook_body_is_strict_json_for_any_number(value):
    with http_server() as server:
        send(WebhookNotifier(server.url), {**ALERT, "value": value})
    body = strict_json(server.requests[0].body)
    assert body["alert"]["value"] is None and body["alert"]["threshold"] == 50.0


# --- the notify stage: none of these is a dead letter ----------------------------------------------------


def test_stage_delivers_hostile_and_odd_alerts_on_every_channel():
    alerts = [
        ALERT,
        {**ALERT, "alert_id": "звонок-1:legal_threat", "call_id": "звонок-1"},
        {**ALERT, "alert_id": "c-long:legal_threat", "message": "🚨" * 20_000},
        {**ALERT, "alert_id": "c-nan:legal_threat", "value": float("nan")},
    ]
    with http_server() as server, smtp_server() as smtp:
        conf = Settings(
            _env_file=None,
            notify_webhook_url=f"{server.url}/hook",
            notify_slack_webhook_url=f"{server.url}/slack",
            notify_telegram_bot_token="1:T",
            notify_telegram_chat_id="42",
            notify_telegram_api_url=server.url,
            notify_smtp_host="127.0.0.1",
            notify_smtp_port=smtp.port,
            notify_smtp_starttls=False,
            notify_smtp_from="cs@example.com",
            notify_smtp_to="qa@example.com",
            notify_retries=0,
        )
        runner = Runner()
        rt = SimpleNamespace(settings=conf, codec=CODEC, runner=runner)
        notify = Notify(rt, notifiers_from_settings(conf))  # type: ignore[arg-type]
        for i, alert in enumerate(alerts):
            message = SimpleNamespace(topic="calls.alerts", partition=0, offset=i)
            event = SimpleNamespace(message=message, key=b"k", value=CODEC.encode("Alert", alert))
            asyncio.run(notify.handle(event))
    assert runner.letters == []
    assert len(server.requests) == 3 * len(alerts) and len(smtp.messages) == len(alerts)
