//! Rows to typed records, before they are matched against what is stored.
//!
//! Every cell that has a value must parse; an empty cell is simply absent. Problems are
//! collected for the whole file (up to a limit) so that one run shows every bad cell, each
//! with its line and column.

use chrono::{DateTime, NaiveDate, Utc};
use roomwork_domain::{
    ActivityKind, ContactRole, Direction, Email, ExternalKey, ForecastCategory, Health,
    LeadBehaviour, Money, SalesforceId, Tier,
};

use crate::profiles::{ColumnMap, Profile, RecordKind};
use crate::read::{Row as Cells, Table};
use crate::values::{self, DateOrder};
use crate::{IngestError, Problem};

/// A reference to an account by id, by name, or both.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountRef {
    /// Source key when the file carries the account's id.
    pub key: Option<ExternalKey>,
    /// Name when the file carries it.
    pub name: Option<String>,
}

/// A parsed account row.
#[derive(Clone, Debug)]
pub struct AccountRec {
    pub(crate) line: u64,
    pub(crate) key: ExternalKey,
    pub(crate) name: String,
    pub(crate) industry: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) employees: Option<u32>,
    pub(crate) revenue: Option<Money>,
    pub(crate) owner: Option<String>,
    pub(crate) tier: Option<Tier>,
    pub(crate) health: Option<Health>,
    pub(crate) domain: Option<String>,
    pub(crate) created: Option<DateTime<Utc>>,
}

/// A parsed contact row.
#[derive(Clone, Debug)]
pub struct ContactRec {
    pub(crate) line: u64,
    pub(crate) key: ExternalKey,
    pub(crate) name: String,
    pub(crate) account: Option<AccountRef>,
    pub(crate) title: Option<String>,
    pub(crate) email: Option<Email>,
    pub(crate) phone: Option<String>,
    pub(crate) role: Option<ContactRole>,
    pub(crate) created: Option<DateTime<Utc>>,
}

/// A parsed lead row.
#[derive(Clone, Debug)]
pub struct LeadRec {
    pub(crate) line: u64,
    pub(crate) key: ExternalKey,
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    pub(crate) company: Option<String>,
    pub(crate) company_size: Option<u32>,
    pub(crate) industry: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) email: Option<Email>,
    pub(crate) owner: Option<String>,
    pub(crate) converted: Option<bool>,
    pub(crate) converted_date: Option<NaiveDate>,
    pub(crate) status: Option<String>,
    pub(crate) created: Option<DateTime<Utc>>,
    pub(crate) behaviour: LeadBehaviour,
}

/// A parsed opportunity row.
#[derive(Clone, Debug)]
pub struct OpportunityRec {
    pub(crate) line: u64,
    pub(crate) key: ExternalKey,
    pub(crate) name: String,
    pub(crate) account: Option<AccountRef>,
    pub(crate) owner: Option<String>,
    pub(crate) stage: String,
    pub(crate) amount: Option<Money>,
    pub(crate) close_date: Option<NaiveDate>,
    pub(crate) created: Option<NaiveDate>,
    pub(crate) next_step: Option<String>,
    pub(crate) next_step_date: Option<NaiveDate>,
    pub(crate) forecast_category: Option<ForecastCategory>,
    pub(crate) stage_changed: Option<NaiveDate>,
}

/// A parsed activity row.
#[derive(Clone, Debug)]
pub struct ActivityRec {
    pub(crate) line: u64,
    pub(crate) key: ExternalKey,
    pub(crate) subject: String,
    pub(crate) kind: ActivityKind,
    pub(crate) direction: Direction,
    pub(crate) occurred_at: DateTime<Utc>,
    pub(crate) duration_minutes: Option<u32>,
    pub(crate) account: Option<AccountRef>,
    pub(crate) contact_key: Option<ExternalKey>,
    pub(crate) contact_name: Option<String>,
    pub(crate) opportunity_key: Option<ExternalKey>,
    pub(crate) owner: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) ai_assisted: bool,
}

