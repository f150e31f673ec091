"""processors.filtering: short turns that say an outcome, a state or an attitude, or confirm by
repeating the other speaker's verb, are kept; fillers and empty short turns are still dropped."""

from __future__ import annotations

import pytest

from processors.filtering import filter_transcript
from streams.bench_text import make_transcript_from_turns


def _reason(turns: list[tuple[str, str]], language: str = "en") -> str | None:
    out = filter_transcript(make_transcript_from_turns("so", turns, language))
    return out["transcript"]["segments"][-1]["drop_reason"]


@pytest.mark.parametrize(
    ("agent", "answer", "language"),
    [
        ("Try a different outlet.", "Still nothing.", "en"),
        ("Try a different outlet.", "Nothing.", "en"),
        ("Try a different outlet.", "It works!", "en"),
        ("Try a different outlet.", "Same thing.", "en"),
        ("Try a different outlet.", "Still broken.", "en"),
        ("Restart the app.", "Same error.", "en"),
        ("The technician comes Friday.", "Too late.", "en"),
        ("The technician comes Friday.", "Whatever.", "en"),
        ("Попробуйте другую розетку.", "Всё равно.", "ru"),
        ("Попробуйте другую розетку.", "Все равно.", "ru"),
        ("Попробуйте другую розетку.", "Без изменений.", "ru"),
        ("Попробуйте другую розетку.", "Заработало!", "ru"),
        ("Попробуйте другую розетку.", "Ничего.", "ru"),
        ("Попробуйте другую розетку.", "Помогло!", "ru"),
        ("Мастер придёт в пятницу.", "Поздно.", "ru"),
    ],
)
def test_an_outcome_or_attitude_is_kept(agent, answer, language):
    assert _reason([("agent", agent), ("customer", answer)], language) is None


@pytest.mark.parametrize(
    ("agent", "answer", "language"),
    [
        ("Вы оставляли заявку на замер.", "Да, оставлял.", "ru"),
        ("Вы оставляли заявку на замер.", "Оставлял.", "ru"),
        ("Мы вам звонили вчера.", "Да, звонили.", "ru"),
        ("You received our email last week.", "Yes, received.", "en"),
    ],
)
def test_a_confirmation_repeating_the_other_speakers_verb_is_kept(agent, answer, language):
    assert _reason([("agent", agent), ("customer", answer)], language) is None


@pytest.mark.parametrize(
    ("agent", "answer", "language"),
    [
        ("Мастер придёт в пятницу.", "Да, понимаю.", "ru"),  # nothing repeated: no confirmation
        ("Вы оставляли заявку на замер.", "Ну, заявку.", "ru"),  # an echo with no yes
        ("I can offer the pro plan.", "Sort of.", "en"),
        ("Могу предложить тариф.", "В общем.", "ru"),
    ],
)
def test_a_short_turn_with_nothing_to_keep_is_still_dropped(agent, answer, language):
    assert _reason([("agent", agent), ("customer", answer)], language) == "short"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("No.", None), ("Cancel it.", None), ("Yes, I agree.", None), ("50.", None), ("Fifty.", None),
        ("Нет.", None), ("Не надо.", None), ("Отмените.", None), ("Двадцать.", None), ("Стоп.", None),
        ("Юрист.", None), ("Угу.", None),
        ("Hmm, well.", "filler"), ("One second.", "filler"), ("Let me check.", "filler"),
        ("Ну вот.", "filler"), ("Секундочку.", "filler"), ("Так, сейчас.", "filler"),
    ],
)  # fmt: skip
def test_what_held_still_holds(answer, reason):
    language = "ru" if any("а" <= c <= "я" for c in answer.lower()) else "en"
    agent = {"ru": "Могу предложить тариф за 990 рублей.", "en": "I can offer the plan for $49."}[language]
    assert _reason([("agent", agent), ("customer", answer)], language) == reason
