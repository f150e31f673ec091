"""An alert on a keyword count quotes the phrases it counted ("the customer said "юристу""), from the
tenant's dictionaries and the call's segments, as processors.rules counts them (role, negation,
qualifiers); ids, values and thresholds stay the count's, and no dictionaries means no quote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from processors.alerts import MAX_REASONING, AlertRulebook, default_rulebook, evaluate, parse_rule_set
from processors.rules import RuleOptions, check_dictionaries_dir, counted_hits, load_dictionary, rule_metrics
from tests.factories import make_call_score

PACKAGED = check_dictionaries_dir(None)


def call(turns: list[tuple[str, str]], tenant: str = "default", folder: Path | None = None) -> dict[str, Any]:
    """A CallScore of ``turns`` (role, text), its rule metrics computed by the rules stage's code."""
    s = make_call_score("call-1", tenant=tenant)
    transcript = s["compressed"]["filtered"]["transcript"]
    transcript["segments"] = [
        {
            **transcript["segments"][0],
            "index": i,
            "role": role,
            "channel": 0 if role == "agent" else 1,
            "text": text,
        }
        for i, (role, text) in enumerate(turns)
    ]
    s["rules"] = rule_metrics(transcript, RuleOptions(dictionaries_dir=folder))
    return s


def by_rule(s: dict[str, Any], **kwargs: Any) -> dict[str, dict[str, Any]]:
    return {a["rule"]: a for a in evaluate(s, default_rulebook(), **kwargs)}


def test_legal_and_cancel_alerts_quote_the_customer_in_english() -> None:
    s = call(
        [
            ("agent", "Thanks for calling. Our lawyers reviewed the terms, you can cancel anytime."),
            ("customer", "Then cancel it today, or my lawyer files a lawsuit."),
        ]
    )
    alerts = by_rule(s, dictionaries=PACKAGED)
    legal, cancel = alerts["legal_threat"], alerts["cancellation_risk"]
    # the agent's "lawyers" and "cancel" are neither counted nor quoted
    assert legal["message"] == (
        "Legal threat (lawyer, court): rules.customer_keyword_hits.legal = 2 (>= 1), the customer said "
        '"lawyer", "lawsuit"; agent Dana Smith, queue sales, call call-1'
    )
    assert 'rules.customer_keyword_hits.cancel = 1 (>= 1), the customer said "cancel";' in cancel["message"]


def test_a_russian_legal_threat_is_quoted_and_a_negated_cancel_is_not() -> None:
    s = call(
        [
            ("agent", "Добрый день, чем могу помочь?"),
            ("customer", "Я не хочу отменять подписку. Верните деньги, или обращусь к юристу и пойду в суд."),
            ("customer", "Хотя нет, отменить её, отменить!"),
        ]
    )
    alerts = by_rule(s, dictionaries=PACKAGED)
    assert 'legal = 2 (>= 1), the customer said "юристу", "в суд";' in alerts["legal_threat"]["message"]
    # "не хочу отменять" is negated: the count leaves it out, so does the quote (each phrase once)
    assert s["rules"]["keyword_hits"]["cancel"] == 2
    assert 'cancel = 2 (>= 1), the customer said "отменить";' in alerts["cancellation_risk"]["message"]
    assert "отменять" not in alerts["cancellation_risk"]["message"]


def test_quotes_change_the_message_and_said_only() -> None:
    s = call([("agent", "Hello."), ("customer", "I will sue you and call my attorney.")], tenant="acme")
    plain, quoted = evaluate(s), evaluate(s, dictionaries=PACKAGED)
    assert [a["alert_id"] for a in quoted] == [a["alert_id"] for a in plain] == ["call-1:legal_threat@acme"]
    assert [(a["value"], a["threshold"]) for a in quoted] == [(a["value"], a["threshold"]) for a in plain]
    assert [{k: v for k, v in a.items() if k not in ("message", "said")} for a in quoted] == [
        {k: v for k, v in a.items() if k not in ("message", "said")} for a in plain
    ]
    # notifications show what was said apart from the technical condition
    assert quoted[0]["said"] == 'the customer said "i will sue", "attorney"' and plain[0]["said"] is None
    assert quoted[0]["condition"] == "rules.customer_keyword_hits.legal = 2 (>= 1)"
    # an old caller (no dictionaries): the count alone, as before
    assert plain[0]["message"].startswith(
        "Legal threat (lawyer, court): rules.customer_keyword_hits.legal = 2 (>= 1);"
    )
    assert 'the customer said "i will sue", "attorney";' in quoted[0]["message"]


