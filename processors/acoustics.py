"""How a call sounded, from segment timestamps: talk time, silence, overtalk, interruptions, pace.

Per-role numbers need one party per channel. On mono (or any segment without an agent/customer
role) they are None, never zero, so dashboards do not average fake zeros into real values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

ROLES = ("agent", "customer")
SEPARATED_FIELDS = (
    *(f"{role}_{name}" for role in ROLES for name in ("talk_s", "interruptions", "wpm")),
    "overtalk_count",
    "overtalk_s",
)

Interval = tuple[float, float]


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint cover of ``intervals``; touching intervals merge into one."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def intersection(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Overlaps of two disjoint sorted interval lists (two-pointer sweep)."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def gaps(intervals: Sequence[Interval], duration: float) -> list[float]:
    """Lengths of the silences between, before and after ``intervals`` within [0, duration]."""
    out, cursor = [], 0.0
    for start, end in intervals:
        out.append(start - cursor)
        cursor = end
    out.append(duration - cursor)
    return [g for g in out if g > 0]


def _total(intervals: Iterable[Interval]) -> float:
    return sum(end - start for start, end in intervals)


def _interruptions(own: Sequence[Interval], other: Sequence[Interval]) -> int:
    """Turns of ``own`` that start strictly inside a turn of ``other``."""
    return sum(any(o_start < start < o_end for o_start, o_end in other) for start, _ in own)


def _clip(segment: Mapping, duration: float) -> Interval:
    return max(0.0, float(segment["start"])), min(duration, float(segment["end"]))


def acoustic_metrics(segments: Sequence[Mapping], duration: float, layout: str) -> dict:
    """AcousticMetrics record (callstream.AcousticMetrics.avsc) for one call's segments."""
    speech = union(_clip(s, duration) for s in segments)
    silences = gaps(speech, duration)
    metrics: dict = {
        "duration_s": round(duration, 3),
        "silence_s": round(sum(silences), 3),
        "longest_silence_s": round(max(silences, default=0.0), 3),
        "source": "segments",
    }
    separated = layout == "stereo" and all(s["role"] in ROLES for s in segments)
    if not separated:
        return metrics | dict.fromkeys(SEPARATED_FIELDS)
    turns = {role: union(_clip(s, duration) for s in segments if s["role"] == role) for role in ROLES}
    overtalk = intersection(turns["agent"], turns["customer"])
    metrics |= {"overtalk_count": len(overtalk), "overtalk_s": round(_total(overtalk), 3)}
    for role, other in (ROLES, ROLES[::-1]):
        talk = _total(turns[role])
        words = sum(len(s["text"].split()) for s in segments if s["role"] == role)
        metrics[f"{role}_talk_s"] = round(talk, 3)
        metrics[f"{role}_interruptions"] = _interruptions(turns[role], turns[other])
        metrics[f"{role}_wpm"] = round(words / (talk / 60), 1) if talk > 0 else None
    return metrics
