"""http(s):// recordings: downloaded from an in-test server on 127.0.0.1 (loopback allowed by
setting), and every refusal: hosts not allowed, private/loopback/link-local addresses, redirects
out of bounds, oversize bodies, HTTP errors and timeouts, s3://."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from processors.audio import (
    SAMPLES_DIR,
    FetchPolicy,
    RecordingNotAllowed,
    RecordingNotFound,
    RecordingTooLarge,
    RecordingUnavailable,
    fetch_recording,
    host_allowed,
    load_call_audio,
    open_recording,
)
from streams.settings import Settings

WAV = (SAMPLES_DIR / "sample-en-sale.wav").read_bytes()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/call.wav":
            self._send(200, WAV, {"Content-Type": "audio/wav"})
        elif path == "/redirect":
            self._send(302, headers={"Location": "/call.wav"})
        elif path == "/redirect-metadata":
            self._send(302, headers={"Location": "http://169.254.169.254/latest/meta-data"})
        elif path == "/loop":
            self._send(302, headers={"Location": "/loop"})
        elif path == "/chunked":  # no Content-Length: the limit must hold while streaming
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(10):
                self.wfile.write(b"10000\r\n" + b"\0" * 0x10000 + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/slow":
            time.sleep(2)
            self._send(200, WAV)
        elif path == "/host":
            self._send(200, self.headers.get("Host", "").encode())
        elif path == "/forbidden":
            self._send(403)
        elif path == "/error":
            self._send(503)
        else:
            self._send(404)


class Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-body (size limit, timeout) are the point of some tests


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LOCAL = FetchPolicy(hosts=("127.0.0.1", "localhost"), allow_private=True, timeout_s=5)


def test_download_and_decode_through_open_recording(server: str, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, recording_http_hosts="127.0.0.1", recording_http_allow_private=True
    )
    with open_recording(f"{server}/call.wav", settings) as path:
        assert path.suffix == ".wav" and path.read_bytes() == WAV
        tracks, duration = load_call_audio(path, "stereo", {"0": "agent", "1": "customer"}, 3600)
    assert not path.exists()  # the temporary download is gone
    assert [t.role for t in tracks] == ["agent", "customer"] and duration == pytest.approx(36.0)


def test_redirect_is_followed_and_host_header_kept(server: str, tmp_path: Path) -> None:
    assert fetch_recording(f"{server}/redirect", LOCAL, tmp_path / "a").read_bytes() == WAV
    port = server.rsplit(":", 1)[1]
    assert (
        fetch_recording(f"{server}/host", LOCAL, tmp_path / "b").read_bytes() == f"127.0.0.1:{port}".encode()
    )


def test_localhost_name_resolves_and_connects(server: str, tmp_path: Path) -> None:
    url = server.replace("127.0.0.1", "localhost") + "/call.wav"
    assert fetch_recording(url, LOCAL, tmp_path / "a").read_bytes() == WAV


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_refused_unless_allowed(server: str, tmp_path: Path, host: str) -> None:
    policy = FetchPolicy(hosts=("127.0.0.1", "localhost"), allow_private=False)
    with pytest.raises(RecordingNotAllowed, match="non-public address"):
        fetch_recording(server.replace("127.0.0.1", host) + "/call.wav", policy, tmp_path / "a")


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",  # cloud metadata (link-local)
        "http://10.1.2.3/rec.wav",
        "http://192.168.0.10/rec.wav",
        "http://[::1]/rec.wav",
        "http://[::ffff:127.0.0.1]/rec.wav",
        "http://0.0.0.0/rec.wav",
        "http://224.0.0.1/rec.wav",
    ],
)
def test_private_ranges_refused(url: str, tmp_path: Path) -> None:
    with pytest.raises(RecordingNotAllowed, match="non-public"):
        fetch_recording(url, FetchPolicy(hosts=("*",)), tmp_path / "a")


def test_hosts_allow_list(server: str, tmp_path: Path) -> None:
    with pytest.raises(RecordingNotAllowed, match="RECORDING_HTTP_HOSTS is empty"):
        fetch_recording(f"{server}/call.wav", FetchPolicy(allow_private=True), tmp_path / "a")
    with pytest.raises(RecordingNotAllowed, match="not in CALLSTREAM_RECORDING_HTTP_HOSTS"):
        fetch_recording(f"{server}/call.wav", FetchPolicy(hosts=("pbx.example",)), tmp_path / "a")
    assert host_allowed("pbx.example", ["PBX.example"])
    assert host_allowed("eu.rec.pbx.example", [".pbx.example"]) and host_allowed(
        "pbx.example", ["*.pbx.example"]
    )
    assert not host_allowed("evilpbx.example", [".pbx.example"])
    assert not host_allowed("pbx.example.evil", ["pbx.example"])
    assert host_allowed("anything", ["*"])


def test_redirect_to_metadata_or_loop_refused(server: str, tmp_path: Path) -> None:
    with pytest.raises(RecordingNotAllowed, match="not in CALLSTREAM_RECORDING_HTTP_HOSTS"):
        fetch_recording(f"{server}/redirect-metadata", LOCAL, tmp_path / "a")
    with pytest.raises(RecordingNotAllowed, match="redirects"):
        fetch_recording(f"{server}/loop", LOCAL, tmp_path / "a")


def test_size_limit(server: str, tmp_path: Path) -> None:
    small = FetchPolicy(hosts=("127.0.0.1",), allow_private=True, max_bytes=100_000)
    with pytest.raises(RecordingTooLarge, match="exceeds"):
        fetch_recording(f"{server}/call.wav", small, tmp_path / "a")  # declared Content-Length
    with pytest.raises(RecordingTooLarge, match="more than"):
        fetch_recording(f"{server}/chunked", small, tmp_path / "b")  # counted while streaming


def test_http_errors(server: str, tmp_path: Path) -> None:
    with pytest.raises(RecordingNotFound, match="HTTP 404"):
        fetch_recording(f"{server}/nope.wav", LOCAL, tmp_path / "a")
    with pytest.raises(RecordingNotAllowed, match="HTTP 403"):
        fetch_recording(f"{server}/forbidden", LOCAL, tmp_path / "a")
    with pytest.raises(RecordingUnavailable, match="HTTP 503") as info:
        fetch_recording(f"{server}/error", LOCAL, tmp_path / "a")
    assert isinstance(info.value, ConnectionError)  # the stage retries it before dead-lettering


def test_timeout(server: str, tmp_path: Path) -> None:
    fast = FetchPolicy(hosts=("127.0.0.1",), allow_private=True, timeout_s=0.3)
    with pytest.raises(RecordingUnavailable, match="timed out"):
        fetch_recording(f"{server}/slow", fast, tmp_path / "a")


def test_connection_refused_is_unavailable(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RecordingUnavailable):
        fetch_recording(f"http://127.0.0.1:{port}/x.wav", LOCAL, tmp_path / "a")


def test_s3_is_refused_with_a_reason(tmp_path: Path) -> None:
    with (
        pytest.raises(RecordingNotAllowed, match="s3:// recordings are not supported"),
        open_recording("s3://bucket/rec.wav", Settings(data_dir=tmp_path)),
    ):
        pass
