//! Property tests of `mentormatch::assign`, grouped as laws, each checked by
//! an independent oracle (never by re-running our solver):
//!
//! * every result is feasible and its certificate verifies;
//! * optimal value equals brute force on tiny instances, for every objective;
//! * optimal value equals `pathfinding::kuhn_munkres` on capacity-expanded,
//!   padded matrices (`MaxWeight`, `MaxCardinality` with a big-M offset);
//! * the result does not depend on edge order or thread count;
//! * dense and sparse construction agree on the optimum.
//!
//! Case counts are modest; `PROPTEST_CASES` overrides them.

use mentormatch::assign::{Assignment, MAX_WEIGHT, Objective, Problem};
use pathfinding::prelude::{Matrix, kuhn_munkres};
use proptest::prelude::*;

const OBJECTIVES: [Objective; 3] = [
    Objective::MaxWeight,
    Objective::MaxCardinality,
    Objective::Egalitarian,
];

/// A generated instance: shape, capacities and edges.
#[derive(Debug, Clone)]
struct Inst {
    n_left: usize,
    caps: Vec<u32>,
    edges: Vec<(usize, usize, i64)>,
}

impl Inst {
    fn problem(&self) -> Problem {
        let mut p = Problem::new(self.n_left, self.caps.clone());
        for &(i, j, w) in &self.edges {
            p.add_edge(i, j, w).expect("valid edge");
        }
        p
    }
}

/// Weight families: tie-heavy, ordinary with negatives, huge near the bound.
fn weights() -> BoxedStrategy<i64> {
    prop_oneof![
        2 => 0i64..3,
        2 => -20i64..20,
        1 => prop_oneof![(MAX_WEIGHT - 3)..=MAX_WEIGHT, -MAX_WEIGHT..(-MAX_WEIGHT + 3)],
    ]
    .boxed()
}

fn inst(max_left: usize, max_right: usize, max_cap: u32) -> impl Strategy<Value = Inst> {
    (0..=max_left, 0..=max_right, 0.0f64..1.0).prop_flat_map(move |(n_left, n_right, _)| {
        let caps = proptest::collection::vec(1..=max_cap, n_right);
        let cells =
            proptest::collection::vec(proptest::option::weighted(0.6, weights()), n_left * n_right);
        (Just(n_left), caps, cells).prop_map(move |(n_left, caps, cells)| {
            let n_right = caps.len();
            let edges = cells
                .into_iter()
                .enumerate()
                .filter_map(|(k, w)| w.map(|w| (k / n_right.max(1), k % n_right.max(1), w)))
                .collect();
            Inst {
                n_left,
                caps,
                edges,
            }
        })
    })
}

/// Objective value as a comparable key (larger is better).
fn key(objective: Objective, pairs: &[i64]) -> (i64, i64, i64) {
    let total: i64 = pairs.iter().sum();
    let k = pairs.len() as i64;
    match objective {
        Objective::MaxWeight => (0, 0, total),
        Objective::MaxCardinality => (k, 0, total),
        _ => (k, pairs.iter().copied().min().unwrap_or(i64::MAX), total),
    }
}

fn key_of(a: &Assignment) -> (i64, i64, i64) {
    let ws: Vec<i64> = a.pairs().map(|e| e.2).collect();
    key(a.objective(), &ws)
}

/// One level of the brute force: left vertex `i` stays out or takes an edge.
fn rec(
    i: usize,
    adj: &[Vec<(usize, i64)>],
    load: &mut [u32],
    caps: &[u32],
    chosen: &mut Vec<i64>,
    objective: Objective,
    best: &mut Option<(i64, i64, i64)>,
) {
    if i == adj.len() {
        let k = key(objective, chosen);
        if best.is_none_or(|b| k > b) {
            *best = Some(k);
        }
        return;
    }
    rec(i + 1, adj, load, caps, chosen, objective, best);
    for &(j, w) in &adj[i] {
        if load[j] < caps[j] {
            load[j] += 1;
            chosen.push(w);
            rec(i + 1, adj, load, caps, chosen, objective, best);
            chosen.pop();
            load[j] -= 1;
        }
    }
}

/// Brute force: every left vertex tries "unassigned" and each of its edges.
fn brute(inst: &Inst, objective: Objective) -> (i64, i64, i64) {
    let mut adj = vec![Vec::new(); inst.n_left];
    for &(i, j, w) in &inst.edges {
        adj[i].push((j, w));
    }
    let mut best = None;
    let mut load = vec![0; inst.caps.len()];
    rec(
        0,
        &adj,
        &mut load,
        &inst.caps,
        &mut Vec::new(),
        objective,
        &mut best,
    );
    best.expect("the empty assignment exists")
}

