//! The engine end to end on the bundled fixtures: every pair satisfies every
//! hard rule (by the independent checker in `common`), capacities hold, the
//! candidate graph is exactly the feasible pairs, the optimum matches an
//! independent solve with `pathfinding::kuhn_munkres`, and the output does not
//! change with input order, audit labels or thread count.

mod common;

use std::collections::{BTreeSet, HashMap};

use mentormatch::model::InstanceData;
use mentormatch::{CandidateExport, Candidates, Config, Instance, MatchObjective, Matcher, Report};
use pathfinding::prelude::{Matrix, kuhn_munkres};

const LUX: &str = "letzwork-luxembourg.json";
const SAX: &str = "arbeitsmarktmentoren-sachsen.json";

fn run(data: &InstanceData, cfg: Config) -> Report {
    let inst = Instance::new(data.clone()).expect("fixture valid");
    Matcher::new(cfg).run(&inst).expect("run")
}

/// Max cardinality, then max total score, by Kuhn–Munkres on slot-expanded
/// columns with weight `score + big` for feasible pairs and 0 otherwise.
/// Returns (matched, total score).
fn reference_optimum(
    pairs: &[(String, String, i64)],
    capacity: &HashMap<String, u32>,
    pinned: &BTreeSet<(String, String)>,
) -> (usize, i64) {
    let pinned_p: BTreeSet<&str> = pinned.iter().map(|(p, _)| p.as_str()).collect();
    let mut remaining = capacity.clone();
    for (_, q) in pinned {
        *remaining.get_mut(q).unwrap() -= 1;
    }
    let rows: Vec<&str> = pairs
        .iter()
        .map(|(p, _, _)| p.as_str())
        .filter(|p| !pinned_p.contains(p))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut slots: Vec<&str> = Vec::new();
    let mut qs: Vec<&String> = remaining.keys().collect();
    qs.sort();
    for q in qs {
        for _ in 0..remaining[q] {
            slots.push(q);
        }
    }
    if rows.is_empty() || slots.is_empty() {
        return (0, 0);
    }
    let cols = slots.len().max(rows.len());
    let max_score = pairs.iter().map(|x| x.2).max().unwrap_or(0).max(0);
    let big = (rows.len() as i64 + 1) * (max_score + 1);
    let score: HashMap<(&str, &str), i64> = pairs
        .iter()
        .map(|(p, q, s)| ((p.as_str(), q.as_str()), *s))
        .collect();
    let mut m = Matrix::new(rows.len(), cols, 0i64);
    for (i, p) in rows.iter().enumerate() {
        for (j, q) in slots.iter().enumerate() {
            if let Some(s) = score.get(&(*p, *q)) {
                m[(i, j)] = s + big;
            }
        }
    }
    let (_, assign) = kuhn_munkres(&m);
    let mut matched = 0;
    let mut total = 0;
    for (i, &j) in assign.iter().enumerate() {
        if let Some(s) = slots.get(j).and_then(|q| score.get(&(rows[i], *q))) {
            matched += 1;
            total += s;
        }
    }
    (matched, total)
}

