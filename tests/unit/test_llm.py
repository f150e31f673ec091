"""ml.llm OpenAI-compatible backend against an in-test HTTP server: answers, retries, errors."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ml.llm import LLMAnswerError, LLMConfig, LLMRequestError, LLMUnavailable, OpenAIBackend, chat_url
from ml.prompts import PROMPT_VERSION, REASONING_MAX_CHARS, answer_schema, check_answer
from processors.scorecard import default_scorecard
from processors.scoring import Scorer, cost_usd
from streams.stage import TRANSIENT
from tests.factories import make_call_score

CARD = default_scorecard()


def good_answer(**overrides: Any) -> dict[str, Any]:
    answer = {
        "reasoning": {c.id: f"why {c.id}" for c in CARD.llm_criteria},
        "summary": "The customer asked for a quote and agreed to receive the contract.",
        "politeness": 92,
        "objection_handling": 88,
        "sale_probability": 94,
        "deal_stage": "closing",
        "case_examples": "no",
    }
    return answer | overrides


def completion(content: str, prompt_tokens: int = 300, completion_tokens: int = 80) -> dict[str, Any]:
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "model": "sales-lora",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens},
    }


Reply = tuple[int, Any] | Callable[[], tuple[int, Any]]


class FakeServer:
    """Answers POST /v1/chat/completions with the queued replies, recording every request body."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                outer.headers.append(dict(self.headers))
                reply = outer.replies.pop(0) if outer.replies else (500, {"error": "no reply queued"})
                status, payload = reply() if callable(reply) else reply
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    srv = FakeServer()
    yield srv
    srv.close()


def backend(server: FakeServer, **kw: Any) -> OpenAIBackend:
    config = {"url": server.url, "model": "sales-lora", "timeout_s": 2.0, "retries": 2, "backoff_s": 0.01}
    return OpenAIBackend(LLMConfig(**(config | kw)))


def test_chat_url_accepts_base_with_or_without_v1():
    assert chat_url("http://h:8000") == "http://h:8000/v1/chat/completions"
    assert chat_url("http://h:8000/v1/") == "http://h:8000/v1/chat/completions"
    assert chat_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"
    # a gateway's query string stays at the end (it was appended to before: ...?k=1/v1/chat/completions)
    assert chat_url("http://h/v1?api-version=1&k=2") == "http://h/v1/chat/completions?api-version=1&k=2"


def with_credentials(url: str) -> str:
    """``url`` (http://127.0.0.1:PORT/v1) with a user:password@ and a signed query string."""
    return url.replace("http://", "http://llmuser:URLPASSWORD@") + "?token=QUERYSECRET"


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ((401, {"error": "unauthorized"}), LLMRequestError),
        ((400, {"error": "maximum context length is 10 tokens, 900 in the messages"}), LLMRequestError),
        ((500, {"error": "down"}), LLMUnavailable),
    ],
)
def test_url_credentials_stay_out_of_errors_and_logs(server, caplog, reply, error):
    """Security audit M1: the URL's user:password@ and query string reached the worker log and
    ClickHouse's dead_letters.error_message; now it is named as `callstream config` shows it."""
    server.replies = [reply] * 3
    with caplog.at_level("INFO", logger="ml.llm"), pytest.raises(error) as info:
        backend(server, url=with_credentials(server.url), retries=1).score(CARD, "Agent: Hello.")
    said = [str(info.value), *(r.getMessage() for r in caplog.records)]
    port = server.url.split(":")[-1].split("/")[0]
    assert f"LLM server 'http://127.0.0.1:{port}' (rest hidden)" in str(info.value)
    for text in said:
        assert "URLPASSWORD" not in text and "QUERYSECRET" not in text and "llmuser" not in text, text
    assert server.headers[0]["Authorization"].startswith("Basic ")  # the URL's credentials were used


def test_connection_errors_do_not_name_the_url_credentials(caplog):
    srv = FakeServer()
    url = with_credentials(srv.url)
    srv.close()
    llm = OpenAIBackend(LLMConfig(url=url, model="m", timeout_s=1.0, retries=1, backoff_s=0.01))
    with caplog.at_level("WARNING", logger="ml.llm"), pytest.raises(LLMUnavailable) as info:
        llm.score(CARD, "Agent: Hello.")
    for text in [str(info.value), *(r.getMessage() for r in caplog.records)]:
        assert "URLPASSWORD" not in text and "QUERYSECRET" not in text, text
    assert "ConnectError" in str(info.value)


