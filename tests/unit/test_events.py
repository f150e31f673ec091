"""connectors.events: CallCompleted from JSON, every problem with its field path, JSON lines."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.events import SAMPLE_CALLS, call_from_json, hash_number, parse_call, read_jsonl
from schemas.codec import SingleObjectCodec
from schemas.validation import InvalidCall

RECEIVED = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)


def call_json(**overrides: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "call_id": "pbx-1001",
        "tenant": "acme",
        "source": "asterisk",
        "direction": "inbound",
        "started_at": "2025-03-14T09:30:00Z",
        "ended_at": "2025-03-14T09:31:30.500Z",
        "agent": {"id": "a-7", "name": "Dana"},
        "customer": {"number": "+1 (555) 123-4567"},
        "queue": "sales",
        "recording_uri": "file:///rec/pbx-1001.wav",
        "audio": {"layout": "stereo", "channels": {"0": "agent", "1": "customer"}},
        "language": "en",
        "crm": {"deal_id": "D-1", "amount": 1200, "note": None},
    }
    obj.update(overrides)
    return obj


def problems_of(obj: Any) -> list[str]:
    with pytest.raises(InvalidCall) as info:
        call_from_json(obj, received_at=RECEIVED)
    assert str(info.value) == "; ".join(info.value.problems)
    return info.value.problems


def test_happy_path_iso_z():
    call = call_from_json(call_json(), received_at=RECEIVED)
    assert call["call_id"] == "pbx-1001"
    assert call["started_at"] == datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    assert call["ended_at"] == datetime(2025, 3, 14, 9, 31, 30, 500000, tzinfo=UTC)
    assert call["received_at"] == RECEIVED
    assert call["agent"] == {"id": "a-7", "name": "Dana"}
    assert call["customer"]["number"] == "+1 (555) 123-4567"
    assert call["crm"] == {"deal_id": "D-1", "amount": "1200", "note": ""}  # map of strings
    assert call["audio"] == {"layout": "stereo", "channels": {"0": "agent", "1": "customer"}}
    # and it is a valid Avro record
    codec = SingleObjectCodec()
    assert codec.decode("CallCompleted", codec.encode("CallCompleted", call)) == call


def test_epoch_seconds_and_offsets():
    call = call_from_json(
        call_json(started_at=1741944600, ended_at=1741944690.25, received_at="2025-03-14T12:30:00+03:00")
    )
    assert call["started_at"] == datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    assert call["ended_at"] == datetime(2025, 3, 14, 9, 31, 30, 250000, tzinfo=UTC)
    assert call["received_at"] == datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def test_naive_timestamp_is_utc():
    call = call_from_json(call_json(started_at="2025-03-14T09:30:00", ended_at="2025-03-14T09:31:00"))
    assert call["started_at"].tzinfo is not None
    assert call["started_at"] == datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def test_defaults_for_optional_fields():
    obj = {
        "call_id": "c",
        "recording_uri": "file:///r.wav",
        "agent": {"id": 42},
        "started_at": "2025-03-14T09:30:00Z",
        "ended_at": "2025-03-14T09:30:10Z",
    }
    call = call_from_json(obj, received_at=RECEIVED)
    assert call["tenant"] == "default"
    assert call["source"] == "api"
    assert call["direction"] == "unknown"
    assert call["agent"] == {"id": "42", "name": None}
    assert call["customer"] == {"number": None, "number_hash": None}
    assert call["audio"] == {"layout": "stereo", "channels": {"0": "agent", "1": "customer"}}
    assert call["language"] is None
    assert call["crm"] == {}


def test_mono_layout_has_no_channel_map():
    call = call_from_json(call_json(audio={"layout": "mono"}))
    assert call["audio"] == {"layout": "mono", "channels": {}}


def test_number_is_hashed_as_e164_regardless_of_formatting():
    expected = hashlib.sha256(b"+15551234567").hexdigest()
    for number in ("+1 (555) 123-4567", "+15551234567", "1-555-123-4567", "+1.555.123.4567"):
        call = call_from_json(call_json(customer={"number": number}))
        assert call["customer"]["number_hash"] == expected, number
    assert hash_number("+1 (555) 123-4567") == hash_number("+15551234567") == expected
    assert hash_number("+15551234567") != hash_number("+15551234568")


def test_with_a_key_the_number_hash_is_an_hmac(monkeypatch):
    """Security audit M3: a plain SHA-256 of a phone number was reversed in seconds (one area code by
    brute force). With CALLSTREAM_CUSTOMER_HASH_KEY it is HMAC-SHA256, still one hash per number."""
    import hmac

    import connectors.events as events

    monkeypatch.setattr(events, "_number_hash_key", None)  # restored after the test
    key = b"0123456789abcdef-deployment-key"
    keyed = hmac.new(key, b"+15551234567", hashlib.sha256).hexdigest()
    assert hash_number("+1 (555) 123-4567", key) == hash_number("+15551234567", key) == keyed
    assert keyed != hash_number("+15551234567") == hashlib.sha256(b"+15551234567").hexdigest()
    events.use_number_hash_key(key.decode())
    call = call_from_json(call_json(customer={"number": "+1 (555) 123-4567"}))
    assert call["customer"]["number_hash"] == keyed
    assert hash_number("+15551234567") == keyed  # what every hash in this process is now
    events.use_number_hash_key(None)  # unset: today's plain SHA-256, so existing joins keep working
    assert (
        call_from_json(call_json())["customer"]["number_hash"] == hashlib.sha256(b"+15551234567").hexdigest()
    )


def test_commands_hash_with_the_configured_key(monkeypatch, clean_env):
    """publish, import, ingest, connect and demo all load their settings through the CLI's one
    helper, which sets the key for the process."""
    import hmac

    import connectors.events as events
    import streams.cli

    monkeypatch.setattr(events, "_number_hash_key", None)
    monkeypatch.setenv("CALLSTREAM_CUSTOMER_HASH_KEY", "a-key-of-16-chars-or-more")
    streams.cli._settings()
    expected = hmac.new(b"a-key-of-16-chars-or-more", b"+15551234567", hashlib.sha256).hexdigest()
    assert call_from_json(call_json())["customer"]["number_hash"] == expected
    monkeypatch.delenv("CALLSTREAM_CUSTOMER_HASH_KEY")
    streams.cli._settings()
    assert (
        call_from_json(call_json())["customer"]["number_hash"] == hashlib.sha256(b"+15551234567").hexdigest()
    )


def test_given_number_hash_is_kept():
    call = call_from_json(call_json(customer={"number": None, "number_hash": "abc"}))
    assert call["customer"] == {"number": None, "number_hash": "abc"}


def test_missing_call_id():
    obj = call_json()
    del obj["call_id"]
    problems = problems_of(obj)
    assert any(p.startswith("call_id:") for p in problems)
    assert not any(p.startswith(("started_at", "agent", "recording_uri")) for p in problems)


def test_empty_object_lists_every_required_field():
    problems = problems_of({})
    for field in ("call_id", "recording_uri", "agent.id", "started_at", "ended_at"):
        assert any(p.startswith(field + ":") for p in problems), field


def test_a_misspelt_required_field_is_refused_naming_the_key_found():
    """A misspelt required field was refused as plainly missing ("call_id: required string") while a
    misspelt optional one got a did-you-mean: the refusal now names the key it found."""
    obj = call_json(cal_id="x", recording_url="file:///rec/x.wav", strated_at="2025-03-14T09:30:00Z")
    for field in ("call_id", "recording_uri", "started_at"):
        del obj[field]
    assert problems_of(obj) == [
        "call_id: required string (found 'cal_id': did you mean 'call_id'?)",
        "recording_uri: required string (found 'recording_url': did you mean 'recording_uri'?)",
        "started_at: required (found 'strated_at': did you mean 'started_at'?)",
    ]
    agent_id = "agent.id: required string (an extension number is accepted too)"
    no_agent = call_json(agnt={"id": "a-7"})
    del no_agent["agent"]
    assert problems_of(no_agent) == [f"{agent_id} (found 'agnt': did you mean 'agent'?)"]
    assert problems_of(call_json(agent={"idd": "a-7"})) == [
        f"{agent_id} (found 'agent.idd': did you mean 'agent.id'?)"
    ]
    # a key with no close field, or a field sent as null, gets no guess
    assert problems_of(call_json(agent={"name": "Dana"}, call_id=None)) == [
        "call_id: required string",
        agent_id,
    ]


def test_a_missing_field_is_reported_once():
    obj = call_json()
    del obj["recording_uri"]
    assert problems_of(obj) == ["recording_uri: required string"]  # not also "must not be empty"
    assert problems_of(call_json(recording_uri=" ")) == ["recording_uri: must not be empty"]


def test_bad_timestamp_names_field_and_value():
    problems = problems_of(call_json(started_at="yesterday"))
    assert problems == ["started_at: not an ISO-8601 timestamp or epoch seconds: 'yesterday'"]


def test_epoch_milliseconds_are_rejected_not_misread():
    problems = problems_of(call_json(started_at=1741944600000, ended_at=1741944690000))
    assert [p.split(":")[0] for p in problems] == ["started_at", "ended_at"]


def test_ended_before_started():
    problems = problems_of(call_json(ended_at="2025-03-14T09:29:59Z"))
    assert problems == ["ended_at: is before started_at"]


def test_bad_layout():
    problems = problems_of(call_json(audio={"layout": "quad", "channels": {"0": "agent"}}))
    assert any(p.startswith("audio.layout:") and "stereo, mono" in p for p in problems)


def test_bad_channel_role_and_index():
    problems = problems_of(call_json(audio={"layout": "stereo", "channels": {"0": "boss", "2": "agent"}}))
    assert "audio.channels.0: role must be one of agent, customer" in problems
    assert any(p.startswith("audio.channels:") and "'2'" in p for p in problems)


def test_bad_direction():
    problems = problems_of(call_json(direction="sideways"))
    assert problems == ["direction: must be one of inbound, outbound, internal, unknown"]


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("customer", "bob", "customer"),
        ("audio", ["stereo"], "audio"),
        ("crm", [1, 2], "crm"),
        ("agent", "a-7", "agent"),
        ("queue", 5, "queue"),
        ("language", ["en"], "language"),
    ],
)
def test_wrong_shapes_are_named(field, value, path):
    problems = problems_of(call_json(**{field: value}))
    assert any(p.startswith(path + ":") for p in problems), problems


def test_an_agent_given_as_a_name_says_it_must_be_an_object():
    """`"agent": "Anna"` was reported as "agent.id: required string (an extension number is accepted
    too)", which sent an integrator looking for a missing id instead of the object around it."""
    assert problems_of(call_json(agent="Anna")) == [
        'agent: must be an object {"id": ..., "name": ...}, got str'
    ]
    assert problems_of(call_json(agent={"name": "Anna"})) == [
        "agent.id: required string (an extension number is accepted too)"
    ]


