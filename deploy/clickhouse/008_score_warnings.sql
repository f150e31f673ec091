-- What a reader of a score must know about how it was made (CallScore.warnings), e.g. that the LLM
-- read a transcript cut to fit its context. Rows written before this migration read [].
ALTER TABLE calls
    ADD COLUMN IF NOT EXISTS warnings Array(String) DEFAULT [] AFTER summary;
