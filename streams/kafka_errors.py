"""Why a confluent-kafka (librdkafka) client could not connect, for the error a user reads.

librdkafka reports an authentication or TLS failure only through its ``error_cb`` (and a log line):
the call that fails afterwards says "Broker transport failure" or "Message timed out". Clients pass a
:class:`ClientErrors` as ``error_cb`` and add :meth:`ClientErrors.reason` to their own error.
"""

from __future__ import annotations

from confluent_kafka import KafkaError

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
    error of any kind (``latest``: "Connect to ipv4#10.0.0.5:9092 failed: Connection refused")."""

    def __init__(self) -> None:
        self.last: KafkaError | None = None
        self.latest: KafkaError | None = None

    def __call__(self, error: KafkaError) -> None:
        self.latest = error
        if error.code() in _FATAL_CONNECT:
            self.last = error

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
