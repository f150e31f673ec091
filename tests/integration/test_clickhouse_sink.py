"""ClickHouse DDL, migrations and the idempotent sink against a real engine (chDB)."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest
from clickhouse_connect.driver.exceptions import DatabaseError

from processors.rows import alert_row, dead_letter_row, score_rows
from streams.clickhouse import DDL_DIR, ClickHouseUnavailable, connect, migrate, query, split_statements
from streams.sink import ClickHouseSink
from tests.factories import RAW_NUMBER, make_alert, make_call_score, make_dead_letter

pytestmark = pytest.mark.integration

TABLES = {"calls", "call_segments", "call_criteria", "alerts", "dead_letters", "schema_migrations"}
TOPIC = "calls.scored"


def count(client, sql: str) -> int:
    return query(client, sql)[1][0][0]


def add_calls(sink: ClickHouseSink, call_ids: list[str], *, first_offset: int = 0, version: int = 1) -> None:
    for offset, call_id in enumerate(call_ids, start=first_offset):
        sink.add_rows(score_rows(make_call_score(call_id), version), topic=TOPIC, partition=0, offset=offset)


def test_migrate_is_idempotent_and_creates_all_tables(isolated_chdb):
    assert migrate(isolated_chdb) == []  # the fixture already applied everything
    names = {
        row[0]
        for row in query(isolated_chdb, "SELECT name FROM system.tables WHERE database = currentDatabase()")[
            1
        ]
    }
    assert names >= TABLES
    assert count(isolated_chdb, "SELECT count() FROM schema_migrations") == len(list(DDL_DIR.glob("*.sql")))


def test_migrate_applies_new_files_only(isolated_chdb, tmp_path):
    (tmp_path / "001_a.sql").write_text("-- first\nCREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = Memory;\n")
    (tmp_path / "002_b.sql").write_text(
        "CREATE TABLE IF NOT EXISTS b (x UInt8) ENGINE = Memory;\n"
        "CREATE TABLE IF NOT EXISTS c (x UInt8)\nENGINE = Memory\n;\n-- trailing comment\n"
    )
    client = isolated_chdb
    client.command("TRUNCATE TABLE schema_migrations")
    assert migrate(client, tmp_path) == ["001_a.sql", "002_b.sql"]
    assert migrate(client, tmp_path) == []
    (tmp_path / "003_d.sql").write_text("CREATE TABLE IF NOT EXISTS d (x UInt8) ENGINE = Memory;")
    assert migrate(client, tmp_path) == ["003_d.sql"]
    assert (
        count(
            client,
            "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name IN ('b','c','d')",
        )
        == 3
    )


def test_migrate_without_files_fails_loudly(isolated_chdb, tmp_path):
    with pytest.raises(FileNotFoundError, match="migration"):
        migrate(isolated_chdb, tmp_path)


def test_ddl_files_are_idempotent_statements():
    for path in sorted(DDL_DIR.glob("*.sql")):
        for statement in split_statements(path.read_text()):
            upper = statement.upper()
            assert "IF NOT EXISTS" in upper or "CREATE OR REPLACE" in upper, f"{path.name}: {statement[:60]}"


def test_sink_writes_all_tables(isolated_chdb):
    sink = ClickHouseSink(isolated_chdb)
    add_calls(sink, ["c-1", "c-2"])
    sink.add("alerts", alert_row(make_alert("c-1"), 1), topic="calls.alerts", partition=1, offset=7)
    sink.add(
        "dead_letters", dead_letter_row(make_dead_letter(3), 1), topic="calls.dlq", partition=0, offset=3
    )
    assert sink.pending() == 4

    assert sink.flush() == {
        "calls": 2,
        "call_segments": 10,
        "call_criteria": 6,
        "alerts": 1,
        "dead_letters": 1,
    }
    assert sink.pending() == 0
    assert sink.flush() == {}

    cols, rows = query(
        isolated_chdb,
        "SELECT call_id, tenant, segments_kept, dropped, toString(started_at), "
        "customer_number_hash IS NOT NULL FROM calls FINAL ORDER BY call_id",
    )
    assert cols[0] == "call_id"
    assert rows == [
        ("c-1", "acme", 4, {"filler": 1, "past_end": 1}, "2025-03-14 09:30:00.250", 1),
        ("c-2", "acme", 4, {"filler": 1, "past_end": 1}, "2025-03-14 09:30:00.250", 1),
    ]
    assert count(isolated_chdb, "SELECT count() FROM dead_letters WHERE payload = '\\xC3\\x01not-avro'") == 1


def test_replayed_offsets_do_not_duplicate(isolated_chdb):
    client = isolated_chdb
    sink = ClickHouseSink(client)
    add_calls(sink, ["c-1", "c-2", "c-3"], version=1)
    sink.flush()

    # An identical retried batch (same offsets, same rows): the server drops it by its dedup token.
    add_calls(sink, ["c-1", "c-2", "c-3"], version=1)
    assert sink.flush() == {"calls": 3, "call_segments": 15, "call_criteria": 9}
    assert count(client, "SELECT count() FROM calls") == 3
    assert count(client, "SELECT count() FROM call_segments") == 15

    # A replay after a restart: different batch boundaries and a newer version; FINAL collapses it.
    add_calls(sink, ["c-2", "c-3"], first_offset=1, version=2)
    sink.flush()
    assert count(client, "SELECT count() FROM calls FINAL") == 3
    assert count(client, "SELECT count() FROM call_segments FINAL") == 15
    assert count(client, "SELECT count() FROM call_criteria FINAL") == 9
    assert query(client, "SELECT call_id, _version FROM calls FINAL ORDER BY call_id")[1] == [
        ("c-1", 1),
        ("c-2", 2),
        ("c-3", 2),
    ]


class RecordingClient:
    """Passes inserts through to the real client and remembers them."""

    def __init__(self, client) -> None:
        self.client = client
        self.inserts: list[tuple[str, int, str]] = []

    def __getattr__(self, name):  # query, command: straight to the real client
        return getattr(self.client, name)

    def insert(self, table, data, *, column_names, settings):
        self.inserts.append((table, len(data), settings["insert_deduplication_token"]))
        return self.client.insert(table, data, column_names=column_names, settings=settings)


def test_batches_are_bounded_by_max_batch_and_tokens_name_offsets(isolated_chdb):
    recorder = RecordingClient(isolated_chdb)
    sink = ClickHouseSink(recorder, max_batch=2)
    add_calls(sink, ["c-1", "c-2", "c-3", "c-4", "c-5"], first_offset=10)
    assert sink.pending() == 5
    assert sink.flush()["calls"] == 5
    calls = [(table, n, token.rsplit(":", 1)[0]) for table, n, token in recorder.inserts if table == "calls"]
    assert calls == [
        ("calls", 2, "calls:calls.scored:0:10-11"),
        ("calls", 2, "calls:calls.scored:0:12-13"),
        ("calls", 1, "calls:calls.scored:0:14-14"),
    ]
    assert count(isolated_chdb, "SELECT count() FROM calls") == 5


def test_failed_flush_keeps_the_buffer_and_retries(isolated_chdb, chdb_client):
    client = isolated_chdb
    database = query(client, "SELECT currentDatabase()")[1][0][0]
    sink = ClickHouseSink(client)
    add_calls(sink, ["c-1", "c-2"])
    chdb_client.command(f"DROP TABLE {database}.call_segments SYNC")

    with pytest.raises(Exception, match="call_segments"):
        sink.flush()
    assert sink.pending() == 2
    add_calls(sink, ["c-3"], first_offset=2)  # arrives while ClickHouse is broken
    assert sink.pending() == 3

    chdb_client.command(f"TRUNCATE TABLE {database}.schema_migrations")
    migrate(client)  # recreates call_segments
    written = sink.flush()
    # calls of c-1/c-2 went in before the failure and are not written again
    assert written == {"call_segments": 15, "call_criteria": 9, "calls": 1}
    assert sink.pending() == 0
    assert count(client, "SELECT count() FROM calls") == 3
    assert count(client, "SELECT count() FROM call_segments") == 15


class LostReplyClient(RecordingClient):
    """The first insert reaches the server but the client sees an error (a lost reply)."""

    def insert(self, table, data, *, column_names, settings):
        result = super().insert(table, data, column_names=column_names, settings=settings)
        if len(self.inserts) == 1:
            raise ConnectionResetError("reply lost")
        return result


def test_insert_retried_after_a_lost_reply_is_deduplicated_by_token(isolated_chdb):
    client = LostReplyClient(isolated_chdb)
    sink = ClickHouseSink(client)
    add_calls(sink, ["c-1", "c-2"])
    with pytest.raises(ConnectionResetError):
        sink.flush()
    assert sink.pending() == 2
    assert sink.flush() == {"calls": 2, "call_segments": 10, "call_criteria": 6}
    assert client.inserts[0] == client.inserts[1]  # the same batch, the same token
    assert count(isolated_chdb, "SELECT count() FROM calls") == 2  # without FINAL


def test_new_calls_at_reused_offsets_are_not_dropped(isolated_chdb):
    """The embedded broker loses its topics on restart and numbers offsets from 0 again."""
    sink = ClickHouseSink(isolated_chdb)
    add_calls(sink, ["c-1", "c-2"])
    sink.flush()
    add_calls(sink, ["c-8", "c-9"])  # same topic, partition and offsets
    sink.flush()
    assert query(isolated_chdb, "SELECT call_id FROM calls FINAL ORDER BY call_id")[1] == [
        ("c-1",),
        ("c-2",),
        ("c-8",),
        ("c-9",),
    ]


def test_add_rejects_bad_rows_up_front(isolated_chdb):
    sink = ClickHouseSink(isolated_chdb)
    with pytest.raises(ValueError, match="unknown table"):
        sink.add("nope", {}, topic=TOPIC, partition=0, offset=0)
    rows = score_rows(make_call_score("c-1"), 1)
    del rows["call_criteria"][0]["title"]
    with pytest.raises(KeyError):
        sink.add_rows(rows, topic=TOPIC, partition=0, offset=0)
    assert sink.pending() == 0


def processed_again(call_id: str) -> dict:
    """``call_id`` scored again: two of its five segments and another scorecard's criteria."""
    score = make_call_score(call_id)
    transcript = score["compressed"]["filtered"]["transcript"]
    transcript["segments"] = transcript["segments"][:2]
    first = dict(score["criteria"][0])
    score["criteria"] = [first, {**first, "id": "closing", "title": "Agent closed the call"}]
    return score


