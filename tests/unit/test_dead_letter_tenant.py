"""Dead letters keep the tenant their record named (DeadLetter.tenant, ``dead_letters.tenant``)."""

from __future__ import annotations

import json

import pytest

from connectors.events import json_field
from processors.rows import dead_letter_row
from streams.stage import dead_letter, tenant_of
from tests.factories import (
    make_alert,
    make_call_completed,
    make_call_score,
    make_dead_letter,
    make_transcript,
)


@pytest.mark.parametrize(
    "record",
    [
        make_call_completed(tenant="globex"),
        make_transcript(tenant="globex"),
        make_call_score(tenant="globex"),  # compressed → filtered → transcript → call
        make_alert(tenant="globex"),
    ],
    ids=["CallCompleted", "Transcript", "CallScore", "Alert"],
)
def test_the_tenant_is_found_in_the_record_or_the_call_it_carries(record):
    assert tenant_of(record) == "globex"


@pytest.mark.parametrize("record", [None, {}, {"tenant": ""}, {"tenant": 7}, {"call": "not a mapping"}])
def test_no_tenant_when_the_record_names_none(record):
    assert tenant_of(record) is None


def test_a_stage_dead_letter_without_a_decoded_record_has_no_tenant_and_its_row_stores_empty():
    where = {"topic": "t", "partition": 0, "offset": 1, "key": None}
    letter = dead_letter("filter", **where, payload=b"\x00", error=ValueError("x"), attempts=1)
    assert letter["tenant"] is None
    assert dead_letter_row(letter, 1)["tenant"] == ""
    assert dead_letter_row(make_dead_letter(), 1)["tenant"] == "acme"


@pytest.mark.parametrize(
    "payload,tenant",
    [
        (json.dumps({"call_id": "c", "tenant": "globex"}).encode(), "globex"),
        (json.dumps({"call_id": "c"}).encode(), None),
        (json.dumps({"tenant": None}).encode(), None),
        (json.dumps(["globex"]).encode(), None),
        (b"{not json", None),
        (b"\xff\xfe", None),
        (json.dumps({"tenant": " globex ", "pad": "x" * (1 << 20)}).encode(), "globex"),
    ],
)
def test_a_published_bad_line_names_its_tenant_when_it_is_a_json_object_with_one(payload, tenant):
    assert json_field(payload, "tenant") == tenant
