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
import os
import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlsplit

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


class RegistryUnavailableError(ConnectionError):
    """The Schema Registry could not be reached or answered with a server error: a property of the
    registry, not of the record, so it is a ``ConnectionError`` (the stage runner retries those)."""


#: HTTP statuses of a registry that may answer differently on the next try (as confluent-kafka's own
#: ``is_retriable``); any other 4xx is a verdict on the request (unknown id, incompatible schema).
_REGISTRY_RETRY_STATUSES = frozenset({408, 429})


def _transport_errors() -> tuple[type[BaseException], ...]:
    """The HTTP client's network-level error classes (httpx2 or httpx, whichever confluent-kafka uses)."""
    try:
        from confluent_kafka.schema_registry.common._httpx_compat import httpx
    except ImportError:  # older confluent-kafka: plain httpx
        try:
            import httpx
        except ImportError:
            return ()
    return (httpx.TransportError,)


def _registry_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or an exception it wraps) says the registry is down rather than the data bad."""
    transport = (ConnectionError, TimeoutError, *_transport_errors())
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, transport):
            return True
        status = getattr(cur, "http_status_code", None)  # confluent-kafka's SchemaRegistryError
        if isinstance(status, int) and (status >= 500 or status in _REGISTRY_RETRY_STATUSES):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


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
def _fast(name: str) -> dict[str, Any]:
    """The current schema of ``name`` parsed with fastavro's parse hint, so that fastavro does not
    parse it again on every read and write (the hot path of every stage); :func:`load` stays free of
    fastavro's private keys for :func:`schema_json` and fingerprints."""
    return parse_schema(load(name))