fn check_optimal(data: &InstanceData, report: &Report, export: &CandidateExport) {
    let caps: HashMap<String, u32> = data
        .mentors
        .iter()
        .map(|m| (m.id.to_string(), m.capacity))
        .collect();
    let pinned: BTreeSet<(String, String)> = data
        .pinned
        .iter()
        .filter_map(|p| {
            p.mentor
                .as_ref()
                .map(|m| (p.participant.to_string(), m.to_string()))
        })
        .collect();
    let pairs: Vec<(String, String, i64)> = export
        .mentor_pairs
        .iter()
        .map(|x| (x.participant.to_string(), x.mentor.to_string(), x.score))
        .collect();
    let (n, total) = reference_optimum(&pairs, &caps, &pinned);
    let ours: Vec<_> = report.mentor_matches.iter().filter(|m| !m.pinned).collect();
    assert_eq!(
        ours.len(),
        n,
        "mentor side: cardinality differs from Kuhn–Munkres"
    );
    assert_eq!(
        ours.iter().map(|m| m.score).sum::<i64>(),
        total,
        "mentor side: total differs"
    );

    let slots: HashMap<String, u32> = data
        .companies
        .iter()
        .flat_map(|c| c.offers.iter().map(|o| (o.id.to_string(), o.slots)))
        .collect();
    let pinned: BTreeSet<(String, String)> = data
        .pinned
        .iter()
        .filter_map(|p| {
            p.offer
                .as_ref()
                .map(|o| (p.participant.to_string(), o.to_string()))
        })
        .collect();
    let pairs: Vec<(String, String, i64)> = export
        .offer_pairs
        .iter()
        .map(|x| (x.participant.to_string(), x.offer.to_string(), x.score))
        .collect();
    let (n, total) = reference_optimum(&pairs, &slots, &pinned);
    let ours: Vec<_> = report.offer_matches.iter().filter(|m| !m.pinned).collect();
    assert_eq!(
        ours.len(),
        n,
        "offer side: cardinality differs from Kuhn–Munkres"
    );
    assert_eq!(
        ours.iter().map(|m| m.score).sum::<i64>(),
        total,
        "offer side: total differs"
    );
}

#[test]
fn luxembourg_is_feasible_complete_and_optimal() {
    let data = common::load(LUX);
    let inst = Instance::new(data.clone()).unwrap();
    let cfg = Config::default();
    let cands = Candidates::compute(&inst, &cfg).unwrap();
    let export = cands.export(&inst);
    // The candidate graph is exactly the set of feasible pairs.
    let mut want_m = BTreeSet::new();
    let mut want_o = BTreeSet::new();
    for p in &data.participants {
        for m in &data.mentors {
            if common::mentor_feasible(&data, p, m) {
                want_m.insert((p.id.to_string(), m.id.to_string()));
            }
        }
        for c in &data.companies {
            for o in &c.offers {
                if common::offer_feasible(&data, p, c, o) {
                    want_o.insert((p.id.to_string(), o.id.to_string()));
                }
            }
        }
    }
    let got_m: BTreeSet<_> = export
        .mentor_pairs
        .iter()
        .map(|x| (x.participant.to_string(), x.mentor.to_string()))
        .collect();
    let got_o: BTreeSet<_> = export
        .offer_pairs
        .iter()
        .map(|x| (x.participant.to_string(), x.offer.to_string()))
        .collect();
    assert_eq!(got_m, want_m);
    assert_eq!(got_o, want_o);
    assert!(!got_m.is_empty() && !got_o.is_empty());

    let report = Matcher::new(cfg)
        .run_with_candidates(&inst, &cands)
        .unwrap();
    common::check_report(&data, &report);
    check_optimal(&data, &report, &export);
    assert_eq!(report.fairness.mentor.wasteful_gaps, 0);
    assert_eq!(report.fairness.offer.wasteful_gaps, 0);
    assert!(report.summary.matched_mentor > 0 && report.summary.matched_offer > 0);
}

#[test]
fn saxony_is_feasible_and_optimal() {
    let data = common::load(SAX);
    let inst = Instance::new(data.clone()).unwrap();
    let cfg = Config::default();
    let cands = Candidates::compute(&inst, &cfg).unwrap();
    let report = Matcher::new(cfg)
        .run_with_candidates(&inst, &cands)
        .unwrap();
    common::check_report(&data, &report);
    assert_eq!(report.fairness.mentor.wasteful_gaps, 0);
    assert_eq!(report.fairness.offer.wasteful_gaps, 0);
    // Every exported pair is feasible by the independent checker (a sample of
    // participants, to keep the test fast), and none is missing for them.
    let export = cands.export(&inst);
    let sample: Vec<_> = data.participants.iter().step_by(40).collect();
    let got: BTreeSet<(String, String)> = export
        .offer_pairs
        .iter()
        .map(|x| (x.participant.to_string(), x.offer.to_string()))
        .collect();
    for p in sample {
        for c in &data.companies {
            for o in &c.offers {
                let key = (p.id.to_string(), o.id.to_string());
                assert_eq!(
                    common::offer_feasible(&data, p, c, o),
                    got.contains(&key),
                    "{key:?}"
                );
            }
        }
    }
}

