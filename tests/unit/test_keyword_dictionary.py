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
        ("I am filing a complaint with the Better Business Bureau.", {"legal": 2}),
        ("Подам иск.", {"legal": 1}),
        ("Я буду жаловаться в ЦБ.", {"legal": 2}),
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
    # "No refund" is negated too: a negatable entry counts intents, not every mention
    assert got["keyword_hits"]["refund"] == 1 and "refund" not in got["agent_keyword_hits"]
    assert got["keyword_hits"]["brand"] == 1


def test_a_dictionary_entry_of_the_wrong_shape_is_refused(tmp_path):
    from processors.rules import load_dictionary

    (tmp_path / "bad.yaml").write_text("refund: {phrase: [refund]}\n")
    with pytest.raises(ValueError, match=r"entry 'refund': write a list of phrases or"):
        load_dictionary("bad", tmp_path)
