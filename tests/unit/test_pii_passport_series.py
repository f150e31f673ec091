"""A Russian passport's series and number given together: one [ID], stored and counted once."""

from __future__ import annotations

from processors.filtering import filter_transcript
from processors.pii import count_placeholders
from streams.bench_text import make_transcript_from_turns

_ASK = ("agent", "Для перевыпуска нужен паспорт: серия и номер.")
_THANKS = ("agent", "Спасибо.")


def _filtered(answers: list[tuple[str, str]]) -> tuple[list[str], dict[str, int], dict[str, int]]:
    """The answers' stored texts, the filter's count and the stored count."""
    f = filter_transcript(make_transcript_from_turns("p", [_ASK, *answers, _THANKS], "ru"))
    segments = f["transcript"]["segments"]
    stored = count_placeholders([s["text"] for s in segments], [s["role"] for s in segments])
    return [s["text"] for s in segments[1:-1]], f["pii"], stored


def test_a_series_in_words_without_its_word_before_the_number_is_redacted_with_it():
    """ "Сорок пять ноль восемь" reads "45 0 8": the series of the passport asked for, as "4508" is."""
    texts, found, stored = _filtered(
        [("customer", "Сорок пять ноль восемь, номер семьсот двенадцать триста сорок пять.")]
    )
    assert texts == ["[ID]."]
    assert found == stored == {"ID": 1}
