"""Baseline scorer: a transparent lexicon/rule scorer for the LLM criteria, Russian and English.

It is what scores calls when no LLM is configured, so every deployment gets numbers on day one.
It is *not* an LLM and is never presented as one: its records say ``scorer="baseline"`` and every
reasoning string lists the markers that fired, so an analyst can see exactly why a value came out.
It cannot hear tone or understand context ("I can't help you, but thank you for calling" looks
polite to it); use it as a floor to compare an LLM against (``callstream eval``), not as QA truth.

How each default criterion is computed (markers are the lexicons below, matched case-insensitively
on whole words / word stems in kept segments; agent markers only in agent turns, customer markers
only in customer turns; with unknown roles, e.g. mono calls, in every turn):

- ``politeness`` (score): 40 + what an analyst checks, item by item, in the agent's turns: an opening
  (greeting, introduction, offer of help, in the agent's first two turns: 35 for two or more, 20 for
  one; a formal opening is one item, not three), please or thanks 10, apology or empathy 10 ("sorry to
  hear", "понимаю, это неприятно"; a bare "I see" / "понятно" / "ясно" only acknowledges), a goodbye
  15; − 30 per rude marker
  (blame, brush-offs, "calm down", talking over the customer: "let me finish!", "не перебивайте").
  At most 90 (the rubric's top needs a warm tone, which words do not show); at most 70 when the
  customer states a problem (:data:`COMPLAINT` or a problem statement; a sales objection is none) and
  the agent neither apologises nor empathises; at most 55 (the rubric's "I can't help you, but thank
  you for calling") when the agent sends a complaint elsewhere unanswered (:data:`DEFLECT`); at least 0.
- ``objection_handling`` (score): no customer objection → 80 ("nothing to handle", the rubric's
  anchor). Otherwise 20 + 25 if the agent acknowledged it (empathy, apology or a bare "I see" /
  "понятно") + 40 if the agent answered with an offer or a fix + 15 if the agent asked a clarifying
  question ("why", "почему" in a question or opening its clause: "That's why we ..." asks nothing),
  after the objection; clamped to 0-100. Cancel and termination words in every inflection
  ("cancelled", "cancellation", "расторжение") are objections.
- ``sale_probability`` (score): no sales context (no price, offer or closing words) → 5. Otherwise
  30 + 25 customer agreement + 25 agent closing step (contract, invoice, trial start) + 10 price
  named − 25 hesitation; a customer refusal caps it at 5. A debt-collection call (an agent collection
  marker) is 5 unless an agent sentence not about the debt offers or prices something: a repayment
  plan (restructuring, installments, a payment plan) is no sale.
- ``deal_stage`` (category): the furthest stage with a marker: closing (agreement or a closing
  step, without refusal) > objections > presentation (price or product/offer words) > needs (the
  agent asks about needs) > start. A debt-collection call with no offer besides a repayment (as for
  ``sale_probability``) is ``start``: it reached no sales stage.
- ``case_examples`` (yes_no): yes when the agent uses a case-example phrase.

The support scorecard (``scorecards/support.yaml``) adds:

- ``complaint_handling`` (score): the first customer complaint or objection: an objection marker, a
  :data:`COMPLAINT` marker (a fault or grievance without a complaint word: "не пришло подтверждение",
  "I still haven't seen the refund") or a problem statement of the key facts ("my internet keeps
  dropping", "the app crashes", a device's function negated or stopped: "не отжимает", "stopped
  cooling"). None → 80 (nothing to handle). Otherwise 20 + 50 answered (an offer,
  a fix made that the customer does not then say still fails, a hand-over or the agent's own call back:
  the markers of ``issue_resolved`` below) + 20 a clarifying question asked + 10 acknowledged (an
  apology, empathy or a bare "I see" / "понятно"; an apology alone fixes nothing, politeness counts
  it) − 20 per brush-off after it (a rude marker, or, with no answer, a deflection: "ничем не могу
  помочь", "call the bank"); clamped to 0-100.
- ``identity_verified`` (yes_no): yes when the agent uses a check marker (full name, account
  number, date of birth, code word) or asks for the phone number or address on file ("Назовите
  номер телефона, на который оформлен договор", "confirm the address on the account"; a delivery or
  new address is no check); no when either party talks of the caller's account, bill, order or card
  without one; yes when no account was touched (no check was due).
- ``issue_resolved`` (category): resolved when an agent turn says the fix is made ("I have
  refunded", "исправили") and no later customer turn says it still fails; else escalated when the
  agent hands the problem on (ticket, technician, someone else's call back, transfer); else
  unresolved when the agent promises to call back themself ("I'll check and call you back", "я
  перезвоню": a pending follow-up nobody else took on); else resolved when the call only asked for
  information and got it: a customer question ("?", "подскажите") with no complaint or fault in
  the call, an agent turn after it that informs (a figure or number word, a yes/no opening a
  sentence, a day, an address) with no "I don't know" after the question, and a satisfied last
  customer turn ("Нет, спасибо", "perfect, thanks"; no question, no "but"); else unresolved. A
  fix or hand-over marker in a question ("Вы уже сбросили пароль?") or right after a negation
  ("ещё не вернули", "I can't escalate") says nothing was done; a promise ("I will refund") has no
  marker. A lexicon cannot tell a right answer from a wrong one: an answered question is one the
  customer thanked for, with information in the reply.
- ``next_steps`` (yes_no): yes when the agent says what happens next ("you'll receive", "within
  48 hours" – "within" only with a time –, "в течение", "номер заявки", "мастер приедет"; a call
  back only with its time: "I'll call you back tomorrow", "перезвоню в четверг", not a bare "I'll
  call you back"), a transfer said as it happens included ("I'll transfer you to billing now",
  "Соединяю вас со специалистом"; not one offered in a question or refused).

Any other LLM criterion of a custom scorecard stays ``pending``: the baseline does not guess.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import islice
from typing import Any

from processors.keyfacts import BRUSH_OFF, problem_statements
from processors.numbers import NUMBER_WORD
from processors.rules import CURRENCY_HINTS, PRICE_RE
from processors.text import WordGate, case_sensitive_twin, ci_findall, ci_finditer, ci_view, fold

#: Goes into ``prompt_version``: which rules scored a call. v2: politeness by item (opening, thanks,
#: apology, goodbye, rudeness), support complaints from problem statements, brush-offs, transfers. v3: a
#: bare "I see" / "понятно" is no empathy, a "why" asks only as a question, every inflection of cancel and
#: "расторж*" object, a device's failing function is a problem, the opening is read in the agent's first
#: two turns only, a closing step is a verb ("подключу"), not the product's noun ("подключение"). v4: a
#: call back is a next step only with its time ("I'll call you back tomorrow").
BASELINE_VERSION = "baseline-v4"


def _lex(*phrases: str) -> tuple[str, ...]:
    return phrases


#: Agent politeness marker groups. A trailing ``*`` is a word stem (Russian endings vary).
POLITE: dict[str, tuple[str, ...]] = {
    "greeting": _lex(
        "hello",
        "hi",
        "good morning",
        "good afternoon",
        "good evening",
        "здравствуйте",
        "добрый день",
        "доброе утро",
        "добрый вечер",
        "приветствую",
    ),
    "introduction": _lex("this is", "my name is", "speaking", "меня зовут", "компания"),
    "offer_help": _lex(
        "how can i help",
        "how may i help",
        "can i help",
        "чем могу помочь",
        "чем могу быть полез*",
    ),
    "please": _lex("please", "could you", "would you", "пожалуйста", "будьте добры", "будьте любезны"),
    "thanks": _lex("thank you", "thanks", "спасибо", "благодар*"),
    "apology": _lex("sorry", "apologi*", "извин*", "прошу прощения", "простите"),
    # feeling with the customer; a bare "I see" / "понятно" / "ясно" only takes the words in
    # (:data:`_ACK_ONLY`): it earns the complaint's "acknowledged", not politeness's empathy
    "empathy": _lex(
        "i understand",
        "i hear you",
        "i can imagine",
        "sorry to hear",
        "that must be frustrating",
        "that must be annoying",
        "понимаю",
        "представляю, как",
        "это неприятно",
        "неприятная ситуация",
        "жаль это слышать",
        "мне очень жаль",
        "сожалею",
        "сочувствую",
    ),
    "goodbye": _lex(
        "have a great day",
        "have a nice day",
        "goodbye",
        "bye",
        "всего доброго",
        "всего хорошего",
        "до свидания",
        "хорошего дня",
    ),
}
RUDE = _lex(
    "i already told you",
    "not my problem",
    "calm down",
    "whatever",
    "shut up",
    "you people",
    "i don't care",
    "я же сказал*",
    "я уже сказал*",
    "не моя проблема",
    "успокойтесь",
    "мне всё равно",
    "мне все равно",
    "не ваше дело",
    # "это не ваши проблемы, мы всё исправим" does not hold "это ваши проблемы": as the English
    # markers, these are the rude wordings whole, each negation in them as said
    "это ваши проблемы",
    "не мои проблемы",
    "сами виноваты",
    "не морочьте голову",
    "не морочьте мне голову",
    "что вы от меня хотите",
    "чего вы от меня хотите",
    "что вы хотите от меня",
    "чего вы хотите от меня",
    # abuse addressed to the customer; a bare "ты" is too ambiguous to count
    "ты дурак",
    "вы дурак",
    "ты дура",
    "вы дура",
    "вы что, дурак",
    "вы что дурак",
    "ты что, дурак",
    "ты что дурак",
    "ты идиот*",
    "вы идиот*",
    # blaming the customer's problem on someone else's door: "That's not our problem."
    "not our problem",
    "не наша проблема",
    "не наши проблемы",
    # talking over the customer ("Let me finish!", "Дайте договорить"): what a transcript shows of an
    # interruption; "let me finish checking" is no rebuke (:func:`_rude_in_sentence`)
    "let me finish",
    "don't interrupt me",
    "do not interrupt me",
    "stop interrupting",
    "не перебивайте",
    "дайте договорить",
    "дайте мне договорить",
    "дайте мне сказать",
    # brushing the customer off (the key facts' tone lines): "Вам же сказали ждите.", "Это не ко мне."
    *(p for p in BRUSH_OFF if p != "i already told you"),
)
#: Polite wordings that hold a rude marker: the agent taking the blame ("мы сами виноваты, простите").
#: Matched with :data:`RUDE` (longest, leftmost first), so the marker inside them does not count.
NOT_RUDE = _lex("мы сами виноваты", "мы сами и виноваты")
#: Rude markers that are rude only in some sentences, and what else they are: the text of the sentence
#: before the marker (``before``) or after it (``after``, up to and with its end mark) that says so.
#: "Вы не сами виноваты", "Не думайте, что вы сами виноваты": the blame negated.
_NOT_BLAME = re.compile(r"(?<!\w)не\s+(?:вы\s+)?$|(?<!\w)не\s+\w+[^.!?…]*?(?<!\w)что\s+(?:и\s+)?(?:вы\s+)?$")
#: "Это ваши проблемы со связью или с роутером?": whose equipment, asked; dismissive is the clause ended
#: ("Это ваши проблемы.") or carried on ("..., а не наши", "..., разбирайтесь сами").
_WHOSE_PROBLEM = re.compile(r"^\s*(?:(?:с|со|или)(?!\w)|[^.!…]*\?)")
#: "Что вы от меня хотите?" whole is exasperated; "что вы от меня хотите получить: возврат или замену?"
#: asks what the customer needs.
_WANT_ENDS = re.compile(r"^(?:[\s,]*(?:вообще|ещё|еще|тогда|опять|снова|же)(?!\w))*\s*(?:[.!?…]|$)")
#: "Whatever." / "Yeah, whatever, ..." is a dismissive reply; "whatever works best for you" is service.
_WHATEVER_ALONE_BEFORE = re.compile(r"^(?:(?:yeah|yes|ok|okay|fine|sure|oh|well)\W+)*$")
_WHATEVER_ALONE_AFTER = re.compile(r"^\s*(?:[.,!?…;—-]|$)")
#: "I don't care how long it takes, I'll stay on the line": a commitment, not indifference.
_CARE_COMMITMENT = re.compile(r"^\s*(?:how\s+long|how\s+much\s+time|what\s+it\s+takes)(?!\w)")
#: "Let me finish!" / "Let me finish, please." rebukes; "let me finish checking your account" is work.
_FINISH_ALONE = re.compile(
    r"^[\s,]*(?:(?:speaking|talking|my\s+sentence|please|sir|ma['’]am|madam)[\s,]*)*(?:[.!?…]|$)"
)
_SENTENCE_END = re.compile(r"[.!?…\n]")
#: Brush-off markers that are a question or a hand-over in some sentences: "Вам уже сказали, когда
#: придёт возврат?" asks; "That's not my department, but let me transfer you" helps.
_BRUSH_OFF = frozenset(p.rstrip("*") for p in BRUSH_OFF)
_ASKED = re.compile(r"[^.!…]*\?")
_HANDED_OVER = re.compile(
    r"(?<!\w)(?:let\s+me|i'll|i\s+will|i\s+can|i'm\s+going\s+to|transfer\w*|connect\w*|put\s+you\s+through|"
    r"переключ\w*|соедин\w*|переведу|передам|перевожу|сейчас\s+уточню|давайте\s+(?:я|уточню|проверю))(?!\w)"
)
OBJECTION = _lex(
    "too expensive",
    "expensive",
    "not interested",
    "no time",
    "i need to think",
    "i'll think",
    "already have",
    "not sure",
    "charged twice",
    "doesn't work",
    "does not work",
    "not fixed",
    # every inflection: cancel, cancels, cancelled/canceled, cancelling, cancellation
    "cancel*",
    "complain*",
    "lawyer",
    "дорого",
    "не интересно",
    "не интересует",
    "нет времени",
    "подумаю",
    "уже есть",
    "не уверен*",
    "не работает",
    "отменить",
    # the verb's stem ("расторгнуть", "расторгаем") and the noun's ("расторжение", "расторжения")
    "расторг*",
    "расторж*",
    "жалоб*",
    "юрист*",
)
#: A fault or a grievance told without a complaint word: the customer cannot get in, something did not
#: arrive, stopped or was taken wrongly ("не пришло подтверждение", "my card got declined"). With the
#: key facts' problem statements (a subject and its failure: "my internet keeps dropping", "the app
#: crashes") it is the support card's complaint (``complaint_handling``) and a problem an apology or
#: empathy is due for (``politeness``); a sales objection ("too expensive") is no problem. Not read by
#: the default card's objection rules, so a sales call's deal stage does not change.
COMPLAINT = _lex(
    # the objection markers that are faults, not sales objections
    "charged twice",
    "doesn't work",
    "does not work",
    "not fixed",
    "complain*",
    "не работает",
    "жалоб*",
    "can't log in",
    "cannot log in",
    "can't sign in",
    "cannot sign in",
    "locked out",
    "never arrived",
    "never got",
    "never received",
    "haven't received",
    "haven't got",
    "haven't heard",
    "haven't seen",
    "still haven't",
    "didn't arrive",
    "hasn't arrived",
    "not working",
    "isn't working",
    "is down",
    "been down",
    "went down",
    "stopped working",
    "don't recognise",
    "don't recognize",
    "overcharged",
    "never ordered",
    "didn't order",
    "did not order",
    "never signed up",
    "wrong charge",
    "got declined",
    "was declined",
    "been declined",
    "getting declined",
    "card declined",
    "payment declined",
    "frustrat*",
    "unacceptable",
    "не могу войти",
    "не могу зайти",
    "не приходит",
    "не пришло",
    "не пришёл",
    "не пришел",
    "не пришла",
    "не пришли",
    "так и не",
    "до сих пор не",
    "до сих пор ничего",
    "заблокировали",
    "списали дважды",
    "не заказывал*",
    "не подключал*",
    "дважды списали",
    "перестал* работать",
    "какая-то ошибка",
    "издеваетесь",
    "безобразие",
)
#: The agent sending a complaint elsewhere instead of taking it: "I can't help you", "ничем не могу
#: помочь", and (:data:`_REDIRECT`) "call the bank", "обращайтесь к производителю". In a complaint call
#: with no answer (no offer, fix or hand-over) it is a brush-off: ``complaint_handling`` drops below its
#: base, and ``politeness`` is at most the rubric's "I can't help you, but thank you for calling" (55).
DEFLECT = _lex(
    "i can't help you",
    "i cannot help you",
    "can't help you with that",
    "cannot help you with that",
    "nothing i can do",
    "nothing we can do",
    "ничем не могу помочь",
    "ничем не могу вам помочь",
    "не могу ничем помочь",
    "не могу вам ничем помочь",
    "ничем помочь не могу",
    "ничего не могу сделать",
    "ничего не можем сделать",
    "ничего не могу поделать",
)
#: Sending the customer to another party: a bank, a department, the maker, the courier.
_REDIRECT = re.compile(
    r"(?<!\w)(?:call|contact|ring|phone|talk\s+to|speak\s+to|go\s+to)\s+(?:the|your)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:bank|department|manufacturer|provider|courier|seller|store|shop|police|carrier)s?(?!\w)"
    r"|(?<!\w)(?:звоните|позвоните|звонить|обращайтесь|обратитесь|обращаться|идите)\s+(?:сами\s+)?(?:в|во|к)\s+"
    r"(?:\w+\s+)?(?:банк|отдел|производител|провайдер|курьер|продав|магазин|полици|техподдерж|поддержк)\w*",
    re.IGNORECASE,
)
ACKNOWLEDGE = POLITE["empathy"] + POLITE["apology"]
#: A bare acknowledgement: the agent taking the words in ("I see.", "Понятно, сейчас проверю", "Got it"),
#: the marker ending its clause ("I see two payments" reads the account) and not negated ("не понятно").
#: It earns the "acknowledged" of objection and complaint handling (:func:`_acknowledged`), which the
#: rubrics ask for, but not politeness's apology/empathy item: it feels nothing with the customer.
_ACK_ONLY = re.compile(
    r"(?<![\w-])(?<!не\s)(?<!not\s)(?:i\s+see|got\s+it|понятно|ясно|понял|поняла)(?=[ \t]*(?:[.,!…;:—-]|$))",
    re.IGNORECASE | re.MULTILINE,
)
RESOLVE = _lex(
    "trial",
    "discount",
    "i can offer",
    "we can offer",
    "free",
    "refund*",
    "fixed",
    "i will send",
    "let me check",
    "option",
    "скидк*",
    "могу предложить",
    "предлагаю",
    "бесплатн*",
    "пробн*",
    "верн*",
    "исправ*",
    "вариант*",
)
CLARIFY = _lex(
    "why",
    "what exactly",
    "could you tell me",
    "may i ask",
    "почему",
    "что именно",
    "можно уточнить",
    "уточните",
)
AGREEMENT = _lex(
    "sounds good",
    "let's do it",
    "deal",
    "i agree",
    "that works",
    "i'll take it",
    "okay, a trial",
    "send the contract",
    "хорошо, давайте",
    "давайте",
    "согласен",
    "согласна",
    "договорились",
    "беру",
    "оформляйте",
)
CLOSING = _lex(
    "contract",
    "invoice",
    "sign up",
    "i will send you",
    "set up your account",
    "start your trial",
    "договор*",
    "счёт",
    "счет",
    # the verbs of doing it, not the nouns: "сколько стоит подключение", "оформление займёт день"
    # name the product or the procedure, a step nobody took yet
    "оформлю",
    "оформим",
    "оформляю",
    "оформляем",
    "оформить",
    "оформил*",
    "оформлен",
    "оформлена",
    "оформлено",
    "пришлю",
    "вышлю",
    "подключу",
    "подключим",
    "подключаю",
    "подключаем",
    "подключить",
    "подключил*",
    "подключен",
    "подключена",
    "подключено",
)
HESITATION = _lex(
    "i need to think",
    "i'll think",
    "check with my manager",
    "maybe later",
    "not now",
    "подумаю",
    "посоветуюсь",
    "может быть позже",
    "не сейчас",
)
REFUSAL = _lex(
    "not interested",
    "don't call",
    "do not call",
    "no thanks",
    "no, thank you",
    "i will cancel",
    "не интересует",
    "не интересно",
    "больше не звоните",
    "не звоните",
    "не нужно",
    "отказываюсь",
)
PRESENTATION = _lex(
    "plan",
    "package",
    "includes",
    "offer",
    "product",
    "тариф*",
    "входит",
    "пакет*",
    "предлож*",
    "услуг*",
)
#: The agent collecting a debt: a call that asks the customer to pay what is owed sells nothing, however
#: much it names amounts, a contract ("по договору займа") and the customer's "давайте, заплачу".
COLLECTION = _lex(
    "collect a debt",
    "debt collection",
    "overdue",
    "past due",
    "outstanding balance",
    "задолженност*",
    "просрочк*",
    "просроченн*",
    "погасить долг",
    "погасите долг",
)
#: What a collection call offers instead of a product: a way to pay the debt. In a call with a collection
#: marker, a sentence with one of these (or a debt word) is about the debt, whatever it offers or prices.
REPAYMENT = _lex(
    "debt",
    "debts",
    "owe",
    "owed",
    "owes",
    "payment plan",
    "repayment*",
    "settlement",
    "settle the",
    "restructur*",
    "installment*",
    "pay off",
    "pay it off",
    "pay in full",
    "lump sum",
    "долг",
    "долга",
    "долгу",
    "долгом",
    "долги",
    "долгов",
    "реструктуризац*",
    "рассрочк*",
    "отсрочк*",
    "график погашения",
    "график платежей",
    "погашени*",
    "частями",
    "единовременно",
)
#: Words that make a priced sentence with no offer marker a demand for payment or a sum owed ("the
#: minimum payment is $50", "сумма — сорок семь тысяч рублей"), not a price of something sold.
PAYMENT = _lex(
    "pay", "payment*", "paid", "amount", "balance", "оплат*", "заплат*", "платёж*", "платеж*", "сумм*"
)
#: Sentence ends inside a turn: a full stop before a space or the end, not the one in "4.50".
_SENTENCE_SPLIT = re.compile(r"[.!?…]+(?=\s|$)|\n")
NEEDS = _lex(
    "what do you need",
    "what are you looking for",
    "how many",
    "what is this about",
    "tell me about",
    "what would you like",
    "что вас интересует",
    "что для вас важно",
    "сколько",
    "какой вам",
    "расскажите",
)
CASE_EXAMPLES = _lex(
    "for example",
    "for instance",
    "one of our customers",
    "one of our clients",
    "our customers",
    "a customer of ours",
    "case study",
    "например",
    "один из наших клиентов",
    "наши клиенты",
    "к примеру",
)


#: Support scorecard (``scorecards/support.yaml``). The agent checking who calls: a name, an account
#: or contract number, a date of birth, a code word.
VERIFY = _lex(
    "verify",
    "verification",
    "security question",
    "date of birth",
    "zip code",
    "postcode",
    "post code",
    "postal code",
    "full name",
    "account number",
    "phone number on the account",
    "passcode",
    "mother's maiden name",
    "идентификац*",
    "верификац*",
    "для подтверждения личности",
    "кодовое слово",
    "кодовую фразу",
    "дату рождения",
    "дата рождения",
    "датой рождения",
    "паспортные данные",
    "номер договора",
    "лицевой счёт",
    "лицевой счет",
    "лицевого счёта",
    "лицевого счета",
    "фио",
    "назовите ваш*",
    "назовите, пожалуйста, ваш*",
)
#: The agent asking for the phone number or the address on file as the check, which the lexicon above
#: cannot say whole: "Назовите, пожалуйста, номер телефона, на который оформлен договор", "Подтвердите
#: адрес подключения", "Can you confirm the address on the account?". An address asked for a delivery
#: or a change ("адрес доставки", "What's the new address?") is none.
_CHECK_ASK = re.compile(
    r"(?<!\w)(?:(?:назовите|продиктуйте|подтвердите|скажите|уточните|сообщите)(?:,?\s+пожалуйста,?)?"
    r"\s+(?:ваш\w*\s+|свой\s+|свою\s+)?(?:номер\s+телефона|телефон|адрес)(?!\w)(?!\s+(?:доставки|куда))"
    r"|(?:номер\w*\s+телефона|адрес\w*),?\s+(?:на\s+который|по\s+которому|привязанн\w+|указанн\w+)"
    r"|адрес\w*\s+(?:регистрации|прописки|подключения|установки)"
    r"|(?:confirm|verify|tell\s+me|give\s+me|(?:can|could|may)\s+i\s+(?:have|get|take))\s+(?:your|the)"
    r"\s+(?:home\s+|registered\s+)?(?:address|(?:tele|mobile\s+|cell\s+)?phone\s+number)(?!\w)"
    r"|(?:address|phone\s+number)\s+(?:on\s+(?:the|your)\s+account|on\s+file|we\s+have|registered|linked"
    r"|associated|that's\s+registered|that\s+is\s+registered)"
    r"|first\s+line\s+of\s+(?:your|the)\s+address)",
    re.IGNORECASE,
)
#: What makes a check due, said by either party: the caller's own account, bill, order or card.
ACCOUNT = _lex(
    "my account",
    "your account",
    "the account",
    "my bill",
    "your bill",
    "my subscription",
    "your subscription",
    "my order",
    "your order",
    "my card",
    "my contract",
    "my address",
    "delivery address",
    "billing address",
    "my details",
    "my password",
    "charged",
    "refund*",
    "мой счёт",
    "мой счет",
    "мой тариф",
    "ваш тариф",
    "мой заказ",
    "ваш заказ",
    "мой договор",
    "ваш договор",
    "мой адрес",
    "адрес доставки",
    "мои данные",
    "мой пароль",
    "моей карты",
    "мою карту",
    "списа*",
    "возврат*",
    "баланс*",
)
#: The agent saying the fix is made, in the call (a promise to fix is not).
DONE = _lex(
    "i have refunded",
    "i've refunded",
    "has been refunded",
    "i have removed",
    "i've removed",
    "is removed",
    "has been removed",
    "i have cancelled",
    "i've cancelled",
    "has been cancelled",
    "i have reset",
    "i've reset",
    "has been reset",
    "i have fixed",
    "i've fixed",
    "is fixed",
    "has been fixed",
    "is resolved",
    "has been resolved",
    "i have updated",
    "i've updated",
    "has been updated",
    "i've applied",
    "i have applied",
    # a refund is made when it is issued ("I've issued a full refund"); "I've issued a ticket" is not a fix
    "issued a refund",
    "issued a full refund",
    "issued you a refund",
    "issued a credit",
    "refund has been issued",
    "i've unblocked",
    "i have unblocked",
    "has been unblocked",
    "i've restarted",
    "i have restarted",
    "i've rebooted",
    "i have rebooted",
    "i've credited",
    "i have credited",
    "the credit is on",
    "is working now",
    "should work now",
    "you're all set",
    "you are all set",
    "готово",
    "сделано",
    "исправил*",
    "вернул*",
    "оформил* возврат",
    "отключил*",
    "восстановил*",
    "сбросил*",
    "зачислил*",
    "перевыпустил*",
    "разблокировал*",
    "перезагрузил*",
    "всё работает",
    "все работает",
    "проблема решена",
)
#: The customer saying the fix did not take: it outweighs the agent's "done" said before it.
STILL_BROKEN = _lex(
    "still not",
    "still doesn't",
    "still does not",
    "still isn't",
    "still can't",
    "still broken",
    "всё равно не",
    "все равно не",
    "по-прежнему не",
    "так и не",
    "всё ещё не",
    "все еще не",
)
#: The agent handing the problem on: a ticket, a technician, a specialist's call back, a transfer.
ESCALATE = _lex(
    "escalat*",
    "ticket",
    "case number",
    "technician",
    "engineer",
    "specialist will",
    "supervisor will",
    # someone else's call back ("an adjuster will call you back"); the agent's own is no hand-over:
    # :func:`_handed_on` drops it (:data:`OWN_CALL_BACK`)
    "call you back",
    "get back to you",
    "transfer you",
    "i'll transfer",
    "i will transfer",
    "заявк*",
    "передам",
    "передал*",
    # Russian word order is free: "вам перезвонит специалист", "с вами свяжется мастер"; the agent's
    # own "перезвоню", "свяжемся" are :data:`OWN_CALL_BACK`
    "перезвонит",
    "перезвонят",
    "свяжется",
    "свяжутся",
    "техник*",
    "мастер приедет",
    "переведу вас",
    "соединю вас",
    # a transfer in any tense ("I'm transferring you", "перевожу вас"): :data:`TRANSFER`
    "transferring you",
    "put you through",
    "putting you through",
    "connect you to",
    "connect you with",
    "перевожу вас",
    "переключу вас",
    "переключаю вас",
    "соединяю вас",
)
#: The agent promising to call back themself ("я перезвоню вам завтра", "мы с вами свяжемся"): a pending
#: follow-up that nobody else took on, not a hand-over. The English "call you back" is the agent's own
#: when its subject is "I"/"we" (:data:`_OWN_SUBJECT`).
OWN_CALL_BACK = _lex("перезвоню", "перезвоним", "свяжусь", "свяжемся", "позвоню вам", "наберу вас")
_EN_CALL_BACK = frozenset({"call you back", "get back to you"})
#: What comes right before the agent's own call back: "I'll ", "we will ", "I can ", "I'll personally ".
_OWN_SUBJECT = re.compile(
    r"(?<!\w)(?:i|we)(?:['’](?:ll|d)|\s+(?:will|shall|can|could|would|am\s+going\s+to|are\s+going\s+to)"
    r"|['’](?:m|re)\s+going\s+to)?\s+(?:(?:personally|just|then|also|definitely|certainly)\s+)*$",
    re.IGNORECASE,
)
#: "I'll chase them today and call you back": a second verb of the clause's subject, read when that
#: subject (the last one before it, :data:`_SUBJECT`) is "I"/"we".
_AND_BEFORE = re.compile(r"(?<!\w)and\s+(?:then\s+)?$", re.IGNORECASE)
_SUBJECT = re.compile(
    r"(?<![\w'’])([\w'’]+?)(?:['’](?:ll|m|re|d)|\s+(?:will|shall|can|am|are|is|would|could))(?!\w)",
    re.IGNORECASE,
)
#: A DONE or ESCALATE marker that states nothing: in a question ("Вы уже сбросили пароль?") or negated
#: by the word before it ("деньги ещё не вернули", "I can't escalate").
_NEGATION = re.compile(r"(?<!\w)(?:не|ни|not|never|\w+n['’]t)\W*$", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.!?…]+(?=\s|$)|\n")
#: "within" is a next step only with a time ("within 48 hours", "within the next two days"); "Spain is
#: within the EU roaming zone" is not.
_WITHIN_TIME = re.compile(
    r"(?<!\w)within\s+(?:[\w-]+\s+){0,3}?(?:minute|hour|day|week|month)s?(?!\w)", re.IGNORECASE
)
#: The agent saying what happens next and when.
NEXT_STEPS = _lex(
    "you will receive",
    "you'll receive",
    "you will get",
    "you'll get",
    "i'll email",
    "i will email",
    "i'll send",
    "i will send",
    "we'll send",
    "we will send",
    "business days",
    "working days",
    "by tomorrow",
    "next bill",
    "next invoice",
    # a visit booked ("I've booked an engineer visit for Tuesday", "мастер приедет в четверг")
    "i've booked",
    "i have booked",
    "will come",
    "will arrive",
    "приедет",
    "приедут",
    "confirmation",
    "reference number",
    "ticket number",
    "case number",
    "в течение",
    "рабочих дней",
    "придёт",
    "придет",
    "пришлём",
    "пришлем",
    "отправим",
    "вышлем",
    "вышлю",
    "пришлю",
    "номер заявки",
    "номер обращения",
    "в следующем счёте",
    "в следующем счете",
)


#: The agent transferring the call: the customer is told what happens next, and that it is now ("I'll
#: transfer you to billing now", "Соединяю вас со специалистом"). Stated only: "Can I transfer you?"
#: offers, "I can't transfer you" refuses.
TRANSFER = _lex(
    "transfer you",
    "transferring you",
    "put you through",
    "putting you through",
    "connect you to",
    "connect you with",
    "connecting you",
    "переведу вас",
    "перевожу вас",
    "переключу вас",
    "переключаю вас",
    "соединю вас",
    "соединяю вас",
)


#: A customer asking for information: besides a sentence ending in "?" (Whisper writes them), these.
ASK = _lex(
    "подскажите",
    "скажите",
    "хотел* узнать",
    "хотел* уточнить",
    "хотел* спросить",
    "can you tell me",
    "could you tell me",
    "i'd like to know",
    "i would like to know",
    "i was wondering",
    "quick question",
    "i wanted to ask",
    "i want to know",
)
#: The agent not answering: a call with one after the question is not "answered".
NO_ANSWER = _lex(
    "не знаю",
    "не могу сказать",
    "не могу подсказать",
    "не могу ответить",
    "нет информации",
    "нет такой информации",
    "не располагаю",
    "посмотрите на сайте",
    "уточните на сайте",
    "i don't know",
    "i do not know",
    "i'm not sure",
    "i am not sure",
    "i can't tell",
    "i cannot tell",
    "i can't say",
    "i don't have that information",
    "i don't have any information",
    "no information",
    "check our website",
    "check the website",
)
#: The customer closing satisfied after an answer ("Нет, спасибо", "Понятно", "Perfect, thanks").
SATISFIED = _lex(
    "спасибо",
    "благодар*",
    "понятно",
    "ясно",
    "отлично",
    "thanks",
    "thank you",
    "got it",
    "perfect",
    "great",
    "that's all i needed",
    "that helps",
    "makes sense",
)
#: The customer saying the answer did not help: it outweighs a "спасибо" in the same turn.
NOT_SATISFIED = _lex(
    "не понял*",
    "непонятно",
    "не ответили",
    "это не ответ",
    "не то",
    "doesn't help",
    "does not help",
    "didn't answer",
    "not what i asked",
    "don't understand",
    "still",
    "но",
    "but",
)
#: What an informative answer holds (in a sentence that is no question): a figure or a number word ("до
#: восьми вечера", "9 a.m."), a yes or no opening the sentence ("Да, нужен паспорт", "Yes, Spain is ..."),
#: a day, an address.
_INFO = re.compile(
    rf"\d|(?<!\w){NUMBER_WORD}"
    r"|^\W*(?:да|нет|конечно|разумеется|yes|no|yeah|yep|nope|sure|of\s+course|absolutely)(?!\w)"
    r"|(?<!\w)(?:(?:понедельник|вторник|сред[ау]|четверг|пятниц|суббот|воскресень|выходн|будн|круглосуточн"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|weekend|noon|midnight"
    r"|улиц|проспект|переул|шоссе|street|avenue|road)\w*|ул\.)",
    re.IGNORECASE,
)


@cache
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-phrase alternatives; ``stem*`` matches any word ending, inside a phrase too ("оформил*
    возврат": before, the inner ``*`` was a literal one, so that marker never matched)."""
    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        parts.append(re.escape(phrase).replace(r"\ ", r"\s+").replace(r"\*", r"\w*"))
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE)


