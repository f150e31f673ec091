"""CallCompleted from JSON: the shape integrators push (``callstream publish``, the demo, webhooks).

JSON uses ISO-8601 timestamps and a plain customer number; this module turns it into the Avro
record, hashing the number so joins never need the raw value (keyed with
``CALLSTREAM_CUSTOMER_HASH_KEY`` when set: :func:`hash_number`), and reports every problem with its
field path.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from schemas.validation import InvalidCall, call_problems
from streams.table import escape_controls

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SAMPLE_CALLS = SAMPLES_DIR / "calls.jsonl"
STEREO_DEFAULT = {"0": "agent", "1": "customer"}
_SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "callstream.CallCompleted.avsc"


#: CALLSTREAM_CUSTOMER_HASH_KEY as bytes, once a command has loaded its settings
#: (:func:`use_number_hash_key`); None: plain SHA-256.
_number_hash_key: bytes | None = None


def use_number_hash_key(key: str | None) -> None:
    """Hash customer numbers with ``key`` (HMAC-SHA256) from now on in this process; None: plain
    SHA-256. Every command that makes CallCompleted events (publish, import, ingest, connect, demo)
    sets it from ``CALLSTREAM_CUSTOMER_HASH_KEY`` when it loads its settings."""
    global _number_hash_key
    _number_hash_key = key.strip().encode() if key and key.strip() else None


def hash_number(number: str, key: bytes | None = None) -> str:
    """Hex digest of the digits of a phone number (with a leading + when E.164): HMAC-SHA256 with
    ``key`` (default: the one :func:`use_number_hash_key` set), else plain SHA-256.

    Plain SHA-256 hides nothing from whoever holds the hash: there are only about 10^10 numbers
    in a country's plan, and hashing them all takes hours on one CPU core (an area code: seconds).
    Only the keyed hash keeps the number from anyone without the key; it stays joinable, since one
    number gets one hash for as long as the key stays the same."""
    digits = re.sub(r"\D", "", number)
    data = f"+{digits}".encode()
    key = key if key is not None else _number_hash_key
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _timestamp(
    obj: Mapping[str, Any], field: str, problems: list[str], required: bool = True
) -> datetime | None:
    value = obj.get(field)
    if value is None:
        if required:
            problems.append(f"{field}: required" + _misspelt(obj, field, SCHEMA_FIELDS))
        return None
    try:
        if isinstance(value, int | float):
            ts = datetime.fromtimestamp(value, UTC)
        else:
            ts = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, TypeError, OverflowError):
        problems.append(f"{field}: not an ISO-8601 timestamp or epoch seconds: {value!r}")
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def _str_map(obj: Mapping[str, Any], field: str, problems: list[str]) -> dict[str, str]:
    value = obj.get(field) or {}
    if not isinstance(value, Mapping):
        problems.append(f"{field}: must be an object")
        return {}
    out = {}
    for key, item in value.items():
        if item is None:  # an absent vendor field: kept as an empty value
            item = ""
        if isinstance(item, bool | int | float) and not isinstance(item, str):
            item = str(item)  # CRM exports are loose about numbers: keep their text
        if not isinstance(item, str):
            # the key is the sender's text: printed escaped, as a control character in it would
            # forge a line where the problem is logged or printed
            name = escape_controls(str(key))
            problems.append(f"{field}.{name}: must be a string, number or null, got {type(item).__name__}")
            continue
        out[str(key)] = item
    return out


def _opt_str(value: Any, field: str, problems: list[str]) -> str | None:
    """An optional string: None stays None; any other non-string is a problem, not a later encode error."""
    if value is None or isinstance(value, str):
        return value
    problems.append(f"{field}: must be a string or null, got {type(value).__name__}")
    return None


def _record_fields(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Field name -> None for a plain field, or the nested record's own fields; maps (``crm``,
    ``audio.channels``) are free-form, so their keys are never checked."""
    fields: dict[str, Any] = {}
    for field in schema["fields"]:
        kind = field["type"]
        nested = isinstance(kind, dict) and kind["type"] == "record"
        fields[field["name"]] = _record_fields(kind) if nested else None
    return fields


