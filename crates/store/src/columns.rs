//! Domain records as column values, and the SQL that writes them.
//!
//! Both backends bind the same [`Value`]s into the same statements, so how a record is laid
//! out in a table is decided once, here.

use chrono::{DateTime, NaiveDate, Utc};
use roomwork_domain::{
    Account, Activity, Contact, CustomerIssue, Lead, Money, Opportunity, Order, PortfolioProject,
    Rep, Transcript,
};

/// One bindable column value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Real(Option<f64>),
}

pub(crate) fn text(s: impl Into<String>) -> Value {
    Value::Text(Some(s.into()))
}
pub(crate) fn opt_text<T: ToString>(s: Option<T>) -> Value {
    Value::Text(s.map(|s| s.to_string()))
}
pub(crate) fn int(i: i64) -> Value {
    Value::Int(Some(i))
}
pub(crate) fn opt_int(i: Option<i64>) -> Value {
    Value::Int(i)
}
pub(crate) fn date(d: NaiveDate) -> Value {
    text(roomwork_domain::iso_day(d))
}
pub(crate) fn opt_date(d: Option<NaiveDate>) -> Value {
    Value::Text(d.map(roomwork_domain::iso_day))
}
pub(crate) fn time(t: DateTime<Utc>) -> Value {
    int(t.timestamp_millis())
}
fn money_parts(m: Option<Money>) -> [Value; 2] {
    [
        opt_int(m.map(|m| m.minor())),
        opt_text(m.map(|m| m.currency().code().to_string())),
    ]
}

/// A table written by upsert on its primary key `id`.
pub(crate) struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    /// SQLite: the table's foreign keys are `DEFERRABLE INITIALLY DEFERRED` (migration 0010),
    /// so new rows are written with [`insert_new_sql`] before any upsert (see
    /// `raw::execute_rows_insert_first`).
    pub deferred_keys: bool,
}

/// How a backend writes bind parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placeholders {
    /// `$1, $2, ...` (PostgreSQL).
    Numbered,
    /// `?, ?, ...` (SQLite). SQLite looks a named parameter up by walking a list, so binding
    /// thousands of `$n` parameters costs O(n²) per statement; anonymous ones are numbered in
    /// order and bind in O(1).
    Anonymous,
}

fn values_clause(sql: &mut String, rows: usize, columns: usize, style: Placeholders) {
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            match style {
                Placeholders::Numbered => {
                    sql.push('$');
                    sql.push_str(&(r * columns + c + 1).to_string());
                }
                Placeholders::Anonymous => sql.push('?'),
            }
        }
        sql.push(')');
    }
}

/// `INSERT ... VALUES (...), (...) ON CONFLICT (id) DO UPDATE SET ...` for `rows` rows.
pub(crate) fn upsert_sql(table: &Table, rows: usize, style: Placeholders) -> String {
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ",
        table.name,
        table.columns.join(", ")
    );
    values_clause(&mut sql, rows, table.columns.len(), style);
    let updates: Vec<String> = table
        .columns
        .iter()
        .filter(|c| **c != "id")
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    sql.push_str(&format!(
        " ON CONFLICT (id) DO UPDATE SET {}",
        updates.join(", ")
    ));
    sql
}

/// SQLite: `INSERT OR FAIL INTO ... VALUES ... ON CONFLICT (id) DO NOTHING` for `rows` rows:
/// new rows are written, stored ones skipped (the caller upserts those). `OR FAIL` instead of
/// the default `ABORT` for the other constraints (unique record key, NOT NULL): a failure still
/// fails the statement and with it the caller's transaction, which is rolled back whole, and the
/// statement needs no statement journal of its own.
pub(crate) fn insert_new_sql(table: &Table, rows: usize) -> String {
    let mut sql = format!(
        "INSERT OR FAIL INTO {} ({}) VALUES ",
        table.name,
        table.columns.join(", ")
    );
    values_clause(&mut sql, rows, table.columns.len(), Placeholders::Anonymous);
    sql.push_str(" ON CONFLICT (id) DO NOTHING");
    sql
}

