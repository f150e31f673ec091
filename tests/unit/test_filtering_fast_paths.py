"""processors.filtering: each fast path gives what the plain code it stands for gives."""

from __future__ import annotations

import random
import sys

from processors import filtering as f
from processors import pii
from processors.text import WORD_RE
from streams.bench_text import make_long_transcript, vary

EDGES = [
    "Okay, 5753.", "Так, двадцать два ноль ноль.", "the next four are 1621", "Первые четыре 4276",
    "Ээ, собака мейл точка ру", "э-э, 45", "ok1 two", "ſo, 55 12", "K, 45 12", "İ said 45",
    "No, I said, 263.",
    "Thanks, bye.", "Yeah, sorry, bad signal. Then 1983.", "Да, слышу. Дальше: 2, 3682", "and then 45",
    "  so, at gmail", ", 55", "четвёртые две 12", "И последние пять две девятки три", "Um, nine one seven",
    "Thank you for watching!", "♪ Music ♪", "www.mooji.org", "Спасибо за просмотр!", "Goodbye.", "Bye.",
    "Ставьте лайки и подписывайтесь на канал!", "До свидания.", "[MUSIC]", "Продолжение следует...",
]  # fmt: skip


def _texts() -> list[str]:
    rng = random.Random(3)
    calls = [vary(make_long_transcript(f"fp{i}", rng, "en" if i % 2 else "ru"), rng) for i in range(6)]
    return EDGES + [s["text"] for call in calls for s in call["segments"]]


def test_the_first_word_gate_skips_only_texts_no_lead_starts():
    gated = 0
    for text in _texts():
        first = f._PLAIN_FIRST_WORD.match(text)
        word = first.group().lower() if first is not None else ""
        if word and word not in f._LEAD_WORDS and word.strip("э"):
            gated += 1
            # what _lead_end skips for such a text: both patterns match nothing there
            assert f._GROUP_LEAD.match(text).end() == 0, text
            assert f._FILLER_LEAD.match(text).end() == 0, text
    assert gated > 100


def test_a_text_with_no_digit_nor_a_word_a_lead_is_read_to_has_no_lead():
    # what _redact_seams skips for such a text: _lead_end, whoever asked what
    texts = [*_texts(), "Так²", "Ну, ²³", "so, at gmail", "Okay, ok_5", "So, @ gmail", "Да. Потомок"]
    unled = 0
    for text in texts:
        words = WORD_RE.findall(text.lower())
        if f._NUMBERISH.isdisjoint(words) and f._unled(text, words):
            unled += 1
            for asked_on in (None, lambda: True, lambda: False):
                assert f._lead_end(text, asked_on) == 0, text
    assert unled > 100


def test_every_digit_is_a_lower_case_word_character():
    # what _unled reads a digit by: its words are not all letters
    digits = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isdigit()]
    assert all(c.lower() == c and WORD_RE.fullmatch(c) for c in digits)
    assert not f._unled("Так²", WORD_RE.findall("так²"))


def test_a_text_with_no_digit_nor_number_word_is_redacted_alike_without_the_readings_again():
    # what _judge skips for such a text: _redact's readings again, the card answer, the ID check
    options = f.FilterOptions()
    asked = [{"role": "agent", "text": "Can I get the card number, please?"}]
    texts = [*_texts(), "Пишите: ivan ᲃобака mail ᲄочка ru, спасибо", "ivan, um, petrov ᲃобака mail ᲄочка ru"]
    bare = 0
    for text in texts:
        words = WORD_RE.findall(text.lower())
        if f._NUMBERISH.isdisjoint(words) and f._unled(text, words):
            bare += 1
            assert f._redact(text, options, words, None, True) == f._redact(text, options, words), text
            assert not f._card_answer(text, asked, "customer", True), text
            assert not f._may_be_id(text, words), text
    assert bare > 100


