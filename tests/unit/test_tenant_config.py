"""The header checks shared by scorecards and alert rule sets (processors/tenant_config.py)."""

from __future__ import annotations

import pytest

from processors.alerts import AlertRuleError, parse_rule_set
from processors.scorecard import ScorecardError, parse_scorecard
from processors.tenant_config import document_header

KEYS = frozenset({"id", "version", "items"})


class _Bad(Exception):
    pass


def _header(raw):
    return document_header(raw, "f.yaml", KEYS, _Bad, body="items", version_hint="required")


def test_a_valid_header_gives_the_id_and_the_version_as_text():
    assert _header({"id": "sales.v2-ru", "version": 3}) == ("sales.v2-ru", "3")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (["id"], "f.yaml: must be a mapping with id, version, items"),
        ({"id": "a", "version": "1", "extra": 1}, "unknown key(s) extra"),
        ({"id": "a b", "version": "1"}, "f.yaml: id: required"),
        ({"id": "a\n", "version": "1"}, "f.yaml: id: required"),  # "$" would let a trailing newline in
        ({"id": "x" * 65, "version": "1"}, "f.yaml: id: required"),
        ({"id": "a"}, "f.yaml: version: required (got None)"),
        ({"id": "a", "version": True}, "f.yaml: version"),
        ({"id": "a", "version": "  "}, "f.yaml: version"),
    ],
)
def test_a_bad_header_names_the_file_and_the_field(raw, message):
    with pytest.raises(_Bad) as err:
        _header(raw)
    assert message in str(err.value)


def test_each_document_kind_raises_its_own_error_type():
    with pytest.raises(ScorecardError, match="version: required"):
        parse_scorecard({"id": "card", "criteria": []})
    with pytest.raises(AlertRuleError, match=r"alert rules: id: required"):
        parse_rule_set({"id": "bad id", "rules": []})


def test_an_alert_rule_set_may_leave_its_version_out():
    rules = [{"id": "r1", "severity": "warning", "when": "fatal_failed"}]
    assert parse_rule_set({"id": "set", "rules": rules}).version == "1"
