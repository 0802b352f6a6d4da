//! Dispatch: which solver runs for which objective and input, and how its
//! duals become a [`Certificate`].

use super::Stop;
use super::assignment::Assignment;
use super::cardinality::{konig_cover, max_cardinality};
use super::certificate::{Certificate, Cover};
use super::components::Mode;
use super::jv::Cell;
use super::problem::{Dense, Graph, Problem, Storage};
use super::ssp::{self, NONE};
use super::{Objective, jv};
use crate::error::Result;

/// The offset `B = 2·M·K + 1` that makes one more pair worth more than any
/// weight difference (see the certificate docs). With `M ≤ 2^32` and
/// `K ≤ 2^27` it is at most `2^60 + 1`.
fn big_offset(g: &Graph) -> i64 {
    let b = 2 * i128::from(g.max_abs_weight()) * i128::from(g.matching_bound()) + 1;
    i64::try_from(b).expect("bounded by MAX_WEIGHT and MAX_LEFT")
}

/// The error a stopped solve returns; the engine names its own stage.
fn stopped() -> crate::Error {
    crate::Error::Cancelled {
        stage: "solve".to_owned(),
    }
}

/// A previous optimal solution of a subgraph (same vertices, fewer edges)
/// and the `MaxCardinality` offset its duals refer to.
pub(crate) struct Warm {
    pub offset: i64,
    pub sol: ssp::Solution,
}

/// Solve `p`; for `MaxCardinality` the offset is at least `min_offset`,
/// and the solve starts from `warm` when the offsets agree.
pub(crate) fn solve(
    p: &Problem,
    objective: Objective,
    min_offset: i64,
    warm: Option<&Warm>,
    stop: Stop<'_>,
) -> Result<Assignment> {
    if let Storage::Dense(w) = &p.storage
        && objective == Objective::MaxCardinality
        && p.capacities.iter().all(|&c| c == 1)
    {
        let a = match w {
            Dense::Short(w) => solve_dense(p, w, min_offset),
            Dense::Narrow(w) => solve_dense(p, w, min_offset),
            Dense::Wide(w) => solve_dense(p, w, min_offset),
        };
        if let Some(a) = a {
            return Ok(a);
        }
    }
    let g = Graph::from_problem(p)?;
    solve_graph(p, &g, objective, (min_offset, warm), stop)
}

pub(crate) fn solve_graph(
    p: &Problem,
    g: &Graph,
    objective: Objective,
    (min_offset, warm): (i64, Option<&Warm>),
    stop: Stop<'_>,
) -> Result<Assignment> {
    match objective {
        Objective::MaxWeight => solve_sparse(p, g, objective, 0, None, stop),
        Objective::MaxCardinality => {
            solve_max_cardinality(p, g, objective, (min_offset, warm), None, stop)
        }
        Objective::Egalitarian => solve_egalitarian(p, g, stop),
    }
}

fn weights_of(g: &Graph, right_of: &[u32]) -> Vec<i64> {
    right_of
        .iter()
        .enumerate()
        .map(|(i, &j)| {
            if j == NONE {
                return 0;
            }
            let (rs, ws) = g.edges_of(i);
            ws[rs.binary_search(&j).expect("assigned pairs are edges")]
        })
        .collect()
}

fn solve_sparse(
    p: &Problem,
    g: &Graph,
    objective: Objective,
    offset: i64,
    extra: Option<(Option<i64>, Cover, Cover)>,
    stop: Stop<'_>,
) -> Result<Assignment> {
    let sol = super::components::solve(g, Mode::Offset(offset), None, stop).ok_or_else(stopped)?;
    Ok(finish(p, g, objective, offset, sol, extra))
}

/// The assignment of a sparse solve, with its certificate.
fn finish(
    p: &Problem,
    g: &Graph,
    objective: Objective,
    offset: i64,
    sol: ssp::Solution,
    extra: Option<(Option<i64>, Cover, Cover)>,
) -> Assignment {
    let weight_of = weights_of(g, &sol.right_of);
    let (threshold, cover_all, cover_above) = match extra {
        Some((t, a, b)) => (t, Some(a), Some(b)),
        None => (None, None, None),
    };
    let certificate = Certificate {
        offset,
        u: sol.u,
        v: sol.v,
        threshold,
        cover_all,
        cover_above,
    };
    Assignment::new(p, objective, sol.right_of, weight_of, certificate)
}

fn cover_of(g: &Graph) -> (Cover, usize) {
    let m = max_cardinality(g);
    let (left, right) = konig_cover(g, &m).expect("the matching is maximum");
    (Cover { left, right }, m.matched)
}

