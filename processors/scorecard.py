"""Scorecards as config: YAML files, validated on load, chosen per tenant and queue.

A scorecard lists criteria (id, title, rubric, type, weight, fatal flag, source). What the model
answers is only the per-criterion values and reasoning; the weighted total and fatal failures are
computed here, in code, so they are reproducible and never depend on a model's arithmetic.

The packaged ``processors/scorecards/*.yaml`` are always loaded (``default.yaml`` matches every
call, ``support.yaml`` the support and service queues); ``CALLSTREAM_SCORECARDS_DIR`` adds or
overrides scorecards by id. The most specific match wins: tenant and queue, then tenant, then
queue, then ``*``/``*``; at a tie, a deployment's own card before a packaged one. Two of a
deployment's cards tying for some call (or sharing an id) are refused at load: which one a call got
would depend on how the ids sort.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from processors.tenant_config import (
    document_header,
    read_yaml,
    specificity,
    str_list,
    unknown_keys,
    yaml_files,
)

PACKAGED_DIR = Path(__file__).resolve().parent / "scorecards"
KINDS = ("score", "yes_no", "category", "count")
SOURCES = ("llm", "rule")
RULES = ("price_named", "price_mentions")  # plus keyword:<name>, agent_keyword:<name>
#: What a criterion may declare it means for BI (``role:``), and the kind each role needs: dashboards
#: and docs/bi.md find politeness, the deal stage, ... by role, so a tenant's card with its own ids
#: shows in them. At most one criterion per role on a card.
ROLES = {
    "politeness": "score",
    "objection_handling": "score",
    "sale_probability": "score",
    "deal_stage": "category",
}
_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_CRITERION_KEYS = {
    "id",
    "title",
    "rubric",
    "type",
    "source",
    "weight",
    "fatal",
    "values",
    "pass_threshold",
    "fail_values",
    "rule",
    "role",
}
_CARD_KEYS = {"id", "version", "title", "tenants", "queues", "criteria", "description"}
#: A title is stored with every criterion row; a rubric is sent in every prompt.
MAX_TITLE = 200
MAX_RUBRIC = 4000
#: Weights are relative; a bound keeps ``weight x 100`` summed over criteria finite.
MAX_WEIGHT = 1e6


class ScorecardError(ValueError):
    """A scorecard file is invalid; the message names the file and the field."""


@dataclass(frozen=True)
class Criterion:
    """One scorecard line. ``values`` (category) are ordered worst → best for the total."""

    id: str
    title: str
    kind: str
    source: str
    rubric: str = ""
    weight: float = 1.0
    fatal: bool = False
    values: tuple[str, ...] = ()
    pass_threshold: float | None = None
    fail_values: tuple[str, ...] = ()
    rule: str | None = None
    role: str | None = None

    def points(self, value: float | None, label: str | None) -> float | None:
        """The criterion's 0-100 contribution to the total (None when it has no value)."""
        if self.kind == "score":
            return None if value is None else max(0.0, min(100.0, value))
        if self.kind == "yes_no":
            return None if label is None else (0.0 if label in self.bad_answers else 100.0)
        if self.kind == "category":
            if label not in self.values:
                return None
            return 100.0 * self.values.index(label) / max(1, len(self.values) - 1)
        return None  # count: not on a 0-100 scale, weight is 0 by validation

    def failed(self, value: float | None, label: str | None) -> bool:
        """Whether this (fatal) criterion fails the call with this value."""
        if not self.fatal:
            return False
        if self.kind in ("score", "count"):
            threshold = self.pass_threshold if self.pass_threshold is not None else 50.0
            return value is not None and value < threshold
        if self.kind == "yes_no":
            return label in self.bad_answers
        return label is not None and label in self.fail_values

    @property
    def bad_answers(self) -> tuple[str, ...]:
        """A yes_no criterion's failing answer: ``no`` unless ``fail_values: [yes]`` says a hit is the
        fault (a forbidden phrase was said)."""
        return self.fail_values or ("no",)


