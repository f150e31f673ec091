-- Filtering, compression, rules and PII (issue 4). Additive only (ADD COLUMN IF NOT EXISTS with
-- defaults), so rows written before this migration read as "unknown".

-- Language most kept words are in (rule metric; `language` stays the ASR's language).
ALTER TABLE calls ADD COLUMN IF NOT EXISTS text_language LowCardinality(String) DEFAULT '' AFTER keyword_hits;
-- Share of kept words in another language than text_language.
ALTER TABLE calls ADD COLUMN IF NOT EXISTS code_switching Nullable(Float64) AFTER text_language;
-- silence_s / duration_s.
ALTER TABLE calls ADD COLUMN IF NOT EXISTS silence_share Nullable(Float64) AFTER code_switching;
-- agent + customer interruptions (NULL for mono).
ALTER TABLE calls ADD COLUMN IF NOT EXISTS interruptions Nullable(UInt32) AFTER silence_share;
-- PII redacted before ClickHouse and the LLM, by placeholder type (PHONE, CARD, EMAIL, ID).
ALTER TABLE calls ADD COLUMN IF NOT EXISTS pii_redacted Map(String, UInt32) AFTER interruptions;
-- Density score that chose the compression depth (compression_level says which).
ALTER TABLE calls ADD COLUMN IF NOT EXISTS compression_density Nullable(Float64) AFTER pii_redacted;

-- Silero VAD speech share under each segment: the input of the filter's `no_vad` decision.
ALTER TABLE call_segments ADD COLUMN IF NOT EXISTS vad_speech Nullable(Float64) AFTER no_speech_prob;