def test_nested_wrong_types_are_named_not_left_for_the_encoder():
    problems = problems_of(call_json(agent={"id": "a", "name": 12}, customer={"number_hash": 7}))
    assert any(p.startswith("agent.name:") for p in problems)
    assert any(p.startswith("customer.number_hash:") for p in problems)


def test_all_problems_listed_together():
    obj = call_json(started_at="nope", direction="sideways", audio={"layout": "quad"})
    del obj["recording_uri"]
    problems = problems_of(obj)
    fields = {p.split(":")[0] for p in problems}
    assert {"started_at", "direction", "audio.layout", "recording_uri"} <= fields


@pytest.mark.parametrize("obj", [[1, 2], "call", 42, None])
def test_non_object(obj):
    problems = problems_of(obj)
    assert len(problems) == 1 and problems[0].startswith("expected a JSON object, got ")


def test_read_jsonl_line_numbers_blank_lines_and_errors():
    good = json.dumps(call_json(call_id="ok-1"))
    bad_call = json.dumps(call_json(call_id="bad", ended_at="2000-01-01T00:00:00Z"))
    last = json.dumps(call_json(call_id="ok-2"))  # no trailing newline
    lines = [good + "\n", "\n", "   \n", "{not json\n", bad_call + "\n", last]

    parsed = list(read_jsonl(lines))

    assert [p.lineno for p in parsed] == [1, 4, 5, 6]  # blank lines skipped, numbering kept
    assert parsed[0].record["call_id"] == "ok-1" and parsed[0].error is None
    assert parsed[1].record is None and parsed[1].error.startswith("invalid JSON:")
    assert "column" in parsed[1].error
    assert parsed[1].raw == "{not json\n"  # the raw line is kept for the dead-letter topic
    assert parsed[2].record is None and "ended_at: is before started_at" in parsed[2].error
    assert parsed[3].record["call_id"] == "ok-2"
    # the call a bad line names, for its dead letter: also when it fails validation
    assert [p.call_id for p in parsed] == ["ok-1", None, "bad", "ok-2"]


