"""Alert rules over a scored call, as config: YAML rule sets chosen per tenant and queue.

A rule names a condition on the :class:`CallScore` (a criterion's value, a rule metric, a keyword
dictionary entry, a phrase said by a role, the fatal flag, the total; combined with ``all``/``any``)
and a severity. :func:`evaluate` is pure: it turns one CallScore into the Alert records it raises,
with ids deterministic per call and rule so a replay rewrites the same rows.

Cool-down (:func:`apply_cooldown`) is pure as well: given the last *notified* alert of the same
agent and rule, it says whether this one is suppressed; :func:`release_cooldown` says what happens
when that alert reached no supervisor (every channel failed). The state itself lives in the alerts
agent's Faust table (``streams/agents/alerts.py``).

Rule sets: the packaged ``processors/alert_rules/*.yaml`` are always loaded (``default.yaml``
matches every call); ``CALLSTREAM_ALERT_RULES_DIR`` adds sets or replaces sets of the same id.
Every set matching a call applies; rules are merged by id and the most specific set's version of a
rule wins (tenant and queue, then tenant, then queue, then ``*``/``*``), so a tenant file can add
rules, change one (same id) or switch one off (``enabled: false``) without copying the defaults.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from processors.acoustics import METRICS
from processors.rows import LEGACY_FATAL
from processors.rules import (
    MAX_QUOTE,
    NO_QUALIFIERS,
    Qualifiers,
    check_dictionaries_dir,
    dictionary_hint,
    excerpt,
    negated_hits,
    quoted_hits,
    read_qualifiers,
    roles_known,
)
from processors.tenant_config import (
    document_header,
    read_yaml,
    specificity,
    str_list,
    unknown_keys,
    yaml_files,
)
from processors.text import WILDCARD_HINT, inner_wildcard, phrase_pattern

PACKAGED_DIR = Path(__file__).resolve().parent / "alert_rules"
#: The schema's default tenant: its alert ids keep the historical ``<call_id>:<rule>`` form.
DEFAULT_TENANT = "default"
SEVERITIES = ("info", "warning", "critical")
DEFAULT_COOLDOWN_S = 600.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Longest text value quoted in an alert's message (a CRM note, a label): the message keeps its
#: agent and call id, which a notifier's length limit would otherwise cut off.
MAX_QUOTED = 200
#: A failed fatal criterion's reasoning quoted in an alert: enough to say what went wrong, short enough
#: that several criteria, the agent and the call id fit a chat message.
MAX_REASONING = MAX_QUOTE
_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_SET_KEYS = {"id", "version", "title", "description", "tenants", "queues", "cooldown", "rules"}
_RULE_KEYS = {"id", "title", "severity", "when", "cooldown", "message", "enabled"}
_PHRASE_KEYS = {"phrases", "by", "at_least", "not_followed_by", "not_in_sentence_with"}
_ROLES = ("agent", "customer", "anyone")

#: Scalar fields of RuleMetrics (``rules.<name>``); the maps are ``rules.keyword_hits.<entry>``,
#: ``rules.agent_keyword_hits.<entry>`` (the agent's words only), ``rules.customer_keyword_hits.<entry>``
#: (all hits less the agent's: the customer's on a stereo call, anyone's on a mono one, where no word
#: is the agent's) and ``rules.pii.<TYPE>`` (absent entries count 0).
RULE_METRICS = (
    "price_mentions",
    "words",
    "agent_talk_ratio",
    "language",
    "code_switching",
    "duration_s",
    "silence_share",
    "interruptions",
)
RULE_MAPS = ("keyword_hits", "agent_keyword_hits", "customer_keyword_hits", "pii")
#: The keyword maps an alert's message quotes the hits of, and whose words they count.
_QUOTED_MAPS = {"keyword_hits": "anyone", "agent_keyword_hits": "agent", "customer_keyword_hits": "customer"}
#: A dictionary per tenant (None: the default), as :func:`processors.rules.check_dictionaries_dir` loads them.
Dictionaries = Mapping[str | None, Mapping[str, Sequence[str]]]
#: Fields of the transcript's AcousticMetrics (``acoustics.<name>``).
ACOUSTICS = ("duration_s", *METRICS)
#: CallCompleted fields (``call.<name>``; ``call.crm.<key>`` reads a CRM field).
CALL_FIELDS = ("tenant", "source", "direction", "queue", "language")
_TOP = ("total", "fatal_failed", "scorer", "scorecard_id")

_PATH = r"[A-Za-z_][\w-]*(?:\.[\w-]+)*"
_COMPARE = re.compile(rf"^\s*(?P<path>{_PATH})\s*(?:(?P<op><=|>=|==|!=|<|>)\s*(?P<lit>.+?))?\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: An unquoted text literal is one word: spaces or operators in it mean a mistyped condition (``a ==
#: b && total < 40``, ``queue == sales and ...``) that would otherwise never match, silently.
_WORD = re.compile(r"""^[^\s"'<>=!&|]+$""")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNITS = {None: 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


class AlertRuleError(ValueError):
    """An alert rules file is invalid; the message names the file, the rule and the field."""


# --- conditions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """Why a condition holds: the value seen, the threshold it was compared with, and as text.

    ``text`` is the whole explanation (alert messages, ``{condition}``); notifications show its two
    parts apart, a supervisor's first: ``said`` (what was said or found: quoted hits, the fatal
    criteria) and ``technical`` (the paths and numbers compared; empty when ``said`` is all of it).
    """

    value: float | None
    threshold: float | None
    text: str
    said: str = ""
    technical: str = ""


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    return None


def _text_value(text: str) -> float | bool | str:
    """A text value (CRM fields are all text) read as a number or true/false where it is one, so
    ``call.crm.amount > 1000`` and ``call.crm.vip == true`` can match; other text stays text."""
    stripped = text.strip()
    if _NUMBER.match(stripped):
        return float(stripped)
    if stripped.lower() in ("true", "false"):
        return stripped.lower() == "true"
    return text


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= 1e15:
            return f"{value:.6g}"  # not 300 digits of a huge (or a bogus) number
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


@dataclass(frozen=True)
class Compare:
    """``path op literal``, or a bare ``path`` (true when the value is true / non-zero).

    A missing or null value never matches (not even ``!=``): a pending criterion or a mono call's
    unknown talk ratio raises nothing.
    """

    path: str
    op: str | None = None
    literal: float | str | bool | None = None

    def check(
        self, score: Mapping[str, Any], dictionary: Mapping[str, Sequence[str]] | None = None
    ) -> Match | None:
        """The match, or None; ``dictionary``: the call's tenant's keyword dictionary, so a match on a
        keyword count quotes the hits it counted (None: it does not)."""
        match = self._check(score)
        if match is None or dictionary is None:
            return match
        root, _, rest = self.path.partition(".")
        name, _, entry = rest.partition(".")
        if root != "rules" or name not in _QUOTED_MAPS or entry not in dictionary:
            return match
        said = quote_hits(score, dictionary[entry], _QUOTED_MAPS[name])
        if not said:
            return match
        return Match(match.value, match.threshold, f"{match.text}, {said}", said, match.technical)

    def _check(self, score: Mapping[str, Any]) -> Match | None:
        value = resolve(score, self.path, text=isinstance(self.literal, str))
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None  # NaN is no measurement: like null, it never matches (not even !=)
        # Text (every CRM field is text) tested as a flag or against a number / true / false is read
        # as one: "5000" > 1000, "True" == true, "0" is false.
        typed = _text_value(value) if isinstance(value, str) and not isinstance(self.literal, str) else value
        if self.op is None:
            if not typed:
                return None
            # a bare fatal_failed names the criteria that failed: the flag alone tells a supervisor little
            if self.path == "fatal_failed":
                failed = fatal_failures(score)
                return Match(_num(typed), None, failed, failed, "fatal_failed")
            return Match(_num(typed), None, self.path, "", self.path)
        left: Any = typed
        right: Any = self.literal
        if isinstance(right, bool):
            left = bool(left) if isinstance(left, bool | int | float) else left
        elif isinstance(right, float):
            left = _num(left)
            if left is None:
                return None
        elif isinstance(left, bool | int | float):
            return None  # a label compared with a number: no match
        if not _OPS[self.op](left, right):
            return None
        threshold = self.literal if isinstance(self.literal, float) else None
        if self.path == "fatal_failed" and self.literal is True:
            failed = fatal_failures(score)
            return Match(_num(typed), threshold, failed, failed, "fatal_failed == true")
        shown = _fmt(value)
        if len(shown) > MAX_QUOTED:
            shown = shown[: MAX_QUOTED - 1] + "…"
        number = _num(typed)
        if number is None and self.path.startswith("criteria."):
            # a yes_no criterion matched by its label ("== no") still has a value: 0/1 in alerts.value
            number = _num(resolve(score, f"criteria.{self.path.split('.')[1]}.value"))
        text = f"{self.path} = {shown} ({self.op} {_fmt(self.literal)})"
        return Match(number, threshold, text, "", text)


def _excerpt(text: str) -> str:
    return excerpt(text, MAX_REASONING)


def quote_hits(score: Mapping[str, Any], entry: Sequence[str], by: str) -> str:
    """What a keyword count counted (:func:`processors.rules.quoted_hits`) in a CallScore's call."""
    return quoted_hits(score["compressed"]["filtered"]["transcript"], entry, by)


