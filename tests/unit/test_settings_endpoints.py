"""Settings of the HTTP endpoints: listen addresses, the live page's login requirement off loopback,
and the live stream's limits."""

from __future__ import annotations

import pytest

from streams.cli import main
from streams.settings import SettingsError, load_settings

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env


def invalid(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    return str(info.value)


def test_endpoint_defaults() -> None:
    s = load_settings()
    assert (s.metrics_host, s.web_host, s.ingest_host) == ("127.0.0.1", "127.0.0.1", "127.0.0.1")
    assert (s.web_allow_anonymous, s.web_max_streams, s.web_stream_write_timeout) == (False, 100, 10.0)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "::1", "10.1.2.3", " localhost ", "worker-1.internal"])
def test_listen_addresses_accepted(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    monkeypatch.setenv("CALLSTREAM_METRICS_HOST", host)
    assert load_settings().metrics_host == host.strip()


@pytest.mark.parametrize("var", ["CALLSTREAM_METRICS_HOST", "CALLSTREAM_WEB_HOST", "CALLSTREAM_INGEST_HOST"])
@pytest.mark.parametrize("host", ["", "0.0.0.0:9464", "http://10.0.0.1", "[::1]", "256.1.1.1", "a b"])
def test_bad_listen_addresses_name_the_variable(monkeypatch: pytest.MonkeyPatch, var: str, host: str) -> None:
    # an empty host would bind every interface; the others fail only when the server starts
    message = invalid(monkeypatch, CALLSTREAM_WEB_USERS="lead:s3cret", **{var: host})
    assert f"{var}:" in message


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3", "supervisor.example.com"])
def test_anonymous_page_off_loopback_stops_the_start(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    message = invalid(monkeypatch, CALLSTREAM_WEB_HOST=host)
    assert "CALLSTREAM_WEB_USERS" in message and "127.0.0.1" in message
    assert "CALLSTREAM_WEB_ALLOW_ANONYMOUS=true" in message and "auth proxy" in message


def test_anonymous_page_off_loopback_exits_2(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("CALLSTREAM_WEB_HOST", "0.0.0.0")
    assert main(["config"]) == 2
    assert "CALLSTREAM_WEB_USERS" in capsys.readouterr().err


@pytest.mark.parametrize(
    "env",
    [
        {"CALLSTREAM_WEB_HOST": "0.0.0.0", "CALLSTREAM_WEB_USERS": "lead:s3cret"},
        {"CALLSTREAM_WEB_HOST": "0.0.0.0", "CALLSTREAM_WEB_ALLOW_ANONYMOUS": "true"},
        {"CALLSTREAM_WEB_HOST": "0.0.0.0", "CALLSTREAM_WEB_PORT": "0"},  # no page served
        {"CALLSTREAM_WEB_HOST": "::1"},
        {"CALLSTREAM_WEB_HOST": "127.0.0.2"},
        {"CALLSTREAM_WEB_HOST": "localhost"},
    ],
)
def test_page_without_login_allowed(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert load_settings().web_host == env["CALLSTREAM_WEB_HOST"]


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("CALLSTREAM_WEB_MAX_STREAMS", "0"),
        ("CALLSTREAM_WEB_STREAM_WRITE_TIMEOUT", "0"),
        ("CALLSTREAM_WEB_STREAM_WRITE_TIMEOUT", "inf"),
    ],
)
def test_stream_limits_are_validated(monkeypatch: pytest.MonkeyPatch, var: str, value: str) -> None:
    assert f"{var}:" in invalid(monkeypatch, **{var: value})
