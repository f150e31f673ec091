"""streams.settings: CALLSTREAM_* parsing, validation messages naming the variable, derived values."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from streams.settings import STAGES, Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No CALLSTREAM_* from the outer environment and no stray .env in the working directory."""
    for var in list(os.environ):
        if var.startswith("CALLSTREAM_"):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)


def invalid(monkeypatch, **env: str) -> str:
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert isinstance(info.value, SystemExit)
    message = str(info.value)
    assert message.startswith("callstream: invalid configuration:")
    return message


def test_defaults():
    s = load_settings()
    assert s.stages == list(STAGES)
    assert s.recording_roots == []
    assert s.kafka_bootstrap is None and s.embedded_broker
    assert s.clickhouse_dsn is None
    assert s.schema_registry_url is None
    assert s.topic_prefix == ""
    assert s.partitions == 4


def test_stages_and_roots_are_comma_separated(monkeypatch):
    monkeypatch.setenv("CALLSTREAM_STAGES", "transcribe, filter,")
    monkeypatch.setenv("CALLSTREAM_RECORDING_ROOTS", "/a,/b")
    s = load_settings()
    assert s.stages == ["transcribe", "filter"]
    assert s.recording_roots == [Path("/a"), Path("/b")]


def test_numbers_and_literals_from_env(monkeypatch):
    monkeypatch.setenv("CALLSTREAM_PARTITIONS", "12")
    monkeypatch.setenv("CALLSTREAM_BROKER_MAX_POLL_INTERVAL", "1800.5")
    monkeypatch.setenv("CALLSTREAM_WHISPER_DEVICE", "cuda")
    monkeypatch.setenv("CALLSTREAM_LOG_LEVEL", "info")
    s = load_settings()
    assert s.partitions == 12
    assert s.broker_max_poll_interval == 1800.5
    assert s.whisper_device == "cuda"
    assert s.log_level == "info"


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_bootstrap_means_unset(monkeypatch, value):
    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", value)
    monkeypatch.setenv("CALLSTREAM_CLICKHOUSE_DSN", value)
    monkeypatch.setenv("CALLSTREAM_SCHEMA_REGISTRY_URL", value)
    s = load_settings()
    assert s.kafka_bootstrap is None
    assert s.embedded_broker is True
    assert s.clickhouse_dsn is None
    assert s.schema_registry_url is None


def test_bootstrap_set_means_external_broker(monkeypatch):
    monkeypatch.setenv("CALLSTREAM_KAFKA_BOOTSTRAP", "kafka-1:9092,kafka-2:9092")
    s = load_settings()
    assert s.kafka_bootstrap == "kafka-1:9092,kafka-2:9092"
    assert s.embedded_broker is False


def test_unknown_stage_is_named(monkeypatch):
    message = invalid(monkeypatch, CALLSTREAM_STAGES="transcribe,bogus")
    assert "CALLSTREAM_STAGES" in message
    assert "bogus" in message
    assert "transcribe, filter, compress, score, sink, alerts" in message  # says what is allowed


def test_no_stage_is_an_error(monkeypatch):
    message = invalid(monkeypatch, CALLSTREAM_STAGES=" , ")
    assert "CALLSTREAM_STAGES" in message and "at least one stage" in message


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("CALLSTREAM_PARTITIONS", "zero"),
        ("CALLSTREAM_PARTITIONS", "0"),
        ("CALLSTREAM_MAX_ATTEMPTS", "100"),
        ("CALLSTREAM_METRICS_PORT", "70000"),
        ("CALLSTREAM_SINK_FLUSH_SECONDS", "-1"),
        ("CALLSTREAM_WHISPER_DEVICE", "tpu"),
        ("CALLSTREAM_LOG_LEVEL", "chatty"),
    ],
)
def test_invalid_value_is_named(monkeypatch, var, value):
    message = invalid(monkeypatch, **{var: value})
    line = next(line for line in message.splitlines() if var in line)
    assert repr(value) in line  # shows what was given