#: The CallCompleted schema's field names, nested records included: what an unknown field is checked
#: against (read from the schema file, so a new field is never called unknown).
SCHEMA_FIELDS = _record_fields(json.loads(_SCHEMA.read_text()))
#: Fields the Avro record requires but JSON may leave out or send as null: the default they get.
_NULL_DEFAULTS = {"tenant": "default", "source": "api", "direction": "unknown"}


def _did_you_mean(name: str, fields: Mapping[str, Any]) -> str | None:
    """The schema field an unknown ``name`` is most likely a misspelling of, or None: one guess for
    both what is dropped (``qeue``) and what is then missing (``cal_id`` for ``call_id``)."""
    close = difflib.get_close_matches(name, list(fields), n=1)
    return close[0] if close else None


class CallWarning(str):
    """One of :func:`call_warnings`: its text, and its ``kind`` (``unknown_field``, ``null_default``,
    ``naive_time``, ``language``; the ingest API's ``repeated_id``), a bounded label for counting them
    (the ingest API's ``callstream_ingest_warnings_total``) where the text names the sender's fields."""

    kind: str
    #: What is wrong, without what was done about it ("taken as 'en'", "dropped"): the text of a line
    #: ``publish --strict`` refuses, where nothing was taken or dropped.
    refusal: str

    def __new__(cls, text: str, kind: str, refusal: str | None = None) -> CallWarning:
        warning = super().__new__(cls, text)
        warning.kind = kind
        warning.refusal = refusal if refusal is not None else text
        return warning


def _unknown_fields(
    obj: Mapping[str, Any], fields: Mapping[str, Any], prefix: str = ""
) -> Iterator[CallWarning]:
    for key, value in obj.items():
        name = str(key)
        if name not in fields:
            # the key is the sender's text: escaped, as a control character would forge a line
            shown = escape_controls(prefix + name)
            close = _did_you_mean(name, fields)
            hint = f" (did you mean '{prefix}{close}'?)" if close else ""
            yield CallWarning(
                f"unknown field '{shown}' dropped{hint}", "unknown_field", f"unknown field '{shown}'{hint}"
            )
        elif fields[name] is not None and isinstance(value, Mapping):
            yield from _unknown_fields(value, fields[name], f"{prefix}{name}.")


def _misspelt(obj: Any, field: str, fields: Mapping[str, Any], prefix: str = "") -> str:
    """`` (found 'cal_id': did you mean 'call_id'?)`` when ``obj`` lacks the required ``field`` but
    has an unknown key that :func:`_did_you_mean` takes for it, else "": a misspelt required field
    is refused as missing, and the refusal alone would not say which key was meant."""
    if not isinstance(obj, Mapping) or field in obj:
        return ""
    for key in obj:
        name = str(key)
        if name not in fields and _did_you_mean(name, fields) == field:
            shown = escape_controls(prefix + name)
            return f" (found '{shown}': did you mean '{prefix}{field}'?)"
    return ""


#: Every ISO 639-1 code: what ``language`` holds (the transcribe stage's Whisper hint), plus the
#: codes Whisper takes beyond it (Hawaiian, Cantonese).
_ISO_639_1_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de "
    "dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id "
    "ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu "
    "lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu "
    "rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr "
    "ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"
)
ISO_639_1 = frozenset(_ISO_639_1_CODES.split()) | {"haw", "yue"}


def language_code(value: str) -> str | None:
    """The ISO 639-1 code a ``language`` that is not one means, or None when there is no good guess:
    the primary subtag of a BCP 47 tag or POSIX locale (``en-US``, ``pt_BR``, ``EN``), an English
    language name (``English``) or an ISO 639-2/3 code (``rus``)."""
    primary = re.split(r"[-_.@\s]", value.strip().lower(), maxsplit=1)[0]
    if primary in ISO_639_1:
        return primary
    if not primary.isalpha() or len(primary) < 3:
        return None
    from lingua import IsoCode639_3, Language  # cheap to import; its models load only on detection

    try:
        if len(primary) == 3:
            language = Language.from_iso_code_639_3(IsoCode639_3.from_str(primary))
        else:
            language = Language.from_str(value.strip())
    except ValueError:
        return None
    code = language.iso_code_639_1.name.lower()
    return code if code in ISO_639_1 else None


