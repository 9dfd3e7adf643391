-- The minutes-saved ledger: one row for every draft a workflow put in the inbox, with the
-- minutes the Foundation says that workflow saves and the hourly cost at the time. The capacity
-- dashboard reads it. Written in the same transaction as the draft; never changed or deleted.
CREATE TABLE workflow_uses (
    draft_id TEXT PRIMARY KEY REFERENCES drafts(id),
    workflow TEXT NOT NULL,
    used_by TEXT NOT NULL CHECK (used_by <> ''),
    account_id TEXT REFERENCES accounts(id),
    at BIGINT NOT NULL,
    minutes_saved BIGINT NOT NULL CHECK (minutes_saved >= 0),
    hourly_cost_minor BIGINT NOT NULL CHECK (hourly_cost_minor >= 0),
    currency TEXT NOT NULL
);
CREATE INDEX workflow_uses_at ON workflow_uses (used_by, at);

CREATE FUNCTION workflow_uses_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the minutes-saved ledger is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER workflow_uses_no_change BEFORE UPDATE OR DELETE ON workflow_uses
FOR EACH ROW EXECUTE FUNCTION workflow_uses_append_only();

CREATE TRIGGER workflow_uses_no_truncate BEFORE TRUNCATE ON workflow_uses
FOR EACH STATEMENT EXECUTE FUNCTION workflow_uses_append_only();
