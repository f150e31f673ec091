"""processors.compression below "full": echoes, repeated clauses, openers and hedges go; the agent's
answer to an objection stays; each cut is switchable."""

from __future__ import annotations

from processors.compression import CompressOptions, compress_text


def _segs(*turns: tuple[str, str]) -> list[dict]:
    return [{"role": role, "text": text, "kept": True} for role, text in turns]


def test_a_restated_price_folds_into_the_first_telling_and_an_echo_goes():
    segs = _segs(
        ("agent", "Hello, this is Dana from Northwind."),
        ("agent", "The team plan is 59 dollars per user per month."),
        ("customer", "Wait, how much did you say?"),
        ("agent", "So it is 59 dollars per user per month, as I said."),
        ("customer", "59, right."),
        ("customer", "Thanks, goodbye."),
    )
    text, level, _ = compress_text(segs)
    assert level.endswith("dynamic:deep")
    assert "how much did you say?" in text  # a question is not an echo
    # ... and its answer keeps the price (it read "As I said.", an answer with nothing in it); the
    # customer's echo goes
    assert "59 dollars per user per month, as I said." in text and text.count("59") == 2, text
    off, _, _ = compress_text(segs, CompressOptions(fold_echoes=False))
    assert off.count("59") == 3
    # no question in between: the retelling folds into the first telling
    told = [*segs[:2], ("customer", "Okay, I see."), *segs[3:]]
    told = [x if isinstance(x, dict) else _segs(x)[0] for x in told]
    text, _, _ = compress_text(told)
    assert text.count("59") == 1 and "59 dollars per user per month. [×2]" in text, text


def test_a_repeated_clause_goes_and_the_new_one_stays():
    segs = _segs(
        ("agent", "Рассрочка на шесть месяцев без переплаты, первый платёж три тысячи рублей."),
        ("customer", "А проценты?"),
        ("agent", "Ноль, рассрочка на шесть месяцев без переплаты, первый платёж три тысячи рублей."),
        ("customer", "Хорошо, оформляйте."),
    )
    text, _, _ = compress_text(segs)
    assert "0." in text.splitlines()[2] and text.count("3000") == 1, text
    assert "[×2]" in text


def test_a_clause_with_a_new_number_is_not_cut():
    segs = _segs(
        ("agent", "Рассрочка на шесть месяцев без переплаты, первый платёж три тысячи рублей."),
        ("customer", "А проценты?"),
        ("agent", "Ноль, рассрочка на шесть месяцев без переплаты, первый платёж пять тысяч рублей."),
        ("customer", "Хорошо, оформляйте."),
    )
    text, _, _ = compress_text(segs)
    assert "3000" in text and "5000" in text, text


def test_the_agent_answer_to_an_objection_is_kept():
    segs = _segs(
        ("agent", "Hello, this is Dana from Northwind."),
        ("agent", "The plan is 39 dollars a month."),
        ("customer", "That is too expensive for us."),
        ("agent", "I hear you."),
        ("agent", "Okay."),
        ("customer", "Thanks, goodbye."),
    )
    text, level, _ = compress_text(segs)
    assert level.endswith("dynamic:deep")
    assert "I hear you." in text, text


def test_openers_and_hedges_go_below_full_but_facts_stay():
    segs = _segs(
        ("agent", "Hello, this is Dana from Northwind."),
        ("agent", "So, okay, the plan is 39 dollars a month."),
        ("customer", "Honestly, that is too expensive for us, to be honest."),
        ("customer", "Ну, слушайте, это, честно говоря, дорого."),
        ("agent", "Goodbye."),
    )
    text, _, _ = compress_text(segs)
    assert "The plan is 39 dollars a month." in text, text
    assert "That is too expensive for us." in text
    assert "Это дорого." in text
    off, _, _ = compress_text(segs, CompressOptions(trim=False))
    assert "So, okay, the plan" in off and "Honestly" in off


def test_a_dense_call_is_not_trimmed():
    segs = _segs(
        ("customer", "So, honestly, this is unacceptable, I want a refund!"),
        ("agent", "I understand."),
        ("customer", "No, I will call my lawyer and file a complaint."),
    )
    text, level, _ = compress_text(segs)
    assert level.endswith("dynamic:full")
    assert "So, honestly, this is unacceptable" in text


def test_a_restated_figure_with_new_terms_is_no_echo():
    """ "$49 per month, billed yearly" after "$49" brings the billing terms: folding it as an echo
    lost them and said the agent repeated something they did not."""
    segs = _segs(
        ("agent", "Hello, this is Dana from Northwind."),
        ("agent", "The standard plan is $49."),
        ("customer", "How does billing work?"),
        ("agent", "The standard plan costs $49 per month, billed yearly."),
        ("customer", "Thanks, goodbye."),
    )
    text, level, _ = compress_text(segs)
    assert level.endswith("dynamic:deep")
    assert "billed yearly" in text and "[×2]" not in text, text


