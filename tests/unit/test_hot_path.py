"""The stage hot path's shortcuts give exactly what the plain code gives.

- the codec reuses an embedded record's bytes only when that is byte-for-byte the full encoding;
- case-insensitive lexicon matching on lower-cased text finds what IGNORECASE finds (character by
  character over every character it is used for, and on whole processors' outputs);
- batched token counts equal one-by-one counts;
- row masking that skips rows without the number masks every row that has it.
"""

from __future__ import annotations

import io
import random
import re
from datetime import UTC, datetime

import pytest
from fastavro import parse_schema, schemaless_writer

from ml.tokenizer import TokenCounter
from processors import baseline, keyfacts, rules
from processors import text as T
from processors.compression import compress
from processors.filtering import filter_transcript
from processors.rows import NUMBER_MASK, score_rows
from processors.scoring import Scorer
from schemas.codec import MAGIC, Embedded, SchemaError, SingleObjectCodec, fingerprint_of, load
from streams.bench import make_bench_transcript
from tests.factories import make_call_score, make_transcript

NOW = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def counter() -> TokenCounter:
    return TokenCounter()


def _stage_chain(codec: SingleObjectCodec, counter: TokenCounter, transcript: dict) -> list[tuple]:
    """(output record name, output, embedded input) of filter → compress → score, as the stages run."""
    scorer = Scorer(scorer="baseline")
    data = codec.encode("Transcript", transcript)
    out = []
    for name, process in (
        ("FilteredTranscript", filter_transcript),
        ("CompressedTranscript", lambda r: compress(r, counter, counter.name)),
        ("CallScore", lambda r: scorer.score(r, now=NOW)),
    ):
        source = {"FilteredTranscript": "Transcript", "CompressedTranscript": "FilteredTranscript"}.get(
            name, "CompressedTranscript"
        )
        record, embedded = codec.decode_embeddable(source, data)
        result = process(record)
        out.append((name, result, embedded))
        data = codec.encode(name, result, embedded=embedded)
    return out


# --- codec: reusing the embedded record's bytes -------------------------------------------------------


def test_reused_bytes_are_exactly_the_full_encoding(counter):
    codec = SingleObjectCodec()
    rng = random.Random(11)
    for i in range(20):
        transcript = make_bench_transcript(f"hot-{i}", rng)
        for name, result, embedded in _stage_chain(codec, counter, transcript):
            assert embedded is not None
            assert codec.encode(name, result, embedded=embedded) == codec.encode(name, result)


def test_a_changed_embedded_record_is_encoded_again(counter):
    codec = SingleObjectCodec()
    name, score, embedded = _stage_chain(codec, counter, make_transcript())[-1]
    changed = {**score, "compressed": {**score["compressed"], "text": "Agent: something else"}}
    data = codec.encode(name, changed, embedded=embedded)
    assert data == codec.encode(name, changed)
    assert codec.decode(name, data)["compressed"]["text"] == "Agent: something else"


def test_an_unrelated_embedded_record_is_ignored():
    codec = SingleObjectCodec()
    score = make_call_score()
    other = Embedded("Transcript", b"\x00", make_transcript())  # CallScore holds no Transcript field
    assert codec.encode("CallScore", score, embedded=other) == codec.encode("CallScore", score)


def test_encoding_errors_are_still_reported_with_an_embedded_record(counter):
    codec = SingleObjectCodec()
    name, score, embedded = _stage_chain(codec, counter, make_transcript())[-1]
    with pytest.raises(ValueError, match="scorecard_id"):
        codec.encode(name, {**score, "scorecard_id": 7}, embedded=embedded)
    with pytest.raises(ValueError, match="unexpected"):
        codec.encode(name, {**score, "unexpected": 1}, embedded=embedded)


def test_only_current_schema_bytes_read_to_the_end_are_reusable():
    codec = SingleObjectCodec()
    data = codec.encode("FilteredTranscript", filter_transcript(make_transcript()))
    record, embedded = codec.decode_embeddable("FilteredTranscript", data)
    assert embedded is not None and embedded.body == data[10:] and embedded.record is record

    # Trailing bytes after the record: a corrupt body, never copied into another record.
    with pytest.raises(SchemaError, match="4 bytes after the record"):
        codec.decode_embeddable("FilteredTranscript", data + b"junk")

    # Written with another (older) schema: the body is in that schema's layout, not reusable.
    old = load("FilteredTranscript")
    old = {**old, "fields": [*old["fields"], {"name": "legacy", "type": "int", "default": 0}]}
    parsed = parse_schema(old, _write_hint=False)
    buf = io.BytesIO()
    buf.write(MAGIC + fingerprint_of(parsed))
    schemaless_writer(buf, parsed, {**record, "legacy": 3})
    reader = SingleObjectCodec(extra_writers={fingerprint_of(parsed): ("FilteredTranscript", parsed)})
    decoded, embedded3 = reader.decode_embeddable("FilteredTranscript", buf.getvalue())
    assert decoded == record and embedded3 is None


# --- case folding -------------------------------------------------------------------------------------


def _fold_safe_chars() -> list[str]:
    return [chr(c) for c in range(0x2100) if T._FOLD_SAFE_RE.fullmatch(chr(c))]


def test_fold_safe_characters_lower_case_one_to_one():
    for ch in _fold_safe_chars():
        low = ch.lower()
        assert len(low) == 1 and T._FOLD_SAFE_RE.fullmatch(low), hex(ord(ch))
        for cls in (r"\w", r"\s", r"\d"):
            assert bool(re.fullmatch(cls, ch)) == bool(re.fullmatch(cls, low)), (hex(ord(ch)), cls)


