"""Backfill: publish a folder of historic recordings as CallCompleted events, resumably.

Metadata comes from a CSV beside the recordings: either Asterisk's CDR ``Master.csv`` (no header;
recordings matched by the CDR ``uniqueid`` in their file name, as MixMonitor names them) or a
generic CSV with a header (``file`` or ``call_id`` plus any CallCompleted field, e.g. ``agent_id``,
``started_at``, ``queue``; one of the two times is enough, the recording's length gives the other).
Without metadata, the file name is the call id (``--call-id-from path``: its path below the folder)
and the file time the end of the call; one call id names one recording. A state file records every
call the broker acknowledged, so an interrupted import resumes where it stopped and a repeated one
publishes nothing twice.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, NamedTuple

AUDIO_SUFFIXES = {".wav", ".mp3", ".ogg", ".opus", ".flac", ".gsm", ".m4a"}
STATE_FILE = ".callstream-import.json"

#: Asterisk cdr_csv column order (Master.csv has no header); uniqueid (``loguniqueid=yes``) and
#: userfield (``loguserfield=yes``) are only written when cdr.conf asks for them.
ASTERISK_CDR_COLUMNS = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
    "start", "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield",
)  # fmt: skip

#: Where a recording's own call id comes from: its file name's stem, or its path below the folder.
CALL_ID_FROM = ("stem", "path")
_ASTERISK_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")

log = logging.getLogger(__name__)


class MetadataError(ValueError):
    """The metadata CSV cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Recording:
    path: Path
    channels: int
    duration: float


def find_recordings(directory: Path) -> list[Path]:
    """Audio files under ``directory``, in a stable order."""
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


def probe(path: Path) -> Recording:
    """Channel count and duration from the headers, without decoding: the transcribe stage's own
    probe, so a file it could not read is reported here, with its reason ("file is zero bytes",
    "no audio stream")."""
    from processors.audio import EmptyRecording, probe_header  # PyAV: only when importing files

    if path.stat().st_size == 0:
        raise EmptyRecording(f"{path}: file is zero bytes")
    channels, duration = probe_header(path)
    return Recording(path, channels, duration or 0.0)


def _asterisk_time(value: str, tz: tzinfo = UTC) -> datetime | None:
    """A ``Master.csv`` time: the PBX's local time (cdr_csv's default ``usegmtime=no``), in ``tz``."""
    value = value.strip()
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)