def test_a_server_echoing_the_api_key_does_not_put_it_in_the_error(server):
    server.replies = [(401, {"error": "Incorrect API key provided: sk-ECHOED-KEY"})]
    with pytest.raises(LLMRequestError) as info:
        backend(server, api_key="sk-ECHOED-KEY").score(CARD, "Agent: Hello.")
    assert "sk-ECHOED-KEY" not in str(info.value) and "Incorrect API key provided: ***" in str(info.value)
    assert server.headers[0]["Authorization"] == "Bearer sk-ECHOED-KEY"


def test_url_credentials_and_an_api_key_are_refused_together(server):
    """httpx sends a URL's user:password@ as Basic auth, replacing the Bearer header: the key was
    silently never sent. Refused (here and at settings validation) rather than guessed."""
    with pytest.raises(ValueError, match="one Authorization header") as info:
        backend(server, url=with_credentials(server.url), api_key="sk-KEY")
    assert "URLPASSWORD" not in str(info.value) and "sk-KEY" not in str(info.value)


def test_valid_answer_with_structured_output_request(server):
    server.replies = [(200, completion(json.dumps(good_answer())))]
    result = backend(server, api_key="sk-test").score(CARD, "Agent: Hello.\nCustomer: Hi.", "en")

    assert result.values["politeness"] == (92.0, None, "why politeness")
    assert result.values["deal_stage"] == (None, "closing", "why deal_stage")
    assert result.values["case_examples"] == (0.0, "no", "why case_examples")
    assert result.summary.startswith("The customer asked")
    assert (result.tokens_in, result.tokens_out, result.attempts) == (300, 80, 1)
    assert result.model_id == "sales-lora" and result.prompt_version == PROMPT_VERSION
    (body,) = server.requests
    assert body["model"] == "sales-lora"  # vLLM picks the LoRA adapter by this name
    assert body["response_format"]["type"] == "json_schema"
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema == answer_schema(CARD)
    assert list(schema["properties"])[:2] == ["reasoning", "summary"]  # explain first, score second
    # Every text is capped, so a grammar-enforcing server closes a looping string (whole JSON).
    texts = [schema["properties"]["summary"], *schema["properties"]["reasoning"]["properties"].values()]
    assert all(t == {"type": "string", "maxLength": REASONING_MAX_CHARS} for t in texts), texts
    assert schema["properties"]["politeness"] == {"type": "integer", "minimum": 0, "maximum": 100}
    assert schema["properties"]["deal_stage"]["enum"] == [
        "start",
        "needs",
        "presentation",
        "objections",
        "closing",
    ]
    assert "price_named" not in schema["properties"]  # rule criteria are not asked of the model
    assert "Agent: Hello." in body["messages"][-1]["content"]
    assert server.headers[0]["Authorization"] == "Bearer sk-test"


