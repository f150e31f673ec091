"""``callstream bench text``: what the text stages cut, what they keep, and how fast.

Three numbers, each next to its baseline measured in the same run:

- tokens removed: compressed text vs the uncompressed transcript (every segment, ``Role: text``),
  on the hand-written fixture calls and on generated long (~5-minute) realistic calls;
- key-fact recall: key facts of the original transcript (``processors.keyfacts``) found in the
  compressed text, vs the uncompressed transcript (100 % by definition);
- throughput: calls/s on one core for filter + compress + rules on the generated calls, vs a
  trivial pass-through (join the segment texts), with and without real-tokenizer counting.

The fixtures are here (not under tests/) so an installed package can run the benchmark; tests
import them too. Short hand-written calls (each an edge case: conflict, all filler, all numbers,
mixed language) live below; realistic full-length calls (~5 minutes, as telephony ASR transcribes
them) live in ``streams/bench_calls/*.yaml``. The fixture figure is over all of them, and each
fixture's own figure is printed too, so a cut that only works on long calls shows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

TOKENS_TARGET = 0.75
RECALL_TARGET = 0.98
THROUGHPUT_TARGET = 1000.0

# --- hand-written fixture calls -------------------------------------------------------------------
# (role, text) or (role, text, {"no_speech_prob": .., "avg_logprob": .., "vad_speech": ..}).
# ``facts``: what a human marks as must-keep; each string must appear in the compressed text.

FIXTURES: dict[str, dict[str, Any]] = {
    "en_sale_simple": {
        "language": "en",
        "facts": ["$39", "49", "I'll send", "yearly"],
        "turns": [
            ("agent", "Hi, thank you for calling Northwind, this is Dana, how can I help you today?"),
            ("customer", "Um, hi. Yeah, hi, I'm, uh, I'm calling about the, um, the pro plan."),
            ("agent", "Uh-huh."),
            ("customer", "We're, you know, a small team and we kind of want to, um, upgrade."),
            ("agent", "Okay."),
            ("agent", "Sure, sure, let me, uh, let me pull up your account, one second."),
            ("customer", "Mm-hmm."),
            ("agent", "Okay, okay, I see, I see it here, you're on the starter plan right now."),
            ("customer", "Yeah yeah yeah."),
            ("agent", "So, um, the pro plan is $39 a month per user if you pay yearly."),
            ("customer", "Uh-huh."),
            ("agent", "And it's forty nine dollars month to month, so yearly is, you know, cheaper."),
            ("customer", "Right, right."),
            ("agent", "And it includes, um, unlimited call recording, and, uh, the dashboard."),
            ("customer", "Okay."),
            ("agent", "Yeah, the dashboard, it's, it's really nice, teams really like it, honestly."),
            ("customer", "Okay, okay, sounds, uh, sounds good. Yearly then."),
            ("agent", "Great. Great, so, um, I'll send the invoice to your email right after this call."),
            ("customer", "Mm-hmm."),
            ("agent", "Thank you"),
            ("customer", "Thanks, bye."),
            ("customer", "Thank you for watching!", {"no_speech_prob": 0.92, "avg_logprob": -1.3}),
        ],
    },
    "ru_sale_simple": {
        "language": "ru",
        "facts": ["2990", "отправлю", "14"],
        "turns": [
            ("agent", "Добрый день, компания Северный ветер, меня зовут Анна, чем могу помочь?"),
            ("customer", "Ну, здравствуйте. Э-э, я, как бы, хотел узнать, ну, про тариф."),
            ("agent", "Угу."),
            ("agent", "Да-да-да, конечно, секундочку, сейчас посмотрю."),
            ("customer", "Ага."),
            ("agent", "Так, ну, смотрите, тариф Профи, он, как бы, стоит две тысячи девятьсот девяносто рублей в месяц."),  # noqa: E501
            ("customer", "Угу, угу."),
            ("agent", "Ну и там, э-э, всё включено, в общем, записи звонков, отчёты, ну, всё."),
            ("customer", "Ага, понятно."),
            ("agent", "И, значит, первые четырнадцать дней бесплатно, ну, пробный период."),
            ("customer", "Да-да."),
            ("customer", "Ну, хорошо, давайте, как бы, подключим."),
            ("agent", "Отлично, я, э-э, отправлю вам договор на почту сегодня."),
            ("customer", "Угу."),
            ("agent", "Спасибо за звонок, всего доброго."),
            ("customer", "До свидания."),
        ],
    },
    "en_complaint_conflict": {
        "language": "en",
        "facts": ["refund", "lawyer", "no", "unacceptable", "3", "120", "I will escalate"],
        "turns": [
            ("agent", "Thank you for calling Northwind support, this is Mark."),
            ("customer", "Yeah, hi. I was charged twice this month, that's $120 I didn't authorise."),
            ("agent", "I'm sorry to hear that, let me check your account."),
            ("customer", "This is the third time, three times now, this is completely unacceptable!"),
            ("agent", "I understand your frustration."),
            ("customer", "No, you don't. I want a full refund today, or I'm calling my lawyer."),
            ("agent", "I can't issue the refund myself, but I will escalate it to billing right now."),
            ("customer", "That's ridiculous. I want to cancel the whole subscription."),
            ("agent", "I understand. I will escalate the cancellation and the refund together."),
            ("customer", "Fine. You have until Friday, then I file a complaint."),
        ],
    },
    "ru_objection": {
        "language": "ru",
        "facts": ["дорого", "подумаю", "дешевле", "4500", "перезвоню", "20"],
        "turns": [
            ("agent", "Здравствуйте, это Антон из компании Бета, удобно говорить?"),
            ("customer", "Ну, да, говорите."),
            ("agent", "Мы предлагаем подключить аналитику звонков за четыре тысячи пятьсот рублей в месяц."),
            ("customer", "Хм. Ну, это дорого, честно говоря."),
            ("agent", "Понимаю. При этом, ну, вы экономите время менеджеров, как бы, часов двадцать в месяц."),  # noqa: E501
            ("customer", "У конкурентов дешевле, я видел."),
            ("agent", "Угу, понимаю."),
            ("customer", "Я подумаю, ну, посоветуюсь с руководителем."),
            ("agent", "Хорошо, я перезвоню вам в четверг, договорились?"),
            ("customer", "Угу, давайте."),
        ],
    },
    "all_filler": {
        "language": "en",
        "facts": [],
        "turns": [
            ("agent", "Uh-huh."),
            ("customer", "Mm-hmm."),
            ("agent", "Okay, okay."),
            ("customer", "Угу."),
            ("agent", "Ага, да-да-да."),
            ("customer", "Yeah yeah yeah."),
            ("agent", "Um..."),
            ("customer", ""),
            ("agent", "Hmm, one second."),
        ],
    },
    "all_numbers": {
        "language": "en",
        "facts": ["4417", "2990", "15", "39", "1200", "[PHONE]", "[CARD]"],
        "turns": [
            ("customer", "Order 4417."),
            ("agent", "4417, got it."),
            ("customer", "2 990 ₽."),
            ("agent", "15."),
            ("customer", "$39, $39, $39."),
            ("agent", "One thousand two hundred."),
            ("customer", "+7 916 123-45-67"),
            ("customer", "4111 1111 1111 1111"),
            ("agent", "восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь"),
        ],
    },
    "mixed_language": {
        "language": "ru",
        "facts": ["deadline", "2", "отправлю", "contract", "не можем"],
        "turns": [
            ("agent", "Привет, Сергей, ну что, по deadline всё ок?"),
            ("customer", "Ну, смотри, мы, как бы, не можем успеть, нужно ещё two weeks."),
            ("agent", "Okay, понял, то есть две недели extra."),
            ("customer", "Да-да, exactly."),
            ("agent", "Хорошо, я отправлю updated contract сегодня вечером."),
            ("customer", "Cool, thanks."),
        ],
    },
    "en_second_price": {  # the agent's retelling must fold, the other price (an answer) must stay
        "language": "en",
        "facts": ["$45", "$50", "without autopay", "not include"],
        "turns": [
            ("agent", "The unlimited plan is $45 a month with autopay and includes 50 gigs of hotspot."),
            ("customer", "Does it include international calls?"),
            ("agent", "No, it does not include international calls."),
            ("agent", "So again, the unlimited plan is $45 a month with autopay and it includes 50 gigs of hotspot."),  # noqa: E501
            ("customer", "And without autopay?"),
            ("agent", "Without autopay it's $50 a month."),
            ("customer", "Fine, I'll take it without autopay."),
        ],
    },
    "ru_repeated_terms": {
        "language": "ru",
        "facts": ["6", "процентов 0", "3000", "рассрочка", "оформлю"],
        "turns": [
            ("agent", "Рассрочка оформляется на шесть месяцев без переплаты, первый платёж три тысячи рублей."),  # noqa: E501
            ("customer", "А, ну, как это работает?"),
            ("agent", "Ну, смотрите, рассрочка оформляется на шесть месяцев без переплаты, первый платёж три тысячи рублей."),  # noqa: E501
            ("customer", "Угу. А проценты?"),
            ("agent", "Процентов ноль, рассрочка на шесть месяцев без переплаты, первый платёж три тысячи рублей."),  # noqa: E501
            ("customer", "Понятно, ну, хорошо, оформляйте."),
            ("agent", "Отлично, оформлю сегодня."),
        ],
    },
}  # fmt: skip


def _long_fixtures(folder: Path = Path(__file__).parent / "bench_calls") -> dict[str, dict[str, Any]]:
    """The realistic full-length fixture calls, in the same shape as :data:`FIXTURES`."""
    out = {}
    for path in sorted(folder.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[path.stem] = {**spec, "turns": [tuple(turn) for turn in spec["turns"]]}
    return out


FIXTURES.update(_long_fixtures())


def fixture_transcript(name: str) -> dict[str, Any]:
    """A Transcript record (as the speech stage emits it) for the fixture ``name``."""
    spec = FIXTURES[name]
    return make_transcript_from_turns(f"fx-{name}", spec["turns"], spec["language"])


def make_transcript_from_turns(
    call_id: str, turns: list[tuple[Any, ...]], language: str = "en", seconds_per_word: float = 0.35
) -> dict[str, Any]:
    from streams.bench import make_bench_transcript

    base = make_bench_transcript(call_id, random.Random(1), segments=1)
    segments, t = [], 0.5
    for i, turn in enumerate(turns):
        role, text = turn[0], turn[1]
        extra = turn[2] if len(turn) > 2 else {}
        length = max(0.4, len(text.split()) * seconds_per_word)
        segments.append(
            {
                "index": i,
                "channel": 0 if role == "agent" else 1,
                "role": role,
                "start": round(t, 2),
                "end": round(t + length, 2),
                "text": text,
                "avg_logprob": extra.get("avg_logprob", -0.25),
                "no_speech_prob": extra.get("no_speech_prob", 0.02),
                "words": None,
                "vad_speech": extra.get("vad_speech"),
                "kept": True,
                "drop_reason": None,
            }
        )
        t += length + 0.4
    duration = round(t + 0.5, 2)
    agent = sum(s["end"] - s["start"] for s in segments if s["role"] == "agent")
    customer = sum(s["end"] - s["start"] for s in segments if s["role"] == "customer")
    base["segments"] = segments
    base["language"] = language
    base["call"]["language"] = language
    base["duration"] = duration
    base["metrics"] |= {
        "duration_s": duration,
        "agent_talk_s": round(agent, 2),
        "customer_talk_s": round(customer, 2),
        "silence_s": round(max(0.0, duration - agent - customer), 2),
    }
    return base


# --- generated long calls ----------------------------------------------------------------------------

_GEN = {
    "en": {
        "greet": ["Hi, thank you for calling Northwind, this is {name}, how can I help you today?"],
        "back": ["Uh-huh.", "Mm-hmm.", "Okay.", "Yeah.", "Right, right.", "Yeah yeah yeah.", "Okay, okay.",
                 "Sure.", "I see.", "Got it."],
        "hold": ["One second, let me check.", "Hold on, um, one moment.", "Let me see.", "Just a second."],
        "talk": [
            "So, um, basically what we, uh, what we do is, you know, we help teams like yours, like, work better.",  # noqa: E501
            "Yeah, so, uh, the thing is, um, a lot of our customers, they kind of, you know, really like the dashboard.",  # noqa: E501
            "Right, and, um, I mean, it's, it's pretty easy to set up, honestly, it doesn't take long at all.",  # noqa: E501
            "Uh, yeah, so, I mean, we've been around for a while and, um, people are generally, you know, happy.",  # noqa: E501
            "Okay, so, um, let me just, uh, let me just pull that up here on my screen real quick.",
            "Yeah, I mean, the weather's been crazy this week, hasn't it, um, anyway.",
        ],
        "explain": [
            "So the way the plan works is you pay {p} dollars a month per seat and you get everything included.",  # noqa: E501
            "Yeah, so again, the way it works is you pay {p} dollars a month per seat and everything is included.",  # noqa: E501
            "Right, so like I said, you pay {p} dollars a month per seat and you get everything included.",
        ],
        "cust": [
            "Um, yeah, so we're, uh, we're a team of about, you know, {n} people, more or less.",
            "Okay, and, um, does that, uh, does that include the, the integration with our CRM?",
            "Hmm, okay, that's, uh, that's a bit more than we, um, budgeted, honestly.",
            "Yeah, I mean, I need to, um, I need to check with my manager first.",
            "Okay, so, um, can we cancel anytime if it, uh, if it doesn't work out?",
        ],
        "close": ["Great, I'll send the contract and the invoice to your email today.",
                  "Thanks so much for your time, have a great day."],
    },
    "ru": {
        "greet": ["Добрый день, компания Северный ветер, меня зовут {name}, чем могу помочь?"],
        "back": ["Угу.", "Ага.", "Да-да.", "Мм.", "Угу, угу.", "Да-да-да.", "Понятно.", "Хорошо.", "Ясно.",
                 "Так."],
        "hold": ["Секундочку, сейчас посмотрю.", "Минутку, я уточню.", "Одну секунду.", "Сейчас, ну, секунду."],  # noqa: E501
        "talk": [
            "Ну, смотрите, как бы, мы, э-э, в общем, помогаем компаниям, ну, работать с клиентами лучше.",
            "Да, ну, вот, в общем, многим нашим клиентам, как бы, очень нравится, ну, вот эта вся система.",
            "Ну, это, как бы, несложно, в общем, подключить, ну, там ничего такого особенного нет.",
            "Так, ну, сейчас я, э-э, открою, значит, вашу карточку, ну, чтобы посмотреть.",
            "Ну да, погода, конечно, на этой неделе, ну, вообще, как бы, странная.",
            "Вот, ну, мы давно, как бы, на рынке, и, в общем, клиенты, ну, довольны.",
        ],
        "explain": [
            "Тариф работает так: вы платите {p} рублей в месяц за сотрудника, и всё включено.",
            "Ещё раз, тариф работает так: вы платите {p} рублей в месяц за сотрудника, и всё включено.",
            "Как я сказала, вы платите {p} рублей в месяц за сотрудника, и всё включено.",
        ],
        "cust": [
            "Ну, у нас, как бы, команда, ну, человек {n}, примерно.",
            "А, ну, это, как бы, включает интеграцию с нашей CRM?",
            "Хм, ну, это, честно говоря, дороговато для нас.",
            "Ну, мне надо, как бы, посоветоваться с руководителем.",
            "А можно, ну, отказаться в любой момент, если не подойдёт?",
        ],
        "close": ["Отлично, я отправлю договор и счёт вам на почту сегодня.",
                  "Спасибо за звонок, всего доброго."],
    },
}  # fmt: skip


def make_long_transcript(call_id: str, rng: random.Random, language: str = "en", turns: int = 110) -> dict:
    """A ~5-minute call: greeting, backchannels, holds, small talk full of disfluencies, the same
    explanation given 2-4 times, customer questions/objections with numbers, a commitment, goodbye."""
    g = _GEN[language]
    price = rng.choice((29, 39, 49, 79, 990, 1490, 2990))
    out: list[tuple[str, str]] = [("agent", g["greet"][0].format(name=rng.choice(("Dana", "Anna", "Lee"))))]
    explained = 0
    for _ in range(turns - 3):
        roll = rng.random()
        if roll < 0.38:
            out.append((rng.choice(("agent", "customer")), rng.choice(g["back"])))
        elif roll < 0.46:
            out.append(("agent", rng.choice(g["hold"])))
        elif roll < 0.84:
            out.append(("agent" if rng.random() < 0.75 else "customer", rng.choice(g["talk"])))
        elif roll < 0.90 and explained < 4:
            out.append(("agent", g["explain"][explained % 3].format(p=price)))
            explained += 1
        else:
            out.append(("customer", rng.choice(g["cust"]).format(n=rng.choice((12, 25, 40)))))
    out += [("agent", g["close"][0]), ("agent", g["close"][1])]
    return make_transcript_from_turns(call_id, out, language)


#: What a speaker adds to a sentence when saying it again, by language (see :func:`vary`).
_ASIDES = {
    "en": ("um,", "uh,", "you know,", "like,", "I mean,", "well,", "so,", "okay,", "right,"),
    "ru": ("ну,", "э-э,", "как бы,", "вот,", "в общем,", "значит,", "короче,", "так,", "слушайте,"),
}


def vary(transcript: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """``transcript`` with each turn of three words or more said a little differently: a filler
    inserted or a word repeated, as people and ASR render the same sentence differently each time.

    :func:`make_long_transcript` draws its turns from small pools (about a hundred distinct texts in
    a hundred calls), so a per-text cache in the stages would hit far more often than on real
    traffic, where sentences rarely repeat. Backchannels ("Uh-huh.", "Угу.") are left as they are:
    real calls repeat those. Words next to a number are left alone, so a price stays one price.
    """
    asides = _ASIDES[transcript["language"]]
    for segment in transcript["segments"]:
        words = segment["text"].split(" ")
        if len(words) < 3:
            continue
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(1, len(words))
            if any(c.isdigit() for c in words[at - 1] + words[at]):
                continue
            if rng.random() < 0.7:
                words.insert(at, rng.choice(asides))
            elif words[at].isalpha():
                words.insert(at, words[at] + ",")  # "the, the"
        segment["text"] = " ".join(words)
    return transcript


# --- the benchmark -----------------------------------------------------------------------------------


def _pipeline(count: Callable[[str], int]) -> Callable[[dict[str, Any]], tuple[dict, dict]]:
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from processors.rules import rule_metrics

    def run(transcript: dict[str, Any]) -> tuple[dict, dict]:
        filtered = filter_transcript(transcript)
        compressed = compress(filtered, count, "bench")
        return compressed, rule_metrics(filtered["transcript"])

    return run


def measure(calls: int = 200, seed: int = 11) -> dict[str, Any]:
    """Every number the benchmark prints, as a dict (the pytest bench asserts on it)."""
    from ml.tokenizer import TokenCounter
    from processors.keyfacts import extract_key_facts, missing_facts

    counter = TokenCounter()
    run = _pipeline(counter)
    rng = random.Random(seed)
    fixtures = [fixture_transcript(name) for name in FIXTURES]
    generated = []
    for i in range(max(2, calls)):
        generated.append(vary(make_long_transcript(f"gen-{i}", rng, "en" if i % 2 else "ru"), rng))
    result: dict[str, Any] = {"calls": len(generated)}
    per_fixture: dict[str, float] = {}
    for label, batch in (("fixtures", fixtures), ("generated", generated)):
        before = after = facts = kept = 0
        for transcript in batch:
            compressed, _ = run(transcript)
            before += compressed["tokens_before"]
            after += compressed["tokens_after"]
            if label == "fixtures":
                name = transcript["call_id"].removeprefix("fx-")
                per_fixture[name] = 1 - compressed["tokens_after"] / max(compressed["tokens_before"], 1)
            found = extract_key_facts(transcript)
            facts += len(found)
            kept += len(found) - len(missing_facts(found, compressed["text"]))
        result[label] = {
            "tokens_before": before,
            "tokens_after": after,
            "removed": 1 - after / before if before else 0.0,
            "facts": facts,
            "recall": kept / facts if facts else 1.0,
        }
    result["fixtures"]["per_fixture"] = per_fixture
    # throughput on one core: pass-through baseline, the stages without and with token counting
    sample = generated[: min(len(generated), 200)]
    start = time.perf_counter()
    for t in sample:
        "\n".join(s["text"] for s in t["segments"])
    base = len(sample) / max(time.perf_counter() - start, 1e-9)
    no_count = _pipeline(len)
    start = time.perf_counter()
    for t in sample:
        no_count(t)
    stages = len(sample) / (time.perf_counter() - start)
    start = time.perf_counter()
    for t in sample:
        run(t)
    with_tokens = len(sample) / (time.perf_counter() - start)
    words = sum(len(s["text"].split()) for t in sample for s in t["segments"]) / len(sample)
    duration = sum(t["duration"] for t in sample) / len(sample)
    result["throughput"] = {
        "passthrough": base,
        "stages": stages,
        "stages_with_tokenizer": with_tokens,
        "tokenizer_engine": counter.engine,
        "words_per_call": words,
        "seconds_per_call": duration,
    }
    return result


def run_text_bench(calls: int = 200) -> int:
    """Print the text benchmark table; 0 always (a benchmark reports, it does not gate)."""
    r = measure(calls)
    print("text stages: filter → compress → rules (one core)")
    print(f"{'metric':<44} {'baseline':>14} {'callstream':>14} {'target':>10}")
    for label in ("fixtures", "generated"):
        m = r[label]
        print(
            f"{'tokens, ' + label + ' (' + str(m['tokens_before']) + ' total)':<44} "
            f"{m['tokens_before']:>14} {m['tokens_after']:>14} {'':>10}"
        )
        print(
            f"{'  tokens removed, ' + label:<44} {'0.0 %':>14} {m['removed'] * 100:>12.1f} % "
            f"{'≥ ' + str(int(TOKENS_TARGET * 100)) + ' %':>10}"
        )
        print(
            f"{'  key-fact recall, ' + label + ' (' + str(m['facts']) + ' facts)':<44} {'100.0 %':>14} "
            f"{m['recall'] * 100:>12.1f} % {'≥ ' + str(int(RECALL_TARGET * 100)) + ' %':>10}"
        )
        for name, removed in m.get("per_fixture", {}).items():
            print(f"{'    removed, ' + name:<44} {'0.0 %':>14} {removed * 100:>12.1f} %")
    tp = r["throughput"]
    label = f"calls/s, ~{tp['seconds_per_call']:.0f} s calls, {tp['words_per_call']:.0f} words"
    print(
        f"{label:<44} "
        f"{tp['passthrough']:>14.0f} {tp['stages']:>14.0f} {'≥ ' + str(int(THROUGHPUT_TARGET)):>10}"
    )
    print(
        f"{'calls/s incl. token counts (' + tp['tokenizer_engine'] + ')':<44} {tp['passthrough']:>14.0f} "
        f"{tp['stages_with_tokenizer']:>14.0f} {'':>10}"
    )
    return 0
