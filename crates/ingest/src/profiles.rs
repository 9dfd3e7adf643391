//! Which export a CSV file is, and which of its columns mean what.
//!
//! A profile names a source system and a record kind and the header names that reveal it;
//! every field a kind has is known by the header spellings of Salesforce reports, the
//! Salesforce data loader (API names) and HubSpot exports. A mapping file (`--mapping`) makes a
//! profile for any other CSV. Headers are compared after folding case and dropping everything
//! but letters and digits, so "Company / Account" is `companyaccount`.

use std::collections::HashMap;

use roomwork_domain::Currency;
use serde::Deserialize;

use crate::IngestError;
use crate::values::DateOrder;

/// The kind of record a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    /// Companies.
    Accounts,
    /// People at companies.
    Contacts,
    /// Unqualified prospects.
    Leads,
    /// Deals.
    Opportunities,
    /// Calls, meetings, e-mails, tasks.
    Activities,
}

impl RecordKind {
    /// Lower-case plural name.
    pub fn as_str(&self) -> &'static str {
        match self {
            RecordKind::Accounts => "accounts",
            RecordKind::Contacts => "contacts",
            RecordKind::Leads => "leads",
            RecordKind::Opportunities => "opportunities",
            RecordKind::Activities => "activities",
        }
    }

    /// The singular used in external keys ("opportunity").
    pub fn singular(&self) -> &'static str {
        match self {
            RecordKind::Accounts => "account",
            RecordKind::Contacts => "contact",
            RecordKind::Leads => "lead",
            RecordKind::Opportunities => "opportunity",
            RecordKind::Activities => "activity",
        }
    }

    /// The fields this kind has and the header spellings (folded) that carry each one.
    pub fn fields(&self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            RecordKind::Accounts => ACCOUNT_FIELDS,
            RecordKind::Contacts => CONTACT_FIELDS,
            RecordKind::Leads => LEAD_FIELDS,
            RecordKind::Opportunities => OPPORTUNITY_FIELDS,
            RecordKind::Activities => ACTIVITY_FIELDS,
        }
    }

    /// Fields a row must have for the record to exist at all.
    pub fn required(&self) -> &'static [&'static [&'static str]] {
        match self {
            RecordKind::Accounts => &[&["name"]],
            RecordKind::Contacts => &[&["name", "last_name"]],
            RecordKind::Leads => &[&["name", "last_name"]],
            RecordKind::Opportunities => &[&["name"], &["stage"]],
            RecordKind::Activities => &[&["subject"], &["date"]],
        }
    }
}

const ACCOUNT_FIELDS: &[(&str, &[&str])] = &[
    ("id", &["accountid", "id", "recordid", "companyid"]),
    ("name", &["accountname", "name", "companyname", "company"]),
    ("industry", &["industry"]),
    (
        "country",
        &[
            "billingcountry",
            "country",
            "countryregion",
            "shippingcountry",
        ],
    ),
    (
        "employees",
        &["employees", "numberofemployees", "noofemployees"],
    ),
    ("annual_revenue", &["annualrevenue"]),
    (
        "owner",
        &[
            "accountowner",
            "owner",
            "ownername",
            "companyowner",
            "ownerid",
        ],
    ),
    ("tier", &["tier", "accounttier", "customertier"]),
    ("health", &["health", "accounthealth", "healthstatus"]),
    (
        "domain",
        &["website", "companydomainname", "domain", "websiteurl"],
    ),
    ("created", &["createddate", "createdate", "created"]),
    (
        "currency",
        &["annualrevenuecurrency", "currency", "currencyisocode"],
    ),
];

