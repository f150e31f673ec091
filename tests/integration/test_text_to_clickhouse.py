"""The text stages' results, as BI reads them: filter → compress → rules scorer → sink → chDB.

The other sink tests write factory records; this one writes what the real processors computed from a
hand-written call, and checks the values (not only that the columns exist): rule criteria, PII
counts, token counts and the per-segment audit trail, including what the ASR guards dropped.
"""

from __future__ import annotations

import numpy as np
import pytest

from ml.tokenizer import TokenCounter
from ml.whisper import WhisperOptions
from processors.audio import ChannelAudio
from processors.compression import compress
from processors.filtering import filter_transcript
from processors.rows import score_rows
from processors.scoring import Scorer
from processors.transcribe import Utterance, _segment, guard
from schemas.codec import SingleObjectCodec
from streams.bench_text import make_transcript_from_turns
from streams.sink import ClickHouseSink

pytestmark = pytest.mark.integration

PHONE = "+7 916 123-45-67"
TURNS = [
    ("agent", "Good afternoon, Northwind, this is Dana speaking, how can I help you today?"),
    ("customer", "Hi, I would like to know the price of the pro plan for my team."),
    ("agent", "Um, so the pro plan is $39 a month per user, or 390 dollars a year."),
    ("customer", "Uh-huh."),
    ("customer", "That is too expensive for us, honestly."),
    ("agent", "I understand. I can give you twenty percent off for the first year."),
    ("customer", "Okay, okay, okay."),
    ("customer", f"Fine, call me back on {PHONE} tomorrow, or write to dana.client@example.com."),
    ("agent", "Sure, I'll send the contract to your email today."),
    ("agent", "Mm."),
]
#: Whisper heard it on the customer's channel after the call went quiet: the VAD guard drops it.
HALLUCINATION = "Thank you so much for watching, write to fan.club@example.com and call me back."


def with_guard_dropped(transcript: dict) -> dict:
    """``transcript`` plus an utterance the transcribe stage's guard drops as ``no_vad_speech``,
    carried the way that stage carries it (numbered after the dialogue)."""
    end = transcript["segments"][-1]["end"]
    utt = Utterance(1, end + 1.0, end + 4.0, HALLUCINATION, [], -0.4, 0.3)
    kept, reason, share = guard(utt, end + 5.0, [(0.0, end)], WhisperOptions())
    assert (kept, reason, share) == (None, "no_vad_speech", 0.0)
    customer = ChannelAudio(1, "customer", np.zeros(1, np.float32))
    segment = _segment(customer, utt, share, keep_words=False, drop_reason=reason)
    segment["index"] = len(transcript["segments"])
    return {**transcript, "dropped_segments": [segment], "dropped": {reason: 1}}


def rows(client, sql: str, **params) -> list[dict]:
    result = client.query(sql, parameters=params)
    return [dict(zip(result.column_names, r, strict=True)) for r in result.result_rows]


def test_rule_criteria_pii_and_audit_land_in_clickhouse(isolated_chdb):
    transcript = with_guard_dropped(make_transcript_from_turns("text-ch-1", TURNS))
    transcript["metrics"] |= {"agent_interruptions": 1, "customer_interruptions": 2}
    codec = SingleObjectCodec()  # every hop through Avro, as the stages' topics carry it
    transcript = codec.decode("Transcript", codec.encode("Transcript", transcript))
    counter = TokenCounter()
    filtered = filter_transcript(transcript)
    compressed = compress(filtered, counter, counter.name)
    score = Scorer(scorer="rules").score(compressed)
    score = codec.decode("CallScore", codec.encode("CallScore", score))
    rules = score["rules"]

    sink = ClickHouseSink(isolated_chdb)
    sink.add_rows(score_rows(score, 1), topic="calls.scored", partition=0, offset=0)
    sink.flush()

    [got] = rows(
        isolated_chdb,
        "SELECT price_mentions, text_language, code_switching, interruptions, pii_redacted, "
        "tokens_before, tokens_after, tokenizer, compression_level, compression_density, "
        "segments_total, segments_kept, dropped, words, silence_share "
        "FROM calls FINAL WHERE call_id = %(id)s",
        id="text-ch-1",
    )
    # "$39" and "390 dollars": two amounts; the call is English with no Russian
    assert got["price_mentions"] == 2 == rules["price_mentions"]
    assert got["text_language"] == "en" and got["code_switching"] == pytest.approx(0.0)
    assert got["interruptions"] == 3
    # one phone and one e-mail, redacted by the filter before anything was stored
    assert got["pii_redacted"] == {"PHONE": 1, "EMAIL": 1}
    assert got["tokens_before"] == compressed["tokens_before"]
    assert got["tokens_after"] == compressed["tokens_after"]
    assert 0 < got["tokens_after"] < got["tokens_before"]
    assert got["tokenizer"] == counter.name
    assert got["compression_level"].startswith("structural+semantic+dynamic:")
    assert got["compression_density"] == pytest.approx(compressed["density"])
    assert got["segments_total"] == len(TURNS)
    assert got["segments_kept"] == filtered["kept"] < len(TURNS)
    # "Mm." is a filler; "Uh-huh." after the stated price and "Okay, okay, okay." after the offer are consent
    assert got["dropped"] == {**filtered["dropped"], "no_vad_speech": 1} and got["dropped"]["filler"] == 1
    assert got["words"] == rules["words"] > 0
    assert got["silence_share"] == pytest.approx(rules["silence_share"], abs=1e-6)

    audit = rows(
        isolated_chdb,
        "SELECT idx, kept, drop_reason, text FROM call_segments FINAL WHERE call_id = %(id)s ORDER BY idx",
        id="text-ch-1",
    )
    # every segment, kept or not, and what the guards dropped after them
    assert [s["idx"] for s in audit] == list(range(len(TURNS) + 1))
    by_idx = {s["idx"]: s for s in audit}
    assert (by_idx[3]["kept"], by_idx[3]["drop_reason"]) == (1, None)  # "Uh-huh." to the price: consent
    assert (by_idx[9]["kept"], by_idx[9]["drop_reason"]) == (0, "filler")  # "Mm."
    assert by_idx[4]["kept"] == 1 and by_idx[4]["drop_reason"] is None  # the objection
    stored = " ".join(s["text"] for s in audit)
    assert "[PHONE]" in by_idx[7]["text"] and "[EMAIL]" in by_idx[7]["text"]
    assert "916" not in stored and "example.com" not in stored
    assert "$39" in stored and "390 dollars" in stored  # prices are not PII
    # what Whisper heard and the guard dropped: queryable by its reason, redacted, read by no LLM
    [heard] = rows(
        isolated_chdb,
        "SELECT idx, role, kept, drop_reason, vad_speech, text FROM call_segments FINAL "
        "WHERE call_id = %(id)s AND drop_reason = 'no_vad_speech'",
        id="text-ch-1",
    )
    assert (heard["idx"], heard["role"], heard["kept"]) == (len(TURNS), "customer", 0)
    assert heard["vad_speech"] == 0.0
    assert heard["text"] == "Thank you so much for watching, write to [EMAIL] and call me back."
    assert "watching" not in compressed["text"].lower()
