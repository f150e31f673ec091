"""The ``callstream`` command."""

from __future__ import annotations

import argparse
import functools
import os
import re
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

# Only the standard library at import time: main() reports a Ctrl-C (one line, exit 130) only once it
# runs, and the entry point imports this module before that; pydantic (settings) comes in main().
if TYPE_CHECKING:
    from clickhouse_connect.driver.client import Client

    from connectors.events import ParsedLine
    from streams.dlq import Letter
    from streams.settings import Settings

EPILOG = """\
configuration comes from CALLSTREAM_* environment variables (see `callstream config`);
with none set, callstream runs the embedded stack: a Kafka-compatible broker on loopback,
chDB under ./.callstream/ and CPU Whisper models shipped on PyPI."""


#: Errors that describe the user's input, configuration or environment (a wrong config file, a
#: broker or ClickHouse that cannot be reached): one line and exit 2, not a traceback. Named, not
#: imported: a class can only have been raised if its module is loaded, and imports cost startup.
USER_ERRORS = (
    ("processors.alerts", "AlertRuleError"),
    ("processors.scorecard", "ScorecardError"),
    ("processors.rules", "DictionaryError"),
    ("processors.text_config", "TextConfigError"),
    ("ml.evaluation", "LabelsError"),
    ("streams.alerts_try", "DialogueError"),
    ("ml.whisper", "ModelNotFound"),
    ("ml.vad", "VadModelMissing"),
    ("streams.broker", "BrokerError"),
    ("streams.topics", "TopicSetupError"),
    ("streams.clickhouse", "ClickHouseUnavailable"),
    ("streams.spool", "SpoolError"),  # dlq replay: a damaged spool in the way
    ("connectors.publisher", "PublishError"),
    ("schemas.codec", "RegistryUnavailableError"),  # publish, import, demo: the registry is down
    ("ml.llm", "LLMUnavailable"),  # alerts try, eval --calls, bench scoring: the LLM server is down
    ("ml.llm", "LLMRequestError"),  # ... or refuses the request (a wrong model name, response_format)
)
#: A file the user named that cannot be read (``demo --calls``, ``publish FILE``, ...).
FILE_ERRORS = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)
#: Seconds between two progress lines of ``import`` where stderr is no terminal (a log, a pipe).
IMPORT_PROGRESS_EVERY_S = 10.0


def user_error(exc: BaseException) -> str | None:
    """The one-line message for an error the user can fix, or None for a bug (keep its traceback)."""
    if isinstance(exc, FILE_ERRORS):
        return f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc)
    for module, name in USER_ERRORS:
        cls = getattr(sys.modules.get(module), name, None)
        if cls is not None and isinstance(exc, cls):
            return str(exc)
    return None


