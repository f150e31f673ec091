-- Dismissals of dead letters (`callstream dlq dismiss`): one row each time a letter was marked
-- handled without a replay (a test call, a record that is junk for good), with who did it, when and
-- why. An audit log, never replaced, like dead_letter_replays: `callstream dlq list` shows such a
-- letter as `dismissed` (until it fails again or is replayed after the dismissal), and `replay`
-- skips it unless told --again. The first five columns are the letter's key in dead_letters.
CREATE TABLE IF NOT EXISTS dead_letter_dismissals
(
    topic        LowCardinality(String),
    partition    Int32,
    offset       Int64,
    stage        LowCardinality(String),
    payload_hash UInt64,
    call_id      Nullable(String),
    tenant       LowCardinality(String),
    reason       String,
    dismissed_at DateTime64(3, 'UTC'),
    dismissed_by String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(dismissed_at)
ORDER BY (topic, partition, offset, stage, payload_hash, dismissed_at);
