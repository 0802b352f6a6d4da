//! The engine's laws, each a named property over small random instances
//! (issue 4), checked by independent code rather than by re-running the
//! engine: the hard rules by `common::mentor_feasible`/`offer_feasible`
//! (written from DESIGN.md, sharing no code with the engine), optima by
//! brute-force enumeration over the feasible pairs, stability and wasteful
//! gaps by direct computation.
//!
//! Strategies live in `tests/laws/strategies.rs`; they build valid
//! instances with `prop_flat_map` (never by filtering). The laws that
//! brute-force use small instances (up to 6 participants); the others also
//! see medium ones (up to 24). `tests/laws/rules.rs` is a second
//! independent checker that follows any `Rules` setting.
//!
//! The laws: `law_feasibility`, `law_optimality_vs_brute_force`,
//! `law_configurable_rules`, `law_no_wasteful_gaps`,
//! `law_no_blocking_pair_under_stable`, `law_explanations`,
//! `law_label_blindness`, `law_order_invariance`, `law_thread_invariance`,
//! `law_waiting_monotonicity`, `law_pinned_kept_forbidden_never_made`,
//! `law_serde_round_trip`; then known answers.
//!
//! Case counts: each law has a default sized so this file runs in well under
//! a minute. Set `PROPTEST_CASES=N` to run every law with N cases instead,
//! for example `PROPTEST_CASES=5000 cargo test --test laws`. Failures are
//! persisted in `proptest-regressions/laws.txt`, which is committed.
//!
//! Preferences for stability: both sides rank by the pair's score. The
//! engine breaks ties by index, that is by id (ids are sorted), lower first.
//! A *blocking pair* (as the report counts it) uses strict preference on
//! scores: a participant and a feasible provider who would both score
//! strictly higher together; pinned holders cannot be displaced and pinned
//! participants do not block. Participant-optimality is checked against the
//! tie-broken strict preferences, under which the optimum is unique.

mod common;
#[path = "laws/rules.rs"]
mod rules;
#[path = "laws/strategies.rs"]
mod strategies;

use std::collections::HashMap;
use std::sync::OnceLock;

use mentormatch::model::{Company, InstanceData, Mentor, MentorId, Offer, OfferId, Participant};
use mentormatch::{
    CandidateExport, Candidates, Config, Instance, MatchObjective, Matcher, Report, Rules,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use strategies::{
    OBJECTIVES, any_config, any_instance, any_rules, audits, instance, objective, weights,
};

/// Proptest configuration with `default` cases unless `PROPTEST_CASES` is set.
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        // Failing cases are replayed first on later runs; the file is committed.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/laws.txt",
        ))),
        ..ProptestConfig::default()
    }
}

fn build(data: &InstanceData) -> Instance {
    Instance::new(data.clone()).expect("strategies build valid instances")
}