def find(phrases: tuple[str, ...], text: str, folded: str | None = None) -> list[str]:
    """The markers of ``phrases`` present in ``text`` (lower-cased, in order, deduplicated).

    ``folded``: ``processors.text.fold(text)`` when the caller has it (several lexicons, one text).
    """
    # The pattern has no capturing group: findall gives each whole match.
    return list(dict.fromkeys(map(str.lower, ci_findall(_pattern(phrases), text, folded))))


@cache
def _gate(phrases: tuple[str, ...]) -> WordGate:
    """Where a match of :func:`_pattern` (``phrases``) can start: it starts with a phrase's first word,
    lower-cased as in ``fold``-ed text (an empty phrase, which matches anywhere, has no gate)."""
    return WordGate(phrases)


def _find_gated(
    phrases: tuple[str, ...], text: str, folded: str | None, seen: dict[str, list[int]]
) -> list[str]:
    """:func:`find`, the pattern tried only where a first word of ``phrases`` occurs in ``folded``
    (:meth:`WordGate.starts`; ``seen``: the places found so far in it): a few ``str.find`` scans of a
    whole role's text cost less than one regex scan. Matches are taken left to right, none inside the
    one before, as ``findall`` takes them."""
    return list(dict.fromkeys(marker for _, marker in _markers(phrases, text, folded, seen)))


