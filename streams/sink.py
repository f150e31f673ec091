"""Batching ClickHouse sink with at-least-once, idempotent writes (Quix Streams sink design).

The caller adds rows tagged with the Kafka coordinates of the record they came from, calls
:meth:`ClickHouseSink.flush` on size or time, and commits offsets only after ``flush`` returns.
A failed flush raises and keeps every unwritten batch, unchanged, for the next ``flush``: records
are retried, never skipped. The one exception is a record whose rows ClickHouse refuses for their
data (:func:`rejects_data`), which no retry can fix: the table's batch is retried record by record,
and each refused record is written as a ``dead_letters`` row instead, with ClickHouse's error, by
the same ``flush``; :meth:`ClickHouseSink.take_dead_letters` hands those letters to the caller,
which publishes them on the DLQ topic as well.

Duplicates are prevented twice: each insert carries an ``insert_deduplication_token`` derived
from table, topic, partition, offset range and a digest of the rows, so a retried identical
batch (e.g. an insert that reached the server but whose reply was lost) is dropped by the server;
and the tables are ReplacingMergeTree on ``_version``, so a replay after a crash or rebalance
(new versions, other batch boundaries, other tokens) still collapses to one row per key in
``FINAL`` queries.

A call processed again (re-sent by its connector, re-scored with another scorecard, a transcript
fixed) writes its child rows under a newer ``_version``, but ``FINAL`` only replaces rows with the
same key: segments past the new last ``idx`` and criteria the new scorecard lacks would outlive it
and mix two processings in one call. After writing, each flush therefore retires them
(:meth:`ClickHouseSink.retire_superseded`): the calls whose child rows hold a key that only older
versions than the call's newest have lose those older rows to a lightweight ``DELETE``. A first
processing (the common case) costs one query per flush: it has no older rows.
"""

from __future__ import annotations

import hashlib
import json
import logging
import operator
import pickle
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError, DataError

from processors.rows import TABLE_COLUMNS, dead_letter_row
from streams import metrics
from streams.stage import dead_letter

log = logging.getLogger(__name__)

#: A call's child tables and the column keying a row within the call.
CHILD_KEYS = {"call_segments": "idx", "call_criteria": "criterion_id"}
#: Calls (of ``%(calls)s``) with a child row older than the call's newest ``calls`` row: only those
#: can have superseded rows (a first processing, the common case, has none), so only those get the
#: join below. Against ``calls``, not the child rows' own versions: a call processed again into no
#: segments has only old ones left, and merges may have folded its criteria to one version.
_OLDER_SQL = (
    "SELECT k.tenant, k.call_id FROM ("
    + " UNION ALL ".join(
        f"SELECT tenant, call_id, min(_version) AS oldest FROM {table} "
        "WHERE (tenant, call_id) IN %(calls)s GROUP BY tenant, call_id"
        for table in CHILD_KEYS
    )
    + ") AS k INNER JOIN (SELECT tenant, call_id, max(_version) AS version FROM calls "
    "WHERE (tenant, call_id) IN %(calls)s GROUP BY tenant, call_id) AS c "
    "ON k.tenant = c.tenant AND k.call_id = c.call_id WHERE k.oldest < c.version"
)
#: Calls (of ``%(calls)s``) with a child row whose key only older versions than the call's have.
_SUPERSEDED_SQL = """
SELECT k.tenant, k.call_id, c.version
FROM (
    SELECT tenant, call_id, max(_version) AS newest FROM {table}
    WHERE (tenant, call_id) IN %(calls)s GROUP BY tenant, call_id, {key}
) AS k
INNER JOIN (
    SELECT tenant, call_id, max(_version) AS version FROM calls
    WHERE (tenant, call_id) IN %(calls)s GROUP BY tenant, call_id
) AS c ON k.tenant = c.tenant AND k.call_id = c.call_id
WHERE k.newest < c.version
GROUP BY k.tenant, k.call_id, c.version
"""
#: ClickHouse refusing the retirement for good (the sink's user lacks ALTER DELETE, a read-only
#: replica, a table with projections): logged and counted, never retried, so that the sink does not
#: stall on the one re-processed call: ACCESS_DENIED, READONLY, NOT_IMPLEMENTED, SUPPORT_IS_DISABLED,
#: QUERY_IS_PROHIBITED.
RETIRE_REFUSED_CODES = frozenset({497, 164, 48, 344, 392})
#: Calls looked up per query and retired per ``DELETE`` (the statement lists each).
RETIRE_CHUNK = 500
_CALL_COLUMNS = (TABLE_COLUMNS["calls"].index("tenant"), TABLE_COLUMNS["calls"].index("call_id"))