/// The typed rows of one file.
#[derive(Clone, Debug)]
pub enum Records {
    /// Accounts.
    Accounts(Vec<AccountRec>),
    /// Contacts.
    Contacts(Vec<ContactRec>),
    /// Leads.
    Leads(Vec<LeadRec>),
    /// Opportunities.
    Opportunities(Vec<OpportunityRec>),
    /// Activities.
    Activities(Vec<ActivityRec>),
}

impl Records {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Records::Accounts(v) => v.len(),
            Records::Contacts(v) => v.len(),
            Records::Leads(v) => v.len(),
            Records::Opportunities(v) => v.len(),
            Records::Activities(v) => v.len(),
        }
    }

    /// True when the file had no data rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reading context for one row.
struct Row<'a> {
    file: &'a str,
    line: u64,
    cells: Cells<'a>,
    map: &'a ColumnMap,
    headers: &'a [String],
    problems: &'a mut Vec<Problem>,
    order: DateOrder,
    profile: &'a Profile,
    /// Picklist values roomwork does not know, by field, with their row counts.
    lenient: &'a mut std::collections::BTreeMap<(&'static str, String), usize>,
    /// For records keyed without an id: how often each derived key was seen so far.
    occurrences: &'a mut std::collections::HashMap<String, u32>,
}

impl<'a> Row<'a> {
    /// A picklist cell: known values parse; an unknown one (an organisation's own picklist
    /// value, say) becomes `default` and is counted for a warning instead of refusing the
    /// file. In a multi-select ("Champion;Influencer") the first value counts.
    fn picklist<T>(
        &mut self,
        field: &'static str,
        parse: impl Fn(&str) -> Result<T, roomwork_domain::ParseError>,
        default: T,
    ) -> Option<T> {
        let (_, v) = self.cell(field)?;
        let first = v.split(';').next().unwrap_or("").trim().to_string();
        match parse(&first) {
            Ok(t) => Some(t),
            Err(_) => {
                *self.lenient.entry((field, first)).or_insert(0) += 1;
                Some(default)
            }
        }
    }

    /// The first non-empty cell of `field`, trimmed, with its column index.
    fn cell(&self, field: &str) -> Option<(usize, &'a str)> {
        self.map
            .fields
            .get(field)?
            .iter()
            .map(|i| (*i, self.cells.get(*i).unwrap_or("").trim()))
            .find(|(_, v)| !v.is_empty())
    }

    fn text(&self, field: &str) -> Option<String> {
        self.cell(field).map(|(_, v)| v.to_string())
    }