@pytest.mark.parametrize("end", ["\n", "\r\n", ""])
def test_a_cut_off_line_s_error_is_at_its_own_end(end):
    [parsed] = read_jsonl([b'{"call_id": "x", "tenant": "a"' + end.encode()])
    assert parsed.error == "invalid JSON: Expecting ',' delimiter at column 31", parsed.error


def test_bundled_samples_parse_and_encode():
    with SAMPLE_CALLS.open(encoding="utf-8") as fh:
        parsed = list(read_jsonl(fh))
    assert parsed, "no sample calls"
    assert [p.error for p in parsed] == [None] * len(parsed)
    codec = SingleObjectCodec()
    ids = set()
    for line in parsed:
        call = line.record
        ids.add(call["call_id"])
        assert call["customer"]["number_hash"] == hash_number(call["customer"]["number"])
        decoded = codec.decode("CallCompleted", codec.encode("CallCompleted", call))
        received = call["received_at"]  # now(), in microseconds; Avro keeps milliseconds
        millis = received.replace(microsecond=received.microsecond // 1000 * 1000)
        assert decoded == {**call, "received_at": millis}
    assert len(ids) == len(parsed)


def test_a_numeric_phone_number_is_rejected_not_mangled():
    """Found by the OpenAPI fuzzer: 15551234567 as a JSON number would lose a leading + or 0."""
    assert any(
        p.startswith("customer.number:") for p in problems_of(call_json(customer={"number": 15551234567}))
    )


def test_lines_read_as_bytes_report_what_is_not_utf8_and_keep_its_bytes():
    """A cp1251 line used to end `callstream publish` with a UnicodeDecodeError (lines already read
    unpublished, the bad one not dead-lettered); a lone surrogate crashed the Avro encoding."""
    good = {"call_id": "ok-1", "recording_uri": "file:///r/1.wav", "agent": {"id": "1"},
            "started_at": "2026-11-20T10:00:00Z", "ended_at": "2026-11-20T10:01:00Z"}  # fmt: skip
    cp1251 = '{"call_id": "Привет"}'.encode("cp1251")
    lines = [
        b"\xef\xbb\xbf" + json.dumps(good).encode(),  # a BOM on the first line
        cp1251,
        json.dumps({**good, "call_id": "half", "queue": "\ud83d"}).encode(),
    ]
    parsed = list(read_jsonl(lines))
    assert parsed[0].record is not None and parsed[0].record["call_id"] == "ok-1"
    assert parsed[1].record is None and parsed[1].error.startswith("not UTF-8 text (byte 14")
    assert parsed[1].payload == cp1251  # the dead letter carries the bytes as they were
    assert parsed[2].record is None and "not valid Unicode" in parsed[2].error


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("call_id", "c-1\r\nX-Injected: 1"),
        ("queue", "sales\nsupport"),
        ("call_id", "c-1\u2028X-Injected: 1"),  # Unicode line separator: Python's str.splitlines breaks there
        ("queue", "sales\x85support"),  # NEL (C1)
        ("agent", {"id": "201", "name": "A" * 300}),
    ],
)
def test_names_with_line_breaks_or_of_any_length_are_refused(field, value):
    """They reach alert ids, e-mail subjects and webhook headers, where a notifier refuses them."""
    good = {"call_id": "ok-1", "recording_uri": "file:///r/1.wav", "agent": {"id": "1"},
            "started_at": "2026-11-20T10:00:00Z", "ended_at": "2026-11-20T10:01:00Z"}  # fmt: skip
    with pytest.raises(InvalidCall, match="no control characters"):
        call_from_json({**good, field: value})


