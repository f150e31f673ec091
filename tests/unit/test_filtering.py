"""processors.filtering: VAD / no-speech, fillers, short turns, repeats, PII, counts by reason."""

from __future__ import annotations

import re
from typing import Any

import pytest

from processors.compression import CompressOptions, compress
from processors.filtering import EMPTY_WORDS, FilterOptions, drop_reason, filter_transcript, proposes
from processors.pii import luhn_ok
from streams.bench_text import make_transcript_from_turns


def seg(text: str, role: str = "customer", **extra: Any) -> dict[str, Any]:
    return {
        "role": role,
        "text": text,
        "no_speech_prob": 0.02,
        "avg_logprob": -0.2,
        "vad_speech": None,
    } | extra


@pytest.mark.parametrize(
    ("vad", "nsp", "logprob", "reason"),
    [
        (0.05, 0.01, -0.1, "no_vad"),  # VAD heard nothing: dropped even though Whisper is confident
        (0.9, 0.95, -2.0, None),  # VAD heard speech: Whisper's no-speech guess is not used
        (None, 0.95, -2.0, "no_speech"),  # no VAD: the Whisper pair decides
        (None, 0.95, -0.3, None),
        (0.35, 0.92, -1.3, "no_speech"),  # VAD heard a little (breath, line noise): the pair decides
        (0.35, 0.1, -0.3, None),
    ],
)
def test_vad_first_then_whisper_fallback(vad, nsp, logprob, reason):
    s = seg("I would like to order the pro plan", vad_speech=vad, no_speech_prob=nsp, avg_logprob=logprob)
    assert drop_reason(s) == reason


@pytest.mark.parametrize(
    "text", ["угу", "Ага.", "да-да-да", "Мм...", "uh-huh", "Okay.", "mm-hmm", "Yeah yeah yeah.",
             "One second, let me check.", "Секундочку, сейчас посмотрю.", "Угу, угу, понятно.",
             "Мм-хм.", "Хм."]
)  # fmt: skip
def test_filler_only_turns_dropped(text):
    assert drop_reason(seg(text)) == "filler"


def test_agreement_answering_a_question_is_kept():
    assert drop_reason(seg("Okay."), answers_question=True) is None
    assert drop_reason(seg("Да-да."), answers_question=True) is None
    assert drop_reason(seg("Угу."), answers_question=False) == "filler"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Sounds nice.", "short"),
        ("Интересно, конечно.", "short"),
        ("No.", None),  # refusal
        ("Нет, спасибо.", None),
        ("I agree.", None),  # explicit agreement
        ("Согласен.", None),
        ("How much?", None),  # question
        ("Сколько стоит", None),  # question word, no mark
        ("39 dollars.", None),  # number
        ("Пятьсот рублей.", None),  # number in words
        ("Too expensive.", None),  # objection
        ("Thank you.", None),  # politeness marker
        ("До свидания.", None),
        ("Call lawyer.", None),  # legal word
        ("This is a proper sentence.", None),
        # an action or request
        ("Отправьте договор.", None),
        ("Send it.", None),
        ("Call me.", None),
        ("Подождите.", None),
        ("Перезвоните, пожалуйста.", None),
    ],
)
def test_short_turn_rule(text, reason):
    assert drop_reason(seg(text)) == reason


def test_action_words_are_configurable():
    # "send" alone states something (a content word): declared empty, only the action words keep it
    no_send = (*EMPTY_WORDS, "send")
    assert drop_reason(seg("Send it."), FilterOptions(empty_words=no_send)) is None
    assert drop_reason(seg("Send it."), FilterOptions(action_words=(), empty_words=no_send)) == "short"
    assert drop_reason(seg("Сделайте скидку."), FilterOptions(action_words=("сделайте",))) is None


def test_options_switch_rules_off():
    assert drop_reason(seg("угу"), FilterOptions(drop_fillers=False, drop_short=False)) is None
    assert drop_reason(seg("Sounds nice."), FilterOptions(min_words=2)) is None
    custom = FilterOptions(fillers=("блин",))
    assert drop_reason(seg("блин блин"), custom) == "filler"


def test_filter_record_counts_collapses_redacts_and_keeps_every_segment():
    transcript = make_transcript_from_turns(
        "f-1",
        [
            ("agent", "Hello, this is Dana from Acme."),
            ("customer", "Угу."),
            ("customer", "Да-да-да-да, я хочу, хочу подключить тариф."),
            ("agent", "Could you give me your phone number?"),
            ("customer", "Okay."),  # answers the question: kept
            ("customer", "It's +1 (415) 555-0134 and mail me at jo@example.com"),
            ("agent", "Thank you for watching!", {"no_speech_prob": 0.9, "avg_logprob": -1.5}),
            ("agent", "Great stuff.", {"vad_speech": 0.0}),
            ("agent", "Nice nice."),
        ],
    )
    out = filter_transcript(transcript)
    segs = out["transcript"]["segments"]
    assert len(segs) == 9
    assert [s["drop_reason"] for s in segs] == [
        None,
        "filler",
        None,
        None,
        None,
        None,
        "hallucination",  # a stock phrase whatever Whisper's doubt: BI counts it as one
        "no_vad",
        "short",
    ]
    assert out["dropped"] == {"filler": 1, "hallucination": 1, "no_vad": 1, "short": 1}
    assert out["kept"] == 5
    # stored as said (BI audits the original); the LLM's text has the repeats collapsed
    assert segs[2]["text"] == "Да-да-да-да, я хочу, хочу подключить тариф."
    llm_text = compress(out, len, "chars", CompressOptions(dynamic=False))["text"]
    assert "Да, я хочу подключить тариф." in llm_text
    assert segs[5]["text"] == "It's [PHONE] and mail me at [EMAIL]"
    assert out["pii"] == {"PHONE": 1, "EMAIL": 1}
    assert transcript["segments"][5]["text"].startswith("It's +1")  # input untouched


def _reasons(turns: list[tuple[str, str]]) -> list[str | None]:
    out = filter_transcript(make_transcript_from_turns("t", turns))
    return [s["drop_reason"] for s in out["transcript"]["segments"]]


@pytest.mark.parametrize(
    ("offer", "answer"),
    [
        ("Тогда оформляю вам тариф за 2990 рублей.", "Хорошо."),  # a price, no "?"
        ("Тариф стоит две тысячи девятьсот девяносто рублей в месяц.", "Да."),  # a price in words
        ("So I'll set you up on the pro plan.", "Sure."),  # a commitment
        ("The pro plan is 39 dollars a month per seat.", "Yeah."),
        ("Мы можем предложить вам годовой тариф.", "Давайте."),  # an offer
        ("Тогда оформляю вам тариф за 2990 рублей, подключаем?", "Хорошо."),  # a question, as before
    ],
)
def test_yes_to_the_agents_proposal_is_consent(offer, answer):
    assert _reasons([("agent", offer), ("customer", answer)]) == [None, None]


def test_yes_without_a_proposal_stays_filler():
    assert _reasons([("agent", "The weather has been crazy this week."), ("customer", "Sure.")]) == [
        None,
        "filler",
    ]
    # the customer's own number is no proposal to the customer; a dropped agent turn proposes nothing
    assert _reasons([("customer", "We are a team of 40 people."), ("customer", "Yeah.")]) == [None, "filler"]
    assert _reasons(
        [("agent", "Тариф стоит 2990 рублей в месяц."), ("agent", "Угу."), ("customer", "Угу.")]
    ) == [None, "filler", None]
    assert _reasons([("customer", "Хорошо, я подумаю про 2990."), ("agent", "Хорошо.")]) == [None, "filler"]


def test_proposes():
    assert proposes("Тогда оформляю вам тариф за 2990 рублей.")
    assert proposes("So I’ll send you the contract.")  # curly apostrophe as ASR may write it
    assert proposes("Ваш номер [PHONE], верно.")
    assert not proposes("Ну да, погода, конечно, странная.")
    assert not proposes("It is pretty easy to set up.")


def test_pii_said_in_words_is_redacted_in_the_stored_segment():
    spoken = "Мой номер восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь."
    out = filter_transcript(
        make_transcript_from_turns(
            "w",
            [
                ("customer", spoken),
                (
                    "customer",
                    "Карта четыре " + " ".join(["один"] * 15),
                ),
                ("customer", spoken, {"vad_speech": 0.0}),  # dropped segments are stored redacted too
                ("agent", "Тариф стоит две тысячи девятьсот девяносто рублей."),  # no PII: stored as said
                # a card in digits and a phone in words: the words' digits next to the card ("2 раза")
                # once spoiled its shape, and the raw text, phone in words, was the one stored
                ("customer", f"Карта 4111 1111 1111 1111 два раза проверила, телефон {spoken[10:]}"),
            ],
        )
    )
    segs = out["transcript"]["segments"]
    assert segs[0]["text"] == "Мой номер [PHONE]."
    assert segs[1]["text"] == "Карта [CARD]"
    assert segs[2]["text"] == "Мой номер [PHONE]." and segs[2]["drop_reason"] == "no_vad"
    assert segs[3]["text"] == "Тариф стоит две тысячи девятьсот девяносто рублей."
    assert segs[4]["text"] == "Карта [CARD] 2 раза проверила, телефон [PHONE]."
    assert out["pii"] == {"PHONE": 1, "CARD": 1}  # one phone and one card, each said again: counted once


def test_guard_dropped_segments_pass_through_redacted_and_never_judged():
    """What the ASR guards dropped reaches call_segments with the guard's reason, PII-redacted; the
    filter neither keeps nor counts it, and compression never reads it."""
    transcript = make_transcript_from_turns("g-1", [("agent", "Hello, this is Dana from Acme.")])
    hallucination = {
        **transcript["segments"][0],
        "index": 1,
        "text": "Call me at +1 (415) 555-0134, please call me at once.",  # would be kept if judged
        "vad_speech": 0.0,
        "kept": False,
        "drop_reason": "no_vad_speech",
    }
    transcript["dropped_segments"] = [hallucination]
    out = filter_transcript(transcript)

    (stored,) = out["transcript"]["dropped_segments"]
    assert stored["kept"] is False and stored["drop_reason"] == "no_vad_speech"
    assert stored["text"] == "Call me at [PHONE], please call me at once."
    assert [s["text"] for s in out["transcript"]["segments"]] == ["Hello, this is Dana from Acme."]
    assert out["kept"] == 1 and out["dropped"] == {} and out["pii"] == {}  # Transcript.dropped counts it
    assert "call me" not in compress(out, len, "chars")["text"].lower()
    assert transcript["dropped_segments"][0]["text"].startswith("Call me at +1")  # input untouched
    # a transcript without any (an older writer's) gets the schema's default
    assert filter_transcript(make_transcript_from_turns("g-2", []))["transcript"]["dropped_segments"] == []


# --- found by a red team of real Whisper output (hallucinations, short answers, loops) ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Продолжение следует...",
        "Субтитры сделал DimaTorzok",
        "Редактор субтитров А.Синецкая Корректор А.Егорова",
        "Спасибо за просмотр!",
        "ПОДПИСЫВАЙТЕСЬ НА КАНАЛ",
        "Thank you for watching!",
        "Subtitles by the Amara.org community",
        "[MUSIC]",
        "♪ Music ♪",
    ],
)
def test_whisper_hallucinations_are_dropped_even_when_whisper_is_confident(text):
    assert drop_reason(seg(text, no_speech_prob=0.1, avg_logprob=-0.3)) == "hallucination"
    assert drop_reason(seg(text, no_speech_prob=0.1, avg_logprob=-0.3, vad_speech=0.6)) == "hallucination"


@pytest.mark.parametrize("text", ["Thank you.", "Спасибо.", "Bye.", "До свидания."])
def test_a_closing_is_a_hallucination_only_when_whisper_doubted_the_window(text):
    assert drop_reason(seg(text, no_speech_prob=0.05, vad_speech=0.9)) is None  # said
    assert drop_reason(seg(text, no_speech_prob=0.85, avg_logprob=-0.45)) == "hallucination"
    assert drop_reason(seg(text, no_speech_prob=0.85, avg_logprob=-0.45, vad_speech=0.3)) == "hallucination"
    assert drop_reason(seg(text, no_speech_prob=0.85, avg_logprob=-0.45, vad_speech=0.8)) is None


def test_a_phrase_that_only_contains_a_hallucination_is_speech():
    assert drop_reason(seg("Спасибо за просмотр квартиры, нам понравилось.")) is None
    # also when Whisper doubted the window: the stock phrase is no clause of its own here
    text = "Спасибо за просмотр квартиры, нам очень понравилось, мы подумаем и перезвоним вам."
    assert drop_reason(seg(text, no_speech_prob=0.85, avg_logprob=-0.45)) is None


@pytest.mark.parametrize(
    "text",
    [
        "Спасибо за просмотр, мой сеймин-панейл и до новых встреч в следующем видео на канале.",
        "Thanks for watching! Don't forget to hit the bell and check the links in the description.",
    ],
)
def test_a_stock_phrase_whisper_went_on_from_is_a_hallucination_when_it_doubted(text):
    """A language hint that did not match the speech: Whisper writes its stock phrase and more."""
    assert drop_reason(seg(text, no_speech_prob=0.85, avg_logprob=-0.45, vad_speech=0.7)) == "hallucination"
    assert drop_reason(seg(text, no_speech_prob=0.05, avg_logprob=-0.3)) is None  # said, surely


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Как к вам можно обращаться?", "Сергей."),
        ("What's the street address?", "Main Street."),
        ("Monthly or yearly?", "Monthly."),
        ("Это ваш номер, верно?", "Верно."),
        ("Is that the right email?", "Correct."),
        ("Вам удобно? Я могу ещё рассказать про другие тарифы.", "Да."),  # the "?" is mid-turn
    ],
)
def test_a_short_answer_to_a_question_is_kept(question, answer):
    assert _reasons([("agent", question), ("customer", answer)]) == [None, None]
    # no question: a bare yes goes; a word that states something ("Сергей.", "Monthly.") stays
    alone = _reasons([("agent", "Хорошо."), ("customer", answer)])[1]
    assert alone in (("short", "filler") if answer in ("Верно.", "Correct.", "Да.") else (None,))


@pytest.mark.parametrize(
    "text", ["Стоп.", "Хватит.", "Неа.", "Nah.", "Unsubscribe.", "Позовите руководителя."]
)
def test_stop_refusal_and_escalation_words_keep_a_short_turn(text):
    assert drop_reason(seg(text)) is None


def test_the_same_text_again_from_the_same_speaker_is_a_loop():
    turns = [
        ("agent", "Оставайтесь на линии."),
        ("customer", "Thank you."),
        ("customer", "Thank you."),
        ("customer", "Thank you!"),
        ("agent", "Спасибо за ожидание."),
        ("customer", "Thank you."),  # the other speaker came in between: said again, kept
    ]
    assert _reasons(turns) == [None, None, "repeat", "repeat", None, None]


def test_control_characters_are_taken_out_of_the_stored_text():
    out = filter_transcript(
        make_transcript_from_turns("t", [("customer", "Мой тариф\x00 стоит\x1b[31m 500 рублей.")])
    )
    assert out["transcript"]["segments"][0]["text"] == "Мой тариф стоит [31m 500 рублей."


def test_a_number_is_an_offer_only_with_a_price_or_a_term():
    assert proposes("Тариф 2990 в месяц.") and proposes("The pro plan is 39 dollars a month.")
    assert not proposes("Деньги вернутся в течение трёх дней.")  # a fact: "Угу." after it is no consent
    assert not proposes("Our office is open until 6.")
    assert _reasons([("agent", "Деньги вернутся в течение 3 дней."), ("customer", "Угу.")])[1] == "filler"


def test_uh_uh_is_a_no_and_a_short_answer_with_little_vad_is_kept():
    assert drop_reason(seg("Uh-uh.")) is None and drop_reason(seg("Uh-huh.")) == "filler"
    # the speech stage's guard lets through 0.1 and more: the filter no longer re-drops it
    assert drop_reason(seg("Нет.", vad_speech=0.15)) is None
    assert drop_reason(seg("Нет.", vad_speech=0.05)) == "no_vad"


@pytest.mark.parametrize(
    ("turns", "texts", "pii"),
    [
        (  # a phone cut by a pause: neither piece alone is a phone
            [("agent", "What's your phone number?"), ("customer", "It's 8 916"), ("customer", "123 45 67.")],
            ["What's your phone number?", "It's [PHONE]", "[PHONE]."],
            {"PHONE": 1},
        ),
        (  # said in words, with the agent's backchannel between the pieces
            [
                ("agent", "Ваш номер телефона?"),
                ("customer", "Восемь девятьсот шестнадцать"),
                ("agent", "Угу."),
                ("customer", "сто двадцать три сорок пять шестьдесят семь."),
            ],
            ["Ваш номер телефона?", "[PHONE]", "Угу.", "[PHONE]."],
            {"PHONE": 1},
        ),
        (
            [("agent", "Card number?"), ("customer", "4111 1111"), ("customer", "1111 1111.")],
            ["Card number?", "[CARD]", "[CARD]."],
            {"CARD": 1},
        ),
        (  # a cue ending one segment, a local number starting the next
            [("customer", "My cell is"), ("customer", "555 0134, call me after six.")],
            ["My cell is", "[PHONE], call me after six."],
            {"PHONE": 1},
        ),
        (
            [("customer", "It's ivan dot petrov at"), ("customer", "gmail dot com.")],
            ["It's [EMAIL]", "[EMAIL]."],
            {"EMAIL": 1},
        ),
        (  # an area code as "five hundred" then digits, not 505 (an 800 number, toll-free, would stay)
            [("customer", "Call five hundred five five five"), ("customer", "one two three four.")],
            ["Call [PHONE]", "[PHONE]."],
            {"PHONE": 1},
        ),
        (  # numbers in a row that are no PII stay as said
            [
                ("customer", "We have 12"),
                ("customer", "40 more next year."),
                ("agent", "It's 2 990"),
                ("agent", "12 months."),
            ],
            ["We have 12", "40 more next year.", "It's 2 990", "12 months."],
            {},
        ),
    ],
)
def test_pii_cut_across_segments_is_redacted_in_every_piece(turns, texts, pii):
    out = filter_transcript(make_transcript_from_turns("seam", turns))
    assert [s["text"] for s in out["transcript"]["segments"]] == texts
    assert out["pii"] == pii


def test_pii_across_segments_counted_once_by_the_rules():
    from processors.rules import rule_metrics

    turns = [
        ("customer", "Восемь девятьсот шестнадцать"),
        ("agent", "Угу."),
        ("customer", "сто двадцать три сорок пять шестьдесят семь."),
    ]
    filtered = filter_transcript(make_transcript_from_turns("seam", turns, language="ru"))
    assert rule_metrics(filtered["transcript"])["pii"] == {"PHONE": 1}


def test_segments_far_apart_are_not_joined():
    transcript = make_transcript_from_turns("seam", [("customer", "It's 8 916"), ("customer", "123 45 67.")])
    transcript["segments"][1] |= {"start": 60.0, "end": 62.0}
    assert [s["text"] for s in filter_transcript(transcript)["transcript"]["segments"]] == [
        "It's 8 916",
        "123 45 67.",
    ]


def test_a_number_cut_across_segments_reads_once_in_the_compressed_text():
    turns = [
        ("agent", "What is your phone number?"),
        ("customer", "It is 8 916"),
        ("customer", "123 45 67. And my card is"),
        ("customer", "4111 1111"),
        ("customer", "1111 1111."),
    ]
    text = compress(filter_transcript(make_transcript_from_turns("seam", turns)), len, "x")["text"]
    assert text.splitlines()[1] == "Customer: It is [PHONE]. My card is [CARD]."


@pytest.mark.parametrize(
    ("question", "answer", "stored"),
    [
        ("What is the best callback number?", "555 0134.", "[PHONE]."),  # a local number, cued by the agent
        ("Номер телефона для связи?", "сто двадцать три сорок пять шестьдесят семь", "[PHONE]"),
        ("How many seats do you need?", "555 0134.", "555 0134."),  # no phone asked for: a count
        ("What is your order number?", "555 0134.", "555 0134."),
    ],
)
def test_a_bare_local_number_answering_a_phone_question_is_redacted(question, answer, stored):
    out = filter_transcript(make_transcript_from_turns("cue", [("agent", question), ("customer", answer)]))
    assert [s["text"] for s in out["transcript"]["segments"]] == [question, stored]


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # dictated in groups the number reading keeps in words ("five fifty-five" may be a price)
        ("My number is four fifteen, five fifty-five, oh one thirty-four.", "My number is [PHONE]."),
        (
            "Карта сорок два семьдесят шесть, тридцать восемь ноль ноль, двенадцать тридцать четыре, "
            "пятьдесят шесть семьдесят девять.",
            "Карта [CARD].",
        ),
        ("Just call five five five, oh one three four.", "Just call [PHONE]."),
        # no cue: numbers said in a row stay as said
        ("We sold four fifteen, five fifty-five, and two hundred units.", None),
    ],
)
def test_pii_dictated_in_groups_after_a_cue_is_redacted(said, stored):
    out = filter_transcript(make_transcript_from_turns("dict", [("customer", said)]))
    assert out["transcript"]["segments"][0]["text"] == (stored or said)


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        (
            "My number is four fifteen, five fifty-five, oh one thirty-four, and the plan is five hundred "
            "twenty dollars.",
            "My number is [PHONE], and the plan is five hundred twenty dollars.",
        ),
        (  # the price next to the card read as digits said "5 00 20"; in words it stays the price
            "Card forty two seventy six, thirty eight oh oh, twelve thirty four, fifty six seventy nine, "
            "the charge was five hundred twenty dollars.",
            "Card [CARD], the charge was five hundred twenty dollars.",
        ),
    ],
)
def test_numbers_next_to_a_dictated_number_keep_their_words(said, stored):
    """Only the redacted number is read as dictated digits in the stored text: a price in the same
    breath stays a price ("5 00 20 dollars" was what ClickHouse and the LLM saw)."""
    out = filter_transcript(make_transcript_from_turns("dict", [("customer", said)]))
    assert out["transcript"]["segments"][0]["text"] == stored


def test_words_said_again_only_when_that_reveals_nothing() -> None:
    """:func:`_said_again` keeps the dictated reading where words back would change what it reads."""
    from processors.filtering import FilterOptions, _said_again

    text = "Call four fifteen, five fifty-five, oh one thirty-four."
    # a redaction that kept some digits of the number: the words back would read another number
    assert _said_again(text, "Call 4 15, [PHONE].", FilterOptions(), None) == (
        "Call four fifteen, [PHONE].",
        {},
    )
    # "hundred" after a redacted count reads 100 in words, 00 as the redaction left it: kept as left
    said = "Five hundred."
    assert _said_again(said, "[ID] 00.", FilterOptions(), None) == ("[ID] 00.", {})


