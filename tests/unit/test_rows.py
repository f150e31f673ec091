"""processors.rows: CallScore / Alert / DeadLetter records → ClickHouse rows."""

from __future__ import annotations

import re

import pytest

from processors.rows import NUMBER_MASK, TABLE_COLUMNS, alert_row, dead_letter_row, score_rows
from schemas.codec import SingleObjectCodec
from tests.factories import RAW_NUMBER, make_alert, make_call_score, make_dead_letter, number_hash

VERSION = 1_741_944_600_000


@pytest.mark.parametrize(
    ("name", "record"),
    [("CallScore", make_call_score()), ("Alert", make_alert()), ("DeadLetter", make_dead_letter())],
)
def test_factories_are_avro_encodable(name, record):
    codec = SingleObjectCodec()
    assert codec.decode(name, codec.encode(name, record)) == record


def test_score_rows_after_avro_round_trip_cover_every_column():
    codec = SingleObjectCodec()
    score = codec.decode("CallScore", codec.encode("CallScore", make_call_score("c-42")))
    rows = score_rows(score, VERSION)

    assert set(rows) == {"calls", "call_segments", "call_criteria"}
    for table, table_rows in rows.items():
        for row in table_rows:
            assert list(row) == TABLE_COLUMNS[table]
            assert row["_version"] == VERSION

    (call,) = rows["calls"]
    assert call["call_id"] == "c-42"
    assert call["tenant"] == "acme"
    assert call["agent_id"] == "agent-7"
    assert call["customer_number_hash"] == number_hash(RAW_NUMBER)
    assert call["started_at"] == score["compressed"]["filtered"]["transcript"]["call"]["started_at"]
    assert call["segments_total"] == 5
    assert call["segments_kept"] == 4
    assert call["dropped"] == {"past_end": 1, "filler": 1}
    assert call["keyword_hits"] == {"contract": 1, "quote": 1}
    assert call["agent_wpm"] == 151.8
    assert call["tokens_before"] == 96 and call["tokens_after"] == 81
    assert call["compression_level"] == "merge"
    assert call["asr_model"] == "tiny.en/int8"

    segments = rows["call_segments"]
    assert [s["idx"] for s in segments] == [0, 1, 2, 3, 4]
    assert [s["kept"] for s in segments] == [1, 1, 0, 1, 1]
    assert segments[2]["drop_reason"] == "filler"

    criteria = {c["criterion_id"]: c for c in rows["call_criteria"]}
    assert set(criteria) == {"greeting", "price_quoted", "empathy"}
    assert criteria["empathy"]["status"] == "pending" and criteria["empathy"]["value"] is None
    assert criteria["greeting"]["scorecard_version"] == "3"
    assert criteria["greeting"]["queue"] == "sales"


def test_guard_dropped_segments_become_dropped_rows():
    """Transcript.dropped_segments (what the ASR guards dropped) are call_segments rows with kept = 0
    and the guard's reason, masked like the rest; the call's counts stay the dialogue's."""
    score = make_call_score("c-43")
    transcript = score["compressed"]["filtered"]["transcript"]
    loop = {
        **transcript["segments"][0],
        "index": 5,
        "start": 40.2,
        "end": 41.0,
        "text": f"Call {RAW_NUMBER} call call call call",
        "kept": False,
        "drop_reason": "past_end",
    }
    transcript["dropped_segments"] = [loop]
    codec = SingleObjectCodec()
    rows = score_rows(codec.decode("CallScore", codec.encode("CallScore", score)), VERSION)

    segments = rows["call_segments"]
    assert [(s["idx"], s["kept"], s["drop_reason"]) for s in segments] == [
        (0, 1, None),
        (1, 1, None),
        (2, 0, "filler"),
        (3, 1, None),
        (4, 1, None),
        (5, 0, "past_end"),
    ]
    assert segments[5]["start"] == 40.2 and list(segments[5]) == TABLE_COLUMNS["call_segments"]
    assert segments[5]["text"] == f"Call {NUMBER_MASK} call call call call"
    (call,) = rows["calls"]
    assert call["segments_total"] == 5 and call["segments_kept"] == 4
    assert call["dropped"] == {"past_end": 1, "filler": 1}


def test_raw_customer_number_never_reaches_a_row():
    rows = score_rows(make_call_score(), VERSION)
    digits = "".join(ch for ch in RAW_NUMBER if ch.isdigit())
    text = repr(rows)
    assert RAW_NUMBER not in text
    assert digits not in text
    assert NUMBER_MASK in rows["calls"][0]["crm"]["callback"]
    assert NUMBER_MASK in rows["call_segments"][1]["text"]


