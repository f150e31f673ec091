"""Batching ClickHouse sink with at-least-once, idempotent writes (Quix Streams sink design).

The caller adds rows tagged with the Kafka coordinates of the record they came from, calls
:meth:`ClickHouseSink.flush` on size or time, and commits offsets only after ``flush`` returns.
A failed flush raises and keeps every unwritten batch, unchanged, for the next ``flush``: records
are retried, never skipped.

Duplicates are prevented twice: each insert carries an ``insert_deduplication_token`` derived
from table, topic, partition, offset range and a digest of the rows, so a retried identical
batch (e.g. an insert that reached the server but whose reply was lost) is dropped by the server;
and the tables are ReplacingMergeTree on ``_version``, so a replay after a crash or rebalance
(new versions, other batch boundaries, other tokens) still collapses to one row per key in
``FINAL`` queries.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from clickhouse_connect.driver.client import Client

from processors.rows import TABLE_COLUMNS


@dataclass
class _Batch:
    """Rows of consecutive records of one topic-partition, written as one insert per table."""

    topic: str
    partition: int
    offsets: list[int] = field(default_factory=list)
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)

    def token(self, table: str) -> str:
        """Same batch, same token. The digest of the rows keeps new data at reused offsets (the
        embedded broker restarts its topics at offset 0; chDB keeps its data) from being dropped."""
        digest = hashlib.blake2b(repr(self.rows[table]).encode(), digest_size=8).hexdigest()
        return f"{table}:{self.topic}:{self.partition}:{self.offsets[0]}-{self.offsets[-1]}:{digest}"


class ClickHouseSink:
    """Buffers rows per topic-partition and writes them in batches of at most ``max_batch`` records."""

    def __init__(self, client: Client, *, max_batch: int = 500) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be >= 1")
        self.client = client
        self.max_batch = max_batch
        self._open: dict[tuple[str, int], _Batch] = {}
        # Batches a flush has started on: retried first and unchanged, so their tokens stay the same.
        self._sealed: list[_Batch] = []

    def add(self, table: str, row: dict[str, Any], *, topic: str, partition: int, offset: int) -> None:
        """Buffer one row of the record at ``topic``/``partition``/``offset``.

        Raises ``ValueError`` (unknown table) or ``KeyError`` (missing column) here, not at flush
        time, so the caller can dead-letter the one bad record.
        """
        values = _values(table, row)
        self._batch_for(topic, partition, offset).rows.setdefault(table, []).append(values)

    def add_rows(
        self, rows_by_table: dict[str, list[dict[str, Any]]], *, topic: str, partition: int, offset: int
    ) -> None:
        """Buffer all rows of one record (e.g. :func:`processors.rows.score_rows` output), all or none."""
        prepared = [(table, [_values(table, row) for row in rows]) for table, rows in rows_by_table.items()]
        batch = self._batch_for(topic, partition, offset)
        for table, values in prepared:
            batch.rows.setdefault(table, []).extend(values)

    def pending(self) -> int:
        """Kafka records buffered and not yet written."""
        return sum(len(b.offsets) for b in self._sealed) + sum(len(b.offsets) for b in self._open.values())

    def flush(self) -> dict[str, int]:
        """Write every buffered batch; rows written per table.

        On failure the exception propagates and the unwritten batches stay buffered; already
        written tables of a half-written batch are not written again on retry.
        """
        self._sealed.extend(self._open.values())
        self._open.clear()
        written: dict[str, int] = {}
        while self._sealed:
            batch = self._sealed[0]
            for table, values in batch.rows.items():
                if table in batch.written or not values:
                    continue
                self.client.insert(
                    table,
                    values,
                    column_names=TABLE_COLUMNS[table],
                    settings={"insert_deduplication_token": batch.token(table)},
                )
                batch.written.add(table)
                written[table] = written.get(table, 0) + len(values)
            self._sealed.pop(0)
        return written

    def _batch_for(self, topic: str, partition: int, offset: int) -> _Batch:
        """The open batch taking ``offset``; a full batch or an offset going back starts a new one."""
        key = (topic, partition)
        batch = self._open.get(key)
        if batch is not None and (
            offset < batch.offsets[-1]
            or (offset > batch.offsets[-1] and len(batch.offsets) >= self.max_batch)
        ):
            self._sealed.append(batch)
            batch = None
        if batch is None:
            batch = self._open[key] = _Batch(topic, partition)
        if not batch.offsets or batch.offsets[-1] != offset:
            batch.offsets.append(offset)
        return batch


def _values(table: str, row: dict[str, Any]) -> list[Any]:
    """The row as a list in insert column order."""
    columns = TABLE_COLUMNS.get(table)
    if columns is None:
        raise ValueError(f"unknown table {table!r}; known: {', '.join(TABLE_COLUMNS)}")
    return [row[column] for column in columns]
