"""``callstream alerts try``: which alert rules a written dialogue raises, without Kafka or ClickHouse.

A supervisor writing a rule wants to see it fire (and stay quiet) on a call they can type. This runs
the same pure functions the worker runs (filter → compress → score → :func:`processors.alerts.evaluate`)
with the configured rules, scorecards, dictionaries and scorer, on a dialogue given as text
(``agent: ...`` / ``customer: ...`` lines) or as the JSON lines ``callstream eval --calls`` reads.
No cool-down applies: each call is judged alone, as the rules see it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from processors.acoustics import METRICS
from processors.alerts import DEFAULT_TENANT

#: Speaker prefixes a dialogue line may start with, by role.
ROLE_PREFIXES = {
    "agent": "agent",
    "a": "agent",
    "operator": "agent",
    "оператор": "agent",
    "менеджер": "agent",
    "customer": "customer",
    "c": "customer",
    "client": "customer",
    "клиент": "customer",
}
_LINE = re.compile(r"^\s*([^\W\d_]+)\s*:\s*(.*)$")
#: The languages ``--language`` offers (those of the sample dialogues and dictionaries).
LANGUAGES = ("en", "ru")


class DialogueError(ValueError):
    """A dialogue file this command cannot read; the message names the file and line."""


def parse_dialogue(text: str, source: str = "<dialogue>") -> list[tuple[str, str]]:
    """``agent: ...`` / ``customer: ...`` lines (blank lines and ``#`` comments skipped) as turns."""
    turns: list[tuple[str, str]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        m = _LINE.match(raw)
        role = ROLE_PREFIXES.get(m.group(1).lower()) if m else None
        if m is None or role is None:
            raise DialogueError(
                f"{source}:{lineno}: a line starts with the speaker: 'agent: ...' or 'customer: ...' "
                f"(also a:, c:, оператор:, клиент:); got {raw.strip()[:40]!r}"
            )
        if m.group(2).strip():
            turns.append((role, m.group(2).strip()))
    if not turns:
        raise DialogueError(f"{source}: no dialogue lines ('agent: ...' / 'customer: ...')")
    return turns


def guess_language(turns: Sequence[tuple[str, str]]) -> str:
    """The language most words are in, counted as the score stage counts them
    (:func:`processors.rules.language_mix`) over the two languages ``--language`` offers; ``en`` for
    a dialogue without words."""
    from processors.rules import language_mix

    mix = language_mix((text for _, text in turns), LANGUAGES)
    return mix.most_common(1)[0][0] if mix else "en"


def transcript_from_turns(
    call_id: str,
    turns: Sequence[tuple[str, str]],
    language: str | None = None,
    tenant: str | None = None,
    queue: str | None = None,
    agent: str | None = None,
) -> dict[str, Any]:
    """A Transcript as the transcribe stage would write it for this dialogue (timings estimated
    from word counts, one channel per role)."""
    from streams.bench_text import make_transcript_from_turns

    transcript = make_transcript_from_turns(call_id, list(turns), language or guess_language(turns))
    # no audio: the talk times estimated from word counts stay, no acoustic measurement is made up
    estimated = ("duration_s", "agent_talk_s", "customer_talk_s", "silence_s")
    transcript["metrics"] = {
        **{name: None for name in METRICS},
        **{name: transcript["metrics"][name] for name in estimated},
        "source": "segments",
    }
    call = transcript["call"]
    call["call_id"] = call_id
    call["tenant"] = tenant or DEFAULT_TENANT
    call["queue"] = queue
    call["agent"] = {"id": agent or "unknown", "name": agent}
    return transcript


def read_calls(path: Path | str, stdin: TextIO | None = None, **call: Any) -> list[dict[str, Any]]:
    """Transcripts from ``path`` (``-``: stdin): a dialogue text, or JSON lines (``call_id`` +
    ``turns`` ``[{role, text}]``, as ``callstream eval --calls`` reads)."""
    source = "<stdin>" if str(path) == "-" else str(path)
    text = (stdin or sys.stdin).read() if source == "<stdin>" else Path(path).read_text(encoding="utf-8")
    if not text.lstrip().startswith("{"):
        name = "stdin" if source == "<stdin>" else Path(path).stem
        return [transcript_from_turns(name, parse_dialogue(text, source), **call)]
    out = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            turns = [(t["role"], t["text"]) for t in line["turns"]]
            call_id = str(line["call_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise DialogueError(
                f"{source}:{lineno}: a JSON line needs call_id and turns [{{role, text}}] ({exc!r})"
            ) from None
        fields = dict(call)
        for key in ("language", "tenant", "queue"):
            if line.get(key) is not None and fields.get(key) is None:
                fields[key] = line[key]
        out.append(transcript_from_turns(call_id, turns, **fields))
    return out


def try_alerts(
    transcripts: Sequence[dict[str, Any]],
    settings: Any,
    show_all: bool = False,
    out: TextIO | None = None,
    language: str | None = None,
    err: TextIO | None = None,
) -> int:
    """Print, per call, the alerts its score raises (with ``show_all``, the rules that stay quiet as
    well). ``language``: the ``--language`` given, if any; a call whose words the score stage finds
    in another language gets a note on ``err``. Returns the number of alerts raised."""
    out = out or sys.stdout
    err = err or sys.stderr
    from ml.tokenizer import TokenCounter
    from processors.alerts import evaluate, explain, load_checked_rulebook, severity_rank
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from processors.rules import check_dictionaries_dir
    from processors.scoring import build_scorer
    from processors.text_config import TextConfig

    scorer = build_scorer(settings)  # as the score stage: a bad scorecard or dictionary stops here
    rulebook = load_checked_rulebook(settings.alert_rules_dir, settings.dictionaries_dir, scorer.registry)
    dictionaries = check_dictionaries_dir(settings.dictionaries_dir)  # as the alerts worker quotes hits
    text_config = TextConfig.from_settings(settings)
    counter = TokenCounter(settings.tokenizer)
    raised = 0
    for transcript in transcripts:
        filtered = filter_transcript(transcript, options=text_config.filter)
        compressed = compress(filtered, counter, counter.name, text_config.compress)
        score = scorer.score(compressed)
        alerts = evaluate(score, rulebook, dictionaries=dictionaries)
        raised += len(alerts)
        call = transcript["call"]
        tenant, queue = call["tenant"], call.get("queue")
        rules = rulebook.rules_for(tenant, queue)
        sets = [s.id for s in rulebook.sets.values() if s.specificity(tenant, queue) is not None]
        told, detected = transcript["language"], score["rules"].get("language")
        print(
            f"{transcript['call_id']}: {len(alerts)} of {len(rules)} rule(s) fire "
            f"(tenant {tenant}, queue {queue or '-'}, "
            f"{'detected ' if language is None and told == detected else ''}language {told}, "
            f"rule sets {', '.join(sorted(sets))}, scorecard {score['scorecard_id']}, "
            f"scorer {score['scorer']})",
            file=out,
        )
        if detected is not None and detected != told:
            print(_language_note(transcript["call_id"], told, detected, given=language is not None), file=err)
        if (twin := _tenant_twin(rulebook, tenant)) is not None:
            print(
                f"  note: no rule set names tenant {tenant!r}; one names {twin!r} (tenants match exactly)",
                file=out,
            )
        for note in _other_queue_notes(rulebook, scorer.registry, tenant, queue, score["scorecard_id"]):
            print(f"  note: {note}", file=out)
        hint = None if queue else _other_card_hint(rules, scorer.registry, score["scorecard_id"])
        if hint is not None:  # no queue was chosen: say which choice lets the quiet rules fire
            print(f"  note: {hint}", file=out)
        fired = {a["rule"]: a for a in alerts}
        for rule in sorted(rules, key=lambda r: (r.id not in fired, -severity_rank(r.severity))):
            alert = fired.get(rule.id)
            if alert is not None:
                print(f"  FIRES  {rule.id} [{rule.severity}]: {alert['message']}", file=out)
            elif show_all and rule.when is not None:
                print(f"  quiet  {rule.id} [{rule.severity}]: {explain(rule.when, score)}", file=out)
    if show_all:
        print(
            "(a typed dialogue has no audio: acoustics.* read n/a, and talk times are estimated from "
            "word counts)",
            file=out,
        )
    return raised


def _language_note(call_id: str, told: str, detected: str, given: bool) -> str:
    """A call said to be in one language whose words are mostly in another: the scorer is told (and
    ``call.language`` reads) the one given while ``rules.language`` goes by the words, so a rule or
    an LLM criterion written for one of them may silently not match."""
    how = f"--language {told}" if given else f"its language is {told}"
    return (
        f"callstream alerts try: note: {call_id}: {how}, but most of its words are {detected} (as the "
        f"score stage counts them): the scorer is told {told} and call.language reads {told}, while "
        f"rules.language reads {detected}" + (f"; leave --language out to use {detected}" if given else "")
    )


def _other_card_hint(rules: Sequence[Any], registry: Any, card_id: str) -> str | None:
    """Which rules cannot fire because they read criteria the chosen scorecard lacks, when an option
    picks a card that has them: a support dialogue tried without ``--queue support`` is scored on the
    sales card, where ``identity_not_verified`` stays quiet with no word about why."""
    from processors.alerts import _criterion_paths

    have = {c.id for c in registry.get(card_id).criteria}
    lacking = {r.id: cid for r in rules for _, cid in _criterion_paths(r.when) if cid not in have}
    picks = []
    for card in sorted(registry.cards.values(), key=lambda c: c.id):
        if card.id == card_id or not set(lacking.values()) & {c.id for c in card.criteria}:
            continue
        if card.queues != ("*",):
            picks.append(f"--queue {card.queues[0]}")
        elif card.tenants != ("*",):
            picks.append(f"--tenant {card.tenants[0]}")
    if not picks:  # only the catch-all card has them: nothing to choose
        return None
    return (
        f"{', '.join(sorted(lacking))} read criteria scorecard {card_id} does not have and cannot fire "
        f"here; {' or '.join(picks)} scores the dialogue on a card that has them"
    )


def _tenant_twin(rulebook: Any, tenant: str) -> str | None:
    """A tenant some rule set names that differs from ``tenant`` only in case or spaces, when no set
    names ``tenant`` itself: the likely typo behind rules that never apply."""
    named = {t for s in rulebook.sets.values() for t in s.tenants if t != "*"}
    if tenant in named:
        return None
    fold = tenant.strip().casefold()
    return next((t for t in sorted(named) if t.strip().casefold() == fold), None)


def _other_queue_notes(
    rulebook: Any, registry: Any, tenant: str, queue: str | None, card_id: str
) -> list[str]:
    """Notes for a call that fell back to a card or rule sets not naming its tenant while some name
    the tenant for other queues: ``--queue`` left out or misspelt (``collection`` for
    ``collections``) scores the dialogue on the default card, with nothing saying the tenant's own
    card was passed over."""

    def elsewhere(items: Any) -> list[str]:
        return [
            f"{item.id} (queues {', '.join(item.queues)})"
            for item in sorted(items, key=lambda i: i.id)
            if tenant in item.tenants and item.specificity(tenant, queue) is None
        ]

    given = f"queue {queue!r}" if queue else "no --queue"
    notes = []
    if tenant not in registry.get(card_id).tenants and (cards := elsewhere(registry.cards.values())):
        notes.append(
            f"scorecard {card_id} scored this call ({given}); tenant {tenant!r} has scorecard "
            f"{', '.join(cards)} for other queues: give one of them with --queue"
        )
    applying = [s for s in rulebook.sets.values() if s.specificity(tenant, queue) is not None]
    if not any(tenant in s.tenants for s in applying) and (sets := elsewhere(rulebook.sets.values())):
        notes.append(
            f"no rule set of tenant {tenant!r} applies ({given}); rule set {', '.join(sets)} names it for "
            "other queues: give one of them with --queue"
        )
    return notes
