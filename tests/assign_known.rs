//! Known answers from public sources, read from `../shared/external/` (see
//! its README for provenance). Each test prints a note and passes when the
//! directory is missing, so the crate also tests outside this checkout.
//!
//! * OR-Library linear assignment (J.E. Beasley, *J. Oper. Res. Soc.* 41,
//!   1990), optima from OR-Library's `assignopt.txt`; minimisation, so
//!   weights are negated. `cargo test` runs assign100..400 and assignp800;
//!   `cargo run --release --example solve` and the bench run all of them.
//! * `gatagat/lap` test matrices (optima published in `test_lapjv.py`).
//! * Small LSAP cases typed from the scipy, OR-Tools, GLPK and `gatagat/lap`
//!   test suites (`lsap-small/*.json`): `null` is a forbidden pair; a
//!   rectangular case assigns `min(rows, cols)` pairs, i.e.
//!   `MaxCardinality`; "infeasible" means fewer than `min(rows, cols)` can
//!   be assigned. Float-only and NaN/−inf cases (`"invalid_entry"`) are
//!   skipped: the core takes integer weights only, by design.

// Matrix code reads best in the usual n, w, p, a names.
#![allow(clippy::many_single_char_names)]

use mentormatch::assign::{Objective, Problem};
use std::path::PathBuf;

fn external(sub: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/external")).join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "note: {} is missing; known-answer test skipped",
            dir.display()
        );
        None
    }
}

fn numbers(text: &str) -> Vec<i64> {
    text.split_whitespace()
        .map(|t| t.parse().expect("integer token"))
        .collect()
}

/// Published optima from OR-Library's `assignopt.txt`.
fn published(dir: &std::path::Path, name: &str) -> i64 {
    let text = std::fs::read_to_string(dir.join("assignopt.txt")).expect("assignopt.txt");
    text.lines()
        .find_map(|l| {
            let mut it = l.split_whitespace();
            (it.next() == Some(name)).then(|| it.next().expect("value").parse().expect("integer"))
        })
        .unwrap_or_else(|| panic!("{name} not in assignopt.txt"))
}

/// OR-Library dense file: `n`, then `n × n` costs (line breaks carry no meaning).
fn orlib_dense(path: &std::path::Path) -> (usize, Vec<i64>) {
    let nums = numbers(&std::fs::read_to_string(path).expect("readable"));
    let n = nums[0] as usize;
    assert_eq!(nums.len(), 1 + n * n, "{}", path.display());
    (n, nums[1..].to_vec())
}

#[test]
fn orlib_dense_reach_published_optimum() {
    let Some(dir) = external("orlib-assign") else {
        return;
    };
    for name in ["assign100", "assign200", "assign300", "assign400"] {
        let (n, cost) = orlib_dense(&dir.join(format!("{name}.txt")));
        let w: Vec<i64> = cost.iter().map(|c| -c).collect();
        let expected = published(&dir, name);
        // Dense Jonker–Volgenant path.
        let p = Problem::from_dense(n, n, &w).unwrap();
        let a = p.solve(Objective::MaxCardinality).unwrap();
        assert_eq!(
            (a.matched(), -a.total_weight()),
            (n, expected),
            "{name} dense"
        );
        a.verify(&p).unwrap();
        // Sparse successive-shortest-path path on the same matrix.
        let mut q = Problem::new(n, vec![1; n]);
        for i in 0..n {
            for j in 0..n {
                q.add_edge(i, j, w[i * n + j]).unwrap();
            }
        }
        let b = q.solve(Objective::MaxCardinality).unwrap();
        assert_eq!(-b.total_weight(), expected, "{name} sparse");
        b.verify(&q).unwrap();
        // Costs are positive, so leaving nobody out is also max weight here
        // only after the offset; MaxWeight alone assigns nobody.
        assert_eq!(q.solve(Objective::MaxWeight).unwrap().matched(), 0);
    }
}

#[test]
fn orlib_sparse_reaches_published_optimum() {
    let Some(dir) = external("orlib-assign") else {
        return;
    };
    let name = "assignp800";
    let nums = numbers(&std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap());
    let n = nums[0] as usize;
    let mut p = Problem::new(n, vec![1; n]);
    for t in nums[1..].chunks(3) {
        p.add_edge(t[0] as usize - 1, t[1] as usize - 1, -t[2])
            .unwrap();
    }
    let a = p.solve(Objective::MaxCardinality).unwrap();
    assert_eq!((a.matched(), -a.total_weight()), (n, published(&dir, name)));
    a.verify(&p).unwrap();
    // Egalitarian keeps the cardinality and certifies its bottleneck.
    let e = p.solve(Objective::Egalitarian).unwrap();
    assert_eq!(e.matched(), n);
    e.verify(&p).unwrap();
}

