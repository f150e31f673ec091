"""The keyword dictionary's disputes and intents: the default entries hit what they mean and not
their look-alikes ("food court", an agent called Sue), and negatable entries skip negated hits."""

from __future__ import annotations

import pytest

from processors.rules import RuleOptions, rule_metrics
from streams.bench_text import make_transcript_from_turns


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        # a bare word of a dispute said about something else (an agent called Sue, a food court)
        ("Hi, thanks for calling Brightline, this is Sue, how can I help?", {}),
        ("The pressure regulator on my boiler is leaking.", {}),
        ("We met at the food court.", {}),
        # complaints the first dictionary missed
        # a complaint and the body it goes to are one mention
        ("I am filing a complaint with the Better Business Bureau.", {"legal": 1}),
        ("Подам иск.", {"legal": 1}),
        ("Я буду жаловаться в ЦБ.", {"legal": 1}),
        ("I'm not going to sue you, but I want a lawyer to look at this.", {"legal": 2}),  # not negatable
        # negatable intents: a negation before the hit in its clause
        ("I do not want to cancel.", {}),
        ("It is not expensive at all.", {}),
        ("Это не дорого.", {}),
        ("Я не хочу отказаться.", {}),
        ("It's not cheap, too expensive.", {"too_expensive": 1}),  # the negation is another clause's
        ("I want to cancel, not upgrade.", {"cancel": 1}),
        ("Why can't I cancel?", {"cancel": 1}),  # unable, not unwilling
        ("Не могу отменить подписку.", {"cancel": 1}),
    ],
)
def test_default_dictionary_hits_disputes_and_intents_not_their_look_alikes(text: str, hits: dict) -> None:
    from processors.rules import keyword_hits

    got = {k: v for k, v in keyword_hits([text]).items() if k in ("legal", "cancel", "too_expensive")}
    assert got == hits


def test_negated_hits_are_left_out_of_the_callscore_and_the_agents_share(tmp_path):
    from processors.rules import load_dictionary

    (tmp_path / "acme.yaml").write_text(
        "refund: {phrases: [refund, верните деньги], negatable: true}\nbrand: [acme]\n"
    )
    entries = load_dictionary("acme", tmp_path)
    assert entries["refund"].negatable and not entries["brand"].negatable
    turns = [
        ("agent", "We don't do a refund on Acme plans."),
        ("customer", "I want a refund. No refund, no deal."),
    ]
    transcript = make_transcript_from_turns("neg", turns, "en")
    transcript["call"]["tenant"] = "acme"
    got = rule_metrics(transcript, RuleOptions(dictionaries_dir=tmp_path))
    # the agent's "don't do a refund" is negated; "No refund, no deal" demands one ("no" negates no intent)
    assert got["keyword_hits"]["refund"] == 2 and "refund" not in got["agent_keyword_hits"]
    assert got["keyword_hits"]["brand"] == 1


def test_a_dictionary_entry_of_the_wrong_shape_is_refused(tmp_path):
    from processors.rules import load_dictionary

    (tmp_path / "bad.yaml").write_text("refund: {phrase: [refund]}\n")
    with pytest.raises(
        ValueError, match=r"entry 'refund': unknown key\(s\) phrase \(did you mean phrases\?\)"
    ):
        load_dictionary("bad", tmp_path)
    (tmp_path / "bad.yaml").write_text("refund: {negatable: true}\n")
    with pytest.raises(ValueError, match=r"entry 'refund': write a list of phrases or"):
        load_dictionary("bad", tmp_path)


def test_a_broken_tenant_dictionary_stops_the_worker_at_start_naming_the_file(tmp_path):
    """A YAML error in acme.yaml was found per call: every acme call became a dead letter at score
    ("ParserError ... <unicode string>"), after transcription, while the worker looked healthy."""
    from processors.rules import DictionaryError, check_dictionaries_dir
    from processors.scorecard import ScorecardRegistry
    from processors.scoring import check_dictionaries

    (tmp_path / "acme.yaml").write_text("billing_error: [charged twice, double charge\n")
    with pytest.raises(DictionaryError, match=r"acme\.yaml:\d+:\d+: not valid YAML"):
        check_dictionaries_dir(tmp_path)
    with pytest.raises(DictionaryError, match=r"acme\.yaml"):
        check_dictionaries(ScorecardRegistry.load(None), RuleOptions(dictionaries_dir=tmp_path))
    with pytest.raises(DictionaryError, match="does not exist"):
        check_dictionaries_dir(tmp_path / "missing")


def test_a_yml_tenant_dictionary_is_read_and_two_files_of_one_tenant_are_refused(tmp_path):
    from processors.rules import DictionaryError, check_dictionaries_dir, load_dictionary

    (tmp_path / "acme.yml").write_text("billing_error: [charged twice]\n")
    assert "billing_error" in load_dictionary("acme", tmp_path)
    assert "billing_error" in check_dictionaries_dir(tmp_path)["acme"]
    (tmp_path / "acme.yaml").write_text("refund: [refund]\n")
    load_dictionary.cache_clear()  # read once per process: workers restart to pick up edits
    with pytest.raises(DictionaryError, match="two dictionaries of tenant 'acme'"):
        load_dictionary("acme", tmp_path)


