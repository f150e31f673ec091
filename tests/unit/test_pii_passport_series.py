"""A Russian passport's series and number given together: one [ID], stored and counted once."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(
    "answers",
    [
        [("customer", "Серия сорок пять ноль восемь, номер семьсот двенадцать триста сорок пять.")],
        [("customer", "Номер 712345, серия 4508.")],
        # the number in the next breath
        [
            ("customer", "Серия сорок пять ноль восемь,"),
            ("customer", "номер семьсот двенадцать триста сорок пять."),
        ],
    ],
)
def test_a_series_and_its_number_count_one_id(answers):
    texts, found, stored = _filtered(answers)
    assert not any(ch.isdigit() for t in texts for ch in t), texts
    assert found == stored == {"ID": 1}, texts


def test_another_identity_number_after_the_passport_still_counts():
    texts, found, stored = _filtered([("customer", "Серия 4508, номер 712345. А СНИЛС 112-233-445 95.")])
    assert found == stored == {"ID": 2}, texts


def test_the_stored_count_joins_only_a_series_and_a_number():
    assert count_placeholders(["Серия [ID], номер [ID]."]) == {"ID": 1}
    assert count_placeholders(["СНИЛС [ID], номер полиса [ID]."]) == {"ID": 2}
    # the other speaker asked for another number between the breaths
    texts = ["Серия [ID].", "А номер СНИЛС?", "Номер [ID]."]
    assert count_placeholders(texts, ["customer", "agent", "customer"]) == {"ID": 2}


@pytest.mark.parametrize("said", ["Серия сорок пять ноль восемь.", "Серия 45 08.", "Серия 4508."])
def test_a_series_said_alone_answering_the_passport_request_is_one_id(said):
    """The series alone (its number said later, or never) is as readable as with its number."""
    texts, found, stored = _filtered([("customer", said)])
    assert texts == ["Серия [ID]."]
    assert found == stored == {"ID": 1}


def test_a_series_alone_then_its_number_after_a_question_count_one_id():
    texts, found, stored = _filtered(
        [("customer", "Серия 45 08."), ("agent", "Так, а номер?"), ("customer", "Номер 712345.")]
    )
    assert texts[0] == "Серия [ID]." and not any(ch.isdigit() for t in texts for ch in t), texts
    assert found == stored == {"ID": 1}


def test_a_series_alone_with_the_word_passport_is_redacted():
    said = [("customer", "Паспорт старый, серия 45 08.")]
    f = filter_transcript(make_transcript_from_turns("p", said, "ru"))
    assert f["transcript"]["segments"][0]["text"] == "Паспорт старый, серия [ID]."
    assert f["pii"] == {"ID": 1}


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ("Какой сериал вы смотрели?", "Серия 45 08 была лучше, серия 3 тоже."),  # no passport named
        ("Для перевыпуска нужен паспорт: серия и номер.", "Секунду, это серия 3 моего сериала играет."),
        ("Какой сериал вы смотрели?", "Серия сорок пять ноль восемь."),
        ("Назовите серию.", "Серия 45 10"),  # no passport named: a device's, a banknote's series
    ],
)
def test_a_series_that_is_no_passport_stays(asked, said):
    f = filter_transcript(make_transcript_from_turns("p", [("agent", asked), ("customer", said)], "ru"))
    assert f["transcript"]["segments"][1]["text"] == said
    assert not f["pii"]