def fatal_failures(score: Mapping[str, Any]) -> str:
    """Which fatal criteria failed the call, for the people an alert on ``fatal_failed`` reaches:
    ``Politeness = 10 ("The agent called the customer ..."), Disclaimer read = no failed the call``.

    A record written before criteria said ``fatal_failed`` is read as the sink reads it (the packaged
    cards' politeness below 30: :data:`processors.rows.LEGACY_FATAL`); when that names none either,
    the text says a fatal criterion failed without naming it."""
    named = []
    for row in score.get("criteria") or ():
        failed = row.get("fatal_failed")
        if failed is None and row.get("fatal") is None and row.get("status") == "scored":
            threshold = LEGACY_FATAL.get(row["id"])
            value = _num(row.get("value"))
            failed = threshold is not None and value is not None and value < threshold
        if not failed:
            continue
        answer = row.get("label") if row.get("label") is not None else row.get("value")
        title = _excerpt(str(row.get("title") or row["id"]))
        why = f' ("{_excerpt(row["reasoning"])}")' if (row.get("reasoning") or "").strip() else ""
        named.append(f"{title} = {_fmt(answer) if answer is not None else 'n/a'}{why}")
    if not named:
        return "a fatal criterion failed the call (the record does not say which)"
    return ", ".join(named) + " failed the call"


@dataclass(frozen=True)
class Phrases:
    """Phrases said in the call's kept segments (by one role or anyone), at least ``at_least`` times;
    ``qualifiers``: what voids a hit of these phrases only (``not_followed_by``, ``not_in_sentence_with``,
    as a dictionary entry's: :class:`processors.rules.Qualifiers`)."""

    phrases: tuple[str, ...]
    by: str = "anyone"
    at_least: int = 1
    qualifiers: Qualifiers = NO_QUALIFIERS

    @property
    def pattern(self) -> re.Pattern[str]:
        return _phrases(self.phrases)

    def check(
        self, score: Mapping[str, Any], dictionary: Mapping[str, Sequence[str]] | None = None
    ) -> Match | None:
        segments = score["compressed"]["filtered"]["transcript"]["segments"]
        said = [
            s["text"]
            for s in segments
            if s.get("kept", True) and (self.by == "anyone" or s.get("role") == self.by)
        ]
        found = [m.group(0).lower() for text in said for m in self.pattern.finditer(text)]
        # "I don't want to talk to a manager" asks for none (see processors.rules.negated_hits)
        negated = sum(negated_hits(self.pattern, text, self.qualifiers) for text in said) if found else 0
        if len(found) - negated < self.at_least:
            return None
        quoted = ", ".join(dict.fromkeys(f'"{f}"' for f in found))
        who = "someone" if self.by == "anyone" else f"the {self.by}"
        said = f"{who} said {quoted}"
        return Match(float(len(found) - negated), float(self.at_least), said, said)


