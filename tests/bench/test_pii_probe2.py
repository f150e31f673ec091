"""Regression guard on the second held-out PII probe (tests/pii_probe2.py): its leak and false-positive
counts may not get worse. Measured: none of 396 secret-bearing snippets readable (the redaction leaked
47, 11.9 %, when the probe was blind; the last, "+1 404 let me see, [PHONE]", went with the seventh
probe's fixes), 0 of 124 negatives touched."""

from __future__ import annotations

import pytest

from tests.pii_probe2 import build_cases, clean, evaluate, leaks, reference

MAX_LEAKS = 0
MAX_FALSE_POSITIVES = 0


@pytest.fixture(scope="module")
def results() -> list[dict]:
    return evaluate()


def test_the_second_probe_leak_count_does_not_regress(results):
    positives = [r for r in results if not r["negative"]]
    assert len(positives) == 396
    leaked = [r["id"] for r in positives if r["leaked"]]
    assert len(leaked) <= MAX_LEAKS, leaked


def test_the_second_probe_false_positives_do_not_regress(results):
    negatives = [r for r in results if r["negative"]]
    assert len(negatives) == 124
    fps = [r["id"] for r in negatives if r["fp"]]
    assert len(fps) <= MAX_FALSE_POSITIVES, fps


def test_the_checker_sees_every_secret_without_redaction():
    """The leak checker itself: on the unredacted text every secret is readable (stored and LLM text), no
    negative flagged."""
    baseline = evaluate(baseline=True)
    positives = [r for r in baseline if not r["negative"]]
    assert all(r["leak_ch"] and r["leak_llm"] for r in positives), [
        r["id"] for r in positives if not (r["leak_ch"] and r["leak_llm"])
    ]
    assert not any(r["fp"] for r in baseline)


def test_the_checker_sees_nothing_once_every_secret_is_a_placeholder():
    """A perfect redactor (each secret span replaced by a placeholder) leaks nothing: a leak the probe
    reports is a secret left readable, not a coincidence of the surrounding words."""
    for c in build_cases():
        if not c.negative:
            assert not leaks(c, [reference(t) for _, t in c.turns]), c.cid
            assert leaks(c, [clean(t) for _, t in c.turns]), c.cid
