//! Matching parsed rows to what is stored, and planning the writes.
//!
//! A row whose key is already stored updates that record; the columns the file carries
//! overwrite, the rest (a tier or health set in roomwork, say) are kept. References by id or
//! by name find stored accounts, contacts, deals and reps; a reference to an account that does
//! not exist yet creates it, named as referenced, so that a later accounts file fills it in.
//! A deal whose stage changed gets a new stage-history entry; its older history is kept.
//! Activities are an append-only log: a re-imported activity is left as stored.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use chrono::{DateTime, NaiveDate, Utc};
use roomwork_domain::*;
use serde::Serialize;

use crate::parse::{AccountRef, Records};
use crate::stages::{StageMapping, StageReconciler};

/// What is stored already, as the importer needs it. Built by the caller from the store and
/// updated by [`plan`] with what it creates, so several files in one run see each other.
#[derive(Default, Debug)]
pub struct Existing {
    /// Reps by folded name.
    pub reps_by_name: HashMap<String, RepId>,
    /// Accounts by id.
    pub accounts: HashMap<AccountId, Account>,
    /// Account ids by external key.
    pub accounts_by_key: HashMap<ExternalKey, AccountId>,
    /// Account ids by folded name.
    pub accounts_by_name: HashMap<String, AccountId>,
    /// Contacts by id.
    pub contacts: HashMap<ContactId, Contact>,
    /// Contact ids by external key.
    pub contacts_by_key: HashMap<ExternalKey, ContactId>,
    /// Contact ids by folded name, only where the name is unique.
    pub contacts_by_name: HashMap<String, Option<ContactId>>,
    /// Leads by id.
    pub leads: HashMap<LeadId, Lead>,
    /// Lead ids by external key.
    pub leads_by_key: HashMap<ExternalKey, LeadId>,
    /// Deals by id (stage history not needed), boxed: a million deals inline made a hash
    /// table of half a gigabyte.
    pub opportunities: HashMap<OpportunityId, Box<Opportunity>>,
    /// Deal ids by external key.
    pub opportunities_by_key: HashMap<ExternalKey, OpportunityId>,
    /// Activity keys already stored.
    pub activity_keys: HashSet<ExternalKey>,
}

pub use roomwork_domain::fold_name;

impl Existing {
    /// Indexes stored records.
    pub fn new(
        reps: Vec<Rep>,
        accounts: Vec<Account>,
        contacts: Vec<Contact>,
        leads: Vec<Lead>,
        opportunities: Vec<Opportunity>,
        activity_keys: impl IntoIterator<Item = ExternalKey>,
    ) -> Self {
        let mut e = Existing::default();
        for r in reps {
            e.reps_by_name.insert(fold_name(&r.name), r.id);
        }
        for a in accounts {
            e.index_account(a);
        }
        for c in contacts {
            e.index_contact(c);
        }
        for l in leads {
            if let Some(k) = &l.ext_key {
                e.leads_by_key.insert(k.clone(), l.id);
            }
            e.leads.insert(l.id, l);
        }
        for mut o in opportunities {
            // Stage changes are appended by the store, never rewritten: the history is not needed.
            o.stage_history.clear();
            if let Some(k) = &o.ext_key {
                e.opportunities_by_key.insert(k.clone(), o.id);
            }
            e.opportunities.insert(o.id, Box::new(o));
        }
        e.activity_keys = activity_keys.into_iter().collect();
        e
    }

    /// Folds account `from` into `into` in memory (the store does the same with the batch's
    /// `account_merges`) and returns the removed account.
    fn merge_account(&mut self, from: AccountId, into: AccountId, folded_name: &str) -> Account {
        let stub = self
            .accounts
            .remove(&from)
            .expect("merging a known account");
        if let Some(k) = &stub.ext_key {
            self.accounts_by_key.remove(k);
        }
        self.accounts_by_name.insert(folded_name.to_string(), into);
        for c in self
            .contacts
            .values_mut()
            .filter(|c| c.account_id == Some(from))
        {
            c.account_id = Some(into);
        }
        for o in self
            .opportunities
            .values_mut()
            .filter(|o| o.account_id == Some(from))
        {
            o.account_id = Some(into);
        }
        stub
    }