@pytest.mark.parametrize(
    ("turns", "stored"),
    [
        (  # the agent asked; the customer answers without a cue of their own
            [("agent", "Could you give me your phone number?"),
             ("customer", "Yeah, it's nine one seven, triple five, double seven double eight.")],
            ["Could you give me your phone number?", "Yeah, it's [PHONE]."],
        ),
        (  # pieces ended with Whisper's pause dots and commas, a backchannel between them
            [("agent", "Как с вами можно связаться?"), ("customer", "8 917..."), ("agent", "Угу."),
             ("customer", "800."), ("agent", "Да-да."), ("customer", "61 70,")],
            ["Как с вами можно связаться?", "[PHONE]...", "Угу.", "[PHONE].", "Да-да.", "[PHONE],"],
        ),
        (
            [("agent", "Оставьте номер для связи, пожалуйста."),
             ("customer", "Восемь, девятьсот двадцать пять, три семёрки, две двойки, две единицы.")],
            ["Оставьте номер для связи, пожалуйста.", "[PHONE]."],
        ),
        # asked how to reach them, with no phone word
        ([("agent", "How can we reach you?"), ("customer", "Okay, 312 889, oh nine seventy-five.")],
         ["How can we reach you?", "Okay, [PHONE]."]),
        ([("agent", "Куда вам позвонить?"),
          ("customer", "Девятьсот три, сто двадцать, сорок пять, шестьдесят семь.")],
         ["Куда вам позвонить?", "[PHONE]."]),
    ],
)  # fmt: skip
def test_pii_answering_the_other_speakers_question_is_redacted(turns, stored):
    out = filter_transcript(make_transcript_from_turns("cue2", turns))
    assert [s["text"] for s in out["transcript"]["segments"]] == stored
    assert out["pii"] == {"PHONE": 1}


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Ваш ИНН?", "7707083893."),
        ("What's your order number?", "seven one one eight seven eight one five nine two."),
        ("Назовите номер договора.", "4459568205."),
        # the reference named further from the question's end ("... number on the bill?")
        ("What's the account number on the bill?", "It's 646 203 7718."),
    ],
)
def test_a_bare_number_answering_a_reference_question_is_no_phone(question, answer):
    """Its shape is a phone's, but the question says what it is (a blind probe's false positives)."""
    out = filter_transcript(make_transcript_from_turns("ref", [("agent", question), ("customer", answer)]))
    assert "[PHONE]" not in out["transcript"]["segments"][1]["text"]
    assert out["pii"] == {}


@pytest.mark.parametrize(
    ("lang", "question", "answer"),
    [
        ("ru", "Назовите номер заказа.", "Ой, номер заказа не помню, давайте по телефону, на который "
         "оформляла: девять два шесть девятьсот тридцать пять, двадцать два, семнадцать."),
        ("en", "What's your order number?", "I don't have it handy, can you look it up by the phone I "
         "ordered with? three zero five, two three five 8107."),
        # not named a phone, but given instead of what was asked
        ("en", "What's the account under?", "Not sure, try looking it up by my number, 214-889-9147."),
    ],
)  # fmt: skip
def test_a_phone_the_answer_names_instead_of_the_reference_asked_for_is_redacted(lang, question, answer):
    turns = [("agent", question), ("customer", answer)]
    out = filter_transcript(make_transcript_from_turns("ref", turns, lang))
    assert out["transcript"]["segments"][1]["text"].endswith("[PHONE].")
    assert out["pii"] == {"PHONE": 1}


def test_a_phone_said_with_the_reference_a_question_asked_for_stays_a_phone():
    turns = [
        ("agent", "What's the account number on the bill?"),
        ("customer", "It's 4459568205, and call me back at 646 203 7718."),
    ]
    out = filter_transcript(make_transcript_from_turns("ref", turns))
    # the answer is more than the number asked for: the phone in it is no reference
    assert out["transcript"]["segments"][1]["text"].endswith("and call me back at [PHONE].")


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("903, 717... нет, подождите, 8 903 717 85 32.", "[PHONE]... нет, подождите, [PHONE]."),
        ("8 995 982 70 63, ой, нет, 36 в конце, 70-36.", "[PHONE], ой, нет, 36 в конце, [PHONE]."),
    ],
)
def test_digits_taken_back_next_to_a_redacted_number_are_redacted_too(said, stored):
    out = filter_transcript(make_transcript_from_turns("back", [("customer", said)]))
    assert out["transcript"]["segments"][0]["text"] == stored
    assert out["pii"] == {"PHONE": 1}  # the same number, counted once


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("two zero two, six five eight, three seven... no wait, three seven six one.", "[PHONE]."),
        ("It's three zero five, five six eight, four oh... no wait, four oh six oh.", "It's [PHONE]."),
        ("Девятьсот три, семьсот... ой, нет, семьсот восемнадцать, семьдесят, тридцать шесть.", "[PHONE]."),
    ],
)
def test_a_group_taken_back_and_said_again_completes_the_number(said, stored):
    """Only the number as corrected is a phone: the group the speaker stopped in and the take-back
    words go with it (a blind probe's leaks, where the phone stayed in words)."""
    turns = [("agent", "What's the best number to reach you?"), ("customer", said)]
    out = filter_transcript(make_transcript_from_turns("fix", turns))
    assert out["transcript"]["segments"][1]["text"] == stored
    assert out["pii"] == {"PHONE": 1}


@pytest.mark.parametrize(
    ("lang", "asked", "said", "stored"),
    [
        (
            "ru",
            "Какой у вас мобильный?",
            "Девятьсот шестнадцать, двести тридцать, четыре пять... ой, нет, не пять, а шесть, семь восемь.",
            "[PHONE].",
        ),
        (
            "ru",
            "Назовите номер карты, пожалуйста.",
            "4276 3800, один два четыре... то есть не четыре, а пять, шесть, 7991.",
            "[CARD].",
        ),
        (
            "ru",
            "Продиктуйте СНИЛС.",
            "сто двенадцать, двести тридцать три, триста сорок девять... ой, не девять, а ноль, 87.",
            "[ID].",
        ),
        (
            "en",
            "What's a good callback number?",
            "It's four one five, five five five, oh one three... sorry, not three, four, two.",
            "It's [PHONE].",
        ),
        (
            "en",
            "Can I get your social security number?",
            "Sure, five two three, four one... no, not one, seven, six eight nine zero.",
            "Sure, [ID].",
        ),
    ],
)
def test_a_digit_named_wrong_and_replaced_mid_number_completes_it(lang, asked, said, stored):
    """A digit fixed in the breath ("не пять, а шесть", "not three, four"): the digit named is the last
    one said, the one after it replaces it and the number goes on (dropping the whole group stopped in
    lost the number)."""
    out = filter_transcript(make_transcript_from_turns("fix", [("agent", asked), ("customer", said)], lang))
    assert out["transcript"]["segments"][1]["text"] == stored


def test_a_not_this_but_that_about_no_digit_just_said_changes_nothing():
    said = "Заказ 1234567 шёл не пять, а семь дней."
    out = filter_transcript(make_transcript_from_turns("fix", [("customer", said)], "ru"))
    assert out["transcript"]["segments"][0]["text"] == said


@pytest.mark.parametrize(
    ("lang", "ask", "answer", "ask_stored", "answer_stored", "kind"),
    [
        (
            "ru",
            "Назовите СНИЛС. В системе он начинается на сто двенадцать, продолжайте.",
            "Да, двести тридцать три, триста сорок, восемьдесят семь.",
            "Назовите СНИЛС. В системе он начинается на [ID], продолжайте.",
            "Да, [ID].",
            "ID",
        ),
        (
            "ru",
            "Назовите номер карты. Первые цифры у меня 4276. Дальше?",
            "3800 1256 7991.",
            "Назовите номер карты. Первые цифры у меня [CARD]. Дальше?",
            "[CARD].",
            "CARD",
        ),
        (
            "en",
            "What's your cell number? I've got it starting with four one five, what's the rest?",
            "Yeah, five five five, oh one four two.",
            "What's your cell number? I've got it starting with [PHONE], what's the rest?",
            "Yeah, [PHONE].",
            "PHONE",
        ),
        (
            "en",
            "And your social? The first three digits I have are five two three.",
            "Then four seven, six eight nine zero.",
            "And your social? The first three digits I have are [ID].",
            "Then [ID].",
            "ID",
        ),
    ],
)
def test_a_number_the_other_speaker_started_and_the_caller_finished(
    lang, ask, answer, ask_stored, answer_stored, kind
):
    """The agent reads the start from the record and asks for the rest: neither piece alone has the
    number's shape; together they are one number, redacted in both and counted once."""
    out = filter_transcript(make_transcript_from_turns("start", [("agent", ask), ("customer", answer)], lang))
    assert [s["text"] for s in out["transcript"]["segments"]] == [ask_stored, answer_stored]
    assert out["pii"] == {kind: 1}


@pytest.mark.parametrize(
    ("lang", "ask", "answer"),
    [
        ("ru", "Номер заказа начинается на 7712, а дальше?", "Дальше 3456 789."),
        ("en", "Flight number starts with BA two one, and then?", "Two one seven, at nine fifteen."),
    ],
)
def test_a_reference_the_other_speaker_started_stays(lang, ask, answer):
    out = filter_transcript(make_transcript_from_turns("start", [("agent", ask), ("customer", answer)], lang))
    assert [s["text"] for s in out["transcript"]["segments"]] == [ask, answer]


@pytest.mark.parametrize(
    "said",
    ["It's 49 dollars... no wait, 59 dollars a month.", "Order 12345678... sorry, 12345679."],
)
def test_a_take_back_that_makes_no_phone_changes_nothing(said):
    out = filter_transcript(make_transcript_from_turns("fix", [("agent", said)]))
    assert out["transcript"]["segments"][0]["text"] == said


def test_a_number_said_again_whole_is_counted_once():
    """A card dictated in pieces and read back whole, a phone given and repeated: one number each
    (``calls.pii_redacted`` counts numbers, not the places they were said)."""
    turns = [
        ("agent", "Для оплаты назовите номер карты."),
        ("customer", "четыре три две семёрки три семь ноль четыре..."),
        ("agent", "Так, 43 77 37 04, дальше?"),
        ("customer", "сорок три шестьдесят четыре семь четыре три семь."),
        ("agent", "Проверяю целиком: 437 737 044 364 7437?"),
        ("customer", "Да, правильно. И телефон для связи 8 916 203 47 18."),
        ("agent", "Телефон 8 916 203 47 18, верно?"),
    ]
    out = filter_transcript(make_transcript_from_turns("again", turns))
    assert "[CARD]" in out["transcript"]["segments"][4]["text"]
    assert out["pii"] == {"CARD": 1, "PHONE": 1}


def test_a_read_back_with_a_digit_misheard_and_its_correction_are_one_number():
    turns = [
        ("agent", "Оставьте номер, мастер перезвонит."),
        ("customer", "8 952 570 44 91."),
        (
            "agent",
            "Записываю: восемь, девятьсот пятьдесят два, пятьсот семьдесят, сорок четыре, двадцать один,"
            " верно?",
        ),
        (
            "customer",
            "Нет, не так. восемь, девятьсот пятьдесят два, пятьсот семьдесят сорок четыре девяносто один.",
        ),
        (
            "agent",
            "Извините, исправил: восемь, девятьсот пятьдесят два, пятьсот семьдесят, сорок четыре"
            " девяносто один.",
        ),
    ]
    out = filter_transcript(make_transcript_from_turns("misheard", turns))
    assert [s["text"].count("[PHONE]") for s in out["transcript"]["segments"]] == [0, 1, 1, 1, 1]
    assert out["pii"] == {"PHONE": 1}


def test_different_numbers_are_each_counted():
    turns = [
        ("customer", "Мой номер 8 916 203 47 18."),
        ("agent", "А второй?"),
        ("customer", "Второй 8 903 555 12 34, и первый ещё раз: 8 916 203 47 18."),
        ("customer", "Карта 4111 1111 1111 1111, и ещё одна 5500 0000 0000 0004."),
    ]
    out = filter_transcript(make_transcript_from_turns("two", turns))
    assert out["pii"] == {"PHONE": 2, "CARD": 2}


@pytest.mark.parametrize(
    ("read_back", "stored"),
    [
        ("Ending in 9848, right?", "Ending in [PHONE], right?"),
        ("Ending in nine eight four eight, right?", "Ending in [PHONE], right?"),
        ("Окончание 83-03, да?", "Окончание [PHONE], да?"),
        ("Последние цифры 92 98?", "Последние цифры [PHONE]?"),
    ],
)
def test_the_last_four_of_a_phone_read_back_are_the_phone(read_back, stored):
    turns = [("customer", "It's two zero six, eight three two, nine eight four eight."), ("agent", read_back)]
    out = filter_transcript(make_transcript_from_turns("back", turns))
    assert out["transcript"]["segments"][1]["text"] == stored
    assert out["pii"] == {"PHONE": 1}  # the same number, counted once


@pytest.mark.parametrize(
    "turns",
    [
        [("agent", "Which card?"), ("customer", "The one ending in 4242.")],  # no phone before
        [("customer", "It's 206 832 9848."), ("agent", "And your Visa ending in 4242?")],
        [("customer", "My card is [CARD]."), ("agent", "Ending in 4242, right?")],
    ],
)
def test_a_cards_last_four_are_no_phone_read_back(turns):
    out = filter_transcript(make_transcript_from_turns("card", turns))
    assert "4242" in out["transcript"]["segments"][1]["text"]


def test_a_snils_dictated_over_turns_after_its_request_is_redacted():
    turns = [
        ("agent", "Продиктуйте СНИЛС."),
        ("customer", "524-715"),
        ("agent", "Угу."),
        ("customer", "534, 80."),
    ]
    out = filter_transcript(make_transcript_from_turns("snils", turns, language="ru"))
    assert [s["text"] for s in out["transcript"]["segments"]][1::2] == ["[ID]", "[ID]."]
    assert out["pii"] == {"ID": 1}


@pytest.mark.parametrize(
    ("lang", "pieces"),
    [
        # a piece ending in a digit noun ("две тройки" = 33) goes on into the next like a number word
        ("ru", ["так, восемь...", "девять два три...", "семь шесть один...", "две тройки", "девять один."]),
        ("ru", ["Восемь,", "три девятки", "один девять три...", "два шесть семь четыре."]),
        ("en", ["eight one seven", "triple five", "oh one two three."]),
    ],
)
def test_a_phone_dictated_over_turns_with_digit_nouns_between_go_aheads_is_redacted(lang, pieces):
    ask, go = {"ru": ("Телефон водителю?", "угу, дальше"), "en": ("Callback number?", "Uh-huh, go on.")}[lang]
    turns = [("agent", ask)]
    for piece in pieces:
        turns += [("customer", piece), ("agent", go)]
    out = filter_transcript(make_transcript_from_turns("dict", turns[:-1], language=lang))
    said = [s["text"] for s in out["transcript"]["segments"]][1::2]
    assert all("[PHONE]" in text for text in said), said
    assert out["pii"] == {"PHONE": 1}


def test_a_security_code_answering_its_request_is_redacted():
    turns = [
        ("agent", "Срок действия и код на обороте, пожалуйста."),
        ("customer", "До 12 30 года. Код 827."),
    ]
    out = filter_transcript(make_transcript_from_turns("cvv", turns, language="ru"))
    assert out["transcript"]["segments"][1]["text"] == "До 12 30 года. Код [CARD]."


# --- a blind probe's leaks (third round) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("turns", "stored"),
    [
        # the "uh"s between groups hid the phone
        ([("customer", "Um, it's, uh, 206, uh, 868, uh, 2910.")], "It's [PHONE]."),
        # dictated in groups with no cue word at all
        ([("customer", "Um, four sixty-nine, eight oh five, eighteen sixteen.")], "Um, [PHONE]."),
        # pauses written as "..." and "," are one kind of separator
        (
            [("customer", "Okay, it's five oh three... two forty-two, fifty-two ninety-nine.")],
            "Okay, it's [PHONE].",
        ),
        # a restart taken back
        (
            [("customer", "305, 92... hold on, let me start over. (305) 928-8380.")],
            "[PHONE]... hold on, let me start over. [PHONE].",
        ),
        # passports said in parts, in any order and grouping
        ([("customer", "Серия четыре два один один, номер два четыре пять шесть два четыре.")], None),
        ([("customer", "Номер паспорта 280251, серия 1504.")], "Номер паспорта [ID], серия [ID]."),
        ([("customer", "Паспортные данные: 22 12 № 423822, код подразделения 770-012.")], None),
    ],
)
def test_pii_said_around_fillers_restarts_and_in_parts_is_redacted(turns, stored):
    out = filter_transcript(make_transcript_from_turns("probe", turns, language="en"))
    text = out["transcript"]["segments"][-1]["text"]
    if stored is not None:
        assert text == stored
    assert out["pii"] and sum(out["pii"].values()) == 1, (text, out["pii"])
    assert not re.search(r"\d{4}|два четыре пять|2910|423822", text), text
    if "770-012" in turns[-1][1]:
        assert "770-012" in text  # the issuing office's code is no ID


@pytest.mark.parametrize(
    "turns",
    [
        [("agent", "And the three-digit code on the back?"), ("customer", "One eighty-seven.")],
        [("agent", "Три цифры на обороте карты, пожалуйста."), ("customer", "Один восемь четыре.")],
        [("agent", "What's the security code?"), ("customer", "Um, it's two, eight, two.")],
        [("agent", "CVV, please."), ("customer", "nine..."), ("customer", "six six.")],
        [("agent", "What's the security code?"), ("customer", "Um, it's one, four, nine.")],
    ],
)
def test_a_security_code_answering_its_request_is_the_cards(turns):
    out = filter_transcript(make_transcript_from_turns("cvv", turns))
    answer = " ".join(s["text"] for s in out["transcript"]["segments"][1:])
    assert "[CARD]" in answer and not re.search(r"\d", answer), answer
    assert out["pii"] == {"CVV": 1}  # stored as the card's placeholder, counted as what it is


def test_the_askers_read_back_of_a_security_code_is_redacted_too():
    turns = [
        ("agent", "Код с обратной стороны?"),
        ("customer", "Один девять один."),
        ("agent", "один, девять, один, спасибо."),
    ]
    out = filter_transcript(make_transcript_from_turns("cvv", turns, language="ru"))
    assert [s["text"] for s in out["transcript"]["segments"]][1:] == ["[CARD].", "[CARD], спасибо."]


@pytest.mark.parametrize(
    "turns",
    [
        [
            ("agent", "What is the CVV?"),
            ("customer", "I don't have the card with me, call me in 10 minutes."),
        ],
        [("agent", "Security code on the back, please."), ("customer", "Sorry, which one, the 16 digits?")],
    ],
)
def test_a_security_code_request_answered_without_a_code_changes_nothing(turns):
    out = filter_transcript(make_transcript_from_turns("cvv", turns))
    assert out["transcript"]["segments"][1]["text"] == turns[1][1]


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        ([("agent", "And the last four of your social?"), ("customer", "Four one five five.")], "en"),
        ([("agent", "Last 4 digits of the SSN, please."), ("customer", "Sixty-nine forty-five.")], "en"),
        ([("agent", "Назовите последние четыре цифры паспорта."), ("customer", "Три ноль, два один.")], "ru"),
    ],
)
def test_the_last_four_of_an_identity_number_answering_its_request_is_an_id(turns, language):
    out = filter_transcript(make_transcript_from_turns("ssn", turns, language=language))
    answer = out["transcript"]["segments"][1]["text"]
    assert "[ID]" in answer and not re.search(r"\d", answer), answer
    assert out["pii"] == {"ID": 1}


def test_the_last_four_of_a_card_or_an_unrelated_answer_stay():
    turns = [("agent", "And the last four of the card?"), ("customer", "Four two four two.")]
    out = filter_transcript(make_transcript_from_turns("card4", turns))
    assert out["transcript"]["segments"][1]["text"] == "Four two four two." and not out["pii"]
    turns = [("agent", "Last four of your social?"), ("customer", "I'd rather not, call me back at 5.")]
    out = filter_transcript(make_transcript_from_turns("ssn", turns))
    assert out["transcript"]["segments"][1]["text"] == turns[1][1] and not out["pii"]


@pytest.mark.parametrize(
    ("question", "answer", "language", "redacted"),
    [
        ("What is your phone number? I see your order here.", "415 555 0134.", "en", True),
        ("Could you confirm the mobile number on the account?", "415 555 0134.", "en", True),
        ("What phone number do you have on your account?", "It's 415 555 0134.", "en", True),
        ("Назовите номер, привязанный к договору.", "921, 489, 26, 64.", "ru", True),
        ("По какому номеру курьер позвонит насчёт заказа?", "916 203 47 18.", "ru", True),
        ("Номер договора?", "+7 916 203 47 18.", "ru", True),  # only a phone has a plus
        ("Номер договора?", "916 203 47 18.", "ru", False),
        ("What's your order number?", "415 555 0134.", "en", False),
        ("Лицевой счёт?", "Девятьсот шестнадцать, двести три, сорок семь, восемнадцать.", "ru", False),
    ],
)
def test_a_reference_question_makes_a_number_no_phone_only_when_it_names_the_number(
    question, answer, language, redacted
):
    turns = [("agent", question), ("customer", answer)]
    out = filter_transcript(make_transcript_from_turns("ref", turns, language=language))
    text = out["transcript"]["segments"][1]["text"]
    assert ("[PHONE]" in text) is redacted, text


def test_a_persons_inn_answering_its_request_is_an_id():
    turns = [
        ("agent", "Назовите ИНН, пожалуйста."),
        ("customer", "так, пятьсот, сто, семьсот тридцать два, двести пятьдесят девять."),
    ]
    out = filter_transcript(make_transcript_from_turns("inn", turns, language="ru"))
    answer = out["transcript"]["segments"][1]["text"]
    assert "[ID]" in answer and not re.search(r"\d", answer), answer
    turns = [
        ("agent", "Нужен ваш ИНН."),
        ("customer", "так, пять ноль ноль один ноль ноль семь три два два пять девять."),
    ]
    out = filter_transcript(make_transcript_from_turns("inn", turns, language="ru"))
    answer = out["transcript"]["segments"][1]["text"]  # read digit by digit: still a short answer
    assert "[ID]" in answer and not re.search(r"\d|девять", answer), answer
    turns = [("agent", "Ваш ИНН?"), ("customer", "500100732258.")]  # checksum fails: not a person's INN
    out = filter_transcript(make_transcript_from_turns("inn", turns, language="ru"))
    assert out["transcript"]["segments"][1]["text"] == "500100732258."


@pytest.mark.parametrize(
    ("said", "language", "redacted"),
    [
        ("yes, seven one eight, let me see, five eight seven, thirteen seventy-eight", "en", True),
        ("восемь девятьсот три, так, сто двадцать пять, пятьдесят четыре, тридцать четыре", "ru", True),
        ("It's 415, hold on, 555, 0134.", "en", True),
        # the hesitation splits one group's words: "девятьсот восемьдесят ... пять" is 985
        (
            "так, восемь девятьсот восемьдесят секунду, пять, сто семьдесят девять, шестьдесят восемь, "
            "восемьдесят восемь",
            "ru",
            True,
        ),
        ("area code four fifteen, my cell is five fifty, let me see, five, oh one three four", "en", True),
        ("Тариф стоит девятьсот, секунду, девяносто девять рублей в месяц.", "ru", False),
        ("Это две тысячи девятьсот, так, плюс доставка триста пятьдесят, итого три двести.", "ru", False),
    ],
)
def test_a_number_with_a_hesitation_between_its_groups(said, language, redacted):
    out = filter_transcript(make_transcript_from_turns("pause", [("customer", said)], language=language))
    text = out["transcript"]["segments"][0]["text"]
    assert ("[PHONE]" in text) is redacted, text


