"""``callstream bench``: benchmarks that print a ratio against a baseline measured in the same run.

``backbone``: N pre-made Transcript records pushed through filter → compress → score → sink (rows
in ClickHouse) on the embedded broker, versus raw aiokafka produce + consume of the same bytes on
the same broker in the same run. Both rates and their ratio are printed; the target is a ratio of
at least :data:`BACKBONE_TARGET`. With ``--workers N`` the text stages run in N ``callstream worker``
processes (a deployment that uses more than one core) and the sink in the bench process.

The bench runs on a throw-away stack: an embedded broker and chDB in a temporary directory, topics
and consumer groups under a unique prefix, so it never touches the user's broker or data. A
benchmark reports; it exits 0 whether or not the target is met (1 only when it could not finish).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from streams.settings import Settings

log = logging.getLogger(__name__)

BACKBONE_TARGET = 0.25
BACKBONE_STAGES = ["filter", "compress", "score", "sink"]
TEXT_STAGES = BACKBONE_STAGES[:-1]
#: Segments in a generated call: about a five-minute conversation.
SEGMENTS_PER_CALL = 60
#: Give up waiting for the pipeline (or the baseline) after this many seconds.
DEFAULT_TIMEOUT = 900.0


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- realistic records ------------------------------------------------------------------------------

_AGENT_LINES = (
    "Thank you for calling Northwind, this is {agent}. How can I help you today?",
    "Sure, let me pull up your account. Could you confirm the email address on file?",
    "I see you are on the starter plan at ${price} per month right now.",
    "The professional plan is ${price} a month if you pay yearly, or ${price2} month to month.",
    "That includes unlimited users, call recording and the analytics dashboard.",
    "I understand, price matters. Many teams your size save about ten hours a week with it.",
    "One of our customers, a logistics company, cut their onboarding time in half last quarter.",
    "I can also offer a fourteen-day trial so your team can try it before you commit.",
    "Let me check whether the discount still applies to your region, one moment please.",
    "Good news, I can apply a twenty percent discount for the first year.",
    "So that would be {price} dollars per seat, billed annually, with the setup fee waived.",
    "I will send the contract and the invoice to your email right after this call.",
    "Is there anything else I can help you with today?",
    "Thanks for your time, have a great rest of your day.",
)
_CUSTOMER_LINES = (
    "Hi, I'm calling about upgrading our subscription.",
    "Yes, it's the one ending in northwind dot com.",
    "Right, and what would the next tier cost us?",
    "Hmm, that's a bit more than we budgeted for this quarter.",
    "We have about twenty five people who would use it daily.",
    "Honestly the other vendor quoted us {price} dollars a month for something similar.",
    "Does that include the integration with our CRM?",
    "Okay, and can we cancel anytime if it does not work out?",
    "That sounds reasonable, I need to check with my manager first.",
    "Could you send me a written quote so I can share it?",
    "Sorry, could you repeat the last part? The line cut out.",
    "Great, that works for us. Please send the contract.",
    "No, that's everything. Thank you so much.",
)
_FILLERS = ("um", "uh-huh", "mm-hmm", "okay", "right", "yeah")


def make_bench_transcript(
    call_id: str, rng: random.Random, segments: int = SEGMENTS_PER_CALL
) -> dict[str, Any]:
    """A Transcript as the transcribe stage emits it for a ~5-minute English sales call.

    Two channels (agent 0, customer 1), alternating turns with some back-to-back turns of one
    speaker, short fillers, a few windows Whisper thinks held no speech, and several prices.
    """
    started = datetime(2025, 3, 14, 9, 0, tzinfo=UTC) + timedelta(seconds=rng.randrange(0, 30 * 86400))
    agent = rng.choice(("Dana Smith", "Lee Park", "Maria Lopez", "Sam Okafor"))
    number = f"+1415555{rng.randrange(10000):04d}"
    segs: list[dict[str, Any]] = []
    t = rng.uniform(0.2, 1.0)
    role = "agent"
    for i in range(segments):
        if i and rng.random() < 0.8:
            role = "customer" if role == "agent" else "agent"
        price = rng.choice((29, 49, 79, 99, 149, 199))
        roll = rng.random()
        if roll < 0.10:
            text, no_speech, logprob = rng.choice(_FILLERS), 0.3, -0.6
        elif roll < 0.14:
            text, no_speech, logprob = rng.choice(("", " ", "...")), 0.9, -1.4
        elif roll < 0.17:
            text, no_speech, logprob = "Thank you.", 0.75, -1.3  # a Whisper hallucination on silence
        else:
            lines = _AGENT_LINES if role == "agent" else _CUSTOMER_LINES
            template = lines[i % len(lines)] if rng.random() < 0.5 else rng.choice(lines)
            text = template.format(agent=agent.split()[0], price=price, price2=price + 20)
            no_speech, logprob = rng.uniform(0.0, 0.1), rng.uniform(-0.5, -0.1)
        length = max(0.4, len(text.split()) * rng.uniform(0.3, 0.45))
        segs.append(
            {
                "index": i,
                "channel": 0 if role == "agent" else 1,
                "role": role,
                "start": round(t, 2),
                "end": round(t + length, 2),
                "text": text,
                "avg_logprob": round(logprob, 3),
                "no_speech_prob": round(no_speech, 3),
                "words": None,
                "vad_speech": None,
                "kept": True,
                "drop_reason": None,
            }
        )
        t += length + rng.uniform(0.1, 1.2)
    duration = round(t + 0.5, 2)
    agent_talk = sum(s["end"] - s["start"] for s in segs if s["role"] == "agent")
    customer_talk = sum(s["end"] - s["start"] for s in segs if s["role"] == "customer")
    ended = started + timedelta(seconds=duration)
    call = {
        "call_id": call_id,
        "tenant": rng.choice(("acme", "globex", "initech")),
        "source": "asterisk",
        "direction": rng.choice(("inbound", "outbound")),
        "started_at": started,
        "ended_at": ended,
        "agent": {"id": f"agent-{agent.split()[0].lower()}", "name": agent},
        "customer": {"number": number, "number_hash": hashlib.sha256(number.encode()).hexdigest()},
        "queue": rng.choice(("sales", "renewals", "upsell")),
        "recording_uri": f"file:///var/spool/recordings/{call_id}.wav",
        "audio": {"layout": "stereo", "channels": {"0": "agent", "1": "customer"}},
        "language": "en",
        "crm": {"deal_id": f"D-{rng.randrange(100000)}", "segment": rng.choice(("smb", "mid", "ent"))},
        "received_at": ended + timedelta(seconds=2),
    }
    return {
        "call_id": call_id,
        "call": call,
        "language": "en",
        "language_probability": None,
        "duration": duration,
        "segments": segs,
        "metrics": {
            "duration_s": duration,
            "agent_talk_s": round(agent_talk, 2),
            "customer_talk_s": round(customer_talk, 2),
            "silence_s": round(max(0.0, duration - agent_talk - customer_talk), 2),
            "longest_silence_s": 1.2,
            "overtalk_count": rng.randrange(4),
            "overtalk_s": round(rng.uniform(0, 3), 2),
            "agent_interruptions": rng.randrange(3),
            "customer_interruptions": rng.randrange(3),
            "agent_wpm": round(rng.uniform(130, 170), 1),
            "customer_wpm": round(rng.uniform(110, 160), 1),
            "source": "segments",
        },
        "dropped": {},
        "model": "tiny.en/int8",
        "timings": {"decode": 0.4, "asr": round(duration / 12, 2)},
        "layout": "stereo",
        "warnings": [],
        "warning_kinds": [],
    }


def make_payloads(n: int, prefix: str, seed: int = 7) -> list[tuple[bytes, bytes]]:
    """``n`` (key, Avro single-object value) pairs of generated Transcripts, encoded once."""
    from schemas.codec import SingleObjectCodec

    codec = SingleObjectCodec()
    rng = random.Random(seed)
    out = []
    for i in range(n):
        call_id = f"{prefix}{i:06d}"
        out.append((call_id.encode(), codec.encode("Transcript", make_bench_transcript(call_id, rng))))
    return out


# --- Kafka helpers ----------------------------------------------------------------------------------


def create_topic(bootstrap: str, name: str, partitions: int, timeout: float = 30.0) -> None:
    """Create ``name`` with an explicit partition count (never the broker's auto-create defaults)."""
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics(
        [NewTopic(name, num_partitions=partitions, replication_factor=1)],
        operation_timeout=timeout,
        request_timeout=timeout,
    )
    for future in futures.values():
        future.result(timeout=timeout)


async def produce(bootstrap: str, topic: str, payloads: list[tuple[bytes, bytes]]) -> None:
    """Send every (key, value) with acks=all (as Faust's producer does) and wait for every ack."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_request_size=16 * 1024 * 1024
    )
    await producer.start()
    try:
        futures = [await producer.send(topic, value=value, key=key) for key, value in payloads]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def _wait_for(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(interval)


# --- the two measurements ---------------------------------------------------------------------------


@dataclass
class Rate:
    records: int
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0


async def joined_consumer(bootstrap: str, topic: str, partitions: int, **config: Any) -> Any:
    """A started aiokafka consumer of ``topic`` (created with ``partitions``) in a group of its own
    that already owns its partitions: a baseline's clock starts after the join, as the pipeline's
    does after its agents'. The caller stops it."""
    from aiokafka import AIOKafkaConsumer

    create_topic(bootstrap, topic, partitions)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"{topic}.baseline",
        auto_offset_reset="earliest",
        **config,
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + 60
        while not consumer.assignment():
            if time.monotonic() > deadline:
                raise TimeoutError("baseline consumer got no partitions in 60s")
            await consumer.getmany(timeout_ms=200)
    except BaseException:
        await consumer.stop()
        raise
    return consumer


async def agents_assigned(rt: Any, partitions: int) -> None:
    """Wait until the Faust agents of ``rt`` own every partition of their topics, no rebalance on."""
    sources = len({t for agent in rt.app.agents.values() for t in agent.channel.topics})
    wanted = sources * partitions
    await _wait_for(
        lambda: len(rt.app.consumer.assignment()) >= wanted and not rt.app.rebalancing,
        120,
        "the Faust agents' partition assignment",
    )


async def baseline(
    bootstrap: str, topic: str, partitions: int, payloads: list[tuple[bytes, bytes]], timeout: float
) -> Rate:
    """Raw aiokafka: produce the payloads and consume them back with a consumer group.

    The consumer joins its group before the clock starts (as the pipeline's agents do), then
    production and consumption run concurrently; the rate covers first send to last record read.
    """
    consumer = await joined_consumer(
        bootstrap,
        topic,
        partitions,
        enable_auto_commit=True,
        max_partition_fetch_bytes=16 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    try:
        expected = len(payloads)
        received = 0
        nbytes = 0

        async def consume() -> None:
            nonlocal received, nbytes
            while received < expected:
                batches = await consumer.getmany(timeout_ms=500, max_records=10_000)
                for messages in batches.values():
                    received += len(messages)
                    nbytes += sum(len(m.value or b"") for m in messages)

        started = time.perf_counter()
        reader = asyncio.create_task(consume())
        await produce(bootstrap, topic, payloads)
        produced = time.perf_counter() - started
        try:
            await asyncio.wait_for(reader, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"baseline: only {received}/{expected} records read in {timeout:.0f}s"
            ) from None
        elapsed = time.perf_counter() - started
    finally:
        await consumer.stop()
    return Rate(expected, elapsed, {"produce_s": produced, "bytes": nbytes})


COUNT_SQL = """
SELECT
    (SELECT uniqExact(call_id) FROM calls WHERE call_id LIKE %(pattern)s),
    (SELECT uniqExact(call_id) FROM dead_letters WHERE call_id LIKE %(pattern)s)
"""
TOKENS_SQL = """
SELECT sum(tokens_before), sum(tokens_after), sum(segments_total), sum(segments_kept), sum(price_mentions)
FROM calls FINAL WHERE call_id LIKE %(pattern)s
"""


def spawn_text_workers(settings: Settings, bootstrap: str, count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` ``callstream worker --stages filter,compress,score`` processes in the bench's consumer
    group: how a deployment spreads the CPU-bound text stages over cores (one Python process uses
    one core). The bench process itself keeps the sink, the one stage that owns chDB."""
    from streams.app import fetch_max_wait_ms

    procs = []
    for i in range(count):
        env = {
            **os.environ,
            "CALLSTREAM_KAFKA_BOOTSTRAP": bootstrap,
            "CALLSTREAM_TOPIC_PREFIX": settings.topic_prefix,
            "CALLSTREAM_APP_ID": settings.app_id,
            "CALLSTREAM_STAGES": ",".join(TEXT_STAGES),
            "CALLSTREAM_DATA_DIR": str(settings.data_dir / f"worker-{i}"),
            "CALLSTREAM_METRICS_PORT": "0",
            "CALLSTREAM_HEALTH_PORT": "0",
            "CALLSTREAM_WEB_PORT": "0",
            "CALLSTREAM_PARTITIONS": str(settings.partitions),
            # the bench's broker is embedded, though the workers reach it by its address
            "CALLSTREAM_BROKER_FETCH_MAX_WAIT_MS": str(fetch_max_wait_ms(settings)),
        }
        with (settings.data_dir / f"worker-{i}.log").open("wb") as log_file:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "streams.cli", "worker"],
                    env=env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            )
    return procs


def _worker_failure(settings: Settings, procs: list[subprocess.Popen[bytes]]) -> str | None:
    """What the first text worker that exited printed last, or None while all run."""
    for i, proc in enumerate(procs):
        if proc.poll() is not None:
            log_text = (settings.data_dir / f"worker-{i}.log").read_text(errors="replace")
            tail = "\n".join(log_text.splitlines()[-15:])
            return f"text worker {i} exited with status {proc.returncode}:\n{tail}"
    return None


def stop_workers(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


WARMUP_CALLS = 32


async def pipeline(
    settings: Settings,
    bootstrap: str,
    payloads: list[tuple[bytes, bytes]],
    prefix: str,
    timeout: float,
    workers: int = 0,
) -> Rate:
    """filter → compress → score → sink: from the first Transcript sent to the last row in ``calls``.

    ``workers`` > 0: the text stages run in that many worker processes, the sink in this one."""
    from streams.worker import prepare

    # inside the running loop: Faust binds to the current loop
    rt = prepare(settings, bootstrap, ["sink"] if workers else None)
    pattern = {"pattern": f"{prefix}%"}

    def counts(like: dict[str, str]) -> tuple[int, int]:
        done, dead = rt.clickhouse.query(COUNT_SQL, parameters=like).result_rows[0]
        return int(done), int(dead)

    async def until_in_clickhouse(
        like: dict[str, str], expected: int, started: float, timeout: float, report: bool = False
    ) -> tuple[int, int]:
        """(calls, dead letters) once ``expected`` calls matching ``like`` are in ClickHouse."""
        last_report = 0.0
        while True:
            done, dead = await rt.in_clickhouse_thread(counts, like)
            now = time.perf_counter()
            if done + dead >= expected:
                return done, dead
            if report and now - last_report >= 5:
                progress(f"  pipeline: {done}/{expected} calls in ClickHouse after {now - started:.0f}s")
                last_report = now
            if failure := _worker_failure(settings, procs):
                raise TimeoutError(f"pipeline: {failure}")
            if now - started > timeout:
                raise TimeoutError(
                    f"pipeline: only {done}/{expected} calls in ClickHouse ({dead} dead letters) "
                    f"after {timeout:.0f}s"
                )
            await asyncio.sleep(0.2)

    procs = spawn_text_workers(settings, bootstrap, workers)
    try:
        await rt.app.start()
    except BaseException:
        stop_workers(procs)
        raise
    try:
        # Start the clock only once every stage owns its partitions and has run: a few warm-up
        # calls must reach ClickHouse first (the baseline consumer also joins its group first).
        await agents_assigned(rt, settings.partitions)
        warm = make_payloads(WARMUP_CALLS, f"warmup-{prefix}", seed=3)
        await produce(bootstrap, settings.topic("calls.transcribed"), warm)
        await until_in_clickhouse({"pattern": f"warmup-{prefix}%"}, WARMUP_CALLS, time.perf_counter(), 180)
        expected = len(payloads)
        started = time.perf_counter()
        await produce(bootstrap, settings.topic("calls.transcribed"), payloads)
        produced = time.perf_counter() - started
        progress(f"  pipeline: {expected} transcripts sent in {produced:.1f}s; waiting for ClickHouse rows")
        done, dead = await until_in_clickhouse(pattern, expected, started, timeout, report=True)
        elapsed = time.perf_counter() - started
        tokens = await rt.in_clickhouse_thread(
            lambda: rt.clickhouse.query(TOKENS_SQL, parameters=pattern).result_rows[0]
        )
    finally:
        stop_workers(procs)
        await rt.app.stop()
        rt.close()
    before, after, seg_total, seg_kept, prices = (int(v or 0) for v in tokens)
    return Rate(
        done,
        elapsed,
        {
            "produce_s": produced,
            "dead_letters": dead,
            "tokens_before": before,
            "tokens_after": after,
            "segments_total": seg_total,
            "segments_kept": seg_kept,
            "price_mentions": prices,
        },
    )


# --- the command ------------------------------------------------------------------------------------


def throwaway_stack(
    settings: Settings, data_dir: Path, run_id: str, stages: list[str], **update: Any
) -> Settings:
    """``settings`` for a bench run: always the embedded broker and chDB under ``data_dir``, topics and
    consumer groups of their own (``run_id``), no metrics port, so it never touches the user's data."""
    return settings.model_copy(
        update={
            "data_dir": data_dir,
            "kafka_bootstrap": None,
            "clickhouse_dsn": None,
            "schema_registry_url": None,
            "topic_prefix": f"bench-{run_id}.",
            "app_id": f"callstream-bench-{run_id}",
            "stages": stages,
            "metrics_port": 0,
            **update,
        }
    )


def _table(rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


async def _backbone(
    settings: Settings, bootstrap: str, calls: int, prefix: str, timeout: float, workers: int
) -> dict[str, Any]:
    t0 = time.perf_counter()
    payloads = make_payloads(calls, prefix)
    size = sum(len(v) for _, v in payloads)
    progress(
        f"  generated {calls} transcripts ({SEGMENTS_PER_CALL} segments each, "
        f"{size / calls / 1024:.1f} KiB avg Avro) in {time.perf_counter() - t0:.1f}s"
    )
    progress("  baseline: raw aiokafka produce + consume...")
    base = await baseline(bootstrap, settings.topic("bench.baseline"), settings.partitions, payloads, timeout)
    progress(f"  baseline: {base.per_second:,.0f} records/s")
    progress("  pipeline: filter → compress → score → sink...")
    pipe = await pipeline(settings, bootstrap, payloads, prefix, timeout, workers)
    return {"baseline": base, "pipeline": pipe, "avg_bytes": size / calls}


def run_backbone(settings: Settings, calls: int, timeout: float = DEFAULT_TIMEOUT, workers: int = 0) -> int:
    from streams.worker import kafka

    if calls < 1:
        print("callstream bench: --calls must be at least 1", file=sys.stderr)
        return 2
    if workers < 0:
        print("callstream bench: --workers must be 0 or more", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    run_id = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory(prefix="callstream-bench-") as tmp:
        bench_settings = throwaway_stack(settings, Path(tmp), run_id, list(BACKBONE_STAGES))
        with kafka(bench_settings) as bootstrap:
            progress(
                f"callstream bench backbone: {calls} calls; embedded broker {bootstrap}, "
                f"chDB in {tmp}, {bench_settings.partitions} partitions"
            )
            try:
                result = asyncio.run(
                    _backbone(bench_settings, bootstrap, calls, f"bench-{run_id}-", timeout, workers)
                )
            except TimeoutError as exc:
                print(f"callstream bench: {exc}", file=sys.stderr)
                return 1
    base: Rate = result["baseline"]
    pipe: Rate = result["pipeline"]
    ratio = pipe.per_second / base.per_second if base.per_second else 0.0
    dead = pipe.extra["dead_letters"]
    before, after = pipe.extra["tokens_before"], pipe.extra["tokens_after"]
    verdict = "PASS" if ratio >= BACKBONE_TARGET and dead == 0 else "BELOW TARGET"
    if dead:
        verdict += f" ({dead} dead letters)"
    rows = [
        ("calls", f"{calls} ({SEGMENTS_PER_CALL} segments, {result['avg_bytes'] / 1024:.1f} KiB Avro each)"),
        (
            "baseline (raw aiokafka)",
            f"{base.per_second:,.1f} records/s  "
            f"({base.seconds:.2f}s; produce {base.extra['produce_s']:.2f}s)",
        ),
        (
            "pipeline (filter→compress→score→sink)",
            f"{pipe.per_second:,.1f} calls/s  ({pipe.seconds:.2f}s; produce {pipe.extra['produce_s']:.2f}s)",
        ),
        (
            "pipeline processes",
            f"1 + {workers} (filter, compress, score in {workers}; sink in the bench)"
            if workers
            else "1 (every stage in the bench process)",
        ),
        ("ratio (pipeline/baseline)", f"{ratio:.3f}"),
        ("target", f">= {BACKBONE_TARGET}"),
        ("dead letters", str(dead)),
        (
            "segments kept",
            f"{pipe.extra['segments_kept']}/{pipe.extra['segments_total']}",
        ),
        (
            "tokens before → after",
            f"{before:,} → {after:,}" + (f" ({1 - after / before:.1%} fewer)" if before else ""),
        ),
        ("result", verdict),
    ]
    print(_table(rows), flush=True)
    return 0


def run_bench(
    settings: Settings,
    what: str,
    calls: int = 2000,
    timeout: float = DEFAULT_TIMEOUT,
    audio_seconds: float = 180.0,
    workers: int = 0,
) -> int:
    """``callstream bench WHAT``: run one benchmark and print its table; 0 unless it could not finish."""
    if what == "speech":
        from streams.bench_speech import run_speech

        return run_speech(settings, audio_seconds)
    if what == "backbone":
        return run_backbone(settings, calls, timeout, workers)
    if what == "scoring":
        from streams.bench_scoring import run_scoring_bench

        return run_scoring_bench(settings, calls)
    if what == "text":
        from streams.bench_text import run_text_bench

        return run_text_bench(calls)
    print(
        f"callstream bench: unknown benchmark {what!r}; choose from: backbone, scoring, text, speech, "
        "pii, alerts",
        file=sys.stderr,
    )
    return 2
