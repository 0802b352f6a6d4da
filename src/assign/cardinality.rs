//! Maximum-cardinality many-to-one matching (weights ignored) and König
//! vertex covers; used by the `Egalitarian` threshold search and its
//! certificate.
//!
//! Breadth-first augmenting paths with capacities, one search per left
//! vertex; vertices reached by a failed search stay marked until the next
//! augmentation (no path can start through them before that). O(V · E)
//! time in the worst case, O(V + E) memory.

use super::problem::Graph;
use super::ssp::NONE;
use std::collections::VecDeque;

/// A maximum-cardinality matching.
pub(crate) struct CardMatching {
    pub right_of: Vec<u32>,
    pub holders: Vec<Vec<u32>>,
    pub matched: usize,
}

pub(crate) fn max_cardinality(g: &Graph) -> CardMatching {
    let n_right = g.n_right();
    let mut right_of = vec![NONE; g.n_left];
    let mut holders: Vec<Vec<u32>> = vec![Vec::new(); n_right];
    let mut seen_r = vec![0u32; n_right];
    let mut seen_l = vec![0u32; g.n_left];
    let mut parent_r = vec![NONE; n_right];
    let mut parent_l = vec![NONE; g.n_left];
    let mut stamp = 1u32;
    let mut matched = 0usize;
    let mut queue = VecDeque::new();
    for root in 0..g.n_left {
        if g.start[root] == g.start[root + 1] {
            continue;
        }
        queue.clear();
        queue.push_back(root as u32);
        seen_l[root] = stamp;
        parent_l[root] = NONE;
        let mut sink = NONE;
        'bfs: while let Some(i) = queue.pop_front() {
            let (rs, _) = g.edges_of(i as usize);
            for &j in rs {
                let ju = j as usize;
                if seen_r[ju] == stamp {
                    continue;
                }
                seen_r[ju] = stamp;
                parent_r[ju] = i;
                if (holders[ju].len() as u64) < u64::from(g.cap[ju]) {
                    sink = j;
                    break 'bfs;
                }
                for &h in &holders[ju] {
                    if seen_l[h as usize] != stamp {
                        seen_l[h as usize] = stamp;
                        parent_l[h as usize] = j;
                        queue.push_back(h);
                    }
                }
            }
        }
        if sink == NONE {
            continue;
        }
        let mut j = sink;
        loop {
            let i = parent_r[j as usize];
            let old = parent_l[i as usize];
            if old != NONE {
                let h = &mut holders[old as usize];
                let k = h.iter().position(|&x| x == i).expect("i is held by old");
                h.swap_remove(k);
            }
            holders[j as usize].push(i);
            right_of[i as usize] = j;
            if old == NONE {
                break;
            }
            j = old;
        }
        matched += 1;
        stamp += 1;
    }
    CardMatching {
        right_of,
        holders,
        matched,
    }
}

/// König's cover of a maximum matching: the left vertices *not* reachable by
/// alternating paths from the free left vertices, and the right vertices
/// that are. Its size (`|left| + Σ c_j over right`) equals the matching's.
/// `None` when a reachable right vertex has room, i.e. when the matching is
/// not maximum (there is an augmenting path).
pub(crate) fn konig_cover(g: &Graph, m: &CardMatching) -> Option<(Vec<u32>, Vec<u32>)> {
    let mut seen_l = vec![false; g.n_left];
    let mut seen_r = vec![false; g.n_right()];
    let mut queue: VecDeque<u32> = (0..g.n_left as u32)
        .filter(|&i| m.right_of[i as usize] == NONE)
        .collect();
    for &i in &queue {
        seen_l[i as usize] = true;
    }
    while let Some(i) = queue.pop_front() {
        let (rs, _) = g.edges_of(i as usize);
        for &j in rs {
            if !seen_r[j as usize] {
                seen_r[j as usize] = true;
                if (m.holders[j as usize].len() as u64) < u64::from(g.cap[j as usize]) {
                    return None;
                }
                for &h in &m.holders[j as usize] {
                    if !seen_l[h as usize] {
                        seen_l[h as usize] = true;
                        queue.push_back(h);
                    }
                }
            }
        }
    }
    let left = (0..g.n_left as u32)
        .filter(|&i| !seen_l[i as usize])
        .collect();
    let right = (0..g.n_right() as u32)
        .filter(|&j| seen_r[j as usize])
        .collect();
    Some((left, right))
}

impl CardMatching {
    /// The matching given by `right_of` (any feasible assignment).
    pub(crate) fn from_assignment(g: &Graph, right_of: Vec<u32>) -> CardMatching {
        let mut holders: Vec<Vec<u32>> = vec![Vec::new(); g.n_right()];
        let mut matched = 0;
        for (i, &j) in right_of.iter().enumerate() {
            if j != NONE {
                holders[j as usize].push(i as u32);
                matched += 1;
            }
        }
        CardMatching {
            right_of,
            holders,
            matched,
        }
    }
}
