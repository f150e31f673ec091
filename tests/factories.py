"""Realistic decoded records (as fastavro returns them) for tests of any stage.

Every factory returns a fresh, Avro-encodable dict; keyword arguments override the usual knobs.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

RAW_NUMBER = "+1 (415) 555-0134"
STARTED_AT = datetime(2025, 3, 14, 9, 30, 0, 250000, tzinfo=UTC)


def number_hash(number: str) -> str:
    """sha256 of the E.164 form (``+`` and digits), as connectors store it."""
    return hashlib.sha256(("+" + "".join(ch for ch in number if ch.isdigit())).encode()).hexdigest()


def make_call_completed(
    call_id: str = "call-0001",
    *,
    tenant: str = "acme",
    number: str | None = RAW_NUMBER,
    started_at: datetime = STARTED_AT,
    duration_s: float = 42.5,
    layout: str = "stereo",
) -> dict[str, Any]:
    ended_at = started_at + timedelta(seconds=duration_s)
    return {
        "call_id": call_id,
        "tenant": tenant,
        "source": "asterisk",
        "direction": "inbound",
        "started_at": started_at,
        "ended_at": ended_at,
        "agent": {"id": "agent-7", "name": "Dana Smith"},
        "customer": {"number": number, "number_hash": number_hash(number) if number else None},
        "queue": "sales",
        "recording_uri": f"file:///var/spool/recordings/{call_id}.wav",
        "audio": {
            "layout": layout,
            "channels": {"0": "agent", "1": "customer"} if layout == "stereo" else {},
        },
        "language": "en",
        "crm": {"deal_id": "D-1009", "segment": "smb", "callback": number or ""},
        "received_at": ended_at + timedelta(seconds=2),
    }


def make_segments(number: str | None = RAW_NUMBER) -> list[dict[str, Any]]:
    """A short sales dialogue; one segment dropped as a filler, one mentions the customer's number."""
    lines = [
        (0, "agent", 0.4, 3.1, "Thank you for calling Acme, this is Dana. How can I help?", True, None),
        (1, "customer", 3.5, 7.9, f"Hi, I'd like a quote. My number is {number or 'unknown'}.", True, None),
        (1, "customer", 8.0, 8.4, "um", False, "filler"),
        (0, "agent", 8.6, 14.2, "Sure. The standard plan costs $49 per month, billed yearly.", True, None),
        (1, "customer", 14.9, 18.0, "That sounds good, please send the contract.", True, None),
    ]
    return [
        {
            "index": i,
            "channel": channel,
            "role": role,
            "start": start,
            "end": end,
            "text": text,
            "avg_logprob": -0.21 - i / 100,
            "no_speech_prob": 0.01 if kept else 0.62,
            "words": None,
            "vad_speech": None,
            "kept": kept,
            "drop_reason": reason,
        }
        for i, (channel, role, start, end, text, kept, reason) in enumerate(lines)
    ]


def make_transcript(call_id: str = "call-0001", **call_kwargs: Any) -> dict[str, Any]:
    call = make_call_completed(call_id, **call_kwargs)
    duration = (call["ended_at"] - call["started_at"]).total_seconds()
    stereo = call["audio"]["layout"] == "stereo"
    return {
        "call_id": call_id,
        "call": call,
        "language": "en",
        "language_probability": None,
        "duration": duration,
        "segments": make_segments(call["customer"]["number"]),
        "dropped_segments": [],
        "metrics": {
            "duration_s": duration,
            "agent_talk_s": 8.3 if stereo else None,
            "customer_talk_s": 7.9 if stereo else None,
            "silence_s": 26.3,
            "longest_silence_s": 24.5,
            "overtalk_count": 0 if stereo else None,
            "overtalk_s": 0.0 if stereo else None,
            "agent_interruptions": 0 if stereo else None,
            "customer_interruptions": 1 if stereo else None,
            "agent_wpm": 151.8 if stereo else None,
            "customer_wpm": 129.1 if stereo else None,
            "source": "segments",
        },
        "dropped": {"past_end": 1},
        "model": "tiny.en/int8",
        "timings": {"decode": 0.05, "asr": 2.1},
        "layout": call["audio"]["layout"],
        "warnings": [],
        "warning_kinds": [],
    }


