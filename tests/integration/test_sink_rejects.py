"""A row the real engine (chDB) refuses becomes a dead letter; the rest of its batch lands."""

from __future__ import annotations

import json

import pytest

from processors.rows import score_rows
from streams.clickhouse import query
from streams.sink import ClickHouseSink
from tests.factories import make_call_score

pytestmark = pytest.mark.integration

TOPIC = "calls.scored"


def add_calls(sink: ClickHouseSink, call_ids: list[str], bad: dict[str, tuple[str, str, object]]) -> None:
    """Scored calls at offsets 0.., where ``bad[call_id] = (table, column, value)`` spoils one row."""
    for offset, call_id in enumerate(call_ids):
        rows = score_rows(make_call_score(call_id), 1)
        if call_id in bad:
            table, column, value = bad[call_id]
            rows[table][0][column] = value
        sink.add_rows(
            rows,
            topic=TOPIC,
            partition=0,
            offset=offset,
            key=call_id.encode(),
            payload=b"avro-" + call_id.encode(),
        )


def rows(client, sql: str) -> list[tuple]:
    return query(client, sql)[1]


def test_client_side_refusal_is_dead_lettered_once(isolated_chdb):
    """clickhouse-connect cannot serialize 300 into the UInt8 ``channel``: the one record goes."""
    sink = ClickHouseSink(isolated_chdb)
    add_calls(sink, ["c-1", "c-2", "c-3"], {"c-2": ("call_segments", "channel", 300)})
    written = sink.flush()  # returns: nothing is retried forever
    assert sink.pending() == 0
    assert written["dead_letters"] == 1
    assert rows(isolated_chdb, "SELECT call_id FROM calls ORDER BY call_id") == [("c-1",), ("c-2",), ("c-3",)]
    # c-2's segments (the refused table) and its later tables are not written; the others are whole.
    assert rows(isolated_chdb, "SELECT DISTINCT call_id FROM call_segments ORDER BY call_id") == [
        ("c-1",),
        ("c-3",),
    ]
    assert rows(isolated_chdb, "SELECT DISTINCT call_id FROM call_criteria ORDER BY call_id") == [
        ("c-1",),
        ("c-3",),
    ]
    letters = rows(
        isolated_chdb,
        "SELECT stage, topic, partition, offset, key, payload, error_class, error_message, tenant "
        "FROM dead_letters",
    )
    assert len(letters) == 1
    stage, topic, partition, offset, key, payload, error_class, message, tenant = letters[0]
    assert (stage, topic, partition, offset, key, payload) == ("sink", TOPIC, 0, 1, "c-2", "avro-c-2")
    assert tenant == "acme"  # the refused rows' tenant
    assert error_class == "DataError"
    assert message.startswith("ClickHouse refused the call_segments rows:") and "channel" in message
    assert sink.flush() == {}


def test_server_side_refusal_is_dead_lettered(isolated_chdb):
    """The engine itself refuses a row (a CHECK constraint, code 469), rows built without payload."""
    client = isolated_chdb
    client.command("ALTER TABLE calls ADD CONSTRAINT known_tenant CHECK tenant != 'evil'")
    sink = ClickHouseSink(client)
    for offset, call_id in enumerate(["c-1", "c-2", "c-3"]):
        rows_ = score_rows(make_call_score(call_id), 1)
        if call_id == "c-3":
            rows_["calls"][0]["tenant"] = "evil"
        sink.add_rows(rows_, topic=TOPIC, partition=2, offset=10 + offset)
    sink.flush()
    assert rows(client, "SELECT call_id FROM calls ORDER BY call_id") == [("c-1",), ("c-2",)]
    ((offset, error_class, message, payload),) = rows(
        client, "SELECT offset, error_class, error_message, payload FROM dead_letters"
    )
    assert (offset, error_class) == (12, "DatabaseError")
    assert "VIOLATED_CONSTRAINT" in message
    # Without the Kafka payload the dead letter keeps the refused rows, readable.
    refused = json.loads(payload)
    assert refused["calls"][0]["tenant"] == "evil" and refused["calls"][0]["call_id"] == "c-3"