/// `MaxCardinality` (also the last stage of `Egalitarian`): every
/// component solved for maximum cardinality, then weight, with duals for
/// the one offset `B` (see `components::max_cardinality`).
fn solve_max_cardinality(
    p: &Problem,
    g: &Graph,
    objective: Objective,
    (min_offset, warm): (i64, Option<&Warm>),
    extra: Option<(Option<i64>, Cover, Cover)>,
    stop: Stop<'_>,
) -> Result<Assignment> {
    let b = big_offset(g).max(min_offset);
    let warm = warm.filter(|w| w.offset == b).map(|w| &w.sol);
    let sol =
        super::components::solve(g, Mode::MaxCardinality(b), warm, stop).ok_or_else(stopped)?;
    Ok(finish(p, g, objective, b, sol, extra))
}

/// Largest threshold `t` among the distinct weights such that the edges
/// `≥ t` still admit a maximum-cardinality assignment (binary search, each
/// step one cardinality matching), then `MaxCardinality` on those edges.
fn solve_egalitarian(p: &Problem, g: &Graph, stop: Stop<'_>) -> Result<Assignment> {
    let (cover_all, k) = cover_of(g);
    if k == 0 {
        return solve_sparse(
            p,
            g,
            Objective::Egalitarian,
            big_offset(g),
            Some((None, cover_all, Cover::default())),
            stop,
        );
    }
    let mut ws = g.weight.clone();
    ws.sort_unstable();
    ws.dedup();
    // Invariant: ws[lo] keeps cardinality k; ws[hi] (if < len) does not.
    let (mut lo, mut hi) = (0usize, ws.len());
    while hi - lo > 1 {
        if stop.requested() {
            return Err(stopped());
        }
        let mid = lo + (hi - lo) / 2;
        if max_cardinality(&g.at_least(ws[mid])).matched == k {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let t = ws[lo];
    let cover_above = if hi < ws.len() {
        cover_of(&g.at_least(ws[hi])).0
    } else {
        Cover::default()
    };
    let sub = g.at_least(t);
    let mut a = solve_max_cardinality(
        p,
        &sub,
        Objective::Egalitarian,
        (0, None),
        Some((Some(t), cover_all, cover_above)),
        stop,
    )?;
    // The smallest assigned weight is exactly t: the edges ≥ t admit k pairs
    // and those > t do not, so every maximum assignment on `sub` uses a t.
    a.certificate.threshold = a.pairs().map(|e| e.2).min();
    Ok(a)
}

/// Complete matrix, unit capacities, `MaxCardinality`: Jonker–Volgenant on
/// the matrix (transposed when it has more rows than columns). Every row
/// (column) is assigned, so the offset can be added to that side's duals.
fn solve_dense<T: Cell>(p: &Problem, w: &[T], min_offset: i64) -> Option<Assignment> {
    let (rows, cols) = (p.n_left, p.n_right());
    let k = rows.min(cols);
    let m = w.iter().map(|x| x.val().abs()).max().unwrap_or(0);
    let b_min = 2 * i128::from(m) * k as i128 + 1;
    let (right_of, mut u, mut v, full_side_is_left) = if rows <= cols {
        let s = jv::solve(rows, cols, w);
        (s.col_of, s.u, s.v, true)
    } else {
        let mut t = w.to_vec();
        for i in 0..rows {
            for j in 0..cols {
                t[j * rows + i] = w[i * cols + j];
            }
        }
        let s = jv::solve(cols, rows, &t);
        let mut right_of = vec![NONE; rows];
        for (j, &i) in s.col_of.iter().enumerate() {
            right_of[i as usize] = j as u32;
        }
        (right_of, s.v, s.u, false)
    };
    // Duals: u_i + v_j ≥ w_ij, tight on pairs; the side not fully assigned
    // is ≥ 0 with zeros on its free vertices (square: shift so min is 0).
    let (full, other) = if full_side_is_left {
        (&mut u, &mut v)
    } else {
        (&mut v, &mut u)
    };
    if rows == cols
        && let Some(&min) = other.iter().min()
    {
        for x in other.iter_mut() {
            *x -= min;
        }
        for x in full.iter_mut() {
            *x += min;
        }
    }
    let need = full.iter().map(|&x| -i128::from(x)).max().unwrap_or(0);
    let b = i64::try_from(b_min.max(need).max(i128::from(min_offset))).ok()?;
    for x in full.iter_mut() {
        *x = x.checked_add(b)?;
    }
    let weight_of = right_of
        .iter()
        .enumerate()
        .map(|(i, &j)| {
            if j == NONE {
                0
            } else {
                w[i * cols + j as usize].val()
            }
        })
        .collect();
    let certificate = Certificate {
        offset: b,
        u,
        v,
        threshold: None,
        cover_all: None,
        cover_above: None,
    };
    Some(Assignment::new(
        p,
        Objective::MaxCardinality,
        right_of,
        weight_of,
        certificate,
    ))
}
