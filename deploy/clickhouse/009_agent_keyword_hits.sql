-- Keyword hits in what the agent said (CallScore.rules.agent_keyword_hits): "did the agent greet /
-- apologise" without the customer's "Hello?" or "Sorry, can you repeat?". Rows written before this
-- migration read {} (unknown, not zero: look at keyword_hits for those).
ALTER TABLE calls
    ADD COLUMN IF NOT EXISTS agent_keyword_hits Map(String, UInt32) DEFAULT map() AFTER keyword_hits;