@cache
def _phrases(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return phrase_pattern(phrases)


@dataclass(frozen=True)
class AllOf:
    """Every condition holds; reported by the first one with a number (what ``value`` shows)."""

    conditions: tuple[Condition, ...]

    def check(
        self, score: Mapping[str, Any], dictionary: Mapping[str, Sequence[str]] | None = None
    ) -> Match | None:
        matches = []
        for condition in self.conditions:
            match = condition.check(score, dictionary)
            if match is None:
                return None
            matches.append(match)
        lead = next((m for m in matches if m.value is not None), matches[0])
        return Match(
            lead.value,
            lead.threshold,
            " and ".join(m.text for m in matches),
            "; ".join(m.said for m in matches if m.said),
            " and ".join(m.technical for m in matches if m.technical),
        )


@dataclass(frozen=True)
class AnyOf:
    """At least one condition holds; reported by the first that does."""

    conditions: tuple[Condition, ...]

    def check(
        self, score: Mapping[str, Any], dictionary: Mapping[str, Sequence[str]] | None = None
    ) -> Match | None:
        for condition in self.conditions:
            match = condition.check(score, dictionary)
            if match is not None:
                return match
        return None


Condition = Compare | Phrases | AllOf | AnyOf


def explain(condition: Condition, score: Mapping[str, Any]) -> str:
    """What each part of ``condition`` read in ``score``, for a person asking why a rule is quiet:
    ``criteria.politeness = 72 (needs < 40)``, ``acoustics.longest_silence_s = n/a``, ``the customer
    said none of "manager", ...``."""
    if isinstance(condition, AllOf | AnyOf):
        joiner = "; " if isinstance(condition, AllOf) else " / "
        return joiner.join(explain(inner, score) for inner in condition.conditions)
    if isinstance(condition, Phrases):
        who = "someone" if condition.by == "anyone" else f"the {condition.by}"
        if condition.check(score) is not None:
            return f"{who} said one of them"
        listed = ", ".join(f'"{p}"' for p in condition.phrases[:3])
        more = f" (+{len(condition.phrases) - 3} more)" if len(condition.phrases) > 3 else ""
        times = f" {condition.at_least} times" if condition.at_least > 1 else ""
        return f"{who} did not say{times} any of {listed}{more} (negated ones do not count)"
    value = resolve(score, condition.path, text=isinstance(condition.literal, str))
    shown = "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else _fmt(value)
    if value is None and condition.path.startswith("criteria."):
        cid = condition.path.split(".")[1]
        row = next((c for c in score.get("criteria") or () if c["id"] == cid), None)
        if row is None:  # the call's scorecard has no such criterion: why the rule never fires for it
            shown = f"n/a (scorecard {score.get('scorecard_id')} has no {cid})"
        elif row.get("status") != "scored":
            shown = f"n/a ({row.get('status')})"
    needs = f" (needs {condition.op} {_fmt(condition.literal)})" if condition.op else " (needs a true value)"
    return f"{condition.path} = {shown[:MAX_QUOTED]}{needs}"


def resolve(score: Mapping[str, Any], path: str, text: bool = False) -> Any:
    """The value at a (validated) condition path of a CallScore; None when absent. ``text``: the
    condition compares with a word, so a bare ``criteria.<id>`` of a yes_no criterion reads its label
    ("criteria.identity_verified == no"), not its 0/1 value, which no word equals."""
    root, _, rest = path.partition(".")
    if root in _TOP:
        return score.get(root)
    if root == "criteria":
        cid, _, part = rest.partition(".")
        row = next((c for c in score.get("criteria") or () if c["id"] == cid), None)
        if row is None or row.get("status") != "scored":
            return None
        if part == "label":
            return row.get("label")
        if part == "value":
            return row.get("value")
        if text and row.get("label") is not None:
            return row["label"]
        return row.get("value") if row.get("value") is not None else row.get("label")
    if root == "rules":
        metrics = score["rules"]
        name, _, key = rest.partition(".")
        if name == "customer_keyword_hits":
            hits = (metrics.get("keyword_hits") or {}).get(key, 0)
            return hits - (metrics.get("agent_keyword_hits") or {}).get(key, 0)
        if name == "agent_keyword_hits" and not roles_known(
            score["compressed"]["filtered"]["transcript"]["segments"]
        ):
            return None  # a mono call: what the agent said is unknown, not 0 (a "== 0" rule never matches)
        if name in RULE_MAPS:
            return (metrics.get(name) or {}).get(key, 0)
        return metrics.get(name)
    transcript = score["compressed"]["filtered"]["transcript"]
    if root == "acoustics":
        return (transcript.get("metrics") or {}).get(rest)
    call = transcript["call"]
    if rest.startswith("crm."):
        return (call.get("crm") or {}).get(rest[4:])
    return call.get(rest)


def _check_path(path: str, where: str) -> None:
    root, _, rest = path.partition(".")
    parts = rest.split(".") if rest else []
    ok = False
    if root in _TOP:
        ok = not parts
    elif root == "criteria":
        ok = len(parts) in (1, 2) and bool(_ID.match(parts[0])) and parts[1:] in ([], ["value"], ["label"])
        if not ok:
            raise AlertRuleError(
                f"{where}: {path!r}: use criteria.<criterion id>[.value|.label] (ids are snake_case)"
            )
    elif root == "rules":
        if parts and parts[0] in RULE_MAPS:
            ok = len(parts) == 2
            if not ok:
                raise AlertRuleError(f"{where}: {path!r}: use rules.{parts[0]}.<entry name>")
        else:
            ok = len(parts) == 1 and parts[0] in RULE_METRICS
            if not ok:
                raise AlertRuleError(
                    f"{where}: {path!r}: unknown rule metric; choose from "
                    f"{', '.join(RULE_METRICS)}, keyword_hits.<entry>, agent_keyword_hits.<entry>, "
                    "customer_keyword_hits.<entry>, pii.<TYPE>"
                )
    elif root == "acoustics":
        ok = len(parts) == 1 and parts[0] in ACOUSTICS
        if not ok:
            raise AlertRuleError(
                f"{where}: {path!r}: unknown acoustic metric; choose from {', '.join(ACOUSTICS)}"
            )
    elif root == "call":
        ok = (len(parts) == 1 and parts[0] in CALL_FIELDS) or (len(parts) == 2 and parts[0] == "crm")
        if not ok:
            raise AlertRuleError(
                f"{where}: {path!r}: unknown call field; choose from {', '.join(CALL_FIELDS)}, crm.<key>"
            )
    if not ok:
        raise AlertRuleError(
            f"{where}: unknown path {path!r}; paths start with {', '.join(_TOP)}, criteria., rules., "
            "acoustics. or call."
        )


#: What people write to combine conditions in one string ("a >= 1 && b < 2"), which a value cannot hold.
_JOINED = re.compile(r"(&&|\|\|)|\s(and|or)\s+[a-z_][a-z0-9_.]*\s*(?:[<>!=]|$)", re.IGNORECASE)
#: A YAML list item indented too little: the plain scalar before it runs on into "... - next.path".
_LIST_ITEM = re.compile(r"\s-\s+[a-z_]+\.[a-z_]")


def _literal(text: str, where: str) -> float | str | bool:
    text = text.strip()
    if _NUMBER.match(text):
        return float(text)
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'" and text[0] not in text[1:-1]:
        return text[1:-1]
    if text.lower() in ("null", "none", "~"):
        raise AlertRuleError(f"{where}: {text!r}: a missing or null value never matches; name a value")
    if not _WORD.match(text):
        if joined := _JOINED.search(text):
            word = joined.group(1) or joined.group(2)
            combine = "{any: [...]}" if word.lower() in ("||", "or") else "{all: [...]}"
            raise AlertRuleError(
                f"{where}: {word!r} does not combine conditions: write each condition on its own and "
                f"combine them with {combine}"
            )
        if _LIST_ITEM.search(text):
            raise AlertRuleError(
                f"{where}: {text!r}: a list item ('- ...') ran into this value: indent it like the "
                "items before it"
            )
        raise AlertRuleError(
            f'{where}: {text!r}: one word, or "quoted text"; combine conditions with {{all: [...]}} '
            "or {any: [...]}"
        )
    return text


def parse_condition(raw: Any, where: str) -> Condition:
    """A condition from YAML: ``"path op value"``, ``{all: [...]}``, ``{any: [...]}`` or
    ``{phrases: [...], by: customer, at_least: 1}`` (and ``not_followed_by``, ``not_in_sentence_with``)."""
    if isinstance(raw, str):
        m = _COMPARE.match(raw)
        if not m:
            raise AlertRuleError(
                f"{where}: cannot parse {raw!r}; expected 'path op value' (op: < <= > >= == !=) "
                "or a bare path"
            )
        path, op, lit = m.group("path"), m.group("op"), m.group("lit")
        _check_path(path, where)
        if op is None:
            return Compare(path)
        literal = _literal(lit, where)
        if op in ("<", "<=", ">", ">=") and not isinstance(literal, float):
            raise AlertRuleError(f"{where}: {raw!r}: {op} needs a number (got {lit!r})")
        return Compare(path, op, literal)
    if isinstance(raw, Mapping):
        keys = set(raw)
        if keys in ({"all"}, {"any"}):
            (kind,) = keys
            items = raw[kind]
            if not isinstance(items, list) or not items:
                raise AlertRuleError(f"{where}.{kind}: must be a non-empty list of conditions")
            parts = tuple(parse_condition(c, f"{where}.{kind}[{i}]") for i, c in enumerate(items))
            return AllOf(parts) if kind == "all" else AnyOf(parts)
        if "phrases" in keys:
            unknown = keys - _PHRASE_KEYS
            if unknown:
                raise AlertRuleError(f"{where}: {unknown_keys(unknown, _PHRASE_KEYS)}")
            phrases = raw["phrases"]
            if isinstance(phrases, str):
                phrases = [phrases]
            if (
                not isinstance(phrases, list)
                or not phrases
                or not all(isinstance(p, str) and p.strip() for p in phrases)
            ):
                raise AlertRuleError(f"{where}.phrases: must be a non-empty list of phrases")
            if (bad := inner_wildcard(phrases)) is not None:
                raise AlertRuleError(f"{where}.phrases: {bad!r}: {WILDCARD_HINT}")
            by = raw.get("by", "anyone")
            if by not in _ROLES:
                raise AlertRuleError(f"{where}.by: must be one of {', '.join(_ROLES)} (got {by!r})")
            at_least = raw.get("at_least", 1)
            if isinstance(at_least, bool) or not isinstance(at_least, int) or at_least < 1:
                raise AlertRuleError(f"{where}.at_least: must be an integer >= 1 (got {at_least!r})")
            qualifiers = read_qualifiers(raw, where, AlertRuleError)
            return Phrases(tuple(p.strip() for p in phrases), by, at_least, qualifiers)
    raise AlertRuleError(
        f"{where}: a condition is 'path op value', {{all: [...]}}, {{any: [...]}} or "
        f"{{phrases: [...], by: ...}} (got {raw!r})"
    )


# --- rules and rule sets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertRule:
    """One alert: when ``when`` holds for a call, raise an Alert with ``severity``."""

    id: str
    severity: str
    when: Condition | None
    title: str = ""
    cooldown_s: float = DEFAULT_COOLDOWN_S
    message: str | None = None
    enabled: bool = True


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    rules: tuple[AlertRule, ...]
    tenants: tuple[str, ...] = ("*",)
    queues: tuple[str, ...] = ("*",)
    path: Path | None = field(default=None, compare=False)

    def specificity(self, tenant: str, queue: str | None) -> int | None:
        """Match rank for a call (higher = more specific), or None when the set does not apply."""
        return specificity(self.tenants, self.queues, tenant, queue)


def parse_duration(value: Any, where: str) -> float:
    """Seconds from ``90``, ``"90s"``, ``"15m"``, ``"2h"``, ``"1d"``; 0 switches cool-down off."""
    if isinstance(value, bool):
        raise AlertRuleError(f"{where}: a duration such as 15m, 1h, 90s or 0 (got {value!r})")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise AlertRuleError(f"{where}: a duration such as 15m, 1h, 90s or 0 (got {value!r})")
        seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds < 0:
        raise AlertRuleError(f"{where}: must be >= 0 (got {value!r})")
    return seconds


def _rule(raw: Any, where: str, cooldown_s: float) -> AlertRule:
    if not isinstance(raw, Mapping):
        raise AlertRuleError(f"{where}: must be a mapping with id, severity, when (got {raw!r})")
    rid = raw.get("id")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise AlertRuleError(f"{where}.id: required, snake_case [a-z][a-z0-9_]* (got {rid!r})")
    where = f"{where} ({rid})"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise AlertRuleError(f"{where}: {unknown_keys(unknown, _RULE_KEYS)}")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise AlertRuleError(f"{where}.enabled: must be true or false (got {enabled!r})")
    if not enabled:  # a switch-off needs nothing else
        return AlertRule(id=rid, severity="info", when=None, enabled=False)
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        raise AlertRuleError(f"{where}.severity: must be one of {', '.join(SEVERITIES)} (got {severity!r})")
    if "when" not in raw:
        raise AlertRuleError(f"{where}.when: required, the condition that raises the alert")
    when = parse_condition(raw["when"], f"{where}.when")
    title = raw.get("title", "")
    message = raw.get("message")
    for key, text in (("title", title), ("message", message)):
        if text is not None and not isinstance(text, str):
            raise AlertRuleError(f"{where}.{key}: must be text")
    if message is not None:
        try:
            # Only plain {name} fields: "{value[0]}" or "{agent_name.x}" passes a check on
            # placeholders but fails (or reads attributes) on some calls, losing all their alerts.
            for _, name, _, _ in string.Formatter().parse(message):
                if name is not None and not name.isidentifier():
                    raise ValueError(f"{{{name}}}: use a plain field name such as {{agent_name}}")
            message.format_map(_MessageFields({}))
        except (ValueError, IndexError) as exc:
            raise AlertRuleError(f"{where}.message: bad template: {exc}") from None
    cooldown = parse_duration(raw["cooldown"], f"{where}.cooldown") if "cooldown" in raw else cooldown_s
    return AlertRule(
        id=rid,
        severity=severity,
        when=when,
        title=" ".join(title.split()),
        cooldown_s=cooldown,
        message=message,
    )


def parse_rule_set(raw: Any, where: str = "alert rules") -> RuleSet:
    """A validated :class:`RuleSet` from parsed YAML; :class:`AlertRuleError` names what is wrong."""
    raw = {"version": "1", **raw} if isinstance(raw, Mapping) else raw  # a rule set's version may be left out
    set_id, version = document_header(
        raw, where, _SET_KEYS, AlertRuleError, body="rules", version_hint='a string such as "2"'
    )
    cooldown = parse_duration(raw.get("cooldown", DEFAULT_COOLDOWN_S), f"{where}: cooldown")
    items = raw.get("rules")
    if not isinstance(items, list) or not items:
        raise AlertRuleError(f"{where}: rules: required, a non-empty list")
    rules = tuple(_rule(r, f"{where}: rules[{i}]", cooldown) for i, r in enumerate(items))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise AlertRuleError(f"{where}: rules: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    return RuleSet(
        id=set_id,
        version=version,
        rules=rules,
        tenants=str_list(raw.get("tenants", ["*"]), f"{where}: tenants", AlertRuleError),
        queues=str_list(raw.get("queues", ["*"]), f"{where}: queues", AlertRuleError),
    )


def load_rule_set(path: Path) -> RuleSet:
    """Read and validate one YAML rules file."""
    raw = read_yaml(path, AlertRuleError)
    rule_set = parse_rule_set(raw, str(path))
    return RuleSet(**{**rule_set.__dict__, "path": Path(path)})


class AlertRulebook:
    """Every known rule set, and the rules that apply to a call (tenant, queue)."""

    def __init__(self, sets: Sequence[RuleSet]) -> None:
        self.sets = {s.id: s for s in sets}

    @classmethod
    def load(cls, extra_dir: Path | None = None) -> AlertRulebook:
        """Packaged rule sets, then ``extra_dir`` (the same id replaces the packaged set)."""
        paths = yaml_files(
            PACKAGED_DIR, extra_dir, "alert rules", AlertRuleError, "CALLSTREAM_ALERT_RULES_DIR"
        )
        sets: dict[str, RuleSet] = {}
        for path in paths:
            rule_set = load_rule_set(path)
            earlier = sets.get(rule_set.id)
            # Replacing a packaged set is the point of the id; two files of the rules dir with one
            # id (a copy left next to its original) would silently drop the first file's rules.
            if earlier is not None and earlier.path is not None and earlier.path.parent != PACKAGED_DIR:
                raise AlertRuleError(
                    f"{path}: id {rule_set.id!r} is the id of {earlier.path} as well; give one of them "
                    "another id"
                )
            sets[rule_set.id] = rule_set
        return cls(list(sets.values()))

    def rules_for(self, tenant: str, queue: str | None) -> list[AlertRule]:
        """Enabled rules for a call: every matching set, merged by rule id, the most specific wins."""
        ranked = sorted(
            (
                (rank, s.id, s)
                for s in self.sets.values()
                if (rank := s.specificity(tenant, queue)) is not None
            ),
            key=lambda item: (item[0], item[1]),
        )
        merged: dict[str, AlertRule] = {}
        for _, _, rule_set in ranked:
            for rule in rule_set.rules:
                merged[rule.id] = rule
        return [rule for rule in merged.values() if rule.enabled]

    def rule(self, tenant: str, queue: str | None, rule_id: str) -> AlertRule | None:
        """The rule ``rule_id`` as it applies to this tenant and queue (None: unknown or disabled)."""
        return next((r for r in self.rules_for(tenant, queue) if r.id == rule_id), None)


def _compares(condition: Condition | None) -> Iterator[Compare]:
    """Every ``path op value`` of ``condition``, however nested. (Not cached: a cached generator is
    spent after its first use, and a second check of the same rule would find nothing to check.)"""
    if isinstance(condition, AllOf | AnyOf):
        for inner in condition.conditions:
            yield from _compares(inner)
    elif isinstance(condition, Compare):
        yield condition


def _keyword_paths(condition: Condition | None) -> Iterator[tuple[str, str]]:
    """(path, dictionary entry) of every ``rules.*keyword_hits.<entry>`` in ``condition``."""
    for compare in _compares(condition):
        root, _, rest = compare.path.partition(".")
        name, _, entry = rest.partition(".")
        if root == "rules" and name.endswith("keyword_hits"):
            yield compare.path, entry


def check_keyword_entries(
    rulebook: AlertRulebook,
    dictionaries: Mapping[str | None, Mapping[str, Any]],
    hint: Callable[[str | None], str] = lambda tenant: "",
) -> None:
    """Refuse (:class:`AlertRuleError`) a rule reading a keyword entry no dictionary defines: it
    would read 0 for every call and never fire. ``dictionaries``: by tenant (None: the default), as
    ``processors.rules.check_dictionaries_dir`` loads them. A ``*`` set must find the entry in the
    default dictionary or a tenant's; a set naming tenants, in each one's (the default for a tenant
    without a file of its own). ``hint(tenant)``: words on why that tenant's dictionary may not be
    the file meant (:func:`processors.rules.dictionary_hint`)."""
    default = dictionaries.get(None, {})
    anywhere = {entry for d in dictionaries.values() for entry in d}
    for rule_set in rulebook.sets.values():
        where = str(rule_set.path or f"alert rules {rule_set.id}")
        for rule in rule_set.rules:
            for path, entry in _keyword_paths(rule.when):
                for tenant in rule_set.tenants:
                    defined = anywhere if tenant == "*" else set(dictionaries.get(tenant, default))
                    if entry not in defined:
                        scope = "any keyword dictionary" if tenant == "*" else f"the dictionary of {tenant!r}"
                        known = ", ".join(sorted(defined)) or "none"
                        raise AlertRuleError(
                            f"{where}: rule {rule.id!r} reads {path} but {scope} defines no entry "
                            f"{entry!r} (defined: {known}{hint(tenant)}); it would never fire"
                        )


def _answers(criterion: Any, part: str) -> tuple[str, ...]:
    """The words a criterion's ``criteria.<id>[.value|.label]`` can equal: a category's label, one of
    its values; a yes_no's, yes or no; none for a value (a score's, a count's, any ``.value``)."""
    if part == "value":
        return ()
    if criterion.kind == "category":
        return tuple(criterion.values)
    if criterion.kind == "yes_no":
        return ("yes", "no")
    return ()


def _word_never_answered(compare: Compare, card: Any) -> str | None:
    """Why ``compare`` (a criterion against a word) can never hold on ``card``'s calls, or None."""
    if not isinstance(compare.literal, str) or compare.op != "==":
        return None
    cid, _, part = compare.path.removeprefix("criteria.").partition(".")
    criterion = next((c for c in card.criteria if c.id == cid), None)
    answers = None if criterion is None else _answers(criterion, part)
    if answers is None or compare.literal in answers:
        return None
    said = f"one of {', '.join(answers)}" if answers else f"a number ({criterion.kind})"
    return f"{compare.path} is {said} on scorecard {card.id!r}, never {compare.literal!r}"


def _criterion_paths(condition: Condition | None) -> Iterator[tuple[str, str]]:
    """(path, criterion id) of every ``criteria.<id>[.value|.label]`` in ``condition``."""
    for compare in _compares(condition):
        root, _, rest = compare.path.partition(".")
        if root == "criteria":
            yield compare.path, rest.partition(".")[0]


def check_criterion_paths(rulebook: AlertRulebook, scorecards: Any) -> None:
    """Refuse (:class:`AlertRuleError`) a rule reading a criterion its calls' scorecard lacks: the
    value is missing for every call, and a missing value never matches, so the rule would never
    fire. ``scorecards``: a :class:`processors.scorecard.ScorecardRegistry`. A ``*`` set needs the
    criterion in some scorecard (a typo is in none); a set naming tenants, in the scorecard each
    tenant's calls get (a tenant scorecard may leave out a criterion of the default one)."""
    cards = list(scorecards.cards.values())
    for rule_set in rulebook.sets.values():
        where = str(rule_set.path or f"alert rules {rule_set.id}")
        for rule in rule_set.rules:
            for compare in _compares(rule.when):
                # a word no answer of the criterion equals ("criteria.issue_resolved == fixed", a
                # score == "high"): refused where every scorecard with the criterion says so
                if not compare.path.startswith("criteria."):
                    continue
                why = [w for card in cards if (w := _word_never_answered(compare, card))]
                having = [c for c in cards if compare.path.split(".")[1] in {x.id for x in c.criteria}]
                if why and len(why) == len(having):
                    raise AlertRuleError(f"{where}: rule {rule.id!r}: {why[0]}; it would never hold")
            for path, criterion in _criterion_paths(rule.when):
                if "*" in rule_set.tenants:
                    if not any(criterion in {c.id for c in card.criteria} for card in cards):
                        known = ", ".join(sorted({c.id for card in cards for c in card.criteria}))
                        raise AlertRuleError(
                            f"{where}: rule {rule.id!r} reads {path} but no scorecard has a criterion "
                            f"{criterion!r} (criteria: {known}); it would never fire"
                        )
                    continue
                queues = [None] if "*" in rule_set.queues else list(rule_set.queues)
                for tenant in rule_set.tenants:
                    for queue in queues:
                        card = scorecards.for_call(tenant, queue)
                        ids = [c.id for c in card.criteria]
                        if criterion not in ids:
                            calls = f"tenant {tenant!r}" + (f", queue {queue!r}" if queue else "")
                            raise AlertRuleError(
                                f"{where}: rule {rule.id!r} reads {path} but scorecard {card.id!r}, the one "
                                f"for calls of {calls}, has no criterion {criterion!r} (criteria: "
                                f"{', '.join(ids)}{_card_tenant_hint(tenant, cards)}); it would never fire "
                                "for them"
                            )


def _card_tenant_hint(tenant: str, cards: Sequence[Any]) -> str:
    """``; no scorecard names tenant 'nortwind' (did you mean 'northwind'?)`` when a rule set's tenant
    is no card's but close to one's: the likely typo behind a rule read against the default card."""
    named = sorted({t for card in cards for t in card.tenants if t != "*"})
    if tenant in named:
        return ""
    close = difflib.get_close_matches(tenant, named, n=1) or [
        t for t in named if t.casefold() == tenant.casefold()
    ]
    return f"; no scorecard names tenant {tenant!r} (did you mean {close[0]!r}?)" if close else ""


def load_checked_rulebook(
    rules_dir: Path | None, dictionaries_dir: Path | None, scorecards: Any
) -> AlertRulebook:
    """The rule book a worker runs: the packaged sets and ``rules_dir``'s, refused
    (:class:`AlertRuleError`) when a rule reads a keyword entry no dictionary in ``dictionaries_dir``
    defines or a criterion its calls' scorecard (``scorecards``) lacks. One loader for the alerts
    agent, ``callstream config --check`` and ``callstream alerts try``, so all three refuse alike."""
    rulebook = AlertRulebook.load(rules_dir)
    check_keyword_entries(
        rulebook,
        check_dictionaries_dir(dictionaries_dir),
        lambda tenant: dictionary_hint(tenant, dictionaries_dir),
    )
    check_criterion_paths(rulebook, scorecards)
    return rulebook


def default_rulebook() -> AlertRulebook:
    """The packaged rule sets only."""
    return AlertRulebook.load()


# --- evaluation ------------------------------------------------------------------------------------------


class _MessageFields(dict):
    """Template fields for ``message``: unknown names stay as written instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def evaluate(
    score: Mapping[str, Any],
    rulebook: AlertRulebook | None = None,
    now: datetime | None = None,
    dictionaries: Dictionaries | None = None,
) -> list[dict[str, Any]]:
    """CallScore -> the Alert records it raises (possibly none).

    ``alert_id`` is :func:`alert_id_for` and ``created_at`` the call's ``scored_at`` (unless ``now`` is
    given), so evaluating the same score twice gives identical records: replays are idempotent.
    ``dictionaries``: the keyword dictionaries by tenant (:func:`processors.rules.check_dictionaries_dir`);
    with them a match on a keyword count quotes in its message the phrases counted (value and
    threshold stay the count), without them the message names the count only.
    """
    rulebook = rulebook or default_rulebook()
    call = score["compressed"]["filtered"]["transcript"]["call"]
    tenant, queue = call["tenant"], call.get("queue")
    dictionary = None if dictionaries is None else dictionaries.get(tenant, dictionaries.get(None))
    agent = call.get("agent") or {}
    created_at = now or score.get("scored_at") or datetime.now(UTC)
    alerts = []
    for rule in rulebook.rules_for(tenant, queue):
        assert rule.when is not None  # enabled rules always have one
        match = rule.when.check(score, dictionary)
        if match is None:
            continue
        fields = _MessageFields(
            call_id=score["call_id"],
            rule=rule.id,
            title=rule.title or rule.id,
            severity=rule.severity,
            condition=match.text,
            value=_fmt(match.value) if match.value is not None else "",
            threshold=_fmt(match.threshold) if match.threshold is not None else "",
            agent_id=agent.get("id") or "",
            agent_name=agent.get("name") or agent.get("id") or "",
            queue=queue or "",
            tenant=tenant,
        )
        if rule.message:
            message = rule.message.format_map(fields)
        else:
            where = f", queue {queue}" if queue else ""
            who = f"agent {fields['agent_name']}{where}"
            message = f"{fields['title']}: {match.text}; {who}, call {score['call_id']}"
        alerts.append(
            {
                "alert_id": alert_id_for(tenant, score["call_id"], rule.id),
                "call_id": score["call_id"],
                "tenant": tenant,
                "rule": rule.id,
                "severity": rule.severity,
                "value": match.value,
                "threshold": match.threshold,
                "agent_id": agent.get("id"),
                "message": message,
                "created_at": created_at,
                "suppressed": False,
                "queue": queue,
                "agent_name": agent.get("name"),
                # the parts notifications show apart, a supervisor's first (streams/notifiers.py)
                "title": fields["title"],
                "said": match.said or None,
                "condition": match.technical or None,
                "call_started_at": call.get("started_at"),
            }
        )
    return alerts


def alert_id_for(tenant: str | None, call_id: str, rule: str) -> str:
    """The alert's id, unique across tenants (receivers de-duplicate by it: the webhook's
    ``X-Callstream-Alert-Id``, the live page; call ids are only trusted to be unique per tenant).

    ``<call_id>:<rule>`` for the default tenant (or none): the ids single-tenant deployments have
    always had, so a replay after an upgrade rewrites the same rows and receivers still drop it.
    Any other tenant: ``<call_id>:<rule>@<tenant>``, the tenant %-encoded (no ``@``, ``:``, ``/``).
    One-to-one: a rule id is ``[a-z0-9_]`` only, so after the last ``:`` a tenant's id has an ``@``
    that a default-tenant id cannot have; the tenant is what follows the last ``@``, the rule what
    follows the last ``:`` before it.
    """
    base = f"{call_id}:{rule}"
    if not tenant or tenant == DEFAULT_TENANT:
        return base
    return f"{base}@{quote(tenant, safe='')}"


# --- cool-down -------------------------------------------------------------------------------------------


def partition_key(alert: Mapping[str, Any]) -> str:
    """Key alerts are repartitioned by before the cool-down: every alert of one agent lands on one
    partition, so one worker holds that agent's cool-down state."""
    if alert.get("agent_id"):
        return f"{alert['tenant']}/{alert['agent_id']}"
    return alert["call_id"]


