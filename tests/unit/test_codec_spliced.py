"""Bytes the codec spliced (an output around its input's bytes) are read back without decoding the
input again, and give exactly what a full decode gives."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

import schemas.codec as codec_module
from ml.tokenizer import TokenCounter
from processors.compression import compress
from processors.filtering import filter_transcript
from processors.scoring import Scorer
from schemas.codec import SchemaError, SingleObjectCodec
from streams.bench import make_bench_transcript
from tests.factories import make_transcript

NOW = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
SOURCE = {"FilteredTranscript": "Transcript", "CompressedTranscript": "FilteredTranscript"}


@pytest.fixture(scope="module")
def counter() -> TokenCounter:
    return TokenCounter()


def chain(codec: SingleObjectCodec, counter: TokenCounter, transcript: dict) -> list[tuple[str, bytes]]:
    """(record name, bytes) of each stage's output, filter → compress → score, as the stages run."""
    scorer = Scorer(scorer="baseline")
    data = codec.encode("Transcript", transcript)
    out = []
    for name, process in (
        ("FilteredTranscript", filter_transcript),
        ("CompressedTranscript", lambda r: compress(r, counter, counter.name)),
        ("CallScore", lambda r: scorer.score(r, now=NOW)),
    ):
        record, embedded = codec.decode_embeddable(SOURCE.get(name, "CompressedTranscript"), data)
        data = codec.encode(name, process(record), embedded=embedded)
        out.append((name, data))
    return out


def test_spliced_bytes_read_back_as_a_full_decode_reads_them(counter):
    codec = SingleObjectCodec()
    rng = random.Random(5)
    for i in range(10):
        for name, data in chain(codec, counter, make_bench_transcript(f"sp-{i}", rng)):
            fresh = SingleObjectCodec()  # remembers nothing: decodes in full
            record, embedded = codec.decode_embeddable(name, data)
            assert record == fresh.decode(name, data)
            assert list(record) == list(fresh.decode(name, data))  # field order too
            assert embedded is not None and embedded.body == data[10:]


def test_the_next_hop_reuses_the_decoded_input(counter):
    codec = SingleObjectCodec()
    data = codec.encode("CompressedTranscript", _compressed(codec, counter))
    compressed, embedded = codec.decode_embeddable("CompressedTranscript", data)
    score = Scorer(scorer="baseline").score(compressed, now=NOW)
    out = codec.encode("CallScore", score, embedded=embedded)
    assert codec.decode("CallScore", out)["compressed"] is compressed
    # another codec (another process) has not seen these bytes: a full decode, the same record
    assert SingleObjectCodec().decode("CallScore", out) == codec.decode("CallScore", out)


def test_only_exact_bytes_are_read_back_from_the_stub(counter):
    codec = SingleObjectCodec()
    name, data = chain(codec, counter, make_transcript())[-1]
    # a byte after the record is corruption (a chaos review stored such records as normal calls)
    with pytest.raises(SchemaError, match="1 bytes after the record"):
        codec.decode(name, data + b"\x00")
    with pytest.raises(SchemaError, match="1 bytes after the record"):
        codec.decode_embeddable(name, data + b"\x00")


def test_remembered_splices_are_bounded(counter, monkeypatch):
    monkeypatch.setattr(codec_module, "SPLICED_KEEP", 2)
    codec = SingleObjectCodec()
    outputs = [chain(codec, counter, make_transcript(f"b-{i}")) for i in range(3)]
    assert len(codec._spliced) == 2
    for out in outputs:  # forgotten or not, each reads back the same
        for name, data in out:
            assert codec.decode(name, data) == SingleObjectCodec().decode(name, data)


def _compressed(codec: SingleObjectCodec, counter: TokenCounter) -> dict:
    filtered = codec.decode(
        "FilteredTranscript", codec.encode("FilteredTranscript", filter_transcript(make_transcript()))
    )
    return compress(filtered, counter, counter.name)
