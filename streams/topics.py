"""Every topic callstream reads or writes, declared once, with explicit partition counts.

Topics are created by :func:`ensure_topics` (confluent-kafka's admin client) before any worker or
publisher touches them, so a broker's auto-create defaults never decide their layout.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from streams.kafka_errors import ClientErrors
from streams.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicSpec:
    """A logical topic: its base name and the Avro record its values hold."""

    name: str
    record: str


COMPLETED = TopicSpec("calls.completed", "CallCompleted")
TRANSCRIBED = TopicSpec("calls.transcribed", "Transcript")
FILTERED = TopicSpec("calls.filtered", "FilteredTranscript")
COMPRESSED = TopicSpec("calls.compressed", "CompressedTranscript")
SCORED = TopicSpec("calls.scored", "CallScore")
ALERTS = TopicSpec("calls.alerts", "Alert")
#: Alerts before their cool-down, keyed by tenant/agent so one worker holds each agent's state.
ALERT_CANDIDATES = TopicSpec("calls.alerts.candidates", "Alert")
#: Header of an alert the notify stage sends back to ``calls.alerts.candidates`` because every
#: channel failed: the cool-down releases the window that alert opened (no schema change needed).
UNDELIVERED_HEADER = "callstream-undelivered"
DLQ = TopicSpec("calls.dlq", "DeadLetter")

ALL = (COMPLETED, TRANSCRIBED, FILTERED, COMPRESSED, SCORED, ALERT_CANDIDATES, ALERTS, DLQ)

#: Faust tables (before the topic prefix): the alerts stage's cool-down and the notify stage's
#: delivered channels. Their changelogs are ``<app id>-<prefix><table>-changelog``.
COOLDOWN_TABLE = "alerts-cooldown"
DELIVERED_TABLE = "notify-delivered"


class TopicSetupError(RuntimeError):
    """Topics could not be created or have the wrong layout."""


#: Seconds a broker may refuse connections before topic setup gives up (one starting up accepts soon).
REFUSED_GRACE_S = 5.0


def _list_topics(admin: AdminClient, errors: ClientErrors, bootstrap: str, timeout: float) -> dict[str, Any]:
    """The cluster's topics; a broker refusing connections for :data:`REFUSED_GRACE_S`, or refusing
    the credentials, is a :class:`TopicSetupError` at once instead of after ``timeout``."""
    started = time.monotonic()
    while True:
        remaining = timeout - (time.monotonic() - started)
        try:
            return admin.list_topics(timeout=max(0.1, min(1.0, remaining))).topics
        except Exception as exc:
            admin.poll(0)  # serve error_cb: the authentication, TLS or connection error behind it
            down = errors.latest is not None and errors.latest.code() in _UNREACHABLE
            if errors.fatal or remaining <= 1.0 or (down and time.monotonic() - started > REFUSED_GRACE_S):
                why = errors.reason() or (errors.latest.str() if errors.latest is not None else exc)
                raise TopicSetupError(f"cannot reach Kafka at {bootstrap}: {why}") from exc


_UNREACHABLE = frozenset({KafkaError._ALL_BROKERS_DOWN, KafkaError._TRANSPORT, KafkaError._RESOLVE})


def ensure_topics(settings: Settings, bootstrap: str, timeout: float = 30.0) -> list[str]:
    """Create missing callstream topics; return the names created.

    An existing topic with a different partition count is reported, not altered: repartitioning
    breaks per-call ordering and must be an operator's decision.
    """
    errors = ClientErrors()
    config = {
        "bootstrap.servers": bootstrap,
        "socket.timeout.ms": int(timeout * 1000),
        "error_cb": errors,
        # its connection failures come to error_cb and end in one line below, not as a log line
        # every 50 ms (580 lines for an unreachable broker)
        "log_level": 2,
    }
    try:  # librdkafka checks the security settings here: an unreadable CA or key fails at once
        admin = AdminClient(config | settings.kafka_client_config())
    except KafkaException as exc:
        raise TopicSetupError(f"invalid Kafka client settings: {exc.args[0].str()}") from exc
    existing = _list_topics(admin, errors, bootstrap, timeout)
    wanted = [settings.topic(spec.name) for spec in ALL]
    for name in wanted:
        meta = existing.get(name)
        if meta is not None and not meta.error and len(meta.partitions) != settings.partitions:
            log.warning(
                "topic %s has %d partitions, CALLSTREAM_PARTITIONS=%d; keeping the topic as it is",
                name,
                len(meta.partitions),
                settings.partitions,
            )
    missing = [name for name in wanted if name not in existing or existing[name].error]
    if not missing:
        return []
    futures = admin.create_topics(
        [
            NewTopic(name, num_partitions=settings.partitions, replication_factor=settings.replication_factor)
            for name in missing
        ],
        operation_timeout=timeout,
        request_timeout=timeout,
    )
    created = []
    for name, future in futures.items():
        try:
            future.result(timeout=timeout)
            created.append(name)
        except Exception as exc:
            if "TOPIC_ALREADY_EXISTS" in str(exc):  # a concurrent worker won the race
                continue
            raise TopicSetupError(f"cannot create topic {name}: {exc}") from exc
    return created
