"""Settings: every knob is a ``CALLSTREAM_*`` environment variable (or a line in a ``.env`` /
``CALLSTREAM_CONFIG`` file), validated once at start with a message naming the variable."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

STAGES = ("transcribe", "filter", "compress", "score", "sink", "alerts")


class Settings(BaseSettings):
    """callstream configuration. Field docs are printed by ``callstream config``."""

    model_config = SettingsConfigDict(
        env_prefix="CALLSTREAM_",
        env_file=os.environ.get("CALLSTREAM_CONFIG", ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    # --- where things live -------------------------------------------------------------------
    data_dir: Path = Field(
        Path(".callstream"), description="Local state: embedded ClickHouse data, models, logs."
    )
    kafka_bootstrap: str | None = Field(
        None,
        description="host:port[,host:port] of a Kafka cluster. Unset: start the embedded broker on loopback.",
    )
    clickhouse_dsn: str | None = Field(
        None,
        description="clickhouse-connect DSN, e.g. http://user:pass@host:8123/callstream. "
        "Unset: embedded chDB under DATA_DIR/clickhouse.",
    )
    embedded_broker_port: int = Field(
        0, ge=0, le=65535, description="Port of the embedded broker (no KAFKA_BOOTSTRAP); 0 = any free port."
    )
    schema_registry_url: str | None = Field(
        None, description="Confluent Schema Registry URL. Unset: Avro single-object encoding, no registry."
    )

    # --- Kafka / Faust ---------------------------------------------------------------------------
    app_id: str = Field("callstream", description="Faust app id: consumer-group prefix.")
    topic_prefix: str = Field("", description="Prepended to every topic name (multi-environment clusters).")
    partitions: int = Field(4, ge=1, le=1024, description="Partitions of every callstream topic.")
    replication_factor: int = Field(1, ge=1, le=16, description="Replication factor of callstream topics.")
    broker_session_timeout: float = Field(6.0, gt=0, description="Consumer session timeout, seconds.")
    broker_max_poll_interval: float = Field(
        900.0, gt=0, description="Max seconds between polls before a rebalance: longer than the slowest call."
    )
    broker_max_poll_records: int = Field(
        10, ge=1, description="Records fetched per poll: small, so long calls do not trip rebalances."
    )
    stages: Annotated[list[str], NoDecode] = Field(
        list(STAGES), description="Agents this worker runs (comma-separated)."
    )

    # --- speech ------------------------------------------------------------------------------------
    recording_roots: Annotated[list[Path], NoDecode] = Field(
        [],
        description="Directories file:// recordings may come from (comma-separated). "
        "Empty: the samples dir only.",
    )
    max_audio_seconds: float = Field(
        4 * 3600, gt=0, description="Longer recordings go to the dead-letter topic."
    )
    whisper_model_en: Path | None = Field(
        None, description="faster-whisper model directory for English. Unset: tiny.en shipped on PyPI."
    )
    whisper_model: Path | None = Field(
        None,
        description="faster-whisper model directory for other languages. Unset: multilingual base from PyPI.",
    )
    whisper_device: Literal["cpu", "cuda", "auto"] = Field("cpu", description="Where Whisper runs.")
    whisper_compute_type: str = Field(
        "int8", description="CTranslate2 compute type (int8 on CPU, float16 on GPU)."
    )
    whisper_cpu_threads: int = Field(0, ge=0, description="CPU threads for Whisper; 0 = library default.")
    tokenizer: Path | None = Field(
        None,
        description="tokenizer.json used to count LLM tokens. Unset: the multilingual Whisper tokenizer.",
    )

    # --- sink ----------------------------------------------------------------------------------------
    sink_batch_size: int = Field(500, ge=1, description="Max records per ClickHouse insert.")
    sink_flush_seconds: float = Field(1.0, gt=0, description="Max seconds a record waits in the sink buffer.")

    # --- HTTP ingest (`callstream ingest`) ----------------------------------------------------------
    ingest_host: str = Field("127.0.0.1", description="Address the ingest API listens on.")
    ingest_port: int = Field(8080, ge=0, le=65535, description="Port of the ingest API.")
    ingest_tokens: str = Field(
        "",
        description="Bearer tokens per tenant: tenant:token[,...]. Empty: the API refuses everything.",
    )
    ingest_hmac_secrets: str = Field(
        "", description="Optional HMAC-SHA256 body-signature secrets per tenant: tenant:secret[,...]."
    )
    ingest_public_url: str = Field(
        "",
        description="Public base URL of the ingest API (vendors sign the URL they call). Empty: as received.",
    )
    ingest_max_body_bytes: int = Field(1_048_576, ge=1024, description="Larger request bodies get 413.")
    ingest_max_batch: int = Field(500, ge=1, description="Most calls in one POST /v1/calls.")
    ingest_max_queued: int = Field(
        10_000, ge=1, description="Unacknowledged records before the API answers 503 + Retry-After."
    )

    # --- operations ------------------------------------------------------------------------------------
    max_attempts: int = Field(3, ge=1, le=20, description="Tries per record before it becomes a dead letter.")
    metrics_port: int = Field(9464, ge=0, le=65535, description="Port of /metrics; 0 disables the endpoint.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "warning", description="Worker log level."
    )

    @field_validator("stages", "recording_roots", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("stages")
    @classmethod
    def _known_stages(cls, value: list[str]) -> list[str]:
        unknown = [s for s in value if s not in STAGES]
        if unknown:
            raise ValueError(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)}")
        if not value:
            raise ValueError("at least one stage is required")
        return value

    @field_validator("kafka_bootstrap", "clickhouse_dsn", "schema_registry_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("clickhouse_dsn")
    @classmethod
    def _dsn_scheme(cls, value: str | None) -> str | None:
        if value and value.split("://", 1)[0] not in ("chdb", "http", "https", "clickhouse", "clickhouses"):
            raise ValueError("must start with chdb://, http://, https://, clickhouse:// or clickhouses://")
        return value

    @field_validator("whisper_model_en", "whisper_model")
    @classmethod
    def _model_exists(cls, path: Path | None) -> Path | None:
        # A field validator (not a model one), so the error names CALLSTREAM_WHISPER_MODEL[_EN].
        if path is not None and not (path / "model.bin").is_file():
            raise ValueError(f"{path} is not a faster-whisper model directory (no model.bin)")
        return path

    # --- derived ---------------------------------------------------------------------------------------
    @property
    def embedded_broker(self) -> bool:
        return self.kafka_bootstrap is None

    @property
    def effective_clickhouse_dsn(self) -> str:
        return self.clickhouse_dsn or f"chdb://{(self.data_dir / 'clickhouse').resolve()}"

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"


class SettingsError(SystemExit):
    """Raised (as a clean exit) when configuration is invalid."""


def load_settings(**overrides: object) -> Settings:
    """Read and validate settings; exit with one line per wrong value, naming its env var."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = ["callstream: invalid configuration:"]
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "settings"
            var = f"CALLSTREAM_{field.upper()}" if err["loc"] else "settings"
            lines.append(f"  {var}: {err['msg']} (got {err.get('input')!r})")
        raise SettingsError("\n".join(lines)) from None
