"""LLM backends for the score stage: an OpenAI-compatible HTTP client (vLLM, llama.cpp server, ...).

One HTTP path covers every server that speaks ``/v1/chat/completions``: vLLM (production; a LoRA
adapter is chosen by using its name as ``model``), llama.cpp's server (tests), hosted APIs. The
client is synchronous (httpx): the score stage runs it in the worker's executor, off the event loop.

Error policy, matching the stage runner's:

- connection errors, timeouts, HTTP 408, 429 and 5xx, and a 200 whose body is no JSON object are
  retried here with exponential backoff (a 429/503 ``Retry-After`` replaces the backoff, capped at
  :attr:`LLMConfig.max_retry_after_s`); when the retries are spent :class:`LLMUnavailable` (a
  ``ConnectionError``) lets the stage retry the record later and, after
  ``CALLSTREAM_MAX_ATTEMPTS``, dead-letter it;
- an answer that is not valid JSON or breaks the scorecard (range, enum, missing field) gets one
  retry with the error appended to the conversation (an answer cut off by ``max_tokens`` or a
  content filter says so); a second invalid answer raises :class:`LLMAnswerError` (not transient)
  carrying what of that answer validated (``result``: the criteria that did, and ``failed`` with
  the reason of each that did not), so the score stage stores a partial score and dead-letters
  only the answer, with the reason and the raw text;
- a 400 saying the prompt exceeds the model's context gets one retry with the dialogue cut in the
  middle to fit (:func:`cut_dialogue`; the result's ``warnings`` say so); still too long, it raises
  :class:`LLMContextTooLong`, an :class:`LLMRequestError`;
- other 4xx (bad model name, bad request) raise :class:`LLMRequestError`: retrying cannot help.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from ml.prompts import (
    PROMPT_VERSION,
    CheckedAnswer,
    answer_schema,
    build_messages,
    check_answer,
    retry_message,
)
from processors.doubts import TRANSCRIPT_CUT, Doubt
from processors.scorecard import Scorecard
from streams.settings import llm_auth_problem, redact, without_secrets

log = logging.getLogger(__name__)

#: How much of a raw answer a dead letter keeps.
RAW_LIMIT = 2000
#: Statuses another try may get past: request timeout, rate limit (5xx are retried too).
_RETRY_STATUSES = (408, 429)
#: Statuses whose ``Retry-After`` header is honoured (RFC 9110: rate limit, unavailable).
_RETRY_AFTER_STATUSES = (429, 503)
#: A 400 refusing a prompt longer than the model's context (vLLM, OpenAI, llama.cpp wordings).
_CONTEXT_TOO_LONG = re.compile(
    r"context[_ ]length|max_model_len|maximum model length|exceeds? the (?:available )?context", re.I
)
_LIMIT = (
    re.compile(
        r"(?:maximum context length|max_model_len|maximum model length|context length)\D{0,20}?(\d+)", re.I
    ),
    re.compile(r"limit of (\d+)", re.I),
)
_PROMPT = (
    re.compile(r"(\d+) (?:tokens )?in the messages", re.I),
    re.compile(r"(\d+) input tokens", re.I),
    re.compile(r"messages resulted in (\d+) tokens", re.I),
    re.compile(r"prompt(?: length| \(| tokens)\D{0,5}(\d+)", re.I),
    re.compile(r"total length (\d+)", re.I),
)
_COMPLETION = (
    re.compile(r"(\d+) in the completion", re.I),
    re.compile(r"(\d+) output tokens", re.I),
    re.compile(r"max_tokens\D{0,5}(\d+)", re.I),
)
_REQUESTED = re.compile(r"requested (\d+) tokens", re.I)
#: Share of the prompt budget a cut dialogue aims at: token counts are estimated from characters.
_FIT_MARGIN = 0.85
#: Share of the dialogue kept when the refusal gives no token counts to size the cut with.
_FALLBACK_KEEP = 0.5
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


class LLMContextTooLong(LLMRequestError):
    """HTTP 400: the prompt does not fit the model's context; the counts are those the message gave."""

    def __init__(
        self, message: str, limit: int | None, prompt_tokens: int | None, completion_tokens: int | None
    ) -> None:
        super().__init__(message)
        self.limit = limit
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens


