"""freeswitch-json-cdr.yaml: mod_json_cdr's one CDR per leg, mapped by the rules of freeswitch-esl.yaml.

The mapping read `variables.direction` (the leg's own direction: an agent's outbound call arrives
from the phone, so its A-leg says "inbound") and took the dialled number as the agent, so outbound
calls had agent and customer swapped; it set no channel roles; it published a B-leg that inherited
an exported record_file as a second call, and let an answered leg without a recording vanish.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer

from connectors.auth import TenantAuth
from connectors.events import call_from_json
from connectors.ingest import create_app
from connectors.mapping import MappingError, load_mapping
from connectors.publisher import CallPublisher
from processors.audio import file_uri_path
from schemas.codec import SingleObjectCodec
from streams.settings import Settings

AGENT_LEFT = {"0": "agent", "1": "customer"}
CUSTOMER_LEFT = {"0": "customer", "1": "agent"}
MAPPING = load_mapping("freeswitch-json-cdr")


def cdr(
    direction: str = "inbound",
    caller: str = "+15550202",
    dest: str = "5550100",
    other: dict[str, Any] | None = None,
    **variables: str,
) -> dict[str, Any]:
    """A mod_json_cdr document (trimmed) of an answered leg recorded to record_file; ``other`` is the
    profile's ``originator`` / ``originatee`` entry (the other leg of a bridge)."""
    profile: dict[str, Any] = {"caller_id_number": caller, "destination_number": dest, "uuid": "a-leg"}
    profile |= other or {}
    return {
        "core-uuid": "f5a1",
        "channel_data": {"state": "CS_REPORTING", "direction": direction},
        "variables": {
            "uuid": "a-leg",
            "direction": direction,
            "answer_epoch": "1795300000",
            "end_epoch": "1795300061",
            "billsec": "61",
            "hangup_cause": "NORMAL_CLEARING",
            "record_file": "/var/lib/freeswitch/recordings/a-leg.wav",
            **variables,
        },
        "callflow": [
            {"profile_index": "2", "caller_profile": profile},
            {"profile_index": "1", "caller_profile": {**profile, "destination_number": "ivr"}},
        ],
    }


def originator(caller: str, dest: str) -> dict[str, Any]:
    return {
        "originator": {
            "originator_caller_profiles": [{"caller_id_number": caller, "destination_number": dest}]
        }
    }


def originatee(caller: str, dest: str) -> dict[str, Any]:
    return {
        "originatee": {
            "originatee_caller_profiles": [{"caller_id_number": caller, "destination_number": dest}]
        }
    }


def mapped(**over: Any) -> tuple:
    out = MAPPING.apply(cdr(**over))
    assert out is not None
    call = call_from_json({**out, "tenant": "acme"})
    return call["direction"], call["agent"]["id"], call["customer"]["number"], call["audio"]["channels"]


def test_inbound_call_from_a_carrier() -> None:
    """A carrier's caller bridged to user/1001: the A-leg records; its far end, the customer, is left."""
    carrier = {"sip_gateway": "carrier", "dialed_user": "1001", "other": originatee("+15550202", "1001")}
    assert mapped(**carrier) == ("inbound", "1001", "+15550202", CUSTOMER_LEFT)
    assert mapped(**carrier, RECORD_STEREO_SWAP="true")[3] == AGENT_LEFT
    # Without dialed_user (e.g. a bridge to sofia/internal/1001@...): the number the caller reached.
    assert mapped(sip_gateway="carrier", dest="1002")[:3] == ("inbound", "1002", "+15550202")
    call = call_from_json({**MAPPING.apply(cdr(**carrier)), "tenant": "acme"})
    assert call["call_id"] == "a-leg" and (call["ended_at"] - call["started_at"]).total_seconds() == 61
    assert call["recording_uri"] == "file:///var/lib/freeswitch/recordings/a-leg.wav"


def test_outbound_call_from_a_phone() -> None:
    """Extension 1001 (a directory user) dials out: its A-leg is "inbound", its far end the agent."""
    phone = {"caller": "1001", "dest": "5551234", "user_name": "1001"}
    assert mapped(**phone) == ("outbound", "1001", "5551234", AGENT_LEFT)
    assert mapped(**phone, dialed_user="1002")[:3] == ("internal", "1001", "5551234")
    # A dialer's originated leg to the customer (through a gateway), bridged to user/1001 afterwards.
    dialer = {
        "direction": "outbound", "caller": "5550100", "dest": "5551234", "sip_gateway_name": "carrier",
        "dialed_user": "1001", "other": originatee("5550100", "1001"),
    }  # fmt: skip
    assert mapped(**dialer) == ("outbound", "1001", "5551234", CUSTOMER_LEFT)
    # Phones FreeSWITCH did not authenticate: the dialplan sets callstream_direction on the leg.
    unauthenticated = {"caller": "1001", "dest": "5551234"}
    assert mapped(**unauthenticated)[0] == "inbound"
    assert mapped(**unauthenticated, callstream_direction="outbound") == (
        "outbound",
        "1001",
        "5551234",
        AGENT_LEFT,
    )


