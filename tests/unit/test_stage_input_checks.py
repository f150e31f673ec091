"""The text stages refuse a Transcript that no transcribe stage would have written (a record produced
straight to calls.transcribed or calls.filtered): a dead letter at the first stage that reads it,
not CPU spent on filtering and compressing a call the sink refuses anyway."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from processors.filtering import filter_transcript
from schemas.validation import InvalidCall, check_transcript, transcript_problems
from streams.agents import compress, filter
from streams.settings import Settings
from streams.stage import Stage
from streams.topics import COMPRESSED, FILTERED
from tests.factories import make_transcript
from tests.unit.test_stage_send import FakeRuntime, letters, run


def _absurd() -> dict[str, Any]:
    transcript = make_transcript()
    transcript["duration"] = float("nan")
    transcript["call"]["agent"]["name"] = "Dana\r\nBcc: everyone@example.com"
    transcript["segments"][1]["end"] = -3.0
    return transcript


def _stage(module: Any, monkeypatch: pytest.MonkeyPatch) -> Stage:
    got: list[Stage] = []
    monkeypatch.setattr(module, "register_stage", lambda rt, stage: got.append(stage))
    module.register(SimpleNamespace(settings=Settings()))
    return got[0]


def test_transcript_problems_lists_each_one():
    assert transcript_problems(make_transcript()) == []
    problems = transcript_problems(_absurd())
    assert [p.split(":")[0] for p in problems] == ["call.agent.name", "duration", "segment 1"]
    with pytest.raises(InvalidCall, match="duration: nan is not a finite number"):
        check_transcript(_absurd())


@pytest.mark.parametrize("module", [filter, compress])
def test_text_stage_dead_letters_an_absurd_transcript(module: Any, monkeypatch: pytest.MonkeyPatch):
    stage = _stage(module, monkeypatch)
    rt = FakeRuntime()
    good, bad = make_transcript(), _absurd()
    if module is compress:  # its input is the filter's output
        good, bad = filter_transcript(good), filter_transcript(bad)
    schema = "Transcript" if module is filter else "FilteredTranscript"
    run(rt, rt.codec.encode(schema, good), stage)
    run(rt, rt.codec.encode(schema, bad), stage)
    assert len(rt.topic(FILTERED if module is filter else COMPRESSED).sent) == 1
    [letter] = letters(rt)
    assert letter["stage"] == stage.name and letter["error_class"] == "InvalidCall"
    assert "call.agent.name: no control characters" in letter["error_message"]
