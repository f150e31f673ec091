"""Filter stage: mark every segment kept or dropped, with the reason, so BI can audit each decision.

Every segment stays in the record (and in ``call_segments``) with ``kept``/``drop_reason``; only
the kept ones reach compression and the rule metrics. Reasons, tried in this order:

- ``empty``: no letter or digit at all.
- ``hallucination``: text Whisper writes on silence or music, learnt from subtitled video
  ("Продолжение следует...", "Субтитры сделал DimaTorzok", "Thank you for watching!", "[MUSIC]",
  "Добро пожаловать на наш канал"): the whole segment is one of ``hallucinations``, a web address
  alone ("www.mooji.org"; not after a turn naming a site or link: a dictated address), or holds a
  subtitle credit; a closing ("Thank you.", "Спасибо.") only when Whisper's no-speech probability
  is high and VAD heard no speech. Asked before the two below, whatever Whisper's doubt: BI counts
  a stock phrase as a hallucination, not as silence.
- ``no_vad``: Silero VAD heard speech under less than ``min_vad_speech`` of the segment's time
  (``vad_speech``). When VAD did not run, or heard speech under less than half of it (breath,
  music, line noise fire it too), Whisper's own pair decides: ``no_speech`` when
  ``no_speech_prob`` is high *and* ``avg_logprob`` low (the thresholds Whisper uses to skip
  silent windows; either one alone is not enough). A breath so doubted that goes on (or starts) a
  number the same speaker's kept breaths dictate ("заказ номер 412..." / "307..." / "95.") is kept
  with them: the LLM reads the whole number.
- ``filler``: nothing left once filler words/phrases are removed ("угу", "ага", "да-да", "мм",
  "uh-huh", "okay", "one second", "секундочку", ...), unless it answers the other speaker's
  question or the agent's proposal (then "okay" / "да" is an agreement and is kept).
- ``short``: fewer than ``min_words`` words and no reason to keep it. A short turn is kept when it
  holds a number (a digit's noun too: "тройка."), a negation or refusal ("no", "нет", "не надо"),
  an explicit agreement ("I agree", "согласен", "deal"), an action ("send it", "отправьте
  договор", "подождите"), a question, a politeness marker (greeting, thanks, goodbye: scoring
  needs them), an outcome, state or attitude ("Still nothing.", "It works!", "Same error.", "Too
  late.", "Whatever.", "Без изменений.", "Заработало!", "Поздно.", "Всё равно."), a key fact
  (objection, commitment, legal word), a confirmation repeating the other speaker's verb ("Вы
  оставляли заявку на замер." / "Да, оставлял."), a word that states something (one outside
  ``empty_words``, the fillers and the answer words, not only echoing the other speaker: "Интернет
  пропал.", "Деньги списали.", "Router died."; not "Got it.", "Ага, ясно."), or when it answers the
  other speaker's question or the agent's proposal (a name, a place, a choice: "Сергей.", "Monthly.",
  "Верно.").
- ``repeat``: the same text as the same speaker's previous kept segment, nobody else in between
  (Whisper looping on hold music); the first copy stays.

The other speaker's previous kept turn is a question when it holds a "?", and a proposal when
the agent said it with a number (a price) or an offer or commitment ("оформляю вам тариф за 2990
рублей.", "I'll set you up on the pro plan."): a bare "Хорошо." / "Sure." after it is consent. A
backchannel ("Mm-hmm.", "Мм-хм.") is consent after a question or an action the agent announces in
words ("We'll charge your card now."), the same as "Okay."; after a price stated alone it listens.

Repeats are collapsed ("да-да-да-да" → "да", "yeah yeah yeah" → "yeah") before judging a turn, so
"да-да-да" is a filler like "да"; the segment itself keeps its words as said (compression collapses
them in the LLM's text), so ``call_segments`` is the original. Every segment, kept or dropped, is
PII-redacted (``processors.pii``), so neither the LLM nor ClickHouse sees raw personal data.
PII said in words ("восемь девятьсот шестнадцать ...") is looked for once more after number words
become digits; when that finds more, the segment is stored with its number words as digits and the
PII redacted ("[PHONE]"). PII that Whisper cut across segments of one speaker (a pause in a
dictated number, the other speaker's echo of a group between) is found on the pieces joined, and
each piece stores the placeholder. Digits answering the other speaker's request for an identity
number ("Could you give me your driver's license number?") are that number. Digits that say again
a number redacted just before (repeated, read back, also with one digit misheard, a group echoed
while it is dictated, a corrected group) take its placeholder.
Counts: ``dropped`` by reason, ``pii`` by placeholder type.

What the ASR guards dropped (``Transcript.dropped_segments``: ``past_end``, ``repetition``,
``no_vad_speech``) is passed through for ``call_segments``: PII-redacted, dropped with the guard's
reason, never judged again and not counted here (``Transcript.dropped`` counts it).
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import chain, pairwise
from typing import Any

from processors.keyfacts import AGREEMENT, COMMITMENT, signals
from processors.numbers import (
    DIGIT_NOUN,
    DIGIT_NOUNS,
    NUMBER_WORD,
    NUMBER_WORDS,
    alternation,
    dictated_digits,
    dictated_pieces,
    expand_repeats,
    normalise_numbers,
)
from processors.pii import (
    ANY_TO_REDACT_WITHOUT_DIGITS,
    CORRECTS,
    EMAIL_WORDS,
    IBAN_COUNTRIES,
    NOT_ADDRESS_WORDS,
    PLACEHOLDER_RE,
    READ_BACK_CUE,
    SAID_RUN,
    TAKE_BACK,
    PiiOptions,
    abandoned_digits,
    abandoned_said,
    address_letters,
    asked_id,
    asks_cvv,
    asks_for_card,
    asks_for_phone,
    asks_for_reference,
    asks_id_last_four,
    asks_inn,
    asks_phone_last_four,
    card_grouped,
    count_placeholders,
    cue_at_end,
    has_cue,
    inn_ok,
    is_amount,
    is_plain_number,
    is_year,
    join_pieces,
    named_id,
    names_card,
    names_phone,
    names_reference,
    only_a_phone,
    placeholder_named_before,
    redact,
    redact_card_code,
    redact_code_after_expiry,
    redact_series_alone,
    reference_named_before,
    said_digits,
    says_toll_free,
    spelling_of,
    takes_back,
)
from processors.rules import price_mentions
from processors.text import (
    SO_SO,
    WORD_RE,
    ci_view,
    collapse_repeats_words,
    fold_safe,
    has_words,
    phrase_pattern,
    strip_disfluencies,
)

FILLERS_EN = (
    "uh", "um", "uhm", "er", "erm", "ah", "oh", "hmm", "mm", "mhm", "uh-huh", "mm-hmm", "hm",
    "okay", "ok", "right", "yeah", "yep", "yup", "aha", "i see", "got it", "sure", "alright",
    "all right", "one second", "one moment", "just a moment", "just a second", "hold on",
    "let me check", "let me see", "so", "well", "you know", "i mean", "and",
)  # fmt: skip
FILLERS_RU = (
    "угу", "ага", "ну", "мм", "ммм", "м", "э", "ээ", "эээ", "э-э", "а", "ой", "да", "да-да", "так",
    "ясно", "понятно", "хорошо", "ладно", "ок", "окей", "секунду", "секундочку", "минутку",
    "одну секунду", "сейчас", "сейчас посмотрю", "я уточню", "минуточку", "вот", "слушаю", "алло",
    "как бы", "значит", "и", "хм", "хмм", "мм-хм",
    # a filler of two words, dropped whole: never "Сказать." left of it
    "так сказать",
)  # fmt: skip
#: Backchannels: an answer to a question ("Do you agree to the terms?" / "Mm-hmm.") or to an action
#: the agent announces ("We'll charge your card now."), not to a price stated (see :func:`announces`).
_BACKCHANNEL = re.compile(r"(?:mm-hmm|uh-huh|mhm|мм-хм)[.!,…]*", re.IGNORECASE)
#: Short answers that are an agreement only when they answer a question or proposal.
ANSWER_WORDS = (
    "yes", "yeah", "yep", "okay", "ok", "sure", "alright", "all right", "fine", "right", "correct",
    "exactly", "absolutely", "definitely", "of course", "certainly", "mm-hmm", "uh-huh", "mhm",
    "да", "ага", "угу", "мм-хм", "хорошо", "ладно", "ок", "окей", "давайте", "конечно", "можно", "верно",
    "точно", "именно", "правильно", "разумеется",
)  # fmt: skip
#: Kept wherever they appear in a short turn.
KEEP_WORDS = (
    # negation / refusal
    "no", "not", "don't", "won't", "never", "nope", "nah", "no way", "uh-uh", "нет", "не", "ни", "никогда",
    "нельзя", "неа", "стоп", "хватит", "стойте",
    # explicit agreement
    "agree", "agreed", "deal", "согласен", "согласна", "договорились", "беру", "берём", "оформляйте",
    # politeness markers scoring needs
    "hello", "hi", "good morning", "good afternoon", "good evening", "thanks", "thank you",
    "bye", "goodbye", "sorry", "здравствуйте", "добрый день", "доброе утро", "добрый вечер",
    "спасибо", "благодарю", "до свидания", "всего доброго", "извините", "простите", "привет",
    "you too", "likewise", "same to you", "и вам", "взаимно", "слушаю вас",
    # outcomes, states and attitudes: what an instruction or a date did ("Try a different outlet." /
    # "Still nothing.", "Мастер придёт в пятницу." / "Поздно.")
    "nothing", "still", "same", "works", "worked", "working", "broken", "error", "errors", "fixed",
    "late", "whatever", "useless", "helped", "again",
    "ничего", "заработал*", "работает", "работают", "сломал*", "сломан*", "то же", "без изменений",
    "поздно", "всё равно", "все равно", "всё так же", "все так же", "по-прежнему", "опять", "снова",
    "ошибка", "ошибку", "помогло", "починил*", "исправил*", "бесполезно", "без разницы", "неважно",
    # words of their own, not a filler ("так", "so") and a word: "Стало лучше?" / "Так же."
    "так же", "так себе", "so so", "so-so",
)  # fmt: skip
#: Words that say nothing on their own: function words, backchannels, acknowledgements, courtesy,
#: hesitation and hold words (with :data:`FILLERS_EN`/:data:`FILLERS_RU` and the answer words). A short
#: turn made only of these ("Got it.", "Sounds nice.", "Ага, ясно.", "Понимаю вас.") is dropped as
#: ``short``; one other word keeps it, as it states something ("Интернет пропал.", "Деньги списали.",
#: "Router died.", "Overcharged."): a list of the words that mean nothing is short and stable, a list
#: of every word that means something never is. Single words (a contraction's pieces too: "it's" is
#: "it" and "s").
EMPTY_WORDS = (
    # English function words
    "a", "an", "the", "i", "me", "my", "mine", "myself", "you", "your", "yours", "he", "him", "his",
    "she", "her", "it", "its", "we", "us", "our", "they", "them", "their", "this", "that", "these",
    "those", "there", "here", "is", "am", "are", "was", "were", "be", "been", "being", "do", "does",
    "did", "done", "have", "has", "had", "will", "would", "shall", "should", "can", "could", "may",
    "might", "must", "s", "re", "ve", "ll", "d", "m", "t", "to", "of", "in", "on", "at", "for",
    "with", "from", "by", "about", "as", "into", "onto", "up", "and", "or", "but", "if", "then",
    "than", "too", "very", "just", "also", "only", "really", "quite", "pretty", "much", "more",
    "some", "any", "all", "both", "each", "even", "yet", "now", "maybe", "perhaps", "probably",
    "actually", "basically", "like", "kind", "sort", "course", "anyway", "anyways", "thing", "stuff",
    "one", "ones", "lot", "bit",
    # English acknowledgements, backchannels, courtesy and hold words
    "yes", "yeah", "yep", "yup", "ya", "yah", "ok", "okay", "okey", "alright", "alrighty", "right",
    "sure", "fine", "good", "great", "cool", "nice", "perfect", "excellent", "wonderful", "awesome",
    "lovely", "fantastic", "brilliant", "super", "gotcha", "got", "get", "see", "understood",
    "understand", "noted", "makes", "sense", "sounds", "true", "indeed", "exactly", "absolutely",
    "definitely", "certainly", "correct", "totally", "interesting", "wow", "huh", "hey", "oh", "ah",
    "aha", "hmm", "mhm", "uh", "um", "er", "erm", "well", "so", "please", "pardon", "welcome",
    "cheers", "fair", "enough", "gosh", "oops", "hm", "moment", "second", "sec", "minute", "hold",
    "hang", "look", "listen", "guess", "suppose", "think", "mean", "know",
    # go-aheads between a dictation's groups ("Okay, writing.", "Mhm, next."): kept, they split it
    "go", "ahead", "next", "continue", "keep", "going", "writing", "typing", "ready",
    # Russian function words
    "я", "ты", "вы", "он", "она", "оно", "мы", "они", "меня", "мне", "мной", "тебя", "тебе", "вас",
    "вам", "вами", "его", "её", "ее", "ему", "ей", "ней", "нас", "нам", "нами", "их", "им", "ими",
    "себя", "себе", "свой", "мой", "моя", "моё", "мое", "мои", "твой", "ваш", "ваша", "ваше",
    "ваши", "наш", "наша", "наше", "наши", "это", "этот", "эта", "эти", "этого", "то", "тот", "та",
    "те", "того", "там", "тут", "здесь", "вот", "так", "же", "ли", "бы", "уж", "ведь", "вон", "что",
    "как", "чтобы", "если", "в", "во", "на", "с", "со", "к", "ко", "по", "за", "из", "от", "до", "о",
    "об", "про", "у", "для", "при", "и", "а", "но", "или", "да", "весь", "всё", "все", "вся", "ещё",
    "еще", "уже", "тоже", "также", "просто", "вообще", "очень", "сейчас", "потом", "тогда",
    "значит", "короче", "типа", "общем", "вроде", "кстати", "наверное", "наверно", "может", "быть",
    "есть", "был", "была", "было", "были", "буду", "будет", "ну", "такой", "такая", "такое",
    "собственно", "именно", "прям", "прямо",
    # Russian acknowledgements, backchannels, courtesy and hold words
    "ага", "угу", "ясно", "понятно", "понял", "поняла", "поняли", "понимаю", "понимаем",
    "хорошо", "ладно", "отлично", "прекрасно", "замечательно", "супер", "класс", "здорово",
    "чудесно", "превосходно", "великолепно", "ок", "окей", "конечно", "разумеется", "точно",
    "верно", "правильно", "интересно", "ясненько", "понятненько", "ладушки", "добро", "принято",
    "записал", "записала", "записываю", "отметил", "отметила", "запомнил", "запомнила", "услышал",
    "услышала", "слышу", "слушаю", "ого", "ух", "ах", "ох", "ой", "вау", "пожалуйста",
    "смотрите", "слушайте", "послушайте", "секунду", "секундочку", "минуту", "минутку",
    "минуточку", "момент", "одну", "давайте", "давай", "можно",
    # go-aheads between a dictation's groups ("Ага, пишу.", "Угу, дальше.")
    "пишу", "пишите", "записывайте", "дальше", "далее", "продолжайте", "диктуйте", "следующие",
    "следующая", "следующий",
    "готов", "готова",
)  # fmt: skip
#: Requests and instructions: a short turn with one is kept ("Send it.", "Отправьте договор.").
ACTION_WORDS = (
    "send", "call", "email", "write", "wait", "stop", "check", "confirm", "sign", "book", "schedule",
    "transfer", "connect", "forward", "repeat", "remind", "show", "tell", "give", "ship", "deliver",
    "отправьте", "отправь", "пришлите", "пришли", "вышлите", "скиньте", "перешлите", "напишите",
    "напиши", "позвоните", "позвони", "перезвоните", "перезвони", "подождите", "подожди",
    "проверьте", "уточните", "подтвердите", "запишите", "соедините", "переведите", "повторите",
    "скажите", "расскажите", "покажите", "объясните", "дайте", "оплатите", "доставьте",
    "остановите", "отключите", "do it", "делайте", "отпишите*", "unsubscribe", "remove me", "позовите",
    "supervisor", "manager", "руководител*", "escalate",
)  # fmt: skip
#: An agent turn with one of these (or a number: a price, a term) is a proposal a bare yes/okay
#: agrees to: the key-fact commitments and agreements ("i'll *", "оформим", "let's go with *") and
#: offers in the present tense.
PROPOSAL_WORDS = (
    *COMMITMENT, *AGREEMENT,
    "offer", "we can offer", "i can offer", "i'm setting *", "i am setting *", "we're setting *",
    "предлагаю", "предлагаем", "можем предложить", "оформляю", "оформляем", "подключаю", "подключаем",
    "записываю", "записываем", "отправляю", "отправляем",
    # an action announced as it is done: "Okay."/"Mm-hmm." after it is consent
    "i'm sending *", "i'm charging *", "i'm cancelling *", "i'm canceling *", "i'm booking *",
    "we're sending *", "we're charging *", "we're cancelling *", "we're canceling *", "we're booking *",
    "списываю", "списываем", "отменяю", "отменяем", "бронирую", "бронируем",
)  # fmt: skip
#: What Whisper writes on silence, music or noise (learnt from subtitled video): a segment that is
#: exactly one of these (case, punctuation and spaces aside) is dropped as ``hallucination``.
HALLUCINATIONS = (
    "thank you for watching", "thanks for watching", "thank you so much for watching",
    "please subscribe", "please like and subscribe", "like and subscribe", "subscribe to my channel",
    "please subscribe to my channel", "welcome to my channel", "welcome back to my channel",
    "welcome to the channel",
    "don't forget to subscribe", "see you in the next video", "i'll see you in the next video",
    "subtitles by the amara.org community", "music", "applause", "laughter", "blank_audio",
    "продолжение следует", "спасибо за просмотр", "подписывайтесь на канал", "подписывайтесь на наш канал",
    "ставьте лайки", "ставьте лайк и подписывайтесь на канал", "до новых встреч", "музыка",
    "аплодисменты", "смех",
    # YouTube channel phrases: never a whole turn of a call
    "подписывайтесь на мой канал", "подпишитесь на канал", "подпишитесь на наш канал", "ставьте лайк",
    "добро пожаловать на канал", "добро пожаловать на наш канал", "добро пожаловать в наш канал",
    "добро пожаловать на мой канал", "добро пожаловать в мой канал",
)  # fmt: skip
#: Never said in a call, anywhere in a segment: subtitle credits Whisper learnt with the speech.
_HALLUCINATION_MARKERS = (
    "dimatorzok", "amara.org", "редактор субтитров", "корректор а.егорова", "корректор а. егорова",
    "субтитры сделал", "субтитры создавал", "субтитры делал", "субтитры подогнал", "субтитры подготовил",
    "игорь негода",
)  # fmt: skip
#: The same, one scan of the lower-cased text (the engine skips to a marker's first letter).
_MARKERS_RE = re.compile("|".join(map(re.escape, _HALLUCINATION_MARKERS)))
#: The markers' first words: a text holding none of them (``in``, much faster than the scan above,
#: whose first letters are common Cyrillic ones) holds no marker.
_MARKER_FIRST_WORDS = tuple(sorted({m.split()[0] for m in _HALLUCINATION_MARKERS}))
#: Closings that are real speech at a call's end and a hallucination on its silence: dropped only
#: when Whisper itself doubted the window (see ``_hallucination``). With them a bare "you", the word
#: Whisper writes most often on a silence (a short answer when it is sure of it).
CLOSINGS = (
    "thank you", "thanks", "bye", "bye bye", "goodbye", "see you", "see you next time", "you",
    "спасибо", "спасибо большое", "до свидания", "пока", "всего доброго", "спасибо за внимание",
)  # fmt: skip
_NOT_LETTERS = re.compile(r"[\W_]+")
#: Why Whisper's noise on a silence is dropped ("Продолжение следует...", "[MUSIC]", "Thank you for
#: watching!"): with no digit or number word, no piece of a number, and nothing the other passes read.
_NOISE = frozenset({"empty", "hallucination"})
#: Control characters (C0 but tab and newline, DEL, C1): not speech, dropped from the stored text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DIGIT = re.compile(r"\d")
#: The punctuation a text's words are split apart at (``_NO_PUNCT.sub(" ", text).split()``): a
#: substitution of one character class runs about twice as fast as ``str.translate`` with a table
#: on Cyrillic text, with the same result (each of them one space).
_NO_PUNCT = re.compile(r'[,.!?;:…"«»()]')


@dataclass(frozen=True)
class FilterOptions:
    """Thresholds and word lists for dropping segments (all overridable per deployment)."""

    #: Drop (``no_vad``) when VAD heard speech under less than this share of the segment. The speech
    #: stage's guard uses the same 0.1: a short real answer ("Нет.") in a loosely timed segment has
    #: a small share, and a higher bar here dropped what the guard had let through.
    min_vad_speech: float = 0.1
    #: Without VAD: Whisper's no-speech probability above which a segment is suspect...
    max_no_speech_prob: float = 0.6
    #: ...and dropped (``no_speech``) when its average log-probability is also below this.
    min_avg_logprob: float = -1.0
    #: Turns with fewer words than this are dropped (``short``) unless something keeps them.
    min_words: int = 3
    fillers: tuple[str, ...] = FILLERS_EN + FILLERS_RU
    answer_words: tuple[str, ...] = ANSWER_WORDS
    keep_words: tuple[str, ...] = KEEP_WORDS
    #: Requests and instructions that keep a short turn, like ``keep_words``.
    action_words: tuple[str, ...] = ACTION_WORDS
    #: Words that say nothing on their own (:data:`EMPTY_WORDS`): a short turn with a word outside
    #: them, the fillers and the answer words states something and is kept.
    empty_words: tuple[str, ...] = EMPTY_WORDS
    #: What makes an agent turn a proposal that a bare yes/okay answers (besides a number).
    proposal_words: tuple[str, ...] = PROPOSAL_WORDS
    #: Whole-segment Whisper hallucinations (``hallucination``), and closings dropped as one when
    #: Whisper's no-speech probability is above ``max_no_speech_prob`` and VAD did not hear speech.
    hallucinations: tuple[str, ...] = HALLUCINATIONS
    closings: tuple[str, ...] = CLOSINGS
    drop_fillers: bool = True
    drop_short: bool = True
    collapse_repeats: bool = True
    pii: PiiOptions = field(default_factory=PiiOptions)

    @cached_property
    def _without_phones(self) -> FilterOptions:
        """These options with phones off: for a number the question it answers says is no phone."""
        return dataclasses.replace(self, pii=dataclasses.replace(self.pii, phones=False))

    @cached_property
    def _without_ids(self) -> FilterOptions:
        """These options with identity numbers off: for a number the question it answers says is a
        reference (its shape a passport's only by chance: "Назовите номер договора." / "2307 216876")."""
        return dataclasses.replace(self, pii=dataclasses.replace(self.pii, ids=False))

    @cached_property
    def _without_cards(self) -> FilterOptions:
        """These options with cards off: for a number the question it answers says is no card."""
        return dataclasses.replace(self, pii=dataclasses.replace(self.pii, cards=False))

    @cached_property
    def _filler_re(self) -> re.Pattern[str]:
        return phrase_pattern(self.fillers)

    @cached_property
    def _filler_words(self) -> frozenset[str]:
        return frozenset(w for p in self.fillers for w in WORD_RE.findall(p.lower()))

    @cached_property
    def _empty_words(self) -> frozenset[str]:
        """The words of ``empty_words``, the fillers and the answer words: what says nothing alone;
        with a spoken address's joiners ("dot", "точка", "собака"): a piece of a dictation."""
        phrases = self.empty_words + self.fillers + self.answer_words
        return frozenset(w for p in phrases for w in WORD_RE.findall(p.lower())) | EMAIL_WORDS

    @cached_property
    def _answer_re(self) -> re.Pattern[str]:
        return phrase_pattern(self.answer_words)

    @cached_property
    def _keep_re(self) -> re.Pattern[str]:
        """Keep and action words in one pattern: one scan of a short turn instead of two."""
        return phrase_pattern(self.keep_words + self.action_words)

    @cached_property
    def _proposal_re(self) -> re.Pattern[str]:
        # the lexicon spells "I'll" with "'", ASR may write "’"
        curly = tuple(p.replace("'", "’") for p in self.proposal_words if "'" in p)
        return phrase_pattern(self.proposal_words + curly)

    @cached_property
    def _hallucination_keys(self) -> frozenset[str]:
        return frozenset(_key(p) for p in self.hallucinations)

    @cached_property
    def _hallucination_start(self) -> re.Pattern[str]:
        """A text that starts with one of ``hallucinations`` of two or more words ("Спасибо за
        просмотр, мой сеймин-панейл…"): Whisper went on past its stock phrase."""
        keys = sorted((k for k in self._hallucination_keys if " " in k), key=len, reverse=True)
        # the phrase as a sentence or clause of its own: "Спасибо за просмотр квартиры" stays speech
        phrases = "|".join(r"\W+".join(map(re.escape, k.split())) for k in keys)
        return re.compile(rf"\W*(?:{phrases})\s*[,.!?…:;—–-]" if keys else r"(?!)")

    @cached_property
    def _closing_keys(self) -> frozenset[str]:
        return frozenset(_key(p) for p in self.closings)

    @cached_property
    def _max_key_chars(self) -> int:
        """Texts longer than this are none of ``hallucinations`` and ``closings``: Whisper's
        punctuation, brackets and spaces around a phrase add a few characters ("♪ Music ♪")."""
        return max(map(len, (*self.hallucinations, *self.closings)), default=0) + 12

    @cached_property
    def _hallucination_memo(self) -> dict[str, int]:
        """What :func:`_short_hallucination` told of each short text, per options."""
        return {}

    @cached_property
    def _memo(
        self,
    ) -> dict[tuple[str, bool], tuple[str | None, str, dict[str, int], bool | None, bool, bool | None]]:
        """Verdicts on short texts (see ``_judge``), per options: they depend on every field; with
        whether it holds an empathy phrase and whether no number-ish word (see ``_text_reason``), and
        whether it may hold an identity number (see ``_may_be_id``; None: not asked yet)."""
        return {}


def _key(text: str) -> str:
    """``text`` lower-case with everything but letters and digits taken out: how a hallucination is
    recognised whatever Whisper's punctuation ("Продолжение следует...", "[MUSIC]", "♪ music ♪")."""
    return _NOT_LETTERS.sub(" ", text.lower()).strip()


def _hallucination(segment: Mapping[str, Any], options: FilterOptions) -> bool:
    """Whether the segment is text Whisper writes on silence (see :data:`HALLUCINATIONS`), or a
    web address alone ("www.mooji.org"; :func:`_dictated_address` tells one said in a call)."""
    text = segment["text"]
    if len(text) <= options._max_key_chars:
        # a short text's verdict is its text's (a closing's but for Whisper's doubt): remembered per
        # options, as backchannels and stock phrases come again and again
        memo = options._hallucination_memo
        verdict = memo.get(text)
        if verdict is None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            verdict = memo[text] = _short_hallucination(text, options)
        if verdict != _CLOSING:
            return verdict == _STOCK
        nsp = segment.get("no_speech_prob")
        vad = segment.get("vad_speech")
        return nsp is not None and nsp > options.max_no_speech_prob and (vad is None or vad < 0.5)
    low = text.lower()
    if _has_marker(low):
        return True
    # substring tests first: an address is rare, and the pattern runs only on one
    if ("www." in low or "://" in low) and _URL_ALONE.fullmatch(low.strip()) is not None:
        return True
    # longer than any listed phrase with its punctuation: unless it starts with one and Whisper
    # doubted the window: it went on past the phrase
    nsp = segment.get("no_speech_prob")
    return (
        nsp is not None and nsp > options.max_no_speech_prob and bool(options._hallucination_start.match(low))
    )


#: What :func:`_short_hallucination` tells of a short text: speech, a stock phrase, or a closing
#: (a hallucination only when Whisper doubted it and VAD heard no speech).
_SPEECH, _STOCK, _CLOSING = 0, 1, 2


def _short_hallucination(text: str, options: FilterOptions) -> int:
    """:func:`_hallucination` of a text at most ``options._max_key_chars`` long, up to the segment's
    no-speech probability and VAD share that decide a closing."""
    low = text.lower()
    if _has_marker(low):
        return _STOCK
    if ("www." in low or "://" in low) and _URL_ALONE.fullmatch(low.strip()) is not None:
        return _STOCK
    key = _NOT_LETTERS.sub(" ", low).strip()  # _key(low): low is lower-case already
    if key in options._hallucination_keys:
        return _STOCK
    if (" и " in key or " and " in key) and all(
        part in options._hallucination_keys for part in _JOINED_PHRASES.split(key)
    ):
        return _STOCK  # two stock phrases in one: "Ставьте лайки и подписывайтесь на канал!"
    if key in options._closing_keys:
        return _CLOSING
    return _SPEECH


#: A whole segment that is one web address: Whisper writes one it learnt from video credits on a
#: silence ("www.mooji.org", "http://www.youtube.com"), even when sure of it. In a sentence ("go to
#: www.example.com") it is speech.
_URL_ALONE = re.compile(r"\W*(?:https?://|www\.)\S+")
#: What a turn before a dictated address says: then the address alone is speech.
_NAMES_SITE = re.compile(
    r"сайт|ссылк|адрес|страниц|портал|site|link|address|url|page|web|go to|visit|www|http", re.IGNORECASE
)


def _dictated_address(text: str, before: str, last_kept: str) -> bool:
    """Whether ``text``, judged a hallucination, is a web address alone said after a turn naming a
    site or a link (the segment ``before`` it or the ``last_kept`` turn): dictated ("Наш сайт:" /
    "www.example.ru."), speech. Asked only of a hallucination: no cost on the other segments."""
    if "www." not in text.lower() and "://" not in text:
        return False  # a stock phrase, no address
    return _NAMES_SITE.search(before) is not None or _NAMES_SITE.search(last_kept) is not None


#: What joins two of Whisper's stock phrases into one ("like and subscribe", "ставьте лайки и ...").
_JOINED_PHRASES = re.compile(r" (?:и|and) ")


def _has_marker(low: str) -> bool:
    """Whether the lower-cased ``low`` holds one of :data:`_HALLUCINATION_MARKERS`."""
    for word in _MARKER_FIRST_WORDS:
        if word in low:
            return _MARKERS_RE.search(low) is not None
    return False


#: A VAD speech share from which Whisper's no-speech pair is not asked.
_VAD_SURE = 0.5


def _no_speech(segment: Mapping[str, Any], options: FilterOptions) -> str | None:
    vad = segment.get("vad_speech")
    if vad is not None and vad < options.min_vad_speech:
        return "no_vad"
    if vad is not None and vad >= _VAD_SURE:
        return None  # VAD heard speech under most of it: Whisper's doubt does not count
    # no VAD, or VAD heard a little (breath, music, line noise): Whisper's own pair decides
    nsp, logprob = segment.get("no_speech_prob"), segment.get("avg_logprob")
    if (
        nsp is not None
        and logprob is not None
        and nsp > options.max_no_speech_prob
        and logprob < options.min_avg_logprob
    ):
        return "no_speech"
    return None


def drop_reason(
    segment: Mapping[str, Any], options: FilterOptions = FilterOptions(), answers_question: bool = False
) -> str | None:
    """Why ``segment`` should be dropped, or None to keep it.

    ``answers_question``: the other speaker's previous kept turn asked something or was the agent's
    proposal (see :func:`proposes`), so a bare "yes"/"okay"/"да" is an agreement, not a backchannel.
    """
    text = segment["text"]
    if not has_words(text):
        return "empty"
    if _hallucination(segment, options):  # before the no-speech pair, as filter_transcript asks
        return "hallucination"
    if reason := _no_speech(segment, options):
        return reason
    reason = _text_reason(text, options, answers_question)[0]
    if reason == "short" and _states_something(text, options):
        return None  # "Интернет пропал.": the reason for a call, however short
    return reason


def proposes(text: str, options: FilterOptions = FilterOptions()) -> bool:
    """Whether an agent turn makes a proposal a bare "yes"/"okay" agrees to: a number (a price, a
    term; also a redacted one), or an offer or commitment (``options.proposal_words``: "оформляю вам
    тариф", "I'll set you up")."""
    if ("[" in text and PLACEHOLDER_RE.search(text)) or (_DIGIT.search(text) and _offers_terms(text)):
        return True
    matcher, subject = ci_view(options._proposal_re, text)
    if matcher.search(subject) is not None:
        return True
    spoken = normalise_numbers(text)  # a price in words
    return spoken != text and _DIGIT.search(spoken) is not None and _offers_terms(spoken)


def states_price(text: str) -> bool:
    """Whether an agent turn states a price or terms in figures or words ("So the total is 49 dollars
    a month.", "Это будет две тысячи рублей в месяц."): :func:`proposes` without its proposal words
    and placeholders."""
    if _DIGIT.search(text) and _offers_terms(text):
        return True
    spoken = normalise_numbers(text)  # a price in words
    return spoken != text and _DIGIT.search(spoken) is not None and _offers_terms(spoken)


#: What opens an agent's turn that goes on with a list after the customer's backchannel ("And the
#: setup fee.", "Plus tax.", "А ещё подключение."): the backchannel between only listened.
_GOES_ON = re.compile(
    r"\W*(?:and|plus|also|as\s+well|и|а\s+ещ[её]|плюс|ещ[её]|также|кроме\s+того)(?![^\W\d_])", re.IGNORECASE
)


def _agent_goes_on(segments: Sequence[Mapping[str, Any]], at: int) -> bool:
    """Whether the segment after ``segments[at]`` is the agent's, going on with a list (:data:`_GOES_ON`)."""
    if at + 1 >= len(segments):
        return False
    after = segments[at + 1]
    return after.get("role") == "agent" and _GOES_ON.match(after["text"]) is not None


def announces(text: str, options: FilterOptions = FilterOptions()) -> bool:
    """Whether an agent turn announces an action or makes an offer in words (``options.proposal_words``:
    "We'll charge your card now.", "Оформляю вам тариф."): a bare "Mm-hmm"/"Мм-хм" after it is consent,
    as "Okay." is. A number alone ("So the total is 49 dollars a month.") makes :func:`proposes`
    true, not this: a backchannel after a price only listens."""
    matcher, subject = ci_view(options._proposal_re, text)
    return matcher.search(subject) is not None


#: What makes a number in an agent's turn an offer: a price or a term ("2990 в месяц", "20% off"),
#: not a fact ("Деньги вернутся в течение 3 дней", "Our office is open until 6").
_TERMS = re.compile(
    r"%|процент|в месяц|в год|за \d|per (?:month|year|user|seat)|a (?:month|year)|off\b|скидк|discount",
    re.IGNORECASE,
)


def _offers_terms(text: str) -> bool:
    return _TERMS.search(text) is not None or price_mentions([text]) > 0


def _text_reason(
    text: str, options: FilterOptions, answers: bool
) -> tuple[str | None, list[str], bool | None, bool, bool]:
    """The checks of :func:`drop_reason` that read only the text (with repeats collapsed when
    ``options.collapse_repeats``): (reason, the lower-case words of the text judged, whether ``text``
    holds an empathy phrase). The last is known only for a ``short`` turn whose signals were read on
    ``text`` as said (no repeat collapsed, no number word made a digit), else None: the filter asks it
    of an agent's short turn (:func:`_says_empathy`), which then needs no second reading. And last,
    whether ``text`` as said has no word of :data:`_NUMBERISH` (see :func:`_says_number`), and whether it
    has none of :data:`_LEAD_HEADS` either (see :func:`_unled`)."""
    said = text
    low = text.lower()
    words = WORD_RE.findall(low)
    plain = _NUMBERISH.isdisjoint(words)
    unled = plain and _unled(text, words)
    if "uh-uh" in low:  # "no" in American speech; "uh" alone is a filler
        return None, words, None, plain, unled
    if options.collapse_repeats:
        if _kept_whatever_repeats(text, words, options):
            return None, words, None, plain, unled
        text, same = collapse_repeats_words(text, words)
        if same is None:
            words = WORD_RE.findall(text.lower())
    answer = answers and options._answer_re.search(text) is not None
    if (
        options.drop_fillers
        and options._filler_words.issuperset(words)  # fast path: a word outside every filler
        and not has_words(options._filler_re.sub(" ", text))
        and SO_SO.search(text) is None  # "So so.": so-so, an answer, not two fillers
    ):
        return (None if answer else "filler"), words, None, plain, unled
    if options.drop_short and len(words) < options.min_words:
        # not a filler, and the other speaker asked or proposed: an answer ("Сергей.", "Monthly.")
        if answers or _DIGIT.search(text) or "?" in text or options._keep_re.search(text):
            return None, words, None, plain, unled
        if not DIGIT_NOUN.isdisjoint(words):  # a digit's noun ends a dictation ("... двойка..." / "тройка.")
            return None, words, None, plain, unled
        # number words, objections, commitments, legal, emotion, question words, apologies; not an
        # empathy phrase alone: a short "Понимаю." / "I understand." acknowledges, from either side
        read = normalise_numbers(text, words)
        kinds = {kind for kind, _ in signals(read)}
        if not kinds <= _EMPATHY_ONLY:
            return None, words, None, plain, unled
        return "short", words, ("empathy" in kinds if read == said else None), plain, unled
    return None, words, None, plain, unled


_EMPATHY_ONLY = frozenset({"empathy"})


#: The shortest stem two forms of one word share in :func:`_confirms_by_echo` ("оставлял" and
#: "оставляли", "подписал" and "подписывали", "received" and "receive").
_ECHO_STEM = 5
#: How many letters past the shared stem each form may have: an ending, a suffix of aspect.
_ECHO_ENDING = 3


#: The most letters a word spelled out letter by letter has in one breath ("АВ...", "C.", "ТК..."):
#: no content word is that short but a few ("TV", "ад"), which a short turn seldom is alone.
_SPELLED = 2


def _states_something(text: str, options: FilterOptions, before: str = "") -> bool:
    """Whether the short ``text`` states something: it holds a word that is none of
    ``options.empty_words``, the fillers and the answer words ("Интернет пропал.", "Деньги списали.",
    "Router died.", "Overcharged."; not "Got it.", "Sounds nice.", "Понимаю вас."), and not only one
    the other speaker's ``before`` just said ("Вы оставляли заявку на замер." / "Ну, заявку.": an echo
    with no yes adds nothing). Called only for a turn about to be dropped as ``short`` (a few words)."""
    empty = options._empty_words
    # a word of one or two letters is a letter spelled ("АВ...", "C."), a piece of a dictation
    mine = [w for w in WORD_RE.findall(text.lower()) if len(w) > _SPELLED and w not in empty]
    if not mine or not before:
        return bool(mine)
    theirs = WORD_RE.findall(before.lower())
    return not all(any(_one_word(word, said) for said in theirs) for word in mine)


def _one_word(word: str, said: str) -> bool:
    """Whether ``word`` and ``said`` are one word: the same, or two forms of one stem of at least
    :data:`_ECHO_STEM` letters, each at most :data:`_ECHO_ENDING` letters past it ("оставлял" and
    "оставляли", "received" and "receive")."""
    if word == said:
        return True
    stem = max(_ECHO_STEM, len(word) - _ECHO_ENDING, len(said) - _ECHO_ENDING)
    return stem <= min(len(word), len(said)) and word[:stem] == said[:stem]


def _confirms_by_echo(text: str, before: str, options: FilterOptions) -> bool:
    """Whether the short ``text`` confirms the other speaker's ``before`` by repeating its verb,
    with a yes or alone (the Russian "yes"): "Вы оставляли заявку на замер." / "Да, оставлял." or
    "Оставлял." (a statement asked as a question, no "?" to make it one). Called only for a turn
    about to be dropped as ``short``."""
    words = WORD_RE.findall(text.lower())
    if len(words) > 1 and options._answer_re.search(text) is None:
        return False
    # a yes itself is no echo ("давайте я посмотрю" / "Ну, давайте.")
    mine = [
        w
        for w in words
        if len(w) >= _ECHO_STEM and w not in options._filler_words and not options._answer_re.fullmatch(w)
    ]
    if not mine:
        return False
    theirs = {w for w in WORD_RE.findall(before.lower()) if len(w) >= _ECHO_STEM}
    return any(_one_word(word, said) for word in mine for said in theirs)


def _kept_whatever_repeats(text: str, words: list[str], options: FilterOptions) -> bool:
    """Whether :func:`_text_reason` keeps ``text`` (words ``words``) however its repeats collapse, and
    its collapsed words would tell :func:`_redact` nothing ``words`` does not: then the (costly)
    collapse is skipped.

    Why that holds: collapsing takes out copies of a word or word pair that stays, at word
    boundaries, so the collapsed words are ``words`` less some repeats, the same set (for fold-safe
    text, where lower-casing is the regex engine's case folding). So a word outside every filler
    stays one, at least ``len(set(words))`` words remain, and with no number word among ``words``
    there is none after either (all :func:`_redact` reads of the words).
    """
    return (
        not (options.drop_fillers and options._filler_words.issuperset(words))
        and not (options.drop_short and len(set(words)) < options.min_words)
        and _SAID_NUMBER_WORDS.isdisjoint(words)
        and fold_safe(text)
    )


#: Number words and a digit's nouns ("семёрка, нолик, тройка" is a dictation with no number word).
_SAID_NUMBER_WORDS = NUMBER_WORDS | DIGIT_NOUN
#: Digits and number words a text needs to be read again without its disfluencies.
_NUMBERISH_MIN = 6
#: A spoken at and a spoken dot after it: an e-mail said aloud may be in the text.
_SPOKEN_EMAIL = re.compile(r"\s(?:at|собака|собачка|эт)\W.*?\s(?:dot|точка|period)\s", re.IGNORECASE)
#: The letters :data:`_SPOKEN_EMAIL`'s "at" words match case-insensitively whose lower case is their own,
#: not the pattern's (the Cyrillic narrow o, wide es and tall te): a text with none that matches it has
#: one of those words among its lower-case words.
_OWN_LOWER_FOLDS = re.compile("[\u1c82-\u1c85]")


def _redact(
    text: str,
    options: FilterOptions,
    words: list[str] | None = None,
    asked: str | None = None,
    bare: bool = False,
) -> tuple[str, dict[str, int]]:
    """:func:`_redact_said`, and when that finds nothing in a text with digits or number words (or
    may have missed part of an e-mail said aloud), once more without its disfluencies: "it's, uh,
    206, uh, 868, uh, 2910" is a phone only without the "uh"s, and is then stored without them (as
    compression would show it to the LLM). ``asked``: the identity number the other speaker asked
    for (:func:`processors.pii.asked_id`). ``bare``: ``text`` is known to have no digit, no "@", none
    of ``words`` a number word nor any of :data:`_LEAD_HEADS` (see :func:`_unled`): when nothing is
    found, there is neither a number nor an e-mail said aloud to read again."""
    if not options.pii.enabled:
        return _redact_said(text, options, words, asked)
    if words is None:  # once, for _redact_said and the layout check below
        words = WORD_RE.findall(text.lower())
    out, found = _redact_said(text, options, words, asked)
    if not _LAYOUT_WORDS.isdisjoint(words) and (laid := _said_layout(text)) != text:
        # the layout said aloud between the groups ("8, открываем скобку, 980, закрываем скобку, 948,
        # чёрточка, 86", "674 hyphen 20 hyphen ...", "через пробел"): read as the separators they name
        laid_out, laid_found = _redact(laid, options, None, asked)
        if sum(laid_found.values()) > sum(found.values()) or (
            laid_found and _readable_digits(laid_out) < _readable_digits(out)
        ):
            return laid_out, laid_found
    if bare and not found and (text.isascii() or _OWN_LOWER_FOLDS.search(text) is None):
        return out, found  # what the tests below tell such a text at a cost (no "at" for _SPOKEN_EMAIL)
    # an e-mail said with a filler in it ("linda dot ortiz at, um, mailbox dot com", "ivan, э-э,
    # petrov собака ..."): read again even when a part was found; else a phone, card or ID holds 7+
    # digits: a price or a count among fillers is no reason to look again
    # (English text first asks for the dot word: case-insensitively, ASCII text holds it only so)
    email = (
        not text.isascii() or "dot" in (low := text.lower()) or "period" in low
    ) and _SPOKEN_EMAIL.search(text) is not None
    # a number found in part, its last groups left after a filler ("[PHONE], ну, 4 3, э, 9 2"): read
    # again too, and that reading kept only when it leaves fewer digits
    # and so is one found beside another number still said in full after it ("Social is [ID], and
    # phone number is oh 7, 9 6 9, 7 1 too, 3 won for": read with its homophones only the second time)
    partial = bool(found) and (
        _TAIL_LEFT.search(out) is not None or _HEAD_LEFT.search(out) is not None or _numberish(out, None)
    )
    if not email and not partial and (found or not _numberish(text, words)):
        return out, found
    # the readings of a number's shapes below: only for a text that holds one (most texts return above)
    digit = _ASCII_DIGIT.search(text) is not None
    if (
        any(map(text.__contains__, _CONNECTOR_HINTS))
        and (connected := _without_connectors(text)) != text
        and _numberish(text, words)
    ):
        # the groups of one number joined by "дальше", "и", "then" after a pause ("восемьсот десять,
        # дальше шесть, и шестьдесят, ..."): read as the pauses alone
        connected_out, connected_found = _redact(connected, options, None, asked)
        if sum(connected_found.values()) > sum(found.values()):
            return connected_out, connected_found
    if (
        digit
        and (" — " in text or " – " in text)
        and (fields := _FIELD_LABEL.sub(_field_break, text)) != text
    ):
        # a document read by its numbered fields ("4b — 12.08.2024, 5 — 71, 69, ...", "box 2 — ..."): a
        # field's number is no digit of its value (its dash a break no number runs over, put back after)
        fields_out, fields_found = _redact(fields, options, None, asked)
        if sum(fields_found.values()) > sum(found.values()):
            return fields_out.translate(_FIELD_DASHES), fields_found
    if digit and ":" in text and _TIME_GROUP.search(text) is not None and names_phone(text):
        # a phone's first group heard as a time ("Can I get a callback number?, Okay, 2:01, 583, 4511"):
        # its digits
        timed_out, timed_found = _redact(_TIME_GROUP.sub(r"\1\2", text), options, None, asked)
        if sum(timed_found.values()) > sum(found.values()):
            return timed_out, timed_found
    if digit and "/" in text and (slashed := _SLASHED.sub(_slashes_as_spaces, text)) != text:
        # Whisper's slashes between a dictated number's groups ("8/987/107/09/22", "40817/810/2/6247/...",
        # "DE/50/7209/..."): read as the pauses they are
        slashed_out, slashed_found = _redact(slashed, options, None, asked)
        if sum(slashed_found.values()) > sum(found.values()) or (
            slashed_found and _readable_digits(slashed_out) < _readable_digits(out)
        ):
            return slashed_out, slashed_found
    bare = strip_disfluencies(text)
    # the hesitation first as a pause between groups ("восемь девятьсот три, так, сто двадцать
    # пять"), then as nothing: it may split one number word group ("девятьсот восемьдесят, секунду,
    # пять" is 985)
    tried = {text}
    for pause in (",", " "):
        # the pauses a hesitation leaves between groups ("720... uh... 986" → "720...... 986") are one
        plain = _PAUSES.sub(pause.strip() + " ", _HESITATION.sub(pause, bare))
        # then the words Whisper writes for digits ("for oh, seven ate"), an "oh" after a digit a zero
        plain = _homophones_as_digits(plain)
        if "o" in plain:
            plain = _OH_AFTER_DIGIT.sub(r"\g<1>0", plain)
        plain = _lookalikes_as_said(plain)
        if plain in tried:
            continue
        tried.add(plain)
        plain_out, plain_found = _redact_said(plain, options, asked=asked)
        if (
            plain_found
            and sum(plain_found.values()) >= sum(found.values())
            and (not partial or _said_left(plain_out) < _said_left(out))
        ):
            return plain_out, plain_found
    return out, found


#: A time opening a dictation after a pause, its groups after it ("..., 2:01, 583, 4511"): not after a
#: word that makes it a time ("at 2:01", "в 10:30", "с 12:45 до ...").
_TIME_GROUP = re.compile(
    r"(?:^|(?<=[,.:?!]\s))(?<![\d:])(\d{1,2}):(\d{2})(?=,?\s+\d{3}(?:,?\s+\d{3,4}){1,2}(?![\d:]))"
)
#: A document's field by its number before a dash, then its value: "5 — 71 69 288564", "4a — ...".
_FIELD_LABEL = re.compile(r"(?<![\w.,])(\d{1,2}[a-zа-я]?)\s+([—–])\s+(?=\w)")
#: The dash after a field's number while its value is read: a private-use character no number runs
#: over, the dash again after (:data:`_FIELD_DASHES`).
_FIELD_BREAKS = {"—": "\ue0f0", "–": "\ue0f1"}
_FIELD_DASHES = {ord(mark): f" {dash} " for dash, mark in _FIELD_BREAKS.items()}


def _field_break(m: re.Match[str]) -> str:
    return m.group(1) + _FIELD_BREAKS[m.group(2)]


#: A word joining a number's groups after a pause ("810, дальше шесть, и шестьдесят", "34, then 1921"):
#: a digit or a number word before and after it.
_CONNECTOR = re.compile(r",\s+(?:и|а|дальше|потом|затем|then|and(?:\s+then)?)\s+(?=\w)", re.IGNORECASE)
_CONNECTOR_HINTS = (", и ", ", а ", "дальше", "потом", "затем", "hen ", ", and ", ", And ")


def _without_connectors(text: str) -> str:
    """``text`` with each :data:`_CONNECTOR` between two digits or number words a pause (", ")."""
    out: list[str] = []
    done = 0
    for m in _CONNECTOR.finditer(text):
        before = _last_word(text[max(0, m.start() - 30) : m.start()])
        after = _head(text[m.end() :])
        if (before[-1:].isdigit() or before in NUMBER_WORDS) and (
            after[:1].isdigit() or after in NUMBER_WORDS
        ):
            out += (text[done : m.start()], ", ")
            done = m.end()
    return "".join(out) + text[done:] if out else text


#: Three groups of digits (an IBAN's country and bank code in capitals) or more with slashes between
#: them and no space, "8/987/107/09/22": not a date (two slashes, the last group a year's or a day's)
#: nor a fraction.
_SLASHED = re.compile(r"(?<![\w/])[A-Z0-9]+(?:/[A-Z0-9]+){2,}(?![\w/])")
_DATE_SLASHED = re.compile(r"\d{1,4}/\d{1,2}/\d{2}(?:\d{2})?")


def _slashes_as_spaces(m: re.Match[str]) -> str:
    """A run of :data:`_SLASHED` with spaces for its slashes, a date as it is."""
    run = m.group()
    return run if _DATE_SLASHED.fullmatch(run) is not None else run.replace("/", " ")


#: Words that say a number's layout aloud: a group's separator ("пробел", "чёрточка", "тире", "dash",
#: "hyphen", "space", "slash"), a bracket around a phone's code ("открываем скобку"), the "№" before a
#: passport's number ("значок номера"). Only between two groups of digits or number words do they
#: separate (:func:`_said_layout`); most texts hold none of them (one set look-up for the lot).
_LAYOUT_WORDS = frozenset(
    {"пробел", "пробелом", "черточка", "чёрточка", "черточку", "чёрточку", "черта", "тире", "дефис", "скобку",
     "скобка", "дробь", "слеш", "слэш", "знак", "значок", "dash", "hyphen", "space", "slash", "stroke",
     "bracket", "parenthesis", "paren", "dot", "точка", "spaces", "пробелов", "слитно"}
)  # fmt: skip
_LAYOUT_ITEM = rf"(?:\d|{NUMBER_WORD}|oh(?![^\W\d_])|(?-i:[A-Z]{{1,4}})(?![^\W\d_]))"
_LAYOUT = re.compile(
    rf"(\d|(?<![^\W\d_]){_LAYOUT_ITEM})"
    r"[\s,.:;]*(?:(?:и|а|дальше|потом|then|and)[\s,]+)?"
    r"(?:(?:открываем|открываю|открыть|закрываем|закрываю|закрыть|open|close|opening|closing)\s+"
    r"(?:скобку|скобка|bracket|parenthesis|paren)|скобка\s+(?:открывается|закрывается)|"
    r"(?:через\s+|потом\s+)?пробел(?:ом)?|ч[её]рточк[аиу]|(?:косая\s+)?черта|тире|дефис|дробь|сл[еэ]ш|"
    r"(?:значок|знак)\s+номера|(?:a\s+)?(?:dash|hyphen|space|(?:forward\s+)?slash)|stroke|dot|точка|"
    # the rest said run together: "NL 15, then the rest with no spaces: ABNA...", "дальше слитно: ..."
    r"(?:the\s+rest\s+)?(?:with\s+)?no\s+spaces|(?:остальное\s+)?(?:без\s+пробелов|слитно)|"
    r"(?:(?:the\s+)?number|pound|hash)\s+sign)"
    r"(?![^\W\d_])[\s,.:;]*(?:(?:и|а|дальше|then|and)[\s,]+)?(?:номер\s+)?"
    rf"(?=(?<![^\W\d_]){_LAYOUT_ITEM})",
    re.IGNORECASE,
)


def _said_layout(text: str) -> str:
    """``text`` with the layout said aloud between two groups (:data:`_LAYOUT_WORDS`) as the pause
    between them: "948, чёрточка, 86" → "948, 86", "seventy-four hyphen twenty" → "seventy-four, twenty"."""
    if _SPOKEN_EMAIL.search(text) is not None:  # "ivan 85 dot ru": an address said aloud keeps its dots
        return text
    return _LAYOUT.sub(r"\1, ", text)


#: A letter O written for a zero in a group of digits ("1797O2", "4O8", "O5", "9OO1"; Latin or
#: Cyrillic): a token of digits and O's, a digit in it.
_O_FOR_ZERO = re.compile(r"(?<!\w)(?=[OО]*\d)(?=\d*[OО])[\dOО]+(?!\w)")
#: Capitals of an ID ("DЕ", "ТХ", "GВ", "WЕST", "МH"): letters alike in both scripts, up to four.
_CAPS = re.compile(r"(?<!\w)[A-ZА-ЯЁ]{1,4}(?!\w)")
_TO_LATIN = str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY")
_TO_CYRILLIC = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")
_RU_LOWER = re.compile(r"[а-яё]")
_EN_LOWER = re.compile(r"[a-z]")
_LOOKALIKE_CAPS = frozenset("АВЕКМНОРСТХУABEKMHOPCTXYDFGIJLNQRSUVWZ")


def _lookalikes_as_said(text: str) -> str:
    """``text`` read as said where ASR wrote look-alike characters in a number or ID: a letter O in a
    group of digits a zero, the capitals of an ID in one script (Latin in English speech: "DЕ" with a
    Cyrillic Е is DE; Cyrillic in Russian: "МH" is МН). Read again only to find a number."""
    if "O" in text or "О" in text:
        text = _O_FOR_ZERO.sub(lambda m: m.group().replace("O", "0").replace("О", "0"), text)
    # English speech: lower-case Latin letters and no lower-case Cyrillic ("ОГРН 1027770366625." is none)
    russian = _RU_LOWER.search(text) is not None or _EN_LOWER.search(text) is None
    table = _TO_CYRILLIC if russian else _TO_LATIN

    def one_script(m: re.Match[str]) -> str:
        caps = m.group()
        latin = caps.isascii()
        # in English speech only: a Russian call writes Latin words ("IMEI") and its own look-alikes
        # ("OГPH" for ОГРН, a reference word) that a reading in one script takes for something else
        if latin or russian or not _LOOKALIKE_CAPS.issuperset(caps):  # "ОГРН": a word of its own
            return caps
        return caps.translate(table)

    return _CAPS.sub(one_script, text)


def _said_left(text: str) -> int:
    """The digits and number words ``text`` still says ("passport number six double two, ate ...")."""
    return len(_DIGIT.findall(text)) + sum(map(NUMBER_WORDS.__contains__, WORD_RE.findall(text.lower())))


#: Ellipses and commas between two words or digits: a pause between a number's groups ("5271...
#: сейчас... шесть один пять четыре... э-э... девять").
_PAUSES = re.compile(r"(?<=\w)(?:,?\s*(?:\.{2,}|…))+,?\s*(?=\w)")
#: Words Whisper writes for a digit it heard ("five six five won six", "D double eight ... three to"):
#: digits only between other digits or number words.
_HOMOPHONES = {"won": "1", "to": "2", "too": "2", "for": "4", "ate": "8"}
_HOMOPHONE = re.compile(r"(?<![^\W\d_])(?:won|to|too|for|ate)(?![^\W\d_])", re.IGNORECASE)
# a neighbour may be one too ("ate won"), the run's ends are digits or number words; a pause may be
# between ("three nine ate... three ate... nine")
_GAP = r"(?:[\s,…]|\.{2,}+)*+"
_NUMBER_BEFORE = re.compile(
    rf"(?:\d|(?<![^\W\d_])(?:{NUMBER_WORD}|oh?|won|too?|for|ate|double|triple)){_GAP}$", re.IGNORECASE
)
_TWO_NUMBERS_AFTER = re.compile(
    rf"(?:{_GAP}(?:\d+|(?:{NUMBER_WORD}|oh|won|too?|for|ate|double|triple)(?![^\W\d_]))){{2}}", re.IGNORECASE
)
_NUMBER_AFTER = re.compile(
    rf"{_GAP}(?:\d|(?:{NUMBER_WORD}|oh|won|too?|for|ate|double|triple)(?![^\W\d_]))|[\s,.…]*$|\s*[,;—–]",
    re.IGNORECASE,
)


def _homophones_as_digits(text: str) -> str:
    """``text`` with "won", "to", "too", "for", "ate" as digits where a number runs through them (a
    digit or number word before, and one after, the end or a pause: "seven three six to, in case")
    or starts with them (two after: "for zero for, too five one"; not "for 2 weeks"): read again only
    to find a number."""
    if _HOMOPHONE.search(text) is None:
        return text

    def digit(m: re.Match[str]) -> str:
        before = _NUMBER_BEFORE.search(text, max(0, m.start() - 24), m.start())
        if (before and _NUMBER_AFTER.match(text, m.end())) or _TWO_NUMBERS_AFTER.match(text, m.end()):
            return _HOMOPHONES[m.group().lower()]
        return m.group()

    return _HOMOPHONE.sub(digit, text)


#: Digits left right before a placeholder, four short words at most between ("8 903, ну вот, [PHONE]",
#: "4 2 8 4, uh, so, oh oh [PHONE]").
_HEAD_LEFT = re.compile(r"\d[\s,.…—–/-]*(?:[^\W\d_]{1,3}[\s,.…—–-]+){0,4}\[(?:PHONE|CARD|ID)\]")
#: Digits left right after a placeholder, a filler word at most between ("[PHONE], ну, 4 3").
_TAIL_LEFT = re.compile(r"\[(?:PHONE|CARD|ID)\][\s,.…—–-]*(?:[^\W\d_]{1,3}[\s,.…—–-]+)?\d")


def _numberish(text: str, words: list[str] | None) -> bool:
    """Whether ``text`` holds :data:`_NUMBERISH_MIN` digits and number words (``words``: its
    lower-case words, when the caller has them): enough for a phone, card or ID."""
    digits = len(_DIGIT.findall(text))
    if digits >= _NUMBERISH_MIN:
        return True
    if digits and ("O" in text or "О" in text):  # a letter O for a zero among digits ("O9", "73O8O15")
        digits += sum(m.group().count("O") + m.group().count("О") for m in _O_FOR_ZERO.finditer(text))
        if digits >= _NUMBERISH_MIN:
            return True
    if words is None:
        words = WORD_RE.findall(text.lower())
    if digits < _NUMBERISH_MIN // 2 and _SAID_NUMBER_WORDS.isdisjoint(words):
        return False  # most texts: no number word and too few digits for the homophones to count
    said = digits + sum(map(_SAID_NUMBER_WORDS.__contains__, words))
    if said >= _NUMBERISH_MIN or said < _NUMBERISH_MIN // 2:
        return said >= _NUMBERISH_MIN
    # with a few: "double", "triple" and the homophones ("won", "ate") count too ("two won to, seven
    # double oh, ate won, three ate")
    return said + sum(map(_REPEATS_AND_HOMOPHONES.__contains__, words)) >= _NUMBERISH_MIN


_REPEATS_AND_HOMOPHONES = frozenset({"double", "triple", "won", "to", "too", "for", "ate", "oh"})


#: A speaker searching for the rest of a number ("seven one eight, let me see, five eight seven",
#: "восемь девятьсот три, так, сто двадцать пять", "um", "эм"): left out when the number is read
#: again. Not the take-back words ("wait", "подождите"): a correction is judged with them.
_HESITATION = re.compile(
    r"(?<=[\w.…])[,.…]*\s+(?:let\s+me\s+(?:see|check|think|look)|hold\s+on|one\s+sec(?:ond)?|just\s+a\s+sec(?:ond)?|"
    r"секунд(?:у|очку)|сейчас|щас|минутку|так|значит|как\s+там|вот|"
    # fillers the disfluency list leaves ("восемь, эм, четыреста девяносто девять", "ну", ", like,")
    r"э+м*|м{2,}|ну|u+m+|u+h+|e+r+m*|h+m+|(?<=,\s)(?:like|you\s+know)(?=,)|"
    r"(?:so|okay|ok|well|вот)(?=,|\.{2,}|…))[,.…]*(?=\s+[\w+])",
    re.IGNORECASE,
)


#: Number words in a turn that may be a number dictated in groups even with no cue word before it.
_DICTATED_WITHOUT_CUE = 6


def _redact_said(
    text: str, options: FilterOptions, words: list[str] | None = None, asked: str | None = None
) -> tuple[str, dict[str, int]]:
    """:func:`redact`, and once more on its output with number words as digits: a phone or card said
    in words is PII only then. When that finds any, the text with digits is the one kept, so
    ClickHouse never stores the spoken number. ``words``: the lower-case words of ``text`` (or of
    ``text`` with repeats collapsed: the same set), when the caller has them."""
    out, found = redact(text, options.pii, asked)
    if not options.pii.enabled:
        return out, found
    if words is None:
        words = WORD_RE.findall(text.lower())
    if _SAID_NUMBER_WORDS.isdisjoint(words):  # the common case: no number word, nothing more to find
        return out, found
    # On the redacted text: what the first pass found stays redacted, whatever the digits of the
    # spoken numbers next to it do to the shapes (a card's "1111" and a following "два раза").
    # "три семёрки, две пятёрки", "triple five": repeated digits are digits only when dictated
    spoken, spoken_found = redact(normalise_numbers(expand_repeats(out)), options.pii, asked)
    if (
        found
        and not spoken_found
        and (_WORDS_AFTER_PLACEHOLDER.search(out) or _WORDS_BEFORE_PLACEHOLDER.search(out)) is not None
    ):
        # the number's rest said in words right after what its digits gave ("NHS number is 517 402
        # ninety-seven three four" → "[ID] ninety-seven three four"), or its start right before
        # ("Записывайте: семьдесят, двенадцать, 480315" → "..., двенадцать, [ID]"): the whole read as numbers
        whole, whole_found = redact(normalise_numbers(expand_repeats(text)), options.pii, asked)
        if whole_found and _readable_digits(whole) < _readable_digits(out):
            return whole, whole_found
        if not whole_found and sum(found.values()) == 1 and says_toll_free(whole):
            # what the digits gave is the tail of a hotline said in words ("our line is one, eight
            # hundred, 105, 0586", an identity number asked before): the company's line, no PII
            return text, {}
    # dictated in groups ("four fifteen, five fifty-five, oh one thirty-four"): 3+ number words
    # after a cue or in answer to a request for an identity number ("S K, oh five, four oh, six four,
    # B"), or 6+ without either ("four sixty-nine, eight oh five, eighteen sixteen"), which
    # few turns have: each costs a redaction more
    said = sum(w in NUMBER_WORDS for w in words)
    dictation = said >= _DICTATED_WITHOUT_CUE or (said >= 3 and (asked is not None or has_cue(out)))
    if spoken_found:
        counts = dict(Counter(found) + Counter(spoken_found))
        # number words left next to what the number reading found may be the rest of a number said
        # in groups ("..., it's [PHONE], ten thirty-four" of "two zero six, six double one, ten
        # thirty-four"): the dictated reading is kept when it leaves fewer digits readable
        if dictation and sum(w in NUMBER_WORDS for w in WORD_RE.findall(spoken.lower())) >= 2:
            dictated, dictated_found = redact(dictated_digits(out), options.pii, asked)
            if dictated_found and _readable_digits(dictated) < _readable_digits(spoken):
                counts = dict(Counter(found) + Counter(dictated_found))
                said_out, again = _said_again(out, dictated, options, asked)
                return said_out, dict(Counter(counts) + Counter(again))
        return _OH_BEFORE_PHONE.sub("[PHONE]", spoken), counts
    if dictation:
        dictated, dictated_found = redact(dictated_digits(out), options.pii, asked)
        if dictated_found:
            said_out, again = _said_again(out, dictated, options, asked)
            return said_out, dict(Counter(found) + Counter(dictated_found) + Counter(again))
        # both ways in one number: "пять тысяч сто тридцать семь, ..., десять девяносто шесть" (the
        # thousands read as numbers, the pair "10 96" only as dictated)
        mixed = dictated_digits(spoken)
        if mixed not in (spoken, dictated):
            redacted, mixed_found = redact(mixed, options.pii, asked)
            if mixed_found:
                counts = dict(Counter(found) + Counter(mixed_found))
                said_out, again = _said_again(spoken, redacted, options, asked)
                return said_out, dict(Counter(counts) + Counter(again))
    return out, found


#: A UK number's leading zero said "oh" ("It's oh seven nine four six, ..."): the number reading takes
#: "oh" for a word, not a digit, and found the phone after it; the zero is the phone's first digit.
_OH_BEFORE_PHONE = re.compile(r"(?<![^\W\d_])oh\s+\[PHONE\]", re.IGNORECASE)
#: Number words right after a placeholder: the rest of its number, perhaps.
_WORDS_AFTER_PLACEHOLDER = re.compile(rf"\[(?:PHONE|CARD|ID)\][\s,]*{NUMBER_WORD}", re.IGNORECASE)
#: Number words right before a placeholder: the start of its number, perhaps.
_WORDS_BEFORE_PLACEHOLDER = re.compile(
    rf"(?<![^\W\d_]){NUMBER_WORD}[\s,.…-]*\[(?:PHONE|CARD|ID)\]", re.IGNORECASE
)


def _readable_digits(text: str) -> int:
    """How many digits ``text`` says, its number words read as dictated."""
    return sum(map(str.isdigit, dictated_digits(text)))


def _said_again(
    text: str, redacted: str, options: FilterOptions, asked: str | None
) -> tuple[str, dict[str, int]]:
    """``redacted`` (the redaction of ``text`` read as dictated digits) with every number it left
    as the words ``text`` said: "five hundred twenty dollars" next to a redacted phone stays a price,
    not "5 00 20". Only when that is provably no leak: read as dictated again it is ``redacted``, and
    read as numbers no PII shows; else ``redacted`` itself. When read as numbers it shows PII the
    dictated reading garbled (a card dictated, then "call you back on three hundred twelve, five
    hundred and sixty-six, ..." read "3 00 12, 5 00 and 66"), that reading, redacted, and what it found."""
    source, dictated, pieces = dictated_pieces(text)
    if not pieces:
        return redacted, {}
    blocks = difflib.SequenceMatcher(None, dictated, redacted, autojunk=False).get_matching_blocks()
    out: list[str] = []
    done = 0  # in ``redacted``
    block = 0
    for start, end, digits_start, digits_end in pieces:
        while block < len(blocks) and blocks[block].a + blocks[block].size < digits_end:
            block += 1
        if block == len(blocks):
            break
        a, b, size = blocks[block]
        if not a <= digits_start or digits_end > a + size:  # redacted, or changed: its digits stay
            continue
        shift = b - a
        out += (redacted[done : digits_start + shift], source[start:end])
        done = digits_end + shift
    if not out:
        return redacted, {}
    said = "".join(out) + redacted[done:]
    if dictated_digits(said) != redacted:
        return redacted, {}
    numbers, found = redact(normalise_numbers(said), options.pii, asked)
    if not found:
        return said, {}
    if redact(dictated_digits(numbers), options.pii, asked)[1]:
        return redacted, {}
    return numbers, found


#: Texts up to this long are judged once per FilterOptions and remembered: backchannels, fillers and
#: short answers ("Угу.", "Okay.", "One second.") make up a large share of every call's segments.
_MEMO_CHARS = 40
_MEMO_SIZE = 4096


def _judge(
    text: str, options: FilterOptions, answers: bool, asked: Callable[[], str | None] | None = None
) -> tuple[str | None, str, dict[str, int], bool | None, bool, bool]:
    """(reason from the text, the text to store, PII counts, whether it holds an empathy phrase when
    :func:`_text_reason` found out, else None, whether it has no number-ish word, whether no word leads a
    number in it either: :func:`_unled`) for a segment that
    is speech. ``asked`` tells the identity number the other speaker asked for (:func:`_asked`);
    called only for a text with a digit or a number word, the few that may answer it (such verdicts
    are not remembered)."""
    memo = options._memo if len(text) <= _MEMO_CHARS else None
    if memo is not None and (known := memo.get((text, answers))) is not None:
        if asked is None:
            return known[:6]
        if (may := known[6]) is None:  # not yet asked of this text
            may = not known[5] and _may_be_id(text, WORD_RE.findall(text.lower()))
            memo[(text, answers)] = (*known[:6], may)
        if not may or asked() is None:
            return known[:6]
        memo = None
    reason, words, empathy, plain, unled = _text_reason(text, options, answers)
    # no digit and no number word (``words`` are those of the text judged, its repeats collapsed):
    # most texts, which no number reading needs to look at
    bare = unled and _SAID_NUMBER_WORDS.isdisjoint(words)
    may = (not bare and _may_be_id(text, words)) if asked is not None else None
    kind = asked() if may else None
    # every segment is stored as said (repeats too, only PII redacted): BI audits the original;
    # compression collapses the repeats in what the LLM reads
    if bare and _unredacted(text, words, options):
        out, found = text, {}  # (most texts: what _redact tells them, at a fraction of the cost)
    else:
        out, found = _redact(text, options, words, kind, bare)
    if memo is not None and kind is None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[(text, answers)] = (reason, out, found, empathy, plain, unled, may)
    return reason, out, found, empathy, plain, unled


def _unredacted(text: str, words: list[str], options: FilterOptions) -> bool:
    """Whether :func:`_redact` leaves the bare ``text`` (its lower-case ``words``; see its ``bare``) as
    it is, nothing found, by cheaper tests: :func:`redact`'s own first one less the digit, "@" and
    spoken "at" such a text has none of (without the "at" tried at every space: a third of the time),
    no layout word to read it again by, and :func:`_redact`'s return for a bare text."""
    pii = options.pii
    return not pii.enabled or (
        pii.emails
        and pii.cards
        and ANY_TO_REDACT_WITHOUT_DIGITS.search(text) is None
        and _LAYOUT_WORDS.isdisjoint(words)
        and (text.isascii() or _OWN_LOWER_FOLDS.search(text) is None)
    )


def _says_empathy(text: str) -> bool:
    """Whether ``text`` holds an empathy phrase ("понимаю вас", "I understand")."""
    return any(kind == "empathy" for kind, _ in signals(text))


def _says_digits(text: str, words: list[str]) -> bool:
    """Whether ``text`` (its lower-case ``words``) holds a digit or a number word (ASR writes digits
    in ASCII: that class scans a third faster than the Unicode one)."""
    return not _SAID_NUMBER_WORDS.isdisjoint(words) or _ASCII_DIGIT.search(text) is not None


_ASCII_DIGIT = re.compile(r"[0-9]")


def _may_be_id(text: str, words: list[str]) -> bool:
    """Whether ``text`` (its lower-case ``words``) holds enough digits and number words for an
    identity number (:func:`_numberish`: a National Insurance number has six; a piece of one said in
    a breath of its own is read with the others); most texts hold none, which two scans in C tell."""
    return _says_digits(text, words) and _numberish(text, words)


#: Segments back a request for an identity number speaks for the answer: it may come in pieces with
#: the asker's "Okay, and?" between, or again after "Sorry, could you repeat that?".
_ASK_SEGMENTS = 6
#: Words of a request for an e-mail address: the identity number asked before is no longer asked.
_EMAIL_ASK = re.compile(r"e-?mail|почт|адрес", re.IGNORECASE)


#: A request for an account number ("And the account number?", "Номер счёта?"), and words that make
#: it a bank account's, said in the segments before it: a customer's account with the company is a
#: reference, their bank account personal data (a direct deposit, a refund to it).
#: Not an invoice ("Номер счёта-фактуры какой?": a company's document, a reference).
_ACCOUNT_ASK = re.compile(
    r"(?<![^\W\d_])(?:account\s+(?:number|#)|номер\s+сч[её]та(?![\s-]*фактур)|сч[её]т\s*\?)", re.I
)
_BANK_CONTEXT = re.compile(
    r"(?<![^\W\d_])(?:routing|direct\s+deposit|checking|savings|bank|банк|реквизит|бик\b|"
    # pay goes to a bank account: a payroll desk asks for that one
    r"payroll|paycheck|pay\s+stub|salary|wages|зарплат|заработн)",
    re.I,
)
_BANK_CONTEXT_SEGMENTS = 8
#: A request for a bank's own code after the account ("И БИК банка?", "And the routing number?"):
#: public data, no longer the account asked for.
_BANK_CODE_ASK = re.compile(r"(?<![^\W\d_])(?:бик|bic|swift|routing|sort\s+code)(?![^\W\d_])", re.I)


def _asks_bank_account(segments: list[dict[str, Any]], k: int) -> str | None:
    """The kind "ident" when ``segments[k]`` asks for an account number in a call about a bank account
    (see :data:`_ACCOUNT_ASK`), else None."""
    text = segments[k]["text"]
    if _ACCOUNT_ASK.search(text) is None:
        return None
    before = segments[max(0, k - _BANK_CONTEXT_SEGMENTS) : k + 1]
    return "ident" if any(_BANK_CONTEXT.search(s["text"]) for s in before) else None


def _asked(
    segments: list[dict[str, Any]],
    role: str,
    end: int | None = None,
    seen: dict[int, str | None] | None = None,
) -> str | None:
    """The identity number (a kind of :data:`processors.pii.ID_KINDS`) the other speaker than
    ``role`` asked for in the segments before ``end`` ("Could you give me your driver's license
    number?"), as :func:`_request` finds it: digits ``role`` says next are that number. ``seen``: what
    each segment asks for, by index, kept across calls on the same segments."""

    def asks(k: int) -> str | None:
        if seen is not None and k in seen:
            return seen[k]
        text = segments[k]["text"]
        kind = asked_id(text) or _asks_bank_account(segments, k)
        read = text.rfind("[ID]")
        if kind is not None and read >= 0 and asked_id(text[read + 4 :]) is None and _confirmed(segments, k):
            # a number read back (or from the record), confirmed: "вижу в системе паспорт: [ID].
            # Актуально?" / "Да, правильно." asks for nothing more ("Номер брони у меня ..." next)
            kind = None
        if seen is not None:
            seen[k] = kind
        return kind

    return _request(segments, role, asks, end)


#: A robot reading back what the caller keyed in or said ("You entered: ...", "Проверяю. Вы ввели ...",
#: "I heard ...", "Вы назвали: ..."): the number its own prompt asked for, in the same breath or its
#: last ones ("Для идентификации введите ИНН." / "Проверяю. Вы ввели ...").
_ROBOT_READ_BACK = re.compile(
    r"(?<![^\W\d_])(?:you(?:'ve|\s+have)?\s+entered|i\s+heard|вы\s+(?:ввели|набрали|назвали|указали))(?![^\W\d_])",
    re.IGNORECASE,
)
#: A prompt's key to end the input with, said after what is to be keyed in.
_KEY_TAIL = re.compile(
    r"[\s,]*(?:followed\s+by|(?:and\s+)?then\s+press|and\s+press)\s+(?:the\s+)?(?:pound|hash)(?:\s+(?:key|sign))?|"
    r"[\s,]*(?:и|затем|а\s+затем)\s+нажмите\s+(?:решётку|решетку)",
    re.IGNORECASE,
)
#: Cheap prechecks for :data:`_ROBOT_READ_BACK` (most segments hold none).
_ROBOT_READ_BACK_HINTS = ("entered", "heard", "ввели", "набрали", "назвали", "указали")


def _read_back_kind(segments: list[dict[str, Any]], role: str, text: str) -> str | None:
    """The identity number, "card" or "phone" a read-back in ``text`` (:data:`_ROBOT_READ_BACK`) says
    again: what ``role`` asked for before it in ``text``, or in their last segments (the caller's
    answers between skipped), while nothing they said since asks for something else; None for a
    reference ("Введите номер заказа." / "Вы ввели ...") or no read-back."""
    if not any(map(text.__contains__, _ROBOT_READ_BACK_HINTS)):
        return None
    if (m := _ROBOT_READ_BACK.search(text)) is None:
        return None
    prompts = [text[: m.start()]]
    for seg in reversed(segments[-_ASK_SEGMENTS:]):
        if seg["role"] == role:
            prompts.append(seg["text"])
    for prompt in prompts:
        # "... followed by the pound key": which key ends the input, not what it is
        if "ound" in prompt or "ash" in prompt or "нажмите" in prompt:
            prompt = _KEY_TAIL.sub("", prompt)
        kind = asked_id(prompt) or ("card" if asks_for_card(prompt) else None)
        kind = kind or ("phone" if asks_for_phone(prompt) else None)
        if kind is not None:
            return kind
        if _asks_something(prompt):
            return None
    return None


#: The phone handed to someone else, who will say the number: "Она рядом, сейчас продиктует.", "дам
#: трубку мужу", "He's right here, hang on.", "Let me put her on."
_HAND_OVER = re.compile(
    r"(?<![^\W\d_])(?:рядом|продиктует|сейчас\s+скажет|(?:дам|даю|передам|передаю)\s+(?:ему\s+|ей\s+)?трубку|"
    r"right\s+here|hang\s+on|put\s+(?:him|her|them)\s+on|(?:pass|hand|give)\s+(?:him|her|them)\s+the\s+phone|"
    r"(?:he|she)(?:'ll|\s+will)\s+(?:tell|read|give))(?![^\W\d_])",
    re.IGNORECASE,
)
#: Its cheap gate (most segments hold none of these).
_HAND_OVER_HINTS = (
    "рядом", "продикт", "скажет", "трубк", "ght here", "ang on", "m on", "r on", "the phone", "ll tell",
    "ll read", "ll give",
)  # fmt: skip


def _handed_over_kind(segments: list[dict[str, Any]], role: str) -> str | None:
    """The identity number ``role`` said in their last breaths (none of the other speaker's between) is
    about to be said by someone they hand the phone to ("Это паспорт дочери. Она рядом, сейчас
    продиктует." / "Алло. Да, ..."): the relative's digits are that number."""
    for seg in reversed(segments[-2:]):
        if seg["role"] != role:
            return None
        text = seg["text"]
        if any(map(text.__contains__, _HAND_OVER_HINTS)) and _HAND_OVER.search(text) is not None:
            return named_id(text)
    return None


def _asked_here(
    segments: list[dict[str, Any]], role: str, text: str, asked_before: Callable[[], str | None] | None
) -> Callable[[], str | None]:
    """What :func:`_judge` asks for the number ``text`` may hold, looked up only when it holds one: the
    number a robot's own prompt named (a read-back, :func:`_read_back_kind`), else the one a relative
    handed the phone is about to say (:func:`_handed_over_kind`, for a turn that answers no one), else
    ``asked_before`` (the other speaker's request, for a turn that answers it)."""

    def asked() -> str | None:
        kind = _read_back_kind(segments, role, text)
        if kind is None and asked_before is None and segments:
            kind = _handed_over_kind(segments, role)
        if kind is None and asked_before is not None:
            kind = asked_before()
        return kind

    return asked


def _confirmed(segments: list[dict[str, Any]], k: int) -> bool:
    """Whether the other speaker's next segment after ``segments[k]`` is a bare yes ("Да, правильно.",
    "Yep, correct.")."""
    role = segments[k].get("role")
    after = next((s for s in segments[k + 1 :] if s.get("role") != role), None)
    if after is None:
        return False
    words = WORD_RE.findall(after["text"].lower())
    return bool(words) and all(word in _YES_WORDS for word in words)


_YES_WORDS = frozenset(w for phrase in ANSWER_WORDS for w in phrase.split()) | {"всё", "все", "that's", "it"}


def _request(
    segments: list[dict[str, Any]], role: str, asks: Callable[[int], str | None], end: int | None = None
) -> str | None:
    """What the other speaker than ``role`` asked for in their last segments before ``end``
    (``asks(k)``: what segment ``k`` asks for, or None), while nothing they said since asks for
    something else: a phone, a card, an e-mail, a bank's code (their "Okay, and?", "Sorry, could you
    repeat that?" do not)."""
    end = len(segments) if end is None else end
    since: list[str] = []
    gave: list[tuple[int, int]] = []  # ``role``'s segments since, with how many of the asker's came after
    for k in range(end - 1, max(-1, end - 1 - _ASK_SEGMENTS), -1):
        if segments[k]["role"] == role:
            if since:
                gave.append((k, len(since)))
            continue
        kind = asks(k)
        if kind is not None:
            # read only once a request is found: most answers follow none
            if any(map(_asks_something, since)):
                return None
            # ``role`` gave a number (its placeholder stored) and the asker took it down since
            answered = any(_TOOK_IT.match(since[n - 1]) is not None and _gave(segments[j]) for j, n in gave)
            return None if answered else kind
        since.append(segments[k]["text"])
    return None


#: The asker taking the number down, all their turn says ("Записала.", "Угу, есть.", "Perfect, thank
#: you.", "Okay, got that."): the request is answered, what the other says next no answer to it.
_TOOK_IT = re.compile(
    r"\W*(?:(?:так|да|угу|ага|отлично|хорошо|okay|ok|perfect|great|alright|all\s+right)[\s,.!]+)*"
    r"(?:записал[аи]?|есть|спасибо|got\s+(?:it|that)|thank\s+you|thanks|noted)"
    r"(?:[\s,.!]+(?:записал[аи]?|спасибо|got\s+(?:it|that)|thank\s+you|thanks))?[\s,.!]*$",
    re.IGNORECASE,
)


def _gave(segment: Mapping[str, Any]) -> bool:
    """Whether ``segment`` stores a number (its placeholder) that is all of it, not a piece broken off
    ("[ID]...": the rest may follow)."""
    text = segment["text"]
    return (
        "[" in text and PLACEHOLDER_RE.search(text) is not None and not text.rstrip().endswith(("...", "…"))
    )


def _asks_something(text: str) -> bool:
    """Whether ``text`` asks for a phone, a card, an e-mail, a bank's code or a reference ("The
    employer's EIN on your W-2?" after the SSN asked for)."""
    return (
        has_cue(text)
        or _EMAIL_ASK.search(text) is not None
        or _BANK_CODE_ASK.search(text) is not None
        or asks_for_reference(text)
    )


def _cut_in_the_middle(text: str) -> bool:
    """Whether a placeholder in ``text`` has digits or number words right next to it, with only a
    space between ("[CARD] две тысячи ..."): a reading that cut the number in the wrong place."""
    return any(
        (word := m.group(1).strip(".,…").lower())[:1].isdigit() or word[-1:].isdigit() or word in _NUMBERISH
        for pattern in (_WORD_BEFORE_PLACEHOLDER, _WORD_AFTER_PLACEHOLDER)
        for m in pattern.finditer(text)
    )


_WORD_BEFORE_PLACEHOLDER = re.compile(r"(\S+) (?=\[(?:PHONE|CARD|ID)\])")
_WORD_AFTER_PLACEHOLDER = re.compile(r"\[(?:PHONE|CARD|ID)\] (\S+)")


#: A speaker's own breaths that only stall before their answer ("One sec, it's in my bag...", "Так, сейчас,
#: достану...") the other speaker's request still speaks for.
_STALLS = 2


def _stalled(segments: list[dict[str, Any]], role: str) -> bool:
    """Whether the last of ``segments`` are ``role``'s stalls to look for what the other speaker asked
    (:data:`_LOOKING`, no digit), the other's turn right before them: what ``role`` says next answers it."""
    for k in range(len(segments) - 1, max(-1, len(segments) - 2 - _STALLS), -1):
        seg = segments[k]
        if seg["role"] != role:
            return k < len(segments) - 1
        text = seg["text"]
        if (
            len(text) > _STALL_CHARS
            or not any(map(text.__contains__, _STALL_HINTS))
            or _DIGIT.search(text) is not None
            or _LOOKING.search(text) is None
        ):
            return False
    return False


#: The longest stall (:func:`_stalled`): a longer breath says something of its own.
_STALL_CHARS = 60
#: Substrings one of which every :data:`_LOOKING` word holds (its cheap gate).
_STALL_HINTS = (
    "ang on", "old on", "sec", "moment", "minute", "ear with", "rest", "et me", "одожд", "огод", "екунд",
    "инут", "ейчас", "вижу", "стальн",
)  # fmt: skip


def _card_answer(text: str, segments: list[dict[str, Any]], role: str, plain: bool = False) -> bool:
    """Whether ``text`` of ``role`` says enough digits for a card (13) right after the other speaker
    asked for one (:func:`_request`). ``plain``: ``text`` is known to have no word of :data:`_NUMBERISH`
    (see :func:`_text_reason`), so none of the number words split below (each is a word of it)."""
    if _ASCII_DIGIT.search(text) is None and (plain or NUMBER_WORDS.isdisjoint(text.lower().split())):
        return False
    if _readable_digits(text) < 13:
        return False
    card = _request(segments, role, lambda k: "card" if asks_for_card(segments[k]["text"]) else None)
    return card is not None


#: Segments of one speaker this close (seconds) may split one dictated number or e-mail address.
SEAM_GAP = 4.0
#: Words an e-mail said aloud continues with ("ivan dot petrov" / "at gmail dot com").
_EMAIL_JOINS = EMAIL_WORDS | {"@"}
_EMAIL_ENDS = tuple(_EMAIL_JOINS)
_NUMBERISH = NUMBER_WORDS | DIGIT_NOUNS | DIGIT_NOUN | {"oh", "double", "triple"}
#: The word a passport's number starts with when its series was said in the segment before.
_NUMBER_PART_HEADS = frozenset({"номер", "number", "no"})
_SERIES_WORD = re.compile(r"(?<![^\W\d_])(?:сери[яию]|series)(?![^\W\d_])", re.IGNORECASE)
_HEAD = re.compile(r"[^\w@]*(@|\w+)")


_WORD_TAIL = re.compile(r"[^\W_]+$")


def _last_word(text: str) -> str:
    """The last word of ``text``: "715" of "524-715.", "415" of "(415)", "@" of "ivan@"."""
    text = text.rstrip(" —–-")  # a dash that breaks the number off ("212 —" / "2482486.")
    word = text[text.rfind(" ", 0, len(text) - 1) + 1 :].strip(" .,!?;:…)]")
    if word.endswith("@"):
        return "@"
    m = _WORD_TAIL.search(word)
    return m.group().lower() if m is not None else ""


def _head(text: str) -> str:
    m = _HEAD.match(text)
    return m.group(1).lower() if m is not None else ""


#: An IBAN's country code and check digits, and maybe its bank code, ending a breath ("it's NL23
#: ABNA," / "0685 0337 40."): its digits go on in the next.
_IBAN_START = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[\s-]?[A-Z0-9]{1,4}){0,3}[\s,.…-]*$")


