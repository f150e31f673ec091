"""ClickHouse access: one cached client per DSN, file-based migrations, a query helper.

The embedded default is chDB through clickhouse-connect's ``chdb://`` DSN. chDB hosts one engine
(one data path) per process and a path cannot be opened by two processes, so clients are cached
per DSN and every reader of the data shares the writer's process.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import clickhouse_connect
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import Error as ClickHouseConnectError

from streams.settings import redact_dsn

MIGRATIONS_PACKAGE = "streams.migrations"
SOURCE_DDL_DIR = Path(__file__).resolve().parents[1] / "deploy" / "clickhouse"


def _ddl_dir() -> Path:
    """Where the migrations are: the ``streams.migrations`` package, which pyproject.toml maps to
    deploy/clickhouse (package data of an installed wheel, or the tree itself in an editable
    install); a source checkout that was never installed has no such package and reads the tree."""
    spec = importlib.util.find_spec(MIGRATIONS_PACKAGE)
    # A namespace package (no __init__.py among the SQL files): one directory on disk.
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return SOURCE_DDL_DIR


DDL_DIR = _ddl_dir()
_MIGRATION_NAME = re.compile(r"^(\d+)_[\w.-]+\.sql$")
_STATEMENT_END = re.compile(r";[ \t]*(?:\r?\n|$)")

_clients: dict[str, Client] = {}
_lock = threading.Lock()


class ClickHouseUnavailable(ConnectionError):
    """ClickHouse cannot be reached or its embedded data path cannot be opened."""


#: Loggers that narrate a failed first connection (urllib3's "Retrying ...", clickhouse-connect's
#: "Unexpected Http Driver Exception") ahead of the one line ClickHouseUnavailable says it in.
_CONNECT_NOISE = ("urllib3.connectionpool", "clickhouse_connect.driver._backend.http_sync")


class _OtherThreads(logging.Filter):
    """Lets through records of other threads, and errors: only this thread's check goes quiet."""

    def __init__(self) -> None:
        super().__init__()
        self.thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread != self.thread or record.levelno >= logging.ERROR


@contextlib.contextmanager
def _quiet_connect() -> Iterator[None]:
    """Silence :data:`_CONNECT_NOISE` for this thread while the block runs; other threads' (a sink's
    retries later on) still log."""
    quiet = _OtherThreads()
    for name in _CONNECT_NOISE:
        logging.getLogger(name).addFilter(quiet)
    try:
        yield
    finally:
        for name in _CONNECT_NOISE:
            logging.getLogger(name).removeFilter(quiet)


def connect(dsn: str) -> Client:
    """The process-wide client for ``dsn``, created on first use.

    For ``chdb:///path`` the data directory is created first. A chDB path held by another process,
    a second chDB path in this process, or an unreachable server raise :class:`ClickHouseUnavailable`.
    """
    with _lock:
        client = _clients.get(dsn)
        if client is None:
            client = _clients[dsn] = _open(dsn)
        return client


#: DSN schemes that mean TLS. clickhouse-connect reads a DSN's host, port, user and database but not its
#: scheme: ``https://host/db`` without a port went to plain http on 8123.
TLS_SCHEMES = frozenset({"https", "clickhouses"})


def tls_of(dsn: str) -> dict[str, Any]:
    """What clickhouse-connect needs besides ``dsn`` to use the transport its scheme names: TLS (and
    its default port 8443) for ``https://`` and ``clickhouses://``; nothing for the others."""
    scheme = urlparse(dsn).scheme
    return {"interface": "https", "secure": True} if scheme in TLS_SCHEMES else {}


def _open(dsn: str) -> Client:
    parsed = urlparse(dsn)
    embedded = parsed.scheme == "chdb"
    if embedded and not parsed.netloc and parsed.path:
        Path(parsed.path).mkdir(parents=True, exist_ok=True)
    try:
        with _quiet_connect():  # its failure is said once, below
            client = clickhouse_connect.get_client(dsn=dsn, **tls_of(dsn))
    except ClickHouseConnectError as exc:
        if embedded:
            hint = (
                "the data path is probably in use by another process (chDB allows one process per path), "
                "or this process already opened a different chDB path"
            )
        else:
            hint = "the server is unreachable or refused the connection"
        raise ClickHouseUnavailable(f"cannot open ClickHouse at {redact_dsn(dsn)}: {hint} ({exc})") from exc
    # clickhouse-connect imports pandas (when installed) on the first insert, to tell a DataFrame
    # from rows: ~0.4 s on the event loop's first sink flush, paid here at start instead
    _ = clickhouse_connect.driver.options.pd
    return client


