//! Whole imports of realistic export files, planned against an in-memory "store" so that
//! re-imports, merges and references can be checked without a database.

use std::ops::ControlFlow;

use chrono::NaiveDate;
use roomwork_domain::*;
use roomwork_ingest::profiles::{Mapping, RecordKind};
use roomwork_ingest::resolve::{Existing, Plan, plan};
use roomwork_ingest::stages::MatchMethod;
use roomwork_ingest::{IngestError, ParsedFile, parse_file};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn parse(name: &str) -> ParsedFile {
    parse_file(name, &fixture(name), None, Currency::USD, &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"))
}

fn clock() -> FixedClock {
    FixedClock::at_date(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap())
}

/// Plans a file and applies the plan to `world`, as saving it would.
fn import(name: &str, world: &mut World) -> Plan {
    let parsed = parse(name);
    import_parsed(parsed, world)
}

fn import_parsed(parsed: ParsedFile, world: &mut World) -> Plan {
    let present = parsed.present();
    let mut existing = world.existing();
    let p = plan(
        parsed.records,
        &present,
        &mut existing,
        &StageCatalog::default_b2b(),
        &clock(),
        20,
    );
    world.apply(&p.batch);
    p
}

/// What a store would hold: the records of every saved batch, upserted by id.
#[derive(Default)]
struct World {
    batch: Batch,
}

impl World {
    fn apply(&mut self, b: &Batch) {
        fn up<T: Clone, I: PartialEq>(list: &mut Vec<T>, new: &[T], id: impl Fn(&T) -> I) {
            for n in new {
                match list.iter().position(|x| id(x) == id(n)) {
                    Some(i) => list[i] = n.clone(),
                    None => list.push(n.clone()),
                }
            }
        }
        up(&mut self.batch.reps, &b.reps, |x| x.id);
        up(&mut self.batch.accounts, &b.accounts, |x| x.id);
        up(&mut self.batch.contacts, &b.contacts, |x| x.id);
        up(&mut self.batch.leads, &b.leads, |x| x.id);
        for o in &b.opportunities {
            match self.batch.opportunities.iter_mut().find(|x| x.id == o.id) {
                Some(x) => {
                    let mut history = x.stage_history.clone();
                    history.extend(o.stage_history.iter().cloned());
                    *x = o.clone();
                    x.stage_history = history;
                }
                None => self.batch.opportunities.push(o.clone()),
            }
        }
        up(&mut self.batch.activities, &b.activities, |x| x.id);
        for m in &b.account_merges {
            for c in self
                .batch
                .contacts
                .iter_mut()
                .filter(|c| c.account_id == Some(m.from))
            {
                c.account_id = Some(m.into);
            }
            for o in self
                .batch
                .opportunities
                .iter_mut()
                .filter(|o| o.account_id == Some(m.from))
            {
                o.account_id = Some(m.into);
            }
            for a in self
                .batch
                .activities
                .iter_mut()
                .filter(|a| a.account_id == Some(m.from))
            {
                a.account_id = Some(m.into);
            }
            self.batch.accounts.retain(|a| a.id != m.from);
        }
    }

    fn existing(&self) -> Existing {
        let b = self.batch.clone();
        Existing::new(
            b.reps,
            b.accounts,
            b.contacts,
            b.leads,
            b.opportunities,
            b.activities.into_iter().filter_map(|a| a.ext_key),
        )
    }

    fn opp(&self, name: &str) -> &Opportunity {
        self.batch
            .opportunities
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("no deal {name}"))
    }
}

#[test]
fn every_fixture_is_recognised_from_its_header() {
    let cases = [
        (
            "sf_opportunities_report.csv",
            "Salesforce opportunity report",
            7,
        ),
        (
            "sf_accounts_dataloader.csv",
            "Salesforce account data-loader export",
            3,
        ),
        ("sf_contacts_report.csv", "Salesforce contact report", 3),
        ("sf_leads_report.csv", "Salesforce lead report", 3),
        (
            "sf_tasks_dataloader.csv",
            "Salesforce task data-loader export",
            2,
        ),
        ("hubspot_deals.csv", "HubSpot deals export", 3),
        ("hubspot_companies.csv", "HubSpot companies export", 2),
        ("hubspot_contacts.csv", "HubSpot contacts export", 2),
    ];
    for (file, label, rows) in cases {
        let p = parse(file);
        assert_eq!(
            (p.profile.label.as_str(), p.records.len()),
            (label, rows),
            "{file}"
        );
    }
}