def _markers(
    phrases: tuple[str, ...], text: str, folded: str | None, seen: dict[str, list[int]]
) -> list[tuple[int, str]]:
    """Where each match of :func:`_pattern` (``phrases``) starts in ``text`` and what it matched
    (lower-cased), as :func:`_find_gated` finds them."""
    pattern = _pattern(phrases)
    twin = case_sensitive_twin(pattern)
    at = None
    if twin is not None and folded is not None and "" not in phrases:
        at = _gate(phrases).starts(folded, 64, seen)
    if at is None:
        return [(m.start(), m.group().lower()) for m in ci_finditer(pattern, text, folded)]
    found: list[tuple[int, str]] = []
    end = 0
    for i in at:
        if i >= end and (m := twin.match(folded, i)) is not None:  # type: ignore[union-attr, arg-type]
            found.append((i, m.group()))
            end = m.end()
    return found


def _stated_in(phrases: tuple[str, ...], text: str) -> Iterator[tuple[str, str]]:
    """Each marker of ``phrases`` stated in ``text`` (lower-cased) with its clause before it: not in a
    question sentence, not right after a negation (:data:`_NEGATION`)."""
    for m in ci_finditer(_pattern(phrases), text, fold(text)):
        start = max((e.end() for e in _CLAUSE_END.finditer(text, 0, m.start())), default=0)
        end = _CLAUSE_END.search(text, m.end())
        if (end and end.group().startswith("?")) or _NEGATION.search(text, start, m.start()):
            continue
        yield re.sub(r"\s+", " ", m.group().lower()), text[start : m.start()]


