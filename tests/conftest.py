"""Shared fixtures.

chDB hosts one engine (one data path) per process, so the whole test session shares one chDB
directory: tests that need a clean slate take ``isolated_chdb`` (a fresh, migrated database on that
engine) or use unique call ids / tenants on ``chdb_client``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from streams.clickhouse import connect, migrate


@pytest.fixture(scope="session")
def chdb_dsn(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The session's one chDB data path, as a DSN (pass it as ``clickhouse_dsn`` to settings)."""
    return f"chdb://{tmp_path_factory.mktemp('chdb')}"


@pytest.fixture(scope="session")
def chdb_client(chdb_dsn: str) -> Client:
    """Client on the session's chDB ``default`` database, migrated."""
    client = connect(chdb_dsn)
    migrate(client)
    return client


@pytest.fixture
def isolated_chdb(chdb_dsn: str, chdb_client: Client) -> Iterator[Client]:
    """Client on a fresh, migrated database of the session's chDB engine; dropped afterwards."""
    database = f"t_{uuid.uuid4().hex[:12]}"
    chdb_client.command(f"CREATE DATABASE {database}")
    client = connect(f"{chdb_dsn}?database={database}")
    migrate(client)
    yield client
    chdb_client.command(f"DROP DATABASE IF EXISTS {database} SYNC")


@pytest.fixture(scope="module")
def bi_db(chdb_dsn: str, chdb_client: Client) -> Iterator[tuple[Client, object]]:
    """A fresh migrated database holding the BI data set (tests/bi_data.py, with a replay and a
    re-score), shared by one test module."""
    from tests import bi_data

    database = f"bi_{uuid.uuid4().hex[:10]}"
    chdb_client.command(f"CREATE DATABASE {database}")
    client = connect(f"{chdb_dsn}?database={database}")
    migrate(client)
    yield client, bi_data.write(client, bi_data.build())
    chdb_client.command(f"DROP DATABASE IF EXISTS {database} SYNC")


@pytest.fixture(autouse=True)
def _kafka_logs_stay_loud() -> Iterator[None]:
    """A test that began a stop in-process (the demo's signal handler) leaves aiokafka's connection
    errors hidden on pytest's own log handlers, which live the whole session: show them again."""
    yield
    from streams.worker import loud_kafka

    loud_kafka()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CALLSTREAM_* from the outer environment (a developer's or CI's settings) and no stray .env:
    deletes every CALLSTREAM_* variable (restored afterwards) and runs the test in ``tmp_path``."""
    for name in [n for n in os.environ if n.startswith("CALLSTREAM_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """GPU tests are opt-in: they run only with CALLSTREAM_TEST_GPU=1 (on a machine with CUDA)."""
    if os.environ.get("CALLSTREAM_TEST_GPU") == "1":
        return
    skip = pytest.mark.skip(reason="GPU test: set CALLSTREAM_TEST_GPU=1 on a CUDA machine")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