@dataclass(frozen=True)
class Scorecard:
    id: str
    version: str
    criteria: tuple[Criterion, ...]
    title: str = ""
    tenants: tuple[str, ...] = ("*",)
    queues: tuple[str, ...] = ("*",)
    path: Path | None = field(default=None, compare=False)

    @property
    def llm_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.source == "llm")

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def specificity(self, tenant: str, queue: str | None) -> int | None:
        """Match rank for a call (higher = more specific), or None when the card does not apply."""
        return specificity(self.tenants, self.queues, tenant, queue)


def totals(card: Scorecard, criteria: Iterable[Mapping[str, Any]]) -> tuple[float | None, bool]:
    """(weighted total 0-100, fatal_failed) for scored criterion rows.

    The total is None while any weighted criterion has no value (status ``pending``, ``no_speech``
    or ``failed``: the model's answer for it did not validate): a total over a subset would look
    comparable and is not. A fatal criterion that fails its threshold makes it 0 (whatever the
    others are); a fatal criterion with no value leaves it None, weighted or not, since it might
    have failed the call. ``fatal_failed`` is then false: not known to have failed (the schema's
    boolean has no "unknown"; the null total and the criterion's status say it).
    A value that is not a finite number (NaN, inf) counts as no value, so it never becomes points
    (``min(100, nan)`` is 100) nor passes a fatal threshold (``nan < 30`` is false).
    """
    rows = {row["id"]: row for row in criteria}
    fatal = False
    weighted = weights = 0.0
    complete = True
    for c in card.criteria:
        value, label = _answer(rows.get(c.id))
        if c.failed(value, label):
            fatal = True
        elif c.fatal and value is None and label is None:
            complete = False
        if c.weight > 0:
            points = c.points(value, label)
            if points is None:
                complete = False
            else:
                weighted += c.weight * points
                weights += c.weight
    if fatal:
        return 0.0, True
    if not complete or weights == 0:
        return None, False
    return round(weighted / weights, 2), False


def _answer(row: Mapping[str, Any] | None) -> tuple[float | None, str | None]:
    """(value, label) of a criterion row as :func:`totals` judges it: none unless scored, and a value
    that is not a finite number counts as none."""
    if not row or row["status"] != "scored":
        return None, None
    value, label = row.get("value"), row.get("label")
    if value is not None and not (isinstance(value, int | float) and math.isfinite(value)):
        value = None
    return value, label


def describe_criteria(card: Scorecard, criteria: Iterable[dict[str, Any]], judged: bool = True) -> None:
    """Add to each criterion row (in place) what BI cannot read from its value: ``fatal`` (the card
    marks it fatal), ``fatal_failed`` (it failed the call, as :func:`totals` judges; never when the
    call was not ``judged``), ``rule`` (what computed a rule criterion, None for llm ones) and ``role``
    (what it means for BI, None when the card gives it none), so a tenant's card with its own ids is
    found by what its criteria are, not by their names."""
    for row in criteria:
        c = card.criterion(row["id"])
        value, label = _answer(row)
        row["fatal"] = c.fatal
        row["fatal_failed"] = judged and c.failed(value, label)
        row["rule"] = (c.rule or c.id) if c.source == "rule" else None
        row["role"] = c.role


# --- loading and validation ----------------------------------------------------------------------------


def _labels(value: Any, where: str, kind: str) -> tuple[str, ...]:
    """A list of answer labels. YAML 1.1 reads a bare ``yes``/``no`` as true/false, so a yes_no
    criterion's ``fail_values: [yes]`` arrives as ``[True]``: a yes_no's answers are yes and no, so
    true and false can only mean them. A category's labels are its own words: a boolean there is
    refused with the quoting that keeps the word (``on`` and ``yes`` both read as true)."""
    if isinstance(value, list) and kind == "yes_no":
        value = [("yes" if v else "no") if isinstance(v, bool) else v for v in value]
    elif isinstance(value, list) and any(isinstance(v, bool) for v in value):
        raise ScorecardError(
            f"{where}: YAML reads a bare yes/no/on/off/true/false as a boolean (got {value!r}); quote "
            'the labels: ["yes", "no"]'
        )
    return str_list(value, where, ScorecardError)


