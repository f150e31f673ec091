-- Replays of dead letters (`callstream dlq replay`): one row each time a letter's original record
-- was sent back to the topic it failed on, after the broker acknowledged it. An audit log, never
-- replaced: `callstream dlq list` counts a letter's replays, and `replay` skips a letter already
-- replayed unless told --again. The first five columns are the letter's key in dead_letters.
CREATE TABLE IF NOT EXISTS dead_letter_replays
(
    topic        LowCardinality(String),
    partition    Int32,
    offset       Int64,
    stage        LowCardinality(String),
    payload_hash UInt64,
    call_id      Nullable(String),
    tenant       LowCardinality(String),
    replayed_at  DateTime64(3, 'UTC'),
    replayed_by  String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(replayed_at)
ORDER BY (topic, partition, offset, stage, payload_hash, replayed_at);