/// Stage changes are appended; an identical (deal, stage, date) is kept once. On SQLite
/// (anonymous placeholders) `OR FAIL`, as in [`insert_new_sql`]: with the deal key deferred
/// (migration 0010), the statement then needs no statement journal.
pub(crate) fn stage_change_sql(rows: usize, style: Placeholders) -> String {
    let mut sql = String::from(match style {
        Placeholders::Anonymous => {
            "INSERT OR FAIL INTO stage_changes (opportunity_id, stage, entered_on) VALUES "
        }
        Placeholders::Numbered => {
            "INSERT INTO stage_changes (opportunity_id, stage, entered_on) VALUES "
        }
    });
    values_clause(&mut sql, rows, 3, style);
    sql.push_str(" ON CONFLICT (opportunity_id, stage, entered_on) DO NOTHING");
    sql
}

/// Field changes are appended; the same change of a deal on the same day is kept once.
pub(crate) fn field_change_sql(rows: usize, style: Placeholders) -> String {
    let mut sql = String::from(
        "INSERT INTO deal_field_changes (opportunity_id, field, old_value, new_value, changed_on) VALUES ",
    );
    values_clause(&mut sql, rows, 5, style);
    sql.push_str(
        " ON CONFLICT (opportunity_id, field, changed_on, old_value, new_value) DO NOTHING",
    );
    sql
}

/// A snapshot's deals.
pub(crate) fn snapshot_deal_sql(rows: usize, style: Placeholders) -> String {
    insert_sql(
        "pipeline_snapshot_deals",
        &[
            "taken_on",
            "opportunity_id",
            "owner_id",
            "stage",
            "amount_minor",
            "currency",
            "close_date",
            "forecast_category",
            "probability",
        ],
        rows,
        style,
    )
}

/// A plain multi-row `INSERT`.
pub(crate) fn insert_sql(
    table: &str,
    columns: &[&str],
    rows: usize,
    style: Placeholders,
) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    values_clause(&mut sql, rows, columns.len(), style);
    sql
}

/// `$1, $2, ...` or `?, ?, ...` for an `IN (...)` list.
pub(crate) fn placeholder_list(n: usize, style: Placeholders) -> String {
    let mut sql = String::new();
    values_clause(&mut sql, 1, n, style);
    sql.trim_start_matches('(')
        .trim_end_matches(')')
        .to_string()
}

/// Rows per statement: large statements amortise the per-statement cost, within the bind
/// limits of both backends (SQLite 32,766; PostgreSQL 65,535).
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (30_000 / columns).min(1_000)
}

use roomwork_domain::fold_name as name_key;

pub(crate) const REPS: Table = Table {
    name: "reps",
    deferred_keys: false,
    columns: &[
        "id",
        "name",
        "name_key",
        "email",
        "territory",
        "segment",
        "weekly_lead_capacity",
        "active",
    ],
};
pub(crate) fn rep_values(r: &Rep) -> Vec<Value> {
    vec![
        text(r.id.to_string()),
        text(&r.name),
        text(name_key(&r.name)),
        opt_text(r.email.as_ref()),
        opt_text(r.territory.as_ref()),
        opt_text(r.segment.as_ref()),
        int(r.weekly_lead_capacity.into()),
        Value::Bool(Some(r.active)),
    ]
}

pub(crate) const ACCOUNTS: Table = Table {
    name: "accounts",
    deferred_keys: false,
    columns: &[
        "id",
        "ext_key",
        "name",
        "name_key",
        "tier",
        "health",
        "health_reason",
        "industry",
        "country",
        "employees",
        "revenue_minor",
        "revenue_currency",
        "owner_id",
        "domain",
        "created_at",
    ],
};
pub(crate) fn account_values(a: &Account) -> Vec<Value> {
    let [rev, cur] = money_parts(a.annual_revenue);
    vec![
        text(a.id.to_string()),
        opt_text(a.ext_key.as_ref()),
        text(&a.name),
        text(name_key(&a.name)),
        opt_text(a.tier.as_ref()),
        text(a.health.as_str()),
        opt_text(a.health_reason.as_ref()),
        opt_text(a.industry.as_ref()),
        opt_text(a.country.as_ref()),
        opt_int(a.employees.map(i64::from)),
        rev,
        cur,
        opt_text(a.owner),
        opt_text(a.domain.as_ref()),
        time(a.created_at),
    ]
}

pub(crate) const CONTACTS: Table = Table {
    name: "contacts",
    deferred_keys: false,
    columns: &[
        "id",
        "ext_key",
        "account_id",
        "name",
        "title",
        "role",
        "email",
        "phone",
        "created_at",
    ],
};
pub(crate) fn contact_values(c: &Contact) -> Vec<Value> {
    vec![
        text(c.id.to_string()),
        opt_text(c.ext_key.as_ref()),
        opt_text(c.account_id),
        text(&c.name),
        opt_text(c.title.as_ref()),
        text(c.role.as_str()),
        opt_text(c.email.as_ref()),
        opt_text(c.phone.as_ref()),
        time(c.created_at),
    ]
}