def _stated(phrases: tuple[str, ...], text: str) -> list[str]:
    """:func:`find`, less the markers in a question sentence or right after a negation (:data:`_NEGATION`)."""
    return list(dict.fromkeys(marker for marker, _ in _stated_in(phrases, text)))


def _own_subject(before: str) -> bool:
    """Whether an English call back with ``before`` it in its clause is the agent's own ("I'll call you
    back", "I'll chase them and call you back"), not someone else's ("an adjuster will call you back",
    "I'll ask billing to call you back")."""
    if _OWN_SUBJECT.search(before):
        return True
    if _AND_BEFORE.search(before):
        subjects = _SUBJECT.findall(before)
        return bool(subjects) and subjects[-1].lower() in ("i", "we")
    return False


def _handed_on(text: str) -> tuple[list[str], list[str]]:
    """The agent's stated hand-overs in ``text`` (:data:`ESCALATE`) and own call backs
    (:data:`OWN_CALL_BACK`, "I'll call you back"): a call back the agent makes is no hand-over."""
    escalated: list[str] = []
    own: list[str] = []
    for marker, before in _stated_in(ESCALATE + OWN_CALL_BACK, text):
        if marker in _EN_CALL_BACK:
            (own if _own_subject(before) else escalated).append(marker)
        else:
            (own if _pattern(OWN_CALL_BACK).fullmatch(marker) else escalated).append(marker)
    return list(dict.fromkeys(escalated)), list(dict.fromkeys(own))