    fn index_account(&mut self, a: Account) {
        if let Some(k) = &a.ext_key {
            self.accounts_by_key.insert(k.clone(), a.id);
        }
        self.accounts_by_name
            .entry(fold_name(&a.name))
            .or_insert(a.id);
        self.accounts.insert(a.id, a);
    }

    fn index_contact(&mut self, c: Contact) {
        if let Some(k) = &c.ext_key {
            self.contacts_by_key.insert(k.clone(), c.id);
        }
        self.contacts_by_name
            .entry(fold_name(&c.name))
            .and_modify(|v| {
                if *v != Some(c.id) {
                    *v = None
                }
            })
            .or_insert(Some(c.id));
        self.contacts.insert(c.id, c);
    }
}

/// Created, updated and unchanged counts for one record kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// New records.
    pub created: usize,
    /// Stored records the file changes.
    pub updated: usize,
    /// Stored records the file repeats as they are.
    pub unchanged: usize,
}

/// The writes one file implies, and what the person importing it should know.
#[derive(Debug, Default, Serialize)]
pub struct Plan {
    /// Records to write (changed and new only).
    #[serde(skip)]
    pub batch: Batch,
    /// Counts per kind: "accounts", "contacts", ...
    pub tallies: std::collections::BTreeMap<&'static str, Tally>,
    /// Reps created because a file named an owner roomwork did not know.
    pub new_reps: Vec<String>,
    /// Accounts created because a row referenced them.
    pub referenced_accounts: Vec<String>,
    /// Stage values and what they became.
    pub stages: Vec<StageMapping>,
    /// Things worth a look that did not stop the import.
    pub warnings: Vec<String>,
    /// The first records created or updated, by name (at most [`EXAMPLES_PER_FILE`]).
    pub examples: Vec<Change>,
}

impl Plan {
    fn tally(&mut self, kind: &'static str) -> &mut Tally {
        self.tallies.entry(kind).or_default()
    }
}

/// Columns present in the file, by field name: a present column overwrites, even when empty.
pub type Present = HashSet<&'static str>;

struct Ctx<'a> {
    existing: &'a mut Existing,
    plan: Plan,
    now: DateTime<Utc>,
    default_capacity: u32,
    unresolved_owner_ids: usize,
    /// Owner and account values repeat on many rows: resolve each distinct spelling once.
    rep_cache: HashMap<String, Option<RepId>>,
    account_cache: HashMap<(Option<ExternalKey>, Option<String>), Option<AccountId>>,
    /// The same, for references by name only.
    account_by_name_cache: HashMap<String, Option<AccountId>>,
}

