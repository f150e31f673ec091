"""`callstream query` on the session's chDB: a syntax error's place is in the statement the user wrote,
not in the SETTINGS / FORMAT clauses clickhouse-connect appends; an empty result keeps its header."""

from __future__ import annotations

import pytest

import streams.cli as cli
from streams.cli import main

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env


@pytest.fixture
def chdb(clean_env: None, monkeypatch: pytest.MonkeyPatch, chdb_dsn: str, chdb_client: object) -> None:
    """`callstream query` runs on the session's chDB (one engine per process)."""
    monkeypatch.setenv("CALLSTREAM_CLICKHOUSE_DSN", chdb_dsn)


def error_of(argv: list[str], capsys: pytest.CaptureFixture) -> str:
    assert main(["query", *argv]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


@pytest.mark.usefixtures("chdb")
@pytest.mark.parametrize("write", [[], ["--write"]])  # with and without SETTINGS readonly appended
@pytest.mark.parametrize(
    ("sql", "says"),
    [
        # parses alone as `SELEC * FROM` aliased calls, then fails on the appended FORMAT
        ("SELEC * FROM calls", "failed at the end of the query; ClickHouse reads it as: SELECT SELEC *"),
        (
            "SELECT * FROM calls WHERE call_id = 'x' ORDER",
            "failed at the end of the query. Expected one of: BY",
        ),
        # read "+ FORMAT" (a column named FORMAT) without SETTINGS: Code 47, not a syntax error
        ("SELECT 1 +", "Syntax error: failed at the end of the query"),
        ("SELECT call_id FROM calls LIMIT", "Syntax error: failed at the end of the query"),
    ],
)
def test_a_statement_that_ends_too_early_fails_at_its_end(
    sql: str, says: str, write: list[str], capsys: pytest.CaptureFixture
) -> None:
    err = error_of([sql, *write], capsys)
    assert says in err
    for appended in ("FORMAT", "Native", "SETTINGS", "readonly", "position", "line"):
        assert appended not in err.replace(says, "")


@pytest.mark.usefixtures("chdb")
def test_a_position_inside_the_statement_is_counted_in_it(capsys: pytest.CaptureFixture) -> None:
    # ClickHouse counts bytes of the whole sent text; the user counts characters of what they wrote
    err = error_of(["SELECT 'ё' ,, 1"], capsys)
    assert "failed at position 15 (1): 1. Expected end of query. (SYNTAX_ERROR)" in err
    err = error_of(["  SELECT 'ё'\n ,, 1;"], capsys)
    assert "failed at position 18 (1) (line 2, col 5): 1. Expected end of query" in err


@pytest.mark.usefixtures("chdb")
@pytest.mark.parametrize(
    "sql", ["SELECT call_id, words FROM calls FINAL WHERE 0", "SELECT 1 AS n WHERE 0 -- none"]
)
def test_an_empty_result_keeps_its_header(sql: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["query", sql]) == 0
    header = "call_id  words\n-------  -----\n" if "call_id" in sql else "n\n-\n"
    assert capsys.readouterr().out == f"{header}(0 rows)\n"


@pytest.mark.usefixtures("chdb")
def test_a_result_without_columns_is_only_its_count(capsys: pytest.CaptureFixture) -> None:
    assert main(["query", "SHOW TABLES LIKE 'no_such_%'"]) == 0
    assert capsys.readouterr().out == "(0 rows)\n"


def test_http_errors_end_in_format_only() -> None:
    """A server over HTTP gets the settings as URL parameters: only FORMAT Native is appended."""
    sql = "SELECT 1 FROM calls WHERE"
    raw = (
        "Code: 62. DB::Exception: Syntax error: failed at position 33 (Native) (line 2, col 9): Native. "
        "Expected one of: token sequence, Dot, token, OR, AND, end of query. (SYNTAX_ERROR)"
    )
    assert cli._query_error(RuntimeError(raw), sql) == (
        "Code: 62. DB::Exception: Syntax error: failed at the end of the query (SYNTAX_ERROR)"
    )
    # a failed check (an old server without formatQuery) keeps the first message
    assert cli._query_error(RuntimeError(raw), sql, reparse=lambda sql: 1 / 0) == (
        "Code: 62. DB::Exception: Syntax error: failed at the end of the query (SYNTAX_ERROR)"
    )


def test_unreachable_clickhouse_is_one_line_without_retry_warnings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, caplog: pytest.LogCaptureFixture
) -> None:
    import logging
    import threading

    monkeypatch.setenv("CALLSTREAM_CLICKHOUSE_DSN", "http://127.0.0.1:1/db")  # nothing listens on port 1
    with caplog.at_level(logging.DEBUG):
        assert main(["query", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("callstream query: cannot open ClickHouse at http://127.0.0.1:1/db: the server")
    assert err.count("\n") == 1
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert noisy == [], [r.getMessage() for r in noisy]
    # other threads, and this one after the check, keep their warnings
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        logging.getLogger("urllib3.connectionpool").warning("retrying later")
        thread = threading.Thread(
            target=logging.getLogger("clickhouse_connect.driver._backend.http_sync").warning, args=("x",)
        )
        thread.start()
        thread.join()
    assert [r.getMessage() for r in caplog.records] == ["retrying later", "x"]


@pytest.mark.usefixtures("chdb")
@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("INSERT INTO FUNCTION file('{out}', 'CSV') SELECT 1", "INSERT"),
        ("  insert into function file('{out}', 'LineAsString') select 'x'", "INSERT"),
        ("SELECT 1 INTO OUTFILE '{out}'", "INTO OUTFILE"),
    ],
)
def test_a_statement_that_writes_a_file_is_refused_without_write(
    sql: str, kind: str, tmp_path, capsys: pytest.CaptureFixture
) -> None:
    """readonly=2 did not stop chDB writing any file the user can (a security review truncated one):
    the statement's kind, as ClickHouse parses it, is checked first."""
    out = tmp_path / "written.txt"
    err = error_of([sql.format(out=out)], capsys)
    assert f"the statement writes ({kind}); it only reads unless given --write" in err
    assert not out.exists()
    assert main(["query", "SELECT 'INSERT INTO OUTFILE' AS quoted"]) == 0  # a string is no statement
    assert "INSERT INTO OUTFILE" in capsys.readouterr().out
