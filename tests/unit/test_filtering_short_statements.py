"""processors.filtering: a short turn that states something ("Интернет пропал.", "Router died.") is
kept whatever came before it; one that only acknowledges ("Got it.", "Ага, ясно.") is still dropped;
"so so", "так же", "так себе" are words of their own, "так сказать" a filler dropped whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from processors.filtering import EMPTY_WORDS, FilterOptions, filter_transcript
from processors.text import clean_speech, collapse_repeats
from processors.text_config import TextConfig
from streams.bench_text import make_transcript_from_turns

GREETING = {
    "ru": "Добрый день, Связь-Про, Мария, слушаю вас.",  # no "?": what follows answers no question
    "en": "Thanks for calling Brightline, this is Kevin.",
}


def _reasons(
    turns: list[tuple[str, str]], language: str, options: FilterOptions | None = None
) -> list[str | None]:
    out = filter_transcript(make_transcript_from_turns("st", turns, language), options or FilterOptions())
    return [s["drop_reason"] for s in out["transcript"]["segments"]]


@pytest.mark.parametrize(
    ("statement", "language"),
    [
        ("Интернет пропал.", "ru"), ("Деньги списали.", "ru"), ("Хочу отключиться.", "ru"),
        ("Нужен мастер.", "ru"), ("Хочу оплатить.", "ru"), ("Роутер сгорел.", "ru"),
        ("Overcharged.", "en"), ("Scammed.", "en"), ("Router died.", "en"), ("Pay bill.", "en"),
    ],
)  # fmt: skip
def test_a_short_statement_after_the_greeting_is_the_reason_for_the_call(statement, language):
    assert _reasons([("agent", GREETING[language]), ("customer", statement)], language) == [None, None]


def test_a_short_statement_later_in_the_call_is_kept():
    turns = [
        ("agent", GREETING["ru"]),
        ("customer", "Интернет пропал."),
        ("agent", "Вижу, на линии авария, починим завтра."),
        ("customer", "Роутер сгорел."),
        ("agent", "Тогда мастер приедет в среду."),
        ("customer", "Ладно."),
    ]
    assert _reasons(turns, "ru") == [None, None, None, None, None, "filler"]


@pytest.mark.parametrize(
    ("ack", "language"),
    [
        ("Right, right.", "en"), ("I see.", "en"), ("Got it.", "en"), ("Sure.", "en"), ("Great.", "en"),
        ("Sounds nice.", "en"), ("Will do.", "en"), ("Okay, perfect.", "en"), ("Makes sense.", "en"),
        ("Понятно.", "ru"), ("Хорошо.", "ru"), ("Ясно.", "ru"), ("Ага, ясно.", "ru"), ("Понимаю вас.", "ru"),
        ("Хорошо, записала.", "ru"), ("Да, конечно, конечно.", "ru"), ("Одну минуту.", "ru"),
    ],
)  # fmt: skip
def test_an_acknowledgement_still_goes(ack, language):
    reason = _reasons([("agent", GREETING[language]), ("customer", ack)], language)[1]
    assert reason in ("short", "filler")


def test_an_echo_of_the_other_speakers_word_states_nothing():
    turns = [("agent", "Вы оставляли заявку на замер."), ("customer", "Ну, заявку.")]
    assert _reasons(turns, "ru")[1] == "short"
    # the same word said first is a statement
    assert _reasons([("agent", GREETING["ru"]), ("customer", "Ну, заявку.")], "ru")[1] is None


def test_empty_words_are_configurable(tmp_path: Path):
    turns = [("agent", GREETING["ru"]), ("customer", "Интернет пропал.")]
    options = FilterOptions(empty_words=(*EMPTY_WORDS, "интернет", "пропал"))
    assert _reasons(turns, "ru", options)[1] == "short"
    path = tmp_path / "text.yaml"
    path.write_text("filter:\n  empty_words: {add: [интернет, пропал]}\n", encoding="utf-8")
    assert _reasons(turns, "ru", TextConfig.load(path).filter)[1] == "short"
    # with none of them, every word states something: "Понятно." is still a filler
    bare = FilterOptions(empty_words=())
    assert _reasons([("agent", GREETING["ru"]), ("customer", "Понятно.")], "ru", bare)[1] == "filler"


# --- finding 2: a filler and a word that are one word ---------------------------------------------


@pytest.mark.parametrize("agent", ["How is it?", "Try a different outlet."])
def test_so_so_is_an_answer_not_two_fillers(agent):
    assert _reasons([("agent", agent), ("customer", "So so.")], "en")[1] is None
    assert _reasons([("agent", agent), ("customer", "So-so.")], "en")[1] is None


def test_so_so_is_not_collapsed_but_a_stutter_of_so_is():
    assert collapse_repeats("So so.") == "So so."
    assert clean_speech("Well, so so.")[0] == "Well, so so."
    assert collapse_repeats("It was so so slow.") == "It was so slow."
    assert collapse_repeats("So, so, what we do is this.") == "So, what we do is this."
    assert collapse_repeats("So so so.") == "So."


@pytest.mark.parametrize("answer", ["Так же.", "Так себе."])
def test_tak_zhe_and_tak_sebe_are_words_of_their_own(answer):
    # after an instruction, not a question: kept as a state, as "Без изменений." is
    assert _reasons([("agent", "Перезагрузите роутер."), ("customer", answer)], "ru")[1] is None


@pytest.mark.parametrize("agent", ["Как работает?", "Перезагрузите роутер."])
def test_tak_skazat_is_a_filler_dropped_whole(agent):
    assert _reasons([("agent", agent), ("customer", "Так сказать.")], "ru")[1] == "filler"


def test_the_agents_short_empathy_is_kept_a_customers_acknowledgement_goes() -> None:
    """ "Понимаю вас." is what the agent's empathy is scored on (a key fact since the compress stage
    keeps the agent's manner); the same words from the customer only acknowledge."""
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    turns = [
        ("customer", "У меня третий день нет интернета, я очень недоволен."),
        ("agent", "Понимаю вас."),
        ("agent", "Мастер придёт в пятницу."),
        ("customer", "Понимаю вас."),
    ]
    segments = filter_transcript(make_transcript_from_turns("emp", turns, "ru"))["transcript"]["segments"]
    assert [s["kept"] for s in segments] == [True, True, True, False]
