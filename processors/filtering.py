"""Filter stage: mark every segment kept or dropped, with the reason, so BI can audit each decision.

Every segment stays in the record (and in ``call_segments``) with ``kept``/``drop_reason``; only
the kept ones reach compression and the rule metrics. Reasons, tried in this order:

- ``empty``: no letter or digit at all.
- ``no_vad``: Silero VAD heard speech under less than ``min_vad_speech`` of the segment's time
  (``vad_speech``). When VAD did not run (``vad_speech`` is null) the fallback is Whisper's own
  pair: ``no_speech`` when ``no_speech_prob`` is high *and* ``avg_logprob`` low (the thresholds
  Whisper uses to skip silent windows; either one alone is not enough).
- ``filler``: nothing left once filler words/phrases are removed ("угу", "ага", "да-да", "мм",
  "uh-huh", "okay", "one second", "секундочку", ...), unless it answers the other speaker's
  question (then "okay" / "да" is an agreement and is kept).
- ``short``: fewer than ``min_words`` words and no reason to keep it. A short turn is kept when it
  holds a number, a negation or refusal ("no", "нет", "не надо"), an explicit agreement ("I agree",
  "согласен", "deal"), a question, a politeness marker (greeting, thanks, goodbye: scoring needs
  them), a key fact (objection, commitment, legal word), or when it is a yes/ok answering the
  other speaker's question (agreement to a proposal).

Kept segments get repeats collapsed ("да-да-да-да" → "да", "yeah yeah yeah" → "yeah") and PII
redacted (``processors.pii``), so neither the LLM nor ClickHouse sees raw personal data;
dropped segments are redacted too (they stay queryable). Counts: ``dropped`` by reason, ``pii``
by placeholder type.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from processors.keyfacts import signals
from processors.numbers import normalise_numbers
from processors.pii import PiiOptions, redact
from processors.text import WORD_RE, collapse_repeats_words, has_words, phrase_pattern

FILLERS_EN = (
    "uh", "um", "uhm", "er", "erm", "ah", "oh", "hmm", "mm", "mhm", "uh-huh", "mm-hmm", "hm",
    "okay", "ok", "right", "yeah", "yep", "yup", "aha", "i see", "got it", "sure", "alright",
    "all right", "one second", "one moment", "just a moment", "just a second", "hold on",
    "let me check", "let me see", "so", "well", "you know", "i mean", "and",
)  # fmt: skip
FILLERS_RU = (
    "угу", "ага", "ну", "мм", "ммм", "м", "э", "ээ", "эээ", "э-э", "а", "ой", "да", "да-да", "так",
    "ясно", "понятно", "хорошо", "ладно", "ок", "окей", "секунду", "секундочку", "минутку",
    "одну секунду", "сейчас", "сейчас посмотрю", "я уточню", "минуточку", "вот", "слушаю", "алло",
    "как бы", "значит", "и",
)  # fmt: skip
#: Short answers that are an agreement only when they answer a question or proposal.
ANSWER_WORDS = (
    "yes", "yeah", "yep", "okay", "ok", "sure", "alright", "all right", "fine", "right",
    "да", "ага", "угу", "хорошо", "ладно", "ок", "окей", "давайте", "конечно", "можно",
)  # fmt: skip
#: Kept wherever they appear in a short turn.
KEEP_WORDS = (
    # negation / refusal
    "no", "not", "don't", "won't", "never", "nope", "нет", "не", "ни", "никогда", "нельзя",
    # explicit agreement
    "agree", "agreed", "deal", "согласен", "согласна", "договорились", "беру", "берём", "оформляйте",
    # politeness markers scoring needs
    "hello", "hi", "good morning", "good afternoon", "good evening", "thanks", "thank you",
    "bye", "goodbye", "sorry", "здравствуйте", "добрый день", "доброе утро", "добрый вечер",
    "спасибо", "благодарю", "до свидания", "всего доброго", "извините", "простите", "привет",
)  # fmt: skip
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class FilterOptions:
    """Thresholds and word lists for dropping segments (all overridable per deployment)."""

    #: Drop (``no_vad``) when VAD heard speech under less than this share of the segment.
    min_vad_speech: float = 0.2
    #: Without VAD: Whisper's no-speech probability above which a segment is suspect...
    max_no_speech_prob: float = 0.6
    #: ...and dropped (``no_speech``) when its average log-probability is also below this.
    min_avg_logprob: float = -1.0
    #: Turns with fewer words than this are dropped (``short``) unless something keeps them.
    min_words: int = 3
    fillers: tuple[str, ...] = FILLERS_EN + FILLERS_RU
    answer_words: tuple[str, ...] = ANSWER_WORDS
    keep_words: tuple[str, ...] = KEEP_WORDS
    drop_fillers: bool = True
    drop_short: bool = True
    collapse_repeats: bool = True
    pii: PiiOptions = field(default_factory=PiiOptions)

    @cached_property
    def _filler_re(self) -> re.Pattern[str]:
        return phrase_pattern(self.fillers)

    @cached_property
    def _filler_words(self) -> frozenset[str]:
        return frozenset(w for p in self.fillers for w in WORD_RE.findall(p.lower()))

    @cached_property
    def _answer_re(self) -> re.Pattern[str]:
        return phrase_pattern(self.answer_words)

    @cached_property
    def _keep_re(self) -> re.Pattern[str]:
        return phrase_pattern(self.keep_words)

    @cached_property
    def _memo(self) -> dict[tuple[str, bool], tuple[str | None, str, dict[str, int]]]:
        """Verdicts on short texts (see ``_judge``), per options: they depend on every field."""
        return {}


def _no_speech(segment: Mapping[str, Any], options: FilterOptions) -> str | None:
    vad = segment.get("vad_speech")
    if vad is not None:
        return "no_vad" if vad < options.min_vad_speech else None
    nsp, logprob = segment.get("no_speech_prob"), segment.get("avg_logprob")
    if (
        nsp is not None
        and logprob is not None
        and nsp > options.max_no_speech_prob
        and logprob < options.min_avg_logprob
    ):
        return "no_speech"
    return None


def drop_reason(
    segment: Mapping[str, Any], options: FilterOptions = FilterOptions(), answers_question: bool = False
) -> str | None:
    """Why ``segment`` should be dropped, or None to keep it.

    ``answers_question``: the other speaker's previous kept turn asked something, so a bare
    "yes"/"okay"/"да" is an agreement, not a backchannel.
    """
    text = segment["text"]
    if not has_words(text):
        return "empty"
    if reason := _no_speech(segment, options):
        return reason
    return _text_reason(text, options, answers_question)[0]


def _text_reason(text: str, options: FilterOptions, answers: bool) -> tuple[str | None, str]:
    """The checks of :func:`drop_reason` that read only the text: (reason, the text with repeats
    collapsed when ``options.collapse_repeats``)."""
    words = None
    if options.collapse_repeats:
        text, words = collapse_repeats_words(text)
    if words is None:
        words = WORD_RE.findall(text.lower())
    answer = answers and options._answer_re.search(text) is not None
    if (
        options.drop_fillers
        and options._filler_words.issuperset(words)  # fast path: a word outside every filler
        and not has_words(options._filler_re.sub(" ", text))
    ):
        return (None if answer else "filler"), text
    if options.drop_short and len(words) < options.min_words:
        if answer or _DIGIT.search(text) or "?" in text or options._keep_re.search(text):
            return None, text
        if signals(
            normalise_numbers(text)
        ):  # number words, objections, commitments, legal, emotion, question words
            return None, text
        return "short", text
    return None, text


#: Texts up to this long are judged once per FilterOptions and remembered: backchannels, fillers and
#: short answers ("Угу.", "Okay.", "One second.") make up a large share of every call's segments.
_MEMO_CHARS = 40
_MEMO_SIZE = 4096


def _judge(text: str, options: FilterOptions, answers: bool) -> tuple[str | None, str, dict[str, int]]:
    """(reason from the text, the text to store, PII counts) for a segment that is speech."""
    memo = options._memo if len(text) <= _MEMO_CHARS else None
    if memo is not None and (known := memo.get((text, answers))) is not None:
        return known
    reason, collapsed = _text_reason(text, options, answers)
    out, found = redact(collapsed if reason is None else text, options.pii)
    verdict = reason, out, found
    if memo is not None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[(text, answers)] = verdict
    return verdict


def filter_transcript(
    transcript: Mapping[str, Any], options: FilterOptions = FilterOptions()
) -> dict[str, Any]:
    """Transcript -> FilteredTranscript: same segments, each flagged kept/drop_reason, PII redacted."""
    out = copy.copy(dict(transcript))
    segments = []
    dropped: Counter[str] = Counter()
    pii: Counter[str] = Counter()
    kept = 0
    last_kept_role, last_kept_asked = None, False
    for seg in transcript["segments"]:
        answers = last_kept_asked and last_kept_role not in (None, seg["role"])
        text = seg["text"]
        reason = "empty" if not has_words(text) else _no_speech(seg, options)
        if reason is None:
            reason, text, found = _judge(text, options, answers)
        else:
            text, found = redact(text, options.pii)
        if found:
            pii.update(found)
        segments.append({**seg, "text": text, "kept": reason is None, "drop_reason": reason})
        if reason:
            dropped[reason] += 1
        else:
            kept += 1
            last_kept_role, last_kept_asked = seg["role"], text.rstrip().endswith("?")
    out["segments"] = segments
    return {
        "call_id": transcript["call_id"],
        "transcript": out,
        "kept": kept,
        "dropped": dict(dropped),
        "pii": dict(pii),
    }