def test_b_legs_are_ignored_unless_they_recorded_themselves() -> None:
    """mod_json_cdr posts the B-leg of every bridge too (log-b-leg). A B-leg without a recording, or
    with a record_file it only inherited (`export`), is no call: its A-leg is. It is ignored (200),
    never refused: FreeSWITCH retries a refusal and files the CDR in err-log-dir for ever."""
    b_leg = {
        "direction": "outbound", "caller": "+15550202", "dest": "1001", "dialed_user": "1001",
        "originating_leg_uuid": "a-leg", "other": originator("+15550202", "5550100"),
    }  # fmt: skip
    no_recording = cdr(**b_leg)
    del no_recording["variables"]["record_file"]
    assert MAPPING.apply(no_recording) is None
    assert MAPPING.apply(cdr(**b_leg)) is None  # record_file exported from the A-leg
    # mod_callcenter's agent leg: originated on its own, then uuid_bridge'd (an originator only).
    agent_leg = cdr(**{key: value for key, value in b_leg.items() if key != "originating_leg_uuid"})
    del agent_leg["variables"]["record_file"]
    assert MAPPING.apply(agent_leg) is None
    # A B-leg that ran record_session itself (record_samples) is the call; its far end is the agent.
    assert mapped(**b_leg, record_samples="488000") == ("inbound", "1001", "+15550202", AGENT_LEFT)


def test_answered_leg_without_recording_is_refused_unanswered_is_ignored() -> None:
    no_recording = cdr(sip_gateway="carrier", dialed_user="1001")
    del no_recording["variables"]["record_file"]
    with pytest.raises(MappingError, match="answered leg without record_file"):
        MAPPING.apply(no_recording)
    no_recording["variables"]["billsec"] = "0"
    assert MAPPING.apply(no_recording) is None
    # mod_callcenter's record-template counts as the recording.
    queued = cdr(cc_record_filename="/r/cc.wav")
    del queued["variables"]["record_file"]
    assert MAPPING.apply(queued)["recording_uri"] == "file:///r/cc.wav"


def test_encoded_values_and_old_callflow_layout() -> None:
    """encode-values (the default) percent-encodes every variable: the numbers come from the caller
    profile, and the encoded path is still the file's URI. Old releases repeat the "callflow" key,
    which a JSON parser reads as one object."""
    doc = cdr(
        record_file="/var/lib/freeswitch/recordings/2026-11-20%2010%3A00/a-leg.wav", sip_gateway="carrier"
    )
    uri = MAPPING.apply(doc)["recording_uri"]
    assert str(file_uri_path(urlsplit(uri))) == "/var/lib/freeswitch/recordings/2026-11-20 10:00/a-leg.wav"
    # Old releases: one "callflow" key per profile, newest first; json keeps the last (the first profile).
    profiles = ", ".join(f'"callflow": {json.dumps(entry)}' for entry in doc["callflow"])
    old = json.loads(json.dumps({k: v for k, v in doc.items() if k != "callflow"})[:-1] + f", {profiles}}}")
    assert old["callflow"]["profile_index"] == "1"
    call = call_from_json({**MAPPING.apply(old), "tenant": "acme"})
    assert (call["direction"], call["customer"]["number"]) == ("inbound", "+15550202")


def test_webhook_answers_200_for_a_b_leg_and_400_for_an_unrecorded_a_leg() -> None:
    """What mod_json_cdr sees: only a 2xx stops it retrying and filing the CDR in err-log-dir."""
    b_leg = cdr(direction="outbound", originating_leg_uuid="a-leg", other=originator("+15550202", "5550100"))
    del b_leg["variables"]["record_file"]
    a_leg = cdr()
    del a_leg["variables"]["record_file"]

    async def post(*docs: dict[str, Any]) -> list[tuple[int, dict]]:
        # No broker: the refused A-leg's dead letter times out at shutdown; the answer never waited for it.
        config = {"log_level": 0, "message.timeout.ms": 500}
        publisher = CallPublisher(Settings(), "127.0.0.1:1", SingleObjectCodec(), config=config)
        answers = []
        async with TestClient(TestServer(create_app(publisher, TenantAuth({"demo": "t"}, {})))) as client:
            for doc in docs:
                # mod_json_cdr appends ?uuid=<the leg's uuid> to the configured url
                answer = await client.post(
                    "/v1/webhooks/freeswitch-json-cdr?uuid=x", json=doc, headers={"Authorization": "Bearer t"}
                )
                answers.append((answer.status, await answer.json()))
        return answers

    (b_status, b_body), (a_status, a_body) = asyncio.run(post(b_leg, a_leg))
    assert b_status == 200 and b_body["ignored"] is True
    assert a_status == 400 and "without record_file" in a_body["error"]
