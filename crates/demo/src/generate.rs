//! The generator proper.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use roomwork_domain::*;

use crate::corpus::{self, Who};
use crate::rng::Rng;
use crate::story::{self, Story};
use crate::text::{Slots, spoken_amount, spoken_date};

/// How big a company to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// Seconds to make: 8 reps, 120 accounts, 600 deals, 6,000 activities.
    Small,
    /// 24 reps, 2,000 accounts, 50,000 deals, 500,000 activities.
    Medium,
    /// For benchmarks: 60 reps, 20,000 accounts, 1,000,000 deals, 10,000,000 activities.
    Large,
}

/// The record counts a size produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizePlan {
    /// Reps.
    pub reps: usize,
    /// Accounts.
    pub accounts: usize,
    /// Leads over two years.
    pub leads: usize,
    /// Deals.
    pub opportunities: usize,
    /// Activities (including meeting notes).
    pub activities: usize,
    /// Call transcripts.
    pub transcripts: usize,
}

impl Size {
    /// Parses "small", "medium" or "large".
    pub fn parse(s: &str) -> Option<Size> {
        match s.to_ascii_lowercase().as_str() {
            "small" => Some(Size::Small),
            "medium" => Some(Size::Medium),
            "large" => Some(Size::Large),
            _ => None,
        }
    }

    /// The counts this size produces.
    pub fn plan(&self) -> SizePlan {
        match self {
            Size::Small => SizePlan {
                reps: 8,
                accounts: 120,
                leads: 3_000,
                opportunities: 600,
                activities: 6_000,
                transcripts: 12,
            },
            Size::Medium => SizePlan {
                reps: 24,
                accounts: 2_000,
                leads: 20_000,
                opportunities: 50_000,
                activities: 500_000,
                transcripts: 40,
            },
            Size::Large => SizePlan {
                reps: 60,
                accounts: 20_000,
                leads: 100_000,
                opportunities: 1_000_000,
                activities: 10_000_000,
                transcripts: 80,
            },
        }
    }
}

/// The fixed lead-conversion model the demo draws outcomes from, term by term, so that a
/// scoring model can be checked against what is really learnable: `(name, weight)`.
pub const LEAD_MODEL: &[(&str, f64)] = &[
    ("intercept", -6.1),
    ("job rank (0 student .. 4 C-level)", 0.55),
    ("log10 company size", 0.45),
    ("core industry (food, water, chemicals, pulp, pharma)", 0.7),
    ("source: referral", 1.1),
    ("source: trade show or webinar", 0.45),
    ("source: cold outreach or purchased list", -0.8),
    ("log1p pages viewed", 0.35),
    ("form submissions", 0.3),
    ("email clicks", 0.15),
    ("country outside US/Canada", -0.35),
];

/// The job rank the demo's lead model reads from a title: 0 (student, no title) to 4 (C-level).
pub fn job_rank(title: &str) -> f64 {
    let t = title.to_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| t.contains(x));
    if has(&["student", "intern", "n/a", "none", "test"]) || t.trim().is_empty() {
        0.0
    } else if has(&[
        "chief",
        "ceo",
        "coo",
        "cfo",
        "cto",
        "president",
        "owner",
        "general manager",
    ]) && !t.contains("vice")
    {
        4.0
    } else if has(&["vp", "vice president", "v.p"]) {
        3.5
    } else if has(&["director", "dir.", "dir ", "head of", "superintendent"]) {
        3.0
    } else if has(&["manager", "mgr", "lead", "supervisor", "chief engineer"]) {
        2.0
    } else if has(&[
        "engineer",
        "buyer",
        "purchas",
        "procure",
        "planner",
        "specialist",
        "analyst",
    ]) {
        1.5
    } else {
        1.0
    }
}

