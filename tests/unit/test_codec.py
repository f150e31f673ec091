"""schemas.codec: single-object framing, fingerprints, schema evolution, errors, registry wire format."""

from __future__ import annotations

import copy
import io
import json
import re
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastavro import schemaless_reader, schemaless_writer
from fastavro.schema import fingerprint, parse_schema, to_parsing_canonical_form

from schemas import codec
from schemas.codec import (
    MAGIC,
    RECORDS,
    NotSingleObjectError,
    RecordEncodeError,
    RegistryCodec,
    RegistryUnavailableError,
    SchemaError,
    SingleObjectCodec,
    UnknownSchemaError,
    fingerprint_of,
    load,
)
from tests.factories import (
    make_alert,
    make_call_completed,
    make_call_score,
    make_dead_letter,
    make_transcript,
)


def sample(name: str) -> dict[str, Any]:
    """A realistic record of every type the codec knows."""
    score = make_call_score("call-codec")
    return {
        "CallCompleted": lambda: make_call_completed("call-codec"),
        "Transcript": lambda: make_transcript("call-codec"),
        "FilteredTranscript": lambda: score["compressed"]["filtered"],
        "CompressedTranscript": lambda: score["compressed"],
        "CallScore": lambda: score,
        "Alert": lambda: make_alert("call-codec"),
        "DeadLetter": lambda: make_dead_letter(payload=b"\x00\xff\xc3\x01binary\n"),
    }[name]()


# --- an independent CRC-64-AVRO (Avro spec, "Schema Fingerprints") ---------------------------------
_EMPTY64 = 0xC15D213AA4D7A795


def _crc64_table() -> list[int]:
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (_EMPTY64 & -(fp & 1))
        table.append(fp)
    return table


_TABLE = _crc64_table()


def crc64_avro(data: bytes) -> int:
    fp = _EMPTY64
    for byte in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


# --- round trip ---------------------------------------------------------------------------------------


def test_every_record_type_has_a_sample():
    assert set(RECORDS) == {
        "CallCompleted",
        "Transcript",
        "FilteredTranscript",
        "CompressedTranscript",
        "CallScore",
        "Alert",
        "DeadLetter",
    }


@pytest.mark.parametrize("name", RECORDS)
def test_round_trip_every_record_type(name):
    codec_ = SingleObjectCodec()
    record = sample(name)
    original = copy.deepcopy(record)

    data = codec_.encode(name, record)
    decoded = codec_.decode(name, data)

    assert decoded == original
    assert record == original  # encode does not mutate its input


def test_dead_letter_payload_bytes_survive_untouched():
    codec_ = SingleObjectCodec()
    payload = bytes(range(256))
    decoded = codec_.decode("DeadLetter", codec_.encode("DeadLetter", make_dead_letter(payload=payload)))
    assert decoded["payload"] == payload
    assert decoded["key"] == b"call-0001"


def test_timestamps_keep_millisecond_precision_and_drop_micros():
    codec_ = SingleObjectCodec()
    alert = make_alert()
    alert["created_at"] = alert["created_at"].replace(microsecond=123456)
    decoded = codec_.decode("Alert", codec_.encode("Alert", alert))
    assert decoded["created_at"] == alert["created_at"].replace(microsecond=123000)
    assert decoded["created_at"].tzinfo is not None


def test_defaulted_fields_may_be_omitted_when_encoding():
    codec_ = SingleObjectCodec()
    call = make_call_completed()
    for field in ("tenant", "direction", "queue", "language", "crm"):
        del call[field]
    decoded = codec_.decode("CallCompleted", codec_.encode("CallCompleted", call))
    assert decoded["tenant"] == "default"
    assert decoded["direction"] == "unknown"
    assert decoded["queue"] is None
    assert decoded["language"] is None
    assert decoded["crm"] == {}


# --- header and fingerprint -------------------------------------------------------------------------


@pytest.mark.parametrize("name", RECORDS)
def test_header_is_marker_plus_crc64_avro_of_canonical_form(name):
    data = SingleObjectCodec().encode(name, sample(name))
    canonical = to_parsing_canonical_form(load(name))

    assert data[:2] == b"\xc3\x01"
    # The spec: "the 8-byte little-endian CRC-64-AVRO fingerprint of the object's schema".
    assert data[2:10] == struct.pack("<Q", crc64_avro(canonical.encode()))
    # fastavro's fingerprint() is the hex of those little-endian bytes (as Java's SchemaNormalization).
    assert data[2:10] == bytes.fromhex(fingerprint(canonical, "CRC-64-AVRO"))


