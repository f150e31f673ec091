"""streams.worker.print_start: the worker's start banner says where it can be reached, and with the
embedded broker how to publish to it."""

from __future__ import annotations

import io

import pytest

from streams.settings import load_settings
from streams.worker import print_start

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env


def test_embedded_broker_banner_says_how_to_publish_and_how_to_keep_the_port() -> None:
    """An operator trial: the embedded broker's port changed at every start, and nothing said how to
    point `publish` at it, nor that CALLSTREAM_EMBEDDED_BROKER_PORT keeps it."""
    out = io.StringIO()
    print_start(load_settings(), "127.0.0.1:40123", 9464, "off", out=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].startswith("callstream worker: stages ")
    assert lines[1] == (
        "callstream worker: publish to it with CALLSTREAM_KAFKA_BOOTSTRAP=127.0.0.1:40123 callstream publish "
        "FILE (port a new one at every start; CALLSTREAM_EMBEDDED_BROKER_PORT=40123 keeps it)"
    )


def test_fixed_embedded_port_and_a_real_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    print_start(load_settings(embedded_broker_port=39093), "127.0.0.1:39093", 0, "off", out=out)
    assert out.getvalue().splitlines()[1].endswith("(port fixed by CALLSTREAM_EMBEDDED_BROKER_PORT)")
    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", "kafka:9092")
    out = io.StringIO()
    print_start(load_settings(), "kafka:9092", 0, "off", out=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and "Kafka kafka:9092;" in lines[0] and "metrics off" in lines[0]