def child_rows(client, call_id: str) -> tuple[list, list]:
    segments = query(client, f"SELECT idx, _version FROM call_segments FINAL WHERE call_id = '{call_id}'")
    criteria = query(
        client, f"SELECT criterion_id, _version FROM call_criteria FINAL WHERE call_id = '{call_id}'"
    )
    return sorted(segments[1]), sorted(criteria[1])


class StatementClient(RecordingClient):
    """Also remembers DDL/DML statements (``DELETE``) and can fail the first ``fail`` of them."""

    def __init__(self, client, fail: int = 0) -> None:
        super().__init__(client)
        self.commands: list[str] = []
        self.fail = fail

    def command(self, sql, *args, **kwargs):
        self.commands.append(sql)
        if self.fail:
            self.fail -= 1
            raise ConnectionResetError("server went away")
        return self.client.command(sql, *args, **kwargs)


def test_a_call_processed_again_keeps_only_its_newest_child_rows(isolated_chdb):
    """Segments past the new last idx and criteria the new scorecard lacks were left in FINAL."""
    client = StatementClient(isolated_chdb)
    sink = ClickHouseSink(client)
    add_calls(sink, ["c-1", "c-2"], version=1)
    sink.flush()
    assert client.commands == []  # a first processing deletes nothing
    assert len(child_rows(isolated_chdb, "c-1")[0]) == 5

    sink.add_rows(score_rows(processed_again("c-1"), 2), topic=TOPIC, partition=0, offset=2)
    sink.flush()
    assert child_rows(isolated_chdb, "c-1") == ([(0, 2), (1, 2)], [("closing", 2), ("greeting", 2)])
    assert [sql.split(" WHERE")[0] for sql in client.commands] == [
        "DELETE FROM call_segments",
        "DELETE FROM call_criteria",
    ]
    assert len(child_rows(isolated_chdb, "c-2")[0]) == 5  # other calls keep theirs
    assert len(child_rows(isolated_chdb, "c-2")[1]) == 3

    # The first processing replayed after the second (at-least-once): the newest still wins whole.
    add_calls(sink, ["c-1"], version=1)
    sink.flush()
    assert query(isolated_chdb, "SELECT _version FROM calls FINAL WHERE call_id = 'c-1'")[1] == [(2,)]
    assert child_rows(isolated_chdb, "c-1") == ([(0, 2), (1, 2)], [("closing", 2), ("greeting", 2)])

    # The same call processed again with the same keys: FINAL replaces them, nothing to delete.
    before = len(client.commands)
    sink.add_rows(score_rows(processed_again("c-1"), 3), topic=TOPIC, partition=0, offset=3)
    sink.flush()
    assert len(client.commands) == before
    assert child_rows(isolated_chdb, "c-1") == ([(0, 3), (1, 3)], [("closing", 3), ("greeting", 3)])


