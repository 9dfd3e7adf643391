//! The Foundation as a sales director meets it: write, edit, break, check.

use std::path::Path;

use roomwork_domain::Workflow;
use roomwork_foundation::{DocKind, DocState, Set, init, load};

fn edit(dir: &Path, kind: DocKind, from: &str, to: &str) {
    let p = dir.join("foundation").join(kind.file_name());
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.contains(from), "{from:?} not in {}", p.display());
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
}

fn line_of(dir: &Path, kind: DocKind, needle: &str) -> usize {
    let s = std::fs::read_to_string(dir.join("foundation").join(kind.file_name())).unwrap();
    s.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn the_starter_and_demo_sets_are_complete_and_valid() {
    for set in [Set::Starter, Set::Demo] {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), set, false).unwrap();
        let check = load(dir.path()).unwrap();
        assert!(
            check.problems().is_empty(),
            "{set:?}: {:#?}",
            check.problems()
        );
        assert!(check.states().iter().all(|(_, s)| *s == DocState::Valid));
        assert!(check.readiness().iter().all(|r| r.ready));
        let f = check.foundation();
        assert_eq!(f.stalled_after_days(), 14);
        assert_eq!(f.top_tier().unwrap().as_str(), "strategic");
        assert_eq!(f.time_saved().minutes(Workflow::QuotationNarrative), 47);
        assert_eq!(f.hourly_cost().to_string(), "$65.00");
        assert!(f.stages_from_foundation());
    }
}

#[test]
fn the_demo_set_names_the_demo_company_and_its_competitors() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Set::Demo, false).unwrap();
    let f = load(dir.path()).unwrap().into_foundation();
    assert_eq!(
        f.capabilities.as_ref().unwrap().company,
        "Brightwater Industrial Supply"
    );
    assert!(f.competitors().len() >= 5);
}

#[test]
fn an_unknown_tier_in_a_rule_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Set::Starter, false).unwrap();
    edit(
        dir.path(),
        DocKind::Tiers,
        "[[rule]]\ntier = \"key\"",
        "[[rule]]\ntier = \"gold\"",
    );
    let check = load(dir.path()).unwrap();
    let p = &check.problems()[0];
    assert!(p.file.ends_with("foundation/tiers.toml"));
    assert_eq!(
        p.line,
        line_of(dir.path(), DocKind::Tiers, "tier = \"gold\"")
    );
    assert_eq!(p.field, "rule[2].tier");
    assert!(p.reason.contains("unknown tier \"gold\""), "{p}");
    assert_eq!(
        check.state(DocKind::Tiers),
        &DocState::Invalid { problems: 1 }
    );
    // An invalid document is left out, and the workflows that need it are not ready.
    assert!(check.foundation().tiers.is_none());
    let briefing = check
        .readiness()
        .into_iter()
        .find(|r| r.workflow == Workflow::PreCallBriefing)
        .unwrap();
    assert!(!briefing.ready);
    assert_eq!(briefing.missing, vec![DocKind::Tiers]);
    assert!(check.require_valid().is_err());
}

#[test]
fn a_misspelt_key_and_a_bad_value_are_reported_where_they_are() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Set::Starter, false).unwrap();
    edit(
        dir.path(),
        DocKind::Pipeline,
        "expected_days = 14\nprobability = 10",
        "expcted_days = 14\nprobability = 10",
    );
    edit(
        dir.path(),
        DocKind::Communication,
        "formality = \"warm\"",
        "formality = \"chummy\"",
    );
    edit(
        dir.path(),
        DocKind::Crm,
        "hourly_cost = \"$65.00\"",
        "hourly_cost = \"sixty\"",
    );
    let check = load(dir.path()).unwrap();
    let by = |k: DocKind| check.problems_in(k)[0].clone();
    let p = by(DocKind::Pipeline);
    assert_eq!(p.field, "stage[1].expcted_days");
    assert_eq!(
        p.line,
        line_of(dir.path(), DocKind::Pipeline, "expcted_days")
    );
    assert!(p.reason.contains("unknown field"));
    let c = by(DocKind::Communication);
    assert_eq!(c.field, "tier[1].formality");
    assert!(c.reason.contains("chummy"));
    let m = by(DocKind::Crm);
    assert_eq!(m.field, "time_saved.hourly_cost");
    assert_eq!(m.line, line_of(dir.path(), DocKind::Crm, "hourly_cost"));
    // The other three are untouched and still valid.
    assert_eq!(check.state(DocKind::Tiers), &DocState::Valid);
    assert_eq!(check.state(DocKind::Briefing), &DocState::Valid);
}

#[test]
fn a_syntax_error_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Set::Starter, false).unwrap();
    edit(
        dir.path(),
        DocKind::Briefing,
        "max_words = 250",
        "max_words = = 250",
    );
    let check = load(dir.path()).unwrap();
    let p = &check.problems()[0];
    assert_eq!(
        p.line,
        line_of(dir.path(), DocKind::Briefing, "max_words = = 250")
    );
}