/// The demo's log-odds of converting for a lead's features (see [`LEAD_MODEL`]).
pub fn lead_logit(
    title: &str,
    size: u32,
    industry: &str,
    source: &str,
    country: &str,
    b: &LeadBehaviour,
) -> f64 {
    let w = |name: &str| {
        LEAD_MODEL
            .iter()
            .find(|(n, _)| n.starts_with(name))
            .map(|(_, w)| *w)
            .unwrap_or(0.0)
    };
    let core = ["Food", "Water", "Chemicals", "Pulp", "Pharma"]
        .iter()
        .any(|c| industry.contains(c));
    let src = source.to_lowercase();
    w("intercept")
        + w("job rank") * job_rank(title)
        + w("log10 company size") * (size.max(1) as f64).log10()
        + if core { w("core industry") } else { 0.0 }
        + if src.contains("referral") {
            w("source: referral")
        } else {
            0.0
        }
        + if src.contains("trade show") || src.contains("webinar") {
            w("source: trade show")
        } else {
            0.0
        }
        + if src.contains("cold") || src.contains("list") {
            w("source: cold")
        } else {
            0.0
        }
        + w("log1p pages") * (b.pages_viewed as f64).ln_1p()
        + w("form submissions") * b.form_submissions.min(4) as f64
        + w("email clicks") * b.email_clicks.min(6) as f64
        + if country == "United States" || country == "Canada" {
            0.0
        } else {
            w("country outside")
        }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

const STAGES: [&str; 7] = [
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Proposal",
    "Negotiation",
    "Closed Won",
    "Closed Lost",
];

/// A salesforce-style id: 3-character key prefix and 12 base-62 characters, 18-character form.
fn sf_id(rng: &mut Rng, prefix: &str) -> SalesforceId {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut s = String::from(prefix);
    s.push_str("A000");
    while s.len() < 15 {
        s.push(ALPHABET[rng.range(0, 62) as usize] as char);
    }
    SalesforceId::parse(&s).expect("generated ids are well formed")
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()
}

fn at(d: NaiveDate, minutes_after_midnight: i64) -> DateTime<Utc> {
    midnight(d) + Duration::minutes(minutes_after_midnight)
}

fn millis(d: NaiveDate) -> u64 {
    midnight(d).timestamp_millis().max(0) as u64
}

struct AccountInfo {
    account: Account,
    short: String,
    city: (&'static str, &'static str, &'static str),
    contacts: Vec<Contact>,
    opp_count: usize,
    at_risk: bool,
    order_numbers: Vec<String>,
}

#[derive(Clone)]
struct CallCandidate {
    kind: &'static str,
    account: usize,
    opportunity: Option<(OpportunityId, String, i64)>,
    rep: usize,
    when: NaiveDate,
}

enum Phase {
    Base,
    Deals(usize),
    Calls,
    Done,
}

/// Makes the demo company as a stream of batches: first reps, accounts, contacts, leads,
/// orders, issues and projects; then deals and activities, a group of accounts at a time;
/// last the call transcripts.
pub struct Generator {
    seed: u64,
    today: NaiveDate,
    plan: SizePlan,
    reps: Vec<Rep>,
    accounts: Vec<AccountInfo>,
    phase: Phase,
    candidates: Vec<CallCandidate>,
    next_order: u64,
}

impl Generator {
    /// A generator for `size` from `seed`, with "today" as the last day of history.
    pub fn new(size: Size, seed: u64, today: NaiveDate) -> Self {
        let plan = size.plan();
        let mut g = Generator {
            seed,
            today,
            plan,
            reps: Vec::new(),
            accounts: Vec::new(),
            phase: Phase::Base,
            candidates: Vec::new(),
            next_order: 20_000,
        };
        g.make_reps();
        g.make_accounts();
        g
    }

    /// Makes deals without their activities (for benchmarks that only need deals).
    pub fn without_activities(mut self) -> Self {
        self.plan.activities = 0;
        self
    }

    /// The counts this generator will produce.
    pub fn plan(&self) -> SizePlan {
        self.plan
    }

    fn make_reps(&mut self) {
        let mut rng = Rng::stream(self.seed, "reps", 0);
        let territories = ["West", "Central", "East", "South", "Canada"];
        let mut used = std::collections::HashSet::new();
        while self.reps.len() < self.plan.reps {
            let first = *rng.pick(corpus::FIRST_NAMES);
            let last = *rng.pick(corpus::LAST_NAMES);
            let name = format!("{first} {last}");
            if !used.insert(name.clone()) {
                continue;
            }
            let i = self.reps.len();
            let email = format!(
                "{}.{}@brightwater.example",
                ascii_slug(first),
                ascii_slug(last)
            );
            self.reps.push(Rep {
                id: RepId::from_parts(
                    millis(self.today - Duration::days(900)) + i as u64,
                    rng.bytes10(),
                ),
                name,
                email: Email::parse(&email).ok(),
                territory: Some(territories[i % territories.len()].to_string()),
                segment: Some(
                    if i.is_multiple_of(3) {
                        "enterprise"
                    } else {
                        "mid-market"
                    }
                    .to_string(),
                ),
                weekly_lead_capacity: 15 + rng.range(0, 26) as u32,
                active: i % 11 != 10,
            });
        }
    }

    fn make_accounts(&mut self) {
        let n = self.plan.accounts;
        let mut used = std::collections::HashSet::new();
        // Deal counts follow account size: a few big accounts carry many deals.
        let mut weights = Vec::with_capacity(n);
        for i in 0..n {
            let mut rng = Rng::stream(self.seed, "account", i as u64);
            // Distinct company names: a stem and a kind, then a town when those run out (the
            // large company has more accounts than stems times kinds).
            let city = *rng.pick(corpus::CITIES);
            let (name, short, industry) = {
                let mut attempt = 0;
                loop {
                    let stem = *rng.pick(corpus::COMPANY_STEMS);
                    let (kind, industry) = *rng.pick(corpus::COMPANY_KINDS);
                    let short = match attempt {
                        0..=9 => format!("{stem} {kind}"),
                        10..=29 => format!("{stem} {} {kind}", rng.pick(corpus::CITIES).0),
                        _ => format!("{stem} {} {kind} {}", rng.pick(corpus::CITIES).0, i),
                    };
                    attempt += 1;
                    if used.insert(crate::generate::fold_company(&short)) {
                        let suffix = *rng.pick(corpus::LEGAL_SUFFIXES);
                        let name = if suffix.is_empty() {
                            short.clone()
                        } else {
                            format!("{short} {suffix}")
                        };
                        break (name, short, industry);
                    }
                }
            };
            let employees = (10f64.powf(1.8 + rng.f64() * 2.4)).round() as u32;
            let revenue = (employees as f64 * (150_000.0 + rng.f64() * 250_000.0)).round() as i64;
            let owner = rng.range(0, self.reps.len() as i64) as usize;
            let created = self.today - Duration::days(rng.range(400, 3_000));
            let sf = sf_id(&mut rng, "001");
            let domain = format!("{}.example", ascii_slug(&short).replace('.', ""));
            let account = Account {
                id: AccountId::from_parts(millis(created) + i as u64, rng.bytes10()),
                ext_key: ExternalKey::new("salesforce", "account", sf.as_str()).ok(),
                name,
                tier: None,
                health: Health::Healthy,
                health_reason: None,
                industry: Some(industry.to_string()),
                country: Some(city.2.to_string()),
                employees: Some(employees),
                annual_revenue: Some(Money::from_major(revenue, Currency::USD)),
                owner: Some(self.reps[owner].id),
                domain: Some(domain.clone()),
                created_at: midnight(created),
            };
            let contacts = (0..rng.range(2, 7))
                .map(|k| {
                    let first = *rng.pick(corpus::FIRST_NAMES);
                    let last = *rng.pick(corpus::LAST_NAMES);
                    let (title, role) = *rng.pick(corpus::CONTACT_ROLES);
                    let csf = sf_id(&mut rng, "003");
                    Contact {
                        id: ContactId::from_parts(millis(created) + k as u64, rng.bytes10()),
                        ext_key: ExternalKey::new("salesforce", "contact", csf.as_str()).ok(),
                        account_id: Some(account.id),
                        name: format!("{first} {last}"),
                        title: Some(title.to_string()),
                        role: ContactRole::parse(role).unwrap_or(ContactRole::Other),
                        email: Email::parse(&format!(
                            "{}.{}@{domain}",
                            ascii_slug(first),
                            ascii_slug(last)
                        ))
                        .ok(),
                        phone: rng.chance(0.8).then(|| {
                            format!(
                                "+1 ({}) 555-01{:02}",
                                rng.range(201, 990),
                                rng.range(0, 100)
                            )
                        }),
                        created_at: midnight(created + Duration::days(rng.range(0, 300))),
                    }
                })
                .collect();
            weights.push((employees as f64).sqrt());
            self.accounts.push(AccountInfo {
                account,
                short,
                city,
                contacts,
                opp_count: 0,
                at_risk: false,
                order_numbers: Vec::new(),
            });
        }
        // Tiers by revenue rank: the top 10% strategic, the next 25% key, the rest standard.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|i| {
            std::cmp::Reverse(self.accounts[*i].account.annual_revenue.map(|m| m.minor()))
        });
        for (rank, i) in order.iter().enumerate() {
            let tier = if rank * 10 < n {
                "strategic"
            } else if rank * 100 < n * 35 {
                "key"
            } else {
                "standard"
            };
            self.accounts[*i].account.tier = Tier::parse(tier).ok();
        }
        // Exact deal counts proportional to the weights.
        let total: f64 = weights.iter().sum();
        let mut assigned = 0;
        for (i, w) in weights.iter().enumerate() {
            let c = (self.plan.opportunities as f64 * w / total).floor() as usize;
            self.accounts[i].opp_count = c;
            assigned += c;
        }
        let mut i = 0;
        while assigned < self.plan.opportunities {
            self.accounts[order[i % n]].opp_count += 1;
            assigned += 1;
            i += 1;
        }
    }

    fn base_batch(&mut self) -> Batch {
        let mut batch = Batch {
            reps: self.reps.clone(),
            ..Default::default()
        };
        for i in 0..self.accounts.len() {
            self.orders_and_issues(i, &mut batch);
        }
        for info in &self.accounts {
            batch.accounts.push(info.account.clone());
            batch.contacts.extend(info.contacts.iter().cloned());
        }
        self.leads(&mut batch);
        for (k, p) in corpus::PROJECTS.iter().enumerate() {
            let mut rng = Rng::stream(self.seed, "project", k as u64);
            let done = NaiveDate::from_ymd_opt(p.year as i32, 1 + (k % 12) as u32, 15)
                .expect("valid date");
            batch.projects.push(PortfolioProject {
                id: ProjectId::from_parts(millis(done), rng.bytes10()),
                title: p.title.to_string(),
                client: p.client.to_string(),
                industry: p.industry.to_string(),
                year: p.year,
                summary: p.summary.to_string(),
                capabilities: p.capabilities.iter().map(|c| c.to_string()).collect(),
                value: Some(Money::from_major(p.value_usd, Currency::USD)),
            });
        }
        batch
    }

    fn orders_and_issues(&mut self, i: usize, batch: &mut Batch) {
        let today = self.today;
        let mut rng = Rng::stream(self.seed, "orders", i as u64);
        let tier = self.accounts[i].account.tier.clone();
        let per_year = match tier.as_ref().map(|t| t.as_str()) {
            Some("strategic") => 14,
            Some("key") => 8,
            _ => 4,
        };
        let n = (per_year * 2) as i64 + rng.range(-2, 3);
        // About one account in twenty is at risk, one in ten watched.
        let roll = rng.f64();
        let at_risk = roll < 0.05;
        let watch = !at_risk && roll < 0.15;
        let mut backordered: Option<String> = None;
        for _ in 0..n.max(1) {
            let ordered_on = today - Duration::days(rng.range(0, 730));
            let age = (today - ordered_on).num_days();
            let status = if age > 45 {
                if rng.chance(0.04) {
                    OrderStatus::Cancelled
                } else {
                    OrderStatus::Delivered
                }
            } else {
                *rng.pick(&[
                    OrderStatus::Open,
                    OrderStatus::Confirmed,
                    OrderStatus::Shipped,
                    OrderStatus::BackOrdered,
                    OrderStatus::Delivered,
                ])
            };
            let status = if at_risk && backordered.is_none() && age < 60 {
                OrderStatus::BackOrdered
            } else {
                status
            };
            let promised = ordered_on + Duration::days(rng.range(10, 35));
            let number = format!("SO-{}", self.next_order);
            self.next_order += 1;
            let mut description =
                order_line(rng.pick::<&str>(corpus::ORDER_LINES), self.next_order);
            if status == OrderStatus::BackOrdered {
                description.push_str(&format!(
                    " (back-ordered: {})",
                    rng.pick(corpus::BACKORDER_REASONS)
                ));
                backordered.get_or_insert(number.clone());
            }
            let value = 400 + (10f64.powf(2.5 + rng.f64() * 2.2)).round() as i64;
            batch.orders.push(Order {
                id: OrderId::from_parts(millis(ordered_on), rng.bytes10()),
                number: number.clone(),
                account_id: self.accounts[i].account.id,
                status,
                ordered_on,
                promised_on: Some(promised),
                delivered_on: (status == OrderStatus::Delivered)
                    .then(|| promised + Duration::days(rng.range(-5, 8))),
                value: Money::from_major(value, Currency::USD),
                description,
            });
            self.accounts[i].order_numbers.push(number);
        }
        if at_risk && backordered.is_none() {
            // Make sure the at-risk story holds: one recent order stuck on back-order.
            let ordered_on = today - Duration::days(rng.range(10, 40));
            let number = format!("SO-{}", self.next_order);
            self.next_order += 1;
            batch.orders.push(Order {
                id: OrderId::from_parts(millis(ordered_on), rng.bytes10()),
                number: number.clone(),
                account_id: self.accounts[i].account.id,
                status: OrderStatus::BackOrdered,
                ordered_on,
                promised_on: Some(ordered_on + Duration::days(14)),
                delivered_on: None,
                value: Money::from_major(6_000 + rng.range(0, 30_000), Currency::USD),
                description: format!(
                    "{} (back-ordered: {})",
                    order_line(rng.pick::<&str>(corpus::ORDER_LINES), self.next_order),
                    rng.pick(corpus::BACKORDER_REASONS)
                ),
            });
            backordered = Some(number.clone());
            self.accounts[i].order_numbers.push(number);
        }
        let orders = self.accounts[i].order_numbers.clone();
        let account_id = self.accounts[i].account.id;
        let site = format!("the {} plant", self.accounts[i].city.0);
        let mut issue = |rng: &mut Rng, open: bool, min_severity: u8| {
            let candidates: Vec<&corpus::IssueSeed> = corpus::ISSUES
                .iter()
                .filter(|s| severity_rank(s.severity) >= min_severity)
                .collect();
            let seed = *rng.pick(&candidates);
            let opened = today
                - Duration::days(if open {
                    rng.range(3, 45)
                } else {
                    rng.range(60, 700)
                });
            let slots = Slots {
                order_no: backordered
                    .clone()
                    .unwrap_or_else(|| rng.pick(&orders).clone()),
                // From the account's position, not the random stream, so that adding this
                // slot left every other generated value as it was.
                competitor: corpus::COMPETITORS[i % corpus::COMPETITORS.len()].to_string(),
                // Likewise from the account's position (they were left empty: "... at .").
                site: site.clone(),
                qty: (2 + i % 11).to_string(),
                ..Default::default()
            };
            batch.issues.push(CustomerIssue {
                id: IssueId::from_parts(millis(opened), rng.bytes10()),
                account_id,
                kind: IssueKind::parse(seed.kind).unwrap_or(IssueKind::Complaint),
                severity: Severity::parse(seed.severity).unwrap_or(Severity::Medium),
                summary: slots.fill(seed.summary),
                opened_on: opened,
                closed_on: (!open).then(|| opened + Duration::days(rng.range(2, 40))),
            });
        };
        if rng.chance(0.3) {
            issue(&mut rng, false, 0);
        }
        let account = &mut self.accounts[i];
        if at_risk {
            issue(&mut rng, true, 2);
            if rng.chance(0.5) {
                issue(&mut rng, true, 1);
            }
            account.at_risk = true;
            account.account.health = Health::AtRisk;
            account.account.health_reason = Some(
                rng.pick(&[
                    "Open high-severity issue and a back-ordered order; the plant manager has mentioned re-tendering.",
                    "Repeated service failures this quarter; orders down sharply on last year.",
                    "Critical complaint still open and the customer has asked a competitor to quote.",
                ])
                .to_string(),
            );
        } else if watch {
            issue(&mut rng, true, 1);
            account.account.health = Health::Watch;
            account.account.health_reason =
                Some("Open complaint awaiting a root-cause answer.".to_string());
        }
    }

    fn leads(&mut self, batch: &mut Batch) {
        let today = self.today;
        for k in 0..self.plan.leads {
            let mut rng = Rng::stream(self.seed, "lead", k as u64);
            let first = *rng.pick(corpus::FIRST_NAMES);
            let last = *rng.pick(corpus::LAST_NAMES);
            let title = *rng.pick(corpus::LEAD_TITLES);
            let (kind, industry) = *rng.pick(corpus::COMPANY_KINDS);
            let company = format!("{} {kind}", rng.pick(corpus::COMPANY_STEMS));
            let size = (10f64.powf(1.0 + rng.f64() * 3.4)).round() as u32;
            let city = *rng.pick(corpus::CITIES);
            let source = *rng.pick(corpus::LEAD_SOURCES);
            let engaged = rng.f64();
            let pages = (engaged * engaged * 30.0 * rng.f64()).round() as u32;
            let forms = if rng.chance(0.25 + 0.5 * engaged) {
                1 + rng.range(0, 3) as u32
            } else {
                0
            };
            let opens = rng.range(0, 16) as u32;
            let clicks = (opens as f64 * rng.f64() * engaged).round() as u32;
            let behaviour = LeadBehaviour {
                pages_viewed: pages,
                form_submissions: forms,
                email_opens: opens,
                email_clicks: clicks,
            };
            // Arrivals spread over two years, busier on weekdays and in recent months.
            let days_ago = ((1.0 - rng.f64().powf(1.3)) * 730.0) as i64;
            let day = today - Duration::days(days_ago);
            let day = match day.weekday().num_days_from_monday() {
                5 if rng.chance(0.7) => day - Duration::days(1),
                6 if rng.chance(0.7) => day + Duration::days(1),
                _ => day,
            };
            let day = day.min(today);
            let created_at = at(day, rng.range(7 * 60, 19 * 60));
            let p = sigmoid(lead_logit(
                title, size, industry, source, city.2, &behaviour,
            ));
            let outcome = if (today - day).num_days() > 30 {
                let converted = rng.chance(p);
                let lag = rng.range(5, 45);
                Some(LeadOutcome {
                    converted,
                    date: (day + Duration::days(lag)).min(today),
                })
            } else {
                None
            };
            let lsf = sf_id(&mut rng, "00Q");
            let owner = self.reps[k % self.reps.len()].id;
            batch.leads.push(Lead {
                id: LeadId::from_parts(created_at.timestamp_millis() as u64, rng.bytes10()),
                ext_key: ExternalKey::new("salesforce", "lead", lsf.as_str()).ok(),
                name: format!("{first} {last}"),
                title: Some(title.to_string()),
                company: Some(company.clone()),
                company_size: Some(size),
                industry: Some(industry.to_string()),
                country: Some(city.2.to_string()),
                region: Some(city.1.to_string()),
                source: Some(source.to_string()),
                email: Email::parse(&format!(
                    "{}@{}.example",
                    ascii_slug(first),
                    ascii_slug(&company).replace('.', "")
                ))
                .ok(),
                behaviour,
                outcome,
                owner: Some(owner),
                created_at,
            });
        }
    }

    fn deals_for_account(&mut self, i: usize, batch: &mut Batch) {
        let today = self.today;
        let deployment = today - Duration::days(crate::AI_DEPLOYED_DAYS_AGO);
        let mut rng = Rng::stream(self.seed, "deals", i as u64);
        let n_opps = self.accounts[i].opp_count;
        let activity_budget = n_opps * self.plan.activities / self.plan.opportunities.max(1);
        let owner_idx = self
            .reps
            .iter()
            .position(|r| Some(r.id) == self.accounts[i].account.owner)
            .unwrap_or(0);
        let info = &self.accounts[i];
        let account_id = info.account.id;
        let contacts: Vec<ContactId> = info.contacts.iter().map(|c| c.id).collect();
        let mut spans: Vec<(OpportunityId, NaiveDate, NaiveDate, usize)> =
            Vec::with_capacity(n_opps);
        // How each deal behaves on its way to its outcome, from a stream of its own.
        let mut srng = Rng::stream(self.seed, "deal-story", i as u64);
        let mut stories: Vec<Story> = Vec::with_capacity(n_opps);
        for k in 0..n_opps {
            let product = *rng.pick(corpus::PRODUCTS);
            let created_on = today - Duration::days(rng.range(0, 720));
            let cycle = rng.range(25, 200);
            let rep_idx = if rng.chance(0.9) {
                owner_idx
            } else {
                rng.range(0, self.reps.len() as i64) as usize
            };
            let would_close = created_on + Duration::days(cycle);
            let closed = would_close < today && !rng.chance(0.06);
            // Stages reached: won deals pass all five open stages; lost and open ones stop early.
            let won = closed && rng.chance(0.38);
            let reached = if won {
                5
            } else if closed {
                1 + rng.range(0, 5) as usize
            } else {
                let progress =
                    ((today - created_on).num_days() as f64 / cycle as f64).clamp(0.0, 0.99);
                1 + (progress * 5.0) as usize
            };
            let stalled = !closed && rng.chance(0.15);
            let mut history = Vec::new();
            let end = if closed {
                would_close
            } else if stalled {
                today - Duration::days(rng.range(20, 75))
            } else {
                today
            };
            let span = (end - created_on).num_days().max(reached as i64);
            let mut cuts: Vec<i64> = (1..reached).map(|_| rng.range(0, span)).collect();
            cuts.sort();
            history.push(StageChange {
                stage: Stage::parse(STAGES[0]).expect("valid"),
                entered_on: created_on,
            });
            for (s, c) in cuts.iter().enumerate() {
                let d = (created_on + Duration::days(*c))
                    .max(history.last().map(|h| h.entered_on).unwrap_or(created_on));
                history.push(StageChange {
                    stage: Stage::parse(STAGES[s + 1]).expect("valid"),
                    entered_on: d,
                });
            }
            if closed {
                let last = if won { STAGES[5] } else { STAGES[6] };
                history.push(StageChange {
                    stage: Stage::parse(last).expect("valid"),
                    entered_on: would_close,
                });
            }
            // Identical (stage, day) pairs are one entry.
            history.dedup_by(|a, b| a.stage == b.stage && a.entered_on == b.entered_on);
            let stage = history.last().expect("at least one stage").stage.clone();
            let slipping = !closed && rng.chance(0.1);
            let close_date = if closed {
                would_close
            } else if slipping {
                today - Duration::days(rng.range(1, 30))
            } else {
                would_close.max(today + Duration::days(rng.range(3, 40)))
            };
            let base = 10f64.powf(3.7 + rng.f64() * 1.9);
            let amount = ((base / 50.0).round() * 50.0) as i64;
            let drawn_forecast = match stage.as_str() {
                "Closed Won" => ForecastCategory::Closed,
                "Closed Lost" => ForecastCategory::Omitted,
                "Negotiation" => {
                    if rng.chance(0.7) {
                        ForecastCategory::Commit
                    } else {
                        ForecastCategory::BestCase
                    }
                }
                "Proposal" => {
                    if rng.chance(0.5) {
                        ForecastCategory::BestCase
                    } else {
                        ForecastCategory::Pipeline
                    }
                }
                _ => ForecastCategory::Pipeline,
            };
            let style = story::style(rep_idx);
            let forecast = if closed {
                drawn_forecast
            } else {
                story::category_now(style, stage.as_str(), drawn_forecast, close_date, today)
            };
            let (next_step, next_step_date) = if !closed && rng.chance(0.85) {
                let s = *rng.pick(corpus::NEXT_STEPS);
                let due = today + Duration::days(rng.range(if stalled { -30 } else { -5 }, 21));
                // The account's own people and a date after the step's: from what is already
                // drawn, not the random stream, so that filling them changed no other record.
                let contacts = &self.accounts[i].contacts;
                let person = |n: usize| {
                    contacts
                        .get(n % contacts.len().max(1))
                        .map_or_else(|| "the buyer".to_string(), |c| first_of(&c.name))
                };
                let slots = Slots {
                    customer: person(k),
                    customer2: person(k + 1),
                    date: crate::text::spoken_date(due + Duration::days(14)),
                    account: self.accounts[i].short.clone(),
                    order_no: self.accounts[i]
                        .order_numbers
                        .last()
                        .cloned()
                        .unwrap_or_else(|| "the open order".into()),
                    competitor: corpus::COMPETITORS[(i + k) % corpus::COMPETITORS.len()]
                        .to_string(),
                    qty: (2 + (i + k) % 11).to_string(),
                    ..Default::default()
                };
                (Some(slots.fill(s)), Some(due))
            } else {
                (None, None)
            };
            let osf = sf_id(&mut rng, "006");
            let id = OpportunityId::from_parts(millis(created_on) + k as u64, rng.bytes10());
            let name = format!("{} - {product}", self.accounts[i].short);
            let activity_end = if closed {
                would_close.min(today)
            } else if stalled {
                end
            } else {
                today
            };
            spans.push((id, created_on, activity_end, rep_idx));
            if !closed && i.is_multiple_of(3) && self.candidates.len() < 4 * self.plan.transcripts {
                let kind = if stage.as_str() == "Negotiation" || stage.as_str() == "Proposal" {
                    "negotiation"
                } else {
                    "discovery"
                };
                self.candidates.push(CallCandidate {
                    kind,
                    account: i,
                    opportunity: Some((id, product.to_string(), amount)),
                    rep: rep_idx,
                    when: today - Duration::days(rng.range(1, 20)),
                });
            }
            let deal = Opportunity {
                id,
                ext_key: ExternalKey::new("salesforce", "opportunity", osf.as_str()).ok(),
                name,
                account_id: Some(account_id),
                owner: Some(self.reps[rep_idx].id),
                stage,
                amount: Some(Money::from_major(amount, Currency::USD)),
                close_date: Some(close_date),
                next_step,
                next_step_date,
                created_on,
                forecast_category: Some(forecast),
                stage_history: history,
            };
            let fading = if closed {
                !won
            } else {
                story::open_fate(&mut srng, stalled, slipping)
            };
            batch.field_edits.extend(story::history(
                &mut srng,
                &deal,
                closed.then_some(won),
                fading,
                style,
                today,
                activity_end,
            ));
            stories.push(Story {
                fading,
                open: !closed,
                end: activity_end,
                gap: srng.range(20, 50),
            });
            batch.opportunities.push(deal);
        }
        if self.accounts[i].at_risk && self.candidates.len() < 4 * self.plan.transcripts {
            self.candidates.push(CallCandidate {
                kind: "complaint",
                account: i,
                opportunity: None,
                rep: owner_idx,
                when: today - Duration::days(rng.range(1, 10)),
            });
        }
        if self.accounts[i]
            .account
            .tier
            .as_ref()
            .is_some_and(|t| t.as_str() == "strategic")
            && self.candidates.len() < 4 * self.plan.transcripts
        {
            self.candidates.push(CallCandidate {
                kind: "account_review",
                account: i,
                opportunity: None,
                rep: owner_idx,
                when: today - Duration::days(rng.range(1, 30)),
            });
        }
        // Activities: 85% on deals (weighted by how long each was worked), the rest account-level.
        let on_deals = if spans.is_empty() {
            0
        } else {
            activity_budget * 85 / 100
        };
        let weights: Vec<f64> = spans
            .iter()
            .map(|(_, a, b, _)| 1.0 + (*b - *a).num_days().max(0) as f64)
            .collect();
        // The account's first contacts until a meeting note picks others: subjects such as
        // "Intro call with {customer}" are never left with a blank (and the random stream is
        // not touched, so no other record changed when this was added).
        let contact_name = |n: usize| {
            self.accounts[i]
                .contacts
                .get(n)
                .or(self.accounts[i].contacts.first())
                .map_or_else(|| "the plant team".to_string(), |c| first_of(&c.name))
        };
        let mut slots = Slots {
            account: self.accounts[i].short.clone(),
            site: format!("the {} plant", self.accounts[i].city.0),
            customer: contact_name(0),
            customer2: contact_name(1),
            product: corpus::PRODUCTS[i % corpus::PRODUCTS.len()].to_lowercase(),
            order_no: self.accounts[i]
                .order_numbers
                .first()
                .cloned()
                .unwrap_or_else(|| "the last order".into()),
            ..Default::default()
        };
        let notes_every = (self.plan.activities / 300).max(20);
        for n in 0..activity_budget {
            let (opp, from, to, rep_idx, deal_k) = if n < on_deals {
                let k = rng.weighted(&weights);
                let (id, a, b, r) = spans[k];
                (Some(id), a, b, r, Some(k))
            } else {
                (None, today - Duration::days(700), today, owner_idx, None)
            };
            let days = (to - from).num_days().max(0);
            let mut day = from + Duration::days(rng.range(0, days + 1));
            let kind_idx = rng.weighted(&[0.38, 0.24, 0.14, 0.07, 0.09, 0.08]);
            let mut kind = [
                ActivityKind::Email,
                ActivityKind::Call,
                ActivityKind::Meeting,
                ActivityKind::Visit,
                ActivityKind::CheckIn,
                ActivityKind::Note,
            ][kind_idx];
            if opp.is_none() && matches!(kind, ActivityKind::Meeting) {
                kind = ActivityKind::CheckIn;
            }
            let mut direction = match kind {
                ActivityKind::Email if rng.chance(0.35) => Direction::Inbound,
                ActivityKind::Call if rng.chance(0.2) => Direction::Inbound,
                _ => Direction::Outbound,
            };
            let mut ai_assisted = matches!(kind, ActivityKind::Email | ActivityKind::Note)
                && direction == Direction::Outbound
                && rng.chance(if day >= deployment { 0.55 } else { 0.04 });
            // The deal's story: a fading deal goes quiet before its end, stops answering and
            // narrows to one person; a live one books its next meeting.
            let mut narrow = false;
            if let Some(st) = deal_k.map(|k| stories[k])
                && kind != ActivityKind::Note
            {
                if st.fading {
                    if day > st.end - Duration::days(st.gap)
                        && srng.chance(if st.open { 0.6 } else { 0.85 })
                    {
                        day = (day - Duration::days(st.gap)).max(from);
                    }
                    if direction == Direction::Inbound
                        && day > st.end - Duration::days(st.gap + 30)
                        && srng.chance(0.7)
                    {
                        direction = Direction::Outbound;
                    }
                    narrow = srng.chance(0.7);
                } else if st.open
                    && matches!(
                        kind,
                        ActivityKind::Call | ActivityKind::Meeting | ActivityKind::Visit
                    )
                    && day >= today - Duration::days(10)
                    && srng.chance(0.4)
                {
                    day = today + Duration::days(srng.range(2, 21));
                } else if direction == Direction::Outbound
                    && kind == ActivityKind::Email
                    && srng.chance(0.2)
                {
                    direction = Direction::Inbound;
                }
            }
            ai_assisted &= direction == Direction::Outbound;
            let duration = match kind {
                ActivityKind::Call => Some(rng.range(4, 46) as u32),
                ActivityKind::Meeting => Some(*rng.pick(&[30, 45, 60, 90])),
                ActivityKind::Visit => Some(rng.range(60, 181) as u32),
                ActivityKind::CheckIn => Some(rng.range(8, 21) as u32),
                _ => None,
            };
            let contact = (!contacts.is_empty() && kind != ActivityKind::Note)
                .then(|| *rng.pick(&contacts))
                .map(|c| if narrow { contacts[0] } else { c });
            let rep = &self.reps[rep_idx];
            slots.rep = rep.name.split(' ').next().unwrap_or("").to_string();
            let (subject, body) = if kind == ActivityKind::Note && n % notes_every == 0 {
                slots.customer = first_name(&self.accounts[i].contacts, &mut rng);
                slots.customer2 = first_name(&self.accounts[i].contacts, &mut rng);
                slots.product = rng.pick(corpus::PRODUCTS).to_lowercase();
                slots.competitor = rng.pick(corpus::COMPETITORS).to_string();
                slots.amount = spoken_amount(rng.range(8, 400) * 500);
                slots.date = spoken_date(day + Duration::days(rng.range(3, 30)));
                slots.order_no = self.accounts[i]
                    .order_numbers
                    .first()
                    .cloned()
                    .unwrap_or_default();
                slots.qty = rng.range(2, 13).to_string();
                (
                    format!("Meeting notes: {}", self.accounts[i].short),
                    Some(slots.fill(pick_str(&mut rng, corpus::MEETING_NOTES))),
                )
            } else {
                let subjects: Vec<&str> = corpus::ACTIVITY_SUBJECTS
                    .iter()
                    .filter(|(k, _)| *k == kind.as_str())
                    .map(|(_, s)| *s)
                    .collect();
                let subject = if subjects.is_empty() {
                    kind.as_str().to_string()
                } else {
                    slots.fill(pick_str(&mut rng, &subjects))
                };
                (subject, None)
            };
            batch.activities.push(Activity {
                id: ActivityId::from_parts(millis(day) + n as u64, rng.bytes10()),
                ext_key: None,
                kind,
                direction,
                ai_assisted,
                account_id: Some(account_id),
                contact_id: contact,
                opportunity_id: opp,
                rep_id: Some(rep.id),
                occurred_at: at(day, rng.range(7 * 60, 18 * 60)),
                duration_minutes: duration,
                subject,
                body,
            });
        }
        if self.plan.activities > 0 {
            self.capacity_story(i, owner_idx, deployment, batch);
        }
    }

    /// What each account manager did with the time AI gave back (seed 000): of every three,
    /// one turns it into room work (more calls, visits and check-ins, week after week since
    /// deployment), one into screen work (more AI-assisted e-mails, touchpoints flat: the
    /// efficiency theater the capacity ledger flags), and one carries on as before. Account-level
    /// activities only (on no deal, so no deal's signals change), from their own random stream
    /// (no earlier record changed when this was added).
    fn capacity_story(
        &mut self,
        i: usize,
        owner_idx: usize,
        deployment: NaiveDate,
        batch: &mut Batch,
    ) {
        let today = self.today;
        if today <= deployment {
            return;
        }
        let mut rng = Rng::stream(self.seed, "capacity", i as u64);
        let rep = &self.reps[owner_idx];
        let account_id = self.accounts[i].account.id;
        let contact = self.accounts[i].contacts.first().map(|c| c.id);
        let customer = self.accounts[i]
            .contacts
            .first()
            .map_or_else(|| "the plant team".to_string(), |c| first_of(&c.name));
        let weeks = (today - deployment).num_days() / 7;
        for week in 0..weeks {
            // The habit grows: a little in the first weeks after deployment, more later.
            let ramp = (week + 1) as f64 / weeks.max(1) as f64;
            let (kind, ai, chance) = match owner_idx % 3 {
                0 => (
                    *rng.pick(&[
                        ActivityKind::Call,
                        ActivityKind::Visit,
                        ActivityKind::CheckIn,
                    ]),
                    false,
                    0.16 * ramp,
                ),
                1 => (ActivityKind::Email, true, 0.45 * ramp),
                _ => continue,
            };
            if !rng.chance(chance) {
                continue;
            }
            let day = (deployment + Duration::days(7 * week + rng.range(0, 5))).min(today);
            let subject = match kind {
                ActivityKind::Call => format!("Called {customer} to see how the line is running"),
                ActivityKind::Visit => format!("Plant walk with {customer}"),
                ActivityKind::CheckIn => format!("Quarterly check-in with {customer}"),
                _ => format!("Update for {customer}"),
            };
            batch.activities.push(Activity {
                id: ActivityId::from_parts(millis(day) + 500_000 + week as u64, rng.bytes10()),
                ext_key: None,
                kind,
                direction: Direction::Outbound,
                ai_assisted: ai,
                account_id: Some(account_id),
                contact_id: contact,
                opportunity_id: None,
                rep_id: Some(rep.id),
                occurred_at: at(day, rng.range(8 * 60, 17 * 60)),
                duration_minutes: match kind {
                    ActivityKind::Call => Some(rng.range(5, 30) as u32),
                    ActivityKind::Visit => Some(rng.range(60, 150) as u32),
                    ActivityKind::CheckIn => Some(rng.range(10, 25) as u32),
                    _ => None,
                },
                subject,
                body: None,
            });
        }
    }

    fn calls(&mut self) -> Batch {
        let mut batch = Batch::default();
        let mut rng = Rng::stream(self.seed, "calls", 0);
        // Its own stream: logging the calls changes no other record of a seeded demo.
        let mut logged = Rng::stream(self.seed, "call-activities", 0);
        // A spread of call types: mostly discovery and negotiation, at least one complaint.
        let wanted = ["discovery", "negotiation", "complaint", "account_review"];
        let mut picked: Vec<CallCandidate> = Vec::new();
        let mut round = 0;
        while picked.len() < self.plan.transcripts && round < self.plan.transcripts * 4 {
            let kind = wanted[round % wanted.len()];
            round += 1;
            if let Some(pos) = self.candidates.iter().position(|c| c.kind == kind) {
                picked.push(self.candidates.remove(pos));
            }
        }
        for (n, c) in picked.into_iter().enumerate() {
            let script = corpus::CALLS
                .iter()
                .find(|s| s.kind == c.kind)
                .expect("every call kind has a script");
            let info = &self.accounts[c.account];
            let rep = &self.reps[c.rep];
            let customers: Vec<&Contact> = info.contacts.iter().take(2).collect();
            let customer = customers[0];
            let customer2_name = customers.get(1).map(|c| c.name.clone()).unwrap_or_else(|| {
                format!(
                    "{} {}",
                    rng.pick(corpus::FIRST_NAMES),
                    rng.pick(corpus::LAST_NAMES)
                )
            });
            let (product, amount) = c
                .opportunity
                .as_ref()
                .map(|(_, p, a)| (p.to_lowercase(), *a))
                .unwrap_or_else(|| {
                    (
                        rng.pick(corpus::PRODUCTS).to_lowercase(),
                        rng.range(20, 300) * 500,
                    )
                });
            let slots = Slots {
                rep: first_of(&rep.name),
                customer: first_of(&customer.name),
                customer2: first_of(&customer2_name),
                account: info.short.clone(),
                product,
                competitor: rng.pick(corpus::COMPETITORS).to_string(),
                amount: spoken_amount(amount),
                date: spoken_date(c.when + Duration::days(rng.range(4, 25))),
                site: format!("the {} plant", info.city.0),
                order_no: info
                    .order_numbers
                    .last()
                    .cloned()
                    .unwrap_or_else(|| "SO-20001".into()),
                qty: rng.range(2, 13).to_string(),
            };
            let mut turns: Vec<(String, String)> = Vec::new();
            for beat in script.beats {
                let variant = *rng.pick(beat.variants);
                for t in variant {
                    let speaker = match t.who {
                        Who::Rep => rep.name.clone(),
                        Who::Customer => customer.name.clone(),
                        Who::Customer2 => customer2_name.clone(),
                    };
                    turns.push((speaker, slots.fill(t.text)));
                }
            }
            let style = match n % 4 {
                0 | 2 => crate::vtt::Style::VoiceTags,
                1 => crate::vtt::Style::ZoomPrefix,
                _ => crate::vtt::Style::TeamsNumbered,
            };
            let started = at(c.when, rng.range(8 * 60, 17 * 60));
            let content = crate::vtt::render(
                &turns,
                style,
                &format!("{}: {}", script.title, info.short),
                &mut rng,
            );
            batch.transcripts.push(Transcript {
                id: TranscriptId::from_parts(started.timestamp_millis() as u64, rng.bytes10()),
                title: format!("{}: {}", script.title, info.short),
                account_id: Some(info.account.id),
                opportunity_id: c.opportunity.as_ref().map(|(id, _, _)| *id),
                rep_id: Some(rep.id),
                file_name: format!(
                    "{:02}-{}-{}-{}.vtt",
                    n + 1,
                    c.when.format("%Y-%m-%d"),
                    c.kind.replace('_', "-"),
                    ascii_slug(&info.short).replace('.', "-")
                ),
                content,
                occurred_at: started,
                uploaded_at: started + Duration::minutes(90),
            });
            // Logged on the deal as `meetings import` logs a call (the customer took part), so
            // that "no activity" and "ghosted" see it.
            let t = batch.transcripts.last().expect("just pushed");
            batch.activities.push(Activity {
                id: ActivityId::from_parts(started.timestamp_millis() as u64, logged.bytes10()),
                ext_key: None,
                kind: ActivityKind::Call,
                direction: Direction::Inbound,
                ai_assisted: false,
                account_id: t.account_id,
                contact_id: Some(customer.id),
                opportunity_id: t.opportunity_id,
                rep_id: t.rep_id,
                occurred_at: t.occurred_at,
                duration_minutes: None,
                subject: format!("Recorded call: {}", t.title),
                body: None,
            });
        }
        batch
    }
}