#[test]
fn a_salesforce_report_imports_with_reconciled_stages_and_exact_money() {
    let mut world = World::default();
    let p = import("sf_opportunities_report.csv", &mut world);
    assert_eq!(p.tallies["opportunities"].created, 7);
    // Accounts and reps named in the report are created once each.
    assert_eq!(p.tallies["accounts"].created, 5);
    assert_eq!(p.new_reps, ["Dana O'Neil", "Marcus Feld", "Ana Ruiz"]);

    let stage = |raw: &str| p.stages.iter().find(|m| m.raw == raw).unwrap().clone();
    assert_eq!(
        stage("Proposal/Price Quote").canonical.as_deref(),
        Some("Proposal")
    );
    assert_eq!(stage("closed-won").canonical.as_deref(), Some("Closed Won"));
    assert_eq!(stage("Won").method, Some(MatchMethod::Alias));
    assert_eq!(stage("Negotation").method, Some(MatchMethod::Fuzzy));
    assert_eq!(stage("On hold").canonical, None);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("1 deals kept a stage")),
        "{:?}",
        p.warnings
    );

    let dosing = world.opp("Meridian Foods - Dosing skid retrofit");
    assert_eq!(
        dosing.amount,
        Some(Money::from_minor(4_850_000, Currency::USD))
    );
    assert_eq!(dosing.close_date, NaiveDate::from_ymd_opt(2026, 6, 30));
    assert_eq!(
        dosing.created_on,
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
    );
    // The 15-character report id is keyed by its 18-character form.
    assert_eq!(
        dosing.ext_key.as_ref().unwrap().as_str(),
        "salesforce:opportunity:006A000000AbCdEIAV"
    );
    // The first "Amount" column is empty for this row; the duplicate column carries it.
    let valves = world.opp("Cobalt Ridge - Control valve package");
    assert_eq!(
        valves.amount,
        Some(Money::from_major(212_400, Currency::USD))
    );
    assert_eq!(valves.stage.as_str(), "Negotiation");
    assert_eq!(
        world
            .opp("Dunmore - CIP skid instrumentation")
            .stage
            .as_str(),
        "On hold"
    );
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let mut world = World::default();
    import("sf_opportunities_report.csv", &mut world);
    let again = import("sf_opportunities_report.csv", &mut world);
    assert_eq!(again.tallies["opportunities"].unchanged, 7);
    assert_eq!(
        again.tallies["opportunities"].created + again.tallies["opportunities"].updated,
        0
    );
    assert!(again.batch.is_empty(), "{:?}", again.batch);
    assert_eq!(world.batch.opportunities.len(), 7);
}

#[test]
fn a_changed_stage_updates_the_deal_and_appends_to_its_history() {
    let mut world = World::default();
    import("sf_opportunities_report.csv", &mut world);
    let text = String::from_utf8(fixture("sf_opportunities_report.csv")).unwrap();
    let moved = text.replace(
        "\"Proposal/Price Quote\",\"Q2-2026\"",
        "\"Negotiation\",\"Q2-2026\"",
    );
    let parsed = parse_file(
        "moved.csv",
        moved.as_bytes(),
        None,
        Currency::USD,
        &mut |_| {},
    )
    .unwrap();
    let p = import_parsed(parsed, &mut world);
    assert_eq!(
        (
            p.tallies["opportunities"].updated,
            p.tallies["opportunities"].unchanged
        ),
        (1, 6)
    );
    let deal = world.opp("Meridian Foods - Dosing skid retrofit");
    let stages: Vec<&str> = deal
        .stage_history
        .iter()
        .map(|c| c.stage.as_str())
        .collect();
    assert_eq!(stages, ["Proposal", "Negotiation"]);
    assert_eq!(deal.stage_history[1].entered_on, clock().today());
}