@pytest.mark.parametrize(
    "said",
    [
        "Is the email on file still good, it's, uh, linda dot ortiz at, um, mailbox dot com?",
        "Почта ivan, э-э, petrov собака mail точка ru.",
    ],
)
def test_an_email_said_with_a_filler_in_it_is_stored_redacted(said):
    out = filter_transcript(make_transcript_from_turns("mail", [("customer", said)]))
    text = out["transcript"]["segments"][0]["text"]
    assert "[EMAIL]" in text and not re.search(r"linda|ortiz|ivan|petrov|mailbox", text), text
    assert out["pii"] == {"EMAIL": 1}


@pytest.mark.parametrize(
    ("turns", "language", "kind"),
    [
        (
            [
                ("agent", "Для проверки назовите серию и номер паспорта."),
                ("customer", "так, серия 98 14"),
                ("agent", "Да-да, слушаю."),
                ("customer", "номер 242282."),
            ],
            "ru",
            "ID",
        ),
        (
            [
                ("agent", "Мне нужны серия и номер паспорта."),
                ("customer", "ага, серия девяносто пять двадцать три"),
                ("agent", "Угу."),
                ("customer", "номер восемьсот шестьдесят восемь восемьсот пятьдесят."),
            ],
            "ru",
            "ID",
        ),
        (
            [
                ("agent", "And if we get disconnected, what number do I call you back on?"),
                ("customer", "okay, so it's (415)"),
                ("agent", "Got it, and?"),
                ("customer", "597-4968..."),
            ],
            "en",
            "PHONE",
        ),
    ],
)
def test_pii_said_in_two_breaths_with_the_other_speaker_between(turns, language, kind):
    out = filter_transcript(make_transcript_from_turns("breaths", turns, language=language))
    said = " ".join(s["text"] for s in out["transcript"]["segments"][1:])
    assert out["pii"] == {kind: 1} and not re.search(r"\d|девяносто|восемьсот", said), said


def test_a_series_followed_by_another_number_word_is_no_passport():
    turns = [
        ("agent", "Назовите серию."),
        ("customer", "Серия 45 10"),
        ("customer", "номер телефона у вас есть?"),
    ]
    out = filter_transcript(make_transcript_from_turns("series", turns, language="ru"))
    assert [s["text"] for s in out["transcript"]["segments"]][1:] == [t for _, t in turns[1:]]


def test_the_last_group_of_a_number_in_the_next_breath_takes_its_placeholder():
    turns = [
        ("agent", "What number should the courier call?"),
        ("customer", "my cell is +44 20 8617"),
        ("agent", "Yes, I'm listening."),
        ("customer", "5921..."),
    ]
    out = filter_transcript(make_transcript_from_turns("tail", turns))
    assert [s["text"] for s in out["transcript"]["segments"]][3] == "[PHONE]..."
    assert out["pii"] == {"PHONE": 1}
    # an answer to a question asked in between is that answer
    turns[2] = ("agent", "How many boxes?")
    turns[3] = ("customer", "12.")
    out = filter_transcript(make_transcript_from_turns("tail", turns))
    assert [s["text"] for s in out["transcript"]["segments"]][3] == "12."


def test_the_last_two_pairs_of_a_number_in_the_next_breath_take_its_placeholder():
    turns = [
        ("customer", "Запишите, пожалуйста, мой киргизский номер для связи"),
        ("agent", "Да, диктуйте"),
        ("customer", "Ну, +996 559 65..."),
        ("agent", "Да"),
        ("customer", "94 12."),
    ]
    out = filter_transcript(make_transcript_from_turns("kg", turns, language="ru"))
    assert [s["text"] for s in out["transcript"]["segments"]][2::2] == ["Ну, [PHONE]...", "[PHONE]."]
    assert out["pii"] == {"PHONE": 1}


def test_an_iban_split_after_its_bank_code_is_redacted_in_both_breaths():
    turns = [
        ("agent", "I'll need her IBAN"),
        ("customer", "it's NL23 ABNA,"),
        ("customer", "0685 0337 40."),
    ]
    out = filter_transcript(make_transcript_from_turns("iban", turns))
    assert [s["text"] for s in out["transcript"]["segments"]][1:] == ["it's [ID],", "[ID]."]
    assert out["pii"] == {"ID": 1}


def test_the_last_group_opening_the_breath_after_a_number_broke_off_takes_its_placeholder():
    turns = [
        ("agent", "Продиктуйте номер счёта и БИК банка."),
        ("customer", "счёт 4081 7810-5033 2951..."),
        ("customer", "6020, БИК 044525225"),
    ]
    out = filter_transcript(make_transcript_from_turns("acct", turns, language="ru"))
    assert [s["text"] for s in out["transcript"]["segments"]][1:] == ["счёт [ID]...", "[ID], БИК 044525225"]
    # a number said to its end (no pause after it): the next breath's figures are their own
    turns[1] = ("customer", "счёт 4081 7810 5033 2951 6020.")
    turns[2] = ("customer", "15, нет, 16 числа переведите.")
    out = filter_transcript(make_transcript_from_turns("acct", turns, language="ru"))
    assert [s["text"] for s in out["transcript"]["segments"]][2] == "15, нет, 16 числа переведите."


@pytest.mark.parametrize(
    "turns",
    [
        [
            ("agent", "What number should the courier call?"),
            ("customer", "okay, so it's 0151 31197074"),
            ("agent", "Let me read that back: 0151 31197074, is that correct?"),
        ],
        [
            ("agent", "На какой номер вам перезвонить?"),
            ("customer", "ага, plus four four, oh twenty, thirty-eight sixty-one, thirty-eight sixty four."),
            ("agent", "Повторяю: oh twenty, thirty-eight sixty-one, thirty-eight sixty four, верно?"),
        ],
    ],
)
def test_a_number_read_back_in_full_takes_its_placeholder(turns):
    out = filter_transcript(make_transcript_from_turns("readback", turns))
    back = out["transcript"]["segments"][2]["text"]
    assert "[PHONE]" in back and not re.search(r"\d|sixty|thirty", back), back


def test_other_digits_after_a_number_are_no_read_back():
    turns = [
        ("agent", "Your number?"),
        ("customer", "It's 415 555 0134."),
        ("agent", "Total 1 234 567 dollars?"),
    ]
    out = filter_transcript(make_transcript_from_turns("readback", turns))
    assert out["transcript"]["segments"][2]["text"] == "Total 1 234 567 dollars?"


@pytest.mark.parametrize(
    ("turns", "kind"),
    [
        # "пишите" asks to write down whatever follows: the card asked for before it says what it is
        (
            [
                ("agent", "Продиктуйте номер карты, пожалуйста."),
                ("customer", "пишите: 4532, 4605, э-э, сорок девять девяносто восемь, ноль пять ноль один"),
            ],
            "CARD",
        ),
        (
            [("customer", "Карта у меня Сбер, записывайте: 4532 4605 49 98 0 5 0 1.")],
            "CARD",
        ),
        # with no other word before it, it still announces a phone
        (
            [("customer", "Записывайте: восемь девятьсот шестнадцать, сто двадцать три, 45, 70.")],
            "PHONE",
        ),
        (
            [("agent", "Номер карты не нужен."), ("customer", "Хорошо, телефон запишите: 8 916 123 45 67.")],
            "PHONE",
        ),
    ],
)
def test_a_word_asking_to_write_down_yields_to_the_kind_named_before_it(turns, kind):
    out = filter_transcript(make_transcript_from_turns("dictate", turns, language="ru"))
    text = out["transcript"]["segments"][-1]["text"]
    assert f"[{kind}]" in text and not re.search(r"\d{2}", text), text
    assert out["pii"] == {kind: 1}, out["pii"]


def test_a_card_read_in_pairs_across_the_agents_okay():
    turns = [
        ("customer", "forty-one eleven eighty-five fifty-four"),
        ("agent", "Okay."),
        ("customer", "twelve sixty-nine, sixteen fifteen."),
    ]
    out = filter_transcript(make_transcript_from_turns("pairs", turns, language="en"))
    texts = [s["text"] for s in out["transcript"]["segments"]]
    assert "[CARD]" in texts[0] and "[CARD]" in texts[2], texts
    assert not re.search(r"\d|eleven|twelve|sixteen", texts[0] + texts[2]), texts
    # eight pairs that fail the Luhn check stay: a list of scores, not a card
    said = "Scores this week: 41 11 85 54 12 69 16 16."
    out = filter_transcript(make_transcript_from_turns("scores", [("agent", said)], language="en"))
    assert out["transcript"]["segments"][0]["text"] == said


_RU_DIGITS = ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")


def _luhn(prefix: str) -> str:
    """``prefix`` and the check digit that makes it pass the Luhn check."""
    return next(v for d in "0123456789" if luhn_ok(v := prefix + d))


def _texts(turns: list[tuple[str, str]], language: str = "en") -> list[str]:
    out = filter_transcript(make_transcript_from_turns("probe", turns, language=language))
    return [s["text"] for s in out["transcript"]["segments"]]


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        (
            [
                ("agent", "Could you give me your driver's license number?"),
                ("customer", "Sure, 582 004 913."),
            ],
            "en",
        ),
        # a phone's shape: the request says what it is
        ([("agent", "Do you have your NHS number handy?"), ("customer", "Yes, it's 943-476-5919.")], "en"),
        ([("agent", "Продиктуйте номер полиса ОМС."), ("customer", "Так, 7700 1234 5678 9012.")], "ru"),
        ([("agent", "Номер загранпаспорта, пожалуйста."), ("customer", "Так, 75 1234567.")], "ru"),
        # in pieces, the asker's go-ahead between
        (
            [
                ("agent", "I'll need your passport number for the booking."),
                ("customer", "It's four one two."),
                ("agent", "Yep."),
                ("customer", "oh seven seven three one nine."),
            ],
            "en",
        ),
        # the card in the request is where the number is written
        (
            [
                ("agent", "Can you read me the member ID from your insurance card?"),
                ("customer", "It's M B R four hundred eighty-two, nineteen, three seventy-seven."),
            ],
            "en",
        ),
    ],
)
def test_digits_answering_a_request_for_an_identity_number_are_an_id(turns, language):
    texts = _texts(turns, language)
    answer = " ".join(texts[1:])
    assert "[ID]" in answer and "[PHONE]" not in answer and "[CARD]" not in answer, texts
    assert not re.search(r"\d|seven|nine|three|hundred", answer), texts


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # a reference named in the answer stays one
        (
            [
                ("agent", "Could you give me your driver's license number?"),
                ("customer", "I don't have it on me, my order 55512345 should be in the system."),
            ],
            "en",
        ),
        # a policy mentioned is no request: the agent's reading after it is the phone it looks like
        ([("customer", "Хочу продлить полис."), ("agent", "Вижу в анкете 8(916)5550134, всё верно?")], "ru"),
    ],
)
def test_an_identity_number_not_asked_for_makes_no_id(turns, language):
    texts = _texts(turns, language)
    assert "[ID]" not in " ".join(texts), texts


def test_a_group_echoed_while_a_number_is_dictated_takes_its_placeholder():
    texts = _texts(
        [
            ("agent", "Can I get a good callback number?"),
            ("customer", "Um, it's four one five five five five."),
            ("agent", "415 555, okay, go on."),
            ("customer", "zero one three four."),
        ]
    )
    assert texts[2] == "[PHONE], okay, go on.", texts


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        (
            [
                ("agent", "Can I get a good callback number?"),
                ("customer", "It's (415) 613-1418."),
                ("agent", "Sorry, could you repeat that?"),
                ("customer", "Okay, four hundred fifteen six one three fourteen eighteen."),
            ],
            "en",
        ),
        (
            [
                ("agent", "Назовите ваш мобильный, пожалуйста."),
                ("customer", "Номер 916-204-0811."),
                ("agent", "Повторите, пожалуйста, медленно."),
                ("customer", "Так, девятьсот шестнадцать двести четыре ноль восемь одиннадцать."),
            ],
            "ru",
        ),
    ],
)
def test_a_number_repeated_in_words_when_asked_to_takes_its_placeholder(turns, language):
    texts = _texts(turns, language)
    assert texts[3].endswith(", [PHONE].") and not re.search(r"\d", texts[3]), texts


def test_a_read_back_with_a_digit_misheard_and_the_group_corrected_take_the_placeholder():
    card = _luhn("510912345678901")
    wrong = f"{card[:11]}{(int(card[11]) + 3) % 10}{card[12:]}"
    texts = _texts(
        [
            ("agent", "What's the card number, please?"),
            ("customer", f"It's {card[:4]} {card[4:8]} {card[8:12]} {card[12:]}."),
            ("agent", f"So that's {wrong[:4]} {wrong[4:8]} {wrong[8:12]} {wrong[12:]}, correct?"),
            ("customer", f"No, that group is {card[8:12]}."),
        ]
    )
    assert texts[2] == "So that's [CARD], correct?" and texts[3] == "No, that group is [CARD].", texts


def test_amounts_and_references_after_a_redacted_number_stay():
    said = "Thanks. Room 555 is ready, and that's 415 dollars."
    texts = _texts([("agent", "What's your phone?"), ("customer", "It's 415 555 0134."), ("agent", said)])
    assert texts[1] == "It's [PHONE]." and texts[2] == said, texts


@pytest.mark.parametrize(
    "said",
    [
        "Номер восемь, эм, девятьсот шестнадцать, ну, сто двадцать три, эм, сорок пять, шестьдесят семь.",
        # the groups after a filler are no tail left by the placeholder
        "Пишите, восемь, девять один шесть, один два три, ну, четыре пять, э, шесть семь.",
    ],
)
def test_fillers_between_the_groups_of_a_number_said_in_words(said):
    texts = _texts(
        [("agent", "Продиктуйте, пожалуйста, контактный номер телефона."), ("customer", said)], "ru"
    )
    assert "[PHONE]" in texts[1] and not re.search(r"\d|шест|сорок|пять", texts[1]), texts


def test_a_uk_number_said_in_words_with_its_country_code():
    texts = _texts(
        [
            ("agent", "What's the best number to reach you on?"),
            ("customer", "Sure, my mobile is forty four seventy-nine eleven one two three four five six."),
        ]
    )
    assert texts[1] == "Sure, my mobile is [PHONE].", texts


def test_pieces_of_a_number_joined_over_the_other_speakers_echo():
    card = _luhn("220029230195292")
    turns = [
        ("agent", "Продиктуйте номер карты, на которую вернуть деньги."),
        ("customer", "Записывайте, две тысячи двести, двадцать девять двадцать три."),
        # a long echo: the customer waited for it, more than a seam's pause
        ("agent", "двадцать два ноль ноль двадцать девять двадцать три, так, дальше."),
        ("customer", "ноль сто девяносто пять."),
        ("customer", f"двадцать девять двадцать {_RU_DIGITS[int(card[-1])]}."),
    ]
    transcript = make_transcript_from_turns("bridge", turns, language="ru")
    assert transcript["segments"][3]["start"] - transcript["segments"][1]["end"] > 4.0
    out = filter_transcript(transcript)
    texts = [s["text"] for s in out["transcript"]["segments"]]
    assert all("[CARD]" in texts[k] for k in (1, 2, 3, 4)), texts
    assert not re.search(r"\d|двадцать|девяносто", " ".join(texts[1:])), texts


def test_the_first_group_of_a_number_said_before_the_breath_redacted_after_it():
    texts = _texts(
        [
            ("agent", "What's your policy number?"),
            ("customer", "The policy number is H X forty-two eleven."),
            ("agent", "Okay, and?"),
            ("customer", "fifty-eight oh three nineteen."),
        ]
    )
    assert texts[1] == "The policy number is [ID]." and texts[3] == "[ID].", texts


def test_the_last_group_of_a_number_said_in_words_in_the_next_breath():
    texts = _texts(
        [
            ("customer", "My cell is +44 20 8617."),
            ("agent", "Yes, I'm listening."),
            ("customer", "five nine two one."),
        ]
    )
    assert texts[0] == "My cell is [PHONE]." and texts[2] == "[PHONE].", texts


def test_a_number_said_both_as_numbers_and_as_dictated_pairs():
    card = _luhn("513719543386109")
    said = (
        "Да, номер карты пять тысяч сто тридцать семь, тысяча девятьсот пятьдесят четыре, тридцать три "
        f"восемьдесят шесть, десять девяносто {_RU_DIGITS[int(card[-1])]}."
    )
    texts = _texts([("agent", "Продиктуйте номер карты."), ("customer", said)], "ru")
    assert "[CARD]" in texts[1] and not re.search(r"\d|десять|девяносто", texts[1]), texts


def test_a_corrected_number_said_in_groups_is_redacted_to_its_last_group():
    """The number reading finds the first phone and the corrected one's head; the dictated reading
    also takes the tail said as pairs ("ten thirty-four"): a blind probe's leak."""
    said = (
        "It's two oh six, six double one, one oh oh six, oh, no, sorry, I always mess that up, it's two "
        "zero six, six double one, ten thirty-four."
    )
    texts = _texts([("agent", "What's the best callback number?"), ("customer", said)], "en")
    assert texts[1] == "It's [PHONE], oh, no, sorry, I always mess that up, it's [PHONE].", texts


@pytest.mark.parametrize(
    ("turns", "stored"),
    [
        (  # the order said next to the phone, repeated by the agent: no echo of the phone
            [
                (
                    "customer",
                    "I called from my cell, 312 336 9606, and they said order 4453993 ships Friday.",
                ),
                ("agent", "I see order 4453993. I've refunded the duplicate charge."),
            ],
            [
                "I called from my cell, [PHONE], and they said order 4453993 ships Friday.",
                "I see order 4453993. I've refunded the duplicate charge.",
            ],
        ),
        (  # an amount said in words reads as dictated digits that a phone's digits may hold
            [
                (
                    "customer",
                    "Звонила с номера девять один три, два пять восемь, семь два, пять два, "
                    "деньги, четырнадцать тысяч семьсот сорок рублей, не вернули.",
                ),
                ("agent", "Возврат четырнадцать тысяч семьсот сорок рублей оформлен."),
            ],
            [
                "Звонила с номера [PHONE], деньги, 14740 рублей, не вернули.",
                "Возврат четырнадцать тысяч семьсот сорок рублей оформлен.",
            ],
        ),
        (  # a bare answer to a request for an order number, the same speaker's digits before it
            [
                ("customer", "Обращение номер 9565831, я писал"),
                ("customer", "02.06 в 17:52."),
                ("agent", "Назовите номер заказа, пожалуйста."),
                ("customer", "4782572799."),
            ],
            [
                "Обращение номер 9565831, я писал",
                "02.06 в 17:52.",
                "Назовите номер заказа, пожалуйста.",
                "4782572799.",
            ],
        ),
    ],
)
def test_numbers_a_blind_probe_lost_next_to_a_phone_stay(turns, stored):
    assert _texts(turns, "ru" if "а" in turns[0][1] else "en") == stored


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("ну, 5475 4212 1192 9016, 10 29, 227", "ну, [CARD], 10 29, [CARD]"),
        ("Ну, 2200 7214 4689 3682, 12/30, 4 9 8.", "Ну, [CARD], 12/30, [CARD]."),
        (
            "It's 4111 1111 1111 1111, expires oh nine thirty-one, and the code is nine fifteen.",
            "It's [CARD], expires 0 9 31, and the code is [CARD].",
        ),
        # the expiry and the code after words of their own ("действует до", "а сзади", "on the back")
        ("5106 6030 1435 2903, действует до 06/27, а сзади 068.",
         "[CARD], действует до 06/27, а сзади [CARD]."),
        ("4111 1111 1111 1111, срок до 02/28, девять, семь, ноль.", "[CARD], срок до 02/28, [CARD]."),
        ("4111 1111 1111 1111, exp 01/26, and on the back eight, two, nine.",
         "[CARD], exp 01/26, and on the back [CARD]."),
        # after the expiry an amount, not a code
        ("It's 4111 1111 1111 1111, 12 30, 4000 dollars.", "It's [CARD], 12 30, 4000 dollars."),
    ],
)  # fmt: skip
def test_a_card_code_said_right_after_the_expiry_is_redacted(said, stored):
    """The security code in one breath with the card and its expiry, no word before it (a blind
    probe's most common card leak)."""
    assert _texts([("agent", "Диктуйте номер карты."), ("customer", said)], "ru")[1] == stored


@pytest.mark.parametrize("answer", ["Alright, it's five, four, two.", "Okay... 542."])
def test_a_card_code_answering_its_request_after_a_stall_is_redacted(answer):
    turns = [
        ("agent", "And the three-digit code on the back?"),
        ("customer", "Hang on, let me flip it over... it's kind of worn off."),
        ("agent", "No rush."),
        ("customer", answer),
    ]
    texts = _texts(turns, "en")
    assert "[CARD]" in texts[3] and not any(ch.isdigit() for ch in texts[3]), texts


def test_an_account_number_asked_for_in_a_call_about_a_bank_is_an_id():
    """An account number asked for after a routing number: the digits that answer, said in words and
    split by a backchannel, are a person's bank account; the routing number asked before stays."""
    turns = [
        ("customer", "Hi, I changed banks, I need my direct deposit switched before the 15th."),
        ("agent", "Sure. What's the routing number?"),
        ("customer", "121000358."),
        ("agent", "And the account number?"),
        ("customer", "nine double two five three oh, six double two"),
        ("agent", "Okay."),
        ("customer", "seven three."),
    ]
    texts = _texts(turns, "en")
    assert texts[2] == "121000358."
    assert not re.search(r"\d|nine|two|six|seven", texts[4] + texts[6]) and "[ID]" in texts[4], texts


def test_a_bank_code_asked_for_after_the_account_stays():
    turns = [
        ("agent", "Назовите номер счёта для возврата."),
        ("customer", "Счёт 40817810702543977915."),
        ("agent", "И БИК банка?"),
        ("customer", "044525974."),
    ]
    assert _texts(turns, "ru")[1:] == ["Счёт [ID].", "И БИК банка?", "044525974."]


def test_a_card_read_back_with_a_group_misheard_and_its_correction_are_redacted():
    """The agent's read-back swaps two digits of a group; the customer names the group to correct
    it: both are the card's (a blind probe's leaks)."""
    turns = [
        ("agent", "Диктуйте номер карты."),
        ("customer", "Так, 5420 6098 1504 5025"),
        ("agent", "Записала: 5420 6098 1540 5025, верно?"),
        ("customer", "Нет, не так. Третья группа тысяча пятьсот четыре, а не 1540."),
    ]
    texts = _texts(turns, "ru")
    assert texts[1:3] == ["Так, [CARD]", "Записала: [CARD], верно?"]
    # the group as it is (1504) is gone; the misheard one, no digits of the card in a row, may stay
    assert texts[3].startswith("Нет, не так. Третья группа [CARD]"), texts