def _count(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _positive(unit: str) -> Callable[[str], float]:
    """An argparse type: a finite number of ``unit`` above 0."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number of {unit}, got {text!r}") from None
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(f"must be a number of {unit} above 0, got {text}")
        return value

    return parse


_seconds = _positive("seconds")
_rate = _positive("records a second")  # dlq replay --rate


def _port(text: str) -> int:
    value = _count(1)(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 1 to 65535, got {value}")
    return value


def _stages(text: str) -> str:
    """``--stages``: checked here, so the error names the option rather than CALLSTREAM_STAGES."""
    from streams.settings import STAGES, split_stages, stages_problem

    given = split_stages(text)
    if not given:
        raise argparse.ArgumentTypeError(f"no stage given; choose from {','.join(STAGES)}")
    problem = stages_problem(given, sep=",")
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def _dlq_statuses(text: str) -> tuple[str, ...]:
    """``dlq ... --status``: checked here, so a typo is an argparse error naming the valid ones."""
    from streams.dlq import parse_statuses

    try:
        return parse_statuses([text])
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--status: ")) from None


def _settings(**overrides: object) -> Settings:
    from connectors.events import use_number_hash_key
    from streams.settings import load_settings

    settings = load_settings(**{k: v for k, v in overrides.items() if v is not None})
    # Every command that makes CallCompleted events (publish, import, ingest, connect, demo) hashes
    # customer numbers with the one key.
    key = settings.customer_hash_key
    use_number_hash_key(key.get_secret_value() if key is not None else None)
    return settings


def crm_enricher(settings: Settings):  # type: ignore[no-untyped-def]
    """The configured CRM enricher, or None."""
    if not settings.crm_kind:
        return None
    from connectors.crm import CrmEnricher

    return CrmEnricher(settings.crm_kind, settings.crm_url, settings.crm_token, settings.crm_timeout)


def chdb_holder(settings: Settings) -> str | None:
    """Who holds the embedded chDB of ``settings.data_dir``, if another process does ("PID 123").

    chDB, like clickhouse-server, keeps an flock on ``<path>/status`` (which holds its PID) while the
    engine is open and lets no second process open the path; asking first fails a command before it
    starts a broker, instead of after, amid chDB's own lock error. A remote ClickHouse: None.
    """
    import fcntl

    if settings.clickhouse_dsn is not None:
        return None
    status = settings.data_dir / "clickhouse" / "status"
    try:
        fd = os.open(status, os.O_RDONLY)
    except OSError:  # no engine has run here, or it ended cleanly
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        text = os.read(fd, 200).decode(errors="replace")
        pid = re.search(r"^PID: (\d+)", text, re.M)
        if pid and int(pid.group(1)) == os.getpid():  # this process opened it already: chDB shares it
            return None
        return f"PID {pid.group(1)}" if pid else "another process"
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


#: Data folders this process has claimed (:func:`claim_data_dir`): path → the open, flocked file.
_CLAIMED: dict[Path, int] = {}
CLAIM_FILE = "callstream.pid"


def claim_data_dir(settings: Settings) -> str | None:
    """Claim ``settings.data_dir`` for this process's lifetime; who holds it instead ("PID 123"), if
    another process does.

    chDB's own lock (:func:`chdb_holder`) exists only once the engine is open, seconds after a demo
    starts (its broker comes first): a second demo started meanwhile passed that check, started a
    broker and failed on chDB's lock error. An flock on ``<data dir>/callstream.pid`` taken first
    closes that gap; the kernel drops it when the process ends, however it ends. A remote
    ClickHouse: None, nothing claimed.
    """
    import fcntl

    from streams.settings import make_data_dir

    if settings.clickhouse_dsn is not None:
        return None
    folder = settings.data_dir.resolve()
    if folder in _CLAIMED:
        return None
    make_data_dir(folder)
    fd = os.open(folder / CLAIM_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        text = os.read(fd, 32).decode(errors="replace").strip()
        os.close(fd)
        return f"PID {text}" if text.isdigit() else "another process"
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    _CLAIMED[folder] = fd
    return None


def _data_dir_busy(command: str, settings: Settings) -> int | None:
    """Exit status 2 with one line when another process holds this data folder's chDB or has
    claimed the folder (:func:`claim_data_dir`, which claims it for this one otherwise), else None."""
    holder = chdb_holder(settings) or claim_data_dir(settings)
    if holder is None:
        return None
    print(
        f"callstream {command}: another callstream demo/worker/query ({holder}) is using "
        f"{settings.data_dir.resolve()} (its embedded ClickHouse); stop it, or give this one another "
        "folder: CALLSTREAM_DATA_DIR=...",
        file=sys.stderr,
    )
    return 2


def cmd_demo(args: argparse.Namespace) -> int:
    settings = _settings()
    from streams.demo import run_demo  # first: a Ctrl-C during the imports leaves no data folder

    busy = _data_dir_busy("demo", settings)
    if busy is not None:
        return busy
    return run_demo(settings, args.calls, timeout=args.timeout)


def cmd_worker(args: argparse.Namespace) -> int:
    settings = _settings(stages=args.stages)
    from streams.worker import run_worker  # first: a Ctrl-C during the imports leaves no data folder

    # only the sink (and the live page beside it) opens chDB: other stages may share the folder
    busy = _data_dir_busy("worker", settings) if "sink" in settings.stages else None
    if busy is not None:
        return busy
    return run_worker(settings)


def _doubtful_line(source: str, line: ParsedLine, strict: bool, out: TextIO | None = None) -> str | None:
    """A valid line's warnings (accepted but doubtful input): each printed as ``SOURCE:LINE: warning:
    ...``, the line still good (None); with ``--strict`` they are its error instead, so it is a bad
    line, dead-lettered like any other."""
    if not line.warnings:
        return None
    if strict:
        # what is wrong, not what a lenient publish would have done about it ("taken as", "dropped")
        return "; ".join(f"{getattr(w, 'refusal', w)} (refused by --strict)" for w in line.warnings)
    for warning in line.warnings:
        print(f"{source}:{line.lineno}: warning: {warning}", file=out or sys.stderr)
    return None


def cmd_publish(args: argparse.Namespace) -> int:
    from connectors.events import RepeatedIds, anchor_relative, read_jsonl
    from connectors.publisher import CallPublisher, RecordTooLarge
    from schemas.codec import make_codec
    from streams.table import escape_controls
    from streams.topics import ensure_topics
    from streams.worker import kafka

    settings = _settings()
    source = "stdin" if args.file == "-" else args.file
    if args.dry_run:
        from connectors.publisher import too_large

        codec = make_codec(None)  # only to measure: no schema registry contacted
        with sys.stdin.buffer if args.file == "-" else open(args.file, "rb") as fh:
            good = bad = 0
            repeated = RepeatedIds()
            for line in read_jsonl(fh):
                # a record over message.max.bytes is a bad line, as a real publish finds
                error = (
                    line.error
                    if line.record is None
                    else _doubtful_line(source, line, args.strict) or too_large(settings, codec, line.record)
                )
                if error is None:
                    good += 1
                    if note := repeated.note(line):
                        print(f"{source}:{line.lineno}: {note}", file=sys.stderr)
                else:
                    bad += 1
                    print(f"{source}:{line.lineno}: {escape_controls(str(error))}", file=sys.stderr)
        if not good + bad:
            print(f"callstream publish: {source}: no calls in it", file=sys.stderr)
        print(f"dry run: {good} valid call(s), {bad} bad line(s); nothing published", file=sys.stderr)
        return 1 if bad else 0
    if settings.embedded_broker:
        print(
            "callstream publish: no broker configured; set CALLSTREAM_KAFKA_BOOTSTRAP=host:port "
            "(the embedded broker lives only inside `callstream demo` / `callstream worker`: use the "
            "Kafka address a running `callstream worker` prints, or `callstream demo --calls FILE`)",
            file=sys.stderr,
        )
        return 2
    # The input is opened before the broker is contacted (a missing file fails fast) and read line by
    # line while publishing, so `tail -f calls.jsonl | callstream publish -` streams.
    with (
        sys.stdin.buffer if args.file == "-" else open(args.file, "rb") as fh,  # bytes: see read_jsonl
        kafka(settings) as bootstrap,
    ):
        ensure_topics(settings, bootstrap)
        publisher = CallPublisher(settings, bootstrap, make_codec(settings.schema_registry_url))
        good = bad = 0
        base = Path.cwd() if args.file == "-" else Path(args.file).parent
        repeated = RepeatedIds()  # both lines are published (the later wins), but not in silence
        for line in read_jsonl(fh):
            error = line.error if line.record is None else _doubtful_line(source, line, args.strict)
            if line.record is not None and error is None:
                anchor_relative([line.record], base)  # "rec/a.wav" next to the file, not in the package
                try:
                    publisher.publish(line.record)
                    good += 1
                    if note := repeated.note(line):
                        print(f"{source}:{line.lineno}: {note}", file=sys.stderr)
                    continue
                except RecordTooLarge as exc:  # librdkafka's message.max.bytes: a bad line, not the end
                    error = str(exc)
            bad += 1
            print(f"{source}:{line.lineno}: {escape_controls(str(error))}", file=sys.stderr)
            publisher.dead_letter(
                source=source,
                lineno=line.lineno,
                payload=line.payload,
                error=error or "",
                call_id=line.dead_letter_id(source),  # the event's own id, else SOURCE:LINE, as the demo
            )
        publisher.flush()
    if not good + bad:  # exit 0 (nothing bad was read), but an empty file is rarely what was meant
        print(f"callstream publish: {source}: no calls in it", file=sys.stderr)
    print(f"published {good} call(s); {bad} bad line(s) sent to the dead-letter topic", file=sys.stderr)
    return 1 if bad else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from aiohttp import web

    from connectors.auth import TenantAuth, parse_pairs
    from connectors.ingest import create_app
    from connectors.publisher import CallPublisher
    from schemas.codec import make_codec
    from streams import metrics
    from streams.topics import ensure_topics
    from streams.worker import setup_logging

    settings = _settings()
    setup_logging(settings)  # refusals are logged with their reason
    if settings.embedded_broker:
        print(
            "callstream ingest: set CALLSTREAM_KAFKA_BOOTSTRAP=host:port (the broker to publish to)",
            file=sys.stderr,
        )
        return 2
    try:
        auth = TenantAuth(
            parse_pairs(settings.ingest_tokens, "CALLSTREAM_INGEST_TOKENS", shared_secrets=False),
            parse_pairs(settings.ingest_hmac_secrets, "CALLSTREAM_INGEST_HMAC_SECRETS"),
        )
    except ValueError as exc:
        print(f"callstream ingest: {exc}", file=sys.stderr)
        return 2
    if not auth.tokens:
        print(
            "callstream ingest: warning: CALLSTREAM_INGEST_TOKENS is empty; every request gets 401",
            file=sys.stderr,
        )
    assert settings.kafka_bootstrap is not None
    ensure_topics(settings, settings.kafka_bootstrap)
    metrics.serve(settings.metrics_port, settings.metrics_host)
    publisher = CallPublisher(
        settings,
        settings.kafka_bootstrap,
        make_codec(settings.schema_registry_url),
        settings.ingest_max_queued,
    )
    print(f"callstream ingest: http://{settings.ingest_host}:{settings.ingest_port}/v1/calls", flush=True)
    app = create_app(publisher, auth, crm_enricher(settings))
    web.run_app(app, host=settings.ingest_host, port=settings.ingest_port, print=None)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from connectors.backfill import STATE_FILE, ImportState, ImportStateError, MetadataError, plan
    from connectors.events import call_from_json
    from connectors.publisher import CallPublisher, RecordTooLarge
    from schemas.codec import make_codec
    from schemas.validation import InvalidCall
    from streams.progress import ProgressLines, rate_and_eta
    from streams.table import escape_controls
    from streams.topics import ensure_topics

    settings = _settings()
    if settings.embedded_broker:
        print(
            "callstream import: set CALLSTREAM_KAFKA_BOOTSTRAP=host:port (the broker to publish to)",
            file=sys.stderr,
        )
        return 2
    directory = args.directory.resolve()
    if not directory.is_dir():
        print(f"callstream import: {directory} is not a directory", file=sys.stderr)
        return 2
    assert settings.kafka_bootstrap is not None
    try:  # before the broker: a bad state file or metadata CSV is the user's to fix, said in one line
        state = ImportState(args.state or directory / STATE_FILE)
        planned = plan(
            directory, args.metadata, args.tenant, settings.pbx_tzinfo, args.call_id_from, state.files
        )
    except (ImportStateError, MetadataError) as exc:
        print(f"callstream import: {exc}", file=sys.stderr)
        return 2
    ensure_topics(settings, settings.kafka_bootstrap)
    publisher = CallPublisher(settings, settings.kafka_bootstrap, make_codec(settings.schema_registry_url))
    items = list(planned)
    published = skipped = bad = 0
    batch: list[tuple[str, str]] = []
    # a bar on a terminal; in a log or a pipe, a plain line every few seconds (a bar's carriage
    # returns would make one endless line of the log, mixed with the per-file error lines)
    interactive = sys.stderr.isatty()
    lines = None if args.quiet or interactive else ProgressLines(IMPORT_PROGRESS_EVERY_S)

    def progress_line(done: int, elapsed: float) -> str:
        return (
            f"import: {done}/{len(items)} file(s), {published + len(batch)} published, {skipped} skipped, "
            f"{bad} not importable, {rate_and_eta(done, len(items), elapsed)}"
        )

    with tqdm(items, desc="import", unit="call", disable=args.quiet or not interactive) as bar:
        for done, item in enumerate(bar):
            if lines is not None:
                lines.update(functools.partial(progress_line, done))
            path, call_json, problem, call_id = item.path, item.call, item.why, item.call_id
            error_class = item.error_class
            try:
                if problem is None:
                    call = call_from_json(call_json)
                    recording = path.relative_to(directory).as_posix()
                    other = state.published_for(call["call_id"], recording)
                    if other == "":
                        skipped += 1
                        continue
                    if other is not None:  # a same-named file added since that import
                        problem = (
                            f"call id {call['call_id']!r} was published by an earlier import for {other}; "
                            "one call id names one recording, or this one would replace that call: "
                            "rename this file"
                        )
                    else:
                        publisher.publish(call)
                        batch.append((call["call_id"], recording))
            except (InvalidCall, RecordTooLarge) as exc:
                problem, error_class = str(exc), type(exc).__name__
            if problem is not None:
                bad += 1
                bar.write(escape_controls(f"{path}: {problem}"), file=sys.stderr)
                # found by its call id beside the calls; the file in the reason keeps two files with
                # one id (a stem in two folders) two dead_letters rows
                publisher.dead_letter(
                    source=str(directory),
                    lineno=0,
                    payload=str(path).encode(),
                    error=f"{path.relative_to(directory).as_posix()}: {problem}",
                    call_id=call_id,
                    tenant=(call_json or {}).get("tenant") or args.tenant,  # a metadata row may name one
                    error_class=error_class,
                )
            if len(batch) >= 100:
                publisher.flush()
                state.add(batch)
                published += len(batch)
                batch = []
        publisher.flush()
        state.add(batch)
        published += len(batch)
    print(
        f"imported {published} call(s), skipped {skipped} already published, {bad} not importable "
        f"(sent to the dead-letter topic); state in {state.path}",
        file=sys.stderr,
    )
    if published:
        print(f"workers must allow the recordings: CALLSTREAM_RECORDING_ROOTS={directory}", file=sys.stderr)
    return 1 if bad else 0


def cmd_connect(args: argparse.Namespace) -> int:
    import asyncio

    from connectors.publisher import CallPublisher
    from connectors.telephony import ami_client, esl_client, forward_to_kafka
    from schemas.codec import make_codec
    from streams.topics import ensure_topics
    from streams.worker import setup_logging

    settings = _settings()
    if settings.embedded_broker:
        print(
            "callstream connect: set CALLSTREAM_KAFKA_BOOTSTRAP=host:port (the broker to publish to)",
            file=sys.stderr,
        )
        return 2
    setup_logging(settings)
    assert settings.kafka_bootstrap is not None
    ensure_topics(settings, settings.kafka_bootstrap)
    publisher = CallPublisher(settings, settings.kafka_bootstrap, make_codec(settings.schema_registry_url))
    # the flag wins over the setting, as everywhere; the setting keeps the secret out of `ps`
    pbx_secret = settings.pbx_secret.get_secret_value() if settings.pbx_secret else ""
    secret = pbx_secret if args.secret is None else args.secret
    if args.pbx == "asterisk":
        port = args.port or 5038

        def make(on_call, on_problem):  # type: ignore[no-untyped-def]
            return ami_client(
                args.host, port, args.username, secret, on_call, on_problem, settings.pbx_tzinfo
            )
    else:
        port = args.port or 8021

        def make(on_call, on_problem):  # type: ignore[no-untyped-def]
            return esl_client(args.host, port, secret or "ClueCon", on_call, on_problem)

    print(f"callstream connect: {args.pbx} at {args.host}:{port} → {settings.kafka_bootstrap}", flush=True)
    try:
        asyncio.run(forward_to_kafka(make, publisher, args.tenant, crm_enricher(settings)))
    except KeyboardInterrupt:
        return 0
    return 0


#: What ``cmd_query`` skips when it looks for a second statement: string literals, quoted
#: identifiers and comments.
_SQL_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`\\]|\\.)*`|--[^\n]*|/\*.*?\*/", re.S)
#: What the ClickHouse client appends to the SQL, and a long list of every token the parser would
#: have accepted: both only bury the error the user needs (a short one, "BY, end of query", stays).
_SQL_ERROR_NOISE = re.compile(
    r"\s*SETTINGS readonly = '\d'|\s*FORMAT Native|\. Expected one of: (?:[^,]*, ){3,}.*?(?= \([A-Z_]+\)$)"
)
#: Where ClickHouse's parser stopped: a byte position from 1 in the text it was sent, the token there
#: and, for text of several lines, its line and column; then ": " and the text from there on.
_SYNTAX_WHERE = re.compile(
    r"failed at position (?P<pos>\d+)(?P<token> \(.*?\))??(?: \(line \d+, col \d+\))?"
    r": (?P<rest>.*?)(?=\. Expected|: In scope| \([A-Z_]+\)$|$)"
)
#: What ClickHouse adds to an error of the ``formatQuery`` check (``reparse``): the check's own SQL.
_REPARSE_SCOPE = re.compile(r": In scope SELECT formatQuery\(.*\)(?=\. \([A-Z_]+\)$)")
#: An identifier ClickHouse met only in what the client appended ("SELECT 1 +" reads "+ FORMAT").
_APPENDED_WORD = re.compile(r"identifier `(?:FORMAT|Native|SETTINGS|readonly)`")


def _user_position(text: str, sql: str, *, alone: bool = False) -> tuple[str, bool]:
    """``text`` with a syntax error's position (and line and column, for ``sql`` of several lines)
    counted in characters of ``sql``, and whether the parser stopped past its end.

    Past the end, the parser of the sent text stopped in what the client appended: the place is "the
    end of the query", without that text, nor (unless the error is of ``sql`` parsed ``alone``) the
    tokens the parser expected instead of the appended ones.
    """
    where = _SYNTAX_WHERE.search(text)
    if where is None:  # e.g. "SELECT 1 +" read "+ FORMAT" and found no column FORMAT
        return text, bool(_APPENDED_WORD.search(text)) and not re.search(r"\b(?:FORMAT|SETTINGS)\b", sql)
    sent = sql.encode()
    pos = int(where["pos"])
    tail = text[where.end() :]
    if pos > len(sent):
        if not alone:
            tail = re.sub(r"^\. Expected .*?(?= \([A-Z_]+\)$)", "", tail)
        return f"{text[: where.start()]}failed at the end of the query{tail}", True
    offset = len(sent[: pos - 1].decode(errors="ignore"))
    place = f"failed at position {offset + 1}{where['token'] or ''}"
    if "\n" in sql:
        line = sql.count("\n", 0, offset) + 1
        place += f" (line {line}, col {offset - sql.rfind(chr(10), 0, offset)})"
    return f"{text[: where.start()]}{place}: {where['rest']}{tail}", False


def _query_error(
    exc: BaseException, sql: str | None = None, reparse: Callable[[str], str] | None = None
) -> str:
    """A ClickHouse error on one line, without what the client added to the user's ``sql``.

    The client appends ``SETTINGS`` and ``FORMAT Native`` to the statement, so ClickHouse counts its
    positions in a text the user never wrote, and a statement that ends too early fails in the
    appended part. Positions are counted in ``sql`` again; a failure past its end is "at the end of
    the query", and ``reparse`` (ClickHouse's ``formatQuery`` of ``sql`` alone) says more: the error
    of the statement by itself, or how ClickHouse reads it when it parses alone.
    """
    text = " ".join(str(exc).split())
    if sql is not None:
        text, past_end = _user_position(text, sql)
        if past_end and reparse is not None:
            try:
                reading = reparse(sql)
            except Exception as again:  # any failure of the check keeps the first error
                alone = _REPARSE_SCOPE.sub("", " ".join(str(again).split()))
                if "Syntax error" in alone:  # about the statement alone: its positions are the user's
                    text, _ = _user_position(alone, sql, alone=True)
            else:
                said = f"; ClickHouse reads it as: {' '.join(reading.split())}"
                code = re.search(r"\.? \([A-Z_]+\)$", text)
                text = f"{text[: code.start()]}{said}{text[code.start() :]}" if code else text + said
    text = _SQL_ERROR_NOISE.sub("", text)
    return text if "DB::Exception" in text else f"{type(exc).__name__}: {text}"


#: First keywords of the statements ``callstream query`` runs without ``--write``.
_READING_STATEMENTS = frozenset({"SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "EXISTS"})


def _writing_statement(client: Client, sql: str) -> str | None:
    """What in ``sql`` writes ("INSERT", "INTO OUTFILE"), as ClickHouse's parser reads it, or None.

    ``readonly=2`` is not enough: chDB runs ``INSERT INTO FUNCTION file(...)`` and ``INTO OUTFILE``
    under it (found by a security review), writing any file the user can. A statement the parser
    refuses is left to run and fail with its own error."""
    from streams.clickhouse import format_query

    try:
        text = _SQL_QUOTED.sub(" ", format_query(client, sql))
    except Exception:  # a syntax error: running it reports it
        return None
    words = text.split()
    kind = words[0].upper() if words else ""
    if kind not in _READING_STATEMENTS:
        return kind
    return "INTO OUTFILE" if re.search(r"\bINTO\s+OUTFILE\b", text, re.I) else None


#: Rows of a ``query --format table`` result whose cells set the column widths (held in memory).
TABLE_SAMPLE_ROWS = 1000


def cmd_query(args: argparse.Namespace) -> int:
    from clickhouse_connect.driver.exceptions import Error as ClickHouseConnectError

    from streams.clickhouse import ClickHouseUnavailable, connect, format_query, migrate, stream_query
    from streams.table import print_json, print_table

    code = _SQL_QUOTED.sub(" ", args.sql).strip().rstrip(";").strip()
    if not code:
        print("callstream query: no SQL given", file=sys.stderr)
        return 2
    if ";" in code:  # chDB would run each one and print their rows under the first one's columns
        print("callstream query: one statement at a time (this SQL has several, split by ;)", file=sys.stderr)
        return 2
    settings = _settings()
    busy = _data_dir_busy("query", settings)
    if busy is not None:
        return busy
    store = settings.data_dir / "clickhouse"
    fresh = settings.clickhouse_dsn is None and not store.is_dir()
    limit: dict[str, object] = {}
    # Leading blanks stay: ClickHouse counts an error's position from the first character sent.
    sql = args.sql.rstrip().rstrip(";")
    client = None

    def refused(exc: BaseException) -> int:
        reparse = None if client is None else lambda text: format_query(client, text)
        message = _query_error(exc, sql, reparse)
        if limit and "(READONLY)" in message:
            message += "; callstream query only reads unless given --write"
        sys.stdout.flush()  # rows printed before a mid-result error come first
        print(f"callstream query: {message}", file=sys.stderr)
        return 1

    try:
        client = connect(settings.effective_clickhouse_dsn)
        migrate(client)
        readonly = client.server_settings.get("readonly")
        # readonly=2: reads (and SETTINGS clauses) only; a user the server made read-only already is.
        limit = {} if args.write or (readonly is not None and readonly.value != "0") else {"readonly": 2}
        if not args.write and (kind := _writing_statement(client, sql)) is not None:
            print(
                f"callstream query: the statement writes ({kind}); it only reads unless given --write",
                file=sys.stderr,
            )
            return 1
        headers, rows, stream = stream_query(client, sql, limit)
    except ClickHouseUnavailable as exc:
        print(f"callstream query: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        return refused(exc)
    # Rows are printed as they arrive: memory stays flat however large the result.
    try:
        with stream:
            if args.format == "json":
                print_json(headers, rows, out=sys.stdout)
            else:
                print_table(headers, rows, out=sys.stdout, sample=TABLE_SAMPLE_ROWS, null="NULL")
    except ClickHouseConnectError as exc:  # the server failed halfway through the result
        return refused(exc)
    if fresh:  # an empty result from the wrong directory must not look like "no calls"
        print(
            f"callstream query: note: {store.resolve()} held no data (created empty now); run it where "
            "`callstream demo` or the sink ran, or set CALLSTREAM_DATA_DIR",
            file=sys.stderr,
        )
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    if args.what == "pii":  # needs no settings: no broker, no ClickHouse, no model
        from streams.bench_pii import DEFAULT_SEED, run_pii_bench

        return run_pii_bench(DEFAULT_SEED if args.seed is None else args.seed, verbose=args.verbose)
    if args.what == "alerts":
        from streams.bench_alerts import run_alerts_bench

        return run_alerts_bench(_settings(), 50 if args.calls is None else args.calls)
    from streams.bench import run_bench

    calls = 2000 if args.calls is None else args.calls
    return run_bench(
        _settings(), args.what, calls=calls, audio_seconds=args.audio_seconds, workers=args.workers
    )


def cmd_eval(args: argparse.Namespace) -> int:
    from ml.evaluation import run_eval

    return run_eval(
        _settings(), args.labels, args.calls, args.report, scorecard_id=args.scorecard, worst=args.worst
    )


def cmd_alerts_try(args: argparse.Namespace) -> int:
    from streams.alerts_try import read_calls, try_alerts

    settings = _settings()
    calls = read_calls(
        args.file, tenant=args.tenant, queue=args.queue, agent=args.agent, language=args.language
    )
    try_alerts(calls, settings, show_all=args.all, language=args.language)
    return 0


def cmd_alerts_notify_test(args: argparse.Namespace) -> int:
    from streams.notify_test import run_notify_test

    return run_notify_test(_settings(), tenant=args.tenant, severity=args.severity)


def cmd_dlq(args: argparse.Namespace) -> int:
    from streams import dlq
    from streams.clickhouse import ClickHouseUnavailable, connect, migrate

    command = args.dlq_command
    try:
        since = dlq.parse_since(args.since) if args.since else None
    except ValueError as exc:
        print(f"callstream dlq: {exc}", file=sys.stderr)
        return 2
    if command == "list" and args.payload and args.format != "json":
        print(
            "callstream dlq list: --payload needs --format json (a record is no table cell)", file=sys.stderr
        )
        return 2
    if command == "dismiss" and not args.reason.strip():
        print("callstream dlq dismiss: --reason must say why (it is the audit record)", file=sys.stderr)
        return 2
    settings = _settings()
    if command == "replay" and args.rate is not None and not args.dry_run and settings.embedded_broker:
        print(
            "callstream dlq replay: --rate needs CALLSTREAM_KAFKA_BOOTSTRAP: without a broker the records "
            "are queued in the data folder's spool, which the next `callstream worker` publishes at once",
            file=sys.stderr,
        )
        return 2
    topics = dlq.replay_topics(settings)
    # replay, dismiss: --limit counts the letters acted on, not those skipped (see dlq.plan)
    listing = command == "list"
    limit = args.limit if command == "export" else None
    if listing:
        limit = args.limit if args.limit is not None else dlq.DEFAULT_LIST_LIMIT
    chosen = dlq.LetterFilter(
        stage=args.stage,
        error_class=args.error_class,
        tenant=args.tenant,
        call_ids=tuple(args.call_id or ()),
        since=since,
        limit=limit,
        newest_first=listing,
        statuses=tuple(s for given in args.status or () for s in given),
        topics=topics,
    )
    if (refused := _dlq_unselected(command, args, chosen.selects)) is not None:
        print(refused, file=sys.stderr)
        return 2
    busy = _data_dir_busy(f"dlq {command}", settings)
    if busy is not None:
        return busy
    try:
        client = connect(settings.effective_clickhouse_dsn)
        migrate(client)
        letters = dlq.fetch(client, chosen)
        if not letters and (why := dlq.why_none(client, chosen)):  # a typo, not an empty queue
            print(f"callstream dlq {command}: {why}", file=sys.stderr)
    except ClickHouseUnavailable as exc:
        print(f"callstream dlq: {exc}", file=sys.stderr)
        return 2
    if listing:
        return _dlq_list(args, settings, letters, topics, limit)
    if command == "dismiss":
        report = dlq.plan_dismiss(letters, limit=args.limit)
        if not args.dry_run:
            dlq.record_dismissals(client, report.dismissed, args.reason.strip())
        dlq.print_dismiss_report(report, dry_run=args.dry_run)
        return 0
    if command == "export":
        return _dlq_export(args.output, settings, letters, args.later_stages)
    causes = None
    if args.dry_run or args.skip_unfixed:  # the dry run checks each letter's cause (dlq.check_cause)
        from schemas.codec import make_codec

        causes = dlq.CauseChecks(settings, make_codec(settings.schema_registry_url))
    unfixed = causes.unfixed if causes is not None and args.skip_unfixed else None
    report = dlq.plan(letters, topics, again=args.again, limit=args.limit, unfixed=unfixed)
    spooled = None
    if report.replayed and not args.dry_run:
        if settings.embedded_broker:  # no worker runs here (the data folder is ours): its spool waits
            spooled = dlq.queue(settings, client, report)
        else:
            from streams.topics import ensure_topics

            assert settings.kafka_bootstrap is not None
            ensure_topics(settings, settings.kafka_bootstrap)
            dlq.send(settings, settings.kafka_bootstrap, client, report, rate=args.rate)
    dlq.print_report(report, dry_run=args.dry_run, spooled=spooled, causes=causes if args.dry_run else None)
    if args.dry_run and report.replayed and not chosen.selects and not args.all:
        print(dlq.replay_all_hint(report, causes), file=sys.stderr)
    return 1 if report.failed else 0


_SELECTORS = "--stage, --error-class, --tenant, --call-id, --since or --status"


def _dlq_unselected(command: str, args: argparse.Namespace, selects: bool) -> str | None:
    """Why ``dismiss`` or ``replay`` is refused when no selector names letters: acting on the whole
    queue must be said (``--all``), not follow from a forgotten filter. A replay's ``--dry-run``
    sends nothing, so it may count the whole queue. None when it may go on."""
    if selects or command not in ("dismiss", "replay") or args.all:
        return None
    if command == "dismiss":
        return (
            f"callstream dlq dismiss: no letters named; narrow with {_SELECTORS}, "
            "or pass --all to dismiss every dead letter"
        )
    if args.dry_run:
        return None
    return (
        f"callstream dlq replay: no letters named; narrow with {_SELECTORS}, or pass --all to send "
        "back every open or failed-again dead letter (--dry-run says how many)"
    )


def _dlq_list(
    args: argparse.Namespace, settings: Settings, letters: list[Letter], topics: frozenset[str], limit: int
) -> int:
    from streams import dlq
    from streams.spool import spool_path
    from streams.table import print_json, print_table

    # a replay queued in the spool waits there only until a worker publishes (and removes) the file
    pending = spool_path(settings.data_dir).exists()
    if args.format == "json":
        headers, show = dlq.JSON_HEADERS, None
        if args.payload:
            from schemas.codec import make_codec

            codec = make_codec(settings.schema_registry_url)
            headers, show = [*headers, "payload"], lambda x: dlq.payload_record(x, settings, codec)
        rows = dlq.list_rows(letters, topics, full=True, payload=show, spool_pending=pending)
        print_json(headers, rows, out=sys.stdout)
    else:
        print_table(dlq.LIST_HEADERS, dlq.list_rows(letters, topics, spool_pending=pending), out=sys.stdout)
        if len(letters) == limit:
            print(f"(the newest {limit} shown; --limit N or narrower filters for others)", file=sys.stderr)
    return 0


def _dlq_export(output: str, settings: Settings, letters: list[Letter], later_stages: bool = False) -> int:
    """``dlq export``: the calls as JSON lines to ``output`` (``-``: stdout), the account on stderr;
    ``later_stages``: also the calls later stages' records carry."""
    from schemas.codec import make_codec
    from streams import dlq

    codec = make_codec(settings.schema_registry_url)
    if output == "-":
        sys.stdout.flush()
        report = dlq.export(letters, settings, codec, sys.stdout.buffer, later_stages)
    else:
        with open(output, "wb") as fh:
            report = dlq.export(letters, settings, codec, fh, later_stages)
    dlq.print_export_report(report, "stdout" if output == "-" else output)
    return 0


def cmd_llm_serve(args: argparse.Namespace) -> int:
    from ml.llm_serve import serve

    extra = args.vllm_args[1:] if args.vllm_args[:1] == ["--"] else args.vllm_args
    return serve(_settings(), host=args.host, extra=extra, dry_run=args.dry_run)


def cmd_config(args: argparse.Namespace) -> int:
    import logging

    from streams.settings import Settings, env_text, is_secret, redact

    def not_ignored(record: logging.LogRecord) -> bool:
        # --check refuses unknown names below: a warning that they are "ignored" would contradict it
        return not record.getMessage().startswith("callstream: ignoring unknown setting(s)")

    from streams.settings import config_file, unknown_settings

    settings_log = logging.getLogger("streams.settings")
    unknown: list[str] = []
    if args.check:
        settings_log.addFilter(not_ignored)
        # said before the values are read: a wrong value ends the check there, and both need fixing
        if unknown := unknown_settings(config_file()):
            print(f"callstream: unknown setting(s): {'; '.join(unknown)}", file=sys.stderr)
    try:
        settings = _settings()
    finally:
        settings_log.removeFilter(not_ignored)
    if args.check:  # the verdict only: the table of every setting would bury it
        if unknown:
            return 2
        scorecards, rulebook = check_config_files(settings)
        print(config_verdict(settings, config_file()), file=sys.stderr)
        describe_config(settings, scorecards, rulebook, out=sys.stderr)
        for note in config_notes(settings):
            print(f"callstream: warning: {note}", file=sys.stderr)
        return 0
    for name, field in Settings.model_fields.items():
        env = f"CALLSTREAM_{name.upper()}"
        value = getattr(settings, name)
        # credentials, and URLs that carry or are one (a DSN password, a Slack webhook), never print;
        # the rest as the variable is written, so a line pasted back means the same
        shown = redact(name, value, quoted=False) if value and is_secret(name) else env_text(value)
        print(f"{env}={shown}\n    {field.description}")
    return 0


def config_verdict(settings: Settings, env_file: str) -> str:
    """``config --check``'s line when all is well: how many settings there are and where the ones
    not at their default come from, so a user sees their variables were read at all."""
    from streams.settings import blank_is_unset

    # names are case-insensitive, as pydantic reads them; an empty one is unset, as the settings take it
    environ = {
        name.upper()
        for name, value in os.environ.items()
        if not blank_is_unset(name.upper().removeprefix("CALLSTREAM_").lower(), value)
    }
    given = settings.model_fields_set
    from_env = sum(f"CALLSTREAM_{name.upper()}" in environ for name in given)
    return (
        f"config ok: {len(type(settings).model_fields)} settings, {from_env} set from the environment, "
        f"{len(given) - from_env} from {env_file}; alert rules, scorecards, keyword dictionaries and "
        "text config load"
    )


def config_notes(settings: Settings) -> list[str]:
    """What ``config --check`` warns of without failing: values that work, but maybe not as meant
    (a recording root that is not there yet may be a volume mounted later)."""
    from streams.settings import dsn_database
    from streams.table import escape_controls

    notes = []
    dsn = settings.clickhouse_dsn
    if dsn and not dsn.startswith("chdb:") and dsn_database(dsn) is None:
        notes.append(
            f"CALLSTREAM_CLICKHOUSE_DSN ({settings.clickhouse_dsn_display}) names no database: the tables go "
            "to the ClickHouse user's default database (`default` unless the user's profile sets another); "
            "add /callstream (or your database) to the DSN to choose"
        )
    for root in settings.recording_roots:
        # "/recordings/{tenant}": the part before the first placeholder must exist
        fixed = Path(str(root).split("{", 1)[0] or ".")
        if not fixed.is_dir():
            what = "is not a folder" if fixed.exists() else "does not exist"
            notes.append(
                f"CALLSTREAM_RECORDING_ROOTS: {escape_controls(str(fixed))} {what}: no file:// recording "
                "under it can be read until it does"
            )
    return notes


def check_config_files(settings: Settings) -> tuple[Any, Any]:
    """Load what the score and alerts stages load at start (alert rules, scorecards, keyword
    dictionaries and the entries rules and scorecards name; the text config is checked with the
    settings): the first problem raises as it would stop a worker. Returns (scorecard registry,
    alert rule book)."""
    from processors.alerts import load_checked_rulebook
    from processors.rules import RuleOptions
    from processors.scorecard import ScorecardRegistry
    from processors.scoring import check_dictionaries

    scorecards = ScorecardRegistry.load(settings.scorecards_dir)
    check_dictionaries(scorecards, RuleOptions.from_settings(settings))  # as build_scorer, without a client
    return scorecards, load_checked_rulebook(settings.alert_rules_dir, settings.dictionaries_dir, scorecards)


def describe_config(settings: Settings, scorecards: Any, rulebook: Any, out: TextIO | None = None) -> None:
    """``config --check``'s account of what loaded, so a user sees their files were read at all
    (``config ok`` alone said nothing of a folder of cards that matched nothing): each scorecard and
    alert rule set with its version and file, the tenants with a keyword dictionary, then a warning
    per card whose total the configured scorer can never give (see :func:`unanswered_criteria`)."""
    from processors.alerts import PACKAGED_DIR as RULES_DIR
    from processors.rules import dictionary_tenants
    from processors.scorecard import PACKAGED_DIR as CARDS_DIR

    out = out or sys.stdout

    def source(path: Path | None, packaged: Path) -> str:
        return "packaged" if path is None or path.parent == packaged else str(path)

    cards = sorted(scorecards.cards.values(), key=lambda c: c.id)
    sets = sorted(rulebook.sets.values(), key=lambda s: s.id)
    folder = settings.dictionaries_dir
    tenants = dictionary_tenants(folder)
    print(
        "  scorecards: " + ", ".join(f"{c.id} {c.version} ({source(c.path, CARDS_DIR)})" for c in cards),
        file=out,
    )
    print(
        "  keyword dictionaries: default (packaged); tenants: "
        + (
            f"{', '.join(tenants) or 'none'} ({folder})"
            if folder is not None
            else "none (CALLSTREAM_DICTIONARIES_DIR unset)"
        ),
        file=out,
    )
    print(
        "  alert rules: " + ", ".join(f"{s.id} {s.version} ({source(s.path, RULES_DIR)})" for s in sets),
        file=out,
    )
    scorer = settings.scoring_backend
    for card in cards:
        if missing := unanswered_criteria(card, scorer):
            print(
                f"callstream: warning: {card.path or card.id}: scorecard {card.id!r}: the {scorer} scorer "
                f"answers no llm criterion {', '.join(missing)} (weighted or fatal), so every call's total "
                "on this card will be null and total-based alerts never fire; configure an LLM "
                "(CALLSTREAM_LLM_URL), give them weight: 0 and no fatal, or make them source: rule",
                file=out,
            )


def unanswered_criteria(card: Any, scorer: str) -> list[str]:
    """The weighted or fatal ``source: llm`` criteria of ``card`` the scorer (``openai``,
    ``baseline`` or ``rules``) leaves pending: with any, the card's total is always null. The baseline
    answers the criteria it has a rule for (by id and type)."""
    from processors.baseline import has_rule

    if scorer == "openai":
        return []
    return [
        c.id
        for c in card.llm_criteria
        if (c.weight > 0 or c.fatal) and (scorer != "baseline" or not has_rule(c))
    ]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("callstream")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    from streams.settings import STAGES

    parser = argparse.ArgumentParser(
        prog="callstream",
        description="Event-streaming call analytics: call events → transcription → filtering → "
        "compression → scoring → ClickHouse.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "demo",
        help="run the embedded stack on sample (or given) calls and print the results",
        description="Run the embedded stack (broker, every stage, chDB) on the bundled sample calls or "
        "on --calls, wait until each call is in `calls` or `dead_letters` and print one row per call.",
        epilog="recording_uri: file:///abs/path.wav (percent-encoded, host empty or localhost), "
        "/abs/path.wav, or a path relative to the folder of FILE (of the working directory for -); "
        "the folders of these files are added to CALLSTREAM_RECORDING_ROOTS. "
        "Exit status: 0 every call finished (processed or dead-lettered), 1 timed out, "
        "2 invalid CALLSTREAM_* settings, an unreadable file, a file without a valid call, a bad config "
        "file or an unreachable service, 130 interrupted (Ctrl-C).",
    )
    p.add_argument(
        "--calls",
        type=Path,
        metavar="FILE",
        help="CallCompleted JSON lines (- for standard input) to process instead of the bundled samples",
    )
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=900.0,
        metavar="SECONDS",
        help="give up waiting after this many seconds (default: %(default).0f)",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "worker",
        help="run the Faust agents until stopped (SIGINT/SIGTERM)",
        description="Run the chosen stages until SIGINT/SIGTERM, on the broker at "
        "CALLSTREAM_KAFKA_BOOTSTRAP (unset: an embedded broker on loopback that stops with the worker), "
        "writing to CALLSTREAM_CLICKHOUSE_DSN (unset: chDB under CALLSTREAM_DATA_DIR); serves "
        "/metrics and the live page (see `callstream config`).",
        epilog="Example: callstream worker --stages filter,compress,score,sink,alerts,notify",
    )
    p.add_argument(
        "--stages",
        type=_stages,
        help=f"comma-separated subset of {','.join(STAGES)} (default: CALLSTREAM_STAGES or all)",
    )
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser(
        "publish",
        help="validate CallCompleted JSON lines and publish them to calls.completed",
        description="Validate CallCompleted JSON lines and publish them to calls.completed on the broker "
        "at CALLSTREAM_KAFKA_BOOTSTRAP (required: the embedded broker lives only inside demo/worker).",
        epilog="Bad lines are reported on stderr as FILE:LINE: error and sent to calls.dlq; the good "
        "ones are still published. Exit status: 0 all published, 1 some line was bad, "
        "2 no broker configured, unreadable file or broker error. Input is read and published line "
        "by line, so a pipe streams. --dry-run only validates (no broker needed; exit 1 if a line is bad). "
        "Input accepted but doubtful (an unknown field, dropped; a null tenant; a time without a time "
        "zone, taken as UTC) is published with a FILE:LINE: warning, unless --strict.",
    )
    p.add_argument("file", help="JSON-lines file, or - for standard input")
    p.add_argument("--dry-run", action="store_true", help="validate only; publish nothing, need no broker")
    p.add_argument(
        "--strict",
        action="store_true",
        help="a line with a warning (unknown field, null tenant, time without time zone) is a bad line",
    )
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser(
        "ingest",
        help="serve the HTTP ingest API (POST /v1/calls) in front of the broker",
        description="Serve POST /v1/calls and POST /v1/webhooks/{source} on CALLSTREAM_INGEST_HOST:"
        "CALLSTREAM_INGEST_PORT and publish to the broker at CALLSTREAM_KAFKA_BOOTSTRAP (required). "
        "Tenants' bearer tokens: CALLSTREAM_INGEST_TOKENS=tenant:token[,...] (empty: every request "
        "gets 401).",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("import", help="publish a folder of historic recordings (resumable backfill)")
    p.add_argument("directory", type=Path, help="folder with recordings (searched recursively)")
    p.add_argument(
        "--metadata", type=Path, help="Asterisk CDR Master.csv, or a CSV with a file/call_id column"
    )
    p.add_argument("--tenant", default="default", help="tenant of the imported calls")
    p.add_argument(
        "--call-id-from",
        choices=("stem", "path"),  # connectors.backfill.CALL_ID_FROM (not imported: startup time)
        default="stem",
        help="call id of a recording without one in the metadata: stem (default: 2026-11-01/0001.wav is "
        "0001) or path (below DIRECTORY, without the suffix: 2026-11-01/0001); keep it across re-runs",
    )
    p.add_argument("--state", type=Path, help="state file (default: DIRECTORY/.callstream-import.json)")
    p.add_argument(
        "--quiet",
        action="store_true",
        help="no progress (a bar on a terminal; elsewhere a line every 10 s: done/total, rate, ETA)",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "connect", help="follow a PBX event socket (Asterisk AMI, FreeSWITCH ESL) and publish calls"
    )
    p.add_argument(
        "pbx", choices=("asterisk", "freeswitch"), help="asterisk: AMI; freeswitch: event socket (ESL)"
    )
    p.add_argument("--host", default="127.0.0.1", help="PBX address (default: %(default)s)")
    p.add_argument("--port", type=_port, help="default: 5038 (AMI) / 8021 (ESL)")
    p.add_argument("--username", default="callstream", help="AMI user (manager.conf)")
    p.add_argument(
        "--secret",
        help="AMI secret / ESL password; wins over CALLSTREAM_PBX_SECRET, which is better: a flag is "
        "visible to every user in `ps`",
    )
    p.add_argument("--tenant", default="default", help="tenant of the published calls (default: %(default)s)")
    p.set_defaults(func=cmd_connect)

    p = sub.add_parser(
        "query",
        help="run SQL on the configured ClickHouse and print the result",
        description="Run one SQL statement on CALLSTREAM_CLICKHOUSE_DSN (unset: chDB under "
        "CALLSTREAM_DATA_DIR, which one process at a time may open: not while a worker of the same "
        "directory runs). Read-only unless --write.",
        epilog='Example: callstream query "SELECT call_id, words FROM calls FINAL" --format json. '
        "Exit status: 0 done, 1 ClickHouse refused the statement, 2 no or several statements, invalid "
        "settings or ClickHouse unreachable.",
    )
    p.add_argument("sql", help="one SQL statement, e.g. 'SELECT call_id, words FROM calls FINAL'")
    p.add_argument(
        "--write",
        action="store_true",
        help="also allow statements that change data or tables (INSERT, ALTER, DROP, OPTIMIZE, ...)",
    )
    p.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table (default): aligned columns, as wide as the longest value in the first "
        f"{TABLE_SAMPLE_ROWS} rows (a longer value after those shifts its row; use json for large or "
        "machine-read results); json: one JSON object per row (JSON lines). Both print rows as they "
        "arrive, so memory stays flat however large the result",
    )
    p.set_defaults(func=cmd_query)

    p = sub.add_parser(
        "bench", help="benchmarks that print a ratio against a baseline measured in the same run"
    )
    p.add_argument(
        "what",
        choices=("backbone", "scoring", "text", "speech", "pii", "alerts"),
        help="backbone: filter→compress→score→sink vs raw Kafka; scoring: calls/s and tokens per call "
        "with vs without compression on the configured scorer; text: tokens removed, key-fact recall "
        "and calls/s of filter+compress+rules; speech: VAD + batched Whisper vs plain transcribe; "
        "pii: phones, cards, e-mails and IDs (RU/EN) still readable after filter+compress (leaks) and "
        "placeholders in prices, dates, order numbers (false positives), vs no redaction; alerts: "
        "latency from a scored call to its alert at a webhook (alerts, cool-down, notify) vs one raw "
        "Kafka hop",
    )
    p.add_argument(
        "--calls",
        type=_count(1),
        default=None,
        help="backbone, scoring, text: calls to push through (default: 2000); alerts: calls sent one "
        "at a time (default: 50)",
    )
    p.add_argument(
        "--audio-seconds",
        type=_seconds,
        default=180.0,
        help="speech: length of the generated stereo call (default: %(default).0f)",
    )
    p.add_argument(
        "--workers",
        type=_count(0),
        default=0,
        help="backbone: run filter, compress and score in N `callstream worker` processes of the same "
        "consumer group (one Python process uses one core), the sink in the bench process; "
        "0 (default): every stage in one process",
    )
    p.add_argument(
        "--seed", type=int, default=None, help="pii: seed of the generated cases (default: a fixed one)"
    )
    p.add_argument(
        "--verbose",
        action="store_true",
        help="pii: list every leak and false positive with its input and stored text (by default only "
        "when there are at most 20)",
    )
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser(
        "eval", help="compare scores with analysts' labels: MAE, F1, agreement, worst disagreements"
    )
    p.add_argument("labels", type=Path, help="CSV/XLSX: call_id, one column per criterion id, comment")
    p.add_argument(
        "--calls",
        type=Path,
        help="score these calls now (JSON lines: call_id + turns [{role, text}], or CompressedTranscripts) "
        "instead of reading scores from ClickHouse",
    )
    p.add_argument("--report", type=Path, help="directory for eval.md and eval.png")
    p.add_argument(
        "--scorecard", default="default", help="scorecard id the labels follow (default: %(default)s)"
    )
    p.add_argument("--worst", type=_count(0), default=5, help="disagreements to show (default: %(default)s)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("alerts", help="alert rule helpers")
    alerts = p.add_subparsers(dest="alerts_command", required=True, metavar="ALERTS_COMMAND")
    q = alerts.add_parser(
        "try",
        help="show which alert rules fire on a dialogue you write (no broker, no ClickHouse)",
        description="Run a dialogue through filter, compress and score as the worker does, with the "
        "configured alert rules, scorecards, dictionaries and scorer, and print the alerts it raises. "
        "FILE holds 'agent: ...' / 'customer: ...' lines, or JSON lines {call_id, turns: [{role, text}]} "
        "as `callstream eval --calls` reads; - reads stdin. No cool-down applies.",
    )
    q.add_argument("file", help="dialogue text or JSON lines; - for stdin")
    q.add_argument("--tenant", help="tenant the call belongs to (picks tenant rule sets)")
    q.add_argument("--queue", help="queue the call came through (picks queue rule sets)")
    q.add_argument("--agent", help="agent name shown in the alert messages")
    q.add_argument(
        "--language",
        choices=("en", "ru"),
        help="call language (default: detected from the words, as the score stage does; a note on "
        "stderr when the words are mostly in the other one)",
    )
    q.add_argument("--all", action="store_true", help="also list the rules that do not fire")
    q.set_defaults(func=cmd_alerts_try)
    q = alerts.add_parser(
        "notify-test",
        help="send one test alert through every configured notification channel",
        description="Send one alert that says it is a test through each configured channel (webhook, "
        "Slack, Telegram, e-mail: the CALLSTREAM_NOTIFY_* settings), once, without retries, and print "
        "each channel's result. Exit 0 when every channel took it, 1 when one failed, 2 when none is "
        "configured. Needs no broker and no ClickHouse.",
    )
    q.add_argument("--tenant", default="default", help="tenant the test alert names (default: %(default)s)")
    q.add_argument(
        "--severity",
        choices=("info", "warning", "critical"),
        default="warning",
        help="severity of the test alert (default: %(default)s)",
    )
    q.set_defaults(func=cmd_alerts_notify_test)

    p = sub.add_parser(
        "dlq",
        help="list dead letters, send their records back, dismiss them, or export their calls",
        description="Work on the dead letters in ClickHouse (`dead_letters`, written by the sink). `list` "
        "shows them, newest first, with their status: open, replayed Nx, failed again after N "
        "replay(s), resolved (the call reached `calls` after the failure), dismissed or not replayable. "
        "`replay` sends each chosen letter's original record, key and value untouched, back to the topic "
        "it was read from, once its cause is fixed "
        "(a recording that arrived late, an LLM server that was down, a corrected config): the stage "
        "that failed reads it again. Replays are recorded in `dead_letter_replays`; a letter replayed "
        "before, resolved or dismissed since is skipped unless --again. `replay` and `dismiss` need a "
        "selector (--stage, --error-class, --tenant, --call-id, --since, --status) or --all. "
        "`dismiss --reason TEXT` marks "
        "letters handled without a replay (a test call, junk for good), recorded in "
        "`dead_letter_dismissals` with who, when and why. `export` writes the chosen letters' calls as "
        "the JSON lines `callstream publish` reads, to correct and publish again. Lines refused by "
        "publish, ingest or connect were never events: export them, fix them and publish them "
        "again; a recording import refused is fixed and imported again (export skips it). Without "
        "CALLSTREAM_KAFKA_BOOTSTRAP the records are queued in the data folder's broker spool, which the "
        "next `callstream worker` publishes before any stage reads.",
        epilog="Exit status: 0 done (also when nothing matched), 1 a record was not acknowledged by the "
        "broker (run it again: only unsent letters go), 2 bad arguments or settings, the data folder in use "
        "by a worker (the embedded ClickHouse), or a broker or ClickHouse that cannot be reached. Times "
        "are UTC.",
    )
    dlq_sub = p.add_subparsers(dest="dlq_command", required=True, metavar="DLQ_COMMAND")
    for name, help_text in (
        ("list", "show dead letters, newest first (default: the newest 50)"),
        ("replay", "send dead letters' records back to their topics"),
        (
            "dismiss",
            "mark dead letters handled without replaying them (a test call, a record that is junk for "
            "good), with the reason; `replay` then skips them unless --again. There is no undismiss: "
            "`replay --again` or a new failure of the letter after the dismissal opens it again",
        ),
        (
            "export",
            "write the calls of dead letters as the JSON lines `callstream publish` reads (a letter "
            "whose record is a later stage's is skipped, with the reason on stderr, unless "
            "--later-stages), to correct and publish again",
        ),
    ):
        q = dlq_sub.add_parser(name, help=help_text, description=help_text)
        q.add_argument(
            "--stage",
            choices=(*STAGES, "publish", "ingest"),  # and the stages that refuse input before Kafka
            help="only letters of this stage",
        )
        q.add_argument("--error-class", help="only this error class, in any case (e.g. RecordingNotFound)")
        q.add_argument("--tenant", help="only this tenant's letters")
        q.add_argument(
            "--call-id", action="append", metavar="ID", help="only this call's letters (repeatable)"
        )
        q.add_argument(
            "--since", metavar="WHEN", help="failed since: a duration (90m, 2h, 1d) or an ISO time"
        )
        q.add_argument(
            "--limit",
            type=_count(1),
            metavar="N",
            help="at most N letters"
            + {
                "replay": " sent back (skipped ones do not count)",
                "dismiss": " dismissed (skipped ones do not count)",
                "export": " looked at, oldest first",
            }.get(name, ""),
        )
        q.add_argument(
            "--status",
            action="append",
            type=_dlq_statuses,
            metavar="STATUS",
            help="only letters with this status: open, replayed, failed-again, resolved, dismissed, "
            "not-replayable (repeatable, or a comma list; chosen before --limit)"
            + {
                "replay": "; `--status failed-again` sends back only what failed again after a replay; "
                "letters replayed before, dismissed or resolved are still skipped unless --again",
            }.get(name, ""),
        )
        if name == "list":
            q.add_argument("--format", choices=("table", "json"), default="table", help="output format")
            q.add_argument(
                "--payload",
                action="store_true",
                help="with --format json: each letter's record too, decoded (the Avro record its topic "
                "holds, or the refused line as text); narrow with --call-id, transcripts are long",
            )
        elif name == "replay":
            q.add_argument(
                "--dry-run",
                action="store_true",
                help="say what would be replayed, and for each letter whether its cause is still "
                "there where a cheap offline check tells: its recording (the transcribe stage's "
                "resolver and recording roots, size, header) or its record's decoding and validation "
                "('would fail again: ...', 'cause gone: ...', 'cause not checked: ...'), with the counts; "
                "send nothing (allowed without a selector: counts them)",
            )
            q.add_argument(
                "--again",
                action="store_true",
                help="also letters replayed before, dismissed, or whose call has reached `calls` since",
            )
            q.add_argument(
                "--all",
                action="store_true",
                help=f"allow replaying without {_SELECTORS}: every open or failed-again dead letter",
            )
            q.add_argument(
                "--skip-unfixed",
                action="store_true",
                help="leave out letters whose cause is still there, as the --dry-run check finds it "
                "(a recording still missing, empty or corrupt; a record that still does not decode or "
                "validate); letters it cannot check go back",
            )
            q.add_argument(
                "--rate",
                type=_rate,
                metavar="N",
                help="send at most N records a second (a large backlog without flooding the stage it "
                "goes back to), with progress on stderr every few seconds; needs "
                "CALLSTREAM_KAFKA_BOOTSTRAP",
            )
        elif name == "dismiss":
            q.add_argument(
                "--reason", required=True, metavar="TEXT", help="why (kept with who and when, for the audit)"
            )
            q.add_argument(
                "--all",
                action="store_true",
                help=f"allow dismissing without {_SELECTORS}: every dead letter",
            )
            q.add_argument(
                "--dry-run", action="store_true", help="say what would be dismissed; record nothing"
            )
        else:
            q.add_argument(
                "-o",
                "--output",
                default="-",
                metavar="FILE",
                help="where the JSON lines go (default -: stdout); the account goes to stderr",
            )
            q.add_argument(
                "--later-stages",
                action="store_true",
                help="also the call a later stage's record carries (a Transcript failing at filter, a "
                "CallScore at sink: each embeds its CallCompleted); published again, such a call is "
                "transcribed again, where `replay` re-runs only the stage that failed",
            )
        q.set_defaults(func=cmd_dlq)

    p = sub.add_parser("llm", help="LLM server helpers (gpu extra)")
    llm = p.add_subparsers(dest="llm_command", required=True, metavar="LLM_COMMAND")
    q = llm.add_parser(
        "serve", help="start vLLM (OpenAI-compatible) with the configured model and LoRA adapters"
    )
    q.add_argument(
        "--host",
        default="127.0.0.1",
        help="address vLLM listens on (default: %(default)s, this machine only, like every other "
        "callstream server); --host 0.0.0.0 listens on all interfaces, for workers on other machines "
        "(then set CALLSTREAM_LLM_API_KEY)",
    )
    q.add_argument("--dry-run", action="store_true", help="print the vllm command and exit")
    q.add_argument("vllm_args", nargs=argparse.REMAINDER, help="extra vllm serve arguments (after --)")
    q.set_defaults(func=cmd_llm_serve)

    p = sub.add_parser(
        "config",
        help="print every setting, its environment variable and current value",
        description="Print every setting: its CALLSTREAM_* variable, its value (from the environment, "
        "./.env or the file named by CALLSTREAM_CONFIG; credentials hidden) and what it means. "
        "Exit status 2 when a value is invalid, with one line per wrong variable.",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="check instead of printing: validate the settings, refuse unknown CALLSTREAM_* names and "
        "load the alert rules, scorecards and keyword dictionaries the settings name, as a worker does "
        "at start; print only the verdict ('config ok' and the scorecards, dictionary tenants and rule "
        "sets that loaded, with a warning for a card whose total the scorer can never give; or exit 2 "
        "naming each wrong variable or the file of the first problem)",
    )
    p.set_defaults(func=cmd_config)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Ctrl-C anywhere (the imports of pydantic, faust or faster-whisper included) is one line and
        # 130, as for any command SIGINT ended. demo and worker catch the signal themselves and stop
        # their stack before anything reaches here. From here on we are exiting: a further Ctrl-C
        # (users press it twice) must not kill the interpreter with SIGINT instead of exit 130.
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        _forget_unhandled_interrupt()
        print("interrupted", file=sys.stderr)
        return 130


def _forget_unhandled_interrupt() -> None:
    """Clear CPython's note that a KeyboardInterrupt went unhandled, which it takes when one escapes
    code run by ``exec`` of a string (a dataclass or namedtuple being built when Ctrl-C came): we
    handled it, but under ``python -m streams.cli`` the interpreter would still end by killing
    itself with SIGINT (bpo-1054041's exit), status -2 instead of our 130. Running any source
    string resets that note before running it."""
    exec("")


def _main(argv: list[str] | None) -> int:
    from streams.settings import SettingsError

    args = build_parser().parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        return args.func(args)
    except SettingsError as exc:  # a SystemExit, whose string would exit 1: configuration is exit 2
        print(exc, file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`callstream query ... | head`): stop quietly, as cat does, and keep
        # the interpreter's final flush of stdout from raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # SIGPIPE
    except (OSError, RuntimeError, ValueError) as exc:  # every class in user_error() is one of these
        message = user_error(exc)
        if message is None:
            raise
        print(f"callstream: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
