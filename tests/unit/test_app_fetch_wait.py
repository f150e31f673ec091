"""The embedded broker (Tansu) answers a waiting fetch only when its wait is over: the worker's
consumer waits briefly there, so a record arriving during a wait is not held up to Faust's 1.5 s."""

from __future__ import annotations

import asyncio

import aiokafka
import pytest

from streams.app import EMBEDDED_FETCH_MAX_WAIT_MS, create_faust_app
from streams.settings import Settings, load_settings

NOWHERE = "127.0.0.1:1"


def fetch_wait_ms(settings: Settings, bootstrap: str) -> int:
    """The fetch wait of the aiokafka consumer the app's worker would start (not started here)."""

    async def build() -> int:  # in a loop: Faust binds to the running loop
        app = create_faust_app(settings, bootstrap)
        consumer = app.consumer._thread._create_worker_consumer(app.transport)
        try:
            assert isinstance(consumer, aiokafka.AIOKafkaConsumer)
            return consumer._fetch_max_wait_ms
        finally:
            await consumer._client.close()

    return asyncio.run(build())


def test_the_embedded_broker_gets_a_short_fetch_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLSTREAM_KAFKA_BOOTSTRAP", raising=False)
    settings = load_settings()
    assert settings.embedded_broker
    assert fetch_wait_ms(settings, NOWHERE) == EMBEDDED_FETCH_MAX_WAIT_MS


def test_a_kafka_cluster_keeps_fausts_fetch_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    # Kafka answers a waiting fetch as soon as data arrives: a short wait would only poll more.
    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", NOWHERE)
    assert fetch_wait_ms(load_settings(), NOWHERE) == 1500


def test_the_setting_sets_the_fetch_wait_on_any_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    # the bench's worker processes reach its embedded broker by address: they are told its wait
    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", NOWHERE)
    monkeypatch.setenv("CALLSTREAM_BROKER_FETCH_MAX_WAIT_MS", "250")
    settings = load_settings()
    assert not settings.embedded_broker
    assert fetch_wait_ms(settings, NOWHERE) == 250


def test_the_bench_tells_its_workers_the_embedded_wait(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import subprocess

    from streams import bench

    seen: list[dict[str, str]] = []

    class _Popen:
        def __init__(self, args, env, **kwargs):
            seen.append(env)

    monkeypatch.setattr(subprocess, "Popen", _Popen)
    monkeypatch.delenv("CALLSTREAM_KAFKA_BOOTSTRAP", raising=False)
    settings = load_settings().model_copy(update={"data_dir": tmp_path})
    bench.spawn_text_workers(settings, NOWHERE, 1)
    assert seen[0]["CALLSTREAM_BROKER_FETCH_MAX_WAIT_MS"] == str(EMBEDDED_FETCH_MAX_WAIT_MS)
