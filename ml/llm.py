"""LLM backends for the score stage: an OpenAI-compatible HTTP client (vLLM, llama.cpp server, ...).

One HTTP path covers every server that speaks ``/v1/chat/completions``: vLLM (production; a LoRA
adapter is chosen by using its name as ``model``), llama.cpp's server (tests), hosted APIs. The
client is synchronous (httpx): the score stage runs it in the worker's executor, off the event loop.

Error policy, matching the stage runner's:

- connection errors, timeouts, HTTP 408, 429 and 5xx, and a 200 whose body is no JSON object are
  retried here with exponential backoff; when the retries are spent :class:`LLMUnavailable` (a
  ``ConnectionError``) lets the stage retry the record later and, after
  ``CALLSTREAM_MAX_ATTEMPTS``, dead-letter it;
- an answer that is not valid JSON or breaks the scorecard (range, enum, missing field) gets one
  retry with the error appended to the conversation (an answer cut off by ``max_tokens`` or a
  content filter says so); a second invalid answer raises :class:`LLMAnswerError` (not transient)
  carrying what of that answer validated (``result``: the criteria that did, and ``failed`` with
  the reason of each that did not), so the score stage stores a partial score and dead-letters
  only the answer, with the reason and the raw text;
- other 4xx (bad model name, request too long) raise :class:`LLMRequestError`: retrying cannot help.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from ml.prompts import (
    PROMPT_VERSION,
    CheckedAnswer,
    answer_schema,
    build_messages,
    check_answer,
    retry_message,
)
from processors.scorecard import Scorecard

log = logging.getLogger(__name__)

#: How much of a raw answer a dead letter keeps.
RAW_LIMIT = 2000
#: Statuses another try may get past: request timeout, rate limit (5xx are retried too).
_RETRY_STATUSES = (408, 429)
#: Why a server stopped an answer early, as the error (and the retry prompt) explains it.
_STOPPED = {
    "length": "the answer was cut off at max_tokens={max_tokens} (finish_reason length): keep every "
    "reasoning to one short sentence",
    "content_filter": "the server's content filter stopped the answer (finish_reason content_filter)",
}


class LLMUnavailable(ConnectionError):
    """The server did not answer (connection, timeout, 429/5xx) after the client's retries."""


class LLMRequestError(RuntimeError):
    """The server refused the request (4xx other than 429): configuration, not load."""