/// Kuhn–Munkres on a padded matrix: rows = left vertices, columns = one per
/// unit of capacity (capped at `n_left`) plus one "unassigned" column per row.
/// Real edges weigh `w + offset`, the unassigned columns 0, forbidden cells
/// a penalty that no optimum uses. Returns (matched, total weight).
fn km(inst: &Inst, offset: i64) -> (i64, i64) {
    let n = inst.n_left;
    if n == 0 {
        return (0, 0);
    }
    let mut slots = Vec::new();
    for (j, &c) in inst.caps.iter().enumerate() {
        for _ in 0..(c as usize).min(n) {
            slots.push(j);
        }
    }
    let cols = slots.len() + n;
    let forbidden = -((n as i64 + 1) * (offset + 2 * MAX_WEIGHT + 1));
    let mut w = vec![vec![forbidden; cols]; n];
    for &(i, j, x) in &inst.edges {
        for (c, &s) in slots.iter().enumerate() {
            if s == j {
                w[i][c] = x + offset;
            }
        }
    }
    for (i, row) in w.iter_mut().enumerate() {
        row[slots.len() + i] = 0;
    }
    let m = Matrix::from_rows(w.clone()).expect("rectangular");
    let (total, assign) = kuhn_munkres(&m);
    let matched = assign.iter().filter(|&&c| c < slots.len()).count() as i64;
    let raw: i64 = assign
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c < slots.len())
        .map(|(i, &c)| w[i][c] - offset)
        .sum();
    assert_eq!(total, raw + matched * offset);
    (matched, raw)
}

fn check_feasible(inst: &Inst, a: &Assignment) {
    let mut load = vec![0u32; inst.caps.len()];
    for (i, j, w) in a.pairs() {
        assert!(
            inst.edges.contains(&(i, j, w)),
            "pair ({i}, {j}, {w}) is not an edge"
        );
        load[j] += 1;
    }
    for (j, &l) in load.iter().enumerate() {
        assert!(l <= inst.caps[j], "right {j} over capacity");
        assert_eq!(l, a.load(j));
    }
    assert_eq!(a.matched(), a.pairs().count());
    assert_eq!(a.total_weight(), a.pairs().map(|e| e.2).sum::<i64>());
}

fn config() -> ProptestConfig {
    // `PROPTEST_CASES` wins over this default.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    ProptestConfig::with_cases(cases)
}

proptest! {
    #![proptest_config(config())]

    /// Law: optimal for every objective (brute force), feasible, certified.
    #[test]
    fn optimal_vs_brute_force(inst in inst(6, 4, 3)) {
        let p = inst.problem();
        for objective in OBJECTIVES {
            let a = p.solve(objective).unwrap();
            check_feasible(&inst, &a);
            a.verify(&p).unwrap();
            prop_assert_eq!(key_of(&a), brute(&inst, objective), "{:?}", objective);
        }
    }

    /// Law: MaxWeight and MaxCardinality equal Kuhn–Munkres on the expanded matrix.
    #[test]
    fn optimal_vs_kuhn_munkres(inst in inst(12, 7, 4)) {
        let p = inst.problem();
        let a = p.solve(Objective::MaxWeight).unwrap();
        check_feasible(&inst, &a);
        a.verify(&p).unwrap();
        prop_assert_eq!(a.total_weight(), km(&inst, 0).1);
        let a = p.solve(Objective::MaxCardinality).unwrap();
        check_feasible(&inst, &a);
        a.verify(&p).unwrap();
        // An offset above any weight difference makes KM maximise cardinality first.
        let offset = 2 * MAX_WEIGHT * (inst.n_left as i64 + 1) + 1;
        prop_assert_eq!((a.matched() as i64, a.total_weight()), km(&inst, offset));
        let e = p.solve(Objective::Egalitarian).unwrap();
        check_feasible(&inst, &e);
        e.verify(&p).unwrap();
        prop_assert_eq!(e.matched(), a.matched());
        // Egalitarian: on the edges ≥ its threshold t, Kuhn–Munkres keeps the
        // cardinality and finds the same total; on the edges > t it cannot.
        if let Some(t) = e.certificate().threshold() {
            let above = |strict: bool| Inst {
                edges: inst.edges.iter().copied().filter(|e| if strict { e.2 > t } else { e.2 >= t }).collect(),
                ..inst.clone()
            };
            prop_assert_eq!((e.matched() as i64, e.total_weight()), km(&above(false), offset));
            prop_assert!(km(&above(true), offset).0 < e.matched() as i64);
        }
    }

    /// Law: the result depends only on the set of edges, not their order.
    #[test]
    fn edge_order_invariant(inst in inst(10, 6, 3), seed in any::<u64>()) {
        let mut shuffled = inst.clone();
        // Deterministic Fisher–Yates from the seed.
        let mut s = seed | 1;
        for k in (1..shuffled.edges.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.edges.swap(k, (s % (k as u64 + 1)) as usize);
        }
        for objective in OBJECTIVES {
            prop_assert_eq!(inst.problem().solve(objective).unwrap(), shuffled.problem().solve(objective).unwrap());
        }
    }

    /// Law: dense and sparse construction of a complete matrix agree on the optimum.
    #[test]
    fn dense_equals_sparse(rows in 0usize..7, cols in 0usize..7, seed in any::<u64>(), tie in any::<bool>()) {
        let mut s = seed | 1;
        let mut w = Vec::with_capacity(rows * cols);
        for _ in 0..rows * cols {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            w.push(if tie { (s % 3) as i64 } else { (s % 2001) as i64 - 1000 });
        }
        let dense = Problem::from_dense(rows, cols, &w).unwrap();
        let mut sparse = Problem::new(rows, vec![1; cols]);
        for i in 0..rows {
            for j in 0..cols {
                sparse.add_edge(i, j, w[i * cols + j]).unwrap();
            }
        }
        for objective in OBJECTIVES {
            let a = dense.solve(objective).unwrap();
            let b = sparse.solve(objective).unwrap();
            a.verify(&dense).unwrap();
            b.verify(&sparse).unwrap();
            prop_assert_eq!(key_of(&a), key_of(&b));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: config().cases.div_ceil(8), ..config() })]

    /// Law: on larger complete matrices (where Jonker–Volgenant's reduction
    /// phases do real work), the dense path agrees with the sparse one and
    /// both certificates verify; tie-heavy and wide weight ranges.
    #[test]
    fn dense_equals_sparse_larger(rows in 1usize..60, cols in 1usize..60, seed in any::<u64>(), range in prop_oneof![Just(3i64), Just(1001), Just(MAX_WEIGHT)]) {
        let mut s = seed | 1;
        let w: Vec<i64> = (0..rows * cols)
            .map(|_| {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                (s % (2 * range as u64 + 1)) as i64 - range
            })
            .collect();
        let dense = Problem::from_dense(rows, cols, &w).unwrap();
        let mut sparse = Problem::new(rows, vec![1; cols]);
        for (k, &x) in w.iter().enumerate() {
            sparse.add_edge(k / cols, k % cols, x).unwrap();
        }
        let a = dense.solve(Objective::MaxCardinality).unwrap();
        let b = sparse.solve(Objective::MaxCardinality).unwrap();
        a.verify(&dense).unwrap();
        b.verify(&sparse).unwrap();
        prop_assert_eq!((a.matched(), a.total_weight()), (b.matched(), b.total_weight()));
        prop_assert_eq!(a.matched(), rows.min(cols));
    }
}