def test_a_card_answering_its_request_with_words_before_its_digits_is_redacted():
    turns = [
        ("agent", "Can I get the card number, please?"),
        ("customer", "Yeah, go ahead and charge 5106 2163, seventy-eight forty-five, 1912."),
    ]
    assert _texts(turns, "en")[1] == "Yeah, go ahead and charge [CARD]."
    # asked for a card, a phone said with its word is a phone
    turns[1] = ("customer", "Sure, but first my phone, 646 203 7718, in case we get cut off.")
    assert _texts(turns, "en")[1] == "Sure, but first my phone, [PHONE], in case we get cut off."


def test_a_card_said_again_after_a_restart_answers_the_request_turns_back():
    """The card was asked for before the customer's false start; said again in mixed words and digits
    after the agent's "take your time", it is still the card asked for (a blind probe's leak)."""
    turns = [
        ("agent", "Great, and which card would you like to use?"),
        ("customer", "It's 2597 2716 4373... hold on, that's not right, let me start over."),
        ("agent", "No problem, take your time"),
        ("customer", "Okay. 2597, twenty-seven sixteen three eight nine one, two double oh eight."),
    ]
    texts = _texts(turns, "en")
    assert texts[3] == "Okay. [CARD].", texts
    assert texts[1] == "It's [CARD]... hold on, that's not right, let me start over."
    # asked for something else since, the digits are not read as a card's
    turns[2] = ("agent", "Sorry, first the phone number on the account?")
    assert "[CARD]" not in _texts(turns, "en")[3]


@pytest.mark.parametrize(
    ("lang", "turns"),
    [
        ("ru", [("agent", "Диктуйте номер карты, я внесу платёж."),
                ("customer", "Так, первые четыре четыре пять шесть один."), ("agent", "Так."),
                ("customer", "следующие четыре 3523."), ("agent", "Угу, дальше."),
                ("customer", "дальше три пять один восемь."), ("agent", "Да-да."),
                ("customer", "и последние четырнадцать один шесть.")]),
        # a count word followed by fewer digits than it counts is a digit: "последние пять две девятки три"
        ("ru", [("agent", "Для оплаты назовите номер карты."),
                ("customer", "Так, первые четыре две двойки ноль два."), ("agent", "Записываю."),
                ("customer", "следующие четыре 8348."), ("agent", "Угу."),
                ("customer", "дальше тридцать пять две единицы."), ("agent", "Да-да."),
                ("customer", "и последние пять две девятки три.")]),
        ("en", [("agent", "I can take the payment now, what's the card number?"),
                ("customer", "Okay, the first four are double five three six."), ("agent", "Go on."),
                ("customer", "the next four are 1621."), ("agent", "Mm-hmm."),
                ("customer", "then zero seven forty-six."), ("agent", "Go on."),
                ("customer", "and the last four are 5775.")]),
    ],
)  # fmt: skip
def test_a_card_dictated_a_group_a_breath_with_words_naming_each_group_is_redacted(lang, turns):
    """Words leading each group ("the next four are ...") are no digits of it ("четыре" counts them)
    and stay; every group takes the card's placeholder (a blind probe's leaks, 12 of 12)."""
    out = filter_transcript(make_transcript_from_turns("groups", turns, language=lang))
    said = [s["text"] for s in out["transcript"]["segments"]][1::2]
    assert all(text.endswith("[CARD].") for text in said), said
    assert said[1] in ("следующие четыре [CARD].", "the next four are [CARD].")
    assert out["pii"] == {"CARD": 1}


@pytest.mark.parametrize(
    ("lang", "turns"),
    [
        ("ru", [("agent", "На какую почту отправить договор?"), ("customer", "Э-э, снегирь"),
                ("agent", "Да-да."), ("customer", "подчёркивание белкин"), ("agent", "Ага."),
                ("customer", "Так, собака бэ ка"), ("agent", "Записываю."), ("customer", "Дальше точка ру")]),
        ("en", [("agent", "What email should I send the receipt to?"), ("customer", "nate"),
                ("agent", "Okay."), ("customer", "underscore jensen"), ("agent", "Mm-hmm."),
                ("customer", "So, at gmail"), ("agent", "Mm-hmm."), ("customer", "Then dot com")]),
    ],
)  # fmt: skip
def test_an_email_dictated_a_piece_a_breath_is_redacted(lang, turns):
    """Each piece after the other speaker's backchannel, some led by a filler ("Так, собака ...",
    "So, at gmail"): one address, none of its words left (a blind probe's leaks, 10 of 10)."""
    out = filter_transcript(make_transcript_from_turns("mail", turns, language=lang))
    said = [s["text"] for s in out["transcript"]["segments"]][1::2]
    assert all("[EMAIL]" in text for text in said), said
    left = " ".join(said).lower()
    assert not any(word in left for word in ("снегирь", "белкин", "nate", "jensen", "gmail")), said
    assert out["pii"] == {"EMAIL": 1}


@pytest.mark.parametrize(
    ("lang", "start", "again"),
    [
        ("ru", "восемь девятьсот десять, три... ой, нет, давайте сначала, я сбилась.",
         "восемь девятьсот десять, триста десять, сорок пять, восемьдесят два."),
        ("ru", "восемь, девятьсот шестьдесят два три две шестёрки... ой, нет, давайте сначала.",
         "восемь девятьсот шестьдесят два, триста шестьдесят шесть, ноль шесть, семьдесят три."),
        ("en", "So, five oh three forty-six... sorry, let me start over.",
         "five zero three... four six five, ninety-two forty."),
        ("en", "Um, two hundred six, four hundred sixty-six... sorry, let me start over.",
         "two zero six four hundred and sixty-six, uh, five seven one two."),
    ],
)  # fmt: skip
def test_a_false_start_said_in_words_takes_the_placeholder_of_the_number_said_again(lang, start, again):
    ask = {"ru": "Продиктуйте номер телефона.", "en": "Can I get a phone number for the account?"}[lang]
    turns = [("agent", ask), ("customer", start), ("agent", "Sure."), ("customer", again)]
    texts = _texts(turns, lang)
    assert texts[3] == "[PHONE].", texts
    assert texts[1].split("...")[0].endswith("[PHONE]"), texts


def test_digits_taken_back_that_the_number_said_next_does_not_hold_stay():
    turns = [
        ("agent", "Продиктуйте номер телефона."),
        ("customer", "Я платила две тысячи триста... ой, нет, три тысячи рублей."),
        ("agent", "Хорошо."),
        ("customer", "восемь девятьсот десять, триста десять, сорок пять, восемьдесят два."),
    ]
    texts = _texts(turns, "ru")
    assert texts[1] == turns[1][1] and texts[3] == "[PHONE].", texts


def test_references_a_blind_probe_lost_stay():
    """An ОСАГО policy after a driver's licence in one breath, a case number read in words, a company's
    INN and KPP answering the agent's questions, a CDEK tracking number after the caller's phone."""
    texts = _texts([("customer", "Права 54 67 917978, полис ОСАГО ХХХ 0135579402, пробег 134 609 км.")], "ru")
    assert texts == ["Права [ID], полис ОСАГО ХХХ 0135579402, пробег 134 609 км."]
    turns = [
        ("agent", "Can you read me the case number?"),
        ("customer", "two oh two four, um, six thirty, um, zero ninety-four."),
        ("agent", "So that's 20 24 63 00 94?"),
    ]
    assert _texts(turns, "en")[1:] == [turns[1][1], turns[2][1]]
    turns = [
        ("agent", "Назовите ИНН организации."),
        ("customer", "2325 пять ноль ноль 095."),
        ("agent", "Проверяю: 23 25 50 00 95, КПП?"),
        ("customer", "770401002, ОГРН 1277774528162, БИК банка 044525323."),
    ]
    assert _texts(turns, "ru") == [t for _, t in turns]
    said = "звоните мне на 999 999 27-19, только после шести, и ещё трек-номер CDEK-4394673634 завис."
    assert _texts([("customer", said)], "ru") == [
        "звоните мне на [PHONE], только после шести, и ещё трек-номер CDEK-4394673634 завис."
    ]


@pytest.mark.parametrize(
    ("lang", "turns"),
    [
        ("ru", [("agent", "На какую почту отправить договор?"),
                ("customer", "vera точка zvezda собака inbox.ru"),
                ("agent", "Записываю: vera_zvezda@inbox.ru?"),
                ("customer", "Нет-нет, не подчёркивание, а точка: vera.zvezda.")]),
        ("en", [("agent", "What email should I send the receipt to?"),
                ("customer", "jess dot ironoak at outlook dot com"),
                ("agent", "So that's jess_ironoak@outlook.com?"),
                ("customer", "No, no, not an underscore, a dot: jess.ironoak.")]),
    ],
)  # fmt: skip
def test_a_local_part_said_again_alone_to_correct_an_address_takes_its_placeholder(lang, turns):
    texts = _texts(turns, lang)
    assert texts[3].endswith(": [EMAIL]."), texts
    # a name spelled letter by letter, in the address or not, is a name
    turns[3] = ("customer", "И фамилия: Z-V-E-Z-D-A." if lang == "ru" else "And the surname: I-R-O-N-O-A-K.")
    assert _texts(turns, lang)[3] == turns[3][1]


def test_a_card_read_in_two_pieces_with_mixed_separators_after_its_request_is_redacted():
    turns = [
        ("agent", "Диктуйте номер карты, я внесу платёж."),
        ("customer", "4532-1959..."),
        ("agent", "Так, 45 32 19 59, дальше?"),
        ("customer", "один три четыре два, шестьдесят восемь семьдесят семь."),
    ]
    assert _texts(turns, "ru")[1:] == ["[CARD]...", "Так, [CARD], дальше?", "[CARD]."]


def test_an_inn_asked_for_and_read_in_two_breaths_after_a_stall_is_redacted():
    turns = [
        ("agent", "Для проверки личности мне понадобится ваш личный ИНН."),
        ("customer", "Сейчас, он в сумке, достану..."),
        ("agent", "Хорошо, жду."),
        ("customer", "Так, нашла. семь восемь девять девять семь восемь"),
        ("agent", "Угу."),
        ("customer", "481, 605."),
    ]
    texts = _texts(turns, "ru")
    assert texts[3] == "Так, нашла. [ID]" and texts[5] == "[ID].", texts


def test_the_last_group_said_in_words_opening_the_next_breath_takes_the_placeholder():
    turns = [
        ("agent", "What number should we use to contact you?"),
        ("customer", "My cell, same as WhatsApp, plus one, three hundred five five hundred ninety-seven"),
        ("agent", "Got it."),
        ("customer", "oh nine fifty-six, you can call or text that one."),
    ]
    texts = _texts(turns, "en")
    assert texts[3] == "[PHONE], you can call or text that one.", texts


def test_the_rest_of_a_number_said_in_words_after_its_digits_goes_with_it():
    said = "And the NHS number is 517 402 ninety-seven three four."
    assert _texts([("customer", said)], "en") == ["And the NHS number is [ID]."]
    # number words after a redacted number that are no part of it stay words
    said = "My cell is 415 555 0134, call after three."
    assert _texts([("customer", said)], "en") == ["My cell is [PHONE], call after three."]


def test_a_request_for_the_card_ends_the_number_said_before_it():
    """The order number said before the agent asks for the card is no first piece of the card."""
    turns = [
        ("customer", "Да, здравствуйте, хочу оформить возврат, номер заказа 2556-8246."),
        ("agent", "Диктуйте номер карты, я внесу платёж."),
        ("customer", "4276 7465..."),
        ("agent", "Так, 42 76 74 65, дальше?"),
        ("customer", "семьдесят шесть девяносто пять, пять шесть четыре два."),
    ]
    texts = _texts(turns, "ru")
    assert texts[0] == turns[0][1] and texts[2] == "[CARD]..." and texts[4] == "[CARD].", texts
    # asked for the card's expiry and code, the expiry stays
    turns = [
        ("customer", "Номер карты 4147 2015 7990 4657."),
        ("agent", "Теперь срок действия и CVV."),
        ("customer", "ноль девять тридцать один, а CVV шестьсот девяносто семь."),
    ]
    assert _texts(turns, "ru")[2].startswith("0 9 31"), _texts(turns, "ru")


@pytest.mark.parametrize(
    ("lang", "turns"),
    [
        ("ru", [("agent", "Для проверки личности мне понадобится СНИЛС."),
                ("customer", "семьсот сорок девять восемь девять ноль, 628 семьдесят девять."),
                ("agent", "Повторю: семь четыре девять восемь девять ноль шесть два восемь семь девять?")]),
        ("en", [("agent", "What's your NHS number?"),
                ("customer", "900, three double six, one one three eight."),
                ("agent", "Let me repeat: nine zero oh three six six one one, three eight?")]),
    ],
)  # fmt: skip
def test_a_read_back_regrouped_into_a_phones_shape_keeps_the_numbers_placeholder(lang, turns):
    out = filter_transcript(make_transcript_from_turns("back", turns, language=lang))
    texts = [s["text"] for s in out["transcript"]["segments"]]
    assert "[ID]" in texts[1] and "[ID]" in texts[2], texts
    assert out["pii"] == {"ID": 1}


def test_a_card_read_back_with_a_group_cut_short_is_the_cards():
    """An Amex read back with its middle group misheard shorter ("8787" for "877831"): its first and
    last groups are the card's, so the whole read-back is (a blind probe's leak)."""
    turns = [
        ("agent", "Great, and which card would you like to use?"),
        ("customer", "Okay, 3774 877831 27693."),
        ("agent", "Let me read that back, 3774 8787 27693?"),
        ("agent", "And the order number is 3774 555 120, right?"),
    ]
    texts = _texts(turns, "en")
    assert texts[1:3] == ["Okay, [CARD].", "Let me read that back, [CARD]?"], texts
    assert texts[3] == turns[3][1]  # one group of the card is no read-back of it


def test_a_card_started_taken_back_and_said_again_is_redacted_from_its_start():
    turns = [
        ("agent", "Диктуйте номер карты."),
        ("customer", "Эм, 4216 2611 8236... ой, нет, не так, давайте заново."),
        ("agent", "Да, конечно."),
        ("customer", "4216 2611 2375 9078."),
    ]
    texts = _texts(turns, "ru")
    assert texts[1] == "Эм, [CARD]... ой, нет, не так, давайте заново." and texts[3] == "[CARD].", texts


def test_a_passport_given_as_bare_answers_to_its_series_and_number_is_redacted():
    turns = [
        ("agent", "Хорошо, для заявки нужны паспортные данные."),
        ("agent", "Серия?"),
        ("customer", "пятьдесят пять, пятнадцать"),
        ("agent", "Записала. Номер паспорта?"),
        ("customer", "856 998."),
        ("agent", "Кем выдан и в каком году?"),
        ("customer", "2015."),  # a year answers, not a passport's series
    ]
    texts = _texts(turns, "ru")
    assert (texts[2], texts[4], texts[6]) == ("[ID]", "[ID].", "2015."), texts


@pytest.mark.parametrize("answer", ["Okay, A61934553.", "Okay, A, eight eight four oh double one five four."])
def test_a_us_passport_given_as_a_bare_answer_is_redacted(answer):
    texts = _texts([("agent", "What's the correct passport number?"), ("customer", answer)], "en")
    assert texts[1] == "Okay, [ID].", texts


def test_a_licence_read_back_with_its_letter_run_into_the_digits_is_redacted():
    turns = [
        ("agent", "I just need your driver's license number and state."),
        ("customer", "It's CA, Y4054594."),
        ("agent", "thanks, so that's Y4054594."),
    ]
    assert _texts(turns, "en")[1:] == ["It's CA, [ID].", "thanks, so that's [ID]."]


@pytest.mark.parametrize(
    ("turns", "stored"),
    [
        (  # the series after one word naming it, the number in the next breath
            [("customer", "Права: 54 46"), ("agent", "ага."), ("customer", "949-078, стаж с 2019 года.")],
            ["Права: [ID]", "ага.", "[ID], стаж с 2019 года."],
        ),
        (  # the series in words right before the number, in one breath
            [("customer", "Серия и номер девяносто девять семьдесят три, 286892, стаж с 2023 года.")],
            ["Серия и номер [ID], стаж с 2023 года."],
        ),
    ],
)
def test_a_licence_series_said_before_its_number_is_redacted_with_it(turns, stored):
    ask = ("agent", "Хорошо. Продиктуйте данные водительского удостоверения сына.")
    assert _texts([ask, *turns], "ru")[1:] == stored


def test_a_group_said_again_with_oh_after_a_take_back_is_redacted():
    """The group a speaker says again after "wait, no" is part of the number, "oh" for zero too."""
    said = "My social is oh oh two... one two, zero four zero eight... wait, no, one nine oh nine."
    assert _texts([("customer", said)], "en") == ["My social is [ID]... wait, no, [ID]."]


def test_an_identity_number_asked_for_is_read_as_dictated_without_a_cue_of_its_own():
    """Three number words answering a request for an identity number are read in groups, as after a
    cue word: the letters and pairs of a National Insurance number (a blind probe's leak)."""
    turns = [
        ("agent", "Department for Work and Pensions, can I take your National Insurance number please?"),
        ("customer", "Yes, it's S K, oh five, four oh, six four, B."),
        ("agent", "Thanks. Your payment of £60.21 a week goes out on the 21st."),
    ]
    texts = _texts(turns, "en")
    assert texts[1] == "Yes, it's [ID].", texts
    assert texts[2] == turns[2][1]
    # its digits said with "oh oh" and its last pair corrected: the six said first are gone (the pair
    # said again, "eleven", stays: two digits alone tell nothing)
    said = "Sure, T L seven oh oh two twenty one, no wait, sorry, eleven B."
    texts = _texts([("agent", "And your National Insurance number?"), ("customer", said)], "en")
    assert not re.search(r"\d|seven|two", texts[1]) and "[ID]" in texts[1], texts


def test_a_request_between_two_breaths_starts_a_new_number():
    """A claim number, then the policy asked for and said in two breaths, then a phone asked for: the
    claim stays, the policy's first half is the policy's, the phone is a phone (no ID asked before it)."""
    turns = [
        ("agent", "Страховая компания, отдел ДМС, Сергей."),
        ("customer", "Здравствуйте, хочу узнать по убытку 406993."),
        ("agent", "Номер полиса ДМС, пожалуйста."),
        ("customer", "восемьдесят семь восемьдесят восемь,"),
        ("agent", "Да."),
        ("customer", "шестьсот пятнадцать, семьдесят один, восемнадцать."),
        ("agent", "Передам куратору. Ваш номер?"),
        ("customer", "8 910 922 76..."),
        ("agent", "Ага, дальше."),
        ("customer", "30."),
    ]
    out = filter_transcript(make_transcript_from_turns("dms", turns, language="ru"))
    texts = [s["text"] for s in out["transcript"]["segments"]]
    assert texts[1] == "Здравствуйте, хочу узнать по убытку 406993."
    assert texts[3].startswith("[ID]") and texts[5] == "[ID]."
    assert "[PHONE]" in texts[7] and "[ID]" not in texts[7] + texts[9]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Okay. Can I get the last four of the account holder's Social?", "eight six three five."),
        ("For verification, can I get the last four of your Social?", "two two nine oh."),
        ("For verification, can I get the last four of your Social?", "one oh oh three."),
    ],
)
def test_the_last_four_of_a_social_said_in_words_is_an_id(question, answer):
    turns = [("agent", question), ("customer", answer)]
    out = filter_transcript(make_transcript_from_turns("ssn", turns))
    assert out["transcript"]["segments"][1]["text"] == "[ID]."


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Да, моя. Код шесть один два я никому не говорила.", "Да, моя. Код [CARD] я никому не говорила."),
        ("Код триста пятьдесят четыре я никому не говорила.", "Код [CARD] я никому не говорила."),
        ("Код из СМС никому не говорила.", "Код из СМС никому не говорила."),
    ],
)
def test_a_cards_code_in_a_later_turn_than_the_card(answer, expected):
    turns = [
        ("agent", "Вижу карту 4817-1369-3638-5159, это ваша?"),
        ("customer", answer),
        ("agent", "Карту блокирую, перевыпуск займёт до 9 рабочих дней."),
    ]
    segs = filter_transcript(make_transcript_from_turns("c", turns, language="ru"))["transcript"]["segments"]
    assert segs[0]["text"] == "Вижу карту [CARD], это ваша?"
    assert segs[1]["text"] == expected


def test_the_bare_word_code_in_a_call_without_a_card_stays():
    turns = [("agent", "Назовите код домофона."), ("customer", "Код триста пятьдесят четыре.")]
    segs = filter_transcript(make_transcript_from_turns("d", turns, language="ru"))["transcript"]["segments"]
    assert "[CARD]" not in segs[1]["text"]


def test_a_passports_series_and_number_asked_apart_are_one_id():
    turns = [
        ("agent", "Серия паспорта?"),
        ("customer", "сорок два ноль шесть."),
        ("agent", "Так, номер?"),
        ("customer", "пятьсот тридцать девять восемьсот пятнадцать."),
    ]
    out = filter_transcript(make_transcript_from_turns("series", turns, language="ru"))
    texts = [s["text"] for s in out["transcript"]["segments"]]
    assert "[ID]" in texts[1] and "[ID]" in texts[3], texts
    assert not re.search(r"\d|сорок|пятьсот", texts[1] + texts[3]), texts


@pytest.mark.parametrize(
    ("first", "between", "rest"),
    [
        ("Пишите: dima_nik...", "Так.", "olaev96@mail.ru."),
        ("Да, olga.ni...", "Записываю.", "kolaev@yandex.ru."),
        ("It's john.sm—", "Mm-hmm.", "ith@gmail.com."),
    ],
)
def test_a_local_parts_start_said_in_the_breath_before_the_address_goes_with_it(first, between, rest):
    turns = [
        ("agent", "Куда прислать, на почту?"),
        ("customer", first),
        ("agent", between),
        ("customer", rest),
    ]
    segs = filter_transcript(make_transcript_from_turns("start", turns))["transcript"]["segments"]
    assert "[EMAIL]" in segs[1]["text"] and not re.search(r"nik|\.ni|sm\b", segs[1]["text"]), segs[1]["text"]
    assert segs[3]["text"].startswith("[EMAIL]")


@pytest.mark.parametrize(
    ("first", "between", "rest"),
    [
        ("Yeah, it's kostyak...", "Sorry, is that with a dot?", "62@proton.me."),
        ("Ну, pembe...", "Так, это латиницей?", "rton.z@mail.ru."),
        ("Записывайте, irin...", "Секунду, записываю, дальше?", "Ab1986@bk.ru."),
        ("Yeah, it's vera_whit...", "Hang on, I'm typing it, go ahead.", "Okay, 1983@aol.com."),
    ],
)
def test_a_local_parts_start_goes_with_the_address_over_an_ask_for_the_rest(first, between, rest):
    turns = [("agent", "Your email?"), ("customer", first), ("agent", between), ("customer", rest)]
    segs = filter_transcript(make_transcript_from_turns("start", turns))["transcript"]["segments"]
    assert segs[1]["text"].endswith(("[EMAIL]...", "[EMAIL]")), segs[1]["text"]
    assert "[EMAIL]" in segs[3]["text"] and "@" not in segs[3]["text"]


