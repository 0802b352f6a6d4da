//! Independent connected components, solved in parallel with rayon.
//!
//! No augmenting path leaves a component, so solving each one alone gives
//! exactly the assignment and duals of solving the whole graph: every
//! component keeps its vertices in increasing index order, so each search
//! meets the same ties in the same order. The result is therefore the same
//! for any number of threads.

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

/// Solve every component of `g` with [`ssp::solve`] and stitch the results.
pub(crate) fn solve(g: &Graph, offset: i64) -> Solution {
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
        return ssp::solve(g, offset);
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
    let parts: Vec<Solution> = lefts
        .par_iter()
        .zip(&rights)
        .map(|(ls, rs)| {
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
            ssp::solve(&sub, offset)
        })
        .collect();
    let mut out = Solution {
        right_of: vec![NONE; n_left],
        u: vec![0; n_left],
        v: vec![0; g.n_right()],
    };
    for ((ls, rs), s) in lefts.iter().zip(&rights).zip(parts) {
        for (k, &i) in ls.iter().enumerate() {
            let j = s.right_of[k];
            out.right_of[i as usize] = if j == NONE { NONE } else { rs[j as usize] };
            out.u[i as usize] = s.u[k];
        }
        for (k, &j) in rs.iter().enumerate() {
            out.v[j as usize] = s.v[k];
        }
    }
    out
}
