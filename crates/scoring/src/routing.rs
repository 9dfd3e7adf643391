//! Routing: every scored lead to one rep, or to a named queue, with the reason recorded.
//!
//! The ops lead's rules (`leads.toml`, [`RoutingConfig`]) say which reps may take a lead:
//! a rule matches on company size, country, region (state or province), industry, source or
//! territory, and narrows the reps to a segment, a territory or one named rep. All matching
//! rules apply together; if no active rep meets them all, the latest rule is dropped first and
//! the reason says so. Among eligible reps with room, the least loaded this week (leads received
//! as a share of weekly capacity) gets the lead; no rep goes over capacity while another eligible rep
//! has room, and a lead no eligible rep has room for waits in the overflow queue. Leads below
//! the nurture line go to marketing nurture. A batch is routed best expected value first, so
//! the better leads take the capacity.

use std::collections::HashMap;

use roomwork_domain::{Lead, Rep, RepId};
use serde::{Deserialize, Serialize};

/// Routing configuration, as written in `leads.toml`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingConfig {
    /// Leads under this probability go to marketing nurture instead of a rep.
    #[serde(default)]
    pub nurture_below: f64,
    /// Days between scheduled recalibrations (`roomwork leads recalibrate --if-due`).
    #[serde(default)]
    pub recalibrate_every_days: Option<u32>,
    /// Territories by country or region.
    #[serde(default, rename = "territory")]
    pub territories: Vec<Territory>,
    /// Expected deal size by company size, for expected value.
    #[serde(default, rename = "deal_value")]
    pub deal_values: Vec<DealValue>,
    /// Rules, in order.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
}

/// A territory: the countries and regions (states, provinces) it covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Territory {
    /// Its name, as reps' territory is written.
    pub name: String,
    /// Countries wholly in it.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Regions in it (a lead's state or province).
    #[serde(default)]
    pub regions: Vec<String>,
}

/// The expected deal for companies of at least `min_size` people.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealValue {
    /// Smallest headcount this applies to.
    #[serde(default)]
    pub min_size: u32,
    /// Expected first-year deal, whole currency units.
    pub amount: u64,
}

/// One routing rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Its name, quoted in reasons.
    pub name: String,
    /// When it applies (all given conditions).
    #[serde(default)]
    pub when: When,
    /// Which reps may take the lead.
    pub to: To,
}

/// Conditions of a rule; empty lists and absent values match everything.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// Company size strictly over.
    pub size_over: Option<u32>,
    /// Company size at most.
    pub size_at_most: Option<u32>,
    /// Country is one of these.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Region is one of these.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Industry is one of these.
    #[serde(default)]
    pub industries: Vec<String>,
    /// Source is one of these.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The lead's territory (from `[[territory]]`) is this.
    pub territory: Option<String>,
}

/// Which reps a rule allows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct To {
    /// Reps of this segment.
    pub segment: Option<String>,
    /// Reps of this territory; `"lead"` means the lead's own territory.
    pub territory: Option<String>,
    /// This rep, by name or e-mail.
    pub rep: Option<String>,
    /// A queue instead of a rep.
    pub queue: Option<String>,
}

/// Where a lead went and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// The rep, if one took it.
    pub rep: Option<RepId>,
    /// The rep's name.
    pub rep_name: Option<String>,
    /// `rep`, `nurture`, `overflow` or a rule's queue.
    pub queue: String,
    /// Expected value: probability times the expected deal, whole currency units.
    pub expected_value: u64,
    /// The reason, in words.
    pub reason: String,
}

