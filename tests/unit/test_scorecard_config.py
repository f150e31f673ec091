"""A tenant QA admin's configuration trial: scorecards, keyword dictionaries and alert rule folders as
they are written by hand (YAML 1.1 booleans, copies left next to originals, a file named instead of
its folder), refused or accepted with messages that name the file, the key and the fix."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from processors.alerts import AlertRulebook, AlertRuleError
from processors.rules import DictionaryError, check_dictionaries_dir, load_dictionary
from processors.scorecard import PACKAGED_DIR, ScorecardError, ScorecardRegistry, parse_scorecard

DEFAULT_RAW = yaml.safe_load((PACKAGED_DIR / "default.yaml").read_text())


def card(card_id: str, tenants: list[str], queues: list[str], version: str = "1") -> str:
    raw = copy.deepcopy(DEFAULT_RAW)
    raw.update(id=card_id, version=version, tenants=tenants, queues=queues)
    return yaml.safe_dump(raw)


def test_fail_values_yes_as_the_docs_write_it_loads() -> None:
    """`fail_values: [yes]` is read by YAML 1.1 as [True] and was refused ("must be a non-empty list
    of strings (got [True])"): the example in default.yaml's comments now loads as written."""
    comment = (PACKAGED_DIR / "default.yaml").read_text()
    example = re.search(r"#\s+(\{id: forbidden_phrase.*?\n#\s+.*?\})", comment, re.S)
    assert example is not None
    criterion = yaml.safe_load(re.sub(r"\n#\s+", " ", example.group(1)))
    assert criterion["fail_values"] == [True]  # what YAML makes of it
    criterion["title"] = "No forbidden phrase"
    raw = copy.deepcopy(DEFAULT_RAW)
    raw["criteria"].append(criterion)
    forbidden = parse_scorecard(raw).criterion("forbidden_phrase")
    assert forbidden.fail_values == ("yes",) and forbidden.failed(1.0, "yes")
    assert not forbidden.failed(0.0, "no")
    raw["criteria"][-1]["fail_values"] = [False]
    assert parse_scorecard(raw).criterion("forbidden_phrase").fail_values == ("no",)


def test_a_category_label_yaml_reads_as_a_boolean_is_refused_with_the_quoting() -> None:
    raw = copy.deepcopy(DEFAULT_RAW)
    raw["criteria"][3]["values"] = yaml.safe_load("[no, partly, yes]")
    with pytest.raises(ScorecardError, match=r"deal_stage\)\.values: YAML reads a bare yes/no.*quote"):
        parse_scorecard(raw)


def test_an_unknown_key_names_the_criterion_id() -> None:
    raw = copy.deepcopy(DEFAULT_RAW)
    raw["criteria"][1]["wieght"] = 2
    with pytest.raises(ScorecardError) as err:
        parse_scorecard(raw, "card.yaml")
    assert str(err.value) == (
        "card.yaml: criteria[1] (objection_handling): unknown key(s) wieght (did you mean weight?)"
    )


def test_two_files_with_one_scorecard_id_are_refused(tmp_path: Path) -> None:
    (tmp_path / "northwind.yaml").write_text(card("northwind", ["northwind"], ["*"]))
    (tmp_path / "copy.yaml").write_text(card("northwind", ["northwind"], ["sales"]))
    with pytest.raises(ScorecardError) as err:
        ScorecardRegistry.load(tmp_path)
    assert str(err.value).startswith(
        f"{tmp_path / 'northwind.yaml'}: id 'northwind' is the id of {tmp_path / 'copy.yaml'} as well; "
        "give one of them another id"
    )


def test_replacing_a_packaged_card_by_id_is_still_allowed(tmp_path: Path) -> None:
    (tmp_path / "support.yaml").write_text(card("support", ["*"], ["support"], version="9"))
    assert ScorecardRegistry.load(tmp_path).for_call("acme", "support").version == "9"


def test_two_cards_for_the_same_calls_are_refused_naming_both_files(tmp_path: Path) -> None:
    """The trial copied a card to make "v2" (another id, same tenant and queue): v1 kept being used,
    chosen by its id. Two of a deployment's cards tying at the top for some call are refused."""
    (tmp_path / "nw-v1.yaml").write_text(card("nw-collections", ["northwind"], ["collections"]))
    (tmp_path / "nw-v2.yaml").write_text(card("nw-collections-v2", ["northwind"], ["collections"]))
    with pytest.raises(ScorecardError) as err:
        ScorecardRegistry.load(tmp_path)
    message = str(err.value)
    assert str(tmp_path / "nw-v1.yaml") in message and str(tmp_path / "nw-v2.yaml") in message
    assert "tenant 'northwind', queue 'collections'" in message
    assert "bump its version" in message and "different queues or tenants" in message


@pytest.mark.parametrize(
    ("a", "b", "ambiguous"),
    [
        ((["northwind"], ["*"]), (["northwind"], ["sales"]), False),  # tenant+queue outranks tenant
        ((["northwind"], ["*"]), (["*"], ["sales"]), False),  # an exact tenant outranks a queue
        ((["northwind"], ["sales"]), (["northwind"], ["support"]), False),  # other calls
        ((["northwind", "acme"], ["*"]), (["acme"], ["*"]), True),  # acme's calls
        ((["*"], ["sales", "renewals"]), (["*"], ["renewals"]), True),
        ((["*"], ["*"]), (["*"], ["*"]), True),  # two catch-alls: the packaged support still wins its queues
    ],
)
def test_which_pairs_of_cards_are_ambiguous(tmp_path: Path, a: tuple, b: tuple, ambiguous: bool) -> None:
    (tmp_path / "a.yaml").write_text(card("a", *a))
    (tmp_path / "b.yaml").write_text(card("b", *b))
    if ambiguous:
        with pytest.raises(ScorecardError, match="both match calls of"):
            ScorecardRegistry.load(tmp_path)
    else:
        ScorecardRegistry.load(tmp_path)


def test_a_default_card_that_no_longer_matches_every_call_is_named(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(card("default", ["northwind"], ["*"]))
    with pytest.raises(ScorecardError) as err:
        ScorecardRegistry.load(tmp_path)
    assert str(err.value).startswith(
        f"{tmp_path / 'mine.yaml'}: id 'default' replaces the packaged default card"
    )
    assert "give it tenants: ['*'] and queues: ['*'], or another id" in str(err.value)


def test_a_file_named_instead_of_its_folder_says_so(tmp_path: Path) -> None:
    one = tmp_path / "northwind.yaml"
    one.write_text(card("northwind", ["northwind"], ["*"]))
    with pytest.raises(ScorecardError) as err:
        ScorecardRegistry.load(one)
    assert str(err.value) == (
        f"{one}: CALLSTREAM_SCORECARDS_DIR names a file, not a folder; it takes the folder of the "
        f"scorecards files: CALLSTREAM_SCORECARDS_DIR={tmp_path}"
    )
    with pytest.raises(DictionaryError, match="CALLSTREAM_DICTIONARIES_DIR names a file, not a folder"):
        check_dictionaries_dir(one)
    with pytest.raises(AlertRuleError, match="CALLSTREAM_ALERT_RULES_DIR names a file, not a folder"):
        AlertRulebook.load(one)
    with pytest.raises(ScorecardError, match="scorecards directory does not exist"):
        ScorecardRegistry.load(tmp_path / "missing")


def test_two_alert_rule_files_with_one_id_read_file_then_id(tmp_path: Path) -> None:
    rule = "id: northwind\ntenants: [northwind]\nrules:\n  - {id: r, severity: info, when: total < 1}\n"
    (tmp_path / "northwind.yaml").write_text(rule)
    (tmp_path / "copy.yaml").write_text(rule)
    with pytest.raises(AlertRuleError) as err:
        AlertRulebook.load(tmp_path)
    assert str(err.value).startswith(
        f"{tmp_path / 'northwind.yaml'}: id 'northwind' is the id of {tmp_path / 'copy.yaml'} as well"
    )


@pytest.mark.parametrize("text", ["account_number: 42\n", "account_number: [42]\n", "account_number: '42'\n"])
def test_a_number_entry_is_one_phrase_as_a_word_is(tmp_path: Path, text: str) -> None:
    (tmp_path / "acme.yaml").write_text(text)
    load_dictionary.cache_clear()
    assert tuple(load_dictionary("acme", tmp_path)["account_number"]) == ("42",)


@pytest.mark.parametrize("text", ["confirm: [yes, sure]\n", "confirm: yes\n"])
def test_a_phrase_yaml_reads_as_a_boolean_is_refused_with_the_quoting(tmp_path: Path, text: str) -> None:
    """`[yes]` was matched as the word "True"."""
    (tmp_path / "acme.yaml").write_text(text)
    load_dictionary.cache_clear()
    with pytest.raises(DictionaryError, match=r"entry 'confirm': YAML reads a bare yes/no.*quote the phrase"):
        load_dictionary("acme", tmp_path)


def keyword_card(tenants: list[str], rule: str = "keyword:refund") -> str:
    raw = copy.deepcopy(DEFAULT_RAW)
    raw.update(id="kw", version="1", tenants=tenants, queues=["kw"])
    raw["criteria"].append(
        {"id": "refund_said", "title": "Refund", "type": "yes_no", "source": "rule", "rule": rule}
    )
    return yaml.safe_dump(raw)


def check_cards(cards: Path, dictionaries: Path | None) -> None:
    from processors.rules import RuleOptions
    from processors.scoring import check_dictionaries

    load_dictionary.cache_clear()
    check_dictionaries(ScorecardRegistry.load(cards), RuleOptions(dictionaries_dir=dictionaries))


def test_a_keyword_entry_with_no_dictionaries_dir_says_the_setting_is_unset(tmp_path: Path) -> None:
    (tmp_path / "kw.yaml").write_text(keyword_card(["*"]))
    with pytest.raises(ScorecardError) as err:
        check_cards(tmp_path, None)
    assert "defines no entry 'refund'" in str(err.value)
    assert "CALLSTREAM_DICTIONARIES_DIR is unset, so only the packaged default dictionary is read" in str(
        err.value
    )


@pytest.mark.parametrize(
    ("tenant", "hint"),
    [
        ("northwind", "Northwind.yaml in {dicts} differs from tenant 'northwind' only by case"),
        ("nortwind", "no dictionary file for tenant 'nortwind' (did you mean 'Northwind'?)"),
    ],
)
def test_a_tenant_s_dictionary_in_other_letters_or_a_close_name_is_pointed_out(
    tmp_path: Path, tenant: str, hint: str
) -> None:
    cards, dicts = tmp_path / "cards", tmp_path / "dicts"
    cards.mkdir()
    dicts.mkdir()
    (dicts / "Northwind.yaml").write_text("refund: [refund]\n")
    (cards / "kw.yaml").write_text(keyword_card([tenant]))
    with pytest.raises(ScorecardError) as err:
        check_cards(cards, dicts)
    assert f"the keyword dictionary of tenant {tenant!r} defines no entry 'refund'" in str(err.value)
    assert hint.format(dicts=dicts) in str(err.value)
    if tenant == "northwind":
        assert "rename it northwind.yaml" in str(err.value)


def test_an_alert_rule_set_s_tenant_close_to_a_dictionary_s_or_a_card_s_gets_a_did_you_mean(
    tmp_path: Path,
) -> None:
    from processors.alerts import load_checked_rulebook

    cards, dicts, rules = tmp_path / "cards", tmp_path / "dicts", tmp_path / "rules"
    for folder in (cards, dicts, rules):
        folder.mkdir()
    (dicts / "northwind.yaml").write_text("refund: [refund]\n")
    (rules / "nw.yaml").write_text(
        "id: nw\ntenants: [nortwind]\nrules:\n"
        "  - {id: r, severity: info, when: rules.keyword_hits.refund >= 1}\n"
    )
    load_dictionary.cache_clear()
    with pytest.raises(AlertRuleError) as err:
        load_checked_rulebook(rules, dicts, ScorecardRegistry.load(None))
    assert "the dictionary of 'nortwind' defines no entry 'refund'" in str(err.value)
    assert "(did you mean 'northwind'?)" in str(err.value)
    raw = copy.deepcopy(DEFAULT_RAW)
    raw.update(id="nw", version="1", tenants=["northwind"], queues=["*"])
    raw["criteria"].append(
        {"id": "greeted", "title": "Greeted", "type": "yes_no", "source": "llm", "rubric": "x"}
    )
    (cards / "nw.yaml").write_text(yaml.safe_dump(raw))
    (rules / "nw.yaml").write_text(
        "id: nw\ntenants: [nortwind]\nrules:\n  - {id: r, severity: info, when: criteria.greeted == no}\n"
    )
    with pytest.raises(AlertRuleError) as err:
        load_checked_rulebook(rules, dicts, ScorecardRegistry.load(cards))
    assert "has no criterion 'greeted'" in str(err.value)
    assert "no scorecard names tenant 'nortwind' (did you mean 'northwind'?)" in str(err.value)
