"""CALLSTREAM_INGEST_TOKENS / CALLSTREAM_INGEST_HMAC_SECRETS parsing: a mistake is refused at start
with the entry named by its tenant or position, never by its secret (security audit L4)."""

from __future__ import annotations

import pytest

from connectors.auth import TenantAuth, parse_pairs
from streams.cli import main

pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("acme:TOKSECRET1,globexTOKSECRET2", "entry 2 (no ':')"),  # printed whole before
        ("acme=TOKSECRET1", "entry 1 (no ':')"),
        ("acme:TOKSECRET1,:TOKSECRET2", "entry 2 (empty tenant or secret)"),
        ("acme:TOKSECRET1,globex:", "globex (empty tenant or secret)"),
        ("acme:TOKSECRET1,acme:TOKSECRET2", "acme (listed twice)"),
        ("acme:TOKSECRET1,globex:TOKSECRET1", "globex (same secret as acme"),
    ],
)
def test_bad_token_entries_name_no_secret(value: str, says: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_pairs(value, "CALLSTREAM_INGEST_TOKENS", shared_secrets=False)
    message = str(info.value)
    assert message.startswith("CALLSTREAM_INGEST_TOKENS: bad entries") and says in message
    assert "TOKSECRET" not in message


def test_every_bad_entry_is_named_at_once() -> None:
    with pytest.raises(ValueError) as info:
        parse_pairs("a:S1,bS2,a:S3,c:S1", "X", shared_secrets=False)
    assert str(info.value) == (
        "X: bad entries (each must look like tenant:secret): entry 2 (no ':'), a (listed twice), "
        "c (same secret as a: a request could not tell them apart)"
    )


def test_hmac_secrets_may_be_shared() -> None:
    """Twilio's auth token is the HMAC secret: two tenants on one Twilio account share it."""
    assert parse_pairs("a:twilio-token,b:twilio-token", "Y") == {"a": "twilio-token", "b": "twilio-token"}
    with pytest.raises(ValueError, match="listed twice"):
        parse_pairs("a:s1,a:s2", "Y")


def test_shared_tokens_made_the_last_tenant_win() -> None:
    """Why a shared token is refused: a request with it was taken as the last tenant listed."""
    auth = TenantAuth({"acme": "same", "globex": "same"}, {})
    assert auth.tenant_for("Bearer same", None, b"") == "globex"


def test_ingest_stops_with_the_entry_named(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.setenv("CALLSTREAM_INGEST_TOKENS", "acme:TOKSECRET1,globex:TOKSECRET1")
    assert main(["ingest"]) == 2
    err = capsys.readouterr().err
    assert "globex (same secret as acme" in err and "TOKSECRET" not in err
    monkeypatch.setenv("CALLSTREAM_INGEST_TOKENS", "acme:TOKSECRET1")
    monkeypatch.setenv("CALLSTREAM_INGEST_HMAC_SECRETS", "acmeHMACSECRET")
    assert main(["ingest"]) == 2
    err = capsys.readouterr().err
    assert "CALLSTREAM_INGEST_HMAC_SECRETS: bad entries" in err and "entry 1 (no ':')" in err
    assert "HMACSECRET" not in err
