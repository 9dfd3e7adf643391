//! `decide` and `override_verdict` as the account manager meets them.

use roomwork_domain::{Health, IssueKind, Severity, Tier};
use roomwork_policy::{
    AccountState, Category, IssueFact, Matrix, Outcome, Request, Rule, Source, Verdict, decide,
    override_verdict,
};

fn at_risk_account() -> AccountState {
    AccountState {
        tier: Tier::parse("key").ok(),
        health: Health::AtRisk,
        health_reason: Some("Evaluating Tallis Flow after the March outage".into()),
        open_issues: vec![IssueFact {
            kind: IssueKind::ServiceFailure,
            severity: Severity::High,
            summary: "Line 2 feed pump failed twice in March".into(),
            repeat: true,
        }],
        top_tier: false,
    }
}

fn issue(kind: IssueKind, opened: &str, summary: &str) -> roomwork_domain::CustomerIssue {
    roomwork_domain::CustomerIssue {
        id: roomwork_domain::IssueId::new(),
        account_id: roomwork_domain::AccountId::new(),
        kind,
        severity: Severity::High,
        summary: summary.into(),
        opened_on: opened.parse().unwrap(),
        closed_on: None,
    }
}

#[test]
fn an_issue_repeats_only_the_same_failure_within_a_year() {
    use IssueKind::*;
    let pump = issue(
        ServiceFailure,
        "2026-03-02",
        "Line 2 feed pump seal failed; line down 6 hours",
    );
    let again = issue(
        ServiceFailure,
        "2026-09-10",
        "Feed pump on line 2 failed: seal leak",
    );
    assert!(roomwork_policy::repeats(&pump, &again));
    // Same kind, different subject: not a pattern.
    let invoice = issue(
        ServiceFailure,
        "2026-09-10",
        "Invoice sent to the wrong billing address",
    );
    assert!(!roomwork_policy::repeats(&pump, &invoice));
    // The same order number is enough.
    let a = issue(Complaint, "2026-05-01", "Order SO-10442 arrived short");
    let b = issue(Complaint, "2026-05-20", "SO-10442 invoiced twice");
    assert!(roomwork_policy::repeats(&a, &b));
    // More than a year apart, or a different kind, or in the wrong order: no.
    let late = issue(
        ServiceFailure,
        "2027-04-01",
        "Feed pump on line 2 failed: seal leak",
    );
    assert!(!roomwork_policy::repeats(&pump, &late));
    assert!(!roomwork_policy::repeats(&again, &pump));
    let complaint = issue(
        Complaint,
        "2026-09-10",
        "Feed pump on line 2 failed: seal leak",
    );
    assert!(!roomwork_policy::repeats(&pump, &complaint));
}

#[test]
fn a_top_tier_account_tips_a_proposal_toward_structure_only() {
    let mut top = at_risk_account();
    top.health = Health::Healthy;
    top.open_issues.clear();
    top.health_reason = None;
    let text = "Draft the proposal for the new filtration line; our approach to their changeover problem is the heart of it.";
    let ordinary = verdict("proposal", text, Some(&top));
    top.top_tier = true;
    let strategic = verdict("proposal", text, Some(&top));
    let evidence = |v: &Verdict| {
        v.findings
            .iter()
            .chain(&v.near_misses)
            .filter(|f| f.rule == Rule::StrategicJudgement)
            .map(|f| f.score)
            .sum::<f32>()
    };
    assert!(evidence(&strategic) > evidence(&ordinary), "{strategic:?}");
}

/// The default matrix's verdict, with no competitors tracked.
fn verdict(task: &str, text: &str, account: Option<&AccountState>) -> Verdict {
    let mut request = Request::new(task, text);
    if let Some(a) = account {
        request = request.for_account(a);
    }
    decide(&Matrix::default(), &request, &[]).unwrap()
}

#[test]
fn a_routine_follow_up_may_be_drafted_and_carries_a_permit() {
    let v = verdict(
        "follow-up-email",
        "Confirm the two seal kits ship Friday and the revised PO.",
        None,
    );
    assert_eq!(v.outcome, Outcome::Draft);
    assert!(v.findings.is_empty());
    assert!(v.permit().is_some());
}

#[test]
fn an_at_risk_account_gets_review_only_help_and_the_evidence_names_the_state() {
    let state = at_risk_account();
    let v = verdict(
        "order-status-update",
        "Tell them the impellers ship Friday.",
        Some(&state),
    );
    assert_eq!(v.outcome, Outcome::ReviewOnly);
    assert!(v.permit().is_none());
    let f = v.findings.iter().find(|f| f.rule == Rule::AtRisk).unwrap();
    assert!(
        f.evidence
            .iter()
            .any(|e| e.source == Source::Account && e.quote.contains("Tallis"))
    );
}

