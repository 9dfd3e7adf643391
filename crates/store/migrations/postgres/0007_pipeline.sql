-- Pipeline intelligence (issue 6): deals' field history, weekly snapshots, the current risk
-- signals and win probabilities of open deals, deal-score model versions, and the forecast
-- overrides managers make.

-- Changes to a deal's close date, amount and forecast category (stage moves live in
-- stage_changes). Values are text: dates ISO, money "<minor units> <currency>", categories by
-- their stored spelling, '' for none. Appended only; the same change on the same day is kept once.
-- Rows are deleted only with their deal (ON DELETE CASCADE).
CREATE TABLE deal_field_changes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    opportunity_id TEXT NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    field TEXT NOT NULL CHECK (field IN ('close_date', 'amount', 'forecast_category')),
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    changed_on TEXT NOT NULL,
    UNIQUE (opportunity_id, field, changed_on, old_value, new_value)
);
CREATE INDEX deal_field_changes_deal ON deal_field_changes (opportunity_id);

CREATE FUNCTION deal_field_changes_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a deal''s field history is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER deal_field_changes_fixed BEFORE UPDATE ON deal_field_changes
FOR EACH ROW EXECUTE FUNCTION deal_field_changes_append_only();
-- Rows go only with their deal (ON DELETE CASCADE), never by themselves in bulk.
CREATE TRIGGER deal_field_changes_no_truncate BEFORE TRUNCATE ON deal_field_changes
FOR EACH STATEMENT EXECUTE FUNCTION deal_field_changes_append_only();

-- One snapshot per day of the open pipeline as a report saw it ('report'), or as rebuilt from
-- the stage and field history for a past day ('reconstructed'). Fixed once written, so that
-- week-over-week changes and forecast accuracy are measured against what was really there.
CREATE TABLE pipeline_snapshots (
    taken_on TEXT PRIMARY KEY,
    taken_at BIGINT NOT NULL,
    taken_by TEXT NOT NULL CHECK (taken_by <> ''),
    source TEXT NOT NULL CHECK (source IN ('report', 'reconstructed')),
    deals BIGINT NOT NULL CHECK (deals >= 0)
);

CREATE TABLE pipeline_snapshot_deals (
    taken_on TEXT NOT NULL REFERENCES pipeline_snapshots(taken_on),
    opportunity_id TEXT NOT NULL,
    owner_id TEXT,
    stage TEXT NOT NULL,
    amount_minor BIGINT,
    currency TEXT,
    close_date TEXT,
    forecast_category TEXT,
    probability DOUBLE PRECISION NOT NULL CHECK (probability >= 0 AND probability <= 1),
    PRIMARY KEY (taken_on, opportunity_id)
);

CREATE FUNCTION pipeline_snapshots_fixed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a pipeline snapshot is fixed once taken, and kept: forecast accuracy is measured against it';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pipeline_snapshots_fixed BEFORE UPDATE OR DELETE ON pipeline_snapshots
FOR EACH ROW EXECUTE FUNCTION pipeline_snapshots_fixed();
CREATE TRIGGER pipeline_snapshot_deals_fixed BEFORE UPDATE OR DELETE ON pipeline_snapshot_deals
FOR EACH ROW EXECUTE FUNCTION pipeline_snapshots_fixed();
CREATE TRIGGER pipeline_snapshots_no_truncate BEFORE TRUNCATE ON pipeline_snapshots
FOR EACH STATEMENT EXECUTE FUNCTION pipeline_snapshots_fixed();
CREATE TRIGGER pipeline_snapshot_deals_no_truncate BEFORE TRUNCATE ON pipeline_snapshot_deals
FOR EACH STATEMENT EXECUTE FUNCTION pipeline_snapshots_fixed();

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
    probability DOUBLE PRECISION NOT NULL CHECK (probability >= 0 AND probability <= 1),
    model_version BIGINT,
    factors TEXT NOT NULL
);

-- Deal-score model versions, fixed once stored; the newest scores.
CREATE TABLE deal_models (
    version BIGINT PRIMARY KEY CHECK (version > 0),
    created_at BIGINT NOT NULL,
    trained_by TEXT NOT NULL CHECK (trained_by <> ''),
    engine TEXT NOT NULL CHECK (engine IN ('trees', 'prior')),
    model TEXT NOT NULL,
    evaluation TEXT NOT NULL
);
CREATE FUNCTION deal_models_fixed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a deal model version is fixed once stored and kept: train a new one';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER deal_models_fixed BEFORE UPDATE OR DELETE ON deal_models
FOR EACH ROW EXECUTE FUNCTION deal_models_fixed();
CREATE TRIGGER deal_models_no_truncate BEFORE TRUNCATE ON deal_models
FOR EACH STATEMENT EXECUTE FUNCTION deal_models_fixed();

-- A manager's forecast for a period (a month "2026-12" or a quarter "2026-Q4"), for the team or
-- one rep, with who and why. Appended only: the latest per period and scope counts.
CREATE TABLE forecast_overrides (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period TEXT NOT NULL,
    scope TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    made_by TEXT NOT NULL CHECK (made_by <> ''),
    reason TEXT NOT NULL CHECK (reason <> ''),
    made_at BIGINT NOT NULL
);
CREATE FUNCTION forecast_overrides_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'forecast overrides are append-only: record a new one';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER forecast_overrides_fixed BEFORE UPDATE OR DELETE ON forecast_overrides
FOR EACH ROW EXECUTE FUNCTION forecast_overrides_append_only();
CREATE TRIGGER forecast_overrides_no_truncate BEFORE TRUNCATE ON forecast_overrides
FOR EACH STATEMENT EXECUTE FUNCTION forecast_overrides_append_only();
