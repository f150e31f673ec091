"""What a rule author hears when a rule could never fire (a criterion no scorecard of its calls has)
or is written the way another language combines conditions (``&&``, a list item out of line, a
misspelt key), and why a rule stays quiet (:func:`processors.alerts.explain`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from processors.alerts import (
    AlertRulebook,
    AlertRuleError,
    check_criterion_paths,
    default_rulebook,
    explain,
    parse_condition,
    parse_rule_set,
)
from processors.scorecard import ScorecardRegistry
from tests.factories import make_call_score

DEFAULT_CARD = yaml.safe_load((Path("processors/scorecards/default.yaml")).read_text(encoding="utf-8"))


def rules(when: str, tenants: list[str] | None = None) -> AlertRulebook:
    raw = {"id": "acme", "version": "1", "rules": [{"id": "r", "severity": "info", "when": when}]}
    if tenants:
        raw["tenants"] = tenants
    return AlertRulebook([*default_rulebook().sets.values(), parse_rule_set(raw, "acme.yaml")])


def cards(tmp_path: Path, **tenant_card: list[str]) -> ScorecardRegistry:
    """The packaged scorecard plus, per tenant, a copy holding only the named criteria."""
    for tenant, keep in tenant_card.items():
        card = dict(DEFAULT_CARD, id=f"{tenant}-card", tenants=[tenant])
        card["criteria"] = [c for c in DEFAULT_CARD["criteria"] if c["id"] in keep]
        (tmp_path / f"{tenant}.yaml").write_text(yaml.safe_dump(card), encoding="utf-8")
    return ScorecardRegistry.load(tmp_path)


def test_the_packaged_rules_read_criteria_the_packaged_scorecard_has(tmp_path: Path) -> None:
    check_criterion_paths(default_rulebook(), ScorecardRegistry.load(None))
    check_criterion_paths(rules("criteria.objection_handling.value < 50"), cards(tmp_path))


def test_a_criterion_no_scorecard_has_is_refused_with_the_ones_there_are(tmp_path: Path) -> None:
    with pytest.raises(
        AlertRuleError,
        match=r"^alert rules acme: rule 'r' reads criteria.objection_handlng but no "
        r"scorecard has a criterion 'objection_handlng' \(criteria: .*objection_handling",
    ):
        check_criterion_paths(rules("criteria.objection_handlng < 50"), cards(tmp_path))


def test_a_criterion_the_tenant_s_scorecard_leaves_out_is_refused(tmp_path: Path) -> None:
    registry = cards(tmp_path, acme=["politeness"])
    with pytest.raises(
        AlertRuleError,
        match=r"scorecard 'acme-card', the one for calls of tenant 'acme', "
        r"has no criterion 'objection_handling' \(criteria: politeness\)",
    ):
        check_criterion_paths(rules("criteria.objection_handling < 50", ["acme"]), registry)
    check_criterion_paths(rules("criteria.politeness < 50", ["acme"]), registry)
    # a set for every tenant may read it: the default card's calls have it
    check_criterion_paths(rules("criteria.objection_handling < 50"), registry)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (
            "rules.price_mentions >= 1 && total < 40",
            r"'&&' does not combine conditions: .* \{all: \[\.\.\.\]\}",
        ),
        ("total < 40 || fatal_failed", r"'\|\|' does not combine conditions: .* \{any: \[\.\.\.\]\}"),
        ("call.queue == vip and total < 40", r"'and' does not combine conditions"),
        (
            "call.queue == vip - rules.customer_keyword_hits.cancel >= 1",
            r"a list item \('- \.\.\.'\) ran into",
        ),
    ],
)
def test_conditions_joined_as_in_code_say_how_to_combine_them(when: str, message: str) -> None:
    with pytest.raises(AlertRuleError, match=message):
        parse_condition(when, "acme.yaml: rules[0] (r).when")


def test_a_misspelt_key_names_the_key_it_may_mean() -> None:
    raw = {"id": "acme", "version": "1", "rules": [{"id": "r", "severty": "info", "when": "total < 40"}]}
    with pytest.raises(AlertRuleError, match=r"unknown key\(s\) severty \(did you mean severity\?\)"):
        parse_rule_set(raw, "acme.yaml")
    raw = {"id": "acme", "version": "1", "rulez": []}
    with pytest.raises(AlertRuleError, match=r"unknown key\(s\) rulez \(did you mean rules\?\)"):
        parse_rule_set(raw, "acme.yaml")


def test_explain_says_what_each_part_of_a_quiet_rule_read() -> None:
    score: dict[str, Any] = make_call_score("c-1")
    score["total"] = 55.0
    when = parse_condition(
        {
            "all": [
                "total < 40",
                "acoustics.longest_silence_s >= 20",
                {"phrases": ["manager"], "by": "customer"},
            ]
        },
        "w",
    )
    said = explain(when, score)
    assert said.startswith("total = 55 (needs < 40); acoustics.longest_silence_s = 24.5 (needs >= 20); ")
    assert 'the customer did not say any of "manager" (negated ones do not count)' in said
    score["compressed"]["filtered"]["transcript"]["metrics"]["longest_silence_s"] = None
    assert "acoustics.longest_silence_s = n/a (needs >= 20)" in explain(when, score)


def test_a_star_inside_a_phrase_is_refused_as_it_would_never_match(tmp_path: Path) -> None:
    from processors.rules import load_dictionary

    with pytest.raises(AlertRuleError, match=r"\.phrases: 'позови\* руководител\*': '\*' ends the last word"):
        parse_condition({"phrases": ["позовите руководител*", "позови* руководител*"]}, "r.when")
    parse_condition({"phrases": ["позовите руководител*"]}, "r.when")  # at the end: a stem
    (tmp_path / "acme.yaml").write_text("churn: [уйду к друг* оператору]\n", encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"entry 'churn': 'уйду к друг\* оператору': '\*' ends the last word"
    ):
        load_dictionary("acme", tmp_path)


def test_a_rule_is_checked_every_time_it_is_loaded() -> None:
    """The walk over a condition was cached as a generator, spent after its first use: the second
    load of an equal rule (a worker's check after `config --check` in one process) checked nothing."""
    from processors.alerts import check_keyword_entries

    rule = {"id": "r", "severity": "info", "when": "rules.keyword_hits.nope >= 1"}
    raw = {"id": "acme", "version": "1", "rules": [rule]}
    dictionaries = {None: {"legal": 1, "cancel": 1, "do_not_call": 1}}  # the default rules' entries
    for _ in range(2):
        book = AlertRulebook([*default_rulebook().sets.values(), parse_rule_set(raw, "acme.yaml")])
        with pytest.raises(AlertRuleError, match="defines no entry 'nope'"):
            check_keyword_entries(book, dictionaries)


def test_the_readmes_rule_set_example_loads_as_written(tmp_path: Path) -> None:
    """The README's example set was refused at start (a support queue reading the sales card's
    criteria.sale_probability): what a user copies first must work."""
    from processors.alerts import load_checked_rulebook

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\nid: acme-")[1].split("```")[0]
    (tmp_path / "acme.yaml").write_text("id: acme-" + block, encoding="utf-8")
    book = load_checked_rulebook(tmp_path, None, ScorecardRegistry.load())
    sales = {r.id for r in book.rules_for("acme", "sales")}
    assert {"rude_agent", "legal_threat", "lost_sale", "manager_requested"} <= sales
    assert "cancellation_risk" not in sales  # switched off by the example