#[test]
fn a_repeat_failure_after_a_promise_is_human_only_and_quotes_the_text() {
    let v = verdict(
        "follow-up-email",
        "Reply to Ana. The magmeters came with the wrong cable length again. In April I promised her I would check every order myself.",
        None,
    );
    assert_eq!(v.outcome, Outcome::HumanOnly);
    let f = &v
        .findings
        .iter()
        .find(|f| f.rule == Rule::TrustRepair)
        .unwrap();
    assert!(
        f.evidence
            .iter()
            .any(|e| e.quote.contains("wrong cable length again"))
    );
}

#[test]
fn negation_keeps_a_routine_message_routine() {
    let v = verdict(
        "routine-check-in",
        "Quarterly check-in with Priya. They are no longer evaluating other suppliers since the framework was signed; just ask how the new seals are running.",
        None,
    );
    assert_eq!(v.outcome, Outcome::Draft, "{:#?}", v.findings);
}

#[test]
fn internal_preparation_for_a_difficult_call_is_allowed() {
    let state = at_risk_account();
    let v = verdict(
        "pre-call-briefing",
        "Brief me for the escalation meeting; they are trialling a competitor.",
        Some(&state),
    );
    assert_eq!(v.outcome, Outcome::Draft);
}

#[test]
fn a_strategic_proposal_is_structure_only() {
    let v = verdict(
        "proposal",
        "Proposal for the 1.2M retrofit, three bidders. The real reason they are changing suppliers is the outage last winter; nobody will say it in the tender.",
        None,
    );
    assert_eq!(v.outcome, Outcome::StructureOnly);
    assert!(v.permit().unwrap().structure_only());
}

#[test]
fn the_matrix_category_comes_first() {
    let m = Matrix::default();
    let v = verdict("pricing-decision", "What discount should we give?", None);
    assert_eq!(v.category, Category::HumanOnly);
    assert_eq!(v.outcome, Outcome::HumanOnly);
    let v = verdict("negotiation-plan", "Plan for Thursday", None);
    assert_eq!(v.outcome, Outcome::ReviewOnly);
    assert!(decide(&m, &Request::new("world-domination", "x"), &[]).is_err());
}

#[test]
fn an_override_names_the_person_and_reason_and_only_where_allowed() {
    let m = Matrix::default();
    let state = at_risk_account();
    let v = verdict(
        "order-status-update",
        "Tell them the impellers ship Friday.",
        Some(&state),
    );
    assert!(override_verdict(&m, v.clone(), "", "reason enough here").is_err());
    assert!(override_verdict(&m, v.clone(), "Dana Reyes", "ok").is_err());
    let o = override_verdict(
        &m,
        v,
        "Dana Reyes",
        "The at-risk flag predates the recovery plan; this is a shipping notice",
    )
    .unwrap();
    assert_eq!(o.outcome, Outcome::Draft);
    assert_eq!(o.overridden.as_ref().unwrap().by, "Dana Reyes");
    assert!(o.permit().is_some());

    // Trust repair is never overridable by default.
    let v = verdict(
        "complaint-response",
        "Third wrong shipment in a row after we promised it was fixed.",
        None,
    );
    let e = override_verdict(&m, v, "Dana Reyes", "I really want the AI to write it").unwrap_err();
    assert!(e.to_string().contains("cannot be overridden"));
    // A human-only task is not overridable at all.
    let v = verdict("pricing-decision", "x", None);
    assert!(override_verdict(&m, v, "Dana Reyes", "because I say so, really").is_err());
}

#[test]
fn a_competitor_from_the_foundation_quoting_counts_as_evaluating_alternatives() {
    let v = decide(
        &Matrix::default(),
        &Request::new(
            "follow-up-email",
            "Nice call. Kai mentioned Ferrovane sent them a price for the valves too.",
        ),
        &["Ferrovane".to_string()],
    )
    .unwrap();
    assert!(
        v.findings
            .iter()
            .chain(&v.near_misses)
            .any(|f| f.rule == Rule::AtRisk)
    );
}

#[test]
fn hypotheses_calls_and_price_differences_are_not_protection_cues() {
    // A mood under "if" is a hypothesis, not dissatisfaction.
    let v = verdict(
        "follow-up-email",
        "Thanks for the trial order. If they are not happy with the sample batch we re-run it at no charge.",
        None,
    );
    assert!(v.findings.is_empty(), "{:#?}", v.findings);
    // "Tried" a named person is a phone call, not trialling a named alternative.
    let v = verdict(
        "routine-check-in",
        "Tried calling Maria at Hendricks twice this week; send her the updated price list.",
        None,
    );
    assert!(v.findings.is_empty() && v.near_misses.is_empty(), "{v:#?}");
    // A price difference and edge banding are not the account manager's chosen angle.
    let v = verdict(
        "quotation-narrative",
        "Re-quote for the annual re-order: the price difference against last year is 3%, edge banding unchanged.",
        None,
    );
    assert!(
        !v.findings
            .iter()
            .chain(&v.near_misses)
            .any(|f| f.rule == Rule::StrategicJudgement),
        "{v:#?}"
    );
}
