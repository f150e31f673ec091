"""``callstream dlq list|replay|dismiss|export``: find dead letters in ClickHouse, send their records
back, mark them handled, or hand their calls to an integrator to correct.

A dead letter keeps the record it failed on untouched (``dead_letters.payload`` and ``key``) with
the topic it was read from. Once the cause is fixed (a recording that arrived late, an LLM server
that was down, a scorecard or config corrected), ``replay`` produces each chosen letter's record
again, key and value as they were, to that topic, so the stage that failed reads it again and the
call goes on through the pipeline; the sink's idempotent writes absorb a call processed twice.

Only records read from a pipeline topic can go back: a line refused by ``publish``, ``ingest``,
``import`` or ``connect`` never was a valid event (fix the source and publish it again), and a
letter without its payload (an event over the size limit) has nothing to send. A replay is recorded
in ``dead_letter_replays`` after the broker acknowledged the record, so ``replay`` skips a letter
sent back before unless given ``--again``; a letter whose call has since reached ``calls`` is skipped
the same way (it was resolved by other means). A record that fails again is a new dead letter.

A letter that needs no replay (a test call, a record that is junk for good) is ``dismiss``ed: an audit
row in ``dead_letter_dismissals`` with who, when and why; ``replay`` then skips it unless ``--again``.
``export`` writes the calls of the chosen letters as the JSON lines ``callstream publish`` reads, so
a call whose record was wrong is corrected and published again rather than replayed as it was
(``--later-stages``: also the call a later stage's record carries).

``replay --dry-run`` says per letter whether the replay would just fail again (:func:`check_cause`:
the recording still missing, the record still invalid), ``--skip-unfixed`` leaves those out, and
``--rate`` paces a large backlog (:class:`Pacer`).
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import re
import socket
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from streams.progress import ProgressLines, Ticker, rate_and_eta
from streams.settings import Settings
from streams.topics import ALL, COMPLETED, DLQ

#: Stages whose dead letters concern a call after its ``calls`` row (a newer row does not resolve them).
AFTER_CALLS_ROW = frozenset({"alerts", "notify"})
#: How many letters ``list`` shows unless told otherwise.
DEFAULT_LIST_LIMIT = 50
#: What ``--status`` picks from (:meth:`Letter.state`).
STATES = ("open", "replayed", "failed-again", "resolved", "dismissed", "not-replayable")

_LETTERS_SQL = """
SELECT d.topic, d.partition, d.offset, d.stage, d.payload_hash, d.call_id, d.tenant, d.key, d.payload,
       d.error_class, d.error_message, d.attempts, d.failed_at,
       r.replays, r.last_replayed_at, c.processed_at, r.last_replayed_by,
       x.dismissals, x.last_dismissed_at, x.dismissed_reason, x.last_dismissed_by
FROM dead_letters AS d FINAL
LEFT JOIN (
    SELECT topic, partition, offset, stage, payload_hash, count() AS replays,
           max(replayed_at) AS last_replayed_at, argMax(replayed_by, replayed_at) AS last_replayed_by
    FROM dead_letter_replays GROUP BY topic, partition, offset, stage, payload_hash
) AS r ON r.topic = d.topic AND r.partition = d.partition AND r.offset = d.offset
      AND r.stage = d.stage AND r.payload_hash = d.payload_hash
LEFT JOIN (
    SELECT topic, partition, offset, stage, payload_hash, count() AS dismissals,
           max(dismissed_at) AS last_dismissed_at, argMax(reason, dismissed_at) AS dismissed_reason,
           argMax(dismissed_by, dismissed_at) AS last_dismissed_by
    FROM dead_letter_dismissals GROUP BY topic, partition, offset, stage, payload_hash
) AS x ON x.topic = d.topic AND x.partition = d.partition AND x.offset = d.offset
      AND x.stage = d.stage AND x.payload_hash = d.payload_hash