const CONTACT_FIELDS: &[(&str, &[&str])] = &[
    ("id", &["contactid", "id", "recordid"]),
    ("first_name", &["firstname"]),
    ("last_name", &["lastname"]),
    ("name", &["fullname", "contactname", "name"]),
    (
        "account_id",
        &[
            "accountid",
            "associatedcompanyid",
            "associatedcompanyids",
            "companyid",
        ],
    ),
    (
        "account_name",
        &["accountname", "associatedcompany", "companyname", "company"],
    ),
    ("title", &["title", "jobtitle"]),
    ("email", &["email", "emailaddress"]),
    (
        "phone",
        &[
            "phone",
            "phonenumber",
            "businessphone",
            "mobile",
            "mobilephone",
        ],
    ),
    ("role", &["role", "contactrole", "buyingrole"]),
    ("created", &["createddate", "createdate", "created"]),
];

const LEAD_FIELDS: &[(&str, &[&str])] = &[
    ("id", &["leadid", "id", "recordid"]),
    ("first_name", &["firstname"]),
    ("last_name", &["lastname"]),
    ("name", &["fullname", "name", "leadname"]),
    ("title", &["title", "jobtitle"]),
    (
        "company",
        &[
            "companyaccount",
            "company",
            "companyname",
            "associatedcompany",
        ],
    ),
    (
        "company_size",
        &[
            "noofemployees",
            "numberofemployees",
            "employees",
            "companysize",
        ],
    ),
    ("industry", &["industry"]),
    ("country", &["country", "countryregion"]),
    (
        "region",
        &[
            "stateprovince",
            "state",
            "stateregion",
            "province",
            "region",
        ],
    ),
    (
        "source",
        &["leadsource", "source", "originalsource", "latestsource"],
    ),
    ("email", &["email", "emailaddress"]),
    ("owner", &["leadowner", "owner", "contactowner", "ownerid"]),
    ("converted", &["converted", "isconverted"]),
    ("converted_date", &["converteddate", "becameacustomerdate"]),
    ("status", &["leadstatus", "status"]),
    ("created", &["createddate", "createdate", "created"]),
    (
        "pages_viewed",
        &["numberofpageviews", "pageviews", "pagesviewed"],
    ),
    (
        "form_submissions",
        &["numberofformsubmissions", "formsubmissions"],
    ),
    ("email_opens", &["marketingemailsopened", "emailopens"]),
    ("email_clicks", &["marketingemailsclicked", "emailclicks"]),
];

const OPPORTUNITY_FIELDS: &[(&str, &[&str])] = &[
    ("id", &["opportunityid", "id", "recordid", "dealid"]),
    ("name", &["opportunityname", "name", "dealname"]),
    (
        "account_id",
        &["accountid", "associatedcompanyid", "associatedcompanyids"],
    ),
    (
        "account_name",
        &["accountname", "associatedcompany", "company"],
    ),
    (
        "owner",
        &[
            "opportunityowner",
            "owner",
            "dealowner",
            "ownername",
            "ownerid",
        ],
    ),
    ("stage", &["stage", "stagename", "dealstage"]),
    (
        "amount",
        &["amount", "amountusd", "dealamount", "totalprice"],
    ),
    (
        "currency",
        &[
            "opportunitycurrency",
            "currency",
            "currencyisocode",
            "dealcurrencycode",
            "amountcurrency",
        ],
    ),
    ("close_date", &["closedate", "expectedclosedate"]),
    ("created", &["createddate", "createdate", "created"]),
    ("next_step", &["nextstep"]),
    ("next_step_date", &["nextstepdate", "nextactivitydate"]),
    (
        "forecast_category",
        &["forecastcategory", "forecastcategoryname"],
    ),
    (
        "stage_changed",
        &[
            "laststagechangedate",
            "datelastenteredstage",
            "stagechangedate",
        ],
    ),
];

