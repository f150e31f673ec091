"""StageRunner without a broker: a failed send never loses a record silently, and transient codec
errors (a schema registry outage) are retried, not dead-lettered."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from processors.filtering import filter_transcript
from schemas.codec import RegistryUnavailableError, SingleObjectCodec
from streams.stage import Stage, StageRunner
from streams.topics import DLQ, FILTERED, TRANSCRIBED, TopicSpec
from tests.factories import make_transcript


class TooLarge(Exception):
    """Stands in for Faust's ProducerSendError(MessageSizeTooLargeError)."""


class BrokerRefused(Exception):
    """Stands in for the error a delivery future fails with when the broker refuses the batch."""


@dataclass
class FakeTopic:
    name: str
    #: A value longer than this is refused, as a producer refuses one over its max request size.
    max_bytes: int | None = None
    fail_all: bool = False
    #: A value longer than this is accepted by send() but its delivery fails, as when the broker
    #: refuses a batch (over the topic's max.message.bytes) after send() returned.
    broker_max_bytes: int | None = None
    #: Deliveries that fail first, as right after a broker restart ("[Error -1] UnknownError").
    failing_deliveries: int = 0
    sent: list[tuple[bytes, bytes]] = field(default_factory=list)

    def get_topic_name(self) -> str:
        return self.name

    async def send(
        self, *, key: bytes, value: bytes, headers: dict[str, bytes] | None = None
    ) -> asyncio.Future[None]:
        """Like Faust's: raises if the producer refuses the record, else returns its delivery future."""
        if self.fail_all:
            raise ConnectionError("broker down")
        if self.max_bytes is not None and len(value) > self.max_bytes:
            raise TooLarge(f"The message is {len(value)} bytes when serialized")
        delivery: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.broker_max_bytes is not None and len(value) > self.broker_max_bytes:
            delivery.set_exception(BrokerRefused("[Error 10] MessageSizeTooLargeError"))
        elif self.failing_deliveries > 0:
            self.failing_deliveries -= 1
            delivery.set_exception(BrokerRefused("[Error -1] UnknownError"))
        else:
            self.sent.append((key, value))
            delivery.set_result(None)
        return delivery


class FakeRuntime:
    def __init__(self, codec: Any = None, max_attempts: int = 3) -> None:
        self.codec = codec or SingleObjectCodec()
        self.settings = SimpleNamespace(max_attempts=max_attempts)
        self.executor = None
        self.topics: dict[str, FakeTopic] = {}

    def topic(self, spec: TopicSpec) -> FakeTopic:
        return self.topics.setdefault(spec.name, FakeTopic(spec.name))


def event(value: bytes, key: bytes = b"call-0001", offset: int = 7) -> Any:
    return SimpleNamespace(
        key=key, value=value, message=SimpleNamespace(topic=TRANSCRIBED.name, partition=2, offset=offset)
    )


STAGE = Stage("filter", TRANSCRIBED, FILTERED, filter_transcript)


def run(rt: FakeRuntime, value: bytes, stage: Stage = STAGE) -> None:
    async def handle_and_settle() -> None:
        await (await StageRunner(rt, backoff=0).handle(stage, event(value)))  # type: ignore[arg-type]

    asyncio.run(handle_and_settle())


def letters(rt: FakeRuntime) -> list[dict[str, Any]]:
    return [rt.codec.decode("DeadLetter", v) for _, v in rt.topic(DLQ).sent]


def test_output_is_sent():
    rt = FakeRuntime()
    run(rt, rt.codec.encode("Transcript", make_transcript()))
    assert len(rt.topic(FILTERED).sent) == 1 and not rt.topic(DLQ).sent


def test_output_send_failure_becomes_a_dead_letter_with_the_input():
    rt = FakeRuntime()
    rt.topics[FILTERED.name] = FakeTopic(FILTERED.name, max_bytes=10)
    value = rt.codec.encode("Transcript", make_transcript())

    run(rt, value)

    [letter] = letters(rt)
    assert letter["payload"] == value
    assert letter["stage"] == "filter" and letter["error_class"] == "TooLarge"
    assert (letter["topic"], letter["partition"], letter["offset"]) == (TRANSCRIBED.name, 2, 7)
    assert letter["call_id"] == "call-0001"
    assert f"to {FILTERED.name} failed" in letter["error_message"]
    assert "bytes when serialized" in letter["error_message"]


