"""Each scored criterion says whether its card marks it fatal, whether it failed the call, which rule
computed it and what it means for BI (CallScore Criterion.fatal / fatal_failed / rule / role,
call_criteria columns of migrations 014 and 016), so BI reads a tenant's card by what its criteria
are, not by the packaged cards' ids."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from processors.rows import LEGACY_FATAL, LEGACY_ROLE_CARDS, score_rows
from processors.rules import RuleOptions
from processors.scorecard import ROLES, ScorecardError, ScorecardRegistry, default_scorecard, parse_scorecard
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
        "compliance": (True, False, None),
        "win_chance": (False, False, None),
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
    assert [c["fatal"] for c in silent["criteria"]] == [True, True, False, False, False, False, True, False]


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
        "compliance": (1, 0, ""),
        "win_chance": (0, 0, ""),
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


# --- roles: what a criterion means for BI ------------------------------------------------------------


def _card_with(*criteria: dict[str, Any]) -> dict[str, Any]:
    return {**TENANT_CARD, "criteria": [*TENANT_CARD["criteria"], *criteria]}


def test_the_packaged_cards_declare_their_roles_under_the_roles_ids():
    """Each packaged criterion named as a role declares it, and no other: the guess for records and
    rows written before roles (processors.rows.LEGACY_ROLE_CARDS, migration 016's column default)."""
    registry = ScorecardRegistry.load()
    assert set(LEGACY_ROLE_CARDS) == {"default", "support"}
    for card_id in LEGACY_ROLE_CARDS:
        card = registry.get(card_id)
        assert {c.id: c.role for c in card.criteria if c.role} == {
            c.id: c.id for c in card.criteria if c.id in ROLES
        }
    assert {c.role for c in registry.get("default").criteria} - {None} == set(ROLES)
    assert [c.role for c in registry.get("support").criteria if c.role] == ["politeness"]


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        (
            {"id": "tone", "title": "Tone", "type": "score", "source": "llm", "rubric": "r", "role": "tone"},
            "criteria[8] (tone).role: must be one of politeness, objection_handling, sale_probability, "
            "deal_stage (got 'tone')",
        ),
        (
            {"id": "tone", "title": "Tone", "type": "score", "source": "llm", "rubric": "r", "role": ["x"]},
            "must be one of politeness, objection_handling",
        ),
        (
            {
                "id": "stage",
                "title": "S",
                "type": "yes_no",
                "source": "llm",
                "rubric": "r",
                "role": "deal_stage",
            },
            "criteria[8] (stage).role: a deal_stage criterion is of type category (got 'yes_no')",
        ),
        (
            {
                "id": "manners",
                "title": "M",
                "type": "score",
                "source": "llm",
                "rubric": "r",
                "role": "politeness",
            },
            "role 'politeness' is declared by both 'courtesy' and 'manners'; a card has at most one "
            "criterion per role",
        ),
    ],
)
def test_a_role_is_one_of_the_known_ones_of_its_kind_and_once_per_card(criterion, message):
    with pytest.raises(ScorecardError) as err:
        parse_scorecard(_card_with(criterion), "globex.yaml")
    assert message in str(err.value)


def test_the_role_travels_through_avro_into_call_criteria(scorer):
    """The card's role of each criterion is on the CallScore and in call_criteria.role ('' for none),
    whatever the criterion's id."""
    codec = SingleObjectCodec()
    score = make_call_score("c-globex", tenant="globex")
    score.update(scorer.score(globex_call("It costs $49.")))
    assert {c["id"]: c["role"] for c in score["criteria"] if c["role"]} == {
        "courtesy": "politeness",
        "pipeline_stage": "deal_stage",
        "win_chance": "sale_probability",
    }
    decoded = codec.decode("CallScore", codec.encode("CallScore", score))
    rows = {r["criterion_id"]: r["role"] for r in score_rows(decoded, 1)["call_criteria"]}
    assert rows == {c["id"]: c["role"] or "" for c in score["criteria"]}


@pytest.mark.parametrize(
    ("scorecard_id", "criterion_id", "expected"),
    [
        ("default", "sale_probability", "sale_probability"),
        ("default", "politeness", "politeness"),
        ("default", "case_examples", ""),
        ("support", "politeness", "politeness"),
        ("globex_sales", "politeness", ""),  # a tenant card's: not guessed (the views fall back)
        ("globex_sales", "courtesy", ""),
    ],
)
def test_a_record_from_before_roles_gets_the_packaged_cards_roles(scorecard_id, criterion_id, expected):
    score = make_call_score("c-old")
    score["scorecard_id"] = scorecard_id
    score["criteria"] = [
        {
            "id": criterion_id,
            "title": "x",
            "kind": "score",
            "source": "llm",
            "status": "scored",
            "value": 50.0,
            "label": None,
            "reasoning": None,
            "fatal": False,
            "fatal_failed": False,
            "rule": None,
            "role": None,
        }
    ]
    [row] = score_rows(score, 1)["call_criteria"]
    assert row["role"] == expected
