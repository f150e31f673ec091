"""Score stage: fill the call's scorecard, compute the weighted total and fatal failures.

Who fills the LLM criteria is a setting, and every record says which one did (``scorer``):

- ``llm``: an OpenAI-compatible server (:mod:`ml.llm`); ``model_id``, ``prompt_version``, tokens,
  latency, cost and a summary are recorded. An answer still invalid after its retry keeps the
  criteria that validated; each other LLM criterion gets status ``failed``, no value and the reason
  as its reasoning (all of them when the answer is no JSON object), so the total is null, and
  :meth:`Scorer.outcome` reports the answer as :class:`InvalidLlmAnswer` for the stage to
  dead-letter (the call itself goes on);
- ``baseline``: the lexicon scorer (:mod:`processors.baseline`), the embedded default; its reasoning
  lists the markers that fired; no model, no summary, never presented as an LLM result;
- ``rules``: nobody; LLM criteria stay ``pending`` with no value.

Rule criteria (price named, price mentions, keyword hits) are always computed in code; a
``keyword:<name>`` criterion whose name the call's keyword dictionary lacks is ``failed`` with the
reason, never a silent 0 (:func:`build_scorer` refuses names no dictionary defines at start). The
total and ``fatal_failed`` come from :func:`processors.scorecard.totals`, never from the model; each
criterion says whether it is fatal, whether it failed the call and which rule computed it
(:func:`processors.scorecard.describe_criteria`), for BI.

When the LLM scored a transcript cut to fit its context (:attr:`ml.llm.LLMResult.warnings`), the
score's ``warnings`` say so (``warning_kinds``: ``transcript_cut``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from processors.baseline import BASELINE_VERSION, baseline_scores, turns_from_segments
from processors.doubts import kinds_of
from processors.rules import (
    RuleOptions,
    check_dictionaries_dir,
    default_rule_options,
    dictionary_hint,
    load_dictionary,
    quoted_hits,
    roles_known,
    rule_metrics,
)
from processors.scorecard import (
    Criterion,
    Scorecard,
    ScorecardRegistry,
    check_keyword_rules,
    default_scorecard,
    describe_criteria,
    keyword_rule,
    keyword_rules,
    totals,
)
from processors.text import has_words

if TYPE_CHECKING:
    from ml.llm import LLMResult

SCORERS = ("llm", "baseline", "rules")


class InvalidLlmAnswer(ValueError):
    """The LLM's answer was still invalid after its retry: the call is scored without the criteria
    that failed. The message names them with the reasons and quotes the raw answer (capped)."""

    def __init__(self, message: str, failed: Mapping[str, str], raw_answer: str | None) -> None:
        super().__init__(message)
        self.failed = dict(failed)
        self.raw_answer = raw_answer


class Scored(NamedTuple):
    """A CallScore, and the invalid LLM answer it was scored without (None when there was none)."""

    score: dict[str, Any]
    invalid: InvalidLlmAnswer | None = None


class LLMScorer(Protocol):
    """What the score stage needs from an LLM backend (:class:`ml.llm.OpenAIBackend`).

    ``score`` raises :class:`ml.llm.LLMAnswerError` (its ``result``: what validated, and why each
    other criterion failed) for an answer still invalid after the retry, and a ``ConnectionError``
    (:class:`ml.llm.LLMUnavailable`) when the server did not answer.
    """

    @property
    def model_id(self) -> str: ...

    def score(self, card: Scorecard, dialogue: str, language: str | None = None) -> LLMResult: ...


_DEFAULT = default_scorecard()
DEFAULT_SCORECARD_ID = _DEFAULT.id
DEFAULT_SCORECARD_VERSION = _DEFAULT.version
DEFAULT_CRITERIA: tuple[Criterion, ...] = _DEFAULT.criteria


class UnknownKeyword(LookupError):
    """A ``keyword:<name>`` criterion whose name the call's keyword dictionary does not define."""


