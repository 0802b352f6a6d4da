//! The whole pipeline on the bundled fixtures: validate, candidates, solve +
//! report. Inputs are built outside the timed closures; each iteration
//! asserts the answer (`cargo bench -- --test` runs every closure once).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mentormatch::model::InstanceData;
use mentormatch::{Candidates, Config, Instance, MatchObjective, Matcher};

fn load(name: &str) -> (String, InstanceData) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture readable");
    let data = serde_json::from_str(&text).expect("fixture parses");
    (text, data)
}

fn pipeline(c: &mut Criterion) {
    for (label, file) in [
        ("luxembourg", "letzwork-luxembourg.json"),
        ("saxony", "arbeitsmarktmentoren-sachsen.json"),
    ] {
        let (text, data) = load(file);
        let inst = Instance::new(data.clone()).expect("valid");
        let cfg = Config::default();
        let cands = Candidates::compute(&inst, &cfg).expect("candidates");
        let reference = Matcher::new(cfg.clone())
            .run_with_candidates(&inst, &cands)
            .expect("run");
        let mut g = c.benchmark_group(format!("pipeline/{label}"));
        g.sample_size(10);
        g.throughput(Throughput::Elements(data.participants.len() as u64));
        g.bench_function("parse+validate", |b| {
            b.iter(|| {
                let i = Instance::from_json(black_box(&text)).expect("valid");
                assert_eq!(i.participant_count(), data.participants.len());
            });
        });
        g.bench_function("candidates", |b| {
            b.iter(|| {
                let c = Candidates::compute(black_box(&inst), &cfg).expect("candidates");
                assert_eq!(c.mentor_pair_count(), cands.mentor_pair_count());
            });
        });
        for obj in [MatchObjective::MaxCardinality, MatchObjective::Stable] {
            let m = Matcher::new(cfg.clone().objective(obj));
            g.bench_function(format!("solve+report/{obj:?}"), |b| {
                b.iter(|| {
                    let r = m
                        .run_with_candidates(black_box(&inst), &cands)
                        .expect("run");
                    if obj == MatchObjective::MaxCardinality {
                        assert_eq!(r.summary, reference.summary);
                    } else {
                        assert_eq!(r.fairness.mentor.blocking_pairs, 0);
                    }
                });
            });
        }
        g.finish();
    }
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
