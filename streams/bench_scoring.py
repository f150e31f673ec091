"""``callstream bench scoring``: calls scored per second and tokens per call, with vs without compression.

The same generated five-minute calls (:func:`streams.bench.make_bench_transcript`) are scored twice
by the same backend in one run: once as the pipeline feeds it (filtered + compressed), once raw
(every segment kept, one line per segment: what an LLM would read without the filter and compress
stages). The baseline scorer always runs; the configured OpenAI-compatible backend runs too when
``CALLSTREAM_LLM_URL`` is set (on at most :data:`LLM_CALLS` calls, ``CALLSTREAM_LLM_MAX_CONCURRENCY``
requests in flight). No broker or ClickHouse is involved: this measures the score stage alone.
"""

from __future__ import annotations

import copy
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from streams.settings import Settings

LLM_CALLS = 100


@dataclass
class ScoringRun:
    backend: str
    variant: str
    calls: int
    seconds: float
    dialogue_tokens: float
    llm_tokens_in: float | None
    llm_tokens_out: float | None
    llm_latency_s: float | None
    cost_usd: float | None

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0


def make_inputs(
    n: int, count_tokens: Any, tokenizer_name: str, seed: int = 11
) -> dict[str, list[dict[str, Any]]]:
    """``{"compressed": [...], "raw": [...]}``: the same calls with and without filter + compress."""
    from processors.compression import compress, dialogue_lines
    from processors.filtering import filter_transcript
    from streams.bench import make_bench_transcript

    rng = random.Random(seed)
    compressed, raw = [], []
    for i in range(n):
        transcript = make_bench_transcript(f"bench-score-{i:05d}", rng)
        compressed.append(compress(filter_transcript(transcript), count_tokens, tokenizer_name))
        everything = copy.deepcopy(transcript)
        for seg in everything["segments"]:
            seg["kept"], seg["drop_reason"] = True, None
        text = "\n".join(dialogue_lines(everything["segments"], merge=False))
        tokens = count_tokens(text)
        raw.append(
            {
                "call_id": transcript["call_id"],
                "filtered": {
                    "call_id": transcript["call_id"],
                    "transcript": everything,
                    "kept": 0,
                    "dropped": {},
                },
                "text": text,
                "tokens_before": tokens,
                "tokens_after": tokens,
                "tokenizer": tokenizer_name,
                "level": "none",
            }
        )
    return {"compressed": compressed, "raw": raw}


def run_variant(
    scorer: Any, backend: str, variant: str, records: list[dict[str, Any]], workers: int
) -> ScoringRun:
    started = time.perf_counter()
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            scores = list(pool.map(scorer.score, records))
    else:
        scores = [scorer.score(r) for r in records]
    seconds = time.perf_counter() - started

    def avg(key: str) -> float | None:
        values = [s[key] for s in scores if s.get(key) is not None]
        return sum(values) / len(values) if values else None

    return ScoringRun(
        backend=backend,
        variant=variant,
        calls=len(records),
        seconds=seconds,
        dialogue_tokens=sum(r["tokens_after"] for r in records) / len(records),
        llm_tokens_in=avg("llm_tokens_in"),
        llm_tokens_out=avg("llm_tokens_out"),
        llm_latency_s=avg("llm_latency_s"),
        cost_usd=avg("cost_usd"),
    )


def run_scoring_bench(settings: Settings, calls: int) -> int:
    """Print one row per backend and variant, and the compressed/raw ratios."""
    import sys

    from ml.tokenizer import TokenCounter
    from processors.scorecard import ScorecardRegistry
    from processors.scoring import Scorer, build_scorer
    from streams.table import print_table

    if calls < 1:
        print("callstream bench: --calls must be at least 1", file=sys.stderr)
        return 2
    counter = TokenCounter(settings.tokenizer)
    inputs = make_inputs(calls, counter, counter.name)
    registry = ScorecardRegistry.load(settings.scorecards_dir)
    backends: list[tuple[str, Any, int, int]] = [("baseline", Scorer(registry, scorer="baseline"), calls, 1)]
    if settings.llm_url:
        llm = build_scorer(settings.model_copy(update={"llm_backend": "openai"}))
        backends.append(
            (f"llm {settings.llm_model}", llm, min(calls, LLM_CALLS), settings.llm_max_concurrency)
        )
    runs = []
    for name, scorer, n, workers in backends:
        for variant in ("compressed", "raw"):
            print(f"scoring {n} {variant} calls with {name} ...", file=sys.stderr, flush=True)
            runs.append(run_variant(scorer, name, variant, inputs[variant][:n], workers))

    def fmt(v: float | None, pattern: str = "{:,.0f}") -> str:
        return "n/a" if v is None else pattern.format(v)

    print_table(
        [
            "backend",
            "input",
            "calls",
            "calls/s",
            "dialogue tok/call",
            "LLM tok in/call",
            "LLM tok out/call",
            "LLM s/call",
            "$/call",
        ],
        [
            [
                r.backend,
                r.variant,
                r.calls,
                f"{r.per_second:,.1f}",
                fmt(r.dialogue_tokens),
                fmt(r.llm_tokens_in),
                fmt(r.llm_tokens_out),
                fmt(r.llm_latency_s, "{:.2f}"),
                fmt(r.cost_usd, "{:.6f}"),
            ]
            for r in runs
        ],
        out=sys.stdout,
    )
    for comp, raw in zip(runs[::2], runs[1::2], strict=True):
        tokens = comp.dialogue_tokens / raw.dialogue_tokens if raw.dialogue_tokens else 0
        speed = comp.per_second / raw.per_second if raw.per_second else 0
        print(f"{comp.backend}: compressed/raw tokens {tokens:.2f}, speed {speed:.2f}x")
    return 0
