-- Core records of roomwork (SQLite). Times are UTC unix milliseconds; dates are ISO text;
-- money is integer minor units with its currency code.
CREATE TABLE reps (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    email TEXT,
    territory TEXT,
    segment TEXT,
    weekly_lead_capacity INTEGER NOT NULL,
    active INTEGER NOT NULL
);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    ext_key TEXT UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    tier TEXT,
    health TEXT NOT NULL,
    health_reason TEXT,
    industry TEXT,
    country TEXT,
    employees INTEGER,
    revenue_minor INTEGER,
    revenue_currency TEXT,
    owner_id TEXT REFERENCES reps(id),
    domain TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX accounts_name_key ON accounts(name_key);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    ext_key TEXT UNIQUE,
    account_id TEXT REFERENCES accounts(id),
    name TEXT NOT NULL,
    title TEXT,
    role TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX contacts_account ON contacts(account_id);

CREATE TABLE leads (
    id TEXT PRIMARY KEY,
    ext_key TEXT UNIQUE,
    name TEXT NOT NULL,
    title TEXT,
    company TEXT,
    company_size INTEGER,
    industry TEXT,
    country TEXT,
    source TEXT,
    email TEXT,
    pages_viewed INTEGER NOT NULL,
    form_submissions INTEGER NOT NULL,
    email_opens INTEGER NOT NULL,
    email_clicks INTEGER NOT NULL,
    converted INTEGER,
    outcome_date TEXT,
    owner_id TEXT REFERENCES reps(id),
    created_at INTEGER NOT NULL
);

CREATE TABLE opportunities (
    id TEXT PRIMARY KEY,
    ext_key TEXT UNIQUE,
    name TEXT NOT NULL,
    account_id TEXT REFERENCES accounts(id),
    owner_id TEXT REFERENCES reps(id),
    stage TEXT NOT NULL,
    amount_minor INTEGER,
    currency TEXT,
    close_date TEXT,
    next_step TEXT,
    next_step_date TEXT,
    created_on TEXT NOT NULL,
    forecast_category TEXT
);
CREATE INDEX opportunities_account ON opportunities(account_id);

CREATE TABLE stage_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    opportunity_id TEXT NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    entered_on TEXT NOT NULL,
    UNIQUE (opportunity_id, stage, entered_on)
);

CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    ext_key TEXT UNIQUE,
    kind TEXT NOT NULL,
    direction TEXT NOT NULL,
    ai_assisted INTEGER NOT NULL,
    account_id TEXT REFERENCES accounts(id),
    contact_id TEXT REFERENCES contacts(id),
    opportunity_id TEXT REFERENCES opportunities(id),
    rep_id TEXT REFERENCES reps(id),
    occurred_at INTEGER NOT NULL,
    duration_minutes INTEGER,
    subject TEXT NOT NULL,
    body TEXT
);
CREATE INDEX activities_account ON activities(account_id);
CREATE INDEX activities_opportunity ON activities(opportunity_id);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    status TEXT NOT NULL,
    ordered_on TEXT NOT NULL,
    promised_on TEXT,
    delivered_on TEXT,
    value_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE INDEX orders_account ON orders(account_id);

CREATE TABLE customer_issues (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    summary TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    closed_on TEXT
);
CREATE INDEX customer_issues_account ON customer_issues(account_id);

CREATE TABLE transcripts (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    account_id TEXT REFERENCES accounts(id),
    opportunity_id TEXT REFERENCES opportunities(id),
    rep_id TEXT REFERENCES reps(id),
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    uploaded_at INTEGER NOT NULL
);

CREATE TABLE portfolio_projects (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    client TEXT NOT NULL,
    industry TEXT NOT NULL,
    year INTEGER NOT NULL,
    summary TEXT NOT NULL,
    capabilities TEXT NOT NULL,
    value_minor INTEGER,
    currency TEXT
);
