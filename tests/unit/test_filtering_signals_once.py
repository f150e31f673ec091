"""processors.filtering: an agent's short turn is read for signals once, not again for empathy."""

from __future__ import annotations

import pytest

import processors.filtering as filtering
from processors.filtering import FilterOptions, filter_transcript
from streams.bench_text import make_transcript_from_turns


@pytest.mark.parametrize(
    ("said", "language", "kept"),
    [
        ("Понимаю вас.", "ru", True),  # the agent's empathy: scored, so kept
        ("I understand.", "en", True),
    ],
)
def test_an_agents_short_turn_is_read_for_signals_once(monkeypatch, said, language, kept):
    calls: list[str] = []
    signals = filtering.signals

    def counted(text: str, *args, **kwargs):
        calls.append(text)
        return signals(text, *args, **kwargs)

    monkeypatch.setattr(filtering, "signals", counted)
    turns = [("customer", "My internet has been down since Monday morning."), ("agent", said)]
    # fresh options: no verdict remembered from another test
    out = filter_transcript(make_transcript_from_turns("once", turns, language), FilterOptions())
    assert out["transcript"]["segments"][-1]["kept"] is kept
    assert calls.count(said) == 1


def test_a_remembered_short_turn_needs_no_signals_again(monkeypatch):
    options = FilterOptions()
    turns = [("customer", "My internet has been down since Monday morning."), ("agent", "I understand.")]
    transcript = make_transcript_from_turns("again", turns, "en")
    filter_transcript(transcript, options)
    calls: list[str] = []
    monkeypatch.setattr(filtering, "signals", lambda text, *a, **k: calls.append(text) or [])
    out = filter_transcript(transcript, options)
    assert out["transcript"]["segments"][-1]["kept"] is True  # the verdict and its empathy remembered
    assert calls == []