@dataclass(frozen=True)
class Turn:
    role: str  # agent | customer | unknown
    text: str


@dataclass(frozen=True)
class BaselineValue:
    value: float | None
    label: str | None
    reasoning: str


def turns_from_segments(segments: Iterable[Mapping[str, Any]]) -> list[Turn]:
    """Kept segments as turns (the same text the compress stage gives an LLM)."""
    return [Turn(s.get("role") or "unknown", s["text"]) for s in segments if s.get("kept", True)]


#: Markers a reasoning names; " ..." says there were more.
_SHOWN = 4
#: Prices :class:`_Sales` keeps: whether there is one and those a reasoning shows (with or without
#: the offer markers after them) are all that is read.
_PRICES_KEPT = _SHOWN + 1


def _q(markers: Sequence[str]) -> str:
    return ", ".join(f"'{m}'" for m in markers[:_SHOWN]) + (" ..." if len(markers) > _SHOWN else "")


class _Call:
    """Turns split by role; with no role information every turn counts for both parties.

    What several criteria read (texts per role, the sales markers, the first objection) is
    computed once per call.
    """

    def __init__(self, turns: Sequence[Turn]) -> None:
        self.turns = list(turns)
        self.roles_known = any(t.role in ("agent", "customer") for t in self.turns)
        self._texts: dict[str, str] = {}
        self._folded: dict[str, str | None] = {}
        self._seen: dict[str, dict[str, list[int]]] = {}  # role -> first word -> its places (_find_gated)
        self._by_turn: dict[tuple[str, ...], dict[int, list[str]]] = {}
        self._customer: tuple[list[int], list[int], str, str | None, dict[str, list[int]]] | None = None

    def of(self, role: str) -> list[Turn]:
        return [t for t in self.turns if not self.roles_known or t.role == role]

    def text(self, role: str) -> str:
        text = self._texts.get(role)
        if text is None:
            text = self._texts[role] = "\n".join(t.text for t in self.of(role))
        return text

    def find(self, phrases: tuple[str, ...], role: str) -> list[str]:
        """:func:`find` in the text of ``role``."""
        if role not in self._folded:
            self._folded[role] = fold(self.text(role))
        return _find_gated(phrases, self.text(role), self._folded[role], self._seen.setdefault(role, {}))

    def customer_hits(self, phrases: tuple[str, ...]) -> dict[int, list[str]]:
        """:func:`find` in each customer turn with a marker of ``phrases``, by the turn's index: one scan
        of the customer's turns joined by "\\x00", which no match spans (no phrase holds it; it is no
        space nor word character, so it ends a word as the end of a text does)."""
        found = self._by_turn.get(phrases)
        if found is not None:
            return found
        if self._customer is None:
            index = [i for i, t in enumerate(self.turns) if not self.roles_known or t.role == "customer"]
            joined = "\x00".join(self.turns[i].text for i in index)
            starts, at = [], 0
            for i in index:
                starts.append(at)
                at += len(self.turns[i].text) + 1
            self._customer = index, starts, joined, fold(joined), {}
        index, starts, joined, folded, seen = self._customer
        hits: dict[int, list[str]] = {}
        for at, marker in _markers(phrases, joined, folded, seen):
            hits.setdefault(index[bisect_right(starts, at) - 1], []).append(marker)
        found = self._by_turn[phrases] = {i: list(dict.fromkeys(h)) for i, h in hits.items()}
        return found

    @cached_property
    def sales(self) -> _Sales:
        return _Sales.of(self)

    @cached_property
    def first_objection(self) -> tuple[int, list[str]] | None:
        return _first_objection(self)

    @cached_property
    def problem_statements(self) -> list[tuple[int, list[str]]]:
        """Each customer turn's index with its problem statements (:func:`keyfacts.problem_statements`)."""
        customer = [i for i, t in enumerate(self.turns) if not self.roles_known or t.role == "customer"]
        return list(zip(customer, problem_statements([self.turns[i].text for i in customer]), strict=True))

    @cached_property
    def complaint(self) -> tuple[int, list[str]] | None:
        """The first customer complaint or objection (the support card's complaint_handling)."""
        return _first_complaint(self, OBJECTION + COMPLAINT)

    @cached_property
    def problem(self) -> tuple[int, list[str]] | None:
        """The first customer turn stating a problem (a fault or a grievance; no sales objection): an
        apology or empathy is due for it."""
        return _first_complaint(self, COMPLAINT)

    @cached_property
    def collection(self) -> list[str]:
        """The agent's collection markers when the call collects a debt and offers nothing besides a
        repayment (:func:`_pitch`); [] otherwise. Sale probability and deal stage both read it."""
        found = self.find(COLLECTION, "agent")
        return found if found and not _pitch(self) else []

    @property
    def note(self) -> str:
        return "" if self.roles_known else " (speaker roles unknown: markers counted in every turn)"


def _rude_in_sentence(marker: str, before: str, after: str) -> bool:
    """Whether ``marker`` is rude with ``before``/``after`` it in its sentence (lower-cased)."""
    if marker == "сами виноваты":
        return _NOT_BLAME.search(before) is None
    if marker == "это ваши проблемы":
        return _WHOSE_PROBLEM.match(after) is None
    if marker in (
        "что вы от меня хотите",
        "чего вы от меня хотите",
        "что вы хотите от меня",
        "чего вы хотите от меня",
    ):
        return _WANT_ENDS.match(after) is not None
    if marker == "whatever":
        return _WHATEVER_ALONE_BEFORE.match(before.strip()) is not None and bool(
            _WHATEVER_ALONE_AFTER.match(after)
        )
    if marker == "i don't care":
        return _CARE_COMMITMENT.match(after) is None
    if marker == "let me finish":
        return _FINISH_ALONE.match(after) is not None
    if any(marker.startswith(p) for p in _BRUSH_OFF):
        return _ASKED.match(after) is None and _HANDED_OVER.search(after) is None
    return True