#[test]
fn references_between_documents_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Set::Starter, false).unwrap();
    edit(
        dir.path(),
        DocKind::Communication,
        "tier = \"standard\"",
        "tier = \"bronze\"",
    );
    let check = load(dir.path()).unwrap();
    let p = &check.problems_in(DocKind::Communication)[0];
    assert_eq!(p.field, "tier[2].tier");
    assert!(p.reason.contains("tiers.toml defines"), "{p}");
}

#[test]
fn content_rules_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Set::Starter, false).unwrap();
    // Without a judgement passage, protection rule 3 has nothing to protect.
    let p = dir.path().join("foundation/capabilities.toml");
    let s = std::fs::read_to_string(&p)
        .unwrap()
        .replace("judgement = true", "judgement = false");
    std::fs::write(&p, s).unwrap();
    // A briefing guide must cover the four standard call types.
    edit(
        dir.path(),
        DocKind::Briefing,
        "slug = \"complaint-resolution\"",
        "slug = \"complaints\"",
    );
    // A phrase cannot be both used and avoided.
    edit(
        dir.path(),
        DocKind::Communication,
        "use = [\"here is the update on your order\"]",
        "use = [\"Touch base\"]",
    );
    // Two tiers of one name cannot be told apart.
    edit(
        dir.path(),
        DocKind::Tiers,
        "name = \"Key\"",
        "name = \"strategic\"",
    );
    let check = load(dir.path()).unwrap();
    let reasons: Vec<String> = check.problems().iter().map(|p| p.to_string()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("judgement = true")),
        "{reasons:#?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("tier[1].name") && r.contains("defined twice")),
        "{reasons:#?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("\"complaint-resolution\" is missing"))
    );
    assert!(reasons.iter().any(|r| r.contains("both used and avoided")));
}

#[test]
fn the_pipeline_stages_replace_the_default_list() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Set::Starter, false).unwrap();
    edit(
        dir.path(),
        DocKind::Pipeline,
        "name = \"Needs Analysis\"",
        "name = \"Site Survey\"",
    );
    let f = load(dir.path()).unwrap().require_valid().unwrap();
    let names: Vec<String> = f
        .stage_catalog()
        .stages()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert!(names.contains(&"Site Survey".to_string()));
    assert!(!names.contains(&"Needs Analysis".to_string()));
    // Closed stages do not stall.
    assert_eq!(
        f.stage_catalog().get("Closed Won").unwrap().expected_days,
        0
    );
}

#[test]
fn missing_documents_fall_back_to_defaults_and_block_only_their_workflows() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Set::Starter, false).unwrap();
    std::fs::remove_file(dir.path().join("foundation/pipeline.toml")).unwrap();
    let check = load(dir.path()).unwrap();
    assert_eq!(check.state(DocKind::Pipeline), &DocState::Missing);
    let ready: Vec<Workflow> = check
        .readiness()
        .into_iter()
        .filter(|r| r.ready)
        .map(|r| r.workflow)
        .collect();
    assert!(!ready.contains(&Workflow::PipelineReport));
    assert!(!ready.contains(&Workflow::CrmUpdate));
    assert!(ready.contains(&Workflow::FollowUpEmail));
    let f = check.require_valid().unwrap();
    assert!(!f.stages_from_foundation());
    assert_eq!(
        f.stage_catalog(),
        roomwork_domain::StageCatalog::default_b2b()
    );
}

#[test]
fn init_never_overwrites_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Set::Starter, false).unwrap();
    edit(
        dir.path(),
        DocKind::Tiers,
        "name = \"Key\"",
        "name = \"Key accounts\"",
    );
    let err = init(dir.path(), Set::Starter, false).unwrap_err();
    assert!(err.to_string().contains("already exists"));
    let s = std::fs::read_to_string(dir.path().join("foundation/tiers.toml")).unwrap();
    assert!(s.contains("Key accounts"));
    init(dir.path(), Set::Starter, true).unwrap();
    let s = std::fs::read_to_string(dir.path().join("foundation/tiers.toml")).unwrap();
    assert!(!s.contains("Key accounts"));
}

#[test]
fn a_tier_written_as_a_name_in_the_communication_standards_matches_its_slug() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Set::Demo, false).unwrap();
    edit(
        dir.path(),
        DocKind::Communication,
        "tier = \"strategic\"",
        "tier = \"Strategic\"",
    );
    let check = load(dir.path()).unwrap();
    assert!(check.problems().is_empty(), "{:#?}", check.problems());
    let strategic = roomwork_domain::Tier::parse("strategic").unwrap();
    let style = check
        .foundation()
        .style_for(&strategic)
        .expect("found by slug");
    assert!(style.personal_sentence_required);
}
