"""Red-team cases for processors.alerts: schema-valid edge cases (null totals, criteria that are not
scored, NaN and huge numbers, unknown tenants, unicode names, CRM text) never crash and never raise
an alert on an unknown value; mistyped rule files fail at load with the file and rule named instead
of silently never matching."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from processors.alerts import (
    MAX_QUOTED,
    AlertRulebook,
    AlertRuleError,
    default_rulebook,
    evaluate,
    parse_rule_set,
)
from schemas.codec import SingleObjectCodec
from tests.factories import make_call_score

CODEC = SingleObjectCodec()


def one(when: Any, **extra: Any) -> AlertRulebook:
    rule = {"id": "r", "severity": "warning", "when": when, **extra}
    return AlertRulebook([parse_rule_set({"id": "t", "rules": [rule]}, "t.yaml")])


def scored(**rules: Any) -> dict[str, Any]:
    """A CallScore through an Avro round trip (what the alerts stage decodes), rule metrics set."""
    s = make_call_score("c1")
    s["rules"].update(rules)
    return CODEC.decode("CallScore", CODEC.encode("CallScore", s))


def call(s: dict[str, Any]) -> dict[str, Any]:
    return s["compressed"]["filtered"]["transcript"]["call"]


# --- schema-valid edge cases: no crash, nothing raised on what is unknown ------------------------------


@pytest.mark.parametrize("status", ["pending", "no_speech", "failed", "error"])
def test_criteria_that_are_not_scored_never_match(status):
    s = make_call_score("c1")
    for row in s["criteria"]:
        row["status"] = status
    s["total"] = None
    rules = one({"any": ["criteria.greeting == 1", "criteria.greeting.label == yes", "total < 100"]})
    assert evaluate(s, rules) == []
    assert [a["rule"] for a in evaluate(s)] == []  # the packaged rules wait for a total too


def test_nulls_everywhere_raise_nothing_and_do_not_crash():
    s = scored(agent_talk_ratio=None, code_switching=None, duration_s=None, silence_share=None)
    transcript = s["compressed"]["filtered"]["transcript"]
    transcript["metrics"] = None
    call(s).update(queue=None, language=None, crm={}, agent={"id": "a1", "name": None})
    s["total"] = None
    paths = ["rules.duration_s", "acoustics.agent_wpm", "call.queue", "call.crm.deal_id", "total"]
    for path in paths:
        for when in (path, f"{path} != 1", f"{path} != x", f"{path} == false"):
            assert evaluate(s, one(when)) == [], when


def test_nan_is_unknown_and_never_matches():
    s = scored(duration_s=float("nan"), silence_share=float("nan"))
    assert evaluate(s, one("rules.duration_s != 42.5")) == []
    assert evaluate(s, one("rules.silence_share")) == []
    assert evaluate(s, one({"any": ["rules.duration_s > 0", "rules.duration_s <= 0"]})) == []


def test_huge_and_infinite_numbers_are_shown_compactly_and_encode():
    for value, shown in ((1e300, "1e+300"), (float("inf"), "inf")):
        (alert,) = evaluate(scored(duration_s=value), one("rules.duration_s > 3600"))
        assert f"rules.duration_s = {shown} (> 3600)" in alert["message"]
        assert len(alert["message"]) < 120
        CODEC.encode("Alert", alert)


def test_unknown_tenant_gets_the_default_rules():
    s = make_call_score("c1", tenant="never-configured")
    s["rules"]["keyword_hits"]["legal"] = 1
    assert [a["rule"] for a in evaluate(s, default_rulebook())] == ["legal_threat"]


def test_unicode_names_are_carried_and_replays_are_identical():
    s = make_call_score("звонок-1")
    call(s)["agent"] = {"id": "агент-7", "name": "Дана 👩‍💼 O'Brien <!channel>"}
    call(s)["queue"] = "продажи"
    s["rules"]["keyword_hits"]["legal"] = 1
    s = CODEC.decode("CallScore", CODEC.encode("CallScore", s))
    (alert,) = evaluate(s)
    assert alert["alert_id"] == "звонок-1:legal_threat@acme"
    assert "agent Дана 👩‍💼 O'Brien <!channel>, queue продажи, call звонок-1" in alert["message"]
    assert CODEC.decode("Alert", CODEC.encode("Alert", alert)) == alert
    assert evaluate(copy.deepcopy(s)) == [alert]  # reprocessing after a restart: the same record


# --- CRM fields are text: numbers and flags in them still compare ----------------------------------------


@pytest.mark.parametrize(
    ("crm", "when", "value"),
    [
        ("5000", "call.crm.amount > 1000", 5000.0),
        (" 1e4 ", "call.crm.amount >= 10000", 10000.0),
        ("True", "call.crm.amount == true", 1.0),  # a JSON true arrives as the text "True"
        ("false", "call.crm.amount != true", 0.0),
        ("1", "call.crm.amount", 1.0),
    ],
)
def test_crm_text_compares_as_a_number_or_flag(crm, when, value):
    s = make_call_score("c1")
    call(s)["crm"]["amount"] = crm
    (alert,) = evaluate(s, one(when))
    assert alert["value"] == value


@pytest.mark.parametrize(
    ("crm", "when"),
    [
        ("500", "call.crm.amount > 1000"),
        ("n/a", "call.crm.amount > 1000"),  # text that is no number: no match, no crash
        ("0", "call.crm.amount"),  # "0" and "False" are not set flags
        ("False", "call.crm.amount"),
        ("", "call.crm.amount"),
    ],
)
def test_crm_text_that_does_not_hold_raises_nothing(crm, when):
    s = make_call_score("c1")
    call(s)["crm"]["amount"] = crm
    assert evaluate(s, one(when)) == []


def test_label_comparisons_stay_text():
    s = make_call_score("c1")
    call(s)["crm"]["segment"] = "007"
    (alert,) = evaluate(s, one("call.crm.segment == '007'"))
    assert alert["value"] is None and "call.crm.segment = 007 (== 007)" in alert["message"]


def test_a_long_quoted_value_is_cut_and_the_message_keeps_agent_and_call():
    s = make_call_score("c1")
    call(s)["crm"]["note"] = "x" * 50_000
    (alert,) = evaluate(s, one("call.crm.note != ok"))
    assert "x" * (MAX_QUOTED - 1) + "… (!= ok)" in alert["message"]
    assert alert["message"].endswith("agent Dana Smith, queue sales, call c1")
    assert len(alert["message"]) < MAX_QUOTED + 150


# --- rule files: a mistake is an error at start, not a rule that silently never fires --------------------


@pytest.mark.parametrize(
    ("when", "named"),
    [
        ("call.queue == sales && total < 40", "'&&' does not combine conditions"),
        ("call.queue == sales and total < 40", "'and' does not combine conditions: write each condition on"),
        ("call.direction == 'outbound' || x", "'||' does not combine conditions"),
        ("call.crm.tier == gold or silver", "'or' does not combine conditions"),
        ("call.crm.tier == gold silver", 'one word, or "quoted text"'),
        ("call.queue == null", "a missing or null value never matches"),
        ("call.queue != None", "a missing or null value never matches"),
    ],
)
def test_mistyped_conditions_are_refused(tmp_path: Path, when, named):
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump({"id": "acme", "rules": [{"id": "r", "severity": "info", "when": when}]}))
    with pytest.raises(AlertRuleError) as info:
        AlertRulebook.load(tmp_path)
    assert str(info.value).startswith(f"{path}: rules[0] (r).when: ") and named in str(info.value)


def test_quoted_text_with_spaces_is_a_label():
    s = make_call_score("c1")
    call(s)["queue"] = "after sales"
    assert [a["rule"] for a in evaluate(s, one('call.queue == "after sales"'))] == ["r"]


@pytest.mark.parametrize("template", ["{threshold[0]} x", "{agent_name.__class__}", "{value[1]}"])
def test_message_templates_take_plain_field_names_only(template):
    # "{threshold[0]}" passed the check (its placeholder "{threshold}" has a [0]) and then raised
    # IndexError on every call without a threshold: the whole call dead-lettered, all its alerts lost.
    with pytest.raises(AlertRuleError, match=r"\(r\)\.message: bad template: .*plain field name"):
        one("fatal_failed", message=template)


def test_two_files_of_the_rules_dir_with_one_id_are_refused(tmp_path: Path):
    rules = [{"id": "r", "severity": "info", "when": "total < 1"}]
    (tmp_path / "acme.yaml").write_text(yaml.safe_dump({"id": "acme", "rules": rules}))
    (tmp_path / "acme-copy.yml").write_text(yaml.safe_dump({"id": "acme", "rules": rules}))
    with pytest.raises(AlertRuleError, match=r"acme\.yaml.*acme-copy\.yml|acme-copy\.yml.*acme\.yaml"):
        AlertRulebook.load(tmp_path)
    (tmp_path / "acme-copy.yml").unlink()
    (tmp_path / "default.yaml").write_text(yaml.safe_dump({"id": "default", "rules": rules}))
    assert [r.id for r in AlertRulebook.load(tmp_path).rules_for("x", None)] == ["r"]  # replaces packaged


# --- the cool-down stage -------------------------------------------------------------------------------


def _cooldown_stage() -> tuple[dict[str, Any], dict[str, Any], Any]:
    """The cool-down stage registered on a fake runtime: (its agents by name, its table, the runtime)."""
    from streams.agents import alerts as stage
    from streams.stage import StageRunner
    from tests.unit.test_stage_send import FakeRuntime, alerts_stage_settings

    agents: dict[str, Any] = {}
    table: dict[str, Any] = {}

    async def flush() -> None:
        pass

    rt = FakeRuntime()
    rt.runner = StageRunner(rt, backoff=0)  # type: ignore[attr-defined]
    rt.settings = alerts_stage_settings()  # type: ignore[assignment]
    rt.app = SimpleNamespace(  # type: ignore[attr-defined]
        agent=lambda topic, name: lambda fn: agents.setdefault(name, fn),
        Table=lambda *a, **k: table,
        producer=SimpleNamespace(flush=flush),
    )
    stage.register(rt, default_rulebook())  # type: ignore[arg-type]
    return agents, table, rt


def test_an_alert_calls_alerts_refused_opens_no_cooldown_window():
    """c1's alert is refused (dead letter, never notified): c2 of the same agent and rule, a minute
    later, must be notified, not suppressed by a window c1 never earned."""
    from datetime import timedelta

    from streams.topics import ALERT_CANDIDATES, ALERTS
    from tests.unit.test_stage_send import AckEvent, EventStream, FakeTopic, letters

    agents, table, rt = _cooldown_stage()
    out = rt.topics[ALERTS.name] = FakeTopic(ALERTS.name, fail_all=True)

    def candidate(call_id: str, minutes: int) -> AckEvent:
        s = make_call_score(call_id)
        s["rules"]["keyword_hits"]["legal"] = 1
        s["scored_at"] += timedelta(minutes=minutes)
        (alert,) = evaluate(s)
        where = SimpleNamespace(topic=ALERT_CANDIDATES.name, partition=0, offset=minutes)
        return AckEvent(key=b"acme/agent-7", value=CODEC.encode("Alert", alert), message=where)

    asyncio.run(agents["alerts_cooldown"](EventStream([candidate("c1", 0)])))
    assert [letter["call_id"] for letter in letters(rt)] == ["c1"] and table == {}
    out.fail_all = False
    asyncio.run(agents["alerts_cooldown"](EventStream([candidate("c2", 1), candidate("c3", 2)])))
    sent = [CODEC.decode("Alert", value) for _, value in out.sent]
    assert [(a["call_id"], a["suppressed"]) for a in sent] == [("c2", False), ("c3", True)]
    assert table['["acme","agent-7","legal_threat"]']["call_id"] == "c2"


def test_an_alert_no_channel_delivered_releases_its_cooldown_window():
    """c1 is notified but every channel fails (the notify stage sends it back, undelivered): c2,
    suppressed meanwhile, is re-sent unsuppressed and owns the window; when c2 fails as well, with
    nothing held, the window closes and c3 is notified."""
    from datetime import timedelta

    from streams.topics import ALERT_CANDIDATES, ALERTS, UNDELIVERED_HEADER
    from tests.unit.test_stage_send import AckEvent, EventStream, letters

    agents, table, rt = _cooldown_stage()
    out = rt.topic(ALERTS)
    alerts: dict[str, dict[str, Any]] = {}

    def candidate(call_id: str, minutes: int, undelivered: bool = False) -> AckEvent:
        if call_id not in alerts:
            s = make_call_score(call_id)
            s["rules"]["keyword_hits"]["legal"] = 1
            s["scored_at"] += timedelta(minutes=minutes)
            (alerts[call_id],) = evaluate(s)
        where = SimpleNamespace(topic=ALERT_CANDIDATES.name, partition=0, offset=minutes)
        headers = {UNDELIVERED_HEADER: b"1"} if undelivered else {}
        value = CODEC.encode("Alert", alerts[call_id])
        return AckEvent(key=b"acme/agent-7", value=value, message=where, headers=headers)

    def run(*events: AckEvent) -> list[tuple[str, bool]]:
        before = len(out.sent)
        asyncio.run(agents["alerts_cooldown"](EventStream(list(events))))
        sent = [CODEC.decode("Alert", value) for _, value in out.sent[before:]]
        return [(a["call_id"], a["suppressed"]) for a in sent]

    key = '["acme","agent-7","legal_threat"]'
    assert run(candidate("c1", 0), candidate("c2", 1)) == [("c1", False), ("c2", True)]
    assert table[key]["held"]["call_id"] == "c2"
    assert run(candidate("c2", 1, undelivered=True)) == []  # not the window's alert: nothing changes
    assert run(candidate("c1", 0, undelivered=True)) == [("c2", False)]  # handed over
    resent = CODEC.decode("Alert", out.sent[-1][1])
    assert out.sent[-1][0] == b"c2" and resent == {**alerts["c2"], "suppressed": False}
    assert table[key] == {"call_id": "c2", "at": alerts["c2"]["created_at"].timestamp()}
    assert run(candidate("c2", 1, undelivered=True)) == [] and key not in table  # closed
    assert run(candidate("c3", 2)) == [("c3", False)]  # notified, not suppressed
    assert letters(rt) == []
