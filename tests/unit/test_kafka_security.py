"""Kafka security settings (CALLSTREAM_KAFKA_SECURITY_PROTOCOL, SASL, TLS files): validation messages,
the librdkafka properties real confluent-kafka clients accept, the Faust app's broker_credentials,
and the SASL password never printed."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from pathlib import Path

import faust
import pytest
from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

from connectors.publisher import CallPublisher
from schemas.codec import SingleObjectCodec
from streams.app import create_faust_app
from streams.cli import main
from streams.lag import consumer_lag
from streams.settings import Settings, SettingsError, load_settings
from streams.topics import TopicSetupError, ensure_topics

PASSWORD = "s3cret-sasl-pw"
#: Nothing listens here: clients are built, never connected.
NOWHERE = "127.0.0.1:1"
SASL_SSL = {
    "CALLSTREAM_KAFKA_BOOTSTRAP": "pkc-1.eu-west-1.aws.confluent.cloud:9092",
    "CALLSTREAM_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "CALLSTREAM_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
    "CALLSTREAM_KAFKA_SASL_USERNAME": "api-key",
    "CALLSTREAM_KAFKA_SASL_PASSWORD": PASSWORD,
}


def make_tls_files(directory: Path) -> dict[str, Path]:
    """A test CA and a cert/key it signed for localhost and 127.0.0.1 (the openssl CLI)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    files = {name: directory / f"{name}.pem" for name in ("ca", "ca_key", "cert", "key", "csr")}

    def openssl(*args: str | Path) -> None:
        subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=callstream-test-ca",
            "-keyout", files["ca_key"], "-out", files["ca"])  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-keyout", files["key"], "-out", files["csr"])  # fmt: skip
    ext = directory / "san.cnf"
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", files["csr"], "-CA", files["ca"], "-CAkey", files["ca_key"],
            "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", files["cert"])  # fmt: skip
    return files


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env


def settings_from(monkeypatch: pytest.MonkeyPatch, **env: str | Path) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    return load_settings()


def invalid(monkeypatch: pytest.MonkeyPatch, **env: str | Path) -> str:
    with pytest.raises(SettingsError) as info:
        settings_from(monkeypatch, **env)
    return str(info.value)


# --- settings validation ---------------------------------------------------------------------------


def test_plaintext_by_default_and_no_security_properties() -> None:
    s = load_settings()
    assert s.kafka_security_protocol == "PLAINTEXT"
    assert s.kafka_client_config() == {}
    assert s.faust_broker_credentials() is None


def test_sasl_protocol_needs_username_and_password(monkeypatch: pytest.MonkeyPatch) -> None:
    message = invalid(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP="kafka:9092",
        CALLSTREAM_KAFKA_SECURITY_PROTOCOL="SASL_SSL",
        CALLSTREAM_KAFKA_SASL_USERNAME="api-key",
    )
    assert "CALLSTREAM_KAFKA_SASL_PASSWORD: " in message
    assert "SECURITY_PROTOCOL=SASL_SSL: set CALLSTREAM_KAFKA_SASL_USERNAME and" in message


def test_mechanism_without_sasl_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    message = invalid(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP="kafka:9092",
        CALLSTREAM_KAFKA_SECURITY_PROTOCOL="SSL",
        CALLSTREAM_KAFKA_SASL_MECHANISM="SCRAM-SHA-256",
    )
    assert "CALLSTREAM_KAFKA_SASL_MECHANISM: " in message
    assert "needs CALLSTREAM_KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT (it is SSL)" in message


def test_credentials_without_sasl_protocol_are_not_silently_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    message = invalid(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP="kafka:9092",
        CALLSTREAM_KAFKA_SASL_USERNAME="api-key",
        CALLSTREAM_KAFKA_SASL_PASSWORD=PASSWORD,
    )
    assert "SASL credentials are set but CALLSTREAM_KAFKA_SECURITY_PROTOCOL=PLAINTEXT" in message
    assert PASSWORD not in message


def test_security_with_the_embedded_broker_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {k: v for k, v in SASL_SSL.items() if k != "CALLSTREAM_KAFKA_BOOTSTRAP"}
    message = invalid(monkeypatch, **env)
    assert "CALLSTREAM_KAFKA_SECURITY_PROTOCOL: " in message
    assert "SASL_SSL needs CALLSTREAM_KAFKA_BOOTSTRAP: the embedded broker speaks PLAINTEXT only" in message
    assert PASSWORD not in message


