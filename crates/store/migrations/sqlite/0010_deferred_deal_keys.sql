-- no-transaction
-- Deals and their stage history are rebuilt with their foreign keys DEFERRABLE INITIALLY
-- DEFERRED (checked at commit, as every write of them is one transaction), and the stage
-- history keyed by a plain rowid instead of AUTOINCREMENT.
--
-- Why: SQLite gives every statement that writes several rows and could fail halfway a
-- statement journal (a copy of each page it touches, so that it can undo just itself). An
-- immediate foreign key makes every multi-row insert such a statement; a deferred one does
-- not. Measured on an import of 1,000,000 deals (`roomwork-bench import`, README): the
-- journal was a fifth of the time spent writing deals. Nothing else changes: the same
-- columns, indexes and checks, and a violation still fails the whole write.
--
-- SQLite's documented way to change a table's constraints: foreign keys off, new table,
-- copy, drop, rename, check, foreign keys on. Without a transaction of sqlx's own (the
-- pragma cannot change inside one), so the rebuild is wrapped in its own.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE opportunities_rebuilt (
    id TEXT PRIMARY KEY,
    ext_key TEXT UNIQUE,
    name TEXT NOT NULL,
    account_id TEXT REFERENCES accounts(id) DEFERRABLE INITIALLY DEFERRED,
    owner_id TEXT REFERENCES reps(id) DEFERRABLE INITIALLY DEFERRED,
    stage TEXT NOT NULL,
    amount_minor INTEGER,
    currency TEXT,
    close_date TEXT,
    next_step TEXT,
    next_step_date TEXT,
    created_on TEXT NOT NULL,
    forecast_category TEXT
);
INSERT INTO opportunities_rebuilt (id, ext_key, name, account_id, owner_id, stage, amount_minor,
    currency, close_date, next_step, next_step_date, created_on, forecast_category)
SELECT id, ext_key, name, account_id, owner_id, stage, amount_minor, currency, close_date,
    next_step, next_step_date, created_on, forecast_category
FROM opportunities ORDER BY rowid;
DROP TABLE opportunities;
ALTER TABLE opportunities_rebuilt RENAME TO opportunities;
CREATE INDEX opportunities_account ON opportunities(account_id);

CREATE TABLE stage_changes_rebuilt (
    seq INTEGER PRIMARY KEY,
    opportunity_id TEXT NOT NULL
        REFERENCES opportunities(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    stage TEXT NOT NULL,
    entered_on TEXT NOT NULL,
    UNIQUE (opportunity_id, stage, entered_on)
);
INSERT INTO stage_changes_rebuilt (seq, opportunity_id, stage, entered_on)
SELECT seq, opportunity_id, stage, entered_on FROM stage_changes ORDER BY seq;
DROP TABLE stage_changes;
ALTER TABLE stage_changes_rebuilt RENAME TO stage_changes;

COMMIT;
PRAGMA foreign_keys = ON;