def make_call_score(call_id: str = "call-0001", **call_kwargs: Any) -> dict[str, Any]:
    """A scored call as ``calls.scored`` carries it: CallScore → Compressed → Filtered → Transcript → Call."""
    transcript = make_transcript(call_id, **call_kwargs)
    kept = [s for s in transcript["segments"] if s["kept"]]
    started_at = transcript["call"]["started_at"]
    # a mono recording has no speaker roles: no per-speaker rule results (processors.rules)
    stereo = transcript["layout"] == "stereo"
    return {
        "call_id": call_id,
        "compressed": {
            "call_id": call_id,
            "filtered": {
                "call_id": call_id,
                "transcript": transcript,
                "kept": len(kept),
                "dropped": {"filler": len(transcript["segments"]) - len(kept)},
                "pii": {"PHONE": 1},
            },
            "text": "\n".join(f"{s['role'].upper()}: {s['text']}" for s in kept),
            "tokens_before": 96,
            "tokens_after": 81,
            "tokenizer": "whitespace",
            "level": "merge",
            "density": 0.4,
            "pii": {},
        },
        "scorecard_id": "sales-default",
        "scorecard_version": "3",
        "scorer": "baseline",
        "model_id": None,
        "prompt_version": None,
        "criteria": [
            {
                "id": "greeting",
                "title": "Agent greeted and introduced themselves",
                "kind": "yes_no",
                "source": "rule",
                "status": "scored",
                "value": 1.0,
                "label": "yes",
                "reasoning": "Opening line names the company and the agent.",
                "fatal": False,
                "fatal_failed": False,
                "rule": "keyword:greeting",
                "role": None,
            },
            {
                "id": "price_quoted",
                "title": "Price mentioned",
                "kind": "count",
                "source": "rule",
                "status": "scored",
                "value": 1.0,
                "label": None,
                "reasoning": None,
                "fatal": False,
                "fatal_failed": False,
                "rule": "price_mentions",
                "role": None,
            },
            {
                "id": "empathy",
                "title": "Empathy",
                "kind": "score",
                "source": "llm",
                "status": "pending",
                "value": None,
                "label": None,
                "reasoning": None,
                "fatal": True,
                "fatal_failed": False,
                "rule": None,
                "role": "politeness",
            },
        ],
        "rules": {
            "price_mentions": 1,
            "keyword_hits": {"contract": 1, "quote": 1},
            "agent_keyword_hits": {"quote": 1} if stereo else {},
            "words": 44,
            "agent_talk_ratio": 0.51 if stereo else None,
            "language": "en",
            "code_switching": 0.0,
            "duration_s": 42.5,
            "silence_share": 0.62,
            "interruptions": 1 if stereo else None,
            "pii": {"PHONE": 1},
        },
        "summary": "Customer asked for a quote; agent quoted the standard plan; contract to be sent.",
        "llm_tokens_in": None,
        "llm_tokens_out": None,
        "latencies": {"transcribe": 2.2, "filter": 0.01, "compress": 0.003, "score": 0.02},
        "scored_at": started_at + timedelta(minutes=2),
        "total": None,
        "fatal_failed": False,
        "llm_latency_s": None,
        "cost_usd": None,
        "warnings": [],
        "warning_kinds": [],
    }


def make_alert(
    call_id: str = "call-0001", *, tenant: str = "acme", rule: str = "low_score"
) -> dict[str, Any]:
    return {
        "alert_id": f"{call_id}:{rule}",
        "call_id": call_id,
        "tenant": tenant,
        "rule": rule,
        "severity": "warning",
        "value": 35.0,
        "threshold": 50.0,
        "agent_id": "agent-7",
        "message": "Call score 35 is below 50",
        "created_at": STARTED_AT + timedelta(minutes=3),
        "suppressed": False,
        "queue": "sales",
        "agent_name": "Dana Smith",
        # what notifications lay out apart (None: as an alert written before them reads)
        "title": None,
        "said": None,
        "condition": None,
        "call_started_at": None,
    }


def make_dead_letter(
    offset: int = 17, *, topic: str = "calls.transcribed", payload: bytes = b"\xc3\x01not-avro"
) -> dict[str, Any]:
    return {
        "stage": "filter",
        "topic": topic,
        "partition": 2,
        "offset": offset,
        "key": b"call-0001",
        "call_id": "call-0001",
        "payload": payload,
        "error_class": "SchemaError",
        "error_message": "corrupt Transcript body",
        "attempts": 3,
        "failed_at": STARTED_AT + timedelta(minutes=1),
        "tenant": "acme",
    }
