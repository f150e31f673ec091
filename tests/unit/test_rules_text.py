"""processors.rules: tenant dictionaries, language and code-switching, duration/silence/interruptions, PII."""

from __future__ import annotations

import pytest

from processors.filtering import filter_transcript
from processors.rules import (
    RuleOptions,
    keyword_hits,
    language_mix,
    load_dictionary,
    price_mentions,
    rule_metrics,
)
from streams.bench_text import fixture_transcript, make_transcript_from_turns


def test_default_dictionary_is_package_data():
    entries = load_dictionary()
    assert {"greeting", "legal", "cancel", "too_expensive"} <= set(entries)


def test_tenant_dictionary_adds_and_replaces_entries(tmp_path):
    (tmp_path / "globex.yaml").write_text("refund: [refund, верните деньги]\nlegal: [регулятор*]\n")
    entries = load_dictionary("globex", tmp_path)
    assert entries["refund"] == ("refund", "верните деньги")
    assert entries["legal"] == ("регулятор*",)  # replaced
    assert keyword_hits(["Верните деньги! Пойду к регулятору."], entries) == {"refund": 1, "legal": 1}
    assert load_dictionary("nobody", tmp_path) == load_dictionary()


def test_bad_tenant_dictionary_says_which_file(tmp_path):
    (tmp_path / "bad.yaml").write_text("- just\n- a list\n")
    with pytest.raises(ValueError, match=r"bad\.yaml"):
        load_dictionary("bad", tmp_path)


def test_language_mix_by_script_and_lingua_for_shared_scripts():
    assert language_mix(["Hello there", "Это стоит 2990 рублей"]) == {"en": 2, "ru": 3}
    mix = language_mix(["Guten Tag, wie geht es Ihnen heute?"], ("en", "de"))
    assert mix.most_common(1)[0][0] == "de"


def test_rule_metrics_language_code_switching_and_acoustics(tmp_path):
    filtered = filter_transcript(fixture_transcript("mixed_language"))
    rules = rule_metrics(filtered["transcript"], RuleOptions(tmp_path))
    assert rules["language"] == "ru"
    assert 0.1 < rules["code_switching"] < 0.5
    metrics = filtered["transcript"]["metrics"]
    assert rules["duration_s"] == metrics["duration_s"]
    assert rules["silence_share"] == pytest.approx(metrics["silence_s"] / metrics["duration_s"], abs=1e-4)
    assert rules["interruptions"] == metrics["agent_interruptions"] + metrics["customer_interruptions"]
    en = rule_metrics(filter_transcript(fixture_transcript("en_sale_simple"))["transcript"])
    assert en["language"] == "en" and en["code_switching"] == 0.0


def test_rule_metrics_pii_counts_and_prices_survive_redaction():
    transcript = make_transcript_from_turns(
        "r-pii",
        [
            ("customer", "Card 4111 1111 1111 1111, phone +7 916 123-45-67."),
            ("agent", "That's $39, or 2 990 рублей."),
        ],
    )
    rules = rule_metrics(filter_transcript(transcript)["transcript"])
    assert rules["pii"] == {"CARD": 1, "PHONE": 1}
    assert rules["price_mentions"] == 2


def test_mono_has_no_interruptions():
    transcript = make_transcript_from_turns("mono", [("agent", "Hello there, how are you doing?")])
    transcript["metrics"] |= {"agent_interruptions": None, "customer_interruptions": None}
    assert rule_metrics(transcript)["interruptions"] is None


def test_scorer_takes_rule_options_from_settings_including_dotenv(tmp_path, monkeypatch):
    """CALLSTREAM_LANGUAGES / CALLSTREAM_DICTIONARIES_DIR written in .env reach the rule metrics."""
    from processors.scoring import build_scorer
    from streams.settings import load_settings

    (tmp_path / "dicts").mkdir()
    (tmp_path / ".env").write_text(
        f"CALLSTREAM_LANGUAGES=en,de\nCALLSTREAM_DICTIONARIES_DIR={tmp_path / 'dicts'}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALLSTREAM_LANGUAGES", raising=False)
    monkeypatch.delenv("CALLSTREAM_DICTIONARIES_DIR", raising=False)
    scorer = build_scorer(load_settings())
    assert scorer.rule_options.languages == ("en", "de")
    assert scorer.rule_options.dictionaries_dir == tmp_path / "dicts"


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Я купил 3 рубашки.", 0),  # "руб..." but no rouble
        ("Сделали 12 евроремонт.", 0),
        ("Вышло 5 тыс. руб. в месяц.", 1),
        ("Это пять тыс. руб.", 1),
        ("It's 2.5 million dollars.", 1),
        ("two million dollars", 1),
        ("USD 50, please.", 1),
        ("Всего 2 990 р за месяц.", 1),
        ("Всего 2990р.", 1),
        ("Назовите номер.", 0),  # a word ending in "р" is no rouble
        ("It costs 50 usd.", 1),
        ("€20 a month", 1),
        ("10 баксов", 1),
        ("50 eurovision fans", 0),
        ("Это 2 990 рублей или $39.", 2),
    ],
)
def test_price_mentions_anchor_currency_words(text, n):
    assert price_mentions([text]) == n
    assert price_mentions([text, "Straße"]) == n  # the path for text that is not fold-safe