class LLMAnswerError(ValueError):
    """The model answered twice with JSON that does not satisfy the scorecard.

    ``result`` holds what of the last answer validated (``values``, ``summary`` or None) and why
    each other criterion failed (``failed``), with the tokens and latency of both requests.
    """

    def __init__(self, message: str, result: LLMResult) -> None:
        super().__init__(message)
        self.result = result


#: What a server says when it does not take the request's ``response_format`` (llama-cpp-python: "Input
#: should be 'text' or 'json_object'"; others name the field).
_FORMAT_REFUSED = re.compile(r"response_format|json_schema|'json_object'", re.IGNORECASE)


def _format_refused(text: str, body: Mapping[str, Any]) -> str | None:
    """The fix when ``text`` (an error answer) refuses the request's ``response_format``, else None."""
    fmt = body.get("response_format")
    if not isinstance(fmt, Mapping) or not _FORMAT_REFUSED.search(text):
        return None
    other = "json_object" if fmt.get("type") == "json_schema" else "none"
    return f"set CALLSTREAM_LLM_RESPONSE_FORMAT={other}: this server does not take {fmt.get('type')!r}"


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
    #: The longest a 429/503 ``Retry-After`` may hold a worker between two tries, in seconds. A server
    #: asking more ("Retry-After: 3600") is logged and waited this long instead: the stage retries the
    #: record later anyway, and a worker asleep for an hour scores nothing else.
    max_retry_after_s: float = 30.0


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
    #: What the score was judged on short of the whole call (the transcript cut to fit the context),
    #: each naming its kind (:mod:`processors.doubts`).
    warnings: tuple[Doubt, ...] = ()


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


def retry_after_s(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delay-seconds or an HTTP date; a date in the
    past is 0); None when there is none or it is unreadable (the backoff applies then)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # an HTTP date is GMT; a naive result means "-0000"
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _first_int(patterns: tuple[re.Pattern[str], ...], text: str) -> int | None:
    for pattern in patterns:
        if match := pattern.search(text):
            return int(match.group(1))
    return None


