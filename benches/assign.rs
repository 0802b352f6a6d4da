//! Criterion benches of the matching core.
//!
//! * Seeded size sweeps (built outside the timed closure, answer asserted
//!   inside): dense uniform 0..=1000 and "structured" (10 × dot product of
//!   64-skill 0/1 vectors + noise, as `shared/bench/gen.py`), both through
//!   `Problem::from_dense` (Jonker–Volgenant), beside
//!   `pathfinding::kuhn_munkres` on the small sizes; sparse capacitated,
//!   popularity-skewed candidate graphs (successive shortest paths).
//! * Every OR-Library instance in `../shared/external/orlib-assign`, checked
//!   against its published optimum.
//! * The `gen.py` instances, when `MENTORMATCH_BENCH_DATA` names the
//!   directory they were written to (they are too large to commit).
//!
//! `cargo bench --bench assign -- --test` runs each once (as CI does).

// Generators and matrices read best in the usual n, m, k, w, p names.
#![allow(clippy::many_single_char_names)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mentormatch::assign::{Objective, Problem};
use pathfinding::prelude::{Matrix, kuhn_munkres};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn uniform(n: usize, seed: u64) -> Vec<i64> {
    let mut r = Rng(seed);
    (0..n * n).map(|_| r.below(1001) as i64).collect()
}

fn structured(n: usize, seed: u64) -> Vec<i64> {
    let mut r = Rng(seed);
    let p: Vec<f64> = (0..64).map(|_| 0.05 + 0.45 * r.unit()).collect();
    let mut side = || -> Vec<u64> {
        (0..n)
            .map(|_| (0..64).fold(0u64, |acc, k| acc | (u64::from(r.unit() < p[k]) << k)))
            .collect()
    };
    let (a, b) = (side(), side());
    let mut r = Rng(seed ^ 0xabcd);
    let mut w = Vec::with_capacity(n * n);
    for x in &a {
        for y in &b {
            w.push(10 * i64::from((x & y).count_ones()) + r.below(20) as i64);
        }
    }
    w
}

/// `n` participants, `m` mentors of capacity `cap`, `k` candidates each drawn
/// by popularity (weight ∝ 1/(rank+1)), weights 0..=1000.
fn sparse(n: usize, m: usize, cap: u32, k: usize, seed: u64) -> Problem {
    let mut r = Rng(seed);
    let cumulative: Vec<f64> = (0..m)
        .scan(0.0, |s, j| {
            *s += 1.0 / (j as f64 + 1.0);
            Some(*s)
        })
        .collect();
    let total = cumulative[m - 1];
    let mut p = Problem::new(n, vec![cap; m]);
    let mut chosen = Vec::with_capacity(k);
    for i in 0..n {
        chosen.clear();
        while chosen.len() < k {
            let x = r.unit() * total;
            let j = cumulative.partition_point(|&c| c < x).min(m - 1);
            if !chosen.contains(&j) {
                chosen.push(j);
            }
        }
        for &j in &chosen {
            p.add_edge(i, j, r.below(1001) as i64).unwrap();
        }
    }
    p
}

fn dense(c: &mut Criterion) {
    let mut g = c.benchmark_group("dense_max_cardinality");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    for (family, make) in [
        ("uniform", uniform as fn(usize, u64) -> Vec<i64>),
        ("structured", structured),
    ] {
        for n in [256usize, 512, 1024, 2048] {
            let w = make(n, 20_240_601 + n as u64);
            let p = Problem::from_dense(n, n, &w).unwrap();
            let a = p.solve(Objective::MaxCardinality).unwrap();
            a.verify(&p).unwrap();
            let expected = a.total_weight();
            g.throughput(Throughput::Elements((n * n) as u64));
            g.bench_with_input(
                BenchmarkId::new(format!("{family}/mentormatch"), n),
                &p,
                |b, p| {
                    b.iter(|| {
                        let a = p.solve(Objective::MaxCardinality).unwrap();
                        assert_eq!(a.total_weight(), expected);
                        black_box(a)
                    });
                },
            );
            if n <= 512 {
                let m = Matrix::from_vec(n, n, w.clone()).unwrap();
                g.bench_with_input(
                    BenchmarkId::new(format!("{family}/pathfinding"), n),
                    &m,
                    |b, m| {
                        b.iter(|| {
                            let (total, _) = kuhn_munkres(m);
                            assert_eq!(total, expected);
                            total
                        });
                    },
                );
            }
        }
    }
    g.finish();
}

