"""Why a confluent-kafka (librdkafka) client could not connect, for the error a user reads.

librdkafka reports an authentication or TLS failure only through its ``error_cb`` (and a log line):
the call that fails afterwards says "Broker transport failure" or "Message timed out". Clients pass a
:class:`ClientErrors` as ``error_cb`` and add :meth:`ClientErrors.reason` to their own error.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from confluent_kafka import KafkaError

log = logging.getLogger("callstream.kafka")

#: Errors that may say the broker cannot be reached now; librdkafka keeps retrying on its own.
_UNREACHABLE = frozenset({KafkaError._TRANSPORT, KafkaError._RESOLVE})
#: "127.0.0.1:19092/bootstrap: Connect to ipv4#127.0.0.1:19092 failed: Connection refused (after 0ms
#: in state CONNECT)" or "...: Failed to resolve 'kafka:9092': Name or service not known (after ...)":
#: the broker's address and the reason, without librdkafka's timing suffix. Not "Disconnected" (an
#: idle connection closed): librdkafka reconnects when it needs to.
_CONNECT_FAILED = re.compile(
    r"^(?P<broker>[^/\s]+)(?:/\S*)?: "
    r"(?:Connect to \S+ failed: (?P<why>.*?)|(?P<resolve>Failed to resolve .*?))"
    r"(?: \(after \d+ms.*\))?$"
)

#: Errors a retry will not fix: the credentials, the certificates or the protocol are wrong.
_FATAL_CONNECT = frozenset(
    {
        KafkaError._AUTHENTICATION,
        KafkaError._SSL,
        KafkaError.SASL_AUTHENTICATION_FAILED,
        KafkaError.ILLEGAL_SASL_STATE,
        KafkaError.UNSUPPORTED_SASL_MECHANISM,
    }
)


class ClientErrors:
    """An ``error_cb`` that keeps the last authentication/TLS error librdkafka reported, and the last
    error of any kind (``latest``: "Connect to ipv4#10.0.0.5:9092 failed: Connection refused"), and
    whether the broker is known to be unreachable (:attr:`unreachable`).

    librdkafka reports a failed connection on every retry (several a second): the client's log gets
    one WARNING when the broker becomes unreachable and one when it is reachable again (the client
    calls :meth:`reachable` when the broker acknowledged something), not a line per retry."""

    def __init__(self) -> None:
        self.last: KafkaError | None = None
        self.latest: KafkaError | None = None
        #: "127.0.0.1:19092: Connection refused" while the broker is known to be unreachable, else None
        self.unreachable: str | None = None

    def __call__(self, error: KafkaError) -> None:
        self.latest = error
        if error.code() in _FATAL_CONNECT:
            self.last = error
        if error.code() in _UNREACHABLE:
            self._down(error.str())

    def _down(self, text: str) -> None:
        found = _CONNECT_FAILED.match(text)
        if found is None:
            return
        broker, why = found["broker"], found["why"] or found["resolve"]
        if self.unreachable is None:
            log.warning("broker %s unreachable: %s (retrying)", broker, why)
        self.unreachable = f"{broker}: {why}"

    def reachable(self) -> None:
        """The broker acknowledged a record: say so once if it was unreachable."""
        if self.unreachable is not None:
            broker = self.unreachable.partition(": ")[0]
            self.unreachable = None
            log.warning("broker %s reachable again", broker)

    @property
    def fatal(self) -> bool:
        """Whether a retry cannot help: the credentials or certificates were refused."""
        return self.last is not None

    def reason(self) -> str | None:
        """``"authentication failed: ..."`` (or the TLS error) with a hint of the settings to check,
        or None when no such error was reported."""
        error = self.last
        if error is None:
            return None
        if error.code() == KafkaError._SSL:
            return f"TLS failed: {error.str()} (check CALLSTREAM_KAFKA_SSL_*)"
        return (
            f"authentication failed: {error.str()} (check CALLSTREAM_KAFKA_SASL_MECHANISM, "
            "CALLSTREAM_KAFKA_SASL_USERNAME and CALLSTREAM_KAFKA_SASL_PASSWORD)"
        )


class LibrdkafkaLog:
    """confluent-kafka's ``logger``: librdkafka's log lines go to the ``callstream.kafka`` logger
    instead of raw ``%3|...|FAIL|...`` lines on stderr. A failed connection is said once per state
    change by :class:`ClientErrors` (the client's ``error_cb``), so its per-retry lines (``FAIL``,
    ``ERROR``) are logged at DEBUG; any other line that repeats the previous one is too."""

    def __init__(self, logger: logging.Logger = log) -> None:
        self._log = logger
        self._previous: str | None = None

    def log(self, level: int, fmt: str, *args: Any) -> None:
        """What confluent-kafka calls: ``log(level, "%s [%s] %s", facility, client name, text)``."""
        facility = str(args[0]) if args else ""
        text = re.sub(r" \(after \d+ms.*\)$", "", str(args[-1])) if args else fmt
        connection = facility in ("FAIL", "ERROR") or "brokers are down" in text
        if connection or text == self._previous:
            level = logging.DEBUG
        self._previous = text
        self._log.log(level, fmt, *args)