def context_counts(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(context limit, prompt tokens, completion tokens) a 400 body names when it refuses a prompt
    longer than the model's context (a count it does not give is None); None for any other 400."""
    if not _CONTEXT_TOO_LONG.search(text):
        return None
    completion = _first_int(_COMPLETION, text)
    prompt = _first_int(_PROMPT, text)
    if prompt is None and completion is not None and (requested := _REQUESTED.search(text)):
        prompt = int(requested.group(1)) - completion
    return _first_int(_LIMIT, text), prompt, completion


def cut_dialogue(dialogue: str, keep_chars: int) -> tuple[str, int, int]:
    """(the dialogue's first and last lines within ``keep_chars`` with a visible marker where the
    middle was cut, lines cut, lines in all). The start (greeting, need) and the end (outcome,
    agreement) carry most of what a scorecard asks; a single line too long is cut in characters."""
    lines = dialogue.strip().splitlines()
    budget = max(0, keep_chars)
    head: list[str] = []
    tail: list[str] = []
    used, i, j = 0, 0, len(lines) - 1
    while i <= j and used + len(lines[i]) + 1 <= budget // 2:
        used += len(lines[i]) + 1
        head.append(lines[i])
        i += 1
    while j >= i and used + len(lines[j]) + 1 <= budget:
        used += len(lines[j]) + 1
        tail.append(lines[j])
        j -= 1
    cut = j - i + 1
    if cut == 0:
        return dialogue, 0, len(lines)
    if not head and not tail:  # no whole line fits: keep both ends of the text itself
        text = dialogue.strip()
        half = budget // 2
        marker = f"[… {len(text) - 2 * half} characters cut to fit the model's context …]"
        return f"{text[:half]}\n{marker}\n{text[len(text) - half :]}", cut, len(lines)
    marker = f"[… {cut} lines cut to fit the model's context …]"
    return "\n".join([*head, marker, *reversed(tail)]), cut, len(lines)


def _keep_share(
    exc: LLMContextTooLong, messages: list[dict[str, str]], dialogue: str, max_tokens: int
) -> float:
    """Share of the dialogue to keep so the prompt fits, from the counts the refusal gave (with a
    margin); :data:`_FALLBACK_KEEP` without them; 0 or less when cutting the dialogue cannot help."""
    if exc.limit is None or exc.prompt_tokens is None or exc.prompt_tokens <= 0:
        return _FALLBACK_KEEP
    budget = (exc.limit - (exc.completion_tokens or max_tokens)) * _FIT_MARGIN
    # The dialogue's share of the prompt's tokens, estimated by its share of the characters.
    chars = sum(len(m["content"]) for m in messages) or 1
    dialogue_tokens = exc.prompt_tokens * len(dialogue) / chars
    if dialogue_tokens <= 0:
        return 0.0
    return (dialogue_tokens - (exc.prompt_tokens - budget)) / dialogue_tokens


def chat_url(base: str) -> str:
    """``…/v1/chat/completions`` from a base URL given with or without ``/v1``; a query string (a
    gateway's ``?api-version=`` or key) stays at the end."""
    url = urlsplit(base.strip())
    path = url.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path = f"{path}/chat/completions" if path.endswith("/v1") else f"{path}/v1/chat/completions"
    return urlunsplit(url._replace(path=path))


class OpenAIBackend:
    """Scores a dialogue against a scorecard on an OpenAI-compatible server; thread-safe."""

    name = "llm"

    def __init__(self, config: LLMConfig, client: httpx.Client | None = None) -> None:
        if problem := llm_auth_problem(config.url, config.api_key):
            raise ValueError(problem)
        self.config = config
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(config.timeout_s, connect=min(10.0, config.timeout_s)),
            headers=headers,
            limits=httpx.Limits(max_connections=config.max_concurrency),
        )
        self._slots = threading.BoundedSemaphore(config.max_concurrency)
        self._url = chat_url(config.url)
        # What messages, logs and so dead letters name: the URL as `callstream config` shows it
        # (scheme://host:port). Its user:password@ and query string may be the credential.
        self._shown = f"LLM server {redact('llm_url', config.url)}"
        parts = urlsplit(self._url)
        self._secrets = tuple(s for s in (parts.password, parts.query, config.api_key) if s and len(s) > 2)

    def _hide(self, text: str) -> str:
        """``text`` (an exception's, a server's answer) without the URL's credentials or the API key,
        should it repeat them."""
        return without_secrets(text.replace(self._url, self._shown), self._secrets)

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
        """One completion, retrying transport failures, 429 and 5xx with exponential backoff, or as
        long as a 429/503's ``Retry-After`` asks (capped)."""
        last = ""
        wait: float | None = None  # what the last answer's Retry-After asked
        for attempt in range(self.config.retries + 1):
            if attempt:
                time.sleep(self.config.backoff_s * 2 ** (attempt - 1) if wait is None else wait)
            wait = None
            try:
                with self._slots:
                    response = self._client.post(self._url, json=body)
            except httpx.TimeoutException as exc:
                last = f"timeout after {self.config.timeout_s:g}s ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last = self._hide(f"{type(exc).__name__}: {exc}")
            else:
                if response.status_code >= 400 and (hint := _format_refused(response.text[:4000], body)):
                    # llama-cpp-python answers a response_format it does not take with a 500: no retry
                    # fixes a setting (12 retries per call dead-lettered every call after a minute)
                    raise LLMRequestError(
                        self._hide(
                            f"{self._shown} refused the request's response_format: HTTP "
                            f"{response.status_code}: {response.text[:300]} ({hint})"
                        )
                    )
                if response.status_code in _RETRY_STATUSES or response.status_code >= 500:
                    last = self._hide(f"HTTP {response.status_code}: {response.text[:200]}")
                    if response.status_code in _RETRY_AFTER_STATUSES:
                        wait = self._retry_after(response)
                elif response.status_code == 400 and (counts := context_counts(response.text[:4000])):
                    raise LLMContextTooLong(
                        self._hide(f"{self._shown} refused the request: HTTP 400: {response.text[:500]}"),
                        *counts,
                    )
                elif response.status_code >= 400:
                    raise LLMRequestError(
                        self._hide(
                            f"{self._shown} refused the request: HTTP {response.status_code}: "
                            f"{response.text[:500]}"
                        )
                    )
                else:
                    try:
                        data = response.json()
                    except (ValueError, RecursionError):
                        data = None
                    if isinstance(data, dict):
                        return data
                    last = self._hide(
                        f"HTTP {response.status_code}, body is no JSON object: {response.text[:200]}"
                    )
            log.warning("LLM request to %s failed (%s), attempt %d", self._shown, last, attempt + 1)
        raise LLMUnavailable(f"{self._shown} unavailable after {self.config.retries + 1} tries: {last}")

    def _answered_by(self, data: Mapping[str, Any]) -> str:
        """The model the server says answered (a server may serve another model than the one asked
        for: llama-cpp-python serves its one model whatever the name), else the configured one."""
        model = data.get("model")
        return model if isinstance(model, str) and model.strip() else self.config.model

    def _retry_after(self, response: httpx.Response) -> float | None:
        """The response's ``Retry-After`` in seconds, at most :attr:`LLMConfig.max_retry_after_s`."""
        header = response.headers.get("Retry-After")
        seconds = retry_after_s(header)
        cap = self.config.max_retry_after_s
        if seconds is not None and seconds > cap:
            log.warning(
                "%s asks to retry after %r (%.0fs); waiting the cap max_retry_after_s=%gs",
                self._shown,
                header,
                seconds,
                cap,
            )
            return cap
        return seconds

    def _fit(
        self, dialogue: str, messages: list[dict[str, str]], exc: LLMContextTooLong
    ) -> tuple[str, Doubt]:
        """(the dialogue cut to fit the context the refusal names, a warning saying so); raises
        :class:`LLMContextTooLong` when no cut of the dialogue can make the prompt fit."""
        share = _keep_share(exc, messages, dialogue, self.config.max_tokens)
        if share <= 0:
            raise LLMContextTooLong(
                f"{exc} (the prompt cannot fit the model's context even without the transcript)",
                exc.limit,
                exc.prompt_tokens,
                exc.completion_tokens,
            ) from exc
        cut, lines, total = cut_dialogue(dialogue, int(len(dialogue.strip()) * min(share, 1.0)))
        context = f" ({exc.limit} tokens)" if exc.limit else ""
        warning = Doubt(
            f"transcript cut to fit the model's context{context}: {lines} of {total} lines cut",
            TRANSCRIPT_CUT,
        )
        log.warning("%s: %s", self._shown, warning)
        return cut, warning

    def score(self, card: Scorecard, dialogue: str, language: str | None = None) -> LLMResult:
        """Score one dialogue; at most two completions (the second after an invalid answer), and one
        more when the server refuses a prompt longer than its context (then with the dialogue cut)."""
        messages: list[dict[str, str]] = build_messages(card, dialogue, language)
        extra: list[dict[str, str]] = []  # the invalid answer and the retry prompt, after attempt 1
        fmt = self._response_format(card)
        tokens_in = tokens_out = 0
        started = time.perf_counter()
        error = raw = ""
        warnings: tuple[Doubt, ...] = ()
        checked: CheckedAnswer | None = None
        for attempt in (1, 2):
            while True:
                body: dict[str, Any] = {
                    "model": self.config.model,
                    "messages": [*messages, *extra],
                    "temperature": self.config.temperature,
                    "max_tokens": self.config.max_tokens,
                }
                if fmt is not None:
                    body["response_format"] = fmt
                try:
                    data = self._post(body)
                    break
                except LLMContextTooLong as exc:
                    if warnings:  # cut once already: a second cut would guess again, so stop
                        raise LLMContextTooLong(
                            f"{exc} (even with the {warnings[0]})",
                            exc.limit,
                            exc.prompt_tokens,
                            exc.completion_tokens,
                        ) from exc
                    dialogue, warning = self._fit(dialogue, body["messages"], exc)
                    warnings = (warning,)
                    messages = build_messages(card, dialogue, language)
            answered_by = self._answered_by(data)
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
                        model_id=answered_by,
                        warnings=warnings,
                    )
                error = "; ".join(checked.problems)
                if finish in _STOPPED:  # the cause, not only the symptom (unterminated JSON)
                    error = f"{_STOPPED[finish].format(max_tokens=self.config.max_tokens)}; {error}"
            log.info("invalid LLM answer (attempt %d): %s", attempt, error)
            extra = [{"role": "assistant", "content": raw}, retry_message(error)]
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
            model_id=answered_by,
            failed=failed,
            raw_answer=raw[:RAW_LIMIT],
            warnings=warnings,
        )
        raise LLMAnswerError(
            f"invalid LLM answer after one retry: {error}; raw answer: {raw[:RAW_LIMIT]!r}", partial
        )