#[test]
fn every_objective_respects_the_rules() {
    let data = common::load(LUX);
    let mut matched = HashMap::new();
    for obj in [
        MatchObjective::MaxCardinality,
        MatchObjective::MaxWeight,
        MatchObjective::Egalitarian,
        MatchObjective::Stable,
    ] {
        let report = run(&data, Config::default().objective(obj));
        common::check_report(&data, &report);
        assert_eq!(report.objective, obj);
        matched.insert(
            obj,
            report.summary.matched_mentor + report.summary.matched_offer,
        );
        if obj == MatchObjective::Stable {
            assert_eq!(report.fairness.mentor.blocking_pairs, 0);
            assert_eq!(report.fairness.offer.blocking_pairs, 0);
        }
    }
    let best = matched[&MatchObjective::MaxCardinality];
    assert!(matched.values().all(|&m| m <= best), "{matched:?}");
    assert_eq!(matched[&MatchObjective::Egalitarian], best);
}

/// A deterministic Fisher–Yates shuffle (the test must not depend on a seed source).
fn shuffle<T>(v: &mut [T], seed: &mut u64) {
    for i in (1..v.len()).rev() {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = ((*seed >> 33) % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

#[test]
fn output_does_not_depend_on_input_order() {
    let data = common::load(LUX);
    let cfg = Config::default().alternatives(3);
    let before = serde_json::to_string(&run(&data, cfg.clone())).unwrap();
    let mut seed = 42;
    for _ in 0..3 {
        let mut d = data.clone();
        shuffle(&mut d.participants, &mut seed);
        shuffle(&mut d.mentors, &mut seed);
        shuffle(&mut d.companies, &mut seed);
        for c in &mut d.companies {
            shuffle(&mut c.offers, &mut seed);
        }
        for p in &mut d.participants {
            shuffle(&mut p.languages, &mut seed);
            shuffle(&mut p.skills, &mut seed);
            shuffle(&mut p.availability, &mut seed);
        }
        for m in &mut d.mentors {
            shuffle(&mut m.languages, &mut seed);
            shuffle(&mut m.tags, &mut seed);
        }
        shuffle(&mut d.pinned, &mut seed);
        shuffle(&mut d.forbidden, &mut seed);
        let after = serde_json::to_string(&run(&d, cfg.clone())).unwrap();
        assert!(before == after, "report changed with input order");
    }
}

#[test]
fn audit_labels_change_no_pair() {
    let data = common::load(LUX);
    let before = run(&data, Config::default());
    let mut d = data.clone();
    for (i, p) in d.participants.iter_mut().enumerate() {
        p.audit.clear();
        p.audit.insert(
            "gender".into(),
            if i % 2 == 0 { "x".into() } else { "y".into() },
        );
        p.audit.insert("origin".into(), format!("Z{}", i % 7));
    }
    let after = run(&d, Config::default());
    assert_eq!(before.mentor_matches, after.mentor_matches);
    assert_eq!(before.offer_matches, after.offer_matches);
    assert_eq!(before.unmatched, after.unmatched);
    assert_eq!(before.summary, after.summary);
}

#[test]
fn same_output_with_one_and_two_threads() {
    let data = common::load(LUX);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let cfg = Config::default().alternatives(3);
    let a = one.install(|| serde_json::to_string(&run(&data, cfg.clone())).unwrap());
    let b = two.install(|| serde_json::to_string(&run(&data, cfg.clone())).unwrap());
    assert!(a == b, "thread count changed the report");
}

#[test]
fn report_json_round_trips_and_has_the_design_fields() {
    let data = common::load(LUX);
    let report = run(&data, Config::default().alternatives(2));
    let v = serde_json::to_value(&report).unwrap();
    for key in ["mentor_matches", "offer_matches", "unmatched", "fairness"] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    let m = &v["mentor_matches"][0];
    for key in ["participant", "mentor", "score", "breakdown"] {
        assert!(m.get(key).is_some(), "mentor_matches[0].{key} missing");
    }
    let back: Report = serde_json::from_value(v).unwrap();
    assert_eq!(back, report);
}

#[test]
fn rerun_with_previous_report_keeps_pairs_and_counts_changes() {
    let data = common::load(LUX);
    let inst = Instance::new(data.clone()).unwrap();
    let first = Matcher::new(Config::default()).run(&inst).unwrap();
    let again = Matcher::new(Config::default())
        .previous(mentormatch::Previous::from_report(&first))
        .run(&inst)
        .unwrap();
    common::check_report(&data, &again);
    let c = again.continuity.as_ref().expect("continuity section");
    assert_eq!(c.mentor.previous as usize, first.mentor_matches.len());
    assert_eq!(c.mentor.kept as usize, first.mentor_matches.len());
    assert_eq!(c.offer.kept as usize, first.offer_matches.len());
    assert_eq!(
        c.mentor.changed + c.mentor.lost + c.offer.changed + c.offer.lost,
        0
    );
    // Every kept pair carries the bonus in its breakdown, and the sums still hold.
    let bonus = i64::from(Config::default().weights.continuity) * 1000;
    assert!(
        again
            .mentor_matches
            .iter()
            .all(|m| m.breakdown.continuity == bonus && m.breakdown.total() == m.score)
    );

    // People leave: drop a third of the participants and rerun; pairs of those
    // who left are counted as ended, and nobody else loses a feasible pair.
    let mut fewer = data.clone();
    let gone: Vec<String> = fewer
        .participants
        .iter()
        .step_by(3)
        .map(|p| p.id.to_string())
        .collect();
    fewer
        .participants
        .retain(|p| !gone.contains(&p.id.to_string()));
    fewer
        .pinned
        .retain(|p| !gone.contains(&p.participant.to_string()));
    fewer
        .forbidden
        .retain(|p| !gone.contains(&p.participant.to_string()));
    let inst2 = Instance::new(fewer.clone()).unwrap();
    let rerun = Matcher::new(Config::default())
        .previous(mentormatch::Previous::from_report(&first))
        .run(&inst2)
        .unwrap();
    common::check_report(&fewer, &rerun);
    let c = rerun.continuity.unwrap();
    let ended = first
        .mentor_matches
        .iter()
        .filter(|m| gone.contains(&m.participant.to_string()))
        .count();
    assert_eq!(c.mentor.ended as usize, ended);
    assert_eq!(
        c.mentor.lost, 0,
        "on this fixture, with capacity freed, no remaining participant loses their mentor"
    );
}

#[test]
fn top_k_with_pricing_reaches_the_full_optimum_on_saxony() {
    let data = common::load(SAX);
    for obj in [MatchObjective::MaxCardinality, MatchObjective::MaxWeight] {
        let full = run(&data, Config::default().objective(obj));
        assert!(full.summary.proven_optimal);
        assert_eq!(full.summary.pruned_pairs, 0);
        for k in [1, 5] {
            let pruned = run(&data, Config::default().objective(obj).top_k(k));
            common::check_report(&data, &pruned);
            let (a, b) = (&full.summary, &pruned.summary);
            assert!(b.proven_optimal, "{obj:?} k={k}");
            assert!(
                b.pruned_pairs > 0 && b.pricing_rounds >= 2,
                "{obj:?} k={k}: {b:?}"
            );
            assert_eq!(
                (a.matched_mentor, a.mentor_total_score),
                (b.matched_mentor, b.mentor_total_score),
                "{obj:?} k={k}"
            );
            assert_eq!(
                (a.matched_offer, a.offer_total_score),
                (b.matched_offer, b.offer_total_score),
                "{obj:?} k={k}"
            );
        }
    }
}