def test_mono_call_keeps_per_role_metrics_null():
    (call,) = score_rows(make_call_score(layout="mono"), VERSION)["calls"]
    assert call["layout"] == "mono"
    assert call["agent_talk_s"] is None and call["overtalk_count"] is None
    assert call["silence_s"] == 26.3


def test_call_without_number_is_unmasked():
    rows = score_rows(make_call_score(number=None), VERSION)
    assert rows["calls"][0]["customer_number_hash"] is None
    assert NUMBER_MASK not in repr(rows)


@pytest.mark.parametrize("number", ["0", "7", "101", "Dana"])
def test_a_short_customer_number_masks_nothing(number):
    """An extension or a short non-number is no phone: masking it rewrote ids ("agent-7" became
    "agent-[customer-number]") and names."""
    score = make_call_score("probe-007", number=number)
    rows = score_rows(score, VERSION)
    assert NUMBER_MASK not in repr(rows)
    assert rows["calls"][0]["call_id"] == "probe-007"


def test_join_keys_are_never_masked():
    number = "+79161234567"
    score = make_call_score(f"call-{number}", number=number)
    rows = score_rows(score, VERSION)
    assert {r["call_id"] for table in rows.values() for r in table} == {f"call-{number}"}
    assert NUMBER_MASK in rows["call_segments"][1]["text"]  # the text is still masked


def test_alert_and_dead_letter_rows():
    alert = alert_row(make_alert("c-9"), VERSION)
    assert list(alert) == TABLE_COLUMNS["alerts"]
    assert alert["alert_id"] == "c-9:low_score" and alert["_version"] == VERSION

    dl = dead_letter_row(make_dead_letter(5), VERSION)
    assert list(dl) == TABLE_COLUMNS["dead_letters"]
    assert dl["payload"] == b"\xc3\x01not-avro" and dl["key"] == b"call-0001"
    assert dl["offset"] == 5 and dl["_version"] == VERSION


def test_a_dead_letters_identity_is_its_call_and_error_else_its_payload():
    """The same event failing again the same way is one row, though its payload holds a new receipt
    time; another error, another call or (without a call id) another payload is another row."""
    one = make_dead_letter(5)
    key = dead_letter_row(one, VERSION)["payload_hash"]
    assert dead_letter_row({**one, "payload": b"received again"}, VERSION)["payload_hash"] == key
    assert dead_letter_row({**one, "error_message": "other"}, VERSION)["payload_hash"] != key
    assert dead_letter_row({**one, "call_id": "call-0002"}, VERSION)["payload_hash"] != key
    bare = {**one, "call_id": None}
    assert (
        dead_letter_row(bare, VERSION)["payload_hash"]
        != dead_letter_row({**bare, "payload": b"other bytes"}, VERSION)["payload_hash"]
    )


@pytest.mark.parametrize(("index", "why"), [(1, "appears more than once"), (-1, "outside 0..2^32-1")])
def test_a_segment_index_call_segments_cannot_keep_is_refused_with_the_reason(index, why):
    """Another producer's transcript numbering a segment twice lost a row in ReplacingMergeTree."""
    score = make_call_score("c-44")
    transcript = score["compressed"]["filtered"]["transcript"]
    transcript["dropped_segments"] = [{**transcript["segments"][0], "index": index, "kept": False}]
    with pytest.raises(ValueError, match=re.escape(why)):
        score_rows(score, VERSION)


def test_pii_redacted_is_the_filters_count_plus_the_compressors_new_placeholders():
    """The filter joined a passport's series and number said with a filler between (one ID); the
    placeholders left in the text read as two. The stored count is the filter's, as in its record."""
    score = make_call_score("c-pii")
    score["compressed"]["filtered"]["pii"] = {"ID": 1, "PHONE": 1}
    score["rules"]["pii"] = {"ID": 2, "PHONE": 1}
    score["compressed"]["pii"] = {"CARD": 1}  # a card only the merged dialogue showed
    assert score_rows(score, VERSION)["calls"][0]["pii_redacted"] == {"ID": 1, "PHONE": 1, "CARD": 1}
    del score["compressed"]["filtered"]["pii"]  # a record without the filter's count: the placeholders'
    assert score_rows(score, VERSION)["calls"][0]["pii_redacted"] == {"ID": 2, "PHONE": 1, "CARD": 1}