def test_a_tenant_dictionary_entry_is_quoted_with_its_qualifiers(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(
        "competitor:\n  phrases: [northwind, globex]\n  not_followed_by: [tower]\n", encoding="utf-8"
    )
    s = call(
        [
            ("agent", "Globex offers the same, I know."),
            ("customer", "Globex is cheaper. I live near Northwind tower, and Northwind called me too."),
        ],
        tenant="acme",
        folder=tmp_path,
    )
    rule = {"id": "competitor", "severity": "info", "when": "rules.customer_keyword_hits.competitor >= 1"}
    rulebook = AlertRulebook(
        [parse_rule_set({"id": "acme", "tenants": ["acme"], "rules": [rule]}, "acme.yaml")]
    )
    [alert] = evaluate(s, rulebook, dictionaries=check_dictionaries_dir(tmp_path))
    # "Northwind tower" is qualified away: 2 counted, those 2 quoted; the agent's Globex is not the customer's
    assert (alert["value"], alert["threshold"]) == (2.0, 1.0)
    assert 'competitor = 2 (>= 1), the customer said "globex", "northwind";' in alert["message"]
    # another tenant's dictionary has no such entry: its calls' messages quote nothing
    assert evaluate(s, rulebook, dictionaries={None: load_dictionary()})[0]["message"] == alert[
        "message"
    ].replace(', the customer said "globex", "northwind"', "")


@pytest.mark.parametrize(
    ("path", "who", "quoted"),
    [
        ("keyword_hits", "someone", '"lawyers", "lawyer"'),
        ("agent_keyword_hits", "the agent", '"lawyers"'),
        ("customer_keyword_hits", "the customer", '"lawyer"'),
    ],
)
def test_each_map_quotes_its_role(path: str, who: str, quoted: str) -> None:
    s = call([("agent", "Our lawyers said no."), ("customer", "Then my lawyer will call.")])
    rule = {"id": "r", "severity": "info", "when": f"rules.{path}.legal >= 1"}
    rulebook = AlertRulebook([parse_rule_set({"id": "t", "rules": [rule]}, "t.yaml")])
    [alert] = evaluate(s, rulebook, dictionaries=PACKAGED)
    assert f"rules.{path}.legal = " in alert["message"]
    assert f"{who} said {quoted};" in alert["message"]


def test_a_mono_call_quotes_anyone_as_its_count_does() -> None:
    s = call([("unknown", "Thanks for calling."), ("unknown", "I want to cancel, or I go to court.")])
    alerts = by_rule(s, dictionaries=PACKAGED)
    assert "the customer" not in alerts["legal_threat"]["message"]
    assert 'legal = 1 (>= 1), someone said "go to court";' in alerts["legal_threat"]["message"]
    assert [
        r
        for r, _ in counted_hits(
            s["compressed"]["filtered"]["transcript"], PACKAGED[None]["cancel"], "customer"
        )
    ] == ["unknown"]


def test_many_phrases_are_capped() -> None:
    said = "lawyer, attorney, lawsuit, chargeback, ombudsman, small claims, consumer protection, legal action"
    s = call([("agent", "Hello."), ("customer", said)])
    message = by_rule(s, dictionaries=PACKAGED)["legal_threat"]["message"]
    quote = message.split("the customer said ", 1)[1].split(";")[0]
    assert quote.startswith('"lawyer", "attorney", ') and quote.endswith(" more)")
    assert len(quote.split(" (+")[0]) <= MAX_REASONING


def test_a_count_the_dictionary_no_longer_finds_keeps_the_plain_message() -> None:
    """A replay after the entry was edited: the count stands, and no quote is made up."""
    s = call([("agent", "Hello."), ("customer", "I will call my attorney.")])
    edited = {None: {**PACKAGED[None], "legal": ["small claims"]}}
    assert by_rule(s, dictionaries=edited)["legal_threat"]["message"] == by_rule(s)["legal_threat"]["message"]


def test_a_mono_call_has_no_agent_count_for_a_rule_to_match() -> None:
    """On a mono call nobody knows what the agent said: "agent_keyword_hits.greeting == 0" must not
    fire (a missing value never matches), while a stereo call without a greeting does."""
    rule = {"id": "no_greeting", "severity": "warning", "when": "rules.agent_keyword_hits.greeting == 0"}
    rulebook = AlertRulebook([parse_rule_set({"id": "t", "rules": [rule]}, "t.yaml")])
    mono = call([("unknown", "Yes?"), ("unknown", "I have a question about my bill.")])
    assert evaluate(mono, rulebook, dictionaries=PACKAGED) == []
    stereo = call([("agent", "Yes?"), ("customer", "I have a question about my bill.")])
    assert [a["rule"] for a in evaluate(stereo, rulebook, dictionaries=PACKAGED)] == ["no_greeting"]


def test_an_alert_on_a_yes_no_label_stores_its_value() -> None:
    """alerts.value holds what was compared: a yes_no criterion matched by its label gets its 0/1."""
    s = call([("agent", "Hello."), ("customer", "Hi.")])
    s["criteria"] = [
        {"id": "disclosure", "title": "Disclosure", "kind": "yes_no", "source": "rule", "status": "scored",
         "value": 0.0, "label": "no", "reasoning": "", "fatal": False, "fatal_failed": False},
    ]  # fmt: skip
    rule = {"id": "no_disclosure", "severity": "critical", "when": "criteria.disclosure == no"}
    rulebook = AlertRulebook([parse_rule_set({"id": "t", "rules": [rule]}, "t.yaml")])
    [alert] = evaluate(s, rulebook)
    assert alert["value"] == 0.0
    assert "criteria.disclosure = no (== no)" in alert["message"]
