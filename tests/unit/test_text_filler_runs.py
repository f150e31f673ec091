"""Fillers said one after another at a sentence's start (evaluator finding: "Ну, как бы, тариф" left
"К тариф"): the capital a removed filler passes on goes to the first word kept, never to a letter of
the next filler, which is removed too."""

from __future__ import annotations

import pytest

from processors.text import clean_speech, strip_fillers, strip_fillers_of


@pytest.mark.parametrize(
    ("said", "cleaned"),
    [
        ("Понимаю. Ну, как бы, тариф стоит 699 рублей.", "Понимаю. Тариф стоит 699 рублей."),
        ("Да. Ну, как бы, я подумаю.", "Да. Я подумаю."),
        ("Понимаю. Ну, в общем, тариф дорогой.", "Понимаю. Тариф дорогой."),
        ("Хорошо. Ну, типа, ладно.", "Хорошо. Ладно."),
        ("Хорошо. Ну, типа,", "Хорошо."),
        # three in a row
        ("Да. Ну, типа, как бы, я подумаю.", "Да. Я подумаю."),
        ("Да. Э, ну, в общем, 300 рублей.", "Да. 300 рублей."),
        ("Okay. Um, you know, the plan is fine.", "Okay. The plan is fine."),
        ("Okay. Uh, um, you know, the plan is fine.", "Okay. The plan is fine."),
        # one filler still passes its capital on, as before
        ("Хм. Ну, это дорого.", "Хм. Это дорого."),
    ],
)
def test_fillers_in_a_row_leave_no_stray_letter(said: str, cleaned: str) -> None:
    assert strip_fillers(said) == cleaned
    assert clean_speech(said)[0] == cleaned
    # the batch path mends spans as it finds them: the same answer, next to other texts
    assert strip_fillers_of(["Ok. Um, uh, yes.", said, said]) == ["Ok. Yes.", cleaned, cleaned]