    fn problem(&mut self, col: usize, field: &str, reason: String) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line: self.line,
            column: format!("{} ({:?})", col + 1, self.headers[col]),
            field: field.to_string(),
            reason,
        });
    }

    fn parsed<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let (col, v) = self.cell(field)?;
        match parse(v) {
            Ok(t) => Some(t),
            Err(reason) => {
                self.problem(col, field, reason);
                None
            }
        }
    }

    fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let order = self.order;
        self.parsed(field, |v| {
            values::parse_date(v, order)
                .ok_or_else(|| format!("{v:?} is not a date ({order:?} order)"))
        })
    }

    fn datetime(&mut self, field: &str) -> Option<DateTime<Utc>> {
        let order = self.order;
        self.parsed(field, |v| {
            values::parse_datetime(v, order).ok_or_else(|| format!("{v:?} is not a date or time"))
        })
    }

    fn count(&mut self, field: &str) -> Option<u32> {
        self.parsed(field, |v| {
            values::parse_count(v).ok_or_else(|| format!("{v:?} is not a whole number"))
        })
    }

    fn flag(&mut self, field: &str) -> Option<bool> {
        self.parsed(field, |v| {
            values::parse_bool(v).ok_or_else(|| format!("{v:?} is not TRUE or FALSE"))
        })
    }

    fn email(&mut self, field: &str) -> Option<Email> {
        self.parsed(field, |v| Email::parse(v).map_err(|e| e.reason))
    }

    fn money(&mut self, field: &str) -> Option<Money> {
        let currency = match self.text("currency") {
            Some(c) => match roomwork_domain::Currency::parse(&c) {
                Ok(c) => c,
                Err(e) => {
                    let col = self.cell("currency").map(|(c, _)| c).unwrap_or(0);
                    self.problem(col, "currency", e.reason);
                    self.profile.currency
                }
            },
            None => self.profile.currency,
        };
        self.parsed(field, |v| Money::parse(v, currency).map_err(|e| e.reason))
    }

    /// The key a cell holding a source-system id names: a Salesforce id in its 18-character
    /// form; another system's id as written, or the first of a `;`-separated list (HubSpot
    /// association columns) when `first_of_list`. A bad id is a problem of `field`.
    fn id_key(&mut self, field: &str, kind: &str, first_of_list: bool) -> Option<ExternalKey> {
        let (col, raw) = self.cell(field)?;
        let system = self.profile.system.as_str();
        let id = if system == "salesforce" {
            SalesforceId::parse(raw)
                .map(|s| std::borrow::Cow::Owned(s.as_str().to_string()))
                .map_err(|e| e.reason)
        } else if first_of_list {
            Ok(raw.split(';').next().unwrap_or("").trim().into())
        } else {
            Ok(raw.into())
        };
        match id.and_then(|id| ExternalKey::new(system, kind, &id).map_err(|e| e.reason)) {
            Ok(k) => Some(k),
            Err(reason) => {
                self.problem(col, field, reason);
                None
            }
        }
    }

    /// The record's key: the file's id when it has one, else a key derived from `fallback`.
    fn key(&mut self, kind: RecordKind, fallback: &[Option<&str>]) -> Option<ExternalKey> {
        if self.cell("id").is_some() {
            return self.id_key("id", kind.singular(), false);
        }
        let parts: Vec<&str> = fallback.iter().map(|p| p.unwrap_or("")).collect();
        ExternalKey::from_name(kind.singular(), &parts.join(" | ")).ok()
    }

    fn account_ref(&mut self) -> Option<AccountRef> {
        let key = self.id_key("account_id", "account", true);
        let name = self.text("account_name").map(|n| strip_trailing_id(&n));
        (key.is_some() || name.is_some()).then_some(AccountRef { key, name })
    }

    fn person_name(&mut self) -> Option<String> {
        if let Some(n) = self.text("name") {
            return Some(n);
        }
        let first = self.text("first_name").unwrap_or_default();
        let last = self.text("last_name").unwrap_or_default();
        let full = format!("{first} {last}").trim().to_string();
        (!full.is_empty()).then_some(full)
    }

    fn missing(&mut self, field: &str) {
        let column = self
            .map
            .fields
            .get(field)
            .and_then(|cols| cols.first())
            .map(|c| format!("{} ({:?})", c + 1, self.headers[*c]))
            .unwrap_or_default();
        self.problems.push(Problem {
            file: self.file.to_string(),
            line: self.line,
            column,
            field: field.to_string(),
            reason: format!("{field} is required and empty"),
        });
    }
}

/// HubSpot writes "Meridian Foods (1234567)" in association columns.
fn strip_trailing_id(name: &str) -> String {
    let t = name.trim();
    if let Some(open) = t.rfind(" (")
        && t.ends_with(')')
        && t[open + 2..t.len() - 1].chars().all(|c| c.is_ascii_digit())
        && open > 0
    {
        return t[..open].to_string();
    }
    t.to_string()
}

const DATE_FIELDS: &[&str] = &[
    "created",
    "close_date",
    "next_step_date",
    "converted_date",
    "stage_changed",
    "date",
];