const ACTIVITY_FIELDS: &[(&str, &[&str])] = &[
    ("id", &["activityid", "id", "taskid", "recordid"]),
    ("subject", &["subject", "activitysubject", "title"]),
    (
        "kind",
        &["tasksubtype", "activitytype", "type", "kind", "calltype2"],
    ),
    ("direction", &["calltype", "direction"]),
    (
        "date",
        &[
            "date",
            "activitydate",
            "duedate",
            "startdatetime",
            "createddate",
            "activitydatetime",
        ],
    ),
    (
        "duration_seconds",
        &[
            "calldurationinseconds",
            "callduration",
            "calldurationseconds",
        ],
    ),
    (
        "duration_minutes",
        &["durationinminutes", "duration", "durationminutes"],
    ),
    ("account_id", &["accountid"]),
    (
        "account_name",
        &[
            "companyaccount",
            "accountname",
            "company",
            "associatedcompany",
        ],
    ),
    ("contact_id", &["whoid", "contactid"]),
    ("contact_name", &["contact", "contactname", "name"]),
    ("opportunity_id", &["whatid", "opportunityid"]),
    (
        "owner",
        &[
            "assigned",
            "assignedto",
            "ownerid",
            "owner",
            "activityowner",
        ],
    ),
    (
        "description",
        &["description", "comments", "fullcomments", "body", "notes"],
    ),
    ("ai_assisted", &["aiassisted", "ai"]),
];

/// Folds a header: lower-case letters and digits only.
pub fn fold(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A known export layout.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Human name, e.g. "Salesforce opportunity report".
    pub label: String,
    /// Source system as written in external keys ("salesforce", "hubspot", or the mapping's).
    pub system: String,
    /// Record kind.
    pub kind: RecordKind,
    /// Date order to prefer when the data allows several.
    pub date_order: DateOrder,
    /// Forced date order (mapping files may fix it).
    pub fixed_date_order: Option<DateOrder>,
    /// Currency of amounts written without one.
    pub currency: Currency,
    /// For mapping files: field → header, overriding the built-in aliases.
    pub explicit: Option<HashMap<String, String>>,
}

struct Signature {
    label: &'static str,
    system: &'static str,
    kind: RecordKind,
    date_order: DateOrder,
    required: &'static [&'static str],
    forbidden: &'static [&'static str],
}

const SIGNATURES: &[Signature] = &[
    Signature {
        label: "Salesforce opportunity report",
        system: "salesforce",
        kind: RecordKind::Opportunities,
        date_order: DateOrder::Mdy,
        required: &["opportunityname", "stage"],
        forbidden: &[],
    },
    Signature {
        label: "Salesforce opportunity data-loader export",
        system: "salesforce",
        kind: RecordKind::Opportunities,
        date_order: DateOrder::Ymd,
        required: &["name", "stagename"],
        forbidden: &[],
    },
    Signature {
        label: "HubSpot deals export",
        system: "hubspot",
        kind: RecordKind::Opportunities,
        date_order: DateOrder::Ymd,
        required: &["dealname", "dealstage"],
        forbidden: &[],
    },
    Signature {
        label: "Salesforce lead report",
        system: "salesforce",
        kind: RecordKind::Leads,
        date_order: DateOrder::Mdy,
        required: &["lastname", "companyaccount"],
        forbidden: &[],
    },
    Signature {
        label: "Salesforce lead data-loader export",
        system: "salesforce",
        kind: RecordKind::Leads,
        date_order: DateOrder::Ymd,
        required: &["lastname", "company", "isconverted"],
        forbidden: &[],
    },
    Signature {
        label: "Salesforce lead report",
        system: "salesforce",
        kind: RecordKind::Leads,
        date_order: DateOrder::Mdy,
        required: &["lastname", "leadsource", "company"],
        forbidden: &["accountname", "accountid", "recordid"],
    },
    Signature {
        label: "Salesforce activity report",
        system: "salesforce",
        kind: RecordKind::Activities,
        date_order: DateOrder::Mdy,
        required: &["subject", "assigned"],
        forbidden: &[],
    },
    Signature {
        label: "Salesforce task data-loader export",
        system: "salesforce",
        kind: RecordKind::Activities,
        date_order: DateOrder::Ymd,
        required: &["subject", "activitydate"],
        forbidden: &[],
    },
    Signature {
        label: "HubSpot contacts export",
        system: "hubspot",
        kind: RecordKind::Contacts,
        date_order: DateOrder::Ymd,
        required: &["recordid", "firstname", "lastname"],
        forbidden: &[],
    },
    Signature {
        label: "HubSpot companies export",
        system: "hubspot",
        kind: RecordKind::Accounts,
        date_order: DateOrder::Ymd,
        required: &["recordid", "companyname"],
        forbidden: &["dealname", "firstname"],
    },
    Signature {
        label: "Salesforce contact report",
        system: "salesforce",
        kind: RecordKind::Contacts,
        date_order: DateOrder::Mdy,
        required: &["firstname", "lastname", "accountname"],
        forbidden: &[],
    },
    Signature {
        label: "Salesforce contact data-loader export",
        system: "salesforce",
        kind: RecordKind::Contacts,
        date_order: DateOrder::Ymd,
        required: &["firstname", "lastname", "accountid"],
        forbidden: &[],
    },
    Signature {
        label: "Salesforce account report",
        system: "salesforce",
        kind: RecordKind::Accounts,
        date_order: DateOrder::Mdy,
        required: &["accountname"],
        forbidden: &[
            "firstname",
            "lastname",
            "opportunityname",
            "subject",
            "stage",
        ],
    },
    Signature {
        label: "Salesforce account data-loader export",
        system: "salesforce",
        kind: RecordKind::Accounts,
        date_order: DateOrder::Ymd,
        required: &["name", "billingcountry"],
        forbidden: &["firstname", "lastname", "stagename", "subject"],
    },
];

