//! Job titles as people type them ("Sr. Reliability Eng.", "plant mgr.", "VP Operations")
//! read into a rank (how much buying authority the title usually carries) and a department.
//! Word-based, with the abbreviations CRMs are full of; unknown titles give `None`, which the
//! trees treat as missing rather than as a guess.

/// A title read into rank and department.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Title {
    /// 0 student/retired/none, 1 individual contributor, 2 senior or lead, 3 manager or
    /// supervisor, 4 director or head, 5 vice president, 6 C-level, owner or general manager.
    pub rank: Option<u8>,
    /// The department the title belongs to.
    pub department: Option<&'static str>,
}

/// Words for a rank.
pub fn rank_name(rank: u8) -> &'static str {
    match rank {
        0 => "no buying role (student, retired, none)",
        1 => "individual contributor",
        2 => "senior or lead",
        3 => "manager or supervisor",
        4 => "director or head",
        5 => "vice president",
        _ => "C-level, owner or general manager",
    }
}

const DEPARTMENTS: &[(&str, &[&str])] = &[
    (
        "procurement",
        &[
            "procurement",
            "purchasing",
            "buyer",
            "sourcing",
            "supply",
            "category",
            "materials",
            "storeroom",
            "mro",
        ],
    ),
    (
        "controls",
        &[
            "controls",
            "automation",
            "instrument",
            "i&c",
            "i&e",
            "electrical",
            "it",
        ],
    ),
    (
        "maintenance",
        &[
            "maintenance",
            "maint",
            "reliability",
            "mechanic",
            "millwright",
            "pipefitter",
            "technician",
            "tech",
        ],
    ),
    (
        "engineering",
        &[
            "engineer",
            "engineering",
            "eng",
            "design",
            "project",
            "projects",
            "estimator",
            "technical",
        ],
    ),
    (
        "operations",
        &[
            "operations",
            "ops",
            "plant",
            "production",
            "operator",
            "shift",
            "site",
            "manufacturing",
            "utilities",
            "utility",
            "superintendent",
            "wwtp",
            "works",
        ],
    ),
    (
        "quality",
        &[
            "quality",
            "qa",
            "qc",
            "qa/qc",
            "validation",
            "continuous",
            "ci",
        ],
    ),
    (
        "ehs",
        &["ehs", "environmental", "safety", "sustainability", "energy"],
    ),
    ("facilities", &["facilities", "facility"]),
    (
        "finance",
        &[
            "finance",
            "financial",
            "controller",
            "accounting",
            "accountant",
        ],
    ),
    ("sales and marketing", &["sales", "marketing", "business"]),
    (
        "administration",
        &["office", "admin", "assistant", "coordinator", "consultant"],
    ),
    // Last: a vice president of manufacturing belongs to operations.
    (
        "executive",
        &[
            "ceo",
            "coo",
            "cfo",
            "cto",
            "president",
            "owner",
            "founder",
            "gm",
            "general",
        ],
    ),
];

/// Reads a title.
pub fn parse(title: &str) -> Title {
    let lower = title.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '&' || c == '/'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Title {
            rank: None,
            department: None,
        };
    }
    let has = |w: &str| words.contains(&w);
    let phrase = |p: &str| lower.contains(p);
    let rank = if ["student", "intern", "retired", "n/a", "none", "unemployed"]
        .iter()
        .any(|w| has(w))
    {
        Some(0)
    } else if (has("vice") && has("president"))
        || has("vp")
        || has("svp")
        || has("evp")
        || phrase("v.p")
    {
        Some(5)
    } else if [
        "ceo",
        "coo",
        "cfo",
        "cto",
        "cio",
        "president",
        "owner",
        "founder",
        "gm",
        "principal",
    ]
    .iter()
    .any(|w| has(w))
        || phrase("general manager")
        || (has("chief") && !has("engineer") && !has("operator"))
    {
        Some(6)
    } else if ["director", "dir", "head", "superintendent"]
        .iter()
        .any(|w| has(w))
    {
        Some(4)
    } else if ["manager", "mgr", "supervisor", "superviser", "foreman"]
        .iter()
        .any(|w| has(w))
    {
        Some(3)
    } else if [
        "senior",
        "sr",
        "lead",
        "chief",
        "principal",
        "staff",
        "planner",
    ]
    .iter()
    .any(|w| has(w))
    {
        Some(2)
    } else if [
        "engineer",
        "eng",
        "buyer",
        "technician",
        "tech",
        "operator",
        "coordinator",
        "analyst",
        "specialist",
        "mechanic",
        "millwright",
        "pipefitter",
        "estimator",
        "admin",
        "assistant",
        "consultant",
        "purchasing",
        "associate",
        "representative",
    ]
    .iter()
    .any(|w| has(w))
    {
        Some(1)
    } else {
        None
    };
    let department = DEPARTMENTS
        .iter()
        .find(|(_, cues)| cues.iter().any(|c| has(c)))
        .map(|(d, _)| *d)
        .or(if rank == Some(6) {
            Some("executive")
        } else {
            None
        });
    Title { rank, department }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_as_typed_read_into_rank_and_department() {
        let cases: &[(&str, Option<u8>, Option<&str>)] = &[
            ("VP of Operations", Some(5), Some("operations")),
            ("Vice President, Manufacturing", Some(5), Some("operations")),
            ("plant mgr.", Some(3), Some("operations")),
            ("Dir. Procurement", Some(4), Some("procurement")),
            ("Sr. Reliability Engineer", Some(2), Some("maintenance")),
            ("Chief Engineer", Some(2), Some("engineering")),
            ("CEO", Some(6), Some("executive")),
            ("General Manager", Some(6), Some("executive")),
            ("MRO Buyer", Some(1), Some("procurement")),
            ("I&C Technician", Some(1), Some("controls")),
            ("WWTP Superintendent", Some(4), Some("operations")),
            ("Engineering Intern", Some(0), Some("engineering")),
            ("Retired", Some(0), None),
            (
                "Director of International Sales",
                Some(4),
                Some("sales and marketing"),
            ),
            ("", None, None),
            ("Wizard", None, None),
        ];
        for &(title, rank, dept) in cases {
            let t = parse(title);
            assert_eq!((t.rank, t.department), (rank, dept), "{title}");
        }
    }
}
