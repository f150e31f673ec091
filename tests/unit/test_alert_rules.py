"""processors.alerts: YAML alert rules (thresholds, keywords, phrases, fatal, combinations, per
tenant/queue), their validation errors, deterministic alerts, and the cool-down decision."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from processors.alerts import (
    ACOUSTICS,
    PACKAGED_DIR,
    RULE_MAPS,
    RULE_METRICS,
    AlertRulebook,
    AlertRuleError,
    Release,
    alert_id_for,
    apply_cooldown,
    cooldown_key,
    default_rulebook,
    evaluate,
    parse_duration,
    parse_rule_set,
    partition_key,
    release_cooldown,
    severity_rank,
)
from schemas.codec import SCHEMA_DIR, SingleObjectCodec
from tests.factories import make_call_score


def book(*sets: str) -> AlertRulebook:
    """A rulebook from YAML texts (no packaged default)."""
    return AlertRulebook([parse_rule_set(yaml.safe_load(text), f"set{i}") for i, text in enumerate(sets)])


def one(when: Any, severity: str = "warning", **extra: Any) -> AlertRulebook:
    rule = {"id": "r", "severity": severity, "when": when, **extra}
    return AlertRulebook([parse_rule_set({"id": "t", "rules": [rule]}, "t.yaml")])


def score(**changes: Any) -> dict[str, Any]:
    """A CallScore; ``criteria`` rows are added as {id: value or label}, other keys set as given."""
    s = make_call_score("call-1")
    for cid, v in (changes.pop("criteria", None) or {}).items():
        s["criteria"].append(
            {
                "id": cid,
                "title": cid,
                "kind": "category" if isinstance(v, str) else "score",
                "source": "llm",
                "status": "pending" if v is None else "scored",
                "value": v if isinstance(v, float | int) else None,
                "label": v if isinstance(v, str) else None,
                "reasoning": None,
            }
        )
    for key, value in (changes.pop("rules", None) or {}).items():
        s["rules"][key] = value
    s.update(changes)
    return s


def fired(rulebook: AlertRulebook, s: dict[str, Any]) -> list[str]:
    return [a["rule"] for a in evaluate(s, rulebook)]


# --- the packaged default --------------------------------------------------------------------------------


def test_packaged_default_loads_and_applies_to_every_call():
    rules = default_rulebook().rules_for("any-tenant", None)
    ids = [r.id for r in rules]
    assert {"legal_threat", "cancellation_risk", "fatal_criterion_failed", "low_total"} <= set(ids)
    assert all(r.cooldown_s == 600 for r in rules)
    assert sorted(p.name for p in PACKAGED_DIR.glob("*.yaml")) == ["default.yaml"]


def test_default_rules_on_a_call_that_breaks_them():
    s = score(rules={"keyword_hits": {"legal": 2, "cancel": 1}}, total=12.0, fatal_failed=True)
    alerts = {a["rule"]: a for a in evaluate(s)}
    assert set(alerts) == {"legal_threat", "cancellation_risk", "fatal_criterion_failed", "low_total"}
    legal = alerts["legal_threat"]
    assert (legal["severity"], legal["value"], legal["threshold"]) == ("critical", 2.0, 1.0)
    assert legal["message"] == (
        "Legal threat (lawyer, court): rules.customer_keyword_hits.legal = 2 (>= 1); "
        "agent Dana Smith, queue sales, call call-1"
    )
    assert alerts["fatal_criterion_failed"]["value"] == 1.0
    assert alerts["fatal_criterion_failed"]["threshold"] is None


def test_default_legal_and_cancel_rules_hear_the_customer_only():
    """The agent's "you can cancel anytime" or "our lawyers will look at it" raised a critical or
    warning alert: the defaults count the customer's hits (all hits less the agent's)."""
    agent_only = score(
        rules={"keyword_hits": {"legal": 1, "cancel": 1}, "agent_keyword_hits": {"legal": 1, "cancel": 1}}
    )
    assert not {"legal_threat", "cancellation_risk"} & set(fired(default_rulebook(), agent_only))
    customer = score(rules={"keyword_hits": {"legal": 2, "cancel": 1}, "agent_keyword_hits": {"legal": 1}})
    assert {"legal_threat", "cancellation_risk"} <= set(fired(default_rulebook(), customer))


def test_alert_ids_are_unique_per_tenant_and_unchanged_for_the_default_tenant():
    def ids(tenant: str, call_id: str = "c-1") -> list[str]:
        s = make_call_score(call_id, tenant=tenant)
        s["rules"]["keyword_hits"]["legal"] = 1
        return [a["alert_id"] for a in evaluate(s)]

    assert ids("default") == ["c-1:legal_threat"]  # single-tenant ids as they always were
    assert ids("acme") == ["c-1:legal_threat@acme"]
    assert ids("acme") != ids("globex")  # one call id in two tenants: two alerts at the receivers
    assert alert_id_for(None, "c-1", "r") == alert_id_for("", "c-1", "r") == "c-1:r"
    assert alert_id_for("a@b:c/d %", "c-1", "r") == "c-1:r@a%40b%3Ac%2Fd%20%25"
    # One-to-one even where call ids and tenants look like each other's ids.
    cases = [
        ("default", "c:r@acme", "r"),
        ("acme", "c", "r"),
        ("acme", "c:r", "r"),
        ("acme@x", "c", "r"),
        ("acme", "c@x", "r"),
        ("x", "c:r@acme", "r"),
        ("default", "c:r@x", "r"),
        ("a:b", "c", "r"),
        ("a", "b:c", "r"),
    ]
    made = [alert_id_for(*case) for case in cases]
    assert len(set(made)) == len(cases), made


def test_alerts_are_deterministic_and_encode():
    s = score(rules={"keyword_hits": {"legal": 1}})
    alerts = evaluate(s)
    assert alerts == evaluate(copy.deepcopy(s))  # a replay gives identical records
    (alert,) = alerts
    assert alert["alert_id"] == "call-1:legal_threat@acme"
    assert alert["created_at"] == s["scored_at"]
    assert alert["suppressed"] is False
    assert (alert["tenant"], alert["agent_id"], alert["agent_name"], alert["queue"]) == (
        "acme",
        "agent-7",
        "Dana Smith",
        "sales",
    )
    codec = SingleObjectCodec()
    assert codec.decode("Alert", codec.encode("Alert", alert)) == alert


# --- conditions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "changes", "expected"),
    [
        ("criteria.politeness < 40", {"criteria": {"politeness": 35.0}}, (35.0, 40.0)),
        ("criteria.politeness < 40", {"criteria": {"politeness": 40.0}}, None),
        ("criteria.politeness < 40", {"criteria": {"politeness": None}}, None),  # pending
        ("criteria.politeness <= 40", {"criteria": {"politeness": 40.0}}, (40.0, 40.0)),
        ("criteria.nonexistent < 40", {}, None),
        ("rules.price_mentions == 0", {"rules": {"price_mentions": 0}}, (0.0, 0.0)),
        ("rules.price_mentions == 0", {}, None),  # the factory's call names a price
        ("rules.price_mentions > 0", {}, (1.0, 0.0)),
        ("rules.agent_talk_ratio > 0.7", {"rules": {"agent_talk_ratio": 0.8}}, (0.8, 0.7)),
        ("rules.agent_talk_ratio > 0.7", {"rules": {"agent_talk_ratio": None}}, None),  # mono: unknown
        ("rules.agent_talk_ratio != 0.5", {"rules": {"agent_talk_ratio": None}}, None),  # null never matches
        ("total < 50", {"total": 49.5}, (49.5, 50.0)),
        ("total < 50", {"total": None}, None),  # LLM criteria pending: no total yet
        ("rules.keyword_hits.legal >= 1", {"rules": {"keyword_hits": {"legal": 3}}}, (3.0, 1.0)),
        ("rules.keyword_hits.legal >= 1", {}, None),  # absent entry counts 0
        ("rules.keyword_hits.legal == 0", {}, (0.0, 0.0)),
        ("rules.pii.PHONE >= 1", {}, (1.0, 1.0)),
        ("fatal_failed", {"fatal_failed": True}, (1.0, None)),
        ("fatal_failed", {"fatal_failed": False}, None),
        ("fatal_failed == true", {"fatal_failed": True}, (1.0, None)),
        ("criteria.deal_stage == closing", {"criteria": {"deal_stage": "closing"}}, (None, None)),
        ("criteria.deal_stage != 'closing'", {"criteria": {"deal_stage": "needs"}}, (None, None)),
        ("criteria.deal_stage == closing", {"criteria": {"deal_stage": "needs"}}, None),
        ("criteria.deal_stage < 3", {"criteria": {"deal_stage": "needs"}}, None),  # label vs number
        ("criteria.greeting.label == no", {}, None),
        ("criteria.greeting.value == 1", {}, (1.0, 1.0)),
        ("rules.language == en", {}, (None, None)),
        ("call.queue == sales", {}, (None, None)),
        ("call.direction == outbound", {}, None),
        ("call.crm.segment == smb", {}, (None, None)),
        ("acoustics.longest_silence_s > 20", {}, (24.5, 20.0)),
        ("scorer == baseline", {}, (None, None)),
    ],
)
def test_comparisons(when, changes, expected):
    alerts = evaluate(score(**changes), one(when))
    if expected is None:
        assert alerts == []
    else:
        (alert,) = alerts
        assert (alert["value"], alert["threshold"]) == expected


def test_all_needs_every_condition_and_reports_the_first_number():
    rules = one(
        {"all": ["call.queue == sales", "criteria.sale_probability >= 60", "rules.price_mentions == 0"]}
    )
    hit = score(criteria={"sale_probability": 80.0}, rules={"price_mentions": 0})
    (alert,) = evaluate(hit, rules)
    assert (alert["value"], alert["threshold"]) == (80.0, 60.0)
    assert "criteria.sale_probability = 80 (>= 60) and rules.price_mentions = 0 (== 0)" in alert["message"]
    assert evaluate(score(criteria={"sale_probability": 80.0}), rules) == []  # a price was named


def test_any_reports_the_condition_that_held():
    rules = one({"any": ["criteria.politeness < 30", {"all": ["total < 50", "fatal_failed"]}]})
    assert evaluate(score(criteria={"politeness": 50.0}, total=40.0), rules) == []
    (alert,) = evaluate(score(criteria={"politeness": 50.0}, total=0.0, fatal_failed=True), rules)
    assert alert["value"] == 0.0
    # no criterion row says it failed (nor, politeness being 50, the legacy guess): named as unknown
    assert (
        "total = 0 (< 50) and a fatal criterion failed the call (the record does not say which)"
        in (alert["message"])
    )
    (alert,) = evaluate(score(criteria={"politeness": 20.0}), rules)
    assert alert["value"] == 20.0


def with_segments(*lines: tuple[str, str]) -> dict[str, Any]:
    s = score()
    segments = s["compressed"]["filtered"]["transcript"]["segments"]
    for i, (role, text) in enumerate(lines):
        segments.append({**segments[0], "index": 10 + i, "role": role, "text": text})
    return s


def test_phrases_by_role_with_stems_and_counts():
    rules = one({"phrases": ["speak to your manager", "жалоб*"], "by": "customer"})
    (alert,) = evaluate(with_segments(("customer", "I want to SPEAK to your manager, now.")), rules)
    assert alert["value"] == 1.0 and 'the customer said "speak to your manager"' in alert["message"]
    assert fired(rules, with_segments(("customer", "Я напишу жалобу."))) == ["r"]
    assert fired(rules, with_segments(("agent", "Would you like to speak to your manager?"))) == []
    twice = one({"phrases": "refund", "at_least": 2})
    assert fired(twice, with_segments(("customer", "A refund please."))) == []
    assert fired(twice, with_segments(("customer", "Refund!"), ("agent", "The refund is done."))) == ["r"]


def test_phrases_in_dropped_segments_do_not_count():
    s = with_segments(("customer", "I will sue you"))
    s["compressed"]["filtered"]["transcript"]["segments"][-1]["kept"] = False
    assert evaluate(s, one({"phrases": ["sue"]})) == []


def test_message_template():
    rules = one(
        "rules.keyword_hits.legal >= 1",
        severity="critical",
        title="Legal",
        message="{severity}: {agent_name} ({agent_id}) said legal words {value}x on {call_id} {unknown}",
    )
    (alert,) = evaluate(score(rules={"keyword_hits": {"legal": 2}}), rules)
    assert alert["message"] == "critical: Dana Smith (agent-7) said legal words 2x on call-1 {unknown}"


# --- per tenant and queue ----------------------------------------------------------------------------


DEFAULT = """
id: default
rules:
  - {id: legal, severity: critical, when: rules.keyword_hits.legal >= 1}
  - {id: cancel, severity: warning, when: rules.keyword_hits.cancel >= 1}