fn run(inst: &Instance, cfg: &Config) -> Report {
    Matcher::new(cfg.clone()).run(inst).expect("engine runs")
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

// ---------------------------------------------------------------------------
// One side of an instance as the independent checker sees it.

/// Participants and providers in id order, capacities, feasible scores
/// (checked against the hard rules), pins.
struct SideModel {
    parts: Vec<String>,
    provs: Vec<String>,
    caps: Vec<u32>,
    /// `score[p][q]`: the exported score when (p, q) is feasible.
    score: Vec<Vec<Option<i64>>>,
    pinned: Vec<Option<usize>>,
    /// Lowest score among pinned pairs (as reported), if any: the
    /// Egalitarian minimum is over every matched participant, pinned ones
    /// included.
    pinned_min: Option<i64>,
}

impl SideModel {
    /// Builds the model; panics when the export is not exactly the set of
    /// pairs that `feasible` accepts.
    fn new<'a, Q>(
        data: &'a InstanceData,
        provs: Vec<(&'a str, u32, Q)>,
        exported: &[(&str, &str, i64)],
        feasible: impl Fn(&Participant, &Q) -> bool,
        pinned_of: impl Fn(&'a mentormatch::model::PairRef) -> Option<&'a str>,
    ) -> Self {
        let mut parts: Vec<&Participant> = data.participants.iter().collect();
        parts.sort_by(|a, b| a.id.cmp(&b.id));
        let mut provs = provs;
        provs.sort_by(|a, b| a.0.cmp(b.0));
        let map: HashMap<(&str, &str), i64> =
            exported.iter().map(|&(p, q, s)| ((p, q), s)).collect();
        assert_eq!(map.len(), exported.len(), "a pair is exported twice");
        let mut score = vec![vec![None; provs.len()]; parts.len()];
        for (i, p) in parts.iter().enumerate() {
            for (j, (qid, _, q)) in provs.iter().enumerate() {
                let got = map.get(&(p.id.as_str(), *qid)).copied();
                assert_eq!(
                    feasible(p, q),
                    got.is_some(),
                    "export and hard rules disagree on {} - {qid}",
                    p.id
                );
                score[i][j] = got;
            }
        }
        let p_index: HashMap<&str, usize> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let q_index: HashMap<&str, usize> =
            provs.iter().enumerate().map(|(j, q)| (q.0, j)).collect();
        let mut pinned = vec![None; parts.len()];
        for pr in &data.pinned {
            if let Some(q) = pinned_of(pr) {
                pinned[p_index[pr.participant.as_str()]] = Some(q_index[q]);
            }
        }
        SideModel {
            parts: parts.iter().map(|p| p.id.to_string()).collect(),
            caps: provs.iter().map(|q| q.1).collect(),
            provs: provs.iter().map(|q| q.0.to_owned()).collect(),
            score,
            pinned,
            pinned_min: None,
        }
    }

    /// The mentor side; the hard rules are checked by `common` for the
    /// default rules, by `rules::mentor_ok` otherwise.
    fn mentors(data: &InstanceData, export: &CandidateExport, rules: &Rules) -> Self {
        let exported: Vec<(&str, &str, i64)> = export
            .mentor_pairs
            .iter()
            .map(|x| (x.participant.as_str(), x.mentor.as_str(), x.score))
            .collect();
        SideModel::new(
            data,
            data.mentors
                .iter()
                .map(|m| (m.id.as_str(), m.capacity, m))
                .collect(),
            &exported,
            |p, m: &&Mentor| {
                if *rules == Rules::default() {
                    common::mentor_feasible(data, p, m)
                } else {
                    rules::mentor_ok(rules, data, p, m)
                }
            },
            |pr| pr.mentor.as_ref().map(MentorId::as_str),
        )
    }

    /// The offer side, as [`SideModel::mentors`].
    fn offers(data: &InstanceData, export: &CandidateExport, rules: &Rules) -> Self {
        let exported: Vec<(&str, &str, i64)> = export
            .offer_pairs
            .iter()
            .map(|x| (x.participant.as_str(), x.offer.as_str(), x.score))
            .collect();
        SideModel::new(
            data,
            data.companies
                .iter()
                .flat_map(|c| {
                    c.offers
                        .iter()
                        .map(move |o| (o.id.as_str(), o.slots, (c, o)))
                })
                .collect(),
            &exported,
            |p, (c, o): &(&Company, &Offer)| {
                if *rules == Rules::default() {
                    common::offer_feasible(data, p, c, o)
                } else {
                    rules::offer_ok(rules, data, p, c, o)
                }
            },
            |pr| pr.offer.as_ref().map(OfferId::as_str),
        )
    }

    /// The engine's assignment from (participant id, provider id) pairs.
    fn assignment<'a>(
        &self,
        pairs: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Vec<Option<usize>> {
        let mut a = vec![None; self.parts.len()];
        for (p, q) in pairs {
            let i = self
                .parts
                .iter()
                .position(|x| x == p)
                .expect("known participant");
            let j = self
                .provs
                .iter()
                .position(|x| x == q)
                .expect("known provider");
            assert!(a[i].is_none(), "{p} matched twice on one side");
            a[i] = Some(j);
        }
        a
    }

    fn loads(&self, a: &[Option<usize>]) -> Vec<u32> {
        let mut load = vec![0; self.provs.len()];
        for q in a.iter().flatten() {
            load[*q] += 1;
        }
        load
    }

    /// Every assignment that keeps the pins, uses only feasible pairs for
    /// the others, gives each participant at most one provider and respects
    /// capacities.
    fn enumerate(&self, visit: &mut dyn FnMut(&[Option<usize>])) {
        let mut a = self.pinned.clone();
        let mut rem = self.caps.clone();
        for q in self.pinned.iter().flatten() {
            rem[*q] -= 1;
        }
        self.enumerate_from(0, &mut a, &mut rem, visit);
    }

    fn enumerate_from(
        &self,
        i: usize,
        a: &mut Vec<Option<usize>>,
        rem: &mut Vec<u32>,
        visit: &mut dyn FnMut(&[Option<usize>]),
    ) {
        if i == self.parts.len() {
            visit(a);
            return;
        }
        if self.pinned[i].is_some() {
            self.enumerate_from(i + 1, a, rem, visit);
            return;
        }
        a[i] = None;
        self.enumerate_from(i + 1, a, rem, visit);
        for q in 0..self.provs.len() {
            if self.score[i][q].is_some() && rem[q] > 0 {
                rem[q] -= 1;
                a[i] = Some(q);
                self.enumerate_from(i + 1, a, rem, visit);
                rem[q] += 1;
            }
        }
        a[i] = None;
    }

    /// Objective value of the pairs the solver chooses (pinned pairs are
    /// fixed before the solve and do not enter it, except that the
    /// Egalitarian minimum also counts them); larger is better.
    fn key(&self, objective: MatchObjective, a: &[Option<usize>]) -> (i64, i64, i64) {
        let scores: Vec<i64> = (0..a.len())
            .filter(|&i| self.pinned[i].is_none())
            .filter_map(|i| a[i].map(|q| self.score[i][q].expect("a chosen pair is feasible")))
            .collect();
        let k = scores.len() as i64;
        let total: i64 = scores.iter().sum();
        let free_min = scores.iter().copied().min().unwrap_or(i64::MAX);
        let min = free_min.min(self.pinned_min.unwrap_or(i64::MAX));
        match objective {
            MatchObjective::MaxWeight => (0, 0, total),
            MatchObjective::Egalitarian => (k, min, total),
            _ => (k, 0, total),
        }
    }

    /// Does `i` prefer provider `x` (score `sx`) to `y`? Strict on scores;
    /// with `ties`, equal scores go to the lower index.
    fn better(sx: i64, x: usize, sy: i64, y: usize, ties: bool) -> bool {
        sx > sy || (ties && sx == sy && x < y)
    }

    /// Blocking pairs of `a`: a free participant and a feasible provider,
    /// not together, that both prefer each other (the provider because it
    /// has room or holds a free participant it ranks lower).
    fn blocking(&self, a: &[Option<usize>], ties: bool) -> Vec<(usize, usize)> {
        let load = self.loads(a);
        let mut out = Vec::new();
        for i in 0..a.len() {
            if self.pinned[i].is_some() {
                continue;
            }
            for (q, &score) in self.score[i].iter().enumerate() {
                let Some(s) = score else { continue };
                if a[i] == Some(q) {
                    continue;
                }
                let p_prefers = a[i].is_none_or(|c| {
                    Self::better(s, q, self.score[i][c].expect("feasible"), c, ties)
                });
                let q_prefers = load[q] < self.caps[q]
                    || (0..a.len()).any(|h| {
                        self.pinned[h].is_none()
                            && a[h] == Some(q)
                            && Self::better(s, i, self.score[h][q].expect("feasible"), h, ties)
                    });
                if p_prefers && q_prefers {
                    out.push((i, q));
                }
            }
        }
        out
    }

    /// Participants left without while a feasible provider has room.
    fn wasteful(&self, a: &[Option<usize>]) -> u64 {
        let load = self.loads(a);
        (0..a.len())
            .filter(|&i| {
                a[i].is_none()
                    && (0..self.provs.len())
                        .any(|q| self.score[i][q].is_some() && load[q] < self.caps[q])
            })
            .count() as u64
    }
}

fn sides(data: &InstanceData, inst: &Instance, cfg: &Config) -> (SideModel, SideModel) {
    let export = Candidates::compute(inst, cfg)
        .expect("candidates")
        .export(inst);
    (
        SideModel::mentors(data, &export, &cfg.rules),
        SideModel::offers(data, &export, &cfg.rules),
    )
}

/// Lowest reported score among pinned (mentor, offer) pairs: the floor the
/// Egalitarian minimum counts along with the pairs the solver chooses.
fn pinned_floors(report: &Report) -> (Option<i64>, Option<i64>) {
    (
        report
            .mentor_matches
            .iter()
            .filter(|m| m.pinned)
            .map(|m| m.score)
            .min(),
        report
            .offer_matches
            .iter()
            .filter(|m| m.pinned)
            .map(|m| m.score)
            .min(),
    )
}

fn engine_sides(
    m: &SideModel,
    o: &SideModel,
    r: &Report,
) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    (
        m.assignment(
            r.mentor_matches
                .iter()
                .map(|x| (x.participant.as_str(), x.mentor.as_str())),
        ),
        o.assignment(
            r.offer_matches
                .iter()
                .map(|x| (x.participant.as_str(), x.offer.as_str())),
        ),
    )
}

/// Brute-force check of one side's optimum under `objective`.
fn check_optimal(side: &SideModel, objective: MatchObjective, got: &[Option<usize>]) {
    if objective == MatchObjective::Stable {
        check_stable_optimal(side, got);
        return;
    }
    // The best key, how many assignments reach it, and the last one that did.
    let mut best: Option<(i64, i64, i64)> = None;
    let mut ties = 0usize;
    let mut argbest: Vec<Option<usize>> = Vec::new();
    side.enumerate(&mut |a| {
        let k = side.key(objective, a);
        if best.is_none_or(|b| k > b) {
            (best, ties) = (Some(k), 0);
        }
        if best == Some(k) {
            ties += 1;
            argbest = a.to_vec();
        }
    });
    assert_eq!(
        Some(side.key(objective, got)),
        best,
        "{objective:?}: engine value differs from the brute-force optimum"
    );
    if ties == 1 {
        assert_eq!(
            got,
            argbest.as_slice(),
            "{objective:?}: the optimum is unique and the engine did not find it"
        );
    }
}

/// No blocking pair, and every participant gets their best provider among
/// all stable matchings (tie-broken preferences), found by brute force.
fn check_stable_optimal(side: &SideModel, got: &[Option<usize>]) {
    assert!(
        side.blocking(got, false).is_empty(),
        "Stable: a blocking pair"
    );
    assert!(
        side.blocking(got, true).is_empty(),
        "Stable: a blocking pair under tie-broken preferences"
    );
    // Best provider per participant over stable matchings: rank None lowest,
    // then by (score, lower index first).
    let rank =
        |i: usize, q: Option<usize>| q.map(|q| (side.score[i][q].unwrap_or(i64::MIN), -(q as i64)));
    let mut best: Vec<Option<Option<usize>>> = vec![None; got.len()];
    side.enumerate(&mut |a| {
        if side.blocking(a, true).is_empty() {
            for i in 0..a.len() {
                if best[i].is_none_or(|b| rank(i, a[i]) > rank(i, b)) {
                    best[i] = Some(a[i]);
                }
            }
        }
    });
    for i in 0..got.len() {
        assert_eq!(
            Some(got[i]),
            best[i],
            "Stable: {} does not get their best stable provider",
            side.parts[i]
        );
    }
}

fn pools() -> &'static [rayon::ThreadPool; 2] {
    static POOLS: OnceLock<[rayon::ThreadPool; 2]> = OnceLock::new();
    POOLS.get_or_init(|| {
        let pool = |k| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .expect("thread pool")
        };
        [pool(1), pool(2)]
    })
}

