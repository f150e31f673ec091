"""The packaged support scorecard: chosen for support queues, fully scored by the baseline rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from processors.baseline import Turn, baseline_scores
from processors.scorecard import PACKAGED_DIR, ScorecardRegistry
from processors.scoring import Scorer
from streams.bench_text import fixture_transcript

SAMPLES = Path(__file__).resolve().parents[2] / "connectors" / "samples"
SUPPORT = ScorecardRegistry.load().get("support")


def scores(turns: list[tuple[str, str]]) -> dict:
    return baseline_scores([Turn(r, t) for r, t in turns], SUPPORT.llm_criteria)


def test_support_queues_get_the_support_card_and_sales_the_default() -> None:
    reg = ScorecardRegistry.load()
    for queue in ("support", "service", "helpdesk"):
        assert reg.for_call("any-tenant", queue).id == "support"
    assert reg.for_call("any-tenant", "sales").id == "default"
    assert reg.for_call("any-tenant", None).id == "default"


def test_a_deployments_own_card_wins_a_tie_with_the_packaged_one_whatever_its_id(tmp_path: Path) -> None:
    raw = yaml.safe_load((PACKAGED_DIR / "support.yaml").read_text())
    # "zz-..." sorts after "support": before, the packaged card won the tie on its id
    (tmp_path / "mine.yaml").write_text(yaml.safe_dump({**raw, "id": "zz-our-support"}))
    assert ScorecardRegistry.load(tmp_path).for_call("acme", "support").id == "zz-our-support"
    # a tenant's own card for every queue outranks a queue match
    (tmp_path / "acme.yaml").write_text(
        yaml.safe_dump({**raw, "id": "acme", "tenants": ["acme"], "queues": ["*"]})
    )
    assert ScorecardRegistry.load(tmp_path).for_call("acme", "support").id == "acme"


def test_every_llm_criterion_of_the_support_card_has_a_baseline_rule() -> None:
    timeline = json.loads((SAMPLES / "sample-en-complaint.timeline.json").read_text())
    got = baseline_scores([Turn(t["role"], t["text"]) for t in timeline["turns"]], SUPPORT.llm_criteria)
    assert set(got) == {c.id for c in SUPPORT.llm_criteria}
    # "charged twice", then "I am very sorry ... let me check" and "I have refunded the double charge"
    assert got["complaint_handling"].value == 80.0, got["complaint_handling"].reasoning
    # an analyst can add it up: the base is named with the bonuses
    assert got["complaint_handling"].reasoning.endswith("no clarifying question → 20 + 10 + 50 + 0 = 80")
    assert got["issue_resolved"].label == "resolved", got["issue_resolved"].reasoning
    # the subscription and its charge were discussed, and nobody asked who was calling
    assert got["identity_verified"].label == "no", got["identity_verified"].reasoning
    assert got["next_steps"].label == "no", got["next_steps"].reasoning


def test_a_long_billing_call_checks_identity_fixes_the_bill_and_says_what_comes_next() -> None:
    segments = fixture_transcript("en_billing_support_long")["segments"]
    got = scores([(s["role"], s["text"]) for s in segments])
    assert got["identity_verified"].label == "yes"
    assert "full name" in got["identity_verified"].reasoning
    assert got["issue_resolved"].label == "resolved"  # "the add-on is removed and the credit is on"
    assert got["next_steps"].label == "yes"  # "I'll email you a confirmation today"


@pytest.mark.parametrize(
    ("turns", "label"),
    [
        (
            [
                ("customer", "У меня второй день не работает интернет."),
                ("agent", "Назовите, пожалуйста, ваш номер договора."),
                ("customer", "Сорок два ноль один."),
                ("agent", "Я сбросил настройки на нашей стороне, всё работает."),
                ("customer", "Да, заработало, спасибо."),
            ],
            "resolved",
        ),
        (
            [
                ("customer", "Интернет не работает."),
                ("agent", "Я сбросил настройки, проверьте."),
                ("customer", "Нет, всё равно не работает."),
                ("agent", "Я передам заявку технику, он перезвонит в течение дня."),
            ],
            "escalated",
        ),
        (
            [
                ("customer", "The router still doesn't connect."),
                ("agent", "I have reset the line, it should work now."),
                ("customer", "No, it's still not working."),
                ("agent", "Sorry about that, please try again tomorrow."),
            ],
            "unresolved",
        ),
        (
            [("customer", "What are your opening hours?"), ("agent", "We are open nine to six.")],
            "unresolved",
        ),
    ],
)
def test_issue_resolved(turns: list[tuple[str, str]], label: str) -> None:
    got = scores(turns)["issue_resolved"]
    assert got.label == label, got.reasoning


def test_identity_check_is_yes_when_no_account_was_touched_and_no_when_one_was_unchecked() -> None:
    hours = scores([("customer", "What are your opening hours?"), ("agent", "Nine to six.")])
    assert hours["identity_verified"].label == "yes"
    assert "none was due" in hours["identity_verified"].reasoning
    unchecked = scores([("customer", "Почему с меня списали деньги?"), ("agent", "Сейчас посмотрю.")])
    assert unchecked["identity_verified"].label == "no"
    checked = scores(
        [
            ("customer", "Почему с меня списали деньги?"),
            ("agent", "Назовите, пожалуйста, ваше кодовое слово."),
        ]
    )
    assert checked["identity_verified"].label == "yes"


def test_a_custom_card_with_other_resolution_labels_is_left_pending() -> None:
    raw = yaml.safe_load((PACKAGED_DIR / "support.yaml").read_text())
    for c in raw["criteria"]:
        if c["id"] == "issue_resolved":
            c["values"] = ["open", "closed"]
    from processors.scorecard import parse_scorecard

    card = parse_scorecard(raw)
    got = baseline_scores([Turn("agent", "I have fixed it.")], card.llm_criteria)
    assert "issue_resolved" not in got


def test_a_support_call_is_scored_in_full_with_a_total(tmp_path: Path) -> None:
    transcript = fixture_transcript("en_billing_support_long")
    transcript["call"]["queue"] = "support"
    compressed = {"call_id": transcript["call_id"], "text": "", "filtered": {"transcript": transcript}}
    score = Scorer(ScorecardRegistry.load(), scorer="baseline").score(compressed)
    assert score["scorecard_id"] == "support"
    assert all(row["status"] == "scored" for row in score["criteria"])
    assert {row["id"] for row in score["criteria"]} >= {"issue_resolved", "identity_verified"}
    assert score["total"] is not None and 50 <= score["total"] <= 100