def test_invalid_json_then_valid_on_retry_with_error_appended(server):
    server.replies = [
        (200, completion("Sure! Here is the score: politeness 90", 300, 12)),
        (200, completion(json.dumps(good_answer()), 340, 80)),
    ]
    result = backend(server).score(CARD, "Agent: Hello.")

    assert result.attempts == 2
    assert (result.tokens_in, result.tokens_out) == (640, 92)  # both attempts are paid for
    retry = server.requests[1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": "Sure! Here is the score: politeness 90"}
    assert "not valid JSON" in retry[-1]["content"]


def test_out_of_range_twice_is_a_dead_letter_error_with_the_raw_answer(server):
    bad = json.dumps(good_answer(politeness=140))
    server.replies = [(200, completion(bad)), (200, completion(bad))]
    with pytest.raises(LLMAnswerError) as err:
        backend(server).score(CARD, "Agent: Hello.")

    message = str(err.value)
    assert "politeness must be within 0-100, got 140" in message
    assert '\\"politeness\\": 140' in message or '"politeness": 140' in message  # raw answer kept
    assert "within 0-100" in server.requests[1]["messages"][-1]["content"]
    assert not isinstance(err.value, TRANSIENT)  # not retried by the stage: straight to the DLQ
    # what validated comes with it: the score stage stores the call with politeness failed
    partial = err.value.result
    assert partial.failed == {"politeness": "politeness must be within 0-100, got 140"}
    assert set(partial.values) == {c.id for c in CARD.llm_criteria} - {"politeness"}
    assert partial.values["objection_handling"] == (88.0, None, "why objection_handling")
    assert partial.raw_answer == bad and partial.attempts == 2 and partial.summary


def test_enum_and_missing_fields_are_all_reported(server):
    answer = good_answer(deal_stage="won")
    del answer["sale_probability"]
    server.replies = [(200, completion(json.dumps(answer)))] * 2
    with pytest.raises(LLMAnswerError) as err:
        backend(server).score(CARD, "Agent: Hello.")
    assert "sale_probability is missing" in str(err.value)
    assert "deal_stage must be one of" in str(err.value) and "got 'won'" in str(err.value)
    assert set(err.value.result.failed) == {"deal_stage", "sale_probability"}


def test_500_then_success_is_retried_with_backoff(server):
    server.replies = [
        (500, {"error": "overloaded"}),
        (503, "busy"),
        (200, completion(json.dumps(good_answer()))),
    ]
    result = backend(server).score(CARD, "Agent: Hello.")
    assert result.values["sale_probability"][0] == 94.0
    assert len(server.requests) == 3


def test_persistent_500_raises_transient_error(server):
    server.replies = [(500, {"error": "down"})] * 3
    with pytest.raises(LLMUnavailable, match=r"after 3 tries: HTTP 500"):
        backend(server).score(CARD, "Agent: Hello.")
    assert isinstance(LLMUnavailable("x"), TRANSIENT)  # the stage retries it, then dead-letters


def test_timeout_raises_transient_error(server):
    def slow() -> tuple[int, Any]:
        time.sleep(1.0)
        return 200, completion(json.dumps(good_answer()))

    server.replies = [slow, slow]
    started = time.perf_counter()
    with pytest.raises(LLMUnavailable, match=r"timeout after 0\.2s"):
        backend(server, timeout_s=0.2, retries=1).score(CARD, "Agent: Hello.")
    assert time.perf_counter() - started < 1.5


def test_connection_refused_is_transient():
    srv = FakeServer()
    url = srv.url
    srv.close()
    llm = OpenAIBackend(LLMConfig(url=url, model="m", timeout_s=1.0, retries=1, backoff_s=0.01))
    with pytest.raises(LLMUnavailable):
        llm.score(CARD, "Agent: Hello.")


def test_4xx_is_a_request_error_not_retried(server):
    server.replies = [(404, {"error": "The model `nope` does not exist."})]
    with pytest.raises(LLMRequestError, match="HTTP 404"):
        backend(server).score(CARD, "Agent: Hello.")
    assert len(server.requests) == 1


def test_json_object_mode_for_llama_cpp_python(server):
    server.replies = [(200, completion(json.dumps(good_answer())))]
    backend(server, response_format="json_object").score(CARD, "Agent: Hello.")
    assert server.requests[0]["response_format"] == {"type": "json_object", "schema": answer_schema(CARD)}


def test_scorer_with_llm_records_tokens_latency_cost_summary_and_total(server):
    server.replies = [(200, completion(json.dumps(good_answer())))]
    scorer = Scorer(scorer="llm", llm=backend(server), gpu_price_per_hour=2.0, gpu_concurrency=4)
    compressed = make_call_score("c-llm")["compressed"]
    score = scorer.score(compressed)

    assert score["scorer"] == "llm" and score["model_id"] == "sales-lora"
    assert score["prompt_version"] == PROMPT_VERSION
    assert score["summary"].startswith("The customer")
    assert (score["llm_tokens_in"], score["llm_tokens_out"]) == (300, 80)
    assert score["llm_latency_s"] > 0
    assert score["cost_usd"] == pytest.approx(cost_usd(score["llm_latency_s"], 2.0, 4))
    by_id = {c["id"]: c for c in score["criteria"]}
    assert all(c["status"] == "scored" for c in by_id.values())
    assert by_id["politeness"]["reasoning"] == "why politeness"
    assert by_id["price_named"]["label"] == "yes"  # rule criteria still computed in code
    # weights 2,2,1,1,1,1: (2*92 + 2*88 + 94 + 100 (closing) + 0 (no cases) + 100 (price)) / 8
    assert score["total"] == pytest.approx((184 + 176 + 94 + 100 + 0 + 100) / 8)
    assert score["fatal_failed"] is False
    assert scorer.uses_llm


def test_fatal_criterion_zeroes_the_total(server):
    server.replies = [(200, completion(json.dumps(good_answer(politeness=10))))]
    score = Scorer(scorer="llm", llm=backend(server)).score(make_call_score("c-fatal")["compressed"])
    assert score["fatal_failed"] is True and score["total"] == 0.0
    assert score["cost_usd"] is None  # no GPU price configured


def test_cost_per_call():
    assert cost_usd(1.8, 2.0) == pytest.approx(0.001)
    assert cost_usd(1.8, 2.0, gpu_concurrency=10) == pytest.approx(0.0001)
    assert cost_usd(1.8, None) is None


def test_bench_scoring_with_and_without_compression_on_both_backends(server, capsys):
    from streams.bench_scoring import run_scoring_bench
    from streams.settings import load_settings

    server.replies = [(200, completion(json.dumps(good_answer()), 900, 120))] * 10
    settings = load_settings(llm_url=server.url, llm_model="sales-lora", gpu_price_per_hour=2.0)
    assert run_scoring_bench(settings, 5) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith(("baseline ", "llm sales-lora "))]
    assert [r[0] for r in rows] == ["baseline", "baseline", "llm", "llm"]
    assert [r[2] if r[0] == "llm" else r[1] for r in rows] == ["compressed", "raw"] * 2
    assert len(server.requests) == 10  # 5 calls x (compressed, raw)
    assert "compressed/raw tokens" in out


