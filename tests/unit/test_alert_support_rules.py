"""Alert rules on the support scorecard: a yes_no criterion compared with yes/no, the packaged
support rules, and a word no answer of a criterion can equal refused at load."""

from __future__ import annotations

import re
from typing import Any

import pytest

from processors.alerts import AlertRuleError, check_criterion_paths, default_rulebook, evaluate
from processors.baseline import Turn
from processors.scorecard import ScorecardRegistry
from processors.scoring import Scorer
from tests.factories import make_call_score
from tests.unit.test_alert_rule_checks import rules


def scored(turns: list[tuple[str, str]], queue: str, cancel: int = 0) -> dict[str, Any]:
    """A CallScore of ``turns`` scored by the baseline on the card of ``queue`` (the packaged cards)."""
    score = make_call_score("c-support")
    transcript = score["compressed"]["filtered"]["transcript"]
    transcript["call"]["queue"] = queue
    transcript["segments"] = [
        {**transcript["segments"][0], "index": i, "role": t.role, "text": t.text, "kept": True}
        for i, t in enumerate(Turn(r, x) for r, x in turns)
    ]
    out = Scorer(ScorecardRegistry.load(), scorer="baseline").score(score["compressed"])
    out["rules"]["customer_keyword_hits"] = {"cancel": cancel} if cancel else {}
    return out


BROKEN = [
    ("customer", "My internet does not work for two days, I will cancel."),
    ("agent", "Sorry. I have reset the line, it should work now."),
    ("customer", "No, it is still not working."),
    ("agent", "Please try again tomorrow."),
]
UNCHECKED = [
    ("customer", "I was charged twice on my bill."),
    ("agent", "Sorry about that. I have refunded it."),
]


def fired(score: dict[str, Any]) -> set[str]:
    return {a["rule"] for a in evaluate(score)}


def test_a_yes_no_criterion_compared_with_no_reads_its_label() -> None:
    score = scored(UNCHECKED, "support")
    row = next(c for c in score["criteria"] if c["id"] == "identity_verified")
    assert (row["value"], row["label"]) == (0.0, "no")  # the value a word never equalled before
    assert "identity_not_verified" in fired(score)


def test_an_unresolved_problem_with_a_cancel_threat_is_critical_and_a_fixed_one_is_not() -> None:
    score = scored(BROKEN, "support", cancel=1)
    assert "unresolved_churn_risk" in fired(score)
    alert = next(a for a in evaluate(score) if a["rule"] == "unresolved_churn_risk")
    assert alert["severity"] == "critical"
    fixed = scored([*BROKEN[:2], ("customer", "Yes, it works now, thanks.")], "support", cancel=1)
    assert "unresolved_churn_risk" not in fired(fixed)


@pytest.mark.parametrize(
    ("threat", "call_back"),
    [
        (
            "My refund never arrived, I will cancel.",
            "Sorry. I'll check and call you back tomorrow before noon.",
        ),
        (
            "Возврат так и не пришёл, я расторгну договор.",
            "Извините. Я уточню и перезвоню вам завтра до двенадцати.",
        ),
    ],
)
def test_a_cancel_threat_left_to_the_agents_own_call_back_warns_and_is_not_critical(
    threat: str, call_back: str
) -> None:
    # a call back promised for a stated time is a follow-up the agent owns (the labelled
    # support-*-own-callback calls end "Хорошо, жду звонка", "OK, please do"): no page to a supervisor,
    # the cancel threat's warning
    own = scored([("customer", threat), ("agent", call_back)], "support", cancel=1)
    criteria = {c["id"]: c["label"] for c in own["criteria"]}
    assert (criteria["issue_resolved"], criteria["next_steps"]) == ("unresolved", "yes")
    assert "unresolved_churn_risk" not in fired(own)
    assert next(a for a in evaluate(own) if a["rule"] == "cancellation_risk")["severity"] == "warning"
    handed = scored(
        [("customer", threat), ("agent", "Sorry. I'll transfer you to billing now.")], "support", cancel=1
    )
    assert "unresolved_churn_risk" not in fired(handed)


def test_a_cancel_threat_left_with_no_next_step_is_critical() -> None:
    threat = ("customer", "My refund never arrived, I will cancel.")
    left = scored([threat, ("agent", "Sorry, I don't know what happened.")], "support", cancel=1)
    assert {c["id"]: c["label"] for c in left["criteria"]}["next_steps"] == "no"
    assert next(a for a in evaluate(left) if a["rule"] == "unresolved_churn_risk")["severity"] == "critical"


def test_the_support_rules_never_fire_on_a_sales_call() -> None:
    score = scored(BROKEN, "sales", cancel=1)
    assert score["scorecard_id"] == "default"
    assert fired(score).isdisjoint({"unresolved_churn_risk", "identity_not_verified"})


def test_the_packaged_rules_pass_the_load_checks() -> None:
    check_criterion_paths(default_rulebook(), ScorecardRegistry.load())


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("criteria.issue_resolved == fixed", "one of unresolved, escalated, resolved"),
        ("criteria.identity_verified == true_", "one of yes, no"),
        ("criteria.politeness == high", "a number (score)"),
        ("criteria.identity_verified.value == no", "a number (yes_no)"),
    ],
)
def test_a_word_no_answer_equals_is_refused_at_load(when: str, said: str) -> None:
    with pytest.raises(AlertRuleError, match=f"rule 'r': .*is {re.escape(said)}.*it would never hold"):
        check_criterion_paths(rules(when), ScorecardRegistry.load())


def test_a_word_some_answer_equals_is_accepted() -> None:
    for when in ("criteria.issue_resolved == escalated", "criteria.deal_stage.label == closing"):
        check_criterion_paths(rules(when), ScorecardRegistry.load())


def test_a_quiet_rule_says_the_call_s_scorecard_has_no_such_criterion() -> None:
    from processors.alerts import explain

    rule = default_rulebook().rule("t", "support", "sale_without_price")
    score = scored(UNCHECKED, "support")
    assert "criteria.sale_probability = n/a (scorecard support has no sale_probability)" in explain(
        rule.when, score
    )
    next(c for c in score["criteria"] if c["id"] == "issue_resolved")["status"] = "pending"
    churn = default_rulebook().rule("t", "support", "unresolved_churn_risk")
    assert "criteria.issue_resolved = n/a (pending)" in explain(churn.when, score)
