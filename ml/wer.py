"""Word error rate of a transcript against a script, as the speech tests and ``callstream bench
speech`` both compute it.

jiwer is a dev dependency: it is imported only when a WER is asked for, so the core install never
needs it, and :func:`wer` returns None without it (the bench still runs).

Both sides are normalised the same way: lower case, ``$39`` read as "39 dollars", punctuation
dropped, the number words zero to twenty written as digits. The scripts spell "39 dollars" and
"fourteen" where Whisper writes "$39" and "14" (or the other way round, call by call): without the
mapping those count as errors though every word is right (5.6 of the 11.2 points of plain
transcribe's WER on the bench's call).
"""

from __future__ import annotations

import functools
from typing import Any

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
)
NUMBERS = {word: str(n) for n, word in enumerate(NUMBER_WORDS.split())}


@functools.cache
def normaliser() -> Any:
    """The jiwer transform applied to reference and hypothesis (raises ImportError without jiwer)."""
    import jiwer

    return jiwer.Compose(
        [
            jiwer.ToLowerCase(),
            jiwer.SubstituteRegexes({r"\$(\d+)": r"\1 dollars"}),
            jiwer.RemovePunctuation(),
            jiwer.SubstituteWords(NUMBERS),
            jiwer.RemoveMultipleSpaces(),
            jiwer.Strip(),
            jiwer.ReduceToListOfListOfWords(),
        ]
    )


def wer(reference: str, hypothesis: str) -> float | None:
    """WER of ``hypothesis`` against ``reference`` after :func:`normaliser`; None without jiwer."""
    try:
        import jiwer

        norm = normaliser()
    except ImportError:
        return None
    return jiwer.wer(reference, hypothesis, reference_transform=norm, hypothesis_transform=norm)