/// Lower-case letters and digits of a company name, for telling names apart.
fn fold_company(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn pick_str<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.range(0, items.len() as i64) as usize]
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "low" => 0,
        "medium" => 1,
        "high" => 2,
        _ => 3,
    }
}

fn first_of(name: &str) -> String {
    name.split(' ').next().unwrap_or(name).to_string()
}

fn first_name(contacts: &[Contact], rng: &mut Rng) -> String {
    if contacts.is_empty() {
        return rng.pick(corpus::FIRST_NAMES).to_string();
    }
    first_of(&rng.pick(contacts).name)
}

/// Lower-case ASCII letters, digits and dots, for e-mail addresses and domains.
fn ascii_slug(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c => c,
        })
        .collect();
    mapped
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

impl Iterator for Generator {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        match self.phase {
            Phase::Base => {
                self.phase = Phase::Deals(0);
                Some(self.base_batch())
            }
            Phase::Deals(start) => {
                // Groups of accounts worth about 200,000 activities each.
                let mut batch = Batch::default();
                let mut i = start;
                while i < self.accounts.len() && batch.activities.len() < 200_000 {
                    self.deals_for_account(i, &mut batch);
                    i += 1;
                }
                self.phase = if i >= self.accounts.len() {
                    Phase::Calls
                } else {
                    Phase::Deals(i)
                };
                Some(batch)
            }
            Phase::Calls => {
                self.phase = Phase::Done;
                Some(self.calls())
            }
            Phase::Done => None,
        }
    }
}