# ClickHouse errors about the inserted values themselves (names from ``errorCodeToName``): the
# same rows fail the same way on every retry. Anything else (network, timeouts, memory, too many
# parts, a missing table or column after a bad deploy) may pass later and is retried.
DATA_ERROR_CODES = frozenset(
    {
        6,  # CANNOT_PARSE_TEXT
        25,  # CANNOT_PARSE_ESCAPE_SEQUENCE
        26,  # CANNOT_PARSE_QUOTED_STRING
        27,  # CANNOT_PARSE_INPUT_ASSERTION_FAILED
        38,  # CANNOT_PARSE_DATE
        41,  # CANNOT_PARSE_DATETIME
        53,  # TYPE_MISMATCH
        69,  # ARGUMENT_OUT_OF_BOUND
        70,  # CANNOT_CONVERT_TYPE
        72,  # CANNOT_PARSE_NUMBER
        117,  # INCORRECT_DATA
        131,  # TOO_LARGE_STRING_SIZE
        190,  # SIZES_OF_ARRAYS_DONT_MATCH
        321,  # VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
        349,  # CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
        395,  # FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
        407,  # DECIMAL_OVERFLOW
        469,  # VIOLATED_CONSTRAINT
        691,  # UNKNOWN_ELEMENT_OF_ENUM
    }
)
# clickhouse-connect serializes rows in the client: a value its column type cannot take raises
# DataError or, from the conversion code, one of these, before anything is sent.
_SERIALIZATION_ERRORS = (ValueError, TypeError, AttributeError, OverflowError, struct.error)


#: How far ahead of the sink's clock a record's time may be before it is taken as a skewed clock.
FUTURE_TOLERANCE_MS = 1000


def row_version(ts: datetime, now: float | None = None) -> int:
    """ReplacingMergeTree version: the record's own timestamp, so a replay writes an identical row.

    Never ahead of the sink's clock (``now``, Unix seconds): the time comes from the worker that
    made the record, and one whose clock ran ahead (an NTP step, a resumed VM) wrote versions no
    later processing could beat; the sink then even deleted the newer processing's segments as
    older (chaos review). Such a record is stored with the sink's time, and a warning."""
    version = int(ts.timestamp() * 1000)
    clock = int((time.time() if now is None else now) * 1000)
    if version > clock + FUTURE_TOLERANCE_MS:
        log.warning(
            "a record's time %s is %.0f s ahead of this sink's clock: stored with the sink's time as its "
            "version (check the clock of the worker that made it)",
            ts.isoformat(),
            (version - clock) / 1000,
        )
        return clock
    return version


def rejects_data(exc: BaseException) -> bool:
    """Whether ``exc`` from an insert is ClickHouse refusing the rows' values (permanent), as
    opposed to a failure to reach or use the server (transient: retry, lose nothing)."""
    if isinstance(exc, DataError):
        return True
    if isinstance(exc, DatabaseError):  # server errors (chDB's too) carry the ClickHouse code
        return exc.code in DATA_ERROR_CODES
    return isinstance(exc, _SERIALIZATION_ERRORS) and not isinstance(exc, OSError)


@dataclass
class _Batch:
    """Rows of consecutive records of one topic-partition, written as one insert per table."""

    topic: str
    partition: int
    offsets: list[int] = field(default_factory=list)
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)
    # The record (offset) of each row, parallel to ``rows``, to retry a refused table per record.
    owners: dict[str, list[int]] = field(default_factory=dict)
    # Original Kafka key and value per offset, when the caller gave them, for dead letters.
    sources: dict[int, tuple[bytes | None, bytes]] = field(default_factory=dict)
    split: set[str] = field(default_factory=set)  # tables being written record by record
    records_written: set[tuple[str, int]] = field(default_factory=set)
    rejected: set[int] = field(default_factory=set)  # offsets sent to the dead letters
    letters: bool = False  # the sink's own dead letters

    def add(self, table: str, offset: int, values: list[list[Any]]) -> None:
        self.rows.setdefault(table, []).extend(values)
        self.owners.setdefault(table, []).extend([offset] * len(values))

    def values(self, table: str, offset: int | None = None) -> list[list[Any]]:
        """Rows of ``table`` (of one record when ``offset`` is given), less rejected records'."""
        return [
            row
            for row, owner in zip(self.rows[table], self.owners[table], strict=True)
            if owner not in self.rejected and (offset is None or owner == offset)
        ]

    def token(self, table: str) -> str:
        """Same batch, same token. The digest of the rows keeps new data at reused offsets (the
        embedded broker restarts its topics at offset 0; chDB keeps its data) from being dropped."""
        return _token(table, [self], self.values(table))

    def where(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offsets[0]}-{self.offsets[-1]}"