# --- meaning the LLM must still read (found by a red team) -----------------------------------------


def test_a_bare_answer_to_a_question_or_offer_survives_deep_compression():
    segs = _segs(
        ("agent", "Hello, this is Dana from Northwind."),
        ("agent", "Would you like to upgrade to the pro plan for 49 dollars a month?"),
        ("customer", "Yes."),
        ("customer", "Does it include the router?"),
        ("agent", "Yes, it is included."),
        ("customer", "Thanks, bye."),
    )
    text, level, _ = compress_text(segs)
    assert level.endswith("dynamic:deep")
    assert "Customer: Yes." in text and "Agent: Yes, it is included." in text, text


def test_the_sentence_that_first_names_a_product_or_person_survives_deep_compression():
    segs = _segs(
        ("agent", "Thank you for calling, how can I help you?"),
        ("customer", "My bill went up and I do not know why."),
        ("agent", "It looks like there is an add-on on the account called Cloud Backup Plus."),
        ("customer", "Cloud what?"),
        ("agent", "Cloud Backup Plus, it is an online storage add-on."),
        ("agent", "That is 25 dollars a month."),
        ("customer", "Okay, thanks, bye."),
    )
    text, level, _ = compress_text(segs)
    assert level.endswith("dynamic:deep")
    assert "add-on on the account called Cloud Backup Plus" in text, text
    assert "online storage" in text  # the answer to "Cloud what?" (a second naming, but an answer)


def test_a_negated_or_questioned_sentence_is_no_repeat():
    segs = _segs(
        ("customer", "I was charged twice, that is unacceptable, I want a refund now!"),
        ("agent", "The router is included in the price of the plan."),
        ("customer", "Is the router included in the price of the plan?"),
        ("agent", "The router is not included in the price of the plan."),
        ("customer", "That is ridiculous, I will complain!"),
    )
    text, _, _ = compress_text(segs)
    assert "not included" in text and "[×" not in text, text


def test_amounts_with_a_decimal_point_or_a_thousands_comma_stay_whole():
    segs = _segs(
        ("agent", "Hello, this is Dana from Northwind."),
        ("agent", "It is 500 dollars per month for one site."),
        ("agent", "So for three sites it is $1,500 dollars per month, okay."),
        ("agent", "The basic plan is $49.99 a month and the pro plan is $59.99 a month."),
        ("customer", "Thanks, bye."),
    )
    text, _, _ = compress_text(segs)
    assert "$1,500" in text and "$49.99" in text and "$59.99" in text, text


def test_a_correction_and_a_tentative_yes_are_not_trimmed():
    segs = _segs(
        ("agent", "Hello, this is Dana from Northwind. The plan is 39 dollars a month, shall I add it?"),
        ("customer", "No, actually, yes."),
        ("agent", "Тогда подключаю тариф за 500 рублей, договорились?"),
        ("customer", "Вроде как договорились."),
        ("customer", "Так что я отказываюсь от старого тарифа."),
    )
    text, _, _ = compress_text(segs)
    assert "No, actually, yes." in text and "Вроде как договорились." in text, text
    assert "Я отказываюсь от старого тарифа." in text, text  # "так что" is one opener, not "так"


def test_a_choice_a_dispute_or_an_extra_charge_is_no_echo():
    segs = _segs(
        ("agent", "Hello, this is Dana from Northwind."),
        ("agent", "Do you want the 49 or the 59 dollar plan?"),
        ("customer", "59, yes."),
        ("agent", "Стоимость 500 рублей в месяц."),
        ("agent", "И ещё 500 рублей."),
        ("customer", "That is not 20 dollars."),
        ("customer", "You said 20 dollars."),
        ("customer", "Thanks, bye."),
    )
    text, _, _ = compress_text(segs)
    assert "59, yes." in text and "Ещё 500 рублей." in text, text
    assert "That is not 20 dollars." in text and "You said 20 dollars." in text and "[×" not in text, text


def test_the_whole_answer_to_an_objection_stays_not_only_its_first_sentence():
    segs = _segs(
        ("agent", "Hello, this is Dana from Northwind."),
        ("agent", "The pro plan is 49 dollars a month."),
        ("customer", "That is too expensive for us."),
        ("agent", "I hear you, that is a fair concern. I can move you to the basic plan instead."),
        ("customer", "Okay, thanks, bye."),
    )
    text, level, _ = compress_text(segs)
    assert level.endswith("dynamic:deep")
    assert "I can move you to the basic plan instead." in text, text
