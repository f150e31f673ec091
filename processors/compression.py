"""Compress stage: the dialogue text an LLM reads, with token counts before and after.

Three steps, each switchable (:class:`CompressOptions`), applied to the kept segments:

1. **structural**: consecutive turns of one speaker merge into one line (``Agent: ...``),
   disfluencies go ("uh", "um", "ну", "э-э", "как бы", ...), number words become digits
   ("две тысячи девятьсот девяносто рублей" → "2990 рублей").
2. **semantic**: a sentence that nearly repeats an earlier one of the same speaker (rapidfuzz
   similarity ≥ ``similarity``) is folded into it, which gets a count: "... [×3]" reads "said this
   3 times". A repeat carrying a key fact the first one lacks (another price) is never folded.
3. **dynamic**: a density score (key facts, emotions and questions per sentence) picks the depth.
   Dense (conflict) calls keep every sentence; simple calls keep only sentences with a key fact,
   a question or an emotion, plus the opening and closing line.

Key facts (``processors.keyfacts``: numbers, objections, refusals, commitments, agreement, dates,
legal words) are never cut by any step; ``level`` records what was applied, e.g.
``structural+semantic+dynamic:deep``.
PII is redacted once more on the final text: numbers said in words only become a recognisable
phone or card after step 1. ``tokens_before`` counts the full transcript (every segment, as an LLM
would read it without this stage), ``tokens_after`` the text produced, with the same tokenizer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from processors.keyfacts import DEFAULT_LEXICON, FACT_KINDS, Lexicon, signals
from processors.numbers import normalise_numbers
from processors.pii import PiiOptions, redact
from processors.text import collapse_repeats_words, normalise_space, sentences, strip_disfluencies

ROLE_LABELS = {"agent": "Agent", "customer": "Customer"}

#: Signal weights of the density score: conflict signals weigh most.
DENSITY_WEIGHTS = {
    "objection": 3.0,
    "refusal": 2.0,
    "legal": 4.0,
    "emotion": 3.0,
    "commitment": 1.0,
    "agreement": 1.0,
    "date": 0.5,
    "number": 0.5,
    "pii": 0.5,
    "question": 0.5,
}


@dataclass(frozen=True)
class CompressOptions:
    """Which steps run and how hard they cut."""

    structural: bool = True
    semantic: bool = True
    dynamic: bool = True
    #: rapidfuzz ``token_sort_ratio`` (0-100) at or above which two sentences are near-duplicates.
    similarity: float = 75.0
    #: Density (weighted signals per sentence) at or above which nothing more is cut ("full")...
    dense_at: float = 1.4
    #: ...and below which only fact/question/emotion sentences stay ("deep"); between: "medium".
    simple_below: float = 0.8
    #: In "medium", plain sentences of at least this many words are kept too.
    medium_min_words: int = 8
    lexicon: Lexicon = DEFAULT_LEXICON
    pii: PiiOptions = field(default_factory=PiiOptions)


def dialogue_lines(segments: Iterable[Mapping[str, Any]], merge: bool = True) -> list[str]:
    """``Role: text`` lines; with ``merge``, consecutive turns of one role become one line."""
    if not merge:  # one line per segment with text: the same lines, without building turns
        lines = []
        for seg in segments:
            text = normalise_space(seg["text"])
            if any(map(str.isalnum, text)):
                lines.append(f"{ROLE_LABELS.get(seg['role'], 'Speaker')}: {text}")
        return lines
    return [_render(role, parts) for role, parts in _turns(segments, merge, clean=False)]


def _render(role: str, parts: list[str]) -> str:
    return f"{ROLE_LABELS.get(role, 'Speaker')}: {' '.join(parts)}"


def _clean(text: str) -> str:
    text, words = collapse_repeats_words(strip_disfluencies(normalise_space(text)))
    return normalise_numbers(text, words)  # the words collapse_repeats found, when still valid


def _turns(segments: Iterable[Mapping[str, Any]], merge: bool, clean: bool) -> list[tuple[str, list[str]]]:
    turns: list[tuple[str, list[str]]] = []
    for seg in segments:
        text = _clean(seg["text"]) if clean else normalise_space(seg["text"])
        if not any(map(str.isalnum, text)):
            continue
        role = seg["role"]
        if merge and turns and turns[-1][0] == role:
            turns[-1][1].append(text)
        else:
            turns.append((role, [text]))
    return turns


@dataclass
class _Sentence:
    role: str
    turn: int
    text: str
    signals: list[tuple[str, str]]
    count: int = 1
    keep: bool = True

    @property
    def facts(self) -> set[tuple[str, str]]:
        return {s for s in self.signals if s[0] in FACT_KINDS}


def density(items: list[_Sentence]) -> float:
    """Weighted conflict/information signals per sentence (0 for an empty call)."""
    if not items:
        return 0.0
    total = sum(DENSITY_WEIGHTS.get(kind, 0.0) for s in items for kind, _ in s.signals)
    return total / len(items)


def _fold_repeats(items: list[_Sentence], similarity: float) -> None:
    """Mark near-duplicate sentences of the same speaker as folded into their first occurrence."""
    # per first occurrence: the sentence, its length and its facts (read once, compared many times)
    firsts: dict[str, list[tuple[_Sentence, int, set[tuple[str, str]]]]] = {}
    exact: dict[tuple[str, str], tuple[_Sentence, set[tuple[str, str]]]] = {}
    for s in items:
        facts = s.facts
        key = (s.role, s.text.lower())
        known = exact.get(key)
        first = None
        if known is None:
            n = len(s.text)
            for cand, m, cand_facts in firsts.get(s.role, ()):
                if (
                    abs(m - n) <= max(m, n) * 0.3
                    and facts <= cand_facts
                    and fuzz.token_sort_ratio(cand.text, s.text, score_cutoff=similarity)
                ):
                    first = cand
                    break
        elif facts <= known[1]:
            first = known[0]
        if first is None:
            exact[key] = (s, facts)
            firsts.setdefault(s.role, []).append((s, len(s.text), facts))
        else:
            first.count += 1
            s.keep = False


def _choose_depth(items: list[_Sentence], options: CompressOptions) -> str:
    """Pick a depth from the density and drop the sentences that depth does not keep."""
    score = density([s for s in items if s.keep])
    if score >= options.dense_at:
        return "full"
    depth = "deep" if score < options.simple_below else "medium"
    kept = [s for s in items if s.keep]
    edges = {id(kept[0]), id(kept[-1])} if kept else set()
    for s in kept:
        if s.signals or id(s) in edges:
            continue
        if depth == "medium" and len(s.text.split()) >= options.medium_min_words:
            continue
        s.keep = False
    return depth


def compress_text(
    segments: Iterable[Mapping[str, Any]], options: CompressOptions = CompressOptions()
) -> tuple[str, str, float]:
    """(text, level, density) for the kept ``segments``."""
    kept = [s for s in segments if s.get("kept", True)]
    if not options.structural:
        turns = _turns(kept, merge=True, clean=False)
        level = ["merge"]
    else:
        turns = _turns(kept, merge=True, clean=True)
        level = ["structural"]
    if not (options.semantic or options.dynamic):
        text = "\n".join(_render(role, parts) for role, parts in turns)
        return text, "+".join(level), 0.0
    items = [
        _Sentence(role, i, sent, signals(sent, options.lexicon))
        for i, (role, parts) in enumerate(turns)
        for sent in sentences(" ".join(parts))
    ]
    if options.semantic:
        _fold_repeats(items, options.similarity)
        level.append("semantic")
    score = density([s for s in items if s.keep])
    if options.dynamic:
        level.append("dynamic:" + _choose_depth(items, options))
    lines: list[tuple[str, list[str]]] = []
    for s in items:
        if not s.keep:
            continue
        text = f"{s.text} [×{s.count}]" if s.count > 1 else s.text
        if lines and lines[-1][0] == s.role:
            lines[-1][1].append(text)
        else:
            lines.append((s.role, [text]))
    return "\n".join(_render(role, parts) for role, parts in lines), "+".join(level), round(score, 3)


def compress(
    filtered: Mapping[str, Any],
    count_tokens: Callable[[str], int],
    tokenizer_name: str,
    options: CompressOptions = CompressOptions(),
) -> dict[str, Any]:
    """FilteredTranscript -> CompressedTranscript."""
    segments = filtered["transcript"]["segments"]
    full = "\n".join(dialogue_lines(segments, merge=False))  # what an LLM would read without this stage
    text, level, score = compress_text(segments, options)
    text, pii = redact(text, options.pii)
    # A counter with ``many`` (ml.tokenizer.TokenCounter) counts both texts in one batch.
    many = getattr(count_tokens, "many", None)
    before, after = many([full, text]) if many is not None else (count_tokens(full), count_tokens(text))
    return {
        "call_id": filtered["call_id"],
        "filtered": dict(filtered),
        "text": text,
        "tokens_before": before,
        "tokens_after": after,
        "tokenizer": tokenizer_name,
        "level": level,
        "density": score,
        "pii": pii,
    }