fn eq(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn listed(list: &[String], v: Option<&str>) -> bool {
    list.is_empty() || v.is_some_and(|v| list.iter().any(|x| eq(x, v)))
}

impl RoutingConfig {
    /// Parses `leads.toml`'s routing part, naming the line and field of a mistake.
    pub fn parse(text: &str) -> Result<Self, String> {
        let c: RoutingConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            match line {
                Some(l) => format!("line {l}: {}", e.message()),
                None => e.message().to_string(),
            }
        })?;
        if !(0.0..1.0).contains(&c.nurture_below) {
            return Err(format!(
                "nurture_below = {}: use a probability from 0 to 1",
                c.nurture_below
            ));
        }
        for r in &c.rules {
            let t = &r.to;
            if t.segment.is_none() && t.territory.is_none() && t.rep.is_none() && t.queue.is_none()
            {
                return Err(format!(
                    "rule `{}`: `to` names no segment, territory, rep or queue",
                    r.name
                ));
            }
        }
        Ok(c)
    }

    /// The territory a lead falls in.
    pub fn territory_of(&self, lead: &Lead) -> Option<&str> {
        self.territories
            .iter()
            .find(|t| {
                lead.region
                    .as_deref()
                    .is_some_and(|r| t.regions.iter().any(|x| eq(x, r)))
                    || lead
                        .country
                        .as_deref()
                        .is_some_and(|c| t.countries.iter().any(|x| eq(x, c)))
            })
            .map(|t| t.name.as_str())
    }

    /// The expected deal for a lead's company size.
    pub fn deal_value(&self, lead: &Lead) -> u64 {
        let size = lead.company_size.unwrap_or(0);
        self.deal_values
            .iter()
            .filter(|d| d.min_size <= size)
            .max_by_key(|d| d.min_size)
            .map_or(0, |d| d.amount)
    }

    fn matches(&self, w: &When, lead: &Lead) -> bool {
        let size = lead.company_size;
        w.size_over.is_none_or(|s| size.is_some_and(|x| x > s))
            && w.size_at_most.is_none_or(|s| size.is_some_and(|x| x <= s))
            && listed(&w.countries, lead.country.as_deref())
            && listed(&w.regions, lead.region.as_deref())
            && listed(&w.industries, lead.industry.as_deref())
            && listed(&w.sources, lead.source.as_deref())
            && w.territory
                .as_deref()
                .is_none_or(|t| self.territory_of(lead).is_some_and(|x| eq(x, t)))
    }

    /// Routes one lead given this week's load per rep (which it does not change).
    pub fn route(
        &self,
        lead: &Lead,
        probability: f64,
        reps: &[Rep],
        load: &HashMap<RepId, u32>,
    ) -> Assignment {
        let expected_value = (probability * self.deal_value(lead) as f64).round() as u64;
        let pct = probability * 100.0;
        let head = if expected_value > 0 {
            format!("Score {pct:.1}%, expected value {expected_value}.")
        } else {
            format!("Score {pct:.1}%.")
        };
        let done = |rep: Option<&Rep>, queue: &str, why: String| Assignment {
            rep: rep.map(|r| r.id),
            rep_name: rep.map(|r| r.name.clone()),
            queue: queue.to_string(),
            expected_value,
            reason: format!("{head} {why}"),
        };
        if probability < self.nurture_below {
            return done(
                None,
                "nurture",
                format!(
                    "Below the nurture line of {:.1}%: marketing nurture, no rep's time.",
                    self.nurture_below * 100.0
                ),
            );
        }
        let matched: Vec<&Rule> = self
            .rules
            .iter()
            .filter(|r| self.matches(&r.when, lead))
            .collect();
        if let Some(r) = matched.iter().find(|r| r.to.queue.is_some()) {
            let q = r.to.queue.as_deref().unwrap_or_default();
            return done(
                None,
                q,
                format!("Rule `{}` sends it to the {q} queue.", r.name),
            );
        }
        let lead_territory = self.territory_of(lead);
        let allows = |rule: &Rule, rep: &Rep| {
            let t = &rule.to;
            t.segment
                .as_deref()
                .is_none_or(|s| rep.segment.as_deref().is_some_and(|x| eq(x, s)))
                && t.territory.as_deref().is_none_or(|s| {
                    let want = if eq(s, "lead") {
                        lead_territory
                    } else {
                        Some(s)
                    };
                    want.is_some_and(|w| rep.territory.as_deref().is_some_and(|x| eq(x, w)))
                })
                && t.rep.as_deref().is_none_or(|s| {
                    eq(&rep.name, s) || rep.email.as_ref().is_some_and(|e| eq(e.as_str(), s))
                })
        };
        // Drop the latest rules until some active rep meets the rest.
        let active: Vec<&Rep> = reps.iter().filter(|r| r.active).collect();
        let mut kept = matched.len();
        let eligible = loop {
            let e: Vec<&Rep> = active
                .iter()
                .copied()
                .filter(|rep| matched[..kept].iter().all(|rule| allows(rule, rep)))
                .collect();
            if !e.is_empty() || kept == 0 {
                break e;
            }
            kept -= 1;
        };
        let mut why = String::new();
        if !matched.is_empty() {
            let names: Vec<String> = matched[..kept]
                .iter()
                .map(|r| format!("`{}`", r.name))
                .collect();
            if !names.is_empty() {
                let (noun, verb) = if names.len() == 1 {
                    ("Rule", "applies")
                } else {
                    ("Rules", "apply")
                };
                why.push_str(&format!("{noun} {} {verb}. ", names.join(", ")));
            }
            for r in &matched[kept..] {
                why.push_str(&format!(
                    "No active rep also meets rule `{}`, so it was set aside. ",
                    r.name
                ));
            }
        }
        if eligible.is_empty() {
            return done(None, "overflow", format!("{why}No active rep to take it."));
        }
        let room = |r: &Rep| {
            r.weekly_lead_capacity
                .saturating_sub(load.get(&r.id).copied().unwrap_or(0))
        };
        let best = eligible
            .iter()
            .copied()
            .filter(|r| room(r) > 0)
            .min_by(|a, b| {
                let fill = |r: &Rep| {
                    f64::from(load.get(&r.id).copied().unwrap_or(0))
                        / f64::from(r.weekly_lead_capacity.max(1))
                };
                fill(a)
                    .total_cmp(&fill(b))
                    .then(room(b).cmp(&room(a)))
                    .then(a.name.cmp(&b.name))
            });
        match best {
            Some(rep) => {
                let got = load.get(&rep.id).copied().unwrap_or(0);
                done(
                    Some(rep),
                    "rep",
                    format!(
                        "{why}{} is the least loaded of {} eligible rep{} ({got} of {} leads this week).",
                        rep.name,
                        eligible.len(),
                        if eligible.len() == 1 { "" } else { "s" },
                        rep.weekly_lead_capacity
                    ),
                )
            }
            None => done(
                None,
                "overflow",
                format!(
                    "{why}All {} eligible reps are at their weekly capacity; waiting in the overflow queue.",
                    eligible.len()
                ),
            ),
        }
    }

    /// Routes a batch best expected value first, counting each assignment against capacity;
    /// returns assignments in the input order.
    pub fn route_batch(
        &self,
        leads: &[(&Lead, f64)],
        reps: &[Rep],
        load: &mut HashMap<RepId, u32>,
    ) -> Vec<Assignment> {
        let mut order: Vec<usize> = (0..leads.len()).collect();
        let ev = |i: usize| leads[i].1 * self.deal_value(leads[i].0).max(1) as f64;
        order.sort_by(|&a, &b| ev(b).total_cmp(&ev(a)));
        let mut out: Vec<Option<Assignment>> = vec![None; leads.len()];
        for i in order {
            let a = self.route(leads[i].0, leads[i].1, reps, load);
            if let Some(rep) = a.rep {
                *load.entry(rep).or_default() += 1;
            }
            out[i] = Some(a);
        }
        out.into_iter()
            .map(|a| a.expect("every lead routed"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use roomwork_domain::{LeadBehaviour, LeadId};

    fn rep(name: &str, territory: &str, segment: &str, capacity: u32) -> Rep {
        Rep {
            id: RepId::new(),
            name: name.into(),
            email: None,
            territory: Some(territory.into()),
            segment: Some(segment.into()),
            weekly_lead_capacity: capacity,
            active: true,
        }
    }

    fn lead(size: u32, country: &str, region: &str) -> Lead {
        Lead {
            id: LeadId::new(),
            ext_key: None,
            name: "Ana Silva".into(),
            title: None,
            company: None,
            company_size: Some(size),
            industry: None,
            country: Some(country.into()),
            region: Some(region.into()),
            source: None,
            email: None,
            behaviour: LeadBehaviour::default(),
            outcome: None,
            owner: None,
            created_at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
        }
    }

    const CONFIG: &str = r#"
nurture_below = 0.02

[[territory]]
name = "West"
regions = ["CA", "OR", "WA"]

[[territory]]
name = "Canada"
countries = ["Canada"]

[[deal_value]]
amount = 20000

[[deal_value]]
min_size = 200
amount = 90000

[[rule]]
name = "enterprise queue"
when = { size_over = 200 }
to = { segment = "enterprise" }

[[rule]]
name = "mid-market"
when = { size_at_most = 200 }
to = { segment = "mid-market" }

[[rule]]
name = "territory"
to = { territory = "lead" }
"#;

    #[test]
    fn rules_from_the_configuration_choose_the_reps() {
        let c = RoutingConfig::parse(CONFIG).unwrap();
        let reps = vec![
            rep("Wes", "West", "mid-market", 10),
            rep("Erin", "West", "enterprise", 10),
            rep("Cal", "Canada", "mid-market", 10),
        ];
        let load = HashMap::new();
        let a = c.route(&lead(450, "United States", "CA"), 0.3, &reps, &load);
        assert_eq!(a.rep_name.as_deref(), Some("Erin"));
        assert!(
            a.reason.contains("`enterprise queue`") && a.reason.contains("expected value 27000"),
            "{}",
            a.reason
        );
        let a = c.route(&lead(40, "United States", "OR"), 0.3, &reps, &load);
        assert_eq!(a.rep_name.as_deref(), Some("Wes"));
        let a = c.route(&lead(40, "Canada", "ON"), 0.3, &reps, &load);
        assert_eq!(a.rep_name.as_deref(), Some("Cal"));
        // No enterprise rep in Canada: the territory rule is set aside, and the reason says so.
        let a = c.route(&lead(900, "Canada", "ON"), 0.3, &reps, &load);
        assert_eq!(a.rep_name.as_deref(), Some("Erin"));
        assert!(a.reason.contains("set aside"), "{}", a.reason);
        let a = c.route(&lead(900, "Canada", "ON"), 0.01, &reps, &load);
        assert_eq!((a.queue.as_str(), a.rep), ("nurture", None));
    }

    #[test]
    fn no_rep_goes_over_capacity_while_another_eligible_rep_has_room() {
        let c = RoutingConfig::parse("[[rule]]\nname = \"west\"\nto = { territory = \"West\" }\n")
            .unwrap();
        let reps = vec![
            rep("A", "West", "x", 2),
            rep("B", "West", "x", 3),
            rep("C", "East", "x", 50),
        ];
        let leads: Vec<Lead> = (0..7).map(|_| lead(10, "United States", "CA")).collect();
        let probs = [0.1, 0.9, 0.5, 0.2, 0.8, 0.05, 0.3];
        let batch: Vec<(&Lead, f64)> = leads.iter().zip(probs).collect();
        let mut load = HashMap::new();
        let out = c.route_batch(&batch, &reps, &mut load);
        assert_eq!(load.get(&reps[0].id), Some(&2));
        assert_eq!(load.get(&reps[1].id), Some(&3));
        assert_eq!(load.get(&reps[2].id), None, "East is not eligible");
        // The two lowest scores wait; the five best were placed.
        let waiting: Vec<f64> = out
            .iter()
            .zip(probs)
            .filter(|(a, _)| a.queue == "overflow")
            .map(|(_, p)| p)
            .collect();
        assert_eq!(waiting, vec![0.1, 0.05]);
        assert!(out[5].reason.contains("at their weekly capacity"));
    }

    #[test]
    fn inactive_reps_get_nothing_and_mistakes_name_the_line() {
        let c = RoutingConfig::default();
        let mut away = rep("Away", "West", "x", 10);
        away.active = false;
        let here = rep("Here", "West", "x", 10);
        let a = c.route(&lead(10, "US", "CA"), 0.5, &[away, here], &HashMap::new());
        assert_eq!(a.rep_name.as_deref(), Some("Here"));
        let e = RoutingConfig::parse(
            "nurture_below = 0.1\n[[rule]]\nname = \"x\"\nto = { segmnt = \"a\" }\n",
        )
        .unwrap_err();
        assert!(e.starts_with("line 4") && e.contains("segmnt"), "{e}");
    }
}
