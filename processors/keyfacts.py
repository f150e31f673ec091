"""Key facts: what compression must never cut, and what makes a call dense.

A key fact is a (kind, anchor) pair found in a segment's text after number normalisation and
PII redaction (so anchors are what the compressed text will literally contain):

- ``number``: any digit run ("2990", "39", "14") — prices, quantities, dates, terms; as a key fact
  (:func:`facts_in`, :func:`with_amounts`) an amount keeps its currency or percent ("$50", "50
  рублей", "15%"): "$50" is another fact than the "50" of "50 gigs", and a text that kept only the
  latter lost the price;
- ``pii``: a redaction placeholder ("[PHONE]"): the fact that a number or card was given;
- ``objection``: "too expensive", "need to think", "другие дешевле", ...;
- ``refusal``: "no", "not interested", "нет", "отказываюсь", "cancel", "don't call", what the agent
  cannot do ("I can't credit", "unfortunately", "к сожалению") and churn ("перейду к другому провайдеру");
- ``commitment``: "I'll send", "we will call", "they'll call", "отправлю", "перезвоню", "укажу",
  "мастер позвонит", "обещают", "you can add users any time", ...;
- ``agreement``: the customer's yes to the offer or choice ("sounds good", "sign me up", "Yearly then.",
  "okay, fine", "подключайте", ...) and buying signals ("the part we need", "это то, что нужно");
- ``offer``: a concession the agent makes ("a discount", "for free", "a credit", "скидка", "бесплатно"),
  or a value argument ("выгоднее", "saves you"), which objection handling is judged on;
- ``date``: when something will happen ("Friday", "tomorrow", "June", "в субботу", "завтра", "в июне", ...);
- ``legal``: complaint and legal words ("lawyer", "refund", "жалоба", "жаловаться", "мошенники", ...);
- ``issue``: why the customer calls and what hurts: the reason ("calling about", "хотел узнать"), a
  pain point ("is killing us", "не работает"), a demand ("I want it off", "уберите"), a repeat contact
  ("третий раз звоню") and the cause the agent finds ("авария на линии", "outage");
- ``tone``: rudeness and blame ("shut up", "not my problem", "calm down", "you should have read",
  "сами виноваты", "успокойтесь"): politeness is a fatal criterion, and a call without these lines
  reads polite;
- ``apology`` and ``empathy``: "sorry", "I apologize", "извините", "спасибо за терпение"; "I understand",
  "понимаю": what politeness and empathy are scored on, however short the line;
- ``escalation``: a request for a manager ("let me speak with a manager", "позовите руководителя",
  "соедините со старшим");
- ``recording``: a notice that the call is recorded, by either side ("this call is recorded", "I'm
  recording this call", "разговор записывается"): a compliance point.
- ``problem``: the customer's first :data:`PROBLEM_STATEMENTS` statements of what went wrong, a
  subject and a failure verb ("Интернет пропал.", "Списали деньги.", "My internet is down.", "The app
  crashes when I log in."): the reason for the call, however short. Not from the lexicon scan: only
  the customer's first ones (:func:`problem_statements`), so not every complaint of a call is a key fact.
- ``context``: the customer's first :data:`CONTEXT_STATEMENTS` statements of their circumstances
  ("I have two kids at home.", "I work from home.", "I'm a doctor.", "У меня двое детей.", "Нас в
  команде пятеро."), only in a call with an objection or a problem statement: what an analyst judges
  the agent's answer to the objection against (:func:`context_statements`).
- ``reason``: why, in a narrow set of forms: the customer's first :data:`REASON_STATEMENTS` reasons for
  an objection, a refusal or a problem ("We barely used it.", "Those charges aren't mine.", "Мы почти
  не пользовались."), only in a call where they push back (:func:`reason_statements`); and the agent
  relaying a third party's report of what failed ("Курьер отметил, что не смог дозвониться.", "The
  technician noted that nobody was home.": :func:`reported_causes`).

Courtesy phrases that look like a refusal ("no problem", "без проблем") are matched first and
ignored, so "Sure, no problem" is not kept as a refusal.

``emotion`` and ``question`` are density signals only (they decide how hard compression cuts) and
are not facts that must survive word for word. Lexicons are plain tuples: a tenant-specific list
can replace them through :class:`Lexicon`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Any

from processors.numbers import normalise_numbers
from processors.pii import redact
from processors.text import (
    case_sensitive_twin,
    ci_finditer,
    ci_view,
    factored,
    factored_parts,
    find_all,
    fold,
    is_char_piece,
    register_fast_twin,
    strip_disfluencies,
)

FACT_KINDS = (
    "number", "pii", "objection", "refusal", "commitment", "agreement", "offer", "date", "legal", "issue",
    "tone", "apology", "empathy", "escalation", "recording", "problem", "context", "resolution",
    "reason", "intent",
)  # fmt: skip
SIGNAL_KINDS = (*FACT_KINDS, "emotion", "question")

OBJECTION = (
    "too expensive", "expensive", "a bit much", "too much", "more than we budgeted", "over budget",
    "not in the budget", "can't afford", "cannot afford", "need to think", "think about it",
    "not sure", "check with my manager", "other vendor", "competitor*", "cheaper", "don't need",
    "no time", "not now", "not the right time", "didn't sign up", "did not sign up", "didn't ask for",
    "did not ask for", "didn't order", "not paying", "won't pay", "not going to pay", "already using",
    "already use", "already have", "talk to my boss", "check with my boss", "ask my boss",
    "talk to my manager", "can't sign off",
    "дорого", "дороговато", "слишком дорого", "не по карману", "нет бюджета", "не уверен*",
    "подумаю", "надо подумать", "нужно подумать", "посоветоваться", "у конкурентов", "дешевле",
    "не нужно", "нет времени", "не сейчас", "не актуально", "неинтересно", "не интересно",
    "не подходит", "не устраивает", "посоветуюсь", "не подписывал*", "не заказывал*", "не буду платить",
    "платить не буду", "уже пользуемся", "уже пользуюсь", "у нас уже есть",
    # a dispute over what the customer was told (the compliance point of a billing call)
    "nobody told me", "no one told me", "never told me", "wasn't told", "was not told",
    "никто не сказал", "никто не предупредил", "не предупредили", "не предупреждали",
    # a dispute over what happened: the customer denies the contact the agent's record reports ("Курьер
    # не смог связаться" / "Мне никто не звонил!"), the call's point of contention
    "nobody called", "no one called", "nobody came", "no one came", "nobody showed up", "no one showed up",
    "никто не звонил", "никто не позвонил", "никто не приходил", "никто не пришёл", "никто не пришел",
    "никто не связывался", "никто не приезжал",
    # what an offer leaves out: "But that doesn't cover the mold."
    "doesn't cover", "does not cover", "doesn't include", "does not include", "не покрывает",
    "не входит",
)  # fmt: skip
REFUSAL = (
    "no", "nope", "uh-uh", "nah", "not interested", "don't want", "do not want", "won't", "will not",
    "refuse*", "decline*", "cancel*", "terminate", "stop calling", "never", "no thanks", "no thank you",
    "don't call", "do not call", "take me off", "remove me from", "remove my number",
    "нет", "не хочу", "не буду", "не надо", "отказ*", "откаж*", "отмен*", "расторг*",
    "не звоните", "никогда", "удалите мой номер", "удалите меня",
    # what the agent cannot do: without it "Of course, yes" after it reads as a yes to the customer
    "unfortunately", "i can't", "we can't", "i cannot", "we cannot", "unable to", "not able to",
    "к сожалению", "не могу", "не можем", "не получится", "невозможно",
    # churn: leaving for another provider
    "switch to another", "switching to another", "go with another", "another provider",
    "другому провайдеру", "другого провайдера", "к другому оператору", "к конкурентам", "уйду к",
    "уйду от вас", "уходим от вас", "уходим к",
)  # fmt: skip
COMMITMENT = (
    "i'll *", "i will *", "we'll *", "we will *", "i'm going to *", "i am going to *", "i promise",
    "will send", "will call", "call you back", "send you", "send the contract", "send the invoice",
    "отправлю", "пришлю", "вышлю", "перезвоню", "позвоню", "сделаю", "оформлю", "подготовлю",
    "отправим", "пришлём", "пришлем", "вышлем", "перезвоним", "свяжемся", "оформим", "договорились",
    "обещаю",
    # a consent the agent binds the work to ("Понял, только с вашего согласия."): the customer's terms
    "с вашего согласия", "без вашего согласия", "with your approval", "without your approval",
    "with your consent", "without your consent",
    # Russian has no "will": a promise is a perfective verb in the first person, listed form by form
    # (a stem such as "оплач*" would also take "оплачивается", "оплачено").
    "подпишу", "оплачу", "заплачу", "переведу", "направлю", "наберу", "напишу", "скину", "сообщу",
    "передам", "свяжусь", "подключу", "верну", "привезу", "приеду",
    "подпишем", "оплатим", "заплатим", "переведём", "переведем", "направим", "наберём", "наберем",
    "напишем", "скинем", "сообщим", "передадим", "подключим", "вернём", "вернем", "привезём",
    "привезем", "приедем", "подготовим", "позвоним", "укажу", "отмечу", "запишу", "записываю",
    "оформляю", "отправляю", "подключаю", "восстановим", "починим", "исправим",
    # an action the agent announces as done right now: "Карту я блокирую прямо сейчас."
    "блокирую", "заблокирую", "блокируем", "заблокируем", "перевыпущу", "перевыпустим",
    "i'm blocking", "i am blocking", "we're blocking", "we are blocking",
    # what someone else will do for the customer: "мастер позвонит", "вам позвонят", "they'll call"
    "he'll call", "she'll call", "they'll call", "he will call", "she will call", "they will call",
    "they'll send", "they will send", "they'll come", "they will come", "they'll fix", "they will fix",
    "they'll contact", "they will contact", "someone will call", "someone will contact",
    "позвонит", "позвонят", "перезвонит", "перезвонят", "свяжется", "свяжутся",
    "пришлют", "привезут", "обеща*",
    # what the customer may do later, as the agent assures it ("you can add users any time")
    "any time", "anytime", "you can always", "в любой момент", "в любое время",
)  # fmt: skip
AGREEMENT = (
    "sounds good", "sounds great", "let's do *", "let's go with *", "let's go ahead", "go ahead",
    "sign me up", "i agree", "agreed", "deal", "that works", "works for me", "yes please",
    "подключайте", "подключите", "оформляйте", "оформите", "давайте оформ*", "давайте подключ*",
    "согласен", "согласна", "беру", "берём", "берем", "возьму", "подходит", "устраивает",
    "по рукам",
    # a choice or a reluctant yes: "Yearly then.", "Okay, fine."
    "yearly then", "monthly then", "annually then", "that one then", "this one then", "let's do it then",
    "let's go with", "okay fine", "ok fine", "alright fine", "fine then", "давайте тогда", "тогда давайте",
    "выбираю", "выберу", "остановимся на", "возьмём", "возьмем",
    # a choice that defers the rest: "Yeah I think just the return for now."
    "for now",
    # a decision that names the choice after it: "Ладно, давайте Бизнес за год."
    "ладно давайте", "хорошо давайте", "ну давайте", "ок давайте", "окей давайте",
    # buying signals
    "what we need", "the part we need", "exactly what", "sounds interesting", "that would help",
    "that'd help", "that would be helpful", "that'd be helpful", "то, что нужно", "то что надо",
)  # fmt: skip
OFFER = (
    "discount*", "percent off", "for free", "free of charge", "free delivery", "free shipping",
    "free trial", "free installation", "free month*", "no charge", "waive*", "a credit", "one-time credit",
    "credit you", "credit your", "credited", "price match",
    "скидк*", "бесплатн*", "в подарок", "по акции", "без переплат*", "перерасч*",
    # value arguments: the answer to "too expensive" is often not a concession
    "saves you", "save you", "pays for itself", "worth it", "выгодн*", "экономи*", "окупа*", "гаранти*",
    # whether it can be had at all: "по вашему адресу подключение есть", "that model is out of stock"
    "in stock", "out of stock", "not available", "unavailable", "is available", "are available",
    "we can connect", "в наличии", "подключение есть", "подключения нет", "подключение возможно",
    "можем подключить", "техническая возможность", "технической возможности",
)  # fmt: skip
DATE = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow", "today",
    "yesterday",
    "tonight", "next week", "next month", "end of the month", "end of the week",
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december",
    "понедельник*", "вторник*", "среда", "среду", "среды", "четверг*", "пятниц*", "суббот*", "воскресень*",
    "завтра", "послезавтра", "сегодня", "вчера", "на следующей неделе", "в конце месяца", "в конце недели",
    "январ*", "феврал*", "марта", "в марте", "апрел*", "мая", "в мае", "июн*", "июл*", "август*",
    "сентябр*", "октябр*", "ноябр*", "декабр*",
)  # fmt: skip
ISSUE = (
    # the reason for the call
    "calling about", "calling because", "i'm calling to", "i am calling to", "calling to ask",
    "хотел узнать", "хотела узнать", "хотел спросить", "хотела спросить", "звоню по поводу",
    "звоню насчёт", "звоню насчет", "у меня вопрос",
    # pain
    "killing us", "headache", "the problem is", "biggest problem", "main problem", "the issue is",
    "struggl*", "doesn't work", "does not work", "isn't working", "not working", "stopped working",
    "не работает", "не работают", "не работал*", "перестал* работать", "проблем*", "мучаемся",
    # a demand
    "i want it", "i want that", "i want this", "i want them", "i want the", "get rid of", "take it off",
    "хочу, чтобы", "нужно, чтобы", "надо, чтобы", "уберите", "отключите",
    "требую", "требуем", "настаиваю", "i demand", "i insist", "без моего согласия", "without my consent",
    "without my approval",
    # the cost of a failure to the customer's business: "We're losing money every hour this is down."
    "losing money", "losing business", "losing customers", "теряем деньги", "теряю деньги",
    "теряем клиентов",
    # a repeat contact
    "third time", "second time", "already called", "called before", "третий раз", "второй раз",
    "который раз", "уже звонил*", "звоню уже",
    # the cause
    "outage", "авари*", "поврежд*", "повредил*", "сбой",
)  # fmt: skip
#: The agent brushing the customer off: "Вам же сказали ждите.", "Это не ко мне.", "Я вам уже всё
#: сказала.", "Not my department.", "I already told you." Part of :data:`TONE`, and rude markers of the
#: baseline scorer (processors.baseline), which judges them per sentence.
BRUSH_OFF = (
    "вам же сказали", "вам уже сказали", "вам же объяснили", "вам уже объяснили", "это не ко мне",
    "я вам уже всё сказал*", "я вам уже все сказал*", "я вам всё сказал*", "я вам уже сказал*",
    "я же вам сказал*", "я же вам объяснил*", "я вам уже объяснил*",
    "not my department", "not my job", "i already told you", "i've already told you", "i told you already",
    "i already said", "i've already said",
)  # fmt: skip
#: Rudeness and blame of the agent's (what the scorer's politeness, a fatal criterion, is judged on):
#: one such line makes a call rude, so no depth may cut it.
TONE = (
    "shut up", "not my problem", "not our problem", "calm down", "you should have read",
    "you should've read", "should have read the", "your own fault", "your fault", "whatever",
    "i don't care", "i do not care", "you people", "are you deaf", "stop yelling",
    "сами виноваты", "сам виноват", "сама виновата", "не мои проблемы", "не моя проблема",
    "это ваши проблемы", "успокойтесь", "читать надо", "надо было читать", "я же сказал*", "я уже сказал*",
    "мне всё равно", "мне все равно", "не ваше дело", "не кричите", "замолчите", "помолчите",
    # brushing the customer off: "Вам же сказали ждите.", "Это не ко мне."
    *BRUSH_OFF,
)  # fmt: skip
#: Apologies, and thanks for waiting (the courtesy the scorer counts; not the hold phrase itself).
APOLOGY = (
    "sorry", "apologi*", "apologis*", "my apologies",
    "thank you for your patience", "thanks for your patience", "thank you for waiting",
    "thanks for waiting",
    "извините", "извиняюсь", "извинит*", "простите", "прошу прощения", "приношу извинения",
    "приносим извинения", "приносим свои извинения", "примите извинения", "примите наши извинения",
    "спасибо за терпение", "спасибо за ожидание", "спасибо, что подождали",
)  # fmt: skip
EMPATHY = (
    "i understand", "i hear you", "i totally understand", "i completely understand", "i can understand",
    "that must be frustrating", "sorry to hear", "понимаю", "я вас понимаю", "понимаю вас", "сочувствую",
)  # fmt: skip
#: A request for someone senior: "speak with a manager", "put me through to your boss". Their manager,
#: not the customer's own: "посоветоваться с руководителем" and "talk to my boss" are objections.
ESCALATION = (
    *(
        f"{verb} {prep} {det} {who}"
        for verb in ("speak", "talk")
        for prep in ("to", "with")
        for det in ("a", "your", "the")
        for who in ("manager", "supervisor", "boss")
        if (det, who) != ("the", "boss")
    ),
    "put me through", "transfer me to", "get me your *", "get me a manager", "get me a supervisor",
    "get me the manager", "get me the supervisor", "your supervisor", "a supervisor",
    "someone more senior", "someone senior", "escalate*",
    "позовите", "дайте начальника", "дайте мне начальника", "дайте руководителя", "дайте старшего",
    "соедините с*", "соедините меня с*", "переключите меня на*", "переключите на руководител*",
    "переключите на начальник*", "со старшим", "вашего руководителя", "вашему руководителю",
    "вашим руководителем",
    "вашего начальника", "вашему начальнику", "вашим начальником", "ваше руководство", "вашему руководству",
    "вашего старшего", "вышестоящ*", "старшего менеджера", "старшему менеджеру",
)  # fmt: skip
#: In an escalation's sentence, a call to praise makes it none: "I'd like to speak to your manager to
#: thank her", "... с руководителем, чтобы поблагодарить Ольгу" (unless a "but" stands between: "I
#: wanted to thank you, but get me your manager"). The default escalation_request alert's
#: ``not_in_sentence_with``, which a test keeps equal, so the key fact and the alert agree.
PRAISE_PURPOSE = (
    "поблагодарить", "похвалить", "сказать спасибо", "выразить благодарность", "передать благодарность",
    "оставить благодарность", "объявить благодарность", "хороший отзыв", "положительный отзыв", "to thank",
    "and thank", "thank her", "thank him", "thank them", "to praise", "praise her", "praise him",
    "to compliment", "compliment her", "compliment him", "a compliment", "to commend", "commend her",
    "commend him", "say thank you", "say thanks", "positive feedback", "how great", "how helpful",
    "how wonderful", "how amazing", "how fantastic", "what a great job",
)  # fmt: skip
#: A notice that the call is recorded, by either side.
RECORDING = (
    "call is recorded", "call is being recorded", "call may be recorded", "calls are recorded",
    "calls may be recorded", "recorded for quality", "recording this call", "recording the call",
    "recording this conversation", "i'm recording", "i am recording",
    "разговор записывается", "звонок записывается", "разговоры записываются", "звонки записываются",
    "записываю разговор", "записываю наш разговор", "записываю этот разговор", "ведётся запись",
    "ведется запись", "запись разговора",
)  # fmt: skip
#: Courtesy phrases that contain a refusal word; matched first and dropped (not a signal).
COURTESY = (
    "no problem", "no problems", "not a problem", "no worries", "no rush", "no hurry",
    "нет проблем", "без проблем", "не за что", "не торопитесь",
)  # fmt: skip
LEGAL = (
    "complaint", "complain*", "lawyer", "attorney", "court", "sue", "lawsuit", "legal action",
    "refund*", "chargeback", "consumer protection", "regulator", "ombudsman", "fraud", "my money back",
    "жалоб*", "жалова*", "пожаловаться", "пожалуюсь", "претензи*", "суд", "суда", "судом", "в суд",
    "юрист*", "адвокат*", "роспотребнадзор*", "прокуратур*", "мошенни*", "возврат*", "верните деньги",
    "верните мои деньги", "вернуть деньги",
)  # fmt: skip
EMOTION = (
    "angry", "furious", "ridiculous", "terrible", "awful", "unacceptable", "disappointed",
    "frustrat*", "upset", "outrageous", "worst", "scam", "fed up",
    "безобразие", "ужас*", "возмутительн*", "надоел*", "издевательство", "кошмар", "бесит",
    "обман*", "разочарован*", "хамство", "достали", "недовол*", "unhappy", "not happy",
    # insults: a customer's abuse of the agent is what a supervisor reviews the call for ("You're useless,
    # all of you.", "This is pathetic."), and what the agent's calm is judged against
    "useless", "pathetic", "an insult", "insulting", "idiot*", "incompetent", "moron*",
    "идиот*", "бестолков*", "некомпетентн*", "позорище", "дебил*",
)  # fmt: skip
QUESTION_WORDS = (
    "what", "how", "why", "when", "where", "which", "who", "could you", "can you", "do you",
    "is it", "are there", "does it",
    "что", "как", "почему", "зачем", "когда", "где", "какой", "какая", "какие", "сколько",
    "можно ли", "а если", "ли",
)  # fmt: skip


@dataclass(frozen=True)
class Lexicon:
    """Phrase lists per kind (``*`` at the end = any ending; ``"i'll *"`` = "i'll" + the next word)."""

    objection: tuple[str, ...] = OBJECTION
    refusal: tuple[str, ...] = REFUSAL
    commitment: tuple[str, ...] = COMMITMENT
    agreement: tuple[str, ...] = AGREEMENT
    offer: tuple[str, ...] = OFFER
    date: tuple[str, ...] = DATE
    courtesy: tuple[str, ...] = COURTESY
    legal: tuple[str, ...] = LEGAL
    issue: tuple[str, ...] = ISSUE
    tone: tuple[str, ...] = TONE
    apology: tuple[str, ...] = APOLOGY
    empathy: tuple[str, ...] = EMPATHY
    escalation: tuple[str, ...] = ESCALATION
    recording: tuple[str, ...] = RECORDING
    emotion: tuple[str, ...] = EMOTION
    question_words: tuple[str, ...] = QUESTION_WORDS


def _alternation(phrases: Iterable[str]) -> str:
    return "|".join("".join(pieces) for pieces in _alternatives(phrases))


def _alternatives(phrases: Iterable[str]) -> list[list[str]]:
    """The phrases as regex pieces, one per character (plus the stem or next-word tail), longest first."""
    out = []
    for p in sorted({p.lower() for p in phrases}, key=len, reverse=True):
        if p.endswith(" *"):  # phrase + the next word: "i'll send"
            body, tail = p[:-2], [r"\s+", r"\w+"]
        else:
            body, tail = p.rstrip("*"), [r"\w*"] if p.endswith("*") else []
        out.append([_PIECES.get(ch) or re.escape(ch) for ch in body] + tail)
    return out


#: How a space and an apostrophe are spelled in the lexicon patterns.
_PIECES = {" ": r"[\s,]+", "'": "['’]"}  # ", " too: Whisper writes "Yes, please", "No, thanks"
_NUMBER_PII = r"(?P<number>\d+(?:[.,]\d+)*)|(?P<pii>\[(?:PHONE|CARD|EMAIL|ID)\])"


#: The kinds of :func:`_pattern`'s groups, in the order they are tried.
_KIND_ORDER = (
    "courtesy", "tone", "apology", "empathy", "escalation", "recording", "legal", "objection", "commitment",
    "agreement", "offer", "date", "issue", "refusal",
    "emotion",
)  # fmt: skip
#: :data:`_NUMBER_PII` without group names.
_NUMBER_PII_PLAIN = r"\d+(?:[.,]\d+)*|\[(?:PHONE|CARD|EMAIL|ID)\]"
#: What ``\d`` matches in fold-safe text.
_DIGITS = frozenset("0123456789")


@cache
def _pattern(lexicon: Lexicon) -> re.Pattern[str]:
    """One pass finds every kind: named groups, courtesy first (consumed, then ignored), then what the
    scorer judges the agent's manner on (tone, apology, empathy, escalation, recording: "не мои
    проблемы" is rudeness before an issue, "записываю разговор" a recording before a promise), legal and
    commitment before refusal ("I won't" is a refusal, "I'll cancel" a commitment to cancel, kept
    either way), objection before agreement ("не подходит" is an objection), offer before refusal
    ("no charge" is an offer)."""
    kinds = [(kind, _alternatives(getattr(lexicon, kind))) for kind in _KIND_ORDER]
    kinds = [(kind, alts) for kind, alts in kinds if alts]
    words = "|".join(f"(?P<{k}>{'|'.join(''.join(p) for p in alts)})" for k, alts in kinds)
    pattern = re.compile(rf"{_NUMBER_PII}|(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)
    fast = _factored_kinds(kinds)
    if fast is not None:
        # Number and placeholder start with their first character outside the group: the regex
        # engine skips an alternative that starts with a character (class) in one step.
        fast_number_pii = r"\d(?P<number>\d*(?:[.,]\d+)*)|\[(?P<pii>(?:PHONE|CARD|EMAIL|ID)\])"
        register_fast_twin(pattern, rf"{fast_number_pii}|(?<!\w)(?:{fast})(?!\w)")
    return pattern


@cache
def _scanner(lexicon: Lexicon) -> re.Pattern[str] | None:
    """The case-sensitive twin of :func:`_pattern` without its named groups: the same matches, found
    about three times as fast (entering a named group costs the engine more than the literal test
    inside it, at every word start), or None where :func:`_pattern` has no factored twin.

    :func:`signals` asks the named twin for the kind only where a match starts: one ``match`` per
    signal instead of the named groups at every word.
    """
    kinds = [(kind, _alternatives(getattr(lexicon, kind))) for kind in _KIND_ORDER]
    alternatives = [pieces for _, alts in kinds for pieces in alts]
    if not alternatives or _factored_kinds(kinds) is None:
        return None
    words = "|".join("".join(pieces) for pieces in alternatives)
    plain = re.compile(rf"{_NUMBER_PII_PLAIN}|(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)
    # one alternation in the kinds' order, factored: the order of a plain alternation (what the
    # named pattern's groups are, unnamed), so the same matches
    # (``\d\d*``: an alternative that starts with a single character class is tried in one step)
    fast_number_pii = r"\d\d*(?:[.,]\d+)*|\[(?:PHONE|CARD|EMAIL|ID)\]"
    register_fast_twin(plain, rf"{fast_number_pii}|(?<!\w)(?:{factored(alternatives)})(?!\w)")
    return case_sensitive_twin(plain)


def _factored_kinds(kinds: list[tuple[str, list[list[str]]]]) -> str | None:
    """The word part of :func:`_pattern` with its alternatives :func:`factored` (about twice as fast
    to match), or None when some phrase does not start with a plain character.

    The alternatives are grouped by first character (which may reorder them: different first
    characters never match at one place); within a group they keep their order, and each run of
    one kind is a group named ``<kind>_<n>_<i>``, so ``lastgroup`` still tells the kind.
    """
    by_first: dict[str, list[tuple[str, list[str]]]] = {}
    for kind, alts in kinds:
        for pieces in alts:
            if not pieces or not is_char_piece(pieces[0]):
                return None
            by_first.setdefault(pieces[0], []).append((kind, pieces[1:]))
    parts = []
    for first, entries in by_first.items():
        runs: list[tuple[str, list[list[str]]]] = []
        for kind, rest in entries:
            if runs and runs[-1][0] == kind:
                runs[-1][1].append(rest)
            else:
                runs.append((kind, [rest]))
        named = [f"(?P<{kind}_{len(parts)}_{i}>{factored(rests)})" for i, (kind, rests) in enumerate(runs)]
        parts.append(first + (named[0] if len(named) == 1 else f"(?:{'|'.join(named)})"))
    return "|".join(parts)


@cache
def _question_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    return re.compile(rf"\?|^\W*(?:{_alternation(lexicon.question_words)})(?!\w)", re.IGNORECASE)


@cache
def _question_start(lexicon: Lexicon) -> re.Pattern[str]:
    """:func:`_question_pattern` without "?", for ``match`` at the start: ``search`` for the whole
    pattern tries the anchored part at every position in vain."""
    return re.compile(rf"\W*(?:{_alternation(lexicon.question_words)})(?!\w)", re.IGNORECASE)


DEFAULT_LEXICON = Lexicon()
#: (lexicon, pattern, question pattern, its start, the twins of the pattern and the start) of the
#: lexicon used last: hashing a Lexicon (all its phrases) for the caches above on every sentence
#: costs more than the match itself.
_last_patterns: tuple[Any, ...] | None = None


def _patterns(
    lexicon: Lexicon,
) -> tuple[
    re.Pattern[str],
    re.Pattern[str],
    re.Pattern[str],
    re.Pattern[str] | None,
    re.Pattern[str] | None,
    re.Pattern[str] | None,
]:
    """The pattern, question pattern and its start of ``lexicon``, the case-sensitive twins
    (:func:`case_sensitive_twin`) of the pattern and the start, and the :func:`_scanner` (None
    without the pattern's twin)."""
    global _last_patterns
    last = _last_patterns
    if last is not None and last[0] is lexicon:
        return last[1:]  # type: ignore[return-value]
    pattern, question, start = _pattern(lexicon), _question_pattern(lexicon), _question_start(lexicon)
    twin = case_sensitive_twin(pattern)
    found = pattern, question, start, twin, case_sensitive_twin(start), _scanner(lexicon) if twin else None
    _last_patterns = (lexicon, *found)
    return found


def signals(text: str, lexicon: Lexicon = DEFAULT_LEXICON) -> list[tuple[str, str]]:
    """(kind, anchor) for every signal in ``text`` (anchors lower-case, whitespace collapsed)."""
    pattern, question, start, twin, start_twin, scanner = _patterns(lexicon)
    folded = fold(text)
    if folded is not None and scanner is not None:
        # as ci_finditer would; the folded text is lower-case already. A match from a digit is a
        # number (the first alternative, which always matches there); any other asks the named
        # twin at its start, which matches the same span there (a lookbehind sees before ``pos``).
        found = []
        for m in scanner.finditer(folded):
            anchor = m.group()
            if anchor[0] in _DIGITS:
                found.append(("number", anchor))
                continue
            named = twin.match(folded, m.start())  # type: ignore[union-attr]
            # a factored twin's groups are named "<kind>_<n>_<i>"
            kind = (named.lastgroup or "number").partition("_")[0]  # type: ignore[union-attr]
            if kind != "courtesy":
                found.append((kind, " ".join(anchor.split())))
    elif folded is not None and twin is not None:
        found = [
            (kind, " ".join(m.group().split()))
            for m in twin.finditer(folded)
            if (kind := (m.lastgroup or "number").partition("_")[0]) != "courtesy"
        ]
    else:
        found = [
            (kind, " ".join(m.group().lower().split()))
            for m in ci_finditer(pattern, text, folded)
            if (kind := (m.lastgroup or "number").partition("_")[0]) != "courtesy"
        ]
    found = _without_praise(text, found)
    if "?" in text:
        found.append(("question", "?"))
    elif folded is not None and start_twin is not None:
        if start_twin.match(folded) is not None or _requests(folded):
            found.append(("question", "?"))
    elif _asks(text, folded, question, start) or _REQUEST.search(text) is not None:
        found.append(("question", "?"))
    return found


#: A request for information said without a "?" ("подскажите, пожалуйста, ваш адрес.", "Can I get
#: your full name, please."): a question whose answer compression keeps with it.
_REQUEST_PHRASES = (
    "подскажите", "назовите", "продиктуйте", "уточните", "скажите", "напомните",
    "can i get", "could i get", "can i have", "could i have", "please give me", "tell me your", "i need your",
)  # fmt: skip
_REQUEST = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(_REQUEST_PHRASES)})(?![^\W\d_])", re.IGNORECASE)
#: Every match of :data:`_REQUEST` in lower-cased text contains one of these (its phrase, or a phrase
#: inside it: "скажите" in "подскажите"): a few substring tests rule out most sentences faster than
#: the regex scan.
_REQUEST_HINTS = tuple(p for p in _REQUEST_PHRASES if not any(q != p and q in p for q in _REQUEST_PHRASES))


