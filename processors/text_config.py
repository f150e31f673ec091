"""A deployment's settings for the text stages (``CALLSTREAM_TEXT_CONFIG``, one YAML file).

Every key is optional; what is left out keeps its default. Word lists are replaced by a list, or
changed by ``{add: [...], remove: [...]}`` (phrases as in the defaults: lower-case, ``*`` at the end
matches any ending)::

    filter:
      min_words: 3                 # shorter turns are dropped unless something keeps them
      min_vad_speech: 0.1
      drop_fillers: true
      drop_short: true
      collapse_repeats: true
      fillers: {add: [ну-ну, "well, well"], remove: [okay]}
      action_words: {add: [оформите]}
    compress:
      structural: true             # merge turns, strip disfluencies, numbers as digits
      semantic: true               # fold near-duplicate sentences into one with [×N]
      dynamic: true                # cut simple calls harder than dense ones
      similarity: 75
      dense_at: 2.0                # density at or above which a call is kept word for word
      fold_echoes: true            # below that: drop sentences that only repeat figures said before
      trim: true                   # below that: cut openers ("So, okay, ...") and hedges ("honestly")
    pii:
      enabled: true                # off: nothing is redacted, neither for the LLM nor in ClickHouse
      phones: true
      cards: true
      emails: true
      ids: true

An unknown key, a value of the wrong type or a number out of its range (:data:`_RANGES`) is an
error naming the file and the key, raised when the worker starts (settings validation), not on the
first call.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from processors.compression import CompressOptions
from processors.filtering import FilterOptions
from processors.pii import PiiOptions
from processors.tenant_config import read_yaml


class TextConfigError(ValueError):
    """``CALLSTREAM_TEXT_CONFIG`` cannot be read or holds something the text stages do not know."""


#: Fields a YAML file may not set: objects built in code, not settings.
_NOT_CONFIGURABLE = {"pii", "lexicon"}
#: The range a number must lie in (bounds included; None: unbounded): a probability above 1 or a
#: similarity of 750 would silently keep or drop everything.
_RANGES: dict[str, tuple[float | None, float | None]] = {
    "min_vad_speech": (0, 1),
    "max_no_speech_prob": (0, 1),
    "min_avg_logprob": (None, 0),
    "min_words": (0, 100),
    "similarity": (0, 100),
    "dense_at": (0, None),
    "simple_below": (0, None),
    "medium_min_words": (0, 1000),
}


@dataclass(frozen=True)
class TextConfig:
    """Options of the filter and compress stages, PII redaction shared by both."""

    filter: FilterOptions = field(default_factory=FilterOptions)
    compress: CompressOptions = field(default_factory=CompressOptions)

    @classmethod
    def load(cls, path: Path | None) -> TextConfig:
        """The defaults, changed by the YAML file at ``path`` (None: the defaults)."""
        if path is None:
            return cls()
        raw = read_yaml(path, TextConfigError)
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise TextConfigError(f"{path}: must be a mapping with filter, compress and pii sections")
        unknown = set(raw) - {"filter", "compress", "pii"}
        if unknown:
            raise TextConfigError(f"{path}: unknown section(s) {', '.join(sorted(map(str, unknown)))}")
        pii = _options(PiiOptions, raw.get("pii"), f"{path}: pii")
        return cls(
            filter=_options(FilterOptions, raw.get("filter"), f"{path}: filter", pii=pii),
            compress=_options(CompressOptions, raw.get("compress"), f"{path}: compress", pii=pii),
        )

    @classmethod
    def from_settings(cls, settings: Any) -> TextConfig:
        return cls.load(getattr(settings, "text_config", None))


def _options(cls: type[Any], raw: Any, where: str, **fixed: Any) -> Any:
    """``cls`` (a dataclass of options) with the fields ``raw`` sets, each checked against its type."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise TextConfigError(f"{where}: must be a mapping (got {type(raw).__name__})")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in _NOT_CONFIGURABLE}
    unknown = set(raw) - set(fields)
    if unknown:
        raise TextConfigError(
            f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
            f"known: {', '.join(sorted(fields))}"
        )
    values = dict(fixed)
    defaults = cls()
    for name, value in raw.items():
        default = getattr(defaults, name)
        if isinstance(default, tuple):
            values[name] = _word_list(default, value, f"{where}.{name}")
            continue
        try:
            values[name] = TypeAdapter(hints[name]).validate_python(value, strict=True)
        except ValidationError as exc:
            message = exc.errors()[0]["msg"]
            raise TextConfigError(f"{where}.{name}: {message} (got {value!r})") from None
        low, high = _RANGES.get(name, (None, None))
        if (low is not None and values[name] < low) or (high is not None and values[name] > high):
            span = (
                f"from {low} to {high}"
                if low is not None and high is not None
                else (f"at least {low}" if low is not None else f"at most {high}")
            )
            raise TextConfigError(f"{where}.{name}: must be {span} (got {value!r})")
    return cls(**values)


def _word_list(default: tuple[str, ...], value: Any, where: str) -> tuple[str, ...]:
    """A list replaces ``default``; ``{add: [...], remove: [...]}`` changes it."""
    if isinstance(value, list):
        return _phrases(value, where)
    if isinstance(value, dict) and value and set(value) <= {"add", "remove"}:
        remove = {p.lower() for p in _phrases(value.get("remove", []), f"{where}.remove")}
        missing = remove - {p.lower() for p in default}
        if missing:
            raise TextConfigError(f"{where}.remove: not in the defaults: {', '.join(sorted(missing))}")
        kept = tuple(p for p in default if p.lower() not in remove)
        return kept + tuple(p for p in _phrases(value.get("add", []), f"{where}.add") if p not in kept)
    raise TextConfigError(f"{where}: a list of phrases, or {{add: [...], remove: [...]}} (got {value!r})")


def _phrases(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise TextConfigError(f"{where}: must be a list of non-empty strings (got {value!r})")
    return tuple(p.strip().lower() for p in value)
