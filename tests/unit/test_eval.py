"""`callstream eval` (metrics, labels, reports, ClickHouse path), the fine-tuning dataset and `llm serve`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml.evaluation import LabelsError, macro_f1, mae, read_labels
from ml.finetune import write_dataset
from ml.llm_serve import vllm_command
from ml.prompts import PROMPT_VERSION, parse_answer
from processors.rows import TABLE_COLUMNS, score_rows
from processors.scorecard import default_scorecard
from processors.scoring import Scorer
from streams.cli import main
from streams.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "tests" / "fixtures" / "labels.csv"
SAMPLES = ROOT / "connectors" / "samples"
CARD = default_scorecard()


@pytest.fixture
def sample_calls(tmp_path: Path) -> Path:
    """The bundled sample calls' timelines as `--calls` JSON lines."""
    path = tmp_path / "calls.jsonl"
    lines = [
        json.dumps(json.loads(p.read_text()), ensure_ascii=False)
        for p in sorted(SAMPLES.glob("*.timeline.json"))
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_metrics_match_hand_computation():
    assert mae([(80, 70), (50, 60), (0, 0)]) == pytest.approx(20 / 3)
    # labels a/b: a: tp1 fp1 fn0 → 2/3; b: tp1 fp0 fn1 → 2/3
    assert macro_f1([("a", "a"), ("b", "a"), ("b", "b")]) == pytest.approx(2 / 3)
    assert macro_f1([("no", "no"), ("no", "no")]) == 1.0
    assert mae([]) is None and macro_f1([]) is None


def test_baseline_mae_f1_on_the_fixture_calls(sample_calls, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CALLSTREAM_LLM_URL", raising=False)
    report = tmp_path / "report"
    rc = main(["eval", str(LABELS), "--calls", str(sample_calls), "--report", str(report)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "scorer: baseline" in out
    rows = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line.split()[:1] and line.split()[0] in {c.id for c in CARD.criteria}
    }
    # Measured for the baseline on the four hand-labelled sample calls (labels: tests/fixtures/labels.csv).
    assert rows["politeness"][3] == "7.5"  # MAE
    assert rows["objection_handling"][3] == "5.0"
    assert rows["sale_probability"][3] == "8.8"
    assert rows["deal_stage"][4] == "0.56"  # macro F1
    assert rows["case_examples"][4] == "1.00"
    assert rows["price_named"][4] == "1.00" and rows["price_mentions"][3] == "0.0"
    assert "worst disagreements" in out and "sample-en-complaint / deal_stage" in out
    md = (report / "eval.md").read_text()
    assert "| politeness | score | 4 | 7.5 |" in md
    assert "analyst:" in md and "scorer:" in md
    pytest.importorskip("matplotlib")
    assert (report / "eval.png").read_bytes()[:4] == b"\x89PNG"


def test_eval_reads_scores_from_clickhouse(isolated_chdb, chdb_dsn, tmp_path, capsys):
    from ml.evaluation import compressed_from_call

    database = isolated_chdb.database
    scorer = Scorer(scorer="baseline")
    for path in sorted(SAMPLES.glob("*.timeline.json")):
        compressed = compressed_from_call(json.loads(path.read_text()))
        compressed["filtered"]["transcript"]["call"] = {"tenant": "demo", "queue": None}
        score = scorer.score(compressed)
        criteria = score_rows_criteria(score)
        isolated_chdb.insert(
            "call_criteria", [list(r.values()) for r in criteria], column_names=list(criteria[0])
        )
    settings = load_settings(clickhouse_dsn=f"{chdb_dsn}?database={database}")
    from ml.evaluation import run_eval

    assert run_eval(settings, LABELS) == 0
    out = capsys.readouterr().out
    assert "scorer: baseline" in out and "with scores 4" in out


def test_eval_from_clickhouse_leaves_out_calls_scored_on_another_card(isolated_chdb, chdb_dsn, capsys):
    """After `callstream demo`, the two support-queue samples are scored on the support card: their
    politeness is that card's and their sales criteria are absent, not unscored, so comparing them
    with the sales labels would mix two rubrics. They are left out, named, with what to do."""
    from dataclasses import replace

    from ml.evaluation import compressed_from_call, run_eval
    from processors.scorecard import ScorecardRegistry

    support = ScorecardRegistry.load(None).get("support")
    on_support = Scorer(scorer="baseline")
    on_support.registry = ScorecardRegistry([replace(support, tenants=("*",), queues=("*",))])
    for path in sorted(SAMPLES.glob("*.timeline.json")):
        compressed = compressed_from_call(json.loads(path.read_text()))
        compressed["filtered"]["transcript"]["call"] = {"tenant": "demo", "queue": None}
        scorer = on_support if "sale" not in path.name else Scorer(scorer="baseline")
        criteria = score_rows_criteria(scorer.score(compressed))
        isolated_chdb.insert(
            "call_criteria", [list(r.values()) for r in criteria], column_names=list(criteria[0])
        )
    settings = load_settings(clickhouse_dsn=f"{chdb_dsn}?database={isolated_chdb.database}")

    assert run_eval(settings, LABELS) == 0
    captured = capsys.readouterr()
    assert "calls labelled 4, with scores 2" in captured.out
    politeness = next(line.split() for line in captured.out.splitlines() if line.startswith("politeness"))
    assert politeness[2] == "2" and politeness[-1] == "0"  # n, unscored: the sales calls only
    assert "2 labelled call(s) were scored on another scorecard than 'default'" in captured.err
    assert "(support: sample-en-complaint, sample-en-mono)" in captured.err and "--calls" in captured.err


def score_rows_criteria(score: dict) -> list[dict]:
    """call_criteria rows for a score built from a bare timeline (no call metadata)."""
    from datetime import UTC, datetime

    return [
        {
            "tenant": "demo",
            "call_id": score["call_id"],
            "criterion_id": c["id"],
            "title": c["title"],
            "kind": c["kind"],
            "source": c["source"],
            "status": c["status"],
            "value": c["value"],
            "label": c["label"],
            "reasoning": c["reasoning"],
            "fatal": int(c["fatal"]),
            "fatal_failed": int(c["fatal_failed"]),
            "rule": c["rule"] or "",
            "role": c["role"] or "",
            "scorecard_id": score["scorecard_id"],
            "scorecard_version": score["scorecard_version"],
            "scorer": score["scorer"],
            "agent_id": "a",
            "queue": None,
            "started_at": datetime(2026, 1, 1, tzinfo=UTC),
            "_version": 1,
        }
        for c in score["criteria"]
    ]


def test_call_criteria_helper_matches_the_sink_columns():
    from tests.factories import make_call_score

    assert list(score_rows(make_call_score("x"), 1)["call_criteria"][0]) == TABLE_COLUMNS["call_criteria"]
    assert (
        list(score_rows_criteria(Scorer().score(make_call_score("x")["compressed"]))[0])
        == TABLE_COLUMNS["call_criteria"]
    )


def test_no_matching_calls_is_exit_2(tmp_path, capsys):
    empty = tmp_path / "calls.jsonl"
    empty.write_text("")
    assert main(["eval", str(LABELS), "--calls", str(empty)]) == 2
    assert "none of the 4 labelled call(s)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("call_id,politeness\nc1,120\n", "labels.csv:2: politeness: expected 0-100"),
        ("call_id,deal_stage\nc1,won\n", "expected one of start, needs"),
        ("call_id,case_examples\nc1,maybe\n", "expected yes/no"),
        ("id,politeness\nc1,50\n", "needs a call_id column"),
        ("call_id,empathy\nc1,50\n", "empathy are not criteria of scorecard default"),
    ],
)
def test_bad_labels_are_clear_errors(csv, message, tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(csv)
    with pytest.raises(LabelsError, match=message):
        read_labels(path, CARD)


def test_labels_accept_semicolons_russian_yes_no_and_percent(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("call_id;case_examples;sale_probability\nc1;да;85%\n", encoding="utf-8")
    (row,) = read_labels(path, CARD)
    assert row.values == {"case_examples": "да", "sale_probability": "85%"}


def test_finetune_dataset_from_labels_and_transcripts(sample_calls, tmp_path):
    out = tmp_path / "train.jsonl"
    stats = write_dataset(CARD, LABELS, sample_calls, out)
    assert stats.written == 4 and not stats.skipped_incomplete
    examples = [json.loads(line) for line in out.read_text().splitlines()]
    sale = next(e for e in examples if e["call_id"] == "sample-en-sale")
    assert [m["role"] for m in sale["messages"]] == ["system", "user", "assistant"]
    assert "Agent: Good morning, this is Daniel" in sale["messages"][1]["content"]
    assert sale["prompt_version"] == PROMPT_VERSION
    answer = json.loads(sale["messages"][2]["content"])
    assert list(answer)[:2] == ["reasoning", "summary"]  # explain first, as at inference
    assert answer["reasoning"]["sale_probability"] == "Customer agreed to a trial, not yet to a paid plan."
    assert answer["reasoning"]["politeness"].startswith("Greets and introduces himself")
    assert answer["politeness"] == 80 and answer["deal_stage"] == "closing"
    # The target answer passes the same validation as a model's answer.
    parsed = parse_answer(CARD, sale["messages"][2]["content"])
    assert parsed["values"]["politeness"][0] == 80.0


def test_finetune_skips_calls_with_missing_labels(sample_calls, tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("call_id,politeness,comment\nsample-en-sale,80,only one label\nunknown-call,50,\n")
    stats = write_dataset(CARD, labels, sample_calls, tmp_path / "out.jsonl")
    assert stats.written == 0
    assert stats.skipped_incomplete == ["sample-en-sale"] and stats.skipped_no_transcript == ["unknown-call"]


def test_vllm_serve_command_from_settings():
    settings = load_settings(
        llm_url="http://gpu-1:8100/v1",
        llm_model="sales",
        llm_serve_model="/models/Qwen2.5-7B-Instruct",
        llm_lora_modules="sales=/adapters/sales,support=/adapters/support",
        llm_api_key="sk-x",
        llm_max_concurrency=16,
    )
    assert vllm_command(settings, extra=["--max-model-len", "8192"]) == [
        "vllm",
        "serve",
        "/models/Qwen2.5-7B-Instruct",
        "--host",
        "0.0.0.0",
        "--port",
        "8100",
        "--api-key",
        "sk-x",
        "--enable-lora",
        "--lora-modules",
        "sales=/adapters/sales",
        "support=/adapters/support",
        "--max-num-seqs",
        "16",
        "--structured-outputs-config",
        '{"backend": "xgrammar", "disable_any_whitespace": true}',
        "--max-model-len",
        "8192",
    ]
    # The user's own structured-output settings win over the default.
    own = ["--structured-outputs-config.backend", "guidance"]
    assert vllm_command(settings, extra=own)[-4:] == ["--max-num-seqs", "16", *own]


def test_vllm_serve_without_adapters_serves_the_model_name(capsys):
    settings = load_settings(llm_url="http://h:8000/v1", llm_model="qwen", llm_serve_model="/m/qwen7b")
    cmd = vllm_command(settings)
    assert cmd[cmd.index("--served-model-name") + 1] == "qwen" and "--enable-lora" not in cmd
    assert main(["llm", "serve", "--dry-run"]) in (0, 2)  # reads env settings; never starts vLLM


def test_llm_serve_needs_a_model(capsys, monkeypatch):
    monkeypatch.delenv("CALLSTREAM_LLM_SERVE_MODEL", raising=False)
    assert main(["llm", "serve", "--dry-run"]) == 2
    assert "CALLSTREAM_LLM_SERVE_MODEL" in capsys.readouterr().err


def test_without_report_nothing_is_written(sample_calls, tmp_path, capsys, monkeypatch):
    """The README said eval "writes eval.md + eval.png"; it does only with --report DIR."""
    monkeypatch.delenv("CALLSTREAM_LLM_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.rglob("*"))
    assert main(["eval", str(LABELS), "--calls", str(sample_calls)]) == 0
    assert "report:" not in capsys.readouterr().out
    assert set(tmp_path.rglob("*")) == before
