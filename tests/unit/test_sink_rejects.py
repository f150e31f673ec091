"""Which insert failures the sink treats as ClickHouse refusing the data (dead-letter the record)
and which as an outage (retry the batch unchanged, lose nothing)."""

from __future__ import annotations

import struct
from typing import Any

import pytest
from clickhouse_connect.driver.exceptions import (
    DatabaseError,
    DataError,
    OperationalError,
    ProgrammingError,
    StreamFailureError,
)

from processors.rows import TABLE_COLUMNS
from streams.sink import ClickHouseSink, rejects_data


@pytest.mark.parametrize(
    "exc",
    [
        DataError("Invalid None value in non-Nullable column, column name: `text`"),
        DatabaseError("Code: 469. DB::Exception: Constraint `c` ... (VIOLATED_CONSTRAINT)", code=469),
        DatabaseError("Code: 6. Cannot parse text (CANNOT_PARSE_TEXT)", code=6),
        DatabaseError("Code: 691. Unknown element 'x' for enum (UNKNOWN_ELEMENT_OF_ENUM)", code=691),
        ValueError("invalid literal for int() with base 10: 'abc'"),
        TypeError("'<' not supported"),
        AttributeError("'dict' object has no attribute 'encode'"),
        struct.error("ubyte format requires 0 <= number <= 255"),
    ],
)
def test_data_refusals_are_permanent(exc: Exception):
    assert rejects_data(exc)


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("Error HTTPConnectionPool: Max retries exceeded"),
        StreamFailureError("stream failed"),
        DatabaseError("Code: 241. Memory limit exceeded (MEMORY_LIMIT_EXCEEDED)", code=241),
        DatabaseError("Code: 252. Too many parts (TOO_MANY_PARTS)", code=252),
        DatabaseError("Code: 159. Timeout exceeded (TIMEOUT_EXCEEDED)", code=159),
        DatabaseError("Code: 60. Table default.calls does not exist (UNKNOWN_TABLE)", code=60),
        DatabaseError("The ClickHouse server returned an error"),  # no code: not known to be the data
        ProgrammingError("Unrecognized column 'x' in table calls"),  # a deploy mismatch, not the row
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        OSError("broken pipe"),
        RuntimeError("chDB engine busy"),
    ],
)
def test_outages_and_deploy_problems_are_transient(exc: Exception):
    assert not rejects_data(exc)


class FailingClient:
    """Raises ``error`` on every insert and records the attempts."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.inserts: list[str] = []

    def insert(self, table: str, data: list[Any], *, column_names: list[str], settings: dict) -> None:
        self.inserts.append(table)
        raise self.error


def test_transient_failure_keeps_the_batch_and_writes_no_dead_letter():
    client = FailingClient(OperationalError("connection reset"))
    sink = ClickHouseSink(client)  # type: ignore[arg-type]
    row = dict.fromkeys(TABLE_COLUMNS["alerts"], "x")
    sink.add("alerts", row, topic="calls.alerts", partition=0, offset=3)
    for _ in range(3):
        with pytest.raises(OperationalError):
            sink.flush()
    assert client.inserts == ["alerts"] * 3  # the whole batch each time, never split or dead-lettered
    assert sink.pending() == 1
