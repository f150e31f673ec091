"""Filter stage: mark every segment kept or dropped, with the reason, so BI can audit each decision.

This first version drops what carries no speech: empty text and windows Whisper itself believes
were not speech (its ``no_speech_prob`` together with a low ``avg_logprob``, the same pair of
thresholds Whisper uses to skip silent windows). Filler and repeat handling come later.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from processors.text import has_words


@dataclass(frozen=True)
class FilterOptions:
    """Thresholds for dropping segments."""

    #: Whisper's no-speech probability above which a segment is suspect.
    max_no_speech_prob: float = 0.6
    #: ...and dropped when its average log-probability is also below this.
    min_avg_logprob: float = -1.0


def drop_reason(segment: Mapping[str, Any], options: FilterOptions) -> str | None:
    """Why ``segment`` should be dropped, or None to keep it."""
    if not has_words(segment["text"]):
        return "empty"
    nsp, logprob = segment.get("no_speech_prob"), segment.get("avg_logprob")
    if (
        nsp is not None
        and logprob is not None
        and nsp > options.max_no_speech_prob
        and logprob < options.min_avg_logprob
    ):
        return "no_speech"
    return None


def filter_transcript(
    transcript: Mapping[str, Any], options: FilterOptions = FilterOptions()
) -> dict[str, Any]:
    """Transcript -> FilteredTranscript: same segments, each flagged kept/drop_reason."""
    out = copy.copy(dict(transcript))
    segments = []
    dropped: Counter[str] = Counter()
    for seg in transcript["segments"]:
        reason = drop_reason(seg, options)
        segments.append({**seg, "kept": reason is None, "drop_reason": reason})
        if reason:
            dropped[reason] += 1
    out["segments"] = segments
    return {
        "call_id": transcript["call_id"],
        "transcript": out,
        "kept": sum(1 for s in segments if s["kept"]),
        "dropped": dict(dropped),
    }
