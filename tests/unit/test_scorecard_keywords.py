"""keyword:<name> rule criteria: a name no keyword dictionary defines is refused at worker start
(naming the criterion, the name and the names that exist), and scores ``failed`` with the reason,
never a silent 0, for a call whose tenant's dictionary lacks it."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from processors.rules import RuleOptions
from processors.scorecard import ScorecardError, ScorecardRegistry, parse_scorecard
from processors.scoring import Scorer, build_scorer, check_dictionaries
from streams.settings import load_settings
from tests.factories import make_call_score


def card(rule: str, tenants: list[str] | None = None, card_id: str = "kw") -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": card_id,
        "version": "1",
        "criteria": [
            {"id": "price_named", "title": "Price named", "type": "yes_no", "source": "rule"},
            {
                "id": "competitor",
                "title": "Competitor named",
                "type": "yes_no",
                "source": "rule",
                "rule": rule,
                "weight": 0,
            },
        ],
    }
    if tenants:
        raw["tenants"] = tenants
    return raw


def registry(*cards: dict[str, Any]) -> ScorecardRegistry:
    parsed = [parse_scorecard(c) for c in cards]
    if not any(c.tenants == ("*",) for c in parsed):
        parsed.append(parse_scorecard(card("keyword:legal", card_id="fallback")))
    return ScorecardRegistry(parsed)


@pytest.fixture
def dicts(tmp_path: Path) -> Path:
    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "acme.yaml").write_text("rival: [globex, initech]\n", encoding="utf-8")
    return folder


def test_a_name_no_dictionary_defines_is_refused_with_the_names_that_exist(dicts):
    with pytest.raises(ScorecardError) as err:
        check_dictionaries(registry(card("keyword:competiton")), RuleOptions(dicts))
    message = str(err.value)
    assert "'competitor'" in message and "keyword:competiton" in message
    assert "greeting" in message and "legal" in message and "rival" in message


def test_a_tenant_card_needs_the_name_in_that_tenants_dictionary(dicts):
    check_dictionaries(registry(card("keyword:rival", ["acme"])), RuleOptions(dicts))
    check_dictionaries(registry(card("keyword:legal", ["other"])), RuleOptions(dicts))
    with pytest.raises(ScorecardError, match=r"tenant 'other' defines no entry 'rival'"):
        check_dictionaries(registry(card("keyword:rival", ["other"])), RuleOptions(dicts))


def test_a_wildcard_card_may_use_a_name_only_some_tenants_define(dicts):
    check_dictionaries(registry(card("keyword:rival")), RuleOptions(dicts))
    with pytest.raises(ScorecardError):
        check_dictionaries(registry(card("keyword:rival")), RuleOptions(None))


def test_build_scorer_refuses_an_undefined_keyword_at_start(tmp_path, monkeypatch):
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "kw.yaml").write_text(
        "id: kw\nversion: 1\ntenants: [acme]\ncriteria:\n"
        "  - {id: price_named, title: Price, type: yes_no, source: rule}\n"
        "  - {id: rival, title: Rival, type: count, source: rule, rule: 'keyword:rival', weight: 0}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CALLSTREAM_SCORECARDS_DIR", str(cards))
    monkeypatch.delenv("CALLSTREAM_DICTIONARIES_DIR", raising=False)
    monkeypatch.setenv("CALLSTREAM_LLM_BACKEND", "rules")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScorecardError, match=r"kw\.yaml: criterion 'rival' has rule keyword:rival"):
        build_scorer(load_settings())


def rows(score: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in score["criteria"]}


def test_a_call_whose_dictionary_lacks_the_name_fails_the_criterion(dicts):
    scorer = Scorer(registry(card("keyword:rival")), scorer="rules", rule_options=RuleOptions(dicts))
    other = copy.deepcopy(make_call_score("c-other", tenant="other")["compressed"])
    row = rows(scorer.score(other))["competitor"]
    assert row["status"] == "failed" and row["value"] is None
    assert "defines no entry 'rival'" in row["reasoning"] and "greeting" in row["reasoning"]

    acme = copy.deepcopy(make_call_score("c-acme", tenant="acme")["compressed"])
    row = rows(scorer.score(acme))["competitor"]
    assert (row["status"], row["value"], row["label"]) == ("scored", 0.0, "no")


def test_a_defined_entry_without_hits_still_scores_zero(dicts):
    scorer = Scorer(registry(card("keyword:legal")), scorer="rules", rule_options=RuleOptions(dicts))
    row = rows(scorer.score(copy.deepcopy(make_call_score("c-legal")["compressed"])))["competitor"]
    assert (row["status"], row["value"], row["label"]) == ("scored", 0.0, "no")


def test_an_agent_keyword_rule_counts_only_what_the_agent_said(dicts):
    """ "Did the agent apologise": the customer's "Sorry, can you repeat?" is no agent apology."""
    compressed = copy.deepcopy(make_call_score("c-sorry")["compressed"])
    segments = compressed["filtered"]["transcript"]["segments"]
    for seg in segments:
        seg["text"] = (
            "Sorry, can you say that again?" if seg["role"] == "customer" else "Let me check the plan."
        )
    assert {s["role"] for s in segments} >= {"agent", "customer"}
    cards = registry(card("keyword:apology", card_id="any"), card("agent_keyword:apology", ["acme"], "agent"))
    scorer = Scorer(cards, scorer="rules", rule_options=RuleOptions(dicts))
    score = scorer.score(copy.deepcopy(compressed))
    assert score["rules"]["keyword_hits"].get("apology", 0) >= 1
    assert score["rules"]["agent_keyword_hits"].get("apology", 0) == 0
    compressed["filtered"]["transcript"]["call"]["tenant"] = "acme"
    row = rows(scorer.score(compressed))["competitor"]
    assert (row["status"], row["label"]) == ("scored", "no")


