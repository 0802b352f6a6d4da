//! Named edge cases and bad input: every one is an answer or a typed error,
//! never a panic or a hang.

use mentormatch::Error;
use mentormatch::assign::{MAX_LEFT, MAX_WEIGHT, Objective, Problem};

const ALL: [Objective; 3] = [
    Objective::MaxWeight,
    Objective::MaxCardinality,
    Objective::Egalitarian,
];

fn solve_all(p: &Problem) -> Vec<mentormatch::assign::Assignment> {
    ALL.iter()
        .map(|&o| {
            let a = p.solve(o).unwrap();
            a.verify(p).unwrap();
            a
        })
        .collect()
}

#[test]
fn empty_problems() {
    for p in [
        Problem::new(0, vec![]),
        Problem::new(3, vec![]),
        Problem::new(0, vec![1, 2]),
        Problem::new(2, vec![1]),
        Problem::from_dense(0, 0, &[]).unwrap(),
        Problem::from_dense(3, 0, &[]).unwrap(),
        Problem::from_dense(0, 2, &[]).unwrap(),
    ] {
        for a in solve_all(&p) {
            assert_eq!((a.matched(), a.total_weight()), (0, 0));
            assert_eq!(a.pairs().count(), 0);
            assert_eq!(a.unassigned().count(), p.n_left());
        }
    }
}

#[test]
fn isolated_vertices_and_large_capacity() {
    // Left 1 and right 1 have no edges; right 0's capacity exceeds n_left.
    let mut p = Problem::new(3, vec![1_000_000, 4]);
    p.add_edge(0, 0, 5).unwrap();
    p.add_edge(2, 0, -1).unwrap();
    let [w, c, e] = solve_all(&p).try_into().unwrap();
    assert_eq!((w.matched(), w.total_weight()), (1, 5));
    assert_eq!((c.matched(), c.total_weight()), (2, 4));
    assert_eq!((e.matched(), e.certificate().threshold()), (2, Some(-1)));
    assert_eq!((c.right_of(1), c.load(0), c.load(1)), (None, 2, 0));
}

#[test]
fn more_left_than_right_and_fewer() {
    let w = [4, 1, 3, 2, 9, 7];
    let tall = Problem::from_dense(3, 2, &w).unwrap();
    let wide = Problem::from_dense(2, 3, &w).unwrap();
    let a = tall.solve(Objective::MaxCardinality).unwrap();
    a.verify(&tall).unwrap();
    assert_eq!((a.matched(), a.total_weight()), (2, 4 + 7));
    let b = wide.solve(Objective::MaxCardinality).unwrap();
    b.verify(&wide).unwrap();
    assert_eq!((b.matched(), b.total_weight()), (2, 4 + 9));
}

#[test]
fn ties_are_broken_deterministically() {
    // Every assignment is optimal; the answer must still be the same each time.
    let p = Problem::from_dense_with_capacities(6, vec![2, 2, 2], &[1; 18]).unwrap();
    for o in ALL {
        let first = p.solve(o).unwrap();
        for _ in 0..5 {
            assert_eq!(p.solve(o).unwrap(), first);
        }
        assert_eq!(first.total_weight(), 6);
    }
}

#[test]
fn max_weight_may_leave_people_out() {
    // One slot, two people: MaxWeight takes the 9; with a negative pair it
    // leaves that person out, MaxCardinality does not.
    let mut p = Problem::new(2, vec![1, 1]);
    p.add_edge(0, 0, 9).unwrap();
    p.add_edge(1, 1, -3).unwrap();
    assert_eq!(p.solve(Objective::MaxWeight).unwrap().matched(), 1);
    assert_eq!(p.solve(Objective::MaxCardinality).unwrap().matched(), 2);
}

#[test]
fn egalitarian_raises_the_smallest_weight() {
    // Max weight: 10 + 1 = 11 (smallest 1); egalitarian: 6 + 5 (smallest 5).
    let p = Problem::from_dense(2, 2, &[10, 6, 5, 1]).unwrap();
    let c = p.solve(Objective::MaxCardinality).unwrap();
    let e = p.solve(Objective::Egalitarian).unwrap();
    assert_eq!(c.total_weight(), 11);
    assert_eq!(e.total_weight(), 11);
    let p = Problem::from_dense(2, 2, &[10, 4, 4, 1]).unwrap();
    let c = p.solve(Objective::MaxCardinality).unwrap();
    let e = p.solve(Objective::Egalitarian).unwrap();
    assert_eq!((c.total_weight(), e.total_weight()), (11, 8));
    assert_eq!(e.certificate().threshold(), Some(4));
    e.verify(&p).unwrap();
}

