"""What `callstream demo --calls` and `callstream publish` make of their input file (found by a user
acceptance review): recording roots that a link or `..` cannot widen."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.events import anchor_relative
from processors.audio import RecordingNotAllowed, resolve_recording
from streams.demo import demo_roots, recording_dirs

# -- 1. recording roots: the folders as written, no link or `..` out of them --------------------------


def test_a_link_or_dotdot_out_of_the_calls_folder_is_refused_not_read(tmp_path: Path) -> None:
    """The review's repro: `sub/link.wav` -> a file elsewhere, and `../calls/../../secret/...`, were
    allowed because the demo added the resolved folders (/etc) to its roots."""
    calls_dir, secret = tmp_path / "uat" / "calls", tmp_path / "secret"
    (calls_dir / "sub").mkdir(parents=True)
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0\n")
    (calls_dir / "sub" / "link.wav").symlink_to(secret / "passwd")
    (calls_dir / "ok.wav").write_bytes(b"RIFF")
    calls = [
        {"recording_uri": "sub/link.wav"},
        {"recording_uri": "../calls/../../secret/passwd"},
        {"recording_uri": "ok.wav"},
    ]
    anchor_relative(calls, calls_dir)
    # made absolute, not resolved: the link and the `..` stay for the worker to judge
    assert calls[0]["recording_uri"] == (calls_dir / "sub" / "link.wav").as_uri()
    assert calls[1]["recording_uri"].endswith("/uat/calls/../calls/../../secret/passwd")
    roots = demo_roots([], calls)
    assert roots == [calls_dir, calls_dir / "sub"]  # no root from the `..` path, none from the link's target
    for call in calls[:2]:
        with pytest.raises(RecordingNotAllowed, match="outside the recording roots"):
            resolve_recording(call["recording_uri"], roots)
    assert resolve_recording(calls[2]["recording_uri"], roots) == (calls_dir / "ok.wav").resolve()


def test_absolute_recording_folders_count_as_written(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.wav").write_bytes(b"RIFF")
    (tmp_path / "alias").symlink_to(real)  # a folder the user names through a link is still theirs
    calls = [
        {"recording_uri": (tmp_path / "alias" / "a.wav").as_uri()},
        {"recording_uri": f"{tmp_path}/x/../../a.wav"},
    ]
    assert recording_dirs(calls) == [tmp_path / "alias"]
    assert resolve_recording(calls[0]["recording_uri"], demo_roots([], calls)) == real / "a.wav"