def test_crc64_avro_matches_the_avro_spec_test_vectors():
    # share/test/data/schema-tests.txt in apache/avro: canonical form -> 64-bit fingerprint.
    assert crc64_avro(b'"null"') == 7195948357588979594
    assert crc64_avro(b'"int"') == 8247732601305521295
    assert fingerprint_of("null") == struct.pack("<Q", 7195948357588979594)


def test_record_types_have_distinct_fingerprints():
    fps = {fingerprint_of(load(name)) for name in RECORDS}
    assert len(fps) == len(RECORDS)


def test_fingerprint_ignores_docs_and_defaults():
    schema = json.loads(json.dumps(load("Alert")))
    schema["doc"] = "something else entirely"
    schema["fields"][0]["doc"] = "changed"
    assert fingerprint_of(parse_schema(schema, _write_hint=False)) == fingerprint_of(load("Alert"))


# --- schema evolution ---------------------------------------------------------------------------------


def _current_call_schema() -> dict[str, Any]:
    return json.loads(json.dumps(load("CallCompleted")))  # a plain, mutable, fully expanded copy


def old_call_schema() -> dict[str, Any]:
    """CallCompleted as an older writer had it: no ``crm`` and no ``language`` (both have defaults)."""
    schema = _current_call_schema()
    schema["fields"] = [f for f in schema["fields"] if f["name"] not in ("crm", "language")]
    return schema


def new_call_schema() -> dict[str, Any]:
    """CallCompleted as a newer writer has it: an extra ``priority`` field with a default."""
    schema = _current_call_schema()
    schema["fields"].append({"name": "priority", "type": "int", "default": 0})
    return schema


def single_object(schema: dict[str, Any], record: dict[str, Any]) -> bytes:
    """Single-object bytes written independently of the codec, with fastavro and the spec's header."""
    parsed = parse_schema(schema, _write_hint=False)
    buf = io.BytesIO()
    buf.write(b"\xc3\x01" + struct.pack("<Q", crc64_avro(to_parsing_canonical_form(parsed).encode())))
    schemaless_writer(buf, parsed, record)
    return buf.getvalue()


def test_evolved_schemas_really_differ_from_current():
    current = fingerprint_of(load("CallCompleted"))
    old = fingerprint_of(parse_schema(old_call_schema(), _write_hint=False))
    new = fingerprint_of(parse_schema(new_call_schema(), _write_hint=False))
    assert len({current, old, new}) == 3


def test_backward_compatible_new_reader_reads_old_writer_bytes():
    old = old_call_schema()
    record = make_call_completed("call-old")
    del record["crm"], record["language"]
    data = single_object(old, record)

    # Unknown until the old writer schema is registered.
    with pytest.raises(UnknownSchemaError):
        SingleObjectCodec().decode("CallCompleted", data)

    reader = SingleObjectCodec(
        extra_writers={data[2:10]: ("CallCompleted", parse_schema(old, _write_hint=False))}
    )
    decoded = reader.decode("CallCompleted", data)

    assert decoded["crm"] == {}  # filled from the reader's defaults
    assert decoded["language"] is None
    assert decoded == {**record, "crm": {}, "language": None}


def test_forward_compatible_old_reader_reads_new_writer_bytes():
    new = new_call_schema()
    record = {**make_call_completed("call-new"), "priority": 7}
    data = single_object(new, record)

    reader = SingleObjectCodec(
        extra_writers={data[2:10]: ("CallCompleted", parse_schema(new, _write_hint=False))}
    )
    decoded = reader.decode("CallCompleted", data)

    assert "priority" not in decoded  # the extra field is skipped, not misread
    assert decoded == make_call_completed("call-new")


