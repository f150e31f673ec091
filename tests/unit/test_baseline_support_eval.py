"""The baseline against a QA analyst on realistic support calls (Russian and English, as Whisper writes them).

The first 30 calls carry no politeness label; the weak-spot cases after them (a fault told without a
complaint word, a brush-off, a transfer, a formal but curt or an interrupting agent) do.

Each call carries the analyst's answer for the support card's criteria: complaint_handling as a band
(the baseline's 0-100 is coarse), identity_verified, issue_resolved and next_steps as labels. A label of
``None`` is an answer a lexicon cannot reach; the comment next to it says why, and it is not asserted.
``callstream eval`` measures the same rules end to end on ``tests/fixtures/support_calls.jsonl``
(test_eval_support.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from processors.baseline import Turn, baseline_scores
from processors.scorecard import ScorecardRegistry

SUPPORT = ScorecardRegistry.load().get("support")


@dataclass(frozen=True)
class Analyst:
    complaint: tuple[int, int] | None  # complaint_handling: the band an analyst's rough score allows
    identity: str | None
    issue: str | None
    next_steps: str | None
    politeness: tuple[int, int] | None = None  # a band, as complaint's; labelled on the later cases only


A, C = "agent", "customer"

CALLS: dict[str, tuple[list[tuple[str, str]], Analyst]] = {
    "ru_outage_restored": (
        [
            (C, "Алло, здравствуйте. У меня с утра не работает интернет."),
            (A, "Здравствуйте, меня зовут Ольга. Назовите, пожалуйста, номер договора."),
            (C, "Один два три, четыре пять шесть."),
            (A, "Спасибо. И ваше ФИО, пожалуйста."),
            (C, "Петров Иван Сергеевич."),
            (A, "Вижу, порт на коммутаторе завис. Я его перезагрузила."),
            (A, "Проверьте, пожалуйста, сейчас интернет работает?"),
            (C, "Ага... да, да, заработало."),
            (A, "Отлично. Всего доброго."),
        ],
        # taken up and fixed at once, no apology
        Analyst(complaint=(55, 100), identity="yes", issue="resolved", next_steps="no"),
    ),
    "en_double_charge_refund": (
        [
            (C, "Hi, um, I was charged twice for my October bill."),
            (A, "I'm sorry about that. Let me look into it."),
            (A, "Can you confirm your full name and the zip code on the account?"),
            (C, "Sarah Miller, nine oh two one oh."),
            (A, "Thanks, Sarah. Yes, I see two payments of 49.99 on October 3rd."),
            (A, "I've refunded the second payment. You'll see it on your card within 3 to 5 business days."),
            (C, "Great, thank you."),
            (A, "Anything else I can help with? OK, have a nice day."),
        ],
        Analyst(complaint=(80, 100), identity="yes", issue="resolved", next_steps="yes"),
    ),
    "ru_refund_not_yet": (
        [
            (C, "Добрый день. Две недели назад мне обещали вернуть деньги за товар, до сих пор ничего нет."),
            (A, "Добрый день. Назовите, пожалуйста, ваше ФИО и номер заказа."),
            (C, "Смирнова Анна Павловна, заказ сорок восемь шестнадцать."),
            (A, "Спасибо. Вижу, деньги вам ещё не вернули, заявка на возврат зависла на складе."),
            (A, "Извините за задержку. Я передала её в финансовый отдел с пометкой срочно."),
            (A, "Деньги придут на карту в течение трёх рабочих дней. Номер заявки пятьсот двенадцать."),
            (C, "Хорошо, жду."),
        ],
        # "ещё не вернули" says the refund is not made; it was handed to the finance department
        Analyst(complaint=(70, 100), identity="yes", issue="escalated", next_steps="yes"),
    ),
    "ru_password_question": (
        [
            (C, "Здравствуйте. Не могу войти в личный кабинет, пишет неверный пароль."),
            (A, "Здравствуйте. Вы уже сбросили пароль через сайт?"),
            (C, "Да, пробовал, письмо не приходит."),
            (A, "Понятно. Назовите, пожалуйста, ваш номер телефона, привязанный к кабинету."),
            (C, "Восемь девятьсот шестнадцать, сто двадцать три, сорок пять, шестьдесят семь."),
            (A, "Спасибо. Письма уходят с задержкой из-за сбоя на почтовом сервере."),
            (A, "Сейчас я сама сбросить пароль не могу. Попробуйте позже."),
            (C, "Ну ладно."),
        ],
        # the customer cannot log in: heard and explained, but no fix and no option
        Analyst(complaint=(30, 70), identity="yes", issue="unresolved", next_steps="no"),
    ),
    "en_delivery_lost_refunded": (
        [
            (C, "Hi, my order never arrived. Tracking says delivered but there's nothing here."),
            (A, "Oh, I'm sorry about that. Can I have the order number and your full name?"),
            (C, "It's four four seven one two, and it's David Chen."),
            (A, "Thanks, David. I see the courier marked it delivered on Monday."),
            (A, "I've issued a full refund to your card."),
            (A, "The money will be back within 5 business days, and you'll get a confirmation email today."),
            (C, "OK, that works. Thanks."),
        ],
        Analyst(complaint=(70, 100), identity="yes", issue="resolved", next_steps="yes"),
    ),
    "ru_delivery_lost_escalated": (
        [
            (C, "Здравствуйте, заказ должен был прийти вчера, курьер так и не приехал."),
            (A, "Здравствуйте. Назовите, пожалуйста, номер заказа и ваше ФИО."),
            (C, "Номер семьсот двадцать один, Козлов Дмитрий."),
            (A, "Спасибо. Извините за неудобства. Вижу, посылка застряла на сортировочном центре."),
            (A, "Я передала информацию в службу доставки."),
            (A, "Завтра до обеда с вами свяжется специалист и согласует новое время."),
            (C, "Хорошо, спасибо."),
        ],
        Analyst(complaint=(70, 100), identity="yes", issue="escalated", next_steps="yes"),
    ),
    "en_card_blocked": (
        [
            (C, "Hi, my card got declined at the store, I think it's blocked."),
            (A, "I can help with that. For security, please answer your security question."),
            (A, "What was the name of your first pet?"),
            (C, "Buddy."),
            (A, "Thank you. It was blocked after three wrong PIN attempts."),
            (A, "I've unblocked it, you can use it right now."),
            (C, "Great, it just went through. Thanks!"),
        ],
        Analyst(complaint=(70, 100), identity="yes", issue="resolved", next_steps="no"),
    ),
    "ru_card_blocked": (
        [
            (C, "Здравствуйте, у меня карту заблокировали, не могу расплатиться."),
            (A, "Здравствуйте. Для подтверждения личности назовите, пожалуйста, кодовое слово."),
            (C, "Ромашка."),
            (A, "Спасибо. Карта заблокирована системой безопасности из-за подозрительной операции."),
            (A, "Вы сейчас оплачивали покупку в интернет-магазине на двенадцать тысяч?"),
            (C, "Да, это я."),
            (A, "Хорошо. Я разблокировала карту, операцию можно повторить."),
            (C, "Всё, прошло, спасибо."),
            (A, "Пожалуйста. Всего доброго."),
        ],
        Analyst(complaint=(70, 100), identity="yes", issue="resolved", next_steps="no"),
    ),
    "en_insurance_claim": (
        [
            (C, "Hi, I filed a claim three weeks ago for water damage and I haven't heard anything."),
            (C, "It's really frustrating."),
            (A, "I'm sorry for the wait. Can I have your policy number and date of birth?"),
            (C, "Policy eight eight two oh one four, and May 5th, 1978."),
            (A, "Thank you. I see the claim is waiting for the adjuster's report."),
            (A, "I'll escalate it to the claims supervisor."),
            (A, "An adjuster will call you back within 48 hours."),
            (A, "Your reference number is C four four one nine."),
            (C, "OK. I hope so."),
        ],
        Analyst(complaint=(70, 100), identity="yes", issue="escalated", next_steps="yes"),
    ),
    "ru_warranty_master": (
        [
            (C, "Здравствуйте. Купил у вас стиральную машину, она не отжимает. Она на гарантии."),
            (A, "Здравствуйте. Сожалею. Назовите, пожалуйста, номер договора."),
            (C, "Договор номер три ноль пять семь."),
            (A, "Спасибо. Вижу, гарантия до марта следующего года."),
            (A, "Уточните, пожалуйста, машина выдаёт ошибку на экране?"),
            (C, "Да, пишет E двадцать один."),
            (A, "Понятно. Это насос, это гарантийный случай."),
            (A, "Мастер приедет в четверг с десяти до двух, ремонт бесплатный."),
            (C, "Хорошо, буду ждать."),
        ],
        # a technician's visit on Thursday, 10 to 2: handed on, and the customer told when
        Analyst(complaint=(70, 100), identity="yes", issue="escalated", next_steps="yes"),
    ),
    "en_warranty_engineer": (
        [
            (C, "Hi, my fridge stopped cooling. It's only eight months old, so it should be under warranty."),
            (A, "I'm sorry to hear that. Can I get the order number and the postcode, please?"),
            (C, "Order six one two three four, postcode S W one A one A A."),
            (A, "Thank you. Yes, it's under warranty. Is the light on inside?"),
            (C, "Yes, the light works but it's warm."),
            (A, "OK. I've booked an engineer visit for Tuesday morning, between 8 and 12."),
            (A, "The repair is free under the warranty."),
            (C, "Alright, thanks."),
        ],
        Analyst(complaint=(70, 100), identity="yes", issue="escalated", next_steps="yes"),
    ),
    "en_subscription_retention": (
        [
            (C, "Hi, I want to cancel my subscription. It's too expensive for me now."),
            (A, "I understand. May I ask what you use it for most?"),
            (C, "Mostly just the music, honestly."),
            (A, "In that case, I can offer you the music-only plan at 4.99 a month instead of 12.99."),
            (C, "Oh, OK, that works."),
            (A, "Great. I've updated your plan, the new price starts on your next bill."),
            (C, "Thanks."),
        ],
        # the subscription was changed and nobody checked who was calling
        Analyst(complaint=(80, 100), identity="no", issue="resolved", next_steps="yes"),
    ),
    "ru_subscription_cancel": (
        [
            (C, "Здравствуйте. Хочу отменить подписку, каждый месяц списывают деньги, а я ей не пользуюсь."),
            (A, "Здравствуйте. Понимаю."),
            (A, "Могу предложить бесплатный месяц, чтобы вы попробовали новые функции."),
            (C, "Нет, спасибо, просто отключите."),
            (A, "Хорошо. Назовите, пожалуйста, ваш номер телефона, на который оформлена подписка."),
            (C, "Девятьсот двенадцать, триста сорок, пятьдесят шесть, семьдесят восемь."),
            (A, "Спасибо. Подписку отключила, списаний больше не будет."),
            (A, "Подтверждение придёт вам в смс в течение часа."),
            (C, "Спасибо."),
        ],
        Analyst(complaint=(70, 100), identity="yes", issue="resolved", next_steps="yes"),
    ),
    "en_angry_brushed_off": (
        [
            (C, "This is the third time I'm calling this week! Nothing works, your service is a joke."),
            (C, "I want to make a complaint."),
            (A, "Calm down, sir. It's not my problem, I just answer the phones."),
            (C, "Are you kidding me?"),
            (A, "You have to call the technical department."),
            (C, "Unbelievable."),
        ],
        # no account was touched, so no check was due
        Analyst(complaint=(0, 30), identity="yes", issue="unresolved", next_steps="no"),
    ),
    "ru_angry_handled": (
        [
            (C, "Девушка, вы издеваетесь? Я третий раз звоню, интернет не работает уже неделю!"),
            (C, "Я буду писать жалобу!"),
            (A, "Понимаю ваше возмущение, приношу извинения. Давайте разберёмся."),
            (A, "Назовите, пожалуйста, номер договора."),
            (C, "Пятьдесят пять ноль восемь."),
            (A, "Спасибо. Вижу две прошлые заявки, обе закрыли без выезда. Это неправильно, простите."),
            (A, "Я оформила новую заявку с высоким приоритетом."),
            (A, "Мастер приедет завтра с девяти до двенадцати."),
            (A, "И я начислила вам компенсацию за неделю, она будет в следующем счёте."),
            (C, "Ну хоть так. Спасибо."),
        ],
        # the outage goes to a technician tomorrow: a credit for the week does not fix it
        Analyst(complaint=(75, 100), identity="yes", issue="escalated", next_steps="yes"),
    ),
    "en_fix_fails": (
        [
            (C, "Hi, my TV box keeps freezing, I can't watch anything."),
            (A, "Sorry about that. Can I have your account number to verify?"),
            (C, "It's three three oh nine one."),
            (A, "Thanks. I've reset the box from our side. It should work now. Can you check?"),
            (C, "Um... hold on. No. It's frozen again. It still doesn't work."),
            (A, "I'm sorry. I've tried everything I can from here."),
            (A, "You could try unplugging it overnight."),
            (C, "That's it? Great."),
        ],
        Analyst(complaint=(30, 75), identity="yes", issue="unresolved", next_steps="no"),
    ),
    "ru_general_question": (
        [
            (C, "Здравствуйте, подскажите, пожалуйста, до скольки работает ваш офис на Ленина?"),
            (A, "Здравствуйте. Офис на Ленина работает до восьми вечера, в субботу до пяти."),
            (C, "А паспорт нужен, чтобы симку купить?"),
            (A, "Да, нужен паспорт. Ещё что-то подсказать?"),
            (C, "Нет, спасибо."),
            (A, "Всего доброго."),
        ],
        # two questions, each answered with information, and a satisfied "Нет, спасибо"
        Analyst(complaint=(70, 100), identity="yes", issue="resolved", next_steps="no"),
    ),
    "en_general_question": (
        [
            (C, "Hi, quick question. If I travel to Spain, does my plan work there?"),
            (A, "Hi! Yes, Spain is within the EU roaming zone, so calls and data work at no extra charge."),
            (C, "Great, and do I need to turn anything on?"),
            (A, "Just make sure data roaming is on in your phone settings."),
            (C, "Perfect, thanks."),
            (A, "You're welcome, have a nice trip."),
        ],
        Analyst(complaint=(70, 100), identity="yes", issue="resolved", next_steps="no"),
    ),
    "ru_callback_tomorrow": (
        [
            (C, "Здравствуйте. Мне пришёл счёт на три тысячи, а у меня тариф за семьсот."),
            (C, "Это какая-то ошибка."),
            (A, "Здравствуйте. Давайте проверим. Назовите, пожалуйста, номер лицевого счёта и ФИО."),
            (C, "Лицевой счёт два семь семь один, Орлова Елена Викторовна."),
            (
                A,
                "Спасибо, Елена Викторовна. Вижу начисление за роуминг, но мне нужно уточнить у бухгалтерии.",
            ),
            (A, "Завтра до двенадцати вам перезвонит специалист бухгалтерии и всё объяснит."),
            (A, "Если начисление ошибочное, сумму вернём."),
            (C, "Хорошо, буду ждать звонка."),
        ],
        Analyst(complaint=(60, 100), identity="yes", issue="escalated", next_steps="yes"),
    ),
    "en_callback_tomorrow": (
        [
            (C, "Hi, I ordered a sofa two weeks ago and the delivery date keeps moving. I'm really annoyed."),
            (
                A,
                "I'm so sorry about that. Could you give me your order number and the postcode for delivery?",
            ),
            (C, "Order seven seven three two, postcode M one four two B D."),
            (A, "Thank you. The warehouse hasn't confirmed a date yet."),
            (A, "I'll chase them today and call you back tomorrow before noon with a firm date."),
            (C, "OK. Please do."),
        ],
        # the agent keeps the problem: she chases the warehouse herself and calls back herself, so the
        # issue is pending (support card v2: the agent's own call back is no hand-over), not escalated
        Analyst(complaint=(55, 100), identity="yes", issue="unresolved", next_steps="yes"),
    ),
    "ru_office_hours_answered": (
        [
            (C, "Алло, здравствуйте. Подскажите, до скольки у вас работает офис на Садовой в пятницу?"),
            (A, "Здравствуйте. В пятницу офис на Садовой работает с девяти до восьми вечера."),
            (C, "А по адресу Садовая, двенадцать, да?"),
            (A, "Да, Садовая, двенадцать, второй этаж."),
            (C, "Спасибо, понятно."),
            (A, "Всего доброго."),
        ],
        Analyst(complaint=(70, 100), identity="yes", issue="resolved", next_steps="no"),
    ),
    "en_opening_hours_answered": (
        [
            (A, "Thanks for calling Brightline, this is Mark. How can I help?"),
            (C, "Hi, um, what time does the Main Street store open on Sunday?"),
            (A, "On Sundays it opens at 10 a.m. and closes at 4."),
            (C, "Great, that's all I needed. Thanks."),
            (A, "You're welcome, have a great day."),
        ],
        Analyst(complaint=(70, 100), identity="yes", issue="resolved", next_steps="no"),
    ),
    "ru_question_not_answered": (
        [
            (C, "Здравствуйте. Подскажите, можно ли у вас оплатить счёт наличными в офисе?"),
            (A, "Здравствуйте. Ой, я не знаю, честно. Посмотрите на сайте, там всё написано."),
            (C, "Ну ладно, спасибо."),
        ],
        # the customer thanks out of politeness: nothing was answered
        Analyst(complaint=(70, 100), identity="yes", issue="unresolved", next_steps="no"),
    ),
    "en_fault_explained_not_fixed": (
        [
            (C, "Hi, my internet keeps dropping every evening. Is there an outage in my area?"),
            (A, "Let me see. Can I have your account number to verify?"),
            (C, "It's two two five oh eight."),
            (A, "Thanks. No, there's no outage in your area, the network looks fine from here."),
            (C, "Oh. OK, thanks."),
        ],
        # the question was answered, but the fault it was about is not fixed nor handed on. complaint:
        # an analyst gives about 40 (checked, nothing done), a band of 20-60 as the others are ±20; "keeps
        # dropping" is a complaint (a problem statement), taken up with no word of regret nor a fix: 20
        Analyst(complaint=(20, 60), identity="yes", issue="unresolved", next_steps="no"),
    ),
    "ru_own_callback": (
        [
            (C, "Здравствуйте. Мне не пришло подтверждение брони на субботу, хочу проверить, всё ли в силе."),
            (A, "Здравствуйте. Назовите, пожалуйста, номер телефона, на который оформлена бронь."),
            (C, "Девятьсот двадцать пять, сто десять, двадцать, тридцать."),
            (A, "Спасибо. Вижу ваш заказ на субботу, но статус не обновился, мне нужно проверить в системе."),
            (A, "Я перезвоню вам завтра до обеда и всё подтвержу."),
            (C, "Хорошо, жду."),
        ],
        # the phone number the booking is on is the check; the agent's own call back is pending
        Analyst(complaint=(70, 100), identity="yes", issue="unresolved", next_steps="yes"),
    ),
    "en_own_callback": (
        [
            (C, "Hi, I was told a replacement for my card was sent out, but I never got a tracking number."),
            (A, "Sure. Could I take the first line of your address, please?"),
            (C, "Forty two Elm Road."),
            (A, "Thank you. I can see the request, but not the dispatch yet."),
            (A, "I'll call you back tomorrow once I've checked with the dispatch system."),
            (C, "OK, thanks."),
        ],
        # an address-only check; a follow-up the agent keeps
        Analyst(complaint=(70, 100), identity="yes", issue="unresolved", next_steps="yes"),
    ),
    "ru_address_check_fixed": (
        [
            (C, "Здравствуйте. У меня с утра не показывает телевидение, пишет «нет сигнала»."),
            (A, "Здравствуйте. Для проверки назовите, пожалуйста, адрес подключения."),
            (C, "Лесная, семь, квартира сорок."),
            (A, "Спасибо, вижу ваш договор. Приставка не получила обновление, я её перезагрузила удалённо."),
            (A, "Проверьте, пожалуйста, каналы появились?"),
            (C, "Да, всё показывает. Спасибо."),
        ],
        Analyst(complaint=(55, 100), identity="yes", issue="resolved", next_steps="no"),
    ),
    "en_phone_check_transfer": (
        [
            (C, "Hi, there's a charge on my bill I don't recognise, forty dollars for premium something."),
            (A, "I'm sorry about that. Can you confirm the phone number on your account?"),
            (C, "Five five five, two one two, eight eight nine oh."),
            (A, "Thank you. That charge is from our billing partner, so I'll transfer you to billing now."),
            (C, "OK."),
        ],
        # a transfer to another team stays a hand-over; "I'll transfer you to billing now" tells the
        # customer what happens next and when (was "no": the rubric's next step is what happens next)
        Analyst(complaint=(70, 100), identity="yes", issue="escalated", next_steps="yes"),
    ),
    "ru_ticket_other_team": (
        [
            (C, "Здравствуйте. В приложении не открывается история платежей, белый экран."),
            (A, "Здравствуйте. Продиктуйте, пожалуйста, номер телефона, привязанный к приложению."),
            (C, "Девятьсот шестнадцать, пятьсот, сорок, сорок."),
            (A, "Спасибо. Я оформила заявку в отдел разработки, с вами свяжутся в течение двух дней."),
            (C, "Спасибо."),
        ],
        Analyst(complaint=(55, 100), identity="yes", issue="escalated", next_steps="yes"),
    ),
    "en_account_change_no_check": (
        [
            (C, "Hi, I want to change the email on my account to a new one."),
            (A, "Sure, what's the new email?"),
            (C, "It's jane dot doe at mail dot com."),
            (A, "Done, I've updated it. You'll get a confirmation at the new address."),
            (C, "Thanks."),
        ],
        # the account was changed and nobody checked who was calling
        Analyst(complaint=(70, 100), identity="no", issue="resolved", next_steps="yes"),
    ),
    # weak spots: a fault told without a complaint word, a brush-off, a transfer, a formal but curt agent
    "en_app_crashes_fixed": (
        [
            (C, "Hi, the app crashes every time I try to pay for my order."),
            (A, "Sorry about that. Can I have your full name and the order number?"),
            (C, "Maria Lopez, order five five two one."),
            (A, "Thanks, Maria. Your saved card had expired, so the payment screen failed."),
            (A, "I've removed it from your profile. Please add the card again and try once more."),
            (C, "OK... yes, it went through now. Thanks."),
            (A, "You're welcome, have a nice day."),
        ],
        # "the app crashes" is the complaint, though no complaint word says so; no greeting
        Analyst(complaint=(70, 100), identity="yes", issue="resolved", next_steps="no", politeness=(65, 90)),
    ),
    "ru_app_crashes_fixed": (
        [
            (C, "Здравствуйте. У меня приложение вылетает, когда я пытаюсь оплатить."),
            (
                A,
                "Здравствуйте. Приношу извинения. Уточните, пожалуйста, какая версия приложения у вас стоит?",
            ),
            (C, "Кажется, четыре и два."),
            (A, "Понятно. Я сбросила кэш оплаты на нашей стороне, попробуйте ещё раз."),
            (C, "Да, прошло. Спасибо."),
            (A, "Пожалуйста, всего доброго."),
        ],
        Analyst(complaint=(80, 100), identity="yes", issue="resolved", next_steps="no", politeness=(80, 100)),
    ),
    "ru_no_confirmation_brushed_off": (
        [
            (C, "Здравствуйте. Я оплатил заказ, а подтверждение так и не пришло."),
            (A, "Ничем не могу помочь, звоните в банк."),
            (C, "Но деньги же списали у вас!"),
            (A, "Я вам уже сказала, это вопрос к банку."),
        ],
        # sent elsewhere twice, nothing looked at. identity: the agent never opened the order, so whether
        # a check was due is a judgement call (the baseline says "no": the customer's "списали")
        Analyst(complaint=(0, 15), identity=None, issue="unresolved", next_steps="no", politeness=(0, 29)),
    ),
    "en_payment_declined_call_the_bank": (
        [
            (C, "Hi, my payment to you keeps getting declined, and the bank says it's fine on their side."),
            (A, "That's not our problem. You have to call the bank."),
            (C, "They told me to call you!"),
            (A, "There's nothing I can do, sir."),
        ],
        # blamed on the bank and brushed off; no account was looked at, so no check was due
        Analyst(complaint=(0, 15), identity="yes", issue="unresolved", next_steps="no", politeness=(0, 29)),
    ),
    "ru_transfer_to_claims": (
        [
            (C, "Здравствуйте. Мне начислили штраф за расторжение, хотя договор ещё действует."),
            (A, "Здравствуйте. Назовите, пожалуйста, номер договора."),
            (C, "Двенадцать сорок."),
            (A, "Спасибо. Вижу начисление. Извините, штрафы ведёт отдел претензий."),
            (A, "Я переведу вас туда, оставайтесь на линии."),
            (C, "Хорошо."),
        ],
        # the transfer is the next step, said as it happens
        Analyst(
            complaint=(70, 100), identity="yes", issue="escalated", next_steps="yes", politeness=(65, 90)
        ),
    ),
    "en_transfer_to_billing": (
        [
            (C, "Hi, I was charged a cancellation fee but I never cancelled anything."),
            (A, "I'm sorry about that. Can you confirm your full name and date of birth?"),
            (C, "Tom Reed, March third, 1985."),
            (A, "Thank you, Tom. Fees are handled by our billing team, so I'm transferring you to them now."),
            (A, "Please stay on the line."),
        ],
        Analyst(
            complaint=(70, 100), identity="yes", issue="escalated", next_steps="yes", politeness=(60, 90)
        ),
    ),
    "ru_formal_no_apology": (
        [
            (A, "Здравствуйте, компания Связьком, меня зовут Олег. Чем могу помочь?"),
            (C, "Здравствуйте. У меня второй день не работает интернет, я работаю из дома."),
            (A, "Номер договора."),
            (C, "Ноль четыре семь семь."),
            (A, "Авария на линии. Заявка уже есть, мастер приедет завтра с десяти до двух."),
            (C, "А раньше никак?"),
            (A, "Нет. Всего доброго."),
        ],
        # a formal greeting and goodbye, but curt, and no word of regret for two days without internet
        Analyst(complaint=(55, 85), identity="yes", issue="escalated", next_steps="yes", politeness=(50, 70)),
    ),
    "en_agent_interrupts": (
        [
            (C, "Hi, I was charged for a premium channel I never ordered, and I want..."),
            (A, "Let me finish! You signed up for it online last month."),
            (C, "I did not, I never..."),
            (A, "Don't interrupt me. It's on your account, so you have to pay it."),
            (C, "This is ridiculous."),
        ],
        # talked over and blamed; the account was discussed without any check
        Analyst(complaint=(0, 25), identity="no", issue="unresolved", next_steps="no", politeness=(0, 29)),
    ),
}


def _scores(turns: list[tuple[str, str]]) -> dict:
    return baseline_scores([Turn(r, t) for r, t in turns], SUPPORT.llm_criteria)


@pytest.mark.parametrize("name", CALLS)
def test_the_baseline_agrees_with_the_analyst(name: str) -> None:
    turns, want = CALLS[name]
    got = _scores(turns)
    for criterion, band in (("complaint_handling", want.complaint), ("politeness", want.politeness)):
        if band is not None:
            lo, hi = band
            value = got[criterion].value
            assert value is not None and lo <= value <= hi, f"{criterion}: {got[criterion].reasoning}"
    for criterion, label in (
        ("identity_verified", want.identity),
        ("issue_resolved", want.issue),
        ("next_steps", want.next_steps),
    ):
        if label is not None:
            assert got[criterion].label == label, f"{criterion}: {got[criterion].reasoning}"


def test_the_set_is_balanced() -> None:
    langs = [name[:2] for name in CALLS]
    assert langs.count("ru") == langs.count("en") == 19


@pytest.mark.parametrize(
    ("said", "label"),
    [
        # a promise, a question or a negation is no fix made
        ("I haven't refunded it yet, sorry.", "unresolved"),
        ("I will refund you tomorrow.", "unresolved"),
        ("Have you reset the router?", "unresolved"),
        ("Сейчас всё работает?", "unresolved"),
        ("Вижу, деньги вам ещё не вернули.", "unresolved"),
        ("Я не перезагрузила роутер, у меня нет доступа.", "unresolved"),
        ("I can't escalate this, sorry.", "unresolved"),
        ("Вы сами его перезагрузили? Хорошо, я перезагрузила порт, всё работает.", "resolved"),
        ("The refund has been issued.", "resolved"),
        ("С вами свяжется специалист.", "escalated"),
    ],
)
def test_a_fix_is_made_only_when_the_agent_states_it(said: str, label: str) -> None:
    got = _scores([(C, "It doesn't work."), (A, said)])["issue_resolved"]
    assert got.label == label, got.reasoning


def test_within_is_a_next_step_only_with_a_time() -> None:
    assert _scores([(A, "You'll have it within the next two days.")])["next_steps"].label == "yes"
    assert _scores([(A, "Spain is within the roaming zone.")])["next_steps"].label == "no"
