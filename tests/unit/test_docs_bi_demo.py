"""docs/bi.md tells an analyst trying its queries on the `callstream demo` rows what to put for the
examples' tenant and dates: those facts must stay the bundled samples' own."""

from __future__ import annotations

import json
import re
from pathlib import Path

from connectors.events import SAMPLE_CALLS

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_note_names_the_samples_tenant_queues_date_and_agents() -> None:
    doc = (ROOT / "docs" / "bi.md").read_text(encoding="utf-8")
    note = doc.split("**Trying them on the `callstream demo` data**", 1)[1].split("\n\n", 1)[0]
    calls = [json.loads(line) for line in SAMPLE_CALLS.read_text(encoding="utf-8").splitlines() if line]
    (tenant,) = {c["tenant"] for c in calls}
    assert f"the sample calls are tenant `{tenant}`" in note
    assert "queues " + " and ".join(f"`{q}`" for q in sorted({c["queue"] for c in calls})) in note
    (day,) = {c["started_at"][:10] for c in calls}
    assert f"took place on\n{day}" in note or f"took place on {day}" in note
    agents = sorted(c["agent"]["id"] for c in calls)
    assert f"`{agents[0]}`..`{agents[-1]}`" in note
    # "Worst agents" keeps agents with at least 3 scored calls: the note says so, and gives the
    # threshold that a demo agent reaches, as long as the demo agents have fewer calls than that
    (threshold,) = set(re.findall(r"HAVING sum\(scored_calls\) >= (\d+)", doc))
    per_agent = max(agents.count(a) for a in agents)
    assert per_agent < int(threshold)
    assert f"`HAVING sum(scored_calls) >= {threshold}`" in note
    assert f"put `>= {per_agent}` for `>= {threshold}`" in note
    # the example the note gives reads the demo's tenant, and the doc's examples still read 'acme'
    assert re.search(rf"tenant = '{tenant}'\"`", note)
    assert "tenant = 'acme'" in doc
