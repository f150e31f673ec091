"""Each scored criterion says whether its card marks it fatal, whether it failed the call and which rule
computed it (CallScore Criterion.fatal / fatal_failed / rule, call_criteria columns of migration 014),
so BI reads a tenant's card by what its criteria are, not by the packaged cards' ids."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from processors.rows import LEGACY_FATAL, score_rows
from processors.rules import RuleOptions
from processors.scorecard import ScorecardRegistry, default_scorecard, parse_scorecard
from processors.scoring import Scorer
from schemas.codec import SingleObjectCodec
from tests.bi_data import TENANT_CARD  # globex's own card: other fatal and price_named ids
from tests.factories import make_call_score

#: A tenant's sales card: a fatal LLM criterion and a fatal rule criterion with their own ids, and the
#: price_named / price_mentions rules under other ids than the packaged card's.


@pytest.fixture
def scorer(tmp_path: Path) -> Scorer:
    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "globex.yaml").write_text("disclaimer: [this call is recorded]\n", encoding="utf-8")
    registry = ScorecardRegistry([default_scorecard(), parse_scorecard(TENANT_CARD)])
    return Scorer(registry, scorer="rules", rule_options=RuleOptions(folder))


def globex_call(agent: str, *, speech: bool = True) -> dict[str, Any]:
    compressed = copy.deepcopy(make_call_score("c-globex", tenant="globex")["compressed"])
    for seg in compressed["filtered"]["transcript"]["segments"]:
        seg["text"] = (agent if seg["role"] == "agent" else "How much is it?") if speech else ""
    return compressed


def by_id(score: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in score["criteria"]}


def test_a_failed_fatal_rule_criterion_says_so_and_names_its_rule(scorer):
    """No disclaimer: the fatal rule criterion failed the call, and only it (courtesy is pending, not
    failed); each rule criterion names its rule, llm criteria none."""
    score = scorer.score(globex_call("Hi, it costs $49 a month."))
    got = by_id(score)
    assert score["scorecard_id"] == "globex_sales" and score["fatal_failed"] is True
    assert {cid: (c["fatal"], c["fatal_failed"], c["rule"]) for cid, c in got.items()} == {
        "courtesy": (True, False, None),
        "disclaimer_read": (True, True, "agent_keyword:disclaimer"),
        "quote_given": (False, False, "price_named"),
        "pipeline_stage": (False, False, None),
        "amounts": (False, False, "price_mentions"),
        "rapport": (False, False, None),
    }
    assert got["quote_given"]["label"] == "yes"


def test_no_criterion_failed_when_the_call_passed_or_was_not_judged(scorer):
    passed = scorer.score(globex_call("Hello, this call is recorded. It costs $49."))
    assert passed["fatal_failed"] is False
    assert not any(c["fatal_failed"] for c in passed["criteria"])
    assert by_id(passed)["disclaimer_read"]["label"] == "yes"
    silent = scorer.score(globex_call("", speech=False))  # nothing said: nothing judged, nothing failed
    assert silent["fatal_failed"] is False and silent["total"] is None
    assert not any(c["fatal_failed"] for c in silent["criteria"])
    assert [c["fatal"] for c in silent["criteria"]] == [True, True, False, False, False, False]


def test_the_facts_travel_through_avro_into_call_criteria(scorer):
    codec = SingleObjectCodec()
    score = make_call_score("c-globex", tenant="globex")
    score.update(scorer.score(globex_call("It costs $49.")))
    decoded = codec.decode("CallScore", codec.encode("CallScore", score))
    rows = {r["criterion_id"]: r for r in score_rows(decoded, 1)["call_criteria"]}
    assert {cid: (r["fatal"], r["fatal_failed"], r["rule"]) for cid, r in rows.items()} == {
        "courtesy": (1, 0, ""),
        "disclaimer_read": (1, 1, "agent_keyword:disclaimer"),
        "quote_given": (0, 0, "price_named"),
        "pipeline_stage": (0, 0, ""),
        "amounts": (0, 0, "price_mentions"),
        "rapport": (0, 0, ""),
    }


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        ({"id": "politeness", "source": "llm", "status": "scored", "value": 20.0}, (1, 1, "")),
        ({"id": "politeness", "source": "llm", "status": "scored", "value": 30.0}, (1, 0, "")),
        ({"id": "politeness", "source": "llm", "status": "pending", "value": None}, (1, 0, "")),
        ({"id": "courtesy", "source": "llm", "status": "scored", "value": 5.0}, (0, 0, "")),
        ({"id": "price_named", "source": "rule", "status": "scored", "value": 1.0}, (0, 0, "price_named")),
    ],
)
def test_a_record_from_before_the_facts_gets_the_packaged_cards_guess(criterion, expected):
    """A CallScore written before Criterion.fatal / fatal_failed / rule (each null): politeness is
    fatal and fails below 30 (both packaged cards, as migration 014's column defaults guess), another
    criterion is not fatal, and a rule criterion's rule is its id (a card's `rule:` default)."""
    assert LEGACY_FATAL == {"politeness": 30.0}
    for card in ("default", "support"):  # the guess is what the packaged cards say
        politeness = ScorecardRegistry.load().get(card).criterion("politeness")
        assert politeness.fatal and politeness.pass_threshold == LEGACY_FATAL["politeness"]
        assert [c.id for c in ScorecardRegistry.load().get(card).criteria if c.fatal] == ["politeness"]
    score = make_call_score("c-old")
    score["criteria"] = [
        {
            "title": "x",
            "kind": "score",
            "label": None,
            "reasoning": None,
            **criterion,
            "fatal": None,
            "fatal_failed": None,
            "rule": None,
        }
    ]
    [row] = score_rows(score, 1)["call_criteria"]
    assert (row["fatal"], row["fatal_failed"], row["rule"]) == expected
