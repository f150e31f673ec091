"""`callstream eval --scorecard support` end to end: the support calls of tests/fixtures scored now by the
baseline and compared with the analysts' labels_support.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ml.evaluation import read_labels
from processors.scorecard import ScorecardRegistry
from streams.cli import main

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "tests" / "fixtures" / "labels_support.csv"
CALLS = ROOT / "tests" / "fixtures" / "support_calls.jsonl"
SUPPORT = ScorecardRegistry.load().get("support")


@pytest.fixture(autouse=True)
def _baseline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLSTREAM_LLM_URL", raising=False)
    monkeypatch.delenv("CALLSTREAM_SCORECARDS_DIR", raising=False)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[dict[str, list[str]], str]:
    """The summary rows by criterion id, and the whole output."""
    assert main(["eval", *args]) == 0
    out = capsys.readouterr().out
    ids = {c.id for c in SUPPORT.criteria}
    rows = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line.split()[:1] and line.split()[0] in ids
    }
    return rows, out


def _percent(cell: str) -> float:
    return float(cell.rstrip("%")) / 100


def test_every_labelled_call_is_in_the_calls_file_and_every_criterion_labelled() -> None:
    ids = [json.loads(line)["call_id"] for line in CALLS.read_text(encoding="utf-8").splitlines()]
    rows = read_labels(LABELS, SUPPORT)
    assert sorted(r.call_id for r in rows) == sorted(ids)
    assert all(set(r.values) == {c.id for c in SUPPORT.criteria} for r in rows)
    langs = [json.loads(line)["language"] for line in CALLS.read_text(encoding="utf-8").splitlines()]
    assert langs.count("ru") == langs.count("en")


def test_the_support_card_is_evaluated_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report"
    rows, out = _run(
        capsys, str(LABELS), "--calls", str(CALLS), "--scorecard", "support", "--report", str(report)
    )
    assert "scorer: baseline; scorecard support v" in out and "calls labelled 8, with scores 8" in out
    # every criterion of the card is compared on all 8 calls, none left unscored
    assert set(rows) == {c.id for c in SUPPORT.criteria}
    assert all(row[2] == "8" and row[-1] == "0" for row in rows.values()), rows
    # Measured for the baseline on these 8 calls: the resolved/escalated/unresolved rules (an answered
    # question resolved, the agent's own call back pending, a technician escalated) and the identity
    # checks (a phone number, the first line of the address) agree with the analyst on every call.
    for criterion in ("identity_verified", "issue_resolved", "next_steps"):
        assert rows[criterion][4] == "1.00" and rows[criterion][5] == "100%", rows[criterion]
    assert rows["price_mentions"][3] == "0.0"
    # complaint handling: a fault without a complaint word ("не пришло подтверждение", "I still haven't
    # seen the refund") is a complaint to handle, and the brush-off call scores below the base 20 (0)
    assert rows["complaint_handling"][5] == "100%", rows["complaint_handling"]
    # politeness by item (opening, please/thanks, apology/empathy where due, goodbye; at most 90): 7 of 8.
    # The one off is support-en-no-check, which the analyst marks down for the missing identity check.
    assert rows["politeness"][5] == "88%" and float(rows["politeness"][3]) <= 5.0, rows["politeness"]
    md = (report / "eval.md").read_text(encoding="utf-8")
    assert "| issue_resolved | category | 8 |" in md and "| complaint_handling | score | 8 |" in md


def test_a_wrong_label_shows_among_the_worst_disagreements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, _ = _run(capsys, str(LABELS), "--calls", str(CALLS), "--scorecard", "support")
    with LABELS.open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    wrong = next(r for r in table if r["call_id"] == "support-ru-office-hours")
    wrong["issue_resolved"], wrong["issue_resolved_comment"] = "escalated", "deliberately wrong"
    labels = tmp_path / "labels.csv"
    with labels.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    got, out = _run(capsys, str(labels), "--calls", str(CALLS), "--scorecard", "support", "--worst", "3")
    worst = out.split("worst disagreements:")[1]
    assert "support-ru-office-hours / issue_resolved: human escalated, predicted resolved" in worst
    assert "analyst: deliberately wrong" in worst
    assert "question answered" in worst  # the scorer's reasoning is shown beside it
    # one call of 8 now disagrees on that criterion, and on no other
    assert _percent(got["issue_resolved"][5]) == pytest.approx(
        _percent(rows["issue_resolved"][5]) - 1 / 8, abs=0.01
    )
    assert {k: v[5] for k, v in got.items() if k != "issue_resolved"} == {
        k: v[5] for k, v in rows.items() if k != "issue_resolved"
    }


def test_calls_without_a_queue_are_scored_on_the_card_the_labels_follow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A transcript export rarely names the queue; the pipeline would give such a call the default card,
    whose criteria are not the support card's, and the eval would score none of them."""
    bare = tmp_path / "calls.jsonl"
    lines = [json.loads(line) for line in CALLS.read_text(encoding="utf-8").splitlines()]
    bare.write_text("".join(json.dumps({k: v for k, v in c.items() if k != "queue"}) + "\n" for c in lines))
    with_queue, _ = _run(capsys, str(LABELS), "--calls", str(CALLS), "--scorecard", "support")
    without, out = _run(capsys, str(LABELS), "--calls", str(bare), "--scorecard", "support")
    assert without == with_queue and "scorecard support" in out


def test_a_doubled_quote_inside_a_comment_keeps_the_comment_whole(tmp_path: Path) -> None:
    # as a spreadsheet exports it; Python's sniffer alone ends the comment at the first doubled quote
    path = tmp_path / "labels.csv"
    path.write_text(
        'call_id,issue_resolved,comment\nc1,unresolved,"Brushes him off (""wait, not my job""), twice."\n',
        encoding="utf-8",
    )
    (row,) = read_labels(path, SUPPORT)
    assert row.comment == 'Brushes him off ("wait, not my job"), twice.'
    assert row.values == {"issue_resolved": "unresolved"}