def _token(table: str, batches: list[_Batch], values: list[list[Any]]) -> str:
    """The dedup token of an insert of ``values``, the rows of ``table`` from ``batches``."""
    # pickle, not repr: ~40x faster on a batch of segment rows, and this runs on every insert
    # (holding the GIL the agents need); a retry reuses the same row objects, so the same bytes.
    data = pickle.dumps(values, protocol=5)
    digest = hashlib.blake2b(data, digest_size=8).hexdigest()
    return f"{table}:{','.join(b.where() for b in batches)}:{digest}"


@dataclass
class _Group:
    """Batches of one flush written together: one insert per table for all of them. An insert costs
    chDB a fixed ~10-40 ms whatever its size, and a flush of records from every partition of three
    topics made one per topic-partition and table."""

    batches: list[_Batch]
    #: Tables ClickHouse refused as a whole: written batch by batch (then record by record).
    split: set[str] = field(default_factory=set)

    def tables(self) -> list[str]:
        return list(dict.fromkeys(table for batch in self.batches for table in batch.rows))


class ClickHouseSink:
    """Buffers rows per topic-partition and writes them in batches of at most ``max_batch`` records."""

    def __init__(self, client: Client, *, max_batch: int = 500) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be >= 1")
        self.client = client
        self.max_batch = max_batch
        self._open: dict[tuple[str, int], _Batch] = {}
        # Full batches no flush has started on yet.
        self._sealed: list[_Batch] = []
        # Batches a flush has started on, grouped: retried first and unchanged (the same groups of
        # the same batches), so their tokens stay the same.
        self._groups: list[_Group] = []
        # Dead letters of records ClickHouse refused, written as rows: for the caller to publish.
        self._letters: list[dict[str, Any]] = []
        # (tenant, call_id) of calls rows written whose superseded child rows are not retired yet.
        self._written_calls: set[tuple[str, str]] = set()

    def add(
        self,
        table: str,
        row: dict[str, Any],
        *,
        topic: str,
        partition: int,
        offset: int,
        key: bytes | None = None,
        payload: bytes | None = None,
    ) -> None:
        """Buffer one row of the record at ``topic``/``partition``/``offset``.

        Raises ``ValueError`` (unknown table) or ``KeyError`` (missing column) here, not at flush
        time, so the caller can dead-letter the one bad record. ``key`` and ``payload`` (the Kafka
        record) go into its dead letter should ClickHouse refuse the row; without them the dead
        letter carries the refused rows as JSON.
        """
        self.add_rows(
            {table: [row]}, topic=topic, partition=partition, offset=offset, key=key, payload=payload
        )

    def add_rows(
        self,
        rows_by_table: dict[str, list[dict[str, Any]]],
        *,
        topic: str,
        partition: int,
        offset: int,
        key: bytes | None = None,
        payload: bytes | None = None,
    ) -> None:
        """Buffer all rows of one record (e.g. :func:`processors.rows.score_rows` output), all or none."""
        prepared = [(table, [_values(table, row) for row in rows]) for table, rows in rows_by_table.items()]
        batch = self._batch_for(topic, partition, offset)
        for table, values in prepared:
            batch.add(table, offset, values)
        if payload is not None:
            batch.sources[offset] = (key, payload)

    def take_dead_letters(self) -> list[dict[str, Any]]:
        """The dead letters :meth:`flush` wrote as rows since the last call (to publish them on the
        DLQ topic too); each is returned once."""
        letters, self._letters = self._letters, []
        return letters

    def pending(self) -> int:
        """Kafka records buffered and not yet written."""
        started = (b for group in self._groups for b in group.batches)
        return sum(len(b.offsets) for b in (*started, *self._sealed, *self._open.values()))

    def flush(self) -> dict[str, int]:
        """Write every buffered batch; rows written per table.

        On failure the exception propagates and the unwritten batches stay buffered; already
        written tables of a half-written batch are not written again on retry. Records whose rows
        ClickHouse refuses become ``dead_letters`` rows instead (see the module docstring). Child
        rows the written calls superseded are retired last (:meth:`retire_superseded`); should that
        fail, the next flush does it.
        """
        self._sealed.extend(self._open.values())
        self._open.clear()
        self._group_sealed()
        written: dict[str, int] = {}
        while self._groups:
            group = self._groups[0]
            for table in group.tables():
                self._write_group(group, table, written)
            for batch in group.batches:
                if "calls" in batch.rows:
                    self._written_calls.update(
                        (row[_CALL_COLUMNS[0]], row[_CALL_COLUMNS[1]]) for row in batch.values("calls")
                    )
            self._groups.pop(0)
        self.retire_superseded()
        return written

    def retire_superseded(self) -> dict[str, int]:
        """Delete the child rows of older processings of the calls written since the last call,
        where the newest processing has fewer keys; calls retired per table.

        Runs after the write, so a crash in between leaves the old rows to the next processing of
        the call, never a call without rows. Idempotent: a retry finds nothing left to delete.
        """
        calls = sorted(self._written_calls)
        retired: dict[str, int] = {}
        for start in range(0, len(calls), RETIRE_CHUNK):
            chunk = tuple(calls[start : start + RETIRE_CHUNK])
            try:
                self._retire(chunk, retired)
            except DatabaseError as exc:
                if exc.code not in RETIRE_REFUSED_CODES:
                    raise
                metrics.SINK_RETIRED.labels("refused").inc(len(chunk))
                log.error(
                    "sink: ClickHouse refused to delete the superseded child rows of calls processed "
                    "again (grant the sink's user SELECT and ALTER DELETE on call_segments and "
                    "call_criteria); their older processing's extra rows stay in FINAL: %s",
                    exc,
                )
            self._written_calls.difference_update(chunk)
        if retired:
            log.info("sink: retired child rows of earlier processings: %s calls", retired)
        return retired

    def _retire(self, calls: tuple[tuple[str, str], ...], retired: dict[str, int]) -> None:
        """:meth:`retire_superseded` of ``calls``, counting the calls retired per table in ``retired``."""
        older = tuple(sorted(set(self.client.query(_OLDER_SQL, parameters={"calls": calls}).result_rows)))
        done: set[tuple[str, str]] = set()  # calls retired in either table: counted once
        for table, key in CHILD_KEYS.items() if older else ():
            sql = _SUPERSEDED_SQL.format(table=table, key=key)
            stale = self.client.query(sql, parameters={"calls": older}).result_rows
            if stale:
                self._delete_older(table, stale)
                retired[table] = retired.get(table, 0) + len(stale)
                done.update((tenant, call_id) for tenant, call_id, _ in stale)
        metrics.SINK_RETIRED.labels("deleted").inc(len(done))

    def _delete_older(self, table: str, stale: list[tuple[str, str, int]]) -> None:
        """Lightweight ``DELETE`` of ``table``'s rows of each (tenant, call, version) older than it."""
        parameters: dict[str, Any] = {}
        conditions = []
        for i, (tenant, call_id, version) in enumerate(stale):
            parameters.update({f"t{i}": tenant, f"c{i}": call_id, f"v{i}": version})
            conditions.append(f"(tenant = %(t{i})s AND call_id = %(c{i})s AND _version < %(v{i})s)")
        self.client.command(f"DELETE FROM {table} WHERE {' OR '.join(conditions)}", parameters=parameters)

    def _group_sealed(self) -> None:
        """Group the sealed batches, in order, into groups of at most ``max_batch`` records (a batch
        holds at most that many: it is never split)."""
        group: _Group | None = None
        size = 0
        for batch in self._sealed:
            if group is None or size + len(batch.offsets) > self.max_batch:
                group = _Group([])
                self._groups.append(group)
                size = 0
            group.batches.append(batch)
            size += len(batch.offsets)
        self._sealed.clear()

    def _write_group(self, group: _Group, table: str, written: dict[str, int]) -> None:
        """Insert the rows of ``table`` of the group's batches not written yet, as one insert; when
        ClickHouse refuses it for the data, batch by batch (:meth:`_write`)."""
        batches = [b for b in group.batches if table in b.rows and table not in b.written]
        if len(batches) > 1 and table not in group.split:
            values = [row for batch in batches for row in batch.values(table)]
            try:
                if values:
                    self._insert(table, values, _token(table, batches, values))
            except Exception as exc:
                if any(b.letters for b in batches) or not rejects_data(exc):
                    raise
                log.warning(
                    "ClickHouse refused a %s insert of %d batches, retrying it batch by batch: %s",
                    table,
                    len(batches),
                    exc,
                )
                group.split.add(table)
            else:
                if values:
                    written[table] = written.get(table, 0) + len(values)
                for batch in batches:
                    batch.written.add(table)
                return
        for batch in batches:
            self._write(batch, table, written)
            batch.written.add(table)

    def _write(self, batch: _Batch, table: str, written: dict[str, int]) -> None:
        """Insert ``batch``'s rows of ``table``; on a data refusal, record by record."""
        if table not in batch.split:
            values = batch.values(table)
            if not values:
                return
            try:
                self._insert(table, values, batch.token(table))
            except Exception as exc:
                # The sink's own dead letters are plain values: a refusal there is a schema
                # problem, retried like an outage rather than dead-lettered again.
                if batch.letters or not rejects_data(exc):
                    raise
                log.warning("ClickHouse refused a %s batch, retrying it record by record: %s", table, exc)
                batch.split.add(table)
            else:
                written[table] = written.get(table, 0) + len(values)
                return
        for offset in batch.offsets:
            values = batch.values(table, offset)
            if not values or (table, offset) in batch.records_written:
                continue
            single = _Batch(batch.topic, batch.partition, [offset])
            single.add(table, offset, values)
            try:
                self._insert(table, values, single.token(table))
            except Exception as exc:
                if not rejects_data(exc):
                    raise
                self._reject(batch, table, offset, exc)
            else:
                batch.records_written.add((table, offset))
                written[table] = written.get(table, 0) + len(values)

    def _insert(self, table: str, values: list[list[Any]], token: str) -> None:
        self.client.insert(
            table,
            values,
            column_names=TABLE_COLUMNS[table],
            settings={"insert_deduplication_token": token},
        )

    def _reject(self, batch: _Batch, table: str, offset: int, exc: Exception) -> None:
        """Dead-letter the record at ``offset``: its rows not yet written are dropped (tables
        already written keep theirs) and a ``dead_letters`` row, written next, says why."""
        key, payload = batch.sources.get(offset, (None, None))
        refused = {
            name: [dict(zip(TABLE_COLUMNS[name], row, strict=True)) for row in values]
            for name in batch.rows
            if (values := batch.values(name, offset))
        }
        if payload is None:
            payload = json.dumps(refused, default=str).encode()
        tenant = next((r["tenant"] for rows in refused.values() for r in rows if r.get("tenant")), None)
        batch.rejected.add(offset)
        letter = dead_letter(
            "sink",
            topic=batch.topic,
            partition=batch.partition,
            offset=offset,
            key=key,
            payload=payload,
            error=exc,
            attempts=1,
            tenant=tenant if isinstance(tenant, str) else None,
        )
        letter["error_message"] = f"ClickHouse refused the {table} rows: {letter['error_message']}"
        metrics.RECORDS_FAILED.labels("sink", letter["error_class"]).inc()
        log.error(
            "sink: %s/%s/%s refused by ClickHouse, dead-lettered: %s",
            batch.topic,
            batch.partition,
            offset,
            exc,
        )
        row = dead_letter_row(letter, row_version(letter["failed_at"]))
        self._letters.append(letter)
        letters = _Batch(batch.topic, batch.partition, letters=True)
        letters.offsets.append(offset)
        letters.add("dead_letters", offset, [_values("dead_letters", row)])
        # Right after the current group, so this flush writes it before offsets can commit.
        self._groups.insert(1, _Group([letters]))

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


#: A row's values in insert column order, per table (itemgetter: one C call for the whole row).
_COLUMN_GETTERS: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    table: operator.itemgetter(*columns) if len(columns) > 1 else (lambda row, c=columns[0]: (row[c],))
    for table, columns in TABLE_COLUMNS.items()
}


def _values(table: str, row: dict[str, Any]) -> list[Any]:
    """The row as a list in insert column order."""
    getter = _COLUMN_GETTERS.get(table)
    if getter is None:
        raise ValueError(f"unknown table {table!r}; known: {', '.join(TABLE_COLUMNS)}")
    return list(getter(row))