#[test]
fn a_pushed_close_date_and_a_cut_amount_are_recorded_in_the_deals_field_history() {
    let mut world = World::default();
    let first = import("sf_opportunities_report.csv", &mut world);
    assert!(
        first.batch.field_edits.is_empty(),
        "a new deal has no history yet"
    );
    let text = String::from_utf8(fixture("sf_opportunities_report.csv")).unwrap();
    let moved = text.replace(
        "\"$48,500.00\",\"75\",\"42\",\"6/30/2026\"",
        "\"$41,000.00\",\"75\",\"42\",\"7/31/2026\"",
    );
    assert_ne!(moved, text, "the fixture line was found");
    let parsed = parse_file(
        "moved.csv",
        moved.as_bytes(),
        None,
        Currency::USD,
        &mut |_| {},
    )
    .unwrap();
    let p = import_parsed(parsed, &mut world);
    let deal = world.opp("Meridian Foods - Dosing skid retrofit").id;
    let edits = &p.batch.field_edits;
    assert_eq!(edits.len(), 2, "{edits:?}");
    assert!(
        edits
            .iter()
            .all(|e| e.opportunity_id == deal && e.changed_on == clock().today())
    );
    assert!(edits.iter().any(|e| e.change.is_push()));
    assert!(edits.iter().any(|e| e.change.is_reduction()));
    // The same file again: nothing changed, nothing recorded.
    let parsed = parse_file(
        "moved.csv",
        moved.as_bytes(),
        None,
        Currency::USD,
        &mut |_| {},
    )
    .unwrap();
    assert!(
        import_parsed(parsed, &mut world)
            .batch
            .field_edits
            .is_empty()
    );
}

#[test]
fn an_accounts_file_fills_in_accounts_that_deals_referenced_and_keeps_roomwork_fields() {
    let mut world = World::default();
    import("sf_opportunities_report.csv", &mut world);
    // roomwork marks an account at risk; the CRM knows nothing of that.
    let meridian = world
        .batch
        .accounts
        .iter_mut()
        .find(|a| a.name == "Meridian Foods Inc.")
        .unwrap();
    meridian.health = Health::AtRisk;
    meridian.tier = Some(Tier::parse("strategic").unwrap());
    let p = import("sf_accounts_dataloader.csv", &mut world);
    assert_eq!(
        (p.tallies["accounts"].created, p.tallies["accounts"].updated),
        (0, 3)
    );
    assert_eq!(world.batch.accounts.len(), 5, "no duplicate accounts");
    let meridian = world
        .batch
        .accounts
        .iter()
        .find(|a| a.name == "Meridian Foods Inc.")
        .unwrap();
    assert_eq!(meridian.health, Health::AtRisk);
    assert_eq!(meridian.tier.as_ref().unwrap().as_str(), "strategic");
    assert_eq!(meridian.employees, Some(1_200));
    assert_eq!(meridian.domain.as_deref(), Some("meridianfoods.example"));
    assert_eq!(
        meridian.ext_key.as_ref().unwrap().as_str(),
        "salesforce:account:001A0000006Vm9rIAC"
    );
}

#[test]
fn contacts_and_tasks_link_to_their_accounts_deals_and_people() {
    let mut world = World::default();
    import("sf_accounts_dataloader.csv", &mut world);
    import("sf_opportunities_report.csv", &mut world);
    let c = import("sf_contacts_report.csv", &mut world);
    assert_eq!(c.tallies["contacts"].created, 3);
    assert!(
        !c.tallies.contains_key("accounts"),
        "contacts found their accounts by name"
    );
    let t = import("sf_tasks_dataloader.csv", &mut world);
    assert_eq!(t.tallies["activities"].created, 2);
    assert!(
        t.warnings
            .iter()
            .any(|w| w.contains("Salesforce user or queue id")),
        "{:?}",
        t.warnings
    );
    let call = world
        .batch
        .activities
        .iter()
        .find(|a| a.kind == ActivityKind::Call)
        .unwrap();
    assert_eq!(call.duration_minutes, Some(13));
    assert_eq!(
        call.opportunity_id,
        Some(world.opp("Meridian Foods - Dosing skid retrofit").id)
    );
    let priya = world
        .batch
        .contacts
        .iter()
        .find(|c| c.name == "Priya Raman")
        .unwrap();
    assert_eq!(call.contact_id, Some(priya.id));
    assert_eq!(call.account_id, priya.account_id);
    // Activities are a log: importing them again adds nothing.
    let again = import("sf_tasks_dataloader.csv", &mut world);
    assert_eq!(again.tallies["activities"].unchanged, 2);
    assert!(again.batch.is_empty());
}