#[test]
fn weights_at_the_bound() {
    let n = 40;
    let mut p = Problem::new(n, vec![3; n / 3]);
    for i in 0..n {
        for j in 0..n / 3 {
            let jitter = i as i64 % 2;
            let w = if (i + j) % 2 == 0 {
                MAX_WEIGHT - jitter
            } else {
                -MAX_WEIGHT + jitter
            };
            p.add_edge(i, j, w).unwrap();
        }
    }
    for a in solve_all(&p) {
        assert!(a.matched() > 0);
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    let mut p = Problem::new(2, vec![1, 2]);
    assert!(matches!(
        p.add_edge(2, 0, 1),
        Err(Error::LeftOutOfRange { left: 2, n_left: 2 })
    ));
    assert!(matches!(
        p.add_edge(0, 2, 1),
        Err(Error::RightOutOfRange {
            right: 2,
            n_right: 2
        })
    ));
    assert!(matches!(
        p.add_edge(0, 0, MAX_WEIGHT + 1),
        Err(Error::WeightOutOfRange { .. })
    ));
    assert!(matches!(
        p.add_edge(0, 0, i64::MIN),
        Err(Error::WeightOutOfRange { .. })
    ));
    p.add_edge(1, 1, 3).unwrap();
    p.add_edge(1, 1, 4).unwrap();
    for o in ALL {
        assert!(matches!(
            p.solve(o),
            Err(Error::DuplicateEdge { left: 1, right: 1 })
        ));
    }
    let z = Problem::new(1, vec![1, 0]);
    assert!(matches!(
        z.solve(Objective::MaxWeight),
        Err(Error::InvalidCapacity { right: 1, .. })
    ));
    assert!(matches!(
        Problem::from_dense(2, 2, &[1, 2, 3]),
        Err(Error::DenseShape { .. })
    ));
    assert!(matches!(
        Problem::from_dense(1, 1, &[-MAX_WEIGHT - 1]),
        Err(Error::WeightOutOfRange { .. })
    ));
    assert!(matches!(
        Problem::new(MAX_LEFT + 1, vec![1]).solve(Objective::MaxWeight),
        Err(Error::TooLarge { .. })
    ));
    let mut d = Problem::from_dense(1, 1, &[1]).unwrap();
    assert!(matches!(
        d.add_edge(0, 0, 1),
        Err(Error::DuplicateEdge { .. })
    ));
}

#[test]
fn tampered_certificates_are_rejected() {
    let p = Problem::from_dense(3, 3, &[7, 5, 3, 2, 8, 1, 4, 6, 9]).unwrap();
    let a = p.solve(Objective::MaxWeight).unwrap();
    a.verify(&p).unwrap();
    // A different problem with a better pair: the duals no longer prove optimality.
    let q = Problem::from_dense(3, 3, &[7, 50, 3, 2, 8, 1, 4, 6, 9]).unwrap();
    assert!(a.verify(&q).is_err());
    // A problem where an assigned pair is forbidden.
    let mut r = Problem::new(3, vec![1; 3]);
    r.add_edge(0, 1, 5).unwrap();
    assert!(a.verify(&r).is_err());
}

#[test]
fn reduced_costs_price_pairs_outside_the_problem() {
    // The engine prunes candidate pairs; a pruned pair with positive reduced
    // cost would improve the optimum, so it must enter.
    let mut p = Problem::new(2, vec![1, 1]);
    p.add_edge(0, 0, 10).unwrap();
    p.add_edge(1, 0, 8).unwrap();
    let a = p.solve(Objective::MaxWeight).unwrap();
    // Pair (1, 1) was pruned: with weight 1 it helps (left 1 is unassigned).
    assert!(a.reduced_cost(1, 1, 1).unwrap() > 0);
    assert!(a.reduced_cost(1, 1, 0).unwrap() <= 0);
    p.add_edge(1, 1, 1).unwrap();
    assert_eq!(p.solve(Objective::MaxWeight).unwrap().total_weight(), 11);
}
