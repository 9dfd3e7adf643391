//! The CRM hygiene pass sales ops does by hand: how complete each field is, which accounts and
//! contacts are probably the same, and which open deals have a missing or past close date or
//! no next step.

use std::collections::HashMap;

use chrono::NaiveDate;
use roomwork_domain::{
    Account, Contact, ContactRole, Lead, Opportunity, StageCatalog, StageOutcome,
};
use serde::Serialize;

use crate::resolve::fold_name;

/// How often one field is filled in.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FieldCompletion {
    /// Object, e.g. "opportunities".
    pub object: &'static str,
    /// Field.
    pub field: &'static str,
    /// Records with a value.
    pub filled: usize,
    /// Records.
    pub total: usize,
    /// `filled / total`, 1.0 when there are no records.
    pub rate: f64,
}

/// Records that are probably one.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DuplicateGroup {
    /// Their names as stored.
    pub names: Vec<String>,
    /// Their ids.
    pub ids: Vec<String>,
    /// Why they look alike.
    pub reason: String,
}

/// A deal named in a finding.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DealRef {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Stage.
    pub stage: String,
    /// Close date, if any.
    pub close_date: Option<NaiveDate>,
}

/// A list of deals with its full count; only the first examples are kept.
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct DealList {
    /// How many deals.
    pub count: usize,
    /// Up to [`EXAMPLES`] of them, oldest close date first.
    pub examples: Vec<DealRef>,
}

/// Examples kept per deal list.
pub const EXAMPLES: usize = 25;

/// The whole report.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HygieneReport {
    /// Completion per object and field.
    pub completion: Vec<FieldCompletion>,
    /// Probable duplicate accounts.
    pub duplicate_accounts: Vec<DuplicateGroup>,
    /// Probable duplicate contacts.
    pub duplicate_contacts: Vec<DuplicateGroup>,
    /// Open deals with no close date.
    pub missing_close_date: DealList,
    /// Open deals whose close date has passed.
    pub past_close_date: DealList,
    /// Open deals with no next step.
    pub no_next_step: DealList,
    /// Stage values not in the canonical list, with their deal counts.
    pub unknown_stages: Vec<(String, usize)>,
}

/// A field name and how to tell whether a record has it.
type FieldCheck<T> = (&'static str, fn(&T) -> bool);

fn completion<T>(
    object: &'static str,
    items: &[T],
    fields: &[FieldCheck<T>],
) -> Vec<FieldCompletion> {
    fields
        .iter()
        .map(|(field, has)| {
            let filled = items.iter().filter(|i| has(i)).count();
            let total = items.len();
            FieldCompletion {
                object,
                field,
                filled,
                total,
                rate: if total == 0 {
                    1.0
                } else {
                    filled as f64 / total as f64
                },
            }
        })
        .collect()
}

/// An account name with legal forms and "the" removed: "The Meridian Foods, Inc." → "meridian foods".
pub fn normalise_company(name: &str) -> String {
    const NOISE: &[&str] = &[
        "the",
        "inc",
        "incorporated",
        "llc",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "plc",
        "sa",
        "bv",
        "nv",
        "lp",
        "llp",
        "srl",
        "de",
        "cv",
    ];
    // "S.A. de C.V.", "B.V.": legal forms written with dots fold to one word each.
    fold_name(&name.replace('&', " and ").replace('.', ""))
        .split(' ')
        .filter(|w| !NOISE.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, i: usize) -> usize {
        let mut r = i;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut i = i;
        while self.0[i] != r {
            let next = self.0[i];
            self.0[i] = r;
            i = next;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

fn groups(
    n: usize,
    pairs: &[(usize, usize, String)],
    name: impl Fn(usize) -> (String, String),
) -> Vec<DuplicateGroup> {
    let mut uf = UnionFind((0..n).collect());
    let mut reasons: HashMap<usize, Vec<String>> = HashMap::new();
    for (a, b, _) in pairs {
        uf.union(*a, *b);
    }
    for (a, _, why) in pairs {
        let root = uf.find(*a);
        let r = reasons.entry(root).or_default();
        if !r.contains(why) {
            r.push(why.clone());
        }
    }
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        members.entry(uf.find(i)).or_default().push(i);
    }
    let mut out: Vec<DuplicateGroup> = members
        .into_iter()
        .filter(|(_, m)| m.len() > 1)
        .map(|(root, m)| {
            let (names, ids) = m.iter().map(|i| name(*i)).unzip();
            DuplicateGroup {
                names,
                ids,
                reason: reasons.remove(&root).unwrap_or_default().join("; "),
            }
        })
        .collect();
    out.sort_by(|a, b| a.names.cmp(&b.names));
    out
}

fn duplicate_accounts(accounts: &[Account]) -> Vec<DuplicateGroup> {
    let norm: Vec<String> = accounts
        .iter()
        .map(|a| normalise_company(&a.name))
        .collect();
    let mut pairs = Vec::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    let mut by_domain: HashMap<&str, usize> = HashMap::new();
    // Similar names are compared within blocks that share their first three letters.
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, a) in accounts.iter().enumerate() {
        if norm[i].is_empty() {
            continue;
        }
        if let Some(j) = by_name.insert(&norm[i], i) {
            pairs.push((j, i, "same name once legal forms are ignored".to_string()));
        }
        if let Some(d) = a.domain.as_deref().filter(|d| !d.is_empty())
            && let Some(j) = by_domain.insert(d, i)
        {
            pairs.push((j, i, format!("same web domain {d}")));
        }
        blocks
            .entry(norm[i].chars().take(3).collect())
            .or_default()
            .push(i);
    }
    for members in blocks.values() {
        if members.len() > 400 {
            continue; // too common a prefix to compare pairwise; exact matches above still apply
        }
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let (a, b) = (&norm[i], &norm[j]);
                if a != b && a.len().min(b.len()) >= 6 && strsim::jaro_winkler(a, b) >= 0.95 {
                    pairs.push((i, j, "nearly the same name".to_string()));
                }
            }
        }
    }
    groups(accounts.len(), &pairs, |i| {
        (accounts[i].name.clone(), accounts[i].id.to_string())
    })
}

