"""Per-tenant/queue YAML configuration (scorecards, alert rules): reading, validation helpers and
the tenant/queue match that picks what applies to a call. Errors are raised as the caller's own
exception type so each file kind keeps its own message prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_yaml(path: Path, error: type[Exception]) -> Any:
    """The parsed document, or ``error`` naming the file."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc}") from None


def yaml_files(packaged: Path, extra_dir: Path | None, what: str, error: type[Exception]) -> list[Path]:
    """Packaged files, then those of ``extra_dir`` (loaded later, so the same id replaces)."""
    paths = sorted(packaged.glob("*.yaml"))
    if extra_dir is not None:
        if not Path(extra_dir).is_dir():
            raise error(f"{extra_dir}: {what} directory does not exist")
        paths += sorted([*Path(extra_dir).glob("*.yaml"), *Path(extra_dir).glob("*.yml")])
    return paths


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
