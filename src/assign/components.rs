//! Independent connected components, solved in parallel with rayon.
//!
//! No augmenting path leaves a component, so solving each one alone gives
//! exactly the assignment and duals of solving the whole graph: every
//! component keeps its vertices in increasing index order, so each search
//! meets the same ties in the same order. The result is therefore the same
//! for any number of threads.

use super::Stop;
use super::cardinality::{CardMatching, konig_cover};
use super::mirror;
use super::problem::Graph;
use super::ssp::{self, NONE, Solution};
use rayon::prelude::*;

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

/// What each component solves for.
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    /// `max Σ (w + offset)`, every component solved at that offset.
    Offset(i64),
    /// Maximum cardinality, then weight, with duals for offset `B`: see
    /// [`max_cardinality`].
    MaxCardinality(i64),
}

/// Whether the right side of `g` has fewer usable places
/// (`Σ min(c_j, deg j)`) than there are left vertices with an edge.
fn right_is_scarce(g: &Graph) -> bool {
    let mut deg = vec![0usize; g.n_right()];
    for &j in &g.right {
        deg[j as usize] += 1;
    }
    let places: usize = deg
        .iter()
        .zip(&g.cap)
        .map(|(&d, &c)| d.min(c as usize))
        .sum();
    let lefts = (0..g.n_left)
        .filter(|&i| g.start[i + 1] > g.start[i])
        .count();
    places < lefts
}

/// `max Σ (w + offset)` on one component, inserted from its scarce side:
/// [`mirror::solve`] when the right side is scarce, [`ssp::solve`]
/// otherwise. The choice depends only on the component, so the result
/// stays deterministic.
fn solve_offset(g: &Graph, offset: i64, stop: Stop<'_>) -> Option<Solution> {
    if right_is_scarce(g) {
        mirror::solve(g, offset, stop)
    } else {
        ssp::solve(g, offset, stop)
    }
}

/// Maximum cardinality, then maximum weight, on one component, with duals
/// for offset `b` (`b > 2·M·K`, as the caller guarantees).
///
/// Inserting from the left ([`ssp`]), the offset solve is much slower than
/// the plain weight solve (a search may stop at a "stay" sink only when
/// nothing can be gained), so the weight solve runs first: if its
/// assignment has maximum cardinality (no alternating path from a free
/// left vertex reaches spare room), it is also best by weight among the
/// maximum ones, and König's cover `C` of it (`|C|` = its size) lifts its
/// duals exactly: `u + b·[i ∈ C]`, `v + b·[j ∈ C]` cover every edge's
/// `w + b`, stay non-negative, and sum to `Σ (w + b)` over its pairs.
/// Otherwise the offset solve runs. Inserted from the right
/// ([`mirror`]), both solves cost about the same, so the offset solve runs
/// at once.
fn max_cardinality(g: &Graph, b: i64, warm: Option<&Solution>, stop: Stop<'_>) -> Option<Solution> {
    if right_is_scarce(g) {
        return match warm {
            Some(w) => mirror::resolve(g, b, w, stop),
            None => mirror::solve(g, b, stop),
        };
    }
    let sol = ssp::solve(g, 0, stop)?;
    let m = CardMatching::from_assignment(g, sol.right_of);
    let Some((cover_l, cover_r)) = konig_cover(g, &m) else {
        return ssp::solve(g, b, stop);
    };
    let (mut u, mut v) = (sol.u, sol.v);
    for &i in &cover_l {
        u[i as usize] += b;
    }
    for &j in &cover_r {
        v[j as usize] += b;
    }
    Some(Solution {
        right_of: m.right_of,
        u,
        v,
    })
}

fn solve_one(g: &Graph, mode: Mode, warm: Option<&Solution>, stop: Stop<'_>) -> Option<Solution> {
    match mode {
        Mode::Offset(offset) => solve_offset(g, offset, stop),
        Mode::MaxCardinality(b) => max_cardinality(g, b, warm, stop),
    }
}

