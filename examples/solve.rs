//! Solve one assignment instance from a file and time the solve call alone,
//! so the figures can be put beside other tools.
//!
//! ```text
//! cargo run --release --example solve -- FILE [--objective max_weight|max_cardinality|egalitarian]
//!                                             [--repeat N] [--verify] [--pathfinding]
//! ```
//!
//! Formats (detected from the first line):
//! * dense: `R C`, then `R × C` integers (maximise);
//! * sparse: `N M E`, a line of `M` capacities, then `E` lines `p m w`
//!   (0-based, maximise);
//! * OR-Library dense `assignN.txt`: `n`, then `n × n` costs (minimise);
//! * OR-Library sparse `assignpN.txt`: `n`, then lines `i j c`, 1-based
//!   (minimise).
//!
//! Minimisation files are solved on negated costs and reported as costs.
//! Defaults: `max_cardinality` for dense and OR-Library files, `max_weight`
//! for sparse ones (the semantics of `bench_py.py ortools_mcf`), `--repeat 3`.
//! Prints the objective, the number assigned, and the median, min and max
//! time of `Problem::solve`. `--pathfinding` times
//! `pathfinding::kuhn_munkres` on a dense file instead (rows ≤ columns).
//!
//! Side by side with the Python peers (same files, same 2-core machine,
//! only the solve call timed on both sides):
//!
//! ```text
//! python3 ../shared/bench/gen.py --out /work/bench-data
//! python3 -m venv /work/venv-bench
//! /work/venv-bench/bin/pip install -r ../shared/bench/requirements.txt
//! cargo run --release --example solve -- /work/bench-data/uniform_2048x2048.txt --repeat 5
//! /work/venv-bench/bin/python ../shared/bench/bench_py.py lap /work/bench-data/uniform_2048x2048.txt
//! cargo run --release --example solve -- /work/bench-data/sparse_n100000_m5000_c25_k40.txt --repeat 5
//! /work/venv-bench/bin/python ../shared/bench/bench_py.py ortools_mcf /work/bench-data/sparse_n100000_m5000_c25_k40.txt
//! ```

use mentormatch::assign::{Objective, Problem};
use std::time::Instant;

fn fail(msg: &str) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(2);
}

fn parse_i64(tok: &str) -> i64 {
    tok.parse()
        .unwrap_or_else(|_| fail(&format!("not an integer: {tok:?}")))
}

