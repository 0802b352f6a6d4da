//! Solve one assignment instance from a file and time the solve call alone,
//! so the figures can be put beside other tools.
//!
//! ```text
//! cargo run --release --example solve -- FILE [--objective max_weight|max_cardinality|egalitarian]
//!                                             [--repeat N] [--verify]
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
//! time of `Problem::solve`.

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

/// The problem, whether weights are negated costs, and the default objective.
fn load(path: &str) -> (Problem, bool, Objective) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
    let first_line_len = text.lines().next().unwrap_or("").split_whitespace().count();
    let toks: Vec<&str> = text.split_whitespace().collect();
    let num =
        |k: usize| -> i64 { parse_i64(toks.get(k).unwrap_or_else(|| fail("file ends too early"))) };
    let usize_at =
        |k: usize| -> usize { usize::try_from(num(k)).unwrap_or_else(|_| fail("negative size")) };
    let built = match first_line_len {
        3 => {
            let (n, m, e) = (usize_at(0), usize_at(1), usize_at(2));
            let caps = (0..m)
                .map(|k| u32::try_from(num(3 + k)).unwrap_or_else(|_| fail("bad capacity")))
                .collect();
            let mut p = Problem::new(n, caps);
            let base = 3 + m;
            for k in 0..e {
                let at = base + 3 * k;
                p.add_edge(usize_at(at), usize_at(at + 1), num(at + 2))
                    .map(|()| ())
                    .map_err(|e| e.to_string())
                    .unwrap_or_else(|e| fail(&e));
            }
            Ok((p, false, Objective::MaxWeight))
        }
        2 => {
            let (r, c) = (usize_at(0), usize_at(1));
            let w: Vec<i64> = toks[2..].iter().map(|t| parse_i64(t)).collect();
            Problem::from_dense(r, c, &w).map(|p| (p, false, Objective::MaxCardinality))
        }
        1 => {
            let n = usize_at(0);
            if toks.len() == 1 + n * n {
                let w: Vec<i64> = toks[1..].iter().map(|t| -parse_i64(t)).collect();
                Problem::from_dense(n, n, &w).map(|p| (p, true, Objective::MaxCardinality))
            } else {
                let mut p = Problem::new(n, vec![1; n]);
                for k in (1..toks.len()).step_by(3) {
                    let (i, j) = (usize_at(k), usize_at(k + 1));
                    if i == 0 || j == 0 {
                        fail("OR-Library sparse indices are 1-based");
                    }
                    p.add_edge(i - 1, j - 1, -num(k + 2))
                        .unwrap_or_else(|e| fail(&e.to_string()));
                }
                Ok((p, true, Objective::MaxCardinality))
            }
        }
        _ => fail("unknown format (first line must hold 1, 2 or 3 numbers)"),
    };
    built.unwrap_or_else(|e| fail(&e.to_string()))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let mut objective = None;
    let mut repeat = 3usize;
    let mut verify = false;
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
