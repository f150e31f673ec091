"""Avro codec for callstream records (fastavro).

Default framing is Avro *single-object encoding* (spec: "Single object encoding"):
``C3 01`` + the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema + the binary body.
No registry is needed: a reader resolves the fingerprint against the schemas it ships
(``schemas/*.avsc`` and older versions under ``schemas/history/``) and reads the body with its own,
current schema, so old readers and new writers interoperate as Avro schema resolution allows.

When a Confluent Schema Registry URL is configured, :class:`RegistryCodec` uses confluent-kafka's
serializers instead (magic byte 0 + 4-byte schema id).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from fastavro import schemaless_reader, schemaless_writer
from fastavro.schema import fingerprint, load_schema, parse_schema, to_parsing_canonical_form
from fastavro.validation import validate

SCHEMA_DIR = Path(__file__).resolve().parent
HISTORY_DIR = SCHEMA_DIR / "history"
MAGIC = b"\xc3\x01"
RECORDS = (
    "CallCompleted",
    "Transcript",
    "FilteredTranscript",
    "CompressedTranscript",
    "CallScore",
    "Alert",
    "DeadLetter",
)


class SchemaError(ValueError):
    """Bytes or a record that do not match callstream's Avro contract."""


class NotSingleObjectError(SchemaError):
    """The bytes do not start with the Avro single-object marker."""


class UnknownSchemaError(SchemaError):
    """The bytes were written with a schema this reader does not know."""


class RecordEncodeError(SchemaError):
    """A record does not conform to its schema."""


@cache
def load(name: str) -> dict[str, Any]:
    """The current parsed schema of record ``name`` (e.g. ``"Transcript"``)."""
    if name not in RECORDS:
        raise KeyError(f"unknown record type {name!r}; known: {', '.join(RECORDS)}")
    return load_schema(SCHEMA_DIR / f"callstream.{name}.avsc", _write_hint=False)


def schema_json(name: str) -> str:
    """The fully expanded schema as JSON text (docs and defaults kept): what a registry stores."""
    return json.dumps(load(name))