def test_a_processing_on_a_clock_ahead_does_not_hide_the_next_one(isolated_chdb, caplog):
    """The version is the record's time from the worker that scored it: a score host 2 h ahead wrote
    a version the corrected call sent again could not beat, and the sink deleted the corrected
    call's segments as older (chaos review). Versions never run ahead of the sink's clock."""
    from datetime import UTC, datetime, timedelta

    from streams.sink import row_version

    client = StatementClient(isolated_chdb)
    sink = ClickHouseSink(client)
    now = datetime.now(UTC)
    skewed = processed_again("c-skew")  # two segments, from a host whose clock is 2 h ahead
    skewed["scored_at"] = now + timedelta(hours=2)
    with caplog.at_level(logging.WARNING, logger="streams.sink"):
        first = row_version(skewed["scored_at"], now.timestamp())
    assert "ahead of this sink's clock" in caplog.text
    sink.add_rows(score_rows(skewed, first), topic=TOPIC, partition=0, offset=0)
    sink.flush()
    corrected = make_call_score("c-skew")  # sent again a minute later from a host with the right time
    corrected["scored_at"] = now + timedelta(minutes=1)
    second = row_version(corrected["scored_at"], (now + timedelta(minutes=1, seconds=2)).timestamp())
    sink.add_rows(score_rows(corrected, second), topic=TOPIC, partition=0, offset=1)
    sink.flush()
    assert second > first
    segments, _ = child_rows(isolated_chdb, "c-skew")
    assert len(segments) == 5 and {v for _, v in segments} == {second}  # the corrected call's own
    assert query(isolated_chdb, "SELECT _version FROM calls FINAL WHERE call_id = 'c-skew'")[1] == [(second,)]
    far = datetime(9999, 12, 31, tzinfo=UTC)  # no longer pins a call for good
    assert row_version(far, now.timestamp()) == int(now.timestamp() * 1000)


