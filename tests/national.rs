//! The national generator: deterministic, exact counts, valid, and mostly
//! matchable under the default rules. Small sizes, so the file runs in
//! well under two seconds.

use std::collections::HashSet;

use mentormatch::model::InstanceData;
use mentormatch::synth::National;
use mentormatch::{Candidates, Config, Instance, Matcher};

fn json(data: &InstanceData) -> String {
    serde_json::to_string(data).expect("serialisable")
}

#[test]
fn deterministic_for_a_seed() {
    let a = National::new().seed(11).participants(1_500).build();
    let b = National::new().seed(11).participants(1_500).build();
    assert_eq!(json(&a), json(&b));
    let c = National::new().seed(12).participants(1_500).build();
    assert_ne!(json(&a), json(&c));
}

#[test]
fn same_output_with_any_thread_count() {
    let generate = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| json(&National::new().seed(5).participants(800).build()))
    };
    assert_eq!(generate(1), generate(3));
}

/// The whole engine on a national instance (scarce places: the mirror
/// solver, the grid, top-k pricing) gives the same report, to the last
/// explanation, on 1 and 2 threads.
#[test]
fn engine_reports_the_same_on_one_and_two_threads() {
    let inst = Instance::new(National::new().seed(3).participants(3_000).build()).unwrap();
    for top_k in [0, 4] {
        let cfg = Config::default().top_k(top_k);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool")
                .install(|| Matcher::new(cfg.clone()).run(&inst).unwrap())
        };
        let (one, two) = (run(1), run(2));
        assert!(one.summary.proven_optimal && one.summary.matched_mentor > 0);
        assert_eq!(one.summary.pruned_pairs > 0, top_k > 0);
        assert_eq!(one, two, "top_k {top_k}");
    }
}

/// Top-k with pricing reaches the optimum of the whole feasible graph on a
/// dense national instance where several pricing rounds are needed (the
/// later ones incremental: only providers whose dual fell are priced for
/// most participants).
#[test]
fn top_k_pricing_over_several_rounds_is_exact() {
    for seed in 1..=3 {
        let inst = Instance::new(
            National::new()
                .seed(seed)
                .participants(3_000)
                .mentors(600)
                .offers(1_200)
                .build(),
        )
        .unwrap();
        let full = Matcher::new(Config::default()).run(&inst).unwrap();
        for k in [1, 2] {
            let pruned = Matcher::new(Config::default().top_k(k)).run(&inst).unwrap();
            let (f, p) = (&full.summary, &pruned.summary);
            assert!(p.proven_optimal && p.pruned_pairs > 0);
            assert!(p.pricing_rounds > 4, "{} rounds", p.pricing_rounds);
            assert_eq!(
                (f.matched_mentor, f.matched_offer),
                (p.matched_mentor, p.matched_offer)
            );
            assert_eq!(
                (f.mentor_total_score, f.offer_total_score),
                (p.mentor_total_score, p.offer_total_score),
                "seed {seed}, top_k {k}"
            );
        }
    }
}

#[test]
fn counts_are_exact_and_scale() {
    for n in [0, 1, 19, 20, 999, 4_000] {
        let g = National::new().participants(n);
        let data = g.build();
        assert_eq!(data.participants.len(), n);
        assert_eq!(data.mentors.len(), g.mentor_count());
        assert_eq!(data.companies.len(), g.company_count());
        let offers: usize = data.companies.iter().map(|c| c.offers.len()).sum();
        assert_eq!(offers, g.offer_count());
        assert_eq!(g.mentor_count(), (n * 5 + 50) / 100);
        assert_eq!(g.offer_count(), (n * 10 + 50) / 100);
    }
    let data = National::new()
        .participants(300)
        .mentors(40)
        .offers(7)
        .companies(5)
        .build();
    assert_eq!((data.mentors.len(), data.companies.len()), (40, 5));
    assert_eq!(
        data.companies.iter().map(|c| c.offers.len()).sum::<usize>(),
        7
    );
}

#[test]
fn records_keep_their_identity_when_more_are_asked_for() {
    // Each record has its own random stream, so the first participants of a
    // larger instance are those of a smaller one (ids are padded alike).
    let small = National::new().participants(100).build();
    let large = National::new().participants(1_000).build();
    assert_eq!(small.participants[..], large.participants[..100]);
}

#[test]
fn valid_and_realistic() {
    let data = National::new().seed(3).participants(3_000).build();
    let cities = National::cities();
    // Everyone lives within the reach of a listed city's area.
    for p in &data.participants {
        let near = cities
            .iter()
            .any(|c| c.location().distance_km(p.location) <= c.radius_km() + 15.5);
        assert!(near, "{} is far from every city", p.id);
        assert!((10.0..=50.0).contains(&p.max_travel_km));
        assert!(p.languages.iter().any(|l| l.code == "de"));
    }
    let origins: HashSet<&str> = data
        .participants
        .iter()
        .filter_map(|p| p.audit.get("origin").map(String::as_str))
        .collect();
    for o in ["UA", "SY", "AF", "IQ", "TR", "ER"] {
        assert!(origins.contains(o), "no participant from {o}");
    }
    // Berlin, the largest city, has the largest share of participants.
    let in_state = |s: &str| {
        data.participants
            .iter()
            .filter(|p| p.audit.get("state").map(String::as_str) == Some(s))
            .count()
    };
    assert!(in_state("BE") > in_state("HH"));
    assert!(in_state("NW") > in_state("BE")); // many cities in North Rhine-Westphalia
    assert!(
        data.mentors
            .iter()
            .all(|m| m.languages[0].code == "de" && (1..=45).contains(&m.capacity))
    );
    assert!(!data.pinned.is_empty() && !data.forbidden.is_empty());

    let inst = Instance::new(data).expect("the generator's output is valid");
    assert_eq!(inst.participant_count(), 3_000);
}

#[test]
fn most_participants_have_a_feasible_mentor() {
    // At 5,000 participants there are 250 mentors; with fewer, smaller cities
    // have none and more people are simply too far from every mentor.
    let data = National::new().seed(4).participants(5_000).build();
    let seeking = data.participants.iter().filter(|p| p.seeks_mentor).count();
    let inst = Instance::new(data).expect("valid");
    let cands = Candidates::compute(&inst, &Config::default()).expect("candidates");
    let export = cands.export(&inst);
    let with_mentor: HashSet<&str> = export
        .mentor_pairs
        .iter()
        .map(|p| p.participant.as_str())
        .collect();
    let with_offer: HashSet<&str> = export
        .offer_pairs
        .iter()
        .map(|p| p.participant.as_str())
        .collect();
    let share = with_mentor.len() as f64 / seeking as f64;
    assert!(share > 0.8, "only {share:.2} have a feasible mentor");
    // Offers are scarcer (10 % of participants) but within reach for many.
    assert!(with_offer.len() > 5_000 / 2, "{}", with_offer.len());
}