pub(crate) const LEADS: Table = Table {
    name: "leads",
    deferred_keys: false,
    columns: &[
        "id",
        "ext_key",
        "name",
        "title",
        "company",
        "company_size",
        "industry",
        "country",
        "region",
        "source",
        "email",
        "pages_viewed",
        "form_submissions",
        "email_opens",
        "email_clicks",
        "converted",
        "outcome_date",
        "owner_id",
        "created_at",
    ],
};
pub(crate) fn lead_values(l: &Lead) -> Vec<Value> {
    let b = l.behaviour;
    vec![
        text(l.id.to_string()),
        opt_text(l.ext_key.as_ref()),
        text(&l.name),
        opt_text(l.title.as_ref()),
        opt_text(l.company.as_ref()),
        opt_int(l.company_size.map(i64::from)),
        opt_text(l.industry.as_ref()),
        opt_text(l.country.as_ref()),
        opt_text(l.region.as_ref()),
        opt_text(l.source.as_ref()),
        opt_text(l.email.as_ref()),
        int(b.pages_viewed.into()),
        int(b.form_submissions.into()),
        int(b.email_opens.into()),
        int(b.email_clicks.into()),
        Value::Bool(l.outcome.map(|o| o.converted)),
        opt_date(l.outcome.map(|o| o.date)),
        opt_text(l.owner),
        time(l.created_at),
    ]
}

pub(crate) const OPPORTUNITIES: Table = Table {
    name: "opportunities",
    deferred_keys: true,
    columns: &[
        "id",
        "ext_key",
        "name",
        "account_id",
        "owner_id",
        "stage",
        "amount_minor",
        "currency",
        "close_date",
        "next_step",
        "next_step_date",
        "created_on",
        "forecast_category",
    ],
};
pub(crate) fn opportunity_values(o: &Opportunity) -> Vec<Value> {
    let [amount, cur] = money_parts(o.amount);
    vec![
        text(o.id.to_string()),
        opt_text(o.ext_key.as_ref()),
        text(&o.name),
        opt_text(o.account_id),
        opt_text(o.owner),
        text(o.stage.as_str()),
        amount,
        cur,
        opt_date(o.close_date),
        opt_text(o.next_step.as_ref()),
        opt_date(o.next_step_date),
        date(o.created_on),
        opt_text(o.forecast_category.map(|f| f.as_str())),
    ]
}

pub(crate) const ACTIVITIES: Table = Table {
    name: "activities",
    deferred_keys: false,
    columns: &[
        "id",
        "ext_key",
        "kind",
        "direction",
        "ai_assisted",
        "account_id",
        "contact_id",
        "opportunity_id",
        "rep_id",
        "occurred_at",
        "duration_minutes",
        "subject",
        "body",
    ],
};
pub(crate) fn activity_values(a: &Activity) -> Vec<Value> {
    vec![
        text(a.id.to_string()),
        opt_text(a.ext_key.as_ref()),
        text(a.kind.as_str()),
        text(a.direction.as_str()),
        Value::Bool(Some(a.ai_assisted)),
        opt_text(a.account_id),
        opt_text(a.contact_id),
        opt_text(a.opportunity_id),
        opt_text(a.rep_id),
        time(a.occurred_at),
        opt_int(a.duration_minutes.map(i64::from)),
        text(&a.subject),
        opt_text(a.body.as_ref()),
    ]
}

pub(crate) const ORDERS: Table = Table {
    name: "orders",
    deferred_keys: false,
    columns: &[
        "id",
        "number",
        "account_id",
        "status",
        "ordered_on",
        "promised_on",
        "delivered_on",
        "value_minor",
        "currency",
        "description",
    ],
};
pub(crate) fn order_values(o: &Order) -> Vec<Value> {
    vec![
        text(o.id.to_string()),
        text(&o.number),
        text(o.account_id.to_string()),
        text(o.status.as_str()),
        date(o.ordered_on),
        opt_date(o.promised_on),
        opt_date(o.delivered_on),
        int(o.value.minor()),
        text(o.value.currency().code()),
        text(&o.description),
    ]
}