def test_output_the_broker_refuses_after_send_returned_becomes_a_dead_letter():
    # Faust commits the input's offset after a producer flush that does not raise on a failed
    # batch: unless the delivery is awaited, the output is lost and nothing says so.
    rt = FakeRuntime()
    rt.topics[FILTERED.name] = FakeTopic(FILTERED.name, broker_max_bytes=10)
    value = rt.codec.encode("Transcript", make_transcript())

    run(rt, value)

    assert not rt.topic(FILTERED).sent
    [letter] = letters(rt)
    assert letter["payload"] == value and letter["error_class"] == "BrokerRefused"
    assert f"to {FILTERED.name} failed" in letter["error_message"]


def test_dead_letter_the_broker_refuses_is_sent_again_without_its_payload():
    rt = FakeRuntime()
    value = rt.codec.encode("Transcript", make_transcript())
    rt.topics[FILTERED.name] = FakeTopic(FILTERED.name, max_bytes=10)
    rt.topics[DLQ.name] = FakeTopic(DLQ.name, broker_max_bytes=len(value))

    run(rt, value)

    [letter] = letters(rt)
    assert letter["payload"] == b"" and "BrokerRefused" in letter["error_message"]


def test_too_large_dead_letter_is_sent_without_its_payload(caplog):
    rt = FakeRuntime()
    value = rt.codec.encode("Transcript", make_transcript())
    rt.topics[FILTERED.name] = FakeTopic(FILTERED.name, max_bytes=10)
    rt.topics[DLQ.name] = FakeTopic(DLQ.name, max_bytes=len(value))  # the input does not fit in a letter

    run(rt, value)

    [letter] = letters(rt)
    assert letter["payload"] == b""
    assert letter["error_class"] == "TooLarge"
    assert (
        f"payload omitted ({len(value)} bytes): replay from {TRANSCRIBED.name}/2/7" in letter["error_message"]
    )


def test_dead_letter_that_cannot_be_sent_at_all_is_critical_and_raises(caplog):
    rt = FakeRuntime()
    rt.topics[FILTERED.name] = FakeTopic(FILTERED.name, max_bytes=10)
    rt.topics[DLQ.name] = FakeTopic(DLQ.name, fail_all=True)

    with caplog.at_level(logging.CRITICAL), pytest.raises(ConnectionError):
        run(rt, rt.codec.encode("Transcript", make_transcript()))
    assert any(r.levelno == logging.CRITICAL and "/2/7" in r.getMessage() for r in caplog.records)


def test_undecodable_input_whose_dead_letter_is_too_large_keeps_the_pointer():
    rt = FakeRuntime()
    rt.topics[DLQ.name] = FakeTopic(DLQ.name, max_bytes=1000)
    run(rt, b"x" * 5000)
    [letter] = letters(rt)
    assert letter["payload"] == b"" and letter["error_class"] == "NotSingleObjectError"
    assert "payload omitted (5000 bytes)" in letter["error_message"]


