"""Settings: every knob is a ``CALLSTREAM_*`` environment variable (or a line in a ``.env`` /
``CALLSTREAM_CONFIG`` file), validated once at start with a message naming the variable."""

from __future__ import annotations

import difflib
import ipaddress
import logging
import os
import re
import ssl
from collections.abc import Iterable
from datetime import UTC, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, NamedTuple
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from dotenv.parser import parse_stream
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from streams.table import escape_controls

if TYPE_CHECKING:
    from faust.types.auth import CredentialsT

log = logging.getLogger(__name__)

STAGES = ("transcribe", "filter", "compress", "score", "sink", "alerts", "notify")
#: CTranslate2's compute types (opennmt.net/CTranslate2/quantization.html): a typo here failed only
#: at model load, after the demo or worker had started its broker.
COMPUTE_TYPES = (
    "default",
    "auto",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
# CALLSTREAM_* names read outside Settings (or by tools around it), so they are not typos.
OTHER_VARS = frozenset(
    {
        "CALLSTREAM_CONFIG",  # the settings file itself (load_settings)
        "CALLSTREAM_IMAGE",  # deploy/compose image tags
        "CALLSTREAM_GPU_IMAGE",
    }
)
OTHER_PREFIXES = ("CALLSTREAM_TEST_",)  # opt-in test switches (CALLSTREAM_TEST_GPU, _GGUF, ...)
#: One bootstrap server: a host name or IPv4 address, or an IPv6 address in brackets, and a port.
_BROKER = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>[0-9]{1,5})")
#: A host name a server may listen on (letters, digits, hyphens, underscores; dot-separated labels).
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
#: Settings whose empty value (``CALLSTREAM_X=``) is read rather than taken as unset: the log-prob
#: check's means "trust hints" (and is how ``callstream config`` prints it), a listen host's is
#: refused with why (elsewhere an empty host binds every interface).
EMPTY_IS_READ = frozenset({"whisper_hint_check_logprob", "web_host", "metrics_host", "ingest_host"})


def blank_is_unset(field: str, value: object) -> bool:
    """Whether an environment or settings-file value of setting ``field`` counts as not given:
    empty or blank (``CALLSTREAM_X=``, what an unset ``${X}`` in a compose file or a shell script
    leaves), so the next source or the default decides, unless :data:`EMPTY_IS_READ`. Both the
    settings and ``config --check``'s count of what was set use it."""
    return isinstance(value, str) and not value.strip() and field not in EMPTY_IS_READ


class _BlankIsUnset(PydanticBaseSettingsSource):
    """An environment or dotenv source without its :func:`blank_is_unset` values. Not
    pydantic-settings' ``env_ignore_empty``: that has no exceptions (:data:`EMPTY_IS_READ`), and
    leaves a blank-but-not-empty value in."""

    def __init__(self, source: PydanticBaseSettingsSource) -> None:
        super().__init__(source.settings_cls)
        self.source = source
        self.__name__ = type(source).__name__  # what pydantic-settings files the source's values under

    def _set_current_state(self, state: dict[str, object]) -> None:
        super()._set_current_state(state)
        self.source._set_current_state(state)

    def _set_settings_sources_data(self, states: dict[str, dict[str, object]]) -> None:
        super()._set_settings_sources_data(states)
        self.source._set_settings_sources_data(states)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[object, str, bool]:
        return self.source.get_field_value(field, field_name)

    def __call__(self) -> dict[str, object]:
        return {name: value for name, value in self.source().items() if not blank_is_unset(name, value)}


# Name parts of fields whose values are credentials, or URLs that may carry or be one.
SECRET_PARTS = frozenset(
    {"dsn", "url", "password", "secret", "secrets", "token", "tokens", "key", "webhook", "users"}
)