/// Finds the profile whose required headers are all present and forbidden headers absent,
/// preferring the one whose kind recognises most columns.
pub fn detect(headers: &[String], default_currency: Currency) -> Option<Profile> {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let has = |h: &str| folded.iter().any(|f| f == h);
    SIGNATURES
        .iter()
        .filter(|s| s.required.iter().all(|r| has(r)) && !s.forbidden.iter().any(|f| has(f)))
        .max_by_key(|s| {
            let known = folded.iter().filter(|f| {
                s.kind
                    .fields()
                    .iter()
                    .any(|(_, aliases)| aliases.contains(&f.as_str()))
            });
            (known.count(), s.required.len())
        })
        .map(|s| Profile {
            label: s.label.to_string(),
            system: s.system.to_string(),
            kind: s.kind,
            date_order: s.date_order,
            fixed_date_order: None,
            currency: default_currency,
            explicit: None,
        })
}

/// A mapping file: how to read a CSV that no built-in profile recognises.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Record kind of every row.
    pub kind: RecordKind,
    /// Source name used in external keys (default "mapped").
    #[serde(default)]
    pub system: Option<String>,
    /// `mdy`, `dmy` or `ymd`; detected from the data when omitted.
    #[serde(default)]
    pub date_order: Option<DateOrder>,
    /// Currency of amounts written without a symbol or code (default: the configured one).
    #[serde(default)]
    pub currency: Option<String>,
    /// Field name → header in the file.
    pub columns: HashMap<String, String>,
}

