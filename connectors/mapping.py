"""Vendor webhooks → CallCompleted without code: a YAML mapping per source.

A mapping names the payload format (``json`` or ``form``), how requests are authenticated, its
``transport`` (``webhook``, the default, or ``socket``: events of ``callstream connect``, which the
ingest API does not take), an optional ``when`` filter, and for each CallCompleted field (dotted
path, e.g. ``agent.id``) either a JMESPath expression over the payload, ``{const: value}``, or
``{path: expr, format: strptime}`` for timestamps. ``duration_s`` derives ``ended_at`` from
``started_at``. See ``connectors/mappings/``.

Optional, for sources whose fields depend on one another (a PBX's call direction decides which
number is the agent's): ``vars``, named expressions (or ``{const: value}``) evaluated in order,
which later vars, ``problem``, ``when`` and the fields read as ``vars.<name>``; and ``problem``, an
expression that refuses the payload with its (string) result as the reason, so that input which
must not be ignored is reported rather than filtered out. Besides JMESPath's own functions,
``regex_search(subject, pattern)`` gives the first matching group of a Python regular expression
(the whole match when it has no group), or null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jmespath
import yaml
from jmespath import functions
from jmespath.exceptions import JMESPathError

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
FORMATS = ("json", "form")
SIGNATURES = ("none", "hmac", "twilio")
TRANSPORTS = ("webhook", "socket")


class MappingError(ValueError):
    """A mapping file is invalid (configuration error) or a payload cannot be mapped (400)."""


@lru_cache(maxsize=64)  # patterns normally come from the mapping file: a few
def _regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise MappingError(f"regex_search: bad pattern {pattern!r}: {exc}") from exc


class _Functions(functions.Functions):
    """JMESPath's functions plus what header values need (a PBX channel name holds the extension)."""

    @functions.signature({"types": ["string", "null"]}, {"types": ["string"]})
    def _func_regex_search(self, subject: str | None, pattern: str) -> str | None:
        match = _regex(pattern).search(subject) if subject is not None else None
        if match is None:
            return None
        return next((group for group in match.groups() if group is not None), match.group(0))


OPTIONS = jmespath.Options(custom_functions=_Functions())
VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
    #: ``vars``: evaluated in order into ``payload["vars"]`` before anything else.
    variables: tuple[FieldRule, ...] = ()
    #: ``problem``: a string result refuses the payload with that reason.
    problem: Any = None
    #: ``socket``: events read by ``callstream connect`` (AMI/ESL), not a payload an HTTP sender posts.
    transport: str = "webhook"

    def apply(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The CallCompleted JSON for ``payload``, or None when ``when`` says to ignore it; raises
        :class:`MappingError` when ``problem`` names one."""
        payload = self._with_vars(payload)
        why = _search(self.problem, payload, "problem") if self.problem is not None else None
        if why:
            raise MappingError(str(why))
        if self.when is not None and not _search(self.when, payload, "when"):
            return None
        out: dict[str, Any] = {"source": self.source}
        duration = None
        for rule in self.rules:
            value = rule.const if rule.is_const else _search(rule.expression, payload, rule.target)
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

    def _with_vars(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``payload`` with ``vars`` evaluated in order (a payload's own "vars" key is hidden)."""
        if not self.variables:
            return payload
        values: dict[str, Any] = {}
        payload = {**payload, "vars": values}
        for var in self.variables:
            where = f"vars.{var.target}"
            values[var.target] = var.const if var.is_const else _search(var.expression, payload, where)
        return payload

    def call_id(self, payload: dict[str, Any]) -> str | None:
        """The call id ``payload`` names, as far as it can be read (its vars and the ``call_id``
        rule), or None: what a refused payload's dead letter is found by."""
        rule = next((r for r in self.rules if r.target == "call_id"), None)
        if rule is None:
            return None
        try:
            payload = self._with_vars(payload)
            value = rule.const if rule.is_const else _search(rule.expression, payload, "call_id")
        except MappingError:
            return None
        return value if isinstance(value, str) and value else None


def _search(expression: Any, payload: dict[str, Any], where: str) -> Any:
    try:
        return expression.search(payload, options=OPTIONS)
    except JMESPathError as exc:  # e.g. join() over a missing header: bad input, not a crash
        raise MappingError(f"{where}: {exc}") from exc


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
        transport = doc.get("transport", "webhook")
        if transport not in TRANSPORTS:
            raise MappingError(f"transport must be one of {TRANSPORTS}")
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
        problem = jmespath.compile(doc["problem"]) if doc.get("problem") else None
        variables = _parse_vars(doc.get("vars") or {})
    except JMESPathError as exc:
        raise MappingError(f"{name}: bad JMESPath expression: {exc}") from exc
    except MappingError as exc:
        raise MappingError(f"{name}: {exc}") from exc
    return WebhookMapping(
        str(doc.get("source", name)),
        fmt,
        signature,
        when,
        tuple(rules),
        variables=variables,
        problem=problem,
        transport=transport,
    )


def _parse_vars(spec: Any) -> tuple[FieldRule, ...]:
    if not isinstance(spec, dict):
        raise MappingError("vars: expected a mapping of name -> expression")
    out = []
    for var, rule in spec.items():
        if not isinstance(var, str) or not VAR_NAME.fullmatch(var):
            raise MappingError(f"vars.{var}: a name is letters, digits and _")
        if isinstance(rule, str):
            out.append(FieldRule(var, expression=jmespath.compile(rule)))
        elif isinstance(rule, dict) and set(rule) == {"const"}:
            out.append(FieldRule(var, const=rule["const"], is_const=True))
        else:
            raise MappingError(f"vars.{var}: use an expression or {{const: ...}}")
    return tuple(out)


@cache
def load_mapping(source: str, directory: Path = MAPPINGS_DIR) -> WebhookMapping:
    """The mapping for ``source`` (``<dir>/<source>.yaml``); KeyError when there is none."""
    if not source.replace("-", "").replace("_", "").isalnum():
        raise KeyError(source)
    path = directory / f"{source}.yaml"
    if not path.is_file():
        raise KeyError(source)
    return parse_mapping(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def load_webhook_mapping(source: str) -> WebhookMapping:
    """The mapping the ingest API serves at ``/v1/webhooks/<source>``: KeyError for none, and for a
    ``socket`` mapping (a PBX event is not a payload to take from anyone who can POST)."""
    mapping = load_mapping(source)
    if mapping.transport != "webhook":
        raise KeyError(source)
    return mapping
