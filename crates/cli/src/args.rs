//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXIT_CODES: &str = "Exit codes: 0 done; 1 unexpected failure; 2 bad command line; \
3 an input file is malformed or invalid (nothing of it stored); 4 database error; \
5 refused to protect existing data.";

/// roomwork: AI sales operations that give account managers their time back for customers.
#[derive(Debug, Parser)]
#[command(
    name = "roomwork",
    version,
    about = "roomwork: AI sales operations that give account managers their time back for customers",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Where roomwork keeps its database and files [default: the user's data directory, e.g.
    /// ~/.local/share/roomwork].
    #[arg(long, global = true, env = "ROOMWORK_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Database to use: sqlite://PATH or postgres://USER@HOST/DB [default: sqlite://DATA_DIR/roomwork.db].
    #[arg(
        long,
        global = true,
        env = "ROOMWORK_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// Print JSON on standard output instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import CRM exports (Salesforce, HubSpot, or any CSV with --mapping).
    ///
    /// The kind of each file is detected from its header and said before importing. Records
    /// already imported are updated, not duplicated; stage names are reconciled to the
    /// canonical stages with a report. A file with any bad cell is refused whole, with the
    /// line, column and reason of every problem, and nothing of it is stored.
    Import(ImportArgs),
    /// Report CRM data hygiene: field completion, probable duplicates, deals with missing or
    /// past close dates, open deals without a next step.
    Hygiene,
    /// Create the demo company (Brightwater Industrial Supply) in a fresh data directory and
    /// run every capability on it.
    Demo(DemoArgs),
    /// Show what is stored: record counts, backend and data directory.
    Status,
    /// List the canonical deal stages and the spellings that reconcile to each (from the
    /// Foundation's pipeline.toml when it exists, otherwise the built-in default list).
    Stages,
    /// The six Foundation documents: write a starting set, check them, apply the tier rules.
    Foundation(FoundationArgs),
    /// The responsibility matrix and the relationship-protection rules: show the matrix,
    /// decide any request, evaluate the detector on labelled requests.
    Policy(PolicyArgs),
    /// The append-only, hash-chained audit trail.
    Audit(AuditArgs),
    /// The approval inbox: AI drafts wait here until a person passes the relationship test.
    Inbox(InboxArgs),
    /// Trace every name, number, date, identifier and commitment of a draft to its inputs.
    Grounding(GroundingArgs),
    /// AI as sparring partner: review text you wrote against the Foundation and your notes.
    ///
    /// It suggests and never rewrites: phrases the company avoids, the tier's greeting,
    /// sign-off, register and length, promises without a date, hedges, apologies that hide who
    /// did what, and (with --notes) names, numbers and dates your notes do not support. Tasks
    /// the matrix keeps human only get no review.
    Review(ReviewArgs),
    /// The drafting workflows: each passes the policy, drafts on the built-in engine, checks
    /// its grounding and lands in the approval inbox.
    Draft(DraftArgs),
    /// Lead scoring, routing and model governance: train, score, report, promote, threshold,
    /// recalibrate.
    Leads(LeadsArgs),
    /// Pipeline intelligence: risk signals on every open deal and their backtests, the deal
    /// score, weekly snapshots, the forecast with overrides, bias and accuracy.
    Pipeline(PipelineArgs),
    /// Meeting intelligence: analyse call transcripts (WebVTT, SRT, plain text, Whisper,
    /// Deepgram or AssemblyAI JSON), store calls and their copilot proposals, coach reps, and
    /// measure the analysis on the AMI meeting corpus.
    Meetings(MeetingsArgs),
    /// Screen work versus room work per account manager: outbound touchpoints per account
    /// against the pre-deployment baseline and the target, AI-assisted messages sent, the
    /// efficiency-theater flag, time recovered per workflow; the monthly report.
    Capacity(CapacityArgs),
    /// The people who sign in to `roomwork serve`: add them with a role, list them, make and
    /// revoke API tokens for integrations.
    Users(UsersArgs),
    /// The effective configuration: data directory, database (password redacted), each
    /// settings file (present, default or refused with why) and the values in force (--json),
    /// language-model providers (whether each API key's variable is set, never the key).
    Config,
    /// Run the HTTP API (for now: `POST /api/v1/leads` scores, routes and stores one lead).
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: std::net::SocketAddr,

    /// A reverse proxy in front of roomwork (repeatable, or comma-separated in the
    /// variable): for its requests the client is the address it forwards in
    /// X-Forwarded-For, for the sign-in limits and the request log.
    #[arg(
        long = "trusted-proxy",
        env = "ROOMWORK_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

#[derive(Debug, Args)]
pub struct MeetingsArgs {
    #[command(subcommand)]
    pub command: MeetingsCommand,
}

#[derive(Debug, Subcommand)]
pub enum MeetingsCommand {
    /// Analyse one transcript file without storing it: turns (speaker, start, end,
    /// is_question), coaching metrics against benchmarks, trackers, risks, buying signals,
    /// key moments, a summary and action items.
    Analyze {
        /// The transcript (.vtt, .srt, .txt or .json).
        file: PathBuf,
        /// A speaker who is one of our reps (repeatable); by default the speakers whose names
        /// match the stored reps.
        #[arg(long)]
        rep: Vec<String>,
        /// discovery, negotiation, complaint, account-review (the question benchmark applies
        /// to discovery calls).
        #[arg(long)]
        call_type: Option<String>,
    },
    /// Store a call: parse and analyse the transcript, keep both, match its speakers to the
    /// account's contacts and our reps, raise the account's health when the call surfaced a
    /// complaint (at risk) or several deal risks (watch), re-evaluate the deal's risk signals,
    /// and have the copilot prepare the follow-up email (or, after a complaint, a briefing),
    /// the stage change, the next task and the CRM update in the approval inbox.
    Import {
        /// The transcript (.vtt, .srt, .txt or .json).
        file: PathBuf,
        /// The account (id or exact name).
        #[arg(long)]
        account: String,
        /// The deal discussed (id or name) [default: the account's only open deal].
        #[arg(long)]
        opportunity: Option<String>,
        /// A speaker who is one of our reps (repeatable) [default: speakers matched to reps].
        #[arg(long)]
        rep: Vec<String>,
        /// discovery, negotiation, complaint, account-review, ...
        #[arg(long)]
        call_type: Option<String>,
        /// When the call took place [default: now], `YYYY-MM-DD` or RFC 3339.
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
        /// The account manager the proposals are for (signs the follow-up).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
        /// Store and analyse only: no proposals in the inbox.
        #[arg(long)]
        no_copilot: bool,
        /// Also write an abstractive summary with this provider from DATA_DIR/llm.toml
        /// (checked against the transcript; the extractive summary stays).
        #[arg(long, value_name = "PROVIDER")]
        engine: Option<String>,
    },
    /// Analyse every stored transcript again (the demo's, imported ones) and store the
    /// analyses; account health and the deals' risk signals follow.
    Refresh,
    /// The analysed calls, newest first.
    List {
        /// Only this account's calls (id or exact name).
        #[arg(long)]
        account: Option<String>,
        /// Only this rep's calls (name).
        #[arg(long)]
        rep: Option<String>,
    },
    /// One analysed call, as `analyze` shows it, with the people engaged across its deal.
    Show {
        /// The transcript id (or its first characters).
        id: String,
    },
    /// Have the copilot prepare a stored call's proposals in the inbox (a call stored by
    /// `refresh` or an earlier import): the follow-up email or, after a complaint, a briefing;
    /// the stage change, the next task and the CRM update.
    Propose {
        /// The transcript id (or its first characters).
        id: String,
        /// The account manager the proposals are for.
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
    },
    /// Coaching metrics per rep over time: per month (or week), the calls, average talk
    /// ratio, questions, longest monologue and patience, and how many calls were within the
    /// benchmark ranges.
    Reps {
        /// `month` or `week`.
        #[arg(long, default_value = "month")]
        by: String,
    },
    /// Measure question detection and action items on the AMI meeting corpus (CC BY 4.0):
    /// questions against the human dialogue-act labels (el.* types) next to the "ends with ?"
    /// baseline, tuned on the ES meetings and measured on the IS ones; action items against
    /// the human summaries' action items; the time to analyse every meeting.
    EvalAmi {
        /// The AMI folder (with vtt/, dialogue_acts.tsv, abstractive_summaries.jsonl).
        #[arg(default_value = "../shared/datasets/ami")]
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct UsersArgs {
    #[command(subcommand)]
    pub command: UsersCommand,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user. The password is read from the ROOMWORK_NEW_PASSWORD variable or the first
    /// line of standard input (at least 12 characters); it is stored only as an argon2 hash.
    Add {
        /// Sign-in e-mail.
        #[arg(long)]
        email: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// account_manager, sales_director, sales_ops or admin.
        #[arg(long)]
        role: String,
        /// The rep an account manager is (required for that role).
        #[arg(long)]
        rep: Option<String>,
        /// A sales director's team: the territory of the reps they lead (required for that role).
        #[arg(long)]
        team: Option<String>,
        /// Who adds the user (audited).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
    },
    /// Every user, their role, rep and team.
    List,
    /// A user who may no longer sign in: their sessions end at once, their tokens stop.
    Deactivate {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
        /// Who does it (audited).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
    },
    /// Make an API token for a user (shown once; stored only as its SHA-256).
    Token {
        /// Whose rights the token carries.
        #[arg(long)]
        email: String,
        /// What it is for ("CRM sync").
        #[arg(long)]
        name: String,
        /// What it may do (repeatable): leads:write, leads:read, drafts:read, drafts:write,
        /// accounts:read, deals:read, calls:read, audit:read, me:read.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Who makes it (audited).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
    },
    /// The API tokens (never the tokens themselves).
    Tokens,
    /// Revoke an API token: it stops working at once.
    Revoke {
        /// The token's id.
        id: String,
        /// Who revokes it (audited).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
    },
}

#[derive(Debug, Args)]
pub struct CapacityArgs {
    #[command(subcommand)]
    pub command: Option<CapacityCommand>,
    /// The day to assess on [default: today].
    #[arg(long, value_name = "YYYY-MM-DD", global = true)]
    pub today: Option<chrono::NaiveDate>,
}

#[derive(Debug, Subcommand)]
pub enum CapacityCommand {
    /// Each account manager's weeks: touchpoints, touchpoints per account, AI-assisted sent.
    Weeks {
        /// Only this account manager (name).
        #[arg(long)]
        rep: Option<String>,
    },
    /// The monthly report for the sales director, as Markdown (to a file with --out).
    Report {
        /// The month, `YYYY-MM` [default: the last full month].
        #[arg(long)]
        month: Option<String>,
        /// Write it here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct PipelineArgs {
    #[command(subcommand)]
    pub command: PipelineCommand,
}

#[derive(Debug, Subcommand)]
pub enum PipelineCommand {
    /// Re-evaluate every open deal now: risk signals and win probabilities, stored with the
    /// day each signal was first raised. Imports, approved CRM updates and sent drafts do
    /// this for the deals they touch.
    Refresh {
        /// The day to evaluate on [default: today].
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// The risk signals raised on open deals, each explained (as of the last evaluation).
    Signals {
        /// Only this owner's deals.
        #[arg(long)]
        owner: Option<String>,
        /// Only this signal (no_activity, closing_without_meeting, stalled, close_date_pushed,
        /// amount_reduced, single_threaded, next_step_missing, stage_backwards, ghosted).
        #[arg(long)]
        signal: Option<String>,
        /// Only signals first raised on or after this day.
        #[arg(long, value_name = "DAY")]
        since: Option<chrono::NaiveDate>,
    },
    /// Backtest every signal on closed deals: the loss rate of deals it flagged before they
    /// closed against those it did not, so the ops lead keeps the rules that predict.
    Backtest {
        /// Only deals closed on or after this day.
        #[arg(long, value_name = "DAY")]
        since: Option<chrono::NaiveDate>,
    },
    /// Train the deal score on the closed deals (held-out evaluation against the stage prior),
    /// store it as a new version and re-score every open deal.
    Train {
        /// Who trains it (recorded).
        #[arg(long, default_value = "sales ops")]
        by: String,
    },
    /// The deal-score model: what it learned from, how it measured, what matters most.
    Model,
    /// Open deals with their win probability, its factors and their signals.
    Deals {
        /// Only this owner's deals.
        #[arg(long)]
        owner: Option<String>,
        /// At most this many, by amount.
        #[arg(long, default_value_t = 25)]
        limit: usize,
    },
    /// Save today's open pipeline as a snapshot (the weekly report does this too). A snapshot
    /// records the pipeline as it is now; past days are rebuilt with `backfill`.
    Snapshot {
        /// Who takes it (recorded).
        #[arg(long, default_value = "sales ops")]
        by: String,
    },
    /// Reconstruct weekly snapshots (Mondays) of past weeks from the deals' stage and field
    /// history, for a company starting with roomwork; days that have a snapshot are kept.
    Backfill {
        /// How many weeks back.
        #[arg(long, default_value_t = 26)]
        weeks: u32,
        /// Who takes them (recorded).
        #[arg(long, default_value = "sales ops")]
        by: String,
        /// The day to count back from [default: today].
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// The stored snapshots.
    Snapshots,
    /// The forecast for a period: roll-up by forecast category per rep and team, the AI
    /// forecast with its interval, each rep's measured bias, and managers' overrides.
    Forecast {
        /// A month (2026-12) or a quarter (2026-Q4) [default: this month].
        #[arg(long)]
        period: Option<String>,
        /// The day the forecast is made on [default: today].
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// Record a manager's forecast for a period, for the team or one rep, with why.
    Override {
        /// A month (2026-12) or a quarter (2026-Q4).
        #[arg(long)]
        period: String,
        /// The rep, by name (the team when not given).
        #[arg(long)]
        rep: Option<String>,
        /// The amount called, in the forecast's currency (e.g. 250000 or "$250,000").
        #[arg(long)]
        amount: String,
        /// Who makes it.
        #[arg(long)]
        by: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Forecast accuracy for closed periods: the call, the upside, the AI forecast and any
    /// override, each read from the period's opening snapshot, against what was won.
    Accuracy {
        /// month or quarter.
        #[arg(long, default_value = "month")]
        per: String,
        /// The day [default: today].
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
}

#[derive(Debug, Args)]
pub struct LeadsArgs {
    #[command(subcommand)]
    pub command: LeadsCommand,
}

#[derive(Debug, Subcommand)]
pub enum LeadsCommand {
    /// Train a model version from the stored leads with outcomes, or from any labelled CSV.
    ///
    /// The latest 20% of leads (by arrival, or by --time-column, or file order) are held out
    /// and the model is measured on them, next to the naive-Bayes prior and, for stored
    /// leads, the current model on the held-out leads it did not learn from. The first lead
    /// model becomes current; later ones wait as candidates for `leads promote`.
    Train {
        /// Train on this CSV instead of the stored leads (evaluation only: a CSV's columns are
        /// not lead features, so such a model cannot be promoted).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// The CSV's label column (yes/no, true/false, 1/0, won/lost).
        #[arg(long, default_value = "converted", requires = "csv")]
        target: String,
        /// CSV columns to leave out (identifiers, anything known only after the outcome).
        #[arg(long, value_delimiter = ',', requires = "csv")]
        exclude: Vec<String>,
        /// CSV date column for the chronological split (file order otherwise).
        #[arg(long, requires = "csv")]
        time_column: Option<String>,
        /// Evaluate on this CSV instead of holding out the latest rows.
        #[arg(long, value_name = "FILE", requires = "csv")]
        test_file: Option<PathBuf>,
        /// Calibration fitted on held-out rows: platt (keeps the ranking) or isotonic.
        #[arg(long, default_value = "platt")]
        calibration: String,
        /// Who trains it (recorded).
        #[arg(long, default_value = "sales ops")]
        by: String,
    },
    /// Score, route and store the leads of a CRM lead export (Salesforce, HubSpot, or any CSV
    /// with --mapping), better leads first.
    Score {
        /// The lead export.
        file: PathBuf,
        /// A mapping file for CSVs no built-in profile recognises.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Show scores and routing without storing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// The model's report: AUC, Brier, log loss, reliability, confusion matrix at the alert
    /// threshold, threshold simulator, feature importance, drift since training.
    Report {
        /// A version (default: the current one, else the latest).
        #[arg(long)]
        version: Option<i64>,
    },
    /// List model versions.
    Models,
    /// Make a candidate the current model, after comparing it with the current one on the
    /// same held-out leads (audited).
    Promote {
        /// The candidate's version.
        version: i64,
        /// Who promotes it.
        #[arg(long)]
        by: String,
        /// Why (recorded).
        #[arg(long, default_value = "")]
        reason: String,
        /// Promote even when the candidate measured worse than the current model.
        #[arg(long)]
        force: bool,
    },
    /// Change the alert threshold (audited, with what the simulator says it will do).
    Threshold {
        /// The new threshold, a probability.
        value: f64,
        /// Who changes it.
        #[arg(long)]
        by: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Refit the current model's calibration on outcomes that arrived since it was trained,
    /// compared on the later half of them; for a scheduler (cron) use --if-due --promote.
    Recalibrate {
        /// Only when `recalibrate_every_days` in leads.toml has passed since the current
        /// model was trained or last recalibrated.
        #[arg(long)]
        if_due: bool,
        /// Make it current when it measures better (audited).
        #[arg(long)]
        promote: bool,
        /// Who (recorded).
        #[arg(long, default_value = "scheduled recalibration")]
        by: String,
    },
}

/// A report file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// A standalone HTML page with a chart.
    Html,
    /// One row per open deal.
    Csv,
}

#[derive(Debug, Args)]
pub struct DraftArgs {
    #[command(subcommand)]
    pub command: DraftCommand,
}

#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// A follow-up email from rough call notes: discussed points, next steps, commitments,
    /// in the tier's standard, with a marked place for your relationship sentence.
    FollowUp {
        /// The call notes (bullets; a "Meeting notes: ACCOUNT" line and a date line help).
        #[arg(long, value_name = "FILE")]
        notes: PathBuf,
        /// The account (id or exact name) [default: the notes' "Meeting notes:" line].
        #[arg(long)]
        account: Option<String>,
        /// The recipient, `Name <address>` [default: the account's contact named in the notes].
        #[arg(long)]
        to: Option<String>,
        /// Who sends it (signs the email and submits the draft).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
        /// The day relative dates are spelled against [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
        /// Draft with this provider from DATA_DIR/llm.toml instead of the built-in engine
        /// (which stays the fallback).
        #[arg(long, value_name = "PROVIDER")]
        engine: Option<String>,
    },
    /// A pre-call account briefing from the store, in the Foundation's format for the call
    /// type: snapshot, back-orders first, open issues, last conversation, commitments, deals,
    /// contacts, risks, suggested objectives (yours to set) and questions.
    Briefing {
        /// The account (id or exact name).
        #[arg(long)]
        account: String,
        /// The call type: a slug of briefing.toml (routine-account-call, strategic-review,
        /// new-opportunity, complaint-resolution) [default: the first in briefing.toml].
        #[arg(long = "call-type", value_name = "SLUG")]
        call_type: Option<String>,
        /// Who prepares for the call (submits the draft).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
        /// The day of the call [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
        /// Draft with this provider from DATA_DIR/llm.toml instead of the built-in engine
        /// (which stays the fallback).
        #[arg(long, value_name = "PROVIDER")]
        engine: Option<String>,
    },
    /// A CRM update from rough meeting notes: stage (with the Foundation's criterion), next step
    /// with category and date, close date, key points and action items with owners, shown as
    /// a diff against the deal and applied only when the draft is approved.
    CrmUpdate {
        /// The meeting notes (or a voice-memo transcript as text).
        #[arg(long, value_name = "FILE")]
        notes: PathBuf,
        /// The deal (id or exact name) [default: the account's open deal the notes fit best].
        #[arg(long)]
        opportunity: Option<String>,
        /// The account (id or exact name) [default: the notes' "Meeting notes:" line].
        #[arg(long)]
        account: Option<String>,
        /// Who owns the update (submits the draft; our action items are theirs).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
        /// Today: dates before it are not set as the next step or close date, and relative
        /// dates are read against it when the notes carry no date [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
        /// Draft with this provider from DATA_DIR/llm.toml instead of the built-in engine
        /// (which stays the fallback); its answer is JSON, checked against a schema.
        #[arg(long, value_name = "PROVIDER")]
        engine: Option<String>,
    },
    /// The weekly pipeline report in the Foundation's format: status by stage, stalled deals,
    /// expected closes, action required per deal by the conventions, competitors, changes;
    /// into the inbox (Markdown), and written as Markdown, HTML (with a chart) or CSV.
    PipelineReport {
        /// Only this owner's deals (a rep's name).
        #[arg(long)]
        owner: Option<String>,
        /// Also write the report to this file.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The file's format.
        #[arg(long, value_enum, default_value = "md")]
        format: ReportFormat,
        /// Who prepares it (submits the draft).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
        /// The report's day [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
        /// Draft with this provider from DATA_DIR/llm.toml instead of the built-in engine
        /// (which stays the fallback): the model writes the summary paragraph, the tables stay computed.
        #[arg(long, value_name = "PROVIDER")]
        engine: Option<String>,
        /// Build the report from these CRM exports (a Salesforce or HubSpot opportunity or deal
        /// export, with its accounts export if you have one) instead of the store; nothing
        /// is imported. Repeatable.
        #[arg(long = "from", value_name = "FILE")]
        from: Vec<PathBuf>,
        /// The currency of amounts in the exports that carry none.
        #[arg(long, default_value = "USD", requires = "from")]
        currency: String,
    },
    /// A prospect profile from public information you give as files (saved web pages, news,
    /// filings, job postings; no browsing): background, sector context, likely pain points,
    /// why now; every statement a sentence of a source, cited.
    Prospect {
        /// The prospect's name.
        #[arg(long)]
        name: String,
        /// Its sector.
        #[arg(long, default_value = "")]
        sector: String,
        /// A source file (repeatable).
        #[arg(long = "source", value_name = "FILE", required = true)]
        sources: Vec<PathBuf>,
        /// Most statements per section.
        #[arg(long, default_value_t = 5)]
        per_section: usize,
        /// Who researches (submits the draft).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
        /// Draft with this provider from DATA_DIR/llm.toml instead of the built-in engine
        /// (which stays the fallback); its answer is JSON, every statement checked against the source it cites.
        #[arg(long, value_name = "PROVIDER")]
        engine: Option<String>,
    },
    /// An RFQ response and quotation narrative in the Foundation's proposal format: relevant
    /// experience from the portfolio by full-text relevance to the specification, the
    /// specification's own words for scope and schedule, prices only from the estimating
    /// lead's file, and the judgement passages left marked for you.
    Quotation {
        /// The specification or RFQ text.
        #[arg(long, value_name = "FILE")]
        spec: PathBuf,
        /// The account (id or exact name).
        #[arg(long)]
        account: String,
        /// The estimating lead's figures, one per line, used verbatim.
        #[arg(long, value_name = "FILE")]
        prices: Option<PathBuf>,
        /// Who writes the response (submits the draft).
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
        /// Draft with this provider from DATA_DIR/llm.toml instead of the built-in engine
        /// (which stays the fallback): the model writes the requirement, basis, scope, schedule and capabilities sections; never prices or judgement passages.
        #[arg(long, value_name = "PROVIDER")]
        engine: Option<String>,
    },
    /// The minutes-saved ledger: per week, person and workflow, the drafts the workflows put
    /// in the inbox and the time (and money, at the Foundation's hourly cost) they saved.
    Saved,
    /// Measure how the follow-up engine reads notes against labelled notes (JSON Lines:
    /// id, notes, lines with text, role and due), e.g. crates/drafting/eval/notes-roles-test.jsonl.
    EvalNotes {
        /// The labelled notes.
        file: PathBuf,
        /// Competitor names, one a line (# comments) [default: the Foundation's list].
        #[arg(long, value_name = "FILE")]
        competitors: Option<PathBuf>,
    },
    /// Measure the CRM update's stage proposals and next-step dates against labelled deals
    /// (JSON Lines: id, current_stage, today, notes, expected_stage, expected_next_step_date),
    /// with the Foundation's stages, e.g. crates/drafting/eval/crm-stage-test.jsonl.
    EvalCrm {
        /// The labelled deals.
        file: PathBuf,
    },
    /// Measure the quotation's portfolio retrieval (BM25) against labelled queries, next to a
    /// word-overlap baseline: precision@1, recall@3, MRR per split, e.g.
    /// crates/drafting/eval/portfolio-retrieval.json.
    EvalRetrieval {
        /// The projects and labelled queries.
        file: PathBuf,
    },
    /// Measure how the prospect profile files sentences (background, sector, pain, why now,
    /// left out) against labelled sources, e.g. crates/drafting/eval/prospect-sections-test.jsonl.
    EvalProspect {
        /// The labelled sources.
        file: PathBuf,
        /// The year the sources were written in: dates from it on are triggers ("why now")
        /// [default: 2026, the year of the shipped set].
        #[arg(long, default_value_t = 2026)]
        year: i32,
    },
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Your text.
    pub text: PathBuf,
    /// The task it is for (a slug of `roomwork policy matrix`, e.g. complaint-response).
    #[arg(long)]
    pub kind: Option<String>,
    /// The account (id or exact name): its tier's communication standard is used.
    #[arg(long)]
    pub account: Option<String>,
    /// The tier whose standard to use when no account is given (e.g. strategic).
    #[arg(long, conflicts_with = "account")]
    pub tier: Option<String>,
    /// Notes the text should be faithful to (repeatable).
    #[arg(long = "notes", value_name = "FILE")]
    pub notes: Vec<PathBuf>,
    /// Who asks (recorded in the audit trail).
    #[arg(long, env = "ROOMWORK_USER", default_value = "unknown")]
    pub by: String,
    /// The day relative dates are read against [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<chrono::NaiveDate>,
}

#[derive(Debug, Args)]
pub struct GroundingArgs {
    #[command(subcommand)]
    pub command: GroundingCommand,
}

#[derive(Debug, Subcommand)]
pub enum GroundingCommand {
    /// Check any draft against the files it was written from; exit 0 either way, the report
    /// lists what could not be traced.
    Check {
        /// The draft.
        draft: PathBuf,
        /// The inputs (notes, account summaries, research).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The day relative dates ("Friday", "EOM") are read against [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
    },
    /// Measure the check on a labelled JSON Lines file of drafts with planted claims.
    Eval {
        /// E.g. crates/drafting/eval/grounding-test.jsonl.
        file: PathBuf,
        /// The day relative dates are read against [default: each item's first input date,
        /// else today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
    },
}

#[derive(Debug, Args)]
pub struct InboxArgs {
    #[command(subcommand)]
    pub command: InboxCommand,
}

/// Yes or no, as a reviewer answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Answer {
    Yes,
    No,
}

#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// List drafts (default: those waiting for a person: pending and returned).
    List {
        /// Only drafts in this status: pending, returned, approved, sent, rejected, or all.
        #[arg(long)]
        status: Option<String>,
        /// Only this account's drafts (id or exact name).
        #[arg(long)]
        account: Option<String>,
    },
    /// Show one draft: its text, the verdict, what stands before approval, and its history.
    Show {
        /// The draft id (or a unique part of it of at least 6 characters).
        id: String,
    },
    /// Put a draft written elsewhere (another tool, a person with an assistant) through the
    /// policy and into the inbox. Refused drafts are not stored.
    Submit {
        /// The task (a row of `roomwork policy matrix`), e.g. follow-up-email.
        #[arg(long)]
        kind: String,
        /// Subject or title.
        #[arg(long)]
        subject: String,
        /// A file with the draft's text (`-` for standard input).
        #[arg(long, value_name = "FILE")]
        text: PathBuf,
        /// The notes or request the draft was written from; the policy reads them too.
        #[arg(long, value_name = "FILE")]
        notes: Option<PathBuf>,
        /// The account (id or exact name).
        #[arg(long)]
        account: Option<String>,
        /// The recipient, `Name <address>` (a customer-facing communication needs one to be sent).
        #[arg(long)]
        to: Option<String>,
        /// The engine that wrote it.
        #[arg(long, default_value = "external")]
        engine: String,
        /// The model that wrote it, if any.
        #[arg(long)]
        model: Option<String>,
        /// Who is submitting it.
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
    },
    /// Replace a draft's text with your rewrite (a returned draft becomes pending again).
    Edit {
        /// The draft id (or a unique part of it).
        id: String,
        /// A file with the new text (`-` for standard input).
        #[arg(long, value_name = "FILE")]
        text: PathBuf,
        /// A new subject.
        #[arg(long)]
        subject: Option<String>,
        /// Who is editing.
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
    },
    /// Answer the relationship test. Two "yes" answers approve; a "no" returns the draft for
    /// rewriting. Asked interactively when the answers are not given on the command line.
    Approve {
        /// The draft id (or a unique part of it).
        id: String,
        /// "Does this sound like me in this specific relationship?"
        #[arg(long, value_enum)]
        sounds_like_me: Option<Answer>,
        /// "Does it reflect what actually mattered in the conversation?"
        #[arg(long, value_enum)]
        reflects_what_mattered: Option<Answer>,
        /// Your final text, approved in the same step (`-` for standard input).
        #[arg(long, value_name = "FILE")]
        text: Option<PathBuf>,
        /// A note for the author, kept when the draft is returned.
        #[arg(long)]
        note: Option<String>,
        /// The reviewer.
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
    },
    /// Discard a draft, with the reason.
    Reject {
        /// The draft id (or a unique part of it).
        id: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// The reviewer.
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
    },
    /// Send an approved draft: export it as an .eml file for your mail client, or mark it as
    /// sent. Only approved drafts can be sent.
    Send {
        /// The draft id (or a unique part of it).
        id: String,
        /// Write the message to this .eml file (or into this directory as DRAFT_ID.eml).
        #[arg(
            long,
            value_name = "PATH",
            conflicts_with = "mark_sent",
            required_unless_present = "mark_sent"
        )]
        eml: Option<PathBuf>,
        /// It was sent another way: record it as sent.
        #[arg(long)]
        mark_sent: bool,
        /// Who sends it.
        #[arg(long, env = "ROOMWORK_USER", value_name = "NAME")]
        by: String,
    },
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Write the default responsibility matrix to DATA_DIR/policy.toml for the sales ops lead to edit.
    Init {
        /// Replace an existing policy.toml.
        #[arg(long)]
        force: bool,
    },
    /// Show every task, its category, and which protection rules may be overridden.
    Matrix,
    /// Print the verdict for a request: the category, the protection rules that apply and
    /// their evidence. The verdict is recorded in the audit trail.
    Decide {
        /// The task (a row of `roomwork policy matrix`), e.g. follow-up-email.
        #[arg(long)]
        kind: String,
        /// A file with the request and any pasted notes (`-` for standard input).
        #[arg(long, value_name = "FILE")]
        text: std::path::PathBuf,
        /// The account (id or exact name) whose state the rules consider.
        #[arg(long)]
        account: Option<String>,
        /// Override a refusal where the matrix allows it: who is overriding.
        #[arg(long, value_name = "NAME", requires = "reason")]
        override_by: Option<String>,
        /// Why the refusal is overridden.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Measure the detector on a labelled JSON Lines file (precision and recall per rule).
    Eval {
        /// The labelled file, e.g. crates/policy/eval/test.jsonl.
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain and report any altered, inserted or deleted record.
    Verify,
    /// List the most recent records.
    Log {
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Debug, Args)]
pub struct FoundationArgs {
    #[command(subcommand)]
    pub command: FoundationCommand,
}

#[derive(Debug, Subcommand)]
pub enum FoundationCommand {
    /// Write a complete, commented starting set of the six documents into DATA_DIR/foundation.
    Init {
        /// Replace documents that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Validate the documents (errors name the file, line and field) and list, for each of
    /// the six workflows, whether the documents it requires are present and valid.
    Check,
    /// Show the tier the tier rules give each account, next to its tier in the CRM.
    Tiers {
        /// Write the rule tiers to the accounts that differ.
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV files to import, in order (accounts before the deals that name them is best, but
    /// not required).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// A TOML file saying which column is which, for CSVs no built-in profile recognises
    /// (see the README for an example).
    #[arg(long, value_name = "MAP.toml")]
    pub mapping: Option<PathBuf>,

    /// Show what would be created and updated, and store nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Store only: do not re-evaluate the deals the files touched (risk signals and deal
    /// scores). For a series of imports; run `roomwork pipeline refresh` after the last one.
    #[arg(long)]
    pub no_refresh: bool,

    /// Currency of amounts written without a symbol or code.
    #[arg(long, env = "ROOMWORK_CURRENCY", default_value = "USD")]
    pub currency: String,

    /// Read every file's slash or dot dates in this order (overriding a mapping file's
    /// date_order). Without it the order is detected from each file's dates; use it when they
    /// cannot tell (every day is 12 or less).
    #[arg(long, value_parser = ["mdy", "dmy", "ymd"])]
    pub date_order: Option<String>,

    /// Weekly lead capacity given to reps that an import creates from an owner name.
    #[arg(long, default_value_t = 20)]
    pub default_capacity: u32,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// small (seconds), medium, or large (1,000,000 deals and 10,000,000 activities, for
    /// benchmarks).
    #[arg(long, default_value = "small", value_parser = ["small", "medium", "large"])]
    pub size: String,

    /// Seed of the generator: the same seed and day give the same company.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,

    /// Leave the inbox empty: do not run the copilot on the demo's calls.
    #[arg(long)]
    pub no_copilot: bool,
}