def test_forward_compatible_with_extra_field_before_existing_ones():
    """An extra field in the middle of the record: every later field must still be read right."""
    schema = _current_call_schema()
    at = [f["name"] for f in schema["fields"]].index("queue")
    schema["fields"].insert(at, {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []})
    record = {**make_call_completed("call-mid"), "tags": ["vip", "renewal"]}
    data = single_object(schema, record)

    reader = SingleObjectCodec(
        extra_writers={data[2:10]: ("CallCompleted", parse_schema(schema, _write_hint=False))}
    )
    assert reader.decode("CallCompleted", data) == make_call_completed("call-mid")


#: Where each record type holds its Transcript.
TRANSCRIPT_AT = {
    "Transcript": (),
    "FilteredTranscript": ("transcript",),
    "CompressedTranscript": ("filtered", "transcript"),
    "CallScore": ("compressed", "filtered", "transcript"),
}


def _transcript_in(record: dict[str, Any], name: str) -> dict[str, Any]:
    for key in TRANSCRIPT_AT[name]:
        record = record[key]
    return record


#: Transcript fields later than every Transcript in schemas/history but the newest (the recording's
#: doubts; 9514fcf has all but warning_kinds).
TRANSCRIPT_DOUBTS = {"layout": None, "warnings": [], "warning_kinds": []}


def _without_transcript_doubts(record: dict[str, Any], name: str, drop: bool = False) -> None:
    """``record``'s transcript as a writer before TRANSCRIPT_DOUBTS leaves it (each at its default),
    or, with ``drop``, as a reader before them sees it (absent; a CallScore's own warning_kinds too,
    which no schema in schemas/history has either)."""
    transcript = _transcript_in(record, name)
    for key, default in TRANSCRIPT_DOUBTS.items():
        if drop:
            transcript.pop(key, None)
        else:
            transcript[key] = copy.deepcopy(default)
    if drop and name == "CallScore":
        record.pop("warning_kinds", None)


def _before_dropped_segments(name: str) -> dict[str, Any]:
    """The writer schema of ``name`` before Transcript.dropped_segments, as schemas/history ships it."""
    path = codec.HISTORY_DIR / f"callstream.{name}.fc1e46b.avsc"
    return parse_schema(json.loads(path.read_text()), _write_hint=False)


@pytest.mark.parametrize("name", TRANSCRIPT_AT)
def test_records_from_before_dropped_segments_decode_with_the_default(name):
    """Backward: bytes of a writer without Transcript.dropped_segments decode with the current reader
    (no extra writers needed: schemas/history knows them); the field reads as its default, []."""
    old = _before_dropped_segments(name)
    assert fingerprint_of(old) != fingerprint_of(load(name))
    record = sample(name)
    _transcript_in(record, name).pop("dropped_segments", None)
    _without_transcript_doubts(record, name)  # later fields: that writer leaves their defaults
    if name == "CallScore":
        record["rules"]["agent_keyword_hits"] = {}  # a later field: that writer leaves its default
        _without_criterion_facts(record)
    data = single_object(old, record)

    decoded = SingleObjectCodec().decode(name, data)

    assert _transcript_in(decoded, name)["dropped_segments"] == []
    _transcript_in(record, name)["dropped_segments"] = []
    assert decoded == record


@pytest.mark.parametrize("name", TRANSCRIPT_AT)
def test_old_readers_skip_dropped_segments(name):
    """Forward: a reader still on the old schema reads the new bytes and skips the guard-dropped
    segments (an old filter never sees them as dialogue)."""
    record = sample(name)
    transcript = _transcript_in(record, name)
    transcript["dropped_segments"] = [
        {
            **transcript["segments"][0],
            "index": 9,
            "text": "Subscribe!",
            "kept": False,
            "drop_reason": "past_end",
        }
    ]
    data = SingleObjectCodec().encode(name, record)

    old_view = schemaless_reader(
        io.BytesIO(data[10:]), parse_schema(load(name)), _before_dropped_segments(name)
    )

    assert "dropped_segments" not in _transcript_in(old_view, name)
    del transcript["dropped_segments"]
    _without_transcript_doubts(record, name, drop=True)
    record.pop("warnings", None)  # later CallScore fields, which that reader does not know either
    record.pop("warning_kinds", None)
    if "rules" in record:
        record["rules"].pop("agent_keyword_hits", None)
    if "criteria" in record:
        _without_criterion_facts(record, drop=True)
    assert old_view == record