def test_two_channels_of_one_speaker_are_refused():
    good = {"call_id": "ok-1", "recording_uri": "file:///r/1.wav", "agent": {"id": "1"},
            "started_at": "2026-11-20T10:00:00Z", "ended_at": "2026-11-20T10:01:00Z"}  # fmt: skip
    with pytest.raises(InvalidCall, match="cannot both be the agent"):
        call_from_json({**good, "audio": {"layout": "stereo", "channels": {"0": "agent", "1": "agent"}}})


def test_a_crm_key_with_a_line_break_is_reported_escaped():
    """Security audit L3: the problem is logged by ingest and printed by publish; a raw key could
    forge a log line of its own."""
    problems = problems_of(call_json(crm={"a\n2026-11-24 CRITICAL forged\x1b[2J": ["x"]}))
    assert problems == [
        r"crm.a\n2026-11-24 CRITICAL forged\x1b[2J: must be a string, number or null, got list"
    ]


def warnings_of(obj: dict[str, Any]) -> list[str]:
    record, warnings = parse_call(obj, received_at=RECEIVED)
    assert record == call_from_json(obj, received_at=RECEIVED)  # accepted all the same
    return warnings


def test_a_clean_call_and_the_bundled_samples_have_no_warnings():
    assert warnings_of(call_json()) == []
    samples = list(read_jsonl(SAMPLE_CALLS.read_text().splitlines()))
    assert samples and all(line.record is not None and line.warnings == () for line in samples)