def test_an_alert_rule_reading_an_entry_no_dictionary_defines_is_refused(tmp_path):
    """`rules.customer_keyword_hits.biling_error` (a typo) loaded, and the rule never fired."""
    from processors.alerts import AlertRulebook, AlertRuleError, check_keyword_entries
    from processors.rules import check_dictionaries_dir

    dicts, rules = tmp_path / "dicts", tmp_path / "rules"
    dicts.mkdir()
    rules.mkdir()
    (dicts / "acme.yaml").write_text("billing_error: [charged twice]\n")
    rule = "{id: billing, severity: warning, when: {any: [total < 10, rules.customer_keyword_hits.%s >= 1]}}"
    (rules / "acme.yaml").write_text(
        f"id: acme\nversion: '1'\ntenants: [acme]\nrules:\n  - {rule % 'billing_error'}\n"
    )
    check_keyword_entries(AlertRulebook.load(rules), check_dictionaries_dir(dicts))
    (rules / "acme.yaml").write_text(
        f"id: acme\nversion: '1'\ntenants: [acme]\nrules:\n  - {rule % 'biling_error'}\n"
    )
    with pytest.raises(
        AlertRuleError, match=r"rule 'billing' reads .*biling_error but the dictionary of 'acme' defines no"
    ):
        check_keyword_entries(AlertRulebook.load(rules), check_dictionaries_dir(dicts))
    # the packaged rules read entries of the packaged dictionary
    check_keyword_entries(AlertRulebook.load(None), check_dictionaries_dir(None))


@pytest.mark.parametrize(
    ("text", "entry", "n"),
    [
        # a negation of something else in the clause negates no intent after it (round two's finds)
        ("It's not working so cancel it.", "cancel", 1),
        ("Интернет не работает отмените подписку.", "cancel", 1),
        ("Если не почините я откажусь.", "cancel", 1),
        ("Нет я хочу отменить.", "cancel", 1),
        ("I don't want to cancel.", "cancel", 0),
        ("I'd never cancel.", "cancel", 0),
        ("не так уж дорого", "too_expensive", 0),
        # cancellations the entry missed
        ("I want my subscription cancelled today.", "cancel", 1),
        ("Please process my cancellation.", "cancel", 1),
        ("Хочу отключить услугу.", "cancel", 1),
        ("Закройте мой счёт.", "cancel", 1),
        ("Я ухожу к другому оператору.", "cancel", 1),
        ("There is a fee for the cancellation.", "cancel", 0),
        # churn threats: to another provider, a competitor, a named one (round three)
        ("Если ещё раз такое будет, уйду к другому провайдеру.", "cancel", 1),
        ("Уйду к конкурентам.", "cancel", 1),
        ("Всё, я ухожу к Билайну.", "cancel", 1),
        ("Я подумываю перейти к другому оператору.", "cancel", 1),
        ("Перейду на МТС.", "cancel", 1),
        ("I'm switching to Comcast.", "cancel", 1),
        ("I'm switching to AT&T.", "cancel", 1),
        ("I'll take my business elsewhere.", "cancel", 1),
        ("I'm switching providers.", "cancel", 1),
        # a topic or a plan change is no churn
        ("I'm switching to the new plan.", "cancel", 0),
        ("Перейду к другому вопросу.", "cancel", 0),
        ("Я перейду к другому тарифу.", "cancel", 0),
        ("Я не уйду к другому провайдеру.", "cancel", 0),
        # legal words said of something else
        ("I'm in court all day tomorrow.", "legal", 0),
        ("I'll report you to my manager as the best agent ever!", "legal", 0),
        ("У меня претензия к курьеру.", "legal", 0),
        ("Я в суде работаю секретарём.", "legal", 0),
        ("Я подам в суд.", "legal", 1),
        ("I'm going to report you to the regulator.", "legal", 1),
    ],
)
def test_default_dictionary_round_two(text: str, entry: str, n: int) -> None:
    from processors.rules import keyword_hits

    assert keyword_hits([text]).get(entry, 0) == n


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Жалоб нет, всё отлично, спасибо.", False),
        ("My supervisor asked me to call about the invoice.", False),
        ("I don't want to talk to a manager, just fix it.", False),
        ("Get me a manager.", True),
        ("Дайте мне вашего начальника.", True),
        ("Соедините со старшим.", True),
    ],
)
def test_escalation_request_hears_a_request_for_someone_above(text: str, fires: bool) -> None:
    from processors.alerts import default_rulebook

    rule = default_rulebook().rule("t", None, "escalation_request")
    score = {"compressed": {"filtered": {"transcript": {"segments": [{"text": text, "role": "customer"}]}}}}
    assert (rule.when.check(score) is not None) is fires