def _rule_value(
    c: Criterion, rules: Mapping[str, Any], keywords: Mapping[str, Any] | None = None
) -> tuple[float, str | None]:
    """(value, label) of a rule criterion; ``keywords``: the call's dictionary (its entry names)."""
    rule = c.rule or c.id
    if rule == "price_named":
        named = rules["price_mentions"] > 0
        return (1.0 if named else 0.0), ("yes" if named else "no")
    if rule == "price_mentions":
        return float(rules["price_mentions"]), None
    if (found := keyword_rule(rule)) is not None:
        field, name = found
        # the hits omit zero counts: only the dictionary tells "no hit" from "no such entry".
        if keywords is not None and name not in keywords:
            raise UnknownKeyword(
                f"rule {rule}: the call's keyword dictionary defines no entry {name!r} "
                f"(defined: {', '.join(sorted(keywords)) or 'none'})"
            )
        hits = (rules.get(field) or {}).get(name, 0)
        if c.kind == "yes_no":
            return (1.0 if hits else 0.0), ("yes" if hits else "no")
        return float(hits), None
    raise KeyError(f"no rule computes criterion {c.id!r}")


def _roles_unknown(c: Criterion, transcript: Mapping[str, Any]) -> str | None:
    """Why an ``agent_keyword:`` rule cannot be judged on this call, or None: with no speaker roles
    (a mono recording, or no channel map) the agent's words cannot be told from the customer's, and a
    "no" would fail the agent for what nobody can tell (a fatal "disclosure said" every mono call)."""
    found = keyword_rule(c.rule or c.id)
    if found is None or found[0] != "agent_keyword_hits":
        return None
    if roles_known(transcript["segments"]):
        return None
    return (
        f"rule {c.rule}: speaker roles are unknown (layout {transcript.get('layout') or 'mono'}), so the "
        "agent's words cannot be told apart; send stereo recordings with audio.channels to judge it"
    )


def _rule_reasoning(
    c: Criterion, rules: Mapping[str, Any], transcript: Mapping[str, Any], keywords: Mapping[str, Any] | None
) -> str:
    """What a rule criterion counted, quoted where it can be (``rule agent_keyword:greeting: the agent
    said "hello, this is"``), so a QA reviewer sees why it was yes or no without the transcript."""
    rule = c.rule or c.id
    if rule in ("price_named", "price_mentions"):
        n = rules["price_mentions"]
        return f"rule {rule}: {n} price mention{'' if n == 1 else 's'}"
    found = keyword_rule(rule)
    if found is None or keywords is None:
        return f"rule {rule}"
    field, name = found
    hits = (rules.get(field) or {}).get(name, 0)
    if not hits:
        by = " by the agent" if field == "agent_keyword_hits" else ""
        return f"rule {rule}: no phrase of {name!r} said{by}"
    said = quoted_hits(transcript, keywords[name], "agent" if field == "agent_keyword_hits" else "anyone")
    return f"rule {rule}: {hits} hit{'' if hits == 1 else 's'}" + (f", {said}" if said else "")


def cost_usd(
    latency_s: float, gpu_price_per_hour: float | None, gpu_concurrency: float = 1.0
) -> float | None:
    """GPU cost of one call: its latency's share of the GPU hour.

    Assumes the server runs ``gpu_concurrency`` requests at once at this latency (vLLM's continuous
    batching does; measure it with ``callstream bench scoring`` against the real server). With the
    default 1 the figure is an upper bound.
    """
    if gpu_price_per_hour is None:
        return None
    return latency_s * gpu_price_per_hour / 3600.0 / gpu_concurrency