@pytest.mark.parametrize(
    ("first", "between"),
    [
        ("Send it to my work address", "Okay."),  # an ordinary word
        ("My order is AB12...", "What's your email?"),  # a question between: a new answer
    ],
)
def test_a_word_before_an_address_in_the_next_breath_stays_unless_it_starts_it(first, between):
    turns = [("customer", first), ("agent", between), ("customer", "jane@acme.com.")]
    segs = filter_transcript(make_transcript_from_turns("start", turns))["transcript"]["segments"]
    assert segs[0]["text"] == first


@pytest.mark.parametrize(
    ("ask", "pieces", "placeholder"),
    [
        ("Phone number for reminders?", ["212 —", "2482486."], "[PHONE]"),
        ("Phone?", ["Uh, 07830 628 —", "640."], "[PHONE]"),
        (
            "I'll need your Social Security number.",
            ["Okay, seven eleven thirty-nine —", "sixty-nine thirty-eight."],
            "[ID]",
        ),
        (
            "Номер телефона?",
            ["Восемь девятьсот шестнадцать —", "двести три сорок семь восемнадцать."],
            "[PHONE]",
        ),
    ],
)
def test_a_number_broken_off_with_a_dash_goes_on_in_the_next_breath(ask, pieces, placeholder):
    turns = [("agent", ask), ("customer", pieces[0]), ("agent", "Yeah."), ("customer", pieces[1])]
    segs = filter_transcript(make_transcript_from_turns("dash", turns))["transcript"]["segments"]
    assert placeholder in segs[1]["text"] and placeholder in segs[3]["text"], [s["text"] for s in segs]
    assert not re.search(r"\d|seven|sixty|девят|двести", segs[1]["text"] + segs[3]["text"])


@pytest.mark.parametrize(
    ("answers", "stored"),
    [
        (["March 14, 1994, and...", "4300."], ["March 14, 1994, and...", "[ID]."]),
        (["March 5, 1958, and...", "triple four nine."], ["March 5, 1958, and...", "[ID]."]),
        (["March 27, 1974, and double four double six."], ["March 27, 1974, and [ID]."]),
    ],
)
def test_the_last_four_after_the_date_of_birth_asked_with_them(answers, stored):
    turns = [("agent", "To verify, your date of birth and the last four of your social?")]
    turns += [("customer", a) for a in answers]
    segs = filter_transcript(make_transcript_from_turns("dob", turns))["transcript"]["segments"]
    assert [s["text"] for s in segs[1:]] == stored


def test_a_number_with_like_set_off_between_its_groups():
    turns = [
        ("agent", "I'll need your Social Security number."),
        ("customer", "four ninety-seven, like, 28 two nine seven seven."),
    ]
    segs = filter_transcript(make_transcript_from_turns("like", turns))["transcript"]["segments"]
    assert segs[1]["text"] == "[ID]."
    # "like" in a sentence stays
    said = "I've reset my password like 5 times, my number is 8 916 203 47 18."
    segs = filter_transcript(make_transcript_from_turns("like", [("customer", said)]))["transcript"][
        "segments"
    ]
    assert segs[0]["text"] == "I've reset my password like 5 times, my number is [PHONE]."


def test_a_cards_expiry_and_code_asked_after_it_are_no_more_of_the_card():
    turns = [
        ("agent", "Продиктуйте номер карты."),
        ("customer", "4530 2169"),
        ("customer", "девять две тройки семь 0017."),
        ("agent", "Срок действия?"),
        ("customer", "03/27."),
        ("agent", "CVC-код, пожалуйста."),
        ("customer", "2, 3, 9."),
    ]
    out = filter_transcript(make_transcript_from_turns("expiry", turns, "ru"))
    stored = [s["text"] for s in out["transcript"]["segments"]]
    assert stored[1:3] == ["[CARD]", "[CARD]."] and stored[4] == "03/27." and stored[6] == "[CARD]."
    assert out["pii"] == {"CARD": 1, "CVV": 1}  # the card and its code


@pytest.mark.parametrize(
    ("ask", "answer", "read_back"),
    [
        ("And the CVV?", "Uh, four hundred eighty-six.", None),
        (
            "And the four-digit code on the front?",
            "Uh, thirteen thirty-eight.",
            "thirteen thirty-eight, thanks.",
        ),
    ],
)
def test_a_card_code_said_as_a_number_in_words(ask, answer, read_back):
    turns = [("customer", "It's 4111 1111 1111 1111."), ("agent", ask), ("customer", answer)]
    turns += [("agent", read_back)] if read_back else []
    segs = filter_transcript(make_transcript_from_turns("words", turns))["transcript"]["segments"]
    assert segs[2]["text"] == "[CARD]."  # stored as read: the filler out
    if read_back:
        assert segs[3]["text"] == "[CARD], thanks."


def test_the_expiry_said_before_the_code_asked_with_it_stays():
    turns = [
        ("customer", "Номер карты 4147 2015 7990 4657."),
        ("agent", "Теперь срок действия и CVV."),
        ("customer", "ноль девять тридцать один, а CVV шестьсот девяносто семь."),
    ]
    out = filter_transcript(make_transcript_from_turns("expiry", turns, "ru"))
    stored = out["transcript"]["segments"][2]["text"]
    assert stored.endswith("а CVV [CARD].") and "[CARD]," not in stored, stored
    assert out["pii"] == {"CARD": 1, "CVV": 1}


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        # a filler left before the rest and the digits before it: read again without it
        (
            "Ну пишите, восемь девятьсот три, ну вот, сто тридцать пять шестьдесят семь пятьдесят пять.",
            "Пишите, [PHONE].",
        ),
        ("My number, uh, two one two four seventeen, uh, so, seventy-nine nineteen.", "My number [PHONE]."),
        ("Phone, 206 658, uh, so, 54 86.", "Phone, [PHONE]."),
        ("Mobile 07475, um, okay, 539 373.", "Mobile [PHONE]."),
    ],
)
def test_so_okay_and_nu_vot_between_a_numbers_groups_are_hesitations(said, stored):
    segs = filter_transcript(make_transcript_from_turns("so", [("customer", said)]))["transcript"]["segments"]
    assert segs[0]["text"] == stored


def test_a_numbers_first_group_broken_off_with_a_dash_takes_the_rests_placeholder():
    turns = [
        ("agent", "Полис ОМС у вас есть? Продиктуйте номер полиса."),
        ("customer", "Сейчас, 7505 —"),
        ("agent", "Да."),
        ("customer", "5160 4168 0195."),
    ]
    segs = filter_transcript(make_transcript_from_turns("head", turns, "ru"))["transcript"]["segments"]
    assert [segs[1]["text"], segs[3]["text"]] == ["Сейчас, [ID] —", "[ID]."]


def test_a_phone_asked_for_without_a_question_mark_ends_the_number_before():
    turns = [
        ("agent", "Водительское удостоверение нужно для оформления: серия и номер?"),
        ("customer", "Права: 13 71 —"),
        ("customer", "291028."),
        ("agent", "И телефон, мастер перезвонит."),
        ("customer", "8 916"),
        ("agent", "Записываю."),
        ("customer", "1518772."),
    ]
    out = filter_transcript(make_transcript_from_turns("two", turns, "ru"))
    stored = [s["text"] for s in out["transcript"]["segments"]]
    assert stored[1:3] == ["Права: [ID] —", "[ID]."] and stored[4] == "[PHONE]" and stored[6] == "[PHONE]."


def test_a_cards_first_group_before_a_hesitation_and_zeros_said_as_oh():
    said = "Sure, it's four two eight four, uh, so, oh oh six zero six eight seven three oh six three five."
    turns = [("agent", "Can I have the full card number, please?"), ("customer", said)]
    segs = filter_transcript(make_transcript_from_turns("oh", turns))["transcript"]["segments"]
    assert segs[1]["text"] == "Sure, it's [CARD]."


def test_a_read_back_mixing_dictated_groups_and_numbers_in_words_is_an_echo():
    turns = [
        ("agent", "Sure, what's the number on the account?"),
        ("customer", "Uh, 07830 628 —"),
        ("customer", "640."),
        ("agent", "So that's zero seventy-eight thirty, six twenty-eight, six hundred forty, correct?"),
    ]
    segs = filter_transcript(make_transcript_from_turns("mixed", turns))["transcript"]["segments"]
    assert segs[3]["text"] == "So that's [PHONE], correct?"


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("Okay, so passport number five six five won six won six oh one.", "Okay, so passport number [ID]."),
        ("Sure, it's 8 nine for five three eight one won oh nine four.", "Sure, it's [PHONE]."),
        ("My number is two won to, seven double oh, ate won, three ate.", "My number is [PHONE]."),
        # a number starting with one ("for zero for"), one before "double"
        ("Um, for zero for, too five one, double nine won for.", "[PHONE]."),
        ("Sure, it's for won five, five eight won, for double one six.", "Sure, it's [PHONE]."),
    ],
)
def test_homophones_of_digits_inside_a_number_are_its_digits(said, stored):
    segs = filter_transcript(make_transcript_from_turns("won", [("customer", said)]))["transcript"][
        "segments"
    ]
    assert segs[0]["text"] == stored


@pytest.mark.parametrize(
    "said", ["From 9 to 5 for 3 days, and I ate 2 apples.", "I need it for 2 weeks, to 10 people."]
)
def test_to_for_and_ate_between_a_few_numbers_stay_words(said):
    segs = filter_transcript(make_transcript_from_turns("won", [("customer", said)]))["transcript"][
        "segments"
    ]
    assert segs[0]["text"] == said


@pytest.mark.parametrize("said", ["Um, S, 114, 956, 707, 743.", "Okay, S, 925, 258, 285, 590."])
def test_a_licence_asked_for_as_the_number_on_the_license(said):
    turns = [("agent", "Can you read me the number on your license?"), ("customer", said)]
    segs = filter_transcript(make_transcript_from_turns("licence", turns))["transcript"]["segments"]
    assert "[ID]" in segs[1]["text"] and not re.search(r"\d", segs[1]["text"]), segs[1]["text"]


@pytest.mark.parametrize(
    "said",
    [
        "One sec, it's in my wallet... 1... let me see... 720... uh... 986... let me see... 39... 87",
        "Hang on, let me grab it... okay... 07... 915... 043... uh... 146",
    ],
)
def test_a_phone_read_out_with_pauses_far_from_the_request_words(said):
    turns = [("agent", "Can I get a callback number?"), ("customer", said)]
    segs = filter_transcript(make_transcript_from_turns("pauses", turns))["transcript"]["segments"]
    assert segs[1]["text"].endswith("[PHONE]") and not re.search(r"\d", segs[1]["text"]), segs[1]["text"]


def test_a_card_read_from_the_card_with_pauses_and_fillers_between_its_groups():
    said = (
        "Ой, секунду, где же он... вот. 5271... сейчас... шесть один пять четыре... э-э... девять ноль восемь"
        " семь... девяносто семь восемьдесят шесть"
    )
    turns = [("agent", "Назовите, пожалуйста, номер карты."), ("customer", said)]
    segs = filter_transcript(make_transcript_from_turns("pauses", turns, "ru"))["transcript"]["segments"]
    stored = segs[1]["text"]
    assert stored.endswith("[CARD]") and not re.search(r"\d|шест|девят|восем", stored), stored


def _stored(turns: list[tuple[str, str]], language: str = "en") -> list[str]:
    segs = filter_transcript(make_transcript_from_turns("t", turns, language))["transcript"]["segments"]
    return [s["text"] for s in segs]


_DIGIT_OR_HOMOPHONE = re.compile(r"\d|(?<![^\W\d_])(?:won|too?|for|ate|oh)(?![^\W\d_])", re.IGNORECASE)


@pytest.mark.parametrize(
    ("said", "placeholders"),
    [
        # another number found first in the same breath: the phone is read again with its homophones
        (
            "Social is three five five, nine five, seven six three five, and phone number is oh seven, "
            "nine six nine, seven one too, three won for.",
            ["[ID]", "[PHONE]"],
        ),
        (
            "Okay, so National Insurance number XY three four nine zero four eight D, phone number for won"
            " five nine seven three eight double eight seven.",
            ["[ID]", "[PHONE]"],
        ),
        # a homophone ending a number before a pause
        (
            "Oh, and my phone number is 1 nine won nine seven eight to seven three six to, in case we get"
            " cut off.",
            ["[PHONE]"],
        ),
    ],
)
def test_a_phone_with_homophones_next_to_another_number_or_before_a_pause(said, placeholders):
    stored = _stored([("agent", "Can I get your details, please?"), ("customer", said)])[1]
    assert [p for p in re.findall(r"\[[A-Z]+\]", stored)] == placeholders, stored
    assert not _DIGIT_OR_HOMOPHONE.search(stored.split(placeholders[0], 1)[1]), stored


@pytest.mark.parametrize(
    "said",
    [
        "Yeah, 44 79 15 94 37 99.",
        # "so..." is a hesitation between groups like "so,"
        "One sec, it's in my wallet... +1... three one two... four eight five... so... six oh four six",
        "One sec, it's in my wallet... one... um... five zero three... five sixty-six... sixty-two... so..."
        " sixty-two",
    ],
)
def test_a_phone_answering_which_number_to_text_the_code_to(said):
    stored = _stored([("agent", "Which number should we text the code to?"), ("customer", said)])[1]
    assert stored.endswith("[PHONE]") or stored.endswith("[PHONE]."), stored
    assert not re.search(r"\d|three|four|five|six", stored), stored


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ("What's your driver's license number?", "Okay I've got the card right here, S, 302, 922, 362, 349"),
        (
            "Can you read me the number on your license?",
            "Okay I've got the card right here, D 649 429 995 671",
        ),
        # "oh" for a zero inside it does not end it
        (
            "Can you read me the number on your license?",
            "Sure, it's B two nine zero two eight four oh three seven seven eight zero.",
        ),
    ],
)
def test_a_licence_read_off_the_card_it_is_written_on(asked, said):
    stored = _stored([("agent", asked), ("customer", said)])[1]
    assert "[ID]" in stored and not re.search(r"\d|(?<![^\W\d_])(?:oh|zero|seven|eight)\b", stored), stored


def test_a_reference_after_a_phone_given_is_no_phone():
    turns = [
        ("agent", "Давайте контактные данные и документы."),
        ("customer", "Номер телефона 954 601 9385."),
        ("agent", "Номер обращения 7329844989."),
    ]
    assert _stored(turns, "ru")[1:] == ["Номер телефона [PHONE].", "Номер обращения 7329844989."]


def test_an_amount_asked_for_ends_the_number_before_it():
    turns = [
        ("agent", "Назовите номер заказа, пожалуйста."),
        ("customer", "104220729595"),
        ("agent", "Какая сумма была?"),
        ("customer", "4 639 рублей, по-моему."),
    ]
    assert _stored(turns, "ru")[1::2] == ["104220729595", "4 639 рублей, по-моему."]


def test_a_confirmed_read_back_asks_for_no_more_of_its_number():
    turns = [
        ("agent", "Так, вижу в системе паспорт: 9800 242935. Актуально?"),
        ("customer", "Да, правильно."),
        ("agent", "Понятно, спасибо."),
        ("customer", "Номер брони у меня 8297488478."),
    ]
    stored = _stored(turns, "ru")
    assert stored[0] == "Так, вижу в системе паспорт: [ID]. Актуально?"
    assert stored[3] == "Номер брони у меня 8297488478."


def test_a_read_back_corrected_is_still_the_number_asked_for():
    turns = [
        ("agent", "I'll need your passport number for the booking."),
        ("customer", "Okay, the passport number is seven seven seven five hundred thirty seven 952."),
        ("agent", "Let me read that back: 777 537 932."),
        ("customer", "Sorry, no, nine hundred fifty-two, not nine thirty-two."),
    ]
    assert _stored(turns)[3] == "Sorry, no, [ID], not [ID]."


def test_an_invoice_asked_for_in_a_bank_call_is_no_account():
    turns = [
        ("agent", "Банк «Восход», кредитный отдел, Игорь, здравствуйте!"),
        ("customer", "Здравствуйте, хочу узнать статус заявки."),
        ("agent", "Номер счёта-фактуры какой?"),
        ("customer", "Счёт-фактура 1589/60."),
    ]
    assert _stored(turns, "ru")[3] == "Счёт-фактура 1589/60."


def test_a_cue_s_own_number_read_with_the_next_turn_is_not_counted_again():
    turns = [
        ("agent", "And did her insurance change at all?"),
        (
            "customer",
            "Yes, it's Aetna now, member ID X J H, seven eight five, seven zero nine, three nine zero, group "
            "number 168912.",
        ),
        ("agent", "Okay, so 60 tablets of the 500 milligram, and the copay is $40.25."),
    ]
    filtered = filter_transcript(make_transcript_from_turns("count", turns))
    assert filtered["pii"] == {"ID": 1}, filtered["pii"]


@pytest.mark.parametrize(
    "turns",
    [
        [
            ("agent", "Ваш ИНН, пожалуйста, двенадцать цифр."),
            ("customer", "пятьдесят один пятнадцать тринадцать тридцать три семьдесят семь сорок девять"),
            ("agent", "Простите, не расслышала, ещё раз?"),
            ("customer", "Последние: тринадцать тридцать три, семьдесят семь сорок девять."),
        ],
        [
            ("agent", "Ваш ИНН, пожалуйста, двенадцать цифр."),
            ("customer", "Да, 04-87-087541-18."),
            ("agent", "Повторите, пожалуйста?"),
            ("customer", "Последние: 087541 18."),
        ],
    ],
)
def test_the_end_of_an_inn_said_again_after_a_request_to_repeat(turns):
    """An INN is redacted by the answers to its request; what repeats its end is read after that."""
    assert _stored(turns, "ru")[3] == "Последние: [ID].", _stored(turns, "ru")


@pytest.mark.parametrize(
    ("turns", "placeholder"),
    [
        (
            [
                ("agent", "What's the best phone number to reach you?"),
                ("customer", "Um, 1, three oh five, six for nine, five six, to nine."),
                ("agent", "Just the end again?"),
                ("customer", "five six, to nine."),
            ],
            "[PHONE]",
        ),
        (
            [
                ("agent", "Go ahead with the card number whenever you're ready."),
                (
                    "customer",
                    "Sure, it's three for oh three, to double eight for six won, five ate one three won.",
                ),
                ("agent", "Just the end again?"),
                ("customer", "to double eight for six won five ate one three won."),
            ],
            "[CARD]",
        ),
    ],
)
def test_a_part_said_again_with_homophones_takes_the_number_s_placeholder(turns, placeholder):
    assert _stored(turns)[3] == f"{placeholder}.", _stored(turns)


@pytest.mark.parametrize(
    ("asked", "said", "placeholder"),
    [
        ("And the last four of your social?", "It's ate seven oh too.", "It's [ID]."),
        ("And the last four of your social?", "Uh, won three five oh.", "[ID]."),
        ("The security code on the back of the card?", "Um, seven for won.", "[CARD]."),
        ("The security code on the back of the card?", "Um, ate oh to.", "[CARD]."),
    ],
)
def test_a_code_said_with_homophones(asked, said, placeholder):
    turns = [
        ("agent", "Can I have the card number, please?"),
        ("customer", "Yep, 5512 5542 2082 4292."),
        ("agent", asked),
        ("customer", said),
    ]
    assert _stored(turns)[3] == placeholder, _stored(turns)


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        (
            "Can I get your details, please?",
            "Okay, so email fitzgerald.s@icloud.com, passport number six double two, ate for three, "
            "double three nine.",
        ),
        (
            "I'll need your social to verify, please.",
            "Let me find it... here. three nine ate... three ate... nine six double seven",
        ),
        (
            "What's your National Insurance number?",
            "Hang on, let me grab it... okay... O L... for oh... let me see... seven ate... uh... four two..."
            " uh... A",
        ),
    ],
)
def test_an_identity_number_with_homophones_and_pauses(asked, said):
    stored = _stored([("agent", asked), ("customer", said)])[1]
    assert stored.endswith("[ID].") or stored.endswith("[ID]"), stored
    assert not _DIGIT_OR_HOMOPHONE.search(stored) and not re.search(r"seven|three|nine|six", stored), stored


def test_a_card_with_homophones_split_over_a_backchannel():
    turns = [
        ("agent", "What's the long number on the card?"),
        ("customer", "It's three for seven for...."),
        ("agent", "Right."),
        ("customer", "nine oh oh five won ate three seven won five six."),
    ]
    assert _stored(turns)[1::2] == ["It's [CARD]....", "[CARD]."]


def test_an_account_s_head_said_before_a_go_ahead_takes_its_rest_s_placeholder():
    turns = [
        ("agent", "Номер вашего счёта, куда перечислять, продиктуйте."),
        ("customer", "Так, сорок восемьдесят один семь...."),
        ("agent", "Угу, дальше."),
        (
            "customer",
            "восемьсот десять четыре восемьдесят три пятьдесят семь восемьдесят два восемьдесят пять"
            " шестьдесят пять ноль.",
        ),
    ]
    stored = _stored(turns, "ru")
    assert re.fullmatch(r"Так, \[[A-Z]+\]\.\.\.\.", stored[1]) and not re.search(r"\d|сорок", stored[1]), (
        stored
    )


def test_an_expiry_asked_for_stays_before_the_code_s_placeholder():
    turns = [
        ("agent", "Назовите номер карты."),
        ("customer", "4276 3800 1234 5675."),
        ("agent", "Срок действия?"),
        ("customer", "12/26."),
        ("agent", "И код с обратной стороны?"),
        ("customer", "123."),
    ]
    assert _stored(turns, "ru")[3::2] == ["12/26.", "[CARD]."]


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ("Sorry about that. Order number?", "111-3078854-8048057."),
        ("No problem, what's the tracking number?", "It's 9400 1407 0028 3824 3677 71."),
    ],
)
def test_a_reference_asked_for_is_no_card_when_luhn_passes_by_chance(asked, said):
    digits = re.sub(r"\D", "", said)
    assert any(luhn_ok(digits[:n]) or luhn_ok(digits) for n in (16, 17)), (
        "the case needs a Luhn-valid card shape"
    )
    assert _stored([("agent", asked), ("customer", said)])[1] == said


def test_a_card_read_out_as_one_after_a_reference_question_stays_a_card():
    card = _luhn("427638001234567")
    said = f"{card[:4]} {card[4:8]} {card[8:12]} {card[12:]}."
    assert _stored([("agent", "What's the order number?"), ("customer", said)])[1] == "[CARD]."
    turns = [
        ("agent", "Шестнадцать цифр с лицевой стороны карты продиктуйте."),
        ("customer", "Записывайте, 5105 0122 61273161"),
    ]
    assert _stored(turns, "ru")[1] == "Записывайте, [CARD]"