def _language(value: str | None) -> str | None:
    """What ``language`` is published as: an ISO 639-1 code as sent, the code :func:`language_code`
    finds for anything else (``en-US`` -> ``en``; :func:`call_warnings` says so), else as sent
    (detection decides)."""
    if not value or not value.strip():  # blank: no hint, as null
        return None
    if value in ISO_639_1:
        return value
    return language_code(value) or value


def _language_warning(value: Any) -> CallWarning | None:
    if not isinstance(value, str) or not value.strip() or value in ISO_639_1:
        return None
    shown = escape_controls(value)
    code = language_code(value)
    if code is None:
        refusal = f"language: {shown!r} is not an ISO-639-1 code (en, ru, ...)"
        return CallWarning(
            f"{refusal}; kept as sent, the transcribe stage detects the language", "language", refusal
        )
    refusal = f"language: {shown!r} is not an ISO-639-1 code (did you mean {code!r}?)"
    return CallWarning(f"{refusal}; taken as {code!r}", "language", refusal)


def call_warnings(obj: Mapping[str, Any], default_tenant: str = "default") -> list[CallWarning]:
    """What of the JSON ``obj`` is accepted but doubtful: a field the schema does not have (dropped;
    a misspelt optional one such as ``qeue`` would otherwise vanish unseen), null where a default is
    taken, a time without a time zone (taken as UTC), a ``language`` that is no ISO 639-1 code (``en-US``,
    ``English``: taken as ``en``). Accepted so that producers never break and newer senders stay
    compatible, but said, by ``publish`` and the ingest API alike."""
    warnings = list(_unknown_fields(obj, SCHEMA_FIELDS))
    for field, default in {**_NULL_DEFAULTS, "tenant": default_tenant}.items():
        if field in obj and obj[field] is None:
            warnings.append(
                CallWarning(
                    f"{field}: null taken as '{default}'", "null_default", f"{field}: null (send a string)"
                )
            )
    for field in ("started_at", "ended_at", "received_at"):
        value = obj.get(field)
        if not isinstance(value, str):  # epoch seconds are UTC by definition
            continue
        try:
            naive = datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is None
        except ValueError:  # a problem, reported as such
            continue
        if naive:
            naive_said = f"{field}: {value!r} has no time zone"
            warnings.append(
                CallWarning(f"{naive_said}; taken as UTC", "naive_time", f"{naive_said} (add Z or +03:00)")
            )
    if (doubt := _language_warning(obj.get("language"))) is not None:
        warnings.append(doubt)
    return warnings


def call_from_json(obj: Any, received_at: datetime | None = None) -> dict[str, Any]:
    """A CallCompleted record from its JSON form; raises :class:`InvalidCall` listing every problem."""
    return parse_call(obj, received_at)[0]