def cooldown_key(alert: Mapping[str, Any]) -> str | None:
    """The cool-down state key: ``["<tenant>","<agent>","<rule>"]`` as compact JSON (a str, as the
    Faust table wants), so no tenant or agent id can pass for another (a ``/`` join made agent
    ``a/b`` rule ``c`` agent ``a`` rule ``b/c``). None when the call has no agent.

    Keys written before this format (``tenant/agent/rule``) stay in the changelog but are never read
    again: on upgrade each agent/rule loses its open window once (at most one extra notification).
    """
    if not alert.get("agent_id"):
        return None
    parts = [alert["tenant"], alert["agent_id"], alert["rule"]]
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def apply_cooldown(
    alert: Mapping[str, Any], last: Mapping[str, Any] | None, cooldown_s: float, notified: bool = True
) -> tuple[bool, dict[str, Any] | None]:
    """(suppressed, new state or None to keep the old one) for ``alert``.

    ``last`` is ``{"call_id", "at"}`` of the last *notified* alert of the same agent and rule (``at``:
    its ``created_at`` in epoch seconds), plus ``held``: the latest alert the window suppressed (see
    :func:`release_cooldown`). An alert within ``cooldown_s`` of it is suppressed and does not extend
    the window, but is held in it when it is the latest suppressed one. The same call again (a
    replay) is never suppressed by itself. ``notified``: whether a channel would send the alert
    (its severity is at least ``CALLSTREAM_NOTIFY_MIN_SEVERITY``); one that would not reached no
    supervisor, so it opens no window and is not shown as held back by one.
    """
    if cooldown_s <= 0 or cooldown_key(alert) is None or not notified:
        return False, None
    at = alert["created_at"].timestamp()
    state = {"call_id": alert["call_id"], "at": at}
    if not last:
        return False, state
    if last.get("call_id") == alert["call_id"]:
        return False, None
    if abs(at - float(last["at"])) < cooldown_s:
        held = last.get("held")
        # The latest by created_at, not the last seen: a replay of an older one changes nothing.
        if held and held["created_at"] >= _millis(alert["created_at"]):
            return True, None
        return True, {**last, "held": _hold(alert)}
    return False, state if at >= float(last["at"]) else None


