"""s3:// recordings against a real S3 HTTP server in the test (moto's ThreadedMotoServer on
127.0.0.1): download and decode, the size limit (declared and streamed), missing bucket/key, empty
objects, refusals before any request (off by default, bucket not listed, bad URIs), unreachable
endpoints, a trickling endpoint, missing credentials, the error mapping and the missing
``callstream[s3]`` extra."""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from processors import audio
from processors.audio import (
    SAMPLES_DIR,
    EmptyRecording,
    RecordingNotAllowed,
    RecordingNotFound,
    RecordingTooLarge,
    RecordingUnavailable,
    S3Policy,
    fetch_s3_recording,
    load_call_audio,
    open_recording,
)
from streams.settings import Settings, SettingsError, load_settings

WAV = (SAMPLES_DIR / "sample-en-sale.wav").read_bytes()
WAV_DURATION = json.loads((SAMPLES_DIR / "sample-en-sale.timeline.json").read_text())["duration"]
BUCKET = "recordings"
KEY = "pbx/2026/call 1.wav"  # taken literally, as the AWS CLI does
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",  # never wait for an instance-metadata endpoint
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
}
AWS_UNSET = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A moto S3 server with bucket ``recordings`` holding a WAV fixture and an empty object."""
    with pytest.MonkeyPatch.context() as mp:
        for var, value in AWS_ENV.items():
            mp.setenv(var, value)
        for var in (*AWS_UNSET, *PROXIES):
            mp.delenv(var, raising=False)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        url = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
        s3 = boto3.client("s3", endpoint_url=url)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key=KEY, Body=WAV)
        s3.put_object(Bucket=BUCKET, Key="empty.wav", Body=b"")
        audio._s3_client.cache_clear()
        try:
            yield url
        finally:
            audio._s3_client.cache_clear()
            server.stop()


def policy(endpoint: str, **overrides: Any) -> S3Policy:
    return S3Policy(**{"buckets": (BUCKET,), "endpoint_url": endpoint, "timeout_s": 5, **overrides})


def test_download_and_decode_through_open_recording(endpoint: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, recording_s3_buckets=BUCKET, recording_s3_endpoint_url=endpoint)
    with open_recording(f"s3://{BUCKET}/{KEY}", settings) as path:
        assert path.suffix == ".wav" and path.read_bytes() == WAV
        tracks, duration = load_call_audio(path, "stereo", {"0": "agent", "1": "customer"}, 3600)
    assert not path.exists()  # the temporary download is gone
    assert [t.role for t in tracks] == ["agent", "customer"] and duration == pytest.approx(WAV_DURATION)


def test_wildcard_allows_any_bucket(endpoint: str, tmp_path: Path) -> None:
    dest = fetch_s3_recording(f"s3://{BUCKET}/{KEY}", policy(endpoint, buckets=("*",)), tmp_path / "a")
    assert dest.read_bytes() == WAV


def test_object_larger_than_the_limit_is_refused_before_reading(endpoint: str, tmp_path: Path) -> None:
    with pytest.raises(RecordingTooLarge, match=rf"{len(WAV)} bytes exceeds the {len(WAV) - 1} limit"):
        fetch_s3_recording(f"s3://{BUCKET}/{KEY}", policy(endpoint, max_bytes=len(WAV) - 1), tmp_path / "a")
    assert not (tmp_path / "a").exists()


def test_streamed_read_is_capped_when_the_server_ignores_the_range(endpoint: str, tmp_path: Path) -> None:
    """A store that ignores Range and declares no size still cannot send more than the limit."""
    client = audio._s3_client(endpoint, None, 5)

    def drop_range(params: dict[str, Any], **_: Any) -> None:
        params.pop("Range", None)

    def hide_size(parsed: dict[str, Any], **_: Any) -> None:
        parsed.pop("ContentRange", None)
        parsed.pop("ContentLength", None)

    client.meta.events.register("before-parameter-build.s3.GetObject", drop_range)
    client.meta.events.register("after-call.s3.GetObject", hide_size)
    try:
        with pytest.raises(RecordingTooLarge, match="more than 1000 bytes"):
            fetch_s3_recording(f"s3://{BUCKET}/{KEY}", policy(endpoint, max_bytes=1000), tmp_path / "a")
    finally:
        client.meta.events.unregister("before-parameter-build.s3.GetObject", drop_range)
        client.meta.events.unregister("after-call.s3.GetObject", hide_size)


def test_missing_key_and_missing_bucket_are_not_found(endpoint: str, tmp_path: Path) -> None:
    with pytest.raises(RecordingNotFound, match="no such key"):
        fetch_s3_recording(f"s3://{BUCKET}/pbx/nope.wav", policy(endpoint), tmp_path / "a")
    with pytest.raises(RecordingNotFound, match="no such bucket"):
        fetch_s3_recording("s3://no-such-bucket/a.wav", policy(endpoint, buckets=("*",)), tmp_path / "b")


def test_empty_object_is_an_empty_recording(endpoint: str, tmp_path: Path) -> None:
    with pytest.raises(EmptyRecording, match="zero bytes"):
        fetch_s3_recording(f"s3://{BUCKET}/empty.wav", policy(endpoint), tmp_path / "a")


def dead_endpoint() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_bucket_not_listed_is_refused_without_a_request(tmp_path: Path) -> None:
    # The endpoint is dead: a request would fail as RecordingUnavailable, not as a refusal.
    with pytest.raises(RecordingNotAllowed, match="'other' is not in CALLSTREAM_RECORDING_S3_BUCKETS"):
        fetch_s3_recording("s3://other/a.wav", policy(dead_endpoint()), tmp_path / "a")


def test_s3_is_off_by_default(tmp_path: Path) -> None:
    with (
        pytest.raises(RecordingNotAllowed, match="CALLSTREAM_RECORDING_S3_BUCKETS is empty"),
        open_recording(f"s3://{BUCKET}/a.wav", Settings(data_dir=tmp_path)),
    ):
        pass


@pytest.mark.parametrize(
    ("uri", "error", "why"),
    [
        ("s3:///a.wav", RecordingNotAllowed, "not an S3 bucket name"),
        ("s3://Bad_Bucket/a.wav", RecordingNotAllowed, "not an S3 bucket name"),
        (f"s3://{BUCKET}", RecordingNotFound, "names no object"),
        (f"s3://{BUCKET}/folder/", RecordingNotFound, "names no object"),
    ],
)
def test_malformed_uris(uri: str, error: type[Exception], why: str, tmp_path: Path) -> None:
    with pytest.raises(error, match=why):
        fetch_s3_recording(uri, policy(dead_endpoint(), buckets=("*",)), tmp_path / "a")


def test_unreachable_endpoint_is_unavailable(endpoint: str, tmp_path: Path) -> None:
    with pytest.raises(RecordingUnavailable, match="EndpointConnectionError") as info:
        fetch_s3_recording(f"s3://{BUCKET}/{KEY}", policy(dead_endpoint()), tmp_path / "a")
    assert isinstance(info.value, ConnectionError)  # the stage retries it before dead-lettering


class TrickleHandler(BaseHTTPRequestHandler):
    """Answers any GET with a 100-byte object, one byte per 0.1 s (every read well inside the read
    timeout)."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(206)
        self.send_header("Content-Length", "100")
        self.send_header("Content-Range", "bytes 0-99/100")
        self.end_headers()
        for _ in range(100):
            try:
                self.wfile.write(b"\0")
            except OSError:
                return  # the client gave up
            time.sleep(0.1)


