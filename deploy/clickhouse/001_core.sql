-- callstream core tables. Applied in file order by `streams.clickhouse.migrate`, recorded in
-- schema_migrations. Every statement is idempotent (IF NOT EXISTS) and ends with `;` at line end.
--
-- Idempotent sink: the Kafka consumer is at-least-once, so every fact table is a
-- ReplacingMergeTree keyed by the call (or alert / dead-letter coordinates) with `_version`
-- (processing time, ms) as the version: a replayed record collapses to one row in `FINAL` queries.
-- `non_replicated_deduplication_window` makes the sink's `insert_deduplication_token` work on a
-- single, non-replicated server (and on chDB: verified, an identical retried block is dropped), so
-- a retried batch does not even create duplicate parts before merges.

CREATE TABLE IF NOT EXISTS schema_migrations
(
    version    UInt32,
    name       String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY version;

CREATE TABLE IF NOT EXISTS calls
(
    call_id                String,
    tenant                 LowCardinality(String),
    source                 LowCardinality(String),
    direction              LowCardinality(String),
    started_at             DateTime64(3, 'UTC'),
    ended_at               DateTime64(3, 'UTC'),
    agent_id               String,
    agent_name             Nullable(String),
    -- Hash of the number's digits from the connector (connectors/events.py hash_number): an HMAC-SHA256
    -- with CALLSTREAM_CUSTOMER_HASH_KEY, else a plain sha256 that anyone can reverse by brute force.
    -- This column holds no raw number; the events (and so dead-letter payloads) still carry it.
    customer_number_hash   Nullable(String),
    queue                  Nullable(String),
    recording_uri          String,
    language               LowCardinality(String),
    duration_s             Float64,
    layout                 LowCardinality(String),
    -- AcousticMetrics: per-role values are NULL for mono calls, never zero.
    agent_talk_s           Nullable(Float64),
    customer_talk_s        Nullable(Float64),
    silence_s              Nullable(Float64),
    longest_silence_s      Nullable(Float64),
    overtalk_count         Nullable(Int32),
    overtalk_s             Nullable(Float64),
    agent_interruptions    Nullable(Int32),
    customer_interruptions Nullable(Int32),
    agent_wpm              Nullable(Float64),
    customer_wpm           Nullable(Float64),
    metrics_source         LowCardinality(String),
    segments_total         UInt32,
    segments_kept          UInt32,
    -- dropped segments by reason: ASR guards (past_end, ...) plus the filter stage.
    dropped                Map(String, UInt32),
    tokens_before          UInt32,
    tokens_after           UInt32,
    tokenizer              LowCardinality(String),
    compression_level      LowCardinality(String),
    scorecard_id           LowCardinality(String),
    scorecard_version      LowCardinality(String),
    scorer                 LowCardinality(String),
    model_id               Nullable(String),
    prompt_version         Nullable(String),
    llm_tokens_in          Nullable(UInt32),
    llm_tokens_out         Nullable(UInt32),
    price_mentions         UInt32,
    words                  UInt32,
    agent_talk_ratio       Nullable(Float64),
    keyword_hits           Map(String, UInt32),
    summary                Nullable(String),
    latencies              Map(String, Float64),
    crm                    Map(String, String),
    asr_model              String,
    received_at            DateTime64(3, 'UTC'),
    scored_at              DateTime64(3, 'UTC'),
    inserted_at            DateTime64(3, 'UTC') DEFAULT now64(3),
    _version               UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(started_at)
ORDER BY (tenant, call_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS call_segments
(
    tenant         LowCardinality(String),
    call_id        String,
    idx            UInt32,
    channel        UInt8,
    role           LowCardinality(String),
    start          Float64,
    `end`          Float64,
    text           String,
    avg_logprob    Nullable(Float64),
    no_speech_prob Nullable(Float64),
    kept           UInt8,
    drop_reason    Nullable(String),
    started_at     DateTime64(3, 'UTC'),
    _version       UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(started_at)
ORDER BY (tenant, call_id, idx)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS call_criteria
(
    tenant            LowCardinality(String),
    call_id           String,
    criterion_id      LowCardinality(String),
    title             String,
    kind              LowCardinality(String),
    source            LowCardinality(String),
    status            LowCardinality(String),
    value             Nullable(Float64),
    label             Nullable(String),
    reasoning         Nullable(String),
    scorecard_id      LowCardinality(String),
    scorecard_version LowCardinality(String),
    scorer            LowCardinality(String),
    agent_id          String,
    queue             Nullable(String),
    started_at        DateTime64(3, 'UTC'),
    _version          UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(started_at)
ORDER BY (tenant, call_id, criterion_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS alerts
(
    alert_id   String,
    call_id    String,
    tenant     LowCardinality(String),
    rule       LowCardinality(String),
    severity   LowCardinality(String),
    value      Nullable(Float64),
    threshold  Nullable(Float64),
    agent_id   Nullable(String),
    message    String,
    created_at DateTime64(3, 'UTC'),
    _version   UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(created_at)
ORDER BY (tenant, alert_id)
SETTINGS non_replicated_deduplication_window = 1000;

-- payload/key hold the original record bytes untouched (String is byte-safe) for replay.
CREATE TABLE IF NOT EXISTS dead_letters
(
    stage         LowCardinality(String),
    topic         LowCardinality(String),
    partition     Int32,
    offset        Int64,
    call_id       Nullable(String),
    key           Nullable(String),
    payload       String,
    error_class   LowCardinality(String),
    error_message String,
    attempts      UInt16,
    failed_at     DateTime64(3, 'UTC'),
    _version      UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(failed_at)
ORDER BY (topic, partition, offset, stage)
SETTINGS non_replicated_deduplication_window = 1000;