@dataclass(frozen=True)
class Release:
    """What the cool-down does with an alert no channel delivered (:func:`release_cooldown`).

    ``action``: ``keep`` (it does not own the window: nothing changes), ``delete`` (drop the
    state: the next alert is notified) or ``handover`` (send ``resend``, the alert the window held,
    unsuppressed, and store ``state``: it owns the window now).
    """

    action: str
    resend: dict[str, Any] | None = None
    state: dict[str, Any] | None = None


def release_cooldown(undelivered: Mapping[str, Any], last: Mapping[str, Any] | None) -> Release:
    """The cool-down's answer to ``undelivered``, an alert the notify stage failed to deliver on
    every channel, given the state of its agent and rule.

    Only the alert that opened the window releases it (a later window, or one already handed over,
    is not that alert's). If the window suppressed an alert meanwhile, the latest one is notified in
    its place and owns the window from its own time; otherwise the window is closed.
    """
    if not last or cooldown_key(undelivered) is None or last.get("call_id") != undelivered["call_id"]:
        return Release("keep")
    held = last.get("held")
    if not held:
        return Release("delete")
    alert = {**held, "created_at": _EPOCH + timedelta(milliseconds=held["created_at"]), "suppressed": False}
    return Release("handover", alert, {"call_id": alert["call_id"], "at": alert["created_at"].timestamp()})


def _millis(at: datetime) -> int:
    """``created_at`` as the Alert schema stores it (timestamp-millis), exactly (no float rounding:
    the re-sent alert must rewrite its stored row, not add one a millisecond off)."""
    return (at.replace(tzinfo=at.tzinfo or UTC) - _EPOCH) // timedelta(milliseconds=1)


def _hold(alert: Mapping[str, Any]) -> dict[str, Any]:
    """The alert as JSON-ready values, for the cool-down state (``created_at`` in epoch ms)."""
    return {**alert, "created_at": _millis(alert["created_at"])}


def severity_rank(severity: str) -> int:
    """0 info, 1 warning, 2 critical (unknown severities rank as critical: never silently dropped)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES) - 1