class Settings(BaseSettings):
    """callstream configuration. Field docs are printed by ``callstream config``."""

    model_config = SettingsConfigDict(
        env_prefix="CALLSTREAM_",
        env_file=".env",  # load_settings passes CALLSTREAM_CONFIG instead, read when it is called
        env_file_encoding="utf-8",
        extra="ignore",
        allow_inf_nan=False,  # "inf" seconds or bytes is a typo, and a timeout of inf a hang
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """An empty variable is an unset one (:func:`blank_is_unset`): ``CALLSTREAM_DATA_DIR=`` was
        the current folder, ``CALLSTREAM_PARTITIONS=`` an error, ``CALLSTREAM_APP_ID=`` an empty id,
        and an empty variable hid the settings file's value."""
        return (
            init_settings,
            _BlankIsUnset(env_settings),
            _BlankIsUnset(dotenv_settings),
            file_secret_settings,
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
    broker_fetch_max_wait_ms: int | None = Field(
        None,
        ge=1,
        le=60_000,
        description="Longest a consumer fetch waits for data, ms. Unset: 100 on the embedded broker (it "
        "answers a waiting fetch only when the wait ends), Faust's 1500 on Kafka (answers at once).",
    )
    stages: Annotated[list[str], NoDecode] = Field(
        list(STAGES), description="Agents this worker runs (comma-separated)."
    )

    # --- Kafka security (a cluster set by KAFKA_BOOTSTRAP; the embedded broker is PLAINTEXT) -------
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT",
        description="How every Kafka client connects: PLAINTEXT, SSL (TLS), SASL_PLAINTEXT or SASL_SSL "
        "(SASL over TLS: Confluent Cloud, MSK, Redpanda Cloud).",
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(
        None,
        description="SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. Unset: PLAIN (with SASL_*).",
    )
    kafka_sasl_username: str | None = Field(
        None, description="SASL user (Confluent Cloud: the API key); needed with a SASL protocol."
    )
    kafka_sasl_password: SecretStr | None = Field(
        None,
        validate_default=True,
        description="SASL password (Confluent Cloud: the API secret); needed with a SASL protocol.",
    )
    kafka_ssl_cafile: Path | None = Field(
        None,
        description="PEM file of the CA(s) that signed the brokers' certificates (SSL, SASL_SSL). "
        "Unset: the system CA store.",
    )
    kafka_ssl_certfile: Path | None = Field(
        None, description="PEM client certificate for mutual TLS (SSL, SASL_SSL); needs KAFKA_SSL_KEYFILE."
    )
    kafka_ssl_keyfile: Path | None = Field(
        None,
        validate_default=True,
        description="PEM private key of KAFKA_SSL_CERTFILE (encrypted: set KAFKA_SSL_KEY_PASSWORD).",
    )
    kafka_ssl_key_password: SecretStr | None = Field(
        None,
        validate_default=True,
        description="Password of an encrypted KAFKA_SSL_KEYFILE; checked at start (the key must load).",
    )

    pbx_secret: SecretStr | None = Field(
        None,
        description="`connect`: AMI secret (manager.conf) or FreeSWITCH event-socket password; "
        "`--secret` wins over it. Unset: none for AMI, ClueCon (FreeSWITCH's default) for ESL.",
    )
    pbx_timezone: str | None = Field(
        None,
        description="IANA time zone of a PBX's naive local times (Asterisk Cdr events and Master.csv: "
        "cdr_manager and cdr_csv write local time), e.g. Europe/Moscow, for `connect` and `import`. "
        "Unset: UTC.",
    )

    # --- speech ------------------------------------------------------------------------------------
    recording_roots: Annotated[list[Path], NoDecode] = Field(
        [],
        description="Directories file:// recordings may come from (comma-separated; {tenant} in one "
        "stands for the call's tenant, e.g. /recordings/{tenant}). Empty: the samples dir only.",
    )
    max_audio_seconds: float = Field(
        4 * 3600, gt=0, description="Longer recordings go to the dead-letter topic."
    )
    recording_http_hosts: Annotated[list[str], NoDecode] = Field(
        [],
        description="Hosts http(s):// recordings may come from (comma-separated; .example.com also "
        "matches subdomains, * any host, {tenant} stands for the call's tenant). Empty: http(s) "
        "recordings are refused.",
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
    recording_s3_buckets: Annotated[list[str], NoDecode] = Field(
        [],
        description="Buckets s3:// recordings may come from (comma-separated; * any bucket the credentials "
        "can read; {tenant} stands for the call's tenant). Empty: s3 recordings are refused. Needs pip "
        "install 'callstream[s3]'; credentials from the AWS chain (AWS_ACCESS_KEY_ID/"
        "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance role).",
    )
    recording_s3_endpoint_url: str | None = Field(
        None,
        description="S3-compatible endpoint (MinIO, Ceph, R2), e.g. http://minio:9000; path-style "
        "addressing. Unset: AWS S3.",
    )
    recording_s3_region: str | None = Field(
        None,
        description="Region of the recording buckets. Unset: AWS_DEFAULT_REGION or ~/.aws/config.",
    )
    recording_s3_timeout: float = Field(
        30.0, gt=0, description="Seconds to connect / wait for data when fetching an s3 recording."
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
        "int8",
        description=f"CTranslate2 compute type (int8 on CPU, float16 on GPU): {', '.join(COMPUTE_TYPES)}.",
    )
    whisper_cpu_threads: int = Field(
        0,
        ge=0,
        description="CPU threads per Whisper worker (2 workers, one per channel); "
        "0 = this process's cores split between them.",
    )
    whisper_keep_words: bool = Field(
        False,
        description="Keep word timestamps in each transcript segment (Segment.words); bigger records.",
    )
    whisper_hint_check_logprob: float | None = Field(
        -1.0,
        le=0,
        description="A call transcribed in its event's language hint whose text scores below this mean "
        "avg_logprob is checked: the language is detected and, when another is likely enough, the call "
        "transcribed again in it (a wrong hint makes Whisper translate into it). A hint outside "
        "CALLSTREAM_LANGUAGES, or whose transcript is over a fifth in another of them, is checked whatever "
        "it scores. Empty (CALLSTREAM_WHISPER_HINT_CHECK_LOGPROB=): trust hints.",
    )
    whisper_hint_switch_probability: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Detection probability another language needs to replace a doubted hint.",
    )
    tokenizer: Path | None = Field(
        None,
        description="tokenizer.json used to count LLM tokens. Unset: the multilingual Whisper tokenizer.",
    )
    dictionaries_dir: Path | None = Field(
        None,
        description="Directory of per-tenant keyword dictionaries (<tenant>.yaml) added to the packaged "
        "default. Read by the rule metrics.",
    )
    text_config: Path | None = Field(
        None,
        description="YAML file with the filter, compression and PII options (word lists, thresholds, "
        "steps); unset: the defaults. See processors/text_config.py.",
    )
    languages: str = Field(
        "en,ru",
        pattern=r"^[a-z]{2}(,[a-z]{2})*$",
        description="ISO 639-1 codes a call may be in (comma-separated): language and code-switching rules; "
        "an event's language hint outside them is checked by detection.",
    )

    # --- sink ----------------------------------------------------------------------------------------
    sink_batch_size: int = Field(500, ge=1, description="Max records per ClickHouse insert.")
    sink_flush_seconds: float = Field(1.0, gt=0, description="Max seconds a record waits in the sink buffer.")

    producer_idempotence: bool = Field(
        False,
        description="enable.idempotence for the connectors' producer (the broker must support it; "
        "the embedded one does not).",
    )
    event_max_bytes: int = Field(
        256 * 1024,
        ge=1024,
        description="Largest encoded CallCompleted event publish, import and the ingest API accept. Every "
        "stage's record carries the event and adds the transcript to it, so an event near the broker's "
        "message size (1 MB by default) would only fail at a later stage, after its transcription.",
    )
    customer_hash_key: SecretStr | None = Field(
        None,
        description="Secret key of customer.number_hash (HMAC-SHA256 of the number) for publish, import, "
        "ingest, connect and the demo; at least 16 characters, the same in every one. Unset: plain "
        "SHA-256, which anyone can reverse by hashing every phone number.",
    )

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
    ingest_read_timeout_s: float = Field(
        30.0,
        gt=0,
        description="A request body not read in full within this gets 408 (a slow or stalled client).",
    )
    ingest_max_queued: int = Field(
        10_000, ge=1, description="Unacknowledged records before the API answers 503 + Retry-After."
    )

    # --- live supervisor page (served by `callstream worker`) ---------------------------------------
    web_host: str = Field("127.0.0.1", description="Address the live supervisor page listens on.")
    web_port: int = Field(
        8088,
        ge=0,
        le=65535,
        description="Port of the live supervisor page served by the worker; 0 disables it. "
        "`callstream demo` serves it only when this is set explicitly.",
    )
    web_users: SecretStr | None = Field(
        None,
        description="HTTP Basic credentials for the page: user:password[,...] sees every tenant; "
        "user[tenantA|tenantB]:password sees only those tenants (calls, alerts, recordings, filter menus, "
        "live events). The user name ends at the first ':' and may not contain '[' or ']'; the password "
        "runs to the next ',' (it may hold ':', '@', '[', '|', not ','). Unset: no login (keep WEB_HOST "
        "on loopback then).",
    )
    web_allow_anonymous: bool = Field(
        False,
        validate_default=True,
        description="Serve the page without WEB_USERS on a non-loopback WEB_HOST: only on a trusted network "
        "behind an auth proxy (the page shows every tenant's calls, transcripts and recordings). "
        "Otherwise that combination is refused at start.",
    )
    web_poll_seconds: float = Field(
        1.0, gt=0, le=60, description="How often the page's live stream looks for new calls and alerts."
    )
    web_max_streams: int = Field(
        100,
        ge=1,
        le=100_000,
        description="Live streams (GET /api/stream) a worker keeps open at once; more get 503 + Retry-After.",
    )
    web_stream_write_timeout: float = Field(
        10.0,
        gt=0,
        le=3600,
        description="Seconds one live-stream event may wait for the page to read it; a page that stops "
        "reading is dropped (a browser reconnects).",
    )
    web_public_url: str | None = Field(
        None,
        description="Address supervisors open the live page at (https://calls.example.com, behind its "
        "proxy); alert notifications then link to the call's drill-down there. Unset: no link.",
    )

    # --- scoring (LLM) ----------------------------------------------------------------------------------
    scorecards_dir: Path | None = Field(
        None,
        description="Directory of scorecard YAML files (per tenant/queue) added to the packaged `default` "
        "and `support` cards (same id: replaces it).",
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
    llm_max_retry_after: float = Field(
        30.0,
        ge=0,
        description="Longest wait (s) a 429/503 Retry-After header is honoured for; a longer one is capped.",
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

    # --- alerts and notifiers -----------------------------------------------------------------------
    alert_rules_dir: Path | None = Field(
        None,
        description="Directory of alert rule YAML files (per tenant/queue) added to the packaged default.",
    )
    notify_min_severity: Literal["info", "warning", "critical"] = Field(
        "warning", description="Least severe alert the notifiers send (info, warning, critical)."
    )
    notify_webhook_url: str | None = Field(
        None, description="Generic webhook: alerts are POSTed here as JSON. Unset: no webhook."
    )
    notify_webhook_secret: SecretStr | None = Field(
        None,
        description="HMAC-SHA256 secret: webhook requests carry X-Callstream-Signature: "
        "sha256=<hex of the body>.",
    )
    notify_slack_webhook_url: SecretStr | None = Field(
        None, description="Slack incoming-webhook URL. Unset: no Slack messages."
    )
    notify_telegram_bot_token: SecretStr | None = Field(
        None, description="Telegram bot token (sendMessage). Unset: no Telegram messages."
    )
    notify_telegram_chat_id: str | None = Field(
        None,
        validate_default=True,
        description="Telegram chat id (or @channel) the bot writes to; needed with the bot token.",
    )
    notify_telegram_api_url: str = Field(
        "https://api.telegram.org", description="Telegram Bot API base URL (a local Bot API server)."
    )
    notify_smtp_host: str | None = Field(None, description="SMTP server for e-mail alerts. Unset: no e-mail.")
    notify_smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port (587 STARTTLS, 465 TLS, 25).")
    notify_smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    notify_smtp_ssl: bool = Field(False, description="Connect with implicit TLS (port 465) instead.")
    notify_smtp_user: str | None = Field(None, description="SMTP login user, if the server needs one.")
    notify_smtp_password: SecretStr | None = Field(None, description="SMTP login password.")
    notify_smtp_from: str | None = Field(None, description="Sender address of alert e-mails.")
    notify_smtp_to: Annotated[list[str], NoDecode] = Field(
        [],
        validate_default=True,
        description="Recipients of alert e-mails (comma-separated); needed with SMTP_HOST.",
    )
    notify_timeout: float = Field(10.0, gt=0, description="Seconds per notification request.")
    notify_retries: int = Field(
        4, ge=0, le=20, description="Retries (backoff) on connection errors, timeouts, 429 and 5xx."
    )
    notify_backoff: float = Field(
        1.0, ge=0, description="First retry delay, seconds; doubles per retry (429 Retry-After wins)."
    )
    notify_max_delay: float = Field(
        60.0, ge=0, description="Longest wait between notification retries, Retry-After included."
    )
    notify_concurrency: int = Field(
        8,
        ge=1,
        le=256,
        description="Alerts delivered at once per worker: one channel's retries do not hold the next alert.",
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
    metrics_port: int = Field(
        9464,
        ge=0,
        le=65535,
        validate_default=True,
        description="Port of /metrics; 0 disables the endpoint.",
    )
    metrics_host: str = Field(
        "127.0.0.1",
        description="Address /metrics (and /healthz, /readyz) listen on. Loopback, like WEB_HOST and "
        "INGEST_HOST: they have no login, and a worker on a laptop or shared host should not open a port "
        "unasked. Set 0.0.0.0 where Prometheus scrapes from another host or pod, and for Kubernetes "
        "probes (the container image does).",
    )
    health_port: int = Field(
        0,
        ge=0,
        le=65535,
        validate_default=True,
        description="Port of the worker's /healthz (event loop alive) and /readyz (agents started) for "
        "Kubernetes probes; 0 disables the endpoint.",
    )
    lag_interval: float = Field(
        15.0,
        ge=0,
        description="Seconds between consumer-lag checks exported as callstream_consumer_lag{topic}; "
        "0 disables them.",
    )
    progress_interval_s: float = Field(
        30.0,
        ge=0,
        description="Seconds between the worker's progress lines on stderr (records in/out/failed per "
        "stage, calls written, dead letters, consumer lag; from the /metrics counters), written only when "
        "something changed; shown at the default log level, hidden by LOG_LEVEL=error; 0 disables them.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "warning", description="Worker log level."
    )

    @field_validator("stages", mode="before")
    @classmethod
    def _split_stages(cls, value: object) -> object:
        return split_stages(value) if isinstance(value, str) else value

    @field_validator(
        "recording_roots",
        "recording_http_hosts",
        "recording_s3_buckets",
        "llm_lora_modules",
        "notify_smtp_to",
        mode="before",
    )
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("log_level", "notify_min_severity", mode="before")
    @classmethod
    def _lower_level(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value  # INFO, Warning, ... too

    @field_validator("whisper_compute_type", mode="before")
    @classmethod
    def _compute_type(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower()
            if value not in COMPUTE_TYPES:
                raise ValueError(
                    f"unknown CTranslate2 compute type {value!r}; choose from {', '.join(COMPUTE_TYPES)}"
                )
        return value

    @field_validator("stages")
    @classmethod
    def _known_stages(cls, value: list[str]) -> list[str]:
        problem = stages_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator(
        "kafka_bootstrap",
        "kafka_sasl_mechanism",
        "kafka_sasl_username",
        "kafka_sasl_password",
        "kafka_ssl_cafile",
        "kafka_ssl_certfile",
        "kafka_ssl_keyfile",
        "kafka_ssl_key_password",
        "pbx_secret",
        "pbx_timezone",
        "customer_hash_key",
        "clickhouse_dsn",
        "schema_registry_url",
        "recording_s3_endpoint_url",
        "recording_s3_region",
        "llm_url",
        "llm_model",
        "alert_rules_dir",
        "text_config",
        "notify_webhook_url",
        "notify_webhook_secret",
        "notify_slack_webhook_url",
        "notify_telegram_bot_token",
        "notify_telegram_chat_id",
        "notify_smtp_host",
        "notify_smtp_user",
        "notify_smtp_password",
        "notify_smtp_from",
        "whisper_hint_check_logprob",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("kafka_bootstrap")
    @classmethod
    def _broker_addresses(cls, value: str | None) -> str | None:
        # librdkafka reads "host:notaport" as port 0 and "host:99999" as 34463, and "host" as 9092:
        # a wrong address would only show as a 30 s connection timeout, or reach another service.
        if value is not None:
            bad = [
                entry.strip() or "(empty)"
                for entry in value.split(",")
                if not (found := _BROKER.fullmatch(entry.strip())) or not 1 <= int(found["port"]) <= 65535
            ]
            if bad:
                raise ValueError(f"expected host:port[,host:port] with ports 1-65535; bad: {', '.join(bad)}")
        return value

    @field_validator("metrics_port", "health_port")
    @classmethod
    def _ports_differ(cls, value: int, info: ValidationInfo) -> int:
        # One worker serves these itself (and `ingest` its API and metrics): the same port twice
        # leaves one endpoint silently unserved.
        others = ("web_port", "ingest_port" if info.field_name == "metrics_port" else "metrics_port")
        same = [f"CALLSTREAM_{name.upper()}" for name in others if value and info.data.get(name) == value]
        if same:
            raise ValueError(f"port {value} is also {' and '.join(same)}: one process serves both")
        return value

    @field_validator("web_host", "metrics_host", "ingest_host")
    @classmethod
    def _listen_address(cls, value: str) -> str:
        # An empty host binds every interface, and "host:port" or a URL fails only when the server
        # starts (the page's failure is only logged): both are refused here, naming the variable.
        host = value.strip()
        if not host:
            raise ValueError("empty: use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if re.fullmatch(r"[0-9.]+", host) or not _HOSTNAME.fullmatch(host) or len(host) > 253:
                raise ValueError(
                    "expected an IP address (IPv6 without brackets) or a host name, without port or scheme"
                ) from None
        return host

    @field_validator("web_allow_anonymous")
    @classmethod
    def _page_login(cls, value: bool, info: ValidationInfo) -> bool:
        host, users = info.data.get("web_host"), info.data.get("web_users")
        if value or not info.data.get("web_port") or host is None or "web_users" not in info.data:
            return value  # opted in, page off, or WEB_HOST/WEB_USERS already reported as invalid
        if users is None and not is_loopback(host):
            raise ValueError(
                f"CALLSTREAM_WEB_HOST={host} without CALLSTREAM_WEB_USERS would show every tenant's "
                "calls, transcripts and recordings to anyone on the network: set "
                "CALLSTREAM_WEB_USERS=user:password, or CALLSTREAM_WEB_HOST=127.0.0.1, or "
                "CALLSTREAM_WEB_ALLOW_ANONYMOUS=true (only on a trusted network behind an auth proxy)"
            )
        return value

    @field_validator("kafka_security_protocol", "kafka_sasl_mechanism", mode="before")
    @classmethod
    def _upper_kafka(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value  # sasl_ssl, scram-sha-512 too

    @field_validator("kafka_security_protocol")
    @classmethod
    def _security_needs_cluster(cls, value: str, info: ValidationInfo) -> str:
        if value != "PLAINTEXT" and info.data.get("kafka_bootstrap", "") is None:
            raise ValueError(
                f"{value} needs CALLSTREAM_KAFKA_BOOTSTRAP: the embedded broker speaks PLAINTEXT only"
            )
        return value

    @field_validator("kafka_sasl_mechanism")
    @classmethod
    def _mechanism_needs_sasl(cls, value: str | None, info: ValidationInfo) -> str | None:
        protocol = info.data.get("kafka_security_protocol")
        if value and protocol and not protocol.startswith("SASL_"):
            raise ValueError(
                f"a SASL mechanism needs CALLSTREAM_KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT "
                f"(it is {protocol})"
            )
        return value

    @field_validator("kafka_sasl_password")
    @classmethod
    def _sasl_login(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        protocol, user = info.data.get("kafka_security_protocol"), info.data.get("kafka_sasl_username")
        if protocol and protocol.startswith("SASL_") and not (user and value):
            raise ValueError(
                f"CALLSTREAM_KAFKA_SECURITY_PROTOCOL={protocol}: set CALLSTREAM_KAFKA_SASL_USERNAME and "
                "CALLSTREAM_KAFKA_SASL_PASSWORD"
            )
        if protocol and not protocol.startswith("SASL_") and (user or value):
            # Credentials a PLAINTEXT/SSL client would silently not send: say so instead.
            raise ValueError(
                f"SASL credentials are set but CALLSTREAM_KAFKA_SECURITY_PROTOCOL={protocol}: "
                "use SASL_SSL or SASL_PLAINTEXT"
            )
        return value

    @field_validator("kafka_ssl_cafile", "kafka_ssl_certfile", "kafka_ssl_keyfile")
    @classmethod
    def _tls_file_exists(cls, path: Path | None) -> Path | None:
        # A field validator, so the error names the variable; clients would only fail at connect time.
        if path is not None and not path.is_file():
            raise ValueError(f"{path} is not a readable file")
        return path

    @field_validator("kafka_ssl_keyfile")
    @classmethod
    def _tls_files_fit(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        protocol, cert = info.data.get("kafka_security_protocol"), info.data.get("kafka_ssl_certfile")
        given = [
            f"CALLSTREAM_KAFKA_SSL_{name.upper()}"
            for name, path in (
                ("cafile", info.data.get("kafka_ssl_cafile")),
                ("certfile", cert),
                ("keyfile", value),
            )
            if path is not None
        ]
        if given and protocol in ("PLAINTEXT", "SASL_PLAINTEXT"):
            raise ValueError(
                f"{', '.join(given)} set but CALLSTREAM_KAFKA_SECURITY_PROTOCOL={protocol}: "
                "use SSL or SASL_SSL"
            )
        if bool(cert) != bool(value) and "kafka_ssl_certfile" in info.data:
            raise ValueError(
                "mutual TLS needs both CALLSTREAM_KAFKA_SSL_CERTFILE and CALLSTREAM_KAFKA_SSL_KEYFILE"
            )
        return value

    @field_validator("kafka_ssl_key_password")
    @classmethod
    def _client_key_loads(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        # Load the pair now: a wrong password (or an encrypted key without one) would otherwise
        # surface as a TLS failure deep inside a client, or as an interactive password prompt.
        cert, key = info.data.get("kafka_ssl_certfile"), info.data.get("kafka_ssl_keyfile")
        if cert is None or key is None:
            if value is not None and "kafka_ssl_keyfile" in info.data:
                raise ValueError("set only with CALLSTREAM_KAFKA_SSL_KEYFILE (an encrypted client key)")
            return value
        password = value.get_secret_value() if value is not None else ""
        try:
            ssl.create_default_context().load_cert_chain(cert, key, password=password)
        except ssl.SSLError as exc:
            if exc.reason == "KEY_VALUES_MISMATCH":
                hint = "the key does not belong to the certificate"
            elif value is not None:
                hint = "wrong CALLSTREAM_KAFKA_SSL_KEY_PASSWORD?"
            else:
                hint = "is the key encrypted? then set CALLSTREAM_KAFKA_SSL_KEY_PASSWORD"
            raise ValueError(f"cannot load the client key {key} with {cert}: {hint} ({exc})") from None
        return value

    @field_validator("pbx_timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone {value!r}: use an IANA name such as Europe/Moscow"
                ) from None
        return value

    @field_validator("text_config")
    @classmethod
    def _text_config_loads(cls, value: Path | None) -> Path | None:
        if value is not None:
            from processors.text_config import TextConfig  # a bad file fails at start, not on a call

            TextConfig.load(value)
        return value

    @field_validator("clickhouse_dsn")
    @classmethod
    def _dsn_scheme(cls, value: str | None) -> str | None:
        if value and value.split("://", 1)[0] not in ("chdb", "http", "https", "clickhouse", "clickhouses"):
            raise ValueError("must start with chdb://, http://, https://, clickhouse:// or clickhouses://")
        if value and (problem := dsn_problem(value)):
            raise ValueError(problem)
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

    @field_validator("web_users", mode="before")
    @classmethod
    def _web_user_pairs(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return None
            parse_web_users(value)
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

    @field_validator("customer_hash_key")
    @classmethod
    def _hash_key_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < 16:
            # a short key can be guessed along with the numbers: e.g. `openssl rand -hex 32`
            raise ValueError("at least 16 characters (e.g. the output of `openssl rand -hex 32`)")
        return value

    @field_validator("llm_api_key")
    @classmethod
    def _one_llm_credential(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        url = info.data.get("llm_url")
        if url and value is not None and (problem := llm_auth_problem(url, value.get_secret_value())):
            raise ValueError(problem)
        return value

    @field_validator("recording_s3_buckets")
    @classmethod
    def _bucket_names(cls, value: list[str]) -> list[str]:
        # Same rule processors/audio.py applies to a URI's bucket, so a typo fails at start.
        bad = [
            b
            for b in value
            if b != "*" and not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", b.replace("{tenant}", "t"))
        ]
        if bad:
            raise ValueError(f"not S3 bucket names: {', '.join(bad)}")
        return value

    @field_validator(
        "recording_s3_endpoint_url",
        "web_public_url",
        "notify_webhook_url",
        "notify_slack_webhook_url",
        "notify_telegram_api_url",
    )
    @classmethod
    def _http_url(cls, value: str | SecretStr | None) -> str | SecretStr | None:
        url = value.get_secret_value() if isinstance(value, SecretStr) else value
        if url and not url.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")  # never echo a secret URL back
        return value

    @field_validator("notify_telegram_chat_id", mode="after")
    @classmethod
    def _telegram_pair(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("notify_telegram_bot_token") and not value:
            raise ValueError("CALLSTREAM_NOTIFY_TELEGRAM_BOT_TOKEN is set: set the chat id to write to")
        return value

    @field_validator("notify_smtp_to", mode="after")
    @classmethod
    def _smtp_addresses(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("notify_smtp_host"):
            missing = [
                name
                for name, given in (("FROM", info.data.get("notify_smtp_from")), ("TO", value))
                if not given
            ]
            if missing:  # reported under NOTIFY_SMTP_TO (validated last): name what is missing
                unset = " and ".join(f"CALLSTREAM_NOTIFY_SMTP_{name}" for name in missing)
                raise ValueError(f"CALLSTREAM_NOTIFY_SMTP_HOST is set: set {unset} too")
        bad = [addr for addr in value if "@" not in addr]
        if bad:
            raise ValueError(f"not e-mail addresses: {', '.join(bad)}")
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

    @property
    def clickhouse_dsn_display(self) -> str:
        """:attr:`effective_clickhouse_dsn` without its password: what is printed and logged."""
        return redact_dsn(self.effective_clickhouse_dsn)

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    @property
    def pbx_tzinfo(self) -> tzinfo:
        """:attr:`pbx_timezone` as a tzinfo (UTC when unset)."""
        return ZoneInfo(self.pbx_timezone) if self.pbx_timezone else UTC

    def kafka_client_config(self) -> dict[str, str]:
        """Security properties for every librdkafka (confluent-kafka) client; empty for PLAINTEXT."""
        protocol = self.kafka_security_protocol
        config: dict[str, str] = {}
        if protocol == "PLAINTEXT":
            return config
        config["security.protocol"] = protocol.lower()
        if protocol.startswith("SASL_"):
            assert self.kafka_sasl_username and self.kafka_sasl_password  # validated
            # librdkafka's default mechanism is GSSAPI: always name the one meant.
            config["sasl.mechanism"] = self.kafka_sasl_mechanism or "PLAIN"
            config["sasl.username"] = self.kafka_sasl_username
            config["sasl.password"] = self.kafka_sasl_password.get_secret_value()
        for key, path in (
            ("ssl.ca.location", self.kafka_ssl_cafile),
            ("ssl.certificate.location", self.kafka_ssl_certfile),
            ("ssl.key.location", self.kafka_ssl_keyfile),
        ):
            if path is not None:
                config[key] = str(path)
        if self.kafka_ssl_key_password is not None:
            config["ssl.key.password"] = self.kafka_ssl_key_password.get_secret_value()
        return config

    def kafka_ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context of the Faust app's (aiokafka) clients; None unless SSL or SASL_SSL."""
        if self.kafka_security_protocol not in ("SSL", "SASL_SSL"):
            return None
        from aiokafka.helpers import create_ssl_context

        # Verifies the broker's certificate and host name, like librdkafka's defaults.
        password = self.kafka_ssl_key_password
        return create_ssl_context(
            cafile=self.kafka_ssl_cafile,
            certfile=self.kafka_ssl_certfile,
            keyfile=self.kafka_ssl_keyfile,
            password=password.get_secret_value() if password is not None else None,
        )

    def faust_broker_credentials(self) -> CredentialsT | None:
        """``broker_credentials`` for faust.App (faust maps them onto aiokafka); None for PLAINTEXT."""
        import faust

        protocol = self.kafka_security_protocol
        if protocol == "SSL":
            return faust.SSLCredentials(self.kafka_ssl_context())
        if protocol.startswith("SASL_"):
            assert self.kafka_sasl_username and self.kafka_sasl_password  # validated
            # faust picks SASL_SSL when an ssl_context is given, SASL_PLAINTEXT otherwise.
            return faust.SASLCredentials(
                username=self.kafka_sasl_username,
                password=self.kafka_sasl_password.get_secret_value(),
                mechanism=self.kafka_sasl_mechanism or "PLAIN",
                ssl_context=self.kafka_ssl_context(),
            )
        return None


def is_loopback(host: str) -> bool:
    """Whether a listen address reaches this machine only (a loopback IP or ``localhost``)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() == "localhost"


def dsn_problem(dsn: str) -> str | None:
    """Why a ClickHouse DSN can never work, or None. Its value is not repeated (it may hold a password).

    clickhouse-connect reads ``host:99999`` as an error only at the first connection and ``host:0``
    as port 0; ``chdb://`` with neither a path nor a location opens chDB in memory: everything the
    sink writes is gone when the worker stops."""
    parts = urlsplit(dsn)
    try:
        port = parts.port
    except ValueError:  # not a number, or over 65535
        port = -1
    if port is not None and not 1 <= port <= 65535:
        return (
            "the port must be a number 1-65535 (scheme://user:password@host:port/database; a '/' or '@' "
            "in the password is written %2F, %40)"
        )
    if parts.scheme == "chdb" and not parts.netloc and not parts.path:
        return (
            "names no data folder, so chDB would keep the tables in memory and lose them at exit: "
            "write chdb:///absolute/folder, or leave it unset for DATA_DIR/clickhouse"
        )
    return None


def dsn_database(dsn: str) -> str | None:
    """The database a DSN names (clickhouse-connect: the path's first part; chDB's ``chdb:///folder``
    form names a folder, not a database), None when it names none."""
    parts = urlsplit(dsn)
    if parts.scheme == "chdb" and not parts.netloc:
        return None
    return unquote(parts.path[1:].split("/")[0]) or None


#: Query parameters of a DSN that clickhouse-connect reads as credentials.
_DSN_SECRET_PARAM = re.compile(r"(?i)([?&][^=&]*(?:pass|token|secret|key)[^=&]*=)[^&#]*")


def redact_dsn(dsn: str) -> str:
    """``dsn`` without its password (in the userinfo or a ``?password=`` parameter), for what is
    printed, logged or raised. A value without URL structure has no password and is shown as is;
    one with an ``@`` but no scheme hides what comes before it."""
    dsn = _DSN_SECRET_PARAM.sub(r"\1***", dsn)
    scheme, sep, rest = dsn.partition("://")
    if not sep:
        return f"***@{dsn.rpartition('@')[2]}" if "@" in dsn else dsn
    # the last "@" before the query, not before the first "/": a password may hold a "/"
    userinfo, at, _ = re.split(r"[?#]", rest, maxsplit=1)[0].rpartition("@")
    if not at or ":" not in userinfo:
        return dsn
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{rest[len(userinfo) + 1 :]}"


def without_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every one of ``secrets`` it repeats written ``***`` (an error message that
    quotes a URL's password, a key a server echoed)."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def llm_auth_problem(url: str, api_key: str | None) -> str | None:
    """Why an LLM ``url`` and ``api_key`` cannot be used together, or None. httpx turns a URL's
    ``user:password@`` into an ``Authorization: Basic`` header, which replaces the key's
    ``Authorization: Bearer`` one: the key would silently never be sent."""
    try:
        userinfo = urlsplit(url.strip()).username is not None
    except ValueError:  # a bad port: the first request says so
        return None
    if userinfo and api_key:
        return (
            "CALLSTREAM_LLM_URL holds a user:password@ (sent as HTTP Basic auth) and CALLSTREAM_LLM_API_KEY "
            "is set (a Bearer token): a request carries one Authorization header, so the key would never "
            "be sent; keep the one the server (or the proxy in front of it) checks"
        )
    return None


class WebUser(NamedTuple):
    """One login of the supervisor page: its password and the tenants it may see (``None``: all)."""

    password: str
    tenants: frozenset[str] | None


#: ``user[tenantA|tenantB]``: the part of a CALLSTREAM_WEB_USERS entry before its first ':'. The
#: scope sits with the user name because a password may hold any character but ','.
_SCOPED_USER = re.compile(r"(?P<user>[^\[\]]+)\[(?P<tenants>[^\[\]]*)\]")


def parse_web_users(raw: str) -> dict[str, WebUser]:
    """CALLSTREAM_WEB_USERS as logins by user name; ValueError naming the bad entries by user only
    (never a password)."""
    users: dict[str, WebUser] = {}
    bad: list[str] = []
    for item in raw.split(","):
        name, colon, password = item.strip().partition(":")
        if not (name or colon or password):
            continue  # an empty entry (a trailing comma)
        if not (name and colon and password):
            bad.append(f"{name or '(no user)'} (expected user:password)")
            continue
        tenants: frozenset[str] | None = None
        if "[" in name or "]" in name:
            scoped = _SCOPED_USER.fullmatch(name)
            if scoped is None:
                bad.append(f"{name} (expected user[tenantA|tenantB]:password)")
                continue
            listed = [tenant.strip() for tenant in scoped["tenants"].split("|")]
            name = scoped["user"].strip()
            if not name or not all(listed):
                bad.append(
                    f"{scoped['user'].strip() or '(no user)'} "
                    "(empty user or tenant name in [...]; leave out [...] for every tenant)"
                )
                continue
            tenants = frozenset(listed)
        if name in users:  # which password (and tenants) would win is no guess to leave to order
            bad.append(f"{name} (listed twice)")
            continue
        users[name] = WebUser(password, tenants)
    if bad:
        raise ValueError(f"bad entries for: {', '.join(bad)}")
    return users


def split_stages(text: str) -> list[str]:
    """Stage names of ``CALLSTREAM_STAGES`` / ``--stages``: a comma at either end is allowed, but an
    empty item between two commas stays, as "", for :func:`stages_problem` to name."""
    text = text.strip().strip(",")
    return [item.strip() for item in text.split(",")] if text.strip() else []


def stages_problem(stages: list[str], sep: str = ", ") -> str | None:
    """What is wrong with a list of stage names, or None: unknown or empty names, one listed twice
    (it would look like two agents and run one), none at all. ``sep`` joins the allowed names (","
    where the answer is an option's value)."""
    unknown = [s for s in stages if s and s not in STAGES]
    twice = sorted({s for s in stages if s and stages.count(s) > 1})
    problems = [f"unknown stage(s) {', '.join(unknown)}"] if unknown else []
    if "" in stages:
        problems.append("an empty stage name (two commas in a row)")
    if twice:
        problems.append(f"stage(s) listed twice: {', '.join(twice)}")
    if problems:
        return f"{'; '.join(problems)}; choose from {sep.join(STAGES)}"
    return None if stages else "at least one stage is required"


class SettingsError(SystemExit):
    """Raised (as a clean exit) when configuration is invalid."""


def invalid_configuration(problems: list[str]) -> SettingsError:
    """The error for ``problems`` (``  VAR: what is wrong`` each): one line for one problem, else a
    header and a line per problem."""
    header = "callstream: invalid configuration:"
    if len(problems) == 1:
        return SettingsError(f"{header} {problems[0].strip()}")
    return SettingsError("\n".join([header, *problems]))


def is_secret(name: str) -> bool:
    """Whether the field's value must never be printed: a SecretStr, a credential or a URL/DSN."""
    field = Settings.model_fields.get(name)
    if field is not None and SecretStr in (field.annotation, *getattr(field.annotation, "__args__", ())):
        return True
    parts = name.lower().split("_")
    if parts[-2:] in (["max", "tokens"], ["min", "tokens"]):  # a count of LLM tokens, no credential
        return False
    return not SECRET_PARTS.isdisjoint(parts)


def env_text(value: object) -> str:
    """``value`` as its CALLSTREAM_* variable is written: lists comma-separated, true/false, paths as
    text, nothing for None (what ``callstream config`` prints, so a line can be pasted back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | tuple):
        return ",".join(env_text(item) for item in value)
    if isinstance(value, SecretStr):
        return "***"
    return str(getattr(value, "value", value))  # an Enum's value


def redact(name: str, value: object, quoted: bool = True) -> str:
    """How a value may be shown: as given, or for secret fields scheme://host of a URL, else ***
    (``quoted``: in Python's quotes, for a message; without, as the variable is written)."""
    if not is_secret(name):
        return repr(value) if quoted else env_text(value)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, str) and name.endswith("dsn"):  # only its password is secret
        return repr(redact_dsn(value)) if quoted else escape_controls(redact_dsn(value))
    if isinstance(value, str):
        try:  # userinfo, path and query may be the credential (DSN password, Slack/Telegram URL)
            url = urlsplit(value.strip())
            shown = f"{url.scheme}://{url.hostname}" + (f":{url.port}" if url.port else "")
        except ValueError:  # a bad port or IPv6 literal
            return "***"
        if url.scheme and url.hostname:
            hidden = " (rest hidden)" if value.strip().rstrip("/") != shown else ""
            return (repr(shown) if quoted else shown) + hidden
    return "***"


def config_file() -> str:
    """The settings file: CALLSTREAM_CONFIG (must be readable) or an optional ./.env."""
    path = os.environ.get("CALLSTREAM_CONFIG", "").strip()
    if not path:
        return ".env"
    try:
        Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # a typo must not silently start the embedded stack
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SettingsError(f"callstream: CALLSTREAM_CONFIG={path}: cannot read it ({reason})") from None
    return path


class _DotenvParseWarnings(logging.Filter):
    """Drops python-dotenv's "could not parse statement" warnings: :func:`_check_env_file` reports
    those lines once, with the file, instead of twice (once per reader) without it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "could not parse statement" not in str(record.msg)


logging.getLogger("dotenv.main").addFilter(_DotenvParseWarnings())


def _check_env_file(env_file: str) -> list[str]:
    """The problems (``  VAR: ...`` each) of lines of the settings file that cannot be parsed and
    name (or swallow) a CALLSTREAM_* setting: python-dotenv skips them, so the setting would
    silently keep its default. Other unparsable lines (another tool's) are only warned about."""
    path = Path(env_file)
    if not path.is_file():
        return []
    try:
        with path.open(encoding="utf-8") as fh:
            bad = [binding.original for binding in parse_stream(fh) if binding.error]
    except (OSError, UnicodeDecodeError) as exc:  # as config_file: a typo must not go unnoticed
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SettingsError(f"callstream: {env_file}: cannot read it ({reason})") from None
    errors, warnings = [], []
    own = bool(os.environ.get("CALLSTREAM_CONFIG", "").strip())
    for original in bad:
        lines = original.string.splitlines()
        # A quote left open runs on to the next quote: one bad statement can hide several lines.
        lost = [
            found[1]
            for line in lines
            if (found := re.match(r"\s*(?:export\s+)?(CALLSTREAM_\w*)", line, re.IGNORECASE))
        ]
        # a setting written as YAML ("alert_rules_dir: /etc/rules") in callstream's own settings file
        # (./.env may be another tool's too): the file is NAME=value lines
        lost += [
            f"CALLSTREAM_{found[1].upper()}"
            for line in lines
            if own
            and (found := re.match(r"\s*(\w+)\s*:", line))
            and found[1].lower() in Settings.model_fields
        ]
        where = f"{env_file} line {original.line}"
        why = "expected NAME=value" + (
            f"; a quote is not closed, so lines {original.line}-{original.line + len(lines) - 1} are lost"
            if len(lines) > 1
            else ""
        )
        if lost:  # each setting the statement swallowed: every one keeps its default
            errors += [f"  {name.upper()}: {where} cannot be parsed ({why})" for name in dict.fromkeys(lost)]
        else:
            warnings.append(f"{where} ({why})")
    if warnings:
        log.warning("callstream: ignoring unparsable line(s): %s", "; ".join(warnings))
    return errors


def unknown_settings(env_file: str) -> list[str]:
    """CALLSTREAM_* names that no setting reads (typos), each with where it is set and the closest
    known name; and, in the settings file, a setting's bare name (``alert_rules_dir=...``), which
    only its CALLSTREAM_ variable sets."""
    fields = [f"CALLSTREAM_{name.upper()}" for name in Settings.model_fields]
    known = set(fields) | OTHER_VARS
    sources = {name: "environment" for name in os.environ}
    in_file = set(dotenv_values(env_file)) if Path(env_file).is_file() else set()
    # a file CALLSTREAM_CONFIG names is callstream's own; ./.env may be shared with other tools
    own = bool(os.environ.get("CALLSTREAM_CONFIG", "").strip())
    sources |= {name: env_file for name in in_file if name not in sources}
    notes = []
    for name, where in sources.items():
        upper = name.upper()  # names are case-insensitive, as pydantic-settings reads them
        if own and where == env_file and f"CALLSTREAM_{upper}" in known:
            notes.append(f"{name} ({where}): did you mean CALLSTREAM_{upper}?")
            continue
        if not upper.startswith("CALLSTREAM_") or upper in known or upper.startswith(OTHER_PREFIXES):
            continue
        close = difflib.get_close_matches(upper, fields, n=1)
        notes.append(f"{name} ({where})" + (f": did you mean {close[0]}?" if close else ""))
    return sorted(notes)


def _warn_unknown(env_file: str) -> None:
    """Log :func:`unknown_settings` (a worker still starts: ``callstream config --check`` refuses)."""
    if notes := unknown_settings(env_file):
        log.warning("callstream: ignoring unknown setting(s): %s", "; ".join(notes))


def load_settings(**overrides: object) -> Settings:
    """Read and validate settings; exit with one line per wrong value, naming its env var."""
    env_file = config_file()
    # reported with the wrong values, not before them: a fix then a run finds the next one
    lines = _check_env_file(env_file)
    _warn_unknown(env_file)
    try:
        settings = Settings(_env_file=env_file, **overrides)  # type: ignore[arg-type,call-arg]
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "settings"
            var = f"CALLSTREAM_{field.upper()}" if err["loc"] else "settings"
            name, msg, given = str(err["loc"][0]) if err["loc"] else "", err["msg"], err.get("input")
            got = redact(name, given)  # never echo credentials
            if name.endswith("dsn") and isinstance(given, str) and given.strip():
                msg = msg.replace(given, redact_dsn(given))  # a DSN's only secret is its password
            elif is_secret(name) and isinstance(given, str) and given.strip():
                msg = without_secrets(msg, [given])  # nor through a validator's message
            msg = msg.removeprefix("Value error, ")  # pydantic's words for our validators' ValueError
            # a message that names the value already (a config file's path and line) says it once
            named = isinstance(given, str) and given.strip() and given in msg and not is_secret(name)
            lines.append(f"  {var}: {msg}" + ("" if named else f" (got {got})"))
        raise invalid_configuration(lines) from None
    if lines:
        raise invalid_configuration(lines)
    return settings


def make_data_dir(path: Path) -> Path:
    """Create the data folder readable by its owner only: it holds the broker spool (calls not yet
    processed, transcripts before PII redaction) and the embedded ClickHouse. One that exists keeps
    its mode (an operator may have chosen it)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