fn duplicate_contacts(contacts: &[Contact]) -> Vec<DuplicateGroup> {
    let mut pairs = Vec::new();
    let mut by_email: HashMap<&str, usize> = HashMap::new();
    let mut by_name: HashMap<(String, Option<String>), usize> = HashMap::new();
    for (i, c) in contacts.iter().enumerate() {
        if let Some(e) = &c.email
            && let Some(j) = by_email.insert(e.as_str(), i)
        {
            pairs.push((j, i, format!("same e-mail {e}")));
        }
        let key = (fold_name(&c.name), c.account_id.map(|a| a.to_string()));
        if !key.0.is_empty()
            && let Some(j) = by_name.insert(key, i)
        {
            pairs.push((j, i, "same name at the same account".to_string()));
        }
    }
    groups(contacts.len(), &pairs, |i| {
        (contacts[i].name.clone(), contacts[i].id.to_string())
    })
}

fn deal_list<'a>(deals: impl Iterator<Item = &'a Opportunity>) -> DealList {
    let mut all: Vec<&Opportunity> = deals.collect();
    let count = all.len();
    all.sort_by_key(|o| (o.close_date, o.created_on));
    DealList {
        count,
        examples: all
            .into_iter()
            .take(EXAMPLES)
            .map(|o| DealRef {
                id: o.id.to_string(),
                name: o.name.clone(),
                stage: o.stage.to_string(),
                close_date: o.close_date,
            })
            .collect(),
    }
}

