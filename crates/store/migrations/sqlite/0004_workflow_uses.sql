-- The minutes-saved ledger: one row for every draft a workflow put in the inbox, with the
-- minutes the Foundation says that workflow saves and the hourly cost at the time. The capacity
-- dashboard reads it. Written in the same transaction as the draft; never changed or deleted.
CREATE TABLE workflow_uses (
    draft_id TEXT PRIMARY KEY REFERENCES drafts(id),
    workflow TEXT NOT NULL,
    used_by TEXT NOT NULL CHECK (used_by <> ''),
    account_id TEXT REFERENCES accounts(id),
    at INTEGER NOT NULL,
    minutes_saved INTEGER NOT NULL CHECK (minutes_saved >= 0),
    hourly_cost_minor INTEGER NOT NULL CHECK (hourly_cost_minor >= 0),
    currency TEXT NOT NULL
);
CREATE INDEX workflow_uses_at ON workflow_uses (used_by, at);

CREATE TRIGGER workflow_uses_no_update BEFORE UPDATE ON workflow_uses
BEGIN
    SELECT RAISE(ABORT, 'the minutes-saved ledger is append-only');
END;

CREATE TRIGGER workflow_uses_no_delete BEFORE DELETE ON workflow_uses
BEGIN
    SELECT RAISE(ABORT, 'the minutes-saved ledger is append-only');
END;

-- INSERT OR REPLACE would delete the stored row without firing the DELETE trigger.
CREATE TRIGGER workflow_uses_insert_new BEFORE INSERT ON workflow_uses
WHEN EXISTS (SELECT 1 FROM workflow_uses WHERE draft_id = NEW.draft_id)
BEGIN
    SELECT RAISE(ABORT, 'the minutes-saved ledger is append-only');
END;
