"""A flush writes the records of every topic-partition it holds with one insert per table (chDB
pays a fixed cost per insert), and keeps the per-batch guarantees: the same rows retried give the
same dedup token, and a refused record is dead-lettered alone."""

from __future__ import annotations

import pytest

from processors.rows import alert_row, score_rows
from streams.clickhouse import query
from streams.sink import ClickHouseSink
from tests.factories import make_alert, make_call_score

pytestmark = pytest.mark.integration

SCORED = "calls.scored"
ALERTS = "calls.alerts"


class RecordingClient:
    """Passes inserts through to the real client and remembers (table, rows, token)."""

    def __init__(self, client, lose_reply_of: int | None = None) -> None:
        self.client = client
        self.inserts: list[tuple[str, int, str]] = []
        self.lose_reply_of = lose_reply_of

    def __getattr__(self, name):  # query, command: straight to the real client
        return getattr(self.client, name)

    def insert(self, table, data, *, column_names, settings):
        self.inserts.append((table, len(data), settings["insert_deduplication_token"]))
        result = self.client.insert(table, data, column_names=column_names, settings=settings)
        if len(self.inserts) == self.lose_reply_of:
            raise ConnectionResetError("reply lost")
        return result


def add_scores(sink: ClickHouseSink, spread: dict[int, list[str]], bad: str | None = None) -> None:
    """Scored calls by partition (offsets from 0 in each); ``bad``'s segment channel cannot be sent."""
    for partition, call_ids in spread.items():
        for offset, call_id in enumerate(call_ids):
            rows = score_rows(make_call_score(call_id), 1)
            if call_id == bad:
                rows["call_segments"][0]["channel"] = 300  # not a UInt8
            sink.add_rows(
                rows, topic=SCORED, partition=partition, offset=offset, key=call_id.encode(), payload=b"x"
            )


def rows(client, sql: str) -> list[tuple]:
    return query(client, sql)[1]


def test_one_insert_per_table_for_all_partitions_and_topics(isolated_chdb):
    client = RecordingClient(isolated_chdb)
    sink = ClickHouseSink(client)
    add_scores(sink, {0: ["c-1", "c-2"], 3: ["c-3"]})
    alert = make_alert(call_id="c-1")
    sink.add("alerts", alert_row(alert, 1), topic=ALERTS, partition=1, offset=7)
    assert sink.flush() == {"calls": 3, "call_segments": 15, "call_criteria": 9, "alerts": 1}
    assert [(table, n) for table, n, _ in client.inserts] == [
        ("calls", 3),
        ("call_segments", 15),
        ("call_criteria", 9),
        ("alerts", 1),
    ]
    tokens = {table: token.rsplit(":", 1)[0] for table, _, token in client.inserts}
    assert tokens["calls"] == "calls:calls.scored:0:0-1,calls.scored:3:0-0"
    assert tokens["alerts"] == "alerts:calls.alerts:1:7-7"  # one batch: the token as before
    assert rows(isolated_chdb, "SELECT call_id FROM calls ORDER BY call_id") == [("c-1",), ("c-2",), ("c-3",)]


def test_a_group_retried_after_a_lost_reply_has_the_same_token(isolated_chdb):
    client = RecordingClient(isolated_chdb, lose_reply_of=1)
    sink = ClickHouseSink(client)
    add_scores(sink, {0: ["c-1"], 1: ["c-2"]})
    with pytest.raises(ConnectionResetError):
        sink.flush()
    add_scores(sink, {2: ["c-3"]})  # arrives meanwhile: a group of its own, after the retried one
    assert sink.pending() == 3
    assert sink.flush() == {"calls": 3, "call_segments": 15, "call_criteria": 9}
    assert client.inserts[0] == client.inserts[1]  # the same rows, the same token: the server drops it
    assert [n for table, n, _ in client.inserts if table == "calls"] == [2, 2, 1]
    assert rows(isolated_chdb, "SELECT count() FROM calls") == [(3,)]  # without FINAL


def test_groups_hold_at_most_max_batch_records(isolated_chdb):
    client = RecordingClient(isolated_chdb)
    sink = ClickHouseSink(client, max_batch=3)
    add_scores(sink, {0: ["c-1", "c-2"], 1: ["c-3", "c-4"], 2: ["c-5"]})
    assert sink.flush()["calls"] == 5
    calls = [(n, token.rsplit(":", 1)[0]) for table, n, token in client.inserts if table == "calls"]
    assert calls == [
        (2, "calls:calls.scored:0:0-1"),
        (3, "calls:calls.scored:1:0-1,calls.scored:2:0-0"),
    ]


def test_a_refused_record_in_a_group_is_dead_lettered_alone(isolated_chdb):
    sink = ClickHouseSink(isolated_chdb)
    add_scores(sink, {0: ["c-1", "c-2"], 1: ["c-3"], 2: ["c-4"]}, bad="c-3")
    written = sink.flush()
    assert written["dead_letters"] == 1 and written["calls"] == 4 and written["call_segments"] == 15
    assert sink.flush() == {}
    segments = rows(isolated_chdb, "SELECT DISTINCT call_id FROM call_segments ORDER BY call_id")
    assert segments == [("c-1",), ("c-2",), ("c-4",)]
    criteria = rows(isolated_chdb, "SELECT DISTINCT call_id FROM call_criteria ORDER BY call_id")
    assert criteria == [("c-1",), ("c-2",), ("c-4",)]
    assert rows(isolated_chdb, "SELECT topic, partition, offset, key FROM dead_letters") == [
        (SCORED, 1, 0, "c-3")
    ]
