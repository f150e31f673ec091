"""Realistic scored calls for BI views, docs/bi.md queries and Grafana panels.

Three sales agents × three days (relative to now, so "this week" queries find them) × two calls, scored
on the packaged default scorecard, and support-queue calls scored on the packaged ``support`` card
(two support agents every day, and one sales agent covering support for a call; totals and fatal
failures computed by ``processors.scorecard``), plus alerts and dead letters; everything written
through the real sink (``ClickHouseSink``) with ``processors.rows`` rows, exactly as the pipeline
writes them, and the ``dead_letter_dismissals`` and ``dead_letter_replays`` audit rows
``callstream dlq`` adds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from clickhouse_connect.driver.client import Client

from processors.audio import SAMPLES_DIR, load_call_audio
from processors.doubts import TRANSCRIPT_CUT, Doubt, kinds_of
from processors.rows import alert_row, dead_letter_row, failure_hash, score_rows
from processors.scorecard import (
    Scorecard,
    ScorecardRegistry,
    default_scorecard,
    describe_criteria,
    parse_scorecard,
    totals,
)
from processors.transcribe import duration_doubt, swapped_channels_doubt
from streams.sink import ClickHouseSink, row_version
from tests.factories import make_alert, make_call_score, make_dead_letter

TENANT = "acme"
AGENTS = {"agent-1": "Ann Lee", "agent-2": "Bob Grant", "agent-3": "Cy Novak"}
# politeness per agent and call: agent-2 has a rude call (< 30: fatal, total 0)
POLITENESS = {"agent-1": (90.0, 80.0), "agent-2": (20.0, 60.0), "agent-3": (70.0, 75.0)}
DEAL_STAGES = ("presentation", "closing")
DAYS = 3
REPLAYED_CALL = "bi-agent-2-d0-c1"  # re-scored later with a new politeness value
RESCORED_POLITENESS = 65.0
# Support queues, scored on the packaged `support` card: agent -> (name, queue).
SUPPORT_AGENTS = {"agent-4": ("Dana Ruiz", "support"), "agent-5": ("Eli Moss", "service")}
NAMES = {**AGENTS, **{agent_id: name for agent_id, (name, _) in SUPPORT_AGENTS.items()}}


@dataclass(frozen=True)
class Support:
    """What the support card's LLM criteria answered for one call (and the rule's money amounts)."""

    politeness: float
    complaint_handling: float
    identity_verified: str
    issue_resolved: str
    next_steps: str
    price_mentions: int
    summary: str


# per support agent and call of the day: agent-4 checks the caller and fixes or hands on; agent-5
# discusses a bill unchecked and leaves it unresolved (a low total), then fixes a login
SUPPORT_CALLS = {
    "agent-4": (
        Support(85.0, 80.0, "yes", "resolved", "yes", 1, "Charged twice; account checked, $49 refunded."),
        Support(80.0, 70.0, "yes", "escalated", "yes", 0, "Outage; ticket opened, technician Friday."),
    ),
    "agent-5": (
        Support(60.0, 45.0, "no", "unresolved", "no", 1, "Disputed a $120 late fee unchecked; no fix."),
        Support(70.0, 65.0, "yes", "resolved", "no", 0, "Login failed; birth date checked, reset."),
    ),
}
# agent-3 (sales) covers the support queue for one call today
COVER_CALL = "bi-agent-3-support-d0"
COVER = Support(75.0, 60.0, "no", "escalated", "yes", 0, "Router return; transferred to the returns team.")
# A support call scored by a worker whose clock ran 2 h ahead: the sink stored it with its own clock
# as `_version` (streams.sink.row_version), so `scored_at` is later than the row's version. The call
# was sent again since and failed: `dlq list` (which compares `_version`) has that letter open.
SKEWED_CALL = "bi-support-skewed-clock"
SKEW = timedelta(hours=2)


@dataclass
class BiData:
    """What was written, for expected values in tests."""

    now: datetime
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)  # call_id -> newest CallScore
    #: When the sink stored a call whose record's time was ahead of its clock (call_id -> sink's time).
    stored_at: dict[str, datetime] = field(default_factory=dict)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)
    #: ``dlq dismiss`` and ``dlq replay`` of letters above: (letter, when).
    dismissals: list[tuple[dict[str, Any], datetime]] = field(default_factory=list)
    replays: list[tuple[dict[str, Any], datetime]] = field(default_factory=list)

    def set_aside(self, letter: dict[str, Any]) -> bool:
        """Whether ``letter`` counts as dismissed, as ``callstream dlq list`` judges it: dismissed
        since its last failure and not replayed after the dismissal."""
        dismissed = max((when for x, when in self.dismissals if x is letter), default=None)
        replayed = max((when for x, when in self.replays if x is letter), default=None)
        if dismissed is None or dismissed < letter["failed_at"]:
            return False
        return replayed is None or dismissed >= replayed

    def version(self, score: dict[str, Any]) -> int:
        """The ``_version`` the sink stores ``score`` under (``row_version``: the record's time, or the
        sink's clock where the record's time was ahead of it)."""
        stored = self.stored_at.get(score["call_id"])
        return row_version(score["scored_at"], None if stored is None else stored.timestamp())

    def resolved(self, letter: dict[str, Any]) -> bool:
        """Whether ``letter`` counts as resolved, as ``callstream dlq list`` judges it: its call has a
        ``calls`` row of a newer ``_version`` than the failure, and the letter's stage is not one that
        runs after the row (``alerts``, ``notify``)."""
        score = self.calls.get(letter["call_id"] or "")
        if score is None or letter["stage"] in ("alerts", "notify"):
            return False
        return self.version(score) > _version(letter["failed_at"])

    def politeness(self, agent_id: str, day: Any) -> float:
        """Expected agent-day average politeness (newest version of each call)."""
        values = [
            _criterion(score, "politeness")["value"]
            for score in self.calls.values()
            if _call(score)["agent"]["id"] == agent_id and _call(score)["started_at"].date() == day
        ]
        return sum(values) / len(values)


def _call(score: dict[str, Any]) -> dict[str, Any]:
    return score["compressed"]["filtered"]["transcript"]["call"]


def _criterion(score: dict[str, Any], criterion_id: str) -> dict[str, Any]:
    return next(c for c in score["criteria"] if c["id"] == criterion_id)


def scored_on(score: dict[str, Any], card: Any, criteria: list[tuple]) -> tuple[float | None, bool]:
    """Fill ``score["criteria"]`` with ``(id, kind, source, value, label, reasoning)`` rows, all scored
    (each with its card's fatal, fatal_failed and rule), and return (total, fatal_failed) as the real
    scorecard code computes them."""
    score["criteria"] = [
        {
            "id": cid,
            "title": card.criterion(cid).title,
            "kind": kind,
            "source": source,
            "status": "scored",
            "value": value,
            "label": label,
            "reasoning": why,
        }
        for cid, kind, source, value, label, why in criteria
    ]
    describe_criteria(card, score["criteria"])
    return totals(card, score["criteria"])


def scorer_fields(scorer: str, model: str, tokens_in: int, tokens_out: int, latency: float) -> dict[str, Any]:
    """The CallScore fields that say who scored: the LLM's model, tokens, latency and cost, or the
    baseline's prompt version and nothing else."""
    llm = scorer == "llm"
    return {
        "scorer": scorer,
        "model_id": model if llm else None,
        "prompt_version": "v3" if llm else "baseline-v2",
        "llm_tokens_in": tokens_in if llm else None,
        "llm_tokens_out": tokens_out if llm else None,
        "llm_latency_s": latency if llm else None,
        "cost_usd": round(latency * 2.5 / 3600, 6) if llm else None,
    }


def scored_call(
    call_id: str,
    *,
    agent_id: str,
    started_at: datetime,
    politeness: float,
    deal_stage: str,
    price_mentions: int,
    keywords: dict[str, int],
    scorer: str = "llm",
    scored_after: timedelta = timedelta(minutes=2),
) -> dict[str, Any]:
    """A CallScore on the default scorecard, its total computed by the real scorecard code."""
    score = make_call_score(call_id, tenant=TENANT, started_at=started_at)
    call = _call(score)
    call["agent"] = {"id": agent_id, "name": NAMES[agent_id]}
    card = default_scorecard()
    case = "yes" if politeness >= 75 else "no"
    named = "yes" if price_mentions else "no"
    criteria = [
        ("politeness", "score", "llm", politeness, None, f"politeness {politeness:.0f}: tone and greeting"),
        ("objection_handling", "score", "llm", politeness - 10, None, "objection acknowledged"),
        ("sale_probability", "score", "llm", 70.0 if deal_stage == "closing" else 30.0, None, "next step"),
        ("deal_stage", "category", "llm", None, deal_stage, f"reached {deal_stage}"),
        ("case_examples", "yes_no", "llm", 1.0 if case == "yes" else 0.0, case, "case example"),
        ("price_named", "yes_no", "rule", 1.0 if named == "yes" else 0.0, named, "computed by rule"),
        ("price_mentions", "count", "rule", float(price_mentions), None, "computed by rule"),
    ]
    total, fatal = scored_on(score, card, criteria)
    latency = 1.5 + price_mentions / 10
    score.update(
        scorecard_id=card.id,
        scorecard_version=card.version,
        **scorer_fields(scorer, "qwen2.5-7b-instruct+sales", 800 + 10 * price_mentions, 220, latency),
        total=total,
        fatal_failed=fatal,
        scored_at=started_at + scored_after,
    )
    score["rules"]["price_mentions"] = price_mentions
    score["rules"]["keyword_hits"] = dict(keywords)
    return score


# the kept lines of a support call (the factory's dialogue keeps its dropped filler between them)
SUPPORT_DIALOGUE = [
    "Thanks for calling Acme support, this is {name}. How can I help?",
    "I have a problem with my bill and I'm not happy about it.",
    "I'm sorry about that. Can I have your account number and date of birth first?",
    "Sure, it ends in 4471.",
]


@cache
def support_card() -> Scorecard:
    return ScorecardRegistry.load().get("support")


def support_call(
    call_id: str,
    *,
    agent_id: str,
    queue: str,
    started_at: datetime,
    answers: Support,
    keywords: dict[str, int],
    scorer: str = "llm",
    scored_after: timedelta = timedelta(minutes=2),
) -> dict[str, Any]:
    """A CallScore of a support queue on the packaged ``support`` card, its total computed by the real
    scorecard code."""
    score = make_call_score(call_id, tenant=TENANT, started_at=started_at)
    call = _call(score)
    call["agent"] = {"id": agent_id, "name": NAMES[agent_id]}
    call["queue"] = queue
    transcript = score["compressed"]["filtered"]["transcript"]
    kept = [segment for segment in transcript["segments"] if segment["kept"]]
    for segment, text in zip(kept, SUPPORT_DIALOGUE, strict=True):
        segment["text"] = text.format(name=NAMES[agent_id].split()[0])
    score["compressed"]["text"] = "\n".join(f"{s['role'].upper()}: {s['text']}" for s in kept)
    card = support_card()
    a = answers
    criteria = [
        ("politeness", "score", "llm", a.politeness, None, f"politeness {a.politeness:.0f}: tone, apology"),
        ("complaint_handling", "score", "llm", a.complaint_handling, None, "complaint taken up"),
        (
            "identity_verified",
            "yes_no",
            "llm",
            float(a.identity_verified == "yes"),
            a.identity_verified,
            "check",
        ),
        ("issue_resolved", "category", "llm", None, a.issue_resolved, f"issue {a.issue_resolved}"),
        ("next_steps", "yes_no", "llm", float(a.next_steps == "yes"), a.next_steps, "what happens next"),
        ("price_mentions", "count", "rule", float(a.price_mentions), None, "computed by rule"),
    ]
    total, fatal = scored_on(score, card, criteria)
    latency = 1.2 + a.price_mentions / 10
    score.update(
        scorecard_id=card.id,
        scorecard_version=card.version,
        **scorer_fields(scorer, "qwen2.5-7b-instruct", 700 + 10 * a.price_mentions, 200, latency),
        total=total,
        fatal_failed=fatal,
        summary=a.summary,
        scored_at=started_at + scored_after,
    )
    score["rules"]["price_mentions"] = a.price_mentions
    score["rules"]["keyword_hits"] = dict(keywords)
    score["rules"]["agent_keyword_hits"] = {"apology": 1} if a.complaint_handling >= 60 else {}
    return score


def build(now: datetime | None = None) -> BiData:
    """The calls, alerts and dead letters (not yet written)."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    # calls at 01:00 and 02:00 of each day (days back from today), so they stay on their day
    today = now.replace(hour=0, minute=0, second=0)
    if now - today < timedelta(hours=3):  # just after midnight: keep every call in the past
        today -= timedelta(days=1)
    data = BiData(now=now)
    for agent_index, agent_id in enumerate(AGENTS):
        for day in range(DAYS):
            for c in range(2):
                call_id = f"bi-{agent_id}-d{day}-c{c}"
                started = today - timedelta(days=day) + timedelta(hours=1 + c, minutes=10 * agent_index)
                keywords = {"thanks": 1, "greeting": 1}
                if c == 1:
                    keywords["cancel"] = 1
                if agent_id == "agent-2":
                    keywords["legal"] = 2
                data.calls[call_id] = scored_call(
                    call_id,
                    agent_id=agent_id,
                    started_at=started,
                    politeness=POLITENESS[agent_id][c],
                    deal_stage=DEAL_STAGES[c] if agent_id != "agent-2" else "presentation",
                    price_mentions=c + agent_index % 2,
                    keywords=keywords,
                    scorer="llm" if day < 2 else "baseline",
                )
    # support queues: calls at 01:30/01:40 and 02:30/02:40, agent-3's cover call at 02:50
    for agent_index, (agent_id, (_, queue)) in enumerate(SUPPORT_AGENTS.items()):
        for day in range(DAYS):
            for c, answers in enumerate(SUPPORT_CALLS[agent_id]):
                call_id = f"bi-{agent_id}-d{day}-c{c}"
                started = today - timedelta(days=day) + timedelta(hours=1 + c, minutes=30 + 10 * agent_index)
                keywords = {"thanks": 1, "greeting": 1}
                if answers.issue_resolved == "unresolved":
                    keywords["cancel"] = 1
                data.calls[call_id] = support_call(
                    call_id,
                    agent_id=agent_id,
                    queue=queue,
                    started_at=started,
                    answers=answers,
                    keywords=keywords,
                    scorer="llm" if day < 2 else "baseline",
                )
    data.calls[COVER_CALL] = support_call(
        COVER_CALL,
        agent_id="agent-3",
        queue="support",
        started_at=today + timedelta(hours=2, minutes=50),
        answers=COVER,
        keywords={"thanks": 1},
    )
    skewed_start = now - timedelta(hours=3)
    data.calls[SKEWED_CALL] = support_call(
        SKEWED_CALL,
        agent_id="agent-4",
        queue="support",
        started_at=skewed_start,
        answers=SUPPORT_CALLS["agent-4"][0],
        keywords={"thanks": 1, "greeting": 1},
        scored_after=timedelta(minutes=5) + SKEW,
    )
    data.stored_at[SKEWED_CALL] = skewed_start + timedelta(minutes=5)
    add_warnings(data)
    for score in data.calls.values():
        if score["fatal_failed"]:
            call = _call(score)
            alert = make_alert(score["call_id"], tenant=TENANT, rule="fatal_criterion")
            alert.update(
                severity="critical",
                value=_criterion(score, "politeness")["value"],
                threshold=30.0,
                agent_id=call["agent"]["id"],
                queue=call["queue"],
                message="Fatal criterion failed: politeness",
                created_at=score["scored_at"] + timedelta(seconds=1),
            )
            data.alerts.append(alert)
        if "legal" in score["rules"]["keyword_hits"]:
            call = _call(score)
            alert = make_alert(score["call_id"], tenant=TENANT, rule="legal_threat")
            alert.update(
                agent_id=call["agent"]["id"],
                queue=call["queue"],
                created_at=score["scored_at"] + timedelta(seconds=1),
                suppressed=score["call_id"].endswith("-c1"),  # within the cool-down of the c0 alert
            )
            data.alerts.append(alert)
        if score["scorecard_id"] == "support" and score["total"] is not None and score["total"] < 40:
            call = _call(score)
            alert = make_alert(score["call_id"], tenant=TENANT, rule="low_total")
            alert.update(
                value=score["total"],
                threshold=40.0,
                agent_id=call["agent"]["id"],
                agent_name=call["agent"]["name"],
                queue=call["queue"],
                message=f"Call score {score['total']:.0f} is below 40",
                created_at=score["scored_at"] + timedelta(seconds=1),
            )
            data.alerts.append(alert)
    for offset in range(3):
        letter = make_dead_letter(offset, topic="calls.completed")
        letter.update(stage="transcribe", error_class="RecordingNotFound", failed_at=now - timedelta(hours=1))
        data.dead_letters.append(letter)
    # a call re-sent with a recording that cannot be read: its last good result stays in `calls`
    resent = next(iter(data.calls.values()))
    letter = make_dead_letter(3, topic="calls.completed")
    letter.update(
        stage="transcribe",
        call_id=resent["call_id"],
        key=resent["call_id"].encode(),
        error_class="EmptyRecording",
        error_message="file is zero bytes",
        failed_at=now - timedelta(minutes=30),
    )
    data.dead_letters.append(letter)
    # a failure fixed since: the call was sent again and scored after it
    fixed = list(data.calls.values())[1]
    letter = make_dead_letter(5, topic="calls.completed")
    letter.update(
        stage="transcribe",
        call_id=fixed["call_id"],
        key=fixed["call_id"].encode(),
        error_class="RecordingNotAllowed",
        failed_at=fixed["scored_at"] - timedelta(hours=1),
    )
    data.dead_letters.append(letter)
    # set aside with `dlq dismiss`: a test call (left out of "not resolved"); one that failed again
    # after its dismissal, and one replayed (--again) after it: both open again
    for offset, call_id, failed, dismissed, replayed in [
        (6, "bi-dlq-test-call", timedelta(hours=2), timedelta(minutes=90), None),
        (7, "bi-dlq-failed-after-dismissal", timedelta(minutes=20), timedelta(hours=1), None),
        (
            8,
            "bi-dlq-replayed-after-dismissal",
            timedelta(hours=2),
            timedelta(minutes=100),
            timedelta(minutes=80),
        ),
    ]:
        letter = make_dead_letter(offset, topic="calls.completed")
        letter.update(
            stage="transcribe",
            call_id=call_id,
            key=call_id.encode(),
            error_class="RecordingNotFound",
            failed_at=now - failed,
        )
        data.dead_letters.append(letter)
        data.dismissals.append((letter, now - dismissed))
        if replayed is not None:
            data.replays.append((letter, now - replayed))
    # the alerts stage failed on the first scoring of the call re-scored later: a newer `calls` row
    # does not resolve it (alerts and notify run after the row), as `dlq list` judges it
    rescored_first = data.calls[REPLAYED_CALL]
    letter = make_dead_letter(9, topic="calls.scored")
    letter.update(
        stage="alerts",
        call_id=REPLAYED_CALL,
        key=REPLAYED_CALL.encode(),
        error_class="KafkaTimeoutError",
        error_message="alert candidate not acknowledged",
        failed_at=rescored_first["scored_at"] + timedelta(minutes=1),
    )
    data.dead_letters.append(letter)
    # the call scored by the skewed clock, sent again since and failed after its stored version, before
    # its (future-dated) scored_at
    letter = make_dead_letter(10, topic="calls.completed")
    letter.update(
        stage="transcribe",
        call_id=SKEWED_CALL,
        key=SKEWED_CALL.encode(),
        error_class="RecordingNotFound",
        failed_at=data.stored_at[SKEWED_CALL] + timedelta(hours=1),
    )
    data.dead_letters.append(letter)
    # bytes no tenant can be read from
    letter = make_dead_letter(4, topic="calls.transcribed", payload=b"\x00garbage")
    letter.update(key=None, call_id=None, tenant=None, error_class="NotSingleObjectError", failed_at=now)
    data.dead_letters.append(letter)
    return data


# Calls whose event disagrees with its recording (calls.warnings, migration 018's bi_call_warnings):
# a sales call whose channel map names the agent only and whose LLM read a cut transcript; a support
# call from another PBX whose event times are far off its recording; a service call whose channel
# map looks swapped.
CHANNEL_MAP_CALL = "bi-agent-1-d0-c0"
DURATION_CALL = "bi-agent-4-d1-c0"
DURATION_SOURCE = "genesys"
SWAPPED_CALL = "bi-agent-5-d0-c1"
WARNED_CALLS = (CHANNEL_MAP_CALL, DURATION_CALL, SWAPPED_CALL)
# worded as ml/llm.py _fit words it
CUT_WARNING = Doubt(
    "transcript cut to fit the model's context (4096 tokens): 12 of 80 lines cut", TRANSCRIPT_CUT
)


@cache
def channel_map_warning() -> str:
    """What the transcribe stage says of a stereo sample whose event names channel 0 only."""
    warnings: list[str] = []
    load_call_audio(SAMPLES_DIR / "sample-en-sale.wav", "stereo", {"0": "agent"}, 600, warnings=warnings)
    [warning] = warnings
    return warning


def add_warnings(data: BiData) -> None:
    """Give the calls above the warnings the real transcribe code words for them (and the scorer's)."""
    transcript = data.calls[CHANNEL_MAP_CALL]["compressed"]["filtered"]["transcript"]
    transcript["warnings"] = [channel_map_warning()]
    data.calls[CHANNEL_MAP_CALL]["warnings"] = [CUT_WARNING]
    score = data.calls[DURATION_CALL]
    call = _call(score)
    call["source"] = DURATION_SOURCE
    call["ended_at"] = call["started_at"] + timedelta(minutes=20)
    transcript = score["compressed"]["filtered"]["transcript"]
    transcript["warnings"] = [duration_doubt(call, transcript["duration"])]
    transcript = data.calls[SWAPPED_CALL]["compressed"]["filtered"]["transcript"]
    # the roles a swapped map would give the same channels (the stored segments keep theirs)
    other = {"agent": "customer", "customer": "agent"}
    swapped = [{**s, "role": other.get(s["role"], s["role"])} for s in transcript["segments"] if s["kept"]]
    transcript["warnings"] = [swapped_channels_doubt(swapped)]
    doubts = [data.calls[c]["compressed"]["filtered"]["transcript"]["warnings"][0] for c in WARNED_CALLS]
    assert all(doubts), "the data set no longer raises the doubts it stands for"
    for score in data.calls.values():  # each with its code, as the pipeline's records carry them
        transcript = score["compressed"]["filtered"]["transcript"]
        transcript["warning_kinds"] = kinds_of(transcript["warnings"])
        score["warning_kinds"] = kinds_of(score["warnings"])


def _version(ts: datetime) -> int:
    return int(ts.timestamp() * 1000)


def write(client: Client, data: BiData, *, replay: bool = True) -> BiData:
    """Write ``data`` through the sink; with ``replay``, then replay every call at new offsets (a
    consumer that lost its commits) and re-score one call with a newer version."""
    sink = ClickHouseSink(client)
    offset = 0
    for score in data.calls.values():
        sink.add_rows(
            score_rows(score, data.version(score)), topic="calls.scored", partition=0, offset=offset
        )
        offset += 1
    for alert in data.alerts:
        sink.add_rows(
            {"alerts": [alert_row(alert, _version(alert["created_at"]))]},
            topic="calls.alerts",
            partition=0,
            offset=offset,
        )
        offset += 1
    for letter in data.dead_letters:
        sink.add_rows(
            {"dead_letters": [dead_letter_row(letter, _version(letter["failed_at"]))]},
            topic="calls.dlq",
            partition=0,
            offset=offset,
        )
        offset += 1
    sink.flush()
    _audit(client, "dead_letter_dismissals", "dismissed", data.dismissals)
    _audit(client, "dead_letter_replays", "replayed", data.replays)
    if not replay:
        return data
    # 1. the same records again at other offsets: other dedup tokens, so physical duplicates
    for score in data.calls.values():
        sink.add_rows(
            score_rows(score, data.version(score)), topic="calls.scored", partition=1, offset=offset
        )
        offset += 1
    for alert in data.alerts:
        sink.add_rows(
            {"alerts": [alert_row(alert, _version(alert["created_at"]))]},
            topic="calls.alerts",
            partition=1,
            offset=offset,
        )
        offset += 1
    sink.flush()
    # 2. one call scored again later (e.g. a new model): the newest version must win
    old = data.calls[REPLAYED_CALL]
    call = _call(old)
    rescored = scored_call(
        REPLAYED_CALL,
        agent_id=call["agent"]["id"],
        started_at=call["started_at"],
        politeness=RESCORED_POLITENESS,
        deal_stage="presentation",
        price_mentions=old["rules"]["price_mentions"],
        keywords=old["rules"]["keyword_hits"],
        scorer=old["scorer"],
        scored_after=timedelta(minutes=30),
    )
    sink.add_rows(
        score_rows(rescored, data.version(rescored)),
        topic="calls.scored",
        partition=2,
        offset=offset,
    )
    sink.flush()
    data.calls[REPLAYED_CALL] = rescored
    return data


def _audit(client: Client, table: str, verb: str, rows: list[tuple[dict[str, Any], datetime]]) -> None:
    """``dead_letter_dismissals`` or ``dead_letter_replays`` rows, as ``callstream dlq`` writes them."""
    if not rows:
        return
    columns = ["topic", "partition", "offset", "stage", "payload_hash", "call_id", "tenant"]
    reason = {"reason": "a test call"} if verb == "dismissed" else {}
    client.insert(
        table,
        [
            [
                *(x[c] for c in columns[:4]),
                failure_hash(x),
                x["call_id"],
                x["tenant"],
                *reason.values(),
                when,
                "bi",
            ]
            for x, when in rows
        ],
        column_names=[*columns, *reason, f"{verb}_at", f"{verb}_by"],
    )


# --- a tenant's own card ----------------------------------------------------------------------------

#: Another tenant, with its own sales card: its fatal criteria, its price_named rule criterion and its
#: deal stage have other ids than the packaged cards' (no `politeness`, no `price_named`, no
#: `deal_stage`), one fatal criterion is a rule, and a score criterion that is not fatal (`rapport`)
#: is no politeness. The card says what its criteria mean for BI (`role:`): `courtesy` is its
#: politeness, `pipeline_stage` its deal stage, `win_chance` its sale probability; `compliance`, a
#: fatal score criterion too, is no politeness (migration 015's guess took every fatal score for one).
OTHER_TENANT = "globex"
TENANT_CARD = {
    "id": "globex_sales",
    "version": "1",
    "tenants": [OTHER_TENANT],
    "criteria": [
        {
            "id": "courtesy",
            "title": "Courtesy",
            "type": "score",
            "source": "llm",
            "weight": 2,
            "fatal": True,
            "pass_threshold": 40,
            "role": "politeness",
            "rubric": "How courteous the agent is.",
        },
        {
            "id": "disclaimer_read",
            "title": "Recording disclaimer read",
            "type": "yes_no",
            "source": "rule",
            "rule": "agent_keyword:disclaimer",
            "fatal": True,
        },
        {
            "id": "quote_given",
            "title": "Quote given",
            "type": "yes_no",
            "source": "rule",
            "rule": "price_named",
        },
        {
            "id": "pipeline_stage",
            "title": "Pipeline stage",
            "type": "category",
            "source": "llm",
            "values": ["start", "needs", "presentation", "objections", "closing"],
            "role": "deal_stage",
            "rubric": "Furthest stage.",
        },
        {
            "id": "amounts",
            "title": "Amounts named",
            "type": "count",
            "source": "rule",
            "rule": "price_mentions",
        },
        {
            "id": "rapport",
            "title": "Rapport built",
            "type": "score",
            "source": "llm",
            "weight": 0,
            "rubric": "How well the agent built rapport.",
        },
        {
            "id": "compliance",
            "title": "Script compliance",
            "type": "score",
            "source": "llm",
            "weight": 0,
            "fatal": True,
            "pass_threshold": 10,
            "rubric": "How closely the agent followed the compliance script.",
        },
        {
            "id": "win_chance",
            "title": "Chance of a deal",
            "type": "score",
            "source": "llm",
            "weight": 0,
            "role": "sale_probability",
            "rubric": "How likely the call ends in a deal, 0-100.",
        },
    ],
}
TENANT_AGENT = ("agent-9", "Gil Ortiz")


@dataclass(frozen=True)
class TenantCall:
    """What the tenant card's criteria answered for one call."""

    courtesy: float
    disclaimer_read: str
    price_mentions: int
    pipeline_stage: str
    rapport: float
    compliance: float
    win_chance: float


#: c0 fails on courtesy, c1 on the disclaimer (a rule), c2 passes; c0 and c3 named a price, no close.
#: rapport is never courtesy's value, so a panel that took it for politeness would show otherwise;
#: compliance (fatal, never failing: >= 10) is below courtesy on some calls, so a panel that took the
#: lowest fatal score for politeness would too.
TENANT_CALLS = (
    TenantCall(20.0, "yes", 1, "presentation", 90.0, 15.0, 40.0),
    TenantCall(80.0, "no", 2, "closing", 10.0, 30.0, 90.0),
    TenantCall(85.0, "yes", 0, "needs", 50.0, 95.0, 20.0),
    TenantCall(70.0, "yes", 1, "objections", 35.0, 12.0, 35.0),
)


@cache
def tenant_card() -> Scorecard:
    return parse_scorecard(TENANT_CARD, "tenant card")


def tenant_calls(now: datetime) -> dict[str, dict[str, Any]]:
    """The other tenant's calls (today, one an hour from 01:00), scored on its own card by the real
    scorecard code: call_id -> CallScore."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if now - today < timedelta(hours=len(TENANT_CALLS) + 1):  # keep every call in the past
        today -= timedelta(days=1)
    card = tenant_card()
    out = {}
    for i, a in enumerate(TENANT_CALLS):
        call_id = f"bi-{OTHER_TENANT}-c{i}"
        started = today + timedelta(hours=1 + i)
        score = make_call_score(call_id, tenant=OTHER_TENANT, started_at=started)
        call = _call(score)
        call["agent"] = {"id": TENANT_AGENT[0], "name": TENANT_AGENT[1]}
        call["queue"] = "sales"
        named = "yes" if a.price_mentions else "no"
        criteria = [
            ("courtesy", "score", "llm", a.courtesy, None, f"courtesy {a.courtesy:.0f}"),
            (
                "disclaimer_read",
                "yes_no",
                "rule",
                float(a.disclaimer_read == "yes"),
                a.disclaimer_read,
                "rule",
            ),
            ("quote_given", "yes_no", "rule", float(named == "yes"), named, "computed by rule"),
            ("pipeline_stage", "category", "llm", None, a.pipeline_stage, f"reached {a.pipeline_stage}"),
            ("amounts", "count", "rule", float(a.price_mentions), None, "computed by rule"),
            ("rapport", "score", "llm", a.rapport, None, f"rapport {a.rapport:.0f}"),
            ("compliance", "score", "llm", a.compliance, None, f"compliance {a.compliance:.0f}"),
            ("win_chance", "score", "llm", a.win_chance, None, f"win chance {a.win_chance:.0f}"),
        ]
        total, fatal = scored_on(score, card, criteria)
        score.update(
            scorecard_id=card.id,
            scorecard_version=card.version,
            **scorer_fields("llm", "qwen2.5-7b-instruct", 700, 200, 1.0),
            total=total,
            fatal_failed=fatal,
            scored_at=started + timedelta(minutes=2),
        )
        score["rules"]["price_mentions"] = a.price_mentions
        score["rules"]["agent_keyword_hits"] = {"disclaimer": 1} if a.disclaimer_read == "yes" else {}
        out[call_id] = score
    return out


def write_scores(client: Client, scores: dict[str, dict[str, Any]]) -> None:
    """Write CallScores through the sink, as the pipeline does."""
    sink = ClickHouseSink(client)
    for offset, score in enumerate(scores.values()):
        sink.add_rows(
            score_rows(score, _version(score["scored_at"])), topic="calls.scored", partition=7, offset=offset
        )
    sink.flush()


#: talk_ratio_calls: (call id, days back, layout, the agent's talk ratio), one agent's calls.
TALK_RATIO_CALLS = (
    ("ratio-d1-stereo", 1, "stereo", 0.8),
    ("ratio-d1-mono-a", 1, "mono", None),
    ("ratio-d1-mono-b", 1, "mono", None),
    ("ratio-d2-stereo-a", 2, "stereo", 0.4),
    ("ratio-d2-stereo-b", 2, "stereo", 0.4),
)


def talk_ratio_calls(now: datetime) -> dict[str, dict[str, Any]]:
    """agent-1's calls of two days: a stereo call and two mono ones (no talk ratio: no speaker roles),
    then two stereo calls, so a day's average weighted by its calls (mono ones included) is not the
    average over the calls that have a ratio (0.53, not 0.64)."""
    out = {}
    for i, (call_id, days, layout, ratio) in enumerate(TALK_RATIO_CALLS):
        at = now.replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=days, minutes=-10 * i)
        score = make_call_score(call_id, tenant=TENANT, started_at=at, layout=layout)
        _call(score)["agent"] = {"id": "agent-1", "name": NAMES["agent-1"]}
        score["rules"]["agent_talk_ratio"] = ratio
        score["scored_at"] = at + timedelta(minutes=2)
        out[call_id] = score
    return out