"""
ACME = """
id: acme
tenants: [acme]
cooldown: 1h
rules:
  - {id: cancel, enabled: false}
  - {id: legal, severity: info, when: rules.keyword_hits.legal >= 2}
  - {id: slow, severity: warning, when: acoustics.longest_silence_s > 20}
"""
ACME_SUPPORT = """
id: acme-support
tenants: [acme]
queues: [support]
rules:
  - {id: legal, severity: critical, when: rules.keyword_hits.legal >= 1, cooldown: 0}
"""


def test_sets_merge_by_rule_id_and_the_most_specific_wins():
    rb = book(DEFAULT, ACME, ACME_SUPPORT)
    assert [r.id for r in rb.rules_for("other", "sales")] == ["legal", "cancel"]
    acme = {r.id: r for r in rb.rules_for("acme", "sales")}
    assert list(acme) == ["legal", "slow"]  # cancel switched off for acme
    assert acme["legal"].severity == "info" and acme["slow"].cooldown_s == 3600
    support = {r.id: r for r in rb.rules_for("acme", "support")}
    assert support["legal"].severity == "critical" and support["legal"].cooldown_s == 0
    assert rb.rule("acme", "sales", "cancel") is None
    assert rb.rule("other", None, "cancel").severity == "warning"


def test_rule_sets_from_a_directory_override_by_id(tmp_path: Path):
    (tmp_path / "default.yaml").write_text(DEFAULT)
    (tmp_path / "acme.yml").write_text(ACME)
    rb = AlertRulebook.load(tmp_path)
    assert [r.id for r in rb.rules_for("x", None)] == ["legal", "cancel"]  # the packaged default replaced
    s = score(rules={"keyword_hits": {"legal": 1, "cancel": 1}})  # tenant acme: legal needs 2, no cancel
    assert fired(rb, s) == ["slow"]


# --- validation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        ({"id": "Bad Id", "severity": "info", "when": "total < 1"}, "rules[0].id: required, snake_case"),
        ({"id": "r", "severity": "urgent", "when": "total < 1"}, "rules[0] (r).severity: must be one of"),
        ({"id": "r", "severity": "info"}, "rules[0] (r).when: required"),
        ({"id": "r", "severity": "info", "when": "total < 1", "colour": 1}, "(r): unknown key(s) colour"),
        ({"id": "r", "severity": "info", "when": "totl < 1"}, "(r).when: unknown path 'totl'"),
        ({"id": "r", "severity": "info", "when": "rules.prices > 1"}, "unknown rule metric; choose from"),
        ({"id": "r", "severity": "info", "when": "rules.keyword_hits > 1"}, "use rules.keyword_hits.<entry"),
        ({"id": "r", "severity": "info", "when": "criteria.Polite < 1"}, "use criteria.<criterion id>"),
        ({"id": "r", "severity": "info", "when": "acoustics.volume > 1"}, "unknown acoustic metric"),
        ({"id": "r", "severity": "info", "when": "call.agent == x"}, "unknown call field"),
        ({"id": "r", "severity": "info", "when": "total < high"}, "< needs a number (got 'high')"),
        ({"id": "r", "severity": "info", "when": "total <"}, "cannot parse 'total <'"),
        ({"id": "r", "severity": "info", "when": {"all": []}}, "(r).when.all: must be a non-empty list"),
        (
            {"id": "r", "severity": "info", "when": {"any": ["total < 1", "x"]}},
            "(r).when.any[1]: unknown path",
        ),
        ({"id": "r", "severity": "info", "when": {"none": ["total < 1"]}}, "(r).when: a condition is"),
        ({"id": "r", "severity": "info", "when": {"phrases": []}}, "(r).when.phrases: must be a non-empty"),
        (
            {"id": "r", "severity": "info", "when": {"phrases": ["x"], "by": "boss"}},
            "(r).when.by: must be one",
        ),
        (
            {"id": "r", "severity": "info", "when": {"phrases": ["x"], "at_least": 0}},
            "at_least: must be an int",
        ),
        (
            {"id": "r", "severity": "info", "when": "total < 1", "cooldown": "soon"},
            "(r).cooldown: a duration",
        ),
        ({"id": "r", "severity": "info", "when": "total < 1", "enabled": "no"}, "(r).enabled: must be true"),
        ({"id": "r", "severity": "info", "when": "total < 1", "message": "{x"}, "(r).message: bad template"),
    ],
)
def test_invalid_rules_name_the_file_rule_and_field(tmp_path: Path, rule, named):
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump({"id": "acme", "tenants": ["acme"], "rules": [rule]}))
    with pytest.raises(AlertRuleError) as info:
        AlertRulebook.load(tmp_path)
    message = str(info.value)
    assert message.startswith(f"{path}: rules[0]") or message.startswith(f"{path}")
    assert named in message, message


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("id: x\nrules: []\n", ": rules: required, a non-empty list"),
        ("rules: [{id: r, severity: info, when: total < 1}]\n", ": id: required"),
        (
            "id: x\nqueues: []\nrules: [{id: r, severity: info, when: total < 1}]\n",
            ": queues: must be a non-empty",
        ),
        (
            "id: x\ncooldown: -5\nrules: [{id: r, severity: info, when: total < 1}]\n",
            ": cooldown: must be >= 0",
        ),
        ("id: x\nowner: me\nrules: [{id: r, severity: info, when: total < 1}]\n", "unknown key(s) owner"),
        (
            "id: x\nrules: [{id: r, severity: info, when: total < 1},\n"
            "        {id: r, severity: info, when: total < 2}]\n",
            "duplicate rule id 'r'",
        ),
        ("id: x\nrules: [{id: r, severity: info, when: 'total < 1'\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping with id, version, rules"),
    ],
)
def test_invalid_files_name_the_file(tmp_path: Path, text, named):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(AlertRuleError) as info:
        AlertRulebook.load(tmp_path)
    assert str(path) in str(info.value) and named in str(info.value), str(info.value)


def test_missing_rules_dir_is_an_error(tmp_path: Path):
    with pytest.raises(AlertRuleError, match="alert rules directory does not exist"):
        AlertRulebook.load(tmp_path / "nope")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(0, 0.0), (90, 90.0), ("90s", 90.0), ("15m", 900.0), ("2h", 7200.0), ("1d", 86400.0)],
)
def test_durations(value, seconds):
    assert parse_duration(value, "x") == seconds


def test_known_paths_match_the_schema():
    def names(schema: dict, record: str) -> list[str]:
        for f in schema["fields"]:
            t = f["type"]
            if isinstance(t, dict) and t.get("name") == record:
                return [g["name"] for g in t["fields"]]
        raise KeyError(record)

    call_score = json.loads((SCHEMA_DIR / "callstream.CallScore.avsc").read_text())
    scalars = [n for n in names(call_score, "RuleMetrics") if n not in RULE_MAPS]
    assert sorted(scalars) == sorted(RULE_METRICS)
    acoustic = json.loads((SCHEMA_DIR / "callstream.AcousticMetrics.avsc").read_text())
    assert sorted(f["name"] for f in acoustic["fields"] if f["name"] != "source") == sorted(ACOUSTICS)


# --- cool-down ---------------------------------------------------------------------------------------


def alert(call_id: str, minutes: float, agent: str | None = "agent-7", rule: str = "legal") -> dict[str, Any]:
    s = make_call_score(call_id)
    return {
        "alert_id": f"{call_id}:{rule}",
        "call_id": call_id,
        "tenant": "acme",
        "rule": rule,
        "agent_id": agent,
        "created_at": s["scored_at"] + timedelta(minutes=minutes),
    }


def test_cooldown_first_alert_opens_a_window():
    suppressed, state = apply_cooldown(alert("c1", 0), None, 600)
    assert not suppressed and state == {"call_id": "c1", "at": alert("c1", 0)["created_at"].timestamp()}


def test_cooldown_an_alert_no_channel_sends_opens_no_window():
    """An info alert below CALLSTREAM_NOTIFY_MIN_SEVERITY reached nobody: a later copy must not read
    "not notified (cool-down)" as if a supervisor had heard of the first."""
    assert apply_cooldown(alert("c1", 0), None, 600, notified=False) == (False, None)
    _, state = apply_cooldown(alert("c1", 0), None, 600)
    assert apply_cooldown(alert("c2", 1), state, 600, notified=False) == (False, None)


def test_cooldown_suppresses_within_the_window_without_extending_it():
    _, state = apply_cooldown(alert("c1", 0), None, 600)
    suppressed, held = apply_cooldown(alert("c2", 9.9), state, 600)
    assert suppressed and held["at"] == state["at"] and held["call_id"] == "c1"  # not extended
    suppressed, kept = apply_cooldown(alert("c0", -5), held, 600)  # out of order, still inside
    assert suppressed and kept is None  # c2 is the later one: it stays held
    suppressed, new = apply_cooldown(alert("c3", 10), held, 600)
    assert not suppressed and new == {"call_id": "c3", "at": alert("c3", 10)["created_at"].timestamp()}


def test_cooldown_holds_the_latest_suppressed_alert_as_json():
    _, state = apply_cooldown(alert("c1", 0), None, 600)
    _, state = apply_cooldown(alert("c2", 1), state, 600)
    _, state = apply_cooldown(alert("c3", 2), state, 600)
    assert state["call_id"] == "c1" and state["held"]["call_id"] == "c3"
    assert json.loads(json.dumps(state)) == state  # what the Faust table's changelog stores
    assert apply_cooldown(alert("c3", 2), state, 600) == (True, None)  # a replay changes nothing


def window(*calls: tuple[str, float]) -> dict[str, Any] | None:
    state = None
    for call_id, minutes in calls:
        _, new = apply_cooldown(alert(call_id, minutes), state, 600)
        state = new if new is not None else state
    return state


def test_release_of_an_undelivered_alert_without_a_suppressed_one_closes_the_window():
    state = window(("c1", 0))
    assert release_cooldown(alert("c1", 0), state) == Release("delete")
    suppressed, _ = apply_cooldown(alert("c2", 1), None, 600)  # the state deleted: c2 is notified
    assert not suppressed


def test_release_hands_the_window_over_to_the_latest_suppressed_alert():
    state = window(("c1", 0), ("c2", 1), ("c3", 2))
    decision = release_cooldown(alert("c1", 0), state)
    assert decision.action == "handover"
    resent = decision.resend
    original = alert("c3", 2)
    assert resent == {**original, "suppressed": False}  # created_at exact: it rewrites c3's row
    assert resent["created_at"] == original["created_at"] and resent["created_at"].tzinfo is not None
    assert decision.state == {"call_id": "c3", "at": original["created_at"].timestamp()}
    # c3 owns the window now: a later alert inside it is suppressed, and held for c3's release.
    suppressed, held = apply_cooldown(alert("c4", 5), decision.state, 600)
    assert suppressed and held["held"]["call_id"] == "c4"
    assert release_cooldown(alert("c3", 2), held).resend["call_id"] == "c4"


def test_release_by_an_alert_that_does_not_own_the_window_changes_nothing():
    state = window(("c1", 0), ("c2", 1))
    assert release_cooldown(alert("c2", 1), state) == Release("keep")  # suppressed, never sent
    assert release_cooldown(alert("c9", 0), None) == Release("keep")  # no window (expired, cool-down 0)
    assert release_cooldown(alert("c1", 0, agent=None), state) == Release("keep")


def test_cooldown_replay_of_the_notified_call_is_not_suppressed():
    _, state = apply_cooldown(alert("c1", 0), None, 600)
    assert apply_cooldown(alert("c1", 0), state, 600) == (False, None)


def test_cooldown_late_old_alert_outside_the_window_keeps_the_newer_state():
    _, state = apply_cooldown(alert("c5", 60), None, 600)
    assert apply_cooldown(alert("c1", 0), state, 600) == (False, None)


def test_cooldown_off_or_without_agent_never_suppresses():
    _, state = apply_cooldown(alert("c1", 0), None, 600)
    assert apply_cooldown(alert("c2", 1), state, 0) == (False, None)
    assert apply_cooldown(alert("c2", 1, agent=None), state, 600) == (False, None)


def test_cooldown_per_agent_and_rule_over_a_stream():
    table: dict[str, dict] = {}
    sequence = [
        alert("c1", 0),
        alert("c2", 1),  # same agent, same rule: suppressed
        alert("c3", 2, rule="cancel"),  # another rule: its own window
        alert("c4", 3, agent="agent-8"),  # another agent: its own window
        alert("c5", 12),  # the first window is over
        alert("c6", 13),
    ]
    outcome = []
    for a in sequence:
        key = cooldown_key(a)
        suppressed, state = apply_cooldown(a, table.get(key), 600)
        if state is not None:
            table[key] = state
        outcome.append(suppressed)
    assert outcome == [False, True, False, False, False, True]
    assert partition_key(sequence[0]) == "acme/agent-7" == partition_key(sequence[2])
    assert cooldown_key(sequence[0]) == '["acme","agent-7","legal"]'


def test_cooldown_key_is_unambiguous_for_ids_with_slashes():
    # agent "a/b" with rule "c" and agent "a" with rule "b/c" used to share "acme/a/b/c": one
    # agent's notified alert silenced the other's.
    assert cooldown_key({**alert("c1", 0, agent="a/b"), "rule": "c"}) != cooldown_key(
        {**alert("c1", 0, agent="a"), "rule": "b/c"}
    )
    assert cooldown_key({**alert("c1", 0, agent="b/x"), "tenant": "a"}) != cooldown_key(
        {**alert("c1", 0, agent="x"), "tenant": "a/b"}
    )
    key = cooldown_key({**alert("c1", 0, agent='ag"ent\\7/'), "tenant": "т/"})
    assert isinstance(key, str) and json.loads(key) == ["т/", 'ag"ent\\7/', "legal"]
    assert cooldown_key(alert("c1", 0, agent=None)) is None


def test_cooldown_state_under_an_old_format_key_is_ignored_not_fatal():
    # A changelog written before the JSON keys restores "acme/agent-7/legal": never read again, so
    # the first alert after the upgrade opens a new window (documented one-time loss).
    table = {"acme/agent-7/legal": {"call_id": "c0", "at": alert("c0", 0)["created_at"].timestamp()}}
    a = alert("c1", 1)
    suppressed, state = apply_cooldown(a, table.get(cooldown_key(a)), 600)
    assert not suppressed and state is not None and state["call_id"] == "c1"


def test_severity_rank():
    assert severity_rank("info") < severity_rank("warning") < severity_rank("critical") == severity_rank("??")


def test_alerts_of_the_previous_schema_still_decode():
    """Old writers (no suppressed/queue/agent_name) are read with the defaults: not suppressed."""
    import io

    from fastavro import parse_schema, schemaless_writer

    from schemas.codec import HISTORY_DIR, MAGIC, fingerprint_of

    notified = {"title": None, "said": None, "condition": None, "call_started_at": None}
    for version, added in (
        ("6c5dcd5", {"suppressed": False, "queue": None, "agent_name": None, **notified}),
        ("bc029a6", notified),  # before the parts notifications show apart
    ):
        path = HISTORY_DIR / f"callstream.Alert.{version}.avsc"
        old = parse_schema(json.loads(path.read_text()), _write_hint=False)
        record = dict(evaluate(score(rules={"keyword_hits": {"legal": 1}}))[0])
        for new_field in added:
            del record[new_field]
        buf = io.BytesIO(MAGIC + fingerprint_of(old))
        buf.seek(0, 2)
        schemaless_writer(buf, old, record)
        decoded = SingleObjectCodec().decode("Alert", buf.getvalue())
        assert decoded == {**record, **added}, version
