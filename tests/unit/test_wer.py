"""``ml.wer``: the WER the speech tests and ``callstream bench speech`` share."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ml.wer import wer


def test_spelling_of_numbers_and_dollars_is_not_an_error() -> None:
    assert wer("The plan costs 39 dollars, for fourteen days.", "the plan costs $39 for 14 days") == 0.0
    assert wer("Okay, a trial sounds good.", "Okay, a trial sound good.") == pytest.approx(0.2)


def test_importing_it_does_not_need_jiwer() -> None:
    """jiwer is a dev dependency: the bench imports ml.wer in a core install."""
    code = "import sys; sys.modules['jiwer'] = None; import ml.wer; print(ml.wer.wer('a', 'a'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None"
