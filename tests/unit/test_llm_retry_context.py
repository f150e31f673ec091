"""ml.llm: Retry-After on 429/503 (capped), and one retry with the dialogue cut when a prompt
exceeds the model's context; through httpx.MockTransport, with sleep recorded instead of slept."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

import ml.llm
from ml.llm import (
    LLMConfig,
    LLMContextTooLong,
    LLMRequestError,
    OpenAIBackend,
    context_counts,
    cut_dialogue,
    retry_after_s,
)
from processors.doubts import TRANSCRIPT_CUT, kind_of
from processors.rows import score_rows
from processors.scorecard import default_scorecard
from processors.scoring import Scorer
from schemas.codec import SingleObjectCodec
from tests.factories import make_call_score
from tests.unit.test_llm import completion, good_answer

CARD = default_scorecard()
VLLM_TOO_LONG = (
    "This model's maximum context length is 4096 tokens. However, you requested 5120 tokens (4608 in the "
    "messages, 512 in the completion). Please reduce the length of the messages or completion."
)
OK = (200, completion(json.dumps(good_answer())))


class Fake:
    """Queued (status, body[, headers]) replies; records every request body."""

    def __init__(self, *replies: tuple[Any, ...]) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(json.loads(request.content))
        status, body, *headers = self.replies.pop(0)
        return httpx.Response(status, json=body, headers=headers[0] if headers else None)

    def backend(self, **kw: Any) -> OpenAIBackend:
        config = LLMConfig(**({"url": "http://llm/v1", "model": "m", "retries": 2, "backoff_s": 0.5} | kw))
        return OpenAIBackend(config, client=httpx.Client(transport=httpx.MockTransport(self)))

    def dialogue(self, n: int) -> str:
        """The <transcript> of request ``n``."""
        user = self.requests[n]["messages"][1]["content"]
        return user.split("<transcript>\n", 1)[1].rsplit("\n</transcript>", 1)[0]


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(ml.llm.time, "sleep", slept.append)
    return slept


def error(message: str, code: str | None = None) -> dict[str, Any]:
    return {"object": "error", "message": message, "type": "BadRequestError", "code": code or 400}


# --- Retry-After ---------------------------------------------------------------------------------


def test_429_retry_after_seconds_replaces_the_backoff(waits):
    fake = Fake((429, error("slow down"), {"Retry-After": "7"}), OK)
    fake.backend().score(CARD, "AGENT: Hello.")
    assert waits == [7.0]
    assert len(fake.requests) == 2


def test_503_retry_after_http_date(waits):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=12), usegmt=True)
    fake = Fake((503, error("busy"), {"Retry-After": when}), OK)
    fake.backend().score(CARD, "AGENT: Hello.")
    assert len(waits) == 1 and 9.0 < waits[0] <= 12.0


def test_a_retry_after_past_the_cap_is_logged_and_capped(waits, caplog):
    fake = Fake((429, error("quota"), {"Retry-After": "3600"}), OK)
    with caplog.at_level(logging.WARNING, logger="ml.llm"):
        fake.backend(max_retry_after_s=20.0).score(CARD, "AGENT: Hello.")
    assert waits == [20.0]
    assert "3600" in caplog.text and "max_retry_after_s=20s" in caplog.text


def test_without_or_with_an_unreadable_retry_after_the_backoff_applies(waits):
    fake = Fake((429, error("x")), (503, error("y"), {"Retry-After": "soon"}), OK)
    fake.backend().score(CARD, "AGENT: Hello.")
    assert waits == [0.5, 1.0]


def test_retry_after_only_counts_on_429_and_503(waits):
    fake = Fake((500, error("z"), {"Retry-After": "9"}), OK)
    fake.backend().score(CARD, "AGENT: Hello.")
    assert waits == [0.5]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        (" 15 ", 15.0),
        ("-3", None),
        ("nan", None),
        ("", None),
        (None, None),
        ("later", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_retry_after_values(header, seconds):
    assert retry_after_s(header) == seconds


# --- context too long ----------------------------------------------------------------------------


def long_dialogue(n: int = 200) -> str:
    return "\n".join(f"{'AGENT' if i % 2 else 'CUSTOMER'}: line {i}" + " words" * 12 for i in range(n))


def test_context_too_long_is_retried_once_with_the_middle_cut(waits):
    fake = Fake((400, error(VLLM_TOO_LONG)), OK)
    dialogue = long_dialogue()
    result = fake.backend(max_tokens=512).score(CARD, dialogue)

    assert len(fake.requests) == 2 and waits == []
    first, second = fake.dialogue(0), fake.dialogue(1)
    assert first == dialogue
    lines = second.splitlines()
    assert lines[0] == dialogue.splitlines()[0] and lines[-1] == dialogue.splitlines()[-1]
    marker = [line for line in lines if "cut to fit the model's context" in line]
    assert len(marker) == 1 and marker[0].startswith("[… ") and " lines cut " in marker[0]
    # 4608 prompt tokens for a budget of (4096 - 512) x 0.85: the dialogue shrinks by about a third.
    assert 0.45 < len(second) / len(dialogue) < 0.7
    assert result.warnings and "transcript cut to fit the model's context (4096 tokens)" in result.warnings[0]
    assert [kind_of(w) for w in result.warnings] == [TRANSCRIPT_CUT]
    assert result.values["sale_probability"][0] == 94.0


def test_the_cut_reaches_the_score_warnings_and_clickhouse_rows():
    fake = Fake((400, error("prompt is longer than the maximum model length of 4096")), OK)
    compressed = make_call_score("c-long")["compressed"]
    compressed = {**compressed, "text": long_dialogue()}
    score = Scorer(scorer="llm", llm=fake.backend()).score(compressed)
    assert len(score["warnings"]) == 1 and score["warnings"][0].startswith("transcript cut to fit")
    assert score["warning_kinds"] == [TRANSCRIPT_CUT]
    assert score["summary"] == good_answer()["summary"]
    codec = SingleObjectCodec()
    decoded = codec.decode("CallScore", codec.encode("CallScore", score))
    assert decoded["warnings"] == score["warnings"] and decoded["warning_kinds"] == [TRANSCRIPT_CUT]
    [row] = score_rows(decoded, 1)["calls"]
    assert row["warnings"] == score["warnings"] and row["warning_kinds"] == [TRANSCRIPT_CUT]


def test_a_score_without_a_cut_has_no_warnings():
    score = Scorer(scorer="llm", llm=Fake(OK).backend()).score(make_call_score("c-ok")["compressed"])
    assert score["warnings"] == [] and score["warning_kinds"] == []


def test_still_too_long_after_the_cut_raises_a_request_error(waits):
    fake = Fake((400, error(VLLM_TOO_LONG)), (400, error(VLLM_TOO_LONG)))
    with pytest.raises(LLMRequestError, match=r"HTTP 400.*even with the transcript cut") as err:
        fake.backend(max_tokens=512).score(CARD, long_dialogue())
    assert isinstance(err.value, LLMContextTooLong)
    assert len(fake.requests) == 2


def test_no_cut_when_the_prompt_cannot_fit_even_without_the_transcript():
    too_small = (
        "This model's maximum context length is 600 tokens. However, you requested 5120 tokens "
        "(4608 in the messages, 512 in the completion)."
    )
    fake = Fake((400, error(too_small)))
    with pytest.raises(LLMContextTooLong, match="even without the transcript"):
        fake.backend(max_tokens=512).score(CARD, long_dialogue())
    assert len(fake.requests) == 1


def test_other_400s_raise_at_once():
    fake = Fake((400, error("response_format.json_schema is invalid")))
    with pytest.raises(LLMRequestError, match="HTTP 400") as err:
        fake.backend().score(CARD, long_dialogue())
    assert not isinstance(err.value, LLMContextTooLong)
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("message", "counts"),
    [
        (VLLM_TOO_LONG, (4096, 4608, 512)),
        (
            "This model's maximum context length is 4096 tokens. However, you requested 512 output tokens "
            "and your prompt contains at least 3585 input tokens, for a total of at least 4097 tokens.",
            (4096, 3585, 512),
        ),
        ("Input prompt (5000 tokens) is longer than the maximum model length of 4096.", (4096, 5000, None)),
        (
            "The prompt (total length 5000) is too long to fit into the model (context length 4096).",
            (4096, 5000, None),
        ),
        (
            "the sum of prompt length (4608) and max_tokens (512) exceeds max_model_len (4096)",
            (4096, 4608, 512),
        ),
        (
            json.dumps(
                {
                    "error": {
                        "message": "Please reduce the length of the messages.",
                        "code": "context_length_exceeded",
                    }
                }
            ),
            (None, None, None),
        ),
        ("invalid model name", None),
    ],
)
def test_context_counts_wordings(message, counts):
    assert context_counts(message) == counts


def test_cut_dialogue_keeps_both_ends_and_a_single_long_line():
    text, cut, total = cut_dialogue("a\nb\nc\nd\ne\nf", 6)
    assert (text, cut, total) == ("a\n[… 3 lines cut to fit the model's context …]\ne\nf", 3, 6)
    text, cut, _ = cut_dialogue("x" * 100, 20)
    assert text.startswith("x" * 10 + "\n[… 80 characters cut") and text.endswith("\n" + "x" * 10)
    assert cut_dialogue("short", 100) == ("short", 0, 1)