#[test]
fn leads_carry_their_outcome() {
    let mut world = World::default();
    import("sf_leads_report.csv", &mut world);
    let lead = |n: &str| {
        world
            .batch
            .leads
            .iter()
            .find(|l| l.name == n)
            .unwrap()
            .clone()
    };
    let grace = lead("Grace Lindqvist");
    assert_eq!(
        grace.outcome,
        Some(LeadOutcome {
            converted: true,
            date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        })
    );
    assert_eq!(
        lead("Omar Haddad").outcome.map(|o| o.converted),
        Some(false)
    );
    assert_eq!(lead("Omar Haddad").company_size, Some(201));
    assert_eq!(lead("Sofia Marino").outcome, None);
    assert_eq!(lead("Sofia Marino").company_size, Some(1_100));
}

#[test]
fn hubspot_exports_link_deals_to_companies_named_with_their_ids() {
    let mut world = World::default();
    import("hubspot_companies.csv", &mut world);
    import("hubspot_contacts.csv", &mut world);
    let p = import("hubspot_deals.csv", &mut world);
    assert_eq!(p.tallies["opportunities"].created, 3);
    assert_eq!(
        p.tallies["accounts"].created, 1,
        "only Eastvale Water was unknown"
    );
    let deal = world.opp("Ridgeway Packaging - Dosing pumps");
    assert_eq!(deal.stage.as_str(), "Negotiation");
    assert_eq!(deal.forecast_category, Some(ForecastCategory::Commit));
    assert_eq!(deal.amount, Some(Money::from_major(15_400, Currency::USD)));
    let ridgeway = world
        .batch
        .accounts
        .iter()
        .find(|a| a.name == "Ridgeway Packaging")
        .unwrap();
    assert_eq!(deal.account_id, Some(ridgeway.id));
    let sofia = world
        .batch
        .contacts
        .iter()
        .find(|c| c.name == "Sofia Marino")
        .unwrap();
    assert_eq!(sofia.account_id, Some(ridgeway.id));
}