# --- the CPU server trial ------------------------------------------------------------------------------


def test_a_refused_response_format_is_a_request_error_with_the_fix_not_retried(server):
    """llama-cpp-python answers json_schema with a 500 ("Input should be 'text' or 'json_object'"):
    retried 12 times per call, every call dead-lettered as "unavailable" after a minute."""
    refusal = {
        "detail": [
            {"loc": ["body", "response_format", "type"], "msg": "Input should be 'text' or 'json_object'"}
        ]
    }
    server.replies = [(500, refusal)]
    with pytest.raises(LLMRequestError, match=r"set CALLSTREAM_LLM_RESPONSE_FORMAT=json_object"):
        backend(server).score(CARD, "Agent: Hello.")
    assert len(server.requests) == 1
    server.replies = [(500, {"error": "overloaded"}), (200, completion(json.dumps(good_answer())))]
    assert backend(server).score(CARD, "Agent: Hello.").attempts == 1  # a plain 500 is still retried


def test_model_id_is_the_model_that_answered(server):
    """A server serving another model than the one asked for (llama-cpp-python serves its one model
    under any name) is recorded as what answered, not as the configured name."""
    server.replies = [(200, {**completion(json.dumps(good_answer())), "model": "smollm2"})]
    assert backend(server, model="gpt-4o").score(CARD, "Agent: Hello.").model_id == "smollm2"
    server.replies = [(200, {k: v for k, v in completion(json.dumps(good_answer())).items() if k != "model"})]
    assert backend(server, model="gpt-4o").score(CARD, "Agent: Hello.").model_id == "gpt-4o"


@pytest.mark.parametrize("why", ["10", "8.7", ".34", "...", "—", "1/5"])
def test_a_bare_number_is_no_reasoning(why):
    answer = good_answer()
    answer["reasoning"] = {**answer["reasoning"], "politeness": why}
    checked = check_answer(CARD, json.dumps(answer))
    assert "reasoning.politeness must explain the value in words" in "; ".join(checked.problems)
    answer["reasoning"]["politeness"] = "OK, greeted"
    assert not check_answer(CARD, json.dumps(answer)).problems
