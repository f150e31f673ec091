"""The alert on ``fatal_failed`` names the criteria that failed the call (title, value or answer, a short
excerpt of the reasoning), for a packaged card and a tenant's card with its own fatal criteria, also in
``callstream alerts try``; a record written before criteria said so falls back as the sink does."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from processors.alerts import MAX_REASONING, AlertRulebook, evaluate, parse_rule_set
from processors.rules import RuleOptions
from processors.scorecard import ScorecardRegistry, default_scorecard, parse_scorecard
from processors.scoring import Scorer
from streams.cli import main
from tests.bi_data import TENANT_CARD  # globex's own card: other fatal and price_named ids
from tests.factories import make_call_score

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside

RUDE = "Northwind. What do you want? Not my problem, calm down."
POLITE_WITH_DISCLAIMER = "Good morning, this call is recorded. Thank you for calling, goodbye."

#: A tenant's card whose fatal criteria have their own ids and titles (no politeness).
DICTIONARY = "disclaimer: [this call is recorded]\n"


def compressed(agent: str, tenant: str = "default") -> dict[str, Any]:
    out = copy.deepcopy(make_call_score("c-1", tenant=tenant)["compressed"])
    for seg in out["filtered"]["transcript"]["segments"]:
        seg["text"] = agent if seg["role"] == "agent" else "How much is it?"
    return out


def fatal_message(score: dict[str, Any], rulebook: AlertRulebook | None = None) -> str:
    alerts = {a["rule"]: a for a in evaluate(score, rulebook)}
    assert "fatal_criterion_failed" in alerts, f"no fatal alert for {score['fatal_failed']=}"
    return alerts["fatal_criterion_failed"]["message"]


@pytest.fixture
def dicts(tmp_path: Path) -> Path:
    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "globex.yaml").write_text(DICTIONARY, encoding="utf-8")
    return folder


def test_packaged_card_names_politeness_its_score_and_why() -> None:
    score = Scorer(scorer="baseline").score(compressed(RUDE))
    politeness = next(c for c in score["criteria"] if c["id"] == "politeness")
    assert score["fatal_failed"] and politeness["fatal_failed"]
    title = default_scorecard().criterion("politeness").title
    message = fatal_message(score)
    assert message.startswith(f'A fatal scorecard criterion failed: {title} = {politeness["value"]:g} ("')
    assert "rude markers" in message  # the reasoning's excerpt says why
    excerpt = message.split(' ("', 1)[1].split('")', 1)[0]
    assert len(excerpt) <= MAX_REASONING and politeness["reasoning"].startswith(excerpt.rstrip("…"))
    assert message.endswith("failed the call; agent Dana Smith, queue sales, call c-1")
    # other criteria (not fatal, or passed) are not named
    assert "Sale probability" not in message and message.count(" = ") == 1


def test_tenant_card_names_its_own_fatal_criterion(dicts: Path) -> None:
    registry = ScorecardRegistry([default_scorecard(), parse_scorecard(TENANT_CARD)])
    scorer = Scorer(registry, scorer="rules", rule_options=RuleOptions(dicts))
    score = scorer.score(compressed(RUDE, tenant="globex"))
    assert score["scorecard_id"] == "globex_sales" and score["fatal_failed"]
    message = fatal_message(score)
    assert "Recording disclaimer read = no" in message
    assert "politeness" not in message.lower()
    assert "Courtesy" not in message  # pending (no LLM): not known to have failed
    # the disclaimer said: no fatal failure, no alert
    passed = scorer.score(compressed(POLITE_WITH_DISCLAIMER, tenant="globex"))
    assert not passed["fatal_failed"]
    assert "fatal_criterion_failed" not in [a["rule"] for a in evaluate(passed)]


def test_every_failed_criterion_is_named_and_a_long_reasoning_is_cut(dicts: Path) -> None:
    registry = ScorecardRegistry([default_scorecard(), parse_scorecard(TENANT_CARD)])
    score = Scorer(registry, scorer="rules", rule_options=RuleOptions(dicts)).score(
        compressed(RUDE, tenant="globex")
    )
    courtesy = next(c for c in score["criteria"] if c["id"] == "courtesy")
    courtesy.update(
        status="scored", value=12.0, fatal_failed=True, reasoning="The agent\nsnapped at the caller. " * 20
    )
    message = fatal_message(score)
    assert 'Courtesy = 12 ("The agent snapped at the caller. The agent' in message
    assert "\n" not in message
    assert '…"), Recording disclaimer read = no' in message
    assert len(message) < 400


def test_a_combined_rule_and_an_explicit_comparison_name_it_too() -> None:
    score = Scorer(scorer="baseline").score(compressed(RUDE))
    title = default_scorecard().criterion("politeness").title
    rules = AlertRulebook(
        [
            parse_rule_set(
                yaml.safe_load(
                    "id: t\nrules:\n"
                    "  - {id: vip, severity: critical, title: VIP call failed,\n"
                    "     when: {all: [fatal_failed, call.queue == sales]}}\n"
                    "  - {id: eq, severity: critical, when: fatal_failed == true,\n"
                    "     message: '{agent_name}: {condition}'}\n"
                ),
                "t.yaml",
            )
        ]
    )
    alerts = {a["rule"]: a for a in evaluate(score, rules)}
    assert alerts["vip"]["message"].startswith(f"VIP call failed: {title} = ")
    assert "failed the call and call.queue = sales (== sales)" in alerts["vip"]["message"]
    assert alerts["eq"]["message"].startswith(f"Dana Smith: {title} = ")
    assert alerts["eq"]["value"] == 1.0


def test_an_old_record_is_read_as_the_sink_reads_it() -> None:
    """Written before criteria had fatal / fatal_failed: politeness below 30 is named (the packaged
    cards' guess, processors.rows.LEGACY_FATAL); a tenant criterion cannot be, and is not guessed."""
    score = Scorer(scorer="baseline").score(compressed(RUDE))
    for row in score["criteria"]:
        row.update(fatal=None, fatal_failed=None, rule=None)
    title = default_scorecard().criterion("politeness").title
    assert f"failed: {title} = 0 (" in fatal_message(score)

    old = make_call_score("c-2", tenant="globex")
    old["fatal_failed"], old["total"] = True, 0.0
    old["criteria"] = [
        {"id": "disclaimer_read", "title": "Recording disclaimer read", "kind": "yes_no", "source": "rule"}
        | {"status": "scored", "value": 0.0, "label": "no", "reasoning": None}
    ]
    message = fatal_message(old)
    assert "a fatal criterion failed the call (the record does not say which)" in message
    assert "disclaimer" not in message.lower()


def test_alerts_try_names_the_failed_criterion(
    tmp_path: Path, dicts: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    dialogue = tmp_path / "rude.txt"
    dialogue.write_text(f"agent: {RUDE}\ncustomer: My internet is down again.\n", encoding="utf-8")
    assert main(["alerts", "try", str(dialogue), "--all", "--agent", "Dana"]) == 0
    out = capsys.readouterr().out
    title = default_scorecard().criterion("politeness").title
    assert f"FIRES  fatal_criterion_failed [critical]: A fatal scorecard criterion failed: {title} = " in out

    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "globex.yaml").write_text(yaml.safe_dump(TENANT_CARD), encoding="utf-8")
    monkeypatch.setenv("CALLSTREAM_SCORECARDS_DIR", str(cards))
    monkeypatch.setenv("CALLSTREAM_DICTIONARIES_DIR", str(dicts))
    assert main(["alerts", "try", str(dialogue), "--all", "--tenant", "globex"]) == 0
    out = capsys.readouterr().out
    assert "scorecard globex_sales" in out
    fatal = next(line for line in out.splitlines() if "FIRES  fatal_criterion_failed" in line)
    assert "Recording disclaimer read = no" in fatal and title not in fatal
