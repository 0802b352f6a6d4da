//! Long runs are embeddable: progress by stage, and a cancellation token
//! that stops a run promptly with a typed error.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use mentormatch::{CancelToken, Config, Error, Instance, Matcher, Observer, Stage};

#[derive(Default)]
struct Log {
    events: Mutex<Vec<(Stage, u64, u64)>>,
}

impl Observer for Log {
    fn progress(&self, stage: Stage, done: u64, total: u64) {
        self.events.lock().unwrap().push((stage, done, total));
    }
}

#[test]
fn observer_sees_every_stage_finish_in_order() {
    let data = common::load("arbeitsmarktmentoren-sachsen.json");
    let inst = Instance::new(data).unwrap();
    let log = Arc::new(Log::default());
    let report = Matcher::new(Config::default())
        .observer(log.clone())
        .run(&inst)
        .unwrap();
    assert!(report.summary.matched_mentor > 0);
    let events = log.events.lock().unwrap();
    let finished: Vec<Stage> = events
        .iter()
        .filter(|(_, d, t)| d == t)
        .map(|e| e.0)
        .collect();
    assert_eq!(finished.first(), Some(&Stage::Candidates));
    assert_eq!(finished.last(), Some(&Stage::Report));
    assert!(finished.contains(&Stage::SolveMentors) && finished.contains(&Stage::SolveOffers));
    // Candidate progress is monotone in count and ends at the total.
    let cand: Vec<u64> = events
        .iter()
        .filter(|e| e.0 == Stage::Candidates)
        .map(|e| e.1)
        .collect();
    assert!(
        cand.len() > 10,
        "progress reported only {} times",
        cand.len()
    );
    assert_eq!(*cand.last().unwrap(), 2000);
}

/// Trips the token when scoring is a tenth done.
struct CancelAt {
    token: CancelToken,
    seen: AtomicU64,
}

impl Observer for CancelAt {
    fn progress(&self, stage: Stage, done: u64, total: u64) {
        self.seen.fetch_add(1, Ordering::Relaxed);
        if stage == Stage::Candidates && done * 10 >= total {
            self.token.cancel();
        }
    }
}

#[test]
fn cancelling_mid_run_returns_a_typed_error() {
    let data = common::load("arbeitsmarktmentoren-sachsen.json");
    let inst = Instance::new(data).unwrap();
    let token = CancelToken::new();
    let obs = Arc::new(CancelAt {
        token: token.clone(),
        seen: AtomicU64::new(0),
    });
    let err = Matcher::new(Config::default())
        .observer(obs.clone())
        .cancel_token(token.clone())
        .run(&inst)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Cancelled { stage } if stage == "candidates"),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "cancelled during candidates");
    // Prompt: the run stopped long before reporting every participant.
    assert!(
        obs.seen.load(Ordering::Relaxed) < 60,
        "kept going after cancel"
    );
    assert!(token.is_cancelled());
}

/// Trips the token as the mentor solve starts.
struct CancelAtSolve(CancelToken);

impl Observer for CancelAtSolve {
    fn progress(&self, stage: Stage, done: u64, _total: u64) {
        if stage == Stage::SolveMentors && done == 0 {
            self.0.cancel();
        }
    }
}

#[test]
fn cancelling_during_the_solve_stops_inside_it() {
    let data = common::load("arbeitsmarktmentoren-sachsen.json");
    let inst = Instance::new(data).unwrap();
    let token = CancelToken::new();
    let err = Matcher::new(Config::default())
        .observer(Arc::new(CancelAtSolve(token.clone())))
        .cancel_token(token.clone())
        .run(&inst)
        .unwrap_err();
    // The solver polls the token between insertions: the error names the
    // solve, not the next stage boundary (the report).
    assert!(
        matches!(&err, Error::Cancelled { stage } if stage == "solve mentors"),
        "{err:?}"
    );
}

#[test]
fn pricing_passes_are_reported_inside_their_side() {
    let inst = Instance::new(
        mentormatch::synth::National::new()
            .participants(1500)
            .build(),
    )
    .unwrap();
    let log = Arc::new(Log::default());
    let report = Matcher::new(Config::default().top_k(1))
        .observer(log.clone())
        .run(&inst)
        .unwrap();
    assert!(report.summary.pruned_pairs > 0);
    let events = log.events.lock().unwrap();
    for (solve, price) in [
        (Stage::SolveMentors, Stage::PriceMentors),
        (Stage::SolveOffers, Stage::PriceOffers),
    ] {
        let side: Vec<(Stage, u64)> = events
            .iter()
            .filter(|e| e.0 == solve || e.0 == price)
            .map(|e| (e.0, e.1))
            .collect();
        // The solve starts, then each pass starts and ends, then the solve ends.
        assert_eq!(side.first(), Some(&(solve, 0)));
        assert_eq!(side.last(), Some(&(solve, 1)));
        let passes = &side[1..side.len() - 1];
        assert!(!passes.is_empty(), "{price}: no pricing pass reported");
        for pair in passes.chunks(2) {
            assert_eq!(pair, [(price, 0), (price, 1)]);
        }
        // One pass per solve of this side (the summary counts the side with more).
        assert!(passes.len() / 2 <= report.summary.pricing_rounds as usize);
    }
}

#[test]
fn an_untripped_token_changes_nothing() {
    let data = common::load("letzwork-luxembourg.json");
    let inst = Instance::new(data).unwrap();
    let plain = Matcher::new(Config::default()).run(&inst).unwrap();
    let with = Matcher::new(Config::default())
        .cancel_token(CancelToken::new())
        .run(&inst)
        .unwrap();
    assert_eq!(plain, with);
}
