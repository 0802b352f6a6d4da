//! The pipeline on a national instance of 10,000 participants (500 mentors,
//! 1,000 offers): generate, validate, candidates, solve + report. Inputs are
//! built outside the timed closures; each iteration asserts the answer
//! (`cargo bench -- --test` runs every closure once). Larger sizes are
//! measured by `cargo run --release --example scale`.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mentormatch::synth::National;
use mentormatch::{Candidates, Config, Instance, Matcher, Report, Side};

const PARTICIPANTS: usize = 10_000;

/// Feasible providers per participant id, and every provider's capacity,
/// from the exported candidates: an independent view of the answer.
struct Feasible {
    mentors: HashMap<String, Vec<String>>,
    offers: HashMap<String, Vec<String>>,
    mentor_cap: HashMap<String, u32>,
    offer_cap: HashMap<String, u32>,
}

impl Feasible {
    fn new(inst: &Instance, cands: &Candidates) -> Self {
        let export = cands.export(inst);
        let mut mentors: HashMap<String, Vec<String>> = HashMap::new();
        for p in export.mentor_pairs {
            mentors.entry(p.participant.0).or_default().push(p.mentor.0);
        }
        let mut offers: HashMap<String, Vec<String>> = HashMap::new();
        for p in export.offer_pairs {
            offers.entry(p.participant.0).or_default().push(p.offer.0);
        }
        let data = inst.data();
        Feasible {
            mentors,
            offers,
            mentor_cap: data
                .mentors
                .iter()
                .map(|m| (m.id.0.clone(), m.capacity))
                .collect(),
            offer_cap: data
                .companies
                .iter()
                .flat_map(|c| &c.offers)
                .map(|o| (o.id.0.clone(), o.slots))
                .collect(),
        }
    }

    /// Under `MaxCardinality` nobody is left out while a feasible provider
    /// has room: every unmatched participant's feasible providers are full.
    fn assert_no_wasteful_gap(&self, report: &Report) {
        let mut mentor_load: HashMap<&str, u32> = HashMap::new();
        for m in &report.mentor_matches {
            *mentor_load.entry(m.mentor.as_str()).or_default() += 1;
        }
        let mut offer_load: HashMap<&str, u32> = HashMap::new();
        for o in &report.offer_matches {
            *offer_load.entry(o.offer.as_str()).or_default() += 1;
        }
        for u in &report.unmatched {
            let (feasible, load, cap) = match u.side {
                Side::Mentor => (&self.mentors, &mentor_load, &self.mentor_cap),
                Side::Offer => (&self.offers, &offer_load, &self.offer_cap),
            };
            for q in feasible.get(u.participant.as_str()).into_iter().flatten() {
                let used = load.get(q.as_str()).copied().unwrap_or(0);
                assert!(
                    used >= cap[q],
                    "{} left out while {q} has room",
                    u.participant
                );
            }
        }
    }
}

fn scale(c: &mut Criterion) {
    let generator = National::new().participants(PARTICIPANTS);
    let data = generator.build();
    let inst = Instance::new(data.clone()).expect("the generator's output is valid");
    let cfg = Config::default();
    let cands = Candidates::compute(&inst, &cfg).expect("candidates");
    let matcher = Matcher::new(cfg.clone());
    let reference = matcher
        .run_with_candidates(&inst, &cands)
        .expect("solve + report");
    let feasible = Feasible::new(&inst, &cands);
    feasible.assert_no_wasteful_gap(&reference);

    let mut g = c.benchmark_group(format!("scale/national-{PARTICIPANTS}"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(PARTICIPANTS as u64));
    g.bench_function("generate", |b| {
        b.iter(|| {
            let d = black_box(&generator).build();
            assert_eq!(d.participants.len(), PARTICIPANTS);
            assert_eq!(d.mentors.len(), generator.mentor_count());
        });
    });
    g.bench_function("validate", |b| {
        b.iter_batched(
            || data.clone(),
            |d| {
                let i = Instance::new(d).expect("valid");
                assert_eq!(i.participant_count(), PARTICIPANTS);
            },
            BatchSize::LargeInput,
        );
    });
    g.bench_function("candidates", |b| {
        b.iter(|| {
            let c = Candidates::compute(black_box(&inst), &cfg).expect("candidates");
            assert_eq!(c.mentor_pair_count(), cands.mentor_pair_count());
            assert_eq!(c.offer_pair_count(), cands.offer_pair_count());
        });
    });
    g.bench_function("solve+report", |b| {
        b.iter(|| {
            let r = matcher
                .run_with_candidates(black_box(&inst), &cands)
                .expect("solve + report");
            assert_eq!(r.summary, reference.summary);
            feasible.assert_no_wasteful_gap(&r);
        });
    });
    g.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