def _seam(before: str, head: str) -> bool:
    """Whether PII may run from the end of ``before`` into the next segment of the same speaker,
    which starts with the word ``head``: digits after digits or after a cue ("my number is" /
    "8 916 ..."), or an e-mail's "at"/"dot"/"@" at the seam. Cheap (about a microsecond): most
    pairs are decided by the first word of the next segment and the last of ``before``."""
    if head.isdigit() or head in _NUMBERISH:
        tail = _last_word(before)
        return (
            _ends_in_digit(before, tail)
            or tail in _EMAIL_JOINS
            or cue_at_end(before)
            or (_IBAN_START.search(before[-40:]) is not None)
        )
    if head in _HOMOPHONES:
        # the next breath opens with a digit Whisper wrote as a word ("Sure, four ate five..." / "won too
        # six..."): only after a digit or number word ("... for the deposit" is no digit)
        return _ends_in_digit(before, _last_word(before))
    if head in _NUMBER_PART_HEADS:  # "серия 98 14" / "номер 242282": a passport said in two breaths
        tail = _last_word(before)
        return (tail.isdigit() or tail in _NUMBERISH) and _SERIES_WORD.search(before) is not None
    if head in _EMAIL_JOINS:
        return True
    # "ivan dot petrov at" / "gmail dot com": the suffix test spares most pairs the word split
    return before[-10:].rstrip(" .,").lower().endswith(_EMAIL_ENDS) and _last_word(before) in _EMAIL_JOINS


