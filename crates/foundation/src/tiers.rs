//! Assigning an account its tier from data.
//!
//! The tier document's rules are tried in order and the first rule whose conditions all hold
//! assigns the tier; an account no rule matches gets the default tier. Money conditions compare
//! only amounts in the same currency: an account whose orders are in EUR is not silently
//! compared with a USD threshold (the condition does not hold, and the reason says why).

use roomwork_domain::{Money, Tier, fold_name};
use serde::Serialize;

/// What the rules look at for one account.
#[derive(Clone, Debug)]
pub struct AccountFacts {
    /// The account's name.
    pub name: String,
    /// Its industry.
    pub industry: Option<String>,
    /// Its headcount.
    pub employees: Option<u32>,
    /// Its own annual revenue.
    pub annual_revenue: Option<Money>,
    /// What it ordered from us in the last 12 months (None when it has no orders).
    pub orders_last_12_months: Option<Money>,
    /// The value of its open deals with us.
    pub open_pipeline: Option<Money>,
}

#[derive(Clone, Debug)]
pub(crate) struct ParsedRule {
    pub tier: String,
    pub orders: Option<Money>,
    pub revenue: Option<Money>,
    pub pipeline: Option<Money>,
    pub employees: Option<u32>,
    pub industries: Vec<String>,
    pub accounts: Vec<String>,
}

/// The validated assignment rules of `tiers.toml`.
#[derive(Clone, Debug)]
pub struct TierRules {
    rules: Vec<ParsedRule>,
    default: Tier,
}

/// The tier the rules give an account, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TierAssignment {
    /// The tier.
    pub tier: Tier,
    /// The index of the rule that matched (`rule[i]` in tiers.toml), or None for the default.
    pub rule: Option<usize>,
    /// The conditions that held, in words.
    pub reasons: Vec<String>,
}

fn at_least(
    label: &str,
    value: Option<Money>,
    min: Option<Money>,
    reasons: &mut Vec<String>,
) -> bool {
    let Some(min) = min else { return true };
    match value {
        Some(v) if v.currency() == min.currency() && v.minor() >= min.minor() => {
            reasons.push(format!("{label} {v} ≥ {min}"));
            true
        }
        _ => false,
    }
}

impl TierRules {
    pub(crate) fn new(rules: Vec<ParsedRule>, default: Tier) -> Self {
        Self { rules, default }
    }

    /// The default tier.
    pub fn default_tier(&self) -> &Tier {
        &self.default
    }

    /// The tier for `facts`.
    pub fn assign(&self, facts: &AccountFacts) -> TierAssignment {
        let folded = fold_name(&facts.name);
        for (i, r) in self.rules.iter().enumerate() {
            let mut reasons = Vec::new();
            if !r.accounts.is_empty() {
                if r.accounts.contains(&folded) {
                    reasons.push(format!("{} is named in the rule", facts.name));
                } else {
                    continue;
                }
            }
            if !r.industries.is_empty() {
                match &facts.industry {
                    Some(ind) if r.industries.contains(&ind.to_lowercase()) => {
                        reasons.push(format!("industry {ind}"));
                    }
                    _ => continue,
                }
            }
            if let Some(min) = r.employees {
                match facts.employees {
                    Some(e) if e >= min => reasons.push(format!("{e} employees ≥ {min}")),
                    _ => continue,
                }
            }
            if !at_least(
                "orders in the last 12 months",
                facts.orders_last_12_months,
                r.orders,
                &mut reasons,
            ) || !at_least(
                "annual revenue",
                facts.annual_revenue,
                r.revenue,
                &mut reasons,
            ) || !at_least(
                "open pipeline",
                facts.open_pipeline,
                r.pipeline,
                &mut reasons,
            ) {
                continue;
            }
            return TierAssignment {
                tier: Tier::parse(&r.tier).expect("validated"),
                rule: Some(i),
                reasons,
            };
        }
        TierAssignment {
            tier: self.default.clone(),
            rule: None,
            reasons: vec!["no rule matched; the default tier".into()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roomwork_domain::Currency;

    fn usd(n: i64) -> Option<Money> {
        Some(Money::from_major(n, Currency::USD))
    }

    fn rules() -> TierRules {
        TierRules::new(
            vec![
                ParsedRule {
                    tier: "strategic".into(),
                    orders: usd(500_000),
                    revenue: None,
                    pipeline: None,
                    employees: None,
                    industries: vec![],
                    accounts: vec![],
                },
                ParsedRule {
                    tier: "key".into(),
                    orders: None,
                    revenue: None,
                    pipeline: None,
                    employees: Some(1000),
                    industries: vec!["water utility".into()],
                    accounts: vec![],
                },
            ],
            Tier::parse("standard").unwrap(),
        )
    }

    fn facts() -> AccountFacts {
        AccountFacts {
            name: "Acme".into(),
            industry: Some("Water Utility".into()),
            employees: Some(1200),
            annual_revenue: None,
            orders_last_12_months: usd(20_000),
            open_pipeline: None,
        }
    }

    #[test]
    fn the_first_matching_rule_wins_and_says_why() {
        let mut f = facts();
        f.orders_last_12_months = usd(600_000);
        let a = rules().assign(&f);
        assert_eq!(a.tier.as_str(), "strategic");
        assert_eq!(a.rule, Some(0));
        assert!(a.reasons[0].contains("$600,000.00"), "{:?}", a.reasons);
    }

    #[test]
    fn all_conditions_of_a_rule_must_hold() {
        let a = rules().assign(&facts());
        assert_eq!(a.tier.as_str(), "key");
        let mut f = facts();
        f.employees = Some(999);
        assert_eq!(rules().assign(&f).tier.as_str(), "standard");
        assert_eq!(rules().assign(&f).rule, None);
    }

    #[test]
    fn money_in_another_currency_is_not_compared() {
        let mut f = facts();
        f.industry = None;
        f.orders_last_12_months = Some(Money::from_major(900_000, Currency::parse("EUR").unwrap()));
        assert_eq!(rules().assign(&f).tier.as_str(), "standard");
    }
}