def read_text(path: Path) -> str:
    """A CSV export as text: UTF-8 (a BOM, as Excel writes, taken off) or, failing that, cp1251 (a
    Russian PBX or Excel's default), not a UnicodeDecodeError that stops the import."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.warning("%s is not UTF-8: read as cp1251", path)
        return data.decode("cp1251", errors="replace")


def read_asterisk_cdr(path: Path) -> dict[str, dict[str, str]]:
    """Answered calls of a ``Master.csv`` by uniqueid; :class:`MetadataError` when no row has one."""
    rows: dict[str, dict[str, str]] = {}
    widest = 0
    with io.StringIO(read_text(path), newline="") as fh:
        for values in csv.reader(fh):
            widest = max(widest, len(values))
            row = dict(zip(ASTERISK_CDR_COLUMNS, values, strict=False))
            if row.get("uniqueid") and row.get("disposition") == "ANSWERED":
                rows[row["uniqueid"]] = row
    if widest and widest <= ASTERISK_CDR_COLUMNS.index("uniqueid"):
        # cdr_csv's default (no loguniqueid): without a uniqueid no row can be matched to a
        # recording, and every file would be reported as having no metadata row.
        raise MetadataError(
            f"{path}: this Asterisk CDR has no uniqueid column ({widest} columns), so no recording "
            "can be matched to its row. Set loguniqueid=yes in the [csv] section of cdr.conf "
            "(Asterisk >= 1.8 cdr_csv; rows written before keep lacking it), or pass --metadata a "
            "CSV with a header: a file or call_id column plus any CallCompleted field "
            "(agent_id, started_at, queue, ...)"
        )
    return rows


def read_generic_csv(path: Path) -> dict[str, dict[str, str]]:
    """Rows of a headed CSV keyed by ``file`` name (or ``call_id``)."""
    with io.StringIO(read_text(path), newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not ({"file", "call_id"} & set(reader.fieldnames)):
            raise MetadataError(
                f"{path}: a generic metadata CSV needs a header with a `file` or `call_id` column"
            )
        return {Path(row.get("file") or "").stem or row["call_id"]: row for row in reader}


def is_asterisk_cdr(path: Path) -> bool:
    """A headerless cdr_csv file: 17 or 18 columns, or 16 (no uniqueid, which
    :func:`read_asterisk_cdr` refuses with the reason) with a start time where cdr_csv writes it."""
    with io.StringIO(read_text(path), newline="") as fh:
        first = next(csv.reader(fh), [])
    if {"file", "call_id"} & set(first):
        return False
    start = ASTERISK_CDR_COLUMNS.index("start")
    return len(first) >= 17 or (len(first) == 16 and bool(_ASTERISK_TIME.fullmatch(first[start].strip())))


def file_call_id(path: Path, directory: Path, call_id_from: str = "stem") -> str:
    """The call id a recording gets from its name: its stem (``0001``), or with ``path`` its path below
    ``directory`` without the suffix, ``/``-separated (``2026-11-01/0001``)."""
    if call_id_from == "path":
        return path.relative_to(directory).with_suffix("").as_posix()
    return path.stem


def call_for(
    rec: Recording,
    meta: dict[str, str] | None,
    tenant: str,
    cdr: bool,
    tz: tzinfo = UTC,
    file_id: str | None = None,
) -> dict[str, Any]:
    """The CallCompleted JSON for one recording; ``file_id``: its call id unless the metadata gives
    one (default: the file's stem)."""
    stereo = rec.channels >= 2
    call: dict[str, Any] = {
        "call_id": file_id or rec.path.stem,
        "tenant": tenant,
        "source": "import",
        "recording_uri": rec.path.resolve().as_uri(),
        "audio": {
            "layout": "stereo" if stereo else "mono",
            "channels": {"0": "agent", "1": "customer"} if stereo else {},
        },
        "agent": {"id": "unknown"},
    }
    if meta is None:
        ended = datetime.fromtimestamp(rec.path.stat().st_mtime, UTC)
        call |= {
            "started_at": (ended - timedelta(seconds=rec.duration)).isoformat(),
            "ended_at": ended.isoformat(),
        }
    elif cdr:
        answered = _asterisk_time(meta["answer"], tz) or _asterisk_time(meta["start"], tz)
        ended = _asterisk_time(meta["end"], tz)
        call |= {
            "call_id": meta["uniqueid"],
            "source": "asterisk",
            "started_at": answered.isoformat() if answered else None,
            "ended_at": ended.isoformat() if ended else None,
            # An inbound queue call rings the agent's extension (dst); the caller is src.
            "agent": {"id": meta.get("dst") or "unknown", "name": None},
            "customer": {"number": meta.get("src") or None},
            "queue": meta.get("dcontext") or None,
            "crm": {k: meta[k] for k in ("accountcode", "userfield") if meta.get(k)},
        }
    else:
        fields = dict(meta)
        call["call_id"] = fields.pop("call_id", "") or call["call_id"]
        fields.pop("file", None)
        if "agent_id" in fields:
            call["agent"] = {"id": fields.pop("agent_id"), "name": fields.pop("agent_name", None)}
        if "customer_number" in fields:
            call["customer"] = {"number": fields.pop("customer_number")}
        for key in ("started_at", "ended_at", "queue", "language", "direction", "tenant"):
            if fields.get(key):
                call[key] = fields.pop(key)
        call["crm"] = {k: v for k, v in fields.items() if v}
        _complete_times(call, rec.duration)
    return call


def _complete_times(call: dict[str, Any], duration: float) -> None:
    """A row with only one of ``started_at`` / ``ended_at`` gets the other from the recording's
    length, as a file without metadata gets both: CRM exports often carry the start alone. A time
    that does not parse is left for validation to name."""
    start, end = call.get("started_at"), call.get("ended_at")
    if (start is None) == (end is None):
        return
    try:
        known = datetime.fromisoformat(str(start or end).replace("Z", "+00:00"))
    except ValueError:
        return
    length = timedelta(seconds=duration)
    if start is None:
        call["started_at"] = (known - length).isoformat()
    else:
        call["ended_at"] = (known + length).isoformat()


def match_metadata(path: Path, metadata: dict[str, dict[str, str]]) -> dict[str, str] | None:
    """The metadata row whose key is the file's stem, or a key contained in it as a whole token
    (MixMonitor names files like ``queue-201-20261120-100000-1763632800.42.wav``, with the uniqueid
    at the end): uniqueid ``1763632800.4`` is not in ``...-1763632800.42.wav``, nor call ``7`` in
    ``call-17.wav``. The longest such key wins."""
    if path.stem in metadata:
        return metadata[path.stem]
    found = [
        key
        for key in metadata
        if key and key in path.name and re.search(rf"(?<![\w.]){re.escape(key)}(?!\w|\.\d)", path.name)
    ]
    return metadata[max(found, key=len)] if found else None


class ImportStateError(ValueError):
    """The import's state file cannot be read."""


class ImportState:
    """Call ids already acknowledged by the broker, with the recording each was published for (its
    path below the imported folder), persisted atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: set[str] = set()
        self.files: dict[str, str] = {}  # call id -> recording (state files of older versions: none)
        if path.is_file():
            try:
                doc = json.loads(path.read_text())
                published, files = doc["published"], doc.get("files", {})
                if not isinstance(published, list) or not all(isinstance(c, str) for c in published):
                    raise TypeError("'published' is not a list of call ids")
                if not isinstance(files, dict) or not all(isinstance(f, str) for f in files.values()):
                    raise TypeError("'files' is not a map of call id to recording")
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise ImportStateError(
                    f"{path}: not an import state file ({type(exc).__name__}: {exc}); move it away to "
                    "start over (calls already published are sent again: the pipeline dedupes by call id)"
                ) from exc
            self.done, self.files = set(published), files

    def published_for(self, call_id: str, recording: str) -> str | None:
        """Why ``recording`` is not to be published as ``call_id``: None when the id is new. When
        it is done, "" for the same recording (or one an older state file did not record), else
        the other recording's name: a same-named file added since, which would replace that call."""
        if call_id not in self.done:
            return None
        other = self.files.get(call_id)
        return other if other is not None and other != recording else ""

    def add(self, published: list[tuple[str, str]]) -> None:
        """Record (call id, recording) pairs the broker acknowledged."""
        for call_id, recording in published:
            self.done.add(call_id)
            self.files[call_id] = recording
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".import-state-")
        with os.fdopen(fd, "w") as fh:
            json.dump({"published": sorted(self.done), "files": dict(sorted(self.files.items()))}, fh)
        os.replace(tmp, self.path)