@pytest.mark.parametrize("rule", ["agent_keyword:", "agentkeyword:apology", "customer_keyword:apology"])
def test_a_malformed_keyword_rule_is_refused(rule):
    with pytest.raises(ScorecardError, match="keyword:<name> or agent_keyword:<name>"):
        parse_scorecard(card(rule))


def test_an_agent_keyword_rule_needs_the_entry_in_the_dictionary(dicts):
    check_dictionaries(registry(card("agent_keyword:apology")), RuleOptions(dicts))
    with pytest.raises(ScorecardError, match="agent_keyword:apologies"):
        check_dictionaries(registry(card("agent_keyword:apologies")), RuleOptions(dicts))


def test_a_forbidden_phrase_criterion_fails_the_call_on_one_agent_hit(tmp_path):
    """``fail_values: [yes]``: "the agent said a forbidden phrase" fails a fatal criterion on a hit
    (and a yes scores 0); the same phrase from the customer, or no hit, passes."""
    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "acme.yaml").write_text("forbidden: [not my problem, не мои проблемы]\n", encoding="utf-8")
    raw = card("agent_keyword:forbidden", ["acme"], "acme")
    raw["criteria"][1] |= {"fail_values": ["yes"], "fatal": True, "weight": 1}
    scorer = Scorer(registry(raw), scorer="rules", rule_options=RuleOptions(folder))

    def scored(agent: str, customer: str) -> dict[str, Any]:
        compressed = copy.deepcopy(make_call_score("c-forbidden", tenant="acme")["compressed"])
        for seg in compressed["filtered"]["transcript"]["segments"]:
            seg["text"] = agent if seg["role"] == "agent" else customer
        return scorer.score(compressed)

    rude = scored("Honestly, that is not my problem.", "My internet is down again.")
    assert rows(rude)["competitor"]["label"] == "yes"
    assert rude["fatal_failed"] is True and rude["total"] == 0.0

    fine = scored("Let me check the line for you.", "Is it not my problem then?")  # the customer says it
    assert rows(fine)["competitor"]["label"] == "no"
    assert fine["fatal_failed"] is False and fine["total"] is not None and fine["total"] > 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fail_values": ["maybe"]}, "[yes] or [no]"),
        ({"fail_values": ["yes", "no"]}, "[yes] or [no]"),
        ({"type": "count", "fail_values": ["yes"]}, "for category and yes_no criteria only"),
    ],
)
def test_a_yes_no_criterion_names_one_failing_answer(change, message):
    raw = card("agent_keyword:apology")
    raw["criteria"][1] |= change
    with pytest.raises(ScorecardError, match=re.escape(message)):
        parse_scorecard(raw)


