"""processors.scorecard (YAML, validation, per tenant/queue choice, totals) and the baseline scorer."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from processors.baseline import Turn, baseline_scores
from processors.scorecard import (
    PACKAGED_DIR,
    ScorecardError,
    ScorecardRegistry,
    default_scorecard,
    parse_scorecard,
    totals,
)
from processors.scoring import DEFAULT_CRITERIA, Scorer
from schemas.codec import SingleObjectCodec
from tests.factories import make_call_score

SAMPLES = Path(__file__).resolve().parents[2] / "connectors" / "samples"
DEFAULT_RAW = yaml.safe_load((PACKAGED_DIR / "default.yaml").read_text())


def raw(**changes: Any) -> dict[str, Any]:
    card = copy.deepcopy(DEFAULT_RAW)
    card.update(changes)
    return card


def test_default_scorecard_has_the_issue_criteria():
    card = default_scorecard()
    kinds = {c.id: (c.kind, c.source) for c in card.criteria}
    assert kinds == {
        "politeness": ("score", "llm"),
        "objection_handling": ("score", "llm"),
        "sale_probability": ("score", "llm"),
        "deal_stage": ("category", "llm"),
        "case_examples": ("yes_no", "llm"),
        "price_named": ("yes_no", "rule"),
        "price_mentions": ("count", "rule"),
    }
    assert card.criterion("deal_stage").values == ("start", "needs", "presentation", "objections", "closing")
    assert card.version == "2" and all(c.rubric for c in card.llm_criteria)
    assert [c.id for c in DEFAULT_CRITERIA] == [c.id for c in card.criteria]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("version"), "version: required"),
        (lambda r: r["criteria"][0].update(type="stars"), "criteria[0] (politeness).type: must be one of"),
        (
            lambda r: r["criteria"][3].pop("values"),
            "criteria[3] (deal_stage).values: must be a non-empty list",
        ),
        (lambda r: r["criteria"][1].update(weight=-1), "weight: must be a number >= 0"),
        (lambda r: r["criteria"][6].update(weight=2), "count criteria have no 0-100 scale"),
        (lambda r: r["criteria"][0].update(source="gpt"), "source: must be one of llm, rule"),
        (lambda r: r["criteria"][5].update(rule="magic"), "unknown rule 'magic'"),
        (lambda r: r["criteria"][0].update(rubric=""), "LLM criteria need a rubric"),
        (lambda r: r["criteria"][1].update(id="politeness"), "duplicate id 'politeness'"),
        (lambda r: r["criteria"][0].update(colour="red"), "unknown key(s) colour"),
        (lambda r: r["criteria"][3].update(fatal=True), "must list its failing values"),
        (lambda r: r["criteria"][0].update(pass_threshold=150), "pass_threshold: must be within 0-100"),
        (lambda r: r["criteria"][1].update(id="Objection Handling"), "must be snake_case"),
        (lambda r: r.update(criteria=[]), "criteria: required, a non-empty list"),
    ],
)
def test_invalid_scorecards_name_file_and_field(mutate, message, tmp_path):
    card = raw()
    mutate(card)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(card, allow_unicode=True))
    with pytest.raises(ScorecardError) as err:
        ScorecardRegistry.load(tmp_path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_broken_yaml_is_a_clear_error(tmp_path):
    (tmp_path / "x.yaml").write_text("id: [unclosed\n")
    with pytest.raises(ScorecardError, match="not valid YAML"):
        ScorecardRegistry.load(tmp_path)


def test_missing_scorecards_dir_is_an_error(tmp_path):
    with pytest.raises(ScorecardError, match="does not exist"):
        ScorecardRegistry.load(tmp_path / "nope")


def test_most_specific_scorecard_wins(tmp_path):
    for name, tenants, queues in [
        ("acme", ["acme"], ["*"]),
        ("acme-sales", ["acme"], ["sales"]),
        ("any-support", ["*"], ["support"]),
    ]:
        (tmp_path / f"{name}.yaml").write_text(
            yaml.safe_dump(raw(id=name, version="1", tenants=tenants, queues=queues))
        )
    reg = ScorecardRegistry.load(tmp_path)
    assert reg.for_call("acme", "sales").id == "acme-sales"
    assert reg.for_call("acme", "renewals").id == "acme"
    assert reg.for_call("acme", None).id == "acme"
    assert reg.for_call("globex", "support").id == "any-support"
    assert reg.for_call("globex", "sales").id == "default"


def test_totals_weighted_fatal_and_incomplete():
    card = parse_scorecard(raw())
    rows = [
        {"id": "politeness", "status": "scored", "value": 90.0, "label": None},
        {"id": "objection_handling", "status": "scored", "value": 70.0, "label": None},
        {"id": "sale_probability", "status": "scored", "value": 50.0, "label": None},
        {"id": "deal_stage", "status": "scored", "value": None, "label": "presentation"},  # 2/4 → 50
        {"id": "case_examples", "status": "scored", "value": 1.0, "label": "yes"},
        {"id": "price_named", "status": "scored", "value": 0.0, "label": "no"},
        {"id": "price_mentions", "status": "scored", "value": 0.0, "label": None},
    ]
    total, fatal = totals(card, rows)
    assert (total, fatal) == (round((180 + 140 + 50 + 50 + 100 + 0) / 8, 2), False)

    pending = copy.deepcopy(rows)
    pending[2] |= {"status": "pending", "value": None}
    assert totals(card, pending) == (None, False)  # no total over a subset

    rude = copy.deepcopy(rows)
    rude[0]["value"] = 20.0  # politeness is fatal below 30
    assert totals(card, rude) == (0.0, True)


def timeline_turns(name: str) -> list[Turn]:
    data = json.loads((SAMPLES / f"{name}.timeline.json").read_text())
    mono = data["layout"] == "mono"
    return [Turn("unknown" if mono else t["role"], t["text"]) for t in data["turns"]]


def test_baseline_on_the_english_sale():
    out = baseline_scores(timeline_turns("sample-en-sale"), default_scorecard().llm_criteria)
    assert out["deal_stage"].label == "closing"
    assert out["case_examples"].label == "no"
    assert out["objection_handling"].value == 85.0
    assert "'too expensive'" in out["objection_handling"].reasoning
    assert "'i understand'" in out["objection_handling"].reasoning
    assert "'good morning'" in out["politeness"].reasoning
    assert out["sale_probability"].value == 90.0


def test_baseline_russian_markers():
    out = baseline_scores(timeline_turns("sample-ru-sale"), default_scorecard().llm_criteria)
    assert "'здравствуйте'" in out["politeness"].reasoning
    assert "'дорого'" in out["objection_handling"].reasoning
    assert "'скидку'" in out["objection_handling"].reasoning
    assert out["deal_stage"].label == "closing"


def test_baseline_refusal_is_not_a_sale_and_rudeness_costs():
    turns = [
        Turn("agent", "Hello, this is Sam from Northwind. Our plan is 20 dollars a month."),
        Turn("customer", "Thanks, not interested. Don't call again."),
        Turn("agent", "Whatever. I already told you it's cheap."),
    ]
    out = baseline_scores(turns, default_scorecard().llm_criteria)
    assert out["sale_probability"].value == 5.0
    assert "refusal" in out["sale_probability"].reasoning
    assert out["politeness"].value < 40
    assert (
        "rude markers: 'whatever', 'i already told you' → 40 + 35 opening + 0 please/thanks"
        " + 0 apology/empathy + 0 goodbye − 30×2 = 15" in out["politeness"].reasoning
    )


def test_baseline_case_example_yes():
    turns = [Turn("agent", "One of our customers, a logistics company, cut onboarding time in half.")]
    assert baseline_scores(turns, default_scorecard().llm_criteria)["case_examples"].label == "yes"


def test_mono_call_says_roles_are_unknown():
    out = baseline_scores(timeline_turns("sample-en-mono"), default_scorecard().llm_criteria)
    assert all("speaker roles unknown" in v.reasoning for v in out.values())


def test_baseline_scorer_record_is_labelled_and_encodes():
    compressed = make_call_score("c-base")["compressed"]
    score = Scorer(scorer="baseline").score(compressed)
    assert score["scorer"] == "baseline"
    assert score["model_id"] is None and score["summary"] is None  # never presented as an LLM result
    assert score["llm_tokens_in"] is None and score["cost_usd"] is None
    assert score["prompt_version"] == "baseline-v4"
    assert all(c["status"] == "scored" for c in score["criteria"])
    assert score["total"] is not None and isinstance(score["fatal_failed"], bool)
    codec = SingleObjectCodec()
    decoded = codec.decode("CallScore", codec.encode("CallScore", score))
    for key in ("criteria", "scorer", "total", "fatal_failed", "prompt_version", "cost_usd", "llm_latency_s"):
        assert decoded[key] == score[key], key


def test_custom_llm_criterion_stays_pending_with_baseline(tmp_path):
    card = raw(id="custom", version="1", tenants=["acme"])
    card["criteria"].append(
        {
            "id": "empathy",
            "title": "Empathy",
            "type": "score",
            "source": "llm",
            "weight": 1,
            "rubric": "Empathy.",
        }
    )
    (tmp_path / "custom.yaml").write_text(yaml.safe_dump(card))
    scorer = Scorer(ScorecardRegistry.load(tmp_path), scorer="baseline")
    score = scorer.score(make_call_score("c-custom")["compressed"])  # tenant acme
    by_id = {c["id"]: c for c in score["criteria"]}
    assert score["scorecard_id"] == "custom"
    assert by_id["empathy"]["status"] == "pending"
    assert "no rule" in by_id["empathy"]["reasoning"]
    assert score["total"] is None  # a weighted criterion has no value


def test_rules_scorer_leaves_llm_criteria_pending():
    score = Scorer(scorer="rules").score(make_call_score("c-rules")["compressed"])
    assert score["scorer"] == "rules" and score["total"] is None
    assert {c["status"] for c in score["criteria"] if c["source"] == "llm"} == {"pending"}


@pytest.mark.parametrize("kept", [[], ["filler", "no_speech"]])
def test_a_call_without_speech_is_not_judged(kept):
    """No kept speech (no segments; only noise and fillers): the baseline once rated the empty
    dialogue (politeness 40, total 30.62) and the agent got a low_total alert."""
    from processors.alerts import evaluate

    compressed = copy.deepcopy(make_call_score("c-silent")["compressed"])
    segments = compressed["filtered"]["transcript"]["segments"]
    segments[:] = [dict(segments[0], kept=False, drop_reason=reason) for reason in kept]
    compressed["text"] = ""
    score = Scorer(scorer="baseline").score(compressed)
    llm = [c for c in score["criteria"] if c["source"] == "llm"]
    assert llm and all(c["status"] == "no_speech" and c["value"] is None for c in llm)
    assert score["total"] is None
    assert not [a for a in evaluate(score) if a["rule"] == "low_total"]
    SingleObjectCodec().encode("CallScore", score)