#: The letters a homophone (:data:`_HOMOPHONES`) starts with, in either case: the only first words of a
#: text with no digit, number word nor e-mail's join (see :func:`_unled`) that :func:`_seam` may join to
#: such a segment before (a homophone may read as a digit after a letter "o" ending the cut tail of it:
#: "... anyone o" / "for ..."; the other first words it joins need a digit or number word before).
_HOMOPHONE_STARTS = "".join(sorted({w[0] for w in _HOMOPHONES} | {w[0].upper() for w in _HOMOPHONES}))

#: An ID's letters, a breath of their own between its digits ("семьдесят семь..." / "МН..." / ...).
_SERIES_LETTERS = re.compile(r"[A-ZА-ЯЁ](?:[\s-]?[A-ZА-ЯЁ]){0,2}")
#: The longest breath such letters make ("М-Н...", "A B C..."): longer ones are looked at no further.
_SERIES_CHARS = 8


def _series_letters_between(before: str, text: str, head: str) -> bool:
    """Whether ``text`` (its first word ``head``) is nothing but an ID's capitals said after digits
    ("77..." / "МН..."), or digits after such a breath ("МН..." / "42 08 15."): breaths of one number
    the seam pass joins as it joins digits to digits."""
    if head.isdigit() or head in _NUMBERISH:
        return before[:2].isupper() and _SERIES_LETTERS.fullmatch(before.strip(_PIECE_END)) is not None
    if not text[:2].isupper() or _SERIES_LETTERS.fullmatch(text.strip(_PIECE_END)) is None:
        return False  # ("Okay." is told by its first two letters)
    tail = _last_word(before)
    return tail.isdigit() or tail in _NUMBERISH