def test_unknown_protocol_and_mechanism_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    message = invalid(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP="kafka:9092",
        CALLSTREAM_KAFKA_SECURITY_PROTOCOL="TLS",
        CALLSTREAM_KAFKA_SASL_MECHANISM="GSSAPI",
    )
    assert "CALLSTREAM_KAFKA_SECURITY_PROTOCOL: Input should be 'PLAINTEXT', 'SSL'" in message
    assert "CALLSTREAM_KAFKA_SASL_MECHANISM: Input should be 'PLAIN', 'SCRAM-SHA-256'" in message


def test_protocol_and_mechanism_are_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    env = SASL_SSL | {
        "CALLSTREAM_KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
        "CALLSTREAM_KAFKA_SASL_MECHANISM": "scram-sha-512",
    }
    s = settings_from(monkeypatch, **env)
    assert (s.kafka_security_protocol, s.kafka_sasl_mechanism) == ("SASL_SSL", "SCRAM-SHA-512")


def test_missing_tls_file_names_the_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    message = invalid(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP="kafka:9093",
        CALLSTREAM_KAFKA_SECURITY_PROTOCOL="SSL",
        CALLSTREAM_KAFKA_SSL_CAFILE=tmp_path / "no-ca.pem",
    )
    assert f"CALLSTREAM_KAFKA_SSL_CAFILE: {tmp_path / 'no-ca.pem'} is not a readable file" in message


def test_tls_files_need_a_tls_protocol(monkeypatch: pytest.MonkeyPatch, tls: dict[str, Path]) -> None:
    message = invalid(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP="kafka:9092",
        CALLSTREAM_KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
        CALLSTREAM_KAFKA_SASL_USERNAME="u",
        CALLSTREAM_KAFKA_SASL_PASSWORD=PASSWORD,
        CALLSTREAM_KAFKA_SSL_CAFILE=tls["ca"],
    )
    assert "CALLSTREAM_KAFKA_SSL_CAFILE set but CALLSTREAM_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT" in message


def test_client_certificate_needs_its_key(monkeypatch: pytest.MonkeyPatch, tls: dict[str, Path]) -> None:
    message = invalid(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP="kafka:9093",
        CALLSTREAM_KAFKA_SECURITY_PROTOCOL="SSL",
        CALLSTREAM_KAFKA_SSL_CERTFILE=tls["cert"],
    )
    assert "CALLSTREAM_KAFKA_SSL_KEYFILE: " in message
    assert "mutual TLS needs both CALLSTREAM_KAFKA_SSL_CERTFILE and CALLSTREAM_KAFKA_SSL_KEYFILE" in message


# --- librdkafka (confluent-kafka) clients -----------------------------------------------------------


def test_librdkafka_properties_for_sasl_ssl(monkeypatch: pytest.MonkeyPatch, tls: dict[str, Path]) -> None:
    s = settings_from(monkeypatch, **SASL_SSL, CALLSTREAM_KAFKA_SSL_CAFILE=tls["ca"])
    config = s.kafka_client_config()
    assert config == {
        "security.protocol": "sasl_ssl",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "api-key",
        "sasl.password": PASSWORD,
        "ssl.ca.location": str(tls["ca"]),
    }
    # librdkafka validates every property name and value when a client is constructed.
    Producer({"bootstrap.servers": NOWHERE, **config})
    AdminClient({"bootstrap.servers": NOWHERE, **config})


