"""The kinds of a call's warnings (``calls.warnings``), so BI counts them by a code, not by wording.

A warning is worded for people and may be reworded; its kind is a fixed code that travels with it:
:class:`Doubt` is the warning's text (a ``str``, so every list of warnings keeps working) carrying its
kind. The transcribe stage and the scorer make each warning as a ``Doubt`` naming its kind; the records
carry the codes in ``warning_kinds`` (Avro, parallel to ``warnings``) and the sink writes them to
``calls.warning_kinds``, which ``bi_call_warnings`` (deploy/clickhouse/019_warning_kinds.sql) reads.
The codes, flags and stages here are the ones that view and docs/bi.md name (tested).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of warning as ``bi_call_warnings`` reports it."""

    code: str
    #: The event (the PBX or connector mapping) disagrees with the recording: the integrator fixes it.
    event_mismatch: bool
    #: The pipeline stage that makes it: ``transcribe`` or ``score``.
    stage: str
    meaning: str


MONO_DECLARED_STEREO = "mono_declared_stereo"
STEREO_DECLARED_MONO = "stereo_declared_mono"
ONE_MIX_DECLARED_STEREO = "one_mix_declared_stereo"
CHANNEL_MAP_INCOMPLETE = "channel_map_incomplete"
DURATION_MISMATCH = "duration_mismatch"
CHANNELS_SWAPPED = "channels_swapped"
EXTRA_CHANNELS = "extra_channels"
RECORDING_TRUNCATED = "recording_truncated"
RECORDING_STILL_WRITTEN = "recording_still_written"
TRANSCRIPT_CUT = "transcript_cut"
RECORDING_CLIPPED = "recording_clipped"
SILENT_CHANNEL = "silent_channel"
NO_SPEECH_FOUND = "no_speech_found"

#: Every kind by code, in the order 018, 019 and 021 list them.
KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind(MONO_DECLARED_STEREO, True, "transcribe", "a one-channel recording, the event says stereo"),
        Kind(STEREO_DECLARED_MONO, True, "transcribe", "two different channels, the event says mono"),
        Kind(
            ONE_MIX_DECLARED_STEREO,
            True,
            "transcribe",
            "one mix written to both channels, the event says stereo",
        ),
        Kind(CHANNEL_MAP_INCOMPLETE, True, "transcribe", "audio.channels names one channel only"),
        Kind(DURATION_MISMATCH, True, "transcribe", "started_at..ended_at far from the recording's length"),
        Kind(CHANNELS_SWAPPED, True, "transcribe", "the channel map looks swapped (a hint from the text)"),
        Kind(EXTRA_CHANNELS, False, "transcribe", "more than two channels, downmixed"),
        Kind(RECORDING_TRUNCATED, False, "transcribe", "shorter than its header says (a copy cut short)"),
        Kind(RECORDING_STILL_WRITTEN, False, "transcribe", "the recorder had not finished the file"),
        Kind(TRANSCRIPT_CUT, False, "score", "the scorer's LLM read a transcript cut to fit its context"),
        # added by 021 (coded from the start: no wording fallback)
        Kind(RECORDING_CLIPPED, False, "transcribe", "much of a channel at full scale (a gain set too high)"),
        Kind(SILENT_CHANNEL, False, "transcribe", "one channel holds no speech (a leg not recorded?)"),
        Kind(NO_SPEECH_FOUND, False, "transcribe", "no speech anywhere in the recording"),
    )
}
#: The kinds 018 told from their wording, which 019's and 021's fallback still tell for rows stored
#: without codes; a kind added later was coded from the start.
WORDED_KINDS = tuple(KINDS)[: tuple(KINDS).index(TRANSCRIPT_CUT) + 1]

#: What ``bi_call_warnings`` reports for a warning of no known kind (never dropped).
OTHER = "other"


class Doubt(str):
    """A warning's text, unchanged for its readers, that knows its :class:`Kind`'s ``code``."""

    kind: str

    def __new__(cls, text: str, kind: str) -> Doubt:
        if kind not in KINDS:  # a typo at a producing site fails there, not as '' in BI
            raise ValueError(f"unknown warning kind {kind!r}; known: {', '.join(KINDS)}")
        self = super().__new__(cls, text)
        self.kind = kind
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # pickling and copying keep the kind
        return str(self), self.kind


def kind_of(warning: str) -> str:
    """``warning``'s kind code; '' for a plain string (a warning of no known kind)."""
    return getattr(warning, "kind", "")


def kinds_of(warnings: Iterable[str]) -> list[str]:
    """The codes parallel to ``warnings``: what a record's ``warning_kinds`` holds."""
    return [kind_of(w) for w in warnings]


def parallel_kinds(warnings: Iterable[str], kinds: Iterable[str] | None) -> list[str]:
    """``kinds`` cut or padded with '' to one per warning: a record from before ``warning_kinds``
    (or a writer that left some out) still gets one code per warning, '' for unknown."""
    kinds = list(kinds or ())
    return [kinds[i] if i < len(kinds) else "" for i, _ in enumerate(warnings)]