@pytest.mark.parametrize(
    ("text", "n"),
    [
        # a list names its currency once: each amount counts
        ("Есть тарифы за 990, 1490 и 2990 рублей.", 3),
        ("От 500 до 1000 рублей в месяц.", 2),
        ("Можно за 990 или за 1490 рублей.", 2),
        ("Обычно 500-1000 рублей в месяц.", 2),
        ("Anywhere from 29 to 49 dollars.", 2),
        ("29, 49 or 99 dollars a month.", 3),
        ("$29, $49 or $99", 3),
        ("Заказ 4417, 2990 рублей.", 1),  # a comma alone makes no list
        ("Приеду 2 или 3 раза, а стоит 500 рублей.", 1),
        # Russian number words in every case, one and a half, small change, "к", countries
        ("От двадцати рублей и выше.", 1),
        ("Около сорока долларов.", 1),
        ("Не больше ста рублей.", 1),
        ("Полтора рубля за минуту.", 1),
        ("Плюс 50 копеек.", 1),
        ("2 рубля 50 копеек", 1),
        ("It's only 99 cents.", 1),
        ("$39 and 99 cents", 1),
        ("It's thirty-nine dollars and ninety-nine cents.", 1),
        ("Это 40к рублей.", 1),
        ("100 американских долларов", 1),
        ("100 US dollars", 1),
        ("5000 тенге, 300 гривен, 100 у.е.", 3),
        ("twenty quid", 1),
        # no money: weight, compounds, adjectives, a verb
        ("The package weighs 5 pounds.", 0),
        ("I lost ten pounds this month.", 0),
        ("It costs 20 pounds.", 1),
        ("Сделаем 2 евро-окна.", 0),
        ("Офис в 5 р-не города.", 0),
        ("Дайте 10 рублёвых монет.", 0),
        ("Apply 2 rub of cream.", 0),
        # a list's other numbers that are no amounts: hours, a label's number (an evaluator's finds)
        ("С 9 до 18 и 500 рублей доставка.", 1),
        ("Заказ 4417 и 2990 рублей к оплате.", 1),
        ("Квартира 12, дом 4 и 300 рублей за доставку.", 1),
        ("От 500 до 10 000 рублей.", 2),
        ("1 500 и 2 990 рублей", 2),
        # the currency code after the amount
        ("Итого 2990 RUB.", 1),
        # an amount a price word names, with no currency said
        ("Окна будет стоить двадцать две тысячи, с установкой двадцать пять пятьсот.", 1),
        ("Стоимость 4500 в месяц.", 1),
        ("It costs twenty two thousand.", 1),
        ("The price is 45 a month.", 1),
        ("Это стоит 2990 рублей.", 1),  # once, with its currency
        ("Стоит 5 минут подождать.", 0),
        ("It costs 2 hours of work.", 0),
        ("Сколько стоит?", 0),
        # an amount before the period it is paid for
        ("Тариф Профи — 2990 в месяц.", 1),
        ("It's 49.99 a month per user.", 1),
        ("forty nine ninety nine a month", 1),
        ("2990 рублей в месяц", 1),
        ("Стоимость 4500 в месяц.", 1),
        ("Звоню 2 раза в месяц.", 0),
        ("Plans at 1200, 1500, and 2400 dollars.", 3),  # the Oxford comma is one joiner
        ("About 3 calls a month.", 0),
        ("В 2025 году.", 0),
    ],
)
def test_price_lists_cases_change_and_look_alikes(text, n):
    assert price_mentions([text]) == n
    assert price_mentions([text, "Straße"]) == n


def test_pii_placeholders_and_brand_names_are_no_code_switching():
    transcript = make_transcript_from_turns(
        "r-lang",
        [
            ("customer", "Мой телефон [PHONE], почта [EMAIL], карта [CARD]"),
            ("customer", "Хочу подключить Wi-Fi и WhatsApp Business на iPhone"),
        ],
    )
    rules = rule_metrics(transcript)
    assert rules["language"] == "ru" and rules["code_switching"] == 0.0
    shared = rule_metrics(transcript, RuleOptions(languages=("en", "de", "ru")))  # Latin goes to lingua
    assert shared["language"] == "ru" and shared["code_switching"] == 0.0
    # English words in a Russian sentence still switch, a sentence-initial "Okay" included
    turns = [("customer", "Okay, понял, нужен refund на iPhone.")]
    mix = rule_metrics(make_transcript_from_turns("r-switch", turns))
    assert mix["language"] == "ru" and mix["code_switching"] == pytest.approx(2 / 5, abs=1e-4)