def test_every_wrong_value_is_reported_at_once(monkeypatch):
    message = invalid(
        monkeypatch,
        CALLSTREAM_PARTITIONS="many",
        CALLSTREAM_STAGES="nope",
        CALLSTREAM_CLICKHOUSE_DSN="mysql://db/x",
    )
    lines = message.splitlines()[1:]
    assert len(lines) == 3
    assert {line.split(":")[0].strip() for line in lines} == {
        "CALLSTREAM_PARTITIONS",
        "CALLSTREAM_STAGES",
        "CALLSTREAM_CLICKHOUSE_DSN",
    }


@pytest.mark.parametrize("dsn", ["mysql://db/x", "localhost:8123", "chdb:/tmp/x"])
def test_bad_dsn_scheme(monkeypatch, dsn):
    message = invalid(monkeypatch, CALLSTREAM_CLICKHOUSE_DSN=dsn)
    assert "CALLSTREAM_CLICKHOUSE_DSN" in message
    assert "chdb://" in message


@pytest.mark.parametrize(
    "dsn",
    ["chdb:///tmp/ch", "http://u:p@host:8123/db", "https://host/db", "clickhouse://host", "clickhouses://h"],
)
def test_good_dsn_schemes(monkeypatch, dsn):
    monkeypatch.setenv("CALLSTREAM_CLICKHOUSE_DSN", dsn)
    s = load_settings()
    assert s.clickhouse_dsn == dsn
    assert s.effective_clickhouse_dsn == dsn


@pytest.mark.parametrize("var", ["CALLSTREAM_WHISPER_MODEL", "CALLSTREAM_WHISPER_MODEL_EN"])
def test_whisper_model_dir_without_model_bin(monkeypatch, tmp_path, var):
    model_dir = tmp_path / "not-a-model"
    model_dir.mkdir()
    (model_dir / "config.json").write_text("{}")
    message = invalid(monkeypatch, **{var: str(model_dir)})
    line = next(line for line in message.splitlines() if line.strip().startswith(var + ":"))
    assert "model.bin" in line
    assert str(model_dir) in line


def test_whisper_model_dir_with_model_bin(monkeypatch, tmp_path):
    model_dir = tmp_path / "tiny"
    model_dir.mkdir()
    (model_dir / "model.bin").write_bytes(b"\0")
    monkeypatch.setenv("CALLSTREAM_WHISPER_MODEL", str(model_dir))
    assert load_settings().whisper_model == model_dir


def test_whisper_keep_words(monkeypatch):
    assert load_settings().whisper_keep_words is False
    monkeypatch.setenv("CALLSTREAM_WHISPER_KEEP_WORDS", "true")
    assert load_settings().whisper_keep_words is True
    message = invalid(monkeypatch, CALLSTREAM_WHISPER_KEEP_WORDS="sometimes")
    assert "CALLSTREAM_WHISPER_KEEP_WORDS:" in message and "'sometimes'" in message


def test_effective_clickhouse_dsn_defaults_under_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CALLSTREAM_DATA_DIR", str(tmp_path / "state"))
    s = load_settings()
    assert s.effective_clickhouse_dsn == f"chdb://{(tmp_path / 'state' / 'clickhouse').resolve()}"


def test_relative_data_dir_is_made_absolute_in_dsn(tmp_path):
    s = load_settings()  # data_dir defaults to .callstream, relative to the working directory
    assert s.effective_clickhouse_dsn == f"chdb://{tmp_path.resolve() / '.callstream' / 'clickhouse'}"


def test_topic_prefix(monkeypatch):
    assert load_settings().topic("calls.completed") == "calls.completed"
    monkeypatch.setenv("CALLSTREAM_TOPIC_PREFIX", "staging.")
    assert load_settings().topic("calls.completed") == "staging.calls.completed"


def test_overrides_win_over_env(monkeypatch):
    monkeypatch.setenv("CALLSTREAM_PARTITIONS", "8")
    assert load_settings(partitions=2).partitions == 2
    assert load_settings().partitions == 8


@pytest.mark.skipif(Settings.model_config.get("env_file") != ".env", reason="CALLSTREAM_CONFIG set at import")
def test_dot_env_file_is_read_and_env_wins(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("CALLSTREAM_PARTITIONS=16\nCALLSTREAM_TOPIC_PREFIX=dev.\n")
    s = load_settings()
    assert s.partitions == 16 and s.topic_prefix == "dev."
    monkeypatch.setenv("CALLSTREAM_PARTITIONS", "3")
    assert load_settings().partitions == 3
