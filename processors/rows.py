"""Decoded Avro records → ClickHouse rows (pure; the sink does the I/O).

Rows are dicts keyed by column; :data:`TABLE_COLUMNS` fixes the insert column order. Columns with
a server ``DEFAULT`` (``inserted_at``) are left out so the server fills them. ``version`` becomes
``_version``, the ReplacingMergeTree version: the newest processing of a call wins after a replay.

The raw customer number (``call.customer.number``) never reaches a row: only its hash is mapped,
and any occurrence of the raw number inside other strings (CRM fields, segment text, summary,
reasoning) is masked, since upstream redaction may have missed it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from processors.acoustics import METRICS
from processors.doubts import parallel_kinds
from processors.scorecard import ROLES

NUMBER_MASK = "[customer-number]"


TABLE_COLUMNS: dict[str, list[str]] = {
    "calls": [
        "call_id",
        "tenant",
        "source",
        "direction",
        "started_at",
        "ended_at",
        "agent_id",
        "agent_name",
        "customer_number_hash",
        "queue",
        "recording_uri",
        "language",
        "duration_s",
        "layout",
        *METRICS,
        "metrics_source",
        "segments_total",
        "segments_kept",
        "dropped",
        "tokens_before",
        "tokens_after",
        "tokenizer",
        "compression_level",
        "scorecard_id",
        "scorecard_version",
        "scorer",
        "model_id",
        "prompt_version",
        "llm_tokens_in",
        "llm_tokens_out",
        "total",
        "fatal_failed",
        "llm_latency_s",
        "cost_usd",
        "price_mentions",
        "words",
        "agent_talk_ratio",
        "keyword_hits",
        "agent_keyword_hits",
        "text_language",
        "code_switching",
        "silence_share",
        "interruptions",
        "pii_redacted",
        "compression_density",
        "summary",
        "warnings",
        "warning_kinds",
        "latencies",
        "crm",
        "asr_model",
        "received_at",
        "scored_at",
        "_version",
    ],
    "call_segments": [
        "tenant",
        "call_id",
        "idx",
        "channel",
        "role",
        "start",
        "end",
        "text",
        "avg_logprob",
        "no_speech_prob",
        "vad_speech",
        "kept",
        "drop_reason",
        "started_at",
        "_version",
    ],
    "call_criteria": [
        "tenant",
        "call_id",
        "criterion_id",
        "title",
        "kind",
        "source",
        "status",
        "value",
        "label",
        "reasoning",
        "fatal",
        "fatal_failed",
        "rule",
        "role",
        "scorecard_id",
        "scorecard_version",
        "scorer",
        "agent_id",
        "queue",
        "started_at",
        "_version",
    ],
    "alerts": [
        "alert_id",
        "call_id",
        "tenant",
        "rule",
        "severity",
        "value",
        "threshold",
        "agent_id",
        "message",
        "created_at",
        "suppressed",
        "queue",
        "agent_name",
        "_version",
    ],
    "dead_letters": [
        "stage",
        "tenant",
        "topic",
        "partition",
        "offset",
        "call_id",
        "key",
        "payload",
        "payload_hash",
        "error_class",
        "error_message",
        "attempts",
        "failed_at",
        "_version",
    ],
}


def score_rows(score: Mapping[str, Any], version: int) -> dict[str, list[dict[str, Any]]]:
    """Rows for ``calls`` (one), ``call_segments`` (every segment, kept or not) and ``call_criteria``."""
    filtered = score["compressed"]["filtered"]
    transcript = filtered["transcript"]
    call = transcript["call"]
    metrics = transcript["metrics"]
    rules = score["rules"]
    tenant, call_id, started_at = call["tenant"], score["call_id"], call["started_at"]

    transcript_warnings = list(transcript.get("warnings") or ())
    score_warnings = list(score.get("warnings") or ())

    dropped = dict(transcript.get("dropped") or {})
    for reason, count in (filtered.get("dropped") or {}).items():
        dropped[reason] = dropped.get(reason, 0) + count

    calls = {
        "call_id": call_id,
        "tenant": tenant,
        "source": call["source"],
        "direction": call["direction"],
        "started_at": started_at,
        "ended_at": call["ended_at"],
        "agent_id": call["agent"]["id"],
        "agent_name": call["agent"].get("name"),
        "customer_number_hash": call["customer"].get("number_hash"),
        "queue": call.get("queue"),
        "recording_uri": call["recording_uri"],
        "language": transcript["language"],
        "duration_s": transcript["duration"],
        # what was decoded, not what the event declared (a mono file declared stereo is mono);
        # a transcript from before Transcript.layout has the event's only
        "layout": transcript.get("layout") or call["audio"]["layout"],
        **{name: metrics.get(name) for name in METRICS},
        "metrics_source": metrics.get("source", "segments"),
        "segments_total": len(transcript["segments"]),
        "segments_kept": filtered["kept"],
        "dropped": dropped,
        "tokens_before": score["compressed"]["tokens_before"],
        "tokens_after": score["compressed"]["tokens_after"],
        "tokenizer": score["compressed"]["tokenizer"],
        "compression_level": score["compressed"]["level"],
        "scorecard_id": score["scorecard_id"],
        "scorecard_version": score["scorecard_version"],
        "scorer": score["scorer"],
        "model_id": score.get("model_id"),
        "prompt_version": score.get("prompt_version"),
        "llm_tokens_in": score.get("llm_tokens_in"),
        "llm_tokens_out": score.get("llm_tokens_out"),
        "total": score.get("total"),
        "fatal_failed": int(bool(score.get("fatal_failed"))),
        "llm_latency_s": score.get("llm_latency_s"),
        "cost_usd": score.get("cost_usd"),
        "price_mentions": rules["price_mentions"],
        "words": rules["words"],
        "agent_talk_ratio": rules.get("agent_talk_ratio"),
        "keyword_hits": dict(rules.get("keyword_hits") or {}),
        "agent_keyword_hits": dict(rules.get("agent_keyword_hits") or {}),
        "text_language": rules.get("language") or "",
        "code_switching": rules.get("code_switching"),
        "silence_share": rules.get("silence_share"),
        "interruptions": rules.get("interruptions"),
        "pii_redacted": _pii_redacted(score),
        "compression_density": score["compressed"].get("density"),
        "summary": score.get("summary"),
        # the recording's doubts (transcribe) first, then how the score was made
        "warnings": [*transcript_warnings, *score_warnings],
        # one code per warning, '' where a record (from before warning_kinds) names none
        "warning_kinds": [
            *parallel_kinds(transcript_warnings, transcript.get("warning_kinds")),
            *parallel_kinds(score_warnings, score.get("warning_kinds")),
        ],
        "latencies": dict(score.get("latencies") or {}),
        "crm": dict(call.get("crm") or {}),
        "asr_model": transcript["model"],
        "received_at": call["received_at"],
        "scored_at": score["scored_at"],
        "_version": version,
    }
    segments = [
        {
            "tenant": tenant,
            "call_id": call_id,
            "idx": seg["index"],
            "channel": seg["channel"],
            "role": seg["role"],
            "start": seg["start"],
            "end": seg["end"],
            "text": seg["text"],
            "avg_logprob": seg.get("avg_logprob"),
            "no_speech_prob": seg.get("no_speech_prob"),
            "vad_speech": seg.get("vad_speech"),
            "kept": int(seg.get("kept", True)),
            "drop_reason": seg.get("drop_reason"),
            "started_at": started_at,
            "_version": version,
        }
        # the dialogue, then what the ASR guards dropped (kept false, the guard's reason): BI sees
        # everything Whisper heard; indices do not overlap (transcribe numbers these after)
        for seg in (*transcript["segments"], *(transcript.get("dropped_segments") or ()))
    ]
    _check_indices(segments)
    criteria = [
        {
            "tenant": tenant,
            "call_id": call_id,
            "criterion_id": crit["id"],
            "title": crit["title"],
            "kind": crit["kind"],
            "source": crit["source"],
            "status": crit["status"],
            "value": crit.get("value"),
            "label": crit.get("label"),
            "reasoning": crit.get("reasoning"),
            **_criterion_facts(crit),
            "role": _role(score["scorecard_id"], crit),
            "scorecard_id": score["scorecard_id"],
            "scorecard_version": score["scorecard_version"],
            "scorer": score["scorer"],
            "agent_id": call["agent"]["id"],
            "queue": call.get("queue"),
            "started_at": started_at,
            "_version": version,
        }
        for crit in score["criteria"]
    ]
    rows = {"calls": [calls], "call_segments": segments, "call_criteria": criteria}
    number = call["customer"].get("number")
    if number and number.strip():
        _mask_rows(rows, number)
    return rows


#: What a criterion written before CallScore said whether it is fatal is taken to be: the packaged
#: cards' one fatal criterion (politeness, failing below 30 on both). The same guess as the columns'
#: defaults in deploy/clickhouse/014_criterion_facts.sql, for rows written before that migration.
LEGACY_FATAL = {"politeness": 30.0}


def _criterion_facts(crit: Mapping[str, Any]) -> dict[str, Any]:
    """``call_criteria``'s fatal, fatal_failed and rule of a criterion; a record written before
    the Criterion had them gets the legacy guess (:data:`LEGACY_FATAL`; the rule: the id, which a rule
    criterion's rule defaults to)."""
    fatal, failed, rule = crit.get("fatal"), crit.get("fatal_failed"), crit.get("rule")
    if fatal is None:
        threshold = LEGACY_FATAL.get(crit["id"])
        value = crit.get("value") if crit["status"] == "scored" else None
        fatal = threshold is not None
        failed = threshold is not None and value is not None and value < threshold
    if rule is None and crit["source"] == "rule":
        rule = crit["id"]
    return {"fatal": int(bool(fatal)), "fatal_failed": int(bool(failed)), "rule": rule or ""}


#: Whose criteria a CallScore written before Criterion.role is taken to give a role: the packaged
#: cards, which name each of their role criteria by the role (politeness, and on ``default``
#: objection_handling, sale_probability, deal_stage). The same guess as the column's default in
#: deploy/clickhouse/016_criterion_role.sql, for rows written before that migration.
LEGACY_ROLE_CARDS = ("default", "support")


def _role(scorecard_id: str, crit: Mapping[str, Any]) -> str:
    """``call_criteria.role`` of a criterion ('' for none). A null role is also what a record from
    before the field says: on a packaged card, a criterion named as a role has it (:data:`ROLES`);
    a tenant card's criteria get none, and the views fall back to their guess (migration 015)."""
    role = crit.get("role")
    if role is None and scorecard_id in LEGACY_ROLE_CARDS and crit["id"] in ROLES:
        role = crit["id"]
    return role or ""


def _check_indices(segments: list[dict[str, Any]]) -> None:
    """``call_segments`` keeps one row per (call, idx): a transcript from another producer with an
    index twice (or below 0, which UInt32 cannot hold) would lose segments without a word. Such
    a call is refused with the reason (the sink dead-letters it)."""
    seen: set[int] = set()
    for seg in segments:
        idx = seg["idx"]
        if idx < 0 or idx >= 2**32:
            raise ValueError(f"segment index {idx} is outside 0..2^32-1")
        if idx in seen:
            raise ValueError(
                f"segment index {idx} appears more than once (segments and dropped_segments share one "
                "numbering): call_segments keeps one row per index, so segments would be lost"
            )
        seen.add(idx)


def _mask_rows(rows: dict[str, list[dict[str, Any]]], number: str) -> None:
    """Mask ``number`` in every string of ``rows`` (in place). A row none of whose strings contains
    the number (as written or as bare digits) is what masking would give back: it is left as is."""
    variants = _variants(number)
    if not variants:
        return
    mask = None
    # One substring search over a table's strings rules out most tables (the number rarely shows);
    # the separator cannot be part of a match unless a variant holds it.
    quick = not any(_SEPARATOR in v for v in variants)
    for table_rows in rows.values():
        if quick and not _may_hold(table_rows, variants):
            continue
        for i, row in enumerate(table_rows):
            for value in row.values():
                if value.__class__ not in _NOT_TEXT and _holds(value, variants):
                    break
            else:
                continue
            if mask is None:
                mask = _number_masker(number)
                assert mask is not None
            table_rows[i] = _mask_row(row, mask, variants)


_SEPARATOR = "\x00"


def _may_hold(table_rows: list[dict[str, Any]], variants: tuple[str, ...]) -> bool:
    """False when no string of ``table_rows`` contains one of ``variants`` (maps are not looked
    into: a row with one may hold them)."""
    texts = []
    for row in table_rows:
        for value in row.values():
            cls = value.__class__
            if cls is str:
                texts.append(value)
            elif cls not in _NOT_TEXT:
                return True
    joined = _SEPARATOR.join(texts)
    return any(v in joined for v in variants)


def _holds(value: Any, variants: tuple[str, ...]) -> bool:
    """Whether ``value`` (a string, or a map of them) contains one of ``variants``."""
    if isinstance(value, str):
        return any(v in value for v in variants)
    if isinstance(value, dict):
        return any(_holds(item, variants) for item in value.values())
    return False


def _pii_redacted(score: Mapping[str, Any]) -> dict[str, int]:
    """Redacted in segment texts, as the filter counted them (``FilteredTranscript.pii``, the same
    figure the record carries), plus those found only in the compressed text (words → digits).

    The filter's count, not one read back from the placeholders (``rules.pii``): the filter knew the
    digits, so it joins a number's pieces and read-backs across turns and noise that placeholders no
    longer show; on the PII probes it was right in 121 of 227 calls where the two disagree, the
    placeholder count in 57. ``rules.pii`` serves records without the filter's count."""
    compressed = score["compressed"]
    counted = (compressed.get("filtered") or {}).get("pii")
    return _add_counts(counted if counted is not None else score["rules"].get("pii"), compressed.get("pii"))


def _add_counts(*maps: Mapping[str, int] | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for m in maps:
        for key, n in (m or {}).items():
            out[key] = out.get(key, 0) + n
    return out


def payload_hash(payload: bytes | str) -> int:
    """64 bits of BLAKE2b over ``payload``."""
    data = payload.encode() if isinstance(payload, str) else bytes(payload)
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def failure_hash(dl: Mapping[str, Any]) -> int:
    """A dead letter's identity in its ``dead_letters`` key (the ``payload_hash`` column), so two
    failures reported at the same topic/partition/offset/stage (offset 0 outside Kafka, a restarted
    embedded broker) stay two rows, and one failure reported again collapses to one: a call's is its
    id and error, since its payload differs on every publish of the same event (``received_at``: the
    second ``demo --calls`` run over the same events doubled them); a record without a call id is
    its payload."""
    if dl.get("call_id"):
        return payload_hash(f"{dl['call_id']}\0{dl['error_class']}\0{dl['error_message']}")
    return payload_hash(dl["payload"])


def dead_letter_row(dl: Mapping[str, Any], version: int) -> dict[str, Any]:
    """A ``dead_letters`` row; key and payload stay the original bytes so the record can be replayed."""
    return {
        "stage": dl["stage"],
        "tenant": dl.get("tenant") or "",
        "topic": dl["topic"],
        "partition": dl["partition"],
        "offset": dl["offset"],
        "call_id": dl.get("call_id"),
        "key": dl.get("key"),
        "payload": dl["payload"],
        "payload_hash": failure_hash(dl),
        "error_class": dl["error_class"],
        "error_message": dl["error_message"],
        "attempts": dl["attempts"],
        "failed_at": dl["failed_at"],
        "_version": version,
    }


def alert_row(alert: Mapping[str, Any], version: int) -> dict[str, Any]:
    """An ``alerts`` row: the Alert record as is, plus ``_version`` (``suppressed`` false when an
    older writer did not have it)."""
    row = {column: alert.get(column) for column in TABLE_COLUMNS["alerts"] if column != "_version"}
    row["suppressed"] = bool(row["suppressed"])
    row["_version"] = version
    return row


def _variants(number: str) -> tuple[str, ...]:
    """The raw number as written and as bare digits (``+1 555-0100`` → ``15550100``), longest first;
    none for a number of under 5 digits (an extension "101", "0"): masking it would mask ordinary
    numbers in the text, and a short non-number ("Dana") would mask names."""
    digits = re.sub(r"\D", "", number)
    if len(digits) < 5:
        return ()
    return tuple(sorted({number.strip(), digits}, key=len, reverse=True))


def _number_masker(number: str | None) -> re.Pattern[str] | None:
    """A pattern matching the raw number as written and as bare digits (``+1 555-0100`` → ``15550100``)."""
    variants = _variants(number) if number else ()
    return re.compile("|".join(re.escape(v) for v in variants)) if variants else None


#: Join keys are never masked: a call id or agent id that happens to hold the number must still
#: join with alerts and the other tables.
_KEY_COLUMNS = frozenset({"call_id", "tenant", "agent_id"})
#: Column values that never hold text: nothing to mask in them.
_NOT_TEXT = frozenset({int, float, bool, type(None), datetime})


def _mask_row(
    row: dict[str, Any], mask: re.Pattern[str], variants: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """``row`` with the number masked in every string, also inside map values. ``variants`` (the
    strings ``mask`` matches) let strings that contain none of them skip the regex."""
    return {
        column: value
        if value.__class__ in _NOT_TEXT or column in _KEY_COLUMNS
        else _mask_value(value, mask, variants)
        for column, value in row.items()
    }


def _mask_value(value: Any, mask: re.Pattern[str], variants: tuple[str, ...] | None = None) -> Any:
    if isinstance(value, str):
        # ``mask`` is an alternation of these literal strings: it matches only where one occurs.
        if variants is not None and not any(v in value for v in variants):
            return value
        return mask.sub(NUMBER_MASK, value)
    if isinstance(value, dict):
        return {key: _mask_value(item, mask, variants) for key, item in value.items()}
    return value