def test_mechanism_defaults_to_plain_not_librdkafkas_gssapi(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {k: v for k, v in SASL_SSL.items() if k != "CALLSTREAM_KAFKA_SASL_MECHANISM"}
    s = settings_from(monkeypatch, **env | {"CALLSTREAM_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"})
    assert s.kafka_client_config()["sasl.mechanism"] == "PLAIN"
    assert s.kafka_client_config()["security.protocol"] == "sasl_plaintext"


def test_mutual_tls_properties_are_accepted(monkeypatch: pytest.MonkeyPatch, tls: dict[str, Path]) -> None:
    s = settings_from(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP="kafka:9093",
        CALLSTREAM_KAFKA_SECURITY_PROTOCOL="SSL",
        CALLSTREAM_KAFKA_SSL_CAFILE=tls["ca"],
        CALLSTREAM_KAFKA_SSL_CERTFILE=tls["cert"],
        CALLSTREAM_KAFKA_SSL_KEYFILE=tls["key"],
    )
    config = s.kafka_client_config()
    assert config["ssl.certificate.location"] == str(tls["cert"])
    assert config["ssl.key.location"] == str(tls["key"])
    Producer({"bootstrap.servers": NOWHERE, **config})
    AdminClient({"bootstrap.servers": NOWHERE, **config})


def encrypted_key(tls: dict[str, Path], password: str) -> Path:
    path = tls["key"].with_name(f"key-encrypted-{len(password)}.pem")
    if not path.exists():
        subprocess.run(
            [
                "openssl",
                "pkey",
                "-in",
                str(tls["key"]),
                "-aes256",
                "-passout",
                f"pass:{password}",
                "-out",
                str(path),
            ],
            check=True,
            capture_output=True,
        )
    return path


def mutual_tls(tls: dict[str, Path], key: Path, **extra: str) -> dict[str, str | Path]:
    return {
        "CALLSTREAM_KAFKA_BOOTSTRAP": "kafka:9093",
        "CALLSTREAM_KAFKA_SECURITY_PROTOCOL": "SSL",
        "CALLSTREAM_KAFKA_SSL_CAFILE": tls["ca"],
        "CALLSTREAM_KAFKA_SSL_CERTFILE": tls["cert"],
        "CALLSTREAM_KAFKA_SSL_KEYFILE": key,
        **extra,
    }


def test_encrypted_client_key_with_its_password(
    monkeypatch: pytest.MonkeyPatch, tls: dict[str, Path]
) -> None:
    key = encrypted_key(tls, "s3cret-key")
    s = settings_from(monkeypatch, **mutual_tls(tls, key, CALLSTREAM_KAFKA_SSL_KEY_PASSWORD="s3cret-key"))
    config = s.kafka_client_config()
    assert config["ssl.key.password"] == "s3cret-key"
    # librdkafka decrypts the key when the client is created; aiokafka's context loads it too
    Producer({"bootstrap.servers": NOWHERE, **config})
    assert s.kafka_ssl_context() is not None
    assert "s3cret-key" not in repr(s)


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("n0t-the-passw0rd", "wrong CALLSTREAM_KAFKA_SSL_KEY_PASSWORD?"),
        (None, "is the key encrypted? then set CALLSTREAM_KAFKA_SSL_KEY_PASSWORD"),
    ],
)
def test_encrypted_client_key_that_does_not_load_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, tls: dict[str, Path], password: str | None, expected: str
) -> None:
    key = encrypted_key(tls, "s3cret-key")
    extra = {"CALLSTREAM_KAFKA_SSL_KEY_PASSWORD": password} if password else {}
    message = invalid(monkeypatch, **mutual_tls(tls, key, **extra))
    assert f"cannot load the client key {key} with {tls['cert']}: {expected}" in message
    assert "s3cret-key" not in message


def test_client_key_of_another_certificate_is_refused(
    monkeypatch: pytest.MonkeyPatch, tls: dict[str, Path]
) -> None:
    message = invalid(monkeypatch, **mutual_tls(tls, tls["ca_key"]))
    assert "the key does not belong to the certificate" in message


def test_key_password_without_a_key_file(monkeypatch: pytest.MonkeyPatch, tls: dict[str, Path]) -> None:
    message = invalid(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP="kafka:9093",
        CALLSTREAM_KAFKA_SECURITY_PROTOCOL="SSL",
        CALLSTREAM_KAFKA_SSL_KEY_PASSWORD="s3cret-key",
    )
    assert (
        "CALLSTREAM_KAFKA_SSL_KEY_PASSWORD: " in message
        and "only with CALLSTREAM_KAFKA_SSL_KEYFILE" in message
    )


@pytest.fixture
def bad_ca_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    not_a_cert = tmp_path / "ca.pem"
    not_a_cert.write_text("not a certificate\n")
    return settings_from(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP=NOWHERE,
        CALLSTREAM_KAFKA_SECURITY_PROTOCOL="SSL",
        CALLSTREAM_KAFKA_SSL_CAFILE=not_a_cert,
    )


def test_every_confluent_client_gets_the_security_properties(bad_ca_settings: Settings) -> None:
    """Each client fails at construction on the unusable CA: proof it was handed the properties."""
    with pytest.raises(TopicSetupError, match=r"invalid Kafka client settings: .*ssl\.ca\.location failed"):
        ensure_topics(bad_ca_settings, NOWHERE, timeout=2)
    with pytest.raises(KafkaException, match=r"ssl\.ca\.location failed"):
        CallPublisher(bad_ca_settings, NOWHERE, SingleObjectCodec())
    with pytest.raises(KafkaException, match=r"ssl\.ca\.location failed"):
        consumer_lag(NOWHERE, "g", ["t"], timeout=1, security=bad_ca_settings.kafka_client_config())