def test_a_seam_between_texts_with_no_digit_nor_number_word_joins_nothing():
    # what _redact_seams skips for such a pair: _seam, _series_letters_between, _says_number
    texts = [
        *_texts(),
        "МН...",
        "A B C.",
        "AB",
        "Okay.",
        "No.",
        "For",
        "Ivan_dot",
        "Да, ивана",
        "Mr. Ivan",
        "Thanks for",
    ]
    unled = [t for t in texts if f._NUMBERISH.isdisjoint(w := WORD_RE.findall(t.lower())) and f._unled(t, w)]
    assert len(unled) > 100
    shorts = [t for t in unled if len(t) <= f._SERIES_CHARS]
    assert "МН..." in unled and "AB" in unled
    for text in unled:
        head = f._head(text)
        assert not f._says_number(text, head), text
        for before in unled[:: max(1, len(unled) // 60)] + shorts:
            assert not f._series_letters_between(before, text, head), (before, text)
            if head not in f._HOMOPHONES:
                assert not f._seam(before, head), (before, text)


def test_a_letter_no_homophone_starts_with_starts_none_in_any_case():
    starts = {w[0] for w in f._HOMOPHONES}
    letters = (chr(i) for i in range(sys.maxunicode + 1))
    assert {c for c in letters if c.isalpha() and c.lower()[0] in starts} <= set(f._HOMOPHONE_STARTS)


def test_a_bare_text_told_unredacted_is_what_redact_leaves_it():
    # what _judge skips for such a text: _redact, and redact's scan with the digits and spoken "at"
    texts = [
        *_texts(),
        "What's the CVV on the back?",
        "Назовите три цифры на обороте.",
        "The security code, please.",
        "через пробел, пожалуйста",
        "ivan собачкой gmail.com",
        "Пишите: ivan ᲃобака mail ᲄочка ru, спасибо",
    ]
    options = [
        f.FilterOptions(),
        *(f.FilterOptions(pii=pii.PiiOptions(**{k: False})) for k in ("enabled", "emails")),
    ]
    told = 0
    for text in texts:
        words = WORD_RE.findall(text.lower())
        if not (f._NUMBERISH.isdisjoint(words) and f._unled(text, words)):
            continue
        found = pii._ANY_TO_REDACT.search(text) is not None
        assert (pii.ANY_TO_REDACT_WITHOUT_DIGITS.search(text) is not None) == found, text
        for option in options:
            if f._unredacted(text, words, option):
                told += 1
                assert f._redact(text, option, words, None, True) == (text, {}), text
                assert f._redact(text, option, words) == (text, {}), text
    assert told > 100


def test_a_short_texts_remembered_verdict_is_the_segments_own():
    options = f.FilterOptions()
    for text in _texts():
        for nsp, vad in ((None, None), (0.9, None), (0.9, 0.2), (0.9, 0.8), (0.1, None)):
            seg = {"text": text, "no_speech_prob": nsp, "vad_speech": vad}
            first = f._hallucination(seg, options)
            again = f._hallucination(seg, options)  # from the memo
            plain = f._hallucination(seg, f.FilterOptions())  # fresh options: computed
            assert first == again == plain, (text, nsp, vad)


def test_a_text_known_to_have_no_number_word_says_no_number_as_split():
    for text in _texts():
        if f._NUMBERISH.isdisjoint(WORD_RE.findall(text.lower())):
            head = f._head(text)
            assert f._says_number(text, head, {text}) == f._says_number(text, head), text


def test_a_card_answer_is_told_alike_with_the_plain_flag():
    asked = [{"role": "agent", "text": "Can I get the card number, please?"}]
    texts = [*_texts(), "4111 1111 1111 1111", "four one one one, 1111 1111 1111", "It's on the back."]
    for text in texts:
        if f._NUMBERISH.isdisjoint(WORD_RE.findall(text.lower())):
            assert f._card_answer(text, asked, "customer", True) == f._card_answer(text, asked, "customer"), (
                text
            )


def test_a_spoken_address_is_found_in_english_and_russian_text():
    # the ASCII gate of _redact reads "dot" case-insensitively, as the pattern does
    for text in (
        "it's ivan at gmail DOT com ok",
        "linda at, um, mailbox Period com now",
        "иван собака мейл точка ру",
    ):
        assert f._SPOKEN_EMAIL.search(text) is not None
        options = f.FilterOptions()
        assert f._redact(text, options)[1].get("EMAIL"), text