impl Mapping {
    /// Reads and checks a mapping file: the kind's fields must exist and be unique.
    pub fn parse(
        path: &str,
        text: &str,
        default_currency: Currency,
    ) -> Result<Profile, IngestError> {
        let invalid = |line: usize, field: &str, reason: String| IngestError::Mapping {
            file: path.to_string(),
            line,
            field: field.to_string(),
            reason,
        };
        let m: Mapping = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .unwrap_or(0);
            invalid(line, "", e.message().to_string())
        })?;
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(needle))
                .map(|i| i + 1)
                .unwrap_or(0)
        };
        for field in m.columns.keys() {
            if !m.kind.fields().iter().any(|(f, _)| f == field) {
                let known: Vec<&str> = m.kind.fields().iter().map(|(f, _)| *f).collect();
                return Err(invalid(
                    line_of(field),
                    field,
                    format!(
                        "{} have no field {field:?}; known fields: {}",
                        m.kind.as_str(),
                        known.join(", ")
                    ),
                ));
            }
        }
        for alternatives in m.kind.required() {
            if !alternatives.iter().any(|f| m.columns.contains_key(*f)) {
                return Err(invalid(
                    line_of("[columns]"),
                    alternatives[0],
                    format!(
                        "{} need a column for {}",
                        m.kind.as_str(),
                        alternatives.join(" or ")
                    ),
                ));
            }
        }
        let currency = match &m.currency {
            Some(c) => Currency::parse(c)
                .map_err(|e| invalid(line_of("currency"), "currency", e.to_string()))?,
            None => default_currency,
        };
        let system = m.system.clone().unwrap_or_else(|| "mapped".into());
        if system.is_empty()
            || !system
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(invalid(
                line_of("system"),
                "system",
                "use letters, digits, '-' or '_'".into(),
            ));
        }
        Ok(Profile {
            label: format!("{} mapped by {path}", m.kind.as_str()),
            system,
            kind: m.kind,
            date_order: m.date_order.unwrap_or(DateOrder::Mdy),
            fixed_date_order: m.date_order,
            currency,
            explicit: Some(m.columns),
        })
    }
}

/// Which columns hold which field: every column whose header means the field, in file order
/// (a duplicated column name gives two entries; the first non-empty value wins).
#[derive(Debug, Clone)]
pub struct ColumnMap {
    /// field → column indexes.
    pub fields: HashMap<&'static str, Vec<usize>>,
    /// Headers no field uses.
    pub ignored: Vec<String>,
    /// Headers that appear more than once.
    pub duplicated: Vec<String>,
}

