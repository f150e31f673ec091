"""An independent Kafka client, Debian's ``kcat``, reads what the ingest API published, and the bytes
decode with the checked-in schema file and the documented single-object framing alone.

Debian bookworm's kcat links librdkafka 2.0.2, which mis-skips KIP-482 tagged fields (it skips
``len - 1`` bytes per tag; fixed in librdkafka 2.2.0, confluentinc/librdkafka#4278). Tansu's
ApiVersions v3 response ends with tagged fields (e.g. FinalizedFeaturesEpoch), so the default
handshake fails with "Read underflow". ``broker.version.fallback=0.9.0`` with
``api.version.request=false`` is the only setting that skips ApiVersions (any fallback >= 0.10
re-enables it), and ``-o 0`` instead of ``-o beginning`` avoids ListOffsets v0, whose Tansu
response librdkafka also cannot parse.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from fastavro import schemaless_reader
from fastavro.schema import fingerprint, load_schema, to_parsing_canonical_form

from streams.broker import EmbeddedBroker
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.integration.test_ingest import call, serve_and

pytestmark = pytest.mark.integration
KCAT_LEGACY_PROTOCOL = ["-X", "api.version.request=false", "-X", "broker.version.fallback=0.9.0"]
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "callstream.CallCompleted.avsc"


@pytest.fixture(scope="module")
def broker() -> EmbeddedBroker:
    with EmbeddedBroker() as b:
        yield b


def kcat_read(bootstrap: str, topic: str) -> list[tuple[int, int, bytes, bytes]]:
    """(partition, offset, key, value) of every message, read with kcat; binary-safe because the
    format prints each key and value length before the raw bytes."""
    kcat = shutil.which("kcat")
    assert kcat is not None
    cmd = [kcat, "-C", "-b", bootstrap, "-t", topic, "-o", "0", "-e", "-q", *KCAT_LEGACY_PROTOCOL]
    done = subprocess.run([*cmd, "-f", "%p %o %K %S\\n%k%s"], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    out, pos, messages = done.stdout, 0, []
    while pos < len(out):
        end = out.index(b"\n", pos)
        partition, offset, key_len, value_len = (int(x) for x in out[pos:end].split())
        pos = end + 1
        key, pos = out[pos : pos + key_len], pos + key_len
        value, pos = out[pos : pos + value_len], pos + value_len
        messages.append((partition, offset, key, value))
    return messages


@pytest.fixture(scope="module", autouse=True)
def kcat_installed() -> None:
    """Skip without kcat, before any broker starts; under CI (which installs it: .ci/run) fail
    instead, so a broken install step cannot hide behind a skip."""
    if shutil.which("kcat") is None:
        if os.environ.get("CI"):
            pytest.fail("kcat is missing in CI: .ci/run installs Debian's kcat package")
        pytest.skip("kcat is not on PATH: apt-get install kcat")


def test_kcat_reads_what_ingest_published(broker: EmbeddedBroker, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, topic_prefix="kcat.")
    ensure_topics(settings, broker.bootstrap)
    body = json.dumps([call("kcat-1"), call("kcat-2")]).encode()
    headers = {"Authorization": "Bearer t-demo", "Content-Type": "application/json"}
    [(status, answer), _openapi] = asyncio.run(serve_and(settings, broker.bootstrap, [(headers, body)]))
    assert (status, answer) == (202, {"accepted": ["kcat-1", "kcat-2"]})

    messages = kcat_read(broker.bootstrap, settings.topic("calls.completed"))
    schema = load_schema(SCHEMA_FILE, _write_hint=False)
    decoded = {}
    for _partition, _offset, key, raw in messages:
        assert raw[:2] == b"\xc3\x01"  # Avro single-object marker, then the schema fingerprint
        assert raw[2:10].hex() == fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO")
        decoded[key.decode()] = schemaless_reader(io.BytesIO(raw[10:]), schema)
    assert sorted(decoded) == ["kcat-1", "kcat-2"]
    assert decoded["kcat-1"]["tenant"] == "demo" and decoded["kcat-1"]["agent"]["id"] == "a-102"
    assert decoded["kcat-1"]["call_id"] == "kcat-1"