LEFT JOIN (
    SELECT call_id, max(_version) AS processed_at FROM calls FINAL GROUP BY call_id
) AS c ON c.call_id = assumeNotNull(d.call_id)
WHERE {where}
ORDER BY d.failed_at {order}, d.topic, d.partition, d.offset
{limit}
"""

#: :meth:`Letter.state` in SQL, so ``--status`` filters before the LIMIT (``list``: the newest 50 open
#: letters, not the open ones among the newest 50; ``export --limit`` alike). A LEFT JOIN without a
#: match gives 0 and the epoch, never NULL. Keep in step with :meth:`Letter.state`
#: (tests/integration/test_dlq_commands.py compares).
_STATE_SQL = """multiIf(
    c.processed_at > toUnixTimestamp64Milli(d.failed_at) AND d.stage NOT IN %(after_calls_row)s, 'resolved',
    x.dismissals > 0 AND x.last_dismissed_at >= d.failed_at
        AND (r.replays = 0 OR x.last_dismissed_at >= r.last_replayed_at), 'dismissed',
    r.replays > 0 AND d.failed_at > r.last_replayed_at, 'failed-again',
    r.replays > 0, 'replayed',
    d.topic NOT IN %(replay_topics)s OR length(d.payload) = 0, 'not-replayable',
    'open')"""

_ERROR_CLASSES_SQL = """
SELECT d.error_class, count() FROM dead_letters AS d FINAL WHERE {where}
GROUP BY d.error_class ORDER BY count() DESC, d.error_class
"""


@dataclass(frozen=True)
class LetterFilter:
    """Which dead letters a command works on (every given condition must hold)."""

    stage: str | None = None
    error_class: str | None = None
    tenant: str | None = None
    call_ids: tuple[str, ...] = ()
    since: datetime | None = None
    limit: int | None = None
    #: ``list``: the newest failures first (what an operator looks at); ``replay`` keeps failure order.
    newest_first: bool = False
    #: ``--status``: only letters in one of these :data:`STATES`.
    statuses: tuple[str, ...] = ()
    #: The topics a record may go back to (:func:`replay_topics`): what ``not-replayable`` is judged by.
    topics: frozenset[str] = frozenset()

    @property
    def selects(self) -> bool:
        """Whether a condition narrows the letters (``--limit`` alone does not: it takes any N)."""
        given = (self.stage, self.error_class, self.tenant, self.since)
        return any(value is not None for value in given) or bool(self.call_ids or self.statuses)

    def where(self) -> tuple[str, dict[str, Any]]:
        """The WHERE condition with its parameters (values are always bound, never pasted in)."""
        where, params = ["1"], {}
        for column, value in (("stage", self.stage), ("tenant", self.tenant)):
            if value is not None:
                where.append(f"d.{column} = %({column})s")
                params[column] = value
        if self.error_class is not None:  # people type `filenotfounderror`
            where.append("lower(d.error_class) = lower(%(error_class)s)")
            params["error_class"] = self.error_class
        if self.call_ids:
            where.append("d.call_id IN %(call_ids)s")
            params["call_ids"] = list(self.call_ids)
        if self.since is not None:
            where.append("d.failed_at >= %(since)s")
            params["since"] = self.since.astimezone(UTC).replace(tzinfo=None)
        if self.statuses:
            where.append(f"{_STATE_SQL} IN %(statuses)s")
            params["statuses"] = list(self.statuses)
            params["after_calls_row"] = sorted(AFTER_CALLS_ROW)
            params["replay_topics"] = sorted(self.topics) or [""]  # IN () is no SQL
        return " AND ".join(where), params

    def sql(self) -> tuple[str, dict[str, Any]]:
        """:data:`_LETTERS_SQL` with this WHERE and LIMIT, and their parameters."""
        where, params = self.where()
        limit = ""
        if self.limit is not None:
            limit = "LIMIT %(limit)s"
            params["limit"] = self.limit
        order = "DESC" if self.newest_first else "ASC"
        return _LETTERS_SQL.format(where=where, order=order, limit=limit), params


def parse_statuses(texts: Iterable[str]) -> tuple[str, ...]:
    """``--status`` values, each one a state or a comma list of them; ValueError names the valid ones."""
    chosen: list[str] = []
    for text in texts:
        for name in (part.strip().lower() for part in text.split(",")):
            name = name.replace("_", "-").replace(" ", "-")
            if name not in STATES:
                raise ValueError(f"--status: unknown status {name!r}; choose from {', '.join(STATES)}")
            if name not in chosen:
                chosen.append(name)
    return tuple(chosen)


@dataclass
class Letter:
    """One ``dead_letters`` row with what is known of its replays and its call since."""

    topic: str
    partition: int
    offset: int
    stage: str
    payload_hash: int
    call_id: str | None
    tenant: str
    key: bytes | None
    payload: bytes
    error_class: str
    error_message: str
    attempts: int
    failed_at: datetime
    replays: int = 0
    last_replayed_at: datetime | None = None
    #: ``calls._version`` (ms) of the call's newest row, if it has one.
    processed_at: int | None = None
    #: Who sent it back last; ``... (spool)`` when it was queued in the embedded broker's spool.
    last_replayed_by: str = ""
    dismissals: int = 0
    last_dismissed_at: datetime | None = None
    #: The reason given with the last dismissal.
    dismissed_reason: str = ""
    last_dismissed_by: str = ""

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Letter:
        letter = cls(*row)
        for name in ("key", "payload"):  # String columns come back as str unless bytes were asked for
            value = getattr(letter, name)
            if isinstance(value, str):
                setattr(letter, name, value.encode("utf-8", "surrogateescape"))
        letter.replays = int(letter.replays or 0)
        if not letter.replays:  # LEFT JOIN without a match: default values, not replays
            letter.last_replayed_at = None
        letter.processed_at = int(letter.processed_at) if letter.processed_at else None
        letter.last_replayed_by = letter.last_replayed_by or ""
        letter.dismissals = int(letter.dismissals or 0)
        if not letter.dismissals:
            letter.last_dismissed_at = None
        letter.dismissed_reason = letter.dismissed_reason or ""
        letter.last_dismissed_by = letter.last_dismissed_by or ""
        return letter

    @property
    def resolved(self) -> bool:
        """The call reached ``calls`` after this failure (published again, or replayed and done)."""
        if self.processed_at is None or self.stage in AFTER_CALLS_ROW:
            return False
        failed_ms = int(self.failed_at.replace(tzinfo=self.failed_at.tzinfo or UTC).timestamp() * 1000)
        return self.processed_at > failed_ms

    @property
    def failed_again(self) -> bool:
        """It failed after its last replay: a replayed record that fails the same way again where it
        was read before (the embedded broker restarts its topics at offset 0) collapses into this
        letter, whose ``failed_at`` then moves past the replay. That replay did not fix it."""
        if not self.replays or self.last_replayed_at is None:
            return False
        return _utc(self.failed_at) > _utc(self.last_replayed_at)

    @property
    def dismissed(self) -> bool:
        """Marked handled (``dismiss``) since it last failed and since its last replay: a replay
        after the dismissal (``--again``), or a failure after it, opens the letter again."""
        when = self.last_dismissed_at
        if not self.dismissals or when is None or _utc(when) < _utc(self.failed_at):
            return False
        return not self.replays or self.last_replayed_at is None or _utc(when) >= _utc(self.last_replayed_at)

    def state(self, topics: frozenset[str]) -> str:
        """One of :data:`STATES` (what ``--status`` selects; the SQL twin is :data:`_STATE_SQL`)."""
        if self.resolved:
            return "resolved"
        if self.dismissed:
            return "dismissed"
        if self.failed_again:
            return "failed-again"
        if self.replays:
            return "replayed"
        return "open" if why_not(self, topics) is None else "not-replayable"

    @property
    def status(self) -> str:
        return self.status_text()

    def status_text(self, spool_pending: bool = True) -> str:
        """:attr:`status`; ``spool_pending``: the data folder's broker spool still holds records (once
        a worker published it, a replay queued there is no longer waiting in it)."""
        if self.resolved:
            return "resolved"
        if self.dismissed:
            return "dismissed"
        if self.failed_again:
            return f"failed again after {self.replays} replay(s)"
        if not self.replays:
            return "open"
        # a spooled record is sent only when a worker starts: until then it may still be lost
        queued = spool_pending and self.last_replayed_by.endswith("(spool)")
        spooled = " (last one queued in the spool)" if queued else ""
        return f"replayed {self.replays}x{spooled}"


def _utc(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def replay_topics(settings: Settings) -> frozenset[str]:
    """The topics a dead letter's record may go back to: every pipeline topic but the DLQ itself."""
    return frozenset(settings.topic(spec.name) for spec in ALL if spec != DLQ)