def test_a_misspelt_optional_field_is_dropped_with_a_did_you_mean():
    obj = call_json(qeue="support")
    del obj["queue"]
    assert warnings_of(obj) == ["unknown field 'qeue' dropped (did you mean 'queue'?)"]
    assert call_from_json(obj, received_at=RECEIVED)["queue"] is None


def test_an_unknown_field_with_no_close_name_gets_no_guess():
    assert warnings_of(call_json(priority_score=3)) == ["unknown field 'priority_score' dropped"]


def test_unknown_fields_of_nested_records_are_named_by_path():
    obj = call_json(
        agent={"id": "a-7", "nmae": "Dana"}, customer={"number": "+15551234567", "segment": "vip"}
    )
    assert warnings_of(obj) == [
        "unknown field 'agent.nmae' dropped (did you mean 'agent.name'?)",
        "unknown field 'customer.segment' dropped",
    ]
    assert warnings_of(call_json(audio={"layot": "mono"})) == [
        "unknown field 'audio.layot' dropped (did you mean 'audio.layout'?)"
    ]


def test_free_form_maps_take_any_key():
    obj = call_json(
        crm={"qeue": "x", "anything": "y"}, audio={"layout": "stereo", "channels": {"0": "agent"}}
    )
    assert warnings_of(obj) == []


def test_an_unknown_key_with_a_line_break_is_reported_escaped():
    (warning,) = warnings_of(call_json(**{"evil\nx.jsonl:9: forged": 1}))
    assert "\n" not in warning and warning.startswith("unknown field 'evil")