/// Turns the rows of `table` into typed records of the profile's kind, with warnings about
/// unknown picklist values that were kept as their default.
pub fn parse_records(
    file: &str,
    table: &Table,
    profile: &Profile,
    map: &ColumnMap,
) -> Result<(Records, Vec<String>), IngestError> {
    // The date order is a property of the file: detect it from every date cell.
    let mut doubt = None;
    let order = match profile.fixed_date_order {
        Some(o) => o,
        None => {
            let cols: Vec<usize> = DATE_FIELDS
                .iter()
                .filter_map(|f| map.fields.get(f))
                .flatten()
                .copied()
                .collect();
            let samples = table
                .rows
                .iter()
                .flat_map(|r| cols.iter().filter_map(move |c| r.get(*c)));
            let samples = samples
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(|s| s.split([' ', 'T']).next().unwrap_or(s));
            match DateOrder::detect_with_doubt(samples, profile.date_order) {
                Some((order, other)) => {
                    doubt = other;
                    order
                }
                None => profile.date_order,
            }
        }
    };
    // Rows of the wrong shape first; the cells of every other row are checked too, so that one
    // run names every problem.
    let mut problems = table.problems.clone();
    let mut lenient = std::collections::BTreeMap::new();
    let mut occurrences = std::collections::HashMap::new();
    let kind = profile.kind;
    macro_rules! each_row {
        ($body:expr) => {{
            let mut out = Vec::with_capacity(table.rows.len());
            for cells in table.rows.iter() {
                let mut row = Row {
                    file,
                    line: cells.line,
                    cells,
                    map,
                    headers: &table.headers,
                    problems: &mut problems,
                    order,
                    profile,
                    lenient: &mut lenient,
                    occurrences: &mut occurrences,
                };
                #[allow(clippy::redundant_closure_call)]
                if let Some(rec) = ($body)(&mut row) {
                    out.push(rec);
                }
                if problems.len() >= crate::MAX_PROBLEMS {
                    break;
                }
            }
            out
        }};
    }
    let records = match kind {
        RecordKind::Accounts => Records::Accounts(each_row!(|r: &mut Row| {
            let Some(name) = r.text("name") else {
                r.missing("name");
                return None;
            };
            let key = r.key(kind, &[Some(&name)])?;
            Some(AccountRec {
                line: r.line,
                key,
                industry: r.text("industry"),
                country: r.text("country"),
                employees: r.parsed("employees", |v| {
                    values::parse_company_size(v).ok_or_else(|| format!("{v:?} is not a headcount"))
                }),
                revenue: r.money("annual_revenue"),
                owner: r.text("owner"),
                tier: r.parsed("tier", |v| Tier::parse(v).map_err(|e| e.reason)),
                health: r.parsed("health", |v| Health::parse(v).map_err(|e| e.reason)),
                domain: r.text("domain").map(|d| clean_domain(&d)),
                created: r.datetime("created"),
                name,
            })
        })),
        RecordKind::Contacts => Records::Contacts(each_row!(|r: &mut Row| {
            let Some(name) = r.person_name() else {
                r.missing("name");
                return None;
            };
            let email = r.email("email");
            let account = r.account_ref();
            let account_label = account.as_ref().and_then(|a| a.name.clone());
            let fallback = match &email {
                Some(e) => vec![Some(e.as_str().to_string())],
                None => vec![Some(name.clone()), account_label],
            };
            let fallback: Vec<Option<&str>> = fallback.iter().map(|s| s.as_deref()).collect();
            let key = r.key(kind, &fallback)?;
            Some(ContactRec {
                line: r.line,
                key,
                account,
                title: r.text("title"),
                email,
                phone: r.text("phone"),
                role: r.picklist("role", ContactRole::parse, ContactRole::Other),
                created: r.datetime("created"),
                name,
            })
        })),
        RecordKind::Leads => Records::Leads(each_row!(|r: &mut Row| {
            let Some(name) = r.person_name() else {
                r.missing("name");
                return None;
            };
            let email = r.email("email");
            let company = r.text("company");
            let fallback = match &email {
                Some(e) => vec![Some(e.as_str().to_string())],
                None => vec![Some(name.clone()), company.clone()],
            };
            let fallback: Vec<Option<&str>> = fallback.iter().map(|s| s.as_deref()).collect();
            let key = r.key(kind, &fallback)?;
            Some(LeadRec {
                line: r.line,
                key,
                title: r.text("title"),
                company_size: r.parsed("company_size", |v| {
                    values::parse_company_size(v)
                        .ok_or_else(|| format!("{v:?} is not a company size"))
                }),
                industry: r.text("industry"),
                country: r.text("country"),
                region: r.text("region"),
                source: r.text("source"),
                owner: r.text("owner"),
                converted: r.flag("converted"),
                converted_date: r.date("converted_date"),
                status: r.text("status"),
                created: r.datetime("created"),
                behaviour: LeadBehaviour {
                    pages_viewed: r.count("pages_viewed").unwrap_or(0),
                    form_submissions: r.count("form_submissions").unwrap_or(0),
                    email_opens: r.count("email_opens").unwrap_or(0),
                    email_clicks: r.count("email_clicks").unwrap_or(0),
                },
                email,
                company,
                name,
            })
        })),
        RecordKind::Opportunities => Records::Opportunities(each_row!(|r: &mut Row| {
            let name = r.text("name");
            let stage = r.text("stage");
            let (Some(name), Some(stage)) = (name, stage) else {
                if r.text("name").is_none() {
                    r.missing("name");
                }
                if r.text("stage").is_none() {
                    r.missing("stage");
                }
                return None;
            };
            if let Err(e) = roomwork_domain::Stage::parse(&stage) {
                let col = r.cell("stage").map(|(c, _)| c).unwrap_or(0);
                r.problem(col, "stage", e.reason);
                return None;
            }
            let account = r.account_ref();
            let account_label = account.as_ref().and_then(|a| a.name.clone());
            let key = r.key(kind, &[Some(&name), account_label.as_deref()])?;
            Some(OpportunityRec {
                line: r.line,
                key,
                account,
                owner: r.text("owner"),
                amount: r.money("amount"),
                close_date: r.date("close_date"),
                created: r.date("created"),
                next_step: r.text("next_step"),
                next_step_date: r.date("next_step_date"),
                forecast_category: r.parsed("forecast_category", |v| {
                    ForecastCategory::parse(v).map_err(|e| e.reason)
                }),
                stage_changed: r.date("stage_changed"),
                stage,
                name,
            })
        })),
        RecordKind::Activities => Records::Activities(each_row!(|r: &mut Row| {
            let subject = r.text("subject");
            let when = r.datetime("date");
            let (Some(subject), Some(occurred_at)) = (subject, when) else {
                if r.text("subject").is_none() {
                    r.missing("subject");
                }
                if r.text("date").is_none() {
                    r.missing("date");
                }
                return None;
            };
            let owner = r.text("owner");
            let account = r.account_ref();
            let stamp = occurred_at.to_rfc3339();
            let account_label = account
                .as_ref()
                .and_then(|a| a.name.clone().or(a.key.as_ref().map(|k| k.to_string())));
            // Without an id, an activity is known by everything it says; identical rows are
            // told apart by their order in the file, so none is lost.
            // A contact id in its 18-character form, so 15- and 18-character exports agree.
            let contact_label = match r.text("contact_id") {
                Some(id) => Some(
                    SalesforceId::parse(&id)
                        .map(|s| s.as_str().to_string())
                        .unwrap_or(id),
                ),
                None => r.text("contact_name"),
            };
            let duration_label = r
                .text("duration_seconds")
                .or_else(|| r.text("duration_minutes"));
            let description_label: Option<String> =
                r.text("description").map(|d| d.chars().take(120).collect());
            let key = if r.cell("id").is_some() {
                r.key(kind, &[])?
            } else {
                let parts = [
                    Some(stamp.as_str()),
                    Some(subject.as_str()),
                    owner.as_deref(),
                    account_label.as_deref(),
                    contact_label.as_deref(),
                    duration_label.as_deref(),
                    description_label.as_deref(),
                ];
                let base = parts
                    .iter()
                    .map(|p| p.unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join(" | ");
                // Counted on the folded text the key is made of, so rows that differ only in
                // case or punctuation are told apart too.
                let n = r
                    .occurrences
                    .entry(roomwork_domain::fold_name(&base))
                    .or_insert(0);
                *n += 1;
                let occurrence = format!("#{n}");
                let mut with_occurrence = parts.to_vec();
                with_occurrence.push(Some(occurrence.as_str()));
                r.key(kind, &with_occurrence)?
            };
            let system = r.profile.system.clone();
            let sf_key = |r: &mut Row, field: &str, kind: &str| r.id_key(field, kind, false);
            // Salesforce's WhoId may be a lead (00Q) and WhatId an account (001) or another
            // object; only contact (003) and opportunity (006) ids are links we keep.
            let contact_key = sf_key(r, "contact_id", "contact")
                .filter(|k| system != "salesforce" || k.as_str().contains(":contact:003"));
            let opportunity_key = sf_key(r, "opportunity_id", "opportunity")
                .filter(|k| system != "salesforce" || k.as_str().contains(":opportunity:006"));
            let kind_text = r.text("kind");
            let activity_kind = match kind_text {
                Some(_) => r
                    .picklist("kind", ActivityKind::parse, ActivityKind::Note)
                    .unwrap_or(ActivityKind::Note),
                None if r.cell("duration_seconds").is_some() => ActivityKind::Call,
                None => ActivityKind::Note,
            };
            let duration_minutes = match r.count("duration_seconds") {
                Some(s) => Some(s.div_ceil(60)),
                None => r.count("duration_minutes"),
            };
            Some(ActivityRec {
                line: r.line,
                key,
                kind: activity_kind,
                direction: r
                    .picklist("direction", Direction::parse, Direction::Outbound)
                    .unwrap_or(Direction::Outbound),
                occurred_at,
                duration_minutes,
                account,
                contact_key,
                contact_name: r.text("contact_name"),
                opportunity_key,
                owner,
                description: r.text("description"),
                ai_assisted: r.flag("ai_assisted").unwrap_or(false),
                subject,
            })
        })),
    };
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(IngestError::Invalid {
            file: file.to_string(),
            rows: table.rows.len() + table.problems.len(),
            problems,
        });
    }
    let mut warnings: Vec<String> = lenient
        .into_iter()
        .map(|((field, value), rows)| {
            format!("{rows} rows have {field} {value:?}, which roomwork does not know; kept as the default")
        })
        .collect();
    if let Some(other) = doubt {
        let name = |o: DateOrder| match o {
            DateOrder::Mdy => "month first (mdy)",
            DateOrder::Dmy => "day first (dmy)",
            DateOrder::Ymd => "year first (ymd)",
        };
        warnings.push(format!(
            "every date in the file reads both {} and {}; read {} (this export's usual order): \
             if that is wrong, import again with --date-order {}",
            name(order),
            name(other),
            name(order),
            format!("{other:?}").to_lowercase()
        ));
    }
    Ok((records, warnings))
}

fn clean_domain(d: &str) -> String {
    let d = d.trim().to_lowercase();
    let d = d
        .strip_prefix("https://")
        .or_else(|| d.strip_prefix("http://"))
        .unwrap_or(&d);
    let d = d.strip_prefix("www.").unwrap_or(d);
    d.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hubspot_association_suffixes_are_stripped() {
        assert_eq!(
            strip_trailing_id("Meridian Foods (1234567)"),
            "Meridian Foods"
        );
        assert_eq!(strip_trailing_id("Plant (North)"), "Plant (North)");
        assert_eq!(
            clean_domain("https://www.Meridian.example/"),
            "meridian.example"
        );
    }
}