def test_a_meter_reading_asked_for_ends_the_account_number_before_it():
    turns = [
        ("agent", "Лицевой счёт?"),
        ("customer", "158426575."),
        ("agent", "Показания горячей воды?"),
        ("customer", "05457, холодная 1142."),
    ]
    assert _stored(turns, "ru")[1::2] == ["158426575.", "05457, холодная 1142."]


def test_a_number_split_over_breaths_leaves_whole_placeholders():
    """Aligning the redaction back onto the breaths matched the placeholder's letters with the text's
    ("Yeah, it's [PHO," / "NE]...")."""
    turns = [
        ("agent", "And your cell phone number?"),
        ("customer", "Yeah, it's oh seven seven two six,"),
        ("agent", "Mm-hmm."),
        ("customer", "Nine sixty-four five sixteen..."),
    ]
    assert _stored(turns)[1::2] == ["Yeah, it's [PHONE],", "[PHONE]..."]


@pytest.mark.parametrize(
    ("said", "again"),
    [
        ("Трек-номер для отслеживания 3698932730.", "Записала, 3698932730."),
        ("Your tracking number is 9400 6865 7082 0756 0052 55.", "Got it, 9400 6865 7082 0756 0052 55."),
    ],
)
def test_a_kept_number_said_again_stays(said, again):
    assert _stored([("agent", said), ("customer", again)])[1] == again


def test_a_card_given_asks_for_no_card_after_it():
    turns = [
        ("customer", "Сейчас, я лучше карту продиктую, с неё платила: 5536 7834 3979 8649."),
        ("agent", "Повторяю номер карты: 5536 7834 3979 8649."),
        ("customer", "Да, всё так."),
        ("agent", "IMEI 350354071170622, правильно?"),
    ]
    assert _stored(turns, "ru")[3] == "IMEI 350354071170622, правильно?"


def test_an_address_echo_is_read_from_the_address_not_the_whole_breath():
    said = (
        "Please call me back as soon as you know anything. Contract LS-69687, my inverter isn't showing "
        "production. And my email's Carla_Fedo95@Proton.me, just so you have it."
    )
    turns = [("customer", said), ("agent", "Survey 4 August, contract LS-69687, estimate $13,300.")]
    assert _stored(turns)[1] == "Survey 4 August, contract LS-69687, estimate $13,300."


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ("And the last four of your social?", "Last four are 8536."),
        ("Can you verify the last four of your SSN?", "Last four are thirty-one fifty-three."),
    ],
)
def test_the_last_four_answered_with_the_words_last_four(asked, said):
    assert _stored([("agent", asked), ("customer", said)])[1] == "Last four are [ID]."


@pytest.mark.parametrize(
    ("asked", "said", "stored", "language"),
    [
        (
            "Can you confirm the last four digits of your social?",
            "Uh, six two one, sorry, six two one eight.",
            "[ID], sorry, [ID].",
            "en",
        ),
        (
            "And the security code on the back of the card?",
            "three eight... no, three nine one.",
            "[CARD]... no, [CARD].",
            "en",
        ),
        (
            "Назовите CVV-код с обратной стороны карты.",
            "семь ноль... нет, семь ноль четыре.",
            "[CARD]... нет, [CARD].",
            "ru",
        ),
    ],
)
def test_a_short_code_said_again_after_a_false_start(asked, said, stored, language):
    """The false start is a piece of the code (its first digits), redacted with it; the code's size is
    the one said after the take-back, and it is counted once."""
    turns = [("agent", asked), ("customer", said)]
    out = filter_transcript(make_transcript_from_turns("code", turns, language))
    assert out["transcript"]["segments"][1]["text"] == stored
    kind = stored[1:].split("]")[0]
    assert out["pii"] == {"CVV" if kind == "CARD" else kind: 1}  # a card's code counts as CVV


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        (
            [
                ("agent", "Can I get an email address?"),
                ("customer", "It's Nadya.Vetrov@Icloud.com."),
                ("customer", "That's N, A, D, Y, A, V, E, T, R."),
            ],
            "en",
        ),
        (
            [
                ("agent", "Куда прислать договор?"),
                ("customer", "Sergey_Zimi97@Ya.ru"),
                ("agent", "Так."),
                ("customer", "По буквам: эс, е, эр, гэ, е, игрек."),
            ],
            "ru",
        ),
        (  # the address itself said over two breaths: the spelling is of both
            [
                ("agent", "Электронный адрес для уведомлений?"),
                ("customer", "Сейчас... ann..."),
                ("customer", "A_orte1987@yandex.ru"),
                ("customer", "По буквам: а эн эн а о эр тэ е."),
            ],
            "ru",
        ),
    ],
)
def test_an_address_spelled_in_the_next_breath_takes_its_placeholder(turns, language):
    stored = _stored(turns, language)
    assert stored[-1].endswith("[EMAIL].") and not re.search(r"\b(?:N|A|эс|игрек)\b", stored[-1]), stored


@pytest.mark.parametrize(
    ("turns", "language", "last"),
    [
        (  # a read-back with a letter wrong: the word fixed and spelled
            [
                ("agent", "Ваша почта?"),
                ("customer", "smirnova точка лена собака yandex точка ru."),
                ("agent", "Повторяю: smirrnova.lena@yandex.ru?"),
                ("customer", "Нет, smirnova, по буквам эс, эм, и, эр, эн, о, вэ, а."),
            ],
            "ru",
            "Нет, [EMAIL].",
        ),
        (
            [
                ("agent", "Your email?"),
                ("customer", "whitaker dot jo at aol dot com."),
                ("agent", "Let me check: whiteaker.jo@aol.com?"),
                ("customer", "No, whitaker, that's W H I T A K E R."),
            ],
            "en",
            "No, [EMAIL].",
        ),
        (  # the word said again after the address and spelled with the Russian name alphabet
            [
                ("agent", "Куда прислать договор?"),
                (
                    "customer",
                    "sokolova точка anna собака mail точка ru, sokolova по буквам: Сергей, Ольга, "
                    "Константин, Ольга, Леонид, Ольга, Василий, Анна.",
                ),
            ],
            "ru",
            "[EMAIL].",
        ),
        (  # "эм как Михаил": a letter and the name saying it again
            [
                ("agent", "Ваша почта?"),
                ("customer", "Пишите: эм как Михаил, и как Иван, эр как Роман, а как Анна собака bk.ru."),
            ],
            "ru",
            "Пишите: [EMAIL].",
        ),
    ],
)
def test_an_address_word_said_again_and_spelled_takes_its_placeholder(turns, language, last):
    assert _stored(turns, language)[-1] == last


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        (
            [
                ("agent", "Ваша почта?"),
                ("customer", "волкова..."),
                ("agent", "Так."),
                ("customer", "irina девяносто один собака mail точка ru."),
            ],
            "ru",
            ["[EMAIL]...", "[EMAIL]."],
        ),
        (
            [
                ("agent", "Your email?"),
                ("customer", "hughes dot..."),
                ("agent", "Mm-hmm."),
                ("customer", "carter 71 at aol dot com."),
            ],
            "en",
            ["[EMAIL]...", "[EMAIL]."],
        ),
        (  # a filler broken off is no address's word
            [
                ("agent", "Ваша почта?"),
                ("customer", "Секунду..."),
                ("agent", "Да."),
                ("customer", "irina91 собака mail точка ru."),
            ],
            "ru",
            ["Секунду...", "[EMAIL]."],
        ),
    ],
)
def test_an_address_word_broken_off_in_the_breath_before_its_rest(turns, language, stored):
    out = _stored(turns, language)
    assert [out[1], out[3]] == stored


@pytest.mark.parametrize(
    ("turns", "stored"),
    [
        (
            [
                ("agent", "Паспорт назовите, пожалуйста."),
                ("customer", "Так, 46"),
                ("agent", "Простите, вы пропадаете, а дальше?"),
                ("customer", "Нет, я говорю, дальше 22 пятьсот десять тысяч семьсот четырнадцать."),
            ],
            ["Так, [ID]", "Нет, я говорю, дальше [ID]."],
        ),
        (
            [
                ("agent", "Продиктуйте серию и номер паспорта."),
                ("customer", "Ну, 03 10 63..."),
                ("agent", "Простите, вы пропадаете, а дальше?"),
                ("customer", "Да, и дальше 4106."),
            ],
            ["Ну, [ID]...", "Да, и дальше [ID]."],
        ),
        (
            [
                ("agent", "Полис ОМС у вас с собой?"),
                ("customer", "Ну, 5452 4902 1345"),
                ("agent", "Угу."),
                ("customer", "Девять тысяч двести двадцать девять,"),
            ],
            ["Ну, [ID]", "[ID],"],
        ),
    ],
)
def test_the_rest_of_a_number_after_a_request_to_go_on(turns, stored):
    assert _stored(turns, "ru")[1::2] == stored


def test_a_question_which_digit_it_was_does_not_end_the_number():
    turns = [
        ("agent", "Для возврата нужен номер вашего счёта, двадцать цифр."),
        ("customer", "Так, 40817 810"),
        ("agent", "Извините, там пять или девять было?"),
        ("customer", "4 6366 8812 123."),
    ]
    stored = _stored(turns, "ru")
    assert not re.search(r"\d", stored[1] + stored[3]), stored


def test_a_code_from_the_back_of_the_card_in_russian():
    turns = [
        ("agent", "Продиктуйте номер карты."),
        ("customer", "5536 7834 3979 8649."),
        ("agent", "Код с оборота карты назовите."),
        ("customer", "Так, на обороте 852."),
    ]
    assert _stored(turns, "ru")[3] == "Так, на обороте [CARD]."


def test_an_identity_number_s_end_read_back_in_words_with_its_own_word():
    turns = [
        ("agent", "Полис ОМС у вас с собой?"),
        ("customer", "Да, 7836..."),
        ("customer", "4828 1802 2675."),
        ("agent", "Полис на двадцать шесть семьдесят пять заканчивается?"),
    ]
    assert _stored(turns, "ru")[3] == "Полис на [ID] заканчивается?"


@pytest.mark.parametrize(
    "turns",
    [
        [
            ("agent", "What's the best number to reach you on?"),
            ("customer", "It's, um, +1 247 338..."),
            ("agent", "Sorry, could you repeat the last bit?"),
            ("customer", "Okay, 5753."),
        ],
        [
            ("agent", "Can I get a callback number?"),
            ("customer", "Yeah, it's oh seven four nine seven five oh seven"),
            ("agent", "Hold on, I'm writing it down, keep going."),
            ("customer", "No, I said, two six three."),
        ],
    ],
)
def test_the_rest_of_a_phone_after_keep_going_or_repeat_the_last_bit(turns):
    stored = _stored(turns)
    assert not _DIGIT_OR_HOMOPHONE.search(stored[1] + stored[3]), stored
    assert not re.search(r"seven|two|six|three", stored[1] + stored[3]), stored


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        (  # a longer ask for the rest, and the rest led by a filler only
            [
                ("agent", "СНИЛС ребёнка подскажете?"),
                ("customer", "Да, 610..."),
                ("agent", "Алло, вас плохо слышно, повторите конец?"),
                ("customer", "Так, 118 739 40."),
            ],
            "ru",
        ),
        (
            [
                ("agent", "Продиктуйте серию и номер паспорта."),
                ("customer", "Сейчас... 45 10 4455..."),
                ("agent", "Подождите, это начало номера было?"),
                ("customer", "11."),
            ],
            "ru",
        ),
        (
            [
                ("agent", "And your SSN?"),
                ("customer", "Right, 233 58,"),
                ("agent", "Hold on, I'm writing it down, keep going."),
                ("customer", "Yeah, and then seven thousand five hundred fifty-two."),
            ],
            "en",
        ),
    ],
)
def test_the_rest_of_a_number_after_a_longer_ask_for_it(turns, language):
    stored = _stored(turns, language)
    assert not _DIGIT_OR_HOMOPHONE.search(stored[1] + stored[3]), stored
    assert not re.search(r"seven|two|six|three", stored[1] + stored[3]), stored


def test_a_snils_dictated_with_digit_nouns():
    turns = [
        ("agent", "Назовите СНИЛС."),
        ("customer", "Две тройки, пять, пятёрка, две девятки, 784, 36, это СНИЛС."),
    ]
    stored = _stored(turns, "ru")[1]
    assert "[ID]" in stored and not re.search(r"\d|тройк|девятк|пятёрк", stored), stored


def test_a_card_named_in_the_answer_to_a_reference_question_stays_a_card():
    turns = [
        ("agent", "Do you have the transaction reference?"),
        (
            "customer",
            "Hang on, I'll just give you the card I paid with, 3495 zero two five two two five four "
            "eight eight two zero.",
        ),
    ]
    assert _stored(turns)[1] == "Hang on, I'll just give you the card I paid with, [CARD]."


def test_a_number_s_rest_redacted_alone_as_a_card_is_read_again_with_its_start():
    """The rest's 16 digits pass Luhn alone; with the start the breath before they are an account."""
    turns = [
        ("agent", "Для возврата нужен номер вашего счёта, двадцать цифр."),
        ("customer", "Счёт для возврата 4081,"),
        ("agent", "Извините, там пять или девять было?"),
        ("customer", "7840 9507 8024 3023."),
    ]
    filtered = filter_transcript(make_transcript_from_turns("rejoin", turns, "ru"))
    stored = [s["text"] for s in filtered["transcript"]["segments"]]
    assert stored[1::2] == ["Счёт для возврата [ID],", "[ID]."], stored
    assert filtered["pii"] == {"ID": 1}


def test_an_answer_ended_with_a_full_stop_is_not_read_with_the_next_one():
    turns = [
        ("agent", "Policy number?"),
        ("customer", "HO-14401326."),
        ("agent", "When did it happen?"),
        ("customer", "5/19, around 15:30."),
    ]
    assert _stored(turns)[3] == "5/19, around 15:30."


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        (
            "Номер карты: писят один шисят девять, восемьдесят два сорок, триста девяносто два девять, "
            "восемсот семьдесят сем два.",
            "Номер карты: [CARD].",
        ),
        (
            "Паспорт: семьдесят сем, нолик восем, девяносто восем шисят восем семьдесят один.",
            "Паспорт: [ID].",
        ),
        (
            "My card number is five five ate six, won won three six, oh three six niner, nine two one eight.",
            "My card number is [CARD].",
        ),
    ],
)
def test_a_number_said_as_fast_speech_or_radio_writes_it_is_redacted(said, stored):
    """ "писят", "шисят", "сем", "восем", "восемсот" (Russian fast speech), "niner": the same digits."""
    out = filter_transcript(make_transcript_from_turns("s", [("customer", said)]))
    assert out["transcript"]["segments"][0]["text"] == stored


def _overlapping(turns: list[tuple[str, str]], heard: int) -> dict[str, Any]:
    """A transcript of ``turns`` whose turn ``heard`` starts before the one before it ends."""
    transcript = make_transcript_from_turns("x", turns)
    segs = transcript["segments"]
    length = segs[heard]["end"] - segs[heard]["start"]
    segs[heard]["start"] = round(segs[heard - 1]["end"] - 0.5, 2)
    segs[heard]["end"] = round(segs[heard]["start"] + length, 2)
    return transcript


@pytest.mark.parametrize(
    "turns",
    [
        [
            ("agent", "Назовите серию и номер паспорта."),
            ("customer", "Сейчас, шестьдесят..."),
            ("agent", "08"),
            ("customer", "шестьсот сорок семь сто девятнадцать."),
        ],
        [
            ("agent", "Для проверки мне нужны серия и номер паспорта."),
            ("customer", "45..."),
            ("agent", "ага, пишу"),
            ("customer", "19..."),
            ("agent", "угу... 953782"),
        ],
        [
            ("agent", "And your Social Security number?"),
            ("customer", "It's six hundred fourteen, thirty-three..."),
            ("agent", "mm-hmm... 7480,"),
        ],
        [
            ("agent", "And your National Insurance number, please?"),
            ("customer", "Yeah, G S..."),
            ("agent", "mm-hmm... 95, seventy-six, 16, C"),
        ],
    ],
)
def test_the_callers_digits_heard_in_the_other_channel_are_read_with_the_caller(turns):
    """Crosstalk: the listener's microphone picks up the caller, and Whisper writes a piece of the
    caller's number as the listener's segment, overlapping the caller's in time."""
    out = filter_transcript(_overlapping(turns, len(turns) - 1 if turns[-1][0] == "agent" else 2))
    texts = [s["text"] for s in out["transcript"]["segments"]]
    assert not any(re.search(r"\d", t) for t in texts[1:]), texts
    assert any("[" in t for t in texts[1:])


def test_the_listeners_own_digits_in_turn_are_no_crosstalk():
    """The agent reading an order number after the caller, not over them, stays as said."""
    turns = [
        ("customer", "Мой заказ 45..."),
        ("agent", "Вижу, заказ 953782, доставка завтра."),
    ]
    out = filter_transcript(_overlapping(turns, 1))
    assert [s["text"] for s in out["transcript"]["segments"]] == [t for _, t in turns]


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        ("Мой СНИЛС: 375, 4O8, 485, O5.", "Мой СНИЛС: [ID]."),  # a letter O for a zero
        ("Водительское удостоверение: 78, МH, 52O639.", "Водительское удостоверение: 78, МH, [ID]."),
        ("Sure, it's DЕ, O9, 2O63, 2539, 8633, 7O27, 86.", "Sure, it's [ID]."),  # a Cyrillic Е, O for 0
        ("My IBAN is GВ, 95, WЕST, 7548, 6745, 7931, 36.", "My IBAN is [ID]."),  # Cyrillic В and Е
    ],
)
def test_look_alike_characters_in_a_number_or_id_are_read_as_said(said, stored):
    out = filter_transcript(make_transcript_from_turns("l", [("customer", said)]))
    assert out["transcript"]["segments"][0]["text"] == stored


@pytest.mark.parametrize(
    "said",
    [
        "My O2 contract ends in 2026, order 5501.",
        "ОГРН 1027770366625, БИК 044500593.",
        "IMEI 350354071170622.",
    ],
)
def test_words_in_capitals_and_a_letter_o_in_speech_are_left_as_written(said):
    """A brand ("O2"), a Russian word in capitals ("ОГРН", its letters not all look-alikes): no ID's."""
    out = filter_transcript(make_transcript_from_turns("l", [("customer", said)]))
    assert out["transcript"]["segments"][0]["text"] == said


def test_digit_nouns_over_several_breaths_are_read_as_one_number():
    """ "двойка, пятёрка, ..." said over breaths, the listener's "угу" between: one SNILS."""
    turns = [
        ("agent", "Продиктуйте номер СНИЛС, пожалуйста."),
        ("customer", "Так, семёрка, нолик, тройка..."),
        ("agent", "угу"),
        ("customer", "четвёрка, двойка, девятка..."),
        ("agent", "ага"),
        ("customer", "пятёрка, единичка, восьмёрка, семь, восьмёрка."),
    ]
    stored = _stored(turns, "ru")
    assert stored[1::2] == ["Так, [ID]...", "[ID]...", "[ID]."], stored


def test_a_number_before_the_request_keeps_its_digits_when_the_answer_is_redacted():
    """ "номер 305" before "Назовите СНИЛС": the answer after the request is a number of its own."""
    turns = [
        ("customer", "Я живу в номер 305."),
        ("agent", "Назовите СНИЛС."),
        (
            "customer",
            "семёрка, нолик, тройка, четвёрка, двойка, девятка, пятёрка, единичка, восьмёрка, семь, 8.",
        ),
    ]
    stored = _stored(turns, "ru")
    assert stored[0] == "Я живу в номер 305." and stored[2] == "[ID].", stored


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        (
            [
                ("agent", "Серию и номер паспорта продиктуйте."),
                ("customer", "Да, 71..."),
                ("agent", "угу"),
                ("customer", "14..."),
                ("agent", "так"),
                ("customer", "360582."),
            ],
            "ru",
        ),
        (
            [
                ("agent", "Номер водительского удостоверения?"),
                ("customer", "Записывайте: семьдесят..."),
                ("agent", "ага"),
                ("customer", "двенадцать..."),
                ("agent", "угу"),
                ("customer", "480315."),
            ],
            "ru",
        ),
        (
            [
                ("agent", "Can I have your Social Security number?"),
                ("customer", "Yeah, it's three hundred twelve..."),
                ("agent", "Okay, and?"),
                ("customer", "forty-eight..."),
                ("agent", "mm-hmm"),
                ("customer", "two thousand five hundred ninety-one."),
            ],
            "en",
        ),
    ],
)
def test_an_identity_number_over_three_breaths_redacted_only_in_the_last(turns, language):
    """The last breath alone has an identity number's shape ("360582." answering a passport request);
    the series said in the breaths before stays readable unless all are read together."""
    stored = _stored(turns, language)
    assert not any(re.search(r"\d|семьдесят|двенадцать|twelve|forty", t) for t in stored[1::2]), stored
    assert all("[ID]" in t for t in stored[1::2]), stored


def test_a_snils_said_in_digit_nouns_only():
    """No number word at all, only a digit's nouns: still a dictation."""
    turns = [
        ("agent", "Ваш СНИЛС?"),
        ("customer", "Так, семёрка, нолик, тройка, четвёрка, двойка, девятка, пятёрка, единичка, восьмёрка, "
         "семёрка, восьмёрка."),
    ]  # fmt: skip
    assert _stored(turns, "ru")[1] == "Так, [ID]."


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        ([("agent", "Продиктуйте номер мобильного, пожалуйста."), ("customer", "Да, 8916-4472-05-3.")], "ru"),
        ([("agent", "What's the best number to reach you at?"), ("customer", "415 55501 9 3.")], "en"),
    ],
)
def test_a_phone_asked_for_is_redacted_however_asr_grouped_it(turns, language):
    """A mobile with its trunk or a North American number, its groups split or merged wrongly."""
    assert re.fullmatch(r"(?:Да, )?\[PHONE\]\.", _stored(turns, language)[1])


def test_a_phone_written_twice_by_a_whisper_loop_is_redacted_in_both_copies():
    """The copy dropped as a repeat is no more of the number, and stores what the kept one does."""
    turns = [
        ("agent", "What's a good callback number?"),
        ("customer", "Okay so zero seven nine one one, two hundred, 345."),
        ("customer", "Okay so zero seven nine one one, two hundred, 345."),
    ]
    segments = filter_transcript(make_transcript_from_turns("r", turns))["transcript"]["segments"]
    assert [s["text"] for s in segments[1:]] == ["Okay so [PHONE]."] * 2
    assert segments[2]["drop_reason"] == "repeat"