/// An order line with its quantity: "Mechanical seal kit, {qty} units" → "..., 6 units". The
/// quantity comes from the order counter, not the random stream, so that adding it changed no
/// other record of a seeded demo.
fn order_line(template: &str, order_no: u64) -> String {
    template.replace("{qty}", &(2 + order_no % 19).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
    }

    fn small() -> Batch {
        let mut all = Batch::default();
        for b in Generator::new(Size::Small, 7, today()) {
            all.reps.extend(b.reps);
            all.accounts.extend(b.accounts);
            all.contacts.extend(b.contacts);
            all.leads.extend(b.leads);
            all.opportunities.extend(b.opportunities);
            all.activities.extend(b.activities);
            all.orders.extend(b.orders);
            all.issues.extend(b.issues);
            all.transcripts.extend(b.transcripts);
            all.projects.extend(b.projects);
        }
        all
    }

    #[test]
    fn the_same_seed_makes_the_same_company() {
        assert_eq!(small(), small());
        let other: Vec<Batch> = Generator::new(Size::Small, 8, today()).collect();
        assert_ne!(other[0].accounts, small().accounts);
    }

    #[test]
    fn sizes_are_exact_and_every_kind_is_present() {
        let b = small();
        let plan = Size::Small.plan();
        assert_eq!(b.reps.len(), plan.reps);
        assert_eq!(b.accounts.len(), plan.accounts);
        assert_eq!(b.opportunities.len(), plan.opportunities);
        assert_eq!(b.leads.len(), plan.leads);
        assert_eq!(b.transcripts.len(), plan.transcripts);
        let activities = b.activities.len() as f64;
        assert!(
            (activities - plan.activities as f64).abs() / (plan.activities as f64) < 0.05,
            "{activities}"
        );
        assert!(
            !b.orders.is_empty()
                && !b.issues.is_empty()
                && !b.projects.is_empty()
                && !b.contacts.is_empty()
        );
    }

    #[test]
    fn the_story_holds_at_risk_accounts_stalled_and_slipping_deals_back_orders() {
        let b = small();
        let at_risk: Vec<&Account> = b
            .accounts
            .iter()
            .filter(|a| a.health == Health::AtRisk)
            .collect();
        assert!(!at_risk.is_empty());
        for a in &at_risk {
            assert!(b.issues.iter().any(|i| i.account_id == a.id
                && i.is_open()
                && i.severity as u8 >= Severity::High as u8));
            assert!(
                b.orders
                    .iter()
                    .any(|o| o.account_id == a.id && o.status == OrderStatus::BackOrdered)
            );
        }
        let catalog = StageCatalog::default_b2b();
        let open: Vec<&Opportunity> = b
            .opportunities
            .iter()
            .filter(|o| !catalog.is_closed(&o.stage))
            .collect();
        let stalled = open
            .iter()
            .filter(|o| (today() - o.stage_history.last().unwrap().entered_on).num_days() > 14)
            .count();
        let slipping = open
            .iter()
            .filter(|o| o.close_date.is_some_and(|d| d < today()))
            .count();
        assert!(
            stalled > 0 && slipping > 0,
            "stalled {stalled} slipping {slipping}"
        );
        let won = b
            .opportunities
            .iter()
            .filter(|o| o.stage.as_str() == "Closed Won")
            .count();
        let lost = b
            .opportunities
            .iter()
            .filter(|o| o.stage.as_str() == "Closed Lost")
            .count();
        assert!(won > 0 && lost > 0);
        for o in &b.opportunities {
            assert_eq!(o.stage_history.last().unwrap().stage, o.stage);
            assert!(
                o.stage_history
                    .windows(2)
                    .all(|w| w[0].entered_on <= w[1].entered_on),
                "{:?}",
                o.stage_history
            );
        }
        let tiers: std::collections::HashSet<&str> = b
            .accounts
            .iter()
            .filter_map(|a| a.tier.as_ref().map(|t| t.as_str()))
            .collect();
        assert_eq!(tiers.len(), 3);
    }

    #[test]
    fn lead_outcomes_follow_the_features() {
        let b = small();
        let decided: Vec<&Lead> = b.leads.iter().filter(|l| l.outcome.is_some()).collect();
        let rate = |f: &dyn Fn(&Lead) -> bool| {
            let group: Vec<&&Lead> = decided.iter().filter(|l| f(l)).collect();
            group
                .iter()
                .filter(|l| l.outcome.unwrap().converted)
                .count() as f64
                / group.len().max(1) as f64
        };
        let senior = rate(&|l| job_rank(l.title.as_deref().unwrap_or("")) >= 3.0);
        let junior = rate(&|l| job_rank(l.title.as_deref().unwrap_or("")) <= 1.0);
        assert!(senior > junior + 0.05, "senior {senior} junior {junior}");
        let overall = rate(&|_| true);
        assert!((0.05..0.35).contains(&overall), "{overall}");
    }

    #[test]
    fn every_call_is_logged_on_its_deal_as_a_customer_conversation() {
        let b = small();
        assert!(!b.transcripts.is_empty());
        for t in &b.transcripts {
            let logged = b
                .activities
                .iter()
                .filter(|a| {
                    a.kind == ActivityKind::Call
                        && a.direction == Direction::Inbound
                        && a.account_id == t.account_id
                        && a.opportunity_id == t.opportunity_id
                        && a.occurred_at == t.occurred_at
                })
                .count();
            assert_eq!(logged, 1, "{}", t.title);
        }
    }

    #[test]
    fn issue_summaries_fill_every_slot() {
        let b = small();
        assert!(!b.issues.is_empty());
        for i in &b.issues {
            let s = &i.summary;
            assert!(
                !s.contains(" .") && !s.contains("  ") && !s.contains('{'),
                "{s}"
            );
        }
        // Every slot an issue template uses is one the generator fills for issues.
        for seed in corpus::ISSUES {
            for part in seed.summary.split('{').skip(1) {
                let slot = part.split('}').next().unwrap();
                assert!(
                    ["order_no", "competitor", "site", "qty"].contains(&slot),
                    "{slot} in {}",
                    seed.summary
                );
            }
        }
    }

    #[test]
    fn text_has_no_unfilled_placeholders() {
        let b = small();
        for t in &b.transcripts {
            assert!(t.content.starts_with("WEBVTT"), "{}", t.file_name);
            for slot in ["{rep}", "{customer}", "{account}", "{amount}", "{date}"] {
                assert!(!t.content.contains(slot), "{slot} in {}", t.file_name);
            }
        }
        let names: std::collections::HashSet<&str> =
            b.transcripts.iter().map(|t| t.file_name.as_str()).collect();
        assert_eq!(names.len(), b.transcripts.len(), "file names are unique");
        let kinds: std::collections::HashSet<&str> = b
            .transcripts
            .iter()
            .map(|t| t.title.split(':').next().unwrap())
            .collect();
        assert!(kinds.len() >= 3, "{kinds:?}");
        let notes: Vec<&Activity> = b.activities.iter().filter(|a| a.body.is_some()).collect();
        assert!(notes.len() >= 10, "{}", notes.len());
        assert!(
            notes
                .iter()
                .all(|n| !n.body.as_ref().unwrap().contains("{customer}"))
        );
    }
}