/// Integers of a text, parsed on the fly (no token list: the sparse
/// benchmark file has 12 million of them).
struct Numbers<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Numbers<'_> {
    fn next(&mut self) -> i64 {
        let b = self.bytes;
        while self.at < b.len() && b[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        let start = self.at;
        while self.at < b.len() && !b[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        if start == self.at {
            fail("file ends too early");
        }
        parse_i64(std::str::from_utf8(&b[start..self.at]).unwrap_or_else(|_| fail("not UTF-8")))
    }

    fn size(&mut self) -> usize {
        usize::try_from(self.next()).unwrap_or_else(|_| fail("negative size"))
    }

    fn at_end(&mut self) -> bool {
        while self.at < self.bytes.len() && self.bytes[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        self.at == self.bytes.len()
    }
}

/// The problem, whether weights are negated costs, and the default objective.
fn load(path: &str) -> (Problem, bool, Objective) {
    let text = std::fs::read(path).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
    let first_line = text.split(|&c| c == b'\n').next().unwrap_or(&[]);
    let head = first_line
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
        .count();
    let mut nums = Numbers {
        bytes: &text,
        at: 0,
    };
    let ok = |r: Result<(), mentormatch::Error>| r.unwrap_or_else(|e| fail(&e.to_string()));
    match head {
        3 => {
            let (n_left, n_right, n_edges) = (nums.size(), nums.size(), nums.size());
            let caps = (0..n_right)
                .map(|_| u32::try_from(nums.next()).unwrap_or_else(|_| fail("bad capacity")))
                .collect();
            let mut p = Problem::new(n_left, caps);
            p.reserve(n_edges);
            for _ in 0..n_edges {
                let (left, right) = (nums.size(), nums.size());
                ok(p.add_edge(left, right, nums.next()));
            }
            (p, false, Objective::MaxWeight)
        }
        2 => {
            let (r, c) = (nums.size(), nums.size());
            let len = r.checked_mul(c).unwrap_or_else(|| fail("matrix too large"));
            let w: Vec<i64> = (0..len).map(|_| nums.next()).collect();
            let p = Problem::from_dense(r, c, &w).unwrap_or_else(|e| fail(&e.to_string()));
            (p, false, Objective::MaxCardinality)
        }
        1 => {
            let n = nums.size();
            let mut rest = Vec::new();
            while !nums.at_end() {
                rest.push(nums.next());
            }
            if n.checked_mul(n) == Some(rest.len()) {
                let w: Vec<i64> = rest.iter().map(|c| -c).collect();
                let p = Problem::from_dense(n, n, &w).unwrap_or_else(|e| fail(&e.to_string()));
                (p, true, Objective::MaxCardinality)
            } else {
                if rest.len() % 3 != 0 {
                    fail("OR-Library sparse file: the numbers after n are not triples");
                }
                let mut p = Problem::new(n, vec![1; n]);
                for t in rest.chunks(3) {
                    if t[0] < 1 || t[1] < 1 {
                        fail("OR-Library sparse indices are 1-based");
                    }
                    ok(p.add_edge(t[0] as usize - 1, t[1] as usize - 1, -t[2]));
                }
                (p, true, Objective::MaxCardinality)
            }
        }
        _ => fail("unknown format (first line must hold 1, 2 or 3 numbers)"),
    }
}

/// Time `pathfinding::kuhn_munkres` on the same dense instance (rows ≤
/// columns, as it requires), for a side-by-side figure.
fn peer_pathfinding(p: &Problem, repeat: usize, path: &str) {
    if !p.is_dense() || p.n_left() > p.n_right() {
        fail("--pathfinding needs a dense file with rows ≤ columns");
    }
    let w: Vec<i64> = p.edges().map(|e| e.2).collect();
    let m = pathfinding::matrix::Matrix::from_vec(p.n_left(), p.n_right(), w)
        .unwrap_or_else(|e| fail(&e.to_string()));
    let mut times = Vec::new();
    let mut total = 0;
    for _ in 0..repeat {
        let t = Instant::now();
        total = pathfinding::kuhn_munkres::kuhn_munkres(&m).0;
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{{\"instance\": {:?}, \"solver\": \"pathfinding\", \"objective\": {total}, \"runs\": {}, \"median_s\": {:.4}}}",
        path.rsplit('/').next().unwrap_or(path),
        times.len(),
        times[times.len() / 2]
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let mut objective = None;
    let mut repeat = 3usize;
    let mut verify = false;
    let mut pathfinding = false;
    let mut k = 0;
    while k < args.len() {
        match args[k].as_str() {
            "--objective" => {
                k += 1;
                let o = args.get(k).map_or("", String::as_str);
                objective = Some(
                    serde_json::from_str::<Objective>(&format!("\"{o}\""))
                        .unwrap_or_else(|_| fail(&format!("unknown objective {o:?}"))),
                );
            }
            "--repeat" => {
                k += 1;
                repeat = args
                    .get(k)
                    .and_then(|s| s.parse().ok())
                    .filter(|&r| r > 0)
                    .unwrap_or_else(|| fail("--repeat needs a positive integer"));
            }
            "--verify" => verify = true,
            "--pathfinding" => pathfinding = true,
            s if s.starts_with("--") => fail(&format!("unknown option {s}")),
            s => path = Some(s.to_owned()),
        }
        k += 1;
    }
    let path =
        path.unwrap_or_else(|| fail("usage: solve FILE [--objective O] [--repeat N] [--verify]"));
    let t0 = Instant::now();
    let (p, minimise, default_objective) = load(&path);
    let load_s = t0.elapsed().as_secs_f64();
    let objective = objective.unwrap_or(default_objective);
    if pathfinding {
        peer_pathfinding(&p, repeat, &path);
        return;
    }
    let mut times = Vec::with_capacity(repeat);
    let mut result = None;
    for _ in 0..repeat {
        let t = Instant::now();
        let a = p.solve(objective).unwrap_or_else(|e| fail(&e.to_string()));
        times.push(t.elapsed().as_secs_f64());
        if let Some(prev) = &result {
            assert_eq!(prev, &a, "the result changed between runs");
        }
        result = Some(a);
    }
    let a = result.expect("repeat ≥ 1");
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let obj = if minimise {
        -a.total_weight()
    } else {
        a.total_weight()
    };
    let verified = if verify {
        let t = Instant::now();
        a.verify(&p)
            .unwrap_or_else(|e| fail(&format!("certificate rejected: {e}")));
        format!(
            ", \"verified\": true, \"verify_s\": {:.4}",
            t.elapsed().as_secs_f64()
        )
    } else {
        String::new()
    };
    println!(
        "{{\"instance\": {:?}, \"objective_kind\": {}, \"sense\": \"{}\", \"objective\": {obj}, \"matched\": {}, \"runs\": {}, \"median_s\": {median:.4}, \"min_s\": {:.4}, \"max_s\": {:.4}, \"load_s\": {load_s:.2}{verified}}}",
        path.rsplit('/').next().unwrap_or(&path),
        serde_json::to_string(&objective).unwrap_or_default(),
        if minimise { "min" } else { "max" },
        a.matched(),
        times.len(),
        times[0],
        times[times.len() - 1],
    );
}
