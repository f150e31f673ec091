"""``callstream bench alerts``: scored call → webhook latency against one raw Kafka hop.

The target (p95 within seconds) is reported by the benchmark, not asserted: a busy CI machine says
nothing reliable about latency. This checks that the generated calls really break the rule, that
every call's alert reaches the webhook, and that the table is coherent (the pipeline's three topic
hops cannot beat one raw hop).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from processors.alerts import AlertRulebook, evaluate
from schemas.codec import SingleObjectCodec
from streams.bench_alerts import RULE, make_scores, percentile, summary
from streams.settings import Settings
from tests.cli_env import cli_env

ROOT = Path(__file__).resolve().parents[2]


def test_generated_scores_break_the_rule_each_with_its_own_agent(tmp_path: Path) -> None:
    codec = SingleObjectCodec()
    scores = [codec.decode("CallScore", v) for _, v in make_scores(Settings(data_dir=tmp_path), 4, "b-")]
    rulebook = AlertRulebook.load(None)
    for score in scores:
        rules = {alert["rule"] for alert in evaluate(score, rulebook)}
        assert RULE in rules, rules
    assert len({s["compressed"]["filtered"]["transcript"]["call"]["agent"]["id"] for s in scores}) == 4


def test_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == pytest.approx(95.05)
    assert percentile([0.2], 0.95) == 0.2
    assert summary([0.1, 0.3, 0.2]) == {"p50": 0.2, "p95": pytest.approx(0.29), "max": 0.3}


@pytest.mark.bench
@pytest.mark.integration
def test_bench_alerts_cli(tmp_path: Path) -> None:
    env = cli_env({"CALLSTREAM_DATA_DIR": str(tmp_path)})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-m", "streams.cli", "bench", "alerts", "--calls", "8"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    print(out)
    medians = [float(m.replace(",", "")) for m in re.findall(r"p50 ([\d,.]+) ms", out)]
    assert len(medians) == 2, out
    base, pipe = medians
    assert 0 < base < pipe, out
    ratio = float(re.search(r"ratio \(pipeline p50 / baseline p50\)\s+([\d.]+) raw hops", out).group(1))
    assert ratio == pytest.approx(pipe / base, rel=0.05)
    assert re.search(r"^result\s+(PASS|BELOW TARGET)$", out, re.M), out
    assert not list(tmp_path.glob("callstream-bench-*")), "the bench leaves no data behind"