impl Ctx<'_> {
    fn rep(&mut self, owner: &Option<String>) -> Option<RepId> {
        let owner = owner.as_ref()?;
        if let Some(hit) = self.rep_cache.get(owner) {
            if hit.is_none() && is_owner_id(owner) {
                self.unresolved_owner_ids += 1;
            }
            return *hit;
        }
        let id = self.resolve_rep(owner);
        self.rep_cache.insert(owner.clone(), id);
        id
    }

    fn resolve_rep(&mut self, owner: &str) -> Option<RepId> {
        // An owner given as an id names no one we know by name: a Salesforce user (005...) or
        // queue (00G...) id, or a HubSpot owner number. A users export would be needed.
        if is_owner_id(owner) {
            self.unresolved_owner_ids += 1;
            return None;
        }
        let key = fold_name(owner);
        if key.is_empty() {
            return None;
        }
        if let Some(id) = self.existing.reps_by_name.get(&key) {
            return Some(*id);
        }
        let rep = Rep {
            id: RepId::new(),
            name: owner.trim().to_string(),
            email: None,
            territory: None,
            segment: None,
            weekly_lead_capacity: self.default_capacity,
            active: true,
        };
        self.existing.reps_by_name.insert(key, rep.id);
        self.plan.new_reps.push(rep.name.clone());
        let id = rep.id;
        self.plan.batch.reps.push(rep);
        Some(id)
    }

    fn account(&mut self, r: &Option<AccountRef>) -> Option<AccountId> {
        let r = r.as_ref()?;
        // Most rows name their account by name alone: look that up without building a key.
        if r.key.is_none()
            && let Some(name) = &r.name
            && let Some(hit) = self.account_by_name_cache.get(name.as_str())
        {
            return *hit;
        }
        let cache_key = (r.key.clone(), r.name.clone());
        if let Some(hit) = self.account_cache.get(&cache_key) {
            return *hit;
        }
        let id = self.resolve_account(r);
        if r.key.is_none()
            && let Some(name) = &r.name
        {
            self.account_by_name_cache.insert(name.clone(), id);
        } else {
            self.account_cache.insert(cache_key, id);
        }
        id
    }

    fn resolve_account(&mut self, r: &AccountRef) -> Option<AccountId> {
        if let Some(k) = &r.key
            && let Some(id) = self.existing.accounts_by_key.get(k)
        {
            return Some(*id);
        }
        if let Some(n) = &r.name
            && let Some(id) = self.existing.accounts_by_name.get(&fold_name(n))
        {
            return Some(*id);
        }
        let name = r.name.clone().unwrap_or_else(|| {
            format!(
                "Account {}",
                r.key
                    .as_ref()
                    .map(|k| k.as_str().rsplit(':').next().unwrap_or(""))
                    .unwrap_or("")
            )
        });
        let ext_key = r
            .key
            .clone()
            .or_else(|| ExternalKey::from_name("account", &name).ok());
        if ext_key
            .as_ref()
            .is_some_and(|k| self.existing.accounts_by_key.contains_key(k))
        {
            return ext_key.and_then(|k| self.existing.accounts_by_key.get(&k).copied());
        }
        let account = Account::named(name.clone(), ext_key, self.now);
        let id = account.id;
        self.plan.referenced_accounts.push(name);
        self.plan.tally("accounts").created += 1;
        self.plan.batch.accounts.push(account.clone());
        self.existing.index_account(account);
        Some(id)
    }
}

macro_rules! set_if {
    ($present:expr, $field:literal, $target:expr, $value:expr) => {
        if $present.contains($field) {
            $target = $value;
        }
    };
}

/// Plans the writes for one file's records.
pub fn plan(
    records: Records,
    present: &Present,
    existing: &mut Existing,
    catalog: &StageCatalog,
    clock: &dyn Clock,
    default_capacity: u32,
) -> Plan {
    plan_streaming(
        records,
        present,
        existing,
        catalog,
        clock,
        default_capacity,
        None,
    )
}

/// Where [`plan_streaming`] hands each part; `Break` means the writer gave up.
pub type Emit<'a> = &'a mut dyn FnMut(Batch) -> ControlFlow<()>;

/// Deals or activities per part of a streamed plan ([`plan_streaming`]).
pub const STREAM_PART: usize = 50_000;

