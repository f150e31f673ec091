"""Settings: every knob is a ``CALLSTREAM_*`` environment variable (or a line in a ``.env`` /
``CALLSTREAM_CONFIG`` file), validated once at start with a message naming the variable."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
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
    recording_http_hosts: Annotated[list[str], NoDecode] = Field(
        [],
        description="Hosts http(s):// recordings may come from (comma-separated; .example.com also "
        "matches subdomains, * any host). Empty: http(s) recordings are refused.",
    )
    recording_http_allow_private: bool = Field(
        False,
        description="Allow http(s) recordings on loopback/private/link-local addresses (SSRF guard off).",
    )
    recording_http_timeout: float = Field(
        30.0, gt=0, description="Seconds to connect / wait for data when fetching an http(s) recording."
    )
    recording_max_bytes: int = Field(
        512 * 1024 * 1024, ge=1, description="Larger downloaded recordings go to the dead-letter topic."
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
    dictionaries_dir: Path | None = Field(
        None,
        description="Directory of per-tenant keyword dictionaries (<tenant>.yaml) added to the packaged "
        "default. Read by the rule metrics.",
    )
    languages: str = Field(
        "en,ru",
        pattern=r"^[a-z]{2}(,[a-z]{2})*$",
        description="ISO 639-1 codes a call may be in (comma-separated): language and code-switching rules.",
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

    # --- scoring (LLM) ----------------------------------------------------------------------------------
    scorecards_dir: Path | None = Field(
        None,
        description="Directory of scorecard YAML files (per tenant/queue) added to the packaged default.",
    )
    llm_url: str | None = Field(
        None, description="Base URL of an OpenAI-compatible server (vLLM: http://host:8000/v1)."
    )
    llm_model: str | None = Field(
        None, description="Model name sent to the server; for vLLM LoRA, the adapter name."
    )
    llm_backend: Literal["auto", "baseline", "openai", "rules"] = Field(
        "auto",
        validate_default=True,
        description="Who fills the LLM criteria: auto = openai when LLM_URL is set, else baseline "
        "(lexicon scorer, labelled scorer=baseline); rules = leave them pending.",
    )
    llm_api_key: SecretStr | None = Field(
        None, description="Bearer token for the LLM server, if it needs one."
    )
    llm_timeout: float = Field(60.0, gt=0, description="Seconds per LLM request before it counts as failed.")
    llm_max_concurrency: int = Field(4, ge=1, le=256, description="LLM requests in flight per worker.")
    llm_retries: int = Field(
        3, ge=0, le=10, description="Retries (backoff) on LLM connection errors, timeouts, 429 and 5xx."
    )
    llm_response_format: Literal["json_schema", "json_object", "none"] = Field(
        "json_schema",
        description="Structured output: json_schema (vLLM, llama-server), "
        "json_object (llama-cpp-python), none.",
    )
    llm_max_tokens: int = Field(1024, ge=16, description="Max tokens of one LLM answer.")
    gpu_price_per_hour: float | None = Field(
        None, ge=0, description="USD per GPU hour of the LLM server; unset: no cost_usd is recorded."
    )
    llm_gpu_concurrency: float = Field(
        1.0,
        gt=0,
        description="Requests the LLM server runs at once (vLLM batching): a call is charged latency × "
        "price / this.",
    )
    llm_serve_model: str | None = Field(
        None, description="`callstream llm serve`: base model path/name for vLLM (e.g. Qwen2.5-7B-Instruct)."
    )
    llm_lora_modules: Annotated[list[str], NoDecode] = Field(
        [], description="`callstream llm serve`: LoRA adapters name=path (comma-separated)."
    )

    # --- CRM enrichment (ingest and PBX connectors) ------------------------------------------------
    crm_kind: Literal["", "generic", "bitrix24", "amocrm"] = Field(
        "", description="CRM to look customers up in by phone number. Empty: no enrichment."
    )
    crm_url: str = Field(
        "", description="CRM base URL (bitrix24: the inbound webhook URL; generic: lookup URL)."
    )
    crm_token: str = Field("", description="Bearer token for amocrm / generic CRM lookups.")
    crm_timeout: float = Field(
        2.0, gt=0, description="Seconds a CRM lookup may take before the call goes on."
    )

    # --- operations ------------------------------------------------------------------------------------
    max_attempts: int = Field(3, ge=1, le=20, description="Tries per record before it becomes a dead letter.")
    metrics_port: int = Field(9464, ge=0, le=65535, description="Port of /metrics; 0 disables the endpoint.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "warning", description="Worker log level."
    )

    @field_validator("stages", "recording_roots", "recording_http_hosts", "llm_lora_modules", mode="before")
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

    @field_validator(
        "kafka_bootstrap", "clickhouse_dsn", "schema_registry_url", "llm_url", "llm_model", mode="before"
    )
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

    @field_validator("llm_lora_modules")
    @classmethod
    def _lora_pairs(cls, value: list[str]) -> list[str]:
        bad = [item for item in value if "=" not in item or not all(item.split("=", 1))]
        if bad:
            raise ValueError(f"expected name=path pairs, got {', '.join(bad)}")
        return value

    @field_validator("llm_backend")
    @classmethod
    def _openai_needs_url(cls, value: str, info: ValidationInfo) -> str:
        url, model = info.data.get("llm_url"), info.data.get("llm_model")
        if value == "openai" and not url:
            raise ValueError("openai needs CALLSTREAM_LLM_URL")
        if value in ("openai", "auto") and url and not model:
            raise ValueError(
                "CALLSTREAM_LLM_URL is set: set CALLSTREAM_LLM_MODEL (model or LoRA adapter name)"
            )
        return value

    @property
    def scoring_backend(self) -> str:
        """The backend that fills LLM criteria: openai, baseline or rules."""
        if self.llm_backend == "auto":
            return "openai" if self.llm_url else "baseline"
        return self.llm_backend

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