def _fast_writer(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with fastavro's parse hint; the very object :func:`_fast` returns when ``schema``
    is the current one (reading then needs no schema resolution)."""
    if name in RECORDS and schema is load(name):
        return _fast(name)
    return parse_schema(schema)


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


class Embedded(NamedTuple):
    """A decoded record together with its Avro body in the current schema (see
    :meth:`SingleObjectCodec.decode_embeddable`). A record that carries it unchanged, as each
    stage's output carries its input (docs/decisions/0003), is encoded by copying these bytes
    instead of encoding the whole history again."""

    name: str
    body: bytes
    record: Mapping[str, Any]


class Codec(Protocol):
    """What stages, connectors and the sink use to turn records into bytes and back."""

    def encode(
        self, name: str, record: Mapping[str, Any], topic: str = "", embedded: Embedded | None = None
    ) -> bytes: ...

    def decode(self, name: str, data: bytes, topic: str = "") -> dict[str, Any]: ...

    def decode_embeddable(
        self, name: str, data: bytes, topic: str = ""
    ) -> tuple[dict[str, Any], Embedded | None]: ...


#: Stands in for an embedded record while the rest of the outer record is encoded: 16 random bytes,
#: replaced by the embedded record's body (only when they occur exactly once in the output).
_SPLICE_MARKER = os.urandom(16)


class _Splice(NamedTuple):
    field: str
    names: frozenset[str]
    #: The outer schema with ``field`` typed as a 16-byte fixed (holding the marker).
    schema: dict[str, Any]


def _named_types(schema: Any) -> set[str]:
    """Full names of the named types defined (not merely referenced) inside ``schema``."""
    found: set[str] = set()
    if isinstance(schema, list):
        for branch in schema:
            found |= _named_types(branch)
    elif isinstance(schema, dict):
        kind = schema.get("type")
        if kind in ("record", "error", "enum", "fixed") and "name" in schema:
            found.add(schema["name"])
        if kind in ("record", "error"):
            for field in schema.get("fields", ()):
                found |= _named_types(field["type"])
        elif kind == "array":
            found |= _named_types(schema.get("items"))
        elif kind == "map":
            found |= _named_types(schema.get("values"))
        elif isinstance(kind, dict | list):
            found |= _named_types(kind)
    return found


@cache
def _splice_plan(outer: str, inner: str) -> _Splice | None:
    """How to encode an ``outer`` record around an unchanged ``inner`` one: the field of ``outer``
    whose type is exactly the ``inner`` record (not a union), or None when there is no such field."""
    schema = load(outer)
    wanted = f"callstream.{inner}"
    fields = [f for f in schema["fields"] if isinstance(f["type"], dict) and f["type"].get("name") == wanted]
    if len(fields) != 1:
        return None
    field = fields[0]
    marker = {"type": "fixed", "name": "callstream._EmbeddedRecordBody", "size": len(_SPLICE_MARKER)}
    stub = {**schema, "fields": [{**f, "type": marker} if f is field else f for f in schema["fields"]]}
    # Named types defined inside the replaced field may be referenced by later fields: give them to
    # the parser, except those the stub defines itself.
    named: dict[str, Any] = {}
    parse_schema(schema, named_schemas=named)
    defined = _named_types(stub)
    known = {name: named[name] for name in _named_types(field["type"]) - defined}
    return _Splice(
        field["name"], frozenset(f["name"] for f in schema["fields"]), parse_schema(stub, named_schemas=known)
    )


class _Spliced(NamedTuple):
    """How :meth:`SingleObjectCodec.encode` wrote a record around an embedded one's bytes: enough to
    read those bytes back without decoding the embedded record again."""

    plan: _Splice
    #: The outer record's encoding with the marker where the embedded record's body went.
    stub: bytes
    #: The embedded record, decoded from the body that was spliced in.
    inner: Mapping[str, Any]


#: Spliced encodings a codec remembers (the newest): in one process the next stage decodes what this
#: one sent, and reading it back from the stub skips ~0.3 ms of decoding the call's history per hop.
#: Up to ~60 KiB each (the bytes, and the decoded history that consecutive hops share): ~30 MiB. The
#: bench's 400-call burst ran two stages up to ~300 records apart (256 entries: half missed); a miss
#: only costs the full decode.
SPLICED_KEEP = 512


class SingleObjectCodec:
    """Avro single-object encoding with writer schemas resolved by fingerprint."""

    def __init__(self, extra_writers: Mapping[bytes, tuple[str, dict[str, Any]]] | None = None) -> None:
        self._writers = dict(_known_writers())
        if extra_writers:
            self._writers.update(extra_writers)
        # The same writers, parsed once with fastavro's hint (reading does not parse them again).
        self._fast_writers = {
            fp: (name, _fast_writer(name, schema)) for fp, (name, schema) in self._writers.items()
        }
        self._headers = {name: MAGIC + fingerprint_of(load(name)) for name in RECORDS}
        self._spliced: dict[bytes, _Spliced] = {}
        self._spliced_lock = threading.Lock()  # stages may encode and decode from several threads

    def encode(
        self, name: str, record: Mapping[str, Any], topic: str = "", embedded: Embedded | None = None
    ) -> bytes:
        """``record`` as single-object bytes. With ``embedded`` (a record this codec decoded), a
        field of ``record`` holding that record unchanged is written as the bytes it was read from:
        the output is the same, without encoding the whole history again."""
        if embedded is not None:
            data = self._encode_around(name, record, embedded)
            if data is not None:
                return data
        buf = io.BytesIO()
        buf.write(self._headers[name])
        try:
            schemaless_writer(buf, _fast(name), record, strict_allow_default=True)
        except Exception as exc:  # fastavro's own errors are terse: explain with the validator
            schema = load(name)
            raise RecordEncodeError(
                f"{name} record does not match its schema: {_why(schema, record, exc)}"
            ) from exc
        return buf.getvalue()

    def _encode_around(self, name: str, record: Mapping[str, Any], embedded: Embedded) -> bytes | None:
        """The splice of :meth:`encode`, or None when it does not apply (then the record is encoded
        in full, which also reports any error)."""
        plan = _splice_plan(name, embedded.name)
        if plan is None or not isinstance(record, Mapping) or not plan.names.issuperset(record):
            return None
        inner = record.get(plan.field)
        if inner is not embedded.record and inner != embedded.record:
            return None  # changed (or absent): its old bytes do not describe it
        buf = io.BytesIO()
        buf.write(self._headers[name])
        try:
            schemaless_writer(
                buf, plan.schema, {**record, plan.field: _SPLICE_MARKER}, strict_allow_default=True
            )
        except Exception:
            return None
        out = buf.getvalue()
        at = out.find(_SPLICE_MARKER)
        if at < 0 or out.find(_SPLICE_MARKER, at + 1) >= 0:
            return None
        data = out[:at] + embedded.body + out[at + len(_SPLICE_MARKER) :]
        with self._spliced_lock:
            self._spliced[data] = _Spliced(plan, out, embedded.record)
            while len(self._spliced) > SPLICED_KEEP:
                del self._spliced[next(iter(self._spliced))]
        return data

    def decode(self, name: str, data: bytes, topic: str = "") -> dict[str, Any]:
        return self._decode(name, data)[0]

    def decode_embeddable(
        self, name: str, data: bytes, topic: str = ""
    ) -> tuple[dict[str, Any], Embedded | None]:
        """:meth:`decode`, plus the record's body for :meth:`encode` to reuse when it was written with
        the current schema (otherwise None: the output is encoded in full)."""
        record, current = self._decode(name, data)
        if not current:
            return record, None
        return record, Embedded(name, bytes(data[10:]), record)

    def _decode(self, name: str, data: bytes) -> tuple[dict[str, Any], bool]:
        """(record, written with the current schema); bytes after the record are a corrupt body."""
        if len(data) < 10 or data[:2] != MAGIC:
            raise NotSingleObjectError(
                f"not an Avro single-object encoded {name}: "
                f"expected marker c301, got {data[:2].hex() or 'no bytes'}"
            )
        fp = data[2:10]
        writer = self._fast_writers.get(fp)
        if writer is None:
            raise UnknownSchemaError(
                f"{name}: writer schema fingerprint {fp[::-1].hex()} is unknown to this reader; "
                "upgrade callstream or add the writer's schema under schemas/history/"
            )
        writer_name, writer_schema = writer
        if writer_name != name:
            raise SchemaError(f"expected a {name} record, got a {writer_name} record")
        reader_schema = _fast(name)
        current = writer_schema is reader_schema
        if current and type(data) is bytes:
            spliced = self._spliced.get(data)
            if spliced is not None:
                record = self._read_spliced(spliced)
                if record is not None:
                    return record, True
        body = io.BytesIO(data[10:])
        try:
            record = schemaless_reader(body, writer_schema, None if current else reader_schema)
        except Exception as exc:
            raise SchemaError(f"corrupt {name} body: {type(exc).__name__}: {exc}") from exc
        if (extra := len(data) - 10 - body.tell()) > 0:  # a record ends where its schema says: corruption
            raise SchemaError(f"corrupt {name} body: {extra} bytes after the record")
        return record, current

    @staticmethod
    def _read_spliced(spliced: _Spliced) -> dict[str, Any] | None:
        """The record of bytes :meth:`encode` spliced: the outer fields read from the stub, the
        embedded record as it was decoded (what reading its body again gives; processors never
        modify their input). None when the stub does not read back with the marker in place."""
        try:
            record = schemaless_reader(io.BytesIO(spliced.stub[10:]), spliced.plan.schema, None)
        except Exception:
            return None
        if not isinstance(record, dict) or record.get(spliced.plan.field) != _SPLICE_MARKER:
            return None
        record[spliced.plan.field] = spliced.inner
        return record


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

    def __init__(self, url: str, client_conf: Mapping[str, Any] | None = None) -> None:
        """``client_conf``: extra SchemaRegistryClient settings (e.g. ``max.retries``, ``timeout``)."""
        from confluent_kafka.schema_registry import SchemaRegistryClient
        from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer

        self._client = SchemaRegistryClient({**(client_conf or {}), "url": url})
        # How errors name the registry: as `callstream config` shows its URL (its user:password@,
        # path and query hidden).
        from streams.settings import redact

        self._shown = f"schema registry {redact('schema_registry_url', url)}"
        password = urlsplit(url).password
        self._hidden = (url, password) if password else (url,)
        self._ser = {
            name: AvroSerializer(self._client, schema_json(name), conf={"auto.register.schemas": True})
            for name in RECORDS
        }
        self._de = {name: AvroDeserializer(self._client, schema_json(name)) for name in RECORDS}

    def encode(
        self, name: str, record: Mapping[str, Any], topic: str = "", embedded: Embedded | None = None
    ) -> bytes:
        from confluent_kafka.serialization import MessageField, SerializationContext

        try:
            return self._ser[name](dict(record), SerializationContext(topic, MessageField.VALUE))
        except Exception as exc:
            if _registry_unavailable(exc):
                raise RegistryUnavailableError(
                    f"{self._shown} unavailable encoding {name}: {self._hide(exc)}"
                ) from exc
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
            if _registry_unavailable(exc):
                raise RegistryUnavailableError(
                    f"{self._shown} unavailable decoding {name}: {self._hide(exc)}"
                ) from exc
            raise UnknownSchemaError(
                f"{name}: cannot resolve schema id {int.from_bytes(data[1:5], 'big')}: {exc}"
            ) from exc

    def _hide(self, exc: BaseException) -> str:
        """``exc`` as ``Class: text``, without the registry URL's credentials should it name them."""
        from streams.settings import without_secrets

        return without_secrets(f"{type(exc).__name__}: {exc}", self._hidden)

    def decode_embeddable(
        self, name: str, data: bytes, topic: str = ""
    ) -> tuple[dict[str, Any], Embedded | None]:
        """:meth:`decode`; the registry's serializer always encodes in full (no :class:`Embedded`)."""
        return self.decode(name, data, topic), None


def make_codec(schema_registry_url: str | None = None) -> Codec:
    """The codec the settings ask for."""
    return RegistryCodec(schema_registry_url) if schema_registry_url else SingleObjectCodec()
