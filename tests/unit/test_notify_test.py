"""``callstream alerts notify-test``: one test alert through each configured channel, once, to real local
receivers (HTTP and SMTP): each channel's answer is printed and a failing one sets the exit status."""

from __future__ import annotations

import io

import pytest

from streams.cli import main
from streams.notify_test import make_test_alert, run_notify_test
from streams.settings import load_settings
from tests.notify_servers import http_server, smtp_server


def configure(monkeypatch: pytest.MonkeyPatch, tmp_path, **env: str) -> None:
    for name in ("WEBHOOK_URL", "SLACK_WEBHOOK_URL", "TELEGRAM_BOT_TOKEN", "SMTP_HOST"):
        monkeypatch.delenv(f"CALLSTREAM_NOTIFY_{name}", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    for name, value in env.items():
        monkeypatch.setenv(f"CALLSTREAM_NOTIFY_{name}", value)


def test_every_channel_gets_one_test_alert(monkeypatch, tmp_path) -> None:
    with http_server() as hook, http_server() as slack, smtp_server() as smtp:
        configure(
            monkeypatch,
            tmp_path,
            WEBHOOK_URL=f"{hook.url}/in",
            SLACK_WEBHOOK_URL=f"{slack.url}/services/x",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp.port),
            SMTP_FROM="callstream@example.com",
            SMTP_TO="it@example.com",
            SMTP_STARTTLS="false",
        )
        out = io.StringIO()
        assert run_notify_test(load_settings(), tenant="acme", severity="critical", out=out) == 0
    [posted] = hook.requests
    assert posted.json()["alert"]["rule"] == "notify_test" and posted.json()["alert"]["tenant"] == "acme"
    [said] = slack.requests
    assert "Test notification" in said.json()["text"]
    [(rcpt, msg)] = smtp.messages
    assert rcpt == ["it@example.com"] and "Test notification" in msg["Subject"]
    lines = out.getvalue().splitlines()
    assert {line.split(":")[0] for line in lines[:-1]} == {"webhook", "slack", "email"}
    assert all(": delivered (" in line for line in lines[:-1])
    assert lines[-1].endswith(": 3 of 3 channel(s) took it")


def test_a_failing_channel_is_named_and_fails_the_command(monkeypatch, tmp_path) -> None:
    with http_server(script=[(500, {}, b"boom")]) as hook, http_server() as slack:
        configure(monkeypatch, tmp_path, WEBHOOK_URL=f"{hook.url}/in", SLACK_WEBHOOK_URL=f"{slack.url}/s")
        out = io.StringIO()
        assert run_notify_test(load_settings(), out=out) == 1
    assert len(hook.requests) == 1  # one try, no retries: the answer is seen at once
    text = out.getvalue()
    assert "webhook: FAILED: " in text and "500" in text and "slack: delivered" in text
    assert text.rstrip().endswith("1 of 2 channel(s) took it; check webhook")


def test_no_channel_configured_says_which_settings(monkeypatch, tmp_path, capsys) -> None:
    configure(monkeypatch, tmp_path)
    assert main(["alerts", "notify-test"]) == 2
    assert "CALLSTREAM_NOTIFY_WEBHOOK_URL" in capsys.readouterr().err


def test_the_test_alert_says_it_is_a_test() -> None:
    alert = make_test_alert("acme", "info")
    assert alert["rule"] == "notify_test" and alert["severity"] == "info" and alert["tenant"] == "acme"
    assert "test" in alert["message"] and alert["alert_id"].startswith("notify-test-")