def test_fail_values_yes_turns_the_points_and_the_failure_around():
    default = parse_scorecard(card("agent_keyword:apology")).criterion("competitor")
    raw = card("agent_keyword:apology")
    raw["criteria"][1] |= {"fail_values": ["yes"], "fatal": True}
    forbidden = parse_scorecard(raw).criterion("competitor")
    assert (default.points(1.0, "yes"), default.points(0.0, "no")) == (100.0, 0.0)
    assert (forbidden.points(1.0, "yes"), forbidden.points(0.0, "no")) == (0.0, 100.0)
    assert forbidden.failed(1.0, "yes") and not forbidden.failed(0.0, "no")


def test_a_rule_criterion_quotes_what_it_counted(dicts):
    """A QA reviewer sees why a keyword criterion is yes without opening the transcript."""
    compressed = copy.deepcopy(make_call_score("c-sorry", tenant="acme")["compressed"])
    for seg in compressed["filtered"]["transcript"]["segments"]:
        seg["text"] = "I'm sorry for the wait." if seg["role"] == "agent" else "We use Globex now."
    scorer = Scorer(
        registry(card("agent_keyword:apology", ["acme"])), scorer="rules", rule_options=RuleOptions(dicts)
    )
    got = rows(scorer.score(copy.deepcopy(compressed)))
    assert got["competitor"]["label"] == "yes"
    assert re.fullmatch(
        r'rule agent_keyword:apology: \d+ hits?, the agent said "sorry"', got["competitor"]["reasoning"]
    )
    assert got["price_named"]["reasoning"] == "rule price_named: 0 price mentions"
    scorer = Scorer(
        registry(card("keyword:legal", ["acme"])), scorer="rules", rule_options=RuleOptions(dicts)
    )
    assert (
        rows(scorer.score(compressed))["competitor"]["reasoning"]
        == "rule keyword:legal: no phrase of 'legal' said"
    )


def test_an_agent_keyword_rule_is_not_judged_without_speaker_roles(dicts):
    """A mono recording mixes both parties: "did the agent say X" cannot be told, so the criterion has
    no value (and the total none) rather than a "no" that would fail the agent on every mono call;
    a keyword rule on anyone's words is still judged."""
    compressed = copy.deepcopy(make_call_score("c-mono", tenant="acme")["compressed"])
    transcript = compressed["filtered"]["transcript"]
    transcript["layout"] = "mono"
    for seg in transcript["segments"]:
        seg["role"], seg["channel"] = "unknown", 0
        seg["text"] = "Hello, I'm sorry for the wait."
    raw = card("agent_keyword:apology", ["acme"])
    raw["criteria"][1]["weight"] = 1
    scorer = Scorer(registry(raw), scorer="rules", rule_options=RuleOptions(dicts))
    score = scorer.score(copy.deepcopy(compressed))
    row = rows(score)["competitor"]
    assert (row["status"], row["value"], row["label"]) == ("no_roles", None, None)
    assert "speaker roles are unknown (layout mono)" in row["reasoning"]
    assert score["total"] is None
    scorer = Scorer(
        registry(card("keyword:apology", ["acme"])), scorer="rules", rule_options=RuleOptions(dicts)
    )
    row = rows(scorer.score(compressed))["competitor"]
    assert (row["status"], row["label"]) == ("scored", "yes")