/// Builds the report. A deal is open unless its stage is a won or lost stage of `catalog`.
pub fn hygiene(
    accounts: &[Account],
    contacts: &[Contact],
    leads: &[Lead],
    opportunities: &[Opportunity],
    catalog: &StageCatalog,
    today: NaiveDate,
) -> HygieneReport {
    let mut completion_rows = completion::<Account>(
        "accounts",
        accounts,
        &[
            ("tier", |a| a.tier.is_some()),
            ("industry", |a| a.industry.is_some()),
            ("country", |a| a.country.is_some()),
            ("employees", |a| a.employees.is_some()),
            ("annual_revenue", |a| a.annual_revenue.is_some()),
            ("owner", |a| a.owner.is_some()),
            ("domain", |a| a.domain.is_some()),
        ],
    );
    completion_rows.extend(completion::<Contact>(
        "contacts",
        contacts,
        &[
            ("account", |c| c.account_id.is_some()),
            ("title", |c| c.title.is_some()),
            ("email", |c| c.email.is_some()),
            ("phone", |c| c.phone.is_some()),
            ("role", |c| c.role != ContactRole::Other),
        ],
    ));
    completion_rows.extend(completion::<Lead>(
        "leads",
        leads,
        &[
            ("title", |l| l.title.is_some()),
            ("company", |l| l.company.is_some()),
            ("company_size", |l| l.company_size.is_some()),
            ("industry", |l| l.industry.is_some()),
            ("country", |l| l.country.is_some()),
            ("source", |l| l.source.is_some()),
            ("email", |l| l.email.is_some()),
            ("owner", |l| l.owner.is_some()),
        ],
    ));
    completion_rows.extend(completion::<Opportunity>(
        "opportunities",
        opportunities,
        &[
            ("account", |o| o.account_id.is_some()),
            ("owner", |o| o.owner.is_some()),
            ("amount", |o| o.amount.is_some()),
            ("close_date", |o| o.close_date.is_some()),
            ("next_step", |o| {
                o.next_step.as_deref().is_some_and(|s| !s.trim().is_empty())
            }),
            ("next_step_date", |o| o.next_step_date.is_some()),
            ("forecast_category", |o| o.forecast_category.is_some()),
        ],
    ));
    let is_open = |o: &&Opportunity| {
        !matches!(
            catalog.outcome(&o.stage),
            Some(StageOutcome::Won | StageOutcome::Lost)
        )
    };
    let mut unknown: HashMap<String, usize> = HashMap::new();
    for o in opportunities {
        if catalog.outcome(&o.stage).is_none() {
            *unknown.entry(o.stage.to_string()).or_default() += 1;
        }
    }
    let mut unknown_stages: Vec<(String, usize)> = unknown.into_iter().collect();
    unknown_stages.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    HygieneReport {
        completion: completion_rows,
        duplicate_accounts: duplicate_accounts(accounts),
        duplicate_contacts: duplicate_contacts(contacts),
        missing_close_date: deal_list(
            opportunities
                .iter()
                .filter(is_open)
                .filter(|o| o.close_date.is_none()),
        ),
        past_close_date: deal_list(
            opportunities
                .iter()
                .filter(is_open)
                .filter(|o| o.close_date.is_some_and(|d| d < today)),
        ),
        no_next_step: deal_list(
            opportunities
                .iter()
                .filter(is_open)
                .filter(|o| o.next_step.as_deref().is_none_or(|s| s.trim().is_empty())),
        ),
        unknown_stages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use roomwork_domain::*;

    fn account(name: &str, domain: Option<&str>) -> Account {
        Account {
            id: AccountId::new(),
            ext_key: None,
            name: name.into(),
            tier: None,
            health: Health::Healthy,
            health_reason: None,
            industry: Some("Chemicals".into()),
            country: None,
            employees: None,
            annual_revenue: None,
            owner: None,
            domain: domain.map(String::from),
            created_at: Utc::now(),
        }
    }

    fn deal(name: &str, stage: &str, close: Option<NaiveDate>, next: Option<&str>) -> Opportunity {
        Opportunity {
            id: OpportunityId::new(),
            ext_key: None,
            name: name.into(),
            account_id: None,
            owner: None,
            stage: Stage::parse(stage).unwrap(),
            amount: None,
            close_date: close,
            next_step: next.map(String::from),
            next_step_date: None,
            created_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            forecast_category: None,
            stage_history: vec![],
        }
    }

    #[test]
    fn legal_forms_and_punctuation_do_not_hide_duplicates() {
        assert_eq!(
            normalise_company("The Meridian Foods, Inc."),
            "meridian foods"
        );
        assert_eq!(normalise_company("Harlow & Sons GmbH"), "harlow and sons");
        let accounts = vec![
            account("Meridian Foods Inc.", None),
            account("MERIDIAN FOODS", None),
            account("Cobalt Ridge Chemicals", Some("cobaltridge.example")),
            account("Cobalt Ridge Chem", Some("cobaltridge.example")),
            account("Bellrock Paper Mill", None),
            account("Bellrock Paper Mil", None),
            account("Dunmore Water", None),
        ];
        let groups = duplicate_accounts(&accounts);
        assert_eq!(groups.len(), 3, "{groups:#?}");
        assert!(
            groups
                .iter()
                .any(|g| g.reason.contains("cobaltridge.example"))
        );
        assert!(
            groups
                .iter()
                .all(|g| !g.names.contains(&"Dunmore Water".to_string()))
        );
    }

    #[test]
    fn open_deals_with_missing_or_past_dates_and_no_next_step_are_listed() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let past = NaiveDate::from_ymd_opt(2026, 5, 1);
        let future = NaiveDate::from_ymd_opt(2026, 7, 1);
        let deals = vec![
            deal("no date", "Proposal", None, Some("call")),
            deal("past", "Negotiation", past, Some("call")),
            deal("closed past", "Closed Won", past, None),
            deal("fine", "Proposal", future, Some("send quote")),
            deal("blank next step", "Qualification", future, Some("  ")),
            deal("odd stage", "On hold", future, Some("wait")),
        ];
        let r = hygiene(&[], &[], &[], &deals, &StageCatalog::default_b2b(), today);
        assert_eq!(r.missing_close_date.count, 1);
        assert_eq!(r.past_close_date.examples[0].name, "past");
        assert_eq!(r.past_close_date.count, 1);
        assert_eq!(r.no_next_step.count, 1);
        assert_eq!(r.unknown_stages, vec![("On hold".to_string(), 1)]);
        let close = r
            .completion
            .iter()
            .find(|c| c.object == "opportunities" && c.field == "close_date")
            .unwrap();
        assert_eq!((close.filled, close.total), (5, 6));
        let next = r
            .completion
            .iter()
            .find(|c| c.object == "opportunities" && c.field == "next_step")
            .unwrap();
        assert_eq!(next.filled, 4);
    }
}
