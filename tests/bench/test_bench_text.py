"""`callstream bench text` runs and meets its compression and recall targets (throughput is reported,
not asserted: it depends on the machine)."""

from __future__ import annotations

import pytest

from streams.bench_text import RECALL_TARGET, TOKENS_TARGET, measure, run_text_bench


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
