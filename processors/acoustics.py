"""How a call sounded: talk time, silence, overtalk, interruptions, pace.

Timings come from Silero VAD speech per channel (:func:`vad_metrics`, the normal path) or, when
VAD did not run, from segment timestamps (:func:`acoustic_metrics`).

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

#: The AcousticMetrics measures stored per call (ClickHouse ``calls`` columns, alert-rule paths).
METRICS = (
    "agent_talk_s",
    "customer_talk_s",
    "silence_s",
    "longest_silence_s",
    "overtalk_count",
    "overtalk_s",
    "agent_interruptions",
    "customer_interruptions",
    "agent_wpm",
    "customer_wpm",
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


#: The shortest turn that counts as an interruption: shorter ones started inside the other party's
#: turn are backchannels ("mm-hmm", "угу", "okay" take 0.3-0.7 s), the sign of a listener, not of
#: someone cutting in.
MIN_INTERRUPTION_S = 1.0


#: How long the other party must go on talking after a turn starts (more than this) for it to cut
#: them off: one who starts in the last half second of the other's turn takes over at a handover
#: (people do that all the time), not interrupting. The stereo sample's customer, 0.7 s into the
#: end of the agent's sentence, interrupts.
MIN_TALKED_OVER_S = 0.5


def _interruptions(own: Sequence[Interval], other: Sequence[Interval]) -> int:
    """Turns of ``own`` of at least :data:`MIN_INTERRUPTION_S` that start inside a turn of ``other``
    which then goes on for more than :data:`MIN_TALKED_OVER_S`."""
    return sum(
        end - start >= MIN_INTERRUPTION_S
        and any(o_start < start and o_end - start > MIN_TALKED_OVER_S for o_start, o_end in other)
        for start, end in own
    )


def _clip(segment: Mapping, duration: float) -> Interval:
    return max(0.0, float(segment["start"])), min(duration, float(segment["end"]))


def _from_intervals(
    speech: Sequence[Interval],
    turns: Mapping[str, Sequence[Interval]] | None,
    words: Mapping[str, int],
    duration: float,
    source: str,
) -> dict:
    """Metrics from who-spoke-when; ``turns`` None means the parties cannot be told apart."""
    silences = gaps(speech, duration)
    metrics: dict = {
        "duration_s": round(duration, 3),
        "silence_s": round(sum(silences), 3),
        "longest_silence_s": round(max(silences, default=0.0), 3),
        "source": source,
    }
    if turns is None:
        return metrics | dict.fromkeys(SEPARATED_FIELDS)
    overtalk = intersection(turns["agent"], turns["customer"])
    metrics |= {"overtalk_count": len(overtalk), "overtalk_s": round(_total(overtalk), 3)}
    for role, other in (ROLES, ROLES[::-1]):
        talk = _total(turns[role])
        metrics[f"{role}_talk_s"] = round(talk, 3)
        metrics[f"{role}_interruptions"] = _interruptions(turns[role], turns[other])
        metrics[f"{role}_wpm"] = round(words.get(role, 0) / (talk / 60), 1) if talk > 0 else None
    return metrics


def _words(segments: Iterable[Mapping]) -> dict[str, int]:
    out: dict[str, int] = dict.fromkeys(ROLES, 0)
    for s in segments:
        out[s["role"]] = out.get(s["role"], 0) + len(s["text"].split())
    return out


def acoustic_metrics(segments: Sequence[Mapping], duration: float, layout: str) -> dict:
    """AcousticMetrics record (callstream.AcousticMetrics.avsc) for one call's segments.

    The fallback when VAD did not run: ASR timestamps are looser than VAD's (they stretch over
    pauses), so :func:`vad_metrics` is preferred.
    """
    speech = union(_clip(s, duration) for s in segments)
    separated = layout == "stereo" and all(s["role"] in ROLES for s in segments)
    turns = (
        {role: union(_clip(s, duration) for s in segments if s["role"] == role) for role in ROLES}
        if separated
        else None
    )
    return _from_intervals(speech, turns, _words(segments), duration, "segments")


def vad_metrics(
    speech_by_track: Sequence[tuple[str, Sequence[Interval]]],
    segments: Sequence[Mapping],
    duration: float,
    layout: str,
) -> dict:
    """AcousticMetrics from Silero VAD speech per track ``(role, intervals)``: ``source="vad"``.

    Talk, silence and overtalk come from VAD (tight to the audio); speech rate divides the words
    of the kept segments by VAD talk time. Per-role values need a stereo call whose two channels
    are the agent and the customer; otherwise (mono, unknown roles) they are None.
    """
    clipped = [(role, [(max(0.0, s), min(duration, e)) for s, e in ivs]) for role, ivs in speech_by_track]
    speech = union(iv for _, ivs in clipped for iv in ivs)
    roles = [role for role, _ in clipped]
    turns = None
    if layout == "stereo" and sorted(roles) == sorted(ROLES):
        turns = {role: union(ivs) for role, ivs in clipped}
    return _from_intervals(speech, turns, _words(segments), duration, "vad")