def test_a_failed_retirement_is_done_by_the_next_flush(isolated_chdb):
    client = StatementClient(isolated_chdb, fail=1)
    sink = ClickHouseSink(client)
    add_calls(sink, ["c-1"], version=1)
    sink.flush()
    sink.add_rows(score_rows(processed_again("c-1"), 2), topic=TOPIC, partition=0, offset=1)
    with pytest.raises(ConnectionResetError):
        sink.flush()
    assert sink.pending() == 0  # the rows are written; only the retirement is owed
    assert len(child_rows(isolated_chdb, "c-1")[0]) == 5
    assert sink.flush() == {}
    assert child_rows(isolated_chdb, "c-1") == ([(0, 2), (1, 2)], [("closing", 2), ("greeting", 2)])


def test_a_call_processed_again_into_silence_loses_its_old_segments_after_merges(isolated_chdb):
    """No new segments, and the criteria merged to the new version before the retirement ran: the
    call's child rows no longer showed two versions side by side, but they are older than the call."""
    client = StatementClient(isolated_chdb, fail=1)
    sink = ClickHouseSink(client)
    add_calls(sink, ["c-1"], version=1)
    sink.flush()
    silent = make_call_score("c-1")  # the same criteria, no segments
    silent["compressed"]["filtered"]["transcript"]["segments"] = []
    sink.add_rows(score_rows(silent, 2), topic=TOPIC, partition=0, offset=1)
    with pytest.raises(ConnectionResetError):
        sink.flush()  # the DELETE fails; the next flush owes it
    isolated_chdb.command("OPTIMIZE TABLE call_criteria FINAL")
    sink.flush()
    segments, criteria = child_rows(isolated_chdb, "c-1")
    assert segments == [] and len(criteria) == 3 and {version for _, version in criteria} == {2}