def test_call_scores_from_before_warnings_decode_with_no_warnings():
    """Backward: a CallScore written before ``warnings`` (schemas/history) reads as []; forward: a
    reader on that schema reads the new bytes without it."""
    old = parse_schema(
        json.loads((codec.HISTORY_DIR / "callstream.CallScore.2969b54.avsc").read_text()), _write_hint=False
    )
    record = sample("CallScore")
    record.pop("warnings", None)
    record["rules"]["agent_keyword_hits"] = {}  # a later field, left at its default by that writer
    _without_criterion_facts(record)
    _without_transcript_doubts(record, "CallScore")
    decoded = SingleObjectCodec().decode("CallScore", single_object(old, record))
    assert decoded["warnings"] == [] and decoded == {**record, "warnings": []}
    new = {**record, "warnings": ["transcript cut to fit the model's context"]}
    data = SingleObjectCodec().encode("CallScore", new)
    del record["rules"]["agent_keyword_hits"]
    _without_criterion_facts(record, drop=True)
    _without_transcript_doubts(record, "CallScore", drop=True)
    assert schemaless_reader(io.BytesIO(data[10:]), parse_schema(load("CallScore")), old) == record


def test_call_scores_from_before_agent_keyword_hits_decode_with_none():
    """Backward: a CallScore written before ``rules.agent_keyword_hits`` (schemas/history) reads {};
    forward: a reader on that schema reads the new bytes without it."""
    old = parse_schema(
        json.loads((codec.HISTORY_DIR / "callstream.CallScore.e4c00de.avsc").read_text()), _write_hint=False
    )
    record = sample("CallScore")
    record["rules"].pop("agent_keyword_hits", None)
    _without_criterion_facts(record)  # later fields, left at their defaults by that writer
    _without_transcript_doubts(record, "CallScore")
    decoded = SingleObjectCodec().decode("CallScore", single_object(old, record))
    assert decoded["rules"]["agent_keyword_hits"] == {}
    new = {**record, "rules": {**record["rules"], "agent_keyword_hits": {"apology": 2}}}
    data = SingleObjectCodec().encode("CallScore", new)
    _without_criterion_facts(record, drop=True)
    _without_transcript_doubts(record, "CallScore", drop=True)
    assert schemaless_reader(io.BytesIO(data[10:]), parse_schema(load("CallScore")), old) == record


#: The Criterion fields BI reads a card by (fatal, fatal_failed, rule, role): later than every schema
#: in schemas/history but the newest (d48eea2, which lacks role only).
CRITERION_FACTS = ("fatal", "fatal_failed", "rule", "role")


def _without_criterion_facts(record: dict[str, Any], drop: bool = False) -> None:
    """``record``'s criteria as a writer before CRITERION_FACTS leaves them (each null, the default),
    or, with ``drop``, as a reader before them sees them (absent)."""
    for criterion in record["criteria"]:
        for key in CRITERION_FACTS:
            if drop:
                criterion.pop(key, None)
            else:
                criterion[key] = None


def test_call_scores_from_before_criterion_facts_decode_with_none():
    """Backward: a CallScore written before Criterion.fatal, fatal_failed and rule (schemas/history)
    reads them as null (the sink then guesses, processors/rows.py); forward: a reader on that schema
    reads the new bytes without them."""
    old = parse_schema(
        json.loads((codec.HISTORY_DIR / "callstream.CallScore.4c4f962.avsc").read_text()), _write_hint=False
    )
    assert fingerprint_of(old) != fingerprint_of(load("CallScore"))
    record = sample("CallScore")
    _without_transcript_doubts(record, "CallScore")  # later fields, left at their defaults by that writer
    assert any(c["fatal"] for c in record["criteria"]) and any(c["rule"] for c in record["criteria"])
    old_record = copy.deepcopy(record)
    _without_criterion_facts(old_record, drop=True)
    decoded = SingleObjectCodec().decode("CallScore", single_object(old, old_record))
    assert [{k: c[k] for k in CRITERION_FACTS} for c in decoded["criteria"]] == [
        dict.fromkeys(CRITERION_FACTS) for _ in record["criteria"]
    ]
    _without_criterion_facts(decoded, drop=True)
    assert decoded == old_record
    data = SingleObjectCodec().encode("CallScore", record)
    _without_transcript_doubts(old_record, "CallScore", drop=True)
    assert schemaless_reader(io.BytesIO(data[10:]), parse_schema(load("CallScore")), old) == old_record


