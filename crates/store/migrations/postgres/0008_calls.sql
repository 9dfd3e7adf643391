-- Meeting intelligence (issue 7): one analysis per call transcript. Derived from the stored
-- transcript, so analysing the call again replaces the row (the transcript is never changed).
CREATE TABLE call_analyses (
    transcript_id TEXT PRIMARY KEY REFERENCES transcripts(id),
    occurred_at BIGINT NOT NULL,
    analysed_at BIGINT NOT NULL,
    rep_id TEXT REFERENCES reps(id),
    account_id TEXT REFERENCES accounts(id),
    opportunity_id TEXT REFERENCES opportunities(id) ON DELETE SET NULL,
    call_type TEXT,
    duration_seconds DOUBLE PRECISION NOT NULL CHECK (duration_seconds >= 0),
    rep_talk_ratio DOUBLE PRECISION CHECK (rep_talk_ratio >= 0 AND rep_talk_ratio <= 1),
    rep_questions BIGINT CHECK (rep_questions >= 0),
    customer_questions BIGINT CHECK (customer_questions >= 0),
    longest_monologue_seconds DOUBLE PRECISION,
    longest_story_seconds DOUBLE PRECISION,
    patience_seconds DOUBLE PRECISION,
    interactivity DOUBLE PRECISION NOT NULL,
    customer_people TEXT NOT NULL,
    risks TEXT NOT NULL,
    trust_repair BIGINT NOT NULL CHECK (trust_repair IN (0, 1)),
    analysis TEXT NOT NULL
);
CREATE INDEX call_analyses_rep ON call_analyses (rep_id, occurred_at);
CREATE INDEX call_analyses_deal ON call_analyses (opportunity_id);