/// Solve every component of `g` and stitch the results; `None` if `stop`
/// asked to stop. With `warm` (an optimal solution of a subgraph of `g`
/// with the same vertices, at the same offset), a component whose right
/// side is scarce is re-solved from it ([`mirror::resolve`]); the others
/// are solved afresh.
pub(crate) fn solve(
    g: &Graph,
    mode: Mode,
    warm: Option<&Solution>,
    stop: Stop<'_>,
) -> Option<Solution> {
    let n_left = g.n_left;
    let n = n_left + g.n_right();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for i in 0..n_left {
        let (rs, _) = g.edges_of(i);
        for &j in rs {
            let a = find(&mut parent, i as u32);
            let b = find(&mut parent, (n_left + j as usize) as u32);
            if a != b {
                // Smaller root wins: the labels do not depend on edge order.
                let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                parent[hi as usize] = lo;
            }
        }
    }
    // Component id per root, counting only components with an edge.
    let mut comp = vec![NONE; n];
    let mut n_comp = 0u32;
    for i in 0..n_left {
        if g.start[i + 1] > g.start[i] {
            let r = find(&mut parent, i as u32) as usize;
            if comp[r] == NONE {
                comp[r] = n_comp;
                n_comp += 1;
            }
        }
    }
    if n_comp <= 1 {
        return solve_one(g, mode, warm, stop);
    }
    // Members of each component, in increasing index order.
    let mut lefts: Vec<Vec<u32>> = vec![Vec::new(); n_comp as usize];
    let mut rights: Vec<Vec<u32>> = vec![Vec::new(); n_comp as usize];
    let mut local = vec![0u32; n];
    for x in 0..n {
        let r = find(&mut parent, x as u32) as usize;
        let c = comp[r];
        if c == NONE {
            continue;
        }
        let list = if x < n_left {
            &mut lefts[c as usize]
        } else {
            &mut rights[c as usize]
        };
        local[x] = list.len() as u32;
        list.push(if x < n_left {
            x as u32
        } else {
            (x - n_left) as u32
        });
    }
    // Largest first, one task each: a thread that solves the largest
    // component (at a million participants, most of the mentor side) is
    // not also left the components next to it in index order, which the
    // other thread solves meanwhile. The results do not depend on it.
    let size = |c: usize| -> usize {
        lefts[c]
            .iter()
            .map(|&i| g.start[i as usize + 1] - g.start[i as usize])
            .sum()
    };
    let mut order: Vec<(usize, usize)> = (0..n_comp as usize).map(|c| (size(c), c)).collect();
    order.sort_unstable_by_key(|&(s, c)| (std::cmp::Reverse(s), c));
    let solved: Option<Vec<(usize, Solution)>> = order
        .par_iter()
        .with_max_len(1)
        .map(|&(_, c)| {
            let (ls, rs) = (&lefts[c], &rights[c]);
            let mut sub = Graph {
                n_left: ls.len(),
                cap: rs.iter().map(|&j| g.cap[j as usize]).collect(),
                start: Vec::with_capacity(ls.len() + 1),
                right: Vec::new(),
                weight: Vec::new(),
            };
            sub.start.push(0);
            for &i in ls {
                let (er, ew) = g.edges_of(i as usize);
                sub.right
                    .extend(er.iter().map(|&j| local[n_left + j as usize]));
                sub.weight.extend_from_slice(ew);
                sub.start.push(sub.right.len());
            }
            // The warm solution in the component's own indices.
            let part = warm.map(|w| Solution {
                right_of: ls
                    .iter()
                    .map(|&i| match w.right_of[i as usize] {
                        NONE => NONE,
                        j => local[n_left + j as usize],
                    })
                    .collect(),
                u: ls.iter().map(|&i| w.u[i as usize]).collect(),
                v: rs.iter().map(|&j| w.v[j as usize]).collect(),
            });
            solve_one(&sub, mode, part.as_ref(), stop).map(|s| (c, s))
        })
        .collect();
    let solved = solved?;
    let mut out = Solution {
        right_of: vec![NONE; n_left],
        u: vec![0; n_left],
        v: vec![0; g.n_right()],
    };
    for (c, s) in solved {
        let (ls, rs) = (&lefts[c], &rights[c]);
        for (k, &i) in ls.iter().enumerate() {
            let j = s.right_of[k];
            out.right_of[i as usize] = if j == NONE { NONE } else { rs[j as usize] };
            out.u[i as usize] = s.u[k];
        }
        for (k, &j) in rs.iter().enumerate() {
            out.v[j as usize] = s.v[k];
        }
    }
    Some(out)
}