def _ends_in_digit(before: str, tail: str) -> bool:
    """Whether ``before``, its last word ``tail``, ends in a digit as said: a digit, a number word, a
    digit Whisper wrote as a word ("It's three for seven for...." / "nine oh ..."), or a letter "o"
    after one ("oh seven nine o..." / "niner for two...")."""
    return (
        tail.isdigit()
        or tail in _NUMBERISH
        or (tail in _HOMOPHONES and _last_word(_homophones_as_digits(before[-60:])).isdigit())
        or (tail == "o" and _said_digit_before(before))
    )


def _said_digit_before(text: str) -> bool:
    """Whether the word before the last of ``text`` is a digit or a number word (a letter "o" after it
    is a zero: "five o...")."""
    words = _NO_PUNCT.sub(" ", text[-40:]).split()
    return len(words) > 1 and (words[-2].isdigit() or words[-2].lower() in _NUMBERISH)


#: Words leading a group of a number dictated a group a breath ("the next four are 1621", "следующие
#: четыре 3523", "дальше 0961", "and the last four are 5775"): no digits of it ("четыре" counts them).
_GROUP_LEAD = re.compile(
    # "Нет, я говорю, дальше 22 ...", "Да, и дальше 4106" after "а дальше?"
    r"(?:[\s,]*(?:так|ну|и|а|дальше|потом|затем|and|okay|ok|so|then|нет|да|no|yes|yeah|я\s+говорю|i\s+said)"
    r"(?![^\W\d_]))*[\s,]*"
    r"(?:(?:the\s+)?(?:first|next|last|final|second|third|fourth|other)\s+(?:(?P<count>four|three|two|five|six)\s+)?"
    r"(?:digits\s+|numbers\s+|group\s+)?(?:(?:are|is)\s+)?"
    r"|(?:первые|следующие|последние|вторые|третьи|четв[её]ртые)\s+(?:(?P<count_ru>четыре|три|две|пять|шесть)\s+)?"
    r"(?:цифры\s+)?)?[\s,:]*",
    re.IGNORECASE,
)


#: What a count word before a dictated group counts ("the first four are", "последние пять").
_COUNTS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
}  # fmt: skip
_FILLER_LEAD = re.compile(
    r"(?:[\s,.]*(?:так|ну|э+(?:-э+)*|дальше|потом|затем|so|um|uh|and|then|okay|ok)(?![^\W\d_]))*[\s,.]*",
    re.IGNORECASE,
)
_SAID_AGAIN_LEAD = re.compile(
    r"[\s,]*(?:no|нет|okay|ok|да|yes)[\s,]+(?:(?:i\s+said|я\s+говорю)[\s,]+)?(?=\d|\w)", re.I
)
_GROUP_LEAD_WORD = re.compile(
    r"first|next|last|final|second|third|fourth|other|then|первые|следующие|последние|вторые|третьи|четв"
    r"|дальше|потом|затем",
    re.IGNORECASE,
)


def _lead_end(text: str, asked_on: Callable[[], bool] | None = None) -> int:
    """Where the digits of ``text`` start after the words leading a dictated group (:data:`_GROUP_LEAD`),
    or the next piece of an e-mail after fillers; 0 when none lead them. ``asked_on``: whether the
    other speaker just asked for the rest (:data:`_GO_ON_ASK`), so fillers alone lead it too (asked
    last: most texts never need it)."""
    first = _PLAIN_FIRST_WORD.match(text)
    if first is not None and (word := first.group().lower()) not in _LEAD_WORDS and word.strip("э"):
        # a first word no lead starts with ("Okay" does, "Thanks" does not): both leads match
        # nothing, and only a sentence before the rest may lead (most texts; two costly matches spared)
        return _back_lead_end(text, asked_on)
    lead = _GROUP_LEAD.match(text)
    end = lead.end()  # type: ignore[union-attr]  # it matches the empty string
    # "Так, двадцать два ...": a filler, no group named, unless the rest was asked for ("повторите
    # конец?" / "Так, 118 739 40."); "No, I said, two six three." / "Okay, 5753." after "keep going" /
    # "repeat the last bit?": the rest of the number. (The digits after the lead are looked at
    # first: most texts open with "So, ..." or "Okay, ..." and no number, and those tests cost more.)
    if (
        end
        and ((head := _head(text[end:])).isdigit() or head in _NUMBERISH)
        and (
            _GROUP_LEAD_WORD.search(text, 0, end) is not None
            or _SAID_AGAIN_LEAD.match(text) is not None
            or (asked_on is not None and asked_on())
        )
    ):
        # "и последние пять две девятки три": "пять" is a digit when fewer follow than it counts
        group = "count" if lead.group("count") else "count_ru"  # type: ignore[union-attr]
        count = lead.group(group)  # type: ignore[union-attr]
        said = said_digits(dictated_digits(expand_repeats(text[end:])))
        if count and len(said) != _COUNTS[count.lower()]:
            return lead.start(group)  # type: ignore[union-attr]
        return end
    if back_end := _back_lead_end(text, asked_on):
        return back_end
    # an e-mail dictated a piece a breath: "Так, собака бэ ка", "So, at gmail", "Then dot com"
    end = _FILLER_LEAD.match(text).end()  # type: ignore[union-attr]
    return end if end and _head(text[end:]) in _EMAIL_JOINS else 0


def _back_lead_end(text: str, asked_on: Callable[[], bool] | None) -> int:
    """Where the rest of a number starts after a sentence about the line (:data:`_BACK_LEAD`), asked
    for by the other speaker; 0 when it does not."""
    if (
        asked_on is not None
        and ". " in text  # (a sentence first: most texts have none)
        and (back := _BACK_LEAD.match(text)) is not None
        and ((head := _head(text[back.end() :])).isdigit() or head in _NUMBERISH)
        and _NUMBERISH.isdisjoint(WORD_RE.findall(back.group().lower()))
        and asked_on()
    ):
        # "Алло? Вы меня слышите?" / "Да, слышу. Дальше: 2, 3682, ...", "Sorry, you cut out." / "Yeah,
        # sorry, bad signal. Then 1983.": a few words about the line, then the rest
        return back.end()
    return 0


#: A text's first word in plain Latin or Russian letters, a non-letter after it: when it is none of
#: :data:`_LEAD_WORDS` (nor "э", "ээ"), neither :data:`_GROUP_LEAD` nor :data:`_FILLER_LEAD` matches
#: anything, as each of their words must be a whole first word (its end is a non-letter or a space).
#: Only these letters: others may match a word's under IGNORECASE ("ſo", "K" for k), so those texts
#: take the two matches.
_PLAIN_FIRST_WORD = re.compile(r"[A-Za-zА-Яа-яЁё]+(?![^\W\d_])")
#: Every word :data:`_GROUP_LEAD` or :data:`_FILLER_LEAD` may start with (lower-case; "э+" apart).
_LEAD_WORDS = frozenset(
    {"так", "ну", "и", "а", "дальше", "потом", "затем", "and", "okay", "ok", "so", "then", "нет", "да",
     "no", "yes", "yeah", "я", "i", "the", "first", "next", "last", "final", "second", "third", "fourth",
     "other", "первые", "следующие", "последние", "вторые", "третьи", "четвертые", "четвёртые", "um",
     "uh"}
)  # fmt: skip


#: The words besides :data:`_NUMBERISH` that :func:`_lead_end` reads a lead to: an e-mail's joins.
_LEAD_HEADS = _EMAIL_JOINS - _NUMBERISH


def _unled(text: str, words: list[str]) -> bool:
    """Whether :func:`_lead_end` is 0 for ``text`` (its lower-case ``words``, none of :data:`_NUMBERISH`),
    whoever asked what: it has no digit, no "@" and none of :data:`_LEAD_HEADS`. Every lead it reads
    is followed by a digit, a number word or an e-mail's join (the word :func:`_head` reads after it:
    a whole word of the text, one of ``words``, or a digit right after the lead's last letter). A
    digit (``str.isdigit``: superscripts too, which a pattern's digit class leaves out) is a word
    character and its own lower case: in ``words``, which then are not all letters."""
    return "@" not in text and _LEAD_HEADS.isdisjoint(words) and "".join(words).isalpha()


#: A sentence of a few words before the rest of a number (see :func:`_lead_end`), perhaps with a word
#: that goes on ("Да, слышу. Дальше: ", "Yes, sorry. ", "Да-да, связь пропадала. Дальше ").
_BACK_LEAD = re.compile(
    r"\W*(?:[^\W\d_]+(?:-[^\W\d_]+)*[\s,]+){0,4}[^\W\d_]+(?:-[^\W\d_]+)*[.!:]+\s*"
    r"(?:(?:дальше|потом|затем|then|so)(?![^\W\d_])[\s,:]*)?"
    r"(?=\d|[^\W\d_])",
    re.IGNORECASE,
)


def _says_number(text: str, head: str, plain: Set[str] = frozenset()) -> bool:
    """Whether ``text`` may hold a number: a digit, or number words ("Yeah, it's nine one seven").
    ``plain``: texts known to have no word (``WORD_RE``) of :data:`_NUMBERISH`, so none of the words
    split below: each of those is all word characters between spaces and punctuation, one of the
    text's ``WORD_RE`` words too."""
    if head.isdigit() or head in _NUMBERISH or _DIGIT.search(text):
        return True
    if text in plain:
        return False
    # words split on spaces, their punctuation off: a third of WORD_RE's cost on every segment
    return len(_NUMBERISH.intersection(_NO_PUNCT.sub(" ", text.lower()).split())) >= 2