/// [`plan`], handing the batch planned so far to `emit` after every `part` deals or activities
/// (the import uses [`STREAM_PART`]), so that the caller can write while the rest is planned; the returned plan's
/// batch holds what was not emitted, and its counts, warnings and stage report cover the
/// whole file. Written in order, the parts store what the plan's one batch would: a part
/// carries the reps and accounts its records were the first to reference, and a deal listed
/// twice within a part is merged as in [`plan`]; one listed in two parts comes in both (the
/// later write wins and both stage changes are kept, as they are within one batch).
/// `emit` returning `Break` (the writer gave up) stops planning: the plan then covers only
/// the rows read so far.
pub fn plan_streaming(
    records: Records,
    present: &Present,
    existing: &mut Existing,
    catalog: &StageCatalog,
    clock: &dyn Clock,
    default_capacity: u32,
    mut emit: Option<(usize, Emit<'_>)>,
) -> Plan {
    let now = clock.now();
    let today = clock.today();
    let mut ctx = Ctx {
        existing,
        plan: Plan::default(),
        now,
        default_capacity,
        unresolved_owner_ids: 0,
        rep_cache: HashMap::new(),
        account_cache: HashMap::new(),
        account_by_name_cache: HashMap::new(),
    };
    let mut reconciler = StageReconciler::new(catalog);
    // Deals are many and their ids are at hand after the key lookup: their repeats are found
    // by id (no copy of every key); other kinds by key.
    let mut seen_lines: HashMap<ExternalKey, u64> = HashMap::new();
    let mut seen_deals: HashMap<OpportunityId, u64> = HashMap::new();
    let mut repeats = Repeats {
        count: 0,
        kept: if matches!(records, Records::Activities(_)) {
            "the first row is kept"
        } else {
            "the later row is used"
        },
    };
    let mut note_repeat = |key: &ExternalKey, line: u64, warnings: &mut Vec<String>| -> bool {
        let first = seen_lines.get(key).copied();
        if first.is_none() {
            seen_lines.insert(key.clone(), line);
        }
        repeats.note(first, line, warnings)
    };
    match records {
        Records::Accounts(rows) => {
            // Later rows win: keep the last row per key.
            let mut last: HashMap<ExternalKey, usize> = HashMap::new();
            let mut merged = 0usize;
            for (i, r) in rows.iter().enumerate() {
                note_repeat(&r.key, r.line, &mut ctx.plan.warnings);
                last.insert(r.key.clone(), i);
            }
            for (i, r) in rows.into_iter().enumerate() {
                if last[&r.key] != i {
                    continue;
                }
                let owner = ctx.rep(&r.owner);
                let stored = ctx
                    .existing
                    .accounts_by_key
                    .get(&r.key)
                    .and_then(|id| ctx.existing.accounts.get(id))
                    .or_else(|| {
                        // An account known only by name (created from a reference) is this row's
                        // account; one that carries another system id is a different record.
                        ctx.existing
                            .accounts_by_name
                            .get(&fold_name(&r.name))
                            .and_then(|id| ctx.existing.accounts.get(id))
                            .filter(|a| {
                                a.ext_key
                                    .as_ref()
                                    .is_none_or(|k| k.as_str().starts_with("name:"))
                            })
                    })
                    .cloned();
                let mut a = stored
                    .clone()
                    .unwrap_or_else(|| Account::named(r.name.clone(), Some(r.key.clone()), now));
                // A stub created from a name reference takes the file's id key.
                if a.ext_key
                    .as_ref()
                    .is_none_or(|k| k.as_str().starts_with("name:"))
                {
                    a.ext_key = Some(r.key.clone());
                }
                a.name = r.name;
                set_if!(present, "industry", a.industry, r.industry);
                set_if!(present, "country", a.country, r.country);
                set_if!(present, "employees", a.employees, r.employees);
                set_if!(present, "annual_revenue", a.annual_revenue, r.revenue);
                // An owner given as an id roomwork cannot match keeps the stored owner.
                if present.contains("owner") && (owner.is_some() || r.owner.is_none()) {
                    a.owner = owner;
                }
                if let Some(t) = r.tier {
                    a.tier = Some(t);
                }
                if let Some(h) = r.health {
                    a.health = h;
                }
                set_if!(present, "domain", a.domain, r.domain);
                if let Some(c) = r.created {
                    a.created_at = c;
                }
                // A stub known only by this company's name (made when a deal or contact named
                // the account before any accounts file arrived) is folded into this account:
                // its records are re-pointed here and it goes away.
                let folded = fold_name(&a.name);
                if let Some(stub_id) = ctx.existing.accounts_by_name.get(&folded).copied()
                    && stub_id != a.id
                    && ctx.existing.accounts.get(&stub_id).is_some_and(|s| {
                        s.ext_key
                            .as_ref()
                            .is_none_or(|k| k.as_str().starts_with("name:"))
                    })
                {
                    let stub = ctx.existing.merge_account(stub_id, a.id, &folded);
                    if a.tier.is_none() {
                        a.tier = stub.tier.clone();
                    }
                    if a.health == Health::Healthy && stub.health != Health::Healthy {
                        a.health = stub.health;
                        a.health_reason = stub.health_reason.clone();
                    }
                    ctx.plan.batch.account_merges.push(AccountMerge {
                        from: stub_id,
                        into: a.id,
                    });
                    merged += 1;
                }
                record_change(&mut ctx.plan, "accounts", stored.as_ref(), &a, &a.name);
                if stored.as_ref() != Some(&a) {
                    ctx.plan.batch.accounts.push(a.clone());
                }
                ctx.existing.index_account(a);
            }
            if merged > 0 {
                ctx.plan.warnings.push(format!(
                    "{merged} accounts created earlier from a name reference were merged into the accounts of this file \
                     (their contacts, deals, activities, orders and issues now point at the imported account)"
                ));
            }
            ctx.account_cache.clear();
            ctx.account_by_name_cache.clear();
        }
        Records::Contacts(rows) => {
            for r in rows {
                note_repeat(&r.key, r.line, &mut ctx.plan.warnings);
                let account_id = ctx.account(&r.account);
                let stored = ctx
                    .existing
                    .contacts_by_key
                    .get(&r.key)
                    .and_then(|id| ctx.existing.contacts.get(id))
                    .cloned();
                let mut c = stored.clone().unwrap_or(Contact {
                    id: ContactId::new(),
                    ext_key: Some(r.key.clone()),
                    account_id: None,
                    name: r.name.clone(),
                    title: None,
                    role: ContactRole::Other,
                    email: None,
                    phone: None,
                    created_at: now,
                });
                c.name = r.name;
                if account_id.is_some()
                    || present.contains("account_id")
                    || present.contains("account_name")
                {
                    c.account_id = account_id;
                }
                set_if!(present, "title", c.title, r.title);
                set_if!(present, "email", c.email, r.email);
                set_if!(present, "phone", c.phone, r.phone);
                if let Some(role) = r.role {
                    c.role = role;
                }
                if let Some(t) = r.created {
                    c.created_at = t;
                }
                record_change(&mut ctx.plan, "contacts", stored.as_ref(), &c, &c.name);
                if stored.as_ref() != Some(&c) {
                    ctx.plan.batch.contacts.push(c.clone());
                }
                ctx.existing.index_contact(c);
            }
        }
        Records::Leads(rows) => {
            for r in rows {
                note_repeat(&r.key, r.line, &mut ctx.plan.warnings);
                let owner = ctx.rep(&r.owner);
                let stored = ctx
                    .existing
                    .leads_by_key
                    .get(&r.key)
                    .and_then(|id| ctx.existing.leads.get(id))
                    .cloned();
                let mut l = stored.clone().unwrap_or(Lead {
                    id: LeadId::new(),
                    ext_key: Some(r.key.clone()),
                    name: r.name.clone(),
                    title: None,
                    company: None,
                    company_size: None,
                    industry: None,
                    country: None,
                    region: None,
                    source: None,
                    email: None,
                    behaviour: LeadBehaviour::default(),
                    outcome: None,
                    owner: None,
                    created_at: now,
                });
                l.name = r.name;
                set_if!(present, "title", l.title, r.title);
                set_if!(present, "company", l.company, r.company);
                set_if!(present, "company_size", l.company_size, r.company_size);
                set_if!(present, "industry", l.industry, r.industry);
                set_if!(present, "country", l.country, r.country);
                set_if!(present, "region", l.region, r.region);
                set_if!(present, "source", l.source, r.source);
                set_if!(present, "email", l.email, r.email);
                // An owner given as an id roomwork cannot match keeps the stored owner.
                if present.contains("owner") && (owner.is_some() || r.owner.is_none()) {
                    l.owner = owner;
                }
                for (field, target, value) in [
                    (
                        "pages_viewed",
                        &mut l.behaviour.pages_viewed,
                        r.behaviour.pages_viewed,
                    ),
                    (
                        "form_submissions",
                        &mut l.behaviour.form_submissions,
                        r.behaviour.form_submissions,
                    ),
                    (
                        "email_opens",
                        &mut l.behaviour.email_opens,
                        r.behaviour.email_opens,
                    ),
                    (
                        "email_clicks",
                        &mut l.behaviour.email_clicks,
                        r.behaviour.email_clicks,
                    ),
                ] {
                    if present.contains(field) {
                        *target = value;
                    }
                }
                if let Some(t) = r.created {
                    l.created_at = t;
                }
                if let Some(outcome) =
                    lead_outcome(r.converted, r.converted_date, r.status.as_deref(), today)
                {
                    // A file that gives no date for an outcome already known keeps its date.
                    l.outcome = match l.outcome {
                        Some(known)
                            if known.converted == outcome.converted
                                && r.converted_date.is_none() =>
                        {
                            Some(known)
                        }
                        _ => Some(outcome),
                    };
                }
                record_change(&mut ctx.plan, "leads", stored.as_ref(), &l, &l.name);
                if stored.as_ref() != Some(&l) {
                    ctx.plan.batch.leads.push(l.clone());
                }
                ctx.existing.leads_by_key.insert(r.key, l.id);
                ctx.existing.leads.insert(l.id, l);
            }
        }
        Records::Opportunities(rows) => {
            ctx.existing.opportunities.reserve(rows.len());
            ctx.existing.opportunities_by_key.reserve(rows.len());
            let parts = emit.as_ref().map_or(rows.len(), |(part, _)| *part);
            ctx.plan.batch.opportunities.reserve(rows.len().min(parts));
            let mut unmapped_rows = 0usize;
            for r in rows {
                let known = ctx.existing.opportunities_by_key.get(&r.key).copied();
                let first = known.and_then(|id| seen_deals.get(&id).copied());
                repeats.note(first, r.line, &mut ctx.plan.warnings);
                let account_id = ctx.account(&r.account);
                let owner = ctx.rep(&r.owner);
                let stage_name = match reconciler.map(&r.stage) {
                    Some(c) => c,
                    None => {
                        unmapped_rows += 1;
                        r.stage.clone()
                    }
                };
                let Ok(stage) = Stage::parse(&stage_name) else {
                    continue;
                };
                let stored = known
                    .and_then(|id| ctx.existing.opportunities.get(&id))
                    .map(|o| Opportunity::clone(o));
                let created_on = r.created.unwrap_or(today);
                let mut o = stored.clone().unwrap_or(Opportunity {
                    id: OpportunityId::new(),
                    ext_key: Some(r.key.clone()),
                    name: r.name.clone(),
                    account_id: None,
                    owner: None,
                    stage: stage.clone(),
                    amount: None,
                    close_date: None,
                    next_step: None,
                    next_step_date: None,
                    created_on,
                    forecast_category: None,
                    stage_history: vec![],
                });
                o.stage_history.clear();
                let entered =
                    r.stage_changed
                        .unwrap_or(if stored.is_some() { today } else { created_on });
                if stored.as_ref().is_none_or(|s| s.stage != stage) {
                    o.stage_history.push(StageChange {
                        stage: stage.clone(),
                        entered_on: entered,
                    });
                }
                o.name = r.name;
                o.stage = stage;
                if account_id.is_some()
                    || present.contains("account_id")
                    || present.contains("account_name")
                {
                    o.account_id = account_id;
                }
                // An owner given as an id roomwork cannot match keeps the stored owner.
                if present.contains("owner") && (owner.is_some() || r.owner.is_none()) {
                    o.owner = owner;
                }
                set_if!(present, "amount", o.amount, r.amount);
                set_if!(present, "close_date", o.close_date, r.close_date);
                set_if!(present, "next_step", o.next_step, r.next_step);
                set_if!(
                    present,
                    "next_step_date",
                    o.next_step_date,
                    r.next_step_date
                );
                set_if!(
                    present,
                    "forecast_category",
                    o.forecast_category,
                    r.forecast_category
                );
                if let Some(c) = r.created {
                    o.created_on = c;
                }
                // The deal's field history: a close date, amount or forecast category that
                // differs from the stored one was changed in the CRM, seen today.
                if let Some(s) = &stored {
                    ctx.plan
                        .batch
                        .field_edits
                        .extend(FieldEdit::between(s, &o, today));
                }
                // Compare without the history (stored deals are held without it).
                let history = std::mem::take(&mut o.stage_history);
                let changed = stored.as_ref() != Some(&o);
                record_change(&mut ctx.plan, "opportunities", stored.as_ref(), &o, &o.name);
                if changed {
                    let mut write = o.clone();
                    write.stage_history = history;
                    ctx.plan.batch.opportunities.push(write);
                }
                seen_deals.entry(o.id).or_insert(r.line);
                ctx.existing.opportunities_by_key.insert(r.key, o.id);
                ctx.existing.opportunities.insert(o.id, Box::new(o));
                if let Some((part, emit)) = emit.as_mut()
                    && ctx.plan.batch.opportunities.len() >= *part
                {
                    let mut part = std::mem::take(&mut ctx.plan.batch);
                    if repeats.count > 0 {
                        merge_repeated_deals(&mut part.opportunities);
                    }
                    if emit(part).is_break() {
                        break;
                    }
                }
            }
            if unmapped_rows > 0 {
                ctx.plan.warnings.push(format!(
                    "{unmapped_rows} deals kept a stage roomwork could not map to the canonical stages (see the stage report)"
                ));
            }
        }
        Records::Activities(rows) => {
            for r in rows {
                if note_repeat(&r.key, r.line, &mut ctx.plan.warnings)
                    || ctx.existing.activity_keys.contains(&r.key)
                {
                    ctx.plan.tally("activities").unchanged += 1;
                    continue;
                }
                let account_id = ctx.account(&r.account);
                let rep_id = ctx.rep(&r.owner);
                let contact_id = r
                    .contact_key
                    .as_ref()
                    .and_then(|k| ctx.existing.contacts_by_key.get(k).copied())
                    .or_else(|| {
                        r.contact_name.as_ref().and_then(|n| {
                            ctx.existing
                                .contacts_by_name
                                .get(&fold_name(n))
                                .copied()
                                .flatten()
                        })
                    });
                let opportunity_id = r
                    .opportunity_key
                    .as_ref()
                    .and_then(|k| ctx.existing.opportunities_by_key.get(k).copied());
                let account_id = account_id
                    .or_else(|| {
                        contact_id
                            .and_then(|c| ctx.existing.contacts.get(&c))
                            .and_then(|c| c.account_id)
                    })
                    .or_else(|| {
                        opportunity_id
                            .and_then(|o| ctx.existing.opportunities.get(&o))
                            .and_then(|o| o.account_id)
                    });
                ctx.plan.batch.activities.push(Activity {
                    id: ActivityId::new(),
                    ext_key: Some(r.key.clone()),
                    kind: r.kind,
                    direction: r.direction,
                    ai_assisted: r.ai_assisted,
                    account_id,
                    contact_id,
                    opportunity_id,
                    rep_id,
                    occurred_at: r.occurred_at,
                    duration_minutes: r.duration_minutes,
                    subject: r.subject,
                    body: r.description,
                });
                ctx.existing.activity_keys.insert(r.key);
                ctx.plan.tally("activities").created += 1;
                if let Some((part, emit)) = emit.as_mut()
                    && ctx.plan.batch.activities.len() >= *part
                    && emit(std::mem::take(&mut ctx.plan.batch)).is_break()
                {
                    break;
                }
            }
        }
    }
    if repeats.count > 5 {
        ctx.plan.warnings.push(format!(
            "{} more rows repeat an earlier row of the same record",
            repeats.count - 5
        ));
    }
    if ctx.unresolved_owner_ids > 0 {
        ctx.plan.warnings.push(format!(
            "{} rows name their owner by an id (a Salesforce user or queue id, or a HubSpot owner number); roomwork knows reps by name, so these rows keep the owner already stored, if any",
            ctx.unresolved_owner_ids
        ));
    }
    ctx.plan.stages = reconciler.report();
    let b = &mut ctx.plan.batch;
    dedupe_last(&mut b.accounts, |x| x.id);
    dedupe_last(&mut b.contacts, |x| x.id);
    dedupe_last(&mut b.leads, |x| x.id);
    if repeats.count > 0 {
        // Only a deal listed twice has earlier writes to fold in.
        merge_repeated_deals(&mut b.opportunities);
    }
    ctx.plan
}

/// Rows that repeat an earlier row of the same record, with a warning for the first few.
struct Repeats {
    count: usize,
    kept: &'static str,
}

impl Repeats {
    /// Notes row `line` as a repeat of row `first`, if it is one; true when it is.
    fn note(&mut self, first: Option<u64>, line: u64, warnings: &mut Vec<String>) -> bool {
        let Some(first) = first else { return false };
        self.count += 1;
        if self.count <= 5 {
            warnings.push(format!(
                "line {line} repeats the record of line {first}; {}",
                self.kept
            ));
        }
        true
    }
}

fn record_change<T: PartialEq>(
    plan: &mut Plan,
    kind: &'static str,
    stored: Option<&T>,
    new: &T,
    name: &str,
) {
    let t = plan.tally(kind);
    let action = match stored {
        None => {
            t.created += 1;
            "create"
        }
        Some(s) if s == new => {
            t.unchanged += 1;
            return;
        }
        Some(_) => {
            t.updated += 1;
            "update"
        }
    };
    if plan.examples.len() < EXAMPLES_PER_FILE {
        plan.examples.push(Change {
            kind,
            action,
            name: name.to_string(),
        });
    }
}

/// At most this many changes are named per file.
pub const EXAMPLES_PER_FILE: usize = 25;

/// One record a file creates or updates, named for the person reading the plan.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Change {
    /// "accounts", "opportunities", ...
    pub kind: &'static str,
    /// "create" or "update".
    pub action: &'static str,
    /// The record's name.
    pub name: String,
}