def _rude(text: str) -> list[str]:
    """The rude markers of :data:`RUDE` in ``text`` (lower-cased, deduplicated), less those inside a
    :data:`NOT_RUDE` wording and those its sentence shows are meant otherwise."""
    low = text.lower()
    hits: list[str] = []
    for m in ci_finditer(_pattern(RUDE + NOT_RUDE), text, fold(text)):
        marker = re.sub(r"\s+", " ", m.group().lower())
        if _pattern(NOT_RUDE).fullmatch(marker):
            continue
        start = max((e.end() for e in _SENTENCE_END.finditer(low, 0, m.start())), default=0)
        end = _SENTENCE_END.search(low, m.end())
        after = low[m.end() : end.end() if end else len(low)]
        if _rude_in_sentence(marker, low[start : m.start()], after):
            hits.append(marker)
    return list(dict.fromkeys(hits))


#: Politeness items (what an analyst checks, after the rubric): a proper opening, please/thank you,
#: apology or empathy, a goodbye. The opening's three marker groups are one item: a formal greeting,
#: introduction and offer of help earn the opening once, not three times, and no warmth.
_OPENING = ("greeting", "introduction", "offer_help")
_OPENING_FULL, _OPENING_PART, _COURTESY, _CARE, _GOODBYE, _RUDE_COST = 35, 20, 10, 10, 15, 30
#: The most markers can earn: the rubric's top needs a calm, warm tone, which words alone do not show.
_POLITE_MAX = 90
#: The most without an apology or empathy when the customer states a problem ("apologies where due").
_POLITE_NO_CARE = 70
#: The most when the agent sends the complaint elsewhere unanswered: the rubric's "I can't help you,
#: but thank you for calling" is about 55.
_POLITE_NO_HELP = 55


def _deflected(call: _Call, index: int) -> list[str]:
    """The agent's deflections (:data:`DEFLECT`, :data:`_REDIRECT`) after customer turn ``index``, each
    judged in its sentence as a brush-off marker is: none in a question or before a hand-over ("I can't
    help you with that, but let me transfer you to billing")."""
    found: list[str] = []
    for turn in call.turns[index + 1 :]:
        if call.roles_known and turn.role != "agent":
            continue
        low = turn.text.lower()
        matches = [*ci_finditer(_pattern(DEFLECT), turn.text, fold(turn.text)), *_REDIRECT.finditer(low)]
        for m in matches:
            end = _SENTENCE_END.search(low, m.end())
            after = low[m.end() : end.end() if end else len(low)]
            if _ASKED.match(after) is None and _HANDED_OVER.search(after) is None:
                found.append(re.sub(r"\s+", " ", m.group().lower()))
    return list(dict.fromkeys(found))


#: Agent turns that make the opening: a greeting, introduction or offer of help later in the call is
#: no opening ("how frustrating this is" introduces no one; "наша компания предлагает" neither).
_OPENING_TURNS = 2


def _politeness(call: _Call) -> BaselineValue:
    opening_text = "\n".join(t.text for t in call.of("agent")[:_OPENING_TURNS])
    groups = {
        name: hits
        for name, phrases in POLITE.items()
        if (hits := find(phrases, opening_text) if name in _OPENING else call.find(phrases, "agent"))
    }
    rude = _rude(call.text("agent"))
    opening = [g for g in _OPENING if g in groups]
    items = {
        "opening": _OPENING_FULL if len(opening) > 1 else _OPENING_PART if opening else 0,
        "please/thanks": _COURTESY * bool(groups.keys() & {"please", "thanks"}),
        "apology/empathy": _CARE * bool(groups.keys() & {"apology", "empathy"}),
        "goodbye": _GOODBYE * ("goodbye" in groups),
    }
    raw = 40 + sum(items.values()) - _RUDE_COST * len(rude)
    cap, capped = _POLITE_MAX, "a lexicon cannot hear a warm tone"
    problem = call.problem
    if problem is not None and not items["apology/empathy"]:
        cap, capped = _POLITE_NO_CARE, f"no apology or empathy for the customer's problem {_q(problem[1])}"
    complaint = call.complaint
    if (
        complaint is not None
        and not _answers(call, complaint[0])
        and (sent := _deflected(call, complaint[0]))
    ):
        cap, capped = _POLITE_NO_HELP, f"the complaint sent elsewhere unanswered {_q(sent)}"
    value = max(0, min(cap, raw))
    fired = "; ".join(f"{name} {_q(hits)}" for name, hits in groups.items()) or "none"
    why = f"agent politeness markers: {fired}; rude markers: {_q(rude) if rude else 'none'}"
    terms = " + ".join(f"{v} {k}" for k, v in items.items())
    sum_ = f"40 + {terms} − {_RUDE_COST}×{len(rude)} = {raw}"
    if raw > cap:
        sum_ += f", at most {cap} ({capped})"
    if value != raw:
        sum_ += f" → {value}"
    return BaselineValue(float(value), None, f"{why} → {sum_}{call.note}")


def _first_objection(call: _Call, phrases: tuple[str, ...] = OBJECTION) -> tuple[int, list[str]] | None:
    hits = call.customer_hits(phrases)
    return min(hits.items()) if hits else None


def _first_complaint(call: _Call, phrases: tuple[str, ...]) -> tuple[int, list[str]] | None:
    """The first customer turn with a marker of ``phrases`` or a problem statement (a fault told without
    a complaint word: "my internet keeps dropping", "the app crashes"), and what was found in it."""
    hits = call.customer_hits(phrases)
    for i, problems in call.problem_statements:
        if found := list(dict.fromkeys(hits.get(i, []) + problems)):
            return i, found
    return None


def _answers(call: _Call, index: int) -> list[str]:
    """The agent's answers to a complaint in customer turn ``index``: an offer (:data:`RESOLVE`), a fix
    made (:data:`DONE`), a hand-over or the agent's own call back (:data:`ESCALATE`,
    :data:`OWN_CALL_BACK`), stated after it. A fix the customer then says still fails is no answer."""
    found: list[str] = []
    for i in range(index + 1, len(call.turns)):
        text = call.turns[i].text
        if call.roles_known and call.turns[i].role != "agent":
            continue
        done = _stated(DONE, text)
        if done and max(call.customer_hits(STILL_BROKEN), default=-1) > i:  # a customer turn after it
            done = []
        found += find(RESOLVE, text) + done + _stated(ESCALATE + OWN_CALL_BACK, text)
    return list(dict.fromkeys(found))


def _acknowledged(text: str, folded: str | None = None) -> list[str]:
    """The agent's acknowledgements in ``text``: an apology or empathy (:data:`ACKNOWLEDGE`) or a bare
    "I see" / "понятно" (:data:`_ACK_ONLY`)."""
    bare = [" ".join(m.group().lower().split()) for m in _ACK_ONLY.finditer(text)]
    return list(dict.fromkeys(find(ACKNOWLEDGE, text, folded) + bare))


def _objection_handling(call: _Call) -> BaselineValue:
    found = call.first_objection
    if found is None:
        return BaselineValue(80.0, None, f"no customer objection found → 80 (nothing to handle){call.note}")
    index, objections = found
    agent = [t.text for t in call.turns[index + 1 :] if not call.roles_known or t.role == "agent"]
    after = "\n".join(agent)
    folded = fold(after)
    # a "why" asks only as a question: "That's why we offer a discount" asks nothing (:func:`_asked`)
    ack, fix, ask = _acknowledged(after, folded), find(RESOLVE, after, folded), _asked(CLARIFY, agent)
    value = 20 + 25 * bool(ack) + 40 * bool(fix) + 15 * bool(ask)
    parts = [
        f"objection {_q(objections)}",
        f"acknowledged {_q(ack)} +25" if ack else "not acknowledged",
        f"offer/fix {_q(fix)} +40" if fix else "no offer or fix",
        f"clarifying question {_q(ask)} +15" if ask else "no clarifying question",
    ]
    # the sum spelled out, as politeness's is: the reasoning names the +25/+40/+15 but not the base 20
    terms = f"20 + {25 * bool(ack)} + {40 * bool(fix)} + {15 * bool(ask)}"
    return BaselineValue(float(min(100, value)), None, "; ".join(parts) + f" → {terms} = {value}{call.note}")


#: Support complaint handling: what the rubric's 100 needs is the answer (an offer, a fix, a hand-over,
#: the agent's own follow-up); asking what happened is how the agent finds it; an apology alone fixes
#: nothing (politeness counts it). Each brush-off (a rude marker, or a deflection with no answer) −20.
_ANSWER, _ASK, _ACK, _BRUSH_OFF_COST = 50, 20, 10, 20


#: Clarifying markers that ask whatever the sentence ends with ("Could you tell me the error?",
#: "Уточните модель."); the rest ("why", "что именно") ask only in a question: "I can't see why the
#: refund hasn't gone out", "That's why we left" ask nothing.
_ASKING = frozenset({"could you tell me", "may i ask", "можно уточнить", "уточните"})
#: Where a clause starts, and what may stand before an interrogative that opens it ("And why is that",
#: "А почему вы так решили", "OK, why did you ...": a question though Whisper dropped its "?").
_CLAUSE_MARK = re.compile(r"[.!?…,;:—\n]")
_OPENS_CLAUSE = re.compile(
    r"\s*(?:(?:and|so|but|then|ok|okay|well|а|и|но|так|тогда|хорошо|ну|ладно)(?!\w)\W*)*", re.IGNORECASE
)