def _requests(folded: str) -> bool:
    """Whether :data:`_REQUEST` has a match in ``folded`` (lower-cased text)."""
    return any(map(folded.__contains__, _REQUEST_HINTS)) and _REQUEST.search(folded) is not None


#: What :func:`signals_of` joins texts with: a character no piece of the patterns matches (no word
#: character, space, comma, apostrophe, digit, dot or bracket), so no match runs over it, and that a
#: lookbehind or lookahead for a word character reads as a text's edge.
_SEPARATOR = "\x00"


@cache
def _separable(lexicon: Lexicon) -> bool:
    """Whether no phrase of ``lexicon`` holds :data:`_SEPARATOR` (it then never matches it)."""
    return not any(_SEPARATOR in p for kind in _KIND_ORDER for p in getattr(lexicon, kind))


def signals_of(texts: list[str], lexicon: Lexicon = DEFAULT_LEXICON) -> list[list[tuple[str, str]]]:
    r"""``[signals(text, lexicon) for text in texts]``, the texts read as one: one fold, one scan and one
    search per request hint for all of them, instead of one each per text (a call's sentences).

    Why the same: the texts are joined by :data:`_SEPARATOR`, which no part of the scanner or its named
    twin matches, so each match lies inside one text, and where a match of a text ends the scan goes on
    to the next text's first match, as a scan of that text alone finds it: the only lookarounds at a
    text's edge are ``(?<!\w)`` (also ``(?<!\w[\s\S])`` one character on) and ``(?!\w)``, which hold at
    the separator as at the string's edge. Lower-casing fold-safe text is one character to one, so the
    fold of the join is the join of the folds. The question's start and a request are matched within
    their text's bounds (``pos``, ``endpos``), the lookbehind of :data:`_REQUEST` seeing the separator,
    no letter, where the text alone has its start."""
    *_, twin, start_twin, scanner = _patterns(lexicon)
    folded = fold(joined := _SEPARATOR.join(texts)) if texts else None
    if (
        folded is None
        or scanner is None
        or start_twin is None
        or joined.count(_SEPARATOR) != len(texts) - 1
        or not _separable(lexicon)
    ):
        return [signals(text, lexicon) for text in texts]
    found: list[list[tuple[str, str]]] = [[] for _ in texts]
    bounds = []
    at = 0
    for text in texts:
        bounds.append((at, at + len(text)))
        at += len(text) + 1
    i, end = 0, bounds[0][1]
    for m in scanner.finditer(folded):
        where = m.start()
        while where > end:  # the next text (a match never starts at a separator)
            i += 1
            end = bounds[i][1]
        anchor = m.group()
        if anchor[0] in _DIGITS:
            found[i].append(("number", anchor))
            continue
        named = twin.match(folded, where)  # type: ignore[union-attr]
        kind = (named.lastgroup or "number").partition("_")[0]  # type: ignore[union-attr]
        if kind != "courtesy":
            found[i].append((kind, " ".join(anchor.split())))
    for i, text_found in enumerate(found):
        found[i] = _without_praise(texts[i], text_found)
    hinted = set()
    if any(map(folded.__contains__, _REQUEST_HINTS)):
        starts = [a for a, _ in bounds]
        hinted = {bisect_right(starts, at) - 1 for hint in _REQUEST_HINTS for at in find_all(folded, hint)}
    for i, (a, b) in enumerate(bounds):
        if (
            "?" in texts[i]
            or start_twin.match(folded, a, b) is not None
            or (i in hinted and _REQUEST.search(folded, a, b) is not None)
        ):
            found[i].append(("question", "?"))
    return found


