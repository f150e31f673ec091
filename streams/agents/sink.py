"""calls.scored + calls.alerts + calls.dlq → ClickHouse, in batches bounded by size and time.

Faust's ``take_events`` acks a batch's events only after the loop body returns, and the body
returns only after the flush succeeded, so offsets are committed only after the write they cover.
A failed flush is retried (with backoff) and never skipped.

The sink's own dead letters (a record it cannot decode, build rows for, or that ClickHouse refuses)
are written as ``dead_letters`` rows in the same flush, then published on ``calls.dlq`` like every
other stage's, with the header :data:`STORED_HEADER` so that this agent, reading them back, does not
write them a second time. The row is the durable copy: a letter the broker refuses is logged, not
retried forever.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from processors.rows import alert_row, dead_letter_row, score_rows
from schemas.validation import InvalidCall, score_problems
from streams import metrics
from streams.app import Runtime
from streams.sink import ClickHouseSink, row_version
from streams.stage import dead_letter
from streams.topics import ALERTS, DLQ, SCORED

log = logging.getLogger(__name__)


def end_to_end_seconds(call: dict[str, Any], now: float) -> float:
    """Seconds from the call's end, or from when callstream accepted its event if that was later, to
    ``now`` (its rows written): an imported recording of last month is minutes old to the pipeline,
    not a month (measured from ``ended_at`` alone, every backfill paged CallstreamEndToEndLatencyHigh)."""
    start = max(call["ended_at"], call.get("received_at") or call["ended_at"])
    return max(0.0, now - start.timestamp())


#: Header of a dead letter the sink already wrote to ClickHouse before publishing it.
STORED_HEADER = "callstream-stored"


def register(rt: Runtime) -> None:
    settings = rt.settings
    names = {settings.topic(spec.name): spec for spec in (SCORED, ALERTS, DLQ)}
    dlq = settings.topic(DLQ.name)
    sink = ClickHouseSink(rt.clickhouse, max_batch=settings.sink_batch_size)

    def rows_for(
        topic: str, value: bytes, key: bytes | None, partition: int, offset: int
    ) -> tuple[dict, Any, dict[str, Any] | None]:
        """(rows by table, the CallScore or None, the sink's dead letter when the record is one)."""
        spec = names[topic]
        try:
            record = rt.codec.decode(spec.record, value, topic)
        except Exception as exc:  # undecodable: store it as a dead letter row, never drop it
            letter = dead_letter(
                "sink",
                topic=topic,
                partition=partition,
                offset=offset,
                key=key,
                payload=value,
                error=exc,
                attempts=1,
            )
            metrics.RECORDS_FAILED.labels("sink", type(exc).__name__).inc()
            # as Runner.send_dead_letter logs every other stage's (publish below only delivers it)
            log.warning(
                "dead letter from sink (call %s, %s:%s@%s): %s: %s",
                letter["call_id"],
                topic,
                partition,
                offset,
                letter["error_class"],
                letter["error_message"],
            )
            return {"dead_letters": [dead_letter_row(letter, row_version(letter["failed_at"]))]}, None, letter
        if spec is SCORED:
            if problems := score_problems(record):  # dead-lettered by the caller, like a refused row
                raise InvalidCall(problems)
            return score_rows(record, row_version(record["scored_at"])), record, None
        if spec is ALERTS:
            return {"alerts": [alert_row(record, row_version(record["created_at"]))]}, None, None
        return {"dead_letters": [dead_letter_row(record, row_version(record["failed_at"]))]}, None, None

    async def publish(letters: list[dict[str, Any]]) -> None:
        """Put the sink's dead letters (already rows in ClickHouse) on the DLQ topic as well."""
        for letter in letters:
            try:
                await rt.runner.deliver_dead_letter(letter, {STORED_HEADER: b"1"})
            except Exception as exc:  # logged CRITICAL by deliver_dead_letter; the row has it
                log.error(
                    "sink: the dead letter for %s/%s/%s is in ClickHouse but not on the DLQ topic: %r",
                    letter["topic"],
                    letter["partition"],
                    letter["offset"],
                    exc,
                )

    async def flush(scored: list[dict[str, Any]], batch_size: int) -> None:
        attempt = 0
        while True:
            attempt += 1
            try:
                written = await rt.in_clickhouse_thread(sink.flush)
                break
            except Exception as exc:
                metrics.SINK_FAILURES.inc()
                delay = min(30.0, 0.5 * 2 ** min(attempt, 6))
                log.error("ClickHouse flush failed (attempt %d, retry in %.1fs): %s", attempt, delay, exc)
                await asyncio.sleep(delay)
        metrics.SINK_BATCH.observe(batch_size)
        for table, count in written.items():
            metrics.SINK_ROWS.labels(table).inc(count)
        now = time.time()
        for record in scored:
            metrics.END_TO_END.observe(
                end_to_end_seconds(record["compressed"]["filtered"]["transcript"]["call"], now)
            )

    async def sink_agent(stream: Any) -> None:
        async for events in stream.take_events(settings.sink_batch_size, within=settings.sink_flush_seconds):
            scored = []
            letters: list[dict[str, Any]] = []
            for event in events:
                msg = event.message
                metrics.RECORDS_IN.labels("sink").inc()
                if msg.topic == dlq and STORED_HEADER in (event.headers or {}):
                    continue  # the sink's own dead letter, written before it was published
                where = {"topic": msg.topic, "partition": msg.partition, "offset": msg.offset}
                # a tombstone has no value: no bytes, as the stages read it
                value = event.value if event.value is not None else b""
                try:
                    rows, record, letter = rows_for(msg.topic, value, event.key, msg.partition, msg.offset)
                    sink.add_rows(rows, **where, key=event.key, payload=value)
                    if letter is not None:
                        letters.append(letter)
                except Exception as exc:
                    # A record whose rows cannot be built: raising here would end the loop, and
                    # take_events acks the whole batch in its ``finally``, unwritten. Store it as a
                    # dead letter row instead (add_rows buffers all of a record's rows or none).
                    letter = dead_letter("sink", key=event.key, payload=value, error=exc, attempts=1, **where)
                    metrics.RECORDS_FAILED.labels("sink", type(exc).__name__).inc()
                    log.error("sink: cannot build rows for %s/%s/%s: %r", *where.values(), exc)
                    row = dead_letter_row(letter, row_version(letter["failed_at"]))
                    sink.add_rows({"dead_letters": [row]}, **where)
                    letters.append(letter)
                    record = None
                if record is not None:
                    scored.append(record)
            await flush(scored, len(events))
            # after the write (the rows are the durable copy), before the batch is acked
            await publish(letters + sink.take_dead_letters())
            metrics.RECORDS_OUT.labels("sink").inc(len(events))

    rt.app.agent(rt.topic(SCORED, ALERTS, DLQ), name="sink")(sink_agent)