def _criterion(raw: Any, where: str) -> Criterion:
    if not isinstance(raw, Mapping):
        raise ScorecardError(f"{where}: must be a mapping with id, title, type, source (got {raw!r})")
    if isinstance(raw.get("id"), str) and raw["id"].strip():  # name the criterion in every message
        where = f"{where} ({raw['id']})"
    unknown = set(raw) - _CRITERION_KEYS
    if unknown:
        raise ScorecardError(f"{where}: {unknown_keys(unknown, _CRITERION_KEYS)}")
    for key in ("id", "title", "type", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ScorecardError(f"{where}.{key}: required string")
    cid = raw["id"]
    if not _ID.match(cid):
        raise ScorecardError(f"{where}.id: must be snake_case [a-z][a-z0-9_]* (got {cid!r})")
    kind, source = raw["type"], raw["source"]
    if kind not in KINDS:
        raise ScorecardError(f"{where}.type: must be one of {', '.join(KINDS)} (got {kind!r})")
    if source not in SOURCES:
        raise ScorecardError(f"{where}.source: must be one of {', '.join(SOURCES)} (got {source!r})")
    if len(raw["title"]) > MAX_TITLE:
        raise ScorecardError(f"{where}.title: at most {MAX_TITLE} characters (got {len(raw['title'])})")
    weight = raw.get("weight", 1.0 if kind != "count" else 0.0)
    if (
        isinstance(weight, bool)
        or not isinstance(weight, int | float)
        or not 0 <= weight <= MAX_WEIGHT  # also false for .nan
    ):
        raise ScorecardError(f"{where}.weight: must be a number >= 0 and <= {MAX_WEIGHT:g} (got {weight!r})")
    if kind == "count" and weight:
        raise ScorecardError(f"{where}.weight: count criteria have no 0-100 scale; use weight 0")
    fatal = raw.get("fatal", False)
    if not isinstance(fatal, bool):
        raise ScorecardError(f"{where}.fatal: must be true or false (got {fatal!r})")
    values: tuple[str, ...] = ()
    if kind == "category":
        values = _labels(raw.get("values"), f"{where}.values", kind)
        if len(set(values)) != len(values) or len(values) < 2:
            raise ScorecardError(f"{where}.values: need at least two distinct values")
    elif "values" in raw:
        raise ScorecardError(f"{where}.values: only category criteria have values")
    fail_values: tuple[str, ...] = ()
    if "fail_values" in raw:
        if kind not in ("category", "yes_no"):
            raise ScorecardError(
                f"{where}.fail_values: for category and yes_no criteria only ({kind} criteria fail "
                "below pass_threshold)"
            )
        fail_values = _labels(raw["fail_values"], f"{where}.fail_values", kind)
        if kind == "yes_no" and fail_values not in (("yes",), ("no",)):
            raise ScorecardError(
                f"{where}.fail_values: a yes_no criterion names its one failing answer, [yes] or [no] "
                f"(got {list(fail_values)})"
            )
        bad = [v for v in fail_values if v not in values] if kind == "category" else []
        if bad:
            raise ScorecardError(f"{where}.fail_values: {', '.join(bad)} not in values")
    if kind == "category" and fatal and not fail_values:
        raise ScorecardError(f"{where}.fail_values: a fatal category criterion must list its failing values")
    threshold = raw.get("pass_threshold")
    if threshold is not None:
        if (
            kind not in ("score", "count")
            or isinstance(threshold, bool)
            or not isinstance(threshold, int | float)
            or not math.isfinite(threshold)
        ):
            raise ScorecardError(f"{where}.pass_threshold: a finite number, for score/count criteria only")
        if kind == "score" and not 0 <= threshold <= 100:
            raise ScorecardError(f"{where}.pass_threshold: must be within 0-100 (got {threshold})")
    rule = raw.get("rule")
    if source == "rule":
        if kind not in ("yes_no", "count"):
            raise ScorecardError(f"{where}.type: rule criteria are yes_no or count (got {kind!r})")
        rule = rule or cid
        if rule not in RULES and keyword_rule(rule) is None:
            raise ScorecardError(
                f"{where}.rule: unknown rule {rule!r}; choose from {', '.join(RULES)}, keyword:<name> "
                "or agent_keyword:<name>"
            )
    elif rule is not None:
        raise ScorecardError(f"{where}.rule: only source=rule criteria name a rule")
    role = raw.get("role")
    if role is not None:
        if not isinstance(role, str) or role not in ROLES:
            raise ScorecardError(f"{where}.role: must be one of {', '.join(ROLES)} (got {role!r})")
        if kind != ROLES[role]:
            raise ScorecardError(f"{where}.role: a {role} criterion is of type {ROLES[role]} (got {kind!r})")
    rubric = raw.get("rubric", "")
    if not isinstance(rubric, str):
        raise ScorecardError(f"{where}.rubric: must be text")
    if source == "llm" and not rubric.strip():
        raise ScorecardError(f"{where}.rubric: LLM criteria need a rubric (it is the model's instruction)")
    if len(rubric) > MAX_RUBRIC:
        raise ScorecardError(f"{where}.rubric: at most {MAX_RUBRIC} characters (got {len(rubric)})")
    return Criterion(
        id=cid,
        title=raw["title"].strip(),
        kind=kind,
        source=source,
        rubric=" ".join(rubric.split()),
        weight=float(weight),
        fatal=fatal,
        values=values,
        pass_threshold=None if threshold is None else float(threshold),
        fail_values=fail_values,
        rule=rule,
        role=role,
    )


def parse_scorecard(raw: Any, where: str = "scorecard") -> Scorecard:
    """A validated :class:`Scorecard` from parsed YAML; :class:`ScorecardError` names what is wrong."""
    card_id, version = document_header(
        raw,
        where,
        _CARD_KEYS,
        ScorecardError,
        body="criteria",
        version_hint='required (a string such as "3"; bump it on every change)',
    )
    crits = raw.get("criteria")
    if not isinstance(crits, list) or not crits:
        raise ScorecardError(f"{where}: criteria: required, a non-empty list")
    criteria = tuple(_criterion(c, f"{where}: criteria[{i}]") for i, c in enumerate(crits))
    seen: set[str] = set()
    roles: dict[str, str] = {}
    for c in criteria:
        if c.id in seen:
            raise ScorecardError(f"{where}: criteria: duplicate id {c.id!r}")
        seen.add(c.id)
        if c.role is not None and c.role in roles:
            raise ScorecardError(
                f"{where}: criteria: role {c.role!r} is declared by both {roles[c.role]!r} and {c.id!r}; "
                "a card has at most one criterion per role"
            )
        if c.role is not None:
            roles[c.role] = c.id
    for reserved in ("reasoning", "summary"):
        if reserved in seen:
            raise ScorecardError(f"{where}: criteria: {reserved!r} is reserved for the LLM answer")
    if not any(c.weight > 0 for c in criteria):
        raise ScorecardError(f"{where}: criteria: every weight is 0, so no call would ever get a total")
    return Scorecard(
        id=card_id,
        version=version,
        criteria=criteria,
        title=str(raw.get("title") or card_id),
        tenants=str_list(raw.get("tenants", ["*"]), f"{where}: tenants", ScorecardError),
        queues=str_list(raw.get("queues", ["*"]), f"{where}: queues", ScorecardError),
    )


def load_scorecard(path: Path) -> Scorecard:
    """Read and validate one YAML scorecard file."""
    raw = read_yaml(path, ScorecardError)
    card = parse_scorecard(raw, str(path))
    return Scorecard(**{**card.__dict__, "path": Path(path)})


class ScorecardRegistry:
    """Every known scorecard, and the choice of one per call (tenant, queue)."""

    def __init__(self, cards: Sequence[Scorecard]) -> None:
        self.cards = {card.id: card for card in cards}
        if not any(c.tenants == ("*",) and c.queues == ("*",) for c in self.cards.values()):
            default = self.cards.get("default")
            if default is not None and default.path is not None and default.path.parent != PACKAGED_DIR:
                raise ScorecardError(
                    f"{default.path}: id 'default' replaces the packaged default card, the one that "
                    f"matches every call, but this one has tenants: {list(default.tenants)}, queues: "
                    f"{list(default.queues)}; no scorecard matches every call now: give it tenants: ['*'] "
                    "and queues: ['*'], or another id"
                )
            raise ScorecardError("no scorecard matches every call (tenants: ['*'], queues: ['*'])")
        check_ambiguous(self.cards.values())

    @classmethod
    def load(cls, extra_dir: Path | None = None) -> ScorecardRegistry:
        """Packaged scorecards, then ``extra_dir`` (same id overrides the packaged one; two files of
        ``extra_dir`` with one id are refused: a copy left next to its original would silently win)."""
        paths = yaml_files(PACKAGED_DIR, extra_dir, "scorecards", ScorecardError, "CALLSTREAM_SCORECARDS_DIR")
        cards: dict[str, Scorecard] = {}
        for path in paths:
            card = load_scorecard(path)
            earlier = cards.get(card.id)
            if earlier is not None and not _packaged(earlier):
                raise ScorecardError(
                    f"{path}: id {card.id!r} is the id of {earlier.path} as well; give one of them another "
                    "id (a new version of a card is the same file with its version bumped)"
                )
            cards[card.id] = card
        return cls(list(cards.values()))

    def for_call(self, tenant: str, queue: str | None) -> Scorecard:
        """The most specific scorecard for this tenant and queue. Ties: a deployment's own card before
        a packaged one (a card of yours for ``queues: [support]`` replaces the packaged ``support``
        card whatever its id), then the lowest id."""
        return _ranked(self.cards.values(), tenant, queue)[0][3]

    def get(self, card_id: str) -> Scorecard:
        return self.cards[card_id]


def _packaged(card: Scorecard) -> bool:
    return card.path is not None and card.path.parent == PACKAGED_DIR


def _ranked(
    cards: Iterable[Scorecard], tenant: str, queue: str | None
) -> list[tuple[int, bool, str, Scorecard]]:
    """The cards matching a call, best first: by specificity, a deployment's before a packaged one,
    then by id."""
    ranked = [
        (rank, _packaged(card), card.id, card)
        for card in cards
        if (rank := card.specificity(tenant, queue)) is not None
    ]
    ranked.sort(key=lambda item: (-item[0], item[1], item[2]))
    return ranked


#: A tenant no card names (no tenant name holds a NUL).
_UNNAMED = "\0unnamed"


def check_ambiguous(cards: Iterable[Scorecard]) -> None:
    """Refuse two cards of which :meth:`ScorecardRegistry.for_call` would choose by id alone: for
    some call both match, at the same specificity, both a deployment's (or both packaged), and no
    card outranks them. (A deployment's card outranking a packaged one at a tie is the design.)
    A match depends only on whether the call's tenant and queue are among those a card names, so
    the calls tried are every named tenant and one named by none, by every named queue and none."""
    cards = list(cards)
    tenants = [*sorted({t for c in cards for t in c.tenants if t != "*"}), _UNNAMED]
    queues: list[str | None] = [*sorted({q for c in cards for q in c.queues if q != "*"}), None]
    for tenant in tenants:
        for queue in queues:
            ranked = _ranked(cards, tenant, queue)
            if len(ranked) < 2 or ranked[0][:2] != ranked[1][:2]:
                continue
            first, second = ranked[0][3], ranked[1][3]
            calls = "every tenant" if tenant == _UNNAMED else f"tenant {tenant!r}"
            calls += f", queue {queue!r}" if queue is not None else ", any queue they do not name"
            raise ScorecardError(
                f"{second.path or second.id}: scorecard {second.id!r} and {first.id!r} "
                f"({first.path or 'packaged'}) both match calls of {calls} equally (tenants "
                f"{list(second.tenants)} / {list(first.tenants)}, queues {list(second.queues)} / "
                f"{list(first.queues)}), and {first.id!r} would be used only because its id sorts "
                "first. For a new version of a card, edit that file and bump its version (scores keep "
                "the version they were made with); to keep both, give them different queues or tenants"
            )


#: Keyword rules: ``keyword:<name>`` counts a dictionary entry in what either speaker said,
#: ``agent_keyword:<name>`` in what the agent said (RuleMetrics field of the hits).
KEYWORD_RULES = {"keyword:": "keyword_hits", "agent_keyword:": "agent_keyword_hits"}


def keyword_rule(rule: str) -> tuple[str, str] | None:
    """(RuleMetrics map, dictionary entry name) of a keyword rule, None for any other rule."""
    for prefix, hits in KEYWORD_RULES.items():
        if rule.startswith(prefix) and len(rule) > len(prefix):
            return hits, rule.removeprefix(prefix)
    return None


def keyword_rules(card: Scorecard) -> list[tuple[Criterion, str]]:
    """(criterion, dictionary entry name) of each keyword rule criterion of a card."""
    return [
        (c, found[1])
        for c in card.criteria
        if c.source == "rule" and c.rule and (found := keyword_rule(c.rule)) is not None
    ]


def check_keyword_rules(
    cards: Iterable[Scorecard],
    dictionary: Callable[[str | None], Mapping[str, Any]],
    tenants_with_dictionaries: Iterable[str] = (),
    hint: Callable[[str | None], str] = lambda tenant: "",
) -> None:
    """Raise :class:`ScorecardError` for a ``keyword:<name>`` criterion no keyword dictionary defines.

    ``dictionary(tenant)`` is the dictionary a call of that tenant is matched with (the default one
    for None); ``tenants_with_dictionaries`` are the tenants with their own file. A card naming
    tenants must find the name in each one's dictionary. A ``*`` card must find it in the default
    dictionary or at least one tenant's: a name only some tenants define is allowed (the score stage
    marks the criterion ``failed`` for calls of the others), one defined nowhere is a typo.
    ``hint(tenant)``: words on why that tenant's dictionary may not be the file meant
    (:func:`processors.rules.dictionary_hint`).
    """
    tenant_names = list(tenants_with_dictionaries)
    anywhere: set[str] | None = None
    for card in cards:
        where = str(card.path or f"scorecard {card.id}")
        for c, name in keyword_rules(card):
            for tenant in card.tenants:
                if tenant == "*":
                    if name in dictionary(None):
                        continue
                    if anywhere is None:  # read tenant files only when the default one lacks a name
                        anywhere = {n for t in [None, *tenant_names] for n in dictionary(t)}
                    defined, scope = anywhere, "any keyword dictionary"
                else:
                    defined, scope = set(dictionary(tenant)), f"the keyword dictionary of tenant {tenant!r}"
                if name not in defined:
                    raise ScorecardError(
                        f"{where}: criterion {c.id!r} has rule {c.rule} but {scope} defines no "
                        f"entry {name!r} (defined: {', '.join(sorted(defined)) or 'none'}{hint(tenant)}); "
                        "it would never count a hit"
                    )


def default_scorecard() -> Scorecard:
    """The packaged default scorecard."""
    return load_scorecard(PACKAGED_DIR / "default.yaml")
