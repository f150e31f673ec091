"""Webhook mappings: shipped files load, bad files fail with the file named, payloads map."""

from __future__ import annotations

import pytest

from connectors.auth import AuthError, TenantAuth, parse_pairs, sign, twilio_signature
from connectors.events import call_from_json
from connectors.mapping import MAPPINGS_DIR, MappingError, load_mapping, parse_mapping


@pytest.mark.parametrize("path", sorted(MAPPINGS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_mappings_load(path) -> None:
    mapping = load_mapping(path.stem)
    targets = {rule.target for rule in mapping.rules}
    assert {"call_id", "recording_uri", "started_at"} <= targets
    assert "ended_at" in targets or "duration_s" in targets
    assert path.stem.startswith(mapping.source)  # asterisk-ami.yaml speaks for source "asterisk"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"format": "xml", "fields": {"call_id": "id"}}, "format must be"),
        ({"signature": "twilio", "format": "json", "fields": {"call_id": "id"}}, "needs format form"),
        ({"fields": {}}, "fields: required"),
        ({"fields": {"call_id": "id[["}}, "bad JMESPath"),
        ({"fields": {"call_id": 5}}, "fields.call_id"),
    ],
)
def test_bad_mappings_are_named(doc, message) -> None:
    with pytest.raises(MappingError, match=message) as info:
        parse_mapping(doc, "acme.yaml")
    assert "acme.yaml" in str(info.value)


def test_mapping_builds_a_valid_call() -> None:
    mapping = parse_mapping(
        {
            "source": "acme-pbx",
            "fields": {
                "call_id": "event.uid",
                "recording_uri": "event.record",
                "started_at": {"path": "event.ts", "format": "epoch"},
                "duration_s": "event.billsec",
                "agent.id": "event.ext",
                "audio.layout": {"const": "mono"},
                "crm.campaign": {"path": "event.campaign", "default": "none"},
            },
            "when": "event.status == 'ANSWERED'",
        },
        "acme.yaml",
    )
    payload = {
        "event": {
            "uid": "u1",
            "record": "file:///r/u1.wav",
            "ts": 1795300000,
            "billsec": 61.5,
            "ext": "201",
            "status": "ANSWERED",
        }
    }
    call = call_from_json({**mapping.apply(payload), "tenant": "acme"})
    assert (
        call["source"] == "acme-pbx" and call["agent"]["id"] == "201" and call["crm"] == {"campaign": "none"}
    )
    assert (call["ended_at"] - call["started_at"]).total_seconds() == 61.5
    assert mapping.apply({"event": {**payload["event"], "status": "NO ANSWER"}}) is None


def test_twilio_signature_matches_the_documented_example() -> None:
    # The worked example from Twilio's webhook security documentation (token "12345").
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+14158675309"],
        "Digits": ["1234"],
        "From": ["+14158675309"],
        "To": ["+18005551212"],
    }
    assert (
        twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)
        == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    )


def test_tenant_auth() -> None:
    auth = TenantAuth(parse_pairs("a:tok-a, b:tok-b", "X"), parse_pairs("b:sec", "Y"))
    assert auth.tenant_for("Bearer tok-a", None, b"{}") == "a"
    assert auth.tenant_for("Bearer tok-b", sign("sec", b"{}"), b"{}") == "b"
    for header, signature in [
        (None, None),
        ("Bearer x", None),
        ("Bearer tok-b", None),
        ("Bearer tok-b", "sha256=00"),
    ]:
        with pytest.raises(AuthError):
            auth.tenant_for(header, signature, b"{}")
    with pytest.raises(ValueError, match="tenant:secret"):
        parse_pairs("just-a-token", "CALLSTREAM_INGEST_TOKENS")