fn sparse_capacitated(c: &mut Criterion) {
    let mut g = c.benchmark_group("sparse_capacitated");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    for (n, m, cap, k) in [
        (2_000usize, 200usize, 12u32, 30usize),
        (10_000, 1_000, 12, 30),
    ] {
        let p = sparse(n, m, cap, k, 7 + n as u64);
        g.throughput(Throughput::Elements((n * k) as u64));
        for objective in [Objective::MaxWeight, Objective::MaxCardinality] {
            let a = p.solve(objective).unwrap();
            a.verify(&p).unwrap();
            let expected = (a.matched(), a.total_weight());
            let id = BenchmarkId::new(format!("{objective:?}"), format!("n{n}_m{m}_c{cap}_k{k}"));
            g.bench_with_input(id, &p, |b, p| {
                b.iter(|| {
                    let a = p.solve(objective).unwrap();
                    assert_eq!((a.matched(), a.total_weight()), expected);
                    black_box(a)
                });
            });
        }
    }
    g.finish();
}

/// Parses the formats of `examples/solve.rs`: `R C` dense, `N M E` sparse,
/// OR-Library `n` dense or 1-based sparse (costs, negated). Returns the
/// problem and whether weights were negated.
fn read(path: &Path) -> (Problem, bool) {
    let text = std::fs::read_to_string(path).unwrap();
    let head = text.lines().next().unwrap().split_whitespace().count();
    let nums: Vec<i64> = text
        .split_whitespace()
        .map(|t| t.parse().unwrap())
        .collect();
    let u = |k: usize| nums[k] as usize;
    match head {
        3 => {
            let (n, m, e) = (u(0), u(1), u(2));
            let caps = nums[3..3 + m].iter().map(|&c| c as u32).collect();
            let mut p = Problem::new(n, caps);
            for t in nums[3 + m..3 + m + 3 * e].chunks(3) {
                p.add_edge(t[0] as usize, t[1] as usize, t[2]).unwrap();
            }
            (p, false)
        }
        2 => (Problem::from_dense(u(0), u(1), &nums[2..]).unwrap(), false),
        _ if nums.len() == 1 + u(0) * u(0) => {
            let w: Vec<i64> = nums[1..].iter().map(|c| -c).collect();
            (Problem::from_dense(u(0), u(0), &w).unwrap(), true)
        }
        _ => {
            let mut p = Problem::new(u(0), vec![1; u(0)]);
            for t in nums[1..].chunks(3) {
                p.add_edge(t[0] as usize - 1, t[1] as usize - 1, -t[2])
                    .unwrap();
            }
            (p, true)
        }
    }
}

fn orlib(c: &mut Criterion) {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/external/orlib-assign"
    ));
    let Ok(opt) = std::fs::read_to_string(dir.join("assignopt.txt")) else {
        println!(
            "note: {} is missing; OR-Library benches skipped",
            dir.display()
        );
        return;
    };
    let mut g = c.benchmark_group("orlib");
    g.sample_size(10).measurement_time(Duration::from_secs(2));
    for line in opt.lines().skip(1) {
        let mut it = line.split_whitespace();
        let (Some(name), Some(value)) = (it.next(), it.next()) else {
            continue;
        };
        let published: i64 = value.parse().unwrap();
        let (p, _) = read(&dir.join(format!("{name}.txt")));
        g.bench_with_input(BenchmarkId::from_parameter(name), &p, |b, p| {
            b.iter(|| {
                let a = p.solve(Objective::MaxCardinality).unwrap();
                assert_eq!(-a.total_weight(), published, "{name}");
                black_box(a)
            });
        });
    }
    g.finish();
}

fn generated(c: &mut Criterion) {
    let Ok(dir) = std::env::var("MENTORMATCH_BENCH_DATA") else {
        println!("note: set MENTORMATCH_BENCH_DATA to bench the gen.py instances");
        return;
    };
    let mut g = c.benchmark_group("gen_py");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for name in [
        "uniform_2048x2048",
        "uniform_4096x4096",
        "structured_2048x2048",
        "structured_4096x4096",
        "structured_1000x4000",
        "sparse_n100000_m5000_c25_k40",
    ] {
        let path = Path::new(&dir).join(format!("{name}.txt"));
        if !path.exists() {
            println!("note: {} missing", path.display());
            continue;
        }
        let (p, _) = read(&path);
        let objective = if p.is_dense() {
            Objective::MaxCardinality
        } else {
            Objective::MaxWeight
        };
        let a = p.solve(objective).unwrap();
        a.verify(&p).unwrap();
        let expected = a.total_weight();
        g.bench_with_input(BenchmarkId::from_parameter(name), &p, |b, p| {
            b.iter(|| {
                let a = p.solve(objective).unwrap();
                assert_eq!(a.total_weight(), expected);
                black_box(a)
            });
        });
    }
    g.finish();
}

criterion_group!(benches, dense, sparse_capacitated, orlib, generated);
criterion_main!(benches);