def imported_file(letter: Letter) -> str | None:
    """The recording ``callstream import`` refused, when ``letter`` is such a refusal (its "line" is
    the file's path under the imported folder, its topic), else None: no JSON line to correct."""
    if letter.stage != "publish" or letter.partition >= 0 or letter.offset != 0 or not letter.payload:
        return None
    path = letter.payload.decode("utf-8", errors="replace")
    folder = letter.topic.rstrip("/")
    return path if folder.startswith("/") and path.startswith(folder + "/") else None


def _import_again(letter: Letter, path: str) -> str:
    return (
        f"a recording `callstream import` refused ({path}): fix or replace the file and run "
        f"`callstream import {letter.topic}` again (same options), which publishes only what it has not"
    )


def why_not(letter: Letter, topics: frozenset[str]) -> str | None:
    """Why ``letter`` cannot be replayed, None when it can."""
    if letter.topic not in topics:
        if (path := imported_file(letter)) is not None:
            return _import_again(letter, path)
        if letter.partition < 0:
            return f"refused at {letter.stage} before it was an event (fix the source and publish it again)"
        return f"read from {letter.topic}, not a topic of this configuration (CALLSTREAM_TOPIC_PREFIX?)"
    if not letter.payload:
        return "its record was not kept (over the size limit)"
    return None


def fetch(client: Any, letters: LetterFilter) -> list[Letter]:
    """The letters ``letters`` selects, in failure order (newest first if it says so)."""
    sql, params = letters.sql()
    rows = client.query(
        sql, parameters=params, column_formats={"key": "bytes", "payload": "bytes"}
    ).result_rows
    return [Letter.from_row(row) for row in rows]


def error_classes(client: Any, letters: LetterFilter) -> dict[str, int]:
    """The error classes of the letters ``letters`` selects when its error class is left out, with
    their counts, the commonest first: what ``--error-class`` could have said."""
    others = dataclasses.replace(letters, error_class=None, statuses=(), limit=None)
    where, params = others.where()
    rows = client.query(_ERROR_CLASSES_SQL.format(where=where), parameters=params).result_rows
    return {str(name): int(count) for name, count in rows}


def why_none(client: Any, letters: LetterFilter) -> str | None:
    """When ``letters`` selected nothing: why, if it is an error class no letter there has."""
    if letters.error_class is None:
        return None
    return unknown_error_class(letters.error_class, error_classes(client, letters))


def unknown_error_class(given: str, classes: Mapping[str, int]) -> str | None:
    """Why ``--error-class given`` matched nothing when no letter of the selection has that class (in
    any case), else None (the class exists; other conditions left nothing)."""
    if given.lower() in {name.lower() for name in classes}:
        return None
    if not classes:
        return f"no dead letters of error class {given!r}: none match the other conditions either"
    known = ", ".join(f"{name} ({count})" for name, count in classes.items())
    return f"no dead letters of error class {given!r}; the error classes there are: {known}"


@dataclass
class ReplayReport:
    replayed: list[Letter] = field(default_factory=list)
    skipped: list[tuple[Letter, str]] = field(default_factory=list)
    failed: list[tuple[Letter, str]] = field(default_factory=list)
    #: (older letter, newer letter of the same record): the older goes back with the newer.
    same_record: list[tuple[Letter, Letter]] = field(default_factory=list)

    def sent_with(self, letters: Sequence[Letter]) -> list[Letter]:
        """``letters`` and the older letters of the same records, which went back with them."""
        going = {id(x) for x in letters}
        return [*letters, *(older for older, newer in self.same_record if id(newer) in going)]


def plan(
    letters: Iterable[Letter],
    topics: frozenset[str],
    again: bool,
    limit: int | None = None,
    unfixed: Callable[[Letter], str | None] | None = None,
) -> ReplayReport:
    """Which letters go back (``replayed``, not yet sent) and which not, with the reason; ``limit``
    counts the letters that go back (not the skipped ones), so ``--limit N`` run again goes on.
    ``unfixed`` (``--skip-unfixed``: :meth:`CauseChecks.unfixed`): why a letter that would go back
    stays, its cause still there; asked only of those letters, before ``limit`` counts them."""
    report = ReplayReport()
    sent: dict[tuple[str, bytes | None, bytes], Letter] = {}
    for letter in letters:
        if limit is not None and len(report.replayed) >= limit:
            break
        reason = why_not(letter, topics)
        if reason is None and not again and letter.resolved:
            reason = "its call has reached `calls` since (--again replays it anyway)"
        if reason is None and not again and letter.dismissed:
            reason = f"dismissed: {letter.dismissed_reason} (--again replays it anyway)"
        if reason is None and not again and letter.replays and not letter.failed_again:
            reason = f"replayed {letter.replays}x already (--again replays it once more)"
        if reason is None and unfixed is not None:
            reason = unfixed(letter)
        if reason is None and (same := sent.get((letter.topic, letter.key, letter.payload))) is not None:
            # one record that failed more than once (--again): sent once, as its newest letter
            report.replayed.remove(same)
            report.skipped.append((same, "the same record as a newer letter, which goes instead"))
            report.same_record.append((same, letter))
        if reason is None:
            sent[(letter.topic, letter.key, letter.payload)] = letter
            report.replayed.append(letter)
        else:
            report.skipped.append((letter, reason))
    return report