class LLMAnswerError(ValueError):
    """The model answered twice with JSON that does not satisfy the scorecard.

    ``result`` holds what of the last answer validated (``values``, ``summary`` or None) and why
    each other criterion failed (``failed``), with the tokens and latency of both requests.
    """

    def __init__(self, message: str, result: LLMResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 60.0
    max_concurrency: int = 4
    retries: int = 3
    backoff_s: float = 0.5
    max_tokens: int = 1024
    temperature: float = 0.0
    #: json_schema (vLLM, llama.cpp's llama-server, OpenAI) | json_object (llama-cpp-python's server:
    #: the schema goes in ``response_format.schema``) | none (prompt only; validation still applies).
    response_format: str = "json_schema"


@dataclass
class LLMResult:
    #: ``{id: (value, label, reasoning)}`` of the criteria that validated.
    values: dict[str, tuple[float | None, str | None, str]]
    #: None only in an invalid answer's partial result, when the summary itself was invalid.
    summary: str | None
    tokens_in: int
    tokens_out: int
    latency_s: float
    attempts: int
    model_id: str
    prompt_version: str = PROMPT_VERSION
    #: ``{id: why}`` of the LLM criteria that failed validation (only in :attr:`LLMAnswerError.result`).
    failed: dict[str, str] = field(default_factory=dict)
    #: The last raw answer, capped at :data:`RAW_LIMIT`, when it was invalid.
    raw_answer: str | None = None


def _tokens(usage: Any, key: str) -> int:
    """A token count from ``usage``; 0 when a server reports none or nonsense (never negative)."""
    value = usage.get(key) if isinstance(usage, dict) else None
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return max(0, value)


def _content(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """(``choices[0].message.content``, ``finish_reason``); content None when there is none."""
    try:
        choice = data["choices"][0]
        content, finish = choice["message"].get("content"), choice.get("finish_reason")
    except (KeyError, IndexError, TypeError, AttributeError):
        return None, None
    if content is None and finish == "content_filter":
        content = ""
    return (content if isinstance(content, str) else None), (finish if isinstance(finish, str) else None)


def chat_url(base: str) -> str:
    """``…/v1/chat/completions`` from a base URL given with or without ``/v1``."""
    base = base.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    return f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"


class OpenAIBackend:
    """Scores a dialogue against a scorecard on an OpenAI-compatible server; thread-safe."""

    name = "llm"

    def __init__(self, config: LLMConfig, client: httpx.Client | None = None) -> None:
        self.config = config
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(config.timeout_s, connect=min(10.0, config.timeout_s)),
            headers=headers,
            limits=httpx.Limits(max_connections=config.max_concurrency),
        )
        self._slots = threading.BoundedSemaphore(config.max_concurrency)
        self._url = chat_url(config.url)

    @property
    def model_id(self) -> str:
        return self.config.model

    def close(self) -> None:
        self._client.close()

    def _response_format(self, card: Scorecard) -> dict[str, Any] | None:
        schema = answer_schema(card)
        mode = self.config.response_format
        if mode == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {
                    # OpenAI refuses names outside [A-Za-z0-9_-]{1,64}; scorecard ids may hold dots.
                    "name": re.sub(r"[^A-Za-z0-9_-]", "_", f"scorecard_{card.id}")[:64],
                    "schema": schema,
                    "strict": True,
                },
            }
        if mode == "json_object":
            return {"type": "json_object", "schema": schema}
        return None

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        """One completion, retrying transport failures, 429 and 5xx with exponential backoff."""
        last = ""
        for attempt in range(self.config.retries + 1):
            if attempt:
                time.sleep(self.config.backoff_s * 2 ** (attempt - 1))
            try:
                with self._slots:
                    response = self._client.post(self._url, json=body)
            except httpx.TimeoutException as exc:
                last = f"timeout after {self.config.timeout_s:g}s ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code in _RETRY_STATUSES or response.status_code >= 500:
                    last = f"HTTP {response.status_code}: {response.text[:200]}"
                elif response.status_code >= 400:
                    raise LLMRequestError(
                        f"{self._url} refused the request: HTTP {response.status_code}: {response.text[:500]}"
                    )
                else:
                    try:
                        data = response.json()
                    except (ValueError, RecursionError):
                        data = None
                    if isinstance(data, dict):
                        return data
                    last = f"HTTP {response.status_code}, body is no JSON object: {response.text[:200]}"
            log.warning("LLM request to %s failed (%s), attempt %d", self._url, last, attempt + 1)
        raise LLMUnavailable(
            f"LLM server {self._url} unavailable after {self.config.retries + 1} tries: {last}"
        )

    def score(self, card: Scorecard, dialogue: str, language: str | None = None) -> LLMResult:
        """Score one dialogue; at most two completions (the second after an invalid answer)."""
        messages: list[dict[str, str]] = build_messages(card, dialogue, language)
        fmt = self._response_format(card)
        tokens_in = tokens_out = 0
        started = time.perf_counter()
        error = raw = ""
        checked: CheckedAnswer | None = None
        for attempt in (1, 2):
            body: dict[str, Any] = {
                "model": self.config.model,
                "messages": messages,
                "temperature": self.config.temperature,
                "max_tokens": self.config.max_tokens,
            }
            if fmt is not None:
                body["response_format"] = fmt
            data = self._post(body)
            tokens_in += _tokens(data.get("usage"), "prompt_tokens")
            tokens_out += _tokens(data.get("usage"), "completion_tokens")
            content, finish = _content(data)
            if content is None:
                raw = str(data)[:RAW_LIMIT]
                error = "response has no choices[0].message.content string"
                checked = None
            else:
                raw = content
                checked = check_answer(card, raw)
                if not checked.problems:
                    return LLMResult(
                        values=checked.values,
                        summary=checked.summary,
                        tokens_in=tokens_in,
                        tokens_out=tokens_out,
                        latency_s=time.perf_counter() - started,
                        attempts=attempt,
                        model_id=self.config.model,
                    )
                error = "; ".join(checked.problems)
                if finish in _STOPPED:  # the cause, not only the symptom (unterminated JSON)
                    error = f"{_STOPPED[finish].format(max_tokens=self.config.max_tokens)}; {error}"
            log.info("invalid LLM answer (attempt %d): %s", attempt, error)
            messages = [*messages, {"role": "assistant", "content": raw}, retry_message(error)]
        # What of the last answer validated is kept: only the criteria that did not fail. An answer
        # with nothing to read (no content, no JSON object) fails every criterion with the whole error.
        if checked is not None and checked.parsed:
            values, summary, failed = checked.values, checked.summary, checked.failed
        else:
            values, summary, failed = {}, None, {c.id: error for c in card.llm_criteria}
        partial = LLMResult(
            values=values,
            summary=summary,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            latency_s=time.perf_counter() - started,
            attempts=2,
            model_id=self.config.model,
            failed=failed,
            raw_answer=raw[:RAW_LIMIT],
        )
        raise LLMAnswerError(
            f"invalid LLM answer after one retry: {error}; raw answer: {raw[:RAW_LIMIT]!r}", partial
        )
