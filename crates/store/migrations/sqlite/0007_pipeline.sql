-- Pipeline intelligence (issue 6): deals' field history, weekly snapshots, the current risk
-- signals and win probabilities of open deals, deal-score model versions, and the forecast
-- overrides managers make.

-- Changes to a deal's close date, amount and forecast category (stage moves live in
-- stage_changes). Values are text: dates ISO, money "<minor units> <currency>", categories by
-- their stored spelling, '' for none. Appended only; the same change on the same day is kept once.
-- Rows are deleted only with their deal (ON DELETE CASCADE), which a DELETE trigger would block.
CREATE TABLE deal_field_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    opportunity_id TEXT NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    field TEXT NOT NULL CHECK (field IN ('close_date', 'amount', 'forecast_category')),
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    changed_on TEXT NOT NULL,
    UNIQUE (opportunity_id, field, changed_on, old_value, new_value)
);
CREATE INDEX deal_field_changes_deal ON deal_field_changes (opportunity_id);

CREATE TRIGGER deal_field_changes_fixed BEFORE UPDATE ON deal_field_changes
BEGIN
    SELECT RAISE(ABORT, 'a deal''s field history is append-only');
END;

-- One snapshot per day of the open pipeline as a report saw it ('report'), or as rebuilt from
-- the stage and field history for a past day ('reconstructed'). Fixed once written, so that
-- week-over-week changes and forecast accuracy are measured against what was really there.
CREATE TABLE pipeline_snapshots (
    taken_on TEXT PRIMARY KEY,
    taken_at INTEGER NOT NULL,
    taken_by TEXT NOT NULL CHECK (taken_by <> ''),
    source TEXT NOT NULL CHECK (source IN ('report', 'reconstructed')),
    deals INTEGER NOT NULL CHECK (deals >= 0)
);

CREATE TABLE pipeline_snapshot_deals (
    taken_on TEXT NOT NULL REFERENCES pipeline_snapshots(taken_on),
    opportunity_id TEXT NOT NULL,
    owner_id TEXT,
    stage TEXT NOT NULL,
    amount_minor INTEGER,
    currency TEXT,
    close_date TEXT,
    forecast_category TEXT,
    probability REAL NOT NULL CHECK (probability >= 0 AND probability <= 1),
    PRIMARY KEY (taken_on, opportunity_id)
);

CREATE TRIGGER pipeline_snapshots_fixed BEFORE UPDATE ON pipeline_snapshots
BEGIN
    SELECT RAISE(ABORT, 'a pipeline snapshot is fixed once taken');
END;
CREATE TRIGGER pipeline_snapshots_kept BEFORE DELETE ON pipeline_snapshots
BEGIN
    SELECT RAISE(ABORT, 'pipeline snapshots are kept: forecast accuracy is measured against them');
END;
CREATE TRIGGER pipeline_snapshot_deals_fixed BEFORE UPDATE ON pipeline_snapshot_deals
BEGIN
    SELECT RAISE(ABORT, 'a pipeline snapshot is fixed once taken');
END;
CREATE TRIGGER pipeline_snapshot_deals_kept BEFORE DELETE ON pipeline_snapshot_deals
BEGIN
    SELECT RAISE(ABORT, 'pipeline snapshots are kept: forecast accuracy is measured against them');
END;

-- The risk signals raised on each open deal at its latest evaluation, and since when.
CREATE TABLE deal_signals (
    opportunity_id TEXT NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    signal TEXT NOT NULL,
    raised_on TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (opportunity_id, signal)
);

-- Each open deal's latest win probability, with its factors as JSON.
CREATE TABLE deal_scores (
    opportunity_id TEXT PRIMARY KEY REFERENCES opportunities(id) ON DELETE CASCADE,
    scored_on TEXT NOT NULL,
    probability REAL NOT NULL CHECK (probability >= 0 AND probability <= 1),
    model_version INTEGER,
    factors TEXT NOT NULL
);

-- Deal-score model versions, fixed once stored; the newest scores.
CREATE TABLE deal_models (
    version INTEGER PRIMARY KEY CHECK (version > 0),
    created_at INTEGER NOT NULL,
    trained_by TEXT NOT NULL CHECK (trained_by <> ''),
    engine TEXT NOT NULL CHECK (engine IN ('trees', 'prior')),
    model TEXT NOT NULL,
    evaluation TEXT NOT NULL
);
CREATE TRIGGER deal_models_fixed BEFORE UPDATE ON deal_models
BEGIN
    SELECT RAISE(ABORT, 'a deal model version is fixed once stored: train a new one');
END;
CREATE TRIGGER deal_models_kept BEFORE DELETE ON deal_models
BEGIN
    SELECT RAISE(ABORT, 'deal model versions are kept');
END;

-- A manager's forecast for a period (a month "2026-12" or a quarter "2026-Q4"), for the team or
-- one rep, with who and why. Appended only: the latest per period and scope counts.
CREATE TABLE forecast_overrides (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL,
    scope TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    made_by TEXT NOT NULL CHECK (made_by <> ''),
    reason TEXT NOT NULL CHECK (reason <> ''),
    made_at INTEGER NOT NULL
);
CREATE TRIGGER forecast_overrides_fixed BEFORE UPDATE ON forecast_overrides
BEGIN
    SELECT RAISE(ABORT, 'forecast overrides are append-only: record a new one');
END;
CREATE TRIGGER forecast_overrides_kept BEFORE DELETE ON forecast_overrides
BEGIN
    SELECT RAISE(ABORT, 'forecast overrides are append-only: record a new one');
END;