class FlakyCodec(SingleObjectCodec):
    """Fails with a registry outage ``failures`` times on each of decode and encode."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.left = {"decode": failures, "encode": failures}

    def _flake(self, what: str) -> None:
        if self.left[what] > 0:
            self.left[what] -= 1
            raise RegistryUnavailableError("schema registry unavailable: ConnectError: Connection refused")

    def decode_embeddable(self, name: str, data: bytes, topic: str = "") -> Any:
        self._flake("decode")
        return super().decode_embeddable(name, data, topic)

    def encode(self, name: str, record: Any, topic: str = "", embedded: Any = None) -> bytes:
        if name != "DeadLetter":
            self._flake("encode")
        return super().encode(name, record, topic, embedded)


def test_registry_outage_in_decode_and_encode_is_retried():
    codec = FlakyCodec(failures=2)
    rt = FakeRuntime(codec, max_attempts=3)
    run(rt, SingleObjectCodec().encode("Transcript", make_transcript()))
    assert len(rt.topic(FILTERED).sent) == 1 and not rt.topic(DLQ).sent


def test_registry_outage_past_max_attempts_is_a_dead_letter():
    codec = FlakyCodec(failures=5)
    rt = FakeRuntime(codec, max_attempts=3)
    run(rt, SingleObjectCodec().encode("Transcript", make_transcript()))
    [letter] = letters(rt)
    assert letter["error_class"] == "RegistryUnavailableError" and letter["attempts"] == 3


# --- sink: a record whose rows cannot be built must not end the batch unwritten ---------------------------


class FakeClickHouse:
    def __init__(self) -> None:
        self.inserts: dict[str, list[list[Any]]] = {}

    def insert(self, table: str, values: list[list[Any]], **_: Any) -> None:
        self.inserts.setdefault(table, []).extend(values)


class FakeStream:
    def __init__(self, events: list[Any]) -> None:
        self.events = events

    async def take_events(self, n: int, within: float) -> Any:
        yield self.events


def test_sink_stores_a_record_whose_rows_cannot_be_built_as_a_dead_letter(monkeypatch):
    from processors.rows import TABLE_COLUMNS
    from streams.agents import sink
    from tests.factories import make_alert, make_call_score

    codec = SingleObjectCodec()
    agents: dict[str, Any] = {}

    async def in_clickhouse_thread(fn: Any, *args: Any) -> Any:
        return fn(*args)

    rt = SimpleNamespace(
        settings=SimpleNamespace(topic=lambda name: name, sink_batch_size=10, sink_flush_seconds=1.0),
        codec=codec,
        clickhouse=FakeClickHouse(),
        in_clickhouse_thread=in_clickhouse_thread,
        topic=lambda *specs: None,
        app=SimpleNamespace(agent=lambda topic, name: lambda fn: agents.setdefault(name, fn)),
    )
    sink.register(rt)  # type: ignore[arg-type]
    good = codec.encode("Alert", make_alert("a"))
    bad = codec.encode("CallScore", make_call_score("call-bad"))

    def ev(topic: str, value: bytes, offset: int) -> Any:
        return SimpleNamespace(
            key=b"k", value=value, message=SimpleNamespace(topic=topic, partition=0, offset=offset)
        )

    def unbuildable(record: Any, version: int) -> Any:
        raise KeyError("criteria")

    monkeypatch.setattr(sink, "score_rows", unbuildable)
    # Before the fix the error ended the agent: take_events then acked both events, neither written.
    asyncio.run(agents["sink"](FakeStream([ev("calls.alerts", good, 1), ev("calls.scored", bad, 2)])))

    inserts = rt.clickhouse.inserts
    assert len(inserts["alerts"]) == 1
    [row] = inserts["dead_letters"]
    dl = dict(zip(TABLE_COLUMNS["dead_letters"], row, strict=True))
    assert (dl["stage"], dl["topic"], dl["offset"]) == ("sink", "calls.scored", 2)
    assert dl["error_class"] == "KeyError"
    assert dl["payload"] == bad


# --- the agent acks an event only once its outputs (or its dead letter) are on the broker -----------


class AckEvent(SimpleNamespace):
    acked = False

    def ack(self) -> bool:
        self.acked = True
        return True


class EventStream:
    """``stream.noack().events()`` over ``events``, the shape :func:`register_stage` iterates."""

    def __init__(self, events: list[Any]) -> None:
        self._events = events

    def noack(self) -> EventStream:
        return self

    async def events(self) -> Any:
        for e in self._events:
            yield e


def test_agent_acks_after_delivery_and_never_acks_a_lost_record():
    from streams.stage import register_stage

    agents: dict[str, Any] = {}
    rt = FakeRuntime()
    rt.runner = StageRunner(rt, backoff=0)  # type: ignore[attr-defined]
    crashes: list[BaseException] = []

    async def crash(reason: BaseException) -> None:
        crashes.append(reason)

    rt.app = SimpleNamespace(  # type: ignore[attr-defined]
        agent=lambda topic, name: lambda fn: agents.setdefault(name, fn), crash=crash
    )
    register_stage(rt, STAGE)  # type: ignore[arg-type]
    good = rt.codec.encode("Transcript", make_transcript("call-good"))
    long = make_transcript("call-big")
    long["segments"][0]["text"] = "the price is fine " * 2000
    big = rt.codec.encode("Transcript", long)

    def ev(value: bytes, offset: int) -> AckEvent:
        where = SimpleNamespace(topic=TRANSCRIBED.name, partition=0, offset=offset)
        return AckEvent(key=b"k", value=value, message=where)

    # the broker refuses the big output after send() returned, and the DLQ refuses its letter too
    rt.topics[FILTERED.name] = FakeTopic(FILTERED.name, broker_max_bytes=len(good) * 2)
    rt.topics[DLQ.name] = FakeTopic(DLQ.name, broker_max_bytes=0)
    events = [ev(good, 1), ev(big, 2), ev(good, 3)]

    async def main() -> None:
        await agents["filter"](EventStream(events))
        await asyncio.sleep(0.05)  # the last deliveries settle

    asyncio.run(main())
    # the big record's output and dead letter were both lost: not acked, so Faust never commits past it
    assert [e.acked for e in events] == [True, False, True]
    # ...and the worker crashes (restart, re-read) rather than stall its next rebalance on it
    assert [type(c) for c in crashes] == [BrokerRefused]


def alerts_stage_settings() -> SimpleNamespace:
    """The settings the alerts stage reads, for a fake runtime: one partition, one attempt, the packaged
    dictionaries, scorecards and alert rules, the default notify severity floor."""
    return SimpleNamespace(
        topic=lambda name: name,
        partitions=1,
        max_attempts=1,
        dictionaries_dir=None,
        scorecards_dir=None,
        notify_min_severity="warning",
    )


def test_alert_the_broker_refuses_dead_letters_the_score():
    """An alert whose delivery fails is not lost behind the acked score: the score is dead-lettered."""
    from processors.alerts import AlertRulebook
    from streams.agents import alerts
    from streams.topics import ALERT_CANDIDATES, SCORED
    from tests.unit.test_alert_rules import score

    agents: dict[str, Any] = {}
    rt = FakeRuntime()
    rt.runner = StageRunner(rt, backoff=0)  # type: ignore[attr-defined]
    rt.settings = alerts_stage_settings()  # type: ignore[assignment]
    rt.app = SimpleNamespace(  # type: ignore[attr-defined]
        agent=lambda topic, name: lambda fn: agents.setdefault(name, fn), Table=lambda *a, **k: {}
    )
    alerts.register(rt, AlertRulebook.load(None))  # type: ignore[arg-type]
    rt.topics[ALERT_CANDIDATES.name] = FakeTopic(ALERT_CANDIDATES.name, broker_max_bytes=0)
    value = rt.codec.encode("CallScore", score(rules={"keyword_hits": {"legal": 2}}))
    ev = AckEvent(
        key=b"call-1", value=value, message=SimpleNamespace(topic=SCORED.name, partition=0, offset=5)
    )

    asyncio.run(agents["alerts"](EventStream([ev])))

    [letter] = letters(rt)
    assert (letter["stage"], letter["offset"], letter["payload"]) == ("alerts", 5, value)
    assert "MessageSizeTooLargeError" in letter["error_message"]


@pytest.mark.parametrize(("failures", "sent", "attempts"), [(2, 1, None), (5, 0, 3)])
def test_a_delivery_the_broker_fails_for_a_while_is_sent_again(failures: int, sent: int, attempts: Any):
    """Right after a broker restart a few deliveries failed ("UnknownError") and their calls were
    dead-lettered at once, though a resend worked (chaos review): they are sent again up to
    max_attempts; one still failing then is a dead letter saying how often it was tried."""
    rt = FakeRuntime(max_attempts=3)
    rt.topics[FILTERED.name] = FakeTopic(FILTERED.name, failing_deliveries=failures)
    run(rt, rt.codec.encode("Transcript", make_transcript()))
    assert len(rt.topic(FILTERED).sent) == sent
    if attempts is None:
        assert not rt.topic(DLQ).sent
    else:
        [letter] = letters(rt)
        assert letter["attempts"] == attempts and "UnknownError" in letter["error_message"]


def test_a_delivery_refused_for_its_size_is_not_sent_again():
    rt = FakeRuntime(max_attempts=3)
    rt.topics[FILTERED.name] = FakeTopic(FILTERED.name, broker_max_bytes=10)
    run(rt, rt.codec.encode("Transcript", make_transcript()))
    [letter] = letters(rt)
    assert letter["attempts"] == 1


def test_a_record_being_processed_counts_in_progress_until_done():
    """callstream_records_in_progress{stage} is 1 while a stage works on a record (the progress line
    says "transcribing 1 call" from it) and back to 0 after, also when the processing failed."""
    from streams import metrics

    gauge = metrics.IN_PROGRESS.labels("filter")
    seen: list[float] = []

    def watched(record: dict[str, Any]) -> dict[str, Any]:
        seen.append(gauge._value.get())
        return filter_transcript(record)

    def failing(record: dict[str, Any]) -> dict[str, Any]:
        seen.append(gauge._value.get())
        raise ValueError("bad record")

    rt = FakeRuntime(max_attempts=1)
    before = gauge._value.get()
    run(rt, rt.codec.encode("Transcript", make_transcript()), Stage("filter", TRANSCRIBED, FILTERED, watched))
    run(rt, rt.codec.encode("Transcript", make_transcript()), Stage("filter", TRANSCRIBED, FILTERED, failing))
    assert seen == [before + 1, before + 1]
    assert gauge._value.get() == before
    assert len(letters(rt)) == 1  # the failing one was dead-lettered, not left counted