#[test]
fn gatagat_lap_matrices() {
    let Some(dir) = external("lap-gatagat") else {
        return;
    };
    // (file, published optimum); 2^31 − 1 entries are forbidden pairs in the
    // sparse file (the README notes the optimum is the same either way).
    // The gzip-compressed 1000 × 1000 file is left to the example program.
    for (file, expected) in [
        ("lap_dense_100x100.txt", 198),
        ("lap_dense_100x100_hard.txt", 11399),
        ("lap_sparse_100x100.txt", 11406),
    ] {
        let (n, cost) = orlib_dense(&dir.join(file));
        let mut p = Problem::new(n, vec![1; n]);
        for i in 0..n {
            for j in 0..n {
                let c = cost[i * n + j];
                if c != 2_147_483_647 {
                    p.add_edge(i, j, -c).unwrap();
                }
            }
        }
        let a = p.solve(Objective::MaxCardinality).unwrap();
        assert_eq!((a.matched(), -a.total_weight()), (n, expected), "{file}");
        a.verify(&p).unwrap();
    }
}

/// One integer case of `lsap-small`, or `None` for float/NaN/−inf ones.
struct Case {
    name: String,
    rows: usize,
    cols: usize,
    /// Maximisation weights; `None` = forbidden.
    w: Vec<Option<i64>>,
    sign: i64,
    expected: Result<i64, String>,
}

fn cases() -> Vec<Case> {
    let Some(dir) = external("lsap-small") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for file in ["scipy_lsap_cases.json", "other_lsap_cases.json"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        'case: for c in json["cases"].as_array().unwrap() {
            let name = c["name"].as_str().unwrap().to_owned();
            if c["expected_error"] == "invalid_entry" {
                // NaN / −inf entries: not representable as integer weights.
                continue;
            }
            let rows = c["rows"].as_u64().unwrap() as usize;
            let cols = c["cols"].as_u64().unwrap() as usize;
            let sign = if c["maximize"].as_bool().unwrap() {
                1
            } else {
                -1
            };
            let mut w = Vec::new();
            for row in c["cost"].as_array().unwrap() {
                for x in row.as_array().unwrap() {
                    if x.is_null() {
                        w.push(None);
                    } else if let Some(v) = x.as_i64() {
                        w.push(Some(sign * v));
                    } else {
                        // Float-only case (e.g. lap_arr_loop_7x3_float): skipped.
                        continue 'case;
                    }
                }
            }
            let expected = match c["expected_error"].as_str() {
                Some(e) => Err(e.to_owned()),
                None => Ok(c["expected_total"].as_i64().unwrap()),
            };
            out.push(Case {
                name,
                rows,
                cols,
                w,
                sign,
                expected,
            });
        }
    }
    out
}

fn build(rows: usize, cols: usize, w: &[Option<i64>], transpose: bool) -> Problem {
    let (r, c) = if transpose {
        (cols, rows)
    } else {
        (rows, cols)
    };
    let mut p = Problem::new(r, vec![1; c]);
    for i in 0..rows {
        for j in 0..cols {
            if let Some(x) = w[i * cols + j] {
                let (a, b) = if transpose { (j, i) } else { (i, j) };
                p.add_edge(a, b, x).unwrap();
            }
        }
    }
    p
}

#[test]
fn lsap_small_cases() {
    let cases = cases();
    if cases.is_empty() {
        return;
    }
    assert!(cases.len() >= 60, "only {} integer cases read", cases.len());
    for case in &cases {
        let k = case.rows.min(case.cols);
        // As SciPy does, also solve every case transposed.
        for transpose in [false, true] {
            let p = build(case.rows, case.cols, &case.w, transpose);
            let a = p.solve(Objective::MaxCardinality).unwrap();
            a.verify(&p).unwrap();
            match &case.expected {
                Ok(total) => {
                    assert_eq!(a.matched(), k, "{}", case.name);
                    assert_eq!(case.sign * a.total_weight(), *total, "{}", case.name);
                }
                Err(e) => {
                    assert_eq!(e, "infeasible", "{}", case.name);
                    assert!(a.matched() < k, "{} should be infeasible", case.name);
                }
            }
            let e = p.solve(Objective::Egalitarian).unwrap();
            e.verify(&p).unwrap();
            assert_eq!(e.matched(), a.matched(), "{}", case.name);
        }
        // Complete matrices also go through the dense Jonker–Volgenant path.
        if case.w.iter().all(Option::is_some) {
            let w: Vec<i64> = case.w.iter().map(|x| x.unwrap()).collect();
            let p = Problem::from_dense(case.rows, case.cols, &w).unwrap();
            let a = p.solve(Objective::MaxCardinality).unwrap();
            a.verify(&p).unwrap();
            if let Ok(total) = case.expected {
                assert_eq!(case.sign * a.total_weight(), total, "{} dense", case.name);
            }
        }
    }
}