def parse_call(
    obj: Any, received_at: datetime | None = None, default_tenant: str = "default"
) -> tuple[dict[str, Any], list[CallWarning]]:
    """A CallCompleted record from its JSON form and its :func:`call_warnings`; raises
    :class:`InvalidCall` listing every problem. ``default_tenant``: the tenant of a call that leaves
    it out or sends null (the ingest API: the token's)."""
    if not isinstance(obj, Mapping):
        raise InvalidCall([f"expected a JSON object, got {type(obj).__name__}"])
    problems: list[str] = []
    for field in ("call_id", "recording_uri"):
        if not isinstance(obj.get(field), str):
            problems.append(f"{field}: required string" + _misspelt(obj, field, SCHEMA_FIELDS))
    agent = obj.get("agent")
    if agent is not None and not isinstance(agent, Mapping):  # "agent": "Anna": say what it must be
        problems.append(f'agent: must be an object {{"id": ..., "name": ...}}, got {type(agent).__name__}')
        agent = {}
    elif (
        not isinstance(agent, Mapping)
        or not isinstance(agent.get("id"), str | int)
        or isinstance(agent["id"], bool)
    ):
        # no agent at all: a misspelt "agnt"; an agent without an id: a misspelt "agent.idd"
        hint = (
            _misspelt(agent, "id", SCHEMA_FIELDS["agent"], "agent.")
            if isinstance(agent, Mapping)
            else _misspelt(obj, "agent", SCHEMA_FIELDS)
        )
        problems.append("agent.id: required string (an extension number is accepted too)" + hint)
        agent = {}
    customer = obj.get("customer") or {}
    if not isinstance(customer, Mapping):
        problems.append("customer: must be an object")
        customer = {}
    number = _opt_str(customer.get("number"), "customer.number", problems)
    audio = obj.get("audio") or {}
    if not isinstance(audio, Mapping):
        problems.append("audio: must be an object")
        audio = {}
    layout = audio.get("layout", "stereo")
    channels = _str_map(audio, "channels", problems) or (STEREO_DEFAULT if layout == "stereo" else {})
    record = {
        "call_id": str(obj.get("call_id", "")),
        "tenant": _opt_str(obj.get("tenant"), "tenant", problems) or default_tenant,
        "source": _opt_str(obj.get("source"), "source", problems) or "api",
        "direction": _opt_str(obj.get("direction"), "direction", problems) or "unknown",
        "started_at": _timestamp(obj, "started_at", problems),
        "ended_at": _timestamp(obj, "ended_at", problems),
        "agent": {
            "id": str(agent.get("id", "")),
            "name": _opt_str(agent.get("name"), "agent.name", problems),
        },
        "customer": {
            "number": number or None,
            "number_hash": _opt_str(customer.get("number_hash"), "customer.number_hash", problems)
            or (hash_number(number) if number else None),
        },
        "queue": _opt_str(obj.get("queue"), "queue", problems),
        "recording_uri": str(obj.get("recording_uri", "")),
        "audio": {"layout": layout, "channels": channels},
        "language": _language(_opt_str(obj.get("language"), "language", problems)),
        "crm": _str_map(obj, "crm", problems),
        "received_at": _timestamp(obj, "received_at", problems, required=False)
        or received_at
        or datetime.now(UTC),
    }
    # a field already reported (wrong type, missing) is not reported again as the contract's
    # consequence ("recording_uri: required string; recording_uri: must not be empty")
    reported = {problem.split(":", 1)[0] for problem in problems}
    problems += [problem for problem in call_problems(record) if problem.split(":", 1)[0] not in reported]
    try:  # a lone UTF-16 surrogate ("\ud83d": an emoji cut in half) cannot be encoded downstream
        json.dumps(record, default=str, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        problems.append(f"text that is not valid Unicode ({exc.reason}: {exc.object[exc.start : exc.end]!r})")
    if problems:
        raise InvalidCall(problems)
    return record, call_warnings(obj, default_tenant)


@dataclass(frozen=True)
class ParsedLine:
    """One line of a JSON-lines file: the record, or why it is bad."""

    lineno: int
    raw: str
    record: dict[str, Any] | None
    error: str | None
    #: The line's bytes as read, when read as bytes: what the dead letter carries.
    data: bytes | None = None
    #: What is accepted but doubtful in a valid line (:func:`call_warnings`).
    warnings: tuple[CallWarning, ...] = ()

    @property
    def payload(self) -> bytes:
        return self.data if self.data is not None else self.raw.encode("utf-8", errors="surrogateescape")

    @property
    def call_id(self) -> str | None:
        """The call id the line names, also when it is bad for another reason (so its dead letter can
        be found by it), or None."""
        if self.record is not None:
            return self.record["call_id"]
        return json_field(self.raw, "call_id")

    def dead_letter_id(self, source: str) -> str:
        """The ``call_id`` this line's dead letter gets: the event's own when the line names one, else
        ``SOURCE:LINE`` (what ``publish`` and ``demo --calls`` both use; the letter's ``topic`` and
        ``offset`` hold the source and line number as well)."""
        return self.call_id or f"{source}:{self.lineno}"


def json_field(payload: str | bytes, name: str) -> str | None:
    """The non-blank string ``name`` of a JSON object ``payload`` (stripped), or None: what a line
    that failed names of itself (its call id, its tenant), so its dead letter can be found by it."""
    try:
        value = json.loads(payload)
    except ValueError:  # also UnicodeDecodeError
        return None
    field = value.get(name) if isinstance(value, dict) else None
    return field.strip() or None if isinstance(field, str) else None


class RepeatedIds:
    """Notes a call id that an earlier valid line of the same input already had.

    Both lines are published (re-sending a call is legal: the stages and the sink are idempotent by
    call id and the later record wins in ClickHouse), but a user who put two calls under one id by
    mistake would otherwise see one call merge into the other without a word."""

    def __init__(self) -> None:
        self._first: dict[str, int] = {}  # call id -> line it first appeared on

    def note(self, line: ParsedLine) -> str | None:
        """Why ``line`` (a valid one) repeats a call id, or None for the id's first line."""
        if line.record is None:
            return None
        call_id = line.record["call_id"]
        first = self._first.setdefault(call_id, line.lineno)
        if first == line.lineno:
            return None
        return f"call_id {call_id} already on line {first}; the later line replaces it"


def read_jsonl(lines: Iterable[str] | Iterable[bytes]) -> Iterator[ParsedLine]:
    """Parse CallCompleted JSON lines; blank lines are skipped, bad ones reported, none dropped.

    Lines may be bytes (a file opened in binary): a line that is not UTF-8 (a cp1251 export) is a
    bad line with its reason and its bytes, not an exception that ends the run; a BOM on the first
    line is taken off."""
    for lineno, data in enumerate(lines, start=1):
        raw_bytes = None
        if isinstance(data, bytes):
            try:
                raw = data.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                text = data.decode("utf-8", errors="replace")
                bad = data[exc.start : exc.start + 1]
                why = f"not UTF-8 text (byte {exc.start + 1}: {bad!r}); save the file as UTF-8"
                yield ParsedLine(lineno, text, None, why, data)
                continue
            raw_bytes = data
        else:
            raw = data.removeprefix("\ufeff") if lineno == 1 else data
        if not raw.strip():
            continue
        try:
            # without its line end: an error at the end of a cut-off line is at its last column, not
            # at "line 2, column 1"
            record, warnings = parse_call(json.loads(raw.rstrip("\r\n")))
            yield ParsedLine(lineno, raw, record, None, raw_bytes, tuple(warnings))
        except json.JSONDecodeError as exc:
            yield ParsedLine(lineno, raw, None, f"invalid JSON: {exc.msg} at column {exc.colno}", raw_bytes)
        except InvalidCall as exc:
            yield ParsedLine(lineno, raw, None, str(exc), raw_bytes)


_CONNECTORS_DIR = Path(__file__).resolve().parent


def anchor_relative(calls: Iterable[dict[str, Any]], base: Path) -> None:
    """Make the calls' relative ``recording_uri`` paths absolute, from ``base`` (the calls file's
    folder), as a user writing ``rec/a.wav`` next to the file means; the workers would read them
    from the connectors package.

    The path is only made absolute, not resolved: a symlink or ``..`` in it stays visible, so the
    worker (which resolves it) and the demo's recording roots judge the path as written, not where a
    link leads. A path found only in the package (``samples/sample-en-sale.wav``: events written for
    the bundled samples before they named their files from their own folder) is left as it is: the
    workers read ``samples/...`` from the package's bundled samples, wherever the event comes from."""
    for call in calls:
        uri = call["recording_uri"]
        if urlsplit(uri).scheme or uri.startswith("/"):
            continue
        here = base.absolute() / uri
        if here.exists() or not (_CONNECTORS_DIR / uri).exists():
            call["recording_uri"] = here.as_uri()


def unanchored_recording(uri: str) -> str | None:
    """Why ``uri``, sent with no calls file around it (the ingest API), names no recording a worker
    could read, or None. A relative path other than a bundled sample has no folder to be read from:
    the workers would look for it in the callstream package and dead-letter the call after a 202."""
    if urlsplit(uri).scheme or uri.startswith("/"):
        return None
    try:
        bundled = (_CONNECTORS_DIR / uri).resolve()
    except (OSError, ValueError, RuntimeError):
        bundled = None
    if bundled is not None and bundled.is_relative_to(SAMPLES_DIR) and bundled.is_file():
        return None
    return (
        f"recording_uri: {uri!r} is a relative path, which names no folder here (only the bundled "
        "samples/... are read relative to callstream); send file:///abs/path.wav inside the workers' "
        "CALLSTREAM_RECORDING_ROOTS, or an http(s):// or s3:// URL"
    )
