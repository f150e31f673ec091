"""An LLM answer still invalid after its retry: the call is scored without the criteria that failed
(status ``failed``, no value, the reason as reasoning, total null) and goes on to calls.scored; the
answer itself becomes a dead letter (stage score, InvalidLlmAnswer, reason and raw answer). It was
the whole call that went to the dead-letter topic, so BI lost its rule metrics and every criterion
the model did answer. A server that is down still fails the record (retried, then dead-lettered)."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from ml.llm import LLMUnavailable
from processors.alerts import AlertRulebook, evaluate, parse_rule_set
from processors.rows import score_rows
from processors.scorecard import PACKAGED_DIR, ScorecardRegistry, parse_scorecard, totals
from processors.scoring import InvalidLlmAnswer, Scorer
from schemas.codec import SingleObjectCodec
from streams.agents.score import score_stage
from streams.stage import TRANSIENT, StageRunner
from streams.topics import COMPRESSED, DLQ, SCORED
from tests.factories import make_call_score
from tests.unit.test_llm import CARD, FakeServer, backend, completion, good_answer
from tests.unit.test_stage_send import FakeRuntime

CODEC = SingleObjectCodec()
LLM_IDS = [c.id for c in CARD.llm_criteria]
#: Every criterion passes its fatal threshold (politeness 92): only validation can fail one.
BAD = json.dumps(good_answer(objection_handling=150))


@pytest.fixture
def server() -> Iterator[FakeServer]:
    srv = FakeServer()
    yield srv
    srv.close()


def compressed(call_id: str = "c-partial") -> dict[str, Any]:
    return make_call_score(call_id)["compressed"]


def by_id(score: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in score["criteria"]}


def test_one_criterion_out_of_range_fails_alone_and_the_total_is_null(server):
    server.replies = [(200, completion(BAD))] * 2
    scored = Scorer(scorer="llm", llm=backend(server)).outcome(compressed())
    score, rows = scored.score, by_id(scored.score)

    bad = rows["objection_handling"]
    assert (bad["status"], bad["value"], bad["label"]) == ("failed", None, None)
    assert (
        bad["reasoning"]
        == "invalid LLM answer after one retry: objection_handling must be within 0-100, got 150"
    )
    # the criteria the model answered correctly keep their values and reasoning
    assert (rows["politeness"]["status"], rows["politeness"]["value"]) == ("scored", 92.0)
    assert rows["politeness"]["reasoning"] == "why politeness"
    assert (rows["deal_stage"]["label"], rows["case_examples"]["label"]) == ("closing", "no")
    assert rows["price_named"]["status"] == "scored"  # rule criteria are unaffected
    assert score["total"] is None  # a weighted criterion has no value: no total over the others
    assert score["fatal_failed"] is False
    assert score["summary"].startswith("The customer") and score["llm_tokens_in"] == 600
    assert isinstance(scored.invalid, InvalidLlmAnswer)
    message = str(scored.invalid)
    assert message.startswith("scored without objection_handling (1 of 5 LLM criteria failed)")
    assert "objection_handling must be within 0-100, got 150" in message
    assert '"objection_handling": 150' in message  # the raw answer, for audit
    assert scored.invalid.failed == {"objection_handling": "objection_handling must be within 0-100, got 150"}
    # it is a valid CallScore, and its failed criterion reaches call_criteria without a value
    score = CODEC.decode("CallScore", CODEC.encode("CallScore", score))
    ch = {r["criterion_id"]: r for r in score_rows(score, 1)["call_criteria"]}
    assert (ch["objection_handling"]["status"], ch["objection_handling"]["value"]) == ("failed", None)
    assert score_rows(score, 1)["calls"][0]["total"] is None


@pytest.mark.parametrize(
    "content",
    ["Sure! politeness 90, very good call", json.dumps(good_answer())[:-1], "[1, 2]", "null"],
)
def test_an_unparseable_answer_fails_every_llm_criterion(server, content):
    server.replies = [(200, completion(content))] * 2
    scored = Scorer(scorer="llm", llm=backend(server)).outcome(compressed())
    rows = by_id(scored.score)

    assert {cid: rows[cid]["status"] for cid in LLM_IDS} == dict.fromkeys(LLM_IDS, "failed")
    assert all(rows[cid]["value"] is None and rows[cid]["label"] is None for cid in LLM_IDS)
    reason = rows["politeness"]["reasoning"]
    assert "not valid JSON" in reason or "expected a JSON object" in reason
    assert (rows["price_named"]["status"], rows["price_mentions"]["status"]) == ("scored", "scored")
    assert scored.score["total"] is None and scored.score["fatal_failed"] is False
    assert scored.score["summary"] is None
    assert scored.invalid is not None and scored.invalid.raw_answer == content
    assert "scored without politeness, objection_handling" in str(scored.invalid)
    CODEC.encode("CallScore", scored.score)


def test_a_response_without_content_fails_every_llm_criterion(server):
    reply = completion("")
    reply["choices"][0]["message"]["content"] = None
    server.replies = [(200, reply)] * 2
    rows = by_id(Scorer(scorer="llm", llm=backend(server)).score(compressed()))
    assert {rows[cid]["status"] for cid in LLM_IDS} == {"failed"}
    assert "no choices[0].message.content string" in rows["deal_stage"]["reasoning"]


def test_a_valid_fatal_failure_still_zeroes_the_total(server):
    """politeness 10 fails the call whatever the failed criterion would have scored."""
    server.replies = [(200, completion(json.dumps(good_answer(politeness=10, sale_probability="high"))))] * 2
    score = Scorer(scorer="llm", llm=backend(server)).score(compressed())
    assert by_id(score)["sale_probability"]["status"] == "failed"
    assert (score["total"], score["fatal_failed"]) == (0.0, True)


def test_a_fatal_criterion_that_failed_validation_leaves_fatal_unknown(server):
    server.replies = [(200, completion(json.dumps(good_answer(politeness=-3))))] * 2
    score = Scorer(scorer="llm", llm=backend(server)).score(compressed())
    assert by_id(score)["politeness"]["status"] == "failed"
    assert (score["total"], score["fatal_failed"]) == (None, False)


def test_an_unweighted_fatal_criterion_without_a_value_leaves_the_total_null():
    """With weight 0 it added no points, yet had it failed, the total would have been 0."""
    raw = yaml.safe_load((PACKAGED_DIR / "default.yaml").read_text())
    raw["criteria"][0]["weight"] = 0  # politeness, fatal
    card = parse_scorecard(raw)
    rows = [{"id": c.id, "status": "scored", "value": 80.0, "label": "yes"} for c in card.criteria]
    rows[3]["label"] = "closing"
    assert totals(card, rows)[0] is not None
    rows[0] |= {"status": "failed", "value": None, "label": None}
    assert totals(card, rows) == (None, False)


def test_alerts_do_not_fire_on_a_failed_criterion(server):
    """resolve() reads only scored criteria, so no threshold on a failed one matches (not even !=),
    and a null total matches no ``total <`` rule."""
    answer = good_answer(politeness=500, sale_probability=-1)
    server.replies = [(200, completion(json.dumps(answer)))] * 2
    score = Scorer(scorer="llm", llm=backend(server)).score(compressed())
    rules = parse_rule_set(
        {
            "id": "t",
            "rules": [
                {"id": "rude", "title": "Rude", "severity": "critical", "when": "criteria.politeness < 101"},
                {"id": "odd", "title": "Odd", "severity": "info", "when": "criteria.politeness != 50"},
                {"id": "any", "title": "Any", "severity": "info", "when": "criteria.sale_probability"},
                {"id": "low", "title": "Low", "severity": "warning", "when": "total < 101"},
                {
                    "id": "control",
                    "title": "Kept",
                    "severity": "info",
                    "when": "criteria.deal_stage == closing",
                },
            ],
        }
    )
    raised = {a["rule"] for a in evaluate(score, AlertRulebook([rules]))}
    assert raised == {"control"}
    assert not [a for a in evaluate(score) if a["rule"] in ("low_total", "fatal_criterion_failed")]


def test_a_server_that_stays_down_still_fails_the_scoring(server):
    server.replies = [(503, "busy")] * 3
    with pytest.raises(LLMUnavailable, match="HTTP 503") as err:
        Scorer(scorer="llm", llm=backend(server)).outcome(compressed())
    assert isinstance(err.value, TRANSIENT)


# --- the stage: the call goes on, the answer is dead-lettered --------------------------------------------


def handle(rt: FakeRuntime, scorer: Scorer, value: bytes) -> None:
    async def go() -> None:
        event = _event(value)
        settled = await StageRunner(rt, backoff=0.0).handle(score_stage(scorer), event)
        await settled

    asyncio.run(go())


def _event(value: bytes) -> Any:
    message = SimpleNamespace(topic=COMPRESSED.name, partition=3, offset=41)
    return SimpleNamespace(key=b"c-partial", value=value, message=message)


def test_the_stage_sends_the_partial_score_and_dead_letters_the_answer(server):
    server.replies = [(200, completion(BAD))] * 2
    rt = FakeRuntime()
    value = CODEC.encode(COMPRESSED.record, compressed())
    handle(rt, Scorer(scorer="llm", llm=backend(server)), value)

    [(key, data)] = rt.topic(SCORED).sent
    score = CODEC.decode(SCORED.record, data)
    assert key == b"c-partial" and score["total"] is None
    assert by_id(score)["objection_handling"]["status"] == "failed"
    assert by_id(score)["politeness"]["value"] == 92.0
    [(key, data)] = rt.topic(DLQ).sent
    letter = CODEC.decode(DLQ.record, data)
    assert key == b"c-partial" and letter["call_id"] == "c-partial"
    assert (letter["stage"], letter["error_class"]) == ("score", "InvalidLlmAnswer")
    assert (letter["topic"], letter["partition"], letter["offset"]) == (COMPRESSED.name, 3, 41)
    assert letter["payload"] == value  # the input, to score the call again once the model is fixed
    assert "objection_handling must be within 0-100, got 150" in letter["error_message"]
    assert "raw answer: " in letter["error_message"] and letter["attempts"] == 2
    assert letter["failed_at"] == score["scored_at"]  # not newer than the calls row (the demo's outcome)


def test_the_stage_retries_a_server_that_is_down_then_dead_letters_the_call(server):
    server.replies = [(503, "busy")] * 9  # 3 attempts of the record x 3 tries of the client
    rt = FakeRuntime(max_attempts=3)
    value = CODEC.encode(COMPRESSED.record, compressed())
    handle(rt, Scorer(scorer="llm", llm=backend(server)), value)

    assert rt.topic(SCORED).sent == [] and len(server.requests) == 9
    [(_, data)] = rt.topic(DLQ).sent
    letter = CODEC.decode(DLQ.record, data)
    assert (letter["error_class"], letter["attempts"], letter["payload"]) == ("LLMUnavailable", 3, value)


def test_a_valid_answer_sends_no_dead_letter(server):
    server.replies = [(200, completion(json.dumps(good_answer())))]
    rt = FakeRuntime()
    handle(rt, Scorer(scorer="llm", llm=backend(server)), CODEC.encode(COMPRESSED.record, compressed()))
    assert len(rt.topic(SCORED).sent) == 1 and rt.topic(DLQ).sent == []


def test_the_baseline_scorer_runs_through_the_same_stage():
    rt = FakeRuntime()
    registry = ScorecardRegistry([CARD])
    handle(
        rt, Scorer(registry, scorer="baseline"), CODEC.encode(COMPRESSED.record, copy.deepcopy(compressed()))
    )
    [(_, data)] = rt.topic(SCORED).sent
    assert CODEC.decode(SCORED.record, data)["scorer"] == "baseline" and rt.topic(DLQ).sent == []