# --- cause check (``replay --dry-run``, ``--skip-unfixed``) ------------------------------------------------

#: Error classes of a record that a stage could not decode (:mod:`schemas.codec`) or that broke the
#: contract (:mod:`schemas.validation`): decoding and validating the kept payload again tells.
RECORD_ERRORS = frozenset({"SchemaError", "NotSingleObjectError", "UnknownSchemaError", "InvalidCall"})
#: Error classes of the transcribe stage about the recording itself (:mod:`processors.audio`), which a
#: look at the file tells without transcribing it. ``RecordingTooLarge`` is a download's: not checked.
RECORDING_ERRORS = frozenset(
    {
        "RecordingNotFound",
        "RecordingNotAllowed",
        "EmptyRecording",
        "CorruptRecording",
        "RecordingTooLong",
        "RecordingUnavailable",
    }
)
#: :attr:`Cause.state` values, in the order the summary names them.
CAUSE_STATES = ("again", "gone", "unknown")


@dataclass(frozen=True)
class Cause:
    """What a cheap, offline look found of a letter's cause: ``again`` (still there: a replay would
    fail again), ``gone`` (what failed reads now), ``unknown`` (not checkable without the replay)."""

    state: str
    reason: str

    def __str__(self) -> str:
        lead = {"again": "would fail again", "gone": "cause gone"}.get(self.state, "cause not checked")
        return f"{lead}: {self.reason}"


def _validation_problems(stage: str, record_name: str, record: Mapping[str, Any]) -> list[str]:
    """What ``stage`` refuses of a decoded ``record`` before its work (the checks its agent runs:
    streams/agents/*.py), or nothing when that stage checks no contract."""
    from schemas.validation import call_problems, score_problems, transcript_problems

    if stage == "transcribe" and record_name == COMPLETED.record:
        return call_problems(record)
    if stage == "filter" and record_name == "Transcript":
        return transcript_problems(record)
    if stage == "compress" and record_name == "FilteredTranscript":
        return transcript_problems(record["transcript"])
    if stage == "sink" and record_name == "CallScore":
        return score_problems(record)
    return []


def check_cause(letter: Letter, settings: Settings, codec: Any) -> Cause:
    """Whether ``letter``'s replay would fail again for the same reason, where that is cheap to tell
    offline: the stage's own decoding and validation run again on the kept payload, and for a
    recording error the stage's resolver (recording roots, ``{tenant}``) and header probe run on the
    recording, without decoding or transcribing it. Never raises: a payload that broke a stage may
    break this."""
    error = letter.error_class
    if error not in RECORD_ERRORS and error not in RECORDING_ERRORS:
        return Cause("unknown", f"{error} is no recording, decoding or validation error (replay to find out)")
    if error in RECORDING_ERRORS and letter.stage != "transcribe":
        return Cause("unknown", f"a {error} at {letter.stage} is not one the transcribe stage raised")
    name = {settings.topic(spec.name): spec.record for spec in ALL}.get(letter.topic)
    if name is None or not letter.payload:
        return Cause("unknown", why_not(letter, replay_topics(settings)) or "no record to check")
    try:
        return _check_record(letter, name, settings, codec)
    except Exception as exc:  # a check must not end the dry run
        return Cause("unknown", f"the check itself failed: {type(exc).__name__}: {exc}")


def _check_record(letter: Letter, name: str, settings: Settings, codec: Any) -> Cause:
    from schemas.codec import RegistryUnavailableError

    try:
        record = codec.decode(name, letter.payload, letter.topic)
    except (RegistryUnavailableError, ConnectionError, TimeoutError) as exc:
        return Cause("unknown", f"the record cannot be decoded without the schema registry ({exc})")
    except Exception as exc:
        return Cause("again", f"the record still does not decode: {type(exc).__name__}: {exc}")
    if problems := _validation_problems(letter.stage, name, record):
        how = " (`dlq export` it, correct and publish it)" if name == COMPLETED.record else ""
        return Cause("again", f"the record is still invalid: {'; '.join(problems)}{how}")
    if letter.error_class in RECORD_ERRORS:
        return Cause("gone", f"the record decodes as a {name} and passes {letter.stage}'s checks now")
    return _check_recording(letter, record, settings)


def _check_recording(letter: Letter, call: Mapping[str, Any], settings: Settings) -> Cause:
    """A recording error's cause: the transcribe stage's own steps up to the audio header
    (processors/audio.py: :func:`resolve_recording`, the size and :func:`probe_header`), never a
    download or a decode."""
    from processors.audio import (
        AudioError,
        EmptyRecording,
        _unreadable,  # the stage's own naming of an OS error on a recording
        is_remote,
        probe_header,
        resolve_recording,
    )

    uri = str(call["recording_uri"])
    if is_remote(uri):
        return Cause("unknown", "a remote recording (http(s), s3) is not downloaded by this check")
    try:
        path = resolve_recording(uri, settings.recording_roots, call.get("tenant"))
        try:
            info = path.stat()
            if info.st_size == 0:
                raise EmptyRecording(f"{path}: file is zero bytes")
            with path.open("rb") as fh:
                fh.read(1)
        except OSError as exc:
            raise _unreadable(path, exc) from None
        _, seconds = probe_header(path)
    except AudioError as exc:
        if not settings.recording_roots and "CALLSTREAM_RECORDING_ROOTS" in str(exc):
            # outside the roots of a shell that has none: the workers' roots decide, not this shell's
            return _not_set_here("CALLSTREAM_RECORDING_ROOTS")
        return Cause("again", f"{_recording_problem(type(exc).__name__, letter.error_class)}: {exc}")
    limit = settings.max_audio_seconds
    if letter.error_class == "RecordingTooLong":
        if "max_audio_seconds" not in settings.model_fields_set:  # the default here; the workers'?
            return _not_set_here("CALLSTREAM_MAX_AUDIO_SECONDS")
        if seconds is not None and seconds > limit:
            return Cause("again", f"recording still too long: {path}: {seconds:.0f} s, limit {limit:.0f} s")
        # within the limit by its header: it failed on its decoded length, or the limit was raised
        before = _TOO_LONG_LIMIT.search(letter.error_message)
        if before is None:
            return Cause("unknown", f"{path}: the limit it failed against is not in its error message")
        if limit <= float(before.group(1)):
            return Cause(
                "again",
                f"recording still too long: {path}: the limit is still {limit:.0f} s (the decoded length)",
            )
        header = f"its header says {seconds:.0f} s" if seconds is not None else "its header gives no length"
        return Cause(
            "gone", f"{path}: the limit was raised from {before.group(1)} s to {limit:.0f} s; {header}"
        )
    if letter.error_class in ("EmptyRecording", "CorruptRecording"):
        changed = max(info.st_mtime, info.st_ctime)
        if changed <= _utc(letter.failed_at).timestamp():
            return Cause(
                "unknown",
                f"{path}: unchanged since the failure; its header reads, but the failure may be in "
                "decoding, which this check does not do",
            )
        return Cause("gone", f"recording replaced since the failure and its header reads: {path}")
    return Cause("gone", f"recording now readable: {path} ({info.st_size} bytes)")


