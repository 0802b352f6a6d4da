//! Known answers: the hand-solved instances under `fixtures/known/`, each
//! with an `.expected.json` whose comment says why its answer is right.

mod common;

use std::collections::BTreeMap;

use mentormatch::{Config, Instance, Matcher, Reason, Rule, Side};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    comment: String,
    mentor_matches: BTreeMap<String, String>,
    offer_matches: BTreeMap<String, String>,
    #[serde(default)]
    pinned_violations: BTreeMap<String, Vec<Rule>>,
    unmatched: Vec<ExpectedUnmatched>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedUnmatched {
    participant: String,
    side: Side,
    reason: String,
    #[serde(default)]
    removed_by: Option<BTreeMap<Rule, u32>>,
}

fn reason_kind(r: &Reason) -> &'static str {
    match r {
        Reason::NoFeasibleCandidate { .. } => "no_feasible_candidate",
        Reason::AllTaken { .. } => "all_taken",
        Reason::NotChosen { .. } => "not_chosen",
        _ => "other",
    }
}

#[test]
fn every_known_instance_gives_its_expected_answer() {
    let dir = common::fixture("known");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/known exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".expected.json")
        })
        .collect();
    names.sort();
    assert!(names.len() >= 5, "known fixtures missing");
    for path in names {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let inst = Instance::from_json(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let exp: Expected = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.expected.json"))).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{name}.expected.json: {e}"));
        assert!(!exp.comment.is_empty());
        let report = Matcher::new(Config::default()).run(&inst).unwrap();
        common::check_report(inst.data(), &report);

        let got_m: BTreeMap<String, String> = report
            .mentor_matches
            .iter()
            .map(|m| (m.participant.to_string(), m.mentor.to_string()))
            .collect();
        assert_eq!(got_m, exp.mentor_matches, "{name}: mentor pairs");
        let got_o: BTreeMap<String, String> = report
            .offer_matches
            .iter()
            .map(|m| (m.participant.to_string(), m.offer.to_string()))
            .collect();
        assert_eq!(got_o, exp.offer_matches, "{name}: offer pairs");
        let got_v: BTreeMap<String, Vec<Rule>> = report
            .mentor_matches
            .iter()
            .filter(|m| !m.violations.is_empty())
            .map(|m| (m.participant.to_string(), m.violations.clone()))
            .collect();
        assert_eq!(got_v, exp.pinned_violations, "{name}: pinned violations");

        assert_eq!(
            report.unmatched.len(),
            exp.unmatched.len(),
            "{name}: unmatched count"
        );
        for e in &exp.unmatched {
            let u = report
                .unmatched
                .iter()
                .find(|u| u.participant.as_str() == e.participant && u.side == e.side)
                .unwrap_or_else(|| {
                    panic!(
                        "{name}: {} {:?} not reported unmatched",
                        e.participant, e.side
                    )
                });
            assert_eq!(
                reason_kind(&u.reason),
                e.reason,
                "{name}: reason of {}",
                e.participant
            );
            if let (Some(want), Reason::NoFeasibleCandidate { removed_by }) =
                (&e.removed_by, &u.reason)
            {
                assert_eq!(removed_by, want, "{name}: rule counts of {}", e.participant);
            }
        }
    }
}