def split_statements(sql: str) -> list[str]:
    """Statements of a DDL file: each ends with ``;`` at the end of a line; comment-only chunks go."""
    statements = []
    for chunk in _STATEMENT_END.split(sql):
        code = [line for line in chunk.splitlines() if line.strip() and not line.strip().startswith("--")]
        if code:
            statements.append(chunk.strip())
    return statements


def migrate(client: Client, ddl_dir: Path = DDL_DIR) -> list[str]:
    """Apply the numbered ``*.sql`` files not yet in ``schema_migrations``, in order; return their names.

    Files are recorded only after all their statements ran; statements are ``IF NOT EXISTS``, so a
    file interrupted halfway is simply applied again next time.
    """
    files = sorted(
        (int(m.group(1)), path)
        for path in Path(ddl_dir).glob("*.sql")
        if (m := _MIGRATION_NAME.match(path.name))
    )
    if not files:  # e.g. a wheel built without its package data: say so instead of applying nothing
        raise FileNotFoundError(f"no NNN_name.sql migration files in {ddl_dir}")
    applied = set()
    if client.command("EXISTS TABLE schema_migrations") == 1:
        applied = {
            row[0] for row in client.query("SELECT DISTINCT version FROM schema_migrations").result_rows
        }
    done = []
    for version, path in files:
        if version in applied:
            continue
        for statement in split_statements(path.read_text(encoding="utf-8")):
            client.command(statement)
        client.insert("schema_migrations", [[version, path.name]], column_names=["version", "name"])
        done.append(path.name)
    return done


def query(client: Client, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a read query; column names and rows, for the ``callstream query`` CLI."""
    result = client.query(sql)
    return list(result.column_names), [tuple(row) for row in result.result_rows]


def format_query(client: Client, sql: str) -> str:
    """``sql`` as ClickHouse's parser reads it (its ``formatQuery``), parsed alone: the client appends
    FORMAT (and SETTINGS) to what it runs, so a statement's own syntax error is found only so."""
    return str(client.query("SELECT formatQuery({sql:String})", parameters={"sql": sql}).result_rows[0][0])


#: chDB's refusal to stream a statement that is not a SELECT (SHOW, DESCRIBE, EXISTS, DDL, OPTIMIZE):
#: raised before the statement runs, so running it again unstreamed does not run it twice.
_NOT_STREAMABLE = "Streaming query is not supported"


#: Strings read as bytes and decoded here: clickhouse-connect shows a String that is not valid UTF-8 (a
#: byte-based ``substring`` cutting a Cyrillic letter) as bare hex, which reads as corrupted data.
_STRINGS_AS_BYTES = {"String": "bytes", "FixedString": "bytes"}


def _text(value: Any) -> Any:
    """``value`` with every bytes string in it (arrays, tuples and maps too) decoded as UTF-8, a bad
    byte shown as U+FFFD."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list | tuple):
        return [_text(item) for item in value]
    if isinstance(value, dict):
        return {_text(key): _text(item) for key, item in value.items()}
    return value


def _decoded(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [_text(value) for value in row]


def stream_query(
    client: Client, sql: str, settings: dict[str, Any] | None = None
) -> tuple[list[str], Iterable[Sequence[Any]], AbstractContextManager[Any]]:
    """Column names, rows as they arrive and the context that must be open while they are read.

    Rows come block by block (about 65k rows), so memory does not grow with the result. A
    statement chDB cannot stream (all of them small results) is run the ordinary way. Strings that
    are not valid UTF-8 read with U+FFFD where a byte is wrong, not as hex.
    """
    formats = _STRINGS_AS_BYTES
    try:
        stream = client.query_rows_stream(sql, settings=settings, query_formats=formats)
    except ClickHouseConnectError as exc:
        if _NOT_STREAMABLE not in str(exc):
            raise
        result = client.query(sql, settings=settings, query_formats=formats)
        names = list(result.column_names) or _columns(client, sql, settings)
        return names, _decoded(result.result_rows), nullcontext()
    return list(stream.source.column_names) or _columns(client, sql, settings), _decoded(stream), stream


def _columns(client: Client, sql: str, settings: dict[str, Any] | None) -> list[str]:
    """The column names of the result of ``sql``, which has no rows: chDB sends no block for an empty
    result, so no names either. DESCRIBE analyses the query without running it again; a statement it
    cannot describe (SHOW, DDL, ...): none."""
    try:  # newlines: a trailing -- comment in sql must not swallow the closing parenthesis
        described = client.query(f"DESCRIBE TABLE (\n{sql}\n)", settings=settings)
    except ClickHouseConnectError:
        return []
    return [str(row[0]) for row in described.result_rows]