def _not_set_here(variable: str) -> Cause:
    """The check runs with the command's own settings: a verdict that hangs on one this shell does
    not set would be a false "would fail again" (every recording outside the default roots)."""
    return Cause("unknown", f"{variable} is not set in this shell (the workers' setting decides)")


#: The limit in a ``RecordingTooLong`` message (processors/audio.py: "exceeds the 14400 s limit").
_TOO_LONG_LIMIT = re.compile(r"exceeds the (\d+) s limit")

_RECORDING_PROBLEMS = {
    "RecordingNotFound": "missing",
    "RecordingNotAllowed": "not allowed",
    "EmptyRecording": "empty",
    "CorruptRecording": "not decodable",
    "RecordingTooLong": "too long",
    "RecordingUnavailable": "unreachable",
}


def _recording_problem(found: str, failed: str) -> str:
    """``recording still missing`` when the same error stands, ``recording now empty`` when another."""
    return f"recording {'still' if found == failed else 'now'} {_RECORDING_PROBLEMS.get(found, found)}"


class CauseChecks:
    """:func:`check_cause` of each letter once (a dry run shows what ``--skip-unfixed`` decided)."""

    def __init__(self, settings: Settings, codec: Any) -> None:
        self.settings, self.codec = settings, codec
        self._found: dict[int, tuple[Letter, Cause]] = {}

    def __call__(self, letter: Letter) -> Cause:
        if id(letter) not in self._found:  # the letter is kept too, so its id is not reused
            self._found[id(letter)] = (letter, check_cause(letter, self.settings, self.codec))
        return self._found[id(letter)][1]

    def unfixed(self, letter: Letter) -> str | None:
        """``--skip-unfixed``: why ``letter`` stays out of the replay, None when it goes."""
        cause = self(letter)
        return f"{cause} (--skip-unfixed)" if cause.state == "again" else None

    def counts(self) -> dict[str, int]:
        """How many letters were found in each :data:`CAUSE_STATES` state."""
        found = [cause.state for _, cause in self._found.values()]
        return {state: found.count(state) for state in CAUSE_STATES}


def _who() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no login name (a container without /etc/passwd entry)
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


#: Seconds between two progress lines of a long (``--rate``) replay.
PROGRESS_EVERY_S = 5.0
#: Seconds between two writes of the replays acknowledged so far to ``dead_letter_replays``.
RECORD_EVERY_S = 5.0
#: How far a paced replay that fell behind (a slow broker) may catch up at once: one second of records.
MAX_BURST_S = 1.0