def _asked(phrases: tuple[str, ...], texts: Iterable[str]) -> list[str]:
    """The markers of ``phrases`` in ``texts`` that ask: :data:`_ASKING` ones anywhere, the others in a
    sentence that ends with a question mark or opening their clause (:data:`_OPENS_CLAUSE`); never
    "почему-то" ("somehow")."""
    found: list[str] = []
    for text in texts:
        for m in ci_finditer(_pattern(phrases), text, fold(text)):
            if text.startswith("-", m.end()):
                continue
            marker = re.sub(r"\s+", " ", m.group().lower())
            end = _CLAUSE_END.search(text, m.end())
            start = max((e.end() for e in _CLAUSE_MARK.finditer(text, 0, m.start())), default=0)
            if (
                marker in _ASKING
                or (end is not None and end.group().startswith("?"))
                or _OPENS_CLAUSE.fullmatch(text, start, m.start())
            ):
                found.append(marker)
    return list(dict.fromkeys(found))


def _complaint_handling(call: _Call) -> BaselineValue:
    """The support card's complaint_handling: the objection markers plus :data:`COMPLAINT` and the
    problem statements (a complaint is a support call's objection, and a fault needs handling however it
    is worded), answered by an offer, a fix that held or a hand-over (:func:`_answers`)."""
    found = call.complaint
    if found is None:
        return BaselineValue(
            80.0, None, f"no customer complaint or objection found → 80 (nothing to handle){call.note}"
        )
    index, complaints = found
    agent = [t.text for t in call.turns[index + 1 :] if not call.roles_known or t.role == "agent"]
    after = "\n".join(agent)
    folded = fold(after)
    ack = _acknowledged(after, folded)
    ask = _asked(CLARIFY, agent)
    fix = _answers(call, index)
    brush = _rude(after) + ([] if fix else _deflected(call, index))
    value = 20 + _ACK * bool(ack) + _ANSWER * bool(fix) + _ASK * bool(ask) - _BRUSH_OFF_COST * len(brush)
    parts = [
        f"complaint or objection {_q(complaints)}",
        f"acknowledged {_q(ack)} +{_ACK}" if ack else "not acknowledged",
        f"offer/fix/hand-over {_q(fix)} +{_ANSWER}" if fix else "no offer, fix or hand-over",
        f"clarifying question {_q(ask)} +{_ASK}" if ask else "no clarifying question",
    ]
    if brush:
        parts.append(f"brushed off {_q(brush)} −{_BRUSH_OFF_COST} each")
    terms = f"20 + {_ACK * bool(ack)} + {_ANSWER * bool(fix)} + {_ASK * bool(ask)}"
    if brush:
        terms += f" − {_BRUSH_OFF_COST}×{len(brush)}"
    clamped = max(0, min(100, value))
    end = f" = {value}" + (f" → {clamped}" if clamped != value else "")
    return BaselineValue(float(clamped), None, "; ".join(parts) + f" → {terms}{end}{call.note}")


@dataclass(frozen=True)
class _Sales:
    price: list[str]  # the first _PRICES_KEPT only
    offer: list[str]
    agreement: list[str]
    closing: list[str]
    hesitation: list[str]
    refusal: list[str]

    @classmethod
    def of(cls, call: _Call) -> _Sales:
        return cls(
            price=_prices("\n".join(t.text for t in call.turns), _PRICES_KEPT),
            offer=call.find(RESOLVE + PRESENTATION, "agent"),
            agreement=call.find(AGREEMENT, "customer"),
            closing=call.find(CLOSING, "agent"),
            hesitation=call.find(HESITATION, "customer"),
            refusal=call.find(REFUSAL, "customer"),
        )


#: What every :data:`PRICE_RE` match holds (lower-cased): a currency hint of the rules, "roubl" (their
#: "rub" is not in "roubles") or "у." (a "у.\nе" across two turns holds no "у.е" nor "у. е").
_PRICE_NEEDLES = (*CURRENCY_HINTS, "roubl", "у.")
#: A bare "р" right after a digit ("2 990 р"), the one :data:`PRICE_RE` match with no needle.
_BARE_RUB = re.compile(r"р(?![\w-])(?:(?<=\dр)|(?<=\d р))")
#: The last character before a position that :data:`PRICE_RE` never consumes: it takes only word
#: characters, spaces, ".", ",", "-" and currency signs (its "?", "!" are in lookaheads), so no match
#: runs across one.
_LAST_CUT = re.compile(r"(?s:.*)[^\w\s.,$€£₽₸₴¢-]")


def _prices(text: str, limit: int | None) -> list[str]:
    """The first ``limit`` (None: all) :data:`PRICE_RE` matches in ``text`` (as ``finditer`` gives them), each
    scan started at the last character no match takes (:data:`_LAST_CUT`) before the next currency
    needle: a match holds a needle, so none starts between the previous match and that character,
    and the needle-free stretches of a call (most of it) are never scanned."""
    folded = fold(text)
    if folded is None:
        return [text[m.start() : m.end()] for m in islice(ci_finditer(PRICE_RE, text), limit)]
    matcher, subject = ci_view(PRICE_RE, text, folded)
    found: list[str] = []
    pos = 0
    while limit is None or len(found) < limit:
        hits = [at for needle in _PRICE_NEEDLES if (at := folded.find(needle, pos)) >= 0]
        if (bare := _BARE_RUB.search(folded, pos)) is not None:
            hits.append(bare.start())
        if not hits:
            break
        cut = _LAST_CUT.match(folded, pos, min(hits))
        m = matcher.search(subject, cut.end() if cut is not None else pos)
        if m is None:
            break
        found.append(text[m.start() : m.end()])
        pos = m.end()
    return found


def _pitch(call: _Call) -> list[str]:
    """The offer markers and prices of the agent's sentences that are not about a debt: in a call with a
    collection marker, they are what is sold besides ("an overdue bill of 200 rubles; TV for 299 a
    month"), where the debt, its restructuring or a demand to pay are no sale."""
    found: list[str] = []
    for turn in call.of("agent"):
        for sentence in _SENTENCE_SPLIT.split(turn.text):
            folded = fold(sentence)
            if find(COLLECTION + REPAYMENT, sentence, folded):
                continue
            offer = find(RESOLVE + PRESENTATION, sentence, folded)
            if offer or not find(PAYMENT, sentence, folded):
                found += offer + [
                    sentence[m.start() : m.end()] for m in ci_finditer(PRICE_RE, sentence, folded)
                ]
    return found


def _sale_probability(call: _Call) -> BaselineValue:
    s = call.sales
    if not (s.price or s.offer or s.closing):
        return BaselineValue(
            5.0, None, f"no price, offer or closing words: no sales conversation → 5{call.note}"
        )
    collection = call.collection
    if collection:
        return BaselineValue(
            5.0,
            None,
            f"debt collection {_q(collection)} and no offer besides a repayment: no sales conversation → 5"
            f"{call.note}",
        )
    value = 30 + 25 * bool(s.agreement) + 25 * bool(s.closing) + 10 * bool(s.price) - 25 * bool(s.hesitation)
    parts = [
        f"customer agreement {_q(s.agreement)} +25" if s.agreement else "no customer agreement",
        f"closing step {_q(s.closing)} +25" if s.closing else "no closing step",
        f"price named {_q(s.price)} +10" if s.price else "no price",
    ]
    if s.hesitation:
        parts.append(f"hesitation {_q(s.hesitation)} −25")
    if s.refusal:
        value = min(value, 5)
        parts.append(f"customer refusal {_q(s.refusal)}: capped at 5")
    value = max(0, min(100, value))
    return BaselineValue(float(value), None, "30 base; " + "; ".join(parts) + f" → {value}{call.note}")


def _deal_stage(call: _Call, values: Sequence[str]) -> BaselineValue:
    s = call.sales
    objection = call.first_objection
    needs = call.find(NEEDS, "agent")
    collection = call.collection
    if collection:
        # as in _sale_probability: a promise to pay a debt closes no deal, a "no money now" objects to
        # no offer; the call reached no sales stage
        stage, why = "start", f"debt collection {_q(collection)} and no offer besides a repayment: no sale"
    elif (s.agreement or s.closing) and not s.refusal:
        stage, why = "closing", f"agreement/closing step {_q(s.agreement + s.closing)}"
    elif objection:
        stage, why = "objections", f"customer objection {_q(objection[1])}"
    elif s.price or s.offer:
        stage, why = "presentation", f"price/offer {_q(s.price + s.offer)}"
    elif needs:
        stage, why = "needs", f"needs question {_q(needs)}"
    else:
        stage, why = "start", "no needs, presentation, objection or closing markers"
    if stage not in values:  # a custom scorecard with other stage names: do not guess
        return BaselineValue(None, None, f"baseline stage {stage!r} is not one of {list(values)}")
    return BaselineValue(None, stage, f"{why} → {stage}{call.note}")


def _case_examples(call: _Call) -> BaselineValue:
    hits = call.find(CASE_EXAMPLES, "agent")
    if hits:
        return BaselineValue(1.0, "yes", f"case-example phrase {_q(hits)} → yes{call.note}")
    return BaselineValue(
        0.0, "no", f"no case-example phrase (e.g. 'for example', 'например') → no{call.note}"
    )