def test_download_deadline_holds_against_a_trickling_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var, value in AWS_ENV.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setattr(audio, "DOWNLOAD_DEADLINE_FACTOR", 4)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), TrickleHandler)
    httpd.handle_error = lambda *args: None  # type: ignore[method-assign]  # the client hangs up
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    started = time.monotonic()
    try:
        with pytest.raises(RecordingUnavailable, match="download too slow"):
            # a 2 s deadline; without it the 64 KiB block read would wait for all 100 bytes (10 s)
            fetch_s3_recording(f"s3://{BUCKET}/{KEY}", policy(url, timeout_s=0.5), tmp_path / "a")
        assert time.monotonic() - started < 2 + 3
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_no_credentials_is_refused(endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    audio._s3_client.cache_clear()  # credentials are resolved when a client is built
    try:
        with pytest.raises(RecordingNotAllowed, match="no usable S3 credentials"):
            fetch_s3_recording(f"s3://{BUCKET}/{KEY}", policy(endpoint, timeout_s=4), tmp_path / "a")
    finally:
        audio._s3_client.cache_clear()


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        ("AccessDenied", 403, RecordingNotAllowed),
        ("InvalidAccessKeyId", 403, RecordingNotAllowed),
        ("403", 403, RecordingNotAllowed),
        ("404", 404, RecordingNotFound),
        ("SlowDown", 503, RecordingUnavailable),
        ("InternalError", 500, RecordingUnavailable),
        ("", 429, RecordingUnavailable),
        ("InvalidObjectState", 403, RecordingNotAllowed),
        ("InvalidObjectState", 400, RecordingNotFound),
    ],
)
def test_error_answers_map_to_the_http_path_exceptions(code: str, status: int, error: type) -> None:
    response = {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
    with pytest.raises(error) as info:
        audio._raise_s3_error("s3://b/k", response)
    assert type(info.value) is error


def test_missing_extra_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 now raises ImportError
    with pytest.raises(RecordingNotAllowed, match=r"pip install 'callstream\[s3\]'"):
        fetch_s3_recording(f"s3://{BUCKET}/a.wav", policy(dead_endpoint()), tmp_path / "a")


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CALLSTREAM_RECORDING_S3_BUCKETS", "recordings, pbx.archive,")
    monkeypatch.setenv("CALLSTREAM_RECORDING_S3_ENDPOINT_URL", "http://minio:9000")
    monkeypatch.setenv("CALLSTREAM_RECORDING_S3_REGION", "")
    monkeypatch.setenv("CALLSTREAM_RECORDING_MAX_BYTES", "1000")
    p = S3Policy.from_settings(load_settings())
    assert p == S3Policy(("recordings", "pbx.archive"), "http://minio:9000", None, 30.0, 1000)


@pytest.mark.parametrize(
    ("var", "value", "why"),
    [
        ("CALLSTREAM_RECORDING_S3_BUCKETS", "ok-bucket,Bad_Bucket", "not S3 bucket names: Bad_Bucket"),
        ("CALLSTREAM_RECORDING_S3_ENDPOINT_URL", "minio:9000", "must be an http:// or https:// URL"),
        ("CALLSTREAM_RECORDING_S3_TIMEOUT", "0", "greater than 0"),
    ],
)
def test_settings_are_validated(
    var: str, value: str, why: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError, match=var) as info:
        load_settings()
    assert why in str(info.value)


def test_worker_start_check_names_the_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # streams/agents/transcribe.py calls this at start when CALLSTREAM_RECORDING_S3_BUCKETS is set
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(RecordingNotAllowed, match=r"pip install 'callstream\[s3\]'"):
        audio.require_s3_client(S3Policy(buckets=("b",), endpoint_url="http://127.0.0.1:9/start-check"))
