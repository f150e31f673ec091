"""The Faust app and the per-worker runtime its agents share (codec, topics, executor, ClickHouse)."""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import Any, TypeVar

import aiokafka
import faust
from faust.transport.drivers import aiokafka as faust_aiokafka

from schemas.codec import Codec, make_codec
from streams.settings import Settings
from streams.stage import StageRunner
from streams.topics import TopicSpec

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Producer batching: how long a record may wait for others to the same partition, and the most
#: bytes of one batch (Kafka's 16 KiB default holds about two records of a 5-minute call).
PRODUCER_LINGER_S = 0.005
PRODUCER_MAX_BATCH_BYTES = 256 * 1024
#: The longest a consumer's fetch waits for data on the embedded broker. Kafka answers a waiting fetch
#: as soon as data arrives, so the wait only paces an idle consumer; Tansu answers when the wait is
#: over, so each hop of a record that arrives during a wait was delayed by up to Faust's fixed
#: 1.5 s (measured with one idle consumer: 1.5 s -> ~480 ms per record, 100 ms -> ~12 ms).
EMBEDDED_FETCH_MAX_WAIT_MS = 100


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: faust_aiokafka.Transport) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        wait = self.app.fetch_max_wait_ms  # type: ignore[attr-defined]
        if wait is not None:
            # No Faust setting for it (Faust passes 1500); read by aiokafka when it starts its fetcher.
            consumer._fetch_max_wait_ms = wait
        return consumer


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


class App(faust.App):
    """``faust.App`` whose worker consumer waits at most ``fetch_max_wait_ms`` (None: Faust's wait)
    for a fetch to bring data."""

    def __init__(self, *args: Any, fetch_max_wait_ms: int | None = None, **kwargs: Any) -> None:
        self.fetch_max_wait_ms = fetch_max_wait_ms  # before Faust may build the transport
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> Any:
        if self.fetch_max_wait_ms is None:
            return super()._new_transport()
        return _Transport(self.conf.broker_consumer, self)


def fetch_max_wait_ms(settings: Settings) -> int | None:
    """The consumer's fetch wait: the setting, else :data:`EMBEDDED_FETCH_MAX_WAIT_MS` on the embedded
    broker, else None (Faust's)."""
    if settings.broker_fetch_max_wait_ms is not None:
        return settings.broker_fetch_max_wait_ms
    return EMBEDDED_FETCH_MAX_WAIT_MS if settings.embedded_broker else None


def create_faust_app(settings: Settings, bootstrap: str) -> faust.App:
    """A Faust app configured for at-least-once processing on ``bootstrap``."""
    return App(
        settings.app_id,
        # kafka:// picks faust's aiokafka transport whatever the security protocol: TLS and SASL
        # come from broker_credentials, which faust passes to every aiokafka client it makes.
        broker=[f"kafka://{server.strip()}" for server in bootstrap.split(",")],
        broker_credentials=settings.faust_broker_credentials(),
        store="memory://",
        datadir=str(settings.data_dir / "faust"),
        autodiscover=False,
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.broker_session_timeout,
        broker_heartbeat_interval=1.0,
        broker_max_poll_records=settings.broker_max_poll_records,
        broker_max_poll_interval=settings.broker_max_poll_interval,
        broker_commit_every=100,
        broker_commit_interval=1.0,
        producer_acks=-1,
        # Batch what a stage sends within 5 ms (the benchmark's raw producer does the same): a
        # produce request per record cost more CPU than the record's processing in the cheap stages.
        producer_linger=PRODUCER_LINGER_S,
        producer_max_batch_size=PRODUCER_MAX_BATCH_BYTES,
        web_enabled=False,
        processing_guarantee="at_least_once",
        fetch_max_wait_ms=fetch_max_wait_ms(settings),
    )


class Runtime:
    """What a worker process holds once: settings, codec, app, topics, executors, models, ClickHouse."""

    def __init__(self, settings: Settings, bootstrap: str) -> None:
        self.settings = settings
        self.bootstrap = bootstrap
        self.codec: Codec = make_codec(settings.schema_registry_url)
        self.app = create_faust_app(settings, bootstrap)
        #: Heavy stage work (decode, ASR). One thread: models are not shared across calls at once,
        #: and CTranslate2 parallelises inside a call.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callstream-work")
        #: All ClickHouse access of the process goes through one thread: chDB is sync and single-path.
        self.clickhouse_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callstream-ch")
        self.runner = StageRunner(self)
        self._topics: dict[tuple[str, ...], faust.TopicT] = {}

    def topic(self, *specs: TopicSpec) -> faust.TopicT:
        """The Faust topic (raw bytes in and out) for one or more logical topics."""
        names = tuple(self.settings.topic(s.name) for s in specs)
        if names not in self._topics:
            self._topics[names] = self.app.topic(
                *names,
                key_type=bytes,
                value_type=bytes,
                key_serializer="raw",
                value_serializer="raw",
                partitions=self.settings.partitions,
                replicas=self.settings.replication_factor,
            )
        return self._topics[names]

    @cached_property
    def clickhouse(self) -> Any:
        """The ClickHouse client, created and migrated on first use (in the ClickHouse thread)."""
        from streams.clickhouse import connect, migrate

        client = self.clickhouse_executor.submit(connect, self.settings.effective_clickhouse_dsn).result()
        applied = self.clickhouse_executor.submit(migrate, client).result()
        if applied:
            log.info("ClickHouse migrations applied: %s", ", ".join(applied))
        return client

    async def in_clickhouse_thread(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.clickhouse_executor, fn, *args)

    def register(self, stages: list[str] | None = None) -> None:
        """Register the agents of ``stages`` (default: the settings' stages)."""
        for name in stages or self.settings.stages:
            importlib.import_module(f"streams.agents.{name}").register(self)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.clickhouse_executor.shutdown(wait=True)
        gc.unfreeze()  # what streams.worker.prepare froze can be collected again