class Pacer:
    """At most ``rate`` records a second (``replay --rate``): :meth:`wait` before each record.
    ``clock`` and ``sleep`` are injected (tests; ``send`` sleeps in ``producer.poll`` so delivery
    reports are served meanwhile). Behind schedule, it catches up by at most :data:`MAX_BURST_S`."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be above 0, got {rate}")
        self.rate, self.clock, self.sleep = rate, clock, sleep
        self._next: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self._next is None or now - self._next > MAX_BURST_S:
            self._next = now if self._next is None else now - MAX_BURST_S
        while (left := self._next - self.clock()) > 0:
            self.sleep(left)
        self._next += 1.0 / self.rate


class Progress:
    """A line on ``out`` every ``every`` seconds of a long replay: sent/total, rate, ETA."""

    def __init__(
        self,
        total: int,
        out: TextIO | None = None,
        every: float = PROGRESS_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.lines = ProgressLines(every, out, clock)

    def update(self, sent: int, acked: int) -> None:
        self.lines.update(lambda elapsed: progress_line(sent, acked, self.total, elapsed))


def progress_line(sent: int, acked: int, total: int, elapsed: float) -> str:
    """``dlq replay: 120/500 sent (118 acknowledged), 10.0/s, ETA 38s``."""
    return f"dlq replay: {sent}/{total} sent ({acked} acknowledged), {rate_and_eta(sent, total, elapsed)}"


def send(
    settings: Settings,
    bootstrap: str,
    client: Any,
    report: ReplayReport,
    timeout: float = 60.0,
    rate: float | None = None,
    progress_out: TextIO | None = None,
) -> None:
    """Produce each planned letter's record to its topic and record the acknowledged ones in
    ``dead_letter_replays``; a record the broker did not take moves to ``report.failed``. ``rate``:
    at most that many records a second (:class:`Pacer`), so a large backlog does not flood the
    stage it goes back to; a replay longer than :data:`PROGRESS_EVERY_S` reports its progress on
    ``progress_out`` (stderr)."""
    from confluent_kafka import KafkaError, Producer

    from streams.kafka_errors import ClientErrors, LibrdkafkaLog

    errors = ClientErrors()
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": settings.producer_idempotence,
            "message.timeout.ms": int(timeout * 1000),
            "client.id": f"{settings.app_id}-dlq-replay",
            "error_cb": errors,
            "logger": LibrdkafkaLog(),  # through logging, not raw lines on stderr (see publisher)
            **settings.kafka_client_config(),
        }
    )
    outcome: dict[int, str | None] = {}
    taken = [0]  # how many the broker acknowledged so far (progress)

    def delivered(index: int) -> Any:
        def report_delivery(err: KafkaError | None, _msg: Any) -> None:
            outcome[index] = None if err is None else str(err)
            taken[0] += err is None

        return report_delivery

    # the pacer sleeps serving delivery reports; poll() returns early when it served one
    pacer = None if rate is None else Pacer(rate, sleep=lambda s: producer.poll(min(s, 0.5)))
    progress = Progress(len(report.replayed), progress_out)
    produced = 0
    recorded: set[int] = set()  # letters whose replay is in dead_letter_replays already

    def record_acknowledged() -> None:
        """Record what the broker took so far: a long replay killed outright (SIGKILL, a lost shell)
        must not send those again on the next run, each costing the stage's work once more."""
        done = [i for i, error in list(outcome.items()) if error is None and i not in recorded]
        if done:
            record_replays(client, report.sent_with([report.replayed[i] for i in done]))
            recorded.update(done)

    recording = Ticker(RECORD_EVERY_S)
    try:
        for index, letter in enumerate(report.replayed):
            if pacer is not None:
                pacer.wait()
            while True:
                try:
                    producer.produce(
                        letter.topic, key=letter.key, value=letter.payload, on_delivery=delivered(index)
                    )
                    break
                except BufferError:  # local queue full: serve delivery reports, then try again
                    producer.poll(0.5)
            produced = index + 1
            producer.poll(0)
            progress.update(produced, taken[0])
            if recording.due() is not None:
                record_acknowledged()
    except KeyboardInterrupt:  # a long paced replay stopped: what went is still recorded below
        print(
            f"dlq replay: interrupted after {produced} record(s); recording those sent",
            file=progress_out or sys.stderr,
        )
    producer.flush(timeout)
    acked: list[Letter] = []
    for index, letter in enumerate(report.replayed):
        unsent = "not sent: the replay was interrupted (run it again: only unsent letters go)"
        error = outcome.get(
            index,
            unsent
            if index >= produced
            else f"not acknowledged within {timeout:.0f}s ({errors.reason() or 'no reason'})",
        )
        if error is None:
            acked.append(letter)
        else:
            report.failed.append((letter, error))
    record_acknowledged()
    report.replayed = acked


def queue(settings: Settings, client: Any, report: ReplayReport) -> Path:
    """Without a broker (the embedded one lives only inside a worker): add the planned letters'
    records to the data folder's broker spool, which the next ``callstream worker`` publishes before
    any stage reads, each to the partition it was read from (its key's), and record the replays."""
    from streams import spool
    from streams.settings import make_data_dir

    make_data_dir(settings.data_dir)
    records = [(x.topic, x.partition, x.key, x.payload) for x in report.replayed]
    path = spool.append(settings.data_dir, records, settings.partitions)
    record_replays(client, report.sent_with(report.replayed), how="spool")
    return path


def record_replays(client: Any, letters: Sequence[Letter], how: str = "broker") -> None:
    """One ``dead_letter_replays`` row per letter sent back (``how``: to the broker, or the spool)."""
    who = _who() + ("" if how == "broker" else f" ({how})")
    _audit(client, "dead_letter_replays", letters, replayed_at=datetime.now(UTC), replayed_by=who)


#: A letter's key in ``dead_letters`` and what it is about: the first columns of every audit table.
_LETTER_COLUMNS = ("topic", "partition", "offset", "stage", "payload_hash", "call_id", "tenant")


def _audit(client: Any, table: str, letters: Sequence[Letter], **same: Any) -> None:
    """One row per letter in the audit ``table``: its key columns, then ``same`` (one value for all)."""
    if not letters:
        return
    client.insert(
        table,
        [[*(getattr(x, c) for c in _LETTER_COLUMNS), *same.values()] for x in letters],
        column_names=[*_LETTER_COLUMNS, *same],
    )


# --- dismiss ---------------------------------------------------------------------------------------------


@dataclass
class DismissReport:
    dismissed: list[Letter] = field(default_factory=list)
    skipped: list[tuple[Letter, str]] = field(default_factory=list)


def plan_dismiss(letters: Iterable[Letter], limit: int | None = None) -> DismissReport:
    """Which letters get dismissed and which not, with the reason; ``limit`` counts the dismissed
    ones, as ``replay --limit`` counts those sent back."""
    report = DismissReport()
    for letter in letters:
        if limit is not None and len(report.dismissed) >= limit:
            break
        if letter.resolved:
            report.skipped.append((letter, "its call has reached `calls` since: nothing to dismiss"))
        elif letter.dismissed:
            by = f" by {letter.last_dismissed_by}" if letter.last_dismissed_by else ""
            report.skipped.append((letter, f"dismissed already{by}: {letter.dismissed_reason}"))
        else:
            report.dismissed.append(letter)
    return report


def record_dismissals(client: Any, letters: Sequence[Letter], reason: str) -> None:
    """One ``dead_letter_dismissals`` row per letter: the audit of who set it aside, when and why."""
    _audit(
        client,
        "dead_letter_dismissals",
        letters,
        reason=reason,
        dismissed_at=datetime.now(UTC),
        dismissed_by=_who(),
    )


def print_dismiss_report(report: DismissReport, dry_run: bool, out: TextIO | None = None) -> None:
    out = out or sys.stderr
    verb = "would dismiss" if dry_run else "dismissed"
    for letter in report.dismissed:
        print(f"{verb} {describe(letter)}", file=out)
    for letter, reason in report.skipped:
        print(f"skipped {describe(letter)}: {reason}", file=out)
    counts = f"{len(report.dismissed)} dead letter(s) {'would be dismissed' if dry_run else 'dismissed'}"
    if report.skipped:
        counts += f", {len(report.skipped)} skipped"
    if dry_run:
        counts += "; nothing recorded"
    print(counts, file=out)


