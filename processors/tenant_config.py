"""Per-tenant/queue YAML configuration (scorecards, alert rules): reading, validation helpers and
the tenant/queue match that picks what applies to a call. Errors are raised as the caller's own
exception type so each file kind keeps its own message prefix."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml


def read_yaml(path: Path, error: type[Exception]) -> Any:
    """The parsed document, or ``error`` naming the file."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise error(f"{path}{_yaml_where(exc)}: not valid YAML: {_yaml_problem(exc)}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc}") from None


def _yaml_where(exc: yaml.YAMLError) -> str:
    """``:line:column`` of a YAML error (1-based, as editors count), or nothing when unknown."""
    mark = getattr(exc, "problem_mark", None)
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML error in one line: what is wrong and what it was in ("while parsing a flow sequence"),
    without PyYAML's excerpt of the text and its "<unicode string>" positions."""
    problem, context = getattr(exc, "problem", None), getattr(exc, "context", None)
    if not problem:
        return " ".join(str(exc).split())
    return f"{problem} ({context})" if context else str(problem)


def yaml_files(
    packaged: Path, extra_dir: Path | None, what: str, error: type[Exception], setting: str
) -> list[Path]:
    """Packaged files, then those of ``extra_dir`` (loaded later, so the same id replaces)."""
    paths = sorted(packaged.glob("*.yaml"))
    if extra_dir is not None:
        check_dir(extra_dir, what, error, setting)
        paths += sorted([*Path(extra_dir).glob("*.yaml"), *Path(extra_dir).glob("*.yml")])
    return paths


def check_dir(folder: Path, what: str, error: type[Exception], setting: str) -> None:
    """Raise ``error`` unless ``folder`` is a directory: a file named instead (the one config file
    rather than its folder) is told apart from a missing folder, with the setting to change."""
    folder = Path(folder)
    if folder.is_file():
        raise error(
            f"{folder}: {setting} names a file, not a folder; it takes the folder of the {what} files: "
            f"{setting}={folder.parent}"
        )
    if not folder.is_dir():
        raise error(f"{folder}: {what} directory does not exist")


_ID_RE = re.compile(r"[\w.-]{1,64}")


def unknown_keys(unknown: Iterable[Any], known: Iterable[str]) -> str:
    """``unknown key(s) severty (did you mean severity?)``: the words of a config error naming keys
    no reader knows, each with its closest known key when one is close."""
    known = sorted(known)
    named = []
    for key in sorted(map(str, unknown)):
        close = difflib.get_close_matches(key, known, n=1)
        named.append(f"{key} (did you mean {close[0]}?)" if close else key)
    return f"unknown key(s) {', '.join(named)}"


def document_header(
    raw: Any, where: str, keys: frozenset[str], error: type[Exception], *, body: str, version_hint: str
) -> tuple[str, str]:
    """The ``id`` and ``version`` of a config document after checking its shape: a mapping of only
    ``keys``, a file-name-safe id and a non-empty version (``body`` names the list it must hold, for
    the message; ``version_hint`` says what a missing or bad version should be)."""
    if not isinstance(raw, Mapping):
        raise error(f"{where}: must be a mapping with id, version, {body}")
    unknown = set(raw) - keys
    if unknown:
        raise error(f"{where}: {unknown_keys(unknown, keys)}")
    doc_id = raw.get("id")
    if not isinstance(doc_id, str) or not _ID_RE.fullmatch(doc_id):
        raise error(f"{where}: id: required, letters/digits/._- (got {doc_id!r})")
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, str | int) or not str(version).strip():
        raise error(f"{where}: version: {version_hint} (got {version!r})")
    return doc_id, str(version)


def str_list(value: Any, where: str, error: type[Exception]) -> tuple[str, ...]:
    """A non-empty list of non-empty strings (a single string is a one-item list)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise error(f"{where}: must be a non-empty list of strings (got {value!r})")
    return tuple(value)


def specificity(
    tenants: tuple[str, ...], queues: tuple[str, ...], tenant: str, queue: str | None
) -> int | None:
    """Match rank of a config for a call (higher = more specific), or None when it does not apply.
    An exact tenant outranks an exact queue; ``*`` matches anything."""
    t_exact, q_exact = tenant in tenants, queue is not None and queue in queues
    if not (t_exact or "*" in tenants) or not (q_exact or "*" in queues):
        return None
    return 2 * t_exact + q_exact