@pytest.mark.parametrize(
    ("turns", "heard"),
    [
        (
            [
                ("agent", "And the IBAN for the refund?"),
                ("customer", "Yeah, GB, twenty-nine..."),
                ("agent", "okay"),
                ("customer", "N W B K..."),
                ("agent", "uh-huh, go on"),
                ("customer", "sixty sixteen, 1331..."),
                ("agent", "sorry, one sec, go ahead"),
                ("customer", "ninety-two sixty-eight, nineteen."),
            ],
            None,
        ),
        (
            [
                ("agent", "And the IBAN for the refund?"),
                ("customer", "Uh, D E..."),
                ("agent", "mm-hmm"),
                ("customer", "oh eight, 3704..."),
                ("customer", "0044 0532 0130 03."),
            ],
            None,
        ),
        (
            [
                ("agent", "And the IBAN for the refund?"),
                ("customer", "Sure, G B..."),
                ("agent", "mm-hmm... 29, NWBK,"),  # the caller heard in the agent's channel
                ("customer", "6016 1331, nine two six eight one nine."),
            ],
            2,
        ),
    ],
)
def test_an_iban_over_breaths_with_its_letters_in_breaths_of_their_own(turns, heard):
    """The seam pass joins breaths on digits; an IBAN's country or bank code alone in a breath ("N W B
    K...", "D E...") or in the other channel ("29, NWBK,") is read with the rest from the country code."""
    transcript = _overlapping(turns, heard) if heard else make_transcript_from_turns("i", turns)
    out = filter_transcript(transcript)
    texts = [s["text"] for s in out["transcript"]["segments"]]
    number = re.compile(r"\d|twenty|sixty|ninety|nine|\b(?:G B|GB|D E|N W B K|NWBK)\b")
    assert not any(number.search(t) for t in texts[1:]), texts
    assert out["pii"] == {"ID": 1}, out["pii"]


def test_a_country_s_capitals_before_other_digits_are_no_iban():
    """A country's capitals ("DE") and digits that make no IBAN (an order, a postcode) stay as said."""
    turns = [
        ("customer", "I ordered from DE..."),
        ("customer", "order 4471 2209, postcode 10115."),
    ]
    assert _stored(turns)[1] == "order 4471 2209, postcode 10115."


def test_what_a_breath_said_before_an_iban_s_country_code_stays_redacted():
    turns = [
        ("agent", "Your e-mail and the IBAN for the refund?"),
        ("customer", "It's anna.berg@mail.de, and the IBAN, D E..."),
        ("customer", "oh eight, 3704..."),
        ("customer", "0044 0532 0130 03."),
    ]
    assert _stored(turns)[1:] == ["It's [EMAIL], and the IBAN, [ID]...", "[ID]...", "[ID]."]


@pytest.mark.parametrize(
    "turns",
    [
        [
            ("agent", "For verification I need your passport number."),
            ("customer", "Sure, four ate five..."),
            ("agent", "right"),
            ("customer", "won too six..."),
            ("agent", "mm-hmm, keep going"),
            ("customer", "nine three seven."),
        ],
        [
            ("agent", "What's the best mobile number for you?"),
            ("customer", "oh seven nine o..."),
            ("customer", "niner for two..."),
            ("customer", "three three six won."),
        ],
    ],
)
def test_digits_written_as_homophones_at_the_seams_of_breaths(turns):
    """Digits written as words ("ate", "won", "for", a letter "o") at a breath's end or start."""
    stored = _stored(turns)
    customer = [t for (role, _), t in zip(turns, stored, strict=True) if role == "customer"]
    assert all("[" in t for t in customer), customer
    said = re.compile(r"\bo\b|nine|seven")
    assert not any(_DIGIT_OR_HOMOPHONE.search(t) or said.search(t) for t in customer), customer


def test_a_homophone_opening_a_breath_after_words_is_no_digit():
    turns = [("customer", "I paid it last week..."), ("customer", "for the deposit, 4521 8890.")]
    assert _stored(turns)[1] == "for the deposit, 4521 8890."


def test_a_noisy_breath_the_filter_drops_is_read_as_the_answer_to_the_request_before():
    noisy = {"no_speech_prob": 0.75, "avg_logprob": -1.3}
    turns = [
        ("agent", "And your driver's license number?"),
        ("customer", "It's B..."),
        ("agent", "mm-hmm"),
        ("customer", "four hundred twelve zero zero sixty-three.", noisy),
    ]
    segments = filter_transcript(make_transcript_from_turns("n", turns))["transcript"]["segments"]
    assert segments[3]["drop_reason"] == "no_speech"
    assert segments[3]["text"] == "[ID]."


def test_a_phone_asked_for_with_a_piece_in_the_other_channel():
    """The agent's request cues the caller's breaths read with their crosstalk piece."""
    turns = [
        ("agent", "Продиктуйте номер мобильного, пожалуйста."),
        ("customer", "8 9261 44 30..."),
        ("agent", "угу... 17,"),
    ]
    texts = [s["text"] for s in filter_transcript(_overlapping(turns, 2))["transcript"]["segments"]]
    assert texts[1:] == ["[PHONE]...", "угу... [PHONE],"], texts


@pytest.mark.parametrize(
    ("turns", "stored"),
    [
        # Cyrillic Т, Х, А in English speech, a letter O for a zero: five digits as written, six as said
        (
            [("agent", "Your National Insurance number, please?"), ("customer", "It's ТХ, 4O, 19, 27, А.")],
            "It's [ID].",
        ),
        (
            [("agent", "And your driver's license number?"), ("customer", "Sure, it's У, 73O8O15.")],
            "Sure, it's [ID].",
        ),
    ],
)
def test_an_id_with_few_digits_as_written_and_letters_o_for_zeros(turns, stored):
    assert _stored(turns)[1] == stored


def test_an_id_s_letters_in_a_breath_of_their_own_join_its_digits():
    """The region digits, the series letters and the number each in a breath: one licence."""
    turns = [
        ("agent", "Номер водительского удостоверения, пожалуйста."),
        ("customer", "Пишите: семьдесят семь..."),
        ("agent", "ага"),
        ("customer", "МН..."),
        ("agent", "угу"),
        ("customer", "сорок два ноль восемь пятнадцать."),
    ]
    stored = _stored(turns, "ru")
    assert stored[5] == "[ID].", stored
    assert not re.search(r"сорок|пятнадцать|\d{3}", " ".join(stored[1::2])), stored


def test_a_contract_number_with_a_slash_after_a_phone_request_stays():
    """Asked for a contract and a phone: the contract's "47-2291/2023" has a North American number's
    ten digits, but a slash is no ASR split of a phone."""
    turns = [
        ("agent", "Назовите номер договора и контактный телефон."),
        (
            "customer",
            "Договор 47-2291/2023, телефон восемь девять один шесть два ноль четыре три три один восемь.",
        ),
    ]
    assert _stored(turns, "ru")[1] == "Договор 47-2291/2023, телефон [PHONE]."


def test_a_doubted_breath_of_a_dictated_reference_is_kept_with_the_others():
    """Whisper doubted the middle breath of an order number (a noisy line): kept, so the LLM reads the
    whole number; a doubted breath alone stays dropped."""
    noisy = {"no_speech_prob": 0.75, "avg_logprob": -1.3}
    turns = [
        ("agent", "Назовите номер заказа."),
        ("customer", "Так, заказ номер четыреста двенадцать..."),
        ("agent", "угу"),
        ("customer", "триста семь...", noisy),
        ("agent", "ага"),
        ("customer", "девяносто пять."),
        ("customer", "шум на линии", noisy),
    ]
    out = filter_transcript(make_transcript_from_turns("d", turns, "ru"))
    segments = out["transcript"]["segments"]
    assert segments[3]["kept"] and segments[3]["drop_reason"] is None
    assert segments[6]["drop_reason"] == "no_speech"
    text = compress(out, len, "d")["text"]
    assert "412... 307... 95" in text, text


def test_a_digit_s_noun_alone_ending_a_dictation_is_no_short_turn():
    assert drop_reason(seg("тройка.")) is None


@pytest.mark.parametrize(
    "turns",
    [
        [
            ("agent", "Какая у вас электронная почта?"),
            ("customer", "Так, sergey.volkov восемьдесят восемь..."),
            ("agent", "угу... собака yandex точка ru"),
        ],
        [
            ("agent", "What's your e-mail address?"),
            ("customer", "It's megan underscore hart..."),
            ("agent", "mm-hmm... at outlook dot com"),
        ],
    ],
)
def test_an_e_mail_s_rest_heard_in_the_other_channel_is_read_with_the_caller(turns):
    texts = [s["text"] for s in filter_transcript(_overlapping(turns, 2))["transcript"]["segments"]]
    assert "[EMAIL]" in texts[1] and "[EMAIL]" in texts[2], texts
    assert not re.search(r"volkov|yandex|hart|outlook|восемьдесят", " ".join(texts)), texts


def test_a_phone_said_in_instrumental_case_forms_over_breaths():
    """A tens word and "семью" in the instrumental case are 77 ("семью" alone stays "family")."""
    turns = [
        ("agent", "Продиктуйте номер мобильного."),
        ("customer", "Пишите: совпадает с восемь..."),
        ("customer", "девятьюстами шестьюдесятью семью..."),
        ("customer", "тремястами двадцатью, сорока четырьмя..."),
        ("customer", "пятьюдесятью одним."),
    ]
    stored = _stored(turns, "ru")
    assert not re.search(r"\d|сем|дцат|сорок", " ".join(stored[1:])), stored


def test_a_booking_number_over_breaths_is_no_card_by_chance():
    """Read run-on, "four hundred sixty-two seven hundred sixty-one ..." reads as dictated "4 00 62 7 00
    61 ...", 15 digits that pass Luhn by chance: in no card's groups, after a booking word, no card."""
    turns = [
        ("agent", "What's the reservation number?"),
        ("customer", "reservation four hundred sixty-two..."),
        ("agent", "mm-hmm"),
        ("customer", "seven hundred sixty-one..."),
        ("agent", "okay"),
        ("customer", "seven hundred thirty-five."),
    ]
    assert not any("[" in t for t in _stored(turns)), _stored(turns)


@pytest.mark.parametrize(
    ("turns", "language", "placeholder"),
    [
        (
            [
                ("agent", "Which card should the refund go to?"),
                (
                    "customer",
                    "Okay, forty-four seventeen, oh two one nine... hold on, it's in the other wallet.",
                ),
                ("agent", "Sure, meanwhile your refund of $85 is approved."),
                ("agent", "It should arrive by May 3."),
                ("customer", "Got it. The rest is 3305 8812."),
                ("agent", "So that's 4417 0219 3305 8812?"),
            ],
            "en",
            "[CARD]",
        ),
        (
            [
                ("agent", "Продиктуйте, пожалуйста, номер СНИЛС."),
                ("customer", "сейчас, сто сорок два, ноль восемь... минутку, не вижу дальше."),
                ("agent", "Ничего, я пока проверю вашу запись на 14 июня."),
                ("customer", "вот, продолжаю: 331 20"),
                ("agent", "Полностью: 142 08 331 20, так?"),
            ],
            "ru",
            "[ID]",
        ),
        (
            [
                ("agent", "What number can we text you on?"),
                ("customer", "The first five are 31295."),
                ("agent", "Mm-hmm."),
                ("customer", "and then six six oh two, eight."),
            ],
            "en",
            "[PHONE]",
        ),
    ],
)
def test_a_number_asked_for_and_said_in_parts_with_talk_between(turns, language, placeholder):
    """Its start broken off to look for the rest (or named as the start), its rest in a later breath
    named as the rest, and the read-back of it whole: every part takes the asked number's placeholder."""
    texts = _texts(turns, language)
    said = " ".join(texts)
    assert placeholder in texts[1] and placeholder in texts[-1 if len(turns) == 4 else -2]
    assert not re.search(r"\d{3}|forty|сорок|ноль|six six", said.replace("14 июня", "").replace("$85", ""))


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        (
            [
                ("agent", "Can I get a phone number for the file?"),
                ("customer", "the order number, so... 55812... one second, I can't see the rest."),
                ("agent", "No problem."),
                ("customer", "okay, then 4471"),
            ],
            "en",
        ),
        (
            [
                ("agent", "Какой у вас телефон?"),
                ("customer", "номер договора, начало: 3309... подождите."),
                ("customer", "вот, дальше 1184"),
            ],
            "ru",
        ),
    ],
)
def test_a_reference_said_in_parts_stays(turns, language):
    """A reference named in the breath that starts it is no answer to the request for a phone."""
    texts = _texts(turns, language)
    assert not any("[" in t for t in texts), texts


@pytest.mark.parametrize(
    ("turns", "language", "gone"),
    [
        # none of its digits said before the break: the whole number is the rest
        (
            [
                ("agent", "Серию и номер паспорта, пожалуйста."),
                ("customer", "да, серия... минутку, не вижу."),
                ("agent", "Конечно, я пока оформлю заявку на 3 марта."),
                ("customer", "так, дальше: 71 04 номер 338 915"),
            ],
            "ru",
            "338",
        ),
        # the rest opening with a group of letters
        (
            [
                ("agent", "Could you give me the IBAN?"),
                ("customer", "GB37... bear with me, it's on the statement."),
                ("agent", "Take your time."),
                ("customer", "okay, then BARC 2004 1178 5503 22"),
            ],
            "en",
            "1178",
        ),
        # a request for a number to ring back on
        (
            [
                ("agent", "What number can I ring you back on?"),
                ("customer", "The first six are 079 113."),
                ("agent", "Right."),
                ("customer", "and after that four four two eight one"),
            ],
            "en",
            "four four",
        ),
    ],
)
def test_the_rest_of_a_number_asked_for_when_its_start_was_not_said_or_had_letters(turns, language, gone):
    texts = _texts(turns, language)
    assert gone not in " ".join(texts), texts
    assert "[" in texts[-1]


@pytest.mark.parametrize(
    ("turns", "language", "gone"),
    [
        # read from a paper, broken off by an aside, the rest right after the other's go-ahead
        (
            [
                ("customer", "так, на бланке: СНИЛС 208 331... ой, плохо пропечатано..."),
                ("agent", "угу"),
                ("customer", "504 17, запись на 12 число"),
            ],
            "ru",
            ("208", "504"),
        ),
        (
            [
                ("customer", "the letter says SSN 611 42... sorry, the print's faded..."),
                ("agent", "okay"),
                ("customer", "7093, and a reference 55120"),
            ],
            "en",
            ("611", "7093"),
        ),
        # its start already redacted by its own word and shape
        (
            [
                ("customer", "it says member ID 4471 0932... hold on, my glasses..."),
                ("agent", "mm-hmm"),
                ("customer", "five five one eight, and the invoice is 2231"),
            ],
            "en",
            ("4471", "five five"),
        ),
    ],
)
def test_a_number_read_from_a_paper_and_broken_off_by_an_aside(turns, language, gone):
    texts = _texts(turns, language)
    assert not any(g in " ".join(texts) for g in gone), texts
    # what comes after the number in the same breath stays
    assert re.search(r"12|55120|2231", texts[-1])


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        # the read-back redacted only at its ends: the groups between, after pauses, are its middle
        (
            [("agent", "Can I have the card number?"), ("customer", "um, 4716 3301 2285"),
             ("customer", "9067"),
             ("agent", "Let me read that back: forty-seven sixteen... thirty-three oh one, twenty-two "
                       "eighty-four... ninety sixty-seven, correct?")],
            "en",
            "Let me read that back: [CARD], correct?",
        ),
        (
            [("agent", "Назовите номер карты."), ("customer", "так, 22007310"), ("customer", "4451 2089"),
             ("agent", "Проверяю: двадцать два ноль ноль... семьдесят три десять, сорок четыре пятьдесят "
                       "два... двадцать ноль восемь, девяносто, так?")],
            "ru",
            "Проверяю: [CARD], так?",
        ),
    ],
)  # fmt: skip
def test_a_read_back_s_groups_between_its_redacted_pieces_are_taken(turns, language, stored):
    assert _texts(turns, language)[-1] == stored


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("I have 5 3 0 0, 1 8 4 2... [CARD]... [CARD], right?", "I have [CARD]... [CARD], right?"),
        ("записываю: [PHONE]... 40, 5 2, верно?", "записываю: [PHONE], верно?"),
        # a year after a pause, an expiry between a card and its code, a price: no piece of the number
        ("паспорт [ID]... 2019.", "паспорт [ID]... 2019."),
        ("card [CARD], 10 29, [CARD]", "card [CARD], 10 29, [CARD]"),
        ("[PHONE]... 1500 рублей, верно?", "[PHONE]... 1500 рублей, верно?"),
    ],
)
def test_join_pieces_beside_a_placeholder(text, stored):
    from processors.pii import join_pieces

    assert join_pieces(text)[0] == stored


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        # the series said again before the number's sign or word: it goes with the number
        ([("agent", "Назовите серию и номер паспорта."), ("customer", "61 09 номер 418275")], "ru", "[ID]"),
        ([("agent", "Продиктуйте паспорт."), ("customer", "так... 33 17, номер, 502 664")], "ru",
         "так... [ID]"),
        ([("agent", "What's the passport series and number?"), ("customer", "it's 81 40 number 771 209")],
         "en", "it's [ID]"),
    ],
)  # fmt: skip
def test_a_series_before_the_number_sign_or_word_goes_with_the_number(turns, language, stored):
    assert _texts(turns, language)[-1] == stored


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        # a reference's or a year's four digits before the number's word are no series
        ([("agent", "Назовите серию и номер паспорта."), ("customer", "заказ 5521, номер 418275")], "ru",
         "заказ 5521, номер [ID]"),
        ([("agent", "What's the passport number?"), ("customer", "since 2016, number 418275112")], "en",
         "since 2016, number [ID]"),
    ],
)  # fmt: skip
def test_four_digits_that_are_no_series_stay_before_the_number_word(turns, language, stored):
    assert _texts(turns, language)[-1] == stored


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        # an IBAN's letters in NATO words, its digits in words
        ([("agent", "Could I have your IBAN for the refund?"),
          ("customer", "sure, Golf Bravo two six, November Whiskey Bravo Kilo, six oh seven one, four four "
                       "two seven, oh one nine three eight four")], "en", "sure, [ID]"),
        # a US passport's letter as "K as in Kilo", its digits in pairs
        ([("agent", "And your passport number?"),
          ("customer", "it's K as in Kilo thirty-one, oh seven, fifty-two nine four")], "en", "it's [ID]"),
        # a Russian caller reads the country code with NATO words and the rest in Russian
        ([("agent", "Назовите IBAN для возврата."),
          ("customer", "Delta Echo пятьдесят, пять ноль ноль один, ноль пять один семь, ноль шесть четыре "
                       "восемь, два девять три семь, пять один")], "ru", "[ID]"),
    ],
)  # fmt: skip
def test_letters_spelled_with_an_alphabet_in_a_dictated_number(turns, language, stored):
    assert _texts(turns, language)[-1] == stored


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # a name, a product and an order with NATO words in them stay readable
        ([("agent", "What's your name?"),
          ("customer", "Romeo Santos, I was charged two thousand four hundred ninety-nine dollars on order "
                       "five five six one two two nine zero")], "en"),
        ([("agent", "Which model?"),
          ("customer", "the Echo Dot, order number seven seven one oh four two two nine one, it cost "
                       "forty-nine ninety-nine")], "en"),
        ([("agent", "Как вас зовут?"),
          ("customer", "Роман, заказ номер четыре четыре один пять два два девять ноль, оплатил пятнадцать "
                       "тысяч семьсот рублей")], "ru"),
    ],
)  # fmt: skip
def test_alphabet_words_beside_an_order_or_a_price_leave_them(turns, language):
    assert _texts(turns, language)[-1] == turns[-1][1]


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        ([("agent", "What's your email?"), ("customer", "it's j dash moore at gmail dot com"),
          ("agent", "Could you spell the name part?"),
          ("customer", "juliet, dash, mike, oscar, oscar, romeo, echo")], "en"),
        ([("agent", "Ваша почта?"), ("customer", "вэ точка сидоров собака мейл точка ру"),
          ("agent", "По буквам, пожалуйста."),
          ("customer", "вэ как Виктор, точка, Сергей, Иван, Дмитрий, Ольга, Роман, Ольга, Виктор")], "ru"),
    ],
)  # fmt: skip
def test_an_address_spelled_in_an_alphabet_with_its_dash_or_dot_said(turns, language):
    assert _texts(turns, language)[-1] == "[EMAIL]"


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # names that are alphabet words after an address, spelling no part of it, stay
        ([("agent", "What's your email?"), ("customer", "it's j dash moore at gmail dot com"),
          ("agent", "Who referred you?"),
          ("customer", "Victor, Oscar and Mike from sales, for order 5561 2290")], "en"),
        ([("agent", "Ваша почта?"), ("customer", "вэ точка сидоров собака мейл точка ру"),
          ("agent", "Кто вам звонил?"), ("customer", "Виктор, дефис, Ольга и Мария из отдела продаж")], "ru"),
    ],
)  # fmt: skip
def test_alphabet_names_after_an_address_that_spell_nothing_stay(turns, language):
    assert _texts(turns, language)[-1] == turns[-1][1]


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        # the last four of the caller's phone asked to check who calls: a piece of their number
        ([("agent", "To confirm it's you, what are the last four of your phone number?"),
          ("customer", "eight two one nine")], "en", "[PHONE]"),
        ([("agent", "Назовите последние четыре цифры вашего номера телефона."),
          ("customer", "три три восемь один")], "ru", "[PHONE]"),
        # an identity document's last four: a policy's too
        ([("agent", "Назовите последние четыре цифры полиса ОМС."), ("customer", "6604")], "ru", "[ID]"),
    ],
)  # fmt: skip
def test_the_last_four_of_a_phone_or_a_policy_asked_for(turns, language, stored):
    assert _texts(turns, language)[-1] == stored


def test_the_last_four_of_a_card_asked_for_stay():
    turns = [("agent", "What are the last four of the card you paid with?"), ("customer", "it ends 4417")]
    assert _texts(turns)[-1] == "it ends 4417"


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        # a part of a number just redacted, said again with its place named
        ([("agent", "What's your passport number?"), ("customer", "it's 511 402 873"), ("agent", "one sec"),
          ("customer", "the last four are two eight seven three, to be clear")], "en",
         "the last four are [ID], to be clear"),
        ([("agent", "Назовите номер СНИЛС."), ("customer", "112-233-445 95"), ("agent", "Секунду."),
          ("customer", "и последние четыре: четыре пять девять пять, если нужно")], "ru",
         "и последние четыре: [ID], если нужно"),
    ],
)  # fmt: skip
def test_a_part_of_a_redacted_number_said_again_by_its_place(turns, language, stored):
    assert _texts(turns, language)[-1] == stored


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # a card's last four said again stay (no PII), as do another number's last four and a price
        ([("agent", "What card is it?"), ("customer", "4111 1111 1111 1111"), ("agent", "thanks"),
          ("customer", "and the last four are one one one one, the Visa")], "en"),
        ([("agent", "What's your passport number?"), ("customer", "it's 511 402 873"), ("agent", "one sec"),
          ("customer", "the last four of my order are 5512, and it cost 2873 dollars")], "en"),
        ([("agent", "Назовите номер СНИЛС."), ("customer", "112-233-445 95"), ("agent", "Спасибо."),
          ("customer", "последние четыре дня я ждала, заплатила 4 595 рублей")], "ru"),
    ],
)  # fmt: skip
def test_a_part_named_by_its_place_that_says_no_redacted_number_stays(turns, language):
    assert _texts(turns, language)[-1] == turns[-1][1]


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        # a payroll desk asks for the account pay goes to: a bank account; its digits led by "oh"
        ([("agent", "Payroll here. And the account number?"),
          ("customer", "it's seven oh two five five one nine three four one")], "en", "it's [ID]"),
        ([("agent", "Зарплату переводим на карту или счёт. Номер счёта?"),
          ("customer", "40817810099910004312")], "ru", "[ID]"),
    ],
)  # fmt: skip
def test_an_account_asked_for_by_a_payroll_desk_is_a_bank_account(turns, language, stored):
    assert _texts(turns, language)[-1] == stored


