"""`callstream connect`: the PBX secret comes from --secret, else CALLSTREAM_PBX_SECRET (a setting,
listed and masked by `callstream config`); the flag wins, as flags do everywhere else. `llm serve`
listens on loopback unless told otherwise."""

from __future__ import annotations

from typing import Any

import pytest

import connectors.publisher
import connectors.telephony
import streams.topics
from streams.cli import main

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env


@pytest.fixture
def secrets_used(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Runs `connect` without a broker or a PBX; collects (pbx, secret) each client was made with."""
    used: list[tuple[str, str]] = []
    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.setattr(streams.topics, "ensure_topics", lambda settings, bootstrap: [])
    monkeypatch.setattr(connectors.publisher, "CallPublisher", lambda *args: None)
    monkeypatch.setattr(
        connectors.telephony,
        "ami_client",
        lambda host, port, user, secret, *rest: used.append(("ami", secret)),
    )
    monkeypatch.setattr(
        connectors.telephony, "esl_client", lambda host, port, secret, *rest: used.append(("esl", secret))
    )

    async def forward(make: Any, publisher: Any, tenant: str, enricher: Any = None) -> None:
        make(None, None)

    monkeypatch.setattr(connectors.telephony, "forward_to_kafka", forward)
    return used


@pytest.mark.parametrize(
    ("env", "flag", "ami", "esl"),
    [
        (None, None, "", "ClueCon"),
        ("from-env", None, "from-env", "from-env"),
        ("from-env", "from-flag", "from-flag", "from-flag"),  # the environment used to win
        (None, "from-flag", "from-flag", "from-flag"),
    ],
)
def test_the_flag_wins_over_the_setting(
    secrets_used: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    env: str | None,
    flag: str | None,
    ami: str,
    esl: str,
) -> None:
    if env is not None:
        monkeypatch.setenv("CALLSTREAM_PBX_SECRET", env)
    extra = [] if flag is None else ["--secret", flag]
    assert main(["connect", "asterisk", *extra]) == 0
    assert main(["connect", "freeswitch", *extra]) == 0
    assert secrets_used == [("ami", ami), ("esl", esl)]


def test_config_lists_the_pbx_secret_masked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("CALLSTREAM_PBX_SECRET", "s3cret-ami")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "CALLSTREAM_PBX_SECRET=***\n    `connect`: AMI secret" in out
    assert "s3cret-ami" not in out


def test_llm_serve_listens_on_loopback_unless_told(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Every other callstream server listens on 127.0.0.1 by default; vLLM listened on 0.0.0.0."""
    monkeypatch.setenv("CALLSTREAM_LLM_SERVE_MODEL", "/models/qwen")
    assert main(["llm", "serve", "--dry-run"]) == 0
    assert "vllm serve /models/qwen --host 127.0.0.1 " in capsys.readouterr().err
    assert main(["llm", "serve", "--host", "0.0.0.0", "--dry-run"]) == 0
    assert " --host 0.0.0.0 " in capsys.readouterr().err
