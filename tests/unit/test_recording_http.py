"""http(s):// recordings: downloaded from an in-test server on 127.0.0.1 (loopback allowed by
setting), and every refusal: hosts not allowed, private/loopback/link-local addresses (also embedded
in IPv6, or reached by DNS answers and rebinding), redirects out of bounds, oversize bodies, HTTP
errors, timeouts and trickling servers, s3://."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from processors import audio
from processors.audio import (
    SAMPLES_DIR,
    AudioError,
    FetchPolicy,
    RecordingNotAllowed,
    RecordingNotFound,
    RecordingTooLarge,
    RecordingUnavailable,
    fetch_recording,
    host_allowed,
    load_call_audio,
    open_recording,
    public_address,
    resolve_recording,
)
from streams.settings import Settings

WAV = (SAMPLES_DIR / "sample-en-sale.wav").read_bytes()
WAV_DURATION = json.loads((SAMPLES_DIR / "sample-en-sale.timeline.json").read_text())["duration"]


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

    def _trickle(self, data: bytes) -> None:
        """One byte per 0.1 s: every read ends well inside any read timeout."""
        for i in range(len(data)):
            try:
                self.wfile.write(data[i : i + 1])
            except OSError:
                return  # the client gave up
            time.sleep(0.1)

    def do_GET(self) -> None:
        path = self.path
        if path == "/call.wav":
            self._send(200, WAV, {"Content-Type": "audio/wav"})
        elif path == "/redirect":
            self._send(302, headers={"Location": "/call.wav"})
        elif path == "/redirect-metadata":
            self._send(302, headers={"Location": "http://169.254.169.254/latest/meta-data"})
        elif path == "/redirect-internal":  # an allowed name, but it resolves to a private address
            self._send(302, headers={"Location": "http://internal.pbx.example/call.wav"})
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
        elif path == "/trickle-body":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self._trickle(b"\0" * 100)
        elif path == "/trickle-headers":
            self._trickle(b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 100 + b"\r\nContent-Length: 0\r\n\r\n")
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
    assert [t.role for t in tracks] == ["agent", "customer"] and duration == pytest.approx(WAV_DURATION)


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
        # IPv6 forms that embed a loopback/private IPv4: judged by it too
        "http://[64:ff9b::7f00:1]/rec.wav",  # NAT64 well-known prefix, 127.0.0.1
        "http://[64:ff9b::a00:1]/rec.wav",  # NAT64, 10.0.0.1
        "http://[64:ff9b:1::808:808]/rec.wav",  # NAT64 local-use prefix: the operator's own space
        "http://[2002:7f00:1::1]/rec.wav",  # 6to4, 127.0.0.1
        "http://[2002:c0a8:1::1]/rec.wav",  # 6to4, 192.168.0.1
        "http://[::127.0.0.1]/rec.wav",  # IPv4-compatible
        "http://[::169.254.169.254]/rec.wav",  # IPv4-compatible, cloud metadata
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/rec.wav",  # Teredo, client 127.0.0.1
    ],
)
def test_private_ranges_refused(url: str, tmp_path: Path) -> None:
    with pytest.raises(RecordingNotAllowed, match="non-public"):
        fetch_recording(url, FetchPolicy(hosts=("*",)), tmp_path / "a")


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"])
def test_ipv6_embedding_a_public_ipv4_is_allowed(address: str) -> None:
    assert public_address(address, 80, allow_private=False) in (address, "8.8.8.8")


def test_teredo_stays_refused_even_with_public_ipv4s() -> None:
    with pytest.raises(RecordingNotAllowed, match="non-public"):
        public_address("2001:0:4136:e378:8000:63bf:f7f7:f7f7", 80, allow_private=False)  # 8.8.8.8


PUBLIC = "93.184.215.14"
"""A global address; the fake network below delivers connections to it to the test server."""


@dataclass
class FakeNet:
    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    """Per name, the answer to each lookup in turn (the last one repeats)."""
    lookups: list[str] = field(default_factory=list)
    connects: list[tuple[str, int]] = field(default_factory=list)


@pytest.fixture
def net(server: str, monkeypatch: pytest.MonkeyPatch) -> FakeNet:
    """DNS answers chosen per test for names in ``answers`` (an attacker's DNS), and a network
    where ``PUBLIC`` port 80 is the test server; records every lookup of those names and every
    connection."""
    fake = FakeNet()
    port = int(server.rsplit(":", 1)[1])
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.create_connection

    def getaddrinfo(host: str, service: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in fake.answers:
            return real_getaddrinfo(host, service, *args, **kwargs)
        fake.lookups.append(host)
        queue = fake.answers[host]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, service, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, service))
            for a in answer
        ]

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        fake.connects.append(address)
        if address == (PUBLIC, 80):
            address = ("127.0.0.1", port)
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return fake


PBX = FetchPolicy(hosts=(".pbx.example",), timeout_s=5)


@pytest.mark.parametrize(
    "answer",
    [
        ["10.0.0.5"],  # an allowed name pointing inside
        [PUBLIC, "10.0.0.5"],  # mixed answers: the client might use either
        ["10.0.0.5", PUBLIC],
        [PUBLIC, "::1"],
        [PUBLIC, "64:ff9b::a9fe:a9fe"],  # NAT64 of 169.254.169.254
    ],
)
def test_allowed_name_resolving_to_a_private_address_is_refused(
    net: FakeNet, tmp_path: Path, answer: list[str]
) -> None:
    net.answers["rec.pbx.example"] = [answer]
    with pytest.raises(RecordingNotAllowed, match=r"rec\.pbx\.example resolves to .*non-public"):
        fetch_recording("http://rec.pbx.example/call.wav", PBX, tmp_path / "a")
    assert net.connects == []


def test_connection_is_pinned_to_the_checked_address(net: FakeNet, tmp_path: Path) -> None:
    """DNS rebinding: a later lookup of the same name answers loopback; it is never made or used."""
    net.answers["rec.pbx.example"] = [[PUBLIC], ["127.0.0.1"]]
    dest = fetch_recording("http://rec.pbx.example/host", PBX, tmp_path / "a")
    assert dest.read_bytes() == b"rec.pbx.example"  # the server saw the name, not the address
    assert net.lookups == ["rec.pbx.example"]
    assert net.connects == [(PUBLIC, 80)]


def test_redirect_to_an_allowed_name_resolving_to_a_private_address_is_refused(
    net: FakeNet, tmp_path: Path
) -> None:
    net.answers["pbx.example"] = [[PUBLIC]]
    net.answers["internal.pbx.example"] = [["10.0.0.5"]]
    with pytest.raises(RecordingNotAllowed, match=r"internal\.pbx\.example resolves to 10\.0\.0\.5"):
        fetch_recording("http://pbx.example/redirect-internal", PBX, tmp_path / "a")
    assert net.connects == [(PUBLIC, 80)]  # the redirect was never followed


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


@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-headers"])
def test_download_deadline_holds_against_a_trickling_server(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """No read times out, so only the whole-download deadline stops it, in the headers too, and
    without waiting for a block to fill (the 100 bytes would take 10 s)."""
    monkeypatch.setattr(audio, "DOWNLOAD_DEADLINE_FACTOR", 4)
    policy = FetchPolicy(hosts=("127.0.0.1",), allow_private=True, timeout_s=0.5)  # a 2 s deadline
    started = time.monotonic()
    with pytest.raises(RecordingUnavailable, match="download too slow") as info:
        fetch_recording(f"{server}{path}", policy, tmp_path / "a")
    assert time.monotonic() - started < 2 + 3
    assert isinstance(info.value, ConnectionError)  # retried with backoff, like other slow servers


def test_connection_refused_is_unavailable(tmp_path: Path) -> None:
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


def test_errors_name_a_recording_url_without_its_credentials(server: str, tmp_path: Path) -> None:
    """A URL's user:password@ and a presigned URL's signature went into dead letters and logs
    (security review): errors keep the host and path, never those."""
    creds = server.replace("http://", "http://recuser:RECPASSWORD@")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://recuser:RECPASSWORD@127.0.0.1:{s.getsockname()[1]}"
    cases = [
        (f"{creds}/nope.wav?X-Amz-Signature=SIGSECRET&token=TOKSECRET", LOCAL),
        (f"{closed}/x.wav?sig=SIGSECRET", LOCAL),
        (f"{creds}/call.wav?sig=SIGSECRET", FetchPolicy(hosts=("pbx.example.com",))),
    ]
    for url, policy in cases:
        with pytest.raises(AudioError) as info:
            fetch_recording(url, policy, tmp_path / "a")
        said = str(info.value)
        assert "RECPASSWORD" not in said and "SECRET" not in said and "recuser" not in said, said
        assert "127.0.0.1" in said and "?(hidden)" in said, said
    with pytest.raises(AudioError) as info:
        resolve_recording("ftp://u:PW@host/x.wav?t=SECRET", [], None)
    assert "PW" not in str(info.value) and "SECRET" not in str(info.value)
