"""Repeats an outside evaluator's round 3 found misfolded: a short sentence said twice in one merged turn
was kept twice, and a sentence holding a placeholder folded as an exact repeat though the two numbers
behind it may differ."""

from __future__ import annotations

from processors.compression import CompressOptions, compress_text

_NO_DEPTH = CompressOptions(dynamic=False)  # the fold alone, every sentence kept otherwise


def _seg(role: str, text: str) -> dict[str, object]:
    return {"role": role, "text": text, "kept": True}


def test_a_short_repeat_in_one_merged_turn_folds() -> None:
    segments = [
        _seg("agent", "Техподдержка, Максим, здравствуйте."),
        _seg("customer", "Здравствуйте. Интернет пропал."),
        _seg("customer", "Интернет пропал."),
        _seg("agent", "Давно?"),
    ]
    text, _, _ = compress_text(segments, _NO_DEPTH)
    assert "Customer: Здравствуйте. Интернет пропал. [×2]\n" in text, text


def test_a_short_repeat_in_another_turn_stays() -> None:
    # an answer between: "Yes." to another question means another thing
    segments = [
        _seg("agent", "Is it plugged in?"),
        _seg("customer", "Yes."),
        _seg("agent", "Is the light on?"),
        _seg("customer", "Yes."),
    ]
    text, _, _ = compress_text(segments, _NO_DEPTH)
    assert text.count("Yes.") == 2 and "[×" not in text, text


def test_letters_and_digits_spelled_in_one_turn_stay() -> None:
    segments = [_seg("customer", "Фамилия на латинице. N. N. Номер 4. 4.")]
    text, _, _ = compress_text(segments, _NO_DEPTH)
    assert "[×" not in text, text


def test_a_sentence_with_a_placeholder_never_folds() -> None:
    # compression sees only the redacted text: the two numbers may differ (a correction)
    segments = [
        _seg("customer", "My phone number is [PHONE] for the callback."),
        _seg("agent", "Sorry, could you repeat that?"),
        _seg("customer", "My phone number is [PHONE] for the callback."),
    ]
    text, _, _ = compress_text(segments, _NO_DEPTH)
    assert text.count("[PHONE]") == 2 and "[×" not in text, text
    same_turn = [_seg("customer", "My phone number is [PHONE] for the callback. My phone number is [PHONE].")]
    text, _, _ = compress_text(same_turn, _NO_DEPTH)
    assert text.count("[PHONE]") == 2 and "[×" not in text, text


def test_a_long_exact_repeat_still_folds() -> None:
    segments = [
        _seg("customer", "I want to cancel my subscription today."),
        _seg("agent", "May I ask why?"),
        _seg("customer", "I want to cancel my subscription today."),
    ]
    text, _, _ = compress_text(segments, _NO_DEPTH)
    assert "today. [×2]" in text and text.count("cancel") == 1, text


def test_a_clause_with_a_placeholder_is_no_repeated_clause() -> None:
    from processors.compression import _drop_repeated_clauses, _Sentence

    first = _Sentence("customer", 0, "My phone number is [PHONE], call me after six.", [])
    again = _Sentence("customer", 2, "Sorry, my phone number is [PHONE], that one is right.", [])
    _drop_repeated_clauses([first, again], CompressOptions().similarity)
    assert again.text == "Sorry, my phone number is [PHONE], that one is right." and first.count == 1