def test_an_account_asked_for_by_a_shop_stays_a_reference():
    turns = [("agent", "Thanks for your order. And the account number?"),
             ("customer", "it's seven oh two five five one nine three four one")]  # fmt: skip
    assert _texts(turns)[-1] == turns[-1][1]


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        # a robot reads back what its own prompt asked to key in: that kind, in the same breath or the next
        ([("agent", "To verify your identity, enter your social security number, then press hash. "
                    "You have entered: two one nine, four four, seven zero eight one. "
                    "Press one to confirm.")],
         "en", "To verify your identity, enter your social security number, then press hash. "
               "You have entered: [ID]. Press one to confirm."),
        ([("agent", "Please enter your passport number."),
          ("agent", "Thank you. You entered: 5 1 8, 2 0 7, 4 4 6. Press one to continue.")],
         "en", "Thank you. You entered: [ID]. Press one to continue."),
        ([("agent", "Please key in your mobile number and press the pound key."),
          ("agent", "You entered 0 7912 448 306. To confirm, press one.")],
         "en", "You entered [PHONE]. To confirm, press one."),
        ([("agent", "Введите ИНН и нажмите решётку."),
          ("agent", "Спасибо. Вы ввели семь семь ноль, два четыре один, восемь восемь три, "
                    "ноль два восемь.")],
         "ru", "Спасибо. Вы ввели [ID]."),
        ([("agent", "Для проверки введите серию и номер паспорта."),
          ("agent", "Вы набрали четыре пять, один ноль, два девять три, семь один шесть. Верно?")],
         "ru", "Вы набрали [ID]. Верно?"),
    ],
)  # fmt: skip
def test_a_robot_s_read_back_is_the_number_its_prompt_asked_for(turns, language, stored):
    assert _texts(turns, language)[-1] == stored


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # a robot reading back an order, an amount or a date stays
        ([("agent", "Please enter your order number followed by the pound key."),
          ("agent", "You entered: 4 4 0 1 7 2 9 3. If this is correct, press one.")], "en"),
        ([("agent", "Enter the amount you wish to pay."), ("agent", "You entered: 1 250 dollars 40 cents.")],
         "en"),
        ([("agent", "Введите номер заказа."),
          ("agent", "Вы ввели 5 5 1 2 7 7 3 0 1. Если верно, нажмите один.")], "ru"),
        ([("agent", "Введите дату рождения."), ("agent", "Вы ввели 14.03.1987. Если верно, нажмите один.")],
         "ru"),
        ([("agent", "Введите сумму платежа."), ("agent", "Вы ввели две тысячи четыреста рублей.")], "ru"),
    ],
)  # fmt: skip
def test_a_robot_s_read_back_of_a_reference_or_an_amount_stays(turns, language):
    assert _texts(turns, language)[-1] == turns[-1][1]


@pytest.mark.parametrize(
    ("said", "language", "stored"),
    [
        # the line a robot sees the caller on is a phone; "calling from" a place is no number
        ("We can see you are calling from 0 7700 918244. Press two to use another number.", "en",
         "We can see you are calling from [PHONE]. Press two to use another number."),
        ("I see you're calling from 312 448 0917, is that the best number?", "en",
         "I see you're calling from [PHONE], is that the best number?"),
        ("I'm calling from Leeds about order 5510 2283.", "en", None),
        ("Вижу, вы звоните с номера 8 921 440 17 36.", "ru", "Вижу, вы звоните с номера [PHONE]."),
    ],
)  # fmt: skip
def test_a_line_the_caller_is_calling_from_is_a_phone(said, language, stored):
    assert _texts([("agent", said)], language)[-1] == (stored or said)


@pytest.mark.parametrize(
    ("turns", "stored"),
    [
        # a Russian group "одиннадцать сорок три" in a dictation is 11 43, not a price to keep in words
        ([("agent", "Назовите номер счёта для возврата, банк Сбербанк."),
          ("customer", "сорок восемьдесят один, 7810, 3300, 1207, двенадцать шестьдесят пять")], "[ID]"),
    ],
)  # fmt: skip
def test_the_last_group_of_a_russian_dictation_said_in_words_goes_with_it(turns, stored):
    assert _texts(turns, "ru")[-1] == stored


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        # the caller names whose identity number it is and hands the phone over: the relative's digits are it
        ([("customer", "Паспорт не мой, а сына. Он рядом, сейчас продиктует."),
          ("customer", "Алло. Сорок шесть ноль девять, двести двенадцать триста восемьдесят пять.")], "ru",
         "Алло. [ID]."),
        ([("customer", "Это СНИЛС мамы, дам ей трубку."), ("customer", "Да, 112-233-445 95.")], "ru",
         "Да, [ID]."),
        ([("customer", "The social is my wife's, she's right here."),
          ("customer", "Hello? Sure, it's four one two, sixty-six, oh nine three eight.")], "en",
         "Hello? Sure, it's [ID]."),
        ([("customer", "It's my dad's passport, let me put him on."),
          ("customer", "Hi, yes, 5 4 8 2 0 3 7 1 6.")], "en", "Hi, yes, [ID]."),
    ],
)  # fmt: skip
def test_a_relative_handed_the_phone_says_the_number_named_before(turns, language, stored):
    assert _texts(turns, language)[-1] == stored


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # the phone handed over with no identity number named, or the relative saying an order or a price
        ([("customer", "Муж рядом, сейчас продиктует."),
          ("customer", "Алло. Заказ 5512 7730 1, оплачен 14.03.")], "ru"),
        ([("customer", "Это паспорт дочери, она рядом."),
          ("customer", "Алло. Номер заказа 4417 2290 5.")], "ru"),
        ([("customer", "My husband handles the bills, he's right here."),
          ("customer", "Hi, the invoice was 1 240 dollars on 03/14/2025.")], "en"),
        ([("customer", "It's my son's social, hang on."),
          ("customer", "Hi. Our hotline is 1-800-555-0199, 24/7.")], "en"),
    ],
)  # fmt: skip
def test_a_relative_handed_the_phone_saying_a_reference_keeps_it(turns, language):
    assert _texts(turns, language)[-1] == turns[-1][1]


@pytest.mark.parametrize(
    ("turns", "language", "stored"),
    [
        # a number said in a long breath partly as numbers, partly as dictated groups, read back in digits
        ([("customer", "I gave them my passport number, seven oh one, three eighty-four, two hundred "
                       "fifty-nine, and nothing. Order 55102938 for $1,200 never came, I rang 1-877-302-4411 "
                       "and waited twenty minutes."),
          ("agent", "Let me read that back: 701384259.")], "en", "Let me read that back: [ID]."),
        # a National Insurance number read back with an "oh" for its zero: five digits and the "oh"
        ([("customer", "My National Insurance number is P R four oh one nine two seven B."),
          ("agent", "So that's P R, four oh, one nine, two seven, B?")], "en", "So that's [ID]?"),
    ],
)  # fmt: skip
def test_a_read_back_of_a_number_said_in_mixed_words_or_with_an_oh(turns, language, stored):
    assert _texts(turns, language)[-1] == stored


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # an order read back after a passport in the same breath, a letter and digits that are no NI number
        ([("customer", "Паспорт я им называла, а заказ у меня 7712 4409 5."),
          ("agent", "Записала заказ 7712 4409 5.")], "ru"),
        ([("customer", "Flight B A four oh one, gate 12, then seat 14 C."),
          ("agent", "Got it, B A four oh one.")], "en"),
    ],
)  # fmt: skip
def test_a_read_back_of_a_reference_stays(turns, language):
    assert _texts(turns, language)[-1] == turns[-1][1]


_HALLUCINATION = {"no_speech_prob": 0.8, "avg_logprob": -1.1}


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # Whisper's text on the silence between the pieces of a dictated number (dropped as noise) is no
        # end of the number: its pieces are read together, in the stored segments too
        ([("agent", "Продиктуйте номер вашего счёта, двадцать цифр."),
          ("customer", "40817, 810..."),
          ("customer", "Продолжение следует...", _HALLUCINATION),
          ("customer", "7, 2435, 6214380.")], "ru"),
        ([("agent", "Продиктуйте ИНН физического лица, двенадцать цифр."),
          ("customer", "Так, сейчас, достану..."),
          ("customer", "ПОДПИСЫВАЙТЕСЬ НА КАНАЛ!", _HALLUCINATION),
          ("customer", "Спасибо за просмотр!", _HALLUCINATION),
          ("customer", "семьдесят семь сорок семь, пятьдесят один шестьдесят семь, "
                       "сорок четыре ноль шесть.")],
         "ru"),
        ([("agent", "What's your phone number?"),
          ("customer", "07730..."),
          ("agent", "Thank you for watching!", _HALLUCINATION),
          ("customer", "604613.")], "en"),
    ],
)  # fmt: skip
def test_a_number_split_by_a_hallucination_on_the_silence_is_redacted_whole(turns, language):
    stored = _texts(turns, language)
    said = [t[1] for t in turns]
    for text, original in zip(stored, said, strict=True):
        if original[:1].isdigit() or "семьдесят" in original:
            assert not re.search(r"\d{2}|семьдесят", text), stored


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # a reference asked for, read in two breaths (a hallucination between or not): ten digits in a
        # passport's shape only by chance
        ([("agent", "Назовите номер договора."), ("customer", "Сейчас... 2307..."),
          ("customer", "Продолжение следует...", _HALLUCINATION), ("customer", "Дальше 216876.")], "ru"),
        ([("agent", "Назовите номер договора."), ("customer", "Сейчас... 2307..."),
          ("customer", "Дальше 216876.")], "ru"),
        ([("agent", "What's the contract number?"), ("customer", "Okay... 2822..."),
          ("agent", "Thank you for watching!", _HALLUCINATION), ("customer", "Then 182010.")], "en"),
    ],
)  # fmt: skip
def test_a_reference_asked_for_in_breaths_over_a_hallucination_stays(turns, language):
    assert _texts(turns, language) == [t[1] for t in turns]


def test_a_doubted_breath_of_an_address_is_no_noise():
    # "dot..." Whisper doubted (no_speech) is a piece of the address, not its noise on a silence
    turns = [
        ("agent", "What's your email?"),
        ("customer", "Uh, dustin..."),
        ("customer", "dot...", _HALLUCINATION),
        ("customer", "pruitt..."),
        ("customer", "at outlook dot com."),
    ]
    assert "pruitt" not in " ".join(_texts(turns))


@pytest.mark.parametrize(
    ("turns", "language", "gone"),
    [
        # the layout said aloud between the groups reads as their separators
        ([("agent", "Ваш мобильный?"),
          ("customer", "8, открываем скобку, 980, закрываем скобку, 948, чёрточка, 86, чёрточка, 84.")],
         "ru", "948"),
        ([("agent", "Назовите СНИЛС."),
          ("customer", "сто тридцать четыре, чёрточка, сто шестьдесят два, чёрточка, восемьсот семьдесят "
                       "шесть, и через пробел сорок восемь.")], "ru", "сорок"),
        ([("agent", "Серия и номер паспорта?"),
          ("customer", "Серия 52, 21, дальше значок номера и 162209.")], "ru", "162209"),
        ([("agent", "And your social security number?"),
          ("customer", "six hundred and seventy-four hyphen twenty hyphen eighty-nine twenty-eight.")],
         "en", "twenty"),
        ([("agent", "The card number, please."),
          ("customer", "two two zero zero dash twenty-seven twenty-seven dash forty-four eighty-eight dash "
                       "thirty-nine zero zero.")], "en", "forty"),
        ([("agent", "Can I have your passport number?"), ("customer", "688, space, 070, space, 787.")],
         "en", "070"),
    ],
)  # fmt: skip
def test_the_layout_said_aloud_separates_the_groups(turns, language, gone):
    stored = _texts(turns, language)[-1]
    assert "[" in stored and gone not in stored, stored


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Номер договора: 74, дробь, 6752, тире, 25, от 9 апреля 2025.", "ru"),
        ("The invoice was INV, dash, 3702512, for six thousand dollars.", "en"),
        ("Мой адрес ivan точка petrov собака mail точка ru, это рабочий.", "ru"),
    ],
)
def test_the_layout_said_aloud_in_a_reference_keeps_it(text, language):
    turns = [("agent", "Слушаю вас." if language == "ru" else "How can I help?"), ("customer", text)]
    stored = _texts(turns, language)[-1]
    assert "[ID]" not in stored and "[PHONE]" not in stored and "[CARD]" not in stored, stored


@pytest.mark.parametrize(
    "text",
    [
        "Спасибо за просмотр и подписывайтесь на канал!",  # two stock phrases in one
        "Please subscribe to my channel.",
    ],
)
def test_stock_phrases_run_together_are_a_hallucination(text):
    assert drop_reason(seg(text, no_speech_prob=0.1, avg_logprob=-0.3)) == "hallucination"


def test_a_bare_you_is_a_hallucination_only_when_whisper_doubted_it():
    # the word Whisper writes most often on a silence; said, surely, it is a short answer
    assert drop_reason(seg("you", no_speech_prob=0.74, avg_logprob=-0.99)) == "hallucination"
    assert drop_reason(seg("You.", no_speech_prob=0.05, vad_speech=0.9)) != "hallucination"


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # the agent holds the line between two pieces (their words, the queue's recording, their return)
        ([("agent", "Назовите номер карты, пожалуйста."), ("customer", "5469 3800..."),
          ("agent", "Одну минуту, программа зависла, не кладите трубку."),
          ("agent", "Ваш звонок очень важен для нас, оставайтесь на линии."),
          ("agent", "Продолжение следует...", _HALLUCINATION),
          ("agent", "Спасибо за ожидание, слушаю вас."), ("customer", "1234 5673.")], "ru"),
        ([("agent", "Can I get your phone number?"), ("customer", "six one seven, four nine two..."),
          ("agent", "Sorry, my screen froze, please hold for a moment."),
          ("agent", "Thank you for your patience."), ("customer", "eighty-three fifty.")], "en"),
        # the line checked, the rest after a few words about it
        ([("agent", "Продиктуйте СНИЛС."), ("customer", "218-407..."), ("agent", "Алло, вас плохо слышно."),
          ("customer", "Да, извините, тут связь плохая. Дальше: 356 58.")], "ru"),
        ([("agent", "What's your Social Security number?"), ("customer", "five two one, four four..."),
          ("agent", "Hello? Can you hear me?"),
          ("customer", "Yes, sorry about that. Then three two one nine.")], "en"),
    ],
)  # fmt: skip
def test_a_number_over_a_hold_or_a_line_check_is_redacted_whole(turns, language):
    stored = _texts(turns, language)
    assert not re.search(r"\d{2}|four|nine|fifty", " ".join(stored[1:])), stored


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # the caller stalls to look for it, Whisper writes its noise on the silence, then the answer
        ([("agent", "Could I have your passport number?"), ("customer", "Bear with me, let me find it..."),
          ("customer", "[BLANK_AUDIO]", _HALLUCINATION),
          ("customer", "Right, here it is. five three one, two oh eight, seven seven four.")], "en"),
        ([("agent", "Назовите серию и номер паспорта."), ("customer", "Минуточку, сейчас достану..."),
          ("customer", "Спасибо за просмотр и подписывайтесь на канал!", _HALLUCINATION),
          ("customer", "Вот: сорок пять одиннадцать, двести три девятьсот сорок восемь.")], "ru"),
    ],
)  # fmt: skip
def test_the_answer_after_a_stall_to_find_it_is_the_number_asked_for(turns, language):
    assert _texts(turns, language)[-1].endswith("[ID].")


def test_a_number_after_the_asked_one_was_taken_down_is_no_answer_to_it():
    turns = [
        ("agent", "Could I have your driver's license number?"),
        ("customer", "It's 4412 7790 31."),
        ("agent", "Got it, thank you."),
        ("customer", "And the code on my voucher is 448 120 55."),
    ]
    assert _texts(turns)[-1] == turns[-1][1]


def test_a_hotline_said_in_words_after_an_identity_number_stays():
    turns = [
        ("customer", "My policy number is H 7736 2291, can you check it?"),
        ("agent", "Sure. For anything else, call us at one, eight hundred, 642, 7730."),
    ]
    assert _texts(turns)[-1] == turns[-1][1]


def test_a_phone_the_dictated_reading_garbles_is_read_as_numbers():
    # the card needs the dictated reading ("eighty, ninety-five"), which reads the phone after it as
    # "2 00 12, 5 00 and 41": that part is read as numbers, and redacted
    said = (
        "To recap: the refund goes to the card forty-five double oh, twelve thirty-four, fifty-six seventy, "
        "eighty, ninety-five, and we'll ring you on two hundred twelve, five hundred and forty-one, "
        "thirty-three ninety."
    )
    out = filter_transcript(make_transcript_from_turns("recap", [("agent", said)]))
    assert out["transcript"]["segments"][0]["text"] == (
        "To recap: the refund goes to the card [CARD], and we'll ring you on [PHONE]."
    )
    assert out["pii"] == {"CARD": 1, "PHONE": 1}


def test_word_timestamps_of_a_redacted_segment_are_not_stored():
    """With CALLSTREAM_WHISPER_KEEP_WORDS the words spell the text: the filter replaced the text and
    copied the words, so raw cards reached calls.scored and dead letters (security review)."""

    def words(text: str) -> list[dict[str, Any]]:
        return [
            {"word": f" {w}", "start": i * 0.4, "end": i * 0.4 + 0.3, "probability": 0.9}
            for i, w in enumerate(text.split())
        ]

    card = "My card number is 4111 1111 1111 1111 thanks."
    plain = "I would like the pro plan please."
    transcript = make_transcript_from_turns("words", [("customer", card), ("agent", plain)])
    for s in transcript["segments"]:
        s["words"] = words(s["text"])
    transcript["dropped_segments"] = [
        seg("my passport is 4510 123456 and card 5500 0000 0000 0004", index=9, start=60.0, end=62.0)
        | {"channel": 1, "kept": False, "drop_reason": "past_end", "words": words("5500 0000 0000 0004")}
    ]
    out = filter_transcript(transcript)["transcript"]
    redacted, kept = out["segments"]
    assert "[CARD]" in redacted["text"] and redacted["words"] is None
    assert kept["text"] == plain and kept["words"] == words(plain)  # nothing redacted: they stay
    [dropped] = out["dropped_segments"]
    assert "5500" not in dropped["text"] and dropped["words"] is None


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        # Whisper's slashes between the groups
        ([("agent", "Какой у вас мобильный?"), ("customer", "Пишите: 8/916/204/55/13.")], "ru"),
        ([("agent", "Назовите номер счёта для возврата."),
          ("customer", "Так, 40817/810/5/4201/2345678.")], "ru"),
        # the groups joined by "дальше", "и" after a pause
        ([("agent", "Продиктуйте номер счёта, двадцать цифр."),
          ("customer", "четыреста восемь семнадцать восемьсот десять, дальше пять, и сорок два, "
                       "ноль двенадцать тридцать четыре, пятьдесят шесть семьдесят восемь.")], "ru"),
        # more of the layout said: "then a space, then", "the rest with no spaces", letters spelled apart
        ([("agent", "What's your mobile number?"),
          ("customer", "oh seven seven two one, then a space, then 483 920.")], "en"),
        ([("agent", "Can you read me your IBAN?"),
          ("customer", "NL 91, then the rest with no spaces: ABNA0417164300.")], "en"),
        ([("agent", "Can you read me your IBAN?"),
          ("customer", "N L ninety-one, dash, A B N A, dash, oh four one seven, dash, sixteen forty-three, "
                       "dash, 00.")], "en"),
        # a phone's first group written as a time
        ([("agent", "What's the best number to call you back on?"),
          ("customer", "Sure, 3:12, 496, 0187.")], "en"),
    ],
)  # fmt: skip
def test_whisper_shapes_and_the_layout_said_of_a_dictated_number_are_read_through(turns, language):
    stored = _texts(turns, language)[-1]
    assert "[" in stored and not re.search(r"\d{2}|seven|sixteen|сорок|ABNA|A B N A", stored), stored


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        ([("agent", "Когда был заключён договор?"),
          ("customer", "Договор 47/9382/24 от 12/10/2024, оплата 03/2025.")], "ru"),
        ([("agent", "When can we call you back?"),
          ("customer", "Tomorrow, 3:15, 496 people will be there.")], "en"),
        ([("agent", "Когда удобно перезвонить?"),
          ("customer", "Завтра, в 10:30, 250 рублей я уже оплатила.")], "ru"),
    ],
)  # fmt: skip
def test_slashes_and_times_that_are_no_dictated_number_stay(turns, language):
    assert _texts(turns, language)[-1] == turns[-1][1]


def test_a_document_read_by_its_numbered_fields_keeps_them_apart_from_the_number():
    turns = [
        ("agent", "Назовите серию и номер водительского удостоверения."),
        ("customer", "Читаю по пунктам: 4a — 12.03.2021, 4b — 12.03.2031, 5 — 99, 12, тридцать четыре "
                     "пятьдесят шесть семьдесят восемь."),
    ]  # fmt: skip
    assert _texts(turns, "ru")[-1] == "Читаю по пунктам: 4a — 12.03.2021, 4b — 12.03.2031, 5 — [ID]."


@pytest.mark.parametrize(
    ("turns", "stored"),
    [
        ([("agent", "And your member ID?"), ("customer", "Yes, it's Aetna now, member ID W 585 686 961.")],
         "Yes, it's Aetna now, member ID [ID]."),
        ([("agent", "And your member ID?"),
          ("customer", "Member ID X J H, seven eight five, seven zero nine, three nine zero.")],
         "Member ID [ID]."),
        ([("agent", "And your driver's license number?"), ("customer", "It's H 115 0959.")], "It's [ID]."),
    ],
)  # fmt: skip
def test_the_letters_an_id_starts_with_go_into_its_placeholder(turns, stored):
    filtered = filter_transcript(make_transcript_from_turns("n", turns, "en"))
    assert filtered["transcript"]["segments"][-1]["text"] == stored
    assert filtered["pii"] == {"ID": 1}


def test_an_address_taken_back_leaves_none_of_its_words():
    turns = [
        ("agent", "What's the new email?"),
        ("customer", "It's john dot smith... no wait, sorry, that's my old one. "
                     "It's j smith eighty four at outlook dot com."),
    ]  # fmt: skip
    filtered = filter_transcript(make_transcript_from_turns("n", turns, "en"))
    assert filtered["transcript"]["segments"][-1]["text"] == (
        "It's [EMAIL], no wait, sorry, that's my old one. It's [EMAIL]."
    )
    assert filtered["pii"] == {"EMAIL": 1}