/// Sparse capacitated instances deep enough for long augmenting paths:
/// `n` left vertices with `deg` candidates each among `m` right vertices.
fn medium() -> impl Strategy<Value = Inst> {
    (
        40usize..120,
        3usize..25,
        1u32..6,
        1usize..7,
        any::<u64>(),
        prop_oneof![Just(3i64), Just(1000), Just(MAX_WEIGHT)],
    )
        .prop_map(|(n, m, cap, deg, seed, range)| {
            let mut s = seed | 1;
            let mut next = move || {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s
            };
            let caps = (0..m)
                .map(|_| 1 + (next() % u64::from(cap)) as u32)
                .collect();
            let mut edges = Vec::new();
            for i in 0..n {
                let mut js: Vec<usize> = (0..deg.min(m))
                    .map(|_| (next() % m as u64) as usize)
                    .collect();
                js.sort_unstable();
                js.dedup();
                for j in js {
                    edges.push((i, j, (next() % (range as u64 + 1)) as i64 - range / 4));
                }
            }
            Inst {
                n_left: n,
                caps,
                edges,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: config().cases.div_ceil(8), ..config() })]

    /// Law: on medium sparse capacitated graphs (long augmenting paths, the
    /// pruning bounds at work) the optimum equals Kuhn–Munkres.
    #[test]
    fn medium_sparse_vs_kuhn_munkres(inst in medium()) {
        let p = inst.problem();
        let a = p.solve(Objective::MaxWeight).unwrap();
        check_feasible(&inst, &a);
        a.verify(&p).unwrap();
        prop_assert_eq!(a.total_weight(), km(&inst, 0).1);
        let c = p.solve(Objective::MaxCardinality).unwrap();
        check_feasible(&inst, &c);
        c.verify(&p).unwrap();
        let offset = 2 * MAX_WEIGHT * (inst.n_left as i64 + 1) + 1;
        prop_assert_eq!((c.matched() as i64, c.total_weight()), km(&inst, offset));
    }
}

/// Law: the same answer with one thread and with several (components are
/// solved in parallel).
#[test]
fn thread_count_invariant() {
    // Many small components plus one larger one.
    let n_left = 300;
    let mut p = Problem::new(n_left, (0..120).map(|j| 1 + j % 3).collect());
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..n_left {
        let block = (i / 10) % 12;
        for _ in 0..3 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let j = block * 10 + (s % 10) as usize;
            let _ = p.add_edge(i, j, (s % 7) as i64);
        }
    }
    // Duplicates from the random draw are allowed to fail validation: rebuild without them.
    let mut seen = std::collections::BTreeMap::new();
    for (i, j, w) in p.edges() {
        seen.entry((i, j)).or_insert(w);
    }
    let mut q = Problem::new(n_left, p.capacities().to_vec());
    for (&(i, j), &w) in &seen {
        q.add_edge(i, j, w).unwrap();
    }
    let solve_with = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| OBJECTIVES.map(|o| q.solve(o).unwrap()))
    };
    let one = solve_with(1);
    let two = solve_with(2);
    let four = solve_with(4);
    assert_eq!(one, two);
    assert_eq!(one, four);
    for a in &one {
        a.verify(&q).unwrap();
    }
}
