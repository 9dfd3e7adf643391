-- Lead scoring (issue 5): the lead's region for territory routing, versioned models, every
-- score with its factors and routing, and governed settings (the alert threshold).
ALTER TABLE leads ADD COLUMN region TEXT;

-- One row per trained model version. The model and its evaluation are fixed once stored; only
-- the status moves (candidate → current → retired), and at most one version is current.
CREATE TABLE lead_models (
    version INTEGER PRIMARY KEY CHECK (version > 0),
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('candidate', 'current', 'retired')),
    schema TEXT NOT NULL CHECK (schema IN ('leads', 'columns')),
    engine TEXT NOT NULL,
    trained_by TEXT NOT NULL CHECK (trained_by <> ''),
    source TEXT NOT NULL,
    model TEXT NOT NULL,
    evaluation TEXT NOT NULL,
    promoted_at INTEGER,
    promoted_by TEXT,
    CHECK (status = 'candidate' OR promoted_by IS NOT NULL)
);
CREATE UNIQUE INDEX lead_models_one_current ON lead_models (status) WHERE status = 'current';

CREATE TRIGGER lead_models_fixed BEFORE UPDATE OF version, created_at, schema, engine, trained_by, source, model, evaluation ON lead_models
BEGIN
    SELECT RAISE(ABORT, 'a model version is fixed once stored: train a new one');
END;

CREATE TRIGGER lead_models_no_delete BEFORE DELETE ON lead_models
BEGIN
    SELECT RAISE(ABORT, 'model versions are kept for governance');
END;

-- Every score given to a lead: the probability, whether the prior gave it, the factors as JSON,
-- and where routing sent the lead and why.
CREATE TABLE lead_scores (
    lead_id TEXT NOT NULL REFERENCES leads(id),
    scored_at INTEGER NOT NULL,
    model_version INTEGER NOT NULL REFERENCES lead_models(version),
    probability REAL NOT NULL CHECK (probability >= 0 AND probability <= 1),
    prior INTEGER NOT NULL,
    factors TEXT NOT NULL,
    queue TEXT NOT NULL,
    rep_id TEXT REFERENCES reps(id),
    expected_value INTEGER NOT NULL CHECK (expected_value >= 0),
    reason TEXT NOT NULL,
    PRIMARY KEY (lead_id, scored_at),
    CHECK ((queue = 'rep') = (rep_id IS NOT NULL))
);
CREATE INDEX lead_scores_at ON lead_scores (scored_at);

-- Governed settings; every change is written with its audit record.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL CHECK (updated_by <> '')
);
