"""Vendor webhooks → CallCompleted without code: a YAML mapping per source.

A mapping names the payload format (``json`` or ``form``), how requests are authenticated, an
optional ``when`` filter, and for each CallCompleted field (dotted path, e.g. ``agent.id``) either a
JMESPath expression over the payload, ``{const: value}``, or ``{path: expr, format: strptime}`` for
timestamps. ``duration_s`` derives ``ended_at`` from ``started_at``. See ``connectors/mappings/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from pathlib import Path
from typing import Any

import jmespath
import yaml
from jmespath.exceptions import JMESPathError

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
FORMATS = ("json", "form")
SIGNATURES = ("none", "hmac", "twilio")


class MappingError(ValueError):
    """A mapping file is invalid (configuration error) or a payload cannot be mapped (400)."""


@dataclass(frozen=True)
class FieldRule:
    target: str
    expression: Any = None  # compiled JMESPath
    const: Any = None
    is_const: bool = False
    time_format: str | None = None
    default: Any = None


@dataclass(frozen=True)
class WebhookMapping:
    source: str
    format: str
    signature: str
    when: Any
    rules: tuple[FieldRule, ...]
    #: The time zone of naive times in the payload (an Asterisk CDR is in the PBX's local time).
    tz: tzinfo = UTC

    def apply(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The CallCompleted JSON for ``payload``, or None when ``when`` says to ignore it."""
        try:
            if self.when is not None and not self.when.search(payload):
                return None
        except JMESPathError as exc:
            raise MappingError(f"when: {exc}") from exc
        out: dict[str, Any] = {"source": self.source}
        duration = None
        for rule in self.rules:
            try:
                value = rule.const if rule.is_const else rule.expression.search(payload)
            except JMESPathError as exc:  # e.g. join() over a missing header: bad input, not a crash
                raise MappingError(f"{rule.target}: {exc}") from exc
            if value is None:
                value = rule.default
            if value is not None and rule.time_format:
                value = _parse_time(rule.target, value, rule.time_format, self.tz)
            if rule.target == "duration_s":
                duration = value
                continue
            _set(out, rule.target, value)
        if duration is not None and "ended_at" not in out and out.get("started_at"):
            try:
                start = datetime.fromisoformat(str(out["started_at"]).replace("Z", "+00:00"))
                out["ended_at"] = (start + timedelta(seconds=float(duration))).isoformat()
            except (TypeError, ValueError) as exc:
                raise MappingError(f"duration_s: cannot derive ended_at: {exc}") from exc
        return out


def _parse_time(target: str, value: Any, fmt: str, tz: tzinfo = UTC) -> str:
    try:
        if fmt == "epoch":
            ts = datetime.fromtimestamp(float(value), UTC)
        else:
            ts = datetime.strptime(str(value), fmt)
    except (TypeError, ValueError, OverflowError) as exc:
        raise MappingError(f"{target}: {value!r} does not match time format {fmt!r}") from exc
    return (ts if ts.tzinfo else ts.replace(tzinfo=tz)).isoformat()


def _set(out: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = out
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def parse_mapping(doc: Any, name: str) -> WebhookMapping:
    """Validate a mapping document; every problem raises :class:`MappingError` naming the file."""
    if not isinstance(doc, dict):
        raise MappingError(f"{name}: expected a mapping document")
    try:
        fmt = doc.get("format", "json")
        signature = doc.get("signature", "none")
        if fmt not in FORMATS:
            raise MappingError(f"format must be one of {FORMATS}")
        if signature not in SIGNATURES:
            raise MappingError(f"signature must be one of {SIGNATURES}")
        if signature == "twilio" and fmt != "form":
            raise MappingError("signature twilio needs format form (Twilio signs form parameters)")
        fields = doc.get("fields")
        if not isinstance(fields, dict) or not fields:
            raise MappingError("fields: required mapping of CallCompleted field -> rule")
        rules = []
        for target, spec in fields.items():
            if isinstance(spec, str):
                rules.append(FieldRule(target, expression=jmespath.compile(spec)))
            elif isinstance(spec, dict) and "const" in spec:
                rules.append(FieldRule(target, const=spec["const"], is_const=True))
            elif isinstance(spec, dict) and "path" in spec:
                rules.append(
                    FieldRule(
                        target,
                        expression=jmespath.compile(spec["path"]),
                        time_format=spec.get("format"),
                        default=spec.get("default"),
                    )
                )
            else:
                raise MappingError(
                    f"fields.{target}: use an expression, {{const: ...}} or {{path: ..., format: ...}}"
                )
        when = jmespath.compile(doc["when"]) if doc.get("when") else None
    except JMESPathError as exc:
        raise MappingError(f"{name}: bad JMESPath expression: {exc}") from exc
    except MappingError as exc:
        raise MappingError(f"{name}: {exc}") from exc
    return WebhookMapping(str(doc.get("source", name)), fmt, signature, when, tuple(rules))


@cache
def load_mapping(source: str, directory: Path = MAPPINGS_DIR) -> WebhookMapping:
    """The mapping for ``source`` (``<dir>/<source>.yaml``); KeyError when there is none."""
    if not source.replace("-", "").replace("_", "").isalnum():
        raise KeyError(source)
    path = directory / f"{source}.yaml"
    if not path.is_file():
        raise KeyError(source)
    return parse_mapping(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