def fingerprint_of(schema: dict[str, Any]) -> bytes:
    """CRC-64-AVRO fingerprint of the schema's parsing canonical form, little-endian, 8 bytes.

    fastavro already returns the hex of the little-endian bytes (as Java's SchemaNormalization does).
    """
    return bytes.fromhex(fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO"))


@cache
def _known_writers() -> dict[bytes, tuple[str, dict[str, Any]]]:
    """Fingerprint -> (record name, writer schema) for current and historical schemas."""
    writers: dict[bytes, tuple[str, dict[str, Any]]] = {}
    for name in RECORDS:
        schema = load(name)
        writers[fingerprint_of(schema)] = (name, schema)
    if HISTORY_DIR.is_dir():
        for path in sorted(HISTORY_DIR.glob("*.avsc")):
            schema = parse_schema(json.loads(path.read_text()), _write_hint=False)
            name = schema["name"].rsplit(".", 1)[-1]
            writers[fingerprint_of(schema)] = (name, schema)
    return writers


class Codec(Protocol):
    """What stages, connectors and the sink use to turn records into bytes and back."""

    def encode(self, name: str, record: Mapping[str, Any], topic: str = "") -> bytes: ...

    def decode(self, name: str, data: bytes, topic: str = "") -> dict[str, Any]: ...


class SingleObjectCodec:
    """Avro single-object encoding with writer schemas resolved by fingerprint."""

    def __init__(self, extra_writers: Mapping[bytes, tuple[str, dict[str, Any]]] | None = None) -> None:
        self._writers = dict(_known_writers())
        if extra_writers:
            self._writers.update(extra_writers)
        self._headers = {name: MAGIC + fingerprint_of(load(name)) for name in RECORDS}

    def encode(self, name: str, record: Mapping[str, Any], topic: str = "") -> bytes:
        schema = load(name)
        buf = io.BytesIO()
        buf.write(self._headers[name])
        try:
            schemaless_writer(buf, schema, record, strict_allow_default=True)
        except Exception as exc:  # fastavro's own errors are terse: explain with the validator
            raise RecordEncodeError(
                f"{name} record does not match its schema: {_why(schema, record, exc)}"
            ) from exc
        return buf.getvalue()

    def decode(self, name: str, data: bytes, topic: str = "") -> dict[str, Any]:
        if len(data) < 10 or data[:2] != MAGIC:
            raise NotSingleObjectError(
                f"not an Avro single-object encoded {name}: "
                f"expected marker c301, got {data[:2].hex() or 'no bytes'}"
            )
        fp = data[2:10]
        writer = self._writers.get(fp)
        if writer is None:
            raise UnknownSchemaError(
                f"{name}: writer schema fingerprint {fp[::-1].hex()} is unknown to this reader; "
                "upgrade callstream or add the writer's schema under schemas/history/"
            )
        writer_name, writer_schema = writer
        if writer_name != name:
            raise SchemaError(f"expected a {name} record, got a {writer_name} record")
        try:
            return schemaless_reader(io.BytesIO(data[10:]), writer_schema, load(name))  # type: ignore[return-value]
        except Exception as exc:
            raise SchemaError(f"corrupt {name} body: {type(exc).__name__}: {exc}") from exc


def _missing_fields(schema: Any, value: Any, path: str) -> list[str]:
    """Paths of required fields (no default) absent from ``value``, through nested records/arrays."""
    if not isinstance(schema, dict):
        return []
    if schema.get("type") == "array" and isinstance(value, list):
        return [
            m for i, item in enumerate(value) for m in _missing_fields(schema["items"], item, f"{path}[{i}]")
        ]
    if schema.get("type") != "record" or not isinstance(value, Mapping):
        return []
    missing = []
    for field in schema["fields"]:
        where = f"{path}.{field['name']}"
        if field["name"] not in value:
            if "default" not in field:
                missing.append(where)
        else:
            missing += _missing_fields(field["type"], value[field["name"]], where)
    return missing


def _why(schema: dict[str, Any], record: Mapping[str, Any], exc: Exception) -> str:
    # fastavro's validator reports a missing field by dumping the whole record and schema (PII
    # included) without naming the field: name it ourselves first.
    missing = _missing_fields(schema, record, schema.get("name", "record"))
    if missing:
        return f"missing required field(s): {', '.join(missing)}"
    try:
        validate(record, schema, raise_errors=True, strict=True)
    except Exception as verr:
        return str(verr)
    return f"{type(exc).__name__}: {exc}"


class RegistryCodec:
    """Confluent Schema Registry wire format, through confluent-kafka's Avro serializers.

    Subjects follow the default TopicNameStrategy (``<topic>-value``); schemas are registered on
    first use by the writer.
    """

    def __init__(self, url: str) -> None:
        from confluent_kafka.schema_registry import SchemaRegistryClient
        from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer

        self._client = SchemaRegistryClient({"url": url})
        self._ser = {
            name: AvroSerializer(self._client, schema_json(name), conf={"auto.register.schemas": True})
            for name in RECORDS
        }
        self._de = {name: AvroDeserializer(self._client, schema_json(name)) for name in RECORDS}

    def encode(self, name: str, record: Mapping[str, Any], topic: str = "") -> bytes:
        from confluent_kafka.serialization import MessageField, SerializationContext

        try:
            return self._ser[name](dict(record), SerializationContext(topic, MessageField.VALUE))
        except Exception as exc:
            raise RecordEncodeError(
                f"{name} record does not match its schema: {_why(load(name), record, exc)}"
            ) from exc

    def decode(self, name: str, data: bytes, topic: str = "") -> dict[str, Any]:
        from confluent_kafka.serialization import MessageField, SerializationContext

        if len(data) < 5 or data[0] != 0:
            raise SchemaError(
                f"not Confluent wire format {name}: expected magic byte 00, got {data[:1].hex()}"
            )
        try:
            return self._de[name](data, SerializationContext(topic, MessageField.VALUE))
        except Exception as exc:
            raise UnknownSchemaError(
                f"{name}: cannot resolve schema id {int.from_bytes(data[1:5], 'big')}: {exc}"
            ) from exc


def make_codec(schema_registry_url: str | None = None) -> Codec:
    """The codec the settings ask for."""
    return RegistryCodec(schema_registry_url) if schema_registry_url else SingleObjectCodec()