def test_freeswitch_json_cdr_mapping() -> None:
    """The shape mod_json_cdr posts (trimmed): variables plus the callflow's caller profile."""
    payload = {
        "core-uuid": "f5a1",
        "channel_data": {"state": "CS_REPORTING", "direction": "inbound"},
        "variables": {
            "uuid": "0b6e7c1a-5d2f-4a8e-9c3b-7e1f2a3b4c5d",
            "direction": "inbound",
            "answer_epoch": "1795300000",
            "end_epoch": "1795300125",
            "billsec": "125",
            "hangup_cause": "NORMAL_CLEARING",
            "record_file": "/var/lib/freeswitch/recordings/0b6e7c1a.wav",
        },
        "callflow": [{"caller_profile": {"caller_id_number": "+15550303", "destination_number": "1002"}}],
    }
    mapping = load_mapping("freeswitch-json-cdr")
    call = call_from_json({**mapping.apply(payload), "tenant": "acme"})
    assert call["call_id"] == "0b6e7c1a-5d2f-4a8e-9c3b-7e1f2a3b4c5d" and call["source"] == "freeswitch"
    assert call["agent"]["id"] == "1002" and call["customer"]["number"] == "+15550303"
    assert (call["ended_at"] - call["started_at"]).total_seconds() == 125
    assert call["crm"] == {"hangup_cause": "NORMAL_CLEARING"}
    unanswered = {**payload, "variables": {**payload["variables"], "billsec": "0"}}
    assert mapping.apply(unanswered) is None


def test_ami_cdr_times_are_read_in_the_pbx_time_zone():
    import dataclasses
    from zoneinfo import ZoneInfo

    mapping = dataclasses.replace(load_mapping("asterisk-ami"), tz=ZoneInfo("Europe/Moscow"))
    event = {
        "Event": "Cdr", "Disposition": "ANSWERED", "UniqueID": "1763632800.42", "Destination": "201",
        "Source": "+79161234567", "StartTime": "2026-11-20 10:00:00", "AnswerTime": "2026-11-20 10:00:04",
        "EndTime": "2026-11-20 10:00:40", "BillableSeconds": "36", "DestinationContext": "q",
    }  # fmt: skip
    call = mapping.apply(event)
    assert call is not None and call["started_at"] == "2026-11-20T10:00:04+03:00"


def test_vars_problem_and_regex_search() -> None:
    """``vars`` are evaluated in order (later ones and the fields read earlier ones); ``problem``
    refuses a payload with its reason instead of letting ``when`` drop it; regex_search gives the
    first group that matched."""
    mapping = parse_mapping(
        {
            "vars": {
                "pattern": {"const": "^(?:PJSIP|SIP)/([0-9]+)-|^Local/([0-9]+)@"},
                "ext": "regex_search(chan, vars.pattern)",
                "outbound": "vars.ext != `null`",
            },
            "problem": "answered && file == `null` && 'answered, but no file'",
            "when": "file != `null`",
            "fields": {
                "call_id": "id",
                "recording_uri": "file",
                "started_at": "ts",
                "ended_at": "ts",
                "agent.id": "(vars.outbound && [vars.ext] || [callee])[0]",
                "direction": "vars.outbound && 'outbound' || 'inbound'",
            },
        },
        "acme.yaml",
    )
    base = {"id": "c1", "file": "file:///r/c1.wav", "ts": "2026-11-20T10:00:00Z", "callee": "7"}
    assert mapping.apply({**base, "chan": "PJSIP/201-0000002a"})["agent"] == {"id": "201"}
    out = mapping.apply({**base, "chan": "Local/305@from-queue-00000001;2"})
    assert out["agent"] == {"id": "305"} and out["direction"] == "outbound"
    out = mapping.apply({**base, "chan": "PJSIP/trunk-0000002b", "vars": "hidden"})
    assert out["agent"] == {"id": "7"} and out["direction"] == "inbound"
    assert mapping.apply({**base, "chan": None})["direction"] == "inbound"  # a missing header: null
    with pytest.raises(MappingError, match="answered, but no file"):
        mapping.apply({"id": "c2", "answered": True})
    assert mapping.apply({"id": "c3", "answered": False}) is None
    with pytest.raises(MappingError, match=r"vars\.ext"):  # bad input is a MappingError, not a crash
        mapping.apply({**base, "chan": 5})
    for bad, message in [({"1x": "a"}, r"vars\.1x"), ({"a": {"path": "b"}}, r"vars\.a"), (["a"], "vars:")]:
        with pytest.raises(MappingError, match=message):
            parse_mapping({"vars": bad, "fields": {"call_id": "id"}}, "acme.yaml")