# --- export ----------------------------------------------------------------------------------------------


@dataclass
class ExportReport:
    exported: list[Letter] = field(default_factory=list)
    skipped: list[tuple[Letter, str]] = field(default_factory=list)
    #: Exported letters whose call came out of a later stage's record (``--later-stages``).
    from_later: list[Letter] = field(default_factory=list)


#: Where a later stage's record carries the CallCompleted it started from (schemas/*.avsc: a
#: CallScore embeds its CompressedTranscript, that its FilteredTranscript, that its Transcript,
#: that its call), by record name. An Alert or a DeadLetter carries none.
CALL_INSIDE: Mapping[str, tuple[str, ...]] = {
    "Transcript": ("call",),
    "FilteredTranscript": ("transcript", "call"),
    "CompressedTranscript": ("filtered", "transcript", "call"),
    "CallScore": ("compressed", "filtered", "transcript", "call"),
}


def call_json(record: Mapping[str, Any]) -> str:
    """A decoded CallCompleted as the JSON line ``publish`` reads. ``received_at`` is left out:
    ``publish`` stamps the time the corrected call is accepted, so latency and "failed after it was
    received" (docs/bi.md) measure the new event, not the one that failed. ``customer.number_hash``
    is left out when the number is there: ``publish`` derives it again, so a corrected number gets
    its own hash, not the wrong number's."""
    call = {name: value for name, value in record.items() if name != "received_at"}
    customer = call.get("customer")
    if isinstance(customer, Mapping) and customer.get("number"):
        call["customer"] = {name: value for name, value in customer.items() if name != "number_hash"}
    return json.dumps(call, ensure_ascii=False, default=_iso)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def export_line(
    letter: Letter, settings: Settings, codec: Any, later_stages: bool = False
) -> tuple[bytes | None, str | None]:
    """``(line, None)``: what ``export`` writes for ``letter`` (without its newline); ``(None, why)``
    when it has no call to write. ``later_stages``: a later stage's record (a Transcript failing at
    ``filter``) gives the call it carries (:data:`CALL_INSIDE`); otherwise it is skipped, since
    ``replay`` re-runs only the stage that failed while a call published again is transcribed again."""
    if not letter.payload:
        return None, "its record was not kept (over the size limit)"
    records = {settings.topic(spec.name): spec.record for spec in ALL}
    name = records.get(letter.topic)
    if name is None and (path := imported_file(letter)) is not None:  # a file, not a line to correct
        return None, _import_again(letter, path)
    if name is None:  # refused before Kafka: the line as it was given (bytes: a cp1251 line stays so)
        line = letter.payload.rstrip(b"\r\n")
        if b"\n" in line:  # a pretty-printed body (ingest): one line, if it is JSON at all
            try:
                line = json.dumps(json.loads(line), ensure_ascii=False).encode("utf-8")
            except ValueError:
                return None, "its text is not JSON and spans several lines"
        return line, None
    path = () if name == COMPLETED.record else CALL_INSIDE.get(name)
    if path is None or (path and not later_stages):
        carries = "; --later-stages exports the call it carries" if path else ", which carries no call"
        return None, (
            f"its record is {'an' if name[0] in 'AEIOU' else 'a'} {name}, not a CallCompleted (the call "
            f"was accepted and failed at {letter.stage}; `dlq replay` it once the cause is fixed{carries})"
        )
    record = payload_record(letter, settings, codec)
    if not isinstance(record, dict):
        return None, str(record).strip("()")  # why it cannot be read
    for name_inside in path:
        record = record.get(name_inside)
        if not isinstance(record, dict):  # never from a decoded record: its schema requires the call
            return None, f"its {name} carries no call at {'.'.join(path)}"
    return call_json(record).encode("utf-8"), None


def export(
    letters: Iterable[Letter],
    settings: Settings,
    codec: Any,
    out: BinaryIO | None = None,
    later_stages: bool = False,
) -> ExportReport:
    """Write one JSON line per chosen letter's call (:func:`export_line`); a record that failed more
    than once is written once, and so is a call that several letters carry (``later_stages``: its
    Transcript failed at ``filter``, its score at ``sink``)."""
    out = out or sys.stdout.buffer
    report, seen, lines = ExportReport(), set(), set()
    for letter in letters:
        line, why = export_line(letter, settings, codec, later_stages)
        if line is not None and (letter.topic, letter.payload) in seen:
            line, why = None, "the same record as a letter exported before it"
        elif line is not None and line in lines:
            line, why = None, "the same call as a letter exported before it"
        if line is None:
            report.skipped.append((letter, why or ""))
            continue
        seen.add((letter.topic, letter.payload))
        lines.add(line)
        out.write(line + b"\n")
        report.exported.append(letter)
        if _record_name(letter, settings) in CALL_INSIDE:
            report.from_later.append(letter)
    out.flush()
    return report


def _record_name(letter: Letter, settings: Settings) -> str | None:
    """The Avro record ``letter``'s topic holds; None for a line refused before Kafka."""
    return {settings.topic(spec.name): spec.record for spec in ALL}.get(letter.topic)


def print_export_report(report: ExportReport, target: str, out: TextIO | None = None) -> None:
    out = out or sys.stderr
    for letter, reason in report.skipped:
        print(f"skipped {describe(letter)}: {reason}", file=out)
    counts = f"exported {len(report.exported)} call(s) to {target}"
    if report.skipped:
        counts += f"; {len(report.skipped)} dead letter(s) skipped, with the reason above"
    print(counts, file=out)
    if report.from_later:
        print(
            f"{len(report.from_later)} of them taken from a later stage's record: publishing such a call "
            "runs the whole pipeline again, transcription included (`dlq replay` re-runs only the stage "
            "that failed)",
            file=out,
        )


# --- output ----------------------------------------------------------------------------------------------

