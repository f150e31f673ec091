"""`callstream query` prints rows as they arrive: JSON lines one by one, the table after its first
TABLE_SAMPLE_ROWS rows (which set the widths); a statement chDB cannot stream still runs."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any, ClassVar

import pytest
from clickhouse_connect.driver.exceptions import DatabaseError, StreamFailureError

import streams.clickhouse
from streams.cli import TABLE_SAMPLE_ROWS, main
from streams.clickhouse import stream_query
from streams.table import print_table

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env


class Lines(io.StringIO):
    """Standard output that counts finished lines without keeping them."""

    def __init__(self) -> None:
        super().__init__()
        self.lines = 0
        self.first: list[str] = []

    def write(self, text: str) -> int:
        if len(self.first) < 3:
            self.first.append(text)
        self.lines += text.count("\n")
        return len(text)


class FakeClient:
    server_settings: ClassVar[dict[str, Any]] = {}


def serve_rows(monkeypatch: pytest.MonkeyPatch, rows: Iterator[tuple[Any, ...]]) -> None:
    """`callstream query` reads ``rows`` instead of a ClickHouse result."""
    monkeypatch.setattr(streams.clickhouse, "connect", lambda dsn: FakeClient())
    monkeypatch.setattr(streams.clickhouse, "migrate", lambda client: [])
    monkeypatch.setattr(
        streams.clickhouse, "stream_query", lambda client, sql, settings: (["n"], rows, nullcontext())
    )


# the table's first rows wait until the sample that sets the widths is complete
@pytest.mark.parametrize(("fmt", "held"), [("json", 0), ("table", TABLE_SAMPLE_ROWS - 1)])
def test_rows_are_printed_before_the_next_one_is_read(
    fmt: str, held: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = Lines()
    total = 20_000
    behind: list[int] = []  # rows read but not yet printed, as seen each time a row is read

    def rows() -> Iterator[tuple[int]]:
        for i in range(total):
            header = 2 if fmt == "table" and i > held else 0
            behind.append(i - (out.lines - header))
            yield (i,)

    serve_rows(monkeypatch, rows())
    monkeypatch.setattr("sys.stdout", out)
    assert main(["query", "SELECT n FROM big", "--format", fmt]) == 0
    assert max(behind) == held
    assert out.lines == total + (3 if fmt == "table" else 0)


def test_an_error_halfway_keeps_the_rows_already_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def rows() -> Iterator[tuple[int]]:
        yield (1,)
        yield (2,)
        raise StreamFailureError("Code: 395. DB::Exception: boom. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)")

    serve_rows(monkeypatch, rows())
    assert main(["query", "SELECT n FROM t", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == '{"n": 1}\n{"n": 2}\n'
    assert captured.err == (
        "callstream query: Code: 395. DB::Exception: boom. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)\n"
    )


def test_small_table_is_unchanged_by_the_width_sample() -> None:
    rows = [(1, "a"), (22, None), (3, "long value"), (4.25, "b")]
    whole, sampled = io.StringIO(), io.StringIO()
    print_table(["n", "text"], rows, whole)
    print_table(["n", "text"], iter(rows), sampled, sample=TABLE_SAMPLE_ROWS)
    assert sampled.getvalue() == whole.getvalue()
    assert whole.getvalue().splitlines() == [
        "n     text",
        "----  ----------",
        "1     a",
        "22",
        "3     long value",
        "4.25  b",
        "(4 rows)",
    ]


def test_rows_after_the_sample_keep_the_widths_and_are_printed_whole() -> None:
    out = io.StringIO()
    print_table(["a", "b"], [("x", 1), ("y", 2), ("much longer", 3)], out, sample=2)
    assert out.getvalue().splitlines() == ["a  b", "-  -", "x  1", "y  2", "much longer  3", "(3 rows)"]


class RefusingClient:
    """chDB's answer to streaming a statement that is not a SELECT (before running it)."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def query_rows_stream(self, sql: str, settings: dict[str, Any] | None = None, **formats: Any) -> None:
        raise DatabaseError(f"Code: 36. DB::Exception: Streaming query is not supported for query: {sql}")

    def query(self, sql: str, settings: dict[str, Any] | None = None, **formats: Any) -> Any:
        self.ran.append(sql)
        result = type("Result", (), {})()
        result.column_names, result.result_rows = ("name",), [(b"calls",)]  # strings read as bytes
        return result


def test_a_statement_chdb_cannot_stream_runs_unstreamed() -> None:
    client = RefusingClient()
    headers, rows, context = stream_query(client, "SHOW TABLES")  # type: ignore[arg-type]
    with context:
        assert (headers, list(rows)) == (["name"], [["calls"]])
    assert client.ran == ["SHOW TABLES"]


def test_other_errors_are_not_retried() -> None:
    class Broken(RefusingClient):
        def query_rows_stream(self, sql: str, settings: dict[str, Any] | None = None, **formats: Any) -> None:
            raise DatabaseError("Code: 62. DB::Exception: Syntax error. (SYNTAX_ERROR)")

    client = Broken()
    with pytest.raises(DatabaseError, match="SYNTAX_ERROR"):
        stream_query(client, "SELEC 1")  # type: ignore[arg-type]
    assert client.ran == []


def test_a_null_is_printed_null_not_blank_like_an_empty_string(
    isolated_chdb: Any, chdb_dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A mono call's agent_talk_s is NULL (the demo shows n/a) and an unnamed agent is '': the table
    printed both as blanks, so an analyst could not tell "not measured" from "empty"."""
    monkeypatch.setenv("CALLSTREAM_CLICKHOUSE_DSN", f"{chdb_dsn}?database={isolated_chdb.database}")
    sql = "SELECT CAST(NULL AS Nullable(Float64)) AS talk, '' AS name, 1.5 AS n"
    assert main(["query", sql]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "talk  name  n",
        "----  ----  ---",
        "NULL        1.5",
        "(1 row)",
    ]
    assert main(["query", sql, "--format", "json"]) == 0
    assert capsys.readouterr().out == '{"talk": null, "name": "", "n": 1.5}\n'