def test_keyword_hits_count_dropped_speech_but_not_noise(tmp_path):
    (tmp_path / "acme.yaml").write_text("competitor: [мтс, билайн]\n")
    transcript = make_transcript_from_turns(
        "r-kw",
        [
            ("agent", "Здравствуйте, компания Северный ветер."),  # no question: the reply is no answer
            ("customer", "Тарифы МТС."),
            ("agent", "Понимаю, давайте посмотрим наши тарифы на домашний интернет."),
            ("customer", "Билайн"),
        ],
    )
    transcript["call"]["tenant"] = "acme"
    filtered = filter_transcript(transcript)["transcript"]
    # a short turn the filter dropped (it keeps this one now: it names a competitor's tariffs)
    filtered["segments"][1] |= {"kept": False, "drop_reason": "short"}
    filtered["segments"][3] |= {"kept": False, "drop_reason": "no_speech"}  # a hallucination on noise
    rules = rule_metrics(filtered, RuleOptions(tmp_path))
    assert rules["keyword_hits"]["competitor"] == 1


@pytest.mark.parametrize(
    "metrics",
    [
        {"agent_talk_s": -5.0, "customer_talk_s": 10.0, "silence_s": 2.0, "duration_s": 20.0},
        {
            "agent_talk_s": float("nan"),
            "customer_talk_s": 10.0,
            "silence_s": float("inf"),
            "duration_s": 20.0,
        },
        {"agent_talk_s": 5.0, "customer_talk_s": 10.0, "silence_s": 50.0, "duration_s": 20.0},
        {
            "duration_s": float("nan"),
            "silence_s": 2.0,
            "agent_interruptions": 2**31,
            "customer_interruptions": 1,
        },
    ],
)
def test_impossible_speech_metrics_give_no_ratio_instead_of_nonsense(metrics):
    """NaN, infinite, negative or inconsistent durations from upstream: a ratio or share of them
    was -1.72 or NaN in ClickHouse, and one NaN spoils every average it joins."""
    transcript = make_transcript_from_turns("r-bad", [("agent", "Здравствуйте, тариф стоит 500 рублей.")])
    transcript["metrics"] |= metrics
    transcript["duration"] = float("nan") if metrics.get("duration_s") != 20.0 else 20.0
    rules = rule_metrics(filter_transcript(transcript)["transcript"])
    ratio, share = rules["agent_talk_ratio"], rules["silence_share"]
    assert ratio is None or 0 <= ratio <= 1
    assert share is None or 0 <= share <= 1
    assert rules["duration_s"] is None or rules["duration_s"] == 20.0
    assert rules["interruptions"] is None or 0 <= rules["interruptions"] < 2**31
    assert rules["price_mentions"] == 1


def test_a_tenant_name_too_long_for_a_file_name_gets_the_default_dictionary(tmp_path):
    """``Path.is_file`` raises (not False) on a name over 255 bytes: the call was dead-lettered."""
    assert load_dictionary("я" * 200, tmp_path) == load_dictionary()


def test_the_default_dictionary_hears_common_russian_forms_and_phrases():
    """The angriest Russian fixture call raised no legal or cancel hit: the entries were bare words
    ("суд", "расторгнуть") that the forms people say ("в Роспотребнадзор", "договор расторгну",
    "приношу извинения") never match."""
    from processors.rules import keyword_hits

    texts = [
        "Приношу извинения за неудобства.",
        "Я подам претензию в Роспотребнадзор и договор расторгну.",
        "Дороговато у вас.",
        "Hi, thank you for calling.",
        "I will file a complaint and cancel.",
    ]
    hits = keyword_hits(texts)
    # "претензию в Роспотребнадзор" is one mention (the claim and the body it goes to), "file a complaint"
    # another
    assert hits["legal"] == 2 and hits["cancel"] == 2 and hits["apology"] == 1
    assert hits["too_expensive"] == 1 and hits["greeting"] == 2


def test_agent_keyword_hits_count_the_agents_words_only():
    from processors.filtering import filter_transcript
    from processors.rules import rule_metrics
    from streams.bench_text import make_transcript_from_turns

    turns = [
        ("agent", "Hi, thank you for calling, how can I help?"),
        ("customer", "Hello? Sorry, can you say that again?"),
        ("agent", "I'm sorry about the line, I will cancel the old plan."),
    ]
    rules = rule_metrics(filter_transcript(make_transcript_from_turns("kw-role", turns))["transcript"])
    assert rules["keyword_hits"]["apology"] == 2 and rules["agent_keyword_hits"]["apology"] == 1
    assert rules["keyword_hits"]["greeting"] == 3 and rules["agent_keyword_hits"]["greeting"] == 2
    mono = make_transcript_from_turns("kw-mono", turns)
    for seg in mono["segments"]:
        seg["role"] = "unknown"
    assert rule_metrics(filter_transcript(mono)["transcript"])["agent_keyword_hits"] == {}