/// True for owner cells that hold an id rather than a person's name.
fn is_owner_id(owner: &str) -> bool {
    let o = owner.trim();
    let salesforce = matches!(o.len(), 15 | 18)
        && o.chars().all(|c| c.is_ascii_alphanumeric())
        && o.chars().any(|c| c.is_ascii_digit())
        && roomwork_domain::SalesforceId::parse(o).is_ok();
    salesforce || (!o.is_empty() && o.chars().all(|c| c.is_ascii_digit()))
}

/// Keeps the last entry per id, in first-seen order, so that a statement never touches the
/// same row twice when a file repeats a record.
fn dedupe_last<T, I: std::hash::Hash + Eq>(list: &mut Vec<T>, id: impl Fn(&T) -> I) {
    let mut last: HashMap<I, usize> = HashMap::with_capacity(list.len());
    for (i, x) in list.iter().enumerate() {
        last.insert(id(x), i);
    }
    if last.len() == list.len() {
        return;
    }
    let mut i = 0;
    list.retain(|x| {
        let keep = last[&id(x)] == i;
        i += 1;
        keep
    });
}

/// Keeps the last write of each deal, carrying the stage changes of its earlier writes (a deal
/// that a file lists twice keeps every stage it was seen in).
fn merge_repeated_deals(list: &mut Vec<Opportunity>) {
    let mut last: HashMap<OpportunityId, usize> = HashMap::with_capacity(list.len());
    for (i, o) in list.iter().enumerate() {
        last.insert(o.id, i);
    }
    if last.len() == list.len() {
        return;
    }
    let mut carried: HashMap<OpportunityId, Vec<StageChange>> = HashMap::new();
    for (i, o) in list.iter_mut().enumerate() {
        if last[&o.id] != i {
            carried
                .entry(o.id)
                .or_default()
                .append(&mut o.stage_history);
        }
    }
    let mut i = 0;
    list.retain(|o| {
        let keep = last[&o.id] == i;
        i += 1;
        keep
    });
    for o in list.iter_mut() {
        if let Some(mut earlier) = carried.remove(&o.id) {
            earlier.append(&mut o.stage_history);
            earlier.dedup();
            o.stage_history = earlier;
        }
    }
}

/// A lead's outcome from its conversion flag and date, or from a closing status.
fn lead_outcome(
    converted: Option<bool>,
    date: Option<NaiveDate>,
    status: Option<&str>,
    today: NaiveDate,
) -> Option<LeadOutcome> {
    match converted {
        Some(true) => Some(LeadOutcome {
            converted: true,
            date: date.unwrap_or(today),
        }),
        _ => {
            let status = status.map(fold_name).unwrap_or_default();
            let lost = [
                "unqualified",
                "disqualified",
                "closed not converted",
                "closed lost",
                "junk",
                "bad timing",
            ];
            if lost.iter().any(|s| status == *s) {
                Some(LeadOutcome {
                    converted: false,
                    date: date.unwrap_or(today),
                })
            } else {
                None
            }
        }
    }
}