def test_call_scores_from_before_criterion_role_decode_with_none():
    """Backward: a CallScore written before Criterion.role (schemas/history, with fatal, fatal_failed
    and rule) reads it as null (the sink then guesses from a packaged card's ids, processors/rows.py);
    forward: a reader on that schema reads the new bytes without it."""
    old = parse_schema(
        json.loads((codec.HISTORY_DIR / "callstream.CallScore.d48eea2.avsc").read_text()), _write_hint=False
    )
    assert fingerprint_of(old) != fingerprint_of(load("CallScore"))
    record = sample("CallScore")
    _without_transcript_doubts(record, "CallScore")  # later fields, left at their defaults by that writer
    assert any(c["role"] for c in record["criteria"])
    old_record = copy.deepcopy(record)
    for criterion in old_record["criteria"]:
        del criterion["role"]
    decoded = SingleObjectCodec().decode("CallScore", single_object(old, old_record))
    assert [c["role"] for c in decoded["criteria"]] == [None] * len(record["criteria"])
    assert decoded == {
        **old_record,
        "criteria": [{**c, "role": None} for c in old_record["criteria"]],
    }
    data = SingleObjectCodec().encode("CallScore", record)
    _without_transcript_doubts(old_record, "CallScore", drop=True)
    assert schemaless_reader(io.BytesIO(data[10:]), parse_schema(load("CallScore")), old) == old_record


#: The newest schema in schemas/history of each record holding a Transcript: the last before
#: Transcript.layout and Transcript.warnings.
BEFORE_TRANSCRIPT_DOUBTS = {
    "Transcript": "4c4f962",
    "FilteredTranscript": "4c4f962",
    "CompressedTranscript": "4c4f962",
    "CallScore": "f8d1fe2",
}


@pytest.mark.parametrize("name", TRANSCRIPT_AT)
def test_records_from_before_transcript_doubts_decode_with_the_defaults(name):
    """Backward: a record written before Transcript.layout and warnings (schemas/history) reads them
    as null (the sink then takes the event's layout) and []; forward: a reader on that schema reads
    the new bytes without them."""
    path = codec.HISTORY_DIR / f"callstream.{name}.{BEFORE_TRANSCRIPT_DOUBTS[name]}.avsc"
    old = parse_schema(json.loads(path.read_text()), _write_hint=False)
    assert fingerprint_of(old) != fingerprint_of(load(name))
    record = sample(name)
    _without_transcript_doubts(record, name, drop=True)
    decoded = SingleObjectCodec().decode(name, single_object(old, record))
    assert {key: _transcript_in(decoded, name)[key] for key in TRANSCRIPT_DOUBTS} == TRANSCRIPT_DOUBTS
    _without_transcript_doubts(decoded, name, drop=True)
    assert decoded == record

    new = copy.deepcopy(record)
    _transcript_in(new, name).update(
        layout="mono",
        warnings=["recording is mono but the event declares stereo: ..."],
        warning_kinds=["mono_declared_stereo"],
    )
    if name == "CallScore":
        new["warning_kinds"] = []
    data = SingleObjectCodec().encode(name, new)
    assert SingleObjectCodec().decode(name, data) == new
    assert schemaless_reader(io.BytesIO(data[10:]), parse_schema(load(name)), old) == record


@pytest.mark.parametrize("name", TRANSCRIPT_AT)
def test_records_from_before_warning_kinds_decode_with_none(name):
    """Backward: a record written before Transcript.warning_kinds (and CallScore.warning_kinds),
    schemas/history's 9514fcf, reads them as [] (the sink pads them with ''); forward: a reader on that
    schema reads the new bytes, warnings and all, without them."""
    path = codec.HISTORY_DIR / f"callstream.{name}.9514fcf.avsc"
    old = parse_schema(json.loads(path.read_text()), _write_hint=False)
    assert fingerprint_of(old) != fingerprint_of(load(name))
    record = sample(name)
    _transcript_in(record, name)["warnings"] = ["recording is mono but the event declares stereo: ..."]
    if name == "CallScore":
        record["warnings"] = ["transcript cut to fit the model's context"]
    old_record = copy.deepcopy(record)
    del _transcript_in(old_record, name)["warning_kinds"]
    old_record.pop("warning_kinds", None)

    decoded = SingleObjectCodec().decode(name, single_object(old, old_record))
    assert _transcript_in(decoded, name)["warning_kinds"] == []
    assert decoded == record  # the sample's kinds are [] as well

    _transcript_in(record, name)["warning_kinds"] = ["mono_declared_stereo"]
    if name == "CallScore":
        record["warning_kinds"] = ["transcript_cut"]
    data = SingleObjectCodec().encode(name, record)
    assert SingleObjectCodec().decode(name, data) == record
    assert schemaless_reader(io.BytesIO(data[10:]), parse_schema(load(name)), old) == old_record