def _without_praise(text: str, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``found`` (the signals of ``text``) less the escalations whose sentence calls to praise
    (:data:`PRAISE_PURPOSE`), as the escalation_request alert reads them."""
    if all(kind != "escalation" for kind, _ in found):
        return found
    from processors.rules import Qualifiers  # rules imports this module: not at its top

    praise = Qualifiers(not_in_sentence_with=PRAISE_PURPOSE)
    spans: dict[str, Iterator[re.Match[str]]] = {}
    out = []
    for kind, anchor in found:
        if kind == "escalation":
            if anchor not in spans:
                words = r"[\s,]+".join(map(re.escape, anchor.split()))
                spans[anchor] = re.finditer(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE)
            m = next(spans[anchor], None)
            if m is not None and praise.voids(text, *m.span()):
                continue
        out.append((kind, anchor))
    return out


def _asks(text: str, folded: str | None, question: re.Pattern[str], start: re.Pattern[str]) -> bool:
    """Whether ``question`` has a match in ``text``: a "?" anywhere, or a question word at the start
    (``start``, the same anchored; on ``folded`` text with its twin, as :func:`ci_finditer` would)."""
    if "?" in text:
        return True
    matcher, subject = ci_view(start, text, folded)
    return matcher.match(subject) is not None


def facts_in(text: str, lexicon: Lexicon = DEFAULT_LEXICON) -> list[tuple[str, str]]:
    """The key facts (kinds in :data:`FACT_KINDS`) of ``text``, amounts with their unit
    (:func:`with_amounts`)."""
    return [(k, a) for k, a in with_amounts(text, signals(text, lexicon)) if k in FACT_KINDS]


#: A number as :func:`signals` finds it (the same digit runs: no lexicon phrase holds a digit, so the
#: scanner's number alternative starts at each run's first digit), with the currency sign before it
#: ("$50", "€20") or the currency or percent after it ("50 рублей", "45 dollars", "15%", "400$").
_AMOUNT = re.compile(
    r"[$€£₽]?\d+(?:[.,]\d+)*(?:[ \xa0]?(?:[$€£₽%]|(?:dollars?|bucks|euros?|cents?|percent|"
    r"рубл(?:ей|я|ь|ю|ями|ях)|руб|копе(?:ек|йки|йка|йку)|коп|евро|доллар(?:ов|а|ы)?|процент(?:ов|а|ы)?)"
    r"(?![^\W\d_])))?",
    re.IGNORECASE,
)
#: What an amount's unit starts with (a currency sign, "%", or a letter of a unit word's first).
_UNIT_HINTS = frozenset("$€£₽%dbecpрк")


def with_amounts(text: str, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``found`` (the :func:`signals` of ``text``) with each number that is an amount anchored with
    its unit, lower-case: "$50" and "50 рублей", not "50". A price is another fact than the same
    digits of another unit ("50 gigs"), and the metric and the steps of compression must tell them
    apart. One scan of ``text``, only where a number may be an amount."""
    if any(map(text.__contains__, _SLANG_HINTS)):
        found = found + _slang_amounts(text)
    if not any(kind == "number" and anchor[:1].isdigit() for kind, anchor in found):
        return found
    lower = text.lower()
    if _UNIT_HINTS.isdisjoint(lower):
        return found
    amounts = iter([" ".join(m.group().split()) for m in _AMOUNT.finditer(lower)])
    return [
        (kind, next(amounts, anchor) if kind == "number" and anchor[:1].isdigit() else anchor)
        for kind, anchor in found
    ]


#: What slang amounts hold ("пятихатка", "косарь", "a grand"), the first letter left off for its case.
_SLANG_HINTS = ("ятихат", "осар", "grand")


@cache
def _price_re() -> re.Pattern[str]:
    """:data:`processors.rules.PRICE_RE`, imported on first use: rules imports this module."""
    from processors.rules import PRICE_RE

    return PRICE_RE


def _slang_amounts(text: str) -> list[tuple[str, str]]:
    """Amounts said in slang without a digit ("Диагностика пятихатка.", "It's a grand.") as number
    facts, lower-case: the money rules.py counts as a price, which compression must keep."""
    return [
        ("number", " ".join(m.group().lower().split()))
        for m in _price_re().finditer(text)
        if not any(map(str.isdigit, m.group()))
    ]


def _matches_in(pattern: re.Pattern[str], texts: list[str]) -> Iterator[tuple[int, re.Match[str]]]:
    """(index of the text, match) of an IGNORECASE ``pattern`` in ``texts``, in order: one scan of
    them all joined by :data:`_SEPARATOR`, which no pattern here matches and their word-edge
    lookarounds read as an edge, so each match lies in one text (spans are the joined text's: read
    ``m.group()``). Texts holding the separator are scanned one by one."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:
        return ((i, m) for i, text in enumerate(texts) for m in pattern.finditer(text))
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    return ((bisect_right(starts, m.start()) - 1, m) for m in ci_finditer(pattern, joined))


def _holding(texts: list[str], hints: tuple[str, ...]) -> range | set[int]:
    """The indexes of ``texts`` whose lower-case form holds one of ``hints``: the only ones an IGNORECASE
    pattern every match of which holds a hint (lower-case) can match. One fold and one search per hint
    for them all, instead of the pattern tried at every character of each text (most texts hold none).
    Every index where a text is not fold-safe (lower-casing it is then no case folding)."""
    joined = _SEPARATOR.join(texts)
    folded = fold(joined)
    if folded is None or joined.count(_SEPARATOR) != len(texts) - 1:
        return range(len(texts))
    found = [at for hint in hints if hint in folded for at in find_all(folded, hint)]
    if not found:  # the common case: no text to find by its start
        return set()
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    return {bisect_right(starts, at) - 1 for at in found}


def _first_anchors(found: Iterable[tuple[int, re.Match[str]]], count: int, limit: int) -> list[list[str]]:
    """For each of ``count`` texts, the anchors (lower-case, whitespace collapsed) of the first
    ``limit`` of ``found`` ((index of the text, match), in order; read lazily, so no match past the
    limit is looked for) that lie in it."""
    out: list[list[str]] = [[] for _ in range(count)]
    for i, m in islice(found, limit):
        out[i].append(" ".join(m.group().lower().split()))
    return out


#: What fails, as a customer names it: the service, the device, the money (stems; any ending follows).
PROBLEM_SUBJECTS = (
    "интернет", "связь", "сеть", "роутер", "модем", "вай-фай", "вайфай", "wi-fi", "телефон", "мобильн",
    "телевидени", "тв", "приставк", "пульт", "приложени", "сайт", "кабинет", "карт", "оплат", "плат[её]ж",
    "деньг", "денег", "сч[её]т", "баланс", "сигнал", "скорост", "канал", "звонк", "домофон", "камер",
    "заказ", "доставк", "посылк", "симк", "сим-карт", "почт", "свет",
    "internet", "connection", "wifi", "wi-fi", "router", "modem", "phone", "line", "tv", "cable", "app",
    "application", "website", "site", "account", "card", "payment", "bill", "order", "package",
    "delivery", "service", "signal", "email", "login", "password", "screen", "device", "box",
)  # fmt: skip
#: How it fails: a verb of breaking, vanishing, or money taken (regex pieces; "\w*": any ending). Each
#: starts with a plain character (no group, class or escape first), so the hint's twin is factored by
#: first letter (:data:`_PROBLEM_HINT`): "(?:is|was) down" is written "is down", "was down".
PROBLEM_VERBS = (
    r"пропа\w*", r"сгорел\w*", r"слома\w*", r"не\s+работа\w*", r"перестал\w*", r"отключил\w*",
    r"отвалил\w*", r"не\s+включа\w*(?![ \t]+во?[ \t])", r"не\s+грузи\w*", r"не\s+загружа\w*",
    r"не\s+открыва\w*",
    r"не\s+приход\w*", r"не\s+приш[её]л", r"не\s+пришл\w*", r"тормоз\w*", r"глюч\w*", r"вылета\w*",
    r"зависа\w*", r"завис\w*", r"висн\w*", r"списа\w*", r"списыва\w*", r"сняли", r"упал\w*", r"пада\w*",
    r"барахл\w*", r"не\s+лови\w*", r"не\s+показыва\w*", r"не\s+проход\w*", r"не\s+подключа\w*",
    r"is\s+(?:down|dead|out|broken)", r"was\s+(?:down|dead|out|broken)", r"'s\s+(?:down|dead|out|broken)",
    r"’s\s+(?:down|dead|out|broken)", r"went\s+(?:down|dead|out|broken)", r"goes\s+(?:down|dead|out|broken)",
    r"keeps\s+going\s+(?:down|dead|out|broken)", r"keeps\s+\w+ing",
    r"crash\w*", r"died", r"dies", r"dropp\w*", r"drops", r"stopped\s+working", r"isn['’]t\s+working",
    r"wasn['’]t\s+working", r"is\s+not\s+working", r"was\s+not\s+working", r"doesn['’]t\s+work",
    r"didn['’]t\s+work", r"does\s+not\s+work", r"did\s+not\s+work",
    r"won['’]t\s+\w+", r"broke", r"freez\w*", r"froze", r"never\s+arrived", r"hasn['’]t\s+arrived",
    r"was\s+declined", r"got\s+declined", r"was\s+charged\s+twice", r"got\s+charged\s+twice", r"disappeared",
    r"is\s+(?:so\s+)?slow", r"was\s+(?:so\s+)?slow", r"cuts?\s+out", r"keeps\s+disconnect\w*",
    r"disconnect\w*",
)  # fmt: skip
#: A noise or a leak the customer hears or sees, said without a subject ("Ещё там стучит что-то спереди
#: справа.", "It's making a grinding noise."): the fault a car or appliance service call is about.
#: Each starts with a plain character, as the verbs do.
PROBLEM_NOISES = (
    r"стуч(?:ит|ат|ал[аио]?)", r"застучал\w*", r"скрип(?:ит|ят|ел[аио]?)", r"гремит", r"гремят",
    r"дребезж\w*", r"подтека\w*", r"knocking", r"rattl(?:es|ing)", r"squeak(?:s|ing)", r"squeal(?:s|ing)",
    r"grinding", r"leak(?:s|ing)",
)  # fmt: skip
#: A failure stated without a subject and a verb: a service missing ("No service since yesterday.",
#: "Нет сети.", "Не ловит.") or what the device says ("It says SIM not registered.", "Пишет ошибку.").
#: "no service" only where the clause ends or goes on with when or where: "no service fee" is none.
#: Each starts with a plain character, as :data:`PROBLEM_VERBS` (they share the hint below).
_EN_MISSING = r"(?:service|signal|reception|internet|connection|network|dial\s+tone|wi-?fi|data)"
_EN_AFTER = (
    r"(?=[ \t]*(?:[.,!?…;:)\"”»]|$)|[ \t]+(?:since|for|at|in|on|anymore|again|today|now|here|there|all|"
    r"whatsoever|and|or|but|even|when|while|after|from|bars?)(?![^\W\d_]))"
)
_EN_SAYS = ("says", "shows", "showing", "displays", "displaying", "said", "showed")
_EN_ERROR = r"\s+(?:an?\s+|the\s+|some\s+)?(?:[^\W\d_]+\s+)?errors?"
_EN_SAYS_WHAT = (
    r"\s+[\"“']?(?:sim\s+)?(?:card\s+)?(?:not\s+(?:registered|provisioned|recognized|recognised|connected|"
    r"available|supported|valid)|invalid|offline|emergency\s+calls\s+only|sos\s+only)"
)
_RU_SAYS = ("пишет", "показывает", "выда[её]т", "выдал[аио]?", "высвечива\\w+", "высветил[аио]?")
_RU_ERROR = r"\s+[«\"]?(?:[^\W\d_]+(?:-[^\W\d_]+)?\s+)?(?:ошибк\w*|сбой|недоступ\w*|отклон\w*)"
#: A device failing at what it is for, said without a subject the lists above know ("Стиральная машина не
#: отжимает.", "Холодильник перестал морозить.", "My fridge stopped cooling.", "The TV won't turn on."):
#: the appliance and service calls state a fault so. A function verb negated or stopped, as a verb of
#: failure, not one phrase per device. Russian: the stem's 3rd-person and past forms after "не", its
#: infinitive after "перестал*"; "включа"/"запуска"/"завод" only reflexive ("тариф не включает роуминг"
#: includes nothing), and not "не включается в стоимость" (is not included in).
_RU_FUNCTIONS_1 = ("отжима", "слива", "нагрева", "охлажда", "заряжа", "печата", "стира", "гре")
_RU_FUNCTIONS_2 = ("мороз", "холод", "крут", "суш")
_RU_REFLEXIVE_1 = ("включа", "запуска")
_RU_REFLEXIVE_2 = ("завод",)
_RU_NOT_IN = r"(?![ \t]+во?[ \t])"
_RU_FUNCTION_FAILS = (
    rf"не\s+(?:{'|'.join(_RU_FUNCTIONS_1)})(?:ет|ют|л[аио]?|ется|ются|лся|л[аио]сь)",
    rf"не\s+(?:{'|'.join(_RU_FUNCTIONS_2)})(?:ит|ят|ат|ил[аио]?|ится|ятся|атся|ился|ил[аио]сь)",
    rf"не\s+(?:{'|'.join(_RU_REFLEXIVE_1)})(?:ется|ются|лся|л[аио]сь){_RU_NOT_IN}",
    rf"не\s+(?:{'|'.join(_RU_REFLEXIVE_2)})(?:ится|ятся|ился|ил[аио]сь)",
    rf"перестал\w*\s+(?:{'|'.join(_RU_FUNCTIONS_1 + _RU_REFLEXIVE_1)})ть(?:ся)?",
    rf"перестал\w*\s+(?:{'|'.join(_RU_FUNCTIONS_2 + _RU_REFLEXIVE_2)})ить(?:ся)?",
)
#: English: the function (base form, -ing form) after a negation or "stopped", the clause ending or going
#: on with a word of time or manner ("won't spin anymore", "stopped heating last night"): "They stopped
#: charging me the fee", "The bank doesn't charge a fee" state no fault.
_EN_FUNCTIONS = (
    ("cool", "cooling"), ("heat", "heating"), ("spin", "spinning"), ("drain", "draining"),
    ("charge", "charging"), ("start", "starting"), (r"turn\s+on", r"turning\s+on"),
    (r"switch\s+on", r"switching\s+on"), (r"power\s+on", r"powering\s+on"), ("boot", "booting"),
    ("print", "printing"), ("flush", "flushing"),
)  # fmt: skip
_EN_FUNCTION_AFTER = (
    r"(?=[ \t]*(?:[.,!?…;:)\"”»]|$)|[ \t]+(?:up|anymore|any\s+more|at|properly|again|now|today|yesterday|"
    r"tonight|last|this|since|when|while|after|and|or|but|either|completely|fully|right)(?![^\W\d_]))"
)
_EN_BASE = "|".join(base for base, _ in _EN_FUNCTIONS)
_EN_ING = "|".join(ing for _, ing in _EN_FUNCTIONS)
_EN_FUNCTION_FAILS = (
    *(rf"{neg}\s+(?:{_EN_BASE}){_EN_FUNCTION_AFTER}" for neg in (
        r"doesn['’]t", r"does\s+not", r"didn['’]t", r"did\s+not", r"won['’]t", r"will\s+not",
    )),
    *(rf"{neg}\s+(?:{_EN_ING}){_EN_FUNCTION_AFTER}" for neg in (
        "stopped", r"isn['’]t", r"wasn['’]t", r"is\s+not", r"was\s+not", r"not",
    )),
)  # fmt: skip
PROBLEM_ALONE = (
    rf"no\s+{_EN_MISSING}{_EN_AFTER}",
    *_RU_FUNCTION_FAILS,
    *_EN_FUNCTION_FAILS,
    *(verb + _EN_ERROR for verb in (*_EN_SAYS, r"gives\s+me", r"gave\s+me", "throws")),
    *(verb + _EN_SAYS_WHAT for verb in _EN_SAYS),
    r"нет\s+(?:сети|связи|сигнала|интернета|подключения|соединения|гудка)",
    r"не\s+лови(?:т|л[аио]?)",
    *(verb + _RU_ERROR for verb in _RU_SAYS),
    *PROBLEM_NOISES,
)
_PROBLEM_SUBJECT = "|".join(rf"{stem}[^\W\d_]*" for stem in PROBLEM_SUBJECTS)
_PROBLEM_VERB = "|".join(PROBLEM_VERBS)
_PROBLEM_ALONE = "|".join(PROBLEM_ALONE)
#: A subject then its failure (two words between at most: "my internet connection keeps dropping",
#: "интернет у меня пропадает"), or the failure then its subject, as Russian says it ("Пропал интернет.",
#: "Списали деньги."), within one clause (no comma between).
_PROBLEM = re.compile(
    rf"(?<![^\W\d_])(?:(?:{_PROBLEM_SUBJECT})(?:[ \t]+[^\W\d_]+){{0,2}}?(?:[ \t]+|(?=['’]))"
    rf"(?:{_PROBLEM_VERB})"
    rf"|(?:{_PROBLEM_VERB})(?:[ \t]+[^\W\d_]+){{0,1}}?[ \t]+(?:{_PROBLEM_SUBJECT})"
    rf"|{_PROBLEM_ALONE})(?![^\W\d_])",
    re.IGNORECASE,
)
#: Every match of :data:`_PROBLEM` holds a match of this (its verb, found without the word edges): one
#: scan of the verbs rules out most texts (most calls state no failure), the full pattern at every word
#: start costs about ten times as much.
_PROBLEM_HINT = re.compile(f"{_PROBLEM_VERB}|{_PROBLEM_ALONE}", re.IGNORECASE)
# Its twin factored by first letter (each verb starts with a plain character): the regex engine skips
# to the next position holding one of those letters instead of trying every verb at every character
# (about 10x as fast as the plain twin, the same matches).
if all(is_char_piece(v[0]) for v in (*PROBLEM_VERBS, *PROBLEM_ALONE)):
    register_fast_twin(_PROBLEM_HINT, factored([[v[0], v[1:]] for v in (*PROBLEM_VERBS, *PROBLEM_ALONE)]))
#: How many problem statements of the customer's are key facts: the reason for the call, and its
#: restatement or a second symptom; not every complaint of a long call.
PROBLEM_STATEMENTS = 2


def problem_statements(texts: Iterable[str], limit: int = PROBLEM_STATEMENTS) -> list[list[str]]:
    """For each of ``texts`` (the customer's, in order), the anchors (lower-case, whitespace collapsed)
    of the first ``limit`` problem statements (:data:`_PROBLEM`) of them all."""
    texts = list(texts)
    if not limit or not texts:
        return [[] for _ in texts]
    hinted = sorted({i for i, _ in _matches_in(_PROBLEM_HINT, texts)})  # the texts holding a verb
    return _first_anchors(((i, m) for i in hinted for m in _PROBLEM.finditer(texts[i])), len(texts), limit)


#: The customer saying the fix worked: the counterpart of a problem statement, what tells a resolved
#: call (first-call resolution) from one that was only answered. Not after a negation ("не работает",
#: "it's not working" do not match: the verb must follow no "не"/"not").
_RESOLVED_SUBJECT = r"(?:связь|сеть|интернет|сигнал|звук|изображение|картинка|гудок|доступ|вай-?фай|wi-?fi)"
_RESOLVED_PARTS = (
    r"(?<!не\s)(?<!ни\s)(?:(?:снова|опять|теперь|сейчас|всё|все|уже)\s+)?заработал[аио]?",
    r"(?<!не\s)(?<!ни\s)(?:снова|опять|теперь|сейчас|всё|все|уже)\s+работа(?:ет|ют)",
    r"(?<!не\s)(?<!ни\s)работа(?:ет|ют)(?:\s+(?:снова|опять|теперь|сейчас|уже))?(?=\s*[.!…]|\s*$)",
    r"(?<!не\s)(?:вс[её]\s+)?получилось",
    r"(?<!не\s)помогло",
    # "появилась" only with the service as its subject ("Связь появилась", "Появился интернет"), never
    # a new symptom ("Появилась какая-то ошибка 651").
    rf"(?:{_RESOLVED_SUBJECT})\s+(?:(?:снова|опять|теперь|уже)\s+)?появил(?:ся|ась|ось|ись)",
    rf"(?<!не\s)появил(?:ся|ась|ось|ись)(?:\s+(?:снова|опять|теперь|уже))?\s+(?:{_RESOLVED_SUBJECT})",
    r"it\s+works(?:\s+(?:now|again|fine))?",
    r"it\s+worked",
    r"(?:it|that)['’]s\s+working(?:\s+(?:now|again))?",
    r"it\s+is\s+working(?:\s+(?:now|again))?",
    r"works\s+now",
    r"working\s+again",
    r"(?:that|this)\s+(?:fixed|did)\s+it",
    r"it['’]s\s+back(?:\s+(?:on|up))?(?!\s+to\s)",  # not "back to square one"
    r"(?:that|it)\s+helped",
    r"problem\s+solved",
)
_RESOLVED = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(_RESOLVED_PARTS)})(?![^\W\d_])", re.IGNORECASE)
#: Every match of :data:`_RESOLVED` holds one of these, lower-case (see :func:`_holding`).
_RESOLVED_HINTS = (
    "работа",
    "получилось",
    "помогло",
    "появил",
    "work",
    "fixed",
    "did",
    "back",
    "helped",
    "solved",
)
#: Where a clause starts: what came before it in the sentence is another thought ("Not sure what you
#: did, but it works now").
_CLAUSE_START = re.compile(r"[,;:.!?…—]|(?<![^\W\d_])(?:but|though|но|однако|а)(?![^\W\d_])", re.IGNORECASE)
#: Before the match in its clause: a negation ("I don't think it works"), a condition ("if it works",
#: "если заработает"), or someone else's service ("У соседей интернет работает", "у вас горячая линия
#: работает"): none says the customer's fix worked.
_RESOLVED_NOT_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:not|no|never|nothing|don['’]t|doesn['’]t|didn['’]t|isn['’]t|can['’]t|won['’]t|"
    r"if|whether|unless|once|when|не|ни|нет|никак|ничего|если|когда|пока|чтобы|как\s+только|"
    r"у\s+(?!меня(?![^\W\d_])|нас(?![^\W\d_]))[^\W\d_]+)(?![^\W\d_])",
    re.IGNORECASE,
)
#: After the match in its sentence: a past that is over ("It worked yesterday"), a fix that holds only
#: at times ("working intermittently", "иногда"), or a contrast then a failure ("That helped for five
#: minutes, then it dropped again", "It worked yesterday, but today it's dead again").
_RESOLVED_NOT_AFTER = re.compile(
    r"^\s*(?:yesterday|before|earlier|last\s+[^\W\d_]+|вчера|раньше|до\s+этого)(?![^\W\d_])"
    r"|(?<![^\W\d_])(?:intermittent\w*|sometimes|on\s+and\s+off|off\s+and\s+on|иногда|периодически|"
    r"через\s+раз|временами)(?![^\W\d_])"
    r"|(?<![^\W\d_])(?:but|then|though|until|но|потом|затем|однако|а)(?![^\W\d_]).*?(?<![^\W\d_])"
    r"(?:dead|drop\w*|down|nothing|again|still|not|no|stopp\w*|broke\w*|off|fail\w*|cut\w*|"
    r"не|нет|ничего|опять|снова|пропал\w*|отвал\w*|перестал\w*|упал\w*|сломал\w*)(?![^\W\d_])",
    re.IGNORECASE,
)


#: A courtesy with a "no" or "не" in it, which negates nothing: "It works now, but no worries", "No
#: problem it works now", "заработал, но ничего страшного", "всё работает, не переживайте". Blanked
#: out before the negation and lapse tests read the text ("it still doesn't work" keeps its "not").
_COURTESY = re.compile(
    r"(?<![^\W\d_])(?:no\s+(?:worries|worry|problems?|big\s+deal|rush|harm\s+done|hard\s+feelings|"
    r"need\s+to\s+(?:apologi[sz]e|be\s+sorry)|thanks\s+to)|not\s+a\s+problem|"
    r"ничего\s+страшного|не\s+(?:переживайте|волнуйтесь|беспокойтесь|страшно)|без\s+проблем|нет\s+проблем)"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)


def _resolution_holds(text: str, m: re.Match[str]) -> bool:
    """Whether the match ``m`` of :data:`_RESOLVED` in ``text`` says the fix worked: no negation,
    condition or other subject before it in its clause, no lapse after it in its sentence (a courtesy,
    :data:`_COURTESY`, is neither)."""
    if _COURTESY.search(text) is not None:
        text = _COURTESY.sub(lambda c: " " * len(c.group()), text)  # same length: m's offsets hold
    starts = [b.end() for b in _CLAUSE_START.finditer(text, 0, m.start())]
    if _RESOLVED_NOT_BEFORE.search(text, starts[-1] if starts else 0, m.start()):
        return False
    end = re.search(r"[.!?…]", text[m.end() :])
    tail = text[m.end() : m.end() + end.start()] if end is not None else text[m.end() :]
    return _RESOLVED_NOT_AFTER.search(tail) is None


#: How many resolution statements of the customer's are key facts: the first says it, the rest repeat it.
RESOLUTION_STATEMENTS = 1


def resolution_statements(
    texts: Iterable[str], problems: Iterable[list[str]], limit: int = RESOLUTION_STATEMENTS
) -> list[list[str]]:
    """For each of ``texts`` (the customer's, in order), the anchors (lower-case, whitespace collapsed)
    of the first ``limit`` statements that the problem is solved ("Да! Заработал.", "It works now."),
    only in the texts after the first one holding a problem statement (``problems``, their
    :func:`problem_statements`), or after the first text where none does (a failure the lexicon does
    not know: "I can't make calls abroad.", "Телефон какой-то странный."), never in a question
    ("Работает?")."""
    texts = list(texts)
    first = next((i for i, problem in enumerate(problems) if problem), 0)
    hinted = _holding(texts, _RESOLVED_HINTS)
    # ci_finditer: the same spans (all the tests below read), found about twice as fast
    found = (
        (i, m)
        for i in range(first + 1, len(texts))
        if i in hinted
        for m in ci_finditer(_RESOLVED, texts[i])
        if not _asked(texts[i], m) and _resolution_holds(texts[i], m)
    )
    return _first_anchors(found, len(texts), limit)


def _asked(text: str, m: re.Match[str]) -> bool:
    """Whether the sentence of ``m`` ends in a question mark ("Работает?")."""
    end = re.search(r"[.!?…]", text[m.end() :])
    return end is not None and end.group() == "?"


#: Who the customer is, in their own first-person words: a household, work or team noun after "I have",
#: "I work", "I'm a", "we are a team of" and their Russian analogues (numbers as digits, as compression
#: and :func:`extract_key_facts` read them: "I have 2 kids").
_EN_COUNT = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several)"
_EN_HOUSEHOLD = (
    r"(?:(?:small|young|little|school-age|teenage)\s+)?(?:kids?|children|child|bab(?:y|ies)|toddlers?|sons?|"
    r"daughters?|teenagers?|twins|grandkids|grandchildren|family)"
)
_EN_PROFESSION = (
    r"(?:doctor|nurse|teacher|student|freelancer|developer|programmer|driver|retiree|pensioner|designer|"
    r"lawyer|accountant|engineer|paramedic|firefighter|police\s+officer|surgeon|pilot|contractor|trucker|"
    r"single\s+(?:mom|mother|dad|father|parent)|stay-at-home\s+(?:mom|dad|parent)|(?:small\s+)?business\s+owner)"
)
_RU_COUNT = r"(?:\d+|двое|трое|четверо|пятеро|шестеро|семеро|восьмеро|десятеро)"
_RU_HOUSEHOLD = (
    r"(?:(?:\d+|один|одна|двое|трое|четверо|пятеро)\s+)?(?:маленьк\w+\s+)?(?:дет(?:ей|и)|реб[её]н(?:ок|ка)|"
    r"сын(?:а|овья|овей)?|доч(?:ь|ка|ки|ери|ерей)|семья|внук(?:и|ов)?|близнец(?:ы|ов)|малыш(?:и|ей)?)"
)
_RU_PROFESSION = (
    r"(?:врач|медсестра|учитель(?:ница)?|студент(?:ка)?|пенсионер(?:ка)?|программист(?:ка)?|фрилансер|"
    r"водитель|юрист|бухгалтер|инженер|дизайнер|фельдшер|предприниматель(?:ница)?|мать-одиночка|в\s+декрете)"
)
_RU_WORK_AS = (
    r"(?:врачом|медсестрой|учител(?:ем|ьницей)|программистом|фрилансером|водителем|юристом|бухгалтером|"
    r"инженером|дизайнером|фельдшером)"
)
_RU_GROUP = r"(?:команде|семье|офисе|отделе|компании|фирме)"
#: Its alternatives, each starting with a plain letter (for the fast twin below).
_CONTEXT_PARTS = (
    rf"i\s+(?:have|['’]ve\s+got|have\s+got)\s+(?:{_EN_COUNT}\s+)?{_EN_HOUSEHOLD}",
    r"i\s+work\s+(?:from\s+home|at\s+home|remotely|nights|night\s+shifts?|shifts|from\s+my\s+(?:home|house|"
    rf"apartment|flat)|as\s+an?\s+{_EN_PROFESSION})",
    rf"i(?:['’]m|\s+am)\s+(?:an?\s+{_EN_PROFESSION}|on\s+call)",
    rf"we(?:['’]re|\s+are)\s+a\s+(?:small\s+)?(?:team|family|company|office|business)\s+of\s+{_EN_COUNT}",
    rf"there\s+are\s+{_EN_COUNT}\s+of\s+us",
    rf"у\s+меня\s+{_RU_HOUSEHOLD}",
    r"я\s+работаю\s+(?:из\s+дома|дома|на\s+дому|уд[ао]л[её]нно|по\s+ночам|ночами|посменно|сменами|"
    rf"в\s+ночн\w+\s+смен\w+|{_RU_WORK_AS})",
    rf"я\s+{_RU_PROFESSION}",
    rf"у\s+нас\s+(?:в\s+{_RU_GROUP}\s+{_RU_COUNT}|{_RU_COUNT}\s+в\s+{_RU_GROUP})(?:\s+человек)?",
    rf"нас\s+(?:в\s+{_RU_GROUP}\s+{_RU_COUNT}|{_RU_COUNT}\s+в\s+{_RU_GROUP})(?:\s+человек)?",
)
_CONTEXT = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(_CONTEXT_PARTS)})(?![^\W\d_])", re.IGNORECASE)
# Its twin with the alternatives factored by first letter and the lookbehind checked one character on
# (as processors.text.word_start_factored does for ``(?<!\w)``): the regex engine skips to the next "i",
# "w", "t", "у", "я" or "н" instead of trying the lookbehind at every character (the same matches).
if all(is_char_piece(part[0]) for part in _CONTEXT_PARTS):
    register_fast_twin(
        _CONTEXT,
        "(?:{})(?![^\\W\\d_])".format(
            "|".join(
                first + r"(?<![^\W\d_][\s\S])" + rest
                for first, rest in factored_parts([[part[0], part[1:]] for part in _CONTEXT_PARTS])
            )
        ),
    )
#: How many context statements of the customer's are key facts: who they are, not every detail.
CONTEXT_STATEMENTS = 2


def context_statements(texts: Iterable[str], limit: int = CONTEXT_STATEMENTS) -> list[list[str]]:
    """For each of ``texts`` (the customer's, in order), the anchors (lower-case, whitespace collapsed)
    of the first ``limit`` context statements (:data:`_CONTEXT`) of them all. The caller asks only in a
    call with an objection or a problem statement (:func:`pushed_back`)."""
    texts = list(texts)
    return _first_anchors(_matches_in(_CONTEXT, texts), len(texts), limit)


#: The customer's reason, in forms that say nothing else: little use of what they cancel, charges they
#: did not make. Each alternative starts with a plain letter.
_REASON_PARTS = (
    r"(?:we|i)\s+(?:barely|hardly|rarely|never)\s+(?:ever\s+)?used?\s+(?:it|this|that|them)",
    r"(?:we|i)\s+(?:don['’]t|didn['’]t|do\s+not|did\s+not)\s+(?:really\s+|even\s+)?use\s+(?:it|this|that|them)",
    r"(?:those|these|the|that|this)\s+(?:charges?|purchases?|transactions?|payments?)\s+(?:aren['’]t|are\s+not|"
    r"isn['’]t|is\s+not|weren['’]t|were\s+not|wasn['’]t|was\s+not)\s+mine",
    r"(?:i|we)\s+(?:never|didn['’]t|did\s+not)\s+(?:make|made|order|ordered|authori[sz]e|buy)\s+(?:those|these|"
    r"that|this|them|it|anything)",
    r"(?:мы|я)\s+(?:им\s+|ей\s+|этим\s+|ими\s+)?(?:почти|практически|вообще|совсем|толком)\s+не\s+"
    r"(?:пользу\w+|пользовал\w*)",
    r"(?:это|эти)\s+не\s+мои\s+(?:списани\w+|покупк\w+|операци\w+|платеж\w+|платёж\w+|траты)",
    r"я\s+(?:ничего\s+)?не\s+(?:покупал\w*|заказывал\w*)",
    # no longer needed, bought elsewhere: why a refund, not a redelivery ("Я купила в другом магазине.")
    r"(?:я|мы)\s+(?:уже\s+)?(?:купил\w*|заказал\w*|нашл\w*|наш[её]л)\s+(?:[^\W\d_]+\s+)?(?:в|у)\s+"
    r"(?:другом|другой|других|другого|конкурент\w*)",
    r"(?:i|we)\s+(?:already\s+)?(?:bought|got|found|ordered)\s+(?:it|one|them|a\s+[^\W\d_]+)\s+"
    r"(?:elsewhere|somewhere\s+else|(?:from|at)\s+(?:another|a\s+different))",
)  # fmt: skip
_REASON = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(_REASON_PARTS)})(?![^\W\d_])", re.IGNORECASE)
#: How many reasons of the customer's are key facts: the reason and a second one, not every complaint.
REASON_STATEMENTS = 2
#: A third party's report of what failed, as the agent relays it: who (courier, technician, ...), a
#: verb of reporting, "что"/"that", and a negation within three words ("не смог", "nobody was home").
_REPORT = re.compile(
    r"(?<![^\W\d_])(?:"
    r"(?:курьер|мастер|техник|монтажник|водител|инженер|установщик)[^\W\d_]*\s+(?:отметил|сообщил|указал|"
    r"написал|передал|зафиксировал|сказал|пишет|говорит)[^\W\d_]*\s*,?\s+что\s+(?:[^\W\d_]+\s+){0,3}?"
    r"(?:не|никого|никто|нет)"
    r"|(?:courier|driver|technician|tech|engineer|installer|carrier)\s+(?:noted|reported|said|says|marked|"
    r"indicated|wrote)\s+(?:that\s+)?(?:[^\W\d_]+\s+){0,3}?(?:no\s+one|nobody|couldn['’]t|could\s+not|"
    r"wasn['’]t|was\s+not|weren['’]t|were\s+not|didn['’]t|did\s+not|was\s+unable|were\s+unable)"
    r")(?![^\W\d_])",
    re.IGNORECASE,
)  # fmt: skip


#: A theft or a loss, the reason for a call in any call (a card block needs no pushback to have one):
#: "кошелёк украли", "потеряла кошелёк", "my card was stolen", "I lost my wallet".
_LOSS = re.compile(
    r"(?<![^\W\d_])(?:(?:[^\W\d_]+\s+)?украли|потерял[аи]?\s+[^\W\d_]+|(?:was|were|got)\s+stolen|"
    r"(?:i|we)\s+lost\s+(?:my|our)\s+[^\W\d_]+)(?![^\W\d_])",
    re.IGNORECASE,
)
#: Every match of :data:`_LOSS` holds one of these, lower-case (see :func:`_holding`).
_LOSS_HINTS = ("украли", "потерял", "stolen", "lost")


def loss_statements(texts: Iterable[str], limit: int = REASON_STATEMENTS) -> list[list[str]]:
    """For each of ``texts`` (the customer's, in order), the anchors (lower-case, whitespace collapsed)
    of the first ``limit`` thefts or losses (:data:`_LOSS`) of them all."""
    texts = list(texts)
    hinted = _holding(texts, _LOSS_HINTS)
    found = ((i, m) for i, text in enumerate(texts) if i in hinted for m in _LOSS.finditer(text))
    return _first_anchors(found, len(texts), limit)


#: What the customer means to do, said as a want, a need or a plan and an action of a sales or service
#: call ("And I want to trade in my car.", "Я хочу сдать машину в трейд-ин."): what the call is about. Only
#: these actions: "I want to say thanks", "хочу уточнить" are chit-chat. The subject is next to the modal,
#: so "I don't want to", "мне не нужно" do not match; "не хочу" is ruled out by the lookbehind.
_EN_WANT = (
    r"(?:i|we)\s+(?:really\s+|just\s+|also\s+|still\s+)?(?:want|need|plan)\s+to"
    r"|(?:i|we)\s+(?:would|['’]d)\s+like\s+to|(?:i|we)['’]d\s+like\s+to"
    r"|(?:i['’]m|i\s+am|we['’]re|we\s+are)\s+(?:planning|looking|hoping)\s+to"
    r"|(?:i|we)\s+wanna"
)
_EN_ACTIONS = (
    r"trade\s+in|trade|buy|purchase|sell|lease|finance|refinance|cancel|return|exchange|upgrade|downgrade"
    r"|switch|transfer|close|open|book|schedule|reschedule|order|renew|extend|add|remove|port|sign\s+up"
    r"|pay|test\s+drive|unsubscribe|terminate|dispute|replace|move|apply|reserve"
)
_RU_WANT = (
    r"(?:(?:я|мы)\s+)?(?:очень\s+)?(?:хочу|хотим|хотел[аи]?\s+бы|собираюсь|собираемся|планирую|планируем)"
    r"|(?:(?:мне|нам)\s+)?(?:нужно|надо|необходимо|хотелось\s+бы)"
)
_RU_ACTIONS = (
    r"сдать|купить|приобрести|продать|отменить|вернуть|расторгнуть|отключить|подключить|поменять|сменить"
    r"|заменить|обменять|перейти|записаться|оформить|заказать|оплатить|погасить|перевести|закрыть|открыть"
    r"|продлить|перенести|забронировать|отказаться|отписаться|заблокировать|перевыпустить|взять"
)
_INTENT = re.compile(
    rf"(?<![^\W\d_])(?<!не\s)(?:(?:{_EN_WANT})\s+(?:also\s+|just\s+)?(?:{_EN_ACTIONS})"
    rf"|(?:{_RU_WANT})\s+(?:бы\s+|ещё\s+|еще\s+|также\s+|тоже\s+|срочно\s+)?(?:{_RU_ACTIONS}))(?![^\W\d_])",
    re.IGNORECASE,
)
#: Every match of :data:`_INTENT` holds one of these, lower-case: its want (see :func:`_holding`).
_INTENT_HINTS = (
    "want", "need", "plan", "like", "looking", "hoping", "wanna", "хочу", "хотим", "хотел", "собира",
    "планиру", "нужно", "надо", "необходимо",
)  # fmt: skip
#: How many intents of the customer's are key facts: what they came for and one more, not every wish.
INTENT_STATEMENTS = 2


def intent_statements(texts: Iterable[str], limit: int = INTENT_STATEMENTS) -> list[list[str]]:
    """For each of ``texts`` (the customer's, in order), the anchors (lower-case, whitespace collapsed)
    of the first ``limit`` stated intents (:data:`_INTENT`) of them all, never in a question ("Do I
    need to pay now?")."""
    texts = list(texts)
    hinted = _holding(texts, _INTENT_HINTS)
    # ci_finditer: the same spans (_asked reads them), found about twice as fast
    found = (
        (i, m)
        for i, text in enumerate(texts)
        if i in hinted
        for m in ci_finditer(_INTENT, text)
        if not _asked(text, m)
    )
    return _first_anchors(found, len(texts), limit)


def reason_statements(texts: Iterable[str], limit: int = REASON_STATEMENTS) -> list[list[str]]:
    """For each of ``texts`` (the customer's, in order), the anchors (lower-case, whitespace collapsed)
    of the first ``limit`` reasons (:data:`_REASON`) of them all. The caller asks only in a call with an
    objection or a problem statement (:func:`pushed_back`)."""
    texts = list(texts)
    return _first_anchors(_matches_in(_REASON, texts), len(texts), limit)


#: Every match of :data:`_REPORT` holds one of these, lower-case: its subject (see :func:`_holding`).
_REPORT_HINTS = (
    "курьер", "мастер", "техник", "монтажник", "водител", "инженер", "установщик",
    "courier", "driver", "tech", "engineer", "installer", "carrier",
)  # fmt: skip


def reported_causes_of(texts: list[str]) -> list[list[str]]:
    """``[reported_causes(text) for text in texts]``, the pattern run only on the texts naming a
    subject of it (:data:`_REPORT_HINTS`)."""
    hinted = _holding(texts, _REPORT_HINTS)
    return [reported_causes(text) if i in hinted else [] for i, text in enumerate(texts)]


def reported_causes(text: str) -> list[str]:
    """The anchors (lower-case, whitespace collapsed) of the third-party reports of a failure
    (:data:`_REPORT`) in one of the agent's ``text``: why the delivery or the visit failed."""
    # ci_finditer: the same matches (lower-cased here anyway), found about three times as fast
    return [" ".join(m.group().lower().split()) for m in ci_finditer(_REPORT, text)]


#: An action the agent reports as done for the customer: a passive state ("Обе карты заблокированы.",
#: "Your card has been blocked.") or a first-person past ("Я перевыпустил.", "I've reset it."). Agent
#: sentences only (a customer's "Карта заблокирована." is a problem); no "не"/"not" right before.
_DONE = re.compile(
    r"(?<![^\W\d_])(?<!не\s)(?<!not\s)(?:"
    r"(?:за|раз)блокирован[аоы]?|перевыпущен[аоы]?|отменен[аоы]?|отменён|аннулирован[аоы]?"
    r"|я\s+(?:уже\s+|всё\s+|все\s+|вам\s+)?(?:перевыпустил|сбросил|отправил|исправил|подключил|"
    r"заблокировал|разблокировал|отменил|вернул|восстановил|починил|оформил|перевёл|перевел)[аи]?"
    r"|(?:has|have)\s+been\s+(?:blocked|unblocked|cancell?ed|reissued|reset|refunded|restored|fixed|sent)"
    r"|i['’]ve\s+(?:just\s+|already\s+)?(?:reset|reissued|sent|fixed|blocked|unblocked|cancell?ed|"
    r"refunded|restored|connected)"
    r")(?![^\W\d_])",
    re.IGNORECASE,
)


#: Every match of :data:`_DONE` holds one of these, lower-case: a participle's or a verb's stem, "been"
#: or "i've" (see :func:`_holding`).
_DONE_HINTS = (
    "блокирован", "перевыпу", "отмен", "аннулирован", "сбросил", "отправил", "исправил", "подключил",
    "блокировал", "вернул", "восстановил", "починил", "оформил", "перевёл", "перевел", "been", "i've",
    "i’ve",
)  # fmt: skip


def done_actions_of(texts: list[str]) -> list[list[str]]:
    """``[done_actions(text) for text in texts]``, the pattern run only on the texts holding a stem of
    it (:data:`_DONE_HINTS`)."""
    hinted = _holding(texts, _DONE_HINTS)
    return [done_actions(text) if i in hinted else [] for i, text in enumerate(texts)]


def done_actions(text: str) -> list[str]:
    """The anchors (lower-case, whitespace collapsed) of the actions (:data:`_DONE`) one of the agent's
    ``text`` reports as done: the outcome of the call, a commitment already kept."""
    return [" ".join(m.group().lower().split()) for m in _DONE.finditer(text)]


def pushed_back(signals: Iterable[Iterable[tuple[str, str]]], problems: Iterable[list[str]]) -> bool:
    """Whether the customer objected or stated a problem: ``signals``, the customer's signals per text;
    ``problems``, their :func:`problem_statements`. Only then is their context a key fact."""
    return any(problems) or any(kind == "objection" for found in signals for kind, _ in found)


#: Segments dropped for these reasons were not speech: their words are not facts of the call.
NOT_SPEECH = frozenset({"empty", "no_speech", "no_vad", "hallucination"})


def extract_key_facts(
    transcript: Mapping[str, Any], lexicon: Lexicon = DEFAULT_LEXICON
) -> list[dict[str, str]]:
    """Unique key facts of a (filtered) transcript, in order: ``{"kind", "anchor", "role"}``.

    Read from every segment that was speech (also the ones the filter dropped as filler or short,
    so a test catches a filter that drops a fact), after number normalisation and disfluency
    stripping and PII redaction, as compression sees it.
    """
    seen: set[tuple[str, str]] = set()
    out = []
    said = [
        (seg["role"], redact(strip_disfluencies(normalise_numbers(seg["text"])))[0])
        for seg in transcript["segments"]
        if seg.get("drop_reason") not in NOT_SPEECH
    ]
    theirs = [text for role, text in said if role == "customer"]
    facts = [facts_in(text, lexicon) for _, text in said]
    problems = problem_statements(theirs)
    customer_facts = [found for (role, _), found in zip(said, facts, strict=True) if role == "customer"]
    for found, resolution in zip(customer_facts, resolution_statements(theirs, problems), strict=True):
        found += [("resolution", anchor) for anchor in resolution]
    for found, loss in zip(customer_facts, loss_statements(theirs), strict=True):
        found += [("reason", anchor) for anchor in loss]
    for found, intent in zip(customer_facts, intent_statements(theirs), strict=True):
        found += [("intent", anchor) for anchor in intent]
    for (role, text), found in zip(said, facts, strict=True):
        if role == "agent":
            found += [("reason", anchor) for anchor in reported_causes(text)]
            found += [("commitment", anchor) for anchor in done_actions(text)]
    if pushed_back(customer_facts, problems):
        contexts = iter(context_statements(theirs))
        reasons = iter(reason_statements(theirs))
        for found, problem in zip(customer_facts, problems, strict=True):
            found += [("problem", anchor) for anchor in problem]
            found += [("context", anchor) for anchor in next(contexts)]
            found += [("reason", anchor) for anchor in next(reasons)]
    else:
        for found, problem in zip(customer_facts, problems, strict=True):
            found += [("problem", anchor) for anchor in problem]
    for (role, _), found in zip(said, facts, strict=True):
        for kind, anchor in found:
            if (kind, anchor) not in seen:
                seen.add((kind, anchor))
                out.append({"kind": kind, "anchor": anchor, "role": role})
    return out


def missing_facts(facts: Iterable[Mapping[str, str]], text: str) -> list[Mapping[str, str]]:
    """The facts whose anchor does not appear (on word boundaries, case-insensitive) in ``text``.

    An amount's anchor holds its unit ("$50", "50 рублей"): a text that kept "50 gigs" but lost the
    price misses it."""
    lower = " ".join(text.lower().split()).replace("’", "'")
    missing = []
    for f in facts:
        raw = f["anchor"].replace("’", "'")
        anchor = re.escape(raw)
        if f["kind"] != "number":
            edge = (r"(?<!\w)", r"(?!\w)")
        else:  # "$50" not inside "$500"; "50 рублей" not inside "150 рублей"
            edge = (r"(?<!\d)", r"(?![^\W\d_])" if raw[-1:].isalpha() else r"(?!\d)")
        if not re.search(edge[0] + anchor + edge[1], lower):
            missing.append(f)
    return missing