def test_a_null_tenant_source_or_direction_is_said_with_the_default_taken():
    obj = call_json(tenant=None, source=None, direction=None)
    assert warnings_of(obj) == [
        "tenant: null taken as 'default'",
        "source: null taken as 'api'",
        "direction: null taken as 'unknown'",
    ]
    assert call_from_json(obj, received_at=RECEIVED)["tenant"] == "default"
    left_out = call_json()
    del left_out["tenant"]
    assert warnings_of(left_out) == []  # leaving it out is the documented way to get the default


def test_each_warning_has_a_kind_to_count_it_by():
    """The ingest API counts warnings by kind: a bounded label, where the text names the sender's keys."""
    obj = call_json(qeue="x", tenant=None, started_at="2025-03-14T09:30:00")
    _, warnings = parse_call(obj, received_at=RECEIVED)
    assert [(w.kind, w) for w in warnings] == [
        ("unknown_field", "unknown field 'qeue' dropped (did you mean 'queue'?)"),
        ("null_default", "tenant: null taken as 'default'"),
        ("naive_time", "started_at: '2025-03-14T09:30:00' has no time zone; taken as UTC"),
    ]


def test_a_null_tenant_takes_the_default_tenant_given():
    record, warnings = parse_call(call_json(tenant=None), received_at=RECEIVED, default_tenant="acme")
    assert record["tenant"] == "acme" and warnings == ["tenant: null taken as 'acme'"]


def test_a_time_without_a_time_zone_is_taken_as_utc_with_a_warning():
    obj = call_json(started_at="2025-03-14T09:30:00", received_at="2025-03-14 12:00:00")
    assert warnings_of(obj) == [
        "started_at: '2025-03-14T09:30:00' has no time zone; taken as UTC",
        "received_at: '2025-03-14 12:00:00' has no time zone; taken as UTC",
    ]
    assert call_from_json(obj)["started_at"] == datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    # a zone, Z or epoch seconds say when: nothing to warn about
    assert warnings_of(call_json(started_at="2025-03-14T12:30:00+03:00", ended_at=1741945890.5)) == []


def test_read_jsonl_carries_the_warnings_of_a_valid_line_only():
    lines = [json.dumps(call_json(qeue="x")), json.dumps(call_json(call_id="", qeue="x"))]
    good, bad = read_jsonl(lines)
    assert good.error is None and good.warnings == ("unknown field 'qeue' dropped (did you mean 'queue'?)",)
    assert bad.record is None and bad.warnings == ()


@pytest.mark.parametrize(
    ("given", "code"),
    [("English", "en"), ("english", "en"), ("en-US", "en"), ("pt_BR", "pt"), ("EN", "en"), ("rus", "ru")],
)
def test_a_language_that_is_no_iso_639_1_code_is_taken_as_its_code_with_a_warning(given, code):
    """BCP 47 tags, locales, names and ISO 639-3 codes pass the contract; each is taken as the
    primary ISO 639-1 code it means (what Whisper takes as a hint), and said."""
    record, warnings = parse_call(call_json(language=given), received_at=RECEIVED)
    assert record["language"] == code
    assert warnings == [
        f"language: {given!r} is not an ISO-639-1 code (did you mean {code!r}?); taken as {code!r}"
    ]
    assert [w.kind for w in warnings] == ["language"]


def test_a_language_with_no_guess_is_kept_as_sent_with_a_warning():
    record, warnings = parse_call(call_json(language="Klingon"), received_at=RECEIVED)
    assert record["language"] == "Klingon"  # detection decides, as before
    assert warnings == [
        "language: 'Klingon' is not an ISO-639-1 code (en, ru, ...); kept as sent, the transcribe stage "
        "detects the language"
    ]


def test_iso_codes_and_no_language_say_nothing():
    for language in ("en", "ru", "yue", None, ""):
        assert warnings_of(call_json(language=language)) == []
    assert call_from_json(call_json(language="  "))["language"] is None  # blank: no hint, as null