LIST_HEADERS = ["failed_at", "call_id", "tenant", "stage", "error", "topic", "attempts", "status", "message"]
#: ``list --format json`` adds what names a letter exactly and what became of it.
JSON_HEADERS = [
    *LIST_HEADERS,
    "partition",
    "offset",
    "payload_hash",
    "payload_bytes",
    "why_not_replayable",
    "replays",
    "last_replayed_at",
    "last_replayed_by",
    "dismissed_reason",
    "dismissed_at",
    "dismissed_by",
]


def list_rows(
    letters: Iterable[Letter],
    topics: frozenset[str],
    full: bool = False,
    payload: Callable[[Letter], Any] | None = None,
    spool_pending: bool = True,
) -> list[list[Any]]:
    """One row per letter (``failed_at`` in UTC); ``full``: the :data:`JSON_HEADERS` columns;
    ``payload``: a last column, the record (:func:`payload_record`); ``spool_pending``: see
    :meth:`Letter.status_text`."""
    rows = []
    for letter in letters:
        status, reason = letter.status_text(spool_pending), why_not(letter, topics)
        if letter.state(topics) == "not-replayable":
            status = "not replayable"
        row = [
            letter.failed_at.strftime("%Y-%m-%d %H:%M:%S"),
            letter.call_id or "",
            letter.tenant,
            letter.stage,
            letter.error_class,
            letter.topic,
            letter.attempts,
            status,
            letter.error_message,
        ]
        if full:
            replayed = letter.last_replayed_at
            row += [
                letter.partition,
                letter.offset,
                letter.payload_hash,
                len(letter.payload),
                reason,
                letter.replays,
                replayed.strftime("%Y-%m-%d %H:%M:%S") if replayed else None,
                letter.last_replayed_by or None,
            ]
            # the last dismissal, also when a later failure or replay opened the letter again
            dismissed = letter.last_dismissed_at
            row += [
                letter.dismissed_reason or None,
                dismissed.strftime("%Y-%m-%d %H:%M:%S") if dismissed else None,
                letter.last_dismissed_by or None,
            ]
        if payload is not None:
            row.append(payload(letter))
        rows.append(row)
    return rows


def payload_record(letter: Letter, settings: Settings, codec: Any) -> Any:
    """``list --payload``: the letter's record as data: the Avro record its topic holds, decoded
    (a transcript, a score: what the failing stage read), the text of a line refused before Kafka,
    or why it cannot be shown. Nothing here raises: a payload that broke a stage may break this."""
    if not letter.payload:
        return None
    records = {settings.topic(spec.name): spec.record for spec in ALL}
    name = records.get(letter.topic)
    if name is None:  # a line publish, ingest or import refused: JSON or a path, as it was given
        return letter.payload.decode("utf-8", errors="replace")
    try:
        return codec.decode(name, letter.payload, letter.topic)
    except Exception as exc:
        return f"(not a readable {name}: {type(exc).__name__}: {exc})"


def describe(letter: Letter) -> str:
    return f"{letter.call_id or '(no call id)'} ({letter.stage}: {letter.error_class}) from {letter.topic}"


def print_report(
    report: ReplayReport,
    dry_run: bool,
    out: TextIO | None = None,
    spooled: Path | None = None,
    causes: CauseChecks | None = None,
) -> None:
    """One line per letter, then the counts; ``spooled``: the records went to this broker spool;
    ``causes`` (a dry run): each letter that would go back says what the check found of its cause."""
    out = out or sys.stderr
    verb = "would replay" if dry_run else "queued" if spooled else "replayed"
    for letter in report.replayed:
        found = f": {causes(letter)}" if causes is not None else ""
        print(f"{verb} {describe(letter)}{found}", file=out)
    for letter, reason in report.failed:
        print(f"FAILED {describe(letter)}: {reason}", file=out)
    for letter, reason in report.skipped:
        print(f"skipped {describe(letter)}: {reason}", file=out)
    counts = f"{len(report.replayed)} dead letter(s) {'would be replayed' if dry_run else verb}"
    if report.failed:
        counts += f", {len(report.failed)} not acknowledged by the broker (try again)"
    if report.skipped:
        counts += f", {len(report.skipped)} skipped"
    if dry_run:
        counts += "; nothing sent"
    elif spooled is not None and report.replayed:
        counts += f"; in {spooled}, which the next `callstream worker` on this data folder publishes"
    print(counts, file=out)
    if causes is not None and (found := causes.counts()) and any(found.values()):
        print(
            f"causes: {found['again']} would fail again, {found['gone']} gone, "
            f"{found['unknown']} not checked",
            file=out,
        )


def replay_all_hint(report: ReplayReport, causes: CauseChecks | None) -> str:
    """The next step after a dry run without a selector: sending everything back, unless the cause
    check found letters that would only fail again (then that is said first, with how to leave
    them out, or set them aside when none would go through)."""
    again = sum(causes(letter).state == "again" for letter in report.replayed) if causes else 0
    if again and again == len(report.replayed):
        return (
            f"(all {again} would fail again as things stand: fix the cause first (the recording, "
            "CALLSTREAM_RECORDING_ROOTS of the workers, the LLM server), or set them aside with "
            "`callstream dlq dismiss --status open,failed-again --reason TEXT`)"
        )
    if again:
        return (
            f"(to send them all back: `callstream dlq replay --all`; {again} of them would fail again: "
            "`--skip-unfixed` leaves those out)"
        )
    return "(to send them all back: `callstream dlq replay --all`)"


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``--since``: a duration back from now (``90m``, ``2h``, ``1d``) or an ISO time
    (``2026-11-20T10:00:00Z``; without a zone, UTC)."""
    from processors.alerts import AlertRuleError, parse_duration

    try:
        return (now or datetime.now(UTC)) - timedelta(seconds=parse_duration(text, "--since"))
    except AlertRuleError:
        pass
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--since: a duration back from now (90m, 2h, 1d) or an ISO time such as 2026-11-20T10:00:00Z "
            f"(got {text!r})"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