def _near(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    return (after.get("start") or 0.0) - (before.get("end") or 0.0) <= SEAM_GAP


#: Words besides digits and number words of the other speaker's turn that keeps a dictation going
#: ("двадцать два ноль ноль двадцать девять, так, дальше.", "Okay, and?"): more, and it is a turn.
_BRIDGE_WORDS = 4
#: Words of an ask for the rest of a dictation that still bridges it ("Секунду, я не успеваю записывать,
#: ещё раз последнее?"): more, and it says something of its own.
_GO_ON_WORDS = 10


def _bridged(segments: list[dict[str, Any]], j: int, i: int) -> bool:
    """Whether only the other speaker's short echoes and go-aheads, each close to the one before,
    stand between ``segments[j]`` and ``segments[i]`` of one speaker: the speaker waited for them, so
    the pause is no end of the number ("... двадцать девять двадцать три." / the agent echoing it /
    "ноль сто девяносто пять.")."""
    for k in range(j + 1, i + 1):
        if not _near(segments[k - 1], segments[k]) and not (k - 1 > j and _holds(segments[k - 1]["text"])):
            return False  # (the line's silence after "please hold" is the hold's)
        if k < i:
            text = segments[k]["text"]
            if "[" in text and PLACEHOLDER_RE.search(text):  # a number of their own
                return False
            words = _NO_PUNCT.sub(" ", text.lower()).split()
            if sum(not (w.isdigit() or w in _NUMBERISH) for w in words) > _BRIDGE_WORDS and not (
                # "Алло, вас плохо слышно, повторите конец?": a longer ask for the rest is no turn
                (len(words) <= _GO_ON_WORDS and _GO_ON_ASK.search(text) is not None)
                # "Так, минутку, система подвисла, не кладите трубку." / the queue's recording / "Спасибо
                # за ожидание. Да, дальше.": the agent holds the line, the dictation waits
                or (len(words) <= _HOLD_WORDS and _holds(text))
            ):
                return False
    return j + 1 < i


#: The other speaker putting the line on hold, the queue's recording, their return from it, or a check
#: that the line is still there ("не кладите трубку", "ваш звонок очень важен для нас", "спасибо за
#: ожидание", "please hold", "thanks for holding", "I'm back", "Алло? Вы меня слышите?", "Sorry, you cut
#: out."): between two pieces of a number, no turn of their own.
_HOLD = re.compile(
    r"(?<![^\W\d_])(?:не\s+кладите\s+трубку|оставайтесь\s+на\s+линии|ваш\s+звонок\s+(?:очень\s+)?важен|"
    r"первый\s+освободивш\w+|спасибо\s+за\s+ожидание|(?:система|программа|компьютер)\s+(?:под)?завис\w*|"
    r"вы\s+меня\s+слышите|вы\s+пропали|(?:вас\s+)?(?:не|плохо)\s+слышно|связь\s+пропал\w*|"
    r"please\s+hold|stay\s+on\s+the\s+line|your\s+call\s+is\s+(?:very\s+)?important|"
    r"thanks?(?:\s+you)?\s+for\s+(?:holding|waiting|your\s+patience)|be\s+with\s+you\s+shortly|i'?m\s+back|"
    r"(?:system|computer)\s+(?:froze|is\s+frozen)|are\s+you\s+(?:still\s+)?there|can\s+you\s+hear\s+me|"
    r"you\s+cut\s+out|you(?:'re|\s+are)\s+breaking\s+up)(?![^\W\d_])",
    re.IGNORECASE,
)
#: Words of such a turn that still bridges a dictation (the queue's recording is long).
_HOLD_WORDS = 16
#: Its cheap gate: a turn holding none of these is none (most turns).
_HOLD_HINTS = (
    "трубку", "на линии", "важен", "освободивш", "ожидание", "завис", "слыш", "пропал", "hold", "line",
    "important", "waiting", "patience", "shortly", "back", "froze", "frozen", "there", "hear", "cut out",
    "breaking",
)  # fmt: skip


def _holds(text: str) -> bool:
    """Whether ``text`` holds the line (:data:`_HOLD`): no digit of its own."""
    return (
        any(map(text.__contains__, _HOLD_HINTS))
        and _HOLD.search(text) is not None
        and _DIGIT.search(text) is None
    )


def _asks_between(segments: list[dict[str, Any]], j: int, i: int) -> bool:
    """Whether the other speaker asks for an identity number (or another number, by a question)
    between ``segments[j]`` and ``segments[i]``: what follows answers it, a new number, not the rest
    of the one before ("по убытку 377168." / "Номер полиса ДМС, пожалуйста." / "семьдесят пять
    восемьдесят пять, ...")."""
    for k in range(j + 1, i):
        text = segments[k]["text"]
        if not _asks(text) or _GO_ON_ASK.search(text) is not None or _holds(text):
            # "Подождите, это начало номера было?" asks for the rest of the same number; "Please stay on
            # the line" holds it (no phone line asked for)
            continue
        # "Так, номер?" after a passport's series asks for the rest of that passport: its number
        if (
            asked_id(text) is None
            and not has_cue(_NUMBER_WORD.sub(" ", text))
            and _asked(segments, segments[j]["role"], j) == "passport"
        ):
            continue
        return True
    return False


_NUMBER_WORD = re.compile(r"(?<![^\W\d_])(?:номер|number)(?![^\W\d_])", re.IGNORECASE)


def _asks(text: str) -> bool:
    """Whether ``text`` asks for an identity number, or asks a question naming what it wants next
    ("Ваш номер?", "And your phone number?")."""
    return (
        asked_id(text) is not None
        or (text.rstrip().endswith("?") and cue_at_end(text))
        or asks_for_reference(text)  # "Проверяю: ..., КПП?": the next number is the KPP
        or asks_for_card(text)  # "Диктуйте номер карты, я внесу платёж.": a card, not the order before
        # a card's expiry or code after the card: "Срок действия?" / "03/27." is no more of the card
        or _EXPIRY_ASK.search(text) is not None
        or asks_cvv(text)
        # "И телефон, мастер перезвонит.": a phone asked for without a question mark
        or (names_phone(text) and _DIGIT.search(text) is None)
        # "Какая сумма была?", "Показания горячей воды?": an amount or a meter reading next, no more of
        # the number before ("104220729595" / ... / "4 639 рублей", "158426575." / ... / "05457")
        or (_MEASURE_ASK.search(text) is not None and text.rstrip().endswith("?"))
    )


_MEASURE_ASK = re.compile(
    r"(?<![^\W\d_])(?:сумм[аыуе]|сколько\s+(?:стоит|стоил|было|заплатил|списал|денег|спишут)|how\s+much|"
    r"(?:what|which)\s+(?:was\s+the\s+|is\s+the\s+)?amount|the\s+amount|показани[яей]|"
    r"(?:meter\s+)?readings?)(?![^\W\d_])",
    re.IGNORECASE,
)


_EXPIRY_ASK = re.compile(
    r"(?<![^\W\d_])(?:срок\w*\s+действия|действует\s+до|expir\w*|valid\s+(?:thru|through|until))",
    re.IGNORECASE,
)


def _after_other(segments: list[dict[str, Any]], i: int, says: Callable[[str], bool]) -> bool:
    """Whether the other speaker's segment right before ``segments[i]`` (and close to it) ``says``
    something about it: asks for PII (:func:`cue_at_end`), or for a reference (:func:`asks_for_reference`)."""
    if i == 0:
        return False
    before = segments[i - 1]
    return (
        before.get("role") != segments[i].get("role") and _near(before, segments[i]) and says(before["text"])
    )


def _printable(text: str) -> str:
    """``text`` without control characters (not speech, never stored)."""
    return text if text.isprintable() else " ".join(_CONTROL.sub(" ", text).split())


#: Join the pieces of a seam run: first with one separator kind for the whole number ("8 917..." +
#: "800." + "61 70," read as "8 917, 800, 61 70"), whatever pause dots Whisper ended each piece
#: with; then with a space, as an e-mail said aloud reads ("ivan dot petrov at" + "gmail dot com").
_SEAM_JOINS = (", ", " ")
_PIECE_END = " .,…—–"


#: A Russian passport's digits: the identity number a reference's ten digits may be shaped like.
_PASSPORT_DIGITS = 10


def _read_joined(
    parts: list[str], options: FilterOptions, asked: str | None
) -> tuple[str, str, str, dict[str, int]] | None:
    """``parts`` (breaths of one number) joined as a pause (", "), then as run-on speech, and
    redacted: (the join, the joined text, its redaction, the counts) of the first join in which
    something was found, or None."""
    for sep in _SEAM_JOINS:
        joined = sep.join(parts)
        redacted, found = _redact(joined, options, asked=asked)
        if found:
            return sep, joined, redacted, found
    return None


def _split_back(parts: list[str], joined: str, redacted: str, sep: str) -> list[str]:
    """``redacted`` (the redaction of ``parts`` joined by ``sep``) cut back into one text per part:
    a change inside a part stays there, one across a seam ("8 916" + "123 45 67" → "[PHONE]") goes
    into every part it touched, so no part keeps a piece of the number. A placeholder is aligned
    whole: its letters never match the text's ("[PHO" / "NE]" of "…two six" / "Nine sixty-four …")."""
    parts = [PLACEHOLDER_RE.sub(_placeholder_char, part) for part in parts]
    joined = sep.join(parts)
    redacted = PLACEHOLDER_RE.sub(_placeholder_char, redacted)
    bounds, pos = [], 0
    for part in parts:
        bounds.append((pos, pos + len(part)))
        pos += len(part) + len(sep)
    pieces: list[list[str]] = [[] for _ in parts]
    matcher = difflib.SequenceMatcher(None, joined, redacted, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k, (lo, hi) in enumerate(bounds):
                a, b = max(i1, lo), min(i2, hi)
                if a < b:
                    pieces[k].append(redacted[j1 + a - i1 : j1 + b - i1])
            continue
        touched = [k for k, (lo, hi) in enumerate(bounds) if max(i1, lo) < min(i2, hi)]
        if not touched:  # an insertion: into the part it sits in (or ends)
            touched = [next(k for k, (lo, hi) in enumerate(bounds) if i1 <= hi)]
        for k in touched:
            pieces[k].append(redacted[j1:j2])
    return [" ".join("".join(p).split()).translate(_PLACEHOLDER_OF_CHAR) for p in pieces]


#: Each placeholder as one private-use character while texts are aligned (see :func:`_split_back`).
_PLACEHOLDER_CHARS = {kind: chr(0xE020 + i) for i, kind in enumerate(("PHONE", "CARD", "ID", "EMAIL"))}
_PLACEHOLDER_OF_CHAR = {ord(char): f"[{kind}]" for kind, char in _PLACEHOLDER_CHARS.items()}


def _placeholder_char(m: re.Match[str]) -> str:
    return _PLACEHOLDER_CHARS[m.group(1)]


@dataclass
class _Run:
    """Segments of one speaker redacted together; ``cue``: the other speaker's segment just
    before, read for its cue ("What's your phone number?") and never changed."""

    segments: list[int]
    cue: int | None = None


_PLUS = re.compile(r"(?:\+|(?<![^\W\d_])(?:plus|плюс)(?![^\W\d_]))\s*,?\s*(?:\d|[^\W\d_]+)", re.IGNORECASE)


def _only_a_phone(text: str) -> bool:
    """Whether the number in ``text`` has a shape only phones have: an international prefix, or a
    Russian mobile with its trunk prefix (8/7 9xx, 11 digits; without it, "916 203 47 18" after
    "Лицевой счёт?" may be the account)."""
    if _PLUS.search(text) is not None:
        return True
    return only_a_phone(next(_code_views(text)))


#: An answer opening by saying it has not got what was asked: the number it gives is something else.
_DECLINES = re.compile(
    r"\W*(?:(?:no|нет|ну|so|um|uh|hmm|хм)\W+)*(?:i'?m\s+)?(?:not\s+sure|no\s+idea|i\s+don'?t\s+(?:know|have|remember)"
    r"|(?:я\s+)?не\s+(?:знаю|помню)|не\s+могу\s+найти|(?:у\s+меня\s+)?нет\s+под\s+рукой)(?![^\W\d_])",
    re.IGNORECASE,
)


def _answers_reference(
    segments: list[dict[str, Any]], said: list[str], options: FilterOptions, pii: Counter[str]
) -> None:
    """A bare number answering the other speaker's question about a reference ("Ваш ИНН?" /
    "7707083893.", "What's your order number?" / "seven one one ...") is that reference, not the
    phone its shape suggests: such a segment is redacted again as said (``said``), after the
    question, and keeps what that finds. A number only a phone is shaped like (a plus, a Russian
    mobile with its 8) stays a phone: "Номер договора?" / "+7 916 203 47 18" answers with a phone."""
    for i, seg in enumerate(segments):
        if "[PHONE]" not in seg["text"]:
            if "[CARD]" in seg["text"] and _after_other(segments, i, asks_for_reference):
                _reference_not_card(segments, i, _printable(said[i]), options, pii)
            continue
        if not _after_other(segments, i, asks_for_reference):
            continue
        part = segments[i - 1]["text"].rstrip(_PIECE_END)
        answer = _printable(said[i])
        # a phone by its shape, or named in the answer itself ("не помню, давайте по телефону: ..."),
        # or given instead of the reference ("Not sure, try looking it up by my number, 214-889-9147.")
        if _only_a_phone(answer) or names_phone(answer) or _DECLINES.match(answer) is not None:
            continue
        joined = f"{part}, {answer}"
        redacted, found = _redact(joined, options)
        if found.get("PHONE", 0):
            # the reference named further from the question's end than the digits' context reaches
            # ("What's the account number on the bill?" / "It's 646 203 7718."): when the answer is
            # that one number and nothing more, no phone either
            alone, alone_found = _redact(answer, options)
            if alone_found != {"PHONE": 1} or _DIGIT.search(alone) is not None:
                continue
            redacted, found = _redact(answer, options._without_phones)
            joined, part = answer, ""
        pii.subtract({"PHONE": seg["text"].count("[PHONE]")})
        pii.update(found)
        text = _split_back([part, answer], joined, redacted, ", ")[1] if part else redacted
        segments[i] = {**seg, "text": text}


def _reference_not_card(
    segments: list[dict[str, Any]], i: int, answer: str, options: FilterOptions, pii: Counter[str]
) -> None:
    """A card found in the answer to a question about a reference ("Order number?" /
    "111-3078854-8048057.", "what's the tracking number?" / "It's 9400 1407 0028 3824 3677 71."):
    Luhn passes one number in ten, so only a card read out as one (:func:`processors.pii.card_grouped`)
    stays a card; else the answer is redacted again without cards."""
    if (
        asks_for_card(segments[i - 1]["text"])
        or names_card(answer)  # "I'll just give you the card I paid with, 3495 zero two ..."
        or card_grouped(normalise_numbers(strip_disfluencies(answer)))
    ):
        return
    redacted, found = _redact(answer, options._without_cards)
    pii.subtract({"CARD": segments[i]["text"].count("[CARD]")})
    pii.update(found)
    segments[i] = {**segments[i], "text": redacted}


#: A segment that ends in a placeholder, and one that is nothing but a short digit group.
_ENDS_IN_PLACEHOLDER = re.compile(r"\[(?:PHONE|CARD|ID)\][\s.,…]*$")
_BARE_GROUP = re.compile(r"[\s,]*(?:\d{2,4}|\d\d[\s-]\d\d)[\s.,…]*")  # "5921", "94 12"
#: A number's placeholder the speaker broke off after ("счёт [ID]..."), and a group of 2-4 digits that
#: opens the next breath before a comma and more ("6020, БИК 044525225"): the number's last group.
_BROKEN_OFF = re.compile(r"\[(?:PHONE|CARD|ID)\]\s*(?:\.\.\.|…|,)?\s*$")
_OPENING_GROUP = re.compile(
    rf"[\s,]*(?:\d{{2,4}}|(?:{NUMBER_WORD}|oh(?![^\W\d_]))(?:[\s-]+(?:{NUMBER_WORD}|oh(?![^\W\d_])))*)(?=,\s*\S)",
    re.IGNORECASE,
)


def _placeholder_tails(segments: list[dict[str, Any]]) -> None:
    """The last group of a number said in the next breath after the rest was redacted ("my cell is
    +44 20 8617" / "Yes, I'm listening." / "5921..."): the same placeholder, not counted again. Only a
    bare group of 2-4 digits, close in time, with no question of the other speaker in between, or
    one opening its breath before a comma when the number broke off ("счёт [ID]..." / "6020, БИК ...")."""
    for i, seg in enumerate(segments):
        found = _ENDS_IN_PLACEHOLDER.search(seg["text"])
        if found is None:
            continue
        placeholder = found.group().strip(" .,…")
        for j in range(i + 1, min(i + 4, len(segments))):
            nxt = segments[j]
            if nxt["role"] != seg["role"]:
                if "?" in nxt["text"] and _GO_ON_ASK.search(nxt["text"]) is None:
                    break  # a question of its own; "а дальше?" asks for the rest
                continue
            if not _near(segments[j - 1], nxt):
                break
            lead = _lead_end(nxt["text"])  # "Да, и дальше 4106."
            rest = nxt["text"][lead:]
            if _BARE_GROUP.fullmatch(rest) or _bare_group_said(rest):
                tail = rest[len(rest.rstrip(" .,…")) :]
                segments[j] = {**nxt, "text": nxt["text"][:lead] + placeholder + tail}
            elif (
                _BROKEN_OFF.search(seg["text"])
                and (group := _OPENING_GROUP.match(nxt["text"])) is not None
                and 2 <= _readable_digits(group.group()) <= 4
                and not is_amount(nxt["text"], group.start(), group.end())
            ):
                segments[j] = {**nxt, "text": placeholder + nxt["text"][group.end() :]}
            break


#: The other speaker asking for the rest of a number ("Простите, вы пропадаете, а дальше?").
_GO_ON_ASK = re.compile(
    r"(?<![^\W\d_])(?:(?:а\s+дальше|и\s+дальше|дальше|and\s+then|then\s+what|what'?s\s+next|"
    r"начало\s+номера(?:\s+было)?|(?:start|beginning)\s+of\s+it|"
    r"(?:repeat|say)\s+the\s+last\s+(?:bit|part|digits?|few)|"
    r"ещё\s+раз\s+последн\w*|повторите(?:\s+(?:конец|последн\w*|ещё\s+раз))?)\s*\?"
    # "Hold on, I'm writing it down, keep going.", "You're breaking up a little, go on." ("Go ahead with
    # the card number." asks for a new one)
    r"|keep\s+going|carry\s+on|go\s+(?:on|ahead)(?=[\s.?!]*$)|продолжайте|диктуйте\s+дальше"
    # which digit it was: "Извините, там пять или девять было?", "Sorry, was that a five or a nine?"
    rf"|(?:{NUMBER_WORD}|\d)\s+(?:или|or)\s+(?:an?\s+)?(?:{NUMBER_WORD}|\d)[^?]{{0,20}}\?"
    # a bare "and?" after a go-ahead is all the turn says ("Okay, and?", "Так, и?"): the rest, please
    r"|^\W*(?:(?:okay|ok|right|yes|yeah|uh-huh|mm-hmm|так|да|угу|ага)\W+)*(?:and|и)\s*\?\W*$)",
    re.IGNORECASE,
)


def _asked_on(segments: list[dict[str, Any]], i: int) -> bool:
    """Whether the turn before ``segments[i]`` is the other speaker's ask for the rest of a dictation."""
    return (
        i > 0
        and segments[i - 1].get("role") != segments[i].get("role")
        and (_GO_ON_ASK.search(segments[i - 1]["text"]) is not None or _holds(segments[i - 1]["text"]))
    )


def _bare_group_said(text: str) -> bool:
    """Whether ``text`` is nothing but a group of 2-4 digits said in words ("nine six six nine.")."""
    words = _NO_PUNCT.sub(" ", text.lower()).split()
    if not words or not all(w in _NUMBERISH or w in _THOUSANDS for w in words):
        return False
    # "Девять тысяч двести двадцать девять" is 9229, "nine six six nine" 9669
    return any(2 <= len(said_digits(view)) <= 4 for view in (normalise_numbers(text), dictated_digits(text)))


_THOUSANDS = frozenset({"тысяча", "тысячи", "тысяч", "thousand"})


#: A segment that starts with a placeholder.
_STARTS_WITH_PLACEHOLDER = re.compile(r"\W*\[(PHONE|CARD|ID)\]")
#: Digits a number's first group said before the breath the rest is redacted in holds.
_HEAD_DIGITS = range(2, 7)


def _asks_for_a_number(text: str) -> bool:
    return cue_at_end(text) or (_asks(text) and _EXPIRY_ASK.search(text) is None)


def _placeholder_heads(segments: list[dict[str, Any]]) -> None:
    """The first group of a number said at the end of a breath whose rest, in the speaker's next
    segment, was redacted ("The policy number is H X ninety fifty-nine." / "Okay, and?" / "[ID]."):
    the same placeholder, not counted again. Only a group of 2-6 digits that ends its segment right
    after a word that announces a number (not a year, an amount or a reference), or is the whole
    segment right after the other speaker asked for a number, with nothing but the other speaker's
    short go-aheads between."""
    for i, seg in enumerate(segments):
        lead = _STARTS_WITH_PLACEHOLDER.match(seg["text"])
        if lead is None:
            continue
        # (three breaths back; five when the other speaker held the line between)
        back = i - 6 if i > 1 and _holds(segments[i - 1]["text"]) else i - 4
        j = next((k for k in range(i - 1, max(-1, back), -1) if segments[k]["role"] == seg["role"]), None)
        if j is None or not (_near(segments[j], seg) if j == i - 1 else _bridged(segments, j, i)):
            continue
        if j < i - 1 and _asks_between(segments, j, i):
            continue  # "Мой номер 305." / "Назовите СНИЛС." / "[ID].": the answer is a number of its own
        view = normalise_numbers(strip_disfluencies(segments[j]["text"]))
        end = len(view.rstrip(_PIECE_END))  # "Сейчас, 7505 —" / "Да." / "[ID]."
        head = next((m for m in SAID_RUN.finditer(view) if m.end() == end), None)
        if (
            head is None
            or is_amount(view, head.start(), head.end())
            or names_reference(view, head.start())
            or not (
                cue_at_end(view[: head.start()].rstrip(" ,:"))
                # the whole breath is the group, right after the other speaker's request ("Номер
                # полиса ДМС, пожалуйста." / "семьдесят пять восемьдесят пять," / "Да." / "[ID].")
                # (or after one word naming it: "Права: 54 46" / "ага." / "[ID]")
                or (
                    len(view[: head.start()].split()) <= 1
                    # (any request for a number: "Номер вашего счёта, куда перечислять, продиктуйте.";
                    # not an expiry's: "Срок действия?" / "12/26." / "Код?" / "[CARD]")
                    and _after_other(segments, j, _asks_for_a_number)
                )
            )
        ):
            continue
        digits = said_digits(head.group())
        if len(digits) in _HEAD_DIGITS and not is_year(digits):
            placeholder = f"[{lead.group(1)}]"
            segments[j] = {**segments[j], "text": f"{view[: head.start()]}{placeholder}{view[end:]}"}


#: Four digits said right before an identity number's placeholder in the same breath: its series
#: ("Серия и номер девяносто девять семьдесят три, [ID]").
#: Also with the number's word or sign between ("45 07 № [ID]", "52 11, номер, [ID]"), and its digits
#: grouped as number words read ("Сорок пять ноль восемь, номер [ID]" → "45 0 8"; no group of a longer
#: number before them).
_SERIES_BEFORE_ID = re.compile(
    r"(?<![\w\d])(\d\d[\s-]?\d\d|(?<!\d[\s-])\d(?:[\s-]?\d){3})(?=[\s,:;№-])[\s,:;-]*"
    r"(?:(?:№|номер|number)[\s,:;-]*)?(?=\[ID\])",
    re.I,
)


def _series_heads(segments: list[dict[str, Any]]) -> None:
    """A 4-digit series said right before a redacted identity number (see :data:`_SERIES_BEFORE_ID`)
    goes into its placeholder (not counted again); not a year, an amount or a reference."""
    for i, seg in enumerate(segments):
        if "[ID]" not in seg["text"]:
            continue
        view = normalise_numbers(seg["text"])
        m = _SERIES_BEFORE_ID.search(view)
        if (
            m is None
            or is_year(said_digits(m.group(1)))
            or is_amount(view, m.start(1), m.end(1))
            or names_reference(view, m.start(1))
        ):
            continue
        segments[i] = {**seg, "text": view[: m.start()] + view[m.end() :]}


#: Capital letters said one by one right before an identity number's placeholder ("member ID W [ID]",
#: "X J H, [ID]", "It's H [ID]"): its prefix (a member, policy or licence number's letters). A lone
#: pronoun or one-letter word ("I", "A", "В", "С") is no prefix.
_LETTERS_BEFORE_ID = re.compile(
    r"(?<![\w'’\[\].-])(?:(?:[A-ZА-ЯЁ][\s,]+){1,2}[A-ZА-ЯЁ]|[B-HJ-ZБГДЕЁЖЗЙЛМНПРТФХЦЧШЩЭЮ])[\s,]+(?=\[ID\])"
)


def _letters_before_ids(segments: list[dict[str, Any]]) -> None:
    """The letters an identity number starts with, said before its digits and left outside its
    placeholder, go into it (the number's, not counted again)."""
    for i, seg in enumerate(segments):
        if "[ID]" in seg["text"]:
            text = _LETTERS_BEFORE_ID.sub("", seg["text"])
            if text != seg["text"]:
                segments[i] = {**seg, "text": text}


_READ_BACK_WORDS = re.compile(READ_BACK_CUE, re.IGNORECASE)
_READ_BACK = re.compile(rf"({READ_BACK_CUE}[\s:,—–-]*)\d(?:[\s‑–-]?\d){{3}}(?!\d)", re.IGNORECASE)
#: Segments back a read-back may refer to.
_READ_BACK_SEGMENTS = 3
_CARD_WORDS = re.compile(r"(?<![^\W\d_])(?:card|visa|master|карт|виза|мир)", re.IGNORECASE)


def _read_backs(segments: list[dict[str, Any]]) -> None:
    """The last four digits of a phone read back right after it was given ("It's [PHONE]." /
    "Ending in 9848, right?", also in words) are that phone's: redacted with its placeholder, not
    counted again. A card's last four ("card ending in 4242", or after a [CARD]) are no PII and stay."""
    for i, seg in enumerate(segments):
        text = seg["text"]
        if _READ_BACK_WORDS.search(text) is None or _CARD_WORDS.search(text) is not None:
            continue
        if _READ_BACK.search(text) is None:
            text = normalise_numbers(text)  # "ending in nine eight four eight"
            if _READ_BACK.search(text) is None:
                continue
        recent = PLACEHOLDER_RE.findall(
            " ".join(s["text"] for s in segments[max(0, i - _READ_BACK_SEGMENTS) : i])
        )
        if recent and recent[-1] == "PHONE":
            segments[i] = {**seg, "text": _READ_BACK.sub(r"\1[PHONE]", text)}


_GROUP_RUN = re.compile(
    rf"(?<![^\W\d_])(?:\d+|{NUMBER_WORD})(?:[\s,-]+(?:\d+|{NUMBER_WORD}))*(?![^\W\d_])", re.IGNORECASE
)
#: Words besides the digits of such an answer, and the digits of each group it says again.
_CORRECTION_WORDS, _CORRECTION_GROUP = 10, 4


def _corrected_groups(segments: list[dict[str, Any]]) -> None:
    """A group of a phone the speaker corrects right after the other read it back ("So [PHONE]?" /
    "Four four zero eight, actually."): the same phone's digits, redacted with its placeholder, not
    counted again. Only a short turn with a word that corrects, groups of 1-4 digits each, the phone
    given by this speaker in the segments before the read-back."""
    for i in range(2, len(segments)):
        seg, back = segments[i], segments[i - 1]
        role, text = seg["role"], seg["text"]
        if (
            back["role"] == role
            or "[PHONE]" not in back["text"]
            or "?" not in back["text"][back["text"].rindex("[PHONE]") :]
            or CORRECTS.search(text) is None
            or not any(
                s["role"] == role and "[PHONE]" in s["text"]
                for s in segments[max(0, i - 1 - _READ_BACK_SEGMENTS) : i - 1]
            )
        ):
            continue
        runs = [m for m in _GROUP_RUN.finditer(text) if not is_amount(text, m.start(), m.end())]
        if not runs or len(_GROUP_RUN.sub(" ", text).split()) > _CORRECTION_WORDS:
            continue
        if all(1 <= _readable_digits(m.group()) <= _CORRECTION_GROUP for m in runs):
            segments[i] = {**seg, "text": _replace_runs(text, runs, "[PHONE]")}


#: Segments after a redacted number in which its digits said again are that number's.
_ECHO_SEGMENTS = 4
#: Digits a number said again holds at least in full (7, any segment), at least with one of them
#: misheard (9), and in part (3, a short segment: at most _ECHO_WORDS words besides the digits, 3
#: words for a part of 3 digits: "661, mm-hmm.").
_ECHO_FULL, _ECHO_MISHEARD, _ECHO_PART = 7, 9, 3
_ECHO_WORDS, _ECHO_WORDS_3 = 6, 3
#: A word naming a group of a number ("Третья группа 1468, а не 1486", "the second group is ..."): a
#: segment about the number's digits, however long, whose groups are echoes of it.
_GROUP_WORD = re.compile(r"(?<![^\W\d_])(?:групп[аеуы]|group|block|блок)(?![^\W\d_])", re.I)
#: Variants of a number kept when its pieces are joined (each piece read two ways).
_ECHO_VARIANTS = 4


def _mostly_heard(said: str, heard: str) -> bool:
    """Whether the groups of ``said`` ("3774 8787 27693") that are groups of ``heard``, 3 digits or
    more each, are at least two and hold at least two thirds of its digits: a read-back with a
    group misheard ("8787" for "877831")."""
    groups = _DIGIT_GROUP.findall(said)
    known = [g for g in groups if len(g) >= 3 and g in heard]
    return len(known) >= 2 and 3 * sum(map(len, known)) >= 2 * sum(map(len, groups))


_DIGIT_GROUP = re.compile(r"\d+")


def _one_off(digits: str, heard: str) -> bool:
    """Whether ``digits`` are ``heard``'s, or a stretch of them, with at most one digit other or two
    next to each other swapped (a read-back's "1540" for "1504")."""
    n = len(digits)
    for k in range(len(heard) - n + 1):
        other = [i for i, (a, b) in enumerate(zip(digits, heard[k : k + n], strict=True)) if a != b]
        if len(other) <= 1:
            return True
        if len(other) == 2 and other[1] == other[0] + 1:
            i = other[0]
            if digits[i] == heard[k + i + 1] and digits[i + 1] == heard[k + i]:
                return True
    return False


#: A group of digits broken off and taken back, with the take-back after it ("2 1... sorry, "): cut out,
#: it leaves the number as meant.
_RESTARTED = re.compile(rf"\d(?:[ -]?\d)*[\s.,…—–-]*{TAKE_BACK.pattern}[\s.,…—–:-]*", re.IGNORECASE)


def _echoes(segments: list[dict[str, Any]], said: list[str], pii: Counter[str]) -> None:
    """Digits that say again a number redacted in the segments just before (``said``: the segments
    as said) are that number's, whatever their shape or cue, and take its placeholder (not counted
    again): its speaker repeating it ("Sorry, could you repeat that?" / "five seven two seven ..."),
    the other reading it back in full, also with one digit misheard ("So that's 804 520 045,
    correct?"), a group of it echoed while it is dictated ("859 332, okay, go on.") or named in a
    correction ("No, not sixty sixty-one, it's sixty eleven."). In full: 7 digits or more, in any
    segment; a part (3-6 digits) only in a short one, and never a card's last four (no PII: "card
    ending in 4242"). A read-back that took a phone's shape is retyped (``pii``: its count taken back)."""
    numbers: list[tuple[int, str, set[str]]] = []  # (segment, placeholder, digits said: alone, joined)
    chains: dict[str, tuple[int, set[str]]] = {}  # role -> its last redacted segment, its digits so far
    for j, seg in enumerate(segments):
        text = seg["text"]
        numbers = [n for n in numbers if j - n[0] <= _ECHO_SEGMENTS]
        if numbers and _says_digits(text, WORD_RE.findall(text.lower())):
            replaced = _echo(text, numbers)
            if replaced is not None:
                segments[j] = {**seg, "text": replaced}
                continue
        found = PLACEHOLDER_RE.search(segments[j]["text"])
        if found is None or found.group(1) == "EMAIL":
            continue
        alone = _without_kept(said[j], segments[j]["text"])
        views = list(_code_views(alone))
        # number words read both ways in one number ("six oh six, six twenty-three, seven hundred
        # eighty-seven"): as numbers, then the groups left in words as dictated, an "oh" a zero
        mixed = dictated_digits(views[0])
        views.append(
            _OH_AFTER_DIGIT.sub(r"\g<1>0", _OH_AFTER_DIGIT.sub(r"\g<1>0", mixed)) if "o" in mixed else mixed
        )
        if takes_back(alone):
            # a group taken back and said again ("five five five, two one... sorry, two three one, ..."):
            # the number as meant, which a read-back says ("So 555 231 4409?")
            views += [restarted for view in views if (restarted := _RESTARTED.sub(" ", view)) != view]
        own = {d for view in views if (d := said_digits(view))}
        if found.group() == "[PHONE]" and segments[j]["text"].count("[") == 1:
            # a read-back regrouped so that it took a phone's shape ("Повторю: семь четыре девять ..."
            # of a SNILS): the number it says again, by its digits, and no phone more
            again = next((n for n in reversed(numbers) if n[1] != "[PHONE]" and own & n[2]), None)
            if again is not None:
                segments[j] = {**segments[j], "text": segments[j]["text"].replace("[PHONE]", again[1])}
                pii["PHONE"] -= 1
                continue
        _said_again_whole(segments[j]["text"], own, numbers, pii)
        role = seg.get("role", "")
        chain = chains.get(role)
        # the pieces of a number dictated over segments, the other speaker's between
        joined = {a + b for a in chain[1] for b in own} if chain is not None and j - chain[0] <= 3 else set()
        joined = set(sorted(joined, key=len, reverse=True)[:_ECHO_VARIANTS])
        chains[role] = (j, joined or own)
        numbers.append((j, found.group(), own | joined))


def _said_again_whole(
    text: str, said: set[str], numbers: list[tuple[int, str, set[str]]], pii: Counter[str]
) -> None:
    """Take back the count of each number ``text`` redacted that says again, whole, one redacted in
    ``numbers`` (the segments just before, with their digits): "Проверяю целиком: [CARD]?" after the
    card was dictated in pieces, a phone repeated next to a card, a read-back with a digit misheard
    and its correction. ``said``: the digits of ``text`` as said (its views). One number, counted
    once; every type keeps at least its first count."""
    for kind in set(PLACEHOLDER_RE.findall(text)):
        placeholder = f"[{kind}]"
        heard = {
            d
            for n in numbers
            if n[1] == placeholder
            for d in n[2]
            if len(d) >= _ECHO_FULL
            and any(d in v or (len(d) >= _ECHO_MISHEARD and _one_off(d, v)) for v in said)
        }
        # a number dictated in pieces is heard as each piece and as them joined: counted as one
        again = sum(not any(d != other and d in other for other in heard) for d in heard)
        pii[kind] -= max(0, min(again, text.count(placeholder), pii[kind] - 1))


def _spellings_after(segments: list[dict[str, Any]], said: list[str]) -> None:
    """An address spelled in the speaker's next breath ("It's [EMAIL]." / "That's N, A, D, Y, A, V, E,
    T, R."; "По буквам: эс, е, эр, гэ, е, игрек."): the spelling takes the address's placeholder when
    its letters are the address's, not counted again. An address said over two breaths ("ann..." /
    "A_orte1987@yandex.ru" / "По буквам: а эн эн а о эр тэ е.") is spelled whole: its letters are
    both breaths'."""
    broken: dict[Any, str] = {}  # role -> letters of an address its last breath ended in
    for j, seg in enumerate(segments):
        role, text = seg["role"], seg["text"]
        before = broken.pop(role, "")
        if "[EMAIL]" not in text:
            continue
        address = address_letters(_taken(said[j], text))
        if text.startswith("[EMAIL]"):
            address = before + address
        if text.rstrip(" .,…").endswith("[EMAIL]"):
            broken[role] = address
        for k in range(j + 1, min(j + 3, len(segments))):
            if segments[k]["role"] != seg["role"]:
                continue  # the other speaker's "Okay." between
            text = segments[k]["text"]
            span = spelling_of(text, address)
            if span is not None:
                segments[k] = {**segments[k], "text": f"{text[: span[0]]}[EMAIL]{text[span[1] :]}"}
            break


def _kept_said_again(segments: list[dict[str, Any]], said: list[str], pii: Counter[str]) -> None:
    """A number said again just after it was said and kept ("Трек-номер для отслеживания 3698932730." /
    "Записала, 3698932730."): kept again, whatever its shape alone tells. Only a segment whose one
    placeholder took one number of 7+ digits and nothing else of what was said."""
    for j, seg in enumerate(segments):
        text = seg["text"]
        if "[" not in text or j == 0:
            continue
        found = PLACEHOLDER_RE.findall(text)
        if len(found) != 1 or found[0] == "EMAIL":
            continue
        before, _, after = PLACEHOLDER_RE.split(text, 1)
        answer = _printable(said[j])
        if not (answer.startswith(before) and answer.endswith(after)):
            continue
        number = said_digits(answer[len(before) : len(answer) - len(after)])
        if len(number) < 7:
            continue
        recent = segments[max(0, j - _ECHO_SEGMENTS) : j]
        if any(number in kept for s in recent for kept in _kept_digits(s["text"])):
            segments[j] = {**seg, "text": answer}
            pii[found[0]] -= 1


def _kept_digits(text: str) -> set[str]:
    """The numbers a stored text still says as digits (groups joined: "8 800 555 35 35" → 88005553535)."""
    return {said_digits(m.group()) for m in SAID_RUN.finditer(text)} if _DIGIT.search(text) else set()


#: A local part said alone ("vera.zvezda", "jess.ironoak"): Latin letters and digits joined by dots,
#: underscores or hyphens, no "@" after it.
_LOCAL_PART = re.compile(r"(?<![\w@.])[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)+(?![\w@])")
_PART_SEPARATORS = re.compile(r"[._-]")


#: An address said, up to its domain's end: what a breath's placeholder took past it ("... dot com. Is
#: that J-S-M-I-T-H?") is no part of it.
_ADDRESS_END = re.compile(
    r".*(?:\.|\bdot|\bточка)\s*(?:com|net|org|ru|рф|ру|ком|io|info|biz|edu|gov|uk|de|me|us|co)(?![^\W\d_])|.*",
    re.IGNORECASE | re.DOTALL,
)
#: Letters an address said again has at least: shorter, a piece of one dictated a breath at a time.
_ADDRESS_AGAIN = 6


def _emails_said_again(segments: list[dict[str, Any]], said: list[str], pii: Counter[str]) -> None:
    """An address said again whole in the segments just after it was redacted, whoever says it (the
    agent reading it back, "J smith 84 at outlook dot com?", "Записала: [EMAIL], верно?"; the caller
    repeating it): the same address, its count taken back, as a number said again is counted once.
    Compared by its letters, number words as digits ("eighty four" is 84); the first count stays."""
    heard: list[tuple[int, str]] = []  # (segment, the letters its addresses took)
    for j, seg in enumerate(segments):
        text = seg["text"]
        if "[EMAIL]" not in text:
            continue
        heard = [h for h in heard if j - h[0] <= _ECHO_SEGMENTS]
        taken = normalise_numbers(_taken(said[j], text))
        letters = address_letters(taken)
        core = address_letters(_ADDRESS_END.match(taken).group())  # type: ignore[union-attr]
        if pii["EMAIL"] > 1 and len(core) >= _ADDRESS_AGAIN and any(core in h for _, h in heard):
            pii["EMAIL"] -= 1
        heard.append((j, letters))


def _email_echoes(segments: list[dict[str, Any]], said: list[str]) -> None:
    """A local part said alone in the segments just after an address was redacted, whoever says it
    (a correction: "Нет-нет, не подчёркивание, а точка: vera.zvezda."), when its letters are part of
    what was said there: the address's placeholder, not counted again."""
    heard: list[tuple[int, str]] = []  # (segment, the letters said in it)
    for j, seg in enumerate(segments):
        heard = [h for h in heard if j - h[0] <= _ECHO_SEGMENTS]
        text = seg["text"]
        if heard and _LOCAL_PART.search(text) is not None:

            def placeholder(m: re.Match[str], heard: list[tuple[int, str]] = heard) -> str:
                if all(len(part) == 1 for part in _PART_SEPARATORS.split(m.group())):
                    return m.group()  # a name spelled letter by letter ("C-A-R-T-E-R") is a name
                letters = address_letters(m.group())
                return "[EMAIL]" if len(letters) >= 4 and any(letters in h for _, h in heard) else m.group()

            segments[j] = {**seg, "text": _LOCAL_PART.sub(placeholder, text)}
        if "[EMAIL]" in text:
            # what the addresses took, not the rest of the breath ("Contract LS-69687 ... my email's
            # [EMAIL]": the agent's "contract LS-69687" later is no echo of it)
            heard.append((j, address_letters(_taken(said[j], text))))


#: A local part's start ending a breath ("Пишите: dima_nik...", "It's john.sm—"): Latin letters, digits,
#: dots, underscores; what breaks it off after it.
_LOCAL_START = re.compile(r"(?<![\w@.\[\]])([A-Za-z0-9][A-Za-z0-9._-]*?)(\.\.\.|…|-|—|–)?[\s.,]*$")
#: A segment opening with an address, a few words at most before it ("olaev96@...", "Да, [EMAIL]").
_OPENS_WITH_ADDRESS = re.compile(r"(?:[^\W\d_]+[,.]?\s+){0,2}\[EMAIL\]")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z]")
#: Segments back (the other speaker's backchannels between) a local part's start may be.
_LOCAL_START_SEGMENTS = 3
#: A breath that is one word broken off, perhaps with the joiner said after it ("соколов...", "brennan
#: underscore..."; or the joiner already an address's, "brennan [EMAIL]..."): an address's first word
#: when its rest opens the next breath.
_BROKEN_OFF_WORD = re.compile(
    r"\s*([^\W\d_]{3,}(?:\s+(?:underscore|dot|dash|hyphen|точка|тире|дефис|(?:нижнее\s+)?подч[её]ркивание))?)"
    r"(?:\s+\[EMAIL\])?(?:\.\.\.|…|-|—|–)[\s.]*",
    re.IGNORECASE,
)
#: Words such a breath may be that start no address: fillers, words leading to one ("Пишите...").
_NOT_A_HANDLE = frozenset(FILLERS_EN + FILLERS_RU) | NOT_ADDRESS_WORDS


def _email_starts(segments: list[dict[str, Any]]) -> None:
    """The start of a local part said in the breath before the rest of its address, the other
    speaker's backchannel between ("Пишите: dima_nik..." / "Так." / "olaev96@mail.ru."): the
    address's placeholder, not counted again. Only a start that is broken off ("...", a dash), has an
    address's marks (a dot, an underscore, a digit) or stands out in Latin letters in a Russian
    sentence: "Send it to my work address" / "jane@acme.com" keeps its "address"."""
    for k, seg in enumerate(segments):
        if _OPENS_WITH_ADDRESS.match(seg["text"]) is None:
            continue
        for j in range(k - 1, max(-1, k - 1 - _LOCAL_START_SEGMENTS), -1):
            before = segments[j]
            if before["role"] != seg["role"]:
                continue
            if not _near(before, seg) or not all(_lets_it_go_on(segments[i]) for i in range(j + 1, k)):
                break
            broken = _BROKEN_OFF_WORD.fullmatch(before["text"])
            if broken is not None and broken.group(1).split()[0].lower() not in _NOT_A_HANDLE:
                text = before["text"]
                end = text.find("[EMAIL]", broken.end(1))
                end = end + len("[EMAIL]") if end >= 0 else broken.end(1)
                segments[j] = {**before, "text": text[: broken.start(1)] + "[EMAIL]" + text[end:]}
                break
            start = _LOCAL_START.search(before["text"])
            if (
                start is not None
                and _LATIN.search(token := start.group(1)) is not None
                and (
                    start.group(2)
                    or any(c in token for c in "._0123456789")
                    or _CYRILLIC.search(before["text"], 0, start.start()) is not None
                )
            ):
                text = before["text"]
                segments[j] = {**before, "text": text[: start.start(1)] + "[EMAIL]" + text[start.end(1) :]}
            break


#: The other speaker's ask about how an address is written, between its pieces ("Так, это латиницей?",
#: "Sorry, is that with a dot?"): the next breath goes on with the address.
_ADDRESS_ASK = re.compile(
    r"(?<![^\W\d_])(?:латиниц\w*|через\s+(?:точку|дефис|тире)|подч[её]ркивани\w*|точк\w*|"
    r"with\s+an?\s+(?:dot|dash|hyphen|period)|underscore|dot|hyphen)(?![^\W\d_])",
    re.IGNORECASE,
)


def _lets_it_go_on(other: Mapping[str, Any]) -> bool:
    """Whether ``other``, the other speaker's, only lets a dictation go on: a few words and no question
    ("Так.", "Mm-hmm, go on."), or a short ask for the rest or about how it is written ("Секунду,
    записываю, дальше?", "Hang on, I'm typing it, go ahead.", "Sorry, is that with a dot?")."""
    text = other["text"]
    if "?" not in text and len(text.split()) <= 3:
        return True
    return len(text.split()) <= _GO_ON_WORDS and (
        _GO_ON_ASK.search(text) is not None or _ADDRESS_ASK.search(text) is not None
    )


_TOKENS = re.compile(r"[\w@+'’-]+(?:\.[\w@+'’-]+)*")


def _taken(said: str, stored: str) -> str:
    """The words of ``said`` its redaction ``stored`` no longer has: what its placeholders took."""
    kept = Counter(_TOKENS.findall(stored.lower()))
    taken = []
    for word in _TOKENS.findall(said.lower()):
        if kept[word] > 0:
            kept[word] -= 1
        else:
            taken.append(word)
    return " ".join(taken)


def _without_kept(said: str, stored: str) -> str:
    """``said`` without the numbers its redaction ``stored`` kept ("order 4453993" next to a phone):
    their digits are no part of the redacted number, and an echo of them is no echo of it."""
    for m in SAID_RUN.finditer(stored):
        if sum(c.isdigit() for c in m.group()) >= 3:
            said = re.sub(rf"(?<![\d-]){re.escape(m.group())}(?![\d-])", " ", said, count=1)
    return said


def _abandoned(segments: list[dict[str, Any]], said: list[str]) -> None:
    """Digits a speaker stopped on and took back ("4216 2611 8236... ой, нет, давайте заново") are
    the start of the number they then say in full and is redacted (its first 4 digits the same, in
    the next few segments): its placeholder, not counted again."""
    for i, seg in enumerate(segments):
        if not takes_back(seg["text"]):
            continue  # both readings below need a take-back word: one scan for most segments, not two
        run = abandoned_digits(seg["text"])
        if run is not None:
            starts = {said_digits(run.group())[:4]}
            begins = True
        else:
            # in words, and short: "восемь девятьсот десять, три... ой, нет, давайте сначала" (its
            # digits anywhere in the number said again: its 8 may be a +7 then), read every way
            run = abandoned_said(seg["text"])
            if run is None:
                continue
            starts = {d[:4] for view in _said_views(run.group()) if len(d := said_digits(view)) >= 4}
            begins = False
        for j in range(i + 1, min(len(segments), i + 1 + _ECHO_SEGMENTS)):
            placeholder = PLACEHOLDER_RE.search(segments[j]["text"])
            if segments[j].get("role") != seg.get("role") or placeholder is None:
                continue
            numbers = [said_digits(view) for view in _said_views(said[j])]
            if any((d.startswith(start) if begins else start in d) for d in numbers for start in starts):
                text = seg["text"]
                segments[i] = {
                    **seg,
                    "text": f"{text[: run.start()]}{placeholder.group()}{text[run.end() :]}",
                }
                break


_LETTER_BEFORE_DIGITS = re.compile(r"(?<=\b[A-Z])(?=\d{5})")
_LETTER_THEN_PLACEHOLDER = re.compile(r"\b[A-Z] (\[(?:ID|PHONE|CARD)\])")


#: A part of a number named by its place ("the last four are ...", "первые шесть ..."): the segment is
#: about the number's digits, however long, and the count's word is none of them.
_PART_NAMED = re.compile(
    r"(?<![^\W\d_])(?:last|first|последние|первые)\s+(?:two|three|four|five|six|[2-6]|две|три|четыре|пять|шесть)"
    r"(?:\s+(?:digits|numbers|цифры|цифр))?(?![^\W\d_])",
    re.IGNORECASE,
)
_PART_HINTS = ("last", "first", "Last", "First", "оследн", "ервы")


def _echo(text: str, numbers: list[tuple[int, str, set[str]]]) -> str | None:
    """``text`` (a view of it) with the digits that say again one of ``numbers`` replaced by its
    placeholder (see :func:`_echoes`), or None when none do."""
    if any(map(text.__contains__, _PART_HINTS)) and _PART_NAMED.search(text) is not None:
        # "and the last four are nine oh two one": the digits read without the count's word, which
        # is put back as said
        named = _PART_NAMED.findall(text)
        echoed = _echo_digits(_PART_NAMED.sub(_LAST_N_MARK, text), numbers, True)
        if echoed is None:
            return None
        for words in named:
            echoed = echoed.replace(_LAST_N_MARK, words, 1)
        return echoed
    return _echo_digits(text, numbers, _GROUP_WORD.search(text) is not None)


def _echo_digits(text: str, numbers: list[tuple[int, str, set[str]]], about_groups: bool) -> str | None:
    """:func:`_echo` past a part named by its place; ``about_groups``: the segment is about the
    number's digits (a group or part named), its length no matter."""
    # a licence's letter run into its digits ("so that's Y4054594"): the digits read on their own,
    # the letter then goes with them
    text, glued = _LETTER_BEFORE_DIGITS.subn(" ", text)
    if glued:
        echoed = _echo_digits(text, numbers, about_groups)
        return None if echoed is None else _LETTER_THEN_PLACEHOLDER.sub(r"\1", echoed)
    views = list(_code_views(text))
    # number words read both ways in one read-back: "six twenty-eight" dictated, "six hundred forty" a
    # number ("zero seventy-eight thirty, six twenty-eight, six hundred forty")
    views.append(dictated_digits(views[0]))
    best: str | None = None
    for view in views:
        words = 0 if about_groups else sum(not w.strip(",.…;:!?-").isdigit() for w in view.split())
        hits: list[tuple[int, int, str]] = []
        for m in SAID_RUN.finditer(view):
            digits = said_digits(m.group())
            n = len(digits)
            # "That's 416 dollars.", "Room 512.": no part of a phone or card; an ID's own word may name
            # it ("Полис на двадцать шесть семьдесят пять заканчивается?")
            plain = n < _ECHO_FULL and is_plain_number(view, m.start(), m.end())
            if (
                n < _ECHO_PART
                or (n < _ECHO_FULL and words > (_ECHO_WORDS_3 if n == 3 else _ECHO_WORDS))
                # an amount said in words is no echo whatever its digits read as dictated ("Возврат
                # четырнадцать тысяч семьсот сорок рублей" is "14 000 700 40" then)
                or is_amount(view, m.start(), m.end())
            ):
                continue
            for _, placeholder, heard in reversed(numbers):
                if plain and placeholder != "[ID]":
                    continue
                if (
                    any(digits in h for h in heard)
                    or (n >= _ECHO_MISHEARD and any(_one_off(digits, h) for h in heard))
                    or (n >= _ECHO_MISHEARD and any(_mostly_heard(m.group(), h) for h in heard))
                ):
                    # a card's last four read back ("ending in 4242") are no PII: they stay
                    last_four = (
                        placeholder == "[CARD]"
                        and n == 4
                        and (_LAST_N_MARK in view or _READ_BACK_WORDS.search(view) is not None)
                    )
                    if not last_four:
                        hits.append((m.start(), m.end(), placeholder))
                    break
        if hits:
            for start, end, placeholder in reversed(hits):
                view = f"{view[:start]}{placeholder}{view[end:]}"
            # the reading that leaves the fewest digits (the first on a tie)
            if best is None or _readable_digits(view) < _readable_digits(best):
                best = view
    return best


def _count_card_codes(segments: list[dict[str, Any]], pii: Counter[str]) -> None:
    """Count a card's security code, stored as ``[CARD]`` (PCI DSS forbids storing it), as "CVV",
    not as a second card: the same reading as the rule metrics' count (``count_placeholders``), so
    the filter's record and ``calls.pii_redacted`` agree."""
    codes = count_placeholders([s["text"] for s in segments], [s["role"] for s in segments]).get("CVV", 0)
    moved = min(codes, pii["CARD"])
    if moved:
        pii["CARD"] -= moved
        pii["CVV"] += moved
        if not pii["CARD"]:
            del pii["CARD"]


def _card_codes(segments: list[dict[str, Any]], pii: Counter[str]) -> None:
    """A card's code after the bare word in a later turn than the card ("Вижу карту [CARD]" / "Код
    шесть один два я никому не говорила"): once a card is in the call, "код"/"code" and 3-4 digits
    are its code (PCI DSS forbids storing it). Number words are read as digits only when that finds
    a code ("Код триста пятьдесят четыре"). Also the code said right after the card and its expiry
    date (:func:`processors.pii.redact_code_after_expiry`)."""
    first = next((i for i, seg in enumerate(segments) if "[CARD]" in seg["text"]), None)
    if first is None:
        return
    # the code said right after the card and its expiry, in the same breath ("[CARD], 10 29, 227")
    for i in range(first, len(segments)):
        text = segments[i]["text"]
        # the views lazily: most texts answer as said, and the rest are read only when needed
        for view in chain((text,), _code_views(text)) if "[CARD]" in text else ():
            out, found = redact_code_after_expiry(view)
            if found:
                segments[i] = {**segments[i], "text": out}
                pii["CARD"] += found
                break
    for i in range(first + 1, len(segments)):
        text = segments[i]["text"]
        out, found = redact_card_code(text)
        if not found:
            out, found = redact_card_code(normalise_numbers(text))
        if found:
            segments[i] = {**segments[i], "text": out}
            pii["CARD"] += found


#: Words of a short answer that gives a security code ("Um, it's 2, 8, 2.", "Один восемь четыре.").
_CVV_ANSWER_WORDS = 8
#: The digits of a code in an answer: 3 or 4, grouped any way ("1 87", "2, 8, 2", "9... 6 6").
_CODE_SPAN = re.compile(r"\d(?:[\s,.…-]{0,4}\d)*")
#: A speaker taking back the start of a short code: the take-back words, or a bare no ("4 7 9 6... no,
#: 4 7 9 2", "5 1 7... нет, 5 1 9").
_CODE_TAKE_BACK = re.compile(rf"{TAKE_BACK.pattern}|(?<![^\W\d_])no(?![^\W\d_])", re.IGNORECASE)


def _code_start(view: str) -> int:
    """Where the code in an answer starts: after the last take-back with a few digits before it and
    the code said again from its start after it ("5 3 8, no wait, 5310": the false start is a piece
    of the code, redacted with it, not counted in its size), else 0. A number before that starts
    otherwise is something else ("Карта 2019 года, нет, код 123")."""
    start = 0
    for m in _CODE_TAKE_BACK.finditer(view):
        head = view[start : m.start()]
        first, again = _DIGIT.search(head), _DIGIT.search(view, m.end())
        if (
            first is not None
            and again is not None
            and first.group() == again.group()
            and _digit_count(head) < _CODE_FALSE_START
            and len(head.split()) <= _CVV_ANSWER_WORDS
        ):
            start = m.end()
    return start


#: Digits a false start of a short code holds at most.
_CODE_FALSE_START = 5
#: What stands for a date, and for a card's expiry, while a code is read (private-use characters: no
#: digit, word or space).
_DATE_MARK, _EXPIRY_MARK, _LAST_N_MARK = "\ue200", "\ue201", "\ue202"
#: A card's expiry as a code's answer reads it: month and year ("12 30", "0 9 31", "06/27").
_EXPIRY_IN_VIEW = re.compile(r"(?<!\d)(?:0\s?[1-9]|1\s?[0-2]|[1-9])\s*[/.\s]\s*(?:20)?[2-4]\d(?!\d)")
#: A date with its year ("March 14, 1994", "14 марта 1994", "14.03.1994"): no code's digits.
_DATE = re.compile(
    r"(?<![^\W\d_])(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,?\s+"
    r"|\d{1,2}\s+(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*\s+"
    r"|\d{1,2}[./]\d{1,2}[./])(?:19|20)\d\d(?!\d)",
    re.IGNORECASE,
)


def _code_views(text: str) -> Iterator[str]:
    """``text`` without disfluencies, its number words as digits: as numbers ("Один восемь четыре"
    → 1 8 4), then as digits read out in groups ("One eighty-seven" → 1 87, "один, девять, один")."""
    plain = strip_disfluencies(text)
    yield normalise_numbers(plain)
    dictated = dictated_digits(plain)
    yield dictated
    if "o" in dictated:  # "two two nine oh": an "oh" after a digit is a zero
        zeros = _OH_AFTER_DIGIT.sub(r"\g<1>0", _OH_AFTER_DIGIT.sub(r"\g<1>0", dictated))
        if zeros != dictated:
            yield zeros
    # the words Whisper writes for digits it heard: "to double eight for six won", "ate oh to"
    heard = _homophones_as_digits(plain)
    if heard != plain:
        heard = dictated_digits(heard)
        yield _OH_AFTER_DIGIT.sub(r"\g<1>0", _OH_AFTER_DIGIT.sub(r"\g<1>0", heard))


def _said_views(text: str) -> tuple[str, ...]:
    """:func:`_code_views` of ``text``, and its repeats ("две шестёрки", "double five") as digits."""
    return (*_code_views(text), *_code_views(expand_repeats(text)))


#: An "oh"/"o" said right after a digit: a zero ("two two nine oh", "1 oh 0 3").
_OH_AFTER_DIGIT = re.compile(r"(?<=\d)([\s,.-]{1,2})oh?(?![^\W\d_])", re.IGNORECASE)


def _code_view(text: str) -> str:
    """The one of :func:`_code_views` that reads the most digits as one code (the first on a tie):
    "it's one, four, nine" is 1, 4, 9 dictated (as numbers "one" stays a word), but "which one, the
    16 digits?" is no "1 ... 16"."""

    return max(_code_views(text), key=_code_reading)


def _code_reading(view: str) -> tuple[bool, int]:
    """How well ``view`` reads as one code: one run of digits, then the most digits."""
    return len(_CODE_SPAN.findall(view)) <= 1, len(_DIGIT.findall(view))


def _code_views_of(text: str) -> list[str]:
    """:func:`_code_views` of ``text``, :func:`_code_view`'s choice first (the views read once)."""
    views = list(_code_views(text))
    first = max(views, key=_code_reading)
    return [first, *(v for v in views if v != first)]


def _digit_count(text: str) -> int:
    return sum(map(str.isdigit, text))


#: Words naming which digits an answer gives ("Last four are 8536."): their number is no digit of it.
_LAST_N = re.compile(
    r"(?<![^\W\d_])(?:last|final|first|последние|первые)\s+(?:four|three|4|3|четыре|три)(?:\s+(?:digits|цифры))?"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)


def _code_answers(
    segments: list[dict[str, Any]],
    pii: Counter[str],
    asks: Callable[[str], bool],
    name: str,
    sizes: range,
    valid: Callable[[str], bool] | None = None,
) -> None:
    """A short code given in answer to its request (``asks``: a card's security code, "And the
    three-digit code on the back?" / "One eighty-seven."; the last four of a social security number;
    a person's INN), also over two segments ("nine..." / "six six."), and the asker reading it back:
    redacted as ``name``. Only ``sizes`` digits in a short answer (that pass ``valid``)."""
    for i, seg in enumerate(segments):
        if not asks(seg["text"]):
            continue
        asker = seg["role"]
        answer = [j for j in range(i + 1, min(i + 4, len(segments))) if segments[j]["role"] != asker]
        # a date said first is the other thing asked ("your date of birth and the last four of your
        # social?" / "March 14, 1994, and..." / "4300."); "triple four nine" is 4 4 4 9
        dates: dict[int, list[str]] = {j: _DATE.findall(segments[j]["text"]) for j in answer}
        # "Last four are 8536.": which digits they are is said in words that are no digits of them
        named = {j: _LAST_N.findall(segments[j]["text"]) for j in answer}
        views = {
            j: _code_views_of(
                _DATE.sub(_DATE_MARK, expand_repeats(_LAST_N.sub(_LAST_N_MARK, segments[j]["text"])))
            )
            for j in answer
        }
        code = ""
        taken = []
        expiry = _EXPIRY_ASK.search(seg["text"]) is not None
        expiries: dict[int, str] = {}
        for j in answer:
            if expiry and (said := _EXPIRY_IN_VIEW.search(views[j][0])) is not None:
                # "Срок действия и код?" / "До 12 30 года. Код 827.": the expiry is no code's digits
                expiries[j] = said.group()
                views[j] = [v.replace(said.group(), _EXPIRY_MARK, 1) for v in views[j]]
            # the reading that keeps the code in size: "four hundred eighty-six" is 486, not 4 00 86
            views[j] = next(
                (v for v in views[j] if len(code) + _digit_count(v[_code_start(v) :]) < sizes.stop),
                views[j][0],
            )
            fixed = _code_start(views[j])  # the code said again after a false start
            digits = re.sub(r"\D", "", views[j][fixed:])
            if not digits:
                if code:
                    break
                continue  # "Hang on, let me flip it over...": a stall before the answer
            # words besides the digits: a code read digit by digit ("9 4 8 6 ...") is still short
            if (
                sum(not w.strip(",.…;:!?-").isdigit() for w in views[j][fixed:].split()) > _CVV_ANSWER_WORDS
                or "[" in views[j]
            ):
                break
            code += digits
            taken.append(j)
            if len(code) >= sizes.start:
                break
        if len(code) not in sizes or (valid is not None and not valid(code)):
            continue
        for j in taken:
            stored = _CODE_SPAN.sub(f"[{name}]", views[j])
            for date in dates[j]:  # put back as said
                stored = stored.replace(_DATE_MARK, date, 1)
            for words in named[j]:
                stored = stored.replace(_LAST_N_MARK, words, 1)
            stored = stored.replace(_EXPIRY_MARK, expiries.get(j, ""), 1)
            segments[j] = {**segments[j], "text": stored}
        pii[name] += 1
        after = taken[-1] + 1
        for j in range(after, min(after + 2, len(segments))):  # the asker reading the code back
            if segments[j]["role"] != asker:
                continue
            for view in _code_views(segments[j]["text"]):
                if re.sub(r"\D", "", view) == code:
                    segments[j] = {**segments[j], "text": _CODE_SPAN.sub(f"[{name}]", view)}
                    break


def _series_alone(segments: list[dict[str, Any]], pii: Counter[str]) -> None:
    """A passport's series said alone that the seams left readable ("Серия 45 08." answering "паспорт:
    серия и номер", its number never said or said after a question): one ID. After the seams, which read
    a series and its number said in the next breath as one ("серия три четыре ноль два" / "Так." /
    "номер ...")."""
    for i, seg in enumerate(segments):
        text = seg["text"]
        if not ("ери" in text or "ERI" in text or "eri" in text):
            continue
        before = reversed(segments[max(0, i - 2) : i])
        other = next((s for s in before if s.get("role") != seg.get("role")), None)
        request = other["text"] if other is not None else ""
        out = redact_series_alone(text, request) or redact_series_alone(normalise_numbers(text), request)
        if out is not None:
            segments[i] = {**seg, "text": out}
            pii["ID"] += 1


def _redact_seams(
    segments: list[dict[str, Any]],
    options: FilterOptions,
    pii: Counter[str],
    plain: Set[str] = frozenset(),
    unled: Set[str] = frozenset(),
) -> bool:
    """Redact PII said across segments: Whisper cuts a dictated phone, card or e-mail wherever the
    speaker paused ("Восемь девятьсот шестнадцать" / "сто двадцать три ..."), and each piece alone
    is no PII; a bare local number ("555 0134.") is a phone only as the answer to "What's your
    phone number?". Runs of one speaker's segments joined at seams (:func:`_seam`), after the
    other speaker's cue when there is one, are redacted together; what that finds is cut back
    into the speaker's segments, in place. ``plain``: texts with no word of :data:`_NUMBERISH` (see
    :func:`_says_number`); ``unled``: texts :func:`_unled` tells no lead is read in: no digit, no "@",
    no number word nor e-mail's join."""
    last: dict[str, int] = {}  # role -> index of its previous segment
    ids = options.pii.enabled and options.pii.ids
    runs: list[_Run] = []
    changed = False  # returned: whether any segment took a redaction
    open_run: dict[str, _Run] = {}

    for i, seg in enumerate(segments):
        if seg.get("drop_reason") == "repeat":
            continue  # Whisper looping on the breath before: no more of its number (stores the kept copy)
        role = seg.get("role")
        j = last.get(role)
        last[role] = i
        text = seg["text"]
        if text in unled:  # no lead read in it (most texts: the lead's two matches spared)
            if j is None or (
                segments[j]["text"] in unled
                # its first word no homophone (a letter none starts with tells most texts at once)
                and (
                    (text[0].isalpha() and text[0] not in _HOMOPHONE_STARTS) or _head(text) not in _HOMOPHONES
                )
            ):
                # no digit, number word nor e-mail's join on either side of the seam, and no number
                # said (what _seam, _series_letters_between and _says_number tell such texts): no run
                continue
            head = _head(text)
        else:
            head = _head(text[_lead_end(text, partial(_asked_on, segments, i)) :])
        near = j is not None and _near(segments[j], seg)
        if (
            j is not None
            # over the other speaker's turns: digits, the last of those turns close to this one
            and (
                near or (i - j > 1 and (head.isdigit() or head in _NUMBERISH) and _near(segments[i - 1], seg))
            )
            and (
                _seam(segments[j]["text"], head)
                # (one of the two a breath of a few letters: most pairs are told by their lengths)
                or (
                    min(len(segments[j]["text"]), len(seg["text"])) <= _SERIES_CHARS
                    and _series_letters_between(segments[j]["text"], seg["text"], head)
                )
            )
            and (near or _bridged(segments, j, i))
            and not _asks_between(segments, j, i)
        ):
            run = open_run.get(role)
            if run is None or run.segments[-1] != j:
                run = open_run[role] = _Run([j], cue=j - 1 if _after_other(segments, j, cue_at_end) else None)
                runs.append(run)
            run.segments.append(i)
        elif (
            # _after_other(segments, i, cue_at_end), with the text's own number asked before the cue
            # (most texts hold none, and that test costs less)
            i
            and segments[i - 1].get("role") != role
            and _near(segments[i - 1], seg)
            and _says_number(seg["text"], head, plain)
            and cue_at_end(segments[i - 1]["text"])
            # "Срок действия и CVV?": the expiry comes first, no code's digits (the code is
            # _code_answers')
            and _EXPIRY_ASK.search(segments[i - 1]["text"]) is None
        ):
            run = open_run[role] = _Run([i], cue=i - 1)
            runs.append(run)
    for run in runs:
        first = run.segments[0]
        # an identity number asked for: the request speaks for the pieces, not its words (a card in
        # it may be where the number is written: "the policy number off your card?")
        asked = _asked(segments, segments[first].get("role"), first) if ids else None
        if asked is not None:
            run.cue = None
        elif run.cue is not None and options.pii.cards and asks_for_card(segments[run.cue]["text"]):
            # "Can I get the card number, please?" / "Yeah, go ahead and charge 5106 2163, ...": the
            # card word may be further from the digits than the words naming them are read
            asked = "card"
        elif run.cue is not None and options.pii.phones and asks_for_phone(segments[run.cue]["text"]):
            asked = (
                "phone"  # the same for a phone ("Can I get a callback number?" / "One sec, ... 1... 720...")
            )
        indices = [run.cue, *run.segments] if run.cue is not None else run.segments
        parts = [segments[i]["text"].rstrip(_PIECE_END) for i in indices]
        # a number dictated a group a breath is read without the words leading each group ("the
        # next four are"), put back before each piece's redaction
        leads = [
            part[: _lead_end(part, partial(_asked_on, segments, i))]
            for i, part in zip(indices, parts, strict=True)
        ]
        if run.cue is not None:
            leads[0] = ""  # the other speaker's cue is read whole
        if len(run.segments) > 1 and any(leads):
            parts = [part[len(lead) :] for lead, part in zip(leads, parts, strict=True)]
        else:
            leads = [""] * len(parts)
        read = _read_joined(parts, options, asked)
        if read is None:
            continue
        if (
            read[3].keys() == {"ID"}
            and asked is None
            and _after_other(segments, first, asks_for_reference)
            and named_id(read[1]) is None
            and _readable_digits(read[1]) - _readable_digits(read[2]) == _PASSPORT_DIGITS
        ):
            # "Назовите номер договора." / "Сейчас... 2307..." / "Дальше 216876.": the reference asked
            # for, in its breaths, its ten digits a passport's shape only by chance
            read = _read_joined(parts, options._without_ids, asked)
            if read is None:
                continue
        sep, joined, redacted, found = read
        if sep != _SEAM_JOINS[-1] and "EMAIL" in found:
            # an address read with the pauses as commas may stop at one ("снегирь, подчёркивание
            # белкин, собака ..."): read as said aloud too, the reading that leaves less kept
            spoken = _SEAM_JOINS[-1].join(parts)
            again, again_found = _redact(spoken, options, asked=asked)
            if len(again) < len(redacted) - len(joined) + len(spoken) and "EMAIL" in again_found:
                joined, redacted, found, sep = spoken, again, again_found, _SEAM_JOINS[-1]
        pieces = _split_back(parts, joined, redacted, sep)
        # only what landed in the run's own segments counts (a number split over them leaves its
        # placeholder in each): what the cue's words took stays theirs, uncounted ("member ID ...,
        # [ID], group number 168912" read before the agent's "Okay, so 60 tablets ...")
        own = len(parts) - len(run.segments)
        landed = Counter(PLACEHOLDER_RE.findall(" ".join(pieces[own:]))) - Counter(
            PLACEHOLDER_RE.findall(" ".join(parts[own:]))
        )
        pii.update({kind: min(n, landed[kind]) for kind, n in found.items()})
        for i, lead, part, text in zip(indices, leads, parts, pieces, strict=True):
            if i == run.cue or text == part:
                continue  # the cue is the other speaker's, never changed; an unchanged piece keeps its end
            original = segments[i]["text"]
            segments[i] = {**segments[i], "text": lead + text + original[len(lead) + len(part) :]}
            changed = True
    return changed


#: Breaths of one number read together when one was redacted alone: a passport over three ("Да, 71..."
#: / "14..." / "360582.": the last alone took [ID], the series stayed readable).
_REJOIN_BREATHS = 4


def _rejoin_link(segments: list[dict[str, Any]], said: list[str], j: int, i: int) -> str | None:
    """Whether ``segments[j]`` and ``segments[i]`` (one speaker's, ``j`` the one before) may be two
    breaths of one number: the first broke off (no full stop), the second goes on with digits, the
    other speaker asked nothing else between. The words leading the second's digits ("Yeah, and
    then"), or None when they are no breaths of one number."""
    first = _printable(said[j]).rstrip()
    if first.endswith((".", "?", "!")) and not first.endswith(("..", "…")):
        return None  # a breath ended with a full stop said all it had ("HO-14401326." / "5/19, ...")
    between = (segments[k]["text"] for k in range(j + 1, i))
    if any("?" in text and _GO_ON_ASK.search(text) is None for text in between):
        return None  # "When did it happen?": the next breath answers that
    before, after = first.rstrip(_PIECE_END), _printable(said[i]).rstrip(_PIECE_END)
    if "[" in segments[j]["text"] and any(map(after.__contains__, _PART_HINTS)) and _PART_NAMED.search(after):
        return None  # "[ID]" / "and the last four are ...": a part of the number said again (see _echo)
    lead = after[: _lead_end(after, partial(_asked_on, segments, i))]
    head = _head(after[len(lead) :])
    tail = _last_word(before)
    if not (head.isdigit() or head in _NUMBERISH) or not (tail.isdigit() or tail in _NUMBERISH):
        return None
    if not (_near(segments[j], segments[i]) if j == i - 1 else _bridged(segments, j, i)):
        return None
    return None if _asks_between(segments, j, i) else lead


def _rejoin_taken_pieces(
    segments: list[dict[str, Any]], said: list[str], options: FilterOptions, pii: Counter[str]
) -> None:
    """Breaths of one number where one was redacted alone as something else ("Счёт для возврата
    4081," / "Извините, там пять или девять было?" / "7840 9507 8024 3023." whose 16 digits alone pass
    Luhn), or redacted alone while the breaths before stayed readable ("Да, 71..." / "14..." /
    "360582." as [ID]): the seam pass reads redacted texts, so it never joins them. They are read
    again as said, joined (two breaths first, then up to :data:`_REJOIN_BREATHS`), and the first
    reading that leaves fewer digits readable is kept; counts follow it."""

    def before(k: int, role: str | None) -> int | None:  # the speaker's breath before ``k``, 3 back at most
        return next((m for m in range(k - 1, max(-1, k - 4), -1) if segments[m].get("role") == role), None)

    for i, seg in enumerate(segments):
        role = seg.get("role")
        j = before(i, role)
        if j is None or not ("[" in seg["text"] or "[" in segments[j]["text"]):
            continue  # (the cheap test: most breaths took no placeholder, nor did the one before)
        breaths, leads = [i], [""]
        while len(breaths) < _REJOIN_BREATHS:
            k = breaths[0]
            j = j if k == i else before(k, role)
            if j is None or (lead := _rejoin_link(segments, said, j, k)) is None:
                break
            breaths.insert(0, j)
            leads[0] = lead  # the words leading the digits of each breath but the first
            leads.insert(0, "")
        for n in range(len(breaths), 1, -1):  # all the breaths first: a number's start left readable leaks
            if any("[" in segments[k]["text"] for k in breaths[-n:]) and _rejoin(
                segments, said, breaths[-n:], leads[-n:], options, pii
            ):
                break


def _recount(pii: Counter[str], taken: Counter[str], pieces: list[str], found: Mapping[str, int]) -> None:
    """The counts after texts that held ``taken`` placeholders are stored as ``pieces``, read again as
    one text that found ``found``: a kind counts as often as it found and landed in the pieces."""
    pii.subtract(taken)
    landed = Counter(PLACEHOLDER_RE.findall(" ".join(pieces)))
    pii.update({kind: min(n, landed[kind]) for kind, n in found.items()})


def _rejoin(
    segments: list[dict[str, Any]],
    said: list[str],
    breaths: list[int],
    leads: list[str],
    options: FilterOptions,
    pii: Counter[str],
) -> bool:
    """Read the breaths ``breaths`` (their leads ``leads`` left out) joined as said; when that leaves
    fewer digits readable than they store, store it (see :func:`_rejoin_taken_pieces`)."""
    parts = [
        _printable(said[k]).rstrip(_PIECE_END)[len(lead) :] for k, lead in zip(breaths, leads, strict=True)
    ]
    texts = [segments[k]["text"] for k in breaths]
    joined = ", ".join(parts)
    first = breaths[0]
    redacted, found = _redact(joined, options, asked=_asked(segments, segments[first].get("role"), first))
    if not found or _readable_digits(redacted) >= _readable_digits(" ".join(texts)):
        return False
    pieces = _split_back(parts, joined, redacted, ", ")
    taken = Counter(PLACEHOLDER_RE.findall(" ".join(texts)))
    for first, second in pairwise(texts):
        end, start = _ENDS_IN_PLACEHOLDER.search(first), _STARTS_WITH_PLACEHOLDER.match(second)
        if end is not None and start is not None and end.group().strip(" .,…") == f"[{start.group(1)}]":
            taken[start.group(1)] -= 1  # one number already split over the two, counted once
    _recount(pii, taken, pieces, found)
    for k, lead, piece in zip(breaths, leads, pieces, strict=True):
        text = _printable(said[k])
        segments[k] = {**segments[k], "text": lead + piece + text[len(text.rstrip(_PIECE_END)) :]}
    return True


#: The other speaker saying how the number asked for starts, as their screen shows it, and asking for
#: the rest ("У меня в анкете начало 437, а дальше?", "I have it starting with 4417, what's the rest?",
#: "Первые цифры 40817. Продолжайте."): ``head`` the digits read, the turn ending soon after them.
_NUMBER_ITEM = rf"(?:\d+|{NUMBER_WORD}|oh(?![^\W\d_]))"
_STARTED = re.compile(
    r"(?<![^\W\d_])(?:начало|начинается\s+(?:на|с)|первые\s+(?:[^\W\d_]+\s+)?цифры|"
    r"starting(?:\s+with)?|starts\s+with|begins\s+with|beginning\s+with|"
    r"(?:the\s+)?first\s+(?:[^\W\d_]+\s+)?digits)"
    # a few words before the digits: "Первые цифры у меня 4276", "the first three digits I have are 523"
    r"(?:[\s:,—–-]+[^\W\d_]+){0,3}?[\s:,—–-]*"
    rf"(?P<head>{_NUMBER_ITEM}(?:[\s,.\-–—]{{1,3}}{_NUMBER_ITEM})*)"
    r"[^\d.?!]{0,30}(?:[.?!…]+\s*[^\d.?!]{1,30})?[.?!…]*\s*$",  # "..., а дальше?", "... 437. Продолжайте."
    re.IGNORECASE,
)
#: Substrings every :data:`_STARTED` start word holds (a cheap test before the regex).
_STARTED_HINTS = ("начал", "начина", "перв", "start", "begin", "first")
#: A number said: digits and number words in a row.
_SAID_NUMBER = re.compile(rf"(?<![^\W\d_]){_NUMBER_ITEM}(?:[\s,.\-–—…:]{{1,4}}{_NUMBER_ITEM})*", re.I)
_PLACEHOLDER_AT_END = re.compile(r"\[(CARD|ID|PHONE)\][\s.,!?…]*$")


def _started_by_other(
    segments: list[dict[str, Any]], said: list[str], options: FilterOptions, pii: Counter[str]
) -> None:
    """A number the other speaker started from the record and the speaker finished ("Продиктуйте
    СНИЛС. У меня в анкете начало 437, а дальше?" / "Ага, 460 335 82."): neither piece alone has the
    number's shape. Read as one after the request, and when that is one number, its placeholder
    replaces both pieces (counted once, in the answer)."""
    for i in range(1, len(segments)):
        if segments[i - 1].get("role") == segments[i].get("role"):
            continue
        low = said[i - 1].lower()
        if not any(map(low.__contains__, _STARTED_HINTS)):
            continue
        ask = expand_repeats(_printable(said[i - 1]))
        m = _STARTED.search(ask)
        if m is None:
            continue
        answer = expand_repeats(_printable(said[i]))
        rest = _SAID_NUMBER.search(answer)
        if rest is None:
            continue
        request = ask[: m.start()].rstrip()
        kind = asked_id(request) or ("card" if asks_for_card(request) else None)
        kind = kind or ("phone" if asks_for_phone(request) else None)
        joined = f"{request} {m.group('head')}, {rest.group()}"
        redacted, found = _redact(joined, options, asked=kind)
        end = _PLACEHOLDER_AT_END.search(redacted)
        # one number: the placeholder ends the reading and no digit is left but the request's
        if not found or end is None or _readable_digits(redacted) > _readable_digits(request):
            continue
        placeholder = f"[{end.group(1)}]"
        if segments[i - 1]["text"] == _printable(said[i - 1]):
            text = ask[: m.start("head")] + placeholder + ask[m.end("head") :]
            segments[i - 1] = {**segments[i - 1], "text": text}
        if segments[i]["text"] == _printable(said[i]):
            text = answer[: rest.start()] + placeholder + answer[rest.end() :]
            segments[i] = {**segments[i], "text": text}
            pii[end.group(1)] += 1


#: A backchannel of the listener before the caller's digits their channel picked up ("угу... 08",
#: "mm-hmm... 1127"): left out of the number read, put back before its piece.
_CROSSTALK_LEAD = re.compile(
    r"(?:[\s,.…]*(?:угу|ага|ага-ага|м+|м-м|mm-hmm|uh-huh|mhm|m+|okay|ok|yeah|да|так)(?![^\W\d_]))*[\s,.…]*",
    re.IGNORECASE,
)
#: Breaths of the caller before a fragment in the other channel read with it (a number dictated a
#: group a breath: "45..." / "19..." / agent: "угу... 953782").
_CROSSTALK_BACK = 3


def _number_fragment(text: str) -> bool:
    """Whether ``text`` (a backchannel lead left out) says nothing but a piece of a number: digits,
    number words, digit homophones, a letter or two of an ID ("95, seventy-six, 16, C"), one
    number at least."""
    words = _NO_PUNCT.sub(" ", text).replace("-", " ").split()  # "seventy-six", "2161-70"
    numbers = 0
    for word in words:
        low = word.lower()
        if word.isdigit() or low in _NUMBERISH or low in _HOMOPHONES:
            numbers += 1
        elif not (len(word) <= 2 and word.isalpha() and word.isupper()):
            return False
    return numbers > 0


def _ends_a_number(text: str) -> bool:
    """Whether ``text`` breaks off in a number (its last word a digit, a number word or an ID's
    letters: "Пишите: 63...", "Sure, it's C...") or in its cue ("my number is...")."""
    tail = text.rstrip(" .,…—–-")
    word = tail[max(tail.rfind(" "), tail.rfind("-")) + 1 :].strip("(:")  # "seventy-five..."
    low = word.lower()
    return (
        word.isdigit()
        or low in _NUMBERISH
        or (len(word) <= 2 and word.isalpha() and word.isupper())
        or cue_at_end(text)
    )


def _crosstalk(
    segments: list[dict[str, Any]], said: list[str], options: FilterOptions, pii: Counter[str]
) -> None:
    """A piece of the caller's number in the other speaker's channel: on a call recorded a channel a
    speaker, the listener's microphone picks up the caller while they talk, and Whisper writes what
    it heard as the listener's segment ("Сейчас, шестьдесят..." / agent: "08" / "шестьсот сорок семь
    сто девятнадцать."). Such a segment overlaps the caller's in time and says nothing but digits (a
    backchannel before them at most): it is read with the caller's breaths around it as one number,
    and that reading is kept when it leaves fewer digits readable; counts follow it."""
    ids = options.pii.enabled and options.pii.ids
    for i in range(1, len(segments)):
        seg, before = segments[i], segments[i - 1]
        role = before.get("role")
        # overlapping the caller's breath: the cheap test first, most segments follow one another
        if (seg.get("start") or 0.0) >= (before.get("end") or 0.0) or seg.get("role") == role:
            continue
        text = _printable(said[i])
        lead = _CROSSTALK_LEAD.match(text).end()  # type: ignore[union-attr]  # matches ""
        body = text[lead:].rstrip(_PIECE_END)
        if not body:
            continue
        # the rest of an e-mail address the caller broke off ("Так, sergey.volkov восемьдесят восемь..." /
        # agent: "угу... собака yandex точка ru"), or a piece of a number
        email = _head(body) in _EMAIL_JOINS and _printable(said[i - 1]).rstrip().endswith(("...", "…", ","))
        if not email and not (_number_fragment(body) and _ends_a_number(_printable(said[i - 1]))):
            continue
        indices = [i - 1]
        k = i - 2
        while len(indices) < _CROSSTALK_BACK and k >= 0:
            if segments[k].get("role") != role:
                # the listener's own "ага, пишу" between two breaths: passed over, a question not
                if "?" in said[k] or _DIGIT.search(said[k]) is not None or len(said[k].split()) > 3:
                    break
                k -= 1
                continue
            if not (_printable(said[k]).rstrip().endswith(("...", "…", ",")) and _ends_a_number(said[k])):
                break
            indices.insert(0, k)
            k -= 1
        indices.append(i)
        nxt = i + 1
        if nxt < len(segments) and segments[nxt].get("role") == role and _near(seg, segments[nxt]):
            head = _printable(said[nxt])
            if _number_fragment(head.rstrip(_PIECE_END)) or _seam(body, _head(head)):
                indices.append(nxt)
        parts = [
            text[lead:].rstrip(_PIECE_END) if k == i else _printable(said[k]).rstrip(_PIECE_END)
            for k in indices
        ]
        stored = [segments[k]["text"] for k in indices]
        asked = _asked(segments, role, indices[0]) if ids else None  # type: ignore[arg-type]
        if asked is None and _after_other(segments, indices[0], cue_at_end):
            # the card or phone the other speaker asked for right before ("Продиктуйте номер мобильного." /
            # "8 9261 44 30..." / agent: "угу... 17,"), as the seam pass reads it
            cue = segments[indices[0] - 1]["text"]
            if options.pii.cards and asks_for_card(cue):
                asked = "card"
            elif options.pii.phones and asks_for_phone(cue):
                asked = "phone"
        read = _read_joined(parts, options, asked)
        if read is None:
            continue
        sep, joined, redacted, found = read
        if _readable_digits(redacted) >= _readable_digits(" ".join(stored)) and not (
            email and "EMAIL" in found and "[EMAIL]" not in " ".join(stored)
        ):
            continue
        pieces = _split_back(parts, joined, redacted, sep)
        _recount(pii, Counter(PLACEHOLDER_RE.findall(" ".join(stored))), pieces, found)
        for k, part, piece in zip(indices, parts, pieces, strict=True):
            original = _printable(said[k])
            start = lead if k == i else 0
            segments[k] = {**segments[k], "text": original[:start] + piece + original[start + len(part) :]}


def _number_pieces_kept(segments: list[dict[str, Any]], said: list[str]) -> int:
    """Breaths Whisper doubted (``no_speech``: a noisy line) that are pieces of a number whose other
    breaths, the same speaker's, were kept ("Так, заказ номер четыреста двенадцать..." / "угу" / a
    doubted "триста семь..."): kept too, or the LLM reads half a reference. Only
    breaths joined as :func:`_rejoin_link` joins them (no full stop between, nothing asked, close in
    time). How many were kept."""
    flipped = 0
    for i, seg in enumerate(segments):
        if seg["drop_reason"] != "no_speech":
            continue
        role = seg.get("role")
        own = [k for k in range(max(0, i - 3), min(len(segments), i + 4)) if segments[k].get("role") == role]
        before = next((k for k in reversed(own) if k < i), None)
        after = next((k for k in own if k > i), None)
        if (
            before is not None
            and segments[before]["kept"]
            and _rejoin_link(segments, said, before, i) is not None
        ) or (
            after is not None
            and segments[after]["kept"]
            and _rejoin_link(segments, said, i, after) is not None
        ):
            segments[i] = {**seg, "kept": True, "drop_reason": None}
            flipped += 1
    return flipped


def _repeats_as_kept(segments: list[dict[str, Any]], said: list[str]) -> None:
    """A segment dropped as a repeat (Whisper looping: the caller's breath written twice in a row)
    stores what the copy it repeats stores: the passes over several segments redact the kept copy
    with the other speaker's request before it, which the repeat, a seam away, never saw."""
    kept = None  # the last kept segment
    for i, seg in enumerate(segments):
        if seg["kept"]:
            kept = i
        elif (
            seg["drop_reason"] == "repeat"
            and kept is not None
            and said[i] == said[kept]
            and seg["text"] != (text := segments[kept]["text"])
            and "[" in text
        ):
            segments[i] = {**seg, "text": text}


#: A number's part said alone, its end in a later breath ("first" / "then"): what each item of it is.
_PART_ITEM = rf"(?:\d+|oh|{NUMBER_WORD}|{alternation(DIGIT_NOUN | DIGIT_NOUNS)}(?![^\W\d_]))"
#: Digits and number words said as one number: "fifty-five sixty-five, eight three", "2200 2898 6028",
#: "ноль шестьдесят пять, пятьсот два".
_PART_RUN = re.compile(
    rf"(?<![^\W\d_])(?:(?:double|triple)\s+)?{_PART_ITEM}"
    rf"(?:(?:[\s,.\-–—…]{{1,4}}|\s+and\s+)(?:(?:double|triple)\s+)?{_PART_ITEM})*",
    re.IGNORECASE,
)
#: Words a speaker breaks a number off with to look for the rest of it, right after its digits and a
#: pause ("4417 02... hold on, it's on the back", "девяносто один... минутку, не вижу дальше").
_LOOKING = re.compile(
    r"(?<![^\W\d_])(?:hang\s+on|hold\s+on|one\s+sec(?:ond)?|just\s+a\s+(?:sec(?:ond)?|moment|minute)|"
    r"give\s+me\s+a\s+(?:sec(?:ond)?|moment|minute)|bear\s+with\s+me|the\s+rest|let\s+me\s+(?:find|look|check|grab)|"
    r"подожди\w*|погоди\w*|секунд\w*|минутк\w*|минуточк\w*|сейчас[\s,]+(?:найду|посмотрю|гляну|достану)|"
    r"не\s+вижу|остальн\w+)(?![^\W\d_])",
    re.IGNORECASE,
)
#: Such words after a pause (dots, a dash or a comma) and at most two other words ("... ой, секунду").
_BROKEN_OFF_TO_LOOK = re.compile(
    rf"(?:\s+(?:номер|number|no|№))?\s*(?:\.{{2,}}|…|—|–|-|,)[\s,.…]*(?:[^\W\d_]+[\s,.…]+){{0,2}}?"
    rf"{_LOOKING.pattern}",
    re.IGNORECASE,
)
#: The same after a placeholder or a word: a number's start already redacted, or none of its digits
#: said yet, or too few to tell ("серия... секунду, не вижу"; "[ID]... hang on"; "DE12... one sec").
_BROKEN_OFF_AFTER_WORD = re.compile(
    rf"(?:\[(?P<placeholder>PHONE|CARD|ID)\]|(?<=\w))\s*(?:\.{{2,}}|…)[\s,.…]*"
    rf"(?:[^\W\d_]+[\s,.…]+){{0,2}}?{_LOOKING.pattern}",
    re.IGNORECASE,
)
#: Words that say the digits after them are a number's start: "the first six are", "it starts with",
#: "первые пять:", "начало номера".
_PART_START = re.compile(
    r"(?<![^\W\d_])(?:(?:the\s+)?first\s+(?:[^\W\d_]+[\s,:]+)?(?:(?:digits|numbers)[\s,:]+)?(?:(?:are|is)\s+)?|"
    r"it\s+(?:starts|begins)(?:\s+with)?\s+|(?:starts|begins)\s+with\s+|"
    r"первые\s+(?:[^\W\d_]+[\s,:]+)?(?:цифры[\s,:]+)?|начало(?:\s+номера)?|начинается\s+(?:на|с)\s+)[\s,:—–-]*$",
    re.IGNORECASE,
)
#: Words opening the breath that says the rest of a number begun before (after "found it" and the
#: like): "the rest is", "and after that", "so it continues", "остальные:", "дальше", "продолжаю".
_PART_REST = re.compile(
    r"[^\d\[\]]{0,40}?(?<![^\W\d_])(?:the\s+rest(?:\s+(?:is|are))?|the\s+remaining\s+(?:[^\W\d_]+\s+)?"
    r"(?:are|is)?|(?:and\s+)?after\s+that|(?:and\s+)?then|(?:so\s+)?it\s+(?:continues|goes\s+on)|continuing|"
    r"(?:and\s+)?the\s+(?:last|next|other)\s+(?:[^\W\d_]+\s+)?(?:(?:digits|numbers)\s+)?(?:are|is)?|"
    r"дальше|остальн\w+|продолжаю|продолжение|потом|затем|следующ\w+(?:\s+[^\W\d_]+)?|последние(?:\s+[^\W\d_]+)?)"
    r"[\s,:—–-]*(?=\d|[^\W\d_])",
    re.IGNORECASE,
)
#: Same-speaker breaths after a number's first part its rest may be said in (the other's business
#: between: "I'll check your file meanwhile", an amount, a date).
_PART_REST_SEGMENTS = 10
#: Segments after the rest where the other speaker may read the whole number back.
_PART_READ_BACK_SEGMENTS = 3
#: A request for a number to call or text back on ("What number can I ring you back on?").
_CALLBACK_ASK = re.compile(
    r"(?<![^\W\d_])(?:number|номер)\b[^.?!]{0,30}(?:ring|call|text|reach)\s+(?:you|me)\b"
    r"|(?:ring|call|text|reach)\s+(?:you|me)\s+(?:back\s+)?(?:on|at)\s*\??$",
    re.IGNORECASE,
)
_ACCOUNT_WORD = re.compile(r"(?<![^\W\d_])(?:сч[её]т\w*|account)(?![^\W\d_])", re.IGNORECASE)
_IBAN_ASK = re.compile(r"(?<![^\W\d_])iban(?![^\W\d_])", re.IGNORECASE)


def _asked_placeholder(segments: list[dict[str, Any]], role: str, end: int, digits: str = "") -> str | None:
    """The placeholder of the personal number the other speaker than ``role`` asked for right before
    ``end`` (a card, an identity number or a bank account, a phone), or None. An account asked for
    is a person's bank account when its ``digits`` start as one does (408.., 423..)."""

    def asks(k: int) -> str | None:
        text = segments[k]["text"]
        if asks_for_card(text):
            return "CARD"
        if (
            asked_id(text)
            or asks_inn(text)
            or _IBAN_ASK.search(text)
            or _asks_bank_account(segments, k)
            or (digits.startswith(("408", "423")) and _ACCOUNT_ASK.search(text) is not None)
        ):
            return "ID"
        return "PHONE" if asks_for_phone(text) or _CALLBACK_ASK.search(text) is not None else None

    return _request(segments, role, asks, end)


def _part_digits(run: str) -> str:
    return said_digits(dictated_digits(run))


#: A number broken off by an aside that trails off too, the breath ending on it: "СНИЛС 320 786...
#: ой, плохо видно..." / "Policy 0421... sorry, the print's faded...".
_ASIDE_BREAK = re.compile(r"\s*(?:\.{2,}|…)\s*[^\d\[\]]{1,50}?(?:\.{2,}|…)\s*$")
#: Words one of which a breath saying a number's start holds (a cheap scan before the runs are read).
_PART_HINT = re.compile(
    rf"{_LOOKING.pattern}|(?<![^\W\d_])(?:first|перв|starts|begins|начал|начина)", re.IGNORECASE
)
#: A breath opening with a number: the rest of one broken off by an aside ("... 598 41, claim ...").
_OPENS_WITH_NUMBER = re.compile(r"[\W_]*(?=\d|[^\W\d_]+)")


def _first_part(text: str) -> tuple[int, int, str] | None:
    """(start, end, digits) of what ``text`` says as the start of a number it does not finish: digits
    broken off to look for the rest ("6011 43... hang on, it's on the back"), or led by words naming
    them the start ("the first five are ...", "первые шесть: ..."), of two digits or more, no amount
    nor a reference's; or an empty span where the breath breaks off so with its start already
    redacted or none of its digits said ("[ID]... hold on", "серия... секунду, не вижу"). None when
    it says no such start."""
    # most breaths hold no pause written as dots and none of the words naming a start (a few substring
    # tests in C), nor the words this needs (one scan): the runs not read
    if not (
        "..." in text
        or "…" in text
        or "irst" in text  # first
        or "ерв" in text  # первые
        or "tarts" in text
        or "egins" in text
        or "ачал" in text  # начало
        or "ачина" in text  # начинается
    ):
        return None
    if _PART_HINT.search(text) is None and not text.rstrip().endswith(("...", "…")):
        return None
    for run in _PART_RUN.finditer(text):
        if not (
            _BROKEN_OFF_TO_LOOK.match(text, run.end()) is not None
            or _ASIDE_BREAK.match(text, run.end()) is not None
            or _PART_START.search(text, max(0, run.start() - 40), run.start()) is not None
        ):
            continue
        digits = _part_digits(run.group())
        if len(digits) >= 2 and not is_amount(text, run.start(), run.end()):
            return None if reference_named_before(text, run.start()) else (run.start(), run.end(), digits)
    if "..." in text or "…" in text:
        m = _BROKEN_OFF_AFTER_WORD.search(text)
        if m is not None and not reference_named_before(text, m.start()):
            return m.start(), m.start(), ""
    return None


def _rest_runs(text: str, bare: bool = False) -> list[re.Match[str]]:
    """The digits of a breath that opens by saying they are the rest of a number ("Found it. The rest
    is 0719 33", "нашла, дальше: 16, номер 480 211"), or (``bare``: right after the start, only the
    other's go-ahead between) that opens with them, up to the first word that names something else
    ("598 41, claim 2290"); or none."""
    lead = _PART_REST.match(text)
    if lead is None and bare:
        first = _PART_RUN.match(text, _OPENS_WITH_NUMBER.match(text).end())  # type: ignore[union-attr]
        if (
            first is None
            or len(_part_digits(first.group())) < 2
            or is_amount(text, first.start(), first.end())
        ):
            return []
        return [first]
    if lead is None:
        return []
    runs = [
        r
        for r in _PART_RUN.finditer(text, lead.end())
        if len(_part_digits(r.group())) >= 2 and not is_amount(text, r.start(), r.end())
    ]
    # the rest may open with a group of letters ("so it continues NWBK 4575 ...")
    start = _LETTER_GROUP.match(text, lead.end())
    return runs if runs and runs[0].start() in (lead.end(), start.end() if start else -1) else []


#: Capitals said as a group before a number's digits: an IBAN's bank code, a licence's letters.
_LETTER_GROUP = re.compile(r"[A-ZА-ЯЁ]{1,4}[\s-]+")


def _replace_runs(text: str, runs: list[re.Match[str]] | list[tuple[int, int]], placeholder: str) -> str:
    for run in reversed(runs):
        start, end = (run.start(), run.end()) if isinstance(run, re.Match) else run
        text = f"{text[:start]}{placeholder}{text[end:]}"
    return text


def _parts_apart(segments: list[dict[str, Any]], pii: Counter[str]) -> None:
    """A personal number the other speaker asked for, said in parts with other talk between: its start
    broken off to look for the rest, or named as its start ("the first five are ..."), and its rest
    in a later breath of the same speaker named as the rest ("OK, found it, the rest is ...",
    "остальные: ..."), then maybe the other speaker's read-back of it whole: each part takes the
    placeholder of what was asked for (counted once), as does the read-back. A reference given so is
    no answer to a request for a personal number and stays."""
    for i, seg in enumerate(segments):
        text = seg["text"]
        head = _first_part(text)
        if head is None:
            continue
        start, end, said = head
        kind = _asked_placeholder(segments, seg["role"], i, said)
        if kind is None:
            # no request: the number's own word in the breath ("читаю: СНИЛС 320 786... мелко..."), or
            # its start already redacted ("it says IBAN [ID]... hold on")
            kind = placeholder_named_before(text, start) or (
                m.group("placeholder") if (m := _BROKEN_OFF_AFTER_WORD.match(text, start)) else None
            )
            if kind is None and said.startswith(("408", "423")) and _ACCOUNT_WORD.search(text, 0, start):
                kind = "ID"  # "Счёт получателя 40817 810..." is a person's account
        if kind is None:
            continue
        placeholder = f"[{kind}]"
        if said:
            segments[i] = {**seg, "text": _replace_runs(text, [(start, end)], placeholder)}
            pii[kind] += 1
        rest_at = None
        bare = True  # only the other speaker's go-aheads since the start
        for j in range(i + 1, min(len(segments), i + _PART_REST_SEGMENTS)):
            if segments[j]["role"] != seg["role"]:
                bare = bare and len(segments[j]["text"].split()) <= _BRIDGE_WORDS
                continue
            if _first_part(segments[j]["text"]) is not None:
                break  # a number started again
            runs = _rest_runs(segments[j]["text"], bare)
            bare = False
            if runs:
                said += "".join(_part_digits(r.group()) for r in runs)
                segments[j] = {**segments[j], "text": _replace_runs(segments[j]["text"], runs, placeholder)}
                rest_at = j
                break
        if rest_at is None:
            continue
        # the whole number read back ("So altogether 4417 0219 33?"), one digit misheard or not
        for k in range(rest_at + 1, min(len(segments), rest_at + 1 + _PART_READ_BACK_SEGMENTS)):
            back = segments[k]["text"]
            heard = [
                r
                for r in _PART_RUN.finditer(back)
                if len(digits := _part_digits(r.group())) >= 4
                and (_one_off(said, digits) or _one_off(digits, said))
            ]
            if heard:
                segments[k] = {**segments[k], "text": _replace_runs(back, heard, placeholder)}


#: An IBAN's country code as a word of its own, its letters said apart or not ("GB", "D E", "G, B").
_IBAN_COUNTRY = re.compile(r"(?<![^\W_])([A-Z])[\s,.-]{0,2}([A-Z])(?![^\W_])")
#: The same for a whole call, only the countries' codes: a scan a fifth as costly (no look-behind)
_IBAN_COUNTRY_HINT = re.compile(
    "|".join(
        rf"{first}[\s,.-]{{0,2}}[{''.join(sorted(c[1] for c in IBAN_COUNTRIES if c[0] == first))}](?![^\W_])"
        for first in sorted({c[0] for c in IBAN_COUNTRIES})
    )
)
#: Breaths (the other speaker's crosstalk among them) an IBAN's reading may take after its country code.
_IBAN_BREATHS = 6
#: A word of a piece of an IBAN: a bank code's capitals ("NWBK", "N W B K"), digits, number words.
_IBAN_PIECE_WORD = re.compile(r"[A-Z]{1,4}|\d+")


def _iban_piece(text: str) -> bool:
    """Whether ``text`` (a backchannel lead left out) says nothing but a piece of an IBAN: digits,
    number words, a bank code's capitals ("29, NWBK", "N W B K, 6016")."""
    words = _NO_PUNCT.sub(" ", text).replace("-", " ").split()
    return bool(words) and all(_IBAN_PIECE_WORD.fullmatch(w) or w.lower() in _NUMBERISH for w in words)


def _ibans_over_breaths(
    segments: list[dict[str, Any]], said: list[str], options: FilterOptions, pii: Counter[str]
) -> bool:
    """An IBAN read out over breaths ("Yeah, GB, twenty-nine..." / "N W B K..." / "sixty sixteen,
    1331..." / ...), a bank code or a country code alone in a breath ("D E..."), pieces of it in the
    other speaker's channel (crosstalk: "mm-hmm... 29, NWBK,"): the seam pass joins breaths on digits
    at their ends, so it never reads past the letters. From a country code on, the speaker's next
    breaths, the other speaker's pieces and short go-aheads between, are read as one; that reading is
    kept when it holds an IBAN (its country's length and mod-97 check) and leaves fewer digits
    readable; counts follow it. Whether any segment changed."""
    changed = False
    for k, seg in enumerate(segments):
        text = _printable(said[k])
        code = next(
            (m for m in _IBAN_COUNTRY.finditer(text) if m.group(1) + m.group(2) in IBAN_COUNTRIES), None
        )
        if code is None:
            continue
        role = seg.get("role")
        indices, leads = [k], [code.start()]
        j = k + 1
        while j < len(segments) and len(indices) < _IBAN_BREATHS:
            last = indices[-1]
            end = _printable(said[last]).rstrip()
            if end.endswith((".", "?", "!")) and not end.endswith(("..", "…")):
                break  # "..., 6819.": the number is said
            other, nxt = segments[j], _printable(said[j])
            lead = _CROSSTALK_LEAD.match(nxt).end()  # type: ignore[union-attr]  # matches ""
            piece = nxt[lead:].rstrip(_PIECE_END)
            if other.get("role") == role:
                if not _near(segments[last], other):
                    break
                if not (_says_number(nxt, _head(nxt)) or _iban_piece(piece)):
                    break
            elif (other.get("start") or 0.0) >= (segments[last].get("end") or 0.0) or not _iban_piece(piece):
                # not the caller heard in the listener's channel: a go-ahead passed over ("hang on,
                # writing, go ahead"), a turn of their own ends the number
                words = len(nxt.split())
                go_on = words <= _GO_ON_WORDS and _GO_ON_ASK.search(nxt) is not None
                if not go_on and ("?" in nxt or words > _BRIDGE_WORDS):
                    break
                j += 1
                continue
            indices.append(j)
            leads.append(lead)
            j += 1
        if len(indices) < 2:
            continue
        parts = [
            _printable(said[i])[lead:].rstrip(_PIECE_END) for i, lead in zip(indices, leads, strict=True)
        ]
        stored = [segments[i]["text"] for i in indices]
        read = _read_joined(parts, options, None)
        if read is None or "ID" not in read[3]:
            continue
        sep, joined, redacted, found = read
        if _readable_digits(redacted) >= _readable_digits(" ".join(stored)):
            continue
        pieces = _split_back(parts, joined, redacted, sep)
        if not pieces[0].startswith("[ID]"):
            continue  # an identity number after the letters, no IBAN from them
        # what the breath said before the code was redacted ("my e-mail is [EMAIL], and the IBAN is GB
        # ..."): that part read again, never stored as said
        head = text[: code.start()]
        if not segments[k]["text"].startswith(head):
            head = _redact(head, options)[0]
        _recount(pii, Counter(PLACEHOLDER_RE.findall(" ".join(stored))), pieces, found)
        for i, lead, part, piece in zip(indices, leads, parts, pieces, strict=True):
            original = _printable(said[i])
            before = head if i == k else original[:lead]
            segments[i] = {**segments[i], "text": before + piece + original[lead + len(part) :]}
        changed = True
    return changed


def _pieces_joined(segments: list[dict[str, Any]], pii: Counter[str]) -> None:
    """Digits a read-back left between or beside the pieces of one redacted number (see
    :func:`processors.pii.join_pieces`) taken into its placeholder, in each segment that has one and
    a pause or two placeholders (substring tests first)."""
    for seg in segments:
        text = seg["text"]
        if not text or "]" not in text or not ("..." in text or "…" in text or text.count("]") > 1):
            continue
        joined_text, joined = join_pieces(text)
        if joined:
            seg["text"] = joined_text
            pii.update(joined)


def _asks_code_only(text: str) -> bool:
    """A card's code asked for, not the last four of an identity number or a phone ("the last four
    digits of the SSN" is no card's "4 digits" code)."""
    return asks_cvv(text) and not asks_id_last_four(text) and not asks_phone_last_four(text)


def _words_as_stored(seg: dict[str, Any], said: str) -> dict[str, Any]:
    """``seg`` without its word timestamps (``CALLSTREAM_WHISPER_KEEP_WORDS``) when its text was
    redacted: they spell the text word by word, the number too (a security review found raw cards
    in ``calls.scored`` and in dead letters)."""
    return {**seg, "words": None} if seg.get("words") and seg["text"] != said else seg


def filter_transcript(
    transcript: Mapping[str, Any], options: FilterOptions = FilterOptions()
) -> dict[str, Any]:
    """Transcript -> FilteredTranscript: same segments, each flagged kept/drop_reason, PII redacted."""
    out = copy.copy(dict(transcript))
    segments = []
    dropped: Counter[str] = Counter()
    pii: Counter[str] = Counter()
    kept = 0
    # The previous kept turn, and whether it asked ("?") or proposed something: None until a turn
    # of the other speaker needs to know (the proposal check scans the whole turn).
    last_kept_role: str | None = None
    last_kept_text = ""
    last_kept_asked: bool | None = False
    last_kept_announces: bool | None = None  # whether it announces an action in words (see announces)
    ids = options.pii.enabled and options.pii.ids
    seen: dict[int, str | None] = {}  # what each segment asks for (see _asked)
    role: str | None = None
    # texts stored as said whose words (WORD_RE) hold none of _NUMBERISH: _redact_seams asks
    # _says_number of most segments, which need not split them again
    plain_texts: set[str] = set()
    unled_texts: set[str] = set()  # of those, the texts _lead_end reads no lead in (see _unled)

    # the segments that are speech or may be (every one but Whisper's noise on a silence, "Продолжение
    # следует...", "[MUSIC]"): what the passes over several segments read, a number's pieces and the
    # request before them on either side of the noise (the same list as ``segments`` until one is noise)
    speech = segments

    def asked_before() -> str | None:
        return _asked(speech, role, seen=seen)  # type: ignore[arg-type]

    def asked_after_stall() -> str | None:
        # what a turn answering no one asks otherwise: a relative handed the phone (see _asked_here)
        if _stalled(speech, role):  # type: ignore[arg-type]
            return asked_before()
        return _handed_over_kind(speech, role)  # type: ignore[arg-type]

    for at, seg in enumerate(transcript["segments"]):
        noise = False
        if not seg["text"].isprintable() and _CONTROL.search(seg["text"]):  # not speech, never stored
            seg = {**seg, "text": _printable(seg["text"])}
        text = seg["text"]
        other = last_kept_role not in (None, seg["role"])
        # a stock phrase is a hallucination whatever Whisper's doubt: asked before the no-speech
        # pair, so BI counts "Thank you for watching!" under hallucination, not no_speech
        if not has_words(text):
            reason: str | None = "empty"
        elif _hallucination(seg, options) and not _dictated_address(
            text, segments[-1]["text"] if segments else "", last_kept_text
        ):
            reason = "hallucination"
        else:
            reason = _no_speech(seg, options)
        if reason is None:
            # the identity number the other speaker asked for: looked up for a turn that may answer
            # it, right after theirs (kept or not: "Так, дальше." is dropped as a filler)
            role = seg["role"]
            answering = ids and (other or (bool(speech) and speech[-1]["role"] != role))
            # or after the speaker's own stall to find it (looked up only for a text that may hold a number)
            stalled = not answering and ids and bool(speech)
            asked = (
                _asked_here(
                    speech, role, text, asked_before if answering else asked_after_stall if stalled else None
                )
                if ids
                else None
            )
            reason, text, found, empathy, plain, unled = _judge(
                text, options, other and last_kept_asked is True, asked
            )
            # Answering only ever keeps a turn: ask whether the agent proposed something only for
            # a yes/okay that would be dropped without it (rare), then judge it as an answer.
            if (
                reason in ("filler", "short")
                and other
                and last_kept_asked is None
                and options._answer_re.search(seg["text"])
            ):
                if _BACKCHANNEL.fullmatch(seg["text"].strip()):
                    # "Mm-hmm" after an action the agent announces ("We'll charge your card now.") is
                    # consent as "Okay." is. Asked once per agent turn: backchannels are frequent.
                    if last_kept_announces is None:
                        last_kept_announces = last_kept_role == "agent" and announces(last_kept_text, options)
                    consent = last_kept_announces or (
                        # so is one right after the agent's turn that ends stating a price ("So the
                        # total is 49 dollars a month." / "Uh-huh."), unless the agent goes on with
                        # the list ("And the setup fee."): then it only listened
                        last_kept_role == "agent"
                        and segments[-1]["kept"]
                        and segments[-1]["role"] == "agent"
                        and states_price(last_kept_text)
                        and not _agent_goes_on(transcript["segments"], at)
                    )
                else:
                    consent = last_kept_role == "agent" and proposes(last_kept_text, options)
                    last_kept_asked = consent
                if consent:
                    reason, text, found, empathy, plain, unled = _judge(seg["text"], options, True, asked)
            if reason == "short" and (
                (other and _confirms_by_echo(seg["text"], last_kept_text, options))
                # "Интернет пропал." after "Связь-Про, слушаю вас.": what the call is about, not a
                # backchannel; an echo of the other speaker's word says nothing new
                or _states_something(seg["text"], options, last_kept_text if other else "")
            ):
                reason = None  # "Вы оставляли заявку на замер." / "Да, оставлял.": a confirmation
            if (
                reason == "short"
                and role == "agent"
                # (read by _text_reason when it judged the text as said: signals once a turn)
                and (empathy if empathy is not None else _says_empathy(seg["text"]))
            ):
                reason = None  # the agent's "Понимаю вас." is scored as empathy; a customer's acknowledges
            if (
                not found
                and (
                    answering
                    or (stalled and _DIGIT.search(seg["text"]) is not None and _stalled(speech, role))
                )
                and options.pii.cards
                and not unled  # (no digit, no number word: no card; most turns)
                and _card_answer(seg["text"], speech, role, plain)
            ):
                # a card asked for a few turns back ("which card?" / "... let me start over." / "Okay.
                # 2597, twenty-seven sixteen three eight nine one, ..."): its digits read as a card's
                carded, card_found = _redact(seg["text"], options, asked="card")
                if not _cut_in_the_middle(carded):
                    text, found = carded, card_found
        else:
            # a breath the filter drops is stored all the same: read as the answer to the identity
            # number asked just before, as a kept one would be ("And your driver's license number?" /
            # a noisy "sixty-eight fifteen three hundred one.")
            asked_kind = None
            words = WORD_RE.findall(text.lower())
            if ids and _may_be_id(text, words):
                asked_kind = _asked(speech, seg["role"], seen=seen)
            # a breath Whisper doubted (no_speech, no_vad) may be a piece of an address or a number
            # ("dot...", "pruitt..."): noise only when its words are what Whisper writes on a silence,
            # and those were judged a hallucination first
            noise = reason in _NOISE and not _says_digits(text, words)
            plain = _NUMBERISH.isdisjoint(words)
            unled = plain and _unled(text, words)
            if noise and speech is segments:
                speech = segments.copy()  # the first noise: from here on the two lists differ
            text, found = _redact(text, options, words, asked_kind)
        if (
            reason is None
            and not other
            and last_kept_role is not None
            and abs(len(text) - len(last_kept_text)) <= 3  # the same words, other punctuation
            and _key(text) == _key(last_kept_text)
        ):
            reason = "repeat"  # Whisper looping on hold music ("Thank you." x4); the first copy stays
        if plain and text == seg["text"]:
            plain_texts.add(text)  # stored as said, no number-ish word: see _says_number
            if unled:
                unled_texts.add(text)  # nor any other word a number's lead is read to: see _unled
        if found:
            pii.update(found)
        stored = {**seg, "text": text, "kept": reason is None, "drop_reason": reason}
        segments.append(stored)
        if speech is not segments and not noise:
            speech.append(stored)
        if reason:
            dropped[reason] += 1
        else:
            kept += 1
            last_kept_role, last_kept_text = seg["role"], text
            last_kept_asked = True if "?" in text else None  # "Вам удобно? Я могу ещё ..." asks too
            last_kept_announces = None
    said_all = [s["text"] for s in transcript["segments"]]
    # the passes over several segments read the speech only (see ``speech``), then store what they
    # redacted in place
    where = None
    view = segments
    if speech is not segments:
        in_speech = {id(s) for s in speech}
        where = [i for i, s in enumerate(segments) if id(s) in in_speech]
        view = [segments[i] for i in where]
    if dropped.get("no_speech"):
        flipped = _number_pieces_kept(view, [said_all[i] for i in where] if where is not None else said_all)
        if flipped:
            kept += flipped
            dropped["no_speech"] -= flipped
            dropped = +dropped
    if options.pii.enabled:
        # before and after the seams: a bare answer to "Назовите номер заказа" joined with the same
        # speaker's digits before the question ("02.06 в 17:52." / ... / "4782572799.") is no phone
        said_texts = [said_all[i] for i in where] if where is not None else said_all
        _answers_reference(view, said_texts, options, pii)
        if _redact_seams(view, options, pii, plain_texts, unled_texts):
            _answers_reference(view, said_texts, options, pii)
        if pii:
            _rejoin_taken_pieces(view, said_texts, options, pii)
        _started_by_other(view, said_texts, options, pii)
        _crosstalk(view, said_texts, options, pii)
        if ids:
            _series_alone(view, pii)
        # the answers to a code's request first: what they redact may be said again ("Последние: ...")
        said = "\n".join(s["text"] for s in view)
        # an IBAN's country code still stored (rare: the cheap scan first)
        if ids and _IBAN_COUNTRY_HINT.search(said) and _ibans_over_breaths(view, said_texts, options, pii):
            said = "\n".join(s["text"] for s in view)
        if options.pii.ids and asks_inn(said):  # "Назовите ИНН." / "так, 5024 1234 5678."
            _code_answers(view, pii, asks_inn, "ID", range(12, 13), inn_ok)
        last_four = options.pii.ids and asks_id_last_four(said)
        if last_four:  # "the last 4 digits of the SSN" is no card's "4 digits" code
            _code_answers(view, pii, asks_id_last_four, "ID", range(4, 5))
        phone_four = options.pii.phones and asks_phone_last_four(said)
        if phone_four:  # "the last four of your mobile number?" / "4767": a piece of a person's phone
            _code_answers(view, pii, asks_phone_last_four, "PHONE", range(4, 5))
        if options.pii.cards and asks_cvv(said):  # PCI DSS forbids storing it: the card's placeholder
            asks = _asks_code_only if last_four or phone_four else asks_cvv
            _code_answers(view, pii, asks, "CARD", range(3, 5))
        if ids or options.pii.cards or options.pii.phones:
            _parts_apart(view, pii)
        if options.pii.cards and pii.get("CARD"):
            _card_codes(view, pii)
        if pii:
            _placeholder_tails(view)
            _placeholder_heads(view)
            if pii.get("ID"):
                _series_heads(view)
                _letters_before_ids(view)
        if pii.get("PHONE"):
            _read_backs(view)
            _corrected_groups(view)
        if pii:
            _echoes(view, said_texts, pii)
            _abandoned(view, said_texts)
            _pieces_joined(view, pii)
        if pii.get("EMAIL"):
            _emails_said_again(view, said_texts, pii)
            _email_echoes(view, said_texts)
            _email_starts(view)
            _spellings_after(view, said_texts)
        if pii:
            _kept_said_again(view, said_texts, pii)
        if pii and dropped.get("repeat"):
            _repeats_as_kept(view, said_texts)
        pii = +pii  # counts the reference pass took back to 0 go
        if pii.get("CARD"):
            _count_card_codes(view, pii)
    if where is not None:
        for k, i in enumerate(where):
            segments[i] = view[k]
    out["segments"] = [_words_as_stored(seg, said) for seg, said in zip(segments, said_all, strict=True)]
    out["dropped_segments"] = [
        _words_as_stored({**seg, "text": _redact(seg["text"], options)[0], "kept": False}, seg["text"])
        for seg in transcript.get("dropped_segments") or ()
    ]
    return {
        "call_id": transcript["call_id"],
        "transcript": out,
        "kept": kept,
        "dropped": dict(dropped),
        "pii": dict(pii),
    }