def test_ignorecase_on_fold_safe_characters_is_lower_case_equality():
    chars = _fold_safe_chars()
    literals = sorted({ch.lower() for ch in chars})
    for lit in literals:
        pattern = re.compile(re.escape(lit), re.IGNORECASE)
        for ch in chars:
            assert bool(pattern.fullmatch(ch)) == (ch.lower() == lit), (hex(ord(lit)), hex(ord(ch)))


def test_twins_exist_for_the_hot_patterns_and_not_for_unsafe_ones():
    for pattern in (
        rules.PRICE_RE,
        keyfacts._pattern(keyfacts.DEFAULT_LEXICON),
        keyfacts._question_pattern(keyfacts.DEFAULT_LEXICON),
        baseline._pattern(baseline.CLOSING),
        T._DISFLUENCY_WITH_COMMA,
    ):
        assert T.case_sensitive_twin(pattern) is not None, pattern.pattern[:60]
    assert T.case_sensitive_twin(re.compile(r"[A-Z]+", re.I)) is None  # upper-case range
    assert T.case_sensitive_twin(re.compile(r"\Wx", re.I)).pattern == r"\Wx"  # escapes kept
    assert T.case_sensitive_twin(re.compile("ſorry", re.I)) is None  # folds to "s" in the engine
    assert T.case_sensitive_twin(re.compile("abc")) is None  # not IGNORECASE: nothing to gain
    assert T.fold("Straße") is None and T.fold("İstanbul") is None and T.fold("Привет, ЁЖ!") == "привет, ёж!"


TEXTS = [
    "THANK YOU for calling, This Is Dana. How Can I Help?",
    "That's TOO EXPENSIVE, the Other Vendor is cheaper. It costs Forty Nine Dollars, or $49.99.",
    "I'll send the CONTRACT and the Invoice today. I Understand, I can offer a Free Trial.",
    "No, NOT INTERESTED, stop calling! I want a REFUND, this is a SCAM.",
    "Здравствуйте, меня зовут Анна. ЭТО СЛИШКОМ ДОРОГО, у конкурентов дешевле, 2 990 руб.",
    "Нет, не надо, больше не звоните! Я пришлю договор, договорились? Две тысячи рублей.",
    "Ну, как бы, э-э, я подумаю. Угу. Ага. Спасибо, всего доброго.",
    "Straße café İstanbul ſorry KELVIN K Å µ — mixed, unsafe text takes the plain path.",
    "Um, uh, you know, I mean, well... Yeah yeah yeah, Okay okay. 1 200 USD, €5, 5 €.",
]


def test_lexicon_functions_match_the_ignorecase_patterns():
    for text in TEXTS + [t.upper() for t in TEXTS] + [t.lower() for t in TEXTS]:
        assert keyfacts.signals(text) == [
            (m.lastgroup or "number", " ".join(m.group().lower().split()))
            for m in keyfacts._pattern(keyfacts.DEFAULT_LEXICON).finditer(text)
        ] + ([("question", "?")] if keyfacts._question_pattern(keyfacts.DEFAULT_LEXICON).search(text) else [])
        for phrases in (baseline.CLOSING, baseline.OBJECTION, baseline.POLITE["thanks"], baseline.REFUSAL):
            plain = list(dict.fromkeys(m.group(0).lower() for m in baseline._pattern(phrases).finditer(text)))
            assert baseline.find(phrases, text) == plain
        assert rules.price_mentions([text]) == (
            len(rules.PRICE_RE.findall(text)) if rules._CURRENCY_HINT.search(text) else 0
        )
        stripped = T._DISFLUENCY_WITH_COMMA.sub("", text)
        assert T.strip_disfluencies(text) == (T.tidy(stripped) if stripped != text else text)


def test_collapse_repeats_fast_path_keeps_its_answers():
    for text in [
        "да-да-да-да",
        "yeah yeah yeah",
        "I mean, I mean",
        "no repeats here",
        "a b a b",
        "a b c a b",
    ]:
        assert T.collapse_repeats(text) == (T._REPEAT_RE.sub(r"\1", text) if len(text) >= 3 else text)


# --- tokens, rows ---------------------------------------------------------------------------------------


def test_batched_token_counts_equal_single_counts(counter):
    texts = ["", "Agent: Hello there.", " ", "Клиент: Здравствуйте, сколько стоит?", "x" * 3000]
    plain = [len(counter._tok.encode(t, add_special_tokens=False).ids) if t else 0 for t in texts]
    assert counter.many(texts) == plain  # batched, without offsets: the same ids
    assert [counter(t) for t in texts] == plain


def test_rows_masking_skips_only_rows_without_the_number():
    score = make_call_score()
    rows = score_rows(score, 1)
    assert NUMBER_MASK in rows["call_segments"][1]["text"]
    assert NUMBER_MASK in rows["calls"][0]["crm"]["callback"]
    # Number also in a criterion's reasoning and as bare digits in another segment.
    score["criteria"][0]["reasoning"] = "customer said +1 (415) 555-0134 twice"
    score["compressed"]["filtered"]["transcript"]["segments"][0]["text"] = "call 14155550134 back"
    rows = score_rows(score, 1)
    assert rows["call_criteria"][0]["reasoning"] == f"customer said {NUMBER_MASK} twice"
    assert rows["call_segments"][0]["text"] == f"call {NUMBER_MASK} back"
    assert "14155550134" not in repr(rows) and "+1 (415) 555-0134" not in repr(rows)
