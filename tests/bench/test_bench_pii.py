"""``callstream bench pii``: the leak checker reads every secret it generated, false positives stay within
the target, and leaks do not regress. The leak target (5 %) is reported by the benchmark, not asserted."""

from __future__ import annotations

import re
from typing import Any

import pytest

from streams.bench_pii import DEFAULT_SEED, FP_TARGET, Case, digit_runs, make_cases, measure, secret_hits
from streams.cli import main

# Measured at DEFAULT_SEED: 2 leaks of 670 positive cases (0.3 %), 0 false positives of 142 negatives.
# A regression guard (the target, 5 %, is the bench's): lower it when redaction gets better.
MAX_LEAK_RATE = 0.003


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return measure(DEFAULT_SEED)


@pytest.mark.bench
def test_checker_reads_every_generated_secret(result: dict[str, Any]) -> None:
    # a positive whose unredacted input the checker cannot read would count as "no leak" whatever happens
    assert result["unreadable"] == []
    assert (result["positives"], result["negatives"]) == (670, 142)  # the denominators of the figures above


@pytest.mark.bench
def test_false_positives_within_target(result: dict[str, Any]) -> None:
    assert result["fp_rate"] <= FP_TARGET, [row["cid"] for row in result["fp_cases"]]


@pytest.mark.bench
def test_leaks_do_not_regress(result: dict[str, Any]) -> None:
    assert result["leak_rate"] <= MAX_LEAK_RATE, [row["cid"] for row in result["leak_cases"]]
    assert result["leaks"] == sum(c["leak"] for c in result["categories"].values())


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("восемь девятьсот шестнадцать, сто двадцать три", ["8916123"]),
        ("сорок два семьдесят шесть", ["4276"]),
        ("Восемь, три семёрки, две пятёрки, два нуля.", ["87775500"]),
        ("oh double seven, triple oh", ["077000"]),
        ("two hundred thirty-four, um, fifty", ["23450"]),
        ("Ending in 9848, right?", ["9848"]),
        ("[PHONE] 12 34", ["1234"]),
        ("Call 12, then 34 days", ["12", "34"]),  # any other word breaks a run
        ("oh well", []),  # "oh" alone is no zero
    ],
)
def test_digit_runs_read_number_words(text: str, runs: list[str]) -> None:
    assert digit_runs(text) == runs


def test_secret_hits_allow_a_cards_last_four() -> None:
    case = Case("c", "card", "en", [], secrets=["4276380012345678"], allowed={"5678"})
    assert secret_hits("Visa ending 5678", case) == []
    assert secret_hits("four two seven six", case)
    spelled = Case("e", "email", "en", [], markers=["petrov"])
    assert secret_hits("it's [EMAIL], P-E-T-R-O-V", spelled) == ["e-mail word 'petrov'"]


def test_cases_are_deterministic() -> None:
    assert make_cases(DEFAULT_SEED) == make_cases(DEFAULT_SEED)
    assert make_cases(1) != make_cases(DEFAULT_SEED)


@pytest.mark.bench
def test_cli_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "pii", "--seed", "3", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "(seed 3)" in out
    assert re.search(r"^leaks \(\d+ of \d+ positive cases\)\s+100\.0 %\s+\d+\.\d %\s+≤ 5 %$", out, re.M), out
    assert re.search(r"^false positives \(\d+ of \d+ negatives\)\s+0\.0 %\s+\d+\.\d %\s+≤ 2 %$", out, re.M)
    assert re.search(r"^CVV readable \(16 cases, not in the leaks\)", out, re.M)
    assert re.search(r"^result\s+(PASS|BELOW TARGET)", out, re.M)
    assert re.search(r"^ru_mobile_digits\s+\d+\s+\d+\s+\d+\.\d %", out, re.M)
    assert "  in  customer: " in out and "  out         : " in out  # --verbose lists each leak
