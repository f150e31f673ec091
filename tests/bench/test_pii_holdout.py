"""Regression guard on the held-out PII probe (tests/pii_holdout.py): its leak and false-positive
rates may not get worse. Measured: 3 of 373 secrets readable (0.8 %; the
redaction leaked 63, 16.9 %, when the probe was blind), 1 of 126 negatives touched (0.8 %)."""

from __future__ import annotations

import pytest

from tests.pii_holdout import evaluate, load_cases

MAX_LEAK_RATE = 0.009  # 3 of 373 measured
MAX_FALSE_POSITIVES = 1  # neg-400: stored right; the LLM text, redacted again without the question, not


@pytest.fixture(scope="module")
def results() -> list[dict]:
    return evaluate(load_cases())


def test_the_held_out_leak_rate_does_not_regress(results):
    items = [it for r in results for it in r["items"]]
    leaked = [it for it in items if it["leak_stored"] or it["leak_llm"]]
    assert len(items) == 373
    assert len(leaked) / len(items) <= MAX_LEAK_RATE, sorted(
        {r["id"] for r in results if any(it["leak_stored"] or it["leak_llm"] for it in r["items"])}
    )


def test_the_held_out_false_positives_do_not_regress(results):
    negatives = [r for r in results if r["cat"].startswith("neg")]
    assert len(negatives) == 126
    assert sum(r["fp"] for r in negatives) <= MAX_FALSE_POSITIVES, [r["id"] for r in negatives if r["fp"]]


def test_the_checker_sees_every_secret_without_redaction():
    """The leak checker itself: on the unredacted text every secret is readable, no negative flagged."""
    baseline = evaluate(load_cases(), baseline=True)
    assert all(it["leak_stored"] for r in baseline for it in r["items"])
    assert not any(r["fp"] for r in baseline)
