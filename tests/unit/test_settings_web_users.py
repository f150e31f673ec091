"""CALLSTREAM_WEB_USERS with per-user tenant scopes: ``user:password`` (every tenant) and
``user[tenantA|tenantB]:password``; a wrong entry stops the start with exit 2 and never echoes a
password."""

from __future__ import annotations

import pytest

from streams.cli import main
from streams.settings import Settings, SettingsError, WebUser, load_settings, parse_web_users

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env


def test_plain_and_scoped_entries() -> None:
    users = parse_web_users(" lead:s3cret , acme[acme]:x ,both[acme|globex]:y,")
    assert users == {
        "lead": WebUser("s3cret", None),
        "acme": WebUser("x", frozenset({"acme"})),
        "both": WebUser("y", frozenset({"acme", "globex"})),
    }


def test_passwords_keep_every_character_they_could_hold_before() -> None:
    """Only ',' ends a password, as before: '@', '|', ':' and brackets in it are no scope."""
    for password in ("p@ss", "a|b", "x:y", "[acme]", "p@acme|globex"):
        assert parse_web_users(f"lead:{password}") == {"lead": WebUser(password, None)}
        assert parse_web_users(f"lead[acme]:{password}") == {"lead": WebUser(password, frozenset({"acme"}))}


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        ("lead[]:top-secret", "lead (empty user or tenant name"),
        ("lead[acme|]:top-secret", "lead (empty user or tenant name"),
        ("[acme]:top-secret", "[acme] (expected user[tenantA|tenantB]:password)"),
        ("lead[acme]x:top-secret", "lead[acme]x (expected user[tenantA|tenantB]:password)"),
        ("lead]:top-secret", "lead] (expected user[tenantA|tenantB]:password)"),
        ("lead[acme]", "lead[acme] (expected user:password)"),
    ],
)
def test_a_bad_scope_is_a_clear_error_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], entry: str, named: str
) -> None:
    monkeypatch.setenv("CALLSTREAM_WEB_USERS", f"ok:fine,{entry}")
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith("callstream: invalid configuration: CALLSTREAM_WEB_USERS: ")
    assert named in message and "top-secret" not in message and "fine" not in message
    assert main(["config"]) == 2  # as every settings error: exit 2, one line on stderr
    err = capsys.readouterr().err
    assert "CALLSTREAM_WEB_USERS" in err and "top-secret" not in err


def test_the_description_documents_the_scope_syntax() -> None:
    text = Settings.model_fields["web_users"].description or ""
    assert "user[tenantA|tenantB]:password" in text and "'@'" in text


@pytest.mark.parametrize("raw", ["lead:a,lead:b", "lead:a, lead[acme]:b"])
def test_a_user_listed_twice_is_an_error_not_the_last_entry(raw: str) -> None:
    with pytest.raises(ValueError, match=r"lead \(listed twice\)") as caught:
        parse_web_users(raw)
    assert ":a" not in str(caught.value) and ":b" not in str(caught.value)  # no password shown
