"""Evaluation against analysts: MAE per score criterion, F1 per yes/no and category criterion.

Input is the analysts' spreadsheet (CSV, or XLSX with openpyxl): one row per call, a ``call_id``
column, one column per criterion id holding the human value (0-100, yes/no, a category label, a
count; empty = not labelled), and an optional ``comment`` column (plus optional ``<id>_comment``
columns per criterion). Predictions come from ClickHouse (``call_criteria``) or are scored now from
``--calls`` (see :func:`compressed_from_call`) on the scorecard the labels follow.

Metrics (small, exact implementations; no scikit-learn needed):

- ``score`` / ``count``: MAE (mean absolute error); agreement = share within ±:data:`SCORE_TOLERANCE`.
- ``yes_no`` / ``category``: F1 macro-averaged over the labels present in either column (as
  scikit-learn's ``f1_score(average="macro", labels=present)``), so an all-"no" criterion answered
  all "no" scores 1.0 instead of an undefined positive-class F1; agreement = exact match share.
- overall agreement: share of all labelled (call, criterion) pairs that agree.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from processors.scorecard import Criterion, Scorecard

SCORE_TOLERANCE = 10.0
_YES = {"yes", "y", "1", "true", "да", "д", "+"}
_NO = {"no", "n", "0", "false", "нет", "н", "-"}


class LabelsError(ValueError):
    """The labels spreadsheet cannot be used; the message says why (file, row, column)."""


@dataclass
class LabelRow:
    call_id: str
    values: dict[str, str]
    comment: str = ""
    comments: dict[str, str] = field(default_factory=dict)


@dataclass
class Prediction:
    value: float | None
    label: str | None
    reasoning: str | None
    status: str = "scored"


@dataclass
class Pair:
    call_id: str
    criterion: str
    human: float | str
    predicted: float | str | None
    human_comment: str
    reasoning: str | None
    error: float  # 0..1: |diff|/100 for scores, 0/1 for labels, |diff|/max(1,human) for counts


@dataclass
class CriterionReport:
    id: str
    kind: str
    n: int
    mae: float | None = None
    f1: float | None = None
    agreement: float | None = None
    missing: int = 0  # labelled by analysts but without a prediction
    pairs: list[Pair] = field(default_factory=list)


@dataclass
class EvalReport:
    scorer: str
    criteria: list[CriterionReport]
    calls_labelled: int
    calls_matched: int

    @property
    def pairs(self) -> list[Pair]:
        return [p for c in self.criteria for p in c.pairs]

    @property
    def agreement(self) -> float | None:
        pairs = self.pairs
        if not pairs:
            return None
        return sum(_agrees(p) for p in pairs) / len(pairs)

    def worst(self, n: int = 5) -> list[Pair]:
        return sorted(self.pairs, key=lambda p: (-p.error, p.call_id, p.criterion))[:n]


def _agrees(p: Pair) -> bool:
    if isinstance(p.human, float) and isinstance(p.predicted, float):
        return abs(p.human - p.predicted) <= SCORE_TOLERANCE
    return p.human == p.predicted


# --- reading --------------------------------------------------------------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            import openpyxl
        except ImportError:
            raise LabelsError(
                f"{path}: reading .xlsx needs openpyxl: pip install 'callstream[eval]'"
            ) from None
        sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).active
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        if not rows:
            return []
        header = [h.strip() for h in rows[0]]
        return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(c.strip() for c in row)]
    with open(path, encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
            # The sniffer says "no doubled quotes" whenever a field with one also holds the delimiter
            # ("Brushes him off (""wait, not my job"")"), and the comment then ends at that quote;
            # spreadsheets write a quote inside a quoted field doubled, and nothing else escapes it.
            dialect.doublequote = dialect.escapechar is None
        except csv.Error:
            dialect = csv.excel
        return [
            {(k or "").strip(): (v or "") for k, v in row.items()}
            for row in csv.DictReader(fh, dialect=dialect)
        ]


def read_labels(path: Path, card: Scorecard) -> list[LabelRow]:
    """Analysts' labels for the criteria of ``card``; unknown columns other than comments are errors."""
    path = Path(path)
    if not path.is_file():
        raise LabelsError(f"{path}: no such file")
    rows = _rows(path)
    if not rows:
        raise LabelsError(f"{path}: no rows")
    columns = set(rows[0])
    if "call_id" not in columns:
        raise LabelsError(f"{path}: needs a call_id column (got {', '.join(sorted(columns))})")
    ids = {c.id for c in card.criteria}
    known = ids | {"call_id", "comment"} | {f"{i}_comment" for i in ids}
    unknown = sorted(c for c in columns - known if c)
    if unknown:
        raise LabelsError(
            f"{path}: column(s) {', '.join(unknown)} are not criteria of scorecard {card.id} "
            f"v{card.version} ({', '.join(sorted(ids))})"
        )
    out = []
    for lineno, row in enumerate(rows, start=2):
        call_id = row["call_id"].strip()
        if not call_id:
            raise LabelsError(f"{path}:{lineno}: empty call_id")
        values = {}
        for c in card.criteria:
            raw = (row.get(c.id) or "").strip()
            if raw:
                _human_value(c, raw, f"{path}:{lineno}: {c.id}")  # validate early, with the line
                values[c.id] = raw
        out.append(
            LabelRow(
                call_id,
                values,
                (row.get("comment") or "").strip(),
                {c.id: (row.get(f"{c.id}_comment") or "").strip() for c in card.criteria},
            )
        )
    return out


