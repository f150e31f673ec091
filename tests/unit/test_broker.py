"""streams.broker: the embedded Tansu broker starts, listens, speaks Kafka, and never outlives its owner."""

from __future__ import annotations

import socket
import time

import pytest

from streams.broker import BrokerError, EmbeddedBroker, free_port, is_running, port_in_use

pytestmark = pytest.mark.integration


def wait_gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(pid):
            return True
        time.sleep(0.05)
    return False


def connects(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_starts_listens_and_stops_on_exit(tmp_path):
    log_file = tmp_path / "broker.log"
    with EmbeddedBroker(log_file=log_file) as broker:
        pid = broker.pid
        assert pid is not None and is_running(pid)
        assert broker.bootstrap == f"127.0.0.1:{broker.port}"
        assert connects(broker.port)
        assert port_in_use(broker.port)

    assert broker.pid is None
    assert not is_running(pid)  # stop() waits for the process: gone (and reaped) at once
    assert not connects(broker.port)
    assert log_file.exists()


def test_speaks_the_kafka_protocol():
    from confluent_kafka.admin import AdminClient

    with EmbeddedBroker() as broker:
        metadata = AdminClient({"bootstrap.servers": broker.bootstrap}).list_topics(timeout=10)
        assert len(metadata.brokers) >= 1
        advertised = {(b.host, b.port) for b in metadata.brokers.values()}
        assert ("127.0.0.1", broker.port) in advertised


def test_stops_after_an_exception_in_the_block():
    pid = None
    with pytest.raises(RuntimeError, match="boom"), EmbeddedBroker() as broker:
        pid = broker.pid
        assert pid is not None and is_running(pid)
        raise RuntimeError("boom")
    assert pid is not None
    assert wait_gone(pid)
    assert not connects(broker.port)


def test_stop_is_idempotent():
    broker = EmbeddedBroker().start()
    pid = broker.pid
    broker.stop()
    broker.stop()
    assert pid is not None and not is_running(pid)


def test_stop_called_again_while_stopping_leaves_no_broker():
    """A second Ctrl-C's handler runs broker.stop() while the first stop waits for the broker, then
    exits the process at once: the broker must be gone when that inner stop returns."""
    broker = EmbeddedBroker().start()
    proc = broker._proc
    assert proc is not None
    real_wait = proc.wait
    inner: list[bool] = []

    def wait(timeout: float | None = None) -> int:
        proc.wait = real_wait  # type: ignore[method-assign]
        broker.stop()  # the outer stop's wait, interrupted by the "signal handler"
        inner.append(is_running(proc.pid))
        return real_wait(timeout)

    proc.wait = wait  # type: ignore[method-assign]
    broker.stop()
    assert inner == [False]
    assert broker.pid is None


def test_port_already_in_use_is_an_error_not_a_false_start():
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        broker = EmbeddedBroker(port=port)
        with pytest.raises(BrokerError, match="already in use") as info:
            broker.start()
        assert broker.pid is None
        # what to do about it: the operator's trial found a bare "already in use"
        assert "another callstream worker?" in str(info.value)
        assert "pick another CALLSTREAM_EMBEDDED_BROKER_PORT" in str(info.value)


def test_is_running_for_unknown_pid():
    assert not is_running(2**22 + 12345)  # above the default pid_max


def test_free_port_is_free():
    assert not port_in_use(free_port())


def test_a_ctrl_c_in_the_wait_of_stop_still_leaves_no_broker():
    """A signal handler that raises KeyboardInterrupt inside stop()'s wait (the demo unwinding on a
    second Ctrl-C) once left the terminated broker running when the process exited at once."""
    broker = EmbeddedBroker().start()
    proc = broker._proc
    assert proc is not None
    real_wait = proc.wait

    def wait(timeout: float | None = None) -> int:
        proc.wait = real_wait  # type: ignore[method-assign]
        raise KeyboardInterrupt

    proc.wait = wait  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        broker.stop()
    assert not is_running(proc.pid)
