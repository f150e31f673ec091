"""Token counts: the tiktoken fast path must count exactly what Hugging Face ``tokenizers`` counts."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from ml.tokenizer import TokenCounter, default_tokenizer_path, tiktoken_ranks
from processors.compression import compress, dialogue_lines
from processors.filtering import filter_transcript
from streams.bench_text import FIXTURES, fixture_transcript, make_long_transcript

ADVERSARIAL = [
    "",
    " ",
    "   leading and trailing   ",
    "tabs\tand\nnew\n\nlines\r\n",
    "It's what they've said: we'll, I'd, you're, I'm. IT'S SHOUTED'S",
    "don't ' s 's ''s",
    "2 990 рублей, $39.99, 1,234,567 and 0.5%",
    "Привет, мир! Ёлка, щи, объём — «кавычки» и „такие“",
    "emoji 😀👍🏽 and 👨‍👩‍👧 family",
    "中文字符 and 日本語のテキスト, 한국어",
    "combining é vs é, ﬁ ligature, ß, İstanbul",
    "non-breaking\u00a0space, thin\u2009space, zero\u200bwidth",
    "right-to-left: مرحبا بالعالم שלום",
    "<|endoftext|> in the middle <|en|> and <|notimestamps|>",
    "half an opening <| and a closing |> only",
    "Agent: Good morning.\nCustomer: Hi!!!   ...   ?!",
    "a" * 500,
    "ab " * 300,
]


@pytest.fixture(scope="module")
def counter() -> TokenCounter:
    return TokenCounter()


def test_default_tokenizer_counts_with_tiktoken(counter: TokenCounter) -> None:
    assert counter.engine == "tiktoken"
    assert counter.name == "whisper-multilingual"


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_adversarial_text_counts_the_same(counter: TokenCounter, text: str) -> None:
    assert counter(text) == counter.slow(text)


def test_call_texts_count_the_same(counter: TokenCounter) -> None:
    rng = random.Random(5)
    calls = [fixture_transcript(name) for name in FIXTURES]
    calls += [make_long_transcript(f"t{i}", rng, "en" if i % 2 else "ru") for i in range(40)]
    texts = []
    for call in calls:
        texts.append("\n".join(dialogue_lines(call["segments"], merge=False)))
        texts.append(compress(filter_transcript(call), len, "len")["text"])
    assert counter.many(texts) == [counter.slow(t) for t in texts]


def test_random_text_counts_the_same(counter: TokenCounter) -> None:
    pool = [*"aeiou xyzАБВабвёЁ0123456789 .,!?'’\"-—\n\t", "'s", "'ll", "  ", "😀", "é", "<|", "|>"]
    rng = random.Random(11)
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 120))) for _ in range(1500)]
    assert counter.many(texts) == [counter.slow(t) for t in texts]


@pytest.fixture(scope="module")
def whisper_json() -> dict:
    return json.loads(default_tokenizer_path().read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d.update(normalizer={"type": "NFC"}), id="normalizer"),
        pytest.param(lambda d: d["pre_tokenizer"].update(add_prefix_space=True), id="prefix-space"),
        pytest.param(lambda d: d.update(pre_tokenizer={"type": "Whitespace"}), id="other-split"),
        pytest.param(lambda d: d["model"].update(dropout=0.1), id="dropout"),
        pytest.param(lambda d: d["model"]["merges"].reverse(), id="merges-out-of-order"),
        pytest.param(lambda d: d["model"]["merges"].pop(), id="token-without-merge"),
    ],
)
def test_tokenizers_tiktoken_cannot_match_are_refused(whisper_json: dict, change) -> None:
    assert tiktoken_ranks(whisper_json) is not None
    data = copy.deepcopy(whisper_json)
    change(data)
    assert tiktoken_ranks(data) is None


def test_other_tokenizer_counts_with_tokenizers(whisper_json: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(whisper_json)
    data["normalizer"] = {"type": "Lowercase"}
    path = tmp_path / "lowercase" / "tokenizer.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data), encoding="utf-8")
    counter = TokenCounter(path)
    assert counter.engine == "tokenizers"
    assert counter.name == "lowercase"
    assert counter("HELLO World") == counter.slow("HELLO World") == counter.slow("hello world")