def test_dead_letters_from_before_tenant_decode_with_none():
    """Backward: a DeadLetter written before ``tenant`` (schemas/history) reads None; forward: a reader
    on that schema reads the new bytes without it."""
    old = parse_schema(
        json.loads((codec.HISTORY_DIR / "callstream.DeadLetter.9fe47a6.avsc").read_text()), _write_hint=False
    )
    record = make_dead_letter()
    del record["tenant"]
    decoded = SingleObjectCodec().decode("DeadLetter", single_object(old, record))
    assert decoded == {**record, "tenant": None}
    data = SingleObjectCodec().encode("DeadLetter", {**record, "tenant": "acme"})
    assert schemaless_reader(io.BytesIO(data[10:]), parse_schema(load("DeadLetter")), old) == record


@pytest.fixture
def history_dir(tmp_path, monkeypatch) -> Iterator[Any]:
    """Point codec.HISTORY_DIR at an empty tmp dir; the writer cache is cleared before and after."""
    monkeypatch.setattr(codec, "HISTORY_DIR", tmp_path)
    codec._known_writers.cache_clear()
    yield tmp_path
    monkeypatch.undo()
    codec._known_writers.cache_clear()


def test_history_dir_schemas_are_known_writers(history_dir):
    old = old_call_schema()
    record = make_call_completed("call-hist")
    del record["crm"], record["language"]
    data = single_object(old, record)

    with pytest.raises(UnknownSchemaError):
        SingleObjectCodec().decode("CallCompleted", data)

    (history_dir / "callstream.CallCompleted.v1.avsc").write_text(json.dumps(old))
    codec._known_writers.cache_clear()
    decoded = SingleObjectCodec().decode("CallCompleted", data)

    assert decoded == {**record, "crm": {}, "language": None}


def test_history_cache_restored_after_history_test():
    # Runs after the fixture's teardown in file order: the real writer set holds only current schemas
    # (plus whatever schemas/history ships), and the tmp history schema is gone.
    old_fp = fingerprint_of(parse_schema(old_call_schema(), _write_hint=False))
    assert codec.HISTORY_DIR.name == "history" and codec.HISTORY_DIR.parent == codec.SCHEMA_DIR
    assert old_fp not in codec._known_writers()


# --- errors ---------------------------------------------------------------------------------------------


def test_unknown_fingerprint_is_a_clear_error():
    data = SingleObjectCodec().encode("Alert", make_alert())
    forged = MAGIC + b"\x01\x02\x03\x04\x05\x06\x07\x08" + data[10:]

    with pytest.raises(UnknownSchemaError) as info:
        SingleObjectCodec().decode("Alert", forged)

    message = str(info.value)
    assert "0807060504030201" in message  # the fingerprint, as a big-endian hex number
    assert "unknown" in message
    assert "schemas/history" in message  # says what to do
    assert isinstance(info.value, SchemaError)


@pytest.mark.parametrize(
    "garbage", [b"", b"\xc3", b"hello world, not avro", b"\x00\x00\x00\x00\x01payload", b"\xc3\x01short"]
)
def test_garbage_is_not_single_object(garbage):
    with pytest.raises(NotSingleObjectError) as info:
        SingleObjectCodec().decode("Alert", garbage)
    assert "c301" in str(info.value)