def _human_value(c: Criterion, raw: str, where: str) -> float | str:
    text = raw.strip().lower()
    if c.kind in ("score", "count"):
        try:
            value = float(text.rstrip("%").replace(",", "."))
        except ValueError:
            raise LabelsError(f"{where}: expected a number, got {raw!r}") from None
        if c.kind == "score" and not 0 <= value <= 100:
            raise LabelsError(f"{where}: expected 0-100, got {raw!r}")
        return value
    if c.kind == "yes_no":
        if text in _YES:
            return "yes"
        if text in _NO:
            return "no"
        raise LabelsError(f"{where}: expected yes/no, got {raw!r}")
    if text not in c.values:
        raise LabelsError(f"{where}: expected one of {', '.join(c.values)}, got {raw!r}")
    return text


def _predicted(c: Criterion, p: Prediction | None) -> float | str | None:
    if p is None or p.status != "scored":
        return None
    if c.kind in ("score", "count"):
        return None if p.value is None else float(p.value)
    return p.label


# --- metrics --------------------------------------------------------------------------------------------


def mae(pairs: Sequence[tuple[float, float]]) -> float | None:
    return sum(abs(h - p) for h, p in pairs) / len(pairs) if pairs else None


def macro_f1(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Macro F1 over the labels present in either column (see the module docstring)."""
    if not pairs:
        return None
    labels = sorted({h for h, _ in pairs} | {p for _, p in pairs})
    scores = []
    for label in labels:
        tp = sum(h == label and p == label for h, p in pairs)
        fp = sum(h != label and p == label for h, p in pairs)
        fn = sum(h == label and p != label for h, p in pairs)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def evaluate(
    card: Scorecard,
    labels: Iterable[LabelRow],
    predictions: Mapping[str, Mapping[str, Prediction]],
    scorer: str = "",
) -> EvalReport:
    """Compare analysts' labels with predictions, per criterion."""
    labels = list(labels)
    reports = []
    for c in card.criteria:
        rep = CriterionReport(c.id, c.kind, 0)
        for row in labels:
            if c.id not in row.values or row.call_id not in predictions:
                continue
            human = _human_value(c, row.values[c.id], c.id)
            pred = _predicted(c, predictions[row.call_id].get(c.id))
            if pred is None:
                rep.missing += 1
                continue
            if isinstance(human, float):
                assert isinstance(pred, float)
                scale = 100.0 if c.kind == "score" else max(1.0, abs(human))
                error = min(1.0, abs(human - pred) / scale)
            else:
                error = float(human != pred)
            comment = row.comments.get(c.id) or row.comment
            p = predictions[row.call_id][c.id]
            rep.pairs.append(Pair(row.call_id, c.id, human, pred, comment, p.reasoning, error))
        rep.n = len(rep.pairs)
        if c.kind in ("score", "count"):
            rep.mae = mae([(p.human, p.predicted) for p in rep.pairs])  # type: ignore[misc]
        else:
            rep.f1 = macro_f1([(p.human, p.predicted) for p in rep.pairs])  # type: ignore[misc]
        rep.agreement = sum(_agrees(p) for p in rep.pairs) / rep.n if rep.n else None
        reports.append(rep)
    matched = sum(1 for row in labels if row.call_id in predictions)
    return EvalReport(scorer, reports, len(labels), matched)


# --- predictions ----------------------------------------------------------------------------------------

PREDICTIONS_SQL = """
SELECT call_id, criterion_id, value, label, reasoning, status, scorer, scorecard_id
FROM call_criteria FINAL WHERE call_id IN %(ids)s
"""


def predictions_from_clickhouse(
    client: Any, call_ids: Sequence[str], scorecard_id: str | None = None
) -> tuple[dict[str, dict[str, Prediction]], str, dict[str, str]]:
    """Scores already in ClickHouse for these calls, the scorer(s) that produced them, and the
    calls scored on another scorecard than ``scorecard_id`` (call id -> that card), left out.

    A call of the support queue is scored on the support card: its ``politeness`` is not the
    sales card's, and its missing sales criteria are no "unscored" answers, so comparing it with
    labels written for another card would mix two rubrics into one figure."""
    out: dict[str, dict[str, Prediction]] = {}
    other: dict[str, str] = {}
    scorers = set()
    for call_id, cid, value, label, reasoning, status, scorer, card in client.query(
        PREDICTIONS_SQL, parameters={"ids": list(call_ids)}
    ).result_rows:
        if scorecard_id is not None and card != scorecard_id:
            other[call_id] = card
            continue
        out.setdefault(call_id, {})[cid] = Prediction(value, label, reasoning, status)
        scorers.add(scorer)
    return out, ",".join(sorted(scorers)), {k: v for k, v in other.items() if k not in out}


def compressed_from_call(line: Mapping[str, Any]) -> dict[str, Any]:
    """A CompressedTranscript-shaped record from one ``--calls`` JSON line, for scoring now.

    Accepted lines: a CompressedTranscript (has ``filtered``), or ``{"call_id", "turns" |
    "segments": [{"role", "text"}...], "language"?, "tenant"?, "queue"?, "layout"?}`` (the
    ``*.timeline.json`` files of ``connectors/samples`` have this shape). Mono layouts lose roles,
    as the transcribe stage's output does.
    """
    if "filtered" in line:
        return dict(line)
    turns = line.get("turns") or line.get("segments")
    if not isinstance(turns, list) or "call_id" not in line:
        raise ValueError("a --calls line needs call_id and turns/segments [{role, text}]")
    mono = line.get("layout") == "mono"
    segments = [
        {
            "index": i,
            "channel": int(t.get("channel", 0)),
            "role": "unknown" if mono else t.get("role", "unknown"),
            "start": float(t.get("start", i)),
            "end": float(t.get("end", i + 1)),
            "text": t["text"],
            "kept": t.get("kept", True),
            "drop_reason": None,
        }
        for i, t in enumerate(turns)
    ]
    labels = {"agent": "Agent", "customer": "Customer"}
    text = "\n".join(f"{labels.get(s['role'], 'Speaker')}: {s['text']}" for s in segments if s["kept"])
    language = line.get("language") or next((t.get("language") for t in turns if t.get("language")), None)
    transcript = {
        "call_id": line["call_id"],
        "call": {"tenant": line.get("tenant", ""), "queue": line.get("queue")},
        "language": language or "",
        "segments": segments,
        "metrics": {"agent_talk_s": None, "customer_talk_s": None},
        "timings": {},
    }
    return {
        "call_id": line["call_id"],
        "filtered": {"call_id": line["call_id"], "transcript": transcript},
        "text": text,
    }


def read_calls(path: Path) -> list[dict[str, Any]]:
    """``--calls`` JSON lines (or one JSON object per ``*.json`` file given directly)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [compressed_from_call(json.loads(text))]
    out = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            try:
                out.append(compressed_from_call(json.loads(raw)))
            except (ValueError, KeyError) as exc:
                raise LabelsError(f"{path}:{lineno}: {exc}") from None
    return out


def predictions_from_scores(scores: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Prediction]]:
    return {
        s["call_id"]: {
            c["id"]: Prediction(c.get("value"), c.get("label"), c.get("reasoning"), c["status"])
            for c in s["criteria"]
        }
        for s in scores
    }


# --- output ---------------------------------------------------------------------------------------------


def _fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    return "n/a" if value is None else pattern.format(value)


def _val(v: float | str | None) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return "n/a" if v is None else str(v)


def summary_rows(report: EvalReport) -> list[list[str]]:
    return [
        [
            c.id,
            c.kind,
            str(c.n),
            _fmt(c.mae, "{:.1f}"),
            _fmt(c.f1),
            _fmt(c.agreement, "{:.0%}"),
            str(c.missing),
        ]
        for c in report.criteria
    ]


SUMMARY_HEADERS = ["criterion", "kind", "n", "MAE", "F1", "agreement", "unscored"]


def markdown(report: EvalReport, worst: int = 10, plot: str | None = None) -> str:
    lines = [
        "# callstream eval",
        "",
        f"Scorer: **{report.scorer or 'unknown'}**. Calls labelled: {report.calls_labelled}; with scores: "
        f"{report.calls_matched}. Overall agreement: **{_fmt(report.agreement, '{:.0%}')}** "
        f"(scores within ±{SCORE_TOLERANCE:g}, labels exact).",
        "",
        "| " + " | ".join(SUMMARY_HEADERS) + " |",
        "|" + "---|" * len(SUMMARY_HEADERS),
        *("| " + " | ".join(row) + " |" for row in summary_rows(report)),
        "",
        "MAE: mean absolute error (score 0-100, count). "
        "F1: macro over the labels present (yes/no, category).",
        "",
        "## Worst disagreements",
        "",
    ]
    for p in report.worst(worst):
        if p.error == 0:
            break
        lines += [
            f"- **{p.call_id}** / `{p.criterion}`: "
            f"human **{_val(p.human)}**, predicted **{_val(p.predicted)}**",
            f"  - analyst: {p.human_comment or '(no comment)'}",
            f"  - scorer: {p.reasoning or '(no reasoning)'}",
        ]
    if plot:
        lines += ["", f"![predicted vs human]({plot})"]
    return "\n".join(lines) + "\n"


def plot(report: EvalReport, path: Path) -> bool:
    """Predicted vs human per score criterion (PNG); False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    scored = [c for c in report.criteria if c.kind in ("score", "count") and c.pairs]
    labelled = [c for c in report.criteria if c.kind in ("yes_no", "category") and c.pairs]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    for c in scored:
        ax1.scatter([p.human for p in c.pairs], [p.predicted for p in c.pairs], label=c.id, alpha=0.7)
    ax1.plot([0, 100], [0, 100], color="grey", linewidth=0.8, linestyle="--")
    ax1.set(
        xlabel="human", ylabel="predicted", title="Scores: predicted vs human", xlim=(-5, 105), ylim=(-5, 105)
    )
    if scored:
        ax1.legend(fontsize=8)
    names = [c.id for c in labelled]
    ax2.bar(names, [c.f1 or 0.0 for c in labelled], color="tab:blue", alpha=0.8, label="F1")
    ax2.bar(names, [c.agreement or 0.0 for c in labelled], color="none", edgecolor="black", label="agreement")
    ax2.set(ylim=(0, 1.05), title="Labels: F1 and agreement")
    ax2.tick_params(axis="x", labelrotation=20)
    ax2.legend(fontsize=8)
    fig.suptitle(f"callstream eval ({report.scorer})")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def print_other_cards(other: Mapping[str, str], card_id: str, out: TextIO | None = None) -> None:
    """Say which labelled calls ClickHouse holds scored on another card, so "with scores N" below
    is not read as calls that failed to score."""
    out = out if out is not None else sys.stdout
    by_card: dict[str, list[str]] = {}
    for call_id, card in sorted(other.items()):
        by_card.setdefault(card, []).append(call_id)
    cards = "; ".join(f"{card}: {', '.join(ids)}" for card, ids in sorted(by_card.items()))
    print(
        f"callstream eval: {len(other)} labelled call(s) were scored on another scorecard than "
        f"{card_id!r}, left out ({cards}); evaluate them with labels for their card and --scorecard, "
        f"or score them on {card_id!r} now with --calls",
        file=out,
    )


# --- `callstream eval` ----------------------------------------------------------------------------------


def run_eval(
    settings: Any,
    labels_path: Path,
    calls_path: Path | None = None,
    report_dir: Path | None = None,
    scorecard_id: str = "default",
    worst: int = 5,
) -> int:
    """Print MAE/F1/agreement and the worst disagreements; write ``eval.md`` + ``eval.png``."""
    from processors.scorecard import ScorecardError, ScorecardRegistry
    from processors.scoring import build_scorer
    from streams.table import print_table

    try:
        registry = ScorecardRegistry.load(settings.scorecards_dir)
        card = registry.get(scorecard_id)
    except KeyError:
        print(f"callstream eval: no scorecard {scorecard_id!r}", file=sys.stderr)
        return 2
    except ScorecardError as exc:
        print(f"callstream eval: {exc}", file=sys.stderr)
        return 2
    try:
        labels = read_labels(labels_path, card)
        if calls_path is not None:
            scorer = build_scorer(settings)
            # The labels follow ``card``: every call is scored on it, whatever card its tenant and queue
            # would get in the pipeline (a support call without "queue" would get the default card,
            # and none of the support criteria would be scored).
            scorer.registry = ScorecardRegistry([replace(card, tenants=("*",), queues=("*",))])
            wanted = {row.call_id for row in labels}
            scores = [scorer.score(c) for c in read_calls(calls_path) if c["call_id"] in wanted]
            predictions, scorer_name = predictions_from_scores(scores), scorer.scorer
        else:
            from streams.clickhouse import connect, migrate

            client = connect(settings.effective_clickhouse_dsn)
            migrate(client)
            predictions, scorer_name, other_cards = predictions_from_clickhouse(
                client, [row.call_id for row in labels], card.id
            )
    except (LabelsError, OSError) as exc:
        print(f"callstream eval: {exc}", file=sys.stderr)
        return 2
    if calls_path is None and other_cards:
        print_other_cards(other_cards, card.id, out=sys.stderr)
    report = evaluate(card, labels, predictions, scorer_name)
    if not report.calls_matched:
        print(
            f"callstream eval: none of the {report.calls_labelled} labelled call(s) has scores "
            + ("in --calls" if calls_path else f"in ClickHouse ({settings.clickhouse_dsn_display})"),
            file=sys.stderr,
        )
        return 2
    print(
        f"scorer: {report.scorer}; scorecard {card.id} v{card.version}; calls labelled "
        f"{report.calls_labelled}, with scores {report.calls_matched}; overall agreement "
        f"{_fmt(report.agreement, '{:.0%}')}"
    )
    print_table(SUMMARY_HEADERS, summary_rows(report), out=sys.stdout)
    bad = [p for p in report.worst(worst) if p.error > 0]
    if bad:
        print("\nworst disagreements:")
        for p in bad:
            print(f"  {p.call_id} / {p.criterion}: human {_val(p.human)}, predicted {_val(p.predicted)}")
            print(f"    analyst: {p.human_comment or '(no comment)'}")
            print(f"    scorer:  {p.reasoning or '(no reasoning)'}")
    if report_dir is not None:
        report_dir = Path(report_dir)
        report_dir.mkdir(parents=True, exist_ok=True)
        png = plot(report, report_dir / "eval.png")
        (report_dir / "eval.md").write_text(
            markdown(report, plot="eval.png" if png else None), encoding="utf-8"
        )
        note = "" if png else " (no plot: pip install 'callstream[eval]' for matplotlib)"
        print(f"\nreport: {report_dir / 'eval.md'}{note}")
    return 0