/// A small deterministic shuffle (xorshift), so a seed drawn by proptest
/// reproduces the permutation.
fn shuffle<T>(v: &mut [T], state: &mut u64) {
    for i in (1..v.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        let j = (*state % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

fn shuffled(data: &InstanceData, seed: u64) -> InstanceData {
    let mut d = data.clone();
    let s = &mut (seed | 1);
    shuffle(&mut d.participants, s);
    for p in &mut d.participants {
        shuffle(&mut p.skills, s);
        shuffle(&mut p.languages, s);
        shuffle(&mut p.availability, s);
        shuffle(&mut p.sectors, s);
        shuffle(&mut p.goals, s);
        shuffle(&mut p.mentor_requirements, s);
    }
    shuffle(&mut d.mentors, s);
    for m in &mut d.mentors {
        shuffle(&mut m.skills, s);
        shuffle(&mut m.languages, s);
        shuffle(&mut m.availability, s);
        shuffle(&mut m.sectors, s);
        shuffle(&mut m.tags, s);
    }
    shuffle(&mut d.companies, s);
    for c in &mut d.companies {
        shuffle(&mut c.offers, s);
        for o in &mut c.offers {
            shuffle(&mut o.required_skills, s);
            shuffle(&mut o.required_languages, s);
            shuffle(&mut o.schedule, s);
        }
    }
    shuffle(&mut d.pinned, s);
    shuffle(&mut d.forbidden, s);
    d
}

// ---------------------------------------------------------------------------
// The laws.

proptest! {
    #![proptest_config(cases(3000))]

    /// Under any rule setting: the candidates are exactly the pairs the
    /// rule-aware checker (`tests/laws/rules.rs`) accepts, every pair made
    /// is one of them (unless pinned), and each objective reaches the
    /// brute-force optimum.
    #[test]
    fn law_configurable_rules(data in instance(), rules in any_rules(), w in weights()) {
        let inst = build(&data);
        let base = Config::default().rules(rules).weights(w);
        let cands = Candidates::compute(&inst, &base).expect("candidates");
        let (mut ms, mut os) = sides(&data, &inst, &base);
        for objective in OBJECTIVES {
            let report = Matcher::new(base.clone().objective(objective))
                .run_with_candidates(&inst, &cands)
                .expect("engine runs");
            (ms.pinned_min, os.pinned_min) = pinned_floors(&report);
            let (ma, oa) = engine_sides(&ms, &os, &report);
            for (side, a) in [(&ms, &ma), (&os, &oa)] {
                for (i, q) in a.iter().enumerate() {
                    if let Some(q) = *q {
                        prop_assert!(side.pinned[i] == Some(q) || side.score[i][q].is_some(), "a pair breaks a rule");
                    }
                }
            }
            check_optimal(&ms, objective, &ma);
            check_optimal(&os, objective, &oa);
        }
    }
}

proptest! {
    #![proptest_config(cases(4000))]

    /// Every pair satisfies the hard rules (unless pinned), capacities hold,
    /// at most one mentor and one offer each, scores are the exported ones —
    /// for every objective.
    #[test]
    fn law_feasibility(data in any_instance(), w in weights()) {
        let inst = build(&data);
        // The scores do not depend on the objective: one model for all.
        let (ms, os) = sides(&data, &inst, &Config::default().weights(w.clone()));
        for objective in OBJECTIVES {
            let cfg = Config::default().objective(objective).weights(w.clone());
            let report = run(&inst, &cfg);
            common::check_report(&data, &report);
            let (ma, oa) = engine_sides(&ms, &os, &report);
            for (side, a) in [(&ms, &ma), (&os, &oa)] {
                for ((load, cap), q) in side.loads(a).iter().zip(&side.caps).zip(&side.provs) {
                    prop_assert!(load <= cap, "{} over capacity", q);
                }
            }
            for m in &report.mentor_matches {
                let i = ms.parts.iter().position(|p| *p == m.participant.as_str()).unwrap();
                let q = ma[i].unwrap();
                if let Some(s) = ms.score[i][q] {
                    prop_assert_eq!(m.score, s, "mentor pair score differs from the export");
                }
                // A pinned pair is flagged exactly when it breaks a rule.
                prop_assert_eq!(m.violations.is_empty(), ms.score[i][q].is_some());
            }
            for o in &report.offer_matches {
                let i = os.parts.iter().position(|p| *p == o.participant.as_str()).unwrap();
                let q = oa[i].unwrap();
                if let Some(s) = os.score[i][q] {
                    prop_assert_eq!(o.score, s, "offer pair score differs from the export");
                }
                prop_assert_eq!(o.violations.is_empty(), os.score[i][q].is_some());
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(10000))]

    /// Per objective, the engine's value equals the brute-force optimum over
    /// all assignments of the feasible pairs, and where that optimum is
    /// unique so are the pairs (Stable: no blocking pair and
    /// participant-optimal). Pinned pairs are fixed before the solve and
    /// are not part of the value, except that the Egalitarian minimum is
    /// over every matched participant, pinned ones included.
    #[test]
    fn law_optimality_vs_brute_force(data in instance(), w in weights()) {
        let inst = build(&data);
        let base = Config::default().weights(w);
        let cands = Candidates::compute(&inst, &base).expect("candidates");
        let (mut ms, mut os) = sides(&data, &inst, &base);
        for objective in OBJECTIVES {
            let report = Matcher::new(base.clone().objective(objective))
                .run_with_candidates(&inst, &cands)
                .expect("engine runs");
            (ms.pinned_min, os.pinned_min) = pinned_floors(&report);
            let (ma, oa) = engine_sides(&ms, &os, &report);
            check_optimal(&ms, objective, &ma);
            check_optimal(&os, objective, &oa);
        }
    }
}

proptest! {
    #![proptest_config(cases(3000))]

    /// Under MaxCardinality nobody is left without while a feasible provider
    /// has room; under every objective the report's counter equals the
    /// independent count (zero also for Egalitarian and Stable).
    #[test]
    fn law_no_wasteful_gaps(data in any_instance(), w in weights()) {
        let inst = build(&data);
        // The scores do not depend on the objective: one model for all.
        let (ms, os) = sides(&data, &inst, &Config::default().weights(w.clone()));
        for objective in OBJECTIVES {
            let cfg = Config::default().objective(objective).weights(w.clone());
            let report = run(&inst, &cfg);
            let (ma, oa) = engine_sides(&ms, &os, &report);
            let (gm, go) = (ms.wasteful(&ma), os.wasteful(&oa));
            if objective != MatchObjective::MaxWeight {
                prop_assert_eq!((gm, go), (0, 0), "{:?} leaves a wasteful gap", objective);
            }
            prop_assert_eq!(report.fairness.mentor.wasteful_gaps, gm, "{:?} mentor counter", objective);
            prop_assert_eq!(report.fairness.offer.wasteful_gaps, go, "{:?} offer counter", objective);
        }
    }
}

proptest! {
    #![proptest_config(cases(3000))]

    /// Stable has no blocking pair (computed independently); under every
    /// objective the report's counters equal the independent count.
    #[test]
    fn law_no_blocking_pair_under_stable(data in any_instance(), w in weights()) {
        let inst = build(&data);
        // The scores do not depend on the objective: one model for all.
        let (ms, os) = sides(&data, &inst, &Config::default().weights(w.clone()));
        for objective in OBJECTIVES {
            let cfg = Config::default().objective(objective).weights(w.clone());
            let report = run(&inst, &cfg);
            let (ma, oa) = engine_sides(&ms, &os, &report);
            let (bm, bo) = (ms.blocking(&ma, false).len() as u64, os.blocking(&oa, false).len() as u64);
            if objective == MatchObjective::Stable {
                prop_assert_eq!((bm, bo), (0, 0), "Stable has a blocking pair");
            }
            prop_assert_eq!(report.fairness.mentor.blocking_pairs, bm, "{:?} mentor counter", objective);
            prop_assert_eq!(report.fairness.offer.blocking_pairs, bo, "{:?} offer counter", objective);
        }
    }
}

/// Checks each unmatched entry of one side against the model: the reason
/// kind follows from the feasible providers and their loads, the named
/// provider is the best by (score, lower id), the rule counts cover every
/// provider. Returns the number of entries checked.
fn check_reasons(
    side: &SideModel,
    a: &[Option<usize>],
    entries: &[&mentormatch::Unmatched],
) -> usize {
    use mentormatch::Reason;
    let load = side.loads(a);
    let best = |providers: &mut dyn Iterator<Item = usize>, p: usize| {
        providers.max_by_key(|&q| (side.score[p][q], std::cmp::Reverse(q)))
    };
    for u in entries {
        let i = side
            .parts
            .iter()
            .position(|p| *p == u.participant.as_str())
            .expect("known");
        assert!(
            a[i].is_none(),
            "{} is listed unmatched but has a provider",
            u.participant
        );
        let feasible: Vec<usize> = (0..side.provs.len())
            .filter(|&q| side.score[i][q].is_some())
            .collect();
        let with_room = best(
            &mut feasible.iter().copied().filter(|&q| load[q] < side.caps[q]),
            i,
        );
        match &u.reason {
            Reason::NoFeasibleCandidate { removed_by } => {
                assert!(feasible.is_empty(), "no feasible candidate, but there are");
                assert_eq!(
                    removed_by.values().sum::<u32>() as usize,
                    side.provs.len(),
                    "rule counts"
                );
            }
            Reason::NotChosen {
                feasible: count,
                best: name,
                best_score,
            } => {
                let q = with_room.expect("not chosen although no feasible provider has room");
                assert_eq!(
                    (*count as usize, name.as_str(), Some(*best_score)),
                    (feasible.len(), side.provs[q].as_str(), side.score[i][q])
                );
            }
            Reason::AllTaken {
                feasible: count,
                best: name,
                best_score,
                taken_by,
            } => {
                assert!(
                    with_room.is_none(),
                    "all taken, but a feasible provider has room"
                );
                let q = best(&mut feasible.iter().copied(), i).expect("some feasible provider");
                assert_eq!(
                    (*count as usize, name.as_str(), Some(*best_score)),
                    (feasible.len(), side.provs[q].as_str(), side.score[i][q])
                );
                let mut holders: Vec<&str> =
                    taken_by.iter().map(|h| h.participant.as_str()).collect();
                let mut expected: Vec<&str> = (0..a.len())
                    .filter(|&h| a[h] == Some(q))
                    .map(|h| side.parts[h].as_str())
                    .collect();
                holders.sort_unstable();
                expected.sort_unstable();
                assert_eq!(holders, expected, "holders of the best provider");
            }
            _ => panic!("unknown reason kind"),
        }
    }
    entries.len()
}

proptest! {
    #![proptest_config(cases(3000))]

    /// Every explanation is right: unmatched reasons (kind, best provider,
    /// its score, who holds it, rule counts) and the summary counts agree
    /// with an independent computation, under every objective.
    #[test]
    fn law_explanations(data in any_instance(), w in weights()) {
        let inst = build(&data);
        // The scores do not depend on the objective: one model for all.
        let (ms, os) = sides(&data, &inst, &Config::default().weights(w.clone()));
        for objective in OBJECTIVES {
            let cfg = Config::default().objective(objective).weights(w.clone());
            let report = run(&inst, &cfg);
            let (ma, oa) = engine_sides(&ms, &os, &report);
            let side_entries = |side: mentormatch::Side| -> Vec<&mentormatch::Unmatched> {
                report.unmatched.iter().filter(|u| u.side == side).collect()
            };
            check_reasons(&ms, &ma, &side_entries(mentormatch::Side::Mentor));
            check_reasons(&os, &oa, &side_entries(mentormatch::Side::Offer));
            let s = &report.summary;
            prop_assert_eq!(s.matched_mentor as usize, report.mentor_matches.len());
            prop_assert_eq!(s.matched_offer as usize, report.offer_matches.len());
            prop_assert_eq!(s.mentor_total_score, report.mentor_matches.iter().map(|m| m.score).sum::<i64>());
            prop_assert_eq!(s.offer_total_score, report.offer_matches.iter().map(|m| m.score).sum::<i64>());
            let pinned_ids: Vec<&str> = data.pinned.iter().map(|p| p.participant.as_str()).collect();
            let seeking_m = data.participants.iter().filter(|p| p.seeks_mentor || data.pinned.iter().any(|q| q.participant == p.id && q.mentor.is_some())).count();
            let seeking_o = data.participants.iter().filter(|p| !p.goals.is_empty() || data.pinned.iter().any(|q| q.participant == p.id && q.offer.is_some())).count();
            prop_assert_eq!(s.seeking_mentor as usize, seeking_m);
            prop_assert_eq!(s.seeking_offer as usize, seeking_o);
            prop_assert_eq!(s.pinned as usize, data.pinned.len());
            prop_assert!(pinned_ids.len() >= s.pinned_with_violations as usize);
            prop_assert_eq!(s.mentor_candidates as usize, ms.score.iter().flatten().flatten().count());
            prop_assert_eq!(s.offer_candidates as usize, os.score.iter().flatten().flatten().count());
        }
    }
}

proptest! {
    #![proptest_config(cases(3000))]

    /// Audit labels change no pair and no score: only the group statistics
    /// (which are about the labels) may differ.
    #[test]
    fn law_label_blindness(
        (data, labels) in any_instance().prop_flat_map(|d| {
            let n = d.participants.len();
            (Just(d), audits(n))
        }),
        objective in objective(),
        w in weights(),
    ) {
        let cfg = Config::default().objective(objective).weights(w).alternatives(3);
        let mut relabelled = data.clone();
        for (p, l) in relabelled.participants.iter_mut().zip(labels) {
            p.audit = l;
        }
        let mut unlabelled = data.clone();
        for p in &mut unlabelled.participants {
            p.audit.clear();
        }
        let strip = |mut r: Report| {
            for side in [&mut r.fairness.mentor, &mut r.fairness.offer] {
                side.groups.clear();
                side.match_rate_ratio.clear();
            }
            json(&r)
        };
        let a = strip(run(&build(&data), &cfg));
        prop_assert_eq!(&a, &strip(run(&build(&relabelled), &cfg)));
        prop_assert_eq!(&a, &strip(run(&build(&unlabelled), &cfg)));
    }
}

proptest! {
    #![proptest_config(cases(3000))]

    /// Shuffling every input list changes nothing in the report.
    #[test]
    fn law_order_invariance(data in any_instance(), seed in any::<u64>(), objective in objective(), w in weights()) {
        let cfg = Config::default().objective(objective).weights(w).alternatives(3);
        let a = json(&run(&build(&data), &cfg));
        let b = json(&run(&build(&shuffled(&data, seed)), &cfg));
        prop_assert_eq!(a, b);
    }
}

proptest! {
    #![proptest_config(cases(2000))]

    /// One and two rayon threads give identical reports.
    #[test]
    fn law_thread_invariance(data in any_instance(), objective in objective(), w in weights()) {
        let cfg = Config::default().objective(objective).weights(w).alternatives(3);
        let inst = build(&data);
        let [one, two] = pools();
        let a = json(&one.install(|| run(&inst, &cfg)));
        let b = json(&two.install(|| run(&inst, &cfg)));
        prop_assert_eq!(a, b);
    }
}

proptest! {
    #![proptest_config(cases(4000))]

    /// Raising one participant's waiting days never loses them a mentor or
    /// an offer they had.
    ///
    /// Why it holds: waiting adds the same amount c ≥ 0 to every pair of that
    /// participant and to no other pair (and is no hard rule). With c = 0
    /// the scores are unchanged, so determinism gives the same pairs. With
    /// c > 0, every matching containing the participant gains c in total and
    /// no objective component falls, while matchings without them are
    /// unchanged: for MaxWeight (total), MaxCardinality (count, total) and
    /// Egalitarian (count, min, total) each such key rises strictly while
    /// the others stay put, so the old optimum (with the participant) now
    /// beats every matching without them. For Stable (participant-proposing
    /// deferred acceptance) the participant's own ranking is unchanged and
    /// every provider ranks them at least as high: "respect for
    /// improvements" (Balinski & Sönmez 1999) says the proposer is then no
    /// worse off. Egalitarian is therefore included too.
    #[test]
    fn law_waiting_monotonicity(
        (data, who, extra) in any_instance().prop_flat_map(|d| {
            let n = d.participants.len();
            (Just(d), 0..n, 1u32..=700)
        }),
        w in weights(),
    ) {
        let mut raised = data.clone();
        raised.participants[who].waiting_days += extra;
        let id = data.participants[who].id.as_str();
        let (before, after) = (build(&data), build(&raised));
        for objective in OBJECTIVES {
            let cfg = Config::default().objective(objective).weights(w.clone());
            let (r0, r1) = (run(&before, &cfg), run(&after, &cfg));
            if r0.mentor_of(id).is_some() {
                prop_assert!(r1.mentor_of(id).is_some(), "{:?}: lost a mentor by waiting longer", objective);
            }
            if r0.offer_of(id).is_some() {
                prop_assert!(r1.offer_of(id).is_some(), "{:?}: lost an offer by waiting longer", objective);
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(4000))]

    /// Pinned pairs are kept (flagged `pinned`); forbidden pairs are never
    /// made — under every objective.
    #[test]
    fn law_pinned_kept_forbidden_never_made(data in any_instance(), w in weights()) {
        let inst = build(&data);
        for objective in OBJECTIVES {
            let report = run(&inst, &Config::default().objective(objective).weights(w.clone()));
            for pr in &data.pinned {
                let p = pr.participant.as_str();
                if let Some(m) = &pr.mentor {
                    prop_assert_eq!(report.mentor_of(p), Some(m));
                    let mm = report.mentor_matches.iter().find(|x| x.participant.as_str() == p).unwrap();
                    prop_assert!(mm.pinned);
                }
                if let Some(o) = &pr.offer {
                    prop_assert_eq!(report.offer_of(p), Some(o));
                    let om = report.offer_matches.iter().find(|x| x.participant.as_str() == p).unwrap();
                    prop_assert!(om.pinned);
                }
            }
            for m in &report.mentor_matches {
                prop_assert!(m.pinned == data.pinned.iter().any(|pr| pr.participant == m.participant && pr.mentor.as_ref() == Some(&m.mentor)));
            }
            for o in &report.offer_matches {
                prop_assert!(o.pinned == data.pinned.iter().any(|pr| pr.participant == o.participant && pr.offer.as_ref() == Some(&o.offer)));
            }
            for f in &data.forbidden {
                let p = f.participant.as_str();
                if let Some(m) = &f.mentor {
                    prop_assert_ne!(report.mentor_of(p), Some(m), "forbidden mentor pair made");
                }
                if let Some(o) = &f.offer {
                    prop_assert_ne!(report.offer_of(p), Some(o), "forbidden offer pair made");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(2000))]

    /// Instances, configurations and reports survive a JSON round trip.
    #[test]
    fn law_serde_round_trip(data in any_instance(), cfg in any_config(), objective in objective()) {
        let inst = Instance::from_json(&json(&data)).expect("round-tripped instance is valid");
        prop_assert_eq!(inst.data(), &data);

        let back = Config::from_json(&json(&cfg)).expect("round-tripped config is valid");
        prop_assert_eq!(&back, &cfg);

        let report = run(&inst, &Config::default().objective(objective).alternatives(2));
        let text = json(&report);
        let back: Report = serde_json::from_str(&text).expect("report parses");
        // Exact, computed floats (gini, means) included.
        prop_assert_eq!(&back, &report);
    }
}

proptest! {
    #![proptest_config(cases(1500))]

    /// Pruning candidate lists to the best `k` and pricing the rest with the
    /// solver's duals gives the same optimum (total per side, and count too
    /// under max cardinality) as
    /// solving over every feasible pair, and the report says it is proven.
    #[test]
    fn law_top_k_pricing_is_exact(
        data in any_instance(),
        w in weights(),
        k in 1u32..4,
        max_weight in any::<bool>(),
    ) {
        let inst = build(&data);
        let objective = if max_weight { MatchObjective::MaxWeight } else { MatchObjective::MaxCardinality };
        let base = Config::default().weights(w).objective(objective);
        let full = run(&inst, &base);
        let pruned = run(&inst, &base.clone().top_k(k));
        common::check_report(&data, &pruned);
        prop_assert!(pruned.summary.proven_optimal);
        prop_assert!(full.summary.proven_optimal);
        // Max weight may trade pairs for equal totals (found by this law:
        // 2000 + 3000 on two pairs against 5000 on one), so the count is
        // part of the optimum only under max cardinality.
        if !max_weight {
            prop_assert_eq!(full.summary.matched_mentor, pruned.summary.matched_mentor);
            prop_assert_eq!(full.summary.matched_offer, pruned.summary.matched_offer);
        }
        prop_assert_eq!(full.summary.mentor_total_score, pruned.summary.mentor_total_score);
        prop_assert_eq!(full.summary.offer_total_score, pruned.summary.offer_total_score);
        prop_assert_eq!(full.summary.pruned_pairs, 0);
    }
}

// ---------------------------------------------------------------------------
// Known answers.

/// Coordinates with all 17 significant digits (as computed, not typed,
/// values are) survive `InstanceData` → JSON → `Instance::from_json`. Found
/// by `law_serde_round_trip`: without `serde_json`'s `float_roundtrip`
/// feature (now enabled in Cargo.toml) its fast float parser could land one
/// ULP off the value the shortest-digits printer wrote.
#[test]
fn serde_full_precision_floats_round_trip() {
    let lat: f64 = "49.540476196673396".parse().expect("a float");
    let mut p = Participant::new("p-0", mentormatch::model::Location::new(lat, 5.95), 5.0);
    p.languages.push(mentormatch::model::Language::new(
        "ti",
        mentormatch::model::Cefr::A1,
    ));
    let data = InstanceData {
        participants: vec![p],
        ..InstanceData::default()
    };
    let again = Instance::from_json(&json(&data)).expect("valid");
    assert_eq!(again.data(), &data);
}

/// The same on a report: a computed Gini coefficient (the value from the
/// case proptest found) comes back bit for bit.
#[test]
fn serde_full_precision_report_floats_round_trip() {
    let gini: f64 = "0.18294988969429563".parse().expect("a float");
    let back: f64 = serde_json::from_str(&json(&gini)).expect("parses");
    assert_eq!(back.to_bits(), gini.to_bits());
}

/// Two participants alike in everything but waiting time, one mentor place:
/// the one who waited longer gets it, under every objective (waiting raises
/// every pair score of that participant; DESIGN.md "among equals the
/// longest-waiting go first").
#[test]
fn known_waiting_breaks_a_tie() {
    let person = |id: &str, days: u32| {
        format!(
            r#"{{"id": "{id}", "location": {{"lat": 49.6116, "lon": 6.1319}}, "max_travel_km": 20,
                "languages": [{{"code": "fr", "level": "B1"}}],
                "availability": ["mon 09:00-12:00"], "waiting_days": {days}}}"#
        )
    };
    let text = format!(
        r#"{{"participants": [{}, {}],
            "mentors": [{{"id": "m-0", "location": {{"lat": 49.60, "lon": 6.12}}, "max_travel_km": 20,
                          "capacity": 1, "languages": [{{"code": "fr", "level": "native"}}],
                          "availability": ["mon-fri 08:00-18:00"]}}]}}"#,
        person("p-0", 10),
        person("p-1", 300)
    );
    let inst = Instance::from_json(&text).expect("valid");
    for objective in OBJECTIVES {
        let report = run(&inst, &Config::default().objective(objective));
        assert_eq!(
            report.mentor_of("p-1").map(MentorId::as_str),
            Some("m-0"),
            "{objective:?}"
        );
        assert_eq!(report.mentor_of("p-0"), None, "{objective:?}");
    }
}

/// Where `Stable` and `MaxCardinality` part: p-0 can have m-0 (best for both)
/// or m-1 (farther); p-1 can only reach m-0; one place each. Stable keeps
/// p-0 with m-0 and leaves p-1 out (m-0 is full: no wasteful gap);
/// `MaxCardinality` matches both, p-0 with m-1, which leaves one blocking pair
/// (p-0, m-0): p-0 scores higher with m-0, and m-0 holds p-1 who waited
/// less.
#[test]
fn known_stable_versus_max_cardinality() {
    let inst = Instance::from_json(
        r#"{
      "participants": [
        {"id": "p-0", "location": {"lat": 49.6116, "lon": 6.1319}, "max_travel_km": 30,
         "languages": [{"code": "fr", "level": "native"}], "availability": ["mon-fri 08:00-16:00"],
         "waiting_days": 365},
        {"id": "p-1", "location": {"lat": 49.6116, "lon": 6.1319}, "max_travel_km": 5,
         "languages": [{"code": "fr", "level": "native"}], "availability": ["mon-fri 08:00-16:00"]}
      ],
      "mentors": [
        {"id": "m-0", "location": {"lat": 49.6116, "lon": 6.1319}, "max_travel_km": 30, "capacity": 1,
         "languages": [{"code": "fr", "level": "native"}], "availability": ["mon-fri 08:00-16:00"]},
        {"id": "m-1", "location": {"lat": 49.7016, "lon": 6.1319}, "max_travel_km": 30, "capacity": 1,
         "languages": [{"code": "fr", "level": "native"}], "availability": ["mon-fri 08:00-16:00"]}
      ]
    }"#,
    )
    .expect("valid");
    let mentor = |r: &Report, p: &str| r.mentor_of(p).map(|m| m.as_str().to_owned());
    let stable = run(&inst, &Config::default().objective(MatchObjective::Stable));
    assert_eq!(mentor(&stable, "p-0").as_deref(), Some("m-0"));
    assert_eq!(mentor(&stable, "p-1"), None);
    assert_eq!(stable.fairness.mentor.blocking_pairs, 0);
    assert_eq!(stable.fairness.mentor.wasteful_gaps, 0);
    assert!(matches!(
        stable.unmatched[0].reason,
        mentormatch::Reason::AllTaken { .. }
    ));
    let card = run(&inst, &Config::default());
    assert_eq!(mentor(&card, "p-0").as_deref(), Some("m-1"));
    assert_eq!(mentor(&card, "p-1").as_deref(), Some("m-0"));
    assert_eq!(card.fairness.mentor.blocking_pairs, 1);
    assert!(card.unmatched.is_empty());
}