def test_truncated_body_is_schema_error():
    codec_ = SingleObjectCodec()
    data = codec_.encode("CallCompleted", make_call_completed())
    for cut in (11, 20, len(data) // 2, len(data) - 1):
        with pytest.raises(SchemaError, match="corrupt CallCompleted body"):
            codec_.decode("CallCompleted", data[:cut])


def test_wrong_record_type_is_schema_error():
    codec_ = SingleObjectCodec()
    data = codec_.encode("Transcript", make_transcript())
    with pytest.raises(SchemaError, match="expected a CallCompleted record, got a Transcript record"):
        codec_.decode("CallCompleted", data)


def test_missing_required_field_is_named():
    call = make_call_completed()
    del call["source"]
    with pytest.raises(RecordEncodeError) as info:
        SingleObjectCodec().encode("CallCompleted", call)
    message = str(info.value)
    assert "CallCompleted.source" in message
    assert "+1 (415) 555-0134" not in message  # the record (PII) is not dumped into the error


def test_missing_nested_required_field_is_named():
    transcript = make_transcript()
    del transcript["segments"][1]["text"]
    with pytest.raises(RecordEncodeError, match=re.escape("segments[1].text")):
        SingleObjectCodec().encode("Transcript", transcript)


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("started_at", "yesterday", "started_at"),
        ("agent", {"id": 5}, "Agent.id"),
        ("crm", {"deal": 7}, "crm"),
    ],
)
def test_wrong_type_is_named(field, value, named):
    call = make_call_completed()
    call[field] = value
    with pytest.raises(RecordEncodeError) as info:
        SingleObjectCodec().encode("CallCompleted", call)
    assert named in str(info.value)
    assert str(info.value).startswith("CallCompleted record does not match its schema")


# --- Confluent Schema Registry wire format ---------------------------------------------------------------


class FakeRegistry:
    """Just enough of the Schema Registry REST API for confluent-kafka's Avro serde."""

    def __init__(self) -> None:
        self.schemas: dict[int, str] = {}
        self.subjects: dict[str, list[int]] = {}
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def register(self, subject: str, schema: str) -> int:
        with self.lock:
            known = [i for i, text in self.schemas.items() if json.loads(text) == json.loads(schema)]
            sid = known[0] if known else len(self.schemas) + 1
            self.schemas[sid] = self.schemas.get(sid, schema)
            versions = self.subjects.setdefault(subject, [])
            if sid not in versions:
                versions.append(sid)
            return sid

    def handler(self) -> type[BaseHTTPRequestHandler]:
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> dict[str, Any]:
                return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")

            def do_POST(self) -> None:
                path = self.path.split("?", 1)[0]
                registry.requests.append(("POST", path))
                if m := re.fullmatch(r"/subjects/([^/]+)/versions", path):
                    self._reply(200, {"id": registry.register(m[1], self._body()["schema"])})
                elif m := re.fullmatch(r"/subjects/([^/]+)", path):
                    wanted = json.loads(self._body()["schema"])
                    for version, sid in enumerate(registry.subjects.get(m[1], []), start=1):
                        if json.loads(registry.schemas[sid]) == wanted:
                            body = {"subject": m[1], "id": sid, "version": version}
                            self._reply(200, body | {"schema": registry.schemas[sid]})
                            return
                    self._reply(404, {"error_code": 40403, "message": "Schema not found"})
                else:
                    self._reply(404, {"error_code": 404, "message": f"no route {path}"})

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                registry.requests.append(("GET", path))
                if (m := re.fullmatch(r"/schemas/ids/(\d+)", path)) and int(m[1]) in registry.schemas:
                    self._reply(200, {"schema": registry.schemas[int(m[1])]})
                elif re.fullmatch(r"/schemas/ids/(\d+)", path):
                    self._reply(404, {"error_code": 40403, "message": "Schema not found"})
                elif m := re.fullmatch(r"/subjects/([^/]+)/versions/latest", path):
                    versions = registry.subjects.get(m[1])
                    if not versions:
                        self._reply(404, {"error_code": 40401, "message": "Subject not found"})
                    else:
                        sid = versions[-1]
                        body = {"subject": m[1], "id": sid, "version": len(versions)}
                        self._reply(200, body | {"schema": registry.schemas[sid]})
                else:
                    self._reply(404, {"error_code": 404, "message": f"no route {path}"})

        return Handler


@pytest.fixture
def registry() -> Iterator[tuple[str, FakeRegistry]]:
    fake = FakeRegistry()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("name", ["CallCompleted", "CallScore", "DeadLetter"])