pub(crate) const ISSUES: Table = Table {
    name: "customer_issues",
    deferred_keys: false,
    columns: &[
        "id",
        "account_id",
        "kind",
        "severity",
        "summary",
        "opened_on",
        "closed_on",
    ],
};
pub(crate) fn issue_values(i: &CustomerIssue) -> Vec<Value> {
    vec![
        text(i.id.to_string()),
        text(i.account_id.to_string()),
        text(i.kind.as_str()),
        text(i.severity.as_str()),
        text(&i.summary),
        date(i.opened_on),
        opt_date(i.closed_on),
    ]
}

pub(crate) const TRANSCRIPTS: Table = Table {
    name: "transcripts",
    deferred_keys: false,
    columns: &[
        "id",
        "title",
        "account_id",
        "opportunity_id",
        "rep_id",
        "file_name",
        "content",
        "occurred_at",
        "uploaded_at",
    ],
};
pub(crate) fn transcript_values(t: &Transcript) -> Vec<Value> {
    vec![
        text(t.id.to_string()),
        text(&t.title),
        opt_text(t.account_id),
        opt_text(t.opportunity_id),
        opt_text(t.rep_id),
        text(&t.file_name),
        text(&t.content),
        time(t.occurred_at),
        time(t.uploaded_at),
    ]
}

pub(crate) const PROJECTS: Table = Table {
    name: "portfolio_projects",
    deferred_keys: false,
    columns: &[
        "id",
        "title",
        "client",
        "industry",
        "year",
        "summary",
        "capabilities",
        "value_minor",
        "currency",
    ],
};
pub(crate) fn project_values(p: &PortfolioProject) -> Vec<Value> {
    let [value, cur] = money_parts(p.value);
    vec![
        text(p.id.to_string()),
        text(&p.title),
        text(&p.client),
        text(&p.industry),
        int(p.year.into()),
        text(&p.summary),
        text(serde_json::to_string(&p.capabilities).expect("a list of strings serialises")),
        value,
        cur,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upsert_sql_numbers_placeholders_across_rows() {
        let t = Table {
            name: "t",
            columns: &["id", "a"],
            deferred_keys: true,
        };
        assert_eq!(
            upsert_sql(&t, 2, Placeholders::Numbered),
            "INSERT INTO t (id, a) VALUES ($1, $2), ($3, $4) ON CONFLICT (id) DO UPDATE SET a = excluded.a"
        );
        assert_eq!(
            upsert_sql(&t, 2, Placeholders::Anonymous),
            "INSERT INTO t (id, a) VALUES (?, ?), (?, ?) ON CONFLICT (id) DO UPDATE SET a = excluded.a"
        );
        assert_eq!(
            insert_new_sql(&t, 2),
            "INSERT OR FAIL INTO t (id, a) VALUES (?, ?), (?, ?) ON CONFLICT (id) DO NOTHING"
        );
    }

    #[test]
    fn statements_stay_within_bind_limits() {
        for cols in [3, 9, 18] {
            assert!(rows_per_statement(cols) * cols <= 32_766);
        }
    }

    #[test]
    fn every_table_has_one_value_per_column() {
        use roomwork_domain::*;
        let rep = Rep {
            id: RepId::new(),
            name: "A".into(),
            email: None,
            territory: None,
            segment: None,
            weekly_lead_capacity: 1,
            active: true,
        };
        assert_eq!(rep_values(&rep).len(), REPS.columns.len());
        let now = chrono::Utc::now();
        let acc = Account {
            id: AccountId::new(),
            ext_key: None,
            name: "X".into(),
            tier: None,
            health: Health::Healthy,
            health_reason: None,
            industry: None,
            country: None,
            employees: None,
            annual_revenue: None,
            owner: None,
            domain: None,
            created_at: now,
        };
        assert_eq!(account_values(&acc).len(), ACCOUNTS.columns.len());
        let opp = Opportunity {
            id: OpportunityId::new(),
            ext_key: None,
            name: "D".into(),
            account_id: None,
            owner: None,
            stage: Stage::parse("Proposal").unwrap(),
            amount: None,
            close_date: None,
            next_step: None,
            next_step_date: None,
            created_on: now.date_naive(),
            forecast_category: None,
            stage_history: vec![],
        };
        assert_eq!(opportunity_values(&opp).len(), OPPORTUNITIES.columns.len());
    }
}