# --- Faust (aiokafka) ---------------------------------------------------------------------------------


def test_faust_app_from_sasl_ssl_settings(monkeypatch: pytest.MonkeyPatch, tls: dict[str, Path]) -> None:
    s = settings_from(monkeypatch, **SASL_SSL, CALLSTREAM_KAFKA_SSL_CAFILE=tls["ca"])
    app = create_faust_app(s, "b1:9092, b2:9092")
    assert [str(url) for url in app.conf.broker] == ["kafka://b1:9092", "kafka://b2:9092"]
    creds = app.conf.broker_credentials
    assert isinstance(creds, faust.SASLCredentials)
    assert (creds.protocol.value, creds.mechanism.value) == ("SASL_SSL", "SCRAM-SHA-512")
    assert (creds.username, creds.password) == ("api-key", PASSWORD)
    assert creds.ssl_context.verify_mode == ssl.CERT_REQUIRED and creds.ssl_context.check_hostname
    assert PASSWORD not in repr(creds)
    # What faust hands to every aiokafka consumer and producer it creates.
    auth = credentials_to_aiokafka_auth(app.conf.broker_credentials, app.conf.ssl_context)
    assert auth == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "api-key",
        "sasl_plain_password": PASSWORD,
        "ssl_context": creds.ssl_context,
    }

    async def build_client() -> None:  # aiokafka checks protocol/mechanism/context together here
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(bootstrap_servers=NOWHERE, **auth)
        assert producer.client._security_protocol == "SASL_SSL"

    asyncio.run(build_client())


def test_faust_app_from_sasl_plaintext_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    env = SASL_SSL | {"CALLSTREAM_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"}
    creds = create_faust_app(settings_from(monkeypatch, **env), NOWHERE).conf.broker_credentials
    assert isinstance(creds, faust.SASLCredentials)
    assert creds.protocol.value == "SASL_PLAINTEXT" and creds.ssl_context is None


def test_faust_app_from_mutual_tls_settings(monkeypatch: pytest.MonkeyPatch, tls: dict[str, Path]) -> None:
    s = settings_from(
        monkeypatch,
        CALLSTREAM_KAFKA_BOOTSTRAP="kafka:9093",
        CALLSTREAM_KAFKA_SECURITY_PROTOCOL="SSL",
        CALLSTREAM_KAFKA_SSL_CAFILE=tls["ca"],
        CALLSTREAM_KAFKA_SSL_CERTFILE=tls["cert"],
        CALLSTREAM_KAFKA_SSL_KEYFILE=tls["key"],
    )
    creds = create_faust_app(s, "kafka:9093").conf.broker_credentials
    assert isinstance(creds, faust.SSLCredentials)
    assert credentials_to_aiokafka_auth(creds)["security_protocol"] == "SSL"
    assert creds.context.verify_mode == ssl.CERT_REQUIRED


def test_plaintext_faust_app_has_no_credentials() -> None:
    app = create_faust_app(load_settings(), NOWHERE)
    assert app.conf.broker_credentials is None


# --- the password is never printed --------------------------------------------------------------------


def test_config_command_hides_the_sasl_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for name, value in SASL_SSL.items():
        monkeypatch.setenv(name, value)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert PASSWORD not in out
    assert "CALLSTREAM_KAFKA_SASL_PASSWORD=***" in out
    assert "CALLSTREAM_KAFKA_SECURITY_PROTOCOL=SASL_SSL" in out
    assert "CALLSTREAM_KAFKA_SASL_USERNAME=api-key" in out


def test_an_unreachable_broker_is_one_named_reason_not_30_s_of_log_lines(capfd) -> None:
    """A refused connection used to give ~580 librdkafka log lines and "Broker transport failure"
    after the whole 30 s; now the connection error itself, once the refusals outlast a short grace."""
    import pytest

    from streams.broker import free_port
    from streams.settings import Settings
    from streams.topics import TopicSetupError, ensure_topics

    bootstrap = f"127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(TopicSetupError, match="Connection refused"):
        ensure_topics(Settings(kafka_bootstrap=bootstrap), bootstrap)
    # lines about this broker only: a producer another test left to its fate may still be logging
    err = capfd.readouterr().err
    assert not [line for line in err.splitlines() if "|FAIL|" in line and bootstrap in line], err[-2000:]
