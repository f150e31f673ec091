"""The one loop every processing agent runs: decode → process (off the event loop) → send, or dead-letter.

Values arrive as raw bytes and are decoded here, not by a Faust codec: Faust answers a codec
error by throwing into the agent's stream, while callstream must turn undecodable input into a
dead letter and keep going (docs/decisions/0002-decode-in-stage.md).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from streams import metrics
from streams.topics import DLQ, TopicSpec

if TYPE_CHECKING:
    from faust.types import EventT

    from streams.app import Runtime

log = logging.getLogger(__name__)

#: Failures worth another try (the next attempt may succeed); anything else is a property of the
#: input and goes to the dead-letter topic at once.
TRANSIENT: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)

Output = dict[str, Any] | list[dict[str, Any]]


@dataclass(frozen=True)
class WithProblem:
    """A processor's output with a problem beside it: the record goes on with ``output``, and
    ``problem`` becomes a dead letter of its own (the input's position and bytes, for a re-run),
    acknowledged by the broker before the output is sent. E.g. a call scored without an LLM answer
    that stayed invalid: BI keeps the call, the bad answer is auditable."""

    output: Output
    problem: Exception
    attempts: int = 1
    #: The letter's ``failed_at`` (default: now); readers where the newest row wins need it no
    #: newer than the output's own time.
    failed_at: datetime | None = None


Processor = Callable[[dict[str, Any]], Output | WithProblem]


@dataclass(frozen=True)
class Stage:
    """One processing step: ``source`` records in, ``target`` records out (zero or more).

    ``process`` is pure: it must not modify the record it is given. An output that carries its
    input unchanged (docs/decisions/0003) is written with the input's own bytes for that part.
    """

    name: str
    source: TopicSpec
    target: TopicSpec
    process: Processor
    #: Runs in the worker's executor (decode, ASR, LLM) so the event loop keeps heartbeating.
    heavy: bool = False


def call_id_of(key: bytes | None, record: Mapping[str, Any] | None = None) -> str | None:
    """The call id from the record, else from the message key."""
    if record and isinstance(record.get("call_id"), str):
        return record["call_id"]
    if key:
        return key.decode("utf-8", errors="replace")
    return None


#: Where each record embeds the one before it (CallScore → ... → Transcript → its CallCompleted).
_EMBEDS = ("compressed", "filtered", "transcript", "call")


def tenant_of(record: Mapping[str, Any] | None) -> str | None:
    """The tenant a decoded record names, itself or in the CallCompleted it carries; None when it
    names none (a dead letter keeps it, so BI can count a tenant's failures without a ``calls`` row)."""
    for _ in range(len(_EMBEDS) + 1):
        if not isinstance(record, Mapping):
            return None
        tenant = record.get("tenant")
        if isinstance(tenant, str) and tenant:
            return tenant
        record = next((record[k] for k in _EMBEDS if isinstance(record.get(k), Mapping)), None)
    return None


def dead_letter(
    stage: str,
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    payload: bytes,
    error: BaseException,
    attempts: int,
    call_id: str | None = None,
    tenant: str | None = None,
) -> dict[str, Any]:
    """A DeadLetter record for ``payload`` that failed in ``stage``."""
    return {
        "stage": stage,
        "tenant": tenant,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "key": key,
        "call_id": call_id if call_id is not None else call_id_of(key),
        "payload": payload,
        "error_class": type(error).__name__,
        "error_message": str(error) or repr(error),
        "attempts": attempts,
        "failed_at": datetime.now(UTC),
    }


def event_dead_letter(
    stage: str,
    event: EventT,
    payload: bytes,
    error: BaseException,
    attempts: int = 1,
    record: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """:func:`dead_letter` for a Faust ``event`` whose value ``payload`` failed (``record``: what it
    decoded to, when it did, for its call id)."""
    msg = event.message
    return dead_letter(
        stage,
        topic=msg.topic,
        partition=msg.partition,
        offset=msg.offset,
        key=event.key,
        payload=payload,
        error=error,
        attempts=attempts,
        call_id=call_id_of(event.key, record),
        tenant=tenant_of(record),
    )


class StageRunner:
    """Runs a :class:`Stage` on one event with retries, metrics and dead letters."""

    def __init__(self, rt: Runtime, backoff: float = 0.5) -> None:
        self.rt = rt
        self.backoff = backoff

    async def handle(self, stage: Stage, event: EventT) -> asyncio.Future[None]:
        """Decode, process and send the outputs of ``event`` (or dead-letter it). Returns a future done
        once the broker acknowledged every output or the dead letter: the caller acks the event then."""
        msg = event.message
        value: bytes = event.value if isinstance(event.value, bytes) else bytes(event.value or b"")
        key: bytes | None = event.key
        metrics.RECORDS_IN.labels(stage.name).inc()
        started = time.perf_counter()
        tries = _Attempts()
        record: dict[str, Any] | None = None
        codec = self.rt.codec

        def letter_for(exc: Exception, attempts: int) -> dict[str, Any]:
            """The dead letter of this event (its original bytes) failing with ``exc``."""
            return event_dead_letter(stage.name, event, value, exc, attempts, record)

        try:
            # ``embedded``: the input's own bytes, reused when the output carries the input unchanged
            # (docs/decisions/0003), so the history is not encoded again at every hop. Decode and
            # encode are retried like processing: with a schema registry they can fail transiently.
            source = stage.source.record
            record, embedded = await self._retrying(
                stage, key, None, tries, lambda: codec.decode_embeddable(source, value, msg.topic)
            )
            # said by the progress line: a long call being transcribed is not an idle worker
            with metrics.IN_PROGRESS.labels(stage.name).track_inprogress():
                result = await self._retrying(stage, key, record, tries, lambda: self._process(stage, record))
            if isinstance(result, WithProblem):
                letter = letter_for(result.problem, result.attempts)
                if result.failed_at is not None:
                    letter["failed_at"] = result.failed_at
                # Not send_dead_letter: its metric counts failed records, and this record goes on. A
                # letter the broker refuses raises: the record is then dead-lettered whole.
                await self.deliver_dead_letter(letter)
                result = result.output
            outputs = result if isinstance(result, list) else [result]
            target = self.rt.topic(stage.target)
            topic_name = target.get_topic_name()
            encoded = [
                (
                    call_id_of(key, out),
                    await self._retrying(
                        stage,
                        key,
                        record,
                        tries,
                        lambda out=out: codec.encode(stage.target.record, out, topic_name, embedded),
                    ),
                )
                for out in outputs
            ]
        except Exception as exc:
            await self.send_dead_letter(letter_for(exc, max(tries.n, 1)))
            return _settled()
        deliveries: list[Awaitable[Any]] = []
        try:
            for out_key, data in encoded:
                deliveries.append(await target.send(key=(out_key or "").encode(), value=data))
        except Exception as exc:
            # E.g. an output over the producer's max request size, refused by send() itself: without
            # this the agent crashed, Faust acked the event and the record was gone.
            letter = self._send_failed(letter_for(exc, 1), len(deliveries), encoded, topic_name)
            await self.send_dead_letter(letter)
            return _settled()
        delivered = self._deliver(stage, target, deliveries, encoded, topic_name, letter_for, started)
        return asyncio.ensure_future(delivered)

    async def _deliver(
        self,
        stage: Stage,
        target: Any,
        deliveries: list[Awaitable[Any]],
        encoded: list[tuple[str | None, bytes]],
        topic_name: str,
        letter_for: Callable[[Exception, int], dict[str, Any]],
        started: float,
    ) -> None:
        """Wait for the broker's answer to each output; an output it refused is sent again (up to
        ``max_attempts``, with backoff: a broker just back answers errors for a while), then
        dead-letters the input; one too large is dead-lettered at once. ``send()`` only enqueues, and
        the producer flush Faust runs before committing offsets does not raise when a batch failed:
        the event is acked only when this is done (:func:`register_stage`)."""
        for sent, delivery in enumerate(deliveries):
            out_key, data = encoded[sent]
            key = (out_key or "").encode()
            send = functools.partial(_send_once, target, [delivery], key, data)
            tries = _Attempts()
            try:
                await self._retrying(stage, key, None, tries, send, retry_on=lambda exc: not _too_large(exc))
            except Exception as exc:
                await self.send_dead_letter(
                    self._send_failed(letter_for(exc, tries.n), sent, encoded, topic_name)
                )
                return
            metrics.RECORDS_OUT.labels(stage.name).inc()
        metrics.STAGE_LATENCY.labels(stage.name).observe(time.perf_counter() - started)

    @staticmethod
    def _send_failed(
        letter: dict[str, Any], sent: int, encoded: list[tuple[str | None, bytes]], topic_name: str
    ) -> dict[str, Any]:
        letter["error_message"] = (
            f"sending output {sent + 1}/{len(encoded)} ({len(encoded[sent][1])} bytes) to "
            f"{topic_name} failed: {letter['error_message']}"
        )
        return letter

    async def _retrying(
        self,
        stage: Stage,
        key: bytes | None,
        record: Mapping[str, Any] | None,
        tries: _Attempts,
        step: Callable[[], Any],
        retry_on: Callable[[Exception], bool] = lambda exc: isinstance(exc, TRANSIENT),
    ) -> Any:
        """``step()`` (awaited if it returns an awaitable), tried again on an error ``retry_on``
        accepts (a TRANSIENT one) up to ``max_attempts`` times with exponential backoff; ``tries.n``
        counts this step's attempts."""
        tries.n = 0
        while True:
            tries.n += 1
            try:
                result = step()
                return await result if inspect.isawaitable(result) else result
            except Exception as exc:
                if not retry_on(exc) or tries.n >= self.rt.settings.max_attempts:
                    raise
                metrics.RETRIES.labels(stage.name).inc()
                log.warning("%s: %s on %s, retrying (%d)", stage.name, exc, call_id_of(key, record), tries.n)
                await asyncio.sleep(self.backoff * 2 ** (tries.n - 1))

    async def _process(self, stage: Stage, record: dict[str, Any]) -> Output | WithProblem:
        if stage.heavy:
            return await asyncio.get_running_loop().run_in_executor(self.rt.executor, stage.process, record)
        return stage.process(record)

    async def send_dead_letter(self, letter: dict[str, Any]) -> None:
        """Send ``letter`` to the DLQ. One too large to send (its payload is the input's bytes) goes
        without the payload, so the pointer to the input survives; if even that fails the error is
        logged as CRITICAL and raised: a crash is better than a silent loss."""
        metrics.RECORDS_FAILED.labels(letter["stage"], letter["error_class"]).inc()
        log.warning(
            "dead letter from %s (call %s, %s:%s@%s): %s: %s",
            letter["stage"],
            letter["call_id"],
            letter["topic"],
            letter["partition"],
            letter["offset"],
            letter["error_class"],
            letter["error_message"],
        )
        await self.deliver_dead_letter(letter)

    async def deliver_dead_letter(
        self, letter: dict[str, Any], headers: Mapping[str, bytes] | None = None
    ) -> None:
        """Send ``letter`` to the DLQ and wait for the broker's ack (no metrics, no log: see
        :meth:`send_dead_letter`). Too large with its payload, it goes without (a pointer to the
        input); raises, logged CRITICAL, if even that fails."""
        try:
            await self._send_letter(letter, headers)
            return
        except Exception as exc:
            if not letter["payload"]:
                self._lost(letter, exc)
                raise
            first = exc
        where = f"{letter['topic']}/{letter['partition']}/{letter['offset']}"
        slim = {
            **letter,
            "payload": b"",
            "error_message": (
                f"{letter['error_message']}; payload omitted ({len(letter['payload'])} bytes): replay from "
                f"{where} (the dead letter with it failed: {type(first).__name__}: {str(first)[:200]})"
            ),
        }
        try:
            await self._send_letter(slim, headers)
        except Exception as exc:
            self._lost(slim, exc)
            raise
        log.error("dead letter from %s for %s sent without its payload: %s", letter["stage"], where, first)

    async def _send_letter(self, letter: dict[str, Any], headers: Mapping[str, bytes] | None = None) -> None:
        topic = self.rt.topic(DLQ)
        data = self.rt.codec.encode(DLQ.record, letter, topic.get_topic_name())
        key = (letter["call_id"] or "").encode()
        await _delivered(await topic.send(key=key, value=data, headers=dict(headers) if headers else None))

    @staticmethod
    def _lost(letter: dict[str, Any], exc: BaseException) -> None:
        log.critical(
            "cannot send the dead letter from %s for %s/%s/%s (call %s, %s: %s): %s: %s",
            letter["stage"],
            letter["topic"],
            letter["partition"],
            letter["offset"],
            letter["call_id"],
            letter["error_class"],
            letter["error_message"],
            type(exc).__name__,
            exc,
        )


def _too_large(exc: BaseException) -> bool:
    """Whether the broker or the producer refused a record for its size (sending again never helps):
    aiokafka's MessageSizeTooLargeError / RecordTooLargeError, also inside Faust's ProducerSendError."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if "TooLarge" in type(seen).__name__ or "TooLarge" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def _send_once(target: Any, first: list[Awaitable[Any]], key: bytes, value: bytes) -> None:
    """Await the send already made (an output's first try), else send the output again."""
    await (first.pop() if first else await target.send(key=key, value=value))


async def _delivered(delivery: Awaitable[Any]) -> None:
    """Wait for the broker's answer to a send (``topic.send()`` only enqueues the record)."""
    await delivery


def _settled() -> asyncio.Future[None]:
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    done.set_result(None)
    return done


@dataclass
class _Attempts:
    """Attempts of the step being tried (reported in its dead letter when it fails)."""

    n: int = 0


def register_stage(rt: Runtime, stage: Stage) -> None:
    """Wire ``stage`` as a Faust agent: a thin loop handing each event to the runner."""

    async def agent(stream: Any) -> None:
        pending: set[asyncio.Future[None]] = set()  # a strong reference to each delivery in flight

        def ack(event: EventT, settled: asyncio.Future[None]) -> None:
            # Acked only once its outputs (or its dead letter) are on the broker, so Faust never
            # commits past a record whose output was lost. Not acked (re-read after a restart) when
            # the worker stopped first, or when even its dead letter could not be sent (logged
            # CRITICAL): then the worker crashes, since Faust's next rebalance would wait forever
            # for the unacked record (``stream_wait_empty``).
            if settled.cancelled():
                return
            if (exc := settled.exception()) is not None:
                crash = asyncio.ensure_future(rt.app.crash(exc))
                pending.add(crash)
                crash.add_done_callback(pending.discard)
                return
            event.ack()

        async for event in stream.noack().events():
            settled = await rt.runner.handle(stage, event)
            pending.add(settled)
            settled.add_done_callback(pending.discard)
            settled.add_done_callback(functools.partial(ack, event))
            # Let the other agents run between two events: an agent with a backlog would otherwise
            # keep the event loop until its queue is empty (taking a queued event never waits), so
            # a burst of calls went through one stage at a time and reached ClickHouse only at the end.
            await asyncio.sleep(0)

    agent.__name__ = agent.__qualname__ = f"{stage.name}_agent"
    rt.app.agent(rt.topic(stage.source), name=stage.name)(agent)