def test_registry_codec_wire_format_and_round_trip(registry, name):
    url, fake = registry
    codec_ = RegistryCodec(url)
    record = sample(name)

    data = codec_.encode(name, record, topic="calls.test")

    assert data[0] == 0
    schema_id = int.from_bytes(data[1:5], "big")
    assert schema_id in fake.schemas
    assert fake.subjects == {"calls.test-value": [schema_id]}  # TopicNameStrategy
    assert json.loads(fake.schemas[schema_id]) == json.loads(codec.schema_json(name))

    # A fresh codec (no client cache) must fetch the schema by id from the registry.
    decoded = RegistryCodec(url).decode(name, data, topic="calls.test")
    assert decoded == record
    assert ("GET", f"/schemas/ids/{schema_id}") in fake.requests


def test_registry_codec_reuses_the_id_for_the_same_schema(registry):
    url, fake = registry
    codec_ = RegistryCodec(url)
    first = codec_.encode("Alert", make_alert("a"), topic="calls.alerts")
    second = RegistryCodec(url).encode("Alert", make_alert("b"), topic="calls.alerts")
    assert first[:5] == second[:5]
    assert len(fake.schemas) == 1


@pytest.mark.parametrize("data", [b"\xc3\x01" + b"\x00" * 20, b"\x01\x00\x00\x00\x01xx", b"\x00\x00", b""])
def test_registry_codec_rejects_bytes_without_magic_zero(registry, data):
    url, _ = registry
    with pytest.raises(SchemaError, match="not Confluent wire format"):
        RegistryCodec(url).decode("Alert", data, topic="calls.alerts")


def test_registry_codec_unknown_schema_id(registry):
    url, _ = registry
    data = b"\x00" + (4242).to_bytes(4, "big") + b"\x02x"
    with pytest.raises(UnknownSchemaError, match="4242"):
        RegistryCodec(url).decode("Alert", data, topic="calls.alerts")


def test_registry_codec_invalid_record_names_field(registry):
    url, _ = registry
    alert = make_alert()
    del alert["severity"]
    with pytest.raises(RecordEncodeError, match=re.escape("Alert.severity")):
        RegistryCodec(url).encode("Alert", alert, topic="calls.alerts")


# --- registry outages are transient, not bad data ---------------------------------------------------------

#: No client-side retries: each outage test answers at once.
NO_RETRIES = {"max.retries": 0}


@pytest.fixture
def registry_503() -> Iterator[str]:
    """A registry that answers every request with 503 Service Unavailable."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _unavailable(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            data = b'{"error_code": 50301, "message": "overloaded"}'
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _unavailable

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _wire(schema_id: int = 1) -> bytes:
    return b"\x00" + schema_id.to_bytes(4, "big") + b"\x02x"


def test_registry_refusing_connections_is_a_connection_error():
    codec_ = RegistryCodec("http://127.0.0.1:1", NO_RETRIES)
    with pytest.raises(RegistryUnavailableError, match="ConnectError") as enc:
        codec_.encode("DeadLetter", make_dead_letter(), topic="calls.dlq")
    with pytest.raises(RegistryUnavailableError) as dec:
        codec_.decode("Alert", _wire(), topic="calls.alerts")
    for info in (enc, dec):
        assert isinstance(info.value, ConnectionError) and not isinstance(info.value, SchemaError)


def test_registry_answering_503_is_a_connection_error(registry_503):
    codec_ = RegistryCodec(registry_503, NO_RETRIES)
    with pytest.raises(RegistryUnavailableError, match="503"):
        codec_.encode("Alert", make_alert(), topic="calls.alerts")
    with pytest.raises(RegistryUnavailableError, match="503"):
        codec_.decode("Alert", _wire(), topic="calls.alerts")


def test_registry_4xx_and_bad_records_stay_schema_errors(registry):
    url, _ = registry
    with pytest.raises(UnknownSchemaError) as info:  # 404: unknown schema id
        RegistryCodec(url).decode("Alert", _wire(4242), topic="calls.alerts")
    assert not isinstance(info.value, ConnectionError)
    alert = make_alert()
    del alert["severity"]
    with pytest.raises(RecordEncodeError) as info2:
        RegistryCodec(url).encode("Alert", alert, topic="calls.alerts")
    assert not isinstance(info2.value, ConnectionError)