def test_a_refused_retirement_is_logged_not_retried_forever(isolated_chdb, caplog):
    """A sink user without ALTER DELETE must not stall every flush on one call processed again."""

    class NoDelete(StatementClient):
        def command(self, sql, *args, **kwargs):
            self.commands.append(sql)
            raise DatabaseError("Code: 497. DB::Exception: Not enough privileges. (ACCESS_DENIED)", code=497)

    client = NoDelete(isolated_chdb)
    sink = ClickHouseSink(client)
    add_calls(sink, ["c-1"], version=1)
    sink.flush()
    sink.add_rows(score_rows(processed_again("c-1"), 2), topic=TOPIC, partition=0, offset=1)
    with caplog.at_level(logging.ERROR, logger="streams.sink"):
        assert sink.flush() == {"calls": 1, "call_segments": 2, "call_criteria": 2}
    assert "ALTER DELETE" in caplog.text
    assert sink.flush() == {} and len(client.commands) == 1  # not tried again
    assert len(child_rows(isolated_chdb, "c-1")[0]) == 5  # the older rows stay, as logged


def test_the_demo_counts_a_call_s_criteria_under_its_own_tenant(isolated_chdb):
    """An event's tenant corrected: the call id has rows under both tenants; the demo printed 14/14."""
    from streams.demo import RESULT_SQL

    sink = ClickHouseSink(isolated_chdb)
    sink.add_rows(score_rows(make_call_score("c-1", tenant="old"), 1), topic=TOPIC, partition=0, offset=0)
    sink.add_rows(score_rows(make_call_score("c-1", tenant="new"), 2), topic=TOPIC, partition=0, offset=1)
    sink.flush()
    rows = query(isolated_chdb, RESULT_SQL.replace("%(ids)s", "['c-1']").replace("%(since)s", "2"))[1]
    assert [(row[0], row[9], row[10], row[-1]) for row in rows] == [("c-1", 2, 3, 2)]


