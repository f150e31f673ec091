"""streams.kafka_errors: librdkafka's per-retry connection errors become one WARNING per state change."""

from __future__ import annotations

import logging

import pytest
from confluent_kafka import KafkaError

from streams.kafka_errors import ClientErrors, LibrdkafkaLog

REFUSED = (
    "127.0.0.1:19092/bootstrap: Connect to ipv4#127.0.0.1:19092 failed: Connection refused "
    "(after 0ms in state CONNECT{})"
)


def test_a_broker_that_keeps_refusing_is_said_once_and_its_return_once(caplog: pytest.LogCaptureFixture):
    errors = ClientErrors()
    with caplog.at_level(logging.DEBUG, "callstream.kafka"):
        for retry in range(50):  # what librdkafka reports on every reconnect attempt
            errors(
                KafkaError(KafkaError._TRANSPORT, REFUSED.format(f", {retry} identical error(s) suppressed"))
            )
            errors(KafkaError(KafkaError._ALL_BROKERS_DOWN, "1/1 brokers are down"))
        assert errors.unreachable == "127.0.0.1:19092: Connection refused"
        errors.reachable()
        errors.reachable()
    assert [r.getMessage() for r in caplog.records] == [
        "broker 127.0.0.1:19092 unreachable: Connection refused (retrying)",
        "broker 127.0.0.1:19092 reachable again",
    ]
    assert errors.unreachable is None and errors.reason() is None  # not an auth/TLS failure


def test_an_unresolvable_name_is_unreachable_and_an_idle_disconnect_is_not():
    errors = ClientErrors()
    errors(KafkaError(KafkaError._TRANSPORT, "127.0.0.1:19092/1: Disconnected (after 600000ms in state UP)"))
    assert errors.unreachable is None  # librdkafka reconnects on its own when it needs to
    errors(
        KafkaError(
            KafkaError._RESOLVE,
            "kafka:9092/bootstrap: Failed to resolve 'kafka:9092': Name or service not known (after 2ms "
            "in state CONNECT)",
        )
    )
    assert errors.unreachable == "kafka:9092: Failed to resolve 'kafka:9092': Name or service not known"


def test_librdkafka_lines_go_to_python_logging_connection_failures_at_debug(
    caplog: pytest.LogCaptureFixture,
):
    librdkafka = LibrdkafkaLog()
    with caplog.at_level(logging.DEBUG, "callstream.kafka"):
        for _ in range(3):
            librdkafka.log(logging.ERROR, "%s [%s] %s", "FAIL", "rdkafka#producer-1", REFUSED.format(""))
        librdkafka.log(
            logging.WARNING, "%s [%s] %s", "CONFWARN", "rdkafka#producer-1", "a setting is ignored"
        )
        librdkafka.log(
            logging.WARNING, "%s [%s] %s", "CONFWARN", "rdkafka#producer-1", "a setting is ignored"
        )
    levels = [(r.levelno, r.getMessage().split(" ", 1)[0]) for r in caplog.records]
    # the failure itself is ClientErrors' one WARNING; a repeated line of any other kind is DEBUG too
    assert levels == [(logging.DEBUG, "FAIL")] * 3 + [
        (logging.WARNING, "CONFWARN"),
        (logging.DEBUG, "CONFWARN"),
    ]


def test_the_workers_lag_probe_of_an_unreachable_broker_writes_no_raw_librdkafka_lines(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The worker probes the lag every interval with a new consumer: against an unreachable broker
    each probe printed librdkafka's ``%3|...|FAIL|`` lines on stderr, one every 50 ms."""
    from confluent_kafka import KafkaException

    from streams.lag import consumer_lag

    with pytest.raises(KafkaException):
        consumer_lag("127.0.0.1:1", "g-unreachable", ["calls.completed"], timeout=1.0)
    assert "|FAIL|" not in capfd.readouterr().err