class Planned(NamedTuple):
    """One recording of a plan: its CallCompleted JSON, or None and why not. ``call_id``: the id
    it is published (or dead-lettered) under: its metadata row's, else the one its file gives."""

    path: Path
    call: dict[str, Any] | None
    why: str | None
    call_id: str
    #: The dead letter's class: the recording's own error (CorruptRecording, EmptyRecording, ...),
    #: so `dlq list --error-class` and `bi_dead_letters_hourly` find an imported file with the others.
    error_class: str = "InvalidCall"


def plan(
    directory: Path,
    metadata_csv: Path | None,
    tenant: str,
    tz: tzinfo = UTC,
    call_id_from: str = "stem",
    published: Mapping[str, str] | None = None,
) -> Iterator[Planned]:
    """A :class:`Planned` (recording, CallCompleted JSON or None, why not, call id) for every
    recording in ``directory``;
    ``tz``: the PBX's time zone, for the naive times of an Asterisk ``Master.csv``;
    ``call_id_from``: see :func:`file_call_id` (ids from metadata are kept).

    The metadata is read now: an unusable CSV raises :class:`MetadataError` before any recording is
    probed (or anything published). A recording whose call id an earlier one of the plan already has
    is not importable: the pipeline and the sink keep one call per id, so it would replace the other.
    ``published``: call id -> recording (path below ``directory``) of earlier runs (the state file):
    those recordings keep their ids, whatever sorts before them now.
    """
    metadata: dict[str, dict[str, str]] = {}
    cdr = False
    if metadata_csv is not None:
        cdr = is_asterisk_cdr(metadata_csv)
        metadata = read_asterisk_cdr(metadata_csv) if cdr else read_generic_csv(metadata_csv)
    return _plan(directory, metadata, cdr, tenant, tz, call_id_from, published or {})


def _plan(
    directory: Path,
    metadata: dict[str, dict[str, str]],
    cdr: bool,
    tenant: str,
    tz: tzinfo,
    call_id_from: str,
    published: Mapping[str, str],
) -> Iterator[Planned]:
    first_with = {call_id: directory / name for call_id, name in published.items()}  # -> its recording
    for path in find_recordings(directory):
        meta = match_metadata(path, metadata) if metadata else None
        file_id = file_call_id(path, directory, call_id_from) or str(path)
        row_id = (meta.get("uniqueid" if cdr else "call_id") if meta else None) or file_id
        if metadata and meta is None:
            yield Planned(path, None, "no metadata row matches this file", file_id)
            continue
        try:
            call = call_for(probe(path), meta, tenant, cdr, tz, file_id)
        except Exception as exc:  # an unreadable file is reported, and the import goes on
            yield Planned(path, None, f"{type(exc).__name__}: {exc}", row_id, type(exc).__name__)
            continue
        other = first_with.setdefault(call["call_id"], path)
        if other != path:
            earlier = published.get(call["call_id"]) == other.relative_to(directory).as_posix()
            why = _reused_id(call["call_id"], other, path, directory, file_id, call_id_from, earlier)
            yield Planned(path, None, why, call["call_id"])
            continue
        yield Planned(path, call, None, call["call_id"])


def _reused_id(
    call_id: str, other: Path, path: Path, directory: Path, file_id: str, call_id_from: str, earlier: bool
) -> str:
    """Why ``path`` is not imported: ``other`` (of this run, or published by an ``earlier`` one) has
    its call id; and how to give it its own."""
    where = "published by an earlier import" if earlier else "in this import"
    why = f"call id {call_id!r} is already that of {other.relative_to(directory)} {where}"
    if call_id != file_id:
        fix = "its metadata row matches both files: merge the recordings into one, or move one of them"
    elif earlier:  # another --call-id-from now would publish every recording again, under new ids
        fix = "rename this file"
    elif call_id_from == "stem":
        fix = (
            "import with --call-id-from path (ids from the path below the folder: this file would be "
            f"{file_call_id(path, directory, 'path')!r}), or rename one of the files"
        )
    else:
        fix = "rename one of the files (the id leaves the suffix out)"
    return f"{why}; one call id names one recording, or one call replaces the other: {fix}"