def test_the_demo_lists_this_run_s_alerts_of_a_call_most_severe_first(isolated_chdb):
    from streams.demo import RESULT_SQL, alerts_cell

    sink = ClickHouseSink(isolated_chdb)
    sink.add_rows(score_rows(make_call_score("c-1", tenant="acme"), 5), topic=TOPIC, partition=0, offset=0)
    raised = [
        dict(make_alert("c-1", rule="low_total"), severity="warning"),
        dict(make_alert("c-1", rule="legal_threat"), severity="critical"),
        dict(make_alert("c-1", rule="cancellation_risk"), severity="warning"),
    ]
    for offset, alert in enumerate(raised):
        sink.add("alerts", alert_row(alert, 5), topic="calls.alerts", partition=0, offset=offset)
    earlier = make_alert("c-1", rule="sale_without_price")  # an earlier run's: not this run's alert
    sink.add("alerts", alert_row(earlier, 1), topic="calls.alerts", partition=0, offset=9)
    other = make_alert("c-1", tenant="other", rule="escalation_request")  # another tenant's call c-1
    sink.add("alerts", alert_row(other, 5), topic="calls.alerts", partition=0, offset=10)
    sink.flush()
    sql = RESULT_SQL.replace("%(ids)s", "['c-1']").replace("%(since)s", "2")
    [row] = query(isolated_chdb, sql)[1]
    assert alerts_cell(row[11]) == "critical: legal_threat; warning: cancellation_risk, low_total"
    assert alerts_cell([]) == "-"


def test_raw_customer_number_is_never_stored(isolated_chdb):
    sink = ClickHouseSink(isolated_chdb)
    add_calls(sink, ["c-1"])
    sink.flush()
    digits = "".join(ch for ch in RAW_NUMBER if ch.isdigit())
    for table in ("calls", "call_segments", "call_criteria"):
        dump = repr(query(isolated_chdb, f"SELECT * FROM {table}")[1])
        assert RAW_NUMBER not in dump and digits not in dump, table


def test_different_dead_letters_at_one_offset_stay_apart(isolated_chdb):
    """`import`/`connect` report failures with offset 0, and a restarted embedded broker reuses
    offsets: different calls' failures (or, without a call id, different payloads) are different
    letters; the same letter again is one row."""
    sink = ClickHouseSink(isolated_chdb)
    said = ((b"first call", "c-1"), (b"second call", "c-2"), (b"first call", "c-1"))
    letters = [{**make_dead_letter(0, payload=p), "call_id": c} for p, c in said]
    letters += [{**make_dead_letter(0, payload=p), "call_id": None} for p in (b"no id", b"no id either")]
    for dlq_offset, letter in enumerate(letters):
        sink.add(
            "dead_letters",
            dead_letter_row(letter, dlq_offset + 1),
            topic="calls.dlq",
            partition=0,
            offset=dlq_offset,
        )
    sink.flush()
    rows = query(isolated_chdb, "SELECT payload, _version FROM dead_letters FINAL ORDER BY payload")[1]
    assert rows == [("first call", 3), ("no id", 4), ("no id either", 5), ("second call", 2)]


def test_connect_caches_one_client_per_dsn(chdb_dsn, chdb_client):
    assert connect(chdb_dsn) is chdb_client


def test_second_process_gets_a_clear_error(chdb_dsn, chdb_client):
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(DDL_DIR.parents[1])!r})
        from streams.clickhouse import ClickHouseUnavailable, connect
        try:
            connect({chdb_dsn!r})
        except ClickHouseUnavailable as exc:
            print(exc)
            sys.exit(3)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 3, result.stderr
    assert "another process" in result.stdout


def test_unreachable_server_is_a_clear_error():
    with pytest.raises(ClickHouseUnavailable, match="unreachable"):
        connect("http://127.0.0.1:9/")


def test_the_client_resolves_pandas_at_open_not_on_the_first_insert(tmp_path):
    """clickhouse-connect imports pandas lazily on the first insert (~0.4 s on the sink's first flush)."""
    script = textwrap.dedent(
        f"""
        import clickhouse_connect.driver.options as options
        from streams.clickhouse import connect
        assert "pd" not in vars(options)
        connect("chdb://{tmp_path / "ch"}")
        assert "pd" in vars(options)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