class Scorer:
    """Scores CompressedTranscripts; built once per worker (scorecards parsed, LLM client opened)."""

    def __init__(
        self,
        registry: ScorecardRegistry | None = None,
        scorer: str = "baseline",
        llm: LLMScorer | None = None,
        gpu_price_per_hour: float | None = None,
        gpu_concurrency: float = 1.0,
        rule_options: RuleOptions | None = None,
    ) -> None:
        if scorer not in SCORERS:
            raise ValueError(f"scorer must be one of {', '.join(SCORERS)}, got {scorer!r}")
        if (scorer == "llm") != (llm is not None):
            raise ValueError("an LLM backend is given exactly when scorer='llm'")
        self.registry = registry or ScorecardRegistry([_DEFAULT])
        self.scorer = scorer
        self.llm = llm
        self.gpu_price_per_hour = gpu_price_per_hour
        self.gpu_concurrency = gpu_concurrency
        #: None: read ``CALLSTREAM_DICTIONARIES_DIR``/``CALLSTREAM_LANGUAGES`` from the environment.
        self.rule_options = rule_options

    def _keywords(self, tenant: str | None) -> Mapping[str, Any]:
        """The keyword dictionary :func:`rule_metrics` matches a call of this tenant with."""
        options = self.rule_options or default_rule_options()
        folder = options.dictionaries_dir
        return load_dictionary(tenant, Path(folder) if folder else None)

    @property
    def uses_llm(self) -> bool:
        return self.llm is not None

    def __call__(self, compressed: Mapping[str, Any]) -> dict[str, Any]:
        return self.score(compressed)

    def score(self, compressed: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
        """CompressedTranscript -> CallScore (LLM criteria the model's answer failed: ``failed``)."""
        return self.outcome(compressed, now).score

    def outcome(self, compressed: Mapping[str, Any], now: datetime | None = None) -> Scored:
        """CompressedTranscript -> CallScore, with the invalid LLM answer it holds failed criteria for.

        Raises what the LLM backend raises otherwise (:class:`ml.llm.LLMUnavailable` is transient:
        the stage retries the record).
        """
        started = time.perf_counter()
        transcript = compressed["filtered"]["transcript"]
        call = transcript.get("call") or {}
        card = self.registry.for_call(call.get("tenant", ""), call.get("queue"))
        rules = rule_metrics(transcript, self.rule_options)
        keywords = self._keywords(call.get("tenant")) if keyword_rules(card) else None

        llm_values: dict[str, tuple[float | None, str | None, str]] = {}
        result: LLMResult | None = None
        invalid: InvalidLlmAnswer | None = None
        # Nothing was said (no segments, all silence, noise or fillers): there is no dialogue to
        # judge, and scoring an empty one would rate the agent (and raise low-score alerts).
        speech = any(seg.get("kept", True) and has_words(seg["text"]) for seg in transcript["segments"])
        if speech and self.llm is not None and card.llm_criteria:
            from ml.llm import LLMAnswerError  # loaded already: the backend comes from ml.llm

            try:
                result = self.llm.score(card, compressed["text"], transcript.get("language"))
            except LLMAnswerError as exc:
                # A definitive answer, not a transient failure: what validated is kept, the rest
                # fails, and the answer is reported (the stage dead-letters it, not the call).
                result = exc.result
                failed = ", ".join(result.failed)
                invalid = InvalidLlmAnswer(
                    f"scored without {failed} ({len(result.failed)} of {len(card.llm_criteria)} LLM "
                    f"criteria failed): {exc}",
                    result.failed,
                    result.raw_answer,
                )
            llm_values = result.values
        elif speech and self.scorer == "baseline":
            found = baseline_scores(turns_from_segments(transcript["segments"]), card.llm_criteria)
            llm_values = {cid: (v.value, v.label, v.reasoning) for cid, v in found.items()}

        criteria = []
        for c in card.criteria:
            row: dict[str, Any] = {"id": c.id, "title": c.title, "kind": c.kind, "source": c.source}
            if c.source == "rule":
                try:
                    value, label = _rule_value(c, rules, keywords)
                except UnknownKeyword as exc:
                    row |= {"status": "failed", "value": None, "label": None, "reasoning": exc.args[0]}
                else:
                    if (why := _roles_unknown(c, transcript)) is not None:
                        row |= {"status": "no_roles", "value": None, "label": None, "reasoning": why}
                    else:
                        why = _rule_reasoning(c, rules, transcript, keywords)
                        row |= {"status": "scored", "value": value, "label": label, "reasoning": why}
            elif c.id in llm_values:
                value, label, why = llm_values[c.id]
                row |= {"status": "scored", "value": value, "label": label, "reasoning": why}
            elif result is not None and c.id in result.failed:
                why = f"invalid LLM answer after one retry: {result.failed[c.id]}"
                row |= {"status": "failed", "value": None, "label": None, "reasoning": why}
            elif not speech:
                why = "the call has no kept speech to judge"
                row |= {"status": "no_speech", "value": None, "label": None, "reasoning": why}
            else:
                why = (
                    "the baseline scorer has no rule for this criterion"
                    if self.scorer == "baseline"
                    else None
                )
                row |= {"status": "pending", "value": None, "label": None, "reasoning": why}
            criteria.append(row)
        # Without speech nothing is judged, rule criteria included: a fatal rule ("disclaimer said")
        # fails on silence, and a 0 total would rate the agent for an empty recording.
        total, fatal = totals(card, criteria) if speech else (None, False)
        describe_criteria(card, criteria, judged=speech)

        latencies = {f"transcribe_{k}": v for k, v in transcript.get("timings", {}).items()}
        if result is not None:
            latencies["llm"] = result.latency_s
        latencies["score"] = time.perf_counter() - started
        score = {
            "call_id": compressed["call_id"],
            "compressed": dict(compressed),
            "scorecard_id": card.id,
            "scorecard_version": card.version,
            "scorer": self.scorer,
            "model_id": result.model_id if result else None,
            "prompt_version": result.prompt_version
            if result
            else (BASELINE_VERSION if self.scorer == "baseline" else None),
            "criteria": criteria,
            "rules": rules,
            "summary": result.summary if result else None,
            "warnings": list(result.warnings) if result else [],
            "warning_kinds": kinds_of(result.warnings) if result else [],
            "llm_tokens_in": result.tokens_in if result else None,
            "llm_tokens_out": result.tokens_out if result else None,
            "latencies": latencies,
            "scored_at": now or datetime.now(UTC),
            "total": total,
            "fatal_failed": fatal,
            "llm_latency_s": result.latency_s if result else None,
            "cost_usd": cost_usd(result.latency_s, self.gpu_price_per_hour, self.gpu_concurrency)
            if result
            else None,
        }
        return Scored(score, invalid)


@cache
def _rules_scorer() -> Scorer:
    return Scorer(scorer="rules")


def score_call(compressed: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """CompressedTranscript -> CallScore with rule criteria only (LLM criteria pending).

    The stage uses a configured :class:`Scorer` (:func:`build_scorer`); this stays for callers that
    want rule metrics without any scorer.
    """
    return _rules_scorer().score(compressed, now=now)


def check_dictionaries(registry: ScorecardRegistry, options: RuleOptions) -> None:
    """Refuse (:class:`processors.scorecard.ScorecardError`) a ``keyword:<name>`` criterion that no
    keyword dictionary defines, naming the criterion, the name and the names that exist."""
    folder = Path(options.dictionaries_dir) if options.dictionaries_dir else None
    loaded = check_dictionaries_dir(folder)  # every file, so a broken one stops the worker here
    tenants = [tenant for tenant in loaded if tenant is not None]
    check_keyword_rules(
        registry.cards.values(),
        lambda tenant: load_dictionary(tenant, folder),
        tenants,
        lambda tenant: dictionary_hint(tenant, folder),
    )


def build_scorer(settings: Any) -> Scorer:
    """The scorer the settings ask for (``CALLSTREAM_LLM_*``, ``CALLSTREAM_SCORECARDS_DIR``)."""
    registry = ScorecardRegistry.load(settings.scorecards_dir)
    # From the validated settings, so values in .env count too (not only the process environment).
    rule_options = RuleOptions.from_settings(settings)
    check_dictionaries(registry, rule_options)
    backend = settings.scoring_backend
    if backend != "openai":
        return Scorer(registry, scorer=backend, rule_options=rule_options)
    from ml.llm import LLMConfig, OpenAIBackend

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    llm = OpenAIBackend(
        LLMConfig(
            url=settings.llm_url,
            model=settings.llm_model,
            api_key=key,
            timeout_s=settings.llm_timeout,
            max_concurrency=settings.llm_max_concurrency,
            retries=settings.llm_retries,
            max_retry_after_s=settings.llm_max_retry_after,
            max_tokens=settings.llm_max_tokens,
            response_format=settings.llm_response_format,
        )
    )
    return Scorer(
        registry,
        scorer="llm",
        llm=llm,
        gpu_price_per_hour=settings.gpu_price_per_hour,
        gpu_concurrency=settings.llm_gpu_concurrency,
        rule_options=rule_options,
    )