#[test]
fn any_csv_imports_through_a_mapping_file() {
    let map = String::from_utf8(fixture("pipedrive.map.toml")).unwrap();
    let profile = Mapping::parse("pipedrive.map.toml", &map, Currency::USD).unwrap();
    let parsed = parse_file(
        "pipedrive_deals.csv",
        &fixture("pipedrive_deals.csv"),
        Some(&profile),
        Currency::USD,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(parsed.profile.kind, RecordKind::Opportunities);
    let mut world = World::default();
    let p = import_parsed(parsed, &mut world);
    assert_eq!(p.tallies["opportunities"].created, 2);
    let audit = world.opp("Valtbrook Chemicals - Instrumentation audit");
    assert_eq!(
        audit.amount,
        Some(Money::from_minor(1_250_000, Currency::EUR))
    );
    assert_eq!(audit.close_date, NaiveDate::from_ymd_opt(2026, 6, 30));
    assert_eq!(
        audit.ext_key.as_ref().unwrap().as_str(),
        "pipedrive:opportunity:P-17"
    );
    // Pipedrive's own stage names are not in the default list: reported, kept as typed.
    assert!(p.stages.iter().all(|m| m.canonical.is_none()));
}

#[test]
fn a_file_with_bad_cells_is_refused_whole_with_every_line_and_column() {
    let err = parse_file(
        "bad_amounts.csv",
        &fixture("bad_amounts.csv"),
        None,
        Currency::USD,
        &mut |_| {},
    )
    .unwrap_err();
    let IngestError::Invalid { problems, rows, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(*rows, 3);
    assert_eq!(problems.len(), 2, "{err}");
    assert_eq!(
        (
            problems[0].line,
            problems[0].column.as_str(),
            problems[0].field.as_str()
        ),
        (3, "4 (\"Amount\")", "amount")
    );
    assert_eq!(
        (problems[1].line, problems[1].column.as_str()),
        (4, "5 (\"Close Date\")")
    );
    let text = err.to_string();
    assert!(
        text.contains("bad_amounts.csv: line 3, column 4 (\"Amount\")")
            && text.contains("nothing from this file"),
        "{text}"
    );
}

#[test]
fn an_unknown_header_asks_for_a_mapping_file() {
    let err = parse_file("x.csv", b"Foo,Bar\n1,2\n", None, Currency::USD, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("x.csv") && err.contains("--mapping"), "{err}");
}

/// `parsed` planned against `existing` with the default stages, handed over through `emit`.
fn plan_in_parts(
    parsed: ParsedFile,
    existing: &mut Existing,
    emit: Option<(usize, roomwork_ingest::resolve::Emit<'_>)>,
) -> Plan {
    let present = parsed.present();
    roomwork_ingest::resolve::plan_streaming(
        parsed.records,
        &present,
        existing,
        &StageCatalog::default_b2b(),
        &clock(),
        20,
        emit,
    )
}

fn parse_text(name: &str, text: &str) -> Result<ParsedFile, IngestError> {
    parse_file(name, text.as_bytes(), None, Currency::USD, &mut |_| {})
}

#[test]
fn a_file_whose_dates_read_both_ways_says_which_order_it_used() {
    let csv = "Opportunity Name,Account Name,Stage,Amount,Created Date,Opportunity ID\n\
               Pump deal,Acme,Proposal,100,1/2/2027,006A000000AbCdZ\n\
               Valve deal,Acme,Proposal,200,3/4/2027,006A000000AbCdY\n";
    let parsed = parse_text("ambiguous.csv", csv).unwrap();
    assert!(
        parsed
            .warnings
            .iter()
            .any(|w| w.contains("month first (mdy)") && w.contains("--date-order dmy")),
        "{:?}",
        parsed.warnings
    );
    let clear = csv.replace("3/4/2027", "3/24/2027");
    let parsed = parse_text("clear.csv", &clear).unwrap();
    assert!(
        !parsed.warnings.iter().any(|w| w.contains("--date-order")),
        "{:?}",
        parsed.warnings
    );
    let fixed = roomwork_ingest::parse_file_with(
        "fixed.csv",
        csv.as_bytes(),
        None,
        Currency::USD,
        Some(roomwork_ingest::values::DateOrder::Dmy),
        &mut |_| {},
    )
    .unwrap();
    assert!(fixed.warnings.is_empty(), "{:?}", fixed.warnings);
    // ISO dates (HubSpot) read the same in every order: nothing to warn about.
    let hubspot = parse("hubspot_deals.csv");
    assert!(
        !hubspot.warnings.iter().any(|w| w.contains("--date-order")),
        "{:?}",
        hubspot.warnings
    );
}

#[test]
fn every_problem_of_a_file_is_named_rows_of_the_wrong_shape_with_bad_cells() {
    let csv = "Opportunity Name,Account Name,Stage,Amount,Created Date,Opportunity ID\n\
               Pump deal,Acme,Proposal,lots,1/5/2026,006A000000AbCdZ\n\
               Valve deal,Acme,Proposal\n\
               Skid deal,Corvo,Won,300,1/7/2026,006A000000AbCdX,extra,more\n\
               Meter deal,Corvo,Won,400,1/8/2026,006A000000AbCdW\n";
    let err = parse_text("mix.csv", csv).unwrap_err();
    let IngestError::Invalid { problems, rows, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(*rows, 4);
    let lines: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert_eq!(
        lines,
        [(2, "4 (\"Amount\")"), (3, "4 (\"Amount\")"), (4, "7")],
        "{err}"
    );
    assert!(err.to_string().contains("3 problem(s)"), "{err}");
}

#[test]
fn an_owner_given_only_as_a_salesforce_user_id_keeps_the_stored_owner() {
    // Regression: a data-loader export (OwnerId) after a report (owner names) wiped every owner.
    let mut world = World::default();
    import("sf_opportunities_report.csv", &mut world);
    let owner_before = world.opp("Meridian Foods - Dosing skid retrofit").owner;
    assert!(owner_before.is_some());
    let loader = "Id,Name,StageName,Amount,CloseDate,OwnerId\n006A000000AbCdE,Meridian Foods - Dosing skid retrofit,Proposal/Price Quote,48500,2026-06-30,005A0000000Dn01\n";
    let p = import_parsed(parse_text("loader.csv", loader).unwrap(), &mut world);
    assert_eq!(p.tallies["opportunities"].unchanged, 1, "{:?}", p.tallies);
    assert_eq!(
        world.opp("Meridian Foods - Dosing skid retrofit").owner,
        owner_before
    );
}

#[test]
fn a_deal_listed_twice_in_one_file_keeps_both_stages_in_its_history() {
    // Regression: the later row's write replaced the earlier one and its stage change.
    let csv = "Opportunity Name,Account Name,Stage,Amount,Created Date,Last Stage Change Date,Opportunity ID\n\
               Pump deal,Acme,Qualification,100,1/5/2026,1/5/2026,006A000000AbCdZ\n\
               Pump deal,Acme,Proposal,200,1/5/2026,2/1/2026,006A000000AbCdZ\n";
    let mut world = World::default();
    let p = import_parsed(parse_text("twice.csv", csv).unwrap(), &mut world);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("repeats the record of line 2")),
        "{:?}",
        p.warnings
    );
    let deal = world.opp("Pump deal");
    let stages: Vec<&str> = deal
        .stage_history
        .iter()
        .map(|c| c.stage.as_str())
        .collect();
    assert_eq!(stages, ["Qualification", "Proposal"]);
    assert_eq!(deal.amount, Some(Money::from_major(200, Currency::USD)));
    assert_eq!(world.batch.opportunities.len(), 1);
}

#[test]
fn activities_without_ids_are_all_kept_and_not_duplicated_on_reimport() {
    // Regression: two calls by one rep to one account on one day collapsed into one.
    let csv = "Subject,Assigned,Date,Company / Account,Task Subtype,Call Type\n\
               Call,Dana O'Neil,3/2/2026,Meridian Foods Inc.,Call,Outbound\n\
               Call,Dana O'Neil,3/2/2026,Meridian Foods Inc.,Call,Outbound\n\
               Call,Dana O'Neil,3/2/2026,Meridian Foods Inc.,Call,Internal\n";
    let mut world = World::default();
    let parsed = parse_text("calls.csv", csv).unwrap();
    // "Internal" is a Salesforce call type roomwork does not model: kept, with a warning.
    assert!(
        parsed.warnings.iter().any(|w| w.contains("\"Internal\"")),
        "{:?}",
        parsed.warnings
    );
    let p = import_parsed(parsed, &mut world);
    assert_eq!(p.tallies["activities"].created, 3);
    let again = import_parsed(parse_text("calls.csv", csv).unwrap(), &mut world);
    assert_eq!(again.tallies["activities"].unchanged, 3);
    assert_eq!(world.batch.activities.len(), 3);
}

#[test]
fn unknown_picklist_values_are_kept_with_a_warning_instead_of_refusing_the_file() {
    let csv = "Record ID,First Name,Last Name,Email,Buying Role\n1,Ada,Lee,ada@x.example,Budget Holder;Champion\n2,Bo,Ng,bo@x.example,Champion\n";
    let parsed = parse_text("contacts.csv", csv).unwrap();
    assert!(
        parsed.warnings.iter().any(|w| w.contains("Budget Holder")),
        "{:?}",
        parsed.warnings
    );
    let mut world = World::default();
    import_parsed(parsed, &mut world);
    let roles: Vec<ContactRole> = world.batch.contacts.iter().map(|c| c.role).collect();
    assert_eq!(roles, [ContactRole::Other, ContactRole::Champion]);
}

#[test]
fn an_over_long_stage_is_a_problem_with_its_line_not_a_silently_dropped_deal() {
    let long = "x".repeat(90);
    let csv = format!("Opportunity Name,Stage\nA,Proposal\nB,{long}\n");
    let err = parse_text("long.csv", &csv).unwrap_err().to_string();
    assert!(
        err.contains("line 3, column 2 (\"Stage\")") && err.contains("longer than 80"),
        "{err}"
    );
}

#[test]
fn a_required_cell_that_is_empty_names_its_column() {
    let err = parse_text("gap.csv", "Opportunity Name,Stage\nA,\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 2, column 2 (\"Stage\")"), "{err}");
}

#[test]
fn activities_differing_only_in_case_are_both_kept() {
    // Regression: the occurrence count ran on raw text and the key on folded text.
    let csv = "Subject,Assigned,Date,Company / Account\n\
               Re: Pricing,Dana O'Neil,3/2/2026,Meridian Foods Inc.\n\
               RE: pricing,Dana O'Neil,3/2/2026,Meridian Foods Inc.\n";
    let mut world = World::default();
    let p = import_parsed(parse_text("re.csv", csv).unwrap(), &mut world);
    assert_eq!(p.tallies["activities"].created, 2);
}

#[test]
fn owners_given_as_queue_ids_or_owner_numbers_create_no_reps() {
    let mut world = World::default();
    import("sf_leads_report.csv", &mut world);
    let reps_before = world.batch.reps.len();
    let loader = "Id,FirstName,LastName,Company,IsConverted,OwnerId\n00QA000000Lx01a,Grace,Lindqvist,Northgate Dairy,TRUE,00GA0000001QuEu\n";
    let p = import_parsed(parse_text("leads.csv", loader).unwrap(), &mut world);
    assert!(p.new_reps.is_empty(), "{:?}", p.new_reps);
    assert_eq!(world.batch.reps.len(), reps_before);
    let grace = world
        .batch
        .leads
        .iter()
        .find(|l| l.name == "Grace Lindqvist")
        .unwrap();
    assert!(grace.owner.is_some(), "the stored owner is kept");
}

#[test]
fn a_name_stub_and_an_id_stub_of_one_company_become_one_account() {
    // Regression: deals named "Meridian Foods Inc." (a name stub) and contacts with only its
    // AccountId (an id stub) stayed on two accounts after the accounts file arrived.
    let contacts = "FirstName,LastName,AccountId,Email\nPriya,Raman,001A0000006Vm9rIAC,priya@meridian.example\n";
    let mut world = World::default();
    import_parsed(parse_text("contacts.csv", contacts).unwrap(), &mut world);
    import("sf_opportunities_report.csv", &mut world);
    let stubs = world
        .batch
        .accounts
        .iter()
        .filter(|a| a.name.contains("Meridian") || a.name.contains("001A0000006Vm9r"))
        .count();
    assert_eq!(stubs, 2, "before: a name stub and an id stub");
    // roomwork marked the name stub at risk; the merge keeps that.
    world
        .batch
        .accounts
        .iter_mut()
        .find(|a| a.name == "Meridian Foods Inc.")
        .unwrap()
        .health = Health::AtRisk;
    let p = import("sf_accounts_dataloader.csv", &mut world);
    assert!(
        p.warnings.iter().any(|w| w.contains("merged")),
        "{:?}",
        p.warnings
    );
    let meridian: Vec<&Account> = world
        .batch
        .accounts
        .iter()
        .filter(|a| a.name == "Meridian Foods Inc.")
        .collect();
    assert_eq!(meridian.len(), 1, "{:#?}", world.batch.accounts);
    let id = meridian[0].id;
    assert_eq!(meridian[0].health, Health::AtRisk);
    assert!(
        world
            .batch
            .accounts
            .iter()
            .all(|a| !a.name.starts_with("Account "))
    );
    assert_eq!(world.batch.contacts[0].account_id, Some(id));
    assert_eq!(
        world
            .opp("Meridian Foods - Dosing skid retrofit")
            .account_id,
        Some(id)
    );
    assert_eq!(
        world
            .opp("Meridian Foods - Annual maintenance contract")
            .account_id,
        Some(id)
    );
}

/// A plan streamed in parts (as the import writes a large file while planning the rest) stores
/// what the one-batch plan stores, with the same report: parts written in order, a deal listed
/// twice within a part and across parts, reps and accounts first referenced in a later part.
#[test]
fn a_plan_streamed_in_parts_stores_what_the_whole_plan_stores() {
    let deals = "Opportunity Name,Account Name,Opportunity Owner,Stage,Amount,Created Date,Last Stage Change Date,Opportunity ID\n\
                 Pump deal,Acme,Dana O'Neil,Qualification,100,1/5/2026,1/5/2026,006A000000AbCdZ\n\
                 Valve deal,Acme,Dana O'Neil,Proposal,200,1/6/2026,1/6/2026,006A000000AbCdY\n\
                 Pump deal,Acme,Dana O'Neil,Proposal,150,1/5/2026,2/1/2026,006A000000AbCdZ\n\
                 Skid deal,Brightline,Sam Ruiz,Negotiation/Review,300,1/7/2026,1/9/2026,006A000000AbCdX\n\
                 Meter deal,Corvo,Sam Ruiz,closed-won,400,1/8/2026,1/20/2026,006A000000AbCdW\n\
                 Valve deal,Acme,Dana O'Neil,Negotiation,250,1/6/2026,2/3/2026,006A000000AbCdY\n\
                 Heat deal,Dunmore,Ana Lima,Won,500,1/9/2026,1/30/2026,006A000000AbCdV\n";
    // Stored first, so that some rows update and some create.
    let stored = "Opportunity Name,Account Name,Opportunity Owner,Stage,Amount,Created Date,Opportunity ID\n\
                  Skid deal,Brightline,Sam Ruiz,Qualification,300,1/7/2026,006A000000AbCdX\n";
    let run = |part: Option<usize>| {
        let mut world = World::default();
        import_parsed(parse_text("stored.csv", stored).unwrap(), &mut world);
        let parsed = parse_text("deals.csv", deals).unwrap();
        let mut existing = world.existing();
        let mut parts = Vec::new();
        let mut keep = |b: Batch| {
            parts.push(b);
            ControlFlow::Continue(())
        };
        let p = plan_in_parts(
            parsed,
            &mut existing,
            part.map(|n| (n, &mut keep as roomwork_ingest::resolve::Emit<'_>)),
        );
        if let Some(n) = part {
            assert!(parts.len() >= 2, "{} parts of {n}", parts.len());
        }
        for b in &parts {
            world.apply(b);
        }
        world.apply(&p.batch);
        (world, p)
    };
    let (whole, whole_plan) = run(None);
    for part in [1, 2, 3] {
        let (streamed, plan) = run(Some(part));
        let view = |w: &World| {
            let mut deals: Vec<_> = w
                .batch
                .opportunities
                .iter()
                .map(|o| {
                    let account = w.batch.accounts.iter().find(|a| Some(a.id) == o.account_id);
                    let owner = w.batch.reps.iter().find(|r| Some(r.id) == o.owner);
                    (
                        o.ext_key.clone(),
                        o.name.clone(),
                        o.stage.as_str().to_string(),
                        o.amount,
                        account.map(|a| a.name.clone()),
                        owner.map(|r| r.name.clone()),
                        o.stage_history
                            .iter()
                            .map(|c| (c.stage.as_str().to_string(), c.entered_on))
                            .collect::<Vec<_>>(),
                    )
                })
                .collect();
            deals.sort_by(|a, b| a.0.cmp(&b.0));
            let mut accounts: Vec<_> = w.batch.accounts.iter().map(|a| a.name.clone()).collect();
            accounts.sort();
            let mut reps: Vec<_> = w.batch.reps.iter().map(|r| r.name.clone()).collect();
            reps.sort();
            (deals, accounts, reps)
        };
        assert_eq!(view(&streamed), view(&whole), "parts of {part}");
        assert_eq!(plan.tallies, whole_plan.tallies, "parts of {part}");
        assert_eq!(plan.warnings, whole_plan.warnings, "parts of {part}");
        assert_eq!(plan.stages, whole_plan.stages, "parts of {part}");
    }
    let pump = whole.opp("Pump deal");
    let stages: Vec<&str> = pump
        .stage_history
        .iter()
        .map(|c| c.stage.as_str())
        .collect();
    assert_eq!(stages, ["Qualification", "Proposal"]);
}

#[test]
fn a_streamed_plan_stops_when_the_writer_gives_up() {
    let mut text = String::from(
        "Opportunity Name,Account Name,Opportunity Owner,Stage,Amount,Created Date,Opportunity ID\n",
    );
    for i in 0..10 {
        text.push_str(&format!(
            "Deal {i},Acme,Sam Ruiz,Qualification,100,1/7/2026,006A000000Ab{i:03}\n"
        ));
    }
    let parsed = parse_text("deals.csv", &text).unwrap();
    let mut existing = Existing::default();
    let mut parts = 0;
    // The writer takes the first part of three deals, then fails.
    let mut give_up = |b: Batch| {
        assert_eq!(b.opportunities.len(), 3);
        parts += 1;
        ControlFlow::Break(())
    };
    let p = plan_in_parts(
        parsed,
        &mut existing,
        Some((3, &mut give_up as roomwork_ingest::resolve::Emit<'_>)),
    );
    assert_eq!(parts, 1, "no part after the writer gave up");
    assert!(
        p.batch.opportunities.is_empty(),
        "{:?}",
        p.batch.opportunities
    );
    assert_eq!(
        existing.opportunities.len(),
        3,
        "the rows after the third were not planned"
    );
}