def _identity_verified(call: _Call) -> BaselineValue:
    asked = [" ".join(m.group().lower().split()) for m in _CHECK_ASK.finditer(call.text("agent"))]
    checks = call.find(VERIFY, "agent") + asked
    if checks:
        return BaselineValue(1.0, "yes", f"agent identity check {_q(checks)} → yes{call.note}")
    account = list(dict.fromkeys(call.find(ACCOUNT, "agent") + call.find(ACCOUNT, "customer")))
    if account:
        return BaselineValue(
            0.0, "no", f"account talk {_q(account)} and no identity check by the agent → no{call.note}"
        )
    return BaselineValue(1.0, "yes", f"no account talk and no identity check: none was due → yes{call.note}")


def _informs(text: str) -> list[str]:
    """The information an agent turn gives: :data:`_INFO` in its sentences that are no question."""
    found = []
    start = 0
    for end in [*_CLAUSE_END.finditer(text), None]:
        sentence = text[start : end.start() if end else len(text)]
        if not (end and end.group().startswith("?")):
            found += [" ".join(m.group().split()).lower() for m in _INFO.finditer(sentence.strip())]
        start = end.end() if end else len(text)
    return list(dict.fromkeys(found))


def _answered_question(call: _Call) -> str | None:
    """Why the call is an information request answered, or None: the customer asked (a "?" or
    :data:`ASK`) without a complaint or fault (the objection, complaint and problem markers: those need a
    fix), an agent turn after it informs (:func:`_informs`) and no agent turn after it says it cannot
    tell (:data:`NO_ANSWER`), and the customer's last turn, after that answer, closes satisfied
    (:data:`SATISFIED`, no question, no :data:`NOT_SATISFIED`). Roles must be known: who asked and who
    answered is the whole point."""
    if not call.roles_known or call.complaint is not None:
        return None
    customer = [i for i, t in enumerate(call.turns) if t.role == "customer"]
    if not customer:
        return None
    asked = next((i for i in customer if "?" in call.turns[i].text or find(ASK, call.turns[i].text)), None)
    if asked is None:
        return None
    answer: tuple[int, list[str]] | None = None
    for i in range(asked + 1, len(call.turns)):
        turn = call.turns[i]
        if turn.role != "agent":
            continue
        if find(NO_ANSWER, turn.text):
            return None
        if answer is None and (info := _informs(turn.text)):
            answer = (i, info)
    last = customer[-1]
    if answer is None or last <= answer[0]:
        return None
    closing = call.turns[last].text
    thanks = find(SATISFIED, closing)
    if not thanks or "?" in closing or find(NOT_SATISFIED + STILL_BROKEN, closing):
        return None
    return f"customer's question answered {_q(answer[1])} and closed satisfied {_q(thanks)}; no complaint"


def _issue_resolved(call: _Call, values: Sequence[str]) -> BaselineValue:
    done_at = [
        i
        for i, t in enumerate(call.turns)
        if (not call.roles_known or t.role == "agent") and _stated(DONE, t.text)
    ]
    broken = []
    if done_at:
        broken = [
            hit
            for t in call.turns[done_at[-1] + 1 :]
            if not call.roles_known or t.role == "customer"
            for hit in find(STILL_BROKEN, t.text)
        ]
    escalated, own = _handed_on(call.text("agent"))
    if done_at and not broken:
        done = list(dict.fromkeys(h for i in done_at for h in _stated(DONE, call.turns[i].text)))
        label, why = "resolved", f"agent fix made {_q(done)}"
    elif escalated:
        label, why = (
            "escalated",
            f"handed on {_q(escalated)}" + (f"; customer: still broken {_q(broken)}" if broken else ""),
        )
    elif broken:
        label, why = "unresolved", f"customer: still broken {_q(broken)} after the agent's fix"
    elif own:
        # checked before an answer: "I'll check and call you back" is what the agent says instead of one
        label, why = "unresolved", f"agent's own call back {_q(own)}: a pending follow-up, not a hand-over"
    elif answered := _answered_question(call):
        label, why = "resolved", answered
    else:
        label, why = "unresolved", "no fix made in the call and no hand-over (ticket, technician, call back)"
    if label not in values:  # a custom scorecard with other labels: do not guess
        return BaselineValue(None, None, f"baseline label {label!r} is not one of {list(values)}")
    return BaselineValue(None, label, f"{why} → {label}{call.note}")


#: A call back or follow-up: a next step only with its time in the same sentence (the rubric asks what
#: happens next *and when*): "I'll call you back tomorrow", "перезвоню вам в четверг" are; a bare
#: "I'll call you back" or "мы с вами свяжемся" leaves the customer not knowing when.
CALL_BACK_STEPS = _lex(
    "call you back",
    "get back to you",
    "follow up",
    "перезвоню",
    "перезвоним",
    "перезвонит",
    "перезвонят",
    "свяжусь",
    "свяжется",
    "свяжемся",
    "свяжутся",
)
_DAYS = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"понедельник\w*|вторник\w*|сред[уыа]|четверг\w*|пятниц[уыа]|суббот[уыа]|воскресень[ея]"
)
_WHEN = re.compile(
    rf"(?<!\w)(?:today|tonight|tomorrow|this\s+(?:morning|afternoon|evening|week)|next\s+week|"
    rf"(?:on|by|before|until)\s+(?:{_DAYS}|the\s+\d+\w*)|{_DAYS}|"
    r"in\s+(?:an?|one|two|three|four|five|ten|fifteen|twenty|thirty|half\s+an|a\s+couple\s+of|\d+)\s+"
    r"(?:minutes?|hours?|days?|weeks?)|within|at\s+\d|at\s+(?:noon|nine|ten|eleven|twelve|one|two|three|"
    r"four|five|six)|\d{1,2}[:.]\d{2}|end\s+of\s+(?:the\s+)?(?:day|week)|"
    r"сегодня|завтра|послезавтра|через\s+\w+|в\s+течение|до\s+конца|к\s+концу|на\s+этой\s+неделе|"
    r"на\s+следующей\s+неделе|утром|вечером|днём|днем|после\s+обеда|в\s+\d|к\s+\d|до\s+\d)(?!\w)",
    re.IGNORECASE,
)


def _timed_call_backs(text: str) -> list[str]:
    """The call backs of ``text`` (:data:`CALL_BACK_STEPS`) whose sentence says when; not one offered in
    a question ("Can I call you back tomorrow?" promises nothing yet)."""
    out = []
    for m in ci_finditer(_pattern(CALL_BACK_STEPS), text, fold(text)):
        start = max((e.end() for e in _CLAUSE_END.finditer(text, 0, m.start())), default=0)
        end = _CLAUSE_END.search(text, m.end())
        if end and end.group().startswith("?"):
            continue
        if _WHEN.search(text, start, end.start() if end else len(text)):
            out.append(" ".join(m.group().lower().split()))
    return list(dict.fromkeys(out))


def _next_steps(call: _Call) -> BaselineValue:
    text = call.text("agent")
    hits = (
        call.find(NEXT_STEPS, "agent")
        + [" ".join(m.group().lower().split()) for m in _WITHIN_TIME.finditer(text)]
        + _timed_call_backs(text)
        + _stated(TRANSFER, text)
    )
    if hits:
        return BaselineValue(1.0, "yes", f"next-step phrase {_q(hits)} → yes{call.note}")
    return BaselineValue(
        0.0,
        "no",
        "no next-step phrase (e.g. 'you'll receive', 'within', 'в течение'; a call back without when)"
        f" → no{call.note}",
    )


def baseline_scores(turns: Sequence[Turn], criteria: Iterable[Any]) -> dict[str, BaselineValue]:
    """Values for the criteria the baseline knows (by id and kind); unknown ones are left out, and so
    is a category whose labels are not the baseline's (a custom card's own stage names)."""
    call = _Call(turns)
    out: dict[str, BaselineValue] = {}
    for c in criteria:
        rule = _RULES.get((c.id, c.kind))
        if rule is not None and ((result := rule(call, c)).label is not None or c.kind != "category"):
            out[c.id] = result
    return out


#: The baseline's rule per (criterion id, kind): the default card's and the support card's.
_RULES: dict[tuple[str, str], Callable[[_Call, Any], BaselineValue]] = {
    ("politeness", "score"): lambda call, _: _politeness(call),
    ("objection_handling", "score"): lambda call, _: _objection_handling(call),
    ("sale_probability", "score"): lambda call, _: _sale_probability(call),
    ("deal_stage", "category"): lambda call, c: _deal_stage(call, c.values),
    ("case_examples", "yes_no"): lambda call, _: _case_examples(call),
    ("complaint_handling", "score"): lambda call, _: _complaint_handling(call),
    ("identity_verified", "yes_no"): lambda call, _: _identity_verified(call),
    ("issue_resolved", "category"): lambda call, c: _issue_resolved(call, c.values),
    ("next_steps", "yes_no"): lambda call, _: _next_steps(call),
}


def has_rule(criterion: Any) -> bool:
    """Whether the baseline answers this criterion (by id and kind): without an LLM, one it does not
    stays pending."""
    return (criterion.id, criterion.kind) in _RULES
