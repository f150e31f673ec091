"""`callstream bench text` runs and meets its compression and recall targets (throughput is reported,
not asserted: it depends on the machine)."""

from __future__ import annotations

import random
import re

import pytest

from streams.bench_text import (
    RECALL_TARGET,
    TOKENS_TARGET,
    make_long_transcript,
    measure,
    run_text_bench,
    vary,
)


@pytest.mark.bench
def test_text_bench_targets():
    r = measure(calls=20)
    assert r["generated"]["removed"] >= TOKENS_TARGET
    for label in ("fixtures", "generated"):
        assert r[label]["recall"] >= RECALL_TARGET
        assert r[label]["tokens_after"] < r[label]["tokens_before"]
    tp = r["throughput"]
    assert tp["stages"] > 0 and tp["passthrough"] > tp["stages"]


@pytest.mark.bench
def test_text_bench_prints_baselines(capsys):
    assert run_text_bench(4) == 0
    out = capsys.readouterr().out
    assert "tokens removed, generated" in out and "key-fact recall" in out and "calls/s" in out


def test_varied_calls_rarely_repeat_a_sentence_and_keep_their_numbers():
    """The throughput is measured on texts a per-text cache cannot see twice, as on real traffic."""
    rng = random.Random(3)

    def call(i: int) -> dict:
        return make_long_transcript(f"v-{i}", random.Random(i), ("en", "ru")[i % 2])

    plain = [call(i) for i in range(20)]
    varied = [vary(call(i), rng) for i in range(20)]
    for before, after in zip(plain, varied, strict=True):
        for old, new in zip(before["segments"], after["segments"], strict=True):
            assert re.findall(r"\d+", old["text"]) == re.findall(r"\d+", new["text"])
            if len(old["text"].split()) < 3:
                assert new["text"] == old["text"]  # backchannels repeat in real calls too
    long = [s["text"] for t in varied for s in t["segments"] if len(s["text"].split()) >= 3]
    assert len(set(long)) > 0.9 * len(long)
    assert len({s["text"] for t in plain for s in t["segments"]}) < 0.2 * len(long)