impl ColumnMap {
    /// Maps headers to the profile's fields. A mapping file's columns must all exist.
    pub fn build(
        profile: &Profile,
        headers: &[String],
        file: &str,
    ) -> Result<ColumnMap, IngestError> {
        let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
        let mut fields: HashMap<&'static str, Vec<usize>> = HashMap::new();
        let mut used = vec![false; headers.len()];
        match &profile.explicit {
            Some(explicit) => {
                for (field, aliases) in profile.kind.fields() {
                    let _ = aliases;
                    if let Some(header) = explicit.get(*field) {
                        let want = fold(header);
                        let idx: Vec<usize> =
                            (0..headers.len()).filter(|i| folded[*i] == want).collect();
                        if idx.is_empty() {
                            return Err(IngestError::Malformed {
                                file: file.to_string(),
                                line: 1,
                                column: String::new(),
                                reason: format!(
                                    "the mapping names column {header:?} for {field}, but the header has no such column"
                                ),
                            });
                        }
                        for i in &idx {
                            used[*i] = true;
                        }
                        fields.insert(field, idx);
                    }
                }
            }
            None => {
                // Each column goes to the first field (in declaration order) whose aliases list
                // it, and within a field the alias order decides: "Opportunity ID" beats "Id".
                for (field, aliases) in profile.kind.fields() {
                    for alias in *aliases {
                        let idx: Vec<usize> = (0..headers.len())
                            .filter(|i| !used[*i] && folded[*i] == *alias)
                            .collect();
                        if !idx.is_empty() {
                            for i in &idx {
                                used[*i] = true;
                            }
                            fields.insert(field, idx);
                            break;
                        }
                    }
                }
            }
        }
        let ignored = headers
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(h, _)| h.clone())
            .collect();
        let mut seen = HashMap::new();
        let mut duplicated = Vec::new();
        for h in headers {
            let n = seen.entry(fold(h)).or_insert(0);
            *n += 1;
            if *n == 2 {
                duplicated.push(h.clone());
            }
        }
        Ok(ColumnMap {
            fields,
            ignored,
            duplicated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(s: &str) -> Vec<String> {
        s.split(',').map(|h| h.to_string()).collect()
    }

    #[test]
    fn exports_are_recognised_from_their_headers() {
        let cases = [
            (
                "Opportunity Name,Account Name,Stage,Close Date,Amount,Opportunity Owner",
                "Salesforce opportunity report",
            ),
            (
                "Id,Name,AccountId,StageName,Amount,CloseDate,OwnerId",
                "Salesforce opportunity data-loader export",
            ),
            (
                "Record ID,Deal Name,Deal Stage,Close Date,Amount,Deal owner,Associated Company",
                "HubSpot deals export",
            ),
            (
                "Record ID,Company name,Company owner,Industry,Country/Region",
                "HubSpot companies export",
            ),
            (
                "Record ID,First Name,Last Name,Email,Associated Company",
                "HubSpot contacts export",
            ),
            (
                "First Name,Last Name,Title,Account Name,Email",
                "Salesforce contact report",
            ),
            (
                "First Name,Last Name,Title,Company / Account,Lead Source,Lead Status",
                "Salesforce lead report",
            ),
            (
                "Account Name,Account ID,Type,Industry,Billing Country",
                "Salesforce account report",
            ),
            (
                "Subject,Assigned,Date,Company / Account,Task Subtype",
                "Salesforce activity report",
            ),
        ];
        for (h, want) in cases {
            let p = detect(&headers(h), Currency::USD).unwrap_or_else(|| panic!("{h}"));
            assert_eq!(p.label, want, "{h}");
        }
        assert!(detect(&headers("foo,bar,baz"), Currency::USD).is_none());
    }

    #[test]
    fn specific_headers_win_over_generic_ones_and_duplicates_are_kept() {
        let h = headers("Id,Opportunity ID,Opportunity Name,Stage,Amount,Amount");
        let p = detect(&h, Currency::USD).unwrap();
        let map = ColumnMap::build(&p, &h, "x.csv").unwrap();
        assert_eq!(map.fields["id"], vec![1]);
        assert_eq!(map.fields["amount"], vec![4, 5]);
        assert_eq!(map.duplicated, vec!["Amount".to_string()]);
        assert_eq!(map.ignored, vec!["Id".to_string()]);
    }

    #[test]
    fn a_mapping_file_makes_a_profile_and_names_bad_fields_by_line() {
        let good = "kind = \"opportunities\"\nsystem = \"pipedrive\"\ndate_order = \"dmy\"\ncurrency = \"EUR\"\n\n[columns]\nname = \"Title\"\nstage = \"Pipeline stage\"\namount = \"Value\"\n";
        let p = Mapping::parse("map.toml", good, Currency::USD).unwrap();
        assert_eq!(
            (p.kind, p.system.as_str(), p.currency),
            (RecordKind::Opportunities, "pipedrive", Currency::EUR)
        );
        assert_eq!(p.fixed_date_order, Some(DateOrder::Dmy));

        let bad_field = "kind = \"opportunities\"\n[columns]\nname = \"Title\"\nstage = \"S\"\nvalue = \"Value\"\n";
        let err = Mapping::parse("map.toml", bad_field, Currency::USD)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("map.toml") && err.contains("line 5") && err.contains("\"value\""),
            "{err}"
        );

        let missing = "kind = \"opportunities\"\n[columns]\nname = \"Title\"\n";
        let err = Mapping::parse("map.toml", missing, Currency::USD)
            .unwrap_err()
            .to_string();
        assert!(err.contains("stage"), "{err}");

        let bad_kind = "kind = \"widgets\"\n[columns]\n";
        let err = Mapping::parse("map.toml", bad_kind, Currency::USD)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1"), "{err}");
    }
}
