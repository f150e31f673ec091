-- Dead letters: two different failures must never replace each other.
-- (topic, partition, offset, stage) alone is not unique: `callstream import` and `connect` report
-- records that never had a Kafka offset (offset 0), and the embedded broker restarts its topics at
-- offset 0 while chDB keeps its data. payload_hash (64 bits of BLAKE2b over the failure: its call and
-- error, or its payload without a call id; processors.rows.failure_hash, written by the sink) tells
-- them apart; a replay of the same letter still collapses to one row.
-- Rows written before this migration have payload_hash 0.
ALTER TABLE dead_letters
    ADD COLUMN IF NOT EXISTS payload_hash UInt64 AFTER payload,
    MODIFY ORDER BY (topic, partition, offset, stage, payload_hash);
